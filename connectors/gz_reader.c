/* gz_reader.c - decoded-byte reader over an fd or a memory buffer: raw passthrough, or gzip detected by magic.
 * Modes: RAW (no gzip), WHOLE (the whole compressed input is in memory and each member is inflated at once by
 * libdeflate into out[]), STREAM (zlib inflate, windowBits 15+32, reset at every member boundary).
 * A member libdeflate rejects (corrupt, truncated, or larger than max_out) is redone by zlib from the member's
 * start, so the bytes before the damage are kept and the error names the exact input offset.
 * Invariant: in[in_pos..in_len) is unconsumed input whose first byte sits at input offset in_base + in_pos. */
#include "gz_reader.h"

#include <errno.h>
#include <libdeflate.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define GZR_IN_CHUNK (256u * 1024u)

#define GZR_DEFAULT_MAX_IN (32u << 20)
#define GZR_DEFAULT_MAX_OUT (128u << 20)

enum gzr_mode { M_DETECT, M_RAW, M_WHOLE, M_STREAM, M_FAILED };

struct th_gzr {
    int fd;            /* -1 for a memory source */
    uint64_t size_hint;
    enum gzr_mode mode;
    bool is_gzip;
    bool owns_in;      /* in[] is malloc'd (fd source or whole file) */
    unsigned char *in;
    size_t in_cap, in_pos, in_len;
    uint64_t in_base;  /* input offset of in[0] */
    bool in_eof;
    uint64_t in_total; /* bytes taken from the source */
    size_t max_in, max_out; /* whole-member path limits (th_gzr_set_limits) */
    /* WHOLE */
    struct libdeflate_decompressor *ld;
    unsigned char *out;
    size_t out_cap, out_pos, out_len;
    /* STREAM */
    z_stream z;
    bool z_init, member_done;
    bool pending_err; /* error found while returning the last good bytes */
    enum th_code ecode;
    char emsg[256];
};

static void set_err(struct th_gzr *r, enum th_code code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(struct th_gzr *r, enum th_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->emsg, sizeof r->emsg, fmt, ap);
    va_end(ap);
    r->ecode = code;
    r->mode = M_FAILED;
}

struct th_gzr *th_gzr_open_fd(int fd, uint64_t size_hint)
{
    struct th_gzr *r = th_xcalloc(1, sizeof *r);
    r->fd = fd;
    r->size_hint = size_hint;
    r->owns_in = true;
    r->in_cap = GZR_IN_CHUNK;
    r->in = th_xmalloc(r->in_cap);
    r->max_in = GZR_DEFAULT_MAX_IN;
    r->max_out = GZR_DEFAULT_MAX_OUT;
    return r;
}

void th_gzr_set_limits(struct th_gzr *r, size_t max_in, size_t max_out)
{
    r->max_in = max_in;
    r->max_out = max_out;
}

struct th_gzr *th_gzr_open_mem(const void *p, size_t n)
{
    struct th_gzr *r = th_xcalloc(1, sizeof *r);
    r->fd = -1;
    r->size_hint = n;
    r->in = (unsigned char *)p;
    r->in_len = n;
    r->in_cap = n;
    r->in_eof = true;
    r->in_total = n;
    r->max_in = GZR_DEFAULT_MAX_IN;
    r->max_out = GZR_DEFAULT_MAX_OUT;
    return r;
}

void th_gzr_close(struct th_gzr *r)
{
    if (!r) {
        return;
    }
    if (r->z_init) {
        inflateEnd(&r->z);
    }
    if (r->ld) {
        libdeflate_free_decompressor(r->ld);
    }
    if (r->owns_in) {
        free(r->in);
    }
    free(r->out);
    free(r);
}

int th_gzr_is_gzip(const struct th_gzr *r)
{
    return r->is_gzip;
}

uint64_t th_gzr_in_bytes(const struct th_gzr *r)
{
    return r->in_total;
}

enum th_code th_gzr_error(const struct th_gzr *r, const char **msg)
{
    if (msg) {
        *msg = r->emsg;
    }
    return r->mode == M_FAILED ? r->ecode : TH_E_NONE;
}

static ssize_t read_fd(struct th_gzr *r, void *dst, size_t n)
{
    for (;;) {
        ssize_t got = read(r->fd, dst, n);
        if (got >= 0) {
            r->in_total += (uint64_t)got;
            return got;
        }
        if (errno != EINTR) {
            set_err(r, TH_E_IO, "read failed at byte %llu: %s", (unsigned long long)r->in_total, strerror(errno));
            return -1;
        }
    }
}

