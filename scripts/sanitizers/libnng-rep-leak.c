// The REP side of libnng-pub-leak.c: does libnng 1.5.2 lose a reply that nng_ctx_send accepted on a REP
// context when the requester's pipe closes while the reply is sent? Only libnng's public API is used, and a
// reply made here is either accepted by nng_ctx_send (then libnng's) or taken back off the aio and freed.
//   libnng-rep-leak race URL ROUNDS   requester processes (4 per round) send requests and exit while eight
//                                     REP contexts answer
//   libnng-rep-leak calm URL          the same requesters, but each waits for its replies before it exits
//   libnng-rep-leak req URL MS WAIT   (a requester: sends for MS ms; WAIT=1 receives each reply first)
// In both modes every requester has gone before the REP socket closes. Built with AddressSanitizer by
// scripts/sanitizers/libnng-rep-leak; LeakSanitizer then reports what libnng dropped.
#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/util/platform.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { workers = 8 };
static nng_socket replier;
static atomic_long accepted;
static const char *self_path;

// One REP context: receive, answer, until the socket closes.
static void *answer(void *argument) {
    (void) argument;
    nng_ctx context;
    nng_aio *aio;
    if (nng_ctx_open(&context, replier) != 0 || nng_aio_alloc(&aio, NULL, NULL) != 0) abort();
    for (;;) {
        nng_ctx_recv(context, aio);
        nng_aio_wait(aio);
        int result = nng_aio_result(aio);
        if (result == NNG_ECLOSED) break;
        if (result != 0) {
            fprintf(stderr, "receive: %s\n", nng_strerror(result));
            continue;
        }
        nng_msg_free(nng_aio_get_msg(aio));
        nng_msg *reply;
        if (nng_msg_alloc(&reply, 0) != 0) abort();
        if (nng_msg_append(reply, "reply 0123456789", 16) != 0) abort();
        nng_aio_set_msg(aio, reply);
        nng_ctx_send(context, aio);
        nng_aio_wait(aio);
        if (nng_aio_result(aio) != 0) {
            nng_msg_free(nng_aio_get_msg(aio));  // refused: handed back, still ours
            nng_aio_set_msg(aio, NULL);
        } else {
            atomic_fetch_add(&accepted, 1);  // accepted: libnng's from here on
        }
    }
    nng_aio_free(aio);
    return NULL;
}

static atomic_bool closed;

static void *close_replier(void *argument) {
    (void) argument;
    nng_close(replier);
    atomic_store(&closed, true);
    return NULL;
}

static pid_t start_requester(const char *url, int milliseconds, int wait_for_replies) {
    char duration[16], wait[4];
    snprintf(duration, sizeof duration, "%d", milliseconds);
    snprintf(wait, sizeof wait, "%d", wait_for_replies);
    pid_t child = fork();
    if (child == 0) {
        execl(self_path, self_path, "req", url, duration, wait, (char *) NULL);
        _exit(127);
    }
    return child;
}

static int requester(const char *url, int milliseconds, int wait_for_replies) {
    nng_socket socket;
    if (nng_req0_open(&socket) != 0) return 1;
    while (nng_dial(socket, url, NULL, 0) != 0) nng_msleep(1);
    nng_time until = nng_clock() + milliseconds;
    while (nng_clock() < until) {
        if (nng_send(socket, "request", 7, 0) != 0) continue;
        if (wait_for_replies) {
            char *reply;
            size_t size;
            if (nng_recv(socket, &reply, &size, NNG_FLAG_ALLOC) == 0) nng_free(reply, size);
        } else {
            usleep(20);  // the next send abandons this request; its reply may still be on its way
        }
    }
    _exit(0);  // the pipe dies with the process, as with a killed client
}

int main(int argc, char **argv) {
    self_path = argv[0];
    if (argc < 3) {
        fprintf(stderr, "usage: %s race URL ROUNDS | calm URL | req URL MS WAIT\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1], *url = argv[2];
    if (strcmp(mode, "req") == 0) return requester(url, argc > 3 ? atoi(argv[3]) : 10, argc > 4 && atoi(argv[4]));
    if (nng_rep0_open(&replier) != 0 || nng_listen(replier, url, NULL, 0) != 0) {
        fprintf(stderr, "cannot listen on %s\n", url);
        return 1;
    }
    pthread_t threads[workers];
    for (int w = 0; w < workers; w++) pthread_create(&threads[w], NULL, answer, NULL);
    pid_t children[4];
    int rounds = strcmp(mode, "calm") == 0 ? 4 : (argc > 3 ? atoi(argv[3]) : 150);
    for (int round = 0; round < rounds; round++) {
        for (int c = 0; c < 4; c++) {
            children[c] = strcmp(mode, "calm") == 0 ? start_requester(url, 500, 1)
                                                    : start_requester(url, 5 + rand() % 30, 0);
        }
        for (int c = 0; c < 4; c++) waitpid(children[c], NULL, 0);
    }
    nng_msleep(500);  // every pipe closed and reaped
    // libnng 1.5.2's nng_close can hang after such a race (its close deadlock, which Socket.close works
    // around the same way): close on a thread of its own and check the leaks after 5 s regardless.
    pthread_t closer;
    pthread_create(&closer, NULL, close_replier, NULL);
    for (int tenth = 0; tenth < 50 && !atomic_load(&closed); tenth++) nng_msleep(100);
    if (atomic_load(&closed)) {
        for (int w = 0; w < workers; w++) pthread_join(threads[w], NULL);
    } else {
        fprintf(stderr, "%s: nng_close hung; leaks checked with the socket still open\n", mode);
    }
    nng_msleep(200);
    fprintf(stderr, "%s: %ld replies accepted by nng_ctx_send\n", mode, atomic_load(&accepted));
    return 0;
}
