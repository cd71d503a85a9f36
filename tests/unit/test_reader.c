/* Reader: connection objects (README.md, "Server contract") into views
   (strings decoded in place, arrays walked, metadata as its own JSON text),
   every field kind, every error naming its field path and byte offset; pages
   read from memory through a work buffer; error bodies (`code`/`params` and
   Fastify's). Streaming over HTTP is test_stream.c. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "harness.h"
#include "spec_example.h"
#include <stdio.h>

static apconn_token tokens[APCONN_TOKEN_COUNT];
static apconn_token many_tokens[4096];
static apconn_connection conn;
static apconn_error err;
static char doc_[65536];
static char mut[65536]; /* apconn_parse_connection decodes in place: a writable copy */
static size_t mut_len;
static unsigned char work[8192];

static const char spec_page[] = "{\"data\":[" SPEC_ITEM "],\"next\":null,\"previous\":null}";

static apconn_status parse_n(const char *json, size_t n, apconn_token *toks, size_t count) {
    memcpy(mut, json, n);
    mut[n] = '\x7f'; /* a byte past the text: the reader must not need a NUL there */
    mut_len = n;
    return apconn_parse_connection(mut, n, toks, count, &conn, &err);
}
static apconn_status parse(const char *json) { return parse_n(json, strlen(json), tokens, APCONN_TOKEN_COUNT); }

/* {"id":"abc", <member>} */
static apconn_status parse_with(const char *member) {
    snprintf(doc_, sizeof doc_, "{\"id\":\"abc\",%s}", member);
    return parse(doc_);
}

/* A view lies inside the text it was decoded from, NUL-terminated there. */
static int in_mut(const char *p) { return p && p >= mut && p + strlen(p) < mut + mut_len; }
static int in_work(const char *p) {
    return p && p >= (const char *)work && p + strlen(p) < (const char *)work + sizeof work;
}

/* The i-th id of a walk, NULL past the end. */
static const char *ids_at(const apconn_ids *ids, size_t i) {
    const char *id = ids->first;
    while (id && i--) id = apconn_ids_next(ids, id);
    return id;
}
static size_t ids_walked(const apconn_ids *ids) {
    size_t n = 0;
    const char *id;
    for (id = ids->first; id; id = apconn_ids_next(ids, id)) n++;
    return n;
}
static int all_zero(const void *p, size_t n) {
    const unsigned char *b = (const unsigned char *)p;
    while (n--)
        if (*b++) return 0;
    return 1;
}

/* ---- pages from memory ---- */
static apconn_page page;
static apconn_status parse_page_n(const char *json, size_t n) {
    return apconn_parse_page(json, n, work, sizeof work, tokens, APCONN_TOKEN_COUNT, &page, &err);
}
static apconn_status parse_page(const char *json) { return parse_page_n(json, strlen(json)); }
/* How the page ends: the first status that is not APCONN_OK, from
   apconn_parse_page or from the items (an error in the body may be found at
   the start or while streaming: both are allowed). Items read are counted. */
static int page_items;
static apconn_status page_end(const char *json) {
    apconn_status st = parse_page(json);
    int guard = 0;
    page_items = 0;
    while (st == APCONN_OK && guard++ < 1000) {
        st = apconn_page_next(&page, &conn, &err);
        if (st == APCONN_OK) page_items++;
    }
    return st;
}

static void check_error(apconn_status got, apconn_status want, const char *field) {
    CHECK_EQ(got, want);
    CHECK_EQ(err.status, want);
    CHECK_STR(err.field, field);
}

static void spec_example_is_mapped_field_by_field(void) {
    CHECK_EQ(parse_page_n(spec_page, sizeof spec_page - 1), APCONN_OK);
    CHECK_EQ(page.count, 0);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_EQ(page.count, 1);
    CHECK_STR(conn.id, "AbCdEfGhIjKlMnOpQrStU");
    CHECK_STR(conn.created, "2025-01-02T03:04:05.000Z"); CHECK_EQ(conn.has_created, APCONN_SET);
    CHECK_STR(conn.updated, "2025-01-02T03:04:05.000Z"); CHECK_EQ(conn.has_updated, APCONN_SET);
    CHECK_STR(conn.external_id, "acme_slack"); CHECK_EQ(conn.has_external_id, APCONN_SET);
    CHECK_STR(conn.display_name, "Acme Slack"); CHECK_EQ(conn.has_display_name, APCONN_SET);
    CHECK_EQ(conn.type, APCONN_TYPE_SECRET_TEXT); CHECK_EQ(conn.has_type, APCONN_SET);
    CHECK_STR(conn.piece_name, "@activepieces/piece-slack"); CHECK_EQ(conn.has_piece_name, APCONN_SET);
    CHECK_EQ(conn.project_ids.count, 1); CHECK_STR(conn.project_ids.first, "Kp3Wn8ZrQa1Lm5Tx7Vb2C");
    CHECK(apconn_ids_next(&conn.project_ids, conn.project_ids.first) == NULL);
    CHECK_EQ(conn.has_project_ids, APCONN_SET);
    CHECK_STR(conn.platform_id, "Pl4tF0rmId000000000aa"); CHECK_EQ(conn.has_platform_id, APCONN_SET);
    CHECK_EQ(conn.scope, APCONN_SCOPE_PLATFORM); CHECK_EQ(conn.has_scope, APCONN_SET);
    CHECK_EQ(conn.status, APCONN_CONN_STATUS_ACTIVE); CHECK_EQ(conn.has_status, APCONN_SET);
    CHECK_STR(conn.owner_id, "U5er0000000000000000a"); CHECK_EQ(conn.has_owner_id, APCONN_SET);
    CHECK_EQ(conn.has_owner, APCONN_SET);
    CHECK_STR(conn.owner.id, "U5er0000000000000000a");
    CHECK_STR(conn.owner.email, "admin@acme.io"); CHECK_EQ(conn.owner.has_email, APCONN_SET);
    CHECK_STR(conn.owner.first_name, "Ada"); CHECK_EQ(conn.owner.has_first_name, APCONN_SET);
    CHECK_STR(conn.owner.last_name, "Li"); CHECK_EQ(conn.owner.has_last_name, APCONN_SET);
    CHECK_EQ(conn.owner.status, APCONN_USER_ACTIVE); CHECK_EQ(conn.owner.has_status, APCONN_SET);
    CHECK_EQ(conn.owner.platform_role, APCONN_ROLE_ADMIN); CHECK_EQ(conn.owner.has_platform_role, APCONN_SET);
    CHECK_EQ(conn.owner.has_external_id, APCONN_NULL); CHECK(conn.owner.external_id == NULL);
    CHECK_STR(conn.owner.platform_id, "Pl4tF0rmId000000000aa"); CHECK_EQ(conn.owner.has_platform_id, APCONN_SET);
    CHECK_STR(conn.owner.created, "2024-06-01T00:00:00.000Z"); CHECK_EQ(conn.owner.has_created, APCONN_SET);
    CHECK_STR(conn.owner.updated, "2024-06-01T00:00:00.000Z"); CHECK_EQ(conn.owner.has_updated, APCONN_SET);
    CHECK_EQ(conn.owner.has_last_active_date, APCONN_ABSENT); CHECK(conn.owner.last_active_date == NULL);
    CHECK_EQ(conn.owner.has_image_url, APCONN_ABSENT); CHECK(conn.owner.image_url == NULL);
    CHECK_EQ(conn.has_metadata, APCONN_NULL); CHECK(conn.metadata == NULL);
    CHECK_EQ(conn.has_flow_ids, APCONN_SET); CHECK_EQ(conn.flow_ids.count, 0); CHECK(conn.flow_ids.first == NULL);
    CHECK_STR(conn.piece_version, "0.9.1"); CHECK_EQ(conn.has_piece_version, APCONN_SET);
    CHECK_EQ(conn.pre_select_for_new_projects, 0); CHECK_EQ(conn.has_pre_select_for_new_projects, APCONN_SET);
    CHECK_EQ(conn.using_secret_manager, 0); CHECK_EQ(conn.has_using_secret_manager, APCONN_SET);
    /* every view lives in the work buffer */
    CHECK(in_work(conn.id) && in_work(conn.display_name) && in_work(conn.owner.email) && in_work(conn.project_ids.first));
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    CHECK_EQ(page.count, 1);
    CHECK_EQ(page.has_next, APCONN_NULL); CHECK(page.next == NULL);
    CHECK_EQ(page.has_previous, APCONN_NULL); CHECK(page.previous == NULL);
    CHECK(all_zero(&conn, sizeof conn)); /* *out is all zero unless APCONN_OK */
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
}

