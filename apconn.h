/* apconn.h - v0.2.0 - Activepieces global connections over HTTPS, for small systems.

   apconn creates (upserts), lists, updates and deletes Activepieces *global
   connections* (app connections with scope PLATFORM) from firmware and
   gateways. It never allocates: every byte it touches is a buffer you gave it.
   It has three parts, in the order data flows: a fixed-buffer JSON writer, a
   strict incremental JSON validator + a jsmn based reader that returns views
   into your work buffer, and a small HTTP/1.1 client that runs over
   send/recv callbacks you supply (platform/ has POSIX and mbedTLS ones).

   Do this:
      #define APCONN_IMPLEMENTATION
      #include "apconn.h"
   in exactly ONE C or C++ file. Every other file includes "apconn.h" alone.
   The implementation needs jsmn 1.1.0's "jsmn.h" on the include path (Debian:
   libjsmn-dev); it includes it itself, with JSMN_STATIC and JSMN_PARENT_LINKS.
   Define APCONN_STATIC as well to make every function static to that file.

   A whole call, in one minute:
      static unsigned char work[APCONN_WORK_BUFFER_SIZE];   // request, then response
      static apconn_token  tokens[APCONN_TOKEN_COUNT];      // jsmn tokens of one item
      apconn_client client;
      apconn_error  err;
      apconn_connection conn;
      apconn_upsert_request req = {0};
      const char *projects[] = { "Kp3Wn8ZrQa1Lm5Tx7Vb2C" };

      if (apconn_client_init(&client, "https://cloud.activepieces.com/api", api_key, &my_transport,
                             work, sizeof work, tokens, APCONN_TOKEN_COUNT, &err) != APCONN_OK)
          return;                                             // err says why
      req.display_name = "Acme Slack";
      req.piece_name   = "@activepieces/piece-slack";
      req.type         = APCONN_TYPE_SECRET_TEXT;
      req.value.secret_text = "xoxb-123";
      req.project_ids  = projects;  req.project_id_count = 1;
      req.external_id  = "acme_slack";                       // makes retries idempotent
      if (apconn_connection_upsert(&client, &req, &conn, &err) != APCONN_OK) {
          char msg[APCONN_ERROR_TEXT_SIZE];
          apconn_error_format(&err, msg, sizeof msg);         // one readable line
      } else {
          printf("%s\n", conn.id);                            // a view: valid until the next call
      }

   A platform of any size, one item at a time (the work buffer bounds ONE item):
      apconn_page page;
      apconn_status st;
      apconn_list_request q = {0};
      q.limit = 100;
      if (apconn_connection_list(&client, &q, &page, &err) == APCONN_OK)
          while ((st = apconn_page_next(&page, &conn, &err)) != APCONN_END) {
              if (st == APCONN_OK) use(&conn);                 // views, until the next item
              else if (st != APCONN_ERR_ITEM_TOO_LARGE && st != APCONN_ERR_JSON_TOKENS) break;
          }                                                    // then page.next: the next cursor

   Return values: every function that can fail returns an apconn_status:
   APCONN_OK (0) on success, a negative APCONN_ERR_* on failure, and
   APCONN_END (1) only from iterators that ran out of items. The optional
   apconn_error gets the details: HTTP status, the server's code and message,
   the JSON field or the byte offset that was wrong, the room a skipped item
   needed. Every call that takes an apconn_error clears it first, so it never
   holds an older failure (the contract: section 3). apconn_strerror() names
   every status; apconn_status_class() sorts it into one of six classes
   (caller mistake, transport, TLS, HTTP framing, server answer, response
   content) for a program that decides by kind. Nothing is lost silently:
   server data is never cut to a field size (every string is a view), and an
   item that does not fit the work buffer is reported with the size it needs.

   Configuration: define any of these before the implementation to override.
   All sizes are in bytes and include the terminating NUL where they hold text.
   None of them limits a field the server sends (APCONN_JSON_MAX_DEPTH bounds
   nesting only): that is the work buffer's job.
      APCONN_JSON_MAX_DEPTH        nesting depth the validator/writer accept   (16)
      APCONN_ERROR_FIELD_SIZE      apconn_error.field                          (64)
      APCONN_ERROR_CODE_SIZE       apconn_error.code                           (64)
      APCONN_ERROR_MESSAGE_SIZE    apconn_error.message (cut: message_truncated)(256)
      APCONN_ERROR_TEXT_SIZE       a buffer that holds apconn_error_format()  (512)
      APCONN_HOST_SIZE             host name parsed from the base URL         (128)
      APCONN_BASE_PATH_SIZE        path prefix parsed from the base URL        (64)
      APCONN_WORK_BUFFER_SIZE      suggested work buffer                     (4096)
      APCONN_TOKEN_COUNT           suggested jsmn token array length          (160)
      APCONN_DEFAULT_TIMEOUT_MS    deadline of one whole call               (30000)
      APCONN_DEFAULT_MAX_RETRIES   retries of one call                          (2)
      APCONN_RETRY_BACKOFF_MS      first retry delay, doubled each time       (500)
      APCONN_MAX_RETRY_AFTER_MS    largest Retry-After honoured             (60000)
      APCONN_LOG_LINE_SIZE         one line passed to the log hook             (96)
      APCONN_ERROR_EXCERPT_SIZE    bytes of a non-JSON error body in message   (96)
      APCONN_MAX_IDLE_POLLS        WOULD_BLOCKs in a row while now_ms does not
                                   move before the call ends as a timeout    (1000)
      APCONN_REDACT_MIN            a run of this many key bytes in server text
                                   is replaced by "[redacted]"                  (8)
      APCONN_PROGMEM               Harvard targets: placed on the big constant
      APCONN_READ_BYTE(p)          tables (status texts, number and id tables)
                                   to keep them in flash, and the byte read
                                   that reaches them. Define both or neither;
                                   on AVR they default to PROGMEM and
                                   pgm_read_byte. With them, apconn_strerror()
                                   copies its text into a static buffer: the
                                   pointer is valid until its next call.
      APCONN_NO_STATUS_TEXT        define it to make apconn_strerror() return the
                                   enum name ("APCONN_ERR_TIMEOUT") instead of a
                                   sentence: ~450 bytes less .rodata   (undefined)
   Size profiles: each of these (undefined by default) removes code; what the
   library then does instead is stated, nothing else changes. `make size`
   shows each one's saving.
      APCONN_EMPTY_STATUS_TEXT     apconn_strerror() returns "" for every status
                                   (no text blob at all); apconn_error_format()
                                   and the log line name the status by number
                                   instead ("status -41").
      APCONN_NO_ERROR_DETAILS      server error bodies are not parsed:
                                   apconn_parse_error_body() does not exist;
                                   err->code stays empty and err->message holds
                                   a plain excerpt of the body (its first
                                   APCONN_ERROR_EXCERPT_SIZE bytes, control
                                   characters as spaces), JSON or not.
      APCONN_NO_RETRIES            every call is one attempt: a 429/502/503/504
                                   is returned as it came (APCONN_ERR_HTTP_STATUS
                                   from the four calls), a connect failure or a
                                   stale keep-alive connection fails the call
                                   (the connection is closed; the next call opens
                                   a new one). max_retries, retry_unsafe_post and
                                   sleep_ms are not used.
      APCONN_NO_KEEPALIVE_PROBE    no zero-timeout recv before a connection is
                                   reused; to stay correct without it, a
                                   transport that can reconnect (connect != NULL)
                                   gets one connection per call: it is closed
                                   once the response is read. A single-connection
                                   transport (connect == NULL) is used as before.
      APCONN_NO_VALUE_JSON         apconn_value.value_json is not supported: an
                                   upsert that sets it fails with
                                   APCONN_ERR_ARGUMENT (field "value_json"),
                                   nothing is sent.
      APCONN_NO_REDACTION          server text copied into err->message/code is
                                   not searched for the API key: a proxy that
                                   echoes the Authorization header puts the key
                                   into err (it is still never logged or sent).
      APCONN_MINIMAL               all six above.

   Limits you should know: the work buffer holds a request plus ONE item of
   a response (a list page streams through it; an upsert/update answer is one
   item); the token array holds one item's tokens (about 57 with an owner,
   plus one per project or flow id). Error bodies of other statuses are read whole.
   With a 16-bit int and size_t (AVR), the work buffer is at most 32767 bytes
   and byte offsets in err count modulo 65536; a streamed body itself may be
   of any length (body sizes are counted in unsigned long). No recursion
   anywhere, so the stack use is fixed (measure it with `make size`).

   License: MIT, see the end of this file.
*/
#ifndef APCONN_H
#define APCONN_H

#define APCONN_VERSION_MAJOR 0
#define APCONN_VERSION_MINOR 2
#define APCONN_VERSION_PATCH 0
#define APCONN_VERSION_STRING "0.2.0"

#include <stddef.h>
#include <stdint.h>

#ifdef APCONN_STATIC
#define APCONN_API static
#else
#define APCONN_API extern
#endif

/* ---------------------------------------------------------------------------
   1. Configuration (every limit is a macro; units in the comment)
   ------------------------------------------------------------------------- */
#ifndef APCONN_JSON_MAX_DEPTH
#define APCONN_JSON_MAX_DEPTH 16 /* levels of nested objects/arrays */
#endif
#ifndef APCONN_ERROR_FIELD_SIZE
#define APCONN_ERROR_FIELD_SIZE 64
#endif
#ifndef APCONN_ERROR_CODE_SIZE
#define APCONN_ERROR_CODE_SIZE 64
#endif
#ifndef APCONN_ERROR_MESSAGE_SIZE
#define APCONN_ERROR_MESSAGE_SIZE 256
#endif
#ifndef APCONN_ERROR_TEXT_SIZE
#define APCONN_ERROR_TEXT_SIZE 512
#endif
#ifndef APCONN_HOST_SIZE
#define APCONN_HOST_SIZE 128
#endif
#ifndef APCONN_BASE_PATH_SIZE
#define APCONN_BASE_PATH_SIZE 64
#endif
#ifndef APCONN_WORK_BUFFER_SIZE
/* bytes; a suggestion, the caller sizes it. It bounds ONE item of a list page
   (plus the request and a cursor), never a whole page: 4 KB holds a connection
   shared with about 100 projects. */
#define APCONN_WORK_BUFFER_SIZE 4096
#endif
#ifndef APCONN_TOKEN_COUNT
/* jsmn tokens (20 bytes each); a suggestion. One item of a list page must
   fit: a connection with an owner takes about 57 tokens plus one per project
   or flow id (err->needed tells the exact count of one that did not fit). */
#define APCONN_TOKEN_COUNT 160
#endif
#ifndef APCONN_DEFAULT_TIMEOUT_MS
#define APCONN_DEFAULT_TIMEOUT_MS 30000u /* ms, one whole call incl. retries */
#endif
#ifndef APCONN_DEFAULT_MAX_RETRIES
#define APCONN_DEFAULT_MAX_RETRIES 2u
#endif
#ifndef APCONN_RETRY_BACKOFF_MS
#define APCONN_RETRY_BACKOFF_MS 500u /* ms before the first retry; doubles */
#endif
#ifndef APCONN_MAX_RETRY_AFTER_MS
#define APCONN_MAX_RETRY_AFTER_MS 60000u /* ms; larger Retry-After values are clamped */
#endif
#ifndef APCONN_LOG_LINE_SIZE
#define APCONN_LOG_LINE_SIZE 96 /* bytes incl. NUL: one line given to the log hook */
#endif
#ifndef APCONN_MAX_IDLE_POLLS
#define APCONN_MAX_IDLE_POLLS 1000u /* WOULD_BLOCKs in a row while now_ms stands still = timeout */
#endif
#ifndef APCONN_REDACT_MIN
#define APCONN_REDACT_MIN 8 /* bytes: a run of the key this long in server text is redacted */
#endif
#ifndef APCONN_ERROR_EXCERPT_SIZE
#define APCONN_ERROR_EXCERPT_SIZE 96 /* bytes of a non-JSON error body kept in err->message */
#endif

#ifdef APCONN_MINIMAL /* the smallest profile: every size switch above */
#ifndef APCONN_EMPTY_STATUS_TEXT
#define APCONN_EMPTY_STATUS_TEXT
#endif
#ifndef APCONN_NO_ERROR_DETAILS
#define APCONN_NO_ERROR_DETAILS
#endif
#ifndef APCONN_NO_RETRIES
#define APCONN_NO_RETRIES
#endif
#ifndef APCONN_NO_KEEPALIVE_PROBE
#define APCONN_NO_KEEPALIVE_PROBE
#endif
#ifndef APCONN_NO_VALUE_JSON
#define APCONN_NO_VALUE_JSON
#endif
#ifndef APCONN_NO_REDACTION
#define APCONN_NO_REDACTION
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------
   2. Public types
   ------------------------------------------------------------------------- */

/* Status codes: one list generates the enum, apconn_strerror() and
   apconn_status_class(), so they never drift. X(name, value, class, text).
   Values are stable ABI: new codes are appended, a retired value is never
   reused (-31, APCONN_ERR_NUMBER_RANGE, was never returned: gone in 0.2.0). */
#define APCONN_STATUS_LIST(X)                                                                           \
    X(APCONN_OK, 0, SUCCESS, "success")                                                                 \
    X(APCONN_END, 1, SUCCESS, "no more items")                                                          \
    /* caller mistakes (nothing was sent) */                                                            \
    X(APCONN_ERR_ARGUMENT, -1, CALLER, "invalid argument")                                              \
    X(APCONN_ERR_UNSAFE_CHAR, -2, CALLER, "control character (CR, LF, NUL, ...) in a request field")    \
    X(APCONN_ERR_URL, -3, CALLER, "malformed base URL")                                                 \
    X(APCONN_ERR_INSECURE, -4, CALLER, "plain http:// is only allowed to a loopback host")              \
    X(APCONN_ERR_REQUIRED, -5, CALLER, "a required request field is missing or empty")                  \
    /* JSON writer: the request does not fit, or the program called it out of order */                 \
    X(APCONN_ERR_BUFFER_FULL, -10, CALLER, "output buffer too small")                                   \
    X(APCONN_ERR_WRITER_STATE, -11, CALLER, "JSON writer call out of order")                            \
    /* JSON text (validator and reader) */                                                              \
    X(APCONN_ERR_JSON_SYNTAX, -20, CONTENT, "malformed JSON")                                           \
    X(APCONN_ERR_JSON_DEPTH, -21, CONTENT, "JSON nested deeper than APCONN_JSON_MAX_DEPTH")             \
    X(APCONN_ERR_JSON_ESCAPE, -22, CONTENT, "invalid escape sequence in a JSON string")                 \
    X(APCONN_ERR_JSON_UTF8, -23, CONTENT, "invalid UTF-8")                                              \
    X(APCONN_ERR_JSON_TOKENS, -24, CONTENT, "JSON has more tokens than the token array holds")          \
    X(APCONN_ERR_JSON_TYPE, -25, CONTENT, "JSON field has the wrong type")                              \
    X(APCONN_ERR_JSON_MISSING, -26, CONTENT, "required JSON field is missing")                          \
    X(APCONN_ERR_JSON_ENUM, -27, CONTENT, "JSON field has a value outside its allowed set")             \
    X(APCONN_ERR_JSON_NUL, -28, CONTENT, "JSON string contains a NUL character")                        \
    X(APCONN_ERR_JSON_DUPLICATE, -32, CONTENT, "JSON object has the same known key twice")              \
    X(APCONN_ERR_ITEM_TOO_LARGE, -33, CONTENT, "item larger than the work buffer (skipped)")            \
    /* transport */                                                                                     \
    X(APCONN_ERR_WOULD_BLOCK, -40, TRANSPORT, "no data yet (transport would block)")                    \
    X(APCONN_ERR_TIMEOUT, -41, TRANSPORT, "deadline exceeded")                                          \
    X(APCONN_ERR_DNS, -42, TRANSPORT, "host name could not be resolved")                                \
    X(APCONN_ERR_CONNECT, -43, TRANSPORT, "could not connect")                                          \
    X(APCONN_ERR_SEND, -44, TRANSPORT, "send failed")                                                   \
    X(APCONN_ERR_RECV, -45, TRANSPORT, "receive failed")                                                \
    X(APCONN_ERR_CLOSED, -46, TRANSPORT, "connection closed before the response was complete")          \
    X(APCONN_ERR_TLS, -47, TLS, "TLS failure")                                                          \
    X(APCONN_ERR_CERT, -48, TLS, "server certificate or host name verification failed")                 \
    /* HTTP framing */                                                                                  \
    X(APCONN_ERR_HTTP_STATUS_LINE, -60, HTTP, "malformed HTTP status line")                             \
    X(APCONN_ERR_HTTP_HEADER, -61, HTTP, "malformed HTTP header")                                       \
    X(APCONN_ERR_HTTP_HEAD_TOO_LARGE, -62, HTTP, "HTTP response head larger than the work buffer")      \
    X(APCONN_ERR_HTTP_BODY_TOO_LARGE, -63, HTTP, "HTTP response body larger than the work buffer")      \
    X(APCONN_ERR_HTTP_LENGTH, -64, HTTP, "invalid or conflicting Content-Length")                       \
    X(APCONN_ERR_HTTP_CHUNK, -65, HTTP, "malformed chunked transfer coding")                            \
    X(APCONN_ERR_HTTP_FRAMING, -66, HTTP, "both Content-Length and Transfer-Encoding")                  \
    X(APCONN_ERR_HTTP_TRUNCATED, -67, HTTP, "response ended before its body was complete")              \
    X(APCONN_ERR_HTTP_UNSUPPORTED, -68, HTTP, "unsupported HTTP version or transfer coding")            \
    /* what the server said */                                                                          \
    X(APCONN_ERR_HTTP_STATUS, -80, SERVER, "server answered with an HTTP error status")                 \
    X(APCONN_ERR_NOT_FOUND, -81, SERVER, "no such connection (already gone, or never existed)")         \
    X(APCONN_ERR_UNEXPECTED_RESPONSE, -82, CONTENT, "unexpected response (status or content type)")     \
    /* caller mistake found late */                                                                     \
    X(APCONN_ERR_PAGE_STALE, -83, CALLER, "page no longer valid: another call reused the work buffer")

typedef enum apconn_status {
#define APCONN__STATUS_ENUM(name, value, cls, text) name = value,
    APCONN_STATUS_LIST(APCONN__STATUS_ENUM)
#undef APCONN__STATUS_ENUM
    APCONN__STATUS_LAST_UNUSED = 2 /* private: C++98 allows no comma after the last member */
} apconn_status;

/* What kind of failure a status is: the third column of APCONN_STATUS_LIST,
   from apconn_status_class(). A program decides with it what to do next
   (fix the call, retry later, give up) without a switch over every status.
     SUCCESS    APCONN_OK, APCONN_END.
     CALLER     the program's mistake: an argument, a request field, the base
                URL, a request too large for the work buffer (BUFFER_FULL), the
                JSON writer called out of order, a page used after another call
                (PAGE_STALE). Nothing was sent, except for PAGE_STALE, which is
                found late. Retrying the same call cannot help.
     TRANSPORT  the connection: DNS, connect, send, receive, an early close,
                the deadline. Worth retrying later.
     TLS        the TLS layer failed or the server's certificate or host name
                did not verify. Not retried by apconn.
     HTTP       the response is not valid HTTP/1.1 or does not fit the work
                buffer (APCONN_ERR_HTTP_*, except APCONN_ERR_HTTP_STATUS).
     SERVER     the server answered with an error status: APCONN_ERR_HTTP_STATUS
                (err has the HTTP status, the server's code and message) and
                APCONN_ERR_NOT_FOUND (delete: 404).
     CONTENT    the response is valid HTTP but its content is not what the API
                promises: malformed JSON, a field of the wrong type, missing or
                duplicated, an item larger than the work buffer or the token
                array (ITEM_TOO_LARGE, JSON_TOKENS), a success status or content
                type the call does not expect (UNEXPECTED_RESPONSE).
                One caveat: the JSON statuses are classed by what they mean in
                a response; upsert and update also return them for a malformed
                metadata_json / props_json / value_json of the request (then
                err->field names that member) and APCONN_ERR_JSON_UTF8 for any
                request string that is not valid UTF-8 (err->field empty), and the layer API (writer,
                validator, readers) returns them for any text it is given.
     UNKNOWN    not a value of the list (a cast int). */
typedef enum apconn_class {
    APCONN_CLASS_SUCCESS = 0,
    APCONN_CLASS_CALLER,
    APCONN_CLASS_TRANSPORT,
    APCONN_CLASS_TLS,
    APCONN_CLASS_HTTP,
    APCONN_CLASS_SERVER,
    APCONN_CLASS_CONTENT,
    APCONN_CLASS_UNKNOWN
} apconn_class;

/* Details of the last failure. Every text field is NUL-terminated; a text
   the server sent that did not fit is cut at a UTF-8 boundary and the matching
   *_truncated flag is set (the status itself is never lost). */
typedef struct apconn_error {
    apconn_status status;
    int http_status;                         /* 0 when no response was read */
    size_t offset;                           /* byte offset in the JSON/HTTP text, when known */
    size_t needed; /* ITEM_TOO_LARGE: work buffer bytes that would hold the item;
                      JSON_TOKENS: tokens it needs; 0 otherwise */
    char field[APCONN_ERROR_FIELD_SIZE];     /* e.g. "data[3].owner.email", "value.password" */
    char code[APCONN_ERROR_CODE_SIZE];       /* server's code: "ENTITY_NOT_FOUND", "FST_ERR_VALIDATION" */
    char message[APCONN_ERROR_MESSAGE_SIZE]; /* server's message / params.message / params.error */
    unsigned char code_truncated;
    unsigned char message_truncated;
} apconn_error;

/* A jsmn token, as storage: you only ever declare arrays of it. Its layout
   is fixed (jsmn with JSMN_PARENT_LINKS, which keeps jsmn's scans local to one
   item); the implementation includes jsmn.h that way and checks the layout
   at compile time, so no macro in another file can change its size. */
typedef struct apconn_token {
    int type;
    int start;
    int end;
    int size;
    int parent;
} apconn_token;

/* ----- JSON writer ------------------------------------------------------- */
/* Writes compact JSON into a caller buffer. The first error is sticky: later
   calls do nothing, apconn_json_finish() returns it, and `failed_call` says
   which call (1-based) failed. The buffer is NUL-terminated after every call,
   and never written past `size` bytes. */
typedef struct apconn_json_writer {
    char *buf;
    size_t size; /* bytes available, incl. the NUL */
    size_t len;  /* bytes written, excl. the NUL */
    apconn_status status;
    unsigned calls;       /* calls made so far */
    unsigned failed_call; /* 1-based index of the first failing call, 0 if none */
    unsigned depth;
    unsigned char stack[APCONN_JSON_MAX_DEPTH]; /* per level: container kind + state */
    unsigned char top_state;                    /* state of the root value */
} apconn_json_writer;

/* ----- Models: the connection object the server returns ------------------ */
typedef enum apconn_connection_type {
    APCONN_TYPE_UNKNOWN = 0, /* absent */
    APCONN_TYPE_SECRET_TEXT,
    APCONN_TYPE_BASIC_AUTH,
    APCONN_TYPE_CUSTOM_AUTH,
    APCONN_TYPE_OAUTH2,
    APCONN_TYPE_CLOUD_OAUTH2,
    APCONN_TYPE_PLATFORM_OAUTH2,
    APCONN_TYPE_OIDC,
    APCONN_TYPE_NO_AUTH
} apconn_connection_type;

typedef enum apconn_scope { APCONN_SCOPE_UNKNOWN = 0, APCONN_SCOPE_PROJECT, APCONN_SCOPE_PLATFORM } apconn_scope;

/* Bit values, so that a list filter can OR several of them. */
typedef enum apconn_connection_status {
    APCONN_CONN_STATUS_UNKNOWN = 0,
    APCONN_CONN_STATUS_ACTIVE = 1,
    APCONN_CONN_STATUS_MISSING = 2,
    APCONN_CONN_STATUS_ERROR = 4
} apconn_connection_status;

typedef enum apconn_user_status { APCONN_USER_UNKNOWN = 0, APCONN_USER_ACTIVE, APCONN_USER_INACTIVE } apconn_user_status;
typedef enum apconn_platform_role {
    APCONN_ROLE_UNKNOWN = 0,
    APCONN_ROLE_ADMIN,
    APCONN_ROLE_MEMBER,
    APCONN_ROLE_OPERATOR
} apconn_platform_role;

/* Presence of optional fields: absent, present as JSON null, or set.
   The reader fills one for every field of a struct (stored in one byte,
   apconn_has, to keep the structs small). */
typedef enum apconn_presence { APCONN_ABSENT = 0, APCONN_NULL = 1, APCONN_SET = 2 } apconn_presence;
typedef unsigned char apconn_has; /* an apconn_presence */

/* ----- Views: how long what the reader returns lives ------------------------
   Every string the reader returns is a VIEW: it was decoded in place in the
   work buffer (escapes resolved, NUL-terminated there) and the struct holds a
   pointer to it, never a copy, so no server field has a size limit of its own.
   A string field is NULL unless its has_* member is APCONN_SET.
   A view lives until the next apconn_page_next() on the same page, or the
   next call on the same client (any apconn_connection_* call,
   apconn_http_request, apconn_client_close), whichever comes first. A page
   used after another call on its client answers APCONN_ERR_PAGE_STALE; copy
   what you need to keep (an id, a cursor) before the next call. The one
   exception: page.next may be passed straight to the next list call. */

/* projectIds / flowIds: a count and a walk over views, any length:
       const char *id;
       for (id = conn.project_ids.first; id; id = apconn_ids_next(&conn.project_ids, id))
           puts(id);
   first is NULL when the array is empty, absent or null. */
typedef struct apconn_ids {
    const char *first;
    size_t count;
    const char *apconn__end; /* private: the array's closing ']' in the work buffer */
} apconn_ids;

typedef struct apconn_owner {
    const char *id, *email, *first_name, *last_name, *created, *updated;
    const char *external_id, *platform_id, *last_active_date, *image_url;
    apconn_user_status status;
    apconn_platform_role platform_role;
    apconn_has has_email, has_first_name, has_last_name, has_created, has_updated, has_status,
        has_platform_role, has_external_id, has_platform_id, has_last_active_date, has_image_url;
} apconn_owner;

typedef struct apconn_connection {
    const char *id; /* the only field the reader requires */
    const char *created, *updated, *external_id, *display_name, *piece_name, *piece_version;
    const char *platform_id, *owner_id;
    const char *metadata; /* the metadata object's own JSON text, as the server sent it */
    apconn_ids project_ids, flow_ids;
    apconn_owner owner; /* a nested view; has_owner says whether there is one */
    apconn_connection_type type;
    apconn_scope scope;
    apconn_connection_status status;
    unsigned char pre_select_for_new_projects; /* 0/1 */
    unsigned char using_secret_manager;        /* 0/1 */
    /* Every field but id may be absent or null: a server whose answer fails its
       own response schema sends the raw row (README.md, "Server contract"). */
    apconn_has has_created, has_updated, has_external_id, has_display_name, has_piece_name, has_piece_version,
        has_type, has_scope, has_status, has_pre_select_for_new_projects, has_using_secret_manager,
        has_project_ids, has_platform_id, has_owner_id, has_owner, has_metadata, has_flow_ids;
} apconn_connection;

/* Private: an incremental RFC 8259 validator (one byte at a time, any split). */
typedef struct apconn__jv {
    size_t tokens;   /* values and keys begun so far: jsmn's token count */
    size_t mark;     /* body offset of the escape, literal or UTF-8 sequence being read */
    uint32_t cp;     /* the hex digits of a \\u escape read so far */
    unsigned char stack[APCONN_JSON_MAX_DEPTH]; /* 1 = object, 0 = array */
    unsigned char depth, state, sub, lo, hi, flags, watch, klen;
    char key[sizeof "previous" - 1]; /* the first bytes of a page-level key; "previous" is the longest */
} apconn__jv;

/* Private: a response body read as a stream through a window of the work
   buffer, item by item. */
typedef struct apconn__stream {
    struct apconn_client *client; /* the source: the client's response, or */
    const char *src;              /* a caller's buffer (apconn_parse_page) */
    size_t src_len, src_pos;
    unsigned char *buf;     /* the window */
    size_t cap, len, pos;   /* window size; bytes in it; bytes validated */
    size_t keep;            /* buf[0..keep): cursors kept until the call ends */
    size_t item, str;       /* start of the item / page-level string in progress */
    size_t base;            /* body offset of buf[keep] */
    size_t item_off, item_tok; /* body offset and jv.tokens where the item began */
    size_t count;           /* items begun */
    apconn_token *tokens;
    size_t token_count;
    size_t end_off;         /* the error's body offset, given again when it repeats */
    signed char status;     /* APCONN_OK while items may follow; then END or the error */
    unsigned char single, in_data, seen, key, skip, end_what; /* end_what: its field, see stream_stop */
    apconn__jv jv;
} apconn__stream;

