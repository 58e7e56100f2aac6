/* test_conformance_fields_differential.c - every registered field, extracted from every CloudTrail and k8s audit
 * record of the shared corpus through two JSON backends (th_json_parse and the jansson oracle), must render the
 * same. Arguments: every value pointer of the record for json.value/jevt.value, indexes 0..2 for list fields,
 * each query key for ka.uri.param. Numbers compare numerically where only their spelling differs.
 * Record layouts handled: {"Records":[...]} envelopes, {"kind":"EventList","items":[...]}, JSON arrays,
 * NDJSON lines, and Panther test lines ({"rule_id":...,"event":{...}}). Skips loudly without ../shared. */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support_json_oracle.h"
#include "th_event.h"
#include "th_test.h"

struct side {
    struct th_arena scratch;
    struct th_event ev;
};

struct diff {
    struct th_json whole, line, a;
    struct th_json_oracle b;
    struct side sa, sb;
    struct th_buf ptrs;     /* NUL-separated json pointers of the current record */
    struct th_buf ra, rb;   /* rendered values */
    const char *origin;
    size_t files, records, ct_records, ka_records, non_audit, oracle_refused, comparisons, mismatches;
};

/* ---- rendering and comparison ---- */

static void render(const struct th_val *v, int present, struct th_buf *out)
{
    th_buf_clear(out);
    if (!present) {
        th_buf_puts(out, "<absent>");
        return;
    }
    th_buf_printf(out, "%s:", th_ftype_name(v->type));
    switch (v->type) {
    case TH_FT_STR:
    case TH_FT_IP: th_buf_append(out, v->u.s.p, v->u.s.n); break;
    case TH_FT_U64:
    case TH_FT_TIME: th_buf_printf(out, "%lld", (long long)v->u.i); break;
    case TH_FT_BOOL: th_buf_puts(out, v->u.b ? "true" : "false"); break;
    case TH_FT_STRLIST:
        th_buf_printf(out, "%zu[", v->u.list.n);
        for (size_t i = 0; i < v->u.list.n; i++) {
            th_buf_append(out, v->u.list.v[i].p, v->u.list.v[i].n);
            th_buf_putc(out, '\x1f');
        }
        break;
    }
}

static bool numchar(char c)
{
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

/* Equal texts, or texts whose differing spots are numbers of the same value ("1.5e1" vs "15"). */
static bool same_rendering(const char *x, const char *y)
{
    size_t i = 0, j = 0;
    for (;;) {
        if (x[i] == y[j]) {
            if (!x[i]) {
                return true;
            }
            i++;
            j++;
            continue;
        }
        size_t si = i, sj = j;
        while (si > 0 && sj > 0 && numchar(x[si - 1]) && x[si - 1] == y[sj - 1]) {
            si--;
            sj--;
        }
        char *ex = NULL, *ey = NULL;
        double dx = 0, dy = 0;
        bool parsed = false;
        for (; si <= i && !parsed; si++, sj++) {
            dx = strtod(x + si, &ex);
            dy = strtod(y + sj, &ey);
            parsed = ex != x + si && ey != y + sj && (size_t)(ex - x) >= i && (size_t)(ey - y) >= j &&
                     ((size_t)(ex - x) > i || (size_t)(ey - y) > j);
        }
        if (!parsed || !(dx == dy || (isnan(dx) && isnan(dy)))) {
            return false;
        }
        i = (size_t)(ex - x);
        j = (size_t)(ey - y);
    }
}

/* ---- arguments ---- */

static void add_pointer_escaped(struct th_buf *b, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '~') {
            th_buf_puts(b, "~0");
        } else if (p[i] == '/') {
            th_buf_puts(b, "~1");
        } else {
            th_buf_putc(b, p[i]);
        }
    }
}

