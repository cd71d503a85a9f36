/* libFuzzer target: arbitrary bytes as the server's answer to each of the
   four calls. The first input byte picks the call and how the answer is cut
   into recv() pieces, so byte-at-a-time and bulk delivery are both explored.
   Properties: no crash; every call ends (the fake clock advances on every
   callback, so a deadline always ends a stuck exchange). (Key wiping is a
   unit-test property: here the answer itself may echo any bytes.) */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include <stdlib.h>

#define FUZZ_WORK 2048
#define FUZZ_TOKENS 128
static const char fuzz_key[] = "sk-FUZZfuzzFUZZfuzzFUZZfuzzFUZZfuzzFUZZfuzzFUZZfuzzFUZZfuzzFUZZfu";

typedef struct fuzz_io {
    const unsigned char *data;
    size_t size, pos, piece;
    uint32_t now;
} fuzz_io;

static int fuzz_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms) {
    (void)ctx; (void)host; (void)port; (void)timeout_ms;
    return APCONN_OK;
}
static long fuzz_send(void *ctx, const unsigned char *p, size_t len, uint32_t timeout_ms) {
    fuzz_io *io = (fuzz_io *)ctx;
    (void)p; (void)timeout_ms;
    io->now += 1;
    return (long)len;
}
static long fuzz_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    fuzz_io *io = (fuzz_io *)ctx;
    size_t n = io->piece;
    (void)timeout_ms;
    io->now += 7;
    if (io->pos >= io->size) return 0;
    if (n > len) n = len;
    if (n > io->size - io->pos) n = io->size - io->pos;
    memcpy(buf, io->data + io->pos, n);
    io->pos += n;
    return (long)n;
}
static void fuzz_close(void *ctx) { (void)ctx; }
static uint32_t fuzz_now(void *ctx) { return ((fuzz_io *)ctx)->now; }
static void fuzz_sleep(void *ctx, uint32_t ms) { ((fuzz_io *)ctx)->now += ms; }

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
    static unsigned char work[FUZZ_WORK];
    static apconn_token tokens[FUZZ_TOKENS];
    static apconn_connection conn;
    static apconn_page page;
    static const size_t pieces[] = {1, 2, 3, 7, 64, 4096};
    fuzz_io io;
    apconn_transport t;
    apconn_client c;
    apconn_error err;
    unsigned pick;

    if (size < 1) return 0;
    pick = data[0];
    memset(&io, 0, sizeof io);
    io.data = data + 1;
    io.size = size - 1;
    io.piece = pieces[(pick >> 2) % (sizeof pieces / sizeof pieces[0])];
    memset(&t, 0, sizeof t);
    t.ctx = &io;
    t.connect = fuzz_connect;
    t.send = fuzz_send;
    t.recv = fuzz_recv;
    t.close = fuzz_close;
    t.now_ms = fuzz_now;
    t.sleep_ms = fuzz_sleep;
    t.secure = 1;
    if (apconn_client_init(&c, "https://fuzz.example/api", fuzz_key, &t, work, sizeof work, tokens,
                           FUZZ_TOKENS, NULL) != APCONN_OK)
        abort();
    c.max_retries = 0;
    c.timeout_ms = 5000;
    switch (pick & 3) {
    case 0: {
        apconn_list_request q;
        memset(&q, 0, sizeof q);
        if (apconn_connection_list(&c, &q, &page, &err) == APCONN_OK)
            while (!apconn_page_done(&page)) apconn_page_next(&page, &conn, &err); /* past skipped items too */
        break;
    }
    case 1: {
        apconn_upsert_request r;
        memset(&r, 0, sizeof r);
        r.display_name = "n";
        r.piece_name = "@activepieces/piece-slack";
        r.type = APCONN_TYPE_SECRET_TEXT;
        r.value.secret_text = "xoxb-secret";
        (void)apconn_connection_upsert(&c, &r, &conn, &err);
        break;
    }
    case 2: {
        apconn_update_request r;
        memset(&r, 0, sizeof r);
        r.display_name = "n";
        (void)apconn_connection_update(&c, "AbCdEfGhIjKlMnOpQrStU", &r, &conn, &err);
        break;
    }
    default:
        (void)apconn_connection_delete(&c, "AbCdEfGhIjKlMnOpQrStU", &err);
        break;
    }
    apconn_client_close(&c);
    return 0;
}
