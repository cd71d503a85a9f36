/* tests/platform/test_proxy.c - platform/apconn_proxy.h against a scripted inner
   transport: proxy URL parsing, no_proxy matching, the exact CONNECT bytes, the
   answer head read without taking a byte of the tunnel, refusals, deadlines.
   (The CLI through a real tinyproxy: tests/integration/test_proxy.py.) */
#define _POSIX_C_SOURCE 200809L /* setenv */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#define APCONN_PROXY_IMPLEMENTATION
#include "platform/apconn_proxy.h"

#include <stdlib.h>

#include "harness.h"

/* ---- a scripted inner transport ------------------------------------------- */
typedef struct fake {
    char sent[2048];
    size_t sent_len;
    const char *script; /* what recv hands out */
    size_t script_len, script_pos;
    size_t recv_chunk; /* at most this many bytes per recv (0 = all) */
    int connects, closes, connect_status;
    char connect_host[64];
    uint16_t connect_port;
    uint32_t now, step_ms; /* the clock moves step_ms per recv that has nothing */
} fake;

static int fake_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms) {
    fake *f = (fake *)ctx;
    (void)timeout_ms;
    f->connects++;
    strncpy(f->connect_host, host, sizeof f->connect_host - 1);
    f->connect_port = port;
    return f->connect_status;
}
static long fake_send(void *ctx, const unsigned char *data, size_t len, uint32_t timeout_ms) {
    fake *f = (fake *)ctx;
    (void)timeout_ms;
    if (len > 7) len = 7; /* partial sends: the layer must loop */
    memcpy(f->sent + f->sent_len, data, len);
    f->sent_len += len;
    f->sent[f->sent_len] = '\0';
    return (long)len;
}
static long fake_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    fake *f = (fake *)ctx;
    size_t n = f->script_len - f->script_pos;
    (void)timeout_ms;
    if (f->script == NULL) {
        f->now += f->step_ms;
        return APCONN_ERR_WOULD_BLOCK;
    }
    if (n == 0) return 0;
    if (n > len) n = len;
    if (f->recv_chunk && n > f->recv_chunk) n = f->recv_chunk;
    memcpy(buf, f->script + f->script_pos, n);
    f->script_pos += n;
    return (long)n;
}
static void fake_close(void *ctx) { ((fake *)ctx)->closes++; }
static uint32_t fake_now(void *ctx) { return ((fake *)ctx)->now; }

static apconn_transport fake_transport(fake *f, const char *script) {
    apconn_transport t;
    memset(f, 0, sizeof *f);
    memset(&t, 0, sizeof t);
    f->script = script;
    f->script_len = script ? strlen(script) : 0;
    t.ctx = f;
    t.connect = fake_connect;
    t.send = fake_send;
    t.recv = fake_recv;
    t.close = fake_close;
    t.now_ms = fake_now;
    return t;
}

/* ---- proxy URLs ------------------------------------------------------------- */
static void parses(const char *url, const char *host, unsigned port, const char *cred) {
    fake f;
    apconn_transport inner = fake_transport(&f, NULL), out;
    apconn_proxy p;
    int rc = apconn_proxy_transport(&p, url, &inner, &out);
    if (rc != APCONN_OK) printf("  (%s: %s)\n", url, p.note ? p.note : "?");
    CHECK_EQ(rc, APCONN_OK);
    CHECK_STR(p.host, host);
    CHECK_EQ(p.port, port);
    CHECK_STR(p.credentials, cred);
    CHECK_EQ(out.secure, 0);
}

static void proxy_urls_are_parsed_like_curl(void) {
    parses("http://proxy.lan:3128", "proxy.lan", 3128, "");
    parses("proxy.lan:3128", "proxy.lan", 3128, "");
    parses("HTTP://proxy.lan", "proxy.lan", 1080, "");
    parses("http://proxy.lan/", "proxy.lan", 1080, "");
    parses("http://127.0.0.1:8080/", "127.0.0.1", 8080, "");
    parses("http://[::1]:3128", "::1", 3128, "");
    parses("http://[fe80::1]", "fe80::1", 1080, "");
    parses("http://alice:s3cret@proxy.lan:3128", "proxy.lan", 3128, "alice:s3cret");
    parses("http://alice@proxy.lan:3128", "proxy.lan", 3128, "alice:");
    parses("http://al%69ce:p%40ss%3Aw%2Frd@proxy.lan:1", "proxy.lan", 1, "alice:p@ss:w/rd");
    parses("http://a:b@c@proxy.lan:65535", "proxy.lan", 65535, "a:b@c");
}

