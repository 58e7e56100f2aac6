/* test_ct_fields.c - the cloudtrail-plugin fields (ct.*, s3.*, ec2.*, ecr.*, iam.*) on small fixture records
 * (tests/fixtures/fields/ct_*.json), present and absent cases, including the documented deviations. */
#include "support_fieldtest.h"
#include "th_test.h"

#define LOAD(fe, name)                                                                      \
    struct ft_event fe;                                                                     \
    if (!ft_load(&fe, "fields/" name)) {                                                    \
        ft_free(&fe);                                                                       \
        return;                                                                             \
    }

TH_TEST(test_plain_keys_extract_their_string_values)
{
    LOAD(fe, "ct_iam_user_s3_get_object.json");
    TH_CHECK_STR(ft_get(&fe, "ct.id"), "e-0001");
    TH_CHECK_STR(ft_get(&fe, "ct.time"), "2024-03-01T10:00:00Z");
    TH_CHECK_STR(ft_get(&fe, "ct.src"), "s3.amazonaws.com");
    TH_CHECK_STR(ft_get(&fe, "ct.name"), "GetObject");
    TH_CHECK_STR(ft_get(&fe, "ct.region"), "eu-west-1");
    TH_CHECK_STR(ft_get(&fe, "ct.srcip"), "203.0.113.7");
    TH_CHECK_STR(ft_get(&fe, "ct.useragent"), "[aws-cli/2.15.0 Python/3.11]");
    TH_CHECK_STR(ft_get(&fe, "ct.user.identitytype"), "IAMUser");
    TH_CHECK_STR(ft_get(&fe, "ct.user.principalid"), "AIDAEXAMPLE");
    TH_CHECK_STR(ft_get(&fe, "ct.user.arn"), "arn:aws:iam::111122223333:user/alice");
    TH_CHECK_STR(ft_get(&fe, "ct.user.accountid"), "111122223333");
    TH_CHECK_STR(ft_get(&fe, "ct.requestid"), "REQ1");
    TH_CHECK_STR(ft_get(&fe, "ct.eventtype"), "AwsApiCall");
    TH_CHECK_STR(ft_get(&fe, "ct.recipientaccountid"), "111122223333");
    TH_CHECK_STR(ft_get(&fe, "ct.eventcategory"), "Data");
    TH_CHECK_STR(ft_get(&fe, "ct.tlsdetails.tlsversion"), "TLSv1.3");
    TH_CHECK_STR(ft_get(&fe, "ct.tlsdetails.ciphersuite"), "TLS_AES_128_GCM_SHA256");
    TH_CHECK_STR(ft_get(&fe, "ct.tlsdetails.clientprovidedhostheader"), "corp-data.s3.eu-west-1.amazonaws.com");
    TH_CHECK_STR(ft_get(&fe, "ct.request.host"), "corp-data.s3.eu-west-1.amazonaws.com");
    ft_free(&fe);
}

TH_TEST(test_missing_keys_are_absent)
{
    LOAD(fe, "ct_iam_user_s3_get_object.json");
    TH_CHECK(ft_get(&fe, "ct.error") == NULL);
    TH_CHECK(ft_get(&fe, "ct.errormessage") == NULL);
    TH_CHECK(ft_get(&fe, "ct.apiversion") == NULL);
    TH_CHECK(ft_get(&fe, "ct.sharedeventid") == NULL);
    TH_CHECK(ft_get(&fe, "ct.vpcendpointid") == NULL);
    TH_CHECK(ft_get(&fe, "ct.addendum.reason") == NULL);
    TH_CHECK(ft_get(&fe, "ct.request.documentname") == NULL);
    TH_CHECK(ft_get(&fe, "ct.serviceeventdetails") == NULL);
    TH_CHECK(ft_get(&fe, "ec2.name") == NULL);
    TH_CHECK(ft_get(&fe, "ec2.imageids") == NULL);
    TH_CHECK(ft_get(&fe, "ec2.imageid") == NULL);
    TH_CHECK(ft_get(&fe, "iam.role") == NULL);
    TH_CHECK(ft_get(&fe, "ecr.repository") == NULL);
    ft_free(&fe);
}

TH_TEST(test_error_fields_are_present_when_the_call_failed)
{
    LOAD(fe, "ct_root_console_login_failure.json");
    TH_CHECK_STR(ft_get(&fe, "ct.error"), "Failed authentication");
    TH_CHECK_STR(ft_get(&fe, "ct.errormessage"), "Failed authentication");
    ft_free(&fe);
}

