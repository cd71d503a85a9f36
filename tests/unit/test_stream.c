/* Streamed pages (issue 7): list pages read item by item through a 4 KB work
   buffer and 160 tokens over a fake transport that plays an HTTP/1.1 server.
   - 1,000 connections in 10 pages of 100, every field compared with what was
     served, over Content-Length and chunked bodies, delivered whole, one byte
     at a time and in random splits (fixed seed); the same bodies read from
     memory with apconn_parse_page;
   - items too large for the buffer or the token array are reported with the
     size they need and skipped; next/previous before and after data;
     page.next passed straight as the next cursor;
   - abandoning a page, malformed and truncated bodies, the deadline while
     iterating, an upsert response larger than the window;
   - after every call, neither the key nor a credential is in the work buffer.
   The server's data is generated deterministically in C (no heap). */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "harness.h"
#include "spec_example.h"
#include <stdio.h>
#include <stdlib.h>

#define KEY "sk-Str3amKeyAbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQ"
#define URL "https://ap.example.com/api"
#define WORK_SIZE 4096
#define NTOKENS 160
#define PAGES 10
#define PER_PAGE 100
#define N_PROJECTS 50
#define N_FLOWS 20
#define METADATA_LEN 300
#define BODY_CAP (512 * 1024)
#define RESP_CAP (640 * 1024)
#define RESP_RING 3
#define MAX_LINES 64

static unsigned char work[WORK_SIZE];
static apconn_token tokens[NTOKENS];
static apconn_token big_tokens[1024];
static apconn_client client;
static apconn_connection conn;
static apconn_error err;
static apconn_page page;

/* ===== the fake server ====================================================== */
enum { D_WHOLE, D_BYTES, D_RANDOM };
enum { F_LENGTH, F_CHUNKED };

typedef struct seg {
    const char *p;
    size_t len, pos;
} seg;

typedef struct fake {
    apconn_transport t;
    int delivery, framing;
    uint32_t rng, clock;
    size_t max_split;
    int connects, closes, connected;
    seg q[8]; /* responses not yet read on the open connection, in order */
    int qn;
    int eof_after;    /* close (recv 0) once the queue is empty */
    size_t cut_after; /* >0: the current response stops after this many bytes: then EOF if
                         eof_after, else silence */
    char req[65536];
    size_t req_len;
    char lines[MAX_LINES][512]; /* request lines seen */
    int nlines;
    size_t unread_at_request; /* bytes of earlier responses still unread when a request came */
    /* what the server answers: */
    const char *(*serve)(const char *req, size_t len, size_t *out_len);
} fake;

static fake fk;

static uint32_t rnd(uint32_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static int fk_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms) {
    fake *f = (fake *)ctx;
    (void)host; (void)port; (void)timeout_ms;
    f->connects++;
    f->connected = 1;
    f->qn = 0;
    f->req_len = 0;
    return APCONN_OK;
}

static void fk_close(void *ctx) {
    fake *f = (fake *)ctx;
    f->closes++;
    f->connected = 0;
    f->qn = 0; /* whatever the server still had to say is gone with the connection */
    f->req_len = 0;
}

static size_t queued(const fake *f) {
    size_t n = 0;
    int i;
    for (i = 0; i < f->qn; i++) n += f->q[i].len - f->q[i].pos;
    return n;
}

/* A complete request: head, and Content-Length bytes of body. */
static size_t request_complete(const char *r, size_t n) {
    const char *end, *cl;
    size_t head, body = 0;
    char tmp[2048];
    size_t k;
    for (k = 0; k + 3 < n; k++)
        if (r[k] == '\r' && r[k + 1] == '\n' && r[k + 2] == '\r' && r[k + 3] == '\n') break;
    if (k + 3 >= n) return 0;
    head = k + 4;
    end = r + head;
    memcpy(tmp, r, head < sizeof tmp - 1 ? head : sizeof tmp - 1);
    tmp[head < sizeof tmp - 1 ? head : sizeof tmp - 1] = '\0';
    cl = strstr(tmp, "Content-Length: ");
    if (cl) body = (size_t)strtoul(cl + 16, NULL, 10);
    (void)end;
    return n >= head + body ? head + body : 0;
}

static long fk_send(void *ctx, const unsigned char *data, size_t len, uint32_t timeout_ms) {
    fake *f = (fake *)ctx;
    size_t done;
    (void)timeout_ms;
    if (!f->connected) return APCONN_ERR_SEND;
    if (f->req_len + len > sizeof f->req) return APCONN_ERR_SEND;
    memcpy(f->req + f->req_len, data, len);
    f->req_len += len;
    done = request_complete(f->req, f->req_len);
    if (done) {
        size_t out_len = 0, eol;
        const char *resp;
        f->unread_at_request += queued(f);
        for (eol = 0; eol < done && f->req[eol] != '\r'; eol++) {}
        if (f->nlines < MAX_LINES) {
            size_t m = eol < sizeof f->lines[0] - 1 ? eol : sizeof f->lines[0] - 1;
            memcpy(f->lines[f->nlines], f->req, m);
            f->lines[f->nlines][m] = '\0';
            f->nlines++;
        }
        resp = f->serve(f->req, done, &out_len);
        if (resp && f->qn < 8) {
            f->q[f->qn].p = resp;
            f->q[f->qn].len = out_len;
            f->q[f->qn].pos = 0;
            f->qn++;
        }
        memmove(f->req, f->req + done, f->req_len - done);
        f->req_len -= done;
    }
    return (long)len;
}

static long fk_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    fake *f = (fake *)ctx;
    seg *s;
    size_t n;
    if (!f->connected) return APCONN_ERR_RECV;
    /* bytes of a response are "in flight": an idle probe (timeout 0) never
       sees them, so only draining or closing keeps them from the next call */
    if (timeout_ms == 0) return APCONN_ERR_WOULD_BLOCK;
    while (f->qn > 0 && f->q[0].pos == f->q[0].len) {
        memmove(&f->q[0], &f->q[1], sizeof f->q[0] * (size_t)(f->qn - 1));
        f->qn--;
    }
    if (f->qn == 0) {
        if (f->eof_after) return 0;
        f->clock += timeout_ms; /* silence: the whole wait passes */
        return APCONN_ERR_WOULD_BLOCK;
    }
    s = &f->q[0];
    if (f->cut_after && s->pos >= f->cut_after) {
        if (f->eof_after) return 0;
        f->clock += timeout_ms;
        return APCONN_ERR_WOULD_BLOCK;
    }
    n = s->len - s->pos;
    if (f->cut_after && n > f->cut_after - s->pos) n = f->cut_after - s->pos;
    if (n > len) n = len;
    if (f->delivery == D_BYTES) n = 1;
    else if (f->delivery == D_RANDOM && n > 1) {
        size_t m = 1 + rnd(&f->rng) % f->max_split;
        if (m < n) n = m;
    }
    memcpy(buf, s->p + s->pos, n);
    s->pos += n;
    return (long)n;
}

static uint32_t fk_now(void *ctx) { return ((fake *)ctx)->clock; }
static void fk_sleep(void *ctx, uint32_t ms) { ((fake *)ctx)->clock += ms; }

static void fake_init(int delivery, int framing, const char *(*serve)(const char *, size_t, size_t *)) {
    memset(&fk, 0, sizeof fk);
    fk.delivery = delivery;
    fk.framing = framing;
    fk.rng = 0x2545F491u;
    fk.max_split = 1500;
    fk.clock = 0xFFFFF000u; /* deadlines cross the 2^32 wrap */
    fk.serve = serve;
    fk.t.ctx = &fk;
    fk.t.connect = fk_connect;
    fk.t.send = fk_send;
    fk.t.recv = fk_recv;
    fk.t.close = fk_close;
    fk.t.now_ms = fk_now;
    fk.t.sleep_ms = fk_sleep;
    fk.t.secure = 1;
    memset(work, 0xAA, sizeof work);
    CHECK_EQ(apconn_client_init(&client, URL, KEY, &fk.t, work, sizeof work, tokens, NTOKENS, &err), APCONN_OK);
}

/* ===== responses ============================================================= */
static char resp_ring[RESP_RING][RESP_CAP];
static int ring_next;
static uint32_t chunk_rng = 0x1234567u;

/* body -> an HTTP/1.1 200 response in the next ring buffer, with a
   Content-Length or in chunks of random sizes (some with an extension or
   upper-case hex). */
