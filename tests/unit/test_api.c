/* The four calls: requests compared byte for byte (head + body) for every
   connection type, every optional field and every list filter; required
   members checked before sending; status mapping, error bodies, secrets
   wiped. Responses run in the three delivery modes. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "http_fixture.h"
#include <stdio.h>

#define ID "AbCdEfGhIjKlMnOpQrStU"
#define P1 "Kp3Wn8ZrQa1Lm5Tx7Vb2C"
#define P2 "Zz3Wn8ZrQa1Lm5Tx7Vb2C"
#define CONN_JSON                                                                                           \
    "{\"id\":\"" ID "\",\"created\":\"2025-01-02T03:04:05.000Z\",\"updated\":\"2025-01-02T03:04:05.000Z\","   \
    "\"externalId\":\"acme_slack\",\"displayName\":\"Acme Slack\",\"type\":\"SECRET_TEXT\","                  \
    "\"pieceName\":\"@activepieces/piece-slack\",\"projectIds\":[\"" P1 "\"],\"scope\":\"PLATFORM\","          \
    "\"status\":\"ACTIVE\",\"pieceVersion\":\"0.9.1\",\"preSelectForNewProjects\":false,"                     \
    "\"usingSecretManager\":false}"
#define JSON_RESPONSE(status, body)                                                                         \
    "HTTP/1.1 " status "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %u\r\n\r\n" body

static apconn_connection conn;
static apconn_error err;
static char response[8192];

/* A response with a correct Content-Length for `body`. */
static const char *json_response(const char *status, const char *body) {
    snprintf(response, sizeof response,
             "HTTP/1.1 %s\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %u\r\n\r\n%s", status,
             (unsigned)strlen(body), body);
    return response;
}

static void serve(const char *text) {
    fixture();
    st_conn(&st);
    st_data(&st, text);
}

/* The whole request on connection 0, head and body. */
static void expect_request(const char *method, const char *target, const char *body) {
    static char want[8192], sent[8192];
    int n = snprintf(want, sizeof want,
                     "%s /api%s HTTP/1.1\r\nHost: ap.example.com\r\nAuthorization: Bearer " KEY "\r\n"
                     "Accept: application/json\r\nUser-Agent: apconn/" APCONN_VERSION_STRING "\r\n",
                     method, target);
    if (body)
        snprintf(want + n, sizeof want - (size_t)n,
                 "Content-Type: application/json\r\nContent-Length: %u\r\nConnection: keep-alive\r\n\r\n%s",
                 (unsigned)strlen(body), body);
    else
        snprintf(want + n, sizeof want - (size_t)n, "Connection: keep-alive\r\n\r\n");
    st_sent_on(&st, 0, sent, sizeof sent);
    CHECK_STR(sent, want);
}

static apconn_upsert_request base_upsert(apconn_connection_type type) {
    apconn_upsert_request r;
    memset(&r, 0, sizeof r);
    r.display_name = "Acme";
    r.piece_name = "@activepieces/piece-x";
    r.type = type;
    return r;
}

/* Upserts r against a 201 and checks the exact body that was sent. */
static void upsert_sends(const apconn_upsert_request *r, const char *value_json, const char *secret) {
    static char body[2048];
    serve(json_response("201 Created", CONN_JSON));
    CHECK_EQ(apconn_connection_upsert(&client, r, &conn, &err), APCONN_OK);
    snprintf(body, sizeof body,
             "{\"displayName\":\"Acme\",\"pieceName\":\"@activepieces/piece-x\",\"type\":\"%s\",\"value\":%s,"
             "\"scope\":\"PLATFORM\",\"projectIds\":[]}",
             apconn_type_name(r->type), value_json);
    expect_request("POST", "/v1/global-connections", body);
    CHECK_STR(conn.id, ID);
    check_no_secret(secret);
}

