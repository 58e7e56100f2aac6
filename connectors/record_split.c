/* record_split.c - the structural scanner behind record_split.h.
 * One pass, resumable at any byte: string bodies are skipped 16 bytes at a time (SSE2) looking only for
 * '"', '\\' and '\n'; outside strings each byte drives a small grammar (expect key / colon / value / comma).
 * Invariant: every event is produced exactly once; after a fatal problem or the end of input the splitter stays
 * in L_DONE and only returns TH_SPLIT_END. */
#include "record_split.h"

#include <stdio.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

enum { M_UNDECIDED = 0, M_LINE, M_STREAM };
enum { L_NORMAL = 0, L_STRING, L_ESCAPE, L_SCALAR, L_SKIPLINE, L_SKIPREC, L_DONE };
enum { E_VALUE = 0, E_VALUE_OR_CLOSE, E_KEY, E_KEY_OR_CLOSE, E_COLON, E_AFTER };
enum { C_TOP = 0, C_ARRAY, C_ENVELOPE, C_ENV_TAIL };
enum { K_NONE = 0, K_OTHER, K_RECORDS, K_ITEMS, K_LOGEVENTS, K_AWSLOGS, K_DIGEST, K_MSGTYPE };

void th_split_init(struct th_split *s, size_t max_record, size_t max_wrapper)
{
    memset(s, 0, sizeof *s);
    s->max_record = max_record;
    s->max_wrapper = max_wrapper;
    s->line = 1;
}

void th_split_start_at(struct th_split *s, size_t off)
{
    s->pos = (int64_t)off;
    s->line_start = (int64_t)off;
    s->rec_start = (int64_t)off;
    s->str_start = (int64_t)off;
}

bool th_split_saw_value(const struct th_split *s)
{
    return s->saw_value;
}

size_t th_split_keep(const struct th_split *s)
{
    if (s->lex != L_DONE && s->in_rec && s->rec_object && !s->rec_skip && !s->rec_oversize && s->rec_start >= 0) {
        return (size_t)s->rec_start;
    }
    /* a short string directly in a top-level object may be a key (Records, messageType...) we must still read */
    if ((s->lex == L_STRING || s->lex == L_ESCAPE) && s->depth == 1 && s->str_start >= 0 && s->pos - s->str_start <= 64) {
        return (size_t)s->str_start;
    }
    return (size_t)s->pos;
}

void th_split_shift(struct th_split *s, size_t n)
{
    int64_t d = (int64_t)n;
    s->pos -= d;
    s->line_start -= d;
    s->rec_start -= d;
    s->str_start -= d;
    s->base += n;
}

/* ---- helpers ---- */

static size_t find_special(const char *p, size_t i, size_t n)
{
#ifdef __SSE2__
    const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), nl = _mm_set1_epi8('\n');
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)), _mm_cmpeq_epi8(v, nl));
        int bits = _mm_movemask_epi8(m);
        if (bits) {
            return i + (size_t)__builtin_ctz((unsigned)bits);
        }
        i += 16;
    }
#endif
    while (i < n && p[i] != '"' && p[i] != '\\' && p[i] != '\n') {
        i++;
    }
    return i;
}

static bool is_scalar_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '+' ||
           c == '.';
}

static bool top_is_object(const struct th_split *s)
{
    uint32_t d = s->depth - 1;
    if (s->depth == 0 || d >= TH_SPLIT_STACK) {
        return true;
    }
    return (s->objbits[d >> 3] >> (d & 7)) & 1;
}

static void push(struct th_split *s, bool obj)
{
    uint32_t d = s->depth;
    if (d < TH_SPLIT_STACK) {
        if (obj) {
            s->objbits[d >> 3] |= (uint8_t)(1u << (d & 7));
        } else {
            s->objbits[d >> 3] &= (uint8_t)~(1u << (d & 7));
        }
    }
    s->depth++;
}

static bool expects_value(int e)
{
    return e == E_VALUE || e == E_VALUE_OR_CLOSE;
}

static uint64_t col(const struct th_split *s)
{
    return (uint64_t)(s->pos - s->line_start) + 1;
}

static size_t rec_limit(const struct th_split *s)
{
    return (s->ctx == C_TOP && s->awslogs) ? s->max_wrapper : s->max_record;
}

static void fill_where(const struct th_split *s, struct th_split_out *out, bool by_line)
{
    out->line = s->rec_line ? s->rec_line : s->line;
    out->recno = s->recno;
    out->in_line = s->rec_in_line;
    out->by_line = by_line;
}

