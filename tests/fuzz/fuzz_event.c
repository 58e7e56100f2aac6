/* fuzz_event.c - libFuzzer target: one record through everything that reads an event after the splitter.
 * The input is decoded as a record (source detected by content); a decoded event then has every registered field
 * of its source extracted (with index and key arguments where the field takes them), is evaluated against the
 * whole bundled rule set with --match all, and every match is rendered as text and JSON. Besides crashes and
 * sanitizer reports it checks two invariants: a field read through its cache slot, read again (served from the
 * cache) and read without a slot renders the same all three times (cache and extractor agree), and every JSON
 * detection is valid JSON (jansson parses it). */
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

static void render(struct th_event *ev, const struct th_fieldref *ref, struct th_buf *out, int *present)
{
    struct th_val v;
    out->len = 0;
    *present = th_event_get(ev, ref, &v);
    if (*present) {
        th_val_format(&v, out);
    }
}

static bool same(const struct th_buf *a, int pa, const struct th_buf *b, int pb)
{
    return pa == pb && a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* Reads ref three times: through its cache slot (extracts and fills it), through the slot again (served from the
 * cache) and without a slot (the extractor alone); all three must render the same. */
static void read_thrice(struct th_event *ev, struct th_fieldref *ref, uint16_t slot, struct th_buf b[3])
{
    int p[3];
    ref->slot = slot;
    render(ev, ref, &b[0], &p[0]);
    render(ev, ref, &b[1], &p[1]);
    ref->slot = TH_NO_SLOT;
    render(ev, ref, &b[2], &p[2]);
    if (!same(&b[0], p[0], &b[1], p[1]) || !same(&b[0], p[0], &b[2], p[2])) {
        abort(); /* the cache and the extractor disagree, or the extractor is not deterministic */
    }
}

/* Every field of the event's source, with index arguments 0..2 and a few key arguments, through its own cache. */
static void every_field(struct th_event *ev)
{
    static const char *const keys[] = {"/eventName", "/userIdentity/arn", "/requestParameters", "/a~1b/0", "x",
                                       "name", ""};
    static struct th_fcache cache;
    static bool cache_ready;
    const size_t per_field = 1 + 3 + sizeof keys / sizeof keys[0];
    if (!cache_ready) {
        th_fcache_init(&cache, (uint32_t)(th_field_count() * per_field));
        cache_ready = true;
    }
    th_fcache_next(&cache);
    struct th_fcache *saved = ev->cache;
    ev->cache = &cache;
    struct th_buf b[3];
    for (int i = 0; i < 3; i++) {
        th_buf_init(&b[i]);
    }
    for (size_t id = 0; id < th_field_count(); id++) {
        const struct th_field_def *def = th_field_by_id((uint16_t)id);
        if (!(def->sources & TH_SRC_MASK(ev->kind))) {
            continue;
        }
        uint16_t slot = (uint16_t)(id * per_field);
        struct th_fieldref ref = {(uint16_t)id, TH_NO_SLOT, -1, NULL, 0};
        if (!(def->flags & TH_FF_ARG_REQUIRED)) {
            read_thrice(ev, &ref, slot, b);
        }
        if (def->flags & TH_FF_ARG_INDEX) {
            for (int32_t i = 0; i < 3; i++) {
                ref.index = i;
                read_thrice(ev, &ref, (uint16_t)(slot + 1 + i), b);
            }
            ref.index = -1;
        }
        if (def->flags & TH_FF_ARG_KEY) {
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
                ref.key = keys[k];
                ref.keylen = (uint32_t)strlen(keys[k]);
                read_thrice(ev, &ref, (uint16_t)(slot + 4 + k), b);
            }
        }
    }
    for (int i = 0; i < 3; i++) {
        th_buf_free(&b[i]);
    }
    ev->cache = saved;
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
