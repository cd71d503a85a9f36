/* Reader: spec §6 objects into static structs, every field kind, every
   error naming its field path and byte offset; pages; error bodies (§7). */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "harness.h"
#include "spec_example.h"
#include <stdio.h>

static apconn_token tokens[APCONN_TOKEN_COUNT];
static apconn_connection conn;
static apconn_error err;
static char doc_[8192];

static const char spec_page[] = "{\"data\":[" SPEC_ITEM "],\"next\":null,\"previous\":null}";

static apconn_status parse(const char *json) {
    return apconn_parse_connection(json, strlen(json), tokens, APCONN_TOKEN_COUNT, &conn, &err);
}

/* {"id":"abc", <member>} */
static apconn_status parse_with(const char *member) {
    snprintf(doc_, sizeof doc_, "{\"id\":\"abc\",%s}", member);
    return parse(doc_);
}

static void spec_example_is_mapped_field_by_field(void) {
    apconn_page page;
    CHECK_EQ(apconn_parse_page(spec_page, sizeof spec_page - 1, tokens, APCONN_TOKEN_COUNT, &page, &err), APCONN_OK);
    CHECK_EQ(page.count, 1);
    CHECK_EQ(page.has_next, APCONN_NULL);
    CHECK_EQ(page.has_previous, APCONN_NULL);
    CHECK_STR(page.next, "");
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, "AbCdEfGhIjKlMnOpQrStU");
    CHECK_STR(conn.created, "2025-01-02T03:04:05.000Z"); CHECK_EQ(conn.has_created, APCONN_SET);
    CHECK_STR(conn.updated, "2025-01-02T03:04:05.000Z"); CHECK_EQ(conn.has_updated, APCONN_SET);
    CHECK_STR(conn.external_id, "acme_slack"); CHECK_EQ(conn.has_external_id, APCONN_SET);
    CHECK_STR(conn.display_name, "Acme Slack"); CHECK_EQ(conn.has_display_name, APCONN_SET);
    CHECK_EQ(conn.type, APCONN_TYPE_SECRET_TEXT); CHECK_EQ(conn.has_type, APCONN_SET);
    CHECK_STR(conn.piece_name, "@activepieces/piece-slack"); CHECK_EQ(conn.has_piece_name, APCONN_SET);
    CHECK_EQ(conn.project_id_count, 1); CHECK_STR(conn.project_ids[0], "Kp3Wn8ZrQa1Lm5Tx7Vb2C");
    CHECK_EQ(conn.has_project_ids, APCONN_SET);
    CHECK_STR(conn.platform_id, "Pl4tF0rmId000000000aa"); CHECK_EQ(conn.has_platform_id, APCONN_SET);
    CHECK_EQ(conn.scope, APCONN_SCOPE_PLATFORM); CHECK_EQ(conn.has_scope, APCONN_SET);
    CHECK_EQ(conn.status, APCONN_CONN_STATUS_ACTIVE); CHECK_EQ(conn.has_status, APCONN_SET);
    CHECK_STR(conn.owner_id, "U5er0000000000000000a"); CHECK_EQ(conn.has_owner_id, APCONN_SET);
    CHECK_EQ(conn.has_owner, APCONN_SET);
    CHECK_STR(conn.owner.id, "U5er0000000000000000a");
    CHECK_STR(conn.owner.email, "admin@acme.io");
    CHECK_STR(conn.owner.first_name, "Ada");
    CHECK_STR(conn.owner.last_name, "Li");
    CHECK_EQ(conn.owner.status, APCONN_USER_ACTIVE);
    CHECK_EQ(conn.owner.platform_role, APCONN_ROLE_ADMIN);
    CHECK_EQ(conn.owner.has_external_id, APCONN_NULL); CHECK_STR(conn.owner.external_id, "");
    CHECK_STR(conn.owner.platform_id, "Pl4tF0rmId000000000aa"); CHECK_EQ(conn.owner.has_platform_id, APCONN_SET);
    CHECK_STR(conn.owner.created, "2024-06-01T00:00:00.000Z");
    CHECK_STR(conn.owner.updated, "2024-06-01T00:00:00.000Z");
    CHECK_EQ(conn.owner.has_last_active_date, APCONN_ABSENT);
    CHECK_EQ(conn.owner.has_image_url, APCONN_ABSENT);
    CHECK_EQ(conn.has_metadata, APCONN_NULL); CHECK_STR(conn.metadata, "");
    CHECK_EQ(conn.has_flow_ids, APCONN_SET); CHECK_EQ(conn.flow_id_count, 0);
    CHECK_STR(conn.piece_version, "0.9.1"); CHECK_EQ(conn.has_piece_version, APCONN_SET);
    CHECK_EQ(conn.pre_select_for_new_projects, 0); CHECK_EQ(conn.has_pre_select_for_new_projects, APCONN_SET);
    CHECK_EQ(conn.using_secret_manager, 0); CHECK_EQ(conn.has_using_secret_manager, APCONN_SET);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
}