static void only_id_is_required_and_absent_fields_read_absent(void) {
    CHECK_EQ(parse("{\"id\":\"abc\"}"), APCONN_OK);
    CHECK_STR(conn.id, "abc");
    CHECK_EQ(conn.has_display_name, APCONN_ABSENT); CHECK(conn.display_name == NULL);
    CHECK_EQ(conn.has_owner, APCONN_ABSENT); CHECK(conn.owner.id == NULL);
    CHECK_EQ(conn.has_project_ids, APCONN_ABSENT); CHECK(conn.project_ids.first == NULL);
    CHECK_EQ(conn.project_ids.count, 0);
    CHECK_EQ(conn.has_metadata, APCONN_ABSENT); CHECK(conn.metadata == NULL);
    CHECK_EQ(conn.type, APCONN_TYPE_UNKNOWN);
}

/* parse_connection decodes in place: the views point into the caller's text. */
static void connection_views_point_into_the_callers_text(void) {
    CHECK_EQ(parse("{\"id\":\"abc\",\"displayName\":\"a\\nb\",\"projectIds\":[\"p1\",\"p2\"],"
                   "\"owner\":{\"id\":\"o\",\"email\":\"e\"},\"metadata\":{\"k\":1}}"),
             APCONN_OK);
    CHECK(in_mut(conn.id));
    CHECK(in_mut(conn.display_name));
    CHECK_STR(conn.display_name, "a\nb");
    CHECK(in_mut(conn.project_ids.first) && in_mut(ids_at(&conn.project_ids, 1)));
    CHECK(in_mut(conn.owner.id) && in_mut(conn.owner.email));
    CHECK(in_mut(conn.metadata));
    CHECK_STR(conn.metadata, "{\"k\":1}");
}

static void key_order_does_not_matter(void) {
    CHECK_EQ(parse("{\"usingSecretManager\":true,\"type\":\"NO_AUTH\",\"id\":\"Z9\",\"preSelectForNewProjects\":true}"),
             APCONN_OK);
    CHECK_STR(conn.id, "Z9");
    CHECK_EQ(conn.type, APCONN_TYPE_NO_AUTH);
    CHECK_EQ(conn.pre_select_for_new_projects, 1);
    CHECK_EQ(conn.using_secret_manager, 1);
}

static void unknown_keys_are_ignored_at_any_depth(void) {
    CHECK_EQ(parse("{\"x\":{\"id\":\"no\",\"a\":[{\"b\":[[],{}]},1,\"s\"]},\"id\":\"abc\",\"y\":[[[\"id\"]]],"
                   "\"owner\":{\"deep\":{\"id\":{\"id\":1}},\"id\":\"own\",\"zz\":[1,{\"email\":2}],\"email\":\"e@x\"},"
                   "\"projects\":[{\"id\":\"p\",\"displayName\":\"n\"}],\"displayName\":\"D\",\"z\":null}"),
             APCONN_OK);
    CHECK_STR(conn.id, "abc");
    CHECK_STR(conn.owner.id, "own");
    CHECK_STR(conn.owner.email, "e@x");
    CHECK_STR(conn.display_name, "D");
}

static void null_fields_read_null_and_stay_empty(void) {
    CHECK_EQ(parse_with("\"platformId\":null,\"owner\":null,\"flowIds\":null,\"type\":null,\"displayName\":null"),
             APCONN_OK);
    CHECK_EQ(conn.has_platform_id, APCONN_NULL); CHECK(conn.platform_id == NULL);
    CHECK_EQ(conn.has_owner, APCONN_NULL); CHECK(conn.owner.id == NULL);
    CHECK_EQ(conn.has_flow_ids, APCONN_NULL); CHECK(conn.flow_ids.first == NULL); CHECK_EQ(conn.flow_ids.count, 0);
    CHECK_EQ(conn.has_type, APCONN_NULL); CHECK_EQ(conn.type, APCONN_TYPE_UNKNOWN);
    CHECK_EQ(conn.has_display_name, APCONN_NULL); CHECK(conn.display_name == NULL);
}

