/* apconn_posix.h - POSIX sockets transport for apconn (plain TCP, IPv4 + IPv6).

   Gives apconn (or the TLS layer platform/apconn_mbedtls.h) an
   apconn_transport over a TCP socket: host name resolution, connect, send,
   recv, close, a monotonic clock and sleep. Every call is bounded by the
   timeout it is given, except host name resolution (see "Limits" below).

   Do this:
      #define APCONN_POSIX_IMPLEMENTATION   // in exactly ONE .c file, FIRST: before
      #include "apconn_posix.h"             // any other #include (or -D_POSIX_C_SOURCE=200809L)
   Every other file includes "apconn_posix.h" alone. Then:
      apconn_posix     tcp;                    // lives as long as the transport
      apconn_transport plain;
      apconn_posix_transport(&tcp, &plain);    // initialises tcp, fills plain
      // plain text (loopback only):  apconn_client_init(&c, "http://127.0.0.1:8080", key, &plain, ...)
      // TLS: give &plain to apconn_mbedtls_transport() (platform/apconn_mbedtls.h)
      // it can also be used directly:
      if (plain.connect(plain.ctx, "localhost", 8443, 5000) != APCONN_OK)
          fprintf(stderr, "%s\n", apconn_posix_reason(&tcp));
   apconn.h must be on the include path (or included before this header).

   Feature macros (why FIRST): the implementation needs POSIX.1-2008
   (getaddrinfo, poll, clock_gettime, MSG_NOSIGNAL), and a C library fixes its
   feature set at the first system header of a file (apconn.h's <stdint.h>
   counts). So when APCONN_POSIX_IMPLEMENTATION is defined and the file has not
   chosen a feature macro (_POSIX_C_SOURCE, _XOPEN_SOURCE, _GNU_SOURCE,
   _DEFAULT_SOURCE, _BSD_SOURCE, _DARWIN_C_SOURCE), this header defines
   _POSIX_C_SOURCE 200809L on its first line. If a system header came earlier
   (e.g. apconn.h's own implementation was included first) and the feature set
   lacks POSIX.1-2008, the build stops with an #error naming the two fixes:
   include this first, or compile that file with -D_POSIX_C_SOURCE=200809L.
   Without _IMPLEMENTATION the header needs nothing and goes anywhere.

   What each callback does (the apconn_transport contract in apconn.h):
     connect  resolves `host` (a name, or an address literal with IPv6 not
              in brackets) with getaddrinfo, IPv4 and IPv6, and tries each
              address in the resolver's order with a non-blocking connect
              bounded by poll(); each attempt gets an equal share of the time
              left, so a black-holed first address cannot eat the whole
              deadline. The socket is close-on-exec, TCP_NODELAY, and never
              raises SIGPIPE.
              APCONN_ERR_DNS (resolution failed), APCONN_ERR_TIMEOUT (deadline
              passed), APCONN_ERR_CONNECT (every address refused/unreachable),
              APCONN_ERR_ARGUMENT (NULL/empty host, port 0).
     send     > 0 bytes sent; APCONN_ERR_WOULD_BLOCK when nothing could be sent
              within timeout_ms; APCONN_ERR_SEND on failure (peer reset/closed:
              EPIPE/ECONNRESET; no SIGPIPE: MSG_NOSIGNAL or SO_NOSIGPIPE).
     recv     > 0 bytes read; 0 on orderly EOF; APCONN_ERR_WOULD_BLOCK when
              nothing arrived within timeout_ms; APCONN_ERR_RECV on failure
              (ECONNRESET, ...).
     close    closes the socket (idempotent).
     now_ms   clock_gettime(CLOCK_MONOTONIC) in ms, wrapping at 2^32.
     sleep_ms nanosleep, resumed after signals.
   After a failure, tcp.last_errno / tcp.last_gai_error keep the cause and
   apconn_posix_reason(&tcp) returns it as text (strerror / gai_strerror).

   Options (fields of apconn_posix, set after apconn_posix_transport()):
      family    AF_UNSPEC (0, default), or AF_INET / AF_INET6 to use only one.

   Limits:
   - getaddrinfo() cannot be bounded: a slow resolver can block connect past
     its timeout (the time is then charged to the deadline, and the connect
     attempts that follow get only what is left, possibly
     APCONN_ERR_TIMEOUT). To bound it, resolve yourself (getaddrinfo_a,
     c-ares, a cache) and pass a numeric address: numeric hosts never query DNS
     (but a certificate check then needs the name: see apconn_mbedtls.h).
   - One connection per apconn_posix; not thread-safe (one client at a time).

   License: MIT, see the end of apconn.h.
*/
/* Before apconn.h (its <stdint.h> already fixes the C library's feature set):
   the implementation needs POSIX.1-2008 unless the file chose a feature macro. */