/* Appends the pointer of every value below node (prefix already in path) to d->ptrs. */
static void collect_pointers(struct diff *d, uint32_t node, struct th_buf *path)
{
    const struct th_json *doc = &d->a;
    th_buf_append(&d->ptrs, path->data ? path->data : "", path->len + 1);
    size_t keep = path->len;
    if (th_json_type(doc, node) == TH_J_OBJECT) {
        for (uint32_t k = th_json_first(doc, node); k != TH_JNONE; k = th_json_next(doc, k + 1, node)) {
            const char *p;
            size_t n;
            th_json_str(doc, k, &d->sa.scratch, &p, &n);
            th_buf_putc(path, '/');
            add_pointer_escaped(path, p, n);
            collect_pointers(d, k + 1, path);
            path->len = keep;
            path->data[keep] = 0;
        }
    } else if (th_json_type(doc, node) == TH_J_ARRAY) {
        uint32_t i = 0;
        for (uint32_t e = th_json_first(doc, node); e != TH_JNONE; e = th_json_next(doc, e, node), i++) {
            th_buf_printf(path, "/%u", i);
            collect_pointers(d, e, path);
            path->len = keep;
            path->data[keep] = 0;
        }
    }
}

/* Raw query keys of requestURI, NUL-separated, plus one that is never there. */
static void collect_query_keys(struct diff *d, struct th_buf *keys)
{
    const char *p;
    size_t n;
    th_buf_clear(keys);
    uint32_t u = th_json_getz(&d->a, d->sa.ev.root, "requestURI");
    if (th_json_str(&d->a, u, &d->sa.scratch, &p, &n)) {
        const char *q = memchr(p, '?', n);
        const char *end = p + n;
        for (const char *s = q ? q + 1 : end; s < end;) {
            const char *amp = memchr(s, '&', (size_t)(end - s));
            const char *pe = amp ? amp : end;
            const char *eq = memchr(s, '=', (size_t)(pe - s));
            th_buf_append(keys, s, (size_t)((eq ? eq : pe) - s));
            th_buf_putc(keys, 0);
            s = amp ? amp + 1 : end;
        }
    }
    th_buf_append(keys, "no_such_key", 12);
}

/* ---- comparing one field reference ---- */

static void compare_ref(struct diff *d, const struct th_field_def *def, const struct th_fieldref *ref, long recno)
{
    struct th_val va, vb;
    int pa = def->extract(&d->sa.ev, ref, &va);
    int pb = def->extract(&d->sb.ev, ref, &vb);
    render(&va, pa, &d->ra);
    render(&vb, pb, &d->rb);
    d->comparisons++;
    bool ok = pa == pb && same_rendering(d->ra.data, d->rb.data);
    if (pa && va.type != def->type) {
        ok = false;
    }
    if (ok) {
        return;
    }
    if (++d->mismatches <= 25) {
        char arg[64] = "";
        if (ref->key) {
            snprintf(arg, sizeof arg, "[%.60s]", ref->key);
        } else if (ref->index >= 0) {
            snprintf(arg, sizeof arg, "[%d]", ref->index);
        }
        th_test_fail(__FILE__, __LINE__, "%s record %ld: %s%s: th_json=%.200s oracle=%.200s (declared type %s)",
                     d->origin, recno, def->name, arg, d->ra.data, d->rb.data, th_ftype_name(def->type));
    }
}

static void compare_field(struct diff *d, uint16_t id, long recno, struct th_buf *qkeys)
{
    const struct th_field_def *def = th_field_by_id(id);
    struct th_fieldref ref = {id, TH_NO_SLOT, -1, NULL, 0};
    if (!(def->flags & TH_FF_ARG_KEY)) {
        compare_ref(d, def, &ref, recno);
        for (int32_t i = 0; (def->flags & TH_FF_ARG_INDEX) && i < 3; i++) {
            ref.index = i;
            compare_ref(d, def, &ref, recno);
        }
        return;
    }
    const struct th_buf *keys = qkeys;
    static const char fixed[] = "/*\0/etc\0/var/run/docker.sock\0/proc\0x";
    struct th_buf fixedbuf = {(char *)fixed, sizeof fixed - 1, 0};
    if (!strcmp(def->name, "json.value") || !strcmp(def->name, "jevt.value")) {
        keys = &d->ptrs;
    } else if (strcmp(def->name, "ka.uri.param") != 0) {
        keys = &fixedbuf;
    }
    for (size_t off = 0; off < keys->len; off += strlen(keys->data + off) + 1) {
        ref.key = keys->data + off;
        ref.keylen = (uint32_t)strlen(ref.key);
        compare_ref(d, def, &ref, recno);
    }
}