/* One page of a list (SeekPage), streamed: apconn_connection_list() reads the
   response head only; each apconn_page_next() pulls body bytes from the
   connection as it needs them, validates them strictly, and maps ONE item into
   your apconn_connection. The work buffer and the token array bound one item,
   not the page. next/previous (views; the server may send them before or
   after "data") are complete once apconn_page_next() returned APCONN_END. */
typedef struct apconn_page {
    const char *next, *previous;
    apconn_has has_next, has_previous; /* null is the normal "no more pages" */
    size_t count;                      /* items returned or reported so far */
    /* private */
    unsigned apconn__calls; /* client's apconn__calls when listed */
    apconn__stream apconn__s;
} apconn_page;

/* ----- Transport contract ------------------------------------------------ */
/* apconn never touches a socket: it calls these. All timeouts are in ms and
   are what is LEFT of the call's deadline; a callback must not block longer.
   Return values:
     connect: APCONN_OK, or a negative status (APCONN_ERR_DNS, _CONNECT,
              _TIMEOUT, _TLS, _CERT, ...) that is passed to the caller as is.
     send:    bytes accepted (> 0); APCONN_ERR_WOULD_BLOCK when nothing could
              be sent within timeout_ms; another negative status on failure.
     recv:    bytes read (> 0); 0 when the peer closed the connection in order
              (EOF); APCONN_ERR_WOULD_BLOCK when nothing arrived within
              timeout_ms; APCONN_ERR_CLOSED when the connection ended
              without an orderly close (TLS: no close_notify), which inside
              a response body apconn reports as APCONN_ERR_HTTP_TRUNCATED
              (also for a body delimited by the close: RFC 8446 §6.1);
              another negative status on failure. Before a
              keep-alive connection is reused, apconn polls it with
              recv(buf, 1, 0): timeout 0 must return WOULD_BLOCK at once
              when nothing is there (see apconn__http_probe_idle).
     close:   always succeeds; called after any error and before reconnecting.
     now_ms:  a monotonic millisecond clock; wraps at 2^32 (handled). It must
              advance: the deadline is measured with it. A transport that
              returns WOULD_BLOCK early under a clock that stands still ends
              with APCONN_ERR_TIMEOUT after APCONN_MAX_IDLE_POLLS such returns.
   connect and close may be NULL: the transport is then a single connection
   the caller opened, and nothing is reconnected or retried on a new one.
   `secure` is nonzero when the transport authenticates and encrypts (TLS):
   https:// base URLs require it, http:// base URLs refuse it. */
typedef struct apconn_transport {
    void *ctx;
    int (*connect)(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms);
    long (*send)(void *ctx, const unsigned char *data, size_t len, uint32_t timeout_ms);
    long (*recv)(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms);
    void (*close)(void *ctx);
    uint32_t (*now_ms)(void *ctx);
    void (*sleep_ms)(void *ctx, uint32_t ms); /* optional: used between retries */
    int secure;
} apconn_transport;

/* Optional log hook. Lines never contain the API key or a connection value. */
typedef void (*apconn_log_fn)(void *log_ctx, const char *line);

/* ----- Client ------------------------------------------------------------ */
/* Private: the HTTP/1.1 response parser of the client's connection. A
   streamed body (a list page) is read on through it by apconn_page_next(). */
typedef struct apconn__http_parser {
    unsigned char *buf;
    size_t cap;           /* bytes of buf, one of them kept for the body's NUL */
    size_t line;          /* head: bytes of the current line at buf[0..line) */
    size_t out;           /* body: bytes at buf[0..out) */
    size_t framing;       /* bytes of the head, of one chunk line, of the trailers: each < cap */
    /* body sizes are unsigned long (>= 32 bits): a streamed list page may be
       longer than a 16-bit size_t (AVR) can count */
    unsigned long remaining; /* bytes left of the body or of the current chunk */
    unsigned long length;    /* Content-Length */
    unsigned long received;  /* response bytes seen */
    unsigned long retry_after_s;
    int status;
    int stream_status;    /* nonzero: this call streams a 2xx body (p->stream is set from the status) */
    unsigned char state, head_request, minor, has_length, chunked, is_json, close, keep_alive, has_retry_after;
    unsigned char cr, digits, in_ext; /* in_ext: 1 = BWS after the size, 2 = chunk-ext */
    unsigned char stream; /* this response's body is streamed: no whole-body size checks */
} apconn__http_parser;

/* Work buffer: the client's one buffer, used by every call in this layout:
     [ request pieces the caller placed in it | head, then response ]
   The four calls write the JSON body (or the list query) at its start; it
   must stay intact until the call ends, because a retry resends it. The
   request head (it holds the API key) is built right after those pieces,
   sent, and wiped at once; the response is then read into the same place:
   its head line by line, its body de-chunked in place so that the body ends
   up at the start of that region. Once the head is read no retry can
   follow, so the request pieces are wiped then: no secret outlives a call.
   A body read whole (apconn_http_request, an error status of the four
   calls) must fit: request + response + 1 bytes. A success of the API calls
   is streamed instead: the region is then the window one item at a time
   passes through, so request + one item + 1 bytes suffice. */
typedef struct apconn_client {
    /* set by apconn_client_init(); do not change afterwards */
    const apconn_transport *transport;
    const char *api_key; /* borrowed: must outlive the client */
    unsigned char *work;
    size_t work_size;
    apconn_token *tokens;
    size_t token_count;
    char host[APCONN_HOST_SIZE];
    char base_path[APCONN_BASE_PATH_SIZE]; /* "" or "/api", no trailing slash */
    uint16_t port;
    unsigned char https;
    /* options: defaults set by apconn_client_init(), change freely */
    uint32_t timeout_ms;             /* deadline of one whole call, retries included */
    unsigned max_retries;            /* extra attempts after the first; policy: apconn_http_request */
    unsigned char retry_unsafe_post; /* 1 = POST may be resent after it may have been processed */
    apconn_log_fn log;
    void *log_ctx;
    /* connection state, private */
    unsigned char apconn__connected;
    unsigned apconn__calls; /* calls that used the work buffer: a page from before is stale */
    uint32_t apconn__start; /* now_ms when the current call began: its deadline */
    unsigned char apconn__body_open; /* a streamed body is not read to its end yet */
    apconn__http_parser apconn__http;
} apconn_client;

/* ----- Requests ---------------------------------------------------------- */
/* Request members follow one rule: zero means "not sent" (NULL pointers,
   APCONN_TRISTATE_UNSET, APCONN_AUTH_METHOD_UNSET, APCONN_GRANT_UNSET), so a
   zeroed request sends only what you set. */
typedef enum apconn_tristate { APCONN_TRISTATE_UNSET = 0, APCONN_FALSE = 1, APCONN_TRUE = 2 } apconn_tristate;
typedef enum apconn_oauth2_auth_method { APCONN_AUTH_METHOD_UNSET = 0, APCONN_AUTH_METHOD_HEADER, APCONN_AUTH_METHOD_BODY } apconn_oauth2_auth_method;
typedef enum apconn_oauth2_grant_type { APCONN_GRANT_UNSET = 0, APCONN_GRANT_AUTHORIZATION_CODE, APCONN_GRANT_CLIENT_CREDENTIALS } apconn_oauth2_grant_type;

/* The credentials: the upsert body's `value` object. Fill the members the
   type needs (below, as the server requires them); NULL means "not sent".
   Alternatively set value_json to the value object WITHOUT its "type"
   member (the library adds it and checks the required members); the typed
   members are then ignored. */
typedef struct apconn_value {
    const char *secret_text;  /* SECRET_TEXT */
    const char *username;     /* BASIC_AUTH */
    const char *password;     /* BASIC_AUTH */
    const char *props_json;   /* CUSTOM_AUTH, OIDC (required); OAuth2 types (optional): a JSON object */
    const char *client_id;    /* OAUTH2, CLOUD_OAUTH2, PLATFORM_OAUTH2 */
    const char *client_secret;/* OAUTH2 */
    const char *code;         /* OAuth2 types */
    const char *redirect_url; /* OAUTH2, PLATFORM_OAUTH2 */
    const char *scope;        /* OAuth2 types; "" allowed, NULL sends "" */
    const char *code_challenge;               /* optional, OAuth2 types */
    apconn_oauth2_auth_method authorization_method; /* optional, OAuth2 types */
    apconn_oauth2_grant_type grant_type;      /* optional, OAUTH2 only */
    const char *value_json;   /* alternative to all of the above */
} apconn_value;

typedef struct apconn_upsert_request {
    const char *display_name; /* required; "" allowed by the server */
    const char *piece_name;   /* required, e.g. "@activepieces/piece-slack" */
    apconn_connection_type type;
    apconn_value value;
    const char *const *project_ids; /* may be empty; duplicates are refused */
    size_t project_id_count;
    const char *external_id;   /* optional but strongly advised: makes retries idempotent */
    const char *metadata_json; /* optional JSON object */
    const char *piece_version; /* optional semver */
    apconn_tristate pre_select_for_new_projects;
} apconn_upsert_request;

typedef struct apconn_update_request {
    const char *display_name; /* required, non-empty */
    const char *const *project_ids; /* NULL: not sent, the list stays as it is; otherwise it
                                       REPLACES the list (project_id_count 0 sends []) */
    size_t project_id_count;
    const char *metadata_json; /* optional JSON object */
    apconn_tristate pre_select_for_new_projects;
} apconn_update_request;

typedef struct apconn_list_request {
    const char *cursor;       /* NULL or "" = first page */
    unsigned limit;           /* 0 = server default (10); sent only when > 0 */
    const char *piece_name;   /* exact match */
    const char *display_name; /* case-insensitive substring */
    unsigned statuses;        /* OR of apconn_connection_status bits; 0 = any */
} apconn_list_request;

/* A raw HTTP response, as left in the work buffer. */
typedef struct apconn_response {
    int status;
    const char *body; /* points into the work buffer, NUL-terminated */
    size_t body_len;
    unsigned char is_json; /* Content-Type is application/json */
} apconn_response;

/* ---------------------------------------------------------------------------
   3. Public API
   ------------------------------------------------------------------------- */
/* The error contract, for every function below that takes `apconn_error *err`
   (err may be NULL, except for apconn_parse_error_body, whose result it is):
     - err is cleared first, so it never holds an older failure;
     - on failure it holds exactly the returned status (err->status) and the
       details of that failure, as each call's comment says;
     - on success it is all zero, except what the call reports: the response's
       HTTP status in err->http_status (the four calls, apconn_http_request)
       and, for apconn_parse_error_body, err->code / err->message;
     - a call's result (`out`, `page`, `resp`) is all zero unless APCONN_OK.
   Views a call returns live as "Views" in section 2 says. */
APCONN_API const char *apconn_strerror(apconn_status status);
/* The status's class (see apconn_class in section 2); APCONN_CLASS_UNKNOWN
   when `status` is not one of the list. */
APCONN_API apconn_class apconn_status_class(apconn_status status);
/* One readable line: "<strerror>[: HTTP 404][ ENTITY_NOT_FOUND][: message][ (field x)][ at byte n]
   [; needs n bytes of work buffer | tokens]".
   Returns the length it wanted (like snprintf); always NUL-terminates when size > 0. */
APCONN_API size_t apconn_error_format(const apconn_error *err, char *buf, size_t size);

/* ----- Client ------------------------------------------------------------ */
/* base_url is "https://host[:port][/path]" ("http://" only to loopback), no
   userinfo, query or fragment; host is a DNS name, an IPv4 or a bracketed IPv6
   literal. work_size is 2..INT_MAX bytes (jsmn's token offsets are int: 32767
   with a 16-bit int). The path goes into every request line as it is: percent-encode
   (RFC 3986 §2.1) any byte outside printable ASCII. A byte >= 0x80 is
   APCONN_ERR_URL; a space or control byte is APCONN_ERR_UNSAFE_CHAR.
   Fails with a CALLER class status and sends nothing: APCONN_ERR_ARGUMENT (a
   NULL argument, a transport without send/recv/now_ms, a size out of range,
   an http:// URL over a secure transport), _REQUIRED (an empty API key),
   _UNSAFE_CHAR (also: an API key that is not an RFC 6750 b64token), _URL,
   _INSECURE (http:// to a host that is not loopback, or https:// over a
   transport that is not secure). After a failure c has no transport: every
   call on it answers APCONN_ERR_ARGUMENT. */
APCONN_API apconn_status apconn_client_init(apconn_client *c, const char *base_url, const char *api_key,
                                            const apconn_transport *transport, void *work, size_t work_size,
                                            apconn_token *tokens, size_t token_count, apconn_error *err);
/* Closes the connection (if any) and wipes the work buffer. */
APCONN_API void apconn_client_close(apconn_client *c);

/* ----- The four calls ------------------------------------------------------
   Upsert, update, list and delete of global connections, one HTTP exchange
   each (deadline, keep-alive and retries as apconn_http_request says; the
   routes and fields they rely on: README.md, "Server contract").
   What the statuses mean for each of them, by class:
     CALLER     nothing was sent. APCONN_ERR_ARGUMENT: c (or a client whose
                init failed), the request, the id or the result is NULL, or a
                member is out of range; err->field names the member when there
                is one ("id", "type", "projectIds", "statuses", ...).
                APCONN_ERR_REQUIRED: a member the server requires is missing
                or empty (err->field: "displayName", "value.secret_text", ...).
                APCONN_ERR_BUFFER_FULL: the request does not fit the work
                buffer. APCONN_ERR_JSON_UTF8 (class CONTENT, see apconn_class):
                a request string is not valid UTF-8 (err->field is empty).
     TRANSPORT, TLS  the connection failed, after the retries the policy
                allows; a failure after the request was sent (TIMEOUT, RECV,
                CLOSED) leaves open whether the server acted on it.
     HTTP       the response broke HTTP/1.1 framing or did not fit the work
                buffer; err->http_status (when the status line was read) and
                err->offset (response bytes read) say where.
     SERVER     APCONN_ERR_HTTP_STATUS: a status the call does not expect
                (a 2xx the call does not expect is this too when its whole
                body came with the head, else UNEXPECTED_RESPONSE below).
                err->http_status is it; err->code and err->message come from
                the server's JSON error body ({"code", "params"} or
                {"statusCode", "error", "message"}), or err->message holds the
                first APCONN_ERR_EXCERPT_SIZE bytes of any other body (a
                proxy's HTML page) as one line. The API key is redacted from
                both. delete only: APCONN_ERR_NOT_FOUND for a 404.
     CONTENT    the server answered the expected status but not what the API
                promises. APCONN_ERR_UNEXPECTED_RESPONSE: another 2xx whose
                body was not read yet, or a success without a JSON body
                (err->http_status). upsert/update:
                the returned connection is malformed (APCONN_ERR_JSON_*,
                err->field names the member, err->offset the byte in the
                body), or does not fit the work buffer / the token array
                (APCONN_ERR_ITEM_TOO_LARGE / _JSON_TOKENS, err->needed): in
                both cases the server DID apply the change. list: see
                apconn_page_next.
   On failure *out is all zero and err holds the status with the details
   above; on APCONN_OK err is zero but for err->http_status (the success
   status). A returned connection is a set of views ("Views", section 2). */

/* POST /v1/global-connections: creates a PLATFORM connection shared with
   req->project_ids, or overwrites the one with the same externalId whose
   projectIds contain every id requested (the server answers 201 for both;
   200 is accepted). Without external_id a retry may create a duplicate.
   Checked before anything is sent:
     display_name set (REQUIRED "displayName"; "" is allowed), piece_name
     non-empty (REQUIRED "pieceName"), type one of the 8 (ARGUMENT "type");
     value: the type's required members non-empty (REQUIRED "value.<member>"),
     grant_type / authorization_method in range (ARGUMENT "value.<member>"),
     props_json a JSON object (APCONN_ERR_JSON_*, "value.props"); or
     value_json: a JSON object without "type" and without escaped keys,
     holding the required members (APCONN_ERR_JSON_*, ARGUMENT, REQUIRED:
     "value_json" or "value.<member>");
     project_ids: no NULL entry and no id twice (ARGUMENT "projectIds": the
     server answers 404 to a repeated id), project_id_count 0 sends [];
     metadata_json a JSON object (APCONN_ERR_JSON_*, "metadata"; err->offset
     is the byte in it); pre_select_for_new_projects in range (ARGUMENT).
   APCONN_OK: *out holds the connection the server returned, as views. */
APCONN_API apconn_status apconn_connection_upsert(apconn_client *c, const apconn_upsert_request *req,
                                                  apconn_connection *out, apconn_error *err);
/* POST /v1/global-connections/{id}: sets displayName (required, non-empty:
   REQUIRED "displayName") and, when given, projectIds (replaces the list),
   metadata and preSelectForNewProjects, checked as for upsert. Credentials
   cannot change here: upsert again with the same external_id. id must be 21
   ASCII letters or digits (ARGUMENT "id"). The server answers 200; for an
   unknown id it answers 500 (APCONN_ERR_HTTP_STATUS), not 404.
   APCONN_OK: *out holds the updated connection, as views. */
APCONN_API apconn_status apconn_connection_update(apconn_client *c, const char *id,
                                                  const apconn_update_request *req, apconn_connection *out,
                                                  apconn_error *err);
/* GET /v1/global-connections?cursor=..&limit=..&pieceName=..&displayName=..
   &status=..: sends the request and reads the response head only.
   APCONN_OK means a 200 with a JSON body is ready to be walked with
   apconn_page_next() (the statuses of the body are listed there).
   req->statuses outside the three bits is ARGUMENT "statuses"; a query too
   long for the work buffer is BUFFER_FULL "query". page.next may be passed
   as req->cursor of the next list call as it is. A caller that stops early
   may simply make its next call: the rest of the body is never read as the
   next response (the connection is closed first). The call's deadline
   (client->timeout_ms) keeps running while you iterate. On failure the page
   is zeroed: apconn_page_done() is nonzero, apconn_page_next() says END. */
APCONN_API apconn_status apconn_connection_list(apconn_client *c, const apconn_list_request *req,
                                                apconn_page *page, apconn_error *err);
/* DELETE /v1/global-connections/{id}: APCONN_OK when deleted now (204; 200
   is accepted); APCONN_ERR_NOT_FOUND when the server says it does not exist
   (404: already gone, or never existed; err->code holds the server's code,
   "ENTITY_NOT_FOUND"). Some server builds answer 204 for an unknown id.
   id as for update (ARGUMENT "id"). */
APCONN_API apconn_status apconn_connection_delete(apconn_client *c, const char *id, apconn_error *err);

/* The next item of a page (from apconn_connection_list() or
   apconn_parse_page()). err is cleared first; *out is all zero unless
   APCONN_OK.
     APCONN_OK    *out holds the item as views: valid until the next
                  apconn_page_next() on this page or the next call on the
                  client ("Views", section 2).
     APCONN_END   no more items; page->next / previous are complete; err is
                  all zero. Repeats.
     per-item errors (class CONTENT), after which the next call goes on with
     the next item; err->field names the item ("data[2]") or its member:
       APCONN_ERR_ITEM_TOO_LARGE  the item did not fit the work buffer; it was
                                  validated as it streamed past and skipped.
                                  err->needed = work buffer bytes it needs.
       APCONN_ERR_JSON_TOKENS     the same for the token array (err->needed).
       APCONN_ERR_JSON_TYPE / _MISSING / _ENUM / _NUL / _DUPLICATE  the item
                                  is malformed ("data[2].owner.email").
     anything else ends the page and is returned again by every later call:
       malformed JSON (APCONN_ERR_JSON_SYNTAX, _DEPTH, _ESCAPE, _UTF8) or a
       body that is not a page object (a JSON status); a transport, TLS
       or framing status while the body is read; the call's deadline
       (APCONN_ERR_TIMEOUT); APCONN_ERR_PAGE_STALE when another call used the
       client since the list call (CALLER class: a program mistake).
     err->offset is the byte offset in the response body. A next/previous
     cursor longer than the work buffer ends the page too: ITEM_TOO_LARGE
     with err->field "next" / "previous" and err->needed 0 (its length is
     not measured).
   page or out NULL is APCONN_ERR_ARGUMENT. */
APCONN_API apconn_status apconn_page_next(apconn_page *page, apconn_connection *out, apconn_error *err);
/* Nonzero once the page has ended: apconn_page_next() returned APCONN_END or
   a page-level error (and returns it again). A per-item error leaves it 0:
       while (!apconn_page_done(&page)) {
           st = apconn_page_next(&page, &conn, &err);
           if (st == APCONN_OK) use(&conn); else if (st != APCONN_END) report(&err);
       }
   A zeroed page, or the page a failed list call left, is done. */
APCONN_API int apconn_page_done(const apconn_page *page);
/* Walks projectIds / flowIds: the id after `id`, or NULL after the last. */
APCONN_API const char *apconn_ids_next(const apconn_ids *ids, const char *id);

/* Enum names as the server spells them ("SECRET_TEXT"); NULL when unknown. */
APCONN_API const char *apconn_type_name(apconn_connection_type type);
APCONN_API const char *apconn_connection_status_name(apconn_connection_status status);
APCONN_API const char *apconn_scope_name(apconn_scope scope);
/* Parses "SECRET_TEXT" etc.; APCONN_TYPE_UNKNOWN when not one of the 8. */
APCONN_API apconn_connection_type apconn_type_from_name(const char *name);

/* ----- Layer API: what the four calls are built from -----------------------
   The JSON writer, the validator, the readers, apconn_parse_error_body and
   apconn_http_request are the layers beneath the four calls. They are public
   for other routes, for tests, and for reading JSON you stored; a program
   that only manages global connections needs none of them. */

/* JSON writer (layer API). Writes compact JSON into a caller buffer. It takes
   no apconn_error: a writer error has no detail but its status and the call
   that failed, both kept in the writer (sticky; see apconn_json_writer), so
   a body is written without a check per call and apconn_json_finish()
   reports the first error once. */
APCONN_API void apconn_json_init(apconn_json_writer *w, char *buf, size_t size);
APCONN_API void apconn_json_object_begin(apconn_json_writer *w);
APCONN_API void apconn_json_object_end(apconn_json_writer *w);
APCONN_API void apconn_json_array_begin(apconn_json_writer *w);
APCONN_API void apconn_json_array_end(apconn_json_writer *w);
APCONN_API void apconn_json_key(apconn_json_writer *w, const char *key);
APCONN_API void apconn_json_string(apconn_json_writer *w, const char *s);
APCONN_API void apconn_json_string_len(apconn_json_writer *w, const char *s, size_t len);
APCONN_API void apconn_json_int(apconn_json_writer *w, int64_t v);
APCONN_API void apconn_json_bool(apconn_json_writer *w, int v);
APCONN_API void apconn_json_null(apconn_json_writer *w);
/* Embeds a JSON value verbatim after checking it with apconn_json_validate(). */
APCONN_API void apconn_json_raw(apconn_json_writer *w, const char *json, size_t len);
/* APCONN_OK when one complete value was written; the first error otherwise. */
APCONN_API apconn_status apconn_json_finish(apconn_json_writer *w, size_t *out_len);

/* Strict RFC 8259 validator (layer API): APCONN_OK iff `json` is exactly one
   JSON value (surrounding whitespace allowed), valid UTF-8, nested at most
   APCONN_JSON_MAX_DEPTH deep. `err_offset` (may be NULL) gets the byte offset
   of the first problem. It takes no apconn_error: the offset is its only
   detail, and its callers (the readers, the four calls' checks of
   metadata_json / props_json) put it into their err with the field name. */
APCONN_API apconn_status apconn_json_validate(const char *json, size_t len);
APCONN_API apconn_status apconn_json_validate_at(const char *json, size_t len, size_t *err_offset);

/* Readers (layer API): validate strictly (RFC 8259), tokenize with jsmn, map
   into views (see "Views" above). Unknown keys are ignored at any depth; key
   order does not matter; a known key twice is APCONN_ERR_JSON_DUPLICATE.
   apconn_parse_connection decodes in place: json[0..len) is modified and
   the views point into it (they live as long as json is not changed).
   Statuses: APCONN_ERR_ARGUMENT, the JSON statuses (err->offset, err->field),
   APCONN_ERR_JSON_TOKENS (err->needed). */
APCONN_API apconn_status apconn_parse_connection(char *json, size_t len, apconn_token *tokens, size_t token_count,
                                                 apconn_connection *out, apconn_error *err);
/* A page read from memory the same way a response is read from the
   network: json[0..len) is copied through `work` one window at a time, so
   work_size and token_count bound one item. json must outlive the page.
   Fails only with APCONN_ERR_ARGUMENT; the items come from apconn_page_next(). */
APCONN_API apconn_status apconn_parse_page(const char *json, size_t len, void *work, size_t work_size,
                                           apconn_token *tokens, size_t token_count, apconn_page *page,
                                           apconn_error *err);
#ifndef APCONN_NO_ERROR_DETAILS
/* Error body (layer API): fills err->code and err->message from either
   error body shape the server sends ({"code", "params": {"message" |
   "error" | ...}} or {"statusCode", "code"?, "error", "message"}); returns
   APCONN_OK if the body was one of them. Like every public call it clears
   err first (the four calls keep err->http_status through an internal
   path). Fails with APCONN_ERR_UNEXPECTED_RESPONSE (not one of the shapes,
   or not JSON), APCONN_ERR_JSON_TOKENS, or APCONN_ERR_ARGUMENT (err, json or
   tokens NULL, or len >= INT_MAX). */
APCONN_API apconn_status apconn_parse_error_body(const char *json, size_t len, apconn_token *tokens,
                                                 size_t token_count, apconn_error *err);
#endif

/* Raw HTTP call (layer API): one HTTP exchange with deadline, keep-alive and
   retries. `path` is below the base path ("/v1/global-connections"), `query`
   is NULL, "" or "a=b&c=d" (already encoded), body may be NULL (then no
   Content-Type/-Length is sent). The response stays in the work buffer:
   resp->body is NUL-terminated and valid until the next call on the client.
   Work buffer: request pieces (body, query) may live at its start; the
   layout and what must fit: "Work buffer" in section 2 (here the whole
   response is read: body + largest response + 1 bytes).
   Deadline: client->timeout_ms from the start of this call bounds everything
   (connect, sends, receives, retry waits); each callback gets what is left.
   Keep-alive: the connection is reused. It is closed after any error, after
   "Connection: close", after HTTP/1.0 without keep-alive or with
   Transfer-Encoding and after a body delimited by the connection close.
   Retries (at most max_retries, plus one stale-connection retry):
     - a reused connection that fails before any response byte is retried
       once on a new connection at once: GET/DELETE always, POST only when
       retry_unsafe_post is set (the server may have processed it);
     - connect failures (APCONN_ERR_CONNECT, APCONN_ERR_DNS) for every method;
       TLS and certificate failures never;
     - 429 and 503 for every method (the server refused the request); 502 and
       504 for GET/DELETE, for POST only when retry_unsafe_post is set.
   The wait is Retry-After in delay-seconds (an HTTP-date is ignored),
   clamped to APCONN_MAX_RETRY_AFTER_MS, else APCONN_RETRY_BACKOFF_MS doubled
   per retry. Waits use transport->sleep_ms; when it is NULL only immediate
   retries happen. A wait that would pass the deadline is not taken: the last
   result is returned (for a 429/5xx: APCONN_OK with that response); so is
   a response that closed a single-connection transport (connect == NULL).
   Returns APCONN_OK for any complete response, whatever its status
   (err->http_status holds it too); otherwise a CALLER status (ARGUMENT,
   UNSAFE_CHAR in path, query or key, BUFFER_FULL), a transport or TLS status,
   or an HTTP framing status (err->http_status, err->offset). */
APCONN_API apconn_status apconn_http_request(apconn_client *c, const char *method, const char *path,
                                             const char *query, const char *body, size_t body_len,
                                             apconn_response *resp, apconn_error *err);

