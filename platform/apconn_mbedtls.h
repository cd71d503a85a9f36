/* apconn_mbedtls.h - TLS for apconn with mbedTLS 2.28 or 3.6, over ANY socket transport.

   Takes an inner apconn_transport that moves plain bytes (platform/apconn_posix.h,
   or your own over lwIP, Zephyr, a modem's AT socket) and offers an
   apconn_transport with secure = 1: TLS 1.2 (and TLS 1.3 when the library has
   it), certificate + host name verification REQUIRED, SNI, a handshake bounded
   by the deadline, close_notify on close, session resumption on reconnect.

   Do this:
      #define APCONN_MBEDTLS_IMPLEMENTATION      // in exactly ONE .c file (after
      #include "apconn_mbedtls.h"                // apconn_posix.h's, which goes first)
   link -lmbedtls -lmbedx509 -lmbedcrypto (in that order). Then:
      static apconn_posix   tcp;                 // or your own lwIP/Zephyr/modem transport
      static apconn_mbedtls tls;                 // big (mbedTLS contexts): not on a small stack
      apconn_transport tcp_t, tls_t;             // tls_t is what apconn_client_init() gets
      apconn_mbedtls_config cfg;
      apconn_mbedtls_config_init(&cfg);          // secure defaults (= all zero; C++ warns on {0})
      cfg.ca = (const unsigned char *)ca_pem;    // your CA chain, PEM text or DER
      cfg.ca_len = sizeof ca_pem;                // PEM: with or without its NUL (strlen works)
      apconn_posix_transport(&tcp, &tcp_t);
      if (apconn_mbedtls_transport(&tls, &cfg, &tcp_t, &tls_t) != APCONN_OK)
          apconn_mbedtls_reason(&tls, why, sizeof why);   // say why, and stop
      apconn_client_init(&client, "https://example.com/api", key, &tls_t, work, sizeof work, tokens, n, &err);
      ...                                        // apconn calls connect/send/recv/close itself
      apconn_mbedtls_free(&tls);                 // at the end (and before setting up again)
   After a failed call, apconn_mbedtls_reason() gives one readable line (e.g.
   "The certificate validity has expired") and apconn_mbedtls_verify_flags() the
   raw MBEDTLS_X509_BADCERT_* bits. apconn_mbedtls_resumed() tells whether the
   last handshake resumed a session (abbreviated: no certificate exchanged).

   What each callback does (the apconn_transport contract in apconn.h):
     connect  inner connect (when the inner transport has one), then the TLS
              handshake with what is left of timeout_ms; every inner send/recv
              is given the time left and the WANT_READ/WANT_WRITE loop stops at
              the deadline (APCONN_ERR_TIMEOUT). A certificate or host name that
              does not verify is APCONN_ERR_CERT, any other TLS failure
              APCONN_ERR_TLS, an inner failure keeps the inner status
              (APCONN_ERR_DNS, _CONNECT, _RECV, ...). On failure nothing was
              sent as application data and the inner connection is closed.
     send     mbedtls_ssl_write: > 0 bytes taken; APCONN_ERR_WOULD_BLOCK when
              the time ran out first (call again with the SAME data);
              APCONN_ERR_SEND when not connected.
     recv     mbedtls_ssl_read: > 0 bytes; 0 when the server sent close_notify
              (orderly EOF); APCONN_ERR_CLOSED when the connection ended WITHOUT
              close_notify (possible truncation, RFC 8446 section 6.1: apconn
              reports a body cut that way as APCONN_ERR_HTTP_TRUNCATED, and
              never takes it as the end of a close-delimited body);
              APCONN_ERR_WOULD_BLOCK when nothing arrived in time.
              TLS 1.3 session tickets that arrive here are saved for resumption.
     close    close_notify (bounded by APCONN_MBEDTLS_CLOSE_NOTIFY_MS), then
              the inner close. The saved session survives it.
     now_ms, sleep_ms  those of the inner transport.
   `inner` and everything the config points to are borrowed: they must outlive
   `tls` (ca bytes may be released after apconn_mbedtls_transport() returns).

   Configuration (apconn_mbedtls_config; apconn_mbedtls_config_init() = all
   zero = secure defaults):
     ca, ca_len       CA chain: PEM (one or more certificates; with or without
                      the terminating NUL in ca_len) or one DER certificate. A
                      PEM without its NUL is decoded block by block through a
                      stack buffer of APCONN_MBEDTLS_PEM_DER_MAX bytes (2048:
                      root CAs are 0.8-1.9 KB); count the NUL (sizeof) to
                      skip that on a small stack.
     ca_file          PEM or DER file (e.g. /etc/ssl/certs/ca-certificates.crt);
                      not with APCONN_MBEDTLS_NO_FS or without MBEDTLS_FS_IO.
                      Every certificate must parse: a partly unreadable CA input
                      is an error, never a silently smaller trust store.
     server_name      name to verify and send as SNI; NULL = the connect host.
                      An IPv4 or IPv6 address works too (see "Host names").
     insecure_skip_verify_DANGEROUS  1 = accept ANY certificate for ANY name.
                      Test servers only. The verify flags are still reported.
     allow_common_name_fallback_DANGEROUS  1 = a certificate WITHOUT a
                      subjectAltName extension may match a DNS host name by
                      its subject Common Name (the pre-RFC 9525 rule). Only for
                      an old internal CA you cannot reissue from. Never for an
                      IP address.
     max_fragment_length  0 (off) or 512, 1024, 2048, 4096: asks the server for
                      smaller records (RFC 6066 section 4; TLS 1.2). Many servers
                      ignore it. Needs MBEDTLS_SSL_MAX_FRAGMENT_LENGTH.
     tls12_only       1 = do not offer TLS 1.3 even if the library has it.
     no_session_resumption  1 = never resume (full handshake every time).
     entropy_source, entropy_ctx  a strong entropy source added to
                      mbedtls_entropy (firmware: the hardware TRNG). The
                      alternative is MBEDTLS_ENTROPY_HARDWARE_ALT in the mbedTLS
                      config with your mbedtls_hardware_poll().
     rng, rng_ctx     your own DRBG instead of the built-in entropy + CTR_DRBG.
   Record buffers: mbedTLS sizes them at COMPILE time (MBEDTLS_SSL_IN_CONTENT_LEN,
   MBEDTLS_SSL_OUT_CONTENT_LEN, 16 KiB each by default; the receive side must
   hold the largest record the server sends, i.e. 16 KiB unless the server
   honours max_fragment_length). MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH shrinks them
   after the handshake. The only run-time knob is max_fragment_length.
   platform/mbedtls_config_mcu.h is a minimal TLS 1.2 client config for MCUs;
   `make test` builds mbedTLS 2.28 with it for Cortex-M4 and runs this layer
   under QEMU (tests/platform/test_tls_mcu.c).

   Host names (RFC 9525, RFC 6125 section 6, RFC 5280; the same with 2.28 and
   3.6, whose own rules differ, so this layer checks the leaf itself in its
   verify callback, on top of mbedTLS's check):
     - a DNS name matches only a dNSName subjectAltName (exact, ASCII case
       ignored, or a "*." wildcard for exactly the leftmost label);
     - an IPv4 literal (strict dotted quad) or IPv6 literal matches only an
       iPAddress subjectAltName of the same 4 or 16 bytes: never a dNSName
       that spells it, never the Common Name, never an IPv4-mapped IPv6 form;
       no SNI is sent for it (RFC 6066 section 3);
     - a certificate without a subjectAltName extension is refused ("has no
       subjectAltName"), whatever its Common Name says, unless
       allow_common_name_fallback_DANGEROUS;
     - a name that a resolver would read as an IPv4 address but is not a
       strict dotted quad (127.1, 0x7f.0.0.1, 010.0.0.1, a last label of
       digits) is refused before connecting (APCONN_ERR_ARGUMENT).
   Name constraints (RFC 5280 section 4.2.1.10) are NOT implemented: a
   certificate in the chain (trust anchors included) with a nameConstraints
   extension is refused whatever it permits. A critical one makes mbedTLS
   refuse the certificate as it parses it (APCONN_ERR_CERT for the server's
   chain; APCONN_ERR_TLS from apconn_mbedtls_transport() for a CA given in
   ca / ca_file); a non-critical one, which mbedTLS would silently ignore, is
   refused by this layer (MBEDTLS_X509_BADCERT_OTHER).
   Certificate profile (both versions): signatures with SHA-256, SHA-384 or
   SHA-512 (no SHA-1, no SHA-224), RSA keys of 2048 bits or more, EC keys on
   P-256, P-384, P-521 or the Brainpool curves of 256 bits or more.
   The reason of a refusal: apconn_mbedtls_reason(), e.g. "the certificate has
   no subjectAltName extension ...; The certificate Common Name (CN) does not
   match with the expected CN".

   Versions: mbedTLS 2.28 and 3.6 (MBEDTLS_VERSION_NUMBER picks the API). With
   3.x, psa_crypto_init() is called for you (it is idempotent).
   Macros: APCONN_MBEDTLS_NO_FS (no ca_file), APCONN_MBEDTLS_CLOSE_NOTIFY_MS
   (500), APCONN_MBEDTLS_PEM_DER_MAX (2048 bytes), APCONN_MBEDTLS_ENTROPY_MIN
   (32 bytes a custom entropy source must deliver before seeding).
   Limits: CPU time inside one mbedTLS step (e.g. an RSA verify on a slow MCU)
   cannot be interrupted; the deadline is checked between steps. The handshake
   allocates through mbedTLS's own allocator (MBEDTLS_PLATFORM_MEMORY /
   MBEDTLS_MEMORY_BUFFER_ALLOC_C to use a static pool); this layer never does.
   One connection per apconn_mbedtls, used by one thread at a time. No debug
   hook on purpose: mbedTLS's debug output at high levels dumps the plaintext,
   i.e. the API key and connection secrets.
   Size: this layer is about 5.8 KB of Cortex-M4 -Os text with the MCU config
   (`make size-tls`: the layer alone, then the whole linked test image with
   mbedTLS); 1.9 KB of it is the host-name, IP and nameConstraints checks.

   License: MIT, see the end of apconn.h.
*/
#ifndef APCONN_MBEDTLS_H
#define APCONN_MBEDTLS_H

