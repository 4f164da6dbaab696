// Evidence for lsan.supp's Publisher.publish entry: libnng 1.5.2 loses a message that nng_sendmsg accepted
// on a PUB socket when a subscriber's pipe closes while it publishes. Only libnng's public API is used, and
// a message made here is either accepted by nng_sendmsg (then libnng's) or freed here at once.
//   libnng-pub-leak race URL ROUNDS   subscriber processes (4 per round) dial and exit while a thread publishes
//   libnng-pub-leak calm URL          the same subscribers and publishing, but no pipe closes during a publish
//   libnng-pub-leak sub URL MS        (the subscriber: dials, waits MS ms, exits without closing)
// In both modes publishing stops, and every subscriber has gone, before the PUB socket closes. Built with
// AddressSanitizer by scripts/sanitizers/libnng-pub-leak; LeakSanitizer then reports what libnng dropped.
#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/supplemental/util/platform.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static nng_socket publisher;
static atomic_bool stop_publishing;
static atomic_long accepted;
static const char *self_path;

static void *publish(void *argument) {
    (void) argument;
    while (!atomic_load(&stop_publishing)) {
        nng_msg *message;
        if (nng_msg_alloc(&message, 0) != 0) abort();
        if (nng_msg_append(message, "health.score_changed 0123456789", 32) != 0) abort();
        if (nng_sendmsg(publisher, message, NNG_FLAG_NONBLOCK) != 0) {
            nng_msg_free(message);  // refused: still ours
        } else {
            atomic_fetch_add(&accepted, 1);  // accepted: libnng's from here on
        }
        usleep(50);  // leaves libnng's threads time to accept and close pipes
    }
    return NULL;
}

static pid_t start_subscriber(const char *url, int milliseconds) {
    char wait[16];
    snprintf(wait, sizeof wait, "%d", milliseconds);
    pid_t child = fork();
    if (child == 0) {
        execl(self_path, self_path, "sub", url, wait, (char *) NULL);
        _exit(127);
    }
    return child;
}

static int subscriber(const char *url, int milliseconds) {
    nng_socket socket;
    if (nng_sub0_open(&socket) != 0 || nng_socket_set(socket, NNG_OPT_SUB_SUBSCRIBE, "", 0) != 0) return 1;
    if (nng_dial(socket, url, NULL, 0) != 0) return 1;
    nng_msleep(milliseconds);
    _exit(0);  // the pipe dies with the process, as with a killed service
}

int main(int argc, char **argv) {
    self_path = argv[0];
    if (argc < 3) {
        fprintf(stderr, "usage: %s race URL ROUNDS | calm URL | sub URL MS\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1], *url = argv[2];
    if (strcmp(mode, "sub") == 0) return subscriber(url, argc > 3 ? atoi(argv[3]) : 10);
    if (nng_pub0_open(&publisher) != 0 || nng_listen(publisher, url, NULL, 0) != 0) {
        fprintf(stderr, "cannot listen on %s\n", url);
        return 1;
    }
    pthread_t thread;
    pthread_create(&thread, NULL, publish, NULL);
    pid_t children[4];
    if (strcmp(mode, "calm") == 0) {
        for (int c = 0; c < 4; c++) children[c] = start_subscriber(url, 3000);
        nng_msleep(2000);
        atomic_store(&stop_publishing, true);
        pthread_join(thread, NULL);
        for (int c = 0; c < 4; c++) waitpid(children[c], NULL, 0);
    } else {
        int rounds = argc > 3 ? atoi(argv[3]) : 150;
        for (int round = 0; round < rounds; round++) {
            for (int c = 0; c < 4; c++) children[c] = start_subscriber(url, 5 + rand() % 30);
            for (int c = 0; c < 4; c++) waitpid(children[c], NULL, 0);
        }
        atomic_store(&stop_publishing, true);
        pthread_join(thread, NULL);
    }
    nng_msleep(500);  // every pipe closed and reaped
    nng_close(publisher);
    nng_msleep(200);
    fprintf(stderr, "%s: %ld messages accepted by nng_sendmsg\n", mode, atomic_load(&accepted));
    return 0;
}
