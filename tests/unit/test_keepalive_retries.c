/* Keep-alive and retries: when a connection is kept, closed or reused; which
   failures are retried (a stale kept-alive connection, 429/503, a connect
   failure), how long apconn waits (Retry-After, backoff, the deadline), and
   what is never resent (a POST, after a certificate failure). */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "call_fixture.h"

/* ----- keep-alive ------------------------------------------------------------------------------ */
#ifndef APCONN_NO_KEEPALIVE_PROBE
static void keep_alive_reuses_one_connection(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na");
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_OK);
    CHECK_STR(resp.body, "a");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_OK);
    CHECK_STR(resp.body, "b");
    CHECK_EQ(st.connects, 1);
    CHECK_EQ(st.closes, 0);
    apconn_client_close(&client);
    CHECK_EQ(st.closes, 1);
}
#endif
#ifdef APCONN_NO_KEEPALIVE_PROBE
/* No probe: every call opens a connection of its own and closes it when the
   response is read, so nothing an idle connection holds is ever read. */
static void without_the_probe_each_call_has_its_own_connection(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na");
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nX"); /* would be read if it were reused */
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_OK);
    CHECK_STR(resp.body, "a");
    CHECK_EQ(st.closes, 1);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_OK);
    CHECK_STR(resp.body, "b");
    CHECK_EQ(st.connects, 2);
    CHECK_EQ(st.closes, 2);
}
#endif
static void http10_without_keep_alive_closes(void) {
    CHECK_EQ(get_with("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 0), APCONN_OK);
    CHECK_STR(resp.body, "ok");
    CHECK_EQ(st.closes, 1);
    CHECK_EQ(get_with("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok", 0), APCONN_OK);
    CHECK_EQ(st.closes, PROFILE_IDLE_CLOSES);
}
/* Fixed defect: RFC 9112 §6.1: a client receiving HTTP/1.0 with Transfer-Encoding MUST treat
   the framing as faulty and close the connection after the message. apconn
   decodes it and, with "Connection: keep-alive", reuses the connection. */
static void http10_with_transfer_encoding_is_never_kept_alive(void) {
    CHECK_EQ(get_once("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "2\r\nok\r\n0\r\n\r\n"), APCONN_OK);
    CHECK_EQ(st.closes, 1);
    CHECK_EQ(client.apconn__connected, 0);
}
static void connection_close_header_closes(void) {
    CHECK_EQ(get_with("HTTP/1.1 400 Bad Request\r\nConnection: foo, CLOSE\r\nContent-Length: 2\r\n\r\nno", 0), APCONN_OK);
    CHECK_EQ(resp.status, 400);
    CHECK_EQ(st.closes, 1);
}

/* RFC 9110 §5.6.1: OWS around list elements, and empty elements, are allowed. */
static void connection_close_is_found_in_a_list_with_spaces_tabs_and_empty_elements(void) {
    static const char *const closing[] = {
        "Connection: keep-alive,\tclose\r\n",   /* a tab before an element */
        "Connection: close \t, keep-alive\r\n", /* spaces and tabs after one */
        "Connection: ,close\r\n",               /* an empty element first */
        "Connection: keep-alive, ,\t,close\r\n",
    };
    char text[128];
    size_t i;
    for (i = 0; i < sizeof closing / sizeof closing[0]; i++) {
        int was = case_begin();
        sprintf(text, "HTTP/1.1 204 No Content\r\n%s\r\n", closing[i]);
        CHECK_EQ(get_with(text, END_SILENT), APCONN_OK);
        CHECK_EQ(resp.status, 204);
        CHECK_EQ(st.closes, 1);
        case_end(was, i);
    }
    CHECK_EQ(get_with("HTTP/1.1 204 No Content\r\nConnection: ,\t, keep-alive ,\r\n\r\n", END_SILENT), APCONN_OK);
    CHECK_EQ(st.closes, PROFILE_IDLE_CLOSES);
}
static void no_content_with_a_body_in_the_same_read_drops_the_connection(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\nContent-Length: 45\r\n\r\n"
                 "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil");
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ngood");
    CHECK_EQ(get(), APCONN_OK);
    CHECK_EQ(resp.status, 204);
    CHECK_EQ(resp.body_len, 0);
    CHECK_EQ(get(), APCONN_OK);
    CHECK_STR(resp.body, "good");
    CHECK_EQ(st.connects, 2);
}
static void bytes_past_a_response_in_the_same_read_are_never_the_next_response(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                 "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil");
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ngood");
    CHECK_EQ(get(), APCONN_OK);
    CHECK_STR(resp.body, "ok");
    CHECK_EQ(st.closes, 1);
    CHECK_EQ(get(), APCONN_OK);
    CHECK_STR(resp.body, "good");
}
/* Bytes that arrive on an idle keep-alive connection (a late duplicate, a
   204 "body" in its own segment, a desynced peer) are read as the answer to
   the NEXT request unless apconn checks an idle connection before reuse:
   recv() with timeout 0; any byte, EOF or error means close and reconnect. */
static void early_bytes_on_an_idle_connection_are_never_the_next_response(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    st_early(&st, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil"); /* sent before any 2nd request */
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ngood");
    CHECK_EQ(get(), APCONN_OK);
    CHECK_STR(resp.body, "ok");
    CHECK_EQ(get(), APCONN_OK);
    CHECK_STR(resp.body, "good");
}

/* ----- a stale connection ---------------------------------------------------------------------- */
/* One 204 on a connection that the server then drops (drop: st_eof, st_reset
   or st_cut), and a second connection that answers with `answer`. */
static void script_stale(void (*drop)(scripted_transport *), const char *answer) {
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    drop(&st);
    st_conn(&st);
    st_data(&st, answer);
}
static void stale_connection_is_retried_once_for_get_and_delete(void) {
    const char *m[2] = {"GET", "DELETE"};
    int i;
    for (i = 0; i < 2; i++) {
        fixture();
        /* the server dropped the idle connection */
        script_stale(st_eof, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        CHECK_EQ(apconn_http_request(&client, m[i], PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
        CHECK_EQ(apconn_http_request(&client, m[i], PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
        CHECK_STR(resp.body, "ok");
        CHECK_EQ(st.connects, 2);
        CHECK_EQ(st.sleeps, 0);
    }
}
static void stale_connection_reset_is_retried_too(void) {
    fixture();
    client.max_retries = 0; /* the stale retry is not counted */
    script_stale(st_reset, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(st.connects, 2);
}
static void stale_connection_cut_before_the_response_is_retried(void) {
    fixture();
    /* a TLS server dropped the idle connection without close_notify */
    script_stale(st_cut, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_STR(resp.body, "ok");
    CHECK_EQ(st.connects, 2);
}
#ifndef APCONN_NO_KEEPALIVE_PROBE /* no connection is reused */
static void stale_connection_cut_inside_a_body_is_not_retried(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab");
    st_cut(&st);
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_HTTP_TRUNCATED);
    CHECK_EQ(st.connects, 1);
}
#endif
#ifndef APCONN_NO_KEEPALIVE_PROBE
static void stale_connection_is_not_retried_for_post(void) {
    fixture();
    script_stale(st_eof, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, "{}", 2, &resp, &err), APCONN_OK);
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, "{}", 2, &resp, &err), APCONN_ERR_CLOSED);
    CHECK_EQ(st.connects, 1);
}
#endif
static void stale_post_is_retried_when_the_caller_opts_in(void) {
    fixture();
    client.retry_unsafe_post = 1;
    script_stale(st_eof, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, "{}", 2, &resp, &err), APCONN_OK);
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, "{}", 2, &resp, &err), APCONN_OK);
    CHECK_EQ(st.connects, 2);
}
static void fresh_connection_closed_before_response_is_not_retried(void) {
    fixture();
    st_conn(&st);
    st_eof(&st);
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_CLOSED);
    CHECK_EQ(st.connects, 1);
}

/* ----- 429 and 503 ----------------------------------------------------------------------------- */
#ifdef APCONN_NO_RETRIES
/* No retries: every status and every connect failure comes back from the one attempt. */
static void without_retries_a_503_or_429_is_returned_at_once(void) {
    static const char *const heads[2] = {"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 4\r\n\r\nbusy",
                                         "HTTP/1.1 429 Too Many\r\nContent-Length: 4\r\n\r\nbusy"};
    int i;
    for (i = 0; i < 2; i++) {
        fixture();
        st_conn(&st);
        st_data(&st, heads[i]);
        st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
        CHECK_EQ(resp.status, i ? 429 : 503);
        CHECK_STR(resp.body, "busy");
        CHECK_EQ(st.sleeps, 0);
        CHECK_EQ(st.connects, 1);
    }
}
#endif
#ifndef APCONN_NO_RETRIES
static void retry_after_503_waits_the_server_delay(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, "{}", 2, &resp, &err), APCONN_OK);
    CHECK_EQ(resp.status, 200);
    CHECK_EQ(st.sleeps, 1);
    CHECK_EQ(st.slept_ms, 2000);
    CHECK_EQ(st.connects, 1);
}
static void retry_after_is_clamped(void) {
    fixture();
    client.timeout_ms = 200000;
    st_conn(&st);
    st_data(&st, "HTTP/1.1 429 Too Many\r\nRetry-After: 99999\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(st.slept_ms, APCONN_MAX_RETRY_AFTER_MS);
}
static void huge_retry_after_does_not_overflow_into_a_short_wait(void) {
    fixture();
    client.timeout_ms = 200000;
    st_conn(&st);
    st_data(&st, "HTTP/1.1 429 Slow down\r\nRetry-After: 18446744073709551617\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(get(), APCONN_OK);
    CHECK_EQ(st.slept_ms, APCONN_MAX_RETRY_AFTER_MS);
}
static void retry_after_that_is_not_delay_seconds_falls_back_to_backoff(void) {
    static const char *const values[] = {"-1", "1.5", "", "0x10", "1e3", "3 s"};
    size_t i;
    for (i = 0; i < sizeof values / sizeof values[0]; i++) {
        fixture();
        st_conn(&st);
        snprintf(scratch, sizeof scratch, "HTTP/1.1 503 Busy\r\nRetry-After: %s\r\nContent-Length: 0\r\n\r\n", values[i]);
        st_data(&st, scratch);
        st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
        CHECK_EQ(get(), APCONN_OK);
        CHECK_EQ(resp.status, 204);
        CHECK_EQ(st.slept_ms, APCONN_RETRY_BACKOFF_MS);
    }
}
static void backoff_doubles_without_retry_after(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 504 Gateway Timeout\r\nRetry-After: Fri, 27 Nov 2026 10:00:00 GMT\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(st.sleeps, 2);
    CHECK_EQ(st.slept_ms, APCONN_RETRY_BACKOFF_MS * 3u);
}

#ifndef APCONN_NO_KEEPALIVE_PROBE
/* 500 ms doubled per retry, never more than APCONN_MAX_RETRY_AFTER_MS. */
static void backoff_doubles_from_500_ms_up_to_its_cap(void) {
    static const uint32_t want[] = {500, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000};
    uint32_t total = 0;
    apconn_response r;
    unsigned i;
    fixture();
    client.max_retries = 9;
    client.timeout_ms = 600000u;
    st_conn(&st);
    for (i = 0; i < 10; i++) st_data(&st, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", "/v1/x", NULL, NULL, 0, &r, &err), APCONN_OK);
    CHECK_EQ(r.status, 503);
    CHECK_EQ(st.sleeps, 9);
    for (i = 0; i < 9; i++) total += want[i];
    CHECK_EQ(st.slept_ms, total);
    CHECK_EQ(st.connects, 1);
}
#endif
static void retries_stop_at_max_retries(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 503 X\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 503 X\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 503 X\r\nContent-Length: 3\r\n\r\nend");
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(resp.status, 503);
    CHECK_STR(resp.body, "end");
    CHECK_EQ(st.sleeps, 2);
}
#endif
static void no_retry_when_the_wait_would_pass_the_deadline(void) {
    fixture();
    client.timeout_ms = 10000;
    st_conn(&st);
    st_data(&st, "HTTP/1.1 503 X\r\nRetry-After: 30\r\nContent-Length: 4\r\n\r\nbusy");
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(resp.status, 503);
    CHECK_STR(resp.body, "busy");
    CHECK_EQ(st.sleeps, 0);
}

#ifndef APCONN_NO_RETRIES
/* A 503 that arrives when the deadline has passed is the answer: no wait. */
static void no_retry_when_the_answer_comes_after_the_deadline(void) {
    apconn_response r;
    fixture();
    st_conn(&st);
    st_advance(&st, APCONN_DEFAULT_TIMEOUT_MS);
    st_data(&st, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", "/v1/x", NULL, NULL, 0, &r, &err), APCONN_OK);
    CHECK_EQ(r.status, 503);
    CHECK_EQ(st.sleeps, 0);
}
#endif
static void no_delayed_retry_without_sleep(void) {
    fixture();
    st.t.sleep_ms = NULL;
    st_conn(&st);
    st_data(&st, "HTTP/1.1 503 X\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(resp.status, 503);
}
static void gateway_errors_do_not_resend_a_post(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, "{}", 2, &resp, &err), APCONN_OK);
    CHECK_EQ(resp.status, 502);
    CHECK_EQ(st.sleeps, 0);
}

/* ----- connect failures ------------------------------------------------------------------------ */
#ifdef APCONN_NO_RETRIES
static void without_retries_a_connect_failure_is_returned_at_once(void) {
    fixture();
    st.connect_result[0] = APCONN_ERR_DNS;
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_DNS);
    CHECK_EQ(err.status, APCONN_ERR_DNS);
    CHECK_EQ(st.connects, 1);
    CHECK_EQ(st.sleeps, 0);
}
#endif
#ifndef APCONN_NO_RETRIES
static void connect_failures_are_retried_with_backoff(void) {
    fixture();
    st.connect_result[0] = APCONN_ERR_CONNECT;
    st.connect_result[1] = APCONN_ERR_DNS;
    st_conn(&st);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, "{}", 2, &resp, &err), APCONN_OK);
    CHECK_EQ(st.connects, 3);
    CHECK_EQ(st.slept_ms, APCONN_RETRY_BACKOFF_MS * 3u);
}
static void connect_failure_after_last_retry_is_returned(void) {
    fixture();
    client.max_retries = 1;
    st.connect_result[0] = APCONN_ERR_DNS;
    st.connect_result[1] = APCONN_ERR_DNS;
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_DNS);
    CHECK_EQ(err.status, APCONN_ERR_DNS);
    CHECK_EQ(st.connects, 2);
}
#endif
static void certificate_failures_are_not_retried(void) {
    fixture();
    st.connect_result[0] = APCONN_ERR_CERT;
    st_conn(&st);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_CERT);
    CHECK_EQ(st.connects, 1);
}

