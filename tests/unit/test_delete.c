/* apconn_connection_delete: 204 and 200 succeed, 404 is "not found", any
   other status is an HTTP error; an id that is not ASCII, or no client, is
   refused before sending; a stale kept connection is retried (a DELETE is idempotent). */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "call_fixture.h"

/* ----- delete ---------------------------------------------------------------------------------- */
static void delete_answered_204_succeeds(void) {
    serve("HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n");
    CHECK_EQ(apconn_connection_delete(&client, ID, &err), APCONN_OK);
    expect_request("DELETE", "/v1/global-connections/" ID, NULL);
    CHECK_EQ(st.closes, PROFILE_IDLE_CLOSES);
    check_no_secret(NULL);
}
static void delete_answered_200_succeeds_too(void) {
    serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    CHECK_EQ(apconn_connection_delete(&client, ID, &err), APCONN_OK);
}
static void delete_of_an_unknown_id_is_not_found(void) {
#define ID404 "Zy9Xw8Vu7Ts6Rq5Po4Nm3" /* ID is part of KEY: server text that repeats it would be redacted */
    char line[APCONN_ERROR_TEXT_SIZE];
    serve(json_response("404 Not Found", "{\"code\":\"ENTITY_NOT_FOUND\",\"params\":{\"entityType\":\"AppConnection\","
                                         "\"entityId\":\"" ID404 "\"}}"));
    CHECK_EQ(apconn_connection_delete(&client, ID404, &err), APCONN_ERR_NOT_FOUND);
    CHECK_EQ(err.status, APCONN_ERR_NOT_FOUND);
    CHECK_EQ(err.http_status, 404);
    apconn_error_format(&err, line, sizeof line);
#ifdef APCONN_NO_ERROR_DETAILS /* the excerpt: the body's first APCONN_ERROR_EXCERPT_SIZE bytes */
    CHECK_STR(err.code, "");
    CHECK_EQ(strlen(err.message), APCONN_ERROR_EXCERPT_SIZE);
    CHECK(strstr(line, ": HTTP 404: {\"code\":\"ENTITY_NOT_FOUND\",\"params\":{\"entityType\":") != NULL);
#else
    CHECK_STR(err.code, "ENTITY_NOT_FOUND");
    CHECK_STR(line, "no such connection (already gone, or never existed): HTTP 404 ENTITY_NOT_FOUND: entityType=AppConnection entityId=" ID404);
#endif
}
static void delete_other_status_is_an_http_error(void) {
    serve(json_response("402 Payment Required", "{\"code\":\"FEATURE_DISABLED\",\"params\":{\"message\":\"Feature is disabled\"}}"));
    CHECK_EQ(apconn_connection_delete(&client, ID, &err), APCONN_ERR_HTTP_STATUS);
    CHECK_EQ(err.http_status, 402);
#ifdef APCONN_NO_ERROR_DETAILS
    CHECK_STR(err.code, "");
    CHECK_STR(err.message, "{\"code\":\"FEATURE_DISABLED\",\"params\":{\"message\":\"Feature is disabled\"}}");
#else
    CHECK_STR(err.code, "FEATURE_DISABLED");
    CHECK_STR(err.message, "Feature is disabled");
#endif
}
static void id_with_non_ascii_bytes_is_refused_before_sending(void) {
    fixture();
    st_conn(&st);
    CHECK_EQ(apconn_connection_delete(&client, "AbCdEfGhIjKlMnOpQrS\xc3\xa9", &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_delete(&client, "AbCdEfGhIjKlMnOpQrSt\xef\xbc\xa1", &err), APCONN_ERR_ARGUMENT);
    CHECK_STR(err.field, "id");
    CHECK_EQ(st.sent_len, 0);
}

static void delete_without_client_is_refused_unsent(void) {
    apconn_client zero;
    memset(&zero, 0, sizeof zero);
    serve(json_response("200 OK", SHORT_CONN_JSON));
    CHECK_EQ(apconn_connection_delete(NULL, ID, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_delete(&zero, ID, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(err.status, APCONN_ERR_ARGUMENT);
    CHECK_EQ(st.connects, 0);
    CHECK_EQ(st.sent_len, 0);
}
static void delete_is_retried_on_a_stale_connection(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    st_eof(&st);
    st_conn(&st);
    st_data(&st, json_response("404 Not Found", "{\"code\":\"ENTITY_NOT_FOUND\",\"params\":{}}"));
    CHECK_EQ(apconn_connection_delete(&client, ID, &err), APCONN_OK);
    CHECK_EQ(apconn_connection_delete(&client, ID, &err), APCONN_ERR_NOT_FOUND);
    CHECK_EQ(st.connects, 2);
}

int main(void) {
    RUN3(delete_answered_204_succeeds);
    RUN3(delete_answered_200_succeeds_too);
    RUN3(delete_of_an_unknown_id_is_not_found);
    RUN3(delete_other_status_is_an_http_error);
    RUN(id_with_non_ascii_bytes_is_refused_before_sending);
    RUN(delete_without_client_is_refused_unsent);
    RUN3(delete_is_retried_on_a_stale_connection);
    call_fixture_unused();
    return harness_summary("delete");
}
