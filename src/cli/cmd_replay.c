/* cmd_replay.c - `trailhound replay`: read audit logs, evaluate rules, print detections and a summary.
 * Argument parsing and printing only; the pipeline is th_replay_run() in engine/.
 * Invariant: detections go to the outputs (stdout by default); problems, progress and the summary go to stderr. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "th_cli.h"
#include "th_engine.h"
#include "th_opts.h"

#define MAX_PRINTED_PROBLEMS 1000

struct replay_args {
    const char *rules[64];
    size_t nrules;
    const char *outs[16];
    size_t nouts;
    const char *format;
    const char *source;
    enum th_match_mode match;
    enum th_priority min_priority;
    uint64_t max_record_size;
    uint32_t max_depth;
    int no_rules, skip_invalid, stats, quiet, strict, fail_on_detection, all_problems, progress;
};

struct problem_printer {
    uint64_t printed, suppressed;
    int all;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: trailhound replay [OPTIONS] INPUT...\n"
            "Reads CloudTrail and Kubernetes audit logs (files, directories, globs, '-' for stdin; .json, .gz, NDJSON,\n"
            "{\"Records\":[...]}, EventList, CloudWatch Logs payloads), evaluates the rules and prints detections.\n\n"
            "  -r, --rules PATH          rules file or directory (repeatable; default: the bundled rules)\n"
            "      --no-rules            decode and count only\n"
            "      --skip-invalid-rules  run with the rules that compile, instead of refusing to start\n"
            "  -f, --format text|json    detection format on stdout (default text)\n"
            "  -o, --output PATH         append detections as JSON lines to PATH instead of printing them (repeatable;\n"
            "                            add -o - to print them on stdout as well)\n"
            "  -m, --match all|first     every matching rule fires (default), or only the first (Falco's default)\n"
            "  -p, --min-priority P      ignore rules less severe than P (emergency ... debug)\n"
            "      --source S            auto (default), aws_cloudtrail or k8s_audit\n"
            "      --max-record-size N   reject records larger than N bytes (default 4MiB; K/KiB, M/MiB, G/GiB = 1024s,\n"
            "                            KB, MB, GB = 1000s; fractions like 1.5MiB)\n"
            "      --max-depth N         reject JSON nested deeper than N (default 128)\n"
            "      --stats               print per-rule evaluations, matches and time\n"
            "      --progress / --no-progress   progress line on stderr (default: when stderr is a terminal)\n"
            "      --all-problems        print every input problem (default: the first %d, all are counted)\n"
            "      --strict              exit 3 when any record was rejected or an input could not be read\n"
            "      --fail-on-detection   exit 1 when any rule fired\n"
            "  -q, --quiet               no summary\n\n"
            "exit codes: 0 ok, 1 detections (--fail-on-detection), 2 usage, 3 rejected records (--strict),\n"
            "            4 invalid rules, 5 a source or output failed\n",
            MAX_PRINTED_PROBLEMS);
}

static void print_problem(void *ctx, enum th_sev sev, enum th_code code, const char *where, const char *msg)
{
    struct problem_printer *pp = ctx;
    if (!pp->all && pp->printed >= MAX_PRINTED_PROBLEMS) {
        pp->suppressed++;
        return;
    }
    pp->printed++;
    fprintf(stderr, "%s: %s: %s [%s]\n", where ? where : "<input>", th_sev_str(sev), msg, th_code_str(code));
}

static int parse_args(int argc, char **argv, struct replay_args *a)
{
    static const struct option longopts[] = {
        {"rules", required_argument, NULL, 'r'},       {"no-rules", no_argument, NULL, 1},
        {"skip-invalid-rules", no_argument, NULL, 2},  {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},      {"match", required_argument, NULL, 'm'},
        {"min-priority", required_argument, NULL, 'p'}, {"source", required_argument, NULL, 3},
        {"max-record-size", required_argument, NULL, 4}, {"max-depth", required_argument, NULL, 5},
        {"stats", no_argument, NULL, 6},               {"progress", no_argument, NULL, 7},
        {"no-progress", no_argument, NULL, 8},         {"all-problems", no_argument, NULL, 9},
        {"strict", no_argument, NULL, 10},             {"fail-on-detection", no_argument, NULL, 11},
        {"quiet", no_argument, NULL, 'q'},             {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    a->format = "text";
    a->source = "auto";
    a->min_priority = TH_PRIO_DEBUG;
    a->progress = isatty(2);
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:f:o:m:p:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (a->nrules == 64) {
                fprintf(stderr, "trailhound replay: too many -r options (64 at most)\n");
                return -1;
            }
            a->rules[a->nrules++] = optarg;
            break;
        case 1: a->no_rules = 1; break;
        case 2: a->skip_invalid = 1; break;
        case 'f':
            if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
                fprintf(stderr, "trailhound replay: --format must be text or json, not '%s'\n", optarg);
                return -1;
            }
            a->format = optarg;
            break;
        case 'o':
            if (a->nouts == 16) {
                fprintf(stderr, "trailhound replay: too many -o options (16 at most)\n");
                return -1;
            }
            a->outs[a->nouts++] = optarg;
            break;
        case 'm':
            if (strcmp(optarg, "all") && strcmp(optarg, "first")) {
                fprintf(stderr, "trailhound replay: --match must be all or first, not '%s'\n", optarg);
                return -1;
            }
            a->match = optarg[0] == 'f' ? TH_MATCH_FIRST : TH_MATCH_ALL;
            break;
        case 'p':
            if (th_priority_parse(optarg, strlen(optarg), &a->min_priority) != 0) {
                fprintf(stderr, "trailhound replay: unknown priority '%s' (emergency alert critical error warning notice informational debug)\n", optarg);
                return -1;
            }
            break;
        case 3:
            if (strcmp(optarg, "auto") && th_srckind_parse(optarg, strlen(optarg)) == TH_SRC_UNKNOWN) {
                fprintf(stderr, "trailhound replay: --source must be auto, aws_cloudtrail or k8s_audit, not '%s'\n", optarg);
                return -1;
            }
            a->source = optarg;
            break;
        case 4:
            if (th_parse_size(optarg, &a->max_record_size) != 0 || a->max_record_size == 0) {
                fprintf(stderr, "trailhound replay: --max-record-size: '%s' is not a size\n", optarg);
                return -1;
            }
            break;
        case 5: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 100000) {
                fprintf(stderr, "trailhound replay: --max-depth: '%s' is not a number in 1..100000\n", optarg);
                return -1;
            }
            a->max_depth = (uint32_t)v;
            break;
        }
        case 6: a->stats = 1; break;
        case 7: a->progress = 1; break;
        case 8: a->progress = 0; break;
        case 9: a->all_problems = 1; break;
        case 10: a->strict = 1; break;
        case 11: a->fail_on_detection = 1; break;
        case 'q': a->quiet = 1; break;
        case 'h': usage(stdout); exit(0);
        default: return -1;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "trailhound replay: no INPUT given\n");
        return -1;
    }
    return 0;
}

/* Which rules ran, so a user can tell the installed bundle from a ./rules folder or a -r list. */
static void print_rules_line(const struct replay_args *a, const struct th_ruleset *rs)
{
    if (!rs) {
        fprintf(stderr, "rules       none (--no-rules)\n");
        return;
    }
    fprintf(stderr, "rules       %zu from ", th_ruleset_count(rs));
    if (a->nrules == 0) {
        fprintf(stderr, "%s (default)\n", th_cli_default_rules());
        return;
    }
    for (size_t i = 0; i < a->nrules; i++) {
        fprintf(stderr, "%s%s", i ? ", " : "", a->rules[i]);
    }
    fprintf(stderr, "\n");
}

