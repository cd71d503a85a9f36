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

/* mbedTLS does not match IP addresses against certificates: an IP host
   needs server_name, and without it the name check fails. */
static void ip_address_host_without_server_name_is_refused(void) {
    default_config();
    CHECK_EQ(setup(), APCONN_OK);
    CHECK_EQ(connect_mode("127.0.0.1", "good"), APCONN_ERR_CERT);
    CHECK(apconn_mbedtls_verify_flags(&tls) & MBEDTLS_X509_BADCERT_CN_MISMATCH);
    apconn_mbedtls_free(&tls);
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