static enum th_split_ev problem(struct th_split_out *out, enum th_code code, enum th_sev sev, bool fatal,
                                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static enum th_split_ev problem(struct th_split_out *out, enum th_code code, enum th_sev sev, bool fatal,
                                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->msg, sizeof out->msg, fmt, ap);
    va_end(ap);
    out->code = code;
    out->sev = sev;
    out->fatal = fatal;
    return TH_SPLIT_PROBLEM;
}

static void reset_line_state(struct th_split *s)
{
    s->depth = 0;
    s->expect = E_VALUE;
    s->ctx = C_TOP;
    s->in_rec = false;
    s->rec_line = 0;
    s->env_skip = false;
}

static void start_rec(struct th_split *s, bool object)
{
    s->in_rec = true;
    s->rec_object = object;
    s->rec_skip = s->env_skip;
    s->rec_oversize = false;
    s->rec_start = s->pos;
    s->rec_start_abs = s->base + (uint64_t)s->pos;
    s->rec_line = s->line;
    s->recno++;
    s->values_in_line++;
    s->rec_in_line = s->values_in_line;
}

/* A value starts at pos (its first byte is c). */
static void value_start(struct th_split *s, unsigned char c)
{
    s->saw_value = true;
    bool container = c == '{' || c == '[';
    if (s->depth == 0) {
        s->top_line = s->line;
        s->ctx = C_TOP;
        s->rec_depth = 0;
        s->last_key = K_NONE;
        s->awslogs = false;
        s->control_msg = false;
        s->env_skip = false;
        if (c == '[') {
            s->ctx = C_ARRAY;
            s->rec_depth = 1;
            s->values_in_line++;
            s->rec_in_line = s->values_in_line;
        } else {
            start_rec(s, c == '{');
        }
    } else if ((s->ctx == C_ARRAY || s->ctx == C_ENVELOPE) && s->depth == s->rec_depth && !s->in_rec) {
        start_rec(s, c == '{');
    }
    if (container) {
        s->ncontainers++;
    }
}

static int classify_key(const char *k, size_t n)
{
    if (n < 5 || n > 15 || !strchr("Radilm", k[0])) {
        return K_OTHER;
    }
    switch (n) { /* the length rejects almost every key before any compare */
    case 5:
        return memcmp(k, "items", 5) == 0 ? K_ITEMS : K_OTHER;
    case 7:
        return memcmp(k, "Records", 7) == 0 ? K_RECORDS : memcmp(k, "awslogs", 7) == 0 ? K_AWSLOGS : K_OTHER;
    case 9:
        return memcmp(k, "logEvents", 9) == 0 ? K_LOGEVENTS : K_OTHER;
    case 11:
        return memcmp(k, "messageType", 11) == 0 ? K_MSGTYPE : K_OTHER;
    case 13:
        return memcmp(k, "digestEndTime", 13) == 0 ? K_DIGEST : K_OTHER;
    case 14:
        return memcmp(k, "digestS3Object", 14) == 0 ? K_DIGEST : K_OTHER;
    case 15:
        return memcmp(k, "digestStartTime", 15) == 0 ? K_DIGEST : K_OTHER;
    default:
        return K_OTHER;
    }
}

/* ---- value ends ---- */

static enum th_split_ev finish_rec(struct th_split *s, struct th_split_out *out, int64_t end)
{
    s->in_rec = false;
    if (s->rec_skip) {
        return TH_SPLIT_MORE;
    }
    bool top = s->ctx == C_TOP;
    bool by_line = top && s->mode != M_STREAM && s->rec_line == s->line;
    fill_where(s, out, by_line);
    if (!s->rec_object) {
        return problem(out, TH_E_NOT_OBJECT, TH_SEV_ERROR, false, "record is not a JSON object");
    }
    uint64_t size = s->base + (uint64_t)end - s->rec_start_abs;
    size_t limit = rec_limit(s);
    if (s->rec_oversize || (limit && size > limit)) {
        return problem(out, TH_E_TOO_LARGE, TH_SEV_ERROR, false,
                       "record of %llu bytes is larger than max_record_size (%zu bytes); skipped",
                       (unsigned long long)size, limit);
    }
    out->kind = TH_SPLIT_R_OBJECT;
    if (s->ctx == C_ENVELOPE && s->env_kind == K_LOGEVENTS) {
        out->kind = TH_SPLIT_R_CWL_EVENT;
    } else if (top && s->awslogs) {
        out->kind = TH_SPLIT_R_AWSLOGS;
    }
    out->off = (size_t)s->rec_start;
    out->len = (size_t)(end - s->rec_start);
    s->fast_ok = top && by_line && out->kind == TH_SPLIT_R_OBJECT && s->last_key != K_DIGEST;
    return TH_SPLIT_RECORD;
}