/* Overwrites `len` bytes with zeros in a way the compiler cannot drop. */
APCONN_API void apconn_wipe(void *p, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* APCONN_H */

/* ===========================================================================
   4. Implementation
   ========================================================================= */
#ifdef APCONN_IMPLEMENTATION
#ifndef APCONN__IMPLEMENTED
#define APCONN__IMPLEMENTED

/* Constant tables in flash on Harvard targets (see the configuration list). */
#if !defined(APCONN_PROGMEM) && defined(__AVR__)
#include <avr/pgmspace.h>
#define APCONN_PROGMEM PROGMEM
#define APCONN_READ_BYTE(p) pgm_read_byte(p)
#endif
#ifdef APCONN_READ_BYTE
#define APCONN__HARVARD /* tables are not in the data address space */
#else
#define APCONN_READ_BYTE(p) (*(const unsigned char *)(p))
#endif
#ifndef APCONN_PROGMEM
#define APCONN_PROGMEM
#endif

#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ----- 4.1 Small utilities: status strings, wipe, UTF-8 ------------------ */
/* Private helpers shared by every section (the HTTP section uses them too):
     apconn__error_set(err, status, offset)   records status + byte offset, returns status
     apconn__fail(err, status, prefix, field) the same, naming a field (offset kept)
     apconn__error_field(err, name, len)      appends to err->field (cut at a UTF-8 boundary)
     apconn__out_*                            the one bounded appender (see there)
     apconn__text_copy(dst, size, src, len)   bounded copy, NUL-terminated, cut at a UTF-8
                                              boundary; returns 1 when it had to cut
     apconn__is_digit/_alnum, APCONN__IS_WS/_OWS, apconn__lower   character classes
     apconn__hex_digit(c), apconn__decimal(s, n, lim, &v)   the hex and decimal readers
     apconn__streq(a, b), apconn__eq(s, n, word)          string equality without libc's strcmp
     apconn__utf8_decode(s, n, &cp)           one RFC 3629 code point; 0 = invalid
     apconn__utf8_encode(cp, out)             code point -> 1..4 bytes
     apconn__dec(v, tmp_end)                  unsigned decimal, no printf and no 64-bit division
   Every err argument may be NULL. */
/* The texts are one NUL-separated blob walked by index: no pointer table
   (saves ~230 bytes on Cortex-M against a switch). Every value fits a
   signed char (-128..127), which halves the value table.
   APCONN_NO_STATUS_TEXT (opt-in, for the tightest images): the blob holds
   the enum names instead ("APCONN_ERR_TIMEOUT"), still one per status and
   greppable in this file; saves ~450 bytes of .rodata. */
#define APCONN__STATUS_VALUE(name, value, cls, text) (signed char)(name),
#define APCONN__STATUS_FITS(name, value, cls, text) && (value) >= -128 && (value) <= 127
#ifdef APCONN_NO_STATUS_TEXT
#define APCONN__STATUS_TEXT(name, value, cls, text) #name "\0"
#else
#define APCONN__STATUS_TEXT(name, value, cls, text) text "\0"
#endif
#define APCONN__STATUS_SIZE(name, value, cls, text) char name[sizeof(APCONN__STATUS_TEXT(name, value, cls, text))];
/* a status value outside -128..127 stops the build (negative array size) */
typedef char apconn__status_value_check[(1 APCONN_STATUS_LIST(APCONN__STATUS_FITS)) ? 1 : -1];
#define APCONN__STATUS_CLASS(name, value, cls, text) APCONN_CLASS_##cls,
static const signed char apconn__status_values[] APCONN_PROGMEM = {APCONN_STATUS_LIST(APCONN__STATUS_VALUE)};
/* Position of `status` in APCONN_STATUS_LIST; the list's length when it is not in it. */
static size_t apconn__status_index(apconn_status status) {
    size_t i = 0;
    while (i < sizeof apconn__status_values && (signed char)APCONN_READ_BYTE(&apconn__status_values[i]) != (int)status)
        i++;
    return i;
}
APCONN_API apconn_class apconn_status_class(apconn_status status) {
    static const unsigned char classes[] APCONN_PROGMEM = {APCONN_STATUS_LIST(APCONN__STATUS_CLASS)
                                                           APCONN_CLASS_UNKNOWN};
    return (apconn_class)APCONN_READ_BYTE(&classes[apconn__status_index(status)]);
}
#ifdef APCONN_EMPTY_STATUS_TEXT
APCONN_API const char *apconn_strerror(apconn_status status) {
    (void)status;
    return "";
}
#else
APCONN_API const char *apconn_strerror(apconn_status status) {
    static const char texts[] APCONN_PROGMEM = APCONN_STATUS_LIST(APCONN__STATUS_TEXT) "unknown status";
    const char *p = texts;
    size_t i = apconn__status_index(status);
    while (i--)
        while (APCONN_READ_BYTE(p++)) {} /* past this text and its NUL */
#ifdef APCONN__HARVARD
    {
        /* the text leaves flash through a buffer as long as the longest one */
        typedef union { APCONN_STATUS_LIST(APCONN__STATUS_SIZE) char unknown[sizeof "unknown status"]; } longest;
        static char text[sizeof(longest)];
        i = 0;
        while ((text[i] = (char)APCONN_READ_BYTE(p + i)) != '\0') i++;
        return text;
    }
#else
    return p;
#endif
}
#endif
#undef APCONN__STATUS_VALUE
#undef APCONN__STATUS_CLASS
#undef APCONN__STATUS_FITS
#undef APCONN__STATUS_TEXT
#undef APCONN__STATUS_SIZE

APCONN_API void apconn_wipe(void *p, size_t len) {
    /* Stores through a volatile pointer are observable behaviour, so the
       compiler cannot drop them as dead stores (unlike a plain memset). */
    volatile unsigned char *v = (volatile unsigned char *)p;
    while (len--) *v++ = 0;
}

/* Decodes one UTF-8 sequence (RFC 3629 §3/§4): refuses C0/C1 and F5..FF
   lead bytes, overlong forms, surrogates U+D800..DFFF, code points above
   U+10FFFF and sequences cut off by the end of input. Returns its length. */
static size_t apconn__utf8_decode(const unsigned char *s, size_t n, uint32_t *out) {
    static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
    unsigned c = s[0];
    size_t len, i;
    uint32_t cp;
    if (c < 0x80) { *out = c; return 1; }
    len = c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
    if (len == 0 || len > n) return 0;
    cp = c & (0x7Fu >> len);
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    *out = cp;
    return len;
}

static size_t apconn__utf8_encode(uint32_t cp, char *out) {
    size_t len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4, i;
    static const unsigned char lead[5] = {0, 0, 0xC0, 0xE0, 0xF0};
    for (i = len - 1; i > 0; i--) { out[i] = (char)(0x80 | (cp & 0x3F)); cp >>= 6; }
    out[0] = (char)(len == 1 ? cp : (lead[len] | cp));
    return len;
}

/* Length of the longest prefix of s[0..n) that does not end inside a
   multi-byte sequence, so cut text stays valid UTF-8. */
static size_t apconn__utf8_cut(const char *s, size_t n) {
    size_t i = n, tail = 0;
    unsigned lead;
    while (i > 0 && tail < 3 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) { i--; tail++; }
    if (i == 0) return n;
    lead = (unsigned char)s[i - 1];
    if (lead < 0xC0) return n;
    return tail + 1 < (lead >= 0xF0 ? 4u : lead >= 0xE0 ? 3u : 2u) ? i - 1 : n;
}

/* strcmp(a, b) == 0 without libc's strcmp (newlib's is 732 bytes on Cortex-M4). */
static int apconn__streq(const char *a, const char *b) {
    while (*a && *a == *b) { a++; b++; }
    return *a == *b;
}
/* The n bytes at s are exactly `word` (a key of the server's, a page key);
   apconn__http_ieq is the case-insensitive one for HTTP tokens. */
static int apconn__eq(const char *s, size_t n, const char *word) {
    return strlen(word) == n && memcmp(s, word, n) == 0;
}

/* Character classes (ASCII; no <ctype.h>: its answers depend on the locale). */
static int apconn__is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static unsigned char apconn__lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c; }
static int apconn__is_alnum(unsigned char c) {
    unsigned char l = apconn__lower(c);
    return apconn__is_digit(c) || (l >= 'a' && l <= 'z');
}
/* JSON whitespace (RFC 8259 §2); HTTP's OWS is the first two. Macros, not
   functions: inlined from a function, the test costs the validator's hot
   loop about 270 bytes on AVR (c evaluated more than once: no side effects). */
#define APCONN__IS_WS(c) ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r')
#define APCONN__IS_OWS(c) ((c) == ' ' || (c) == '\t')
static const char *apconn__skip_ws(const char *s) {
    while (APCONN__IS_WS(*s)) s++;
    return s;
}
/* The one hex decoder (JSON \u escapes, HTTP chunk sizes, IPv6 literals): 0..15, or -1. */
static int apconn__hex_digit(unsigned char c) {
    unsigned char l = apconn__lower(c);
    return apconn__is_digit(c) ? c - '0' : (l >= 'a' && l <= 'f') ? l - 'a' + 10 : -1;
}
/* The one decimal reader (port, Content-Length, Retry-After, IPv4 octets):
   the digits at s[0..n) up to the first non-digit; returns how many. *v is
   their value, or ULONG_MAX once a digit comes while it is above `lim`
   (lim <= (ULONG_MAX - 9) / 10, so nothing overflows). */
static size_t apconn__decimal(const char *s, size_t n, unsigned long lim, unsigned long *v) {
    size_t i;
    for (*v = 0, i = 0; i < n && apconn__is_digit((unsigned char)s[i]); i++)
        *v = *v > lim ? (unsigned long)-1 : *v * 10u + (unsigned long)(s[i] - '0');
    return i;
}

/* The one bounded appender: error texts, the request head, the query, the
   log line, decoded JSON strings, the JSON writer. One overflow rule: `len`
   counts every byte put, also past `cap`; what fits in buf[0..cap) is
   written (memmove: a JSON string decodes in place, its source at or after
   the destination), so buf[0..min(len, cap)) is always text that was put.
   apconn__out_end NUL-terminates it (buf has cap + 1 bytes), cut back to a
   UTF-8 boundary when it overflowed. buf NULL: nothing is written, only counted. */
typedef struct apconn__out {
    char *buf;
    size_t cap, len;
} apconn__out;

static void apconn__out_init(apconn__out *o, char *buf, size_t size) { /* size: bytes of buf, NUL included */
    o->buf = size ? buf : NULL;
    o->cap = size ? size - 1 : 0;
    o->len = 0;
}
/* Returns 1 while everything put so far fits. */
static int apconn__out_put(apconn__out *o, const char *s, size_t n) {
    if (o->len < o->cap) memmove(o->buf + o->len, s, n < o->cap - o->len ? n : o->cap - o->len);
    o->len += n;
    return o->len <= o->cap;
}
static void apconn__out_str(apconn__out *o, const char *s) { apconn__out_put(o, s, strlen(s)); }
/* NUL-terminates; returns 1 when the text had to be cut. */
static int apconn__out_end(apconn__out *o) {
    int cut = o->len > o->cap;
    if (o->buf) o->buf[cut ? apconn__utf8_cut(o->buf, o->cap) : o->len] = '\0';
    return cut;
}

static int apconn__text_copy(char *dst, size_t size, const char *src, size_t len) {
    apconn__out o;
    apconn__out_init(&o, dst, size);
    apconn__out_put(&o, src, len);
    return apconn__out_end(&o);
}

/* Divides *v by 10 and returns the remainder using 32-bit divisions only:
   schoolbook long division over the 32-bit high half and two 16-bit halves
   of the low half (each partial dividend stays below 10 * 2^16). A plain
   `v % 10` on uint64_t would link libgcc's __aeabi_uldivmod (several hundred
   bytes) into every Cortex-M image for the sake of one int64 writer call. */
static unsigned apconn__div10(uint64_t *v) {
    uint32_t hi = (uint32_t)(*v >> 32), lo = (uint32_t)*v, mid, low, r;
    r = hi % 10u; hi /= 10u;
    mid = (r << 16) | (lo >> 16); r = mid % 10u; mid /= 10u;
    low = (r << 16) | (lo & 0xFFFFu); r = low % 10u; low /= 10u;
    *v = ((uint64_t)hi << 32) | (mid << 16) | low;
    return r;
}

/* Bytes for any 64-bit integer in decimal: a sign and the 20 digits of 2^64-1. */
#define APCONN__DEC_SIZE 21
/* Writes v in decimal to the END of a buffer of APCONN__DEC_SIZE bytes;
   returns the first digit. */
static char *apconn__dec(uint64_t v, char *tmp_end) {
    do *--tmp_end = (char)('0' + apconn__div10(&v)); while (v);
    return tmp_end;
}

static apconn_status apconn__error_set(apconn_error *err, apconn_status status, size_t offset) {
    if (err) { err->status = status; err->offset = offset; }
    return status;
}

/* Every public call that reports through err starts here: err is cleared,
   and a missing argument (ok == 0) is APCONN_ERR_ARGUMENT. */
static apconn_status apconn__error_begin(apconn_error *err, int ok) {
    if (err) memset(err, 0, sizeof *err);
    return ok ? APCONN_OK : apconn__error_set(err, APCONN_ERR_ARGUMENT, 0);
}

static void apconn__error_field(apconn_error *err, const char *name, size_t len) {
    size_t used;
    if (!err) return;
    used = strlen(err->field);
    apconn__text_copy(err->field + used, sizeof err->field - used, name, len);
}

/* The one way to fail naming a field: prefix and field (either may be NULL)
   are appended to err->field, the offset already in err is kept. Every other
   failure path ends in apconn__error_set too; only the JSON writer keeps a
   sticky status of its own (apconn__w_fail), since it has no apconn_error. */
static apconn_status apconn__fail(apconn_error *err, apconn_status st, const char *prefix, const char *field) {
    if (prefix) apconn__error_field(err, prefix, strlen(prefix));
    if (field) apconn__error_field(err, field, strlen(field));
    return apconn__error_set(err, st, err ? err->offset : 0);
}


/* ---- apconn_error_format: server text made safe to print ------------------ */
/* Bytes of the control character at s (n > 0 bytes left), 0 when s[0] does not
   start one: C0 and DEL are 1 byte; C1 (U+0080..U+009F, UTF-8 C2 80..C2 9F)
   is 2, because terminals that honour C1 in UTF-8 take it as CSI/OSC. Server
   text passes this test before anyone prints it: it must neither break a
   one-line log nor drive a terminal. */
static size_t apconn__control_len(const char *s, size_t n) {
    unsigned char c = (unsigned char)s[0];
    if (c < 0x20 || c == 0x7F) return 1;
    return c == 0xC2 && n > 1 && ((unsigned char)s[1] & 0xE0u) == 0x80u ? 2 : 0;
}
/* Puts s with each control character (see above) as one '?'. */
static void apconn__out_safe(apconn__out *o, const char *s) {
    size_t i, k, n = strlen(s);
    for (i = 0; i < n; i += k ? k : 1) {
        k = apconn__control_len(s + i, n - i);
        apconn__out_put(o, k ? "?" : s + i, 1);
    }
}
static void apconn__out_num(apconn__out *o, const char *before, uint64_t v) {
    char tmp[APCONN__DEC_SIZE], *p = apconn__dec(v, tmp + sizeof tmp);
    apconn__out_str(o, before);
    apconn__out_put(o, p, (size_t)(tmp + sizeof tmp - p));
}
/* The status's text; its number when APCONN_EMPTY_STATUS_TEXT left no text
   (the error text and the log line). */
static void apconn__out_status(apconn__out *o, apconn_status st) {
#ifdef APCONN_EMPTY_STATUS_TEXT
    apconn__out_num(o, st < 0 ? "status -" : "status ", (uint64_t)(st < 0 ? -(long)st : (long)st));
#else
    apconn__out_str(o, apconn_strerror(st));
#endif
}

APCONN_API size_t apconn_error_format(const apconn_error *err, char *buf, size_t size) {
    apconn__out o;
    apconn__out_init(&o, buf, buf ? size : 0);
    if (!err) { apconn__out_str(&o, "no error details"); }
    else {
        apconn__out_status(&o, err->status);
        if (err->http_status > 0) apconn__out_num(&o, ": HTTP ", (uint64_t)err->http_status);
        if (err->code[0]) { apconn__out_str(&o, " "); apconn__out_safe(&o, err->code); }
        if (err->message[0]) { apconn__out_str(&o, ": "); apconn__out_safe(&o, err->message); }
        if (err->field[0]) { apconn__out_str(&o, " (field "); apconn__out_safe(&o, err->field); apconn__out_str(&o, ")"); }
        if (err->offset) apconn__out_num(&o, " at byte ", (uint64_t)err->offset);
        if (err->needed) {
            apconn__out_num(&o, "; needs ", (uint64_t)err->needed);
            apconn__out_str(&o, err->status == APCONN_ERR_JSON_TOKENS ? " tokens" : " bytes of work buffer");
        }
    }
    apconn__out_end(&o);
    return o.len;
}

/* ---- enum names, exactly as the server spells them (body "type", response "status") ---- */
/* The names of one enum are a NUL-separated blob in value order (like the
   status texts): no pointer per name. No name starts with a digit, so a
   "\0" never runs into an octal escape. */
typedef struct apconn__enum {
    const char *names;
    unsigned char count;
    unsigned char bits; /* 1: value = 1 << index (status filter bits); 0: index + 1 */
} apconn__enum;
enum { APCONN__ENUM_TYPE, APCONN__ENUM_SCOPE, APCONN__ENUM_STATUS, APCONN__ENUM_USER_STATUS, APCONN__ENUM_ROLE };
static const apconn__enum apconn__enums[] = {
    {"SECRET_TEXT\0BASIC_AUTH\0CUSTOM_AUTH\0OAUTH2\0CLOUD_OAUTH2\0PLATFORM_OAUTH2\0OIDC\0NO_AUTH", 8, 0},
    {"PROJECT\0PLATFORM", 2, 0},
    {"ACTIVE\0MISSING\0ERROR", 3, 1},
    {"ACTIVE\0INACTIVE", 2, 0},
    {"ADMIN\0MEMBER\0OPERATOR", 3, 0}};

static const char *apconn__enum_name(unsigned which, unsigned value) {
    const apconn__enum *e = &apconn__enums[which];
    const char *p = e->names;
    unsigned i;
    for (i = 0; i < e->count; i++, p += strlen(p) + 1)
        if (value == (e->bits ? 1u << i : i + 1)) return p;
    return NULL;
}

/* Returns the enum value of the NUL-terminated name, 0 (the UNKNOWN member) if none. */
static unsigned apconn__enum_value(unsigned which, const char *name) {
    const apconn__enum *e = &apconn__enums[which];
    const char *p = e->names;
    unsigned i;
    for (i = 0; i < e->count; i++, p += strlen(p) + 1)
        if (apconn__streq(p, name)) return e->bits ? 1u << i : i + 1;
    return 0;
}

APCONN_API const char *apconn_type_name(apconn_connection_type type) {
    return apconn__enum_name(APCONN__ENUM_TYPE, (unsigned)type);
}
APCONN_API const char *apconn_connection_status_name(apconn_connection_status status) {
    return apconn__enum_name(APCONN__ENUM_STATUS, (unsigned)status);
}
APCONN_API const char *apconn_scope_name(apconn_scope scope) {
    return apconn__enum_name(APCONN__ENUM_SCOPE, (unsigned)scope);
}
APCONN_API apconn_connection_type apconn_type_from_name(const char *name) {
    return name ? (apconn_connection_type)apconn__enum_value(APCONN__ENUM_TYPE, name)
                : APCONN_TYPE_UNKNOWN;
}

/* ----- 4.2 JSON writer ----------------------------------------------------- */
/* Every public writer call is one apconn__w_step: sticky-error check and
   call count -> state check -> apconn__w_put... -> commit or roll back.
   A call that fails leaves `len` and the text exactly as they were before
   it, so no half token is ever visible; the state changes only on success. */
#define APCONN__W_OBJECT 1u    /* level is an object (else an array) */
#define APCONN__W_HAS_ITEM 2u  /* a member/element was written: next needs ',' */
#define APCONN__W_AFTER_KEY 4u /* a key was written: a value must follow */

enum { APCONN__W_VALUE, APCONN__W_RAW, APCONN__W_STRING, APCONN__W_KEY, APCONN__W_OPEN, APCONN__W_CLOSE };

static void apconn__w_fail(apconn_json_writer *w, apconn_status status) {
    if (w->status == APCONN_OK && status != APCONN_OK) { w->status = status; w->failed_call = w->calls; }
}

/* Appends n bytes through the appender; what does not fit together with the
   NUL fails the writer (apconn__w_step then rolls `len` back). */
static void apconn__w_put(apconn_json_writer *w, const char *s, size_t n) {
    apconn__out o;
    if (w->status != APCONN_OK) return;
    apconn__out_init(&o, w->buf, w->size);
    o.len = w->len;
    if (apconn__out_put(&o, s, n)) w->len = o.len; /* size 0: every put is n >= 1 bytes, so it fails */
    else apconn__w_fail(w, APCONN_ERR_BUFFER_FULL);
}

/* RFC 8259 §7 two-character escapes, shared by the writer and the reader:
   apconn__esc_char[i] is written as '\\' followed by apconn__esc_name[i]. */
static const char apconn__esc_name[] = "\"\\/bfnrt", apconn__esc_char[] = "\"\\/\b\f\n\r\t";

/* RFC 8259 §7: '"', '\\' and every control byte below 0x20 must be escaped;
   the short forms are used where they exist, else \u00XX ('/' needs none and
   never reaches the table). Input must be valid UTF-8 (RFC 8259 §8.1),
   checked sequence by sequence. */
/* Hex digits, upper case (percent-encoding, RFC 3986 §2.1); | 0x20 gives lower case. */
static const char apconn__hex_upper[] = "0123456789ABCDEF";

static void apconn__w_quoted(apconn_json_writer *w, const char *s, size_t len) {
    size_t i = 0, j, n;
    uint32_t cp;
    apconn__w_put(w, "\"", 1);
    while (i < len && w->status == APCONN_OK) {
        char esc[6];
        const char *e;
        unsigned char c = 0;
        /* the longest run that needs no escape is copied in one go */
        for (j = i; j < len; j += n) {
            c = (unsigned char)s[j];
            if (c < 0x20 || c == '"' || c == '\\') break;
            n = c < 0x80 ? 1 : apconn__utf8_decode((const unsigned char *)s + j, len - j, &cp);
            if (n == 0) { apconn__w_fail(w, APCONN_ERR_JSON_UTF8); return; }
        }
        apconn__w_put(w, s + i, j - i);
        if (j == len) break;
        e = c ? strchr(apconn__esc_char, c) : NULL;
        esc[0] = '\\';
        esc[1] = e ? apconn__esc_name[e - apconn__esc_char] : 'u';
        memcpy(esc + 2, "00", 2);
        esc[4] = (char)(apconn__hex_upper[c >> 4] | 0x20);
        esc[5] = (char)(apconn__hex_upper[c & 15] | 0x20);
        apconn__w_put(w, esc, e ? 2 : 6);
        i = j + 1;
    }
    apconn__w_put(w, "\"", 1);
}

/* Checks that op may come now and writes the ',' it needs first. */
static void apconn__w_check(apconn_json_writer *w, unsigned op, unsigned char top) {
    int bad;
    if (op == APCONN__W_CLOSE) bad = w->depth == 0 || (top & APCONN__W_AFTER_KEY);
    else if (op == APCONN__W_KEY) bad = !(top & APCONN__W_OBJECT) || (top & APCONN__W_AFTER_KEY);
    else if (w->depth == 0) bad = w->top_state; /* a second root value */
    else bad = (top & (APCONN__W_OBJECT | APCONN__W_AFTER_KEY)) == APCONN__W_OBJECT; /* value where a key belongs */
    if (bad) apconn__w_fail(w, APCONN_ERR_WRITER_STATE);
    else if (op != APCONN__W_CLOSE && (top & APCONN__W_HAS_ITEM)) apconn__w_put(w, ",", 1); /* never with AFTER_KEY: see apconn__w_step */
}

/* s/len: the text (STRING, KEY: unescaped; others: verbatim JSON). For
   OPEN/CLOSE, s is the bracket and decides the container kind. */
static void apconn__w_step(apconn_json_writer *w, unsigned op, const char *s, size_t len) {
    size_t mark = w->len;
    unsigned char top = w->depth ? w->stack[w->depth - 1] : 0;
    unsigned char kind = (unsigned char)(s && (*s == '{' || *s == '}'));
    w->calls++;
    if (w->status != APCONN_OK) return;
    if (!s) apconn__w_fail(w, APCONN_ERR_ARGUMENT);
    else if (op == APCONN__W_RAW) apconn__w_fail(w, apconn_json_validate(s, len));
    else if (op == APCONN__W_OPEN && w->depth >= APCONN_JSON_MAX_DEPTH) apconn__w_fail(w, APCONN_ERR_JSON_DEPTH);
    else if (op == APCONN__W_CLOSE && (top & APCONN__W_OBJECT) != kind) apconn__w_fail(w, APCONN_ERR_WRITER_STATE);
    apconn__w_check(w, op, top);
    if (op == APCONN__W_STRING || op == APCONN__W_KEY) apconn__w_quoted(w, s, len);
    else apconn__w_put(w, s, len);
    if (op == APCONN__W_KEY) apconn__w_put(w, ":", 1);
    if (w->status != APCONN_OK) { /* nothing of a value that did not fit stays behind the NUL */
        w->len = mark;
        if (w->size) apconn_wipe(w->buf + mark, w->size - mark);
    }
    if (w->size) w->buf[w->len] = '\0';
    if (w->status != APCONN_OK) return;
    if (op == APCONN__W_KEY) { w->stack[w->depth - 1] = (unsigned char)(APCONN__W_OBJECT | APCONN__W_AFTER_KEY); return; }
    if (op == APCONN__W_OPEN) { w->stack[w->depth++] = kind; return; }
    if (op == APCONN__W_CLOSE) w->depth--;
    if (w->depth == 0) w->top_state = 1; /* a complete root value */
    else w->stack[w->depth - 1] = (unsigned char)((w->stack[w->depth - 1] & APCONN__W_OBJECT) | APCONN__W_HAS_ITEM);
}

APCONN_API void apconn_json_init(apconn_json_writer *w, char *buf, size_t size) {
    memset(w, 0, sizeof *w);
    w->buf = buf;
    w->size = buf ? size : 0;
    w->status = APCONN_OK;
    if (w->size) buf[0] = '\0';
}

APCONN_API void apconn_json_object_begin(apconn_json_writer *w) { apconn__w_step(w, APCONN__W_OPEN, "{", 1); }
APCONN_API void apconn_json_object_end(apconn_json_writer *w) { apconn__w_step(w, APCONN__W_CLOSE, "}", 1); }
APCONN_API void apconn_json_array_begin(apconn_json_writer *w) { apconn__w_step(w, APCONN__W_OPEN, "[", 1); }
APCONN_API void apconn_json_array_end(apconn_json_writer *w) { apconn__w_step(w, APCONN__W_CLOSE, "]", 1); }
APCONN_API void apconn_json_key(apconn_json_writer *w, const char *key) {
    apconn__w_step(w, APCONN__W_KEY, key, key ? strlen(key) : 0);
}
APCONN_API void apconn_json_string_len(apconn_json_writer *w, const char *s, size_t len) {
    apconn__w_step(w, APCONN__W_STRING, s || len ? s : "", len);
}
APCONN_API void apconn_json_string(apconn_json_writer *w, const char *s) {
    apconn__w_step(w, APCONN__W_STRING, s, s ? strlen(s) : 0);
}
APCONN_API void apconn_json_raw(apconn_json_writer *w, const char *json, size_t len) {
    apconn__w_step(w, APCONN__W_RAW, json, len);
}
APCONN_API void apconn_json_bool(apconn_json_writer *w, int v) {
    apconn__w_step(w, APCONN__W_VALUE, v ? "true" : "false", v ? 4 : 5);
}
APCONN_API void apconn_json_null(apconn_json_writer *w) { apconn__w_step(w, APCONN__W_VALUE, "null", 4); }

APCONN_API void apconn_json_int(apconn_json_writer *w, int64_t v) {
    char tmp[APCONN__DEC_SIZE], *p;
    /* magnitude in unsigned arithmetic, so INT64_MIN does not overflow */
    p = apconn__dec(v < 0 ? 0u - (uint64_t)v : (uint64_t)v, tmp + sizeof tmp);
    if (v < 0) *--p = '-';
    apconn__w_step(w, APCONN__W_VALUE, p, (size_t)(tmp + sizeof tmp - p));
}

APCONN_API apconn_status apconn_json_finish(apconn_json_writer *w, size_t *out_len) {
    w->calls++;
    if (w->depth != 0 || !w->top_state) apconn__w_fail(w, APCONN_ERR_WRITER_STATE);
    if (out_len) *out_len = w->len;
    return w->status;
}

/* ----- 4.3 JSON text: string decoder, incremental validator ----------------- */
/* The string decoder resolves escapes into an apconn__out: in place for the
   reader's views (the decoded text never grows, so it fits where the JSON
   string was), or into a fixed field for error texts.
   NUL bytes: a raw NUL (like any raw byte below 0x20) is not allowed in a
   string by RFC 8259 §7 and is no token outside one, so it is
   APCONN_ERR_JSON_SYNTAX. The escape \u0000 is valid JSON and accepted by
   the validator; the reader refuses it in a field with APCONN_ERR_JSON_NUL. */
