/* Edges of the reader: the arguments of apconn_parse_connection,
   apconn_parse_page, apconn_parse_error_body and apconn_ids_next; id and
   enum fields with bytes the tables refuse; an error body's params rendered
   into a message that runs out of room at each of its pieces. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "harness.h"
#include <limits.h>

static apconn_token tok[64];
static apconn_connection conn;
static apconn_error err;
static char json[1024];

static apconn_status parse(const char *text) {
    strcpy(json, text);
    return apconn_parse_connection(json, strlen(json), tok, 64, &conn, &err);
}

/* ----- id and enum fields ----------------------------------------------------- */
static void id_with_a_non_ascii_byte_is_refused_like_any_other_id_byte(void) {
    CHECK_EQ(parse("{\"id\":\"Ab\xC3\xA9\"}"), APCONN_ERR_JSON_ENUM);
    CHECK_STR(err.field, "id");
    CHECK_EQ(err.offset, 7); /* the string's first byte */
    CHECK(conn.id == NULL);
}

static void enum_spelled_as_an_escaped_nul_is_out_of_the_set(void) {
    CHECK_EQ(parse("{\"id\":\"A\",\"type\":\"\\u0000\"}"), APCONN_ERR_JSON_ENUM);
    CHECK_STR(err.field, "type");
    CHECK_EQ(err.offset, 18);
    CHECK_EQ(conn.type, APCONN_TYPE_UNKNOWN);
}

static void first_bad_project_id_stops_the_walk_and_is_named(void) {
    CHECK_EQ(parse("{\"id\":\"A\",\"projectIds\":[\"b@d\",\"ok\",\"b!d\"]}"), APCONN_ERR_JSON_ENUM);
    CHECK_STR(err.field, "projectIds[0]");
    CHECK_EQ(err.offset, 25);
    CHECK_EQ(parse("{\"id\":\"A\",\"projectIds\":[\"ok\",7,\"b@d\"]}"), APCONN_ERR_JSON_TYPE);
    CHECK_STR(err.field, "projectIds[1]");
}

#if SIZE_MAX > UINT_MAX
/* jsmn counts tokens in unsigned int: a larger count is clamped, never
   wrapped (2^32 would wrap to 0 and fail as "too many tokens"). The array
   passed is only as long as this text needs: jsmn writes no more. */
