/* apconn_proxy.h - HTTPS through an HTTP proxy (CONNECT tunnel) for apconn.

   A transport wrapper: it takes an inner apconn_transport that moves plain
   bytes (platform/apconn_posix.h, or your own) and offers one whose connect
   opens a TCP connection to the PROXY, asks it for a tunnel with
       CONNECT host:port HTTP/1.1            (RFC 9110 section 9.3.6)
   reads the proxy's answer head (bounded by the deadline and by
   APCONN_PROXY_HEAD_SIZE), and on a 2xx hands the raw tunnel to whatever sits
   on top. Put the TLS layer (platform/apconn_mbedtls.h) ON TOP of it: TLS is
   then end to end, the certificate and host name are those of the real
   server, and the proxy only ever sees the CONNECT line and ciphertext.

   Do this:
      #define APCONN_PROXY_IMPLEMENTATION    // in exactly ONE .c file (after
      #include "apconn_proxy.h"              // apconn_posix.h's, which goes first)
   Then:
      apconn_posix tcp; apconn_proxy proxy; apconn_mbedtls tls;
      apconn_transport tcp_t, proxy_t, tls_t;
      apconn_posix_transport(&tcp, &tcp_t);
      if (apconn_proxy_transport(&proxy, "http://user:pw@proxy.lan:3128", &tcp_t, &proxy_t) != APCONN_OK)
          ...                                // proxy.note says why (never echoes the URL)
      apconn_mbedtls_transport(&tls, &cfg, &proxy_t, &tls_t);   // TLS over the tunnel
      apconn_client_init(&client, "https://cloud.activepieces.com/api", key, &tls_t, ...);
   Pick the proxy like curl does with apconn_proxy_for() (https_proxy, then
   HTTPS_PROXY; no_proxy, then NO_PROXY): it needs only getenv.

   Proxy URL: [http://][user[:password]@]host[:port][/]. Default port 1080
   (curl's). An https:// proxy (TLS to the proxy itself) is not supported and
   refused. user and password are percent-decoded and sent as Basic
   credentials (RFC 7617) in Proxy-Authorization on each CONNECT; they are kept
   in apconn_proxy (wiped by apconn_proxy_free) and never appear in a reason
   text. Without TLS on top, Basic credentials cross the network in clear to
   the proxy: that is the nature of HTTP proxies, as with curl.

   no_proxy (apconn_proxy_bypass): comma- or space-separated entries; "*"
   bypasses every host; an entry matches the host itself and its subdomains
   ("example.com" and ".example.com" both match api.example.com); a ":port"
   on an entry is ignored; an IP address host matches only an entry that
   spells the same address (no suffixes, no CIDR ranges);
   case-insensitive. Like curl.

   The callbacks (apconn_transport contract, apconn.h):
     connect  inner connect to the proxy, CONNECT, answer head read byte by
              byte (so no byte of the tunnel is consumed). 2xx = tunnel open.
              A non-2xx answer is APCONN_ERR_CONNECT with the proxy's status
              line in proxy.status_line (e.g. "HTTP/1.1 407 Proxy
              Authentication Required"); a head that is not HTTP or does not
              fit APCONN_PROXY_HEAD_SIZE is APCONN_ERR_CONNECT too; the
              deadline passing is APCONN_ERR_TIMEOUT; an inner failure keeps
              its status. The inner connection is closed on failure.
     send, recv, close, now_ms, sleep_ms   the inner transport's.
   apconn_proxy_reason() gives one line on the last failure.

   License: MIT, see the end of apconn.h.
*/
#ifndef APCONN_PROXY_H
#define APCONN_PROXY_H

#ifndef APCONN_H
#include "apconn.h"
#endif

