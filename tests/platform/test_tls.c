/* tests/platform/test_tls.c - platform/apconn_mbedtls.h over platform/apconn_posix.h
   against real loopback TLS servers (tests/tools/tls_test_server.py, which also
   runs `openssl s_server -www`), started and stopped by tests/tools/run_tls_test.sh.
   Built twice: against mbedTLS 2.28 (system) and 3.6 (built into build/).
   Environment: APCONN_TLS_CERTS (directory of make_test_certs.sh),
   APCONN_TLS_PORTS ("<mode> <port>" lines), APCONN_TLS_LOG (the server's log). */
#define APCONN_POSIX_IMPLEMENTATION
#include "platform/apconn_posix.h"
#define APCONN_MBEDTLS_IMPLEMENTATION
#include "platform/apconn_mbedtls.h"

#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define SUITE "platform_tls_mbedtls3"
#else
#define SUITE "platform_tls_mbedtls2"
#endif

#define TIMEOUT_MS 5000u     /* generous: a pass never waits for it */
#define SHORT_WAIT_MS 100u   /* for "nothing happens within the time" */
#define STALL_BUDGET_MS 300u /* deadline given to a handshake that can never finish */
#define LOG_WAIT_MS 3000u    /* how long to wait for the server to log an event */

static const char *certs_dir, *ports_file, *log_file;
static char ca_pem[8192];
static size_t ca_pem_len; /* without the NUL */
static unsigned char ca_der[4096];
static size_t ca_der_len;

/* Big mbedTLS contexts: static, not on the stack. */
static apconn_posix tcp;
static apconn_transport plain, secure;
static apconn_mbedtls tls;
static apconn_mbedtls_config cfg;
static char response[32768];
static size_t response_len;
static char reason[256];

static size_t read_file(const char *dir, const char *name, void *buf, size_t size) {
    char path[512];
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "%s%s%s", dir ? dir : "", dir ? "/" : "", name);
    f = fopen(path, "rb");
    if (f == NULL) return 0;
    n = fread(buf, 1, size - 1, f);
    fclose(f);
    ((char *)buf)[n] = '\0';
    return n;
}

static uint16_t port_of(const char *mode) {
    static char text[1024];
    char key[64];
    const char *p;
    read_file(NULL, ports_file, text, sizeof text);
    snprintf(key, sizeof key, "%s ", mode);
    for (p = text; p != NULL && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, key, strlen(key)) == 0) return (uint16_t)atoi(p + strlen(key));
    printf("  no port for mode %s\n", mode);
    return 0;
}

static int log_count(const char *needle) {
    static char text[65536];
    const char *p;
    int n = 0;
    read_file(NULL, log_file, text, sizeof text);
    for (p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle)) n++;
    return n;
}

static int log_contains(const char *needle) { return log_count(needle) > 0; }

/* The server logs from its own threads: wait until the event is there. */
static int log_wait(const char *needle) {
    uint32_t start = apconn_posix_now_ms(NULL);
    while ((uint32_t)(apconn_posix_now_ms(NULL) - start) < LOG_WAIT_MS) {
        if (log_contains(needle)) return 1;
        apconn_posix_sleep_ms(NULL, 10);
    }
    return 0;
}

static int log_wait_count(const char *needle, int count) {
    uint32_t start = apconn_posix_now_ms(NULL);
    while ((uint32_t)(apconn_posix_now_ms(NULL) - start) < LOG_WAIT_MS) {
        if (log_count(needle) >= count) return 1;
        apconn_posix_sleep_ms(NULL, 10);
    }
    return 0;
}

static void default_config(void) {
    memset(&cfg, 0xA5, sizeof cfg); /* prove config_init sets every field */
    apconn_mbedtls_config_init(&cfg);
    cfg.ca = (const unsigned char *)ca_pem;
    cfg.ca_len = ca_pem_len + 1; /* with the NUL, as mbedtls_x509_crt_parse wants */
}

static int setup(void) {
    apconn_posix_transport(&tcp, &plain);
    return apconn_mbedtls_transport(&tls, &cfg, &plain, &secure);
}

static int connect_mode(const char *host, const char *mode) {
    return secure.connect(secure.ctx, host, port_of(mode), TIMEOUT_MS);
}

/* Sends a whole GET; reads until EOF/failure. Returns the last recv status
   (0 = orderly EOF). The response is in `response`. */
static long http_get(const char *path) {
    char req[256];
    size_t off = 0, len;
    long rc;
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", path);
    len = strlen(req);
    while (off < len) {
        rc = secure.send(secure.ctx, (const unsigned char *)req + off, len - off, TIMEOUT_MS);
        if (rc <= 0) return rc;
        off += (size_t)rc;
    }
    response_len = 0;
    for (;;) {
        rc = secure.recv(secure.ctx, (unsigned char *)response + response_len,
                         sizeof response - 1 - response_len, TIMEOUT_MS);
        if (rc <= 0) break;
        response_len += (size_t)rc;
        if (response_len == sizeof response - 1) break;
    }
    response[response_len] = '\0';
    return rc;
}

static void good_certificate_connects_and_answers(void) {
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(secure.secure, 1);
    CHECK_EQ(connect_mode("localhost", "good"), APCONN_OK);
    CHECK_EQ(apconn_mbedtls_verify_flags(&tls), 0);
    CHECK_EQ(http_get("/hello"), 0);
    CHECK(strstr(response, "HTTP/1.1 200 OK") == response);
    CHECK(strstr(response, "mode=good") != NULL);
    CHECK(strstr(response, "path=/hello") != NULL);
    CHECK(log_wait("REQUEST good GET /hello"));
    secure.close(secure.ctx);
    apconn_mbedtls_free(&tls);
}

