/* test_file_source.c - the "file" source end to end through th_source_open / next_batch / ack: formats detected
 * by content, locators, problems, directories, globs, stdin, tiny read sizes and batch lifetimes.
 * Inputs are the fixtures in tests/fixtures/input/ or files written to a temporary directory (gzip made here). */
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "file_source.h"
#include "th_buf.h"
#include "th_connector.h"
#include "th_test.h"

/* ---- helpers ---- */

struct run {
    struct th_buf recs;  /* "where data\n" per record */
    struct th_buf probs; /* "sev code where\n" per problem */
    struct th_buf msgs;  /* problem messages, one per line */
    size_t nrec, nprob, nbatch;
};

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static void where_of(struct th_buf *b, const struct th_locator *l)
{
    th_buf_puts(b, base(l->origin));
    if (l->line) {
        th_buf_printf(b, ":%llu", (unsigned long long)l->line);
    }
    if (l->record) {
        th_buf_printf(b, "#record=%llu", (unsigned long long)l->record);
    }
}

static struct th_source *open_src(const struct th_kv *kv, size_t n)
{
    struct th_err err;
    th_err_init(&err);
    struct th_source *src = th_source_open("file", kv, n, &err);
    if (!src) {
        th_err_print(stderr, &err);
    }
    th_err_free(&err);
    return src;
}

static void drain_src(struct th_source *src, struct run *r)
{
    memset(r, 0, sizeof *r);
    th_buf_init(&r->recs);
    th_buf_init(&r->probs);
    th_buf_init(&r->msgs);
    struct th_err err;
    th_err_init(&err);
    for (int guard = 0; guard < 100000; guard++) {
        struct th_batch b;
        th_batch_init(&b);
        int rc = src->ops->next_batch(src, &b, -1, &err);
        if (rc == TH_SRC_EOF || rc == TH_SRC_FAIL) {
            TH_CHECK_INT(rc, TH_SRC_EOF);
            th_batch_free(&b);
            break;
        }
        r->nbatch++;
        for (size_t i = 0; i < b.n; i++) {
            where_of(&r->recs, &b.recs[i].loc);
            th_buf_printf(&r->recs, " %.*s\n", (int)b.recs[i].len, b.recs[i].data);
            r->nrec++;
        }
        for (size_t i = 0; i < b.nprobs; i++) {
            th_buf_printf(&r->probs, "%s %s %s\n", th_sev_str(b.probs[i].sev), th_code_str(b.probs[i].code),
                          b.probs[i].where ? base(b.probs[i].where) : "-");
            th_buf_printf(&r->msgs, "%s\n", b.probs[i].msg);
            r->nprob++;
        }
        src->ops->ack(src, &b, TH_DELIVERED);
        th_batch_free(&b);
    }
    th_err_free(&err);
    if (!r->recs.data) {
        th_buf_puts(&r->recs, "");
    }
    if (!r->probs.data) {
        th_buf_puts(&r->probs, "");
    }
    if (!r->msgs.data) {
        th_buf_puts(&r->msgs, "");
    }
}

static void run_kv(struct run *r, const struct th_kv *kv, size_t n)
{
    struct th_source *src = open_src(kv, n);
    TH_CHECK(src != NULL);
    if (!src) {
        memset(r, 0, sizeof *r);
        th_buf_puts(&r->recs, "");
        th_buf_puts(&r->probs, "");
        th_buf_puts(&r->msgs, "");
        return;
    }
    drain_src(src, r);
    th_source_close(src);
}

static void run_path(struct run *r, const char *path)
{
    struct th_kv kv[] = {{"path", path, NULL, 0, 0}};
    run_kv(r, kv, 1);
}

static void run_free(struct run *r)
{
    th_buf_free(&r->recs);
    th_buf_free(&r->probs);
    th_buf_free(&r->msgs);
}

static char tmpdir[64];

static int remove_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static void remove_tmpdir(void)
{
    nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *tmp_path(const char *name)
{
    static char p[256];
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/th_filesrc_XXXXXX");
        if (!mkdtemp(tmpdir)) {
            abort();
        }
        atexit(remove_tmpdir);
    }
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    return p;
}

