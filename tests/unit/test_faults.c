/* Fault injection at every transport call of every API call.

   The transport is a small in-memory server (fault_transport below) that
   answers each request it receives by its request line: upsert, update,
   delete, a one-page list (pieceName filter) and a three-page list whose
   second page is chunked and ends with "Connection: close", so the third
   page reconnects. A sixth call is a page abandoned after its first item,
   then a delete on the same client (the rest of the body must never be
   read as the delete's answer; the old page must answer PAGE_STALE).
   Upsert and update run once more with retry_unsafe_post set (a POST is
   resent on a new connection when a reused one failed before any answer:
   the body must still be intact in the work buffer; the server checks it).
   The transport counts its calls; what counts is every call apconn
   makes that can fail or move time: connect, send, recv (the idle probe
   included) and now_ms. close and sleep_ms cannot fail by the transport
   contract and are not counted.

   A scenario is one of the eight calls, on a fresh client ("cold": the call
   connects) or on a client whose keep-alive connection already carried one
   request ("warm": the call probes and reuses it). It runs once healthy to
   count its transport calls n and to record what it returned. Then, for
   every k in 1..n and every fault kind, it runs again with the fault armed
   at call k: the fault fires at the first call numbered >= k that it
   applies to and lasts until the transport is healed (the link broke at k).

     kind          applies to     effect from then on            allowed status
     CONNECT_ERR   connect        APCONN_ERR_CONNECT             ERR_CONNECT
     SEND_ERR      send           APCONN_ERR_SEND                ERR_SEND
     RECV_ERR      recv           APCONN_ERR_RECV                ERR_RECV
     EOF           recv           0 (peer closed)                ERR_CLOSED (no body byte
                                                                 yet), ERR_HTTP_TRUNCATED
                                                                 (in a body); delete: CLOSED
     BLOCK         send, recv     WOULD_BLOCK after the whole    ERR_TIMEOUT
                                  wait passed (silent peer)
     BLOCK_IDLE    send, recv     WOULD_BLOCK at once, the       ERR_TIMEOUT (after
                                  clock stands still             APCONN_MAX_IDLE_POLLS)
     SHORT_READ    recv           at most 1 byte per recv        OK, same result
     SHORT_WRITE   send           at most 1 byte per send        OK, same result
     CLOCK_JUMP    now_ms         the clock jumps past the       OK (same result) when the
                                  call's deadline, once          jump came before the call
                                                                 read its start, else
                                                                 ERR_TIMEOUT
   and three that fail ONE call, after which the link works again (the
   retry paths):
     CONNECT_ONCE  connect        APCONN_ERR_CONNECT once        OK, same result (connect
                                                                 failures are retried)
     SEND_ONCE     send           APCONN_ERR_SEND once           OK (a reused connection,
                                                                 GET/DELETE: retried at once
                                                                 on a new one), ERR_SEND
     RECV_ONCE     recv           APCONN_ERR_RECV once           OK (the idle probe, or as
                                                                 SEND_ONCE), ERR_RECV

   A fault that never fired (k after the last call it applies to) must give
   APCONN_OK and the healthy result. After every run:
     - the status is in the allowed set, and the run ended within a bounded
       number of transport calls (a runaway loop fails the case, never hangs);
     - upsert/update: *out is all zero unless APCONN_OK, and equal to the
       healthy result when APCONN_OK;
     - lists: every item returned is the expected item, in order, fully
       mapped (a prefix of the healthy run: nothing half-mapped); after a
       page-level error the page is done, repeats its status and *out is
       zero;
     - neither the API key, "Bearer", nor the upsert's secret value is
       anywhere in the work buffer;
     - without retry_unsafe_post, a POST the server received whole is never
       sent again (the change would be made twice);
     - then the transport is healed and the same call runs again on the same
       client: it must succeed with the healthy result (and leave no secret).
   The server side checks every request it receives (request line, key,
   Content-Length body), so a short write that garbles a request fails too.
   The suite prints the number of (call, k, fault) cases it ran. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "harness.h"
#include <stdio.h>
#include <stdlib.h>

#define KEY "sk-FaUlTkEyAbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQ"
#define SECRET "xoxb-FAULT-SECRET-0123456789"
#define URL "https://ap.example.com/api"
#define WORK_SIZE 4096
#define TOKENS 256
#define ID "AbCdEfGhIjKlMnOpQrStU"
#define P1 "Kp3Wn8ZrQa1Lm5Tx7Vb2C"
#define MAX_CALLS 200000L  /* transport calls one run may make: more is a runaway loop */
#define MAX_PAGES 8        /* list loop bound (the healthy loop has 3) */
#define MAX_ITEMS 16       /* items one run may return (the healthy loop has 7) */
#define RX_SIZE 8192
#define TX_SIZE 8192
#define CLOCK_START 0xFFFFF000u /* every deadline computation crosses the 2^32 wrap */
/* Built with APCONN_NO_RETRIES (APCONN_MINIMAL), a fault is never retried:
   a one-call fault ends the call with its status. */