#if defined(APCONN_POSIX_IMPLEMENTATION) && !defined(_POSIX_C_SOURCE) && !defined(_XOPEN_SOURCE) && \
    !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE) && !defined(_BSD_SOURCE) &&                \
    !defined(_DARWIN_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#ifndef APCONN_POSIX_H
#define APCONN_POSIX_H

#ifndef APCONN_H
#include "apconn.h"
#endif

#ifndef APCONN_POSIX_API
#define APCONN_POSIX_API APCONN_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* One TCP connection. Initialised by apconn_posix_transport(). */
typedef struct apconn_posix {
    int fd;             /* socket, -1 when closed */
    int family;         /* option: 0 (AF_UNSPEC) = IPv4 and IPv6; AF_INET or AF_INET6 */
    int last_errno;     /* errno of the last failure, 0 if none */
    int last_gai_error; /* getaddrinfo() result of the last DNS failure, 0 if none */
} apconn_posix;

/* Initialises *ctx (closed, no error, both address families) and fills *out
   with the POSIX callbacks and ctx; out->secure is 0. */
APCONN_POSIX_API void apconn_posix_transport(apconn_posix *ctx, apconn_transport *out);

/* The callbacks themselves (ctx is an apconn_posix *), for wrapping them. */
APCONN_POSIX_API int apconn_posix_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms);
APCONN_POSIX_API long apconn_posix_send(void *ctx, const unsigned char *data, size_t len, uint32_t timeout_ms);
APCONN_POSIX_API long apconn_posix_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms);
APCONN_POSIX_API void apconn_posix_close(void *ctx);
APCONN_POSIX_API uint32_t apconn_posix_now_ms(void *ctx);
APCONN_POSIX_API void apconn_posix_sleep_ms(void *ctx, uint32_t ms);

/* The cause of the last failure as text ("Connection refused", "Name or
   service not known", ...); "" when none was recorded. */
APCONN_POSIX_API const char *apconn_posix_reason(const apconn_posix *ctx);

#ifdef __cplusplus
}
#endif
#endif /* APCONN_POSIX_H */

/* ===========================================================================
   Implementation
   ========================================================================= */
#if defined(APCONN_POSIX_IMPLEMENTATION) && !defined(APCONN_POSIX__IMPLEMENTED)
#define APCONN_POSIX__IMPLEMENTED

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* glibc fixes its feature set at the first system header; if that happened
   before this section without POSIX.1-2008, getaddrinfo & co. are missing. */
#if defined(__GLIBC__) && !defined(__USE_XOPEN2K8)
#error "apconn_posix.h: POSIX.1-2008 is not enabled in this file. Put '#define APCONN_POSIX_IMPLEMENTATION' + '#include \"apconn_posix.h\"' before every other #include, or compile this file with -D_POSIX_C_SOURCE=200809L."
#endif

#ifndef APCONN_POSIX_MAX_IO
#define APCONN_POSIX_MAX_IO ((size_t)INT_MAX) /* bytes per send/recv call; fits long on every ABI */
#endif

#ifdef MSG_NOSIGNAL
#define APCONN_POSIX__SEND_FLAGS MSG_NOSIGNAL /* EPIPE instead of SIGPIPE (POSIX.1-2008) */
#else
#define APCONN_POSIX__SEND_FLAGS 0 /* SO_NOSIGPIPE is set on the socket instead (BSD, macOS) */
#if !defined(SO_NOSIGPIPE) && !defined(APCONN_POSIX_SIGPIPE_IGNORED)
#error "apconn_posix.h: neither MSG_NOSIGNAL nor SO_NOSIGPIPE: a write to a closed peer would kill the process. Ignore SIGPIPE in your program and define APCONN_POSIX_SIGPIPE_IGNORED."
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ms left of a budget that started at `start`; the subtraction wraps correctly. */
static uint32_t apconn_posix__left(uint32_t start, uint32_t budget_ms) {
    uint32_t spent = apconn_posix_now_ms(NULL) - start;
    return spent >= budget_ms ? 0u : budget_ms - spent;
}

/* poll() one fd for `events` up to timeout_ms, resumed after EINTR with the
   time left. Returns 1 ready, 0 timed out, -1 error (errno set). */
