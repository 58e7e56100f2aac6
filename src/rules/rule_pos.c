/* rule_pos.c - th_text: a condition/output/desc text with a map from every byte back to file:line:col.
 * A scalar's value is re-derived from its source bytes (plain/quoted folding, double-quote escapes, literal and
 * folded blocks), recording where each value byte came from; the derivation is kept only if it reproduces the
 * parser's value exactly, otherwise the simple formula is used (start mark + offset; block: one line per
 * newline). Invariant: segs cover disjoint ranges of str in order; each has anchors[0].off == 0. */
#include <stdlib.h>
#include <string.h>

#include "th_buf.h"
#include "th_rules.h"

/* ---- th_text basics ---- */

void th_text_init(struct th_text *t)
{
    memset(t, 0, sizeof *t);
}

void th_text_free(struct th_text *t)
{
    if (!t) {
        return;
    }
    for (size_t i = 0; i < t->n_segs; i++) {
        free(t->segs[i].anchors);
    }
    free(t->segs);
    free(t->str);
    th_text_init(t);
}

static struct th_text_seg *add_seg(struct th_text *t)
{
    t->segs = th_xrealloc(t->segs, (t->n_segs + 1) * sizeof *t->segs);
    struct th_text_seg *g = &t->segs[t->n_segs++];
    memset(g, 0, sizeof *g);
    return g;
}

void th_text_set_plain(struct th_text *t, const char *value, size_t len, const char *file, uint32_t line,
                       uint32_t col)
{
    th_text_free(t);
    t->str = th_xstrndup(value, len);
    t->len = len;
    struct th_text_seg *g = add_seg(t);
    g->len = len;
    g->file = file;
    g->anchors = th_xmalloc(sizeof *g->anchors);
    g->anchors[0] = (struct th_text_anchor){0, line, col};
    g->n_anchors = 1;
}

static void copy_seg(struct th_text_seg *dst, const struct th_text_seg *src, size_t shift)
{
    *dst = *src;
    dst->off = src->off + shift;
    dst->anchors = th_xmalloc(src->n_anchors * sizeof *src->anchors);
    memcpy(dst->anchors, src->anchors, src->n_anchors * sizeof *src->anchors);
}

void th_text_append(struct th_text *dst, char sep, const struct th_text *src)
{
    if (!src->str) {
        return;
    }
    if (!dst->str) {
        th_text_copy(dst, src);
        return;
    }
    size_t shift = dst->len + (sep && dst->len ? 1 : 0);
    dst->str = th_xrealloc(dst->str, shift + src->len + 1);
    if (shift > dst->len) {
        dst->str[dst->len] = sep;
    }
    memcpy(dst->str + shift, src->str, src->len);
    dst->len = shift + src->len;
    dst->str[dst->len] = 0;
    for (size_t i = 0; i < src->n_segs; i++) {
        copy_seg(add_seg(dst), &src->segs[i], shift);
    }
}

void th_text_copy(struct th_text *dst, const struct th_text *src)
{
    if (dst == src) {
        return;
    }
    th_text_free(dst);
    if (!src->str) {
        return;
    }
    dst->str = th_xstrndup(src->str, src->len);
    dst->len = src->len;
    for (size_t i = 0; i < src->n_segs; i++) {
        copy_seg(add_seg(dst), &src->segs[i], 0);
    }
}

static int is_blank_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Drops the first k bytes of a segment's range, shifting its anchors. */
static void seg_cut_front(struct th_text_seg *g, size_t k)
{
    size_t keep = 0;
    while (keep + 1 < g->n_anchors && g->anchors[keep + 1].off <= k) {
        keep++;
    }
    struct th_text_anchor a = g->anchors[keep];
    a.col += (uint32_t)(k - a.off);
    a.off = 0;
    size_t n = g->n_anchors - keep;
    memmove(g->anchors, g->anchors + keep, n * sizeof *g->anchors);
    g->anchors[0] = a;
    for (size_t i = 1; i < n; i++) {
        g->anchors[i].off -= (uint32_t)k;
    }
    g->n_anchors = n;
    g->off += k;
    g->len -= k;
}

