/* Edges of the page stream (apconn_parse_page / apconn_page_next): every
   failure reported without an apconn_error, and repeated the same way; a
   cursor that cannot be a C string; cursors that leave the window one byte. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "harness.h"

static unsigned char work[512];
static apconn_token tok[64];
static apconn_page page;
static apconn_connection conn;
static apconn_error err;

static apconn_status open_page(const char *body, size_t work_size) {
    memset(work, 0xAA, sizeof work);
    return apconn_parse_page(body, strlen(body), work, work_size, tok, 64, &page, &err);
}

/* err is optional: the status alone is returned, and returned again. */
static void malformed_page_without_err_answers_the_status_twice(void) {
    CHECK_EQ(open_page("{\"data\":[{\"id\":\"A\"} x]}", sizeof work), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, NULL), APCONN_OK); /* the item before the fault */
    CHECK_STR(conn.id, "A");
    CHECK_EQ(apconn_page_next(&page, &conn, NULL), APCONN_ERR_JSON_SYNTAX);
    CHECK_EQ(apconn_page_next(&page, &conn, NULL), APCONN_ERR_JSON_SYNTAX);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_SYNTAX);
    CHECK_EQ(err.status, APCONN_ERR_JSON_SYNTAX);
    CHECK_EQ(err.offset, 20); /* the 'x' */
    CHECK(apconn_page_done(&page));
}

static void duplicate_data_key_without_err_is_reported(void) {
    CHECK_EQ(open_page("{\"data\":[],\"data\":[]}", sizeof work), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, NULL), APCONN_ERR_JSON_DUPLICATE);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_DUPLICATE);
    CHECK_STR(err.field, "data");
}

static void item_that_is_no_object_without_err_is_skipped(void) {
    CHECK_EQ(open_page("{\"data\":[1,{\"id\":\"A\"}],\"next\":null}", sizeof work), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, NULL), APCONN_ERR_JSON_TYPE);
    CHECK_EQ(apconn_page_next(&page, &conn, NULL), APCONN_OK);
    CHECK_STR(conn.id, "A");
    CHECK_EQ(apconn_page_next(&page, &conn, NULL), APCONN_END);
    CHECK_EQ(page.count, 2);
    CHECK_EQ(page.has_next, APCONN_NULL);
}

/* A cursor becomes a C string view: an escaped NUL would cut it short. */
static void cursor_with_an_escaped_nul_is_refused(void) {
    CHECK_EQ(open_page("{\"data\":[],\"next\":\"ab\\u0000c\"}", sizeof work), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_NUL);
    CHECK_STR(err.field, "next");
    CHECK_EQ(err.offset, 28); /* where the cursor string ends */
    CHECK_EQ(page.has_next, APCONN_ABSENT);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_NUL);
    CHECK_STR(err.field, "next");
}

/* Kept cursors may leave the window a single byte: the items behind them are
   then each reported as too large (with the room they need) and skipped,
   and the page still ends with both cursors. */
static void cursors_that_leave_one_byte_of_window_still_end_the_page(void) {
    char body[200];
    size_t n;
    const char *next = "NNNNNNNNNNNNNNNNNNNN", *prev = "PPPPPPPPPPPPP"; /* 20 and 13 bytes */
    sprintf(body, "{\"next\":\"%s\",\"previous\":\"%s\",\"data\":[{\"id\":\"A\"}]}", next, prev);
    /* the window: 21 + 14 kept bytes, and one more */
    n = 21 + 14 + 2;
    CHECK_EQ(open_page(body, n), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_ITEM_TOO_LARGE);
    CHECK_STR(err.field, "data[0]");
    CHECK_EQ(err.needed, 21 + 14 + 10 + 1);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    CHECK_STR(page.next, next);
    CHECK_STR(page.previous, prev);
    CHECK_EQ(page.count, 1);
    /* one byte less: the previous cursor itself does not fit */
    CHECK_EQ(open_page(body, n - 1), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_ITEM_TOO_LARGE);
    CHECK_STR(err.field, "previous");
}

int main(void) {
    RUN(malformed_page_without_err_answers_the_status_twice);
    RUN(duplicate_data_key_without_err_is_reported);
    RUN(item_that_is_no_object_without_err_is_skipped);
    RUN(cursor_with_an_escaped_nul_is_refused);
    RUN(cursors_that_leave_one_byte_of_window_still_end_the_page);
    return harness_summary("test_edge_stream");
}