/* ----- upsert: every type ------------------------------------------------------------ */
static void upsert_secret_text_with_every_optional_field(void) {
    const char *projects[] = {P1, P2};
    apconn_upsert_request r = base_upsert(APCONN_TYPE_SECRET_TEXT);
    r.display_name = "Acme \"Slack\"";
    r.value.secret_text = "xoxb-TOPSECRET";
    r.project_ids = projects;
    r.project_id_count = 2;
    r.external_id = "acme_slack";
    r.metadata_json = "{\"team\":\"ops\",\"n\":[1,2]}";
    r.piece_version = "0.9.1";
    r.pre_select_for_new_projects = APCONN_TRUE;
    serve(json_response("201 Created", CONN_JSON));
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_OK);
    expect_request("POST", "/v1/global-connections",
                   "{\"displayName\":\"Acme \\\"Slack\\\"\",\"pieceName\":\"@activepieces/piece-x\","
                   "\"type\":\"SECRET_TEXT\",\"value\":{\"type\":\"SECRET_TEXT\",\"secret_text\":\"xoxb-TOPSECRET\"},"
                   "\"scope\":\"PLATFORM\",\"externalId\":\"acme_slack\",\"pieceVersion\":\"0.9.1\","
                   "\"projectIds\":[\"" P1 "\",\"" P2 "\"],\"metadata\":{\"team\":\"ops\",\"n\":[1,2]},"
                   "\"preSelectForNewProjects\":true}");
    CHECK_STR(conn.id, ID);
    CHECK_STR(conn.external_id, "acme_slack");
    CHECK_EQ(conn.type, APCONN_TYPE_SECRET_TEXT);
    check_no_secret("xoxb-TOPSECRET");
}
static void upsert_pre_select_false_is_sent(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    r.pre_select_for_new_projects = APCONN_FALSE;
    serve(json_response("201 Created", CONN_JSON));
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_OK);
    expect_request("POST", "/v1/global-connections",
                   "{\"displayName\":\"Acme\",\"pieceName\":\"@activepieces/piece-x\",\"type\":\"NO_AUTH\","
                   "\"value\":{\"type\":\"NO_AUTH\"},\"scope\":\"PLATFORM\",\"projectIds\":[],"
                   "\"preSelectForNewProjects\":false}");
}
static void upsert_basic_auth(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_BASIC_AUTH);
    r.value.username = "admin";
    r.value.password = "hunter2-TOPSECRET";
    r.value.secret_text = "not-for-this-type"; /* members of other types are not sent */
    upsert_sends(&r, "{\"type\":\"BASIC_AUTH\",\"username\":\"admin\",\"password\":\"hunter2-TOPSECRET\"}",
                 "hunter2-TOPSECRET");
}
static void upsert_custom_auth_and_oidc(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_CUSTOM_AUTH);
    r.value.props_json = "{\"api_key\":\"k-TOPSECRET\",\"region\":2}";
    upsert_sends(&r, "{\"type\":\"CUSTOM_AUTH\",\"props\":{\"api_key\":\"k-TOPSECRET\",\"region\":2}}", "k-TOPSECRET");
    r.type = APCONN_TYPE_OIDC;
    upsert_sends(&r, "{\"type\":\"OIDC\",\"props\":{\"api_key\":\"k-TOPSECRET\",\"region\":2}}", "k-TOPSECRET");
}
static void upsert_no_auth(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    upsert_sends(&r, "{\"type\":\"NO_AUTH\"}", NULL);
}
static void upsert_oauth2_with_every_member(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_OAUTH2);
    r.value.client_id = "cid";
    r.value.client_secret = "cs-TOPSECRET";
    r.value.code = "c0de";
    r.value.redirect_url = "https://x.example/cb";
    r.value.scope = "read write";
    r.value.code_challenge = "chal";
    r.value.props_json = "{\"a\":\"b\"}";
    r.value.authorization_method = APCONN_AUTH_METHOD_HEADER;
    r.value.grant_type = APCONN_GRANT_CLIENT_CREDENTIALS;
    upsert_sends(&r,
                 "{\"type\":\"OAUTH2\",\"client_id\":\"cid\",\"client_secret\":\"cs-TOPSECRET\",\"code\":\"c0de\","
                 "\"redirect_url\":\"https://x.example/cb\",\"scope\":\"read write\",\"code_challenge\":\"chal\","
                 "\"props\":{\"a\":\"b\"},\"authorization_method\":\"HEADER\",\"grant_type\":\"client_credentials\"}",
                 "cs-TOPSECRET");
}
static void upsert_oauth2_sends_empty_scope_when_unset(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_OAUTH2);
    r.value.client_id = "cid";
    r.value.client_secret = "cs-TOPSECRET";
    r.value.code = "c0de";
    r.value.redirect_url = "https://x.example/cb";
    r.value.grant_type = APCONN_GRANT_AUTHORIZATION_CODE;
    upsert_sends(&r,
                 "{\"type\":\"OAUTH2\",\"client_id\":\"cid\",\"client_secret\":\"cs-TOPSECRET\",\"code\":\"c0de\","
                 "\"redirect_url\":\"https://x.example/cb\",\"scope\":\"\",\"grant_type\":\"authorization_code\"}",
                 "cs-TOPSECRET");
}
static void upsert_cloud_oauth2(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_CLOUD_OAUTH2);
    r.value.client_id = "cid";
    r.value.client_secret = "not-sent-for-cloud";
    r.value.code = "c0de-TOPSECRET";
    r.value.authorization_method = APCONN_AUTH_METHOD_BODY;
    r.value.grant_type = APCONN_GRANT_CLIENT_CREDENTIALS; /* OAUTH2 only */
    upsert_sends(&r,
                 "{\"type\":\"CLOUD_OAUTH2\",\"client_id\":\"cid\",\"code\":\"c0de-TOPSECRET\",\"scope\":\"\","
                 "\"authorization_method\":\"BODY\"}",
                 "c0de-TOPSECRET");
}
static void upsert_platform_oauth2(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_PLATFORM_OAUTH2);
    r.value.client_id = "cid";
    r.value.code = "c0de-TOPSECRET";
    r.value.redirect_url = "https://x.example/cb";
    r.value.scope = "s";
    r.value.code_challenge = "chal";
    upsert_sends(&r,
                 "{\"type\":\"PLATFORM_OAUTH2\",\"client_id\":\"cid\",\"code\":\"c0de-TOPSECRET\","
                 "\"redirect_url\":\"https://x.example/cb\",\"scope\":\"s\",\"code_challenge\":\"chal\"}",
                 "c0de-TOPSECRET");
}
static void upsert_accepts_200(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    serve(json_response("200 OK", CONN_JSON));
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, ID);
}

