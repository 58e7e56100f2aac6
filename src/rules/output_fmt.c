/* output_fmt.c - parsing Falco output templates into segments and rendering them (text and output_fields JSON).
 * Invariant: parsing resolves every field once (th_field_find semantics, longest registered prefix as libsinsp
 * does) and either yields a complete template or an empty one plus exactly one diagnostic; rendering only reads
 * the template and emits valid UTF-8. */
#include "output_fmt.h"
#include "th_base64.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- UTF-8 */

void th_ofmt_utf8_sanitize(struct th_buf *out, const char *s, size_t n)
{
    th_buf_utf8_sanitize(out, s, n);
}

/* Largest prefix length <= max that does not split a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max) {
        return n;
    }
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) {
        max--;
    }
    return max;
}

/* ---------------------------------------------------------------- parsing */

static const struct {
    const char *name;
    enum th_ofmt_xf xf;
} g_xforms[] = {
    {"toupper", TH_OFMT_XF_TOUPPER}, {"tolower", TH_OFMT_XF_TOLOWER}, {"b64", TH_OFMT_XF_B64},
    {"basename", TH_OFMT_XF_BASENAME}, {"len", TH_OFMT_XF_LEN},
};

struct parser {
    const char *s;
    size_t n;
    enum th_srckind src;
    struct th_ofmt *f;
    size_t capsegs;
    /* first error */
    bool failed;
    size_t err_off, err_len;
    char *err_msg;
};

static void fail(struct parser *p, size_t off, size_t len, char *msg)
{
    if (p->failed) {
        free(msg);
        return;
    }
    p->failed = true;
    p->err_off = off;
    p->err_len = len ? len : 1;
    p->err_msg = msg;
}

static struct th_ofmt_seg *new_seg(struct parser *p)
{
    struct th_ofmt *f = p->f;
    if (f->nsegs == p->capsegs) {
        p->capsegs = p->capsegs ? p->capsegs * 2 : 8;
        f->segs = th_xrealloc(f->segs, p->capsegs * sizeof(*f->segs));
    }
    struct th_ofmt_seg *sg = &f->segs[f->nsegs++];
    memset(sg, 0, sizeof(*sg));
    sg->ref.slot = TH_NO_SLOT;
    sg->ref.index = -1;
    return sg;
}

static void add_literal(struct parser *p, size_t off, size_t len)
{
    if (len == 0) {
        return;
    }
    struct th_ofmt *f = p->f;
    if (f->nsegs > 0) {
        struct th_ofmt_seg *last = &f->segs[f->nsegs - 1];
        if (!last->is_field && last->off + last->len == off) {
            last->len += (uint32_t)len;
            return;
        }
    }
    struct th_ofmt_seg *sg = new_seg(p);
    sg->off = (uint32_t)off;
    sg->len = (uint32_t)len;
}

static bool name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.';
}

static bool field_for_source(const struct th_field_def *d, enum th_srckind src)
{
    return src == TH_SRC_UNKNOWN || (d->sources & TH_SRC_MASK(src)) != 0;
}

/* Longest registered field name (for the source) that prefixes s[0..n); -1 if none. */
static int longest_field(const char *s, size_t n, enum th_srckind src, size_t *len)
{
    int best = -1;
    size_t bestlen = 0;
    int exact = th_field_find(s, n, src);
    if (exact >= 0) {
        *len = n;
        return exact;
    }
    for (size_t id = 0; id < th_field_count(); id++) {
        const struct th_field_def *d = th_field_by_id((uint16_t)id);
        size_t dn = strlen(d->name);
        if (dn > bestlen && dn < n && strncmp(s, d->name, dn) == 0 && field_for_source(d, src)) {
            best = (int)id;
            bestlen = dn;
        }
    }
    *len = bestlen;
    return best;
}