static void refused(const char *url, int status) {
    fake f;
    apconn_transport inner = fake_transport(&f, NULL), out;
    apconn_proxy p;
    CHECK_EQ(apconn_proxy_transport(&p, url, &inner, &out), status);
    CHECK(p.note != NULL && strstr(p.note, "s3cret") == NULL);
    CHECK_EQ(p.credentials[0], '\0'); /* wiped on failure */
}

static void bad_proxy_urls_are_refused_without_echoing_credentials(void) {
    refused("https://alice:s3cret@proxy.lan:3128", APCONN_ERR_URL);
    refused("socks5://proxy.lan:1080", APCONN_ERR_URL);
    refused("http://alice:s3cret@", APCONN_ERR_URL);
    refused("http://", APCONN_ERR_URL);
    refused("http://proxy.lan:", APCONN_ERR_URL);
    refused("http://proxy.lan:0", APCONN_ERR_URL);
    refused("http://proxy.lan:65536", APCONN_ERR_URL);
    refused("http://proxy.lan:99999999999", APCONN_ERR_URL);
    refused("http://proxy.lan:80a", APCONN_ERR_URL);
    refused("http://proxy.lan:3128/path", APCONN_ERR_URL);
    refused("http://[::1:3128", APCONN_ERR_URL);
    refused("http://[::1]x", APCONN_ERR_URL);
    refused("http://alice:s3cret@proxy lan", APCONN_ERR_URL);
    refused("http://alice:s3cret@proxy.lan\r\nX: y", APCONN_ERR_URL);
    refused("http://alice:s%0dcret@proxy.lan", APCONN_ERR_URL);
    refused("http://alice:s3%zzcret@proxy.lan", APCONN_ERR_URL);
    refused("http://alice:s3cret%4@proxy.lan", APCONN_ERR_URL);
    refused("http://pro%78y.lan", APCONN_ERR_URL);
}

static void long_hosts_and_credentials_do_not_fit(void) {
    static char url[APCONN_PROXY_CRED_SIZE + APCONN_HOST_SIZE + 64];
    size_t n;
    strcpy(url, "http://");
    n = strlen(url);
    memset(url + n, 'a', APCONN_HOST_SIZE);
    url[n + APCONN_HOST_SIZE] = '\0';
    refused(url, APCONN_ERR_URL);
    strcpy(url, "http://u:");
    n = strlen(url);
    memset(url + n, 'p', APCONN_PROXY_CRED_SIZE);
    strcpy(url + n + APCONN_PROXY_CRED_SIZE, "@proxy.lan");
    refused(url, APCONN_ERR_URL);
}

static void null_arguments_are_refused(void) {
    fake f;
    apconn_transport inner = fake_transport(&f, NULL), out;
    apconn_proxy p;
    CHECK_EQ(apconn_proxy_transport(NULL, "http://p", &inner, &out), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_proxy_transport(&p, NULL, &inner, &out), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_proxy_transport(&p, "http://p", NULL, &out), APCONN_ERR_ARGUMENT);
    inner.connect = NULL; /* a tunnel needs its own connection */
    CHECK_EQ(apconn_proxy_transport(&p, "http://p", &inner, &out), APCONN_ERR_ARGUMENT);
}

/* ---- no_proxy ----------------------------------------------------------------- */
static void no_proxy_matches_hosts_and_their_subdomains(void) {
    CHECK(apconn_proxy_bypass("*", "api.example.com"));
    CHECK(apconn_proxy_bypass("example.com", "example.com"));
    CHECK(apconn_proxy_bypass("example.com", "api.example.com"));
    CHECK(apconn_proxy_bypass(".example.com", "api.example.com"));
    CHECK(apconn_proxy_bypass(".example.com", "example.com"));
    CHECK(apconn_proxy_bypass("other.org, example.com", "api.example.com"));
    CHECK(apconn_proxy_bypass("other.org example.com", "api.example.com"));
    CHECK(apconn_proxy_bypass("EXAMPLE.com", "Api.Example.COM"));
    CHECK(apconn_proxy_bypass("example.com:443", "example.com"));
    CHECK(apconn_proxy_bypass("example.com", "example.com."));
    CHECK(apconn_proxy_bypass("10.0.0.1", "10.0.0.1"));
    CHECK(apconn_proxy_bypass("::1", "::1"));
    CHECK(apconn_proxy_bypass("[::1]", "[::1]"));
    CHECK(apconn_proxy_bypass("localhost,127.0.0.1", "127.0.0.1"));
}

