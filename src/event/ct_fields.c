/* ct_fields.c - the 73 fields of Falco's cloudtrail plugin 0.17 (ct.*, s3.*, ec2.*, ecr.*, iam.*), same names,
 * types and semantics as the plugin; deviations fix observed upstream bugs and are stated in the field's desc.
 * Invariant: extractors read only through the th_json API below ev->root, return 1 present / 0 absent, and
 * put synthesized text in ev->scratch. A key that exists with a non-string value extracts as "" (the plugin's
 * GetStringBytes behaviour) unless the desc says otherwise. */
#include <stdio.h>
#include <string.h>

#include "th_fieldx.h"

#define CT TH_SRC_MASK(TH_SRC_CLOUDTRAIL)

typedef int ct_fn(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out);

/* A key's value as the plugin reads it: present when the key exists; its string, or "" for other types. */
static int ct_str_node(struct th_event *ev, uint32_t node, struct th_val *out)
{
    struct th_sv s;
    if (node == TH_JNONE) {
        return 0;
    }
    if (!th_fx_strview(ev, node, &s)) {
        s = th_fx_sv("", 0);
    }
    return th_fx_set_sv(out, s);
}

static int ct_str_at(struct th_event *ev, const char *dotted, struct th_val *out)
{
    return ct_str_node(ev, th_fx_path(ev, dotted), out);
}

/* Only a real JSON string (GetStringBytes != nil in the plugin). */
static bool ct_strict(struct th_event *ev, const char *dotted, struct th_sv *s)
{
    return th_fx_strview(ev, th_fx_path(ev, dotted), s);
}

#define CT_STR(fn, dotted)                                                                  \
    static int fn(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)   \
    {                                                                                       \
        TH_FX_UNUSED(ref);                                                                  \
        return ct_str_at(ev, dotted, out);                                                  \
    }

CT_STR(f_id, "eventID")
CT_STR(f_error, "errorCode")
CT_STR(f_errormessage, "errorMessage")
CT_STR(f_time, "eventTime")
CT_STR(f_src, "eventSource")
CT_STR(f_name, "eventName")
CT_STR(f_identitytype, "userIdentity.type")
CT_STR(f_principalid, "userIdentity.principalId")
CT_STR(f_arn, "userIdentity.arn")
CT_STR(f_region, "awsRegion")
CT_STR(f_resp_subnetid, "responseElements.subnetId")
CT_STR(f_resp_reservationid, "responseElements.reservationId")
CT_STR(f_req_az, "requestParameters.availabilityZone")
CT_STR(f_req_cluster, "requestParameters.cluster")
CT_STR(f_req_functionname, "requestParameters.functionName")
CT_STR(f_req_groupname, "requestParameters.groupName")
CT_STR(f_req_host, "requestParameters.Host")
CT_STR(f_req_name, "requestParameters.name")
CT_STR(f_req_policy, "requestParameters.policy")
CT_STR(f_req_reason, "requestParameters.reason")
CT_STR(f_req_target, "requestParameters.target")
CT_STR(f_req_serialnumber, "requestParameters.serialNumber")
CT_STR(f_req_servicename, "requestParameters.serviceName")
CT_STR(f_req_subnetid, "requestParameters.subnetId")
CT_STR(f_req_taskdefinition, "requestParameters.taskDefinition")
CT_STR(f_req_username, "requestParameters.userName")
CT_STR(f_req_documentname, "requestParameters.documentName")
CT_STR(f_srcip, "sourceIPAddress")
CT_STR(f_useragent, "userAgent")
CT_STR(f_requestid, "requestID")
CT_STR(f_eventtype, "eventType")
CT_STR(f_apiversion, "apiVersion")
CT_STR(f_recipientaccountid, "recipientAccountId")
CT_STR(f_sharedeventid, "sharedEventID")
CT_STR(f_vpcendpointid, "vpcEndpointId")
CT_STR(f_eventcategory, "eventCategory")
CT_STR(f_add_reason, "addendum.reason")
CT_STR(f_add_updatedfields, "addendum.updatedFields")
CT_STR(f_add_origrequestid, "addendum.originalRequestID")
CT_STR(f_add_origeventid, "addendum.originalEventID")
CT_STR(f_tlsversion, "tlsDetails.tlsVersion")
CT_STR(f_ciphersuite, "tlsDetails.cipherSuite")
CT_STR(f_hostheader, "tlsDetails.clientProvidedHostHeader")
CT_STR(f_s3_bucket, "requestParameters.bucketName")
CT_STR(f_s3_key, "requestParameters.key")
CT_STR(f_ecr_repository, "requestParameters.repositoryName")
CT_STR(f_ecr_imagetag, "requestParameters.imageTag")
CT_STR(f_iam_role, "requestParameters.roleName")
CT_STR(f_iam_policy, "requestParameters.policyName")