#ifdef APCONN_NO_RETRIES
#define FAULT_RETRIES 0
#else
#define FAULT_RETRIES 1
#endif

enum { K_CONNECT_ERR, K_SEND_ERR, K_RECV_ERR, K_EOF, K_BLOCK, K_BLOCK_IDLE, K_SHORT_READ, K_SHORT_WRITE,
       K_CLOCK_JUMP, K_CONNECT_ONCE, K_SEND_ONCE, K_RECV_ONCE, K_COUNT, K_NONE = -1 };
static const char *const kind_names[K_COUNT] = {"connect_err", "send_err", "recv_err", "eof", "block",
                                                "block_idle", "short_read", "short_write", "clock_jump",
                                                "connect_once", "send_once", "recv_once"};
enum { C_UPSERT, C_UPDATE, C_DELETE, C_LIST_ONE, C_LIST_ALL, C_LIST_STOP, C_UPSERT_RESEND, C_UPDATE_RESEND, C_COUNT };
static const char *const call_names[C_COUNT] = {"upsert", "update", "delete", "list_one_page", "list_three_pages",
                                                "list_stop_then_delete", "upsert_resend", "update_resend"};

/* ----- the server's answers ------------------------------------------------------------- */
#define OWNER "{\"id\":\"Us3rAbCdEfGhIjKlMnOpQ\",\"email\":\"ops@example.com\",\"firstName\":\"Ann\"," \
              "\"lastName\":\"Ops\",\"status\":\"ACTIVE\",\"platformRole\":\"ADMIN\"}"
#define ITEM(n)                                                                                          \
    "{\"id\":\"Item" n "AbCdEfGhIjKlMnOp\",\"created\":\"2025-01-02T03:04:05.000Z\","                  \
    "\"updated\":\"2025-01-02T03:04:05.000Z\",\"externalId\":\"ext_" n "\",\"displayName\":\"Item \\\"" n \
    "\\\" \\u00e9\",\"type\":\"SECRET_TEXT\",\"pieceName\":\"@activepieces/piece-slack\","               \
    "\"projectIds\":[\"" P1 "\",\"Zz3Wn8ZrQa1Lm5Tx7Vb2" n "\"],\"scope\":\"PLATFORM\",\"status\":\"ACTIVE\","  \
    "\"pieceVersion\":\"0.9.1\",\"preSelectForNewProjects\":true,\"owner\":" OWNER ","                  \
    "\"metadata\":{\"team\":\"ops\",\"n\":[1,2]},\"usingSecretManager\":false}"
#define CONN_JSON                                                                                        \
    "{\"id\":\"" ID "\",\"created\":\"2025-01-02T03:04:05.000Z\",\"updated\":\"2025-01-02T03:04:05.000Z\"," \
    "\"externalId\":\"acme_slack\",\"displayName\":\"Acme Slack\",\"type\":\"SECRET_TEXT\","                \
    "\"pieceName\":\"@activepieces/piece-slack\",\"projectIds\":[\"" P1 "\"],\"scope\":\"PLATFORM\","        \
    "\"status\":\"ACTIVE\",\"pieceVersion\":\"0.9.1\",\"preSelectForNewProjects\":false,\"owner\":" OWNER "," \
    "\"usingSecretManager\":false}"
/* Item numbers are one digit: the ids stay 21 characters. */
static const char *const page_bodies[4] = {
    "{\"data\":[" ITEM("1") "," ITEM("2") "],\"next\":null,\"previous\":null}",               /* one page */
    "{\"next\":\"Y3Vyc29yOjI=\",\"data\":[" ITEM("3") "," ITEM("4") "," ITEM("5") "],\"previous\":null}",
    "{\"data\":[" ITEM("6") "],\"next\":\"Y3Vyc29yOjM\\/IA==\",\"previous\":\"Y3Vyc29yOjE=\"}", /* chunked, closes */
    "{\"data\":[],\"previous\":\"Y3Vyc29yOjI=\",\"next\":null}"};
static const char *const expected_ids[C_COUNT][8] = {
    {ID}, {ID}, {NULL}, {"Item1AbCdEfGhIjKlMnOp", "Item2AbCdEfGhIjKlMnOp"},
    {"Item3AbCdEfGhIjKlMnOp", "Item4AbCdEfGhIjKlMnOp", "Item5AbCdEfGhIjKlMnOp", "Item6AbCdEfGhIjKlMnOp"},
    {"Item3AbCdEfGhIjKlMnOp"}, {ID}, {ID}};

