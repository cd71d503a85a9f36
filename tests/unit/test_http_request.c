/* The request apconn sends: the exact head of a GET and a POST (Host,
   Authorization, Accept, User-Agent, Content-Type, Content-Length,
   Connection), the arguments apconn_http_request refuses before it
   connects, and request pieces the caller placed in the work buffer. Injection through path, query, method or key is test_secrets.c. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "call_fixture.h"

/* ----- request head ---------------------------------------------------------------------------- */
static void get_request_head_is_exact(void) {
    char sent[1024];
    CHECK_EQ(get_with("HTTP/1.1 204 No Content\r\n\r\n", 0), APCONN_OK);
    st_sent_on(&st, 0, sent, sizeof sent);
    CHECK_STR(sent, "GET /api/v1/global-connections HTTP/1.1\r\n"
                    "Host: ap.example.com\r\n"
                    "Authorization: Bearer " KEY "\r\n"
                    "Accept: application/json\r\n"
                    "User-Agent: apconn/" APCONN_VERSION_STRING "\r\n"
                    "Connection: keep-alive\r\n\r\n");
    CHECK_STR(st.host, "ap.example.com");
    CHECK_EQ(st.port, 443);
    check_no_secret(NULL);
}
static void post_request_has_json_type_and_length(void) {
    char sent[1024];
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "POST", "/x", "a=b", "{\"k\":1}", 7, &resp, &err), APCONN_OK);
    st_sent_on(&st, 0, sent, sizeof sent);
    CHECK_STR(sent, "POST /api/x?a=b HTTP/1.1\r\n"
                    "Host: ap.example.com\r\n"
                    "Authorization: Bearer " KEY "\r\n"
                    "Accept: application/json\r\n"
                    "User-Agent: apconn/" APCONN_VERSION_STRING "\r\n"
                    "Content-Type: application/json\r\n"
                    "Content-Length: 7\r\n"
                    "Connection: keep-alive\r\n\r\n{\"k\":1}");
}
static void host_header_has_port_and_ipv6_brackets(void) {
    char sent[1024];
    st_init(&st, ST_WHOLE);
    st.t.secure = 0;
    CHECK_EQ(apconn_client_init(&client, "http://[::1]:3000", KEY, &st.t, work, sizeof work, tokens, TOKENS, &err), APCONN_OK);
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "DELETE", "/v1/x", NULL, NULL, 0, &resp, &err), APCONN_OK);
    st_sent_on(&st, 0, sent, sizeof sent);
    CHECK(strstr(sent, "DELETE /v1/x HTTP/1.1\r\nHost: [::1]:3000\r\n") == sent);
    CHECK(strstr(sent, "Content-Type") == NULL);
}

/* ----- arguments ------------------------------------------------------------------------------- */
static void http_request_refuses_missing_or_inconsistent_arguments(void) {
    fixture();
    CHECK_EQ(apconn_http_request(NULL, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_http_request(&client, NULL, PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, NULL, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, NULL, 5, &resp, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, NULL), APCONN_ERR_CONNECT);
}

static void request_without_client_method_path_or_response_is_refused_unsent(void) {
    apconn_client zero;
    fixture();
    st_conn(&st);
    memset(&zero, 0, sizeof zero);
    CHECK_EQ(apconn_http_request(NULL, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_http_request(&zero, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_http_request(&client, NULL, PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_http_request(&client, "GET", NULL, NULL, NULL, 0, &resp, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, NULL, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(err.status, APCONN_ERR_ARGUMENT);
    CHECK_EQ(st.connects, 0);
    CHECK_EQ(st.sent_len, 0);
}
/* A method is one or more upper-case letters (RFC 9110 §9.1 tokens; every
   method apconn sends is upper case). */
static void method_that_is_not_upper_case_letters_is_refused_unsent(void) {
    static const char *const bad[] = {"", "get", "Get", "GET ", "G-T", "GET\r\n"};
    size_t i;
    fixture();
    st_conn(&st);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_EQ(apconn_http_request(&client, bad[i], PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_ARGUMENT);
        CHECK_EQ(err.status, APCONN_ERR_ARGUMENT);
    }
    CHECK_EQ(st.connects, 0);
    CHECK_EQ(st.sent_len, 0);
}
/* The head goes after every request piece that lies in the work buffer,
   whatever their order there. */
static void request_pieces_in_the_work_buffer_may_come_in_any_order_and_are_wiped(void) {
    char *query = (char *)work, *body = (char *)work + 64;
    char sent[1024];
    serve("HTTP/1.1 204 No Content\r\n\r\n");
    strcpy(query, "a=1");
    memcpy(body, "{\"x\":1}", 7);
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, query, body, 7, &resp, &err), APCONN_OK);
    CHECK_EQ(resp.status, 204);
    st_sent_on(&st, 0, sent, sizeof sent);
    CHECK(strncmp(sent, "POST /api" PATH "?a=1 HTTP/1.1\r\n", strlen("POST /api" PATH "?a=1 HTTP/1.1\r\n")) == 0);
    CHECK(strstr(sent, "Content-Length: 7\r\n") != NULL);
    CHECK_EQ(strlen(sent) > 7 ? strcmp(sent + strlen(sent) - 7, "{\"x\":1}") : 1, 0);
    CHECK_EQ(work[0], 0); /* the pieces are wiped once the call ends */
    CHECK_EQ(work[64], 0);
    check_no_secret("{\"x\":1}");
}
/* A piece that runs past the end of the work buffer leaves no room there
   for the head: refused before anything is sent, and the buffer wiped. */
static void request_piece_running_past_the_work_buffer_is_buffer_full_unsent(void) {
    size_t i, nonzero = 0;
    serve("HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, (const char *)work + WORK_SIZE - 4, 10, &resp, &err),
             APCONN_ERR_BUFFER_FULL);
    CHECK_EQ(err.status, APCONN_ERR_BUFFER_FULL);
    CHECK_EQ(st.connects, 0);
    CHECK_EQ(st.sent_len, 0);
    for (i = 0; i < WORK_SIZE; i++) nonzero += work[i] != 0;
    CHECK_EQ(nonzero, 0);
}
/* A refused request says why it was refused, even when its pieces also
   fill the work buffer. */
static void refused_request_filling_the_work_buffer_reports_the_refusal(void) {
    fixture();
    st_conn(&st);
    memset(work, 'x', WORK_SIZE);
    CHECK_EQ(apconn_http_request(&client, "post", PATH, NULL, (const char *)work, WORK_SIZE, &resp, &err),
             APCONN_ERR_ARGUMENT);
    CHECK_EQ(err.status, APCONN_ERR_ARGUMENT);
    CHECK_EQ(st.sent_len, 0);
    CHECK_EQ(work[0], 0);
    CHECK_EQ(work[WORK_SIZE - 1], 0);
}

int main(void) {
    RUN3(get_request_head_is_exact);
    RUN3(post_request_has_json_type_and_length);
    RUN3(host_header_has_port_and_ipv6_brackets);
    RUN(http_request_refuses_missing_or_inconsistent_arguments);
    RUN(request_without_client_method_path_or_response_is_refused_unsent);
    RUN(method_that_is_not_upper_case_letters_is_refused_unsent);
    RUN3(request_pieces_in_the_work_buffer_may_come_in_any_order_and_are_wiped);
    RUN(request_piece_running_past_the_work_buffer_is_buffer_full_unsent);
    RUN(refused_request_filling_the_work_buffer_reports_the_refusal);
    call_fixture_unused();
    return harness_summary("http_request");
}