/* Whole sub-object as compact JSON; present when the key exists. */
#define CT_JSON(fn, dotted)                                                                 \
    static int fn(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)   \
    {                                                                                       \
        TH_FX_UNUSED(ref);                                                                  \
        uint32_t n = th_fx_path(ev, dotted);                                                \
        return n == TH_JNONE ? 0 : th_fx_set_sv(out, th_fx_compact(ev, n));                 \
    }

CT_JSON(f_request, "requestParameters")
CT_JSON(f_response, "responseElements")
CT_JSON(f_additionaleventdata, "additionalEventData")

/* Documented by AWS as objects: strings as is, other values as compact JSON (the plugin yields ""). */
#define CT_RENDER(fn, dotted)                                                               \
    static int fn(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)   \
    {                                                                                       \
        TH_FX_UNUSED(ref);                                                                  \
        uint32_t n = th_fx_path(ev, dotted);                                                \
        return n == TH_JNONE ? 0 : th_fx_set_sv(out, th_fx_render(ev, n));                  \
    }

CT_RENDER(f_serviceeventdetails, "serviceEventDetails")
CT_RENDER(f_edgedevicedetails, "edgeDeviceDetails")

static const char AWS_SUFFIX[] = ".amazonaws.com";

static int f_shortsrc(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    if (!f_src(ev, ref, out)) {
        return 0;
    }
    size_t sl = sizeof AWS_SUFFIX - 1;
    struct th_sv s = out->u.s;
    if (s.n > sl && memcmp(s.p + s.n - sl, AWS_SUFFIX, sl) == 0) {
        out->u.s.n = s.n - sl;
    }
    return 1;
}

static int f_user(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    uint32_t ui = th_fx_path(ev, "userIdentity");
    struct th_sv type;
    if (!th_fx_strview(ev, th_json_getz(ev->doc, ui, "type"), &type)) {
        return 0;
    }
    if (th_fx_sv_eq(type, "Root") || th_fx_sv_eq(type, "IAMUser")) {
        return ct_str_node(ev, th_json_getz(ev->doc, ui, "userName"), out);
    }
    if (th_fx_sv_eq(type, "AWSService")) {
        return ct_str_node(ev, th_json_getz(ev->doc, ui, "invokedBy"), out);
    }
    if (th_fx_sv_eq(type, "AssumedRole")) {
        if (ct_str_node(ev, th_json_path(ev->doc, ui, "sessionContext.sessionIssuer.userName"), out)) {
            return 1;
        }
        return th_fx_set_lit(out, "AssumedRole");
    }
    if (th_fx_sv_eq(type, "AWSAccount")) {
        return th_fx_set_lit(out, "AWSAccount");
    }
    if (th_fx_sv_eq(type, "FederatedUser")) {
        return th_fx_set_lit(out, "FederatedUser");
    }
    return 0;
}

/* AssumedRole: the session name (last segment of an arn with exactly three '/'-separated parts, else the part
 * after the ':' of principalId); other types: userIdentity.userName. */