/* Moves unconsumed input to the front and reads more. -1 on a read error. */
static int fill(struct th_gzr *r)
{
    if (r->in_eof || r->fd < 0) {
        r->in_eof = true;
        return 0;
    }
    if (r->in_pos > 0) {
        memmove(r->in, r->in + r->in_pos, r->in_len - r->in_pos);
        r->in_base += r->in_pos;
        r->in_len -= r->in_pos;
        r->in_pos = 0;
    }
    if (r->in_len == r->in_cap) {
        r->in_cap *= 2;
        r->in = th_xrealloc(r->in, r->in_cap);
    }
    ssize_t got = read_fd(r, r->in + r->in_len, r->in_cap - r->in_len);
    if (got < 0) {
        return -1;
    }
    if (got == 0) {
        r->in_eof = true;
    }
    r->in_len += (size_t)got;
    return 0;
}

static size_t avail(const struct th_gzr *r)
{
    return r->in_len - r->in_pos;
}

/* Reads the rest of the fd into in[] (whole mode). */
static int load_all(struct th_gzr *r)
{
    while (!r->in_eof) {
        if (fill(r) != 0) {
            return -1;
        }
    }
    return 0;
}

static int start_stream(struct th_gzr *r)
{
    if (!r->z_init) {
        memset(&r->z, 0, sizeof r->z);
        if (inflateInit2(&r->z, 15 + 32) != Z_OK) {
            set_err(r, TH_E_GZIP, "cannot initialise zlib");
            return -1;
        }
        r->z_init = true;
    } else {
        inflateReset(&r->z);
    }
    r->member_done = false;
    r->mode = M_STREAM;
    return 0;
}

static int detect(struct th_gzr *r)
{
    while (avail(r) < 2 && !r->in_eof) {
        if (fill(r) != 0) {
            return -1;
        }
    }
    if (avail(r) < 2 || r->in[r->in_pos] != 0x1f || r->in[r->in_pos + 1] != 0x8b) {
        r->mode = M_RAW;
        return 0;
    }
    r->is_gzip = true;
    bool small = r->fd < 0 ? r->in_len <= r->max_in : (r->size_hint > 0 && r->size_hint <= r->max_in);
    if (!small) {
        return start_stream(r);
    }
    if (load_all(r) != 0) {
        return -1;
    }
    r->ld = libdeflate_alloc_decompressor();
    if (!r->ld) {
        return start_stream(r);
    }
    r->mode = M_WHOLE;
    return 0;
}

static ssize_t read_raw(struct th_gzr *r, void *dst, size_t cap)
{
    size_t n = avail(r);
    if (n > 0) {
        n = n < cap ? n : cap;
        memcpy(dst, r->in + r->in_pos, n);
        r->in_pos += n;
        return (ssize_t)n;
    }
    if (r->fd < 0 || r->in_eof) {
        return 0;
    }
    ssize_t got = read_fd(r, dst, cap);
    if (got == 0) {
        r->in_eof = true;
    }
    return got;
}

/* At a member boundary: 1 = another member follows, 0 = clean end (zero padding allowed), -1 = junk. */
static int next_member(struct th_gzr *r)
{
    for (;;) {
        while (avail(r) < 2 && !r->in_eof) {
            if (fill(r) != 0) {
                return -1;
            }
        }
        if (avail(r) == 0) {
            return 0;
        }
        if (avail(r) >= 2 && r->in[r->in_pos] == 0x1f && r->in[r->in_pos + 1] == 0x8b) {
            return 1;
        }
        while (r->in_pos < r->in_len && r->in[r->in_pos] == 0) {
            r->in_pos++;
        }
        if (r->in_pos < r->in_len) {
            set_err(r, TH_E_GZIP, "unexpected non-gzip data after a gzip member at byte %llu",
                    (unsigned long long)(r->in_base + r->in_pos));
            return -1;
        }
        if (r->in_eof) {
            return 0;
        }
    }
}

/* Inflates the next whole member with libdeflate; falls back to zlib from the member start on any failure. */
static int whole_member(struct th_gzr *r)
{
    size_t rest = avail(r);
    size_t guess = rest * 4;
    if (r->in_len >= 4) {
        const unsigned char *t = r->in + r->in_len - 4;
        size_t isize = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
        guess = isize > guess ? isize : guess;
    }
    guess = guess < 65536 ? 65536 : guess;
    guess = guess > r->max_out ? r->max_out : guess;
    for (;;) {
        if (r->out_cap < guess) {
            free(r->out);
            r->out = th_xmalloc(guess);
            r->out_cap = guess;
        }
        size_t in_used = 0, out_used = 0;
        enum libdeflate_result res = libdeflate_gzip_decompress_ex(r->ld, r->in + r->in_pos, rest, r->out,
                                                                   r->out_cap, &in_used, &out_used);
        if (res == LIBDEFLATE_SUCCESS) {
            r->in_pos += in_used;
            r->out_pos = 0;
            r->out_len = out_used;
            return 0;
        }
        if (res == LIBDEFLATE_INSUFFICIENT_SPACE && r->out_cap < r->max_out) {
            guess = r->out_cap * 2 > r->max_out ? r->max_out : r->out_cap * 2;
            continue;
        }
        return start_stream(r);
    }
}

