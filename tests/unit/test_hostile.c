/* Hostile suite: a server, a network and a caller that try to break apconn.
   Framing desync shapes, misbehaving transports and clocks, injection through
   every string input, loopback look-alikes, secrets after every failing path.
   Cases already covered by test_http.c / test_api.c / test_reader.c are not
   repeated here.

   The last section holds the defects an adversarial review found, one test
   each, with the diagnosis next to it. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "http_fixture.h"
#include <stdio.h>
#include <stdlib.h>

#define PATH "/v1/global-connections"
#define ID "AbCdEfGhIjKlMnOpQrStU"
#define SECRET "xoxb-TOPSECRET-4711"
#define CONN_JSON "{\"id\":\"" ID "\",\"displayName\":\"Acme\"}"

static apconn_response resp;
static apconn_error err;
static apconn_connection conn;
static apconn_page page;
static char text[WORK_SIZE * 3];
static char text2[WORK_SIZE];

static apconn_status get(void) { return apconn_http_request(&client, "GET", PATH, NULL, NULL, 0, &resp, &err); }

/* One GET whose only connection serves `data` (then silence). */
static apconn_status get_with(const char *data) {
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    st_data(&st, data);
    return get();
}

/* A JSON response with a correct Content-Length. */
static const char *json_response(char *out, size_t size, const char *status, const char *body) {
    snprintf(out, size, "HTTP/1.1 %s\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %u\r\n\r\n%s",
             status, (unsigned)strlen(body), body);
    return out;
}

static apconn_upsert_request secret_upsert(void) {
    apconn_upsert_request r;
    memset(&r, 0, sizeof r);
    r.display_name = "Acme";
    r.piece_name = "@activepieces/piece-slack";
    r.type = APCONN_TYPE_SECRET_TEXT;
    r.value.secret_text = SECRET;
    return r;
}

static apconn_status init_url(const char *url, int secure) {
    st_init(&st, ST_WHOLE);
    st.t.secure = secure;
    return apconn_client_init(&client, url, KEY, &st.t, work, sizeof work, tokens, TOKENS, &err);
}

