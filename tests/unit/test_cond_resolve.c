/* test_cond_resolve.c - list and macro resolution on the condition tree (Falco visibility, loops, undefined
 * macros, quoted list items, empty lists) and exceptions built as trees. Expansions are compared as canonical
 * condition strings (th_cond_print), Falco's get_compiled_rule_condition style. */
#include <stdlib.h>
#include <string.h>

#include "cond_ast.h"
#include "cond_parser.h"
#include "cond_resolve.h"
#include "th_buf.h"
#include "th_err.h"
#include "th_test.h"

/* A tiny collector: lists and macros in definition order; a definition's index is its position. */
struct def {
    bool macro;
    const char *name;
    const char *const *items;
    size_t n;
    struct th_cond_src src;
    struct th_cond_node *tree;
    bool used;
};

struct world {
    struct def d[16];
    size_t n;
    bool ignore_bounds;  /* a broken collector that lets everything see everything (to provoke loops) */
    bool macros_resolved; /* hand macro trees over as already resolved */
};

static void add_list(struct world *w, const char *name, const char *const *items, size_t n)
{
    struct def *d = &w->d[w->n++];
    memset(d, 0, sizeof(*d));
    d->name = name;
    d->items = items;
    d->n = n;
}

static void add_macro(struct world *w, const char *name, const char *cond)
{
    struct def *d = &w->d[w->n++];
    struct th_err err;
    memset(d, 0, sizeof(*d));
    d->macro = true;
    d->name = name;
    d->src.text = cond;
    d->src.len = strlen(cond);
    th_err_init(&err);
    d->tree = th_cond_parse(&d->src, NULL, &err);
    TH_CHECK(d->tree != NULL);
    th_err_free(&err);
}

static void world_free(struct world *w)
{
    for (size_t i = 0; i < w->n; i++) {
        th_cond_free(w->d[i].tree);
    }
}

static struct def *lookup(struct world *w, bool macro, const char *name, uint32_t bound)
{
    for (size_t i = w->n; i-- > 0;) {
        struct def *d = &w->d[i];
        if (d->macro == macro && strcmp(d->name, name) == 0 && (w->ignore_bounds || i < bound)) {
            return d;
        }
    }
    return NULL;
}

static int find_list(void *ctx, const char *name, uint32_t bound, struct th_cond_list_def *out)
{
    struct world *w = ctx;
    struct def *d = lookup(w, false, name, bound);
    if (!d) {
        return 0;
    }
    out->items = d->items;
    out->n = d->n;
    out->bound = (uint32_t)(d - w->d);
    return 1;
}

static int find_macro(void *ctx, const char *name, uint32_t bound, struct th_cond_macro_def *out)
{
    struct world *w = ctx;
    struct def *d = lookup(w, true, name, bound);
    if (!d) {
        return 0;
    }
    out->tree = d->tree;
    out->resolved = w->macros_resolved;
    out->bound = (uint32_t)(d - w->d);
    return 1;
}

static void mark_used(void *ctx, int is_macro, const char *name)
{
    struct def *d = lookup(ctx, is_macro != 0, name, TH_COND_SEE_ALL);
    if (d) {
        d->used = true;
    }
}

static struct th_cond_resolver resolver_of(struct world *w)
{
    struct th_cond_resolver r = {w, find_list, find_macro, mark_used};
    return r;
}

/* Parses cond, resolves it as a rule and prints it; on error "ERR <slug> <file>:<line>:<col>: <msg>". */
static char *expand_with(struct world *w, const char *cond, const struct th_cond_exception *exs, size_t nexs)
{
    struct th_cond_src src = {cond, strlen(cond), NULL, NULL};
    struct th_cond_resolver r = resolver_of(w);
    struct th_err err;
    th_err_init(&err);
    struct th_cond_node *n = th_cond_parse(&src, NULL, &err);
    int rc = n ? 0 : -1;
    if (rc == 0 && nexs) {
        rc = th_cond_exceptions_apply(&n, exs, nexs, &err);
    }
    if (rc == 0) {
        rc = th_cond_resolve(&n, &r, TH_COND_SEE_ALL, &err);
    }
    char *out;
    if (rc == 0) {
        out = th_cond_print(n);
    } else if (err.n >= 1) {
        const struct th_diag *d = &err.v[0];
        out = th_xasprintf("ERR %s %s:%u:%u: %s", th_code_str(d->code), d->loc.file ? d->loc.file : "", d->loc.line,
                           d->loc.col, d->msg);
    } else {
        out = th_xstrdup("ERR without diagnostic");
    }
    th_cond_free(n);
    th_err_free(&err);
    return out;
}