/* Parses "[arg]" at *pos for field d into sg. */
static void parse_arg(struct parser *p, size_t *pos, const struct th_field_def *d, struct th_ofmt_seg *sg)
{
    size_t i = *pos;
    bool takes = (d->flags & (TH_FF_ARG_INDEX | TH_FF_ARG_KEY)) != 0;
    if (!takes || i >= p->n || p->s[i] != '[') {
        if (d->flags & TH_FF_ARG_REQUIRED) {
            fail(p, i, 1, th_xasprintf("field '%s' requires an argument: %%%s[...]", d->name, d->name));
        }
        return;
    }
    size_t a = i + 1, e = a;
    while (e < p->n && p->s[e] != ']') {
        e++;
    }
    if (e >= p->n) {
        fail(p, i, p->n - i, th_xasprintf("missing ']' after the argument of field '%s'", d->name));
        return;
    }
    bool digits = e > a;
    for (size_t k = a; k < e; k++) {
        digits = digits && isdigit((unsigned char)p->s[k]);
    }
    if (digits && (d->flags & TH_FF_ARG_INDEX) && e - a < 10) {
        sg->ref.index = atoi(p->s + a);
    } else if (d->flags & TH_FF_ARG_KEY) {
        sg->ref.keylen = (uint32_t)(e - a);
        sg->ref.key = th_xstrndup(p->s + a, e - a);
    } else {
        fail(p, a, e - a,
             th_xasprintf("field '%s' takes a numeric index, not '%.*s'", d->name, (int)(e - a), p->s + a));
        return;
    }
    *pos = e + 1;
}

/* Parses a field reference (optionally wrapped in transformers) starting at *pos. */
static void parse_field(struct parser *p, size_t *pos, struct th_ofmt_seg *sg)
{
    size_t i = *pos, tok = *pos;
    for (bool more = true; more && sg->nxf < TH_OFMT_MAX_XF;) {
        more = false;
        for (size_t k = 0; k < sizeof g_xforms / sizeof g_xforms[0]; k++) {
            size_t ln = strlen(g_xforms[k].name);
            if (i + ln < p->n && strncmp(p->s + i, g_xforms[k].name, ln) == 0 && p->s[i + ln] == '(') {
                sg->xf[sg->nxf++] = (uint8_t)g_xforms[k].xf;
                i += ln + 1;
                more = true;
                break;
            }
        }
    }
    size_t w = i;
    while (w < p->n && name_char(p->s[w])) {
        w++;
    }
    size_t flen = 0;
    int id = w > i ? longest_field(p->s + i, w - i, p->src, &flen) : -1;
    if (id < 0) {
        size_t shown = w > i ? w - i : 1;
        const char *hint = w > i ? th_field_suggest(p->s + i, w - i, p->src) : NULL;
        fail(p, i, shown,
             th_xasprintf("unknown field '%.*s' in output%s%s%s%s%s", (int)shown, p->s + i,
                          p->src != TH_SRC_UNKNOWN ? " for source " : "",
                          p->src != TH_SRC_UNKNOWN ? th_srckind_name(p->src) : "", hint ? " (did you mean '" : "",
                          hint ? hint : "", hint ? "'?)" : ""));
        return;
    }
    const struct th_field_def *d = th_field_by_id((uint16_t)id);
    sg->ref.id = (uint16_t)id;
    i += flen;
    parse_arg(p, &i, d, sg);
    for (uint8_t k = 0; k < sg->nxf && !p->failed; k++) {
        if (i >= p->n || p->s[i] != ')') {
            fail(p, i, 1, th_xasprintf("missing ')' closing a transformer around field '%s'", d->name));
            return;
        }
        i++;
    }
    sg->is_field = true;
    sg->off = (uint32_t)tok;
    sg->len = (uint32_t)(i - tok);
    sg->key = th_xstrndup(p->s + tok, i - tok);
    *pos = i;
}

/* Handles the '%' at *pos. */
static void parse_percent(struct parser *p, size_t *pos)
{
    size_t at = *pos, i = at + 1;
    if (i >= p->n) {
        fail(p, at, 1, th_xstrdup("invalid formatting syntax: formatting cannot end with a %"));
        return;
    }
    if (p->s[i] == '%') {
        add_literal(p, i, 1);
        *pos = i + 1;
        return;
    }
    uint32_t width = 0;
    while (i < p->n && isdigit((unsigned char)p->s[i])) {
        width = width < 100000 ? width * 10 + (uint32_t)(p->s[i] - '0') : width;
        i++;
    }
    if (i >= p->n) {
        fail(p, at, i - at, th_xstrdup("invalid formatting syntax: formatting cannot end with a number"));
        return;
    }
    if (!name_char(p->s[i])) {
        fail(p, at, i - at + 1,
             th_xstrdup("invalid formatting token: '%' must be followed by a field name (write %% for a literal %)"));
        return;
    }
    struct th_ofmt_seg *sg = new_seg(p);
    sg->width = width;
    parse_field(p, &i, sg);
    if (p->failed) {
        return;
    }
    p->f->nfields++;
    *pos = i;
}

