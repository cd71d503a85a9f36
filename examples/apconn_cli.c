/* apconn_cli.c - the `apconn` command: Activepieces global connections from a shell.

   apconn [--url URL] [--ca FILE] [--timeout-ms N] [--retries N] [--verbose] COMMAND ...
     create --type TYPE --name NAME --piece PIECE [--value JSON | --value-file FILE|-]
            [--project ID]... [--external-id ID] [--piece-version V] [--metadata JSON] [--preselect]
     list   [--piece NAME] [--name TEXT] [--status S]... [--limit N] [--cursor C] [--cursor-file FILE] [--all]
     update ID --name NAME [--project ID]... [--metadata JSON] [--preselect true|false]
     delete ID
   apconn --version | --help | help [COMMAND] | COMMAND --help;  "--" ends the options.
   Manual: examples/apconn.1 (man apconn after make install).

   The API key comes only from the environment (APCONN_API_KEY), never from
   argv, which every user of the machine can read (ps). For the same reason
   --value-file - reads the credentials from stdin. Both are copied into static
   buffers, their original memory is overwritten, and the copies are wiped
   before exit.

   HTTPS goes through an HTTP proxy (CONNECT, platform/apconn_proxy.h) when
   https_proxy / HTTPS_PROXY is set and no_proxy / NO_PROXY does not match the
   host, like curl. The CA bundle is --ca, else $APCONN_CA_BUNDLE, else
   $SSL_CERT_FILE, else the system bundle.

   Exit status (by the status class, apconn_status_class(): cli_exit_for()):
     0 success; 2 bad usage or invalid input (nothing was sent);
     3 the server answered with an HTTP error (incl. 404 on delete);
     4 network, TLS, certificate, proxy or timeout failure;
     5 malformed, oversized or unexpected response.

   Memory: fixed, whatever the platform's size. `list` streams: apconn reads
   one connection at a time into the work buffer, and it is printed before the
   next is read, so a list of any length, with --all or not, runs in the same
   static buffers. What bounds the CLI is ONE connection: the work buffer and
   the token array below. A connection larger than that is reported (exit 5,
   naming the bytes or tokens it needs) and skipped; `list` goes on with the
   next ones. --project values are collected in place in argv: any number.

   Build: make cli (POSIX sockets + mbedTLS; no heap in this file). */
/* Sized for a connection shared with 10,000 projects, created then listed:
   the create request (24 bytes per id) and its response (the same again) sit
   in the work buffer together, ~0.5 MB; the listed connection needs ~60
   tokens plus one per project or flow id. So up to ~16,000 ids per connection
   work (measured: 16,300 created and listed).
   Defined before the first include of apconn.h, which the POSIX header does. */
#define APCONN_WORK_BUFFER_SIZE (1024u * 1024u) /* bytes: one request + one connection of the response */
#define APCONN_TOKEN_COUNT 16384                /* jsmn tokens (20 bytes each) of one connection */
#define APCONN_POSIX_IMPLEMENTATION            /* first: it picks the POSIX feature level */
#include "platform/apconn_posix.h"
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#define APCONN_MBEDTLS_IMPLEMENTATION
#include "platform/apconn_mbedtls.h"
#define APCONN_PROXY_IMPLEMENTATION
#include "platform/apconn_proxy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- limits of the CLI's own static buffers --------------------------------- */
#define APCONN_CLI_VALUE_SIZE (16u * 1024u)  /* bytes: --value / --value-file, incl. NUL */
#define APCONN_CLI_KEY_SIZE 4096u            /* bytes: APCONN_API_KEY (a JWT can be long) */
/* bytes: one output line, a connection as JSON. The CLI never prints more
   than the server sent for that connection (the writer escapes only what
   RFC 8259 requires, which the server had to escape too; metadata is copied
   verbatim), and a connection fits the work buffer: the same size will do. */
#define APCONN_CLI_OUT_SIZE APCONN_WORK_BUFFER_SIZE
#define APCONN_CLI_URL_SIZE 512u             /* bytes: --url */
#define APCONN_CLI_DEFAULT_URL "https://cloud.activepieces.com/api"
#define APCONN_CLI_DEFAULT_CA "/etc/ssl/certs/ca-certificates.crt"
#define APCONN_CLI_MAX_LIMIT 100ul           /* largest --limit: GET /v1/global-connections turns limit=0 into 100 */
#define APCONN_CLI_MAX_RETRIES 10ul          /* largest --retries */

enum { EXIT_OK = 0, EXIT_USAGE = 2, EXIT_HTTP = 3, EXIT_NETWORK = 4, EXIT_RESPONSE = 5 };
#define CLI_DONE 100 /* internal: help or version printed; the process exits 0 */

/* ---- options ------------------------------------------------------------------ */
typedef struct cli_options {
    const char *url, *ca, *ca_from; /* ca_from: where --ca's value came from, for messages */
    const char *cursor_file;
    uint32_t timeout_ms;
    unsigned retries;
    int verbose;
    const char *command;
    /* create / update / list / delete */
    const char *id, *type, *name, *piece, *value_arg, *value_file, *external_id, *piece_version, *metadata;
    char **projects; /* the --project values, gathered in place at argv[0..project_count) */
    size_t project_count;
    apconn_tristate preselect;
    const char *cursor;
    unsigned limit;
    unsigned statuses;
    int all;
} cli_options;

static unsigned char cli_work[APCONN_WORK_BUFFER_SIZE];
static apconn_token cli_tokens[APCONN_TOKEN_COUNT];
static char cli_value[APCONN_CLI_VALUE_SIZE];
static char cli_key[APCONN_CLI_KEY_SIZE];
static char cli_out[APCONN_CLI_OUT_SIZE];

static const char cli_usage_text[] =
    "usage: apconn [--url URL] [--ca FILE] [--timeout-ms N] [--retries N] [--verbose] COMMAND ...\n"
    "  create --type TYPE --name NAME --piece PIECE [--value JSON | --value-file FILE|-]\n"
    "         [--project ID]... [--external-id ID] [--piece-version V] [--metadata JSON] [--preselect]\n"
    "  list   [--piece NAME] [--name TEXT] [--status S]... [--limit N] [--cursor C] [--cursor-file FILE] [--all]\n"
    "  update ID --name NAME [--project ID]... [--metadata JSON] [--preselect true|false]\n"
    "  delete ID\n"
    "  apconn --version | apconn help [COMMAND] | apconn COMMAND --help\n";

static const char cli_help_text[] =
    "\n"
    "Manages Activepieces global connections (app connections with scope PLATFORM).\n"
    "\n"
    "Environment:\n"
    "  APCONN_API_KEY    the platform API key (sk-...); required; never give it in argv\n"
    "  APCONN_URL        default for --url\n"
    "  APCONN_CA_BUNDLE  default for --ca; SSL_CERT_FILE is used when it is not set\n"
    "  https_proxy       HTTP proxy for https (CONNECT tunnel, TLS stays end to end), as\n"
    "                    http://[user:password@]host[:port]; also HTTPS_PROXY\n"
    "  no_proxy          hosts that bypass the proxy: a,b.example,.example.com or *; also NO_PROXY\n"
    "\n"
    "Global options:\n"
    "  --url URL         base URL (default $APCONN_URL, else " APCONN_CLI_DEFAULT_URL ");\n"
    "                    http:// only to a loopback host\n"
    "  --ca FILE         PEM CA bundle for https (default $APCONN_CA_BUNDLE, $SSL_CERT_FILE,\n"
    "                    else " APCONN_CLI_DEFAULT_CA ")\n"
    "  --timeout-ms N    deadline of the whole command, retries and pages included (default 30000)\n"
    "  --retries N       extra attempts after a network failure (default 2, max 10)\n"
    "  --verbose         on stderr: each request line (method, whole path and query), the status,\n"
    "                    the proxy used; never the key, the values or proxy credentials\n"
    "  --version         print the version of apconn and of the TLS library, and exit\n"
    "  --                end of options: what follows is an argument even if it starts with -\n"
    "\n"
    "Commands (apconn help COMMAND for each):\n"
    "  create   upsert a connection; give the credentials with --value-file FILE or - (stdin):\n"
    "           --value JSON is visible to other local users (ps) while apconn starts\n"
    "  list     print connections, one JSON object per line (NDJSON)\n"
    "  update   change name, projects, metadata, preselect\n"
    "  delete   delete by id\n"
    "\n"
    "Output: create and update print the connection as one line of JSON; errors go to stderr.\n"
    "list reads one connection at a time: any number of them run in the same memory. A connection\n"
    "larger than this build's buffers (below) is reported with the size it needs and skipped; list\n"
    "goes on with the next ones and exits 5 at the end.\n"
    "Exit status: 0 ok, 2 usage or invalid input (nothing sent), 3 HTTP error from the server,\n"
    "4 network/TLS/certificate/proxy/timeout, 5 malformed, oversized or unexpected response.\n";

