/* HTTP layer: base URL, request head, response framing, bad servers,
   deadlines, keep-alive and retries, all over the scripted transport. Every
   response case runs three ways (whole reads, one byte per read, random
   splits) and must end the same. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "http_fixture.h"

#define PATH "/v1/global-connections"
#define JSON_HEAD "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"

static apconn_response resp;
static apconn_error err;

/* One GET whose connection serves `text`, then EOF when eof is set. */
/* How the scripted server ends after `text`: silence, orderly EOF (recv 0),
   or a cut without close_notify (recv APCONN_ERR_CLOSED, as over TLS). */
enum { END_SILENT, END_EOF, END_CUT };
static apconn_status get_with(const char *text, int end) {
    fixture();
    st_conn(&st);
    st_data(&st, text);
    if (end == END_EOF) st_eof(&st);
    if (end == END_CUT) st_cut(&st);
    return apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err);
}

/* ----- base URL and client_init --------------------------------------------- */
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

static void https_url_gives_host_default_port_and_path(void) {
    CHECK_EQ(init_url("https://ap.example.com/api", 1), APCONN_OK);
    CHECK_STR(client.host, "ap.example.com");
    CHECK_EQ(client.port, 443);
    CHECK_STR(client.base_path, "/api");
    CHECK_EQ(client.timeout_ms, APCONN_DEFAULT_TIMEOUT_MS);
    CHECK_EQ(client.max_retries, APCONN_DEFAULT_MAX_RETRIES);
}
static void trailing_slashes_are_removed(void) {
    CHECK_EQ(init_url("https://ap.example.com/api//", 1), APCONN_OK);
    CHECK_STR(client.base_path, "/api");
    CHECK_EQ(init_url("https://ap.example.com/", 1), APCONN_OK);
    CHECK_STR(client.base_path, "");
    CHECK_EQ(init_url("HTTPS://ap.example.com", 1), APCONN_OK);
    CHECK_STR(client.base_path, "");
}
static void explicit_port_is_parsed(void) {
    CHECK_EQ(init_url("https://ap.example.com:8443/api", 1), APCONN_OK);
    CHECK_EQ(client.port, 8443);
    CHECK_EQ(init_url("https://ap.example.com:65535", 1), APCONN_OK);
    CHECK_EQ(client.port, 65535);
}
static void bad_ports_are_rejected(void) {
    CHECK_EQ(init_url("https://ap.example.com:0/api", 1), APCONN_ERR_URL);
    CHECK_EQ(init_url("https://ap.example.com:65536/api", 1), APCONN_ERR_URL);
    CHECK_EQ(init_url("https://ap.example.com:/api", 1), APCONN_ERR_URL);
    CHECK_EQ(init_url("https://ap.example.com:+443/api", 1), APCONN_ERR_URL);
    CHECK_EQ(init_url("https://ap.example.com:44a/api", 1), APCONN_ERR_URL);
    CHECK_EQ(init_url("https://ap.example.com:000443/api", 1), APCONN_ERR_URL);
}
static void ipv6_literal_is_parsed(void) {
    CHECK_EQ(init_url("http://[::1]:3000/", 0), APCONN_OK);
    CHECK_STR(client.host, "::1");
    CHECK_EQ(client.port, 3000);
    CHECK_EQ(init_url("https://[2001:db8::7]/api", 1), APCONN_OK);
    CHECK_STR(client.host, "2001:db8::7");
    CHECK_EQ(init_url("https://[::1/api", 1), APCONN_ERR_URL);
    CHECK_EQ(init_url("https://[zz::1]/api", 1), APCONN_ERR_URL);
    CHECK_EQ(init_url("https://[]/api", 1), APCONN_ERR_URL);
}
static void userinfo_query_fragment_and_other_schemes_are_rejected(void) {
    CHECK_EQ(init_url("https://user:pw@ap.example.com/api", 1), APCONN_ERR_URL);
    CHECK_EQ(init_url("https://ap.example.com/api?x=1", 1), APCONN_ERR_URL);
    CHECK_EQ(init_url("https://ap.example.com/api#top", 1), APCONN_ERR_URL);
    CHECK_EQ(init_url("ftp://ap.example.com/api", 1), APCONN_ERR_URL);
    CHECK_EQ(init_url("ap.example.com/api", 1), APCONN_ERR_URL);
    CHECK_EQ(init_url("https:///api", 1), APCONN_ERR_URL);
    CHECK_EQ(init_url("https://ap_example.com/api", 1), APCONN_ERR_URL);
}
static void control_bytes_in_url_are_refused(void) {
    CHECK_EQ(init_url("https://ap.example.com/api\r\nX-Evil: 1", 1), APCONN_ERR_UNSAFE_CHAR);
    CHECK_EQ(init_url("https://ap.example.com/a pi", 1), APCONN_ERR_UNSAFE_CHAR);
    CHECK_EQ(init_url("https://ap.example.com\t/api", 1), APCONN_ERR_UNSAFE_CHAR);
}
/* Raw bytes >= 0x80 would reach the request line unencoded: the caller must
   percent-encode them (RFC 3986 §2.1). */