static void negotiates_the_best_version_the_library_has(void) {
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "good"), APCONN_OK);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
    CHECK_STR(apconn_mbedtls_version(&tls), "TLSv1.3");
#else
    CHECK_STR(apconn_mbedtls_version(&tls), "TLSv1.2");
#endif
    secure.close(secure.ctx);
    CHECK_STR(apconn_mbedtls_version(&tls), "unknown");
    apconn_mbedtls_free(&tls);
}

static void tls12_only_negotiates_tls12(void) {
    default_config();
    cfg.tls12_only = 1;
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "good"), APCONN_OK);
    CHECK_STR(apconn_mbedtls_version(&tls), "TLSv1.2");
    CHECK_EQ(http_get("/v12"), 0);
    CHECK(strstr(response, "version=TLSv1.2") != NULL);
    apconn_mbedtls_free(&tls);
}

/* A refused certificate: APCONN_ERR_CERT with the expected flag, the server
   saw the handshake fail, a send afterwards is refused, and no request
   line reached the server (the counts before and after are compared, so
   tests that do reach it, like the opt-out, can run in any order). */
static void check_refused(const char *mode, const char *host, uint32_t flag) {
    char failed[64], request[64];
    int failures, requests;
    snprintf(failed, sizeof failed, "HANDSHAKE_FAILED %s ", mode);
    snprintf(request, sizeof request, "REQUEST %s ", mode);
    failures = log_count(failed);
    requests = log_count(request);
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode(host, mode), APCONN_ERR_CERT);
    CHECK(apconn_mbedtls_verify_flags(&tls) & flag);
    CHECK(apconn_mbedtls_reason(&tls, reason, sizeof reason) > 0);
    CHECK_EQ(secure.send(secure.ctx, (const unsigned char *)"GET / HTTP/1.1\r\n\r\n", 18, TIMEOUT_MS),
             APCONN_ERR_SEND);
    CHECK(log_wait_count(failed, failures + 1));
    CHECK_EQ(log_count(request), requests);
    apconn_mbedtls_free(&tls);
}

static void wrong_host_name_is_refused_before_any_data(void) {
    check_refused("wronghost", "localhost", MBEDTLS_X509_BADCERT_CN_MISMATCH);
}
static void untrusted_ca_is_refused_before_any_data(void) {
    check_refused("untrusted", "localhost", MBEDTLS_X509_BADCERT_NOT_TRUSTED);
}
static void expired_certificate_is_refused_before_any_data(void) {
    check_refused("expired", "localhost", MBEDTLS_X509_BADCERT_EXPIRED);
}
static void self_signed_certificate_is_refused_before_any_data(void) {
    check_refused("selfsigned", "localhost", MBEDTLS_X509_BADCERT_NOT_TRUSTED);
}

static void expired_reason_is_readable(void) {
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "expired"), APCONN_ERR_CERT);
    apconn_mbedtls_reason(&tls, reason, sizeof reason);
    CHECK(strstr(reason, "expired") != NULL);
    CHECK(strchr(reason, '\n') == NULL); /* one line */
    apconn_mbedtls_free(&tls);
}

/* server.pem has DNS:localhost only: an IP host does not match it. */
static void ip_address_host_without_server_name_is_refused(void) {
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("127.0.0.1", "good"), APCONN_ERR_CERT);
    CHECK(apconn_mbedtls_verify_flags(&tls) & MBEDTLS_X509_BADCERT_CN_MISMATCH);
    apconn_mbedtls_reason(&tls, reason, sizeof reason);
    CHECK(strstr(reason, "no iPAddress subjectAltName") != NULL);
    apconn_mbedtls_free(&tls);
}

/* ---- host names: IP literals, no CN fallback (issue 12) ---- */

/* An inner transport that connects to 127.0.0.1 whatever host it is given:
   the TLS layer verifies "::1" (its host argument) against the certificate
   without the machine needing IPv6. */
static int to_ipv4_loopback(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms) {
    (void)host;
    return apconn_posix_connect(ctx, "127.0.0.1", port, timeout_ms);
}

static int setup_redirected(void) {
    static apconn_transport redirected;
    apconn_posix_transport(&tcp, &redirected);
    redirected.connect = to_ipv4_loopback;
    return apconn_mbedtls_transport(&tls, &cfg, &redirected, &secure);
}

static void ipv4_host_matches_its_ip_san_and_sends_no_sni(void) {
    int no_sni = log_count("SNI ip -");
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("127.0.0.1", "ip"), APCONN_OK);
    CHECK_EQ(apconn_mbedtls_verify_flags(&tls), 0);
    CHECK_EQ(http_get("/ip4"), 0);
    CHECK(strstr(response, "path=/ip4") != NULL);
    CHECK(log_wait_count("SNI ip -", no_sni + 1));
    CHECK(!log_contains("SNI ip 127.0.0.1"));
    apconn_mbedtls_free(&tls);
}

