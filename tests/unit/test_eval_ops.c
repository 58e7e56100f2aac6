/* test_eval_ops.c - every condition operator, modifier and transformer evaluated on real events, including the rule
 * that a comparison on an absent field is false for every operator (`!=` too). Each check compiles a one-rule
 * ruleset and evaluates one event: it reads as "condition / event / expected". */
#include <stdlib.h>

#include "th_eval.h"
#include "th_test.h"

/* A CloudTrail record with strings, numbers (s3.bytes), nested objects and lists. */
static const char *CT =
    "{\"eventVersion\":\"1.08\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\","
    "\"awsRegion\":\"eu-west-1\",\"sourceIPAddress\":\"203.0.113.7\",\"userAgent\":\"aws-cli/2.15 Python/3.11\","
    "\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"Svc-Backup\",\"accountId\":\"111122223333\","
    "\"arn\":\"arn:aws:iam::111122223333:user/team/Svc-Backup\"},"
    "\"requestParameters\":{\"bucketName\":\"logs\",\"key\":\"a/b/c.txt\",\"policy\":\"aGVsbG8=\"},"
    "\"additionalEventData\":{\"bytesTransferredIn\":0,\"bytesTransferredOut\":1500}}";

/* A k8s audit event with list fields (groups, container images, host paths). */
static const char *KA =
    "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a1\",\"stage\":\"ResponseComplete\","
    "\"verb\":\"create\",\"user\":{\"username\":\"dev\",\"groups\":[\"devs\",\"system:authenticated\"]},"
    "\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\"},"
    "\"requestObject\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"docker.io/library/nginx:1.25\"},"
    "{\"name\":\"b\",\"image\":\"registry.k8s.io/pause:3.9\"}],"
    "\"volumes\":[{\"name\":\"h\",\"hostPath\":{\"path\":\"/etc/kubernetes\"}}]}}}";

/* 1 if cond matches ev, 0 if not, -1 if the rule did not compile (diagnostics printed). */
static int eval(const char *cond, const char *ev_text)
{
    struct th_err err;
    struct th_buf rules;
    int result = -1;
    th_err_init(&err);
    th_buf_init(&rules);
    th_buf_printf(&rules, "- rule: R\n  desc: d\n  condition: '%s'\n  output: o\n  priority: INFO\n  source: %s\n", cond,
                  strstr(ev_text, "auditID") ? "k8s_audit" : "aws_cloudtrail");
    struct th_rule_set *set = th_rules_new();
    th_rules_load_string(set, "ops.yaml", rules.data, &err);
    struct th_ruleset *rs = err.errors ? NULL : th_ruleset_compile(set, NULL, &err);
    if (rs) {
        struct th_eval_ctx *ctx = th_eval_ctx_new(rs);
        struct th_json doc;
        struct th_arena scratch;
        struct th_record rec = {ev_text, strlen(ev_text), {"mem", 1, 0}, TH_SRC_UNKNOWN};
        struct th_event ev = {0};
        const uint32_t *m;
        th_json_init(&doc);
        th_arena_init(&scratch);
        ev.doc = &doc;
        ev.scratch = &scratch;
        ev.cache = th_eval_ctx_cache(ctx);
        if (th_event_decode(&ev, &rec, NULL, NULL, 0) == TH_E_NONE) {
            result = th_eval_event(ctx, &ev, TH_MATCH_ALL, &m) == 1;
        }
        th_json_free(&doc);
        th_arena_free(&scratch);
        th_eval_ctx_free(ctx);
    } else {
        th_err_print(stderr, &err);
    }
    th_ruleset_free(rs);
    th_rules_free(set);
    th_err_free(&err);
    th_buf_free(&rules);
    return result;
}

#define MATCH(cond, ev) TH_CHECK_INT(eval(cond, ev), 1)
#define NO_MATCH(cond, ev) TH_CHECK_INT(eval(cond, ev), 0)
#define INVALID(cond, ev) TH_CHECK_INT(eval(cond, ev), -1)

TH_TEST(test_equality_and_inequality)
{
    MATCH("ct.name = GetObject", CT);
    MATCH("ct.name == GetObject", CT);
    NO_MATCH("ct.name = getobject", CT);
    MATCH("ct.name != PutObject", CT);
    NO_MATCH("ct.name != GetObject", CT);
}

TH_TEST(test_absent_field_is_false_for_every_operator)
{
    NO_MATCH("ct.error = x", CT);
    NO_MATCH("ct.error != x", CT);
    NO_MATCH("ct.error contains x", CT);
    NO_MATCH("ct.error in (x, y)", CT);
    NO_MATCH("ct.error startswith x", CT);
    NO_MATCH("ct.error regex \".*\"", CT);
    NO_MATCH("ct.error exists", CT);
    MATCH("not ct.error exists", CT);
    MATCH("not ct.error = x", CT); /* the negation of false */
}

TH_TEST(test_string_operators)
{
    MATCH("ct.useragent contains \"Python/3\"", CT);
    MATCH("ct.useragent icontains PYTHON", CT);
    NO_MATCH("ct.useragent contains PYTHON", CT);
    MATCH("ct.useragent startswith aws-cli", CT);
    MATCH("ct.user.arn endswith /Svc-Backup", CT);
    MATCH("ct.useragent glob \"aws-cli/*\"", CT);
    NO_MATCH("ct.useragent glob \"AWS-CLI/*\"", CT);
    MATCH("ct.useragent iglob \"AWS-CLI/*\"", CT);
    MATCH("ct.useragent bcontains 507974686f6e", CT); /* "Python" */
    MATCH("ct.useragent bstartswith 6177732d636c69", CT); /* "aws-cli" */
}

