/* Linked into every unit test with -Wl,--wrap=malloc,calloc,realloc,free:
   any heap call from the library (compiled into the test) aborts the run. */
#include <stdio.h>
#include <stdlib.h>

static void no_heap_violation(const char *fn) {
    fprintf(stderr, "FAIL no_heap: the library called %s()\n", fn);
    abort();
}
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
void *__wrap_malloc(size_t n) { (void)n; no_heap_violation("malloc"); return NULL; }
void *__wrap_calloc(size_t n, size_t m) { (void)n; (void)m; no_heap_violation("calloc"); return NULL; }
void *__wrap_realloc(void *p, size_t n) { (void)p; (void)n; no_heap_violation("realloc"); return NULL; }
void __wrap_free(void *p) { if (p) no_heap_violation("free"); }
