/* Edges of the JSON text layer: the writer's NULL arguments, the validator at
   the end of the input, the string decoder's escapes above the surrogates,
   and apconn_error_format's optional parts. Each test names the contract. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "harness.h"

static char buf[256];
static apconn_json_writer w;

/* ----- writer ---------------------------------------------------------------- */
static void writer_key_null_is_an_argument_error_and_leaves_the_text(void) {
    size_t len = 99;
    apconn_json_init(&w, buf, sizeof buf);
    apconn_json_object_begin(&w);
    apconn_json_key(&w, NULL);
    apconn_json_key(&w, "a"); /* sticky: later calls do nothing */
    CHECK_EQ(apconn_json_finish(&w, &len), APCONN_ERR_ARGUMENT);
    CHECK_EQ(w.failed_call, 2);
    CHECK_STR(buf, "{");
    CHECK_EQ(len, 1);
}

static void writer_string_len_null_with_zero_length_writes_an_empty_string(void) {
    size_t len = 0;
    apconn_json_init(&w, buf, sizeof buf);
    apconn_json_array_begin(&w);
    apconn_json_string_len(&w, NULL, 0);
    apconn_json_string_len(&w, "ab", 1);
    apconn_json_array_end(&w);
    CHECK_EQ(apconn_json_finish(&w, &len), APCONN_OK);
    CHECK_STR(buf, "[\"\",\"a\"]");
    CHECK_EQ(len, 8);
}

static void writer_string_len_null_with_a_length_is_an_argument_error(void) {
    apconn_json_init(&w, buf, sizeof buf);
    apconn_json_array_begin(&w);
    apconn_json_string_len(&w, NULL, 3);
    CHECK_EQ(apconn_json_finish(&w, NULL), APCONN_ERR_ARGUMENT);
    CHECK_EQ(w.failed_call, 2);
    CHECK_STR(buf, "[");
}

/* ----- validator: what the end of the input means ---------------------------- */
typedef struct end_case {
    const char *json;
    apconn_status status;
    size_t offset;
} end_case;

static void input_that_ends_is_judged_by_the_state_it_ends_in(void) {
    static const end_case cases[] = {
        {"0", APCONN_OK, 0},           /* a root zero is complete at the end */
        {"-0", APCONN_OK, 0},
        {" 0 ", APCONN_OK, 0},
        {"[1", APCONN_ERR_JSON_SYNTAX, 2},  /* a number inside an open array is not */
        {"[0", APCONN_ERR_JSON_SYNTAX, 2},
        {"{\"a\":1.5", APCONN_ERR_JSON_SYNTAX, 8},
        {"tru", APCONN_ERR_JSON_SYNTAX, 0}, /* a cut literal: where it began */
        {"[nul", APCONN_ERR_JSON_SYNTAX, 1},
        {"-", APCONN_ERR_JSON_SYNTAX, 1},   /* a sign alone */
        {"1e", APCONN_ERR_JSON_SYNTAX, 2},
        {"\"\\u12", APCONN_ERR_JSON_ESCAPE, 1}, /* a cut escape: where it began */
        {"[\"a\"", APCONN_ERR_JSON_SYNTAX, 4},
        /* two strings with only a space between them: no ':' or ',' */
        {"{\"a\" \"b\"}", APCONN_ERR_JSON_SYNTAX, 5},
        {"[\"a\" \"b\"]", APCONN_ERR_JSON_SYNTAX, 5},
        {"{\"a\":\"b\" \"c\":1}", APCONN_ERR_JSON_SYNTAX, 9},
        {"\"\xC3", APCONN_ERR_JSON_UTF8, 1},
    };
    size_t i, off;
    apconn_status s;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        off = 12345;
        s = apconn_json_validate_at(cases[i].json, strlen(cases[i].json), &off);
        CHECK_EQ(s, cases[i].status);
        CHECK_EQ(off, cases[i].offset);
        if (s != cases[i].status || off != cases[i].offset) printf("    case %u: %s\n", (unsigned)i, cases[i].json);
    }
}

static void validator_refuses_a_null_text(void) {
    size_t off = 7;
    CHECK_EQ(apconn_json_validate_at(NULL, 3, &off), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_json_validate(NULL, 0), APCONN_ERR_ARGUMENT);
}