static const char *write_tmp(const char *name, const void *data, size_t n)
{
    const char *p = tmp_path(name);
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(data, 1, n, f) != n) {
        abort();
    }
    fclose(f);
    return p;
}

static void gzip_member(struct th_buf *out, const char *text, size_t n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    size_t bound = deflateBound(&z, (uLong)n) + 32;
    th_buf_reserve(out, bound);
    z.next_in = (Bytef *)(uintptr_t)text;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out->data + out->len;
    z.avail_out = (uInt)bound;
    deflate(&z, Z_FINISH);
    out->len += bound - z.avail_out;
    deflateEnd(&z);
}

/* ---- formats ---- */

TH_TEST(test_ndjson_records_have_line_locators)
{
    struct run r;
    run_path(&r, th_fixture("input/ndjson_three_records.jsonl"));
    TH_CHECK_STR(r.recs.data, "ndjson_three_records.jsonl:1 {\"auditID\": \"1\", \"verb\": \"get\"}\n"
                              "ndjson_three_records.jsonl:2 {\"auditID\": \"2\", \"verb\": \"list\"}\n"
                              "ndjson_three_records.jsonl:3 {\"auditID\": \"3\", \"verb\": \"watch\"}\n");
    TH_CHECK_STR(r.probs.data, "");
    run_free(&r);
}

TH_TEST(test_records_envelope_is_split)
{
    struct run r;
    run_path(&r, th_fixture("input/cloudtrail_records_envelope.json"));
    TH_CHECK_INT(r.nrec, 3);
    TH_CHECK(strstr(r.recs.data, "cloudtrail_records_envelope.json#record=1 {\n      \"eventVersion\": \"1.08\"") != NULL);
    TH_CHECK(strstr(r.recs.data, "#record=3 {") != NULL);
    TH_CHECK(strstr(r.recs.data, "\"a{b}[c]\\\"d\"") != NULL);
    TH_CHECK_STR(r.probs.data, "");
    run_free(&r);
}

TH_TEST(test_envelope_with_other_keys_before_and_after_is_split)
{
    struct run r;
    run_path(&r, th_fixture("input/envelope_with_keys_before_and_after.json"));
    TH_CHECK_STR(r.recs.data, "envelope_with_keys_before_and_after.json#record=1 {\"eventName\": \"A\"}\n"
                              "envelope_with_keys_before_and_after.json#record=2 {\"eventName\": \"B\"}\n");
    run_free(&r);
}

TH_TEST(test_eventlist_items_are_split)
{
    struct run r;
    run_path(&r, th_fixture("input/k8s_eventlist.json"));
    TH_CHECK_INT(r.nrec, 2);
    TH_CHECK(strstr(r.recs.data, "k8s_eventlist.json#record=2 {\"kind\": \"Event\", \"apiVersion\": \"audit.k8s.io/v1\", \"auditID\": \"a2\"") != NULL);
    run_free(&r);
}

TH_TEST(test_json_array_is_split)
{
    struct run r;
    run_path(&r, th_fixture("input/json_array_of_records.json"));
    TH_CHECK_STR(r.recs.data, "json_array_of_records.json#record=1 {\"eventName\": \"One\", \"eventSource\": \"ec2.amazonaws.com\"}\n"
                              "json_array_of_records.json#record=2 {\"eventName\": \"Two\", \"eventSource\": \"ec2.amazonaws.com\"}\n");
    run_free(&r);
}

TH_TEST(test_concatenated_objects_without_newlines)
{
    struct run r;
    run_path(&r, th_fixture("input/concatenated_objects_no_newlines.json"));
    TH_CHECK_STR(r.recs.data, "concatenated_objects_no_newlines.json:1 {\"eventName\":\"A\"}\n"
                              "concatenated_objects_no_newlines.json:1#record=2 {\"eventName\":\"B\"}\n"
                              "concatenated_objects_no_newlines.json:2 {\"eventName\":\"C\"}\n"
                              "concatenated_objects_no_newlines.json:2#record=2 {\"eventName\":\"D\"}\n");
    run_free(&r);
}

