/* test_rule_test.c - rule test cases: YAML -> JSON conversion (types, nesting, quoting, unicode), case file
 * loading and its errors (with positions), and the runner's pass/fail report, diff and coverage. */
#include <stdlib.h>
#include <string.h>

#include "th_eval.h"
#include "th_json.h"
#include "th_rule_test.h"
#include "th_rules.h"
#include "th_test.h"

/* ---- helpers --------------------------------------------------------------------------------------------- */

/* Converts yaml to JSON; returns the malloc'd text, or NULL on error (diagnostics in err, which the caller frees). */
static char *to_json(const char *yaml, struct th_err *err)
{
    struct th_buf b;
    th_buf_init(&b);
    th_err_init(err);
    if (th_rt_yaml_to_json("inline.yaml", yaml, strlen(yaml), &b, err) != 0) {
        th_buf_free(&b);
        return NULL;
    }
    return th_buf_take(&b);
}

static void check_json(const char *yaml, const char *want)
{
    struct th_err err;
    char *got = to_json(yaml, &err);
    TH_CHECK_INT(err.errors, 0);
    TH_CHECK_STR(got, want);
    free(got);
    th_err_free(&err);
}

static int load_inline(const char *yaml, struct th_rt_file *f, struct th_err *err)
{
    th_err_init(err);
    return th_rt_load_mem(th_fixture("rule_tests/inline.yaml"), yaml, strlen(yaml), f, err);
}

static const struct th_diag *find_diag(const struct th_err *err, const char *msg_part)
{
    for (size_t i = 0; i < err->n; i++) {
        if (strstr(err->v[i].msg, msg_part)) {
            return &err->v[i];
        }
    }
    return NULL;
}

static struct th_ruleset *compile_string(const char *rules)
{
    struct th_err err;
    struct th_compile_opts opts = {TH_PRIO_DEBUG, false};
    struct th_rule_set *set = th_rules_new();
    th_err_init(&err);
    th_rules_load_string(set, "inline_rules.yaml", rules, &err);
    struct th_ruleset *rs = th_ruleset_compile(set, &opts, &err);
    TH_CHECK_INT(err.errors, 0);
    th_rules_free(set);
    th_err_free(&err);
    return rs;
}

static struct th_ruleset *compile_fixture_rules(void)
{
    struct th_err err;
    struct th_compile_opts opts = {TH_PRIO_DEBUG, false};
    struct th_rule_set *set = th_rules_new();
    th_err_init(&err);
    th_rules_load_path(set, th_fixture("rule_tests/rules.yaml"), &err);
    struct th_ruleset *rs = th_ruleset_compile(set, &opts, &err);
    TH_CHECK_INT(err.errors, 0);
    th_rules_free(set);
    th_err_free(&err);
    return rs;
}

/* Runs case i of f; returns the pass flag and leaves the report in *report (caller frees). */
static int run_one(struct th_rt_runner *r, const struct th_rt_file *f, size_t i, struct th_buf *report,
                   struct th_err *err)
{
    th_buf_init(report);
    th_err_init(err);
    return th_rt_run_case(r, f, i, false, report, err);
}

/* ---- YAML -> JSON ---------------------------------------------------------------------------------------- */

TH_TEST(test_plain_scalars_become_json_literals)
{
    check_json("[true, False, TRUE, null, ~, Null, 42, -7, +3, 007, 0, -0]",
               "[true,false,true,null,null,null,42,-7,3,7,0,-0]");
}

TH_TEST(test_plain_floats_are_normalised_to_json_numbers)
{
    check_json("[1.5, .5, -.25, 2., +1e3, 6.02E+23, 00.1, 1e-5]", "[1.5,0.5,-0.25,2,1e3,6.02e+23,0.1,1e-5]");
}

TH_TEST(test_hex_and_octal_integers_become_decimal)
{
    check_json("[0x1F, 0o17, 0xFFFFFFFFFFFFFFFF]", "[31,15,18446744073709551615]");
}

TH_TEST(test_words_and_near_numbers_stay_strings)
{
    check_json("[hello, 1.2.3, 12abc, 0x, 1e, yes, no, on, 2024-05-01T10:00:00Z, 203.0.113.10, -, .]",
               "[\"hello\",\"1.2.3\",\"12abc\",\"0x\",\"1e\",\"yes\",\"no\",\"on\",\"2024-05-01T10:00:00Z\","
               "\"203.0.113.10\",\"-\",\".\"]");
}

