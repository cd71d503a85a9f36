/* Edges of HTTP framing and of apconn_http_request's arguments: whitespace
   inside header lists and the status line, Content-Type parameters, request
   pieces the caller placed in the work buffer. Every response case runs in
   the three delivery modes (whole, one byte per read, random splits). */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "http_fixture.h"

#define PATH "/v1/global-connections"

static apconn_response resp;
static apconn_error err;

static apconn_status get(const char *text) {
    fixture();
    st_conn(&st);
    st_data(&st, text);
    return apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err);
}

/* ----- status line and header lists ----------------------------------------- */
static void reason_phrase_may_hold_tabs(void) {
    CHECK_EQ(get("HTTP/1.1 200 O\tK\r\nContent-Length: 2\r\n\r\nok"), APCONN_OK);
    CHECK_EQ(resp.status, 200);
    CHECK_EQ(resp.body_len, 2);
    CHECK_STR(resp.body, "ok");
}

/* RFC 9110 §5.6.1: OWS around list elements, and empty elements, are allowed. */
static void connection_list_elements_are_trimmed_of_spaces_and_tabs(void) {
    static const char *const closing[] = {
        "Connection: keep-alive,\tclose\r\n",   /* a tab before an element */
        "Connection: close \t, keep-alive\r\n", /* spaces and tabs after one */
        "Connection: ,close\r\n",               /* an empty element first */
        "Connection: keep-alive, ,\t,close\r\n",
    };
    char text[128];
    size_t i;
    for (i = 0; i < sizeof closing / sizeof closing[0]; i++) {
        sprintf(text, "HTTP/1.1 204 No Content\r\n%s\r\n", closing[i]);
        CHECK_EQ(get(text), APCONN_OK);
        CHECK_EQ(resp.status, 204);
        CHECK_EQ(st.closes, 1);
    }
    CHECK_EQ(get("HTTP/1.1 204 No Content\r\nConnection: ,\t, keep-alive ,\r\n\r\n"), APCONN_OK);
    CHECK_EQ(st.closes, PROFILE_IDLE_CLOSES);
}

static void repeated_content_length_in_a_list_may_carry_whitespace(void) {
    CHECK_EQ(get("HTTP/1.1 200 OK\r\nContent-Length: 2 ,\t2\t, 2\r\n\r\nok"), APCONN_OK);
    CHECK_EQ(resp.body_len, 2);
    CHECK_EQ(get("HTTP/1.1 200 OK\r\nContent-Length: 2 , 3\r\n\r\nok"), APCONN_ERR_HTTP_LENGTH);
    CHECK_EQ(get("HTTP/1.1 200 OK\r\nContent-Length: 2,\r\n\r\nok"), APCONN_ERR_HTTP_LENGTH); /* an empty element */
}

static void empty_transfer_encoding_is_unsupported(void) {
    CHECK_EQ(get("HTTP/1.1 200 OK\r\nTransfer-Encoding: \r\n\r\n"), APCONN_ERR_HTTP_UNSUPPORTED);
    CHECK_EQ(err.status, APCONN_ERR_HTTP_UNSUPPORTED);
    CHECK_EQ(err.http_status, 200);
}

/* application/json, alone or followed by OWS or ';' parameters: nothing else. */
static void content_type_json_may_be_followed_by_whitespace_and_parameters(void) {
    static const struct { const char *type; int json; } cases[] = {
        {"application/json", 1},
        {"Application/JSON", 1},
        {"application/json ;charset=utf-8", 1},
        {"application/json\t; charset=utf-8", 1},
        {"application/json;charset=utf-8", 1},
        {"application/jsonx", 0},
        {"application/json-seq", 0},
        {"application/problem+json", 0},
        {"text/json", 0},
    };
    char text[160];
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sprintf(text, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: 2\r\n\r\n{}", cases[i].type);
        CHECK_EQ(get(text), APCONN_OK);
        CHECK_EQ(resp.is_json, cases[i].json);
        if (resp.is_json != cases[i].json) printf("    case: %s\n", cases[i].type);
    }
}

