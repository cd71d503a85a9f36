/* Edges of the four calls: missing arguments, every failure without an
   apconn_error, a success that carries no JSON, request bodies and queries
   that do not fit the work buffer, keys without the "sk-" prefix in echoed
   server text, the retry backoff's cap and a retry the deadline has no time
   for, and an answer that fills the window to its last byte. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "http_fixture.h"
#include <stdio.h>
#include <stdlib.h>

#define ID "AbCdEfGhIjKlMnOpQrStU"
#define CONN "{\"id\":\"" ID "\",\"displayName\":\"Acme\"}"

static apconn_connection conn;
static apconn_error err;
static apconn_page page;
static char response[8192];

static const char *json_response(const char *status, const char *body) {
    snprintf(response, sizeof response,
             "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %u\r\n\r\n%s", status,
             (unsigned)strlen(body), body);
    return response;
}

static void serve(const char *text) {
    fixture();
    st_conn(&st);
    st_data(&st, text);
}

static apconn_upsert_request secret_text(void) {
    apconn_upsert_request r;
    memset(&r, 0, sizeof r);
    r.display_name = "Acme";
    r.piece_name = "@activepieces/piece-x";
    r.type = APCONN_TYPE_SECRET_TEXT;
    r.value.secret_text = "s3cr3t-value";
    return r;
}

/* ----- missing arguments ----------------------------------------------------- */
static void calls_without_client_request_or_output_are_refused_unsent(void) {
    apconn_upsert_request u = secret_text();
    apconn_update_request q;
    apconn_list_request l;
    apconn_client zero;
    memset(&q, 0, sizeof q);
    memset(&l, 0, sizeof l);
    memset(&zero, 0, sizeof zero);
    q.display_name = "x";
    serve(json_response("200 OK", CONN));
    CHECK_EQ(apconn_connection_upsert(NULL, &u, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_upsert(&zero, &u, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_upsert(&client, NULL, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_upsert(&client, &u, NULL, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_update(NULL, ID, &q, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_update(&zero, ID, &q, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_update(&client, ID, NULL, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_update(&client, ID, &q, NULL, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_list(NULL, &l, &page, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_list(&zero, &l, &page, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_list(&client, NULL, &page, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END); /* the failed list left no items */
    CHECK_EQ(apconn_connection_list(&client, &l, NULL, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_delete(NULL, ID, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_delete(&zero, ID, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(err.status, APCONN_ERR_ARGUMENT);
    CHECK_EQ(st.connects, 0);
    CHECK_EQ(st.sent_len, 0);
}

static void upsert_without_piece_name_is_refused(void) {
    apconn_upsert_request u = secret_text();
    serve(json_response("200 OK", CONN));
    u.piece_name = NULL;
    CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, &err), APCONN_ERR_REQUIRED);
    CHECK_STR(err.field, "pieceName");
    u.piece_name = "";
    CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, &err), APCONN_ERR_REQUIRED);
    CHECK_STR(err.field, "pieceName");
    CHECK_EQ(st.sent_len, 0);
}

/* ----- no apconn_error: the status alone ------------------------------------- */
static void refused_requests_without_err_return_their_status(void) {
    apconn_upsert_request u = secret_text();
    serve(json_response("200 OK", CONN));
    u.display_name = NULL;
    CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, NULL), APCONN_ERR_REQUIRED);
    u = secret_text();
    u.metadata_json = "{\"a\":";
    CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, NULL), APCONN_ERR_JSON_SYNTAX);
    u.metadata_json = "[1]";
    CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, NULL), APCONN_ERR_JSON_TYPE);
    CHECK_EQ(st.sent_len, 0);
}

static void server_errors_without_err_return_their_status(void) {
    serve("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    CHECK_EQ(apconn_connection_delete(&client, ID, NULL), APCONN_ERR_NOT_FOUND);
    serve(json_response("500 Internal Server Error", "{\"code\":\"E\",\"params\":{}}"));
    {
        apconn_upsert_request u = secret_text();
        CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, NULL), APCONN_ERR_HTTP_STATUS);
        CHECK(conn.id == NULL);
        check_no_secret("s3cr3t-value");
    }
}

static void upsert_without_err_maps_the_answer(void) {
    apconn_upsert_request u = secret_text();
    serve(json_response("201 Created", CONN));
    CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, NULL), APCONN_OK);
    CHECK_STR(conn.id, ID);
    CHECK_STR(conn.display_name, "Acme");
}

/* ----- a success without JSON ------------------------------------------------ */
/* 200 is one of upsert's answers, but without a JSON body it is no connection. */
static void upsert_answered_by_an_empty_200_is_unexpected(void) {
    apconn_upsert_request u = secret_text();
    serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, &err), APCONN_ERR_UNEXPECTED_RESPONSE);
    CHECK_EQ(err.http_status, 200);
    CHECK(conn.id == NULL);
    serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, NULL), APCONN_ERR_UNEXPECTED_RESPONSE);
    check_no_secret("s3cr3t-value");
}