TH_TEST(test_quoted_scalars_stay_strings)
{
    check_json("[\"true\", 'null', \"42\", '1.5', \"\", '~']", "[\"true\",\"null\",\"42\",\"1.5\",\"\",\"~\"]");
}

TH_TEST(test_empty_plain_value_is_null)
{
    check_json("a:\nb: 1\n", "{\"a\":null,\"b\":1}");
}

TH_TEST(test_block_mapping_keeps_key_order_and_nesting)
{
    check_json("zeta: 1\nalpha:\n  - x\n  - {c: [1, {d: null}], b: []}\nmid: {}\n",
               "{\"zeta\":1,\"alpha\":[\"x\",{\"c\":[1,{\"d\":null}],\"b\":[]}],\"mid\":{}}");
}

TH_TEST(test_mapping_keys_are_always_strings)
{
    check_json("{1: a, true: b, null: c, \"q\": d}", "{\"1\":\"a\",\"true\":\"b\",\"null\":\"c\",\"q\":\"d\"}");
}

TH_TEST(test_unicode_and_escapes_are_reencoded_as_json)
{
    check_json("[\"caf\xc3\xa9\", \"caf\\u00e9\", \"\\U0001F600\", \"tab\\there\", \"quo\\\"te\\\\\", \"ctl\\x01\", "
               "'it''s']",
               "[\"caf\xc3\xa9\",\"caf\xc3\xa9\",\"\xf0\x9f\x98\x80\",\"tab\\there\",\"quo\\\"te\\\\\",\"ctl\\u0001\","
               "\"it's\"]");
}

TH_TEST(test_block_scalars_are_strings)
{
    check_json("lit: |\n  line1\n  line2\nfold: >\n  a\n  b\n", "{\"lit\":\"line1\\nline2\\n\",\"fold\":\"a b\\n\"}");
}

TH_TEST(test_aliases_expand_to_their_anchor)
{
    check_json("a: &who {type: IAMUser, userName: alice}\nb: *who\n",
               "{\"a\":{\"type\":\"IAMUser\",\"userName\":\"alice\"},"
               "\"b\":{\"type\":\"IAMUser\",\"userName\":\"alice\"}}");
}

TH_TEST(test_explicit_tags_are_honoured_and_checked)
{
    check_json("[!!int 5, !!float 1, !!bool true, !!null null]", "[5,1,true,null]");
    struct th_err err;
    char *got = to_json("[!!int abc]", &err);
    TH_CHECK(got == NULL);
    TH_CHECK(find_diag(&err, "not a valid int") != NULL);
    th_err_free(&err);
    got = to_json("[!custom x]", &err);
    TH_CHECK(got == NULL);
    TH_CHECK(find_diag(&err, "unsupported YAML tag") != NULL);
    th_err_free(&err);
}

TH_TEST(test_flow_style_json_converts_to_the_same_compact_json)
{
    const char *src = "{\"eventVersion\": \"1.08\", \"userIdentity\": {\"type\": \"IAMUser\", \"accountId\": "
                      "\"111122223333\"}, \"readOnly\": false, \"requestParameters\": null, \"n\": -12, \"f\": 0.5, "
                      "\"list\": [1, \"two\", [true], {}], \"s\": \"a\\\"b\\\\c\\u00e9\\n\"}";
    struct th_err err;
    char *got = to_json(src, &err);
    struct th_json doc;
    struct th_buf want;
    th_json_init(&doc);
    th_buf_init(&want);
    TH_CHECK_INT(th_json_parse(&doc, src, strlen(src)), 0);
    th_json_compact(&doc, 0, &want);
    TH_CHECK_STR(got, want.data);
    free(got);
    th_buf_free(&want);
    th_json_free(&doc);
    th_err_free(&err);
}

TH_TEST(test_duplicate_key_is_an_error_with_position)
{
    struct th_err err;
    char *got = to_json("a: 1\nb: 2\na: 3\n", &err);
    TH_CHECK(got == NULL);
    const struct th_diag *d = find_diag(&err, "duplicate key 'a'");
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_INT(d->loc.line, 3);
        TH_CHECK_INT(d->loc.col, 1);
    }
    th_err_free(&err);
}

