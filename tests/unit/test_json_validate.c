/* Strict validator: JSONTestSuite-style accept (y_) and reject (n_) cases,
   UTF-8 edge cases (RFC 3629), escapes, numbers, depth, error offsets. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "harness.h"

typedef struct { const char *name, *text; size_t len; } doc;
#define D(name, text) {name, text, sizeof(text) - 1}

static const doc accept[] = {
    D("y_array_empty", "[]"), D("y_array_empty_string", "[\"\"]"), D("y_array_arrays_with_spaces", "[[]   ]"),
    D("y_array_false", "[false]"), D("y_array_heterogeneous", "[null, 1, \"1\", {}]"), D("y_array_null", "[null]"),
    D("y_array_with_1_and_newline", "[1\n]"), D("y_array_with_leading_space", " [1]"),
    D("y_array_with_several_null", "[1,null,null,null,2]"), D("y_array_with_trailing_space", "[2] "),
    D("y_number", "[123e65]"), D("y_number_0e+1", "[0e+1]"), D("y_number_0e1", "[0e1]"),
    D("y_number_after_space", "[ 4]"), D("y_number_double_close_to_zero", "[-0.000000000000000000000000000001]"),
    D("y_number_int_with_exp", "[20e1]"), D("y_number_minus_zero", "[-0]"), D("y_number_negative_int", "[-123]"),
    D("y_number_negative_one", "[-1]"), D("y_number_real_capital_e", "[1E22]"), D("y_number_real_capital_e_neg_exp", "[1E-2]"),
    D("y_number_real_capital_e_pos_exp", "[1E+2]"), D("y_number_real_exponent", "[123e45]"),
    D("y_number_real_fraction_exponent", "[123.456e78]"), D("y_number_real_neg_exp", "[1e-2]"),
    D("y_number_simple_int", "[123]"), D("y_number_simple_real", "[123.456789]"), D("y_number_huge", "1e99999"),
    D("y_object", "{\"asd\":\"sdf\", \"dfg\":\"fgh\"}"), D("y_object_basic", "{\"asd\":\"sdf\"}"),
    D("y_object_duplicated_key", "{\"a\":\"b\",\"a\":\"c\"}"), D("y_object_empty", "{}"), D("y_object_empty_key", "{\"\":0}"),
    D("y_object_escaped_null_in_key", "{\"foo\\u0000bar\": 42}"), D("y_object_extreme_numbers", "{ \"min\": -1.0e+28, \"max\": 1.0e+28 }"),
    D("y_object_simple", "{\"a\":[]}"), D("y_object_with_newlines", "{\n\"a\": \"b\"\n}"),
    D("y_string_1_2_3_bytes_UTF-8_sequences", "[\"\\u0060\\u012a\\u12AB\"]"),
    D("y_string_accepted_surrogate_pair", "[\"\\uD801\\udc37\"]"), D("y_string_allowed_escapes", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]"),
    D("y_string_backslash_doublequotes", "[\"\\\"\"]"), D("y_string_comments", "[\"a/*b*/c/*d//e\"]"),
    D("y_string_escaped_noncharacter", "[\"\\uFFFF\"]"), D("y_string_in_array", "[\"asd\"]"),
    D("y_string_last_surrogates_1_and_2", "[\"\\uDBFF\\uDFFF\"]"), D("y_string_null_escape", "[\"\\u0000\"]"),
    D("y_string_nonCharacterInUTF-8_U+FFFF", "[\"\xef\xbf\xbf\"]"), D("y_string_unicode_U+10FFFF", "[\"\xf4\x8f\xbf\xbf\"]"),
    D("y_string_utf8", "[\"\xe2\x82\xac\xf0\x9d\x84\x9e\"]"), D("y_string_with_del_character", "[\"a\x7f" "a\"]"),
    D("y_string_u+2028_line_sep", "[\"\xe2\x80\xa8\"]"), D("y_structure_lonely_false", "false"),
    D("y_structure_lonely_int", "42"), D("y_structure_lonely_negative_real", "-0.1"), D("y_structure_lonely_null", "null"),
    D("y_structure_lonely_string", "\"asd\""), D("y_structure_lonely_true", "true"), D("y_structure_string_empty", "\"\""),
    D("y_structure_trailing_newline", "[\"a\"]\n"), D("y_structure_true_in_array", "[true]"),
    D("y_structure_whitespace_array", " [] "), D("y_structure_all_whitespace", " \t\r\n[ \t\r\n1 \t\r\n] \t\r\n"),
};

static const doc reject[] = {
    D("n_array_1_true_without_comma", "[1 true]"), D("n_array_colon_instead_of_comma", "[\"\": 1]"),
    D("n_array_comma_after_close", "[\"\"],"), D("n_array_comma_and_number", "[,1]"), D("n_array_double_comma", "[1,,2]"),
    D("n_array_extra_close", "[\"x\"]]"), D("n_array_extra_comma", "[\"\",]"), D("n_array_incomplete", "[\"x\""),
    D("n_array_inner_array_no_comma", "[3[4]]"), D("n_array_just_comma", "[,]"), D("n_array_just_minus", "[-]"),
    D("n_array_missing_value", "[   , \"\"]"), D("n_array_number_and_comma", "[1,]"), D("n_array_star_inside", "[*]"),
    D("n_array_unclosed", "[\"\""), D("n_array_unclosed_trailing_comma", "[1,"), D("n_incomplete_false", "[fals]"),
    D("n_incomplete_null", "[nul]"), D("n_incomplete_true", "[tru]"), D("n_number_++", "[++1234]"),
    D("n_number_+1", "[+1]"), D("n_number_-01", "[-01]"), D("n_number_-1.0.", "[-1.0.]"), D("n_number_.-1", "[.-1]"),
    D("n_number_.2e-3", "[.2e-3]"), D("n_number_0.e1", "[0.e1]"), D("n_number_0e", "[0e]"), D("n_number_0e+", "[0e+]"),
    D("n_number_1.0e", "[1.0e]"), D("n_number_2.", "[2.]"), D("n_number_Inf", "[Inf]"), D("n_number_NaN", "[NaN]"),
    D("n_number_infinity", "[Infinity]"), D("n_number_minus_infinity", "[-Infinity]"), D("n_number_hex", "[0x1]"),
    D("n_number_leading_zero", "[012]"), D("n_number_minus_space_1", "[- 1]"), D("n_number_with_alpha", "[1.2a-3]"),
    D("n_number_U+FF11_fullwidth_digit_one", "[\xef\xbc\x91]"), D("n_object_bad_value", "[\"x\", truth]"),
    D("n_object_comma_instead_of_colon", "{\"x\", null}"), D("n_object_double_colon", "{\"x\"::\"b\"}"),
    D("n_object_missing_colon", "{\"a\" b}"), D("n_object_missing_key", "{:\"b\"}"), D("n_object_missing_value", "{\"a\":"),
    D("n_object_no-colon", "{\"a\""), D("n_object_non_string_key", "{1:1}"), D("n_object_single_quote", "{'a':0}"),
    D("n_object_trailing_comma", "{\"id\":0,}"), D("n_object_unquoted_key", "{a: \"b\"}"),
    D("n_object_two_commas_in_a_row", "{\"a\":\"b\",,\"c\":\"d\"}"), D("n_object_unterminated-value", "{\"a\":\"a"),
    D("n_single_space", " "), D("n_structure_no_data", ""), D("n_string_single_quote", "['single quote']"),
    D("n_string_unescaped_newline", "[\"new\nline\"]"), D("n_string_unescaped_tab", "[\"\t\"]"),
    D("n_string_unescaped_ctrl_char", "[\"a\x01" "a\"]"), D("n_string_escape_x", "[\"\\x00\"]"),
    D("n_string_escaped_emoji", "[\"\\\xf0\x9f\x8c\x80\"]"), D("n_string_1_surrogate_then_escape", "[\"\\uD800\\\"]"),
    D("n_string_incomplete_escape", "[\"\\\"]"), D("n_string_incomplete_escaped_character", "[\"\\u00A\"]"),
    D("n_string_invalid_unicode_escape", "[\"\\uqqqq\"]"), D("n_string_lone_high_surrogate", "[\"\\uD800\"]"),
    D("n_string_lone_low_surrogate", "[\"\\uDC00\"]"), D("n_string_high_then_high", "[\"\\uD800\\uD800\"]"),
    D("n_string_high_then_bmp", "[\"\\uD800\\u0041\"]"), D("n_string_high_then_text", "[\"\\uD800abcdef\"]"),
    D("n_structure_trailing_#", "{\"a\":\"b\"}#{}"), D("n_structure_two_values", "[] []"),
    D("n_structure_lone-open-bracket", "["), D("n_structure_close_unopened_array", "1]"),
    D("n_structure_object_with_comment", "{\"a\":/*comment*/\"b\"}"), D("n_structure_capitalized_True", "[True]"),
    D("n_structure_null-byte-outside-string", "[\0]"), D("n_string_raw_nul_inside", "[\"a\0b\"]"),
    D("n_structure_UTF8_BOM_no_data", "\xef\xbb\xbf"), D("n_structure_bom_before_value", "\xef\xbb\xbf[]"),
    D("n_structure_whitespace_formfeed", "[\f]"), D("n_structure_nbsp", "[\xc2\xa0]"), D("n_incomplete_true_at_end", "tru"),
    D("n_structure_mismatched_close", "[}"), D("n_structure_object_closed_by_bracket", "{\"a\":1]"),
};