typedef struct cli_command_help {
    const char *name, *usage, *text;
} cli_command_help;

static const cli_command_help cli_command_helps[] = {
    {"create",
     "usage: apconn create --type TYPE --name NAME --piece PIECE [--value JSON | --value-file FILE|-]\n"
     "                     [--project ID]... [--external-id ID] [--piece-version V] [--metadata JSON]\n"
     "                     [--preselect]\n",
     "\n"
     "Creates a global connection, or updates the one with the same --external-id (upsert).\n"
     "Prints the connection as one line of JSON.\n"
     "\n"
     "  --type TYPE        SECRET_TEXT BASIC_AUTH CUSTOM_AUTH OAUTH2 CLOUD_OAUTH2 PLATFORM_OAUTH2 OIDC NO_AUTH\n"
     "  --name NAME        display name\n"
     "  --piece PIECE      piece name, e.g. @activepieces/piece-slack\n"
     "  --value JSON       the value object WITHOUT its \"type\", e.g. '{\"secret_text\":\"xoxb-1\"}'.\n"
     "                     WARNING: a command line is visible to other local users (ps, /proc)\n"
     "                     while apconn starts; prefer --value-file.\n"
     "  --value-file FILE  read the value object from FILE; - reads it from stdin (recommended)\n"
     "  --project ID       a project the connection belongs to (repeat for several)\n"
     "  --external-id ID   your id for it: makes a retried create idempotent\n"
     "  --piece-version V  piece version\n"
     "  --metadata JSON    a JSON object stored with it\n"
     "  --preselect        preselect it for new projects\n"
     "\n"
     "Value members by type (all JSON strings, except props: a JSON object):\n"
     "  SECRET_TEXT secret_text; BASIC_AUTH username, password; CUSTOM_AUTH and OIDC props;\n"
     "  OAUTH2 client_id, client_secret, code, redirect_url; CLOUD_OAUTH2 client_id, code;\n"
     "  PLATFORM_OAUTH2 client_id, code, redirect_url; NO_AUTH none.\n"},
    {"list",
     "usage: apconn list [--piece NAME] [--name TEXT] [--status S]... [--limit N] [--cursor C]\n"
     "                   [--cursor-file FILE] [--all]\n",
     "\n"
     "Prints connections, one JSON object per line (NDJSON), one page by default.\n"
     "\n"
     "  --piece NAME       only this piece\n"
     "  --name TEXT        display names containing TEXT (case-insensitive)\n"
     "  --status S         ACTIVE, MISSING or ERROR (repeat for several)\n"
     "  --limit N          1..100 per page (default: the server's 10)\n"
     "  --all              follow the cursors to the last page (the deadline covers every page)\n"
     "  --cursor C         start at the page with cursor C\n"
     "  --cursor-file FILE write the next page's cursor to FILE (one line; empty at the last page)\n"
     "\n"
     "Without --all, when there is a next page its cursor is also printed on stderr as one line\n"
     "  next-cursor: C\n"
     "so stdout stays pure NDJSON. Paging in a script:\n"
     "  apconn list --limit 50 --cursor-file c > page1.ndjson\n"
     "  apconn list --limit 50 --cursor \"$(cat c)\" --cursor-file c > page2.ndjson\n"},
    {"update",
     "usage: apconn update ID --name NAME [--project ID]... [--metadata JSON] [--preselect true|false]\n",
     "\n"
     "Changes a connection. ID is the connection's 21-character id. --project replaces the whole\n"
     "list of projects. Prints the connection as one line of JSON.\n"},
    {"delete",
     "usage: apconn delete ID\n",
     "\n"
     "Deletes a connection by its 21-character id. Prints nothing. A connection that does not\n"
     "exist is exit 3 with HTTP 404.\n"},
};

static const cli_command_help *cli_find_command(const char *name) {
    size_t i;
    for (i = 0; name && i < sizeof cli_command_helps / sizeof cli_command_helps[0]; i++)
        if (strcmp(cli_command_helps[i].name, name) == 0)
            return &cli_command_helps[i];
    return NULL;
}

/* The command whose options are being read, for the hint of a usage error. */
static const char *cli_hint_command;

/* A usage error is one line, then where to look: like gh and curl. */
static int cli_usage_error(const char *what, const char *arg) {
    fprintf(stderr, "apconn: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
    if (cli_hint_command)
        fprintf(stderr, "try 'apconn %s --help'\n", cli_hint_command);
    else
        fputs("try 'apconn --help'\n", stderr);
    return EXIT_USAGE;
}

/* Names an unknown option without what follows '=': it could be a secret. */
static int cli_unknown_option(const char *what, const char *arg) {
    char name[64];
    size_t n = strcspn(arg, "=");
    if (n >= sizeof name)
        n = sizeof name - 1;
    memcpy(name, arg, n);
    name[n] = '\0';
    return cli_usage_error(what, name);
}

static int cli_print_help(const char *command) {
    const cli_command_help *h = cli_find_command(command);
    if (command && !h)
        return cli_usage_error("no help for an unknown command", command);
    if (h) {
        fputs(h->usage, stdout);
        fputs(h->text, stdout);
    } else {
        fputs(cli_usage_text, stdout);
        fputs(cli_help_text, stdout);
    }
    return EXIT_OK;
}

/* "apconn 0.2.0" and the TLS library the binary is linked with. */
static int cli_print_version(void) {
    /* which mbedTLS, read from the library linked at run time: TLS 1.3 needs 3.x */
    printf("apconn %s (mbedTLS %s)\n", APCONN_VERSION_STRING, apconn_mbedtls_library_version());
    return EXIT_OK;
}

static int cli_input_error(const char *what, const char *arg) {
    fprintf(stderr, "apconn: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
    return EXIT_USAGE;
}

/* Exit status by the status's class (apconn_status_class(), the third column
   of apconn.h's APCONN_STATUS_LIST): a new status gets its exit status where
   it is declared. JSON statuses are classed as response content: the CLI
   checks the user's JSON (--value, --metadata) before any call, so from a
   call they are the server's. One entry per apconn_class, in its order. */
static const unsigned char cli_exit_for_class[] = {
    EXIT_OK,       /* APCONN_CLASS_SUCCESS */
    EXIT_USAGE,    /* APCONN_CLASS_CALLER: incl. a request too large for the buffer, a stale page */
    EXIT_NETWORK,  /* APCONN_CLASS_TRANSPORT */
    EXIT_NETWORK,  /* APCONN_CLASS_TLS */
    EXIT_RESPONSE, /* APCONN_CLASS_HTTP: framing */
    EXIT_HTTP,     /* APCONN_CLASS_SERVER: an HTTP error status, 404 on delete */
    EXIT_RESPONSE, /* APCONN_CLASS_CONTENT: incl. one connection larger than the work buffer */
    EXIT_RESPONSE  /* APCONN_CLASS_UNKNOWN */
};
/* a class added to apconn_class stops the build until it has its entry */
typedef char cli_one_exit_per_class[sizeof cli_exit_for_class == APCONN_CLASS_UNKNOWN + 1 ? 1 : -1];

static int cli_exit_for(apconn_status s) { return cli_exit_for_class[apconn_status_class(s)]; }

/* ---- small parsers ------------------------------------------------------------- */
/* Decimal digits only (no sign, no spaces) within [min, max]. */
static int cli_parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out) {
    unsigned long v = 0;
    if (*s == '\0')
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (max - (unsigned long)(*s - '0')) / 10u)
            return 0;
        v = v * 10u + (unsigned long)(*s - '0');
    }
    if (v < min)
        return 0;
    *out = v;
    return 1;
}

