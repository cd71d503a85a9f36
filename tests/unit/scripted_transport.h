/* tests/unit/scripted_transport.h - an in-memory apconn_transport for tests.

   No sockets: a script lists the connections the "server" accepts, in the
   order apconn connects; each connection is a list of events the server
   side produces while apconn reads:
       ST_DATA(text)   bytes to deliver (split as the split mode says)
       ST_EOF          orderly close: recv returns 0 from then on
       ST_RESET        recv returns APCONN_ERR_RECV (connection reset)
       ST_CUT          recv returns APCONN_ERR_CLOSED from then on: the end a
                       TLS transport reports without close_notify
       ST_BLOCK        one recv returns APCONN_ERR_WOULD_BLOCK at once
       ST_ADVANCE(ms)  the fake clock moves on by ms (a slow server)
       ST_EARLY(text)  bytes the server sent while the connection was idle:
                       the only event a recv with timeout 0 (apconn's idle
                       probe) sees; any other event is taken to follow the
                       next request, so the probe gets WOULD_BLOCK
   When a connection's events run out, the server is silent: recv waits the
   whole timeout it was given (the fake clock advances by it) and returns
   APCONN_ERR_WOULD_BLOCK. Every byte apconn sends is recorded in `sent`;
   connects, closes and sleeps are counted; connect results and delays can be
   scripted per connect attempt.

   Split modes: ST_WHOLE delivers as much of an ST_DATA as recv asks for,
   ST_BYTES one byte per recv, ST_RANDOM a random 1..n bytes per recv from a
   seeded PRNG (xorshift32), so every run is reproducible.

   Usage:
       static scripted_transport st;
       st_init(&st, ST_BYTES);
       st_conn(&st); st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
       apconn_client_init(&c, url, key, &st.t, ...);
*/
#ifndef SCRIPTED_TRANSPORT_H
#define SCRIPTED_TRANSPORT_H
#include <string.h>
#include <stdint.h>
#include "apconn.h"

#define ST_MAX_CONNS 8
#define ST_MAX_EVENTS 96
#define ST_SENT_SIZE 32768

enum { ST_DATA, ST_EOF, ST_RESET, ST_BLOCK, ST_ADVANCE, ST_EARLY, ST_CUT };
enum { ST_WHOLE, ST_BYTES, ST_RANDOM };

typedef struct st_event {
    int kind;
    const char *data;
    size_t len;
    uint32_t ms;
} st_event;

typedef struct st_connection {
    st_event ev[ST_MAX_EVENTS];
    int count;
} st_connection;

typedef struct scripted_transport {
    apconn_transport t;
    st_connection conns[ST_MAX_CONNS];
    int conn_count;
    int cur;        /* index of the open connection, -1 when none */
    int next_conn;  /* the connection the next accepted connect gets */
    int pos;        /* event index in the open connection */
    size_t offset;  /* bytes of the current ST_DATA already delivered */
    int split;
    uint32_t rng;
    uint32_t clock;
    int connects, closes, sleeps;
    uint32_t slept_ms;
    int connect_result[ST_MAX_CONNS]; /* per connect attempt: APCONN_OK or an error */
    uint32_t connect_delay_ms[ST_MAX_CONNS];
    uint32_t last_timeout_ms; /* the timeout apconn gave the last callback */
    uint32_t first_recv_timeout_ms;
    int recvs;
    char host[APCONN_HOST_SIZE];
    uint16_t port;
    unsigned char sent[ST_SENT_SIZE];
    size_t sent_len;
    size_t sent_at_connect[ST_MAX_CONNS]; /* sent_len when each connection opened */
} scripted_transport;

static uint32_t st_rand(scripted_transport *s) {
    s->rng ^= s->rng << 13;
    s->rng ^= s->rng >> 17;
    s->rng ^= s->rng << 5;
    return s->rng;
}

static int st_connect_cb(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms) {
    scripted_transport *s = (scripted_transport *)ctx;
    int attempt = s->connects++;
    s->last_timeout_ms = timeout_ms;
    strncpy(s->host, host, sizeof s->host - 1);
    s->port = port;
    if (attempt < ST_MAX_CONNS) {
        uint32_t d = s->connect_delay_ms[attempt];
        if (d >= timeout_ms) { s->clock += timeout_ms; return APCONN_ERR_TIMEOUT; }
        s->clock += d;
        if (s->connect_result[attempt] != APCONN_OK) return s->connect_result[attempt];
    }
    if (s->next_conn >= s->conn_count) return APCONN_ERR_CONNECT;
    s->sent_at_connect[s->next_conn] = s->sent_len;
    s->cur = s->next_conn++;
    s->pos = 0;
    s->offset = 0;
    return APCONN_OK;
}

static long st_send_cb(void *ctx, const unsigned char *data, size_t len, uint32_t timeout_ms) {
    scripted_transport *s = (scripted_transport *)ctx;
    s->last_timeout_ms = timeout_ms;
    if (s->cur < 0) return APCONN_ERR_SEND;
    if (s->sent_len + len > sizeof s->sent) return APCONN_ERR_SEND;
    memcpy(s->sent + s->sent_len, data, len);
    s->sent_len += len;
    return (long)len;
}

