/* test_cond_parser.c - Falco condition parser: canonical printing, node spans, error messages with columns,
 * carets through a caller's position mapper, and the depth limit. Table cases live in
 * tests/fixtures/conditions/canonical.test (condition / canonical form, %%FAIL condition / diagnostic). */
#include <stdlib.h>
#include <string.h>

#include "cond_ast.h"
#include "cond_parser.h"
#include "th_buf.h"
#include "th_err.h"
#include "th_test.h"

static struct th_cond_node *parse(const struct th_cond_src *src, struct th_err *err)
{
    return th_cond_parse(src, NULL, err);
}

/* Parses text and returns its canonical form, or "ERR <file>:<line>:<col>: <msg>" (caller frees). */
static char *canon(const char *text)
{
    struct th_cond_src src = {text, strlen(text), NULL, NULL};
    struct th_err err;
    th_err_init(&err);
    struct th_cond_node *n = parse(&src, &err);
    char *out;
    if (n) {
        out = th_cond_print(n);
    } else if (err.n == 1) {
        const struct th_diag *d = &err.v[0];
        out = th_xasprintf("ERR %s:%u:%u: %s", d->loc.file ? d->loc.file : "", d->loc.line, d->loc.col, d->msg);
    } else {
        out = th_xasprintf("ERR with %zu diagnostics", err.n);
    }
    th_cond_free(n);
    th_err_free(&err);
    return out;
}

#define CHECK_CANON(text, want)                                                                                     \
    do {                                                                                                            \
        char *got_ = canon(text);                                                                                   \
        TH_CHECK_STR(got_, want);                                                                                   \
        free(got_);                                                                                                 \
    } while (0)

TH_TEST(test_not_binds_tighter_than_and_which_binds_tighter_than_or)
{
    CHECK_CANON("a.b = 1 or c.d = 2 and not e.f = 3", "a.b = 1 or (c.d = 2 and not e.f = 3)");
}

TH_TEST(test_and_and_or_are_n_ary_nodes)
{
    struct th_cond_src src = {"a.b = 1 and c.d = 2 and e.f = 3", 31, NULL, NULL};
    struct th_err err;
    th_err_init(&err);
    struct th_cond_node *n = parse(&src, &err);
    TH_CHECK(n != NULL);
    if (n) {
        TH_CHECK_INT(n->kind, TH_CN_AND);
        TH_CHECK_INT(n->n, 3);
    }
    th_cond_free(n);
    th_err_free(&err);
}

TH_TEST(test_symbol_operators_need_no_blanks)
{
    CHECK_CANON("ka.verb=get", "ka.verb = get");
    CHECK_CANON("ct.x!=1", "ct.x != 1");
}

TH_TEST(test_word_operators_need_a_trailing_blank)
{
    char *got = canon("ct.name containsx");
    TH_CHECK(strncmp(got, "ERR <cond>:1:9: expected a valid check operator", 47) == 0);
    free(got);
}

TH_TEST(test_not_paren_and_paren_after_and_or_are_accepted)
{
    CHECK_CANON("not(a.b = 1)", "not a.b = 1");
    CHECK_CANON("a.b = 1 and(c.d = 2 or e.f = 3)", "a.b = 1 and (c.d = 2 or e.f = 3)");
    CHECK_CANON("a.b = 1 or(c.d = 2)", "a.b = 1 or c.d = 2");
}

TH_TEST(test_not_not_cancels_out)
{
    CHECK_CANON("not not a.b = 1", "a.b = 1");
    CHECK_CANON("not  not\tnot a.b = 1", "not a.b = 1");
}

TH_TEST(test_identifier_starting_with_not_is_a_macro)
{
    CHECK_CANON("nothing and not_this", "nothing and not_this");
}

/* Found by fuzz_cond: `(not)` was read as a macro named "not", which prints as `not not` and no longer parses.
 * The keywords are never macro names. */
TH_TEST(test_keyword_not_is_never_a_macro_name)
{
    CHECK_CANON("a and (not)", "ERR <cond>:1:8: expected a field check, a macro name or '(' here, not the keyword 'not'");
    CHECK_CANON("not", "ERR <cond>:1:1: expected a field check, a macro name or '(' here, not the keyword 'not'");
}

TH_TEST(test_quoted_string_escapes_are_decoded)
{
    struct th_cond_src src = {"a.b = \"x\\ty\\\"z\\\\\\n\\r\\b\\f\"", 0, NULL, NULL};
    src.len = strlen(src.text);
    struct th_err err;
    th_err_init(&err);
    struct th_cond_node *n = parse(&src, &err);
    TH_CHECK(n != NULL);
    if (n) {
        TH_CHECK_STR(n->kids[1]->text, "x\ty\"z\\\n\r\b\f");
        TH_CHECK(n->kids[1]->quoted);
    }
    th_cond_free(n);
    th_err_free(&err);
}