TH_TEST(test_gzip_detected_by_magic_not_name)
{
    struct th_buf gz;
    th_buf_init(&gz);
    gzip_member(&gz, "{\"Records\":[{\"a\":1},{\"b\":2}]}", 29);
    const char *p = write_tmp("looks_plain.json", gz.data, gz.len);
    struct run r;
    run_path(&r, p);
    TH_CHECK_STR(r.recs.data, "looks_plain.json#record=1 {\"a\":1}\nlooks_plain.json#record=2 {\"b\":2}\n");
    TH_CHECK_STR(r.probs.data, "");
    run_free(&r);
    th_buf_free(&gz);
}

TH_TEST(test_plain_file_named_gz_is_read_as_text)
{
    const char *p = write_tmp("not_really.json.gz", "{\"a\":1}\n", 8);
    struct run r;
    run_path(&r, p);
    TH_CHECK_STR(r.recs.data, "not_really.json.gz:1 {\"a\":1}\n");
    run_free(&r);
}

TH_TEST(test_multi_member_gzip)
{
    struct th_buf gz;
    th_buf_init(&gz);
    /* Firehose style: each member one CloudWatch Logs document, back to back without separators */
    const char *m1 = "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"id\":\"1\",\"message\":\"{\\\"n\\\":1}\"}]}";
    const char *m2 = "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"id\":\"2\",\"message\":\"{\\\"n\\\":2}\"}]}";
    gzip_member(&gz, m1, strlen(m1));
    gzip_member(&gz, m2, strlen(m2));
    const char *p = write_tmp("firehose_object", gz.data, gz.len);
    struct run r;
    run_path(&r, p);
    TH_CHECK_STR(r.recs.data, "firehose_object#record=1 {\"n\":1}\nfirehose_object#record=2 {\"n\":2}\n");
    TH_CHECK_STR(r.probs.data, "");
    run_free(&r);
    th_buf_free(&gz);
}

/* gzip_whole_max 0 (stream every gzip file through zlib, flat memory) reads the same records as the default
 * whole-file libdeflate path; test_gz_reader.c checks each path on its own. */
TH_TEST(test_gzip_whole_max_zero_reads_the_same_records)
{
    struct th_buf gz;
    th_buf_init(&gz);
    const char *m1 = "{\"a\":1}\n{\"b\":2}\n";
    const char *m2 = "{\"Records\":[{\"c\":3}]}";
    gzip_member(&gz, m1, strlen(m1));
    gzip_member(&gz, m2, strlen(m2));
    const char *p = write_tmp("two_members.gz", gz.data, gz.len);
    struct run whole, stream;
    run_path(&whole, p);
    struct th_kv kv[] = {{"path", p, NULL, 0, 0}, {"gzip_whole_max", "0", NULL, 0, 0}, {"read_size", "3", NULL, 0, 0}};
    run_kv(&stream, kv, 3);
    TH_CHECK_STR(whole.recs.data, "two_members.gz:1 {\"a\":1}\ntwo_members.gz:2 {\"b\":2}\ntwo_members.gz#record=3 {\"c\":3}\n");
    TH_CHECK_STR(stream.recs.data, whole.recs.data);
    TH_CHECK_STR(stream.probs.data, "");
    run_free(&whole);
    run_free(&stream);
    th_buf_free(&gz);
}

