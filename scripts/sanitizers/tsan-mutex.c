// Tells ThreadSanitizer when Swift's Synchronization.Mutex is taken and released on its slow path.
//
// Linked into every executable of the TSan build only (scripts/sanitized-tests), never into a normal
// build. Why it is needed: on Linux, `Mutex.withLock` inlines a compare-and-swap fast path into our
// code, which TSan instruments and understands, but a contended lock or unlock calls
// `_MutexHandle._lockSlow` / `_tryLockSlow` / `_unlockSlow` in libswiftSynchronization.so. Those spin
// with atomics TSan never sees (the library is not instrumented) and then let the kernel hand the lock
// over (FUTEX_LOCK_PI / FUTEX_UNLOCK_PI through syscall(2), which TSan does not intercept). TSan then
// knows of no happens-before between the two holders and reports every access to the protected state
// as a "Swift access race" — in our code, so a suppression would hide real races too.
//
// These definitions take precedence over the library's (the executable is searched first), forward
// to the library's, and add the edge the lock really creates: release on the lock word before
// unlocking, acquire after locking. That is the annotation the Swift runtime gives its own futex lock
// (swiftlang/swift#66877). The fast path already uses the same address, so both paths meet in one
// TSan sync object.
//
// The functions use Swift's calling convention: the _MutexHandle (the futex word) is `self`, passed
// in the swift_self register; `_lockSlow` takes the caller's thread id as its one argument.

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SWIFTCALL __attribute__((swiftcall))
#define SWIFT_SELF __attribute__((swift_context))  // clang's name for LLVM's swiftself (r13 on x86-64)

// TSan's annotation interface (compiler-rt's tsan_interface.h), linked in by -sanitize=thread.
void __tsan_acquire(void *address);
void __tsan_release(void *address);

#define LOCK_SLOW "$s15Synchronization12_MutexHandleV9_lockSlowyys6UInt32VF"
#define TRY_LOCK_SLOW "$s15Synchronization12_MutexHandleV12_tryLockSlowSbyF"
#define UNLOCK_SLOW "$s15Synchronization12_MutexHandleV11_unlockSlowyyF"

typedef SWIFTCALL void (*LockSlow)(uint32_t threadID, SWIFT_SELF void *handle);
typedef SWIFTCALL bool (*TryLockSlow)(SWIFT_SELF void *handle);
typedef SWIFTCALL void (*UnlockSlow)(SWIFT_SELF void *handle);

static LockSlow libraryLockSlow;
static TryLockSlow libraryTryLockSlow;
static UnlockSlow libraryUnlockSlow;

static void *librarySymbol(const char *name) {
    void *symbol = dlsym(RTLD_NEXT, name);
    if (symbol == NULL) {
        // The toolchain changed the Mutex's slow path: this shim must follow, or TSan runs would lie.
        fprintf(stderr, "tsan-mutex: %s not found in libswiftSynchronization (%s)\n", name, dlerror());
        abort();
    }
    return symbol;
}

// Resolved before main, while the process has one thread.
__attribute__((constructor)) static void resolveLibrarySlowPaths(void) {
    libraryLockSlow = (LockSlow)librarySymbol(LOCK_SLOW);
    libraryTryLockSlow = (TryLockSlow)librarySymbol(TRY_LOCK_SLOW);
    libraryUnlockSlow = (UnlockSlow)librarySymbol(UNLOCK_SLOW);
}

SWIFTCALL void tsanMutexLockSlow(uint32_t threadID, SWIFT_SELF void *handle) __asm__(LOCK_SLOW);
SWIFTCALL void tsanMutexLockSlow(uint32_t threadID, SWIFT_SELF void *handle) {
    libraryLockSlow(threadID, handle);
    __tsan_acquire(handle);
}

SWIFTCALL bool tsanMutexTryLockSlow(SWIFT_SELF void *handle) __asm__(TRY_LOCK_SLOW);
SWIFTCALL bool tsanMutexTryLockSlow(SWIFT_SELF void *handle) {
    bool locked = libraryTryLockSlow(handle);
    if (locked) __tsan_acquire(handle);
    return locked;
}

SWIFTCALL void tsanMutexUnlockSlow(SWIFT_SELF void *handle) __asm__(UNLOCK_SLOW);
SWIFTCALL void tsanMutexUnlockSlow(SWIFT_SELF void *handle) {
    __tsan_release(handle);
    libraryUnlockSlow(handle);
}