static void ipv6_host_matches_its_ip_san_and_sends_no_sni(void) {
    int no_sni = log_count("SNI ip -");
    default_config();
    CHECK_EQ(setup_redirected(), APCONN_OK);
    CHECK_EQ(connect_mode("::1", "ip"), APCONN_OK);
    CHECK_EQ(http_get("/ip6"), 0);
    CHECK(strstr(response, "path=/ip6") != NULL);
    CHECK(log_wait_count("SNI ip -", no_sni + 1));
    CHECK(!log_contains("SNI ip ::1"));
    apconn_mbedtls_free(&tls);
    /* the same address written another way is the same 16 bytes */
    default_config();
    CHECK_EQ(setup_redirected(), APCONN_OK);
    CHECK_EQ(connect_mode("0:0:0:0:0:0:0:1", "ip"), APCONN_OK);
    apconn_mbedtls_free(&tls);
}

static void dns_host_sends_sni(void) {
    int before = log_count("SNI good localhost");
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "good"), APCONN_OK);
    CHECK(log_wait_count("SNI good localhost", before + 1));
    apconn_mbedtls_free(&tls);
}

static void session_is_resumed_for_an_ip_host(void) {
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("127.0.0.1", "ip"), APCONN_OK);
    CHECK_EQ(http_get("/ip-first"), 0);
    secure.close(secure.ctx);
    CHECK_EQ(connect_mode("127.0.0.1", "ip"), APCONN_OK);
    CHECK_EQ(apconn_mbedtls_resumed(&tls), 1);
    CHECK_EQ(http_get("/ip-second"), 0);
    CHECK(strstr(response, "reused=1") != NULL);
    secure.close(secure.ctx);
    /* the saved session is not offered under another name of the same server */
    CHECK_EQ(connect_mode("localhost", "ip"), APCONN_ERR_CERT);
    apconn_mbedtls_free(&tls);
}

static void check_reason(const char *text) {
    apconn_mbedtls_reason(&tls, reason, sizeof reason);
    if (strstr(reason, text) == NULL) printf("  reason: %s\n", reason);
    CHECK(strstr(reason, text) != NULL);
    CHECK(strchr(reason, '\n') == NULL);
}

static void ip_san_does_not_match_a_dns_host(void) {
    check_refused("ip", "localhost", MBEDTLS_X509_BADCERT_CN_MISMATCH);
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "ip"), APCONN_ERR_CERT);
    check_reason("no dNSName subjectAltName");
    apconn_mbedtls_free(&tls);
}

/* DNS:127.0.0.1 and DNS:::1 never match an IP host (mbedTLS 3.6 alone would
   accept the first). */
static void dns_san_spelling_an_ip_address_never_matches(void) {
    check_refused("ipdns", "127.0.0.1", MBEDTLS_X509_BADCERT_CN_MISMATCH);
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("127.0.0.1", "ipdns"), APCONN_ERR_CERT);
    check_reason("no iPAddress subjectAltName");
    apconn_mbedtls_free(&tls);
    default_config();
    CHECK_EQ(setup_redirected(), APCONN_OK);
    CHECK_EQ(connect_mode("::1", "ipdns"), APCONN_ERR_CERT);
    CHECK(apconn_mbedtls_verify_flags(&tls) & MBEDTLS_X509_BADCERT_CN_MISMATCH);
    apconn_mbedtls_free(&tls);
}

/* IP:127.0.0.2, IP:::ffff:127.0.0.1 (the mapped form: other bytes), IP:::2. */
static void ip_san_must_be_the_same_bytes(void) {
    check_refused("ipwrong", "127.0.0.1", MBEDTLS_X509_BADCERT_CN_MISMATCH);
    default_config();
    CHECK_EQ(setup_redirected(), APCONN_OK);
    CHECK_EQ(connect_mode("::1", "ipwrong"), APCONN_ERR_CERT);
    CHECK_EQ(connect_mode("::ffff:127.0.0.2", "ipwrong"), APCONN_ERR_CERT); /* 127.0.0.2, mapped */
    CHECK_EQ(connect_mode("127.0.0.2", "ipwrong"), APCONN_OK);                /* control: its own address */
    apconn_mbedtls_free(&tls);
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "ipwrong"), APCONN_OK); /* control: its DNS name */
    apconn_mbedtls_free(&tls);
}

static void certificate_without_san_is_refused(void) {
    check_refused("nosan", "localhost", MBEDTLS_X509_BADCERT_CN_MISMATCH);
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "nosan"), APCONN_ERR_CERT);
    check_reason("no subjectAltName");
    apconn_mbedtls_free(&tls);
}

/* The opt-out: the CN is matched, and only the CN of a DNS host. */
static void common_name_fallback_opt_out(void) {
    default_config();
    cfg.allow_common_name_fallback_DANGEROUS = 1;
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "nosan"), APCONN_OK);
    CHECK_EQ(http_get("/cn"), 0);
    CHECK(strstr(response, "path=/cn") != NULL);
    apconn_mbedtls_free(&tls);
    default_config();
    cfg.allow_common_name_fallback_DANGEROUS = 1;
    cfg.server_name = "wrong.invalid"; /* the CN is still compared */
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "nosan"), APCONN_ERR_CERT);
    CHECK(apconn_mbedtls_verify_flags(&tls) & MBEDTLS_X509_BADCERT_CN_MISMATCH);
    apconn_mbedtls_free(&tls);
    default_config();
    cfg.allow_common_name_fallback_DANGEROUS = 1;
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("127.0.0.1", "nosanip"), APCONN_ERR_CERT); /* CN=127.0.0.1: never for an IP */
    check_reason("no subjectAltName");
    apconn_mbedtls_free(&tls);
    /* a certificate WITH a SAN is still held to it */
    default_config();
    cfg.allow_common_name_fallback_DANGEROUS = 1;
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("127.0.0.1", "ipdns"), APCONN_ERR_CERT);
    apconn_mbedtls_free(&tls);
}