/* ----- the transport ---------------------------------------------------------------------- */
typedef struct fault_transport {
    apconn_transport t;
    long calls;         /* counted calls so far */
    long arm;           /* the fault is armed from this call number (1-based); 0 = never */
    int kind;
    int fired;          /* the fault has taken effect */
    int jumped;         /* CLOCK_JUMP: the jump happened */
    int runaway;        /* MAX_CALLS exceeded */
    int violation;      /* the server saw something wrong; text in why */
    char why[160];
    uint32_t clock;
    int open;           /* a connection is open */
    int closing;        /* the server closes after the queued answer */
    int connects, requests;
    int posts;          /* complete POST requests served (each one a change made) */
    unsigned char rx[RX_SIZE];  /* the server's answer, queued for recv */
    size_t rx_len, rx_pos;
    unsigned char tx[TX_SIZE];  /* what apconn sent on this connection, not yet answered */
    size_t tx_len;
    unsigned piece;     /* varies the size of healthy recv pieces */
} fault_transport;

static fault_transport ft;
static apconn_client client;
static unsigned char work[WORK_SIZE];
static apconn_token tokens[TOKENS];

static void ft_violation(const char *what) {
    if (!ft.violation) snprintf(ft.why, sizeof ft.why, "%s", what);
    ft.violation = 1;
}

/* Counts the call; nonzero when the fault applies to it. */
static int ft_count(int applies) {
    ft.calls++;
    if (ft.calls > MAX_CALLS) { /* a runaway loop: the fault turns into a dead link past the deadline */
        ft.runaway = 1;
        ft.kind = K_BLOCK;
        ft.arm = 1;
        ft.clock += client.timeout_ms + 1u;
        return 1;
    }
    if (ft.kind == K_NONE || ft.arm == 0 || ft.calls < ft.arm || !applies) return 0;
    if (ft.fired && ft.kind >= K_CONNECT_ONCE) return 0; /* a one-call fault is over */
    ft.fired = 1;
    return 1;
}

static void rx_add(const char *s, size_t n) {
    if (ft.rx_len + n > sizeof ft.rx) { ft_violation("answer too large for rx"); return; }
    memcpy(ft.rx + ft.rx_len, s, n);
    ft.rx_len += n;
}
static void rx_puts(const char *s) { rx_add(s, strlen(s)); }

static void answer_json(const char *status, const char *body, int chunked, int close) {
    char head[256];
    size_t n = strlen(body), i, piece;
    if (chunked) {
        snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Type: application/json; charset=utf-8\r\n"
                 "Transfer-Encoding: chunked\r\n%s\r\n", status, close ? "Connection: close\r\n" : "");
        rx_puts(head);
        for (i = 0; i < n; i += piece) { /* chunks of 97 bytes: framing lands everywhere */
            piece = n - i < 97 ? n - i : 97;
            snprintf(head, sizeof head, "%x\r\n", (unsigned)piece);
            rx_puts(head);
            rx_add(body + i, piece);
            rx_puts("\r\n");
        }
        rx_puts("0\r\n\r\n");
    } else {
        snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Type: application/json; charset=utf-8\r\n"
                 "Content-Length: %u\r\n%s\r\n", status, (unsigned)n, close ? "Connection: close\r\n" : "");
        rx_puts(head);
        rx_add(body, n);
    }
    ft.closing = close;
}

static const char *find(const unsigned char *hay, size_t n, const char *needle) {
    size_t k = strlen(needle), i;
    for (i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0) return (const char *)hay + i;
    return NULL;
}

