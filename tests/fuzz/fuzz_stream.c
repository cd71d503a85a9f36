/* libFuzzer target: the streaming page reader against whole-buffer
   validation. The input is one mode byte and a response body. The body is
   served as the answer to a list call (Content-Length or chunked) and read
   with apconn_page_next twice: delivered whole, then in splits derived from
   the input (one byte at a time or a seeded random 1..n), and read a third
   time from memory with apconn_parse_page. Properties:
   - both deliveries give the same sequence of results (status, err field,
     offset, needed, count, and the id of every item read);
   - a body apconn_json_validate_at accepts never gives a syntax-class error
     (SYNTAX, DEPTH, ESCAPE, UTF8), and only such a body reaches APCONN_END;
   - a body it rejects ends the page with its status and offset, unless a
     page-level error (data/next/previous of the wrong type, a duplicate
     page key, a NUL in a cursor, a cursor longer than the window, a root
     that is no object, "data":n... taken as null) came first, at
     an offset not past the bad byte;
   - every view is NUL-terminated inside the work buffer, non-NULL exactly
     when its has_* says APCONN_SET; an ids walk yields `count` ids;
   - an item error's `needed` is above the limit it broke; the end repeats;
     apconn_page_done is 0 exactly while items may follow. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#define FUZZ_WORK 2048
#define FUZZ_TOKENS 96
#define FUZZ_MAX_BODY 8192
#define FUZZ_MAX_STEPS (FUZZ_MAX_BODY / 2 + 8)
static const char fuzz_key[] = "sk-FUZZfuzzFUZZfuzzFUZZfuzzFUZZfuzzFUZZfuzzFUZZfuzzFUZZfuzzFUZZfu";

static void require(int cond) {
    if (!cond) abort();
}

/* ----- the server side ----- */
typedef struct fz_io {
    const unsigned char *resp;
    size_t len, pos, max_split;
    int bytes;
    uint32_t rng, now;
} fz_io;

static uint32_t fz_rand(uint32_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}
static int fz_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms) {
    (void)ctx; (void)host; (void)port; (void)timeout_ms;
    return APCONN_OK;
}
static long fz_send(void *ctx, const unsigned char *p, size_t len, uint32_t timeout_ms) {
    (void)p; (void)timeout_ms;
    ((fz_io *)ctx)->now += 1;
    return (long)len;
}
static long fz_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    fz_io *io = (fz_io *)ctx;
    size_t n;
    io->now += 1;
    if (timeout_ms == 0) return APCONN_ERR_WOULD_BLOCK;
    if (io->pos >= io->len) return 0;
    n = io->len - io->pos;
    if (n > len) n = len;
    if (io->bytes) n = 1;
    else if (io->max_split) {
        size_t m = 1 + fz_rand(&io->rng) % io->max_split;
        if (m < n) n = m;
    }
    memcpy(buf, io->resp + io->pos, n);
    io->pos += n;
    return (long)n;
}
static void fz_close(void *ctx) { (void)ctx; }
static uint32_t fz_now(void *ctx) { return ((fz_io *)ctx)->now; }

/* ----- one run: the results in order ----- */
typedef struct fz_step {
    apconn_status status;
    size_t offset, needed, count;
    char field[APCONN_ERROR_FIELD_SIZE];
    char id[24]; /* the first bytes of the item's id */
} fz_step;
typedef struct fz_run {
    fz_step step[FUZZ_MAX_STEPS];
    size_t n;
    apconn_status end;
    size_t end_offset;
    char end_field[APCONN_ERROR_FIELD_SIZE];
} fz_run;

static unsigned char work[FUZZ_WORK];
static apconn_token tokens[FUZZ_TOKENS];
static unsigned char resp[FUZZ_MAX_BODY * 2 + 512];
static fz_run runs[2], mem_run;

