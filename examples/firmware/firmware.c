/* examples/firmware/firmware.c - apconn over verified HTTPS on a bare Cortex-M4:
   no OS, no heap.

   What a firmware integration looks like: one static work buffer, one static
   token array, a socket transport made of your link's send/recv, mbedTLS on
   top of it (platform/apconn_mbedtls.h, certificate and host name checked),
   and the four calls. Then a server whose certificate must be refused.
   `make firmware` builds it for QEMU's mps2-an386 board (Cortex-M4F, hard
   float, picolibc) twice: with mbedTLS 2.28 (TLS 1.2) and with mbedTLS 3.6
   (TLS 1.3); `make test` runs both against the local test server.

   RAM, all of it static and measured (`make size` prints the figures):
   - mbedTLS allocates from fw_pool through MBEDTLS_MEMORY_BUFFER_ALLOC_C;
     the firmware reports the pool's high-water mark. malloc, calloc,
     realloc and free are wrapped (-Wl,--wrap=...) to abort, and the test
     checks that no libc allocator is linked: nothing uses a heap.
   - The stack is the top FW_STACK_SIZE bytes of RAM (picolibc.ld, with
     __stack_size given BEFORE -T picolibc.ld). The firmware paints all of
     it and reports the deepest byte written; reaching its end fails.
   - mbedTLS's choices (record sizes, P-256 only) are fw_mbedtls_tuning.h.

   The link. On a board this is your socket layer (lwIP, a modem's AT socket,
   Zephyr). Here the board has no network, so each transport callback becomes
   a small framed request over two host FIFOs that semihosting opens like
   files, and tests/tools/semihost_bridge.py owns the real TCP socket on the
   host. TLS runs here, on the emulated CPU; the bridge only moves bytes.
       firmware -> bridge: op (1 byte) + little-endian u32 arguments [+ data]
       bridge -> firmware: little-endian i32 result [+ data when op is 'R']

   Entropy. mbedTLS takes its randomness from mbedtls_hardware_poll(). A
   real board implements it with its TRNG (STM32 RNG, nRF RNG, i.MX TRNG,
   ...) and nothing else. QEMU's board has none, so `make` builds this file
   with -DFW_TEST_ONLY_ENTROPY, a deterministic generator that is for this
   test ONLY: with it every key the device makes is predictable. Without
   that macro no mbedtls_hardware_poll() is defined and the link fails until
   you provide yours.
*/
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#define APCONN_MBEDTLS_IMPLEMENTATION
#include "platform/apconn_mbedtls.h"

#include <mbedtls/memory_buffer_alloc.h>
#include <mbedtls/platform_time.h>

#include <fcntl.h>
#include <stdio.h> /* printf goes to the semihosting console */
#include <time.h>
#include <unistd.h>

#ifdef FW_CA_HEADER
#include FW_CA_HEADER /* fw_ca_der[]: the trust anchor, in flash */
#else
#error "build with -DFW_CA_HEADER='\"<file defining fw_ca_der[]>\"' (tests/mk/firmware.mk makes one)"
#endif

#ifndef FW_WORK_BUFFER_SIZE
#define FW_WORK_BUFFER_SIZE 4096  /* bytes: one request, then one response */
#endif
#ifndef FW_TOKEN_COUNT
#define FW_TOKEN_COUNT 160        /* jsmn tokens: a page of a few connections */
#endif
#define FW_CONFIG_TEXT_SIZE 160   /* bytes: base URL / API key from provisioning */
#ifndef FW_TLS_POOL_SIZE
/* bytes: mbedTLS's heap, the measured peak (`make size`) + about 1.5 KB */
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
#define FW_TLS_POOL_SIZE 16896
#else
#define FW_TLS_POOL_SIZE 11264
#endif
#endif
#ifndef FW_TLS_MAX_FRAGMENT
/* Asked of the server (0 = do not ask): records no larger than the smaller
   record buffer (mbedTLS refuses to ask for more). OpenSSL servers honour
   it, in TLS 1.2 and 1.3. Only with mbedTLS 2.28 (TLS 1.2 only): mbedTLS
   3.6 sends it in a TLS 1.3 ClientHello too, but then aborts the handshake
   with MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION when the server's
   EncryptedExtensions echo it (measured against the test server). */
