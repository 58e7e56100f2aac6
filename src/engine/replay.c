/* replay.c - batch replay: a finite source driven to its end on the calling thread.
 * For each batch: report the source's problems, decode every record (rejects counted by reason and reported with
 * their locator), evaluate the rules, write the detections to every output, then acknowledge the batch.
 * Invariant: a batch is acknowledged only after every output took its detections (at-least-once); the
 * acknowledgement carries the worst delivery status of the batch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "th_engine.h"

struct replay {
    const struct th_replay_opts *o;
    struct th_replay_summary *s;
    struct th_source *src;
    struct th_eval_ctx *ctx;
    struct th_json doc;
    struct th_arena scratch;
    struct th_decode_opts dopts;
    char hostname[256];
    /* detections of the current batch, rendered */
    struct th_buf *texts, *jsons;
    char **locs;
    struct th_detection *dets;
    const struct th_detection **detp;
    size_t ndet, capdet;
    int64_t next_progress_ns, start_ns;
    uint64_t batches;
};

/* Problems with a whole input (it could not be read, is not a log format, its gzip is corrupt) are not records:
 * they are counted apart, so "records = decoded + rejected" holds. */
static bool input_level(enum th_code code)
{
    return code == TH_E_IO || code == TH_E_UNKNOWN_FORMAT || code == TH_E_GZIP;
}

static void problem(struct replay *r, enum th_sev sev, enum th_code code, const char *where, const char *msg)
{
    if (sev == TH_SEV_ERROR && input_level(code)) {
        r->s->input_errors++;
        r->s->input_errors_by[code]++;
    } else if (sev == TH_SEV_ERROR) {
        r->s->rejected++;
        r->s->records++;
        r->s->rejected_by[code]++;
    } else {
        r->s->notes++;
    }
    if (r->o->on_problem) {
        r->o->on_problem(r->o->problem_ctx, sev, code, where, msg);
    }
}

static void grow_dets(struct replay *r)
{
    size_t cap = r->capdet ? r->capdet * 2 : 64;
    r->texts = th_xrealloc(r->texts, cap * sizeof *r->texts);
    r->jsons = th_xrealloc(r->jsons, cap * sizeof *r->jsons);
    r->locs = th_xrealloc(r->locs, cap * sizeof *r->locs);
    r->dets = th_xrealloc(r->dets, cap * sizeof *r->dets);
    r->detp = th_xrealloc(r->detp, cap * sizeof *r->detp);
    for (size_t i = r->capdet; i < cap; i++) {
        th_buf_init(&r->texts[i]);
        th_buf_init(&r->jsons[i]);
        r->locs[i] = th_xmalloc(1024);
    }
    r->capdet = cap;
}

static void add_detection(struct replay *r, size_t rule, struct th_event *ev)
{
    if (r->ndet == r->capdet) {
        grow_dets(r);
    }
    size_t i = r->ndet++;
    const struct th_rule_info *ri = th_ruleset_rule(r->o->rules, rule);
    th_detection_render(r->ctx, r->o->rules, rule, ev, r->hostname, &r->texts[i], &r->jsons[i]);
    th_locator_format(&ev->rec->loc, r->locs[i], 1024);
    r->dets[i].rule = ri->name;
    r->dets[i].priority = (int)ri->priority;
    r->dets[i].text = r->texts[i].data;
    r->dets[i].json = r->jsons[i].data;
    r->dets[i].locator = r->locs[i];
    r->s->detections++;
    r->s->detections_by_priority[ri->priority & 7]++;
}

static void decode_one(struct replay *r, const struct th_record *rec, uint64_t num)
{
    char msg[512], where[1024];
    struct th_event ev;
    memset(&ev, 0, sizeof ev);
    ev.doc = &r->doc;
    ev.scratch = &r->scratch;
    ev.cache = r->ctx ? th_eval_ctx_cache(r->ctx) : NULL;
    ev.num = num;
    enum th_code rc = th_event_decode(&ev, rec, &r->dopts, msg, sizeof msg);
    if (rc != TH_E_NONE) {
        th_locator_format(&rec->loc, where, sizeof where);
        problem(r, TH_SEV_ERROR, rc, where, msg);
        return;
    }
    r->s->records++;
    r->s->decoded++;
    r->s->by_kind[ev.kind]++;
    if (!r->ctx) {
        return;
    }
    const uint32_t *rules;
    size_t n = th_eval_event(r->ctx, &ev, r->o->match, &rules);
    for (size_t i = 0; i < n; i++) {
        add_detection(r, rules[i], &ev);
    }
}

static enum th_delivery deliver(struct replay *r, struct th_err *err)
{
    enum th_delivery worst = TH_DELIVERED;
    if (r->ndet == 0) {
        return worst;
    }
    for (size_t i = 0; i < r->ndet; i++) {
        r->detp[i] = &r->dets[i];
    }
    for (size_t k = 0; k < r->o->noutputs; k++) {
        struct th_output *out = r->o->outputs[k];
        enum th_delivery d = out->ops->write(out, r->detp, r->ndet, err);
        if (d != TH_DELIVERED) {
            r->s->output_failures++;
        }
        if (d > worst) {
            worst = d;
        }
    }
    r->ndet = 0;
    return worst;
}

