/* th_err.c - diagnostic accumulator and its two renderings (compiler-style text, JSON).
 * Invariant: errors/warnings counters always equal the number of diags of that severity. */
#include "th_err.h"

#include <stdlib.h>
#include <string.h>

#include "th_buf.h"

static const char *const code_slugs[] = {
#define TH_X_SLUG(e, s, d) s,
    TH_CODE_LIST(TH_X_SLUG)
#undef TH_X_SLUG
};
static const char *const code_descs[] = {
#define TH_X_DESC(e, s, d) d,
    TH_CODE_LIST(TH_X_DESC)
#undef TH_X_DESC
};

const char *th_code_str(enum th_code c)
{
    return (unsigned)c < TH_CODE_COUNT ? code_slugs[c] : "?";
}

const char *th_code_desc(enum th_code c)
{
    return (unsigned)c < TH_CODE_COUNT ? code_descs[c] : "?";
}

const char *th_sev_str(enum th_sev s)
{
    switch (s) {
    case TH_SEV_ERROR: return "error";
    case TH_SEV_WARNING: return "warning";
    default: return "note";
    }
}

void th_err_init(struct th_err *e)
{
    memset(e, 0, sizeof *e);
}

static void diag_free(struct th_diag *d)
{
    free(d->loc.file);
    free(d->where);
    free(d->item);
    free(d->msg);
    free(d->snippet);
}

void th_err_clear(struct th_err *e)
{
    for (size_t i = 0; i < e->n; i++) {
        diag_free(&e->v[i]);
    }
    e->n = 0;
    e->errors = e->warnings = 0;
}

void th_err_free(struct th_err *e)
{
    th_err_clear(e);
    free(e->v);
    th_err_init(e);
}

static void count(struct th_err *e, enum th_sev sev)
{
    if (sev == TH_SEV_ERROR) {
        e->errors++;
    } else if (sev == TH_SEV_WARNING) {
        e->warnings++;
    }
}

struct th_diag *th_err_addv(struct th_err *e, enum th_sev sev, enum th_code code, const char *file, uint32_t line,
                            uint32_t col, const char *fmt, va_list ap)
{
    struct th_buf b;
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 8;
        e->v = th_xrealloc(e->v, e->cap * sizeof *e->v);
    }
    struct th_diag *d = &e->v[e->n++];
    memset(d, 0, sizeof *d);
    d->sev = sev;
    d->code = code;
    d->loc.file = file ? th_xstrdup(file) : NULL;
    d->loc.line = line;
    d->loc.col = col;
    th_buf_init(&b);
    th_buf_vprintf(&b, fmt, ap);
    d->msg = th_buf_take(&b);
    count(e, sev);
    return d;
}

struct th_diag *th_err_add(struct th_err *e, enum th_sev sev, enum th_code code, const char *file, uint32_t line,
                           uint32_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct th_diag *d = th_err_addv(e, sev, code, file, line, col, fmt, ap);
    va_end(ap);
    return d;
}

void th_diag_set_item(struct th_diag *d, const char *fmt, ...)
{
    struct th_buf b;
    va_list ap;
    th_buf_init(&b);
    va_start(ap, fmt);
    th_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    free(d->item);
    d->item = th_buf_take(&b);
}

void th_diag_set_where(struct th_diag *d, const char *where)
{
    free(d->where);
    d->where = th_xstrdup(where);
}

void th_diag_set_snippet(struct th_diag *d, const char *line, size_t len, uint32_t caret_col, uint32_t caret_len)
{
    free(d->snippet);
    d->snippet = th_xstrndup(line, len);
    d->caret_col = caret_col;
    d->caret_len = caret_len;
}

void th_err_move(struct th_err *dst, struct th_err *src)
{
    for (size_t i = 0; i < src->n; i++) {
        if (dst->n == dst->cap) {
            dst->cap = dst->cap ? dst->cap * 2 : 8;
            dst->v = th_xrealloc(dst->v, dst->cap * sizeof *dst->v);
        }
        dst->v[dst->n++] = src->v[i];
        count(dst, src->v[i].sev);
    }
    src->n = 0;
    src->errors = src->warnings = 0;
}

static void print_position(FILE *f, const struct th_diag *d)
{
    if (d->loc.file) {
        fputs(d->loc.file, f);
        if (d->loc.line) {
            fprintf(f, ":%u", d->loc.line);
            if (d->loc.col) {
                fprintf(f, ":%u", d->loc.col);
            }
        }
        fputs(": ", f);
    } else if (d->where) {
        fprintf(f, "%s: ", d->where);
    }
}

void th_diag_print(FILE *f, const struct th_diag *d)
{
    print_position(f, d);
    fprintf(f, "%s: %s [%s]\n", th_sev_str(d->sev), d->msg, th_code_str(d->code));
    if (d->item) {
        fprintf(f, "  in %s\n", d->item);
    }
    if (d->snippet) {
        fprintf(f, "    %s\n", d->snippet);
        if (d->caret_col) {
            fprintf(f, "    %*s^", (int)(d->caret_col - 1), "");
            for (uint32_t i = 1; i < d->caret_len; i++) {
                fputc('~', f);
            }
            fputc('\n', f);
        }
    }
}

void th_err_print(FILE *f, const struct th_err *e)
{
    for (size_t i = 0; i < e->n; i++) {
        th_diag_print(f, &e->v[i]);
    }
}

static void json_str_field(struct th_buf *b, const char *key, const char *val)
{
    th_buf_putc(b, ',');
    th_buf_json_member(b, key, val);
}

void th_err_print_json(FILE *f, const struct th_err *e)
{
    struct th_buf b;
    th_buf_init(&b);
    th_buf_putc(&b, '[');
    for (size_t i = 0; i < e->n; i++) {
        const struct th_diag *d = &e->v[i];
        th_buf_printf(&b, "%s{\"severity\":\"%s\",\"code\":\"%s\"", i ? "," : "", th_sev_str(d->sev),
                      th_code_str(d->code));
        json_str_field(&b, "file", d->loc.file);
        th_buf_printf(&b, ",\"line\":%u,\"col\":%u", d->loc.line, d->loc.col);
        json_str_field(&b, "where", d->where);
        json_str_field(&b, "item", d->item);
        json_str_field(&b, "message", d->msg);
        json_str_field(&b, "snippet", d->snippet);
        th_buf_putc(&b, '}');
    }
    th_buf_puts(&b, "]\n");
    fputs(b.data, f);
    th_buf_free(&b);
}