/* ===== response framing: desync and smuggling shapes ===================================== */
static void transfer_encoding_name_and_value_are_case_insensitive(void) {
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), APCONN_OK);
    CHECK_STR(resp.body, "abc");
}
static void chunked_listed_twice_in_one_field_is_unsupported(void) {
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
             APCONN_ERR_HTTP_UNSUPPORTED);
    CHECK_EQ(st.closes, 1);
}
static void chunked_before_content_length_is_a_framing_error_too(void) {
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
             APCONN_ERR_HTTP_FRAMING);
    CHECK_EQ(st.closes, 1);
}
static void content_length_with_leading_zeros_and_whitespace_is_decimal(void) {
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nContent-Length: \t 010 \t\r\n\r\n0123456789"), APCONN_OK);
    CHECK_EQ(resp.body_len, 10);
    CHECK_STR(resp.body, "0123456789");
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nContent-Length: 1 0\r\n\r\n0123456789"), APCONN_ERR_HTTP_LENGTH);
}
static void bare_cr_inside_a_header_line_is_rejected(void) {
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nX-A: a\rContent-Length: 2\r\n\r\nok"), APCONN_ERR_HTTP_HEADER);
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nX-A: a\r\r\nContent-Length: 2\r\n\r\nok"), APCONN_ERR_HTTP_HEADER);
}
static void nul_in_a_header_value_is_rejected(void) {
    static const char data[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\0 9\r\n\r\nok";
    fixture();
    st_conn(&st);
    st_data_len(&st, data, sizeof data - 1);
    CHECK_EQ(get(), APCONN_ERR_HTTP_HEADER);
    CHECK_EQ(st.closes, 1);
}
static void status_codes_and_versions_outside_the_grammar_are_rejected(void) {
    static const char *const lines[] = {"HTTP/1.1 1000 X\r\n\r\n", "HTTP/1.1 600 X\r\n\r\n", "HTTP/1.10 200 OK\r\n\r\n",
                                        "HTTP/1.1 -20 X\r\n\r\n",  "HTTP/1.1 20\r\n\r\n",    "HTTP/1.1\t200 OK\r\n\r\n",
                                        "http/1.1 200 OK\r\n\r\n", "HTTP/1.1 200 OK\x1b[2J\r\n\r\n"};
    size_t i;
    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        CHECK_EQ(get_with(lines[i]), APCONN_ERR_HTTP_STATUS_LINE);
        CHECK_EQ(st.closes, 1);
    }
}
static void interim_response_flood_ends_before_the_deadline(void) {
    size_t n = 0;
    while (n + 26 < sizeof text) { memcpy(text + n, "HTTP/1.1 100 Continue\r\n\r\n", 25); n += 25; }
    text[n] = '\0';
    CHECK_EQ(get_with(text), APCONN_ERR_HTTP_HEAD_TOO_LARGE);
    CHECK((uint32_t)(st.clock - 0xFFFFF000u) < client.timeout_ms);
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
static void chunk_sizes_with_radix_prefix_or_sign_are_rejected(void) {
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n"), APCONN_ERR_HTTP_CHUNK);
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+3\r\nabc\r\n0\r\n\r\n"), APCONN_ERR_HTTP_CHUNK);
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n 3\r\nabc\r\n0\r\n\r\n"), APCONN_ERR_HTTP_CHUNK);
}
static void chunk_line_ends_at_the_first_crlf_even_inside_a_quoted_extension(void) {
    /* a quoted-string cannot hold CR or LF (RFC 9112 §7.1.1), so no parser may
       read past this CRLF: the next 3 bytes are data */
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;a=\"\r\nabc\r\n0\r\n\r\n"), APCONN_OK);
    CHECK_STR(resp.body, "abc");
}
static void endless_trailer_section_is_bounded(void) {
    size_t n;
    strcpy(text, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n");
    n = strlen(text);
    while (n + 12 < sizeof text) { memcpy(text + n, "X-T: tttt\r\n", 11); n += 11; }
    text[n] = '\0';
    CHECK_EQ(get_with(text), APCONN_ERR_HTTP_CHUNK);
    CHECK((uint32_t)(st.clock - 0xFFFFF000u) < client.timeout_ms);
}
/* The head is parsed line by line and never stored whole; cap - 1 bytes of it
   are accepted (the cap-th would be one past the budget). */
static void head_one_byte_under_the_buffer_is_read_and_one_more_is_too_large(void) {
    const char *start = "HTTP/1.1 204 No Content\r\nX-Pad: ";
    size_t n = strlen(start), pad = WORK_SIZE - 1 - n - 4;
    memcpy(text, start, n);
    memset(text + n, 'p', pad);
    strcpy(text + n + pad, "\r\n\r\n");
    CHECK_EQ(strlen(text), WORK_SIZE - 1);
    CHECK_EQ(get_with(text), APCONN_OK);
    CHECK_EQ(resp.status, 204);
    memset(text + n, 'p', pad + 1);
    strcpy(text + n + pad + 1, "\r\n\r\n");
    CHECK_EQ(get_with(text), APCONN_ERR_HTTP_HEAD_TOO_LARGE);
}
/* A POST body kept at the start of the work buffer leaves cap - body bytes to
   the response: a body of cap - 1 fits with its NUL, one byte more does not. */
static void response_after_a_work_buffer_body_fits_exactly_and_not_one_byte_more(void) {
    const size_t body_len = 1000, room = WORK_SIZE - body_len - 1;
    size_t k;
    for (k = 0; k < 2; k++) {
        size_t n = (size_t)snprintf(text, sizeof text, "HTTP/1.1 201 Created\r\nContent-Length: %u\r\n\r\n",
                                    (unsigned)(room + k));
        memset(text + n, 'r', room + k);
        text[n + room + k] = '\0';
        fixture();
        client.max_retries = 0;
        st_conn(&st);
        st_data(&st, text);
        memset(work, '{', body_len);
        CHECK_EQ(apconn_http_request(&client, "POST", PATH, NULL, (const char *)work, body_len, &resp, &err),
                 k ? APCONN_ERR_HTTP_BODY_TOO_LARGE : APCONN_OK);
        if (k == 0) {
            CHECK_EQ(resp.body_len, room);
            CHECK(resp.body == (const char *)work + body_len);
            CHECK_EQ(resp.body[room], '\0');
            CHECK(resp.body + room == (const char *)work + WORK_SIZE - 1);
        }
    }
}
static void response_split_at_every_byte_boundary_reads_the_same(void) {
    static const char data[] = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                               "Content-Type: application/json\r\n\r\n3;x=y\r\n{\"a\r\n4\r\n\":1}\r\n0\r\nT: 1\r\n\r\n";
    size_t cut, n = sizeof data - 1;
    for (cut = 1; cut < n; cut++) {
        fixture();
        st_conn(&st);
        st_data_len(&st, data, cut);
        st_data_len(&st, data + cut, n - cut);
        CHECK_EQ(get(), APCONN_OK);
        CHECK_STR(resp.body, "{\"a\":1}");
        CHECK_EQ(resp.is_json, 1);
        CHECK_EQ(st.closes, PROFILE_IDLE_CLOSES);
    }
}

/* ===== misbehaving transports and clocks =================================================== */
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
static long send_blocks(void *ctx, const unsigned char *d, size_t len, uint32_t timeout_ms) {
    (void)d; (void)len;
    ((scripted_transport *)ctx)->clock += timeout_ms; /* waited all it was given */
    return APCONN_ERR_WOULD_BLOCK;
}
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
#ifndef APCONN_NO_RETRIES
static void retry_after_that_is_not_delay_seconds_falls_back_to_backoff(void) {
    static const char *const values[] = {"-1", "1.5", "", "0x10", "1e3", "3 s"};
    size_t i;
    for (i = 0; i < sizeof values / sizeof values[0]; i++) {
        fixture();
        st_conn(&st);
        snprintf(text, sizeof text, "HTTP/1.1 503 Busy\r\nRetry-After: %s\r\nContent-Length: 0\r\n\r\n", values[i]);
        st_data(&st, text);
        st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
        CHECK_EQ(get(), APCONN_OK);
        CHECK_EQ(resp.status, 204);
        CHECK_EQ(st.slept_ms, APCONN_RETRY_BACKOFF_MS);
    }
}
#endif
#ifndef APCONN_NO_RETRIES
static void huge_retry_after_does_not_overflow_into_a_short_wait(void) {
    fixture();
    client.timeout_ms = 200000;
    st_conn(&st);
    st_data(&st, "HTTP/1.1 429 Slow down\r\nRetry-After: 18446744073709551617\r\nContent-Length: 0\r\n\r\n");
    st_data(&st, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_EQ(get(), APCONN_OK);
    CHECK_EQ(st.slept_ms, APCONN_MAX_RETRY_AFTER_MS);
}
#endif

/* ===== requests: injection, encoding, buffer limits ========================================= */
static void loopback_look_alikes_are_not_loopback(void) {
    static const char *const urls[] = {"http://[::ffff:127.0.0.1]/api", "http://0x7f.1/api", "http://2130706433/api",
                                       "http://127.1/api", "http://0177.0.0.1/api", "http://localhost./api",
                                       "http://127.0.0.1./api", "http://localhost-evil.example/api",
                                       "http://[0:0:0:0:0:0:0:2]/api"};
    size_t i;
    for (i = 0; i < sizeof urls / sizeof urls[0]; i++) CHECK_EQ(init_url(urls[i], 0), APCONN_ERR_INSECURE);
}
static void percent_encoded_or_userinfo_hosts_are_malformed(void) {
    CHECK_EQ(init_url("http://%6c%6fcalhost/api", 0), APCONN_ERR_URL);
    CHECK_EQ(init_url("http://evil.example@127.0.0.1/api", 0), APCONN_ERR_URL);
    CHECK_EQ(init_url("http://127.0.0.1:80@evil.example/api", 0), APCONN_ERR_URL);
    CHECK_EQ(init_url("http://127.0.0.1\\@evil.example/api", 0), APCONN_ERR_URL);
}
static void id_with_non_ascii_bytes_is_refused_before_sending(void) {
    fixture();
    st_conn(&st);
    CHECK_EQ(apconn_connection_delete(&client, "AbCdEfGhIjKlMnOpQrS\xc3\xa9", &err), APCONN_ERR_ARGUMENT);
    CHECK_EQ(apconn_connection_delete(&client, "AbCdEfGhIjKlMnOpQrSt\xef\xbc\xa1", &err), APCONN_ERR_ARGUMENT);
    CHECK_STR(err.field, "id");
    CHECK_EQ(st.sent_len, 0);
}
static void invalid_utf8_in_any_string_input_is_refused_and_wiped(void) {
    /* overlong '/', a lone surrogate, a cut sequence: each field in turn */
    static const char *const bad[] = {"a\xc0\xaf", "a\xed\xa0\x80", "a\xe2\x82"};
    size_t i, f;
    for (i = 0; i < 3; i++)
        for (f = 0; f < 4; f++) {
            apconn_upsert_request r = secret_upsert();
            const char *pids[1];
            if (f == 0) r.display_name = bad[i];
            if (f == 1) r.piece_name = bad[i];
            if (f == 2) r.external_id = bad[i];
            if (f == 3) { pids[0] = bad[i]; r.project_ids = pids; r.project_id_count = 1; }
            fixture();
            st_conn(&st);
            CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_JSON_UTF8);
            CHECK_EQ(st.sent_len, 0);
            check_no_secret(SECRET);
        }
}
static void crlf_in_json_strings_is_escaped_never_raw(void) {
    apconn_upsert_request r = secret_upsert();
    char sent[2048];
    r.display_name = "A\r\nX-Evil: 1";
    r.external_id = "e\"},\"scope\":\"PROJECT";
    r.value.secret_text = "s\x01\x7f";
    fixture();
    st_conn(&st);
    st_data(&st, json_response(text2, sizeof text2, "201 Created", CONN_JSON));
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_OK);
    st_sent_on(&st, 0, sent, sizeof sent);
    CHECK(strstr(sent, "\"displayName\":\"A\\r\\nX-Evil: 1\"") != NULL);
    CHECK(strstr(sent, "\"externalId\":\"e\\\"},\\\"scope\\\":\\\"PROJECT\"") != NULL);
    CHECK(strstr(sent, "\"secret_text\":\"s\\u0001\x7f\"") != NULL);
    CHECK(strstr(sent, "\r\nX-Evil") == NULL);
}
#ifndef APCONN_NO_VALUE_JSON
static void escaped_nul_in_value_json_is_sent_as_an_escape(void) {
    apconn_upsert_request r = secret_upsert();
    char sent[2048];
    r.value.secret_text = NULL;
    r.value.value_json = "{\"secret_text\":\"a\\u0000b\"}";
    fixture();
    st_conn(&st);
    st_data(&st, json_response(text2, sizeof text2, "201 Created", CONN_JSON));
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_OK);
    st_sent_on(&st, 0, sent, sizeof sent);
    CHECK(strstr(sent, "\"value\":{\"type\":\"SECRET_TEXT\",\"secret_text\":\"a\\u0000b\"}") != NULL);
    CHECK(strstr(sent, "Content-Length: ") != NULL);
}
#endif
static void body_that_leaves_no_room_for_the_head_is_refused_and_wiped(void) {
    static char big[WORK_SIZE];
    apconn_upsert_request r = secret_upsert();
    size_t fixed = strlen("{\"displayName\":\"Acme\",\"pieceName\":\"@activepieces/piece-slack\",\"type\":\"SECRET_TEXT\","
                          "\"value\":{\"type\":\"SECRET_TEXT\",\"secret_text\":\"\"},\"scope\":\"PLATFORM\",\"projectIds\":[]}");
    size_t n = WORK_SIZE - 100 - fixed; /* the body fits, its head does not */
    memset(big, 'S', n);
    memcpy(big, SECRET, strlen(SECRET));
    big[n] = '\0';
    r.value.secret_text = big;
    fixture();
    st_conn(&st);
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_BUFFER_FULL);
    CHECK_EQ(st.sent_len, 0);
    check_no_secret(SECRET);
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