TH_TEST(test_shortsrc_drops_the_amazonaws_suffix_only)
{
    LOAD(fe, "ct_iam_user_s3_get_object.json");
    TH_CHECK_STR(ft_get(&fe, "ct.shortsrc"), "s3");
    ft_free(&fe);
    struct ft_event g;
    ft_load_text(&g, "{\"eventSource\":\"custom.example.com\",\"eventName\":\"X\"}");
    TH_CHECK_STR(ft_get(&g, "ct.shortsrc"), "custom.example.com");
    ft_free(&g);
    ft_load_text(&g, "{\"eventSource\":\".amazonaws.com\",\"eventName\":\"X\"}");
    TH_CHECK_STR(ft_get(&g, "ct.shortsrc"), ".amazonaws.com");
    ft_free(&g);
}

TH_TEST(test_user_of_root_and_iam_user_is_the_user_name)
{
    LOAD(fe, "ct_root_console_login_failure.json");
    TH_CHECK_STR(ft_get(&fe, "ct.user"), "root-user");
    TH_CHECK_STR(ft_get(&fe, "ct.originaluser"), "root-user");
    ft_free(&fe);
    LOAD(g, "ct_iam_user_s3_get_object.json");
    TH_CHECK_STR(ft_get(&g, "ct.user"), "alice");
    ft_free(&g);
}

TH_TEST(test_user_of_assumed_role_is_the_session_issuer)
{
    LOAD(fe, "ct_assumed_role_run_instances.json");
    TH_CHECK_STR(ft_get(&fe, "ct.user"), "DeployRole");
    TH_CHECK_STR(ft_get(&fe, "ct.originaluser"), "ci-session");
    ft_free(&fe);
}

TH_TEST(test_assumed_role_without_issuer_is_literal_and_original_user_comes_from_principal)
{
    LOAD(fe, "ct_assumed_role_without_issuer.json");
    TH_CHECK_STR(ft_get(&fe, "ct.user"), "AssumedRole");
    /* the arn has four '/'-separated parts, so the principalId's second ':' part is used */
    TH_CHECK_STR(ft_get(&fe, "ct.originaluser"), "bob@example.com");
    ft_free(&fe);
}

TH_TEST(test_user_of_aws_service_is_invoked_by)
{
    LOAD(fe, "ct_aws_service_event.json");
    TH_CHECK_STR(ft_get(&fe, "ct.user"), "cloudtrail.amazonaws.com");
    TH_CHECK(ft_get(&fe, "ct.originaluser") == NULL);
    ft_free(&fe);
}

TH_TEST(test_user_of_account_and_federated_types_is_the_type_name)
{
    LOAD(fe, "ct_aws_account.json");
    TH_CHECK_STR(ft_get(&fe, "ct.user"), "AWSAccount");
    ft_free(&fe);
    LOAD(g, "ct_federated_user.json");
    TH_CHECK_STR(ft_get(&g, "ct.user"), "FederatedUser");
    ft_free(&g);
}

TH_TEST(test_user_of_other_identity_types_is_absent)
{
    LOAD(fe, "ct_identity_center_user.json");
    TH_CHECK(ft_get(&fe, "ct.user") == NULL);
    TH_CHECK_STR(ft_get(&fe, "ct.user.identitytype"), "IdentityCenterUser");
    TH_CHECK_STR(ft_get(&fe, "ct.info"), "<invalid cloudtrail event: userIdentity field missing>");
    ft_free(&fe);
}

TH_TEST(test_account_id_falls_back_to_recipient_account)
{
    LOAD(fe, "ct_aws_service_event.json");
    TH_CHECK_STR(ft_get(&fe, "ct.user.accountid"), "444455556666");
    ft_free(&fe);
}

TH_TEST(test_request_response_and_additional_data_are_compact_json)
{
    LOAD(fe, "ct_iam_user_s3_get_object.json");
    TH_CHECK_STR(ft_get(&fe, "ct.request"),
                 "{\"bucketName\":\"corp-data\",\"Host\":\"corp-data.s3.eu-west-1.amazonaws.com\",\"key\":\"reports/q1 final.pdf\"}");
    TH_CHECK_STR(ft_get(&fe, "ct.response"), "null");
    TH_CHECK_STR(ft_get(&fe, "ct.additionaleventdata"),
                 "{\"SignatureVersion\":\"SigV4\",\"bytesTransferredIn\":0,\"bytesTransferredOut\":1536.0,\"x-amz-id-2\":\"abc\"}");
    ft_free(&fe);
}

