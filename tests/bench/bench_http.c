/* Benchmark: one whole list call (request head written, response parsed by
   the HTTP state machine, page validated, tokenized and every item mapped)
   through an in-memory transport, for the same ~7 KB response delivered four
   ways. Variants run interleaved, round after round, and the median of each
   is reported with its ratio to the first, so that machine noise hits all of
   them alike. Asserts nothing about time; checks only that every call
   succeeded and saw every item.
     bulk/length   Content-Length, recv() hands over up to 4 KB at a time
     bulk/chunked  the same body in 256-byte chunks
     tcp-ish       Content-Length, recv() hands over at most 1460 bytes
     byte/length   Content-Length, recv() hands over ONE byte per call */
#define _POSIX_C_SOURCE 199309L
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "spec_example.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BENCH_ROUNDS 15
#define BENCH_ROUND_NS 4e7 /* each variant runs ~40 ms per round */
#define BENCH_CHUNK 256    /* bytes per chunk in the chunked variant */
#define BENCH_ITEMS 8


typedef struct bench_server {
    const char *response;
    size_t len, pos, piece;
    uint32_t now;
} bench_server;

static char body[APCONN_WORK_BUFFER_SIZE];
static char resp_length[APCONN_WORK_BUFFER_SIZE + 512];
static char resp_chunked[APCONN_WORK_BUFFER_SIZE + 1024];
static unsigned char work[2 * APCONN_WORK_BUFFER_SIZE];
static apconn_token tokens[APCONN_TOKEN_COUNT];
static size_t body_len, length_len, chunked_len;
static int failures;

static int b_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms) {
    (void)host; (void)port; (void)timeout_ms;
    ((bench_server *)ctx)->pos = 0;
    return APCONN_OK;
}
static long b_send(void *ctx, const unsigned char *d, size_t len, uint32_t timeout_ms) {
    bench_server *s = (bench_server *)ctx;
    (void)d; (void)timeout_ms;
    s->pos = 0; /* a new request: serve the response from the start */
    return (long)len;
}
static long b_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    bench_server *s = (bench_server *)ctx;
    size_t n = s->piece < len ? s->piece : len;
    (void)timeout_ms;
    if (s->pos >= s->len) return APCONN_ERR_WOULD_BLOCK;
    if (n > s->len - s->pos) n = s->len - s->pos;
    memcpy(buf, s->response + s->pos, n);
    s->pos += n;
    return (long)n;
}
static void b_close(void *ctx) { (void)ctx; }
static uint32_t b_now(void *ctx) { return ((bench_server *)ctx)->now; }

typedef struct variant_spec {
    const char *name;
    const char *response;
    size_t piece; /* most bytes one recv() hands over */
} variant_spec;

static const variant_spec specs[] = {
    {"bulk/length", resp_length, 4096},
    {"bulk/chunked", resp_chunked, 4096},
    {"tcp-ish/length", resp_length, 1460},
    {"byte/length", resp_length, 1},
};
#define VARIANTS (sizeof specs / sizeof specs[0])

typedef struct variant {
    size_t len;
    apconn_client client;
    apconn_transport transport;
    bench_server server;
    double ns[BENCH_ROUNDS];
} variant;
static variant variants[VARIANTS];

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void one_call(variant *v) {
    apconn_list_request q;
    apconn_page page;
    apconn_connection conn;
    apconn_error err;
    int items = 0;
    memset(&q, 0, sizeof q);
    if (apconn_connection_list(&v->client, &q, &page, &err) != APCONN_OK) {
        failures++;
        return;
    }
    while (apconn_page_next(&page, &conn, &err) == APCONN_OK) items++;
    if (items != BENCH_ITEMS) failures++;
}

static void build_responses(void) {
    size_t n = 0, off, k;
    int i;
    n += (size_t)sprintf(body + n, "{\"data\":[");
    for (i = 0; i < BENCH_ITEMS; i++) n += (size_t)sprintf(body + n, "%s%s", i ? "," : "", SPEC_ITEM);
    n += (size_t)sprintf(body + n, "],\"next\":null,\"previous\":null}");
    body_len = n;
    length_len = (size_t)sprintf(
        resp_length, "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %u\r\n"
                     "Connection: keep-alive\r\n\r\n%s", (unsigned)body_len, body);
    off = (size_t)sprintf(resp_chunked, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                        "Transfer-Encoding: chunked\r\n\r\n");
    for (k = 0; k < body_len; k += BENCH_CHUNK) {
        size_t c = body_len - k < BENCH_CHUNK ? body_len - k : BENCH_CHUNK;
        off += (size_t)sprintf(resp_chunked + off, "%x\r\n%.*s\r\n", (unsigned)c, (int)c, body + k);
    }
    off += (size_t)sprintf(resp_chunked + off, "0\r\n\r\n");
    chunked_len = off;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void) {
    size_t v, r;
    build_responses();
    for (v = 0; v < VARIANTS; v++) {
        variant *x = &variants[v];
        x->len = specs[v].response == resp_length ? length_len : chunked_len;
        x->server.response = specs[v].response;
        x->server.len = x->len;
        x->server.piece = specs[v].piece;
        x->transport.ctx = &x->server;
        x->transport.connect = b_connect;
        x->transport.send = b_send;
        x->transport.recv = b_recv;
        x->transport.close = b_close;
        x->transport.now_ms = b_now;
        x->transport.secure = 1;
        if (apconn_client_init(&x->client, "https://bench.example/api", "sk-bench", &x->transport, work,
                               sizeof work, tokens, APCONN_TOKEN_COUNT) != APCONN_OK) {
            printf("client_init failed\n");
            return 1;
        }
    }
    for (r = 0; r < BENCH_ROUNDS; r++) {
        for (v = 0; v < VARIANTS; v++) {
            double start = now_ns(), elapsed;
            long n = 0;
            do {
                one_call(&variants[v]);
                n++;
                elapsed = now_ns() - start;
            } while (elapsed < BENCH_ROUND_NS);
            variants[v].ns[r] = elapsed / (double)n;
        }
    }
    printf("list call, %u items, body %u bytes, median of %d interleaved rounds\n", (unsigned)BENCH_ITEMS,
           (unsigned)body_len, BENCH_ROUNDS);
    for (v = 0; v < VARIANTS; v++) {
        qsort(variants[v].ns, BENCH_ROUNDS, sizeof(double), cmp_double);
    }
    for (v = 0; v < VARIANTS; v++) {
        double med = variants[v].ns[BENCH_ROUNDS / 2];
        printf("  %-16s %9.1f us/call  %7.1f MB/s  ratio %.2f\n", specs[v].name, med / 1e3,
               (double)variants[v].len / med * 1e3, med / variants[0].ns[BENCH_ROUNDS / 2]);
    }
    if (failures) printf("FAILED calls: %d\n", failures);
    return failures != 0;
}
