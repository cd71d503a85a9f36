/* Utilities: status strings, error_format, wipe, enum names, UTF-8 helpers. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "harness.h"

/* APCONN_EMPTY_STATUS_TEXT: no texts, the status's number stands in (test_status_names). */
#ifdef APCONN_EMPTY_STATUS_TEXT
#define TEXT(sentence, number) number
#else
#define TEXT(sentence, number) sentence
#endif

static void every_status_has_its_own_text(void) {
#ifdef APCONN_EMPTY_STATUS_TEXT
#define X(name, value, cls, text) CHECK_STR(apconn_strerror(name), "");
#else
#define X(name, value, cls, text) CHECK_STR(apconn_strerror(name), text);
#endif
    APCONN_STATUS_LIST(X)
#undef X
    CHECK_STR(apconn_strerror((apconn_status)-999), TEXT("unknown status", ""));
}

static void error_format_writes_every_detail_on_one_line(void) {
    apconn_error e;
    char buf[APCONN_ERROR_TEXT_SIZE];
    size_t n;
    memset(&e, 0, sizeof e);
    e.status = APCONN_ERR_NOT_FOUND;
    e.http_status = 404;
    strcpy(e.code, "ENTITY_NOT_FOUND");
    strcpy(e.message, "line1\nline2\r");
    strcpy(e.field, "data[2].owner.email");
    e.offset = 1234;
    n = apconn_error_format(&e, buf, sizeof buf);
    CHECK_STR(buf, TEXT("no such connection (already gone, or never existed)", "status -81") ": HTTP 404 ENTITY_NOT_FOUND: line1?line2? (field data[2].owner.email) at byte 1234");
    CHECK_EQ(n, strlen(buf));
}

static void error_format_leaves_out_empty_details(void) {
    apconn_error e;
    char buf[64];
    memset(&e, 0, sizeof e);
    e.status = APCONN_ERR_TIMEOUT;
    CHECK_EQ(apconn_error_format(&e, buf, sizeof buf), strlen(TEXT("deadline exceeded", "status -41")));
    CHECK_STR(buf, TEXT("deadline exceeded", "status -41"));
}

static void error_format_truncates_like_snprintf_at_every_size(void) {
    apconn_error e;
    char full[256], buf[256 + 4];
    size_t want, size;
    memset(&e, 0, sizeof e);
    e.status = APCONN_ERR_JSON_TYPE;
    strcpy(e.message, "\xc3\xa9t\xc3\xa9 \xe2\x82\xac\xf0\x9f\x98\x80");
    strcpy(e.field, "x");
    e.offset = 7;
    want = apconn_error_format(&e, full, sizeof full);
    for (size = 0; size <= want + 1; size++) {
        memset(buf, 'G', sizeof buf);
        CHECK_EQ(apconn_error_format(&e, buf, size), want);
        CHECK_EQ(buf[size], 'G');
        if (size > 0) {
            size_t n = strlen(buf);
            CHECK(n < size);
            CHECK(memcmp(buf, full, n) == 0);
            /* never ends inside a UTF-8 sequence */
            {
                char q[260];
                q[0] = '"'; memcpy(q + 1, buf, n); q[n + 1] = '"';
                CHECK_EQ(apconn_json_validate(q, n + 2), APCONN_OK);
            }
        }
    }
    CHECK_EQ(apconn_error_format(&e, NULL, 0), want);
}

static void error_format_of_null_says_no_error_details(void) {
    char out[64];
    CHECK_EQ(apconn_error_format(NULL, out, sizeof out), strlen("no error details"));
    CHECK_STR(out, "no error details");
    CHECK_EQ(apconn_error_format(NULL, NULL, 0), strlen("no error details"));
}