static char *expand(struct world *w, const char *cond)
{
    return expand_with(w, cond, NULL, 0);
}

#define CHECK_EXPAND(w, cond, want)                                                                                 \
    do {                                                                                                            \
        char *got_ = expand((w), (cond));                                                                           \
        TH_CHECK_STR(got_, want);                                                                                   \
        free(got_);                                                                                                 \
    } while (0)

static const char *const ab[] = {"a", "b"};

TH_TEST(test_list_name_after_in_is_replaced_by_its_items)
{
    struct world w = {0};
    add_list(&w, "my_list", ab, 2);
    CHECK_EXPAND(&w, "x.y in my_list", "x.y in (a, b)");
    CHECK_EXPAND(&w, "x.y intersects my_list and z.w pmatch my_list", "x.y intersects (a, b) and z.w pmatch (a, b)");
    world_free(&w);
}

TH_TEST(test_list_name_inside_a_list_literal_is_flattened)
{
    struct world w = {0};
    add_list(&w, "my_list", ab, 2);
    CHECK_EXPAND(&w, "x.y in (my_list, c)", "x.y in (a, b, c)");
    world_free(&w);
}

TH_TEST(test_nested_lists_are_flattened_recursively)
{
    static const char *const l2[] = {"l1", "c"};
    static const char *const l3[] = {"l2", "d"};
    struct world w = {0};
    add_list(&w, "l1", ab, 2);
    add_list(&w, "l2", l2, 2);
    add_list(&w, "l3", l3, 2);
    CHECK_EXPAND(&w, "x.y in l3", "x.y in (a, b, c, d)");
    world_free(&w);
}

TH_TEST(test_a_list_cannot_see_a_later_list)
{
    static const char *const l2[] = {"l1", "c"};
    struct world w = {0};
    add_list(&w, "l2", l2, 2);
    add_list(&w, "l1", ab, 2);
    CHECK_EXPAND(&w, "x.y in l2", "x.y in (l1, c)");
    world_free(&w);
}

TH_TEST(test_quoted_yaml_list_item_is_unquoted)
{
    static const char *const items[] = {"\"(systemd)\"", "'a b'", "plain"};
    struct world w = {0};
    add_list(&w, "procs", items, 3);
    CHECK_EXPAND(&w, "proc.name in procs", "proc.name in (\"(systemd)\", \"a b\", plain)");
    world_free(&w);
}

TH_TEST(test_list_items_with_spaces_commas_and_parens_stay_one_value)
{
    static const char *const items[] = {"a b", "c,d", "(e)"};
    struct world w = {0};
    add_list(&w, "odd", items, 3);
    CHECK_EXPAND(&w, "x.y in odd", "x.y in (\"a b\", \"c,d\", \"(e)\")");
    world_free(&w);
}

TH_TEST(test_list_item_with_broken_quotes_is_an_error)
{
    static const char *const items[] = {"\"abc"};
    struct world w = {0};
    add_list(&w, "bad", items, 1);
    char *got = expand(&w, "x.y in bad");
    const char *want = "ERR validate <cond>:1:8: list 'bad': item \"abc: unterminated quoted string";
    TH_CHECK_STR(got, want);
    free(got);
    world_free(&w);
}

TH_TEST(test_empty_list_disappears_cleanly)
{
    struct world w = {0};
    add_list(&w, "empty", NULL, 0);
    CHECK_EXPAND(&w, "x.y in (a, empty, b)", "x.y in (a, b)");
    CHECK_EXPAND(&w, "x.y in empty", "x.y in ()");
    world_free(&w);
}

TH_TEST(test_quoted_name_in_a_list_literal_is_not_a_list_reference)
{
    struct world w = {0};
    add_list(&w, "my_list", ab, 2);
    CHECK_EXPAND(&w, "x.y in (\"my_list\", 'my_list')", "x.y in (my_list, my_list)");
    world_free(&w);
}