static int apconn_posix__wait(int fd, short events, uint32_t timeout_ms) {
    uint32_t start = apconn_posix_now_ms(NULL);
    for (;;) {
        struct pollfd p;
        uint32_t left = apconn_posix__left(start, timeout_ms);
        int rc;
        p.fd = fd;
        p.events = events;
        p.revents = 0;
        rc = poll(&p, 1, left > (uint32_t)INT_MAX ? INT_MAX : (int)left);
        if (rc > 0) return 1; /* POLLERR/POLLHUP also count: the next call reports them */
        if (rc == 0) return 0;
        if (errno != EINTR) return -1;
    }
}

static void apconn_posix__port_text(uint16_t port, char text[8]) {
    char digits[8];
    int n = 0, i = 0;
    do {
        digits[n++] = (char)('0' + port % 10u);
        port = (uint16_t)(port / 10u);
    } while (port != 0u);
    while (n > 0) text[i++] = digits[--n];
    text[i] = '\0';
}

/* A non-blocking, close-on-exec, no-SIGPIPE, no-delay stream socket. */
static int apconn_posix__socket(int family) {
    int one = 1, fd;
#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
    fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0); /* atomic: no fork race */
    if (fd < 0) return -1;
#else
    int flags;
    fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    flags = fcntl(fd, F_GETFL, 0);
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 || flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
#endif
#ifdef SO_NOSIGPIPE
    (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    /* apconn writes a request in few large sends and then waits for the
       answer: Nagle would only add a round trip of delay. */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* One address: 1 connected, 0 failed (errno set; the socket is closed). */
static int apconn_posix__try_address(apconn_posix *c, const struct addrinfo *ai, uint32_t budget_ms) {
    int err = 0;
    socklen_t len = (socklen_t)sizeof err;
    int fd = apconn_posix__socket(ai->ai_family);
    if (fd < 0) return 0;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        c->fd = fd;
        return 1;
    }
    if (errno == EINPROGRESS || errno == EINTR) { /* EINTR: the connect goes on (POSIX) */
        int ready = apconn_posix__wait(fd, POLLOUT, budget_ms);
        if (ready == 0) err = ETIMEDOUT;
        else if (ready < 0) err = errno;
        else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
        if (err == 0) {
            c->fd = fd;
            return 1;
        }
    } else {
        err = errno;
    }
    close(fd);
    errno = err;
    return 0;
}

static int apconn_posix__connect_list(apconn_posix *c, const struct addrinfo *list, uint32_t start,
                                      uint32_t timeout_ms) {
    const struct addrinfo *ai;
    int remaining = 0;
    for (ai = list; ai != NULL; ai = ai->ai_next) remaining++;
    for (ai = list; ai != NULL; ai = ai->ai_next, remaining--) {
        uint32_t left = apconn_posix__left(start, timeout_ms), share;
        if (left == 0u) break;
        share = left / (uint32_t)remaining;
        if (apconn_posix__try_address(c, ai, share != 0u ? share : left)) return APCONN_OK;
        c->last_errno = errno;
    }
    if (apconn_posix__left(start, timeout_ms) == 0u) {
        if (c->last_errno == 0) c->last_errno = ETIMEDOUT;
        return APCONN_ERR_TIMEOUT;
    }
    return APCONN_ERR_CONNECT;
}

APCONN_POSIX_API int apconn_posix_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms) {
    apconn_posix *c = (apconn_posix *)ctx;
    struct addrinfo hints, *list = NULL;
    char port_text[8];
    uint32_t start = apconn_posix_now_ms(NULL);
    int rc;
    if (c == NULL || host == NULL || host[0] == '\0' || port == 0u) return APCONN_ERR_ARGUMENT;
    apconn_posix_close(c);
    c->last_errno = 0;
    c->last_gai_error = 0;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = c->family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = AI_NUMERICSERV;
    apconn_posix__port_text(port, port_text);
    rc = getaddrinfo(host, port_text, &hints, &list); /* unbounded: see "Limits" */
    if (rc != 0) {
        c->last_gai_error = rc;
#ifdef EAI_SYSTEM
        if (rc == EAI_SYSTEM) c->last_errno = errno;
#endif
        return APCONN_ERR_DNS;
    }
    rc = apconn_posix__connect_list(c, list, start, timeout_ms);
    freeaddrinfo(list);
    return rc;
}

/* Maps a failed send/recv: 0 = retry (EINTR), 1 = wait, else the status. */
static int apconn_posix__io_failure(apconn_posix *c, int failure_status) {
    if (errno == EINTR) return 0;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 1;
    c->last_errno = errno;
    return failure_status;
}

