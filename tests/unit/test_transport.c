/* The transport contract seen from apconn: what each return of send, recv
   and close means. WOULD_BLOCK is waited out, a reset is a receive error,
   and a transport that returns what it may not (0 from send, more bytes than
   asked, a negative value outside the status list) gets a send or receive
   error, never a misread. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "call_fixture.h"

static long recv_minus_one(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    (void)ctx; (void)buf; (void)len; (void)timeout_ms;
    return -1;
}
static long send_minus_one(void *ctx, const unsigned char *d, size_t len, uint32_t timeout_ms) {
    (void)ctx; (void)d; (void)len; (void)timeout_ms;
    return -1;
}
static long send_zero(void *ctx, const unsigned char *d, size_t len, uint32_t timeout_ms) {
    (void)ctx; (void)d; (void)len; (void)timeout_ms;
    return 0;
}
static long send_too_much(void *ctx, const unsigned char *d, size_t len, uint32_t timeout_ms) {
    (void)ctx; (void)d; (void)timeout_ms;
    return (long)len + 1;
}
static long recv_too_much(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    long r = st_recv_cb(ctx, buf, len, timeout_ms);
    return r > 0 ? (long)len + 1 : r; /* a lie apconn can see: more than the room it offered */
}

/* ----- answers within the contract ------------------------------------------------------------- */
static void would_block_reads_are_waited_out(void) {
    fixture();
    st_conn(&st);
    st_block(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n");
    st_block(&st);
    st_data(&st, "ok");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_OK);
    CHECK_STR(resp.body, "ok");
}
static void reset_connection_is_a_receive_error(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\n");
    st_reset(&st);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_ERR_RECV);
    CHECK_EQ(st.closes, 1);
}
static void client_close_closes_the_connection_and_wipes_the_work_buffer(void) {
    size_t i, nonzero = 0;
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 0), APCONN_OK);
    apconn_client_close(&client);
    CHECK_EQ(st.closes, 1);
    for (i = 0; i < sizeof work; i++) nonzero += work[i] != 0;
    CHECK_EQ(nonzero, 0);
}

/* ----- answers outside it ---------------------------------------------------------------------- */
static void send_returning_zero_is_a_send_error(void) {
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    st.t.send = send_zero;
    CHECK_EQ(get(), APCONN_ERR_SEND);
    CHECK_EQ(st.closes, 1);
    check_no_secret(NULL);
}
static void send_claiming_more_than_asked_is_a_send_error(void) {
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    st.t.send = send_too_much;
    CHECK_EQ(get(), APCONN_ERR_SEND);
    CHECK_EQ(st.closes, 1);
}
static void recv_claiming_more_than_asked_is_a_receive_error(void) {
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    st.t.recv = recv_too_much;
    CHECK_EQ(get(), APCONN_ERR_RECV);
    CHECK_EQ(st.closes, 1);
}
static void negative_returns_outside_the_status_list_are_send_or_receive_errors(void) {
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    st.t.recv = recv_minus_one;
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_RECV);
    fixture();
    st_conn(&st);
    st.t.send = send_minus_one;
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_SEND);
}

int main(void) {
    RUN3(would_block_reads_are_waited_out);
    RUN3(reset_connection_is_a_receive_error);
    RUN3(client_close_closes_the_connection_and_wipes_the_work_buffer);
    RUN(send_returning_zero_is_a_send_error);
    RUN(send_claiming_more_than_asked_is_a_send_error);
    RUN3(recv_claiming_more_than_asked_is_a_receive_error);
    RUN3(negative_returns_outside_the_status_list_are_send_or_receive_errors);
    call_fixture_unused();
    return harness_summary("transport");
}