/* Appends to the decoder's output; what does not fit is APCONN_ERR_BUFFER_FULL. */
static apconn_status apconn__out_put_or_full(apconn__out *k, const char *bytes, size_t n) {
    return apconn__out_put(k, bytes, n) ? APCONN_OK : APCONN_ERR_BUFFER_FULL;
}

/* Four hex digits the validator already accepted. */
static uint32_t apconn__hex4(const char *s) {
    uint32_t v = 0;
    unsigned i;
    for (i = 0; i < 4; i++) v = (v << 4) | (uint32_t)apconn__hex_digit((unsigned char)s[i]);
    return v;
}

/* Decodes the string whose opening quote is at s[*pos] into `out` and
   NUL-terminates it; *pos ends past the closing quote. The text was
   validated first (RFC 8259 §7), so only the escapes need work: a UTF-16
   surrogate pair becomes one code point, and \u0000 is refused with
   APCONN_ERR_JSON_NUL (it would end the C string). An `out` that fills up
   gets APCONN_ERR_BUFFER_FULL, its text cut at a UTF-8 boundary. */
static apconn_status apconn__json_string(const char *s, size_t *pos, apconn__out *out) {
    size_t p = *pos + 1, q;
    uint32_t cp;
    apconn_status st = APCONN_OK;
    char tmp[4];
    for (;;) {
        for (q = p; s[q] != '"' && s[q] != '\\'; q++) {}
        if (q > p) st = apconn__out_put_or_full(out, s + p, q - p);
        p = q + 1;
        if (st != APCONN_OK || s[q] == '"') break;
        if (s[p] != 'u') {
            tmp[0] = apconn__esc_char[strchr(apconn__esc_name, s[p]) - apconn__esc_name];
            st = apconn__out_put_or_full(out, tmp, 1);
            p++;
        } else {
            cp = apconn__hex4(s + p + 1);
            p += 5;
            if (cp >= 0xD800 && cp <= 0xDBFF) { /* a high surrogate: "\uDCxx" follows */
                cp = 0x10000 + ((cp - 0xD800) << 10) + (apconn__hex4(s + p + 2) - 0xDC00);
                p += 6;
            }
            /* U+0000 would end the C string early: refused (only an escape can carry it) */
            st = cp ? apconn__out_put_or_full(out, tmp, apconn__utf8_encode(cp, tmp)) : APCONN_ERR_JSON_NUL;
        }
        if (st != APCONN_OK) break;
    }
    apconn__out_end(out); /* only now: in place, earlier bytes are still to be read */
    *pos = p;
    return st;
}

/* ---- the incremental validator: one state machine, any split of the input ----
   The same code checks a whole buffer (apconn_json_validate_at) and a body
   that arrives in pieces (apconn_page_next), so the rules and the error
   offsets are the same both ways. State lives in apconn__jv between pieces.
   Errors point at the byte that broke the grammar, except inside an escape,
   a literal or a UTF-8 sequence, which are reported where they began. */
enum {
    APCONN__J_VALUE,          /* a value must come */
    APCONN__J_VALUE_OR_CLOSE, /* after '[': a value or ']' */
    APCONN__J_KEY,            /* after ',' in an object: a key */
    APCONN__J_KEY_OR_CLOSE,   /* after '{': a key or '}' */
    APCONN__J_COLON,
    APCONN__J_AFTER,          /* after a value: ',' or the closer */
    APCONN__J_DONE,           /* the root value is complete: whitespace only */
    APCONN__J_STRING,
    APCONN__J_ESCAPE,         /* after '\\' */
    APCONN__J_HEX,            /* \uXXXX; sub = digits read */
    APCONN__J_LOW_SLASH,      /* a high surrogate wants "\u" + a low one */
    APCONN__J_LOW_U,
    APCONN__J_UTF8,           /* sub = continuation bytes left, lo..hi = the next one's range */
    APCONN__J_LITERAL,        /* sub = next index in apconn__literals, hi = its end */
    APCONN__J_MINUS,          /* number states (RFC 8259 §6) */
    APCONN__J_ZERO,
    APCONN__J_INT,
    APCONN__J_DOT,
    APCONN__J_FRAC,
    APCONN__J_EXP,
    APCONN__J_EXP_SIGN,
    APCONN__J_EXP_DIGITS
};
#define APCONN__JF_KEY 1u     /* the string being read is a key */
#define APCONN__JF_LOW 2u     /* the \u being read must be a low surrogate */
#define APCONN__JF_CAPTURE 4u /* the key is a page-level key: its first bytes go to jv.key */
#define APCONN__JF_KEYS 8u    /* report page-level keys (depth 1) */
#define APCONN__JF_ESCAPED 16u /* a string had an escape (reset by the stream per item) */
/* Events apconn__jv_run stops at, for values nested fewer than jv.watch deep. */
enum { APCONN__EV_NONE, APCONN__EV_START, APCONN__EV_END, APCONN__EV_KEY };
#define APCONN__KEY_LONG ((unsigned char)(sizeof((apconn__jv *)0)->key + 1u)) /* jv.klen of a key too long (or escaped) to be ours */

static const char apconn__literals[] = "truefalsenull";

static void apconn__jv_init(apconn__jv *v, unsigned watch, unsigned flags) {
    memset(v, 0, sizeof *v);
    v->watch = (unsigned char)watch;
    v->flags = (unsigned char)flags;
}

/* The escape, literal or UTF-8 sequence being read is reported where it began (v->mark). */
static int apconn__jv_begun(const apconn__jv *v) {
    return v->state == APCONN__J_LITERAL || (v->state >= APCONN__J_ESCAPE && v->state <= APCONN__J_UTF8);
}
/* A string byte that needs no look: printable ASCII but '"' and '\\'. */
static int apconn__jv_plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

/* A complete value: the container it sat in expects ',' or its closer. */
static unsigned apconn__jv_value_done(apconn__jv *v) {
    v->state = v->depth ? APCONN__J_AFTER : APCONN__J_DONE;
    return v->depth < v->watch ? APCONN__EV_END : APCONN__EV_NONE;
}

/* The first byte of a value (RFC 8259 §3). */
static apconn_status apconn__jv_begin(apconn__jv *v, unsigned char c, size_t at, unsigned *ev) {
    *ev = v->depth < v->watch ? APCONN__EV_START : APCONN__EV_NONE;
    v->tokens++;
    v->mark = at;
    if (c == '{' || c == '[') {
        if (v->depth >= APCONN_JSON_MAX_DEPTH) return APCONN_ERR_JSON_DEPTH;
        v->stack[v->depth++] = (unsigned char)(c == '{');
        v->state = c == '{' ? APCONN__J_KEY_OR_CLOSE : APCONN__J_VALUE_OR_CLOSE;
    } else if (c == '"') {
        v->state = APCONN__J_STRING;
    } else if (c == '-') {
        v->state = APCONN__J_MINUS;
    } else if (apconn__is_digit(c)) {
        v->state = c == '0' ? APCONN__J_ZERO : APCONN__J_INT;
    } else if (c == 't' || c == 'f' || c == 'n') {
        /* offsets into apconn__literals ("truefalsenull"): the 2nd letter, and the end */
        v->sub = (unsigned char)(c == 't' ? 1 : c == 'f' ? 5 : 10);
        v->hi = (unsigned char)(c == 't' ? 4 : c == 'f' ? 9 : 13);
        v->state = APCONN__J_LITERAL;
    } else {
        return APCONN_ERR_JSON_SYNTAX;
    }
    return APCONN_OK;
}

/* A byte outside strings, literals and numbers (whitespace is skipped
   before): one case per state, the common bytes first. */
static apconn_status apconn__jv_structure(apconn__jv *v, unsigned char c, size_t at, unsigned *ev) {
    *ev = APCONN__EV_NONE;
    switch (v->state) {
    case APCONN__J_COLON:
        if (c != ':') return APCONN_ERR_JSON_SYNTAX;
        v->state = APCONN__J_VALUE;
        return APCONN_OK;
    case APCONN__J_AFTER:
        if (c == ',') {
            v->state = v->stack[v->depth - 1] ? APCONN__J_KEY : APCONN__J_VALUE;
            return APCONN_OK;
        }
        break;
    case APCONN__J_VALUE_OR_CLOSE:
        if (c == ']') break;
        /* fall through */
    case APCONN__J_VALUE: return apconn__jv_begin(v, c, at, ev);
    case APCONN__J_KEY:
    case APCONN__J_KEY_OR_CLOSE:
        if (c != '"') break;
        v->tokens++;
        v->state = APCONN__J_STRING;
        v->flags |= APCONN__JF_KEY;
        if ((v->flags & APCONN__JF_KEYS) && v->depth == 1) {
            v->flags |= APCONN__JF_CAPTURE;
            v->klen = 0;
        }
        return APCONN_OK;
    default: return APCONN_ERR_JSON_SYNTAX; /* DONE: the root value is complete */
    }
    /* AFTER, VALUE_OR_CLOSE, KEY_OR_CLOSE (and a KEY, which fails here): the closer */
    if (v->state == APCONN__J_KEY || c != (v->stack[v->depth - 1] ? '}' : ']')) return APCONN_ERR_JSON_SYNTAX;
    v->depth--;
    *ev = apconn__jv_value_done(v);
    return APCONN_OK;
}

/* The end of a string: a key wants ':', a value is done. */
static unsigned apconn__jv_string_done(apconn__jv *v) {
    if (!(v->flags & APCONN__JF_KEY)) return apconn__jv_value_done(v);
    v->state = APCONN__J_COLON;
    v->flags &= (unsigned char)~APCONN__JF_KEY;
    if (!(v->flags & APCONN__JF_CAPTURE)) return APCONN__EV_NONE;
    v->flags &= (unsigned char)~APCONN__JF_CAPTURE;
    return APCONN__EV_KEY;
}

/* A string byte that is not plain (RFC 8259 §7, RFC 3629 §4). */
static apconn_status apconn__jv_string_byte(apconn__jv *v, unsigned char c, size_t at, unsigned *ev) {
    static const unsigned char lo[5] = {0xA0, 0x80, 0x80, 0x90, 0x80}, hi[5] = {0xBF, 0x9F, 0xBF, 0xBF, 0x8F};
    unsigned i;
    *ev = APCONN__EV_NONE;
    if (c == '"') { *ev = apconn__jv_string_done(v); return APCONN_OK; }
    v->klen = APCONN__KEY_LONG; /* an escape or a non-ASCII byte: no key of ours */
    v->mark = at;
    if (c == '\\') {
        v->state = APCONN__J_ESCAPE;
        v->flags |= APCONN__JF_ESCAPED;
        return APCONN_OK;
    }
    if (c < 0xC2 || c > 0xF4) return c < 0x80 ? APCONN_ERR_JSON_SYNTAX : APCONN_ERR_JSON_UTF8;
    /* the second byte's range: E0 A0.., ED ..9F (no surrogates), F0 90.., F4 ..8F */
    i = c == 0xE0 ? 0 : c == 0xED ? 1 : c == 0xF0 ? 3 : c == 0xF4 ? 4 : 2;
    v->lo = lo[i];
    v->hi = hi[i];
    v->sub = (unsigned char)(c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3);
    v->state = APCONN__J_UTF8;
    return APCONN_OK;
}

/* The 4th hex digit of a \\u escape: a UTF-16 surrogate must come as a pair,
   high then low, since neither has a UTF-8 form alone (RFC 3629 §3). */
static apconn_status apconn__jv_hex_done(apconn__jv *v) {
    int low = v->cp >= 0xDC00 && v->cp <= 0xDFFF;
    if ((v->flags & APCONN__JF_LOW) ? !low : low) return APCONN_ERR_JSON_ESCAPE;
    v->state = !(v->flags & APCONN__JF_LOW) && v->cp >= 0xD800 && v->cp <= 0xDBFF ? APCONN__J_LOW_SLASH : APCONN__J_STRING;
    return APCONN_OK;
}

/* Bytes of an escape (RFC 8259 §7). */
static apconn_status apconn__jv_escape_byte(apconn__jv *v, unsigned char c) {
    int d;
    switch (v->state) {
    case APCONN__J_ESCAPE:
        if (c == 'u') break;
        if (!memchr(apconn__esc_name, c, sizeof apconn__esc_name - 1)) return APCONN_ERR_JSON_ESCAPE;
        v->state = APCONN__J_STRING;
        return APCONN_OK;
    case APCONN__J_HEX:
        if ((d = apconn__hex_digit(c)) < 0) return APCONN_ERR_JSON_ESCAPE;
        v->cp = (v->cp << 4) | (uint32_t)d;
        return ++v->sub < 4 ? APCONN_OK : apconn__jv_hex_done(v);
    case APCONN__J_LOW_SLASH:
        if (c != '\\') return APCONN_ERR_JSON_ESCAPE;
        v->state = APCONN__J_LOW_U;
        return APCONN_OK;
    default: /* APCONN__J_LOW_U */
        if (c != 'u') return APCONN_ERR_JSON_ESCAPE;
        v->flags |= APCONN__JF_LOW;
        break;
    }
    if (v->state == APCONN__J_ESCAPE) v->flags &= (unsigned char)~APCONN__JF_LOW;
    v->state = APCONN__J_HEX;
    v->sub = 0;
    v->cp = 0;
    return APCONN_OK;
}

/* Numbers, RFC 8259 §6: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?
   One row per number state, one column per byte class ('0', '1'-'9', '.',
   'e'/'E', '+'/'-', other): the next state, the end of the number (the byte
   is read again as what follows it), or an error. */
#define APCONN__N_END 0xFFu
#define APCONN__N_BAD 0xFEu
static unsigned apconn__jv_number_class(unsigned char c) {
    if (apconn__is_digit(c)) return c != '0';
    if (c == '.') return 2;
    if (apconn__lower(c) == 'e') return 3;
    return c == '+' || c == '-' ? 4 : 5;
}
static apconn_status apconn__jv_number_byte(apconn__jv *v, unsigned char c, int *again, unsigned *ev) {
    enum { E = APCONN__N_END, X = APCONN__N_BAD, Z = APCONN__J_ZERO, I = APCONN__J_INT, D = APCONN__J_DOT,
           F = APCONN__J_FRAC, P = APCONN__J_EXP, S = APCONN__J_EXP_SIGN, G = APCONN__J_EXP_DIGITS };
    static const unsigned char next[8][6] APCONN_PROGMEM = {
        {Z, I, X, X, X, X}, /* MINUS */
        {E, E, D, P, E, E}, /* ZERO */
        {I, I, D, P, E, E}, /* INT */
        {F, F, X, X, X, X}, /* DOT */
        {F, F, E, P, E, E}, /* FRAC */
        {G, G, X, X, S, X}, /* EXP */
        {G, G, X, X, X, X}, /* EXP_SIGN */
        {G, G, E, E, E, E}, /* EXP_DIGITS */
    };
    unsigned n = APCONN_READ_BYTE(&next[v->state - APCONN__J_MINUS][apconn__jv_number_class(c)]);
    if (n == APCONN__N_BAD) return APCONN_ERR_JSON_SYNTAX;
    if (n != APCONN__N_END) {
        v->state = (unsigned char)n;
        return APCONN_OK;
    }
    *again = 1;
    *ev = apconn__jv_value_done(v);
    return APCONN_OK;
}

/* Bytes of an escape, a UTF-8 sequence, a literal or a number. */
static apconn_status apconn__jv_token_byte(apconn__jv *v, unsigned char c, int *again, unsigned *ev) {
    *ev = APCONN__EV_NONE;
    if (v->state >= APCONN__J_MINUS) return apconn__jv_number_byte(v, c, again, ev);
    if (v->state == APCONN__J_LITERAL) {
        if (c != (unsigned char)apconn__literals[v->sub]) return APCONN_ERR_JSON_SYNTAX;
        if (++v->sub == v->hi) *ev = apconn__jv_value_done(v);
        return APCONN_OK;
    }
    if (v->state != APCONN__J_UTF8) return apconn__jv_escape_byte(v, c);
    if (c < v->lo || c > v->hi) return APCONN_ERR_JSON_UTF8;
    v->lo = 0x80;
    v->hi = 0xBF;
    if (--v->sub == 0) v->state = APCONN__J_STRING;
    return APCONN_OK;
}

/* The end of a run of plain string bytes from s[i]. Word at a time: a word
   is all plain when no byte is below 0x20, equal to '"' or '\\', or has
   its top bit set. Without any of those, no byte subtraction below borrows,
   so no high bit can appear; with one, the byte loop finds it exactly. */
#define APCONN__ONES ((size_t)-1 / 255u) /* 0x0101...01 */
static size_t apconn__jv_plain_run(const unsigned char *s, size_t i, size_t end) {
    static const union { uint16_t u; unsigned char first; } one = {1}; /* first == 1: little-endian */
    size_t w, t;
    while (end - i >= sizeof w) {
        memcpy(&w, s + i, sizeof w);
        t = ((w - APCONN__ONES * 0x20u) | ((w ^ (APCONN__ONES * 0x22u)) - APCONN__ONES) |
             ((w ^ (APCONN__ONES * 0x5Cu)) - APCONN__ONES) | w) & (APCONN__ONES * 0x80u);
        if (t == 0) {
            i += sizeof w;
            continue;
        }
        /* Little-endian: the lowest flagged byte comes first in memory, and it
           is a real one (a borrow only flags bytes above the one that caused
           it). Big-endian: the byte loop below finds it. */
        if (one.first) /* its index: count the flagged-bit bytes below the lowest one. GCOVR_EXCL_BR_LINE: false only on big-endian targets (make ppc-unit) */
            i += ((((t & (0 - t)) - 1) & (APCONN__ONES * 0x80u)) >> 7) * APCONN__ONES >> (8 * (sizeof w - 1));
        break;
    }
    while (i < end && apconn__jv_plain(s[i])) i++;
    return i;
}

/* The plain bytes of a string from s[i]; a page-level key's first bytes are
   kept in v->key on the way. Returns where they end. */
static size_t apconn__jv_string_run(apconn__jv *v, const unsigned char *s, size_t i, size_t end) {
    if (!(v->flags & APCONN__JF_CAPTURE)) return apconn__jv_plain_run(s, i, end);
    for (; i < end && apconn__jv_plain(s[i]); i++) {
        if (v->klen < sizeof v->key) v->key[v->klen] = (char)s[i];
        if (v->klen < APCONN__KEY_LONG) v->klen++;
    }
    return i;
}

/* Compact JSON inside an item: after a string, `:"` or `,"` start the next
   string at once, without a trip through the state switch for each byte.
   Only where no event can be due (depth >= watch) and only for exactly those
   two bytes, so the rules and the error offsets stay the state machine's. */
static size_t apconn__jv_compact(apconn__jv *v, const unsigned char *s, size_t i, size_t end) {
    int colon = v->state == APCONN__J_COLON, key = v->state == APCONN__J_AFTER && v->stack[v->depth - 1];
    if ((!colon && v->state != APCONN__J_AFTER) || v->depth < v->watch || end - i < 2 || s[i + 1] != '"' ||
        s[i] != (colon ? ':' : ','))
        return i;
    v->tokens++;
    v->state = APCONN__J_STRING;
    if (key) v->flags |= APCONN__JF_KEY;
    return i + 2;
}

/* Runs over s[*pos..end); `base` is the body offset of s[0]. Stops at the end
   of the input or after an event (*ev), with *pos past what was read; on an
   error, *err_at is the body offset it is reported at. */
static apconn_status apconn__jv_run(apconn__jv *v, const unsigned char *s, size_t *pos, size_t end, size_t base,
                                    unsigned *ev, size_t *err_at) {
    size_t i = *pos;
    apconn_status st = APCONN_OK;
    unsigned e = APCONN__EV_NONE;
    int again;
    while (i < end) {
        unsigned char c = s[i];
        if (v->state == APCONN__J_STRING) {
            /* the fast path: most of a body is plain string bytes */
            if ((i = apconn__jv_string_run(v, s, i, end)) == end) break;
            st = apconn__jv_string_byte(v, s[i], base + i, &e);
            if (st == APCONN_OK && e == APCONN__EV_NONE) { /* the byte left the string state */
                i = apconn__jv_compact(v, s, i + 1, end); /* past it (a closing quote may start `:"` or `,"`) */
                continue;
            }
        } else if (v->state < APCONN__J_STRING) {
            if (APCONN__IS_WS(c)) { i++; continue; }
            st = apconn__jv_structure(v, c, base + i, &e);
        } else {
            again = 0;
            st = apconn__jv_token_byte(v, c, &again, &e);
            i -= (size_t)again; /* a number ended before this byte: it is read again */
        }
        if (st != APCONN_OK) break;
        i++;
        if (e != APCONN__EV_NONE) break;
    }
    *pos = i;
    *ev = e;
    if (st != APCONN_OK) {
        /* escapes, literals and UTF-8 sequences are reported where they began */
        *err_at = apconn__jv_begun(v) ? v->mark : base + i; /* a DEPTH error is at a bracket: never begun */
    }
    return st;
}

/* The input ended at body offset `at`: a number at the root may end there;
   anything else unfinished is malformed. */
static apconn_status apconn__jv_end(apconn__jv *v, size_t at, size_t *err_at) {
    int number = v->state == APCONN__J_ZERO || v->state == APCONN__J_INT || v->state == APCONN__J_FRAC ||
                 v->state == APCONN__J_EXP_DIGITS;
    if (v->state == APCONN__J_DONE || (number && v->depth == 0)) return APCONN_OK;
    *err_at = apconn__jv_begun(v) ? v->mark : at;
    return v->state == APCONN__J_UTF8 ? APCONN_ERR_JSON_UTF8
           : v->state >= APCONN__J_ESCAPE && v->state <= APCONN__J_LOW_U ? APCONN_ERR_JSON_ESCAPE
                                                                          : APCONN_ERR_JSON_SYNTAX;
}

APCONN_API apconn_status apconn_json_validate_at(const char *json, size_t len, size_t *err_offset) {
    apconn__jv v;
    apconn_status st;
    size_t pos = 0, at = 0;
    unsigned ev;
    if (!json) return APCONN_ERR_ARGUMENT;
    apconn__jv_init(&v, 0, 0);
    st = apconn__jv_run(&v, (const unsigned char *)json, &pos, len, 0, &ev, &at);
    if (st == APCONN_OK) st = apconn__jv_end(&v, len, &at);
    if (err_offset) *err_offset = st == APCONN_OK ? 0 : at;
    return st;
}

APCONN_API apconn_status apconn_json_validate(const char *json, size_t len) {
    return apconn_json_validate_at(json, len, NULL);
}

/* ----- 4.4 Reader: jsmn tokens -> views ------------------------------------- */
/* The reader never trusts jsmn with raw input: the validator runs first, so
   jsmn (non-strict by default) only ever sees strict RFC 8259 text and its
   tokens are well formed. Mapping is table driven: one row per JSON key,
   walked by one mapper (apconn__map_object) that keeps nested objects on an
   explicit two-level frame stack instead of recursing. Strings become views:
   decoded in place and NUL-terminated where the JSON string was.
   Choices:
   - Keys are matched on their raw bytes: a known key spelled with escapes
     ("\u0069d") is treated as an unknown key.
   - A known key that appears twice in one object is APCONN_ERR_JSON_DUPLICATE
     (RFC 8259 §4 leaves duplicates' meaning open; guessing is worse).
   - A required field (connection id; owner id when owner is an object) that
     is absent or null is APCONN_ERR_JSON_MISSING.
   - Id fields (id, projectIds, flowIds, platformId, ownerId, owner.id,
     owner.platformId) must be [A-Za-z0-9_-] only, else APCONN_ERR_JSON_ENUM:
     they are later placed into request paths.
   - metadata is the object's own JSON text, as sent: a NUL is written just
     after its closing brace (a separator the tokens no longer need). */
#include <limits.h>

#ifndef JSMN_H
#define JSMN_STATIC
#ifndef JSMN_PARENT_LINKS
#define JSMN_PARENT_LINKS /* jsmn's scans stay local: no walk back over the whole text */
#endif
#include "jsmn.h"
#elif !defined(JSMN_PARENT_LINKS)
#error "apconn needs jsmn.h with JSMN_PARENT_LINKS: include it after the apconn implementation, or define JSMN_PARENT_LINKS first"
#endif

/* apconn_token is jsmntok_t's storage: same size and member offsets
   (a negative array size stops the build otherwise, C99 has no static_assert). */
typedef char apconn__token_layout_check[(sizeof(apconn_token) == sizeof(jsmntok_t) &&
                                         offsetof(apconn_token, start) == offsetof(jsmntok_t, start) &&
                                         offsetof(apconn_token, end) == offsetof(jsmntok_t, end) &&
                                         offsetof(apconn_token, size) == offsetof(jsmntok_t, size) &&
                                         offsetof(apconn_token, parent) == offsetof(jsmntok_t, parent))
                                            ? 1
                                            : -1];

enum {
    APCONN__F_TEXT,        /* string -> view, escapes decoded */
    APCONN__F_ID,          /* like TEXT, [A-Za-z0-9_-] only */
    APCONN__F_ENUM,        /* string -> enum via apconn__enums[aux] */
    APCONN__F_BOOL,        /* true/false -> unsigned char 1/0 */
    APCONN__F_IDS,         /* array of ids -> apconn_ids */
    APCONN__F_OBJECT_TEXT, /* object -> a view of its JSON text */
    APCONN__F_OBJECT,      /* object -> nested struct, mapped with table aux */
    APCONN__F_REQUIRED = 0x80
};
#define APCONN__F_KIND 0x7Fu /* the kind bits of apconn__field.kind */
#define APCONN__NONE 0xFFFFu /* row has no presence member */

typedef struct apconn__field {
    const char *key;
    unsigned char kind, aux, key_len, size;
    uint16_t offset, presence;
} apconn__field;

#define APCONN__ROW(key, kind, aux, type, member, has)                                                        \
    {key, (unsigned char)(kind), (unsigned char)(aux), (unsigned char)(sizeof key - 1),                       \
     (unsigned char)sizeof(((type *)0)->member), (uint16_t)offsetof(type, member), (uint16_t)(has)}
#define APCONN__C(key, kind, aux, member, has)                                                                 \
    APCONN__ROW(key, kind, aux, apconn_connection, member, offsetof(apconn_connection, has))
#define APCONN__C0(key, kind, aux, member) APCONN__ROW(key, kind, aux, apconn_connection, member, APCONN__NONE)
#define APCONN__O(key, kind, aux, member, has) APCONN__ROW(key, kind, aux, apconn_owner, member, offsetof(apconn_owner, has))
#define APCONN__O0(key, kind, aux, member) APCONN__ROW(key, kind, aux, apconn_owner, member, APCONN__NONE)

enum { APCONN__TABLE_CONNECTION, APCONN__TABLE_OWNER };

/* The connection object of every response (AppConnectionWithoutSensitiveData,
   README.md "Server contract"), in the order the server sends the keys: the
   mapper tries the row after the last match first. */
