/* cmd_validate.c - `trailhound validate`: load and compile rules, report every problem, explain the index.
 * Exit 0 when no error (warnings allowed), 4 when any error. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "th_cli.h"
#include "th_eval.h"
#include "th_rules.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: trailhound validate [-r PATH]... [--diagnostics text|json] [--explain] [--dump-conditions]\n"
               "                          [PATH]...\n"
               "Loads and compiles rules files (default: the bundled rules) and reports every error and warning\n"
               "as file:line:col with the rule and a caret. PATH arguments are rules paths, as with -r.\n"
               "  -r, --rules PATH       rules file or directory (repeatable, loaded in order)\n"
               "      --diagnostics F    text (default, on stderr) or json (an array on stdout)\n"
               "      --explain          list rules evaluated for every event of their source, and why\n"
               "      --dump-conditions  print each rule's condition after macro, list and exception expansion\n");
}

static void explain(const struct th_ruleset *rs)
{
    size_t always = 0, indexed = 0;
    for (size_t i = 0; i < th_ruleset_count(rs); i++) {
        const struct th_rule_info *ri = th_ruleset_rule(rs, i);
        if (!ri->enabled) {
            continue;
        }
        if (ri->indexed) {
            indexed++;
            continue;
        }
        always++;
        printf("always evaluated: '%s' (%s:%u): %s\n", ri->name, ri->file ? ri->file : "?", ri->line,
               ri->why_always ? ri->why_always : "not indexed");
    }
    printf("%zu rules indexed by event, %zu evaluated for every event of their source\n", indexed, always);
}

int th_cmd_validate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"rules", required_argument, NULL, 'r'}, {"diagnostics", required_argument, NULL, 1},
        {"explain", no_argument, NULL, 2},       {"dump-conditions", no_argument, NULL, 3},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    const char *rules[64];
    size_t nrules = 0;
    int json = 0, do_explain = 0, dump = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (nrules == 64) {
                fprintf(stderr, "trailhound validate: too many rules paths (64 at most)\n");
                return TH_EXIT_USAGE;
            }
            rules[nrules++] = optarg;
            break;
        case 1:
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
                fprintf(stderr, "trailhound validate: --diagnostics: '%s' is not text or json\n", optarg);
                return TH_EXIT_USAGE;
            }
            json = strcmp(optarg, "json") == 0;
            break;
        case 2: do_explain = 1; break;
        case 3: dump = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return TH_EXIT_USAGE;
        }
    }
    for (int i = optind; i < argc; i++) { /* `validate my_rules.yaml` means -r my_rules.yaml */
        if (nrules == 64) {
            fprintf(stderr, "trailhound validate: too many rules paths (64 at most)\n");
            return TH_EXIT_USAGE;
        }
        rules[nrules++] = argv[i];
    }
    struct th_err err;
    th_err_init(&err);
    struct th_rule_set *set = th_cli_load_rules(rules, nrules, &err);
    struct th_compile_opts opts = {TH_PRIO_DEBUG, true};
    struct th_ruleset *rs = th_ruleset_compile(set, &opts, &err);
    th_cli_print_diags(&err, json);
    if (!json) {
        fprintf(stderr, "%zu rules, %zu macros, %zu lists: %u error(s), %u warning(s)\n", set->n_rules, set->n_macros,
                set->n_lists, err.errors, err.warnings);
    }
    if (rs && do_explain && !json) {
        explain(rs);
    }
    if (rs && dump && !json) {
        struct th_buf b;
        th_buf_init(&b);
        for (size_t i = 0; i < th_ruleset_count(rs); i++) {
            th_buf_clear(&b);
            th_ruleset_condition_str(rs, i, &b);
            printf("%s: %s\n", th_ruleset_rule(rs, i)->name, b.data ? b.data : "");
        }
        th_buf_free(&b);
    }
    int rc = err.errors ? TH_EXIT_RULES : TH_EXIT_OK;
    th_ruleset_free(rs);
    th_rules_free(set);
    th_err_free(&err);
    return rc;
}
