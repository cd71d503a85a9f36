/* tests/unit/http_fixture.h - shared setup of the HTTP and API suites: one
   client over the scripted transport, the three delivery modes, and checks
   that no secret survives in the work buffer or in the log. */
#ifndef HTTP_FIXTURE_H
#define HTTP_FIXTURE_H
#include "harness.h"
#include "scripted_transport.h"

#define KEY "sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrStUvWxY"
#define URL "https://ap.example.com/api"
#define WORK_SIZE 4096
#define TOKENS 256

static scripted_transport st;
static apconn_client client;
static unsigned char work[WORK_SIZE];
static apconn_token tokens[TOKENS];
static int split_mode; /* ST_WHOLE, ST_BYTES or ST_RANDOM: RUN3 runs a case in each */
static char log_lines[2048];
static size_t log_len;

#define RUN3(test)                                                   \
    do {                                                             \
        for (split_mode = ST_WHOLE; split_mode <= ST_RANDOM; split_mode++) RUN(test); \
    } while (0)

static void fixture_log(void *ctx, const char *line) {
    size_t n = strlen(line);
    (void)ctx;
    if (log_len + n + 2 < sizeof log_lines) {
        memcpy(log_lines + log_len, line, n);
        log_len += n;
        log_lines[log_len++] = '\n';
        log_lines[log_len] = '\0';
    }
}

/* A fresh transport (split as the current mode says) and a client on it. */
static void fixture(void) {
    apconn_error e;
    st_init(&st, split_mode);
    memset(work, 0xAA, sizeof work);
    log_len = 0;
    log_lines[0] = '\0';
    CHECK_EQ(apconn_client_init(&client, URL, KEY, &st.t, work, sizeof work, tokens, TOKENS, &e), APCONN_OK);
    client.log = fixture_log;
}

static int mem_has(const void *hay, size_t n, const char *needle) {
    size_t k = strlen(needle), i;
    const unsigned char *h = (const unsigned char *)hay;
    for (i = 0; i + k <= n; i++)
        if (memcmp(h + i, needle, k) == 0) return 1;
    return 0;
}

/* After every call: neither the key nor `secret` anywhere in the work buffer
   or the log. */
static void check_no_secret(const char *secret) {
    CHECK(!mem_has(work, sizeof work, KEY));
    CHECK(!mem_has(work, sizeof work, "Bearer"));
    CHECK(!mem_has(log_lines, log_len, KEY));
    if (secret) {
        CHECK(!mem_has(work, sizeof work, secret));
        CHECK(!mem_has(log_lines, log_len, secret));
    }
}

static void fixture_unused(void) { (void)check_no_secret; (void)mem_has; (void)fixture_unused; st_unused(); }
#endif