static void only_id_is_required_and_absent_fields_read_absent(void) {
    CHECK_EQ(parse("{\"id\":\"abc\"}"), APCONN_OK);
    CHECK_STR(conn.id, "abc");
    CHECK_EQ(conn.has_display_name, APCONN_ABSENT);
    CHECK_EQ(conn.has_owner, APCONN_ABSENT);
    CHECK_EQ(conn.has_project_ids, APCONN_ABSENT);
    CHECK_EQ(conn.type, APCONN_TYPE_UNKNOWN);
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
    CHECK_EQ(conn.has_platform_id, APCONN_NULL);
    CHECK_EQ(conn.has_owner, APCONN_NULL);
    CHECK_EQ(conn.has_flow_ids, APCONN_NULL);
    CHECK_EQ(conn.has_type, APCONN_NULL);
    CHECK_EQ(conn.has_display_name, APCONN_NULL);
    CHECK_STR(conn.owner.id, "");
}

static void escapes_and_surrogate_pairs_are_decoded(void) {
    CHECK_EQ(parse_with("\"displayName\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u20AC\\ud83d\\ude00\xf0\x9f\x98\x80\""),
             APCONN_OK);
    CHECK_STR(conn.display_name, "a\"b\\c/d\b\f\n\r\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf0\x9f\x98\x80");
}

static void metadata_is_kept_as_compact_text(void) {
    CHECK_EQ(parse_with("\"metadata\":{ \"accountIdentifier\" : \"a b\\\" c\" , \"n\" : [ 1 , 2 ] }"), APCONN_OK);
    CHECK_STR(conn.metadata, "{\"accountIdentifier\":\"a b\\\" c\",\"n\":[1,2]}");
    CHECK_EQ(conn.has_metadata, APCONN_SET);
}