#ifndef APCONN_H
#include "apconn.h"
#endif

#include <mbedtls/version.h> /* MBEDTLS_VERSION_NUMBER and the library's config */
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#ifndef APCONN_MBEDTLS_API
#define APCONN_MBEDTLS_API APCONN_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct apconn_mbedtls_config {
    const unsigned char *ca; /* PEM (NUL in ca_len or not) or DER */
    size_t ca_len;
    const char *ca_file;                /* PEM or DER file; NULL = none */
    const char *server_name;            /* verified name + SNI; NULL = the connect host */
    int insecure_skip_verify_DANGEROUS; /* 1 = no certificate or name check (tests only) */
    int allow_common_name_fallback_DANGEROUS; /* 1 = no-SAN certificate may match a DNS name by CN */
    unsigned max_fragment_length;       /* 0, 512, 1024, 2048 or 4096 bytes */
    int tls12_only;                     /* 1 = do not offer TLS 1.3 */
    int no_session_resumption;          /* 1 = full handshake every time */
    int (*entropy_source)(void *entropy_ctx, unsigned char *out, size_t len, size_t *out_len);
    void *entropy_ctx;
    int (*rng)(void *rng_ctx, unsigned char *out, size_t len); /* replaces entropy + CTR_DRBG */
    void *rng_ctx;
} apconn_mbedtls_config;

/* One TLS connection and what it keeps between connections. Treat as opaque. */
typedef struct apconn_mbedtls {
    const apconn_transport *inner;
    const char *server_name;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_session session; /* saved for resumption */
    char session_host[APCONN_HOST_SIZE]; /* name and port the saved session belongs to */
    uint16_t session_port;
    char conn_host[APCONN_HOST_SIZE];    /* name and port of the current connection */
    uint16_t conn_port;
    unsigned char ready; /* mbedTLS contexts set up (between _transport() and _free()) */
    unsigned char inner_open; /* the inner connection is open: close it when done */
    unsigned char have_session, offered_session, resumed, cert_seen, connected, no_resumption;
    unsigned char allow_cn;  /* allow_common_name_fallback_DANGEROUS */
    unsigned char ip_len;    /* 4 or 16: the name being verified is this IP address; 0: a DNS name */
    unsigned char ip[16];
    const char *peer_name;   /* the DNS name being verified (during connect only) */
    const char *cert_note;   /* this layer's reason for refusing the certificate, or NULL */
    uint32_t verify_flags; /* MBEDTLS_X509_BADCERT_* of the last handshake */
    int tls_error;         /* last mbedTLS error code, 0 if none */
    int io_status;         /* inner transport status that ended the last operation */
    const char *note;      /* this layer's own reason for the last failure */
    uint32_t op_start, op_budget; /* deadline of the running operation, ms */
} apconn_mbedtls;

/* Secure defaults: everything zero / NULL (verification required, TLS 1.3
   when available, resumption on). Same as memset(cfg, 0, sizeof *cfg). */
APCONN_MBEDTLS_API void apconn_mbedtls_config_init(apconn_mbedtls_config *cfg);

/* Sets up *tls from *cfg over *inner and fills *out (secure = 1).
   APCONN_OK; APCONN_ERR_ARGUMENT (NULL pointer, no CA without the DANGEROUS
   opt-out, ca_file without a filesystem, bad max_fragment_length);
   APCONN_ERR_TLS (CA does not parse, entropy/RNG or mbedTLS setup failed).
   On failure everything is already freed; apconn_mbedtls_reason() says why. */
APCONN_MBEDTLS_API int apconn_mbedtls_transport(apconn_mbedtls *tls, const apconn_mbedtls_config *cfg,
                                                const apconn_transport *inner, apconn_transport *out);
/* Closes (close_notify) and frees every mbedTLS context, saved session included. */
APCONN_MBEDTLS_API void apconn_mbedtls_free(apconn_mbedtls *tls);

/* 1 when the last successful handshake resumed a saved session. */
APCONN_MBEDTLS_API int apconn_mbedtls_resumed(const apconn_mbedtls *tls);
/* MBEDTLS_X509_BADCERT_* bits of the last handshake (0 = verified or not run). */
APCONN_MBEDTLS_API uint32_t apconn_mbedtls_verify_flags(const apconn_mbedtls *tls);
/* The mbedTLS error code of the last failure (0 if none). */
APCONN_MBEDTLS_API int apconn_mbedtls_last_error(const apconn_mbedtls *tls);
/* One readable line on the last failure; "" if none, or if the inner
   transport's connect failed (ask it: apconn_posix_reason()). Returns its
   length (cut to size - 1; always NUL-terminated when size > 0). */
APCONN_MBEDTLS_API size_t apconn_mbedtls_reason(const apconn_mbedtls *tls, char *buf, size_t size);
/* "TLSv1.2", "TLSv1.3" while connected; "unknown" otherwise. */
APCONN_MBEDTLS_API const char *apconn_mbedtls_version(const apconn_mbedtls *tls);
/* The version of the mbedTLS library linked, e.g. "3.6.6" (the run-time one
   with MBEDTLS_VERSION_C, else the headers'). */
APCONN_MBEDTLS_API const char *apconn_mbedtls_library_version(void);
/* Drops the saved session: the next handshake is a full one. */
APCONN_MBEDTLS_API void apconn_mbedtls_forget_session(apconn_mbedtls *tls);