static int f_originaluser(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    uint32_t ui = th_fx_path(ev, "userIdentity");
    struct th_sv type, s;
    if (!th_fx_strview(ev, th_json_getz(ev->doc, ui, "type"), &type) || !th_fx_sv_eq(type, "AssumedRole")) {
        return ct_str_node(ev, th_json_getz(ev->doc, ui, "userName"), out);
    }
    if (th_fx_strview(ev, th_json_getz(ev->doc, ui, "arn"), &s)) {
        size_t slashes = 0, last = 0;
        for (size_t i = 0; i < s.n; i++) {
            if (s.p[i] == '/') {
                slashes++;
                last = i + 1;
            }
        }
        if (slashes == 2) {
            return th_fx_set_str(out, s.p + last, s.n - last);
        }
    }
    if (th_fx_strview(ev, th_json_getz(ev->doc, ui, "principalId"), &s)) {
        const char *colon = memchr(s.p, ':', s.n);
        if (colon) {
            const char *start = colon + 1;
            const char *end = memchr(start, ':', (size_t)(s.p + s.n - start));
            return th_fx_set_str(out, start, (size_t)((end ? end : s.p + s.n) - start));
        }
    }
    return 0;
}

static int f_accountid(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    if (ct_str_at(ev, "userIdentity.accountId", out)) {
        return 1;
    }
    return ct_str_at(ev, "recipientAccountId", out);
}

/* JSON true -> "true", anything else -> "false"; absent when the key is missing. */
static int ct_bool_text(struct th_event *ev, const char *key, bool accept_string, struct th_val *out)
{
    uint32_t n = th_fx_path(ev, key);
    if (n == TH_JNONE) {
        return 0;
    }
    bool t = th_json_type(ev->doc, n) == TH_J_TRUE;
    if (!t && accept_string) {
        t = th_json_str_eq(ev->doc, n, "true", 4);
    }
    return th_fx_set_lit(out, t ? "true" : "false");
}

static int f_managementevent(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    return ct_bool_text(ev, "managementEvent", false, out);
}

static int f_readonly(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    return ct_bool_text(ev, "readOnly", false, out);
}

static int f_sessioncredfromconsole(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    return ct_bool_text(ev, "sessionCredentialFromConsole", true, out);
}

static int f_resources(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    uint32_t arr = th_fx_path(ev, "resources");
    if (arr == TH_JNONE || th_json_type(ev->doc, arr) != TH_J_ARRAY) {
        return 0;
    }
    struct th_buf *b = th_fx_tmpbuf();
    for (uint32_t e = th_json_first(ev->doc, arr); e != TH_JNONE; e = th_json_next(ev->doc, e, arr)) {
        if (b->len) {
            th_buf_putc(b, ',');
        }
        th_json_compact(ev->doc, e, b);
    }
    if (b->len == 0) {
        return 0;
    }
    return th_fx_set_sv(out, th_fx_keep(ev, b->data, b->len));
}

static int f_s3_uri(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    struct th_sv parts[4] = {{"s3://", 5}, {0}, {"/", 1}, {0}};
    if (!ct_strict(ev, "requestParameters.bucketName", &parts[1]) ||
        !ct_strict(ev, "requestParameters.key", &parts[3])) {
        return 0;
    }
    return th_fx_set_sv(out, th_fx_concat(ev, parts, 4));
}

/* The plugin's getvalueU64: unsigned integer, else a float truncated, else 0. */
static int64_t ct_u64_value(const struct th_json *doc, uint32_t n)
{
    int64_t i;
    double d;
    if (th_json_type(doc, n) != TH_J_NUMBER) {
        return 0;
    }
    if ((th_json_node(doc, n)->flags & TH_JF_INTEGER) && th_json_int(doc, n, &i)) {
        return i >= 0 ? i : 0;
    }
    if (th_json_double(doc, n, &d) && d >= 0 && d < 9.2e18) {
        return (int64_t)d;
    }
    return 0;
}

