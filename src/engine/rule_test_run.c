/* rule_test_run.c - runs rule test cases: decodes each case's events (inline JSON, or every record of a file read
 * through the file source), evaluates them, and compares the set of rules that fired with the case's expect list.
 * Also keeps, per case, the expected rules and the event keys evaluated, for --require-cases coverage.
 * Invariant: a case passes only when the fired set equals the expected set exactly and every event decoded; every
 * difference and every input problem is written to the report (never dropped). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th_connector.h"
#include "th_rule_test.h"

/* First event on which a rule fired in the current case. */
struct fired {
    size_t rule;
    char *summary; /* "event 2: eventName=..., eventID=..." */
};

/* A rule fired on an event with this key. */
struct hit {
    size_t rule;
    size_t key; /* index in case_log.keys */
};

/* What a case contributed to coverage: the rules it expected, the event keys it evaluated, and which rules fired on
 * events of which key. */
struct case_log {
    size_t *expected;
    size_t nexpected;
    char **keys; /* "ct:StopLogging", "ka:create" */
    size_t nkeys;
    struct hit *hits;
    size_t nhits;
};

struct th_rt_runner {
    const struct th_ruleset *rs;
    enum th_match_mode mode;
    struct th_eval_ctx *ctx;
    struct th_json doc;
    struct th_arena scratch;
    /* the current case */
    struct fired *fired;
    size_t nfired, capfired;
    struct th_buf problems; /* "  problem: ...\n" lines */
    struct case_log cur;
    uint64_t nevents;
    /* every case run so far */
    struct case_log *log;
    size_t nlog, caplog;
};

struct th_rt_runner *th_rt_runner_new(const struct th_ruleset *rs, enum th_match_mode mode)
{
    struct th_rt_runner *r = th_xcalloc(1, sizeof *r);
    r->rs = rs;
    r->mode = mode;
    r->ctx = th_eval_ctx_new(rs);
    th_json_init(&r->doc);
    th_arena_init(&r->scratch);
    th_buf_init(&r->problems);
    return r;
}

static void log_free(struct case_log *c)
{
    for (size_t i = 0; i < c->nkeys; i++) {
        free(c->keys[i]);
    }
    free(c->keys);
    free(c->expected);
    free(c->hits);
    memset(c, 0, sizeof *c);
}

static void reset_case(struct th_rt_runner *r)
{
    for (size_t i = 0; i < r->nfired; i++) {
        free(r->fired[i].summary);
    }
    r->nfired = 0;
    r->nevents = 0;
    th_buf_clear(&r->problems);
    log_free(&r->cur);
}

void th_rt_runner_free(struct th_rt_runner *r)
{
    if (!r) {
        return;
    }
    reset_case(r);
    free(r->fired);
    for (size_t i = 0; i < r->nlog; i++) {
        log_free(&r->log[i]);
    }
    free(r->log);
    th_buf_free(&r->problems);
    th_eval_ctx_free(r->ctx);
    th_json_free(&r->doc);
    th_arena_free(&r->scratch);
    free(r);
}

/* ---- per event ------------------------------------------------------------------------------------------- */

/* String member at a dotted path of the event root, or "-" (copied into buf). */
static const char *member(struct th_rt_runner *r, const struct th_event *ev, const char *path, char *buf, size_t n)
{
    const char *p;
    size_t len;
    uint32_t node = th_json_path(ev->doc, ev->root, path);
    if (node == TH_JNONE || th_json_type(ev->doc, node) != TH_J_STRING ||
        !th_json_str(ev->doc, node, &r->scratch, &p, &len)) {
        snprintf(buf, n, "-");
    } else {
        snprintf(buf, n, "%.*s", (int)len, p);
    }
    return buf;
}

static char *summarize(struct th_rt_runner *r, const struct th_event *ev, const char *at)
{
    char a[256], b[256], c[256];
    if (ev->kind == TH_SRC_K8S_AUDIT) {
        return th_xasprintf("event %llu%s: verb=%s, resource=%s, auditID=%s", (unsigned long long)r->nevents, at,
                            member(r, ev, "verb", a, sizeof a), member(r, ev, "objectRef.resource", b, sizeof b),
                            member(r, ev, "auditID", c, sizeof c));
    }
    return th_xasprintf("event %llu%s: eventName=%s, eventID=%s", (unsigned long long)r->nevents, at,
                        member(r, ev, "eventName", a, sizeof a), member(r, ev, "eventID", b, sizeof b));
}

