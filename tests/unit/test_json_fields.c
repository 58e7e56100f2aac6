/* test_json_fields.c - the json plugin fields (json.value[ptr], json.obj, json.rawtime and the jevt.* aliases)
 * and the generic evt.* fields, on the field fixtures of both sources. */
#include "support_fieldtest.h"
#include "th_test.h"

#define LOAD(fe, name)                                                                      \
    struct ft_event fe;                                                                     \
    if (!ft_load(&fe, "fields/" name)) {                                                    \
        ft_free(&fe);                                                                       \
        return;                                                                             \
    }

TH_TEST(test_json_value_returns_strings_unquoted)
{
    LOAD(fe, "ct_root_console_login_failure.json");
    TH_CHECK_STR(ft_get(&fe, "json.value[/responseElements/ConsoleLogin]"), "Failure");
    TH_CHECK_STR(ft_get(&fe, "json.value[/additionalEventData/MFAUsed]"), "No");
    TH_CHECK_STR(ft_get(&fe, "jevt.value[/userIdentity/type]"), "Root");
    ft_free(&fe);
}

TH_TEST(test_json_value_renders_other_types_as_compact_json)
{
    LOAD(fe, "ct_put_bucket_public_access_block.json");
    TH_CHECK_STR(ft_get(&fe, "json.value[/requestParameters/PublicAccessBlockConfiguration/BlockPublicAcls]"), "false");
    TH_CHECK_STR(ft_get(&fe, "json.value[/additionalEventData/bytesTransferredIn]"), "512");
    TH_CHECK_STR(ft_get(&fe, "json.value[/responseElements]"), "null");
    TH_CHECK_STR(ft_get(&fe, "json.value[/additionalEventData]"), "{\"bytesTransferredIn\":512}");
    TH_CHECK_STR(ft_get(&fe, "json.value[/requestParameters/publicAccessBlock]"), "");
    ft_free(&fe);
    LOAD(g, "ka_pod_create.json");
    TH_CHECK_STR(ft_get(&g, "jevt.value[/user/groups]"), "[\"system:authenticated\",\"devs\"]");
    TH_CHECK_STR(ft_get(&g, "jevt.value[/requestObject/spec/containers/1/name]"), "sidecar");
    ft_free(&g);
}

TH_TEST(test_json_value_unescapes_pointer_tokens)
{
    LOAD(fe, "ka_pod_create.json");
    TH_CHECK_STR(ft_get(&fe, "jevt.value[/annotations/authorization.k8s.io~1decision]"), "allow");
    ft_free(&fe);
    struct ft_event g;
    ft_load_text(&g, "{\"auditID\":\"x\",\"a~b\":{\"c/d\":1}}");
    TH_CHECK_STR(ft_get(&g, "json.value[/a~0b/c~1d]"), "1");
    ft_free(&g);
}

TH_TEST(test_json_value_of_a_missing_pointer_is_absent)
{
    LOAD(fe, "ct_iam_user_s3_get_object.json");
    TH_CHECK(ft_get(&fe, "json.value[/responseElements/ConsoleLogin]") == NULL);
    TH_CHECK(ft_get(&fe, "json.value[/resources/5]") == NULL);
    TH_CHECK(ft_get(&fe, "json.value[/eventName/x]") == NULL);
    TH_CHECK_STR(ft_get(&fe, "json.value[/resources/1/type]"), "AWS::S3::Bucket");
    struct th_fieldref ref = {(uint16_t)th_field_find("json.value", 10, TH_SRC_CLOUDTRAIL), TH_NO_SLOT, -1, NULL, 0};
    struct th_val v;
    TH_CHECK_INT(th_field_by_id(ref.id)->extract(&fe.ev, &ref, &v), 0); /* no argument */
    ft_free(&fe);
}

TH_TEST(test_json_pointers_are_relative_to_the_audit_record)
{
    LOAD(fe, "ct_eventbridge_wrapped.json");
    TH_CHECK_STR(ft_get(&fe, "json.value[/eventName]"), "PutImage");
    TH_CHECK(ft_get(&fe, "json.value[/detail-type]") == NULL);
    const char *obj = ft_get(&fe, "json.obj");
    TH_CHECK(obj && strncmp(obj, "{\"eventVersion\":\"1.08\",", 23) == 0);
    ft_free(&fe);
}

TH_TEST(test_json_obj_is_the_compact_record_for_both_aliases)
{
    struct ft_event fe;
    ft_load_text(&fe, "{ \"auditID\" : \"x\",\n \"n\" : [ 1 , 2.5e1 , true ],\n \"s\":\"a\\u0041\" }");
    TH_CHECK_STR(ft_get(&fe, "json.obj"), "{\"auditID\":\"x\",\"n\":[1,2.5e1,true],\"s\":\"aA\"}");
    TH_CHECK_STR(ft_get(&fe, "jevt.obj"), ft_get(&fe, "json.obj"));
    ft_free(&fe);
}

TH_TEST(test_rawtime_is_the_event_time_in_nanoseconds)
{
    LOAD(fe, "ka_pod_create.json");
    TH_CHECK_STR(ft_get(&fe, "jevt.rawtime"), "1709373600123456000");
    TH_CHECK_STR(ft_get(&fe, "json.rawtime"), "1709373600123456000");
    ft_free(&fe);
}

TH_TEST(test_evt_fields_describe_the_event)
{
    LOAD(fe, "ka_pod_create.json");
    struct th_val v;
    TH_CHECK_INT(ft_val(&fe, "evt.time", &v), 1);
    TH_CHECK_INT(v.type, TH_FT_TIME);
    TH_CHECK_INT(v.u.i, 1709373600123456000LL);
    TH_CHECK_STR(ft_get(&fe, "evt.time.iso8601"), "2024-03-02T10:00:00.123456000Z");
    TH_CHECK_STR(ft_get(&fe, "evt.source"), "k8s_audit");
    TH_CHECK_STR(ft_get(&fe, "evt.num"), "1");
    ft_free(&fe);
    LOAD(g, "ct_iam_user_s3_get_object.json");
    TH_CHECK_STR(ft_get(&g, "evt.source"), "aws_cloudtrail");
    g.ev.time_ns = 0;
    TH_CHECK(ft_get(&g, "evt.time") == NULL);
    TH_CHECK(ft_get(&g, "evt.time.iso8601") == NULL);
    ft_free(&g);
}

TH_TEST(test_plugininfo_summarises_like_the_plugins)
{
    LOAD(fe, "ct_iam_user_s3_get_object.json");
    TH_CHECK_STR(ft_get(&fe, "evt.plugininfo"),
                 "eu-west-1 alice s3 GetObject alice via 203.0.113.7 \xe2\x86\x90 GetObject Size=1536 "
                 "URI=s3://corp-data/reports/q1 final.pdf");
    ft_free(&fe);
    LOAD(g, "ct_identity_center_user.json");
    TH_CHECK_STR(ft_get(&g, "evt.plugininfo"),
                 "us-east-1  sso ListAccounts <invalid cloudtrail event: userIdentity field missing>");
    ft_free(&g);
    struct ft_event h;
    ft_load_text(&h, "{\"auditID\" : \"x\", \"verb\":\"get\"}");
    TH_CHECK_STR(ft_get(&h, "evt.plugininfo"), "{\"auditID\":\"x\",\"verb\":\"get\"}");
    ft_free(&h);
}

TH_RUN_TESTS()
