/* test_buf.c - buffers: JSON strings are always valid JSON and valid UTF-8; the arena reuses its memory. */
#include "th_buf.h"
#include "th_test.h"

TH_TEST(test_json_string_escapes_quotes_and_controls)
{
    struct th_buf b;
    th_buf_init(&b);
    th_buf_json_string(&b, "a\"b\\c\n\x01", 7);
    TH_CHECK_STR(b.data, "\"a\\\"b\\\\c\\n\\u0001\"");
    th_buf_free(&b);
}

TH_TEST(test_json_string_replaces_invalid_utf8_and_keeps_valid)
{
    struct th_buf b;
    th_buf_init(&b);
    th_buf_json_string(&b, "bad\xff.json \xc3\xa9 \xed\xa0\x80", 16);
    TH_CHECK_STR(b.data, "\"bad\xEF\xBF\xBD.json \xc3\xa9 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
    th_buf_free(&b);
}

TH_TEST(test_arena_reset_keeps_one_chunk_for_reuse)
{
    struct th_arena a;
    th_arena_init(&a);
    for (int i = 0; i < 100; i++) {
        th_arena_alloc(&a, 1000);
    }
    th_arena_reset(&a);
    struct th_arena_chunk *kept = a.head;
    char *start = a.p;
    char *p = th_arena_alloc(&a, 16);
    TH_CHECK(p == start); /* allocation restarts at the kept chunk, no new memory */
    TH_CHECK(a.head == kept);
    th_arena_free(&a);
}

TH_RUN_TESTS()
