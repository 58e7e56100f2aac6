/* test_rule_catalog.c - the rule catalogue behind `trailhound rules`: first-sentence summaries, entry order
 * (source, first tactic in matrix order, name), coverage counting (parents via sub-techniques, disabled rules
 * ignored), the cloud/container gap list (every id resolves; a covered technique leaves it), and the Markdown. */
#include <stdlib.h>
#include <string.h>

#include "th_catalog.h"
#include "th_eval.h"
#include "th_rules.h"
#include "th_test.h"

static const char *const rules_yaml =
    "- rule: Zeta Trail Stopped\n"
    "  desc: Logging stopped. Second sentence is dropped.\n"
    "  condition: ct.name = \"StopLogging\"\n"
    "  output: x\n"
    "  priority: WARNING\n"
    "  source: aws_cloudtrail\n"
    "  tags: [mitre_defense_impairment, T1562.008]\n"
    "- rule: Alpha Pod Exec\n"
    "  desc: A pod was exec'd into.\n"
    "  condition: ka.verb = \"create\"\n"
    "  output: x\n"
    "  priority: NOTICE\n"
    "  source: k8s_audit\n"
    "  tags: [mitre_execution, T1609]\n"
    "- rule: Beta Access Key Created\n"
    "  desc: Created an access key, e.g. for a backdoor user.\n"
    "  condition: ct.name = \"CreateAccessKey\"\n"
    "  output: x\n"
    "  priority: WARNING\n"
    "  source: aws_cloudtrail\n"
    "  tags: [mitre_persistence, T1098.001]\n"
    "- rule: Disabled Bucket Read\n"
    "  desc: Off by default.\n"
    "  condition: ct.name = \"GetObject\"\n"
    "  output: x\n"
    "  priority: NOTICE\n"
    "  source: aws_cloudtrail\n"
    "  enabled: false\n"
    "  tags: [mitre_collection, T1530]\n";

static struct th_rule_set *g_set;
static struct th_ruleset *g_rs;

static void compile_fixture(struct th_catalog *cat)
{
    struct th_err err;
    struct th_compile_opts opts = {TH_PRIO_DEBUG, false};
    th_err_init(&err);
    g_set = th_rules_new();
    th_rules_load_string(g_set, "inline.yaml", rules_yaml, &err);
    g_rs = th_ruleset_compile(g_set, &opts, &err);
    TH_CHECK_INT(err.errors, 0);
    th_err_free(&err);
    memset(cat, 0, sizeof *cat);
    if (g_rs) {
        th_catalog_build(g_rs, cat);
    }
}

static void release(struct th_catalog *cat)
{
    th_catalog_free(cat);
    th_ruleset_free(g_rs);
    th_rules_free(g_set);
    g_rs = NULL;
    g_set = NULL;
}

static const struct th_catalog_tech *covered(const struct th_catalog *c, const char *id)
{
    for (size_t i = 0; i < c->ncovered; i++) {
        if (!strcmp(c->covered[i].t->id, id)) {
            return &c->covered[i];
        }
    }
    return NULL;
}

static int in_gaps(const struct th_catalog *c, const char *id)
{
    for (size_t i = 0; i < c->ngaps; i++) {
        if (!strcmp(c->gaps[i].t->id, id)) {
            return 1;
        }
    }
    return 0;
}

static void check_summary(const char *desc, const char *want)
{
    char *got = th_catalog_summary(desc);
    TH_CHECK_STR(got, want);
    free(got);
}

TH_TEST(summary_is_the_first_sentence_with_whitespace_collapsed)
{
    check_summary("One sentence.  Two sentences.", "One sentence.");
    check_summary("  Folded\n  over   lines.\nNext.", "Folded over lines.");
    check_summary("Uses e.g. an abbreviation, i.e. not the end. Then more.", "Uses e.g. an abbreviation, i.e. not the end.");
    check_summary("Version 1.2 is fine. More", "Version 1.2 is fine.");
    check_summary("No full stop at all", "No full stop at all");
    check_summary(NULL, "");
}