TH_TEST(test_resources_are_compact_json_joined_with_commas)
{
    LOAD(fe, "ct_iam_user_s3_get_object.json");
    TH_CHECK_STR(ft_get(&fe, "ct.resources"),
                 "{\"type\":\"AWS::S3::Object\",\"ARN\":\"arn:aws:s3:::corp-data/reports/q1 final.pdf\"},"
                 "{\"accountId\":\"111122223333\",\"type\":\"AWS::S3::Bucket\",\"ARN\":\"arn:aws:s3:::corp-data\"}");
    ft_free(&fe);
    LOAD(g, "ct_addendum_edge_details.json");
    TH_CHECK(ft_get(&g, "ct.resources") == NULL); /* empty array */
    ft_free(&g);
}

TH_TEST(test_bool_fields_render_true_and_false_text)
{
    LOAD(fe, "ct_iam_user_s3_get_object.json");
    TH_CHECK_STR(ft_get(&fe, "ct.readonly"), "true");
    TH_CHECK_STR(ft_get(&fe, "ct.managementevent"), "false");
    ft_free(&fe);
    LOAD(g, "ct_root_console_login_failure.json");
    TH_CHECK_STR(ft_get(&g, "ct.readonly"), "false");
    TH_CHECK_STR(ft_get(&g, "ct.managementevent"), "true");
    ft_free(&g);
    LOAD(h, "ct_assumed_role_without_issuer.json");
    TH_CHECK(ft_get(&h, "ct.readonly") == NULL);
    TH_CHECK(ft_get(&h, "ct.managementevent") == NULL);
    ft_free(&h);
}

TH_TEST(test_session_credential_from_console_accepts_string_and_bool_true)
{
    LOAD(fe, "ct_iam_user_s3_get_object.json");
    TH_CHECK_STR(ft_get(&fe, "ct.sessioncredentialfromconsole"), "true"); /* "true" string */
    ft_free(&fe);
    LOAD(g, "ct_root_console_login_failure.json");
    TH_CHECK_STR(ft_get(&g, "ct.sessioncredentialfromconsole"), "true"); /* JSON true */
    ft_free(&g);
    struct ft_event h;
    ft_load_text(&h, "{\"eventName\":\"X\",\"sessionCredentialFromConsole\":\"false\"}");
    TH_CHECK_STR(ft_get(&h, "ct.sessioncredentialfromconsole"), "false");
    ft_free(&h);
    LOAD(k, "ct_aws_account.json");
    TH_CHECK(ft_get(&k, "ct.sessioncredentialfromconsole") == NULL);
    ft_free(&k);
}

TH_TEST(test_s3_fields_build_the_uri_and_sum_bytes)
{
    LOAD(fe, "ct_iam_user_s3_get_object.json");
    TH_CHECK_STR(ft_get(&fe, "s3.bucket"), "corp-data");
    TH_CHECK_STR(ft_get(&fe, "s3.key"), "reports/q1 final.pdf");
    TH_CHECK_STR(ft_get(&fe, "s3.uri"), "s3://corp-data/reports/q1 final.pdf");
    struct th_val v;
    TH_CHECK_INT(ft_val(&fe, "s3.bytes", &v), 1);
    TH_CHECK_INT(v.type, TH_FT_U64);
    TH_CHECK_INT(v.u.i, 1536);
    TH_CHECK_STR(ft_get(&fe, "s3.bytes.in"), "0");
    TH_CHECK_STR(ft_get(&fe, "s3.bytes.out"), "1536");
    TH_CHECK_STR(ft_get(&fe, "s3.cnt.get"), "1");
    TH_CHECK(ft_get(&fe, "s3.cnt.put") == NULL);
    TH_CHECK(ft_get(&fe, "s3.cnt.other") == NULL);
    ft_free(&fe);
}

