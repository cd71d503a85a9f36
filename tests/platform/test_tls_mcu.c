/* tests/platform/test_tls_mcu.c - platform/apconn_mbedtls.h on an emulated
   Cortex-M4 (QEMU mps2-an386, picolibc, semihosting) with mbedTLS 2.28 built
   from source with platform/mbedtls_config_mcu.h: the MCU config builds,
   links, parses a CA, seeds its DRBG from mbedtls_hardware_poll(), sends a
   ClientHello with SNI, and ends a handshake at the deadline, all without an
   OS. The inner transport is in memory with a fake clock, so the deadline
   logic is checked without real time. */
#define APCONN_MBEDTLS_IMPLEMENTATION
#include "platform/apconn_mbedtls.h"

#include <stdio.h>

#include "harness.h"

#ifndef CA_PATH
#error "build with -DCA_PATH=\"<build>/platform/certs/ca.pem\" (read through semihosting)"
#endif

/* QEMU's board has no TRNG: a test-only generator. NEVER in firmware: there
   this must read the hardware RNG (it is the only entropy mbedTLS gets). */
int mbedtls_hardware_poll(void *data, unsigned char *out, size_t len, size_t *olen);
int mbedtls_hardware_poll(void *data, unsigned char *out, size_t len, size_t *olen) {
    static uint32_t x = 0x9E3779B9u;
    size_t i;
    (void)data;
    for (i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = (unsigned char)x;
    }
    *olen = len;
    return 0;
}

/* ----- an in-memory inner transport with a fake clock -------------------- */
typedef struct fake_link {
    unsigned char sent[4096];
    size_t sent_len;
    int recv_eof;     /* 1: recv says EOF; 0: recv says WOULD_BLOCK */
    uint32_t now;     /* ms; every call advances it */
    unsigned connects, closes;
} fake_link;

static int fake_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms) {
    fake_link *l = (fake_link *)ctx;
    (void)host;
    (void)port;
    (void)timeout_ms;
    l->connects++;
    return APCONN_OK;
}
static long fake_send(void *ctx, const unsigned char *data, size_t len, uint32_t timeout_ms) {
    fake_link *l = (fake_link *)ctx;
    size_t room = sizeof l->sent - l->sent_len;
    (void)timeout_ms;
    if (len > room) len = room;
    memcpy(l->sent + l->sent_len, data, len);
    l->sent_len += len;
    return len > 0 ? (long)len : APCONN_ERR_SEND;
}
static long fake_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    fake_link *l = (fake_link *)ctx;
    (void)buf;
    (void)len;
    l->now += timeout_ms < 50u ? timeout_ms : 50u; /* "waited" up to 50 ms */
    return l->recv_eof ? 0 : APCONN_ERR_WOULD_BLOCK;
}
static void fake_close(void *ctx) { ((fake_link *)ctx)->closes++; }
static uint32_t fake_now(void *ctx) { return ((fake_link *)ctx)->now; }

static fake_link link_state;
static apconn_transport inner, secure;
static apconn_mbedtls tls;
static apconn_mbedtls_config cfg;
static char ca_pem[4096];
static size_t ca_pem_len;

static void setup_inner(int recv_eof) {
    memset(&link_state, 0, sizeof link_state);
    link_state.recv_eof = recv_eof;
    memset(&inner, 0, sizeof inner);
    inner.ctx = &link_state;
    inner.connect = fake_connect;
    inner.send = fake_send;
    inner.recv = fake_recv;
    inner.close = fake_close;
    inner.now_ms = fake_now;
    apconn_mbedtls_config_init(&cfg);
    cfg.ca = (const unsigned char *)ca_pem;
    cfg.ca_len = ca_pem_len + 1;
}

static int contains(const unsigned char *hay, size_t len, const char *needle) {
    size_t n = strlen(needle), i;
    for (i = 0; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0) return 1;
    return 0;
}

static void ca_parses_and_drbg_seeds_on_cortex_m(void) {
    setup_inner(1);
    CHECK_EQ(apconn_mbedtls_transport(&tls, &cfg, &inner, &secure), APCONN_OK);
    CHECK_EQ(secure.secure, 1);
    apconn_mbedtls_free(&tls);
}

static void pem_without_nul_parses_on_cortex_m(void) {
    setup_inner(1);
    cfg.ca_len = ca_pem_len;
    CHECK_EQ(apconn_mbedtls_transport(&tls, &cfg, &inner, &secure), APCONN_OK);
    apconn_mbedtls_free(&tls);
}