static const char *http_wrap(const char *status, const char *body, size_t body_len, int framing, size_t *out_len) {
    char *r = resp_ring[ring_next];
    size_t n, k;
    ring_next = (ring_next + 1) % RESP_RING;
    if (framing == F_LENGTH) {
        n = (size_t)sprintf(r, "HTTP/1.1 %s\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %u\r\n"
                               "Connection: keep-alive\r\n\r\n", status, (unsigned)body_len);
        memcpy(r + n, body, body_len);
        *out_len = n + body_len;
        return r;
    }
    n = (size_t)sprintf(r, "HTTP/1.1 %s\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", status);
    for (k = 0; k < body_len;) {
        size_t c = 1 + rnd(&chunk_rng) % 700;
        uint32_t style = rnd(&chunk_rng) % 8;
        if (c > body_len - k) c = body_len - k;
        n += (size_t)sprintf(r + n, style == 0 ? "%X" : "%x", (unsigned)c);
        if (style == 1) n += (size_t)sprintf(r + n, ";ext=\"v\"");
        n += (size_t)sprintf(r + n, "\r\n");
        memcpy(r + n, body + k, c);
        n += c;
        memcpy(r + n, "\r\n", 2);
        n += 2;
        k += c;
    }
    n += (size_t)sprintf(r + n, "0\r\n\r\n");
    *out_len = n;
    return r;
}

/* ===== the platform: 1,000 connections, generated ============================ */
typedef struct expect {
    char id[32], created[32], updated[32], external_id[32], name[1200], piece[64], version[16], owner_id[32];
    apconn_has has_external_id;
    apconn_connection_type type;
    apconn_connection_status status;
    char projects[N_PROJECTS][24], flows[N_FLOWS][24];
    char metadata[METADATA_LEN + 1];
    char email[64], first[64], last[64], o_ext[32], o_last_active[40], o_image[64];
    apconn_has o_has_ext, o_has_last_active;
    apconn_user_status o_status;
    apconn_platform_role o_role;
    unsigned char pre_select, secret_manager;
} expect;

static const char *const type_names[] = {"SECRET_TEXT", "BASIC_AUTH", "CUSTOM_AUTH", "OAUTH2",
                                         "CLOUD_OAUTH2", "PLATFORM_OAUTH2", "OIDC", "NO_AUTH"};
static const char *const status_names[] = {"ACTIVE", "MISSING", "ERROR"};
static const char *const role_names[] = {"ADMIN", "MEMBER", "OPERATOR"};

/* The name as JSON (escapes \" \n \u00e9 \/ a surrogate pair, raw 4-byte
   UTF-8, \\) and decoded. Repeated so that some names are long. */
#define NAME_JSON "Conn \\\"%d\\\" \\n \\u00e9\\/\\ud83d\\ude00\xf0\x9f\x98\x81\\\\ "
#define NAME_TEXT "Conn \"%d\" \n \xc3\xa9/\xf0\x9f\x98\x80\xf0\x9f\x98\x81\\ "

static char members[24][4096];

/* "<2 letters><k as 2 digits><g as 17 digits>": an id, without printf (the
   suite also runs on an emulated Cortex-M3, where 140,000 of them add up). */
static void make_id(char *out, const char *prefix, int k, int g) {
    int i;
    out[0] = prefix[0];
    out[1] = prefix[1];
    out[2] = (char)('0' + k / 10);
    out[3] = (char)('0' + k % 10);
    for (i = 20; i >= 4; i--, g /= 10) out[i] = (char)('0' + g % 10);
    out[21] = '\0';
}

/* `"name":["id",...]` of the first n ids (21 bytes each) into out. */
static void put_ids(char *out, const char *name, char (*ids)[24], int n) {
    size_t k = (size_t)sprintf(out, "\"%s\":[", name);
    int i;
    for (i = 0; i < n; i++) {
        if (i) out[k++] = ',';
        out[k++] = '"';
        memcpy(out + k, ids[i], 21);
        k += 21;
        out[k++] = '"';
    }
    strcpy(out + k, "]");
}

/* Fills *x with connection g as it must read, and writes its JSON to out
   (members in reverse order for odd g; nothing when out is NULL). Returns
   the length. */
static size_t make_item(int g, expect *x, char *out) {
    int m = 0, i, reps = g % 50 == 7 ? 12 : 1 + g % 6;
    size_t n = 0, k;
    char *p;
    memset(x, 0, sizeof *x);
    sprintf(x->id, "Cn%019d", g);
    sprintf(x->created, "2025-01-02T03:04:%02d.%03dZ", g % 60, g % 1000);
    sprintf(x->updated, "2025-02-03T04:05:%02d.%03dZ", (g * 7) % 60, (g * 3) % 1000);
    x->has_external_id = g % 5 == 1 ? APCONN_NULL : g % 5 == 2 ? APCONN_ABSENT : APCONN_SET;
    if (x->has_external_id == APCONN_SET) sprintf(x->external_id, "ext_%d", g);
    sprintf(x->piece, "@activepieces/piece-%d", g % 13);
    sprintf(x->version, "0.%d.%d", g % 10, g % 7);
    sprintf(x->owner_id, "Ow%019d", g % 37);
    x->type = (apconn_connection_type)(1 + g % 8);
    x->status = (apconn_connection_status)(1 << (g % 3));
    x->pre_select = (unsigned char)(g % 2 == 0);
    x->secret_manager = (unsigned char)(g % 3 == 0);
    for (i = 0; i < N_PROJECTS; i++) make_id(x->projects[i], "Pj", i, g);
    for (i = 0; i < N_FLOWS; i++) make_id(x->flows[i], "Fl", i, g);
    sprintf(x->email, "user%d@example.com", g);
    sprintf(x->first, "J\xc3\xb6rg%d", g);
    strcpy(x->last, "O'Brien \xf0\x9f\x98\x80");
    x->o_status = g % 2 ? APCONN_USER_INACTIVE : APCONN_USER_ACTIVE;
    x->o_role = (apconn_platform_role)(1 + g % 3);
    x->o_has_ext = g % 2 ? APCONN_SET : APCONN_NULL;
    if (g % 2) sprintf(x->o_ext, "e%d", g);
    x->o_has_last_active = g % 4 ? APCONN_SET : APCONN_ABSENT;
    if (g % 4) sprintf(x->o_last_active, "2025-03-04T05:06:07.%03dZ", g % 1000);
    sprintf(x->o_image, "https://img.example/u%d.png", g);

    for (i = 0; i < reps; i++) sprintf(x->name + strlen(x->name), NAME_TEXT, g);
    /* metadata: exactly METADATA_LEN bytes of JSON text, escapes and all */
    k = (size_t)sprintf(x->metadata, "{\"team\":\"ops-%d\",\"note\":\"\\u00e9\\n\\\"q\\\"\",\"n\":[1,2.5,-3e2],\"pad\":\"", g);
    for (; k < METADATA_LEN - 2; k++) x->metadata[k] = (char)('a' + k % 26);
    strcpy(x->metadata + k, "\"}");
    if (!out) return 0;

    /* members */
    sprintf(members[m++], "\"id\":\"%s\"", x->id);
    sprintf(members[m++], "\"created\":\"%s\"", x->created);
    sprintf(members[m++], "\"updated\":\"%s\"", x->updated);
    if (x->has_external_id == APCONN_SET) sprintf(members[m++], "\"externalId\":\"%s\"", x->external_id);
    if (x->has_external_id == APCONN_NULL) sprintf(members[m++], "\"externalId\":null");
    p = members[m++];
    k = (size_t)sprintf(p, "\"displayName\":\"");
    for (i = 0; i < reps; i++) k += (size_t)sprintf(p + k, NAME_JSON, g);
    sprintf(p + k, "\"");
    sprintf(members[m++], "\"type\":\"%s\"", type_names[g % 8]);
    sprintf(members[m++], g % 2 ? "\"pieceName\":\"@activepieces\\/piece-%d\"" : "\"pieceName\":\"@activepieces/piece-%d\"",
            g % 13);
    put_ids(members[m++], "projectIds", x->projects, N_PROJECTS);
    sprintf(members[m++], "\"platformId\":\"Pl4tF0rmId000000000aa\"");
    sprintf(members[m++], "\"scope\":\"PLATFORM\"");
    sprintf(members[m++], "\"status\":\"%s\"", status_names[g % 3]);
    sprintf(members[m++], "\"ownerId\":\"%s\"", x->owner_id);
    p = members[m++];
    k = (size_t)sprintf(p, "\"owner\":{\"id\":\"%s\",\"email\":\"%s\",\"firstName\":\"J\\u00f6rg%d\","
                           "\"lastName\":\"O'Brien \\ud83d\\ude00\",\"status\":\"%s\",\"platformRole\":\"%s\",",
                        x->owner_id, x->email, g, g % 2 ? "INACTIVE" : "ACTIVE", role_names[g % 3]);
    k += (size_t)(g % 2 ? sprintf(p + k, "\"externalId\":\"%s\",", x->o_ext) : sprintf(p + k, "\"externalId\":null,"));
    if (g % 4) k += (size_t)sprintf(p + k, "\"lastActiveDate\":\"%s\",", x->o_last_active);
    sprintf(p + k, "\"platformId\":\"Pl4tF0rmId000000000aa\",\"imageUrl\":\"https:\\/\\/img.example\\/u%d.png\","
                   "\"created\":\"2024-06-01T00:00:00.000Z\",\"updated\":\"2024-06-02T00:00:00.000Z\"}", g);
    sprintf(members[m++], "\"metadata\":%s", x->metadata);
    put_ids(members[m++], "flowIds", x->flows, N_FLOWS);
    sprintf(members[m++], "\"pieceVersion\":\"%s\"", x->version);
    sprintf(members[m++], "\"preSelectForNewProjects\":%s", x->pre_select ? "true" : "false");
    sprintf(members[m++], "\"usingSecretManager\":%s", x->secret_manager ? "true" : "false");

    out[n++] = '{';
    for (i = 0; i < m; i++) {
        const char *s = members[g % 2 ? m - 1 - i : i];
        size_t l = strlen(s);
        if (i) out[n++] = ',';
        memcpy(out + n, s, l);
        n += l;
    }
    out[n++] = '}';
    out[n] = '\0';
    return n;
}