/* ----- decoder: escapes of code points above the surrogates ---------------- */
static void escapes_above_the_surrogates_decode_to_three_utf8_bytes(void) {
    char json[] = "{\"id\":\"A\",\"displayName\":\"\\uFFFD\\ue000\\uDBFF\\uDFFFx\"}";
    apconn_token tok[16];
    apconn_connection c;
    apconn_error e;
    CHECK_EQ(apconn_parse_connection(json, strlen(json), tok, 16, &c, &e), APCONN_OK);
    CHECK_EQ(c.has_display_name, APCONN_SET);
    CHECK_STR(c.display_name, "\xEF\xBF\xBD\xEE\x80\x80\xF4\x8F\xBF\xBFx");
}

/* ----- apconn_error_format --------------------------------------------------- */
static void format_without_error_details_says_so(void) {
    char out[64];
    CHECK_EQ(apconn_error_format(NULL, out, sizeof out), strlen("no error details"));
    CHECK_STR(out, "no error details");
    CHECK_EQ(apconn_error_format(NULL, NULL, 0), strlen("no error details"));
}

static void format_names_the_tokens_an_item_needs(void) {
    apconn_error e;
    char out[APCONN_ERROR_TEXT_SIZE], want[APCONN_ERROR_TEXT_SIZE];
    memset(&e, 0, sizeof e);
    e.status = APCONN_ERR_JSON_TOKENS;
    e.needed = 57;
    e.offset = 12;
    strcpy(e.field, "data[3]");
    apconn_error_format(&e, out, sizeof out);
    sprintf(want, "%s (field data[3]) at byte 12; needs 57 tokens", apconn_strerror(APCONN_ERR_JSON_TOKENS));
#ifdef APCONN_EMPTY_STATUS_TEXT
    sprintf(want, "status -24 (field data[3]) at byte 12; needs 57 tokens");
#endif
    CHECK_STR(out, want);
}

static void format_names_the_work_buffer_bytes_an_item_needs(void) {
    apconn_error e;
    char out[APCONN_ERROR_TEXT_SIZE], want[APCONN_ERROR_TEXT_SIZE];
    size_t n;
    memset(&e, 0, sizeof e);
    e.status = APCONN_ERR_ITEM_TOO_LARGE;
    e.needed = 5000;
    n = apconn_error_format(&e, out, sizeof out);
    sprintf(want, "%s; needs 5000 bytes of work buffer", apconn_strerror(APCONN_ERR_ITEM_TOO_LARGE));
#ifdef APCONN_EMPTY_STATUS_TEXT
    sprintf(want, "status -33; needs 5000 bytes of work buffer");
#endif
    CHECK_STR(out, want);
    CHECK_EQ(n, strlen(want));
}

/* A C2 lead byte is a C1 control only with its continuation byte (80..9F)
   after it: the last byte of a text alone is printed as it is. */
static void format_keeps_a_lone_c2_byte_at_the_end_of_a_message(void) {
    apconn_error e;
    char out[APCONN_ERROR_TEXT_SIZE];
    size_t n;
    memset(&e, 0, sizeof e);
    e.status = APCONN_ERR_HTTP_STATUS;
    strcpy(e.message, "bad\xC2\x85x\xC2");
    n = apconn_error_format(&e, out, sizeof out);
    CHECK(n > 8);
    CHECK_STR(out + n - 8, ": bad?x\xC2");
}

int main(void) {
    RUN(writer_key_null_is_an_argument_error_and_leaves_the_text);
    RUN(writer_string_len_null_with_zero_length_writes_an_empty_string);
    RUN(writer_string_len_null_with_a_length_is_an_argument_error);
    RUN(input_that_ends_is_judged_by_the_state_it_ends_in);
    RUN(validator_refuses_a_null_text);
    RUN(escapes_above_the_surrogates_decode_to_three_utf8_bytes);
    RUN(format_without_error_details_says_so);
    RUN(format_names_the_tokens_an_item_needs);
    RUN(format_names_the_work_buffer_bytes_an_item_needs);
    RUN(format_keeps_a_lone_c2_byte_at_the_end_of_a_message);
    return harness_summary("test_edge_json_text");
}
