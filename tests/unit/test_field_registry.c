/* test_field_registry.c - the field registry: exactly the 73 cloudtrail-plugin fields (FALCO_REFERENCE.md 2.2)
 * and the 100 k8saudit-plugin fields (3.2) with their types and argument kinds, lookups, hints, names. */
#include <string.h>

#include "th_field.h"
#include "th_test.h"

/* name, type, flags that must be set (hidden / index / key / required) */
struct expect {
    const char *name;
    enum th_ftype type;
    unsigned flags;
};

#define S TH_FT_STR
#define U TH_FT_U64
#define L TH_FT_STRLIST
#define H TH_FF_HIDDEN
#define I TH_FF_ARG_INDEX
#define KR (TH_FF_ARG_KEY | TH_FF_ARG_REQUIRED)

static const struct expect ct_expect[] = {
    {"ct.id", S, 0}, {"ct.error", S, 0}, {"ct.errormessage", S, 0}, {"ct.time", S, H}, {"ct.src", S, 0},
    {"ct.shortsrc", S, 0}, {"ct.name", S, 0}, {"ct.user", S, 0}, {"ct.originaluser", S, 0},
    {"ct.user.accountid", S, 0}, {"ct.user.identitytype", S, 0}, {"ct.user.principalid", S, 0},
    {"ct.user.arn", S, 0}, {"ct.region", S, 0}, {"ct.response.subnetid", S, 0},
    {"ct.response.reservationid", S, 0}, {"ct.response", S, 0}, {"ct.request.availabilityzone", S, 0},
    {"ct.request.cluster", S, 0}, {"ct.request.functionname", S, 0}, {"ct.request.groupname", S, 0},
    {"ct.request.host", S, 0}, {"ct.request.name", S, 0}, {"ct.request.policy", S, 0},
    {"ct.request.reason", S, 0}, {"ct.request.target", S, 0}, {"ct.request.serialnumber", S, 0},
    {"ct.request.servicename", S, 0}, {"ct.request.subnetid", S, 0}, {"ct.request.taskdefinition", S, 0},
    {"ct.request.username", S, 0}, {"ct.request.documentname", S, 0}, {"ct.request", S, 0},
    {"ct.srcip", S, 0}, {"ct.useragent", S, 0}, {"ct.info", S, 0}, {"ct.managementevent", S, 0},
    {"ct.readonly", S, 0}, {"ct.requestid", S, 0}, {"ct.eventtype", S, 0}, {"ct.apiversion", S, 0},
    {"ct.resources", S, 0}, {"ct.recipientaccountid", S, 0}, {"ct.serviceeventdetails", S, 0},
    {"ct.sharedeventid", S, 0}, {"ct.vpcendpointid", S, 0}, {"ct.eventcategory", S, 0},
    {"ct.addendum.reason", S, 0}, {"ct.addendum.updatedfields", S, 0}, {"ct.addendum.originalrequestid", S, 0},
    {"ct.addendum.originaleventid", S, 0}, {"ct.sessioncredentialfromconsole", S, 0},
    {"ct.edgedevicedetails", S, 0}, {"ct.tlsdetails.tlsversion", S, 0}, {"ct.tlsdetails.ciphersuite", S, 0},
    {"ct.tlsdetails.clientprovidedhostheader", S, 0}, {"ct.additionaleventdata", S, 0},
    {"s3.uri", S, 0}, {"s3.bucket", S, 0}, {"s3.key", S, 0}, {"s3.bytes", U, 0}, {"s3.bytes.in", U, H},
    {"s3.bytes.out", U, H}, {"s3.cnt.get", U, H}, {"s3.cnt.put", U, H}, {"s3.cnt.other", U, H},
    {"ec2.name", S, 0}, {"ec2.imageid", S, 0}, {"ec2.imageids", L, I},
    {"ecr.repository", S, 0}, {"ecr.imagetag", S, 0}, {"iam.role", S, 0}, {"iam.policy", S, 0},
};