/* Tokens jsmn makes of valid JSON: one per value and per key. */
static size_t count_tokens(const char *s, size_t n) {
    size_t i, t = 0;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c == '{' || c == '[') t++;
        else if (c == '"') {
            t++;
            for (i++; i < n && s[i] != '"'; i++)
                if (s[i] == '\\') i++;
        } else if (c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n') {
            t++;
            while (i + 1 < n && s[i + 1] != ',' && s[i + 1] != '}' && s[i + 1] != ']' && s[i + 1] != ' ') i++;
        }
    }
    return t;
}

/* Cursor of page p: JSON text (with an escaped '/'), decoded, and as sent in
   a query. */
static void cursor_json(int p, char *out) { sprintf(out, "Y3Vyc29y\\/LTw-p%d==", p); }
static void cursor_text(int p, char *out) { sprintf(out, "Y3Vyc29y/LTw-p%d==", p); }
static void cursor_query(int p, char *out) { sprintf(out, "Y3Vyc29y%%2FLTw-p%d%%3D%%3D", p); }

static char body_buf[BODY_CAP];
static char item_buf[8192];
static expect ex;
static size_t max_item_len, max_item_tokens;

/* The body of page p (0-based): next before data on even pages, after on
   odd ones; previous the other way round. */
static size_t make_page(int p, char *out) {
    char c[64];
    size_t n = 0;
    int i;
    out[n++] = '{';
    if (p % 2 == 0) {
        if (p + 1 < PAGES) { cursor_json(p + 1, c); n += (size_t)sprintf(out + n, "\"next\":\"%s\",", c); }
        else n += (size_t)sprintf(out + n, "\"next\":null,");
    } else {
        cursor_json(p - 1, c);
        n += (size_t)sprintf(out + n, "\"previous\":\"%s\",", c);
    }
    n += (size_t)sprintf(out + n, "\"data\":[");
    for (i = 0; i < PER_PAGE; i++) {
        size_t l = make_item(p * PER_PAGE + i, &ex, item_buf);
        size_t t = count_tokens(item_buf, l);
        if (l > max_item_len) max_item_len = l;
        if (t > max_item_tokens) max_item_tokens = t;
        if (i) out[n++] = ',';
        memcpy(out + n, item_buf, l);
        n += l;
    }
    out[n++] = ']';
    if (p % 2 == 0) {
        if (p == 0) n += (size_t)sprintf(out + n, ",\"previous\":null");
        else { cursor_json(p - 1, c); n += (size_t)sprintf(out + n, ",\"previous\":\"%s\"", c); }
    } else {
        if (p + 1 < PAGES) { cursor_json(p + 1, c); n += (size_t)sprintf(out + n, ",\"next\":\"%s\"", c); }
        else n += (size_t)sprintf(out + n, ",\"next\":null");
    }
    out[n++] = '}';
    out[n] = '\0';
    return n;
}

/* Serves GET /api/v1/global-connections?[cursor=C&]limit=100 from the platform. */
static const char *serve_platform(const char *req, size_t len, size_t *out_len) {
    char want[256], q[64];
    int p, page_no = -1;
    size_t n;
    (void)len;
    if (memcmp(req, "GET /api/v1/global-connections?limit=100 HTTP/1.1\r\n", 51) == 0) page_no = 0;
    for (p = 1; p < PAGES && page_no < 0; p++) {
        cursor_query(p, q);
        n = (size_t)sprintf(want, "GET /api/v1/global-connections?cursor=%s&limit=100 HTTP/1.1\r\n", q);
        if (memcmp(req, want, n) == 0) page_no = p;
    }
    if (page_no < 0) {
        static const char bad[] = "{\"statusCode\":400,\"error\":\"Bad Request\",\"message\":\"unknown cursor\"}";
        return http_wrap("400 Bad Request", bad, sizeof bad - 1, F_LENGTH, out_len);
    }
    n = make_page(page_no, body_buf);
    return http_wrap("200 OK", body_buf, n, fk.framing, out_len);
}

/* ===== comparing ============================================================= */
static int mismatches;
#define MAX_REPORTED 12

static void mismatch(int g, const char *what, const char *got, const char *want) {
    if (mismatches++ < MAX_REPORTED)
        printf("  FAIL %s: item %d: %s is \"%s\", want \"%s\"\n", harness_current, g, what, got ? got : "(null)",
               want ? want : "(null)");
    harness_current_failed = 1;
}
static int in_work(const char *p) {
    return p >= (const char *)work && p < (const char *)work + WORK_SIZE &&
           memchr(p, '\0', (size_t)((const char *)work + WORK_SIZE - p)) != NULL;
}
static void same(int g, const char *what, const char *got, const char *want) {
    if (got && !in_work(got)) { mismatch(g, what, "(view outside the work buffer)", want); return; }
    if ((got == NULL) != (want == NULL) || (got && strcmp(got, want) != 0)) mismatch(g, what, got, want);
}
static void same_int(int g, const char *what, long got, long want) {
    char a[32], b[32];
    if (got == want) return;
    sprintf(a, "%ld", got);
    sprintf(b, "%ld", want);
    mismatch(g, what, a, b);
}
static void same_ids(int g, const char *what, const apconn_ids *ids, char (*want)[24], size_t n) {
    const char *id = ids->first;
    size_t i;
    same_int(g, what, (long)ids->count, (long)n);
    for (i = 0; i < n && id; i++, id = apconn_ids_next(ids, id)) same(g, what, id, want[i]);
    if (i != n || id != NULL) mismatch(g, what, "(walk length differs)", "");
}

