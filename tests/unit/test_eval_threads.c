/* test_eval_threads.c - one compiled ruleset shared read-only by several worker threads, each with its own
 * evaluation context, JSON doc and scratch: every thread must see exactly the single-threaded matches. */
#include <pthread.h>
#include <stdlib.h>

#include "th_eval.h"
#include "th_test.h"

static const char *rules_text =
    "- list: admin_policies\n"
    "  items: [arn:aws:iam::aws:policy/AdministratorAccess]\n"
    "- macro: ok\n"
    "  condition: not ct.error exists\n"
    "- rule: Stop\n  desc: d\n  condition: ct.name = StopLogging and ok\n  output: \"%ct.user\"\n"
    "  priority: CRITICAL\n  source: aws_cloudtrail\n"
    "- rule: Admin\n  desc: d\n  condition: ct.name = AttachUserPolicy and json.value[/requestParameters/policyArn] in (admin_policies)\n"
    "  output: \"%ct.user\"\n  priority: ERROR\n  source: aws_cloudtrail\n"
    "- rule: Regex user\n  desc: d\n  condition: ct.user regex \"svc-[0-9]+\"\n  output: \"%ct.user\"\n"
    "  priority: NOTICE\n  source: aws_cloudtrail\n";

static const char *events[] = {
    "{\"eventVersion\":\"1.08\",\"eventSource\":\"cloudtrail.amazonaws.com\",\"eventName\":\"StopLogging\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"svc-12\"}}",
    "{\"eventVersion\":\"1.08\",\"eventSource\":\"cloudtrail.amazonaws.com\",\"eventName\":\"StopLogging\",\"errorCode\":\"AccessDenied\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"bob\"}}",
    "{\"eventVersion\":\"1.08\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"AttachUserPolicy\",\"requestParameters\":{\"policyArn\":\"arn:aws:iam::aws:policy/AdministratorAccess\"},\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"alice\"}}",
    "{\"eventVersion\":\"1.08\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"svc-7\"}}",
};
#define NEVENTS (sizeof events / sizeof events[0])
#define ROUNDS 20000

struct worker {
    const struct th_ruleset *rs;
    unsigned expected[NEVENTS]; /* bitmask of matching rules per event */
    int mismatches;
};

static unsigned matches_of(struct th_eval_ctx *ctx, struct th_json *doc, struct th_arena *scratch, size_t i)
{
    struct th_record rec = {events[i], strlen(events[i]), {"mem", 0, i + 1}, TH_SRC_UNKNOWN};
    struct th_event ev = {0};
    const uint32_t *rules;
    unsigned bits = 0;
    ev.doc = doc;
    ev.scratch = scratch;
    ev.cache = th_eval_ctx_cache(ctx);
    if (th_event_decode(&ev, &rec, NULL, NULL, 0) != TH_E_NONE) {
        return 0x80000000u;
    }
    size_t n = th_eval_event(ctx, &ev, TH_MATCH_ALL, &rules);
    for (size_t k = 0; k < n; k++) {
        bits |= 1u << rules[k];
    }
    return bits;
}

static void *work(void *arg)
{
    struct worker *w = arg;
    struct th_eval_ctx *ctx = th_eval_ctx_new(w->rs);
    struct th_json doc;
    struct th_arena scratch;
    th_json_init(&doc);
    th_arena_init(&scratch);
    for (int r = 0; r < ROUNDS; r++) {
        size_t i = (size_t)r % NEVENTS;
        if (matches_of(ctx, &doc, &scratch, i) != w->expected[i]) {
            w->mismatches++;
        }
    }
    th_json_free(&doc);
    th_arena_free(&scratch);
    th_eval_ctx_free(ctx);
    return NULL;
}

TH_TEST(test_workers_share_one_ruleset_and_agree_with_a_single_thread)
{
    struct th_err err;
    th_err_init(&err);
    struct th_rule_set *set = th_rules_new();
    th_rules_load_string(set, "inline.yaml", rules_text, &err);
    struct th_ruleset *rs = th_ruleset_compile(set, NULL, &err);
    TH_CHECK(rs != NULL);
    TH_CHECK_INT(err.errors, 0);
    if (!rs) {
        th_err_print(stderr, &err);
        return;
    }
    struct worker w[3];
    struct th_eval_ctx *ctx = th_eval_ctx_new(rs);
    struct th_json doc;
    struct th_arena scratch;
    th_json_init(&doc);
    th_arena_init(&scratch);
    memset(w, 0, sizeof w);
    for (size_t i = 0; i < NEVENTS; i++) {
        w[0].expected[i] = matches_of(ctx, &doc, &scratch, i);
    }
    TH_CHECK_INT(w[0].expected[0], (1u << 0) | (1u << 2)); /* Stop and Regex user */
    TH_CHECK_INT(w[0].expected[1], 0);                     /* failed call, bob */
    TH_CHECK_INT(w[0].expected[2], 1u << 1);               /* Admin */
    TH_CHECK_INT(w[0].expected[3], 1u << 2);               /* Regex user */
    pthread_t t[3];
    for (int k = 0; k < 3; k++) {
        w[k].rs = rs;
        memcpy(w[k].expected, w[0].expected, sizeof w[k].expected);
        pthread_create(&t[k], NULL, work, &w[k]);
    }
    for (int k = 0; k < 3; k++) {
        pthread_join(t[k], NULL);
        TH_CHECK_INT(w[k].mismatches, 0);
    }
    th_json_free(&doc);
    th_arena_free(&scratch);
    th_eval_ctx_free(ctx);
    th_ruleset_free(rs);
    th_rules_free(set);
    th_err_free(&err);
}

TH_RUN_TESTS()
