/* cmd_test.c - `trailhound test`: run rule test case files and report each case, a diff for failures, and a
 * closing "N passed, N failed" line. Argument parsing, case-file discovery and printing only; loading and
 * running cases is engine/rule_test*.c.
 * Invariant: case results and the closing line go to stdout, diagnostics to stderr; exit 4 beats 1 beats 0. */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "th_cli.h"
#include "th_eval.h"
#include "th_rule_test.h"
#include "th_rules.h"

#define MAX_RULES 64

struct test_args {
    const char *rules[MAX_RULES];
    size_t nrules;
    enum th_match_mode match;
    int require_cases, list_untested, verbose;
};

/* One distinct rule set (the default one, or a case file's rules: list) and its runner. */
struct rset {
    char *key; /* "" = the default rules; else the resolved paths joined by '\n' */
    struct th_ruleset *rs;
    struct th_rt_runner *runner;
    bool failed; /* did not load or compile (diagnostics printed once) */
};

struct run {
    const struct test_args *a;
    struct rset *sets;
    size_t nsets;
    unsigned passed, failed;
    int errors; /* invalid case files or rules */
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: trailhound test [-r RULES]... [--match all|first] [--require-cases] [--list-untested] [-v] CASES...\n"
            "Runs rule test cases: CASES are case files or directories of them (*.yaml, *.yml, recursive, sorted).\n"
            "A case file is YAML:\n"
            "  rules: [PATH, ...]      optional: replaces the default rules for this file\n"
            "  cases:\n"
            "    - name: TEXT\n"
            "      event: {JSON}       one record; or events: [{...}, ...]; or file: PATH (read like replay)\n"
            "      expect: [RULE, ...] the exact set of rules that fire over the events ([] = none)\n"
            "Relative paths in a case file are looked up in its directory, then in each parent directory (so\n"
            "tests/fixtures/x.json works from anywhere inside the repository).\n\n"
            "  -r, --rules PATH      default rules file or directory (repeatable; default: the bundled rules)\n"
            "  -m, --match all|first every matching rule fires (default), or only the first per event\n"
            "      --require-cases   fail unless every enabled rule of each rule set the cases ran against (and of\n"
            "                        -r) has a positive case (it is in some case's expect) and a negative case (a\n"
            "                        case that does not expect it evaluated an event with the same CloudTrail\n"
            "                        eventName / k8s verb as an event it fired on in a positive case); each rule\n"
            "                        lacking either counts as one failure\n"
            "      --list-untested   print the rules lacking a positive or negative case (exit code unchanged)\n"
            "  -v, --verbose         also list what fired for passing cases, and rules warnings\n\n"
            "output: 'ok   FILE: NAME' or 'FAIL FILE:LINE: NAME' with '  missing: RULE' / '  unexpected: RULE (event N:\n"
            "...)' lines, then 'N passed, N failed'.\n"
            "exit codes: 0 all passed, 1 a case failed, 2 usage, 4 invalid rules or an unreadable/invalid case file\n");
}

static int parse_args(int argc, char **argv, struct test_args *a)
{
    static const struct option longopts[] = {
        {"rules", required_argument, NULL, 'r'}, {"match", required_argument, NULL, 'm'},
        {"require-cases", no_argument, NULL, 1}, {"list-untested", no_argument, NULL, 2},
        {"verbose", no_argument, NULL, 'v'},     {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:m:vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (a->nrules == MAX_RULES) {
                fprintf(stderr, "trailhound test: too many -r options (%d at most)\n", MAX_RULES);
                return -1;
            }
            a->rules[a->nrules++] = optarg;
            break;
        case 'm':
            if (strcmp(optarg, "all") && strcmp(optarg, "first")) {
                fprintf(stderr, "trailhound test: --match must be all or first, not '%s'\n", optarg);
                return -1;
            }
            a->match = optarg[0] == 'f' ? TH_MATCH_FIRST : TH_MATCH_ALL;
            break;
        case 1: a->require_cases = 1; break;
        case 2: a->list_untested = 1; break;
        case 'v': a->verbose = 1; break;
        case 'h': return 1;
        default: return -1;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "trailhound test: no CASES given\n");
        return -1;
    }
    return 0;
}