/* Every field of connection g. */
static void check_item(int g, const apconn_connection *c) {
    const apconn_owner *o = &c->owner;
    make_item(g, &ex, NULL);
    same(g, "id", c->id, ex.id);
    same(g, "created", c->created, ex.created);
    same_int(g, "has_created", c->has_created, APCONN_SET);
    same(g, "updated", c->updated, ex.updated);
    same_int(g, "has_updated", c->has_updated, APCONN_SET);
    same(g, "externalId", c->external_id, ex.has_external_id == APCONN_SET ? ex.external_id : NULL);
    same_int(g, "has_external_id", c->has_external_id, ex.has_external_id);
    same(g, "displayName", c->display_name, ex.name);
    same_int(g, "has_display_name", c->has_display_name, APCONN_SET);
    same(g, "pieceName", c->piece_name, ex.piece);
    same_int(g, "has_piece_name", c->has_piece_name, APCONN_SET);
    same(g, "pieceVersion", c->piece_version, ex.version);
    same_int(g, "has_piece_version", c->has_piece_version, APCONN_SET);
    same(g, "platformId", c->platform_id, "Pl4tF0rmId000000000aa");
    same_int(g, "has_platform_id", c->has_platform_id, APCONN_SET);
    same(g, "ownerId", c->owner_id, ex.owner_id);
    same_int(g, "has_owner_id", c->has_owner_id, APCONN_SET);
    same(g, "metadata", c->metadata, ex.metadata);
    same_int(g, "has_metadata", c->has_metadata, APCONN_SET);
    same_int(g, "type", c->type, ex.type);
    same_int(g, "has_type", c->has_type, APCONN_SET);
    same_int(g, "scope", c->scope, APCONN_SCOPE_PLATFORM);
    same_int(g, "has_scope", c->has_scope, APCONN_SET);
    same_int(g, "status", c->status, ex.status);
    same_int(g, "has_status", c->has_status, APCONN_SET);
    same_int(g, "preSelectForNewProjects", c->pre_select_for_new_projects, ex.pre_select);
    same_int(g, "has_pre_select", c->has_pre_select_for_new_projects, APCONN_SET);
    same_int(g, "usingSecretManager", c->using_secret_manager, ex.secret_manager);
    same_int(g, "has_using_secret_manager", c->has_using_secret_manager, APCONN_SET);
    same_int(g, "has_project_ids", c->has_project_ids, APCONN_SET);
    same_ids(g, "projectIds", &c->project_ids, ex.projects, N_PROJECTS);
    same_int(g, "has_flow_ids", c->has_flow_ids, APCONN_SET);
    same_ids(g, "flowIds", &c->flow_ids, ex.flows, N_FLOWS);
    same_int(g, "has_owner", c->has_owner, APCONN_SET);
    same(g, "owner.id", o->id, ex.owner_id);
    same(g, "owner.email", o->email, ex.email);
    same_int(g, "owner.has_email", o->has_email, APCONN_SET);
    same(g, "owner.firstName", o->first_name, ex.first);
    same_int(g, "owner.has_first_name", o->has_first_name, APCONN_SET);
    same(g, "owner.lastName", o->last_name, ex.last);
    same_int(g, "owner.has_last_name", o->has_last_name, APCONN_SET);
    same_int(g, "owner.status", o->status, ex.o_status);
    same_int(g, "owner.has_status", o->has_status, APCONN_SET);
    same_int(g, "owner.platformRole", o->platform_role, ex.o_role);
    same_int(g, "owner.has_platform_role", o->has_platform_role, APCONN_SET);
    same(g, "owner.externalId", o->external_id, ex.o_has_ext == APCONN_SET ? ex.o_ext : NULL);
    same_int(g, "owner.has_external_id", o->has_external_id, ex.o_has_ext);
    same(g, "owner.lastActiveDate", o->last_active_date, ex.o_has_last_active == APCONN_SET ? ex.o_last_active : NULL);
    same_int(g, "owner.has_last_active_date", o->has_last_active_date, ex.o_has_last_active);
    same(g, "owner.platformId", o->platform_id, "Pl4tF0rmId000000000aa");
    same_int(g, "owner.has_platform_id", o->has_platform_id, APCONN_SET);
    same(g, "owner.imageUrl", o->image_url, ex.o_image);
    same_int(g, "owner.has_image_url", o->has_image_url, APCONN_SET);
    same(g, "owner.created", o->created, "2024-06-01T00:00:00.000Z");
    same_int(g, "owner.has_created", o->has_created, APCONN_SET);
    same(g, "owner.updated", o->updated, "2024-06-02T00:00:00.000Z");
    same_int(g, "owner.has_updated", o->has_updated, APCONN_SET);
}

static int mem_has(const void *hay, size_t n, const char *needle) {
    size_t k = strlen(needle), i;
    const unsigned char *h = (const unsigned char *)hay;
    for (i = 0; i + k <= n; i++)
        if (memcmp(h + i, needle, k) == 0) return 1;
    return 0;
}
/* Neither the key (nor a piece of it) nor `secret` is in the work buffer. */
static int secret_leaks;
static void check_no_secret(const char *secret) {
    if (mem_has(work, sizeof work, KEY) || mem_has(work, sizeof work, "Bearer ") ||
        mem_has(work, sizeof work, "Str3amKeyAbCdEf") || (secret && mem_has(work, sizeof work, secret))) {
        if (secret_leaks++ < 3) printf("  FAIL %s: key or secret in the work buffer\n", harness_current);
        harness_current_failed = 1;
    }
}

/* ===== 1,000 connections in 10 pages of 100 ================================= */
static void read_the_platform(int delivery, int framing) {
    apconn_list_request q;
    apconn_status st;
    int p, i, g = 0;
    char want_next[64], want_line[256], qc[64];
    const char *cursor = NULL;
    fake_init(delivery, framing, serve_platform);
    fk.max_split = 97; /* random splits of 1..97 bytes */
    mismatches = 0;
    secret_leaks = 0;
    for (p = 0; p < PAGES; p++) {
        memset(&q, 0, sizeof q);
        q.limit = PER_PAGE;
        q.cursor = cursor; /* page.next of the page before, as it is */
        st = apconn_connection_list(&client, &q, &page, &err);
        CHECK_EQ(st, APCONN_OK);
        if (st != APCONN_OK) { printf("  page %d: %s\n", p, apconn_strerror(st)); return; }
        check_no_secret(NULL);
        CHECK_EQ(page.count, 0);
        for (i = 0; (st = apconn_page_next(&page, &conn, &err)) == APCONN_OK; i++, g++) {
            if (p == 0 && i == 0 && fk.qn > 0)
                CHECK(fk.q[0].pos < fk.q[0].len / 4); /* the first item came before the rest of the body */
            check_item(g, &conn);
            check_no_secret(NULL);
            if (mismatches > MAX_REPORTED) return;
        }
        CHECK_EQ(st, APCONN_END);
        if (st != APCONN_END) { printf("  page %d item %d: %s (field %s)\n", p, i, apconn_strerror(st), err.field); return; }
        CHECK_EQ(i, PER_PAGE);
        CHECK_EQ(page.count, PER_PAGE);
        /* both cursors, wherever they were in the body */
        if (p + 1 < PAGES) {
            cursor_text(p + 1, want_next);
            CHECK_STR(page.next, want_next);
            CHECK_EQ(page.has_next, APCONN_SET);
        } else {
            CHECK(page.next == NULL);
            CHECK_EQ(page.has_next, APCONN_NULL);
        }
        if (p > 0) {
            cursor_text(p - 1, want_next);
            CHECK_STR(page.previous, want_next);
            CHECK_EQ(page.has_previous, APCONN_SET);
        } else {
            CHECK(page.previous == NULL);
            CHECK_EQ(page.has_previous, APCONN_NULL);
        }
        CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END); /* END repeats */
        cursor = page.next;
    }
    CHECK_EQ(g, PAGES * PER_PAGE);
    /* the request lines the server saw: each cursor went out as it came in */
    CHECK_EQ(fk.nlines, PAGES);
    CHECK_STR(fk.lines[0], "GET /api/v1/global-connections?limit=100 HTTP/1.1");
    for (p = 1; p < PAGES && p < fk.nlines; p++) {
        cursor_query(p, qc);
        sprintf(want_line, "GET /api/v1/global-connections?cursor=%s&limit=100 HTTP/1.1", qc);
        CHECK_STR(fk.lines[p], want_line);
    }
    CHECK_EQ(fk.connects, PROFILE_IDLE_CLOSES ? PAGES : 1); /* every page read to its end: the connection is reused */
    CHECK_EQ(fk.unread_at_request, 0);
    CHECK(max_item_len > 2500 && max_item_len < 3600); /* items fill most of the 4 KB window */
    CHECK(max_item_tokens > 130 && max_item_tokens <= NTOKENS);
}