/* A complete request in tx: checked, answered, removed. */
static void serve_request(void) {
    const char *end = find(ft.tx, ft.tx_len, "\r\n\r\n"), *cl;
    size_t head, body = 0, used;
    if (!end) return;
    head = (size_t)(end - (const char *)ft.tx) + 4;
    cl = find(ft.tx, head, "\r\nContent-Length: ");
    if (cl) body = (size_t)strtoul(cl + 18, NULL, 10);
    if (ft.tx_len < head + body) return;
    used = head + body;
    ft.requests++;
    if (!find(ft.tx, head, "\r\nAuthorization: Bearer " KEY "\r\n")) ft_violation("request without the key");
#define STARTS(s) (head > sizeof s && memcmp(ft.tx, s, sizeof s - 1) == 0)
    if (STARTS("POST ")) ft.posts++;
    if (STARTS("POST /api/v1/global-connections HTTP/1.1\r\n")) {
        if (!find(ft.tx + head, body, "\"secret_text\":\"" SECRET "\"}")) ft_violation("upsert body garbled");
        answer_json("201 Created", CONN_JSON, 0, 0);
    } else if (STARTS("POST /api/v1/global-connections/" ID " HTTP/1.1\r\n")) {
        if (!find(ft.tx + head, body, "{\"displayName\":\"Renamed\"")) ft_violation("update body garbled");
        answer_json("200 OK", CONN_JSON, 1, 0);
    } else if (STARTS("DELETE /api/v1/global-connections/" ID " HTTP/1.1\r\n")) {
        rx_puts("HTTP/1.1 204 No Content\r\n\r\n");
    } else if (STARTS("GET /api/v1/global-connections?pieceName=%40activepieces%2Fpiece-slack HTTP/1.1\r\n")) {
        answer_json("200 OK", page_bodies[0], 0, 0);
    } else if (STARTS("GET /api/v1/global-connections?limit=3 HTTP/1.1\r\n")) {
        answer_json("200 OK", page_bodies[1], 0, 0);
    } else if (STARTS("GET /api/v1/global-connections?cursor=Y3Vyc29yOjI%3D&limit=3 HTTP/1.1\r\n")) {
        answer_json("200 OK", page_bodies[2], 1, 1);
    } else if (STARTS("GET /api/v1/global-connections?cursor=Y3Vyc29yOjM%2FIA%3D%3D&limit=3 HTTP/1.1\r\n")) {
        answer_json("200 OK", page_bodies[3], 0, 0);
    } else {
        ft_violation("unexpected request");
    }
#undef STARTS
    memmove(ft.tx, ft.tx + used, ft.tx_len - used);
    ft.tx_len -= used;
}

static int ft_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms) {
    (void)ctx; (void)timeout_ms;
    if (ft_count(ft.kind == K_CONNECT_ERR || ft.kind == K_CONNECT_ONCE)) return APCONN_ERR_CONNECT;
    if (strcmp(host, "ap.example.com") != 0 || port != 443) ft_violation("connect to the wrong host");
    if (ft.open) ft_violation("connect while connected");
    ft.open = 1;
    ft.connects++;
    ft.closing = 0;
    ft.rx_len = ft.rx_pos = ft.tx_len = 0;
    return APCONN_OK;
}

static void ft_close(void *ctx) {
    (void)ctx;
    ft.open = 0;
    ft.rx_len = ft.rx_pos = ft.tx_len = 0;
}

static long ft_send(void *ctx, const unsigned char *data, size_t len, uint32_t timeout_ms) {
    int hit = ft_count(ft.kind == K_SEND_ERR || ft.kind == K_BLOCK || ft.kind == K_BLOCK_IDLE ||
                       ft.kind == K_SHORT_WRITE || ft.kind == K_SEND_ONCE);
    (void)ctx;
    if (hit && (ft.kind == K_SEND_ERR || ft.kind == K_SEND_ONCE)) return APCONN_ERR_SEND;
    if (hit && ft.kind == K_BLOCK) { ft.clock += timeout_ms; return APCONN_ERR_WOULD_BLOCK; }
    if (hit && ft.kind == K_BLOCK_IDLE) return APCONN_ERR_WOULD_BLOCK;
    if (len == 0) ft_violation("send of 0 bytes");
    if (!ft.open) { ft_violation("send without a connection"); return APCONN_ERR_SEND; }
    if (hit && ft.kind == K_SHORT_WRITE && len > 1) len = 1;
    if (ft.tx_len + len > sizeof ft.tx) { ft_violation("request too large"); return APCONN_ERR_SEND; }
    memcpy(ft.tx + ft.tx_len, data, len);
    ft.tx_len += len;
    serve_request();
    return (long)len;
}

static long ft_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    int hit = ft_count(ft.kind == K_RECV_ERR || ft.kind == K_EOF || ft.kind == K_BLOCK ||
                       ft.kind == K_BLOCK_IDLE || ft.kind == K_SHORT_READ || ft.kind == K_RECV_ONCE);
    size_t n;
    (void)ctx;
    if (hit && (ft.kind == K_RECV_ERR || ft.kind == K_RECV_ONCE)) return APCONN_ERR_RECV;
    if (hit && ft.kind == K_EOF) return 0;
    if (hit && ft.kind == K_BLOCK) { ft.clock += timeout_ms; return APCONN_ERR_WOULD_BLOCK; }
    if (hit && ft.kind == K_BLOCK_IDLE) return APCONN_ERR_WOULD_BLOCK;
    if (!ft.open) { ft_violation("recv without a connection"); return APCONN_ERR_RECV; }
    if (len == 0) ft_violation("recv of 0 bytes");
    if (ft.rx_pos == ft.rx_len) {
        if (ft.closing) return 0;
        if (timeout_ms) ft.clock += timeout_ms; /* silence: the whole wait passes (0: the idle probe) */
        return APCONN_ERR_WOULD_BLOCK;
    }
    n = ft.rx_len - ft.rx_pos;
    ft.piece = ft.piece * 1103515245u + 12345u;
    if (n > 16u + (ft.piece >> 16) % 113u) n = 16u + (ft.piece >> 16) % 113u; /* 16..128 bytes */
    if (hit && ft.kind == K_SHORT_READ) n = 1;
    if (n > len) n = len;
    memcpy(buf, ft.rx + ft.rx_pos, n);
    ft.rx_pos += n;
    if (ft.rx_pos == ft.rx_len && !ft.closing) ft.rx_pos = ft.rx_len = 0;
    return (long)n;
}

