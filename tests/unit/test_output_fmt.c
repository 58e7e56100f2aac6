/* test_output_fmt.c - output templates: parsing (fields, args, widths, transformers, %%, errors with carets)
 * and rendering as text and output_fields JSON, with a table-driven value source and with a real event. */
#include <stdlib.h>
#include <string.h>

#include "output_fmt.h"
#include "support_fieldtest.h"
#include "th_test.h"

/* Fake values by field name (absent when not listed). */
struct fake {
    const char *name;
    struct th_val v;
};
static struct th_sv g_amis[] = {{"ami-1", 5}, {"ami-2", 5}};
static const struct fake g_vals[] = {
    {"ct.user", {.type = TH_FT_STR, .u.s = {"alice", 5}}},
    {"ct.name", {.type = TH_FT_STR, .u.s = {"StopLogging", 11}}},
    {"ct.region", {.type = TH_FT_STR, .u.s = {"\xC3\xA9\xC3\xA9\xC3\xA9", 6}}},  /* "ééé" */
    {"ct.useragent", {.type = TH_FT_STR, .u.s = {"a\xFF\"b", 4}}},           /* invalid UTF-8, quote */
    {"ct.srcip", {.type = TH_FT_STR, .u.s = {"/usr/bin/aws-cli", 16}}},
    {"ct.request", {.type = TH_FT_STR, .u.s = {"aGVsbG8=", 8}}},              /* base64 "hello" */
    {"s3.bytes", {.type = TH_FT_U64, .u.i = 42}},
    {"ec2.imageids", {.type = TH_FT_STRLIST, .u.list = {g_amis, 2}}},
};

static int fake_get(void *ctx, const struct th_fieldref *ref, struct th_val *out)
{
    const char *name = th_field_by_id(ref->id)->name;
    (void)ctx;
    for (size_t i = 0; i < sizeof g_vals / sizeof g_vals[0]; i++) {
        if (strcmp(g_vals[i].name, name) == 0) {
            *out = g_vals[i].v;
            return 1;
        }
    }
    return 0;
}

/* Parses fmt for CloudTrail and renders text (or JSON when json); returns a malloc'd string, NULL on error. */
static char *render(const char *fmt, bool json, unsigned flags)
{
    struct th_ofmt f;
    struct th_err err;
    struct th_buf out;
    th_err_init(&err);
    th_buf_init(&out);
    if (th_ofmt_parse(&f, fmt, strlen(fmt), TH_SRC_CLOUDTRAIL, NULL, &err, NULL) != TH_E_NONE) {
        th_test_fail(__FILE__, __LINE__, "'%s' does not parse: %s", fmt, err.n ? err.v[0].msg : "?");
        th_err_free(&err);
        return NULL;
    }
    th_buf_puts(&out, "");
    if (json) {
        th_ofmt_render_fields_json_with(&f, fake_get, NULL, flags, &out);
    } else {
        th_ofmt_render_text_with(&f, fake_get, NULL, &out);
    }
    th_ofmt_free(&f);
    th_err_free(&err);
    return th_buf_take(&out);
}

#define CHECK_RENDER(fmt, json, flags, want)                                                                     \
    do {                                                                                                         \
        char *got_ = render(fmt, json, flags);                                                                   \
        TH_CHECK_STR(got_, want);                                                                                \
        free(got_);                                                                                              \
    } while (0)

TH_TEST(test_a_literal_only_template_renders_as_is_with_empty_output_fields)
{
    CHECK_RENDER("no fields here", false, 0, "no fields here");
    CHECK_RENDER("no fields here", true, 0, "{}");
    CHECK_RENDER("", false, 0, "");
}

TH_TEST(test_fields_are_replaced_by_their_values)
{
    CHECK_RENDER("%ct.user did %ct.name (bytes=%s3.bytes)", false, 0, "alice did StopLogging (bytes=42)");
}

TH_TEST(test_a_leading_star_is_accepted_and_ignored)
{
    CHECK_RENDER("*%ct.user", false, 0, "alice");
}

TH_TEST(test_absent_fields_render_as_na_in_text_and_null_in_json)
{
    CHECK_RENDER("error=%ct.error", false, 0, "error=<NA>");
    CHECK_RENDER("error=%ct.error", true, 0, "{\"ct.error\":null}");
}

TH_TEST(test_lists_render_in_parentheses_and_as_json_arrays)
{
    CHECK_RENDER("%ec2.imageids", false, 0, "(ami-1,ami-2)");
    CHECK_RENDER("%ec2.imageids", true, 0, "{\"ec2.imageids\":[\"ami-1\",\"ami-2\"]}");
}