static void non_ascii_bytes_in_url_are_refused(void) {
    CHECK_EQ(init_url("https://ap.example.com/\xc3\xa9t\xc3\xa9", 1), APCONN_ERR_URL);  /* UTF-8 path */
    CHECK_EQ(init_url("https://ap.example.com/api\x80", 1), APCONN_ERR_URL);             /* lowest such byte */
    CHECK_EQ(init_url("https://ap.example.com/api\xff/v", 1), APCONN_ERR_URL);           /* highest */
    CHECK_EQ(init_url("https://b\xc3\xbc" "cher.example/api", 1), APCONN_ERR_URL);         /* IDN host, not its A-label */
    CHECK_EQ(init_url("https://ap.example.com:44\xb3/api", 1), APCONN_ERR_URL);          /* in the port */
}
static void percent_encoded_url_path_is_sent_as_is(void) {
    static const char line[] = "GET /%C3%A9t%C3%A9~x/v1/global-connections HTTP/1.1\r\n";
    CHECK_EQ(init_url("https://ap.example.com/%C3%A9t%C3%A9~x", 1), APCONN_OK);
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK(st.sent_len > sizeof line - 1);
    CHECK_MEM(st.sent, line, sizeof line - 1);
    CHECK_EQ(init_url("https://xn--bcher-kva.example/api", 1), APCONN_OK); /* an IDN host as its A-label */
    CHECK_STR(client.host, "xn--bcher-kva.example");
}
/* A '#' would end the request target (RFC 3986 section 3.5): the rest never reaches the server. */
static void fragment_mark_in_the_query_is_refused(void) {
    fixture();
    st_conn(&st);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "a=b#c", NULL, 0, &resp, &err), APCONN_ERR_UNSAFE_CHAR);
    CHECK_EQ(st.connects, 0);
    CHECK_EQ(st.sent_len, 0);
}
static void control_bytes_in_key_are_refused(void) {
    st_init(&st, ST_WHOLE);
    CHECK_EQ(apconn_client_init(&client, URL, "sk-abc\r\nX-Evil: 1", &st.t, work, sizeof work, tokens, TOKENS, &err),
             APCONN_ERR_UNSAFE_CHAR);
    CHECK_EQ(apconn_client_init(&client, URL, "sk-abc def", &st.t, work, sizeof work, tokens, TOKENS, &err),
             APCONN_ERR_UNSAFE_CHAR);
    CHECK_EQ(apconn_client_init(&client, URL, "", &st.t, work, sizeof work, tokens, TOKENS, &err), APCONN_ERR_REQUIRED);
}
static apconn_status init_key(const char *key) {
    st_init(&st, ST_WHOLE);
    return init_checked(URL, key);
}
/* RFC 6750 §2.1 b64token: what may follow "Bearer ". */
static void api_key_must_be_a_bearer_b64token(void) {
    CHECK_EQ(init_key("sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrStUvWxYz0"), APCONN_OK);
    CHECK_EQ(init_key("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.a-b_c~d+e/f"), APCONN_OK); /* a user JWT */
    CHECK_EQ(init_key("abc=="), APCONN_OK);
    CHECK_EQ(init_key("sk-\xc3\xa9"), APCONN_ERR_UNSAFE_CHAR);  /* non-ASCII */
    CHECK_EQ(init_key("sk-\x80"), APCONN_ERR_UNSAFE_CHAR);
    CHECK_EQ(init_key("sk-a\"b"), APCONN_ERR_UNSAFE_CHAR);       /* quote */
    CHECK_EQ(init_key("sk-a,b"), APCONN_ERR_UNSAFE_CHAR);         /* list separator */
    CHECK_EQ(init_key("sk-a=b"), APCONN_ERR_UNSAFE_CHAR);         /* '=' only as padding at the end */
    CHECK_EQ(init_key("=="), APCONN_ERR_UNSAFE_CHAR);             /* padding alone */
    CHECK_EQ(init_key("sk-abc\x7f"), APCONN_ERR_UNSAFE_CHAR);
    CHECK_EQ(st.connects, 0);
}
static void plain_http_only_to_loopback(void) {
    CHECK_EQ(init_url("http://127.0.0.1:3000", 0), APCONN_OK);
    CHECK_EQ(client.port, 3000);
    CHECK_EQ(init_url("http://127.10.20.30/api", 0), APCONN_OK);
    CHECK_EQ(client.port, 80);
    CHECK_EQ(init_url("http://LocalHost:8080", 0), APCONN_OK);
    CHECK_EQ(init_url("http://[::1]", 0), APCONN_OK);
    CHECK_EQ(init_url("http://ap.example.com/api", 0), APCONN_ERR_INSECURE);
    CHECK_EQ(init_url("http://128.0.0.1/api", 0), APCONN_ERR_INSECURE);
    CHECK_EQ(init_url("http://127.0.0.1.evil.example/api", 0), APCONN_ERR_INSECURE);
    CHECK_EQ(init_url("http://127.0.0.256/api", 0), APCONN_ERR_INSECURE);
    CHECK_EQ(init_url("http://localhost.evil.example/api", 0), APCONN_ERR_INSECURE);
}
static void scheme_and_transport_security_must_match(void) {
    CHECK_EQ(init_url("https://ap.example.com/api", 0), APCONN_ERR_INSECURE);
    CHECK_EQ(init_url("http://127.0.0.1/api", 1), APCONN_ERR_ARGUMENT);
}
static void missing_arguments_are_refused(void) {
    st_init(&st, ST_WHOLE);
    CHECK_EQ(apconn_client_init(&client, NULL, KEY, &st.t, work, sizeof work, tokens, TOKENS, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_client_init(&client, URL, KEY, &st.t, NULL, sizeof work, tokens, TOKENS, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_client_init(&client, URL, KEY, &st.t, work, sizeof work, NULL, TOKENS, &err), APCONN_ERR_ARGUMENT);
    /* token offsets are int: a window past INT_MAX (32767 with a 16-bit int) could not be addressed */
    CHECK_EQ(apconn_client_init(&client, URL, KEY, &st.t, work, (size_t)INT_MAX + 1u, tokens, TOKENS, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_client_init(&client, URL, KEY, &st.t, work, sizeof work, tokens, TOKENS, &err), APCONN_OK);
    st.t.now_ms = NULL;
    CHECK_EQ(apconn_client_init(&client, URL, KEY, &st.t, work, sizeof work, tokens, TOKENS, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(err.status, APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_client_init(NULL, URL, KEY, &st.t, work, sizeof work, tokens, TOKENS, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(err.status, APCONN_ERR_ARGUMENT);
    /* err may be NULL, as for every call */
    CHECK_EQ(apconn_client_init(&client, URL, KEY, &st.t, work, sizeof work, tokens, 0, NULL), APCONN_ERR_ARGUMENT);
}

/* ----- request head ----------------------------------------------------------- */
static void get_request_is_exact(void) {
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
static void injection_in_path_query_or_method_is_refused_before_sending(void) {
    fixture();
    st_conn(&st);
    CHECK_EQ(apconn_http_request(&client, "GET", "/v1/x\r\nX-Evil: 1", "", NULL, 0, &resp, &err), APCONN_ERR_UNSAFE_CHAR);
    CHECK_EQ(apconn_http_request(&client, "GET", "/v1/x", "a=b\nc", NULL, 0, &resp, &err), APCONN_ERR_UNSAFE_CHAR);
    CHECK_EQ(apconn_http_request(&client, "GET", "/v1/x", "a=b c", NULL, 0, &resp, &err), APCONN_ERR_UNSAFE_CHAR);
    CHECK_EQ(apconn_http_request(&client, "GET /evil", "/v1/x", "", NULL, 0, &resp, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_http_request(&client, "GET", "v1/x", "", NULL, 0, &resp, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(err.status, APCONN_ERR_ARGUMENT);
    CHECK_EQ(st.sent_len, 0);
    CHECK_EQ(st.connects, 0);
}
static void key_changed_to_contain_crlf_is_refused_before_sending(void) {
    static char key[] = KEY;
    fixture();
    client.api_key = key;
    key[5] = '\n';
    st_conn(&st);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_ERR_UNSAFE_CHAR);
    CHECK_EQ(st.sent_len, 0);
    key[5] = 'd';
}

/* ----- response framing (three delivery modes each) ------------------------------ */
static void content_length_body_is_read(void) {
    CHECK_EQ(get_with(JSON_HEAD "Content-Length: 11\r\n\r\n{\"a\":[1,2]}", 0), APCONN_OK);
    CHECK_EQ(resp.status, 200);
    CHECK_EQ(resp.body_len, 11);
    CHECK_STR(resp.body, "{\"a\":[1,2]}");
    CHECK_EQ(resp.is_json, 1);
    CHECK_EQ(st.closes, PROFILE_IDLE_CLOSES); /* keep-alive */
    check_no_secret(NULL);
}
static void chunked_body_is_dechunked_in_place(void) {
    CHECK_EQ(get_with(JSON_HEAD "Transfer-Encoding: chunked\r\n\r\n"
                      "4;name=\"v\"\r\n{\"a\"\r\n"
                      "A\r\n:[1,2,3,4]\r\n"
                      "1 \r\n}\r\n"
                      "0\r\nX-Trailer: yes\r\nX-Other: 2\r\n\r\n", 0), APCONN_OK);
    CHECK_STR(resp.body, "{\"a\":[1,2,3,4]}");
    CHECK_EQ(resp.body_len, 15);
    CHECK_EQ(st.closes, PROFILE_IDLE_CLOSES);
}
static void chunked_body_with_uppercase_hex_and_no_trailer(void) {
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: Chunked\r\n\r\n0000B\r\n0123456789A\r\n0\r\n\r\n", 0), APCONN_OK);
    CHECK_STR(resp.body, "0123456789A");
    CHECK_EQ(resp.is_json, 0);
}
static void close_delimited_body_ends_at_eof_and_closes(void) {
    CHECK_EQ(get_with(JSON_HEAD "\r\n{\"x\":1}", 1), APCONN_OK);
    CHECK_STR(resp.body, "{\"x\":1}");
    CHECK_EQ(st.closes, 1);
    CHECK_EQ(client.apconn__connected, 0);
}
static void interim_responses_are_skipped(void) {
    CHECK_EQ(get_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                      JSON_HEAD "Content-Length: 2\r\n\r\n{}", 0), APCONN_OK);
    CHECK_EQ(resp.status, 200);
    CHECK_STR(resp.body, "{}");
}
static void no_content_and_not_modified_have_no_body(void) {
    CHECK_EQ(get_with("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", 0), APCONN_OK);
    CHECK_EQ(resp.status, 204);
    CHECK_EQ(resp.body_len, 0);
    CHECK_STR(resp.body, "");
    CHECK_EQ(get_with("HTTP/1.1 304 Not Modified\r\n\r\n", 0), APCONN_OK);
    CHECK_EQ(resp.body_len, 0);
}
static void head_response_has_no_body(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "HEAD", PATH, "", NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(resp.status, 200);
    CHECK_EQ(resp.body_len, 0);
}
static void http10_without_keep_alive_closes(void) {
    CHECK_EQ(get_with("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 0), APCONN_OK);
    CHECK_STR(resp.body, "ok");
    CHECK_EQ(st.closes, 1);
    CHECK_EQ(get_with("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok", 0), APCONN_OK);
    CHECK_EQ(st.closes, PROFILE_IDLE_CLOSES);
}
static void connection_close_header_closes(void) {
    CHECK_EQ(get_with("HTTP/1.1 400 Bad Request\r\nConnection: foo, CLOSE\r\nContent-Length: 2\r\n\r\nno", 0), APCONN_OK);
    CHECK_EQ(resp.status, 400);
    CHECK_EQ(st.closes, 1);
}
static void json_content_type_is_recognised_case_insensitively(void) {
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\ncontent-type:Application/JSON\r\nContent-Length: 2\r\n\r\n{}", 0), APCONN_OK);
    CHECK_EQ(resp.is_json, 1);
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nContent-Type: application/jsonx\r\nContent-Length: 2\r\n\r\n{}", 0), APCONN_OK);
    CHECK_EQ(resp.is_json, 0);
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\n{}", 0), APCONN_OK);
    CHECK_EQ(resp.is_json, 0);
}
static void equal_duplicate_lengths_are_accepted(void) {
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc", 0), APCONN_OK);
    CHECK_STR(resp.body, "abc");
}
static void empty_reason_phrase_is_accepted(void) {
    CHECK_EQ(get_with("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", 0), APCONN_OK);
    CHECK_EQ(get_with("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 0), APCONN_OK);
    CHECK_EQ(resp.body_len, 0);
}
static void would_block_reads_are_waited_out(void) {
    fixture();
    st_conn(&st);
    st_block(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n");
    st_block(&st);
    st_data(&st, "ok");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_OK);
    CHECK_STR(resp.body, "ok");
}

/* ----- bad servers: each a distinct error, the connection closed ------------------- */
static void expect_failure(const char *text, int end, apconn_status want) {
    CHECK_EQ(get_with(text, end), want);
    CHECK_EQ(err.status, want);
    CHECK_EQ(st.closes, 1);
    CHECK_EQ(client.apconn__connected, 0);
    check_no_secret(NULL);
}
static void truncated_length_body_is_reported(void) {
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345", 1, APCONN_ERR_HTTP_TRUNCATED);
    CHECK_EQ(err.http_status, 200);
}
static void truncated_chunked_body_is_reported(void) {
    expect_failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc", 1, APCONN_ERR_HTTP_TRUNCATED);
    expect_failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", 1, APCONN_ERR_HTTP_TRUNCATED);
}
static void eof_inside_head_is_closed(void) {
    expect_failure("HTTP/1.1 200 OK\r\nContent-Le", 1, APCONN_ERR_CLOSED);
}
/* A TLS transport reports a connection that ended without close_notify as
   APCONN_ERR_CLOSED; inside a body that is the same truncation as EOF over TCP. */
static void cut_inside_length_body_is_truncated(void) {
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345", END_CUT, APCONN_ERR_HTTP_TRUNCATED);
    CHECK_EQ(err.http_status, 200);
}
static void cut_right_after_the_head_of_a_length_body_is_truncated(void) {
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", END_CUT, APCONN_ERR_HTTP_TRUNCATED);
}
static void cut_anywhere_inside_a_chunked_body_is_truncated(void) {
    static const char *const at[] = {
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",                    /* before the size */
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r",                  /* inside the size line */
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc",             /* inside chunk data */
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc",             /* before the CRLF */
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",         /* before the next size */
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX: y", /* inside the trailers */
    };
    size_t i;
    for (i = 0; i < sizeof at / sizeof at[0]; i++) expect_failure(at[i], END_CUT, APCONN_ERR_HTTP_TRUNCATED);
}
/* Without close_notify the end of a close-delimited body cannot be told from an
   attacker's cut (RFC 8446 §6.1): never a complete body. */
static void cut_never_ends_a_close_delimited_body(void) {
    expect_failure(JSON_HEAD "\r\n{\"x\":1}", END_CUT, APCONN_ERR_HTTP_TRUNCATED);
    expect_failure("HTTP/1.0 200 OK\r\n\r\n", END_CUT, APCONN_ERR_HTTP_TRUNCATED);
}
static void cut_inside_the_head_is_closed(void) {
    expect_failure("HTTP/1.1 200 OK\r\nContent-Le", END_CUT, APCONN_ERR_CLOSED);
}
static void cut_before_any_byte_is_closed(void) {
    fixture();
    st_conn(&st);
    st_cut(&st);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_CLOSED);
    CHECK_EQ(st.connects, 1); /* a fresh connection: nothing to retry */
}
static void complete_response_is_not_affected_by_a_cut_after_it(void) {
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", END_CUT), APCONN_OK);
    CHECK_STR(resp.body, "ok");
}
static void stale_connection_cut_before_the_response_is_retried(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    st_cut(&st); /* a TLS server dropped the idle connection without close_notify */
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_STR(resp.body, "ok");
    CHECK_EQ(st.connects, 2);
}
#ifndef APCONN_NO_KEEPALIVE_PROBE /* no connection is reused */
static void stale_connection_cut_inside_a_body_is_not_retried(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab");
    st_cut(&st);
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_HTTP_TRUNCATED);
    CHECK_EQ(st.connects, 1);
}
#endif
static void reset_is_a_receive_error(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\n");
    st_reset(&st);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_ERR_RECV);
    CHECK_EQ(st.closes, 1);
}
static void chunk_size_overflow_is_rejected(void) {
    expect_failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000005\r\nabcde\r\n0\r\n\r\n", 0,
                   APCONN_ERR_HTTP_CHUNK);
}
static void malformed_chunk_sizes_are_rejected(void) {
    expect_failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", 0, APCONN_ERR_HTTP_CHUNK);
    expect_failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 0, APCONN_ERR_HTTP_CHUNK);
    expect_failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nabcde\r\n", 0, APCONN_ERR_HTTP_CHUNK);
    expect_failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nabcde\r\n", 0, APCONN_ERR_HTTP_CHUNK);
}
static void missing_crlf_after_chunk_data_is_rejected(void) {
    expect_failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n", 0, APCONN_ERR_HTTP_CHUNK);
}
static void conflicting_lengths_are_rejected(void) {
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 0, APCONN_ERR_HTTP_LENGTH);
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\nabcd", 0, APCONN_ERR_HTTP_LENGTH);
}
static void signed_and_empty_lengths_are_rejected(void) {
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nabcde", 0, APCONN_ERR_HTTP_LENGTH);
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, APCONN_ERR_HTTP_LENGTH);
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", 0, APCONN_ERR_HTTP_LENGTH);
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 5,\r\n\r\nabcde", 0, APCONN_ERR_HTTP_LENGTH);
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", 0, APCONN_ERR_HTTP_LENGTH);
}
static void overflowing_length_is_rejected(void) {
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 184467440737095516160\r\n\r\n", 0, APCONN_ERR_HTTP_LENGTH);
}
static void length_and_chunked_together_are_rejected(void) {
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0,
                   APCONN_ERR_HTTP_FRAMING);
}
static void other_transfer_codings_are_unsupported(void) {
    expect_failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 0, APCONN_ERR_HTTP_UNSUPPORTED);
    expect_failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 0,
                   APCONN_ERR_HTTP_UNSUPPORTED);
}
static void garbage_status_lines_are_rejected(void) {
    expect_failure("HTTP/1.1 2OO OK\r\n\r\n", 0, APCONN_ERR_HTTP_STATUS_LINE);
    expect_failure("HTTP/1.2 200 OK\r\n\r\n", 0, APCONN_ERR_HTTP_STATUS_LINE);
    expect_failure("HTTP/1.1  200 OK\r\n\r\n", 0, APCONN_ERR_HTTP_STATUS_LINE);
    expect_failure("HTTP/1.1 200OK\r\n\r\n", 0, APCONN_ERR_HTTP_STATUS_LINE);
    expect_failure("HTTP/1.1 099 Low\r\n\r\n", 0, APCONN_ERR_HTTP_STATUS_LINE);
    expect_failure("HTTP/1.1 200 OK\n\r\n", 0, APCONN_ERR_HTTP_STATUS_LINE);
    expect_failure("HTTP/1.1 200 O\x01K\r\n\r\n", 0, APCONN_ERR_HTTP_STATUS_LINE);
}
static void non_http_bytes_fail_at_once(void) {
    /* no EOF, no more data: the error must not wait for the deadline */
    expect_failure("SSH-2.0-OpenSSH_9.2\r\n", 0, APCONN_ERR_HTTP_STATUS_LINE);
    CHECK(st.clock - 0xFFFFF000u < 1000u);
    expect_failure("HTTP/2 200\r\n\r\n", 0, APCONN_ERR_HTTP_STATUS_LINE);
    expect_failure("\x16\x03\x03\x00\x02", 0, APCONN_ERR_HTTP_STATUS_LINE);
}
static void malformed_headers_are_rejected(void) {
    expect_failure("HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\n\r\n", 0, APCONN_ERR_HTTP_HEADER);
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok", 0, APCONN_ERR_HTTP_HEADER);
    expect_failure("HTTP/1.1 200 OK\r\nX-A: 1\nContent-Length: 2\r\n\r\nok", 0, APCONN_ERR_HTTP_HEADER);
    expect_failure("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", 0, APCONN_ERR_HTTP_HEADER);
    expect_failure("HTTP/1.1 200 OK\r\n: empty-name\r\n\r\n", 0, APCONN_ERR_HTTP_HEADER);
    expect_failure("HTTP/1.1 200 OK\r\nX-A: a\x01z\r\n\r\n", 0, APCONN_ERR_HTTP_HEADER);
}
static void nul_in_a_header_name_is_rejected(void) {
    static const char text[] = "HTTP/1.1 200 OK\r\nContent-Length\0: 5\r\n\r\nabcde";
    fixture();
    st_conn(&st);
    st_data_len(&st, text, sizeof text - 1);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_HTTP_HEADER);
    CHECK_EQ(st.closes, 1);
}
static char huge[WORK_SIZE * 2 + 200];
static void huge_head_is_too_large(void) {
    size_t n;
    strcpy(huge, "HTTP/1.1 200 OK\r\n");
    n = strlen(huge);
    while (n + 20 < sizeof huge) { memcpy(huge + n, "X-Pad: 0123456789\r\n", 19); n += 19; }
    huge[n] = '\0';
    expect_failure(huge, 0, APCONN_ERR_HTTP_HEAD_TOO_LARGE);
}
static void huge_bodies_are_too_large_never_truncated(void) {
    char head[128];
    size_t n = 0;
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n", 0, APCONN_ERR_HTTP_BODY_TOO_LARGE);
    expect_failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n", 0, APCONN_ERR_HTTP_BODY_TOO_LARGE);
    strcpy(head, "HTTP/1.1 200 OK\r\n\r\n");
    n = strlen(head);
    memcpy(huge, head, n);
    memset(huge + n, 'b', sizeof huge - n - 1);
    huge[sizeof huge - 1] = '\0';
    expect_failure(huge, 1, APCONN_ERR_HTTP_BODY_TOO_LARGE);
}
static void chunked_body_over_many_chunks_is_too_large(void) {
    static char text[WORK_SIZE * 3];
    size_t n;
    strcpy(text, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    n = strlen(text);
    while (n + 300 < sizeof text) {
        memcpy(text + n, "100\r\n", 5);
        memset(text + n + 5, 'c', 256);
        memcpy(text + n + 261, "\r\n", 2);
        n += 263;
    }
    text[n] = '\0';
    expect_failure(text, 0, APCONN_ERR_HTTP_BODY_TOO_LARGE);
}
static void largest_body_that_fits_is_read(void) {
    /* the head area is what is left after nothing: the whole buffer minus the NUL */
    static char text[WORK_SIZE + 100];
    const char *head = "HTTP/1.1 200 OK\r\nContent-Length: 4095\r\n\r\n";
    size_t n = strlen(head);
    memcpy(text, head, n);
    memset(text + n, 'z', 4095);
    text[n + 4095] = '\0';
    CHECK_EQ(get_with(text, 0), APCONN_OK);
    CHECK_EQ(resp.body_len, 4095);
    CHECK_EQ(resp.body[4095], '\0');
}
static void close_delimited_body_that_fills_the_buffer_exactly_is_read(void) {
    static char text[WORK_SIZE + 100];
    const char *head = "HTTP/1.1 200 OK\r\n\r\n";
    size_t n = strlen(head);
    memcpy(text, head, n);
    memset(text + n, 'y', WORK_SIZE - 1);
    text[n + WORK_SIZE - 1] = '\0';
    CHECK_EQ(get_with(text, 1), APCONN_OK);
    CHECK_EQ(resp.body_len, WORK_SIZE - 1);
}
static void chunked_body_that_fills_the_buffer_exactly_is_read(void) {
    static char text[WORK_SIZE + 200];
    const char *head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFF\r\n";
    size_t n = strlen(head);
    memcpy(text, head, n);
    memset(text + n, 'q', 0xFFF);
    strcpy(text + n + 0xFFF, "\r\n0\r\nX-T: 1\r\n\r\n");
    CHECK_EQ(get_with(text, 0), APCONN_OK);
    CHECK_EQ(resp.body_len, 0xFFF);
    CHECK_EQ(st.closes, PROFILE_IDLE_CLOSES);
}

/* ----- deadlines (fake clock) ---------------------------------------------------------- */
static void silent_server_times_out_at_the_deadline(void) {
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_ERR_TIMEOUT);
    CHECK_EQ((uint32_t)(st.clock - 0xFFFFF000u), client.timeout_ms);
    CHECK_EQ(st.closes, 1);
}
static void trickling_server_cannot_extend_the_deadline(void) {
    static char text[200];
    int i;
    fixture();
    client.timeout_ms = 5000;
    st_conn(&st);
    strcpy(text, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
    for (i = 0; i < 40; i++) { st_advance(&st, 1000); st_data_len(&st, text + i, 1); }
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_ERR_TIMEOUT);
    CHECK((uint32_t)(st.clock - 0xFFFFF000u) <= 5000u + 1000u);
    CHECK(st.last_timeout_ms <= 1000u);
}
static void slow_connect_times_out(void) {
    fixture();
    client.timeout_ms = 3000;
    st.connect_delay_ms[0] = 10000;
    st_conn(&st);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_ERR_TIMEOUT);
    CHECK_EQ(st.connects, 1);
    CHECK_EQ(st.sent_len, 0);
}
static void callbacks_get_the_time_left(void) {
    fixture();
    client.timeout_ms = 10000;
    st.connect_delay_ms[0] = 2500;
    st_conn(&st);
    st_advance(&st, 3000);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(st.first_recv_timeout_ms, 10000u - 2500u); /* the connect took 2500 */
    if (st.recvs > 1) CHECK_EQ(st.last_timeout_ms, 10000u - 2500u - 3000u); /* then the server took 3000 */
}

/* ----- keep-alive and retries --------------------------------------------------------------- */
#ifdef APCONN_NO_KEEPALIVE_PROBE
/* No probe: every call opens a connection of its own and closes it when the
   response is read, so nothing an idle connection holds is ever read. */
static void without_the_probe_each_call_has_its_own_connection(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na");
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nX"); /* would be read if it were reused */
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_OK);
    CHECK_STR(resp.body, "a");
    CHECK_EQ(st.closes, 1);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_OK);
    CHECK_STR(resp.body, "b");
    CHECK_EQ(st.connects, 2);
    CHECK_EQ(st.closes, 2);
}
#else
static void keep_alive_reuses_one_connection(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na");
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_OK);
    CHECK_STR(resp.body, "a");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_OK);
    CHECK_STR(resp.body, "b");
    CHECK_EQ(st.connects, 1);
    CHECK_EQ(st.closes, 0);
    apconn_client_close(&client);
    CHECK_EQ(st.closes, 1);
}
#endif
static void stale_connection_is_retried_once_for_get_and_delete(void) {
    const char *m[2] = {"GET", "DELETE"};
    int i;
    for (i = 0; i < 2; i++) {
        fixture();
        st_conn(&st);
        st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
        st_eof(&st); /* the server dropped the idle connection */
        st_conn(&st);
        st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        CHECK_EQ(apconn_http_request(&client, m[i], PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
        CHECK_EQ(apconn_http_request(&client, m[i], PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
        CHECK_STR(resp.body, "ok");
        CHECK_EQ(st.connects, 2);
        CHECK_EQ(st.sleeps, 0);
    }
}
static void stale_connection_reset_is_retried_too(void) {
    fixture();
    client.max_retries = 0; /* the stale retry is not counted */
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    st_reset(&st);
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(st.connects, 2);
}
#ifndef APCONN_NO_KEEPALIVE_PROBE
static void stale_connection_is_not_retried_for_post(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    st_eof(&st);
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, "{}", 2, &resp, &err), APCONN_OK);
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, "{}", 2, &resp, &err), APCONN_ERR_CLOSED);
    CHECK_EQ(st.connects, 1);
}
#endif
static void stale_post_is_retried_when_the_caller_opts_in(void) {
    fixture();
    client.retry_unsafe_post = 1;
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    st_eof(&st);
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, "{}", 2, &resp, &err), APCONN_OK);
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, "{}", 2, &resp, &err), APCONN_OK);
    CHECK_EQ(st.connects, 2);
}
static void fresh_connection_closed_before_response_is_not_retried(void) {
    fixture();
    st_conn(&st);
    st_eof(&st);
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_CLOSED);
    CHECK_EQ(st.connects, 1);
}
#ifdef APCONN_NO_RETRIES
/* No retries: every status and every connect failure comes back from the one attempt. */
static void without_retries_a_503_or_429_is_returned_at_once(void) {
    static const char *const heads[2] = {"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 4\r\n\r\nbusy",
                                         "HTTP/1.1 429 Too Many\r\nContent-Length: 4\r\n\r\nbusy"};
    int i;
    for (i = 0; i < 2; i++) {
        fixture();
        st_conn(&st);
        st_data(&st, heads[i]);
        st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
        CHECK_EQ(resp.status, i ? 429 : 503);
        CHECK_STR(resp.body, "busy");
        CHECK_EQ(st.sleeps, 0);
        CHECK_EQ(st.connects, 1);
    }
}
static void without_retries_a_connect_failure_is_returned_at_once(void) {
    fixture();
    st.connect_result[0] = APCONN_ERR_DNS;
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_DNS);
    CHECK_EQ(err.status, APCONN_ERR_DNS);
    CHECK_EQ(st.connects, 1);
    CHECK_EQ(st.sleeps, 0);
}
#else
static void retry_after_503_waits_the_server_delay(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, "{}", 2, &resp, &err), APCONN_OK);
    CHECK_EQ(resp.status, 200);
    CHECK_EQ(st.sleeps, 1);
    CHECK_EQ(st.slept_ms, 2000);
    CHECK_EQ(st.connects, 1);
}
static void retry_after_is_clamped(void) {
    fixture();
    client.timeout_ms = 200000;
    st_conn(&st);
    st_data(&st, "HTTP/1.1 429 Too Many\r\nRetry-After: 99999\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(st.slept_ms, APCONN_MAX_RETRY_AFTER_MS);
}
static void backoff_doubles_without_retry_after(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 504 Gateway Timeout\r\nRetry-After: Fri, 27 Nov 2026 10:00:00 GMT\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(st.sleeps, 2);
    CHECK_EQ(st.slept_ms, APCONN_RETRY_BACKOFF_MS * 3u);
}
static void retries_stop_at_max_retries(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 503 X\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 503 X\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 503 X\r\nContent-Length: 3\r\n\r\nend");
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(resp.status, 503);
    CHECK_STR(resp.body, "end");
    CHECK_EQ(st.sleeps, 2);
}
#endif
static void no_retry_when_the_wait_would_pass_the_deadline(void) {
    fixture();
    client.timeout_ms = 10000;
    st_conn(&st);
    st_data(&st, "HTTP/1.1 503 X\r\nRetry-After: 30\r\nContent-Length: 4\r\n\r\nbusy");
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(resp.status, 503);
    CHECK_STR(resp.body, "busy");
    CHECK_EQ(st.sleeps, 0);
}
static void no_delayed_retry_without_sleep(void) {
    fixture();
    st.t.sleep_ms = NULL;
    st_conn(&st);
    st_data(&st, "HTTP/1.1 503 X\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(resp.status, 503);
}
static void gateway_errors_do_not_resend_a_post(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, "{}", 2, &resp, &err), APCONN_OK);
    CHECK_EQ(resp.status, 502);
    CHECK_EQ(st.sleeps, 0);
}
#ifndef APCONN_NO_RETRIES
static void connect_failures_are_retried_with_backoff(void) {
    fixture();
    st.connect_result[0] = APCONN_ERR_CONNECT;
    st.connect_result[1] = APCONN_ERR_DNS;
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, "{}", 2, &resp, &err), APCONN_OK);
    CHECK_EQ(st.connects, 3);
    CHECK_EQ(st.slept_ms, APCONN_RETRY_BACKOFF_MS * 3u);
}
static void connect_failure_after_last_retry_is_returned(void) {
    fixture();
    client.max_retries = 1;
    st.connect_result[0] = APCONN_ERR_DNS;
    st.connect_result[1] = APCONN_ERR_DNS;
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_DNS);
    CHECK_EQ(err.status, APCONN_ERR_DNS);
    CHECK_EQ(st.connects, 2);
}
#endif
static void certificate_failures_are_not_retried(void) {
    fixture();
    st.connect_result[0] = APCONN_ERR_CERT;
    st_conn(&st);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_CERT);
    CHECK_EQ(st.connects, 1);
}