static void require_view(const char *p, apconn_has has) {
    require((p != NULL) == (has == APCONN_SET));
    if (p) {
        require(p >= (const char *)work && p < (const char *)work + sizeof work);
        require(memchr(p, '\0', (size_t)((const char *)work + sizeof work - p)) != NULL);
    }
}
#include "fuzz_views.h"

static int is_item_error(apconn_status st) {
    return st == APCONN_ERR_ITEM_TOO_LARGE || st == APCONN_ERR_JSON_TOKENS || st == APCONN_ERR_JSON_TYPE ||
           st == APCONN_ERR_JSON_MISSING || st == APCONN_ERR_JSON_ENUM || st == APCONN_ERR_JSON_NUL ||
           st == APCONN_ERR_JSON_DUPLICATE;
}
static int is_syntax(apconn_status st) {
    return st == APCONN_ERR_JSON_SYNTAX || st == APCONN_ERR_JSON_DEPTH || st == APCONN_ERR_JSON_ESCAPE ||
           st == APCONN_ERR_JSON_UTF8;
}

/* Walks the page; item errors name data[i] and are followed by more calls. */
static void walk(apconn_page *page, fz_run *run) {
    static apconn_connection conn;
    apconn_error err;
    apconn_status st;
    char want[32];
    run->n = 0;
    for (;;) {
        fz_step *s;
        st = apconn_page_next(page, &conn, &err);
        /* apconn_page_done tells a skipped item from the end of the page */
        require(apconn_page_done(page) == !(st == APCONN_OK || (is_item_error(st) && strncmp(err.field, "data[", 5) == 0)));
        if (apconn_page_done(page)) break;
        require(run->n < FUZZ_MAX_STEPS);
        s = &run->step[run->n++];
        memset(s, 0, sizeof *s);
        s->status = st;
        s->count = page->count;
        require(page->count == run->n);
        if (st == APCONN_OK) {
            check_connection(&conn);
            strncpy(s->id, conn.id, sizeof s->id - 1);
            continue;
        }
        require(err.status == st);
        sprintf(want, "data[%u]", (unsigned)(run->n - 1));
        require(strncmp(err.field, want, strlen(want)) == 0);
        require(conn.id == NULL);
        s->offset = err.offset;
        s->needed = err.needed;
        memcpy(s->field, err.field, sizeof s->field);
        if (st == APCONN_ERR_JSON_TOKENS) require(err.needed > FUZZ_TOKENS);
        if (st == APCONN_ERR_ITEM_TOO_LARGE) require(err.needed > 0);
    }
    run->end = st;
    run->end_offset = err.offset;
    memcpy(run->end_field, err.field, sizeof run->end_field);
    require(st != APCONN_OK);
    if (st == APCONN_END) {
        require_view(page->next, page->has_next);
        require_view(page->previous, page->has_previous);
    } else {
        require(err.status == st);
    }
    require(apconn_page_next(page, &conn, &err) == st); /* the end repeats */
}

/* The page's end against the whole-body validator. */
static void check_against_validator(const fz_run *run, int valid, apconn_status vst, size_t voff) {
    if (valid) {
        require(!is_syntax(run->end));
        return;
    }
    require(run->end != APCONN_END);
    if (is_syntax(run->end)) {
        require(run->end == vst);
        require(run->end_offset == voff);
    } else {
        /* a page-level error before the bad byte */
        require(run->end == APCONN_ERR_JSON_TYPE || run->end == APCONN_ERR_JSON_DUPLICATE ||
                run->end == APCONN_ERR_JSON_NUL || run->end == APCONN_ERR_JSON_MISSING ||
                (run->end == APCONN_ERR_ITEM_TOO_LARGE &&
                 (strcmp(run->end_field, "next") == 0 || strcmp(run->end_field, "previous") == 0)));
        require(run->end_offset <= voff);
    }
}