/* ---- case file discovery --------------------------------------------------------------------------------- */

struct paths {
    char **v;
    size_t n, cap;
};

static void paths_add(struct paths *p, char *s)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 32;
        p->v = th_xrealloc(p->v, p->cap * sizeof *p->v);
    }
    p->v[p->n++] = s;
}

static bool is_case_name(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) || (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the case files under dir (recursive, hidden entries skipped), each directory's entries in name order. */
static void walk(const char *dir, struct paths *out, struct th_err *err)
{
    struct paths names = {0};
    DIR *d = opendir(dir);
    struct dirent *de;
    if (!d) {
        th_err_add(err, TH_SEV_ERROR, TH_E_IO, dir, 0, 0, "cannot open case directory");
        return;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] != '.') {
            paths_add(&names, th_xstrdup(de->d_name));
        }
    }
    closedir(d);
    qsort(names.v, names.n, sizeof *names.v, cmp_str);
    for (size_t i = 0; i < names.n; i++) {
        struct stat st;
        char *p = th_xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names.v[i]);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            walk(p, out, err);
            free(p);
        } else if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && is_case_name(names.v[i])) {
            paths_add(out, p);
        } else {
            free(p);
        }
        free(names.v[i]);
    }
    free(names.v);
}

static void collect(char **args, int n, struct paths *out, struct th_err *err)
{
    for (int i = 0; i < n; i++) {
        struct stat st;
        size_t before = out->n;
        if (stat(args[i], &st) != 0) {
            th_err_add(err, TH_SEV_ERROR, TH_E_IO, args[i], 0, 0, "no such case file or directory");
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            paths_add(out, th_xstrdup(args[i]));
            continue;
        }
        walk(args[i], out, err);
        if (out->n == before) {
            th_err_add(err, TH_SEV_ERROR, TH_E_IO, args[i], 0, 0, "no case files (*.yaml, *.yml) in this directory");
        }
    }
}

/* ---- rule sets ------------------------------------------------------------------------------------------- */

static char *set_key(const struct th_rt_file *f)
{
    struct th_buf b;
    th_buf_init(&b);
    th_buf_puts(&b, "");
    for (size_t i = 0; f && f->has_rules && i < f->nrules; i++) {
        th_buf_printf(&b, "%s\n", f->rules[i]);
    }
    if (f && f->has_rules && f->nrules == 0) {
        th_buf_puts(&b, "\n"); /* rules: [] = no rules at all, distinct from the default */
    }
    return th_buf_take(&b);
}

static void load_set(struct run *r, struct rset *s, const struct th_rt_file *f)
{
    struct th_err err;
    struct th_compile_opts copts = {TH_PRIO_DEBUG, false};
    th_err_init(&err);
    struct th_rule_set *set;
    if (f && f->has_rules) {
        set = th_rules_new();
        for (size_t i = 0; i < f->nrules; i++) {
            th_rules_load_path(set, f->rules[i], &err);
        }
    } else {
        set = th_cli_load_rules(r->a->rules, r->a->nrules, &err);
    }
    if (err.errors == 0) {
        s->rs = th_ruleset_compile(set, &copts, &err);
    }
    if (err.errors || r->a->verbose) {
        th_cli_print_diags(&err, 0);
    }
    if (!s->rs || err.errors) {
        fprintf(stderr, "trailhound test: %u error(s) in the rules %s%s\n", err.errors, f && f->has_rules ? "of " : "",
                f && f->has_rules ? f->path : "(default set)");
        th_ruleset_free(s->rs);
        s->rs = NULL;
        s->failed = true;
        r->errors++;
    } else {
        s->runner = th_rt_runner_new(s->rs, r->a->match);
    }
    th_rules_free(set);
    th_err_free(&err);
}

/* The rule set for case file f (NULL = the default set), loaded on first use. */
static struct rset *get_set(struct run *r, const struct th_rt_file *f)
{
    char *key = set_key(f);
    for (size_t i = 0; i < r->nsets; i++) {
        if (strcmp(r->sets[i].key, key) == 0) {
            free(key);
            return &r->sets[i];
        }
    }
    r->sets = th_xrealloc(r->sets, (r->nsets + 1) * sizeof *r->sets);
    struct rset *s = &r->sets[r->nsets++];
    memset(s, 0, sizeof *s);
    s->key = key;
    load_set(r, s, f);
    return s;
}