static void token_count_beyond_unsigned_int_is_clamped_not_wrapped(void) {
    size_t huge = (size_t)UINT_MAX + 1u;
    strcpy(json, "{\"id\":\"A\",\"displayName\":\"d\"}");
    CHECK_EQ(apconn_parse_connection(json, strlen(json), tok, huge, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, "A");
    CHECK_STR(conn.display_name, "d");
}
#endif

/* ----- apconn_parse_connection arguments ------------------------------------- */
static void parse_connection_refuses_missing_arguments(void) {
    strcpy(json, "{\"id\":\"A\"}");
    CHECK_EQ(apconn_parse_connection(json, 10, tok, 0, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(err.status, APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_connection(json, (size_t)INT_MAX, tok, 64, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_connection(NULL, 10, tok, 64, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_connection(json, 10, NULL, 64, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_connection(json, 10, tok, 64, NULL, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_connection(json, 10, tok, 64, &conn, NULL), APCONN_OK);
    CHECK_STR(conn.id, "A");
}

static void text_after_the_connection_object_is_malformed(void) {
    CHECK_EQ(parse("{\"id\":\"A\"} x"), APCONN_ERR_JSON_SYNTAX);
    CHECK_EQ(err.offset, 11);
    CHECK(conn.id == NULL);
    CHECK_EQ(parse("{\"id\":\"A\"} \r\n\t"), APCONN_OK);
}

/* ----- apconn_parse_page arguments ----------------------------------------- */
static void parse_page_refuses_missing_arguments(void) {
    static unsigned char w[64];
    apconn_page page;
    const char *body = "{\"data\":[]}";
    size_t n = strlen(body);
    CHECK_EQ(apconn_parse_page(NULL, n, w, sizeof w, tok, 64, &page, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page(body, n, NULL, sizeof w, tok, 64, &page, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page(body, n, w, 1, tok, 64, &page, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page(body, n, w, (size_t)INT_MAX + 1u, tok, 64, &page, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page(body, n, w, sizeof w, NULL, 64, &page, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page(body, n, w, sizeof w, tok, 0, &page, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(err.status, APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page(body, n, w, sizeof w, tok, 64, NULL, &err), APCONN_ERR_ARGUMENT);
    /* a page a failed parse left has no items */
    CHECK_EQ(apconn_parse_page(body, n, w, sizeof w, tok, 0, &page, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    CHECK(apconn_page_done(&page));
}

/* ----- apconn_ids_next ---------------------------------------------------- */
static void ids_next_without_ids_or_id_ends_the_walk(void) {
    apconn_ids none;
    memset(&none, 0, sizeof none);
    CHECK_EQ(parse("{\"id\":\"A\",\"projectIds\":[\"p1\",\"p2\"]}"), APCONN_OK);
    CHECK_STR(apconn_ids_next(&conn.project_ids, conn.project_ids.first), "p2");
    CHECK(apconn_ids_next(NULL, conn.project_ids.first) == NULL);
    CHECK(apconn_ids_next(&conn.project_ids, NULL) == NULL);
    CHECK(apconn_ids_next(&none, conn.project_ids.first) == NULL); /* absent array: no walk */
    CHECK(apconn_ids_next(&conn.flow_ids, conn.project_ids.first) == NULL);
}

/* ----- apconn_parse_error_body -------------------------------------------- */
#ifndef APCONN_NO_ERROR_DETAILS
static apconn_status error_body(const char *text) {
    memset(&err, 0, sizeof err);
    strcpy(json, text);
    return apconn_parse_error_body(json, strlen(json), tok, 64, &err);
}

static void error_body_refuses_missing_arguments(void) {
    strcpy(json, "{\"code\":\"E\",\"params\":{}}");
    CHECK_EQ(apconn_parse_error_body(NULL, 5, tok, 64, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_error_body(json, strlen(json), NULL, 64, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_error_body(json, (size_t)INT_MAX, tok, 64, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_error_body(json, strlen(json), tok, 64, NULL), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_error_body(json, strlen(json), tok, 64, &err), APCONN_OK);
    CHECK_STR(err.code, "E");
}

/* Fastify's statusCode must be a non-negative number to be trusted. */
static void fastify_body_with_a_negative_status_code_is_not_an_error_body(void) {
    CHECK_EQ(error_body("{\"statusCode\":-1,\"error\":\"Bad\",\"message\":\"m\"}"), APCONN_ERR_UNEXPECTED_RESPONSE);
    CHECK_EQ(error_body("{\"statusCode\":true,\"error\":\"Bad\",\"message\":\"m\"}"), APCONN_ERR_UNEXPECTED_RESPONSE);
    CHECK_EQ(error_body("{\"statusCode\":400,\"error\":\"Bad\",\"message\":\"m\"}"), APCONN_OK);
    CHECK_STR(err.code, "Bad");
    CHECK_STR(err.message, "m");
}

/* params rendered as "k=v k=v" into err->message (255 bytes of text): the
   first piece that does not fit ends it, and message_truncated says so. */
static void params_render(size_t first_len, const char *want_tail) {
    char body[600], want[APCONN_ERROR_MESSAGE_SIZE];
    size_t n;
    strcpy(body, "{\"code\":\"E\",\"params\":{\"a\":\"");
    n = strlen(body);
    memset(body + n, 'x', first_len);
    strcpy(body + n + first_len, "\",\"b\":\"y\",\"c\":2}}");
    CHECK_EQ(error_body(body), APCONN_OK);
    strcpy(want, "a=");
    memset(want + 2, 'x', first_len);
    strcpy(want + 2 + first_len, want_tail);
    CHECK_STR(err.message, want);
    CHECK_EQ(strlen(err.message), 255);
    CHECK_EQ(err.message_truncated, 1);
    CHECK_STR(err.code, "E");
}
static void params_that_fill_the_message_stop_before_the_separator(void) { params_render(253, ""); }
static void params_that_fill_the_message_stop_at_the_next_key(void) { params_render(252, " "); }
static void params_that_fill_the_message_stop_before_the_equals_sign(void) { params_render(251, " b"); }
static void params_that_fit_are_rendered_whole(void) {
    CHECK_EQ(error_body("{\"code\":\"E\",\"params\":{\"a\":\"x\",\"b\":\"y\",\"c\":2,\"d\":[1]}}"), APCONN_OK);
    CHECK_STR(err.message, "a=x b=y c=2");
    CHECK_EQ(err.message_truncated, 0);
}
#endif

int main(void) {
    RUN(id_with_a_non_ascii_byte_is_refused_like_any_other_id_byte);
    RUN(enum_spelled_as_an_escaped_nul_is_out_of_the_set);
    RUN(first_bad_project_id_stops_the_walk_and_is_named);
#if SIZE_MAX > UINT_MAX
    RUN(token_count_beyond_unsigned_int_is_clamped_not_wrapped);
#endif
    RUN(parse_connection_refuses_missing_arguments);
    RUN(text_after_the_connection_object_is_malformed);
    RUN(parse_page_refuses_missing_arguments);
    RUN(ids_next_without_ids_or_id_ends_the_walk);
#ifndef APCONN_NO_ERROR_DETAILS
    RUN(error_body_refuses_missing_arguments);
    RUN(fastify_body_with_a_negative_status_code_is_not_an_error_body);
    RUN(params_that_fill_the_message_stop_before_the_separator);
    RUN(params_that_fill_the_message_stop_at_the_next_key);
    RUN(params_that_fill_the_message_stop_before_the_equals_sign);
    RUN(params_that_fit_are_rendered_whole);
#endif
    return harness_summary("test_edge_reader");
}