/* The callbacks (ctx is an apconn_mbedtls *), for wrapping them. */
APCONN_MBEDTLS_API int apconn_mbedtls_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms);
APCONN_MBEDTLS_API long apconn_mbedtls_send(void *ctx, const unsigned char *data, size_t len, uint32_t timeout_ms);
APCONN_MBEDTLS_API long apconn_mbedtls_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms);
APCONN_MBEDTLS_API void apconn_mbedtls_close(void *ctx);
APCONN_MBEDTLS_API uint32_t apconn_mbedtls_now_ms(void *ctx);
APCONN_MBEDTLS_API void apconn_mbedtls_sleep_ms(void *ctx, uint32_t ms);

#ifdef __cplusplus
}
#endif
#endif /* APCONN_MBEDTLS_H */

/* ===========================================================================
   Implementation
   ========================================================================= */
#if defined(APCONN_MBEDTLS_IMPLEMENTATION) && !defined(APCONN_MBEDTLS__IMPLEMENTED)
#define APCONN_MBEDTLS__IMPLEMENTED

#include <limits.h>
#include <string.h>

#include <mbedtls/net_sockets.h> /* MBEDTLS_ERR_NET_* codes only; no net_sockets.c needed */
#include <mbedtls/asn1.h>
#include <mbedtls/oid.h> /* MBEDTLS_OID_NAME_CONSTRAINTS */
#if defined(MBEDTLS_BASE64_C)
#include <mbedtls/base64.h>
#endif
#if defined(MBEDTLS_ERROR_C)
#include <mbedtls/error.h>
#endif
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

#if MBEDTLS_VERSION_NUMBER < 0x02100000
#error "apconn_mbedtls.h needs mbedTLS 2.16 or later (tested: 2.28 and 3.6)"
#endif

#ifndef APCONN_MBEDTLS_CLOSE_NOTIFY_MS
#define APCONN_MBEDTLS_CLOSE_NOTIFY_MS 500u /* ms close() may spend sending close_notify */
#endif
#ifndef APCONN_MBEDTLS_PEM_DER_MAX
#define APCONN_MBEDTLS_PEM_DER_MAX 2048 /* bytes of stack: largest DER of one CA certificate given as PEM without its NUL */
#endif
#ifndef APCONN_MBEDTLS_ENTROPY_MIN
#define APCONN_MBEDTLS_ENTROPY_MIN 32u /* bytes a custom strong entropy source must give */
#endif

#if !defined(APCONN_MBEDTLS_NO_FS) && defined(MBEDTLS_FS_IO)
#define APCONN_MBEDTLS__HAVE_FS 1
#else
#define APCONN_MBEDTLS__HAVE_FS 0
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ----- time -------------------------------------------------------------- */

APCONN_MBEDTLS_API uint32_t apconn_mbedtls_now_ms(void *ctx) {
    const apconn_mbedtls *tls = (const apconn_mbedtls *)ctx;
    return tls->inner->now_ms(tls->inner->ctx);
}

APCONN_MBEDTLS_API void apconn_mbedtls_sleep_ms(void *ctx, uint32_t ms) {
    const apconn_mbedtls *tls = (const apconn_mbedtls *)ctx;
    if (tls->inner->sleep_ms != NULL) tls->inner->sleep_ms(tls->inner->ctx, ms);
}

static void apconn_mbedtls__begin(apconn_mbedtls *tls, uint32_t start, uint32_t budget_ms) {
    tls->op_start = start;
    tls->op_budget = budget_ms;
    tls->io_status = 0;
}

/* ms left of the running operation; the subtraction wraps correctly. */
static uint32_t apconn_mbedtls__left(const apconn_mbedtls *tls) {
    uint32_t spent = tls->inner->now_ms(tls->inner->ctx) - tls->op_start;
    return spent >= tls->op_budget ? 0u : tls->op_budget - spent;
}

/* mbedTLS codes meaning "call again": the operation is incomplete, not failed. */
static int apconn_mbedtls__again(int rc) {
    if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) return 1;
#ifdef MBEDTLS_ERR_SSL_ASYNC_IN_PROGRESS
    if (rc == MBEDTLS_ERR_SSL_ASYNC_IN_PROGRESS) return 1;
#endif
#ifdef MBEDTLS_ERR_SSL_CRYPTO_IN_PROGRESS
    if (rc == MBEDTLS_ERR_SSL_CRYPTO_IN_PROGRESS) return 1;
#endif
    return 0;
}

/* ----- BIO: mbedTLS reads and writes through the inner transport --------- */

static int apconn_mbedtls__bio_send(void *ctx, const unsigned char *buf, size_t len) {
    apconn_mbedtls *tls = (apconn_mbedtls *)ctx;
    long n = tls->inner->send(tls->inner->ctx, buf, len, apconn_mbedtls__left(tls));
    if (n > 0) return (int)n; /* n <= len, one record at most: fits int */
    if (n == APCONN_ERR_WOULD_BLOCK) return MBEDTLS_ERR_SSL_WANT_WRITE;
    tls->io_status = n < 0 ? (int)n : APCONN_ERR_SEND; /* 0 breaks the contract */
    return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int apconn_mbedtls__bio_recv(void *ctx, unsigned char *buf, size_t len) {
    apconn_mbedtls *tls = (apconn_mbedtls *)ctx;
    long n = tls->inner->recv(tls->inner->ctx, buf, len, apconn_mbedtls__left(tls));
    if (n >= 0) return (int)n; /* 0: EOF, which mbedTLS reports as such */
    if (n == APCONN_ERR_WOULD_BLOCK) return MBEDTLS_ERR_SSL_WANT_READ;
    tls->io_status = (int)n;
    return MBEDTLS_ERR_NET_RECV_FAILED;
}

/* ----- reference identity: DNS name or IP address ------------------------ */

static int apconn_mbedtls__fail(apconn_mbedtls *tls, int status, int mbedtls_rc, const char *note);

static int apconn_mbedtls__is_digit(char c) { return c >= '0' && c <= '9'; }

static int apconn_mbedtls__hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Strict dotted quad: 4 decimal octets <= 255, no leading zeros, then NUL. */
static int apconn_mbedtls__parse_ipv4(const char *s, unsigned char out[4]) {
    int part;
    for (part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        const char *octet = s;
        while (apconn_mbedtls__is_digit(*s) && digits < 4u) {
            v = v * 10u + (unsigned)(*s++ - '0');
            digits++;
        }
        if (digits == 0u || digits > 3u || v > 255u || (digits > 1u && *octet == '0')) return 0;
        out[part] = (unsigned char)v;
        if (part < 3 && *s++ != '.') return 0;
    }
    return *s == '\0';
}

/* RFC 4291 section 2.2 text forms: 8 groups of 1-4 hex digits, one "::" for
   one or more zero groups, an optional dotted quad as the last 32 bits. No
   zone index. */
static int apconn_mbedtls__parse_ipv6(const char *s, unsigned char out[16]) {
    unsigned char buf[16];
    int n = 0, gap = -1, i;
    if (s[0] == ':') {
        if (s[1] != ':') return 0;
        s += 2;
        gap = 0;
    }
    while (*s != '\0') {
        const char *group = s;
        unsigned v = 0, digits = 0;
        while (apconn_mbedtls__hex_value(*s) >= 0 && digits < 5u) {
            v = v * 16u + (unsigned)apconn_mbedtls__hex_value(*s++);
            digits++;
        }
        if (*s == '.') { /* the dotted quad: last, whole */
            if (n > 12 || !apconn_mbedtls__parse_ipv4(group, buf + n)) return 0;
            n += 4;
            break;
        }
        if (digits == 0u || digits > 4u || n > 14) return 0;
        buf[n++] = (unsigned char)(v >> 8);
        buf[n++] = (unsigned char)(v & 0xFFu);
        if (*s == '\0') break;
        if (*s++ != ':') return 0;
        if (*s == ':') {
            if (gap >= 0) return 0;
            gap = n;
            s++;
        } else if (*s == '\0') {
            return 0; /* a single trailing ':' */
        }
    }
    if (gap < 0) {
        if (n != 16) return 0;
        memcpy(out, buf, 16);
        return 1;
    }
    if (n > 14) return 0; /* "::" stands for at least one group */
    memset(out, 0, 16);
    memcpy(out, buf, (size_t)gap);
    for (i = 0; i < n - gap; i++) out[16 - (n - gap) + i] = buf[gap + i];
    return 1;
}

/* Would a resolver read this name as an IPv4 address? Its last label (a
   trailing '.' ignored) is decimal digits or 0x-hex (WHATWG URL "ends in a
   number"; inet_aton takes 127.1, 0x7f.1, 2130706433, 0177.0.0.1). */
static int apconn_mbedtls__ends_in_number(const char *name) {
    size_t n = strlen(name), start;
    if (n > 0u && name[n - 1u] == '.') n--;
    start = n;
    while (start > 0u && name[start - 1u] != '.') start--;
    if (start == n) return 0;
    if (n - start >= 2u && name[start] == '0' && (name[start + 1u] == 'x' || name[start + 1u] == 'X')) {
        for (start += 2u; start < n; start++)
            if (apconn_mbedtls__hex_value(name[start]) < 0) return 0;
        return 1;
    }
    for (; start < n; start++)
        if (!apconn_mbedtls__is_digit(name[start])) return 0;
    return 1;
}

/* Sets what the certificate must match: an IP address (ip_len 4 or 16) or a
   DNS name. A name with ':' must be an IPv6 address; one that ends in a
   number must be a strict dotted quad. */
static int apconn_mbedtls__reference_identity(apconn_mbedtls *tls, const char *name) {
    tls->ip_len = 0;
    tls->peer_name = name;
    if (strchr(name, ':') != NULL) {
        if (!apconn_mbedtls__parse_ipv6(name, tls->ip))
            return apconn_mbedtls__fail(tls, APCONN_ERR_ARGUMENT, 0, "the host has a ':' but is not an IPv6 address");
        tls->ip_len = 16;
    } else if (apconn_mbedtls__ends_in_number(name)) {
        if (!apconn_mbedtls__parse_ipv4(name, tls->ip))
            return apconn_mbedtls__fail(tls, APCONN_ERR_ARGUMENT, 0, "the host reads as an IPv4 address but is not a dotted quad (write e.g. 127.0.0.1, not 127.1 or 0x7f.0.0.1)");
        tls->ip_len = 4;
    }
    return APCONN_OK;
}

/* ----- certificate checks of this layer (verify callback) ----------------- */

static unsigned char apconn_mbedtls__lower(unsigned char c) {
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20u) : c;
}