static void print_summary(const struct replay_args *a, const struct th_ruleset *rs, const struct th_replay_summary *s,
                          const struct problem_printer *pp)
{
    double secs = (double)s->elapsed_ns / 1e9;
    fprintf(stderr, "== trailhound replay summary ==\n");
    print_rules_line(a, rs);
    fprintf(stderr, "inputs      %llu files, %.1f MB read\n", (unsigned long long)s->files, (double)s->bytes / 1e6);
    fprintf(stderr, "records     %llu\n", (unsigned long long)s->records);
    fprintf(stderr, "decoded     %llu (aws_cloudtrail %llu, k8s_audit %llu)\n", (unsigned long long)s->decoded,
            (unsigned long long)s->by_kind[TH_SRC_CLOUDTRAIL], (unsigned long long)s->by_kind[TH_SRC_K8S_AUDIT]);
    fprintf(stderr, "rejected    %llu", (unsigned long long)s->rejected);
    const char *sep = " (";
    for (int c = 0; c < TH_CODE_COUNT; c++) {
        if (s->rejected_by[c]) {
            fprintf(stderr, "%s%s %llu", sep, th_code_str((enum th_code)c), (unsigned long long)s->rejected_by[c]);
            sep = ", ";
        }
    }
    fprintf(stderr, "%s\n", sep[0] == ',' ? ")" : "");
    if (s->input_errors) {
        fprintf(stderr, "input errors %llu", (unsigned long long)s->input_errors);
        sep = " (";
        for (int c = 0; c < TH_CODE_COUNT; c++) {
            if (s->input_errors_by[c]) {
                fprintf(stderr, "%s%s %llu", sep, th_code_str((enum th_code)c), (unsigned long long)s->input_errors_by[c]);
                sep = ", ";
            }
        }
        fprintf(stderr, ")\n");
    }
    if (s->notes) {
        fprintf(stderr, "skipped     %llu (empty, digest or Insights files: warnings and notes above)\n",
                (unsigned long long)s->notes);
    }
    if (pp->suppressed) {
        fprintf(stderr, "unprinted   %llu problems past the first %d (counted above; --all-problems prints them)\n",
                (unsigned long long)pp->suppressed, MAX_PRINTED_PROBLEMS);
    }
    if (!a->no_rules) {
        fprintf(stderr, "detections  %llu", (unsigned long long)s->detections);
        sep = " (";
        for (int p = 0; p < 8; p++) {
            if (s->detections_by_priority[p]) {
                fprintf(stderr, "%s%s %llu", sep, th_priority_name((enum th_priority)p),
                        (unsigned long long)s->detections_by_priority[p]);
                sep = ", ";
            }
        }
        fprintf(stderr, "%s\n", sep[0] == ',' ? ")" : "");
    }
    fprintf(stderr, "time        %.3f s (%.0f events/s)\n", secs, secs > 0 ? (double)s->records / secs : 0.0);
}

