/* test_record_split.c - the streaming record splitter: shapes it recognises, locators, recovery from bad input.
 * Every input is fed whole and again in tiny chunks with buffer compaction (as the file source does), and both
 * runs must give the same outcome per record once the record is validated as the engine does: a malformed line of
 * an established NDJSON input may be passed on whole by the fast path (the validating parse then rejects it) or
 * reported by the general scanner, depending on where chunks end; either way it is reported at the same line. */
#include <stdlib.h>
#include <string.h>

#include "record_split.h"
#include "th_buf.h"
#include "th_json.h"
#include "th_test.h"

/* Runs the splitter over text fed chunk bytes at a time; returns one line per event:
 * "R <where> <record text>" or "P <code> <where> <fatal?>". where = "L<line>[/<in_line>]" or "#<recno>". */
static char *split_chunked(const char *text, size_t chunk, size_t max_record)
{
    struct th_split s;
    struct th_split_out o;
    struct th_buf out, buf;
    size_t n = strlen(text), fed = 0;
    th_buf_init(&out);
    th_buf_init(&buf);
    th_split_init(&s, max_record, 1 << 20);
    for (;;) {
        bool eof = fed == n;
        enum th_split_ev ev = th_split_next(&s, buf.data ? buf.data : "", buf.len, eof, &o);
        if (ev == TH_SPLIT_END) {
            break;
        }
        if (ev == TH_SPLIT_MORE) {
            size_t keep = th_split_keep(&s);
            if (keep > 0) {
                memmove(buf.data, buf.data + keep, buf.len - keep);
            }
            buf.len -= keep;
            th_split_shift(&s, keep);
            size_t k = n - fed < chunk ? n - fed : chunk;
            th_buf_append(&buf, text + fed, k);
            fed += k;
            continue;
        }
        char where[64];
        if (o.by_line) {
            snprintf(where, sizeof where, o.in_line > 1 ? "L%llu/%llu" : "L%llu", (unsigned long long)o.line,
                     (unsigned long long)o.in_line);
        } else {
            snprintf(where, sizeof where, "#%llu", (unsigned long long)o.recno);
        }
        if (ev == TH_SPLIT_RECORD) {
            th_buf_printf(&out, "R%s %s %.*s\n", o.kind == TH_SPLIT_R_CWL_EVENT ? "cwl" : o.kind == TH_SPLIT_R_AWSLOGS ? "aws" : "",
                          where, (int)o.len, buf.data + o.off);
        } else {
            th_buf_printf(&out, "P %s %s%s\n", th_code_str(o.code), where, o.fatal ? " fatal" : "");
        }
    }
    th_buf_free(&buf);
    return th_buf_take(&out);
}

/* The outcome per record as the engine sees it: a record the validating parse rejects, and a json-syntax or
 * truncated problem from the splitter, both become "P bad <where>". */
static char *normalize(const char *events)
{
    struct th_buf out;
    struct th_json doc;
    th_buf_init(&out);
    th_json_init(&doc);
    for (const char *p = events; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char where[64] = "";
        const char *rest = NULL;
        if (p[0] == 'R' && p[1] == ' ') {
            const char *sp = memchr(p + 2, ' ', n - 2);
            snprintf(where, sizeof where, "%.*s", (int)(sp - p - 2), p + 2);
            rest = sp + 1;
            if (th_json_parse(&doc, rest, n - (size_t)(rest - p)) != 0) {
                th_buf_printf(&out, "P bad %s\n", where);
            } else {
                th_buf_printf(&out, "%.*s\n", (int)n, p);
            }
        } else if (!strncmp(p, "P json-syntax ", 14) || !strncmp(p, "P truncated ", 12)) {
            const char *w = strchr(p + 2, ' ') + 1;
            size_t wn = (size_t)(p + n - w);
            const char *fatal = memchr(w, ' ', wn);
            th_buf_printf(&out, "P bad %.*s\n", (int)(fatal ? (size_t)(fatal - w) : wn), w);
        } else {
            th_buf_printf(&out, "%.*s\n", (int)n, p);
        }
        p += n + (nl ? 1 : 0);
    }
    th_json_free(&doc);
    return th_buf_take(&out);
}

/* Splits whole and in 1-, 2-, 3- and 7-byte chunks. Valid input must split identically in every run. Input with a
 * problem must be reported in every run, but how much around a broken record is recovered may depend on where
 * chunks end (the fast paths only run on complete data; the general scanner decides the rest). */