static int apconn_mbedtls__same_text(const unsigned char *a, const char *b, size_t n) {
    size_t i;
    for (i = 0; i < n; i++)
        if (apconn_mbedtls__lower(a[i]) != apconn_mbedtls__lower((unsigned char)b[i])) return 0;
    return 1;
}

/* dNSName vs host name: equal (ASCII case ignored), or "*.rest" where the
   host is "label.rest" (one whole leftmost label, RFC 6125 section 6.4.3). */
static int apconn_mbedtls__dns_match(const mbedtls_x509_buf *san, const char *name) {
    size_t n = strlen(name);
    const char *dot;
    if (san->len == n && apconn_mbedtls__same_text(san->p, name, n)) return 1;
    if (san->len < 3u || san->p[0] != '*' || san->p[1] != '.') return 0;
    dot = strchr(name, '.');
    if (dot == NULL || dot == name) return 0;
    n = strlen(dot);
    return san->len - 1u == n && apconn_mbedtls__same_text(san->p + 1, dot, n);
}

static int apconn_mbedtls__has_san(const mbedtls_x509_crt *crt) {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    return mbedtls_x509_crt_has_ext_type(crt, MBEDTLS_X509_EXT_SUBJECT_ALT_NAME) != 0;
#else
    return (crt->ext_types & MBEDTLS_X509_EXT_SUBJECT_ALT_NAME) != 0;
#endif
}

#define APCONN_MBEDTLS__SAN_DNS (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_X509_SAN_DNS_NAME) /* [2] IA5String */
#define APCONN_MBEDTLS__SAN_IP (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_X509_SAN_IP_ADDRESS) /* [7] OCTET STRING */

/* The leaf against the reference identity, from its parsed subjectAltName
   entries (mbedTLS keeps every GeneralName, iPAddress included, in both
   versions). Adds CN_MISMATCH (and says why) when nothing matches. */
static void apconn_mbedtls__check_name(apconn_mbedtls *tls, const mbedtls_x509_crt *crt, uint32_t *flags) {
    const mbedtls_x509_sequence *san;
    if (!apconn_mbedtls__has_san(crt)) {
        if (tls->allow_cn && tls->ip_len == 0u) return; /* mbedTLS matched the CN (or flagged it) */
        tls->cert_note = "the certificate has no subjectAltName extension; its Common Name is never matched (RFC 9525)";
        *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
        return;
    }
    for (san = &crt->subject_alt_names; san != NULL && san->buf.p != NULL; san = san->next) {
        if (tls->ip_len != 0u) {
            if (san->buf.tag == APCONN_MBEDTLS__SAN_IP && san->buf.len == tls->ip_len &&
                memcmp(san->buf.p, tls->ip, tls->ip_len) == 0)
                return;
        } else if (san->buf.tag == APCONN_MBEDTLS__SAN_DNS && apconn_mbedtls__dns_match(&san->buf, tls->peer_name)) {
            return;
        }
    }
    tls->cert_note = tls->ip_len != 0u
                         ? "no iPAddress subjectAltName of the certificate is the host's address (a dNSName or Common Name spelling it does not count)"
                         : "no dNSName subjectAltName of the certificate matches the host name";
    *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
}

/* Does the certificate carry a nameConstraints extension? Walks its
   Extensions (SEQUENCE OF { OID, [critical], OCTET STRING }) with the ASN.1
   helpers. mbedTLS refuses a critical one while parsing and ignores a
   non-critical one; this layer implements neither, so any is a refusal. A
   walk that fails counts as "yes" (mbedTLS parsed the same bytes before). */
static int apconn_mbedtls__has_name_constraints(const mbedtls_x509_crt *crt) {
    unsigned char *p = crt->v3_ext.p, *end;
    size_t len;
    if (p == NULL || crt->v3_ext.len == 0u) return 0;
    end = p + crt->v3_ext.len;
    if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0) return 1;
    end = p + len;
    while (p < end) {
        unsigned char *ext_end;
        if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0) return 1;
        ext_end = p + len;
        if (mbedtls_asn1_get_tag(&p, ext_end, &len, MBEDTLS_ASN1_OID) != 0) return 1;
        if (len == sizeof MBEDTLS_OID_NAME_CONSTRAINTS - 1u &&
            memcmp(p, MBEDTLS_OID_NAME_CONSTRAINTS, sizeof MBEDTLS_OID_NAME_CONSTRAINTS - 1u) == 0)
            return 1;
        p = ext_end;
    }
    return 0;
}

/* Called by mbedTLS for each certificate of the chain it verifies (a
   handshake that never calls it exchanged no certificate, i.e. resumed),
   after its own checks, with their flags. This layer only ADDS flags: the
   name rules above for the leaf (depth 0), nameConstraints for every
   certificate. */
static int apconn_mbedtls__on_verify(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags) {
    apconn_mbedtls *tls = (apconn_mbedtls *)ctx;
    tls->cert_seen = 1;
    if (apconn_mbedtls__has_name_constraints(crt)) {
        tls->cert_note = "a certificate of the chain has a nameConstraints extension, which this client does not implement (refused whatever it permits)";
        *flags |= MBEDTLS_X509_BADCERT_OTHER;
    }
    if (depth == 0) apconn_mbedtls__check_name(tls, crt, flags);
    return 0;
}

/* Signatures SHA-256 and up, RSA >= 2048 bits, EC curves >= 256 bits: 3.6's
   default profile, also with 2.28 (whose default allows SHA-224 and every curve). */
static const mbedtls_x509_crt_profile apconn_mbedtls__profile = {
    MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA256) | MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA384) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA512),
    0xFFFFFFFu, /* any public key algorithm */
    MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP256R1) | MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP384R1) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP521R1) | MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_BP256R1) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_BP384R1) | MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_BP512R1),
    2048u, /* bits: smallest RSA key */
};