TH_TEST(test_s3_uri_needs_both_bucket_and_key)
{
    LOAD(fe, "ct_put_bucket_public_access_block.json");
    TH_CHECK_STR(ft_get(&fe, "s3.bucket"), "corp-data");
    TH_CHECK(ft_get(&fe, "s3.uri") == NULL);
    TH_CHECK_STR(ft_get(&fe, "s3.bytes"), "512");
    TH_CHECK_STR(ft_get(&fe, "s3.bytes.in"), "512");
    TH_CHECK(ft_get(&fe, "s3.bytes.out") == NULL);
    TH_CHECK_STR(ft_get(&fe, "s3.cnt.other"), "1");
    ft_free(&fe);
    LOAD(g, "ct_aws_account.json");
    TH_CHECK(ft_get(&g, "s3.bytes") == NULL);
    ft_free(&g);
}

TH_TEST(test_info_summarises_who_where_what_and_the_object)
{
    LOAD(fe, "ct_iam_user_s3_get_object.json");
    TH_CHECK_STR(ft_get(&fe, "ct.info"),
                 "alice via 203.0.113.7 \xe2\x86\x90 GetObject Size=1536 URI=s3://corp-data/reports/q1 final.pdf");
    ft_free(&fe);
    LOAD(g, "ct_root_console_login_failure.json");
    TH_CHECK_STR(ft_get(&g, "ct.info"), "root-user via 198.51.100.4 !\xe2\x86\x92 ConsoleLogin");
    ft_free(&g);
}

TH_TEST(test_info_omits_via_when_user_equals_source)
{
    LOAD(fe, "ct_addendum_edge_details.json");
    TH_CHECK_STR(ft_get(&fe, "ct.info"), "alice \xe2\x86\x90 DescribeDevice");
    ft_free(&fe);
}

TH_TEST(test_info_of_public_access_block_reads_the_configuration_flags)
{
    LOAD(fe, "ct_put_bucket_public_access_block.json");
    TH_CHECK_STR(ft_get(&fe, "ct.info"),
                 "alice via 203.0.113.7 \xe2\x86\x92 PutBucketPublicAccessBlock BlockPublicAcls=false "
                 "BlockPublicPolicy=true IgnorePublicAcls=true RestrictPublicBuckets=false ");
    ft_free(&fe);
}

TH_TEST(test_ec2_name_is_the_instance_name_tag)
{
    LOAD(fe, "ct_assumed_role_run_instances.json");
    TH_CHECK_STR(ft_get(&fe, "ec2.name"), "web-1");
    TH_CHECK_STR(ft_get(&fe, "ct.response.reservationid"), "r-0123456789");
    TH_CHECK_STR(ft_get(&fe, "ct.response.subnetid"), "subnet-0abc");
    TH_CHECK_STR(ft_get(&fe, "ct.request.subnetid"), "subnet-0abc");
    TH_CHECK_STR(ft_get(&fe, "ct.request.availabilityzone"), "us-west-2a");
    ft_free(&fe);
}

TH_TEST(test_ec2_image_ids_come_from_the_response_with_index_argument)
{
    LOAD(fe, "ct_assumed_role_run_instances.json");
    struct th_val v;
    TH_CHECK_INT(ft_val(&fe, "ec2.imageids", &v), 1);
    TH_CHECK_INT(v.type, TH_FT_STRLIST);
    TH_CHECK_INT(v.u.list.n, 2);
    TH_CHECK_STR(ft_get(&fe, "ec2.imageids"), "(ami-0aaa,ami-0bbb)");
    TH_CHECK_STR(ft_get(&fe, "ec2.imageids[1]"), "(ami-0bbb)");
    TH_CHECK(ft_get(&fe, "ec2.imageids[2]") == NULL);
    TH_CHECK_STR(ft_get(&fe, "ec2.imageid"), "ami-0aaa");
    ft_free(&fe);
}

TH_TEST(test_ec2_image_ids_fall_back_to_the_spot_launch_specification)
{
    LOAD(fe, "ct_request_spot_instances.json");
    TH_CHECK_STR(ft_get(&fe, "ec2.imageids"), "(ami-0spot)");
    TH_CHECK_STR(ft_get(&fe, "ec2.imageid"), "ami-0spot");
    ft_free(&fe);
}

TH_TEST(test_document_name_is_read_from_the_request)
{
    LOAD(fe, "ct_ssm_send_command_escaped.json");
    TH_CHECK_STR(ft_get(&fe, "ct.request.documentname"), "AWS-RunShellScript");
    ft_free(&fe);
}