/* ----- upsert: value_json ---------------------------------------------------------------- */
#ifndef APCONN_NO_VALUE_JSON
static void upsert_value_json_gets_the_type_written_first(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_BASIC_AUTH);
    r.value.value_json = "{\"username\":\"u\",\"password\":\"pw-TOPSECRET\",\"extra\":{\"type\":1}}";
    r.value.username = "ignored";
    upsert_sends(&r, "{\"type\":\"BASIC_AUTH\",\"username\":\"u\",\"password\":\"pw-TOPSECRET\",\"extra\":{\"type\":1}}",
                 "pw-TOPSECRET");
}
static void upsert_value_json_empty_object_for_no_auth(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    r.value.value_json = "{}";
    upsert_sends(&r, "{\"type\":\"NO_AUTH\"}", NULL);
}
/* Whitespace around and inside the object: "type" still comes first, and the
   members follow as they were written. */
static void upsert_value_json_with_whitespace(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    r.value.value_json = " \n{ \t} ";
    upsert_sends(&r, "{\"type\":\"NO_AUTH\"}", NULL);
    r = base_upsert(APCONN_TYPE_SECRET_TEXT);
    r.value.value_json = "\t{ \"secret_text\" : \"s-TOPSECRET\" }\n";
    upsert_sends(&r, "{\"type\":\"SECRET_TEXT\",\"secret_text\" : \"s-TOPSECRET\" }", "s-TOPSECRET");
}
static void upsert_value_json_props_object(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_CUSTOM_AUTH);
    r.value.value_json = "{\"props\":{\"k\":\"v-TOPSECRET\"}}";
    upsert_sends(&r, "{\"type\":\"CUSTOM_AUTH\",\"props\":{\"k\":\"v-TOPSECRET\"}}", "v-TOPSECRET");
}
#endif

/* Refused before anything is sent, with the status and the field named. */
static void expect_refused(const apconn_upsert_request *r, apconn_status want, const char *field) {
    fixture();
    st_conn(&st);
    CHECK_EQ(apconn_connection_upsert(&client, r, &conn, &err), want);
    CHECK_EQ(err.status, want);
    CHECK_STR(err.field, field);
    CHECK_EQ(st.connects, 0);
    CHECK_EQ(st.sent_len, 0);
    check_no_secret("TOPSECRET");
}
#ifdef APCONN_NO_VALUE_JSON
/* Not built in: refused, never ignored (the typed members would be sent instead). */
static void upsert_value_json_is_refused_when_not_built_in(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_SECRET_TEXT);
    r.value.secret_text = "s-TOPSECRET";
    r.value.value_json = "{\"secret_text\":\"s-TOPSECRET\"}";
    expect_refused(&r, APCONN_ERR_ARGUMENT, "value_json");
    r.value.value_json = "{}";
    expect_refused(&r, APCONN_ERR_ARGUMENT, "value_json");
}
#else
static void upsert_value_json_with_type_is_refused(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_SECRET_TEXT);
    r.value.value_json = "{\"secret_text\":\"s-TOPSECRET\",\"type\":\"SECRET_TEXT\"}";
    expect_refused(&r, APCONN_ERR_ARGUMENT, "value.type");
}
static void upsert_value_json_with_escaped_key_is_refused(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_SECRET_TEXT);
    r.value.value_json = "{\"secret_text\":\"s-TOPSECRET\",\"\\u0074ype\":\"OAUTH2\"}";
    expect_refused(&r, APCONN_ERR_ARGUMENT, "value_json");
}
static void upsert_value_json_missing_or_empty_member_is_required(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_BASIC_AUTH);
    r.value.value_json = "{\"username\":\"u\"}";
    expect_refused(&r, APCONN_ERR_REQUIRED, "value.password");
    r.value.value_json = "{\"username\":\"u\",\"password\":\"\"}";
    expect_refused(&r, APCONN_ERR_REQUIRED, "value.password");
    r.value.value_json = "{\"username\":\"u\",\"password\":7}";
    expect_refused(&r, APCONN_ERR_REQUIRED, "value.password");
    r.type = APCONN_TYPE_OIDC;
    r.value.value_json = "{\"props\":\"not an object\"}";
    expect_refused(&r, APCONN_ERR_REQUIRED, "value.props");
}
static void upsert_value_json_must_be_a_valid_object(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    r.value.value_json = "[1]";
    expect_refused(&r, APCONN_ERR_JSON_TYPE, "value_json");
    r.value.value_json = "{\"a\":}";
    expect_refused(&r, APCONN_ERR_JSON_SYNTAX, "value_json");
}
#endif

