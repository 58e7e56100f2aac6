/* th_rule_test.h - rule test cases (`trailhound test`): case files that pair audit events with the exact set of
 * rules that must fire on them, and the runner that checks them against a compiled ruleset.
 *
 * Case file (YAML):
 *   rules: [path, ...]          optional; replaces the default rule set for this file
 *   cases:
 *     - name: text
 *       event: {JSON object}    exactly one of event (one record), events (a list of records),
 *       events: [{...}, ...]      or file (any input file the file source reads)
 *       file: path
 *       expect: [Rule A, ...]   the exact set of rule names that fire over the case's events ([] = none)
 * Relative paths (rules:, file:) are looked up in the case file's directory, then in each parent directory in
 * turn (so `tests/fixtures/x.json` written in tests/rules/cloudtrail/a.yaml finds <repo>/tests/fixtures/x.json);
 * the first that exists wins. Events are YAML nodes converted to JSON text (th_rt_yaml_to_json rules).
 *
 * Invariants: loaders never print, every problem is a th_err diagnostic with file:line:col; a file that has any
 * error yields no cases (callers skip it). The runner never prints either: it appends report lines to a buffer. */
#ifndef TH_RULE_TEST_H
#define TH_RULE_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "th_buf.h"
#include "th_err.h"
#include "th_eval.h"

/* ---- case files ------------------------------------------------------------------------------------------ */

struct th_rt_event {
    char *json; /* owned, NUL-terminated JSON text of one record */
    size_t len;
    uint32_t line, col; /* where the event starts in the case file */
};

struct th_rt_case {
    char *name;
    uint32_t line, col;         /* the case item */
    struct th_rt_event *events; /* event / events (nevents >= 1), or none for file: */
    size_t nevents;
    char *file; /* file: resolved path (NULL for inline events) */
    char **expect; /* rule names, deduplicated, in written order */
    size_t nexpect;
};

struct th_rt_file {
    char *path;    /* as given to the loader */
    bool has_rules;
    char **rules;  /* resolved rules paths (when has_rules) */
    size_t nrules;
    struct th_rt_case *cases;
    size_t ncases;
};

/* Converts YAML text whose single document is one node into compact JSON text (appended to out).
 * Plain scalars: null/Null/NULL/~/empty -> null, true/false (any of the YAML 1.2 core spellings) -> literals,
 * integers (decimal, 0x hex, 0o octal) and floats -> JSON numbers (normalised: no '+', no leading zeros);
 * .inf/.nan are refused. Quoted and block scalars are strings; mappings and sequences keep their order; keys are
 * always strings; a duplicate key is an error. Returns 0, or -1 with diagnostics (name:line:col) in err. */
int th_rt_yaml_to_json(const char *name, const char *text, size_t len, struct th_buf *out, struct th_err *err);

/* Loads a case file (from disk or memory). Returns 0, or -1 with every problem found in err (then f holds no
 * cases). th_rt_file_free accepts a zeroed or partially filled f. */
int th_rt_load_file(const char *path, struct th_rt_file *f, struct th_err *err);
int th_rt_load_mem(const char *path, const char *text, size_t len, struct th_rt_file *f, struct th_err *err);
void th_rt_file_free(struct th_rt_file *f);

/* Resolves a path written in case file `case_path` (see above). Returns a malloc'd path, or NULL if not found. */
char *th_rt_resolve_path(const char *case_path, const char *rel);

/* ---- running --------------------------------------------------------------------------------------------- */

struct th_rt_runner;

/* A runner evaluates cases against one compiled ruleset (borrowed, must outlive the runner) and remembers, for
 * --require-cases, which rules each case expected, which event keys (CloudTrail eventName, k8s verb) it
 * evaluated, and on which keys each rule fired. */
struct th_rt_runner *th_rt_runner_new(const struct th_ruleset *rs, enum th_match_mode mode);
void th_rt_runner_free(struct th_rt_runner *r);

/* Runs one case of f. Appends to report either "ok   <file>: <name>\n" or "FAIL <file>:<line>: <name>\n" followed
 * by diff lines ("  missing: R", "  unexpected: R (event N: eventName=..., eventID=...)", "  problem: ..."); with
 * verbose, ok cases also list what fired. Returns 1 when the case passed, 0 when it failed. Events that do not
 * decode and unreadable files are also errors in err (the case fails). */
int th_rt_run_case(struct th_rt_runner *r, const struct th_rt_file *f, size_t case_idx, bool verbose,
                   struct th_buf *report, struct th_err *err);

/* --require-cases. A rule is covered when (positive) some case lists it in expect, and (negative) some case that
 * does not list it evaluated an event with the same key (CloudTrail eventName / k8s verb) as an event on which the
 * rule fired in one of its positive cases. Fills *gaps (malloc'd, caller frees) with the enabled rules that are not covered. */
struct th_rt_gap {
    size_t rule; /* index in the ruleset */
    bool no_positive, no_negative;
};
size_t th_rt_untested(const struct th_rt_runner *r, struct th_rt_gap **gaps);

#endif
