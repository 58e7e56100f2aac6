/* test_rule_reader.c - the Falco rules-file reader: YAML shapes, schema errors, warnings and the positions
 * (file:line:col) of items and of offsets inside conditions/outputs, for every scalar style. */
#include <stdlib.h>
#include <string.h>

#include "th_rules.h"
#include "th_test.h"

/* Loads inline YAML into a fresh set; the caller frees both. */
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

/* Position of the first occurrence of needle inside t. */
static struct th_rpos locate(const struct th_text *t, const char *needle)
{
    struct th_rpos p = {0};
    const char *hit = t->str ? strstr(t->str, needle) : NULL;
    if (hit) {
        th_text_locate(t, (size_t)(hit - t->str), &p);
    }
    return p;
}

#define CHECK_POS(p, l, c)                                                                                  \
    do {                                                                                                    \
        TH_CHECK_INT((p).line, (l));                                                                        \
        TH_CHECK_INT((p).col, (c));                                                                         \
    } while (0)

static const char one_rule[] = "- rule: R1\n"
                               "  desc: d\n"
                               "  condition: ct.name = CreateUser and ct.user = \"bob\"\n"
                               "  output: o %ct.user\n"
                               "  priority: WARNING\n"
                               "  source: aws_cloudtrail\n";

TH_TEST(test_rule_item_position_is_the_first_key_of_the_item)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(one_rule, &err);
    TH_CHECK_INT(err.errors, 0);
    const struct th_rule *r = th_rules_find_rule(set, "R1");
    TH_CHECK(r != NULL);
    if (r) {
        TH_CHECK_STR(r->pos.file, "inline.yaml");
        CHECK_POS(r->pos, 1, 3);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_plain_scalar_offset_maps_to_start_mark_plus_offset)
{
    struct th_err err;
    struct th_rule_set *set = load_inline(one_rule, &err);
    const struct th_rule *r = th_rules_find_rule(set, "R1");
    TH_CHECK(r != NULL);
    if (r) {
        CHECK_POS(locate(&r->cond, "ct.name"), 3, 14);
        CHECK_POS(locate(&r->cond, "ct.user"), 3, 39);
        CHECK_POS(locate(&r->output, "%ct.user"), 4, 13);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_double_quoted_escapes_keep_following_columns_exact)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- macro: m\n"
                                          "  condition: \"a = \\\"x\\\" and\\tb = y\"\n",
                                          &err);
    const struct th_rmacro *m = th_rules_find_macro(set, "m");
    TH_CHECK(m != NULL);
    if (m) {
        TH_CHECK_STR(m->cond.str, "a = \"x\" and\tb = y");
        /* source line: `  condition: "a = \"x\" and\tb = y"`; b sits at column 30 */
        CHECK_POS(locate(&m->cond, "b = y"), 2, 30);
        CHECK_POS(locate(&m->cond, "a ="), 2, 15);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_single_quoted_doubled_quote_maps_to_its_source_column)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- macro: m\n  condition: 'a = ''x'' or b'\n", &err);
    const struct th_rmacro *m = th_rules_find_macro(set, "m");
    TH_CHECK(m != NULL);
    if (m) {
        TH_CHECK_STR(m->cond.str, "a = 'x' or b");
        CHECK_POS(locate(&m->cond, "or b"), 2, 25);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_block_scalar_offsets_map_to_file_lines)
{
    struct th_rule_set *set = th_rules_new();
    struct th_err err;
    th_err_init(&err);
    th_rules_load_file(set, th_fixture("rules/reader/block_scalars.yaml"), &err);
    TH_CHECK_INT(err.errors, 0);
    const struct th_rule *lit = th_rules_find_rule(set, "Literal Block");
    const struct th_rule *fold = th_rules_find_rule(set, "Folded Block");
    TH_CHECK(lit && fold);
    if (lit && fold) {
        TH_CHECK_STR(lit->cond.str, "ct.name = CreateUser\n  and not ct.error exists\n");
        CHECK_POS(locate(&lit->cond, "CreateUser"), 5, 15);
        CHECK_POS(locate(&lit->cond, "and not"), 6, 7);
        TH_CHECK_STR(fold->cond.str, "ct.name = DeleteUser and ct.user = root");
        CHECK_POS(locate(&fold->cond, "and ct.user"), 15, 5);
        CHECK_POS(locate(&fold->cond, "root"), 15, 19);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_multiline_plain_scalar_maps_each_folded_line)
{
    struct th_rule_set *set = th_rules_new();
    struct th_err err;
    th_err_init(&err);
    th_rules_load_file(set, th_fixture("rules/reader/block_scalars.yaml"), &err);
    const struct th_rule *r = th_rules_find_rule(set, "Plain Multiline");
    TH_CHECK(r != NULL);
    if (r) {
        TH_CHECK_STR(r->cond.str, "ct.name = StopLogging and ct.user = \"bob\"");
        CHECK_POS(locate(&r->cond, "and"), 24, 5);
        CHECK_POS(locate(&r->cond, "\"bob\""), 24, 19);
        TH_CHECK_STR(r->output.str, "plain (user=%ct.user)");
        CHECK_POS(locate(&r->output, "%ct.user"), 27, 11);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_unknown_key_is_a_warning_with_position)
{
    struct th_rule_set *set = th_rules_new();
    struct th_err err;
    th_err_init(&err);
    int rc = th_rules_load_file(set, th_fixture("rules/reader/unknown_key.yaml"), &err);
    TH_CHECK_INT(rc, 0);
    TH_CHECK_INT(err.errors, 0);
    const struct th_diag *d = find_diag(&err, TH_W_UNKNOWN_KEY, "Unknown key 'tagz'");
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_INT(d->sev, TH_SEV_WARNING);
        TH_CHECK_INT(d->loc.line, 7);
        TH_CHECK_INT(d->loc.col, 3);
        TH_CHECK(d->item && strstr(d->item, "rule 'Has Unknown Key'"));
    }
    TH_CHECK(th_rules_find_rule(set, "Has Unknown Key") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_unknown_top_level_item_is_a_warning)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- foo: bar\n", &err);
    TH_CHECK_INT(err.errors, 0);
    const struct th_diag *d = find_diag(&err, TH_W_UNKNOWN_ITEM, "Unknown top level item");
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_INT(d->loc.line, 1);
        TH_CHECK_INT(d->loc.col, 3);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_yaml_syntax_error_reports_file_line_col)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- rule: ok\n  desc: [unclosed\n", &err);
    const struct th_diag *d = find_diag(&err, TH_E_YAML_PARSE, NULL);
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_STR(d->loc.file, "inline.yaml");
        TH_CHECK(d->loc.line >= 2);
        TH_CHECK(d->loc.col >= 1);
    }
    TH_CHECK_INT(set->n_rules, 0);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_mapping_document_is_not_an_array_of_objects)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("foo: bar\n", &err);
    TH_CHECK(find_diag(&err, TH_E_SCHEMA, "Rules content is not yaml array of objects") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_scalar_document_is_not_yaml)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("This is not yaml\n", &err);
    const struct th_diag *d = find_diag(&err, TH_E_SCHEMA, "Rules content is not yaml");
    TH_CHECK(d != NULL && strstr(d->msg, "array") == NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_array_item_that_is_not_a_mapping_is_an_error)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- foo\n", &err);
    TH_CHECK(find_diag(&err, TH_E_SCHEMA, "Each element should be a yaml associative array") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_missing_output_names_the_key_and_the_rule)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- rule: no output rule\n  desc: d\n  condition: a.b = c\n"
                                          "  priority: INFO\n",
                                          &err);
    const struct th_diag *d = find_diag(&err, TH_E_SCHEMA, "Item has no mapping for key 'output'");
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK(d->item && strstr(d->item, "rule 'no output rule' (inline.yaml:1:3)"));
        TH_CHECK_INT(d->loc.line, 1);
    }
    TH_CHECK(th_rules_find_rule(set, "no output rule") == NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_empty_rule_name_is_an_error)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- rule:\n  desc: d\n  condition: a.b = c\n  output: o\n", &err);
    TH_CHECK(find_diag(&err, TH_E_SCHEMA, "Mapping for key 'rule' is empty") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_an_item_error_does_not_stop_the_next_items)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- rule: bad one\n  desc: d\n  condition: a.b = c\n  priority: INFO\n"
                                          "- rule: bad two\n  desc: d\n  output: o\n  priority: INFO\n"
                                          "- macro: good\n  condition: a.b = c\n",
                                          &err);
    TH_CHECK_INT(err.errors, 2);
    TH_CHECK(th_rules_find_macro(set, "good") != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_wrong_value_type_for_enabled_is_a_schema_error)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- rule: r\n  desc: d\n  condition: a.b = c\n  output: o\n"
                                          "  priority: INFO\n  enabled: maybe\n",
                                          &err);
    const struct th_diag *d = find_diag(&err, TH_E_SCHEMA, "Can't decode YAML scalar value");
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_INT(d->loc.line, 6);
        TH_CHECK_INT(d->loc.col, 12);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_multiple_documents_are_all_read)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("---\n- macro: a\n  condition: x.y = 1\n---\n- macro: b\n  condition: b\n",
                                          &err);
    TH_CHECK_INT(err.errors, 0);
    TH_CHECK_INT(set->n_macros, 2);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_empty_file_loads_nothing_without_diagnostics)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("# only a comment\n", &err);
    TH_CHECK_INT(err.n, 0);
    TH_CHECK_INT(set->n_rules + set->n_macros + set->n_lists, 0);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_directory_loads_yaml_files_in_sorted_order)
{
    struct th_rule_set *set = th_rules_new();
    struct th_err err;
    th_err_init(&err);
    int rc = th_rules_load_path(set, th_fixture("rules/reader/rules_dir"), &err);
    TH_CHECK_INT(rc, 0);
    TH_CHECK_INT(set->n_rules, 2);
    if (set->n_rules == 2) {
        TH_CHECK_STR(set->rules[0].name, "From A");
        TH_CHECK_STR(set->rules[1].name, "From B");
        TH_CHECK(strstr(set->rules[1].pos.file, "b_second.yml") != NULL);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_missing_path_is_an_io_error)
{
    struct th_rule_set *set = th_rules_new();
    struct th_err err;
    th_err_init(&err);
    TH_CHECK_INT(th_rules_load_path(set, "/nonexistent/trailhound/rules.yaml", &err), -1);
    TH_CHECK(find_diag(&err, TH_E_IO, NULL) != NULL);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_text_trim_keeps_the_mapping_of_remaining_bytes)
{
    struct th_text t;
    th_text_init(&t);
    th_text_set_plain(&t, "  abc  ", 7, "f.yaml", 3, 10);
    th_text_trim(&t);
    TH_CHECK_STR(t.str, "abc");
    struct th_rpos p;
    TH_CHECK_INT(th_text_locate(&t, 1, &p), 0);
    CHECK_POS(p, 3, 13);
    th_text_free(&t);
}

TH_TEST(test_text_append_maps_the_appended_part_to_its_own_file)
{
    struct th_text a, b;
    th_text_init(&a);
    th_text_init(&b);
    th_text_set_plain(&a, "x = 1", 5, "one.yaml", 4, 14);
    th_text_set_plain(&b, "or y = 2", 8, "two.yaml", 9, 16);
    th_text_append(&a, ' ', &b);
    TH_CHECK_STR(a.str, "x = 1 or y = 2");
    struct th_rpos p;
    th_text_locate(&a, 9, &p);
    TH_CHECK_STR(p.file, "two.yaml");
    CHECK_POS(p, 9, 19);
    th_text_locate(&a, 2, &p);
    TH_CHECK_STR(p.file, "one.yaml");
    CHECK_POS(p, 4, 16);
    th_text_free(&a);
    th_text_free(&b);
}

TH_TEST(test_anchor_and_alias_values_are_resolved)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- list: a\n  items: &shared [x, y]\n- list: b\n  items: *shared\n", &err);
    TH_CHECK_INT(err.errors, 0);
    const struct th_rlist *b = th_rules_find_list(set, "b");
    TH_CHECK(b && b->n_items == 2);
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_scalar_with_a_tag_maps_past_the_tag)
{
    struct th_err err;
    /* `!=` at the start of a plain scalar is a YAML tag (falco_rules_warnings.yaml has such a desc). */
    struct th_rule_set *set = load_inline("- macro: m\n  condition: != after x.y\n", &err);
    const struct th_rmacro *m = th_rules_find_macro(set, "m");
    TH_CHECK(m != NULL);
    if (m) {
        TH_CHECK_STR(m->cond.str, "after x.y");
        CHECK_POS(locate(&m->cond, "x.y"), 2, 23);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_crlf_line_endings_keep_line_numbers)
{
    struct th_err err;
    struct th_rule_set *set = load_inline("- macro: m\r\n  condition:\r\n    a.b = 1\r\n    or c.d = 2\r\n", &err);
    const struct th_rmacro *m = th_rules_find_macro(set, "m");
    TH_CHECK(m != NULL);
    if (m) {
        TH_CHECK_STR(m->cond.str, "a.b = 1 or c.d = 2");
        CHECK_POS(locate(&m->cond, "c.d"), 4, 8);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_reader_diagnostic_carries_the_source_line_and_a_caret)
{
    struct th_rule_set *set = th_rules_new();
    struct th_err err;
    th_err_init(&err);
    th_rules_load_file(set, th_fixture("rules/reader/unknown_key.yaml"), &err);
    const struct th_diag *d = find_diag(&err, TH_W_UNKNOWN_KEY, NULL);
    TH_CHECK(d != NULL);
    if (d) {
        TH_CHECK_STR(d->snippet, "  tagz: [oops]");
        TH_CHECK_INT(d->caret_col, 3);
        TH_CHECK_INT(d->caret_len, 4);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_TEST(test_non_ascii_text_before_a_scalar_keeps_byte_columns)
{
    struct th_err err;
    /* libyaml marks count characters; positions here are bytes, so the multi-byte é must not shift them. */
    struct th_rule_set *set = load_inline("# caf\xc3\xa9\n- macro: m\n  condition: x.y = \"\xc3\xa9t\xc3\xa9\" or z.w = 1\n",
                                          &err);
    const struct th_rmacro *m = th_rules_find_macro(set, "m");
    TH_CHECK(m != NULL);
    if (m) {
        CHECK_POS(m->pos, 2, 3);
        CHECK_POS(locate(&m->cond, "z.w"), 3, 31);
    }
    th_rules_free(set);
    th_err_free(&err);
}

TH_RUN_TESTS()