static void progress(struct replay *r, bool final)
{
    struct th_progress p = {0};
    int64_t now = th_time_mono_ns();
    if (!r->o->progress || (!final && now < r->next_progress_ns)) {
        return;
    }
    r->next_progress_ns = now + 250000000LL;
    if (r->src->ops->progress) {
        r->src->ops->progress(r->src, &p);
    }
    double secs = (double)(now - r->start_ns) / 1e9;
    double rate = secs > 0 ? (double)r->s->records / secs : 0;
    fprintf(stderr, "\r%llu/%llu %s, %llu events, %.0f events/s", (unsigned long long)p.units_done,
            (unsigned long long)p.units_total, p.unit ? p.unit : "inputs", (unsigned long long)r->s->records, rate);
    if (p.bytes_total && p.bytes_done && p.bytes_done < p.bytes_total && secs > 0) {
        double eta = secs * (double)(p.bytes_total - p.bytes_done) / (double)p.bytes_done;
        fprintf(stderr, ", ETA %.0fs", eta);
    }
    fprintf(stderr, final ? "\n" : "   ");
}

static int run_batches(struct replay *r, struct th_err *err)
{
    struct th_batch batch;
    uint64_t num = 0;
    int rc = 0;
    th_batch_init(&batch);
    for (;;) {
        int st = r->src->ops->next_batch(r->src, &batch, -1, err);
        batch.seq = ++r->batches;
        for (size_t i = 0; i < batch.nprobs; i++) {
            const struct th_input_problem *pb = &batch.probs[i];
            problem(r, pb->sev, pb->code, pb->where, pb->msg);
        }
        if (st == TH_SRC_FAIL) {
            if (batch.n) {
                r->src->ops->ack(r->src, &batch, TH_REJECTED); /* never processed: the source keeps it */
            }
            rc = -1;
            break;
        }
        for (size_t i = 0; i < batch.n; i++) {
            decode_one(r, &batch.recs[i], ++num);
        }
        enum th_delivery worst = deliver(r, err);
        r->src->ops->ack(r->src, &batch, worst);
        if (worst != TH_DELIVERED) {
            rc = -1; /* a replay has nobody to retry for it: stop rather than lose detections silently */
            break;
        }
        th_batch_clear(&batch);
        progress(r, false);
        if (st == TH_SRC_EOF) {
            break;
        }
    }
    th_batch_free(&batch);
    return rc;
}

static struct th_source *open_source(const struct th_replay_opts *o, struct th_err *err)
{
    struct th_kv kv[64 + 4];
    char size_buf[32];
    size_t n = 0;
    for (size_t i = 0; i < o->ninputs && n < 64; i++) {
        kv[n++] = (struct th_kv){"path", o->inputs[i], NULL, 0, 0};
    }
    if (o->ninputs > 64) {
        th_err_add(err, TH_SEV_ERROR, TH_E_USAGE, NULL, 0, 0, "too many inputs (%zu): pass directories or globs", o->ninputs);
        return NULL;
    }
    kv[n++] = (struct th_kv){"source", o->source_kind ? o->source_kind : "auto", NULL, 0, 0};
    if (o->max_record_size) {
        snprintf(size_buf, sizeof size_buf, "%llu", (unsigned long long)o->max_record_size);
        kv[n++] = (struct th_kv){"max_record_size", size_buf, NULL, 0, 0};
    }
    return th_source_open("file", kv, n, err);
}

static void free_replay(struct replay *r)
{
    for (size_t i = 0; i < r->capdet; i++) {
        th_buf_free(&r->texts[i]);
        th_buf_free(&r->jsons[i]);
        free(r->locs[i]);
    }
    free(r->texts);
    free(r->jsons);
    free(r->locs);
    free(r->dets);
    free(r->detp);
    th_json_free(&r->doc);
    th_arena_free(&r->scratch);
}

int th_replay_run(const struct th_replay_opts *o, struct th_replay_summary *s, struct th_eval_ctx **ctx_out,
                  struct th_err *err)
{
    struct replay r;
    memset(&r, 0, sizeof r);
    memset(s, 0, sizeof *s);
    r.o = o;
    r.s = s;
    r.start_ns = th_time_mono_ns();
    th_json_init(&r.doc);
    if (o->max_depth) {
        r.doc.limits.max_depth = o->max_depth;
    }
    th_arena_init(&r.scratch);
    r.dopts.force = th_srckind_parse(o->source_kind ? o->source_kind : "", o->source_kind ? strlen(o->source_kind) : 0);
    r.dopts.max_record_size = o->max_record_size;
    if (gethostname(r.hostname, sizeof r.hostname) != 0) {
        snprintf(r.hostname, sizeof r.hostname, "localhost");
    }
    r.src = open_source(o, err);
    if (!r.src) {
        free_replay(&r);
        return -1;
    }
    if (o->rules) {
        r.ctx = th_eval_ctx_new(o->rules);
        th_eval_enable_stats(r.ctx, o->stats);
    }
    int rc = run_batches(&r, err);
    for (size_t k = 0; k < o->noutputs; k++) {
        if (o->outputs[k]->ops->flush && o->outputs[k]->ops->flush(o->outputs[k], err) != 0) {
            rc = -1;
        }
    }
    progress(&r, true);
    if (r.src->ops->progress) {
        struct th_progress p = {0};
        r.src->ops->progress(r.src, &p);
        s->files = p.units_done;
        s->bytes = p.bytes_done;
    }
    th_source_close(r.src);
    s->elapsed_ns = th_time_mono_ns() - r.start_ns;
    if (ctx_out) {
        *ctx_out = r.ctx;
    } else if (r.ctx) {
        th_eval_ctx_free(r.ctx);
    }
    free_replay(&r);
    return rc;
}