TH_TEST(test_identifier_that_is_not_a_list_is_a_plain_string)
{
    struct world w = {0};
    CHECK_EXPAND(&w, "x.y in notalist", "x.y in (notalist)");
    world_free(&w);
}

TH_TEST(test_list_name_in_a_scalar_comparison_is_left_alone)
{
    struct world w = {0};
    add_list(&w, "my_list", ab, 2);
    CHECK_EXPAND(&w, "x.y = my_list", "x.y = my_list");
    world_free(&w);
}

TH_TEST(test_list_after_an_operator_modifier_is_expanded)
{
    struct world w = {0};
    add_list(&w, "my_list", ab, 2);
    CHECK_EXPAND(&w, "x.y startswith anyof my_list", "x.y startswith anyof (a, b)");
    world_free(&w);
}

TH_TEST(test_macro_is_replaced_by_its_tree_keeping_precedence)
{
    struct world w = {0};
    add_macro(&w, "either", "a.b = 1 or c.d = 2");
    CHECK_EXPAND(&w, "either and e.f = 3", "(a.b = 1 or c.d = 2) and e.f = 3");
    CHECK_EXPAND(&w, "not either", "not (a.b = 1 or c.d = 2)");
    world_free(&w);
}

TH_TEST(test_condition_that_is_only_a_macro_is_replaced)
{
    struct world w = {0};
    add_macro(&w, "m", "ct.name = A");
    CHECK_EXPAND(&w, "m", "ct.name = A");
    world_free(&w);
}

TH_TEST(test_macro_sees_an_earlier_macro)
{
    struct world w = {0};
    add_macro(&w, "m1", "ct.name = A");
    add_macro(&w, "m2", "m1 and ct.user = bob");
    CHECK_EXPAND(&w, "m2", "ct.name = A and ct.user = bob");
    world_free(&w);
}

TH_TEST(test_macro_cannot_see_a_later_macro)
{
    struct world w = {0};
    add_macro(&w, "m2", "ct.user = bob and m3");
    add_macro(&w, "m3", "ct.name = A");
    CHECK_EXPAND(&w, "m2", "ERR cond-unknown-macro <cond>:1:19: Undefined macro 'm3' used in filter.");
    world_free(&w);
}

TH_TEST(test_macro_sees_a_list_defined_after_it)
{
    struct world w = {0};
    add_macro(&w, "m", "x.y in later");
    add_list(&w, "later", ab, 2);
    CHECK_EXPAND(&w, "m", "x.y in (a, b)");
    world_free(&w);
}

static char *resolve_macro_alone(struct world *w, size_t i)
{
    struct th_cond_resolver r = resolver_of(w);
    struct th_cond_bounds b = {TH_COND_SEE_ALL, (uint32_t)i};
    struct th_cond_node *copy = th_cond_clone(w->d[i].tree);
    struct th_err err;
    th_err_init(&err);
    char *out = th_cond_resolve_bounds(&copy, &r, b, &err) == 0 ? th_cond_print(copy) : th_xstrdup(err.v[0].msg);
    th_cond_free(copy);
    th_err_free(&err);
    return out;
}

TH_TEST(test_macro_validated_alone_sees_all_lists_but_only_earlier_macros)
{
    struct world w = {0};
    add_macro(&w, "m1", "x.y in later_list and m2");
    add_macro(&w, "m2", "a.b = 1");
    add_macro(&w, "m3", "x.y in later_list and m2");
    add_list(&w, "later_list", ab, 2);
    char *alone1 = resolve_macro_alone(&w, 0);
    char *alone3 = resolve_macro_alone(&w, 2);
    TH_CHECK_STR(alone1, "Undefined macro 'm2' used in filter.");
    TH_CHECK_STR(alone3, "x.y in (a, b) and a.b = 1");
    free(alone1);
    free(alone3);
    world_free(&w);
}

TH_TEST(test_rule_sees_every_macro)
{
    struct world w = {0};
    add_macro(&w, "m1", "a.b = 1");
    add_macro(&w, "m2", "c.d = 2");
    CHECK_EXPAND(&w, "m2 or m1", "c.d = 2 or a.b = 1");
    world_free(&w);
}