static const apconn__field apconn__connection_fields[] APCONN_PROGMEM = {
    APCONN__C0("id", APCONN__F_ID | APCONN__F_REQUIRED, 0, id),
    APCONN__C("created", APCONN__F_TEXT, 0, created, has_created),
    APCONN__C("updated", APCONN__F_TEXT, 0, updated, has_updated),
    APCONN__C("externalId", APCONN__F_TEXT, 0, external_id, has_external_id),
    APCONN__C("displayName", APCONN__F_TEXT, 0, display_name, has_display_name),
    APCONN__C("type", APCONN__F_ENUM, APCONN__ENUM_TYPE, type, has_type),
    APCONN__C("pieceName", APCONN__F_TEXT, 0, piece_name, has_piece_name),
    APCONN__C("projectIds", APCONN__F_IDS, 0, project_ids, has_project_ids),
    APCONN__C("platformId", APCONN__F_ID, 0, platform_id, has_platform_id),
    APCONN__C("scope", APCONN__F_ENUM, APCONN__ENUM_SCOPE, scope, has_scope),
    APCONN__C("status", APCONN__F_ENUM, APCONN__ENUM_STATUS, status, has_status),
    APCONN__C("ownerId", APCONN__F_ID, 0, owner_id, has_owner_id),
    APCONN__C("owner", APCONN__F_OBJECT, APCONN__TABLE_OWNER, owner, has_owner),
    APCONN__C("metadata", APCONN__F_OBJECT_TEXT, 0, metadata, has_metadata),
    APCONN__C("flowIds", APCONN__F_IDS, 0, flow_ids, has_flow_ids),
    APCONN__C("pieceVersion", APCONN__F_TEXT, 0, piece_version, has_piece_version),
    APCONN__C("preSelectForNewProjects", APCONN__F_BOOL, 0, pre_select_for_new_projects,
              has_pre_select_for_new_projects),
    APCONN__C("usingSecretManager", APCONN__F_BOOL, 0, using_secret_manager, has_using_secret_manager),
};
static const apconn__field apconn__owner_fields[] APCONN_PROGMEM = {
    APCONN__O0("id", APCONN__F_ID | APCONN__F_REQUIRED, 0, id),
    APCONN__O("email", APCONN__F_TEXT, 0, email, has_email),
    APCONN__O("firstName", APCONN__F_TEXT, 0, first_name, has_first_name),
    APCONN__O("lastName", APCONN__F_TEXT, 0, last_name, has_last_name),
    APCONN__O("status", APCONN__F_ENUM, APCONN__ENUM_USER_STATUS, status, has_status),
    APCONN__O("platformRole", APCONN__F_ENUM, APCONN__ENUM_ROLE, platform_role, has_platform_role),
    APCONN__O("externalId", APCONN__F_TEXT, 0, external_id, has_external_id),
    APCONN__O("platformId", APCONN__F_ID, 0, platform_id, has_platform_id),
    APCONN__O("created", APCONN__F_TEXT, 0, created, has_created),
    APCONN__O("updated", APCONN__F_TEXT, 0, updated, has_updated),
    APCONN__O("lastActiveDate", APCONN__F_TEXT, 0, last_active_date, has_last_active_date),
    APCONN__O("imageUrl", APCONN__F_TEXT, 0, image_url, has_image_url),
};
#define APCONN__ROWS(t) (sizeof t / sizeof t[0])
static const struct {
    const apconn__field *rows;
    unsigned char count;
} apconn__tables[] = {
    {apconn__connection_fields, APCONN__ROWS(apconn__connection_fields)},
    {apconn__owner_fields, APCONN__ROWS(apconn__owner_fields)},
};
/* The frame's `seen` mask has a bit per row; enum members are stored through
   apconn__store, which writes 1, 2 or 4 bytes; a view member is a pointer. */
typedef char apconn__table_check[(APCONN__ROWS(apconn__connection_fields) <= 32 &&
                                  APCONN__ROWS(apconn__owner_fields) <= 32 && sizeof(apconn_connection_type) <= 4 &&
                                  sizeof(apconn_connection) < 0xFFFF)
                                     ? 1
                                     : -1];

#define APCONN__MAP_DEPTH 2 /* connection -> owner: the deepest mapped nesting */

/* A row of a field table, readable: the row itself, or on a Harvard target
   (APCONN_READ_BYTE) a copy of it out of flash in `name##_copy`. */
