/* Benchmark: apconn's JSON path against cJSON on the same text, side by side
   in one run. Reports ns/op, MB/s and the ratio; asserts nothing about time.
   1. read:  an ~8 KB list page (spec_example.h's connection replicated) streamed through
             apconn_parse_page with the default 4 KB work buffer and 160
             tokens, every item validated, tokenized and mapped into views, vs
             cJSON_ParseWithLength + walk + delete
   2. write: a typical upsert body (spec_example.h) vs cJSON build + PrintPreallocated
   Instruction counts: `bench_json apconn N` / `bench_json cjson N` read the
   page N times inside bench_run_apconn / bench_run_cjson, for
   `valgrind --tool=callgrind --toggle-collect=...` (make bench-callgrind). */
#define _POSIX_C_SOURCE 199309L
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "spec_example.h"
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PAGE_SIZE 8192 /* bytes of the page text, about */

static char page_text[PAGE_SIZE];
static size_t page_len;
static unsigned char work[APCONN_WORK_BUFFER_SIZE];
static apconn_token tokens[APCONN_TOKEN_COUNT];
static volatile size_t sink; /* keeps results observable */
static int items, failures;

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
    static apconn_page page;
    static apconn_connection conn;
    apconn_error err;
    apconn_status st;
    int n = 0;
    if (apconn_parse_page(page_text, page_len, work, sizeof work, tokens, APCONN_TOKEN_COUNT, &page, &err) != APCONN_OK) {
        failures++;
        return;
    }
    while ((st = apconn_page_next(&page, &conn, &err)) == APCONN_OK) {
        sink += (size_t)conn.display_name[0];
        n++;
    }
    if (st != APCONN_END || n != items) {
        if (!failures) printf("apconn read: %d items, then %s (field %s)\n", n, apconn_strerror(st), err.field);
        failures++;
    }
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

/* The scenarios callgrind counts, kept out of line by a volatile pointer. */
void bench_run_apconn(long n);
void bench_run_cjson(long n);
void bench_run_apconn(long n) {
    while (n-- > 0) apconn_read();
}
void bench_run_cjson(long n) {
    while (n-- > 0) cjson_read();
}
static void (*volatile run_apconn)(long) = bench_run_apconn;
static void (*volatile run_cjson)(long) = bench_run_cjson;

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
    printf("  %-40s %10.0f ns/op %8.1f MB/s\n", what, ns, (double)bytes / ns * 1e3);
}

int main(int argc, char **argv) {
    double a, v, c, aw, cw;
    cJSON *check;
    page_len = (size_t)snprintf(page_text, sizeof page_text, "{\"data\":[");
    while (page_len + sizeof SPEC_ITEM + 64 < sizeof page_text) {
        page_len += (size_t)snprintf(page_text + page_len, sizeof page_text - page_len, "%s%s",
                                     page_text[page_len - 1] == '[' ? "" : ",", SPEC_ITEM);
        items++;
    }
    page_len += (size_t)snprintf(page_text + page_len, sizeof page_text - page_len, "],\"next\":null,\"previous\":null}");
    check = cJSON_ParseWithLength(page_text, page_len);
    if (apconn_json_validate(page_text, page_len) != APCONN_OK || !check) {
        puts("bench_json: page text is not valid JSON");
        return 1;
    }
    cJSON_Delete(check);
    if (argc == 3) { /* instruction-count mode */
        long n = atol(argv[2]);
        if (strcmp(argv[1], "apconn") == 0) run_apconn(n);
        else if (strcmp(argv[1], "cjson") == 0) run_cjson(n);
        else {
            printf("usage: bench_json [apconn|cjson N]\n");
            return 2;
        }
        printf("%s: reads=%ld items=%d page_bytes=%u\n", argv[1], n, items, (unsigned)page_len);
        if (failures) printf("FAILED reads: %d\n", failures);
        return failures != 0;
    }
    printf("bench_json: list page of %u bytes (%d items), upsert body\n", (unsigned)page_len, items);
    v = measure(apconn_validate_only);
    a = measure(apconn_read);
    c = measure(cjson_read);
    report("apconn validate only", v, page_len);
    report("apconn page streamed via 4 KB, 160 tokens", a, page_len);
    report("cJSON parse+walk+delete page", c, page_len);
    printf("  read ratio apconn/cJSON: %.2f (< 1: apconn faster; target <= 0.5)\n", a / c);
    aw = measure(apconn_write);
    cw = measure(cjson_write);
    report("apconn write upsert body", aw, body_len);
    report("cJSON build+print upsert body", cw, body_len);
    printf("  write ratio apconn/cJSON: %.2f (< 1: apconn faster)\n", aw / cw);
    if (failures) printf("FAILED reads: %d\n", failures);
    return failures != 0;
}