TH_TEST(test_macro_reference_loop_is_reported)
{
    struct world w = {0};
    w.ignore_bounds = true;
    add_macro(&w, "m1", "a.b = 1 and m2");
    add_macro(&w, "m2", "c.d = 2 or m1");
    char *got = expand(&w, "m1");
    TH_CHECK(strncmp(got, "ERR macro-loop", 14) == 0);
    TH_CHECK(strstr(got, "reference loop in macro 'm1'") != NULL);
    free(got);
    world_free(&w);
}

TH_TEST(test_list_reference_loop_is_reported)
{
    static const char *const l1[] = {"l2"};
    static const char *const l2[] = {"l1"};
    struct world w = {0};
    w.ignore_bounds = true;
    add_list(&w, "l1", l1, 1);
    add_list(&w, "l2", l2, 1);
    char *got = expand(&w, "x.y in l1");
    TH_CHECK(strstr(got, "ERR macro-loop") == got && strstr(got, "reference loop in list 'l1'") != NULL);
    free(got);
    world_free(&w);
}

TH_TEST(test_undefined_macro_is_reported_with_a_caret)
{
    struct world w = {0};
    struct th_cond_src src = {"x.y = 1 and nope", 16, NULL, NULL};
    struct th_cond_resolver r = resolver_of(&w);
    struct th_err err;
    th_err_init(&err);
    struct th_cond_node *n = th_cond_parse(&src, NULL, &err);
    TH_CHECK(th_cond_resolve(&n, &r, TH_COND_SEE_ALL, &err) == -1);
    TH_CHECK_INT(err.n, 1);
    if (err.n == 1) {
        TH_CHECK_INT(err.v[0].code, TH_E_UNKNOWN_MACRO);
        TH_CHECK_STR(err.v[0].msg, "Undefined macro 'nope' used in filter.");
        TH_CHECK_INT(err.v[0].loc.col, 13);
        TH_CHECK_INT(err.v[0].caret_col, 13);
        TH_CHECK_INT(err.v[0].caret_len, 4);
        TH_CHECK_STR(err.v[0].snippet, "x.y = 1 and nope");
    }
    th_cond_free(n);
    th_err_free(&err);
}

TH_TEST(test_used_lists_and_macros_are_tracked)
{
    struct world w = {0};
    add_list(&w, "used_list", ab, 2);
    add_list(&w, "unused_list", ab, 2);
    add_macro(&w, "used_macro", "x.y in used_list");
    add_macro(&w, "unused_macro", "a.b = 1");
    char *got = expand(&w, "used_macro");
    free(got);
    TH_CHECK(w.d[0].used);
    TH_CHECK(!w.d[1].used);
    TH_CHECK(w.d[2].used);
    TH_CHECK(!w.d[3].used);
    world_free(&w);
}

TH_TEST(test_macro_expansion_copies_and_leaves_the_macro_tree_intact)
{
    struct world w = {0};
    add_list(&w, "l", ab, 2);
    add_macro(&w, "m", "x.y in l");
    CHECK_EXPAND(&w, "m and not m", "x.y in (a, b) and not x.y in (a, b)");
    char *still = th_cond_print(w.d[1].tree);
    TH_CHECK_STR(still, "x.y in l");
    free(still);
    world_free(&w);
}

TH_TEST(test_already_resolved_macros_are_copied_as_is)
{
    struct world w = {0};
    w.macros_resolved = true;
    add_macro(&w, "m", "x.y = 1");
    CHECK_EXPAND(&w, "m or z.w = 2", "x.y = 1 or z.w = 2");
    world_free(&w);
}

TH_TEST(test_macro_nodes_keep_carets_into_the_macro_text)
{
    struct world w = {0};
    add_macro(&w, "m", "ct.name = A and ct.user = B");
    struct th_cond_src src = {"m", 1, NULL, NULL};
    struct th_cond_resolver r = resolver_of(&w);
    struct th_err err;
    th_err_init(&err);
    struct th_cond_node *n = th_cond_parse(&src, NULL, &err);
    TH_CHECK(th_cond_resolve(&n, &r, TH_COND_SEE_ALL, &err) == 0);
    TH_CHECK(n->src == &w.d[0].src);
    TH_CHECK_MEM(w.d[0].src.text + n->kids[1]->off, n->kids[1]->len, "ct.user = B");
    th_cond_free(n);
    th_err_free(&err);
    world_free(&w);
}

