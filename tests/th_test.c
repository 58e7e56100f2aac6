/* th_test.c - the runner behind th_test.h. Prints one line per test and a closing
 * "N passed, N failed" line. Invariant: a failed check never aborts the binary; every test runs. */
#include "th_test.h"

#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>

#ifndef TH_SOURCE_DIR
#define TH_SOURCE_DIR "."
#endif
#ifndef TH_SHARED_DIR
#define TH_SHARED_DIR "../shared"
#endif

struct th_test_case {
    const char *name;
    th_test_fn fn;
};
static struct th_test_case cases[1024];
static size_t ncases;
static int cur_failed, cur_skipped;

void th_test_register(const char *name, th_test_fn fn)
{
    if (ncases < sizeof cases / sizeof cases[0]) {
        cases[ncases].name = name;
        cases[ncases].fn = fn;
        ncases++;
    }
}

void th_test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "  %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    cur_failed++;
}

void th_test_skip(const char *why)
{
    fprintf(stderr, "  SKIPPED: %s\n", why);
    cur_skipped = 1;
}

char *th_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    if (p) {
        p[n] = 0;
        if (len) {
            *len = (size_t)n;
        }
    }
    return p;
}

const char *th_fixture(const char *rel)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/tests/fixtures/%s", TH_SOURCE_DIR, rel);
    return buf;
}

const char *th_shared(const char *rel)
{
    static char buf[4096];
    struct stat st;
    if (stat(TH_SHARED_DIR, &st) != 0) {
        fprintf(stderr, "\n*** ../shared is absent (%s): conformance test SKIPPED ***\n\n", TH_SHARED_DIR);
        return NULL;
    }
    snprintf(buf, sizeof buf, "%s/%s", TH_SHARED_DIR, rel);
    return buf;
}

int th_test_main(int argc, char **argv)
{
    int passed = 0, failed = 0, skipped = 0;
    for (size_t i = 0; i < ncases; i++) {
        if (argc > 1 && strstr(cases[i].name, argv[1]) == NULL) {
            continue;
        }
        cur_failed = 0;
        cur_skipped = 0;
        cases[i].fn();
        const char *st = cur_failed ? "FAIL" : cur_skipped ? "SKIP" : "ok";
        printf("%-4s %s\n", st, cases[i].name);
        if (cur_failed) {
            failed++;
        } else if (cur_skipped) {
            skipped++;
        } else {
            passed++;
        }
    }
    printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    if (failed) {
        return 1;
    }
    return (skipped && !passed) ? 77 : 0;
}