TH_TEST(test_truncated_gzip_reports_offset_and_keeps_records)
{
    struct th_buf text, gz;
    th_buf_init(&text);
    th_buf_init(&gz);
    for (int i = 0; i < 5000; i++) {
        th_buf_printf(&text, "{\"n\":%d,\"h\":\"%08x\"}\n", i, (unsigned)i * 2654435761u);
    }
    gzip_member(&gz, text.data, text.len);
    size_t cut = gz.len * 3 / 4;
    const char *p = write_tmp("truncated.json.gz", gz.data, cut);
    struct run r;
    run_path(&r, p);
    TH_CHECK(r.nrec > 1000 && r.nrec < 5000);
    TH_CHECK(strstr(r.recs.data, "truncated.json.gz:1 {\"n\":0,") != NULL);
    TH_CHECK_STR(r.probs.data, "error gzip truncated.json.gz\n");
    char want[64];
    snprintf(want, sizeof want, "byte %zu", cut);
    TH_CHECK(strstr(r.msgs.data, want) != NULL);
    run_free(&r);
    th_buf_free(&text);
    th_buf_free(&gz);
}

/* ---- problems ---- */

TH_TEST(test_bad_line_does_not_swallow_next_line)
{
    struct run r;
    run_path(&r, th_fixture("input/ndjson_with_truncated_line.jsonl"));
    TH_CHECK_STR(r.recs.data, "ndjson_with_truncated_line.jsonl:1 {\"auditID\": \"1\", \"verb\": \"get\"}\n"
                              "ndjson_with_truncated_line.jsonl:3 {\"auditID\": \"3\", \"verb\": \"watch\"}\n");
    TH_CHECK_STR(r.probs.data, "error truncated ndjson_with_truncated_line.jsonl:2\n");
    run_free(&r);
}

TH_TEST(test_scalar_lines_are_not_objects)
{
    struct run r;
    run_path(&r, th_fixture("input/ndjson_with_scalar_lines.jsonl"));
    TH_CHECK_STR(r.recs.data, "ndjson_with_scalar_lines.jsonl:3 {\"auditID\": \"ok\"}\n");
    TH_CHECK_STR(r.probs.data, "error not-object ndjson_with_scalar_lines.jsonl:1\n"
                               "error not-object ndjson_with_scalar_lines.jsonl:2\n");
    run_free(&r);
}

TH_TEST(test_record_over_limit_is_reported_and_skipped)
{
    struct th_buf t;
    th_buf_init(&t);
    th_buf_puts(&t, "{\"a\":1}\n{\"big\":\"");
    for (int i = 0; i < 3000; i++) {
        th_buf_putc(&t, 'x');
    }
    th_buf_puts(&t, "\"}\n{\"c\":3}\n");
    const char *p = write_tmp("one_big_record.jsonl", t.data, t.len);
    struct th_kv kv[] = {{"path", p, NULL, 0, 0}, {"max_record_size", "1KiB", NULL, 0, 0}, {"read_size", "100", NULL, 0, 0}};
    struct run r;
    run_kv(&r, kv, 3);
    TH_CHECK_STR(r.recs.data, "one_big_record.jsonl:1 {\"a\":1}\none_big_record.jsonl:3 {\"c\":3}\n");
    TH_CHECK_STR(r.probs.data, "error too-large one_big_record.jsonl:2\n");
    TH_CHECK(strstr(r.msgs.data, "3010 bytes") != NULL);
    run_free(&r);
    th_buf_free(&t);
}

TH_TEST(test_digest_file_is_skipped_with_note)
{
    struct run r;
    run_path(&r, th_fixture("input/cloudtrail_digest.json"));
    TH_CHECK_STR(r.recs.data, "");
    TH_CHECK_STR(r.probs.data, "note skipped-file cloudtrail_digest.json\n");
    run_free(&r);
}

TH_TEST(test_digest_path_is_skipped_without_reading)
{
    const char *p = write_tmp("111122223333_CloudTrail-Digest_us-east-2_t_us-east-2_20150817T150131Z.json.gz", "junk", 4);
    struct run r;
    run_path(&r, p);
    TH_CHECK_INT(r.nprob, 1);
    TH_CHECK(strstr(r.probs.data, "note skipped-file ") == r.probs.data);
    run_free(&r);
}

TH_TEST(test_insights_file_is_skipped_with_note)
{
    struct run r;
    run_path(&r, th_fixture("input/cloudtrail_insights_records.json"));
    TH_CHECK_STR(r.recs.data, "");
    TH_CHECK_STR(r.probs.data, "note skipped-file cloudtrail_insights_records.json\n");
    run_free(&r);
}

