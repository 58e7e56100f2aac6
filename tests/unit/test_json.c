/* test_json.c - the JSON scanner: what it accepts, what it rejects and where, and the lookups on its tape. */
#include <stdlib.h>
#include <string.h>

#include "th_err.h"
#include "th_json.h"
#include "th_test.h"

static struct th_json doc;

static int parse(const char *s)
{
    th_json_init(&doc);
    return th_json_parse(&doc, s, strlen(s));
}

static int rejects_with(const char *s, int code)
{
    int ok = parse(s) < 0 && doc.err_code == code;
    th_json_free(&doc);
    return ok;
}

TH_TEST(test_object_members_are_found_by_key)
{
    TH_CHECK_INT(parse("{\"a\":1,\"b\":{\"c\":\"x\"},\"d\":[1,2]}"), 0);
    uint32_t b = th_json_getz(&doc, 0, "b");
    TH_CHECK(b != TH_JNONE && th_json_type(&doc, b) == TH_J_OBJECT);
    TH_CHECK(th_json_str_eq(&doc, th_json_getz(&doc, b, "c"), "x", 1));
    TH_CHECK(th_json_type(&doc, th_json_getz(&doc, 0, "d")) == TH_J_ARRAY);
    TH_CHECK(th_json_getz(&doc, 0, "zz") == TH_JNONE);
    th_json_free(&doc);
}

TH_TEST(test_siblings_skip_whole_subtrees)
{
    TH_CHECK_INT(parse("{\"a\":{\"x\":{\"y\":[1,[2,3]]}},\"b\":true}"), 0);
    uint32_t b = th_json_getz(&doc, 0, "b");
    TH_CHECK(th_json_type(&doc, b) == TH_J_TRUE);
    th_json_free(&doc);
}

TH_TEST(test_dotted_path_and_json_pointer)
{
    TH_CHECK_INT(parse("{\"userIdentity\":{\"sessionContext\":{\"sessionIssuer\":{\"userName\":\"r\"}}},"
                       "\"a/b\":{\"m~n\":[10,20,30]}}"), 0);
    TH_CHECK(th_json_str_eq(&doc, th_json_path(&doc, 0, "userIdentity.sessionContext.sessionIssuer.userName"), "r", 1));
    uint32_t n = th_json_pointer(&doc, 0, "/a~1b/m~0n/2", 12);
    int64_t v = 0;
    TH_CHECK(th_json_int(&doc, n, &v));
    TH_CHECK_INT(v, 30);
    TH_CHECK(th_json_pointer(&doc, 0, "/a~1b/m~0n/03", 13) == TH_JNONE);
    TH_CHECK(th_json_pointer(&doc, 0, "", 0) == 0);
    th_json_free(&doc);
}

TH_TEST(test_escaped_strings_unescape_into_scratch)
{
    struct th_arena a;
    const char *p;
    size_t n;
    th_arena_init(&a);
    TH_CHECK_INT(parse("{\"k\\u0065y\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\"}"), 0);
    uint32_t v = th_json_getz(&doc, 0, "key");
    TH_CHECK(v != TH_JNONE);
    TH_CHECK(th_json_str(&doc, v, &a, &p, &n));
    TH_CHECK_MEM(p, n, "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80");
    th_arena_free(&a);
    th_json_free(&doc);
}

TH_TEST(test_plain_strings_are_zero_copy)
{
    struct th_arena a;
    const char *p;
    size_t n;
    const char *src = "[\"hello\"]";
    th_arena_init(&a);
    th_json_init(&doc);
    TH_CHECK_INT(th_json_parse(&doc, src, strlen(src)), 0);
    TH_CHECK(th_json_str(&doc, 1, &a, &p, &n));
    TH_CHECK(p == src + 2 && n == 5);
    th_arena_free(&a);
    th_json_free(&doc);
}

TH_TEST(test_compact_rendering_drops_whitespace_and_normalizes_escapes)
{
    struct th_buf b;
    th_buf_init(&b);
    TH_CHECK_INT(parse(" { \"a\" : [ 1 , 2.5e3 , \"x\\/y\" ] , \"b\" : { } , \"c\":null } "), 0);
    th_json_compact(&doc, 0, &b);
    TH_CHECK_STR(b.data, "{\"a\":[1,2.5e3,\"x/y\"],\"b\":{},\"c\":null}");
    th_buf_clear(&b);
    th_json_render(&doc, th_json_pointer(&doc, 0, "/a/2", 4), &b);
    TH_CHECK_STR(b.data, "x/y");
    th_buf_free(&b);
    th_json_free(&doc);
}

TH_TEST(test_integers_and_floats)
{
    int64_t v;
    double d;
    TH_CHECK_INT(parse("[-12,1.9,99999999999999999999,0]"), 0);
    TH_CHECK(th_json_int(&doc, 1, &v) && v == -12);
    TH_CHECK(th_json_int(&doc, 2, &v) && v == 1);
    TH_CHECK(th_json_int(&doc, 3, &v) && v == INT64_MAX);
    TH_CHECK(th_json_double(&doc, 2, &d) && d == 1.9);
    TH_CHECK(doc.nodes[4].flags & TH_JF_INTEGER);
    th_json_free(&doc);
}