/* A value that lived at the current depth ended just before end. */
static enum th_split_ev value_done(struct th_split *s, struct th_split_out *out, int64_t end)
{
    enum th_split_ev ev = TH_SPLIT_MORE;
    s->expect = s->depth == 0 ? E_VALUE : E_AFTER;
    if (s->in_rec && s->depth == s->rec_depth) {
        ev = finish_rec(s, out, end);
    }
    if (s->depth == 0) {
        if (s->mode == M_UNDECIDED && s->top_line == s->line) {
            s->mode = M_LINE;
        }
        s->ctx = C_TOP;
        s->rec_depth = 0;
        s->rec_line = 0;
    } else if (s->depth == 1 && s->ctx == C_ENVELOPE) {
        s->ctx = C_ENV_TAIL; /* the envelope array closed: ignore the rest of the object */
        s->env_skip = false;
    }
    return ev;
}

/* ---- problems with structure ---- */

static bool first_on_line(const struct th_split *s, const char *buf)
{
    if (s->line_start < 0) {
        return false;
    }
    for (int64_t i = s->line_start; i < s->pos; i++) {
        if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r') {
            return false;
        }
    }
    return true;
}

static const char *show_char(unsigned char c, char tmp[8])
{
    if (c >= 0x20 && c < 0x7f) {
        snprintf(tmp, 8, "'%c'", c);
    } else {
        snprintf(tmp, 8, "0x%02x", c);
    }
    return tmp;
}

static enum th_split_ev syntax_break(struct th_split *s, const char *buf, struct th_split_out *out)
{
    unsigned char c = (unsigned char)buf[s->pos];
    char tmp[8];
    if (s->ncontainers == 0) {
        s->lex = L_DONE;
        fill_where(s, out, false);
        out->recno = 0;
        return problem(out, TH_E_UNKNOWN_FORMAT, TH_SEV_ERROR, true,
                       "input is not JSON, NDJSON or a known log envelope (byte %s at line %llu, column %llu)",
                       show_char(c, tmp), (unsigned long long)s->line, (unsigned long long)col(s));
    }
    if ((s->ctx == C_ENVELOPE || s->ctx == C_ARRAY) && s->in_rec && s->depth > s->rec_depth) {
        /* A broken element: skip to its end by counting brackets outside strings, then go on with the next one
         * (the same span the fast path would hand on whole for the validating parse to reject). */
        fill_where(s, out, false);
        s->skip_open = s->depth - s->rec_depth;
        s->skip_in_str = s->skip_esc = false;
        s->lex = L_SKIPREC;
        return problem(out, TH_E_JSON_SYNTAX, TH_SEV_ERROR, false,
                       "malformed JSON: unexpected %s at line %llu, column %llu; record skipped", show_char(c, tmp),
                       (unsigned long long)s->line, (unsigned long long)col(s));
    }
    if (s->ctx != C_TOP || (s->mode == M_STREAM && !(c == '{' && s->in_rec && first_on_line(s, buf)))) {
        s->lex = L_DONE;
        fill_where(s, out, false);
        if (!s->in_rec) {
            return problem(out, TH_E_JSON_SYNTAX, TH_SEV_ERROR, true,
                           "malformed JSON after record %llu: unexpected %s at line %llu, column %llu; rest of the input skipped",
                           (unsigned long long)s->recno, show_char(c, tmp), (unsigned long long)s->line,
                           (unsigned long long)col(s));
        }
        return problem(out, TH_E_JSON_SYNTAX, TH_SEV_ERROR, true,
                       "malformed JSON: unexpected %s at line %llu, column %llu; rest of the input skipped",
                       show_char(c, tmp), (unsigned long long)s->line, (unsigned long long)col(s));
    }
    if (s->mode == M_STREAM) {
        /* A record that never closed, then a new object at the start of a line: resume in line mode here. */
        fill_where(s, out, true);
        reset_line_state(s);
        s->mode = M_LINE;
        s->values_in_line = 0;
        return problem(out, TH_E_TRUNCATED, TH_SEV_ERROR, false,
                       "record starting here does not end before line %llu (missing closing brackets?)",
                       (unsigned long long)s->line);
    }
    fill_where(s, out, true);
    if (!s->in_rec) {
        out->line = s->line;
    }
    reset_line_state(s);
    s->mode = M_LINE;
    s->lex = L_SKIPLINE;
    return problem(out, TH_E_JSON_SYNTAX, TH_SEV_ERROR, false, "malformed JSON: unexpected %s at column %llu",
                   show_char(c, tmp), (unsigned long long)col(s));
}