TH_TEST(test_infinity_and_nan_are_refused)
{
    struct th_err err;
    char *got = to_json("[1, .inf]", &err);
    TH_CHECK(got == NULL);
    const struct th_diag *d = find_diag(&err, "no JSON representation");
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_INT(d->loc.col, 5);
    }
    th_err_free(&err);
    got = to_json(".nan", &err);
    TH_CHECK(got == NULL);
    th_err_free(&err);
}

TH_TEST(test_yaml_syntax_error_has_a_position)
{
    struct th_err err;
    char *got = to_json("a: [1, 2\nb: 3\n", &err);
    TH_CHECK(got == NULL);
    TH_CHECK_INT(err.errors, 1);
    if (err.n) {
        TH_CHECK_INT(err.v[0].code, TH_E_YAML_PARSE);
        TH_CHECK(err.v[0].loc.line >= 1);
    }
    th_err_free(&err);
}

/* ---- case files ------------------------------------------------------------------------------------------ */

TH_TEST(test_case_file_with_every_input_kind_loads)
{
    struct th_rt_file f;
    struct th_err err;
    th_err_init(&err);
    TH_CHECK_INT(th_rt_load_file(th_fixture("rule_tests/pass.yaml"), &f, &err), 0);
    TH_CHECK_INT(err.errors, 0);
    TH_CHECK(f.has_rules);
    TH_CHECK_INT(f.nrules, 1);
    TH_CHECK(f.nrules == 1 && strstr(f.rules[0], "rule_tests/rules.yaml") != NULL);
    TH_CHECK_INT(f.ncases, 8);
    if (f.ncases == 8) {
        TH_CHECK_STR(f.cases[0].name, "stop logging by an IAM user fires");
        TH_CHECK_INT(f.cases[0].line, 6);
        TH_CHECK_INT(f.cases[0].nevents, 1);
        TH_CHECK_INT(f.cases[1].nexpect, 0);
        TH_CHECK(f.cases[1].nevents == 1 && strstr(f.cases[1].events[0].json, "\"readOnly\":false") != NULL);
        TH_CHECK(f.cases[1].nevents == 1 && strstr(f.cases[1].events[0].json, "\"accountId\":\"111122223333\"") != NULL);
        TH_CHECK_INT(f.cases[2].nevents, 3);
        TH_CHECK_INT(f.cases[2].nexpect, 2); /* duplicates collapse */
        TH_CHECK(f.cases[3].file != NULL && strstr(f.cases[3].file, "rule_tests/events.jsonl") != NULL);
        TH_CHECK_INT(f.cases[3].nevents, 0);
    }
    th_rt_file_free(&f);
    th_err_free(&err);
}

TH_TEST(test_missing_expect_is_an_error_at_the_case)
{
    struct th_rt_file f;
    struct th_err err;
    th_err_init(&err);
    TH_CHECK_INT(th_rt_load_file(th_fixture("rule_tests/bad_missing_expect.yaml"), &f, &err), -1);
    TH_CHECK_INT(f.ncases, 0);
    const struct th_diag *d = find_diag(&err, "has no expect:");
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_INT(d->loc.line, 4);
        TH_CHECK_INT(d->loc.col, 5);
        TH_CHECK(d->loc.file && strstr(d->loc.file, "bad_missing_expect.yaml"));
    }
    th_rt_file_free(&f);
    th_err_free(&err);
}

TH_TEST(test_event_and_file_together_is_an_error_at_the_second_key)
{
    struct th_rt_file f;
    struct th_err err;
    th_err_init(&err);
    TH_CHECK_INT(th_rt_load_file(th_fixture("rule_tests/bad_event_and_file.yaml"), &f, &err), -1);
    const struct th_diag *d = find_diag(&err, "both event and file");
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_INT(d->loc.line, 6);
        TH_CHECK_INT(d->loc.col, 5);
    }
    th_rt_file_free(&f);
    th_err_free(&err);
}

TH_TEST(test_unknown_case_key_is_an_error_naming_it)
{
    struct th_rt_file f;
    struct th_err err;
    th_err_init(&err);
    TH_CHECK_INT(th_rt_load_file(th_fixture("rule_tests/bad_unknown_key.yaml"), &f, &err), -1);
    const struct th_diag *d = find_diag(&err, "unknown key 'expected'");
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_INT(d->loc.line, 6);
        TH_CHECK_INT(d->loc.col, 5);
        TH_CHECK(d->snippet && strstr(d->snippet, "expected: [Test Logging Stopped]"));
    }
    th_rt_file_free(&f);
    th_err_free(&err);
}