static char *split_all(const char *text, size_t max_record)
{
    char *whole = split_chunked(text, strlen(text) + 1, max_record);
    char *whole_norm = normalize(whole);
    bool clean = strstr(whole_norm, "P ") == NULL;
    static const size_t chunks[] = {1, 2, 3, 7};
    for (size_t i = 0; i < 4; i++) {
        char *c = split_chunked(text, chunks[i], max_record);
        char *cn = normalize(c);
        bool differ = clean ? strcmp(cn, whole_norm) != 0 : strstr(cn, "P ") == NULL;
        free(cn);
        if (differ) {
            th_test_fail(__FILE__, __LINE__, "chunk size %zu gives\n%s\ninstead of\n%s", chunks[i], c, whole);
        }
        free(c);
    }
    free(whole_norm);
    return whole;
}

#define CHECK_SPLIT(text, expected)                                                                              \
    do {                                                                                                         \
        char *got_ = split_all(text, 0);                                                                         \
        TH_CHECK_STR(got_, expected);                                                                            \
        free(got_);                                                                                              \
    } while (0)

TH_TEST(test_ndjson_lines_are_records_located_by_line)
{
    CHECK_SPLIT("{\"a\":1}\n{\"b\":[2,{\"c\":3}]}\n\n{\"d\":\"x\"}\n", "R L1 {\"a\":1}\nR L2 {\"b\":[2,{\"c\":3}]}\nR L4 {\"d\":\"x\"}\n");
}

TH_TEST(test_ndjson_with_crlf_line_ends)
{
    CHECK_SPLIT("{\"a\":1}\r\n{\"b\":2}\r\n", "R L1 {\"a\":1}\nR L2 {\"b\":2}\n");
}

TH_TEST(test_records_envelope_elements_are_split)
{
    CHECK_SPLIT("{\"Records\":[{\"a\":1},{\"b\":{\"c\":[1]}}]}", "R #1 {\"a\":1}\nR #2 {\"b\":{\"c\":[1]}}\n");
}

TH_TEST(test_envelope_keys_before_and_after_the_array_are_ignored)
{
    CHECK_SPLIT("{\"x\":{\"Records\":[{\"no\":1}]},\"Records\":[{\"a\":1}],\"y\":[{\"no\":2}]}", "R #1 {\"a\":1}\n");
}

TH_TEST(test_eventlist_items_are_split)
{
    CHECK_SPLIT("{\n \"kind\": \"EventList\",\n \"items\": [\n  {\"auditID\": \"1\"},\n  {\"auditID\": \"2\"}\n ]\n}\n",
                "R #1 {\"auditID\": \"1\"}\nR #2 {\"auditID\": \"2\"}\n");
}

TH_TEST(test_json_array_elements_are_split)
{
    CHECK_SPLIT("[\n{\"a\":1},\n{\"b\":2}\n]\n", "R #1 {\"a\":1}\nR #2 {\"b\":2}\n");
}

TH_TEST(test_concatenated_objects_without_separators_are_split)
{
    CHECK_SPLIT("{\"a\":1}{\"b\":2}{\"c\":3}", "R L1 {\"a\":1}\nR L1/2 {\"b\":2}\nR L1/3 {\"c\":3}\n");
}

TH_TEST(test_concatenated_pretty_objects_are_split)
{
    CHECK_SPLIT("{\n \"a\": 1\n}\n{\n \"b\": 2\n}\n", "R #1 {\n \"a\": 1\n}\nR #2 {\n \"b\": 2\n}\n");
}

TH_TEST(test_brackets_and_quotes_inside_strings_do_not_split)
{
    CHECK_SPLIT("{\"a\":\"}{][\\\"\\\\\"}\n{\"b\":\"\\\\\"}\n", "R L1 {\"a\":\"}{][\\\"\\\\\"}\nR L2 {\"b\":\"\\\\\"}\n");
}

TH_TEST(test_truncated_line_does_not_swallow_next_line)
{
    CHECK_SPLIT("{\"a\":1}\n{\"b\":[1,2\n{\"c\":3}\n", "R L1 {\"a\":1}\nP truncated L2\nR L3 {\"c\":3}\n");
}

/* Found by fuzz_split: once the input is NDJSON, an envelope on a later line is still a line, so an element that
 * runs past its line end is a truncated line, whether the fast path or the general scanner sees it first. */
TH_TEST(test_envelope_line_in_ndjson_cannot_span_lines)
{
    char *got = split_all("{\"a\":1}\n{\"Records\":[{\n\"b\":1}]}\n{\"d\":2}\n", 0);
    const char *head = "R L1 {\"a\":1}\nP truncated L2\n";
    TH_CHECK(strncmp(got, head, strlen(head)) == 0);
    TH_CHECK(strstr(got, "R L4 {\"d\":2}\n") != NULL);
    free(got);
}

