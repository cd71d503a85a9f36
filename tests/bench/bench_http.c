/* Benchmark: whole calls (request head and body written, response parsed by
   the HTTP state machine, the page streamed through apconn_page_next with
   every item mapped) over an in-memory transport, with the default 4 KB work
   buffer and 160 tokens.
   Timing (no arguments): a 100-item list page delivered four ways, run
   interleaved round after round; the median of each with its ratio to the
   first, so machine noise hits all of them alike. Then one create call.
     bulk/length   Content-Length, recv() hands over up to 4 KB at a time
     bulk/chunked  the same body in 256-byte chunks
     tcp-ish       Content-Length, recv() hands over at most 1460 bytes
     byte/length   Content-Length, recv() hands over ONE byte per call
   Instruction counts (`bench_http page N` / `bench_http create N`): N calls
   of one scenario inside bench_run_page / bench_run_create, for
   `valgrind --tool=callgrind --toggle-collect=bench_run_page`; the program
   prints the bytes per call, so instructions per body byte = Ir / (N * bytes)
   (`make bench-callgrind` does the arithmetic). Asserts nothing about time;
   checks that every call succeeded and saw every item. */
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
#define BENCH_ITEMS 100
#define BODY_CAP (BENCH_ITEMS * 800 + 256)

typedef struct bench_server {
    const char *response;
    size_t len, pos, piece;
    uint32_t now;
} bench_server;

static char body[BODY_CAP];
static char resp_length[BODY_CAP + 512];
static char resp_chunked[BODY_CAP + BODY_CAP / BENCH_CHUNK * 8 + 512];
static char resp_create[2048];
static unsigned char work[APCONN_WORK_BUFFER_SIZE];
static apconn_token tokens[APCONN_TOKEN_COUNT];
static size_t body_len, length_len, chunked_len, create_len, create_body_len, create_sent;
static char sent_buf[4096]; /* the last request, to report its body size */
static size_t sent_len;
static int failures;