static unsigned cli_status_bit(const char *s) {
    if (strcmp(s, "ACTIVE") == 0)
        return (unsigned)APCONN_CONN_STATUS_ACTIVE;
    if (strcmp(s, "MISSING") == 0)
        return (unsigned)APCONN_CONN_STATUS_MISSING;
    if (strcmp(s, "ERROR") == 0)
        return (unsigned)APCONN_CONN_STATUS_ERROR;
    return 0;
}

/* Connection ids are 21 ASCII letters and digits (the {id} of /v1/global-connections/{id}). */
static int cli_is_connection_id(const char *s) {
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z')))
            return 0;
    return n == 21;
}

/* ---- argument parsing ------------------------------------------------------------ */
typedef struct cli_args {
    int argc, i;
    char **argv;
    char *inline_value; /* the part after '=' in --opt=value */
} cli_args;

/* Is argv[i] the option `name` (as "--name" or "--name=...")? */
static int cli_is_opt(cli_args *a, const char *name) {
    char *arg = a->argv[a->i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0 || (arg[n] != '\0' && arg[n] != '='))
        return 0;
    a->inline_value = arg[n] == '=' ? arg + n + 1 : NULL;
    return 1;
}

/* The option's argument, or NULL (missing). Advances past it. */
static char *cli_opt_value(cli_args *a) {
    if (a->inline_value)
        return a->inline_value;
    if (a->i + 1 >= a->argc)
        return NULL;
    a->i++;
    return a->argv[a->i];
}

static int cli_parse_global(cli_args *a, cli_options *o, int *handled) {
    unsigned long n;
    const char *v;
    *handled = 1;
    if (cli_is_opt(a, "--verbose") && !a->inline_value) {
        o->verbose = 1;
        return 0;
    }
    if (cli_is_opt(a, "--url")) {
        if ((v = cli_opt_value(a)) == NULL)
            return cli_usage_error("--url needs a value", NULL);
        o->url = v;
    } else if (cli_is_opt(a, "--ca")) {
        if ((v = cli_opt_value(a)) == NULL)
            return cli_usage_error("--ca needs a value", NULL);
        o->ca = v;
        o->ca_from = "--ca";
    } else if (cli_is_opt(a, "--timeout-ms")) {
        if ((v = cli_opt_value(a)) == NULL || !cli_parse_ulong(v, 1, 0xFFFFFFFFul, &n))
            return cli_usage_error("--timeout-ms needs a number of milliseconds (1..4294967295)", v);
        o->timeout_ms = (uint32_t)n;
    } else if (cli_is_opt(a, "--retries")) {
        if ((v = cli_opt_value(a)) == NULL || !cli_parse_ulong(v, 0, APCONN_CLI_MAX_RETRIES, &n))
            return cli_usage_error("--retries needs a number (0..10)", v);
        o->retries = (unsigned)n;
    } else {
        *handled = 0;
    }
    return 0;
}

/* Any number of --project, without a fixed array: the values are gathered in
   place at argv[0..project_count). That is safe because the k-th value comes
   from argv[k + 2] or later (argv[0] is the program, then at least the
   command and one slot per earlier --project), so only slots already parsed
   are overwritten; the strings themselves are never moved. Duplicates are
   refused by the library before anything is sent (see cli_report_change). */
static int cli_add_project(cli_args *a, cli_options *o, char *id) {
    if (id[0] == '\0')
        return cli_input_error("--project must be a non-empty id", NULL);
    o->projects = a->argv;
    o->projects[o->project_count++] = id;
    return 0;
}

/* Options that take one string argument, by command. */
typedef struct cli_string_opt {
    const char *name;
    size_t offset;     /* of the const char * in cli_options */
    const char *where; /* commands that accept it, as " create update " */
} cli_string_opt;

static const cli_string_opt cli_string_opts[] = {
    {"--type", offsetof(cli_options, type), " create "},
    {"--name", offsetof(cli_options, name), " create update list "},
    {"--piece", offsetof(cli_options, piece), " create list "},
    {"--value", offsetof(cli_options, value_arg), " create "},
    {"--value-file", offsetof(cli_options, value_file), " create "},
    {"--external-id", offsetof(cli_options, external_id), " create "},
    {"--piece-version", offsetof(cli_options, piece_version), " create "},
    {"--metadata", offsetof(cli_options, metadata), " create update "},
    {"--cursor", offsetof(cli_options, cursor), " list "},
    {"--cursor-file", offsetof(cli_options, cursor_file), " list "},
};

static int cli_accepts(const char *where, const char *command) {
    const char *p = strstr(where, command);
    size_t n = strlen(command);
    return p && p[-1] == ' ' && p[n] == ' ';
}

/* One command option at a->i. Returns 0 or an exit status. */
static int cli_parse_command_opt(cli_args *a, cli_options *o) {
    size_t k;
    const char *cmd = o->command;
    char *v;
    unsigned long n;
    for (k = 0; k < sizeof cli_string_opts / sizeof cli_string_opts[0]; k++) {
        const cli_string_opt *s = &cli_string_opts[k];
        if (!cli_accepts(s->where, cmd) || !cli_is_opt(a, s->name))
            continue;
        if ((v = cli_opt_value(a)) == NULL)
            return cli_usage_error("option needs a value", s->name);
        *(const char **)(void *)((char *)o + s->offset) = v;
        return 0;
    }
    if (cli_accepts(" create update ", cmd) && cli_is_opt(a, "--project")) {
        if ((v = cli_opt_value(a)) == NULL)
            return cli_usage_error("option needs a value", "--project");
        return cli_add_project(a, o, v);
    }
    if (strcmp(cmd, "create") == 0 && cli_is_opt(a, "--preselect") && !a->inline_value) {
        o->preselect = APCONN_TRUE;
        return 0;
    }
    if (strcmp(cmd, "update") == 0 && cli_is_opt(a, "--preselect")) {
        v = cli_opt_value(a);
        if (v == NULL || (strcmp(v, "true") != 0 && strcmp(v, "false") != 0))
            return cli_usage_error("--preselect needs true or false", v);
        o->preselect = v[0] == 't' ? APCONN_TRUE : APCONN_FALSE;
        return 0;
    }
    if (strcmp(cmd, "list") == 0 && cli_is_opt(a, "--status")) {
        if ((v = cli_opt_value(a)) == NULL || cli_status_bit(v) == 0)
            return cli_usage_error("--status needs ACTIVE, MISSING or ERROR", v);
        o->statuses |= cli_status_bit(v);
        return 0;
    }
    if (strcmp(cmd, "list") == 0 && cli_is_opt(a, "--limit")) {
        if ((v = cli_opt_value(a)) == NULL || !cli_parse_ulong(v, 1, APCONN_CLI_MAX_LIMIT, &n))
            return cli_usage_error("--limit needs a number (1..100; --all pages through more)", v);
        o->limit = (unsigned)n;
        return 0;
    }
    if (strcmp(cmd, "list") == 0 && cli_is_opt(a, "--all") && !a->inline_value) {
        o->all = 1;
        return 0;
    }
    return cli_unknown_option("unknown option for this command", a->argv[a->i]);
}