/* ----- upsert: checks before sending ----------------------------------------------------------- */
static void upsert_required_members_per_type(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_SECRET_TEXT);
    expect_refused(&r, APCONN_ERR_REQUIRED, "value.secret_text");
    r.value.secret_text = "";
    expect_refused(&r, APCONN_ERR_REQUIRED, "value.secret_text");
    r = base_upsert(APCONN_TYPE_BASIC_AUTH);
    r.value.username = "u";
    r.value.password = "";
    expect_refused(&r, APCONN_ERR_REQUIRED, "value.password");
    r = base_upsert(APCONN_TYPE_CUSTOM_AUTH);
    expect_refused(&r, APCONN_ERR_REQUIRED, "value.props");
    r = base_upsert(APCONN_TYPE_OAUTH2);
    r.value.client_id = "cid";
    r.value.code = "c";
    r.value.redirect_url = "u";
    expect_refused(&r, APCONN_ERR_REQUIRED, "value.client_secret");
    r = base_upsert(APCONN_TYPE_CLOUD_OAUTH2);
    r.value.client_id = "cid";
    expect_refused(&r, APCONN_ERR_REQUIRED, "value.code");
    r = base_upsert(APCONN_TYPE_PLATFORM_OAUTH2);
    r.value.client_id = "cid";
    r.value.code = "c";
    expect_refused(&r, APCONN_ERR_REQUIRED, "value.redirect_url");
}
static void upsert_props_must_be_an_object(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_CUSTOM_AUTH);
    r.value.props_json = "\"TOPSECRET\"";
    expect_refused(&r, APCONN_ERR_JSON_TYPE, "value.props");
    r.value.props_json = "{\"a\":TOPSECRET}";
    expect_refused(&r, APCONN_ERR_JSON_SYNTAX, "value.props");
}
static void upsert_common_fields_are_checked(void) {
    const char *dup[] = {P1, P2, P1};
    const char *with_null[] = {P1, NULL};
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    r.display_name = NULL;
    expect_refused(&r, APCONN_ERR_REQUIRED, "displayName");
    r = base_upsert(APCONN_TYPE_NO_AUTH);
    r.piece_name = "";
    expect_refused(&r, APCONN_ERR_REQUIRED, "pieceName");
    r = base_upsert(APCONN_TYPE_UNKNOWN);
    expect_refused(&r, APCONN_ERR_ARGUMENT, "type");
    r = base_upsert(APCONN_TYPE_NO_AUTH);
    r.project_ids = dup;
    r.project_id_count = 3;
    expect_refused(&r, APCONN_ERR_ARGUMENT, "projectIds");
    r.project_ids = with_null;
    r.project_id_count = 2;
    expect_refused(&r, APCONN_ERR_ARGUMENT, "projectIds");
    r = base_upsert(APCONN_TYPE_NO_AUTH);
    r.metadata_json = "[\"not an object\"]";
    expect_refused(&r, APCONN_ERR_JSON_TYPE, "metadata");
    r.metadata_json = "{\"a\":1,}";
    expect_refused(&r, APCONN_ERR_JSON_SYNTAX, "metadata");
    r = base_upsert(APCONN_TYPE_OAUTH2);
    r.value.grant_type = (apconn_oauth2_grant_type)7;
    expect_refused(&r, APCONN_ERR_ARGUMENT, "value.grant_type");
}
static void out_of_range_enums_are_refused_naming_their_field(void) {
    static const char *const ids[] = {P1};
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    r.pre_select_for_new_projects = (apconn_tristate)9;
    expect_refused(&r, APCONN_ERR_ARGUMENT, "preSelectForNewProjects");
    r.project_ids = ids; /* with project ids too: the field named is still the tristate */
    r.project_id_count = 1;
    expect_refused(&r, APCONN_ERR_ARGUMENT, "preSelectForNewProjects");
    r = base_upsert(APCONN_TYPE_CLOUD_OAUTH2);
    r.value.client_id = "cid";
    r.value.code = "c";
    r.value.authorization_method = (apconn_oauth2_auth_method)9;
    expect_refused(&r, APCONN_ERR_ARGUMENT, "value.authorization_method");
}
#ifndef APCONN_NO_VALUE_JSON
/* A value_json larger than the client's token array cannot be checked, so it is not sent. */
static void value_json_with_more_tokens_than_the_client_holds_is_refused(void) {
    static char big[WORK_SIZE];
    size_t n = 0;
    int i;
    apconn_upsert_request r = base_upsert(APCONN_TYPE_CUSTOM_AUTH);
    n += (size_t)sprintf(big + n, "{\"props\":{");
    for (i = 0; i < TOKENS; i++) n += (size_t)sprintf(big + n, "%s\"k%d\":1", i ? "," : "", i);
    sprintf(big + n, "}}");
    r.value.value_json = big;
    expect_refused(&r, APCONN_ERR_JSON_TOKENS, "value_json");
}
#endif
static void upsert_body_too_large_for_the_buffer_is_refused_and_wiped(void) {
    static char big[WORK_SIZE];
    apconn_upsert_request r = base_upsert(APCONN_TYPE_SECRET_TEXT);
    memset(big, 'S', sizeof big - 1);
    memcpy(big, "TOPSECRET", 9);
    r.value.secret_text = big;
    expect_refused(&r, APCONN_ERR_BUFFER_FULL, "");
}

/* ----- status mapping and error bodies (three delivery modes) ------------------------------------ */
#ifdef APCONN_EMPTY_STATUS_TEXT
#define HTTP_STATUS_LINE "status -80: HTTP " /* no texts: apconn_error_format names the number */
#else
#define HTTP_STATUS_LINE "server answered with an HTTP error status: HTTP "
#endif
static void upsert_error_status_gives_server_code_and_message(void) {
    char line[APCONN_ERROR_TEXT_SIZE];
    apconn_upsert_request r = base_upsert(APCONN_TYPE_SECRET_TEXT);
    r.value.secret_text = "xoxb-TOPSECRET";
    serve(json_response("400 Bad Request", "{\"code\":\"INVALID_APP_CONNECTION\",\"params\":{\"error\":\"Invalid token\"}}"));
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_HTTP_STATUS);
    CHECK_EQ(err.http_status, 400);
    apconn_error_format(&err, line, sizeof line);
#ifdef APCONN_NO_ERROR_DETAILS /* not parsed: the body's excerpt, as it came */
    CHECK_STR(err.code, "");
    CHECK_STR(err.message, "{\"code\":\"INVALID_APP_CONNECTION\",\"params\":{\"error\":\"Invalid token\"}}");
    CHECK_STR(line, HTTP_STATUS_LINE "400: {\"code\":\"INVALID_APP_CONNECTION\",\"params\":{\"error\":\"Invalid token\"}}");
