/* cmd_rules.c - `trailhound rules`: the catalogue of loaded rules (name, ATT&CK tactics and techniques, priority,
 * source, file:line, first sentence of desc) as text, JSON, or the Markdown of docs/DETECTIONS.md.
 * Invariant: every format lists the same rules in the catalogue's order (source, first tactic, name); exit 0, or
 * 4 when the rules do not compile, 2 on usage errors (including an unreadable --include file). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th_buf.h"
#include "th_catalog.h"
#include "th_cli.h"
#include "th_eval.h"
#include "th_rules.h"

enum fmt { FMT_TEXT, FMT_JSON, FMT_MARKDOWN };

static void usage(FILE *f)
{
    fprintf(f, "usage: trailhound rules [-r PATH]... [--format text|json|markdown] [--include FILE]\n"
               "Lists every loaded rule (default: the bundled rules) with its ATT&CK tactics and techniques,\n"
               "priority, source, file:line and the first sentence of its description.\n"
               "  -r, --rules PATH     rules file or directory (repeatable, loaded in order)\n"
               "  -f, --format F       text (default), json, or markdown (the content of docs/DETECTIONS.md:\n"
               "                       counts, one table per source, ATT&CK coverage, uncovered cloud and\n"
               "                       container techniques)\n"
               "      --include FILE   markdown: append FILE verbatim (docs/detections_crosscheck.md)\n"
               "exit codes: 0 ok, 2 usage, 4 invalid rules\n");
}

static void print_text(const struct th_catalog *c)
{
    for (size_t i = 0; i < c->n; i++) {
        const struct th_rule_info *ri = c->entries[i].ri;
        printf("%s%s\n  source: %s  priority: %s  defined: %s:%u\n  tactics:", ri->name,
               ri->enabled ? "" : " (disabled)", th_srckind_name(ri->source), th_priority_name(ri->priority),
               ri->file ? ri->file : "?", ri->line);
        for (size_t k = 0; ri->mitre && k < ri->mitre->ntactics; k++) {
            printf("%s %s %s", k ? "," : "", ri->mitre->tactics[k].id, ri->mitre->tactics[k].name);
        }
        printf("\n  techniques:");
        for (size_t k = 0; ri->mitre && k < ri->mitre->ntechniques; k++) {
            const struct th_mitre_ref *r = &ri->mitre->techniques[k];
            printf("%s %s %s%s%s", k ? "," : "", r->id, r->parent ? r->parent : "", r->parent ? ": " : "",
                   r->name);
        }
        printf("\n  %s\n", c->entries[i].summary);
    }
    printf("%zu rules (%zu aws_cloudtrail, %zu k8s_audit); %zu of %zu cloud/container techniques uncovered\n",
           c->n, c->rules[TH_SRC_CLOUDTRAIL], c->rules[TH_SRC_K8S_AUDIT], c->ngaps, c->nmatrix);
}

static json_t *ref_array(const struct th_mitre_ref *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s, s:s}", "id", v[i].id, "name", v[i].name);
        if (v[i].parent) {
            json_object_set_new(o, "parent", json_string(v[i].parent));
        }
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *rule_json(const struct th_catalog_entry *e)
{
    const struct th_rule_info *ri = e->ri;
    json_t *tags = json_array();
    for (size_t k = 0; k < ri->ntags; k++) {
        json_array_append_new(tags, json_string(ri->tags[k]));
    }
    return json_pack("{s:s, s:s, s:s, s:b, s:s, s:i, s:s, s:s, s:o, s:o, s:o}", "name", ri->name, "source",
                     th_srckind_name(ri->source), "priority", th_priority_name(ri->priority), "enabled",
                     ri->enabled, "file", ri->file ? ri->file : "", "line", (json_int_t)ri->line, "summary",
                     e->summary, "desc", ri->desc ? ri->desc : "", "tags", tags, "tactics",
                     ref_array(ri->mitre ? ri->mitre->tactics : NULL, ri->mitre ? ri->mitre->ntactics : 0),
                     "techniques",
                     ref_array(ri->mitre ? ri->mitre->techniques : NULL, ri->mitre ? ri->mitre->ntechniques : 0));
}

static json_t *tech_json(const struct th_mitre_technique *t)
{
    char name[256];
    json_t *tac = json_array();
    th_catalog_tech_name(t, name, sizeof name);
    for (int k = 0; k < TH_MITRE_NTACTICS; k++) {
        if (t->tactics & (1u << k)) {
            json_array_append_new(tac, json_string(th_mitre_tactics[k].id));
        }
    }
    return json_pack("{s:s, s:s, s:o}", "id", t->id, "name", name, "tactics", tac);
}

static json_t *coverage_json(const struct th_catalog *c)
{
    static const char *const mnames[] = {"IaaS", "Identity Provider", "Containers"};
    json_t *tactics = json_array(), *gaps = json_array();
    for (int k = 0; k < TH_MITRE_NTACTICS; k++) {
        json_t *techs = json_array();
        for (size_t i = 0; i < c->ncovered; i++) {
            if (c->covered[i].named && (c->covered[i].tactics & (1u << k))) {
                json_array_append_new(techs, json_string(c->covered[i].t->id));
            }
        }
        json_array_append_new(tactics, json_pack("{s:s, s:s, s:{s:i, s:i}, s:o}", "id", th_mitre_tactics[k].id,
                                                 "name", th_mitre_tactics[k].name, "rules", "aws_cloudtrail",
                                                 (json_int_t)c->tactic_rules[k][TH_SRC_CLOUDTRAIL], "k8s_audit",
                                                 (json_int_t)c->tactic_rules[k][TH_SRC_K8S_AUDIT], "techniques",
                                                 techs));
    }
    for (size_t i = 0; i < c->ngaps; i++) {
        json_t *o = tech_json(c->gaps[i].t), *m = json_array();
        for (unsigned b = 0; b < 3; b++) {
            if (c->gaps[i].matrices & (1u << b)) {
                json_array_append_new(m, json_string(mnames[b]));
            }
        }
        json_object_set_new(o, "matrices", m);
        json_array_append_new(gaps, o);
    }
    return json_pack("{s:o, s:i, s:o}", "tactics", tactics, "cloud_container_techniques", (json_int_t)c->nmatrix,
                     "uncovered", gaps);
}

static void print_json(const struct th_catalog *c)
{
    json_t *rules = json_array();
    for (size_t i = 0; i < c->n; i++) {
        json_array_append_new(rules, rule_json(&c->entries[i]));
    }
    json_t *root = json_pack(
        "{s:s, s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:o, s:o}", "attack_version", TH_MITRE_VERSION, "counts",
        "aws_cloudtrail", "rules", (json_int_t)c->rules[TH_SRC_CLOUDTRAIL], "enabled",
        (json_int_t)c->enabled[TH_SRC_CLOUDTRAIL], "k8s_audit", "rules", (json_int_t)c->rules[TH_SRC_K8S_AUDIT],
        "enabled", (json_int_t)c->enabled[TH_SRC_K8S_AUDIT], "rules", rules, "coverage", coverage_json(c));
    json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(root);
}

/* Reads the whole of path; NULL with a message on stderr when unreadable. */
static char *read_include(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct th_buf b;
    char chunk[4096];
    size_t n;
    if (!f) {
        fprintf(stderr, "trailhound rules: cannot read --include file '%s'\n", path);
        return NULL;
    }
    th_buf_init(&b);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        th_buf_append(&b, chunk, n);
    }
    fclose(f);
    return th_buf_take(&b);
}