#define CONTAINER_FIELDS(list)                                                                              \
    {"ka.req.pod." list ".name", L, I}, {"ka.req.pod." list ".image", L, I},                                 \
    {"ka.req.pod." list ".image.repository", L, I}, {"ka.req.pod." list ".command", L, I},                   \
    {"ka.req.pod." list ".args", L, I}, {"ka.req.pod." list ".privileged", L, I},                            \
    {"ka.req.pod." list ".allow_privilege_escalation", L, I}, {"ka.req.pod." list ".read_only_fs", L, I},    \
    {"ka.req.pod." list ".run_as_user", L, I}, {"ka.req.pod." list ".eff_run_as_user", L, I},                \
    {"ka.req.pod." list ".run_as_group", L, I}, {"ka.req.pod." list ".eff_run_as_group", L, I},              \
    {"ka.req.pod." list ".proc_mount", L, I}, {"ka.req.pod." list ".add_capabilities", L, I}

static const struct expect ka_expect[] = {
    {"ka.auditid", S, 0}, {"ka.stage", S, 0}, {"ka.auth.decision", S, 0}, {"ka.auth.reason", S, 0},
    {"ka.auth.openshift.decision", S, 0}, {"ka.validations.admission.policy.failure", S, 0},
    {"ka.security.pod.violations", S, 0}, {"ka.auth.openshift.username", S, 0}, {"ka.user.name", S, 0},
    {"ka.user.groups", L, 0}, {"ka.impuser.name", S, 0}, {"ka.verb", S, 0}, {"ka.uri", S, 0},
    {"ka.uri.param", S, KR}, {"ka.target.name", S, 0}, {"ka.target.namespace", S, 0},
    {"ka.target.resource", S, 0}, {"ka.target.subresource", S, 0}, {"ka.target.pod.name", S, 0},
    {"ka.req.binding.subjects", L, 0}, {"ka.req.binding.subjects.user_names", L, 0},
    {"ka.req.binding.subjects.serviceaccount_names", L, 0}, {"ka.req.binding.subjects.serviceaccount_ns_names", L, 0},
    {"ka.req.binding.subjects.group_names", L, 0}, {"ka.req.binding.role", S, 0},
    {"ka.req.binding.subject.has_name", S, KR}, {"ka.req.configmap.name", S, 0}, {"ka.req.configmap.obj", S, 0},
    CONTAINER_FIELDS("containers"),
    {"ka.req.pod.containers.host_port", L, I},
    {"ka.req.container.image", S, 0}, {"ka.req.container.image.repository", S, 0},
    {"ka.req.pod.host_ipc", S, 0}, {"ka.req.pod.host_network", S, 0}, {"ka.req.container.host_network", S, 0},
    {"ka.req.pod.host_pid", S, 0}, {"ka.req.container.privileged", S, 0},
    {"ka.req.pod.run_as_user", S, 0}, {"ka.req.pod.run_as_group", S, 0},
    {"ka.req.role.rules", L, 0}, {"ka.req.role.rules.apiGroups", L, I}, {"ka.req.role.rules.nonResourceURLs", L, I},
    {"ka.req.role.rules.verbs", L, I}, {"ka.req.role.rules.resources", L, I}, {"ka.req.pod.fs_group", S, 0},
    {"ka.req.pod.supplemental_groups", L, 0}, {"ka.req.service.type", S, 0}, {"ka.req.service.ports", L, I},
    {"ka.req.pod.volumes.hostpath", L, I}, {"ka.req.volume.hostpath", S, KR},
    {"ka.req.pod.volumes.flexvolume_driver", L, I}, {"ka.req.pod.volumes.volume_type", L, I},
    {"ka.resp.name", S, 0}, {"ka.response.code", S, 0}, {"ka.response.reason", S, 0}, {"ka.useragent", S, 0},
    {"ka.sourceips", L, I}, {"ka.cluster.name", S, 0},
    CONTAINER_FIELDS("initContainers"),
    {"ka.req.pod.initContainers.host_port", L, I},
    CONTAINER_FIELDS("ephemeralContainers"),
};