/* ----- secrets and logging ---------------------------------------------------------------------- */
static void request_in_work_buffer_is_wiped_after_the_call(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    memcpy(work, "{\"secret_text\":\"xoxb-TOPSECRET\"}", 32);
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, (const char *)work, 32, &resp, &err), APCONN_OK);
    CHECK_STR(resp.body, "{}");
    CHECK(resp.body == (const char *)work + 32);
    CHECK(mem_has(st.sent, st.sent_len, "xoxb-TOPSECRET"));
    check_no_secret("xoxb-TOPSECRET");
}
static void request_is_wiped_after_a_failure_too(void) {
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab");
    st_eof(&st);
    memcpy(work, "{\"password\":\"hunter2-TOPSECRET\"}", 32);
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, (const char *)work, 32, &resp, &err),
             APCONN_ERR_HTTP_TRUNCATED);
    check_no_secret("hunter2-TOPSECRET");
}
static void log_lines_name_method_path_status_and_errors_only(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    if (PROFILE_IDLE_CLOSES) st_conn(&st); /* the second call's own connection */
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab");
    st_eof(&st);
    client.max_retries = 0;
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "cursor=c2VjcmV0", NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_ERR_HTTP_TRUNCATED);
#ifdef APCONN_EMPTY_STATUS_TEXT
    CHECK_STR(log_lines, "GET /v1/global-connections -> 200 (2 bytes)\n"
                         "GET /v1/global-connections -> status -67\n"); /* no texts: the number */
