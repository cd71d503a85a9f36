/* The "Do this" blocks at the top of platform/apconn_posix.h and
   platform/apconn_mbedtls.h, as one program: compiled (not run) by
   tests/tools/platform_compile_check.sh as C and C++, so the usage the
   headers show keeps compiling. Keep it in step with those comments. */
#define APCONN_POSIX_IMPLEMENTATION
#include "platform/apconn_posix.h"
#define APCONN_MBEDTLS_IMPLEMENTATION
#include "platform/apconn_mbedtls.h"

#include <stdio.h>

static const char ca_pem[] = "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n";

int apconn_usage_example(const char *key, unsigned char *work, size_t work_size, apconn_token *tokens, size_t n);
int apconn_usage_example(const char *key, unsigned char *work, size_t work_size, apconn_token *tokens, size_t n) {
    static apconn_posix tcp;
    static apconn_mbedtls tls;
    apconn_transport tcp_t, tls_t;
    apconn_mbedtls_config cfg;
    apconn_client client;
    char why[160];
    apconn_posix_transport(&tcp, &tcp_t);
    if (tcp_t.connect(tcp_t.ctx, "localhost", 8443, 5000) != APCONN_OK)
        fprintf(stderr, "%s\n", apconn_posix_reason(&tcp));
    tcp_t.close(tcp_t.ctx);
    apconn_mbedtls_config_init(&cfg);
    cfg.ca = (const unsigned char *)ca_pem;
    cfg.ca_len = sizeof ca_pem;
    if (apconn_mbedtls_transport(&tls, &cfg, &tcp_t, &tls_t) != APCONN_OK) {
        apconn_mbedtls_reason(&tls, why, sizeof why);
        return 1;
    }
    apconn_client_init(&client, "https://example.com/api", key, &tls_t, work, work_size, tokens, n, NULL);
    apconn_mbedtls_free(&tls);
    return 0;
}