static int cli_is_help(const char *arg) { return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0; }

/* The command's options and arguments; "--" makes every later one an argument.
   Help wins when it is reached: "apconn create --type X --help" prints help. */
static int cli_parse_command_args(cli_args *a, cli_options *o) {
    int rc, options_done = 0;
    int needs_id = strcmp(o->command, "update") == 0 || strcmp(o->command, "delete") == 0;
    for (a->i++; a->i < a->argc; a->i++) {
        const char *arg = a->argv[a->i];
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = 1;
        } else if (!options_done && cli_is_help(arg)) {
            cli_print_help(o->command);
            return CLI_DONE;
        } else if (!options_done && arg[0] == '-' && arg[1] != '\0') {
            if ((rc = cli_parse_command_opt(a, o)) != 0)
                return rc;
        } else if (needs_id && o->id == NULL) {
            o->id = arg;
        } else {
            /* Not echoed: a stray argument may be a pasted secret. */
            char what[64];
            sprintf(what, "unexpected argument #%d after %s", a->i, o->command);
            return cli_usage_error(what, NULL);
        }
    }
    if (needs_id && o->id == NULL)
        return cli_usage_error("missing connection ID", NULL);
    return 0;
}

/* "apconn help [COMMAND]" */
static int cli_help_command(cli_args *a) {
    if (a->i + 2 < a->argc)
        return cli_usage_error("help takes one COMMAND", NULL);
    return cli_print_help(a->i + 1 < a->argc ? a->argv[a->i + 1] : NULL) == EXIT_OK ? CLI_DONE : EXIT_USAGE;
}

static int cli_parse(int argc, char **argv, cli_options *o) {
    cli_args a;
    int rc, handled, options_done = 0;
    a.argc = argc;
    a.argv = argv;
    a.inline_value = NULL;
    for (a.i = 1; a.i < argc; a.i++) {
        const char *arg = argv[a.i];
        if (!options_done) {
            if (strcmp(arg, "--") == 0) {
                options_done = 1;
                continue;
            }
            if (cli_is_help(arg))
                return cli_print_help(NULL) == EXIT_OK ? CLI_DONE : EXIT_USAGE;
            if (strcmp(arg, "--version") == 0)
                return cli_print_version() == EXIT_OK ? CLI_DONE : EXIT_USAGE;
            if ((rc = cli_parse_global(&a, o, &handled)) != 0)
                return rc;
            if (handled)
                continue;
            if (arg[0] == '-')
                return cli_unknown_option("unknown option", arg);
        }
        if (strcmp(arg, "help") == 0)
            return cli_help_command(&a);
        if (cli_find_command(arg) == NULL)
            return cli_usage_error("unknown command", arg);
        o->command = arg;
        cli_hint_command = arg;
        return cli_parse_command_args(&a, o);
    }
    return cli_usage_error("missing COMMAND", NULL);
}

/* ---- input checks (all before any network I/O) ------------------------------------ */
/* A JSON object given by the user: strictly valid and an object. */
static int cli_check_json_object(const char *what, const char *s) {
    size_t off = 0, i = 0;
    if (s == NULL)
        return 0;
    if (apconn_json_validate_at(s, strlen(s), &off) != APCONN_OK) {
        fprintf(stderr, "apconn: %s is not valid JSON (byte %lu)\n", what, (unsigned long)off);
        return EXIT_USAGE;
    }
    while (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
        i++;
    if (s[i] != '{') {
        fprintf(stderr, "apconn: %s must be a JSON object\n", what);
        return EXIT_USAGE;
    }
    return 0;
}

static int cli_check_create(const cli_options *o) {
    if (!o->type || !o->name || !o->piece)
        return cli_usage_error("create needs --type, --name and --piece", NULL);
    if (apconn_type_from_name(o->type) == APCONN_TYPE_UNKNOWN)
        return cli_usage_error("--type must be one of SECRET_TEXT BASIC_AUTH CUSTOM_AUTH OAUTH2 CLOUD_OAUTH2 "
                               "PLATFORM_OAUTH2 OIDC NO_AUTH", o->type);
    if (o->value_arg && o->value_file)
        return cli_usage_error("give --value or --value-file, not both", NULL);
    return cli_check_json_object("--metadata", o->metadata);
}

static int cli_check_update(const cli_options *o) {
    if (!cli_is_connection_id(o->id))
        return cli_input_error("ID must be 21 letters and digits", o->id);
    if (!o->name || o->name[0] == '\0')
        return cli_usage_error("update needs a non-empty --name", NULL);
    return cli_check_json_object("--metadata", o->metadata);
}

static int cli_check_options(const cli_options *o) {
    if (strcmp(o->command, "create") == 0)
        return cli_check_create(o);
    if (strcmp(o->command, "update") == 0)
        return cli_check_update(o);
    if (strcmp(o->command, "delete") == 0 && !cli_is_connection_id(o->id))
        return cli_input_error("ID must be 21 letters and digits", o->id);
    return 0;
}

/* ---- the value's members: each of the right JSON type --------------------------------- */
static const char *cli_json_kind(char c) {
    return c == '"' ? "a string" : c == '{' ? "an object" : c == '[' ? "an array" : c == 't' || c == 'f' ? "a boolean"
           : c == 'n' ? "null" : "a number";
}

static const char *cli_json_ws(const char *p) { return p + strspn(p, " \t\r\n"); }

/* Past the JSON string at p (at its opening quote). */
static const char *cli_json_skip_string(const char *p) {
    for (p++; *p && *p != '"'; p++)
        if (*p == '\\' && p[1])
            p++;
    return *p ? p + 1 : p;
}

/* Past the JSON value at p; the text was validated, so only nesting matters. */
static const char *cli_json_skip(const char *p) {
    int depth = 0;
    if (*p != '{' && *p != '[')
        return *p == '"' ? cli_json_skip_string(p) : p + strcspn(p, ",}] \t\r\n");
    do {
        if (*p == '"') {
            p = cli_json_skip_string(p);
            continue;
        }
        depth += (*p == '{' || *p == '[') - (*p == '}' || *p == ']');
        p++;
    } while (*p && depth > 0);
    return p;
}

/* The value members apconn knows (the upsert body's `value`): props is an object, every other a string. */
static const char *const cli_value_members[] = {"secret_text", "username", "password", "client_id", "client_secret",
                                                "code", "redirect_url", "scope", "code_challenge", "props",
                                                "authorization_method", "grant_type"};

static int cli_check_member(const char *key, size_t n, const char *value) {
    size_t i;
    for (i = 0; i < sizeof cli_value_members / sizeof cli_value_members[0]; i++) {
        const char *want = strcmp(cli_value_members[i], "props") == 0 ? "an object" : "a string";
        if (strlen(cli_value_members[i]) != n || memcmp(cli_value_members[i], key, n) != 0)
            continue;
        if (strcmp(cli_json_kind(*value), want) == 0)
            return 0;
        fprintf(stderr, "apconn: the value's member \"%s\" must be %s, not %s\n", cli_value_members[i],
                want[3] == 'o' ? "a JSON object" : "a JSON string", cli_json_kind(*value));
        return EXIT_USAGE;
    }
    return 0;
}

/* Walks the top-level members of a validated JSON object. */
static int cli_check_value_members(const char *json) {
    const char *p = cli_json_ws(json) + 1, *key;
    int rc;
    for (;;) {
        p = cli_json_ws(p);
        if (*p != '"')
            return 0; /* '}' */
        key = p + 1;
        p = cli_json_skip_string(p);
        if ((rc = cli_check_member(key, (size_t)(p - 1 - key), cli_json_ws(cli_json_ws(p) + 1))) != 0)
            return rc;
        p = cli_json_ws(cli_json_skip(cli_json_ws(cli_json_ws(p) + 1)));
        if (*p == ',')
            p++;
    }
}

/* ---- secrets: key from the environment, value from argv/file/stdin ---------------- */
/* What is wrong with a key that is not an RFC 6750 b64token
   (1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="), or NULL.
   Says where and what, never the key itself. */
static int cli_is_token_char(char ch) {
    unsigned char c = (unsigned char)ch;
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("-._~+/", c) != NULL);
}