static void accepted_documents_validate(void) {
    size_t i, off = 99;
    for (i = 0; i < sizeof accept / sizeof accept[0]; i++) {
        apconn_status st = apconn_json_validate_at(accept[i].text, accept[i].len, &off);
        if (st != APCONN_OK) printf("  refused %s: %s at %u\n", accept[i].name, apconn_strerror(st), (unsigned)off);
        CHECK_EQ(st, APCONN_OK);
        CHECK_EQ(off, 0);
    }
    CHECK(sizeof accept / sizeof accept[0] >= 60);
}

static void rejected_documents_fail(void) {
    size_t i, off;
    for (i = 0; i < sizeof reject / sizeof reject[0]; i++) {
        apconn_status st = apconn_json_validate_at(reject[i].text, reject[i].len, &off);
        if (st == APCONN_OK) printf("  accepted %s\n", reject[i].name);
        CHECK(st != APCONN_OK);
        CHECK(off <= reject[i].len);
    }
    CHECK(sizeof reject / sizeof reject[0] >= 60);
}

static apconn_status in_string(const char *bytes, size_t *off) {
    char buf[32];
    size_t n = strlen(bytes);
    buf[0] = '"';
    memcpy(buf + 1, bytes, n);
    buf[n + 1] = '"';
    return apconn_json_validate_at(buf, n + 2, off);
}