#define FW_TLS_RECORD_MIN (FW_TLS_RECORD_IN < FW_TLS_RECORD_OUT ? FW_TLS_RECORD_IN : FW_TLS_RECORD_OUT)
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) || FW_TLS_RECORD_MIN > 4096
#define FW_TLS_MAX_FRAGMENT 0
#else
#define FW_TLS_MAX_FRAGMENT FW_TLS_RECORD_MIN
#endif
#endif
#define FW_RAM_BUDGET 40960u      /* bytes: static data + pool peak + stack peak must fit */
#define FW_REFUSED_MAX 4          /* servers whose certificate must be refused */
#define FW_PAINT_BYTE 0xA5
#define FW_TX_PATH "apconn-tx.fifo"
#define FW_RX_PATH "apconn-rx.fifo"

static unsigned char fw_work[FW_WORK_BUFFER_SIZE];
static apconn_token fw_tokens[FW_TOKEN_COUNT];
static apconn_connection fw_conn;
static char fw_url[FW_CONFIG_TEXT_SIZE];
static char fw_key[FW_CONFIG_TEXT_SIZE];
static apconn_mbedtls fw_tls; /* mbedTLS's contexts: a few KB, never on the stack */
static union {
    unsigned char bytes[FW_TLS_POOL_SIZE];
    void *align_pointer;
    long long align_integer;
} fw_pool;

/* ----- no heap: any allocator call ends the firmware --------------------- */
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static void fw_heap_called(const char *which) {
    printf("HEAP CALL: %s - this firmware must not use a heap\n", which);
    _exit(3);
}
void *__wrap_malloc(size_t n) { (void)n; fw_heap_called("malloc"); return NULL; }
void *__wrap_calloc(size_t n, size_t size) { (void)n; (void)size; fw_heap_called("calloc"); return NULL; }
void *__wrap_realloc(void *p, size_t n) { (void)p; (void)n; fw_heap_called("realloc"); return NULL; }
void __wrap_free(void *p) { (void)p; fw_heap_called("free"); }

/* ----- entropy and time for mbedTLS -------------------------------------- */
#if defined(FW_TEST_ONLY_ENTROPY)
/* TEST ONLY - QEMU's mps2-an386 has no random number generator. This is a
   deterministic xorshift: every run makes the SAME "random" keys. Never
   ship it. On a board: fill out[] from the TRNG, set *olen, return 0 (or
   MBEDTLS_ERR_ENTROPY_SOURCE_FAILED when the TRNG reports a fault). */
int mbedtls_hardware_poll(void *data, unsigned char *out, size_t len, size_t *olen);
int mbedtls_hardware_poll(void *data, unsigned char *out, size_t len, size_t *olen) {
    static uint32_t x = 0x2545F491u;
    size_t i;
    (void)data;
    for (i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = (unsigned char)(x >> 24);
    }
    *olen = len;
    return 0;
}
#endif

#if defined(MBEDTLS_PLATFORM_MS_TIME_ALT)
/* mbedTLS 3.6 (TLS 1.3 ticket ages): milliseconds, any epoch. time() is
   the semihosting host's clock here; on a board, the RTC. */
mbedtls_ms_time_t mbedtls_ms_time(void) { return (mbedtls_ms_time_t)time(NULL) * 1000; }
#endif

/* ----- the link: framed calls over two semihosted FIFOs ------------------ */
typedef struct fw_link {
    int tx, rx;
} fw_link;