/* Names a resolver reads as IPv4 without being a dotted quad, and broken
   IPv6 literals: refused before any connection is opened. */
static void ambiguous_numeric_hosts_are_refused_before_connecting(void) {
    static const char *const bad[] = {"127.1", "0x7f.0.0.1", "2130706433", "127.0.0.01", "0177.0.0.1",
                                      "127.0.0.1.", "a.b.0x", "256.0.0.1", "1::2::3", ":1", "12345::", "::1%lo"};
    size_t i;
    int handshakes = log_count("HANDSHAKE good ");
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = connect_mode(bad[i], "good");
        if (rc != APCONN_ERR_ARGUMENT) printf("  host %s: %d\n", bad[i], rc);
        CHECK_EQ(rc, APCONN_ERR_ARGUMENT);
        CHECK_EQ(tcp.fd, -1);
        CHECK(apconn_mbedtls_reason(&tls, reason, sizeof reason) > 0);
    }
    CHECK_EQ(log_count("HANDSHAKE good "), handshakes);
    apconn_mbedtls_free(&tls);
}

static void ip_literal_parsers(void) {
    static const unsigned char loop6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const unsigned char mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
    static const unsigned char doc[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 8, 0x08, 0, 0x20, 0x0c, 0x41, 0x7a};
    static const unsigned char all[16] = {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0xab, 0xcd};
    static const unsigned char zero[16] = {0};
    static const unsigned char tail0[16] = {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0};
    static const char *const bad6[] = {"", ":", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8",
                                       "1::2::3", "1:", ":1", "12345::", "g::", "::1.2.3", "::1.2.3.4:5",
                                       "::256.0.0.1", "1:2:3:4:5:6:7:1.2.3.4", "::01.2.3.4", "1::2:"};
    unsigned char ip[16];
    size_t i;
    CHECK(apconn_mbedtls__parse_ipv6("::1", ip) && memcmp(ip, loop6, 16) == 0);
    CHECK(apconn_mbedtls__parse_ipv6("0:0:0:0:0:0:0:1", ip) && memcmp(ip, loop6, 16) == 0);
    CHECK(apconn_mbedtls__parse_ipv6("::", ip) && memcmp(ip, zero, 16) == 0);
    CHECK(apconn_mbedtls__parse_ipv6("::ffff:127.0.0.1", ip) && memcmp(ip, mapped, 16) == 0);
    CHECK(apconn_mbedtls__parse_ipv6("::FFFF:7f00:1", ip) && memcmp(ip, mapped, 16) == 0);
    CHECK(apconn_mbedtls__parse_ipv6("2001:DB8::8:800:200C:417A", ip) && memcmp(ip, doc, 16) == 0);
    CHECK(apconn_mbedtls__parse_ipv6("1:2:3:4:5:6:7:abcd", ip) && memcmp(ip, all, 16) == 0);
    CHECK(apconn_mbedtls__parse_ipv6("1:2:3:4:5:6:7::", ip) && memcmp(ip, tail0, 16) == 0);
    CHECK(apconn_mbedtls__parse_ipv6("::2:3:4:5:6:7:abcd", ip) && ip[0] == 0 && ip[1] == 0 && ip[15] == 0xcd);
    for (i = 0; i < sizeof bad6 / sizeof bad6[0]; i++) {
        int ok = apconn_mbedtls__parse_ipv6(bad6[i], ip);
        if (ok) printf("  parsed as IPv6: %s\n", bad6[i]);
        CHECK(!ok);
    }
    CHECK(apconn_mbedtls__parse_ipv4("0.0.0.0", ip) && ip[0] == 0 && ip[3] == 0);
    CHECK(apconn_mbedtls__parse_ipv4("255.255.255.255", ip) && ip[0] == 255 && ip[3] == 255);
    CHECK(apconn_mbedtls__parse_ipv4("192.168.1.10", ip) && ip[0] == 192 && ip[1] == 168 && ip[2] == 1 && ip[3] == 10);
    CHECK(!apconn_mbedtls__parse_ipv4("1.2.3", ip));
    CHECK(!apconn_mbedtls__parse_ipv4("1.2.3.4.5", ip));
    CHECK(!apconn_mbedtls__parse_ipv4("01.2.3.4", ip));
    CHECK(!apconn_mbedtls__parse_ipv4("1.2.3.256", ip));
    CHECK(!apconn_mbedtls__parse_ipv4("1.2.3.0004", ip));
    CHECK(!apconn_mbedtls__parse_ipv4("1..3.4", ip));
    CHECK(!apconn_mbedtls__parse_ipv4("1.2.3.4 ", ip));
    CHECK(!apconn_mbedtls__ends_in_number("localhost"));
    CHECK(!apconn_mbedtls__ends_in_number("1a.example.com"));
    CHECK(!apconn_mbedtls__ends_in_number("a.b1"));
    CHECK(!apconn_mbedtls__ends_in_number("a.0xg"));
    CHECK(apconn_mbedtls__ends_in_number("a.1"));
    CHECK(apconn_mbedtls__ends_in_number("a.1."));
    CHECK(apconn_mbedtls__ends_in_number("a.0X1f"));
}

