/* fuzz_event.c - libFuzzer target: one record through everything that reads an event after the splitter.
 * The input is decoded as a record (source detected by content); a decoded event then has every registered field
 * of its source extracted (with index and key arguments where the field takes them), is evaluated against the
 * whole bundled rule set with --match all, and every match is rendered as text and JSON. Besides crashes and
 * sanitizer reports it checks two invariants: a field read twice gives the same answer (the per-event cache agrees
 * with the extractor), and every JSON detection is valid JSON (jansson parses it). */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_render.h"
#include "th_buf.h"
#include "th_engine.h"
#include "th_eval.h"
#include "th_event.h"
#include "th_field.h"
#include "th_json.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static struct th_ruleset *rules;
static struct th_eval_ctx *ctx;
static struct th_json doc;
static struct th_arena scratch;

static void load_dir(struct th_rule_set *set, const char *pattern, struct th_err *err)
{
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0) {
        fprintf(stderr, "fuzz_event: no rules match %s\n", pattern);
        abort();
    }
    for (size_t i = 0; i < g.gl_pathc; i++) { /* glob sorts: 00_macros.yaml first, as the CLI loads them */
        th_rules_load_file(set, g.gl_pathv[i], err);
    }
    globfree(&g);
}

static void init(void)
{
    struct th_err err;
    th_err_init(&err);
    struct th_rule_set *set = th_rules_new();
    load_dir(set, TH_SRC_DIR "/rules/cloudtrail/*.yaml", &err);
    load_dir(set, TH_SRC_DIR "/rules/k8s_audit/*.yaml", &err);
    struct th_compile_opts opts = {TH_PRIO_DEBUG, false};
    rules = th_ruleset_compile(set, &opts, &err);
    if (!rules || err.errors) {
        fprintf(stderr, "fuzz_event: the bundled rules do not compile\n");
        abort();
    }
    th_rules_free(set);
    th_err_free(&err);
    ctx = th_eval_ctx_new(rules);
    th_json_init(&doc);
    th_arena_init(&scratch);
}

/* Extracts ref twice (the second read may come from the cache) and insists on the same rendering. */
static void read_twice(struct th_event *ev, const struct th_fieldref *ref, struct th_buf *a, struct th_buf *b)
{
    struct th_val v;
    a->len = b->len = 0;
    int p1 = th_event_get(ev, ref, &v);
    if (p1) {
        th_val_format(&v, a);
    }
    int p2 = th_event_get(ev, ref, &v);
    if (p2) {
        th_val_format(&v, b);
    }
    if (p1 != p2 || a->len != b->len || (a->len && memcmp(a->data, b->data, a->len) != 0)) {
        abort(); /* the same field gave two answers for one event */
    }
}

static void every_field(struct th_event *ev)
{
    static const char *const keys[] = {"/eventName", "/userIdentity/arn", "/requestParameters", "/a~1b/0", "x",
                                       "name", ""};
    struct th_buf a, b;
    th_buf_init(&a);
    th_buf_init(&b);
    for (size_t id = 0; id < th_field_count(); id++) {
        const struct th_field_def *def = th_field_by_id((uint16_t)id);
        if (!(def->sources & TH_SRC_MASK(ev->kind))) {
            continue;
        }
        struct th_fieldref ref = {(uint16_t)id, TH_NO_SLOT, -1, NULL, 0};
        if (!(def->flags & TH_FF_ARG_REQUIRED)) {
            read_twice(ev, &ref, &a, &b);
        }
        if (def->flags & TH_FF_ARG_INDEX) {
            for (int32_t i = 0; i < 3; i++) {
                ref.index = i;
                read_twice(ev, &ref, &a, &b);
            }
            ref.index = -1;
        }
        if (def->flags & TH_FF_ARG_KEY) {
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
                ref.key = keys[k];
                ref.keylen = (uint32_t)strlen(keys[k]);
                read_twice(ev, &ref, &a, &b);
            }
        }
    }
    th_buf_free(&a);
    th_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (!rules) {
        init();
    }
    th_arena_reset(&scratch);
    struct th_record rec;
    memset(&rec, 0, sizeof rec);
    rec.data = (const char *)data;
    rec.len = size;
    struct th_event ev;
    memset(&ev, 0, sizeof ev);
    ev.doc = &doc;
    ev.scratch = &scratch;
    ev.cache = th_eval_ctx_cache(ctx);
    ev.num = 1;
    struct th_decode_opts dopts = {TH_SRC_UNKNOWN, 1 << 20};
    char msg[256];
    if (th_event_decode(&ev, &rec, &dopts, msg, sizeof msg) != TH_E_NONE) {
        return 0;
    }
    every_field(&ev);
    fuzz_evaluate_and_render(ctx, rules, &ev);
    return 0;
}
