/* JSON writer: escaping, structure rules, sticky errors (NULL arguments
   included), buffer bounds. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "harness.h"
#include "spec_example.h"

static char out[512];

static const char *write_string(const char *s, size_t len) {
    apconn_json_writer w;
    apconn_json_init(&w, out, sizeof out);
    apconn_json_string_len(&w, s, len);
    return apconn_json_finish(&w, NULL) == APCONN_OK ? out : "(error)";
}

static void quote_and_backslash_are_escaped(void) { CHECK_STR(write_string("a\"b\\c", 5), "\"a\\\"b\\\\c\""); }
static void short_escapes_are_used(void) {
    CHECK_STR(write_string("\b\f\n\r\t", 5), "\"\\b\\f\\n\\r\\t\"");
}
static void every_other_control_byte_is_u00xx(void) {
    char in[1];
    char want[16];
    unsigned c;
    for (c = 0; c < 0x20; c++) {
        static const char hex[] = "0123456789abcdef";
        if (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') continue;
        in[0] = (char)c;
        memcpy(want, "\"\\u00", 5);
        want[5] = hex[c >> 4]; want[6] = hex[c & 15]; want[7] = '"'; want[8] = 0;
        CHECK_STR(write_string(in, 1), want);
    }
}
static void slash_and_del_are_not_escaped(void) { CHECK_STR(write_string("/\x7f", 2), "\"/\x7f\""); }
static void utf8_is_copied_verbatim(void) {
    CHECK_STR(write_string("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf", 13),
              "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"");
}

static apconn_status string_status(const char *s, size_t len) {
    apconn_json_writer w;
    apconn_json_init(&w, out, sizeof out);
    apconn_json_string_len(&w, s, len);
    return apconn_json_finish(&w, NULL);
}
static void invalid_utf8_is_refused(void) {
    static const char *const bad[] = {"\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x9f\xbf", "\xf0\x80\x80\x80",
                                      "\xf0\x8f\xbf\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80",
                                      "\xf5\x80\x80\x80", "\xff", "\xfe", "\xf8\x88\x80\x80\x80", "\x80", "\xbf",
                                      "\xc3", "\xe2\x82", "\xf0\x9f\x98", "\xc3\x28", "\xe2\x28\xa1"};
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) CHECK_EQ(string_status(bad[i], strlen(bad[i])), APCONN_ERR_JSON_UTF8);
}
static void embedded_nul_is_written_as_u0000(void) { CHECK_STR(write_string("a\0b", 3), "\"a\\u0000b\""); }

static void integers_cover_the_int64_range(void) {
    /* also across the 16- and 32-bit halves apconn__div10 divides in */
    static const int64_t v[] = {0, 1, -1, 9, 10, -10, 1234567890, INT64_MAX, INT64_MIN,
                                65535, 65536, 4294967295LL, 4294967296LL, -4294967297LL, 1000000000000000000LL,
                                281474976710655LL};
    static const char *const want[] = {"0", "1", "-1", "9", "10", "-10", "1234567890", "9223372036854775807",
                                       "-9223372036854775808", "65535", "65536", "4294967295", "4294967296",
                                       "-4294967297", "1000000000000000000", "281474976710655"};
    size_t i;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        apconn_json_writer w;
        apconn_json_init(&w, out, sizeof out);
        apconn_json_int(&w, v[i]);
        CHECK_EQ(apconn_json_finish(&w, NULL), APCONN_OK);
        CHECK_STR(out, want[i]);
    }
}

static void commas_and_colons_are_placed_automatically(void) {
    apconn_json_writer w;
    size_t len = 0;
    apconn_json_init(&w, out, sizeof out);
    apconn_json_object_begin(&w);
    apconn_json_key(&w, "a"); apconn_json_int(&w, 1);
    apconn_json_key(&w, "b"); apconn_json_array_begin(&w);
    apconn_json_bool(&w, 1); apconn_json_bool(&w, 0); apconn_json_null(&w);
    apconn_json_object_begin(&w); apconn_json_object_end(&w);
    apconn_json_array_begin(&w); apconn_json_array_end(&w);
    apconn_json_string(&w, "x");
    apconn_json_array_end(&w);
    apconn_json_key(&w, "c"); apconn_json_raw(&w, " {\"k\": [1, 2]} ", 15);
    apconn_json_object_end(&w);
    CHECK_EQ(apconn_json_finish(&w, &len), APCONN_OK);
    CHECK_EQ(w.failed_call, 0);
    CHECK_EQ(w.calls, 18); /* 17 calls + finish */
    CHECK_STR(out, "{\"a\":1,\"b\":[true,false,null,{},[],\"x\"],\"c\": {\"k\": [1, 2]} }");
    CHECK_EQ(len, strlen(out));
    CHECK_EQ(apconn_json_validate(out, len), APCONN_OK);
}

