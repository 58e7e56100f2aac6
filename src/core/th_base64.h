/* th_base64.h - base64 decoding (see th_base64.c for the accepted forms). */
#ifndef TH_BASE64_H
#define TH_BASE64_H

#include <stddef.h>

/* Decodes s[0..n) into out (capacity >= 3 * (n / 4) + 3). Returns the decoded length, or -1 if s is not base64. */
long th_base64_decode(const char *s, size_t n, unsigned char *out);

#endif