static void run_parser(struct parser *p)
{
    size_t i = 0, lit = 0;
    if (p->n > 0 && p->s[0] == '*') {
        i = lit = 1;
    }
    while (i < p->n && !p->failed) {
        if (p->s[i] != '%') {
            i++;
            continue;
        }
        add_literal(p, lit, i - lit);
        parse_percent(p, &i);
        lit = i;
    }
    if (!p->failed) {
        add_literal(p, lit, p->n - lit);
    }
}

/* Adds the diagnostic for a failed parse: position inside the file, snippet line, caret. */
static void report(const struct parser *p, const struct th_ofmt_pos *pos, struct th_err *err)
{
    size_t ls = p->err_off, le = p->err_off, nl = 0;
    while (ls > 0 && p->s[ls - 1] != '\n') {
        ls--;
    }
    while (le < p->n && p->s[le] != '\n') {
        le++;
    }
    for (size_t k = 0; k < ls; k++) {
        nl += p->s[k] == '\n';
    }
    uint32_t line = 0, col = 0;
    if (pos && pos->line) {
        line = pos->line + (uint32_t)nl;
        col = pos->col ? (nl ? 1 : pos->col) + (uint32_t)(p->err_off - ls) : 0;
    }
    if (!err) {
        return;
    }
    struct th_diag *d = th_err_add(err, TH_SEV_ERROR, TH_E_OUTPUT_FORMAT, pos ? pos->file : NULL, line, col, "%s",
                                   p->err_msg);
    size_t clen = p->err_len;
    if (p->err_off + clen > le) {
        clen = le > p->err_off ? le - p->err_off : 1;
    }
    th_diag_set_snippet(d, p->s + ls, le - ls, (uint32_t)(p->err_off - ls + 1), (uint32_t)clen);
}

enum th_code th_ofmt_parse(struct th_ofmt *f, const char *fmt, size_t n, enum th_srckind src,
                           const struct th_ofmt_pos *pos, struct th_err *err, size_t *err_off)
{
    memset(f, 0, sizeof(*f));
    f->text = th_xstrndup(fmt, n);
    f->len = n;
    f->src = src;
    struct parser p = {.s = f->text, .n = n, .src = src, .f = f};
    run_parser(&p);
    if (!p.failed) {
        return TH_E_NONE;
    }
    report(&p, pos, err);
    if (err_off) {
        *err_off = p.err_off;
    }
    free(p.err_msg);
    th_ofmt_free(f);
    return TH_E_OUTPUT_FORMAT;
}

void th_ofmt_free(struct th_ofmt *f)
{
    for (size_t i = 0; i < f->nsegs; i++) {
        free(f->segs[i].key);
        free((char *)f->segs[i].ref.key);
    }
    free(f->segs);
    free(f->text);
    memset(f, 0, sizeof(*f));
}

/* ---------------------------------------------------------------- ref accessors */

static struct th_ofmt_seg *nth_field(const struct th_ofmt *f, size_t i)
{
    for (size_t k = 0; k < f->nsegs; k++) {
        if (f->segs[k].is_field && i-- == 0) {
            return &f->segs[k];
        }
    }
    return NULL;
}

size_t th_ofmt_nrefs(const struct th_ofmt *f)
{
    return f->nfields;
}

struct th_fieldref *th_ofmt_ref(struct th_ofmt *f, size_t i)
{
    struct th_ofmt_seg *sg = nth_field(f, i);
    return sg ? &sg->ref : NULL;
}

const char *th_ofmt_ref_key(const struct th_ofmt *f, size_t i)
{
    struct th_ofmt_seg *sg = nth_field(f, i);
    return sg ? sg->key : NULL;
}

/* ---------------------------------------------------------------- values */

