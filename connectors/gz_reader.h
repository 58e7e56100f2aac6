/* gz_reader.h - streaming reader that yields the decoded bytes of a file descriptor or a memory buffer,
 * gunzipping on the fly when the data starts with the gzip magic (1f 8b), whatever the name says.
 * Multi-member gzip (Firehose objects: members back to back) decodes as one stream. Small inputs are inflated a
 * whole member at a time with libdeflate; larger ones stream through zlib, so memory stays bounded.
 * Invariant: bytes returned before an error are exactly the bytes decoded before the damage; after an error
 * every read returns -1 and th_gzr_error() names the problem and the input byte offset. */
#ifndef TH_GZ_READER_H
#define TH_GZ_READER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "th_buf.h"
#include "th_err.h"

struct th_gzr;

/* size_hint: size of a regular file (0 = unknown, e.g. a pipe). The fd is borrowed (not closed). */
struct th_gzr *th_gzr_open_fd(int fd, uint64_t size_hint);
/* p is borrowed and must outlive the reader. */
struct th_gzr *th_gzr_open_mem(const void *p, size_t n);
void th_gzr_close(struct th_gzr *r);

/* Reads up to cap decoded bytes into dst: > 0 bytes, 0 at the end, -1 on error (see th_gzr_error). */
ssize_t th_gzr_read(struct th_gzr *r, void *dst, size_t cap);
/* 1 if the input is gzip (known after the first read). */
int th_gzr_is_gzip(const struct th_gzr *r);
/* Input (compressed) bytes consumed from the source so far. */
uint64_t th_gzr_in_bytes(const struct th_gzr *r);
/* TH_E_GZIP or TH_E_IO with a message naming the byte offset; TH_E_NONE when no error happened. */
enum th_code th_gzr_error(const struct th_gzr *r, const char **msg);

/* Whole-member libdeflate path limits of this reader: compressed input <= max_in, one member's output <= max_out.
 * Above them (and with max_in 0, always) the reader streams with zlib. Defaults 32 MiB / 128 MiB. Call before the
 * first read. */
void th_gzr_set_limits(struct th_gzr *r, size_t max_in, size_t max_out);

/* Gunzips (multi-member aware) a whole buffer into out, at most max_out bytes. 0 or -1 with msg set. */
int th_gunzip_mem(const void *p, size_t n, size_t max_out, struct th_buf *out, char *msg, size_t msglen);

#endif
