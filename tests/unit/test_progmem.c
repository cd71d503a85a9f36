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
#define X(name, value, cls, text) CHECK_STR(apconn_strerror(name), "");
#elif defined(APCONN_NO_STATUS_TEXT)
#define X(name, value, cls, text) CHECK_STR(apconn_strerror(name), #name);
#else
#define X(name, value, cls, text) CHECK_STR(apconn_strerror(name), text);
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

static void field_tables_come_through_the_hook(void) {
    apconn_token tokens[40];
    apconn_connection conn;
    apconn_error err;
    char ok[] = "{\"id\":\"a1\",\"displayName\":\"D\",\"type\":\"OAUTH2\",\"owner\":{\"id\":\"o1\",\"email\":\"e@x\","
                "\"status\":\"ACTIVE\"},\"preSelectForNewProjects\":true}";
    char dup[] = "{\"id\":\"a1\",\"owner\":{\"id\":\"o1\",\"email\":\"e\",\"email\":\"f\"}}";
    char missing[] = "{\"id\":\"a1\",\"owner\":{\"email\":\"e\"}}";
    CHECK_EQ(apconn_parse_connection(ok, strlen(ok), tokens, 40, &conn, &err), APCONN_OK);
    CHECK_STR(conn.display_name, "D");
    CHECK_EQ(conn.type, APCONN_TYPE_OAUTH2);
    CHECK_EQ(conn.has_owner, APCONN_SET);
    CHECK_STR(conn.owner.email, "e@x");
    CHECK_EQ(conn.owner.status, APCONN_USER_ACTIVE);
    CHECK_EQ(conn.pre_select_for_new_projects, 1);
    CHECK_EQ(apconn_parse_connection(dup, strlen(dup), tokens, 40, &conn, &err), APCONN_ERR_JSON_DUPLICATE);
    CHECK_STR(err.field, "owner.email"); /* the parent row's key and the row's, both out of flash */
    CHECK_EQ(apconn_parse_connection(missing, strlen(missing), tokens, 40, &conn, &err), APCONN_ERR_JSON_MISSING);
    CHECK_STR(err.field, "owner.id");
}

int main(void) {
    RUN(field_tables_come_through_the_hook);
    RUN(status_texts_come_through_the_hook_into_one_buffer);
    RUN(id_and_number_tables_come_through_the_hook);
    return harness_summary("progmem");
}