#else
    CHECK_STR(err.code, "INVALID_APP_CONNECTION");
    CHECK_STR(err.message, "Invalid token");
    CHECK_STR(line, HTTP_STATUS_LINE "400 INVALID_APP_CONNECTION: Invalid token");
#endif
    check_no_secret("xoxb-TOPSECRET");
}
static void fastify_error_shape_is_read(void) {
    char line[APCONN_ERROR_TEXT_SIZE];
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    serve(json_response("400 Bad Request", "{\"statusCode\":400,\"code\":\"FST_ERR_VALIDATION\",\"error\":\"Bad Request\","
                                           "\"message\":\"body/ Invalid input\"}"));
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_HTTP_STATUS);
    apconn_error_format(&err, line, sizeof line);
#ifdef APCONN_NO_ERROR_DETAILS /* the first APCONN_ERROR_EXCERPT_SIZE bytes */
    CHECK_EQ(err.message_truncated, 1);
    CHECK_STR(line, HTTP_STATUS_LINE "400: {\"statusCode\":400,\"code\":\"FST_ERR_VALIDATION\",\"error\":\"Bad Request\","
                    "\"message\":\"body/ Invalid inp");
#else
    CHECK_STR(line, HTTP_STATUS_LINE "400 FST_ERR_VALIDATION: body/ Invalid input");
#endif
}
static void html_502_gives_a_printable_excerpt(void) {
    char line[APCONN_ERROR_TEXT_SIZE];
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    const char *html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                       "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    snprintf(response, sizeof response,
             "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: %u\r\n\r\n%s",
             (unsigned)strlen(html), html);
    serve(response);
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_HTTP_STATUS);
    CHECK_EQ(err.http_status, 502);
    CHECK_STR(err.code, "");
    CHECK_EQ(strlen(err.message), APCONN_ERROR_EXCERPT_SIZE);
    CHECK_EQ(err.message_truncated, 1);
    CHECK(strchr(err.message, '\r') == NULL && strchr(err.message, '\n') == NULL);
    apconn_error_format(&err, line, sizeof line);
    CHECK(strstr(line, HTTP_STATUS_LINE "502: <html>  <head><title>502 Bad Gateway") == line);
    CHECK_EQ(st.sleeps, 0); /* a POST is not resent after a gateway error */
}
/* err->message itself, not only apconn_error_format, is safe to print. */
static void excerpt_turns_c1_controls_into_spaces(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    serve("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: 10\r\n\r\na\xc2\x9b" "31mb\x7f\xc2\xa0");
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_HTTP_STATUS);
    CHECK_STR(err.message, "a  31mb \xc2\xa0"); /* U+00A0 is not a control: kept */
}
static void success_status_without_json_is_unexpected(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    serve("HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_UNEXPECTED_RESPONSE);
    CHECK_EQ(err.http_status, 201);
}
static void success_status_with_bad_json_is_a_json_error(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_NO_AUTH);
    serve(json_response("201 Created", "{\"id\":\"" ID "\",}"));
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_JSON_SYNTAX);
}