#ifndef APCONN_PROXY_API
#define APCONN_PROXY_API APCONN_API
#endif
#ifndef APCONN_PROXY_CRED_SIZE
#define APCONN_PROXY_CRED_SIZE 256u /* bytes: "user:password" decoded, incl. NUL */
#endif
#ifndef APCONN_PROXY_HEAD_SIZE
#define APCONN_PROXY_HEAD_SIZE 1024u /* bytes: the proxy's answer head to CONNECT */
#endif
#ifndef APCONN_PROXY_STATUS_LINE_SIZE
#define APCONN_PROXY_STATUS_LINE_SIZE 128u /* bytes: the proxy's status line kept for reports, incl. NUL */
#endif
#ifndef APCONN_PROXY_DEFAULT_PORT
#define APCONN_PROXY_DEFAULT_PORT 1080u /* port of a proxy URL without one (curl's default) */
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct apconn_proxy {
    const apconn_transport *inner;
    char host[APCONN_HOST_SIZE]; /* the proxy's host name or address */
    uint16_t port;
    char credentials[APCONN_PROXY_CRED_SIZE]; /* "user:password", "" = none; secret */
    char status_line[APCONN_PROXY_STATUS_LINE_SIZE]; /* proxy's answer to the last CONNECT */
    const char *note; /* this layer's reason for the last failure, NULL if none */
} apconn_proxy;

/* Parses proxy_url into *proxy and fills *out (secure = 0) with callbacks
   over *inner. APCONN_OK; APCONN_ERR_URL (not a proxy URL this layer speaks:
   proxy->note says which part, never echoing credentials); APCONN_ERR_ARGUMENT
   (NULL, inner without connect/send/recv/now_ms). A host or credentials
   that do not fit are APCONN_ERR_URL too. */
APCONN_PROXY_API int apconn_proxy_transport(apconn_proxy *proxy, const char *proxy_url, const apconn_transport *inner,
                                            apconn_transport *out);
/* Wipes the credentials. The inner transport is not closed (close() does). */
APCONN_PROXY_API void apconn_proxy_free(apconn_proxy *proxy);
/* 1 when `host` is matched by the no_proxy list (NULL or "" matches nothing). */
APCONN_PROXY_API int apconn_proxy_bypass(const char *no_proxy, const char *host);
/* The proxy URL to use for https to `host` from the environment, curl's way
   (https_proxy, then HTTPS_PROXY; no_proxy, then NO_PROXY), or NULL. */
APCONN_PROXY_API const char *apconn_proxy_for(const char *host);
/* One line on the last failure ("" if none): the proxy's status line or
   this layer's note. Never contains the credentials. Returns its length. */
APCONN_PROXY_API size_t apconn_proxy_reason(const apconn_proxy *proxy, char *buf, size_t size);

APCONN_PROXY_API int apconn_proxy_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms);
APCONN_PROXY_API long apconn_proxy_send(void *ctx, const unsigned char *data, size_t len, uint32_t timeout_ms);
APCONN_PROXY_API long apconn_proxy_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms);
APCONN_PROXY_API void apconn_proxy_close(void *ctx);
APCONN_PROXY_API uint32_t apconn_proxy_now_ms(void *ctx);
APCONN_PROXY_API void apconn_proxy_sleep_ms(void *ctx, uint32_t ms);

#ifdef __cplusplus
}
#endif
#endif /* APCONN_PROXY_H */

/* ===========================================================================
   Implementation
   ========================================================================= */
#if defined(APCONN_PROXY_IMPLEMENTATION) && !defined(APCONN_PROXY__IMPLEMENTED)
#define APCONN_PROXY__IMPLEMENTED

#include <stdlib.h> /* getenv */
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

static char apconn_proxy__lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }

static int apconn_proxy__ieq(const char *a, size_t n, const char *b, size_t m) {
    size_t i;
    if (n != m) return 0;
    for (i = 0; i < n; i++)
        if (apconn_proxy__lower(a[i]) != apconn_proxy__lower(b[i])) return 0;
    return 1;
}