static void print_stats(const struct th_ruleset *rs, struct th_eval_ctx *ctx)
{
    const struct th_rule_stats *st = th_eval_stats(ctx);
    fprintf(stderr, "== per-rule statistics ==\n%12s %10s %10s  %s\n", "evaluations", "matches", "time(ms)", "rule");
    for (size_t i = 0; i < th_ruleset_count(rs); i++) {
        if (st[i].evals == 0 && st[i].matches == 0) {
            continue;
        }
        fprintf(stderr, "%12llu %10llu %10.3f  %s\n", (unsigned long long)st[i].evals,
                (unsigned long long)st[i].matches, (double)st[i].ns / 1e6, th_ruleset_rule(rs, i)->name);
    }
}

static struct th_ruleset *compile_rules(const struct replay_args *a, int *exit_code)
{
    struct th_err err;
    struct th_compile_opts copts = {a->min_priority, a->skip_invalid != 0};
    th_err_init(&err);
    struct th_rule_set *set = th_cli_load_rules(a->rules, a->nrules, &err);
    /* always compiled, so every error of every file is reported before refusing */
    struct th_ruleset *rs = th_ruleset_compile(set, &copts, &err);
    th_cli_print_diags(&err, 0);
    if (rs && err.errors && a->skip_invalid) {
        fprintf(stderr, "trailhound replay: --skip-invalid-rules: running without the rules reported above "
                        "(%u error(s))\n", err.errors);
    }
    if (!rs || (err.errors && !a->skip_invalid)) {
        fprintf(stderr, "trailhound replay: %u error(s) in the rules (see above), not starting; fix them, or pass "
                        "--skip-invalid-rules to run the rules that compile\n",
                err.errors);
        th_ruleset_free(rs);
        rs = NULL;
        *exit_code = TH_EXIT_RULES;
    }
    th_rules_free(set);
    th_err_free(&err);
    return rs;
}