/* Applies one string transformer to in, writing out. False when the result is absent (b64 of a text that is not
 * base64, as in conditions). */
static bool apply_xf(enum th_ofmt_xf xf, const char *s, size_t n, struct th_buf *out)
{
    th_buf_clear(out);
    switch (xf) {
    case TH_OFMT_XF_TOUPPER:
    case TH_OFMT_XF_TOLOWER:
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            th_buf_putc(out, (char)(xf == TH_OFMT_XF_TOUPPER ? toupper(c) : tolower(c)));
        }
        return true;
    case TH_OFMT_XF_B64: {
        th_buf_reserve(out, 3 * (n / 4) + 4);
        long len = th_base64_decode(s, n, (unsigned char *)out->data);
        if (len < 0) {
            return false;
        }
        out->len = (size_t)len;
        out->data[out->len] = 0;
        return true;
    }
    case TH_OFMT_XF_BASENAME: {
        size_t b = n;
        while (b > 0 && s[b - 1] != '/') {
            b--;
        }
        th_buf_append(out, s + b, n - b);
        return true;
    }
    case TH_OFMT_XF_LEN:
        th_buf_printf(out, "%zu", n);
        return true;
    default:
        th_buf_append(out, s, n);
        return true;
    }
}

/* A field's rendered value: present flag, the value, and for transformed fields the text and whether it is a
 * number (len). */
struct fval {
    int present;
    struct th_val v;
    bool transformed;
    bool number; /* transformed text is a number */
    struct th_buf text;
};

static void get_value(const struct th_ofmt_seg *sg, th_ofmt_get_fn get, void *ctx, struct fval *fv)
{
    fv->present = get(ctx, &sg->ref, &fv->v);
    fv->transformed = false;
    fv->number = false;
    if (!fv->present || sg->nxf == 0) {
        return;
    }
    struct th_buf tmp;
    th_buf_init(&tmp);
    th_buf_reserve(&tmp, 32);
    th_buf_reserve(&fv->text, 32);
    th_buf_clear(&fv->text);
    if (fv->v.type == TH_FT_STRLIST && sg->xf[sg->nxf - 1] == TH_OFMT_XF_LEN) {
        th_buf_printf(&tmp, "%zu", fv->v.u.list.n);
        fv->number = true;
    } else {
        th_val_format(&fv->v, &tmp);
        fv->number = fv->v.type == TH_FT_U64;
    }
    for (int k = sg->nxf - 1; k >= 0; k--) {
        if (fv->v.type == TH_FT_STRLIST && k == sg->nxf - 1 && sg->xf[k] == TH_OFMT_XF_LEN) {
            continue;
        }
        if (!apply_xf((enum th_ofmt_xf)sg->xf[k], tmp.data, tmp.len, &fv->text)) {
            fv->present = 0; /* e.g. b64() of a text that is not base64: absent, as in conditions */
            th_buf_free(&tmp);
            return;
        }
        fv->number = sg->xf[k] == TH_OFMT_XF_LEN;
        th_buf_clear(&tmp);
        th_buf_append(&tmp, fv->text.data, fv->text.len);
    }
    th_buf_clear(&fv->text);
    th_buf_append(&fv->text, tmp.data, tmp.len);
    th_buf_free(&tmp);
    fv->transformed = true;
}

/* ---------------------------------------------------------------- text */

static void put_width(struct th_buf *out, const char *s, size_t n, uint32_t width)
{
    size_t start = out->len;
    th_ofmt_utf8_sanitize(out, s, n);
    if (width == 0) {
        return;
    }
    size_t got = out->len - start;
    if (got > width) {
        out->len = start + utf8_cut(out->data + start, got, width);
        out->data[out->len] = 0;
    }
    while (out->len - start < width) {
        th_buf_putc(out, ' ');
    }
}