static int apconn_proxy__hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = apconn_proxy__lower(c);
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* Percent-decodes s[0..n) onto out at *len; 0 when it does not fit or is bad. */
static int apconn_proxy__decode(const char *s, size_t n, char *out, size_t size, size_t *len) {
    size_t i;
    for (i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2u >= n || apconn_proxy__hex(s[i + 1]) < 0 || apconn_proxy__hex(s[i + 2]) < 0) return 0;
            c = apconn_proxy__hex(s[i + 1]) * 16 + apconn_proxy__hex(s[i + 2]);
            i += 2;
        }
        if (c < 0x20 || c == 0x7f || *len + 1u >= size) return 0; /* no control bytes in a header */
        out[(*len)++] = (char)c;
    }
    out[*len] = '\0';
    return 1;
}

static int apconn_proxy__bad(apconn_proxy *p, int status, const char *note) {
    p->note = note;
    apconn_wipe(p->credentials, sizeof p->credentials);
    return status;
}

/* No control bytes, no space, nothing a header or URL would misread. */
static int apconn_proxy__unsafe(const char *s) {
    for (; *s != '\0'; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s == 0x7f) return 1;
    return 0;
}

/* host[:port] after the userinfo, up to an optional "/" that ends the URL. */
static int apconn_proxy__parse_hostport(apconn_proxy *p, const char *s) {
    size_t n = strcspn(s, "/"), hn;
    const char *host = s, *after, *end = s + n;
    unsigned long port = APCONN_PROXY_DEFAULT_PORT;
    if (s[n] == '/' && s[n + 1] != '\0') return apconn_proxy__bad(p, APCONN_ERR_URL, "a proxy URL has no path");
    if (s[0] == '[') {
        const char *close = (const char *)memchr(s, ']', n);
        if (close == NULL) return apconn_proxy__bad(p, APCONN_ERR_URL, "proxy IPv6 address without ']'");
        host = s + 1;
        hn = (size_t)(close - host);
        after = close + 1;
    } else {
        const char *colon = (const char *)memchr(s, ':', n);
        hn = colon ? (size_t)(colon - s) : n;
        after = s + hn;
    }
    if (hn == 0u) return apconn_proxy__bad(p, APCONN_ERR_URL, "proxy URL without a host");
    if (hn >= sizeof p->host) return apconn_proxy__bad(p, APCONN_ERR_URL, "proxy host is longer than APCONN_HOST_SIZE");
    if (after < end) {
        if (*after != ':' || after + 1 == end) return apconn_proxy__bad(p, APCONN_ERR_URL, "proxy port is not a number 1..65535");
        for (port = 0, after++; after < end; after++) {
            if (*after < '0' || *after > '9' || port > 6553u) return apconn_proxy__bad(p, APCONN_ERR_URL, "proxy port is not a number 1..65535");
            port = port * 10u + (unsigned long)(*after - '0');
        }
        if (port == 0u || port > 65535u) return apconn_proxy__bad(p, APCONN_ERR_URL, "proxy port is not a number 1..65535");
    }
    memcpy(p->host, host, hn);
    p->host[hn] = '\0';
    if (strcspn(p->host, "@?#%[]") != hn) return apconn_proxy__bad(p, APCONN_ERR_URL, "bad character in the proxy host");
    p->port = (uint16_t)port;
    return APCONN_OK;
}

