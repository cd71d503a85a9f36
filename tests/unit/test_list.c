/* apconn_connection_list and apconn_page_next: the query for every filter,
   encoded, and what does not fit the work buffer; pages read over one kept connection; what a page holds after a
   failed list; and the rule that a page is stale once any other call has
   used the client. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "call_fixture.h"

#define PAGE_JSON                                                                                            \
    "{\"data\":[" CONN_JSON ",{\"id\":\"ZyXwVuTsRqPoNmLkJiHgF\",\"displayName\":\"Second\"}],"                 \
    "\"next\":\"bmV4dF9ZM0psWVhSbFpEb3hOek0xTnpnM01EUTFNREF3\",\"previous\":null}"

/* ----- the query ------------------------------------------------------------------------------- */
static void list_without_filters_sends_no_query(void) {
    apconn_list_request q;
    memset(&q, 0, sizeof q);
    serve(json_response("200 OK", "{\"data\":[],\"next\":null,\"previous\":null}"));
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    expect_request("GET", "/v1/global-connections", NULL);
    CHECK_EQ(page.count, 0);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
}
static void list_sends_every_filter_encoded(void) {
    apconn_list_request q;
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
    memset(&q, 0, sizeof q);
    q.statuses = 8;
    fixture();
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_ERR_ARGUMENT);
    CHECK_STR(err.field, "statuses");
    CHECK_EQ(st.sent_len, 0);
}
static void list_query_that_fills_the_buffer_is_refused(void) {
    static char cursor[WORK_SIZE];
    apconn_list_request q;
    memset(&q, 0, sizeof q);
    memset(cursor, '/', WORK_SIZE / 3); /* each '/' becomes %2F: the query needs the whole buffer */
    cursor[WORK_SIZE / 3] = '\0';
    q.cursor = cursor;
    fixture();
    st_conn(&st);
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_ERR_BUFFER_FULL);
    CHECK_EQ(st.sent_len, 0);
    CHECK_EQ(apconn_page_next(&page, &conn, &err) == APCONN_OK, 0);
}