TH_TEST(test_unknown_top_level_key_is_an_error)
{
    struct th_rt_file f;
    struct th_err err;
    TH_CHECK_INT(load_inline("rulez: [a.yaml]\ncases: []\n", &f, &err), -1);
    const struct th_diag *d = find_diag(&err, "unknown top-level key 'rulez'");
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_INT(d->loc.line, 1);
        TH_CHECK_INT(d->loc.col, 1);
    }
    th_rt_file_free(&f);
    th_err_free(&err);
}

TH_TEST(test_file_without_cases_is_an_error)
{
    struct th_rt_file f;
    struct th_err err;
    TH_CHECK_INT(load_inline("rules: [rules.yaml]\n", &f, &err), -1);
    TH_CHECK(find_diag(&err, "has no cases:") != NULL);
    th_rt_file_free(&f);
    th_err_free(&err);
    TH_CHECK_INT(load_inline("- just a list\n", &f, &err), -1);
    TH_CHECK(find_diag(&err, "is a mapping") != NULL);
    th_rt_file_free(&f);
    th_err_free(&err);
}

TH_TEST(test_event_that_is_not_a_mapping_is_an_error)
{
    struct th_rt_file f;
    struct th_err err;
    TH_CHECK_INT(load_inline("cases:\n  - name: x\n    event: [1, 2]\n    expect: []\n", &f, &err), -1);
    const struct th_diag *d = find_diag(&err, "must be a mapping");
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_INT(d->loc.line, 3);
        TH_CHECK_INT(d->loc.col, 12);
    }
    th_rt_file_free(&f);
    th_err_free(&err);
}

TH_TEST(test_expect_must_be_a_list)
{
    struct th_rt_file f;
    struct th_err err;
    TH_CHECK_INT(load_inline("cases:\n  - name: x\n    event: {a: 1}\n    expect: Rule A\n", &f, &err), -1);
    TH_CHECK(find_diag(&err, "expect: must be a list") != NULL);
    th_rt_file_free(&f);
    th_err_free(&err);
}

TH_TEST(test_missing_input_and_rules_files_are_errors)
{
    struct th_rt_file f;
    struct th_err err;
    TH_CHECK_INT(load_inline("rules: [no/such/rules.yaml]\ncases:\n  - name: x\n    file: no/such/input.json\n"
                             "    expect: []\n",
                             &f, &err),
                 -1);
    TH_CHECK(find_diag(&err, "rules path 'no/such/rules.yaml' not found") != NULL);
    const struct th_diag *d = find_diag(&err, "input file 'no/such/input.json' not found");
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_INT(d->loc.line, 4);
        TH_CHECK_INT(d->loc.col, 11);
    }
    th_rt_file_free(&f);
    th_err_free(&err);
}

TH_TEST(test_relative_paths_are_looked_up_in_parent_directories)
{
    char here[4096];
    snprintf(here, sizeof here, "%s", th_fixture("rule_tests/pass.yaml"));
    char *same_dir = th_rt_resolve_path(here, "events.jsonl");
    char *from_root = th_rt_resolve_path(here, "tests/fixtures/rule_tests/events.jsonl");
    char *missing = th_rt_resolve_path(here, "tests/fixtures/rule_tests/nope.jsonl");
    TH_CHECK(same_dir && strstr(same_dir, "rule_tests/events.jsonl"));
    TH_CHECK(from_root && strstr(from_root, "rule_tests/events.jsonl"));
    TH_CHECK(missing == NULL);
    free(same_dir);
    free(from_root);
    free(missing);
}

/* ---- running --------------------------------------------------------------------------------------------- */

TH_TEST(test_every_case_of_the_passing_fixture_passes)
{
    struct th_ruleset *rs = compile_fixture_rules();
    struct th_rt_file f;
    struct th_err err;
    th_err_init(&err);
    TH_CHECK_INT(th_rt_load_file(th_fixture("rule_tests/pass.yaml"), &f, &err), 0);
    th_err_free(&err);
    struct th_rt_runner *r = th_rt_runner_new(rs, TH_MATCH_ALL);
    for (size_t i = 0; i < f.ncases; i++) {
        struct th_buf rep;
        TH_CHECK_INT(run_one(r, &f, i, &rep, &err), 1);
        TH_CHECK(strncmp(rep.data, "ok   ", 5) == 0);
        TH_CHECK(strstr(rep.data, f.cases[i].name) != NULL);
        TH_CHECK_INT(err.errors, 0);
        th_buf_free(&rep);
        th_err_free(&err);
    }
    th_rt_runner_free(r);
    th_rt_file_free(&f);
    th_ruleset_free(rs);
}