static void check_error(apconn_status got, apconn_status want, const char *field) {
    CHECK_EQ(got, want);
    CHECK_EQ(err.status, want);
    CHECK_STR(err.field, field);
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

static void missing_or_null_id_is_refused(void) {
    check_error(parse("{\"displayName\":\"x\"}"), APCONN_ERR_JSON_MISSING, "id");
    check_error(parse("{\"id\":null}"), APCONN_ERR_JSON_MISSING, "id");
    check_error(parse("{}"), APCONN_ERR_JSON_MISSING, "id");
    check_error(parse_with("\"owner\":{\"email\":\"a@b\"}"), APCONN_ERR_JSON_MISSING, "owner.id");
}

static void escaped_nul_in_a_field_is_refused(void) {
    check_error(parse_with("\"displayName\":\"a\\u0000b\""), APCONN_ERR_JSON_NUL, "displayName");
    check_error(parse_with("\"owner\":{\"id\":\"o\",\"email\":\"\\u0000\"}"), APCONN_ERR_JSON_NUL, "owner.email");
}

static void ids_with_unsafe_characters_are_refused(void) {
    check_error(parse("{\"id\":\"ab/../c\"}"), APCONN_ERR_JSON_ENUM, "id");
    check_error(parse_with("\"projectIds\":[\"ok\",\"a b\"]"), APCONN_ERR_JSON_ENUM, "projectIds[1]");
    check_error(parse("{\"id\":\"a\\r\\nb\"}"), APCONN_ERR_JSON_ENUM, "id");
    CHECK_EQ(parse("{\"id\":\"aZ09_-\"}"), APCONN_OK);
}

static void fill(char *p, char c, size_t n) { memset(p, c, n); p[n] = 0; }

static void text_exact_fit_passes_and_one_more_byte_fails(void) {
    char name[APCONN_NAME_SIZE + 2], member[APCONN_NAME_SIZE + 64];
    fill(name, 'n', APCONN_NAME_SIZE - 1);
    snprintf(member, sizeof member, "\"displayName\":\"%s\"", name);
    CHECK_EQ(parse_with(member), APCONN_OK);
    CHECK_STR(conn.display_name, name);
    fill(name, 'n', APCONN_NAME_SIZE);
    snprintf(member, sizeof member, "\"displayName\":\"%s\"", name);
    check_error(parse_with(member), APCONN_ERR_FIELD_TOO_LONG, "displayName");
    CHECK_EQ(strlen(conn.display_name), APCONN_NAME_SIZE - 1); /* still NUL-terminated */
}

static void multibyte_text_that_does_not_fit_fails_whole(void) {
    char member[APCONN_PIECE_VERSION_SIZE * 4 + 64];
    size_t n = 0, i;
    n += (size_t)snprintf(member, sizeof member, "\"pieceVersion\":\"");
    for (i = 0; i < (APCONN_PIECE_VERSION_SIZE - 1) / 2 + 1; i++) { memcpy(member + n, "\xc3\xa9", 2); n += 2; }
    memcpy(member + n, "\"", 2);
    check_error(parse_with(member), APCONN_ERR_FIELD_TOO_LONG, "pieceVersion");
    CHECK_EQ(strlen(conn.piece_version) % 2, 0); /* never half a character */
}

static void id_exact_fit_passes_and_one_more_byte_fails(void) {
    char id[APCONN_ID_SIZE + 2];
    fill(id, 'a', APCONN_ID_SIZE - 1);
    snprintf(doc_, sizeof doc_, "{\"id\":\"%s\"}", id);
    CHECK_EQ(parse(doc_), APCONN_OK);
    fill(id, 'a', APCONN_ID_SIZE);
    snprintf(doc_, sizeof doc_, "{\"id\":\"%s\"}", id);
    check_error(parse(doc_), APCONN_ERR_FIELD_TOO_LONG, "id");
}

static void metadata_exact_fit_passes_and_one_more_byte_fails(void) {
    char value[APCONN_METADATA_SIZE + 2], member[APCONN_METADATA_SIZE + 64];
    fill(value, 'm', APCONN_METADATA_SIZE - 1 - 8); /* {"k":"..."} adds 8 bytes */
    snprintf(member, sizeof member, "\"metadata\": { \"k\" : \"%s\" }", value);
    CHECK_EQ(parse_with(member), APCONN_OK);
    CHECK_EQ(strlen(conn.metadata), APCONN_METADATA_SIZE - 1);
    fill(value, 'm', APCONN_METADATA_SIZE - 8);
    snprintf(member, sizeof member, "\"metadata\":{\"k\":\"%s\"}", value);
    check_error(parse_with(member), APCONN_ERR_FIELD_TOO_LONG, "metadata");
}

static void array_capacity_is_enforced(void) {
    char member[1024], want[32];
    size_t n;
    int i;
    n = (size_t)snprintf(member, sizeof member, "\"projectIds\":[");
    for (i = 0; i < APCONN_MAX_PROJECT_IDS; i++) n += (size_t)snprintf(member + n, sizeof member - n, "%s\"p%d\"", i ? "," : "", i);
    snprintf(member + n, sizeof member - n, "]");
    CHECK_EQ(parse_with(member), APCONN_OK);
    CHECK_EQ(conn.project_id_count, APCONN_MAX_PROJECT_IDS);
    snprintf(want, sizeof want, "p%d", APCONN_MAX_PROJECT_IDS - 1);
    CHECK_STR(conn.project_ids[APCONN_MAX_PROJECT_IDS - 1], want);
    snprintf(member + n, sizeof member - n, ",\"extra\"]");
    snprintf(doc_, sizeof doc_, "{\"id\":\"abc\",%s}", member);
    CHECK_EQ(parse(doc_), APCONN_ERR_TOO_MANY_ITEMS);
    snprintf(want, sizeof want, "projectIds[%d]", APCONN_MAX_PROJECT_IDS);
    CHECK_STR(err.field, want);
    CHECK_EQ(err.offset, (size_t)(strstr(doc_, "extra") - doc_));
}

static void duplicate_known_keys_are_refused(void) {
    check_error(parse("{\"id\":\"a\",\"id\":\"b\"}"), APCONN_ERR_JSON_DUPLICATE, "id");
    check_error(parse_with("\"owner\":{\"id\":\"o\",\"email\":\"a\",\"email\":\"b\"}"), APCONN_ERR_JSON_DUPLICATE,
                "owner.email");
    CHECK_EQ(parse_with("\"x\":1,\"x\":2"), APCONN_OK); /* unknown duplicates are ignored */
}

static void invalid_json_is_refused_before_mapping(void) {
    CHECK_EQ(parse("{\"id\":\"abc\",}"), APCONN_ERR_JSON_SYNTAX);
    CHECK_EQ(err.offset, 12);
    CHECK_EQ(parse("{\"id\":\"\xff\"}"), APCONN_ERR_JSON_UTF8);
    CHECK_EQ(err.offset, 7);
    CHECK_EQ(parse("{\"id\":\"\\uD800\"}"), APCONN_ERR_JSON_ESCAPE);
}

static void too_few_tokens_is_reported(void) {
    const char *json = "{\"id\":\"abc\",\"projectIds\":[\"a\",\"b\"]}";
    CHECK_EQ(apconn_parse_connection(json, strlen(json), tokens, 7, &conn, &err), APCONN_OK);
    CHECK_EQ(apconn_parse_connection(json, strlen(json), tokens, 6, &conn, &err), APCONN_ERR_JSON_TOKENS);
    CHECK_EQ(err.status, APCONN_ERR_JSON_TOKENS);
}

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
static apconn_page page;
static apconn_status parse_page(const char *json) {
    return apconn_parse_page(json, strlen(json), tokens, APCONN_TOKEN_COUNT, &page, &err);
}

static void page_items_are_mapped_one_at_a_time(void) {
    CHECK_EQ(parse_page("{\"next\":\"bmV4dA==\",\"data\":[{\"id\":\"a\",\"x\":{\"y\":[1]}},{\"id\":\"b\"},{\"id\":\"c\"}],"
                        "\"previous\":\"cHJldg==\"}"),
             APCONN_OK);
    CHECK_EQ(page.count, 3);
    CHECK_STR(page.next, "bmV4dA=="); CHECK_EQ(page.has_next, APCONN_SET);
    CHECK_STR(page.previous, "cHJldg=="); CHECK_EQ(page.has_previous, APCONN_SET);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK); CHECK_STR(conn.id, "a");
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK); CHECK_STR(conn.id, "b");
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK); CHECK_STR(conn.id, "c");
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
}

