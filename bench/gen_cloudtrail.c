/* gen_cloudtrail.c - seeded generator of realistic CloudTrail records for benchmarks and smoke tests.
 * `gen_cloudtrail --seed N --count N --format ndjson|records-gz --out PATH [--per-file N] [--attack-rate F]`
 * writes `count` records shaped like real ones (userIdentity variants, ~100 API calls in a weighted mix with
 * per-call requestParameters/responseElements, data and management events, ~3% errors, escaped strings and
 * non-ASCII UTF-8) plus a low rate of attack events so rule benchmarks produce detections.
 * ndjson: one record per line. records-gz: a directory of `{"Records":[...]}` files (gzip level 6) named like
 * real CloudTrail keys, `per-file` records each.
 * Invariant: the output depends only on the arguments; the same seed gives the same records byte for byte,
 * in either format (file names use their own random stream). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#include "th_buf.h"

#define ACCT "111122223333"      /* the monitored account */
#define ACCT_SEC "444455556666"  /* security / shared-services account */
#define ACCT_VENDOR "777788889999" /* a SaaS vendor assuming a role in ACCT */
#define START_EPOCH 1714953600LL /* 2024-05-06T00:00:00Z */
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- random numbers (xoshiro256**) */

struct rng {
    uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        r->s[i] = splitmix64(&seed);
    }
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

static uint32_t rng_below(struct rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static bool rng_chance(struct rng *r, double p)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53 < p;
}

static const char *pick_str(struct rng *r, const char *const *v, size_t n)
{
    return v[rng_below(r, (uint32_t)n)];
}
#define PICK(r, arr) pick_str((r), (arr), COUNT(arr))

static void rand_chars(struct rng *r, char *out, size_t n, const char *alphabet)
{
    size_t k = strlen(alphabet);
    for (size_t i = 0; i < n; i++) {
        out[i] = alphabet[rng_below(r, (uint32_t)k)];
    }
    out[n] = 0;
}