TH_TEST(test_failing_case_prints_missing_and_unexpected_rules)
{
    struct th_ruleset *rs = compile_fixture_rules();
    struct th_rt_file f;
    struct th_err err;
    struct th_buf rep, want;
    th_err_init(&err);
    TH_CHECK_INT(th_rt_load_file(th_fixture("rule_tests/fail.yaml"), &f, &err), 0);
    th_err_free(&err);
    struct th_rt_runner *r = th_rt_runner_new(rs, TH_MATCH_ALL);
    TH_CHECK_INT(run_one(r, &f, 0, &rep, &err), 1);
    th_buf_free(&rep);
    th_err_free(&err);
    TH_CHECK_INT(run_one(r, &f, 1, &rep, &err), 0);
    th_buf_init(&want);
    th_buf_printf(&want,
                  "FAIL %s:9: delete trail mislabelled as stop logging\n"
                  "  missing: Test Logging Stopped\n"
                  "  unexpected: Test Trail Deleted (event 2: eventName=DeleteTrail, eventID=evt-0103)\n",
                  f.path);
    TH_CHECK_STR(rep.data, want.data);
    TH_CHECK_INT(err.errors, 0);
    th_buf_free(&want);
    th_buf_free(&rep);
    th_err_free(&err);
    th_rt_runner_free(r);
    th_rt_file_free(&f);
    th_ruleset_free(rs);
}

#define STOP_LOGGING_EVENT                                                                                    \
    "{\"eventVersion\": \"1.08\", \"userIdentity\": {\"type\": \"IAMUser\", \"userName\": \"alice\"}, "      \
    "\"eventSource\": \"cloudtrail.amazonaws.com\", \"eventName\": \"StopLogging\", \"eventID\": \"e-1\"}"

#define RULE(name, cond)                                                                                      \
    "- rule: " name "\n  desc: d\n  condition: " cond "\n  output: o\n  priority: WARNING\n"                 \
    "  source: aws_cloudtrail\n"

TH_TEST(test_expecting_an_unknown_or_disabled_rule_says_so)
{
    struct th_ruleset *rs = compile_string(RULE("Stop", "ct.name = StopLogging")
                                               RULE("Off", "ct.name = StopLogging") "  enabled: false\n");
    struct th_rt_file f;
    struct th_err err;
    struct th_buf rep;
    TH_CHECK_INT(load_inline("cases:\n  - name: typo\n    event: " STOP_LOGGING_EVENT
                             "\n    expect: [Stop, Stpo, Off]\n",
                             &f, &err),
                 0);
    th_err_free(&err);
    struct th_rt_runner *r = th_rt_runner_new(rs, TH_MATCH_ALL);
    TH_CHECK_INT(run_one(r, &f, 0, &rep, &err), 0);
    TH_CHECK(strstr(rep.data, "  missing: Stpo (no rule of that name is loaded)\n") != NULL);
    TH_CHECK(strstr(rep.data, "  missing: Off (the rule is disabled)\n") != NULL);
    TH_CHECK(strstr(rep.data, "missing: Stop\n") == NULL);
    th_buf_free(&rep);
    th_err_free(&err);
    th_rt_runner_free(r);
    th_rt_file_free(&f);
    th_ruleset_free(rs);
}

TH_TEST(test_match_first_fires_only_the_first_matching_rule)
{
    struct th_ruleset *rs = compile_string(RULE("First", "ct.name = StopLogging") RULE("Second", "ct.name = StopLogging"));
    struct th_rt_file f;
    struct th_err err;
    struct th_buf rep;
    TH_CHECK_INT(load_inline("cases:\n  - name: both\n    event: " STOP_LOGGING_EVENT "\n    expect: [First, Second]\n",
                             &f, &err),
                 0);
    th_err_free(&err);
    struct th_rt_runner *all = th_rt_runner_new(rs, TH_MATCH_ALL);
    struct th_rt_runner *first = th_rt_runner_new(rs, TH_MATCH_FIRST);
    TH_CHECK_INT(run_one(all, &f, 0, &rep, &err), 1);
    th_buf_free(&rep);
    th_err_free(&err);
    TH_CHECK_INT(run_one(first, &f, 0, &rep, &err), 0);
    TH_CHECK(strstr(rep.data, "  missing: Second\n") != NULL);
    th_buf_free(&rep);
    th_err_free(&err);
    th_rt_runner_free(all);
    th_rt_runner_free(first);
    th_rt_file_free(&f);
    th_ruleset_free(rs);
}