/* Absent, null and set stay distinct for every optional field. */
static void absent_null_and_set_are_distinct_for_every_field(void) {
    static const char *const all_null =
        "{\"id\":\"a\",\"created\":null,\"updated\":null,\"externalId\":null,\"displayName\":null,\"pieceName\":null,"
        "\"pieceVersion\":null,\"type\":null,\"scope\":null,\"status\":null,\"preSelectForNewProjects\":null,"
        "\"usingSecretManager\":null,\"projectIds\":null,\"platformId\":null,\"ownerId\":null,\"owner\":null,"
        "\"metadata\":null,\"flowIds\":null}";
    static const char *const owner_null =
        "{\"id\":\"a\",\"owner\":{\"id\":\"o\",\"email\":null,\"firstName\":null,\"lastName\":null,\"created\":null,"
        "\"updated\":null,\"status\":null,\"platformRole\":null,\"externalId\":null,\"platformId\":null,"
        "\"lastActiveDate\":null,\"imageUrl\":null}}";
    static const char *const owner_set =
        "{\"id\":\"a\",\"owner\":{\"id\":\"o\",\"email\":\"e\",\"firstName\":\"f\",\"lastName\":\"l\",\"created\":\"c\","
        "\"updated\":\"u\",\"status\":\"INACTIVE\",\"platformRole\":\"MEMBER\",\"externalId\":\"x\",\"platformId\":\"p\","
        "\"lastActiveDate\":\"d\",\"imageUrl\":\"https:\\/\\/i\"}}";
    const apconn_owner *o = &conn.owner;
    CHECK_EQ(parse(all_null), APCONN_OK);
    CHECK(conn.has_created == APCONN_NULL && conn.has_updated == APCONN_NULL && conn.has_external_id == APCONN_NULL &&
          conn.has_display_name == APCONN_NULL && conn.has_piece_name == APCONN_NULL &&
          conn.has_piece_version == APCONN_NULL && conn.has_type == APCONN_NULL && conn.has_scope == APCONN_NULL &&
          conn.has_status == APCONN_NULL && conn.has_pre_select_for_new_projects == APCONN_NULL &&
          conn.has_using_secret_manager == APCONN_NULL && conn.has_project_ids == APCONN_NULL &&
          conn.has_platform_id == APCONN_NULL && conn.has_owner_id == APCONN_NULL && conn.has_owner == APCONN_NULL &&
          conn.has_metadata == APCONN_NULL && conn.has_flow_ids == APCONN_NULL);
    CHECK(!conn.created && !conn.updated && !conn.external_id && !conn.display_name && !conn.piece_name &&
          !conn.piece_version && !conn.platform_id && !conn.owner_id && !conn.metadata && !conn.project_ids.first &&
          !conn.flow_ids.first);
    CHECK_EQ(parse("{\"id\":\"a\"}"), APCONN_OK);
    CHECK(conn.has_created == APCONN_ABSENT && conn.has_updated == APCONN_ABSENT && conn.has_external_id == APCONN_ABSENT &&
          conn.has_display_name == APCONN_ABSENT && conn.has_piece_name == APCONN_ABSENT &&
          conn.has_piece_version == APCONN_ABSENT && conn.has_type == APCONN_ABSENT && conn.has_scope == APCONN_ABSENT &&
          conn.has_status == APCONN_ABSENT && conn.has_pre_select_for_new_projects == APCONN_ABSENT &&
          conn.has_using_secret_manager == APCONN_ABSENT && conn.has_project_ids == APCONN_ABSENT &&
          conn.has_platform_id == APCONN_ABSENT && conn.has_owner_id == APCONN_ABSENT &&
          conn.has_owner == APCONN_ABSENT && conn.has_metadata == APCONN_ABSENT && conn.has_flow_ids == APCONN_ABSENT);
    CHECK_EQ(parse(owner_null), APCONN_OK);
    CHECK_EQ(conn.has_owner, APCONN_SET);
    CHECK_STR(o->id, "o");
    CHECK(o->has_email == APCONN_NULL && o->has_first_name == APCONN_NULL && o->has_last_name == APCONN_NULL &&
          o->has_created == APCONN_NULL && o->has_updated == APCONN_NULL && o->has_status == APCONN_NULL &&
          o->has_platform_role == APCONN_NULL && o->has_external_id == APCONN_NULL &&
          o->has_platform_id == APCONN_NULL && o->has_last_active_date == APCONN_NULL &&
          o->has_image_url == APCONN_NULL);
    CHECK(!o->email && !o->first_name && !o->last_name && !o->created && !o->updated && !o->external_id &&
          !o->platform_id && !o->last_active_date && !o->image_url);
    CHECK_EQ(parse("{\"id\":\"a\",\"owner\":{\"id\":\"o\"}}"), APCONN_OK);
    CHECK(o->has_email == APCONN_ABSENT && o->has_first_name == APCONN_ABSENT && o->has_last_name == APCONN_ABSENT &&
          o->has_created == APCONN_ABSENT && o->has_updated == APCONN_ABSENT && o->has_status == APCONN_ABSENT &&
          o->has_platform_role == APCONN_ABSENT && o->has_external_id == APCONN_ABSENT &&
          o->has_platform_id == APCONN_ABSENT && o->has_last_active_date == APCONN_ABSENT &&
          o->has_image_url == APCONN_ABSENT);
    CHECK_EQ(parse(owner_set), APCONN_OK);
    CHECK(o->has_email == APCONN_SET && o->has_first_name == APCONN_SET && o->has_last_name == APCONN_SET &&
          o->has_created == APCONN_SET && o->has_updated == APCONN_SET && o->has_status == APCONN_SET &&
          o->has_platform_role == APCONN_SET && o->has_external_id == APCONN_SET && o->has_platform_id == APCONN_SET &&
          o->has_last_active_date == APCONN_SET && o->has_image_url == APCONN_SET);
    CHECK_STR(o->email, "e"); CHECK_STR(o->first_name, "f"); CHECK_STR(o->last_name, "l");
    CHECK_STR(o->created, "c"); CHECK_STR(o->updated, "u"); CHECK_STR(o->external_id, "x");
    CHECK_STR(o->platform_id, "p"); CHECK_STR(o->last_active_date, "d"); CHECK_STR(o->image_url, "https://i");
    CHECK_EQ(o->status, APCONN_USER_INACTIVE); CHECK_EQ(o->platform_role, APCONN_ROLE_MEMBER);
}

static void escapes_and_surrogate_pairs_are_decoded(void) {
    CHECK_EQ(parse_with("\"displayName\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u20AC\\ud83d\\ude00\xf0\x9f\x98\x80\""),
             APCONN_OK);
    CHECK_STR(conn.display_name, "a\"b\\c/d\b\f\n\r\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf0\x9f\x98\x80");
}

static void escapes_above_the_surrogates_decode_to_three_and_four_utf8_bytes(void) {
    CHECK_EQ(parse("{\"id\":\"A\",\"displayName\":\"\\uFFFD\\ue000\\uDBFF\\uDFFFx\"}"), APCONN_OK);
    CHECK_EQ(conn.has_display_name, APCONN_SET);
    CHECK_STR(conn.display_name, "\xEF\xBF\xBD\xEE\x80\x80\xF4\x8F\xBF\xBFx");
}

/* metadata is the object's own JSON text as the server sent it: whitespace
   and escapes inside it are kept, it is valid JSON on its own. */
static void metadata_is_its_own_json_text(void) {
    const char *text = "{ \"accountIdentifier\" : \"a b\\\" c\" , \"n\" : [ 1 , 2 ] }";
    char member[256];
    snprintf(member, sizeof member, "\"metadata\":%s,\"displayName\":\"d\"", text);
    CHECK_EQ(parse_with(member), APCONN_OK);
    CHECK_STR(conn.metadata, text);
    CHECK_EQ(conn.has_metadata, APCONN_SET);
    CHECK_STR(conn.display_name, "d"); /* terminating metadata did not eat the next member */
}

static void metadata_text_keeps_escapes_and_spaces_inside_strings(void) {
    const char *text = "{\"k\" : \"a\\\\\" , \" b c\" : \"x \\\" y \\u00e9\\n\" }";
    char member[256];
    snprintf(member, sizeof member, "\"metadata\":%s", text);
    CHECK_EQ(parse_with(member), APCONN_OK);
    CHECK_STR(conn.metadata, text);
    CHECK_EQ(apconn_json_validate(conn.metadata, strlen(conn.metadata)), APCONN_OK);
}

static void wrong_types_fail_for_each_field_kind(void) {
    check_error(parse_with("\"displayName\":1"), APCONN_ERR_JSON_TYPE, "displayName");
    check_error(parse_with("\"platformId\":[]"), APCONN_ERR_JSON_TYPE, "platformId");
    check_error(parse_with("\"type\":7"), APCONN_ERR_JSON_TYPE, "type");
    check_error(parse_with("\"preSelectForNewProjects\":\"true\""), APCONN_ERR_JSON_TYPE, "preSelectForNewProjects");
    check_error(parse_with("\"usingSecretManager\":0"), APCONN_ERR_JSON_TYPE, "usingSecretManager");
    check_error(parse_with("\"projectIds\":{}"), APCONN_ERR_JSON_TYPE, "projectIds");
    check_error(parse_with("\"projectIds\":[\"a\",\"b\",\"c\",7]"), APCONN_ERR_JSON_TYPE, "projectIds[3]");
    check_error(parse_with("\"flowIds\":[null]"), APCONN_ERR_JSON_TYPE, "flowIds[0]");
    check_error(parse_with("\"metadata\":[1]"), APCONN_ERR_JSON_TYPE, "metadata");
    check_error(parse_with("\"metadata\":\"{}\""), APCONN_ERR_JSON_TYPE, "metadata");
    check_error(parse_with("\"owner\":\"me\""), APCONN_ERR_JSON_TYPE, "owner");
    check_error(parse_with("\"owner\":{\"id\":\"o\",\"email\":false}"), APCONN_ERR_JSON_TYPE, "owner.email");
    check_error(parse("{\"id\":5}"), APCONN_ERR_JSON_TYPE, "id");
    check_error(parse("[{\"id\":\"a\"}]"), APCONN_ERR_JSON_TYPE, "");
}