TH_TEST(test_list_expand_returns_flat_unquoted_items)
{
    static const char *const l2[] = {"l1", "'x y'"};
    struct world w = {0};
    add_list(&w, "l1", ab, 2);
    add_list(&w, "l2", l2, 2);
    struct th_cond_resolver r = resolver_of(&w);
    struct th_err err;
    char **v = NULL;
    size_t n = 0;
    th_err_init(&err);
    TH_CHECK(th_cond_list_expand(&r, "l2", TH_COND_SEE_ALL, &v, &n, &err) == 0);
    TH_CHECK_INT(n, 3);
    if (n == 3) {
        TH_CHECK_STR(v[0], "a");
        TH_CHECK_STR(v[2], "x y");
    }
    th_cond_strv_free(v, n);
    th_err_free(&err);
    world_free(&w);
}

/* ---- exceptions ---- */

static char *with_exception(struct world *w, const char *cond, const struct th_cond_exception *ex)
{
    return expand_with(w, cond, ex, 1);
}

TH_TEST(test_exception_tuples_become_a_negated_or_of_ands)
{
    static const char *const fields[] = {"ct.name", "ct.user"};
    static const struct th_cond_exc_value t1[] = {{"A", NULL, 0}, {"bob", NULL, 0}};
    static const struct th_cond_exc_value t2[] = {{"B", NULL, 0}, {"alice smith", NULL, 0}};
    static const struct th_cond_exc_tuple tuples[] = {{t1, 2}, {t2, 2}};
    struct th_cond_exception ex = {0};
    ex.name = "known";
    ex.fields = fields;
    ex.nfields = 2;
    ex.tuples = tuples;
    ex.ntuples = 2;
    struct world w = {0};
    char *got = with_exception(&w, "x.y = 1", &ex);
    TH_CHECK_STR(got, "x.y = 1 and not ((ct.name = A and ct.user = bob) or (ct.name = B and ct.user = \"alice smith\"))");
    free(got);
}

TH_TEST(test_exception_values_with_quotes_need_no_text_escaping)
{
    static const char *const fields[] = {"ct.user"};
    static const struct th_cond_exc_value t1[] = {{"it's \"x\"", NULL, 0}};
    static const struct th_cond_exc_value t2[] = {{"\"(systemd)\"", NULL, 0}};
    static const struct th_cond_exc_tuple tuples[] = {{t1, 1}, {t2, 1}};
    struct th_cond_exception ex = {0};
    ex.name = "quotes";
    ex.fields = fields;
    ex.nfields = 1;
    ex.tuples = tuples;
    ex.ntuples = 2;
    struct world w = {0};
    char *got = with_exception(&w, "x.y = 1", &ex);
    TH_CHECK_STR(got, "x.y = 1 and not (ct.user = \"it's \\\"x\\\"\" or ct.user = \"(systemd)\")");
    free(got);
}

TH_TEST(test_single_field_exception_defaults_to_in)
{
    static const char *const fields[] = {"ct.name"};
    static const struct th_cond_exc_value vals[] = {{"A", NULL, 0}, {"B C", NULL, 0}};
    struct th_cond_exception ex = {0};
    ex.name = "names";
    ex.fields = fields;
    ex.nfields = 1;
    ex.single = true;
    ex.values = vals;
    ex.nvalues = 2;
    struct world w = {0};
    char *got = with_exception(&w, "a.b = 1 or c.d = 2", &ex);
    TH_CHECK_STR(got, "(a.b = 1 or c.d = 2) and not ct.name in (A, \"B C\")");
    free(got);
}

