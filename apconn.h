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
    X(APCONN_ERR_JSON_DUPLICATE, -32, "JSON object has the same known key twice")                 \
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
/* Private helpers shared by every section (the HTTP section uses them too):
     apconn__error_set(err, status, offset)   records status + byte offset, returns status
     apconn__error_field(err, name, len)      appends to err->field (cut at a UTF-8 boundary)
     apconn__text_copy(dst, size, src, len)   bounded copy, NUL-terminated, cut at a UTF-8
                                              boundary; returns 1 when it had to cut, e.g.
           err->message_truncated = (unsigned char)apconn__text_copy(err->message,
                                        sizeof err->message, text, len);
     apconn__utf8_decode(s, n, &cp)           one RFC 3629 code point; 0 = invalid
     apconn__utf8_encode(cp, out)             code point -> 1..4 bytes
     apconn__dec(v, tmp)                      unsigned decimal, no printf
   Every err argument may be NULL. */
#define APCONN__STATUS_CASE(name, value, text) case name: return text;
APCONN_API const char *apconn_strerror(apconn_status status) {
    switch (status) {
        APCONN_STATUS_LIST(APCONN__STATUS_CASE)
    default: return "unknown status";
    }
}
#undef APCONN__STATUS_CASE

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

static int apconn__text_copy(char *dst, size_t size, const char *src, size_t len) {
    size_t n = len < size ? len : size - 1;
    if (size == 0) return len > 0;
    memcpy(dst, src, n);
    if (n < len) n = apconn__utf8_cut(dst, n);
    dst[n] = '\0';
    return n < len;
}

/* Writes v in decimal to the END of tmp[20]; returns the first digit. */
static char *apconn__dec(uint64_t v, char *tmp_end) {
    do { *--tmp_end = (char)('0' + v % 10); v /= 10; } while (v);
    return tmp_end;
}

static apconn_status apconn__error_set(apconn_error *err, apconn_status status, size_t offset) {
    if (err) { err->status = status; err->offset = offset; }
    return status;
}

static void apconn__error_field(apconn_error *err, const char *name, size_t len) {
    size_t used;
    if (!err) return;
    used = strlen(err->field);
    apconn__text_copy(err->field + used, sizeof err->field - used, name, len);
}


/* ---- apconn_error_format: bounded appends that count what they wanted --- */
typedef struct apconn__out {
    char *buf;
    size_t size, len;
} apconn__out;

/* Control bytes become '?': server text must not break the one-line log. */
static void apconn__out_text(apconn__out *o, const char *s, size_t n) {
    size_t i;
    for (i = 0; i < n; i++, o->len++) {
        unsigned char c = (unsigned char)s[i];
        if (o->len + 1 < o->size) o->buf[o->len] = (char)(c < 0x20 || c == 0x7F ? '?' : c);
    }
}
static void apconn__out_str(apconn__out *o, const char *s) { apconn__out_text(o, s, strlen(s)); }
static void apconn__out_num(apconn__out *o, const char *before, uint64_t v) {
    char tmp[20], *p = apconn__dec(v, tmp + sizeof tmp);
    apconn__out_str(o, before);
    apconn__out_text(o, p, (size_t)(tmp + sizeof tmp - p));
}

APCONN_API size_t apconn_error_format(const apconn_error *err, char *buf, size_t size) {
    apconn__out o;
    o.buf = buf; o.size = buf ? size : 0; o.len = 0;
    if (!err) { apconn__out_str(&o, "no error details"); }
    else {
        apconn__out_str(&o, apconn_strerror(err->status));
        if (err->http_status) apconn__out_num(&o, ": HTTP ", (uint64_t)err->http_status);
        if (err->code[0]) { apconn__out_str(&o, " "); apconn__out_str(&o, err->code); }
        if (err->message[0]) { apconn__out_str(&o, ": "); apconn__out_str(&o, err->message); }
        if (err->field[0]) { apconn__out_str(&o, " (field "); apconn__out_str(&o, err->field); apconn__out_str(&o, ")"); }
        if (err->offset) apconn__out_num(&o, " at byte ", (uint64_t)err->offset);
    }
    if (o.size) {
        size_t n = o.len < o.size ? o.len : apconn__utf8_cut(buf, o.size - 1);
        buf[n] = '\0';
    }
    return o.len;
}

/* ---- enum names, exactly as the server spells them (spec §3.1, §6) ---- */
typedef struct apconn__enum {
    const char *const *names;
    unsigned char count;
    unsigned char bits; /* 1: value = 1 << index (status filter bits); 0: index + 1 */
} apconn__enum;
static const char *const apconn__type_names[] = {"SECRET_TEXT", "BASIC_AUTH", "CUSTOM_AUTH", "OAUTH2",
                                                 "CLOUD_OAUTH2", "PLATFORM_OAUTH2", "OIDC", "NO_AUTH"};
static const char *const apconn__scope_names[] = {"PROJECT", "PLATFORM"};
static const char *const apconn__status_names[] = {"ACTIVE", "MISSING", "ERROR"};
static const char *const apconn__user_status_names[] = {"ACTIVE", "INACTIVE"};
static const char *const apconn__role_names[] = {"ADMIN", "MEMBER", "OPERATOR"};
enum { APCONN__ENUM_TYPE, APCONN__ENUM_SCOPE, APCONN__ENUM_STATUS, APCONN__ENUM_USER_STATUS, APCONN__ENUM_ROLE };
static const apconn__enum apconn__enums[] = {
    {apconn__type_names, 8, 0}, {apconn__scope_names, 2, 0}, {apconn__status_names, 3, 1},
    {apconn__user_status_names, 2, 0}, {apconn__role_names, 3, 0}};

static const char *apconn__enum_name(unsigned which, unsigned value) {
    const apconn__enum *e = &apconn__enums[which];
    unsigned i;
    for (i = 0; i < e->count; i++)
        if (value == (e->bits ? 1u << i : i + 1)) return e->names[i];
    return NULL;
}

/* Returns the enum value of name[0..len), 0 (the UNKNOWN member) if none. */
static unsigned apconn__enum_value(unsigned which, const char *name, size_t len) {
    const apconn__enum *e = &apconn__enums[which];
    unsigned i;
    for (i = 0; i < e->count; i++)
        if (strlen(e->names[i]) == len && memcmp(e->names[i], name, len) == 0) return e->bits ? 1u << i : i + 1;
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
    return name ? (apconn_connection_type)apconn__enum_value(APCONN__ENUM_TYPE, name, strlen(name))
                : APCONN_TYPE_UNKNOWN;
}