static int open_outputs(const struct replay_args *a, struct th_output **outs, size_t *nouts)
{
    struct th_err err;
    int stdout_used = 0;
    th_err_init(&err);
    *nouts = 0;
    for (size_t i = 0; i < a->nouts; i++) {
        if (strcmp(a->outs[i], "-") == 0) {
            stdout_used = 1;
            continue;
        }
        struct th_kv kv[] = {{"path", a->outs[i], NULL, 0, 0}};
        struct th_output *o = th_output_open("file", kv, 1, &err);
        if (!o) {
            th_cli_print_diags(&err, 0);
            th_err_free(&err);
            for (size_t k = 0; k < *nouts; k++) {
                th_output_close(outs[k]);
            }
            *nouts = 0;
            return -1;
        }
        outs[(*nouts)++] = o;
    }
    if (a->nouts == 0 || stdout_used) {
        struct th_kv kv[] = {{"format", a->format, NULL, 0, 0}};
        outs[(*nouts)++] = th_output_open("stdout", kv, 1, &err);
    }
    th_err_free(&err);
    return 0;
}

int th_cmd_replay(int argc, char **argv)
{
    struct replay_args a;
    struct th_output *outs[17];
    size_t nouts = 0;
    int exit_code = TH_EXIT_OK;
    memset(&a, 0, sizeof a);
    if (parse_args(argc, argv, &a) != 0) {
        usage(stderr);
        return TH_EXIT_USAGE;
    }
    struct th_ruleset *rs = a.no_rules ? NULL : compile_rules(&a, &exit_code);
    if (!a.no_rules && !rs) {
        return exit_code;
    }
    if (open_outputs(&a, outs, &nouts) != 0) {
        th_ruleset_free(rs);
        return TH_EXIT_RUNTIME; /* an output that cannot be opened is an output failure */
    }
    struct problem_printer pp = {0, 0, a.all_problems};
    struct th_replay_opts o = {
        .inputs = (const char *const *)argv + optind,
        .ninputs = (size_t)(argc - optind),
        .source_kind = a.source,
        .max_record_size = a.max_record_size,
        .max_depth = a.max_depth,
        .rules = rs,
        .match = a.match,
        .outputs = outs,
        .noutputs = nouts,
        .progress = a.progress != 0,
        .stats = a.stats != 0,
        .on_problem = print_problem,
        .problem_ctx = &pp,
    };
    struct th_replay_summary s;
    struct th_eval_ctx *ctx = NULL;
    struct th_err err;
    th_err_init(&err);
    int rc = th_replay_run(&o, &s, &ctx, &err);
    th_cli_print_diags(&err, 0);
    if (!a.quiet) {
        print_summary(&a, rs, &s, &pp);
    }
    if (a.stats && ctx) {
        print_stats(rs, ctx);
    }
    if (rc != 0) {
        exit_code = TH_EXIT_RUNTIME;
    } else if (a.strict && (s.rejected || s.input_errors)) {
        exit_code = TH_EXIT_INPUT;
    } else if (a.fail_on_detection && s.detections) {
        exit_code = TH_EXIT_DETECTIONS;
    }
    if (ctx) {
        th_eval_ctx_free(ctx);
    }
    for (size_t i = 0; i < nouts; i++) {
        th_output_close(outs[i]);
    }
    th_ruleset_free(rs);
    th_err_free(&err);
    return exit_code;
}
