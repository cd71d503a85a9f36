/* Benchmark: apconn's JSON path against cJSON on the same text, side by side
   in one run. Reports ns/op, MB/s and the ratio; asserts nothing about time.
   1. read:  validate + tokenize + map every item of an ~8 KB list page
             (spec §6 example replicated) vs cJSON_ParseWithLength + walk + delete
   2. write: a typical upsert body (spec §3.4) vs cJSON build + PrintPreallocated */
#define _POSIX_C_SOURCE 199309L
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "spec_example.h"
#include <cjson/cJSON.h>
#include <stdio.h>
#include <time.h>


static char page_text[APCONN_WORK_BUFFER_SIZE];
static size_t page_len;
static apconn_token tokens[2 * APCONN_TOKEN_COUNT]; /* an 8 KB page of full items needs ~520 */
static volatile size_t sink; /* keeps results observable */

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Runs fn until at least 0.5 s have passed; returns ns per call. */
static double measure(void (*fn)(void)) {
    double start = now_ns(), elapsed;
    long n = 0, batch = 16, i;
    do {
        for (i = 0; i < batch; i++) fn();
        n += batch;
        batch *= 2;
        elapsed = now_ns() - start;
    } while (elapsed < 5e8);
    return elapsed / (double)n;
}

static void apconn_read(void) {
    apconn_page page;
    apconn_connection conn;
    apconn_error err;
    if (apconn_parse_page(page_text, page_len, tokens, 2 * APCONN_TOKEN_COUNT, &page, &err) != APCONN_OK) {
        printf("apconn_parse_page failed: %s (field %s)\n", apconn_strerror(err.status), err.field);
        return;
    }
    while (apconn_page_next(&page, &conn, &err) == APCONN_OK) sink += (size_t)conn.display_name[0];
}

static void apconn_validate_only(void) { sink += (size_t)apconn_json_validate(page_text, page_len); }

static void cjson_read(void) {
    cJSON *root = cJSON_ParseWithLength(page_text, page_len), *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(root, "data")) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "displayName");
        if (cJSON_IsString(name)) sink += (size_t)name->valuestring[0];
    }
    cJSON_Delete(root);
}

static char body[1024];
static size_t body_len;

static void apconn_write(void) {
    apconn_json_writer w;
    apconn_json_init(&w, body, sizeof body);
    spec_write_upsert_body(&w);
    apconn_json_finish(&w, &body_len);
    sink += body_len;
}

static void cjson_write(void) {
    cJSON *root = cJSON_CreateObject(), *value = cJSON_CreateObject(), *ids = cJSON_CreateArray();
    cJSON_AddStringToObject(root, "displayName", "Acme Slack");
    cJSON_AddStringToObject(root, "pieceName", "@activepieces/piece-slack");
    cJSON_AddStringToObject(root, "type", "SECRET_TEXT");
    cJSON_AddStringToObject(value, "type", "SECRET_TEXT");
    cJSON_AddStringToObject(value, "secret_text", "xoxb-123");
    cJSON_AddItemToObject(root, "value", value);
    cJSON_AddStringToObject(root, "scope", "PLATFORM");
    cJSON_AddItemToArray(ids, cJSON_CreateString("Kp3Wn8ZrQa1Lm5Tx7Vb2C"));
    cJSON_AddItemToObject(root, "projectIds", ids);
    cJSON_AddStringToObject(root, "externalId", "acme_slack");
    cJSON_PrintPreallocated(root, body, (int)sizeof body, 0);
    sink += strlen(body);
    cJSON_Delete(root);
}

static void report(const char *what, double ns, size_t bytes) {
    printf("  %-34s %10.0f ns/op %8.1f MB/s\n", what, ns, (double)bytes / ns * 1e3);
}

int main(void) {
    double a, v, c, aw, cw;
    page_len = (size_t)snprintf(page_text, sizeof page_text, "{\"data\":[");
    while (page_len + sizeof SPEC_ITEM + 64 < sizeof page_text)
        page_len += (size_t)snprintf(page_text + page_len, sizeof page_text - page_len, "%s%s",
                                     page_text[page_len - 1] == '[' ? "" : ",", SPEC_ITEM);
    page_len += (size_t)snprintf(page_text + page_len, sizeof page_text - page_len, "],\"next\":null,\"previous\":null}");
    if (apconn_json_validate(page_text, page_len) != APCONN_OK || !cJSON_ParseWithLength(page_text, page_len)) {
        puts("bench_json: page text is not valid JSON");
        return 1;
    }
    printf("bench_json: list page of %u bytes, upsert body\n", (unsigned)page_len);
    v = measure(apconn_validate_only);
    a = measure(apconn_read);
    c = measure(cjson_read);
    report("apconn validate only", v, page_len);
    report("apconn validate+tokenize+map page", a, page_len);
    report("cJSON parse+walk+delete page", c, page_len);
    printf("  read ratio apconn/cJSON: %.2f (< 1: apconn faster)\n", a / c);
    aw = measure(apconn_write);
    cw = measure(cjson_write);
    report("apconn write upsert body", aw, body_len);
    report("cJSON build+print upsert body", cw, body_len);
    printf("  write ratio apconn/cJSON: %.2f (< 1: apconn faster)\n", aw / cw);
    return 0;
}