static void no_proxy_does_not_match_look_alikes(void) {
    CHECK(!apconn_proxy_bypass(NULL, "example.com"));
    CHECK(!apconn_proxy_bypass("", "example.com"));
    CHECK(!apconn_proxy_bypass(",, ,", "example.com"));
    CHECK(!apconn_proxy_bypass("example.com", "badexample.com"));
    CHECK(!apconn_proxy_bypass("example.com", "example.com.evil.org"));
    CHECK(!apconn_proxy_bypass("api.example.com", "example.com"));
    CHECK(!apconn_proxy_bypass("10.0.0.1", "10.0.0.11"));
    CHECK(!apconn_proxy_bypass("0.0.1", "10.0.0.1")); /* an address has no suffixes */
    CHECK(!apconn_proxy_bypass(".0.0.1", "10.0.0.1"));
    CHECK(!apconn_proxy_bypass("*.example.com", "api.example.com"));
    CHECK(!apconn_proxy_bypass("**", "example.com"));
    CHECK(!apconn_proxy_bypass(".", "example.com"));
}

static void proxy_for_reads_the_environment_like_curl(void) {
    setenv("https_proxy", "http://lower:1", 1);
    setenv("HTTPS_PROXY", "http://upper:2", 1);
    unsetenv("no_proxy");
    unsetenv("NO_PROXY");
    CHECK_STR(apconn_proxy_for("api.example.com"), "http://lower:1");
    setenv("https_proxy", "", 1);
    CHECK_STR(apconn_proxy_for("api.example.com"), "http://upper:2");
    setenv("NO_PROXY", "example.com", 1);
    CHECK(apconn_proxy_for("api.example.com") == NULL);
    setenv("no_proxy", "other.org", 1); /* lowercase wins over uppercase */
    CHECK_STR(apconn_proxy_for("api.example.com"), "http://upper:2");
    unsetenv("HTTPS_PROXY");
    CHECK(apconn_proxy_for("api.example.com") == NULL);
    unsetenv("https_proxy");
    unsetenv("no_proxy");
    unsetenv("NO_PROXY");
}

/* ---- CONNECT ------------------------------------------------------------------------ */
static void connect_sends_the_tunnel_request_with_basic_credentials(void) {
    fake f;
    apconn_transport inner = fake_transport(&f, "HTTP/1.1 200 Connection established\r\n\r\n"), out;
    apconn_proxy p;
    CHECK_EQ(apconn_proxy_transport(&p, "http://alice:s3cret@proxy.lan:3128", &inner, &out), APCONN_OK);
    CHECK_EQ(out.connect(out.ctx, "api.example.com", 443, 1000), APCONN_OK);
    CHECK_STR(f.connect_host, "proxy.lan");
    CHECK_EQ(f.connect_port, 3128);
    CHECK_STR(f.sent, "CONNECT api.example.com:443 HTTP/1.1\r\nHost: api.example.com:443\r\n"
                      "User-Agent: apconn/" APCONN_VERSION_STRING "\r\n"
                      "Proxy-Authorization: Basic YWxpY2U6czNjcmV0\r\n\r\n");
    CHECK_EQ(f.closes, 0);
    apconn_proxy_free(&p);
    CHECK_EQ(p.credentials[0], '\0');
}

static void connect_without_credentials_sends_no_authorization(void) {
    fake f;
    apconn_transport inner = fake_transport(&f, "HTTP/1.0 200 OK\r\n\r\n"), out;
    apconn_proxy p;
    CHECK_EQ(apconn_proxy_transport(&p, "http://proxy.lan", &inner, &out), APCONN_OK);
    CHECK_EQ(out.connect(out.ctx, "2001:db8::1", 8443, 1000), APCONN_OK);
    CHECK_STR(f.sent, "CONNECT [2001:db8::1]:8443 HTTP/1.1\r\nHost: [2001:db8::1]:8443\r\n"
                      "User-Agent: apconn/" APCONN_VERSION_STRING "\r\n\r\n");
}