static void list_answered_by_text_without_err_is_unexpected(void) {
    apconn_list_request l;
    memset(&l, 0, sizeof l);
    serve("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 40\r\n\r\n"
          "0123456789012345678901234567890123456789");
    CHECK_EQ(apconn_connection_list(&client, &l, &page, NULL), APCONN_ERR_UNEXPECTED_RESPONSE);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
}

/* ----- what does not fit the work buffer ------------------------------------- */
static void update_body_larger_than_the_work_buffer_is_refused_unsent(void) {
    apconn_update_request q;
    char name[200];
    size_t i, nonzero = 0;
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    memset(&q, 0, sizeof q);
    q.display_name = name;
    fixture();
    st_conn(&st);
    CHECK_EQ(apconn_client_init(&client, URL, KEY, &st.t, work, 128, tokens, TOKENS, &err), APCONN_OK);
    CHECK_EQ(apconn_connection_update(&client, ID, &q, &conn, &err), APCONN_ERR_BUFFER_FULL);
    CHECK_EQ(err.status, APCONN_ERR_BUFFER_FULL);
    CHECK_EQ(st.sent_len, 0);
    for (i = 0; i < 128; i++) nonzero += work[i] != 0;
    CHECK_EQ(nonzero, 0);
}

/* A cursor the caller placed in the work buffer is moved to its end before
   the query is written; one that fills the whole buffer leaves no room. */
static void cursor_filling_the_work_buffer_is_refused(void) {
    apconn_list_request l;
    memset(&l, 0, sizeof l);
    fixture();
    st_conn(&st);
    memset(work, 'c', WORK_SIZE - 1);
    work[WORK_SIZE - 1] = '\0';
    l.cursor = (const char *)work;
    CHECK_EQ(apconn_connection_list(&client, &l, &page, &err), APCONN_ERR_BUFFER_FULL);
    CHECK_STR(err.field, "query");
    CHECK_EQ(st.sent_len, 0);
}

/* ----- value_json ------------------------------------------------------------ */
#ifndef APCONN_NO_VALUE_JSON
/* "code" has the length of "type" but is a member like any other. */
static void value_json_with_a_four_letter_member_other_than_type_is_sent(void) {
    apconn_upsert_request u = secret_text();
    char sent[2048];
    u.type = APCONN_TYPE_CLOUD_OAUTH2;
    u.value.secret_text = NULL;
    u.value.value_json = "{\"client_id\":\"cid\",\"code\":\"c0de\"}";
    serve(json_response("201 Created", CONN));
    CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, &err), APCONN_OK);
    st_sent_on(&st, 0, sent, sizeof sent);
    CHECK(strstr(sent, "\"value\":{\"type\":\"CLOUD_OAUTH2\",\"client_id\":\"cid\",\"code\":\"c0de\"}") != NULL);
    u.value.value_json = "{\"client_id\":\"cid\",\"type\":\"CLOUD_OAUTH2\",\"code\":\"c0de\"}";
    CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_STR(err.field, "value.type");
}
#endif

/* ----- redaction of keys without the "sk-" prefix ---------------------------- */
#ifndef APCONN_NO_REDACTION
/* Only the "sk-" prefix is no secret: a key that merely starts like it is
   redacted from its first byte. */
static void keys_without_the_sk_prefix_are_redacted_whole(void) {
    static const char *const keys[] = {"Zk-Q7rT9wX2pL5mN8vB", "sZ-Q7rT9wX2pL5mN8vB", "skZQ7rT9wX2pL5mN8vB",
                                       "eyJhbGciOiJIUzI1NiJ9.e30.sig"};
    char body[256], want[256];
    size_t i;
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        fixture();
        CHECK_EQ(apconn_client_init(&client, URL, keys[i], &st.t, work, sizeof work, tokens, TOKENS, &err), APCONN_OK);
        sprintf(body, "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/html\r\nContent-Length: %u\r\n\r\nbad Bearer %s",
                (unsigned)(strlen("bad Bearer ") + strlen(keys[i])), keys[i]);
        st_conn(&st);
        st_data(&st, body);
        CHECK_EQ(apconn_connection_delete(&client, ID, &err), APCONN_ERR_HTTP_STATUS);
        CHECK_EQ(err.http_status, 401);
        sprintf(want, "bad Bearer [redacted]");
        CHECK_STR(err.message, want);
    }
    /* with the prefix, the prefix stays */
    fixture();
    sprintf(body, "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/html\r\nContent-Length: %u\r\n\r\nbad %s",
            (unsigned)(strlen("bad ") + strlen(KEY)), KEY);
    st_conn(&st);
    st_data(&st, body);
    CHECK_EQ(apconn_connection_delete(&client, ID, &err), APCONN_ERR_HTTP_STATUS);
    CHECK_STR(err.message, "bad sk-[redacted]");
}
#endif