/* ---- one record ---- */

static int64_t record_time(const struct th_json *doc, uint32_t root, enum th_srckind kind, struct th_arena *a)
{
    const char *p;
    size_t n;
    int64_t ns = 0;
    uint32_t t = th_json_getz(doc, root, kind == TH_SRC_K8S_AUDIT ? "stageTimestamp" : "eventTime");
    if (th_json_str(doc, t, a, &p, &n)) {
        th_time_parse_rfc3339(p, n, &ns);
    }
    return ns;
}

static void setup_side(struct side *s, struct th_json *doc, enum th_srckind kind, uint32_t root, uint64_t num)
{
    th_arena_reset(&s->scratch);
    memset(&s->ev, 0, sizeof s->ev);
    s->ev.kind = kind;
    s->ev.doc = doc;
    s->ev.root = root;
    s->ev.scratch = &s->scratch;
    s->ev.num = num;
    s->ev.time_ns = record_time(doc, root, kind, &s->scratch);
}

static void process_record(struct diff *d, const char *text, size_t len)
{
    char err[256];
    long recno = (long)(d->records + d->non_audit + d->oracle_refused + 1);
    if (th_json_parse(&d->a, text, len) != 0) {
        th_json_errstr(&d->a, err, sizeof err);
        th_test_fail(__FILE__, __LINE__, "%s: a record slice does not re-parse: %s", d->origin, err);
        return;
    }
    uint32_t ra, rb;
    enum th_srckind ka = th_event_detect(&d->a, 0, &ra);
    if (ka == TH_SRC_UNKNOWN) {
        d->non_audit++;
        return;
    }
    if (th_oracle_parse(&d->b, text, len, err, sizeof err) != 0) {
        d->oracle_refused++; /* duplicate keys or integers beyond int64: jansson has no faithful DOM */
        return;
    }
    enum th_srckind kb = th_event_detect(&d->b.doc, 0, &rb);
    TH_CHECK_INT(d->b.doc.n, d->a.n);
    if (kb != ka || rb != ra || d->b.doc.n != d->a.n) {
        th_test_fail(__FILE__, __LINE__, "%s record %ld: backends disagree on shape (kind %d/%d root %u/%u)",
                     d->origin, recno, ka, kb, ra, rb);
        return;
    }
    d->records++;
    if (ka == TH_SRC_CLOUDTRAIL) {
        d->ct_records++;
    } else {
        d->ka_records++;
    }
    setup_side(&d->sa, &d->a, ka, ra, d->records);
    setup_side(&d->sb, &d->b.doc, kb, rb, d->records);
    struct th_buf path, qkeys;
    th_buf_init(&path);
    th_buf_init(&qkeys);
    th_buf_clear(&d->ptrs);
    collect_pointers(d, ra, &path);
    collect_query_keys(d, &qkeys);
    for (size_t id = 0; id < th_field_count(); id++) {
        if (th_field_by_id((uint16_t)id)->sources & TH_SRC_MASK(ka)) {
            compare_field(d, (uint16_t)id, recno, &qkeys);
        }
    }
    th_buf_free(&path);
    th_buf_free(&qkeys);
}

/* ---- record layouts ---- */

static void visit(struct diff *d, const struct th_json *doc, uint32_t node, int depth)
{
    if (depth > 4) {
        return;
    }
    enum th_jtype t = th_json_type(doc, node);
    if (t == TH_J_ARRAY) {
        for (uint32_t e = th_json_first(doc, node); e != TH_JNONE; e = th_json_next(doc, e, node)) {
            visit(d, doc, e, depth + 1);
        }
        return;
    }
    if (t != TH_J_OBJECT) {
        return;
    }
    uint32_t records = th_json_getz(doc, node, "Records");
    uint32_t items = th_json_getz(doc, node, "items");
    uint32_t event = th_json_getz(doc, node, "event");
    if (records != TH_JNONE && th_json_type(doc, records) == TH_J_ARRAY) {
        visit(d, doc, records, depth + 1);
    } else if (items != TH_JNONE && th_json_str_eq(doc, th_json_getz(doc, node, "kind"), "EventList", 9)) {
        visit(d, doc, items, depth + 1);
    } else if (event != TH_JNONE && th_json_getz(doc, node, "rule_id") != TH_JNONE) {
        visit(d, doc, event, depth + 1);
    } else {
        const struct th_jnode *n = th_json_node(doc, node);
        process_record(d, doc->src + n->off, n->len);
    }
}

