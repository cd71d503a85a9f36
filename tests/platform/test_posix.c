/* tests/platform/test_posix.c - platform/apconn_posix.h against real loopback
   sockets that the test opens itself (ports chosen by the kernel: bind to 0).
   One process, no threads: the kernel completes a TCP handshake on a
   listening socket's backlog, so the test accepts when it wants to. */
#define APCONN_POSIX_IMPLEMENTATION
#include "platform/apconn_posix.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>

#include "harness.h"

#define TEST_TIMEOUT_MS 3000u  /* generous: a pass never waits for it */
#define TEST_SHORT_WAIT_MS 50u /* for "nothing happens within the time" */

/* A listening socket on the loopback address of `family`, port chosen by the
   kernel. Returns the fd (or -1) and the port in *port. */
static int listener(int family, int backlog, uint16_t *port) {
    struct sockaddr_storage ss;
    socklen_t len;
    int fd = socket(family, SOCK_STREAM, 0), one = 1;
    if (fd < 0) return -1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&ss, 0, sizeof ss);
    if (family == AF_INET6) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_addr = in6addr_loopback;
        len = sizeof *a6;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        a4->sin_family = AF_INET;
        a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a4;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, backlog) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                     : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

/* Closes with an RST instead of a FIN (SO_LINGER 0). */
static void close_with_reset(int fd) {
    struct linger lg;
    lg.l_onoff = 1;
    lg.l_linger = 0;
    (void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

/* A connected pair: client transport + accepted server fd. 0 on success. */
static int connected_pair(apconn_posix *tcp, apconn_transport *t, int *lfd, int *sfd) {
    uint16_t port = 0;
    apconn_posix_transport(tcp, t);
    *lfd = listener(AF_INET, 4, &port);
    if (*lfd < 0) return -1;
    if (t->connect(t->ctx, "127.0.0.1", port, TEST_TIMEOUT_MS) != APCONN_OK) return -1;
    *sfd = accept(*lfd, NULL, NULL);
    return *sfd < 0 ? -1 : 0;
}

static void transport_fills_every_callback_and_is_not_secure(void) {
    apconn_posix tcp;
    apconn_transport t;
    apconn_posix_transport(&tcp, &t);
    CHECK(t.ctx == &tcp);
    CHECK(t.connect && t.send && t.recv && t.close && t.now_ms && t.sleep_ms);
    CHECK_EQ(t.secure, 0);
    CHECK_EQ(tcp.fd, -1);
}

static void connect_to_closed_port_is_refused(void) {
    apconn_posix tcp;
    apconn_transport t;
    uint16_t port = 0;
    int lfd = listener(AF_INET, 1, &port);
    CHECK(lfd >= 0);
    close(lfd); /* nobody listens there any more: the kernel answers RST */
    apconn_posix_transport(&tcp, &t);
    CHECK_EQ(t.connect(t.ctx, "127.0.0.1", port, TEST_TIMEOUT_MS), APCONN_ERR_CONNECT);
    CHECK_EQ(tcp.last_errno, ECONNREFUSED);
    CHECK_STR(apconn_posix_reason(&tcp), strerror(ECONNREFUSED));
    CHECK_EQ(tcp.fd, -1);
}

static void connect_by_name_localhost_works(void) {
    apconn_posix tcp;
    apconn_transport t;
    uint16_t port = 0;
    int lfd = listener(AF_INET, 1, &port);
    apconn_posix_transport(&tcp, &t);
    CHECK_EQ(t.connect(t.ctx, "localhost", port, TEST_TIMEOUT_MS), APCONN_OK);
    CHECK(tcp.fd >= 0);
    t.close(t.ctx);
    close(lfd);
}

static void connect_rejects_missing_host_and_port_zero(void) {
    apconn_posix tcp;
    apconn_transport t;
    apconn_posix_transport(&tcp, &t);
    CHECK_EQ(t.connect(t.ctx, NULL, 80, TEST_TIMEOUT_MS), APCONN_ERR_ARGUMENT);
    CHECK_EQ(t.connect(t.ctx, "", 80, TEST_TIMEOUT_MS), APCONN_ERR_ARGUMENT);
    CHECK_EQ(t.connect(t.ctx, "127.0.0.1", 0, TEST_TIMEOUT_MS), APCONN_ERR_ARGUMENT);
}

/* No network needed: an IPv4 literal has no IPv6 address. */
static void unresolvable_address_for_family_is_dns_error(void) {
    apconn_posix tcp;
    apconn_transport t;
    apconn_posix_transport(&tcp, &t);
    tcp.family = AF_INET6;
    CHECK_EQ(t.connect(t.ctx, "127.0.0.1", 80, TEST_TIMEOUT_MS), APCONN_ERR_DNS);
    CHECK(tcp.last_gai_error != 0);
    CHECK(apconn_posix_reason(&tcp)[0] != '\0');
}

/* A listener with a full backlog drops further SYNs (Linux, with
   tcp_abort_on_overflow = 0): the connect can only end by the deadline. */
static void connect_to_full_backlog_times_out(void) {
    apconn_posix fill[4], tcp;
    apconn_transport ft[4], t;
    uint16_t port = 0;
    int lfd = listener(AF_INET, 0, &port), i, filled = 0;
    FILE *f = fopen("/proc/sys/net/ipv4/tcp_abort_on_overflow", "r");
    int abort_on_overflow = f ? fgetc(f) == '1' : 0;
    if (f) fclose(f);
    if (abort_on_overflow) {
        SKIP("net.ipv4.tcp_abort_on_overflow is 1: a full backlog answers with a reset");
        close(lfd);
        return;
    }
    for (i = 0; i < 4; i++) { /* fill the (tiny) backlog: later ones time out too */
        apconn_posix_transport(&fill[i], &ft[i]);
        if (ft[i].connect(ft[i].ctx, "127.0.0.1", port, TEST_SHORT_WAIT_MS) == APCONN_OK) filled++;
    }
    CHECK(filled >= 1);
    apconn_posix_transport(&tcp, &t);
    CHECK_EQ(t.connect(t.ctx, "127.0.0.1", port, TEST_SHORT_WAIT_MS), APCONN_ERR_TIMEOUT);
    CHECK_EQ(tcp.fd, -1);
    for (i = 0; i < 4; i++) ft[i].close(ft[i].ctx);
    close(lfd);
}

/* The address list getaddrinfo() would give, built by hand: a name with
   several addresses cannot be configured on a test machine. */
static void addr_v4(struct addrinfo *ai, struct sockaddr_in *sa, uint16_t port, struct addrinfo *next) {
    memset(ai, 0, sizeof *ai);
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons(port);
    sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ai->ai_family = AF_INET;
    ai->ai_socktype = SOCK_STREAM;
    ai->ai_protocol = IPPROTO_TCP;
    ai->ai_addr = (struct sockaddr *)sa;
    ai->ai_addrlen = sizeof *sa;
    ai->ai_next = next;
}

static void next_address_is_tried_after_a_refusal(void) {
    apconn_posix tcp;
    apconn_transport t;
    struct addrinfo first, second;
    struct sockaddr_in sa1, sa2;
    uint16_t dead = 0, live = 0;
    int dfd = listener(AF_INET, 1, &dead), lfd = listener(AF_INET, 1, &live);
    close(dfd); /* refused */
    addr_v4(&second, &sa2, live, NULL);
    addr_v4(&first, &sa1, dead, &second);
    apconn_posix_transport(&tcp, &t);
    CHECK_EQ(apconn_posix__connect_list(&tcp, &first, apconn_posix_now_ms(NULL), TEST_TIMEOUT_MS), APCONN_OK);
    CHECK(tcp.fd >= 0);
    t.close(t.ctx);
    close(lfd);
}

/* Each address gets a share of the time left, so a black hole first in the
   list (a full backlog drops the SYN) leaves time for the next one. */
static void black_holed_first_address_leaves_time_for_the_next(void) {
    apconn_posix fill[4], tcp;
    apconn_transport ft[4], t;
    struct addrinfo first, second;
    struct sockaddr_in sa1, sa2;
    uint16_t full = 0, live = 0;
    int ffd = listener(AF_INET, 0, &full), lfd = listener(AF_INET, 1, &live), i;
    for (i = 0; i < 4; i++) {
        apconn_posix_transport(&fill[i], &ft[i]);
        (void)ft[i].connect(ft[i].ctx, "127.0.0.1", full, TEST_SHORT_WAIT_MS);
    }
    addr_v4(&second, &sa2, live, NULL);
    addr_v4(&first, &sa1, full, &second);
    apconn_posix_transport(&tcp, &t);
    CHECK_EQ(apconn_posix__connect_list(&tcp, &first, apconn_posix_now_ms(NULL), 4 * TEST_SHORT_WAIT_MS), APCONN_OK);
    t.close(t.ctx);
    for (i = 0; i < 4; i++) ft[i].close(ft[i].ctx);
    close(ffd);
    close(lfd);
}

static void data_round_trip(void) {
    apconn_posix tcp;
    apconn_transport t;
    int lfd, sfd = -1;
    unsigned char buf[64];
    CHECK_EQ(connected_pair(&tcp, &t, &lfd, &sfd), 0);
    CHECK_EQ(t.send(t.ctx, (const unsigned char *)"ping", 4, TEST_TIMEOUT_MS), 4);
    CHECK_EQ(read(sfd, buf, sizeof buf), 4);
    CHECK_MEM(buf, "ping", 4);
    CHECK_EQ(write(sfd, "pong!", 5), 5);
    CHECK_EQ(t.recv(t.ctx, buf, sizeof buf, TEST_TIMEOUT_MS), 5);
    CHECK_MEM(buf, "pong!", 5);
    t.close(t.ctx);
    close(sfd);
    close(lfd);
}

static void recv_without_data_is_would_block(void) {
    apconn_posix tcp;
    apconn_transport t;
    int lfd, sfd = -1;
    unsigned char buf[16];
    CHECK_EQ(connected_pair(&tcp, &t, &lfd, &sfd), 0);
    CHECK_EQ(t.recv(t.ctx, buf, sizeof buf, TEST_SHORT_WAIT_MS), APCONN_ERR_WOULD_BLOCK);
    CHECK_EQ(t.recv(t.ctx, buf, sizeof buf, 0), APCONN_ERR_WOULD_BLOCK); /* 0 ms: just look */
    CHECK(tcp.fd >= 0); /* still usable */
    CHECK_EQ(write(sfd, "x", 1), 1);
    CHECK_EQ(t.recv(t.ctx, buf, sizeof buf, TEST_TIMEOUT_MS), 1);
    t.close(t.ctx);
    close(sfd);
    close(lfd);
}

static void recv_after_orderly_close_is_eof(void) {
    apconn_posix tcp;
    apconn_transport t;
    int lfd, sfd = -1;
    unsigned char buf[16];
    CHECK_EQ(connected_pair(&tcp, &t, &lfd, &sfd), 0);
    CHECK_EQ(write(sfd, "last", 4), 4);
    close(sfd);
    CHECK_EQ(t.recv(t.ctx, buf, sizeof buf, TEST_TIMEOUT_MS), 4);
    CHECK_EQ(t.recv(t.ctx, buf, sizeof buf, TEST_TIMEOUT_MS), 0);
    t.close(t.ctx);
    close(lfd);
}

static void recv_after_reset_is_recv_error(void) {
    apconn_posix tcp;
    apconn_transport t;
    int lfd, sfd = -1;
    unsigned char buf[16];
    CHECK_EQ(connected_pair(&tcp, &t, &lfd, &sfd), 0);
    close_with_reset(sfd);
    CHECK_EQ(t.recv(t.ctx, buf, sizeof buf, TEST_TIMEOUT_MS), APCONN_ERR_RECV);
    CHECK_EQ(tcp.last_errno, ECONNRESET);
    t.close(t.ctx);
    close(lfd);
}

/* SIGPIPE's default action kills the process: surviving is the assertion. */
static void send_to_closed_peer_fails_without_sigpipe(void) {
    apconn_posix tcp;
    apconn_transport t;
    int lfd, sfd = -1, i;
    long rc = 0;
    static const unsigned char chunk[1024] = {0};
    signal(SIGPIPE, SIG_DFL);
    CHECK_EQ(connected_pair(&tcp, &t, &lfd, &sfd), 0);
    close_with_reset(sfd);
    for (i = 0; i < 64 && rc >= 0; i++) rc = t.send(t.ctx, chunk, sizeof chunk, TEST_TIMEOUT_MS);
    CHECK_EQ(rc, APCONN_ERR_SEND); /* the first failure reports the RST: ECONNRESET */
    /* The next send on the dead socket is the EPIPE case that raises SIGPIPE. */
    CHECK_EQ(t.send(t.ctx, chunk, sizeof chunk, TEST_TIMEOUT_MS), APCONN_ERR_SEND);
    CHECK_EQ(tcp.last_errno, EPIPE);
    t.close(t.ctx);
    close(lfd);
}

/* The peer reads nothing: once both socket buffers are full, send must give
   up after its timeout with WOULD_BLOCK instead of blocking. */
static void send_into_full_buffers_is_would_block(void) {
    apconn_posix tcp;
    apconn_transport t;
    int lfd, sfd = -1, i;
    long rc = 1;
    static const unsigned char chunk[65536] = {0};
    CHECK_EQ(connected_pair(&tcp, &t, &lfd, &sfd), 0);
    for (i = 0; i < 4096 && rc > 0; i++) rc = t.send(t.ctx, chunk, sizeof chunk, TEST_SHORT_WAIT_MS);
    CHECK_EQ(rc, APCONN_ERR_WOULD_BLOCK);
    t.close(t.ctx);
    close(sfd);
    close(lfd);
}

static void io_on_closed_transport_fails(void) {
    apconn_posix tcp;
    apconn_transport t;
    unsigned char buf[4];
    apconn_posix_transport(&tcp, &t);
    t.close(t.ctx);
    t.close(t.ctx); /* idempotent */
    CHECK_EQ(t.send(t.ctx, (const unsigned char *)"x", 1, 10), APCONN_ERR_SEND);
    CHECK_EQ(t.recv(t.ctx, buf, sizeof buf, 10), APCONN_ERR_RECV);
    CHECK_EQ(tcp.last_errno, ENOTCONN);
}

static void zero_length_io_is_an_argument_error(void) {
    apconn_posix tcp;
    apconn_transport t;
    unsigned char buf[4];
    apconn_posix_transport(&tcp, &t);
    CHECK_EQ(t.recv(t.ctx, buf, 0, 10), APCONN_ERR_ARGUMENT); /* 0 would read as EOF */
    CHECK_EQ(t.send(t.ctx, buf, 0, 10), APCONN_ERR_ARGUMENT);
}

static void socket_is_cloexec_and_nodelay(void) {
    apconn_posix tcp;
    apconn_transport t;
    int lfd, sfd = -1, nodelay = 0;
    socklen_t len = sizeof nodelay;
    CHECK_EQ(connected_pair(&tcp, &t, &lfd, &sfd), 0);
    CHECK(fcntl(tcp.fd, F_GETFD) & FD_CLOEXEC);
    CHECK_EQ(getsockopt(tcp.fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len), 0);
    CHECK(nodelay != 0);
    t.close(t.ctx);
    close(sfd);
    close(lfd);
}

static void reconnect_closes_the_previous_socket(void) {
    apconn_posix tcp;
    apconn_transport t;
    int lfd, sfd = -1, old;
    uint16_t port = 0;
    CHECK_EQ(connected_pair(&tcp, &t, &lfd, &sfd), 0);
    old = tcp.fd;
    {
        struct sockaddr_in a;
        socklen_t len = sizeof a;
        CHECK_EQ(getsockname(lfd, (struct sockaddr *)&a, &len), 0);
        port = ntohs(a.sin_port);
    }
    CHECK_EQ(t.connect(t.ctx, "127.0.0.1", port, TEST_TIMEOUT_MS), APCONN_OK);
    {
        unsigned char b;
        CHECK_EQ(read(sfd, &b, 1), 0); /* the server sees EOF on the first connection */
    }
    (void)old;
    t.close(t.ctx);
    close(sfd);
    close(lfd);
}

static void ipv6_loopback_works(void) {
    apconn_posix tcp;
    apconn_transport t;
    uint16_t port = 0;
    int lfd = listener(AF_INET6, 1, &port), sfd;
    unsigned char buf[8];
    if (lfd < 0) {
        SKIP("no IPv6 loopback on this machine (cannot bind ::1)");
        return;
    }
    apconn_posix_transport(&tcp, &t);
    CHECK_EQ(t.connect(t.ctx, "::1", port, TEST_TIMEOUT_MS), APCONN_OK);
    sfd = accept(lfd, NULL, NULL);
    CHECK(sfd >= 0);
    CHECK_EQ(t.send(t.ctx, (const unsigned char *)"v6", 2, TEST_TIMEOUT_MS), 2);
    CHECK_EQ(read(sfd, buf, sizeof buf), 2);
    t.close(t.ctx);
    close(sfd);
    close(lfd);
}

static void now_ms_is_monotonic_and_sleep_waits_at_least(void) {
    apconn_posix tcp;
    apconn_transport t;
    uint32_t a, b;
    apconn_posix_transport(&tcp, &t);
    a = t.now_ms(t.ctx);
    t.sleep_ms(t.ctx, 20);
    b = t.now_ms(t.ctx);
    CHECK((uint32_t)(b - a) >= 19u); /* ms truncation of both readings */
}

int main(void) {
    RUN(transport_fills_every_callback_and_is_not_secure);
    RUN(connect_to_closed_port_is_refused);
    RUN(connect_by_name_localhost_works);
    RUN(connect_rejects_missing_host_and_port_zero);
    RUN(unresolvable_address_for_family_is_dns_error);
    RUN(connect_to_full_backlog_times_out);
    RUN(next_address_is_tried_after_a_refusal);
    RUN(black_holed_first_address_leaves_time_for_the_next);
    RUN(data_round_trip);
    RUN(recv_without_data_is_would_block);
    RUN(recv_after_orderly_close_is_eof);
    RUN(recv_after_reset_is_recv_error);
    RUN(send_to_closed_peer_fails_without_sigpipe);
    RUN(send_into_full_buffers_is_would_block);
    RUN(io_on_closed_transport_fails);
    RUN(zero_length_io_is_an_argument_error);
    RUN(socket_is_cloexec_and_nodelay);
    RUN(reconnect_closes_the_previous_socket);
    RUN(ipv6_loopback_works);
    RUN(now_ms_is_monotonic_and_sleep_waits_at_least);
    return harness_summary("platform_posix");
}