static int ct_bytes(struct th_event *ev, bool in, bool outb, struct th_val *out)
{
    uint32_t aed = th_fx_path(ev, "additionalEventData");
    uint32_t ni = in ? th_json_getz(ev->doc, aed, "bytesTransferredIn") : TH_JNONE;
    uint32_t no = outb ? th_json_getz(ev->doc, aed, "bytesTransferredOut") : TH_JNONE;
    if (ni == TH_JNONE && no == TH_JNONE) {
        return 0;
    }
    int64_t tot = 0;
    if (ni != TH_JNONE) {
        tot += ct_u64_value(ev->doc, ni);
    }
    if (no != TH_JNONE) {
        tot += ct_u64_value(ev->doc, no);
    }
    return th_fx_set_u64(out, tot);
}

static int f_s3_bytes(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    return ct_bytes(ev, true, true, out);
}

static int f_s3_bytes_in(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    return ct_bytes(ev, true, false, out);
}

static int f_s3_bytes_out(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    return ct_bytes(ev, false, true, out);
}

static bool ct_name_is(struct th_event *ev, const char *name)
{
    return th_json_str_eq(ev->doc, th_fx_path(ev, "eventName"), name, strlen(name));
}

static int f_s3_cnt_get(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    return ct_name_is(ev, "GetObject") ? th_fx_set_u64(out, 1) : 0;
}

static int f_s3_cnt_put(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    return ct_name_is(ev, "PutObject") ? th_fx_set_u64(out, 1) : 0;
}

static int f_s3_cnt_other(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    if (ct_name_is(ev, "GetObject") || ct_name_is(ev, "PutObject")) {
        return 0;
    }
    return th_fx_set_u64(out, 1);
}

/* Value of the last "Name" tag of the instance tag specifications (the plugin's loop keeps the last one). */
static int f_ec2_name(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    const struct th_json *doc = ev->doc;
    uint32_t items = th_fx_path(ev, "requestParameters.tagSpecificationSet.items");
    struct th_sv name = {"", 0};
    if (items == TH_JNONE || th_json_type(doc, items) != TH_J_ARRAY) {
        return 0;
    }
    for (uint32_t it = th_json_first(doc, items); it != TH_JNONE; it = th_json_next(doc, it, items)) {
        if (!th_json_str_eq(doc, th_json_getz(doc, it, "resourceType"), "instance", 8)) {
            continue;
        }
        uint32_t tags = th_json_getz(doc, it, "tags");
        if (tags == TH_JNONE || th_json_type(doc, tags) != TH_J_ARRAY) {
            continue;
        }
        for (uint32_t t = th_json_first(doc, tags); t != TH_JNONE; t = th_json_next(doc, t, tags)) {
            if (th_json_str_eq(doc, th_json_getz(doc, t, "key"), "Name", 4)) {
                if (!th_fx_strview(ev, th_json_getz(doc, t, "value"), &name)) {
                    name = th_fx_sv("", 0);
                }
                break;
            }
        }
    }
    return name.n ? th_fx_set_sv(out, name) : 0;
}

static void ec2_images(struct th_event *ev, struct th_fx_list *l)
{
    const struct th_json *doc = ev->doc;
    struct th_sv s;
    uint32_t items = th_fx_path(ev, "responseElements.instancesSet.items");
    if (items != TH_JNONE && th_json_type(doc, items) == TH_J_ARRAY) {
        for (uint32_t it = th_json_first(doc, items); it != TH_JNONE; it = th_json_next(doc, it, items)) {
            if (th_fx_strview(ev, th_json_getz(doc, it, "imageId"), &s) && s.n) {
                th_fx_list_push(ev, l, s);
            }
        }
    }
    static const char *const fallbacks[] = {
        "requestParameters.imageId",
        "requestParameters.DescribeFastLaunchImagesRequest.ImageId.content",
        "requestParameters.launchSpecification.imageId",
    };
    for (size_t i = 0; l->n == 0 && i < sizeof fallbacks / sizeof fallbacks[0]; i++) {
        if (ct_strict(ev, fallbacks[i], &s) && s.n) {
            th_fx_list_push(ev, l, s);
        }
    }
}

static int f_ec2_imageids(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    struct th_fx_list l = {0};
    ec2_images(ev, &l);
    return th_fx_set_list(ref->index, &l, out);
}

