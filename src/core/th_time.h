/* th_time.h - RFC 3339 timestamps <-> nanoseconds since the epoch (UTC), without the C library's time zone state.
 * Invariant: parse and format round-trip for every value format produces. */
#ifndef TH_TIME_H
#define TH_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses "2024-01-02T03:04:05Z", with optional fractional seconds (up to 9 digits kept) and "+hh:mm" offsets,
 * 't'/'z'/' ' accepted as in RFC 3339 section 5.6 notes. Returns false on anything else. */
bool th_time_parse_rfc3339(const char *s, size_t n, int64_t *ns);
/* Formats ns since the epoch as "2024-01-02T03:04:05.123456789Z". out must hold at least 32 bytes. */
void th_time_format_rfc3339(int64_t ns, char *out, size_t outlen);
/* Monotonic clock in ns, for rates and progress. */
int64_t th_time_mono_ns(void);

#endif