static void client_hello_carries_the_server_name(void) {
    setup_inner(1);
    CHECK_EQ(apconn_mbedtls_transport(&tls, &cfg, &inner, &secure), APCONN_OK);
    CHECK_EQ(secure.connect(secure.ctx, "api.example.com", 443, 5000), APCONN_ERR_TLS);
    CHECK(link_state.sent_len > 5);
    CHECK_EQ(link_state.sent[0], 0x16); /* TLS handshake record (RFC 5246 section 6.2.1) */
    CHECK(contains(link_state.sent, link_state.sent_len, "api.example.com")); /* SNI */
    CHECK_EQ(link_state.closes, 1); /* the failed connection was closed, once */
    apconn_mbedtls_free(&tls);
    CHECK_EQ(link_state.closes, 1); /* nothing open: free closes nothing more */
}

/* RFC 6066 section 3: no SNI for an address. */
static void client_hello_for_an_ip_address_has_no_server_name(void) {
    setup_inner(1);
    CHECK_EQ(apconn_mbedtls_transport(&tls, &cfg, &inner, &secure), APCONN_OK);
    CHECK_EQ(secure.connect(secure.ctx, "192.168.1.10", 443, 5000), APCONN_ERR_TLS);
    CHECK(link_state.sent_len > 5);
    CHECK_EQ(link_state.sent[0], 0x16);
    CHECK(!contains(link_state.sent, link_state.sent_len, "192.168.1.10"));
    apconn_mbedtls_free(&tls);
}

/* The host-name and chain rules on the device: the certificates of
   make_test_certs.sh (next to CA_PATH) verified the way a handshake does it
   (mbedTLS's verify with this layer's profile, name and callback). */
#define CERT_UNREADABLE 12345 /* verify_cert() could not read the file (no mbedTLS code is positive) */
static mbedtls_x509_crt chain_crt;
static char cert_pem[4096];

/* Each certificate on its own, as the TLS layer takes the server's chain:
   one it cannot parse ends the handshake, except one with an unknown
   signature algorithm, which is skipped (and the chain is then incomplete). */
static int parse_chain_like_a_handshake(const unsigned char *pem, size_t len) {
    const unsigned char *end = pem + len, *begin;
    static unsigned char der[2048];
    while ((begin = apconn_mbedtls__find(pem, (size_t)(end - pem), APCONN_MBEDTLS__PEM_BEGIN)) != NULL) {
        const unsigned char *body = begin + strlen(APCONN_MBEDTLS__PEM_BEGIN);
        const unsigned char *stop = apconn_mbedtls__find(body, (size_t)(end - body), APCONN_MBEDTLS__PEM_END);
        size_t der_len = 0;
        int rc;
        if (stop == NULL || mbedtls_base64_decode(der, sizeof der, &der_len, body, (size_t)(stop - body)) != 0)
            return CERT_UNREADABLE;
        rc = mbedtls_x509_crt_parse_der(&chain_crt, der, der_len);
        if (rc != 0 && rc != MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG + MBEDTLS_ERR_OID_NOT_FOUND) return rc;
        pem = stop + strlen(APCONN_MBEDTLS__PEM_END);
    }
    return 0;
}

static int verify_cert(const char *file, const char *host, uint32_t *flags) {
    char path[256];
    const char *slash = strrchr(CA_PATH, '/');
    size_t dir_len = slash ? (size_t)(slash - CA_PATH) + 1u : 0u, n = 0;
    FILE *f;
    int rc;
    *flags = 0;
    memcpy(path, CA_PATH, dir_len);
    snprintf(path + dir_len, sizeof path - dir_len, "%s.pem", file);
    f = fopen(path, "rb");
    if (f != NULL) {
        n = fread(cert_pem, 1, sizeof cert_pem - 1, f);
        fclose(f);
    }
    cert_pem[n] = '\0';
    if (n == 0u) {
        printf("  cannot read %s through semihosting\n", path);
        return CERT_UNREADABLE;
    }
    setup_inner(1);
    if (apconn_mbedtls_transport(&tls, &cfg, &inner, &secure) != APCONN_OK) return -1;
    mbedtls_x509_crt_init(&chain_crt);
    rc = parse_chain_like_a_handshake((const unsigned char *)cert_pem, n);
    if (rc == 0) rc = apconn_mbedtls__reference_identity(&tls, host);
    if (rc == 0)
        rc = mbedtls_x509_crt_verify_with_profile(&chain_crt, &tls.ca, NULL, &apconn_mbedtls__profile,
                                                  tls.ip_len != 0u ? NULL : host, flags,
                                                  apconn_mbedtls__on_verify, &tls);
    mbedtls_x509_crt_free(&chain_crt);
    apconn_mbedtls_free(&tls);
    return rc;
}