static void error_offset_points_at_the_value(void) {
    const char *json = "{\"id\":\"abc\",\"displayName\":1}";
    CHECK_EQ(parse(json), APCONN_ERR_JSON_TYPE);
    CHECK_EQ(err.offset, (size_t)(strchr(json, '1') - json));
}

/* *out is all zero unless APCONN_OK: no half-mapped views survive an error. */
static void failed_parse_leaves_no_views(void) {
    CHECK_EQ(parse_with("\"displayName\":\"d\",\"projectIds\":[\"a\"],\"type\":\"BAD\""), APCONN_ERR_JSON_ENUM);
    CHECK(all_zero(&conn, sizeof conn));
}

static void unknown_enum_values_fail_naming_the_field(void) {
    check_error(parse_with("\"type\":\"PLACEHOLDER\""), APCONN_ERR_JSON_ENUM, "type");
    check_error(parse_with("\"scope\":\"platform\""), APCONN_ERR_JSON_ENUM, "scope");
    check_error(parse_with("\"status\":\"\""), APCONN_ERR_JSON_ENUM, "status");
    check_error(parse_with("\"status\":\"ACTIVEACTIVEACTIVEACTIVEACTIVE\""), APCONN_ERR_JSON_ENUM, "status");
    check_error(parse_with("\"owner\":{\"id\":\"o\",\"platformRole\":\"ROOT\"}"), APCONN_ERR_JSON_ENUM, "owner.platformRole");
    check_error(parse_with("\"owner\":{\"id\":\"o\",\"status\":\"ACTIVE \"}"), APCONN_ERR_JSON_ENUM, "owner.status");
}

static void every_enum_name_is_mapped(void) {
    static const char *const types[] = {"SECRET_TEXT", "BASIC_AUTH", "CUSTOM_AUTH", "OAUTH2",
                                        "CLOUD_OAUTH2", "PLATFORM_OAUTH2", "OIDC", "NO_AUTH"};
    static const char *const statuses[] = {"ACTIVE", "MISSING", "ERROR"};
    char member[64];
    int i;
    for (i = 0; i < 8; i++) {
        snprintf(member, sizeof member, "\"type\":\"%s\"", types[i]);
        CHECK_EQ(parse_with(member), APCONN_OK);
        CHECK_EQ(conn.type, i + 1);
    }
    for (i = 0; i < 3; i++) {
        snprintf(member, sizeof member, "\"status\":\"%s\"", statuses[i]);
        CHECK_EQ(parse_with(member), APCONN_OK);
        CHECK_EQ(conn.status, 1 << i);
    }
    CHECK_EQ(parse_with("\"scope\":\"PROJECT\",\"owner\":{\"id\":\"o\",\"status\":\"INACTIVE\",\"platformRole\":\"OPERATOR\"}"),
             APCONN_OK);
    CHECK_EQ(conn.scope, APCONN_SCOPE_PROJECT);
    CHECK_EQ(conn.owner.status, APCONN_USER_INACTIVE);
    CHECK_EQ(conn.owner.platform_role, APCONN_ROLE_OPERATOR);
}

/* The id is the member spelled "id", not one that decodes to it, and only a string. */
#define SOME_ID "AbCdEfGhIjKlMnOpQrStU"
static void escaped_spelling_of_id_is_not_the_id(void) {
    char json[] = "{\"i\\u0064\":\"" SOME_ID "\"}";
    CHECK_EQ(apconn_parse_connection(json, strlen(json), tokens, APCONN_TOKEN_COUNT, &conn, &err), APCONN_ERR_JSON_MISSING);
    CHECK_STR(err.field, "id");
}
static void number_or_object_where_an_id_belongs_is_a_type_error(void) {
    char json[] = "{\"id\":123456789012345678901234567890}", json2[] = "{\"id\":{\"id\":\"" SOME_ID "\"}}";
    CHECK_EQ(apconn_parse_connection(json, strlen(json), tokens, APCONN_TOKEN_COUNT, &conn, &err), APCONN_ERR_JSON_TYPE);
    CHECK_EQ(apconn_parse_connection(json2, strlen(json2), tokens, APCONN_TOKEN_COUNT, &conn, &err), APCONN_ERR_JSON_TYPE);
    CHECK_STR(err.field, "id");
}

static void missing_or_null_id_is_refused(void) {
    check_error(parse("{\"displayName\":\"x\"}"), APCONN_ERR_JSON_MISSING, "id");
    check_error(parse("{\"id\":null}"), APCONN_ERR_JSON_MISSING, "id");
    check_error(parse("{}"), APCONN_ERR_JSON_MISSING, "id");
    check_error(parse_with("\"owner\":{\"email\":\"a@b\"}"), APCONN_ERR_JSON_MISSING, "owner.id");
}

static void escaped_nul_in_a_field_is_refused(void) {
    check_error(parse_with("\"displayName\":\"a\\u0000b\""), APCONN_ERR_JSON_NUL, "displayName");
    check_error(parse_with("\"owner\":{\"id\":\"o\",\"email\":\"\\u0000\"}"), APCONN_ERR_JSON_NUL, "owner.email");
    check_error(parse_with("\"projectIds\":[\"a\",\"b\\u0000\"]"), APCONN_ERR_JSON_NUL, "projectIds[1]");
}

static void ids_with_unsafe_characters_are_refused(void) {
    check_error(parse("{\"id\":\"ab/../c\"}"), APCONN_ERR_JSON_ENUM, "id");
    check_error(parse_with("\"projectIds\":[\"ok\",\"a b\"]"), APCONN_ERR_JSON_ENUM, "projectIds[1]");
    check_error(parse("{\"id\":\"a\\r\\nb\"}"), APCONN_ERR_JSON_ENUM, "id");
    CHECK_EQ(parse("{\"id\":\"aZ09_-\"}"), APCONN_OK);
}