TH_TEST(test_regex_is_a_full_match)
{
    MATCH("ct.srcip regex \"203[.]0[.]113[.][0-9]+\"", CT);
    NO_MATCH("ct.srcip regex \"203[.]0\"", CT); /* a prefix is not enough */
    MATCH("ct.srcip regex \"203\\\\.0.*\"", CT); /* a backslash for the regex is written \\ in the condition */
    INVALID("ct.srcip regex \"(unclosed\"", CT);
}

TH_TEST(test_ordering_operators_take_numbers_as_in_falco)
{
    INVALID("ct.region > eu-a", CT); /* libsinsp's grammar: <, <=, >, >= take a number or a field */
    MATCH("ct.region >= val(ct.region)", CT);
    NO_MATCH("ct.region > val(ct.region)", CT);
    NO_MATCH("ct.region < val(ct.useragent)", CT); /* strings compare in byte order: "eu-west-1" < "aws-cli/..." */
    MATCH("ct.useragent < val(ct.region)", CT);
}

TH_TEST(test_numbers_compare_numerically)
{
    MATCH("s3.bytes = 1500", CT);
    MATCH("s3.bytes > 999", CT); /* as text "1500" > "999" would be false */
    MATCH("s3.bytes in (10, 1500)", CT);
    NO_MATCH("s3.bytes < 1500", CT);
    INVALID("s3.bytes = lots", CT);
    INVALID("s3.bytes = -1", CT);
    INVALID("s3.bytes contains 1", CT);
}

TH_TEST(test_in_and_intersects_on_scalars)
{
    MATCH("ct.name in (PutObject, GetObject)", CT);
    NO_MATCH("ct.name in (PutObject, DeleteObject)", CT);
    MATCH("ct.name intersects (GetObject)", CT);
}

TH_TEST(test_list_fields_in_means_every_element_and_intersects_means_any)
{
    MATCH("ka.user.groups intersects (devs, admins)", KA);
    NO_MATCH("ka.user.groups in (devs, admins)", KA);
    MATCH("ka.user.groups in (devs, system:authenticated, admins)", KA);
    MATCH("ka.user.groups exists", KA);
    INVALID("ka.user.groups contains devs", KA);
    MATCH("ka.req.pod.containers.image[1] = \"registry.k8s.io/pause:3.9\"", KA);
}

TH_TEST(test_pmatch_matches_whole_path_prefixes)
{
    MATCH("ka.req.pod.volumes.hostpath intersects (/etc/kubernetes)", KA);
    MATCH("json.value[/requestObject/spec/volumes/0/hostPath/path] pmatch (/etc)", KA);
    MATCH("json.value[/requestObject/spec/volumes/0/hostPath/path] pmatch (/etc/)", KA);
    MATCH("json.value[/requestObject/spec/volumes/0/hostPath/path] pmatch (/)", KA);
    MATCH("json.value[/requestObject/spec/volumes/0/hostPath/path] pmatch (/var, /etc/kubernetes)", KA);
    NO_MATCH("json.value[/requestObject/spec/volumes/0/hostPath/path] pmatch (/et, /etc/kube)", KA);
    INVALID("json.value[/requestObject/spec/volumes/0/hostPath/path] pmatch /etc", KA); /* takes a list */
}

TH_TEST(test_operator_modifiers)
{
    MATCH("ct.useragent startswith anyof (boto, aws-cli)", CT);
    NO_MATCH("ct.useragent startswith anyof (boto, terraform)", CT);
    MATCH("ct.useragent contains allof (aws, Python)", CT);
    NO_MATCH("ct.useragent contains allof (aws, Ruby)", CT);
    MATCH("ct.useragent contains oneof (aws, Ruby)", CT);
    NO_MATCH("ct.useragent contains oneof (aws, Python)", CT);
    INVALID("s3.bytes = anyof (10, 1500)", CT);
}

TH_TEST(test_transformers)
{
    MATCH("tolower(ct.user) = svc-backup", CT);
    MATCH("toupper(ct.user) = SVC-BACKUP", CT);
    MATCH("basename(s3.key) = c.txt", CT);
    MATCH("len(ct.name) = 9", CT);
    MATCH("len(ka.user.groups) = 2", KA);
    MATCH("b64(ct.request.policy) = hello", CT);
    NO_MATCH("b64(ct.srcip) exists", CT); /* "203.0.113.7" is not base64: absent */
    MATCH("tolower(ct.user) startswith svc-", CT);
}

TH_TEST(test_comparing_two_fields)
{
    MATCH("ct.user.accountid = val(ct.user.accountid)", CT);
    NO_MATCH("ct.user = val(ct.name)", CT);
    MATCH("tolower(ct.user) = tolower(ct.user)", CT);
    NO_MATCH("ct.user = val(ct.error)", CT); /* absent right-hand side */
}

TH_TEST(test_json_pointer_values)
{
    MATCH("json.value[/requestParameters/bucketName] = logs", CT);
    MATCH("json.value[/additionalEventData/bytesTransferredOut] = 1500", CT); /* numbers as JSON text */
    MATCH("jevt.value[/userIdentity/type] = IAMUser", CT);
    NO_MATCH("json.value[/nope] exists", CT);
}

TH_TEST(test_unknown_fields_and_bad_values_do_not_compile)
{
    INVALID("ct.usr = x", CT);
    INVALID("ka.verb = create", CT); /* a k8s field in a CloudTrail rule */
    INVALID("ct.useragent bcontains zz", CT);
}

TH_RUN_TESTS()
