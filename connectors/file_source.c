/* file_source.c - the "file" source: reads files, directories (recursive, sorted by name, dot-files skipped),
 * glob patterns and stdin ("-"), detects the format by content (gzip magic, then JSON shape; see
 * record_split.h) and hands the engine batches of records that point into its read buffer.
 *
 * Memory: one read buffer ("generation") of read_size + the longest partial record; records of a batch point
 * into it and stay valid until that batch's ack(). The replay engine acks each batch before asking for the next,
 * so one generation is reused forever; if a batch is still unacknowledged when the buffer must be compacted, a
 * new generation is started and the old one freed at its last ack. A batch never spans two generations: when
 * the buffer is full and the batch already holds records in it, the batch is returned early.
 * Unescaped CloudWatch Logs messages and decoded awslogs payloads live in a per-batch arena, freed at ack.
 * next_batch() clears the batch it is given (the previous use must have been acked) and returns TH_SRC_EOF with
 * an empty batch (nothing to ack) once every file is done; a batch holding only problems is TH_SRC_OK.
 * batch_size caps records per batch, except that one awslogs payload is never split across batches.
 * Gzip: members up to 32 MiB compressed / 128 MiB decoded go through libdeflate at once, larger ones stream
 * through zlib, so memory is bounded (about read_size + max_record_size, plus that whole-member bound for gzip).
 *
 * Problems (one per bad input, never fatal for the run): TH_E_IO (missing / unreadable path), TH_E_EMPTY (warning:
 * an empty or whitespace-only file is suspicious but loses nothing), TH_E_GZIP (with the byte offset; records
 * decoded before the damage are kept), TH_E_UNKNOWN_FORMAT, TH_E_JSON_SYNTAX, TH_E_TRUNCATED, TH_E_NOT_OBJECT,
 * TH_E_TOO_LARGE, TH_E_BASE64, and notes (TH_N_SKIPPED_FILE) for CloudTrail digest and Insights files and
 * CloudWatch Logs CONTROL_MESSAGE payloads. Insights files are recognised by path ("CloudTrail-Insight") or when
 * the first record of a file has eventType AwsCloudTrailInsight.
 * Invariant: every byte of input ends up in exactly one record or is covered by a problem. */
#include "file_source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cwl_decode.h"
#include "gz_reader.h"
#include "record_split.h"
#include "th_buf.h"

#define FILE_MAX_WRAPPER (64u << 20)   /* an {"awslogs":...} object may be this large */
#define FILE_MAX_PAYLOAD (256u << 20)  /* decoded awslogs payload limit */
#define FILE_MAX_DIR_DEPTH 64
#define STDIN_NAME "<stdin>"

struct file_cfg {
    struct th_strlist path;
    char *source;
    uint64_t max_record_size;
    int64_t batch_size;
    uint64_t read_size;
    uint64_t gzip_whole_max;
};

static const struct th_opt file_options[] = {
    TH_OPT_STRLIST("path", TH_OPT_REQUIRED, offsetof(struct file_cfg, path),
                   "file, directory (read recursively in name order), glob pattern, or - for stdin; repeatable"),
    TH_OPT_STR("source", "auto", 0, offsetof(struct file_cfg, source),
               "record kind: auto (detect per record), aws_cloudtrail or k8s_audit"),
    TH_OPT_SIZE("max_record_size", "4MiB", offsetof(struct file_cfg, max_record_size),
                "larger records are reported (too-large) and skipped; 4MiB fits k8s RequestResponse events"),
    TH_OPT_INT("batch_size", "1024", 1, 65536, offsetof(struct file_cfg, batch_size), "records per batch (at most)"),
    TH_OPT_SIZE("read_size", "1MiB", offsetof(struct file_cfg, read_size),
                "bytes read (after decompression) per step; memory is about read_size + max_record_size"),
    TH_OPT_SIZE("gzip_whole_max", "32MiB", offsetof(struct file_cfg, gzip_whole_max),
                "gzip files up to this size are inflated in one piece by libdeflate (fast, output up to 4x this "
                "in memory); larger ones, and all with 0, stream through zlib (flat memory)"),
    TH_OPT_END,
};