TH_TEST(test_unterminated_string_line_does_not_swallow_next_line)
{
    CHECK_SPLIT("{\"a\":1}\n{\"b\":\"oops\n{\"c\":3}\n", "R L1 {\"a\":1}\nP truncated L2\nR L3 {\"c\":3}\n");
}

TH_TEST(test_truncated_first_line_resumes_in_line_mode)
{
    CHECK_SPLIT("{\"a\":1\n{\"b\":2}\n{\"c\":3}\n", "P truncated L1\nR L2 {\"b\":2}\nR L3 {\"c\":3}\n");
}

TH_TEST(test_malformed_line_is_reported_and_skipped)
{
    /* the first line is read by the general scanner, which reports the bad second line itself */
    CHECK_SPLIT("{\"b\" 2}\n{\"c\":3}\n", "P json-syntax L1\nR L2 {\"c\":3}\n");
    /* once lines are known to be plain objects, the fast path passes a balanced bad line on whole: the validating
     * parse rejects it at the same line */
    CHECK_SPLIT("{\"a\":1}\n{\"b\" 2}\n{\"c\":3}\n", "R L1 {\"a\":1}\nR L2 {\"b\" 2}\nR L3 {\"c\":3}\n");
}

TH_TEST(test_scalar_lines_are_not_objects)
{
    CHECK_SPLIT("42\n\"x\"\n{\"a\":1}\n", "P not-object L1\nP not-object L2\nR L3 {\"a\":1}\n");
}

TH_TEST(test_array_element_that_is_not_an_object_is_reported)
{
    CHECK_SPLIT("[{\"a\":1},7,[1],{\"b\":2}]", "R #1 {\"a\":1}\nP not-object #2\nP not-object #3\nR #4 {\"b\":2}\n");
}

TH_TEST(test_binary_junk_is_unknown_format)
{
    CHECK_SPLIT("\x01\x02\xff{junk", "P unknown-format #0 fatal\n");
}

TH_TEST(test_text_that_is_not_json_is_unknown_format)
{
    CHECK_SPLIT("hello world\n", "P unknown-format #0 fatal\n");
}

TH_TEST(test_yaml_is_unknown_format_not_a_scalar_record)
{
    CHECK_SPLIT("title: x\nkey: y\n", "P unknown-format #0 fatal\n");
}

TH_TEST(test_word_line_in_ndjson_is_a_syntax_problem)
{
    CHECK_SPLIT("{\"a\":1}\nhello\n{\"b\":2}\ntrue\n", "R L1 {\"a\":1}\nP json-syntax L2\nR L3 {\"b\":2}\nP not-object L4\n");
}

TH_TEST(test_broken_envelope_is_fatal_with_record_number)
{
    /* the broken element is handed on whole (the validating parse rejects it) and the next one is kept */
    CHECK_SPLIT("{\"Records\":[\n{\"a\":1},\n{\"b\":2 \"c\":3},\n{\"d\":4}]}",
                "R #1 {\"a\":1}\nR #2 {\"b\":2 \"c\":3}\nR #3 {\"d\":4}\n");
}

TH_TEST(test_truncated_envelope_keeps_complete_records)
{
    CHECK_SPLIT("{\"Records\":[{\"a\":1},{\"b\":", "R #1 {\"a\":1}\nP truncated #2 fatal\n");
}

TH_TEST(test_record_over_limit_is_reported_and_skipped)
{
    char *got = split_all("{\"a\":1}\n{\"big\":\"0123456789012345678901234567890123456789\"}\n{\"c\":3}\n", 30);
    TH_CHECK_STR(got, "R L1 {\"a\":1}\nP too-large L2\nR L3 {\"c\":3}\n");
    free(got);
}

TH_TEST(test_envelope_element_over_limit_is_skipped_and_others_kept)
{
    char *got = split_all("{\"Records\":[{\"a\":1},{\"big\":\"0123456789012345678901234567890123456789\"},{\"c\":3}]}", 30);
    TH_CHECK_STR(got, "R #1 {\"a\":1}\nP too-large #2\nR #3 {\"c\":3}\n");
    free(got);
}

TH_TEST(test_envelope_larger_than_record_limit_is_still_split)
{
    char *got = split_all("{\"pad\":\"0123456789012345678901234567890123456789\",\"Records\":[{\"a\":1}]}", 30);
    TH_CHECK_STR(got, "R #1 {\"a\":1}\n");
    free(got);
}

TH_TEST(test_digest_object_is_skipped_with_a_note)
{
    CHECK_SPLIT("{\"awsAccountId\":\"1\",\"digestStartTime\":\"2015-08-17T14:01:31Z\",\"logFiles\":[{\"a\":1}]}",
                "P skipped-file #1 fatal\n");
}