static uint32_t ft_now(void *ctx) {
    (void)ctx;
    if (ft_count(ft.kind == K_CLOCK_JUMP) && !ft.jumped) {
        ft.jumped = 1; /* once: the clock moves on from there */
        ft.clock += client.timeout_ms + 1u;
    }
    return ft.clock;
}

static void ft_sleep(void *ctx, uint32_t ms) {
    (void)ctx;
    ft.clock += ms;
}

static void ft_reset(void) {
    memset(&ft, 0, sizeof ft);
    ft.kind = K_NONE;
    ft.clock = CLOCK_START;
    ft.piece = 7u;
    ft.t.ctx = &ft;
    ft.t.connect = ft_connect;
    ft.t.send = ft_send;
    ft.t.recv = ft_recv;
    ft.t.close = ft_close;
    ft.t.now_ms = ft_now;
    ft.t.sleep_ms = ft_sleep;
    ft.t.secure = 1;
}

/* ----- one run of a call ----------------------------------------------------------------- */
typedef struct run_result {
    apconn_status st;
    int items;                    /* items returned (lists), 1 for an upsert/update result */
    char ids[MAX_ITEMS][24];
    int half_mapped;              /* an item or *out that was not whole, or not zero on failure */
    int not_done;                 /* a page-level error that did not stick */
} run_result;

static int zero(const void *p, size_t n) {
    const unsigned char *b = (const unsigned char *)p;
    while (n--)
        if (*b++) return 0;
    return 1;
}

static int ids_walk(const apconn_ids *ids, size_t want) {
    const char *id;
    size_t n = 0;
    for (id = ids->first; id; id = apconn_ids_next(ids, id)) {
        if (strlen(id) != 21) return 0;
        if (++n > want) return 0;
    }
    return n == want && ids->count == want;
}

/* An item or upsert/update result, checked field by field. */
static int whole(const apconn_connection *c, int is_item) {
    if (!c->id || strlen(c->id) != 21) return 0;
    if (c->type != APCONN_TYPE_SECRET_TEXT || c->scope != APCONN_SCOPE_PLATFORM || c->status != APCONN_CONN_STATUS_ACTIVE)
        return 0;
    if (!c->piece_name || strcmp(c->piece_name, "@activepieces/piece-slack") != 0) return 0;
    if (!c->piece_version || strcmp(c->piece_version, "0.9.1") != 0) return 0;
    if (c->has_owner != APCONN_SET || !c->owner.email || strcmp(c->owner.email, "ops@example.com") != 0) return 0;
    if (c->owner.platform_role != APCONN_ROLE_ADMIN || !c->owner.last_name || strcmp(c->owner.last_name, "Ops")) return 0;
    if (!c->updated || strcmp(c->updated, "2025-01-02T03:04:05.000Z") != 0) return 0;
    if (c->using_secret_manager != 0 || c->has_using_secret_manager != APCONN_SET) return 0;
    if (is_item) {
        char name[32];
        snprintf(name, sizeof name, "Item \"%c\" \xc3\xa9", c->id[4]);
        if (!c->display_name || strcmp(c->display_name, name) != 0) return 0;
        if (!c->metadata || strcmp(c->metadata, "{\"team\":\"ops\",\"n\":[1,2]}") != 0) return 0;
        if (!c->pre_select_for_new_projects || !ids_walk(&c->project_ids, 2)) return 0;
    } else {
        if (!c->display_name || strcmp(c->display_name, "Acme Slack") != 0) return 0;
        if (!c->external_id || strcmp(c->external_id, "acme_slack") != 0) return 0;
        if (c->pre_select_for_new_projects || !ids_walk(&c->project_ids, 1)) return 0;
    }
    return 1;
}

static void note_item(run_result *r, const apconn_connection *c, int is_item) {
    if (!whole(c, is_item)) r->half_mapped = 1;
    if (r->items < MAX_ITEMS) snprintf(r->ids[r->items], sizeof r->ids[0], "%s", c->id ? c->id : "");
    r->items++;
}

