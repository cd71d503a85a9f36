/* create_one.c - the shortest complete apconn program: create (upsert) one
   global connection over TLS, with POSIX sockets and mbedTLS.

   Build: make examples   (cc create_one.c -lmbedtls -lmbedx509 -lmbedcrypto)
   Run:   APCONN_API_KEY=sk-... ./create_one [BASE_URL [CA_FILE]]

   On a microcontroller, replace apconn_posix with your socket layer and keep the rest. */
#define APCONN_POSIX_IMPLEMENTATION /* first: it selects the POSIX feature level */
#include "platform/apconn_posix.h"
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#define APCONN_MBEDTLS_IMPLEMENTATION
#include "platform/apconn_mbedtls.h"

#include <stdio.h>
#include <stdlib.h>

static unsigned char work[APCONN_WORK_BUFFER_SIZE]; /* holds the request, then the response */
static apconn_token tokens[APCONN_TOKEN_COUNT];     /* jsmn tokens for the response */

/* conn's strings are views into `work`; a field the server left out is NULL. */
static const char *text(const char *view) { return view ? view : "?"; }

int main(int argc, char **argv) {
    const char *url = argc > 1 ? argv[1] : "https://cloud.activepieces.com/api";
    const char *ca = argc > 2 ? argv[2] : "/etc/ssl/certs/ca-certificates.crt";
    const char *key = getenv("APCONN_API_KEY"); /* never put the key in argv */
    const char *projects[] = {"Kp3Wn8ZrQa1Lm5Tx7Vb2C"};
    static apconn_posix tcp;
    static apconn_mbedtls tls; /* mbedTLS contexts are large: not on a small stack */
    apconn_mbedtls_config tls_cfg = {0}; /* zero = certificate and host name verified */
    apconn_transport plain, secure;
    apconn_client client;
    apconn_upsert_request req = {0};
    apconn_connection conn;
    apconn_error err = {0};
    apconn_status st;

    if (key == NULL) {
        fprintf(stderr, "create_one: set APCONN_API_KEY\n");
        return 2;
    }
    apconn_posix_transport(&tcp, &plain); /* TCP */
    tls_cfg.ca_file = ca;                 /* firmware: tls_cfg.ca / ca_len, a PEM in flash */
    if (apconn_mbedtls_transport(&tls, &tls_cfg, &plain, &secure) != APCONN_OK) /* TLS over TCP */
        return 4;
    st = apconn_client_init(&client, url, key, &secure, work, sizeof work, tokens, APCONN_TOKEN_COUNT, &err);
    if (st == APCONN_OK) {
        req.display_name = "Acme Slack";
        req.piece_name = "@activepieces/piece-slack";
        req.type = APCONN_TYPE_SECRET_TEXT;
        req.value.secret_text = "xoxb-123";
        req.project_ids = projects;
        req.project_id_count = 1;
        req.external_id = "acme_slack"; /* a retried upsert updates instead of duplicating */
        st = apconn_connection_upsert(&client, &req, &conn, &err);
        if (st == APCONN_OK) /* before the next call or close, which reuse / wipe `work` */
            printf("created %s (%s), updated %s\n", conn.id, text(conn.display_name), text(conn.updated));
        apconn_client_close(&client); /* closes the connection, wipes the work buffer */
    }
    apconn_mbedtls_free(&tls);
    if (st != APCONN_OK) {
        char line[APCONN_ERROR_TEXT_SIZE];
        err.status = st;
        apconn_error_format(&err, line, sizeof line);
        fprintf(stderr, "create_one: %s\n", line);
        return 1;
    }
    return 0;
}