/* ----- setup ------------------------------------------------------------- */

APCONN_MBEDTLS_API void apconn_mbedtls_config_init(apconn_mbedtls_config *cfg) {
    if (cfg != NULL) memset(cfg, 0, sizeof *cfg);
}

static int apconn_mbedtls__fail(apconn_mbedtls *tls, int status, int mbedtls_rc, const char *note) {
    tls->tls_error = mbedtls_rc;
    tls->note = note;
    return status;
}

/* First occurrence of `needle` in hay[0..len), bounded (no NUL needed). */
static const unsigned char *apconn_mbedtls__find(const unsigned char *hay, size_t len, const char *needle) {
    size_t n = strlen(needle), i;
    for (i = 0; n <= len && i <= len - n; i++)
        if (memcmp(hay + i, needle, n) == 0) return hay + i;
    return NULL;
}

#define APCONN_MBEDTLS__PEM_BEGIN "-----BEGIN CERTIFICATE-----"
#define APCONN_MBEDTLS__PEM_END "-----END CERTIFICATE-----"

/* PEM without its NUL: mbedtls_x509_crt_parse() would read past the buffer
   (its PEM reader uses strstr), so decode each block ourselves. */
static int apconn_mbedtls__parse_pem_blocks(apconn_mbedtls *tls, const unsigned char *pem, size_t len) {
#if defined(MBEDTLS_BASE64_C)
    const unsigned char *end = pem + len, *begin;
    int count = 0;
    while ((begin = apconn_mbedtls__find(pem, (size_t)(end - pem), APCONN_MBEDTLS__PEM_BEGIN)) != NULL) {
        const unsigned char *body = begin + strlen(APCONN_MBEDTLS__PEM_BEGIN);
        const unsigned char *stop = apconn_mbedtls__find(body, (size_t)(end - body), APCONN_MBEDTLS__PEM_END);
        unsigned char der[APCONN_MBEDTLS_PEM_DER_MAX];
        size_t der_len = 0;
        int rc;
        if (stop == NULL) return apconn_mbedtls__fail(tls, APCONN_ERR_TLS, 0, "CA PEM block without its END line");
        rc = mbedtls_base64_decode(der, sizeof der, &der_len, body, (size_t)(stop - body));
        if (rc != 0) return apconn_mbedtls__fail(tls, APCONN_ERR_TLS, rc, "CA PEM block is not valid base64 (or larger than APCONN_MBEDTLS_PEM_DER_MAX)");
        rc = mbedtls_x509_crt_parse_der(&tls->ca, der, der_len);
        if (rc != 0) return apconn_mbedtls__fail(tls, APCONN_ERR_TLS, rc, "a CA certificate does not parse");
        count++;
        pem = stop + strlen(APCONN_MBEDTLS__PEM_END);
    }
    if (count == 0) return apconn_mbedtls__fail(tls, APCONN_ERR_TLS, 0, "no certificate in the CA PEM text");
    return APCONN_OK;
#else
    (void)pem;
    (void)len;
    return apconn_mbedtls__fail(tls, APCONN_ERR_TLS, 0, "PEM CA without its NUL needs MBEDTLS_BASE64_C");
#endif
}

static int apconn_mbedtls__parse_ca_buffer(apconn_mbedtls *tls, const unsigned char *ca, size_t len) {
    int rc;
    if (apconn_mbedtls__find(ca, len, "-----BEGIN") != NULL && ca[len - 1] != '\0')
        return apconn_mbedtls__parse_pem_blocks(tls, ca, len);
    rc = mbedtls_x509_crt_parse(&tls->ca, ca, len); /* PEM with NUL, or DER */
    if (rc < 0) return apconn_mbedtls__fail(tls, APCONN_ERR_TLS, rc, "the CA certificate does not parse");
    if (rc > 0) return apconn_mbedtls__fail(tls, APCONN_ERR_TLS, 0, "some CA certificates do not parse");
    return APCONN_OK;
}

static int apconn_mbedtls__load_ca(apconn_mbedtls *tls, const apconn_mbedtls_config *cfg) {
    int rc;
    if (cfg->ca != NULL && cfg->ca_len > 0u) {
        rc = apconn_mbedtls__parse_ca_buffer(tls, cfg->ca, cfg->ca_len);
        if (rc != APCONN_OK) return rc;
    }
    if (cfg->ca_file != NULL) {
#if APCONN_MBEDTLS__HAVE_FS
        rc = mbedtls_x509_crt_parse_file(&tls->ca, cfg->ca_file);
        if (rc < 0) return apconn_mbedtls__fail(tls, APCONN_ERR_TLS, rc, "the CA file cannot be read or does not parse");
        if (rc > 0) return apconn_mbedtls__fail(tls, APCONN_ERR_TLS, 0, "some certificates of the CA file do not parse");
#else
        return apconn_mbedtls__fail(tls, APCONN_ERR_ARGUMENT, 0, "ca_file given but built without a filesystem (APCONN_MBEDTLS_NO_FS or no MBEDTLS_FS_IO)");
#endif
    }
    if (tls->ca.version == 0 && !cfg->insecure_skip_verify_DANGEROUS)
        return apconn_mbedtls__fail(tls, APCONN_ERR_ARGUMENT, 0, "no CA certificate given (ca/ca_len or ca_file)");
    return APCONN_OK;
}

static int apconn_mbedtls__seed(apconn_mbedtls *tls, const apconn_mbedtls_config *cfg) {
    static const unsigned char personalization[] = "apconn_mbedtls";
    int rc;
    if (cfg->rng != NULL) {
        mbedtls_ssl_conf_rng(&tls->conf, cfg->rng, cfg->rng_ctx);
        return APCONN_OK;
    }
    if (cfg->entropy_source != NULL) {
        rc = mbedtls_entropy_add_source(&tls->entropy, cfg->entropy_source, cfg->entropy_ctx,
                                        APCONN_MBEDTLS_ENTROPY_MIN, MBEDTLS_ENTROPY_SOURCE_STRONG);
        if (rc != 0) return apconn_mbedtls__fail(tls, APCONN_ERR_TLS, rc, "cannot add the entropy source");
    }
    rc = mbedtls_ctr_drbg_seed(&tls->drbg, mbedtls_entropy_func, &tls->entropy, personalization,
                               sizeof personalization - 1u);
    if (rc != 0) return apconn_mbedtls__fail(tls, APCONN_ERR_TLS, rc, "cannot seed the random generator (no strong entropy source?)");
    mbedtls_ssl_conf_rng(&tls->conf, mbedtls_ctr_drbg_random, &tls->drbg);
    return APCONN_OK;
}

static int apconn_mbedtls__max_fragment(apconn_mbedtls *tls, unsigned bytes) {
    if (bytes == 0u) return APCONN_OK;
#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
    {
        unsigned char code;
        if (bytes == 512u) code = MBEDTLS_SSL_MAX_FRAG_LEN_512;
        else if (bytes == 1024u) code = MBEDTLS_SSL_MAX_FRAG_LEN_1024;
        else if (bytes == 2048u) code = MBEDTLS_SSL_MAX_FRAG_LEN_2048;
        else if (bytes == 4096u) code = MBEDTLS_SSL_MAX_FRAG_LEN_4096;
        else return apconn_mbedtls__fail(tls, APCONN_ERR_ARGUMENT, 0, "max_fragment_length must be 0, 512, 1024, 2048 or 4096");
        if (mbedtls_ssl_conf_max_frag_len(&tls->conf, code) != 0)
            return apconn_mbedtls__fail(tls, APCONN_ERR_ARGUMENT, 0, "max_fragment_length refused by mbedTLS");
        return APCONN_OK;
    }
#else
    return apconn_mbedtls__fail(tls, APCONN_ERR_ARGUMENT, 0, "max_fragment_length needs MBEDTLS_SSL_MAX_FRAGMENT_LENGTH");
#endif
}