/* ===== reader ================================================================================ */
static void escaped_spelling_of_id_is_not_the_id(void) {
    char json[] = "{\"i\\u0064\":\"" ID "\"}";
    CHECK_EQ(apconn_parse_connection(json, strlen(json), tokens, TOKENS, &conn, &err), APCONN_ERR_JSON_MISSING);
    CHECK_STR(err.field, "id");
}
static void number_or_object_where_an_id_belongs_is_a_type_error(void) {
    char json[] = "{\"id\":123456789012345678901234567890}", json2[] = "{\"id\":{\"id\":\"" ID "\"}}";
    CHECK_EQ(apconn_parse_connection(json, strlen(json), tokens, TOKENS, &conn, &err), APCONN_ERR_JSON_TYPE);
    CHECK_EQ(apconn_parse_connection(json2, strlen(json2), tokens, TOKENS, &conn, &err), APCONN_ERR_JSON_TYPE);
    CHECK_STR(err.field, "id");
}
static void zeroed_page_has_no_items(void) {
    apconn_page zero;
    memset(&zero, 0, sizeof zero);
    CHECK_EQ(apconn_page_next(&zero, &conn, &err), APCONN_END);
    CHECK_EQ(apconn_page_next(&zero, &conn, &err), APCONN_END);
}