void th_text_trim(struct th_text *t)
{
    if (!t->str) {
        return;
    }
    size_t a = 0, b = t->len;
    while (a < b && is_blank_byte(t->str[a])) {
        a++;
    }
    while (b > a && is_blank_byte(t->str[b - 1])) {
        b--;
    }
    size_t w = 0;
    for (size_t i = 0; i < t->n_segs; i++) {
        struct th_text_seg g = t->segs[i];
        if (g.off + g.len <= a || g.off >= b || g.len == 0) {
            free(g.anchors);
            continue;
        }
        if (g.off < a) {
            seg_cut_front(&g, a - g.off);
        }
        if (g.off + g.len > b) {
            g.len = b - g.off;
        }
        g.off -= a;
        t->segs[w++] = g;
    }
    t->n_segs = w;
    memmove(t->str, t->str + a, b - a);
    t->len = b - a;
    t->str[t->len] = 0;
}

static void seg_locate(const struct th_text_seg *g, size_t rel, struct th_rpos *out)
{
    size_t lo = 0, hi = g->n_anchors;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (g->anchors[mid].off <= rel) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    out->file = g->file;
    out->line = g->anchors[lo].line;
    out->col = g->anchors[lo].col + (uint32_t)(rel - g->anchors[lo].off);
}

int th_text_locate(const struct th_text *t, size_t off, struct th_rpos *out)
{
    memset(out, 0, sizeof *out);
    if (!t->str || t->n_segs == 0) {
        return -1;
    }
    if (off > t->len) {
        off = t->len;
    }
    const struct th_text_seg *best = &t->segs[0];
    for (size_t i = 0; i < t->n_segs; i++) {
        if (t->segs[i].off <= off) {
            best = &t->segs[i];
        }
    }
    size_t rel = off < best->off ? 0 : off - best->off;
    seg_locate(best, rel, out);
    return 0;
}

/* ---- re-deriving a scalar's value from its source bytes ---- */

struct emit {
    struct th_buf out;
    struct th_text_anchor *pos; /* one per output byte (off unused until compression) */
    size_t cap;
};

struct cursor {
    const char *src;
    size_t i, end;
    uint32_t line, col;
};

static void emit_byte(struct emit *e, char c, uint32_t line, uint32_t col)
{
    if (e->out.len == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 64;
        e->pos = th_xrealloc(e->pos, e->cap * sizeof *e->pos);
    }
    e->pos[e->out.len] = (struct th_text_anchor){0, line, col};
    th_buf_putc(&e->out, c);
}

static int at_break(const struct cursor *c)
{
    return c->i < c->end && (c->src[c->i] == '\n' || c->src[c->i] == '\r');
}

static int at_space(const struct cursor *c)
{
    return c->i < c->end && (c->src[c->i] == ' ' || c->src[c->i] == '\t');
}

static void advance(struct cursor *c)
{
    if (c->src[c->i] == '\r' && c->i + 1 < c->end && c->src[c->i + 1] == '\n') {
        c->i++;
    }
    if (c->src[c->i] == '\n' || c->src[c->i] == '\r') {
        c->line++;
        c->col = 1;
    } else {
        c->col++;
    }
    c->i++;
}

/* Consumes a run of line breaks and blank-only lines (and the indentation after them); returns the count. */
static int eat_breaks(struct cursor *c)
{
    int n = 0;
    for (;;) {
        while (at_space(c)) {
            advance(c);
        }
        if (!at_break(c)) {
            return n;
        }
        advance(c);
        n++;
    }
}

/* Only blanks up to the next line break (or the end)? */
static int blanks_then_break(const struct cursor *c)
{
    size_t j = c->i;
    while (j < c->end && (c->src[j] == ' ' || c->src[j] == '\t')) {
        j++;
    }
    return j >= c->end || c->src[j] == '\n' || c->src[j] == '\r';
}

