/* mbedtls_config_mcu.h - a minimal mbedTLS 2.28 configuration for apconn on MCUs.

   A TLS 1.2 client and nothing else: ECDHE-ECDSA and ECDHE-RSA key exchange
   with AES-GCM, SHA-256/384, X.509 certificate verification (dates, key
   usage, host name), SNI, session tickets, max-fragment-length. No
   filesystem, no net_sockets (your transport moves the bytes), no platform
   entropy: the hardware RNG feeds mbedtls_entropy (MBEDTLS_ENTROPY_HARDWARE_ALT).
   Measured on Cortex-M4 -Os (mbedTLS 2.28.3, shared/notes/embedded.md): about
   69 KB of linked text (45 KB ECDSA only), 24.6 KB heap peak for a handshake
   with an EC server certificate (27.6 KB RSA-2048), about 4.8 KB of stack.

   Use it (mbedTLS 2.28; 3.x configs use other names, see below):
      build mbedTLS AND every file that includes an mbedTLS header with
         -DMBEDTLS_CONFIG_FILE='"mbedtls_config_mcu.h"' -I<apconn>/platform
      and in the firmware provide the entropy source (a true RNG, not rand()):
         int mbedtls_hardware_poll(void *data, unsigned char *out, size_t len, size_t *olen);
      (or leave MBEDTLS_ENTROPY_HARDWARE_ALT out and give apconn_mbedtls_config
      .entropy_source / .rng instead).
   The library must be compiled with the same toolchain flags as the firmware
   (e.g. --specs=picolibc.specs), or the link fails on C library symbols.

   Things you must get right on the device:
   - A real-time clock set from a trusted source (SNTP, cellular network time)
     BEFORE the first handshake: MBEDTLS_HAVE_TIME_DATE makes mbedTLS check
     certificate validity dates with time(); a clock at 1970 rejects every
     certificate as "not yet valid" (MBEDTLS_X509_BADCERT_FUTURE), which is
     the safe failure. Remove MBEDTLS_HAVE_TIME_DATE only if the device can
     never know the date, accepting expired certificates.
   - The record buffers: MBEDTLS_SSL_IN_CONTENT_LEN must hold the largest
     record the server sends (16384 unless it honours max_fragment_length;
     most cloud servers do not), MBEDTLS_SSL_OUT_CONTENT_LEN only your largest
     write (apconn sends a request in pieces, 4096 is plenty).
   - The CA: give apconn_mbedtls_config.ca the root(s) of the server you call,
     as PEM text or DER. Nothing else is trusted.
   - Heap: mbedTLS allocates during the handshake. For a static pool add
     MBEDTLS_PLATFORM_C, MBEDTLS_PLATFORM_MEMORY and MBEDTLS_MEMORY_BUFFER_ALLOC_C
     and call mbedtls_memory_buffer_alloc_init(pool, sizeof pool) at start-up.
   - The certificate rules of apconn_mbedtls.h hold with this config (an IP
     host only against iPAddress SANs and without SNI, no Common Name
     fallback, nameConstraints refused, SHA-256+ / RSA-2048+ / P-256+):
     tests/platform/test_tls_mcu.c checks them on QEMU. They use
     MBEDTLS_ASN1_PARSE_C and MBEDTLS_OID_C: keep both. There is no SHA-1
     and no curve below P-256 here, so such certificates do not even parse.
   - Your own changes on top (a static pool, smaller record buffers, fewer
     curves) go in a header named by MBEDTLS_USER_CONFIG_FILE, included at
     the end as mbedTLS's own config.h does; examples/firmware/
     fw_mbedtls_tuning.h is one, measured in `make size`.
   mbedTLS 3.6 (TLS 1.3 by default, PSA crypto) needs a 3.x style config:
   platform/mbedtls_config_mcu_tls13.h makes the same choices for 3.6 with
   TLS 1.3; this file is checked against 2.28 only.
*/
#ifndef APCONN_MBEDTLS_CONFIG_MCU_H
#define APCONN_MBEDTLS_CONFIG_MCU_H

/* ---- system support ---- */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE           /* certificate validity dates: needs a set clock */
#define MBEDTLS_NO_PLATFORM_ENTROPY      /* no /dev/urandom on an MCU */
#define MBEDTLS_ENTROPY_HARDWARE_ALT     /* you provide mbedtls_hardware_poll() */
#define MBEDTLS_DEPRECATED_REMOVED

/* ---- TLS: 1.2 client only ---- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_SERVER_NAME_INDICATION  /* SNI: virtual hosts pick the right certificate */
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET  /* RFC 7627 */
#define MBEDTLS_SSL_SESSION_TICKETS         /* resumption: saves a full handshake on reconnect */
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH     /* RFC 6066 section 4, for servers that honour it */
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_CIPHERSUITES                                                              \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, \
        MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384 /* bytes: the largest record a server may send */
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096 /* bytes: apconn's writes are split to fit */

/* ---- X.509 ---- */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE
#define MBEDTLS_PEM_PARSE_C /* CA given as PEM text */
#define MBEDTLS_BASE64_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C /* ECDSA signature encoding */
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C

/* ---- crypto ---- */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES /* tables in flash, not RAM */
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C /* SHA-384 */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_RSA_C /* ECDHE-RSA: most public servers still have RSA certificates */
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C

/* ---- RAM over speed ---- */
#define MBEDTLS_MPI_WINDOW_SIZE 2         /* default 6 */
#define MBEDTLS_MPI_MAX_SIZE 512          /* bytes: RSA-4096 at most */
#define MBEDTLS_ECP_MAX_BITS 384          /* P-384 at most */
#define MBEDTLS_ECP_WINDOW_SIZE 2         /* default 6 */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0   /* no RAM cache of precomputed points */
#define MBEDTLS_ENTROPY_MAX_SOURCES 4

/* ---- your changes on top (mbedTLS's own config.h includes it the same way) ---- */
#if defined(MBEDTLS_USER_CONFIG_FILE)
#include MBEDTLS_USER_CONFIG_FILE
#endif

#include "mbedtls/check_config.h"
#endif /* APCONN_MBEDTLS_CONFIG_MCU_H */