static size_t build_response(const unsigned char *body, size_t len, int chunked, uint32_t seed) {
    size_t n, k;
    if (!chunked) {
        n = (size_t)sprintf((char *)resp, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %u\r\n\r\n",
                            (unsigned)len);
        memcpy(resp + n, body, len);
        return n + len;
    }
    n = (size_t)sprintf((char *)resp, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (k = 0; k < len;) {
        size_t c = 1 + fz_rand(&seed) % 300;
        if (c > len - k) c = len - k;
        n += (size_t)sprintf((char *)resp + n, "%x\r\n", (unsigned)c);
        memcpy(resp + n, body + k, c);
        n += c;
        memcpy(resp + n, "\r\n", 2);
        n += 2;
        k += c;
    }
    n += (size_t)sprintf((char *)resp + n, "0\r\n\r\n");
    return n;
}

static void run_client(const unsigned char *r, size_t rlen, int bytes, size_t max_split, uint32_t seed, fz_run *run) {
    static apconn_page page;
    fz_io io;
    apconn_transport t;
    apconn_client c;
    apconn_list_request q;
    apconn_error err;
    apconn_status st;
    memset(&io, 0, sizeof io);
    io.resp = r;
    io.len = rlen;
    io.bytes = bytes;
    io.max_split = max_split;
    io.rng = seed | 1u;
    memset(&t, 0, sizeof t);
    t.ctx = &io;
    t.connect = fz_connect;
    t.send = fz_send;
    t.recv = fz_recv;
    t.close = fz_close;
    t.now_ms = fz_now;
    t.secure = 1;
    if (apconn_client_init(&c, "https://fuzz.example/api", fuzz_key, &t, work, sizeof work, tokens, FUZZ_TOKENS, NULL) !=
        APCONN_OK)
        abort();
    c.max_retries = 0;
    c.timeout_ms = 1000000; /* every callback advances the clock by 1 */
    memset(&q, 0, sizeof q);
    st = apconn_connection_list(&c, &q, &page, &err);
    require(st == APCONN_OK); /* a 200 with JSON: the body is the page's business */
    walk(&page, run);
    apconn_client_close(&c);
}

static int same_runs(const fz_run *a, const fz_run *b) {
    size_t i;
    if (a->n != b->n || a->end != b->end || a->end_offset != b->end_offset || strcmp(a->end_field, b->end_field))
        return 0;
    for (i = 0; i < a->n; i++) {
        const fz_step *x = &a->step[i], *y = &b->step[i];
        if (x->status != y->status || x->offset != y->offset || x->needed != y->needed || x->count != y->count ||
            strcmp(x->field, y->field) || strcmp(x->id, y->id))
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
    const unsigned char *body;
    size_t len, rlen, voff = 0;
    unsigned mode;
    uint32_t seed = 2166136261u;
    apconn_status vst;
    apconn_error err;
    static apconn_page page;
    size_t i;

    if (size < 1 || size - 1 > FUZZ_MAX_BODY) return 0;
    mode = data[0];
    body = data + 1;
    len = size - 1;
    for (i = 0; i < size; i++) seed = (seed ^ data[i]) * 16777619u; /* FNV-1a: splits follow the input */
    vst = apconn_json_validate_at((const char *)body, len, &voff);

    rlen = build_response(body, len, (int)(mode & 1u), seed);
    run_client(resp, rlen, 0, 0, seed, &runs[0]);                       /* whole */
    run_client(resp, rlen, (mode >> 1 & 3u) == 1, (mode >> 1 & 3u) >= 2 ? 1 + (mode >> 3) : 0, seed,
               &runs[1]);                                               /* split */
    require(same_runs(&runs[0], &runs[1]));
    check_against_validator(&runs[0], vst == APCONN_OK, vst, voff);

    /* from memory, through the same size of window */
    if (apconn_parse_page((const char *)body, len, work, sizeof work, tokens, FUZZ_TOKENS, &page, &err) == APCONN_OK) {
        walk(&page, &mem_run);
        check_against_validator(&mem_run, vst == APCONN_OK, vst, voff);
    }
    return 0;
}