static void overlong_forms_are_invalid_utf8(void) {
    static const char *const bad[] = {"\xc0\x80", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x80\xaf",
                                      "\xe0\x9f\xbf", "\xf0\x80\x80\x80", "\xf0\x80\x80\xaf", "\xf0\x8f\xbf\xbf"};
    size_t i, off;
    for (i = 0; i < 9; i++) {
        CHECK_EQ(in_string(bad[i], &off), APCONN_ERR_JSON_UTF8);
        CHECK_EQ(off, 1);
    }
}

static void every_utf8_surrogate_is_invalid(void) {
    unsigned cp;
    size_t off;
    for (cp = 0xD800; cp <= 0xDFFF; cp++) {
        char s[4];
        s[0] = (char)(0xE0 | (cp >> 12)); s[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); s[2] = (char)(0x80 | (cp & 0x3F)); s[3] = 0;
        CHECK_EQ(in_string(s, &off), APCONN_ERR_JSON_UTF8);
    }
    CHECK_EQ(in_string("\xed\x9f\xbf", &off), APCONN_OK); /* U+D7FF */
    CHECK_EQ(in_string("\xee\x80\x80", &off), APCONN_OK); /* U+E000 */
}

static void code_point_limit_is_u10ffff(void) {
    size_t off;
    CHECK_EQ(in_string("\xf4\x8f\xbf\xbf", &off), APCONN_OK);
    CHECK_EQ(in_string("\xf4\x90\x80\x80", &off), APCONN_ERR_JSON_UTF8);
    CHECK_EQ(in_string("\xf7\xbf\xbf\xbf", &off), APCONN_ERR_JSON_UTF8);
}