/* ----- apconn_http_request arguments ---------------------------------------- */
static void request_without_client_method_or_path_is_refused_unsent(void) {
    apconn_client zero;
    fixture();
    st_conn(&st);
    memset(&zero, 0, sizeof zero);
    CHECK_EQ(apconn_http_request(NULL, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_http_request(&zero, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_http_request(&client, NULL, PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_http_request(&client, "GET", NULL, NULL, NULL, 0, &resp, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, NULL, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(err.status, APCONN_ERR_ARGUMENT);
    CHECK_EQ(st.connects, 0);
    CHECK_EQ(st.sent_len, 0);
}

/* A method is one or more upper-case letters (RFC 9110 §9.1 tokens; every
   method apconn sends is upper case). */
static void method_must_be_upper_case_letters(void) {
    static const char *const bad[] = {"", "get", "Get", "GET ", "G-T", "GET\r\n"};
    size_t i;
    fixture();
    st_conn(&st);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_EQ(apconn_http_request(&client, bad[i], PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_ARGUMENT);
        CHECK_EQ(err.status, APCONN_ERR_ARGUMENT);
    }
    CHECK_EQ(st.connects, 0);
    CHECK_EQ(st.sent_len, 0);
}

/* The head goes after every request piece that lies in the work buffer,
   whatever their order there. */
static void request_pieces_in_the_work_buffer_may_come_in_any_order(void) {
    char *query = (char *)work, *body = (char *)work + 64;
    char sent[1024];
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    strcpy(query, "a=1");
    memcpy(body, "{\"x\":1}", 7);
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, query, body, 7, &resp, &err), APCONN_OK);
    CHECK_EQ(resp.status, 204);
    st_sent_on(&st, 0, sent, sizeof sent);
    CHECK(strncmp(sent, "POST /api" PATH "?a=1 HTTP/1.1\r\n", strlen("POST /api" PATH "?a=1 HTTP/1.1\r\n")) == 0);
    CHECK(strstr(sent, "Content-Length: 7\r\n") != NULL);
    CHECK_EQ(strlen(sent) > 7 ? strcmp(sent + strlen(sent) - 7, "{\"x\":1}") : 1, 0);
    CHECK_EQ(work[0], 0); /* the pieces are wiped once the call ends */
    CHECK_EQ(work[64], 0);
    check_no_secret("{\"x\":1}");
}

/* A piece that runs past the end of the work buffer leaves no room there
   for the head: refused before anything is sent, and the buffer wiped. */
static void request_piece_running_past_the_work_buffer_leaves_no_room(void) {
    size_t i, nonzero = 0;
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, (const char *)work + WORK_SIZE - 4, 10, &resp, &err),
             APCONN_ERR_BUFFER_FULL);
    CHECK_EQ(err.status, APCONN_ERR_BUFFER_FULL);
    CHECK_EQ(st.connects, 0);
    CHECK_EQ(st.sent_len, 0);
    for (i = 0; i < WORK_SIZE; i++) nonzero += work[i] != 0;
    CHECK_EQ(nonzero, 0);
}

/* A refused request says why it was refused, even when its pieces also
   fill the work buffer. */
static void refused_request_filling_the_work_buffer_reports_the_refusal(void) {
    fixture();
    st_conn(&st);
    memset(work, 'x', WORK_SIZE);
    CHECK_EQ(apconn_http_request(&client, "post", PATH, NULL, (const char *)work, WORK_SIZE, &resp, &err),
             APCONN_ERR_ARGUMENT);
    CHECK_EQ(err.status, APCONN_ERR_ARGUMENT);
    CHECK_EQ(st.sent_len, 0);
    CHECK_EQ(work[0], 0);
    CHECK_EQ(work[WORK_SIZE - 1], 0);
}

int main(void) {
    RUN3(reason_phrase_may_hold_tabs);
    RUN3(connection_list_elements_are_trimmed_of_spaces_and_tabs);
    RUN3(repeated_content_length_in_a_list_may_carry_whitespace);
    RUN3(empty_transfer_encoding_is_unsupported);
    RUN3(content_type_json_may_be_followed_by_whitespace_and_parameters);
    RUN(request_without_client_method_or_path_is_refused_unsent);
    RUN(method_must_be_upper_case_letters);
    RUN3(request_pieces_in_the_work_buffer_may_come_in_any_order);
    RUN(request_piece_running_past_the_work_buffer_leaves_no_room);
    RUN(refused_request_filling_the_work_buffer_reports_the_refusal);
    fixture_unused();
    return harness_summary("test_edge_http_framing");
}