static int fw_write_all(fw_link *l, const void *p, size_t n) {
    const unsigned char *b = (const unsigned char *)p;
    while (n > 0) {
        ssize_t w = write(l->tx, b, n);
        if (w <= 0) return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

static int fw_read_all(fw_link *l, void *p, size_t n) {
    unsigned char *b = (unsigned char *)p;
    while (n > 0) {
        ssize_t r = read(l->rx, b, n);
        if (r <= 0) return -1;
        b += r;
        n -= (size_t)r;
    }
    return 0;
}

static void fw_put_u32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* One frame out (op, two u32 arguments, optional data), one i32 back. */
static long fw_call(fw_link *l, char op, uint32_t a, uint32_t b, const void *data, size_t len) {
    unsigned char head[9], r[4];
    head[0] = (unsigned char)op;
    fw_put_u32(head + 1, a);
    fw_put_u32(head + 5, b);
    if (fw_write_all(l, head, sizeof head) != 0 || (len && fw_write_all(l, data, len) != 0) ||
        fw_read_all(l, r, sizeof r) != 0)
        return APCONN_ERR_RECV;
    return (long)(int32_t)((uint32_t)r[0] | (uint32_t)r[1] << 8 | (uint32_t)r[2] << 16 | (uint32_t)r[3] << 24);
}

/* ----- the socket transport over that link (TLS goes on top) ------------- */
static int fw_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms) {
    size_t n = strlen(host);
    (void)timeout_ms;
    return (int)fw_call((fw_link *)ctx, 'C', port, (uint32_t)n, host, n);
}

static long fw_send(void *ctx, const unsigned char *data, size_t len, uint32_t timeout_ms) {
    return fw_call((fw_link *)ctx, 'S', timeout_ms, (uint32_t)len, data, len);
}

static long fw_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    fw_link *l = (fw_link *)ctx;
    long n = fw_call(l, 'R', timeout_ms, (uint32_t)len, NULL, 0);
    if (n > 0 && ((size_t)n > len || fw_read_all(l, buf, (size_t)n) != 0)) return APCONN_ERR_RECV;
    return n;
}

static void fw_close(void *ctx) { (void)fw_call((fw_link *)ctx, 'X', 0, 0, NULL, 0); }
static uint32_t fw_now_ms(void *ctx) { return (uint32_t)fw_call((fw_link *)ctx, 'T', 0, 0, NULL, 0); }
static void fw_sleep_ms(void *ctx, uint32_t ms) { (void)fw_call((fw_link *)ctx, 'P', ms, 0, NULL, 0); }

/* Provisioning: the bridge hands over the base URL and the key (op 'U',
   'K'), and the URLs of servers that must be refused (op 'W', index in a),
   as secure storage would on a device. 1 = read, 0 = no such item. */
static int fw_read_config(fw_link *l, char op, uint32_t index, char *out, size_t size) {
    long n = fw_call(l, op, (uint32_t)size - 1, index, NULL, 0);
    if (n <= 0 || (size_t)n >= size || fw_read_all(l, out, (size_t)n) != 0) return 0;
    out[n] = '\0';
    return 1;
}

/* ----- RAM measurement ------------------------------------------------------ */
/* picolibc.ld: the stack is [__heap_end, __stack) (its top __stack_size
   bytes of RAM); static data is [__data_start, __bss_end). */
extern unsigned char __heap_end[], __stack[], __data_start[], __bss_end[];

