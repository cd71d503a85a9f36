/* The base URL and loopback: what apconn_client_init takes from a URL (host
   forms, port, path, each up to its field's size), what it refuses
   (userinfo, query, fragment, other schemes, bytes that need encoding, each
   missing argument), what apconn_client_close does with a client never set
   up, and the rule that plain http goes only to a loopback host written in
   its one canonical form: look-alikes that a resolver could send elsewhere
   are not loopback. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "call_fixture.h"

#define COUNT(a) (sizeof (a) / sizeof (a)[0])
/* A base URL, whether the transport is secure, what client_init returns,
   and the port it must then hold (0: not checked). */
typedef struct {
    const char *url;
    int secure;
    apconn_status want;
    unsigned port;
} url_case;
static void expect_each_url(const url_case *cases, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        int was = case_begin();
        CHECK_EQ(init_url(cases[i].url, cases[i].secure), cases[i].want);
        if (cases[i].port) CHECK_EQ(client.port, cases[i].port);
        case_end(was, i);
    }
}

/* ----- host, port and path --------------------------------------------------------------------- */
static void https_url_gives_host_default_port_and_path(void) {
    CHECK_EQ(init_url("https://ap.example.com/api", 1), APCONN_OK);
    CHECK_STR(client.host, "ap.example.com");
    CHECK_EQ(client.port, 443);
    CHECK_STR(client.base_path, "/api");
    CHECK_EQ(client.timeout_ms, APCONN_DEFAULT_TIMEOUT_MS);
    CHECK_EQ(client.max_retries, APCONN_DEFAULT_MAX_RETRIES);
}
static void trailing_slashes_of_the_base_path_are_removed(void) {
    CHECK_EQ(init_url("https://ap.example.com/api//", 1), APCONN_OK);
    CHECK_STR(client.base_path, "/api");
    CHECK_EQ(init_url("https://ap.example.com/", 1), APCONN_OK);
    CHECK_STR(client.base_path, "");
    CHECK_EQ(init_url("HTTPS://ap.example.com", 1), APCONN_OK);
    CHECK_STR(client.base_path, "");
}