static void check_expected(const struct expect *e, size_t n, enum th_srckind src)
{
    for (size_t i = 0; i < n; i++) {
        int id = th_field_find(e[i].name, strlen(e[i].name), src);
        if (id < 0) {
            th_test_fail(__FILE__, __LINE__, "%s is not registered for %s", e[i].name, th_srckind_name(src));
            continue;
        }
        const struct th_field_def *d = th_field_by_id((uint16_t)id);
        if (d->type != e[i].type) {
            th_test_fail(__FILE__, __LINE__, "%s has type %s, expected %s", e[i].name, th_ftype_name(d->type),
                         th_ftype_name(e[i].type));
        }
        unsigned mask = TH_FF_HIDDEN | TH_FF_ARG_INDEX | TH_FF_ARG_KEY | TH_FF_ARG_REQUIRED;
        if ((d->flags & mask) != e[i].flags) {
            th_test_fail(__FILE__, __LINE__, "%s has flags 0x%x, expected 0x%x", e[i].name, d->flags & mask,
                         e[i].flags);
        }
    }
}

static size_t count_prefixed(const char *const *prefixes)
{
    size_t n = 0;
    for (size_t i = 0; i < th_field_count(); i++) {
        const char *name = th_field_by_id((uint16_t)i)->name;
        for (const char *const *p = prefixes; *p; p++) {
            if (strncmp(name, *p, strlen(*p)) == 0) {
                n++;
            }
        }
    }
    return n;
}

TH_TEST(test_all_73_cloudtrail_plugin_fields_are_registered_with_their_types)
{
    TH_CHECK_INT(sizeof ct_expect / sizeof ct_expect[0], 73);
    check_expected(ct_expect, sizeof ct_expect / sizeof ct_expect[0], TH_SRC_CLOUDTRAIL);
    static const char *const pfx[] = {"ct.", "s3.", "ec2.", "ecr.", "iam.", NULL};
    TH_CHECK_INT(count_prefixed(pfx), 73);
}

TH_TEST(test_all_100_k8saudit_plugin_fields_are_registered_with_their_types)
{
    TH_CHECK_INT(sizeof ka_expect / sizeof ka_expect[0], 100);
    check_expected(ka_expect, sizeof ka_expect / sizeof ka_expect[0], TH_SRC_K8S_AUDIT);
    static const char *const pfx[] = {"ka.", NULL};
    TH_CHECK_INT(count_prefixed(pfx), 100);
}

TH_TEST(test_json_plugin_fields_exist_for_both_sources)
{
    static const char *const names[] = {"json.value", "jevt.value", "json.obj", "jevt.obj", "json.rawtime", "jevt.rawtime"};
    for (size_t i = 0; i < 6; i++) {
        TH_CHECK(th_field_find(names[i], strlen(names[i]), TH_SRC_CLOUDTRAIL) >= 0);
        TH_CHECK(th_field_find(names[i], strlen(names[i]), TH_SRC_K8S_AUDIT) >= 0);
    }
    const struct th_field_def *d = th_field_by_id((uint16_t)th_field_find("json.value", 10, TH_SRC_UNKNOWN));
    TH_CHECK((d->flags & TH_FF_ARG_KEY) && (d->flags & TH_FF_ARG_REQUIRED));
    TH_CHECK(th_field_find("evt.time", 8, TH_SRC_K8S_AUDIT) >= 0);
    TH_CHECK_INT(th_field_by_id((uint16_t)th_field_find("evt.time", 8, TH_SRC_UNKNOWN))->type, TH_FT_TIME);
    TH_CHECK_INT(th_field_by_id((uint16_t)th_field_find("evt.num", 7, TH_SRC_UNKNOWN))->type, TH_FT_U64);
}

