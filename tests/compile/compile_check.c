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