static int apconn_proxy__parse(apconn_proxy *p, const char *url) {
    const char *s = url, *at, *rest;
    size_t len = 0, auth_end;
    const char *scheme_end = strstr(url, "://");
    if (scheme_end != NULL) {
        if (!apconn_proxy__ieq(url, (size_t)(scheme_end - url), "http", 4))
            return apconn_proxy__bad(p, APCONN_ERR_URL, "only http:// proxies are supported (the tunnel carries TLS)");
        s = scheme_end + 3;
    }
    auth_end = strcspn(s, "/");
    at = NULL;
    for (rest = s; rest < s + auth_end; rest++)
        if (*rest == '@') at = rest; /* the last '@' ends the userinfo */
    if (at != NULL) {
        const char *colon = (const char *)memchr(s, ':', (size_t)(at - s));
        size_t un = colon ? (size_t)(colon - s) : (size_t)(at - s);
        if (!apconn_proxy__decode(s, un, p->credentials, sizeof p->credentials, &len) ||
            len + 1u >= sizeof p->credentials)
            return apconn_proxy__bad(p, APCONN_ERR_URL, "proxy user name is too long or badly encoded");
        p->credentials[len++] = ':';
        p->credentials[len] = '\0';
        if (colon && !apconn_proxy__decode(colon + 1, (size_t)(at - colon - 1), p->credentials, sizeof p->credentials, &len))
            return apconn_proxy__bad(p, APCONN_ERR_URL, "proxy password is too long or badly encoded");
        s = at + 1;
    }
    return apconn_proxy__parse_hostport(p, s);
}

APCONN_PROXY_API int apconn_proxy_transport(apconn_proxy *proxy, const char *proxy_url, const apconn_transport *inner,
                                            apconn_transport *out) {
    int rc;
    if (proxy == NULL) return APCONN_ERR_ARGUMENT;
    memset(proxy, 0, sizeof *proxy);
    if (proxy_url == NULL || inner == NULL || out == NULL || inner->connect == NULL || inner->send == NULL ||
        inner->recv == NULL || inner->now_ms == NULL)
        return apconn_proxy__bad(proxy, APCONN_ERR_ARGUMENT, "NULL proxy URL, inner transport or callback");
    if (apconn_proxy__unsafe(proxy_url)) return apconn_proxy__bad(proxy, APCONN_ERR_URL, "control character or space in the proxy URL");
    rc = apconn_proxy__parse(proxy, proxy_url);
    if (rc != APCONN_OK) return rc;
    proxy->inner = inner;
    memset(out, 0, sizeof *out);
    out->ctx = proxy;
    out->connect = apconn_proxy_connect;
    out->send = apconn_proxy_send;
    out->recv = apconn_proxy_recv;
    out->close = apconn_proxy_close;
    out->now_ms = apconn_proxy_now_ms;
    out->sleep_ms = inner->sleep_ms ? apconn_proxy_sleep_ms : NULL;
    out->secure = 0; /* a tunnel is not encryption: put TLS on top */
    return APCONN_OK;
}

APCONN_PROXY_API void apconn_proxy_free(apconn_proxy *proxy) {
    if (proxy != NULL) apconn_wipe(proxy->credentials, sizeof proxy->credentials);
}

/* ----- no_proxy ------------------------------------------------------------ */
/* An address literal: IPv4 (digits and dots) or IPv6 (has ':'). */
static int apconn_proxy__is_address(const char *host, size_t hn) {
    size_t i, digits_dots = 0, colons = 0;
    for (i = 0; i < hn; i++) {
        if ((host[i] >= '0' && host[i] <= '9') || host[i] == '.') digits_dots++;
        if (host[i] == ':') colons++;
    }
    return colons > 0 || digits_dots == hn;
}

static int apconn_proxy__entry_matches(const char *e, size_t n, const char *host, size_t hn) {
    size_t colon;
    if (n == 1 && e[0] == '*') return 1;
    if (e[0] != '[') { /* "host:port" -> host; an IPv6 entry has several ':' and no port */
        const char *c = (const char *)memchr(e, ':', n);
        if (c != NULL && memchr(c + 1, ':', n - (size_t)(c - e) - 1u) == NULL) n = (size_t)(c - e);
    } else {
        const char *c = (const char *)memchr(e, ']', n);
        if (c == NULL) return 0;
        n = (size_t)(c - e) - 1u;
        e++;
    }
    if (apconn_proxy__is_address(host, hn)) return apconn_proxy__ieq(e, n, host, hn); /* no suffixes of addresses */
    if (n > 0 && e[0] == '.') { e++; n--; }
    if (n == 0 || n > hn) return 0;
    colon = hn - n;
    if (!apconn_proxy__ieq(host + colon, n, e, n)) return 0;
    return colon == 0 || host[colon - 1] == '.';
}