/* A newline inside a value while in line mode: the line's value is truncated. */
static enum th_split_ev line_break(struct th_split *s, struct th_split_out *out, bool in_string)
{
    fill_where(s, out, true);
    out->line = s->top_line;
    reset_line_state(s);
    s->lex = L_NORMAL;
    s->mode = M_LINE;
    s->values_in_line = 0;
    return problem(out, TH_E_TRUNCATED, TH_SEV_ERROR, false, "%s",
                   in_string ? "line ends inside a string (record truncated or unescaped newline)"
                             : "line ends before its JSON value is closed (record truncated)");
}

static bool valid_top_scalar(const struct th_split *s)
{
    char c = s->tok[0];
    if (c == '-' || (c >= '0' && c <= '9')) {
        return true;
    }
    static const char *const lits[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        if (s->toklen == strlen(lits[i]) && memcmp(s->tok, lits[i], s->toklen) == 0) {
            return true;
        }
    }
    return false;
}

/* A scalar ended at pos. A top-level word that is not a JSON literal means the input is not JSON (or the line). */
static enum th_split_ev scalar_end(struct th_split *s, const char *buf, struct th_split_out *out)
{
    s->lex = L_NORMAL;
    if (s->depth > 0 || valid_top_scalar(s)) {
        return value_done(s, out, s->pos);
    }
    s->in_rec = false;
    s->recno--;
    if (s->ncontainers == 0) {
        s->lex = L_DONE;
        fill_where(s, out, false);
        out->recno = 0;
        return problem(out, TH_E_UNKNOWN_FORMAT, TH_SEV_ERROR, true,
                       "input is not JSON, NDJSON or a known log envelope (it starts with the word '%.*s')",
                       (int)s->toklen, s->tok);
    }
    fill_where(s, out, s->mode != M_STREAM);
    out->line = s->line;
    if (s->mode == M_STREAM) {
        s->lex = L_DONE;
        return problem(out, TH_E_JSON_SYNTAX, TH_SEV_ERROR, true,
                       "malformed JSON: unexpected word '%.*s' at line %llu; rest of the input skipped", (int)s->toklen,
                       s->tok, (unsigned long long)s->line);
    }
    reset_line_state(s);
    s->mode = M_LINE;
    s->lex = L_SKIPLINE;
    return problem(out, TH_E_JSON_SYNTAX, TH_SEV_ERROR, false, "malformed JSON: line starts with the word '%.*s'",
                   (int)s->toklen, s->tok);
}

static enum th_split_ev at_eof(struct th_split *s, const char *buf, struct th_split_out *out)
{
    if (s->lex == L_SCALAR) {
        return scalar_end(s, buf, out);
    }
    bool open = s->depth > 0 || s->lex == L_STRING || s->lex == L_ESCAPE;
    s->lex = L_DONE;
    if (!open) {
        return TH_SPLIT_END;
    }
    if (s->ctx == C_TOP && s->in_rec) {
        bool by_line = s->mode != M_STREAM && s->rec_line == s->line;
        fill_where(s, out, by_line);
        return problem(out, TH_E_TRUNCATED, TH_SEV_ERROR, true, "input ends in the middle of this record");
    }
    if (s->in_rec) {
        fill_where(s, out, false);
        return problem(out, TH_E_TRUNCATED, TH_SEV_ERROR, true,
                       "input ends in the middle of record %llu (started at line %llu)", (unsigned long long)s->recno,
                       (unsigned long long)s->rec_line);
    }
    fill_where(s, out, false);
    return problem(out, TH_E_TRUNCATED, TH_SEV_ERROR, true,
                   "input ends before the enclosing array or object is closed (after record %llu)",
                   (unsigned long long)s->recno);
}

/* ---- strings ---- */

static enum th_split_ev string_closed(struct th_split *s, const char *buf, struct th_split_out *out)
{
    int64_t end = s->pos; /* just past the closing quote */
    bool keylevel = s->depth == 1 && top_is_object(s) && s->ctx != C_ARRAY;
    if (s->str_is_key) {
        s->expect = E_COLON;
        if (keylevel) {
            int64_t n = end - 1 - s->str_start;
            s->last_key = (s->str_start >= 0 && n <= 32) ? classify_key(buf + s->str_start, (size_t)n) : K_OTHER;
            if (s->last_key == K_DIGEST && s->ctx == C_TOP) {
                s->lex = L_DONE;
                fill_where(s, out, false);
                return problem(out, TH_N_SKIPPED_FILE, TH_SEV_NOTE, true,
                               "CloudTrail digest file skipped (it holds log-file hashes, not events)");
            }
        }
        return TH_SPLIT_MORE;
    }
    if (keylevel && s->last_key == K_MSGTYPE && s->str_start >= 0) {
        int64_t n = end - 1 - s->str_start;
        s->control_msg = n == 15 && memcmp(buf + s->str_start, "CONTROL_MESSAGE", 15) == 0;
    }
    return value_done(s, out, end);
}