static int b_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms) {
    (void)host; (void)port; (void)timeout_ms;
    ((bench_server *)ctx)->pos = 0;
    return APCONN_OK;
}
static long b_send(void *ctx, const unsigned char *d, size_t len, uint32_t timeout_ms) {
    bench_server *s = (bench_server *)ctx;
    (void)timeout_ms;
    if (s->pos) sent_len = 0; /* a new request after a response */
    s->pos = 0; /* a new request: serve the response from the start */
    create_sent += len;
    if (sent_len + len < sizeof sent_buf) { memcpy(sent_buf + sent_len, d, len); sent_len += len; sent_buf[sent_len] = 0; }
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
static variant variants[VARIANTS], create_variant;

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void one_list_call(variant *v) {
    apconn_list_request q;
    static apconn_page page;
    static apconn_connection conn;
    apconn_error err;
    int items = 0;
    apconn_status st;
    memset(&q, 0, sizeof q);
    q.limit = BENCH_ITEMS;
    if (apconn_connection_list(&v->client, &q, &page, &err) != APCONN_OK) {
        failures++;
        return;
    }
    while ((st = apconn_page_next(&page, &conn, &err)) == APCONN_OK) items++;
    if (items != BENCH_ITEMS || st != APCONN_END) {
        if (!failures) printf("list call: %d items, then %s (field %s)\n", items, apconn_strerror(st), err.field);
        failures++;
    }
}

/* The example upsert (POST /v1/global-connections, spec_example.h); the
   server answers with the example connection. */
static void one_create_call(variant *v) {
    static const char *const projects[] = {"Kp3Wn8ZrQa1Lm5Tx7Vb2C"};
    static apconn_connection conn;
    apconn_upsert_request r;
    apconn_error err;
    apconn_status st;
    memset(&r, 0, sizeof r);
    r.display_name = "Acme Slack";
    r.piece_name = "@activepieces/piece-slack";
    r.type = APCONN_TYPE_SECRET_TEXT;
    r.value.secret_text = "xoxb-1234567890-abcdefghijklmnopqrstuvwx";
    r.project_ids = projects;
    r.project_id_count = 1;
    r.external_id = "acme_slack_pro";
    r.metadata_json = "{\"team\":\"ops-eu\"}"; /* a 294-byte body, as the issue measured */
    st = apconn_connection_upsert(&v->client, &r, &conn, &err);
    if (st != APCONN_OK || !conn.id) {
        if (!failures) printf("create call: %s (field %s)\n", apconn_strerror(st), err.field);
        failures++;
    }
}

/* The scenarios callgrind counts: called through a volatile pointer so that
   they stay functions of their own (--toggle-collect needs the name). */
void bench_run_page(long n);
void bench_run_create(long n);
void bench_run_page(long n) {
    while (n-- > 0) one_list_call(&variants[0]);
}
void bench_run_create(long n) {
    while (n-- > 0) one_create_call(&create_variant);
}
static void (*volatile run_page)(long) = bench_run_page;
static void (*volatile run_create)(long) = bench_run_create;

static void build_responses(void) {
    size_t n = 0, off, k;
    int i;
    n += (size_t)sprintf(body + n, "{\"data\":[");
    for (i = 0; i < BENCH_ITEMS; i++) n += (size_t)sprintf(body + n, "%s%s", i ? "," : "", SPEC_ITEM);
    n += (size_t)sprintf(body + n, "],\"next\":\"bmV4dF9ZM0psWVhSbFpEb3hOek0xTnpnM01EUTFNREF3\",\"previous\":null}");
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
    /* a create's answer as Activepieces sends it (fastify behind a proxy) */
    create_body_len = strlen(SPEC_ITEM);
    create_len = (size_t)sprintf(resp_create,
                                 "HTTP/1.1 201 Created\r\nContent-Type: application/json; charset=utf-8\r\n"
                                 "Content-Length: %u\r\nConnection: keep-alive\r\n\r\n%s",
                                 (unsigned)create_body_len, SPEC_ITEM);
}

static void init_client(variant *x, const char *response, size_t len, size_t piece) {
    x->len = len;
    x->server.response = response;
    x->server.len = len;
    x->server.piece = piece;
    x->transport.ctx = &x->server;
    x->transport.connect = b_connect;
    x->transport.send = b_send;
    x->transport.recv = b_recv;
    x->transport.close = b_close;
    x->transport.now_ms = b_now;
    x->transport.secure = 1;
    if (apconn_client_init(&x->client, "https://cloud.activepieces.com/api",
                           "sk-BenchKeyAbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQ", &x->transport, work,
                           sizeof work, tokens, APCONN_TOKEN_COUNT, NULL) != APCONN_OK) {
        printf("client_init failed\n");
        exit(1);
    }
}

static size_t request_body_len(void) {
    const char *end = strstr(sent_buf, "\r\n\r\n");
    return end ? sent_len - (size_t)(end + 4 - sent_buf) : 0;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    size_t v, r;
    build_responses();
    for (v = 0; v < VARIANTS; v++)
        init_client(&variants[v], specs[v].response, specs[v].response == resp_length ? length_len : chunked_len,
                    specs[v].piece);
    init_client(&create_variant, resp_create, create_len, 4096);

    if (argc == 3) { /* instruction-count mode: one scenario, N times */
        long n = atol(argv[2]);
        if (strcmp(argv[1], "page") == 0) {
            run_page(n);
            printf("page: calls=%ld items=%d body_bytes=%u response_bytes=%u\n", n, BENCH_ITEMS, (unsigned)body_len,
                   (unsigned)length_len);
        } else if (strcmp(argv[1], "create") == 0) {
            create_sent = 0;
            run_create(n);
            printf("create: calls=%ld request_bytes=%u request_body_bytes=%u response_bytes=%u\n", n,
                   (unsigned)(n ? create_sent / (size_t)n : 0), (unsigned)request_body_len(), (unsigned)create_len);
        } else {
            printf("usage: bench_http [page|create N]\n");
            return 2;
        }
        if (failures) printf("FAILED calls: %d\n", failures);
        return failures != 0;
    }

    for (r = 0; r < BENCH_ROUNDS; r++) {
        for (v = 0; v < VARIANTS; v++) {
            double start = now_ns(), elapsed;
            long n = 0;
            do {
                one_list_call(&variants[v]);
                n++;
                elapsed = now_ns() - start;
            } while (elapsed < BENCH_ROUND_NS);
            variants[v].ns[r] = elapsed / (double)n;
        }
    }
    printf("list call, %u items, body %u bytes, 4 KB work buffer, %u tokens, median of %d interleaved rounds\n",
           (unsigned)BENCH_ITEMS, (unsigned)body_len, (unsigned)APCONN_TOKEN_COUNT, BENCH_ROUNDS);
    for (v = 0; v < VARIANTS; v++) qsort(variants[v].ns, BENCH_ROUNDS, sizeof(double), cmp_double);
    for (v = 0; v < VARIANTS; v++) {
        double med = variants[v].ns[BENCH_ROUNDS / 2];
        printf("  %-16s %9.1f us/call  %7.1f MB/s  ratio %.2f\n", specs[v].name, med / 1e3,
               (double)variants[v].len / med * 1e3, med / variants[0].ns[BENCH_ROUNDS / 2]);
    }
    {
        double start = now_ns(), elapsed;
        long n = 0;
        create_sent = 0;
        do {
            one_create_call(&create_variant);
            n++;
            elapsed = now_ns() - start;
        } while (elapsed < 5e8);
        printf("create call, request %u bytes (body %u), response %u bytes: %.2f us/call\n",
               (unsigned)(create_sent / (size_t)n), (unsigned)request_body_len(), (unsigned)create_len,
               elapsed / (double)n / 1e3);
    }
    if (failures) printf("FAILED calls: %d\n", failures);
    return failures != 0;
}