static void keys_are_escaped(void) {
    apconn_json_writer w;
    apconn_json_init(&w, out, sizeof out);
    apconn_json_object_begin(&w); apconn_json_key(&w, "a\"\n"); apconn_json_null(&w); apconn_json_object_end(&w);
    CHECK_EQ(apconn_json_finish(&w, NULL), APCONN_OK);
    CHECK_STR(out, "{\"a\\\"\\n\":null}");
}

/* Runs a short sequence and returns finish() plus failed_call. */
static apconn_status sequence(int which, unsigned *failed_call) {
    apconn_json_writer w;
    apconn_status st;
    apconn_json_init(&w, out, sizeof out);
    switch (which) {
    case 0: apconn_json_key(&w, "k"); break;                                              /* key outside object */
    case 1: apconn_json_object_begin(&w); apconn_json_int(&w, 1); break;                  /* value without key */
    case 2: apconn_json_array_begin(&w); apconn_json_key(&w, "k"); break;                 /* key in array */
    case 3: apconn_json_object_begin(&w); apconn_json_array_end(&w); break;               /* wrong close */
    case 4: apconn_json_array_begin(&w); apconn_json_object_end(&w); break;               /* wrong close */
    case 5: apconn_json_int(&w, 1); apconn_json_int(&w, 2); break;                        /* second root */
    case 6: apconn_json_object_begin(&w); apconn_json_key(&w, "k"); apconn_json_object_end(&w); break; /* dangling key */
    case 7: apconn_json_object_begin(&w); apconn_json_key(&w, "k"); apconn_json_key(&w, "j"); break;  /* two keys */
    case 8: apconn_json_array_end(&w); break;                                              /* close at root */
    case 9: apconn_json_object_begin(&w); break;                                           /* unfinished */
    case 10: break;                                                                        /* nothing */
    case 11: apconn_json_raw(&w, "[1,]", 4); break;                                         /* invalid raw */
    case 12: apconn_json_string(&w, NULL); break;
    default: apconn_json_array_begin(&w); apconn_json_string_len(&w, "\xff", 1); break;
    }
    st = apconn_json_finish(&w, NULL);
    *failed_call = w.failed_call;
    return st;
}

static void out_of_order_calls_fail_with_writer_state(void) {
    static const apconn_status want[] = {APCONN_ERR_WRITER_STATE, APCONN_ERR_WRITER_STATE, APCONN_ERR_WRITER_STATE,
                                         APCONN_ERR_WRITER_STATE, APCONN_ERR_WRITER_STATE, APCONN_ERR_WRITER_STATE,
                                         APCONN_ERR_WRITER_STATE, APCONN_ERR_WRITER_STATE, APCONN_ERR_WRITER_STATE,
                                         APCONN_ERR_WRITER_STATE, APCONN_ERR_WRITER_STATE, APCONN_ERR_JSON_SYNTAX,
                                         APCONN_ERR_ARGUMENT, APCONN_ERR_JSON_UTF8};
    static const unsigned call[] = {1, 2, 2, 2, 2, 2, 3, 3, 1, 2, 1, 1, 1, 2};
    unsigned i, failed;
    for (i = 0; i < 14; i++) {
        CHECK_EQ(sequence((int)i, &failed), want[i]);
        CHECK_EQ(failed, call[i]);
    }
}

static void first_error_is_sticky_and_later_calls_do_nothing(void) {
    apconn_json_writer w;
    apconn_json_init(&w, out, sizeof out);
    apconn_json_array_begin(&w);
    apconn_json_key(&w, "k"); /* call 2 fails */
    apconn_json_int(&w, 5);
    apconn_json_array_end(&w);
    CHECK_EQ(apconn_json_finish(&w, NULL), APCONN_ERR_WRITER_STATE);
    CHECK_EQ(w.failed_call, 2);
    CHECK_STR(out, "[");
}