TH_TEST(test_cloudwatch_data_message_events_are_marked)
{
    CHECK_SPLIT("{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"id\":\"1\",\"message\":\"{}\"}]}",
                "Rcwl #1 {\"id\":\"1\",\"message\":\"{}\"}\n");
}

TH_TEST(test_cloudwatch_control_message_is_skipped_with_a_note)
{
    CHECK_SPLIT("{\"messageType\":\"CONTROL_MESSAGE\",\"logEvents\":[{\"id\":\"\",\"message\":\"CWL CONTROL\"}]}\n",
                "P skipped-file #0\n");
}

TH_TEST(test_awslogs_wrapper_is_returned_whole)
{
    CHECK_SPLIT("{\"awslogs\":{\"data\":\"H4sI\"}}\n", "Raws L1 {\"awslogs\":{\"data\":\"H4sI\"}}\n");
}

TH_TEST(test_utf8_bom_is_skipped)
{
    CHECK_SPLIT("\xEF\xBB\xBF{\"a\":1}\n", "R L1 {\"a\":1}\n");
}

TH_TEST(test_mismatched_bracket_is_a_syntax_problem)
{
    CHECK_SPLIT("{\"a\":[1}\n{\"b\":2}\n", "P json-syntax L1\nR L2 {\"b\":2}\n");
}

/* Mutated inputs (random bytes replaced, deleted or duplicated) must never crash and must split the same way
 * whatever the chunk size (split_all checks that). */
TH_TEST(test_mutated_inputs_split_the_same_at_any_chunk_size)
{
    static const char *seeds[] = {
        "{\"Records\":[{\"a\":\"x\\\"}\"},{\"b\":[1,{\"c\":null}]}]}\n",
        "{\"a\":1}\n{\"b\":\"{[\"}\n[{\"c\":true},{\"d\":-1.5e3}]\n",
        "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"id\":\"1\",\"message\":\"{}\"}]}{\"kind\":\"EventList\",\"items\":[{}]}",
        "{\n  \"x\": [\n    1,\n    2\n  ]\n}\n{\n  \"y\": {}\n}\n",
    };
    static const char alphabet[] = "{}[]\":,\\\n \"ax1";
    uint32_t rng = 12345;
    for (int iter = 0; iter < 400; iter++) {
        const char *seed = seeds[iter % 4];
        char text[512];
        size_t n = strlen(seed);
        memcpy(text, seed, n + 1);
        for (int m = 0; m < 1 + iter % 4; m++) {
            rng = rng * 1103515245u + 12345u;
            size_t at = (rng >> 8) % n;
            rng = rng * 1103515245u + 12345u;
            int op = (int)((rng >> 8) % 3);
            char c = alphabet[(rng >> 16) % (sizeof alphabet - 1)];
            if (op == 0) {
                text[at] = c;
            } else if (op == 1 && n > 1) {
                memmove(text + at, text + at + 1, n - at);
                n--;
            } else if (n < sizeof text - 2) {
                memmove(text + at + 1, text + at, n - at + 1);
                text[at] = c;
                n++;
            }
        }
        free(split_all(text, iter % 2 ? 0 : 24));
    }
}

TH_TEST(test_whitespace_only_input_has_no_value)
{
    struct th_split s;
    struct th_split_out o;
    th_split_init(&s, 0, 0);
    TH_CHECK_INT(th_split_next(&s, " \n\t", 3, true, &o), TH_SPLIT_END);
    TH_CHECK(!th_split_saw_value(&s));
}

TH_TEST(test_keep_points_at_the_partial_record)
{
    struct th_split s;
    struct th_split_out o;
    const char *t = "{\"a\":1}\n{\"b\":";
    th_split_init(&s, 0, 0);
    TH_CHECK_INT(th_split_next(&s, t, strlen(t), false, &o), TH_SPLIT_RECORD);
    TH_CHECK_INT(th_split_next(&s, t, strlen(t), false, &o), TH_SPLIT_MORE);
    TH_CHECK_INT(th_split_keep(&s), 8);
}

/* The fast path for established NDJSON: exact records, and every unusual line left to the general scanner. */
TH_TEST(test_fast_path_keeps_brackets_inside_strings)
{
    CHECK_SPLIT("{\"a\":1}\r\n{\"b\":\"]}{[\"}\r\n{\"c\":[{}]}\n", "R L1 {\"a\":1}\nR L2 {\"b\":\"]}{[\"}\nR L3 {\"c\":[{}]}\n");
}

