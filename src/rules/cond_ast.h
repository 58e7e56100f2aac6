/* cond_ast.h - the condition syntax tree shared by every front end (Falco conditions, Sigma) and the compiler.
 * One node type for expressions (and/or/not/comparison/macro reference) and operands (field, transformer,
 * val(), string value, list literal, list reference). Nodes own their strings and children; a tree is freed
 * with th_cond_free(). Invariant: every node carries the byte span (off, len) of the text it came from and
 * a borrowed pointer to that text (src, may be NULL for synthesized nodes), so any later stage can point a
 * caret at it. Deep copies (macro expansion) keep src/off/len, so carets land in the macro's own text. */
#ifndef TH_COND_AST_H
#define TH_COND_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "th_buf.h"

enum th_cond_kind {
    TH_CN_AND = 0, /* kids[0..n): n-ary conjunction (n >= 2 from the parser) */
    TH_CN_OR,      /* kids[0..n): n-ary disjunction */
    TH_CN_NOT,     /* kids[0] */
    TH_CN_CMP,     /* kids[0] = lhs (FIELD or XFORM), kids[1] = rhs (absent, n == 1, for `exists`); op, mod */
    TH_CN_MACRO,   /* identifier in expression position (text = name); resolved away by th_cond_resolve() */
    TH_CN_FIELD,   /* text = field name ("ct.user"); arg = [arg] text (unescaped) or NULL; arg_quoted */
    TH_CN_XFORM,   /* transformer: xf, kids = arguments (FIELD, XFORM or STR); optional arg like FIELD */
    TH_CN_VAL,     /* val(field) on the right-hand side: kids[0] = FIELD */
    TH_CN_STR,     /* a value: text (unescaped), quoted = written in quotes */
    TH_CN_LIST,    /* list literal: kids = STR items (before resolution a bare item may name a list) */
    TH_CN_LISTREF, /* bare identifier where a list is expected (text = name); resolved away */
};

/* Comparison operators (Falco cmpop). `==` parses to TH_OP_EQ. */
#define TH_COND_OP_LIST(X)                  \
    X(TH_OP_EQ, "=")                        \
    X(TH_OP_NE, "!=")                       \
    X(TH_OP_LT, "<")                        \
    X(TH_OP_LE, "<=")                       \
    X(TH_OP_GT, ">")                        \
    X(TH_OP_GE, ">=")                       \
    X(TH_OP_CONTAINS, "contains")           \
    X(TH_OP_ICONTAINS, "icontains")         \
    X(TH_OP_BCONTAINS, "bcontains")         \
    X(TH_OP_STARTSWITH, "startswith")       \
    X(TH_OP_BSTARTSWITH, "bstartswith")     \
    X(TH_OP_ENDSWITH, "endswith")           \
    X(TH_OP_GLOB, "glob")                   \
    X(TH_OP_IGLOB, "iglob")                 \
    X(TH_OP_REGEX, "regex")                 \
    X(TH_OP_IN, "in")                       \
    X(TH_OP_INTERSECTS, "intersects")       \
    X(TH_OP_PMATCH, "pmatch")               \
    X(TH_OP_EXISTS, "exists")

enum th_cond_op {
#define TH_X_OP(e, s) e,
    TH_COND_OP_LIST(TH_X_OP)
#undef TH_X_OP
        TH_OP_COUNT
};

/* Modifier after a string operator: `startswith anyof (a, b)`. */
enum th_cond_mod { TH_MOD_NONE = 0, TH_MOD_ONEOF, TH_MOD_ANYOF, TH_MOD_ALLOF };

#define TH_COND_XFORM_LIST(X)     \
    X(TH_XF_TOLOWER, "tolower")   \
    X(TH_XF_TOUPPER, "toupper")   \
    X(TH_XF_B64, "b64")           \
    X(TH_XF_BASENAME, "basename") \
    X(TH_XF_LEN, "len")           \
    X(TH_XF_JOIN, "join")         \
    X(TH_XF_CONCAT, "concat")     \
    X(TH_XF_GETOPT, "getopt")

enum th_cond_xform {
#define TH_X_XF(e, s) e,
    TH_COND_XFORM_LIST(TH_X_XF)
#undef TH_X_XF
        TH_XF_COUNT
};

/* Maps a byte offset of a condition text to a file position (e.g. inside a YAML block scalar).
 * Must set *file (borrowed; may stay NULL), *line and *col (1-based). */