static void forbidden_lead_bytes_are_invalid(void) {
    unsigned c;
    size_t off;
    char s[3];
    s[1] = (char)0x80; s[2] = 0;
    for (c = 0x80; c <= 0xFF; c++) {
        if (c >= 0xC2 && c <= 0xF4) continue;
        s[0] = (char)c;
        CHECK_EQ(in_string(s, &off), APCONN_ERR_JSON_UTF8);
    }
}

static void truncated_sequences_at_end_of_input_are_invalid(void) {
    static const char *const cut[] = {"\"\xc3", "\"\xe2\x82", "\"\xe2", "\"\xf0\x9f\x98", "\"\xf0\x9f", "\"\xf0"};
    size_t i, off;
    for (i = 0; i < 6; i++) {
        CHECK_EQ(apconn_json_validate_at(cut[i], strlen(cut[i]), &off), APCONN_ERR_JSON_UTF8);
        CHECK_EQ(off, 1);
    }
    CHECK_EQ(in_string("\xe2\x82x", &off), APCONN_ERR_JSON_UTF8); /* cut before a non-continuation byte */
}

static void all_valid_utf8_lengths_pass(void) {
    size_t off;
    CHECK_EQ(in_string("\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80", &off), APCONN_OK);
}

static void bad_escapes_are_json_escape(void) {
    static const char *const bad[] = {"\\a", "\\x41", "\\U0041", "\\u12", "\\u12G4", "\\uD800", "\\uDC00",
                                      "\\uDFFF", "\\uD800\\uD800", "\\uD800\\n", "\\uDBFF\\u0041", "\\'", "\\0"};
    size_t i, off;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_EQ(in_string(bad[i], &off), APCONN_ERR_JSON_ESCAPE);
        CHECK_EQ(off, 1);
    }
}

static void escaped_nul_is_valid_json(void) {
    size_t off;
    CHECK_EQ(in_string("\\u0000", &off), APCONN_OK);
}

static void control_bytes_in_strings_are_syntax_errors(void) {
    unsigned c;
    size_t off;
    char doc_[4] = {'"', 0, '"', 0};
    for (c = 0; c < 0x20; c++) {
        doc_[1] = (char)c;
        CHECK_EQ(apconn_json_validate_at(doc_, 3, &off), APCONN_ERR_JSON_SYNTAX);
        CHECK_EQ(off, 1);
    }
}

static void depth_limit_is_accepted_and_one_more_refused(void) {
    char buf[2 * (APCONN_JSON_MAX_DEPTH + 1) + 8];
    size_t off, n = 0;
    int i;
    n = 0;
    for (i = 0; i < APCONN_JSON_MAX_DEPTH; i++) buf[n++] = '[';
    for (i = 0; i < APCONN_JSON_MAX_DEPTH; i++) buf[n++] = ']';
    CHECK_EQ(apconn_json_validate_at(buf, n, &off), APCONN_OK);
    n = 0;
    for (i = 0; i <= APCONN_JSON_MAX_DEPTH; i++) buf[n++] = '[';
    for (i = 0; i <= APCONN_JSON_MAX_DEPTH; i++) buf[n++] = ']';
    CHECK_EQ(apconn_json_validate_at(buf, n, &off), APCONN_ERR_JSON_DEPTH);
    CHECK_EQ(off, APCONN_JSON_MAX_DEPTH);
}

static void deep_objects_count_too(void) {
    char buf[8 * (APCONN_JSON_MAX_DEPTH + 1) + 8];
    size_t off, n = 0;
    int i;
    for (i = 0; i <= APCONN_JSON_MAX_DEPTH; i++) { memcpy(buf + n, "{\"a\":", 5); n += 5; }
    buf[n++] = '1';
    for (i = 0; i <= APCONN_JSON_MAX_DEPTH; i++) buf[n++] = '}';
    CHECK_EQ(apconn_json_validate_at(buf, n, &off), APCONN_ERR_JSON_DEPTH);
    CHECK_EQ(apconn_json_validate_at(buf + 5, n - 6, &off), APCONN_OK);
}