TH_TEST(test_fast_path_masks_escaped_quotes_and_backslash_runs)
{
    CHECK_SPLIT("{\"a\":1}\n{\"b\":\"x\\\"}y\"}\n{\"c\":\"\\\\\"}\n{\"d\":\"\\\\\\\"{\"}\n",
                "R L1 {\"a\":1}\nR L2 {\"b\":\"x\\\"}y\"}\nR L3 {\"c\":\"\\\\\"}\nR L4 {\"d\":\"\\\\\\\"{\"}\n");
}

TH_TEST(test_fast_path_handles_a_backslash_at_a_block_boundary)
{
    char text[300];
    for (int at = 50; at < 66; at++) { /* the backslash lands on bytes 56..71 of the record: across the first 64-byte block */
        int n = snprintf(text, sizeof text, "{\"a\":1}\n{\"k\":\"");
        memset(text + n, 'v', (size_t)at);
        snprintf(text + n + at, sizeof text - (size_t)n - (size_t)at, "\\\"}\",\"z\":[1]}\n{\"e\":2}\n");
        char *got = split_all(text, 0);
        TH_CHECK(strstr(got, "\\\"}\",\"z\":[1]}\nR L3 {\"e\":2}\n") != NULL);
        free(got);
    }
}

TH_TEST(test_fast_path_leaves_two_objects_on_a_line_to_the_scanner)
{
    CHECK_SPLIT("{\"a\":1}\n{\"b\":1} {\"c\":2}\n", "R L1 {\"a\":1}\nR L2 {\"b\":1}\nR L2/2 {\"c\":2}\n");
}

TH_TEST(test_fast_path_takes_a_last_line_without_newline)
{
    CHECK_SPLIT("{\"a\":1}\n{\"b\":2}", "R L1 {\"a\":1}\nR L2 {\"b\":2}\n");
}

TH_TEST(test_fast_path_leaves_envelopes_to_the_scanner)
{
    CHECK_SPLIT("{\"a\":1}\n{\"Records\":[{\"x\":1},{\"y\":2}]}\n",
                "R L1 {\"a\":1}\nR #2 {\"x\":1}\nR #3 {\"y\":2}\n");
}

TH_TEST(test_envelope_scanner_skips_a_broken_element_and_keeps_the_next)
{
    /* fed one byte at a time, no fast path runs: the general scanner reports the element and goes on */
    char *got = split_chunked("{\"Records\":[{\"a\":1},{\"b\":2 \"c\":{\"x\":\"}\"}},{\"d\":4}]}", 1, 0);
    TH_CHECK_STR(got, "R #1 {\"a\":1}\nP json-syntax #2\nR #3 {\"d\":4}\n");
    free(got);
}

/* Line of each record the splitter returns for text fed whole (the fast path runs on complete data). */
static void record_lines(const char *text, uint64_t *lines, size_t max)
{
    struct th_split s;
    struct th_split_out o;
    size_t n = 0;
    th_split_init(&s, 0, 1 << 20);
    for (;;) {
        enum th_split_ev ev = th_split_next(&s, text, strlen(text), true, &o);
        if (ev == TH_SPLIT_END || ev == TH_SPLIT_MORE) {
            break;
        }
        if (n < max) {
            lines[n++] = ev == TH_SPLIT_RECORD ? o.line : 1000 + o.line;
        }
    }
}

TH_TEST(test_pretty_printed_envelope_keeps_line_numbers_on_the_fast_path)
{
    uint64_t lines[4] = {0};
    const char *text = "{\n  \"Records\": [\n    {\n      \"a\": \"{\\\"\"\n    },\n    {\"b\": [1,\n 2]},\n"
                       "    {\"c\": 3}\n  ]\n}\n";
    free(split_all(text, 0)); /* and the same records at every chunk size */
    record_lines(text, lines, 4);
    TH_CHECK_INT(lines[0], 3);
    TH_CHECK_INT(lines[1], 6);
    TH_CHECK_INT(lines[2], 8);
}

TH_TEST(test_fast_path_handles_records_longer_than_a_block)
{
    char text[1200];
    int n = snprintf(text, sizeof text, "{\"a\":1}\n{\"k\":\"");
    memset(text + n, 'v', 900);
    snprintf(text + n + 900, sizeof text - (size_t)n - 900, "\",\"z\":{\"q\":[1,2]}}\n");
    char *got = split_all(text, 0);
    TH_CHECK(strstr(got, "R L2 {\"k\":\"vvv") != NULL);
    TH_CHECK(strstr(got, "{\"q\":[1,2]}}\n") != NULL);
    free(got);
}

TH_RUN_TESTS()
