/* eval_ctx.c - per-worker evaluation state and the per-event entry point.
 * A context owns everything that changes while evaluating (field cache, pcre2 match data, scratch, candidate and
 * match buffers, statistics); the ruleset it points to is shared and never written.
 * Invariant: th_eval_event() evaluates only candidate rules of the event's source, in rule order. */
#include <stdlib.h>
#include <string.h>

#include "program.h"

struct th_eval_ctx *th_eval_ctx_new(const struct th_ruleset *rs)
{
    struct th_eval_ctx *ctx = th_xcalloc(1, sizeof *ctx);
    ctx->rs = rs;
    th_fcache_init(&ctx->cache, rs->nslots);
    ctx->md = pcre2_match_data_create(1, NULL);
    th_arena_init(&ctx->scratch);
    ctx->cand = th_xcalloc(rs->nrules + 1, sizeof *ctx->cand);
    ctx->matches = th_xcalloc(rs->nrules + 1, sizeof *ctx->matches);
    ctx->stats = th_xcalloc(rs->nrules + 1, sizeof *ctx->stats);
    return ctx;
}

void th_eval_ctx_free(struct th_eval_ctx *ctx)
{
    if (!ctx) {
        return;
    }
    th_fcache_free(&ctx->cache);
    pcre2_match_data_free(ctx->md);
    th_arena_free(&ctx->scratch);
    free(ctx->cand);
    free(ctx->matches);
    free(ctx->stats);
    free(ctx);
}

struct th_fcache *th_eval_ctx_cache(struct th_eval_ctx *ctx)
{
    return &ctx->cache;
}

void th_eval_enable_stats(struct th_eval_ctx *ctx, bool on)
{
    ctx->stats_on = on;
}

const struct th_rule_stats *th_eval_stats(const struct th_eval_ctx *ctx)
{
    return ctx->stats;
}

static bool eval_rule(struct th_eval_ctx *ctx, uint32_t r, struct th_event *ev)
{
    const struct compiled_rule *cr = &ctx->rs->rules[r];
    if (!ctx->stats_on) {
        return th_pnode_eval(ctx, cr->cond, ev);
    }
    int64_t t0 = th_time_mono_ns();
    bool m = th_pnode_eval(ctx, cr->cond, ev);
    ctx->stats[r].ns += (uint64_t)(th_time_mono_ns() - t0);
    ctx->stats[r].evals++;
    ctx->stats[r].matches += m;
    return m;
}

size_t th_eval_event(struct th_eval_ctx *ctx, struct th_event *ev, enum th_match_mode mode, const uint32_t **rules)
{
    size_t nm = 0;
    if (ev->cache != &ctx->cache) {
        ev->cache = &ctx->cache; /* an event decoded without our cache: use ours from now on */
        th_fcache_next(&ctx->cache);
    }
    th_arena_reset(&ctx->scratch);
    size_t nc = th_index_candidates(ctx, ev);
    for (size_t i = 0; i < nc; i++) {
        if (eval_rule(ctx, ctx->cand[i], ev)) {
            ctx->matches[nm++] = ctx->cand[i];
            if (mode == TH_MATCH_FIRST) {
                break;
            }
        }
    }
    *rules = ctx->matches;
    return nm;
}

void th_eval_render_text(struct th_eval_ctx *ctx, size_t rule, struct th_event *ev, struct th_buf *out)
{
    th_ofmt_render_text(&ctx->rs->rules[rule].out, ev, out);
}

void th_eval_render_fields_json(struct th_eval_ctx *ctx, size_t rule, struct th_event *ev, struct th_buf *out)
{
    th_ofmt_render_fields_json(&ctx->rs->rules[rule].out, ev, 0, out);
}
