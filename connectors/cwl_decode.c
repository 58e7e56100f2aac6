/* cwl_decode.c - top-level key lookup in an object text, JSON string unescaping, base64 decoding.
 * The lookup is a tiny recursive-descent skipper: strings are skipped escape-aware, containers by depth, and
 * only keys at depth 1 are compared. Invariant: every function reads only inside [s, s + n). */
#include "cwl_decode.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static size_t skip_ws(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
        i++;
    }
    return i;
}

/* s[i] is '"'; returns the index just past the closing quote, or n + 1 if unterminated. */
static size_t skip_string(const char *s, size_t i, size_t n)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\') {
            i++;
        } else if (s[i] == '"') {
            return i + 1;
        }
    }
    return n + 1;
}

/* Skips one value starting at s[i]; returns the index just past it, or n + 1 if malformed/unterminated. */
static size_t skip_value(const char *s, size_t i, size_t n)
{
    if (i >= n) {
        return n + 1;
    }
    if (s[i] == '"') {
        return skip_string(s, i, n);
    }
    if (s[i] != '{' && s[i] != '[') {
        while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\n' && s[i] != '\t' &&
               s[i] != '\r') {
            i++;
        }
        return i;
    }
    size_t depth = 0;
    while (i < n) {
        char c = s[i];
        if (c == '"') {
            i = skip_string(s, i, n);
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                return i + 1;
            }
        }
        i++;
    }
    return n + 1;
}

int th_cwl_find(const char *obj, size_t len, const char *key, const char **val, size_t *vlen, int *is_string)
{
    size_t klen = strlen(key);
    size_t i = skip_ws(obj, 0, len);
    if (i >= len || obj[i] != '{') {
        return -1;
    }
    i = skip_ws(obj, i + 1, len);
    if (i < len && obj[i] == '}') {
        return 0;
    }
    while (i < len) {
        if (obj[i] != '"') {
            return -1;
        }
        size_t kstart = i + 1;
        size_t kend = skip_string(obj, i, len);
        if (kend > len) {
            return -1;
        }
        bool match = kend - 1 - kstart == klen && memcmp(obj + kstart, key, klen) == 0;
        i = skip_ws(obj, kend, len);
        if (i >= len || obj[i] != ':') {
            return -1;
        }
        i = skip_ws(obj, i + 1, len);
        size_t vend = skip_value(obj, i, len);
        if (vend > len || vend == i) {
            return -1;
        }
        if (match) {
            bool str = obj[i] == '"';
            *val = obj + i + (str ? 1 : 0);
            *vlen = vend - i - (str ? 2 : 0);
            if (is_string) {
                *is_string = str;
            }
            return 1;
        }
        i = skip_ws(obj, vend, len);
        if (i < len && obj[i] == ',') {
            i = skip_ws(obj, i + 1, len);
            continue;
        }
        return (i < len && obj[i] == '}') ? 0 : -1;
    }
    return -1;
}

static int hex4(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= (uint32_t)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            v |= (uint32_t)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            v |= (uint32_t)(c - 'A' + 10);
        } else {
            return -1;
        }
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Reads \uXXXX (with a following low surrogate if any) at s[i] == 'u'; returns the chars consumed after 'u'. */
static long read_unicode(const char *s, size_t i, size_t n, uint32_t *cp)
{
    if (i + 5 > n || hex4(s + i + 1, cp) != 0) {
        return -1;
    }
    if (*cp >= 0xD800 && *cp <= 0xDBFF) {
        uint32_t lo;
        if (i + 11 <= n && s[i + 5] == '\\' && s[i + 6] == 'u' && hex4(s + i + 7, &lo) == 0 && lo >= 0xDC00 &&
            lo <= 0xDFFF) {
            *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
            return 10;
        }
        *cp = 0xFFFD;
    } else if (*cp >= 0xDC00 && *cp <= 0xDFFF) {
        *cp = 0xFFFD;
    }
    return 4;
}

long th_json_unescape(const char *s, size_t n, char *out, char *msg, size_t msglen)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *bs = memchr(s + i, '\\', n - i);
        size_t run = bs ? (size_t)(bs - (s + i)) : n - i;
        memcpy(out + o, s + i, run);
        o += run;
        i += run;
        if (i >= n) {
            break;
        }
        if (i + 1 >= n) {
            snprintf(msg, msglen, "string ends with a lone backslash");
            return -1;
        }
        char e = s[++i];
        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
        const char *k = memchr(from, e, sizeof from - 1);
        if (k) {
            out[o++] = to[k - from];
            continue;
        }
        uint32_t cp;
        long used = e == 'u' ? read_unicode(s, i, n, &cp) : -1;
        if (used < 0) {
            snprintf(msg, msglen, "bad escape '\\%c' at byte %zu of the string", e, i - 1);
            return -1;
        }
        o += put_utf8(out + o, cp);
        i += (size_t)used;
    }
    return (long)o;
}