APCONN_PROXY_API int apconn_proxy_bypass(const char *no_proxy, const char *host) {
    size_t hn;
    if (no_proxy == NULL || host == NULL) return 0;
    if (host[0] == '[') host++; /* "[::1]" as written in a URL */
    hn = strcspn(host, "]");
    while (hn > 0 && host[hn - 1] == '.') hn--; /* "example.com." */
    while (*no_proxy != '\0') {
        size_t n;
        no_proxy += strspn(no_proxy, ", \t");
        n = strcspn(no_proxy, ", \t");
        if (n > 0 && apconn_proxy__entry_matches(no_proxy, n, host, hn)) return 1;
        no_proxy += n;
    }
    return 0;
}

static const char *apconn_proxy__env(const char *lower, const char *upper) {
    const char *v = getenv(lower);
    if (v == NULL || v[0] == '\0') v = getenv(upper);
    return (v == NULL || v[0] == '\0') ? NULL : v;
}

APCONN_PROXY_API const char *apconn_proxy_for(const char *host) {
    const char *url = apconn_proxy__env("https_proxy", "HTTPS_PROXY");
    if (url == NULL || apconn_proxy_bypass(apconn_proxy__env("no_proxy", "NO_PROXY"), host)) return NULL;
    return url;
}

/* ----- CONNECT --------------------------------------------------------------- */
typedef struct apconn_proxy__out {
    unsigned char *buf;
    size_t len, cap;
} apconn_proxy__out;

static void apconn_proxy__put(apconn_proxy__out *o, const char *s, size_t n) {
    if (o->len + n > o->cap) n = o->cap - o->len; /* the caller checks the total first */
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void apconn_proxy__put_port(apconn_proxy__out *o, uint16_t port) {
    char digits[6];
    size_t n = 0, i;
    char text[6];
    do {
        digits[n++] = (char)('0' + port % 10u);
        port = (uint16_t)(port / 10u);
    } while (port != 0u);
    for (i = 0; i < n; i++) text[i] = digits[n - 1u - i];
    apconn_proxy__put(o, text, n);
}

static void apconn_proxy__put_base64(apconn_proxy__out *o, const char *s, size_t n) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;
    for (i = 0; i < n; i += 3) {
        unsigned long v = (unsigned long)(unsigned char)s[i] << 16;
        char quad[4];
        if (i + 1 < n) v |= (unsigned long)(unsigned char)s[i + 1] << 8;
        if (i + 2 < n) v |= (unsigned long)(unsigned char)s[i + 2];
        quad[0] = alphabet[(v >> 18) & 63u];
        quad[1] = alphabet[(v >> 12) & 63u];
        quad[2] = i + 1 < n ? alphabet[(v >> 6) & 63u] : '=';
        quad[3] = i + 2 < n ? alphabet[v & 63u] : '=';
        apconn_proxy__put(o, quad, 4);
    }
}

/* "host:port" with an IPv6 literal in brackets (RFC 9110 section 9.3.6 authority-form). */
static void apconn_proxy__put_authority(apconn_proxy__out *o, const char *host, uint16_t port) {
    int v6 = strchr(host, ':') != NULL;
    if (v6) apconn_proxy__put(o, "[", 1);
    apconn_proxy__put(o, host, strlen(host));
    if (v6) apconn_proxy__put(o, "]", 1);
    apconn_proxy__put(o, ":", 1);
    apconn_proxy__put_port(o, port);
}

static uint32_t apconn_proxy__left(const apconn_proxy *p, uint32_t start, uint32_t budget) {
    uint32_t spent = p->inner->now_ms(p->inner->ctx) - start;
    return spent >= budget ? 0u : budget - spent;
}