/* ----- update ---------------------------------------------------------------------------------------- */
static void update_sends_every_field(void) {
    static const char *const none[1] = {NULL};
    apconn_update_request u;
    memset(&u, 0, sizeof u);
    u.display_name = "New name";
    u.project_ids = none; /* non-NULL with count 0: [] */
    u.metadata_json = "{\"a\":1}";
    u.pre_select_for_new_projects = APCONN_FALSE;
    serve(json_response("200 OK", CONN_JSON));
    CHECK_EQ(apconn_connection_update(&client, ID, &u, &conn, &err), APCONN_OK);
    expect_request("POST", "/v1/global-connections/" ID,
                   "{\"displayName\":\"New name\",\"projectIds\":[],\"metadata\":{\"a\":1},"
                   "\"preSelectForNewProjects\":false}");
    CHECK_STR(conn.display_name, "Acme Slack");
    check_no_secret(NULL);
}
static void update_leaves_project_ids_out_when_null(void) {
    const char *projects[] = {P1};
    apconn_update_request u;
    memset(&u, 0, sizeof u);
    u.display_name = "N";
    serve(json_response("200 OK", CONN_JSON));
    CHECK_EQ(apconn_connection_update(&client, ID, &u, &conn, &err), APCONN_OK);
    expect_request("POST", "/v1/global-connections/" ID, "{\"displayName\":\"N\"}");
    u.project_id_count = 1; /* a count without ids is a mistake, not "unchanged" */
    CHECK_EQ(apconn_connection_update(&client, ID, &u, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_STR(err.field, "projectIds");
    u.project_ids = projects;
    serve(json_response("200 OK", CONN_JSON));
    CHECK_EQ(apconn_connection_update(&client, ID, &u, &conn, &err), APCONN_OK);
    expect_request("POST", "/v1/global-connections/" ID, "{\"displayName\":\"N\",\"projectIds\":[\"" P1 "\"]}");
}
static void update_requires_a_display_name_and_a_good_id(void) {
    const char *bad_ids[] = {"AbCdEfGhIjKlMnOpQrSt", "AbCdEfGhIjKlMnOpQrStUV", "AbCdEfGhIjKlMnOpQrSt-",
                             "AbCdEfGhIj\r\nX-Evil: 1", "../../v1/flows/xxxxxx", ""};
    apconn_update_request u;
    size_t i;
    memset(&u, 0, sizeof u);
    fixture();
    st_conn(&st);
    CHECK_EQ(apconn_connection_update(&client, ID, &u, &conn, &err), APCONN_ERR_REQUIRED);
    CHECK_STR(err.field, "displayName");
    u.display_name = "";
    CHECK_EQ(apconn_connection_update(&client, ID, &u, &conn, &err), APCONN_ERR_REQUIRED);
    u.display_name = "N";
    for (i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        CHECK_EQ(apconn_connection_update(&client, bad_ids[i], &u, &conn, &err), APCONN_ERR_ARGUMENT);
        CHECK_STR(err.field, "id");
        CHECK_EQ(apconn_connection_delete(&client, bad_ids[i], &err), APCONN_ERR_ARGUMENT);
    }
    CHECK_EQ(apconn_connection_delete(&client, NULL, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(st.sent_len, 0);
}
static void update_of_unknown_id_is_an_http_error(void) {
    apconn_update_request u;
    memset(&u, 0, sizeof u);
    u.display_name = "N";
    serve(json_response("500 Internal Server Error", "{\"statusCode\":500,\"error\":\"Internal Server Error\",\"message\":\"boom\"}"));
    CHECK_EQ(apconn_connection_update(&client, ID, &u, &conn, &err), APCONN_ERR_HTTP_STATUS);
    CHECK_EQ(err.http_status, 500);
#ifdef APCONN_NO_ERROR_DETAILS
    CHECK_STR(err.message, "{\"statusCode\":500,\"error\":\"Internal Server Error\",\"message\":\"boom\"}");
#else
    CHECK_STR(err.message, "boom");
#endif
}

/* ----- list --------------------------------------------------------------------------------------------- */
#define PAGE_JSON                                                                                            \
    "{\"data\":[" CONN_JSON ",{\"id\":\"ZyXwVuTsRqPoNmLkJiHgF\",\"displayName\":\"Second\"}],"                 \
    "\"next\":\"bmV4dF9ZM0psWVhSbFpEb3hOek0xTnpnM01EUTFNREF3\",\"previous\":null}"

static void list_without_filters_sends_no_query(void) {
    apconn_list_request q;
    apconn_page page;
    memset(&q, 0, sizeof q);
    serve(json_response("200 OK", "{\"data\":[],\"next\":null,\"previous\":null}"));
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    expect_request("GET", "/v1/global-connections", NULL);
    CHECK_EQ(page.count, 0);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
}
static void list_sends_every_filter_encoded(void) {
    apconn_list_request q;
    apconn_page page;
    memset(&q, 0, sizeof q);
    q.cursor = "bmV4dF9+/=~";
    q.limit = 25;
    q.piece_name = "@activepieces/piece-slack";
    q.display_name = "a+b c%_\xc3\xbc&x=y";
    q.statuses = APCONN_CONN_STATUS_ACTIVE | APCONN_CONN_STATUS_MISSING | APCONN_CONN_STATUS_ERROR;
    serve(json_response("200 OK", PAGE_JSON));
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    expect_request("GET",
                   "/v1/global-connections?cursor=bmV4dF9%2B%2F%3D~&limit=25&pieceName=%40activepieces%2Fpiece-slack"
                   "&displayName=a%2Bb%20c%25_%C3%BC%26x%3Dy&status=ACTIVE&status=MISSING&status=ERROR",
                   NULL);
    CHECK_EQ(page.count, 0); /* the list call reads the head only */
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, ID);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, "ZyXwVuTsRqPoNmLkJiHgF");
    CHECK_STR(conn.display_name, "Second");
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    CHECK_EQ(page.count, 2);
    CHECK_STR(page.next, "bmV4dF9ZM0psWVhSbFpEb3hOek0xTnpnM01EUTFNREF3");
    CHECK_EQ(page.has_previous, APCONN_NULL);
    check_no_secret(NULL);
}
static void list_single_status_and_control_bytes_are_encoded(void) {
    apconn_list_request q;
    apconn_page page;
    memset(&q, 0, sizeof q);
    q.cursor = "";
    q.display_name = "x\r\nX-Evil: 1";
    q.statuses = APCONN_CONN_STATUS_ERROR;
    serve(json_response("200 OK", "{\"data\":[],\"next\":null,\"previous\":null}"));
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    expect_request("GET", "/v1/global-connections?displayName=x%0D%0AX-Evil%3A%201&status=ERROR", NULL);
}
static void list_unknown_status_bits_are_refused(void) {
    apconn_list_request q;
    apconn_page page;
    memset(&q, 0, sizeof q);
    q.statuses = 8;
    fixture();
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_ERR_ARGUMENT);
    CHECK_STR(err.field, "statuses");
    CHECK_EQ(st.sent_len, 0);
}
/* page.next goes straight into the next request (no copy), and the
   connection is reused once the page was read to its end. */
static void list_reuses_the_connection_for_the_next_page(void) {
    apconn_list_request q;
    apconn_page page;
    static char first[8192], sent[8192];
    memset(&q, 0, sizeof q);
    strcpy(first, json_response("200 OK", PAGE_JSON));
    serve(first); /* the second response comes after the second request */
    if (PROFILE_IDLE_CLOSES) st_conn(&st); /* ...on a connection of its own */
    st_data(&st, json_response("200 OK", "{\"data\":[],\"next\":null,\"previous\":\"cHJldg==\"}"));
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    q.cursor = page.next;
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    CHECK_EQ(page.has_next, APCONN_NULL);
    CHECK_STR(page.previous, "cHJldg==");
    CHECK_EQ(st.connects, 1 + PROFILE_IDLE_CLOSES);
    st_sent_on(&st, PROFILE_IDLE_CLOSES, sent, sizeof sent);
    CHECK(strstr(sent, "GET /api/v1/global-connections?cursor=bmV4dF9ZM0psWVhSbFpEb3hOek0xTnpnM01EUTFNREF3 HTTP/1.1\r\n") != NULL);
    check_no_secret(NULL);
}

/* The token array bounds one item, not the page: a page with more tokens
   than the client holds is read whole. */
static void list_page_with_more_tokens_than_the_client_holds_is_read(void) {
    static char body[WORK_SIZE], resp[8192], want[16];
    apconn_list_request q;
    apconn_page page;
    apconn_status s;
    size_t n = 0;
    int i, items = 0;
    n += (size_t)sprintf(body + n, "{\"data\":[");
    for (i = 0; i < TOKENS; i++) n += (size_t)sprintf(body + n, "%s{\"id\":\"x%d\"}", i ? "," : "", i);
    sprintf(body + n, "],\"next\":null,\"previous\":null}");
    strcpy(resp, json_response("200 OK", body));
    memset(&q, 0, sizeof q);
    serve(resp);
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    while ((s = apconn_page_next(&page, &conn, &err)) == APCONN_OK) {
        sprintf(want, "x%d", items++);
        CHECK_STR(conn.id, want);
    }
    CHECK_EQ(s, APCONN_END);
    CHECK_EQ(items, TOKENS);
    CHECK_EQ(page.count, TOKENS);
}

/* One item with more tokens than the client holds is reported with the
   count it needs and skipped; the items around it are read. */
static void list_item_with_more_tokens_than_the_client_holds_is_reported(void) {
    static char body[WORK_SIZE], resp[8192];
    apconn_list_request q;
    apconn_page page;
    size_t n = 0;
    int i;
    n += (size_t)sprintf(body + n, "{\"data\":[{\"id\":\"a\"},{\"id\":\"big\",\"projectIds\":[");
    for (i = 0; i < TOKENS + 44; i++) n += (size_t)sprintf(body + n, "%s\"p%d\"", i ? "," : "", i);
    sprintf(body + n, "]},{\"id\":\"c\"}],\"next\":null,\"previous\":null}");
    strcpy(resp, json_response("200 OK", body));
    memset(&q, 0, sizeof q);
    serve(resp);
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, "a");
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_JSON_TOKENS);
    CHECK_STR(err.field, "data[1]");
    CHECK_EQ(err.needed, 1 + 2 + 2 + TOKENS + 44); /* object, id, projectIds and its ids */
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, "c");
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    CHECK_EQ(page.count, 3);
}