static void empty_page_ends_at_once(void) {
    CHECK_EQ(parse_page("{\"data\":[],\"next\":null,\"previous\":null}"), APCONN_OK);
    CHECK_EQ(page.count, 0);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
}

static void page_item_errors_name_the_item_path(void) {
    CHECK_EQ(parse_page("{\"data\":[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\",\"owner\":{\"id\":\"o\",\"email\":1}},"
                        "{\"id\":\"d\"}]}"),
             APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    check_error(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_TYPE, "data[2].owner.email");
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK); /* a bad item is skipped */
    CHECK_STR(conn.id, "d");
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
}

static void page_item_that_is_not_an_object_is_a_type_error(void) {
    CHECK_EQ(parse_page("{\"data\":[{\"id\":\"a\"},[1,2],{\"id\":\"c\"}]}"), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    check_error(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_TYPE, "data[1]");
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, "c");
}

static void page_needs_a_data_array(void) {
    check_error(parse_page("{\"next\":null}"), APCONN_ERR_JSON_MISSING, "data");
    check_error(parse_page("{\"data\":{}}"), APCONN_ERR_JSON_TYPE, "data");
    check_error(parse_page("{\"data\":null}"), APCONN_ERR_JSON_MISSING, "data");
    check_error(parse_page("[]"), APCONN_ERR_JSON_TYPE, "");
    check_error(parse_page("{\"data\":[],\"next\":5}"), APCONN_ERR_JSON_TYPE, "next");
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END); /* a failed page has no items */
}

