/* mbedtls_config_mcu_tls13.h - a minimal mbedTLS 3.6 configuration for apconn on MCUs.

   The mbedTLS 3.6 counterpart of platform/mbedtls_config_mcu.h: a TLS client
   that offers TLS 1.3 and TLS 1.2, and nothing else.
     TLS 1.3  ephemeral (EC)DHE key exchange only (no PSK, no early data),
              TLS_AES_128_GCM_SHA256 and TLS_AES_256_GCM_SHA384, ECDSA or
              RSA-PSS server signatures, groups secp256r1 and secp384r1.
     TLS 1.2  ECDHE-ECDSA and ECDHE-RSA with AES-GCM (as the 2.28 config).
   X.509 verification (dates, key usage, host name), SNI, session tickets
   (TLS 1.3 tickets included), max-fragment-length for TLS 1.2 servers that
   honour it. No filesystem, no net_sockets, no platform entropy: the
   hardware RNG feeds mbedtls_entropy (MBEDTLS_ENTROPY_HARDWARE_ALT), which
   also seeds PSA's random generator (TLS 1.3 runs on PSA crypto).

   Use it (mbedTLS 3.6):
      build mbedTLS AND every file that includes an mbedTLS header with
         -DMBEDTLS_CONFIG_FILE='"mbedtls_config_mcu_tls13.h"' -I<apconn>/platform
      and in the firmware provide the entropy source (a true RNG, not rand()):
         int mbedtls_hardware_poll(void *data, unsigned char *out, size_t len, size_t *olen);
      and a millisecond clock (any epoch; e.g. the RTC's seconds * 1000):
         mbedtls_ms_time_t mbedtls_ms_time(void);     (mbedtls/platform_time.h)
   Your own changes on top go in MBEDTLS_USER_CONFIG_FILE (mbedTLS 3.x
   includes it after this file by itself); examples/firmware/
   fw_mbedtls_tuning.h is one (a static pool, one curve, smaller records).
   What the 2.28 config says about the clock, the record buffers, the CA and
   the heap holds here too. TLS 1.3 has no max-fragment-length in mbedTLS
   (RFC 8449 record_size_limit is MBEDTLS_SSL_RECORD_SIZE_LIMIT, and few
   servers honour it), so MBEDTLS_SSL_IN_CONTENT_LEN must hold the largest
   record the server really sends: 16384 for a server you do not control.
   Do not include mbedtls/check_config.h here: 3.x's build_info.h does.
*/
#ifndef APCONN_MBEDTLS_CONFIG_MCU_TLS13_H
#define APCONN_MBEDTLS_CONFIG_MCU_TLS13_H

/* ---- system support ---- */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE           /* certificate validity dates: needs a set clock */
#define MBEDTLS_NO_PLATFORM_ENTROPY      /* no /dev/urandom on an MCU */
#define MBEDTLS_ENTROPY_HARDWARE_ALT     /* you provide mbedtls_hardware_poll() */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MS_TIME_ALT     /* you provide mbedtls_ms_time(): TLS 1.3 ticket ages */
#define MBEDTLS_DEPRECATED_REMOVED

/* ---- TLS: 1.3 and 1.2 client only ---- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE   /* mbedTLS's TLS 1.3 needs it */
#define MBEDTLS_SSL_SERVER_NAME_INDICATION  /* SNI: virtual hosts pick the right certificate */
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET  /* RFC 7627 (TLS 1.2) */
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
#define MBEDTLS_SSL_SESSION_TICKETS         /* resumption: saves a full handshake on reconnect */
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH     /* RFC 6066 section 4 (TLS 1.2), for servers that honour it */
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_CIPHERSUITES                                                              \
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256, MBEDTLS_TLS1_3_AES_256_GCM_SHA384,                    \
        MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, \
        MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384 /* bytes: the largest record a server may send */
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096 /* bytes: apconn's writes are split to fit */

/* ---- X.509 ---- */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT /* TLS 1.3 servers with RSA keys sign with PSS */
#define MBEDTLS_PEM_PARSE_C /* CA given as PEM text */
#define MBEDTLS_BASE64_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C /* ECDSA signature encoding */
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C

/* ---- crypto (TLS 1.3 goes through PSA, which uses the same built-in code) ---- */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_HKDF_C /* TLS 1.3 key schedule */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES /* tables in flash, not RAM */
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_RSA_C /* most public servers still have RSA certificates */
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C

/* ---- RAM over speed ---- */
#define MBEDTLS_MPI_WINDOW_SIZE 2         /* default 6 */
#define MBEDTLS_MPI_MAX_SIZE 512          /* bytes: RSA-4096 at most */
#define MBEDTLS_ECP_WINDOW_SIZE 2         /* default 6 */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0   /* no RAM cache of precomputed points */
#define MBEDTLS_ENTROPY_MAX_SOURCES 4
#define MBEDTLS_PSA_KEY_SLOT_COUNT 8      /* volatile PSA keys at once; a handshake needs a few */

#endif /* APCONN_MBEDTLS_CONFIG_MCU_TLS13_H */