TH_TEST(test_single_quoted_strings_escape_single_quotes)
{
    CHECK_CANON("a.b = 'it\\'s'", "a.b = \"it's\"");
}

TH_TEST(test_numbers_are_bare_strings_for_string_operators)
{
    CHECK_CANON("ka.response.code startswith 2", "ka.response.code startswith 2");
}

TH_TEST(test_field_arguments_keep_their_text)
{
    struct th_cond_src src = {"json.value[/a/b] = x and ka.uri.param[command] exists and k.x['a b'] = 1", 0, NULL,
                              NULL};
    src.len = strlen(src.text);
    struct th_err err;
    th_err_init(&err);
    struct th_cond_node *n = parse(&src, &err);
    TH_CHECK(n != NULL && n->n == 3);
    if (n && n->n == 3) {
        TH_CHECK_STR(n->kids[0]->kids[0]->arg, "/a/b");
        TH_CHECK_STR(n->kids[1]->kids[0]->arg, "command");
        TH_CHECK_INT(n->kids[1]->op, TH_OP_EXISTS);
        TH_CHECK_STR(n->kids[2]->kids[0]->arg, "a b");
        TH_CHECK(n->kids[2]->kids[0]->arg_quoted);
    }
    th_cond_free(n);
    th_err_free(&err);
}

TH_TEST(test_transformers_and_val_parse_on_both_sides)
{
    struct th_cond_src src = {"tolower(ct.user) = val(ct.name)", 31, NULL, NULL};
    struct th_err err;
    th_err_init(&err);
    struct th_cond_node *n = parse(&src, &err);
    TH_CHECK(n != NULL);
    if (n) {
        TH_CHECK_INT(n->kids[0]->kind, TH_CN_XFORM);
        TH_CHECK_INT(n->kids[0]->xf, TH_XF_TOLOWER);
        TH_CHECK_STR(n->kids[0]->kids[0]->text, "ct.user");
        TH_CHECK_INT(n->kids[1]->kind, TH_CN_VAL);
        TH_CHECK_STR(n->kids[1]->kids[0]->text, "ct.name");
    }
    th_cond_free(n);
    th_err_free(&err);
}

TH_TEST(test_transformers_take_several_arguments)
{
    CHECK_CANON("join(\",\", ka.user.groups) = \"a,b\"", "join(\",\", ka.user.groups) = \"a,b\"");
}

TH_TEST(test_list_literals_keep_item_quoting)
{
    struct th_cond_src src = {"a.b in (x, \"y z\", my_list)", 0, NULL, NULL};
    src.len = strlen(src.text);
    struct th_err err;
    th_err_init(&err);
    struct th_cond_node *n = parse(&src, &err);
    TH_CHECK(n != NULL);
    if (n) {
        const struct th_cond_node *l = n->kids[1];
        TH_CHECK_INT(l->kind, TH_CN_LIST);
        TH_CHECK_INT(l->n, 3);
        TH_CHECK(!l->kids[0]->quoted);
        TH_CHECK(l->kids[1]->quoted);
        TH_CHECK_STR(l->kids[1]->text, "y z");
    }
    th_cond_free(n);
    th_err_free(&err);
}

TH_TEST(test_identifier_after_list_operator_is_a_list_reference)
{
    struct th_cond_src src = {"a.b in my_list", 14, NULL, NULL};
    struct th_err err;
    th_err_init(&err);
    struct th_cond_node *n = parse(&src, &err);
    TH_CHECK(n != NULL && n->kids[1]->kind == TH_CN_LISTREF);
    th_cond_free(n);
    th_err_free(&err);
}

TH_TEST(test_operator_modifiers_take_a_list)
{
    struct th_cond_src src = {"a.b startswith anyof (x, y)", 0, NULL, NULL};
    src.len = strlen(src.text);
    struct th_err err;
    th_err_init(&err);
    struct th_cond_node *n = parse(&src, &err);
    TH_CHECK(n != NULL);
    if (n) {
        TH_CHECK_INT(n->op, TH_OP_STARTSWITH);
        TH_CHECK_INT(n->mod, TH_MOD_ANYOF);
        TH_CHECK_INT(n->kids[1]->kind, TH_CN_LIST);
    }
    th_cond_free(n);
    th_err_free(&err);
}

