/* cond_resolve.h - resolves list and macro references on a condition tree (never by text substitution), and
 * builds exception trees. The caller (rule collector) owns lists and macros and answers lookups through
 * th_cond_resolver with Falco's visibility: a lookup passes a bound; the callee returns only items defined
 * "before" it (index < bound). Rules pass TH_COND_SEE_ALL.
 * Invariant after a successful th_cond_resolve(): no TH_CN_MACRO or TH_CN_LISTREF node is left, and the
 * right-hand side of in/intersects/pmatch (and of a modified operator) is a TH_CN_LIST of TH_CN_STR items or
 * a transformer/val() node. */
#ifndef TH_COND_RESOLVE_H
#define TH_COND_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cond_ast.h"
#include "th_err.h"

#define TH_COND_SEE_ALL UINT32_MAX

/* What a definition may see: lists with index < lists, macros with index < macros (Falco: a macro sees every
 * list but only earlier macros -> {TH_COND_SEE_ALL, its index}; a rule sees everything -> TH_COND_BOUNDS_ALL). */
struct th_cond_bounds {
    uint32_t lists;
    uint32_t macros;
};
#define TH_COND_BOUNDS_ALL ((struct th_cond_bounds){TH_COND_SEE_ALL, TH_COND_SEE_ALL})

/* A list as the collector holds it: items exactly as written in YAML (a '"(systemd)"' item keeps its quotes;
 * the resolver unquotes it as Falco's text substitution followed by parsing would). */
struct th_cond_list_def {
    const char *const *items; /* borrowed */
    size_t n;
    uint32_t bound; /* visibility bound for list names inside these items (normally the list's index) */
};

/* A macro as the collector holds it. */
struct th_cond_macro_def {
    const struct th_cond_node *tree; /* borrowed parsed tree; deep-copied on each use */
    bool resolved;                   /* tree is already resolved: copy as is; else it is resolved after copying */
    uint32_t bound;                  /* macro visibility inside it (normally the macro's index) */
    uint32_t list_bound;             /* list visibility inside it; 0 (unset) = TH_COND_SEE_ALL: in Falco a macro
                                        sees every list */
};

#define TH_COND_MACRO_BROKEN (-1)
#define TH_COND_MACRO_LATER (-2)

struct th_cond_resolver {
    void *ctx;
    /* Fill *out and return 1 if a list `name` is visible under bound, else 0. Each hit is a use. */
    int (*find_list)(void *ctx, const char *name, uint32_t bound, struct th_cond_list_def *out);
    /* Fill *out and return 1 if a macro `name` is visible under bound, else 0. Each hit is a use. Optional
     * finer answers instead of 0, for clearer diagnostics: TH_COND_MACRO_BROKEN (visible, but its own
     * definition failed: reported once, elsewhere), TH_COND_MACRO_LATER (defined, but not visible under bound:
     * a macro can only use macros defined before it). */
    int (*find_macro)(void *ctx, const char *name, uint32_t bound, struct th_cond_macro_def *out);
    /* Optional: told once per reference resolved (is_macro 0 = list), e.g. to emit unused warnings later. */
    void (*mark_used)(void *ctx, int is_macro, const char *name);
};

/* Resolves *root in place (the root itself is replaced when it is a macro reference). Macros: an identifier in
 * expression position becomes a deep copy of the macro's tree; unknown -> TH_E_UNKNOWN_MACRO
 * "Undefined macro 'x' used in filter." with a caret; a macro reaching itself -> TH_E_MACRO_LOOP. Lists: a list
 * name as the right-hand side of a list operator or as a bare item of a list literal is replaced by its items
 * (flattened; lists inside lists resolved with the list's own bound; an empty list just disappears); a bare
 * identifier that is not a list stays a plain string (as in Falco). Returns 0, or -1 with one error in err
 * (the tree is then still valid and freeable, but partly resolved). */
int th_cond_resolve(struct th_cond_node **root, const struct th_cond_resolver *r, uint32_t bound,
                    struct th_err *err);
/* The same with separate bounds for list and macro lookups at the root (e.g. to validate a macro on its own:
 * {TH_COND_SEE_ALL, its index}). th_cond_resolve(root, r, b, err) is this with {b, b}. */
int th_cond_resolve_bounds(struct th_cond_node **root, const struct th_cond_resolver *r, struct th_cond_bounds bounds,
                           struct th_err *err);

/* Expands a list definition's items into owned strings (recursively through nested lists, unquoted),
 * e.g. to show or compile a list alone. *out is a malloc'd array of malloc'd strings. 0 ok, -1 loop/error. */
int th_cond_list_expand(const struct th_cond_resolver *r, const char *name, uint32_t bound, char ***out, size_t *n,
                        struct th_err *err);
void th_cond_strv_free(char **v, size_t n);

/* ---- exceptions (Falco rule `exceptions:`) ---- */

/* One element of a values tuple: a string (str != NULL) or a list of strings. */
struct th_cond_exc_value {
    const char *str;
    const char *const *items;
    size_t n;
};

/* One tuple of the list form: one value per field. */
struct th_cond_exc_tuple {
    const struct th_cond_exc_value *v;
    size_t n; /* must equal nfields ("Fields and values lists must have equal length") */
};

struct th_cond_exception {
    const char *name;           /* exception name, for messages */
    const char *const *fields;  /* field operands as text ("ka.uri.param[command]", "tolower(x.y)") */
    size_t nfields;
    const char *const *comps;   /* NULL -> defaults: "=" per field (list form), "in" (single-field form) */
    size_t ncomps;
    bool single;                /* `fields: f` (a scalar): nfields == 1, values are `values`, not `tuples` */
    const struct th_cond_exc_tuple *tuples; /* list form */
    size_t ntuples;
    const struct th_cond_exc_value *values; /* single-field form: the flat value list (list elements flatten) */
    size_t nvalues;
    /* Where the exception is written (for diagnostics); file may be NULL. */
    const char *file;
    uint32_t line, col;
};

/* Builds `not ((f1 c1 v1 and f2 c2 v2) or (...))` as a tree, without any text quoting. Values that are strings
 * written with quotes ('"a b"') are unquoted; a bare value naming a list in a list position stays a list item
 * for th_cond_resolve() to expand. *out = NULL (return 0) when there are no values. -1 + error (TH_E_VALIDATE)
 * on length mismatches, unknown comps, a list value for a scalar operator, or an unparsable field. */
int th_cond_exception_build(const struct th_cond_exception *ex, struct th_cond_node **out, struct th_err *err);

/* Falco's `(<condition>) and not (...) and not (...)`: AND-s every exception onto *root (takes each). */
int th_cond_exceptions_apply(struct th_cond_node **root, const struct th_cond_exception *exs, size_t n,
                             struct th_err *err);

#endif