#else
    CHECK_STR(log_lines, "GET /v1/global-connections -> 200 (2 bytes)\n"
                         "GET /v1/global-connections -> response ended before its body was complete\n");
#endif
}
/* A line longer than APCONN_LOG_LINE_SIZE - 1 is cut: every byte of it is text
   that was put (none left as the buffer's old bytes). */
static void long_log_lines_are_cut_to_what_was_written(void) {
    char want[256];
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    st_eof(&st);
    CHECK_EQ(apconn_http_request(&client, "DELETE", PATH "/AbCdEfGhIjKlMnOpQrStU", NULL, NULL, 0, &resp, &err),
             APCONN_ERR_CLOSED);
    snprintf(want, sizeof want, "DELETE " PATH "/AbCdEfGhIjKlMnOpQrStU -> %s", apconn_strerror(APCONN_ERR_CLOSED));
#ifdef APCONN_EMPTY_STATUS_TEXT
    strcpy(want, "DELETE " PATH "/AbCdEfGhIjKlMnOpQrStU -> status -46");
#endif
    if (strlen(want) > APCONN_LOG_LINE_SIZE - 1) want[APCONN_LOG_LINE_SIZE - 1] = '\0';
    strcat(want, "\n");
    CHECK_STR(log_lines, want);
}
static void error_records_http_status_and_offset_of_framing_errors(void) {
    CHECK_EQ(get_with("HTTP/1.1 404 Not Found\r\nContent-Length: x\r\n\r\n", 0), APCONN_ERR_HTTP_LENGTH);
    CHECK_EQ(err.http_status, 404);
    CHECK_EQ(err.offset, strlen("HTTP/1.1 404 Not Found\r\nContent-Length: x\r\n"));
}