/* ===== secrets after every failing path ======================================================= */
static void every_error_status_leaves_no_key_or_secret_behind(void) {
    static const char *const statuses[] = {"400 Bad Request", "401 Unauthorized", "402 Payment Required",
                                           "403 Forbidden",  "404 Not Found",     "409 Conflict",
                                           "413 Too Large",  "415 Unsupported",   "429 Too Many",
                                           "500 Internal",   "502 Bad Gateway",   "503 Unavailable",
                                           "504 Timeout"};
    size_t i;
    int html;
    for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        for (html = 0; html < 2; html++) {
            apconn_upsert_request r = secret_upsert();
            fixture();
            client.max_retries = 0;
            st_conn(&st);
            if (html)
                snprintf(text, sizeof text, "HTTP/1.1 %s\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n"
                                            "<html></html>", statuses[i]);
            else
                json_response(text, sizeof text, statuses[i], "{\"code\":\"X\",\"params\":{\"message\":\"m\"}}");
            st_data(&st, text);
            CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_HTTP_STATUS);
            CHECK_EQ(err.http_status, atoi(statuses[i]));
            check_no_secret(SECRET);
            CHECK(!mem_has(&err, sizeof err, SECRET));
        }
}
static void framing_errors_after_the_body_was_sent_leave_no_secret(void) {
    static const char *const bad[] = {"HTTP/1.1 201 Created\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
                                      "HTTP/1.1 201 Created\r\nContent-Length: 99\r\n\r\n{", "NOT HTTP", ""};
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        apconn_upsert_request r = secret_upsert();
        fixture();
        client.max_retries = 0;
        st_conn(&st);
        st_data(&st, bad[i]);
        st_eof(&st);
        CHECK(apconn_connection_upsert(&client, &r, &conn, &err) != APCONN_OK);
        CHECK(mem_has(st.sent, st.sent_len, SECRET));
        check_no_secret(SECRET);
    }
}