static void null_key_fails_with_argument_error_and_keeps_the_text_before_it(void) {
    apconn_json_writer w;
    size_t len = 99;
    apconn_json_init(&w, out, sizeof out);
    apconn_json_object_begin(&w);
    apconn_json_key(&w, NULL);
    apconn_json_key(&w, "a"); /* sticky: later calls do nothing */
    CHECK_EQ(apconn_json_finish(&w, &len), APCONN_ERR_ARGUMENT);
    CHECK_EQ(w.failed_call, 2);
    CHECK_STR(out, "{");
    CHECK_EQ(len, 1);
}

static void null_string_of_length_zero_is_the_empty_string(void) {
    apconn_json_writer w;
    size_t len = 0;
    apconn_json_init(&w, out, sizeof out);
    apconn_json_array_begin(&w);
    apconn_json_string_len(&w, NULL, 0);
    apconn_json_string_len(&w, "ab", 1);
    apconn_json_array_end(&w);
    CHECK_EQ(apconn_json_finish(&w, &len), APCONN_OK);
    CHECK_STR(out, "[\"\",\"a\"]");
    CHECK_EQ(len, 8);
}

static void null_string_with_a_length_fails_with_argument_error(void) {
    apconn_json_writer w;
    apconn_json_init(&w, out, sizeof out);
    apconn_json_array_begin(&w);
    apconn_json_string_len(&w, NULL, 3);
    CHECK_EQ(apconn_json_finish(&w, NULL), APCONN_ERR_ARGUMENT);
    CHECK_EQ(w.failed_call, 2);
    CHECK_STR(out, "[");
}

static void depth_limit_is_enforced(void) {
    apconn_json_writer w;
    int i;
    apconn_json_init(&w, out, sizeof out);
    for (i = 0; i < APCONN_JSON_MAX_DEPTH; i++) apconn_json_array_begin(&w);
    for (i = 0; i < APCONN_JSON_MAX_DEPTH; i++) apconn_json_array_end(&w);
    CHECK_EQ(apconn_json_finish(&w, NULL), APCONN_OK);
    CHECK_EQ(apconn_json_validate(out, strlen(out)), APCONN_OK);
    apconn_json_init(&w, out, sizeof out);
    for (i = 0; i <= APCONN_JSON_MAX_DEPTH; i++) apconn_json_array_begin(&w);
    CHECK_EQ(apconn_json_finish(&w, NULL), APCONN_ERR_JSON_DEPTH);
    CHECK_EQ(w.failed_call, APCONN_JSON_MAX_DEPTH + 1);
    CHECK_EQ(w.len, APCONN_JSON_MAX_DEPTH);
}

/* Writes document `which` into a buffer of `size` bytes. */
static apconn_status write_doc(int which, char *buf, size_t size, size_t *len) {
    apconn_json_writer w;
    apconn_json_init(&w, buf, size);
    if (which == 0) {
        apconn_json_object_begin(&w);
        apconn_json_key(&w, "displayName"); apconn_json_string(&w, "Acme \"Slack\"\n\xe2\x82\xac\x01");
        apconn_json_key(&w, "n"); apconn_json_int(&w, INT64_MIN);
        apconn_json_key(&w, "ids"); apconn_json_array_begin(&w);
        apconn_json_string(&w, "Kp3Wn8ZrQa1Lm5Tx7Vb2C"); apconn_json_bool(&w, 1); apconn_json_null(&w);
        apconn_json_array_end(&w);
        apconn_json_key(&w, "m"); apconn_json_raw(&w, "{\"a\":1}", 7);
        apconn_json_object_end(&w);
    } else if (which == 1) { /* the example upsert body (spec_example.h) */
        spec_write_upsert_body(&w);
    } else { /* nested arrays and a 4-byte character */
        int i;
        for (i = 0; i < 4; i++) apconn_json_array_begin(&w);
        apconn_json_string(&w, "\xf0\x9f\x98\x80\\"); apconn_json_int(&w, -7);
        for (i = 0; i < 4; i++) apconn_json_array_end(&w);
    }
    return apconn_json_finish(&w, len);
}

