/* The error contract of the public surface, table-driven:
     - every status has a class, and the class column of APCONN_STATUS_LIST
       is the mapping apconn.h documents at apconn_class;
     - every public call that takes `apconn_error *err` clears it first:
       garbage in err is gone on success (err all zero but what the call
       reports), and on failure err holds exactly the returned status and the
       details the call gives (the same bytes as a call with a zeroed err);
     - on failure the call's `out` is all zero. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "http_fixture.h"
#include <stdio.h>

#define ID "AbCdEfGhIjKlMnOpQrStU"
#define CONN_JSON "{\"id\":\"" ID "\",\"displayName\":\"Acme\",\"type\":\"SECRET_TEXT\",\"projectIds\":[]}"

static char response[2048];

/* A response with a correct Content-Length for `body`. */
static const char *json_response(const char *status, const char *body) {
    snprintf(response, sizeof response,
             "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %u\r\n\r\n%s", status,
             (unsigned)strlen(body), body);
    return response;
}

/* A fresh client whose one connection answers `text` (NULL: no connection,
   every connect fails). */
static void serve(const char *text) {
    split_mode = ST_WHOLE;
    fixture();
    if (!text) return;
    st_conn(&st);
    st_data(&st, text);
}

/* ----- status classes -------------------------------------------------------------- */
static int status_count(void) {
    int n = 0;
#define X(name, value, cls, text) n++;
    APCONN_STATUS_LIST(X)
#undef X
    return n;
}

