/* libFuzzer target: the validator and every reader on arbitrary bytes.
   Properties checked beyond "no crash, no sanitizer report":
   - the reader never accepts what the validator rejects;
   - every view the reader returns is NUL-terminated inside the buffer it
     was decoded in (the input copy, or the page's work buffer);
   - page iteration ends within one step per input byte, and a page that
     reached APCONN_END came from valid JSON. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include <stdlib.h>

#define FUZZ_TOKENS 256
#define FUZZ_MAX 8192 /* -max_len is 4096 */
#define FUZZ_WORK 1024 /* small: items larger than this are skipped, exercising that path */

static void require(int cond) {
    if (!cond) abort();
}

static void require_terminated(const char *s, size_t size) {
    require(memchr(s, '\0', size) != NULL);
}

/* A view is NULL or a NUL-terminated string inside [lo, hi). */
static void require_view(const char *s, const char *lo, const char *hi) {
    if (!s) return;
    require(s >= lo && s < hi);
    require(memchr(s, '\0', (size_t)(hi - s)) != NULL);
}

/* Every view of a connection lies in [lo, hi); the id walks end within count steps. */
static void check_ids(const apconn_ids *ids, const char *lo, const char *hi) {
    const char *id;
    size_t n = 0;
    for (id = ids->first; id; id = apconn_ids_next(ids, id)) {
        require_view(id, lo, hi);
        require(++n <= ids->count);
    }
    require(n == ids->count);
}

static void check_connection(const apconn_connection *c, const char *lo, const char *hi) {
    require(c->id != NULL);
    require_view(c->id, lo, hi);
    require_view(c->display_name, lo, hi);
    require_view(c->piece_name, lo, hi);
    require_view(c->external_id, lo, hi);
    require_view(c->metadata, lo, hi);
    require_view(c->owner.email, lo, hi);
    require_view(c->owner.id, lo, hi);
    require(c->display_name == NULL || c->has_display_name == APCONN_SET);
    check_ids(&c->project_ids, lo, hi);
    check_ids(&c->flow_ids, lo, hi);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
    static apconn_token tokens[FUZZ_TOKENS];
    static apconn_connection conn;
    static apconn_page page;
    static char copy[FUZZ_MAX];
    static unsigned char work[FUZZ_WORK];
    apconn_error err;
    const char *json = (const char *)data;
    int valid = apconn_json_validate(json, size) == APCONN_OK;
    size_t steps = 0;
    apconn_status st;

    if (size >= sizeof copy) return 0;
    memcpy(copy, data, size); /* apconn_parse_connection decodes in place */
    copy[size] = '\0';
    if (apconn_parse_connection(copy, size, tokens, FUZZ_TOKENS, &conn, &err) == APCONN_OK) {
        require(valid);
        check_connection(&conn, copy, copy + size + 1);
    }
    if (apconn_parse_page(json, size, work, sizeof work, tokens, FUZZ_TOKENS, &page, &err) == APCONN_OK) {
        /* items stream: every step returns an item, a per-item error or ends; at most one step per input byte */
        while (!apconn_page_done(&page)) {
            st = apconn_page_next(&page, &conn, &err);
            if (st == APCONN_OK) check_connection(&conn, (const char *)work, (const char *)work + sizeof work);
            require(++steps <= size + 1);
        }
        st = apconn_page_next(&page, &conn, &err);
        require(st != APCONN_OK);
        if (st == APCONN_END) {
            require(valid);
            require_view(page.next, (const char *)work, (const char *)work + sizeof work);
            require_view(page.previous, (const char *)work, (const char *)work + sizeof work);
        }
    }
    if (apconn_parse_error_body(json, size, tokens, FUZZ_TOKENS, &err) == APCONN_OK) {
        require(valid);
        require_terminated(err.code, sizeof err.code);
        require_terminated(err.message, sizeof err.message);
    }
    return 0;
}