/* ----- transport edge cases ------------------------------------------------------------------------ */
static void single_connection_transport_is_never_reconnected(void) {
    fixture();
    st.t.connect = NULL;
    st.t.close = NULL;
    st_conn(&st);
    st.cur = 0; /* the caller opened it */
    st.next_conn = 1;
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    st_eof(&st);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_CLOSED);
    CHECK_EQ(st.connects, 0);
}
static void client_close_closes_and_wipes(void) {
    size_t i, nonzero = 0;
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 0), APCONN_OK);
    apconn_client_close(&client);
    CHECK_EQ(st.closes, 1);
    for (i = 0; i < sizeof work; i++) nonzero += work[i] != 0;
    CHECK_EQ(nonzero, 0);
}
static long recv_minus_one(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    (void)ctx; (void)buf; (void)len; (void)timeout_ms;
    return -1;
}
static long send_minus_one(void *ctx, const unsigned char *d, size_t len, uint32_t timeout_ms) {
    (void)ctx; (void)d; (void)len; (void)timeout_ms;
    return -1;
}
static void foreign_negative_returns_are_mapped(void) {
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    st.t.recv = recv_minus_one;
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_RECV);
    fixture();
    st_conn(&st);
    st.t.send = send_minus_one;
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_SEND);
}
static void zero_timeout_fails_before_connecting(void) {
    fixture();
    client.timeout_ms = 0;
    st_conn(&st);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_TIMEOUT);
    CHECK_EQ(st.connects, 0);
}
static void bad_exchange_arguments_are_refused(void) {
    fixture();
    CHECK_EQ(apconn_http_request(NULL, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_http_request(&client, NULL, PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, NULL, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, NULL, 5, &resp, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, NULL), APCONN_ERR_CONNECT);
}
static void response_needs_room_after_the_request_pieces(void) {
    fixture();
    st_conn(&st);
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, (const char *)work, WORK_SIZE - 1, &resp, &err),
             APCONN_ERR_BUFFER_FULL);
    CHECK_EQ(st.sent_len, 0);
}

