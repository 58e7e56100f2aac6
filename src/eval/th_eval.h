/* th_eval.h - compiled rulesets and their evaluation.
 * th_ruleset_compile() turns a collected ruleset (th_rules.h) into an immutable program: conditions parsed,
 * lists and macros resolved on the tree, exceptions AND-ed on, every field resolved to a th_fieldref with a cache
 * slot, operators specialised by field type, operand sets prebuilt, regexes JIT-compiled once, output templates
 * parsed, MITRE sets derived from tags, and a candidate index built (event name / k8s verb+resource -> rules, plus an
 * "always" list). A ruleset is shared read-only by every worker; each worker owns a th_eval_ctx (scratch,
 * pcre2 match data, field cache, candidate buffer).
 * Invariant: th_eval_event() returns matches in rule definition order, and a comparison on an absent field is
 * false for every operator. */
#ifndef TH_EVAL_H
#define TH_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "th_buf.h"
#include "th_err.h"
#include "th_event.h"
#include "th_mitre.h"
#include "th_rules.h"

struct th_ruleset;
struct th_eval_ctx;

enum th_match_mode { TH_MATCH_ALL = 0, TH_MATCH_FIRST = 1 };

/* What the engine and outputs need to know about one compiled rule. Owned by the ruleset. */
struct th_rule_info {
    const char *name;
    const char *desc;
    enum th_priority priority;
    enum th_srckind source;
    const char *const *tags; /* sorted */
    size_t ntags;
    const struct th_mitre_set *mitre;
    const char *file; /* where the rule was defined */
    uint32_t line, col;
    bool enabled;
    bool indexed;           /* false: evaluated for every event of its source (the "always" bucket) */
    const char *why_always; /* when !indexed: the reason, for validate --explain */
};

struct th_compile_opts {
    enum th_priority min_priority; /* rules less severe are compiled but never evaluated */
    bool skip_invalid;             /* drop rules that fail to compile (errors still reported) instead of failing */
};

/* Compiles; returns NULL when any rule failed (unless skip_invalid), with every diagnostic in err. */
struct th_ruleset *th_ruleset_compile(const struct th_rule_set *set, const struct th_compile_opts *opts,
                                      struct th_err *err);
void th_ruleset_free(struct th_ruleset *rs);
size_t th_ruleset_count(const struct th_ruleset *rs);
const struct th_rule_info *th_ruleset_rule(const struct th_ruleset *rs, size_t i);
/* Canonical condition after list/macro/exception resolution (for expansion tests and validate --dump). */
void th_ruleset_condition_str(const struct th_ruleset *rs, size_t i, struct th_buf *out);

struct th_eval_ctx *th_eval_ctx_new(const struct th_ruleset *rs);
void th_eval_ctx_free(struct th_eval_ctx *ctx);
/* Field cache to hand to th_event_decode()/the event (ev->cache = th_eval_ctx_cache(ctx)). */
struct th_fcache *th_eval_ctx_cache(struct th_eval_ctx *ctx);

/* Evaluates the candidate rules for ev; returns the number of matches and points *rules at the matching rule
 * indexes (valid until the next call). --match first stops at the first. */
size_t th_eval_event(struct th_eval_ctx *ctx, struct th_event *ev, enum th_match_mode mode, const uint32_t **rules);

/* Renders rule i's output template for ev: text (absent -> <NA>) and the JSON output_fields object. */
void th_eval_render_text(struct th_eval_ctx *ctx, size_t rule, struct th_event *ev, struct th_buf *out);
void th_eval_render_fields_json(struct th_eval_ctx *ctx, size_t rule, struct th_event *ev, struct th_buf *out);

/* --stats: per-rule evaluations, matches and time (ns); accumulated in ctx. */
struct th_rule_stats {
    uint64_t evals, matches, ns;
};
void th_eval_enable_stats(struct th_eval_ctx *ctx, bool on);
const struct th_rule_stats *th_eval_stats(const struct th_eval_ctx *ctx); /* indexed by rule */

#endif