static void apconn_mbedtls__versions(apconn_mbedtls *tls, const apconn_mbedtls_config *cfg) {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    mbedtls_ssl_conf_min_tls_version(&tls->conf, MBEDTLS_SSL_VERSION_TLS1_2);
    if (cfg->tls12_only) mbedtls_ssl_conf_max_tls_version(&tls->conf, MBEDTLS_SSL_VERSION_TLS1_2);
#else
    (void)cfg; /* 2.28 has no TLS 1.3 */
    mbedtls_ssl_conf_min_version(&tls->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
#if defined(MBEDTLS_SSL_SESSION_TICKETS)
    mbedtls_ssl_conf_session_tickets(&tls->conf, cfg->no_session_resumption ? MBEDTLS_SSL_SESSION_TICKETS_DISABLED
                                                                            : MBEDTLS_SSL_SESSION_TICKETS_ENABLED);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED)
    /* TLS 1.3 tickets come after the handshake; have mbedtls_ssl_read() say so. */
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(&tls->conf,
                                                             MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#endif
#endif
}

static int apconn_mbedtls__configure(apconn_mbedtls *tls, const apconn_mbedtls_config *cfg) {
    int rc = mbedtls_ssl_config_defaults(&tls->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                         MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0) return apconn_mbedtls__fail(tls, APCONN_ERR_TLS, rc, "mbedtls_ssl_config_defaults failed");
    /* The opt-out still runs the check (OPTIONAL) so that the flags are
       reported and resumption is detected; it only ignores the verdict. */
    mbedtls_ssl_conf_authmode(&tls->conf, cfg->insecure_skip_verify_DANGEROUS ? MBEDTLS_SSL_VERIFY_OPTIONAL
                                                                             : MBEDTLS_SSL_VERIFY_REQUIRED);
    if (tls->ca.version != 0) mbedtls_ssl_conf_ca_chain(&tls->conf, &tls->ca, NULL);
    mbedtls_ssl_conf_cert_profile(&tls->conf, &apconn_mbedtls__profile);
    mbedtls_ssl_conf_verify(&tls->conf, apconn_mbedtls__on_verify, tls);
    apconn_mbedtls__versions(tls, cfg);
    rc = apconn_mbedtls__max_fragment(tls, cfg->max_fragment_length);
    if (rc != APCONN_OK) return rc;
    rc = apconn_mbedtls__seed(tls, cfg);
    if (rc != APCONN_OK) return rc;
    rc = mbedtls_ssl_setup(&tls->ssl, &tls->conf);
    if (rc != 0) return apconn_mbedtls__fail(tls, APCONN_ERR_TLS, rc, "mbedtls_ssl_setup failed");
    mbedtls_ssl_set_bio(&tls->ssl, tls, apconn_mbedtls__bio_send, apconn_mbedtls__bio_recv, NULL);
    return APCONN_OK;
}

static void apconn_mbedtls__init_contexts(apconn_mbedtls *tls) {
    memset(tls, 0, sizeof *tls);
    mbedtls_ssl_init(&tls->ssl);
    mbedtls_ssl_config_init(&tls->conf);
    mbedtls_x509_crt_init(&tls->ca);
    mbedtls_entropy_init(&tls->entropy);
    mbedtls_ctr_drbg_init(&tls->drbg);
    mbedtls_ssl_session_init(&tls->session);
}

static void apconn_mbedtls__free_contexts(apconn_mbedtls *tls) {
    tls->ready = 0;
    mbedtls_ssl_session_free(&tls->session);
    mbedtls_ssl_free(&tls->ssl);
    mbedtls_ssl_config_free(&tls->conf);
    mbedtls_x509_crt_free(&tls->ca);
    mbedtls_ctr_drbg_free(&tls->drbg);
    mbedtls_entropy_free(&tls->entropy);
    tls->have_session = 0;
}

APCONN_MBEDTLS_API int apconn_mbedtls_transport(apconn_mbedtls *tls, const apconn_mbedtls_config *cfg,
                                                const apconn_transport *inner, apconn_transport *out) {
    int rc;
    if (tls == NULL) return APCONN_ERR_ARGUMENT;
    apconn_mbedtls__init_contexts(tls);
    if (cfg == NULL || inner == NULL || out == NULL || inner->send == NULL || inner->recv == NULL ||
        inner->now_ms == NULL)
        return apconn_mbedtls__fail(tls, APCONN_ERR_ARGUMENT, 0, "NULL config, inner transport or callback");
    tls->inner = inner;
    tls->server_name = cfg->server_name;
    tls->no_resumption = cfg->no_session_resumption ? 1u : 0u;
    tls->allow_cn = cfg->allow_common_name_fallback_DANGEROUS ? 1u : 0u;
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
    if (psa_crypto_init() != PSA_SUCCESS) /* 3.x: TLS 1.3 and parts of X.509 use PSA */
        return apconn_mbedtls__fail(tls, APCONN_ERR_TLS, 0, "psa_crypto_init failed");
#endif
    rc = apconn_mbedtls__load_ca(tls, cfg);
    if (rc == APCONN_OK) rc = apconn_mbedtls__configure(tls, cfg);
    if (rc != APCONN_OK) {
        int saved = tls->tls_error;
        const char *note = tls->note;
        apconn_mbedtls__free_contexts(tls);
        tls->tls_error = saved;
        tls->note = note;
        return rc;
    }
    tls->ready = 1;
    memset(out, 0, sizeof *out);
    out->ctx = tls;
    out->connect = apconn_mbedtls_connect;
    out->send = apconn_mbedtls_send;
    out->recv = apconn_mbedtls_recv;
    out->close = apconn_mbedtls_close;
    out->now_ms = apconn_mbedtls_now_ms;
    out->sleep_ms = inner->sleep_ms != NULL ? apconn_mbedtls_sleep_ms : NULL;
    out->secure = 1;
    return APCONN_OK;
}

/* ----- sessions ---------------------------------------------------------- */

APCONN_MBEDTLS_API void apconn_mbedtls_forget_session(apconn_mbedtls *tls) {
    if (tls == NULL) return;
    mbedtls_ssl_session_free(&tls->session); /* zeroizes the master secret / ticket */
    mbedtls_ssl_session_init(&tls->session);
    tls->have_session = 0;
    tls->session_host[0] = '\0';
}

static int apconn_mbedtls__is_tls13(const apconn_mbedtls *tls) {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
    return mbedtls_ssl_get_version_number(&tls->ssl) == MBEDTLS_SSL_VERSION_TLS1_3;
#else
    (void)tls;
    return 0;
#endif
}

/* Keeps the current session (TLS 1.2: after the handshake; TLS 1.3: each
   time a ticket arrives) for the next connect to the same name and port. */
static void apconn_mbedtls__save_session(apconn_mbedtls *tls) {
    if (tls->no_resumption || tls->conn_host[0] == '\0') return;
    apconn_mbedtls_forget_session(tls);
    if (mbedtls_ssl_get_session(&tls->ssl, &tls->session) != 0) {
        apconn_mbedtls_forget_session(tls);
        return;
    }
    memcpy(tls->session_host, tls->conn_host, sizeof tls->session_host);
    tls->session_port = tls->conn_port;
    tls->have_session = 1;
}

/* Remembers the name the session will belong to; a name too long for the
   field only disables resumption. */
static void apconn_mbedtls__set_conn_name(apconn_mbedtls *tls, const char *name, uint16_t port) {
    size_t n = strlen(name);
    tls->conn_host[0] = '\0';
    tls->conn_port = port;
    if (n < sizeof tls->conn_host) memcpy(tls->conn_host, name, n + 1u);
}

static void apconn_mbedtls__offer_session(apconn_mbedtls *tls) {
    tls->offered_session = 0;
    if (!tls->have_session || tls->no_resumption || tls->conn_host[0] == '\0') return;
    if (tls->session_port != tls->conn_port || strcmp(tls->session_host, tls->conn_host) != 0) return;
    if (mbedtls_ssl_set_session(&tls->ssl, &tls->session) == 0) tls->offered_session = 1;
    else apconn_mbedtls_forget_session(tls); /* e.g. an expired ticket: full handshake */
}

/* ----- connect ----------------------------------------------------------- */

/* mbedTLS refused to parse a certificate the server sent: rc is an X.509
   parse error (high-level part, possibly plus an ASN.1 one), or the public
   key's (e.g. a curve this build does not have). */
static int apconn_mbedtls__cert_parse_error(int rc) {
    int high = rc < 0 ? -(int)((unsigned)-rc & 0xFF80u) : 0;
    return high == MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE || high == MBEDTLS_ERR_PK_UNKNOWN_PK_ALG ||
           high == MBEDTLS_ERR_PK_KEY_INVALID_FORMAT || high == MBEDTLS_ERR_PK_INVALID_PUBKEY ||
           high == MBEDTLS_ERR_PK_INVALID_ALG || high == MBEDTLS_ERR_X509_INVALID_FORMAT || high == MBEDTLS_ERR_X509_INVALID_VERSION ||
           high == MBEDTLS_ERR_X509_INVALID_SERIAL || high == MBEDTLS_ERR_X509_INVALID_ALG ||
           high == MBEDTLS_ERR_X509_INVALID_NAME || high == MBEDTLS_ERR_X509_INVALID_DATE ||
           high == MBEDTLS_ERR_X509_INVALID_SIGNATURE || high == MBEDTLS_ERR_X509_INVALID_EXTENSIONS ||
           high == MBEDTLS_ERR_X509_UNKNOWN_VERSION || high == MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG ||
           high == MBEDTLS_ERR_X509_SIG_MISMATCH || high == MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE;
}

static int apconn_mbedtls__handshake_failure(apconn_mbedtls *tls, int rc) {
    uint32_t flags = mbedtls_ssl_get_verify_result(&tls->ssl);
    if (tls->io_status != 0) return apconn_mbedtls__fail(tls, tls->io_status, rc, "the connection failed during the TLS handshake");
    if (apconn_mbedtls__again(rc)) return apconn_mbedtls__fail(tls, APCONN_ERR_TIMEOUT, 0, "the TLS handshake did not finish before the deadline");
    if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
        tls->verify_flags = flags;
        return apconn_mbedtls__fail(tls, APCONN_ERR_CERT, rc, NULL);
    }
    if (apconn_mbedtls__cert_parse_error(rc))
        return apconn_mbedtls__fail(tls, APCONN_ERR_CERT, rc, "a certificate of the server does not parse (malformed, or an unsupported critical extension such as nameConstraints)");
    if (rc == MBEDTLS_ERR_SSL_CONN_EOF)
        return apconn_mbedtls__fail(tls, APCONN_ERR_TLS, rc, "the server closed the connection during the TLS handshake");
    return apconn_mbedtls__fail(tls, APCONN_ERR_TLS, rc, NULL);
}