static void ten_pages_of_100_stream_with_content_length_read_whole(void) { read_the_platform(D_WHOLE, F_LENGTH); }
static void ten_pages_of_100_stream_with_content_length_one_byte_at_a_time(void) { read_the_platform(D_BYTES, F_LENGTH); }
static void ten_pages_of_100_stream_with_content_length_in_random_splits(void) { read_the_platform(D_RANDOM, F_LENGTH); }
static void ten_pages_of_100_stream_chunked_read_whole(void) { read_the_platform(D_WHOLE, F_CHUNKED); }
static void ten_pages_of_100_stream_chunked_one_byte_at_a_time(void) { read_the_platform(D_BYTES, F_CHUNKED); }
static void ten_pages_of_100_stream_chunked_in_random_splits(void) { read_the_platform(D_RANDOM, F_CHUNKED); }

/* The same bodies from memory through the same 4 KB window. */
static void ten_pages_of_100_parse_from_memory_through_the_same_window(void) {
    int p, i, g = 0;
    apconn_status st;
    char want[64];
    mismatches = 0;
    for (p = 0; p < PAGES; p++) {
        size_t n = make_page(p, body_buf);
        memset(work, 0xAA, sizeof work);
        CHECK_EQ(apconn_parse_page(body_buf, n, work, sizeof work, tokens, NTOKENS, &page, &err), APCONN_OK);
        for (i = 0; (st = apconn_page_next(&page, &conn, &err)) == APCONN_OK; i++) check_item(g++, &conn);
        CHECK_EQ(st, APCONN_END);
        CHECK_EQ(i, PER_PAGE);
        if (p + 1 < PAGES) { cursor_text(p + 1, want); CHECK_STR(page.next, want); }
        if (p > 0) { cursor_text(p - 1, want); CHECK_STR(page.previous, want); }
        if (mismatches > MAX_REPORTED) return;
    }
    CHECK_EQ(g, PAGES * PER_PAGE);
}

/* ===== canned responses ===================================================== */
static const char *canned[8];
static size_t canned_len[8];
static int canned_n, canned_i;
static const char *serve_canned(const char *req, size_t len, size_t *out_len) {
    (void)req; (void)len;
    if (canned_i >= canned_n) return NULL;
    *out_len = canned_len[canned_i];
    return canned[canned_i++];
}
static void can(const char *status, const char *body, size_t body_len, int framing) {
    size_t n;
    const char *r = http_wrap(status, body, body_len, framing, &n);
    canned[canned_n] = r;
    canned_len[canned_n++] = n;
}
static void fake_canned(int delivery) {
    fake_init(delivery, F_LENGTH, serve_canned);
    fk.max_split = 13;
    canned_n = canned_i = 0;
}
static apconn_status list_first(void) {
    apconn_list_request q;
    memset(&q, 0, sizeof q);
    return apconn_connection_list(&client, &q, &page, &err);
}

/* ===== items too large for the window or the token array ==================== */
static char big_body[64 * 1024];

/* data: 3 small items, one with 500 projectIds (~12 KB), 3 small ones. */
static size_t big_item_page(char *out, size_t *item_off, size_t *item_len) {
    size_t n = 0;
    int i;
    n += (size_t)sprintf(out + n, "{\"next\":\"bmV4dA==\",\"data\":[");
    for (i = 0; i < 3; i++) n += (size_t)sprintf(out + n, "{\"id\":\"s%d\",\"displayName\":\"small %d\"},", i, i);
    *item_off = n;
    n += (size_t)sprintf(out + n, "{\"id\":\"big\",\"displayName\":\"big one\",\"projectIds\":[");
    for (i = 0; i < 500; i++) n += (size_t)sprintf(out + n, "%s\"Kp3Wn8ZrQa1Lm5Tx7V%03d\"", i ? "," : "", i);
    n += (size_t)sprintf(out + n, "]}");
    *item_len = n - *item_off;
    for (i = 3; i < 6; i++) n += (size_t)sprintf(out + n, ",{\"id\":\"s%d\",\"displayName\":\"small %d\"}", i, i);
    n += (size_t)sprintf(out + n, "],\"previous\":null}");
    return n;
}

static void expect_small_items_around_a_reported_one(apconn_status want, size_t *needed) {
    int i;
    char id[16];
    for (i = 0; i < 7; i++) {
        apconn_status st = apconn_page_next(&page, &conn, &err);
        if (i == 3) {
            CHECK_EQ(st, want);
            CHECK_STR(err.field, "data[3]");
            *needed = err.needed;
            CHECK(conn.id == NULL);
        } else {
            CHECK_EQ(st, APCONN_OK);
            sprintf(id, "s%d", i < 3 ? i : i - 1);
            CHECK_STR(conn.id, id);
        }
        CHECK_EQ(page.count, (size_t)i + 1);
    }
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    CHECK_STR(page.next, "bmV4dA==");
    CHECK_EQ(page.has_previous, APCONN_NULL);
}

static void item_larger_than_the_window_is_reported_and_skipped(void) {
    size_t off, len, needed = 0, needed_mem = 0;
    size_t n = big_item_page(big_body, &off, &len);
    int d;
    static unsigned char exact[16 * 1024];
    for (d = D_WHOLE; d <= D_RANDOM; d++) {
        fake_canned(d);
        can("200 OK", big_body, n, d == D_BYTES ? F_CHUNKED : F_LENGTH);
        CHECK_EQ(list_first(), APCONN_OK);
        expect_small_items_around_a_reported_one(APCONN_ERR_ITEM_TOO_LARGE, &needed);
        CHECK(needed >= len && needed < len + 2048); /* the item, plus what the window keeps */
        check_no_secret(NULL);
    }
    /* from memory: the same report; a window of exactly `needed` bytes reads the item */
    CHECK_EQ(apconn_parse_page(big_body, n, work, sizeof work, big_tokens, 1024, &page, &err), APCONN_OK);
    expect_small_items_around_a_reported_one(APCONN_ERR_ITEM_TOO_LARGE, &needed_mem);
    CHECK(needed_mem >= len && needed_mem < len + 2048);
    CHECK(needed_mem <= sizeof exact);
    if (needed_mem > sizeof exact) return;
    CHECK_EQ(apconn_parse_page(big_body, n, exact, needed_mem, big_tokens, 1024, &page, &err), APCONN_OK);
    for (d = 0; d < 3; d++) CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, "big");
    CHECK_EQ(conn.project_ids.count, 500);
}

static void item_with_more_tokens_than_the_array_is_reported_and_skipped(void) {
    size_t n = 0, needed = 0;
    int i, d;
    n += (size_t)sprintf(big_body + n, "{\"next\":\"bmV4dA==\",\"data\":[");
    for (i = 0; i < 3; i++) n += (size_t)sprintf(big_body + n, "{\"id\":\"s%d\",\"displayName\":\"small %d\"},", i, i);
    n += (size_t)sprintf(big_body + n, "{\"id\":\"many\",\"flowIds\":[");
    for (i = 0; i < 200; i++) n += (size_t)sprintf(big_body + n, "%s\"f%d\"", i ? "," : "", i);
    n += (size_t)sprintf(big_body + n, "]}");
    for (i = 3; i < 6; i++) n += (size_t)sprintf(big_body + n, ",{\"id\":\"s%d\",\"displayName\":\"small %d\"}", i, i);
    n += (size_t)sprintf(big_body + n, "],\"previous\":null}");
    for (d = D_WHOLE; d <= D_RANDOM; d++) {
        fake_canned(d);
        can("200 OK", big_body, n, F_LENGTH);
        CHECK_EQ(list_first(), APCONN_OK);
        expect_small_items_around_a_reported_one(APCONN_ERR_JSON_TOKENS, &needed);
        CHECK_EQ(needed, 1 + 2 + 2 + 200); /* the object, "id" and its value, "flowIds", the array, 200 ids */
    }
    CHECK_EQ(apconn_parse_page(big_body, n, work, sizeof work, tokens, NTOKENS, &page, &err), APCONN_OK);
    expect_small_items_around_a_reported_one(APCONN_ERR_JSON_TOKENS, &needed);
    CHECK_EQ(needed, 205);
}