struct fentry {
    char *path; /* as shown in locators; STDIN_NAME for stdin */
    uint64_t size;
    bool is_stdin, regular;
};

struct gen {
    char *buf;
    size_t cap;
    int refs; /* batches holding records in buf */
};

struct token {
    struct gen *gen;
    struct th_arena arena;
};

struct file_src {
    struct file_cfg *cfg;
    enum th_srckind hint;
    struct fentry *files;
    size_t nfiles, next_file;
    struct th_input_problem *pending; /* found while expanding paths; emitted with the first batch */
    size_t npending;
    /* current file */
    bool fopen, eof;
    struct fentry *fe;
    int fd;
    struct th_gzr *gz;
    struct th_split sp;
    uint64_t file_records, file_problems, awslogs_recno;
    /* buffer */
    struct gen *cur;
    size_t len;
    /* progress */
    uint64_t files_done, bytes_total, bytes_done;
};

/* ---------------------------------------------------------------- path expansion */

static void pend(struct file_src *fs, enum th_sev sev, enum th_code code, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void pend(struct file_src *fs, enum th_sev sev, enum th_code code, const char *where, const char *fmt, ...)
{
    struct th_buf msg;
    va_list ap;
    th_buf_init(&msg);
    va_start(ap, fmt);
    th_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    fs->pending = th_xrealloc(fs->pending, (fs->npending + 1) * sizeof *fs->pending);
    struct th_input_problem *p = &fs->pending[fs->npending++];
    p->code = code;
    p->sev = sev;
    p->where = th_xstrdup(where);
    p->msg = th_buf_take(&msg);
}

static void add_file(struct file_src *fs, const char *path, const struct stat *st, bool is_stdin)
{
    fs->files = th_xrealloc(fs->files, (fs->nfiles + 1) * sizeof *fs->files);
    struct fentry *e = &fs->files[fs->nfiles++];
    e->path = th_xstrdup(path);
    e->is_stdin = is_stdin;
    e->regular = st && S_ISREG(st->st_mode);
    e->size = e->regular ? (uint64_t)st->st_size : 0;
    fs->bytes_total += e->size;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_path(struct file_src *fs, const char *path, const struct stat *st, int depth);

static void walk_dir(struct file_src *fs, const char *dir, int depth)
{
    if (depth >= FILE_MAX_DIR_DEPTH) {
        pend(fs, TH_SEV_ERROR, TH_E_IO, dir, "directory nesting deeper than %d levels (symlink loop?); not read",
             FILE_MAX_DIR_DEPTH);
        return;
    }
    DIR *d = opendir(dir);
    if (!d) {
        pend(fs, TH_SEV_ERROR, TH_E_IO, dir, "cannot read directory: %s", strerror(errno));
        return;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') {
            continue; /* ".", ".." and hidden files */
        }
        names = th_xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = th_xstrdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    size_t dl = strlen(dir);
    bool slash = dl > 0 && dir[dl - 1] == '/';
    for (size_t i = 0; i < n; i++) {
        char *p = th_xasprintf("%s%s%s", dir, slash ? "" : "/", names[i]);
        struct stat st;
        if (stat(p, &st) != 0) {
            pend(fs, TH_SEV_ERROR, TH_E_IO, p, "cannot read: %s", strerror(errno));
        } else if (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) {
            add_path(fs, p, &st, depth + 1);
        }
        free(p);
        free(names[i]);
    }
    free(names);
}

static void add_path(struct file_src *fs, const char *path, const struct stat *st, int depth)
{
    if (S_ISDIR(st->st_mode)) {
        walk_dir(fs, path, depth);
    } else {
        add_file(fs, path, st, false);
    }
}

static void expand_one(struct file_src *fs, const char *p)
{
    struct stat st;
    if (strcmp(p, "-") == 0) {
        add_file(fs, STDIN_NAME, NULL, true);
        return;
    }
    if (stat(p, &st) == 0) {
        add_path(fs, p, &st, 0);
        return;
    }
    int saved = errno;
    if (!strpbrk(p, "*?[")) {
        pend(fs, TH_SEV_ERROR, TH_E_IO, p, "cannot open: %s", strerror(saved));
        return;
    }
    glob_t g;
    int rc = glob(p, 0, NULL, &g);
    if (rc == GLOB_NOMATCH) {
        pend(fs, TH_SEV_ERROR, TH_E_IO, p, "no file matches this pattern");
        return;
    }
    if (rc != 0) {
        pend(fs, TH_SEV_ERROR, TH_E_IO, p, "cannot expand pattern (glob error %d)", rc);
        globfree(&g);
        return;
    }
    for (size_t i = 0; i < g.gl_pathc; i++) {
        if (stat(g.gl_pathv[i], &st) == 0) {
            add_path(fs, g.gl_pathv[i], &st, 0);
        }
    }
    globfree(&g);
}

/* ---------------------------------------------------------------- buffer generations */

static struct gen *gen_new(size_t cap)
{
    struct gen *g = th_xcalloc(1, sizeof *g);
    g->buf = th_xmalloc(cap);
    g->cap = cap;
    return g;
}

static void gen_free(struct gen *g)
{
    if (g) {
        free(g->buf);
        free(g);
    }
}

/* Drops cur->buf[0..keep) so that at least read_size bytes are free. */
static void compact(struct file_src *fs, size_t keep)
{
    size_t tail = fs->len - keep;
    size_t need = tail + (size_t)fs->cfg->read_size + 1;
    size_t cap = fs->cur->cap > need ? fs->cur->cap : need;
    if (fs->cur->refs > 0) {
        struct gen *g = gen_new(cap);
        memcpy(g->buf, fs->cur->buf + keep, tail);
        fs->cur = g; /* the old one is freed by the ack that drops its last ref */
    } else {
        memmove(fs->cur->buf, fs->cur->buf + keep, tail);
        if (cap > fs->cur->cap) {
            fs->cur->buf = th_xrealloc(fs->cur->buf, cap);
            fs->cur->cap = cap;
        }
    }
    fs->len = tail;
    if (fs->fopen) {
        th_split_shift(&fs->sp, keep);
    }
}

/* ---------------------------------------------------------------- locators and problems */

static void format_where(struct th_buf *b, const char *path, const struct th_split_out *o)
{
    th_buf_clear(b);
    th_buf_puts(b, path);
    if (o->code == TH_N_SKIPPED_FILE) {
        return;
    }
    if (o->by_line) {
        th_buf_printf(b, ":%llu", (unsigned long long)o->line);
        if (o->in_line > 1) {
            th_buf_printf(b, "#record=%llu", (unsigned long long)o->in_line);
        }
    } else if (o->recno > 0) {
        if (o->line) { /* path:LINE first, so every problem line reads "path:LINE: ..." when the line is known */
            th_buf_printf(b, ":%llu", (unsigned long long)o->line);
        }
        th_buf_printf(b, "#record=%llu", (unsigned long long)o->recno);
    }
}

static void set_loc(struct th_locator *loc, const char *path, const struct th_split_out *o)
{
    loc->origin = path;
    if (o->by_line) {
        loc->line = o->line;
        loc->record = o->in_line > 1 ? o->in_line : 0;
    } else {
        loc->line = 0;
        loc->record = o->recno;
    }
}

static void file_problem(struct file_src *fs, struct th_batch *b, const struct th_split_out *o, const char *prefix)
{
    struct th_buf where;
    th_buf_init(&where);
    format_where(&where, fs->fe->path, o);
    th_batch_problem(b, o->sev, o->code, where.data, "%s%s", prefix, o->msg);
    th_buf_free(&where);
    fs->file_problems++;
}

/* ---------------------------------------------------------------- files */

static bool skipped_by_name(const char *path, const char **why)
{
    if (strstr(path, "CloudTrail-Digest")) {
        *why = "CloudTrail digest file skipped (it holds log-file hashes, not events)";
        return true;
    }
    if (strstr(path, "CloudTrail-Insight")) {
        *why = "CloudTrail Insights file skipped (Insights events are not audit records)";
        return true;
    }
    return false;
}

static void finish_file(struct file_src *fs, struct th_batch *b, bool clean_end)
{
    if (clean_end && !th_split_saw_value(&fs->sp) && fs->file_problems == 0) {
        th_batch_problem(b, TH_SEV_WARNING, TH_E_EMPTY, fs->fe->path, "file is empty (no JSON value in it)");
    }
    th_gzr_close(fs->gz);
    fs->gz = NULL;
    if (!fs->fe->is_stdin && fs->fd >= 0) {
        close(fs->fd);
    }
    fs->fd = -1;
    fs->fopen = false;
    fs->files_done++;
    fs->bytes_done += fs->fe->size;
}

static bool open_next_file(struct file_src *fs, struct th_batch *b)
{
    while (fs->next_file < fs->nfiles) {
        struct fentry *e = &fs->files[fs->next_file++];
        const char *why;
        if (skipped_by_name(e->path, &why)) {
            th_batch_problem(b, TH_SEV_NOTE, TH_N_SKIPPED_FILE, e->path, "%s", why);
            fs->files_done++;
            fs->bytes_done += e->size;
            continue;
        }
        int fd = e->is_stdin ? STDIN_FILENO : open(e->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            th_batch_problem(b, TH_SEV_ERROR, TH_E_IO, e->path, "cannot open: %s", strerror(errno));
            fs->files_done++;
            fs->bytes_done += e->size;
            continue;
        }
        fs->fe = e;
        fs->fd = fd;
        fs->gz = th_gzr_open_fd(fd, e->regular ? e->size : 0);
        th_gzr_set_limits(fs->gz, (size_t)fs->cfg->gzip_whole_max, (size_t)fs->cfg->gzip_whole_max * 4);
        th_split_init(&fs->sp, (size_t)fs->cfg->max_record_size, FILE_MAX_WRAPPER);
        th_split_start_at(&fs->sp, fs->len);
        fs->fopen = true;
        fs->eof = false;
        fs->file_records = fs->file_problems = fs->awslogs_recno = 0;
        return true;
    }
    return false;
}

/* 0 = read something or reached the end, 1 = the batch must be returned before the buffer can be reused. */
static int fill_more(struct file_src *fs, struct th_batch *b, struct token *tok)
{
    size_t rs = (size_t)fs->cfg->read_size;
    if (!fs->cur) {
        fs->cur = gen_new(rs + 65536);
    }
    if (fs->cur->cap - fs->len < rs + 1) {
        if (tok->gen == fs->cur) {
            return 1;
        }
        compact(fs, th_split_keep(&fs->sp));
    }
    size_t room = fs->cur->cap - fs->len - 1;
    ssize_t n = th_gzr_read(fs->gz, fs->cur->buf + fs->len, room < rs ? room : rs);
    if (n < 0) {
        const char *msg;
        enum th_code code = th_gzr_error(fs->gz, &msg);
        th_batch_problem(b, TH_SEV_ERROR, code, fs->fe->path, "%s; records after this point are lost", msg);
        fs->file_problems++;
        finish_file(fs, b, false);
        return 0;
    }
    if (n == 0) {
        fs->eof = true;
    }
    fs->len += (size_t)n;
    return 0;
}

/* ---------------------------------------------------------------- records */

static bool is_insight_record(const char *p, size_t n)
{
    const char *k = memmem(p, n, "\"eventType\"", 11);
    if (!k) {
        return false;
    }
    const char *e = p + n;
    k += 11;
    while (k < e && (*k == ' ' || *k == ':' || *k == '\t' || *k == '\n' || *k == '\r')) {
        k++;
    }
    return (size_t)(e - k) >= 22 && memcmp(k, "\"AwsCloudTrailInsight\"", 22) == 0;
}

static void push_record(struct file_src *fs, struct th_batch *b, const char *data, size_t len,
                        const struct th_locator *loc)
{
    struct th_record *r = th_batch_push(b);
    r->data = data;
    r->len = len;
    r->loc = *loc;
    r->hint = fs->hint;
    fs->file_records++;
}

/* Unescapes the "message" of a logEvents element into the arena. NULL with msg set on failure. */
static const char *cwl_message(const char *elem, size_t n, struct th_arena *a, size_t *outlen, char *msg,
                               size_t msglen)
{
    const char *v;
    size_t vl;
    int is_str = 0;
    if (th_cwl_find(elem, n, "message", &v, &vl, &is_str) != 1 || !is_str) {
        snprintf(msg, msglen, "CloudWatch Logs event has no string \"message\"");
        return NULL;
    }
    char *out = th_arena_alloc(a, vl + 1);
    long m = th_json_unescape(v, vl, out, msg, msglen);
    if (m < 0) {
        return NULL;
    }
    out[m] = 0;
    *outlen = (size_t)m;
    return out;
}

static void push_cwl(struct file_src *fs, struct th_batch *b, struct token *tok, const char *elem, size_t n,
                     const struct th_split_out *o, const struct th_locator *loc)
{
    char msg[256];
    size_t len;
    const char *data = cwl_message(elem, n, &tok->arena, &len, msg, sizeof msg);
    if (!data) {
        struct th_split_out p = *o;
        p.code = TH_E_JSON_SYNTAX;
        p.sev = TH_SEV_ERROR;
        snprintf(p.msg, sizeof p.msg, "%s", msg);
        file_problem(fs, b, &p, "");
        return;
    }
    push_record(fs, b, data, len, loc);
}

/* Base64 + gunzip of {"awslogs":{"data":...}} into out. 0, or -1 with *code and msg set. */
static int awslogs_payload(const char *obj, size_t n, struct th_buf *out, enum th_code *code, char *msg,
                           size_t msglen)
{
    const char *aw, *data;
    size_t awl, dl;
    int is_str = 0;
    *code = TH_E_UNKNOWN_FORMAT;
    if (th_cwl_find(obj, n, "awslogs", &aw, &awl, NULL) != 1 || th_cwl_find(aw, awl, "data", &data, &dl, &is_str) != 1 ||
        !is_str) {
        snprintf(msg, msglen, "awslogs wrapper has no string \"data\"");
        return -1;
    }
    unsigned char *bin = th_xmalloc(dl / 4 * 3 + 4);
    long bl = th_base64_decode(data, dl, bin);
    int rc = 0;
    if (bl < 0) {
        *code = TH_E_BASE64;
        snprintf(msg, msglen, "awslogs data is not valid base64");
        rc = -1;
    } else if (th_gunzip_mem(bin, (size_t)bl, FILE_MAX_PAYLOAD, out, msg, msglen) != 0) {
        *code = TH_E_GZIP;
        rc = -1;
    }
    free(bin);
    return rc;
}

static void push_awslogs(struct file_src *fs, struct th_batch *b, struct token *tok, const char *obj, size_t n,
                         const struct th_split_out *o)
{
    struct th_buf payload;
    struct th_split_out p = *o;
    th_buf_init(&payload);
    if (awslogs_payload(obj, n, &payload, &p.code, p.msg, sizeof p.msg) != 0) {
        p.sev = TH_SEV_ERROR;
        file_problem(fs, b, &p, "");
        th_buf_free(&payload);
        return;
    }
    struct th_split sp;
    struct th_split_out in;
    th_split_init(&sp, (size_t)fs->cfg->max_record_size, FILE_MAX_WRAPPER);
    for (;;) {
        enum th_split_ev ev = th_split_next(&sp, payload.data, payload.len, true, &in);
        if (ev == TH_SPLIT_END || ev == TH_SPLIT_MORE) {
            break;
        }
        struct th_locator loc = {fs->fe->path, o->by_line ? o->line : 0, 0};
        fs->awslogs_recno++;
        loc.record = o->by_line ? in.recno : fs->awslogs_recno;
        if (ev == TH_SPLIT_PROBLEM) {
            p.code = in.code;
            p.sev = in.sev;
            snprintf(p.msg, sizeof p.msg, "%s", in.msg);
            file_problem(fs, b, &p, "in the awslogs payload: ");
            continue;
        }
        if (in.kind == TH_SPLIT_R_CWL_EVENT) {
            push_cwl(fs, b, tok, payload.data + in.off, in.len, o, &loc);
        } else {
            char *copy = th_arena_strndup(&tok->arena, payload.data + in.off, in.len);
            push_record(fs, b, copy, in.len, &loc);
        }
    }
    th_buf_free(&payload);
}

static void on_record(struct file_src *fs, struct th_batch *b, struct token *tok, const struct th_split_out *o)
{
    const char *data = fs->cur->buf + o->off;
    struct th_locator loc;
    set_loc(&loc, fs->fe->path, o);
    if (fs->file_records == 0 && o->kind == TH_SPLIT_R_OBJECT && is_insight_record(data, o->len)) {
        th_batch_problem(b, TH_SEV_NOTE, TH_N_SKIPPED_FILE, fs->fe->path,
                         "CloudTrail Insights file skipped (its records have eventType AwsCloudTrailInsight)");
        fs->file_problems++;
        finish_file(fs, b, false);
        return;
    }
    switch (o->kind) {
    case TH_SPLIT_R_CWL_EVENT:
        push_cwl(fs, b, tok, data, o->len, o, &loc);
        return;
    case TH_SPLIT_R_AWSLOGS:
        push_awslogs(fs, b, tok, data, o->len, o);
        return;
    default:
        if (!tok->gen) {
            tok->gen = fs->cur;
            fs->cur->refs++;
        }
        push_record(fs, b, data, o->len, &loc);
        return;
    }
}

/* ---------------------------------------------------------------- vtable */

static enum th_srckind parse_hint(const char *s, int *ok)
{
    *ok = 1;
    if (strcmp(s, "auto") == 0) {
        return TH_SRC_UNKNOWN;
    }
    if (strcmp(s, "aws_cloudtrail") == 0) {
        return TH_SRC_CLOUDTRAIL;
    }
    if (strcmp(s, "k8s_audit") == 0) {
        return TH_SRC_K8S_AUDIT;
    }
    *ok = 0;
    return TH_SRC_UNKNOWN;
}

static int file_open(struct th_source *src, void *cfgp, struct th_err *err)
{
    struct file_cfg *cfg = cfgp;
    int ok;
    enum th_srckind hint = parse_hint(cfg->source, &ok);
    if (!ok) {
        th_err_add(err, TH_SEV_ERROR, TH_E_CONFIG, NULL, 0, 0,
                   "file: option 'source': '%s' is not one of auto, aws_cloudtrail, k8s_audit", cfg->source);
        return -1;
    }
    if (cfg->read_size < 1 || cfg->read_size > (64u << 20)) {
        th_err_add(err, TH_SEV_ERROR, TH_E_CONFIG, NULL, 0, 0, "file: option 'read_size': must be 1 byte .. 64MiB");
        return -1;
    }
    if (cfg->gzip_whole_max > (1u << 30)) {
        th_err_add(err, TH_SEV_ERROR, TH_E_CONFIG, NULL, 0, 0, "file: option 'gzip_whole_max': at most 1GiB");
        return -1;
    }
    if (cfg->max_record_size < 2 || cfg->max_record_size > (1ull << 30)) {
        th_err_add(err, TH_SEV_ERROR, TH_E_CONFIG, NULL, 0, 0,
                   "file: option 'max_record_size': must be 2 bytes .. 1GiB");
        return -1;
    }
    struct file_src *fs = th_xcalloc(1, sizeof *fs);
    fs->cfg = cfg;
    fs->hint = hint;
    fs->fd = -1;
    for (size_t i = 0; i < cfg->path.n; i++) {
        expand_one(fs, cfg->path.v[i]);
    }
    src->ctx = fs;
    return 0;
}

static int file_next_batch(struct th_source *src, struct th_batch *b, int timeout_ms, struct th_err *err)
{
    struct file_src *fs = src->ctx;
    th_batch_clear(b);
    struct token *tok = th_xcalloc(1, sizeof *tok);
    th_arena_init(&tok->arena);
    b->src_token = tok;
    for (size_t i = 0; i < fs->npending; i++) {
        struct th_input_problem *p = &fs->pending[i];
        th_batch_problem(b, p->sev, p->code, p->where, "%s", p->msg);
        free(p->where);
        free(p->msg);
    }
    fs->npending = 0;
    size_t limit = (size_t)fs->cfg->batch_size;
    while (b->n < limit) {
        if (!fs->fopen && !open_next_file(fs, b)) {
            break;
        }
        struct th_split_out o;
        enum th_split_ev ev = th_split_next(&fs->sp, fs->cur ? fs->cur->buf : "", fs->len, fs->eof, &o);
        if (ev == TH_SPLIT_RECORD) {
            on_record(fs, b, tok, &o);
        } else if (ev == TH_SPLIT_PROBLEM) {
            file_problem(fs, b, &o, "");
            if (o.fatal) {
                finish_file(fs, b, false);
            }
        } else if (ev == TH_SPLIT_END) {
            finish_file(fs, b, true);
        } else if (fill_more(fs, b, tok) == 1) {
            break;
        }
    }
    if (b->n == 0 && b->nprobs == 0 && !fs->fopen && fs->next_file >= fs->nfiles) {
        th_arena_free(&tok->arena);
        free(tok);
        b->src_token = NULL;
        return TH_SRC_EOF;
    }
    return TH_SRC_OK;
}

static void file_ack(struct th_source *src, struct th_batch *b, enum th_delivery worst)
{
    struct file_src *fs = src->ctx;
    struct token *tok = b->src_token;
    if (!tok) {
        return;
    }
    b->src_token = NULL;
    if (tok->gen && --tok->gen->refs == 0 && tok->gen != fs->cur) {
        gen_free(tok->gen);
    }
    th_arena_free(&tok->arena);
    free(tok);
}

static void file_progress(struct th_source *src, struct th_progress *p)
{
    struct file_src *fs = src->ctx;
    p->unit = "files";
    p->units_done = fs->files_done;
    p->units_total = fs->nfiles;
    p->bytes_total = fs->bytes_total;
    p->bytes_done = fs->bytes_done;
    if (fs->fopen && fs->fe->regular) {
        uint64_t in = th_gzr_in_bytes(fs->gz);
        p->bytes_done += in < fs->fe->size ? in : fs->fe->size;
    }
}

static void file_close(struct th_source *src)
{
    struct file_src *fs = src->ctx;
    if (!fs) {
        return;
    }
    if (fs->fopen) {
        th_gzr_close(fs->gz);
        if (!fs->fe->is_stdin && fs->fd >= 0) {
            close(fs->fd);
        }
    }
    for (size_t i = 0; i < fs->nfiles; i++) {
        free(fs->files[i].path);
    }
    for (size_t i = 0; i < fs->npending; i++) {
        free(fs->pending[i].where);
        free(fs->pending[i].msg);
    }
    free(fs->pending);
    free(fs->files);
    if (fs->cur && fs->cur->refs == 0) {
        gen_free(fs->cur);
    }
    free(fs);
    src->ctx = NULL;
}

uint64_t th_file_source_max_record_size(const struct th_source *src)
{
    if (!src || src->ops != &th_file_source || !src->cfg) {
        return 4u << 20;
    }
    return ((const struct file_cfg *)src->cfg)->max_record_size;
}

const struct th_source_ops th_file_source = {
    .name = "file",
    .description = "read audit logs from files, directories, glob patterns or stdin (gzip, JSON, NDJSON, envelopes)",
    .options = file_options,
    .cfg_size = sizeof(struct file_cfg),
    .caps = TH_SRC_REPLAYABLE,
    .open = file_open,
    .next_batch = file_next_batch,
    .ack = file_ack,
    .progress = file_progress,
    .close = file_close,
};