static void emit_utf8(struct emit *e, uint32_t cp, uint32_t line, uint32_t col)
{
    if (cp < 0x80) {
        emit_byte(e, (char)cp, line, col);
    } else if (cp < 0x800) {
        emit_byte(e, (char)(0xC0 | (cp >> 6)), line, col);
        emit_byte(e, (char)(0x80 | (cp & 0x3F)), line, col);
    } else if (cp < 0x10000) {
        emit_byte(e, (char)(0xE0 | (cp >> 12)), line, col);
        emit_byte(e, (char)(0x80 | ((cp >> 6) & 0x3F)), line, col);
        emit_byte(e, (char)(0x80 | (cp & 0x3F)), line, col);
    } else {
        emit_byte(e, (char)(0xF0 | (cp >> 18)), line, col);
        emit_byte(e, (char)(0x80 | ((cp >> 12) & 0x3F)), line, col);
        emit_byte(e, (char)(0x80 | ((cp >> 6) & 0x3F)), line, col);
        emit_byte(e, (char)(0x80 | (cp & 0x3F)), line, col);
    }
}

static int hexval(char h)
{
    if (h >= '0' && h <= '9') {
        return h - '0';
    }
    if (h >= 'a' && h <= 'f') {
        return h - 'a' + 10;
    }
    if (h >= 'A' && h <= 'F') {
        return h - 'A' + 10;
    }
    return -1;
}

static const char simple_esc_in[] = "0abt\tnvfre \"/\\";
static const char simple_esc_out[] = "\0\a\b\t\t\n\v\f\r\x1b \"/\\";

/* A double-quoted escape at c (on the backslash). Returns -1 if unsupported. */
static int emit_escape(struct emit *e, struct cursor *c)
{
    uint32_t line = c->line, col = c->col;
    advance(c);
    if (c->i >= c->end) {
        return -1;
    }
    char k = c->src[c->i];
    const char *p = memchr(simple_esc_in, k, sizeof simple_esc_in - 1);
    if (p) {
        emit_byte(e, simple_esc_out[p - simple_esc_in], line, col);
        advance(c);
        return 0;
    }
    int digits = k == 'x' ? 2 : k == 'u' ? 4 : k == 'U' ? 8 : 0;
    uint32_t cp = k == 'N' ? 0x85 : k == '_' ? 0xA0 : k == 'L' ? 0x2028 : k == 'P' ? 0x2029 : 0;
    if (!digits && !cp) {
        return -1;
    }
    advance(c);
    for (int d = 0; d < digits; d++) {
        int v = c->i < c->end ? hexval(c->src[c->i]) : -1;
        if (v < 0) {
            return -1;
        }
        cp = cp * 16 + (uint32_t)v;
        advance(c);
    }
    emit_utf8(e, cp, line, col);
    return 0;
}

/* Plain, single- and double-quoted scalars: [i, end) is the content without the quotes. */
static int derive_flow(struct emit *e, struct cursor *c, enum th_scalar_style style)
{
    while (c->i < c->end) {
        char ch = c->src[c->i];
        if (at_space(c) && blanks_then_break(c)) {
            while (at_space(c)) {
                advance(c);
            }
            continue;
        }
        if (at_break(c)) {
            uint32_t line = c->line, col = c->col;
            int n = eat_breaks(c);
            if (n == 1) {
                emit_byte(e, ' ', line, col);
            }
            for (int k = 1; k < n; k++) {
                emit_byte(e, '\n', line, col);
            }
            continue;
        }
        if (style == TH_SCALAR_SINGLE && ch == '\'' && c->i + 1 < c->end && c->src[c->i + 1] == '\'') {
            emit_byte(e, '\'', c->line, c->col);
            advance(c);
            advance(c);
            continue;
        }
        if (style == TH_SCALAR_DOUBLE && ch == '\\') {
            if (c->i + 1 < c->end && (c->src[c->i + 1] == '\n' || c->src[c->i + 1] == '\r')) {
                advance(c);
                advance(c);
                while (at_space(c)) {
                    advance(c);
                }
                continue;
            }
            if (emit_escape(e, c) < 0) {
                return -1;
            }
            continue;
        }
        emit_byte(e, ch, c->line, c->col);
        advance(c);
    }
    return 0;
}