TH_TEST(test_single_field_exception_rejects_a_scalar_operator)
{
    static const char *const fields[] = {"ct.name"};
    static const char *const comps[] = {"="};
    static const struct th_cond_exc_value vals[] = {{"A", NULL, 0}};
    struct th_cond_exception ex = {0};
    ex.name = "bad";
    ex.fields = fields;
    ex.nfields = 1;
    ex.comps = comps;
    ex.ncomps = 1;
    ex.single = true;
    ex.values = vals;
    ex.nvalues = 1;
    struct world w = {0};
    char *got = with_exception(&w, "x.y = 1", &ex);
    const char *want = "ERR validate :0:0: exception 'bad': comps '=' cannot be used with a single field";
    TH_CHECK(strncmp(got, want, strlen(want)) == 0);
    free(got);
}

TH_TEST(test_exception_list_value_with_in_becomes_a_list_literal)
{
    static const char *const fields[] = {"ka.target.namespace", "ka.uri.param[command]"};
    static const char *const comps[] = {"in", "startswith"};
    static const char *const nss[] = {"kube-system", "my ns"};
    static const struct th_cond_exc_value t1[] = {{NULL, nss, 2}, {"ls", NULL, 0}};
    static const struct th_cond_exc_tuple tuples[] = {{t1, 2}};
    struct th_cond_exception ex = {0};
    ex.name = "ns";
    ex.fields = fields;
    ex.nfields = 2;
    ex.comps = comps;
    ex.ncomps = 2;
    ex.tuples = tuples;
    ex.ntuples = 1;
    struct world w = {0};
    char *got = with_exception(&w, "x.y = 1", &ex);
    TH_CHECK_STR(got, "x.y = 1 and not (ka.target.namespace in (kube-system, \"my ns\") and "
                      "ka.uri.param[command] startswith ls)");
    free(got);
}

TH_TEST(test_exception_value_naming_a_list_is_expanded)
{
    static const char *const fields[] = {"ct.name"};
    static const char *const comps[] = {"in"};
    static const struct th_cond_exc_value t1[] = {{"my_list", NULL, 0}};
    static const struct th_cond_exc_tuple tuples[] = {{t1, 1}};
    struct th_cond_exception ex = {0};
    ex.name = "by_list";
    ex.fields = fields;
    ex.nfields = 1;
    ex.comps = comps;
    ex.ncomps = 1;
    ex.tuples = tuples;
    ex.ntuples = 1;
    struct world w = {0};
    add_list(&w, "my_list", ab, 2);
    char *got = with_exception(&w, "x.y = 1", &ex);
    TH_CHECK_STR(got, "x.y = 1 and not ct.name in (a, b)");
    TH_CHECK(w.d[0].used);
    free(got);
}

TH_TEST(test_every_exception_adds_one_and_not)
{
    static const char *const f1[] = {"a.b"};
    static const char *const f2[] = {"c.d"};
    static const struct th_cond_exc_value v1[] = {{"1", NULL, 0}};
    static const struct th_cond_exc_tuple t1[] = {{v1, 1}};
    struct th_cond_exception exs[2];
    memset(exs, 0, sizeof(exs));
    exs[0].name = "one";
    exs[0].fields = f1;
    exs[0].nfields = 1;
    exs[0].tuples = t1;
    exs[0].ntuples = 1;
    exs[1] = exs[0];
    exs[1].name = "two";
    exs[1].fields = f2;
    struct world w = {0};
    char *got = expand_with(&w, "x.y = 1 and z.w = 2", exs, 2);
    TH_CHECK_STR(got, "(x.y = 1 and z.w = 2) and not a.b = 1 and not c.d = 1");
    free(got);
}

TH_TEST(test_exception_without_values_adds_nothing)
{
    static const char *const fields[] = {"ct.name"};
    struct th_cond_exception ex = {0};
    ex.name = "later";
    ex.fields = fields;
    ex.nfields = 1;
    struct world w = {0};
    char *got = with_exception(&w, "x.y = 1", &ex);
    TH_CHECK_STR(got, "x.y = 1");
    free(got);
}