static const char *cli_key_problem(const char *k, size_t *at) {
    size_t i = 0, n = strlen(k);
    while (i < n && cli_is_token_char(k[i]))
        i++;
    *at = i + 1;
    if (i == 0 && k[0] == '=')
        return "starts with '=' (padding only at the end)";
    while (i < n && k[i] == '=')
        i++;
    if (i == n)
        return NULL;
    if (cli_is_token_char(k[i]))
        return "has '=' before its end (padding only at the end)";
    *at = i + 1;
    switch (k[i]) {
    case ' ':
        return i + 1 == n ? "ends with a space" : "contains a space";
    case '\t':
        return "contains a tab";
    case '\r':
        return i + 1 == n ? "ends with a carriage return" : "contains a carriage return";
    case '\n':
        return i + 1 == n ? "ends with a newline" : "contains a newline";
    case '"':
    case '\'':
        return "contains a quote character (quoted twice?)";
    default:
        return (unsigned char)k[i] < 0x20 || k[i] == 0x7f ? "contains a control character"
               : (unsigned char)k[i] >= 0x80             ? "contains a non-ASCII byte"
                                                         : "contains a character a key cannot have";
    }
}

static int cli_take_api_key(void) {
    char *env = getenv("APCONN_API_KEY");
    const char *why;
    size_t n, at = 0;
    if (env == NULL)
        return cli_input_error("APCONN_API_KEY is not set (the key is never taken from argv)", NULL);
    if (env[0] == '\0')
        return cli_input_error("APCONN_API_KEY is empty", NULL);
    n = strlen(env);
    if (n >= sizeof cli_key)
        return cli_input_error("APCONN_API_KEY is too long (APCONN_CLI_KEY_SIZE)", NULL);
    if ((why = cli_key_problem(env, &at)) != NULL) {
        fprintf(stderr, "apconn: APCONN_API_KEY is not a valid key: it %s (character %lu of %lu); a key has only "
                        "letters, digits and -._~+/ (then optional '='); nothing was sent\n", why, (unsigned long)at,
                (unsigned long)n);
        apconn_wipe(env, n);
        return EXIT_USAGE;
    }
    memcpy(cli_key, env, n + 1);
    apconn_wipe(env, n); /* /proc/<pid>/environ shows this memory */
    return 0;
}

/* Reads at most size-1 bytes; *too_big when there was more. */
static int cli_read_stream(FILE *f, char *buf, size_t size, int *too_big) {
    size_t n = fread(buf, 1, size - 1, f);
    *too_big = 0;
    if (ferror(f))
        return -1;
    buf[n] = '\0';
    if (n == size - 1 && fgetc(f) != EOF)
        *too_big = 1;
    if (memchr(buf, '\0', n) != NULL)
        return -2;
    return 0;
}

static int cli_load_value(cli_options *o) {
    int too_big = 0, rc = 0;
    if (o->value_arg) {
        size_t n = strlen(o->value_arg);
        if (n >= sizeof cli_value)
            return cli_input_error("--value is larger than APCONN_CLI_VALUE_SIZE", NULL);
        memcpy(cli_value, o->value_arg, n + 1);
        apconn_wipe((void *)(uintptr_t)o->value_arg, n); /* argv is visible in ps */
    } else if (o->value_file) {
        int is_stdin = strcmp(o->value_file, "-") == 0;
        FILE *f = is_stdin ? stdin : fopen(o->value_file, "rb");
        if (f == NULL) {
            fprintf(stderr, "apconn: cannot open --value-file %s: %s\n", o->value_file, strerror(errno));
            return EXIT_USAGE;
        }
        rc = cli_read_stream(f, cli_value, sizeof cli_value, &too_big);
        if (!is_stdin)
            fclose(f);
        if (rc != 0 || too_big) {
            apconn_wipe(cli_value, sizeof cli_value);
            return cli_input_error(too_big ? "--value-file is larger than APCONN_CLI_VALUE_SIZE"
                                           : "--value-file could not be read or contains a NUL byte",
                                   NULL);
        }
    } else {
        return 0;
    }
    rc = cli_check_json_object("the value", cli_value);
    return rc != 0 ? rc : cli_check_value_members(cli_value);
}

/* ---- URL policy: https everywhere, http only to loopback ---------------------------- */
static int cli_is_loopback_host(const char *h, size_t n) {
    if ((n == 9 && strncmp(h, "localhost", 9) == 0) || (n == 5 && strncmp(h, "[::1]", 5) == 0))
        return 1;
    return n >= 4 && strncmp(h, "127.", 4) == 0 && strspn(h, "0123456789.") >= n;
}

static int cli_check_url(const char *url) {
    const char *host;
    size_t n;
    if (strlen(url) >= APCONN_CLI_URL_SIZE)
        return cli_input_error("--url is too long", NULL);
    if (strncmp(url, "https://", 8) == 0)
        return 0;
    if (strncmp(url, "http://", 7) != 0)
        return cli_input_error("--url must start with https:// (or http:// to a loopback host)", url);
    host = url + 7;
    n = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":/?#");
    if (!cli_is_loopback_host(host, n))
        return cli_input_error("plain http:// is only allowed to a loopback host; use https://", url);
    return 0;
}

/* --ca's default: $APCONN_CA_BUNDLE, then $SSL_CERT_FILE (OpenSSL's and
   curl's variable), then the system bundle. --ca overrides all three. */
static void cli_default_ca(cli_options *o) {
    const char *v = getenv("APCONN_CA_BUNDLE");
    o->ca_from = "APCONN_CA_BUNDLE";
    if (v == NULL || v[0] == '\0') {
        v = getenv("SSL_CERT_FILE");
        o->ca_from = "SSL_CERT_FILE";
    }
    if (v == NULL || v[0] == '\0') {
        v = APCONN_CLI_DEFAULT_CA;
        o->ca_from = "the default";
    }
    o->ca = v;
}

/* The CA bundle must be readable before anything is sent (a typo is usage). */
static int cli_check_ca(const cli_options *o) {
    FILE *f;
    if (strncmp(o->url, "https://", 8) != 0)
        return 0;
    f = fopen(o->ca, "rb");
    if (f == NULL) {
        fprintf(stderr, "apconn: cannot read the CA bundle %s (from %s): %s\n", o->ca, o->ca_from, strerror(errno));
        return EXIT_USAGE;
    }
    fclose(f);
    return 0;
}

/* ---- output: a connection as one line of JSON, presence respected ------------------ */
/* The one rule for optional fields, so that the output says what the server said:
   absent writes nothing, null writes the key and null; set writes the key and
   returns 1 for the caller to write the value. Every value is a view into the
   work buffer: it is printed before the next apconn call. */
static int cli_opt_key(apconn_json_writer *w, const char *key, apconn_has p) {
    if (p == APCONN_ABSENT)
        return 0;
    apconn_json_key(w, key);
    if (p == APCONN_NULL) {
        apconn_json_null(w);
        return 0;
    }
    return 1;
}

