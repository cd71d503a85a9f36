/* Reads one hex-encoded document per line from stdin and prints 1 or 0 per
   line: apconn_json_validate's verdict. Driven by validate_crosscheck.py.
   Every document also goes through the readers (results unused), so that a
   sanitizer build exercises them on thousands of odd but valid shapes. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include <stdio.h>

static char line[1 << 16], doc[1 << 15], copy[1 << 15];
static unsigned char work[512]; /* small: pages stream through it, items skip */
static apconn_token tokens[64];

static void read_all_ways(const char *json, size_t n) {
    static apconn_connection conn;
    apconn_page page;
    apconn_error err;
    if (apconn_parse_page(json, n, work, sizeof work, tokens, 64, &page, &err) == APCONN_OK)
        while (!apconn_page_done(&page)) apconn_page_next(&page, &conn, &err);
    apconn_parse_error_body(json, n, tokens, 64, &err);
    memcpy(copy, json, n); /* decoded in place: last, on a copy */
    apconn_parse_connection(copy, n, tokens, 64, &conn, &err);
}

static int hex(int c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

int main(void) {
    while (fgets(line, sizeof line, stdin)) {
        size_t n = 0, i;
        for (i = 0; line[i] && line[i + 1] && line[i] != '\n' && n < sizeof doc; i += 2)
            doc[n++] = (char)(hex(line[i]) << 4 | hex(line[i + 1]));
        printf("%d\n", apconn_json_validate(doc, n) == APCONN_OK);
        read_all_ways(doc, n);
    }
    return 0;
}