/* ===== defects found by the review, each fixed: the comment says what it was ================= */

/* apconn__http_is_ipv4_loopback accepted octets with leading zeros. glibc's
   getaddrinfo (the POSIX transport) does not read "08" as a number (inet_aton
   takes a leading 0 as octal), so "127.0.0.08" goes to DNS as a NAME: whoever
   answers DNS picks the address the key is sent to in clear text. */
static void dotted_quad_with_a_leading_zero_octet_is_not_loopback(void) {
    CHECK_EQ(init_url("http://127.0.0.08/api", 0), APCONN_ERR_INSECURE);
    CHECK_EQ(init_url("http://127.0.0.019/api", 0), APCONN_ERR_INSECURE);
    CHECK_EQ(init_url("http://127.00.0.1/api", 0), APCONN_ERR_INSECURE);
}

/* apconn_connection_list returns early on any HTTP/status failure and leaves
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
    st_data(&st, json_response(text, sizeof text, "200 OK",
                               "{\"data\":[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"}],\"next\":null}"));
    st_data(&st, json_response(text2, sizeof text2, "500 Internal Server Error",
                               "{\"statusCode\":500,\"error\":\"Internal Server Error\",\"message\":\"boom\"}"));
    st_conn(&st);
    st_data(&st, text2);
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_OK);
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_ERR_HTTP_STATUS);
    CHECK_EQ(err.http_status, 500);
    s = apconn_page_next(&page, &conn, &err);
    CHECK(s == APCONN_END || s == APCONN_ERR_HTTP_STATUS);
    CHECK(conn.id == NULL);
}

/* apconn_http_request returns at apconn__http_check_request (or the argument
   check) BEFORE computing `used` and wiping it, so an upsert whose key became
   unsafe after init (a rotated key read with fgets keeps its '\n') leaves the
   JSON body with the credential in the work buffer. */
static void refused_request_still_wipes_the_body_it_was_given(void) {
    static char key[] = KEY;
    apconn_upsert_request r = secret_upsert();
    fixture();
    client.api_key = key;
    key[sizeof key - 2] = '\n';
    st_conn(&st);
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_UNSAFE_CHAR);
    CHECK_EQ(st.sent_len, 0);
    CHECK(!mem_has(work, sizeof work, SECRET));
    key[sizeof key - 2] = KEY[sizeof key - 2];
}

/* apconn__http_chunk_byte enters "extension" mode on the first SP/HTAB after
   the size and then ignores every byte to CR: "5 6" is read as size 5, and
   control bytes (NUL) pass. RFC 9112 §7.1.1: after BWS only ';' may follow.
   A front end that reads "5 6" differently (or rejects it) desyncs. */
static void chunk_size_followed_by_anything_but_an_extension_is_rejected(void) {
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 6\r\nhello\r\n0\r\n\r\n"), APCONN_ERR_HTTP_CHUNK);
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\tzz\r\nhello\r\n0\r\n\r\n"), APCONN_ERR_HTTP_CHUNK);
}

/* In APCONN__HS_TRAILER a bare LF is taken as an ordinary byte of the line
   (apconn__http_chunk_byte returns before its '\n' check), unlike the head
   where lines must end in CRLF: "0\r\nA: b\nC: d\r\n\r\n" is accepted. */