/* ===== next / previous around data ========================================== */
static void cursors_before_after_and_around_data(void) {
    static const char *const bodies[] = {
        "{\"next\":\"Tg==\",\"previous\":\"UA==\",\"data\":[{\"id\":\"a\"},{\"id\":\"b\"}]}",
        "{\"data\":[{\"id\":\"a\"},{\"id\":\"b\"}],\"next\":\"Tg==\",\"previous\":\"UA==\"}",
        "{\"previous\":\"UA==\",\"data\":[{\"id\":\"a\"},{\"id\":\"b\"}],\"next\":\"Tg==\"}",
        ("{\"next\":\"Tg==\",\"x\":{\"next\":\"no\"},\"data\":[{\"id\":\"a\",\"next\":\"no\"},{\"id\":\"b\"}],"
         "\"y\":[\"previous\"],\"previous\":\"UA==\"}"),
    };
    size_t b;
    int d;
    for (b = 0; b < sizeof bodies / sizeof bodies[0]; b++)
        for (d = D_WHOLE; d <= D_RANDOM; d++) {
            fake_canned(d);
            can("200 OK", bodies[b], strlen(bodies[b]), d == D_RANDOM ? F_CHUNKED : F_LENGTH);
            CHECK_EQ(list_first(), APCONN_OK);
            CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
            CHECK_STR(conn.id, "a");
            CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
            CHECK_STR(conn.id, "b");
            CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
            CHECK_STR(page.next, "Tg==");
            CHECK_EQ(page.has_next, APCONN_SET);
            CHECK_STR(page.previous, "UA==");
            CHECK_EQ(page.has_previous, APCONN_SET);
            check_no_secret(NULL);
        }
}

/* A cursor cannot be skipped like an item (the next call needs it): one
   longer than the window ends the page, naming its key. */
static void cursor_longer_than_the_window_ends_the_page(void) {
    size_t n = 0;
    int d, i;
    n += (size_t)sprintf(big_body + n, "{\"data\":[{\"id\":\"a\"}],\"next\":\"");
    for (i = 0; i < WORK_SIZE; i++) big_body[n++] = (char)('A' + i % 26);
    n += (size_t)sprintf(big_body + n, "\",\"previous\":null}");
    for (d = D_WHOLE; d <= D_RANDOM; d++) {
        fake_canned(d);
        can("200 OK", big_body, n, F_LENGTH);
        CHECK_EQ(list_first(), APCONN_OK);
        CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
        CHECK_STR(conn.id, "a");
        CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_ITEM_TOO_LARGE);
        CHECK_STR(err.field, "next");
        CHECK(apconn_page_done(&page));
        CHECK(page.next == NULL);
        CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_ITEM_TOO_LARGE);
        check_no_secret(NULL);
    }
}

/* A page parsed from memory through the first work_size bytes of work. */
static apconn_status open_page(const char *body, size_t work_size) {
    memset(work, 0xAA, sizeof work);
    return apconn_parse_page(body, strlen(body), work, work_size, tokens, NTOKENS, &page, &err);
}
/* A cursor becomes a C string view: an escaped NUL would cut it short. */
static void cursor_with_an_escaped_nul_is_refused_and_stays_refused(void) {
    CHECK_EQ(open_page("{\"data\":[],\"next\":\"ab\\u0000c\"}", sizeof work), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_NUL);
    CHECK_STR(err.field, "next");
    CHECK_EQ(err.offset, 28); /* where the cursor string ends */
    CHECK_EQ(page.has_next, APCONN_ABSENT);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_NUL);
    CHECK_STR(err.field, "next");
}
/* Kept cursors may leave the window a single byte: the items behind them are
   then each reported as too large (with the room they need) and skipped,
   and the page still ends with both cursors. */
static void cursors_that_leave_one_byte_of_window_still_end_the_page(void) {
    char body[200];
    size_t n;
    const char *next = "NNNNNNNNNNNNNNNNNNNN", *prev = "PPPPPPPPPPPPP"; /* 20 and 13 bytes */
    sprintf(body, "{\"next\":\"%s\",\"previous\":\"%s\",\"data\":[{\"id\":\"A\"}]}", next, prev);
    /* the window: 21 + 14 kept bytes, and one more */
    n = 21 + 14 + 2;
    CHECK_EQ(open_page(body, n), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_ITEM_TOO_LARGE);
    CHECK_STR(err.field, "data[0]");
    CHECK_EQ(err.needed, 21 + 14 + 10 + 1);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    CHECK_STR(page.next, next);
    CHECK_STR(page.previous, prev);
    CHECK_EQ(page.count, 1);
    /* one byte less: the previous cursor itself does not fit */
    CHECK_EQ(open_page(body, n - 1), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_ITEM_TOO_LARGE);
    CHECK_STR(err.field, "previous");
}

/* A cursor kept from before data survives many windows of items after it. */
static void cursor_before_data_survives_the_whole_page(void) {
    size_t n = make_page(2, body_buf); /* page 2 has next before data */
    char want[64];
    cursor_text(3, want);
    CHECK_EQ(apconn_parse_page(body_buf, n, work, sizeof work, tokens, NTOKENS, &page, &err), APCONN_OK);
    while (apconn_page_next(&page, &conn, &err) == APCONN_OK) {}
    CHECK_EQ(err.status == APCONN_OK || err.status == APCONN_END, 1);
    CHECK_STR(page.next, want);
}

/* ===== abandoning a page ===================================================== */
static void abandoned_page_never_feeds_the_next_call(void) {
    apconn_list_request q;
    apconn_page old;
    int i, d;
    char qc[64], want_line[256];
    for (d = D_WHOLE; d <= D_RANDOM; d++) {
        fake_init(d, d == D_BYTES ? F_CHUNKED : F_LENGTH, serve_platform);
        memset(&q, 0, sizeof q);
        q.limit = PER_PAGE;
        CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
        for (i = 0; i < 10; i++) {
            CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
            check_item(i, &conn);
        }
        old = page;
        /* the next call, with page 0's rest (~270 KB) never read */
        cursor_text(1, qc);
        q.cursor = qc;
        CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
        CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
        check_item(PER_PAGE, &conn);
        CHECK_EQ(fk.unread_at_request, 0);    /* no request went out with old bytes pending */
        CHECK(fk.closes >= 1 || fk.connects == 1); /* closed, or drained on the same connection */
        if (fk.closes >= 1) CHECK_EQ(fk.connects, 2);
        cursor_query(1, qc);
        sprintf(want_line, "GET /api/v1/global-connections?cursor=%s&limit=100 HTTP/1.1", qc);
        CHECK_STR(fk.lines[1], want_line);
        CHECK_EQ(apconn_page_next(&old, &conn, &err), APCONN_ERR_PAGE_STALE);
        CHECK_EQ(apconn_page_next(&old, &conn, &err), APCONN_ERR_PAGE_STALE);
        /* the new page reads on to its end */
        for (i = 1; apconn_page_next(&page, &conn, &err) == APCONN_OK; i++) check_item(PER_PAGE + i, &conn);
        CHECK_EQ(i, PER_PAGE);
        check_no_secret(NULL);
    }
}

/* A delete in the middle of a page: the delete works, the page is stale. */
static void delete_in_the_middle_of_a_page_works(void) {
    apconn_list_request q;
    fake_canned(D_RANDOM);
    {
        size_t n = make_page(0, body_buf);
        can("200 OK", body_buf, n, F_CHUNKED);
    }
    canned[canned_n] = "HTTP/1.1 204 No Content\r\n\r\n";
    canned_len[canned_n++] = strlen("HTTP/1.1 204 No Content\r\n\r\n");
    memset(&q, 0, sizeof q);
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_EQ(apconn_connection_delete(&client, "AbCdEfGhIjKlMnOpQrStU", &err), APCONN_OK);
    CHECK_EQ(fk.unread_at_request, 0);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_PAGE_STALE);
    check_no_secret(NULL);
}

/* ===== malformed bodies ====================================================== */
/* Reads `body` through the client (every delivery mode) and from memory; the
   page must give `ok` items, then end with `want` (field, and for syntax
   errors the offset the whole-body validator gives), repeatedly. */