static void id_with_a_non_ascii_byte_is_refused_at_its_first_byte(void) {
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

static void fill(char *p, char c, size_t n) { memset(p, c, n); p[n] = 0; }

/* Fixed-size fields are gone: values that used to be APCONN_ERR_FIELD_TOO_LONG
   (name > 127, id > 31, metadata > 255, cursor > 255 bytes) read whole. */
static void long_display_name_reads_whole(void) {
    static char name[5001], member[5100];
    fill(name, 'n', 5000);
    name[0] = 'N';
    name[4999] = 'Z';
    snprintf(member, sizeof member, "\"displayName\":\"%s\"", name);
    CHECK_EQ(parse_with(member), APCONN_OK);
    CHECK_STR(conn.display_name, name);
}

static void long_multibyte_text_reads_whole(void) {
    static char member[2200], want[2100];
    size_t n = 0, w = 0, i;
    n += (size_t)snprintf(member, sizeof member, "\"pieceVersion\":\"");
    for (i = 0; i < 500; i++) { /* raw and escaped forms alternate */
        if (i % 2) { memcpy(member + n, "\xc3\xa9", 2); n += 2; }
        else { memcpy(member + n, "\\u00e9", 6); n += 6; }
        memcpy(want + w, "\xc3\xa9", 2); w += 2;
    }
    want[w] = 0;
    memcpy(member + n, "\"", 2);
    CHECK_EQ(parse_with(member), APCONN_OK);
    CHECK_STR(conn.piece_version, want);
}

static void long_id_reads_whole(void) {
    char id[301];
    fill(id, 'a', 300);
    snprintf(doc_, sizeof doc_, "{\"id\":\"%s\"}", id);
    CHECK_EQ(parse(doc_), APCONN_OK);
    CHECK_STR(conn.id, id);
}

static void long_metadata_reads_whole(void) {
    static char value[3001], text[3100], member[3200];
    fill(value, 'm', 3000);
    snprintf(text, sizeof text, "{\"k\":\"%s\",\"n\":[1,{\"x\":null}]}", value);
    snprintf(member, sizeof member, "\"metadata\":%s", text);
    CHECK_EQ(parse_with(member), APCONN_OK);
    CHECK_STR(conn.metadata, text);
}

/* projectIds used to stop at APCONN_MAX_PROJECT_IDS (8): 1,000 are walked. */
static void project_ids_of_any_length_are_walked_in_order(void) {
    char want[32];
    size_t n, i;
    const char *id;
    n = (size_t)snprintf(doc_, sizeof doc_, "{\"id\":\"abc\",\"projectIds\":[");
    for (i = 0; i < 1000; i++) n += (size_t)snprintf(doc_ + n, sizeof doc_ - n, "%s\"p%u\"", i ? "," : "", (unsigned)i);
    n += (size_t)snprintf(doc_ + n, sizeof doc_ - n, "],\"flowIds\":[\"f0\",\"f1\",\"f2\"]}");
    CHECK_EQ(parse_n(doc_, n, many_tokens, sizeof many_tokens / sizeof many_tokens[0]), APCONN_OK);
    CHECK_EQ(conn.project_ids.count, 1000);
    CHECK_EQ(ids_walked(&conn.project_ids), 1000);
    for (i = 0, id = conn.project_ids.first; id && i < 1000; i++, id = apconn_ids_next(&conn.project_ids, id)) {
        snprintf(want, sizeof want, "p%u", (unsigned)i);
        CHECK_STR(id, want);
        CHECK(in_mut(id));
    }
    CHECK_EQ(conn.flow_ids.count, 3);
    CHECK_STR(ids_at(&conn.flow_ids, 0), "f0");
    CHECK_STR(ids_at(&conn.flow_ids, 2), "f2");
    CHECK(ids_at(&conn.flow_ids, 3) == NULL);
}

static void ids_with_escapes_are_decoded_and_walked(void) {
    CHECK_EQ(parse_with("\"projectIds\":[\"\\u0061b\",\"\",\"c\\u0064\"]"), APCONN_OK);
    CHECK_EQ(conn.project_ids.count, 3);
    CHECK_STR(ids_at(&conn.project_ids, 0), "ab");
    CHECK_STR(ids_at(&conn.project_ids, 1), "");
    CHECK_STR(ids_at(&conn.project_ids, 2), "cd");
    CHECK(ids_at(&conn.project_ids, 3) == NULL);
}

static void duplicate_known_keys_are_refused(void) {
    check_error(parse("{\"id\":\"a\",\"id\":\"b\"}"), APCONN_ERR_JSON_DUPLICATE, "id");
    check_error(parse_with("\"owner\":{\"id\":\"o\",\"email\":\"a\",\"email\":\"b\"}"), APCONN_ERR_JSON_DUPLICATE,
                "owner.email");
    check_error(parse_with("\"projectIds\":[],\"projectIds\":[\"x\"]"), APCONN_ERR_JSON_DUPLICATE, "projectIds");
    CHECK_EQ(parse_with("\"x\":1,\"x\":2"), APCONN_OK); /* unknown duplicates are ignored */
}

static void invalid_json_is_refused_before_mapping(void) {
    CHECK_EQ(parse("{\"id\":\"abc\",}"), APCONN_ERR_JSON_SYNTAX);
    CHECK_EQ(err.offset, 12);
    CHECK_EQ(parse("{\"id\":\"\xff\"}"), APCONN_ERR_JSON_UTF8);
    CHECK_EQ(err.offset, 7);
    CHECK_EQ(parse("{\"id\":\"\\uD800\"}"), APCONN_ERR_JSON_ESCAPE);
}

static void text_after_the_connection_object_is_malformed_whitespace_is_not(void) {
    CHECK_EQ(parse("{\"id\":\"A\"} x"), APCONN_ERR_JSON_SYNTAX);
    CHECK_EQ(err.offset, 11);
    CHECK(conn.id == NULL);
    CHECK_EQ(parse("{\"id\":\"A\"} \r\n\t"), APCONN_OK);
}

static void too_few_tokens_is_reported_with_the_count_needed(void) {
    const char *json = "{\"id\":\"abc\",\"projectIds\":[\"a\",\"b\"]}";
    CHECK_EQ(parse_n(json, strlen(json), tokens, 7), APCONN_OK);
    CHECK_EQ(parse_n(json, strlen(json), tokens, 6), APCONN_ERR_JSON_TOKENS);
    CHECK_EQ(err.status, APCONN_ERR_JSON_TOKENS);
    CHECK_EQ(err.needed, 7);
}

#if SIZE_MAX > UINT_MAX
/* jsmn counts tokens in unsigned int: a larger count is clamped, never
   wrapped (2^32 would wrap to 0 and fail as "too many tokens"). The array
   passed is only as long as this text needs: jsmn writes no more. */
static void token_count_beyond_unsigned_int_is_clamped_not_wrapped(void) {
    size_t huge = (size_t)UINT_MAX + 1u;
    strcpy(doc_, "{\"id\":\"A\",\"displayName\":\"d\"}");
    CHECK_EQ(apconn_parse_connection(doc_, strlen(doc_), tokens, huge, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, "A");
    CHECK_STR(conn.display_name, "d");
}
#endif

static void nested_too_deep_is_refused(void) {
    char buf[256];
    size_t n = (size_t)snprintf(buf, sizeof buf, "{\"id\":\"a\",\"x\":");
    int i;
    for (i = 0; i < APCONN_JSON_MAX_DEPTH - 1; i++) buf[n++] = '[';
    for (i = 0; i < APCONN_JSON_MAX_DEPTH - 1; i++) buf[n++] = ']';
    buf[n++] = '}';
    buf[n] = 0;
    CHECK_EQ(parse(buf), APCONN_OK);
    n = (size_t)snprintf(buf, sizeof buf, "{\"id\":\"a\",\"x\":");
    for (i = 0; i < APCONN_JSON_MAX_DEPTH; i++) buf[n++] = '[';
    for (i = 0; i < APCONN_JSON_MAX_DEPTH; i++) buf[n++] = ']';
    buf[n++] = '}';
    buf[n] = 0;
    CHECK_EQ(parse(buf), APCONN_ERR_JSON_DEPTH);
}

/* ---- pages ---- */
static void page_items_are_mapped_one_at_a_time(void) {
    CHECK_EQ(parse_page("{\"next\":\"bmV4dA==\",\"data\":[{\"id\":\"a\",\"x\":{\"y\":[1]}},{\"id\":\"b\"},{\"id\":\"c\"}],"
                        "\"previous\":\"cHJldg==\"}"),
             APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK); CHECK_STR(conn.id, "a"); CHECK_EQ(page.count, 1);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK); CHECK_STR(conn.id, "b"); CHECK_EQ(page.count, 2);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK); CHECK_STR(conn.id, "c"); CHECK_EQ(page.count, 3);
    CHECK(in_work(conn.id));
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    CHECK_EQ(page.count, 3);
    CHECK_STR(page.next, "bmV4dA=="); CHECK_EQ(page.has_next, APCONN_SET);
    CHECK_STR(page.previous, "cHJldg=="); CHECK_EQ(page.has_previous, APCONN_SET);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    CHECK_STR(page.next, "bmV4dA==");
}