void th_ofmt_render_text_with(const struct th_ofmt *f, th_ofmt_get_fn get, void *ctx, struct th_buf *out)
{
    struct fval fv = {0};
    struct th_buf tmp;
    th_buf_init(&tmp);
    th_buf_init(&fv.text);
    for (size_t i = 0; i < f->nsegs; i++) {
        const struct th_ofmt_seg *sg = &f->segs[i];
        if (!sg->is_field) {
            th_ofmt_utf8_sanitize(out, f->text + sg->off, sg->len);
            continue;
        }
        get_value(sg, get, ctx, &fv);
        if (!fv.present) {
            put_width(out, "<NA>", 4, sg->width);
        } else if (fv.transformed) {
            put_width(out, fv.text.data, fv.text.len, sg->width);
        } else {
            th_buf_clear(&tmp);
            th_val_format(&fv.v, &tmp);
            put_width(out, tmp.data ? tmp.data : "", tmp.len, sg->width);
        }
    }
    th_buf_free(&tmp);
    th_buf_free(&fv.text);
}

static int event_get(void *ctx, const struct th_fieldref *ref, struct th_val *out)
{
    return th_event_get((struct th_event *)ctx, ref, out);
}

void th_ofmt_render_text(const struct th_ofmt *f, struct th_event *ev, struct th_buf *out)
{
    th_ofmt_render_text_with(f, event_get, ev, out);
}

/* ---------------------------------------------------------------- JSON */

static void json_str(struct th_buf *out, const char *s, size_t n)
{
    th_buf_json_string(out, s, n);
}

static void json_value(struct th_buf *out, const struct fval *fv)
{
    if (!fv->present) {
        th_buf_puts(out, "null");
        return;
    }
    if (fv->transformed) {
        if (fv->number) {
            th_buf_append(out, fv->text.data, fv->text.len);
        } else {
            json_str(out, fv->text.data ? fv->text.data : "", fv->text.len);
        }
        return;
    }
    const struct th_val *v = &fv->v;
    switch (v->type) {
    case TH_FT_U64:
    case TH_FT_TIME:
        th_buf_printf(out, "%lld", (long long)v->u.i);
        return;
    case TH_FT_BOOL:
        th_buf_puts(out, v->u.b ? "true" : "false");
        return;
    case TH_FT_STRLIST:
        th_buf_putc(out, '[');
        for (size_t i = 0; i < v->u.list.n; i++) {
            if (i) {
                th_buf_putc(out, ',');
            }
            json_str(out, v->u.list.v[i].p, v->u.list.v[i].n);
        }
        th_buf_putc(out, ']');
        return;
    default:
        json_str(out, v->u.s.p, v->u.s.n);
    }
}

static int cmp_seg_key(const void *a, const void *b)
{
    const struct th_ofmt_seg *x = *(const struct th_ofmt_seg *const *)a;
    const struct th_ofmt_seg *y = *(const struct th_ofmt_seg *const *)b;
    return strcmp(x->key, y->key);
}

void th_ofmt_render_fields_json_with(const struct th_ofmt *f, th_ofmt_get_fn get, void *ctx, unsigned flags,
                                     struct th_buf *out)
{
    const struct th_ofmt_seg **order = th_xcalloc(f->nfields ? f->nfields : 1, sizeof(*order));
    size_t n = 0;
    struct fval fv = {0};
    th_buf_init(&fv.text);
    for (size_t i = 0; i < f->nsegs; i++) {
        const struct th_ofmt_seg *sg = &f->segs[i];
        if (sg->is_field && (sg->nxf == 0 || (flags & TH_OFMT_JSON_TRANSFORMED))) {
            order[n++] = sg;
        }
    }
    if (n > 1) {
        qsort(order, n, sizeof(*order), cmp_seg_key);
    }
    th_buf_putc(out, '{');
    for (size_t i = 0, w = 0; i < n; i++) {
        if (i > 0 && strcmp(order[i]->key, order[i - 1]->key) == 0) {
            continue;
        }
        if (w++) {
            th_buf_putc(out, ',');
        }
        json_str(out, order[i]->key, strlen(order[i]->key));
        th_buf_putc(out, ':');
        get_value(order[i], get, ctx, &fv);
        json_value(out, &fv);
    }
    th_buf_putc(out, '}');
    th_buf_free(&fv.text);
    free(order);
}

void th_ofmt_render_fields_json(const struct th_ofmt *f, struct th_event *ev, unsigned flags, struct th_buf *out)
{
    th_ofmt_render_fields_json_with(f, event_get, ev, flags, out);
}