static void expect_page(const char *body, int ok, apconn_status want, const char *field) {
    size_t len = strlen(body), off = 0;
    int d, i;
    if (want == APCONN_ERR_JSON_SYNTAX) CHECK(apconn_json_validate_at(body, len, &off) != APCONN_OK);
    for (d = D_WHOLE - 1; d <= D_RANDOM; d++) {
        apconn_status st;
        if (d < D_WHOLE) {
            CHECK_EQ(apconn_parse_page(body, len, work, sizeof work, tokens, NTOKENS, &page, &err), APCONN_OK);
        } else {
            fake_canned(d);
            can("200 OK", body, len, d == D_RANDOM ? F_CHUNKED : F_LENGTH);
            CHECK_EQ(list_first(), APCONN_OK);
        }
        for (i = 0; (st = apconn_page_next(&page, &conn, &err)) == APCONN_OK; i++) {}
        CHECK_EQ(i, ok);
        CHECK_EQ(st, want);
        CHECK_EQ(err.status, want);
        if (field) CHECK_STR(err.field, field);
        if (want == APCONN_ERR_JSON_SYNTAX) CHECK_EQ(err.offset, off);
        CHECK_EQ(apconn_page_next(&page, &conn, &err), want); /* the end repeats */
        if (want == APCONN_ERR_JSON_SYNTAX) CHECK_EQ(err.offset, off);
        CHECK(conn.id == NULL);
    }
}

static void syntax_error_inside_an_item_ends_the_page_at_its_offset(void) {
    expect_page("{\"data\":[{\"id\":\"a\"},{\"id\":\"b\",,\"x\":1},{\"id\":\"c\"}],\"next\":null}", 1,
                APCONN_ERR_JSON_SYNTAX, NULL);
    expect_page("{\"data\":[{\"id\":\"a\"},{\"id\":\"b\",\"x\":tru}],\"next\":null}", 1, APCONN_ERR_JSON_SYNTAX, NULL);
    expect_page("{\"data\":[{\"id\":\"a\\x\"}]}", 0, APCONN_ERR_JSON_ESCAPE, NULL);
    expect_page("{\"data\":[{\"id\":\"a\"},{\"id\":\"b\xc0\xaf\"}]}", 1, APCONN_ERR_JSON_UTF8, NULL);
}
static void syntax_error_between_items_ends_the_page_at_its_offset(void) {
    expect_page("{\"data\":[{\"id\":\"a\"} {\"id\":\"b\"}]}", 1, APCONN_ERR_JSON_SYNTAX, NULL);
    expect_page("{\"data\":[{\"id\":\"a\"},]}", 1, APCONN_ERR_JSON_SYNTAX, NULL);
    expect_page("{\"data\":[{\"id\":\"a\"}],\"next\":nul}", 1, APCONN_ERR_JSON_SYNTAX, NULL);
    expect_page("{\"data\":[{\"id\":\"a\"}]}x", 1, APCONN_ERR_JSON_SYNTAX, NULL);
    expect_page("{\"data\":[{\"id\":\"a\"}]", 1, APCONN_ERR_JSON_SYNTAX, NULL); /* valid framing, JSON cut */
}

/* err is optional: the status alone is returned, and returned again. */
static void malformed_page_without_err_returns_the_status_and_repeats_it(void) {
    CHECK_EQ(open_page("{\"data\":[{\"id\":\"A\"} x]}", sizeof work), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, NULL), APCONN_OK); /* the item before the fault */
    CHECK_STR(conn.id, "A");
    CHECK_EQ(apconn_page_next(&page, &conn, NULL), APCONN_ERR_JSON_SYNTAX);
    CHECK_EQ(apconn_page_next(&page, &conn, NULL), APCONN_ERR_JSON_SYNTAX);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_SYNTAX);
    CHECK_EQ(err.status, APCONN_ERR_JSON_SYNTAX);
    CHECK_EQ(err.offset, 20); /* the 'x' */
    CHECK(apconn_page_done(&page));
}
static void missing_or_wrong_data_ends_the_page(void) {
    expect_page("{\"next\":null,\"previous\":null}", 0, APCONN_ERR_JSON_MISSING, "data");
    expect_page("{\"data\":{\"id\":\"a\"},\"next\":null}", 0, APCONN_ERR_JSON_TYPE, "data");
    expect_page("{\"data\":\"[]\"}", 0, APCONN_ERR_JSON_TYPE, "data");
    expect_page("[{\"id\":\"a\"}]", 0, APCONN_ERR_JSON_TYPE, "");
}
static void item_that_is_not_an_object_is_reported_and_skipped(void) {
    size_t len;
    const char *body = "{\"data\":[{\"id\":\"a\"},7,null,{\"id\":\"c\"}],\"next\":null}";
    int d;
    len = strlen(body);
    for (d = D_WHOLE; d <= D_RANDOM; d++) {
        fake_canned(d);
        can("200 OK", body, len, F_LENGTH);
        CHECK_EQ(list_first(), APCONN_OK);
        CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
        CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_TYPE);
        CHECK_STR(err.field, "data[1]");
        CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_TYPE);
        CHECK_STR(err.field, "data[2]");
        CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
        CHECK_STR(conn.id, "c");
        CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
        CHECK_EQ(page.count, 4);
    }
}

static void item_that_is_not_an_object_is_skipped_without_err_too(void) {
    CHECK_EQ(open_page("{\"data\":[1,{\"id\":\"A\"}],\"next\":null}", sizeof work), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, NULL), APCONN_ERR_JSON_TYPE);
    CHECK_EQ(apconn_page_next(&page, &conn, NULL), APCONN_OK);
    CHECK_STR(conn.id, "A");
    CHECK_EQ(apconn_page_next(&page, &conn, NULL), APCONN_END);
    CHECK_EQ(page.count, 2);
    CHECK_EQ(page.has_next, APCONN_NULL);
}
static void duplicate_data_key_ends_the_page(void) {
    expect_page("{\"data\":[{\"id\":\"a\"}],\"data\":[{\"id\":\"b\"}]}", 1, APCONN_ERR_JSON_DUPLICATE, "data");
    expect_page("{\"next\":\"a\",\"data\":[],\"next\":\"b\"}", 0, APCONN_ERR_JSON_DUPLICATE, "next");
}

static void duplicate_data_key_without_err_returns_the_status(void) {
    CHECK_EQ(open_page("{\"data\":[],\"data\":[]}", sizeof work), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, NULL), APCONN_ERR_JSON_DUPLICATE);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_DUPLICATE);
    CHECK_STR(err.field, "data");
}

static void truncated_body_is_reported(void) {
    static const char body[] = "{\"data\":[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"}],\"next\":null}";
    int d, f;
    for (f = F_LENGTH; f <= F_CHUNKED; f++)
        for (d = D_WHOLE; d <= D_RANDOM; d++) {
            apconn_status st;
            int i;
            fake_canned(d);
            can("200 OK", body, sizeof body - 1, f);
            fk.cut_after = canned_len[0] - (f == F_LENGTH ? 20 : 25); /* inside item c, then EOF */
            fk.eof_after = 1;
            CHECK_EQ(list_first(), APCONN_OK);
            for (i = 0; (st = apconn_page_next(&page, &conn, &err)) == APCONN_OK; i++) {}
            CHECK_EQ(i, 2);
            CHECK_EQ(st, APCONN_ERR_HTTP_TRUNCATED);
            CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_HTTP_TRUNCATED);
            CHECK_EQ(client.apconn__connected, 0);
            check_no_secret(NULL);
        }
}

/* The call's deadline keeps running while the caller iterates. */
static void deadline_passing_while_iterating_ends_the_page(void) {
    apconn_list_request q;
    apconn_status st;
    int i;
    fake_init(D_WHOLE, F_LENGTH, serve_platform);
    client.timeout_ms = 5000;
    memset(&q, 0, sizeof q);
    q.limit = PER_PAGE;
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    fk.clock += 6000; /* the caller was slow */
    for (i = 0; (st = apconn_page_next(&page, &conn, &err)) == APCONN_OK && i < PER_PAGE; i++) {}
    CHECK(i <= 2); /* at most what was already in the window */
    CHECK_EQ(st, APCONN_ERR_TIMEOUT);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_TIMEOUT);
    /* a server that goes silent mid-body: the wait ends at the deadline */
    fake_init(D_RANDOM, F_CHUNKED, serve_platform);
    client.timeout_ms = 5000;
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    fk.cut_after = 50000; /* then silence, no EOF */
    for (i = 0; (st = apconn_page_next(&page, &conn, &err)) == APCONN_OK && i < PER_PAGE; i++) {}
    CHECK(i > 5 && i < 20);
    CHECK_EQ(st, APCONN_ERR_TIMEOUT);
    CHECK((uint32_t)(fk.clock - 0xFFFFF000u) <= 5000u);
}