/* Iterates one page; returns the page's final status (APCONN_END or a page error). */
static apconn_status walk_page(apconn_page *page, run_result *r) {
    apconn_connection conn;
    apconn_error err;
    apconn_status st = APCONN_OK;
    int steps;
    for (steps = 0; steps < MAX_ITEMS && !apconn_page_done(page); steps++) {
        st = apconn_page_next(page, &conn, &err);
        if (st == APCONN_OK) { note_item(r, &conn, 1); continue; }
        if (!zero(&conn, sizeof conn)) r->half_mapped = 1;
        if (st != APCONN_END && err.status != st) r->half_mapped = 1;
        if (st != APCONN_END) break;
    }
    if (!apconn_page_done(page)) return APCONN_ERR_ARGUMENT; /* a healthy page ends within MAX_ITEMS; a per-item error is a bug here */
    if (apconn_page_next(page, &conn, &err) != st || !zero(&conn, sizeof conn)) r->not_done = 1; /* sticky */
    return st;
}

static void run_call(int call, run_result *r) {
    static const char *const projects[] = {P1};
    apconn_connection conn;
    apconn_error err;
    apconn_page page;
    apconn_list_request q;
    char cursor[64];
    int pages;
    memset(r, 0, sizeof *r);
    memset(&q, 0, sizeof q);
    client.retry_unsafe_post = (unsigned char)(call == C_UPSERT_RESEND || call == C_UPDATE_RESEND);
    switch (call) {
    case C_UPSERT_RESEND:
    case C_UPSERT: {
        apconn_upsert_request u;
        memset(&u, 0, sizeof u);
        u.display_name = "Acme Slack";
        u.piece_name = "@activepieces/piece-slack";
        u.type = APCONN_TYPE_SECRET_TEXT;
        u.value.secret_text = SECRET;
        u.project_ids = projects;
        u.project_id_count = 1;
        u.external_id = "acme_slack";
        r->st = apconn_connection_upsert(&client, &u, &conn, &err);
        break;
    }
    case C_UPDATE_RESEND:
    case C_UPDATE: {
        apconn_update_request u;
        memset(&u, 0, sizeof u);
        u.display_name = "Renamed";
        u.project_ids = projects;
        u.project_id_count = 1;
        r->st = apconn_connection_update(&client, ID, &u, &conn, &err);
        break;
    }
    case C_DELETE: r->st = apconn_connection_delete(&client, ID, &err); return;
    case C_LIST_ONE:
        q.piece_name = "@activepieces/piece-slack";
        r->st = apconn_connection_list(&client, &q, &page, &err);
        if (r->st == APCONN_OK) r->st = walk_page(&page, r);
        else if (!apconn_page_done(&page)) r->not_done = 1;
        if (r->st == APCONN_END) r->st = APCONN_OK;
        return;
    case C_LIST_STOP: /* the first item of a page, then another call: the rest of the body is abandoned */
        q.limit = 3;
        r->st = apconn_connection_list(&client, &q, &page, &err);
        if (r->st != APCONN_OK) {
            if (!apconn_page_done(&page)) r->not_done = 1;
            return;
        }
        r->st = apconn_page_next(&page, &conn, &err);
        if (r->st == APCONN_OK) note_item(r, &conn, 1);
        else if (!zero(&conn, sizeof conn) || r->st == APCONN_END) r->half_mapped = 1;
        if (r->st != APCONN_OK) return;
        r->st = apconn_connection_delete(&client, ID, &err);
        if (r->st == APCONN_OK && (apconn_page_next(&page, &conn, &err) != APCONN_ERR_PAGE_STALE || !apconn_page_done(&page)))
            r->not_done = 1; /* the abandoned page knows it */
        return;
    default: /* the `list --all` loop: follow page.next until it is null */
        q.limit = 3;
        for (pages = 0; pages < MAX_PAGES; pages++) {
            r->st = apconn_connection_list(&client, &q, &page, &err);
            if (r->st != APCONN_OK) {
                if (!apconn_page_done(&page)) r->not_done = 1;
                return;
            }
            r->st = walk_page(&page, r);
            if (r->st != APCONN_END) return;
            r->st = APCONN_OK;
            if (page.has_next != APCONN_SET) return;
            snprintf(cursor, sizeof cursor, "%s", page.next); /* alternate: a copy, then page.next itself */
            q.cursor = pages % 2 ? page.next : cursor;
        }
        r->st = APCONN_ERR_ARGUMENT; /* more pages than the server has: a loop */
        return;
    }
    /* upsert / update */
    if (r->st == APCONN_OK) note_item(r, &conn, 0);
    else if (!zero(&conn, sizeof conn)) r->half_mapped = 1;
}

static int mem_has(const void *hay, size_t n, const char *needle) { return find((const unsigned char *)hay, n, needle) != NULL; }

static int secrets_left(void) {
    return mem_has(work, sizeof work, KEY) || mem_has(work, sizeof work, &KEY[23]) ||
           mem_has(work, sizeof work, "Bearer") || mem_has(work, sizeof work, SECRET) ||
           mem_has(work, sizeof work, "FAULT-SECRET");
}

