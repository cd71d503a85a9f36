/* examples/firmware/firmware.c - apconn on a bare Cortex-M4: no OS, no heap.

   What a firmware integration looks like: one static work buffer, one static
   token array, one transport made of your link's send/recv, and the four
   calls. Built by `make firmware` for QEMU's mps2-an386 board (Cortex-M4F)
   with picolibc; `make test` runs it against the local test server.

   The link. On a board this is your socket layer (lwIP, a modem's AT socket,
   Zephyr) - usually with platform/apconn_mbedtls.h on top for TLS. Here the
   board has no network, so each transport callback becomes a small framed
   request over two host FIFOs that semihosting opens like files, and
   tests/tools/semihost_bridge.py owns the real TCP socket on the host. The
   frames are:
       firmware -> bridge: op (1 byte) + little-endian u32 arguments [+ data]
       bridge -> firmware: little-endian i32 result [+ data when op is 'R']
   which is why plain http:// to 127.0.0.1 is used: loopback only, as the
   library enforces.

   The firmware also measures its real stack use: it paints the free stack
   before the calls and finds the deepest byte written after them.
*/
#define APCONN_IMPLEMENTATION
#include "apconn.h"

#include <fcntl.h>
#include <stdio.h> /* printf goes to the semihosting console */
#include <unistd.h>

#define FW_WORK_BUFFER_SIZE 4096  /* bytes: one request, then one connection of the response at a time */
#define FW_TOKEN_COUNT 160        /* jsmn tokens: one connection (~40 + one per project/flow id) */
#define FW_ID_SIZE 32             /* bytes: the id kept across calls (ids are 21 characters) */
#define FW_CONFIG_TEXT_SIZE 160   /* bytes: base URL / API key from provisioning */
#define FW_STACK_PAINT_BYTE 0xA5
#define FW_TX_PATH "apconn-tx.fifo"
#define FW_RX_PATH "apconn-rx.fifo"

static unsigned char fw_work[FW_WORK_BUFFER_SIZE];
static apconn_token fw_tokens[FW_TOKEN_COUNT];
static apconn_connection fw_conn;
static char fw_url[FW_CONFIG_TEXT_SIZE];
static char fw_key[FW_CONFIG_TEXT_SIZE];

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

/* ----- the apconn transport over that link ------------------------------- */
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

/* Provisioning: the bridge hands over the base URL and the key, as secure
   storage would on a device. */
static int fw_read_config(fw_link *l, char op, char *out, size_t size) {
    long n = fw_call(l, op, (uint32_t)size - 1, 0, NULL, 0);
    if (n <= 0 || (size_t)n >= size || fw_read_all(l, out, (size_t)n) != 0) return -1;
    out[n] = '\0';
    return 0;
}

/* ----- stack measurement --------------------------------------------------- */
/* picolibc's linker script puts the stack between __heap_end and __stack. */
extern unsigned char __heap_end[];