typedef void (*th_cond_map_fn)(void *ctx, size_t off, const char **file, uint32_t *line, uint32_t *col);

/* The text a tree was parsed from. Borrowed by every node (node->src): the owner keeps it (and text)
 * alive as long as any tree or copy that points at it. */
struct th_cond_src {
    const char *text; /* condition text (need not be NUL-terminated) */
    size_t len;       /* its length in bytes */
    th_cond_map_fn map; /* optional; NULL: positions are "<cond>:LINE:COL" inside the text */
    void *map_ctx;
};

struct th_cond_node {
    enum th_cond_kind kind;
    enum th_cond_op op;    /* CMP */
    enum th_cond_mod mod;  /* CMP */
    enum th_cond_xform xf; /* XFORM */
    bool quoted;           /* STR: value was written quoted */
    bool arg_quoted;       /* FIELD/XFORM: [arg] was written quoted */
    char *text;            /* owned: STR value, FIELD name, MACRO/LISTREF name; NULL otherwise */
    char *arg;             /* owned: FIELD/XFORM [arg], NULL if none */
    struct th_cond_node **kids; /* owned children */
    size_t n, cap;
    const struct th_cond_src *src; /* borrowed; NULL for synthesized nodes (exceptions) */
    uint32_t off, len;             /* byte span in src->text */
};

const char *th_cond_op_str(enum th_cond_op op);       /* "=", "startswith", ... */
const char *th_cond_mod_str(enum th_cond_mod mod);    /* "", "oneof", "anyof", "allof" */
const char *th_cond_xform_str(enum th_cond_xform xf); /* "tolower", ... */
bool th_cond_op_is_list(enum th_cond_op op);          /* in, intersects, pmatch */
bool th_cond_op_is_num(enum th_cond_op op);           /* < <= > >= */
/* Parses an operator as written in exceptions `comps` ("in", "=", "startswith anyof"); 0 ok, -1 unknown. */
int th_cond_op_parse(const char *s, enum th_cond_op *op, enum th_cond_mod *mod);

/* Constructors: every one returns an owned node (never NULL; aborts on out-of-memory). Strings are copied. */
struct th_cond_node *th_cond_new(enum th_cond_kind kind, const struct th_cond_src *src, uint32_t off, uint32_t len);
struct th_cond_node *th_cond_new_str(const char *s, size_t n, bool quoted);
struct th_cond_node *th_cond_new_field(const char *name, const char *arg, bool arg_quoted);
/* Takes lhs and rhs (rhs NULL for exists). */
struct th_cond_node *th_cond_new_cmp(struct th_cond_node *lhs, enum th_cond_op op, enum th_cond_mod mod,
                                     struct th_cond_node *rhs);
struct th_cond_node *th_cond_new_not(struct th_cond_node *kid); /* takes kid */
/* Appends kid to parent (takes kid). */
void th_cond_add(struct th_cond_node *parent, struct th_cond_node *kid);
/* Sets node->text to a copy of s[0..n). */
void th_cond_set_text(struct th_cond_node *node, const char *s, size_t n);
/* Deep copy (src/off/len kept). */
struct th_cond_node *th_cond_clone(const struct th_cond_node *n);
void th_cond_free(struct th_cond_node *n); /* accepts NULL */
/* a AND b: returns a new AND node holding both (takes both); if either is NULL returns the other. */
struct th_cond_node *th_cond_and_take(struct th_cond_node *a, struct th_cond_node *b);

/* Pre-order walk. fn returns 0 to continue, 1 to skip this node's children, -1 to stop (th_cond_walk returns -1). */
typedef int (*th_cond_walk_fn)(const struct th_cond_node *n, unsigned depth, void *ctx);
int th_cond_walk(const struct th_cond_node *n, th_cond_walk_fn fn, void *ctx);

/* Canonical printer: normalized condition text that parses back to the same tree. AND/OR children that are
 * AND/OR are parenthesized, `not` takes parentheses around anything but a comparison/macro, values are quoted
 * only when they must be, lists print as (a, b). */
void th_cond_print_buf(struct th_buf *b, const struct th_cond_node *n);
char *th_cond_print(const struct th_cond_node *n); /* caller frees */
/* Appends a value as the printer does: bare when it lexes back as that one bare string, else in double quotes
 * with \\ \" \b \f \n \r \t escapes (always quoted when force_quotes). */
void th_cond_print_value(struct th_buf *b, const char *s, bool force_quotes);

#endif