static void dns_wildcard_matches_one_leftmost_label(void) {
    static unsigned char w[] = "*.Example.com";
    static unsigned char plain_name[] = "host.example.COM";
    mbedtls_x509_buf b;
    b.tag = 0;
    b.p = w;
    b.len = sizeof w - 1;
    CHECK(apconn_mbedtls__dns_match(&b, "a.example.com"));
    CHECK(apconn_mbedtls__dns_match(&b, "A.EXAMPLE.COM"));
    CHECK(!apconn_mbedtls__dns_match(&b, "example.com"));
    CHECK(!apconn_mbedtls__dns_match(&b, "a.b.example.com"));
    CHECK(!apconn_mbedtls__dns_match(&b, ".example.com"));
    CHECK(!apconn_mbedtls__dns_match(&b, "a.example.co"));
    b.p = plain_name;
    b.len = sizeof plain_name - 1;
    CHECK(apconn_mbedtls__dns_match(&b, "HOST.example.com"));
    CHECK(!apconn_mbedtls__dns_match(&b, "host.example.com."));
    CHECK(!apconn_mbedtls__dns_match(&b, "host.example.co"));
    b.len = 4; /* "host": a prefix is no match */
    CHECK(!apconn_mbedtls__dns_match(&b, "host.example.com"));
    CHECK(apconn_mbedtls__dns_match(&b, "host"));
}

/* ---- what stays refused ---- */

static void not_yet_valid_certificate_is_refused_before_any_data(void) {
    check_refused("notyet", "localhost", MBEDTLS_X509_BADCERT_FUTURE);
}
static void weak_rsa_key_is_refused_before_any_data(void) {
    check_refused("weakrsa", "localhost", MBEDTLS_X509_BADCERT_BAD_KEY);
}
static void sha1_signature_is_refused_before_any_data(void) {
    check_refused("sha1", "localhost", MBEDTLS_X509_BADCERT_BAD_MD);
}
static void intermediate_on_a_weak_curve_is_refused_before_any_data(void) {
    check_refused("weakcurve", "localhost", MBEDTLS_X509_BADCERT_BAD_KEY);
}
static void chain_with_its_intermediate_is_accepted(void) {
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "chain"), APCONN_OK);
    CHECK_EQ(http_get("/chain"), 0);
    CHECK(strstr(response, "path=/chain") != NULL);
    apconn_mbedtls_free(&tls);
}
static void missing_intermediate_is_refused_before_any_data(void) {
    check_refused("chainmissing", "localhost", MBEDTLS_X509_BADCERT_NOT_TRUSTED);
}
static void non_ca_intermediate_is_refused_before_any_data(void) {
    check_refused("notca", "localhost", MBEDTLS_X509_BADCERT_NOT_TRUSTED);
}

/* Name constraints are not implemented: refused whatever they permit (here
   localhost and 127.0.0.0/8, i.e. this very server). */
static void critical_name_constraints_are_refused_before_any_data(void) {
    int failures = log_count("HANDSHAKE_FAILED nc "), requests = log_count("REQUEST nc ");
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "nc"), APCONN_ERR_CERT);
    check_reason("does not parse");
    CHECK_EQ(secure.send(secure.ctx, (const unsigned char *)"GET / HTTP/1.1\r\n\r\n", 18, TIMEOUT_MS), APCONN_ERR_SEND);
    CHECK(log_wait_count("HANDSHAKE_FAILED nc ", failures + 1));
    CHECK_EQ(log_count("REQUEST nc "), requests);
    apconn_mbedtls_free(&tls);
}
static void non_critical_name_constraints_are_refused_before_any_data(void) {
    check_refused("ncsoft", "localhost", MBEDTLS_X509_BADCERT_OTHER);
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "ncsoft"), APCONN_ERR_CERT);
    check_reason("nameConstraints");
    apconn_mbedtls_free(&tls);
}
static void name_constrained_trust_anchor_is_a_setup_error(void) {
    static char nc_pem[4096];
    size_t n = read_file(certs_dir, "ncroot.pem", nc_pem, sizeof nc_pem);
    CHECK(n > 0);
    default_config();
    cfg.ca = (const unsigned char *)nc_pem;
    cfg.ca_len = n + 1;
    CHECK_EQ(setup(), APCONN_ERR_TLS);
    CHECK(apconn_mbedtls_reason(&tls, reason, sizeof reason) > 0);
}

static void library_version_is_the_linked_one(void) {
    const char *v = apconn_mbedtls_library_version();
    CHECK_STR(v, MBEDTLS_VERSION_STRING); /* static link (3.6) or the same Debian package (2.28) */
}

static void server_name_is_what_gets_verified(void) {
    default_config();
    cfg.server_name = "localhost";
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("127.0.0.1", "good"), APCONN_OK);
    apconn_mbedtls_free(&tls);
    default_config();
    cfg.server_name = "wrong.invalid";
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "wronghost"), APCONN_OK); /* that name IS in the cert */
    apconn_mbedtls_free(&tls);
}