/* Records the event's key (CloudTrail eventName / k8s verb) in the current case; returns its index. */
static size_t add_key(struct th_rt_runner *r, const struct th_event *ev)
{
    char v[256];
    bool k8s = ev->kind == TH_SRC_K8S_AUDIT;
    member(r, ev, k8s ? "verb" : "eventName", v, sizeof v);
    char *key = th_xasprintf("%s:%s", k8s ? "ka" : "ct", v);
    for (size_t i = 0; i < r->cur.nkeys; i++) {
        if (strcmp(r->cur.keys[i], key) == 0) {
            free(key);
            return i;
        }
    }
    r->cur.keys = th_xrealloc(r->cur.keys, (r->cur.nkeys + 1) * sizeof *r->cur.keys);
    r->cur.keys[r->cur.nkeys++] = key;
    return r->cur.nkeys - 1;
}

static void add_hit(struct th_rt_runner *r, size_t rule, size_t key)
{
    for (size_t i = 0; i < r->cur.nhits; i++) {
        if (r->cur.hits[i].rule == rule && r->cur.hits[i].key == key) {
            return;
        }
    }
    r->cur.hits = th_xrealloc(r->cur.hits, (r->cur.nhits + 1) * sizeof *r->cur.hits);
    r->cur.hits[r->cur.nhits++] = (struct hit){rule, key};
}

static void note_fired(struct th_rt_runner *r, size_t rule, const struct th_event *ev, const char *at)
{
    for (size_t i = 0; i < r->nfired; i++) {
        if (r->fired[i].rule == rule) {
            return;
        }
    }
    if (r->nfired == r->capfired) {
        r->capfired = r->capfired ? r->capfired * 2 : 16;
        r->fired = th_xrealloc(r->fired, r->capfired * sizeof *r->fired);
    }
    r->fired[r->nfired].rule = rule;
    r->fired[r->nfired].summary = summarize(r, ev, at);
    r->nfired++;
}

/* Decodes and evaluates one record. `at` is "" for inline events, " at <locator>" for file records. */
static void eval_record(struct th_rt_runner *r, const struct th_record *rec, const char *at, struct th_err *err,
                        const struct th_rt_file *f, const struct th_rt_event *inl)
{
    char msg[512];
    struct th_event ev;
    struct th_decode_opts dopts = {TH_SRC_UNKNOWN, 0};
    memset(&ev, 0, sizeof ev);
    ev.doc = &r->doc;
    ev.scratch = &r->scratch;
    ev.cache = th_eval_ctx_cache(r->ctx);
    ev.num = ++r->nevents;
    enum th_code rc = th_event_decode(&ev, rec, &dopts, msg, sizeof msg);
    if (rc != TH_E_NONE) {
        th_buf_printf(&r->problems, "  problem: event %llu%s does not decode: %s [%s]\n",
                      (unsigned long long)r->nevents, at, msg, th_code_str(rc));
        if (inl) {
            th_err_add(err, TH_SEV_ERROR, rc, f->path, inl->line, inl->col, "event does not decode: %s", msg);
        }
        return;
    }
    size_t key = add_key(r, &ev);
    const uint32_t *rules;
    size_t n = th_eval_event(r->ctx, &ev, r->mode, &rules);
    for (size_t i = 0; i < n; i++) {
        note_fired(r, rules[i], &ev, at);
        add_hit(r, rules[i], key);
    }
}

static void run_inline(struct th_rt_runner *r, const struct th_rt_file *f, const struct th_rt_case *c,
                       struct th_err *err)
{
    for (size_t i = 0; i < c->nevents; i++) {
        struct th_record rec;
        memset(&rec, 0, sizeof rec);
        rec.data = c->events[i].json;
        rec.len = c->events[i].len;
        rec.loc.origin = f->path;
        rec.loc.line = c->events[i].line;
        eval_record(r, &rec, "", err, f, &c->events[i]);
    }
}