static int apconn_proxy__send_all(apconn_proxy *p, const unsigned char *b, size_t n, uint32_t start, uint32_t budget) {
    while (n > 0u) {
        uint32_t left = apconn_proxy__left(p, start, budget);
        long r;
        if (left == 0u) return APCONN_ERR_TIMEOUT;
        r = p->inner->send(p->inner->ctx, b, n, left);
        if (r == APCONN_ERR_WOULD_BLOCK) continue;
        if (r <= 0) return r < 0 ? (int)r : APCONN_ERR_SEND;
        b += r;
        n -= (size_t)r;
    }
    return APCONN_OK;
}

/* The answer head, byte by byte up to CRLF CRLF: bytes after it are the tunnel's. */
static int apconn_proxy__read_head(apconn_proxy *p, char *head, size_t cap, size_t *len, uint32_t start, uint32_t budget) {
    *len = 0;
    for (;;) {
        uint32_t left = apconn_proxy__left(p, start, budget);
        long r;
        if (left == 0u) {
            p->note = "the proxy did not answer CONNECT before the deadline";
            return APCONN_ERR_TIMEOUT;
        }
        if (*len + 1u >= cap) {
            p->note = "the proxy's answer head does not fit APCONN_PROXY_HEAD_SIZE";
            return APCONN_ERR_CONNECT;
        }
        r = p->inner->recv(p->inner->ctx, (unsigned char *)head + *len, 1u, left);
        if (r == APCONN_ERR_WOULD_BLOCK) continue;
        if (r == 0) {
            p->note = "the proxy closed the connection instead of answering CONNECT";
            return APCONN_ERR_CONNECT;
        }
        if (r < 0) return (int)r;
        (*len)++;
        head[*len] = '\0';
        if (*len >= 4u && memcmp(head + *len - 4u, "\r\n\r\n", 4) == 0) return APCONN_OK;
        if (*len >= 2u && memcmp(head + *len - 2u, "\n\n", 2) == 0) return APCONN_OK; /* bare LF, RFC 9112 section 2.2 */
    }
}

/* Keeps the proxy's status line for reports, printable ASCII only. */
static void apconn_proxy__keep_status(apconn_proxy *p, const char *head) {
    size_t n = strcspn(head, "\r\n"), i;
    if (n >= sizeof p->status_line) n = sizeof p->status_line - 1u;
    for (i = 0; i < n; i++) p->status_line[i] = (head[i] >= 0x20 && head[i] < 0x7f) ? head[i] : '?';
    p->status_line[n] = '\0';
}

/* "HTTP/1.x NNN[ reason]": 2xx opens the tunnel (RFC 9110 section 9.3.6). */
static int apconn_proxy__check_status(apconn_proxy *p, const char *head) {
    size_t n = strcspn(head, "\r\n");
    if (n < 12 || memcmp(head, "HTTP/1.", 7) != 0 || head[7] < '0' || head[7] > '9' || head[8] != ' ' ||
        head[9] < '1' || head[9] > '5' || head[10] < '0' || head[10] > '9' || head[11] < '0' || head[11] > '9' ||
        (n > 12 && head[12] != ' ')) {
        p->note = "the proxy's answer to CONNECT is not HTTP";
        return APCONN_ERR_CONNECT;
    }
    if (head[9] != '2') {
        p->note = "the proxy refused the tunnel";
        return APCONN_ERR_CONNECT;
    }
    return APCONN_OK;
}