APCONN_POSIX_API long apconn_posix_send(void *ctx, const unsigned char *data, size_t len, uint32_t timeout_ms) {
    apconn_posix *c = (apconn_posix *)ctx;
    uint32_t start = apconn_posix_now_ms(NULL);
    if (c == NULL || data == NULL || len == 0u) return APCONN_ERR_ARGUMENT;
    if (c->fd < 0) {
        c->last_errno = ENOTCONN;
        return APCONN_ERR_SEND;
    }
    if (len > APCONN_POSIX_MAX_IO) len = APCONN_POSIX_MAX_IO;
    for (;;) {
        ssize_t n = send(c->fd, data, len, APCONN_POSIX__SEND_FLAGS);
        int what, ready;
        if (n >= 0) return (long)n;
        what = apconn_posix__io_failure(c, APCONN_ERR_SEND);
        if (what == 0) continue;
        if (what != 1) return what;
        ready = apconn_posix__wait(c->fd, POLLOUT, apconn_posix__left(start, timeout_ms));
        if (ready == 0) return APCONN_ERR_WOULD_BLOCK;
        if (ready < 0) {
            c->last_errno = errno;
            return APCONN_ERR_SEND;
        }
    }
}

APCONN_POSIX_API long apconn_posix_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    apconn_posix *c = (apconn_posix *)ctx;
    uint32_t start = apconn_posix_now_ms(NULL);
    if (c == NULL || buf == NULL || len == 0u) return APCONN_ERR_ARGUMENT; /* len 0 would look like EOF */
    if (c->fd < 0) {
        c->last_errno = ENOTCONN;
        return APCONN_ERR_RECV;
    }
    if (len > APCONN_POSIX_MAX_IO) len = APCONN_POSIX_MAX_IO;
    for (;;) {
        ssize_t n = recv(c->fd, buf, len, 0);
        int what, ready;
        if (n >= 0) return (long)n; /* 0: orderly EOF */
        what = apconn_posix__io_failure(c, APCONN_ERR_RECV);
        if (what == 0) continue;
        if (what != 1) return what;
        ready = apconn_posix__wait(c->fd, POLLIN, apconn_posix__left(start, timeout_ms));
        if (ready == 0) return APCONN_ERR_WOULD_BLOCK;
        if (ready < 0) {
            c->last_errno = errno;
            return APCONN_ERR_RECV;
        }
    }
}

APCONN_POSIX_API void apconn_posix_close(void *ctx) {
    apconn_posix *c = (apconn_posix *)ctx;
    if (c == NULL || c->fd < 0) return;
    (void)close(c->fd); /* not retried on EINTR: the fd is released either way (Linux, POSIX 2024) */
    c->fd = -1;
}

APCONN_POSIX_API uint32_t apconn_posix_now_ms(void *ctx) {
    struct timespec ts;
    (void)ctx;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return 0u; /* cannot fail with CLOCK_MONOTONIC */
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

APCONN_POSIX_API void apconn_posix_sleep_ms(void *ctx, uint32_t ms) {
    struct timespec want, left;
    (void)ctx;
    want.tv_sec = (time_t)(ms / 1000u);
    want.tv_nsec = (long)(ms % 1000u) * 1000000L;
    while (nanosleep(&want, &left) != 0 && errno == EINTR) want = left;
}

APCONN_POSIX_API const char *apconn_posix_reason(const apconn_posix *ctx) {
    if (ctx == NULL) return "";
#ifdef EAI_SYSTEM
    if (ctx->last_gai_error != 0 && ctx->last_gai_error != EAI_SYSTEM) return gai_strerror(ctx->last_gai_error);
#else
    if (ctx->last_gai_error != 0) return gai_strerror(ctx->last_gai_error);
#endif
    if (ctx->last_errno != 0) return strerror(ctx->last_errno);
    return "";
}

APCONN_POSIX_API void apconn_posix_transport(apconn_posix *ctx, apconn_transport *out) {
    memset(ctx, 0, sizeof *ctx);
    ctx->fd = -1;
    ctx->family = AF_UNSPEC;
    memset(out, 0, sizeof *out);
    out->ctx = ctx;
    out->connect = apconn_posix_connect;
    out->send = apconn_posix_send;
    out->recv = apconn_posix_recv;
    out->close = apconn_posix_close;
    out->now_ms = apconn_posix_now_ms;
    out->sleep_ms = apconn_posix_sleep_ms;
    out->secure = 0;
}

#ifdef __cplusplus
}
#endif
#endif /* APCONN_POSIX_IMPLEMENTATION */