TH_TEST(test_escaped_strings_are_unescaped_and_reescaped_canonically)
{
    LOAD(fe, "ct_ssm_send_command_escaped.json");
    TH_CHECK_STR(ft_get(&fe, "ct.user"), "d\xc3\xa9v/ops");
    TH_CHECK_STR(ft_get(&fe, "ct.useragent"), "agent \"quoted\"");
    TH_CHECK_STR(ft_get(&fe, "ct.user.arn"), "arn:aws:iam::111122223333:user/d\xc3\xa9v");
    /* user equals source IP once both are unescaped */
    TH_CHECK_STR(ft_get(&fe, "ct.info"), "d\xc3\xa9v/ops !\xe2\x86\x92 SendCommand");
    const char *req = ft_get(&fe, "ct.request");
    TH_CHECK(req && strstr(req, "\"comment\":\"line1\\nline2\\ttab\"") != NULL);
    ft_free(&fe);
}

TH_TEST(test_iam_ecr_and_request_fields_read_request_parameters)
{
    LOAD(fe, "ct_assumed_role_without_issuer.json");
    TH_CHECK_STR(ft_get(&fe, "iam.role"), "AppRole");
    TH_CHECK_STR(ft_get(&fe, "iam.policy"), "AdministratorAccess");
    ft_free(&fe);
    LOAD(g, "ct_addendum_edge_details.json");
    TH_CHECK_STR(ft_get(&g, "ct.request.reason"), "audit");
    TH_CHECK_STR(ft_get(&g, "ct.request.target"), "dev-1");
    TH_CHECK_STR(ft_get(&g, "ct.request.serialnumber"), "SN-1");
    TH_CHECK_STR(ft_get(&g, "ct.request.servicename"), "edge");
    TH_CHECK_STR(ft_get(&g, "ct.request.cluster"), "c-1");
    TH_CHECK_STR(ft_get(&g, "ct.request.functionname"), "fn");
    TH_CHECK_STR(ft_get(&g, "ct.request.groupname"), "g");
    TH_CHECK_STR(ft_get(&g, "ct.request.name"), "n");
    TH_CHECK_STR(ft_get(&g, "ct.request.policy"), "{}");
    TH_CHECK_STR(ft_get(&g, "ct.request.taskdefinition"), "td:1");
    TH_CHECK_STR(ft_get(&g, "ct.request.username"), "u1");
    TH_CHECK_STR(ft_get(&g, "ct.apiversion"), "2017-01-01");
    TH_CHECK_STR(ft_get(&g, "ct.vpcendpointid"), "vpce-123");
    TH_CHECK_STR(ft_get(&g, "ct.addendum.reason"), "DELIVERY_DELAY");
    TH_CHECK_STR(ft_get(&g, "ct.addendum.updatedfields"), "eventTime");
    TH_CHECK_STR(ft_get(&g, "ct.addendum.originalrequestid"), "oreq");
    TH_CHECK_STR(ft_get(&g, "ct.addendum.originaleventid"), "oev");
    TH_CHECK_STR(ft_get(&g, "ct.edgedevicedetails"), "{\"type\":\"Snowball\",\"deviceID\":\"d-1\"}");
    ft_free(&g);
}

TH_TEST(test_object_valued_service_event_details_render_as_json)
{
    LOAD(fe, "ct_aws_service_event.json");
    TH_CHECK_STR(ft_get(&fe, "ct.serviceeventdetails"), "{\"reason\":\"rotation\",\"count\":2}");
    TH_CHECK_STR(ft_get(&fe, "ct.sharedeventid"), "shared-1");
    ft_free(&fe);
}

TH_TEST(test_non_string_value_of_a_string_key_extracts_as_empty)
{
    struct ft_event fe;
    ft_load_text(&fe, "{\"eventName\":\"X\",\"errorCode\":null,\"awsRegion\":7}");
    TH_CHECK_STR(ft_get(&fe, "ct.error"), "");
    TH_CHECK_STR(ft_get(&fe, "ct.region"), "");
    ft_free(&fe);
}

TH_TEST(test_eventbridge_wrapped_record_is_read_below_detail)
{
    LOAD(fe, "ct_eventbridge_wrapped.json");
    TH_CHECK(fe.ev.root != 0);
    TH_CHECK_STR(ft_get(&fe, "ct.name"), "PutImage");
    TH_CHECK_STR(ft_get(&fe, "ecr.repository"), "web");
    TH_CHECK_STR(ft_get(&fe, "ecr.imagetag"), "v1.2.3");
    TH_CHECK_STR(ft_get(&fe, "ct.user"), "builder");
    ft_free(&fe);
}

TH_RUN_TESTS()
