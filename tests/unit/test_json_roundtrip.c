/* Writer -> validator -> reader round trip over random valid UTF-8 text
   (seeded PRNG, so every run checks the same 5000 strings), including
   control bytes, quotes, backslashes and 4-byte characters. The reader
   decodes in place: the view must equal the text that was written. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "harness.h"

#define TEXT_SIZE 512 /* bytes of the longest random text (fields have no size limit of their own) */

static uint32_t rng_state = 0x12345678u;
static uint32_t rng(void) { /* xorshift32 */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* One random scalar value, biased towards the characters that need care. */
static uint32_t random_code_point(void) {
    static const uint32_t special[] = {'"', '\\', '/', '\b', '\f', '\n', '\r', '\t', 0x01, 0x1F, 0x7F, 0x80, 0x7FF,
                                       0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
    uint32_t cp;
    switch (rng() % 5) {
    case 0: return special[rng() % (sizeof special / sizeof special[0])];
    case 1: return 1 + rng() % 0x7F;
    case 2: return 0x80 + rng() % (0x800 - 0x80);
    case 3: cp = 0x800 + rng() % (0x10000 - 0x800); return cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp;
    default: return 0x10000 + rng() % (0x110000 - 0x10000);
    }
}

static size_t random_text(char *buf, size_t max) {
    size_t n = 0, want = rng() % (max - 4); /* n stays <= max - 2 */
    while (n < want) n += apconn__utf8_encode(random_code_point(), buf + n);
    buf[n] = 0;
    return n;
}

static void random_strings_survive_write_validate_read(void) {
    static char text[TEXT_SIZE], json[8 * TEXT_SIZE];
    static apconn_token tokens[16];
    static apconn_connection conn;
    apconn_error err;
    int i, failures = 0;
    for (i = 0; i < 5000 && failures < 5; i++) {
        apconn_json_writer w;
        size_t len = 0, n = random_text(text, sizeof text);
        apconn_status st;
        apconn_json_init(&w, json, sizeof json);
        apconn_json_object_begin(&w);
        apconn_json_key(&w, "id"); apconn_json_string(&w, "Ab0");
        apconn_json_key(&w, "displayName"); apconn_json_string_len(&w, text, n);
        apconn_json_object_end(&w);
        st = apconn_json_finish(&w, &len);
        if (st == APCONN_OK) st = apconn_json_validate(json, len);
        if (st == APCONN_OK) st = apconn_parse_connection(json, len, tokens, 16, &conn, &err);
        if (st != APCONN_OK || conn.display_name == NULL || strlen(conn.display_name) != n ||
            memcmp(conn.display_name, text, n) != 0 || conn.display_name < json || conn.display_name + n >= json + len) {
            printf("  iteration %d: %s\n", i, apconn_strerror(st));
            failures++;
        }
    }
    CHECK_EQ(failures, 0);
    CHECK_EQ(i, 5000);
}

/* Escaped forms the writer never produces must decode to the same text. */
static void escaped_forms_read_back_like_raw_utf8(void) {
    static apconn_token tokens[8];
    static apconn_connection conn;
    apconn_error err;
    static char json[] = "{\"id\":\"a\",\"displayName\":\"\\u0041\\u00e9\\u20ac\\ud83d\\ude00\\uDBFF\\uDFFF\\/\"}";
    CHECK_EQ(apconn_parse_connection(json, strlen(json), tokens, 8, &conn, &err), APCONN_OK);
    CHECK_STR(conn.display_name, "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf/");
}

int main(void) {
    RUN(random_strings_survive_write_validate_read);
    RUN(escaped_forms_read_back_like_raw_utf8);
    return harness_summary("json_roundtrip");
}
