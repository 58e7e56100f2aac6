/* cond_lexer.c - token recognizers for Falco conditions, written from libsinsp's grammar (filter/parser.h EBNF).
 * Pure functions over (pointer, length): no allocation except the unescaped text of quoted strings, no state.
 * Invariant: a recognizer never reads s[n] or beyond, so conditions need not be NUL-terminated. */
#include "cond_lexer.h"

#include <stdio.h>

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_word(char c)
{
    return is_alpha(c) || is_digit(c) || c == '_';
}

bool th_cond_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n';
}

size_t th_cond_span_blank(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && th_cond_is_blank(s[i])) {
        i++;
    }
    return i;
}

size_t th_cond_span_ident(const char *s, size_t n)
{
    if (n == 0 || !is_alpha(s[0])) {
        return 0;
    }
    size_t i = 1;
    while (i < n && is_word(s[i])) {
        i++;
    }
    return i;
}

size_t th_cond_span_field(const char *s, size_t n)
{
    size_t i = th_cond_span_ident(s, n);
    size_t parts = 0;
    if (i == 0) {
        return 0;
    }
    while (i + 1 < n && s[i] == '.' && is_alpha(s[i + 1])) {
        i += 1 + th_cond_span_ident(s + i + 1, n - i - 1);
        parts++;
    }
    return parts > 0 ? i : 0;
}

static bool in_set(char c, const char *set)
{
    for (; *set; set++) {
        if (c == *set) {
            return true;
        }
    }
    return false;
}

static size_t span_not_in(const char *s, size_t n, const char *stop)
{
    size_t i = 0;
    while (i < n && s[i] != '\0' && !th_cond_is_blank(s[i]) && !in_set(s[i], stop)) {
        i++;
    }
    return i;
}

size_t th_cond_span_barestr(const char *s, size_t n)
{
    return span_not_in(s, n, "(),=\"'");
}

size_t th_cond_span_argbare(const char *s, size_t n)
{
    return span_not_in(s, n, "[]\"'");
}

static size_t span_hex(const char *s, size_t n)
{
    if (n < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) {
        return 0;
    }
    size_t i = 2;
    while (i < n && (is_alpha(s[i]) || is_digit(s[i]))) {
        i++;
    }
    return i > 2 ? i : 0;
}

static size_t span_digits(const char *s, size_t n, size_t i)
{
    while (i < n && is_digit(s[i])) {
        i++;
    }
    return i;
}

static size_t span_decimal(const char *s, size_t n)
{
    size_t i = (n > 0 && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
    size_t start = i;
    i = span_digits(s, n, i);
    if (i == start) {
        return 0;
    }
    if (i < n && s[i] == '.') {
        i++;
    }
    i = span_digits(s, n, i);
    if (i + 2 < n && (s[i] == 'e' || s[i] == 'E') && (s[i + 1] == '+' || s[i + 1] == '-') &&
        is_digit(s[i + 2])) {
        i = span_digits(s, n, i + 2);
    }
    return i;
}

size_t th_cond_span_number(const char *s, size_t n)
{
    size_t h = span_hex(s, n);
    return h ? h : span_decimal(s, n);
}

bool th_cond_is_ident(const char *s, size_t n)
{
    return n > 0 && th_cond_span_ident(s, n) == n;
}

bool th_cond_is_barestr(const char *s, size_t n)
{
    return n > 0 && th_cond_span_barestr(s, n) == n;
}

bool th_cond_is_number(const char *s, size_t n)
{
    return n > 0 && th_cond_span_number(s, n) == n;
}

/* Decodes the escape at s[i] (the char after a backslash) in a string delimited by q. */
static int unescape_one(char c, char q, char *out)
{
    switch (c) {
    case 'b': *out = '\b'; return 0;
    case 'f': *out = '\f'; return 0;
    case 'n': *out = '\n'; return 0;
    case 'r': *out = '\r'; return 0;
    case 't': *out = '\t'; return 0;
    case '\\': *out = '\\'; return 0;
    case '/': *out = '/'; return 0;
    case '"':
    case '\'':
        *out = c;
        return c == q ? 0 : -1;
    default: return -1;
    }
}

int th_cond_lex_quoted(const char *s, size_t n, struct th_buf *out, size_t *used, size_t *err_off, char *errbuf,
                       size_t errlen)
{
    if (n == 0 || (s[0] != '"' && s[0] != '\'')) {
        return 0;
    }
    char q = s[0];
    for (size_t i = 1; i < n && s[i] != '\0'; i++) {
        char c = s[i];
        if (c == q) {
            *used = i + 1;
            return 1;
        }
        if (c != '\\') {
            th_buf_putc(out, c);
            continue;
        }
        if (i + 1 >= n || s[i + 1] == '\0') {
            break;
        }
        if (s[i + 1] == ' ') { /* libsinsp tolerates "\ " from old rules; keep both characters */
            th_buf_putc(out, '\\');
            continue;
        }
        if (unescape_one(s[i + 1], q, &c) != 0) {
            *err_off = i;
            if (s[i + 1] == '"' || s[i + 1] == '\'') { /* libsinsp's wording */
                snprintf(errbuf, errlen, "invalid \\%c escape in %c-quoted string", s[i + 1], q);
            } else {
                snprintf(errbuf, errlen, "unsupported string escape sequence: \\%c", s[i + 1]);
            }
            return -1;
        }
        th_buf_putc(out, c);
        i++;
    }
    *err_off = 0;
    snprintf(errbuf, errlen, "unterminated quoted string");
    return -1;
}