/* ---- containers ---- */

static enum th_split_ev open_container(struct th_split *s, unsigned char c, struct th_split_out *out)
{
    bool obj = c == '{';
    bool envelope_key = s->last_key == K_RECORDS || s->last_key == K_ITEMS || s->last_key == K_LOGEVENTS;
    enum th_split_ev ev = TH_SPLIT_MORE;
    if (s->depth == 1 && !obj && envelope_key && top_is_object(s) &&
        ((s->ctx == C_TOP && s->in_rec) || s->ctx == C_ENV_TAIL)) {
        if (s->ctx == C_TOP) {
            s->in_rec = false; /* the object is an envelope, not a record */
            s->recno--;
            s->values_in_line--;
        }
        s->ctx = C_ENVELOPE;
        s->rec_depth = 2;
        s->env_kind = s->last_key;
        s->saw_value = true;
        s->ncontainers++;
        if (s->env_kind == K_LOGEVENTS && s->control_msg) {
            s->env_skip = true;
            fill_where(s, out, false);
            ev = problem(out, TH_N_SKIPPED_FILE, TH_SEV_NOTE, false,
                         "CloudWatch Logs CONTROL_MESSAGE skipped (a connectivity check, no events)");
        }
    } else {
        if (s->depth == 1 && obj && s->last_key == K_AWSLOGS && s->ctx == C_TOP) {
            s->awslogs = true;
        }
        value_start(s, c);
    }
    push(s, obj);
    s->expect = obj ? E_KEY_OR_CLOSE : E_VALUE_OR_CLOSE;
    s->pos++;
    return ev;
}

static enum th_split_ev close_container(struct th_split *s, const char *buf, unsigned char c,
                                        struct th_split_out *out)
{
    bool obj = c == '}';
    int open_ok = obj ? E_KEY_OR_CLOSE : E_VALUE_OR_CLOSE;
    if (s->depth == 0 || top_is_object(s) != obj || (s->expect != E_AFTER && s->expect != open_ok)) {
        return syntax_break(s, buf, out);
    }
    s->depth--;
    s->pos++;
    return value_done(s, out, s->pos);
}

/* ---- main loop ---- */

static enum th_split_ev normal_byte(struct th_split *s, const char *buf, struct th_split_out *out)
{
    unsigned char c = (unsigned char)buf[s->pos];
    switch (c) {
    case ' ':
    case '\t':
    case '\r':
        s->pos++;
        return TH_SPLIT_MORE;
    case '\n':
        s->pos++;
        s->line++;
        s->line_start = s->pos;
        if (s->depth == 0) {
            s->values_in_line = 0;
        } else if (s->mode == M_LINE) {
            return line_break(s, out, false);
        } else if (s->mode == M_UNDECIDED) {
            s->mode = M_STREAM;
        }
        return TH_SPLIT_MORE;
    case '{':
    case '[':
        if (!expects_value(s->expect)) {
            return syntax_break(s, buf, out);
        }
        return open_container(s, c, out);
    case '}':
    case ']':
        return close_container(s, buf, c, out);
    case '"':
        if (s->expect == E_KEY || s->expect == E_KEY_OR_CLOSE) {
            s->str_is_key = true;
        } else if (expects_value(s->expect)) {
            s->str_is_key = false;
            value_start(s, c);
        } else {
            return syntax_break(s, buf, out);
        }
        s->pos++;
        s->str_start = s->pos;
        s->lex = L_STRING;
        return TH_SPLIT_MORE;
    case ':':
        if (s->expect != E_COLON) {
            return syntax_break(s, buf, out);
        }
        s->expect = E_VALUE;
        s->pos++;
        return TH_SPLIT_MORE;
    case ',':
        if (s->expect != E_AFTER || s->depth == 0) {
            return syntax_break(s, buf, out);
        }
        s->expect = top_is_object(s) ? E_KEY : E_VALUE;
        s->pos++;
        return TH_SPLIT_MORE;
    default:
        if (!is_scalar_char(c) || !expects_value(s->expect)) {
            return syntax_break(s, buf, out);
        }
        if (s->depth == 0 && c != '-' && !(c >= '0' && c <= '9') && c != 't' && c != 'f' && c != 'n') {
            return syntax_break(s, buf, out);
        }
        value_start(s, c);
        s->tok[0] = (char)c;
        s->toklen = 1;
        s->lex = L_SCALAR;
        s->pos++;
        return TH_SPLIT_MORE;
    }
}

