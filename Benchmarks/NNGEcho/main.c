/*
 * nng-echo: the transport baseline of `make bench`, written against libnng's C API only.
 *
 *   nng-echo serve URL                          a REP echo server with 64 contexts, until killed
 *   nng-echo run URL BYTES INFLIGHT SECONDS     REQ clients: INFLIGHT threads, each one request at
 *                                               a time, for SECONDS; prints one line:
 *                                               "requests=N seconds=S rate=R p50_us=A p99_us=B"
 *   nng-echo send URL FILE INFLIGHT SECONDS     the same clients sending FILE's bytes (a real service's
 *                                               request envelope): the service measured without
 *                                               any Swift on the calling side
 *
 * The server answers every request with its own bytes, so the client sees the round trip of a
 * BYTES-sized message and nothing else: the floor any layer above NNG is compared with.
 */
#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SERVER_CONTEXTS 64
#define MAX_SAMPLES_PER_CLIENT 2000000

static void fail(const char *what, int rv) {
    fprintf(stderr, "nng-echo: %s: %s\n", what, nng_strerror(rv));
    exit(1);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* --- server: each context receives and sends back, driven by its aio callback --- */

enum state { RECEIVING, SENDING };

struct worker {
    nng_aio *aio;
    nng_ctx ctx;
    enum state state;
};

static void worker_step(void *arg) {
    struct worker *w = arg;
    if (w->state == SENDING) {
        if (nng_aio_result(w->aio) != 0) nng_msg_free(nng_aio_get_msg(w->aio));
        w->state = RECEIVING;
        nng_ctx_recv(w->ctx, w->aio);
        return;
    }
    if (nng_aio_result(w->aio) != 0) { /* closed or timed out: listen again unless closing */
        if (nng_aio_result(w->aio) == NNG_ECLOSED) return;
        nng_ctx_recv(w->ctx, w->aio);
        return;
    }
    nng_msg *msg = nng_aio_get_msg(w->aio);
    nng_aio_set_msg(w->aio, msg);
    w->state = SENDING;
    nng_ctx_send(w->ctx, w->aio);
}

static int serve(const char *url) {
    nng_socket socket;
    int rv;
    if ((rv = nng_rep0_open(&socket)) != 0) fail("nng_rep0_open", rv);
    static struct worker workers[SERVER_CONTEXTS];
    for (int i = 0; i < SERVER_CONTEXTS; i++) {
        if ((rv = nng_aio_alloc(&workers[i].aio, worker_step, &workers[i])) != 0) fail("nng_aio_alloc", rv);
        if ((rv = nng_ctx_open(&workers[i].ctx, socket)) != 0) fail("nng_ctx_open", rv);
    }
    if ((rv = nng_listen(socket, url, NULL, 0)) != 0) fail("nng_listen", rv);
    for (int i = 0; i < SERVER_CONTEXTS; i++) {
        workers[i].state = RECEIVING;
        nng_ctx_recv(workers[i].ctx, workers[i].aio);
    }
    printf("ready\n");
    fflush(stdout);
    for (;;) pause();
}

/* --- client: INFLIGHT threads, each with its own context, one request at a time --- */

struct client {
    nng_socket socket;
    const void *payload;
    size_t bytes;
    uint64_t deadline_ns;
    uint64_t *samples;
    size_t count;
};

static void *client_loop(void *arg) {
    struct client *c = arg;
    nng_ctx ctx;
    nng_aio *aio;
    int rv;
    if ((rv = nng_ctx_open(&ctx, c->socket)) != 0) fail("nng_ctx_open", rv);
    if ((rv = nng_aio_alloc(&aio, NULL, NULL)) != 0) fail("nng_aio_alloc", rv);
    while (now_ns() < c->deadline_ns) {
        nng_msg *msg;
        if ((rv = nng_msg_alloc(&msg, 0)) != 0) fail("nng_msg_alloc", rv);
        if ((rv = nng_msg_append(msg, c->payload, c->bytes)) != 0) fail("nng_msg_append", rv);
        uint64_t start = now_ns();
        nng_aio_set_msg(aio, msg);
        nng_ctx_send(ctx, aio);
        nng_aio_wait(aio);
        if ((rv = nng_aio_result(aio)) != 0) fail("send", rv);
        nng_ctx_recv(ctx, aio);
        nng_aio_wait(aio);
        if ((rv = nng_aio_result(aio)) != 0) fail("receive", rv);
        nng_msg_free(nng_aio_get_msg(aio));
        if (c->count < MAX_SAMPLES_PER_CLIENT) c->samples[c->count++] = now_ns() - start;
    }
    nng_aio_free(aio);
    nng_ctx_close(ctx);
    return NULL;
}

static int compare(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int run(const char *url, const void *payload, size_t bytes, int inflight, double seconds) {
    nng_socket socket;
    int rv;
    if ((rv = nng_req0_open(&socket)) != 0) fail("nng_req0_open", rv);
    if ((rv = nng_dial(socket, url, NULL, 0)) != 0) fail("nng_dial", rv);
    struct client *clients = calloc((size_t)inflight, sizeof *clients);
    pthread_t *threads = calloc((size_t)inflight, sizeof *threads);
    uint64_t start = now_ns();
    uint64_t deadline = start + (uint64_t)(seconds * 1e9);
    for (int i = 0; i < inflight; i++) {
        clients[i] = (struct client){socket, payload, bytes, deadline, malloc(MAX_SAMPLES_PER_CLIENT * sizeof(uint64_t)), 0};
        pthread_create(&threads[i], NULL, client_loop, &clients[i]);
    }
    size_t total = 0;
    for (int i = 0; i < inflight; i++) {
        pthread_join(threads[i], NULL);
        total += clients[i].count;
    }
    double elapsed = (double)(now_ns() - start) / 1e9;
    uint64_t *all = malloc((total ? total : 1) * sizeof(uint64_t));
    size_t at = 0;
    for (int i = 0; i < inflight; i++) {
        memcpy(all + at, clients[i].samples, clients[i].count * sizeof(uint64_t));
        at += clients[i].count;
        free(clients[i].samples);
    }
    qsort(all, total, sizeof(uint64_t), compare);
    double p50 = total ? (double)all[total / 2] / 1000 : 0;
    double p99 = total ? (double)all[(size_t)((double)total * 0.99)] / 1000 : 0;
    printf("requests=%zu seconds=%.3f rate=%.0f p50_us=%.1f p99_us=%.1f\n", total, elapsed, (double)total / elapsed,
           p50, p99);
    nng_close(socket);
    return 0;
}

/* The bytes of FILE, whole: a request a real service understands, for `nng-echo send`. */
static void *read_file(const char *path, size_t *bytes) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        perror(path);
        exit(1);
    }
    size_t capacity = 4096;
    unsigned char *data = malloc(capacity);
    *bytes = 0;
    size_t got;
    while ((got = fread(data + *bytes, 1, capacity - *bytes, file)) > 0) {
        *bytes += got;
        if (*bytes == capacity) data = realloc(data, capacity *= 2);
    }
    fclose(file);
    return data;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "serve") == 0) return serve(argv[2]);
    if (argc == 6 && strcmp(argv[1], "run") == 0) {
        size_t bytes = (size_t)atol(argv[3]);
        return run(argv[2], calloc(1, bytes ? bytes : 1), bytes, atoi(argv[4]), atof(argv[5]));
    }
    if (argc == 6 && strcmp(argv[1], "send") == 0) {
        size_t bytes;
        void *payload = read_file(argv[3], &bytes);
        return run(argv[2], payload, bytes, atoi(argv[4]), atof(argv[5]));
    }
    fprintf(stderr, "usage: nng-echo serve URL | nng-echo run URL BYTES INFLIGHT SECONDS"
                    " | nng-echo send URL FILE INFLIGHT SECONDS\n");
    return 2;
}
