/* Compiled by tests/tools/compile_check.sh with every supported compiler
   (gcc, clang, g++ as C++, arm-none-eabi-gcc -Os) and -Werror: the header
   must be warning-free everywhere, and a second include after the
   implementation define must be harmless. */
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "apconn.h"

/* The header alone (no implementation) must also be self-contained. */
int apconn_compile_check_anchor(void);
int apconn_compile_check_anchor(void) { return (int)sizeof(apconn_client); }

/* The projectIds loop the README shows, compiled by every compiler (C and C++). */
size_t apconn_compile_check_ids(const apconn_connection *c);
size_t apconn_compile_check_ids(const apconn_connection *c) {
    size_t n = 0;
    const char *id;
    for (id = c->project_ids.first; id; id = apconn_ids_next(&c->project_ids, id))
        n++;
    return n;
}

#if defined(__arm__) && defined(__ARM_ARCH_7EM__)
/* Issue 7: one apconn_connection of views is at most 192 bytes on Cortex-M4. */
typedef char apconn_compile_check_connection_size[sizeof(apconn_connection) <= 192 ? 1 : -1];
#endif