static void cursors_are_decoded_like_any_string(void) {
    CHECK_EQ(page_end("{\"data\":[],\"next\":\"a\\/b\\u003d\",\"previous\":\"\"}"), APCONN_END);
    CHECK_STR(page.next, "a/b=");
    CHECK_EQ(page.has_previous, APCONN_SET);
    CHECK_STR(page.previous, "");
}

static void empty_page_ends_at_once(void) {
    CHECK_EQ(parse_page("{\"data\":[],\"next\":null,\"previous\":null}"), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    CHECK_EQ(page.count, 0);
}

static void page_item_errors_name_the_item_path(void) {
    CHECK_EQ(parse_page("{\"data\":[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\",\"owner\":{\"id\":\"o\",\"email\":1}},"
                        "{\"id\":\"d\"}]}"),
             APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    check_error(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_TYPE, "data[2].owner.email");
    CHECK_EQ(page.count, 3); /* reported items count */
    CHECK(all_zero(&conn, sizeof conn));
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK); /* a bad item is skipped */
    CHECK_STR(conn.id, "d");
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    CHECK_EQ(page.count, 4);
}

static void page_item_that_is_not_an_object_is_a_type_error(void) {
    CHECK_EQ(parse_page("{\"data\":[{\"id\":\"a\"},[1,2],\"s\",{\"id\":\"c\"}]}"), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    check_error(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_TYPE, "data[1]");
    check_error(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_TYPE, "data[2]");
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, "c");
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
}

/* A page-level error ends the page: it repeats, and no item follows. */
static void check_page_error(const char *json, apconn_status want, const char *field) {
    apconn_status st = page_end(json);
    check_error(st, want, field);
    st = apconn_page_next(&page, &conn, &err);
    CHECK(st != APCONN_OK);
    CHECK(st == want || st == APCONN_END);
}

static void page_needs_a_data_array(void) {
    check_page_error("{\"next\":null}", APCONN_ERR_JSON_MISSING, "data");
    check_page_error("{\"data\":{}}", APCONN_ERR_JSON_TYPE, "data");
    check_page_error("{\"data\":null}", APCONN_ERR_JSON_MISSING, "data");
    check_page_error("[]", APCONN_ERR_JSON_TYPE, "");
    check_page_error("{\"data\":[],\"next\":5}", APCONN_ERR_JSON_TYPE, "next");
    check_page_error("{\"previous\":[],\"data\":[]}", APCONN_ERR_JSON_TYPE, "previous");
    check_page_error("{\"data\":[{\"id\":\"a\"}],\"data\":[{\"id\":\"b\"}]}", APCONN_ERR_JSON_DUPLICATE, "data");
    CHECK(page_items <= 1);
    check_page_error("{\"next\":\"a\",\"data\":[],\"next\":\"b\"}", APCONN_ERR_JSON_DUPLICATE, "next");
}

static void long_cursors_read_whole(void) {
    static char cursor[3001];
    fill(cursor, 'c', 3000);
    snprintf(doc_, sizeof doc_, "{\"data\":[{\"id\":\"a\"}],\"next\":\"%s\",\"previous\":\"%s\"}", cursor, cursor);
    CHECK_EQ(page_end(doc_), APCONN_END);
    CHECK_EQ(page_items, 1);
    CHECK_STR(page.next, cursor);
    CHECK_STR(page.previous, cursor);
}

static void spec_page_replicated_maps_every_item(void) {
    size_t n = (size_t)snprintf(doc_, sizeof doc_, "{\"data\":[");
    int i, count = 0;
    apconn_status st;
    for (i = 0; i < 5; i++) n += (size_t)snprintf(doc_ + n, sizeof doc_ - n, "%s%s", i ? "," : "", SPEC_ITEM);
    snprintf(doc_ + n, sizeof doc_ - n, "],\"next\":\"x\",\"previous\":null}");
    CHECK_EQ(parse_page(doc_), APCONN_OK);
    while ((st = apconn_page_next(&page, &conn, &err)) == APCONN_OK) {
        CHECK_STR(conn.owner.email, "admin@acme.io");
        count++;
    }
    CHECK_EQ(st, APCONN_END);
    CHECK_EQ(count, 5);
    CHECK_STR(page.next, "x");
}

/* The suggested sizes bound one item, not the page: a page many times the
   work buffer is read through them, and (as the header says) 4 KB and 160
   tokens hold a connection shared with 100 projects. */
static void default_sizes_read_a_page_far_larger_than_the_work_buffer(void) {
    static unsigned char small_work[APCONN_WORK_BUFFER_SIZE];
    size_t n = (size_t)snprintf(doc_, sizeof doc_, "{\"data\":[");
    int count = 0, items = 0;
    apconn_status st;
    while (n + strlen(SPEC_ITEM) + 64 < sizeof doc_) {
        n += (size_t)snprintf(doc_ + n, sizeof doc_ - n, "%s%s", items ? "," : "", SPEC_ITEM);
        items++;
    }
    n += (size_t)snprintf(doc_ + n, sizeof doc_ - n, "],\"next\":\"bmV4dA\",\"previous\":null}");
    CHECK(n > 10 * APCONN_WORK_BUFFER_SIZE);
    CHECK_EQ(apconn_parse_page(doc_, n, small_work, sizeof small_work, tokens, APCONN_TOKEN_COUNT, &page, &err),
             APCONN_OK);
    while ((st = apconn_page_next(&page, &conn, &err)) == APCONN_OK) {
        CHECK_STR(conn.id, "AbCdEfGhIjKlMnOpQrStU");
        count++;
    }
    CHECK_EQ(st, APCONN_END);
    CHECK_EQ(count, items);
    CHECK_STR(page.next, "bmV4dA");
}

static void default_sizes_hold_a_connection_shared_with_100_projects(void) {
    static unsigned char small_work[APCONN_WORK_BUFFER_SIZE];
    static const char item[] = SPEC_ITEM, one[] = "\"Kp3Wn8ZrQa1Lm5Tx7Vb2C\"";
    const char *at = strstr(item, one);
    size_t n = (size_t)snprintf(doc_, sizeof doc_, "{\"data\":[%.*s", (int)(at - item), item);
    int i;
    for (i = 0; i < 100; i++) n += (size_t)snprintf(doc_ + n, sizeof doc_ - n, "%s\"Kp3Wn8ZrQa1Lm5Tx7V%03d\"", i ? "," : "", i);
    n += (size_t)snprintf(doc_ + n, sizeof doc_ - n, "%s],\"next\":null,\"previous\":null}", at + strlen(one));
    CHECK(n > 3000);
    CHECK_EQ(apconn_parse_page(doc_, n, small_work, sizeof small_work, tokens, APCONN_TOKEN_COUNT, &page, &err),
             APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_EQ(conn.project_ids.count, 100);
    CHECK_STR(ids_at(&conn.project_ids, 0), "Kp3Wn8ZrQa1Lm5Tx7V000");
    CHECK_STR(ids_at(&conn.project_ids, 99), "Kp3Wn8ZrQa1Lm5Tx7V099");
    CHECK_STR(conn.owner.email, "admin@acme.io");
    CHECK_STR(conn.piece_version, "0.9.1");
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
}

/* ---- error bodies ({"code", "params"} and Fastify's); APCONN_NO_ERROR_DETAILS has no parser (test_error_answers.c
   checks the excerpt it gives instead) ---- */
#ifndef APCONN_NO_ERROR_DETAILS
static apconn_status error_body(const char *json) {
    memset(&err, 0, sizeof err);
    return apconn_parse_error_body(json, strlen(json), tokens, APCONN_TOKEN_COUNT, &err);
}

static void activepieces_error_with_params_message(void) {
    CHECK_EQ(error_body("{\"code\":\"AUTHENTICATION\",\"params\":{\"message\":\"invalid api key\"}}"), APCONN_OK);
    CHECK_STR(err.code, "AUTHENTICATION");
    CHECK_STR(err.message, "invalid api key");
    CHECK_EQ(err.code_truncated, 0);
    CHECK_EQ(err.message_truncated, 0);
}

static void activepieces_error_with_params_error(void) {
    CHECK_EQ(error_body("{\"params\":{\"error\":\"Invalid token\"},\"code\":\"INVALID_APP_CONNECTION\"}"), APCONN_OK);
    CHECK_STR(err.code, "INVALID_APP_CONNECTION");
    CHECK_STR(err.message, "Invalid token");
}

static void activepieces_error_without_message_renders_params(void) {
    CHECK_EQ(error_body("{\"code\":\"ENTITY_NOT_FOUND\",\"params\":{\"entityType\":\"AppConnection\","
                        "\"entityId\":\"AbCdEfGhIjKlMnOpQrStU\",\"n\":3,\"o\":{\"x\":1}}}"),
             APCONN_OK);
    CHECK_STR(err.code, "ENTITY_NOT_FOUND");
    CHECK_STR(err.message, "entityType=AppConnection entityId=AbCdEfGhIjKlMnOpQrStU n=3");
}

static void fastify_error_with_code(void) {
    CHECK_EQ(error_body("{\"statusCode\":400,\"code\":\"FST_ERR_VALIDATION\",\"error\":\"Bad Request\","
                        "\"message\":\"body/value/secret_text Too small: expected string to have >=1 characters\"}"),
             APCONN_OK);
    CHECK_STR(err.code, "FST_ERR_VALIDATION");
    CHECK_STR(err.message, "body/value/secret_text Too small: expected string to have >=1 characters");
}

static void fastify_error_without_code_uses_error(void) {
    CHECK_EQ(error_body("{\"statusCode\":404,\"error\":\"Not Found\",\"message\":\"Route not found\"}"), APCONN_OK);
    CHECK_STR(err.code, "Not Found");
    CHECK_STR(err.message, "Route not found");
}

static void error_body_refuses_missing_arguments_and_an_int_sized_text(void) {
    strcpy(doc_, "{\"code\":\"E\",\"params\":{}}");
    CHECK_EQ(apconn_parse_error_body(NULL, 5, tokens, APCONN_TOKEN_COUNT, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_error_body(doc_, strlen(doc_), NULL, 64, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_error_body(doc_, (size_t)INT_MAX, tokens, APCONN_TOKEN_COUNT, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_error_body(doc_, strlen(doc_), tokens, APCONN_TOKEN_COUNT, NULL), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_error_body(doc_, strlen(doc_), tokens, APCONN_TOKEN_COUNT, &err), APCONN_OK);
    CHECK_STR(err.code, "E");
}

/* Fastify's statusCode must be a non-negative number to be trusted. */
static void fastify_body_needs_a_non_negative_number_as_status_code(void) {
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

static void long_server_text_is_cut_at_a_utf8_boundary(void) {
    char msg[APCONN_ERROR_MESSAGE_SIZE * 2 + 1], code[APCONN_ERROR_CODE_SIZE + 8];
    size_t i;
    for (i = 0; i + 2 <= sizeof msg - 1; i += 2) memcpy(msg + i, "\xc3\xa9", 2);
    msg[i] = 0;
    fill(code, 'C', APCONN_ERROR_CODE_SIZE + 3);
    snprintf(doc_, sizeof doc_, "{\"code\":\"%s\",\"params\":{\"message\":\"x%s\"}}", code, msg);
    CHECK_EQ(error_body(doc_), APCONN_OK);
    CHECK_EQ(err.code_truncated, 1);
    CHECK_EQ(strlen(err.code), APCONN_ERROR_CODE_SIZE - 1);
    CHECK_EQ(err.message_truncated, 1);
    CHECK_EQ(strlen(err.message) % 2, 1); /* "x" + whole 2-byte characters */
    snprintf(doc_, sizeof doc_, "\"%s\"", err.message);
    CHECK_EQ(apconn_json_validate(doc_, strlen(doc_)), APCONN_OK); /* still valid UTF-8 */
}

static void other_bodies_are_unexpected(void) {
    CHECK_EQ(error_body("<html><body>502 Bad Gateway</body></html>"), APCONN_ERR_UNEXPECTED_RESPONSE);
    CHECK_EQ(error_body("[]"), APCONN_ERR_UNEXPECTED_RESPONSE);
    CHECK_EQ(error_body("{\"code\":\"X\"}"), APCONN_ERR_UNEXPECTED_RESPONSE);
    CHECK_EQ(error_body("{\"code\":1,\"params\":{}}"), APCONN_ERR_UNEXPECTED_RESPONSE);
    CHECK_EQ(error_body("{\"statusCode\":\"400\",\"error\":\"x\"}"), APCONN_ERR_UNEXPECTED_RESPONSE);
    CHECK_EQ(error_body("{\"statusCode\":null,\"error\":\"x\"}"), APCONN_ERR_UNEXPECTED_RESPONSE);
    CHECK_EQ(error_body("{\"statusCode\":500}"), APCONN_ERR_UNEXPECTED_RESPONSE);
    CHECK_EQ(error_body(""), APCONN_ERR_UNEXPECTED_RESPONSE);
    CHECK_STR(err.code, "");
}
#endif

static void null_arguments_are_refused(void) {
    apconn_page pg;
    char text[] = "{}";
    CHECK_EQ(apconn_parse_connection(text, 2, tokens, APCONN_TOKEN_COUNT, NULL, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_connection(NULL, 0, tokens, APCONN_TOKEN_COUNT, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_connection(text, 2, NULL, 0, &conn, NULL), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page("{}", 2, work, sizeof work, tokens, APCONN_TOKEN_COUNT, NULL, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page(NULL, 2, work, sizeof work, tokens, APCONN_TOKEN_COUNT, &pg, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page("{}", 2, NULL, 0, tokens, APCONN_TOKEN_COUNT, &pg, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page("{}", 2, work, (size_t)INT_MAX + 1u, tokens, APCONN_TOKEN_COUNT, &pg, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page("{}", 2, work, sizeof work, NULL, 0, &pg, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_page_next(NULL, &conn, &err), APCONN_ERR_ARGUMENT);
    memset(&pg, 0, sizeof pg);
    CHECK_EQ(apconn_page_next(&pg, NULL, &err), APCONN_ERR_ARGUMENT);
#ifndef APCONN_NO_ERROR_DETAILS
    CHECK_EQ(apconn_parse_error_body("{}", 2, tokens, APCONN_TOKEN_COUNT, NULL), APCONN_ERR_ARGUMENT);
#endif
}

static void parse_connection_refuses_zero_tokens_an_int_sized_text_and_missing_arguments(void) {
    strcpy(doc_, "{\"id\":\"A\"}");
    CHECK_EQ(apconn_parse_connection(doc_, 10, tokens, 0, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(err.status, APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_connection(doc_, (size_t)INT_MAX, tokens, APCONN_TOKEN_COUNT, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_connection(NULL, 10, tokens, APCONN_TOKEN_COUNT, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_connection(doc_, 10, NULL, 64, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_connection(doc_, 10, tokens, APCONN_TOKEN_COUNT, NULL, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_connection(doc_, 10, tokens, APCONN_TOKEN_COUNT, &conn, NULL), APCONN_OK);
    CHECK_STR(conn.id, "A");
}

static void parse_page_refuses_each_missing_argument_and_leaves_no_items(void) {
    static unsigned char w[64];
    apconn_page pg;
    const char *body = "{\"data\":[]}";
    size_t n = strlen(body);
    CHECK_EQ(apconn_parse_page(NULL, n, w, sizeof w, tokens, APCONN_TOKEN_COUNT, &pg, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page(body, n, NULL, sizeof w, tokens, APCONN_TOKEN_COUNT, &pg, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page(body, n, w, 1, tokens, APCONN_TOKEN_COUNT, &pg, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page(body, n, w, (size_t)INT_MAX + 1u, tokens, APCONN_TOKEN_COUNT, &pg, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page(body, n, w, sizeof w, NULL, 64, &pg, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page(body, n, w, sizeof w, tokens, 0, &pg, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(err.status, APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page(body, n, w, sizeof w, tokens, APCONN_TOKEN_COUNT, NULL, &err), APCONN_ERR_ARGUMENT);
    /* a page a failed parse left has no items */
    CHECK_EQ(apconn_parse_page(body, n, w, sizeof w, tokens, 0, &pg, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_page_next(&pg, &conn, &err), APCONN_END);
    CHECK(apconn_page_done(&pg));
}

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

static void errors_without_err_struct_still_return_the_status(void) {
    char json[] = "{\"id\":\"a\",\"type\":\"X\"}";
    CHECK_EQ(apconn_parse_connection(json, strlen(json), tokens, APCONN_TOKEN_COUNT, &conn, NULL), APCONN_ERR_JSON_ENUM);
    CHECK_EQ(parse_page("{\"data\":[{\"id\":\"a\",\"type\":\"X\"},{\"id\":\"b\"}]}"), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, NULL), APCONN_ERR_JSON_ENUM);
    CHECK_EQ(apconn_page_next(&page, &conn, NULL), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, NULL), APCONN_END);
}

#ifndef APCONN_NO_ERROR_DETAILS
static void error_body_with_too_few_tokens_is_reported(void) {
    const char *json = "{\"code\":\"X\",\"params\":{\"message\":\"m\"}}";
    CHECK_EQ(apconn_parse_error_body(json, strlen(json), tokens, 3, &err), APCONN_ERR_JSON_TOKENS);
    CHECK_EQ(apconn_parse_error_body(json, strlen(json), tokens, 7, &err), APCONN_OK);
}

static void fastify_error_with_message_only(void) {
    CHECK_EQ(error_body("{\"statusCode\":500,\"message\":\"boom\"}"), APCONN_OK);
    CHECK_STR(err.code, "");
    CHECK_STR(err.message, "boom");
}

/* A public entry point clears all of err (0.2.0; it used to keep status and
   http_status): the API calls keep them through the internal parser. */
static void error_body_clears_err_then_fills_code_and_message(void) {
    const char *json = "{\"code\":\"FEATURE_DISABLED\",\"params\":{\"message\":\"Feature is disabled\"}}";
    memset(&err, 0, sizeof err);
    err.status = APCONN_ERR_HTTP_STATUS;
    err.http_status = 402;
    CHECK_EQ(apconn_parse_error_body(json, strlen(json), tokens, APCONN_TOKEN_COUNT, &err), APCONN_OK);
    CHECK_EQ(err.status, APCONN_OK);
    CHECK_EQ(err.http_status, 0);
    CHECK_STR(err.code, "FEATURE_DISABLED");
}
#endif

int main(void) {
    RUN(spec_example_is_mapped_field_by_field);
    RUN(only_id_is_required_and_absent_fields_read_absent);
    RUN(connection_views_point_into_the_callers_text);
    RUN(key_order_does_not_matter);
    RUN(unknown_keys_are_ignored_at_any_depth);
    RUN(null_fields_read_null_and_stay_empty);
    RUN(absent_null_and_set_are_distinct_for_every_field);
    RUN(escapes_and_surrogate_pairs_are_decoded);
    RUN(escapes_above_the_surrogates_decode_to_three_and_four_utf8_bytes);
    RUN(metadata_is_its_own_json_text);
    RUN(metadata_text_keeps_escapes_and_spaces_inside_strings);
    RUN(wrong_types_fail_for_each_field_kind);
    RUN(error_offset_points_at_the_value);
    RUN(failed_parse_leaves_no_views);
    RUN(unknown_enum_values_fail_naming_the_field);
    RUN(every_enum_name_is_mapped);
    RUN(missing_or_null_id_is_refused);
    RUN(escaped_spelling_of_id_is_not_the_id);
    RUN(number_or_object_where_an_id_belongs_is_a_type_error);
    RUN(escaped_nul_in_a_field_is_refused);
    RUN(ids_with_unsafe_characters_are_refused);
    RUN(id_with_a_non_ascii_byte_is_refused_at_its_first_byte);
    RUN(enum_spelled_as_an_escaped_nul_is_out_of_the_set);
    RUN(first_bad_project_id_stops_the_walk_and_is_named);
    RUN(long_display_name_reads_whole);
    RUN(long_multibyte_text_reads_whole);
    RUN(long_id_reads_whole);
    RUN(long_metadata_reads_whole);
    RUN(project_ids_of_any_length_are_walked_in_order);
    RUN(ids_with_escapes_are_decoded_and_walked);
    RUN(duplicate_known_keys_are_refused);
    RUN(invalid_json_is_refused_before_mapping);
    RUN(text_after_the_connection_object_is_malformed_whitespace_is_not);
    RUN(too_few_tokens_is_reported_with_the_count_needed);
#if SIZE_MAX > UINT_MAX
    RUN(token_count_beyond_unsigned_int_is_clamped_not_wrapped);
#endif
    RUN(nested_too_deep_is_refused);
    RUN(page_items_are_mapped_one_at_a_time);
    RUN(cursors_are_decoded_like_any_string);
    RUN(empty_page_ends_at_once);
    RUN(page_item_errors_name_the_item_path);
    RUN(page_item_that_is_not_an_object_is_a_type_error);
    RUN(page_needs_a_data_array);
    RUN(long_cursors_read_whole);
    RUN(spec_page_replicated_maps_every_item);
    RUN(default_sizes_read_a_page_far_larger_than_the_work_buffer);
    RUN(default_sizes_hold_a_connection_shared_with_100_projects);
#ifndef APCONN_NO_ERROR_DETAILS
    RUN(activepieces_error_with_params_message);
    RUN(activepieces_error_with_params_error);
    RUN(activepieces_error_without_message_renders_params);
    RUN(fastify_error_with_code);
    RUN(fastify_error_without_code_uses_error);
    RUN(error_body_refuses_missing_arguments_and_an_int_sized_text);
    RUN(fastify_body_needs_a_non_negative_number_as_status_code);
    RUN(params_that_fill_the_message_stop_before_the_separator);
    RUN(params_that_fill_the_message_stop_at_the_next_key);
    RUN(params_that_fill_the_message_stop_before_the_equals_sign);
    RUN(params_that_fit_are_rendered_whole);
    RUN(long_server_text_is_cut_at_a_utf8_boundary);
    RUN(other_bodies_are_unexpected);
#endif
    RUN(null_arguments_are_refused);
    RUN(parse_connection_refuses_zero_tokens_an_int_sized_text_and_missing_arguments);
    RUN(parse_page_refuses_each_missing_argument_and_leaves_no_items);
    RUN(ids_next_without_ids_or_id_ends_the_walk);
    RUN(errors_without_err_struct_still_return_the_status);
#ifndef APCONN_NO_ERROR_DETAILS
    RUN(error_body_with_too_few_tokens_is_reported);
    RUN(fastify_error_with_message_only);
    RUN(error_body_clears_err_then_fills_code_and_message);
#endif
    return harness_summary("reader");
}