static void run_file(struct th_rt_runner *r, const struct th_rt_file *f, const struct th_rt_case *c,
                     struct th_err *err)
{
    struct th_kv kv[] = {{"path", c->file, NULL, 0, 0}, {"source", "auto", NULL, 0, 0}};
    struct th_err serr;
    th_err_init(&serr);
    struct th_source *src = th_source_open("file", kv, 2, &serr);
    if (!src) {
        th_buf_printf(&r->problems, "  problem: cannot read %s: %s\n", c->file,
                      serr.n ? serr.v[0].msg : "the file source failed");
        th_err_move(err, &serr);
        th_err_free(&serr);
        return;
    }
    struct th_batch batch;
    th_batch_init(&batch);
    for (;;) {
        int st = src->ops->next_batch(src, &batch, -1, &serr);
        if (st == TH_SRC_FAIL) {
            th_buf_printf(&r->problems, "  problem: reading %s failed: %s\n", c->file,
                          serr.n ? serr.v[0].msg : "the file source failed");
            th_err_move(err, &serr);
            break;
        }
        for (size_t i = 0; i < batch.nprobs; i++) {
            const struct th_input_problem *pb = &batch.probs[i];
            if (pb->sev == TH_SEV_ERROR) {
                th_buf_printf(&r->problems, "  problem: %s: %s [%s]\n", pb->where ? pb->where : c->file, pb->msg,
                              th_code_str(pb->code));
            }
        }
        for (size_t i = 0; i < batch.n; i++) {
            char loc[1024], at[1100];
            th_locator_format(&batch.recs[i].loc, loc, sizeof loc);
            snprintf(at, sizeof at, " at %s", loc);
            eval_record(r, &batch.recs[i], at, err, f, NULL);
        }
        src->ops->ack(src, &batch, TH_DELIVERED);
        th_batch_clear(&batch);
        if (st == TH_SRC_EOF) {
            break;
        }
    }
    th_batch_free(&batch);
    th_source_close(src);
    th_err_free(&serr);
    if (r->nevents == 0 && r->problems.len == 0) {
        th_buf_printf(&r->problems, "  problem: %s holds no records\n", c->file);
    }
}

/* ---- comparison and report ------------------------------------------------------------------------------- */

static const char *fired_summary(const struct th_rt_runner *r, const char *name)
{
    for (size_t i = 0; i < r->nfired; i++) {
        if (strcmp(th_ruleset_rule(r->rs, r->fired[i].rule)->name, name) == 0) {
            return r->fired[i].summary;
        }
    }
    return NULL;
}

/* Index of the rule named `name`, or (size_t)-1. */
static size_t find_rule(const struct th_ruleset *rs, const char *name)
{
    for (size_t i = 0; i < th_ruleset_count(rs); i++) {
        if (strcmp(th_ruleset_rule(rs, i)->name, name) == 0) {
            return i;
        }
    }
    return (size_t)-1;
}