/* ---- running --------------------------------------------------------------------------------------------- */

static void run_file(struct run *r, const char *path)
{
    struct th_rt_file f;
    struct th_err err;
    th_err_init(&err);
    int rc = th_rt_load_file(path, &f, &err);
    if (err.n) {
        th_cli_print_diags(&err, 0);
    }
    if (rc != 0) {
        r->errors++;
        th_rt_file_free(&f);
        th_err_free(&err);
        return;
    }
    th_err_clear(&err);
    struct rset *s = get_set(r, &f);
    if (s->failed) {
        printf("FAIL %s: not run (%zu cases): its rules do not load\n", f.path, f.ncases);
        r->failed += (unsigned)f.ncases;
        th_rt_file_free(&f);
        th_err_free(&err);
        return;
    }
    struct th_buf report;
    th_buf_init(&report);
    for (size_t i = 0; i < f.ncases; i++) {
        th_buf_clear(&report);
        if (th_rt_run_case(s->runner, &f, i, r->a->verbose != 0, &report, &err)) {
            r->passed++;
        } else {
            r->failed++;
        }
        fputs(report.data ? report.data : "", stdout);
    }
    if (err.errors) {
        th_cli_print_diags(&err, 0);
        r->errors++;
    }
    th_buf_free(&report);
    th_rt_file_free(&f);
    th_err_free(&err);
}

static void report_gaps(struct run *r)
{
    for (size_t k = 0; k < r->nsets; k++) {
        struct rset *s = &r->sets[k];
        struct th_rt_gap *gaps = NULL;
        if (s->failed) {
            continue;
        }
        size_t n = th_rt_untested(s->runner, &gaps);
        for (size_t i = 0; i < n; i++) {
            const struct th_rule_info *ri = th_ruleset_rule(s->rs, gaps[i].rule);
            const char *what = gaps[i].no_positive ? "no positive case (no case expects it)"
                                                   : "no negative case (no case without it evaluated the same "
                                                     "eventName/verb as an event it fired on)";
            if (r->a->require_cases) {
                printf("FAIL %s:%u: rule '%s': %s\n", ri->file ? ri->file : "?", ri->line, ri->name, what);
                r->failed++;
            } else {
                printf("untested %s:%u: %s: %s\n", ri->file ? ri->file : "?", ri->line, ri->name, what);
            }
        }
        free(gaps);
    }
}

int th_cmd_test(int argc, char **argv)
{
    struct test_args a;
    struct run r;
    struct paths cases = {0};
    struct th_err err;
    memset(&a, 0, sizeof a);
    memset(&r, 0, sizeof r);
    int prc = parse_args(argc, argv, &a);
    if (prc != 0) {
        usage(prc > 0 ? stdout : stderr);
        return prc > 0 ? TH_EXIT_OK : TH_EXIT_USAGE;
    }
    r.a = &a;
    th_err_init(&err);
    collect(argv + optind, argc - optind, &cases, &err);
    if (err.n) {
        th_cli_print_diags(&err, 0);
        r.errors += err.errors ? 1 : 0;
    }
    th_err_free(&err);
    if ((a.require_cases || a.list_untested) && a.nrules) {
        get_set(&r, NULL); /* rules given with -r are checked even when every case file names its own */
    }
    for (size_t i = 0; i < cases.n; i++) {
        run_file(&r, cases.v[i]);
        free(cases.v[i]);
    }
    free(cases.v);
    if (a.require_cases || a.list_untested) {
        report_gaps(&r);
    }
    printf("%u passed, %u failed\n", r.passed, r.failed);
    for (size_t i = 0; i < r.nsets; i++) {
        th_rt_runner_free(r.sets[i].runner);
        th_ruleset_free(r.sets[i].rs);
        free(r.sets[i].key);
    }
    free(r.sets);
    return r.errors ? TH_EXIT_RULES : r.failed ? TH_EXIT_DETECTIONS : TH_EXIT_OK;
}