/* "https://" + a host of n letters + path */
static const char *url_with_host(size_t n, const char *path) {
    static char url[APCONN_HOST_SIZE + 64];
    strcpy(url, "https://");
    memset(url + 8, 'h', n);
    strcpy(url + 8 + n, path);
    return url;
}
static void host_of_up_to_host_size_minus_one_bytes_fits_and_a_longer_one_is_refused(void) {
    CHECK_EQ(init_url(url_with_host(APCONN_HOST_SIZE - 1, "/api"), 1), APCONN_OK);
    CHECK_EQ(strlen(client.host), APCONN_HOST_SIZE - 1);
    CHECK_EQ(init_url(url_with_host(APCONN_HOST_SIZE, "/api"), 1), APCONN_ERR_URL);
    CHECK_EQ(err.status, APCONN_ERR_URL);
    CHECK_EQ(init_url(url_with_host(APCONN_HOST_SIZE + 20, ""), 1), APCONN_ERR_URL);
}
static void base_path_of_up_to_base_path_size_minus_one_bytes_fits_and_a_longer_one_is_refused(void) {
    char url[APCONN_BASE_PATH_SIZE + 64];
    size_t n;
    strcpy(url, "https://ap.example.com");
    n = strlen(url);
    memset(url + n, 'p', APCONN_BASE_PATH_SIZE);
    url[n] = '/';
    url[n + APCONN_BASE_PATH_SIZE - 1] = '\0'; /* a path of APCONN_BASE_PATH_SIZE - 1 bytes */
    CHECK_EQ(init_url(url, 1), APCONN_OK);
    CHECK_EQ(strlen(client.base_path), APCONN_BASE_PATH_SIZE - 1);
    strcat(url, "/"); /* a trailing slash is dropped: still fits */
    CHECK_EQ(init_url(url, 1), APCONN_OK);
    url[strlen(url) - 1] = 'p'; /* one byte more does not */
    CHECK_EQ(init_url(url, 1), APCONN_ERR_URL);
    CHECK_EQ(err.status, APCONN_ERR_URL);
}
static void explicit_port_is_parsed(void) {
    static const url_case cases[] = {
        {"https://ap.example.com:8443/api", 1, APCONN_OK, 8443},
        {"https://ap.example.com:65535", 1, APCONN_OK, 65535},
    };
    expect_each_url(cases, COUNT(cases));
}
static void port_outside_1_to_65535_or_not_plain_decimal_is_refused(void) {
    static const url_case cases[] = {
        {"https://ap.example.com:0/api", 1, APCONN_ERR_URL, 0},
        {"https://ap.example.com:65536/api", 1, APCONN_ERR_URL, 0},
        {"https://ap.example.com:/api", 1, APCONN_ERR_URL, 0},
        {"https://ap.example.com:+443/api", 1, APCONN_ERR_URL, 0},
        {"https://ap.example.com:44a/api", 1, APCONN_ERR_URL, 0},
        {"https://ap.example.com:000443/api", 1, APCONN_ERR_URL, 0},
    };
    expect_each_url(cases, COUNT(cases));
}
static void ipv6_literal_host_is_read_between_brackets(void) {
    CHECK_EQ(init_url("http://[::1]:3000/", 0), APCONN_OK);
    CHECK_STR(client.host, "::1");
    CHECK_EQ(client.port, 3000);
    CHECK_EQ(init_url("https://[2001:db8::7]/api", 1), APCONN_OK);
    CHECK_STR(client.host, "2001:db8::7");
    CHECK_EQ(init_url("https://[::1/api", 1), APCONN_ERR_URL);
    CHECK_EQ(init_url("https://[zz::1]/api", 1), APCONN_ERR_URL);
    CHECK_EQ(init_url("https://[]/api", 1), APCONN_ERR_URL);
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

/* ----- what a URL may not hold ----------------------------------------------------------------- */
static void userinfo_query_fragment_and_other_schemes_are_refused(void) {
    static const url_case cases[] = {
        {"https://user:pw@ap.example.com/api", 1, APCONN_ERR_URL, 0},
        {"https://ap.example.com/api?x=1", 1, APCONN_ERR_URL, 0},
        {"https://ap.example.com/api#top", 1, APCONN_ERR_URL, 0},
        {"ftp://ap.example.com/api", 1, APCONN_ERR_URL, 0},
        {"ap.example.com/api", 1, APCONN_ERR_URL, 0},
        {"https:///api", 1, APCONN_ERR_URL, 0},
        {"https://ap_example.com/api", 1, APCONN_ERR_URL, 0},
    };
    expect_each_url(cases, COUNT(cases));
}
static void percent_encoded_or_userinfo_hosts_are_malformed(void) {
    static const url_case cases[] = {
        {"http://%6c%6fcalhost/api", 0, APCONN_ERR_URL, 0},
        {"http://evil.example@127.0.0.1/api", 0, APCONN_ERR_URL, 0},
        {"http://127.0.0.1:80@evil.example/api", 0, APCONN_ERR_URL, 0},
        {"http://127.0.0.1\\@evil.example/api", 0, APCONN_ERR_URL, 0},
    };
    expect_each_url(cases, COUNT(cases));
}
static void control_bytes_in_url_are_refused(void) {
    static const url_case cases[] = {
        {"https://ap.example.com/api\r\nX-Evil: 1", 1, APCONN_ERR_UNSAFE_CHAR, 0},
        {"https://ap.example.com/a pi", 1, APCONN_ERR_UNSAFE_CHAR, 0},
        {"https://ap.example.com\t/api", 1, APCONN_ERR_UNSAFE_CHAR, 0},
    };
    expect_each_url(cases, COUNT(cases));
}
/* Raw bytes >= 0x80 would reach the request line unencoded: the caller must
   percent-encode them (RFC 3986 §2.1). */
static void non_ascii_bytes_in_url_are_refused(void) {
    static const url_case cases[] = {
        {"https://ap.example.com/\xc3\xa9t\xc3\xa9", 1, APCONN_ERR_URL, 0}, /* UTF-8 path */
        {"https://ap.example.com/api\x80", 1, APCONN_ERR_URL, 0}, /* lowest such byte */
        {"https://ap.example.com/api\xff/v", 1, APCONN_ERR_URL, 0}, /* highest */
        {"https://b\xc3\xbc" "cher.example/api", 1, APCONN_ERR_URL, 0}, /* IDN host, not its A-label */
        {"https://ap.example.com:44\xb3/api", 1, APCONN_ERR_URL, 0}, /* in the port */
    };
    expect_each_url(cases, COUNT(cases));
}
/* A '#' would end the request target (RFC 3986 section 3.5): the rest never reaches the server. */
static void fragment_mark_in_the_query_is_refused(void) {
    fixture();
    st_conn(&st);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "a=b#c", NULL, 0, &resp, &err), APCONN_ERR_UNSAFE_CHAR);
    CHECK_EQ(st.connects, 0);
    CHECK_EQ(st.sent_len, 0);
}