static void base64_pads_every_length(void) {
    static const char *const cases[][2] = {{"http://a@p", "YTo="}, {"http://ab@p", "YWI6"}, {"http://abc@p", "YWJjOg=="}};
    size_t i;
    for (i = 0; i < 3; i++) {
        fake f;
        apconn_transport inner = fake_transport(&f, "HTTP/1.1 200 OK\r\n\r\n"), out;
        apconn_proxy p;
        char want[64];
        CHECK_EQ(apconn_proxy_transport(&p, cases[i][0], &inner, &out), APCONN_OK);
        CHECK_EQ(out.connect(out.ctx, "h", 1, 1000), APCONN_OK);
        sprintf(want, "Proxy-Authorization: Basic %s\r\n", cases[i][1]);
        CHECK(strstr(f.sent, want) != NULL);
    }
}

static void the_tunnel_bytes_after_the_head_are_left_for_tls(void) {
    fake f;
    apconn_transport inner = fake_transport(&f, "HTTP/1.1 200 OK\r\nVia: x\r\n\r\n\x16\x03\x03TLS"), out;
    apconn_proxy p;
    unsigned char buf[16];
    CHECK_EQ(apconn_proxy_transport(&p, "http://proxy.lan", &inner, &out), APCONN_OK);
    CHECK_EQ(out.connect(out.ctx, "h", 443, 1000), APCONN_OK);
    CHECK_EQ(out.recv(out.ctx, buf, sizeof buf, 1000), 6);
    CHECK_MEM(buf, "\x16\x03\x03TLS", 6);
}

static void a_head_ended_by_bare_newlines_is_read(void) {
    fake f;
    apconn_transport inner = fake_transport(&f, "HTTP/1.1 200 OK\n\n"), out;
    apconn_proxy p;
    CHECK_EQ(apconn_proxy_transport(&p, "http://proxy.lan", &inner, &out), APCONN_OK);
    CHECK_EQ(out.connect(out.ctx, "h", 443, 1000), APCONN_OK);
}

static void connect_fails(const char *answer, int status, const char *reason_part) {
    fake f;
    apconn_transport inner = fake_transport(&f, answer), out;
    apconn_proxy p;
    char reason[256];
    CHECK_EQ(apconn_proxy_transport(&p, "http://alice:s3cret@proxy.lan:3128", &inner, &out), APCONN_OK);
    CHECK_EQ(out.connect(out.ctx, "api.example.com", 443, 1000), status);
    CHECK_EQ(f.closes, 1);
    CHECK(apconn_proxy_reason(&p, reason, sizeof reason) > 0);
    if (strstr(reason, reason_part) == NULL) printf("  (reason: %s)\n", reason);
    CHECK(strstr(reason, reason_part) != NULL);
    CHECK(strstr(reason, "s3cret") == NULL && strstr(reason, "YWxpY2U6czNjcmV0") == NULL);
}

static void a_refusal_is_connect_failure_with_the_status_line(void) {
    connect_fails("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n", APCONN_ERR_CONNECT,
                  "refused the tunnel: HTTP/1.1 407 Proxy Authentication Required");
    connect_fails("HTTP/1.0 403 Forbidden\r\n\r\n", APCONN_ERR_CONNECT, "HTTP/1.0 403 Forbidden");
    connect_fails("HTTP/1.1 502 Bad Gateway\r\n\r\n", APCONN_ERR_CONNECT, "HTTP/1.1 502 Bad Gateway");
    connect_fails("HTTP/1.1 302 Found\r\nLocation: x\r\n\r\n", APCONN_ERR_CONNECT, "302");
}

static void an_answer_that_is_not_http_is_refused(void) {
    connect_fails("SSH-2.0-OpenSSH_9.2\r\n\r\n", APCONN_ERR_CONNECT, "not HTTP");
    connect_fails("HTTP/1.1 2000 OK\r\n\r\n", APCONN_ERR_CONNECT, "not HTTP");
    connect_fails("HTTP/1.1 20 OK\r\n\r\n", APCONN_ERR_CONNECT, "not HTTP");
    connect_fails("HTTP/2 200\r\n\r\n", APCONN_ERR_CONNECT, "not HTTP");
    connect_fails("HTTP/1.1 200 OK\r\n", APCONN_ERR_CONNECT, "closed the connection");
    connect_fails("", APCONN_ERR_CONNECT, "closed the connection");
}

static void a_status_line_with_control_bytes_is_reported_printable(void) {
    connect_fails("HTTP/1.1 403 Bad\x1b[31m\r\n\r\n", APCONN_ERR_CONNECT, "HTTP/1.1 403 Bad?[31m");
}