/* Each status has the class its X-macro entry names, and a known one. */
static void every_status_has_a_class(void) {
#define X(name, value, cls, text)                                                            \
    CHECK_EQ(apconn_status_class(name), APCONN_CLASS_##cls);                                 \
    CHECK(apconn_status_class(name) != APCONN_CLASS_UNKNOWN);
    APCONN_STATUS_LIST(X)
#undef X
}

/* The mapping as apconn.h documents it at apconn_class, written out by hand:
   a status moved to another class (or added without one here) fails. */
static void the_classes_are_the_documented_mapping(void) {
    static const struct { apconn_status status; apconn_class cls; } documented[] = {
        {APCONN_OK, APCONN_CLASS_SUCCESS},
        {APCONN_END, APCONN_CLASS_SUCCESS},
        {APCONN_ERR_ARGUMENT, APCONN_CLASS_CALLER},
        {APCONN_ERR_UNSAFE_CHAR, APCONN_CLASS_CALLER},
        {APCONN_ERR_URL, APCONN_CLASS_CALLER},
        {APCONN_ERR_INSECURE, APCONN_CLASS_CALLER},
        {APCONN_ERR_REQUIRED, APCONN_CLASS_CALLER},
        {APCONN_ERR_BUFFER_FULL, APCONN_CLASS_CALLER},
        {APCONN_ERR_WRITER_STATE, APCONN_CLASS_CALLER},
        {APCONN_ERR_PAGE_STALE, APCONN_CLASS_CALLER},
        {APCONN_ERR_WOULD_BLOCK, APCONN_CLASS_TRANSPORT},
        {APCONN_ERR_TIMEOUT, APCONN_CLASS_TRANSPORT},
        {APCONN_ERR_DNS, APCONN_CLASS_TRANSPORT},
        {APCONN_ERR_CONNECT, APCONN_CLASS_TRANSPORT},
        {APCONN_ERR_SEND, APCONN_CLASS_TRANSPORT},
        {APCONN_ERR_RECV, APCONN_CLASS_TRANSPORT},
        {APCONN_ERR_CLOSED, APCONN_CLASS_TRANSPORT},
        {APCONN_ERR_TLS, APCONN_CLASS_TLS},
        {APCONN_ERR_CERT, APCONN_CLASS_TLS},
        {APCONN_ERR_HTTP_STATUS_LINE, APCONN_CLASS_HTTP},
        {APCONN_ERR_HTTP_HEADER, APCONN_CLASS_HTTP},
        {APCONN_ERR_HTTP_HEAD_TOO_LARGE, APCONN_CLASS_HTTP},
        {APCONN_ERR_HTTP_BODY_TOO_LARGE, APCONN_CLASS_HTTP},
        {APCONN_ERR_HTTP_LENGTH, APCONN_CLASS_HTTP},
        {APCONN_ERR_HTTP_CHUNK, APCONN_CLASS_HTTP},
        {APCONN_ERR_HTTP_FRAMING, APCONN_CLASS_HTTP},
        {APCONN_ERR_HTTP_TRUNCATED, APCONN_CLASS_HTTP},
        {APCONN_ERR_HTTP_UNSUPPORTED, APCONN_CLASS_HTTP},
        {APCONN_ERR_HTTP_STATUS, APCONN_CLASS_SERVER},
        {APCONN_ERR_NOT_FOUND, APCONN_CLASS_SERVER},
        {APCONN_ERR_JSON_SYNTAX, APCONN_CLASS_CONTENT},
        {APCONN_ERR_JSON_DEPTH, APCONN_CLASS_CONTENT},
        {APCONN_ERR_JSON_ESCAPE, APCONN_CLASS_CONTENT},
        {APCONN_ERR_JSON_UTF8, APCONN_CLASS_CONTENT},
        {APCONN_ERR_JSON_TOKENS, APCONN_CLASS_CONTENT},
        {APCONN_ERR_JSON_TYPE, APCONN_CLASS_CONTENT},
        {APCONN_ERR_JSON_MISSING, APCONN_CLASS_CONTENT},
        {APCONN_ERR_JSON_ENUM, APCONN_CLASS_CONTENT},
        {APCONN_ERR_JSON_NUL, APCONN_CLASS_CONTENT},
        {APCONN_ERR_JSON_DUPLICATE, APCONN_CLASS_CONTENT},
        {APCONN_ERR_ITEM_TOO_LARGE, APCONN_CLASS_CONTENT},
        {APCONN_ERR_UNEXPECTED_RESPONSE, APCONN_CLASS_CONTENT},
    };
    int per_class[APCONN_CLASS_UNKNOWN + 1] = {0};
    size_t i, j;
    CHECK_EQ(sizeof documented / sizeof documented[0], status_count()); /* every status, once */
    for (i = 0; i < sizeof documented / sizeof documented[0]; i++) {
        CHECK_EQ(apconn_status_class(documented[i].status), documented[i].cls);
        per_class[documented[i].cls]++;
        for (j = 0; j < i; j++) CHECK(documented[j].status != documented[i].status);
    }
    for (i = APCONN_CLASS_SUCCESS; i < APCONN_CLASS_UNKNOWN; i++) CHECK(per_class[i] > 0); /* no empty class */
    CHECK_EQ(per_class[APCONN_CLASS_UNKNOWN], 0);
}

/* A value that is not a status, the retired -31 among them, has no class.
   Values within -128..127 only: arm-none-eabi's enums are as small as their
   values allow, so a cast of 1000 to apconn_status would wrap. */
static void a_value_outside_the_list_is_unknown(void) {
    static const int values[] = {2, -6, -9, -12, -29, -30, -31, -34, -49, -59, -69, -79, -84, -128, 127};
    size_t i;
    for (i = 0; i < sizeof values / sizeof values[0]; i++)
        CHECK_EQ(apconn_status_class((apconn_status)values[i]), APCONN_CLASS_UNKNOWN);
    CHECK_STR(apconn_strerror((apconn_status)-31), apconn_strerror((apconn_status)-999)); /* retired: unknown */
}

/* ----- err and out, for every public call that takes err ---------------------------- */
/* Each case makes one call with `e` as its err; `out` / `out_size` name what
   the call fills (NULL when it has none). The transport is set up afresh,
   so a case runs the same way twice. */
typedef apconn_status (*contract_call)(apconn_error *e);
typedef struct contract_case {
    const char *name;
    contract_call call;
    apconn_status want;
    int http_status; /* what err->http_status must hold */
    const char *field, *code; /* err->field / err->code, "" when none */
} contract_case;

static void *out;
static size_t out_size;
static apconn_connection conn;
static apconn_page page;
static apconn_response resp;
static apconn_client other; /* the client apconn_client_init fills */
static char json[512];
static unsigned char page_work[512];

static void out_is(void *p, size_t n) {
    out = p;
    out_size = n;
    if (p) memset(p, 0x5A, n); /* garbage the call must not leave behind on failure */
}

static apconn_upsert_request upsert_request(void) {
    apconn_upsert_request r;
    memset(&r, 0, sizeof r);
    r.display_name = "Acme";
    r.piece_name = "@activepieces/piece-x";
    r.type = APCONN_TYPE_SECRET_TEXT;
    r.value.secret_text = "xoxb-1";
    return r;
}

/* apconn_client_init: its `out` is the client (see init_leaves_no_usable_client). */
static apconn_status init_ok(apconn_error *e) {
    serve(NULL);
    out_is(NULL, 0);
    return apconn_client_init(&other, URL, KEY, &st.t, work, sizeof work, tokens, TOKENS, e);
}
static apconn_status init_without_url(apconn_error *e) {
    serve(NULL);
    out_is(NULL, 0);
    return apconn_client_init(&other, NULL, KEY, &st.t, work, sizeof work, tokens, TOKENS, e);
}
static apconn_status init_bad_url(apconn_error *e) {
    serve(NULL);
    out_is(NULL, 0);
    return apconn_client_init(&other, "ftp://ap.example.com", KEY, &st.t, work, sizeof work, tokens, TOKENS, e);
}
static apconn_status init_plain_http(apconn_error *e) {
    serve(NULL);
    out_is(NULL, 0);
    return apconn_client_init(&other, "http://ap.example.com", KEY, &st.t, work, sizeof work, tokens, TOKENS, e);
}

/* apconn_http_request */
static apconn_status http_ok(apconn_error *e) {
    serve(json_response("404 Not Found", "{}")); /* any complete response is APCONN_OK */
    out_is(&resp, sizeof resp);
    return apconn_http_request(&client, "GET", "/v1/x", NULL, NULL, 0, &resp, e);
}
static apconn_status http_without_method(apconn_error *e) {
    serve(NULL);
    out_is(&resp, sizeof resp);
    return apconn_http_request(&client, NULL, "/v1/x", NULL, NULL, 0, &resp, e);
}
static apconn_status http_without_client(apconn_error *e) {
    out_is(&resp, sizeof resp);
    return apconn_http_request(NULL, "GET", "/v1/x", NULL, NULL, 0, &resp, e);
}
static apconn_status http_refused(apconn_error *e) {
    serve(NULL);
    out_is(&resp, sizeof resp);
    return apconn_http_request(&client, "GET", "/v1/x", NULL, NULL, 0, &resp, e);
}
static apconn_status http_bad_status_line(apconn_error *e) {
    serve("HTTP/1.1 2x0 OK\r\n\r\n");
    out_is(&resp, sizeof resp);
    return apconn_http_request(&client, "GET", "/v1/x", NULL, NULL, 0, &resp, e);
}

/* apconn_parse_connection */
static apconn_status parse_connection_of(const char *text, apconn_error *e) {
    strcpy(json, text);
    out_is(&conn, sizeof conn);
    return apconn_parse_connection(json, strlen(json), tokens, TOKENS, &conn, e);
}
static apconn_status parse_ok(apconn_error *e) { return parse_connection_of(CONN_JSON, e); }
static apconn_status parse_malformed(apconn_error *e) { return parse_connection_of("{\"id\":", e); }
static apconn_status parse_without_id(apconn_error *e) { return parse_connection_of("{\"displayName\":\"x\"}", e); }
static apconn_status parse_wrong_type(apconn_error *e) { return parse_connection_of("{\"id\":\"" ID "\",\"type\":1}", e); }
static apconn_status parse_too_few_tokens(apconn_error *e) {
    strcpy(json, CONN_JSON);
    out_is(&conn, sizeof conn);
    return apconn_parse_connection(json, strlen(json), tokens, 3, &conn, e);
}
static apconn_status parse_without_out(apconn_error *e) {
    strcpy(json, CONN_JSON);
    out_is(NULL, 0);
    return apconn_parse_connection(json, strlen(json), tokens, TOKENS, NULL, e);
}
static apconn_status parse_without_json(apconn_error *e) {
    out_is(&conn, sizeof conn);
    return apconn_parse_connection(NULL, 0, tokens, TOKENS, &conn, e);
}

/* apconn_parse_page */
static apconn_status page_of(const char *text, apconn_error *e) {
    strcpy(json, text);
    out_is(&page, sizeof page);
    return apconn_parse_page(json, strlen(json), page_work, sizeof page_work, tokens, TOKENS, &page, e);
}
static apconn_status page_ok(apconn_error *e) { return page_of("{\"data\":[" CONN_JSON "],\"next\":null}", e); }
static apconn_status page_without_work(apconn_error *e) {
    out_is(&page, sizeof page);
    return apconn_parse_page("{}", 2, NULL, 0, tokens, TOKENS, &page, e);
}

/* apconn_page_next: the page is set up with a zeroed err, then the case's call */
static apconn_status next_of(const char *text, apconn_error *e) {
    apconn_error setup;
    strcpy(json, text);
    apconn_parse_page(json, strlen(json), page_work, sizeof page_work, tokens, TOKENS, &page, &setup);
    out_is(&conn, sizeof conn);
    return apconn_page_next(&page, &conn, e);
}
static apconn_status next_ok(apconn_error *e) { return next_of("{\"data\":[" CONN_JSON "],\"next\":null}", e); }
static apconn_status next_end(apconn_error *e) { return next_of("{\"data\":[],\"next\":null}", e); }
static apconn_status next_bad_item(apconn_error *e) { return next_of("{\"data\":[{\"id\":7}],\"next\":null}", e); }
static apconn_status next_malformed(apconn_error *e) { return next_of("{\"data\":[}", e); }
static apconn_status next_item_too_large(apconn_error *e) {
    static char big[sizeof json];
    snprintf(big, sizeof big, "{\"data\":[{\"id\":\"" ID "\",\"displayName\":\"%0400d\"}]}", 0);
    strcpy(json, big);
    apconn_parse_page(json, strlen(json), page_work, 128, tokens, TOKENS, &page, NULL);
    out_is(&conn, sizeof conn);
    return apconn_page_next(&page, &conn, e);
}
static apconn_status next_without_page(apconn_error *e) {
    out_is(&conn, sizeof conn);
    return apconn_page_next(NULL, &conn, e);
}
static apconn_status next_without_out(apconn_error *e) {
    strcpy(json, "{\"data\":[]}");
    apconn_parse_page(json, strlen(json), page_work, sizeof page_work, tokens, TOKENS, &page, NULL);
    out_is(NULL, 0);
    return apconn_page_next(&page, NULL, e);
}
static apconn_status next_stale(apconn_error *e) {
    apconn_list_request q;
    serve(json_response("200 OK", "{\"data\":[" CONN_JSON "],\"next\":null}"));
    memset(&q, 0, sizeof q);
    apconn_connection_list(&client, &q, &page, NULL);
    apconn_client_close(&client); /* another call on the client */
    out_is(&conn, sizeof conn);
    return apconn_page_next(&page, &conn, e);
}

#ifndef APCONN_NO_ERROR_DETAILS
/* apconn_parse_error_body */
static apconn_status error_body_of(const char *text, size_t token_count, apconn_error *e) {
    strcpy(json, text);
    out_is(NULL, 0);
    return apconn_parse_error_body(json, strlen(json), tokens, token_count, e);
}
static apconn_status error_body_ok(apconn_error *e) {
    return error_body_of("{\"code\":\"VALIDATION\",\"params\":{\"message\":\"bad\"}}", TOKENS, e);
}
static apconn_status error_body_other_shape(apconn_error *e) { return error_body_of("[1,2]", TOKENS, e); }
static apconn_status error_body_too_few_tokens(apconn_error *e) {
    return error_body_of("{\"code\":\"VALIDATION\",\"params\":{\"message\":\"bad\"}}", 3, e);
}
#endif

/* The four calls */
static apconn_status upsert_with(const apconn_upsert_request *r, const char *answer, apconn_error *e) {
    serve(answer);
    out_is(&conn, sizeof conn);
    return apconn_connection_upsert(&client, r, &conn, e);
}
static apconn_status upsert_ok(apconn_error *e) {
    apconn_upsert_request r = upsert_request();
    return upsert_with(&r, json_response("201 Created", CONN_JSON), e);
}
static apconn_status upsert_without_client(apconn_error *e) {
    apconn_upsert_request r = upsert_request();
    out_is(&conn, sizeof conn);
    return apconn_connection_upsert(NULL, &r, &conn, e);
}
static apconn_status upsert_without_out(apconn_error *e) {
    apconn_upsert_request r = upsert_request();
    serve(NULL);
    out_is(NULL, 0);
    return apconn_connection_upsert(&client, &r, NULL, e);
}
static apconn_status upsert_without_piece(apconn_error *e) {
    apconn_upsert_request r = upsert_request();
    r.piece_name = NULL;
    return upsert_with(&r, NULL, e);
}
static apconn_status upsert_bad_metadata(apconn_error *e) {
    apconn_upsert_request r = upsert_request();
    r.metadata_json = "{\"a\":}";
    return upsert_with(&r, NULL, e);
}
static apconn_status upsert_too_large(apconn_error *e) {
    static char name[WORK_SIZE];
    apconn_upsert_request r = upsert_request();
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    r.display_name = name;
    return upsert_with(&r, NULL, e);
}
static apconn_status upsert_refused(apconn_error *e) {
    apconn_upsert_request r = upsert_request();
    return upsert_with(&r, NULL, e);
}
static apconn_status upsert_bad_certificate(apconn_error *e) {
    apconn_upsert_request r = upsert_request();
    serve(NULL);
    st.connect_result[0] = APCONN_ERR_CERT;
    out_is(&conn, sizeof conn);
    return apconn_connection_upsert(&client, &r, &conn, e);
}
static apconn_status upsert_validation_error(apconn_error *e) {
    apconn_upsert_request r = upsert_request();
    return upsert_with(&r, json_response("400 Bad Request", "{\"code\":\"VALIDATION\",\"params\":{\"message\":\"m\"}}"), e);
}
static apconn_status upsert_answer_without_id(apconn_error *e) {
    apconn_upsert_request r = upsert_request();
    return upsert_with(&r, json_response("201 Created", "{\"displayName\":\"x\"}"), e);
}
static apconn_status upsert_html_success(apconn_error *e) {
    apconn_upsert_request r = upsert_request();
    return upsert_with(&r, "HTTP/1.1 201 Created\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nhi", e);
}
static apconn_status upsert_truncated(apconn_error *e) {
    apconn_upsert_request r = upsert_request();
    serve("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 90\r\n\r\n{\"id\":");
    st_eof(&st);
    out_is(&conn, sizeof conn);
    return apconn_connection_upsert(&client, &r, &conn, e);
}

static apconn_status update_with(const char *id, const char *answer, apconn_error *e) {
    apconn_update_request q;
    memset(&q, 0, sizeof q);
    q.display_name = "Renamed";
    serve(answer);
    out_is(&conn, sizeof conn);
    return apconn_connection_update(&client, id, &q, &conn, e);
}
static apconn_status update_ok(apconn_error *e) { return update_with(ID, json_response("200 OK", CONN_JSON), e); }
static apconn_status update_bad_id(apconn_error *e) { return update_with("short", NULL, e); }
static apconn_status update_server_error(apconn_error *e) {
    return update_with(ID, json_response("500 Internal Server Error", "{\"statusCode\":500,\"message\":\"boom\"}"), e);
}
static apconn_status update_without_request(apconn_error *e) {
    serve(NULL);
    out_is(&conn, sizeof conn);
    return apconn_connection_update(&client, ID, NULL, &conn, e);
}

static apconn_status list_with(unsigned statuses, const char *answer, apconn_error *e) {
    apconn_list_request q;
    memset(&q, 0, sizeof q);
    q.statuses = statuses;
    serve(answer);
    out_is(&page, sizeof page);
    return apconn_connection_list(&client, &q, &page, e);
}
static apconn_status list_ok(apconn_error *e) {
    return list_with(0, json_response("200 OK", "{\"data\":[],\"next\":null}"), e);
}
static apconn_status list_bad_filter(apconn_error *e) { return list_with(8u, NULL, e); }
static apconn_status list_unauthorized(apconn_error *e) {
    return list_with(0, json_response("401 Unauthorized", "{\"statusCode\":401,\"error\":\"Unauthorized\",\"message\":\"no\"}"), e);
}
static apconn_status list_html_success(apconn_error *e) {
    return list_with(0, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nhi", e);
}
static apconn_status list_without_page(apconn_error *e) {
    apconn_list_request q;
    memset(&q, 0, sizeof q);
    serve(NULL);
    out_is(NULL, 0);
    return apconn_connection_list(&client, &q, NULL, e);
}

static apconn_status delete_with(const char *id, const char *answer, apconn_error *e) {
    serve(answer);
    out_is(NULL, 0);
    return apconn_connection_delete(&client, id, e);
}
static apconn_status delete_ok(apconn_error *e) { return delete_with(ID, "HTTP/1.1 204 No Content\r\n\r\n", e); }
static apconn_status delete_gone(apconn_error *e) {
    return delete_with(ID, json_response("404 Not Found", "{\"code\":\"ENTITY_NOT_FOUND\",\"params\":{}}"), e);
}
static apconn_status delete_bad_id(apconn_error *e) { return delete_with(NULL, NULL, e); }
static apconn_status delete_timeout(apconn_error *e) {
    serve(NULL);
    st_conn(&st); /* connects, then the server is silent: the deadline ends the call */
    out_is(NULL, 0);
    return apconn_connection_delete(&client, ID, e);
}

/* The error code a case expects: only built with error details. */
#ifndef APCONN_NO_ERROR_DETAILS
#define CODE(c) c
#else
#define CODE(c) ""
#endif
static const contract_case contract_cases[] = {
    {"client_init ok", init_ok, APCONN_OK, 0, "", ""},
    {"client_init no url", init_without_url, APCONN_ERR_ARGUMENT, 0, "", ""},
    {"client_init ftp url", init_bad_url, APCONN_ERR_URL, 0, "", ""},
    {"client_init plain http", init_plain_http, APCONN_ERR_INSECURE, 0, "", ""},
    {"http_request ok", http_ok, APCONN_OK, 404, "", ""},
    {"http_request no method", http_without_method, APCONN_ERR_ARGUMENT, 0, "", ""},
    {"http_request no client", http_without_client, APCONN_ERR_ARGUMENT, 0, "", ""},
    {"http_request refused", http_refused, APCONN_ERR_CONNECT, 0, "", ""},
    {"http_request bad status line", http_bad_status_line, APCONN_ERR_HTTP_STATUS_LINE, 0, "", ""},
    {"parse_connection ok", parse_ok, APCONN_OK, 0, "", ""},
    {"parse_connection malformed", parse_malformed, APCONN_ERR_JSON_SYNTAX, 0, "", ""},
    {"parse_connection no id", parse_without_id, APCONN_ERR_JSON_MISSING, 0, "id", ""},
    {"parse_connection wrong type", parse_wrong_type, APCONN_ERR_JSON_TYPE, 0, "type", ""},
    {"parse_connection tokens", parse_too_few_tokens, APCONN_ERR_JSON_TOKENS, 0, "", ""},
    {"parse_connection no json", parse_without_json, APCONN_ERR_ARGUMENT, 0, "", ""},
    {"parse_connection no out", parse_without_out, APCONN_ERR_ARGUMENT, 0, "", ""},
    {"parse_page ok", page_ok, APCONN_OK, 0, "", ""},
    {"parse_page no work", page_without_work, APCONN_ERR_ARGUMENT, 0, "", ""},
    {"page_next ok", next_ok, APCONN_OK, 0, "", ""},
    {"page_next end", next_end, APCONN_END, 0, "", ""},
    {"page_next bad item", next_bad_item, APCONN_ERR_JSON_TYPE, 0, "data[0].id", ""},
    {"page_next malformed", next_malformed, APCONN_ERR_JSON_SYNTAX, 0, "", ""},
    {"page_next item too large", next_item_too_large, APCONN_ERR_ITEM_TOO_LARGE, 0, "data[0]", ""},
    {"page_next no page", next_without_page, APCONN_ERR_ARGUMENT, 0, "", ""},
    {"page_next no out", next_without_out, APCONN_ERR_ARGUMENT, 0, "", ""},
    {"page_next stale", next_stale, APCONN_ERR_PAGE_STALE, 0, "", ""},
#ifndef APCONN_NO_ERROR_DETAILS
    {"parse_error_body ok", error_body_ok, APCONN_OK, 0, "", "VALIDATION"},
    {"parse_error_body other shape", error_body_other_shape, APCONN_ERR_UNEXPECTED_RESPONSE, 0, "", ""},
    {"parse_error_body tokens", error_body_too_few_tokens, APCONN_ERR_JSON_TOKENS, 0, "", ""},
#endif
    {"upsert ok", upsert_ok, APCONN_OK, 201, "", ""},
    {"upsert no client", upsert_without_client, APCONN_ERR_ARGUMENT, 0, "", ""},
    {"upsert no out", upsert_without_out, APCONN_ERR_ARGUMENT, 0, "", ""},
    {"upsert no piece", upsert_without_piece, APCONN_ERR_REQUIRED, 0, "pieceName", ""},
    {"upsert bad metadata", upsert_bad_metadata, APCONN_ERR_JSON_SYNTAX, 0, "metadata", ""},
    {"upsert too large", upsert_too_large, APCONN_ERR_BUFFER_FULL, 0, "", ""},
    {"upsert refused", upsert_refused, APCONN_ERR_CONNECT, 0, "", ""},
    {"upsert bad certificate", upsert_bad_certificate, APCONN_ERR_CERT, 0, "", ""},
    {"upsert 400", upsert_validation_error, APCONN_ERR_HTTP_STATUS, 400, "", CODE("VALIDATION")},
    {"upsert answer without id", upsert_answer_without_id, APCONN_ERR_JSON_MISSING, 201, "id", ""},
    {"upsert html success", upsert_html_success, APCONN_ERR_UNEXPECTED_RESPONSE, 201, "", ""},
    {"upsert truncated", upsert_truncated, APCONN_ERR_HTTP_TRUNCATED, 201, "", ""},
    {"update ok", update_ok, APCONN_OK, 200, "", ""},
    {"update bad id", update_bad_id, APCONN_ERR_ARGUMENT, 0, "id", ""},
    {"update 500", update_server_error, APCONN_ERR_HTTP_STATUS, 500, "", ""},
    {"update no request", update_without_request, APCONN_ERR_ARGUMENT, 0, "", ""},
    {"list ok", list_ok, APCONN_OK, 200, "", ""},
    {"list bad filter", list_bad_filter, APCONN_ERR_ARGUMENT, 0, "statuses", ""},
    {"list 401", list_unauthorized, APCONN_ERR_HTTP_STATUS, 401, "", CODE("Unauthorized")},
    {"list html success", list_html_success, APCONN_ERR_UNEXPECTED_RESPONSE, 200, "", ""},
    {"list no page", list_without_page, APCONN_ERR_ARGUMENT, 0, "", ""},
    {"delete ok", delete_ok, APCONN_OK, 204, "", ""},
    {"delete 404", delete_gone, APCONN_ERR_NOT_FOUND, 404, "", CODE("ENTITY_NOT_FOUND")},
    {"delete bad id", delete_bad_id, APCONN_ERR_ARGUMENT, 0, "id", ""},
    {"delete timeout", delete_timeout, APCONN_ERR_TIMEOUT, 0, "", ""},
};

static int all_zero(const void *p, size_t n) {
    const unsigned char *b = (const unsigned char *)p;
    while (n--)
        if (*b++) return 0;
    return 1;
}

/* One case: run with a zeroed err, then again with err full of garbage.
   Both runs must leave the same bytes in err (so nothing of the garbage
   survives), with exactly the returned status and the case's details. */
static void run_contract_case(const contract_case *k) {
    apconn_error clean, dirty;
    apconn_status got_clean, got_dirty;
    int failed_before = harness_current_failed;
    harness_current_failed = 0;
    memset(&clean, 0, sizeof clean);
    memset(&dirty, 0xA5, sizeof dirty);
    got_clean = k->call(&clean);
    got_dirty = k->call(&dirty);
    CHECK_EQ(got_clean, k->want);
    CHECK_EQ(got_dirty, k->want);
    CHECK(memcmp(&clean, &dirty, sizeof clean) == 0);
    /* on failure the status; APCONN_OK and APCONN_END leave it 0 */
    CHECK_EQ(dirty.status, k->want == APCONN_END ? APCONN_OK : k->want);
    CHECK_EQ(dirty.http_status, k->http_status);
    CHECK_STR(dirty.field, k->field);
    CHECK_STR(dirty.code, k->code);
    if (k->want == APCONN_OK || k->want == APCONN_END) {
        /* success: nothing but what the call reports (the response's HTTP
           status, an error body's code and message) */
        apconn_error zero;
        memset(&zero, 0, sizeof zero);
        zero.http_status = k->http_status;
        if (k->code[0]) {
            memcpy(zero.code, dirty.code, sizeof zero.code);
            memcpy(zero.message, dirty.message, sizeof zero.message);
        }
        CHECK(memcmp(&dirty, &zero, sizeof zero) == 0);
    }
    if (out && k->want != APCONN_OK) CHECK(all_zero(out, out_size));
    if (harness_current_failed) printf("    in case \"%s\"\n", k->name);
    harness_current_failed |= failed_before;
}

static void every_call_clears_err_and_reports_exactly_its_status(void) {
    size_t i;
    for (i = 0; i < sizeof contract_cases / sizeof contract_cases[0]; i++) run_contract_case(&contract_cases[i]);
}

/* Every public call that takes err is in the table, with a success and a failure. */
static void the_table_covers_every_call_that_takes_err(void) {
    static const char *const calls[] = {"client_init", "http_request", "parse_connection", "parse_page", "page_next",
#ifndef APCONN_NO_ERROR_DETAILS
                                        "parse_error_body",
#endif
                                        "upsert", "update", "list", "delete"};
    size_t i, j, n;
    for (i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        int ok = 0, failed = 0;
        n = strlen(calls[i]);
        for (j = 0; j < sizeof contract_cases / sizeof contract_cases[0]; j++) {
            const contract_case *k = &contract_cases[j];
            if (strncmp(k->name, calls[i], n) != 0 || k->name[n] != ' ') continue;
            if (k->want == APCONN_OK) ok = 1;
            else failed = 1;
        }
        CHECK(ok && failed);
    }
}

/* apconn_client_init has no out: a failed init leaves a client no call
   accepts (APCONN_ERR_ARGUMENT), and err with the status. */
static void init_leaves_no_usable_client(void) {
    apconn_error e;
    serve(NULL);
    memset(&other, 0x5A, sizeof other);
    CHECK_EQ(apconn_client_init(&other, "https://ap.example.com/a b", KEY, &st.t, work, sizeof work, tokens, TOKENS, &e),
             APCONN_ERR_UNSAFE_CHAR);
    CHECK_EQ(e.status, APCONN_ERR_UNSAFE_CHAR);
    CHECK(other.transport == NULL);
    CHECK_EQ(apconn_connection_delete(&other, ID, &e), APCONN_ERR_ARGUMENT);
    CHECK_EQ(e.status, APCONN_ERR_ARGUMENT);
}

/* A NULL err is allowed everywhere: the status is still returned. */
static void a_null_err_is_allowed(void) {
    apconn_upsert_request r = upsert_request();
    serve(json_response("400 Bad Request", "{\"code\":\"VALIDATION\",\"params\":{\"message\":\"m\"}}"));
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, NULL), APCONN_ERR_HTTP_STATUS);
    CHECK(all_zero(&conn, sizeof conn));
    serve("HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_connection_delete(&client, ID, NULL), APCONN_OK);
#ifndef APCONN_NO_ERROR_DETAILS
    CHECK_EQ(apconn_parse_error_body("{}", 2, tokens, TOKENS, NULL), APCONN_ERR_ARGUMENT);
#endif
}

int main(void) {
    RUN(every_status_has_a_class);
    RUN(the_classes_are_the_documented_mapping);
    RUN(a_value_outside_the_list_is_unknown);
    RUN(every_call_clears_err_and_reports_exactly_its_status);
    RUN(the_table_covers_every_call_that_takes_err);
    RUN(init_leaves_no_usable_client);
    RUN(a_null_err_is_allowed);
    fixture_unused();
    return harness_summary("error_contract");
}
