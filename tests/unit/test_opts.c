/* test_opts.c - option tables: defaults, unknown keys with suggestions, ranges, units, required keys, positions. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "th_opts.h"
#include "th_test.h"

struct cfg {
    char *name;
    struct th_strlist paths;
    int64_t batch_size;
    int flag;
    uint64_t size;
    int64_t timeout;
};

static const struct th_opt table[] = {
    TH_OPT_STR("name", "default-name", 0, offsetof(struct cfg, name), "a name"),
    TH_OPT_STRLIST("path", TH_OPT_REQUIRED, offsetof(struct cfg, paths), "input paths"),
    TH_OPT_INT("batch_size", "1024", 1, 65536, offsetof(struct cfg, batch_size), "records per batch"),
    TH_OPT_BOOL("flag", "false", offsetof(struct cfg, flag), "a switch"),
    TH_OPT_SIZE("max_size", "1MiB", offsetof(struct cfg, size), "a size"),
    TH_OPT_DURATION("timeout", "5s", offsetof(struct cfg, timeout), "a duration"),
    TH_OPT_END,
};

static int apply(struct cfg *c, const struct th_kv *kv, size_t n, struct th_err *err)
{
    memset(c, 0, sizeof *c);
    th_err_init(err);
    return th_opts_apply(table, c, kv, n, "file", err);
}

TH_TEST(test_defaults_are_applied_before_settings)
{
    struct cfg c;
    struct th_err err;
    struct th_kv kv[] = {{"path", "a", NULL, 0, 0}};
    TH_CHECK_INT(apply(&c, kv, 1, &err), 0);
    TH_CHECK_STR(c.name, "default-name");
    TH_CHECK_INT(c.batch_size, 1024);
    TH_CHECK_INT(c.flag, 0);
    TH_CHECK_INT(c.size, 1048576);
    TH_CHECK_INT(c.timeout, 5000);
    th_opts_free(table, &c);
    th_err_free(&err);
}

TH_TEST(test_strlist_settings_append_and_scalars_take_the_last)
{
    struct cfg c;
    struct th_err err;
    struct th_kv kv[] = {{"path", "a", NULL, 0, 0}, {"name", "x", NULL, 0, 0}, {"path", "b", NULL, 0, 0},
                         {"name", "y", NULL, 0, 0}};
    TH_CHECK_INT(apply(&c, kv, 4, &err), 0);
    TH_CHECK(c.paths.n == 2 && strcmp(c.paths.v[0], "a") == 0 && strcmp(c.paths.v[1], "b") == 0);
    TH_CHECK_STR(c.name, "y");
    th_opts_free(table, &c);
    TH_CHECK(c.name == NULL && c.paths.n == 0);
    th_err_free(&err);
}

TH_TEST(test_unknown_key_suggests_the_nearest_option)
{
    struct cfg c;
    struct th_err err;
    struct th_kv kv[] = {{"path", "a", NULL, 0, 0}, {"batch_sise", "5", NULL, 0, 0}};
    TH_CHECK_INT(apply(&c, kv, 2, &err), -1);
    TH_CHECK_INT(err.n, 1);
    TH_CHECK_STR(err.v[0].msg, "file: option 'batch_sise' is unknown (did you mean 'batch_size'?)");
    TH_CHECK_INT(err.v[0].code, TH_E_CONFIG);
    th_opts_free(table, &c);
    th_err_free(&err);
}

TH_TEST(test_unknown_key_far_from_every_option_has_no_suggestion)
{
    struct cfg c;
    struct th_err err;
    struct th_kv kv[] = {{"path", "a", NULL, 0, 0}, {"zzzzzzzz", "5", NULL, 0, 0}};
    TH_CHECK_INT(apply(&c, kv, 2, &err), -1);
    TH_CHECK_STR(err.v[0].msg, "file: option 'zzzzzzzz' is unknown");
    th_opts_free(table, &c);
    th_err_free(&err);
}

TH_TEST(test_int_out_of_range_names_the_range)
{
    struct cfg c;
    struct th_err err;
    struct th_kv kv[] = {{"path", "a", NULL, 0, 0}, {"batch_size", "0", NULL, 0, 0}};
    TH_CHECK_INT(apply(&c, kv, 2, &err), -1);
    TH_CHECK_STR(err.v[0].msg, "file: option 'batch_size': '0' is out of range 1..65536");
    th_opts_free(table, &c);
    th_err_free(&err);
}

TH_TEST(test_error_carries_the_setting_position)
{
    struct cfg c;
    struct th_err err;
    struct th_kv kv[] = {{"path", "a", NULL, 0, 0}, {"flag", "maybe", "cfg.yaml", 7, 5}};
    TH_CHECK_INT(apply(&c, kv, 2, &err), -1);
    TH_CHECK_STR(err.v[0].loc.file, "cfg.yaml");
    TH_CHECK_INT(err.v[0].loc.line, 7);
    TH_CHECK_INT(err.v[0].loc.col, 5);
    TH_CHECK(strstr(err.v[0].msg, "'maybe' is not a boolean") != NULL);
    th_opts_free(table, &c);
    th_err_free(&err);
}

TH_TEST(test_missing_required_option_is_an_error)
{
    struct cfg c;
    struct th_err err;
    TH_CHECK_INT(apply(&c, NULL, 0, &err), -1);
    TH_CHECK(err.n == 1 && strstr(err.v[0].msg, "option 'path' is required") != NULL);
    th_opts_free(table, &c);
    th_err_free(&err);
}

TH_TEST(test_bool_accepts_common_spellings)
{
    static const char *yes[] = {"true", "YES", "on", "1"}, *no[] = {"false", "No", "off", "0"};
    for (int i = 0; i < 4; i++) {
        struct cfg c;
        struct th_err err;
        struct th_kv kv[] = {{"path", "a", NULL, 0, 0}, {"flag", yes[i], NULL, 0, 0}};
        TH_CHECK_INT(apply(&c, kv, 2, &err), 0);
        TH_CHECK_INT(c.flag, 1);
        th_opts_free(table, &c);
        th_err_free(&err);
        kv[1].value = no[i];
        TH_CHECK_INT(apply(&c, kv, 2, &err), 0);
        TH_CHECK_INT(c.flag, 0);
        th_opts_free(table, &c);
        th_err_free(&err);
    }
}

TH_TEST(test_sizes_parse_binary_and_decimal_units)
{
    uint64_t v = 0;
    TH_CHECK(th_parse_size("1048576", &v) == 0 && v == 1048576);
    TH_CHECK(th_parse_size("256KiB", &v) == 0 && v == 262144);
    TH_CHECK(th_parse_size("1M", &v) == 0 && v == 1048576);
    TH_CHECK(th_parse_size("1mib", &v) == 0 && v == 1048576);
    TH_CHECK(th_parse_size("2MB", &v) == 0 && v == 2000000);
    TH_CHECK(th_parse_size("1.5KiB", &v) == 0 && v == 1536);
    TH_CHECK(th_parse_size("3 GiB", &v) == 0 && v == 3221225472ull);
    TH_CHECK(th_parse_size("12 bananas", &v) != 0);
    TH_CHECK(th_parse_size("-1", &v) != 0);
    TH_CHECK(th_parse_size("", &v) != 0);
    TH_CHECK(th_parse_size("99999999999999999999", &v) != 0);
}

TH_TEST(test_durations_need_a_unit_and_may_combine)
{
    int64_t v = 0;
    TH_CHECK(th_parse_duration_ms("500ms", &v) == 0 && v == 500);
    TH_CHECK(th_parse_duration_ms("5s", &v) == 0 && v == 5000);
    TH_CHECK(th_parse_duration_ms("5m", &v) == 0 && v == 300000);
    TH_CHECK(th_parse_duration_ms("1h", &v) == 0 && v == 3600000);
    TH_CHECK(th_parse_duration_ms("1m30s", &v) == 0 && v == 90000);
    TH_CHECK(th_parse_duration_ms("1.5s", &v) == 0 && v == 1500);
    TH_CHECK(th_parse_duration_ms("0", &v) == 0 && v == 0);
    TH_CHECK(th_parse_duration_ms("5", &v) != 0);
    TH_CHECK(th_parse_duration_ms("5x", &v) != 0);
    TH_CHECK(th_parse_duration_ms("s", &v) != 0);
}

TH_TEST(test_help_lists_every_option_with_default)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    th_opts_help(f, table);
    fclose(f);
    TH_CHECK(strstr(text, "batch_size") && strstr(text, "1024") && strstr(text, "[1..65536]"));
    TH_CHECK(strstr(text, "path") && strstr(text, "required"));
    free(text);
}

TH_RUN_TESTS()