static int f_ec2_imageid(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    struct th_fx_list l = {0};
    ec2_images(ev, &l);
    return l.n ? th_fx_set_sv(out, l.v[0]) : 0;
}

/* ---- ct.info ---- */

static struct th_sv ct_field_sv(struct th_event *ev, ct_fn *fn, bool *present)
{
    struct th_fieldref ref = {0, TH_NO_SLOT, -1, NULL, 0};
    struct th_val v;
    *present = fn(ev, &ref, &v) != 0;
    return *present ? v.u.s : th_fx_sv("", 0);
}

static const char *bool_word(struct th_event *ev, uint32_t obj, const char *key)
{
    uint32_t n = th_json_getz(ev->doc, obj, key);
    return n != TH_JNONE && th_json_type(ev->doc, n) == TH_J_TRUE ? "true" : "false";
}

/* PutBucketPublicAccessBlock: the four flags of PublicAccessBlockConfiguration, trailing space as upstream. */
static size_t ct_info_pab(struct th_event *ev, struct th_sv *parts, size_t np, char *tmp, size_t tmplen)
{
    uint32_t cfg = th_fx_path(ev, "requestParameters.PublicAccessBlockConfiguration");
    if (cfg == TH_JNONE || th_json_type(ev->doc, cfg) != TH_J_OBJECT) {
        return np;
    }
    int n = snprintf(tmp, tmplen, " BlockPublicAcls=%s BlockPublicPolicy=%s IgnorePublicAcls=%s RestrictPublicBuckets=%s ",
                     bool_word(ev, cfg, "BlockPublicAcls"), bool_word(ev, cfg, "BlockPublicPolicy"),
                     bool_word(ev, cfg, "IgnorePublicAcls"), bool_word(ev, cfg, "RestrictPublicBuckets"));
    parts[np++] = th_fx_sv(tmp, (size_t)n);
    return np;
}

static size_t ct_info_suffix(struct th_event *ev, struct th_sv *parts, size_t np, char *num, size_t numlen)
{
    static const struct {
        const char *label;
        ct_fn *fn;
    } tail[] = {{" URI=", f_s3_uri}, {" Bucket=", f_s3_bucket}, {" Key=", f_s3_key}, {" Host=", f_req_host}};
    struct th_fieldref ref = {0, TH_NO_SLOT, -1, NULL, 0};
    struct th_val v;
    bool present;
    if (f_s3_bytes(ev, &ref, &v)) {
        int n = snprintf(num, numlen, " Size=%llu", (unsigned long long)v.u.i);
        parts[np++] = th_fx_sv(num, (size_t)n);
    }
    for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++) {
        struct th_sv s = ct_field_sv(ev, tail[i].fn, &present);
        if (present) {
            parts[np++] = th_fx_sv(tail[i].label, strlen(tail[i].label));
            parts[np++] = s;
            break;
        }
    }
    return np;
}

static int f_info(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    bool has_user, has_ip, has_err, has_ro, has_name;
    struct th_sv user = ct_field_sv(ev, f_user, &has_user);
    if (!has_user) {
        return th_fx_set_lit(out, "<invalid cloudtrail event: userIdentity field missing>");
    }
    struct th_sv ip = ct_field_sv(ev, f_srcip, &has_ip);
    if (!has_ip) {
        return th_fx_set_lit(out, "<invalid cloudtrail event: eventSource field missing>");
    }
    ct_field_sv(ev, f_error, &has_err);
    struct th_sv ro = ct_field_sv(ev, f_readonly, &has_ro);
    struct th_sv name = ct_field_sv(ev, f_name, &has_name);
    if (!has_name) {
        return th_fx_set_lit(out, "<invalid cloudtrail event: eventName field missing>");
    }
    bool same = user.n == ip.n && memcmp(user.p, ip.p, user.n) == 0;
    bool write = has_ro && th_fx_sv_eq(ro, "false");
    struct th_sv parts[16];
    size_t np = 0;
    char tmp[160], num[32];
    parts[np++] = user;
    if (!same) {
        parts[np++] = th_fx_sv(" via ", 5);
        parts[np++] = ip;
    }
    parts[np++] = th_fx_sv(" ", 1);
    if (has_err) {
        parts[np++] = th_fx_sv("!", 1);
    }
    parts[np++] = write ? th_fx_sv("\xe2\x86\x92", 3) : th_fx_sv("\xe2\x86\x90", 3); /* → or ← */
    parts[np++] = th_fx_sv(" ", 1);
    parts[np++] = name;
    if (th_fx_sv_eq(name, "PutBucketPublicAccessBlock")) {
        np = ct_info_pab(ev, parts, np, tmp, sizeof tmp);
    } else {
        np = ct_info_suffix(ev, parts, np, num, sizeof num);
    }
    return th_fx_set_sv(out, th_fx_concat(ev, parts, np));
}

