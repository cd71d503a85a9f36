/* The request apconn sends: the exact head of a GET and a POST (Host,
   Authorization, Accept, User-Agent, Content-Type, Content-Length,
   Connection), and the arguments apconn_http_request refuses before it
   connects. Injection through path, query, method or key is test_secrets.c. */
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

int main(void) {
    RUN3(get_request_head_is_exact);
    RUN3(post_request_has_json_type_and_length);
    RUN3(host_header_has_port_and_ipv6_brackets);
    RUN(http_request_refuses_missing_or_inconsistent_arguments);
    call_fixture_unused();
    return harness_summary("http_request");
}