/* ----- delete -------------------------------------------------------------------------------------------- */
static void delete_204_is_ok(void) {
    serve("HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n");
    CHECK_EQ(apconn_connection_delete(&client, ID, &err), APCONN_OK);
    expect_request("DELETE", "/v1/global-connections/" ID, NULL);
    CHECK_EQ(st.closes, PROFILE_IDLE_CLOSES);
    check_no_secret(NULL);
}
static void delete_200_is_tolerated(void) {
    serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    CHECK_EQ(apconn_connection_delete(&client, ID, &err), APCONN_OK);
}
static void delete_404_is_not_found(void) {
#define ID404 "Zy9Xw8Vu7Ts6Rq5Po4Nm3" /* ID is part of KEY: server text that repeats it would be redacted */
    char line[APCONN_ERROR_TEXT_SIZE];
    serve(json_response("404 Not Found", "{\"code\":\"ENTITY_NOT_FOUND\",\"params\":{\"entityType\":\"AppConnection\","
                                         "\"entityId\":\"" ID404 "\"}}"));
    CHECK_EQ(apconn_connection_delete(&client, ID404, &err), APCONN_ERR_NOT_FOUND);
    CHECK_EQ(err.status, APCONN_ERR_NOT_FOUND);
    CHECK_EQ(err.http_status, 404);
    apconn_error_format(&err, line, sizeof line);
#ifdef APCONN_NO_ERROR_DETAILS /* the excerpt: the body's first APCONN_ERROR_EXCERPT_SIZE bytes */
    CHECK_STR(err.code, "");
    CHECK_EQ(strlen(err.message), APCONN_ERROR_EXCERPT_SIZE);
    CHECK(strstr(line, ": HTTP 404: {\"code\":\"ENTITY_NOT_FOUND\",\"params\":{\"entityType\":") != NULL);
#else
    CHECK_STR(err.code, "ENTITY_NOT_FOUND");
    CHECK_STR(line, "no such connection (already gone, or never existed): HTTP 404 ENTITY_NOT_FOUND: entityType=AppConnection entityId=" ID404);
#endif
}
static void delete_other_status_is_an_http_error(void) {
    serve(json_response("402 Payment Required", "{\"code\":\"FEATURE_DISABLED\",\"params\":{\"message\":\"Feature is disabled\"}}"));
    CHECK_EQ(apconn_connection_delete(&client, ID, &err), APCONN_ERR_HTTP_STATUS);
    CHECK_EQ(err.http_status, 402);
#ifdef APCONN_NO_ERROR_DETAILS
    CHECK_STR(err.code, "");
    CHECK_STR(err.message, "{\"code\":\"FEATURE_DISABLED\",\"params\":{\"message\":\"Feature is disabled\"}}");
#else
    CHECK_STR(err.code, "FEATURE_DISABLED");
    CHECK_STR(err.message, "Feature is disabled");
#endif
}
static void delete_is_retried_on_a_stale_connection(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    st_eof(&st);
    st_conn(&st);
    st_data(&st, json_response("404 Not Found", "{\"code\":\"ENTITY_NOT_FOUND\",\"params\":{}}"));
    CHECK_EQ(apconn_connection_delete(&client, ID, &err), APCONN_OK);
    CHECK_EQ(apconn_connection_delete(&client, ID, &err), APCONN_ERR_NOT_FOUND);
    CHECK_EQ(st.connects, 2);
}
#ifndef APCONN_NO_KEEPALIVE_PROBE /* no connection is reused: nothing goes stale */
static void upsert_is_not_resent_on_a_stale_connection(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_SECRET_TEXT);
    r.value.secret_text = "xoxb-TOPSECRET";
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    st_eof(&st);
    st_conn(&st);
    st_data(&st, json_response("201 Created", CONN_JSON));
    CHECK_EQ(apconn_connection_delete(&client, ID, &err), APCONN_OK);
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_CLOSED);
    CHECK_EQ(st.connects, 1);
    check_no_secret("xoxb-TOPSECRET");
}
#endif
static void log_has_no_secret_for_the_four_calls(void) {
    apconn_upsert_request r = base_upsert(APCONN_TYPE_SECRET_TEXT);
    r.value.secret_text = "xoxb-TOPSECRET";
    serve(json_response("201 Created", CONN_JSON));
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_OK);
    /* the body's size when it came with the head, else it is streamed */
    snprintf(response, sizeof response, "POST /v1/global-connections -> 201 (%u bytes)\n", (unsigned)strlen(CONN_JSON));
    CHECK(strcmp(log_lines, response) == 0 || strcmp(log_lines, "POST /v1/global-connections -> 201 (body streamed)\n") == 0);
    check_no_secret("xoxb-TOPSECRET");
}