#define HIDDEN TH_FF_HIDDEN
#define IDX TH_FF_ARG_INDEX
#define S TH_FT_STR
#define U TH_FT_U64

const struct th_field_def th_ct_fields[] = {
    {"ct.id", CT, S, 0, "Event ID", "the unique ID of the cloudtrail event (eventID in the json).", f_id},
    {"ct.error", CT, S, 0, "Error Code", "the error code from the event (errorCode); absent if there was no error.", f_error},
    {"ct.errormessage", CT, S, 0, "Error Message", "the description of an error (errorMessage); absent if there was no error.", f_errormessage},
    {"ct.time", CT, S, HIDDEN, "Timestamp", "the timestamp of the cloudtrail event (eventTime in the json, as written).", f_time},
    {"ct.src", CT, S, 0, "AWS Service", "the source of the cloudtrail event (eventSource in the json).", f_src},
    {"ct.shortsrc", CT, S, 0, "AWS Service", "the source of the cloudtrail event (eventSource in the json, without the '.amazonaws.com' trailer).", f_shortsrc},
    {"ct.name", CT, S, 0, "Event Name", "the name of the cloudtrail event (eventName in the json).", f_name},
    {"ct.user", CT, S, 0, "User Name", "the user of the cloudtrail event: userName (Root, IAMUser), invokedBy (AWSService), the session issuer's userName or 'AssumedRole' (AssumedRole), 'AWSAccount', 'FederatedUser'; absent for other identity types.", f_user},
    {"ct.originaluser", CT, S, 0, "Original User", "the user that originally made the request: for AssumedRole the session name (from the arn, else the principalId), otherwise userIdentity.userName.", f_originaluser},
    {"ct.user.accountid", CT, S, 0, "User Account ID", "the account id of the user of the cloudtrail event (userIdentity.accountId, else recipientAccountId).", f_accountid},
    {"ct.user.identitytype", CT, S, 0, "User Identity Type", "the kind of user identity (e.g. Root, IAMUser, AWSService, etc.)", f_identitytype},
    {"ct.user.principalid", CT, S, 0, "User Principal Id", "a unique identifier for the user that made the request.", f_principalid},
    {"ct.user.arn", CT, S, 0, "User ARN", "the Amazon Resource Name (ARN) of the user that made the request.", f_arn},
    {"ct.region", CT, S, 0, "Region", "the region of the cloudtrail event (awsRegion in the json).", f_region},
    {"ct.response.subnetid", CT, S, 0, "Response Subnet ID", "the subnet ID included in the response.", f_resp_subnetid},
    {"ct.response.reservationid", CT, S, 0, "Response Reservation ID", "the reservation ID included in the response.", f_resp_reservationid},
    {"ct.response", CT, S, 0, "Response Elements", "all response elements (responseElements as compact JSON).", f_response},
    {"ct.request.availabilityzone", CT, S, 0, "Request Availability Zone", "the availability zone included in the request.", f_req_az},
    {"ct.request.cluster", CT, S, 0, "Request Cluster", "the cluster included in the request.", f_req_cluster},
    {"ct.request.functionname", CT, S, 0, "Request Function Name", "the function name included in the request.", f_req_functionname},
    {"ct.request.groupname", CT, S, 0, "Request Group Name", "the group name included in the request.", f_req_groupname},
    {"ct.request.host", CT, S, 0, "Request Host Name", "the host included in the request.", f_req_host},
    {"ct.request.name", CT, S, 0, "Request Name", "the name of the entity being acted on in the request.", f_req_name},
    {"ct.request.policy", CT, S, 0, "Request Policy", "the policy included in the request.", f_req_policy},
    {"ct.request.reason", CT, S, 0, "Request Reason", "the reason included in the request.", f_req_reason},
    {"ct.request.target", CT, S, 0, "Request Target", "the target included in the request.", f_req_target},
    {"ct.request.serialnumber", CT, S, 0, "Request Serial Number", "the serial number provided in the request.", f_req_serialnumber},
    {"ct.request.servicename", CT, S, 0, "Request Service", "the service name provided in the request.", f_req_servicename},
    {"ct.request.subnetid", CT, S, 0, "Request Subnet ID", "the subnet ID provided in the request.", f_req_subnetid},
    {"ct.request.taskdefinition", CT, S, 0, "Request Task Definition", "the task definition provided in the request.", f_req_taskdefinition},
    {"ct.request.username", CT, S, 0, "Request User Name", "the username provided in the request.", f_req_username},
    {"ct.request.documentname", CT, S, 0, "Request Document Name", "the document name provided in the request (requestParameters.documentName). Deviation: the plugin's field is always absent (case mismatch in its code).", f_req_documentname},
    {"ct.request", CT, S, 0, "Request Parameters", "all request parameters (requestParameters as compact JSON).", f_request},
    {"ct.srcip", CT, S, 0, "Source IP", "the IP address generating the event (sourceIPAddress in the json; may be a service host name).", f_srcip},
    {"ct.useragent", CT, S, 0, "User Agent", "the user agent generating the event (userAgent in the json).", f_useragent},
    {"ct.info", CT, S, 0, "Info", "summary of the event: '<user> via <srcip> [!]<arrow> <eventName>' plus size and S3 URI/bucket/key or host. Deviation: the PutBucketPublicAccessBlock flags are read from PublicAccessBlockConfiguration (the plugin reads the record root and always prints false).", f_info},
    {"ct.managementevent", CT, S, 0, "Management Event", "'true' if the event is a management event (AwsApiCall, AwsConsoleAction, AwsConsoleSignIn, or AwsServiceEvent), 'false' otherwise.", f_managementevent},
    {"ct.readonly", CT, S, 0, "Read Only", "'true' if the event only reads information (e.g. DescribeInstances), 'false' if the event modifies the state (e.g. RunInstances, CreateLoadBalancer...).", f_readonly},
    {"ct.requestid", CT, S, 0, "Request ID", "the value that identifies the request.", f_requestid},
    {"ct.eventtype", CT, S, 0, "Event Type", "identifies the type of event that generated the event record.", f_eventtype},
    {"ct.apiversion", CT, S, 0, "API Version", "the API version associated with the AwsApiCall eventType value.", f_apiversion},
    {"ct.resources", CT, S, 0, "Resources", "a list of resources accessed in the event (each as compact JSON, comma separated).", f_resources},
    {"ct.recipientaccountid", CT, S, 0, "Recipient Account Id", "the account ID that received this event.", f_recipientaccountid},
    {"ct.serviceeventdetails", CT, S, 0, "Service Event Details", "identifies the service event, including what triggered the event and the result. Deviation: an object value is rendered as compact JSON (the plugin yields \"\").", f_serviceeventdetails},
    {"ct.sharedeventid", CT, S, 0, "Shared Event ID", "GUID generated by CloudTrail to uniquely identify CloudTrail events.", f_sharedeventid},
    {"ct.vpcendpointid", CT, S, 0, "VPC Endpoint ID", "identifies the VPC endpoint in which requests were made.", f_vpcendpointid},
    {"ct.eventcategory", CT, S, 0, "Event Category", "shows the event category that is used in LookupEvents calls.", f_eventcategory},
    {"ct.addendum.reason", CT, S, 0, "Reason", "the reason that the event or some of its contents were missing.", f_add_reason},
    {"ct.addendum.updatedfields", CT, S, 0, "Updated Fields", "the event record fields that are updated by the addendum.", f_add_updatedfields},
    {"ct.addendum.originalrequestid", CT, S, 0, "Original Request ID", "the original unique ID of the request.", f_add_origrequestid},
    {"ct.addendum.originaleventid", CT, S, 0, "Original Event ID", "the original event ID.", f_add_origeventid},
    {"ct.sessioncredentialfromconsole", CT, S, 0, "Session Credential From Console", "shows whether or not an event originated from an AWS Management Console session. Deviation: the documented string value \"true\" counts as true (the plugin only accepts a JSON bool).", f_sessioncredfromconsole},
    {"ct.edgedevicedetails", CT, S, 0, "Edge Device Details", "information about edge devices that are targets of a request. Deviation: an object value is rendered as compact JSON (the plugin yields \"\").", f_edgedevicedetails},
    {"ct.tlsdetails.tlsversion", CT, S, 0, "TLS Version", "the TLS version of a request.", f_tlsversion},
    {"ct.tlsdetails.ciphersuite", CT, S, 0, "TLS Cipher Suite", "the cipher suite (combination of security algorithms used) of a request.", f_ciphersuite},
    {"ct.tlsdetails.clientprovidedhostheader", CT, S, 0, "Client Provided Host Header", "the client-provided host name used in the service API call.", f_hostheader},
    {"ct.additionaleventdata", CT, S, 0, "Additional Event Data", "all additional event data attributes (additionalEventData as compact JSON).", f_additionaleventdata},
    {"s3.uri", CT, S, 0, "Key URI", "the s3 URI (s3://<bucket>/<key>).", f_s3_uri},
    {"s3.bucket", CT, S, 0, "Bucket Name", "the bucket name for s3 events.", f_s3_bucket},
    {"s3.key", CT, S, 0, "Key Name", "the S3 key name.", f_s3_key},
    {"s3.bytes", CT, U, 0, "Total Bytes", "the size of an s3 download or upload, in bytes.", f_s3_bytes},
    {"s3.bytes.in", CT, U, HIDDEN, "Bytes In", "the size of an s3 upload, in bytes.", f_s3_bytes_in},
    {"s3.bytes.out", CT, U, HIDDEN, "Bytes Out", "the size of an s3 download, in bytes.", f_s3_bytes_out},
    {"s3.cnt.get", CT, U, HIDDEN, "N Get Ops", "the number of get operations: 1 for GetObject events, absent otherwise.", f_s3_cnt_get},
    {"s3.cnt.put", CT, U, HIDDEN, "N Put Ops", "the number of put operations: 1 for PutObject events, absent otherwise.", f_s3_cnt_put},
    {"s3.cnt.other", CT, U, HIDDEN, "N Other Ops", "the number of non I/O operations: absent for GetObject and PutObject events, 1 for all the other events.", f_s3_cnt_other},
    {"ec2.name", CT, S, 0, "Instance Name", "the name of the ec2 instances, typically stored in the instance tags.", f_ec2_name},
    {"ec2.imageid", CT, S, TH_FF_DEPRECATED, "Image Id", "deprecated by ec2.imageids: the first image ID used to run ec2 instances.", f_ec2_imageid},
    {"ec2.imageids", CT, TH_FT_STRLIST, IDX, "Image Ids", "the image IDs used to run ec2 instances (response instancesSet, else the request's imageId).", f_ec2_imageids},
    {"ecr.repository", CT, S, 0, "ECR Repository name", "the name of the ecr Repository specified in the request.", f_ecr_repository},
    {"ecr.imagetag", CT, S, 0, "Image Tag", "the tag of the image specified in the request.", f_ecr_imagetag},
    {"iam.role", CT, S, 0, "IAM Role", "the IAM role specified in the request.", f_iam_role},
    {"iam.policy", CT, S, 0, "IAM Policy", "the IAM policy specified in the request.", f_iam_policy},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};
