/* The POSIX implementation included AFTER a system header, without a feature
   macro: glibc has fixed its feature set already, so apconn_posix.h must stop
   the build with its #error that names the fix (checked by
   tests/tools/platform_compile_check.sh), and compile with -D_POSIX_C_SOURCE. */
#include <stdio.h>
#define APCONN_POSIX_IMPLEMENTATION
#include "platform/apconn_posix.h"

int apconn_platform_late_anchor(void);
int apconn_platform_late_anchor(void) { return (int)sizeof(apconn_posix) + (int)sizeof(FILE *); }
