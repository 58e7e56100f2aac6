/* fuzz_rules.c - libFuzzer target: arbitrary text as a rules file, through everything that reads rules. The text is
 * loaded after a small fixed base file (so appends, overrides and macro references have something to meet),
 * compiled with --skip-invalid-rules semantics, every diagnostic is rendered as text and JSON with its snippet, and
 * when anything compiled, two fixed events (CloudTrail and k8s audit) are evaluated with --match all and every
 * match is rendered. Besides sanitizer reports it checks that a failed load or compile always says why (at least
 * one error diagnostic), and that every JSON detection parses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_render.h"
#include "th_buf.h"
#include "th_engine.h"
#include "th_eval.h"
#include "th_event.h"
#include "th_json.h"
#include "th_rules.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char base_rules[] =
    "- list: admins\n  items: [alice, bob]\n"
    "- macro: ct_ok\n  condition: not ct.error exists\n"
    "- rule: Base Trail Stopped\n  desc: base\n  condition: ct.name = StopLogging and ct_ok\n"
    "  output: stopped by %ct.user\n  priority: WARNING\n  source: aws_cloudtrail\n  tags: [T1562.008]\n"
    "- rule: Base Exec\n  desc: base\n  condition: ka.verb = create and ka.target.subresource = exec\n"
    "  output: exec by %ka.user.name\n  priority: NOTICE\n  source: k8s_audit\n";

static const char ct_event[] =
    "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"alice\",\"arn\":"
    "\"arn:aws:iam::111122223333:user/alice\",\"accountId\":\"111122223333\"},\"eventTime\":\"2024-05-14T09:00:01Z\","
    "\"eventSource\":\"cloudtrail.amazonaws.com\",\"eventName\":\"StopLogging\",\"awsRegion\":\"us-east-1\","
    "\"sourceIPAddress\":\"203.0.113.10\",\"requestParameters\":{\"name\":\"trail\"},\"eventID\":\"e1\"}";
static const char k8s_event[] =
    "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a1\",\"stage\":\"ResponseStarted\","
    "\"requestURI\":\"/api/v1/namespaces/prod/pods/web/exec?command=sh\",\"verb\":\"create\",\"user\":{\"username\":"
    "\"alice\",\"groups\":[\"system:authenticated\"]},\"sourceIPs\":[\"203.0.113.7\"],\"objectRef\":{\"resource\":"
    "\"pods\",\"namespace\":\"prod\",\"name\":\"web\",\"subresource\":\"exec\"},\"responseStatus\":{\"code\":101},"
    "\"stageTimestamp\":\"2024-05-14T10:00:00.000000Z\"}";

static void evaluate(struct th_ruleset *rs, const char *text)
{
    static struct th_json doc;
    static struct th_arena scratch;
    static int init;
    if (!init) {
        th_json_init(&doc);
        th_arena_init(&scratch);
        init = 1;
    }
    th_arena_reset(&scratch);
    struct th_eval_ctx *ctx = th_eval_ctx_new(rs);
    struct th_record rec;
    memset(&rec, 0, sizeof rec);
    rec.data = text;
    rec.len = strlen(text);
    struct th_event ev;
    memset(&ev, 0, sizeof ev);
    ev.doc = &doc;
    ev.scratch = &scratch;
    ev.cache = th_eval_ctx_cache(ctx);
    ev.num = 1;
    struct th_decode_opts opts = {TH_SRC_UNKNOWN, 0};
    char msg[256];
    if (th_event_decode(&ev, &rec, &opts, msg, sizeof msg) != TH_E_NONE) {
        abort(); /* the fixed events are valid */
    }
    fuzz_evaluate_and_render(ctx, rs, &ev);
    th_eval_ctx_free(ctx);
}

static void render_diagnostics(const struct th_err *err)
{
    FILE *sink = fopen("/dev/null", "w");
    if (sink) {
        th_err_print(sink, err);
        th_err_print_json(sink, err);
        fclose(sink);
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    struct th_err err;
    th_err_init(&err);
    struct th_rule_set *set = th_rules_new();
    if (th_rules_load_string(set, "base.yaml", base_rules, &err) != 0) {
        abort(); /* the base file is valid */
    }
    int rc = th_rules_load_mem(set, "fuzz.yaml", (const char *)data, size, &err);
    if (rc != 0 && err.errors == 0) {
        abort(); /* a failed load must say why */
    }
    struct th_compile_opts opts = {TH_PRIO_DEBUG, true};
    struct th_ruleset *rs = th_ruleset_compile(set, &opts, &err);
    if (!rs && err.errors == 0) {
        abort(); /* a failed compile must say why */
    }
    render_diagnostics(&err);
    if (rs) {
        evaluate(rs, ct_event);
        evaluate(rs, k8s_event);
        th_ruleset_free(rs);
    }
    th_rules_free(set);
    th_err_free(&err);
    return 0;
}