static void list_without_client_request_or_output_is_refused_unsent(void) {
    apconn_list_request l;
    apconn_client zero;
    memset(&l, 0, sizeof l);
    memset(&zero, 0, sizeof zero);
    serve(json_response("200 OK", SHORT_CONN_JSON));
    CHECK_EQ(apconn_connection_list(NULL, &l, &page, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_list(&zero, &l, &page, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_list(&client, NULL, &page, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END); /* the failed list left no items */
    CHECK_EQ(apconn_connection_list(&client, &l, NULL, &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(st.connects, 0);
    CHECK_EQ(st.sent_len, 0);
}
/* A cursor the caller placed in the work buffer is moved to its end before
   the query is written; one that fills the whole buffer leaves no room. */
static void list_cursor_filling_the_work_buffer_leaves_no_room_for_the_query(void) {
    apconn_list_request l;
    memset(&l, 0, sizeof l);
    fixture();
    st_conn(&st);
    memset(work, 'c', WORK_SIZE - 1);
    work[WORK_SIZE - 1] = '\0';
    l.cursor = (const char *)work;
    CHECK_EQ(apconn_connection_list(&client, &l, &page, &err), APCONN_ERR_BUFFER_FULL);
    CHECK_STR(err.field, "query");
    CHECK_EQ(st.sent_len, 0);
}

/* ----- pages ----------------------------------------------------------------------------------- */
/* page.next goes straight into the next request (no copy), and the
   connection is reused once the page was read to its end. */
static void list_reuses_the_connection_for_the_next_page(void) {
    apconn_list_request q;
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
    static char body[WORK_SIZE], answer[8192], want[16];
    apconn_list_request q;
    apconn_status s;
    size_t n = 0;
    int i, items = 0;
    n += (size_t)sprintf(body + n, "{\"data\":[");
    for (i = 0; i < TOKENS; i++) n += (size_t)sprintf(body + n, "%s{\"id\":\"x%d\"}", i ? "," : "", i);
    sprintf(body + n, "],\"next\":null,\"previous\":null}");
    strcpy(answer, json_response("200 OK", body));
    memset(&q, 0, sizeof q);
    serve(answer);
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
    static char body[WORK_SIZE], answer[8192];
    apconn_list_request q;
    size_t n = 0;
    int i;
    n += (size_t)sprintf(body + n, "{\"data\":[{\"id\":\"a\"},{\"id\":\"big\",\"projectIds\":[");
    for (i = 0; i < TOKENS + 44; i++) n += (size_t)sprintf(body + n, "%s\"p%d\"", i ? "," : "", i);
    sprintf(body + n, "]},{\"id\":\"c\"}],\"next\":null,\"previous\":null}");
    strcpy(answer, json_response("200 OK", body));
    memset(&q, 0, sizeof q);
    serve(answer);
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
static void zeroed_page_has_no_items(void) {
    apconn_page zero;
    memset(&zero, 0, sizeof zero);
    CHECK_EQ(apconn_page_next(&zero, &conn, &err), APCONN_END);
    CHECK_EQ(apconn_page_next(&zero, &conn, &err), APCONN_END);
}
/* Fixed defect: apconn_connection_list returns early on any HTTP/status failure and leaves
   *page as the previous call left it: apconn_page_next then walks the old
   token indices over the new work buffer contents (stale or garbage items)
   instead of APCONN_END. apconn_parse_page already zeroes count on failure;
   list must do the same before the exchange. (Streamed pages: the first
   page is abandoned half-read, so the second list may run on a new
   connection: the 500 is served on either.) */
static void failed_list_leaves_a_page_with_no_items(void) {
    apconn_list_request q;
    apconn_status s;
    memset(&q, 0, sizeof q);
    fixture();
    st_conn(&st);
    st_data(&st, json_response_in(scratch, sizeof scratch, "200 OK",
                               "{\"data\":[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"}],\"next\":null}"));
    st_data(&st, json_response_in(scratch2, sizeof scratch2, "500 Internal Server Error",
                               "{\"statusCode\":500,\"error\":\"Internal Server Error\",\"message\":\"boom\"}"));
    st_conn(&st);
    st_data(&st, scratch2);
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_ERR_HTTP_STATUS);
    CHECK_EQ(err.http_status, 500);
    s = apconn_page_next(&page, &conn, &err);
    CHECK(s == APCONN_END || s == APCONN_ERR_HTTP_STATUS);
    CHECK(conn.id == NULL);
}
/* A page's items live in the work buffer: "list, then delete each item while
   iterating" read whatever the delete left there. Every call that reuses the
   buffer (or the tokens) makes an earlier page stale, and page_next says so. */
static void page_used_after_another_call_is_stale(void) {
    apconn_list_request q;
    apconn_upsert_request r = secret_upsert();
    memset(&q, 0, sizeof q);
    fixture();
    st_conn(&st);
    st_data(&st, json_response_in(scratch, sizeof scratch, "200 OK", THREE_ITEMS));
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    st_conn(&st); /* the page was left half-read: the delete may need a new connection */
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, "a");
    CHECK_EQ(apconn_connection_delete(&client, ID, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_PAGE_STALE);
    CHECK_EQ(err.status, APCONN_ERR_PAGE_STALE);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_PAGE_STALE); /* stays stale */
    /* the rule is "the next call", even one refused before it sent anything */
    fixture();
    st_conn(&st);
    st_data(&st, json_response_in(scratch, sizeof scratch, "200 OK", THREE_ITEMS));
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    r.display_name = NULL;
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_REQUIRED);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_PAGE_STALE);
    /* and after apconn_client_close, even at the end of the page */
    fixture();
    st_conn(&st);
    st_data(&st, json_response_in(scratch, sizeof scratch, "200 OK", "{\"data\":[],\"next\":null}"));
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    apconn_client_close(&client);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_PAGE_STALE);
}
/* apconn_parse_page over the caller's own copy has no client to go stale. */
static void page_from_parse_page_never_goes_stale(void) {
    static char json[] = THREE_ITEMS;
    static apconn_token own[64];
    static unsigned char own_work[512];
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_parse_page(json, strlen(json), own_work, sizeof own_work, own, 64, &page, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_EQ(apconn_connection_delete(&client, ID, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_STR(conn.id, "b");
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
}

int main(void) {
    RUN3(list_without_filters_sends_no_query);
    RUN3(list_sends_every_filter_encoded);
    RUN3(list_single_status_and_control_bytes_are_encoded);
    RUN3(list_unknown_status_bits_are_refused);
    RUN(list_query_that_fills_the_buffer_is_refused);
    RUN(list_without_client_request_or_output_is_refused_unsent);
    RUN(list_cursor_filling_the_work_buffer_leaves_no_room_for_the_query);
    RUN3(list_reuses_the_connection_for_the_next_page);
    RUN3(list_page_with_more_tokens_than_the_client_holds_is_read);
    RUN3(list_item_with_more_tokens_than_the_client_holds_is_reported);
    RUN(zeroed_page_has_no_items);
    RUN3(failed_list_leaves_a_page_with_no_items);
    RUN(page_used_after_another_call_is_stale);
    RUN(page_from_parse_page_never_goes_stale);
    call_fixture_unused();
    return harness_summary("list");
}