/* ===== upsert response larger than the window ================================= */
#define SECRET "xoxb-Str3amSECRET-4711"
static void upsert_response_larger_than_the_window_reports_the_size_needed(void) {
    apconn_upsert_request r;
    const char *projects[] = {"Kp3Wn8ZrQa1Lm5Tx7Vb2C"};
    size_t n = 0, body_start;
    int i;
    memset(&r, 0, sizeof r);
    r.display_name = "Acme Slack";
    r.piece_name = "@activepieces/piece-slack";
    r.type = APCONN_TYPE_SECRET_TEXT;
    r.value.secret_text = SECRET;
    r.project_ids = projects;
    r.project_id_count = 1;
    r.external_id = "acme_slack";
    body_start = n;
    n += (size_t)sprintf(big_body + n, "{\"id\":\"AbCdEfGhIjKlMnOpQrStU\",\"displayName\":\"Acme Slack\",\"projectIds\":[");
    for (i = 0; i < 300; i++) n += (size_t)sprintf(big_body + n, "%s\"Kp3Wn8ZrQa1Lm5Tx7V%03d\"", i ? "," : "", i);
    n += (size_t)sprintf(big_body + n, "]}");
    fake_canned(D_RANDOM);
    can("201 Created", big_body, n, F_LENGTH);
    can("201 Created", SPEC_ITEM, strlen(SPEC_ITEM), F_LENGTH);
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_ITEM_TOO_LARGE);
    CHECK_EQ(err.status, APCONN_ERR_ITEM_TOO_LARGE);
    CHECK_EQ(err.http_status, 201);
    CHECK(err.needed >= n - body_start && err.needed < n - body_start + 2048);
    CHECK(conn.id == NULL);
    check_no_secret(SECRET);
    /* the client is usable: the next upsert gets its own response */
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, "AbCdEfGhIjKlMnOpQrStU");
    CHECK_STR(conn.owner.email, "admin@acme.io");
    CHECK_EQ(fk.unread_at_request, 0);
    check_no_secret(SECRET);
    /* the upsert itself fits a response as large as its head allows */
    CHECK(in_work(conn.display_name));
}

/* upsert/update map into *out: nothing of an earlier result may remain
   (an absent field must read absent, not as the last call's dangling view). */
static void upsert_result_has_nothing_of_an_earlier_call(void) {
    static const char first[] = "{\"id\":\"AbCdEfGhIjKlMnOpQrStU\",\"externalId\":\"acme\",\"projectIds\":[\"p1\"],"
                                "\"owner\":{\"id\":\"o\"},\"metadata\":{}}";
    static const char second[] = "{\"id\":\"ZyXwVuTsRqPoNmLkJiHgF\"}";
    apconn_upsert_request r;
    memset(&r, 0, sizeof r);
    r.display_name = "Acme";
    r.piece_name = "@activepieces/piece-slack";
    r.type = APCONN_TYPE_NO_AUTH;
    fake_canned(D_WHOLE);
    can("201 Created", first, sizeof first - 1, F_LENGTH);
    can("201 Created", second, sizeof second - 1, F_LENGTH);
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_OK);
    CHECK_STR(conn.external_id, "acme");
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, "ZyXwVuTsRqPoNmLkJiHgF");
    CHECK_EQ(conn.has_external_id, APCONN_ABSENT);
    CHECK(conn.external_id == NULL);
    CHECK_EQ(conn.has_project_ids, APCONN_ABSENT);
    CHECK(conn.project_ids.first == NULL);
    CHECK_EQ(conn.project_ids.count, 0);
    CHECK_EQ(conn.has_owner, APCONN_ABSENT);
    CHECK(conn.owner.id == NULL);
    CHECK_EQ(conn.has_metadata, APCONN_ABSENT);
    CHECK(conn.metadata == NULL);
}

static void upsert_response_is_read_as_views_in_the_window(void) {
    apconn_upsert_request r;
    size_t n;
    memset(&r, 0, sizeof r);
    r.display_name = "Acme";
    r.piece_name = "@activepieces/piece-slack";
    r.type = APCONN_TYPE_SECRET_TEXT;
    r.value.secret_text = SECRET;
    n = make_item(7, &ex, item_buf); /* a long name, 50 projects, metadata */
    fake_canned(D_BYTES);
    can("201 Created", item_buf, n, F_CHUNKED);
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_OK);
    mismatches = 0;
    check_item(7, &conn);
    check_no_secret(SECRET);
}

/* apconn_page_done: 0 while items may follow (after an item and after an
   item's own error), 1 after APCONN_END, a page-level error, on a stale
   page, a zeroed one and the one a failed list call left. */
static void page_done_tells_the_end_from_a_skipped_item(void) {
    static const char body[] = "{\"data\":[{\"id\":\"a\"},7,{\"id\":\"c\"}],\"next\":null}";
    apconn_page zero;
    memset(&zero, 0, sizeof zero);
    CHECK(apconn_page_done(&zero));
    CHECK(apconn_page_done(NULL));
    fake_canned(D_RANDOM);
    can("200 OK", body, sizeof body - 1, F_CHUNKED);
    can("500 Internal Server Error", "{\"statusCode\":500,\"message\":\"boom\"}", 36, F_LENGTH);
    CHECK_EQ(list_first(), APCONN_OK);
    CHECK(!apconn_page_done(&page));
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK(!apconn_page_done(&page));
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_TYPE);
    CHECK(!apconn_page_done(&page));
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK(!apconn_page_done(&page));
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    CHECK(apconn_page_done(&page));
    CHECK_EQ(list_first(), APCONN_ERR_HTTP_STATUS); /* the same connection: the page was read to its end */
    CHECK_EQ(fk.connects, 1 + PROFILE_IDLE_CLOSES);
    CHECK(apconn_page_done(&page));
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    /* a page-level error */
    CHECK_EQ(apconn_parse_page("{\"data\":[{\"id\":\"a\"} 1]}", 22, work, sizeof work, tokens, NTOKENS, &page, &err),
             APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_SYNTAX);
    CHECK(apconn_page_done(&page));
    /* a stale page */
    fake_canned(D_WHOLE);
    can("200 OK", body, sizeof body - 1, F_LENGTH);
    CHECK_EQ(list_first(), APCONN_OK);
    apconn_client_close(&client);
    CHECK(apconn_page_done(&page));
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_PAGE_STALE);
}

int main(void) {
    RUN(ten_pages_of_100_stream_with_content_length_read_whole);
    RUN(ten_pages_of_100_stream_with_content_length_one_byte_at_a_time);
    RUN(ten_pages_of_100_stream_with_content_length_in_random_splits);
    RUN(ten_pages_of_100_stream_chunked_read_whole);
    RUN(ten_pages_of_100_stream_chunked_one_byte_at_a_time);
    RUN(ten_pages_of_100_stream_chunked_in_random_splits);
    RUN(ten_pages_of_100_parse_from_memory_through_the_same_window);
    RUN(item_larger_than_the_window_is_reported_and_skipped);
    RUN(item_with_more_tokens_than_the_array_is_reported_and_skipped);
    RUN(cursors_before_after_and_around_data);
    RUN(cursor_before_data_survives_the_whole_page);
    RUN(cursor_longer_than_the_window_ends_the_page);
    RUN(cursor_with_an_escaped_nul_is_refused_and_stays_refused);
    RUN(cursors_that_leave_one_byte_of_window_still_end_the_page);
    RUN(abandoned_page_never_feeds_the_next_call);
    RUN(delete_in_the_middle_of_a_page_works);
    RUN(syntax_error_inside_an_item_ends_the_page_at_its_offset);
    RUN(syntax_error_between_items_ends_the_page_at_its_offset);
    RUN(malformed_page_without_err_returns_the_status_and_repeats_it);
    RUN(missing_or_wrong_data_ends_the_page);
    RUN(item_that_is_not_an_object_is_reported_and_skipped);
    RUN(item_that_is_not_an_object_is_skipped_without_err_too);
    RUN(duplicate_data_key_ends_the_page);
    RUN(duplicate_data_key_without_err_returns_the_status);
    RUN(truncated_body_is_reported);
    RUN(page_done_tells_the_end_from_a_skipped_item);
    RUN(deadline_passing_while_iterating_ends_the_page);
    RUN(upsert_response_larger_than_the_window_reports_the_size_needed);
    RUN(upsert_result_has_nothing_of_an_earlier_call);
    RUN(upsert_response_is_read_as_views_in_the_window);
    return harness_summary("stream");
}