static void host_name_rules_hold_on_cortex_m(void) {
    uint32_t flags;
    CHECK_EQ(verify_cert("server", "localhost", &flags), 0);
    CHECK_EQ(verify_cert("ip", "127.0.0.1", &flags), 0);
    CHECK_EQ(verify_cert("ip", "::1", &flags), 0);
    CHECK_EQ(verify_cert("ipwrong", "localhost", &flags), 0);
    CHECK_EQ(verify_cert("chain", "localhost", &flags), 0);
    CHECK(verify_cert("server", "127.0.0.1", &flags) != 0 && (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH));
    CHECK(verify_cert("ip", "localhost", &flags) != 0 && (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH));
    CHECK(verify_cert("ipdns", "127.0.0.1", &flags) != 0 && (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH));
    CHECK(verify_cert("ipwrong", "127.0.0.1", &flags) != 0 && (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH));
    CHECK(verify_cert("nosan", "localhost", &flags) != 0 && (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH));
    CHECK(verify_cert("wronghost", "localhost", &flags) != 0 && (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH));
    CHECK_EQ(verify_cert("server", "127.1", &flags), APCONN_ERR_ARGUMENT);
}

static void chain_rules_hold_on_cortex_m(void) {
    uint32_t flags;
    CHECK(verify_cert("expired", "localhost", &flags) != 0 && (flags & MBEDTLS_X509_BADCERT_EXPIRED));
    CHECK(verify_cert("notyet", "localhost", &flags) != 0 && (flags & MBEDTLS_X509_BADCERT_FUTURE));
    CHECK(verify_cert("untrusted", "localhost", &flags) != 0 && (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED));
    CHECK(verify_cert("selfsigned", "localhost", &flags) != 0 && (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED));
    CHECK(verify_cert("chainmissing", "localhost", &flags) != 0 && (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED));
    CHECK(verify_cert("notca", "localhost", &flags) != 0 && (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED));
    CHECK(verify_cert("weakrsa", "localhost", &flags) != 0 && (flags & MBEDTLS_X509_BADCERT_BAD_KEY));
    /* no SHA-1 in this config: the leaf is skipped, nothing is left to trust */
    CHECK(verify_cert("sha1", "localhost", &flags) == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED &&
          (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED));
    /* no P-224 in this config: the intermediate does not parse (the handshake ends) */
    CHECK_EQ(verify_cert("weakcurve", "localhost", &flags), MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE);
    CHECK(apconn_mbedtls__cert_parse_error(MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE)); /* APCONN_ERR_CERT */
    CHECK(verify_cert("ncsoft", "localhost", &flags) != 0 && (flags & MBEDTLS_X509_BADCERT_OTHER));
    /* critical nameConstraints: does not parse */
    CHECK(apconn_mbedtls__cert_parse_error(verify_cert("nc", "localhost", &flags)));
}

static void silent_server_ends_at_the_deadline(void) {
    setup_inner(0);
    CHECK_EQ(apconn_mbedtls_transport(&tls, &cfg, &inner, &secure), APCONN_OK);
    CHECK_EQ(secure.connect(secure.ctx, "api.example.com", 443, 1000), APCONN_ERR_TIMEOUT);
    CHECK(link_state.now >= 1000u && link_state.now < 1100u); /* fake ms: stopped at the deadline */
    apconn_mbedtls_free(&tls);
}

int main(void) {
    FILE *f = fopen(CA_PATH, "rb");
    if (f != NULL) {
        ca_pem_len = fread(ca_pem, 1, sizeof ca_pem - 1, f);
        fclose(f);
    }
    ca_pem[ca_pem_len] = '\0';
    if (ca_pem_len == 0) printf("  cannot read %s through semihosting\n", CA_PATH);
    RUN(ca_parses_and_drbg_seeds_on_cortex_m);
    RUN(pem_without_nul_parses_on_cortex_m);
    RUN(client_hello_carries_the_server_name);
    RUN(client_hello_for_an_ip_address_has_no_server_name);
    RUN(host_name_rules_hold_on_cortex_m);
    RUN(chain_rules_hold_on_cortex_m);
    RUN(silent_server_ends_at_the_deadline);
    return harness_summary("platform_tls_mcu_m4");
}
