/* th_base64.c - base64 decoding shared by the CloudWatch Logs reader, the b64() condition transformer and output
 * templates: standard and URL alphabets, "=" padding only at the end, blanks ignored, JSON-escaped "\/" accepted.
 * Invariant: a text that is not base64 (bad character, data after padding, a dangling 6-bit group) is rejected,
 * never decoded partly. */
#include "th_base64.h"

#include <stdbool.h>
#include <stdint.h>

static int b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+' || c == '-') {
        return 62;
    }
    if (c == '/' || c == '_') {
        return 63;
    }
    return -1;
}

long th_base64_decode(const char *s, size_t n, unsigned char *out)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    bool pad = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            continue;
        }
        if (c == '\\' && i + 1 < n && s[i + 1] == '/') {
            continue; /* JSON-escaped slash: the next char is the '/' */
        }
        if (c == '=') {
            pad = true;
            continue;
        }
        int v = b64val(c);
        if (v < 0 || pad) {
            return -1;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    return bits >= 6 ? -1 : (long)o;
}