static void cli_opt_string(apconn_json_writer *w, const char *key, apconn_has p, const char *v) {
    if (cli_opt_key(w, key, p))
        apconn_json_string(w, v);
}

/* projectIds / flowIds: any length, walked in place. */
static void cli_ids(apconn_json_writer *w, const char *key, apconn_has p, const apconn_ids *ids) {
    const char *id;
    if (!cli_opt_key(w, key, p))
        return;
    apconn_json_array_begin(w);
    for (id = ids->first; id; id = apconn_ids_next(ids, id))
        apconn_json_string(w, id);
    apconn_json_array_end(w);
}

static const char *cli_user_status_name(apconn_user_status s) {
    return s == APCONN_USER_ACTIVE ? "ACTIVE" : s == APCONN_USER_INACTIVE ? "INACTIVE" : NULL;
}

static const char *cli_role_name(apconn_platform_role r) {
    return r == APCONN_ROLE_ADMIN ? "ADMIN" : r == APCONN_ROLE_MEMBER ? "MEMBER" : r == APCONN_ROLE_OPERATOR ? "OPERATOR" : NULL;
}

static void cli_opt_bool(apconn_json_writer *w, const char *key, apconn_has p, int v) {
    if (cli_opt_key(w, key, p))
        apconn_json_bool(w, v);
}

/* An enum the reader knows is printed by name; one it does not is left out. */
static void cli_opt_enum(apconn_json_writer *w, const char *key, apconn_has p, const char *name) {
    cli_opt_string(w, key, name == NULL && p == APCONN_SET ? (apconn_has)APCONN_ABSENT : p, name);
}

static void cli_write_owner(apconn_json_writer *w, const apconn_owner *o) {
    apconn_json_object_begin(w);
    if (o->id) {
        apconn_json_key(w, "id");
        apconn_json_string(w, o->id);
    }
    cli_opt_string(w, "email", o->has_email, o->email);
    cli_opt_string(w, "firstName", o->has_first_name, o->first_name);
    cli_opt_string(w, "lastName", o->has_last_name, o->last_name);
    cli_opt_enum(w, "status", o->has_status, cli_user_status_name(o->status));
    cli_opt_enum(w, "platformRole", o->has_platform_role, cli_role_name(o->platform_role));
    cli_opt_string(w, "created", o->has_created, o->created);
    cli_opt_string(w, "updated", o->has_updated, o->updated);
    cli_opt_string(w, "externalId", o->has_external_id, o->external_id);
    cli_opt_string(w, "platformId", o->has_platform_id, o->platform_id);
    cli_opt_string(w, "lastActiveDate", o->has_last_active_date, o->last_active_date);
    cli_opt_string(w, "imageUrl", o->has_image_url, o->image_url);
    apconn_json_object_end(w);
}

static void cli_write_connection_fields(apconn_json_writer *w, const apconn_connection *c) {
    apconn_json_key(w, "id");
    apconn_json_string(w, c->id);
    cli_opt_string(w, "created", c->has_created, c->created);
    cli_opt_string(w, "updated", c->has_updated, c->updated);
    cli_opt_string(w, "externalId", c->has_external_id, c->external_id);
    cli_opt_string(w, "displayName", c->has_display_name, c->display_name);
    cli_opt_enum(w, "type", c->has_type, apconn_type_name(c->type));
    cli_opt_string(w, "pieceName", c->has_piece_name, c->piece_name);
    cli_ids(w, "projectIds", c->has_project_ids, &c->project_ids);
    cli_opt_string(w, "platformId", c->has_platform_id, c->platform_id);
    cli_opt_enum(w, "scope", c->has_scope, apconn_scope_name(c->scope));
    cli_opt_enum(w, "status", c->has_status, apconn_connection_status_name(c->status));
    cli_opt_string(w, "ownerId", c->has_owner_id, c->owner_id);
    if (cli_opt_key(w, "owner", c->has_owner))
        cli_write_owner(w, &c->owner);
    if (cli_opt_key(w, "metadata", c->has_metadata)) /* the server's own JSON text */
        apconn_json_raw(w, c->metadata, strlen(c->metadata));
    cli_ids(w, "flowIds", c->has_flow_ids, &c->flow_ids);
    cli_opt_string(w, "pieceVersion", c->has_piece_version, c->piece_version);
    cli_opt_bool(w, "preSelectForNewProjects", c->has_pre_select_for_new_projects, c->pre_select_for_new_projects);
    cli_opt_bool(w, "usingSecretManager", c->has_using_secret_manager, c->using_secret_manager);
}

static int cli_print_connection(const apconn_connection *c) {
    apconn_json_writer w;
    size_t len = 0;
    apconn_status s;
    apconn_json_init(&w, cli_out, sizeof cli_out);
    apconn_json_object_begin(&w);
    cli_write_connection_fields(&w, c);
    apconn_json_object_end(&w);
    s = apconn_json_finish(&w, &len);
    if (s != APCONN_OK) {
        fprintf(stderr, "apconn: cannot print the connection: %s\n", apconn_strerror(s));
        return EXIT_RESPONSE;
    }
    cli_out[len] = '\n';
    fwrite(cli_out, 1, len + 1, stdout);
    return 0;
}

/* ---- the client ------------------------------------------------------------------ */
/* The layers, bottom up: TCP (apconn_posix) -> CONNECT tunnel when a proxy is
   used (apconn_proxy) -> TLS (apconn_mbedtls) -> the verbose tap -> apconn. */
typedef struct cli_session {
    apconn_client client;
    apconn_posix tcp;
    apconn_transport plain;
    apconn_proxy proxy;
    apconn_transport tunnel;
    apconn_mbedtls tls;
    apconn_transport secure;
    apconn_transport tap; /* --verbose: logs each request line as sent */
    const apconn_transport *tapped;
    int tls_ready, client_ready, proxy_ready, at_request_start;
    uint32_t deadline_start, timeout_ms;
} cli_session;

static void cli_log(void *ctx, const char *line) {
    (void)ctx;
    fprintf(stderr, "apconn: %s\n", line);
}

/* --verbose: the request line exactly as sent ("> GET /api/v1/global-connections?limit=5
   HTTP/1.1"): the whole path and query, as curl -v shows it. Only the first line of a
   request is printed; the key (a header) and the values (the body) come after it. */
static int cli_tap_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms) {
    cli_session *s = (cli_session *)ctx;
    s->at_request_start = 1;
    return s->tapped->connect(s->tapped->ctx, host, port, timeout_ms);
}
static long cli_tap_send(void *ctx, const unsigned char *data, size_t len, uint32_t timeout_ms) {
    cli_session *s = (cli_session *)ctx;
    if (s->at_request_start) {
        const unsigned char *eol = (const unsigned char *)memchr(data, '\r', len);
        if (eol != NULL)
            fprintf(stderr, "apconn: > %.*s\n", (int)(eol - data), (const char *)data);
        s->at_request_start = 0;
    }
    return s->tapped->send(s->tapped->ctx, data, len, timeout_ms);
}
static long cli_tap_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms) {
    cli_session *s = (cli_session *)ctx;
    long n = s->tapped->recv(s->tapped->ctx, buf, len, timeout_ms);
    if (n > 0)
        s->at_request_start = 1; /* the next send starts the next request */
    return n;
}
static void cli_tap_close(void *ctx) {
    cli_session *s = (cli_session *)ctx;
    s->tapped->close(s->tapped->ctx);
}
static uint32_t cli_tap_now_ms(void *ctx) {
    cli_session *s = (cli_session *)ctx;
    return s->tapped->now_ms(s->tapped->ctx);
}
static void cli_tap_sleep_ms(void *ctx, uint32_t ms) {
    cli_session *s = (cli_session *)ctx;
    s->tapped->sleep_ms(s->tapped->ctx, ms);
}