TH_TEST(entries_are_sorted_by_source_then_first_tactic_then_name)
{
    struct th_catalog cat;
    compile_fixture(&cat);
    TH_CHECK_INT(cat.n, 4);
    if (cat.n == 4) {
        /* CloudTrail first; Persistence < Defense Impairment < Collection in matrix order; then k8s. */
        TH_CHECK_STR(cat.entries[0].ri->name, "Beta Access Key Created");
        TH_CHECK_STR(cat.entries[1].ri->name, "Zeta Trail Stopped");
        TH_CHECK_STR(cat.entries[2].ri->name, "Disabled Bucket Read");
        TH_CHECK_STR(cat.entries[3].ri->name, "Alpha Pod Exec");
        TH_CHECK_STR(cat.entries[1].summary, "Logging stopped.");
    }
    TH_CHECK_INT(cat.rules[TH_SRC_CLOUDTRAIL], 3);
    TH_CHECK_INT(cat.enabled[TH_SRC_CLOUDTRAIL], 2);
    TH_CHECK_INT(cat.rules[TH_SRC_K8S_AUDIT], 1);
    release(&cat);
}

TH_TEST(a_sub_technique_covers_its_parent_and_disabled_rules_cover_nothing)
{
    struct th_catalog cat;
    compile_fixture(&cat);
    const struct th_catalog_tech *sub = covered(&cat, "T1098.001"), *parent = covered(&cat, "T1098");
    TH_CHECK(sub && sub->named && sub->rules[TH_SRC_CLOUDTRAIL] == 1);
    TH_CHECK(parent && !parent->named && parent->rules[TH_SRC_CLOUDTRAIL] == 1);
    TH_CHECK(covered(&cat, "T1530") == NULL);
    TH_CHECK(in_gaps(&cat, "T1530"));
    /* the revoked T1562.008 tag resolves to T1685.002, which then leaves the gap list */
    TH_CHECK(covered(&cat, "T1685.002") != NULL);
    TH_CHECK(!in_gaps(&cat, "T1685.002"));
    TH_CHECK(!in_gaps(&cat, "T1609"));
    TH_CHECK(!in_gaps(&cat, "T1098"));
    TH_CHECK_INT(cat.tactic_rules[7][TH_SRC_CLOUDTRAIL], 1); /* Defense Impairment */
    TH_CHECK_INT(cat.tactic_rules[11][TH_SRC_CLOUDTRAIL], 0); /* Collection: only the disabled rule */
    release(&cat);
}

TH_TEST(every_cloud_and_container_id_resolves_in_the_builtin_table)
{
    for (size_t i = 0; i < th_catalog_nmatrix_ids; i++) {
        const struct th_mitre_technique *t = th_catalog_resolve_id(th_catalog_matrix_ids[i].id);
        if (!t) {
            th_test_fail(__FILE__, __LINE__, "matrix id %s is not in the built-in table", th_catalog_matrix_ids[i].id);
        }
        TH_CHECK(th_catalog_matrix_ids[i].matrices != 0);
    }
    TH_CHECK(th_catalog_resolve_id("T1562.008") == th_mitre_technique_by_id("T1685.002", 9));
    TH_CHECK(th_catalog_resolve_id("T9999") == NULL);
}

TH_TEST(markdown_has_counts_tables_coverage_gaps_and_the_included_section)
{
    struct th_catalog cat;
    char *text = NULL;
    size_t len = 0;
    compile_fixture(&cat);
    FILE *f = open_memstream(&text, &len);
    th_catalog_write_markdown(f, &cat, "## Cross-check with Panther\n\nhand-written");
    fclose(f);
    TH_CHECK(strstr(text, "| AWS CloudTrail (`aws_cloudtrail`) | 3 | 2 |") != NULL);
    TH_CHECK(strstr(text, "| Zeta Trail Stopped | TA0112 Defense Impairment | T1685.002 Disable or Modify Tools: "
                          "Disable or Modify Cloud Log | Warning | `inline.yaml:1` | Logging stopped. |") != NULL);
    TH_CHECK(strstr(text, "| Disabled Bucket Read (disabled) |") != NULL);
    TH_CHECK(strstr(text, "| TA0002 Execution | 0 | 1 | T1609 Container Administration Command |") != NULL);
    TH_CHECK(strstr(text, "| T1530 Data from Cloud Storage | Collection | IaaS |") != NULL);
    TH_CHECK(strstr(text, "## AWS CloudTrail") < strstr(text, "## Kubernetes audit"));
    size_t n = strlen(text);
    TH_CHECK(n > 13 && strcmp(text + n - 13, "hand-written\n") == 0);
    free(text);
    release(&cat);
}

TH_RUN_TESTS()