TH_TEST(test_nodes_carry_their_byte_span)
{
    const char *text = "a.b = 1 or not c.d in (x, y)";
    struct th_cond_src src = {text, strlen(text), NULL, NULL};
    struct th_err err;
    th_err_init(&err);
    struct th_cond_node *n = parse(&src, &err);
    TH_CHECK(n != NULL);
    if (n) {
        const struct th_cond_node *not = n->kids[1];
        TH_CHECK_MEM(text + n->off, n->len, text);
        TH_CHECK_MEM(text + n->kids[0]->off, n->kids[0]->len, "a.b = 1");
        TH_CHECK_MEM(text + not->off, not->len, "not c.d in (x, y)");
        TH_CHECK_MEM(text + not->kids[0]->kids[1]->off, not->kids[0]->kids[1]->len, "(x, y)");
        TH_CHECK(not->src == &src);
    }
    th_cond_free(n);
    th_err_free(&err);
}

TH_TEST(test_empty_condition_is_an_error)
{
    CHECK_CANON("", "ERR <cond>:1:1: filter input string is empty");
}

TH_TEST(test_unconsumed_input_names_the_last_token)
{
    CHECK_CANON("a.b = 1 c.d = 2", "ERR <cond>:1:9: unexpected token after '1', expecting 'or', 'and'");
}

TH_TEST(test_unterminated_string_points_at_the_opening_quote)
{
    CHECK_CANON("a.b = 'abc", "ERR <cond>:1:7: unterminated quoted string");
}

TH_TEST(test_missing_close_paren_points_at_the_end)
{
    CHECK_CANON("a.b = 1 and (c.d = 2", "ERR <cond>:1:21: expected a ')' token");
}

TH_TEST(test_depth_limit_is_reported)
{
    struct th_buf b;
    th_buf_init(&b);
    for (int i = 0; i < 400; i++) {
        th_buf_putc(&b, '(');
    }
    th_buf_puts(&b, "a.b = 1");
    for (int i = 0; i < 400; i++) {
        th_buf_putc(&b, ')');
    }
    char *got = canon(b.data);
    TH_CHECK(strstr(got, "exceeded max depth limit of 1000") != NULL);
    free(got);
    th_buf_free(&b);
}

TH_TEST(test_moderate_nesting_is_within_the_depth_limit)
{
    struct th_buf b;
    th_buf_init(&b);
    for (int i = 0; i < 150; i++) {
        th_buf_puts(&b, "(");
    }
    th_buf_puts(&b, "a.b = 1");
    for (int i = 0; i < 150; i++) {
        th_buf_puts(&b, ")");
    }
    CHECK_CANON(b.data, "a.b = 1");
    th_buf_free(&b);
}

TH_TEST(test_lower_depth_limit_from_options_applies)
{
    struct th_cond_src src = {"((((a.b = 1))))", 15, NULL, NULL};
    struct th_cond_parse_opts opts = {10};
    struct th_err err;
    th_err_init(&err);
    struct th_cond_node *n = th_cond_parse(&src, &opts, &err);
    TH_CHECK(n == NULL);
    TH_CHECK(err.n == 1 && strcmp(err.v[0].msg, "exceeded max depth limit of 10") == 0);
    th_cond_free(n);
    th_err_free(&err);
}

TH_TEST(test_error_has_snippet_and_caret)
{
    struct th_cond_src src = {"a.b = 1 and c.d ~ 2", 19, NULL, NULL};
    struct th_err err;
    th_err_init(&err);
    TH_CHECK(parse(&src, &err) == NULL);
    TH_CHECK_INT(err.n, 1);
    if (err.n == 1) {
        TH_CHECK_INT(err.v[0].code, TH_E_COND_PARSE);
        TH_CHECK_STR(err.v[0].snippet, "a.b = 1 and c.d ~ 2");
        TH_CHECK_INT(err.v[0].caret_col, 17);
        TH_CHECK_INT(err.v[0].loc.col, 17);
    }
    th_err_free(&err);
}

TH_TEST(test_multiline_condition_reports_line_and_column_without_mapper)
{
    const char *text = "a.b = 1 and\n  c.d = \"x";
    struct th_cond_src src = {text, strlen(text), NULL, NULL};
    struct th_err err;
    th_err_init(&err);
    TH_CHECK(parse(&src, &err) == NULL);
    if (err.n == 1) {
        TH_CHECK_INT(err.v[0].loc.line, 2);
        TH_CHECK_INT(err.v[0].loc.col, 9);
        TH_CHECK_STR(err.v[0].snippet, "  c.d = \"x");
        TH_CHECK_INT(err.v[0].caret_col, 9);
    }
    th_err_free(&err);
}

/* A mapper as a rule reader would supply: the condition starts at rules.yaml:40:16. */
static void map_yaml(void *ctx, size_t off, const char **file, uint32_t *line, uint32_t *col)
{
    (void)ctx;
    *file = "rules.yaml";
    *line = 40;
    *col = (uint32_t)(16 + off);
}

