/* apconn.h - v0.1.0 - Activepieces global connections over HTTPS, for small systems.

   apconn creates (upserts), lists, updates and deletes Activepieces *global
   connections* (app connections with scope PLATFORM) from firmware and
   gateways. It never allocates: every byte it touches is a buffer you gave it
   or a fixed-size field of a struct you own. It has three parts, in the order
   data flows: a fixed-buffer JSON writer, a strict JSON validator + a jsmn
   based reader into static structs, and a small HTTP/1.1 client that runs
   over send/recv callbacks you supply (platform/ has POSIX and mbedTLS ones).

   Do this:
      #define APCONN_IMPLEMENTATION
      #include "apconn.h"
   in exactly ONE C or C++ file. Every other file includes "apconn.h" alone.
   The implementation needs "jsmn.h" (Debian: libjsmn-dev) on the include path.
   Define APCONN_STATIC as well to make every function static to that file.

   A whole call, in one minute:
      static unsigned char work[APCONN_WORK_BUFFER_SIZE];   // request AND response
      static apconn_token  tokens[APCONN_TOKEN_COUNT];      // jsmn tokens
      apconn_client client;
      apconn_error  err;
      apconn_connection conn;
      apconn_upsert_request req = {0};
      const char *projects[] = { "Kp3Wn8ZrQa1Lm5Tx7Vb2C" };

      apconn_client_init(&client, "https://cloud.activepieces.com/api", api_key,
                         &my_transport, work, sizeof work, tokens, APCONN_TOKEN_COUNT);
      req.display_name = "Acme Slack";
      req.piece_name   = "@activepieces/piece-slack";
      req.type         = APCONN_TYPE_SECRET_TEXT;
      req.value.secret_text = "xoxb-123";
      req.project_ids  = projects;  req.project_id_count = 1;
      req.external_id  = "acme_slack";                       // makes retries idempotent
      if (apconn_connection_upsert(&client, &req, &conn, &err) != APCONN_OK) {
          char msg[APCONN_ERROR_TEXT_SIZE];
          apconn_error_format(&err, msg, sizeof msg);         // one readable line
      }

   Return values: every function that can fail returns an apconn_status:
   APCONN_OK (0) on success, a negative APCONN_ERR_* on failure, and
   APCONN_END (1) only from iterators that ran out of items. The optional
   apconn_error gets the details: HTTP status, the server's code and message,
   the JSON field or the byte offset that was wrong. apconn_strerror() names
   every status. Nothing is truncated silently: a value that does not fit its
   field is APCONN_ERR_FIELD_TOO_LONG, naming the field.

   Configuration: define any of these before the implementation to override.
   All sizes are in bytes and include the terminating NUL where they hold text.
      APCONN_JSON_MAX_DEPTH        nesting depth the validator/writer accept   (16)
      APCONN_ID_SIZE               ids: connection, project, platform, user    (32)
      APCONN_EXTERNAL_ID_SIZE      externalId                                 (128)
      APCONN_NAME_SIZE             displayName                                (128)
      APCONN_PIECE_NAME_SIZE       pieceName                                  (128)
      APCONN_PIECE_VERSION_SIZE    pieceVersion                                (32)
      APCONN_TIMESTAMP_SIZE        created / updated / lastActiveDate          (32)
      APCONN_EMAIL_SIZE            owner.email                                 (96)
      APCONN_PERSON_NAME_SIZE      owner.firstName / lastName                  (64)
      APCONN_URL_SIZE              owner.imageUrl                             (256)
      APCONN_METADATA_SIZE         metadata, kept as compact JSON text        (256)
      APCONN_MAX_PROJECT_IDS       projectIds one connection can hold           (8)
      APCONN_MAX_FLOW_IDS          flowIds one connection can hold              (8)
      APCONN_CURSOR_SIZE           next / previous cursors                    (256)
      APCONN_ERROR_FIELD_SIZE      apconn_error.field                          (64)
      APCONN_ERROR_CODE_SIZE       apconn_error.code                           (64)
      APCONN_ERROR_MESSAGE_SIZE    apconn_error.message                       (256)
      APCONN_ERROR_TEXT_SIZE       a buffer that holds apconn_error_format()  (512)
      APCONN_HOST_SIZE             host name parsed from the base URL         (128)
      APCONN_BASE_PATH_SIZE        path prefix parsed from the base URL        (64)
      APCONN_WORK_BUFFER_SIZE      suggested work buffer                     (8192)
      APCONN_TOKEN_COUNT           suggested jsmn token array length          (512)
      APCONN_DEFAULT_TIMEOUT_MS    deadline of one whole call               (30000)
      APCONN_DEFAULT_MAX_RETRIES   retries of one call                          (2)
      APCONN_RETRY_BACKOFF_MS      first retry delay, doubled each time       (500)
      APCONN_MAX_RETRY_AFTER_MS    largest Retry-After honoured             (60000)
      APCONN_ASSERT(x)             internal invariant check           (assert(x))

   Limits you should know: one response must fit the work buffer (head and
   body); a list page must fit the token array; no recursion anywhere, so the
   stack use is fixed (measure it with `make size`).

   License: MIT, see the end of this file.
*/
#ifndef APCONN_H
#define APCONN_H

