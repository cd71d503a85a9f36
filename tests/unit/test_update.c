/* apconn_connection_update: the request compared byte for byte, project_ids
   left out when NULL, the checks made before sending (a body larger than the
   work buffer included), and an unknown id. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "call_fixture.h"

/* ----- update ---------------------------------------------------------------------------------- */
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

static void update_without_client_request_or_output_is_refused_unsent(void) {
    apconn_update_request q;
    apconn_client zero;
    memset(&q, 0, sizeof q);
    memset(&zero, 0, sizeof zero);
    q.display_name = "x";
    serve(json_response("200 OK", SHORT_CONN_JSON));
    CHECK_EQ(apconn_connection_update(NULL, ID, &q, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_update(&zero, ID, &q, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_update(&client, ID, NULL, &conn, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_update(&client, ID, &q, NULL, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(st.connects, 0);
    CHECK_EQ(st.sent_len, 0);
}
static void update_body_larger_than_the_work_buffer_is_refused_unsent_and_wiped(void) {
    apconn_update_request q;
    char name[200];
    size_t i, nonzero = 0;
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    memset(&q, 0, sizeof q);
    q.display_name = name;
    fixture();
    st_conn(&st);
    CHECK_EQ(apconn_client_init(&client, URL, KEY, &st.t, work, 128, tokens, TOKENS, &err), APCONN_OK);
    CHECK_EQ(apconn_connection_update(&client, ID, &q, &conn, &err), APCONN_ERR_BUFFER_FULL);
    CHECK_EQ(err.status, APCONN_ERR_BUFFER_FULL);
    CHECK_EQ(st.sent_len, 0);
    for (i = 0; i < 128; i++) nonzero += work[i] != 0;
    CHECK_EQ(nonzero, 0);
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

int main(void) {
    RUN3(update_sends_every_field);
    RUN3(update_leaves_project_ids_out_when_null);
    RUN3(update_requires_a_display_name_and_a_good_id);
    RUN(update_without_client_request_or_output_is_refused_unsent);
    RUN(update_body_larger_than_the_work_buffer_is_refused_unsent_and_wiped);
    RUN3(update_of_unknown_id_is_an_http_error);
    call_fixture_unused();
    return harness_summary("update");
}