static int apconn_mbedtls__handshake(apconn_mbedtls *tls) {
    for (;;) {
        int rc = mbedtls_ssl_handshake(&tls->ssl);
        if (rc == 0) return APCONN_OK;
        if (!apconn_mbedtls__again(rc) || apconn_mbedtls__left(tls) == 0u)
            return apconn_mbedtls__handshake_failure(tls, rc);
    }
}

/* Ends a connection that is not (or no longer) usable: nothing is sent. */
static void apconn_mbedtls__drop(apconn_mbedtls *tls) {
    tls->connected = 0;
    if (tls->inner_open && tls->inner->close != NULL) tls->inner->close(tls->inner->ctx);
    tls->inner_open = 0;
    (void)mbedtls_ssl_session_reset(&tls->ssl); /* wipes the keys of this connection */
}

static void apconn_mbedtls__clear_status(apconn_mbedtls *tls) {
    tls->verify_flags = 0;
    tls->tls_error = 0;
    tls->io_status = 0;
    tls->note = NULL;
    tls->resumed = 0;
    tls->cert_seen = 0;
    tls->cert_note = NULL;
}

APCONN_MBEDTLS_API int apconn_mbedtls_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms) {
    apconn_mbedtls *tls = (apconn_mbedtls *)ctx;
    const char *name;
    int rc;
    if (tls == NULL || !tls->ready || host == NULL || host[0] == '\0') return APCONN_ERR_ARGUMENT;
    apconn_mbedtls_close(tls);
    apconn_mbedtls__clear_status(tls);
    apconn_mbedtls__begin(tls, tls->inner->now_ms(tls->inner->ctx), timeout_ms);
    name = tls->server_name != NULL ? tls->server_name : host;
    rc = apconn_mbedtls__reference_identity(tls, name); /* before anything is opened */
    if (rc != APCONN_OK) return rc;
    if (tls->inner->connect != NULL) {
        rc = tls->inner->connect(tls->inner->ctx, host, port, timeout_ms);
        if (rc != APCONN_OK) return rc; /* its own reason says why (apconn_posix_reason) */
    }
    tls->inner_open = 1; /* opened now, or by the caller when there is no connect */
    (void)mbedtls_ssl_session_reset(&tls->ssl);
    /* A DNS name: SNI and mbedTLS's name check (this layer checks it again).
       An IP address: NULL = no SNI (RFC 6066 section 3) and no name check by
       mbedTLS (3.6 would accept a dNSName spelling the address); the verify
       callback matches the iPAddress entries. The chain is verified either way. */
    rc = mbedtls_ssl_set_hostname(&tls->ssl, tls->ip_len != 0u ? NULL : name);
    if (rc != 0) {
        apconn_mbedtls__drop(tls);
        return apconn_mbedtls__fail(tls, APCONN_ERR_ARGUMENT, rc, "server name refused by mbedTLS");
    }
    apconn_mbedtls__set_conn_name(tls, name, port);
    apconn_mbedtls__offer_session(tls);
    rc = apconn_mbedtls__handshake(tls);
    tls->peer_name = NULL; /* borrowed for the handshake only */
    if (rc != APCONN_OK) {
        apconn_mbedtls_forget_session(tls);
        apconn_mbedtls__drop(tls);
        return rc;
    }
    tls->connected = 1;
    tls->verify_flags = mbedtls_ssl_get_verify_result(&tls->ssl);
    tls->resumed = (unsigned char)(tls->offered_session && !tls->cert_seen);
    if (!apconn_mbedtls__is_tls13(tls)) apconn_mbedtls__save_session(tls); /* 1.3: see recv */
    return APCONN_OK;
}

/* ----- send / recv / close ----------------------------------------------- */

/* TLS 1.3: mbedTLS signals each NewSessionTicket (RFC 8446 section 4.6.1)
   from whichever call finishes taking it in: mbedtls_ssl_read() usually, but
   mbedtls_ssl_write() when a read ran out of time half-way. Saves the
   session; 1 if rc was that signal (the call is then simply repeated). */
static int apconn_mbedtls__took_ticket(apconn_mbedtls *tls, int rc) {
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
    if (rc == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
        apconn_mbedtls__save_session(tls);
        return 1;
    }
#else
    (void)tls;
    (void)rc;
#endif
    return 0;
}

static long apconn_mbedtls__io_failure(apconn_mbedtls *tls, int rc, int fallback) {
    if (tls->io_status != 0) return apconn_mbedtls__fail(tls, tls->io_status, rc, "the inner transport failed");
    return apconn_mbedtls__fail(tls, fallback, rc, NULL);
}

