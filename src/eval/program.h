/* program.h - the compiled form of a ruleset, private to eval/.
 * A rule's condition compiles to a tree of pnodes whose comparisons are specialised by field type at load time:
 * fields are resolved to th_fieldrefs with cache slots, constants converted once (numbers parsed, operand sets
 * hashed, regexes JIT-compiled). Nothing in a pnode is written after th_ruleset_compile() returns.
 * Invariant: evaluating a CMP whose field is absent yields false, whatever the operator.
 * Private to src/eval (not installed, not included elsewhere), so its types go without the th_ prefix. */
#ifndef TH_PROGRAM_H
#define TH_PROGRAM_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "cond_ast.h"
#include "output_fmt.h"
#include "th_eval.h"

/* ---- string set (open addressing, read-only after build) ---- */
struct th_strset {
    struct th_sv *slots; /* p == NULL: empty */
    uint32_t mask;
    uint32_t n;
    bool icase;
};
void th_strset_init(struct th_strset *s, size_t expected, bool icase);
void th_strset_add(struct th_strset *s, const char *p, size_t n); /* p must outlive the set */
bool th_strset_has(const struct th_strset *s, const char *p, size_t n);
void th_strset_free(struct th_strset *s);

/* ---- uint32 lists keyed by string (rule index) ---- */
struct th_idxmap_entry {
    struct th_sv key; /* owned */
    uint32_t *rules;  /* sorted rule indexes */
    uint32_t n, cap;
};
struct th_idxmap {
    struct th_idxmap_entry *slots;
    uint32_t mask, n;
};
void th_idxmap_add(struct th_idxmap *m, const char *key, size_t n, uint32_t rule);
const struct th_idxmap_entry *th_idxmap_get(const struct th_idxmap *m, const char *key, size_t n);
void th_idxmap_free(struct th_idxmap *m);

/* ---- compiled condition ---- */
enum pn_kind { PN_AND, PN_OR, PN_NOT, PN_CMP, PN_CONST };

#define TH_MAX_XF 4
struct operand {
    struct th_fieldref ref;
    enum th_ftype type;     /* type after transformers */
    uint8_t xf[TH_MAX_XF];  /* innermost first */
    uint8_t nxf;
};

struct pnode {
    enum pn_kind kind;
    bool value;          /* PN_CONST */
    struct pnode **kids; /* AND/OR/NOT */
    size_t nkids;
    /* PN_CMP */
    enum th_cond_op op;
    enum th_cond_mod mod;
    struct operand lhs;
    bool rhs_is_field;
    struct operand rhs;  /* val(field) */
    char *str;           /* single constant (owned), NUL-terminated */
    size_t strn;
    int64_t num;         /* constant as a number (U64/TIME fields) */
    bool bval;           /* constant as a bool */
    char **items;        /* list constant (owned) */
    size_t *itemn;
    int64_t *itemnum;    /* numeric list items (U64 fields) */
    size_t nitems;
    struct th_strset set; /* in / intersects on strings; pmatch: the prefixes without a trailing '/' */
    bool root_prefix;     /* pmatch: "/" is one of the prefixes (every absolute path matches) */
    pcre2_code *re;       /* regex */
    pcre2_code **res;     /* regex with a modifier: one per item */
    uint32_t rule;        /* owning rule (stats) */
};

struct compiled_rule {
    struct th_rule_info info;
    struct pnode *cond;
    struct th_ofmt out;
    struct th_mitre_set mitre;
    char **tags;
    char *name, *desc, *file, *why_always, *cond_str;
    bool active; /* enabled, priority within min_priority, compiled without error */
};

struct th_ruleset {
    struct compiled_rule *rules;
    size_t nrules;
    uint32_t nslots;
    /* index per source kind: by the first index field that constrains a rule, plus "always" */
    struct th_idxmap by_key[3][2];   /* [kind][0] = ct.name / ka.target.resource, [kind][1] = -, ka.verb */
    struct th_fieldref key_ref[3][2];
    uint32_t *always[3];
    size_t nalways[3];
    pcre2_match_context *mctx;
    void *slot_keys; /* compile.c's slot table: fieldref keys point into it */
    size_t nslot_keys;
};

struct th_eval_ctx {
    const struct th_ruleset *rs;
    struct th_fcache cache;
    pcre2_match_data *md;
    struct th_arena scratch;
    uint32_t *cand, *matches;
    uint8_t *mark;
    struct th_rule_stats *stats;
    bool stats_on;
};

/* evaluator.c */
bool th_pnode_eval(struct th_eval_ctx *ctx, const struct pnode *n, struct th_event *ev);
void th_pnode_free(struct pnode *n);

/* rule_index.c: builds by_key/always from the compiled conditions of the active rules. */
void th_index_build(struct th_ruleset *rs);
void th_index_free(struct th_ruleset *rs);
/* Candidate rules for ev in rule order, written to ctx->cand; returns the count. */
size_t th_index_candidates(struct th_eval_ctx *ctx, struct th_event *ev);

#endif