static int parse_format(const char *s, enum fmt *out)
{
    if (!strcmp(s, "text")) {
        *out = FMT_TEXT;
    } else if (!strcmp(s, "json")) {
        *out = FMT_JSON;
    } else if (!strcmp(s, "markdown") || !strcmp(s, "md")) {
        *out = FMT_MARKDOWN;
    } else {
        return -1;
    }
    return 0;
}

int th_cmd_rules(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"rules", required_argument, NULL, 'r'},  {"format", required_argument, NULL, 'f'},
        {"include", required_argument, NULL, 1}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *rules[64], *include_path = NULL;
    size_t nrules = 0;
    enum fmt fmt = FMT_TEXT;
    int c, rc = TH_EXIT_OK;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:f:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (nrules == 64) {
                fprintf(stderr, "trailhound rules: at most 64 -r paths\n");
                return TH_EXIT_USAGE;
            }
            rules[nrules++] = optarg;
            break;
        case 'f':
            if (parse_format(optarg, &fmt) != 0) {
                fprintf(stderr, "trailhound rules: unknown format '%s' (text, json, markdown)\n", optarg);
                return TH_EXIT_USAGE;
            }
            break;
        case 1: include_path = optarg; break;
        case 'h': usage(stdout); return TH_EXIT_OK;
        default: usage(stderr); return TH_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "trailhound rules: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return TH_EXIT_USAGE;
    }
    char *include = NULL;
    if (include_path && (include = read_include(include_path)) == NULL) {
        return TH_EXIT_USAGE;
    }
    struct th_err err;
    th_err_init(&err);
    struct th_rule_set *set = th_cli_load_rules(rules, nrules, &err);
    struct th_compile_opts opts = {TH_PRIO_DEBUG, false};
    struct th_ruleset *rs = err.errors ? NULL : th_ruleset_compile(set, &opts, &err);
    if (rs) {
        struct th_catalog cat;
        th_catalog_build(rs, &cat);
        if (fmt == FMT_JSON) {
            print_json(&cat);
        } else if (fmt == FMT_MARKDOWN) {
            th_catalog_write_markdown(stdout, &cat, include);
        } else {
            print_text(&cat);
        }
        th_catalog_free(&cat);
    } else {
        th_cli_print_diags(&err, 0);
        rc = TH_EXIT_RULES;
    }
    th_ruleset_free(rs);
    th_rules_free(set);
    th_err_free(&err);
    free(include);
    return rc;
}