#define APCONN_VERSION_MAJOR 0
#define APCONN_VERSION_MINOR 1
#define APCONN_VERSION_PATCH 0
#define APCONN_VERSION_STRING "0.1.0"

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
#ifndef APCONN_ID_SIZE
#define APCONN_ID_SIZE 32 /* bytes incl. NUL; server ids are 21 chars */
#endif
#ifndef APCONN_EXTERNAL_ID_SIZE
#define APCONN_EXTERNAL_ID_SIZE 128
#endif
#ifndef APCONN_NAME_SIZE
#define APCONN_NAME_SIZE 128
#endif
#ifndef APCONN_PIECE_NAME_SIZE
#define APCONN_PIECE_NAME_SIZE 128
#endif
#ifndef APCONN_PIECE_VERSION_SIZE
#define APCONN_PIECE_VERSION_SIZE 32
#endif
#ifndef APCONN_TIMESTAMP_SIZE
#define APCONN_TIMESTAMP_SIZE 32
#endif
#ifndef APCONN_EMAIL_SIZE
#define APCONN_EMAIL_SIZE 96
#endif
#ifndef APCONN_PERSON_NAME_SIZE
#define APCONN_PERSON_NAME_SIZE 64
#endif
#ifndef APCONN_URL_SIZE
#define APCONN_URL_SIZE 256
#endif
#ifndef APCONN_METADATA_SIZE
#define APCONN_METADATA_SIZE 256
#endif
#ifndef APCONN_MAX_PROJECT_IDS
#define APCONN_MAX_PROJECT_IDS 8
#endif
#ifndef APCONN_MAX_FLOW_IDS
#define APCONN_MAX_FLOW_IDS 8
#endif
#ifndef APCONN_CURSOR_SIZE
#define APCONN_CURSOR_SIZE 256
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
#define APCONN_WORK_BUFFER_SIZE 8192 /* bytes; suggestion, the caller sizes it */
#endif
#ifndef APCONN_TOKEN_COUNT
#define APCONN_TOKEN_COUNT 512 /* jsmn tokens; suggestion */
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

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------
   2. Public types
   ------------------------------------------------------------------------- */

/* Status codes: one list generates the enum and apconn_strerror(), so they
   never drift. Values are stable ABI: new codes are appended. */