static long st_recv_cb(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    scripted_transport *s = (scripted_transport *)ctx;
    st_connection *c;
    s->last_timeout_ms = timeout_ms;
    if (s->recvs++ == 0) s->first_recv_timeout_ms = timeout_ms;
    if (s->cur < 0) return APCONN_ERR_RECV;
    c = &s->conns[s->cur];
    while (s->pos < c->count && c->ev[s->pos].kind == ST_ADVANCE) s->clock += c->ev[s->pos++].ms;
    if (timeout_ms == 0 && (s->pos >= c->count || c->ev[s->pos].kind != ST_EARLY))
        return APCONN_ERR_WOULD_BLOCK; /* idle probe: the server has not answered a request yet */
    if (s->pos >= c->count) { /* silence: the whole wait passes */
        s->clock += timeout_ms;
        return APCONN_ERR_WOULD_BLOCK;
    }
    switch (c->ev[s->pos].kind) {
    case ST_EOF: return 0;
    case ST_RESET: return APCONN_ERR_RECV;
    case ST_CUT: return APCONN_ERR_CLOSED;
    case ST_BLOCK: s->pos++; return APCONN_ERR_WOULD_BLOCK;
    default: {
        const st_event *e = &c->ev[s->pos];
        size_t n = e->len - s->offset;
        if (n > len) n = len;
        if (s->split == ST_BYTES && n > 1) n = 1;
        else if (s->split == ST_RANDOM && n > 1) n = 1 + st_rand(s) % n;
        memcpy(buf, e->data + s->offset, n);
        s->offset += n;
        if (s->offset == e->len) { s->pos++; s->offset = 0; }
        return (long)n;
    }
    }
}

static void st_close_cb(void *ctx) {
    scripted_transport *s = (scripted_transport *)ctx;
    s->closes++;
    s->cur = -1;
}

static uint32_t st_now_cb(void *ctx) { return ((scripted_transport *)ctx)->clock; }

static void st_sleep_cb(void *ctx, uint32_t ms) {
    scripted_transport *s = (scripted_transport *)ctx;
    s->sleeps++;
    s->slept_ms += ms;
    s->clock += ms;
}

/* A TLS-like transport (secure = 1) whose clock starts just below the 2^32
   wrap, so every deadline computation crosses it. */
static void st_init(scripted_transport *s, int split) {
    memset(s, 0, sizeof *s);
    s->cur = -1;
    s->split = split;
    s->rng = 0x9E3779B9u;
    s->clock = 0xFFFFF000u;
    s->t.ctx = s;
    s->t.connect = st_connect_cb;
    s->t.send = st_send_cb;
    s->t.recv = st_recv_cb;
    s->t.close = st_close_cb;
    s->t.now_ms = st_now_cb;
    s->t.sleep_ms = st_sleep_cb;
    s->t.secure = 1;
}

/* Starts the script of the next connection the server accepts. */
static void st_conn(scripted_transport *s) { s->conn_count++; }

static void st_event_add(scripted_transport *s, int kind, const char *data, size_t len, uint32_t ms) {
    st_connection *c = &s->conns[s->conn_count - 1];
    if (c->count >= ST_MAX_EVENTS) return; /* a script longer than this is a test bug: it shows as a timeout */
    c->ev[c->count].kind = kind;
    c->ev[c->count].data = data;
    c->ev[c->count].len = len;
    c->ev[c->count].ms = ms;
    c->count++;
}
static void st_data_len(scripted_transport *s, const char *d, size_t n) { st_event_add(s, ST_DATA, d, n, 0); }
static void st_data(scripted_transport *s, const char *text) { st_data_len(s, text, strlen(text)); }
static void st_eof(scripted_transport *s) { st_event_add(s, ST_EOF, NULL, 0, 0); }
static void st_reset(scripted_transport *s) { st_event_add(s, ST_RESET, NULL, 0, 0); }
static void st_cut(scripted_transport *s) { st_event_add(s, ST_CUT, NULL, 0, 0); }
static void st_block(scripted_transport *s) { st_event_add(s, ST_BLOCK, NULL, 0, 0); }
static void st_advance(scripted_transport *s, uint32_t ms) { st_event_add(s, ST_ADVANCE, NULL, 0, ms); }
static void st_early(scripted_transport *s, const char *text) { st_event_add(s, ST_EARLY, text, strlen(text), 0); }

/* The bytes sent on connection i (0-based), NUL-terminated into out. */
static size_t st_sent_on(const scripted_transport *s, int i, char *out, size_t size) {
    size_t from = s->sent_at_connect[i];
    size_t to = (i + 1 < s->next_conn) ? s->sent_at_connect[i + 1] : s->sent_len;
    size_t n = to - from < size - 1 ? to - from : size - 1;
    memcpy(out, s->sent + from, n);
    out[n] = '\0';
    return n;
}

/* Silences unused-function warnings in suites that use only part of this. */
static void st_unused(void) {
    (void)st_eof; (void)st_reset; (void)st_cut; (void)st_block; (void)st_advance; (void)st_sent_on; (void)st_data_len; (void)st_early;
    (void)st_unused;
}
#endif