static void insecure_opt_out_connects_to_self_signed(void) {
    default_config();
    cfg.ca = NULL;
    cfg.ca_len = 0;
    cfg.insecure_skip_verify_DANGEROUS = 1;
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "selfsigned"), APCONN_OK);
    CHECK(apconn_mbedtls_verify_flags(&tls) & MBEDTLS_X509_BADCERT_NOT_TRUSTED); /* still reported */
    CHECK_EQ(http_get("/insecure"), 0);
    CHECK(log_wait("REQUEST selfsigned GET /insecure"));
    apconn_mbedtls_free(&tls);
}

/* Connect, GET (reads the TLS 1.3 tickets too), close; twice. */
static void check_resumption(const char *mode, int tls12_only) {
    char first[80], second[80];
    default_config();
    cfg.tls12_only = tls12_only;
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", mode), APCONN_OK);
    CHECK_EQ(apconn_mbedtls_resumed(&tls), 0);
    CHECK_EQ(http_get("/first"), 0);
    secure.close(secure.ctx);
    CHECK_EQ(connect_mode("localhost", mode), APCONN_OK);
    CHECK_EQ(apconn_mbedtls_resumed(&tls), 1);
    CHECK_EQ(http_get("/second"), 0);
    CHECK(strstr(response, "reused=1") != NULL); /* the server agrees */
    snprintf(first, sizeof first, "REQUEST %s GET /first", mode);
    snprintf(second, sizeof second, "REQUEST %s GET /second", mode);
    CHECK(log_wait(first) && log_wait(second));
    apconn_mbedtls_free(&tls);
}

static void session_is_resumed_on_reconnect(void) { check_resumption("good", 0); }
static void tls12_session_is_resumed_on_reconnect(void) { check_resumption("good12", 1); }

static void openssl_s_server_reports_the_resumed_session(void) {
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "s_server"), APCONN_OK);
    http_get("/");
    CHECK(strstr(response, "New, TLSv1.") != NULL);
    secure.close(secure.ctx);
    CHECK_EQ(connect_mode("localhost", "s_server"), APCONN_OK);
    CHECK_EQ(apconn_mbedtls_resumed(&tls), 1);
    http_get("/");
    CHECK(strstr(response, "Reused, TLSv1.") != NULL);
    apconn_mbedtls_free(&tls);
}

static void no_session_resumption_means_full_handshakes(void) {
    default_config();
    cfg.no_session_resumption = 1;
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "good"), APCONN_OK);
    CHECK_EQ(http_get("/a"), 0);
    secure.close(secure.ctx);
    CHECK_EQ(connect_mode("localhost", "good"), APCONN_OK);
    CHECK_EQ(apconn_mbedtls_resumed(&tls), 0);
    CHECK_EQ(http_get("/b"), 0);
    CHECK(strstr(response, "reused=0") != NULL);
    apconn_mbedtls_free(&tls);
}

static void session_is_not_offered_to_another_server(void) {
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "good"), APCONN_OK);
    CHECK_EQ(http_get("/a"), 0);
    secure.close(secure.ctx);
    CHECK_EQ(connect_mode("localhost", "abrupt"), APCONN_OK); /* other port */
    CHECK_EQ(apconn_mbedtls_resumed(&tls), 0);
    apconn_mbedtls_free(&tls);
}

static void handshake_with_silent_server_times_out(void) {
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(secure.connect(secure.ctx, "localhost", port_of("stall"), STALL_BUDGET_MS), APCONN_ERR_TIMEOUT);
    CHECK_EQ(tcp.fd, -1); /* the inner connection was closed */
    apconn_mbedtls_free(&tls);
}

static void close_notify_reads_as_eof(void) {
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "good"), APCONN_OK);
    CHECK_EQ(http_get("/eof"), 0);
    CHECK(response_len > 0);
    apconn_mbedtls_free(&tls);
}

static void end_without_close_notify_is_closed_error(void) {
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "abrupt"), APCONN_OK);
    CHECK_EQ(http_get("/abrupt"), APCONN_ERR_CLOSED);
    CHECK(strstr(response, "mode=abrupt") != NULL); /* the data before it was delivered */
    apconn_mbedtls_free(&tls);
}

static void recv_without_data_is_would_block(void) {
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "good"), APCONN_OK);
    CHECK_EQ(secure.recv(secure.ctx, (unsigned char *)response, sizeof response, SHORT_WAIT_MS),
             APCONN_ERR_WOULD_BLOCK);
    CHECK_EQ(http_get("/after-wait"), 0); /* the connection is still fine */
    CHECK(strstr(response, "path=/after-wait") != NULL);
    apconn_mbedtls_free(&tls);
}

/* TLS 1.3 tickets arrive after the handshake. A recv whose time runs out
   just as one is being taken in leaves mbedTLS mid-way; the next send must
   finish taking it in, not fail. recv with 0 ms after the ticket records are
   already waiting is exactly that case. */
static void send_after_recv_cut_short_during_a_ticket_works(void) {
    struct pollfd p;
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "good"), APCONN_OK);
    if (strcmp(apconn_mbedtls_version(&tls), "TLSv1.3") == 0) {
        p.fd = tcp.fd;
        p.events = POLLIN;
        CHECK_EQ(poll(&p, 1, (int)TIMEOUT_MS), 1); /* the tickets are there */
    }
    CHECK_EQ(secure.recv(secure.ctx, (unsigned char *)response, sizeof response, 0), APCONN_ERR_WOULD_BLOCK);
    CHECK_EQ(http_get("/after-ticket"), 0);
    CHECK(strstr(response, "path=/after-ticket") != NULL);
    apconn_mbedtls_free(&tls);
}