/* Seeded mutations of valid responses, split at random: every outcome is a
   status from the list, and a body never exceeds the buffer (ASan watches). */
static void mutated_responses_end_in_a_known_status(void) {
    static const char *const seeds[] = {
        JSON_HEAD "Content-Length: 11\r\n\r\n{\"a\":[1,2]}",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nabcd\r\n2\r\nef\r\n0\r\nT: 1\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\nclose-delimited",
        "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"};
    static char text[256];
    uint32_t rng = 12345u;
    int round, k;
    apconn_status r;
    for (round = 0; round < 3000; round++) {
        const char *seed = seeds[round % 4];
        size_t n = strlen(seed);
        memcpy(text, seed, n + 1);
        for (k = 0; k < 1 + round % 4; k++) {
            rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5;
            text[rng % n] = (char)(rng >> 8); /* may be NUL: the length says where it ends */
        }
        fixture();
        client.max_retries = 0;
        client.timeout_ms = 1000;
        st.rng = rng | 1u;
        st.split = ST_RANDOM;
        st_conn(&st);
        st_data_len(&st, text, n);
        st_eof(&st);
        r = apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err);
        CHECK(r == APCONN_OK || (r <= APCONN_ERR_HTTP_STATUS_LINE && r >= APCONN_ERR_HTTP_UNSUPPORTED) ||
              r == APCONN_ERR_CLOSED || r == APCONN_ERR_TIMEOUT);
        CHECK(r != APCONN_OK || (resp.body_len < WORK_SIZE && resp.body[resp.body_len] == '\0'));
        check_no_secret(NULL);
    }
}