/* ----- plain http only to loopback ------------------------------------------------------------- */
static void plain_http_is_allowed_only_to_loopback(void) {
    static const url_case cases[] = {
        {"http://127.0.0.1:3000", 0, APCONN_OK, 3000},
        {"http://127.10.20.30/api", 0, APCONN_OK, 80},
        {"http://LocalHost:8080", 0, APCONN_OK, 0},
        {"http://[::1]", 0, APCONN_OK, 0},
        {"http://ap.example.com/api", 0, APCONN_ERR_INSECURE, 0},
        {"http://128.0.0.1/api", 0, APCONN_ERR_INSECURE, 0},
        {"http://127.0.0.1.evil.example/api", 0, APCONN_ERR_INSECURE, 0},
        {"http://127.0.0.256/api", 0, APCONN_ERR_INSECURE, 0},
        {"http://localhost.evil.example/api", 0, APCONN_ERR_INSECURE, 0},
    };
    expect_each_url(cases, COUNT(cases));
}
static void loopback_look_alikes_are_not_loopback(void) {
    static const char *const urls[] = {"http://[::ffff:127.0.0.1]/api", "http://0x7f.1/api", "http://2130706433/api",
                                       "http://127.1/api", "http://0177.0.0.1/api", "http://localhost./api",
                                       "http://127.0.0.1./api", "http://localhost-evil.example/api",
                                       "http://[0:0:0:0:0:0:0:2]/api"};
    size_t i;
    for (i = 0; i < sizeof urls / sizeof urls[0]; i++) CHECK_EQ(init_url(urls[i], 0), APCONN_ERR_INSECURE);
}
/* Fixed defect: apconn__http_is_ipv4_loopback accepted octets with leading zeros. glibc's
   getaddrinfo (the POSIX transport) does not read "08" as a number (inet_aton
   takes a leading 0 as octal), so "127.0.0.08" goes to DNS as a NAME: whoever
   answers DNS picks the address the key is sent to in clear scratch. */
static void dotted_quad_with_a_leading_zero_octet_is_not_loopback(void) {
    static const url_case cases[] = {
        {"http://127.0.0.08/api", 0, APCONN_ERR_INSECURE, 0},
        {"http://127.0.0.019/api", 0, APCONN_ERR_INSECURE, 0},
        {"http://127.00.0.1/api", 0, APCONN_ERR_INSECURE, 0},
    };
    expect_each_url(cases, COUNT(cases));
}
static void scheme_and_transport_security_must_match(void) {
    static const url_case cases[] = {
        {"https://ap.example.com/api", 0, APCONN_ERR_INSECURE, 0},
        {"http://127.0.0.1/api", 1, APCONN_ERR_ARGUMENT, 0},
    };
    expect_each_url(cases, COUNT(cases));
}