TH_TEST(test_mapper_gives_file_line_and_column)
{
    struct th_cond_src src = {"ct.name = x and", 15, map_yaml, NULL};
    struct th_err err;
    th_err_init(&err);
    TH_CHECK(parse(&src, &err) == NULL);
    if (err.n == 1) {
        TH_CHECK_STR(err.v[0].loc.file, "rules.yaml");
        TH_CHECK_INT(err.v[0].loc.line, 40);
        TH_CHECK_INT(err.v[0].loc.col, 16 + 15);
        TH_CHECK_INT(err.v[0].caret_col, 16);
    }
    th_err_free(&err);
}

TH_TEST(test_exception_field_operand_parses_alone)
{
    struct th_cond_src src = {"ka.uri.param[command]", 21, NULL, NULL};
    struct th_err err;
    th_err_init(&err);
    struct th_cond_node *n = th_cond_parse_operand(&src, &err);
    TH_CHECK(n != NULL && n->kind == TH_CN_FIELD);
    if (n) {
        TH_CHECK_STR(n->arg, "command");
    }
    th_cond_free(n);
    struct th_cond_src bad = {"ka.user.name = x", 16, NULL, NULL};
    TH_CHECK(th_cond_parse_operand(&bad, &err) == NULL);
    th_err_free(&err);
}

TH_TEST(test_op_parse_reads_exception_comps)
{
    enum th_cond_op op;
    enum th_cond_mod mod;
    TH_CHECK(th_cond_op_parse("in", &op, &mod) == 0 && op == TH_OP_IN && mod == TH_MOD_NONE);
    TH_CHECK(th_cond_op_parse("==", &op, &mod) == 0 && op == TH_OP_EQ);
    TH_CHECK(th_cond_op_parse("startswith anyof", &op, &mod) == 0 && op == TH_OP_STARTSWITH && mod == TH_MOD_ANYOF);
    TH_CHECK(th_cond_op_parse("in anyof", &op, &mod) != 0);
    TH_CHECK(th_cond_op_parse("like", &op, &mod) != 0);
}

TH_TEST(test_clone_is_deep_and_prints_the_same)
{
    char *a = canon("tolower(x.y) in (a, b) and not m");
    struct th_cond_src src = {"tolower(x.y) in (a, b) and not m", 32, NULL, NULL};
    struct th_err err;
    th_err_init(&err);
    struct th_cond_node *n = parse(&src, &err);
    struct th_cond_node *c = th_cond_clone(n);
    th_cond_free(n);
    char *b = th_cond_print(c);
    TH_CHECK_STR(b, a);
    free(a);
    free(b);
    th_cond_free(c);
    th_err_free(&err);
}

/* ---- table cases from tests/fixtures/conditions/canonical.test ---- */

static char *next_line(char **cursor)
{
    char *s = *cursor;
    if (!s || !*s) {
        return NULL;
    }
    char *nl = strchr(s, '\n');
    if (nl) {
        *nl = '\0';
        *cursor = nl + 1;
    } else {
        *cursor = s + strlen(s);
    }
    return s;
}

static void run_case(const char *cond, const char *want, bool fail, int lineno)
{
    char *got = canon(cond);
    char *expect = fail ? th_xasprintf("ERR %s", want) : th_xstrdup(want);
    if (strcmp(got, expect) != 0) {
        th_test_fail(__FILE__, lineno, "canonical.test line %d: [%s]\n  got:  %s\n  want: %s", lineno, cond, got,
                     expect);
    } else if (!fail) {
        char *again = canon(got); /* the canonical form is a fixed point */
        if (strcmp(again, got) != 0) {
            th_test_fail(__FILE__, lineno, "canonical.test line %d: reparse gives %s", lineno, again);
        }
        free(again);
    }
    free(got);
    free(expect);
}

TH_TEST(test_fixture_conditions_print_canonically_or_fail_as_expected)
{
    size_t len;
    char *text = th_test_read_file(th_fixture("conditions/canonical.test"), &len);
    TH_CHECK(text != NULL);
    if (!text) {
        return;
    }
    char *cur = text, *line;
    int lineno = 0, cases = 0;
    while ((line = next_line(&cur)) != NULL) {
        lineno++;
        if (line[0] == '#' || line[0] == '\0') {
            continue;
        }
        bool fail = strcmp(line, "%%FAIL") == 0;
        char *cond = fail ? next_line(&cur) : line;
        lineno += fail;
        char *want = next_line(&cur);
        lineno++;
        if (!cond || !want) {
            th_test_fail(__FILE__, __LINE__, "canonical.test line %d: truncated case", lineno);
            break;
        }
        run_case(cond, want, fail, lineno);
        cases++;
    }
    TH_CHECK(cases > 40);
    free(text);
}

TH_RUN_TESTS()
