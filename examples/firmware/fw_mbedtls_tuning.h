/* fw_mbedtls_tuning.h - the firmware's mbedTLS choices, on top of
   platform/mbedtls_config_mcu.h (mbedTLS 2.28, TLS 1.2) or
   platform/mbedtls_config_mcu_tls13.h (mbedTLS 3.6, TLS 1.3 + 1.2).

   Given as MBEDTLS_USER_CONFIG_FILE to mbedTLS AND to firmware.c (both must
   see the same configuration). tests/mk/firmware.mk builds both libraries
   with it; each FW_TLS_* knob below can be changed on the make command line
   (FW_TLS_DEFS='-DFW_TLS_RECORD_IN=16384') to measure what it costs: the
   README's size table and `make size` give the numbers.

   What it does:
   - No heap: mbedTLS allocates from a static pool that firmware.c hands to
     mbedtls_memory_buffer_alloc_init(); MBEDTLS_MEMORY_DEBUG lets the
     firmware report the pool's high-water mark.
   - Record buffers sized for this server (FW_TLS_RECORD_IN / _OUT).
   - FW_TLS_P256_ONLY: one curve (secp256r1), one signature algorithm
     (ECDSA with SHA-256), one cipher suite per TLS version; no RSA. The
     test server's certificates are EC P-256 (tests/tools/make_test_certs.sh).
     A device talking to a public cloud endpoint must keep what that
     endpoint's certificate chain uses (often RSA): leave this at 0 there.
*/
#ifndef FW_MBEDTLS_TUNING_H
#define FW_MBEDTLS_TUNING_H

/* ---- the knobs ---- */
#ifndef FW_TLS_RECORD_IN
/* Bytes of plaintext per received record. 16384 is the only safe value for
   a server you do not control that ignores max_fragment_length.
   - mbedTLS 2.28 (TLS 1.2): firmware.c asks for max_fragment_length equal
     to the smaller record buffer, and OpenSSL servers (the test server's
     Python ssl) honour it: 2048 is safe against them; even 512 works.
   - mbedTLS 3.6 (TLS 1.3): no max_fragment_length (see firmware.c), so
     the buffer must hold the server's largest record. The test server
     sends no record larger than one HTTP response, and firmware.c's
     responses fit its 4096-byte work buffer: 4096. */
#if defined(APCONN_MBEDTLS_CONFIG_MCU_TLS13_H)
#define FW_TLS_RECORD_IN 4096
#else
#define FW_TLS_RECORD_IN 2048
#endif
#endif
#ifndef FW_TLS_RECORD_OUT
#define FW_TLS_RECORD_OUT 2048 /* bytes per sent record: apconn splits its writes to fit */
#endif
#ifndef FW_TLS_P256_ONLY
#define FW_TLS_P256_ONLY 1
#endif

/* ---- the static pool ---- */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_MEMORY_DEBUG /* mbedtls_memory_buffer_alloc_max_get(): the high-water mark */

/* ---- record buffers ---- */
#undef MBEDTLS_SSL_IN_CONTENT_LEN
#undef MBEDTLS_SSL_OUT_CONTENT_LEN
#define MBEDTLS_SSL_IN_CONTENT_LEN FW_TLS_RECORD_IN
#define MBEDTLS_SSL_OUT_CONTENT_LEN FW_TLS_RECORD_OUT

/* ---- one curve, one signature algorithm ---- */
#if FW_TLS_P256_ONLY
#undef MBEDTLS_ECP_DP_SECP384R1_ENABLED
#undef MBEDTLS_RSA_C
#undef MBEDTLS_PKCS1_V15
#undef MBEDTLS_PKCS1_V21
#undef MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#undef MBEDTLS_SHA512_C /* SHA-384 suites and signatures go; entropy uses SHA-256 */
#undef MBEDTLS_MPI_MAX_SIZE
#define MBEDTLS_MPI_MAX_SIZE 32 /* bytes: P-256 */
#undef MBEDTLS_SSL_CIPHERSUITES
#if defined(APCONN_MBEDTLS_CONFIG_MCU_TLS13_H) /* mbedTLS 3.6 */
#undef MBEDTLS_SHA384_C
#undef MBEDTLS_X509_RSASSA_PSS_SUPPORT
#define MBEDTLS_SSL_CIPHERSUITES MBEDTLS_TLS1_3_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
#else /* mbedTLS 2.28 */
#undef MBEDTLS_ECP_MAX_BITS
#define MBEDTLS_ECP_MAX_BITS 256
#define MBEDTLS_SSL_CIPHERSUITES MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
#endif
#endif /* FW_TLS_P256_ONLY */

#endif /* FW_MBEDTLS_TUNING_H */
