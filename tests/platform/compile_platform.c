/* Compiled by tests/tools/platform_compile_check.sh with every compiler and
   -Werror. WITH_POSIX / WITH_MBEDTLS select the layers (the cross build has
   no sockets). A second include after the implementation define must be
   harmless. */
#ifdef WITH_POSIX
#define APCONN_POSIX_IMPLEMENTATION
#include "platform/apconn_posix.h"
#include "platform/apconn_posix.h"
#endif
#ifdef WITH_MBEDTLS
#define APCONN_MBEDTLS_IMPLEMENTATION
#include "platform/apconn_mbedtls.h"
#include "platform/apconn_mbedtls.h"
#endif
#ifdef DECLARATIONS_ONLY
#include "platform/apconn_posix.h"
#include "platform/apconn_mbedtls.h"
#endif

int apconn_platform_compile_anchor(void);
int apconn_platform_compile_anchor(void) { return (int)sizeof(apconn_transport); }
