/* libFuzzer target: the validator and every reader on arbitrary bytes.
   Properties checked beyond "no crash, no sanitizer report":
   - the reader never accepts what the validator rejects (a page may return
     items before a later error, but never ends with APCONN_END);
   - every view the reader returns is non-NULL exactly when its has_* says
     APCONN_SET, lies inside the buffer it was decoded in (the caller's copy
     for apconn_parse_connection, the work buffer for pages) and is
     NUL-terminated there; an ids walk yields exactly `count` ids;
   - page iteration ends (APCONN_END or an error) and count never exceeds
     the items that can fit in the input; apconn_page_done is 0 exactly
     while items may follow (after APCONN_OK or an item's own error). */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include <stdlib.h>
#include <string.h>

#define FUZZ_TOKENS 256
#define FUZZ_WORK 2048
#define FUZZ_MAX_INPUT 65536

static void require(int cond) {
    if (!cond) abort();
}

static const char *lo_, *hi_; /* the buffer views must lie in */

static void require_view(const char *p, apconn_has has) {
    require((p != NULL) == (has == APCONN_SET));
    if (p) require(p >= lo_ && p < hi_ && memchr(p, '\0', (size_t)(hi_ - p)) != NULL);
}

#include "fuzz_views.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
    static char text[FUZZ_MAX_INPUT];
    static unsigned char work[FUZZ_WORK];
    static apconn_token tokens[FUZZ_TOKENS];
    static apconn_connection conn;
    static apconn_page page;
    apconn_error err;
    const char *json = (const char *)data;
    int valid;
    size_t steps = 0;
    apconn_status st;

    if (size > sizeof text) return 0;
    valid = apconn_json_validate(json, size) == APCONN_OK;
    memcpy(text, data, size);
    if (apconn_parse_connection(text, size, tokens, FUZZ_TOKENS, &conn, &err) == APCONN_OK) {
        require(valid);
        lo_ = text;
        hi_ = text + size;
        check_connection(&conn);
    }
    if (apconn_parse_page(json, size, work, sizeof work, tokens, FUZZ_TOKENS, &page, &err) == APCONN_OK) {
        lo_ = (const char *)work;
        hi_ = (const char *)work + sizeof work;
        /* item errors name their item ("data[3]...") and the page goes on */
        for (;;) {
            st = apconn_page_next(&page, &conn, &err);
            require(apconn_page_done(&page) ==
                    !(st == APCONN_OK ||
                      ((st == APCONN_ERR_ITEM_TOO_LARGE || st == APCONN_ERR_JSON_TOKENS || st == APCONN_ERR_JSON_TYPE ||
                        st == APCONN_ERR_JSON_MISSING || st == APCONN_ERR_JSON_ENUM || st == APCONN_ERR_JSON_NUL ||
                        st == APCONN_ERR_JSON_DUPLICATE) &&
                       strncmp(err.field, "data[", 5) == 0)));
            if (apconn_page_done(&page)) break;
            if (st == APCONN_OK) check_connection(&conn);
            if (st == APCONN_ERR_JSON_TOKENS) require(err.needed > FUZZ_TOKENS);
            if (st == APCONN_ERR_ITEM_TOO_LARGE) require(err.needed > 0);
            require(++steps == page.count);
            require(steps <= size / 2); /* an item takes 2 bytes at least ("{}" or "[]", or 1 + ',') */
        }
        if (st == APCONN_END) {
            require(valid);
            require_view(page.next, page.has_next);
            require_view(page.previous, page.has_previous);
        }
        require(apconn_page_next(&page, &conn, &err) == st); /* the end repeats */
    }
    if (apconn_parse_error_body(json, size, tokens, FUZZ_TOKENS, &err) == APCONN_OK) {
        require(valid);
        require(memchr(err.code, '\0', sizeof err.code) != NULL);
        require(memchr(err.message, '\0', sizeof err.message) != NULL);
    }
    return 0;
}
