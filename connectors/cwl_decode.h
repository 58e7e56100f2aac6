/* cwl_decode.h - the small JSON helpers CloudWatch Logs subscription payloads need:
 * find one key's value at the top level of an object text, unescape a JSON string body (the logEvents
 * "message" holds the audit record as JSON text), and decode base64 (the Lambda form
 * {"awslogs":{"data":"<base64 of gzip of DATA_MESSAGE>"}}).
 * Invariant: nothing here allocates; outputs go to caller-provided memory sized as documented. */
#ifndef TH_CWL_DECODE_H
#define TH_CWL_DECODE_H

#include <stddef.h>

#include "th_base64.h"

/* Finds key at the top level of the JSON object text obj[0..len). On success returns 1 and sets *val and *vlen to the
 * raw value text (for a string: the body between the quotes, still escaped). 0 = key absent, -1 = not an object
 * or malformed. */
int th_cwl_find(const char *obj, size_t len, const char *key, const char **val, size_t *vlen, int *is_string);

/* Unescapes a JSON string body s[0..n) into out (capacity >= n; the result is never longer). Returns the output
 * length, or -1 on a bad escape (msg says which). Lone surrogates become U+FFFD. */
long th_json_unescape(const char *s, size_t n, char *out, char *msg, size_t msglen);

/* base64: th_base64_decode() in src/core/th_base64.h */

#endif
