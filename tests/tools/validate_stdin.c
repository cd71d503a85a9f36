/* Reads one hex-encoded document per line from stdin and prints 1 or 0 per
   line: apconn_json_validate's verdict. Driven by validate_crosscheck.py. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include <stdio.h>

static char line[1 << 16], doc[1 << 15];

static int hex(int c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

int main(void) {
    while (fgets(line, sizeof line, stdin)) {
        size_t n = 0, i;
        for (i = 0; line[i] && line[i + 1] && line[i] != '\n' && n < sizeof doc; i += 2)
            doc[n++] = (char)(hex(line[i]) << 4 | hex(line[i + 1]));
        printf("%d\n", apconn_json_validate(doc, n) == APCONN_OK);
    }
    return 0;
}