static const apconn_transport *cli_tap(cli_session *s, const apconn_transport *inner) {
    s->tapped = inner;
    s->tap = *inner;
    s->tap.ctx = s;
    s->tap.connect = inner->connect ? cli_tap_connect : NULL;
    s->tap.send = cli_tap_send;
    s->tap.recv = cli_tap_recv;
    s->tap.close = inner->close ? cli_tap_close : NULL;
    s->tap.now_ms = cli_tap_now_ms;
    s->tap.sleep_ms = inner->sleep_ms ? cli_tap_sleep_ms : NULL;
    return &s->tap;
}

/* One line from apconn, plus the transport's own reason for a network failure
   (errno text, or mbedTLS's verify result: "The certificate validity has expired"). */
static int cli_report_in(const cli_session *s, apconn_status st, const apconn_error *err) {
    char line[APCONN_ERROR_TEXT_SIZE];
    int code = cli_exit_for(st);
    apconn_error_format(err, line, sizeof line);
    fprintf(stderr, "apconn: %s\n", line);
    /* One connection did not fit: say what it needs against what this build has. */
    if (st == APCONN_ERR_ITEM_TOO_LARGE && err->needed > 0)
        fprintf(stderr, "apconn: that connection needs a work buffer of %lu bytes; this build has %lu\n",
                (unsigned long)err->needed, (unsigned long)sizeof cli_work);
    else if (st == APCONN_ERR_JSON_TOKENS && err->needed > 0)
        fprintf(stderr, "apconn: that connection needs %lu JSON tokens; this build has %lu\n",
                (unsigned long)err->needed, (unsigned long)APCONN_TOKEN_COUNT);
    if (s && code == EXIT_NETWORK && s->tls_ready && apconn_mbedtls_reason(&s->tls, line, sizeof line) > 0)
        fprintf(stderr, "apconn: TLS: %s\n", line);
    else if (s && code == EXIT_NETWORK && s->proxy_ready && apconn_proxy_reason(&s->proxy, line, sizeof line) > 0)
        fprintf(stderr, "apconn: proxy %s:%u: %s%s%s\n", s->proxy.host, (unsigned)s->proxy.port, line,
                apconn_posix_reason(&s->tcp)[0] ? ": " : "", apconn_posix_reason(&s->tcp));
    else if (s && code == EXIT_NETWORK && apconn_posix_reason(&s->tcp)[0] != '\0')
        fprintf(stderr, "apconn: socket: %s\n", apconn_posix_reason(&s->tcp));
    if (err->http_status == 401) /* the key is what the server refused: say which setting that is */
        fputs("apconn: the server does not accept the key in APCONN_API_KEY (a platform API key, sk-...)\n", stderr);
    return code;
}

static int cli_setup_tls(cli_session *s, const cli_options *o, const apconn_transport *inner) {
    apconn_mbedtls_config cfg;
    char why[APCONN_ERROR_TEXT_SIZE];
    int st;
    memset(&cfg, 0, sizeof cfg); /* zero = secure defaults: certificate and host name verified */
    cfg.ca_file = o->ca;
    st = apconn_mbedtls_transport(&s->tls, &cfg, inner, &s->secure);
    if (st != APCONN_OK) {
        apconn_mbedtls_reason(&s->tls, why, sizeof why);
        fprintf(stderr, "apconn: cannot set up TLS with the CA bundle %s (from %s): %s%s%s\n", o->ca, o->ca_from,
                apconn_strerror((apconn_status)st), why[0] ? ": " : "", why);
        return EXIT_USAGE; /* before any I/O; almost always an unreadable CA bundle */
    }
    s->tls_ready = 1;
    return 0;
}

/* The host of an https:// URL (no brackets, no port), for no_proxy. */
static void cli_url_host(const char *url, char *host, size_t size) {
    const char *h = url + 8;
    size_t n = h[0] == '[' ? strcspn(++h, "]") : strcspn(h, ":/?#");
    if (n >= size)
        n = 0; /* too long for a host: apconn_client_init refuses the URL anyway */
    memcpy(host, h, n);
    host[n] = '\0';
}

/* https_proxy / HTTPS_PROXY unless no_proxy matches: TCP -> CONNECT tunnel. */
static int cli_setup_proxy(cli_session *s, const cli_options *o, const apconn_transport **below_tls) {
    char host[APCONN_HOST_SIZE];
    const char *url;
    int st;
    cli_url_host(o->url, host, sizeof host);
    url = apconn_proxy_for(host);
    if (url == NULL)
        return 0;
    st = apconn_proxy_transport(&s->proxy, url, &s->plain, &s->tunnel);
    if (st != APCONN_OK) { /* the URL is not echoed: it may hold credentials */
        fprintf(stderr, "apconn: https_proxy is not usable: %s\n", s->proxy.note ? s->proxy.note : apconn_strerror((apconn_status)st));
        return EXIT_USAGE;
    }
    s->proxy_ready = 1;
    if (o->verbose)
        fprintf(stderr, "apconn: via proxy %s:%u%s\n", s->proxy.host, (unsigned)s->proxy.port,
                s->proxy.credentials[0] ? " (with credentials)" : "");
    *below_tls = &s->tunnel;
    return 0;
}

static int cli_open(cli_session *s, const cli_options *o) {
    const apconn_transport *below_tls = &s->plain, *top;
    apconn_status st;
    apconn_error err;
    int rc;
    apconn_posix_transport(&s->tcp, &s->plain);
    if (strncmp(o->url, "https://", 8) == 0 &&
        ((rc = cli_setup_proxy(s, o, &below_tls)) != 0 || (rc = cli_setup_tls(s, o, below_tls)) != 0))
        return rc;
    top = s->tls_ready ? &s->secure : &s->plain;
    if (o->verbose)
        top = cli_tap(s, top);
    st = apconn_client_init(&s->client, o->url, cli_key, top, cli_work, sizeof cli_work, cli_tokens,
                            APCONN_TOKEN_COUNT, &err);
    if (st != APCONN_OK)
        return cli_report_in(NULL, st, &err);
    s->client_ready = 1;
    s->client.max_retries = o->retries;
    s->client.timeout_ms = o->timeout_ms;
    if (o->verbose) {
        s->client.log = cli_log;
        s->client.log_ctx = NULL;
    }
    s->timeout_ms = o->timeout_ms;
    s->deadline_start = apconn_posix_now_ms(&s->tcp);
    return 0;
}

/* What is left of the command's deadline; 0 when it has passed. */
static uint32_t cli_time_left(cli_session *s) {
    uint32_t spent = apconn_posix_now_ms(&s->tcp) - s->deadline_start; /* wraps correctly */
    return spent >= s->timeout_ms ? 0u : s->timeout_ms - spent;
}

static void cli_close(cli_session *s) {
    if (s->client_ready)
        apconn_client_close(&s->client);
    if (s->tls_ready)
        apconn_mbedtls_free(&s->tls);
    if (s->proxy_ready)
        apconn_proxy_free(&s->proxy);
}

/* ---- commands ---------------------------------------------------------------------- */
/* create / update: a response that does not fit came after the server applied the change. */
static int cli_report_change(const cli_session *s, apconn_status st, const apconn_error *err) {
    int code = cli_report_in(s, st, err);
    if (st == APCONN_ERR_ARGUMENT && strcmp(err->field, "projectIds") == 0)
        fprintf(stderr, "apconn: a --project is given twice (the server refuses duplicates); nothing was sent\n");
    if (st == APCONN_ERR_ITEM_TOO_LARGE || st == APCONN_ERR_JSON_TOKENS)
        fprintf(stderr, "apconn: the server did apply the change; only its answer did not fit\n");
    return code;
}

