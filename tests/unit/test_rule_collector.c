/* test_rule_collector.c - Falco collector semantics: redefinition, append/override, enabled, priority,
 * source, tags, exceptions, engine/plugin version requirements, and the upstream rule files. */
#include <stdlib.h>
#include <string.h>

#include "th_rules.h"
#include "th_test.h"

static struct th_rule_set *load_inline(const char *yaml, struct th_err *err)
{
    struct th_rule_set *set = th_rules_new();
    th_err_init(err);
    th_rules_load_string(set, "inline.yaml", yaml, err);
    return set;
}

static const struct th_diag *find_diag(const struct th_err *err, enum th_code code, const char *msg_part)
{
    for (size_t i = 0; i < err->n; i++) {
        if (err->v[i].code == code && (!msg_part || strstr(err->v[i].msg, msg_part))) {
            return &err->v[i];
        }
    }
    return NULL;
}

#define RULE(name, cond, extra)                                                                             \
    "- rule: " name "\n  desc: d\n  condition: " cond "\n  output: o\n  priority: WARNING\n"                 \
    "  source: aws_cloudtrail\n" extra

TH_TEST(test_rule_redefinition_keeps_original_position)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "ct.name = X", "") RULE("B", "ct.name = Y", "")
                                              RULE("A", "ct.name = Z", ""),
                                          &err);
    TH_CHECK_INT(err.errors, 0);
    TH_CHECK_INT(set->n_rules, 2);
    if (set->n_rules == 2) {
        TH_CHECK_STR(set->rules[0].name, "A");
        TH_CHECK_STR(set->rules[0].cond.str, "ct.name = Z");
        TH_CHECK(set->rules[0].index < set->rules[1].index);
        TH_CHECK(set->rules[0].visibility > set->rules[1].visibility);
        TH_CHECK_INT(set->rules[0].pos.line, 13);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_override_append_concatenates_condition_with_space)
{
    struct th_rule_set *set = th_rules_new();
    struct th_err err;
    th_err_init(&err);
    th_rules_load_file(set, th_fixture("rules/reader/base_rules.yaml"), &err);
    th_rules_load_file(set, th_fixture("rules/reader/override_rules.yaml"), &err);
    TH_CHECK_INT(err.errors, 0);
    const struct th_rule *r = th_rules_find_rule(set, "First Rule");
    TH_CHECK(r != NULL);
    if (r) {
        TH_CHECK_STR(r->cond.str, "ct.name = CreateUser and not is_admin");
        struct th_rpos p;
        th_text_locate(&r->cond, strlen("ct.name = CreateUser and not "), &p);
        TH_CHECK(p.file && strstr(p.file, "override_rules.yaml"));
        TH_CHECK_INT(p.line, 2);
        TH_CHECK_INT(p.col, 22);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_override_append_tags_merges_sorted_unique)
{
    struct th_rule_set *set = th_rules_new();
    struct th_err err;
    th_err_init(&err);
    th_rules_load_file(set, th_fixture("rules/reader/base_rules.yaml"), &err);
    th_rules_load_file(set, th_fixture("rules/reader/override_rules.yaml"), &err);
    const struct th_rule *r = th_rules_find_rule(set, "First Rule");
    TH_CHECK(r && r->n_tags == 3);
    if (r && r->n_tags == 3) {
        TH_CHECK_STR(r->tags[0].s, "aws");
        TH_CHECK_STR(r->tags[1].s, "cloud");
        TH_CHECK_STR(r->tags[2].s, "mitre_persistence");
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_override_replace_sets_priority_and_enabled)
{
    struct th_rule_set *set = th_rules_new();
    struct th_err err;
    th_err_init(&err);
    th_rules_load_file(set, th_fixture("rules/reader/base_rules.yaml"), &err);
    th_rules_load_file(set, th_fixture("rules/reader/override_rules.yaml"), &err);
    const struct th_rule *r = th_rules_find_rule(set, "Second Rule");
    TH_CHECK(r != NULL);
    if (r) {
        TH_CHECK_INT(r->priority, TH_PRIO_INFORMATIONAL);
        TH_CHECK(!r->enabled);
        TH_CHECK_STR(r->cond.str, "ct.name = DeleteUser");
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_list_append_adds_items_at_the_end)
{
    struct th_rule_set *set = th_rules_new();
    struct th_err err;
    th_err_init(&err);
    th_rules_load_file(set, th_fixture("rules/reader/base_rules.yaml"), &err);
    th_rules_load_file(set, th_fixture("rules/reader/override_rules.yaml"), &err);
    const struct th_rlist *l = th_rules_find_list(set, "admin_users");
    TH_CHECK(l && l->n_items == 3);
    if (l && l->n_items == 3) {
        TH_CHECK_STR(l->items[0].s, "root");
        TH_CHECK_STR(l->items[2].s, "breakglass");
        TH_CHECK(strstr(l->items[2].pos.file, "override_rules.yaml") != NULL);
        TH_CHECK(l->visibility > l->index);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_append_to_missing_rule_is_an_error)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- rule: ghost\n  condition: and x.y = 1\n  override:\n"
                                          "    condition: append\n",
                                          &err);
    const struct th_diag *d = find_diag(&err, TH_E_VALIDATE, "but no rule by that name already exists");
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_INT(d->loc.line, 1);
        TH_CHECK_INT(d->loc.col, 3);
        TH_CHECK(d->item && strstr(d->item, "rule 'ghost'"));
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_legacy_append_key_is_deprecated_but_appends)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "ct.name = X", "") "- rule: A\n  condition: or ct.name = Y\n"
                                                                        "  append: true\n",
                                          &err);
    TH_CHECK_INT(err.errors, 0);
    TH_CHECK(find_diag(&err, TH_W_DEPRECATED, "'append' key is deprecated") != NULL);
    const struct th_rule *r = th_rules_find_rule(set, "A");
    TH_CHECK(r && strcmp(r->cond.str, "ct.name = X or ct.name = Y") == 0);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_legacy_append_without_condition_or_exceptions_is_an_error)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "ct.name = X", "") "- rule: A\n  append: true\n", &err);
    TH_CHECK(find_diag(&err, TH_E_VALIDATE, "Appended rule must have exceptions or condition property") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_append_to_a_rule_whose_definition_failed_is_silent)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- rule: A\n  desc: d\n  condition: c.d = 1\n  priority: INFO\n"
                                          "- rule: A\n  condition: and x.y = 1\n  override:\n    condition: append\n",
                                          &err);
    TH_CHECK_INT(err.errors, 1);
    TH_CHECK(find_diag(&err, TH_E_SCHEMA, "Item has no mapping for key 'output'") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_macro_append_to_missing_macro_is_an_error)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- macro: m\n  condition: or x.y = 1\n  append: true\n", &err);
    TH_CHECK(find_diag(&err, TH_E_VALIDATE, "Macro uses 'append'") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_list_append_to_missing_list_is_an_error)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- list: l\n  items: [a]\n  override:\n    items: append\n", &err);
    TH_CHECK(find_diag(&err, TH_E_VALIDATE, "List uses 'append'") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_override_of_a_key_not_in_the_item_is_an_error)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1", "") "- rule: A\n  override:\n    output: append\n",
                                          &err);
    TH_CHECK(find_diag(&err, TH_E_SCHEMA, "An append override for 'output' was specified but 'output' is not defined") !=
             NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_key_without_override_entry_is_an_error)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1", "")
                                          "- rule: A\n  condition: and c.d = 2\n  output: more\n"
                                          "  override:\n    condition: append\n",
                                          &err);
    const struct th_diag *d = find_diag(&err, TH_E_SCHEMA, "Unexpected key 'output'");
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_INT(d->loc.line, 9);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_priority_cannot_be_appended)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1", "")
                                          "- rule: A\n  priority: INFO\n  override:\n    priority: append\n",
                                          &err);
    TH_CHECK(find_diag(&err, TH_E_SCHEMA, "Key 'priority' cannot be appended to, use 'replace' instead") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_invalid_override_operation_lists_allowed_values)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1", "")
                                          "- rule: A\n  priority: INFO\n  override:\n    priority: merge\n",
                                          &err);
    TH_CHECK(find_diag(&err, TH_E_SCHEMA, "Invalid override operation for key 'priority': 'merge'. Allowed values are: "
                                          "replace") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_override_together_with_append_flag_is_an_error)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1", "")
                                          "- rule: A\n  condition: and c.d = 1\n  append: true\n"
                                          "  override:\n    condition: append\n",
                                          &err);
    TH_CHECK(find_diag(&err, TH_E_SCHEMA, "Keys 'override' and 'append: true' cannot be used together") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_standalone_enabled_is_deprecated_and_disables_the_rule)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1", "") "- rule: A\n  enabled: false\n", &err);
    TH_CHECK_INT(err.errors, 0);
    TH_CHECK(find_diag(&err, TH_W_DEPRECATED, "standalone 'enabled' key usage is deprecated") != NULL);
    const struct th_rule *r = th_rules_find_rule(set, "A");
    TH_CHECK(r && !r->enabled);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_tags_are_sorted_and_deduplicated)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1", "  tags: [zeta, aws, mitre, aws, cloud]\n"), &err);
    const struct th_rule *r = th_rules_find_rule(set, "A");
    TH_CHECK(r && r->n_tags == 4);
    if (r && r->n_tags == 4) {
        TH_CHECK_STR(r->tags[0].s, "aws");
        TH_CHECK_STR(r->tags[1].s, "cloud");
        TH_CHECK_STR(r->tags[2].s, "mitre");
        TH_CHECK_STR(r->tags[3].s, "zeta");
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_priority_info_alias)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- rule: A\n  desc: d\n  condition: a.b = 1\n  output: o\n  priority: info\n"
                                          "  source: k8s_audit\n",
                                          &err);
    const struct th_rule *r = th_rules_find_rule(set, "A");
    TH_CHECK(r && r->priority == TH_PRIO_INFORMATIONAL);
    TH_CHECK_STR(th_priority_name(TH_PRIO_INFORMATIONAL), "Informational");
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_priority_is_case_insensitive)
{
    enum th_priority p = TH_PRIO_DEBUG;
    TH_CHECK_INT(th_priority_parse("cRiTiCaL", 8, &p), 0);
    TH_CHECK_INT(p, TH_PRIO_CRITICAL);
}

