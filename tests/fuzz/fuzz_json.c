/* libFuzzer target: the validator and every reader on arbitrary bytes.
   Properties checked beyond "no crash, no sanitizer report":
   - the reader never accepts what the validator rejects;
   - every text field the reader fills is NUL-terminated within its size;
   - page iteration ends (APCONN_END or an error) within `count` steps. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include <stdlib.h>

#define FUZZ_TOKENS 256

static void require(int cond) {
    if (!cond) abort();
}

static void require_terminated(const char *s, size_t size) {
    require(memchr(s, '\0', size) != NULL);
}

static void check_connection(const apconn_connection *c) {
    size_t i;
    require_terminated(c->id, sizeof c->id);
    require_terminated(c->display_name, sizeof c->display_name);
    require_terminated(c->metadata, sizeof c->metadata);
    require_terminated(c->owner.email, sizeof c->owner.email);
    require(c->project_id_count <= APCONN_MAX_PROJECT_IDS);
    require(c->flow_id_count <= APCONN_MAX_FLOW_IDS);
    for (i = 0; i < c->project_id_count; i++) require_terminated(c->project_ids[i], APCONN_ID_SIZE);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
    static apconn_token tokens[FUZZ_TOKENS];
    static apconn_connection conn;
    static apconn_page page;
    apconn_error err;
    const char *json = (const char *)data;
    int valid = apconn_json_validate(json, size) == APCONN_OK;
    size_t steps = 0;

    if (apconn_parse_connection(json, size, tokens, FUZZ_TOKENS, &conn, &err) == APCONN_OK) {
        require(valid);
        check_connection(&conn);
    }
    if (apconn_parse_page(json, size, tokens, FUZZ_TOKENS, &page, &err) == APCONN_OK) {
        apconn_status st;
        require(valid);
        require_terminated(page.next, sizeof page.next);
        while ((st = apconn_page_next(&page, &conn, &err)) == APCONN_OK) {
            check_connection(&conn);
            require(++steps <= page.count);
        }
    }
    if (apconn_parse_error_body(json, size, tokens, FUZZ_TOKENS, &err) == APCONN_OK) {
        require(valid);
        require_terminated(err.code, sizeof err.code);
        require_terminated(err.message, sizeof err.message);
    }
    return 0;
}