static void process_file(struct diff *d, const char *path)
{
    size_t len;
    char *text = th_test_read_file(path, &len);
    if (!text) {
        th_test_fail(__FILE__, __LINE__, "cannot read %s", path);
        return;
    }
    d->files++;
    d->origin = path;
    if (th_json_parse(&d->whole, text, len) == 0) {
        visit(d, &d->whole, 0, 0);
        free(text);
        return;
    }
    for (char *line = text; line < text + len;) {
        char *nl = memchr(line, '\n', (size_t)(text + len - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(text + len - line);
        if (n > 0 && th_json_parse(&d->line, line, n) == 0) {
            visit(d, &d->line, 0, 0);
        }
        line += n + 1;
    }
    free(text);
}

static bool wanted(const char *name)
{
    size_t n = strlen(name);
    if (strstr(name, "MANIFEST") || strstr(name, "LICENSE")) {
        return false;
    }
    return (n > 5 && !strcmp(name + n - 5, ".json")) || (n > 6 && !strcmp(name + n - 6, ".jsonl")) ||
           (n > 4 && !strcmp(name + n - 4, ".log"));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(struct diff *d, const char *dir)
{
    DIR *dh = opendir(dir);
    if (!dh) {
        th_test_fail(__FILE__, __LINE__, "cannot open corpus directory %s", dir);
        return;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(dh)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }
        names = th_xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = th_xasprintf("%s/%s", dir, de->d_name);
    }
    closedir(dh);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            walk(d, names[i]);
        } else if (wanted(strrchr(names[i], '/') + 1)) {
            process_file(d, names[i]);
        }
        free(names[i]);
    }
    free(names);
}

TH_TEST(test_every_field_agrees_between_th_json_and_the_jansson_oracle_on_the_corpus)
{
    static const char *const dirs[] = {"corpus/cloudtrail", "corpus/k8s_audit", "corpus/falco/events",
                                       "corpus/panther/test-events"};
    if (!th_shared("corpus")) {
        TH_SKIP("../shared is absent");
    }
    struct diff *d = th_xcalloc(1, sizeof *d);
    th_json_init(&d->whole);
    th_json_init(&d->line);
    th_json_init(&d->a);
    th_oracle_init(&d->b);
    th_arena_init(&d->sa.scratch);
    th_arena_init(&d->sb.scratch);
    th_buf_init(&d->ptrs);
    th_buf_init(&d->ra);
    th_buf_init(&d->rb);
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        walk(d, th_shared(dirs[i]));
    }
    printf("differential: %zu files, %zu records (%zu CloudTrail, %zu k8s audit), %zu non-audit objects skipped, "
           "%zu refused by jansson, %zu field comparisons, %zu mismatches\n",
           d->files, d->records, d->ct_records, d->ka_records, d->non_audit, d->oracle_refused, d->comparisons,
           d->mismatches);
    TH_CHECK(d->ct_records >= 3000);
    TH_CHECK(d->ka_records >= 150);
    TH_CHECK_INT(d->mismatches, 0);
    th_json_free(&d->whole);
    th_json_free(&d->line);
    th_json_free(&d->a);
    th_oracle_free(&d->b);
    th_arena_free(&d->sa.scratch);
    th_arena_free(&d->sb.scratch);
    th_buf_free(&d->ptrs);
    th_buf_free(&d->ra);
    th_buf_free(&d->rb);
    free(d);
}

TH_TEST(test_number_aware_comparison_accepts_only_equal_values)
{
    TH_CHECK(same_rendering("{\"a\":1.5e1}", "{\"a\":15}"));
    TH_CHECK(same_rendering("x0.1y", "x0.10000000000000001y"));
    TH_CHECK(!same_rendering("{\"a\":12}", "{\"a\":1.2}"));
    TH_CHECK(!same_rendering("abc", "abd"));
    TH_CHECK(same_rendering("", ""));
}

TH_RUN_TESTS()