#define APCONN_STATUS_LIST(X)                                                                     \
    X(APCONN_OK, 0, "success")                                                                    \
    X(APCONN_END, 1, "no more items")                                                             \
    /* caller mistakes (nothing was sent) */                                                      \
    X(APCONN_ERR_ARGUMENT, -1, "invalid argument")                                                \
    X(APCONN_ERR_UNSAFE_CHAR, -2, "control character (CR, LF, NUL, ...) in a request field")      \
    X(APCONN_ERR_URL, -3, "malformed base URL")                                                   \
    X(APCONN_ERR_INSECURE, -4, "plain http:// is only allowed to a loopback host")                \
    X(APCONN_ERR_REQUIRED, -5, "a required request field is missing or empty")                    \
    /* JSON writer */                                                                             \
    X(APCONN_ERR_BUFFER_FULL, -10, "output buffer too small")                                     \
    X(APCONN_ERR_WRITER_STATE, -11, "JSON writer call out of order")                              \
    /* JSON text (validator and reader) */                                                        \
    X(APCONN_ERR_JSON_SYNTAX, -20, "malformed JSON")                                              \
    X(APCONN_ERR_JSON_DEPTH, -21, "JSON nested deeper than APCONN_JSON_MAX_DEPTH")                \
    X(APCONN_ERR_JSON_ESCAPE, -22, "invalid escape sequence in a JSON string")                    \
    X(APCONN_ERR_JSON_UTF8, -23, "invalid UTF-8")                                                 \
    X(APCONN_ERR_JSON_TOKENS, -24, "JSON has more tokens than the token array holds")             \
    X(APCONN_ERR_JSON_TYPE, -25, "JSON field has the wrong type")                                 \
    X(APCONN_ERR_JSON_MISSING, -26, "required JSON field is missing")                             \
    X(APCONN_ERR_JSON_ENUM, -27, "JSON field has a value outside its allowed set")                \
    X(APCONN_ERR_JSON_NUL, -28, "JSON string contains a NUL character")                           \
    X(APCONN_ERR_FIELD_TOO_LONG, -29, "value does not fit its field")                             \
    X(APCONN_ERR_TOO_MANY_ITEMS, -30, "array has more items than its field holds")                \
    X(APCONN_ERR_NUMBER_RANGE, -31, "number out of range")                                        \
    /* transport */                                                                               \
    X(APCONN_ERR_WOULD_BLOCK, -40, "no data yet (transport would block)")                         \
    X(APCONN_ERR_TIMEOUT, -41, "deadline exceeded")                                               \
    X(APCONN_ERR_DNS, -42, "host name could not be resolved")                                     \
    X(APCONN_ERR_CONNECT, -43, "could not connect")                                               \
    X(APCONN_ERR_SEND, -44, "send failed")                                                        \
    X(APCONN_ERR_RECV, -45, "receive failed")                                                     \
    X(APCONN_ERR_CLOSED, -46, "connection closed before the response was complete")               \
    X(APCONN_ERR_TLS, -47, "TLS failure")                                                         \
    X(APCONN_ERR_CERT, -48, "server certificate or host name verification failed")                \
    /* HTTP framing */                                                                            \
    X(APCONN_ERR_HTTP_STATUS_LINE, -60, "malformed HTTP status line")                             \
    X(APCONN_ERR_HTTP_HEADER, -61, "malformed HTTP header")                                       \
    X(APCONN_ERR_HTTP_HEAD_TOO_LARGE, -62, "HTTP response head larger than the work buffer")      \
    X(APCONN_ERR_HTTP_BODY_TOO_LARGE, -63, "HTTP response body larger than the work buffer")      \
    X(APCONN_ERR_HTTP_LENGTH, -64, "invalid or conflicting Content-Length")                       \
    X(APCONN_ERR_HTTP_CHUNK, -65, "malformed chunked transfer coding")                            \
    X(APCONN_ERR_HTTP_FRAMING, -66, "both Content-Length and Transfer-Encoding")                  \
    X(APCONN_ERR_HTTP_TRUNCATED, -67, "response body shorter than declared")                      \
    X(APCONN_ERR_HTTP_UNSUPPORTED, -68, "unsupported HTTP version or transfer coding")            \
    /* what the server said */                                                                    \
    X(APCONN_ERR_HTTP_STATUS, -80, "server answered with an HTTP error status")                   \
    X(APCONN_ERR_NOT_FOUND, -81, "not found (HTTP 404)")                                          \
    X(APCONN_ERR_UNEXPECTED_RESPONSE, -82, "unexpected response (status or content type)")