/* ----- a transport without connect (one connection the caller opened) -------------------------- */
static void single_connection_transport_is_never_reconnected(void) {
    fixture();
    st.t.connect = NULL;
    st.t.close = NULL;
    st_conn(&st);
    st.cur = 0; /* the caller opened it */
    st.next_conn = 1;
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    st_eof(&st);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_CLOSED);
    CHECK_EQ(st.connects, 0);
}
/* Fixed defect: The 429/503 retry in apconn__http_should_retry ignores that a transport
   without connect() cannot reopen a connection the server closed: apconn
   resends on the dead connection and returns APCONN_ERR_CLOSED instead of
   the documented "last result stands" (the 503 with its body). */
static void without_connect_a_503_on_a_closed_connection_is_returned_not_retried(void) {
    fixture();
    st.t.connect = NULL;
    st.t.close = NULL;
    st_conn(&st);
    st.cur = 0;
    st.next_conn = 1;
    st_data(&st, "HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbusy");
    st_eof(&st);
    CHECK_EQ(get(), APCONN_OK);
    CHECK_EQ(resp.status, 503);
    CHECK_EQ(st.sleeps, 0);
}

int main(void) {
#ifndef APCONN_NO_KEEPALIVE_PROBE
    RUN3(keep_alive_reuses_one_connection);
#endif
#ifdef APCONN_NO_KEEPALIVE_PROBE
    RUN3(without_the_probe_each_call_has_its_own_connection);
#endif
    RUN3(http10_without_keep_alive_closes);
    RUN3(http10_with_transfer_encoding_is_never_kept_alive);
    RUN3(connection_close_header_closes);
    RUN3(connection_close_is_found_in_a_list_with_spaces_tabs_and_empty_elements);
    RUN(no_content_with_a_body_in_the_same_read_drops_the_connection);
    RUN(bytes_past_a_response_in_the_same_read_are_never_the_next_response);
    RUN(early_bytes_on_an_idle_connection_are_never_the_next_response);
    RUN3(stale_connection_is_retried_once_for_get_and_delete);
    RUN3(stale_connection_reset_is_retried_too);
    RUN3(stale_connection_cut_before_the_response_is_retried);
#ifndef APCONN_NO_KEEPALIVE_PROBE
    RUN3(stale_connection_cut_inside_a_body_is_not_retried);
    RUN3(stale_connection_is_not_retried_for_post);
#endif
    RUN3(stale_post_is_retried_when_the_caller_opts_in);
    RUN3(fresh_connection_closed_before_response_is_not_retried);
#ifdef APCONN_NO_RETRIES
    RUN3(without_retries_a_503_or_429_is_returned_at_once);
#endif
#ifndef APCONN_NO_RETRIES
    RUN3(retry_after_503_waits_the_server_delay);
    RUN3(retry_after_is_clamped);
    RUN3(huge_retry_after_does_not_overflow_into_a_short_wait);
    RUN3(retry_after_that_is_not_delay_seconds_falls_back_to_backoff);
    RUN3(backoff_doubles_without_retry_after);
#ifndef APCONN_NO_KEEPALIVE_PROBE
    RUN(backoff_doubles_from_500_ms_up_to_its_cap);
#endif
    RUN3(retries_stop_at_max_retries);
#endif
    RUN3(no_retry_when_the_wait_would_pass_the_deadline);
#ifndef APCONN_NO_RETRIES
    RUN(no_retry_when_the_answer_comes_after_the_deadline);
#endif
    RUN3(no_delayed_retry_without_sleep);
    RUN3(gateway_errors_do_not_resend_a_post);
#ifdef APCONN_NO_RETRIES
    RUN3(without_retries_a_connect_failure_is_returned_at_once);
#endif
#ifndef APCONN_NO_RETRIES
    RUN3(connect_failures_are_retried_with_backoff);
    RUN3(connect_failure_after_last_retry_is_returned);
#endif
    RUN3(certificate_failures_are_not_retried);
    RUN3(single_connection_transport_is_never_reconnected);
    RUN3(without_connect_a_503_on_a_closed_connection_is_returned_not_retried);
    call_fixture_unused();
    return harness_summary("keepalive_retries");
}