struct block_hdr {
    int literal;
    int chomp; /* -1 strip, 0 clip, +1 keep */
    int explicit_indent;
};

static int parse_block_header(struct cursor *c, struct block_hdr *h)
{
    h->literal = c->src[c->i] == '|';
    h->chomp = 0;
    h->explicit_indent = 0;
    advance(c);
    while (c->i < c->end && !at_break(c)) {
        char ch = c->src[c->i];
        if (ch == '-' || ch == '+') {
            h->chomp = ch == '-' ? -1 : 1;
        } else if (ch >= '1' && ch <= '9') {
            h->explicit_indent = ch - '0';
        } else if (ch == '#') {
            while (c->i < c->end && !at_break(c)) {
                advance(c);
            }
            break;
        } else if (ch != ' ' && ch != '\t') {
            return -1;
        }
        advance(c);
    }
    if (h->explicit_indent) {
        return -1; /* relative to the parent's indentation, which we do not know here: use the fallback */
    }
    if (at_break(c)) {
        advance(c);
    }
    return 0;
}

/* Width of the first non-empty line's indentation (auto-detected block indent). */
static uint32_t detect_indent(const struct cursor *c)
{
    size_t j = c->i;
    uint32_t best = 0, cur = 0;
    while (j < c->end) {
        char ch = c->src[j];
        if (ch == ' ') {
            cur++;
        } else if (ch == '\n' || ch == '\r') {
            best = cur > best ? cur : best;
            cur = 0;
        } else {
            return cur > best ? cur : best;
        }
        j++;
    }
    return best ? best : 1;
}

static void emit_all(struct emit *dst, const struct emit *src, size_t from)
{
    for (size_t k = from; k < src->out.len; k++) {
        emit_byte(dst, src->out.data[k], src->pos[k].line, src->pos[k].col);
    }
}

static void emit_reset(struct emit *e)
{
    th_buf_clear(&e->out);
}

/* Eats indentation (up to indent spaces) and empty lines into *trail; stops at a content line or the end. */
static void block_eat_indent(struct cursor *c, uint32_t indent, struct emit *trail)
{
    for (;;) {
        while (c->col <= indent && c->i < c->end && c->src[c->i] == ' ') {
            advance(c);
        }
        if (!at_break(c)) {
            return;
        }
        emit_byte(trail, '\n', c->line, c->col);
        advance(c);
    }
}

static int derive_block(struct emit *e, struct cursor *c)
{
    struct block_hdr h;
    if (parse_block_header(c, &h) < 0) {
        return -1;
    }
    uint32_t indent = detect_indent(c);
    struct emit lead = {0}, trail = {0};
    th_buf_init(&lead.out);
    th_buf_init(&trail.out);
    int leading_blank = 0;
    block_eat_indent(c, indent, &trail);
    while (c->i < c->end && c->col == indent + 1) {
        int trailing_blank = at_space(c);
        if (!h.literal && lead.out.len && lead.out.data[0] == '\n' && !leading_blank && !trailing_blank) {
            if (trail.out.len == 0) {
                emit_byte(e, ' ', lead.pos[0].line, lead.pos[0].col);
            }
        } else {
            emit_all(e, &lead, 0);
        }
        emit_reset(&lead);
        emit_all(e, &trail, 0);
        emit_reset(&trail);
        leading_blank = at_space(c);
        while (c->i < c->end && !at_break(c)) {
            emit_byte(e, c->src[c->i], c->line, c->col);
            advance(c);
        }
        if (c->i >= c->end) {
            break;
        }
        emit_byte(&lead, '\n', c->line, c->col);
        advance(c);
        block_eat_indent(c, indent, &trail);
    }
    if (h.chomp != -1) {
        emit_all(e, &lead, 0);
    }
    if (h.chomp == 1) {
        emit_all(e, &trail, 0);
    }
    th_buf_free(&lead.out);
    th_buf_free(&trail.out);
    free(lead.pos);
    free(trail.pos);
    return 0;
}