TH_TEST(test_every_field_has_a_unique_name_a_description_and_an_extractor)
{
    size_t n = th_field_count();
    TH_CHECK(n >= 73 + 100 + 6 + 4);
    for (size_t i = 0; i < n; i++) {
        const struct th_field_def *d = th_field_by_id((uint16_t)i);
        TH_CHECK(d->name && d->desc && d->desc[0] && d->display && d->extract && d->sources);
        TH_CHECK_INT(th_field_find(d->name, strlen(d->name), TH_SRC_UNKNOWN), (long long)i);
        TH_CHECK((d->sources & ~TH_SRC_ALL) == 0);
    }
    TH_CHECK(th_field_by_id((uint16_t)n) == NULL);
}

TH_TEST(test_find_respects_the_source_and_the_exact_length)
{
    TH_CHECK(th_field_find("ct.user", 7, TH_SRC_CLOUDTRAIL) >= 0);
    TH_CHECK_INT(th_field_find("ct.user", 7, TH_SRC_K8S_AUDIT), -1);
    TH_CHECK_INT(th_field_find("ka.verb", 7, TH_SRC_CLOUDTRAIL), -1);
    TH_CHECK(th_field_find("ct.user.arnXYZ", 11, TH_SRC_CLOUDTRAIL) ==
             th_field_find("ct.user.arn", 11, TH_SRC_UNKNOWN));
    TH_CHECK_INT(th_field_find("ct.use", 6, TH_SRC_UNKNOWN), -1);
    TH_CHECK_INT(th_field_find("nope", 4, TH_SRC_UNKNOWN), -1);
}

TH_TEST(test_suggest_offers_the_closest_name_within_three_edits)
{
    TH_CHECK_STR(th_field_suggest("ct.usr", 6, TH_SRC_CLOUDTRAIL), "ct.user");
    TH_CHECK_STR(th_field_suggest("ka.target.namspace", 18, TH_SRC_K8S_AUDIT), "ka.target.namespace");
    TH_CHECK(th_field_suggest("completely.unrelated", 20, TH_SRC_UNKNOWN) == NULL);
    TH_CHECK(th_field_suggest("ka.verbb", 8, TH_SRC_CLOUDTRAIL) == NULL || strncmp(th_field_suggest("ka.verbb", 8, TH_SRC_CLOUDTRAIL), "ka.", 3) != 0);
}

TH_TEST(test_source_and_type_names_round_trip)
{
    TH_CHECK_STR(th_srckind_name(TH_SRC_CLOUDTRAIL), "aws_cloudtrail");
    TH_CHECK_STR(th_srckind_name(TH_SRC_K8S_AUDIT), "k8s_audit");
    TH_CHECK_STR(th_srckind_name(TH_SRC_UNKNOWN), "unknown");
    TH_CHECK_INT(th_srckind_parse("aws_cloudtrail", 14), TH_SRC_CLOUDTRAIL);
    TH_CHECK_INT(th_srckind_parse("k8s_audit", 9), TH_SRC_K8S_AUDIT);
    TH_CHECK_INT(th_srckind_parse("k8s_audi", 8), TH_SRC_UNKNOWN);
    TH_CHECK_STR(th_ftype_name(TH_FT_STR), "string");
    TH_CHECK_STR(th_ftype_name(TH_FT_U64), "uint64");
    TH_CHECK_STR(th_ftype_name(TH_FT_BOOL), "bool");
    TH_CHECK_STR(th_ftype_name(TH_FT_TIME), "abstime");
    TH_CHECK_STR(th_ftype_name(TH_FT_IP), "ipaddr");
    TH_CHECK_STR(th_ftype_name(TH_FT_STRLIST), "list");
}

TH_RUN_TESTS()