static enum th_split_ev string_bytes(struct th_split *s, const char *buf, size_t len, struct th_split_out *out)
{
    size_t i = find_special(buf, (size_t)s->pos, len);
    s->pos = (int64_t)i;
    if (i == len) {
        return TH_SPLIT_MORE;
    }
    char c = buf[i];
    s->pos++;
    if (c == '"') {
        s->lex = L_NORMAL;
        return string_closed(s, buf, out);
    }
    if (c == '\\') {
        s->lex = L_ESCAPE;
        return TH_SPLIT_MORE;
    }
    s->line++;
    s->line_start = s->pos;
    if (s->mode == M_LINE || (s->mode == M_UNDECIDED && s->ctx == C_TOP)) {
        return line_break(s, out, true);
    }
    if (s->mode == M_UNDECIDED) {
        s->mode = M_STREAM;
    }
    return TH_SPLIT_MORE;
}

static void check_bom(struct th_split *s, const char *buf, size_t len, bool eof)
{
    if (s->bom_checked || (len - (size_t)s->pos < 3 && !eof)) {
        return;
    }
    s->bom_checked = true;
    if (len - (size_t)s->pos >= 3 && memcmp(buf + s->pos, "\xEF\xBB\xBF", 3) == 0) {
        s->pos += 3;
        s->line_start = s->pos;
    }
}

static void check_oversize(struct th_split *s, size_t len)
{
    size_t limit = rec_limit(s);
    if (s->in_rec && s->rec_object && !s->rec_skip && !s->rec_oversize && limit &&
        (uint64_t)len - (uint64_t)s->rec_start > limit) {
        s->rec_oversize = true; /* keep scanning to its end, but drop the bytes; reported when it ends */
    }
}

/* ---- fast path: one plain object per line ----
 * Once an input has shown plain one-object lines, a line that starts with '{' is scanned by this tight loop
 * (strings skipped 16 bytes at a time, only brackets counted) instead of the byte-by-byte state machine. It
 * commits only when the object closes at the end of its line and its first key is not an envelope key; in any
 * other case it leaves the state untouched and the general scanner takes the line, with its exact diagnostics.
 * Bracket pairing and everything else inside the record is checked by the validating parse that follows. */

/* Index just past the string whose body starts at i; 0 when it does not close on this line within n. */
static size_t skip_string(const char *p, size_t i, size_t n)
{
    for (;;) {
        i = find_special(p, i, n);
        if (i >= n || p[i] == '\n') {
            return 0;
        }
        if (p[i] == '"') {
            return i + 1;
        }
        i += 2; /* backslash and the escaped byte */
    }
}

/* True when the object starting at start has a first key that makes it an envelope (or a kind:EventList). */
static bool envelope_first_key(const char *p, size_t start, size_t n)
{
    size_t i = start + 1;
    while (i < n && (p[i] == ' ' || p[i] == '\t')) {
        i++;
    }
    if (i >= n || p[i] != '"') {
        return false;
    }
    size_t end = skip_string(p, i + 1, n);
    if (!end) {
        return true; /* let the general scanner report it */
    }
    size_t klen = end - i - 2;
    if (classify_key(p + i + 1, klen) != K_OTHER) {
        return true;
    }
    if (klen == 4 && memcmp(p + i + 1, "kind", 4) == 0) {
        return end + 12 <= n && memcmp(p + end, ":\"EventList\"", 12) == 0;
    }
    return false;
}

/* Bit masks of 64 bytes: quote, backslash, brackets, newline. */
struct block_masks {
    uint64_t quote, bslash, open, close, nl;
};

#ifndef __SSE2__
/* Portable fallback: bit k set when p[k] == c. */
static uint64_t eq_mask64(const char *p, char c)
{
    uint64_t m = 0;
    for (int k = 0; k < 64; k++) {
        m |= (uint64_t)(p[k] == c) << k;
    }
    return m;
}
#endif

static void block_scan(const char *p, struct block_masks *m)
{
#ifdef __SSE2__
    const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), nl = _mm_set1_epi8('\n');
    const __m128i ob = _mm_set1_epi8('{'), cb = _mm_set1_epi8('}'), os = _mm_set1_epi8('['), cs = _mm_set1_epi8(']');
    memset(m, 0, sizeof *m);
    for (int k = 0; k < 4; k++) { /* each 16-byte lane loaded once, compared with every byte of interest */
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        int sh = 16 * k;
        m->quote |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, q)) << sh;
        m->bslash |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, bs)) << sh;
        m->nl |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, nl)) << sh;
        m->open |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, ob), _mm_cmpeq_epi8(x, os)))
                   << sh;
        m->close |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, cb), _mm_cmpeq_epi8(x, cs)))
                    << sh;
    }