TH_TEST(test_empty_file_is_reported)
{
    struct run r;
    run_path(&r, th_fixture("input/empty.json"));
    TH_CHECK_STR(r.probs.data, "warning empty empty.json\n");
    TH_CHECK_INT(r.nrec, 0);
    run_free(&r);
}

TH_TEST(test_whitespace_only_file_is_reported_empty)
{
    struct run r;
    run_path(&r, th_fixture("input/whitespace_only.json"));
    TH_CHECK_STR(r.probs.data, "warning empty whitespace_only.json\n");
    run_free(&r);
}

TH_TEST(test_binary_junk_is_unknown_format)
{
    unsigned char junk[512];
    for (size_t i = 0; i < sizeof junk; i++) {
        junk[i] = (unsigned char)(i * 131u + 7u);
    }
    junk[0] = 0x89;
    const char *p = write_tmp("junk.json", junk, sizeof junk);
    struct run r;
    run_path(&r, p);
    TH_CHECK_STR(r.probs.data, "error unknown-format junk.json\n");
    TH_CHECK_INT(r.nrec, 0);
    run_free(&r);
}

TH_TEST(test_missing_path_is_an_io_problem_and_the_rest_is_read)
{
    struct th_kv kv[] = {{"path", "/nonexistent/th_nothing.json", NULL, 0, 0},
                         {"path", th_fixture("input/ndjson_three_records.jsonl"), NULL, 0, 0}};
    struct run r;
    run_kv(&r, kv, 2);
    TH_CHECK_STR(r.probs.data, "error io th_nothing.json\n");
    TH_CHECK_INT(r.nrec, 3);
    run_free(&r);
}

/* ---- CloudWatch Logs ---- */

TH_TEST(test_cloudwatch_data_message)
{
    struct run r;
    run_path(&r, th_fixture("input/cloudwatch_data_message.json"));
    TH_CHECK_STR(r.recs.data,
                 "cloudwatch_data_message.json#record=1 {\"eventVersion\":\"1.08\",\"eventName\":\"CreateUser\","
                 "\"requestParameters\":{\"userName\":\"caf\xc3\xa9 \\\"q\\\"\"}}\n"
                 "cloudwatch_data_message.json#record=2 {\"eventVersion\":\"1.08\",\"eventName\":\"DeleteUser\"}\n");
    TH_CHECK_STR(r.probs.data, "");
    run_free(&r);
}

TH_TEST(test_cloudwatch_control_message_is_skipped_with_note)
{
    struct run r;
    run_path(&r, th_fixture("input/cloudwatch_control_message.json"));
    TH_CHECK_STR(r.recs.data, "");
    TH_CHECK_STR(r.probs.data, "note skipped-file cloudwatch_control_message.json\n");
    run_free(&r);
}

TH_TEST(test_cloudwatch_lambda_base64_gzip)
{
    struct run r;
    run_path(&r, th_fixture("input/cloudwatch_lambda_awslogs.json"));
    TH_CHECK_STR(r.recs.data,
                 "cloudwatch_lambda_awslogs.json#record=1 {\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"L1\",\"verb\":\"get\"}\n"
                 "cloudwatch_lambda_awslogs.json#record=2 {\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"L2\",\"verb\":\"delete\"}\n");
    TH_CHECK_STR(r.probs.data, "");
    run_free(&r);
}

TH_TEST(test_cloudwatch_lambda_with_bad_base64_is_reported)
{
    const char *t = "{\"awslogs\":{\"data\":\"H4sI!!!\"}}\n";
    const char *p = write_tmp("bad_awslogs.json", t, strlen(t));
    struct run r;
    run_path(&r, p);
    TH_CHECK_STR(r.probs.data, "error base64 bad_awslogs.json:1\n");
    run_free(&r);
}

/* ---- paths ---- */