static uintptr_t fw_sp(void) {
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* Paints the free stack below the caller, leaving a margin for this frame. */
static void __attribute__((noinline)) fw_stack_paint(void) {
    volatile unsigned char *p = __heap_end;
    uintptr_t end = fw_sp() - 64;
    while ((uintptr_t)p < end) *p++ = FW_STACK_PAINT_BYTE;
}

/* Bytes below `top` that were written since fw_stack_paint(). */
static size_t fw_stack_used(uintptr_t top) {
    const volatile unsigned char *p = __heap_end;
    while ((uintptr_t)p < top && *p == FW_STACK_PAINT_BYTE) p++;
    return (size_t)(top - (uintptr_t)p);
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

/* The reader's strings are views into fw_work, NULL when the server sent none. */
static const char *fw_text(const char *view) { return view ? view : "?"; }

static void fw_run(apconn_client *c) {
    static const char *const projects[] = {"Kp3Wn8ZrQa1Lm5Tx7Vb2C"};
    static char id[FW_ID_SIZE]; /* a copy: fw_conn's views end with the next call */
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
    if (st == APCONN_OK && strlen(fw_conn.id) < sizeof id) memcpy(id, fw_conn.id, strlen(fw_conn.id) + 1);
    if (st == APCONN_OK)
        printf("  id=%s name=\"%s\" status=%s\n", fw_conn.id, fw_text(fw_conn.display_name),
               fw_text(apconn_connection_status_name(fw_conn.status)));

    memset(&q, 0, sizeof q);
    q.statuses = APCONN_CONN_STATUS_ACTIVE;
    q.piece_name = "@activepieces/piece-slack";
    st = apconn_connection_list(c, &q, &page, &err);
    fw_report("list", st, APCONN_OK, &err);
    /* One item at a time through the 4 KB buffer: a connection too large for it
       is reported and skipped, and the next call goes on with the following one. */
    while (st == APCONN_OK) {
        st = apconn_page_next(&page, &fw_conn, &err);
        if (st == APCONN_OK) {
            printf("  item id=%s name=\"%s\"\n", fw_conn.id, fw_text(fw_conn.display_name));
        } else if (st == APCONN_ERR_ITEM_TOO_LARGE || st == APCONN_ERR_JSON_TOKENS) {
            printf("  item %s skipped: needs %u %s\n", err.field, (unsigned)err.needed,
                   st == APCONN_ERR_JSON_TOKENS ? "tokens" : "bytes");
            st = APCONN_OK;
        }
    }
    if (st != APCONN_END) fw_report("list items", st, APCONN_END, &err);

    memset(&upd, 0, sizeof upd);
    upd.display_name = "Gateway 7 Slack (renamed)";
    st = apconn_connection_update(c, id, &upd, &fw_conn, &err);
    fw_report("update", st, APCONN_OK, &err);
    if (st == APCONN_OK) printf("  name=\"%s\"\n", fw_text(fw_conn.display_name));

    fw_report("delete", apconn_connection_delete(c, id, &err), APCONN_OK, &err);
    fw_report("delete again", apconn_connection_delete(c, id, &err), APCONN_ERR_NOT_FOUND, &err);
}

int main(void) {
    static fw_link link;
    uintptr_t top;
    apconn_transport t;
    apconn_client c;
    apconn_status st;
    size_t i;

    link.tx = open(FW_TX_PATH, O_WRONLY);
    link.rx = open(FW_RX_PATH, O_RDONLY);
    if (link.tx < 0 || link.rx < 0 || fw_read_config(&link, 'U', fw_url, sizeof fw_url) != 0 ||
        fw_read_config(&link, 'K', fw_key, sizeof fw_key) != 0) {
        printf("firmware: no link to the bridge\n");
        return 2;
    }
    memset(&t, 0, sizeof t);
    t.ctx = &link;
    t.connect = fw_connect;
    t.send = fw_send;
    t.recv = fw_recv;
    t.close = fw_close;
    t.now_ms = fw_now_ms;
    t.sleep_ms = fw_sleep_ms;
    t.secure = 0; /* plain HTTP: the library allows it to loopback only */

    top = fw_sp();
    fw_stack_paint();
    st = apconn_client_init(&c, fw_url, fw_key, &t, fw_work, sizeof fw_work, fw_tokens, FW_TOKEN_COUNT);
    if (st != APCONN_OK) {
        printf("client_init: %s\n", apconn_strerror(st));
        return 1;
    }
    fw_run(&c);
    apconn_client_close(&c);
    printf("stack used by the calls: %u bytes\n", (unsigned)fw_stack_used(top));
    printf("work buffer %u bytes, tokens %u x %u bytes, client %u bytes, connection %u bytes\n",
           (unsigned)sizeof fw_work, (unsigned)FW_TOKEN_COUNT, (unsigned)sizeof(apconn_token),
           (unsigned)sizeof c, (unsigned)sizeof fw_conn);
    apconn_wipe(fw_key, sizeof fw_key);
    for (i = 0; i < sizeof fw_work; i++)
        if (fw_work[i] != 0) break;
    printf("work buffer wiped after close: %s\n", i == sizeof fw_work ? "yes" : "NO");
    if (i != sizeof fw_work) fw_failures++;
    (void)fw_call(&link, 'Q', 0, 0, NULL, 0);
    return fw_failures ? 1 : 0;
}