static void closed_port_is_the_inner_connect_error(void) {
    uint16_t port;
    int fd;
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    { /* a port nobody listens on: bind, read it, close */
        struct sockaddr_in a;
        socklen_t len = sizeof a;
        fd = socket(AF_INET, SOCK_STREAM, 0);
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(fd, (struct sockaddr *)&a, sizeof a);
        getsockname(fd, (struct sockaddr *)&a, &len);
        port = ntohs(a.sin_port);
        close(fd);
    }
    CHECK_EQ(secure.connect(secure.ctx, "localhost", port, TIMEOUT_MS), APCONN_ERR_CONNECT);
    CHECK_EQ(apconn_mbedtls_reason(&tls, reason, sizeof reason), 0); /* not a TLS matter: */
    CHECK_STR(apconn_posix_reason(&tcp), strerror(ECONNREFUSED));   /* the socket says why */
    apconn_mbedtls_free(&tls);
}

static void send_before_connect_is_refused(void) {
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(secure.send(secure.ctx, (const unsigned char *)"x", 1, TIMEOUT_MS), APCONN_ERR_SEND);
    CHECK_EQ(secure.recv(secure.ctx, (unsigned char *)response, 4, TIMEOUT_MS), APCONN_ERR_RECV);
    apconn_mbedtls_free(&tls);
}

static void pem_without_its_nul_is_accepted(void) {
    default_config();
    cfg.ca_len = ca_pem_len; /* strlen: mbedtls_x509_crt_parse alone would refuse it */
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "good"), APCONN_OK);
    apconn_mbedtls_free(&tls);
}

static void der_ca_is_accepted(void) {
    default_config();
    cfg.ca = ca_der;
    cfg.ca_len = ca_der_len;
    CHECK(ca_der_len > 0);
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "good"), APCONN_OK);
    apconn_mbedtls_free(&tls);
}

static void ca_file_is_loaded(void) {
    char path[512];
    default_config();
    cfg.ca = NULL;
    cfg.ca_len = 0;
    snprintf(path, sizeof path, "%s/ca.pem", certs_dir);
    cfg.ca_file = path;
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "good"), APCONN_OK);
    apconn_mbedtls_free(&tls);
}

/* What the CLI's --ca usually points at: every certificate must parse. */
static void system_ca_bundle_loads_whole(void) {
    static const char bundle[] = "/etc/ssl/certs/ca-certificates.crt";
    FILE *f = fopen(bundle, "rb");
    /* Debian's ca-certificates, installed by tests/tools/deps.sh (group tls). */
    CHECK(f != NULL);
    if (f == NULL) return;
    fclose(f);
    default_config();
    cfg.ca = NULL;
    cfg.ca_len = 0;
    cfg.ca_file = bundle;
    CHECK_EQ(setup(), APCONN_OK);
    apconn_mbedtls_free(&tls);
}

static void missing_ca_file_is_a_setup_error(void) {
    default_config();
    cfg.ca_file = "/nonexistent/ca.pem";
    CHECK_EQ(setup(), APCONN_ERR_TLS);
    CHECK(apconn_mbedtls_reason(&tls, reason, sizeof reason) > 0);
}

static void garbage_ca_is_a_setup_error(void) {
    static const char garbage[] = "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n";
    default_config();
    cfg.ca = (const unsigned char *)garbage;
    cfg.ca_len = sizeof garbage;
    CHECK_EQ(setup(), APCONN_ERR_TLS);
    cfg.ca_len = sizeof garbage - 1; /* the block decoder path */
    CHECK_EQ(setup(), APCONN_ERR_TLS);
    CHECK(apconn_mbedtls_reason(&tls, reason, sizeof reason) > 0);
}

static void no_ca_without_opt_out_is_refused(void) {
    default_config();
    cfg.ca = NULL;
    cfg.ca_len = 0;
    CHECK_EQ(setup(), APCONN_ERR_ARGUMENT);
    apconn_mbedtls_reason(&tls, reason, sizeof reason);
    CHECK(strstr(reason, "CA") != NULL);
}

static void bad_max_fragment_length_is_refused(void) {
    default_config();
    cfg.max_fragment_length = 1000;
    CHECK_EQ(setup(), APCONN_ERR_ARGUMENT);
}

static void max_fragment_length_still_connects(void) {
    default_config();
    cfg.max_fragment_length = 512;
    cfg.tls12_only = 1; /* the extension is a TLS 1.2 one in mbedTLS */
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "good"), APCONN_OK);
    CHECK_EQ(http_get("/mfl"), 0);
    CHECK(strstr(response, "path=/mfl") != NULL);
    apconn_mbedtls_free(&tls);
}

static unsigned entropy_calls, rng_calls;

static int read_urandom(unsigned char *out, size_t len) {
    FILE *f = fopen("/dev/urandom", "rb");
    size_t n = f ? fread(out, 1, len, f) : 0;
    if (f) fclose(f);
    return n == len ? 0 : -1;
}

static int test_entropy(void *ctx, unsigned char *out, size_t len, size_t *out_len) {
    (void)ctx;
    entropy_calls++;
    if (read_urandom(out, len) != 0) return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    *out_len = len;
    return 0;
}

static int test_rng(void *ctx, unsigned char *out, size_t len) {
    (void)ctx;
    rng_calls++;
    return read_urandom(out, len);
}