TH_TEST(test_directory_is_walked_in_sorted_order)
{
    mkdir(tmp_path("walk"), 0755);
    mkdir(tmp_path("walk/b_dir"), 0755);
    write_tmp("walk/c.json", "{\"f\":\"c\"}\n", 10);
    write_tmp("walk/a.json", "{\"f\":\"a\"}\n", 10);
    write_tmp("walk/b_dir/x.json", "{\"f\":\"bx\"}\n", 11);
    write_tmp("walk/.hidden", "junk", 4);
    struct run r;
    run_path(&r, tmp_path("walk"));
    TH_CHECK_STR(r.recs.data, "a.json:1 {\"f\":\"a\"}\nx.json:1 {\"f\":\"bx\"}\nc.json:1 {\"f\":\"c\"}\n");
    TH_CHECK_STR(r.probs.data, "");
    run_free(&r);
}

TH_TEST(test_glob_pattern_selects_matching_files)
{
    mkdir(tmp_path("glob"), 0755);
    write_tmp("glob/2.jsonl", "{\"n\":2}\n", 8);
    write_tmp("glob/1.jsonl", "{\"n\":1}\n", 8);
    write_tmp("glob/skip.txt", "junk", 4);
    char pat[300];
    snprintf(pat, sizeof pat, "%s/*.jsonl", tmp_path("glob"));
    struct run r;
    run_path(&r, pat);
    TH_CHECK_STR(r.recs.data, "1.jsonl:1 {\"n\":1}\n2.jsonl:1 {\"n\":2}\n");
    run_free(&r);
}

TH_TEST(test_stdin_dash)
{
    const char *p = write_tmp("stdin_input.jsonl", "{\"s\":1}\n{\"s\":2}\n", 16);
    int saved = dup(STDIN_FILENO);
    int fd = open(p, O_RDONLY);
    dup2(fd, STDIN_FILENO);
    close(fd);
    struct run r;
    run_path(&r, "-");
    dup2(saved, STDIN_FILENO);
    close(saved);
    TH_CHECK_STR(r.recs.data, "<stdin>:1 {\"s\":1}\n<stdin>:2 {\"s\":2}\n");
    run_free(&r);
}

/* ---- buffers, batches, progress ---- */

TH_TEST(test_records_span_chunk_boundaries)
{
    struct th_buf t, want;
    th_buf_init(&t);
    th_buf_init(&want);
    th_buf_puts(&t, "{\"Records\":[");
    for (int i = 0; i < 300; i++) {
        char rec[128];
        snprintf(rec, sizeof rec, "{\"eventName\":\"E%d\",\"s\":\"q\\\"}{[\"}", i);
        th_buf_printf(&t, "%s%s", i ? ",\n" : "", rec);
        th_buf_printf(&want, "chunky.json#record=%d %s\n", i + 1, rec);
    }
    th_buf_puts(&t, "]}");
    const char *p = write_tmp("chunky.json", t.data, t.len);
    static const char *sizes[] = {"1", "7", "64", "1000"};
    for (size_t k = 0; k < 4; k++) {
        struct th_kv kv[] = {{"path", p, NULL, 0, 0}, {"read_size", sizes[k], NULL, 0, 0}, {"batch_size", "16", NULL, 0, 0}};
        struct run r;
        run_kv(&r, kv, 3);
        TH_CHECK_STR(r.recs.data, want.data);
        TH_CHECK_STR(r.probs.data, "");
        run_free(&r);
    }
    th_buf_free(&t);
    th_buf_free(&want);
}

TH_TEST(test_batch_size_caps_records_per_batch)
{
    struct th_kv kv[] = {{"path", th_fixture("input/ndjson_three_records.jsonl"), NULL, 0, 0},
                         {"batch_size", "2", NULL, 0, 0}};
    struct run r;
    run_kv(&r, kv, 2);
    TH_CHECK_INT(r.nrec, 3);
    TH_CHECK_INT(r.nbatch, 2);
    run_free(&r);
}