static void error_format_names_the_tokens_an_item_needs(void) {
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

static void error_format_names_the_work_buffer_bytes_an_item_needs(void) {
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
static void error_format_keeps_a_lone_c2_byte_at_the_end_of_a_message(void) {
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

static void wipe_zeroes_every_byte(void) {
    unsigned char b[33];
    size_t i;
    memset(b, 0xA5, sizeof b);
    apconn_wipe(b + 1, 31);
    CHECK_EQ(b[0], 0xA5);
    for (i = 1; i < 32; i++) CHECK_EQ(b[i], 0);
    CHECK_EQ(b[32], 0xA5);
    apconn_wipe(b, 0);
    CHECK_EQ(b[0], 0xA5);
}

static void type_names_round_trip(void) {
    int t;
    for (t = APCONN_TYPE_SECRET_TEXT; t <= APCONN_TYPE_NO_AUTH; t++)
        CHECK_EQ(apconn_type_from_name(apconn_type_name((apconn_connection_type)t)), t);
    CHECK_STR(apconn_type_name(APCONN_TYPE_PLATFORM_OAUTH2), "PLATFORM_OAUTH2");
    CHECK(apconn_type_name(APCONN_TYPE_UNKNOWN) == NULL);
    CHECK(apconn_type_name((apconn_connection_type)99) == NULL);
    CHECK_EQ(apconn_type_from_name("PLACEHOLDER"), APCONN_TYPE_UNKNOWN);
    CHECK_EQ(apconn_type_from_name("secret_text"), APCONN_TYPE_UNKNOWN);
    CHECK_EQ(apconn_type_from_name("SECRET_TEXT "), APCONN_TYPE_UNKNOWN);
    CHECK_EQ(apconn_type_from_name(""), APCONN_TYPE_UNKNOWN);
    CHECK_EQ(apconn_type_from_name(NULL), APCONN_TYPE_UNKNOWN);
}

static void status_and_scope_names_are_mapped_and_unknowns_are_null(void) {
    CHECK_STR(apconn_connection_status_name(APCONN_CONN_STATUS_ACTIVE), "ACTIVE");
    CHECK_STR(apconn_connection_status_name(APCONN_CONN_STATUS_MISSING), "MISSING");
    CHECK_STR(apconn_connection_status_name(APCONN_CONN_STATUS_ERROR), "ERROR");
    CHECK(apconn_connection_status_name((apconn_connection_status)3) == NULL); /* a set, not one status */
    CHECK(apconn_connection_status_name(APCONN_CONN_STATUS_UNKNOWN) == NULL);
    CHECK_STR(apconn_scope_name(APCONN_SCOPE_PROJECT), "PROJECT");
    CHECK_STR(apconn_scope_name(APCONN_SCOPE_PLATFORM), "PLATFORM");
    CHECK(apconn_scope_name(APCONN_SCOPE_UNKNOWN) == NULL);
}

static void utf8_encode_and_decode_agree_on_every_scalar_value(void) {
    uint32_t cp, back;
    char buf[4];
    int bad = 0;
    for (cp = 1; cp <= 0x10FFFF; cp++) {
        size_t n;
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        n = apconn__utf8_encode(cp, buf);
        if (apconn__utf8_decode((const unsigned char *)buf, n, &back) != n || back != cp) bad++;
        if (n > 1 && apconn__utf8_decode((const unsigned char *)buf, n - 1, &back) != 0) bad++; /* truncated */
    }
    CHECK_EQ(bad, 0);
}

static void text_copy_cuts_at_a_utf8_boundary(void) {
    char dst[5];
    CHECK_EQ(apconn__text_copy(dst, sizeof dst, "ab\xe2\x82\xac", 5), 1);
    CHECK_STR(dst, "ab");
    CHECK_EQ(apconn__text_copy(dst, sizeof dst, "abcd", 4), 0);
    CHECK_STR(dst, "abcd");
    CHECK_EQ(apconn__text_copy(dst, sizeof dst, "a\xc3\xa9" "bc", 5), 1);
    CHECK_STR(dst, "a\xc3\xa9" "b");
}

static void error_field_appends_and_stays_terminated(void) {
    apconn_error e;
    size_t i;
    memset(&e, 0, sizeof e);
    for (i = 0; i < APCONN_ERROR_FIELD_SIZE; i++) apconn__error_field(&e, "ab", 2);
    CHECK_EQ(strlen(e.field), APCONN_ERROR_FIELD_SIZE - 1);
    CHECK_EQ(apconn__error_set(&e, APCONN_ERR_JSON_TYPE, 9), APCONN_ERR_JSON_TYPE);
    CHECK_EQ(e.offset, 9);
    CHECK_EQ(apconn__error_set(NULL, APCONN_ERR_JSON_TYPE, 9), APCONN_ERR_JSON_TYPE);
}

int main(void) {
    RUN(every_status_has_its_own_text);
    RUN(error_format_writes_every_detail_on_one_line);
    RUN(error_format_leaves_out_empty_details);
    RUN(error_format_truncates_like_snprintf_at_every_size);
    RUN(error_format_of_null_says_no_error_details);
    RUN(error_format_names_the_tokens_an_item_needs);
    RUN(error_format_names_the_work_buffer_bytes_an_item_needs);
    RUN(error_format_keeps_a_lone_c2_byte_at_the_end_of_a_message);
    RUN(wipe_zeroes_every_byte);
    RUN(type_names_round_trip);
    RUN(status_and_scope_names_are_mapped_and_unknowns_are_null);
    RUN(utf8_encode_and_decode_agree_on_every_scalar_value);
    RUN(text_copy_cuts_at_a_utf8_boundary);
    RUN(error_field_appends_and_stays_terminated);
    return harness_summary("utilities");
}