static bool expected(const struct th_rt_case *c, const char *name)
{
    for (size_t i = 0; i < c->nexpect; i++) {
        if (strcmp(c->expect[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* Appends the diff lines; returns how many differences there were. */
static size_t diff(struct th_rt_runner *r, const struct th_rt_case *c, struct th_buf *d)
{
    size_t ndiff = 0;
    for (size_t i = 0; i < c->nexpect; i++) {
        if (fired_summary(r, c->expect[i])) {
            continue;
        }
        size_t idx = find_rule(r->rs, c->expect[i]);
        const char *why = idx == (size_t)-1                        ? " (no rule of that name is loaded)"
                          : !th_ruleset_rule(r->rs, idx)->enabled ? " (the rule is disabled)"
                                                                  : "";
        th_buf_printf(d, "  missing: %s%s\n", c->expect[i], why);
        ndiff++;
    }
    for (size_t i = 0; i < r->nfired; i++) {
        const char *name = th_ruleset_rule(r->rs, r->fired[i].rule)->name;
        if (!expected(c, name)) {
            th_buf_printf(d, "  unexpected: %s (%s)\n", name, r->fired[i].summary);
            ndiff++;
        }
    }
    return ndiff;
}

static void log_case(struct th_rt_runner *r, const struct th_rt_case *c)
{
    struct case_log *cl;
    r->cur.expected = th_xcalloc(c->nexpect ? c->nexpect : 1, sizeof *r->cur.expected);
    for (size_t i = 0; i < c->nexpect; i++) {
        size_t idx = find_rule(r->rs, c->expect[i]);
        if (idx != (size_t)-1) {
            r->cur.expected[r->cur.nexpected++] = idx;
        }
    }
    if (r->nlog == r->caplog) {
        r->caplog = r->caplog ? r->caplog * 2 : 64;
        r->log = th_xrealloc(r->log, r->caplog * sizeof *r->log);
    }
    cl = &r->log[r->nlog++];
    *cl = r->cur;
    memset(&r->cur, 0, sizeof r->cur);
}

int th_rt_run_case(struct th_rt_runner *r, const struct th_rt_file *f, size_t case_idx, bool verbose,
                   struct th_buf *report, struct th_err *err)
{
    const struct th_rt_case *c = &f->cases[case_idx];
    struct th_buf d;
    th_buf_init(&d);
    reset_case(r);
    if (c->file) {
        run_file(r, f, c, err);
    } else {
        run_inline(r, f, c, err);
    }
    size_t ndiff = diff(r, c, &d);
    int pass = ndiff == 0 && r->problems.len == 0;
    if (pass) {
        th_buf_printf(report, "ok   %s: %s\n", f->path, c->name);
        if (verbose) {
            th_buf_puts(report, "  fired:");
            for (size_t i = 0; i < r->nfired; i++) {
                th_buf_printf(report, "%s %s", i ? "," : "", th_ruleset_rule(r->rs, r->fired[i].rule)->name);
            }
            th_buf_puts(report, r->nfired ? "\n" : " nothing\n");
        }
    } else {
        th_buf_printf(report, "FAIL %s:%u: %s\n", f->path, c->line, c->name);
        th_buf_append(report, r->problems.data ? r->problems.data : "", r->problems.len);
        th_buf_append(report, d.data ? d.data : "", d.len);
    }
    log_case(r, c);
    th_buf_free(&d);
    return pass;
}

/* ---- coverage -------------------------------------------------------------------------------------------- */

static bool lists(const struct case_log *cl, size_t rule)
{
    for (size_t i = 0; i < cl->nexpected; i++) {
        if (cl->expected[i] == rule) {
            return true;
        }
    }
    return false;
}

static bool has_key(const struct case_log *cl, const char *key)
{
    for (size_t i = 0; i < cl->nkeys; i++) {
        if (strcmp(cl->keys[i], key) == 0) {
            return true;
        }
    }
    return false;
}

/* A negative case for `rule`: a case that does not list it but evaluated an event whose key is the key of an event
 * on which the rule fired in a case that lists it. */
static bool has_negative(const struct th_rt_runner *r, size_t rule)
{
    for (size_t p = 0; p < r->nlog; p++) {
        const struct case_log *pos = &r->log[p];
        if (!lists(pos, rule)) {
            continue;
        }
        for (size_t h = 0; h < pos->nhits; h++) {
            if (pos->hits[h].rule != rule) {
                continue;
            }
            for (size_t q = 0; q < r->nlog; q++) {
                if (!lists(&r->log[q], rule) && has_key(&r->log[q], pos->keys[pos->hits[h].key])) {
                    return true;
                }
            }
        }
    }
    return false;
}

size_t th_rt_untested(const struct th_rt_runner *r, struct th_rt_gap **gaps)
{
    size_t n = 0, count = th_ruleset_count(r->rs);
    *gaps = th_xcalloc(count ? count : 1, sizeof **gaps);
    for (size_t i = 0; i < count; i++) {
        if (!th_ruleset_rule(r->rs, i)->enabled) {
            continue;
        }
        bool pos = false;
        for (size_t p = 0; p < r->nlog && !pos; p++) {
            pos = lists(&r->log[p], i);
        }
        bool neg = pos && has_negative(r, i);
        if (!pos || !neg) {
            (*gaps)[n].rule = i;
            (*gaps)[n].no_positive = !pos;
            (*gaps)[n].no_negative = !neg;
            n++;
        }
    }
    return n;
}