TH_TEST(test_unacknowledged_batch_stays_valid_while_reading_on)
{
    struct th_buf t;
    th_buf_init(&t);
    for (int i = 0; i < 200; i++) {
        th_buf_printf(&t, "{\"n\":%d}\n", i);
    }
    const char *p = write_tmp("held.jsonl", t.data, t.len);
    struct th_kv kv[] = {{"path", p, NULL, 0, 0}, {"read_size", "32", NULL, 0, 0}, {"batch_size", "3", NULL, 0, 0}};
    struct th_source *src = open_src(kv, 3);
    TH_CHECK(src != NULL);
    if (!src) {
        return;
    }
    struct th_err err;
    th_err_init(&err);
    struct th_batch first, b;
    th_batch_init(&first);
    TH_CHECK_INT(src->ops->next_batch(src, &first, -1, &err), TH_SRC_OK);
    TH_CHECK_INT(first.n, 3);
    int seen = 3;
    for (;;) {
        th_batch_init(&b);
        int rc = src->ops->next_batch(src, &b, -1, &err);
        if (rc != TH_SRC_OK) {
            break;
        }
        seen += (int)b.n;
        src->ops->ack(src, &b, TH_DELIVERED);
        th_batch_free(&b);
    }
    th_batch_free(&b);
    TH_CHECK_INT(seen, 200);
    TH_CHECK_MEM(first.recs[0].data, first.recs[0].len, "{\"n\":0}");
    TH_CHECK_MEM(first.recs[2].data, first.recs[2].len, "{\"n\":2}");
    src->ops->ack(src, &first, TH_DELIVERED);
    th_batch_free(&first);
    th_err_free(&err);
    th_source_close(src);
    th_buf_free(&t);
}

TH_TEST(test_progress_counts_files_and_bytes)
{
    char *a = strdup(th_fixture("input/ndjson_three_records.jsonl"));
    char *b = strdup(th_fixture("input/k8s_eventlist.json"));
    struct th_kv kv[] = {{"path", a, NULL, 0, 0}, {"path", b, NULL, 0, 0}};
    struct th_source *src = open_src(kv, 2);
    free(a);
    free(b);
    TH_CHECK(src != NULL);
    if (!src) {
        return;
    }
    struct th_progress pr;
    memset(&pr, 0, sizeof pr);
    src->ops->progress(src, &pr);
    TH_CHECK_STR(pr.unit, "files");
    TH_CHECK_INT(pr.units_total, 2);
    TH_CHECK_INT(pr.units_done, 0);
    TH_CHECK_INT(pr.bytes_total, 99 + 333);
    struct run r;
    drain_src(src, &r);
    src->ops->progress(src, &pr);
    TH_CHECK_INT(pr.units_done, 2);
    TH_CHECK_INT(pr.bytes_done, 99 + 333);
    run_free(&r);
    th_source_close(src);
}

TH_TEST(test_source_option_sets_the_record_hint)
{
    struct th_kv kv[] = {{"path", th_fixture("input/ndjson_three_records.jsonl"), NULL, 0, 0},
                         {"source", "k8s_audit", NULL, 0, 0}};
    struct th_source *src = open_src(kv, 2);
    TH_CHECK(src != NULL);
    if (!src) {
        return;
    }
    struct th_err err;
    th_err_init(&err);
    struct th_batch b;
    th_batch_init(&b);
    TH_CHECK_INT(src->ops->next_batch(src, &b, -1, &err), TH_SRC_OK);
    TH_CHECK(b.n == 3 && b.recs[0].hint == TH_SRC_K8S_AUDIT);
    src->ops->ack(src, &b, TH_DELIVERED);
    th_batch_free(&b);
    th_err_free(&err);
    th_source_close(src);
}

TH_TEST(test_bad_source_option_value_is_a_config_error)
{
    struct th_kv kv[] = {{"path", "x", NULL, 0, 0}, {"source", "gcp", NULL, 0, 0}};
    struct th_err err;
    th_err_init(&err);
    TH_CHECK(th_source_open("file", kv, 2, &err) == NULL);
    TH_CHECK(err.n == 1 && strstr(err.v[0].msg, "'gcp'") != NULL);
    th_err_free(&err);
}

TH_RUN_TESTS()