static uintptr_t fw_sp(void) {
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* Paints the whole free stack below the caller, leaving a margin for this frame. */
static void __attribute__((noinline)) fw_stack_paint(void) {
    volatile unsigned char *p = __heap_end;
    uintptr_t end = fw_sp() - 64;
    while ((uintptr_t)p < end) *p++ = FW_PAINT_BYTE;
}

/* Bytes of the stack written since the start: from the deepest changed byte to its top. */
static size_t fw_stack_peak(void) {
    const volatile unsigned char *p = __heap_end;
    while (p < __stack && *p == FW_PAINT_BYTE) p++;
    return (size_t)(__stack - p);
}

static size_t fw_stack_size(void) { return (size_t)(__stack - __heap_end); }

/* The pool after mbedtls_memory_buffer_alloc_init(): its first block header
   is at the start (FW_POOL_HEAD bytes leave room for it); the rest is
   painted, and every allocation zero-fills or writes a header over it. */
#define FW_POOL_HEAD 64u
static void fw_pool_paint(void) {
    memset(fw_pool.bytes + FW_POOL_HEAD, FW_PAINT_BYTE, sizeof fw_pool.bytes - FW_POOL_HEAD);
}

/* Bytes of the pool ever used: up to the last byte that is not paint. */
static size_t fw_pool_peak(void) {
    size_t n = sizeof fw_pool.bytes;
    while (n > FW_POOL_HEAD && fw_pool.bytes[n - 1] == FW_PAINT_BYTE) n--;
    return n;
}

#define FW_ID_SIZE 32 /* bytes: a connection id is 21 ASCII letters or digits */

/* ----- the reader API, in one place --------------------------------------------
   Everything this firmware reads from a result goes through here: the
   fields of fw_conn after upsert/update, and a list page item by item.
   page == NULL: prints fw_conn (and copies its id to id_out when given);
   otherwise prints every item of *page and returns the status that ended
   the walk (APCONN_END when the page was read to its end). */
static apconn_status fw_read(apconn_page *page, char *id_out, size_t id_size, apconn_error *err) {
    const char *status_name;
    apconn_status st = APCONN_END;
    if (page == NULL) {
        status_name = apconn_connection_status_name(fw_conn.status);
        printf("  id=%s name=\"%s\" status=%s\n", fw_conn.id, fw_conn.display_name ? fw_conn.display_name : "",
               status_name != NULL ? status_name : "?");
        /* fw_conn holds views into the work buffer, valid until the next call:
           the id that later calls need is copied out */
        if (id_out != NULL && id_size > strlen(fw_conn.id)) memcpy(id_out, fw_conn.id, strlen(fw_conn.id) + 1);
        return APCONN_OK;
    }
    /* one item at a time through the 4 KB work buffer; one too large for it
       is reported and skipped, and the walk goes on */
    while (!apconn_page_done(page)) {
        st = apconn_page_next(page, &fw_conn, err);
        if (st == APCONN_OK)
            printf("  item id=%s name=\"%s\"\n", fw_conn.id, fw_conn.display_name ? fw_conn.display_name : "");
        else if (st != APCONN_END)
            printf("  item %s: %s\n", err->field, apconn_strerror(st));
    }
    return st;
}

/* ----- the application ----------------------------------------------------- */
static int fw_failures;

static void fw_report(const char *what, apconn_status st, apconn_status expected, const apconn_error *err) {
    char line[APCONN_ERROR_TEXT_SIZE];
    if (st == APCONN_OK) {
        printf("%s: ok\n", what);
    } else {
        apconn_error_format(err, line, sizeof line);
        printf("%s: %s\n", what, line);
    }
    if (st != expected) {
        printf("%s: UNEXPECTED (wanted %s)\n", what, apconn_strerror(expected));
        fw_failures++;
    }
}

/* Why the TLS layer failed, when it did. */
static void fw_tls_reason(void) {
    char why[128];
    if (apconn_mbedtls_reason(&fw_tls, why, sizeof why) > 0) printf("  tls: %s\n", why);
}

static void fw_run(apconn_client *c) {
    static const char *const projects[] = {"Kp3Wn8ZrQa1Lm5Tx7Vb2C"};
    static char id[FW_ID_SIZE];
    apconn_upsert_request up;
    apconn_update_request upd;
    apconn_list_request q;
    apconn_page page;
    apconn_error err;
    apconn_status st;

    memset(&up, 0, sizeof up);
    up.display_name = "Gateway 7 Slack";
    up.piece_name = "@activepieces/piece-slack";
    up.type = APCONN_TYPE_SECRET_TEXT;
    up.value.secret_text = "xoxb-firmware-secret";
    up.project_ids = projects;
    up.project_id_count = 1;
    up.external_id = "gw7_slack";
    st = apconn_connection_upsert(c, &up, &fw_conn, &err);
    fw_report("upsert", st, APCONN_OK, &err);
    if (st != APCONN_OK) fw_tls_reason();
    printf("tls version: %s\n", apconn_mbedtls_version(&fw_tls));
    if (st == APCONN_OK) (void)fw_read(NULL, id, sizeof id, &err);

    memset(&q, 0, sizeof q);
    q.statuses = APCONN_CONN_STATUS_ACTIVE;
    q.piece_name = "@activepieces/piece-slack";
    st = apconn_connection_list(c, &q, &page, &err);
    fw_report("list", st, APCONN_OK, &err);
    if (st == APCONN_OK && (st = fw_read(&page, NULL, 0, &err)) != APCONN_END)
        fw_report("list items", st, APCONN_END, &err);

    memset(&upd, 0, sizeof upd);
    upd.display_name = "Gateway 7 Slack (renamed)";
    st = apconn_connection_update(c, id, &upd, &fw_conn, &err);
    fw_report("update", st, APCONN_OK, &err);
    if (st == APCONN_OK) (void)fw_read(NULL, NULL, 0, &err);

    fw_report("delete", apconn_connection_delete(c, id, &err), APCONN_OK, &err);
    fw_report("delete again", apconn_connection_delete(c, id, &err), APCONN_ERR_NOT_FOUND, &err);
}

/* A server whose certificate does not verify: the call must fail with
   APCONN_ERR_CERT before anything is sent (the test checks the server's log). */
static void fw_refuse(apconn_client *c, unsigned index) {
    apconn_list_request q;
    apconn_page page;
    apconn_error err;
    char what[32];
    memset(&q, 0, sizeof q);
    snprintf(what, sizeof what, "refused %u", index);
    fw_report(what, apconn_connection_list(c, &q, &page, &err), APCONN_ERR_CERT, &err);
    printf("  verify flags 0x%08lx\n", (unsigned long)apconn_mbedtls_verify_flags(&fw_tls));
}

/* Sets up TLS over the link and a client over TLS for `url`. */
static int fw_connect_client(apconn_client *c, const apconn_transport *link_t, apconn_transport *tls_t,
                             const char *url) {
    apconn_mbedtls_config cfg;
    apconn_error err;
    apconn_status st;
    apconn_mbedtls_config_init(&cfg); /* verification required, TLS 1.3 when built in */
    cfg.ca = fw_ca_der;
    cfg.ca_len = sizeof fw_ca_der;
    cfg.max_fragment_length = FW_TLS_MAX_FRAGMENT;
    st = (apconn_status)apconn_mbedtls_transport(&fw_tls, &cfg, link_t, tls_t);
    if (st != APCONN_OK) {
        printf("tls setup: %s\n", apconn_strerror(st));
        fw_tls_reason();
        return -1;
    }
    st = apconn_client_init(c, url, fw_key, tls_t, fw_work, sizeof fw_work, fw_tokens, FW_TOKEN_COUNT, &err);
    if (st != APCONN_OK) {
        fw_report("client_init", st, APCONN_OK, &err);
        apconn_mbedtls_free(&fw_tls);
        return -1;
    }
    return 0;
}

static void fw_report_ram(void) {
    size_t max_used = 0, max_blocks = 0, cur_used = 0, cur_blocks = 0, i;
    size_t stack = fw_stack_peak(), pool = fw_pool_peak();
    size_t statics = (size_t)(__bss_end - __data_start) - sizeof fw_pool.bytes;
    mbedtls_memory_buffer_alloc_max_get(&max_used, &max_blocks);
    mbedtls_memory_buffer_alloc_cur_get(&cur_used, &cur_blocks);
    printf("ram: static %u bytes (.data + .bss without the pool)\n", (unsigned)statics);
    printf("ram: pool high-water %u of %u bytes (mbedTLS counted at most %u bytes in %u blocks)\n",
           (unsigned)pool, (unsigned)sizeof fw_pool.bytes, (unsigned)max_used, (unsigned)max_blocks);
    printf("ram: stack high-water %u of %u bytes\n", (unsigned)stack, (unsigned)fw_stack_size());
    printf("ram: total %u bytes (budget %u)\n", (unsigned)(statics + pool + stack), FW_RAM_BUDGET);
    printf("ram: work buffer %u, tokens %u x %u, client %u, connection %u, tls contexts %u bytes\n",
           (unsigned)sizeof fw_work, (unsigned)FW_TOKEN_COUNT, (unsigned)sizeof(apconn_token),
           (unsigned)sizeof(apconn_client), (unsigned)sizeof fw_conn, (unsigned)sizeof fw_tls);
    printf("pool in use after free: %u bytes in %u blocks\n", (unsigned)cur_used, (unsigned)cur_blocks);
    if (cur_blocks != 0) fw_failures++;
    if (stack >= fw_stack_size()) {
        printf("STACK OVERFLOW: the paint reached the end of the stack\n");
        fw_failures++;
    }
    if (pool >= sizeof fw_pool.bytes) {
        printf("POOL EXHAUSTED: the paint reached the end of the pool\n");
        fw_failures++;
    }
    if (statics + pool + stack > FW_RAM_BUDGET) fw_failures++;
    for (i = 0; i < sizeof fw_work; i++)
        if (fw_work[i] != 0) break;
    printf("work buffer wiped after close: %s\n", i == sizeof fw_work ? "yes" : "NO");
    if (i != sizeof fw_work) fw_failures++;
}

static int fw_main(void) {
    static fw_link link;
    apconn_transport link_t, tls_t;
    apconn_client c;
    unsigned i;

    fw_stack_paint(); /* first: everything below main's frame is measured */
    mbedtls_memory_buffer_alloc_init(fw_pool.bytes, sizeof fw_pool.bytes);
    fw_pool_paint();
    link.tx = open(FW_TX_PATH, O_WRONLY);
    link.rx = open(FW_RX_PATH, O_RDONLY);
    if (link.tx < 0 || link.rx < 0 || !fw_read_config(&link, 'U', 0, fw_url, sizeof fw_url) ||
        !fw_read_config(&link, 'K', 0, fw_key, sizeof fw_key)) {
        printf("firmware: no link to the bridge\n");
        return 2;
    }
    memset(&link_t, 0, sizeof link_t);
    link_t.ctx = &link;
    link_t.connect = fw_connect;
    link_t.send = fw_send;
    link_t.recv = fw_recv;
    link_t.close = fw_close;
    link_t.now_ms = fw_now_ms;
    link_t.sleep_ms = fw_sleep_ms;
    link_t.secure = 0; /* plain bytes: the TLS layer on top makes it secure */

    if (fw_connect_client(&c, &link_t, &tls_t, fw_url) != 0) return 1;
    fw_run(&c);
    apconn_client_close(&c);
    apconn_mbedtls_free(&fw_tls);

    /* The servers to refuse, one at a time through the same URL buffer. */
    for (i = 0; i < FW_REFUSED_MAX && fw_read_config(&link, 'W', i, fw_url, sizeof fw_url); i++) {
        if (fw_connect_client(&c, &link_t, &tls_t, fw_url) != 0) return 1;
        fw_refuse(&c, i);
        apconn_client_close(&c);
        apconn_mbedtls_free(&fw_tls);
    }

    apconn_wipe(fw_key, sizeof fw_key);
#if defined(MBEDTLS_PSA_CRYPTO_C)
    mbedtls_psa_crypto_free(); /* 3.x: PSA's global state, so that the pool must be empty */
#endif
    fw_report_ram();
    (void)fw_call(&link, 'Q', 0, 0, NULL, 0);
    return fw_failures ? 1 : 0;
}

/* picolibc's plain crt0 does not end the emulation when main returns: the
   exit status goes to the host through semihosting's _exit(). */
int main(void) {
    _exit(fw_main());
}
