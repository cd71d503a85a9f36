/* What a failed call reports about the server's answer: the HTTP status,
   the server's code and message from an Activepieces or Fastify error body,
   a printable excerpt of any other body, and the statuses for a success
   status whose body is not the JSON the call expects, with or without an
   apconn_error. Server text reaches
   err and apconn_error_format only with control characters neutralized. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "call_fixture.h"

#ifdef APCONN_EMPTY_STATUS_TEXT
#define HTTP_STATUS_LINE "status -80: HTTP " /* no texts: apconn_error_format names the number */
#endif
#ifndef APCONN_EMPTY_STATUS_TEXT
#define HTTP_STATUS_LINE "server answered with an HTTP error status: HTTP "
#endif

/* ----- error statuses and bodies --------------------------------------------------------------- */
static void upsert_error_status_gives_server_code_and_message(void) {
    char line[APCONN_ERROR_TEXT_SIZE];
    apconn_upsert_request r = base_upsert(APCONN_TYPE_SECRET_TEXT);
    r.value.secret_text = "xoxb-TOPSECRET";
    serve(json_response("400 Bad Request", "{\"code\":\"INVALID_APP_CONNECTION\",\"params\":{\"error\":\"Invalid token\"}}"));
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_HTTP_STATUS);
    CHECK_EQ(err.http_status, 400);
    apconn_error_format(&err, line, sizeof line);
#ifdef APCONN_NO_ERROR_DETAILS /* not parsed: the body's excerpt, as it came */
    CHECK_STR(err.code, "");
    CHECK_STR(err.message, "{\"code\":\"INVALID_APP_CONNECTION\",\"params\":{\"error\":\"Invalid token\"}}");
    CHECK_STR(line, HTTP_STATUS_LINE "400: {\"code\":\"INVALID_APP_CONNECTION\",\"params\":{\"error\":\"Invalid token\"}}");
#else
    CHECK_STR(err.code, "INVALID_APP_CONNECTION");
    CHECK_STR(err.message, "Invalid token");
    CHECK_STR(line, HTTP_STATUS_LINE "400 INVALID_APP_CONNECTION: Invalid token");
#endif
    check_no_secret("xoxb-TOPSECRET");
}
static void fastify_error_body_gives_its_message(void) {
    char line[APCONN_ERROR_TEXT_SIZE];
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    serve(json_response("400 Bad Request", "{\"statusCode\":400,\"code\":\"FST_ERR_VALIDATION\",\"error\":\"Bad Request\","
                                           "\"message\":\"body/ Invalid input\"}"));
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_HTTP_STATUS);
    apconn_error_format(&err, line, sizeof line);
#ifdef APCONN_NO_ERROR_DETAILS /* the first APCONN_ERROR_EXCERPT_SIZE bytes */
    CHECK_EQ(err.message_truncated, 1);
    CHECK_STR(line, HTTP_STATUS_LINE "400: {\"statusCode\":400,\"code\":\"FST_ERR_VALIDATION\",\"error\":\"Bad Request\","
                    "\"message\":\"body/ Invalid inp");
#else
    CHECK_STR(line, HTTP_STATUS_LINE "400 FST_ERR_VALIDATION: body/ Invalid input");
#endif
}