#ifdef APCONN__HARVARD
static const apconn__field *apconn__row_copy(apconn__field *dst, const apconn__field *src) {
    unsigned char *d = (unsigned char *)dst;
    const unsigned char *s = (const unsigned char *)src;
    size_t n = sizeof *dst;
    while (n--) *d++ = APCONN_READ_BYTE(s++);
    return dst;
}
#define APCONN__ROW_AT(name, src) \
    apconn__field name##_copy;     \
    const apconn__field *name = apconn__row_copy(&name##_copy, (src))
#else
#define APCONN__ROW_AT(name, src) const apconn__field *name = (src)
#endif

/* Index of the first token after token i's whole subtree. Only called when
   such a token exists (another member or item follows). */
static int apconn__skip(const jsmntok_t *t, int i) {
    int end = t[i].end;
    for (i++; t[i].start < end; i++) {}
    return i;
}

/* The one walk over an object's members: apconn__members_init(&it, t, obj),
   then each apconn__members_next(&it, t) is the next key token (its value
   is the token after it), -1 after the last. A member's subtree is skipped
   only when another member follows (apconn__skip needs a token there). */
typedef struct apconn__members {
    int key, left; /* next key token, members not yet visited */
} apconn__members;
static void apconn__members_init(apconn__members *it, const jsmntok_t *t, int obj) {
    it->key = obj + 1;
    it->left = t[obj].size;
}
static int apconn__members_next(apconn__members *it, const jsmntok_t *t) {
    int key = it->key;
    if (it->left == 0) return -1;
    if (--it->left) it->key = apconn__skip(t, key + 1);
    return key;
}

typedef struct apconn__frame {
    const apconn__field *rows, *parent; /* parent: the row that opened this object */
    char *base;
    int tok;            /* object token */
    apconn__members it; /* its members */
    uint32_t seen;      /* bit per row: key already mapped */
    unsigned char count, hint; /* rows; the row tried first (after the last match) */
} apconn__frame;

typedef struct apconn__map {
    const char *json;
    char *views;        /* json, writable: where views are decoded (NULL: read only) */
    int escaped;        /* 0: the validator saw no escape, strings need no decoding */
    const jsmntok_t *t;
    apconn_error *err;
    long item;          /* index of the page item being mapped ("data[2]"), or -1 */
    int bad;            /* token the error is about */
    long index;         /* array index the error is about, or -1 */
} apconn__map;

/* Writes v into an enum or unsigned char member of the given size. */
static void apconn__store(char *p, size_t size, unsigned v) {
    unsigned char b = (unsigned char)v;
    uint16_t h = (uint16_t)v;
    memcpy(p, size == 1 ? (const void *)&b : size == 2 ? (const void *)&h : (const void *)&v, size); /* GCOVR_EXCL_BR_LINE: 1 and 2 only with -fshort-enums ABIs */
}

static void apconn__presence(const apconn__field *f, char *base, apconn_presence value) {
    if (f->presence != APCONN__NONE) base[f->presence] = (char)value;
}

/* Decodes the string token v into k (RFC 8259 §7 escapes, surrogate pairs). */
static apconn_status apconn__map_text(const apconn__map *m, int v, apconn__out *k) {
    size_t p = (size_t)m->t[v].start - 1; /* v is a string token: every caller checked it */
    return apconn__json_string(m->json, &p, k);
}

/* The string token v as a view: decoded in place, NUL-terminated, and the
   rest of its bytes up to the closing quote zeroed (apconn_ids_next skips
   them). Most strings have no escape: then only the closing quote becomes
   the NUL. */
static apconn_status apconn__map_view(const apconn__map *m, int v, const char **out) {
    const jsmntok_t *t = &m->t[v];
    char *s = m->views + t->start;
    size_t n = (size_t)(t->end - t->start);
    apconn__out k;
    apconn_status st;
    if (t->type != JSMN_STRING) return APCONN_ERR_JSON_TYPE;
    if (m->escaped && memchr(s, '\\', n)) {
        apconn__out_init(&k, s, n + 1);
        if ((st = apconn__map_text(m, v, &k)) != APCONN_OK) return st;
        memset(s + k.len, 0, n - k.len);
    }
    s[n] = '\0';
    *out = s;
    return APCONN_OK;
}

/* [A-Za-z0-9_-] as a bit per ASCII byte (bit c & 7 of byte c >> 3). */
static const unsigned char apconn__id_bits[16] APCONN_PROGMEM = {0, 0, 0, 0, 0, 0x20, 0xFF, 0x03,
                                                  0xFE, 0xFF, 0xFF, 0x87, 0xFE, 0xFF, 0xFF, 0x07};
static int apconn__id_char(unsigned char c) { return c < 0x80 && (APCONN_READ_BYTE(&apconn__id_bits[c >> 3]) >> (c & 7u)) & 1u; }

static apconn_status apconn__map_id(const apconn__map *m, int v, const char **out) {
    apconn_status st = apconn__map_view(m, v, out);
    const unsigned char *p = (const unsigned char *)*out;
    if (st != APCONN_OK) return st;
    while (apconn__id_char(*p)) p++;
    return *p ? APCONN_ERR_JSON_ENUM : APCONN_OK;
}

/* The name is decoded in place like any view (the server never escapes it,
   but a \u0041 is still the letter A). */
static apconn_status apconn__map_enum(const apconn__map *m, const apconn__field *f, char *base, int v) {
    const char *name;
    unsigned value = 0;
    apconn_status st = apconn__map_view(m, v, &name);
    if (st == APCONN_ERR_JSON_TYPE) return st;
    if (st == APCONN_OK) value = apconn__enum_value(f->aux, name);
    apconn__store(base + f->offset, f->size, value);
    return value ? APCONN_OK : APCONN_ERR_JSON_ENUM;
}

static apconn_status apconn__map_ids(apconn__map *m, const apconn__field *f, char *base, int v) {
    long i, n = m->t[v].size;
    apconn_ids ids;
    const char *id;
    apconn_status st = APCONN_OK;
    if (m->t[v].type != JSMN_ARRAY) return APCONN_ERR_JSON_TYPE;
    memset(&ids, 0, sizeof ids);
    for (i = 0; i < n && st == APCONN_OK; i++) {
        m->index = i;
        m->bad = v + 1 + (int)i; /* items are strings (or the first non-string fails): no subtrees */
        st = apconn__map_id(m, m->bad, &id);
        if (i == 0) ids.first = id;
    }
    if (st != APCONN_OK) return st;
    m->index = -1;
    m->bad = v;
    ids.count = (size_t)n;
    ids.apconn__end = m->views + m->t[v].end - 1;
    memcpy(base + f->offset, &ids, sizeof ids);
    return APCONN_OK;
}

/* Maps one scalar/array value; nested objects are handled by the caller. */
static apconn_status apconn__map_value(apconn__map *m, const apconn__field *f, char *base, int v) {
    const jsmntok_t *t = &m->t[v];
    char *dst = base + f->offset;
    const char *view = NULL;
    apconn_status st;
    m->bad = v;
    m->index = -1;
    if (t->type == JSMN_PRIMITIVE && m->json[t->start] == 'n') {
        if (f->kind & APCONN__F_REQUIRED) return APCONN_ERR_JSON_MISSING;
        apconn__presence(f, base, APCONN_NULL);
        return APCONN_OK;
    }
    apconn__presence(f, base, APCONN_SET);
    switch (f->kind & APCONN__F_KIND) {
    case APCONN__F_ENUM: return apconn__map_enum(m, f, base, v);
    case APCONN__F_BOOL:
        if (t->type != JSMN_PRIMITIVE || (m->json[t->start] != 't' && m->json[t->start] != 'f'))
            return APCONN_ERR_JSON_TYPE;
        *dst = (char)(m->json[t->start] == 't');
        return APCONN_OK;
    case APCONN__F_IDS: return apconn__map_ids(m, f, base, v);
    case APCONN__F_OBJECT_TEXT:
        if (t->type != JSMN_OBJECT) return APCONN_ERR_JSON_TYPE;
        m->views[t->end] = '\0';
        view = m->json + t->start;
        st = APCONN_OK;
        break;
    case APCONN__F_ID: st = apconn__map_id(m, v, &view); break;
    case APCONN__F_TEXT: st = apconn__map_view(m, v, &view); break;
    default: return APCONN_ERR_JSON_TYPE; /* an object row given a non-object */
    }
    if (st == APCONN_OK) memcpy(dst, &view, sizeof view);
    return st;
}

/* Appends "[i]" to err->field. */
static void apconn__error_index(apconn_error *err, long i) {
    char tmp[APCONN__DEC_SIZE], *p = apconn__dec((uint64_t)i, tmp + sizeof tmp);
    apconn__error_field(err, "[", 1);
    apconn__error_field(err, p, (size_t)(tmp + sizeof tmp - p));
    apconn__error_field(err, "]", 1);
}

/* "data[i]" into err->field: the page item an error is about. */
static void apconn__error_item(apconn_error *err, long item) {
    if (item < 0) return; /* every caller checked err */
    apconn__error_field(err, "data", 4);
    apconn__error_index(err, item);
}

/* Names the failing field ("data[2].owner.email", "projectIds[3]") and the
   byte offset of the token it is about. */
static apconn_status apconn__map_fail(const apconn__map *m, const apconn__frame *st, unsigned depth,
                                      const apconn__field *f, apconn_status status) {
    unsigned i;
    if (m->err) {
        m->err->field[0] = '\0';
        apconn__error_item(m->err, m->item);
        if (m->item >= 0) apconn__error_field(m->err, ".", 1);
        for (i = 1; i <= depth; i++) {
            APCONN__ROW_AT(p, st[i].parent);
            apconn__error_field(m->err, p->key, p->key_len);
            apconn__error_field(m->err, ".", 1);
        }
        {
            APCONN__ROW_AT(r, f);
            apconn__error_field(m->err, r->key, r->key_len);
        }
        if (m->index >= 0) apconn__error_index(m->err, m->index);
    }
    return apconn__error_set(m->err, status, (size_t)m->t[m->bad].start);
}

static void apconn__frame_init(apconn__frame *f, const apconn__map *m, unsigned table, char *base, int tok,
                               const apconn__field *parent) {
    f->rows = apconn__tables[table].rows;
    f->count = apconn__tables[table].count;
    f->parent = parent;
    f->base = base;
    f->tok = tok;
    apconn__members_init(&f->it, m->t, tok);
    f->seen = 0;
    f->hint = 0;
}

static int apconn__row_is(const apconn__map *m, const apconn__field *row, int key, size_t len) {
    APCONN__ROW_AT(r, row);
    return r->key_len == len && memcmp(r->key, m->json + m->t[key].start, len) == 0;
}

/* The row of key token `key`: first the row after the last match (servers
   send the keys in one order), then all of them. */
static const apconn__field *apconn__find_row(const apconn__map *m, apconn__frame *f, int key) {
    size_t len = (size_t)(m->t[key].end - m->t[key].start);
    unsigned i = f->hint;
    if (i >= f->count || !apconn__row_is(m, &f->rows[i], key, len))
        for (i = 0; i < f->count && !apconn__row_is(m, &f->rows[i], key, len); i++) {}
    if (i >= f->count) return NULL;
    f->hint = (unsigned char)(i + 1);
    return &f->rows[i];
}

static const apconn__field *apconn__missing_row(const apconn__frame *f) {
    unsigned i;
    for (i = 0; i < f->count; i++)
        if ((APCONN_READ_BYTE(&f->rows[i].kind) & APCONN__F_REQUIRED) && !(f->seen & (1ul << i))) return &f->rows[i];
    return NULL;
}

/* Maps the object at token `tok` into base through `table`. Unknown keys
   (and their whole subtrees) are skipped; nesting uses a frame stack. */
static apconn_status apconn__map_object(apconn__map *m, unsigned table, char *base, int tok) {
    apconn__frame st[APCONN__MAP_DEPTH];
    unsigned depth = 0;
    apconn__frame_init(&st[0], m, table, base, tok, NULL);
    for (;;) {
        apconn__frame *f = &st[depth];
        const apconn__field *row;
        int key = apconn__members_next(&f->it, m->t), v = key + 1;
        apconn_status status;
        if (key < 0) {
            m->bad = f->tok; m->index = -1;
            if ((row = apconn__missing_row(f)) != NULL) return apconn__map_fail(m, st, depth, row, APCONN_ERR_JSON_MISSING);
            if (depth-- == 0) return APCONN_OK;
            continue;
        }
        row = apconn__find_row(m, f, key);
        m->bad = key; m->index = -1;
        if (!row) continue;
        if (f->seen & (1ul << (row - f->rows))) return apconn__map_fail(m, st, depth, row, APCONN_ERR_JSON_DUPLICATE);
        f->seen |= 1ul << (row - f->rows);
        {
            APCONN__ROW_AT(r, row); /* row stays the table's address: map_fail and frames take that */
            if ((r->kind & APCONN__F_KIND) == APCONN__F_OBJECT && m->t[v].type == JSMN_OBJECT && depth + 1 < APCONN__MAP_DEPTH) { /* GCOVR_EXCL_BR_LINE: no owner row is an object; the depth test keeps st[] in bounds if one is added */
                apconn__presence(r, f->base, APCONN_SET);
                apconn__frame_init(&st[depth + 1], m, r->aux, f->base + r->offset, v, row);
                depth++;
                continue;
            }
            status = apconn__map_value(m, r, f->base, v);
        }
        if (status != APCONN_OK) return apconn__map_fail(m, st, depth, row, status);
    }
}

static void apconn__map_init(apconn__map *m, const char *json, char *views, const apconn_token *tokens,
                             apconn_error *err, long item) {
    m->json = json;
    m->views = views;
    m->t = (const jsmntok_t *)(const void *)tokens;
    m->err = err;
    m->item = item;
    m->index = -1;
    m->bad = 0;
    m->escaped = 1;
}

/* jsmn over text the validator already accepted: only the token count can fail. */
static apconn_status apconn__jsmn(const char *json, size_t len, apconn_token *tokens, size_t count, apconn_error *err) {
    jsmn_parser p;
    int n;
    jsmn_init(&p);
    n = jsmn_parse(&p, json, len, (jsmntok_t *)(void *)tokens, count > UINT_MAX ? UINT_MAX : (unsigned)count);
    if (n == JSMN_ERROR_NOMEM) return apconn__error_set(err, APCONN_ERR_JSON_TOKENS, p.pos);
    return n < 1 ? apconn__error_set(err, APCONN_ERR_JSON_SYNTAX, p.pos) : APCONN_OK; /* GCOVR_EXCL_BR_LINE: jsmn never fails on validated text; kept so a disagreement is an error, not a walk over unfilled tokens */
}

#if !defined(APCONN_NO_ERROR_DETAILS) || !defined(APCONN_NO_VALUE_JSON)
/* Strict validation, then jsmn into the caller's tokens. */
static apconn_status apconn__tokenize(const char *json, size_t len, apconn_token *tokens, size_t count,
                                      apconn_error *err) {
    size_t off;
    apconn_status st;
    if (!json || !tokens || len >= (size_t)INT_MAX) return apconn__error_set(err, APCONN_ERR_ARGUMENT, 0);
    st = apconn_json_validate_at(json, len, &off);
    if (st != APCONN_OK) return apconn__error_set(err, st, off);
    return apconn__jsmn(json, len, tokens, count, err);
}
#endif

/* One validated object (a page item, or a whole connection) into views:
   jsmn, then the connection table. `item` names it in errors ("data[2]"). */
static apconn_status apconn__map_connection(char *json, size_t len, apconn_token *tokens, size_t count,
                                            apconn_connection *out, apconn_error *err, long item, int escaped) {
    apconn__map m;
    apconn_status st = apconn__jsmn(json, len, tokens, count, err);
    if (st != APCONN_OK) return st; /* GCOVR_EXCL_BR_LINE: the stream checked the token count first; kept as in apconn__jsmn */
    apconn__map_init(&m, json, json, tokens, err, item);
    m.escaped = escaped;
    return apconn__map_object(&m, APCONN__TABLE_CONNECTION, (char *)out, 0); /* the stream passes objects only */
}

APCONN_API const char *apconn_ids_next(const apconn_ids *ids, const char *id) {
    const char *p;
    if (!ids || !id || !ids->apconn__end) return NULL;
    /* past the id's NUL and its zeroed tail, the separators, to the next opening quote */
    for (p = id + strlen(id); p < ids->apconn__end && *p != '"'; p++) {}
    return p < ids->apconn__end ? p + 1 : NULL;
}

/* ---- error bodies: {"code", "params"} or Fastify's {"statusCode", "error", "message"} ---- */
#ifndef APCONN_NO_ERROR_DETAILS

/* Value token of `name` in the object at `obj`, or -1. */
static int apconn__member(const apconn__map *m, int obj, const char *name) {
    apconn__members it;
    int key;
    apconn__members_init(&it, m->t, obj);
    while ((key = apconn__members_next(&it, m->t)) >= 0)
        if (apconn__eq(m->json + m->t[key].start, (size_t)(m->t[key].end - m->t[key].start), name)) return key + 1;
    return -1;
}

static int apconn__is(const apconn__map *m, int tok, jsmntype_t type) { return tok >= 0 && m->t[tok].type == type; }

/* The string token tok (server text) decoded into a fixed field, cut at a
   code point boundary when it does not fit: returns 1 when it was cut. */
static unsigned char apconn__copy_text(const apconn__map *m, int tok, char *dst, size_t size) {
    apconn__out k;
    apconn__out_init(&k, dst, size);
    dst[0] = '\0';
    return (unsigned char)(apconn__map_text(m, tok, &k) != APCONN_OK);
}

/* No message in params: renders its scalar members as "k=v k=v", e.g.
   "entityType=AppConnection entityId=Ab..." (a 404 on DELETE). */
static void apconn__render_params(const apconn__map *m, int obj, apconn_error *err) {
    apconn__members it;
    int key;
    apconn_status st = APCONN_OK;
    apconn__out k;
    apconn__out_init(&k, err->message, sizeof err->message);
    apconn__members_init(&it, m->t, obj);
    while (st == APCONN_OK && (key = apconn__members_next(&it, m->t)) >= 0) {
        const jsmntok_t *t = &m->t[key + 1];
        if (t->type == JSMN_STRING || t->type == JSMN_PRIMITIVE) {
            if (k.len) st = apconn__out_put_or_full(&k, " ", 1);
            if (st == APCONN_OK) st = apconn__map_text(m, key, &k);
            if (st == APCONN_OK) st = apconn__out_put_or_full(&k, "=", 1);
            if (st == APCONN_OK)
                st = t->type == JSMN_STRING ? apconn__map_text(m, key + 1, &k)
                                            : apconn__out_put_or_full(&k, m->json + t->start, (size_t)(t->end - t->start));
        }
    }
    apconn__out_end(&k);
    err->message_truncated = st != APCONN_OK;
}

/* Activepieces: {"code", "params": {message | error | anything}}.
   Fastify: {"statusCode": n, "code"?, "error", "message"}; no code: error names it.
   Writes err->code, err->message and their *_truncated flags, and only on
   success: the caller cleared err (apconn_parse_error_body, or the API calls,
   which keep err->http_status). */
static apconn_status apconn__error_body(const char *json, size_t len, apconn_token *tokens, size_t token_count,
                                        apconn_error *err) {
    apconn__map m;
    int code, params, msg, reason;
    apconn_status st = apconn__tokenize(json, len, tokens, token_count, NULL);
    if (st == APCONN_ERR_JSON_TOKENS || st == APCONN_ERR_ARGUMENT) return st;
    apconn__map_init(&m, json, NULL, tokens, NULL, -1);
    if (st != APCONN_OK || m.t[0].type != JSMN_OBJECT) return APCONN_ERR_UNEXPECTED_RESPONSE;
    code = apconn__member(&m, 0, "code");
    params = apconn__member(&m, 0, "params");
    if (apconn__is(&m, code, JSMN_STRING) && apconn__is(&m, params, JSMN_OBJECT)) {
        msg = apconn__member(&m, params, "message");
        if (!apconn__is(&m, msg, JSMN_STRING)) msg = apconn__member(&m, params, "error");
    } else {
        int sc = apconn__member(&m, 0, "statusCode");
        char c = sc >= 0 ? json[m.t[sc].start] : 'x';
        reason = apconn__member(&m, 0, "error");
        msg = apconn__member(&m, 0, "message");
        params = -1;
        if (!apconn__is(&m, code, JSMN_STRING)) code = reason;
        if (!apconn__is(&m, msg, JSMN_STRING)) msg = reason;
        if (!apconn__is(&m, sc, JSMN_PRIMITIVE) || !apconn__is_digit(c) || !apconn__is(&m, msg, JSMN_STRING))
            return APCONN_ERR_UNEXPECTED_RESPONSE;
    }
    if (apconn__is(&m, code, JSMN_STRING)) err->code_truncated = apconn__copy_text(&m, code, err->code, sizeof err->code);
    if (apconn__is(&m, msg, JSMN_STRING))
        err->message_truncated = apconn__copy_text(&m, msg, err->message, sizeof err->message);
    else
        apconn__render_params(&m, params, err);
    return APCONN_OK;
}

APCONN_API apconn_status apconn_parse_error_body(const char *json, size_t len, apconn_token *tokens,
                                                 size_t token_count, apconn_error *err) {
    apconn_status st = apconn__error_begin(err, err != NULL);
    if (st != APCONN_OK) return st;
    return apconn__error_set(err, apconn__error_body(json, len, tokens, token_count, err), err->offset);
}
#endif /* APCONN_NO_ERROR_DETAILS */

/* ----- 4.5 HTTP/1.1: request head, response parser, exchange --------------- */
/* The work buffer during one call: "Work buffer" in section 2 (the streamed
   success of the API calls: section 4.6). */
/* Bytes that may never reach a request line or header: CTL, SP and DEL
   (RFC 9112 §3, §5: a CR or LF would end the line and let the rest pose as a
   header of its own). */
static int apconn__http_unsafe(unsigned char ch) { return ch <= 0x20 || ch == 0x7f; }
static int apconn__http_has_unsafe(const char *s) {
    while (*s && !apconn__http_unsafe((unsigned char)*s)) s++;
    return *s != '\0';
}
/* The bearer credential must be a b64token (RFC 6750 §2.1):
   1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". Both API keys
   (sk-...) and user JWTs fit; anything else (space, quote, non-ASCII, a control
   byte) is refused rather than sent. */
static int apconn__http_is_b64token(const char *s) {
    const char *p = s;
    while (*p && (apconn__is_alnum((unsigned char)*p) || strchr("-._~+/", *p))) p++;
    if (p == s) return 0;
    while (*p == '=') p++;
    return *p == '\0';
}
/* Case-insensitive: length of `prefix` when `s` (n bytes) starts with it, else 0. */
static size_t apconn__http_prefix(const char *s, size_t n, const char *prefix) {
    size_t i = 0;
    for (; prefix[i]; i++)
        if (i >= n || apconn__lower((unsigned char)s[i]) != (unsigned char)prefix[i]) return 0;
    return i;
}
static int apconn__http_ieq(const char *s, size_t n, const char *word) {
    return apconn__http_prefix(s, n, word) == n && word[n] == '\0';
}

/* ----- base URL (RFC 3986 §3; only what a server address needs) ------------ */
/* 1 to 5 digits, 1..65535 (RFC 3986 §3.2.3 allows any digits; the limits are ours). */
static int apconn__http_parse_port(const char *s, size_t n, uint16_t *port) {
    unsigned long v;
    if (n == 0 || n > 5 || apconn__decimal(s, n, 65535u, &v) < n || v == 0 || v > 65535u) return 0;
    *port = (uint16_t)v;
    return 1;
}

/* Host: a bracketed IPv6 literal (hex digits, ':' and '.'), or a reg-name /
   IPv4 address made of letters, digits, '-' and '.'. Stored without brackets. */
static size_t apconn__http_parse_host(apconn_client *c, const char *s, size_t n) {
    size_t i = 0, skip = 0, len;
    if (n && s[0] == '[') {
        for (i = 1; i < n && s[i] != ']'; i++)
            if (apconn__hex_digit((unsigned char)s[i]) < 0 && s[i] != ':' && s[i] != '.') return 0;
        if (i >= n || !memchr(s, ':', i)) return 0;
        skip = 1;
    } else {
        while (i < n && (apconn__is_alnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '.')) i++;
    }
    len = i - skip;
    if (len == 0 || len >= sizeof c->host) return 0;
    memcpy(c->host, s + skip, len);
    c->host[len] = '\0';
    return i + skip;
}

/* A URI is ASCII (RFC 3986 §2): other bytes must arrive percent-encoded.
   Raw, they would reach the request line as they are (and the Host header
   has no room for an IDN: that needs its A-label, "xn--..."). */
static int apconn__http_has_non_ascii(const char *s) {
    while (*s && (unsigned char)*s < 0x80) s++;
    return *s != '\0';
}

/* The scheme's port (RFC 9110 §4.2): the URL may omit it, and the Host header then does too. */
static uint16_t apconn__http_default_port(const apconn_client *c) { return (uint16_t)(c->https ? 443u : 80u); }

static apconn_status apconn__http_parse_url(apconn_client *c, const char *url) {
    size_t n = strlen(url), at, auth_len, host_len;
    const char *auth, *path;
    if (apconn__http_has_non_ascii(url)) return APCONN_ERR_URL;
    if ((at = apconn__http_prefix(url, n, "https://")) != 0) c->https = 1;
    else if ((at = apconn__http_prefix(url, n, "http://")) == 0) return APCONN_ERR_URL;
    auth = url + at;
    auth_len = strcspn(auth, "/");
    path = auth + auth_len;
    /* no userinfo (it would put a credential in a URL), no query, no fragment */
    if (memchr(auth, '@', auth_len) || strpbrk(auth, "?#")) return APCONN_ERR_URL;
    host_len = apconn__http_parse_host(c, auth, auth_len);
    if (host_len == 0) return APCONN_ERR_URL;
    c->port = apconn__http_default_port(c);
    if (host_len < auth_len && (auth[host_len] != ':' ||
                                !apconn__http_parse_port(auth + host_len + 1, auth_len - host_len - 1, &c->port)))
        return APCONN_ERR_URL;
    n = strlen(path);
    while (n && path[n - 1] == '/') n--; /* the API paths bring their own '/' */
    if (n >= sizeof c->base_path) return APCONN_ERR_URL;
    memcpy(c->base_path, path, n);
    c->base_path[n] = '\0';
    return APCONN_OK;
}

/* 127.0.0.0/8 as a strict dotted quad: 4 decimal octets <= 255 without
   leading zeros. Anything else ("127.0.0.08") is no IPv4 literal to
   getaddrinfo (inet_aton reads 0-prefixed octets as octal) and goes to DNS. */
static int apconn__http_is_ipv4_loopback(const char *h) {
    unsigned parts = 0;
    unsigned long v;
    size_t digits;
    for (;;) {
        const char *octet = h;
        digits = apconn__decimal(h, 4, 255u, &v); /* stops at the NUL */
        h += digits;
        if (digits == 0 || digits > 3 || v > 255u || (parts == 0 && v != 127u)) return 0;
        if (digits > 1 && *octet == '0') return 0;
        if (++parts == 4) return *h == '\0';
        if (*h++ != '.') return 0;
    }
}
static int apconn__http_is_loopback(const char *h) {
    return apconn__http_ieq(h, strlen(h), "localhost") || apconn__streq(h, "::1") || apconn__http_is_ipv4_loopback(h);
}

static apconn_status apconn__client_setup(apconn_client *c, const char *base_url, const char *api_key,
                                          const apconn_transport *transport, void *work, size_t work_size,
                                          apconn_token *tokens, size_t token_count) {
    apconn_status st;
    if (!c) return APCONN_ERR_ARGUMENT;
    memset(c, 0, sizeof *c);
    if (!base_url || !api_key || !transport || !transport->send || !transport->recv || !transport->now_ms ||
        !work || work_size < 2 || work_size > (size_t)INT_MAX || !tokens || token_count == 0) /* int token offsets */
        return APCONN_ERR_ARGUMENT;
    if (!*api_key) return APCONN_ERR_REQUIRED;
    if (!apconn__http_is_b64token(api_key) || apconn__http_has_unsafe(base_url)) return APCONN_ERR_UNSAFE_CHAR;
    st = apconn__http_parse_url(c, base_url);
    if (st != APCONN_OK) return st;
    /* Plain http sends the key in clear: only to this machine. A TLS transport
       under an http:// URL (or the reverse) means the caller mixed two setups. */
    if (!c->https && !apconn__http_is_loopback(c->host)) return APCONN_ERR_INSECURE;
    if (c->https && !transport->secure) return APCONN_ERR_INSECURE;
    if (!c->https && transport->secure) return APCONN_ERR_ARGUMENT;
    c->transport = transport;
    c->api_key = api_key;
    c->work = (unsigned char *)work;
    c->work_size = work_size;
    c->tokens = tokens;
    c->token_count = token_count;
    c->timeout_ms = APCONN_DEFAULT_TIMEOUT_MS;
    c->max_retries = APCONN_DEFAULT_MAX_RETRIES;
    return APCONN_OK;
}

APCONN_API apconn_status apconn_client_init(apconn_client *c, const char *base_url, const char *api_key,
                                            const apconn_transport *transport, void *work, size_t work_size,
                                            apconn_token *tokens, size_t token_count, apconn_error *err) {
    apconn__error_begin(err, 1);
    return apconn__error_set(err, apconn__client_setup(c, base_url, api_key, transport, work, work_size, tokens,
                                                       token_count), 0);
}

static void apconn__http_disconnect(apconn_client *c) {
    if (c->transport->close) c->transport->close(c->transport->ctx);
    c->apconn__connected = 0;
    c->apconn__body_open = 0;
}

/* Every use of the work buffer or the tokens moves the client's call counter:
   a page mapped from them earlier then answers APCONN_ERR_PAGE_STALE instead
   of reading bytes that now belong to something else. Call it before the
   first byte is written. */
static void apconn__claim_work(apconn_client *c) {
    c->apconn__calls++;
    /* the rest of an abandoned streamed body must never be read as the next
       response: the connection goes with it */
    if (c->apconn__body_open) apconn__http_disconnect(c);
}

APCONN_API void apconn_client_close(apconn_client *c) {
    if (!c || !c->transport) return;
    if (c->apconn__connected) apconn__http_disconnect(c);
    apconn_wipe(c->work, c->work_size);
    apconn__claim_work(c);
}

/* ----- request head (RFC 9112 §3, RFC 9110 §7.2 Host) ----------------------- */
static void apconn__http_write_head(apconn__out *o, const apconn_client *c, const char *method, const char *path,
                                    const char *query, const char *body, size_t body_len) {
    int v6 = strchr(c->host, ':') != NULL;
    apconn__out_str(o, method);
    apconn__out_str(o, " ");
    apconn__out_str(o, c->base_path);
    apconn__out_str(o, path);
    if (query && *query) {
        apconn__out_str(o, "?");
        apconn__out_str(o, query);
    }
    apconn__out_str(o, v6 ? " HTTP/1.1\r\nHost: [" : " HTTP/1.1\r\nHost: ");
    apconn__out_str(o, c->host);
    if (v6) apconn__out_str(o, "]");
    if (c->port != apconn__http_default_port(c)) {
        apconn__out_str(o, ":");
        apconn__out_num(o, "", c->port);
    }
    apconn__out_str(o, "\r\nAuthorization: Bearer ");
    apconn__out_str(o, c->api_key);
    apconn__out_str(o, "\r\nAccept: application/json\r\nUser-Agent: apconn/" APCONN_VERSION_STRING "\r\n");
    if (body) { /* GET/DELETE must not claim a JSON body: the server answers 400 FST_ERR_CTP_EMPTY_JSON_BODY */
        apconn__out_str(o, "Content-Type: application/json\r\nContent-Length: ");
        apconn__out_num(o, "", (uint64_t)body_len);
        apconn__out_str(o, "\r\n");
    }
    apconn__out_str(o, "Connection: keep-alive\r\n\r\n");
}

/* Everything that goes into the head is checked before a byte is sent. */
static apconn_status apconn__http_check_request(const apconn_client *c, const char *method, const char *path,
                                                const char *query) {
    const char *m = method;
    while (*m >= 'A' && *m <= 'Z') m++;
    if (*m || m == method || path[0] != '/') return APCONN_ERR_ARGUMENT;
    if (apconn__http_has_unsafe(path) || !apconn__http_is_b64token(c->api_key) ||
        (query && (apconn__http_has_unsafe(query) || strchr(query, '#'))))
        return APCONN_ERR_UNSAFE_CHAR;
    return APCONN_OK;
}

/* ----- response parser: a state machine over bytes (RFC 9112 §4-§7) --------- */
enum {
    APCONN__HS_STATUS,      /* status line, kept in buf[0..line) */
    APCONN__HS_HEADER,      /* header lines, one at a time in buf[0..line) */
    APCONN__HS_LENGTH,      /* body of Content-Length bytes */
    APCONN__HS_CLOSE,       /* body until EOF */
    APCONN__HS_CHUNK_SIZE,  /* chunk-size [ chunk-ext ] CRLF */
    APCONN__HS_CHUNK_DATA,  /* chunk-data */
    APCONN__HS_CHUNK_END,   /* CRLF after chunk-data */
    APCONN__HS_TRAILER,     /* trailer-section CRLF */
    APCONN__HS_DONE
};


static void apconn__http_parser_reset_head(apconn__http_parser *p) {
    p->state = APCONN__HS_STATUS;
    p->status = 0;
    p->has_length = p->chunked = p->is_json = p->close = p->keep_alive = p->has_retry_after = 0;
    p->length = 0;
}

/* status-line = HTTP-version SP status-code SP [ reason-phrase ]  (RFC 9112 §4) */
static apconn_status apconn__http_parse_status_line(apconn__http_parser *p, size_t len) {
    const unsigned char *s = p->buf;
    size_t i;
    if (len < 12 || (s[7] != '0' && s[7] != '1') || s[8] != ' ' || (len > 12 && s[12] != ' '))
        return APCONN_ERR_HTTP_STATUS_LINE;
    for (i = 9; i < 12; i++)
        if (!apconn__is_digit(s[i])) return APCONN_ERR_HTTP_STATUS_LINE;
    for (i = 13; i < len; i++)
        if (apconn__http_unsafe(s[i]) && !APCONN__IS_OWS(s[i])) return APCONN_ERR_HTTP_STATUS_LINE;
    p->minor = (unsigned char)(s[7] - '0');
    p->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
    if (p->status < 100 || p->status > 599) return APCONN_ERR_HTTP_STATUS_LINE;
    p->state = APCONN__HS_HEADER;
    /* a success the caller reads as a stream: its body may be any size */
    p->stream = (unsigned char)(p->stream_status && p->status >= 200 && p->status < 300);
    return APCONN_OK;
}

/* One element of a comma-separated list (RFC 9110 §5.6.1), OWS trimmed, at
   v[*at..*at+*len). Empty elements are returned too (as length 0). */
static int apconn__http_list_item(const char *v, size_t n, size_t *i, size_t *at, size_t *len) {
    size_t end;
    if (*i > n) return 0;
    while (*i < n && APCONN__IS_OWS(v[*i])) ++*i;
    *at = *i;
    while (*i < n && v[*i] != ',') ++*i;
    for (end = *i; end > *at && APCONN__IS_OWS(v[end - 1]);) end--;
    *len = end - *at;
    ++*i; /* past the comma; past n after the last element */
    return 1;
}

/* Content-Length = 1*DIGIT; a repeated header or a comma list must repeat the
   same value (RFC 9110 §8.6), else the framing is ambiguous. */
static apconn_status apconn__http_content_length(apconn__http_parser *p, const char *v, size_t n) {
    size_t i = 0, at, len;
    unsigned long value;
    while (apconn__http_list_item(v, n, &i, &at, &len)) {
        if (len == 0 || apconn__decimal(v + at, len, ((unsigned long)-1 - 9u) / 10u, &value) < len ||
            value == (unsigned long)-1 || (p->has_length && value != p->length))
            return APCONN_ERR_HTTP_LENGTH;
        p->has_length = 1;
        p->length = value;
    }
    return APCONN_OK; /* checked against the buffer once the head says a body follows */
}

/* Connection = #connection-option (RFC 9110 §7.6.1); only close / keep-alive matter. */
static apconn_status apconn__http_connection(apconn__http_parser *p, const char *v, size_t n) {
    size_t i = 0, at, len;
    while (apconn__http_list_item(v, n, &i, &at, &len)) {
        if (apconn__http_ieq(v + at, len, "close")) p->close = 1;
        if (apconn__http_ieq(v + at, len, "keep-alive")) p->keep_alive = 1;
    }
    return APCONN_OK;
}

/* Transfer-Encoding: only "chunked", once (RFC 9112 §6.1): no other coding is decoded here. */
static apconn_status apconn__http_transfer_encoding(apconn__http_parser *p, const char *v, size_t n) {
    if (p->chunked || !apconn__http_ieq(v, n, "chunked")) return APCONN_ERR_HTTP_UNSUPPORTED;
    p->chunked = 1;
    return APCONN_OK;
}

/* Content-Type: application/json, with or without parameters. */
static apconn_status apconn__http_content_type(apconn__http_parser *p, const char *v, size_t n) {
    size_t j = apconn__http_prefix(v, n, "application/json");
    p->is_json = j && (j == n || v[j] == ';' || APCONN__IS_OWS(v[j]));
    return APCONN_OK;
}

/* Retry-After = HTTP-date / delay-seconds (RFC 9110 §10.2.3). Only
   delay-seconds are used; an HTTP-date is ignored (backoff applies), since a
   device clock cannot be trusted to compare dates. */
#define APCONN__RETRY_AFTER_MAX_S (APCONN_MAX_RETRY_AFTER_MS / 1000u) /* seconds; larger is clamped */
#ifndef APCONN_NO_RETRIES
static apconn_status apconn__http_retry_after(apconn__http_parser *p, const char *v, size_t n) {
    unsigned long s;
    if (apconn__decimal(v, n, APCONN__RETRY_AFTER_MAX_S, &s) < n) return APCONN_OK; /* past the max: clamped anyway */
    p->has_retry_after = n > 0;
    p->retry_after_s = s;
    return APCONN_OK;
}
#endif

/* The headers apconn reads: each name (lower case) with its handler, in one
   row, so the two cannot drift apart. Any other header is ignored. */
static const struct {
    const char *name;
    apconn_status (*handle)(apconn__http_parser *p, const char *v, size_t n);
} apconn__http_headers[] = {
    {"content-length", apconn__http_content_length},
    {"transfer-encoding", apconn__http_transfer_encoding},
    {"content-type", apconn__http_content_type},
    {"connection", apconn__http_connection},
#ifndef APCONN_NO_RETRIES
    {"retry-after", apconn__http_retry_after}, /* only a retry waits for it */
#endif
};

/* field-line = field-name ":" OWS field-value OWS (RFC 9112 §5). No obs-fold
   (§5.2) and no whitespace before the colon (§5.1): both are rejected. */
static apconn_status apconn__http_parse_header(apconn__http_parser *p, size_t len) {
    const char *s = (const char *)p->buf;
    size_t name = 0, i;
    unsigned k;
    while (name < len && (apconn__is_alnum((unsigned char)s[name]) ||
                          (s[name] && strchr("!#$%&'*+-.^_`|~", s[name])))) /* strchr finds the NUL too */
        name++;
    if (name == 0 || name >= len || s[name] != ':') return APCONN_ERR_HTTP_HEADER;
    for (i = name + 1; i < len; i++)
        if (apconn__http_unsafe((unsigned char)s[i]) && !APCONN__IS_OWS(s[i])) return APCONN_ERR_HTTP_HEADER;
    for (i = name + 1; i < len && APCONN__IS_OWS(s[i]);) i++;
    while (len > i && APCONN__IS_OWS(s[len - 1])) len--;
    for (k = 0; k < sizeof apconn__http_headers / sizeof apconn__http_headers[0]; k++)
        if (apconn__http_ieq(s, name, apconn__http_headers[k].name)) return apconn__http_headers[k].handle(p, s + i, len - i);
    return APCONN_OK;
}

/* The empty line: choose how the body is delimited (RFC 9112 §6.3). */
static apconn_status apconn__http_head_done(apconn__http_parser *p) {
    if (p->status < 200) { /* interim 1xx: another head follows (RFC 9110 §15.2) */
        apconn__http_parser_reset_head(p);
        return APCONN_OK;
    }
    /* HTTP/1.0 closes by default, and always after Transfer-Encoding (RFC 9112 §6.1) */
    if (p->minor == 0 && (!p->keep_alive || p->chunked)) p->close = 1;
    p->out = 0;
    p->state = APCONN__HS_DONE;
    if (p->head_request || p->status == 204 || p->status == 304) return APCONN_OK;
    if (p->has_length && p->chunked) return APCONN_ERR_HTTP_FRAMING; /* request smuggling shape */
    if (p->chunked) p->state = APCONN__HS_CHUNK_SIZE;
    else if (p->has_length && p->length) p->state = APCONN__HS_LENGTH;
    else if (!p->has_length) p->state = APCONN__HS_CLOSE;
    p->remaining = p->length;
    if (p->state == APCONN__HS_CLOSE) p->close = 1;
    return p->state == APCONN__HS_LENGTH && !p->stream && p->length > p->cap - 1 ? APCONN_ERR_HTTP_BODY_TOO_LARGE
                                                                                  : APCONN_OK;
}

/* Every status line starts so: a response that does not fails at its first
   differing byte, not at a timeout. */
#define APCONN__HTTP_PREFIX "HTTP/1."
#define APCONN__HTTP_PREFIX_LEN (sizeof APCONN__HTTP_PREFIX - 1)
static apconn_status apconn__http_head_byte(apconn__http_parser *p, unsigned char b) {
    apconn_status bad = p->state == APCONN__HS_STATUS ? APCONN_ERR_HTTP_STATUS_LINE : APCONN_ERR_HTTP_HEADER;
    size_t len;
    if (++p->framing >= p->cap) return APCONN_ERR_HTTP_HEAD_TOO_LARGE;
    /* non-HTTP bytes fail at the first byte that differs, not at a timeout */
    if (p->state == APCONN__HS_STATUS && p->line < APCONN__HTTP_PREFIX_LEN && b != (unsigned char)APCONN__HTTP_PREFIX[p->line])
        return bad;
    if (b != '\n') {
        p->buf[p->line++] = b;
        return APCONN_OK;
    }
    if (p->line == 0 || p->buf[p->line - 1] != '\r') return bad; /* lines end in CRLF */
    len = p->line - 1;
    p->line = 0;
    if (p->state == APCONN__HS_STATUS) return apconn__http_parse_status_line(p, len);
    return len ? apconn__http_parse_header(p, len) : apconn__http_head_done(p);
}


/* chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF; last-chunk = "0" ...;
   trailer fields are read and dropped (RFC 9112 §7.1). */
static apconn_status apconn__http_chunk_line_end(apconn__http_parser *p) {
    p->cr = 0;
    if (p->state == APCONN__HS_CHUNK_END) {
        p->state = APCONN__HS_CHUNK_SIZE;
    } else if (p->state == APCONN__HS_TRAILER) {
        if (p->digits == 0) p->state = APCONN__HS_DONE; /* empty line: end of message */
        p->digits = 0;
    } else {
        if (p->digits == 0) return APCONN_ERR_HTTP_CHUNK;
        if (!p->stream && p->remaining > p->cap - 1 - p->out) return APCONN_ERR_HTTP_BODY_TOO_LARGE;
        p->state = p->remaining ? APCONN__HS_CHUNK_DATA : APCONN__HS_TRAILER;
        p->digits = p->in_ext = 0;
        /* Framing is consumed in place, so only the de-chunked body must fit.
           Each chunk line (with the CRLF before it) and the whole trailer
           section get their own budget of cap bytes: every chunk but the last
           carries >= 1 body byte, so the total is bounded, and the deadline
           bounds a trickle. */
        p->framing = 0;
    }
    return APCONN_OK;
}

static apconn_status apconn__http_chunk_byte(apconn__http_parser *p, unsigned char b) {
    int h = apconn__hex_digit(b); /* the JSON reader's: same digits, either case */
    if (++p->framing >= p->cap) return APCONN_ERR_HTTP_CHUNK;
    if (p->cr) return b == '\n' ? apconn__http_chunk_line_end(p) : APCONN_ERR_HTTP_CHUNK;
    if (b == '\r') return (p->cr = 1), APCONN_OK;
    if (p->state == APCONN__HS_CHUNK_END || b == '\n') return APCONN_ERR_HTTP_CHUNK; /* bare LF too */
    if (p->state == APCONN__HS_TRAILER) return (p->digits = 1), APCONN_OK; /* inside a trailer line */
    if (p->in_ext == 2) return APCONN_OK; /* chunk extensions carry nothing apconn uses */
    if (h < 0 || p->in_ext) { /* after the size only BWS, then ';' or CRLF (RFC 9112 §7.1.1) */
        if (p->digits == 0 || (b != ';' && !APCONN__IS_OWS(b))) return APCONN_ERR_HTTP_CHUNK;
        p->in_ext = b == ';' ? 2 : 1;
        return APCONN_OK;
    }
    if (p->remaining > ((unsigned long)-1 >> 4)) return APCONN_ERR_HTTP_CHUNK; /* would overflow */
    p->remaining = (p->remaining << 4) | (unsigned long)h;
    p->digits = 1;
    return APCONN_OK;
}

static apconn_status apconn__http_byte(apconn__http_parser *p, unsigned char b) {
    p->received++;
    switch (p->state) {
    case APCONN__HS_STATUS:
    case APCONN__HS_HEADER: return apconn__http_head_byte(p, b);
    case APCONN__HS_CLOSE:
    case APCONN__HS_LENGTH:
    case APCONN__HS_CHUNK_DATA:
        /* Body bytes that fit are all taken by apconn__http_body_run; one
           reaching here found the buffer full (only a close-delimited body can:
           a length or chunk size was checked against the room when parsed). */
        return APCONN_ERR_HTTP_BODY_TOO_LARGE;
    default: return apconn__http_chunk_byte(p, b);
    }
}

/* The body fast path: a run of body bytes at buf[i..end) is moved to buf[out]
   in one memmove instead of one state-machine step per byte (the body is most
   of a response). A run stops where the part ends (Content-Length body, chunk
   data) or where the room ends (close-delimited body), so every limit is still
   met by the per-byte path at the next byte. Returns the bytes taken; 0 when
   buf[i] is not body (head, chunk framing) or finds no room. */
static size_t apconn__http_body_run(apconn__http_parser *p, size_t i, size_t end) {
    size_t n = end - i;
    unsigned long limit;
    /* the state test first: head and chunk-framing bytes pay nothing more */
    if (p->state != APCONN__HS_CLOSE && p->state != APCONN__HS_LENGTH && p->state != APCONN__HS_CHUNK_DATA) return 0;
    limit = p->state == APCONN__HS_CLOSE ? p->cap - 1 - p->out : p->remaining;
    if (n > limit) n = (size_t)limit;
    memmove(p->buf + p->out, p->buf + i, n); /* out <= i: the regions may overlap */
    p->out += n;
    p->received += n;
    if (p->state != APCONN__HS_CLOSE && (p->remaining -= n) == 0)
        p->state = p->state == APCONN__HS_LENGTH ? APCONN__HS_DONE : APCONN__HS_CHUNK_END;
    return n;
}

/* The head fast path: the bytes of a header line (or of the status line past
   "HTTP/1.") up to its LF join the line in one move; the LF itself, and every
   check, stay with the per-byte path and the line parsers. The head budget
   is counted the same. Returns the bytes taken. */
static size_t apconn__http_head_run(apconn__http_parser *p, size_t i, size_t end) {
    const unsigned char *lf;
    size_t n;
    if (p->state > APCONN__HS_HEADER || (p->state == APCONN__HS_STATUS && p->line < APCONN__HTTP_PREFIX_LEN)) return 0;
    lf = (const unsigned char *)memchr(p->buf + i, '\n', end - i);
    n = (lf ? (size_t)(lf - p->buf) : end) - i;
    if (n >= p->cap - p->framing) n = 0; /* over the budget: the per-byte path says so */
    memmove(p->buf + p->line, p->buf + i, n); /* line <= i: the regions may overlap */
    p->line += n;
    p->framing += n;
    p->received += n;
    return n;
}

/* Feeds bytes that recv() put at buf[at..at+n). Every write goes to buf[line]
   or buf[out], never past the byte being read, so parsing in place is safe. */
static apconn_status apconn__http_feed(apconn__http_parser *p, size_t at, size_t n) {
    apconn_status st;
    size_t i = at, end = at + n, run;
    while (i < end && p->state != APCONN__HS_DONE) {
        run = apconn__http_body_run(p, i, end);
        if (run == 0) run = apconn__http_head_run(p, i, end);
        i += run;
        if (run == 0 && (st = apconn__http_byte(p, p->buf[i++])) != APCONN_OK) return st;
    }
    if (i < end) p->close = 1; /* bytes past the response: the stream is out of step */
    return APCONN_OK;
}

static apconn_status apconn__http_eof(apconn__http_parser *p) {
    if (p->state == APCONN__HS_CLOSE) { /* close-delimited body ends here (RFC 9112 §6.3 item 8) */
        p->state = APCONN__HS_DONE;
        return APCONN_OK;
    }
    return p->state >= APCONN__HS_LENGTH ? APCONN_ERR_HTTP_TRUNCATED : APCONN_ERR_CLOSED;
}

/* ----- deadline and transport ------------------------------------------------ */
/* Time left of the call, wrap-safe: unsigned subtraction measures the elapsed
   time correctly across a 2^32 wrap of now_ms. */
static apconn_status apconn__http_time_left(const apconn_client *c, uint32_t start, uint32_t *left) {
    uint32_t used = c->transport->now_ms(c->transport->ctx) - start;
    if (used >= c->timeout_ms) return APCONN_ERR_TIMEOUT;
    *left = c->timeout_ms - used;
    return APCONN_OK;
}

/* A WOULD_BLOCK that came back early: the deadline bounds the wait only while
   the clock moves, so APCONN_MAX_IDLE_POLLS in a row without progress are a
   timeout (a stubbed now_ms or a SysTick not started would spin forever). */
typedef struct apconn__http_idle {
    uint32_t now;
    unsigned polls;
} apconn__http_idle;
static apconn_status apconn__http_idle_poll(const apconn_client *c, apconn__http_idle *w) {
    uint32_t now = c->transport->now_ms(c->transport->ctx);
    if (now != w->now) w->polls = 0;
    w->now = now;
    return ++w->polls >= APCONN_MAX_IDLE_POLLS ? APCONN_ERR_TIMEOUT : APCONN_OK;
}

/* Status groups as lists, not numeric ranges: a status appended to the list
   later joins a group only when someone adds it here on purpose. */
static const signed char apconn__transport_statuses[] = {
    APCONN_ERR_TIMEOUT, APCONN_ERR_DNS, APCONN_ERR_CONNECT, APCONN_ERR_SEND,
    APCONN_ERR_RECV, APCONN_ERR_CLOSED, APCONN_ERR_TLS, APCONN_ERR_CERT};
static const signed char apconn__framing_statuses[] = {
    APCONN_ERR_HTTP_STATUS_LINE, APCONN_ERR_HTTP_HEADER, APCONN_ERR_HTTP_HEAD_TOO_LARGE,
    APCONN_ERR_HTTP_BODY_TOO_LARGE, APCONN_ERR_HTTP_LENGTH, APCONN_ERR_HTTP_CHUNK,
    APCONN_ERR_HTTP_FRAMING, APCONN_ERR_HTTP_TRUNCATED, APCONN_ERR_HTTP_UNSUPPORTED};
static int apconn__status_in(long st, const signed char *list, size_t n) {
    while (n-- > 0)
        if (list[n] == st) return 1;
    return 0;
}
#define APCONN__STATUS_IN(st, list) apconn__status_in((long)(st), list, sizeof list)

/* A transport's negative return passes through when it is a transport status. */
static apconn_status apconn__http_transport_error(long r, apconn_status fallback) {
    return APCONN__STATUS_IN(r, apconn__transport_statuses) ? (apconn_status)r : fallback;
}

/* A failed recv. APCONN_ERR_CLOSED is a connection that ended without an
   orderly close (TLS: no close_notify). Inside a body that is the body cut
   short, so the caller sees the same APCONN_ERR_HTTP_TRUNCATED as after EOF
   over plain TCP. A close-delimited body is truncated too, never complete:
   without close_notify its end cannot be told from an attacker's cut (RFC 8446
   §6.1, RFC 9112 §9.8). Before the body (no byte or part of the head) it stays
   APCONN_ERR_CLOSED: a connection problem, and the retry of a stale keep-alive
   connection depends on it. */
static apconn_status apconn__http_recv_error(const apconn__http_parser *p, long r) {
    if (r == APCONN_ERR_CLOSED && p->state >= APCONN__HS_LENGTH) return APCONN_ERR_HTTP_TRUNCATED;
    return apconn__http_transport_error(r, APCONN_ERR_RECV);
}

static apconn_status apconn__http_send_all(apconn_client *c, uint32_t start, const unsigned char *d, size_t n) {
    apconn__http_idle idle = {0, 0};
    apconn_status st;
    uint32_t left;
    long r;
    while (n > 0) {
        if ((st = apconn__http_time_left(c, start, &left)) != APCONN_OK) return st;
        r = c->transport->send(c->transport->ctx, d, n, left);
        if (r == APCONN_ERR_WOULD_BLOCK && (st = apconn__http_idle_poll(c, &idle)) != APCONN_OK) return st;
        if (r == APCONN_ERR_WOULD_BLOCK) continue;
        if (r <= 0 || (size_t)r > n) return apconn__http_transport_error(r, APCONN_ERR_SEND);
        d += r;
        n -= (size_t)r;
    }
    return APCONN_OK;
}

/* One read into buf[keep..cap-1), fed to the parser. With the buffer full,
   one byte is read into `probe`: EOF then ends a body that fits exactly, and
   a chunk's closing framing needs no room; any body byte is one too many. */
static apconn_status apconn__http_recv_some(apconn_client *c, uint32_t start, apconn__http_parser *p) {
    apconn__http_idle idle = {0, 0};
    apconn_status st;
    unsigned char probe;
    uint32_t left;
    size_t keep = p->state <= APCONN__HS_HEADER ? p->line : p->out, room = p->cap - 1 - keep;
    long r;
    for (;;) {
        if ((st = apconn__http_time_left(c, start, &left)) != APCONN_OK) return st;
        r = c->transport->recv(c->transport->ctx, room ? p->buf + keep : &probe, room ? room : 1u, left);
        if (r != APCONN_ERR_WOULD_BLOCK) break;
        if ((st = apconn__http_idle_poll(c, &idle)) != APCONN_OK) return st;
    }
    if (r < 0 || (size_t)r > (room ? room : 1u)) return apconn__http_recv_error(p, r);
    if (r == 0) return apconn__http_eof(p);
    return room ? apconn__http_feed(p, keep, (size_t)r) : apconn__http_byte(p, probe);
}

/* Reads until the response is complete, or, for a streamed body, until its
   head is: the body is then read on by the page (apconn__stream_fill). */
static apconn_status apconn__http_receive(apconn_client *c, uint32_t start, apconn__http_parser *p) {
    apconn_status st;
    while (p->state != APCONN__HS_DONE && !(p->stream && p->state > APCONN__HS_HEADER))
        if ((st = apconn__http_recv_some(c, start, p)) != APCONN_OK) return st;
    if (p->state == APCONN__HS_DONE) p->buf[p->out] = '\0';
    return APCONN_OK;
}

/* ----- one exchange, retries, keep-alive ------------------------------------- */
typedef struct apconn__http_call {
    const char *method, *path, *query, *body;
    size_t body_len;
    uint32_t start;
    unsigned char *area; /* head, then response */
    size_t cap;
    unsigned char reused, idempotent, stream;
} apconn__http_call;

/* An idle keep-alive connection has nothing to say: a byte there (a late
   duplicate, a desynced peer) would be read as the next response, and EOF or
   an error means it is gone. Anything but WOULD_BLOCK from a zero-timeout
   recv closes it (the probe byte is discarded with it) and a new connection
   is opened. Only a transport that can reconnect (connect != NULL) is probed. */
#ifndef APCONN_NO_KEEPALIVE_PROBE
static void apconn__http_probe_idle(apconn_client *c, apconn__http_call *k) {
    unsigned char b;
    if (!k->reused || !c->transport->connect) return;
    if (c->transport->recv(c->transport->ctx, &b, 1u, 0u) == APCONN_ERR_WOULD_BLOCK) return;
    apconn__http_disconnect(c);
    k->reused = 0;
}
#endif

static apconn_status apconn__http_attempt(apconn_client *c, apconn__http_call *k, apconn__http_parser *p) {
    apconn__out o;
    apconn_status st = APCONN_OK;
    uint32_t left;
    memset(p, 0, sizeof *p);
    p->buf = k->area;
    p->cap = k->cap;
    p->head_request = (unsigned char)apconn__streq(k->method, "HEAD");
    p->stream_status = k->stream;
    k->reused = c->apconn__connected; /* a connection carries a request from the moment it is marked */
#ifndef APCONN_NO_KEEPALIVE_PROBE
    apconn__http_probe_idle(c, k);
#endif
    if (!c->apconn__connected && c->transport->connect) {
        if ((st = apconn__http_time_left(c, k->start, &left)) != APCONN_OK) return st;
        st = (apconn_status)c->transport->connect(c->transport->ctx, c->host, c->port, left);
        if (st != APCONN_OK) {
            apconn__http_disconnect(c); /* the transport may hold half a connection */
            return apconn__http_transport_error(st, APCONN_ERR_CONNECT);
        }
    }
    c->apconn__connected = 1;
    apconn__out_init(&o, (char *)k->area, k->cap + 1); /* all of it: the head is sent by length, no NUL */
    apconn__http_write_head(&o, c, k->method, k->path, k->query, k->body, k->body_len);
    if (o.len > o.cap) st = APCONN_ERR_BUFFER_FULL;
    if (st == APCONN_OK) st = apconn__http_send_all(c, k->start, k->area, o.len);
    apconn_wipe(k->area, o.len < o.cap ? o.len : o.cap); /* the key leaves the buffer at once */
    if (st == APCONN_OK && k->body) st = apconn__http_send_all(c, k->start, (const unsigned char *)k->body, k->body_len);
    if (st == APCONN_OK) st = apconn__http_receive(c, k->start, p);
#ifdef APCONN_NO_KEEPALIVE_PROBE
    if (c->transport->connect) p->close = 1; /* no probe: a connection is never reused */
#endif
    /* a streamed body still on the wire keeps the connection until it is read */
    if (st != APCONN_OK || (p->close && p->state == APCONN__HS_DONE)) apconn__http_disconnect(c);
    return st;
}

#ifndef APCONN_NO_RETRIES
/* The retry policy documented at apconn_http_request (section 3), in one
   place. Returns 1 and sets *wait_ms when the call should go again. */
static int apconn__http_should_retry(const apconn_client *c, const apconn__http_call *k, apconn_status st,
                                     const apconn__http_parser *p, unsigned *retries, uint32_t *wait_ms) {
    int unsafe_ok = k->idempotent || c->retry_unsafe_post;
    int s = p->status;
    unsigned i;
    *wait_ms = 0;
    if ((st == APCONN_ERR_CLOSED || st == APCONN_ERR_RECV || st == APCONN_ERR_SEND) && p->received == 0 &&
        k->reused && unsafe_ok && c->transport->connect)
        return 1;
    if (*retries >= c->max_retries) return 0;
    if (p->close && !c->transport->connect) return 0; /* a closed single connection carries no retry */
    if (st == APCONN_OK && !(s == 429 || s == 503 || ((s == 502 || s == 504) && unsafe_ok))) return 0;
    if (st != APCONN_OK && st != APCONN_ERR_CONNECT && st != APCONN_ERR_DNS) return 0;
    *wait_ms = APCONN_RETRY_BACKOFF_MS;
    for (i = 0; i < *retries && *wait_ms < APCONN_MAX_RETRY_AFTER_MS; i++) *wait_ms *= 2u;
    if (st == APCONN_OK && p->has_retry_after)
        *wait_ms = p->retry_after_s < APCONN__RETRY_AFTER_MAX_S ? (uint32_t)p->retry_after_s * 1000u
                                                                       : APCONN_MAX_RETRY_AFTER_MS;
    if (*wait_ms > APCONN_MAX_RETRY_AFTER_MS) *wait_ms = APCONN_MAX_RETRY_AFTER_MS;
    ++*retries;
    return 1;
}
#endif

/* The end of whatever part of [ptr, ptr+len) lies in the work buffer. */
static size_t apconn__http_used(const apconn_client *c, const void *ptr, size_t len, size_t used) {
    uintptr_t w = (uintptr_t)c->work, q = (uintptr_t)ptr;
    if (ptr && q >= w && q < w + c->work_size) {
        size_t end = (size_t)(q - w) + len;
        if (end > c->work_size) end = c->work_size;
        if (end > used) used = end;
    }
    return used;
}

/* "GET /v1/global-connections -> 200 (512 bytes)" or "... -> deadline exceeded":
   method, path, status, sizes, error names; never the key, query or a body. */
static void apconn__http_log(const apconn_client *c, const apconn__http_call *k, apconn_status st,
                             const apconn__http_parser *p) {
    char line[APCONN_LOG_LINE_SIZE];
    apconn__out o;
    if (!c->log) return;
    apconn__out_init(&o, line, sizeof line);
    apconn__out_str(&o, k->method);
    apconn__out_str(&o, " ");
    apconn__out_str(&o, k->path);
    apconn__out_str(&o, " -> ");
    if (st == APCONN_OK) {
        apconn__out_num(&o, "", (uint64_t)p->status);
        apconn__out_str(&o, " (");
        if (p->state == APCONN__HS_DONE) {
            apconn__out_num(&o, "", (uint64_t)p->out);
            apconn__out_str(&o, " bytes)");
        } else {
            apconn__out_str(&o, "body streamed)");
        }
    } else {
        apconn__out_status(&o, st);
    }
    apconn__out_end(&o);
    c->log(c->log_ctx, line);
}

/* apconn_http_request, and the API calls' exchanges. With `stream`, a 2xx
   response is returned once its head is read: the body stays on the wire
   for the streaming reader (client->apconn__body_open), read through the
   parser in client->apconn__http. */
static apconn_status apconn__http_request(apconn_client *c, const char *method, const char *path, const char *query,
                                          const char *body, size_t body_len, int stream, apconn_response *resp,
                                          apconn_error *err) {
    apconn__http_call k;
    apconn__http_parser *p;
    apconn_status st;
#ifndef APCONN_NO_RETRIES
    unsigned retries = 0;
    uint32_t wait_ms, left;
#endif
    size_t used = 0;
    if (resp) memset(resp, 0, sizeof *resp);
    if (!c || !c->transport) return apconn__fail(err, APCONN_ERR_ARGUMENT, NULL, NULL);
    apconn__claim_work(c);
    p = &c->apconn__http;
    memset(p, 0, sizeof *p);
    /* From here on one exit: whatever part of the request lies in the work
       buffer is wiped even when the request is refused. */
    used = apconn__http_used(c, body, body_len, used);
    used = apconn__http_used(c, path, path ? strlen(path) + 1u : 0u, used);
    used = apconn__http_used(c, query, query ? strlen(query) + 1u : 0u, used);
    st = (!method || !path || !resp || (!body && body_len)) ? APCONN_ERR_ARGUMENT
                                                            : apconn__http_check_request(c, method, path, query);
    memset(&k, 0, sizeof k);
    k.method = method;
    k.path = path;
    k.query = query;
    k.body = body;
    k.body_len = body_len;
    k.stream = (unsigned char)(stream != 0);
    k.idempotent = method && !apconn__streq(method, "POST");
    k.start = c->apconn__start = c->transport->now_ms(c->transport->ctx);
    k.area = c->work + used;
    k.cap = c->work_size - used;
    if (k.cap < 2 && st == APCONN_OK) st = APCONN_ERR_BUFFER_FULL;
#ifdef APCONN_NO_RETRIES
    if (st == APCONN_OK) { /* one attempt, whatever it brings */
        st = apconn__http_attempt(c, &k, p);
        apconn__http_log(c, &k, st, p);
    }
#else
    while (st == APCONN_OK) {
        st = apconn__http_attempt(c, &k, p);
        apconn__http_log(c, &k, st, p);
        if (!apconn__http_should_retry(c, &k, st, p, &retries, &wait_ms)) break;
        if (wait_ms && (!c->transport->sleep_ms || apconn__http_time_left(c, k.start, &left) != APCONN_OK ||
                        wait_ms >= left))
            break; /* a wait we cannot or may not take: the last result stands */
        if (wait_ms) c->transport->sleep_ms(c->transport->ctx, wait_ms);
        st = APCONN_OK;
    }
#endif
    apconn_wipe(c->work, used); /* the request body (connection values) goes now: no retry follows */
    if (err) {
        /* a framing error has a response (partly) read: its status and where it broke */
        int framing = APCONN__STATUS_IN(st, apconn__framing_statuses);
        err->http_status = st == APCONN_OK || framing ? p->status : 0;
        err->offset = framing ? (size_t)p->received : 0;
    }
    if (st != APCONN_OK) return apconn__fail(err, st, NULL, NULL);
    c->apconn__body_open = (unsigned char)(p->state != APCONN__HS_DONE);
    resp->status = p->status;
    resp->body = (const char *)k.area;
    resp->body_len = p->out;
    resp->is_json = p->is_json;
    return APCONN_OK;
}

APCONN_API apconn_status apconn_http_request(apconn_client *c, const char *method, const char *path,
                                             const char *query, const char *body, size_t body_len,
                                             apconn_response *resp, apconn_error *err) {
    (void)apconn__error_begin(err, 1); /* the arguments are checked inside: a refused request's body is wiped too */
    return apconn__http_request(c, method, path, query, body, body_len, 0, resp, err);
}

/* ----- 4.6 Body stream: a response read item by item through a window ------ */
/* The window is the part of the work buffer after the request pieces (the
   layout of one call: "Work buffer" in section 2):
     [ kept: cursors | bytes validated and dropped later | item | unread ]
   (a single answer's object, once complete, is kept instead of cursors: the
   whitespace after it is dropped as it comes, so it needs no room)
   Body bytes arrive at its end (from the client's parser, de-chunked, or
   copied from a caller's buffer); the validator runs over them and stops at
   the events that matter: where the root, a page-level value and a "data"
   item begin and end, and after each page-level key. A complete item is
   handed to jsmn and the mapper; its bytes are dropped when the next item
   needs the room. An item that does not fit is validated as it streams past,
   then reported with the room it needs. */
#define APCONN__AT_NONE ((size_t)-1)
enum { APCONN__PK_OTHER, APCONN__PK_DATA, APCONN__PK_NEXT, APCONN__PK_PREVIOUS };
#define APCONN__SKIP_BIG 1u    /* the item does not fit: dropped as it streams */
#define APCONN__SKIP_TYPE 2u   /* the item is not an object */
#define APCONN__SKIP_KEEP 4u   /* single item returned: kept as buf[0..keep) until the body ends */

static void apconn__stream_init(apconn__stream *s, apconn_client *c, unsigned char *buf, size_t cap, size_t len,
                                apconn_token *tokens, size_t token_count, int single) {
    memset(s, 0, sizeof *s);
    s->client = c;
    s->buf = buf;
    s->cap = cap;
    s->len = len;
    s->item = s->str = APCONN__AT_NONE;
    s->tokens = tokens;
    s->token_count = token_count;
    s->single = (unsigned char)single;
    /* events: the root (single), or the root, page members and data items */
    apconn__jv_init(&s->jv, single ? 1u : 3u, single ? 0u : APCONN__JF_KEYS);
}

/* Body offset of buf[i]. */
static size_t apconn__stream_offset(const apconn__stream *s, size_t i) { return s->base + i - s->keep; }

/* Drops buf[keep..from): what follows moves down to keep. */
static void apconn__stream_compact(apconn__stream *s, size_t from) {
    size_t shift = from - s->keep;
    memmove(s->buf + s->keep, s->buf + from, s->len - from);
    s->len -= shift;
    s->pos -= shift;
    s->base += shift;
    if (s->item != APCONN__AT_NONE) s->item = s->keep; /* from is the item, or lies past it */
    if (s->str != APCONN__AT_NONE) s->str -= shift;
}

/* Reads more body bytes into the window, making room first. *eof when the
   body has ended. */
static apconn_status apconn__stream_fill(apconn__stream *s, int *eof) {
    size_t from = s->item != APCONN__AT_NONE && !(s->skip & APCONN__SKIP_BIG) ? s->item
                  : s->str != APCONN__AT_NONE                                ? s->str
                                                                             : s->pos;
    apconn__http_parser *p;
    apconn_status st;
    size_t n, lend;
    /* nothing to make room for when the source is spent (or is the window itself) */
    if (!s->client && s->src_pos == s->src_len) { *eof = 1; return APCONN_OK; }
    if (from > s->keep && (s->len + 1 >= s->cap || from - s->keep >= s->cap - 1 - s->len))
        apconn__stream_compact(s, from); /* only when it at least doubles the room */
    if (s->len + 1 >= s->cap && !(s->skip & APCONN__SKIP_KEEP)) {
        if (s->item == APCONN__AT_NONE) return APCONN_ERR_ITEM_TOO_LARGE; /* only a cursor longer than the window */
        s->skip |= APCONN__SKIP_BIG; /* the item does not fit: validate it as it passes */
        apconn__stream_compact(s, s->pos);
    }
    if (!s->client) {
        n = s->src_len - s->src_pos < s->cap - 1 - s->len ? s->src_len - s->src_pos : s->cap - 1 - s->len;
        memcpy(s->buf + s->len, s->src + s->src_pos, n);
        s->src_pos += n;
        s->len += n;
        return APCONN_OK;
    }
    p = &s->client->apconn__http;
    if (p->state == APCONN__HS_DONE) { *eof = 1; return APCONN_OK; }
    /* Still full: a single item that ends at the window's last byte (only
       whitespace may follow). The parser's window moves up one byte for this
       read, so one byte lands in the NUL's place: the same rules, one byte. */
    lend = s->len + 1 >= s->cap;
    p->buf += lend;
    p->out = s->len - lend;
    st = apconn__http_recv_some(s->client, s->client->apconn__start, p);
    p->buf -= lend;
    s->len = p->out + lend;
    if (st == APCONN_OK && p->state == APCONN__HS_DONE) {
        s->client->apconn__body_open = 0;
        if (p->close) apconn__http_disconnect(s->client);
    }
    return st;
}

static const char *const apconn__page_keys[] = {"", "data", "next", "previous"}; /* by APCONN__PK_* */

static unsigned apconn__stream_key(const apconn__jv *v) {
    unsigned i;
    for (i = APCONN__PK_DATA; i <= APCONN__PK_PREVIOUS; i++)
        if (apconn__eq(v->key, v->klen, apconn__page_keys[i])) return i;
    return APCONN__PK_OTHER;
}

/* The end: a page-level failure (or the end of the body) is sticky, and a
   page that ended answers the same again, with the same details: the first
   answer is the first replay. end_what names what the error is about. */
#define APCONN__END_ITEM 1u /* end_what: "data[count - 1]"; 2 + APCONN__PK_*: that key; 0: nothing */
static apconn_status apconn__stream_replay(const apconn__stream *s, apconn_error *err) {
    apconn_status st = (apconn_status)s->status;
    if (st == APCONN_END || !err) return st;
    if (s->end_what == APCONN__END_ITEM) apconn__error_item(err, (long)s->count - 1);
    if (s->end_what > APCONN__END_ITEM)
        apconn__error_field(err, apconn__page_keys[s->end_what - 2], strlen(apconn__page_keys[s->end_what - 2]));
    return apconn__error_set(err, st, s->end_off);
}

/* A body still on the wire is abandoned with its connection. */
static apconn_status apconn__stream_end(apconn__stream *s, apconn_status st, size_t offset, unsigned what,
                                        apconn_error *err) {
    s->status = (signed char)st;
    s->end_off = offset;
    s->end_what = (unsigned char)what;
    if (s->client && s->client->apconn__body_open) apconn__http_disconnect(s->client); /* END: already closed */
    return apconn__stream_replay(s, err);
}

/* An error about the item being read (if any), or the body as a whole. */
static apconn_status apconn__stream_stop(apconn__stream *s, apconn_status st, size_t offset, apconn_error *err) {
    return apconn__stream_end(s, st, offset, s->item != APCONN__AT_NONE && !s->single ? APCONN__END_ITEM : 0, err);
}

/* A page-level error about member `key` ("data", "next", "previous"). */
static apconn_status apconn__stream_key_fail(apconn__stream *s, unsigned key, apconn_status st, size_t off,
                                             apconn_error *err) {
    return apconn__stream_end(s, st, off, 2u + key, err);
}

/* A page-level event (depth 0 or 1, or an item at depth 2). Returns
   APCONN_OK to go on, APCONN_END when an item is ready at [*at, s->pos). */
static apconn_status apconn__stream_event(apconn__stream *s, apconn_page *page, unsigned ev, size_t *at,
                                          apconn_error *err) {
    unsigned char c = s->buf[s->pos - (ev == APCONN__EV_START)];
    unsigned d = s->jv.depth - (ev == APCONN__EV_START && (c == '{' || c == '['));
    int item = s->single ? d == 0 : d == 2 && s->in_data; /* the event is an item's start or end */
    size_t off = apconn__stream_offset(s, s->pos - 1);
    if (ev == APCONN__EV_KEY) {
        unsigned key = apconn__stream_key(&s->jv);
        s->key = (unsigned char)key;
        if (key == APCONN__PK_OTHER) return APCONN_OK;
        if (s->seen & (1u << key)) return apconn__stream_key_fail(s, key, APCONN_ERR_JSON_DUPLICATE, off, err);
        s->seen |= (unsigned char)(1u << key);
        return APCONN_OK;
    }
    if (item && ev == APCONN__EV_START) { /* an item begins */
        s->item = s->pos - 1;
        s->jv.flags &= (unsigned char)~APCONN__JF_ESCAPED;
        s->item_off = off;
        s->item_tok = s->jv.tokens - 1;
        s->skip = c == '{' ? 0 : APCONN__SKIP_TYPE;
        s->count++;
        if (s->single && c != '{') return apconn__stream_stop(s, APCONN_ERR_JSON_TYPE, off, err);
        return APCONN_OK;
    }
    if (item) { /* ...and ends (KEY and START are handled above) */
        *at = s->item;
        return APCONN_END;
    }
    if (d == 0) {
        if (ev == APCONN__EV_START && c != '{') return apconn__stream_stop(s, APCONN_ERR_JSON_TYPE, off, err);
        return APCONN_OK;
    }
    if (d != 1 || s->key == APCONN__PK_OTHER) return APCONN_OK;
    if (s->key == APCONN__PK_DATA) {
        if (ev == APCONN__EV_START && c != '[') /* null is as good as absent: required */
            return apconn__stream_key_fail(s, s->key, c == 'n' ? APCONN_ERR_JSON_MISSING : APCONN_ERR_JSON_TYPE, off, err);
        s->in_data = ev == APCONN__EV_START;
        return APCONN_OK;
    }
    /* next / previous: a string, kept in front of the window, or null */
    if (ev == APCONN__EV_START) {
        if (c == '"') s->str = s->pos - 1;
        else if (c != 'n') return apconn__stream_key_fail(s, s->key, APCONN_ERR_JSON_TYPE, off, err);
        return APCONN_OK;
    }
    {
        const char **cursor = s->key == APCONN__PK_NEXT ? &page->next : &page->previous;
        apconn_has *has = s->key == APCONN__PK_NEXT ? &page->has_next : &page->has_previous;
        apconn__map m;
        jsmntok_t t;
        size_t n;
        if (s->str == APCONN__AT_NONE) { *has = APCONN_NULL; return APCONN_OK; }
        /* decode in place (a one-token map), then move it to the kept area */
        t.type = JSMN_STRING;
        t.start = 1;
        t.end = (int)(s->pos - 1 - s->str);
        t.size = 0;
        t.parent = -1;
        apconn__map_init(&m, (const char *)s->buf + s->str, (char *)s->buf + s->str, (const apconn_token *)(const void *)&t, NULL, -1);
        if (apconn__map_view(&m, 0, cursor) != APCONN_OK)
            return apconn__stream_key_fail(s, s->key, APCONN_ERR_JSON_NUL, off, err);
        n = strlen(*cursor) + 1;
        memmove(s->buf + s->keep, *cursor, n);
        *cursor = (const char *)s->buf + s->keep;
        s->keep += n;
        s->base += n; /* buf[i] for i >= keep keeps its body offset */
        s->str = APCONN__AT_NONE;
        *has = APCONN_SET;
        return APCONN_OK;
    }
}

/* The end of the body: the JSON must be complete and, for a page, have data. */
static apconn_status apconn__stream_eof(apconn__stream *s, apconn_error *err) {
    size_t at = 0;
    apconn_status st = apconn__jv_end(&s->jv, apconn__stream_offset(s, s->len), &at);
    if (st != APCONN_OK) return apconn__stream_stop(s, st, at, err);
    if (!s->single && !(s->seen & (1u << APCONN__PK_DATA)))
        return apconn__stream_key_fail(s, APCONN__PK_DATA, APCONN_ERR_JSON_MISSING, 0, err);
    return apconn__stream_stop(s, APCONN_END, 0, err);
}

/* An item is complete at [s->item, s->pos): APCONN_OK when it can be mapped,
   else the per-item error, with the room it needs. */
static apconn_status apconn__stream_item_done(apconn__stream *s, apconn_error *err) {
    size_t lead = s->client ? (size_t)(s->buf - s->client->work) : 0, tokens = s->jv.tokens - s->item_tok;
    apconn_status st = s->skip & APCONN__SKIP_TYPE ? APCONN_ERR_JSON_TYPE
                       : s->skip & APCONN__SKIP_BIG ? APCONN_ERR_ITEM_TOO_LARGE
                       : tokens > s->token_count    ? APCONN_ERR_JSON_TOKENS
                                                    : APCONN_OK;
    if (s->single && st == APCONN_OK) {
        /* the item stays where it is, as the window's kept prefix (base
           keeps the body offsets exact): what follows can only be
           whitespace, and is dropped as more comes */
        s->skip |= APCONN__SKIP_KEEP;
        s->base += s->pos - s->keep;
        s->keep = s->pos;
        s->item = APCONN__AT_NONE;
    }
    if (st == APCONN_OK) return st;
    if (err) {
        apconn__error_item(err, s->single ? -1 : (long)s->count - 1);
        /* the room it needs: what lies before the window, the kept cursors, the item, a NUL */
        err->needed = st == APCONN_ERR_JSON_TOKENS ? tokens
                      : st == APCONN_ERR_ITEM_TOO_LARGE
                          ? lead + s->keep + (apconn__stream_offset(s, s->pos) - s->item_off) + 1
                          : 0;
    }
    if (st != APCONN_ERR_JSON_TOKENS) { /* its bytes are gone or useless: drop them */
        s->skip = 0;
        s->item = APCONN__AT_NONE;
    }
    return apconn__error_set(err, st, s->item_off);
}

/* The next complete item at [*at, *end) of the window: APCONN_OK; APCONN_END
   after the body; a per-item error (the item is skipped); or a page error. */
static apconn_status apconn__stream_next(apconn__stream *s, apconn_page *page, size_t *at, size_t *end,
                                         apconn_error *err) {
    apconn_status st;
    size_t err_at = 0;
    unsigned ev;
    int eof = 0;
    if (s->status != APCONN_OK) return apconn__stream_replay(s, err);
    s->item = APCONN__AT_NONE; /* the last item's views end here (a single one is kept as buf[0..keep)) */
    for (;;) {
        if (s->pos == s->len) {
            st = apconn__stream_fill(s, &eof);
            if (st == APCONN_ERR_ITEM_TOO_LARGE) /* a cursor longer than the window: the only way to fill it */
                return apconn__stream_key_fail(s, s->key, st, apconn__stream_offset(s, s->str), err);
            if (st != APCONN_OK) return apconn__stream_stop(s, st, apconn__stream_offset(s, s->len), err);
            if (eof) return apconn__stream_eof(s, err);
            continue;
        }
        st = apconn__jv_run(&s->jv, s->buf, &s->pos, s->len, apconn__stream_offset(s, 0), &ev, &err_at);
        if (st != APCONN_OK) return apconn__stream_stop(s, st, err_at, err);
        if (ev == APCONN__EV_NONE) continue;
        st = apconn__stream_event(s, page, ev, at, err);
        if (st == APCONN_OK) continue;
        if (st != APCONN_END) return st;
        *end = s->pos;
        return apconn__stream_item_done(s, err);
    }
}

/* Page items are mapped by the same reader as a single connection. */
static apconn_status apconn__stream_map(apconn__stream *s, size_t at, size_t end, apconn_connection *out,
                                        apconn_error *err) {
    apconn_status st = apconn__map_connection((char *)s->buf + at, end - at, s->tokens, s->token_count, out, err,
                                              s->single ? -1 : (long)s->count - 1, s->jv.flags & APCONN__JF_ESCAPED);
    if (st != APCONN_OK) {
        memset(out, 0, sizeof *out);
        if (err) err->offset += s->item_off; /* the body offset, not the item's */
    }
    return st;
}

/* One connection (an upsert or update response, apconn_parse_connection):
   the body as a one-item stream, then read to its end (so the connection can
   carry the next request; trailing bytes must be whitespace), then mapped. */
static apconn_status apconn__stream_one(apconn__stream *s, apconn_connection *out, apconn_error *err) {
    size_t at = 0, end = 0, more_at, more_end;
    apconn_status st = apconn__stream_next(s, NULL, &at, &end, err);
    if (st == APCONN_OK) {
        st = apconn__stream_next(s, NULL, &more_at, &more_end, err);
        if (st == APCONN_END) st = apconn__stream_map(s, at, end, out, err);
    }
    if (st != APCONN_OK) memset(out, 0, sizeof *out);
    return st;
}

APCONN_API apconn_status apconn_parse_connection(char *json, size_t len, apconn_token *tokens, size_t token_count,
                                                 apconn_connection *out, apconn_error *err) {
    apconn__stream s;
    apconn_status st;
    if (out) memset(out, 0, sizeof *out);
    st = apconn__error_begin(err, out && json && tokens && token_count && len < (size_t)INT_MAX);
    if (st != APCONN_OK) return st;
    /* the caller's buffer is the window, already full: decoded in place */
    apconn__stream_init(&s, NULL, (unsigned char *)json, len + 1, len, tokens, token_count, 1);
    s.src = json;
    s.src_len = s.src_pos = len;
    return apconn__stream_one(&s, out, err);
}

APCONN_API apconn_status apconn_parse_page(const char *json, size_t len, void *work, size_t work_size,
                                           apconn_token *tokens, size_t token_count, apconn_page *page,
                                           apconn_error *err) {
    apconn_status st;
    if (page) memset(page, 0, sizeof *page);
    st = apconn__error_begin(err, json && work && work_size >= 2 && work_size <= (size_t)INT_MAX && tokens && token_count && page);
    if (st != APCONN_OK) return st;
    apconn__stream_init(&page->apconn__s, NULL, (unsigned char *)work, work_size, 0, tokens, token_count, 0);
    page->apconn__s.src = json;
    page->apconn__s.src_len = len;
    return APCONN_OK;
}

/* A page whose client has made another call is stale: its window is gone. */
static int apconn__page_stale(const apconn_page *page) {
    const apconn__stream *s = &page->apconn__s;
    return s->client && s->client->apconn__calls != page->apconn__calls;
}

APCONN_API int apconn_page_done(const apconn_page *page) {
    return !page || !page->apconn__s.buf || page->apconn__s.status != APCONN_OK || apconn__page_stale(page);
}

APCONN_API apconn_status apconn_page_next(apconn_page *page, apconn_connection *out, apconn_error *err) {
    apconn__stream *s;
    apconn_status st;
    size_t at = 0, end = 0;
    if (out) memset(out, 0, sizeof *out);
    if ((st = apconn__error_begin(err, page && out)) != APCONN_OK) return st;
    s = &page->apconn__s;
    if (!s->buf) return APCONN_END; /* a zeroed page, or one a failed list left: no items */
    /* the window is the client's work buffer: checked even at the end, so
       "delete while iterating" fails with a one-item page too */
    if (apconn__page_stale(page)) return apconn__error_set(err, APCONN_ERR_PAGE_STALE, 0);
    st = apconn__stream_next(s, page, &at, &end, err);
    page->count = s->count;
    if (st != APCONN_OK) return st;
    return apconn__stream_map(s, at, end, out, err);
}

/* ----- 4.7 The four global-connection calls -------------------------------- */
/* Request bodies are written into the work buffer with the JSON writer; the
   value members come from one table, so each connection type is two bit
   masks (the upsert body's `value` per type): `required` members must be non-empty, `optional` ones
   are sent when set. "scope" is optional in the table but always sent for
   the OAuth2 types ("" when NULL), since the schema requires the key. */
#define APCONN__API_PATH "/v1/global-connections"
#define APCONN__API_ID_LEN 21 /* /v1/global-connections/{id}: ^[0-9a-zA-Z]{21}$, else 400 */
/* Member indices: positions in apconn__api_member_names, bits in the masks. */
#define APCONN__M_SECRET_TEXT 0u
#define APCONN__M_USERNAME 1u
#define APCONN__M_PASSWORD 2u
#define APCONN__M_CLIENT_ID 3u
#define APCONN__M_CLIENT_SECRET 4u
#define APCONN__M_CODE 5u
#define APCONN__M_REDIRECT_URL 6u
#define APCONN__M_SCOPE 7u
#define APCONN__M_CODE_CHALLENGE 8u
#define APCONN__M_PROPS 9u
#define APCONN__M_METHOD 10u
#define APCONN__M_GRANT 11u
#define APCONN__M_COUNT 12u
#define APCONN__B(i) (1u << (i))
#define APCONN__OAUTH_OPT \
    (APCONN__B(APCONN__M_SCOPE) | APCONN__B(APCONN__M_CODE_CHALLENGE) | APCONN__B(APCONN__M_PROPS) | APCONN__B(APCONN__M_METHOD))
#define APCONN__TYPE_COUNT (APCONN_TYPE_NO_AUTH + 1) /* one row per apconn_connection_type */

static const char *const apconn__api_member_names[APCONN__M_COUNT] = {
    "secret_text", "username", "password", "client_id", "client_secret", "code", "redirect_url",
    "scope", "code_challenge", "props", "authorization_method", "grant_type"};
static const unsigned short apconn__api_member_offsets[APCONN__M_PROPS + 1] = {
    offsetof(apconn_value, secret_text), offsetof(apconn_value, username), offsetof(apconn_value, password),
    offsetof(apconn_value, client_id), offsetof(apconn_value, client_secret), offsetof(apconn_value, code),
    offsetof(apconn_value, redirect_url), offsetof(apconn_value, scope), offsetof(apconn_value, code_challenge),
    offsetof(apconn_value, props_json)};
/* indexed by apconn_connection_type */
static const unsigned short apconn__api_required[APCONN__TYPE_COUNT] = {
    0,                                                         /* UNKNOWN */
    APCONN__B(APCONN__M_SECRET_TEXT),                          /* SECRET_TEXT */
    APCONN__B(APCONN__M_USERNAME) | APCONN__B(APCONN__M_PASSWORD), /* BASIC_AUTH */
    APCONN__B(APCONN__M_PROPS),                                /* CUSTOM_AUTH */
    APCONN__B(APCONN__M_CLIENT_ID) | APCONN__B(APCONN__M_CLIENT_SECRET) | APCONN__B(APCONN__M_CODE) |
        APCONN__B(APCONN__M_REDIRECT_URL),                     /* OAUTH2 */
    APCONN__B(APCONN__M_CLIENT_ID) | APCONN__B(APCONN__M_CODE), /* CLOUD_OAUTH2 */
    APCONN__B(APCONN__M_CLIENT_ID) | APCONN__B(APCONN__M_CODE) | APCONN__B(APCONN__M_REDIRECT_URL), /* PLATFORM_OAUTH2 */
    APCONN__B(APCONN__M_PROPS),                                /* OIDC */
    0};                                                        /* NO_AUTH */
static const unsigned short apconn__api_optional[APCONN__TYPE_COUNT] = {
    0, 0, 0, 0, APCONN__OAUTH_OPT | APCONN__B(APCONN__M_GRANT), APCONN__OAUTH_OPT, APCONN__OAUTH_OPT, 0, 0};

static const char *apconn__api_member(const apconn_value *v, unsigned i) {
    static const char *const methods[] = {NULL, "HEADER", "BODY"};
    static const char *const grants[] = {NULL, "authorization_code", "client_credentials"};
    /* both in range: apconn__api_check_value refused anything else first */
    if (i == APCONN__M_METHOD) return methods[v->authorization_method];
    if (i == APCONN__M_GRANT) return grants[v->grant_type];
    return *(const char *const *)(const void *)((const char *)v + apconn__api_member_offsets[i]);
}

/* metadata and props are JSON objects: valid (RFC 8259) and starting with '{'. */
static apconn_status apconn__api_check_object(const char *json, const char *field, apconn_error *err) {
    size_t off = 0, len = strlen(json);
    apconn_status st = apconn_json_validate_at(json, len, &off);
    if (st == APCONN_OK && *apconn__skip_ws(json) != '{') st = APCONN_ERR_JSON_TYPE;
    if (st != APCONN_OK && err) err->offset = off;
    return st == APCONN_OK ? st : apconn__fail(err, st, NULL, field);
}

static apconn_status apconn__api_check_value(const apconn_value *v, apconn_connection_type type, apconn_error *err) {
    unsigned i, req = apconn__api_required[type], any = req | apconn__api_optional[type];
    const char *s;
    if ((unsigned)v->grant_type > APCONN_GRANT_CLIENT_CREDENTIALS)
        return apconn__fail(err, APCONN_ERR_ARGUMENT, "value.", "grant_type");
    if ((unsigned)v->authorization_method > APCONN_AUTH_METHOD_BODY)
        return apconn__fail(err, APCONN_ERR_ARGUMENT, "value.", "authorization_method");
    for (i = 0; i < APCONN__M_COUNT; i++) {
        s = apconn__api_member(v, i);
        if ((req & APCONN__B(i)) && (!s || !*s))
            return apconn__fail(err, APCONN_ERR_REQUIRED, "value.", apconn__api_member_names[i]);
        if ((any & APCONN__B(i)) && s && i == APCONN__M_PROPS) return apconn__api_check_object(s, "value.props", err);
    }
    return APCONN_OK;
}

#ifndef APCONN_NO_VALUE_JSON
/* value_json: an object WITHOUT "type" (the library writes it, so it always
   matches the top-level type) holding the type's required members. Keys with
   escapes are refused: "\u0074ype" must not slip past the "type" check. */
static apconn_status apconn__api_check_value_json(apconn_client *c, const char *json, apconn_connection_type type,
                                                  apconn_error *err) {
    const jsmntok_t *t = (const jsmntok_t *)(const void *)c->tokens;
    unsigned found = 0, i, req = apconn__api_required[type];
    apconn__members it;
    int key;
    size_t n;
    /* apconn__tokenize validates strictly, then jsmn tokenizes: the checks below trust the tokens */
    apconn_status st = apconn__tokenize(json, strlen(json), c->tokens, c->token_count, err);
    if (st == APCONN_OK && t[0].type != JSMN_OBJECT) st = apconn__error_set(err, APCONN_ERR_JSON_TYPE, (size_t)t[0].start);
    if (st != APCONN_OK) return apconn__fail(err, st, NULL, "value_json");
    apconn__members_init(&it, t, 0);
    while ((key = apconn__members_next(&it, t)) >= 0) {
        n = (size_t)(t[key].end - t[key].start);
        if (memchr(json + t[key].start, '\\', n)) return apconn__fail(err, APCONN_ERR_ARGUMENT, NULL, "value_json");
        if (apconn__eq(json + t[key].start, n, "type")) return apconn__fail(err, APCONN_ERR_ARGUMENT, NULL, "value.type");
        for (i = 0; i < APCONN__M_COUNT; i++)
            if (apconn__eq(json + t[key].start, n, apconn__api_member_names[i]) &&
                (i == APCONN__M_PROPS ? t[key + 1].type == JSMN_OBJECT
                                      : t[key + 1].type == JSMN_STRING && t[key + 1].end > t[key + 1].start))
                found |= APCONN__B(i);
    }
    for (i = 0; i < APCONN__M_COUNT; i++)
        if (req & ~found & APCONN__B(i)) return apconn__fail(err, APCONN_ERR_REQUIRED, "value.", apconn__api_member_names[i]);
    return APCONN_OK;
}
#endif

/* Writes "value":{"type":"X",...}. value_json's members are copied as the
   text between its outer braces, after "type": the object was validated by
   apconn__api_check_value_json, and its keys could not be re-emitted through
   apconn_json_key without decoding them. */
static void apconn__api_write_value(apconn_json_writer *w, const apconn_value *v, apconn_connection_type type) {
    const char *name = apconn_type_name(type), *s;
    unsigned i, any = apconn__api_required[type] | apconn__api_optional[type];
    apconn_json_key(w, "value");
#ifndef APCONN_NO_VALUE_JSON
    if (v->value_json) {
        const char *members = strchr(v->value_json, '{') + 1, *end = strrchr(v->value_json, '}');
        members = apconn__skip_ws(members);
        apconn_json_object_begin(w);
        apconn_json_key(w, "type");
        apconn_json_string(w, name);
        if (members < end) {
            apconn__w_put(w, ",", 1);
            apconn__w_put(w, members, (size_t)(end - members));
        }
        apconn_json_object_end(w);
        return;
    }
#endif
    apconn_json_object_begin(w);
    apconn_json_key(w, "type");
    apconn_json_string(w, name);
    for (i = 0; i < APCONN__M_COUNT; i++) {
        s = apconn__api_member(v, i);
        if (i == APCONN__M_SCOPE && !s) s = "";
        if (!(any & APCONN__B(i)) || !s) continue;
        apconn_json_key(w, apconn__api_member_names[i]);
        if (i == APCONN__M_PROPS) apconn_json_raw(w, s, strlen(s));
        else apconn_json_string(w, s);
    }
    apconn_json_object_end(w);
}

static void apconn__api_opt_string(apconn_json_writer *w, const char *key, const char *s) {
    if (!s) return;
    apconn_json_key(w, key);
    apconn_json_string(w, s);
}

/* projectIds, metadata, preSelectForNewProjects: shared by upsert and update. */
static void apconn__api_write_tail(apconn_json_writer *w, const char *const *ids, size_t n, int send_ids,
                                   const char *metadata, apconn_tristate pre) {
    size_t i;
    if (send_ids) {
        apconn_json_key(w, "projectIds");
        apconn_json_array_begin(w);
        for (i = 0; i < n; i++) apconn_json_string(w, ids[i]);
        apconn_json_array_end(w);
    }
    if (metadata) {
        apconn_json_key(w, "metadata");
        apconn_json_raw(w, metadata, strlen(metadata));
    }
    if (pre != APCONN_TRISTATE_UNSET) {
        apconn_json_key(w, "preSelectForNewProjects");
        apconn_json_bool(w, pre == APCONN_TRUE);
    }
    apconn_json_object_end(w);
}

/* The fields upsert and update share: project ids present and without
   duplicates (POST /v1/global-connections answers 404 to a repeated id), the
   tristate in range, metadata a JSON object. */
static apconn_status apconn__api_check_common(const char *const *ids, size_t n, const char *metadata,
                                              apconn_tristate pre, apconn_error *err) {
    size_t i, j;
    if (n && !ids) return apconn__fail(err, APCONN_ERR_ARGUMENT, NULL, "projectIds");
    if ((unsigned)pre > APCONN_TRUE) return apconn__fail(err, APCONN_ERR_ARGUMENT, NULL, "preSelectForNewProjects");
    for (i = 0; i < n; i++) {
        if (!ids[i]) return apconn__fail(err, APCONN_ERR_ARGUMENT, NULL, "projectIds");
        for (j = 0; j < i; j++)
            if (apconn__streq(ids[i], ids[j])) return apconn__fail(err, APCONN_ERR_ARGUMENT, NULL, "projectIds");
    }
    return metadata ? apconn__api_check_object(metadata, "metadata", err) : APCONN_OK;
}

#ifndef APCONN_NO_REDACTION
/* Longest run of key bytes that starts at s. */
static size_t apconn__api_key_run(const char *s, const char *key) {
    size_t best = 0, j, n;
    for (j = 0; key[j]; j++) {
        for (n = 0; s[n] && s[n] == key[j + n]; n++) {}
        if (n > best) best = n;
    }
    return best;
}

/* A proxy page or an error message may echo the Authorization header: every
   run of APCONN_REDACT_MIN or more bytes of the key (after its "sk-" prefix,
   which is no secret) becomes "[redacted]", so a key cut by the excerpt or
   split by other text is caught too. What does not fit after the marker is
   cut (at a UTF-8 boundary). */
static void apconn__api_redact(char *text, size_t size, const char *key) {
    static const char mark[] = "[redacted]";
    size_t i, run, m, tail, len = strlen(text);
    if (key[0] == 's' && key[1] == 'k' && key[2] == '-') key += 3;
    for (i = 0; i < len; i++) {
        run = apconn__api_key_run(text + i, key);
        if (run < APCONN_REDACT_MIN) continue;
        m = sizeof mark - 1 < size - 1 - i ? sizeof mark - 1 : size - 1 - i;
        tail = len - i - run < size - 1 - i - m ? len - i - run : size - 1 - i - m;
        memmove(text + i + m, text + i + run, tail);
        memcpy(text + i, mark, m);
        len = apconn__utf8_cut(text, i + m + tail);
        text[len] = '\0';
        i += m - 1;
    }
}
#endif

/* Maps a status the call did not expect: 404 on delete has its own outcome;
   the server's error body gives code and message when it is JSON, else a
   printable excerpt (a proxy's HTML page) goes into err->message. err is
   clear but for http_status here: the call began with apconn__error_begin,
   and a response that came whole left only its status (apconn__http_request). */
static apconn_status apconn__api_status_error(apconn_client *c, const apconn_response *r, int is_delete,
                                              apconn_error *err) {
    apconn_status st = (is_delete && r->status == 404) ? APCONN_ERR_NOT_FOUND : APCONN_ERR_HTTP_STATUS;
    size_t i, n, k;
    (void)c; /* unused when both APCONN_NO_ERROR_DETAILS and APCONN_NO_REDACTION are set */
    if (!err) return st;
#ifndef APCONN_NO_ERROR_DETAILS
    if (!r->is_json || apconn__error_body(r->body, r->body_len, c->tokens, c->token_count, err) != APCONN_OK)
#endif
    {
        n = r->body_len < APCONN_ERROR_EXCERPT_SIZE ? r->body_len : APCONN_ERROR_EXCERPT_SIZE;
        err->message_truncated = (unsigned char)apconn__text_copy(err->message, sizeof err->message, r->body, n);
        /* an HTML page's line breaks read best as spaces; C1 too (see apconn__control_len) */
        for (i = 0, n = strlen(err->message); i < n; i += k ? k : 1) {
            k = apconn__control_len(err->message + i, n - i);
            memset(err->message + i, ' ', k);
        }
        err->message_truncated |= (unsigned char)(n < r->body_len);
    }
#ifndef APCONN_NO_REDACTION
    apconn__api_redact(err->message, sizeof err->message, c->api_key);
    apconn__api_redact(err->code, sizeof err->code, c->api_key);
#endif
    return apconn__error_set(err, st, err->offset);
}

/* One exchange expecting status ok1 (or ok2). Any other status becomes err,
   from the server's error body (read whole). A success must carry JSON,
   except 204 and DELETE's answers, which have no body to read; its body is
   left on the wire (read whole when it came with the head) for the
   streaming reader. */
static apconn_status apconn__api_exchange(apconn_client *c, const char *method, const char *path, const char *query,
                                          size_t body_len, int ok1, int ok2, apconn_response *r, apconn_error *err) {
    int is_delete = apconn__streq(method, "DELETE");
    apconn_status st = apconn__http_request(c, method, path, query, body_len ? (const char *)c->work : NULL, body_len,
                                            !is_delete, r, err);
    if (st != APCONN_OK) return st;
    if ((r->status == ok1 || r->status == ok2) && (r->status == 204 || r->is_json || is_delete)) return APCONN_OK;
    if (c->apconn__body_open) {
        /* an unexpected success (a 2xx streamed, or no JSON): its body is not read */
        apconn__http_disconnect(c);
        if (err) err->http_status = r->status;
        return apconn__fail(err, APCONN_ERR_UNEXPECTED_RESPONSE, NULL, NULL);
    }
    if (r->status != ok1 && r->status != ok2) {
        st = apconn__api_status_error(c, r, is_delete, err);
        apconn_wipe(c->work, c->work_size); /* err has what counts; an echoed key must not stay */
        return st;
    }
    if (err) err->http_status = r->status;
    return apconn__fail(err, APCONN_ERR_UNEXPECTED_RESPONSE, NULL, NULL);
}

/* How each of the four calls begins: *out (out_size bytes) zeroed, err
   cleared, the arguments checked (ok), the work buffer claimed. */
static apconn_status apconn__api_begin(apconn_client *c, int ok, void *out, size_t out_size, apconn_error *err) {
    apconn_status st;
    if (out) memset(out, 0, out_size);
    st = apconn__error_begin(err, c && c->transport && ok && out);
    if (st == APCONN_OK) apconn__claim_work(c);
    return st;
}

/* Upsert and update, once the body is written: the body finished (wiped
   when that fails) and POSTed to `path`, expecting ok1 or ok2. */
static apconn_status apconn__api_post(apconn_client *c, apconn_json_writer *w, const char *path, int ok1, int ok2,
                                      apconn_response *r, apconn_error *err) {
    size_t len;
    apconn_status st = apconn_json_finish(w, &len);
    if (st == APCONN_OK) return apconn__api_exchange(c, "POST", path, NULL, len, ok1, ok2, r, err);
    apconn_wipe(c->work, c->work_size);
    return apconn__fail(err, st, NULL, NULL);
}

/* The connection an upsert or update answers with: the response body read
   as a one-item stream, then mapped into views (and the body read to its end,
   so the connection can carry the next request). Its own function, called
   after the exchange returned: the stream state is not on the stack during
   the exchange. */
static apconn_status apconn__api_connection_result(apconn_client *c, apconn_status st, const apconn_response *r,
                                                   apconn_connection *out, apconn_error *err) {
    apconn__stream s;
    if (st != APCONN_OK) return st;
    apconn__stream_init(&s, c, (unsigned char *)r->body, c->apconn__http.cap, r->body_len, c->tokens,
                        c->token_count, 1);
    st = apconn__stream_one(&s, out, err);
    if (err && st != APCONN_OK) err->http_status = r->status;
    return st;
}

static apconn_status apconn__api_check_upsert(apconn_client *c, const apconn_upsert_request *q, apconn_error *err) {
    apconn_status st;
    if (!q->display_name) return apconn__fail(err, APCONN_ERR_REQUIRED, NULL, "displayName");
    if (!q->piece_name || !*q->piece_name) return apconn__fail(err, APCONN_ERR_REQUIRED, NULL, "pieceName");
    if (!apconn_type_name(q->type)) return apconn__fail(err, APCONN_ERR_ARGUMENT, NULL, "type");
    st = apconn__api_check_common(q->project_ids, q->project_id_count, q->metadata_json,
                                  q->pre_select_for_new_projects, err);
    if (st != APCONN_OK) return st;
#ifdef APCONN_NO_VALUE_JSON
    (void)c;
    if (q->value.value_json) return apconn__fail(err, APCONN_ERR_ARGUMENT, NULL, "value_json"); /* not built in */
#else
    if (q->value.value_json) return apconn__api_check_value_json(c, q->value.value_json, q->type, err);
#endif
    return apconn__api_check_value(&q->value, q->type, err);
}

APCONN_API apconn_status apconn_connection_upsert(apconn_client *c, const apconn_upsert_request *q,
                                                  apconn_connection *out, apconn_error *err) {
    apconn_json_writer w;
    apconn_response r;
    apconn_status st = apconn__api_begin(c, q != NULL, out, sizeof *out, err);
    if (st != APCONN_OK || (st = apconn__api_check_upsert(c, q, err)) != APCONN_OK) return st;
    apconn_json_init(&w, (char *)c->work, c->work_size);
    apconn_json_object_begin(&w);
    apconn__api_opt_string(&w, "displayName", q->display_name);
    apconn__api_opt_string(&w, "pieceName", q->piece_name);
    apconn__api_opt_string(&w, "type", apconn_type_name(q->type));
    apconn__api_write_value(&w, &q->value, q->type);
    apconn__api_opt_string(&w, "scope", "PLATFORM");
    apconn__api_opt_string(&w, "externalId", q->external_id);
    apconn__api_opt_string(&w, "pieceVersion", q->piece_version);
    apconn__api_write_tail(&w, q->project_ids, q->project_id_count, 1, q->metadata_json, q->pre_select_for_new_projects);
    st = apconn__api_post(c, &w, APCONN__API_PATH, 201, 200, &r, err);
    return apconn__api_connection_result(c, st, &r, out, err);
}

/* "/v1/global-connections/<id>" after checking the id (21 ASCII letters or digits). */
static apconn_status apconn__api_id_path(char *path, const char *id, apconn_error *err) {
    size_t i = 0;
    while (id && i < APCONN__API_ID_LEN && apconn__is_alnum((unsigned char)id[i])) i++;
    if (!id || i != APCONN__API_ID_LEN || id[i]) return apconn__fail(err, APCONN_ERR_ARGUMENT, NULL, "id");
    memcpy(path, APCONN__API_PATH "/", sizeof APCONN__API_PATH);
    memcpy(path + sizeof APCONN__API_PATH, id, APCONN__API_ID_LEN + 1);
    return APCONN_OK;
}

APCONN_API apconn_status apconn_connection_update(apconn_client *c, const char *id, const apconn_update_request *q,
                                                  apconn_connection *out, apconn_error *err) {
    char path[sizeof APCONN__API_PATH + APCONN__API_ID_LEN + 1];
    apconn_json_writer w;
    apconn_response r;
    apconn_status st = apconn__api_begin(c, q != NULL, out, sizeof *out, err);
    if (st != APCONN_OK || (st = apconn__api_id_path(path, id, err)) != APCONN_OK) return st;
    if (!q->display_name || !*q->display_name) return apconn__fail(err, APCONN_ERR_REQUIRED, NULL, "displayName");
    st = apconn__api_check_common(q->project_ids, q->project_id_count, q->metadata_json,
                                  q->pre_select_for_new_projects, err);
    if (st != APCONN_OK) return st;
    apconn_json_init(&w, (char *)c->work, c->work_size);
    apconn_json_object_begin(&w);
    apconn__api_opt_string(&w, "displayName", q->display_name);
    apconn__api_write_tail(&w, q->project_ids, q->project_id_count, q->project_ids != NULL, q->metadata_json,
                           q->pre_select_for_new_projects);
    st = apconn__api_post(c, &w, path, 200, 200, &r, err);
    return apconn__api_connection_result(c, st, &r, out, err);
}

/* key=value with the value percent-encoded: everything but RFC 3986 §2.3
   unreserved characters, so '+' is %2B (the server decodes '+' as a space). */
static void apconn__api_query_param(apconn__out *o, const char *key, const char *v) {
    char e[3];
    unsigned char ch;
    if (!v) return;
    if (o->len) apconn__out_str(o, "&");
    apconn__out_str(o, key);
    apconn__out_str(o, "=");
    for (; *v; v++) {
        ch = (unsigned char)*v;
        if (apconn__is_alnum(ch) || strchr("-._~", ch)) {
            apconn__out_put(o, v, 1);
            continue;
        }
        e[0] = '%';
        e[1] = apconn__hex_upper[ch >> 4];
        e[2] = apconn__hex_upper[ch & 15u];
        apconn__out_put(o, e, 3);
    }
}

/* The query is written at the start of the work buffer (it must live until
   the call ends; apconn_http_request puts the head after it). */
#define APCONN__STATUS_ALL (APCONN_CONN_STATUS_ACTIVE | APCONN_CONN_STATUS_MISSING | APCONN_CONN_STATUS_ERROR)
static apconn_status apconn__api_write_query(apconn_client *c, const apconn_list_request *q, apconn_error *err) {
    char num[APCONN__DEC_SIZE];
    apconn__out o;
    unsigned bit;
    const char *cursor = q->cursor && *q->cursor ? q->cursor : NULL;
    size_t n;
    apconn__out_init(&o, (char *)c->work, c->work_size);
    if (q->statuses & ~APCONN__STATUS_ALL) return apconn__fail(err, APCONN_ERR_ARGUMENT, NULL, "statuses");
    if (cursor && apconn__http_used(c, cursor, 1, 0)) {
        /* page.next of the last page lives in the work buffer the query is
           written to: it moves to the end first, and the query must end before it */
        n = strlen(cursor) + 1;
        if (n >= c->work_size) return apconn__fail(err, APCONN_ERR_BUFFER_FULL, NULL, "query");
        memmove(c->work + c->work_size - n, cursor, n);
        cursor = (const char *)c->work + c->work_size - n;
        apconn__out_init(&o, (char *)c->work, c->work_size - n);
    }
    apconn__api_query_param(&o, "cursor", cursor);
    num[sizeof num - 1] = '\0';
    if (q->limit > 0) apconn__api_query_param(&o, "limit", apconn__dec(q->limit, num + sizeof num - 1));
    apconn__api_query_param(&o, "pieceName", q->piece_name);
    apconn__api_query_param(&o, "displayName", q->display_name);
    /* ?status=A&status=B: the server's qs.parse makes an array ("A,B" is a 400) */
    for (bit = 1; bit <= APCONN_CONN_STATUS_ERROR; bit <<= 1)
        if (q->statuses & bit)
            apconn__api_query_param(&o, "status", apconn_connection_status_name((apconn_connection_status)bit));
    if (apconn__out_end(&o)) return apconn__fail(err, APCONN_ERR_BUFFER_FULL, NULL, "query");
    return APCONN_OK;
}

APCONN_API apconn_status apconn_connection_list(apconn_client *c, const apconn_list_request *q, apconn_page *page,
                                                apconn_error *err) {
    apconn_response r;
    apconn_status st = apconn__api_begin(c, q != NULL, page, sizeof *page, err); /* a failed list: no items */
    if (st != APCONN_OK || (st = apconn__api_write_query(c, q, err)) != APCONN_OK) return st;
    st = apconn__api_exchange(c, "GET", APCONN__API_PATH, (const char *)c->work, 0, 200, 200, &r, err);
    if (st != APCONN_OK) return st;
    apconn__stream_init(&page->apconn__s, c, (unsigned char *)r.body, c->apconn__http.cap, r.body_len, c->tokens,
                        c->token_count, 0);
    page->apconn__calls = c->apconn__calls;
    return APCONN_OK;
}

APCONN_API apconn_status apconn_connection_delete(apconn_client *c, const char *id, apconn_error *err) {
    char path[sizeof APCONN__API_PATH + APCONN__API_ID_LEN + 1];
    apconn_response r;
    apconn_status st;
    if ((st = apconn__error_begin(err, c && c->transport)) != APCONN_OK) return st;
    if ((st = apconn__api_id_path(path, id, err)) != APCONN_OK) return st;
    /* 204 is the contract; 200 is tolerated (a proxy or an older build) */
    return apconn__api_exchange(c, "DELETE", path, NULL, 0, 204, 200, &r, err);
}

#ifdef __cplusplus
}
#endif
#endif /* APCONN__IMPLEMENTED */
#endif /* APCONN_IMPLEMENTATION */

/*
------------------------------------------------------------------------------
MIT License

Copyright (c) 2026 The apconn authors

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
------------------------------------------------------------------------------
*/