TH_TEST(test_uint64_fields_are_json_numbers_and_keys_are_sorted_and_unique)
{
    CHECK_RENDER("%s3.bytes %ct.user %ct.name %ct.user", true, 0,
                 "{\"ct.name\":\"StopLogging\",\"ct.user\":\"alice\",\"s3.bytes\":42}");
}

TH_TEST(test_a_field_argument_is_parsed_and_kept_in_the_output_fields_key)
{
    struct th_ofmt f;
    const char *fmt = "img=%ec2.imageids[1] v=%json.value[/requestParameters/bucketName]";
    TH_CHECK_INT(th_ofmt_parse(&f, fmt, strlen(fmt), TH_SRC_CLOUDTRAIL, NULL, NULL, NULL), TH_E_NONE);
    TH_CHECK_INT(th_ofmt_nrefs(&f), 2);
    TH_CHECK_INT(th_ofmt_ref(&f, 0)->index, 1);
    TH_CHECK_STR(th_ofmt_ref_key(&f, 0), "ec2.imageids[1]");
    TH_CHECK_STR(th_ofmt_ref(&f, 1)->key, "/requestParameters/bucketName");
    TH_CHECK_INT(th_ofmt_ref(&f, 1)->keylen, 29);
    TH_CHECK_STR(th_ofmt_ref_key(&f, 1), "json.value[/requestParameters/bucketName]");
    TH_CHECK_INT(th_ofmt_ref(&f, 1)->slot, TH_NO_SLOT);
    th_ofmt_ref(&f, 1)->slot = 7; /* the compiler assigns slots through the accessor */
    TH_CHECK_INT(f.segs[f.nsegs - 1].ref.slot, 7);
    th_ofmt_free(&f);
}

TH_TEST(test_a_width_pads_and_truncates_without_splitting_utf8)
{
    CHECK_RENDER("[%8ct.user]", false, 0, "[alice   ]");
    CHECK_RENDER("[%3ct.name]", false, 0, "[Sto]");
    CHECK_RENDER("[%6ct.error]", false, 0, "[<NA>  ]");
    CHECK_RENDER("[%3ct.region]", false, 0, "[\xC3\xA9 ]");
}

TH_TEST(test_a_double_percent_is_a_literal_percent)
{
    /* libsinsp rejects "%%" ("invalid formatting token"); trailhound accepts it as one '%'. */
    CHECK_RENDER("100%% by %ct.user", false, 0, "100% by alice");
}

TH_TEST(test_the_longest_registered_field_name_wins_as_in_libsinsp)
{
    CHECK_RENDER("user=%ct.user.", false, 0, "user=alice.");
    CHECK_RENDER("%ct.userX", false, 0, "aliceX");
}

TH_TEST(test_invalid_utf8_becomes_replacement_characters_in_both_forms)
{
    CHECK_RENDER("%ct.useragent", false, 0, "a\xEF\xBF\xBD\"b");
    CHECK_RENDER("%ct.useragent", true, 0, "{\"ct.useragent\":\"a\xEF\xBF\xBD\\\"b\"}");
}

TH_TEST(test_transformers_apply_and_are_left_out_of_output_fields_by_default)
{
    CHECK_RENDER("%toupper(ct.user) %basename(ct.srcip) %b64(ct.request) %len(ec2.imageids)", false, 0,
                 "ALICE aws-cli hello 2");
    CHECK_RENDER("%tolower(toupper(ct.user))", false, 0, "alice");
    CHECK_RENDER("%toupper(ct.user) %ct.name", true, 0, "{\"ct.name\":\"StopLogging\"}");
    CHECK_RENDER("%toupper(ct.user) %len(ct.user)", true, TH_OFMT_JSON_TRANSFORMED,
                 "{\"len(ct.user)\":5,\"toupper(ct.user)\":\"ALICE\"}");
}

TH_TEST(test_b64_of_a_text_that_is_not_base64_is_absent_as_in_conditions)
{
    CHECK_RENDER("[%b64(ct.user)]", false, 0, "[<NA>]"); /* "alice" is not base64 (a dangling 6-bit group) */
    CHECK_RENDER("[%b64(ct.user)]", true, TH_OFMT_JSON_TRANSFORMED, "{\"b64(ct.user)\":null}");
}

/* Parses a bad template at file position line 7 col 13; returns the single diagnostic (err kept by caller). */
static const struct th_diag *parse_error(const char *fmt, struct th_err *err, size_t *off)
{
    struct th_ofmt f;
    struct th_ofmt_pos pos = {"rules.yaml", 7, 13};
    th_err_init(err);
    TH_CHECK_INT(th_ofmt_parse(&f, fmt, strlen(fmt), TH_SRC_CLOUDTRAIL, &pos, err, off), TH_E_OUTPUT_FORMAT);
    TH_CHECK_INT(f.nsegs, 0);
    TH_CHECK_INT(err->n, 1);
    return err->n ? &err->v[0] : NULL;
}