static const char UPPER_NUM[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
static const char KEY_CHARS[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char HEX[] = "0123456789abcdef";
static const char ALNUM[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void rand_uuid(struct rng *r, char out[37])
{
    uint64_t a = rng_next(r), b = rng_next(r);
    static const int dash[] = {8, 13, 18, 23};
    int di = 0, bit = 0;
    for (int i = 0; i < 36; i++) {
        if (di < 4 && i == dash[di]) {
            out[i] = '-';
            di++;
            continue;
        }
        uint64_t *src = bit < 64 ? &a : &b;
        out[i] = HEX[(*src >> (bit % 64)) & 15];
        bit += 4;
    }
    out[14] = '4';
    out[19] = HEX[8 + (b & 3)];
    out[36] = 0;
}

/* A stable id for a name (the same in every run): prefix + n chars of [A-Z0-9] from a hash of name. */
static void stable_id(const char *prefix, const char *name, size_t n, char *out, size_t outlen)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = name; *p; p++) {
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    }
    struct rng r;
    rng_seed(&r, h);
    size_t pl = strlen(prefix);
    if (pl + n + 1 > outlen) {
        n = outlen - pl - 1;
    }
    memcpy(out, prefix, pl);
    rand_chars(&r, out + pl, n, UPPER_NUM);
}

/* ---------------------------------------------------------------- JSON writer */

struct jw {
    struct th_buf *b;
    int depth;
    bool comma[32];
};

static void jw_key(struct jw *w, const char *k)
{
    if (w->comma[w->depth]) {
        th_buf_putc(w->b, ',');
    }
    w->comma[w->depth] = true;
    if (k) {
        th_buf_putc(w->b, '"');
        th_buf_json_escape(w->b, k, strlen(k));
        th_buf_append(w->b, "\":", 2);
    }
}

static void jw_str(struct jw *w, const char *k, const char *v)
{
    jw_key(w, k);
    th_buf_putc(w->b, '"');
    th_buf_json_escape(w->b, v, strlen(v));
    th_buf_putc(w->b, '"');
}

static void jw_strf(struct jw *w, const char *k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void jw_strf(struct jw *w, const char *k, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    jw_str(w, k, tmp);
}

/* A string written as raw JSON text (already escaped), for deliberate \u escapes. */
static void jw_raw_str(struct jw *w, const char *k, const char *escaped)
{
    jw_key(w, k);
    th_buf_putc(w->b, '"');
    th_buf_puts(w->b, escaped);
    th_buf_putc(w->b, '"');
}

static void jw_int(struct jw *w, const char *k, long long v)
{
    jw_key(w, k);
    th_buf_printf(w->b, "%lld", v);
}

static void jw_bool(struct jw *w, const char *k, bool v)
{
    jw_key(w, k);
    th_buf_puts(w->b, v ? "true" : "false");
}

static void jw_null(struct jw *w, const char *k)
{
    jw_key(w, k);
    th_buf_puts(w->b, "null");
}

static void jw_open(struct jw *w, const char *k, char c)
{
    jw_key(w, k);
    th_buf_putc(w->b, c);
    w->depth++;
    w->comma[w->depth] = false;
}
static void jw_obj(struct jw *w, const char *k)
{
    jw_open(w, k, '{');
}
static void jw_arr(struct jw *w, const char *k)
{
    jw_open(w, k, '[');
}
static void jw_end(struct jw *w, char c)
{
    w->depth--;
    th_buf_putc(w->b, c);
}
static void jw_eobj(struct jw *w)
{
    jw_end(w, '}');
}
static void jw_earr(struct jw *w)
{
    jw_end(w, ']');
}
static void jw_empty_obj(struct jw *w, const char *k)
{
    jw_obj(w, k);
    jw_eobj(w);
}

/* ---------------------------------------------------------------- time */

static void fmt_iso(int64_t sec, char out[32])
{
    time_t t = (time_t)sec;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "May 6, 2024, 1:02:03 PM" as responseElements dates are written. */
static void fmt_human(int64_t sec, bool comma, char out[40])
{
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)sec;
    struct tm tm;
    gmtime_r(&t, &tm);
    int h12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
    snprintf(out, 40, "%s %d, %d%s %d:%02d:%02d %s", mon[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900, comma ? "," : "",
             h12, tm.tm_min, tm.tm_sec, tm.tm_hour < 12 ? "AM" : "PM");
}

/* ---------------------------------------------------------------- identities */

enum who_class { W_ANY, W_NODE, W_HUMAN, W_SVC, W_READER, W_AWSSERVICE, W_CONSOLE };
enum id_type { ID_IAMUSER, ID_ROLE, ID_ROOT, ID_AWSSERVICE, ID_WEBID };

struct who {
    enum id_type type;
    char principal_id[320];
    char arn[256];
    char key[24];
    const char *account;
    const char *user;        /* IAM user name, or role name for roles */
    const char *role_path;   /* "" or "aws-reserved/sso.amazonaws.com/" ... */
    char session[80];
    const char *invoked_by;  /* service that made the call on the principal's behalf */
    char ip[64];
    const char *ua;
    bool console, mfa, has_session_ctx, imds;
    int64_t session_created;
};

static const char *const UA_CLI[] = {
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-aws exe/x86_64.ubuntu.22 prompt/off command/s3.cp",
    "aws-cli/2.15.40 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off command/ec2.describe-instances",
    "aws-cli/2.13.2 Python/3.11.4 Windows/10 exe/AMD64 prompt/off command/sts.get-caller-identity",
    ("aws-cli/1.32.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.15.0-1057-aws md/arch#x86_64 lang/python#3.10.12 "
     "md/pyimpl#CPython cfg/retry-mode#legacy botocore/1.34.69"),
};
static const char *const UA_SDK[] = {
    ("Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.210-201.852.amzn2.x86_64 md/arch#x86_64 "
     "lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69"),
    "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/s3#1.51.1",
    ("aws-sdk-java/2.25.11 Linux/5.10.210-201.852.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+8-LTS Java/17.0.10 "
     "vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/standard"),
    "aws-sdk-js/3.540.0 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 lang/js md/nodejs#20.11.1 api/dynamodb#3.540.0",
};
static const char *const UA_TF[] = {
    ("APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.41.0 "
     "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.25.3 ua/2.0 os/linux lang/go#1.21.8 "
     "md/GOOS#linux md/GOARCH#amd64 api/ec2#1.149.3"),
    ("APN/1.0 HashiCorp/1.0 Terraform/1.6.6 (+https://www.terraform.io) terraform-provider-aws/5.31.0 "
     "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.49.13 (go1.21.5; linux; amd64)"),
};
static const char *const UA_NODE[] = {
    "kubernetes/v1.29.1-eks-b9c9ed7 aws-sdk-go/1.48.14 (go1.21.6; linux; amd64)",
    "aws-sdk-go/1.50.38 (go1.21.8; linux; amd64) amazon-ssm-agent/3.3.131.0",
    "ecr-credential-provider/v1.29.0 aws-sdk-go/1.48.14 (go1.21.6; linux; amd64)",
    "aws-sdk-go/1.44.327 (go1.20.7; linux; amd64) exec-env/fluent-bit",
};
static const char *const UA_CONSOLE[] = {
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 "
     "Safari/537.36"),
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:124.0) Gecko/20100101 Firefox/124.0",
    "AWS Internal",
    "console.amazonaws.com",
    ("[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.660 Linux/5.10.213-180.866.amzn2int.x86_64 "
     "OpenJDK_64-Bit_Server_VM/25.402-b08 java/1.8.0_402 vendor/Oracle_Corporation cfg/retry-mode/standard]"),
};

static void ip_private(struct rng *r, char *out)
{
    snprintf(out, 64, "10.%u.%u.%u", 20 + rng_below(r, 4), rng_below(r, 256), 1 + rng_below(r, 254));
}
static void ip_doc(struct rng *r, const char *net, char *out)
{
    snprintf(out, 64, "%s.%u", net, 1 + rng_below(r, 254));
}

static void who_iam_user(struct rng *r, struct who *w, const char *name, bool human)
{
    w->type = ID_IAMUSER;
    w->account = ACCT;
    w->user = name;
    stable_id("AIDA", name, 17, w->principal_id, sizeof w->principal_id);
    snprintf(w->arn, sizeof w->arn, "arn:aws:iam::%s:user/%s", ACCT, name);
    if (human && rng_chance(r, 0.3)) {
        w->console = true;
        w->has_session_ctx = true;
        w->mfa = true;
        rand_chars(r, w->key + 4, 16, KEY_CHARS);
        memcpy(w->key, "ASIA", 4);
        w->ua = PICK(r, UA_CONSOLE);
        ip_doc(r, "198.51.100", w->ip);
        return;
    }
    stable_id("AKIA", name, 16, w->key, sizeof w->key);
    w->ua = human ? PICK(r, UA_CLI) : (rng_chance(r, 0.5) ? PICK(r, UA_TF) : PICK(r, UA_SDK));
    if (human || rng_chance(r, 0.5)) {
        ip_doc(r, "198.51.100", w->ip);
    } else {
        ip_private(r, w->ip);
    }
}

static void who_role(struct rng *r, struct who *w, const char *acct, const char *path, const char *role,
                     const char *session)
{
    w->type = ID_ROLE;
    w->account = acct;
    w->user = role;
    w->role_path = path;
    w->has_session_ctx = true;
    snprintf(w->session, sizeof w->session, "%s", session);
    char roleid[32];
    stable_id("AROA", role, 17, roleid, sizeof roleid);
    snprintf(w->principal_id, sizeof w->principal_id, "%s:%s", roleid, session);
    snprintf(w->arn, sizeof w->arn, "arn:aws:sts::%s:assumed-role/%s/%s", acct, role, session);
    memcpy(w->key, "ASIA", 4);
    rand_chars(r, w->key + 4, 16, KEY_CHARS);
}

static void who_sso(struct rng *r, struct who *w)
{
    static const char *const people[] = {"maria.garcia@example.com", "li.wei@example.com", "olivia.smith@example.com",
                                         "ahmed.khan@example.com", "sofia.rossi@example.com"};
    const char *role = rng_chance(r, 0.6) ? "AWSReservedSSO_AdministratorAccess_5b3a7e1c9d2f4a60"
                                          : "AWSReservedSSO_ReadOnlyAccess_0f1e2d3c4b5a6978";
    who_role(r, w, ACCT, "aws-reserved/sso.amazonaws.com/", role, PICK(r, people));
    w->console = rng_chance(r, 0.5);
    w->ua = w->console ? PICK(r, UA_CONSOLE) : PICK(r, UA_CLI);
    ip_doc(r, "198.51.100", w->ip);
}

static void who_node(struct rng *r, struct who *w)
{
    char sess[32] = "i-0";
    rand_chars(r, sess + 3, 16, HEX);
    who_role(r, w, ACCT, "", "eks-prod-nodes-NodeInstanceRole-7QX2M4K9P1ZL", sess);
    w->imds = true;
    w->ua = PICK(r, UA_NODE);
    ip_private(r, w->ip);
}

static void who_lambda(struct rng *r, struct who *w)
{
    static const char *const fns[] = {"orders-processor", "thumbnail-resizer", "invoice-exporter", "slack-notifier"};
    static const char *const roles[] = {"orders-processor-role-x1y2z3", "thumbnail-resizer-role-x1y2z3",
                                        "invoice-exporter-role-x1y2z3", "slack-notifier-role-x1y2z3"};
    uint32_t i = rng_below(r, COUNT(fns));
    who_role(r, w, ACCT, "service-role/", roles[i], fns[i]);
    w->ua = "aws-sdk-nodejs/2.1580.0 linux/v18.19.1 exec-env/AWS_Lambda_nodejs18.x promise";
    ip_doc(r, "192.0.2", w->ip);
}

static void who_github(struct rng *r, struct who *w)
{
    who_role(r, w, ACCT, "", "github-actions-deploy", "GitHubActions");
    w->ua = PICK(r, UA_TF);
    ip_doc(r, "192.0.2", w->ip);
}

static void who_irsa(struct rng *r, struct who *w)
{
    char sess[48];
    snprintf(sess, sizeof sess, "botocore-session-%lld", (long long)(START_EPOCH + rng_below(r, 86400)));
    who_role(r, w, ACCT, "", "payments-api-irsa", sess);
    w->ua = UA_SDK[0];
    ip_private(r, w->ip);
}

static void who_vendor(struct rng *r, struct who *w)
{
    who_role(r, w, ACCT, "", "DatadogIntegrationRole", "DatadogAWSIntegration");
    w->ua = "Datadog/1.0 aws-sdk-go/1.45.2 (go1.21.1; linux; amd64)";
    ip_doc(r, "192.0.2", w->ip);
}

static void who_service_linked(struct rng *r, struct who *w)
{
    static const struct {
        const char *svc, *path, *role, *session;
    } s[] = {
        {"config.amazonaws.com", "aws-service-role/config.amazonaws.com/", "AWSServiceRoleForConfig",
         "AWSConfig-Describe"},
        {"inspector2.amazonaws.com", "aws-service-role/inspector2.amazonaws.com/", "AWSServiceRoleForAmazonInspector2",
         "MandoService2842426183934887787"},
        {"guardduty.amazonaws.com", "aws-service-role/guardduty.amazonaws.com/", "AWSServiceRoleForAmazonGuardDuty",
         "GuardDutyServiceSession"},
        {"autoscaling.amazonaws.com", "aws-service-role/autoscaling.amazonaws.com/", "AWSServiceRoleForAutoScaling",
         "AutoScaling"},
    };
    uint32_t i = rng_below(r, COUNT(s));
    who_role(r, w, ACCT, s[i].path, s[i].role, s[i].session);
    w->invoked_by = s[i].svc;
    snprintf(w->ip, sizeof w->ip, "%s", s[i].svc);
    w->ua = s[i].svc;
}

static void who_aws_service(struct rng *r, struct who *w)
{
    static const char *const svcs[] = {"lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com",
                                       "eks.amazonaws.com", "cloudtrail.amazonaws.com"};
    w->type = ID_AWSSERVICE;
    w->invoked_by = PICK(r, svcs);
    w->account = ACCT;
    snprintf(w->ip, sizeof w->ip, "%s", w->invoked_by);
    w->ua = w->invoked_by;
}

static void who_human(struct rng *r, struct who *w)
{
    static const char *const users[] = {"alice", "bob.martin"};
    if (rng_chance(r, 0.4)) {
        who_iam_user(r, w, PICK(r, users), true);
    } else {
        who_sso(r, w);
    }
}

static void who_pick(struct rng *r, enum who_class c, struct who *w)
{
    static const char *const bots[] = {"deploy-bot", "ci-runner", "backup-svc", "legacy-reporting"};
    uint32_t x = rng_below(r, 100);
    switch (c) {
    case W_HUMAN: who_human(r, w); return;
    case W_SVC: who_service_linked(r, w); return;
    case W_AWSSERVICE: who_aws_service(r, w); return;
    case W_CONSOLE: who_sso(r, w); w->console = true; w->ua = PICK(r, UA_CONSOLE); return;
    case W_NODE:
        if (x < 70) { who_node(r, w); } else if (x < 90) { who_irsa(r, w); } else { who_lambda(r, w); }
        return;
    case W_READER:
        if (x < 35) { who_vendor(r, w); } else if (x < 65) { who_service_linked(r, w); }
        else if (x < 85) { who_human(r, w); } else { who_github(r, w); }
        return;
    case W_ANY:
    default:
        if (x < 12) { who_iam_user(r, w, PICK(r, bots), false); }
        else if (x < 30) { who_human(r, w); }
        else if (x < 52) { who_node(r, w); }
        else if (x < 68) { who_lambda(r, w); }
        else if (x < 74) { who_github(r, w); }
        else if (x < 86) { who_irsa(r, w); }
        else if (x < 92) { who_vendor(r, w); }
        else { who_service_linked(r, w); }
        return;
    }
}

static void emit_session_ctx(struct jw *j, const struct who *w)
{
    char ct[32];
    fmt_iso(w->session_created, ct);
    jw_obj(j, "sessionContext");
    if (w->type == ID_ROLE) {
        jw_obj(j, "sessionIssuer");
        jw_str(j, "type", "Role");
        jw_key(j, "principalId");
        const char *colon = strchr(w->principal_id, ':');
        th_buf_putc(j->b, '"');
        th_buf_append(j->b, w->principal_id, colon ? (size_t)(colon - w->principal_id) : strlen(w->principal_id));
        th_buf_putc(j->b, '"');
        jw_strf(j, "arn", "arn:aws:iam::%s:role/%s%s", w->account, w->role_path ? w->role_path : "", w->user);
        jw_str(j, "accountId", w->account);
        jw_str(j, "userName", w->user);
        jw_eobj(j);
    } else {
        jw_empty_obj(j, "sessionIssuer");
    }
    jw_empty_obj(j, "webIdFederationData");
    jw_obj(j, "attributes");
    jw_str(j, "creationDate", ct);
    jw_str(j, "mfaAuthenticated", w->mfa ? "true" : "false");
    jw_eobj(j);
    if (w->imds) {
        jw_str(j, "ec2RoleDelivery", "2.0");
    }
    jw_eobj(j);
}

static void emit_identity(struct jw *j, const struct who *w)
{
    static const char *const types[] = {"IAMUser", "AssumedRole", "Root", "AWSService", "WebIdentityUser"};
    jw_obj(j, "userIdentity");
    jw_str(j, "type", types[w->type]);
    if (w->type == ID_AWSSERVICE) {
        jw_str(j, "invokedBy", w->invoked_by);
        jw_eobj(j);
        return;
    }
    if (w->type == ID_WEBID) {
        jw_str(j, "principalId", w->principal_id);
        jw_str(j, "userName", w->user);
        jw_str(j, "identityProvider", w->arn);
        jw_eobj(j);
        return;
    }
    jw_str(j, "principalId", w->principal_id);
    jw_str(j, "arn", w->arn);
    jw_str(j, "accountId", w->account);
    if (w->key[0]) {
        jw_str(j, "accessKeyId", w->key);
    }
    if (w->type == ID_IAMUSER || (w->type == ID_ROOT && w->user)) {
        jw_str(j, "userName", w->user);
    }
    if (w->has_session_ctx) {
        emit_session_ctx(j, w);
    }
    if (w->invoked_by) {
        jw_str(j, "invokedBy", w->invoked_by);
    }
    jw_eobj(j);
}

/* ---------------------------------------------------------------- event state */

struct gen;
struct ev;
typedef void (*build_fn)(struct gen *g, struct ev *e, struct jw *j);

enum { F_DATA = 1, F_GLOBAL = 2, F_NOTLS = 4 };

struct api {
    const char *svc; /* "s3" -> eventSource s3.amazonaws.com */
    const char *name;
    unsigned weight; /* per 10000 */
    bool ro;
    enum who_class who;
    build_fn build;
    unsigned flags;
};

struct resource {
    const char *type;
    char arn[320];
    bool acct;
};

struct ev {
    const struct api *api;
    const char *source; /* eventSource override */
    const char *name;   /* eventName override */
    struct who who;
    const char *region;
    int64_t t;
    bool error, ro, data, s3_reqid;
    const char *err_code;
    char err_msg[512];
    const char *event_type;
    struct resource res[3];
    int nres;
    char host[200];
    const char *vpce;
    bool shared; /* cross-account call: has a sharedEventID */
};

struct gen {
    struct rng r;
    int64_t t_ms;
    double attack_rate;
    struct th_buf rec;
    struct th_buf body; /* scratch: the builder's members, written before the record head is known */
};

static void add_res(struct ev *e, const char *type, bool acct, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add_res(struct ev *e, const char *type, bool acct, const char *fmt, ...)
{
    if (e->nres >= 3) {
        return;
    }
    struct resource *r = &e->res[e->nres++];
    r->type = type;
    r->acct = acct;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->arn, sizeof r->arn, fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------- shared vocabulary */

static const char *const BUCKETS[] = {"acme-prod-data-lake", "acme-app-assets", "acme-terraform-state",
                                      "acme-cloudtrail-logs-111122223333", "acme-backups-eu", "acme-ml-datasets"};
static const char *const KEYS[] = {
    "raw/events/2024/05/06/part-00017-3f1c.snappy.parquet",
    "exports/Überweisungen/2024-05/Auszug_März.csv",
    "static/img/logo@2x.png",
    "env:/prod/network/terraform.tfstate",
    "photos/été/IMG_2041.jpg",
    "docs/契約書/contract-v2.pdf",
    "daily/2024-05-05/postgres-orders.dump.gz",
    "models/ranker/v17/weights.bin",
    "reports/Q1 summary (final).xlsx",
};
static const char *const SECRETS[] = {"prod/payments/stripe-api-key", "prod/orders/db-password", "staging/grafana/admin",
                                      "prod/slack/webhook-url"};
static const char *const PARAMS[] = {"/prod/orders/db-host", "/prod/payments/feature-flags", "/eks/prod/cluster-endpoint",
                                     "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"};
static const char *const INSTANCE_TYPES[] = {"t3.medium", "m6i.large", "m6i.xlarge", "c6g.2xlarge", "r6i.large"};

static void rand_res_id(struct rng *r, const char *prefix, char *out, size_t n)
{
    size_t pl = strlen(prefix);
    memcpy(out, prefix, pl);
    rand_chars(r, out + pl, n, HEX);
}

static void kms_key_arn(struct gen *g, const struct ev *e, char *out, size_t outlen)
{
    static const char *const keys[] = {"5e1c7a2b-3d4f-4a60-9b8c-1d2e3f4a5b6c", "0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d",
                                       "c3d2e1f0-a9b8-47c6-b5d4-e3f2a1b0c9d8"};
    snprintf(out, outlen, "arn:aws:kms:%s:%s:key/%s", e->region, ACCT, PICK(&g->r, keys));
}

static void amz_id2(struct rng *r, char out[80])
{
    rand_chars(r, out, 76, B64);
}

/* ---------------------------------------------------------------- builders: sts */

static void b_null(struct gen *g, struct ev *e, struct jw *j)
{
    jw_null(j, "requestParameters");
    jw_null(j, "responseElements");
}

/* The role an AssumeRole call targets. IAM users (long-term keys, no MFA) only assume the non-privileged roles
 * they are meant to: admin-like roles taken that way are what the attack events are for. */
static void role_target(struct gen *g, const struct who *w, char *role, size_t n)
{
    static const char *const roles[] = {"eks-prod-nodes-NodeInstanceRole-7QX2M4K9P1ZL", "orders-processor-role-x1y2z3",
                                        "payments-api-irsa", "DatadogIntegrationRole", "OrganizationAccountAccessRole",
                                        "ecsTaskExecutionRole", "terraform-apply"};
    static const char *const user_roles[] = {"terraform-apply", "ReadOnlyAuditRole", "ecsTaskExecutionRole"};
    const char *pick = w->type == ID_IAMUSER ? PICK(&g->r, user_roles) : PICK(&g->r, roles);
    snprintf(role, n, "%s", pick);
}

static void credentials(struct gen *g, struct ev *e, struct jw *j, const char *role, const char *session)
{
    char key[24] = "ASIA", tok[420], exp[40], rid[32];
    rand_chars(&g->r, key + 4, 16, KEY_CHARS);
    rand_chars(&g->r, tok, 300 + rng_below(&g->r, 100), B64);
    fmt_human(e->t + 3600, true, exp);
    stable_id("AROA", role, 17, rid, sizeof rid);
    jw_obj(j, "responseElements");
    jw_obj(j, "credentials");
    jw_str(j, "accessKeyId", key);
    jw_strf(j, "sessionToken", "IQoJb3JpZ2luX2VjE%s", tok);
    jw_str(j, "expiration", exp);
    jw_eobj(j);
    jw_obj(j, "assumedRoleUser");
    jw_strf(j, "assumedRoleId", "%s:%s", rid, session);
    jw_strf(j, "arn", "arn:aws:sts::%s:assumed-role/%s/%s", ACCT, role, session);
    jw_eobj(j);
    jw_eobj(j);
}

static void b_assume_role(struct gen *g, struct ev *e, struct jw *j)
{
    char role[96], session[64];
    role_target(g, &e->who, role, sizeof role);
    if (e->who.type == ID_AWSSERVICE) {
        rand_res_id(&g->r, "", session, 32);
    } else {
        snprintf(session, sizeof session, "aws-go-sdk-%llu", (unsigned long long)(rng_next(&g->r) % 10000000000000ULL));
    }
    jw_obj(j, "requestParameters");
    jw_strf(j, "roleArn", "arn:aws:iam::%s:role/%s", ACCT, role);
    jw_str(j, "roleSessionName", session);
    if (rng_chance(&g->r, 0.3)) {
        jw_int(j, "durationSeconds", 3600);
    }
    if (strcmp(role, "DatadogIntegrationRole") == 0) {
        jw_str(j, "externalId", "4f3e2d1c0b9a48776655443322110099");
    }
    jw_eobj(j);
    if (e->error) {
        jw_null(j, "responseElements");
    } else {
        credentials(g, e, j, role, session);
    }
    add_res(e, "AWS::IAM::Role", true, "arn:aws:iam::%s:role/%s", ACCT, role);
    e->shared = rng_chance(&g->r, 0.2);
}

static void b_assume_role_webid(struct gen *g, struct ev *e, struct jw *j)
{
    char session[48];
    snprintf(session, sizeof session, "botocore-session-%lld", (long long)(e->t - rng_below(&g->r, 600)));
    struct who *w = &e->who;
    memset(w, 0, sizeof *w);
    w->type = ID_WEBID;
    w->user = "system:serviceaccount:payments:payments-api";
    snprintf(w->arn, sizeof w->arn,
             "arn:aws:iam::%s:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", ACCT);
    snprintf(w->principal_id, sizeof w->principal_id, "%s:sts.amazonaws.com:%s", w->arn, w->user);
    w->ua = UA_SDK[0];
    ip_private(&g->r, w->ip);
    jw_obj(j, "requestParameters");
    jw_strf(j, "roleArn", "arn:aws:iam::%s:role/payments-api-irsa", ACCT);
    jw_str(j, "roleSessionName", session);
    jw_eobj(j);
    if (e->error) {
        jw_null(j, "responseElements");
    } else {
        credentials(g, e, j, "payments-api-irsa", session);
    }
    add_res(e, "AWS::IAM::Role", true, "arn:aws:iam::%s:role/payments-api-irsa", ACCT);
}

/* ---------------------------------------------------------------- builders: s3 */

static void s3_host(struct ev *e, const char *bucket)
{
    snprintf(e->host, sizeof e->host, "%s.s3.%s.amazonaws.com", bucket, e->region);
}

static void s3_additional(struct gen *g, struct jw *j, long long in, long long out)
{
    char id2[80];
    amz_id2(&g->r, id2);
    jw_obj(j, "additionalEventData");
    jw_str(j, "SignatureVersion", "SigV4");
    jw_str(j, "CipherSuite", "TLS_AES_128_GCM_SHA256");
    jw_int(j, "bytesTransferredIn", in);
    jw_str(j, "AuthenticationMethod", "AuthHeader");
    jw_str(j, "x-amz-id-2", id2);
    jw_int(j, "bytesTransferredOut", out);
    jw_eobj(j);
}

static void b_s3_object(struct gen *g, struct ev *e, struct jw *j)
{
    const char *bucket = PICK(&g->r, BUCKETS), *key = PICK(&g->r, KEYS);
    const char *name = e->api->name;
    bool put = strcmp(name, "PutObject") == 0;
    long long size = 200 + rng_below(&g->r, 5000000);
    s3_host(e, bucket);
    e->s3_reqid = true;
    jw_obj(j, "requestParameters");
    jw_str(j, "bucketName", bucket);
    jw_str(j, "Host", e->host);
    jw_str(j, "key", key);
    if (rng_chance(&g->r, 0.3)) {
        jw_str(j, "x-id", name);
    }
    jw_eobj(j);
    if (put && !e->error) {
        char ver[40];
        rand_chars(&g->r, ver, 32, ALNUM);
        jw_obj(j, "responseElements");
        jw_str(j, "x-amz-server-side-encryption", "aws:kms");
        char karn[160];
        kms_key_arn(g, e, karn, sizeof karn);
        jw_str(j, "x-amz-server-side-encryption-aws-kms-key-id", karn);
        jw_str(j, "x-amz-version-id", ver);
        jw_eobj(j);
    } else {
        jw_null(j, "responseElements");
    }
    bool get = strcmp(name, "GetObject") == 0;
    s3_additional(g, j, put ? size : 0, get && !e->error ? size : 0);
    add_res(e, "AWS::S3::Object", false, "arn:aws:s3:::%s/%s", bucket, key);
    add_res(e, "AWS::S3::Bucket", true, "arn:aws:s3:::%s", bucket);
}

static void b_s3_list_objects(struct gen *g, struct ev *e, struct jw *j)
{
    const char *bucket = PICK(&g->r, BUCKETS);
    s3_host(e, bucket);
    e->s3_reqid = true;
    jw_obj(j, "requestParameters");
    jw_str(j, "list-type", "2");
    jw_str(j, "bucketName", bucket);
    jw_str(j, "encoding-type", "url");
    jw_str(j, "max-keys", "1000");
    jw_str(j, "prefix", "raw/events/2024/05/");
    jw_str(j, "delimiter", "/");
    jw_str(j, "Host", e->host);
    jw_eobj(j);
    jw_null(j, "responseElements");
    s3_additional(g, j, 0, 1000 + rng_below(&g->r, 40000));
    add_res(e, "AWS::S3::Bucket", true, "arn:aws:s3:::%s", bucket);
}

static void b_s3_bucket_get(struct gen *g, struct ev *e, struct jw *j)
{
    static const char *const sub[] = {"acl", "location", "policy", "versioning", "encryption", "publicAccessBlock",
                                      "tagging"};
    const char *bucket = PICK(&g->r, BUCKETS);
    s3_host(e, bucket);
    e->s3_reqid = true;
    jw_obj(j, "requestParameters");
    jw_str(j, "bucketName", bucket);
    jw_str(j, "Host", e->host);
    jw_str(j, PICK(&g->r, sub), "");
    jw_eobj(j);
    jw_null(j, "responseElements");
    s3_additional(g, j, 0, 300 + rng_below(&g->r, 1500));
    add_res(e, "AWS::S3::Bucket", true, "arn:aws:s3:::%s", bucket);
}

static void b_s3_list_buckets(struct gen *g, struct ev *e, struct jw *j)
{
    snprintf(e->host, sizeof e->host, "s3.%s.amazonaws.com", e->region);
    e->s3_reqid = true;
    jw_obj(j, "requestParameters");
    jw_str(j, "Host", e->host);
    jw_eobj(j);
    jw_null(j, "responseElements");
    s3_additional(g, j, 0, 6322);
}

static void b_s3_put_tagging(struct gen *g, struct ev *e, struct jw *j)
{
    const char *bucket = PICK(&g->r, BUCKETS);
    s3_host(e, bucket);
    e->s3_reqid = true;
    jw_obj(j, "requestParameters");
    jw_str(j, "bucketName", bucket);
    jw_str(j, "Host", e->host);
    jw_obj(j, "Tagging");
    jw_str(j, "xmlns", "http://s3.amazonaws.com/doc/2006-03-01/");
    jw_obj(j, "TagSet");
    jw_arr(j, "Tag");
    jw_obj(j, NULL);
    jw_str(j, "Value", "Équipe données");
    jw_str(j, "Key", "owner");
    jw_eobj(j);
    jw_obj(j, NULL);
    jw_str(j, "Value", "prod");
    jw_str(j, "Key", "env");
    jw_eobj(j);
    jw_earr(j);
    jw_eobj(j);
    jw_eobj(j);
    jw_str(j, "tagging", "");
    jw_eobj(j);
    jw_null(j, "responseElements");
    s3_additional(g, j, 180, 0);
    add_res(e, "AWS::S3::Bucket", true, "arn:aws:s3:::%s", bucket);
}

/* ---------------------------------------------------------------- builders: kms */

static void b_kms_crypto(struct gen *g, struct ev *e, struct jw *j)
{
    char karn[160];
    kms_key_arn(g, e, karn, sizeof karn);
    const char *name = e->api->name;
    jw_obj(j, "requestParameters");
    if (strcmp(name, "Decrypt") != 0) {
        jw_str(j, "keyId", karn);
    }
    if (strcmp(name, "GenerateDataKey") == 0) {
        jw_str(j, "keySpec", "AES_256");
    }
    jw_str(j, "encryptionAlgorithm", "SYMMETRIC_DEFAULT");
    jw_obj(j, "encryptionContext");
    uint32_t k = rng_below(&g->r, 3);
    if (k == 0) {
        jw_strf(j, "aws:s3:arn", "arn:aws:s3:::%s/%s", PICK(&g->r, BUCKETS), PICK(&g->r, KEYS));
    } else if (k == 1) {
        jw_strf(j, "SecretARN", "arn:aws:secretsmanager:%s:%s:secret:%s-AbCdEf", e->region, ACCT,
                PICK(&g->r, SECRETS));
        jw_str(j, "SecretVersionId", "B2617553-D7AD-4E0A-B780-1FEE2DE64093");
    } else {
        jw_strf(j, "aws:lambda:FunctionArn", "arn:aws:lambda:%s:%s:function:orders-processor", e->region, ACCT);
    }
    jw_eobj(j);
    jw_eobj(j);
    jw_null(j, "responseElements");
    add_res(e, "AWS::KMS::Key", true, "%s", karn);
}

static void b_kms_describe_key(struct gen *g, struct ev *e, struct jw *j)
{
    jw_obj(j, "requestParameters");
    jw_str(j, "keyId", rng_chance(&g->r, 0.5) ? "alias/aws/s3" : "alias/acme-prod-data");
    jw_eobj(j);
    jw_null(j, "responseElements");
}

/* ---------------------------------------------------------------- builders: ec2 */

static void ec2_filter(struct jw *j, const char *name, const char *value)
{
    jw_obj(j, "filterSet");
    jw_arr(j, "items");
    jw_obj(j, NULL);
    jw_str(j, "name", name);
    jw_obj(j, "valueSet");
    jw_arr(j, "items");
    jw_obj(j, NULL);
    jw_str(j, "value", value);
    jw_eobj(j);
    jw_earr(j);
    jw_eobj(j);
    jw_eobj(j);
    jw_earr(j);
    jw_eobj(j);
}

static void ec2_id_set(struct jw *j, const char *set, const char *key, const char *id)
{
    jw_obj(j, set);
    jw_arr(j, "items");
    jw_obj(j, NULL);
    jw_str(j, key, id);
    jw_eobj(j);
    jw_earr(j);
    jw_eobj(j);
}

static void b_ec2_describe(struct gen *g, struct ev *e, struct jw *j)
{
    const char *n = e->api->name + strlen("Describe");
    char id[40];
    jw_obj(j, "requestParameters");
    if (strcmp(n, "Instances") == 0 || strcmp(n, "InstanceStatus") == 0) {
        rand_res_id(&g->r, "i-0", id, 16);
        ec2_id_set(j, "instancesSet", "instanceId", id);
        if (rng_chance(&g->r, 0.5)) {
            ec2_filter(j, "instance-state-name", "running");
        } else {
            jw_empty_obj(j, "filterSet");
        }
    } else if (strcmp(n, "SecurityGroups") == 0) {
        rand_res_id(&g->r, "sg-0", id, 16);
        jw_empty_obj(j, "securityGroupSet");
        ec2_id_set(j, "securityGroupIdSet", "groupId", id);
        jw_empty_obj(j, "filterSet");
    } else if (strcmp(n, "Subnets") == 0 || strcmp(n, "RouteTables") == 0 || strcmp(n, "Vpcs") == 0) {
        rand_res_id(&g->r, "vpc-0", id, 16);
        ec2_filter(j, "vpc-id", id);
    } else if (strcmp(n, "NetworkInterfaces") == 0 || strcmp(n, "Tags") == 0 || strcmp(n, "Volumes") == 0) {
        rand_res_id(&g->r, "i-0", id, 16);
        ec2_filter(j, n[0] == 'T' ? "resource-id" : "attachment.instance-id", id);
        jw_int(j, "maxResults", 1000);
    } else if (strcmp(n, "Images") == 0) {
        rand_res_id(&g->r, "ami-0", id, 16);
        jw_empty_obj(j, "executableBySet");
        ec2_id_set(j, "imagesSet", "imageId", id);
        jw_empty_obj(j, "ownersSet");
        jw_bool(j, "includeDeprecated", false);
        jw_empty_obj(j, "filterSet");
    } else if (strcmp(n, "AccountAttributes") == 0) {
        ec2_id_set(j, "accountAttributeNameSet", "attributeName", "supported-platforms");
        jw_empty_obj(j, "filterSet");
    } else {
        jw_empty_obj(j, "availabilityZoneSet");
        jw_empty_obj(j, "availabilityZoneIdSet");
    }
    jw_eobj(j);
    jw_null(j, "responseElements");
}

static void tag_spec(struct jw *j, const char *type, const char *name)
{
    jw_obj(j, "tagSpecificationSet");
    jw_arr(j, "items");
    jw_obj(j, NULL);
    jw_str(j, "resourceType", type);
    jw_arr(j, "tags");
    jw_obj(j, NULL);
    jw_str(j, "key", "Name");
    jw_str(j, "value", name);
    jw_eobj(j);
    jw_obj(j, NULL);
    jw_str(j, "key", "team");
    jw_str(j, "value", "plateforme-données");
    jw_eobj(j);
    jw_earr(j);
    jw_eobj(j);
    jw_earr(j);
    jw_eobj(j);
}

static void run_instances(struct gen *g, struct ev *e, struct jw *j, const char *itype, int count, const char *name)
{
    char ami[32], rid[32], sub[32], sg[32];
    rand_res_id(&g->r, "ami-0", ami, 16);
    rand_res_id(&g->r, "r-0", rid, 16);
    rand_res_id(&g->r, "subnet-0", sub, 16);
    rand_res_id(&g->r, "sg-0", sg, 16);
    jw_obj(j, "requestParameters");
    ec2_id_set(j, "instancesSet", "imageId", ami);
    jw_str(j, "instanceType", itype);
    jw_empty_obj(j, "blockDeviceMapping");
    jw_obj(j, "monitoring");
    jw_bool(j, "enabled", false);
    jw_eobj(j);
    jw_bool(j, "disableApiTermination", false);
    jw_str(j, "subnetId", sub);
    jw_str(j, "clientToken", "terraform-20240506102233445500000001");
    tag_spec(j, "instance", name);
    jw_obj(j, "metadataOptions");
    jw_str(j, "httpTokens", "required");
    jw_int(j, "httpPutResponseHopLimit", 2);
    jw_eobj(j);
    jw_eobj(j);
    if (e->error) {
        jw_null(j, "responseElements");
        return;
    }
    jw_obj(j, "responseElements");
    jw_str(j, "requestId", "1b4c9f0e-8d7a-4b3c-a2e1-0f9e8d7c6b5a");
    jw_str(j, "reservationId", rid);
    jw_str(j, "ownerId", ACCT);
    jw_empty_obj(j, "groupSet");
    jw_obj(j, "instancesSet");
    jw_arr(j, "items");
    for (int i = 0; i < count; i++) {
        char iid[32], ip[64];
        rand_res_id(&g->r, "i-0", iid, 16);
        ip_private(&g->r, ip);
        jw_obj(j, NULL);
        jw_str(j, "instanceId", iid);
        jw_str(j, "imageId", ami);
        jw_obj(j, "instanceState");
        jw_int(j, "code", 0);
        jw_str(j, "name", "pending");
        jw_eobj(j);
        jw_str(j, "privateDnsName", "ip-10-20-3-17.ec2.internal");
        jw_int(j, "amiLaunchIndex", i);
        jw_str(j, "instanceType", itype);
        jw_int(j, "launchTime", (long long)e->t * 1000);
        jw_obj(j, "placement");
        jw_strf(j, "availabilityZone", "%sa", e->region);
        jw_str(j, "tenancy", "default");
        jw_eobj(j);
        jw_str(j, "subnetId", sub);
        jw_str(j, "privateIpAddress", ip);
        jw_str(j, "architecture", "x86_64");
        jw_str(j, "rootDeviceType", "ebs");
        jw_str(j, "hypervisor", "xen");
        jw_obj(j, "groupSet");
        jw_arr(j, "items");
        jw_obj(j, NULL);
        jw_str(j, "groupId", sg);
        jw_str(j, "groupName", "default");
        jw_eobj(j);
        jw_earr(j);
        jw_eobj(j);
        jw_eobj(j);
    }
    jw_earr(j);
    jw_eobj(j);
    jw_eobj(j);
}

static void b_ec2_run_instances(struct gen *g, struct ev *e, struct jw *j)
{
    run_instances(g, e, j, PICK(&g->r, INSTANCE_TYPES), 1, "orders-worker");
}

static void b_ec2_instance_state(struct gen *g, struct ev *e, struct jw *j)
{
    char iid[32];
    rand_res_id(&g->r, "i-0", iid, 16);
    jw_obj(j, "requestParameters");
    ec2_id_set(j, "instancesSet", "instanceId", iid);
    jw_eobj(j);
    if (e->error) {
        jw_null(j, "responseElements");
        return;
    }
    bool start = strcmp(e->api->name, "StartInstances") == 0;
    jw_obj(j, "responseElements");
    jw_str(j, "requestId", "6c1f2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b");
    jw_obj(j, "instancesSet");
    jw_arr(j, "items");
    jw_obj(j, NULL);
    jw_str(j, "instanceId", iid);
    jw_obj(j, "currentState");
    jw_int(j, "code", start ? 0 : 64);
    jw_str(j, "name", start ? "pending" : "stopping");
    jw_eobj(j);
    jw_obj(j, "previousState");
    jw_int(j, "code", start ? 80 : 16);
    jw_str(j, "name", start ? "stopped" : "running");
    jw_eobj(j);
    jw_eobj(j);
    jw_earr(j);
    jw_eobj(j);
    jw_eobj(j);
}

static void b_ec2_create_tags(struct gen *g, struct ev *e, struct jw *j)
{
    char iid[32];
    rand_res_id(&g->r, "i-0", iid, 16);
    jw_obj(j, "requestParameters");
    ec2_id_set(j, "resourcesSet", "resourceId", iid);
    jw_obj(j, "tagSet");
    jw_arr(j, "items");
    jw_obj(j, NULL);
    jw_str(j, "key", "kubernetes.io/cluster/prod");
    jw_str(j, "value", "owned");
    jw_eobj(j);
    jw_earr(j);
    jw_eobj(j);
    jw_eobj(j);
    if (e->error) {
        jw_null(j, "responseElements");
        return;
    }
    jw_obj(j, "responseElements");
    jw_str(j, "requestId", "0d1e2f3a-4b5c-4d6e-8f70-a1b2c3d4e5f6");
    jw_bool(j, "_return", true);
    jw_eobj(j);
}

static void b_ec2_eni(struct gen *g, struct ev *e, struct jw *j)
{
    char eni[32], sub[32];
    rand_res_id(&g->r, "eni-0", eni, 16);
    rand_res_id(&g->r, "subnet-0", sub, 16);
    jw_obj(j, "requestParameters");
    if (strcmp(e->api->name, "CreateNetworkInterface") == 0) {
        jw_str(j, "subnetId", sub);
        jw_str(j, "description", "aws-K8S-i-0a1b2c3d4e5f60718");
        ec2_id_set(j, "groupSet", "groupId", "sg-0f1e2d3c4b5a69788");
        tag_spec(j, "network-interface", "aws-K8S-i-0a1b2c3d4e5f60718");
    } else {
        jw_str(j, "networkInterfaceId", eni);
    }
    jw_eobj(j);
    if (e->error) {
        jw_null(j, "responseElements");
        return;
    }
    jw_obj(j, "responseElements");
    jw_str(j, "requestId", "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d");
    jw_bool(j, "_return", true);
    jw_eobj(j);
}

/* ---------------------------------------------------------------- builders: iam */

static void b_iam_read(struct gen *g, struct ev *e, struct jw *j)
{
    static const char *const roles[] = {"payments-api-irsa", "eks-prod-nodes-NodeInstanceRole-7QX2M4K9P1ZL",
                                        "github-actions-deploy", "OrganizationAccountAccessRole"};
    const char *n = e->api->name;
    if (strncmp(n, "List", 4) == 0 && strstr(n, "Role") == NULL) {
        jw_obj(j, "requestParameters");
        jw_int(j, "maxItems", 100);
        jw_eobj(j);
    } else if (strstr(n, "Policy") && strstr(n, "Role") == NULL) {
        jw_obj(j, "requestParameters");
        jw_strf(j, "policyArn", "arn:aws:iam::%s:policy/acme-s3-read", ACCT);
        if (strcmp(n, "GetPolicyVersion") == 0) {
            jw_str(j, "versionId", "v3");
        }
        jw_eobj(j);
    } else if (strcmp(n, "GetUser") == 0) {
        jw_obj(j, "requestParameters");
        jw_str(j, "userName", "alice");
        jw_eobj(j);
    } else {
        jw_obj(j, "requestParameters");
        jw_str(j, "roleName", PICK(&g->r, roles));
        jw_eobj(j);
    }
    jw_null(j, "responseElements");
}

static const char ASSUME_POLICY[] =
    "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": "
    "{\n        \"Service\": \"lambda.amazonaws.com\"\n      },\n      \"Action\": \"sts:AssumeRole\"\n    }\n  ]\n}";

static void b_iam_create_role(struct gen *g, struct ev *e, struct jw *j)
{
    char role[64];
    snprintf(role, sizeof role, "etl-job-%u-role", rng_below(&g->r, 1000));
    jw_obj(j, "requestParameters");
    jw_str(j, "roleName", role);
    jw_str(j, "assumeRolePolicyDocument", ASSUME_POLICY);
    jw_raw_str(j, "description", "R\\u00f4le d'ex\\u00e9cution ETL \\u2013 managed by Terraform");
    jw_eobj(j);
    if (e->error) {
        jw_null(j, "responseElements");
        return;
    }
    char when[40], rid[32];
    fmt_human(e->t, false, when);
    stable_id("AROA", role, 17, rid, sizeof rid);
    jw_obj(j, "responseElements");
    jw_obj(j, "role");
    jw_str(j, "path", "/");
    jw_str(j, "roleName", role);
    jw_str(j, "roleId", rid);
    jw_strf(j, "arn", "arn:aws:iam::%s:role/%s", ACCT, role);
    jw_str(j, "createDate", when);
    jw_str(j, "assumeRolePolicyDocument", "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22"
                                          "%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com"
                                          "%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D");
    jw_eobj(j);
    jw_eobj(j);
}

static void b_iam_put_role_policy(struct gen *g, struct ev *e, struct jw *j)
{
    jw_obj(j, "requestParameters");
    jw_str(j, "roleName", "orders-processor-role-x1y2z3");
    jw_str(j, "policyName", "orders-s3-access");
    jw_str(j, "policyDocument", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
                                "[\"s3:GetObject\",\"s3:PutObject\"],\"Resource\":\"arn:aws:s3:::acme-prod-data-lake/*\"}]}");
    jw_eobj(j);
    jw_null(j, "responseElements");
}

/* ---------------------------------------------------------------- builders: lambda, logs, monitoring */

static void b_lambda_invoke(struct gen *g, struct ev *e, struct jw *j)
{
    static const char *const fns[] = {"orders-processor", "thumbnail-resizer", "invoice-exporter", "slack-notifier"};
    const char *fn = PICK(&g->r, fns);
    jw_obj(j, "requestParameters");
    jw_strf(j, "functionName", "arn:aws:lambda:%s:%s:function:%s", e->region, ACCT, fn);
    jw_str(j, "invocationType", rng_chance(&g->r, 0.5) ? "Event" : "RequestResponse");
    jw_str(j, "logType", "None");
    jw_eobj(j);
    jw_null(j, "responseElements");
    jw_obj(j, "additionalEventData");
    jw_str(j, "functionVersion", "$LATEST");
    jw_eobj(j);
    add_res(e, "AWS::Lambda::Function", true, "arn:aws:lambda:%s:%s:function:%s", e->region, ACCT, fn);
}

static void b_lambda_get(struct gen *g, struct ev *e, struct jw *j)
{
    jw_obj(j, "requestParameters");
    if (strncmp(e->api->name, "List", 4) == 0) {
        jw_str(j, "maxItems", "50");
    } else {
        jw_str(j, "functionName", "orders-processor");
    }
    jw_eobj(j);
    jw_null(j, "responseElements");
}

static void b_logs_create_stream(struct gen *g, struct ev *e, struct jw *j)
{
    static const char *const groups[] = {"/aws/lambda/orders-processor", "/aws/eks/prod/cluster",
                                         "/aws/containerinsights/prod/application", "/ecs/payments-api"};
    char stream[96], id[40];
    rand_uuid(&g->r, id);
    snprintf(stream, sizeof stream, "2024/05/06/[$LATEST]%.32s", id);
    jw_obj(j, "requestParameters");
    jw_str(j, "logGroupName", PICK(&g->r, groups));
    jw_str(j, "logStreamName", stream);
    jw_eobj(j);
    jw_null(j, "responseElements");
}

static void b_logs_describe(struct gen *g, struct ev *e, struct jw *j)
{
    jw_obj(j, "requestParameters");
    jw_str(j, "logGroupNamePrefix", "/aws/lambda/");
    jw_int(j, "limit", 50);
    jw_eobj(j);
    jw_null(j, "responseElements");
}

static void b_cw_metric_data(struct gen *g, struct ev *e, struct jw *j)
{
    char start[32], end[32];
    fmt_iso(e->t - 600, start);
    fmt_iso(e->t, end);
    jw_obj(j, "requestParameters");
    jw_arr(j, "metricDataQueries");
    jw_obj(j, NULL);
    jw_str(j, "id", "m1");
    jw_obj(j, "metricStat");
    jw_obj(j, "metric");
    jw_str(j, "namespace", "AWS/EC2");
    jw_str(j, "metricName", "CPUUtilization");
    jw_arr(j, "dimensions");
    jw_obj(j, NULL);
    jw_str(j, "name", "AutoScalingGroupName");
    jw_str(j, "value", "eks-prod-nodes-2024041512");
    jw_eobj(j);
    jw_earr(j);
    jw_eobj(j);
    jw_int(j, "period", 60);
    jw_str(j, "stat", "Average");
    jw_eobj(j);
    jw_bool(j, "returnData", true);
    jw_eobj(j);
    jw_earr(j);
    jw_str(j, "startTime", start);
    jw_str(j, "endTime", end);
    jw_eobj(j);
    jw_null(j, "responseElements");
}

static void b_cw_alarms(struct gen *g, struct ev *e, struct jw *j)
{
    jw_obj(j, "requestParameters");
    jw_arr(j, "alarmTypes");
    jw_str(j, NULL, "CompositeAlarm");
    jw_str(j, NULL, "MetricAlarm");
    jw_earr(j);
    jw_int(j, "maxRecords", 100);
    jw_eobj(j);
    jw_null(j, "responseElements");
}

/* ---------------------------------------------------------------- builders: ssm, secrets, ecr, eks, misc */

static void b_ssm_param(struct gen *g, struct ev *e, struct jw *j)
{
    const char *n = e->api->name;
    jw_obj(j, "requestParameters");
    if (strcmp(n, "GetParameters") == 0) {
        jw_arr(j, "names");
        jw_str(j, NULL, PARAMS[0]);
        jw_str(j, NULL, PARAMS[1]);
        jw_earr(j);
    } else if (strcmp(n, "GetParametersByPath") == 0) {
        jw_str(j, "path", "/prod/orders/");
        jw_bool(j, "recursive", true);
    } else if (strcmp(n, "PutParameter") == 0) {
        jw_str(j, "name", "/prod/payments/feature-flags");
        jw_str(j, "type", "String");
        jw_str(j, "description", "Drapeaux de fonctionnalité – paiements");
        jw_bool(j, "overwrite", true);
    } else {
        jw_str(j, "name", PICK(&g->r, PARAMS));
    }
    jw_bool(j, "withDecryption", rng_chance(&g->r, 0.5));
    jw_eobj(j);
    if (strcmp(n, "PutParameter") == 0 && !e->error) {
        jw_obj(j, "responseElements");
        jw_str(j, "tier", "Standard");
        jw_int(j, "version", 1 + rng_below(&g->r, 40));
        jw_eobj(j);
    } else {
        jw_null(j, "responseElements");
    }
}

static void b_ssm_instance(struct gen *g, struct ev *e, struct jw *j)
{
    char iid[32], ip[64];
    rand_res_id(&g->r, "i-0", iid, 16);
    ip_private(&g->r, ip);
    jw_obj(j, "requestParameters");
    if (strcmp(e->api->name, "UpdateInstanceInformation") == 0) {
        jw_str(j, "instanceId", iid);
        jw_str(j, "agentVersion", "3.3.131.0");
        jw_str(j, "agentName", "amazon-ssm-agent");
        jw_str(j, "platformType", "Linux");
        jw_str(j, "platformName", "Amazon Linux");
        jw_str(j, "platformVersion", "2023");
        jw_str(j, "iPAddress", ip);
        jw_str(j, "computerName", "ip-10-20-3-17.ec2.internal");
        jw_str(j, "agentStatus", "Active");
        jw_str(j, "availabilityZone", "us-east-1b");
        jw_str(j, "availabilityZoneId", "use1-az2");
    } else {
        jw_int(j, "maxResults", 50);
        jw_arr(j, "filters");
        jw_obj(j, NULL);
        jw_str(j, "key", "InstanceIds");
        jw_arr(j, "values");
        jw_str(j, NULL, iid);
        jw_earr(j);
        jw_eobj(j);
        jw_earr(j);
    }
    jw_eobj(j);
    jw_null(j, "responseElements");
}

static void b_secret(struct gen *g, struct ev *e, struct jw *j)
{
    jw_obj(j, "requestParameters");
    if (strcmp(e->api->name, "ListSecrets") == 0) {
        jw_int(j, "maxResults", 100);
    } else {
        jw_strf(j, "secretId", "arn:aws:secretsmanager:%s:%s:secret:%s-AbCdEf", e->region, ACCT, PICK(&g->r, SECRETS));
    }
    jw_eobj(j);
    jw_null(j, "responseElements");
}

static void b_ecr(struct gen *g, struct ev *e, struct jw *j)
{
    static const char *const repos[] = {"payments-api", "orders-worker", "platform/fluent-bit", "platform/nginx"};
    const char *n = e->api->name;
    if (strcmp(n, "GetAuthorizationToken") == 0) {
        jw_obj(j, "requestParameters");
        jw_arr(j, "registryIds");
        jw_str(j, NULL, ACCT);
        jw_earr(j);
        jw_eobj(j);
        jw_null(j, "responseElements");
        return;
    }
    const char *repo = PICK(&g->r, repos);
    char digest[80] = "sha256:";
    rand_chars(&g->r, digest + 7, 64, HEX);
    jw_obj(j, "requestParameters");
    jw_str(j, "registryId", ACCT);
    jw_str(j, "repositoryName", repo);
    if (strcmp(n, "BatchGetImage") == 0) {
        jw_arr(j, "imageIds");
        jw_obj(j, NULL);
        jw_str(j, "imageTag", "v2024.05.03-1");
        jw_eobj(j);
        jw_earr(j);
        jw_arr(j, "acceptedMediaTypes");
        jw_str(j, NULL, "application/vnd.docker.distribution.manifest.v2+json");
        jw_str(j, NULL, "application/vnd.oci.image.manifest.v1+json");
        jw_earr(j);
    } else {
        jw_str(j, "layerDigest", digest);
    }
    jw_eobj(j);
    jw_null(j, "responseElements");
    add_res(e, "AWS::ECR::Repository", true, "arn:aws:ecr:%s:%s:repository/%s", e->region, ACCT, repo);
}

static void b_named(struct gen *g, struct ev *e, struct jw *j)
{
    /* calls whose parameters are one resource name */
    static const struct {
        const char *api, *key, *val;
    } m[] = {
        {"DescribeCluster", "name", "prod"},
        {"DescribeNodegroup", "nodegroupName", "prod-nodes-2024041512"},
        {"DescribeTable", "tableName", "orders"},
        {"DescribeStacks", "stackName", "payments-prod"},
        {"DescribeStackEvents", "stackName", "payments-prod"},
        {"DescribeTargetHealth", "targetGroupArn",
         "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/k8s-payments-api/6d0ecf831eec9f09"},
        {"DescribeDBInstances", "dBInstanceIdentifier", "orders-db-1"},
        {"DescribeDBClusters", "dBClusterIdentifier", "orders-aurora"},
        {"GetTrailStatus", "name", "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail"},
        {"DescribeAutoScalingGroups", "maxRecords", "100"},
        {"DescribeConfigRules", "nextToken", ""},
    };
    for (size_t i = 0; i < COUNT(m); i++) {
        if (strcmp(m[i].api, e->api->name) == 0) {
            jw_obj(j, "requestParameters");
            jw_str(j, m[i].key, m[i].val);
            jw_eobj(j);
            jw_null(j, "responseElements");
            return;
        }
    }
    if (rng_chance(&g->r, 0.5)) {
        jw_null(j, "requestParameters");
    } else {
        jw_empty_obj(j, "requestParameters");
    }
    jw_null(j, "responseElements");
}

static void b_config_eval(struct gen *g, struct ev *e, struct jw *j)
{
    char when[32], iid[32];
    fmt_iso(e->t - 30, when);
    rand_res_id(&g->r, "i-0", iid, 16);
    jw_obj(j, "requestParameters");
    jw_arr(j, "evaluations");
    jw_obj(j, NULL);
    jw_str(j, "complianceResourceType", "AWS::EC2::Instance");
    jw_str(j, "complianceResourceId", iid);
    jw_str(j, "complianceType", rng_chance(&g->r, 0.8) ? "COMPLIANT" : "NON_COMPLIANT");
    jw_str(j, "orderingTimestamp", when);
    jw_eobj(j);
    jw_earr(j);
    jw_str(j, "resultToken", "eyJyZXN1bHRUb2tlbiI6ImV4YW1wbGUifQ==");
    jw_bool(j, "testMode", false);
    jw_eobj(j);
    jw_obj(j, "responseElements");
    jw_arr(j, "failedEvaluations");
    jw_earr(j);
    jw_eobj(j);
}

static void b_console_login(struct gen *g, struct ev *e, struct jw *j)
{
    e->event_type = "AwsConsoleSignIn";
    e->who.key[0] = 0;
    snprintf(e->host, sizeof e->host, "signin.aws.amazon.com");
    jw_null(j, "requestParameters");
    jw_obj(j, "responseElements");
    jw_str(j, "ConsoleLogin", e->error ? "Failure" : "Success");
    jw_eobj(j);
    jw_obj(j, "additionalEventData");
    jw_str(j, "LoginTo", "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB");
    jw_str(j, "MobileVersion", "No");
    jw_str(j, "MFAUsed", e->who.type == ID_ROLE ? "No" : "Yes");
    jw_eobj(j);
}

/* ---------------------------------------------------------------- the API mix */

static const struct api APIS[] = {
    /* sts */
    {"sts", "AssumeRole", 320, true, W_ANY, b_assume_role, 0},
    {"sts", "AssumeRole", 200, true, W_AWSSERVICE, b_assume_role, 0},
    {"sts", "AssumeRoleWithWebIdentity", 150, true, W_NODE, b_assume_role_webid, 0},
    {"sts", "GetCallerIdentity", 220, true, W_ANY, b_null, 0},
    /* s3 data events */
    {"s3", "GetObject", 900, true, W_ANY, b_s3_object, F_DATA},
    {"s3", "PutObject", 350, false, W_ANY, b_s3_object, F_DATA},
    {"s3", "HeadObject", 200, true, W_ANY, b_s3_object, F_DATA},
    {"s3", "DeleteObject", 40, false, W_ANY, b_s3_object, F_DATA},
    {"s3", "ListObjects", 150, true, W_ANY, b_s3_list_objects, F_DATA},
    /* s3 management */
    {"s3", "GetBucketAcl", 80, true, W_READER, b_s3_bucket_get, 0},
    {"s3", "GetBucketLocation", 100, true, W_ANY, b_s3_bucket_get, 0},
    {"s3", "GetBucketPolicy", 40, true, W_READER, b_s3_bucket_get, 0},
    {"s3", "GetBucketVersioning", 40, true, W_READER, b_s3_bucket_get, 0},
    {"s3", "GetBucketEncryption", 30, true, W_READER, b_s3_bucket_get, 0},
    {"s3", "GetBucketPublicAccessBlock", 30, true, W_READER, b_s3_bucket_get, 0},
    {"s3", "ListBuckets", 15, true, W_HUMAN, b_s3_list_buckets, 0},
    {"s3", "PutBucketTagging", 8, false, W_ANY, b_s3_put_tagging, 0},
    /* kms */
    {"kms", "Decrypt", 1100, true, W_ANY, b_kms_crypto, 0},
    {"kms", "GenerateDataKey", 400, true, W_ANY, b_kms_crypto, 0},
    {"kms", "Encrypt", 100, true, W_ANY, b_kms_crypto, 0},
    {"kms", "DescribeKey", 80, true, W_READER, b_kms_describe_key, 0},
    {"kms", "ListAliases", 30, true, W_READER, b_null, 0},
    /* ec2 */
    {"ec2", "DescribeInstances", 300, true, W_READER, b_ec2_describe, 0},
    {"ec2", "DescribeInstanceStatus", 60, true, W_READER, b_ec2_describe, 0},
    {"ec2", "DescribeSecurityGroups", 100, true, W_READER, b_ec2_describe, 0},
    {"ec2", "DescribeSubnets", 80, true, W_NODE, b_ec2_describe, 0},
    {"ec2", "DescribeVpcs", 80, true, W_READER, b_ec2_describe, 0},
    {"ec2", "DescribeRouteTables", 60, true, W_READER, b_ec2_describe, 0},
    {"ec2", "DescribeNetworkInterfaces", 100, true, W_NODE, b_ec2_describe, 0},
    {"ec2", "DescribeVolumes", 60, true, W_READER, b_ec2_describe, 0},
    {"ec2", "DescribeTags", 50, true, W_NODE, b_ec2_describe, 0},
    {"ec2", "DescribeImages", 40, true, W_READER, b_ec2_describe, 0},
    {"ec2", "DescribeAvailabilityZones", 40, true, W_ANY, b_ec2_describe, 0},
    {"ec2", "DescribeAccountAttributes", 30, true, W_ANY, b_ec2_describe, 0},
    {"ec2", "CreateTags", 30, false, W_NODE, b_ec2_create_tags, 0},
    {"ec2", "CreateNetworkInterface", 20, false, W_NODE, b_ec2_eni, 0},
    {"ec2", "DeleteNetworkInterface", 20, false, W_NODE, b_ec2_eni, 0},
    {"ec2", "AttachNetworkInterface", 10, false, W_NODE, b_ec2_eni, 0},
    {"ec2", "RunInstances", 12, false, W_ANY, b_ec2_run_instances, 0},
    {"ec2", "TerminateInstances", 10, false, W_SVC, b_ec2_instance_state, 0},
    {"ec2", "StartInstances", 5, false, W_HUMAN, b_ec2_instance_state, 0},
    {"ec2", "StopInstances", 5, false, W_HUMAN, b_ec2_instance_state, 0},
    /* iam (global) */
    {"iam", "GetRole", 80, true, W_READER, b_iam_read, F_GLOBAL},
    {"iam", "GetUser", 40, true, W_READER, b_iam_read, F_GLOBAL},
    {"iam", "ListRoles", 30, true, W_READER, b_iam_read, F_GLOBAL},
    {"iam", "ListUsers", 20, true, W_READER, b_iam_read, F_GLOBAL},
    {"iam", "ListAttachedRolePolicies", 50, true, W_READER, b_iam_read, F_GLOBAL},
    {"iam", "ListRolePolicies", 30, true, W_READER, b_iam_read, F_GLOBAL},
    {"iam", "GetPolicy", 30, true, W_READER, b_iam_read, F_GLOBAL},
    {"iam", "GetPolicyVersion", 30, true, W_READER, b_iam_read, F_GLOBAL},
    {"iam", "ListAccessKeys", 20, true, W_READER, b_iam_read, F_GLOBAL},
    {"iam", "GetAccountSummary", 10, true, W_READER, b_null, F_GLOBAL},
    {"iam", "CreateRole", 3, false, W_ANY, b_iam_create_role, F_GLOBAL},
    {"iam", "PutRolePolicy", 3, false, W_ANY, b_iam_put_role_policy, F_GLOBAL},
    /* lambda */
    {"lambda", "Invoke", 250, false, W_ANY, b_lambda_invoke, F_DATA},
    {"lambda", "GetFunction20150331v2", 30, true, W_READER, b_lambda_get, 0},
    {"lambda", "ListFunctions20150331", 30, true, W_READER, b_lambda_get, 0},
    /* logs, monitoring */
    {"logs", "CreateLogStream", 250, false, W_NODE, b_logs_create_stream, 0},
    {"logs", "DescribeLogGroups", 50, true, W_READER, b_logs_describe, 0},
    {"monitoring", "GetMetricData", 150, true, W_READER, b_cw_metric_data, 0},
    {"monitoring", "DescribeAlarms", 80, true, W_READER, b_cw_alarms, 0},
    {"monitoring", "ListMetrics", 40, true, W_READER, b_null, 0},
    /* ssm, secrets */
    {"ssm", "GetParameter", 200, true, W_NODE, b_ssm_param, 0},
    {"ssm", "GetParameters", 100, true, W_NODE, b_ssm_param, 0},
    {"ssm", "GetParametersByPath", 50, true, W_NODE, b_ssm_param, 0},
    {"ssm", "PutParameter", 5, false, W_ANY, b_ssm_param, 0},
    {"ssm", "UpdateInstanceInformation", 100, false, W_NODE, b_ssm_instance, 0},
    {"ssm", "DescribeInstanceInformation", 80, true, W_READER, b_ssm_instance, 0},
    {"secretsmanager", "GetSecretValue", 150, true, W_NODE, b_secret, 0},
    {"secretsmanager", "DescribeSecret", 40, true, W_READER, b_secret, 0},
    {"secretsmanager", "ListSecrets", 10, true, W_READER, b_secret, 0},
    /* containers */
    {"ecr", "GetAuthorizationToken", 120, true, W_NODE, b_ecr, 0},
    {"ecr", "BatchGetImage", 100, true, W_NODE, b_ecr, 0},
    {"ecr", "GetDownloadUrlForLayer", 120, true, W_NODE, b_ecr, 0},
    {"eks", "DescribeCluster", 80, true, W_ANY, b_named, 0},
    {"eks", "DescribeNodegroup", 20, true, W_READER, b_named, 0},
    {"eks", "ListClusters", 20, true, W_READER, b_named, 0},
    /* other services */
    {"dynamodb", "DescribeTable", 50, true, W_ANY, b_named, 0},
    {"dynamodb", "ListTables", 10, true, W_READER, b_named, 0},
    {"cloudformation", "DescribeStacks", 50, true, W_ANY, b_named, 0},
    {"cloudformation", "DescribeStackEvents", 30, true, W_ANY, b_named, 0},
    {"elasticloadbalancing", "DescribeTargetHealth", 60, true, W_NODE, b_named, 0},
    {"elasticloadbalancing", "DescribeLoadBalancers", 40, true, W_READER, b_named, 0},
    {"elasticloadbalancing", "DescribeTargetGroups", 30, true, W_READER, b_named, 0},
    {"autoscaling", "DescribeAutoScalingGroups", 50, true, W_NODE, b_named, 0},
    {"rds", "DescribeDBInstances", 40, true, W_READER, b_named, 0},
    {"rds", "DescribeDBClusters", 20, true, W_READER, b_named, 0},
    {"config", "PutEvaluations", 30, false, W_SVC, b_config_eval, 0},
    {"config", "DescribeConfigRules", 10, true, W_READER, b_named, 0},
    {"cloudtrail", "DescribeTrails", 10, true, W_READER, b_named, 0},
    {"cloudtrail", "GetTrailStatus", 10, true, W_READER, b_named, 0},
    {"cloudtrail", "LookupEvents", 10, true, W_HUMAN, b_named, 0},
    {"signin", "ConsoleLogin", 10, false, W_CONSOLE, b_console_login, F_GLOBAL},
    {"route53", "ListHostedZones", 10, true, W_READER, b_named, F_GLOBAL},
    {"organizations", "DescribeOrganization", 10, true, W_READER, b_named, F_GLOBAL},
    {"guardduty", "ListDetectors", 10, true, W_READER, b_named, 0},
    {"health", "DescribeEventAggregates", 20, true, W_HUMAN, b_named, 0},
    {"sns", "ListTopics", 10, true, W_READER, b_named, 0},
};

static const struct api *pick_api(struct rng *r)
{
    static uint32_t total;
    if (total == 0) {
        for (size_t i = 0; i < COUNT(APIS); i++) {
            total += APIS[i].weight;
        }
    }
    uint32_t x = rng_below(r, total);
    for (size_t i = 0; i < COUNT(APIS); i++) {
        if (x < APIS[i].weight) {
            return &APIS[i];
        }
        x -= APIS[i].weight;
    }
    return &APIS[0];
}

/* ---------------------------------------------------------------- errors */

static void pick_error(struct gen *g, struct ev *e)
{
    const char *svc = e->api->svc, *name = e->api->name;
    uint32_t x = rng_below(&g->r, 10);
    e->error = true;
    if (strcmp(svc, "s3") == 0 && strstr(name, "Object") && x < 6) {
        e->err_code = "NoSuchKey";
        snprintf(e->err_msg, sizeof e->err_msg, "The specified key does not exist.");
    } else if (strcmp(svc, "ec2") == 0 && x < 6) {
        e->err_code = "Client.UnauthorizedOperation";
        snprintf(e->err_msg, sizeof e->err_msg, "You are not authorized to perform this operation. User: %s is not "
                 "authorized to perform: ec2:%s because no identity-based policy allows the \"ec2:%s\" action",
                 e->who.arn, name, name);
    } else if (x < 3) {
        e->err_code = "ThrottlingException";
        snprintf(e->err_msg, sizeof e->err_msg, "Rate exceeded");
    } else if (strcmp(svc, "secretsmanager") == 0 || strcmp(svc, "ssm") == 0) {
        bool ssm = strcmp(svc, "ssm") == 0;
        e->err_code = ssm ? "ParameterNotFound" : "ResourceNotFoundException";
        snprintf(e->err_msg, sizeof e->err_msg, "%s",
                 ssm ? "Parameter /prod/orders/db-host not found." : "Secrets Manager can’t find the specified secret.");
    } else {
        e->err_code = "AccessDenied";
        snprintf(e->err_msg, sizeof e->err_msg,
                 "User: %s is not authorized to perform: %s:%s on resource: arn:aws:%s:%s:%s:* because no "
                 "identity-based policy allows the %s:%s action",
                 e->who.type == ID_AWSSERVICE ? e->who.invoked_by : e->who.arn, svc, name, svc, e->region, ACCT, svc,
                 name);
    }
}

/* ---------------------------------------------------------------- attack events */

static void atk_identity(struct gen *g, struct ev *e)
{
    memset(&e->who, 0, sizeof e->who);
    who_iam_user(&g->r, &e->who, "ci-runner", false);
    stable_id("AKIA", "ci-runner", 16, e->who.key, sizeof e->who.key);
    ip_doc(&g->r, "203.0.113", e->who.ip);
    e->who.ua = "aws-cli/2.15.30 Python/3.11.8 Linux/6.6.9-amd64 exe/x86_64.kali.2024 prompt/off";
}

static void atk_trail(struct gen *g, struct ev *e, struct jw *j)
{
    e->source = "cloudtrail.amazonaws.com";
    e->name = rng_chance(&g->r, 0.7) ? "StopLogging" : "DeleteTrail";
    jw_obj(j, "requestParameters");
    jw_strf(j, "name", "arn:aws:cloudtrail:%s:%s:trail/org-trail", e->region, ACCT);
    jw_eobj(j);
    jw_null(j, "responseElements");
    add_res(e, "AWS::CloudTrail::Trail", true, "arn:aws:cloudtrail:%s:%s:trail/org-trail", e->region, ACCT);
}

static void atk_access_key(struct gen *g, struct ev *e, struct jw *j)
{
    char key[24], when[40];
    stable_id("AKIA", "alice-backdoor", 16, key, sizeof key);
    fmt_human(e->t, false, when);
    e->source = "iam.amazonaws.com";
    e->name = "CreateAccessKey";
    e->region = "us-east-1";
    jw_obj(j, "requestParameters");
    jw_str(j, "userName", "alice");
    jw_eobj(j);
    jw_obj(j, "responseElements");
    jw_obj(j, "accessKey");
    jw_str(j, "accessKeyId", key);
    jw_str(j, "status", "Active");
    jw_str(j, "userName", "alice");
    jw_str(j, "createDate", when);
    jw_eobj(j);
    jw_eobj(j);
}

static void atk_admin_policy(struct gen *g, struct ev *e, struct jw *j)
{
    e->source = "iam.amazonaws.com";
    e->name = "AttachUserPolicy";
    e->region = "us-east-1";
    jw_obj(j, "requestParameters");
    jw_str(j, "userName", "ci-runner");
    jw_str(j, "policyArn", "arn:aws:iam::aws:policy/AdministratorAccess");
    jw_eobj(j);
    jw_null(j, "responseElements");
}

static void atk_create_user(struct gen *g, struct ev *e, struct jw *j)
{
    char when[40], uid[32];
    fmt_human(e->t, false, when);
    stable_id("AIDA", "svc-backup2", 17, uid, sizeof uid);
    e->source = "iam.amazonaws.com";
    e->name = "CreateUser";
    e->region = "us-east-1";
    jw_obj(j, "requestParameters");
    jw_str(j, "userName", "svc-backup2");
    jw_eobj(j);
    jw_obj(j, "responseElements");
    jw_obj(j, "user");
    jw_str(j, "path", "/");
    jw_str(j, "userName", "svc-backup2");
    jw_str(j, "userId", uid);
    jw_strf(j, "arn", "arn:aws:iam::%s:user/svc-backup2", ACCT);
    jw_str(j, "createDate", when);
    jw_eobj(j);
    jw_eobj(j);
}

static void atk_public_bucket(struct gen *g, struct ev *e, struct jw *j)
{
    const char *bucket = "acme-prod-data-lake";
    s3_host(e, bucket);
    e->s3_reqid = true;
    e->source = "s3.amazonaws.com";
    e->name = "PutBucketPolicy";
    jw_obj(j, "requestParameters");
    jw_obj(j, "bucketPolicy");
    jw_str(j, "Version", "2012-10-17");
    jw_arr(j, "Statement");
    jw_obj(j, NULL);
    jw_str(j, "Sid", "PublicRead");
    jw_str(j, "Effect", "Allow");
    jw_str(j, "Principal", "*");
    jw_str(j, "Action", "s3:GetObject");
    jw_strf(j, "Resource", "arn:aws:s3:::%s/*", bucket);
    jw_eobj(j);
    jw_earr(j);
    jw_eobj(j);
    jw_str(j, "bucketName", bucket);
    jw_str(j, "Host", e->host);
    jw_str(j, "policy", "");
    jw_eobj(j);
    jw_null(j, "responseElements");
    s3_additional(g, j, 212, 0);
    add_res(e, "AWS::S3::Bucket", true, "arn:aws:s3:::%s", bucket);
}

static void atk_console_no_mfa(struct gen *g, struct ev *e, struct jw *j)
{
    e->source = "signin.amazonaws.com";
    e->name = "ConsoleLogin";
    e->region = "us-east-1";
    e->event_type = "AwsConsoleSignIn";
    e->ro = false;
    e->who.key[0] = 0;
    e->who.user = "bob.martin";
    stable_id("AIDA", "bob.martin", 17, e->who.principal_id, sizeof e->who.principal_id);
    snprintf(e->who.arn, sizeof e->who.arn, "arn:aws:iam::%s:user/bob.martin", ACCT);
    e->who.ua = "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0";
    snprintf(e->host, sizeof e->host, "signin.aws.amazon.com");
    jw_null(j, "requestParameters");
    jw_obj(j, "responseElements");
    jw_str(j, "ConsoleLogin", "Success");
    jw_eobj(j);
    jw_obj(j, "additionalEventData");
    jw_str(j, "LoginTo", "https://console.aws.amazon.com/console/home");
    jw_str(j, "MobileVersion", "No");
    jw_str(j, "MFAUsed", "No");
    jw_eobj(j);
}

static void atk_gpu_instances(struct gen *g, struct ev *e, struct jw *j)
{
    e->source = "ec2.amazonaws.com";
    e->name = "RunInstances";
    e->region = "ap-southeast-3";
    e->ro = false;
    run_instances(g, e, j, "p4d.24xlarge", 2, "mining");
}

static void atk_public_access_block(struct gen *g, struct ev *e, struct jw *j)
{
    const char *bucket = "acme-backups-eu";
    s3_host(e, bucket);
    e->s3_reqid = true;
    e->source = "s3.amazonaws.com";
    e->name = "PutBucketPublicAccessBlock";
    jw_obj(j, "requestParameters");
    jw_str(j, "publicAccessBlock", "");
    jw_str(j, "bucketName", bucket);
    jw_obj(j, "PublicAccessBlockConfiguration");
    jw_str(j, "xmlns", "http://s3.amazonaws.com/doc/2006-03-01/");
    jw_bool(j, "RestrictPublicBuckets", false);
    jw_bool(j, "BlockPublicPolicy", false);
    jw_bool(j, "BlockPublicAcls", false);
    jw_bool(j, "IgnorePublicAcls", false);
    jw_eobj(j);
    jw_str(j, "Host", e->host);
    jw_eobj(j);
    jw_null(j, "responseElements");
    s3_additional(g, j, 300, 0);
    add_res(e, "AWS::S3::Bucket", true, "arn:aws:s3:::%s", bucket);
}

static void atk_root_login(struct gen *g, struct ev *e, struct jw *j)
{
    atk_console_no_mfa(g, e, j);
    e->who.type = ID_ROOT;
    e->who.user = NULL;
    snprintf(e->who.principal_id, sizeof e->who.principal_id, "%s", ACCT);
    snprintf(e->who.arn, sizeof e->who.arn, "arn:aws:iam::%s:root", ACCT);
}

static const struct api ATTACK = {"attack", "attack", 0, false, W_ANY, NULL, 0};
static const build_fn ATTACKS[] = {atk_trail,          atk_access_key,     atk_admin_policy,
                                   atk_create_user,    atk_public_bucket,  atk_console_no_mfa,
                                   atk_gpu_instances,  atk_public_access_block, atk_root_login};

/* ---------------------------------------------------------------- one record */

static const char *pick_region(struct rng *r)
{
    uint32_t x = rng_below(r, 100);
    return x < 62 ? "us-east-1" : x < 77 ? "eu-west-1" : x < 89 ? "us-west-2" : x < 96 ? "eu-central-1" : "ap-northeast-1";
}

static void emit_tail(struct gen *g, struct ev *e, struct jw *j)
{
    char id[40];
    if (e->s3_reqid) {
        char rid[20];
        rand_chars(&g->r, rid, 16, UPPER_NUM);
        jw_str(j, "requestID", rid);
    } else if (strcmp(e->event_type, "AwsConsoleSignIn") != 0) {
        rand_uuid(&g->r, id);
        jw_str(j, "requestID", id);
    }
    rand_uuid(&g->r, id);
    jw_str(j, "eventID", id);
    jw_bool(j, "readOnly", e->ro);
    if (e->nres > 0) {
        jw_arr(j, "resources");
        for (int i = 0; i < e->nres; i++) {
            jw_obj(j, NULL);
            if (e->res[i].acct) {
                jw_str(j, "accountId", ACCT);
            }
            jw_str(j, "type", e->res[i].type);
            jw_str(j, "ARN", e->res[i].arn);
            jw_eobj(j);
        }
        jw_earr(j);
    }
    jw_str(j, "eventType", e->event_type);
    jw_bool(j, "managementEvent", !e->data);
    jw_str(j, "recipientAccountId", ACCT);
    if (e->shared) {
        rand_uuid(&g->r, id);
        jw_str(j, "sharedEventID", id);
    }
    if (e->vpce) {
        jw_str(j, "vpcEndpointId", e->vpce);
    }
    jw_str(j, "eventCategory", e->data ? "Data" : "Management");
    bool tls = !(e->api->flags & F_NOTLS) && e->who.invoked_by == NULL;
    if (tls) {
        bool v13 = rng_chance(&g->r, 0.6);
        jw_obj(j, "tlsDetails");
        jw_str(j, "tlsVersion", v13 ? "TLSv1.3" : "TLSv1.2");
        jw_str(j, "cipherSuite", v13 ? "TLS_AES_128_GCM_SHA256" : "ECDHE-RSA-AES128-GCM-SHA256");
        jw_str(j, "clientProvidedHostHeader", e->host);
        jw_eobj(j);
    }
    if (e->who.console) {
        jw_str(j, "sessionCredentialFromConsole", "true");
    }
}

static void default_host(struct ev *e, const char *src)
{
    if (e->host[0]) {
        return;
    }
    size_t svc_len = strcspn(src, ".");
    if (e->api->flags & F_GLOBAL) {
        snprintf(e->host, sizeof e->host, "%s", src);
    } else {
        snprintf(e->host, sizeof e->host, "%.*s.%s.amazonaws.com", (int)svc_len, src, e->region);
    }
}

/* The record head (identity ... errorMessage) is written after the builder ran, because builders may change the
 * identity, region or names; the builder writes its members into g->body, appended after the head. */
static void gen_record(struct gen *g, struct th_buf *out)
{
    struct th_buf *body = &g->body;
    struct ev e;
    memset(&e, 0, sizeof e);
    e.t = g->t_ms / 1000 - (int64_t)rng_below(&g->r, 20);
    e.event_type = "AwsApiCall";
    bool attack = rng_chance(&g->r, g->attack_rate);
    build_fn build;
    if (attack) {
        e.api = &ATTACK;
        e.region = pick_region(&g->r);
        atk_identity(g, &e);
        build = ATTACKS[rng_below(&g->r, COUNT(ATTACKS))];
    } else {
        e.api = pick_api(&g->r);
        e.ro = e.api->ro;
        e.data = (e.api->flags & F_DATA) != 0;
        e.region = (e.api->flags & F_GLOBAL) ? "us-east-1" : pick_region(&g->r);
        who_pick(&g->r, e.api->who, &e.who);
        build = e.api->build;
        if (rng_chance(&g->r, 0.03)) {
            pick_error(g, &e);
        }
    }
    e.who.session_created = e.t - rng_below(&g->r, 3600);
    if (e.who.ip[0] == '1' && e.who.ip[1] == '0' && e.who.ip[2] == '.' && rng_chance(&g->r, 0.5)) {
        e.vpce = "vpce-0a1b2c3d4e5f60718";
    }

    th_buf_clear(body);
    struct jw jb = {.b = body, .depth = 1};
    jb.comma[1] = true;
    build(g, &e, &jb);
    const char *src = e.source;
    char srcbuf[64];
    if (!src) {
        snprintf(srcbuf, sizeof srcbuf, "%s.amazonaws.com", e.api->svc);
        src = srcbuf;
    }
    default_host(&e, src);

    char when[32];
    fmt_iso(e.t, when);
    struct jw j = {.b = out};
    jw_obj(&j, NULL);
    jw_str(&j, "eventVersion", rng_chance(&g->r, 0.8) ? "1.09" : "1.08");
    emit_identity(&j, &e.who);
    jw_str(&j, "eventTime", when);
    jw_str(&j, "eventSource", src);
    jw_str(&j, "eventName", e.name ? e.name : e.api->name);
    jw_str(&j, "awsRegion", e.region);
    jw_str(&j, "sourceIPAddress", e.who.ip);
    jw_str(&j, "userAgent", e.who.ua);
    if (e.error) {
        jw_str(&j, "errorCode", e.err_code);
        jw_str(&j, "errorMessage", e.err_msg);
    }
    th_buf_append(out, body->data, body->len); /* starts with ',' */
    emit_tail(g, &e, &j);
    jw_eobj(&j);
}

/* ---------------------------------------------------------------- output */

struct args {
    uint64_t seed, count, per_file;
    const char *format, *out;
    double attack_rate;
};

static void advance(struct gen *g)
{
    g->t_ms += 20 + rng_below(&g->r, 80); /* ~17 events/s */
}

static int write_ndjson(struct gen *g, const struct args *a)
{
    FILE *f = strcmp(a->out, "-") == 0 ? stdout : fopen(a->out, "wb");
    if (!f) {
        fprintf(stderr, "gen_cloudtrail: %s: %s\n", a->out, strerror(errno));
        return 1;
    }
    static char iobuf[1 << 20];
    setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
    for (uint64_t i = 0; i < a->count; i++) {
        th_buf_clear(&g->rec);
        gen_record(g, &g->rec);
        th_buf_putc(&g->rec, '\n');
        fwrite(g->rec.data, 1, g->rec.len, f);
        advance(g);
    }
    int bad = ferror(f);
    if ((f != stdout ? fclose(f) : fflush(f)) != 0 || bad) {
        fprintf(stderr, "gen_cloudtrail: %s: write failed\n", a->out);
        return 1;
    }
    return 0;
}

static int write_gz_file(const char *path, const struct th_buf *doc)
{
    gzFile z = gzopen(path, "wb6");
    if (!z) {
        fprintf(stderr, "gen_cloudtrail: %s: cannot create\n", path);
        return 1;
    }
    size_t off = 0;
    int rc = 0;
    while (off < doc->len) {
        unsigned chunk = doc->len - off > (1u << 30) ? (1u << 30) : (unsigned)(doc->len - off);
        if (gzwrite(z, doc->data + off, chunk) != (int)chunk) {
            rc = 1;
            break;
        }
        off += chunk;
    }
    if (gzclose(z) != Z_OK || rc) {
        fprintf(stderr, "gen_cloudtrail: %s: write failed\n", path);
        return 1;
    }
    return 0;
}

static int write_records_gz(struct gen *g, const struct args *a)
{
    if (mkdir(a->out, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "gen_cloudtrail: %s: %s\n", a->out, strerror(errno));
        return 1;
    }
    struct rng names;
    rng_seed(&names, a->seed ^ 0x6e616d6573ULL);
    struct th_buf doc;
    th_buf_init(&doc);
    int rc = 0;
    for (uint64_t done = 0; done < a->count && rc == 0;) {
        int64_t first_ms = g->t_ms;
        th_buf_clear(&doc);
        th_buf_puts(&doc, "{\"Records\":[");
        uint64_t n = a->count - done < a->per_file ? a->count - done : a->per_file;
        for (uint64_t i = 0; i < n; i++) {
            if (i) {
                th_buf_putc(&doc, ',');
            }
            gen_record(g, &doc);
            advance(g);
        }
        th_buf_puts(&doc, "]}");
        done += n;
        /* delivery stamp: the 5-minute slot after the first event; region of the trail's home region */
        int64_t slot = (first_ms / 1000 / 300 + 1) * 300;
        char stamp[32], rnd[20], path[4096];
        time_t t = (time_t)slot;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(stamp, sizeof stamp, "%Y%m%dT%H%MZ", &tm);
        rand_chars(&names, rnd, 16, ALNUM);
        snprintf(path, sizeof path, "%s/%s_CloudTrail_us-east-1_%s_%s.json.gz", a->out, ACCT, stamp, rnd);
        rc = write_gz_file(path, &doc);
    }
    th_buf_free(&doc);
    return rc;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: gen_cloudtrail --seed N --count N --format ndjson|records-gz --out PATH [--per-file N] "
               "[--attack-rate F]\n"
               "  ndjson: one record per line into PATH ('-' = stdout)\n"
               "  records-gz: directory PATH of {\"Records\":[...]} .json.gz files, --per-file records each (1000)\n"
               "  --attack-rate: fraction of attack events (default 0.0005)\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-') {
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, struct args *a)
{
    a->per_file = 1000;
    a->attack_rate = 0.0005;
    a->format = "ndjson";
    bool have_seed = false, have_count = false;
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i];
        if (strcmp(k, "-h") == 0 || strcmp(k, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "gen_cloudtrail: %s needs a value\n", k);
            return -1;
        }
        const char *v = argv[++i];
        int bad = 0;
        if (strcmp(k, "--seed") == 0) {
            bad = parse_u64(v, &a->seed);
            have_seed = true;
        } else if (strcmp(k, "--count") == 0) {
            bad = parse_u64(v, &a->count);
            have_count = true;
        } else if (strcmp(k, "--per-file") == 0) {
            bad = parse_u64(v, &a->per_file) || a->per_file == 0;
        } else if (strcmp(k, "--format") == 0) {
            a->format = v;
            bad = strcmp(v, "ndjson") != 0 && strcmp(v, "records-gz") != 0;
        } else if (strcmp(k, "--out") == 0) {
            a->out = v;
        } else if (strcmp(k, "--attack-rate") == 0) {
            char *end;
            a->attack_rate = strtod(v, &end);
            bad = *end || a->attack_rate < 0 || a->attack_rate > 1;
        } else {
            fprintf(stderr, "gen_cloudtrail: unknown option %s\n", k);
            return -1;
        }
        if (bad) {
            fprintf(stderr, "gen_cloudtrail: bad value for %s: '%s'\n", k, v);
            return -1;
        }
    }
    if (!have_seed || !have_count || !a->out) {
        fprintf(stderr, "gen_cloudtrail: --seed, --count and --out are required\n");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct args a = {0};
    if (parse_args(argc, argv, &a) != 0) {
        usage(stderr);
        return 2;
    }
    struct gen g;
    memset(&g, 0, sizeof g);
    rng_seed(&g.r, a.seed);
    g.t_ms = (START_EPOCH + (int64_t)(a.seed % 86400)) * 1000;
    g.attack_rate = a.attack_rate;
    th_buf_init(&g.rec);
    th_buf_init(&g.body);
    int rc = strcmp(a.format, "ndjson") == 0 ? write_ndjson(&g, &a) : write_records_gz(&g, &a);
    th_buf_free(&g.rec);
    th_buf_free(&g.body);
    return rc;
}