static ssize_t read_whole(struct th_gzr *r, void *dst, size_t cap)
{
    while (r->out_pos == r->out_len) {
        int more = next_member(r);
        if (more <= 0) {
            return more;
        }
        if (whole_member(r) != 0) {
            return -1;
        }
        if (r->mode != M_WHOLE) {
            return 0; /* switched to zlib; the caller loops */
        }
    }
    size_t n = r->out_len - r->out_pos;
    n = n < cap ? n : cap;
    memcpy(dst, r->out + r->out_pos, n);
    r->out_pos += n;
    return (ssize_t)n;
}

static ssize_t read_stream(struct th_gzr *r, void *dst, size_t cap)
{
    for (;;) {
        if (r->member_done) {
            int more = next_member(r);
            if (more <= 0) {
                return more;
            }
            if (start_stream(r) != 0) {
                return -1;
            }
        }
        if (avail(r) == 0 && !r->in_eof && fill(r) != 0) {
            return -1;
        }
        size_t before = avail(r);
        r->z.next_in = r->in + r->in_pos;
        r->z.avail_in = (uInt)(before > UINT32_MAX ? UINT32_MAX : before);
        r->z.next_out = dst;
        r->z.avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
        size_t out_before = r->z.avail_out;
        int ret = inflate(&r->z, Z_NO_FLUSH);
        r->in_pos += (size_t)(r->z.next_in - (r->in + r->in_pos));
        size_t produced = out_before - r->z.avail_out;
        if (ret == Z_STREAM_END) {
            r->member_done = true;
        } else if (ret == Z_BUF_ERROR && r->in_eof && avail(r) == 0) {
            set_err(r, TH_E_GZIP, "gzip data is truncated: input ends at byte %llu inside a gzip member",
                    (unsigned long long)(r->in_base + r->in_pos));
        } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
            set_err(r, TH_E_GZIP, "corrupt gzip data near byte %llu: %s", (unsigned long long)(r->in_base + r->in_pos),
                    r->z.msg ? r->z.msg : "inflate failed");
        } else if (ret == Z_OK && produced == 0 && r->in_eof && avail(r) == 0) {
            set_err(r, TH_E_GZIP, "gzip data is truncated: input ends at byte %llu inside a gzip member",
                    (unsigned long long)(r->in_base + r->in_pos));
        }
        if (r->mode == M_FAILED) {
            if (produced > 0) {
                r->pending_err = true;
                return (ssize_t)produced;
            }
            return -1;
        }
        if (produced > 0) {
            return (ssize_t)produced;
        }
    }
}

ssize_t th_gzr_read(struct th_gzr *r, void *dst, size_t cap)
{
    if (cap == 0) {
        return 0;
    }
    if (r->mode == M_DETECT && detect(r) != 0) {
        return -1;
    }
    for (;;) {
        switch (r->mode) {
        case M_RAW:
            return read_raw(r, dst, cap);
        case M_WHOLE: {
            ssize_t n = read_whole(r, dst, cap);
            if (n != 0 || r->mode == M_WHOLE) {
                return n;
            }
            continue; /* fell back to zlib */
        }
        case M_STREAM:
            return read_stream(r, dst, cap);
        default:
            return -1;
        }
    }
}

int th_gunzip_mem(const void *p, size_t n, size_t max_out, struct th_buf *out, char *msg, size_t msglen)
{
    struct th_gzr *r = th_gzr_open_mem(p, n);
    int rc = 0;
    for (;;) {
        th_buf_reserve(out, 65536);
        ssize_t got = th_gzr_read(r, out->data + out->len, out->cap - out->len - 1);
        if (got < 0) {
            const char *m;
            th_gzr_error(r, &m);
            snprintf(msg, msglen, "%s", m);
            rc = -1;
            break;
        }
        if (got == 0) {
            break;
        }
        out->len += (size_t)got;
        out->data[out->len] = 0;
        if (out->len > max_out) {
            snprintf(msg, msglen, "decompressed data is larger than %zu bytes", max_out);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && !r->is_gzip) {
        snprintf(msg, msglen, "data is not gzip (no 1f 8b magic)");
        rc = -1;
    }
    th_gzr_close(r);
    return rc;
}