APCONN_MBEDTLS_API long apconn_mbedtls_send(void *ctx, const unsigned char *data, size_t len, uint32_t timeout_ms) {
    apconn_mbedtls *tls = (apconn_mbedtls *)ctx;
    if (tls == NULL || data == NULL || len == 0u) return APCONN_ERR_ARGUMENT;
    /* Never let mbedtls_ssl_write() start a handshake of its own. */
    if (!tls->connected) return apconn_mbedtls__fail(tls, APCONN_ERR_SEND, 0, "send on a TLS connection that is not established");
    if (len > (size_t)INT_MAX) len = (size_t)INT_MAX;
    apconn_mbedtls__begin(tls, tls->inner->now_ms(tls->inner->ctx), timeout_ms);
    for (;;) {
        int rc = mbedtls_ssl_write(&tls->ssl, data, len);
        if (rc > 0) return rc;
        if (apconn_mbedtls__took_ticket(tls, rc)) continue;
        if (!apconn_mbedtls__again(rc)) return apconn_mbedtls__io_failure(tls, rc, APCONN_ERR_TLS);
        if (apconn_mbedtls__left(tls) == 0u) return APCONN_ERR_WOULD_BLOCK;
    }
}

/* What mbedtls_ssl_read() said, as the recv contract wants it; 1 = read again. */
static long apconn_mbedtls__read_result(apconn_mbedtls *tls, int rc) {
    if (rc > 0) return rc;
    if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) return 0; /* orderly TLS EOF */
    if (rc == 0 || rc == MBEDTLS_ERR_SSL_CONN_EOF)
        return apconn_mbedtls__fail(tls, APCONN_ERR_CLOSED, rc, "the connection ended without TLS close_notify");
    if (apconn_mbedtls__took_ticket(tls, rc)) return 1; /* saved; read on */
    if (apconn_mbedtls__again(rc)) return apconn_mbedtls__left(tls) == 0u ? APCONN_ERR_WOULD_BLOCK : 1;
    return apconn_mbedtls__io_failure(tls, rc, APCONN_ERR_TLS);
}

APCONN_MBEDTLS_API long apconn_mbedtls_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    apconn_mbedtls *tls = (apconn_mbedtls *)ctx;
    if (tls == NULL || buf == NULL || len == 0u) return APCONN_ERR_ARGUMENT; /* 0 would read as EOF */
    if (!tls->connected) return apconn_mbedtls__fail(tls, APCONN_ERR_RECV, 0, "recv on a TLS connection that is not established");
    if (len > (size_t)INT_MAX) len = (size_t)INT_MAX;
    apconn_mbedtls__begin(tls, tls->inner->now_ms(tls->inner->ctx), timeout_ms);
    for (;;) {
        long r = apconn_mbedtls__read_result(tls, mbedtls_ssl_read(&tls->ssl, buf, len));
        if (r != 1) return r;
    }
}

APCONN_MBEDTLS_API void apconn_mbedtls_close(void *ctx) {
    apconn_mbedtls *tls = (apconn_mbedtls *)ctx;
    int rc;
    if (tls == NULL || !tls->ready) return;
    if (tls->connected) { /* RFC 8446 section 6.1: tell the server we are done */
        apconn_mbedtls__begin(tls, tls->inner->now_ms(tls->inner->ctx), APCONN_MBEDTLS_CLOSE_NOTIFY_MS);
        do rc = mbedtls_ssl_close_notify(&tls->ssl);
        while (apconn_mbedtls__again(rc) && apconn_mbedtls__left(tls) > 0u);
    }
    apconn_mbedtls__drop(tls);
}

APCONN_MBEDTLS_API void apconn_mbedtls_free(apconn_mbedtls *tls) {
    if (tls == NULL || !tls->ready) return; /* never set up, already freed, or setup failed */
    apconn_mbedtls_close(tls);
    apconn_mbedtls__free_contexts(tls);
}

/* ----- diagnostics ------------------------------------------------------- */

APCONN_MBEDTLS_API int apconn_mbedtls_resumed(const apconn_mbedtls *tls) { return tls->resumed; }
APCONN_MBEDTLS_API uint32_t apconn_mbedtls_verify_flags(const apconn_mbedtls *tls) { return tls->verify_flags; }
APCONN_MBEDTLS_API int apconn_mbedtls_last_error(const apconn_mbedtls *tls) { return tls->tls_error; }

APCONN_MBEDTLS_API const char *apconn_mbedtls_version(const apconn_mbedtls *tls) {
    return tls->connected ? mbedtls_ssl_get_version(&tls->ssl) : "unknown";
}

APCONN_MBEDTLS_API const char *apconn_mbedtls_library_version(void) {
#if defined(MBEDTLS_VERSION_C)
    static char text[16]; /* mbedtls_version_get_string() writes at most 9 bytes */
    mbedtls_version_get_string(text);
    return text;
#else
    return MBEDTLS_VERSION_STRING;
#endif
}

/* Appends text at *len, keeping the NUL; cut at size - 1. */
static void apconn_mbedtls__append(char *buf, size_t size, size_t *len, const char *text) {
    while (*text != '\0' && *len + 1u < size) buf[(*len)++] = *text++;
    buf[*len] = '\0';
}

static void apconn_mbedtls__append_hex(char *buf, size_t size, size_t *len, uint32_t v) {
    static const char digits[] = "0123456789ABCDEF";
    char text[11];
    int i;
    text[0] = '0';
    text[1] = 'x';
    for (i = 0; i < 8; i++) text[2 + i] = digits[(v >> (28 - 4 * i)) & 0xFu];
    text[10] = '\0';
    apconn_mbedtls__append(buf, size, len, text);
}

/* mbedtls_x509_crt_verify_info() writes one line per flag: join them. */
static void apconn_mbedtls__verify_text(const apconn_mbedtls *tls, char *buf, size_t size, size_t *len) {
#if !defined(MBEDTLS_X509_REMOVE_INFO)
    char *p;
    if (mbedtls_x509_crt_verify_info(buf, size, "", tls->verify_flags) < 0) buf[0] = '\0';
    *len = strlen(buf);
    while (*len > 0u && buf[*len - 1u] == '\n') buf[--(*len)] = '\0';
    for (p = buf; (p = strchr(p, '\n')) != NULL;) *p = ';';
#else
    apconn_mbedtls__append(buf, size, len, "certificate verification failed, flags ");
    apconn_mbedtls__append_hex(buf, size, len, tls->verify_flags);
#endif
}

static void apconn_mbedtls__error_text(int code, char *buf, size_t size, size_t *len) {
#if defined(MBEDTLS_ERROR_C)
    char text[128];
    mbedtls_strerror(code, text, sizeof text);
    apconn_mbedtls__append(buf, size, len, text);
    apconn_mbedtls__append(buf, size, len, " (");
#else
    apconn_mbedtls__append(buf, size, len, "mbedTLS error (");
#endif
    apconn_mbedtls__append(buf, size, len, code < 0 ? "-" : "");
    apconn_mbedtls__append_hex(buf, size, len, code < 0 ? (uint32_t)0 - (uint32_t)code : (uint32_t)code);
    apconn_mbedtls__append(buf, size, len, ")");
}

APCONN_MBEDTLS_API size_t apconn_mbedtls_reason(const apconn_mbedtls *tls, char *buf, size_t size) {
    size_t len = 0;
    if (buf == NULL || size == 0u) return 0;
    buf[0] = '\0';
    if (tls == NULL) return 0;
    if (tls->verify_flags != 0u && tls->verify_flags != (uint32_t)-1 && tls->tls_error == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
        if (tls->cert_note != NULL) { /* this layer's reason first, then mbedTLS's flags */
            size_t flags_len = 0;
            apconn_mbedtls__append(buf, size, &len, tls->cert_note);
            apconn_mbedtls__append(buf, size, &len, "; ");
            apconn_mbedtls__verify_text(tls, buf + len, size - len, &flags_len);
            return len + flags_len;
        }
        apconn_mbedtls__verify_text(tls, buf, size, &len);
        return len;
    }
    if (tls->note != NULL) apconn_mbedtls__append(buf, size, &len, tls->note);
    if (tls->tls_error != 0) {
        if (len > 0u) apconn_mbedtls__append(buf, size, &len, ": ");
        apconn_mbedtls__error_text(tls->tls_error, buf, size, &len);
    }
    return len;
}

#ifdef __cplusplus
}
#endif
#endif /* APCONN_MBEDTLS_IMPLEMENTATION */