TH_TEST(test_event_that_does_not_decode_fails_the_case_with_an_error)
{
    struct th_ruleset *rs = compile_string(RULE("Stop", "ct.name = StopLogging"));
    struct th_rt_file f;
    struct th_err err;
    struct th_buf rep;
    TH_CHECK_INT(load_inline("cases:\n  - name: not an audit record\n    event: {hello: world}\n    expect: []\n",
                             &f, &err),
                 0);
    th_err_free(&err);
    struct th_rt_runner *r = th_rt_runner_new(rs, TH_MATCH_ALL);
    TH_CHECK_INT(run_one(r, &f, 0, &rep, &err), 0);
    TH_CHECK(strstr(rep.data, "  problem: event 1 does not decode") != NULL);
    TH_CHECK_INT(err.errors, 1);
    if (err.n) {
        TH_CHECK_INT(err.v[0].loc.line, 3);
        TH_CHECK_INT(err.v[0].loc.col, 12);
    }
    th_buf_free(&rep);
    th_err_free(&err);
    th_rt_runner_free(r);
    th_rt_file_free(&f);
    th_ruleset_free(rs);
}

TH_TEST(test_rules_without_positive_or_negative_cases_are_untested)
{
    struct th_ruleset *rs = compile_fixture_rules();
    struct th_rt_file f;
    struct th_err err;
    th_err_init(&err);
    TH_CHECK_INT(th_rt_load_file(th_fixture("rule_tests/untested.yaml"), &f, &err), 0);
    th_err_free(&err);
    struct th_rt_runner *r = th_rt_runner_new(rs, TH_MATCH_ALL);
    for (size_t i = 0; i < f.ncases; i++) {
        struct th_buf rep;
        TH_CHECK_INT(run_one(r, &f, i, &rep, &err), 1);
        th_buf_free(&rep);
        th_err_free(&err);
    }
    struct th_rt_gap *gaps;
    size_t n = th_rt_untested(r, &gaps);
    TH_CHECK_INT(n, 2);
    if (n == 2) {
        TH_CHECK_STR(th_ruleset_rule(rs, gaps[0].rule)->name, "Test Trail Deleted");
        TH_CHECK(gaps[0].no_positive);
        TH_CHECK_STR(th_ruleset_rule(rs, gaps[1].rule)->name, "Test Pod Exec");
        TH_CHECK(!gaps[1].no_positive);
        TH_CHECK(gaps[1].no_negative);
    }
    free(gaps);
    th_rt_runner_free(r);
    th_rt_file_free(&f);
    th_ruleset_free(rs);
}

TH_TEST(test_negative_case_must_evaluate_the_same_event_name)
{
    struct th_ruleset *rs = compile_string(RULE("Stop", "ct.name = StopLogging and not ct.error exists"));
    struct th_rt_file f;
    struct th_err err;
    TH_CHECK_INT(load_inline("cases:\n"
                             "  - name: fires\n    event: " STOP_LOGGING_EVENT "\n    expect: [Stop]\n"
                             "  - name: other event\n    event: {eventVersion: '1.08', eventSource: "
                             "cloudtrail.amazonaws.com, eventName: StartLogging}\n    expect: []\n",
                             &f, &err),
                 0);
    th_err_free(&err);
    struct th_rt_runner *r = th_rt_runner_new(rs, TH_MATCH_ALL);
    for (size_t i = 0; i < f.ncases; i++) {
        struct th_buf rep;
        TH_CHECK_INT(run_one(r, &f, i, &rep, &err), 1);
        th_buf_free(&rep);
        th_err_free(&err);
    }
    struct th_rt_gap *gaps;
    size_t n = th_rt_untested(r, &gaps);
    TH_CHECK_INT(n, 1);
    TH_CHECK(n == 1 && !gaps[0].no_positive && gaps[0].no_negative);
    free(gaps);
    th_rt_runner_free(r);
    th_rt_file_free(&f);
    th_ruleset_free(rs);
}

TH_RUN_TESTS()
