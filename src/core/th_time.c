/* th_time.c - RFC 3339 <-> ns since the epoch, with civil-date arithmetic done by hand (no TZ state).
 * Invariant: th_time_parse_rfc3339(th_time_format_rfc3339(x)) == x for every int64 ns in years 0001-9999. */
#include "th_time.h"

#include <stdint.h>

#include <stdio.h>
#include <time.h>

/* days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's well-known algorithm, rewritten) */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, size_t n, size_t at, size_t count, unsigned *out)
{
    unsigned v = 0;
    if (at + count > n) {
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        char c = s[at + i];
        if (c < '0' || c > '9') {
            return 0;
        }
        v = v * 10 + (unsigned)(c - '0');
    }
    *out = v;
    return 1;
}

static int is_sep(const char *s, size_t n, size_t at, char c)
{
    return at < n && s[at] == c;
}

bool th_time_parse_rfc3339(const char *s, size_t n, int64_t *ns)
{
    unsigned Y, M, D, h, mi, sec;
    if (!digits(s, n, 0, 4, &Y) || !is_sep(s, n, 4, '-') || !digits(s, n, 5, 2, &M) || !is_sep(s, n, 7, '-') ||
        !digits(s, n, 8, 2, &D)) {
        return false;
    }
    if (n < 11 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) {
        return false;
    }
    if (!digits(s, n, 11, 2, &h) || !is_sep(s, n, 13, ':') || !digits(s, n, 14, 2, &mi) || !is_sep(s, n, 16, ':') ||
        !digits(s, n, 17, 2, &sec)) {
        return false;
    }
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || mi > 59 || sec > 60) {
        return false;
    }
    size_t i = 19;
    int64_t frac = 0;
    if (i < n && s[i] == '.') {
        int nd = 0;
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (nd < 9) {
                frac = frac * 10 + (s[i] - '0');
                nd++;
            }
            i++;
        }
        if (nd == 0) {
            return false;
        }
        while (nd++ < 9) {
            frac *= 10;
        }
    }
    int64_t off = 0;
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i < n && (s[i] == '+' || s[i] == '-')) {
        unsigned oh, om;
        int sign = s[i] == '-' ? -1 : 1;
        if (!digits(s, n, i + 1, 2, &oh) || !is_sep(s, n, i + 3, ':') || !digits(s, n, i + 4, 2, &om)) {
            return false;
        }
        off = sign * (int64_t)(oh * 3600 + om * 60);
        i += 6;
    } else {
        return false;
    }
    if (i != n) {
        return false;
    }
    int64_t secs = days_from_civil(Y, M, D) * 86400 + h * 3600 + mi * 60 + sec - off;
    if (secs >= INT64_MAX / 1000000000LL || secs <= INT64_MIN / 1000000000LL) {
        return false; /* outside 1677..2262: nanoseconds since the epoch do not fit in 64 bits */
    }
    *ns = secs * 1000000000LL + frac;
    return true;
}

void th_time_format_rfc3339(int64_t ns, char *out, size_t outlen)
{
    int64_t secs = ns / 1000000000LL, frac = ns % 1000000000LL;
    if (frac < 0) {
        frac += 1000000000LL;
        secs--;
    }
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, outlen, "%04lld-%02u-%02uT%02d:%02d:%02d.%09lldZ", (long long)y, m, d, (int)(rem / 3600),
             (int)(rem / 60 % 60), (int)(rem % 60), (long long)frac);
}

int64_t th_time_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