TH_TEST(test_exception_fields_and_comps_length_mismatch_is_an_error)
{
    static const char *const fields[] = {"a.b", "c.d"};
    static const char *const comps[] = {"="};
    static const struct th_cond_exc_value v[] = {{"1", NULL, 0}, {"2", NULL, 0}};
    static const struct th_cond_exc_tuple t[] = {{v, 2}};
    struct th_cond_exception ex = {0};
    ex.name = "mm";
    ex.fields = fields;
    ex.nfields = 2;
    ex.comps = comps;
    ex.ncomps = 1;
    ex.tuples = t;
    ex.ntuples = 1;
    ex.file = "r.yaml";
    ex.line = 7;
    ex.col = 7;
    struct world w = {0};
    char *got = with_exception(&w, "x.y = 1", &ex);
    TH_CHECK_STR(got, "ERR validate r.yaml:7:7: exception 'mm': Fields and comps lists must have equal length");
    free(got);
}

TH_TEST(test_exception_tuple_length_mismatch_is_an_error)
{
    static const char *const fields[] = {"a.b", "c.d"};
    static const struct th_cond_exc_value v[] = {{"1", NULL, 0}};
    static const struct th_cond_exc_tuple t[] = {{v, 1}};
    struct th_cond_exception ex = {0};
    ex.name = "short";
    ex.fields = fields;
    ex.nfields = 2;
    ex.tuples = t;
    ex.ntuples = 1;
    struct world w = {0};
    char *got = with_exception(&w, "x.y = 1", &ex);
    TH_CHECK(strstr(got, "exception 'short': Fields and values lists must have equal length") != NULL);
    free(got);
}

TH_TEST(test_exception_with_unknown_comp_is_an_error)
{
    static const char *const fields[] = {"a.b"};
    static const char *const comps[] = {"like"};
    static const struct th_cond_exc_value v[] = {{"1", NULL, 0}};
    static const struct th_cond_exc_tuple t[] = {{v, 1}};
    struct th_cond_exception ex = {0};
    ex.name = "op";
    ex.fields = fields;
    ex.nfields = 1;
    ex.comps = comps;
    ex.ncomps = 1;
    ex.tuples = t;
    ex.ntuples = 1;
    struct world w = {0};
    char *got = with_exception(&w, "x.y = 1", &ex);
    TH_CHECK(strstr(got, "exception 'op': 'like' is not a supported comparison operator") != NULL);
    free(got);
}

TH_TEST(test_exception_list_value_for_a_scalar_operator_is_an_error)
{
    static const char *const fields[] = {"a.b"};
    static const struct th_cond_exc_value v[] = {{NULL, ab, 2}};
    static const struct th_cond_exc_tuple t[] = {{v, 1}};
    struct th_cond_exception ex = {0};
    ex.name = "lv";
    ex.fields = fields;
    ex.nfields = 1;
    ex.tuples = t;
    ex.ntuples = 1;
    struct world w = {0};
    char *got = with_exception(&w, "x.y = 1", &ex);
    TH_CHECK(strstr(got, "value for field 'a.b' is a list, but comps '=' takes a single value") != NULL);
    free(got);
}

TH_TEST(test_exception_with_unparsable_field_is_an_error)
{
    static const char *const fields[] = {"not a field"};
    static const struct th_cond_exc_value v[] = {{"1", NULL, 0}};
    static const struct th_cond_exc_tuple t[] = {{v, 1}};
    struct th_cond_exception ex = {0};
    ex.name = "f";
    ex.fields = fields;
    ex.nfields = 1;
    ex.tuples = t;
    ex.ntuples = 1;
    struct world w = {0};
    char *got = with_exception(&w, "x.y = 1", &ex);
    TH_CHECK(strstr(got, "exception 'f': invalid field 'not a field'") != NULL);
    free(got);
}

TH_TEST(test_exception_field_may_be_a_transformer)
{
    static const char *const fields[] = {"tolower(ka.user.name)"};
    static const char *const comps[] = {"startswith anyof"};
    static const struct th_cond_exc_value v[] = {{"system:", NULL, 0}, {"eks:", NULL, 0}};
    struct th_cond_exception ex = {0};
    ex.name = "sys";
    ex.fields = fields;
    ex.nfields = 1;
    ex.comps = comps;
    ex.ncomps = 1;
    ex.single = true;
    ex.values = v;
    ex.nvalues = 2;
    struct world w = {0};
    char *got = with_exception(&w, "x.y = 1", &ex);
    TH_CHECK_STR(got, "x.y = 1 and not tolower(ka.user.name) startswith anyof (system:, eks:)");
    free(got);
}

TH_RUN_TESTS()