static int cli_create(cli_session *s, const cli_options *o) {
    apconn_upsert_request req;
    apconn_connection conn;
    apconn_error err;
    apconn_status st;
    memset(&req, 0, sizeof req);
    req.display_name = o->name;
    req.piece_name = o->piece;
    req.type = apconn_type_from_name(o->type);
    req.value.value_json = (o->value_arg || o->value_file) ? cli_value : NULL;
    req.project_ids = (const char *const *)o->projects;
    req.project_id_count = o->project_count;
    req.external_id = o->external_id;
    req.metadata_json = o->metadata;
    req.piece_version = o->piece_version;
    req.pre_select_for_new_projects = o->preselect;
    st = apconn_connection_upsert(&s->client, &req, &conn, &err);
    apconn_wipe(cli_value, sizeof cli_value);
    if (st == APCONN_ERR_REQUIRED && strncmp(err.field, "value.", 6) == 0) {
        fprintf(stderr, "apconn: the value of a %s connection needs the member \"%s\" (%s); nothing was sent\n",
                o->type, err.field + 6, strcmp(err.field, "value.props") == 0 ? "a JSON object" : "a non-empty JSON string");
        return EXIT_USAGE;
    }
    if (st != APCONN_OK)
        return cli_report_change(s, st, &err);
    return cli_print_connection(&conn);
}

static int cli_update(cli_session *s, const cli_options *o) {
    apconn_update_request req;
    apconn_connection conn;
    apconn_error err;
    apconn_status st;
    memset(&req, 0, sizeof req);
    req.display_name = o->name;
    req.project_ids = o->project_count > 0 ? (const char *const *)o->projects : NULL; /* NULL: unchanged */
    req.project_id_count = o->project_count;
    req.metadata_json = o->metadata;
    req.pre_select_for_new_projects = o->preselect;
    st = apconn_connection_update(&s->client, o->id, &req, &conn, &err);
    if (st != APCONN_OK)
        return cli_report_change(s, st, &err);
    return cli_print_connection(&conn);
}

static int cli_delete(cli_session *s, const cli_options *o) {
    apconn_error err;
    apconn_status st = apconn_connection_delete(&s->client, o->id, &err);
    if (st != APCONN_OK)
        return cli_report_in(s, st, &err);
    return 0;
}

/* apconn_page_next's per-item statuses: that item was reported and skipped, and
   the next call goes on with the following one. Every other error ends the page. */
static int cli_item_skipped(apconn_status st) {
    return st == APCONN_ERR_ITEM_TOO_LARGE || st == APCONN_ERR_JSON_TOKENS || st == APCONN_ERR_JSON_TYPE ||
           st == APCONN_ERR_JSON_MISSING || st == APCONN_ERR_JSON_ENUM || st == APCONN_ERR_JSON_NUL ||
           st == APCONN_ERR_JSON_DUPLICATE;
}

/* Prints every item of one page as it arrives. An item that cannot be read is
   reported on stderr and sets *item_rc; the others are still printed.
   Returns 0, or the exit status of an error that ended the page. */
static int cli_print_page(const cli_session *s, apconn_page *page, int *item_rc) {
    apconn_connection conn;
    apconn_error err;
    apconn_status st;
    size_t seen = page->count;
    int rc;
    while ((st = apconn_page_next(page, &conn, &err)) != APCONN_END) {
        if (st == APCONN_OK) {
            if ((rc = cli_print_connection(&conn)) != 0)
                return rc;
            fflush(stdout); /* each line as it arrives: a pipe reader need not wait for the page */
        } else if (cli_item_skipped(st) && page->count > seen) { /* it moved on: no endless loop */
            *item_rc = cli_report_in(s, st, &err);
        } else {
            return cli_report_in(s, st, &err);
        }
        seen = page->count;
    }
    return 0;
}

/* Without --all the next page's cursor goes where a script can take it
   without parsing NDJSON: stderr ("next-cursor: C", only when there is one)
   and --cursor-file (one line; empty at the last page, so a loop can stop). */
static int cli_tell_cursor(const cli_options *o, const char *cursor) {
    FILE *f;
    if (!o->all && cursor[0] != '\0')
        fprintf(stderr, "next-cursor: %s\n", cursor);
    if (o->cursor_file == NULL)
        return 0;
    f = fopen(o->cursor_file, "w");
    if (f == NULL || fprintf(f, "%s%s", cursor, cursor[0] ? "\n" : "") < 0 || fclose(f) != 0) {
        fprintf(stderr, "apconn: cannot write --cursor-file %s: %s\n", o->cursor_file, strerror(errno));
        return EXIT_USAGE;
    }
    return 0;
}

/* --all passes page.next straight to the next list call: it stays valid until
   that call has sent it. */
static int cli_list(cli_session *s, const cli_options *o) {
    apconn_list_request req;
    apconn_page page;
    apconn_error err;
    apconn_status st;
    const char *cursor = o->cursor;
    int rc, item_rc = 0;
    memset(&req, 0, sizeof req);
    req.limit = o->limit;
    req.piece_name = o->piece;
    req.display_name = o->name;
    req.statuses = o->statuses;
    do {
        req.cursor = cursor;
        s->client.timeout_ms = cli_time_left(s);
        if (s->client.timeout_ms == 0) {
            memset(&err, 0, sizeof err);
            err.status = APCONN_ERR_TIMEOUT;
            return cli_report_in(s, APCONN_ERR_TIMEOUT, &err);
        }
        st = apconn_connection_list(&s->client, &req, &page, &err);
        if (st != APCONN_OK)
            return cli_report_in(s, st, &err);
        if ((rc = cli_print_page(s, &page, &item_rc)) != 0)
            return rc;
        cursor = page.has_next == APCONN_SET && page.next[0] != '\0' ? page.next : NULL;
    } while (o->all && cursor != NULL);
    rc = cli_tell_cursor(o, cursor ? cursor : "");
    return rc ? rc : item_rc;
}

static int cli_run(const cli_options *o) {
    static cli_session session;
    int rc = cli_open(&session, o);
    if (rc != 0) {
        cli_close(&session);
        return rc;
    }
    if (strcmp(o->command, "create") == 0)
        rc = cli_create(&session, o);
    else if (strcmp(o->command, "update") == 0)
        rc = cli_update(&session, o);
    else if (strcmp(o->command, "delete") == 0)
        rc = cli_delete(&session, o);
    else
        rc = cli_list(&session, o);
    cli_close(&session);
    return rc;
}

int main(int argc, char **argv) {
    static cli_options o;
    const char *env_url = getenv("APCONN_URL");
    int rc;
    o.url = env_url && env_url[0] ? env_url : APCONN_CLI_DEFAULT_URL;
    cli_default_ca(&o);
    o.timeout_ms = APCONN_DEFAULT_TIMEOUT_MS;
    o.retries = APCONN_DEFAULT_MAX_RETRIES;
    if ((rc = cli_parse(argc, argv, &o)) != 0 || (rc = cli_check_options(&o)) != 0 ||
        (rc = cli_check_url(o.url)) != 0 || (rc = cli_check_ca(&o)) != 0 || (rc = cli_take_api_key()) != 0 || (rc = cli_load_value(&o)) != 0) {
        apconn_wipe(cli_value, sizeof cli_value);
        apconn_wipe(cli_key, sizeof cli_key);
        return rc == CLI_DONE ? EXIT_OK : rc;
    }
    rc = cli_run(&o);
    apconn_wipe(cli_value, sizeof cli_value);
    apconn_wipe(cli_key, sizeof cli_key);
    return rc;
}