/* ----- 4.2 JSON writer ----------------------------------------------------- */
/* Every public writer call runs as: apconn__w_enter (sticky-error check,
   call count, rollback mark) -> state check -> apconn__w_put... ->
   apconn__w_leave. A call that fails leaves `len` and the text exactly as
   they were before it, so no half token is ever visible. */
#define APCONN__W_OBJECT 1u   /* level is an object (else an array) */
#define APCONN__W_HAS_ITEM 2u /* a member/element was written: next needs ',' */
#define APCONN__W_AFTER_KEY 4u /* a key was written: a value must follow */

static int apconn__w_enter(apconn_json_writer *w, size_t *mark) {
    w->calls++;
    *mark = w->len;
    return w->status == APCONN_OK;
}

static void apconn__w_fail(apconn_json_writer *w, apconn_status status) {
    if (w->status == APCONN_OK) { w->status = status; w->failed_call = w->calls; }
}

/* Appends n bytes if they fit together with the NUL, else fails. */
static void apconn__w_put(apconn_json_writer *w, const char *s, size_t n) {
    if (w->status != APCONN_OK) return;
    if (w->size == 0 || n >= w->size - w->len) { apconn__w_fail(w, APCONN_ERR_BUFFER_FULL); return; }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static int apconn__w_leave(apconn_json_writer *w, size_t mark) {
    if (w->status != APCONN_OK) w->len = mark;
    if (w->size) w->buf[w->len] = '\0';
    return w->status == APCONN_OK;
}

/* Checks that a value may come now and writes the ',' it needs. */
static void apconn__w_value_start(apconn_json_writer *w) {
    unsigned char top;
    if (w->depth == 0) {
        if (w->top_state) apconn__w_fail(w, APCONN_ERR_WRITER_STATE); /* second root value */
        return;
    }
    top = w->stack[w->depth - 1];
    if ((top & APCONN__W_OBJECT) && !(top & APCONN__W_AFTER_KEY)) apconn__w_fail(w, APCONN_ERR_WRITER_STATE);
    else if (!(top & APCONN__W_OBJECT) && (top & APCONN__W_HAS_ITEM)) apconn__w_put(w, ",", 1);
}

static void apconn__w_value_done(apconn_json_writer *w) {
    if (w->depth == 0) w->top_state = 1;
    else w->stack[w->depth - 1] = (unsigned char)((w->stack[w->depth - 1] & APCONN__W_OBJECT) | APCONN__W_HAS_ITEM);
}

/* Writes one scalar token (already formatted) as a value. */
static void apconn__w_scalar(apconn_json_writer *w, const char *s, size_t n) {
    size_t mark;
    if (!apconn__w_enter(w, &mark)) return;
    apconn__w_value_start(w);
    apconn__w_put(w, s, n);
    if (apconn__w_leave(w, mark)) apconn__w_value_done(w);
}

APCONN_API void apconn_json_init(apconn_json_writer *w, char *buf, size_t size) {
    memset(w, 0, sizeof *w);
    w->buf = buf;
    w->size = buf ? size : 0;
    w->status = APCONN_OK;
    if (w->size) buf[0] = '\0';
}

/* RFC 8259 §7: '"', '\\' and every control byte below 0x20 must be escaped;
   the short forms are used where they exist, else \u00XX. Input must be
   valid UTF-8 (RFC 8259 §8.1), checked sequence by sequence. */
static void apconn__w_quoted(apconn_json_writer *w, const char *s, size_t len) {
    static const char from[] = "\"\\\b\f\n\r\t", to[] = "\"\\bfnrt", hex[] = "0123456789abcdef";
    size_t i = 0, n;
    uint32_t cp;
    apconn__w_put(w, "\"", 1);
    while (i < len && w->status == APCONN_OK) {
        unsigned char c = (unsigned char)s[i];
        const char *e = c ? strchr(from, c) : NULL;
        if (e) {
            char esc[2];
            esc[0] = '\\'; esc[1] = to[e - from];
            apconn__w_put(w, esc, 2); n = 1;
        } else if (c < 0x20) {
            char esc[6];
            memcpy(esc, "\\u00", 4); esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
            apconn__w_put(w, esc, 6); n = 1;
        } else {
            n = apconn__utf8_decode((const unsigned char *)s + i, len - i, &cp);
            if (n == 0) { apconn__w_fail(w, APCONN_ERR_JSON_UTF8); break; }
            apconn__w_put(w, s + i, n);
        }
        i += n;
    }
    apconn__w_put(w, "\"", 1);
}

APCONN_API void apconn_json_key(apconn_json_writer *w, const char *key) {
    size_t mark;
    unsigned char top;
    if (!apconn__w_enter(w, &mark)) return;
    top = w->depth ? w->stack[w->depth - 1] : 0;
    if (!key) apconn__w_fail(w, APCONN_ERR_ARGUMENT);
    else if (!(top & APCONN__W_OBJECT) || (top & APCONN__W_AFTER_KEY)) apconn__w_fail(w, APCONN_ERR_WRITER_STATE);
    else if (top & APCONN__W_HAS_ITEM) apconn__w_put(w, ",", 1);
    if (key) apconn__w_quoted(w, key, strlen(key));
    apconn__w_put(w, ":", 1);
    if (apconn__w_leave(w, mark)) w->stack[w->depth - 1] = (unsigned char)(APCONN__W_OBJECT | APCONN__W_AFTER_KEY);
}

APCONN_API void apconn_json_string_len(apconn_json_writer *w, const char *s, size_t len) {
    size_t mark;
    if (!apconn__w_enter(w, &mark)) return;
    if (!s && len) apconn__w_fail(w, APCONN_ERR_ARGUMENT);
    apconn__w_value_start(w);
    apconn__w_quoted(w, s ? s : "", len);
    if (apconn__w_leave(w, mark)) apconn__w_value_done(w);
}

APCONN_API void apconn_json_string(apconn_json_writer *w, const char *s) {
    if (!s) { w->calls++; apconn__w_fail(w, APCONN_ERR_ARGUMENT); return; }
    apconn_json_string_len(w, s, strlen(s));
}

APCONN_API void apconn_json_int(apconn_json_writer *w, int64_t v) {
    char tmp[21], *p;
    /* magnitude in unsigned arithmetic, so INT64_MIN does not overflow */
    p = apconn__dec(v < 0 ? 0u - (uint64_t)v : (uint64_t)v, tmp + sizeof tmp);
    if (v < 0) *--p = '-';
    apconn__w_scalar(w, p, (size_t)(tmp + sizeof tmp - p));
}

APCONN_API void apconn_json_bool(apconn_json_writer *w, int v) {
    apconn__w_scalar(w, v ? "true" : "false", v ? 4 : 5);
}

APCONN_API void apconn_json_null(apconn_json_writer *w) { apconn__w_scalar(w, "null", 4); }

APCONN_API void apconn_json_raw(apconn_json_writer *w, const char *json, size_t len) {
    size_t mark;
    apconn_status st;
    if (!apconn__w_enter(w, &mark)) return;
    st = json ? apconn_json_validate(json, len) : APCONN_ERR_ARGUMENT;
    if (st != APCONN_OK) apconn__w_fail(w, st);
    apconn__w_value_start(w);
    if (json) apconn__w_put(w, json, len);
    if (apconn__w_leave(w, mark)) apconn__w_value_done(w);
}

static void apconn__w_open(apconn_json_writer *w, char c, unsigned char kind) {
    size_t mark;
    if (!apconn__w_enter(w, &mark)) return;
    apconn__w_value_start(w);
    if (w->depth >= APCONN_JSON_MAX_DEPTH) apconn__w_fail(w, APCONN_ERR_JSON_DEPTH);
    apconn__w_put(w, &c, 1);
    if (apconn__w_leave(w, mark)) w->stack[w->depth++] = kind;
}

static void apconn__w_close(apconn_json_writer *w, char c, unsigned char kind) {
    size_t mark;
    unsigned char top;
    if (!apconn__w_enter(w, &mark)) return;
    top = w->depth ? w->stack[w->depth - 1] : APCONN__W_AFTER_KEY;
    if ((top & APCONN__W_AFTER_KEY) || (top & APCONN__W_OBJECT) != kind) apconn__w_fail(w, APCONN_ERR_WRITER_STATE);
    apconn__w_put(w, &c, 1);
    if (apconn__w_leave(w, mark)) { w->depth--; apconn__w_value_done(w); }
}

APCONN_API void apconn_json_object_begin(apconn_json_writer *w) { apconn__w_open(w, '{', APCONN__W_OBJECT); }
APCONN_API void apconn_json_object_end(apconn_json_writer *w) { apconn__w_close(w, '}', APCONN__W_OBJECT); }
APCONN_API void apconn_json_array_begin(apconn_json_writer *w) { apconn__w_open(w, '[', 0); }
APCONN_API void apconn_json_array_end(apconn_json_writer *w) { apconn__w_close(w, ']', 0); }

APCONN_API apconn_status apconn_json_finish(apconn_json_writer *w, size_t *out_len) {
    size_t mark;
    if (apconn__w_enter(w, &mark) && (w->depth != 0 || !w->top_state)) apconn__w_fail(w, APCONN_ERR_WRITER_STATE);
    if (out_len) *out_len = w->len;
    return w->status;
}

/* ----- 4.3 JSON validator -------------------------------------------------- */
/* One strict pass, no recursion: the open containers live in a fixed stack
   of APCONN_JSON_MAX_DEPTH bytes. The string scanner below is shared with
   the reader, which passes a sink to receive the decoded text, so the
   escape and UTF-8 rules exist exactly once.
   NUL bytes: a raw NUL (like any raw byte below 0x20) is not allowed in a
   string by RFC 8259 §7 and is no token outside one, so it is
   APCONN_ERR_JSON_SYNTAX. The escape \u0000 is valid JSON and accepted here;
   the reader refuses it in a field with APCONN_ERR_JSON_NUL. */
typedef struct apconn__sink {
    char *buf;
    size_t size, len; /* size > 0; buf stays NUL-terminated */
} apconn__sink;

/* Appends one code point, whole or not at all (so text cut here is still
   valid UTF-8). U+0000 would end a C string early: refused. */
static apconn_status apconn__sink_put(apconn__sink *k, uint32_t cp) {
    char tmp[4];
    size_t n;
    if (cp == 0) return APCONN_ERR_JSON_NUL;
    n = apconn__utf8_encode(cp, tmp);
    if (n >= k->size - k->len) return APCONN_ERR_FIELD_TOO_LONG;
    memcpy(k->buf + k->len, tmp, n);
    k->len += n;
    k->buf[k->len] = '\0';
    return APCONN_OK;
}

static int apconn__hex4(const char *s, size_t len, size_t p, uint32_t *out) {
    size_t i;
    uint32_t v = 0;
    if (p > len || len - p < 4) return 0;
    for (i = 0; i < 4; i++) {
        unsigned c = (unsigned char)s[p + i], l = c | 0x20;
        unsigned d = c >= '0' && c <= '9' ? c - '0' : l >= 'a' && l <= 'f' ? l - 'a' + 10 : 16;
        if (d > 15) return 0;
        v = (v << 4) | d;
    }
    *out = v;
    return 1;
}

/* Decodes the escape at s[*pos] == '\\' (RFC 8259 §7). A UTF-16 surrogate
   pair becomes one code point; a lone or mispaired surrogate is refused,
   because it has no UTF-8 form (RFC 3629 §3). */
static apconn_status apconn__json_escape(const char *s, size_t len, size_t *pos, uint32_t *cp) {
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    size_t p = *pos + 1;
    const char *e;
    uint32_t lo;
    if (p >= len) return APCONN_ERR_JSON_ESCAPE;
    if (s[p] != 'u') {
        e = s[p] ? strchr(from, s[p]) : NULL;
        if (!e) return APCONN_ERR_JSON_ESCAPE;
        *cp = (unsigned char)to[e - from];
        *pos = p + 1;
        return APCONN_OK;
    }
    if (!apconn__hex4(s, len, p + 1, cp) || (*cp >= 0xDC00 && *cp <= 0xDFFF)) return APCONN_ERR_JSON_ESCAPE;
    p += 5;
    if (*cp >= 0xD800 && *cp <= 0xDBFF) {
        if (len - p < 6 || s[p] != '\\' || s[p + 1] != 'u' || !apconn__hex4(s, len, p + 2, &lo) || lo < 0xDC00 ||
            lo > 0xDFFF)
            return APCONN_ERR_JSON_ESCAPE;
        *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
        p += 6;
    }
    *pos = p;
    return APCONN_OK;
}

/* Scans the string whose opening quote is at s[*pos]. On success *pos is
   just past the closing quote; on failure it is the offset of the problem.
   With a sink, the decoded text is written to it as well. */
static apconn_status apconn__json_string(const char *s, size_t len, size_t *pos, apconn__sink *out) {
    size_t p = *pos + 1, q;
    uint32_t cp;
    apconn_status st = APCONN_OK;
    for (;;) {
        unsigned char c = p < len ? (unsigned char)s[p] : 0;
        if (p >= len || c < 0x20) { st = APCONN_ERR_JSON_SYNTAX; break; } /* unterminated or raw control */
        if (c == '"') { p++; break; }
        q = p;
        if (c == '\\') st = apconn__json_escape(s, len, &q, &cp);
        else if ((q += apconn__utf8_decode((const unsigned char *)s + p, len - p, &cp)) == p) st = APCONN_ERR_JSON_UTF8;
        if (st == APCONN_OK && out) st = apconn__sink_put(out, cp);
        if (st != APCONN_OK) break;
        p = q;
    }
    *pos = p;
    return st;
}

static size_t apconn__json_ws(const char *s, size_t len, size_t p) {
    while (p < len && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r')) p++;
    return p;
}

static size_t apconn__digits(const char *s, size_t len, size_t p) {
    while (p < len && s[p] >= '0' && s[p] <= '9') p++;
    return p;
}

/* RFC 8259 §6: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?
   A leading zero ends the integer part, so "01" fails on the '1' after it. */
static apconn_status apconn__json_number(const char *s, size_t len, size_t *pos) {
    size_t p = *pos + (s[*pos] == '-'), q;
    q = p < len && s[p] == '0' ? p + 1 : apconn__digits(s, len, p);
    if (q > p && q < len && s[q] == '.') {
        p = q + 1;
        q = apconn__digits(s, len, p);
    }
    if (q > p && q < len && (s[q] | 0x20) == 'e') {
        p = q + 1 + (q + 1 < len && (s[q + 1] == '+' || s[q + 1] == '-'));
        q = apconn__digits(s, len, p);
    }
    *pos = q > p ? q : p;
    return q > p ? APCONN_OK : APCONN_ERR_JSON_SYNTAX;
}

static apconn_status apconn__json_scalar(const char *s, size_t len, size_t *pos) {
    static const char *const literals[3] = {"true", "false", "null"};
    char c = s[*pos];
    size_t i, n;
    if (c == '"') return apconn__json_string(s, len, pos, NULL);
    if (c == '-' || (c >= '0' && c <= '9')) return apconn__json_number(s, len, pos);
    for (i = 0; i < 3; i++) {
        n = strlen(literals[i]);
        if (len - *pos >= n && memcmp(s + *pos, literals[i], n) == 0) { *pos += n; return APCONN_OK; }
    }
    return APCONN_ERR_JSON_SYNTAX;
}

/* An object member's name and the ':' after it. */
static apconn_status apconn__json_member(const char *s, size_t len, size_t *pos) {
    apconn_status st = *pos < len && s[*pos] == '"' ? apconn__json_string(s, len, pos, NULL) : APCONN_ERR_JSON_SYNTAX;
    if (st != APCONN_OK) return st;
    *pos = apconn__json_ws(s, len, *pos);
    if (*pos >= len || s[*pos] != ':') return APCONN_ERR_JSON_SYNTAX;
    *pos = apconn__json_ws(s, len, *pos + 1);
    return APCONN_OK;
}

/* A value is expected at *pos: opens a container or scans a scalar.
   Sets *done when a complete value ends at *pos. */
static apconn_status apconn__json_value(const char *s, size_t len, size_t *pos, unsigned char *stack, unsigned *depth,
                                        int *done) {
    char c = s[*pos];
    *done = 1;
    if (c != '{' && c != '[') return apconn__json_scalar(s, len, pos);
    if (*depth >= APCONN_JSON_MAX_DEPTH) return APCONN_ERR_JSON_DEPTH;
    stack[(*depth)++] = (unsigned char)(c == '{');
    *pos = apconn__json_ws(s, len, *pos + 1);
    if (*pos < len && s[*pos] == (c == '{' ? '}' : ']')) { (*depth)--; (*pos)++; return APCONN_OK; }
    *done = 0;
    return c == '{' ? apconn__json_member(s, len, pos) : APCONN_OK;
}

APCONN_API apconn_status apconn_json_validate_at(const char *json, size_t len, size_t *err_offset) {
    unsigned char stack[APCONN_JSON_MAX_DEPTH]; /* 1 = object, 0 = array */
    unsigned depth = 0;
    size_t p = 0;
    int done = 0;
    apconn_status st = json ? APCONN_OK : APCONN_ERR_ARGUMENT;
    while (st == APCONN_OK) {
        p = apconn__json_ws(json, len, p);
        if (!done) {
            st = p < len ? apconn__json_value(json, len, &p, stack, &depth, &done) : APCONN_ERR_JSON_SYNTAX;
        } else if (depth == 0) {
            if (p != len) st = APCONN_ERR_JSON_SYNTAX; /* RFC 8259 §2: exactly one value */
            break;
        } else if (p < len && json[p] == ',') {
            p = apconn__json_ws(json, len, p + 1);
            done = 0;
            if (stack[depth - 1]) st = apconn__json_member(json, len, &p);
        } else if (p < len && json[p] == (stack[depth - 1] ? '}' : ']')) {
            depth--;
            p++;
        } else {
            st = APCONN_ERR_JSON_SYNTAX;
        }
    }
    if (err_offset) *err_offset = st == APCONN_OK ? 0 : p;
    return st;
}

APCONN_API apconn_status apconn_json_validate(const char *json, size_t len) {
    return apconn_json_validate_at(json, len, NULL);
}

/* ----- 4.4 Reader: jsmn tokens -> static structs --------------------------- */
/* The reader never trusts jsmn with raw input: apconn_json_validate() runs
   first, so jsmn (non-strict by default) only ever sees strict RFC 8259 text
   and its tokens are well formed. Mapping is table driven: one row per JSON
   key, walked by one mapper (apconn__map_object) that keeps nested objects
   on an explicit two-level frame stack instead of recursing.
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
   - metadata is kept as compact JSON text: whitespace outside strings is
     dropped while copying, everything else is copied verbatim.
   - apconn_parse_* and apconn_page_next clear *err first; the caller sets
     http_status afterwards if it has one. */
#include <limits.h>

/* apconn_token is jsmntok_t's storage: same size and member offsets
   (a negative array size stops the build otherwise, C99 has no static_assert). */
typedef char apconn__token_layout_check[(sizeof(apconn_token) == sizeof(jsmntok_t) &&
                                         offsetof(apconn_token, start) == offsetof(jsmntok_t, start) &&
                                         offsetof(apconn_token, end) == offsetof(jsmntok_t, end) &&
                                         offsetof(apconn_token, size) == offsetof(jsmntok_t, size))
                                            ? 1
                                            : -1];
/* The string-array rows find their count just before the array. */
typedef char apconn__count_layout_check
    [(offsetof(apconn_connection, project_ids) == offsetof(apconn_connection, project_id_count) + sizeof(size_t) &&
      offsetof(apconn_connection, flow_ids) == offsetof(apconn_connection, flow_id_count) + sizeof(size_t) &&
      APCONN_MAX_PROJECT_IDS < 256 && APCONN_MAX_FLOW_IDS < 256 && sizeof(apconn_connection) < 0xFFFF)
         ? 1
         : -1];

enum {
    APCONN__F_TEXT,        /* string -> char[size], escapes decoded */
    APCONN__F_ID,          /* like TEXT, [A-Za-z0-9_-] only */
    APCONN__F_ENUM,        /* string -> enum via apconn__enums[aux] */
    APCONN__F_BOOL,        /* true/false -> unsigned char 1/0 */
    APCONN__F_IDS,         /* array of ids -> char[aux][size] + size_t count before it */
    APCONN__F_OBJECT_TEXT, /* object -> its compact JSON text */
    APCONN__F_OBJECT,      /* object -> nested struct, mapped with table aux */
    APCONN__F_ITEMS,       /* the page's data array: remembered, mapped later */
    APCONN__F_REQUIRED = 0x80
};
#define APCONN__NONE 0xFFFFu /* row has no presence member */

typedef struct apconn__field {
    const char *key;
    unsigned char kind, aux;
    uint16_t offset, size, presence;
} apconn__field;

#define APCONN__ROW(key, kind, aux, type, member, has)                                                        \
    {key, (unsigned char)(kind), (unsigned char)(aux), (uint16_t)offsetof(type, member),                      \
     (uint16_t)sizeof(((type *)0)->member), (uint16_t)(has)}
#define APCONN__C(key, kind, aux, member, has)                                                                 \
    APCONN__ROW(key, kind, aux, apconn_connection, member, offsetof(apconn_connection, has))
#define APCONN__C0(key, kind, aux, member) APCONN__ROW(key, kind, aux, apconn_connection, member, APCONN__NONE)
#define APCONN__O(key, kind, aux, member, has) APCONN__ROW(key, kind, aux, apconn_owner, member, offsetof(apconn_owner, has))
#define APCONN__O0(key, kind, aux, member) APCONN__ROW(key, kind, aux, apconn_owner, member, APCONN__NONE)

enum { APCONN__TABLE_CONNECTION, APCONN__TABLE_OWNER, APCONN__TABLE_PAGE };

/* spec §6, AppConnectionWithoutSensitiveData */
static const apconn__field apconn__connection_fields[] = {
    APCONN__C0("id", APCONN__F_ID | APCONN__F_REQUIRED, 0, id),
    APCONN__C("created", APCONN__F_TEXT, 0, created, has_created),
    APCONN__C("updated", APCONN__F_TEXT, 0, updated, has_updated),
    APCONN__C("externalId", APCONN__F_TEXT, 0, external_id, has_external_id),
    APCONN__C("displayName", APCONN__F_TEXT, 0, display_name, has_display_name),
    APCONN__C("pieceName", APCONN__F_TEXT, 0, piece_name, has_piece_name),
    APCONN__C("pieceVersion", APCONN__F_TEXT, 0, piece_version, has_piece_version),
    APCONN__C("type", APCONN__F_ENUM, APCONN__ENUM_TYPE, type, has_type),
    APCONN__C("scope", APCONN__F_ENUM, APCONN__ENUM_SCOPE, scope, has_scope),
    APCONN__C("status", APCONN__F_ENUM, APCONN__ENUM_STATUS, status, has_status),
    APCONN__C("preSelectForNewProjects", APCONN__F_BOOL, 0, pre_select_for_new_projects,
              has_pre_select_for_new_projects),
    APCONN__C("usingSecretManager", APCONN__F_BOOL, 0, using_secret_manager, has_using_secret_manager),
    APCONN__C("projectIds", APCONN__F_IDS, APCONN_MAX_PROJECT_IDS, project_ids[0], has_project_ids),
    APCONN__C("platformId", APCONN__F_ID, 0, platform_id, has_platform_id),
    APCONN__C("ownerId", APCONN__F_ID, 0, owner_id, has_owner_id),
    APCONN__C("owner", APCONN__F_OBJECT, APCONN__TABLE_OWNER, owner, has_owner),
    APCONN__C("metadata", APCONN__F_OBJECT_TEXT, 0, metadata, has_metadata),
    APCONN__C("flowIds", APCONN__F_IDS, APCONN_MAX_FLOW_IDS, flow_ids[0], has_flow_ids),
};
static const apconn__field apconn__owner_fields[] = {
    APCONN__O0("id", APCONN__F_ID | APCONN__F_REQUIRED, 0, id),
    APCONN__O0("email", APCONN__F_TEXT, 0, email),
    APCONN__O0("firstName", APCONN__F_TEXT, 0, first_name),
    APCONN__O0("lastName", APCONN__F_TEXT, 0, last_name),
    APCONN__O0("status", APCONN__F_ENUM, APCONN__ENUM_USER_STATUS, status),
    APCONN__O0("platformRole", APCONN__F_ENUM, APCONN__ENUM_ROLE, platform_role),
    APCONN__O0("created", APCONN__F_TEXT, 0, created),
    APCONN__O0("updated", APCONN__F_TEXT, 0, updated),
    APCONN__O("externalId", APCONN__F_TEXT, 0, external_id, has_external_id),
    APCONN__O("platformId", APCONN__F_ID, 0, platform_id, has_platform_id),
    APCONN__O("lastActiveDate", APCONN__F_TEXT, 0, last_active_date, has_last_active_date),
    APCONN__O("imageUrl", APCONN__F_TEXT, 0, image_url, has_image_url),
};
/* spec §6 page object (SeekPage) */
static const apconn__field apconn__page_fields[] = {
    APCONN__ROW("data", APCONN__F_ITEMS | APCONN__F_REQUIRED, 0, apconn_page, count, APCONN__NONE),
    APCONN__ROW("next", APCONN__F_TEXT, 0, apconn_page, next, offsetof(apconn_page, has_next)),
    APCONN__ROW("previous", APCONN__F_TEXT, 0, apconn_page, previous, offsetof(apconn_page, has_previous)),
};
static const struct {
    const apconn__field *rows;
    unsigned char count;
} apconn__tables[] = {
    {apconn__connection_fields, sizeof apconn__connection_fields / sizeof apconn__connection_fields[0]},
    {apconn__owner_fields, sizeof apconn__owner_fields / sizeof apconn__owner_fields[0]},
    {apconn__page_fields, sizeof apconn__page_fields / sizeof apconn__page_fields[0]},
};

#define APCONN__MAP_DEPTH 2 /* connection -> owner: the deepest mapped nesting */

typedef struct apconn__frame {
    const apconn__field *rows, *parent; /* parent: the row that opened this object */
    char *base;
    int tok, key, left; /* object token, next key token, keys not yet visited */
    uint32_t seen;      /* bit per row: key already mapped */
    unsigned char count;
} apconn__frame;

typedef struct apconn__map {
    const char *json;
    const jsmntok_t *t;
    apconn_error *err;
    const char *prefix; /* "" or "data[2]." */
    int bad;            /* token the error is about */
    long index;         /* array index the error is about, or -1 */
} apconn__map;

/* Index of the first token after token i's whole subtree. Only called when
   such a token exists (another member or item follows). */
static int apconn__skip(const jsmntok_t *t, int i) {
    int end = t[i].end;
    for (i++; t[i].start < end; i++) {}
    return i;
}

/* Writes v into an enum or unsigned char member of the given size. */
static void apconn__store(char *p, size_t size, unsigned v) {
    unsigned char b = (unsigned char)v;
    uint16_t h = (uint16_t)v;
    memcpy(p, size == 1 ? (const void *)&b : size == 2 ? (const void *)&h : (const void *)&v, size);
}

/* Decodes the string token v into dst (RFC 8259 §7 escapes, surrogate pairs). */
static apconn_status apconn__map_text(const apconn__map *m, int v, char *dst, size_t size, size_t at) {
    apconn__sink k;
    size_t p = (size_t)m->t[v].start - 1;
    if (m->t[v].type != JSMN_STRING) return APCONN_ERR_JSON_TYPE;
    k.buf = dst; k.size = size; k.len = at;
    dst[at] = '\0';
    return apconn__json_string(m->json, (size_t)m->t[v].end + 1, &p, &k);
}

static apconn_status apconn__map_id(const apconn__map *m, int v, char *dst, size_t size) {
    apconn_status st = apconn__map_text(m, v, dst, size, 0);
    for (; st == APCONN_OK && *dst; dst++) {
        char c = (char)(*dst | 0x20);
        if (!((c >= 'a' && c <= 'z') || (*dst >= '0' && *dst <= '9') || *dst == '_' || *dst == '-'))
            st = APCONN_ERR_JSON_ENUM;
    }
    return st;
}

static apconn_status apconn__map_enum(const apconn__map *m, const apconn__field *f, char *base, int v) {
    char name[24];
    unsigned value;
    apconn_status st = apconn__map_text(m, v, name, sizeof name, 0);
    if (st == APCONN_ERR_JSON_TYPE) return st;
    value = st == APCONN_OK ? apconn__enum_value(f->aux, name, strlen(name)) : 0;
    apconn__store(base + f->offset, f->size, value);
    return value ? APCONN_OK : APCONN_ERR_JSON_ENUM;
}

static apconn_status apconn__map_ids(apconn__map *m, const apconn__field *f, char *base, int v) {
    long i, n = m->t[v].size;
    apconn_status st = APCONN_OK;
    if (m->t[v].type != JSMN_ARRAY) return APCONN_ERR_JSON_TYPE;
    for (i = 0; i < n && st == APCONN_OK; i++) {
        m->index = i;
        m->bad = v + 1 + (int)i; /* items are strings: no subtrees in between */
        st = i < f->aux ? apconn__map_id(m, m->bad, base + f->offset + (size_t)i * f->size, f->size)
                        : APCONN_ERR_TOO_MANY_ITEMS;
    }
    if (st == APCONN_OK) { m->index = -1; m->bad = v; }
    {
        size_t count = (size_t)(st == APCONN_OK ? n : 0);
        memcpy(base + f->offset - sizeof(size_t), &count, sizeof count);
    }
    return st;
}

/* Copies an object's JSON text, dropping whitespace outside strings. */
static apconn_status apconn__map_object_text(const apconn__map *m, int v, char *dst, size_t size) {
    const jsmntok_t *t = &m->t[v];
    int i, in_string = 0, escaped = 0;
    size_t n = 0;
    if (t->type != JSMN_OBJECT) return APCONN_ERR_JSON_TYPE;
    for (i = t->start; i < t->end; i++) {
        char c = m->json[i];
        if (!in_string && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) continue;
        if (n + 1 >= size) { dst[n] = '\0'; return APCONN_ERR_FIELD_TOO_LONG; }
        dst[n++] = c;
        if (escaped) escaped = 0;
        else if (c == '\\') escaped = 1;
        else if (c == '"') in_string = !in_string;
    }
    dst[n] = '\0';
    return APCONN_OK;
}

/* Maps one scalar/array value; nested objects are handled by the caller. */
static apconn_status apconn__map_value(apconn__map *m, const apconn__field *f, char *base, int v) {
    const jsmntok_t *t = &m->t[v];
    char *dst = base + f->offset;
    unsigned kind = f->kind & 0x7Fu;
    m->bad = v;
    m->index = -1;
    if (t->type == JSMN_PRIMITIVE && m->json[t->start] == 'n') {
        if (f->kind & APCONN__F_REQUIRED) return APCONN_ERR_JSON_MISSING;
        if (f->presence != APCONN__NONE) apconn__store(base + f->presence, sizeof(apconn_presence), APCONN_NULL);
        return APCONN_OK;
    }
    if (f->presence != APCONN__NONE) apconn__store(base + f->presence, sizeof(apconn_presence), APCONN_SET);
    switch (kind) {
    case APCONN__F_TEXT: return apconn__map_text(m, v, dst, f->size, 0);
    case APCONN__F_ID: return apconn__map_id(m, v, dst, f->size);
    case APCONN__F_ENUM: return apconn__map_enum(m, f, base, v);
    case APCONN__F_BOOL:
        if (t->type != JSMN_PRIMITIVE || (m->json[t->start] != 't' && m->json[t->start] != 'f'))
            return APCONN_ERR_JSON_TYPE;
        *dst = (char)(m->json[t->start] == 't');
        return APCONN_OK;
    case APCONN__F_IDS: return apconn__map_ids(m, f, base, v);
    case APCONN__F_OBJECT_TEXT: return apconn__map_object_text(m, v, dst, f->size);
    case APCONN__F_ITEMS:
        if (t->type != JSMN_ARRAY) return APCONN_ERR_JSON_TYPE;
        ((apconn_page *)(void *)base)->count = (size_t)t->size;
        ((apconn_page *)(void *)base)->apconn__next_token = v + 1;
        return APCONN_OK;
    default: return APCONN_ERR_JSON_TYPE; /* an object row given a non-object */
    }
}

/* Names the failing field ("data[2].owner.email", "projectIds[3]") and
   the byte offset of the token it is about. */
static apconn_status apconn__map_fail(const apconn__map *m, const apconn__frame *st, unsigned depth,
                                      const apconn__field *f, apconn_status status) {
    unsigned i;
    if (m->err) {
        m->err->field[0] = '\0';
        apconn__error_field(m->err, m->prefix, strlen(m->prefix));
        for (i = 1; i <= depth; i++) {
            apconn__error_field(m->err, st[i].parent->key, strlen(st[i].parent->key));
            apconn__error_field(m->err, ".", 1);
        }
        if (f) apconn__error_field(m->err, f->key, strlen(f->key));
        if (m->index >= 0) {
            char tmp[20], *p = apconn__dec((uint64_t)m->index, tmp + sizeof tmp);
            apconn__error_field(m->err, "[", 1);
            apconn__error_field(m->err, p, (size_t)(tmp + sizeof tmp - p));
            apconn__error_field(m->err, "]", 1);
        }
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
    f->key = tok + 1;
    f->left = m->t[tok].size;
    f->seen = 0;
}

static const apconn__field *apconn__find_row(const apconn__map *m, const apconn__frame *f, int key) {
    size_t len = (size_t)(m->t[key].end - m->t[key].start);
    unsigned i;
    for (i = 0; i < f->count; i++)
        if (strlen(f->rows[i].key) == len && memcmp(f->rows[i].key, m->json + m->t[key].start, len) == 0)
            return &f->rows[i];
    return NULL;
}

static const apconn__field *apconn__missing_row(const apconn__frame *f) {
    unsigned i;
    for (i = 0; i < f->count; i++)
        if ((f->rows[i].kind & APCONN__F_REQUIRED) && !(f->seen & (1ul << i))) return &f->rows[i];
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
        int v = f->key + 1;
        apconn_status status;
        if (f->left == 0) {
            m->bad = f->tok; m->index = -1;
            if ((row = apconn__missing_row(f)) != NULL) return apconn__map_fail(m, st, depth, row, APCONN_ERR_JSON_MISSING);
            if (depth-- == 0) return APCONN_OK;
            continue;
        }
        row = apconn__find_row(m, f, f->key);
        m->bad = f->key; m->index = -1;
        if (--f->left) f->key = apconn__skip(m->t, v);
        if (!row) continue;
        if (f->seen & (1ul << (row - f->rows))) return apconn__map_fail(m, st, depth, row, APCONN_ERR_JSON_DUPLICATE);
        f->seen |= 1ul << (row - f->rows);
        if ((row->kind & 0x7F) == APCONN__F_OBJECT && m->t[v].type == JSMN_OBJECT && depth + 1 < APCONN__MAP_DEPTH) {
            apconn__store(f->base + row->presence, sizeof(apconn_presence), APCONN_SET);
            apconn__frame_init(&st[depth + 1], m, row->aux, f->base + row->offset, v, row);
            depth++;
            continue;
        }
        status = apconn__map_value(m, row, f->base, v);
        if (status != APCONN_OK) return apconn__map_fail(m, st, depth, row, status);
    }
}

/* Strict validation, then jsmn into the caller's tokens. */
static apconn_status apconn__tokenize(const char *json, size_t len, apconn_token *tokens, size_t count,
                                      apconn_error *err) {
    jsmn_parser p;
    size_t off;
    int n;
    apconn_status st;
    if (!json || !tokens || len >= (size_t)INT_MAX) return apconn__error_set(err, APCONN_ERR_ARGUMENT, 0);
    st = apconn_json_validate_at(json, len, &off);
    if (st != APCONN_OK) return apconn__error_set(err, st, off);
    jsmn_init(&p);
    n = jsmn_parse(&p, json, len, (jsmntok_t *)(void *)tokens, count > UINT_MAX ? UINT_MAX : (unsigned)count);
    if (n == JSMN_ERROR_NOMEM) return apconn__error_set(err, APCONN_ERR_JSON_TOKENS, p.pos);
    return n < 1 ? apconn__error_set(err, APCONN_ERR_JSON_SYNTAX, p.pos) : APCONN_OK;
}

static void apconn__map_init(apconn__map *m, const char *json, const apconn_token *tokens, apconn_error *err,
                             const char *prefix) {
    m->json = json;
    m->t = (const jsmntok_t *)(const void *)tokens;
    m->err = err;
    m->prefix = prefix;
    m->index = -1;
    m->bad = 0;
}

/* The value at `tok` must be an object (the error names the prefix without its dot). */
static apconn_status apconn__map_root(apconn__map *m, unsigned table, char *base, int tok) {
    size_t n = strlen(m->prefix);
    if (m->t[tok].type == JSMN_OBJECT) return apconn__map_object(m, table, base, tok);
    if (m->err) apconn__text_copy(m->err->field, sizeof m->err->field, m->prefix, n ? n - 1 : 0);
    return apconn__error_set(m->err, APCONN_ERR_JSON_TYPE, (size_t)m->t[tok].start);
}

APCONN_API apconn_status apconn_parse_connection(const char *json, size_t len, apconn_token *tokens,
                                                 size_t token_count, apconn_connection *out, apconn_error *err) {
    apconn__map m;
    apconn_status st;
    if (err) memset(err, 0, sizeof *err);
    if (!out) return apconn__error_set(err, APCONN_ERR_ARGUMENT, 0);
    memset(out, 0, sizeof *out);
    st = apconn__tokenize(json, len, tokens, token_count, err);
    if (st != APCONN_OK) return st;
    apconn__map_init(&m, json, tokens, err, "");
    return apconn__map_root(&m, APCONN__TABLE_CONNECTION, (char *)out, 0);
}

APCONN_API apconn_status apconn_parse_page(const char *json, size_t len, apconn_token *tokens, size_t token_count,
                                           apconn_page *out, apconn_error *err) {
    apconn__map m;
    apconn_status st;
    if (err) memset(err, 0, sizeof *err);
    if (!out) return apconn__error_set(err, APCONN_ERR_ARGUMENT, 0);
    memset(out, 0, sizeof *out);
    st = apconn__tokenize(json, len, tokens, token_count, err);
    if (st != APCONN_OK) return st;
    apconn__map_init(&m, json, tokens, err, "");
    st = apconn__map_root(&m, APCONN__TABLE_PAGE, (char *)out, 0);
    if (st != APCONN_OK) { out->count = 0; return st; }
    out->apconn__json = json;
    out->apconn__tokens = tokens;
    return APCONN_OK;
}

/* A failing item is reported and skipped: the next call maps the next one. */
APCONN_API apconn_status apconn_page_next(apconn_page *page, apconn_connection *out, apconn_error *err) {
    char prefix[32] = "data[", tmp[20], *p;
    apconn__map m;
    apconn_status st;
    int tok;
    if (err) memset(err, 0, sizeof *err);
    if (!page || !out) return apconn__error_set(err, APCONN_ERR_ARGUMENT, 0);
    if (page->apconn__index >= page->count) return APCONN_END;
    memset(out, 0, sizeof *out);
    p = apconn__dec((uint64_t)page->apconn__index, tmp + sizeof tmp);
    memcpy(prefix + 5, p, (size_t)(tmp + sizeof tmp - p));
    memcpy(prefix + 5 + (tmp + sizeof tmp - p), "].", 3);
    apconn__map_init(&m, page->apconn__json, page->apconn__tokens, err, prefix);
    tok = page->apconn__next_token;
    st = apconn__map_root(&m, APCONN__TABLE_CONNECTION, (char *)out, tok);
    if (++page->apconn__index < page->count) page->apconn__next_token = apconn__skip(m.t, tok);
    return st;
}

/* ---- error bodies (spec §7) ---- */

/* Value token of `name` in the object at `obj`, or -1. */
static int apconn__member(const apconn__map *m, int obj, const char *name) {
    int key = obj + 1, left = m->t[obj].size;
    size_t len = strlen(name);
    for (; left > 0; left--) {
        if ((size_t)(m->t[key].end - m->t[key].start) == len && memcmp(m->json + m->t[key].start, name, len) == 0)
            return key + 1;
        if (left > 1) key = apconn__skip(m->t, key + 1);
    }
    return -1;
}

static int apconn__is(const apconn__map *m, int tok, jsmntype_t type) { return tok >= 0 && m->t[tok].type == type; }

/* Server text into a fixed field: cut at a code point boundary when it does not fit. */
static unsigned char apconn__copy_text(const apconn__map *m, int tok, char *dst, size_t size, size_t at) {
    return (unsigned char)(apconn__map_text(m, tok, dst, size, at) != APCONN_OK);
}

/* No message in params: renders its scalar members as "k=v k=v", e.g.
   "entityType=AppConnection entityId=Ab..." (a 404 on DELETE). */
static void apconn__render_params(const apconn__map *m, int obj, apconn_error *err) {
    int key = obj + 1, left = m->t[obj].size, v;
    unsigned char cut = 0;
    for (; left > 0 && !cut; left--) {
        const jsmntok_t *t = &m->t[key + 1];
        size_t used = strlen(err->message);
        v = key + 1;
        if (t->type == JSMN_STRING || t->type == JSMN_PRIMITIVE) {
            if (used) apconn__text_copy(err->message + used, sizeof err->message - used, " ", 1);
            cut = apconn__copy_text(m, key, err->message, sizeof err->message, strlen(err->message));
            used = strlen(err->message);
            cut |= (unsigned char)apconn__text_copy(err->message + used, sizeof err->message - used, "=", 1);
            used = strlen(err->message);
            cut |= t->type == JSMN_STRING
                       ? apconn__copy_text(m, v, err->message, sizeof err->message, used)
                       : (unsigned char)apconn__text_copy(err->message + used, sizeof err->message - used,
                                                          m->json + t->start, (size_t)(t->end - t->start));
        }
        if (left > 1) key = apconn__skip(m->t, v);
    }
    err->message_truncated = cut;
}

static apconn_status apconn__error_body_activepieces(const apconn__map *m, int code, int params, apconn_error *err) {
    int msg = apconn__member(m, params, "message");
    if (!apconn__is(m, msg, JSMN_STRING)) msg = apconn__member(m, params, "error");
    err->code_truncated = apconn__copy_text(m, code, err->code, sizeof err->code, 0);
    if (apconn__is(m, msg, JSMN_STRING))
        err->message_truncated = apconn__copy_text(m, msg, err->message, sizeof err->message, 0);
    else
        apconn__render_params(m, params, err);
    return APCONN_OK;
}

APCONN_API apconn_status apconn_parse_error_body(const char *json, size_t len, apconn_token *tokens,
                                                 size_t token_count, apconn_error *err) {
    apconn__map m;
    int code, params, fastify_error, message, status_code;
    apconn_status st;
    if (!err) return APCONN_ERR_ARGUMENT;
    err->code[0] = err->message[0] = '\0';
    err->code_truncated = err->message_truncated = 0;
    st = apconn__tokenize(json, len, tokens, token_count, NULL);
    if (st == APCONN_ERR_JSON_TOKENS || st == APCONN_ERR_ARGUMENT) return st;
    apconn__map_init(&m, json, tokens, NULL, "");
    if (st != APCONN_OK || m.t[0].type != JSMN_OBJECT) return APCONN_ERR_UNEXPECTED_RESPONSE;
    code = apconn__member(&m, 0, "code");
    params = apconn__member(&m, 0, "params");
    if (apconn__is(&m, code, JSMN_STRING) && apconn__is(&m, params, JSMN_OBJECT))
        return apconn__error_body_activepieces(&m, code, params, err);
    fastify_error = apconn__member(&m, 0, "error");
    message = apconn__member(&m, 0, "message");
    status_code = apconn__member(&m, 0, "statusCode");
    if (!apconn__is(&m, status_code, JSMN_PRIMITIVE) || json[m.t[status_code].start] == 't' ||
        json[m.t[status_code].start] == 'f' || json[m.t[status_code].start] == 'n' ||
        (!apconn__is(&m, fastify_error, JSMN_STRING) && !apconn__is(&m, message, JSMN_STRING)))
        return APCONN_ERR_UNEXPECTED_RESPONSE;
    if (!apconn__is(&m, code, JSMN_STRING)) code = fastify_error; /* e.g. 500: no code */
    if (!apconn__is(&m, message, JSMN_STRING)) message = fastify_error;
    if (apconn__is(&m, code, JSMN_STRING)) err->code_truncated = apconn__copy_text(&m, code, err->code, sizeof err->code, 0);
    if (apconn__is(&m, message, JSMN_STRING))
        err->message_truncated = apconn__copy_text(&m, message, err->message, sizeof err->message, 0);
    return APCONN_OK;
}

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
