/* floor.c - the throughput floor: read an NDJSON file in 4 MiB chunks and split it into lines with memchr,
 * doing nothing else. No JSON method can beat this on the same core; run.sh reports it as the ceiling rate.
 * `floor FILE` prints events/s on stdout (and counts, bytes, a checksum of line lengths on stderr).
 * Invariant: times exactly what the other C methods time around their per-line work (bench_util.h reader). */
#include <stdio.h>

#include "bench_util.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: floor FILE.ndjson\n");
        return 2;
    }
    double t0 = bench_now();
    struct bench_lines l;
    if (bench_lines_open(&l, argv[1]) != 0) {
        perror(argv[1]);
        return 1;
    }
    uint64_t events = 0, sum = 0;
    const char *line;
    size_t n;
    while (bench_lines_next(&l, &line, &n)) {
        if (n == 0) {
            continue;
        }
        events++;
        sum += n + (unsigned char)line[0];
    }
    double secs = bench_now() - t0;
    uint64_t bytes = l.bytes;
    bench_lines_close(&l);
    bench_report("floor", events, bytes, secs, sum);
    return 0;
}