static void cursor_exact_fit_passes_and_one_more_byte_fails(void) {
    char cursor[APCONN_CURSOR_SIZE + 2];
    fill(cursor, 'c', APCONN_CURSOR_SIZE - 1);
    snprintf(doc_, sizeof doc_, "{\"data\":[],\"next\":\"%s\"}", cursor);
    CHECK_EQ(parse_page(doc_), APCONN_OK);
    CHECK_STR(page.next, cursor);
    fill(cursor, 'c', APCONN_CURSOR_SIZE);
    snprintf(doc_, sizeof doc_, "{\"data\":[],\"previous\":\"%s\"}", cursor);
    check_error(parse_page(doc_), APCONN_ERR_FIELD_TOO_LONG, "previous");
}

static void spec_page_replicated_maps_every_item(void) {
    size_t n = (size_t)snprintf(doc_, sizeof doc_, "{\"data\":[");
    int i, count = 0;
    for (i = 0; i < 5; i++) n += (size_t)snprintf(doc_ + n, sizeof doc_ - n, "%s%s", i ? "," : "", SPEC_ITEM);
    snprintf(doc_ + n, sizeof doc_ - n, "],\"next\":\"x\",\"previous\":null}");
    CHECK_EQ(parse_page(doc_), APCONN_OK);
    while (apconn_page_next(&page, &conn, &err) == APCONN_OK) {
        CHECK_STR(conn.owner.email, "admin@acme.io");
        count++;
    }
    CHECK_EQ(count, 5);
}

/* The suggested sizes must agree: a page of spec items that fills the default
   work buffer (less room for the HTTP head) fits the default token array. */
#define HTTP_HEAD_ROOM 512 /* bytes a typical response head takes */
static void default_tokens_hold_a_page_that_fills_the_default_work_buffer(void) {
    static char big[APCONN_WORK_BUFFER_SIZE];
    static const char tail[] = "],\"next\":\"bmV4dF9ZM0psWVhSbFpEb3hOek0xTnpnM01EUTFNREF3\",\"previous\":null}";
    size_t n = (size_t)snprintf(big, sizeof big, "{\"data\":[");
    int count = 0, items = 0;
    while (n + 1 + strlen(SPEC_ITEM) + sizeof tail < sizeof big - HTTP_HEAD_ROOM) {
        n += (size_t)snprintf(big + n, sizeof big - n, "%s%s", items ? "," : "", SPEC_ITEM);
        items++;
    }
    n += (size_t)snprintf(big + n, sizeof big - n, "%s", tail);
    CHECK(items >= 8);
    CHECK_EQ(apconn_parse_page(big, n, tokens, APCONN_TOKEN_COUNT, &page, &err), APCONN_OK);
    while (apconn_page_next(&page, &conn, &err) == APCONN_OK) count++;
    CHECK_EQ(count, items);
}

/* ---- error bodies (spec §7) ---- */
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

static void metadata_compaction_keeps_spaces_inside_strings(void) {
    CHECK_EQ(parse_with("\"metadata\":{\"k\" : \"a\\\\\" , \" b c\" : \"x \\\" y\" }"), APCONN_OK);
    CHECK_STR(conn.metadata, "{\"k\":\"a\\\\\",\" b c\":\"x \\\" y\"}");
    CHECK_EQ(apconn_json_validate(conn.metadata, strlen(conn.metadata)), APCONN_OK);
}

