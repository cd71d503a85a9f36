/* tests/unit/call_fixture.h - what the behaviour suites (HTTP framing,
   deadlines, keep-alive and retries, URL and loopback, secrets, transport,
   each API call) share on top of http_fixture.h: the result variables, one
   GET in the shapes the suites need, JSON responses with a correct
   Content-Length, the request a call must send, and an upsert that carries
   a secret. */
#ifndef CALL_FIXTURE_H
#define CALL_FIXTURE_H
#include "http_fixture.h"
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>

#define PATH "/v1/global-connections"
#define ID "AbCdEfGhIjKlMnOpQrStU"
#define P1 "Kp3Wn8ZrQa1Lm5Tx7Vb2C"
#define P2 "Zz3Wn8ZrQa1Lm5Tx7Vb2C"
#define SECRET "xoxb-TOPSECRET-4711"
#define JSON_HEAD "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
/* A whole connection as the server returns it, and the two-member one. */
#define CONN_JSON                                                                                           \
    "{\"id\":\"" ID "\",\"created\":\"2025-01-02T03:04:05.000Z\",\"updated\":\"2025-01-02T03:04:05.000Z\","   \
    "\"externalId\":\"acme_slack\",\"displayName\":\"Acme Slack\",\"type\":\"SECRET_TEXT\","                  \
    "\"pieceName\":\"@activepieces/piece-slack\",\"projectIds\":[\"" P1 "\"],\"scope\":\"PLATFORM\","          \
    "\"status\":\"ACTIVE\",\"pieceVersion\":\"0.9.1\",\"preSelectForNewProjects\":false,"                     \
    "\"usingSecretManager\":false}"
#define SHORT_CONN_JSON "{\"id\":\"" ID "\",\"displayName\":\"Acme\"}"
#define JSON_RESPONSE(status, body)                                                                         \
    "HTTP/1.1 " status "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %u\r\n\r\n" body
#define THREE_ITEMS "{\"data\":[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"}],\"next\":null}"

static apconn_response resp;
static apconn_error err;
static apconn_connection conn;
static apconn_page page;
static char scratch[WORK_SIZE * 3]; /* a response a test builds */
static char scratch2[WORK_SIZE];    /* a second one, when a script holds two */
static char response[8192];         /* json_response's */

/* How the scripted server ends after the response: silence, orderly EOF
   (recv 0), or a cut without close_notify (recv APCONN_ERR_CLOSED, as over TLS). */
enum { END_SILENT, END_EOF, END_CUT };

/* A GET of PATH on the client as it stands. */
static apconn_status get(void) { return apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err); }

/* One GET on a fresh client whose connection serves `text`, then ends as `end` says. */
static apconn_status get_with(const char *text, int end) {
    fixture();
    st_conn(&st);
    st_data(&st, text);
    if (end == END_EOF) st_eof(&st);
    if (end == END_CUT) st_cut(&st);
    return apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err);
}

/* One GET without retries whose only connection serves `data` (then silence). */
static apconn_status get_once(const char *data) {
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    st_data(&st, data);
    return get();
}

/* client_init reports like every other call: err is cleared, then holds the status. */
static apconn_status init_checked(const char *url, const char *key) {
    apconn_status s;
    memset(&err, 0x5A, sizeof err);
    s = apconn_client_init(&client, url, key, &st.t, work, sizeof work, tokens, TOKENS, &err);
    CHECK_EQ(err.status, s);
    CHECK_EQ(err.http_status, 0);
    CHECK_STR(err.message, "");
    return s;
}
static apconn_status init_url(const char *url, int secure) {
    st_init(&st, ST_WHOLE);
    st.t.secure = secure;
    return init_checked(url, KEY);
}

/* A JSON response with a correct Content-Length, written to out. */
static const char *json_response_in(char *out, size_t size, const char *status, const char *body) {
    snprintf(out, size, "HTTP/1.1 %s\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %u\r\n\r\n%s",
             status, (unsigned)strlen(body), body);
    return out;
}
/* The same in `response`. */
static const char *json_response(const char *status, const char *body) {
    return json_response_in(response, sizeof response, status, body);
}

/* A fresh client whose first connection serves `text`. */
static void serve(const char *text) {
    fixture();
    st_conn(&st);
    st_data(&st, text);
}

/* The whole request on connection 0, head and body. */
static void expect_request(const char *method, const char *target, const char *body) {
    static char want[8192], sent[8192];
    int n = snprintf(want, sizeof want,
                     "%s /api%s HTTP/1.1\r\nHost: ap.example.com\r\nAuthorization: Bearer " KEY "\r\n"
                     "Accept: application/json\r\nUser-Agent: apconn/" APCONN_VERSION_STRING "\r\n",
                     method, target);
    if (body)
        snprintf(want + n, sizeof want - (size_t)n,
                 "Content-Type: application/json\r\nContent-Length: %u\r\nConnection: keep-alive\r\n\r\n%s",
                 (unsigned)strlen(body), body);
    else
        snprintf(want + n, sizeof want - (size_t)n, "Connection: keep-alive\r\n\r\n");
    st_sent_on(&st, 0, sent, sizeof sent);
    CHECK_STR(sent, want);
}

static apconn_upsert_request base_upsert(apconn_connection_type type) {
    apconn_upsert_request r;
    memset(&r, 0, sizeof r);
    r.display_name = "Acme";
    r.piece_name = "@activepieces/piece-x";
    r.type = type;
    return r;
}

/* An upsert whose value is the secret SECRET. */
static apconn_upsert_request secret_upsert(void) {
    apconn_upsert_request r;
    memset(&r, 0, sizeof r);
    r.display_name = "Acme";
    r.piece_name = "@activepieces/piece-slack";
    r.type = APCONN_TYPE_SECRET_TEXT;
    r.value.secret_text = SECRET;
    return r;
}

/* Table-driven tests: a failed check names the loop's line; case_end adds
   which row of the table it was. */
static int case_begin(void) {
    int was = harness_current_failed;
    harness_current_failed = 0;
    return was;
}
static void case_end(int was, size_t row) {
    if (harness_current_failed) printf("    (row %u of the table)\n", (unsigned)row);
    harness_current_failed |= was;
}

static void call_fixture_unused(void) {
    (void)resp; (void)err; (void)conn; (void)page; (void)scratch; (void)scratch2; (void)response;
    (void)get; (void)get_with; (void)get_once; (void)init_url; (void)json_response; (void)serve;
    (void)expect_request; (void)base_upsert; (void)secret_upsert; (void)case_begin; (void)case_end;
    (void)call_fixture_unused;
    fixture_unused();
}
#endif
