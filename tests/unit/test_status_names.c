/* APCONN_NO_STATUS_TEXT: apconn_strerror() gives the enum name of every
   status instead of its sentence (the opt-in for the smallest images). */
#define APCONN_NO_STATUS_TEXT
#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include "harness.h"

#ifdef APCONN_EMPTY_STATUS_TEXT
/* APCONN_EMPTY_STATUS_TEXT (APCONN_MINIMAL) wins over APCONN_NO_STATUS_TEXT:
   no text at all, and apconn_error_format() names the status by number. */
static void every_status_text_is_empty(void) {
#define X(name, value, cls, text) CHECK_STR(apconn_strerror(name), "");
    APCONN_STATUS_LIST(X)
#undef X
    CHECK_STR(apconn_strerror((apconn_status)-999), "");
}

static void error_format_starts_with_the_number(void) {
    apconn_error e;
    char buf[64];
    memset(&e, 0, sizeof e);
    e.status = APCONN_ERR_NOT_FOUND;
    e.http_status = 404;
    CHECK_EQ(apconn_error_format(&e, buf, sizeof buf), strlen("status -81: HTTP 404"));
    CHECK_STR(buf, "status -81: HTTP 404");
    e.status = APCONN_END;
    e.http_status = 0;
    apconn_error_format(&e, buf, sizeof buf);
    CHECK_STR(buf, "status 1");
}

int main(void) {
    RUN(every_status_text_is_empty);
    RUN(error_format_starts_with_the_number);
    return harness_summary("status_names");
}
#else
static void every_status_is_named_by_its_enum_name(void) {
#define X(name, value, cls, text) CHECK_STR(apconn_strerror(name), #name);
    APCONN_STATUS_LIST(X)
#undef X
}

static void an_unknown_status_still_says_so(void) {
    CHECK_STR(apconn_strerror((apconn_status)-999), "unknown status");
    CHECK_STR(apconn_strerror((apconn_status)2), "unknown status");
}

static void error_format_starts_with_the_name(void) {
    apconn_error e;
    char buf[64];
    memset(&e, 0, sizeof e);
    e.status = APCONN_ERR_NOT_FOUND;
    e.http_status = 404;
    CHECK_EQ(apconn_error_format(&e, buf, sizeof buf), strlen("APCONN_ERR_NOT_FOUND: HTTP 404"));
    CHECK_STR(buf, "APCONN_ERR_NOT_FOUND: HTTP 404");
}

int main(void) {
    RUN(every_status_is_named_by_its_enum_name);
    RUN(an_unknown_status_still_says_so);
    RUN(error_format_starts_with_the_name);
    return harness_summary("status_names");
}
#endif
