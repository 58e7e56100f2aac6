/* bench_fields.c - our side of the JSON benchmark, through trailhound's own libraries.
 *   bench_fields decode FILE.ndjson              th_json_parse() every line (validate + build the tape)
 *   bench_fields fields FILE.ndjson [FIELDS.txt] parse, then extract every path of fields.txt with th_json_path()
 *                                                and th_json_str(), summing string lengths so nothing is optimized away
 *   bench_fields gz DIR [FIELDS.txt]             the same fields, reading a directory of CloudTrail .json.gz files
 *                                                through the file source (th_source_open("file")): gunzip + split
 *                                                {"Records":[...]} + parse + fields
 * Prints events/s on stdout; counts, bytes and the checksum on stderr. The fields checksum (sum over present
 * fields of 1 + unescaped string length) is computed the same way by simdjson_fields.cpp, so run.sh can check
 * both extracted the same values.
 * Invariant: one th_json doc and one scratch arena are reused for every line: the timed loop allocates nothing
 * once warmed up. */
#include <stdio.h>
#include <string.h>

#include "bench_util.h"
#include "th_buf.h"
#include "th_connector.h"
#include "th_json.h"

struct fieldset {
    char *path[BENCH_MAX_FIELDS];
    struct th_jpath jp[BENCH_MAX_FIELDS]; /* split and tagged once, as the rule compiler does for fields */
    int n;
};

static uint64_t extract(const struct th_json *doc, const struct fieldset *fs, struct th_arena *scratch)
{
    uint64_t sum = 0;
    for (int i = 0; i < fs->n; i++) {
        uint32_t v = th_jpath_get(doc, 0, &fs->jp[i]);
        if (v == TH_JNONE || th_json_type(doc, v) == TH_J_NULL) {
            continue;
        }
        const char *p;
        size_t len;
        sum += 1;
        if (th_json_str(doc, v, scratch, &p, &len)) {
            sum += len;
        }
    }
    return sum;
}

static int run(const char *mode, const char *path, const struct fieldset *fs)
{
    bool fields = strcmp(mode, "fields") == 0;
    double t0 = bench_now();
    struct bench_lines l;
    if (bench_lines_open(&l, path) != 0) {
        perror(path);
        return 1;
    }
    struct th_json doc;
    th_json_init(&doc);
    struct th_arena scratch;
    th_arena_init(&scratch);
    uint64_t events = 0, bad = 0, sum = 0;
    const char *line;
    size_t n;
    while (bench_lines_next(&l, &line, &n)) {
        if (n == 0) {
            continue;
        }
        if (th_json_parse(&doc, line, n) != 0) {
            bad++;
            continue;
        }
        events++;
        if (fields) {
            sum += extract(&doc, fs, &scratch);
            th_arena_reset(&scratch);
        } else {
            sum += doc.n;
        }
    }
    double secs = bench_now() - t0;
    uint64_t bytes = l.bytes;
    bench_lines_close(&l);
    th_json_free(&doc);
    th_arena_free(&scratch);
    if (bad) {
        fprintf(stderr, "bench_fields: %llu lines failed to parse\n", (unsigned long long)bad);
    }
    bench_report(fields ? "ours-fields" : "ours-decode", events, bytes, secs, sum);
    return bad ? 1 : 0;
}

/* Records of one batch: parse + fields. Returns the number of records that failed to parse. */
static uint64_t gz_batch(const struct th_batch *b, struct th_json *doc, const struct fieldset *fs,
                         struct th_arena *scratch, uint64_t *events, uint64_t *bytes, uint64_t *sum)
{
    uint64_t bad = 0;
    for (size_t i = 0; i < b->n; i++) {
        const struct th_record *r = &b->recs[i];
        *bytes += r->len;
        if (th_json_parse(doc, r->data, r->len) != 0) {
            bad++;
            continue;
        }
        (*events)++;
        *sum += extract(doc, fs, scratch);
        th_arena_reset(scratch);
    }
    return bad;
}

static int run_gz(const char *dir, const struct fieldset *fs)
{
    double t0 = bench_now();
    struct th_err err;
    th_err_init(&err);
    struct th_kv kv[] = {{"path", dir, NULL, 0, 0}};
    struct th_source *src = th_source_open("file", kv, 1, &err);
    if (!src) {
        th_err_print(stderr, &err);
        th_err_free(&err);
        return 1;
    }
    struct th_json doc;
    th_json_init(&doc);
    struct th_arena scratch;
    th_arena_init(&scratch);
    struct th_batch batch;
    th_batch_init(&batch);
    uint64_t events = 0, bytes = 0, sum = 0, bad = 0, probs = 0;
    int rc = 0;
    for (;;) {
        int st = src->ops->next_batch(src, &batch, -1, &err);
        if (st == TH_SRC_FAIL) {
            th_err_print(stderr, &err);
            rc = 1;
            break;
        }
        probs += batch.nprobs;
        bad += gz_batch(&batch, &doc, fs, &scratch, &events, &bytes, &sum);
        src->ops->ack(src, &batch, TH_DELIVERED);
        th_batch_clear(&batch);
        if (st == TH_SRC_EOF) {
            break;
        }
    }
    double secs = bench_now() - t0;
    th_batch_free(&batch);
    th_source_close(src);
    th_json_free(&doc);
    th_arena_free(&scratch);
    th_err_free(&err);
    if (bad || probs) {
        fprintf(stderr, "bench_fields: %llu records failed to parse, %llu input problems\n", (unsigned long long)bad,
                (unsigned long long)probs);
        rc = 1;
    }
    bench_report("ours-gz-fields", events, bytes, secs, sum);
    return rc;
}

int main(int argc, char **argv)
{
    bool known = argc >= 3 && (strcmp(argv[1], "decode") == 0 || strcmp(argv[1], "fields") == 0 ||
                               strcmp(argv[1], "gz") == 0);
    if (!known) {
        fprintf(stderr, "usage: bench_fields decode|fields FILE.ndjson [FIELDS.txt]\n"
                        "       bench_fields gz DIR [FIELDS.txt]\n");
        return 2;
    }
    struct fieldset fs = {.n = 0};
    if (strcmp(argv[1], "decode") != 0) {
        const char *fpath = argc > 3 ? argv[3] : "bench/fields.txt";
        fs.n = bench_load_fields(fpath, fs.path);
        for (int i = 0; i < fs.n; i++) {
            th_jpath_init(&fs.jp[i], fs.path[i]);
        }
        if (fs.n <= 0) {
            fprintf(stderr, "bench_fields: cannot read field list %s\n", fpath);
            return 2;
        }
    }
    int rc = strcmp(argv[1], "gz") == 0 ? run_gz(argv[2], &fs) : run(argv[1], argv[2], &fs);
    for (int i = 0; i < fs.n; i++) {
        free(fs.path[i]);
    }
    return rc;
}
