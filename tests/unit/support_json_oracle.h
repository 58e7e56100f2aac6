/* support_json_oracle.h - a second th_json backend for differential tests: parses with jansson and fills the
 * same tape layout th_json.h documents, so every field extractor can run on both and be compared.
 * Invariant: strings (and keys) are stored unescaped in a side buffer that becomes doc->src (never flagged
 * TH_JF_ESCAPED), numbers as jansson prints them (%lld for integers, flagged TH_JF_INTEGER; %.17g for reals);
 * container off/len are valid but meaningless, since nothing may slice container text. */
#ifndef SUPPORT_JSON_ORACLE_H
#define SUPPORT_JSON_ORACLE_H

#include <stddef.h>

#include "th_buf.h"
#include "th_json.h"

struct th_json_oracle {
    struct th_json doc; /* nodes owned here; doc.src points into src */
    struct th_buf src;  /* side buffer: unescaped strings and number texts */
};

void th_oracle_init(struct th_json_oracle *o);
void th_oracle_free(struct th_json_oracle *o);
/* Parses text[0..n) with jansson (duplicate keys rejected, NUL allowed in strings) and rebuilds the tape.
 * Returns 0, or -1 with a message in err when jansson refuses the text. */
int th_oracle_parse(struct th_json_oracle *o, const char *text, size_t n, char *err, size_t errlen);

#endif