#else
    m->quote = eq_mask64(p, '"');
    m->bslash = eq_mask64(p, '\\');
    m->open = eq_mask64(p, '{') | eq_mask64(p, '[');
    m->close = eq_mask64(p, '}') | eq_mask64(p, ']');
    m->nl = eq_mask64(p, '\n');
#endif
}

/* Bit i set when byte i is escaped by a backslash: each backslash not itself escaped escapes the next byte.
 * *carry is 1 when the previous block ended with an escaping backslash. Backslashes are rare, so their bits are
 * walked one by one. */
static uint64_t escaped_mask(uint64_t bslash, uint64_t *carry)
{
    uint64_t escaped = *carry;
    bslash &= ~*carry;
    *carry = 0;
    while (bslash) {
        int i = __builtin_ctzll(bslash);
        if (i == 63) {
            *carry = 1;
            break;
        }
        escaped |= 1ull << (i + 1);
        bslash &= ~(3ull << i); /* this backslash and the byte it escapes */
    }
    return escaped;
}

/* Bit i set when byte i is inside a string (opening quote included, closing excluded), given the state before. */
static uint64_t string_mask(uint64_t quote, uint64_t inside_before)
{
    uint64_t x = quote;
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x ^ inside_before;
}

/* Scans the object at start to the bracket that closes it, 64 bytes at a time: string regions from quote parity
 * (escaped quotes masked out), brackets counted outside strings, newlines outside strings counted so locators stay
 * exact. With one_line, a newline before the end means the line is truncated. Returns the index just past the
 * object, or 0 when the general scanner must decide (not complete in this buffer, oversized, a raw newline inside
 * a string, a truncated line). A broken object is handed on whole and rejected by the validating parse; the general
 * scanner skips the same span. */
static size_t fast_scan_object(const char *buf, size_t start, size_t len, size_t limit, bool one_line,
                               uint64_t *lines, size_t *last_nl)
{
    char tail[64];
    uint64_t inside = 0, esc_carry = 0;
    uint32_t depth = 0;
    *lines = 0;
    for (size_t base = start; base < len; base += 64) {
        const char *p = buf + base;
        if (len - base < 64) {
            memset(tail, ' ', sizeof tail);
            memcpy(tail, p, len - base);
            p = tail;
        }
        if (limit && base - start > limit) {
            return 0;
        }
        struct block_masks m;
        block_scan(p, &m);
        uint64_t escaped = escaped_mask(m.bslash, &esc_carry);
        uint64_t in = string_mask(m.quote & ~escaped, inside);
        inside = (uint64_t)((int64_t)in >> 63);
        uint64_t events = (m.open | m.close | m.nl) & ~in;
        while (events) {
            int bit = __builtin_ctzll(events);
            events &= events - 1;
            uint64_t one = 1ull << bit;
            if (m.nl & in & (one - 1)) {
                return 0; /* a raw newline inside a string before this point */
            }
            if (m.nl & one) {
                if (one_line) {
                    return 0;
                }
                (*lines)++;
                *last_nl = base + (size_t)bit;
            } else if (m.open & one) {
                depth++;
            } else if (--depth == 0) {
                return base + (size_t)bit + 1;
            }
        }
        if ((m.nl & in) || len - base <= 64) {
            return 0;
        }
    }
    return 0;
}

static enum th_split_ev fast_element_record(struct th_split *s, const char *buf, size_t len,
                                            struct th_split_out *out)
{
    size_t start = (size_t)s->pos, last_nl = 0, limit = rec_limit(s);
    uint64_t lines;
    /* in line mode an element may not span lines, exactly as the general scanner treats a newline there */
    size_t end = fast_scan_object(buf, start, len, limit, s->mode == M_LINE, &lines, &last_nl);
    if (!end || (limit && end - start > limit)) {
        return TH_SPLIT_MORE;
    }
    value_start(s, '{');
    s->pos = (int64_t)end;
    s->in_rec = false;
    s->expect = E_AFTER;
    fill_where(s, out, false);
    if (lines) {
        s->line += lines;
        s->line_start = (int64_t)last_nl + 1;
    }
    out->kind = TH_SPLIT_R_OBJECT;
    out->off = start;
    out->len = end - start;
    return TH_SPLIT_RECORD;
}