int main(void) {
    RUN(https_url_gives_host_default_port_and_path);
    RUN(trailing_slashes_are_removed);
    RUN(explicit_port_is_parsed);
    RUN(bad_ports_are_rejected);
    RUN(ipv6_literal_is_parsed);
    RUN(userinfo_query_fragment_and_other_schemes_are_rejected);
    RUN(control_bytes_in_url_are_refused);
    RUN(non_ascii_bytes_in_url_are_refused);
    RUN(percent_encoded_url_path_is_sent_as_is);
    RUN(control_bytes_in_key_are_refused);
    RUN(fragment_mark_in_the_query_is_refused);
    RUN(api_key_must_be_a_bearer_b64token);
    RUN(plain_http_only_to_loopback);
    RUN(scheme_and_transport_security_must_match);
    RUN(missing_arguments_are_refused);
    RUN3(get_request_is_exact);
    RUN3(post_request_has_json_type_and_length);
    RUN3(host_header_has_port_and_ipv6_brackets);
    RUN3(injection_in_path_query_or_method_is_refused_before_sending);
    RUN3(key_changed_to_contain_crlf_is_refused_before_sending);
    RUN3(content_length_body_is_read);
    RUN3(chunked_body_is_dechunked_in_place);
    RUN3(chunked_body_with_uppercase_hex_and_no_trailer);
    RUN3(close_delimited_body_ends_at_eof_and_closes);
    RUN3(interim_responses_are_skipped);
    RUN3(no_content_and_not_modified_have_no_body);
    RUN3(head_response_has_no_body);
    RUN3(http10_without_keep_alive_closes);
    RUN3(connection_close_header_closes);
    RUN3(json_content_type_is_recognised_case_insensitively);
    RUN3(equal_duplicate_lengths_are_accepted);
    RUN3(empty_reason_phrase_is_accepted);
    RUN3(would_block_reads_are_waited_out);
    RUN3(truncated_length_body_is_reported);
    RUN3(truncated_chunked_body_is_reported);
    RUN3(eof_inside_head_is_closed);
    RUN3(cut_inside_length_body_is_truncated);
    RUN3(cut_right_after_the_head_of_a_length_body_is_truncated);
    RUN3(cut_anywhere_inside_a_chunked_body_is_truncated);
    RUN3(cut_never_ends_a_close_delimited_body);
    RUN3(cut_inside_the_head_is_closed);
    RUN3(cut_before_any_byte_is_closed);
    RUN3(complete_response_is_not_affected_by_a_cut_after_it);
    RUN3(stale_connection_cut_before_the_response_is_retried);
#ifndef APCONN_NO_KEEPALIVE_PROBE
    RUN3(stale_connection_cut_inside_a_body_is_not_retried);
#endif
    RUN3(reset_is_a_receive_error);
    RUN3(chunk_size_overflow_is_rejected);
    RUN3(malformed_chunk_sizes_are_rejected);
    RUN3(missing_crlf_after_chunk_data_is_rejected);
    RUN3(conflicting_lengths_are_rejected);
    RUN3(signed_and_empty_lengths_are_rejected);
    RUN3(overflowing_length_is_rejected);
    RUN3(length_and_chunked_together_are_rejected);
    RUN3(other_transfer_codings_are_unsupported);
    RUN3(garbage_status_lines_are_rejected);
    RUN3(non_http_bytes_fail_at_once);
    RUN3(malformed_headers_are_rejected);
    RUN3(nul_in_a_header_name_is_rejected);
    RUN3(huge_head_is_too_large);
    RUN3(huge_bodies_are_too_large_never_truncated);
    RUN3(chunked_body_over_many_chunks_is_too_large);
    RUN3(largest_body_that_fits_is_read);
    RUN3(close_delimited_body_that_fills_the_buffer_exactly_is_read);
    RUN3(chunked_body_that_fills_the_buffer_exactly_is_read);
    RUN3(silent_server_times_out_at_the_deadline);
    RUN3(trickling_server_cannot_extend_the_deadline);
    RUN3(slow_connect_times_out);
    RUN3(callbacks_get_the_time_left);
#ifndef APCONN_NO_KEEPALIVE_PROBE
    RUN3(keep_alive_reuses_one_connection);
#else
    RUN3(without_the_probe_each_call_has_its_own_connection);
#endif
    RUN3(stale_connection_is_retried_once_for_get_and_delete);
    RUN3(stale_connection_reset_is_retried_too);
#ifndef APCONN_NO_KEEPALIVE_PROBE
    RUN3(stale_connection_is_not_retried_for_post);
#endif
    RUN3(stale_post_is_retried_when_the_caller_opts_in);
    RUN3(fresh_connection_closed_before_response_is_not_retried);
#ifndef APCONN_NO_RETRIES
    RUN3(retry_after_503_waits_the_server_delay);
#else
    RUN3(without_retries_a_503_or_429_is_returned_at_once);
    RUN3(without_retries_a_connect_failure_is_returned_at_once);
#endif
#ifndef APCONN_NO_RETRIES
    RUN3(retry_after_is_clamped);
#endif
#ifndef APCONN_NO_RETRIES
    RUN3(backoff_doubles_without_retry_after);
#endif
#ifndef APCONN_NO_RETRIES
    RUN3(retries_stop_at_max_retries);
#endif
    RUN3(no_retry_when_the_wait_would_pass_the_deadline);
    RUN3(no_delayed_retry_without_sleep);
    RUN3(gateway_errors_do_not_resend_a_post);
#ifndef APCONN_NO_RETRIES
    RUN3(connect_failures_are_retried_with_backoff);
#endif
#ifndef APCONN_NO_RETRIES
    RUN3(connect_failure_after_last_retry_is_returned);
#endif
    RUN3(certificate_failures_are_not_retried);
    RUN3(request_in_work_buffer_is_wiped_after_the_call);
    RUN3(request_is_wiped_after_a_failure_too);
    RUN3(log_lines_name_method_path_status_and_errors_only);
    RUN3(long_log_lines_are_cut_to_what_was_written);
    RUN3(error_records_http_status_and_offset_of_framing_errors);
    RUN3(single_connection_transport_is_never_reconnected);
    RUN3(client_close_closes_and_wipes);
    RUN3(foreign_negative_returns_are_mapped);
    RUN(zero_timeout_fails_before_connecting);
    RUN(bad_exchange_arguments_are_refused);
    RUN(response_needs_room_after_the_request_pieces);
    RUN(mutated_responses_end_in_a_known_status);
    fixture_unused();
    return harness_summary("test_http");
}