/* A fresh client; warm: one request (a delete) already carried on its connection. */
static void setup(int warm) {
    ft_reset();
    memset(work, 0xAA, sizeof work);
    apconn_error err;
    if (apconn_client_init(&client, URL, KEY, &ft.t, work, sizeof work, tokens, TOKENS, &err) != APCONN_OK)
        ft_violation("client_init failed");
    if (warm) {
        if (apconn_connection_delete(&client, ID, &err) != APCONN_OK) ft_violation("warm-up delete failed");
    }
    ft.calls = 0;
}

/* ----- the allowed outcomes --------------------------------------------------------------- */
static int allowed(int call, int kind, apconn_status st) {
    switch (kind) {
    case K_CONNECT_ERR: return st == APCONN_ERR_CONNECT;
    case K_SEND_ERR: return st == APCONN_ERR_SEND;
    case K_RECV_ERR: return st == APCONN_ERR_RECV;
    case K_EOF: return st == APCONN_ERR_CLOSED || (call != C_DELETE && st == APCONN_ERR_HTTP_TRUNCATED);
    case K_BLOCK:
    case K_BLOCK_IDLE: return st == APCONN_ERR_TIMEOUT;
    case K_SHORT_READ:
    case K_SHORT_WRITE:
    case K_CONNECT_ONCE: return st == APCONN_OK || (!FAULT_RETRIES && st == APCONN_ERR_CONNECT);
    case K_SEND_ONCE: return st == APCONN_OK || st == APCONN_ERR_SEND;
    case K_RECV_ONCE: return st == APCONN_OK || st == APCONN_ERR_RECV;
    default: return st == APCONN_OK || st == APCONN_ERR_TIMEOUT;
    }
}

static int same_prefix(const run_result *r, const run_result *base, int whole_run) {
    int i;
    if (r->items > base->items || (whole_run && r->items != base->items)) return 0;
    for (i = 0; i < r->items && i < MAX_ITEMS; i++)
        if (strcmp(r->ids[i], base->ids[i]) != 0) return 0;
    return 1;
}

static long cases_run, cases_fired, cases_failed;
static long status_seen[C_COUNT][K_COUNT][2]; /* [..][0]: runs that ended OK, [1]: with an error */
#define ST_SLOTS 96 /* statuses 1..-94 */
static long status_by_kind[K_COUNT][ST_SLOTS]; /* fired runs, by final status */

static void report_case(int call, int warm, long k, int kind, const run_result *r, const char *what) {
    if (cases_failed++ < 20)
        printf("  FAIL %s %s k=%ld %s: %s (status %s%s%s)\n", call_names[call], warm ? "warm" : "cold", k,
               kind_names[kind], what, apconn_strerror(r->st), ft.violation ? "; server: " : "",
               ft.violation ? ft.why : "");
    harness_current_failed = 1;
}

static void one_case(int call, int warm, long k, int kind, const run_result *base) {
    run_result r, again;
    int fired;
    setup(warm);
    ft.kind = kind;
    ft.arm = k;
    run_call(call, &r);
    fired = ft.fired != 0;
    cases_run++;
    cases_fired += fired;
    status_seen[call][kind][r.st != APCONN_OK]++;
    if (fired && r.st <= 1 && r.st > 1 - ST_SLOTS) status_by_kind[kind][1 - r.st]++;
    if (ft.runaway) report_case(call, warm, k, kind, &r, "more than MAX_CALLS transport calls");
    if (fired ? !allowed(call, kind, r.st) : r.st != APCONN_OK)
        report_case(call, warm, k, kind, &r, fired ? "status outside the allowed set" : "no fault fired, yet not OK");
    if (r.half_mapped) report_case(call, warm, k, kind, &r, "a result that is not whole (or *out not zero)");
    if (r.not_done) report_case(call, warm, k, kind, &r, "a page-level end that did not stick");
    if (!same_prefix(&r, base, r.st == APCONN_OK))
        report_case(call, warm, k, kind, &r, r.st == APCONN_OK ? "OK with another result" : "items out of order");
    if (secrets_left()) report_case(call, warm, k, kind, &r, "the key or the secret is left in the work buffer");
    if ((call == C_UPSERT || call == C_UPDATE) && ft.posts > 1)
        report_case(call, warm, k, kind, &r, "a POST the server received was sent again without retry_unsafe_post");
    /* healed: the same call on the same client */
    ft.kind = K_NONE;
    ft.calls = 0;
    ft.runaway = 0;
    run_call(call, &again);
    if (again.st != APCONN_OK || !same_prefix(&again, base, 1) || again.half_mapped || ft.runaway)
        report_case(call, warm, k, kind, &again, "the next call on the healed transport did not succeed");
    if (secrets_left()) report_case(call, warm, k, kind, &again, "a secret left after the healed call");
    if (ft.violation) report_case(call, warm, k, kind, &r, "the server saw a bad request");
}

