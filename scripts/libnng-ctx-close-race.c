// libnng 1.5.2: a call that starts or cancels an operation on a context (here nng_ctx_recv and
// nng_aio_cancel, from a thread of their own) overlapping the close of the context and its socket.
// Unguarded, the call can drop its reference to the context, or the protocol's cancel function can lock
// the socket's mutex, after nng_ctx_close and nng_close freed them: libnng panics with
// "pthread_mutex_lock: Invalid argument" (or _unlock). Guarded, as Messaging's AsyncIO does it (the calls
// and the close exclude each other, and no call follows the close), it never does.
//
// Usage: libnng-ctx-close-race ROUNDS [guarded]
#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static nng_ctx ctx;
static nng_aio *aio;
static atomic_bool stop;
static bool guarded;
static pthread_mutex_t guard = PTHREAD_MUTEX_INITIALIZER;
static bool ctx_closed;

// Runs one libnng call on the context's aio: under the guard, and not at all once the context is closed,
// when guarded.
static void call(void (*body)(void)) {
	if (!guarded) {
		body();
		return;
	}
	pthread_mutex_lock(&guard);
	if (!ctx_closed) body();
	pthread_mutex_unlock(&guard);
}

static void receive(void) { nng_ctx_recv(ctx, aio); }
static void cancel(void) { nng_aio_cancel(aio); }

static void *hammer(void *unused) {
	(void) unused;
	while (!atomic_load(&stop)) {
		call(receive);  // takes a reference to the context and drops it
		call(cancel);   // the protocol's cancel function locks the socket's mutex
		nng_aio_wait(aio);
	}
	return NULL;
}

int main(int argc, char **argv) {
	int rounds = argc > 1 ? atoi(argv[1]) : 20000;
	guarded = argc > 2;
	for (int round = 0; round < rounds; round++) {
		nng_socket sock;
		if (nng_rep0_open(&sock) != 0 || nng_ctx_open(&ctx, sock) != 0 || nng_aio_alloc(&aio, NULL, NULL) != 0) {
			fprintf(stderr, "setup failed\n");
			return 2;
		}
		atomic_store(&stop, false);
		ctx_closed = false;
		pthread_t thread;
		pthread_create(&thread, NULL, hammer, NULL);
		for (volatile int spin = 0; spin < (round % 64) * 50; spin++) {
		}
		pthread_mutex_lock(&guard);
		ctx_closed = true;
		nng_ctx_close(ctx);
		pthread_mutex_unlock(&guard);
		nng_close(sock);
		atomic_store(&stop, true);
		pthread_join(thread, NULL);
		nng_aio_free(aio);
	}
	printf("%d rounds (%s), no panic\n", rounds, guarded ? "guarded" : "unguarded");
	return 0;
}