TH_TEST(test_count_hint_counts_members)
{
    TH_CHECK_INT(parse("{\"a\":[1,2,3],\"b\":{}}"), 0);
    TH_CHECK_INT(doc.nodes[0].count_hint, 2);
    TH_CHECK_INT(doc.nodes[th_json_getz(&doc, 0, "a")].count_hint, 3);
    th_json_free(&doc);
}

TH_TEST(test_malformed_json_is_rejected_with_position)
{
    char msg[128];
    TH_CHECK(parse("{\"a\":1,\n \"b\" 2}") < 0);
    th_json_errstr(&doc, msg, sizeof msg);
    TH_CHECK_STR(msg, "line 2, column 6: expected ':' after object key");
    th_json_free(&doc);
}

TH_TEST(test_syntax_errors_are_classified)
{
    TH_CHECK(rejects_with("", TH_E_JSON_SYNTAX));
    TH_CHECK(rejects_with("{\"a\":1,}", TH_E_JSON_SYNTAX));
    TH_CHECK(rejects_with("[1,2", TH_E_JSON_SYNTAX));
    TH_CHECK(rejects_with("{\"a\":01}", TH_E_JSON_SYNTAX));
    TH_CHECK(rejects_with("{\"a\":tru}", TH_E_JSON_SYNTAX));
    TH_CHECK(rejects_with("{\"a\":\"x\ty\"}", TH_E_JSON_SYNTAX));
    TH_CHECK(rejects_with("{\"a\":\"\\x\"}", TH_E_JSON_SYNTAX));
    TH_CHECK(rejects_with("{\"a\":\"\\udc00\"}", TH_E_JSON_SYNTAX));
    TH_CHECK(rejects_with("{\"a\":\"\\ud800x\"}", TH_E_JSON_SYNTAX));
    TH_CHECK(rejects_with("{} {}", TH_E_JSON_SYNTAX));
    TH_CHECK(rejects_with("{\"a\":1", TH_E_JSON_SYNTAX));
    TH_CHECK(rejects_with("-", TH_E_JSON_SYNTAX));
    TH_CHECK(rejects_with("1.", TH_E_JSON_SYNTAX));
    TH_CHECK(rejects_with("1e", TH_E_JSON_SYNTAX));
}

TH_TEST(test_invalid_utf8_is_rejected)
{
    TH_CHECK(rejects_with("[\"\xff\"]", TH_E_JSON_UTF8));
    TH_CHECK(rejects_with("[\"\xc0\xaf\"]", TH_E_JSON_UTF8));         /* overlong */
    TH_CHECK(rejects_with("[\"\xed\xa0\x80\"]", TH_E_JSON_UTF8));     /* surrogate */
    TH_CHECK(rejects_with("[\"\xf4\x90\x80\x80\"]", TH_E_JSON_UTF8)); /* > U+10FFFF */
    TH_CHECK(rejects_with("[\"abcdefghijklmnopq\xe2\x82\"]", TH_E_JSON_UTF8)); /* truncated, after the SIMD block */
    TH_CHECK_INT(parse("[\"\xe2\x82\xac \xf0\x9f\x98\x80\"]"), 0);
    th_json_free(&doc);
}

TH_TEST(test_nesting_deeper_than_the_limit_is_rejected)
{
    char deep[600];
    memset(deep, '[', 300);
    memset(deep + 300, ']', 300);
    th_json_init(&doc);
    TH_CHECK(th_json_parse(&doc, deep, 600) < 0);
    TH_CHECK_INT(doc.err_code, TH_E_JSON_DEPTH);
    doc.limits.max_depth = 400;
    TH_CHECK_INT(th_json_parse(&doc, deep, 600), 0);
    th_json_free(&doc);
}

TH_TEST(test_long_strings_cross_simd_blocks)
{
    char buf[300];
    memset(buf, 'a', sizeof buf);
    buf[0] = '"';
    buf[150] = '\\';
    buf[151] = 'n';
    buf[298] = '"';
    buf[299] = 0;
    TH_CHECK_INT(parse(buf), 0);
    TH_CHECK(doc.nodes[0].flags & TH_JF_ESCAPED);
    TH_CHECK_INT(doc.nodes[0].len, 297);
    th_json_free(&doc);
}

TH_RUN_TESTS()

/* Found by fuzz_json in CI: a document that breaks off after many opening brackets has more nodes than a complete
 * one of the same length; the tape must still hold them (ASan catches an overrun; the count check holds anywhere). */
TH_TEST(test_broken_off_nesting_stays_inside_the_tape)
{
    static const char *const units[] = {"[", "{\"\":", "[1,", "[[],", "{\"a\":[1,\"", "[1"};
    struct th_json tape;
    th_json_init(&tape);
    tape.limits.max_depth = 4096;
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        for (size_t reps = 1; reps <= 1500; reps += 7) {
            size_t ul = strlen(units[u]);
            char *text = malloc(reps * ul);
            for (size_t r = 0; r < reps; r++) {
                memcpy(text + r * ul, units[u], ul);
            }
            TH_CHECK(th_json_parse(&tape, text, reps * ul) != 0);
            TH_CHECK(tape.n <= tape.cap);
            free(text);
        }
    }
    th_json_free(&tape);
}