int main(void) {
    RUN3(upsert_secret_text_with_every_optional_field);
    RUN3(upsert_pre_select_false_is_sent);
    RUN3(upsert_basic_auth);
    RUN3(upsert_custom_auth_and_oidc);
    RUN3(upsert_no_auth);
    RUN3(upsert_oauth2_with_every_member);
    RUN3(upsert_oauth2_sends_empty_scope_when_unset);
    RUN3(upsert_cloud_oauth2);
    RUN3(upsert_platform_oauth2);
    RUN3(upsert_accepts_200);
#ifndef APCONN_NO_VALUE_JSON
    RUN3(upsert_value_json_gets_the_type_written_first);
#endif
#ifndef APCONN_NO_VALUE_JSON
    RUN3(upsert_value_json_empty_object_for_no_auth);
#endif
#ifndef APCONN_NO_VALUE_JSON
    RUN3(upsert_value_json_props_object);
#endif
#ifndef APCONN_NO_VALUE_JSON
    RUN3(upsert_value_json_with_whitespace);
#endif
#ifdef APCONN_NO_VALUE_JSON
    RUN3(upsert_value_json_is_refused_when_not_built_in);
#else
    RUN3(upsert_value_json_with_type_is_refused);
#endif
#ifndef APCONN_NO_VALUE_JSON
    RUN3(upsert_value_json_with_escaped_key_is_refused);
#endif
#ifndef APCONN_NO_VALUE_JSON
    RUN3(upsert_value_json_missing_or_empty_member_is_required);
#endif
#ifndef APCONN_NO_VALUE_JSON
    RUN3(upsert_value_json_must_be_a_valid_object);
#endif
    RUN3(upsert_required_members_per_type);
    RUN3(upsert_props_must_be_an_object);
    RUN3(upsert_common_fields_are_checked);
    RUN3(out_of_range_enums_are_refused_naming_their_field);
#ifndef APCONN_NO_VALUE_JSON
    RUN3(value_json_with_more_tokens_than_the_client_holds_is_refused);
#endif
    RUN3(upsert_body_too_large_for_the_buffer_is_refused_and_wiped);
    RUN3(upsert_error_status_gives_server_code_and_message);
    RUN3(fastify_error_shape_is_read);
    RUN3(html_502_gives_a_printable_excerpt);
    RUN3(excerpt_turns_c1_controls_into_spaces);
    RUN3(success_status_without_json_is_unexpected);
    RUN3(success_status_with_bad_json_is_a_json_error);
    RUN3(update_sends_every_field);
    RUN3(update_leaves_project_ids_out_when_null);
    RUN3(update_requires_a_display_name_and_a_good_id);
    RUN3(update_of_unknown_id_is_an_http_error);
    RUN3(list_without_filters_sends_no_query);
    RUN3(list_sends_every_filter_encoded);
    RUN3(list_single_status_and_control_bytes_are_encoded);
    RUN3(list_unknown_status_bits_are_refused);
    RUN3(list_reuses_the_connection_for_the_next_page);
    RUN3(list_page_with_more_tokens_than_the_client_holds_is_read);
    RUN3(list_item_with_more_tokens_than_the_client_holds_is_reported);
    RUN3(delete_204_is_ok);
    RUN3(delete_200_is_tolerated);
    RUN3(delete_404_is_not_found);
    RUN3(delete_other_status_is_an_http_error);
    RUN3(delete_is_retried_on_a_stale_connection);
#ifndef APCONN_NO_KEEPALIVE_PROBE
    RUN3(upsert_is_not_resent_on_a_stale_connection);
#endif
    RUN3(log_has_no_secret_for_the_four_calls);
    fixture_unused();
    return harness_summary("test_api");
}
