/* Deadlines: every call ends within client.timeout_ms of its start, however
   slowly or strangely the server, the transport or the clock behave. The
   scripted transport's clock starts just below 2^32, so every deadline
   computation crosses the wrap. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "call_fixture.h"

static long send_blocks(void *ctx, const unsigned char *d, size_t len, uint32_t timeout_ms) {
    (void)d; (void)len;
    ((scripted_transport *)ctx)->clock += timeout_ms; /* waited all it was given */
    return APCONN_ERR_WOULD_BLOCK;
}
/* Fixed defect: The transport contract lets recv/send return WOULD_BLOCK early (test_transport.c
   relies on it); with a clock that does not move (SysTick not started, a
   stubbed now_ms) apconn__http_receive looped forever: no call was bounded
   without a running clock. APCONN_MAX_IDLE_POLLS in a row without clock
   progress are now a timeout. */
#define BUSY_GUARD 200000
static int busy_calls;
static long recv_busy(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    (void)ctx; (void)buf; (void)len; (void)timeout_ms;
    return ++busy_calls >= BUSY_GUARD ? APCONN_ERR_TLS : APCONN_ERR_WOULD_BLOCK;
}
static uint32_t frozen_now(void *ctx) { (void)ctx; return 42u; }

/* ----- the server is slow ---------------------------------------------------------------------- */
static void silent_server_times_out_at_the_deadline(void) {
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_ERR_TIMEOUT);
    CHECK_EQ((uint32_t)(st.clock - 0xFFFFF000u), client.timeout_ms);
    CHECK_EQ(st.closes, 1);
}
static void trickling_server_cannot_extend_the_deadline(void) {
    static char text[200];
    int i;
    fixture();
    client.timeout_ms = 5000;
    st_conn(&st);
    strcpy(text, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
    for (i = 0; i < 40; i++) { st_advance(&st, 1000); st_data_len(&st, text + i, 1); }
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_ERR_TIMEOUT);
    CHECK((uint32_t)(st.clock - 0xFFFFF000u) <= 5000u + 1000u);
    CHECK(st.last_timeout_ms <= 1000u);
}
static void interim_response_flood_ends_before_the_deadline(void) {
    size_t n = 0;
    while (n + 26 < sizeof scratch) { memcpy(scratch + n, "HTTP/1.1 100 Continue\r\n\r\n", 25); n += 25; }
    scratch[n] = '\0';
    CHECK_EQ(get_once(scratch), APCONN_ERR_HTTP_HEAD_TOO_LARGE);
    CHECK((uint32_t)(st.clock - 0xFFFFF000u) < client.timeout_ms);
}
static void slow_connect_times_out(void) {
    fixture();
    client.timeout_ms = 3000;
    st.connect_delay_ms[0] = 10000;
    st_conn(&st);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_ERR_TIMEOUT);
    CHECK_EQ(st.connects, 1);
    CHECK_EQ(st.sent_len, 0);
}
static void send_that_always_blocks_times_out_at_the_deadline(void) {
    fixture();
    client.max_retries = 0;
    client.timeout_ms = 7000;
    st_conn(&st);
    st.t.send = send_blocks;
    CHECK_EQ(get(), APCONN_ERR_TIMEOUT);
    CHECK_EQ((uint32_t)(st.clock - 0xFFFFF000u), 7000u);
    check_no_secret(NULL);
}

/* ----- the time left --------------------------------------------------------------------------- */
static void callbacks_get_the_time_left(void) {
    fixture();
    client.timeout_ms = 10000;
    st.connect_delay_ms[0] = 2500;
    st_conn(&st);
    st_advance(&st, 3000);
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, "", NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(st.first_recv_timeout_ms, 10000u - 2500u); /* the connect took 2500 */
    if (st.recvs > 1) CHECK_EQ(st.last_timeout_ms, 10000u - 2500u - 3000u); /* then the server took 3000 */
}
static void zero_timeout_fails_before_connecting(void) {
    fixture();
    client.timeout_ms = 0;
    st_conn(&st);
    CHECK_EQ(apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err), APCONN_ERR_TIMEOUT);
    CHECK_EQ(st.connects, 0);
}

/* ----- the clock misbehaves -------------------------------------------------------------------- */
static void clock_stepping_back_ends_the_call_instead_of_extending_it(void) {
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\n");
    st_advance(&st, 0u - 1000u); /* the clock goes back one second */
    st_data(&st, "Content-Length: 2\r\n");
    st_data(&st, "\r\nok");
    CHECK_EQ(get(), APCONN_ERR_TIMEOUT);
    CHECK_EQ(st.closes, 1);
}
static void frozen_clock_with_an_early_returning_transport_still_ends(void) {
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    st.t.recv = recv_busy;
    st.t.now_ms = frozen_now;
    busy_calls = 0;
    CHECK_EQ(get(), APCONN_ERR_TIMEOUT); /* APCONN_ERR_TLS = the test's guard had to stop it */
    CHECK_EQ(busy_calls, (int)APCONN_MAX_IDLE_POLLS);
}

int main(void) {
    RUN3(silent_server_times_out_at_the_deadline);
    RUN3(trickling_server_cannot_extend_the_deadline);
    RUN3(interim_response_flood_ends_before_the_deadline);
    RUN3(slow_connect_times_out);
    RUN(send_that_always_blocks_times_out_at_the_deadline);
    RUN3(callbacks_get_the_time_left);
    RUN(zero_timeout_fails_before_connecting);
    RUN3(clock_stepping_back_ends_the_call_instead_of_extending_it);
    RUN(frozen_clock_with_an_early_returning_transport_still_ends);
    call_fixture_unused();
    return harness_summary("deadlines");
}
