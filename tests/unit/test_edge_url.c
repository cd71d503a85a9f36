/* Edges of apconn_client_init and apconn_client_close: host and base path at
   the sizes of their fields, each missing argument, closing a client that
   was never set up. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "http_fixture.h"
#include <limits.h>

static apconn_error err;

static apconn_status init(const char *url) {
    st_init(&st, ST_WHOLE);
    return apconn_client_init(&client, url, KEY, &st.t, work, sizeof work, tokens, TOKENS, &err);
}

/* "https://" + a host of n letters + path */
static const char *url_with_host(size_t n, const char *path) {
    static char url[APCONN_HOST_SIZE + 64];
    strcpy(url, "https://");
    memset(url + 8, 'h', n);
    strcpy(url + 8 + n, path);
    return url;
}

static void host_must_fit_its_field_with_the_nul(void) {
    CHECK_EQ(init(url_with_host(APCONN_HOST_SIZE - 1, "/api")), APCONN_OK);
    CHECK_EQ(strlen(client.host), APCONN_HOST_SIZE - 1);
    CHECK_EQ(init(url_with_host(APCONN_HOST_SIZE, "/api")), APCONN_ERR_URL);
    CHECK_EQ(err.status, APCONN_ERR_URL);
    CHECK_EQ(init(url_with_host(APCONN_HOST_SIZE + 20, "")), APCONN_ERR_URL);
}

static void base_path_must_fit_its_field_with_the_nul(void) {
    char url[APCONN_BASE_PATH_SIZE + 64];
    size_t n;
    strcpy(url, "https://ap.example.com");
    n = strlen(url);
    memset(url + n, 'p', APCONN_BASE_PATH_SIZE);
    url[n] = '/';
    url[n + APCONN_BASE_PATH_SIZE - 1] = '\0'; /* a path of APCONN_BASE_PATH_SIZE - 1 bytes */
    CHECK_EQ(init(url), APCONN_OK);
    CHECK_EQ(strlen(client.base_path), APCONN_BASE_PATH_SIZE - 1);
    strcat(url, "/"); /* a trailing slash is dropped: still fits */
    CHECK_EQ(init(url), APCONN_OK);
    url[strlen(url) - 1] = 'p'; /* one byte more does not */
    CHECK_EQ(init(url), APCONN_ERR_URL);
    CHECK_EQ(err.status, APCONN_ERR_URL);
}

static long no_send(void *ctx, const unsigned char *d, size_t n, uint32_t t) { (void)ctx; (void)d; (void)n; (void)t; return 0; }
static long no_recv(void *ctx, unsigned char *d, size_t n, uint32_t t) { (void)ctx; (void)d; (void)n; (void)t; return 0; }
static uint32_t no_now(void *ctx) { (void)ctx; return 0; }

/* Each argument client_init needs, missing alone: APCONN_ERR_ARGUMENT. */
static void client_init_refuses_each_missing_argument(void) {
    apconn_transport t, bad;
    unsigned i;
    memset(&t, 0, sizeof t);
    t.send = no_send;
    t.recv = no_recv;
    t.now_ms = no_now;
    t.secure = 1;
    CHECK_EQ(apconn_client_init(&client, URL, KEY, &t, work, sizeof work, tokens, TOKENS, &err), APCONN_OK);
    for (i = 0; i < 11; i++) {
        const char *url = URL, *key = KEY;
        const apconn_transport *tp = &bad;
        void *w = work;
        size_t ws = sizeof work, tc = TOKENS;
        apconn_token *tk = tokens;
        apconn_status s;
        bad = t;
        switch (i) {
        case 0: url = NULL; break;
        case 1: key = NULL; break;
        case 2: tp = NULL; break;
        case 3: bad.send = NULL; break;
        case 4: bad.recv = NULL; break;
        case 5: bad.now_ms = NULL; break;
        case 6: w = NULL; break;
        case 7: ws = 1; break;
        case 8: ws = (size_t)INT_MAX + 1u; break; /* token offsets are int */
        case 9: tk = NULL; break;
        default: tc = 0; break;
        }
        memset(&err, 0x5A, sizeof err);
        s = apconn_client_init(&client, url, key, tp, w, ws, tk, tc, &err);
        CHECK_EQ(s, APCONN_ERR_ARGUMENT);
        CHECK_EQ(err.status, APCONN_ERR_ARGUMENT);
        CHECK_EQ(err.field[0], '\0');
        CHECK(client.transport == NULL); /* nothing of a refused setup is kept */
        if (s != APCONN_ERR_ARGUMENT) printf("    case %u\n", i);
    }
    CHECK_EQ(apconn_client_init(NULL, URL, KEY, &t, work, sizeof work, tokens, TOKENS, &err), APCONN_ERR_ARGUMENT);
}

/* close is safe on NULL, and on a client whose init failed: no transport
   call, and nothing to wipe. */
static void closing_a_client_that_was_never_set_up_does_nothing(void) {
    st_init(&st, ST_WHOLE);
    apconn_client_close(NULL);
    memset(work, 'x', sizeof work);
    CHECK_EQ(apconn_client_init(&client, "ftp://ap.example.com", KEY, &st.t, work, sizeof work, tokens, TOKENS, &err),
             APCONN_ERR_URL);
    apconn_client_close(&client);
    CHECK_EQ(st.closes, 0);
    CHECK_EQ(work[0], 'x');
    /* a client that was set up is closed and wiped */
    CHECK_EQ(init(URL), APCONN_OK);
    apconn_client_close(&client);
    CHECK_EQ(work[0], 0);
    CHECK_EQ(st.closes, 0); /* never connected */
}

int main(void) {
    RUN(host_must_fit_its_field_with_the_nul);
    RUN(base_path_must_fit_its_field_with_the_nul);
    RUN(client_init_refuses_each_missing_argument);
    RUN(closing_a_client_that_was_never_set_up_does_nothing);
    fixture_unused();
    (void)fixture; (void)st_conn; (void)st_data; /* the fixture's response side is not used here */
    return harness_summary("test_edge_url");
}