typedef enum apconn_status {
#define APCONN__STATUS_ENUM(name, value, text) name = value,
    APCONN_STATUS_LIST(APCONN__STATUS_ENUM)
#undef APCONN__STATUS_ENUM
    APCONN__STATUS_LAST_UNUSED = 2
} apconn_status;

/* Details of the last failure. Every text field is NUL-terminated; a text
   the server sent that did not fit is cut at a UTF-8 boundary and the matching
   *_truncated flag is set (the status itself is never lost). */
typedef struct apconn_error {
    apconn_status status;
    int http_status;                         /* 0 when no response was read */
    size_t offset;                           /* byte offset in the JSON/HTTP text, when known */
    char field[APCONN_ERROR_FIELD_SIZE];     /* e.g. "data[3].owner.email", "value.password" */
    char code[APCONN_ERROR_CODE_SIZE];       /* server's code: "ENTITY_NOT_FOUND", "FST_ERR_VALIDATION" */
    char message[APCONN_ERROR_MESSAGE_SIZE]; /* server's message / params.message / params.error */
    unsigned char code_truncated;
    unsigned char message_truncated;
} apconn_error;

/* A jsmn token, as storage. The implementation checks at compile time that it
   has jsmntok_t's layout; you only ever declare arrays of it. */
typedef struct apconn_token {
    int type;
    int start;
    int end;
    int size;
#ifdef JSMN_PARENT_LINKS
    int parent;
#endif
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

/* ----- Models (AppConnectionWithoutSensitiveData, spec section 6) -------- */
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
   The reader fills one of these for every optional field of a struct. */
typedef enum apconn_presence { APCONN_ABSENT = 0, APCONN_NULL = 1, APCONN_SET = 2 } apconn_presence;

typedef struct apconn_owner {
    char id[APCONN_ID_SIZE];
    char email[APCONN_EMAIL_SIZE];
    char first_name[APCONN_PERSON_NAME_SIZE];
    char last_name[APCONN_PERSON_NAME_SIZE];
    apconn_user_status status;
    apconn_platform_role platform_role;
    char created[APCONN_TIMESTAMP_SIZE];
    char updated[APCONN_TIMESTAMP_SIZE];
    char external_id[APCONN_EXTERNAL_ID_SIZE];
    char platform_id[APCONN_ID_SIZE];
    char last_active_date[APCONN_TIMESTAMP_SIZE];
    char image_url[APCONN_URL_SIZE];
    apconn_presence has_external_id, has_platform_id, has_last_active_date, has_image_url;
} apconn_owner;

typedef struct apconn_connection {
    char id[APCONN_ID_SIZE]; /* the only field the reader requires */
    char created[APCONN_TIMESTAMP_SIZE];
    char updated[APCONN_TIMESTAMP_SIZE];
    char external_id[APCONN_EXTERNAL_ID_SIZE];
    char display_name[APCONN_NAME_SIZE];
    char piece_name[APCONN_PIECE_NAME_SIZE];
    char piece_version[APCONN_PIECE_VERSION_SIZE];
    apconn_connection_type type;
    apconn_scope scope;
    apconn_connection_status status;
    unsigned char pre_select_for_new_projects; /* 0/1 */
    unsigned char using_secret_manager;        /* 0/1 */
    size_t project_id_count;
    char project_ids[APCONN_MAX_PROJECT_IDS][APCONN_ID_SIZE];
    char platform_id[APCONN_ID_SIZE];
    char owner_id[APCONN_ID_SIZE];
    apconn_owner owner;
    char metadata[APCONN_METADATA_SIZE]; /* the metadata object as compact JSON text */
    size_t flow_id_count;
    char flow_ids[APCONN_MAX_FLOW_IDS][APCONN_ID_SIZE];
    /* Optional fields: absent, null or set. Required-by-schema fields that a
       lenient server left out read as absent too (has_* for them below). */
    apconn_presence has_created, has_updated, has_external_id, has_display_name, has_piece_name,
        has_piece_version, has_type, has_scope, has_status, has_pre_select_for_new_projects,
        has_using_secret_manager, has_project_ids, has_platform_id, has_owner_id, has_owner,
        has_metadata, has_flow_ids;
} apconn_connection;

/* One page of a list (SeekPage). The items stay in the client's work buffer
   and are mapped one at a time by apconn_page_next(), so a page of any length
   needs only one apconn_connection. The page is valid until the next call on
   the same client; next/previous are copies and survive it. */
typedef struct apconn_page {
    char next[APCONN_CURSOR_SIZE];
    char previous[APCONN_CURSOR_SIZE];
    apconn_presence has_next, has_previous; /* null is the normal "no more pages" */
    size_t count;                           /* items in data[] */
    /* iteration state, private */
    const char *apconn__json;
    const apconn_token *apconn__tokens;
    int apconn__next_token; /* token index of the next item */
    size_t apconn__index;   /* items visited */
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
              timeout_ms; another negative status on failure.
     close:   always succeeds; called after any error and before reconnecting.
     now_ms:  a monotonic millisecond clock; wraps at 2^32 (handled).
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
    unsigned max_retries;            /* extra attempts after the first */
    unsigned char retry_unsafe_post; /* 1 = POST may be resent after it may have been processed */
    apconn_log_fn log;
    void *log_ctx;
    /* connection state, private */
    unsigned char apconn__connected;
    unsigned apconn__requests_on_connection;
} apconn_client;

/* ----- Requests ---------------------------------------------------------- */
typedef enum apconn_tristate { APCONN_UNSET = 0, APCONN_FALSE = 1, APCONN_TRUE = 2 } apconn_tristate;
typedef enum apconn_oauth2_auth_method { APCONN_AUTH_METHOD_UNSET = 0, APCONN_AUTH_METHOD_HEADER, APCONN_AUTH_METHOD_BODY } apconn_oauth2_auth_method;
typedef enum apconn_oauth2_grant_type { APCONN_GRANT_UNSET = 0, APCONN_GRANT_AUTHORIZATION_CODE, APCONN_GRANT_CLIENT_CREDENTIALS } apconn_oauth2_grant_type;

/* The credentials. Fill the members the type needs (spec section 3.2);
   NULL means "not sent". Alternatively set value_json to the value object
   WITHOUT its "type" member (the library adds it and checks the required
   members); the typed members are then ignored. */
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
    int set_project_ids;      /* nonzero: project_ids REPLACES the list ([] allowed) */
    const char *const *project_ids;
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
APCONN_API const char *apconn_strerror(apconn_status status);
/* One readable line: "<strerror>[: HTTP 404][ ENTITY_NOT_FOUND][: message][ (field x)][ at byte n]".
   Returns the length it wanted (like snprintf); always NUL-terminates when size > 0. */
APCONN_API size_t apconn_error_format(const apconn_error *err, char *buf, size_t size);

/* JSON writer */
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

/* Strict RFC 8259 validator: APCONN_OK iff `json` is exactly one JSON value
   (surrounding whitespace allowed), valid UTF-8, nested at most
   APCONN_JSON_MAX_DEPTH deep. `err_offset` (may be NULL) gets the byte offset
   of the first problem. */
APCONN_API apconn_status apconn_json_validate(const char *json, size_t len);
APCONN_API apconn_status apconn_json_validate_at(const char *json, size_t len, size_t *err_offset);

/* Readers: validate strictly, tokenize into `tokens`, map into the struct.
   Unknown keys are ignored at any depth; key order does not matter. */
APCONN_API apconn_status apconn_parse_connection(const char *json, size_t len, apconn_token *tokens,
                                                 size_t token_count, apconn_connection *out, apconn_error *err);
APCONN_API apconn_status apconn_parse_page(const char *json, size_t len, apconn_token *tokens, size_t token_count,
                                           apconn_page *out, apconn_error *err);
/* APCONN_OK and *out filled; APCONN_END after the last item; or an error
   naming the field ("data[2].owner"). */
APCONN_API apconn_status apconn_page_next(apconn_page *page, apconn_connection *out, apconn_error *err);
/* Fills err->code and err->message from either error body shape; returns
   APCONN_OK if the body was one of them. */
APCONN_API apconn_status apconn_parse_error_body(const char *json, size_t len, apconn_token *tokens,
                                                 size_t token_count, apconn_error *err);

/* Enum names as the server spells them ("SECRET_TEXT"); NULL when unknown. */
APCONN_API const char *apconn_type_name(apconn_connection_type type);
APCONN_API const char *apconn_connection_status_name(apconn_connection_status status);
APCONN_API const char *apconn_scope_name(apconn_scope scope);
/* Parses "SECRET_TEXT" etc.; APCONN_TYPE_UNKNOWN when not one of the 8. */
APCONN_API apconn_connection_type apconn_type_from_name(const char *name);

/* Client */
APCONN_API apconn_status apconn_client_init(apconn_client *c, const char *base_url, const char *api_key,
                                            const apconn_transport *transport, void *work, size_t work_size,
                                            apconn_token *tokens, size_t token_count);
/* Closes the connection (if any) and wipes the work buffer. */
APCONN_API void apconn_client_close(apconn_client *c);
/* One HTTP exchange with deadline, keep-alive and retries. `path` is below
   the base path ("/v1/global-connections"), `query` is "" or "a=b&c=d"
   (already encoded), body may be NULL. The response stays in the work buffer. */
APCONN_API apconn_status apconn_http_request(apconn_client *c, const char *method, const char *path,
                                             const char *query, const char *body, size_t body_len,
                                             apconn_response *resp, apconn_error *err);

/* The four calls (spec sections 3, 4, 5, 9). */
APCONN_API apconn_status apconn_connection_upsert(apconn_client *c, const apconn_upsert_request *req,
                                                  apconn_connection *out, apconn_error *err);
APCONN_API apconn_status apconn_connection_update(apconn_client *c, const char *id,
                                                  const apconn_update_request *req, apconn_connection *out,
                                                  apconn_error *err);
APCONN_API apconn_status apconn_connection_list(apconn_client *c, const apconn_list_request *req,
                                                apconn_page *page, apconn_error *err);
/* APCONN_OK when deleted now (204); APCONN_ERR_NOT_FOUND when the server says
   it does not exist (404: already gone, or never existed). */
APCONN_API apconn_status apconn_connection_delete(apconn_client *c, const char *id, apconn_error *err);

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

#ifndef APCONN_ASSERT
#include <assert.h>
#define APCONN_ASSERT(x) assert(x)
#endif

#ifndef JSMN_H
#define JSMN_STATIC
#include "jsmn.h"
#endif

#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ----- 4.1 Small utilities: status strings, wipe, UTF-8 ------------------ */
/* @@SECTION utilities (owner: json) */

/* ----- 4.2 JSON writer ----------------------------------------------------- */
/* @@SECTION writer (owner: json) */

/* ----- 4.3 JSON validator -------------------------------------------------- */
/* @@SECTION validator (owner: json) */

/* ----- 4.4 Reader: jsmn tokens -> static structs --------------------------- */
/* @@SECTION reader (owner: json) */

/* ----- 4.5 HTTP/1.1: request head, response parser, exchange --------------- */
/* @@SECTION http (owner: http) */

/* ----- 4.6 The four global-connection calls -------------------------------- */
/* @@SECTION api (owner: http) */

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