static void bare_lf_in_the_trailer_section_is_rejected(void) {
    CHECK_EQ(get_with("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\nA: b\nC: d\r\n\r\n"),
             APCONN_ERR_HTTP_CHUNK);
}

/* RFC 9112 §6.1: a client receiving HTTP/1.0 with Transfer-Encoding MUST treat
   the framing as faulty and close the connection after the message. apconn
   decodes it and, with "Connection: keep-alive", reuses the connection. */
static void http10_with_transfer_encoding_is_never_kept_alive(void) {
    CHECK_EQ(get_with("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "2\r\nok\r\n0\r\n\r\n"), APCONN_OK);
    CHECK_EQ(st.closes, 1);
    CHECK_EQ(client.apconn__connected, 0);
}

/* apconn__http_content_length compares every Content-Length with the buffer
   while the header is parsed, before apconn__http_head_done knows the message
   has no body: a HEAD response (apconn_http_request supports HEAD) or a 1xx
   announcing a large representation fails as "body larger than the buffer". */
static void length_of_a_bodiless_response_is_not_checked_against_the_buffer(void) {
    fixture();
    st_conn(&st);
    st_data(&st, "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n");
    CHECK_EQ(apconn_http_request(&client, "HEAD", PATH, NULL, NULL, 0, &resp, &err), APCONN_OK);
    CHECK_EQ(resp.body_len, 0);
    CHECK_EQ(get_with("HTTP/1.1 100 Continue\r\nContent-Length: 1000000\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"),
             APCONN_OK);
}

/* apconn__out_text (apconn_error_format) turns C0 controls and DEL into '?'
   but passes C1 controls U+0080..U+009F (UTF-8 C2 80..C2 9F) that a server
   can send as "\u009b": CSI/OSC for terminals that honour C1 in UTF-8 (xterm). */
static void error_format_neutralizes_c1_controls_too(void) {
    char line[APCONN_ERROR_TEXT_SIZE];
    apconn_error e;
    memset(&e, 0, sizeof e);
    e.status = APCONN_ERR_HTTP_STATUS;
    strcpy(e.message, "bad \xc2\x9b" "2J \xc2\x9d" "0;x\xc2\x9c");
    apconn_error_format(&e, line, sizeof line);
    CHECK(strstr(line, "\xc2\x9b") == NULL && strstr(line, "\xc2\x9d") == NULL && strstr(line, "\xc2\x9c") == NULL);
}

/* The transport contract lets recv/send return WOULD_BLOCK early (test_http
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

/* The 429/503 retry in apconn__http_should_retry ignores that a transport
   without connect() cannot reopen a connection the server closed: apconn
   resends on the dead connection and returns APCONN_ERR_CLOSED instead of
   the documented "last result stands" (the 503 with its body). */
static void single_connection_transport_keeps_the_503_when_the_server_closed(void) {
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

/* The chunk framing budget (`framing`, apconn__http_chunk_byte) is the work
   buffer size, shared with the head: a valid body of small chunks that fits
   the buffer fails as "malformed chunked transfer coding". Bound each chunk
   line instead (the body bound already limits the number of chunks). */
static void many_small_chunks_that_fit_the_buffer_are_read(void) {
    size_t n, i;
    strcpy(text, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    n = strlen(text);
    for (i = 0; i < 1000; i++) { memcpy(text + n, "1\r\nz\r\n", 6); n += 6; }
    strcpy(text + n, "0\r\n\r\n");
    CHECK_EQ(get_with(text), APCONN_OK);
    CHECK_EQ(resp.body_len, 1000);
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

/* A proxy that reflects the request in its error page (many do for 400/431)
   puts the key into the response body: apconn__api_status_error copies the
   first APCONN_ERROR_EXCERPT_SIZE bytes of it into err->message (and a JSON
   "message" as is), which the CLI prints and callers log. */
#ifndef APCONN_NO_REDACTION
static void server_text_echoing_the_key_never_reaches_err_message(void) {
    char line[APCONN_ERROR_TEXT_SIZE];
    apconn_upsert_request r = secret_upsert();
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    snprintf(text, sizeof text, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: %u\r\n\r\n"
                                "<pre>Bearer " KEY "</pre>", (unsigned)strlen("<pre>Bearer " KEY "</pre>"));
    st_data(&st, text);
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_HTTP_STATUS);
    CHECK(!mem_has(err.message, sizeof err.message, "sk-AbCdEfGhIjKlMnOp"));
    apconn_error_format(&err, line, sizeof line);
    CHECK(strstr(line, "sk-AbCdEfGhIjKlMnOp") == NULL);
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    st_data(&st, json_response(text2, sizeof text2, "400 Bad Request",
                               "{\"statusCode\":400,\"error\":\"Bad Request\",\"message\":\"bad header Bearer " KEY "\"}"));
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_HTTP_STATUS);
    CHECK(!mem_has(err.message, sizeof err.message, "sk-AbCdEfGhIjKlMnOp"));
}
#else
/* APCONN_NO_REDACTION says the key may then reach err: it does, as the server sent it. */
static void without_redaction_server_text_is_kept_as_sent(void) {
    apconn_upsert_request r = secret_upsert();
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    snprintf(text, sizeof text, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: %u\r\n\r\n"
                                "<pre>Bearer " KEY "</pre>", (unsigned)strlen("<pre>Bearer " KEY "</pre>"));
    st_data(&st, text);
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_HTTP_STATUS);
    CHECK_STR(err.message, "<pre>Bearer " KEY "</pre>");
    check_no_secret(SECRET); /* the work buffer is still wiped */
}
#endif

/* Same echo: the failed call returns no response, yet the echoed key stays
   in the work buffer (apconn__api_status_error does not wipe the response). */
static void echoed_key_in_an_error_body_is_wiped_from_the_work_buffer(void) {
    apconn_upsert_request r = secret_upsert();
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    snprintf(text, sizeof text, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: %u\r\n\r\n"
                                "<pre>Authorization: Bearer " KEY "</pre>",
             (unsigned)strlen("<pre>Authorization: Bearer " KEY "</pre>"));
    st_data(&st, text);
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_HTTP_STATUS);
    check_no_secret(SECRET);
}

/* APCONN_REDACT_MIN (8) bytes of the key after "sk-" are redacted, 7 are
   kept; a key at the very end of a full message is cut, never kept. */
#ifndef APCONN_NO_REDACTION
static void key_fragments_from_redact_min_bytes_are_redacted(void) {
    char body[APCONN_ERROR_MESSAGE_SIZE + 128];
    size_t n;
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    st_data(&st, json_response(text2, sizeof text2, "400 Bad Request",
                               "{\"statusCode\":400,\"message\":\"a AbCdEfGh b AbCdEfG c\"}"));
    CHECK_EQ(apconn_connection_delete(&client, ID, &err), APCONN_ERR_HTTP_STATUS);
    CHECK_STR(err.message, "a [redacted] b AbCdEfG c");
    strcpy(body, "{\"statusCode\":400,\"message\":\"");
    n = strlen(body);
    memset(body + n, '.', APCONN_ERROR_MESSAGE_SIZE - 13); /* 9 key bytes after "sk-" are kept by the copy */
    strcpy(body + n + APCONN_ERROR_MESSAGE_SIZE - 13, KEY "\"}");
    fixture();
    client.max_retries = 0;
    st_conn(&st);
    st_data(&st, json_response(text2, sizeof text2, "400 Bad Request", body));
    CHECK_EQ(apconn_connection_delete(&client, ID, &err), APCONN_ERR_HTTP_STATUS);
    CHECK(!mem_has(err.message, sizeof err.message, "AbCd"));
    CHECK(mem_has(err.message, sizeof err.message, ".sk-[redacted"));
    CHECK_EQ(strlen(err.message), APCONN_ERROR_MESSAGE_SIZE - 1);
}
#endif

/* A page's items live in the work buffer: "list, then delete each item while
   iterating" read whatever the delete left there. Every call that reuses the
   buffer (or the tokens) makes an earlier page stale, and page_next says so. */
#define THREE_ITEMS "{\"data\":[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"}],\"next\":null}"
static void page_used_after_another_call_is_stale(void) {
    apconn_list_request q;
    apconn_upsert_request r = secret_upsert();
    memset(&q, 0, sizeof q);
    fixture();
    st_conn(&st);
    st_data(&st, json_response(text, sizeof text, "200 OK", THREE_ITEMS));
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
    st_data(&st, json_response(text, sizeof text, "200 OK", THREE_ITEMS));
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    r.display_name = NULL;
    CHECK_EQ(apconn_connection_upsert(&client, &r, &conn, &err), APCONN_ERR_REQUIRED);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_PAGE_STALE);
    /* and after apconn_client_close, even at the end of the page */
    fixture();
    st_conn(&st);
    st_data(&st, json_response(text, sizeof text, "200 OK", "{\"data\":[],\"next\":null}"));
    CHECK_EQ(apconn_connection_list(&client, &q, &page, &err), APCONN_OK);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_END);
    apconn_client_close(&client);
    CHECK_EQ(apconn_page_next(&page, &conn, &err), APCONN_ERR_PAGE_STALE);
}
/* apconn_parse_page over the caller's own copy has no client to go stale. */
static void page_from_parse_page_is_not_affected(void) {
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
    RUN3(transfer_encoding_name_and_value_are_case_insensitive);
    RUN3(chunked_listed_twice_in_one_field_is_unsupported);
    RUN3(chunked_before_content_length_is_a_framing_error_too);
    RUN3(content_length_with_leading_zeros_and_whitespace_is_decimal);
    RUN3(bare_cr_inside_a_header_line_is_rejected);
    RUN3(nul_in_a_header_value_is_rejected);
    RUN3(status_codes_and_versions_outside_the_grammar_are_rejected);
    RUN3(interim_response_flood_ends_before_the_deadline);
    RUN(no_content_with_a_body_in_the_same_read_drops_the_connection);
    RUN(bytes_past_a_response_in_the_same_read_are_never_the_next_response);
    RUN3(chunk_sizes_with_radix_prefix_or_sign_are_rejected);
    RUN3(chunk_line_ends_at_the_first_crlf_even_inside_a_quoted_extension);
    RUN3(endless_trailer_section_is_bounded);
    RUN3(head_one_byte_under_the_buffer_is_read_and_one_more_is_too_large);
    RUN3(response_after_a_work_buffer_body_fits_exactly_and_not_one_byte_more);
    RUN(response_split_at_every_byte_boundary_reads_the_same);
    RUN(send_returning_zero_is_a_send_error);
    RUN(send_claiming_more_than_asked_is_a_send_error);
    RUN3(recv_claiming_more_than_asked_is_a_receive_error);
    RUN(send_that_always_blocks_times_out_at_the_deadline);
    RUN3(clock_stepping_back_ends_the_call_instead_of_extending_it);
#ifndef APCONN_NO_RETRIES
    RUN3(retry_after_that_is_not_delay_seconds_falls_back_to_backoff);
#endif
#ifndef APCONN_NO_RETRIES
    RUN3(huge_retry_after_does_not_overflow_into_a_short_wait);
#endif
    RUN(loopback_look_alikes_are_not_loopback);
    RUN(percent_encoded_or_userinfo_hosts_are_malformed);
    RUN(id_with_non_ascii_bytes_is_refused_before_sending);
    RUN(invalid_utf8_in_any_string_input_is_refused_and_wiped);
    RUN3(crlf_in_json_strings_is_escaped_never_raw);
#ifndef APCONN_NO_VALUE_JSON
    RUN3(escaped_nul_in_value_json_is_sent_as_an_escape);
#endif
    RUN(body_that_leaves_no_room_for_the_head_is_refused_and_wiped);
    RUN(list_query_that_fills_the_buffer_is_refused);
    RUN(escaped_spelling_of_id_is_not_the_id);
    RUN(number_or_object_where_an_id_belongs_is_a_type_error);
    RUN(zeroed_page_has_no_items);
    RUN3(every_error_status_leaves_no_key_or_secret_behind);
    RUN3(framing_errors_after_the_body_was_sent_leave_no_secret);
    RUN(dotted_quad_with_a_leading_zero_octet_is_not_loopback);
    RUN3(failed_list_leaves_a_page_with_no_items);
    RUN(refused_request_still_wipes_the_body_it_was_given);
    RUN3(chunk_size_followed_by_anything_but_an_extension_is_rejected);
    RUN3(bare_lf_in_the_trailer_section_is_rejected);
    RUN3(http10_with_transfer_encoding_is_never_kept_alive);
    RUN3(length_of_a_bodiless_response_is_not_checked_against_the_buffer);
    RUN(error_format_neutralizes_c1_controls_too);
    RUN(frozen_clock_with_an_early_returning_transport_still_ends);
    RUN3(single_connection_transport_keeps_the_503_when_the_server_closed);
    RUN3(many_small_chunks_that_fit_the_buffer_are_read);
    RUN(early_bytes_on_an_idle_connection_are_never_the_next_response);
#ifndef APCONN_NO_REDACTION
    RUN3(server_text_echoing_the_key_never_reaches_err_message);
#else
    RUN(without_redaction_server_text_is_kept_as_sent);
#endif
    RUN3(echoed_key_in_an_error_body_is_wiped_from_the_work_buffer);
#ifndef APCONN_NO_REDACTION
    RUN(key_fragments_from_redact_min_bytes_are_redacted);
#endif
    RUN(page_used_after_another_call_is_stale);
    RUN(page_from_parse_page_is_not_affected);
    fixture_unused();
    return harness_summary("test_hostile");
}
