/* th_test.h - a tiny unit-test runner: TH_TEST(name) defines a test, TH_RUN_TESTS() runs every one.
 * Each test reads as a sentence (test_ndjson_line_numbers_are_one_based). Checks report file:line and go on;
 * the binary exits non-zero if any check failed, 77 (skip) if a test called TH_SKIP. */
#ifndef TH_TEST_H
#define TH_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*th_test_fn)(void);
void th_test_register(const char *name, th_test_fn fn);
int th_test_main(int argc, char **argv);
void th_test_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void th_test_skip(const char *why);
/* Reads a whole file (NUL-terminated, caller frees); NULL if unreadable. */
char *th_test_read_file(const char *path, size_t *len);
/* Path of a fixture under tests/fixtures (static buffer). */
const char *th_fixture(const char *rel);
/* Path under ../shared, or NULL (and the test is skipped loudly) if ../shared is absent. */
const char *th_shared(const char *rel);

#define TH_TEST(name)                                                                   \
    static void name(void);                                                             \
    __attribute__((constructor)) static void th_reg_##name(void) { th_test_register(#name, name); } \
    static void name(void)

#define TH_CHECK(cond)                                                                  \
    do {                                                                                \
        if (!(cond)) th_test_fail(__FILE__, __LINE__, "check failed: %s", #cond);       \
    } while (0)
#define TH_CHECK_INT(a, b)                                                              \
    do {                                                                                \
        long long th_a_ = (long long)(a), th_b_ = (long long)(b);                       \
        if (th_a_ != th_b_) th_test_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", #a, th_a_, #b, th_b_); \
    } while (0)
#define TH_CHECK_STR(a, b)                                                              \
    do {                                                                                \
        const char *th_a_ = (a), *th_b_ = (b);                                          \
        if (!th_a_ || !th_b_ || strcmp(th_a_, th_b_) != 0)                              \
            th_test_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, th_a_ ? th_a_ : "(null)", th_b_ ? th_b_ : "(null)"); \
    } while (0)
#define TH_CHECK_MEM(p, n, s)                                                           \
    do {                                                                                \
        const char *th_s_ = (s); size_t th_n_ = (n);                                    \
        if (th_n_ != strlen(th_s_) || memcmp((p), th_s_, th_n_) != 0)                   \
            th_test_fail(__FILE__, __LINE__, "%s == \"%.*s\", expected \"%s\"", #p, (int)th_n_, (const char *)(p), th_s_); \
    } while (0)
#define TH_SKIP(why) do { th_test_skip(why); return; } while (0)

#define TH_RUN_TESTS() int main(int argc, char **argv) { return th_test_main(argc, argv); }

#endif