/* ----- client_init arguments ------------------------------------------------------------------- */
static void client_init_refuses_missing_arguments(void) {
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

/* Each argument client_init needs, missing alone: APCONN_ERR_ARGUMENT. */
static void client_init_refuses_each_missing_argument_alone_and_keeps_nothing(void) {
    apconn_transport t, bad;
    unsigned i;
    st_init(&st, ST_WHOLE);
    t = st.t;
    CHECK_EQ(apconn_client_init(&client, URL, KEY, &t, work, sizeof work, tokens, TOKENS, &err), APCONN_OK);
    for (i = 0; i < 11; i++) {
        const char *url = URL, *key = KEY;
        const apconn_transport *tp = &bad;
        void *w = work;
        size_t ws = sizeof work, tc = TOKENS;
        apconn_token *tk = tokens;
        apconn_status s;
        bad = t;
        switch (i) {
        case 0: url = NULL; break;
        case 1: key = NULL; break;
        case 2: tp = NULL; break;
        case 3: bad.send = NULL; break;
        case 4: bad.recv = NULL; break;
        case 5: bad.now_ms = NULL; break;
        case 6: w = NULL; break;
        case 7: ws = 1; break;
        case 8: ws = (size_t)INT_MAX + 1u; break; /* token offsets are int */
        case 9: tk = NULL; break;
        default: tc = 0; break;
        }
        memset(&err, 0x5A, sizeof err);
        s = apconn_client_init(&client, url, key, tp, w, ws, tk, tc, &err);
        CHECK_EQ(s, APCONN_ERR_ARGUMENT);
        CHECK_EQ(err.status, APCONN_ERR_ARGUMENT);
        CHECK_EQ(err.field[0], '\0');
        CHECK(client.transport == NULL); /* nothing of a refused setup is kept */
        if (s != APCONN_ERR_ARGUMENT) printf("    case %u\n", i);
    }
    CHECK_EQ(apconn_client_init(NULL, URL, KEY, &t, work, sizeof work, tokens, TOKENS, &err), APCONN_ERR_ARGUMENT);
}
/* close is safe on NULL, and on a client whose init failed: no transport
   call, and nothing to wipe. */
static void client_close_of_null_or_of_a_failed_init_touches_nothing(void) {
    st_init(&st, ST_WHOLE);
    apconn_client_close(NULL);
    memset(work, 'x', sizeof work);
    CHECK_EQ(apconn_client_init(&client, "ftp://ap.example.com", KEY, &st.t, work, sizeof work, tokens, TOKENS, &err),
             APCONN_ERR_URL);
    apconn_client_close(&client);
    CHECK_EQ(st.closes, 0);
    CHECK_EQ(work[0], 'x');
    /* a client that was set up is closed and wiped */
    CHECK_EQ(init_url(URL, 1), APCONN_OK);
    apconn_client_close(&client);
    CHECK_EQ(work[0], 0);
    CHECK_EQ(st.closes, 0); /* never connected */
}

int main(void) {
    RUN(https_url_gives_host_default_port_and_path);
    RUN(trailing_slashes_of_the_base_path_are_removed);
    RUN(host_of_up_to_host_size_minus_one_bytes_fits_and_a_longer_one_is_refused);
    RUN(base_path_of_up_to_base_path_size_minus_one_bytes_fits_and_a_longer_one_is_refused);
    RUN(explicit_port_is_parsed);
    RUN(port_outside_1_to_65535_or_not_plain_decimal_is_refused);
    RUN(ipv6_literal_host_is_read_between_brackets);
    RUN(percent_encoded_url_path_is_sent_as_is);
    RUN(userinfo_query_fragment_and_other_schemes_are_refused);
    RUN(percent_encoded_or_userinfo_hosts_are_malformed);
    RUN(control_bytes_in_url_are_refused);
    RUN(non_ascii_bytes_in_url_are_refused);
    RUN(fragment_mark_in_the_query_is_refused);
    RUN(plain_http_is_allowed_only_to_loopback);
    RUN(loopback_look_alikes_are_not_loopback);
    RUN(dotted_quad_with_a_leading_zero_octet_is_not_loopback);
    RUN(scheme_and_transport_security_must_match);
    RUN(client_init_refuses_missing_arguments);
    RUN(client_init_refuses_each_missing_argument_alone_and_keeps_nothing);
    RUN(client_close_of_null_or_of_a_failed_init_touches_nothing);
    call_fixture_unused();
    return harness_summary("url_loopback");
}
