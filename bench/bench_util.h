/* bench_util.h - helpers shared by the C bench programs (header only, all static): an NDJSON line reader over
 * 4 MiB fread chunks, a monotonic stopwatch, the fields.txt loader and the result line.
 * Invariant: every program times the same span (open the input .. last record processed) and prints exactly one
 * line on stdout, the rate in events per second; details (count, bytes, checksum) go to stderr so run.sh can
 * check that methods saw the same data. */
#ifndef TH_BENCH_UTIL_H
#define TH_BENCH_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_CHUNK (4u << 20)
#define BENCH_MAX_FIELDS 64

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Line reader: lines are returned without their '\n' and stay valid until the next call. */
struct bench_lines {
    FILE *f;
    char *buf;
    size_t cap, len, pos;
    bool eof;
    uint64_t bytes;
};

static inline int bench_lines_open(struct bench_lines *l, const char *path)
{
    memset(l, 0, sizeof *l);
    l->f = fopen(path, "rb");
    if (!l->f) {
        return -1;
    }
    l->cap = BENCH_CHUNK;
    l->buf = malloc(l->cap);
    return l->buf ? 0 : -1;
}

static inline void bench_lines_close(struct bench_lines *l)
{
    if (l->f) {
        fclose(l->f);
    }
    free(l->buf);
    memset(l, 0, sizeof *l);
}

/* Moves the unread tail to the front and reads more; grows the buffer when one line fills it. */
static inline bool bench_lines_fill(struct bench_lines *l)
{
    if (l->eof) {
        return false;
    }
    size_t rest = l->len - l->pos;
    memmove(l->buf, l->buf + l->pos, rest);
    l->len = rest;
    l->pos = 0;
    if (l->len == l->cap) {
        l->cap *= 2;
        char *nb = realloc(l->buf, l->cap);
        if (!nb) {
            l->eof = true;
            return false;
        }
        l->buf = nb;
    }
    size_t got = fread(l->buf + l->len, 1, l->cap - l->len, l->f);
    l->len += got;
    l->bytes += got;
    if (got == 0) {
        l->eof = true;
    }
    return got > 0;
}

static inline bool bench_lines_next(struct bench_lines *l, const char **line, size_t *n)
{
    for (;;) {
        char *start = l->buf + l->pos;
        char *nl = memchr(start, '\n', l->len - l->pos);
        if (nl) {
            *line = start;
            *n = (size_t)(nl - start);
            l->pos += *n + 1;
            return true;
        }
        if (!bench_lines_fill(l)) {
            if (l->pos < l->len) { /* last line without '\n' */
                *line = l->buf + l->pos;
                *n = l->len - l->pos;
                l->pos = l->len;
                return true;
            }
            return false;
        }
    }
}

/* fields.txt: one dotted path per line, '#' comments and blank lines ignored. Returns the count, -1 on error. */
static inline int bench_load_fields(const char *path, char *fields[BENCH_MAX_FIELDS])
{
    FILE *f = fopen(path, "r");
    if (!f) {
        return -1;
    }
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f) && n < BENCH_MAX_FIELDS) {
        line[strcspn(line, "\r\n#")] = 0;
        size_t len = strlen(line);
        while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t')) {
            line[--len] = 0;
        }
        if (len > 0) {
            fields[n++] = strdup(line);
        }
    }
    fclose(f);
    return n;
}

static inline void bench_report(const char *what, uint64_t events, uint64_t bytes, double secs, uint64_t checksum)
{
    double rate = secs > 0 ? (double)events / secs : 0.0;
    fprintf(stderr, "%s: %llu events, %llu bytes, %.3f s, %.1f MB/s, checksum %llu\n", what,
            (unsigned long long)events, (unsigned long long)bytes, secs, secs > 0 ? (double)bytes / secs / 1e6 : 0.0,
            (unsigned long long)checksum);
    printf("%.0f\n", rate);
}

#endif