static void error_offsets_point_at_the_problem(void) {
    size_t off;
    CHECK_EQ(apconn_json_validate_at("[1,]", 4, &off), APCONN_ERR_JSON_SYNTAX); CHECK_EQ(off, 3);
    CHECK_EQ(apconn_json_validate_at("[01]", 4, &off), APCONN_ERR_JSON_SYNTAX); CHECK_EQ(off, 2);
    CHECK_EQ(apconn_json_validate_at("{\"a\" 1}", 7, &off), APCONN_ERR_JSON_SYNTAX); CHECK_EQ(off, 5);
    CHECK_EQ(apconn_json_validate_at("[1] x", 5, &off), APCONN_ERR_JSON_SYNTAX); CHECK_EQ(off, 4);
    CHECK_EQ(apconn_json_validate_at("[1.]", 4, &off), APCONN_ERR_JSON_SYNTAX); CHECK_EQ(off, 3);
    CHECK_EQ(apconn_json_validate_at("[1e+]", 5, &off), APCONN_ERR_JSON_SYNTAX); CHECK_EQ(off, 4);
    CHECK_EQ(apconn_json_validate_at("[\"ab", 4, &off), APCONN_ERR_JSON_SYNTAX); CHECK_EQ(off, 4);
    CHECK_EQ(apconn_json_validate_at("", 0, &off), APCONN_ERR_JSON_SYNTAX); CHECK_EQ(off, 0);
}

typedef struct end_case {
    const char *json;
    apconn_status status;
    size_t offset;
} end_case;

static void input_that_ends_is_judged_by_the_state_it_ends_in_with_its_offset(void) {
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

static void null_text_is_an_argument_error(void) {
    size_t off = 7;
    CHECK_EQ(apconn_json_validate_at(NULL, 3, &off), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_json_validate(NULL, 0), APCONN_ERR_ARGUMENT);
}

static void length_bounds_the_text(void) {
    /* The bytes after len are never read: "[1]" inside "[1]]" is valid. */
    CHECK_EQ(apconn_json_validate("[1]]", 3), APCONN_OK);
    CHECK_EQ(apconn_json_validate("truex", 4), APCONN_OK);
    CHECK_EQ(apconn_json_validate("true", 3), APCONN_ERR_JSON_SYNTAX);
    CHECK_EQ(apconn_json_validate(NULL, 0), APCONN_ERR_ARGUMENT);
}

/* Found by fuzz_stream: a UTF-8 lead byte, a NUL, then '"' and ',"' once
   slipped through the compact-JSON path (the NUL matched its "no separator"
   sentinel). Whole buffer and byte by byte must agree. */
static void nul_after_a_lead_byte_is_invalid_utf8_not_a_separator(void) {
    static const char text[] = "{\"a\":\"x\xcd\x00\",\"b\":1}";
    size_t n = sizeof text - 1, off = 0, i, pos, at = 0;
    apconn__jv v;
    unsigned ev;
    apconn_status st;
    CHECK_EQ(apconn_json_validate_at(text, n, &off), APCONN_ERR_JSON_UTF8);
    CHECK_EQ(off, 7);
    apconn__jv_init(&v, 0, 0);
    for (i = 0, st = APCONN_OK; i < n && st == APCONN_OK; i++) {
        pos = i;
        st = apconn__jv_run(&v, (const unsigned char *)text, &pos, i + 1, 0, &ev, &at);
    }
    CHECK_EQ(st, APCONN_ERR_JSON_UTF8);
    CHECK_EQ(at, 7);
}

int main(void) {
    RUN(accepted_documents_validate);
    RUN(rejected_documents_fail);
    RUN(overlong_forms_are_invalid_utf8);
    RUN(every_utf8_surrogate_is_invalid);
    RUN(code_point_limit_is_u10ffff);
    RUN(forbidden_lead_bytes_are_invalid);
    RUN(truncated_sequences_at_end_of_input_are_invalid);
    RUN(all_valid_utf8_lengths_pass);
    RUN(bad_escapes_are_json_escape);
    RUN(escaped_nul_is_valid_json);
    RUN(control_bytes_in_strings_are_syntax_errors);
    RUN(depth_limit_is_accepted_and_one_more_refused);
    RUN(deep_objects_count_too);
    RUN(error_offsets_point_at_the_problem);
    RUN(input_that_ends_is_judged_by_the_state_it_ends_in_with_its_offset);
    RUN(length_bounds_the_text);
    RUN(null_text_is_an_argument_error);
    RUN(nul_after_a_lead_byte_is_invalid_utf8_not_a_separator);
    return harness_summary("json_validate");
}