static void every_buffer_size_is_safe_and_nul_terminated(void) {
    char full[512], buf[512 + 8];
    size_t full_len = 0, size, len;
    int which;
    for (which = 0; which < 3; which++) {
        CHECK_EQ(write_doc(which, full, sizeof full, &full_len), APCONN_OK);
        CHECK_EQ(apconn_json_validate(full, full_len), APCONN_OK);
        for (size = 0; size <= full_len + 2; size++) {
            apconn_status st;
            memset(buf, 'G', sizeof buf);
            st = write_doc(which, buf, size, &len);
            CHECK(buf[size] == 'G' && buf[size + 1] == 'G'); /* guard bytes untouched */
            if (size > full_len) {
                CHECK_EQ(st, APCONN_OK);
                CHECK_STR(buf, full);
            } else {
                CHECK_EQ(st, APCONN_ERR_BUFFER_FULL);
                CHECK(len < size || size == 0);
                if (size > 0) {
                    CHECK_EQ(buf[len], '\0');
                    CHECK(memcmp(buf, full, len) == 0); /* a clean prefix: whole tokens only */
                }
            }
        }
    }
}

static void failed_value_is_rolled_back(void) {
    char buf[12];
    apconn_json_writer w;
    apconn_json_init(&w, buf, sizeof buf);
    apconn_json_array_begin(&w);
    apconn_json_string(&w, "abcdefghijkl"); /* does not fit */
    CHECK_EQ(apconn_json_finish(&w, NULL), APCONN_ERR_BUFFER_FULL);
    CHECK_EQ(w.len, 1);
    CHECK_STR(buf, "[");
}

/* A value that did not fit leaves none of its bytes in the buffer (it may be
   a secret), also past the NUL, whether it failed on size or on bad UTF-8. */
static void failed_value_leaves_none_of_its_bytes(void) {
    static const char *const values[] = {"xoxb-TOPSECRET-4711", "xoxb-TOP\xff-SECRET"};
    char buf[24];
    size_t i, k;
    for (i = 0; i < 2; i++) {
        apconn_json_writer w;
        memset(buf, '.', sizeof buf);
        apconn_json_init(&w, buf, sizeof buf);
        apconn_json_object_begin(&w);
        apconn_json_key(&w, "secret");
        apconn_json_string(&w, values[i]);
        CHECK_EQ(apconn_json_finish(&w, NULL), i == 0 ? APCONN_ERR_BUFFER_FULL : APCONN_ERR_JSON_UTF8);
        CHECK_STR(buf, "{\"secret\":");
        for (k = strlen(buf); k < sizeof buf; k++) CHECK_EQ(buf[k], 0);
    }
}
static void finish_requires_exactly_one_root_value(void) {
    apconn_json_writer w;
    apconn_json_init(&w, out, sizeof out);
    apconn_json_string(&w, "only");
    CHECK_EQ(apconn_json_finish(&w, NULL), APCONN_OK);
    CHECK_STR(out, "\"only\"");
}

static void null_buffer_fails_without_writing(void) {
    apconn_json_writer w;
    apconn_json_init(&w, NULL, 10);
    apconn_json_null(&w);
    CHECK_EQ(apconn_json_finish(&w, NULL), APCONN_ERR_BUFFER_FULL);
}

int main(void) {
    RUN(quote_and_backslash_are_escaped);
    RUN(short_escapes_are_used);
    RUN(every_other_control_byte_is_u00xx);
    RUN(slash_and_del_are_not_escaped);
    RUN(utf8_is_copied_verbatim);
    RUN(invalid_utf8_is_refused);
    RUN(embedded_nul_is_written_as_u0000);
    RUN(integers_cover_the_int64_range);
    RUN(commas_and_colons_are_placed_automatically);
    RUN(keys_are_escaped);
    RUN(out_of_order_calls_fail_with_writer_state);
    RUN(first_error_is_sticky_and_later_calls_do_nothing);
    RUN(null_key_fails_with_argument_error_and_keeps_the_text_before_it);
    RUN(null_string_of_length_zero_is_the_empty_string);
    RUN(null_string_with_a_length_fails_with_argument_error);
    RUN(depth_limit_is_enforced);
    RUN(every_buffer_size_is_safe_and_nul_terminated);
    RUN(failed_value_is_rolled_back);
    RUN(failed_value_leaves_none_of_its_bytes);
    RUN(finish_requires_exactly_one_root_value);
    RUN(null_buffer_fails_without_writing);
    return harness_summary("json_writer");
}
