/* fuzz_cases.c - libFuzzer target: arbitrary text as a `trailhound test` case file. The text is converted and loaded
 * (YAML nodes to JSON events, expectations), and every case with inline events is run against a small compiled rule
 * set with its report rendered. Checks besides sanitizers: a file that fails to load says why (at least one error
 * diagnostic) and yields no cases; every inline event the loader produced is valid JSON (jansson parses it), since
 * th_rt_yaml_to_json promises JSON text. Cases that name a file are not run: the fuzzer would pick paths such as
 * /dev/zero. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th_buf.h"
#include "th_eval.h"
#include "th_rule_test.h"
#include "th_rules.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char rules_text[] =
    "- rule: Trail Stopped\n  desc: d\n  condition: ct.name = StopLogging\n  output: by %ct.user\n"
    "  priority: WARNING\n  source: aws_cloudtrail\n"
    "- rule: Pod Exec\n  desc: d\n  condition: ka.verb = create and ka.target.subresource = exec\n"
    "  output: by %ka.user.name\n  priority: NOTICE\n  source: k8s_audit\n";

static struct th_ruleset *rules;

static void init(void)
{
    struct th_err err;
    th_err_init(&err);
    struct th_rule_set *set = th_rules_new();
    th_rules_load_string(set, "rules.yaml", rules_text, &err);
    struct th_compile_opts opts = {TH_PRIO_DEBUG, false};
    rules = th_ruleset_compile(set, &opts, &err);
    if (!rules) {
        abort();
    }
    th_rules_free(set);
    th_err_free(&err);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (!rules) {
        init();
    }
    struct th_err err;
    th_err_init(&err);
    struct th_rt_file f;
    memset(&f, 0, sizeof f);
    int rc = th_rt_load_mem("/nonexistent/cases.yaml", (const char *)data, size, &f, &err);
    if (rc != 0 && (err.errors == 0 || f.ncases != 0)) {
        abort(); /* a failed load says why and yields no cases */
    }
    struct th_rt_runner *runner = th_rt_runner_new(rules, TH_MATCH_ALL);
    struct th_buf report;
    th_buf_init(&report);
    for (size_t i = 0; rc == 0 && i < f.ncases; i++) {
        const struct th_rt_case *c = &f.cases[i];
        if (c->file) {
            continue;
        }
        for (size_t e = 0; e < c->nevents; e++) {
            json_error_t jerr;
            json_t *j = json_loadb(c->events[e].json, c->events[e].len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
            if (!j && !strstr(jerr.text, "too big") && !strstr(jerr.text, "overflow") &&
                !strstr(jerr.text, "nesting") && !strstr(jerr.text, "NUL byte in object key")) {
                fprintf(stderr, "event %zu of case %zu is not JSON (%s at %d): %.*s\n", e, i, jerr.text, jerr.position,
                        (int)c->events[e].len, c->events[e].json);
                abort(); /* not JSON, and not one of jansson's own limits (huge numbers, deep nesting, NUL in a key) */
            }
            json_decref(j);
        }
        th_rt_run_case(runner, &f, i, true, &report, &err);
    }
    th_buf_free(&report);
    th_rt_runner_free(runner);
    th_rt_file_free(&f);
    th_err_free(&err);
    return 0;
}