APCONN_PROXY_API int apconn_proxy_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms) {
    apconn_proxy *p = (apconn_proxy *)ctx;
    unsigned char req[APCONN_HOST_SIZE * 2u + APCONN_PROXY_CRED_SIZE * 2u + 128u];
    char head[APCONN_PROXY_HEAD_SIZE];
    apconn_proxy__out o;
    uint32_t start;
    size_t head_len = 0, cred_len;
    int rc;
    if (p == NULL || p->inner == NULL || host == NULL || host[0] == '\0' || strlen(host) >= APCONN_HOST_SIZE ||
        apconn_proxy__unsafe(host))
        return APCONN_ERR_ARGUMENT;
    start = p->inner->now_ms(p->inner->ctx);
    p->note = NULL;
    p->status_line[0] = '\0';
    rc = p->inner->connect(p->inner->ctx, p->host, p->port, timeout_ms);
    if (rc != APCONN_OK) {
        p->note = "cannot connect to the proxy";
        return rc;
    }
    o.buf = req;
    o.len = 0;
    o.cap = sizeof req;
    apconn_proxy__put(&o, "CONNECT ", 8);
    apconn_proxy__put_authority(&o, host, port);
    apconn_proxy__put(&o, " HTTP/1.1\r\nHost: ", 17);
    apconn_proxy__put_authority(&o, host, port);
    apconn_proxy__put(&o, "\r\nUser-Agent: apconn/" APCONN_VERSION_STRING "\r\n", 23u + sizeof APCONN_VERSION_STRING - 1u);
    cred_len = strlen(p->credentials);
    if (cred_len > 0u) {
        apconn_proxy__put(&o, "Proxy-Authorization: Basic ", 27);
        apconn_proxy__put_base64(&o, p->credentials, cred_len);
        apconn_proxy__put(&o, "\r\n", 2);
    }
    apconn_proxy__put(&o, "\r\n", 2);
    rc = apconn_proxy__send_all(p, req, o.len, start, timeout_ms);
    apconn_wipe(req, sizeof req); /* held the credentials */
    if (rc == APCONN_OK) rc = apconn_proxy__read_head(p, head, sizeof head, &head_len, start, timeout_ms);
    if (head_len > 0u) apconn_proxy__keep_status(p, head);
    if (rc == APCONN_OK) rc = apconn_proxy__check_status(p, head);
    if (rc != APCONN_OK) {
        if (p->note == NULL) p->note = "the connection to the proxy failed";
        if (p->inner->close) p->inner->close(p->inner->ctx);
    }
    return rc;
}

APCONN_PROXY_API long apconn_proxy_send(void *ctx, const unsigned char *data, size_t len, uint32_t timeout_ms) {
    apconn_proxy *p = (apconn_proxy *)ctx;
    return p->inner->send(p->inner->ctx, data, len, timeout_ms);
}
APCONN_PROXY_API long apconn_proxy_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    apconn_proxy *p = (apconn_proxy *)ctx;
    return p->inner->recv(p->inner->ctx, buf, len, timeout_ms);
}
APCONN_PROXY_API void apconn_proxy_close(void *ctx) {
    apconn_proxy *p = (apconn_proxy *)ctx;
    if (p->inner->close) p->inner->close(p->inner->ctx);
}
APCONN_PROXY_API uint32_t apconn_proxy_now_ms(void *ctx) {
    apconn_proxy *p = (apconn_proxy *)ctx;
    return p->inner->now_ms(p->inner->ctx);
}
APCONN_PROXY_API void apconn_proxy_sleep_ms(void *ctx, uint32_t ms) {
    apconn_proxy *p = (apconn_proxy *)ctx;
    if (p->inner->sleep_ms) p->inner->sleep_ms(p->inner->ctx, ms);
}

APCONN_PROXY_API size_t apconn_proxy_reason(const apconn_proxy *proxy, char *buf, size_t size) {
    size_t len = 0;
    const char *parts[3];
    size_t i;
    if (buf == NULL || size == 0u) return 0;
    buf[0] = '\0';
    if (proxy == NULL) return 0;
    parts[0] = proxy->note ? proxy->note : "";
    parts[1] = proxy->note && proxy->status_line[0] ? ": " : "";
    parts[2] = proxy->status_line;
    if (proxy->note == NULL) return 0;
    for (i = 0; i < 3; i++) {
        const char *s = parts[i];
        while (*s != '\0' && len + 1u < size) buf[len++] = *s++;
    }
    buf[len] = '\0';
    return len;
}

#ifdef __cplusplus
}
#endif
#endif /* APCONN_PROXY_IMPLEMENTATION */