static void a_head_larger_than_its_limit_is_refused(void) {
    static char answer[APCONN_PROXY_HEAD_SIZE + 64];
    strcpy(answer, "HTTP/1.1 200 OK\r\nX: ");
    memset(answer + strlen(answer), 'x', APCONN_PROXY_HEAD_SIZE);
    strcat(answer, "\r\n\r\n");
    connect_fails(answer, APCONN_ERR_CONNECT, "APCONN_PROXY_HEAD_SIZE");
}

static void a_silent_proxy_is_bounded_by_the_deadline(void) {
    fake f;
    apconn_transport inner = fake_transport(&f, NULL), out;
    apconn_proxy p;
    char reason[256];
    f.step_ms = 100;
    CHECK_EQ(apconn_proxy_transport(&p, "http://proxy.lan", &inner, &out), APCONN_OK);
    CHECK_EQ(out.connect(out.ctx, "h", 443, 1000), APCONN_ERR_TIMEOUT);
    CHECK(f.now >= 1000 && f.now <= 1100);
    CHECK_EQ(f.closes, 1);
    apconn_proxy_reason(&p, reason, sizeof reason);
    CHECK(strstr(reason, "deadline") != NULL);
}

static void an_inner_connect_failure_keeps_its_status(void) {
    fake f;
    apconn_transport inner = fake_transport(&f, ""), out;
    apconn_proxy p;
    char reason[256];
    f.connect_status = APCONN_ERR_DNS;
    CHECK_EQ(apconn_proxy_transport(&p, "http://proxy.lan", &inner, &out), APCONN_OK);
    CHECK_EQ(out.connect(out.ctx, "h", 443, 1000), APCONN_ERR_DNS);
    CHECK_EQ(f.sent_len, 0);
    apconn_proxy_reason(&p, reason, sizeof reason);
    CHECK_STR(reason, "cannot connect to the proxy");
}

static void a_target_with_control_bytes_is_refused_before_connecting(void) {
    fake f;
    apconn_transport inner = fake_transport(&f, ""), out;
    apconn_proxy p;
    CHECK_EQ(apconn_proxy_transport(&p, "http://proxy.lan", &inner, &out), APCONN_OK);
    CHECK_EQ(out.connect(out.ctx, "h\r\nX: 1", 443, 1000), APCONN_ERR_ARGUMENT);
    CHECK_EQ(out.connect(out.ctx, "", 443, 1000), APCONN_ERR_ARGUMENT);
    CHECK_EQ(f.connects, 0);
}

static void reason_is_cut_to_the_buffer(void) {
    apconn_proxy p;
    char small[8];
    memset(&p, 0, sizeof p);
    p.note = "the proxy refused the tunnel";
    strcpy(p.status_line, "HTTP/1.1 407 X");
    CHECK_EQ(apconn_proxy_reason(&p, small, sizeof small), 7);
    CHECK_STR(small, "the pro");
    CHECK_EQ(apconn_proxy_reason(&p, NULL, 0), 0);
    p.note = NULL;
    CHECK_EQ(apconn_proxy_reason(&p, small, sizeof small), 0);
}

int main(void) {
    RUN(proxy_urls_are_parsed_like_curl);
    RUN(bad_proxy_urls_are_refused_without_echoing_credentials);
    RUN(long_hosts_and_credentials_do_not_fit);
    RUN(null_arguments_are_refused);
    RUN(no_proxy_matches_hosts_and_their_subdomains);
    RUN(no_proxy_does_not_match_look_alikes);
    RUN(proxy_for_reads_the_environment_like_curl);
    RUN(connect_sends_the_tunnel_request_with_basic_credentials);
    RUN(connect_without_credentials_sends_no_authorization);
    RUN(base64_pads_every_length);
    RUN(the_tunnel_bytes_after_the_head_are_left_for_tls);
    RUN(a_head_ended_by_bare_newlines_is_read);
    RUN(a_refusal_is_connect_failure_with_the_status_line);
    RUN(an_answer_that_is_not_http_is_refused);
    RUN(a_status_line_with_control_bytes_is_reported_printable);
    RUN(a_head_larger_than_its_limit_is_refused);
    RUN(a_silent_proxy_is_bounded_by_the_deadline);
    RUN(an_inner_connect_failure_keeps_its_status);
    RUN(a_target_with_control_bytes_is_refused_before_connecting);
    RUN(reason_is_cut_to_the_buffer);
    return harness_summary("proxy_unit");
}
