/* The Harvard hook (APCONN_PROGMEM + APCONN_READ_BYTE, AVR's PROGMEM and
   pgm_read_byte by default) on the host: every read of a flash table goes
   through the hook, and what comes out is what the plain build gives. */
#include <stddef.h>
static unsigned long flash_reads;
static unsigned char flash_byte(const void *p) {
    flash_reads++;
    return *(const unsigned char *)p;
}
#define APCONN_PROGMEM
#define APCONN_READ_BYTE(p) flash_byte(p)
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "harness.h"

static void status_texts_come_through_the_hook_into_one_buffer(void) {
    const char *a, *b;
#ifdef APCONN_EMPTY_STATUS_TEXT
#define X(name, value, text) CHECK_STR(apconn_strerror(name), "");
#elif defined(APCONN_NO_STATUS_TEXT)
#define X(name, value, text) CHECK_STR(apconn_strerror(name), #name);
#else
#define X(name, value, text) CHECK_STR(apconn_strerror(name), text);
#endif
    APCONN_STATUS_LIST(X)
#undef X
#ifndef APCONN_EMPTY_STATUS_TEXT
    flash_reads = 0;
    a = apconn_strerror(APCONN_ERR_TIMEOUT);
    CHECK(flash_reads > 0);
    CHECK_STR(a, "deadline exceeded");
    b = apconn_strerror(APCONN_ERR_PAGE_STALE); /* the last, longest-walk text */
    CHECK(a == b);                              /* one static buffer */
    CHECK_STR(b, "page no longer valid: another call reused the work buffer");
    CHECK_STR(apconn_strerror((apconn_status)-999), "unknown status");
#else
    (void)a; (void)b;
#endif
}

static void id_and_number_tables_come_through_the_hook(void) {
    apconn_token tokens[32];
    apconn_connection conn;
    apconn_error err;
    char ok[] = "{\"id\":\"Ab_-9\",\"projectIds\":[\"p1\"],\"n\":-1.5e+3}";
    char bad[] = "{\"id\":\"Ab/9\"}";
    char num[] = "{\"id\":\"a\",\"n\":01}";
    flash_reads = 0;
    CHECK_EQ(apconn_parse_connection(ok, strlen(ok), tokens, 32, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, "Ab_-9");
    CHECK(flash_reads >= strlen("Ab_-9") + strlen("-1.5e+3")); /* one id bit and one number step per byte */
    CHECK_EQ(apconn_parse_connection(bad, strlen(bad), tokens, 32, &conn, &err), APCONN_ERR_JSON_ENUM);
    CHECK_EQ(apconn_parse_connection(num, strlen(num), tokens, 32, &conn, &err), APCONN_ERR_JSON_SYNTAX);
    CHECK_EQ(err.offset, strlen("{\"id\":\"a\",\"n\":0"));
}

int main(void) {
    RUN(status_texts_come_through_the_hook_into_one_buffer);
    RUN(id_and_number_tables_come_through_the_hook);
    return harness_summary("progmem");
}