TH_TEST(test_unknown_priority_is_an_error_at_the_value)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- rule: A\n  desc: d\n  condition: a.b = 1\n  output: o\n  priority: urgent\n"
                                          "  source: k8s_audit\n",
                                          &err);
    const struct th_diag *d = find_diag(&err, TH_E_VALIDATE, "Invalid priority");
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_INT(d->loc.line, 5);
        TH_CHECK_INT(d->loc.col, 13);
    }
    TH_CHECK(th_rules_find_rule(set, "A") == NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_unknown_source_is_a_warning_and_the_rule_is_flagged)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- rule: A\n  desc: d\n  condition: evt.type = open\n  output: o\n"
                                          "  priority: INFO\n",
                                          &err);
    TH_CHECK_INT(err.errors, 0);
    const struct th_diag *d = find_diag(&err, TH_W_UNKNOWN_SOURCE, "Unknown source syscall, skipping");
    TH_CHECK(d != NULL);
    const struct th_rule *r = th_rules_find_rule(set, "A");
    TH_CHECK(r && r->unknown_source);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_redefinition_with_another_source_is_an_error)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1", "")
                                          "- rule: A\n  desc: d\n  condition: a.b = 1\n  output: o\n"
                                          "  priority: INFO\n  source: k8s_audit\n",
                                          &err);
    TH_CHECK(find_diag(&err, TH_E_VALIDATE, "Rule has been re-defined with a different source") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_exception_fields_values_length_mismatch)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1",
                                               "  exceptions:\n"
                                               "    - name: ex1\n"
                                               "      fields: [ct.user, ct.region]\n"
                                               "      values:\n"
                                               "        - [alice]\n"),
                                          &err);
    const struct th_diag *d = find_diag(&err, TH_E_VALIDATE, "Fields and values lists must have equal length");
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_INT(d->loc.line, 11);
        TH_CHECK_INT(d->loc.col, 11);
        TH_CHECK(d->item && strstr(d->item, "exception 'ex1' of rule 'A'"));
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_exception_fields_comps_length_mismatch)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1",
                                               "  exceptions:\n"
                                               "    - name: ex1\n"
                                               "      fields: [ct.user, ct.region]\n"
                                               "      comps: [=]\n"),
                                          &err);
    TH_CHECK(find_diag(&err, TH_E_VALIDATE, "Fields and comps lists must have equal length") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_exception_unknown_comp_is_an_error)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1",
                                               "  exceptions:\n"
                                               "    - name: ex1\n"
                                               "      fields: [ct.user]\n"
                                               "      comps: [no-comp]\n"),
                                          &err);
    TH_CHECK(find_diag(&err, TH_E_VALIDATE, "'no-comp' is not a supported comparison operator") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_exception_list_form_defaults_comps_to_equals_and_keeps_nested_lists)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1",
                                               "  exceptions:\n"
                                               "    - name: ex1\n"
                                               "      fields: [ct.user, ct.region]\n"
                                               "      values:\n"
                                               "        - [alice, [us-east-1, eu-west-1]]\n"),
                                          &err);
    TH_CHECK_INT(err.errors, 0);
    const struct th_rule *r = th_rules_find_rule(set, "A");
    TH_CHECK(r && r->n_exceptions == 1);
    if (r && r->n_exceptions == 1) {
        const struct th_rexception *ex = &r->exceptions[0];
        TH_CHECK(ex->fields_is_list && ex->n_fields == 2 && ex->n_comps == 2);
        TH_CHECK_STR(ex->comps[1].s, "=");
        TH_CHECK_INT(ex->n_values, 1);
        TH_CHECK(ex->values[0].n == 2 && !ex->values[0].items[0].is_list && ex->values[0].items[1].is_list);
        TH_CHECK_STR(ex->values[0].items[1].list[1].s, "eu-west-1");
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_exception_single_field_form_defaults_comps_to_in)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1",
                                               "  exceptions:\n"
                                               "    - name: users\n"
                                               "      fields: ct.user\n"
                                               "      values: [alice, bob]\n"),
                                          &err);
    TH_CHECK_INT(err.errors, 0);
    const struct th_rule *r = th_rules_find_rule(set, "A");
    TH_CHECK(r && r->n_exceptions == 1);
    if (r && r->n_exceptions == 1) {
        TH_CHECK(!r->exceptions[0].fields_is_list);
        TH_CHECK_STR(r->exceptions[0].comps[0].s, "in");
        TH_CHECK_INT(r->exceptions[0].n_values, 2);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_exception_single_field_rejects_equals_comp)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1",
                                               "  exceptions:\n"
                                               "    - name: users\n"
                                               "      fields: ct.user\n"
                                               "      comps: =\n"),
                                          &err);
    TH_CHECK(find_diag(&err, TH_E_VALIDATE, "comps must be one of (in, pmatch, intersects)") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_exception_append_adds_values_to_existing_exception)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1",
                                               "  exceptions:\n"
                                               "    - name: ex1\n"
                                               "      fields: [ct.user]\n"
                                               "      values: [[alice]]\n")
                                          "- rule: A\n  exceptions:\n    - name: ex1\n      values: [[bob]]\n"
                                          "  override:\n    exceptions: append\n",
                                          &err);
    TH_CHECK_INT(err.errors, 0);
    const struct th_rule *r = th_rules_find_rule(set, "A");
    TH_CHECK(r && r->n_exceptions == 1 && r->exceptions[0].n_values == 2);
    if (r && r->n_exceptions == 1 && r->exceptions[0].n_values == 2) {
        TH_CHECK_STR(r->exceptions[0].values[1].items[0].s, "bob");
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_exception_append_of_fields_to_existing_exception_is_an_error)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1",
                                               "  exceptions:\n"
                                               "    - name: ex1\n"
                                               "      fields: [ct.user]\n")
                                          "- rule: A\n  exceptions:\n    - name: ex1\n      fields: [ct.region]\n"
                                          "      values: [[x]]\n  append: true\n",
                                          &err);
    TH_CHECK(find_diag(&err, TH_E_VALIDATE, "Can not append exception fields to existing exception, only values") !=
             NULL);
    const struct th_rule *r = th_rules_find_rule(set, "A");
    TH_CHECK(r && r->exceptions[0].n_values == 0);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_new_exception_by_append_without_fields_is_an_error)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1", "")
                                          "- rule: A\n  exceptions:\n    - name: ex2\n      values: [[x]]\n"
                                          "  append: true\n",
                                          &err);
    TH_CHECK(find_diag(&err, TH_E_VALIDATE, "Rule exception must have fields property with a list of fields") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_exception_without_name_is_a_schema_error)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(RULE("A", "a.b = 1", "  exceptions:\n    - fields: [ct.user]\n"), &err);
    TH_CHECK(find_diag(&err, TH_E_SCHEMA, "Item has no mapping for key 'name'") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_engine_version_integer_means_zero_n_zero)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- required_engine_version: 15\n", &err);
    TH_CHECK_INT(err.errors, 0);
    TH_CHECK_INT(set->required_engine.major, 0);
    TH_CHECK_INT(set->required_engine.minor, 15);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_engine_version_newer_than_ours_is_an_error)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- required_engine_version: 9999999\n", &err);
    const struct th_diag *d = find_diag(&err, TH_E_ENGINE_VERSION, "Rules require engine version 0.9999999.0, but "
                                                                   "engine version is 0.63.0");
    TH_CHECK(d != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_engine_version_that_is_not_a_number_is_a_schema_error)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- required_engine_version: not-a-number\n", &err);
    TH_CHECK(find_diag(&err, TH_E_SCHEMA, "Unable to parse engine version 'not-a-number'") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_plugin_requirement_is_satisfied_by_an_alternative)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- required_plugin_versions:\n"
                                          "  - name: k8saudit-gke\n    version: 0.1.0\n"
                                          "    alternatives:\n      - name: k8saudit\n        version: 0.16.0\n",
                                          &err);
    TH_CHECK_INT(err.errors, 0);
    TH_CHECK_INT(set->n_plugin_reqs, 1);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_unsatisfied_plugin_requirement_names_it)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- required_plugin_versions:\n"
                                          "    - name: cloudtrail\n      version: 100000.0.0\n",
                                          &err);
    const struct th_diag *d = find_diag(&err, TH_E_ENGINE_VERSION,
                                        "Plugin requirement not satisfied, must load one of: cloudtrail (>= 100000.0.0)");
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_INT(d->loc.line, 2);
        TH_CHECK_INT(d->loc.col, 7);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_plugin_requirement_with_newer_minor_is_unsatisfied)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- required_plugin_versions:\n"
                                          "  - name: json\n    version: 0.8.0\n",
                                          &err);
    TH_CHECK(find_diag(&err, TH_E_ENGINE_VERSION, "json (>= 0.8.0)") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

/* ---- upstream files (../shared) ---- */

static size_t count_enabled(const struct th_rule_set *set)
{
    size_t n = 0;
    for (size_t i = 0; i < set->n_rules; i++) {
        n += set->rules[i].enabled;
    }
    return n;
}

TH_TEST(test_upstream_cloudtrail_and_k8s_rules_load_without_errors)
{
    const char *ct = th_shared("corpus/falco/rules/aws_cloudtrail_rules.yaml");
    if (!ct) {
        TH_SKIP("../shared absent");
    }
    struct th_rule_set *set = th_rules_new();
    struct th_err err;
    th_err_init(&err);
    TH_CHECK_INT(th_rules_load_file(set, ct, &err), 0);
    TH_CHECK_INT(set->n_rules, 22);
    TH_CHECK_INT(count_enabled(set), 20);
    TH_CHECK_INT(set->n_lists, 1);
    TH_CHECK_INT(th_rules_load_file(set, th_shared("corpus/falco/rules/k8s_audit_rules.yaml"), &err), 0);
    TH_CHECK_INT(set->n_rules, 22 + 48);
    TH_CHECK_INT(set->n_macros, 45);
    TH_CHECK_INT(set->n_lists, 1 + 18);
    TH_CHECK_INT(err.n, 0);
    for (size_t i = 0; i < err.n; i++) {
        th_diag_print(stderr, &err.v[i]);
    }
    for (size_t i = 0; i < set->n_rules; i++) {
        TH_CHECK(!set->rules[i].unknown_source);
    }
    TH_CHECK_INT(set->required_engine.minor, 15);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_upstream_conditions_map_offsets_back_to_their_file)
{
    const char *ct = th_shared("corpus/falco/rules/aws_cloudtrail_rules.yaml");
    if (!ct) {
        TH_SKIP("../shared absent");
    }
    struct th_rule_set *set = th_rules_new();
    struct th_err err;
    th_err_init(&err);
    th_rules_load_file(set, ct, &err);
    /* Every byte of every condition maps to a source byte holding that same character (except folded breaks). */
    size_t len = 0;
    char *src = th_test_read_file(ct, &len);
    char **lines = calloc(len + 2, sizeof *lines);
    size_t n_lines = 0;
    for (size_t i = 0; src && i < len; i++) {
        if (i == 0 || src[i - 1] == '\n') {
            lines[++n_lines] = &src[i];
        }
    }
    size_t mismatches = 0, checked = 0;
    for (size_t r = 0; r < set->n_rules; r++) {
        const struct th_text *t = &set->rules[r].cond;
        for (size_t k = 0; k < t->len; k++) {
            struct th_rpos p;
            if (t->str[k] == ' ' || t->str[k] == '\n' || th_text_locate(t, k, &p) < 0 || p.line > n_lines) {
                continue;
            }
            checked++;
            mismatches += lines[p.line][p.col - 1] != t->str[k];
        }
    }
    TH_CHECK(checked > 1000);
    TH_CHECK_INT(mismatches, 0);
    free(lines);
    free(src);
    th_rules_free(set);
    th_err_free(&err);
}

/* Falco's loader regression inputs (corpus/falco/tests/rules) and the message each must produce. */
struct regression {
    const char *files[2];
    enum th_code code;
    const char *msg;
};

static const struct regression regressions[] = {
    {{"invalid_not_yaml.yaml"}, TH_E_SCHEMA, "Rules content is not yaml"},
    {{"invalid_not_array.yaml"}, TH_E_SCHEMA, "Rules content is not yaml array of objects"},
    {{"invalid_array_item_not_object.yaml"}, TH_E_SCHEMA, "Each element should be a yaml associative array."},
    {{"invalid_yaml_parse_error.yaml"}, TH_E_YAML_PARSE, NULL},
    {{"invalid_list_without_items.yaml"}, TH_E_SCHEMA, "Item has no mapping for key 'items'"},
    {{"invalid_macro_without_condition.yaml"}, TH_E_SCHEMA, "Item has no mapping for key 'condition'"},
    {{"invalid_rule_without_output.yaml"}, TH_E_SCHEMA, "Item has no mapping for key 'output'"},
    {{"invalid_append_rule_without_condition.yaml"}, TH_E_VALIDATE,
     "Appended rule must have exceptions or condition property"},
    {{"invalid_append_macro_dangling.yaml"}, TH_E_VALIDATE, "no macro by that name already exists"},
    {{"list_append_failure.yaml"}, TH_E_VALIDATE, "no list by that name already exists"},
    {{"rule_append_failure.yaml"}, TH_E_VALIDATE, "no rule by that name already exists"},
    {{"invalid_missing_rule_name.yaml"}, TH_E_SCHEMA, "Mapping for key 'rule' is empty"},
    {{"invalid_missing_list_name.yaml"}, TH_E_SCHEMA, "Mapping for key 'list' is empty"},
    {{"invalid_missing_macro_name.yaml"}, TH_E_SCHEMA, "Mapping for key 'macro' is empty"},
    {{"invalid_engine_version_not_number.yaml"}, TH_E_SCHEMA, "Unable to parse engine version"},
    {{"engine_version_mismatch.yaml"}, TH_E_ENGINE_VERSION, "Rules require engine version 0.9999999.0"},
    {{"exceptions/item_no_fields.yaml"}, TH_E_SCHEMA, "Item has no mapping for key 'fields'"},
    {{"exceptions/item_no_name.yaml"}, TH_E_SCHEMA, "Item has no mapping for key 'name'"},
    {{"exceptions/append_item_no_name.yaml"}, TH_E_SCHEMA, "Item has no mapping for key 'name'"},
    {{"exceptions/item_comps_fields_len_mismatch.yaml"}, TH_E_VALIDATE, "Fields and comps lists must have equal length"},
    {{"exceptions/item_unknown_comp.yaml"}, TH_E_VALIDATE, "'no-comp' is not a supported comparison operator"},
    {{"exceptions/item_fields_values_len_mismatch.yaml"}, TH_E_VALIDATE, "Fields and values lists must have equal length"},
    {{"exceptions/append_item_fields_values_len_mismatch.yaml"}, TH_E_VALIDATE,
     "Fields and values lists must have equal length"},
    {{"exceptions/append_item_not_in_rule.yaml"}, TH_E_VALIDATE,
     "Rule exception must have fields property with a list of fields"},
    {{"exceptions/rule_exception_new_no_field_append.yaml"}, TH_E_VALIDATE,
     "Rule exception must have fields property with a list of fields"},
    {{"plugins/cloudtrail_incompat_plugin_version.yaml"}, TH_E_ENGINE_VERSION, "cloudtrail (>= 100000.0.0)"},
};

TH_TEST(test_falco_loader_regression_inputs_give_falco_messages)
{
    if (!th_shared("corpus/falco/tests/rules")) {
        TH_SKIP("../shared absent");
    }
    for (size_t i = 0; i < sizeof regressions / sizeof regressions[0]; i++) {
        const struct regression *g = &regressions[i];
        struct th_rule_set *set = th_rules_new();
        struct th_err err;
        th_err_init(&err);
        for (size_t f = 0; f < 2 && g->files[f]; f++) {
            char rel[256];
            snprintf(rel, sizeof rel, "corpus/falco/tests/rules/%s", g->files[f]);
            th_rules_load_file(set, th_shared(rel), &err);
        }
        const struct th_diag *d = find_diag(&err, g->code, g->msg);
        if (!d) {
            th_test_fail(__FILE__, __LINE__, "%s: no %s diagnostic containing \"%s\"", g->files[0],
                         th_code_str(g->code), g->msg ? g->msg : "");
            th_err_print(stderr, &err);
        } else {
            TH_CHECK(d->sev == TH_SEV_ERROR && d->loc.file != NULL);
        }
        th_rules_free(set);
        th_err_free(&err);
    }
}

TH_TEST(test_falco_loader_valid_inputs_load_without_errors)
{
    static const char *const ok[] = {
        "rule_append.yaml", "list_append.yaml", "macro_append.yaml", "multiple_docs.yaml",
        "disabled_rule_using_enabled_flag_only.yaml", "override_list.yaml", "exceptions/rule_exception_single_field_append.yaml",
        "exceptions/rule_exception_new_second_field_append.yaml", "exceptions/rule_exception_values_listref_noparens.yaml",
        "exceptions/rule_exception_append_comp.yaml", "exceptions/rule_exception_no_values.yaml",
        "plugins/cloudtrail_create_instances.yaml", "k8s_audit/engine_v4_k8s_audit_rules.yaml", "rules_dir",
    };
    if (!th_shared("corpus/falco/tests/rules")) {
        TH_SKIP("../shared absent");
    }
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct th_rule_set *set = th_rules_new();
        struct th_err err;
        th_err_init(&err);
        char rel[256];
        snprintf(rel, sizeof rel, "corpus/falco/tests/rules/%s", ok[i]);
        th_rules_load_path(set, th_shared(rel), &err);
        if (err.errors) {
            th_test_fail(__FILE__, __LINE__, "%s: %u unexpected error(s)", ok[i], err.errors);
            th_err_print(stderr, &err);
        }
        th_rules_free(set);
        th_err_free(&err);
    }
}

TH_RUN_TESTS()