static void faults_at_every_call(int call) {
    run_result base;
    long n, k;
    int warm, kind;
    for (warm = 0; warm <= 1; warm++) {
        setup(warm);
        run_call(call, &base);
        n = ft.calls;
        printf("  %s %s: %ld transport calls\n", call_names[call], warm ? "warm" : "cold", n);
        CHECK_EQ(base.st, APCONN_OK);
        CHECK(!base.half_mapped && !base.not_done && !ft.violation && !secrets_left());
        CHECK(n > 0);
        if (call != C_DELETE) CHECK_EQ(base.items, (call == C_LIST_ALL ? 4 : call == C_LIST_ONE ? 2 : 1));
        if (call == C_LIST_STOP) CHECK_EQ(ft.connects, 2 + (warm && PROFILE_IDLE_CLOSES)); /* the abandoned body's connection is closed: delete reconnects */
        for (k = 0; k < base.items && k < 8; k++) CHECK_STR(base.ids[k], expected_ids[call][k]);
        if (call == C_LIST_ALL) CHECK_EQ(ft.connects, 2 + PROFILE_IDLE_CLOSES * (1 + warm)); /* page 3 reconnects after "close" (warm: the warm-up connect); one connection per call without the idle probe */
        if (harness_current_failed) return;
        for (k = 1; k <= n; k++)
            for (kind = 0; kind < K_COUNT; kind++) one_case(call, warm, k, kind, &base);
    }
}

static void upsert_survives_a_fault_at_every_transport_call(void) { faults_at_every_call(C_UPSERT); }
static void update_survives_a_fault_at_every_transport_call(void) { faults_at_every_call(C_UPDATE); }
static void delete_survives_a_fault_at_every_transport_call(void) { faults_at_every_call(C_DELETE); }
static void one_page_list_survives_a_fault_at_every_transport_call(void) { faults_at_every_call(C_LIST_ONE); }
static void three_page_list_survives_a_fault_at_every_transport_call(void) { faults_at_every_call(C_LIST_ALL); }
static void list_stopped_early_then_delete_survives_a_fault_at_every_transport_call(void) { faults_at_every_call(C_LIST_STOP); }
static void resent_upsert_survives_a_fault_at_every_transport_call(void) { faults_at_every_call(C_UPSERT_RESEND); }
static void resent_update_survives_a_fault_at_every_transport_call(void) { faults_at_every_call(C_UPDATE_RESEND); }

/* Every fault kind fired somewhere, and every error kind did make some run fail. */
static void every_fault_kind_fired_and_made_some_call_fail(void) {
    int call, kind;
    long ok, bad;
    for (kind = 0; kind < K_COUNT; kind++) {
        ok = bad = 0;
        for (call = 0; call < C_COUNT; call++) {
            ok += status_seen[call][kind][0];
            bad += status_seen[call][kind][1];
        }
        if (kind == K_SHORT_READ || kind == K_SHORT_WRITE || (FAULT_RETRIES && kind == K_CONNECT_ONCE)) CHECK_EQ(bad, 0);
        else CHECK(bad > 0);
        /* a jump before the call read its start; a retried send or recv */
        if (kind == K_CLOCK_JUMP || (FAULT_RETRIES && (kind == K_SEND_ONCE || kind == K_RECV_ONCE))) CHECK(ok > 0);
    }
    CHECK(cases_fired > cases_run / 2);
    for (kind = 0; kind < K_COUNT; kind++) { /* the outcomes, for the record */
        int i;
        printf("  %-12s", kind_names[kind]);
        for (i = 0; i < ST_SLOTS; i++)
            if (status_by_kind[kind][i]) printf(" %s %ld", apconn_strerror((apconn_status)(1 - i)), status_by_kind[kind][i]);
        printf("\n");
    }
}

int main(void) {
    RUN(upsert_survives_a_fault_at_every_transport_call);
    RUN(update_survives_a_fault_at_every_transport_call);
    RUN(delete_survives_a_fault_at_every_transport_call);
    RUN(one_page_list_survives_a_fault_at_every_transport_call);
    RUN(three_page_list_survives_a_fault_at_every_transport_call);
    RUN(list_stopped_early_then_delete_survives_a_fault_at_every_transport_call);
    RUN(resent_upsert_survives_a_fault_at_every_transport_call);
    RUN(resent_update_survives_a_fault_at_every_transport_call);
    RUN(every_fault_kind_fired_and_made_some_call_fail);
    printf("faults: %ld (call, k, fault) cases (%ld fired, %ld failed) over %d calls x {cold, warm} x %d faults\n",
           cases_run, cases_fired, cases_failed, C_COUNT, K_COUNT);
    return harness_summary("faults");
}