/* ----- retries -------------------------------------------------------------- */
#if !defined(APCONN_NO_RETRIES) && !defined(APCONN_NO_KEEPALIVE_PROBE)
/* 500 ms doubled per retry, never more than APCONN_MAX_RETRY_AFTER_MS. */
static void retry_backoff_doubles_up_to_its_cap(void) {
    static const uint32_t want[] = {500, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000};
    uint32_t total = 0;
    apconn_response r;
    unsigned i;
    fixture();
    client.max_retries = 9;
    client.timeout_ms = 600000u;
    st_conn(&st);
    for (i = 0; i < 10; i++) st_data(&st, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", "/v1/x", NULL, NULL, 0, &r, &err), APCONN_OK);
    CHECK_EQ(r.status, 503);
    CHECK_EQ(st.sleeps, 9);
    for (i = 0; i < 9; i++) total += want[i];
    CHECK_EQ(st.slept_ms, total);
    CHECK_EQ(st.connects, 1);
}
#endif

#ifndef APCONN_NO_RETRIES
/* A 503 that arrives when the deadline has passed is the answer: no wait. */
static void retry_after_the_deadline_is_not_taken(void) {
    apconn_response r;
    fixture();
    st_conn(&st);
    st_advance(&st, APCONN_DEFAULT_TIMEOUT_MS);
    st_data(&st, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", "/v1/x", NULL, NULL, 0, &r, &err), APCONN_OK);
    CHECK_EQ(r.status, 503);
    CHECK_EQ(st.sleeps, 0);
}
#endif

/* ----- the window's last byte ------------------------------------------------ */
/* The request body's length, from the head that was sent. */
static size_t sent_content_length(void) {
    const char *p = strstr((const char *)st.sent, "Content-Length: ");
    return p ? (size_t)strtoul(p + 16, NULL, 10) : 0;
}

/* An upsert answer may fill the window (the work buffer after the request
   body) to its last byte, trailing whitespace included. */
static void upsert_answer_filling_the_window_exactly_is_read(void) {
    static char body[WORK_SIZE], text[WORK_SIZE + 256];
    apconn_upsert_request u = secret_text();
    size_t req, room, n = strlen(CONN);
    serve(json_response("201 Created", CONN));
    CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, &err), APCONN_OK);
    req = sent_content_length();
    CHECK(req > 0 && req < 512);
    room = WORK_SIZE - req - 1; /* the window, less the body's NUL */
    memcpy(body, CONN, n);
    memset(body + n, ' ', room - n);
    body[room] = '\0';
    sprintf(text, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: %u\r\n\r\n%s",
            (unsigned)room, body);
    serve(text);
    CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, ID);
    CHECK_STR(conn.display_name, "Acme");
    check_no_secret("s3cr3t-value");
}

/* The item fits the window; only the whitespace after it runs past the
   window's end: validated and dropped as it comes, it needs no room. */
static void upsert_answer_with_whitespace_running_past_the_window_is_read(void) {
    static char body[WORK_SIZE + 8], text[WORK_SIZE + 256];
    apconn_upsert_request u = secret_text();
    size_t req, room, n = strlen(CONN);
    serve(json_response("201 Created", CONN));
    CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, &err), APCONN_OK);
    req = sent_content_length();
    room = WORK_SIZE - req - 1;
    memcpy(body, CONN, n);
    memset(body + n, ' ', room + 1 - n); /* one byte more than the window holds */
    body[room + 1] = '\0';
    sprintf(text, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: %u\r\n\r\n%s",
            (unsigned)(room + 1), body);
    serve(text);
    CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, ID);
    CHECK_STR(conn.display_name, "Acme");
}

int main(void) {
    RUN(calls_without_client_request_or_output_are_refused_unsent);
    RUN(upsert_without_piece_name_is_refused);
    RUN(refused_requests_without_err_return_their_status);
    RUN3(server_errors_without_err_return_their_status);
    RUN3(upsert_without_err_maps_the_answer);
    RUN3(upsert_answered_by_an_empty_200_is_unexpected);
    RUN3(list_answered_by_text_without_err_is_unexpected);
    RUN(update_body_larger_than_the_work_buffer_is_refused_unsent);
    RUN(cursor_filling_the_work_buffer_is_refused);
#ifndef APCONN_NO_VALUE_JSON
    RUN(value_json_with_a_four_letter_member_other_than_type_is_sent);
#endif
#ifndef APCONN_NO_REDACTION
    RUN(keys_without_the_sk_prefix_are_redacted_whole);
#endif
#if !defined(APCONN_NO_RETRIES) && !defined(APCONN_NO_KEEPALIVE_PROBE)
    RUN(retry_backoff_doubles_up_to_its_cap);
#endif
#ifndef APCONN_NO_RETRIES
    RUN(retry_after_the_deadline_is_not_taken);
#endif
    RUN3(upsert_answer_filling_the_window_exactly_is_read);
    RUN3(upsert_answer_with_whitespace_running_past_the_window_is_read);
    fixture_unused();
    return harness_summary("test_edge_api");
}