/* Column (1-based, in bytes) of src[i]: distance from the previous line break. */
static uint32_t byte_col(const char *src, size_t i)
{
    size_t j = i;
    while (j > 0 && src[j - 1] != '\n' && src[j - 1] != '\r') {
        j--;
    }
    return (uint32_t)(i - j + 1);
}

static int derive(struct emit *e, const struct th_scalar_src *s)
{
    struct cursor c = {s->src, s->start, s->end, s->line, byte_col(s->src, s->start)};
    if (s->end > s->src_len || s->start >= s->end) {
        return -1;
    }
    switch (s->style) {
    case TH_SCALAR_PLAIN:
        return derive_flow(e, &c, s->style);
    case TH_SCALAR_SINGLE:
    case TH_SCALAR_DOUBLE:
        if (s->end - s->start < 2) {
            return -1;
        }
        advance(&c);
        c.end--;
        return derive_flow(e, &c, s->style);
    default:
        return derive_block(e, &c);
    }
}

/* Compresses per-byte positions into anchors (a new anchor where the column stops running on). */
static void compress(struct th_text_seg *g, const struct emit *e)
{
    g->anchors = th_xmalloc((e->out.len ? e->out.len : 1) * sizeof *g->anchors);
    g->n_anchors = 0;
    for (size_t k = 0; k < e->out.len; k++) {
        struct th_text_anchor *prev = g->n_anchors ? &g->anchors[g->n_anchors - 1] : NULL;
        if (prev && prev->line == e->pos[k].line && prev->col + (k - prev->off) == e->pos[k].col) {
            continue;
        }
        g->anchors[g->n_anchors++] = (struct th_text_anchor){(uint32_t)k, e->pos[k].line, e->pos[k].col};
    }
}

/* Indentation of a block scalar's first content line, for the fallback. */
static uint32_t fallback_indent(const struct th_scalar_src *s)
{
    size_t j = s->start;
    while (j < s->src_len && j < s->end && s->src[j] != '\n') {
        j++;
    }
    struct cursor c = {s->src, j + 1, s->end, 0, 1};
    return j < s->end ? detect_indent(&c) : 0;
}

/* The brief's formula when the source cannot be re-derived. */
static void fallback(struct th_text_seg *g, const char *value, size_t len, const struct th_scalar_src *s)
{
    uint32_t col0 = s->src && s->start < s->src_len ? byte_col(s->src, s->start) : s->col;
    int block = s->style == TH_SCALAR_LITERAL || s->style == TH_SCALAR_FOLDED;
    size_t lines = 1;
    for (size_t k = 0; k < len; k++) {
        lines += value[k] == '\n';
    }
    g->anchors = th_xmalloc(lines * sizeof *g->anchors);
    uint32_t quote = (s->style == TH_SCALAR_SINGLE || s->style == TH_SCALAR_DOUBLE) ? 1 : 0;
    if (!block) {
        g->anchors[0] = (struct th_text_anchor){0, s->line, col0 + quote};
        g->n_anchors = 1;
        return;
    }
    uint32_t col = (s->src ? fallback_indent(s) : 0) + 1;
    g->anchors[0] = (struct th_text_anchor){0, s->line + 1, col};
    g->n_anchors = 1;
    for (size_t k = 0; k + 1 < len; k++) {
        if (value[k] == '\n') {
            uint32_t line = s->line + 1 + (uint32_t)g->n_anchors;
            g->anchors[g->n_anchors] = (struct th_text_anchor){(uint32_t)(k + 1), line, col};
            g->n_anchors++;
        }
    }
}

void th_text_set_scalar(struct th_text *t, const char *file, const char *value, size_t len,
                        const struct th_scalar_src *s)
{
    th_text_free(t);
    t->str = th_xstrndup(value, len);
    t->len = len;
    struct th_text_seg *g = add_seg(t);
    g->len = len;
    g->file = file;
    struct emit e = {0};
    th_buf_init(&e.out);
    int ok = s->src && derive(&e, s) == 0 && e.out.len == len && len > 0 && memcmp(e.out.data, value, len) == 0;
    if (ok) {
        compress(g, &e);
    } else {
        fallback(g, value, len, s);
    }
    th_buf_free(&e.out);
    free(e.pos);
}