static enum th_split_ev fast_line_record(struct th_split *s, const char *buf, size_t len, bool eof,
                                         struct th_split_out *out)
{
    size_t start = (size_t)s->pos;
    (void)eof;
    if (envelope_first_key(buf, start, len)) {
        return TH_SPLIT_MORE;
    }
    size_t limit = rec_limit(s), last_nl = 0;
    uint64_t lines;
    size_t i = fast_scan_object(buf, start, len, limit, true, &lines, &last_nl);
    if (!i || (limit && i - start > limit)) {
        return TH_SPLIT_MORE;
    }
    size_t j = i;
    while (j < len && (buf[j] == ' ' || buf[j] == '\t' || buf[j] == '\r')) {
        j++;
    }
    if (j == len || buf[j] != '\n') {
        return TH_SPLIT_MORE; /* text after the object on its line, or its end not in view: the scanner decides */
    }
    value_start(s, '{');
    s->pos = (int64_t)i;
    s->in_rec = false;
    s->expect = E_VALUE;
    fill_where(s, out, true);
    out->kind = TH_SPLIT_R_OBJECT;
    out->off = start;
    out->len = i - start;
    s->rec_line = 0;
    return TH_SPLIT_RECORD;
}

/* L_SKIPREC: consumes a broken element up to the bracket that closes it (brackets inside strings ignored). */
static void skip_record_bytes(struct th_split *s, const char *buf, size_t len)
{
    while ((size_t)s->pos < len) {
        char c = buf[s->pos++];
        if (c == '\n') {
            s->line++;
            s->line_start = s->pos;
        }
        if (s->skip_in_str) {
            if (s->skip_esc) {
                s->skip_esc = false;
            } else if (c == '\\') {
                s->skip_esc = true;
            } else if (c == '"') {
                s->skip_in_str = false;
            }
            continue;
        }
        if (c == '"') {
            s->skip_in_str = true;
        } else if (c == '{' || c == '[') {
            s->skip_open++;
        } else if ((c == '}' || c == ']') && --s->skip_open == 0) {
            s->depth = s->rec_depth;
            s->in_rec = false;
            s->expect = E_AFTER;
            s->lex = L_NORMAL;
            return;
        }
    }
}

enum th_split_ev th_split_next(struct th_split *s, const char *buf, size_t len, bool eof, struct th_split_out *out)
{
    if (!s->bom_checked) {
        check_bom(s, buf, len, eof);
        if (!s->bom_checked) {
            return TH_SPLIT_MORE;
        }
    }
    for (;;) {
        if (s->lex == L_DONE) {
            return TH_SPLIT_END;
        }
        if ((size_t)s->pos >= len) {
            if (!eof) {
                check_oversize(s, len);
                return TH_SPLIT_MORE;
            }
            enum th_split_ev ev = at_eof(s, buf, out);
            if (ev != TH_SPLIT_MORE) {
                return ev;
            }
            continue;
        }
        enum th_split_ev ev = TH_SPLIT_MORE;
        if (s->fast_ok && s->lex == L_NORMAL && s->depth == 0 && s->mode == M_LINE && s->values_in_line == 0 &&
            s->ctx == C_TOP && buf[s->pos] == '{' && !s->awslogs) {
            ev = fast_line_record(s, buf, len, eof, out);
            if (ev != TH_SPLIT_MORE) {
                return ev;
            }
        }
        if (s->lex == L_NORMAL && (s->ctx == C_ENVELOPE || s->ctx == C_ARRAY) && s->depth == s->rec_depth &&
            !s->in_rec && !s->env_skip && s->env_kind != K_LOGEVENTS && expects_value(s->expect) &&
            buf[s->pos] == '{') {
            ev = fast_element_record(s, buf, len, out);
            if (ev != TH_SPLIT_MORE) {
                return ev;
            }
        }
        switch (s->lex) {
        case L_STRING:
            ev = string_bytes(s, buf, len, out);
            break;
        case L_ESCAPE:
            if (buf[s->pos] == '\n') {
                s->lex = L_STRING; /* let the string scanner see the newline */
                break;
            }
            s->pos++;
            s->lex = L_STRING;
            break;
        case L_SCALAR: {
            int64_t start = s->pos;
            while ((size_t)s->pos < len && is_scalar_char((unsigned char)buf[s->pos])) {
                s->pos++;
            }
            for (int64_t i = start; s->depth == 0 && i < s->pos && s->toklen < sizeof s->tok; i++) {
                s->tok[s->toklen++] = buf[i];
            }
            if ((size_t)s->pos < len) {
                ev = scalar_end(s, buf, out);
            }
            break;
        }
        case L_SKIPREC:
            skip_record_bytes(s, buf, len);
            break;
        case L_SKIPLINE: {
            const char *nl = memchr(buf + s->pos, '\n', len - (size_t)s->pos);
            s->pos = nl ? (int64_t)(nl - buf) : (int64_t)len;
            if (nl) {
                s->lex = L_NORMAL;
            }
            break;
        }
        default:
            ev = normal_byte(s, buf, out);
            break;
        }
        if (ev != TH_SPLIT_MORE) {
            return ev;
        }
    }
}
