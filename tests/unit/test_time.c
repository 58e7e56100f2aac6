/* test_time.c - RFC 3339 timestamps: what parses, to which instant, and what is refused (never an overflow). */
#include <string.h>

#include "th_test.h"
#include "th_time.h"

static int64_t parse(const char *s, bool *ok)
{
    int64_t ns = -1;
    *ok = th_time_parse_rfc3339(s, strlen(s), &ns);
    return ns;
}

TH_TEST(test_cloudtrail_time_is_seconds_since_epoch)
{
    bool ok;
    TH_CHECK_INT(parse("2024-05-14T10:05:00Z", &ok), 1715681100LL * 1000000000LL);
    TH_CHECK(ok);
}

TH_TEST(test_fraction_and_offset_are_applied)
{
    bool ok;
    TH_CHECK_INT(parse("2024-05-14T12:05:00.123456789+02:00", &ok), 1715681100LL * 1000000000LL + 123456789);
    TH_CHECK(ok);
    TH_CHECK_INT(parse("1970-01-01T00:00:00.5Z", &ok), 500000000);
    TH_CHECK(ok);
}

TH_TEST(test_time_formats_back_with_nanoseconds)
{
    char out[40];
    th_time_format_rfc3339(1715681100LL * 1000000000LL + 7, out, sizeof out);
    TH_CHECK_STR(out, "2024-05-14T10:05:00.000000007Z");
}

TH_TEST(test_malformed_times_are_refused)
{
    static const char *const bad[] = {"", "2024-05-14", "2024-05-14T10:05:00", "2024-13-01T00:00:00Z",
                                      "2024-05-14T10:05:00Zjunk", "2024-05-14T10:05:00+0200"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bool ok;
        parse(bad[i], &ok);
        TH_CHECK(!ok);
    }
}

/* Found by fuzz_event: a year beyond 2262 does not fit in int64 nanoseconds; it is refused, not overflowed. */
TH_TEST(test_years_outside_the_nanosecond_range_are_refused)
{
    bool ok;
    parse("4048-01-01T00:00:00Z", &ok);
    TH_CHECK(!ok);
    parse("1600-01-01T00:00:00Z", &ok);
    TH_CHECK(!ok);
    TH_CHECK_INT(parse("2262-01-01T00:00:00Z", &ok), 9214646400LL * 1000000000LL);
    TH_CHECK(ok);
}
TH_RUN_TESTS()