static void custom_entropy_source_is_used(void) {
    default_config();
    cfg.entropy_source = test_entropy;
    entropy_calls = 0;
    CHECK_EQ(setup(), APCONN_OK);
    CHECK(entropy_calls > 0);
    CHECK_EQ(connect_mode("localhost", "good"), APCONN_OK);
    apconn_mbedtls_free(&tls);
}

static void custom_rng_replaces_ctr_drbg(void) {
    default_config();
    cfg.rng = test_rng;
    rng_calls = 0;
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "good"), APCONN_OK);
    CHECK(rng_calls > 0);
    apconn_mbedtls_free(&tls);
}

static void free_is_safe_after_failed_setup_and_twice(void) {
    default_config();
    cfg.max_fragment_length = 1000;
    CHECK_EQ(setup(), APCONN_ERR_ARGUMENT);
    apconn_mbedtls_free(&tls); /* setup already freed everything */
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("localhost", "good"), APCONN_OK);
    apconn_mbedtls_free(&tls);
    apconn_mbedtls_free(&tls);
    CHECK_EQ(tcp.fd, -1); /* the inner connection was closed */
    CHECK_EQ(secure.connect(secure.ctx, "localhost", port_of("good"), TIMEOUT_MS), APCONN_ERR_ARGUMENT);
}

int main(void) {
    certs_dir = getenv("APCONN_TLS_CERTS");
    ports_file = getenv("APCONN_TLS_PORTS");
    log_file = getenv("APCONN_TLS_LOG");
    if (!certs_dir || !ports_file || !log_file) {
        printf("run me through tests/tools/run_tls_test.sh\n%s: 0 passed, 1 failed\n", SUITE);
        return 1;
    }
    ca_pem_len = read_file(certs_dir, "ca.pem", ca_pem, sizeof ca_pem);
    ca_der_len = read_file(certs_dir, "ca.der", ca_der, sizeof ca_der);
    printf("%s: %s\n", SUITE, MBEDTLS_VERSION_STRING_FULL);
    RUN(good_certificate_connects_and_answers);
    RUN(negotiates_the_best_version_the_library_has);
    RUN(tls12_only_negotiates_tls12);
    RUN(wrong_host_name_is_refused_before_any_data);
    RUN(untrusted_ca_is_refused_before_any_data);
    RUN(expired_certificate_is_refused_before_any_data);
    RUN(self_signed_certificate_is_refused_before_any_data);
    RUN(expired_reason_is_readable);
    RUN(ip_address_host_without_server_name_is_refused);
    RUN(ipv4_host_matches_its_ip_san_and_sends_no_sni);
    RUN(ipv6_host_matches_its_ip_san_and_sends_no_sni);
    RUN(dns_host_sends_sni);
    RUN(session_is_resumed_for_an_ip_host);
    RUN(ip_san_does_not_match_a_dns_host);
    RUN(dns_san_spelling_an_ip_address_never_matches);
    RUN(ip_san_must_be_the_same_bytes);
    RUN(certificate_without_san_is_refused);
    RUN(common_name_fallback_opt_out);
    RUN(ambiguous_numeric_hosts_are_refused_before_connecting);
    RUN(ip_literal_parsers);
    RUN(dns_wildcard_matches_one_leftmost_label);
    RUN(not_yet_valid_certificate_is_refused_before_any_data);
    RUN(weak_rsa_key_is_refused_before_any_data);
    RUN(sha1_signature_is_refused_before_any_data);
    RUN(intermediate_on_a_weak_curve_is_refused_before_any_data);
    RUN(chain_with_its_intermediate_is_accepted);
    RUN(missing_intermediate_is_refused_before_any_data);
    RUN(non_ca_intermediate_is_refused_before_any_data);
    RUN(critical_name_constraints_are_refused_before_any_data);
    RUN(non_critical_name_constraints_are_refused_before_any_data);
    RUN(name_constrained_trust_anchor_is_a_setup_error);
    RUN(library_version_is_the_linked_one);
    RUN(server_name_is_what_gets_verified);
    RUN(insecure_opt_out_connects_to_self_signed);
    RUN(session_is_resumed_on_reconnect);
    RUN(tls12_session_is_resumed_on_reconnect);
    RUN(openssl_s_server_reports_the_resumed_session);
    RUN(no_session_resumption_means_full_handshakes);
    RUN(session_is_not_offered_to_another_server);
    RUN(handshake_with_silent_server_times_out);
    RUN(close_notify_reads_as_eof);
    RUN(end_without_close_notify_is_closed_error);
    RUN(recv_without_data_is_would_block);
    RUN(send_after_recv_cut_short_during_a_ticket_works);
    RUN(closed_port_is_the_inner_connect_error);
    RUN(send_before_connect_is_refused);
    RUN(pem_without_its_nul_is_accepted);
    RUN(der_ca_is_accepted);
    RUN(ca_file_is_loaded);
    RUN(system_ca_bundle_loads_whole);
    RUN(missing_ca_file_is_a_setup_error);
    RUN(garbage_ca_is_a_setup_error);
    RUN(no_ca_without_opt_out_is_refused);
    RUN(bad_max_fragment_length_is_refused);
    RUN(max_fragment_length_still_connects);
    RUN(custom_entropy_source_is_used);
    RUN(custom_rng_replaces_ctr_drbg);
    RUN(free_is_safe_after_failed_setup_and_twice);
    return harness_summary(SUITE);
}