TH_TEST(test_a_trailing_percent_is_an_error_with_its_column)
{
    struct th_err err;
    size_t off = 0;
    const struct th_diag *d = parse_error("user %ct.user %", &err, &off);
    TH_CHECK_INT(off, 14);
    if (d) {
        TH_CHECK_INT(d->code, TH_E_OUTPUT_FORMAT);
        TH_CHECK(strstr(d->msg, "formatting cannot end with a %") != NULL);
        TH_CHECK_STR(d->loc.file, "rules.yaml");
        TH_CHECK_INT(d->loc.line, 7);
        TH_CHECK_INT(d->loc.col, 13 + 14);
        TH_CHECK_STR(d->snippet, "user %ct.user %");
        TH_CHECK_INT(d->caret_col, 15);
    }
    th_err_free(&err);
    d = parse_error("%12", &err, &off);
    if (d) {
        TH_CHECK(strstr(d->msg, "cannot end with a number") != NULL);
    }
    th_err_free(&err);
}

TH_TEST(test_an_unknown_field_is_an_error_with_a_suggestion_and_caret)
{
    struct th_err err;
    size_t off = 0;
    const struct th_diag *d = parse_error("by %ct.usr from %ct.srcip", &err, &off);
    TH_CHECK_INT(off, 4);
    if (d) {
        TH_CHECK(strstr(d->msg, "unknown field 'ct.usr'") != NULL);
        TH_CHECK(strstr(d->msg, "did you mean 'ct.user'?") != NULL);
        TH_CHECK_INT(d->caret_col, 5);
        TH_CHECK_INT(d->caret_len, 6);
    }
    th_err_free(&err);
}

TH_TEST(test_a_field_of_another_source_is_unknown)
{
    struct th_err err;
    size_t off = 0;
    const struct th_diag *d = parse_error("%ka.verb", &err, &off);
    if (d) {
        TH_CHECK(strstr(d->msg, "for source aws_cloudtrail") != NULL);
    }
    th_err_free(&err);
}

TH_TEST(test_malformed_arguments_and_transformers_are_errors)
{
    struct th_err err;
    size_t off = 0;
    const struct th_diag *d = parse_error("%json.value", &err, &off);
    if (d) {
        TH_CHECK(strstr(d->msg, "requires an argument") != NULL);
    }
    th_err_free(&err);
    d = parse_error("%json.value[/a", &err, &off);
    if (d) {
        TH_CHECK(strstr(d->msg, "missing ']'") != NULL);
    }
    th_err_free(&err);
    d = parse_error("%ec2.imageids[x]", &err, &off);
    if (d) {
        TH_CHECK(strstr(d->msg, "numeric index") != NULL);
    }
    th_err_free(&err);
    d = parse_error("%toupper(ct.user", &err, &off);
    if (d) {
        TH_CHECK(strstr(d->msg, "missing ')'") != NULL);
    }
    th_err_free(&err);
    d = parse_error("50% off", &err, &off);
    TH_CHECK_INT(off, 2);
    if (d) {
        TH_CHECK(strstr(d->msg, "write %% for a literal %") != NULL);
    }
    th_err_free(&err);
}

TH_TEST(test_a_real_cloudtrail_event_renders_through_th_event_get)
{
    struct ft_event fe;
    struct th_ofmt f;
    struct th_buf out;
    const char *rec = "{\"eventVersion\":\"1.08\",\"eventSource\":\"cloudtrail.amazonaws.com\","
                      "\"eventName\":\"StopLogging\","
                      "\"awsRegion\":\"us-east-1\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"bob\"}}";
    const char *fmt = "%ct.name by %ct.user in %ct.region (err=%ct.error)";
    if (!ft_load_text(&fe, rec)) {
        ft_free(&fe);
        return;
    }
    TH_CHECK_INT(th_ofmt_parse(&f, fmt, strlen(fmt), TH_SRC_CLOUDTRAIL, NULL, NULL, NULL), TH_E_NONE);
    th_buf_init(&out);
    th_ofmt_render_text(&f, &fe.ev, &out);
    TH_CHECK_STR(out.data, "StopLogging by bob in us-east-1 (err=<NA>)");
    th_buf_clear(&out);
    th_ofmt_render_fields_json(&f, &fe.ev, 0, &out);
    TH_CHECK_STR(out.data, "{\"ct.error\":null,\"ct.name\":\"StopLogging\",\"ct.region\":\"us-east-1\","
                           "\"ct.user\":\"bob\"}");
    th_buf_free(&out);
    th_ofmt_free(&f);
    ft_free(&fe);
}

TH_RUN_TESTS()