static void error_status_without_err_returns_the_status_and_no_connection(void) {
    serve("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    CHECK_EQ(apconn_connection_delete(&client, ID, NULL), APCONN_ERR_NOT_FOUND);
    serve(json_response("500 Internal Server Error", "{\"code\":\"E\",\"params\":{}}"));
    {
        apconn_upsert_request u = secret_upsert();
        CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, NULL), APCONN_ERR_HTTP_STATUS);
        CHECK(conn.id == NULL);
        check_no_secret(SECRET);
    }
}
static void html_502_gives_a_printable_excerpt(void) {
    char line[APCONN_ERROR_TEXT_SIZE];
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    const char *html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                       "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    snprintf(response, sizeof response,
             "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: %u\r\n\r\n%s",
             (unsigned)strlen(html), html);
    serve(response);
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_HTTP_STATUS);
    CHECK_EQ(err.http_status, 502);
    CHECK_STR(err.code, "");
    CHECK_EQ(strlen(err.message), APCONN_ERROR_EXCERPT_SIZE);
    CHECK_EQ(err.message_truncated, 1);
    CHECK(strchr(err.message, '\r') == NULL && strchr(err.message, '\n') == NULL);
    apconn_error_format(&err, line, sizeof line);
    CHECK(strstr(line, HTTP_STATUS_LINE "502: <html>  <head><title>502 Bad Gateway") == line);
    CHECK_EQ(st.sleeps, 0); /* a POST is not resent after a gateway error */
}
/* err->message itself, not only apconn_error_format, is safe to print. */
static void excerpt_turns_c1_controls_into_spaces(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    serve("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: 10\r\n\r\na\xc2\x9b" "31mb\x7f\xc2\xa0");
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_HTTP_STATUS);
    CHECK_STR(err.message, "a  31mb \xc2\xa0"); /* U+00A0 is not a control: kept */
}
/* Fixed defect: apconn__out_text (apconn_error_format) turns C0 controls and DEL into '?'
   but passes C1 controls U+0080..U+009F (UTF-8 C2 80..C2 9F) that a server
   can send as "\u009b": CSI/OSC for terminals that honour C1 in UTF-8 (xterm). */
static void error_format_neutralizes_c1_controls(void) {
    char line[APCONN_ERROR_TEXT_SIZE];
    apconn_error e;
    memset(&e, 0, sizeof e);
    e.status = APCONN_ERR_HTTP_STATUS;
    strcpy(e.message, "bad \xc2\x9b" "2J \xc2\x9d" "0;x\xc2\x9c");
    apconn_error_format(&e, line, sizeof line);
    CHECK(strstr(line, "\xc2\x9b") == NULL && strstr(line, "\xc2\x9d") == NULL && strstr(line, "\xc2\x9c") == NULL);
}

/* ----- a success status with the wrong body ---------------------------------------------------- */
static void success_status_without_json_is_unexpected(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    serve("HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_UNEXPECTED_RESPONSE);
    CHECK_EQ(err.http_status, 201);
}

/* 200 is one of upsert's answers, but without a JSON body it is no connection. */
static void upsert_answered_by_an_empty_200_is_unexpected(void) {
    apconn_upsert_request u = secret_upsert();
    serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, &err), APCONN_ERR_UNEXPECTED_RESPONSE);
    CHECK_EQ(err.http_status, 200);
    CHECK(conn.id == NULL);
    serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    CHECK_EQ(apconn_connection_upsert(&client, &u, &conn, NULL), APCONN_ERR_UNEXPECTED_RESPONSE);
    check_no_secret(SECRET);
}
static void list_answered_by_text_is_unexpected_without_err_too(void) {
    apconn_list_request l;
    memset(&l, 0, sizeof l);
    serve("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 40\r\n\r\n"
          "0123456789012345678901234567890123456789");
    CHECK_EQ(apconn_connection_list(&client, &l, &page, NULL), APCONN_ERR_UNEXPECTED_RESPONSE);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
}
static void success_status_with_bad_json_is_a_json_error(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    serve(json_response("201 Created", "{\"id\":\"" ID "\",}"));
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_JSON_SYNTAX);
}

int main(void) {
    RUN3(upsert_error_status_gives_server_code_and_message);
    RUN3(fastify_error_body_gives_its_message);
    RUN3(error_status_without_err_returns_the_status_and_no_connection);
    RUN3(html_502_gives_a_printable_excerpt);
    RUN3(excerpt_turns_c1_controls_into_spaces);
    RUN(error_format_neutralizes_c1_controls);
    RUN3(success_status_without_json_is_unexpected);
    RUN3(upsert_answered_by_an_empty_200_is_unexpected);
    RUN3(list_answered_by_text_is_unexpected_without_err_too);
    RUN3(success_status_with_bad_json_is_a_json_error);
    call_fixture_unused();
    return harness_summary("error_answers");
}