static void null_arguments_are_refused(void) {
    apconn_page pg;
    CHECK_EQ(apconn_parse_connection("{}", 2, tokens, APCONN_TOKEN_COUNT, NULL, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_connection(NULL, 0, tokens, APCONN_TOKEN_COUNT, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_connection("{}", 2, NULL, 0, &conn, NULL), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_page("{}", 2, tokens, APCONN_TOKEN_COUNT, NULL, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_page_next(NULL, &conn, &err), APCONN_ERR_ARGUMENT);
    memset(&pg, 0, sizeof pg);
    CHECK_EQ(apconn_page_next(&pg, NULL, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_parse_error_body("{}", 2, tokens, APCONN_TOKEN_COUNT, NULL), APCONN_ERR_ARGUMENT);
}

static void errors_without_err_struct_still_return_the_status(void) {
    const char *json = "{\"id\":\"a\",\"type\":\"X\"}";
    CHECK_EQ(apconn_parse_connection(json, strlen(json), tokens, APCONN_TOKEN_COUNT, &conn, NULL), APCONN_ERR_JSON_ENUM);
}

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

static void error_body_keeps_status_and_http_status(void) {
    const char *json = "{\"code\":\"FEATURE_DISABLED\",\"params\":{\"message\":\"Feature is disabled\"}}";
    memset(&err, 0, sizeof err);
    err.status = APCONN_ERR_HTTP_STATUS;
    err.http_status = 402;
    CHECK_EQ(apconn_parse_error_body(json, strlen(json), tokens, APCONN_TOKEN_COUNT, &err), APCONN_OK);
    CHECK_EQ(err.status, APCONN_ERR_HTTP_STATUS);
    CHECK_EQ(err.http_status, 402);
    CHECK_STR(err.code, "FEATURE_DISABLED");
}

int main(void) {
    RUN(spec_example_is_mapped_field_by_field);
    RUN(only_id_is_required_and_absent_fields_read_absent);
    RUN(key_order_does_not_matter);
    RUN(unknown_keys_are_ignored_at_any_depth);
    RUN(null_fields_read_null_and_stay_empty);
    RUN(escapes_and_surrogate_pairs_are_decoded);
    RUN(metadata_is_kept_as_compact_text);
    RUN(wrong_types_fail_for_each_field_kind);
    RUN(error_offset_points_at_the_value);
    RUN(unknown_enum_values_fail_naming_the_field);
    RUN(every_enum_name_is_mapped);
    RUN(missing_or_null_id_is_refused);
    RUN(escaped_nul_in_a_field_is_refused);
    RUN(ids_with_unsafe_characters_are_refused);
    RUN(text_exact_fit_passes_and_one_more_byte_fails);
    RUN(multibyte_text_that_does_not_fit_fails_whole);
    RUN(id_exact_fit_passes_and_one_more_byte_fails);
    RUN(metadata_exact_fit_passes_and_one_more_byte_fails);
    RUN(array_capacity_is_enforced);
    RUN(duplicate_known_keys_are_refused);
    RUN(invalid_json_is_refused_before_mapping);
    RUN(too_few_tokens_is_reported);
    RUN(nested_too_deep_is_refused);
    RUN(page_items_are_mapped_one_at_a_time);
    RUN(empty_page_ends_at_once);
    RUN(page_item_errors_name_the_item_path);
    RUN(page_item_that_is_not_an_object_is_a_type_error);
    RUN(page_needs_a_data_array);
    RUN(cursor_exact_fit_passes_and_one_more_byte_fails);
    RUN(spec_page_replicated_maps_every_item);
    RUN(default_tokens_hold_a_page_that_fills_the_default_work_buffer);
    RUN(activepieces_error_with_params_message);
    RUN(activepieces_error_with_params_error);
    RUN(activepieces_error_without_message_renders_params);
    RUN(fastify_error_with_code);
    RUN(fastify_error_without_code_uses_error);
    RUN(long_server_text_is_cut_at_a_utf8_boundary);
    RUN(other_bodies_are_unexpected);
    RUN(metadata_compaction_keeps_spaces_inside_strings);
    RUN(null_arguments_are_refused);
    RUN(errors_without_err_struct_still_return_the_status);
    RUN(error_body_with_too_few_tokens_is_reported);
    RUN(fastify_error_with_message_only);
    RUN(error_body_keeps_status_and_http_status);
    return harness_summary("reader");
}
