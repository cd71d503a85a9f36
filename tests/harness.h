/* tests/harness.h - a minimal test harness: one behaviour per test, named after it.
   Each suite ends with "<suite>: N passed, N failed, N skipped"; tests/tools/run_tests.sh
   sums the suites into the final "N passed, N failed, N skipped" line.
   A test that cannot run here calls SKIP("reason") and returns: it prints
   "  SKIP <test>: <reason>" and counts as skipped, never as passed.
   A test that ran no CHECK (and did not skip) fails: "  FAIL <test>: made no check". */
#ifndef APCONN_TEST_HARNESS_H
#define APCONN_TEST_HARNESS_H
#include <stdio.h>
#include <string.h>

static int harness_passed, harness_failed, harness_skipped, harness_current_failed, harness_current_skipped;
static long harness_current_checks; /* CHECKs the running test made */
static const char *harness_current;

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        harness_current_checks++;                                                            \
        if (!(cond)) {                                                                       \
            printf("  FAIL %s: %s:%d: %s\n", harness_current, __FILE__, __LINE__, #cond);    \
            harness_current_failed = 1;                                                      \
        }                                                                                    \
    } while (0)

#define CHECK_EQ(a, b)                                                                       \
    do {                                                                                     \
        long long harness_a_ = (long long)(a), harness_b_ = (long long)(b);                  \
        harness_current_checks++;                                                            \
        if (harness_a_ != harness_b_) {                                                      \
            printf("  FAIL %s: %s:%d: %s == %s (%lld != %lld)\n", harness_current, __FILE__, \
                   __LINE__, #a, #b, harness_a_, harness_b_);                                \
            harness_current_failed = 1;                                                      \
        }                                                                                    \
    } while (0)

#define CHECK_STR(a, b)                                                                      \
    do {                                                                                     \
        const char *harness_a_ = (a), *harness_b_ = (b);                                     \
        harness_current_checks++;                                                            \
        if (harness_a_ == NULL || harness_b_ == NULL || strcmp(harness_a_, harness_b_)) {    \
            printf("  FAIL %s: %s:%d: %s == %s (\"%s\" != \"%s\")\n", harness_current,       \
                   __FILE__, __LINE__, #a, #b, harness_a_ ? harness_a_ : "(null)",           \
                   harness_b_ ? harness_b_ : "(null)");                                      \
            harness_current_failed = 1;                                                      \
        }                                                                                    \
    } while (0)

/* Compares n bytes; prints both sides when they differ. */
#define CHECK_MEM(a, b, n)                                                                   \
    do {                                                                                     \
        harness_current_checks++;                                                            \
        if (memcmp((a), (b), (n)) != 0) {                                                    \
            printf("  FAIL %s: %s:%d: %s == %s (%u bytes)\n---\n%.*s\n---\n%.*s\n---\n",     \
                   harness_current, __FILE__, __LINE__, #a, #b, (unsigned)(n), (int)(n),     \
                   (const char *)(a), (int)(n), (const char *)(b));                          \
            harness_current_failed = 1;                                                      \
        }                                                                                    \
    } while (0)

/* Marks the running test skipped (the caller returns); a failed check still fails it. */
#define SKIP(reason)                                                                         \
    do {                                                                                     \
        printf("  SKIP %s: %s\n", harness_current, (reason));                                \
        harness_current_skipped = 1;                                                         \
    } while (0)

#define RUN(test)                                                                            \
    do {                                                                                     \
        harness_current = #test;                                                             \
        harness_current_failed = 0;                                                          \
        harness_current_skipped = 0;                                                         \
        harness_current_checks = 0;                                                          \
        test();                                                                              \
        if (harness_current_failed) harness_failed++;                                        \
        else if (harness_current_skipped) harness_skipped++;                                 \
        else if (harness_current_checks == 0) {                                              \
            printf("  FAIL %s: made no check\n", harness_current);                           \
            harness_failed++;                                                                \
        } else harness_passed++;                                                             \
    } while (0)

/* What apconn.h's size profiles change (make minimal-unit builds every suite
   with -DAPCONN_MINIMAL). A test about a removed feature is #ifdef'd out and
   a test of what the profile does instead stands next to it. */
#ifdef APCONN_NO_KEEPALIVE_PROBE
#define PROFILE_IDLE_CLOSES 1 /* a reconnecting transport gets one connection per call */
#else
#define PROFILE_IDLE_CLOSES 0 /* a complete response leaves the connection open */
#endif

/* Cross builds (QEMU) set a prefix so their suites read apart from the host's. */
#ifndef HARNESS_SUITE_PREFIX
#define HARNESS_SUITE_PREFIX ""
#endif
static int harness_summary(const char *suite) {
    printf("%s%s: %d passed, %d failed, %d skipped\n", HARNESS_SUITE_PREFIX, suite, harness_passed,
           harness_failed, harness_skipped);
    return harness_failed ? 1 : 0;
}
#endif
