/* test_gz_reader.c - gzip detection by magic, multi-member streams, damage reporting, on both the libdeflate
 * (whole member) path and the zlib streaming path (forced by lowering the limits). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "gz_reader.h"
#include "th_buf.h"
#include "th_test.h"

/* Appends one gzip member holding text to out. */
static void gzip_member(struct th_buf *out, const char *text, size_t n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    size_t bound = deflateBound(&z, (uLong)n) + 32;
    th_buf_reserve(out, bound);
    z.next_in = (Bytef *)(uintptr_t)text;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out->data + out->len;
    z.avail_out = (uInt)bound;
    deflate(&z, Z_FINISH);
    out->len += bound - z.avail_out;
    deflateEnd(&z);
}

/* Reads everything (in 5-byte steps to exercise partial reads); returns the error code, text in *got. */
static enum th_code read_all(struct th_gzr *r, struct th_buf *got, const char **msg)
{
    char tmp[5];
    for (;;) {
        ssize_t n = th_gzr_read(r, tmp, sizeof tmp);
        if (n <= 0) {
            return n == 0 ? TH_E_NONE : th_gzr_error(r, msg);
        }
        th_buf_append(got, tmp, (size_t)n);
    }
}

/* The whole-member limits every reader of a test gets (each_path runs a test on both paths). */
static size_t path_max_in = 32u << 20, path_max_out = 128u << 20;

static struct th_gzr *open_mem(const void *p, size_t n)
{
    struct th_gzr *r = th_gzr_open_mem(p, n);
    th_gzr_set_limits(r, path_max_in, path_max_out);
    return r;
}

static void each_path(void (*fn)(void))
{
    path_max_in = 32u << 20; /* libdeflate whole-member path */
    path_max_out = 128u << 20;
    fn();
    path_max_in = path_max_out = 0; /* zlib streaming path */
    fn();
    path_max_in = 32u << 20;
    path_max_out = 128u << 20;
}

TH_TEST(test_plain_bytes_pass_through_unchanged)
{
    struct th_buf got;
    th_buf_init(&got);
    struct th_gzr *r = open_mem("{\"a\":1}\n", 8);
    TH_CHECK_INT(read_all(r, &got, NULL), TH_E_NONE);
    TH_CHECK(!th_gzr_is_gzip(r));
    TH_CHECK_STR(got.data, "{\"a\":1}\n");
    th_gzr_close(r);
    th_buf_free(&got);
}

static void gzip_is_detected_by_magic(void)
{
    struct th_buf gz, got;
    th_buf_init(&gz);
    th_buf_init(&got);
    gzip_member(&gz, "{\"a\":1}\n", 8);
    struct th_gzr *r = open_mem(gz.data, gz.len);
    TH_CHECK_INT(read_all(r, &got, NULL), TH_E_NONE);
    TH_CHECK(th_gzr_is_gzip(r));
    TH_CHECK_STR(got.data, "{\"a\":1}\n");
    th_gzr_close(r);
    th_buf_free(&gz);
    th_buf_free(&got);
}

TH_TEST(test_gzip_is_detected_by_magic_bytes)
{
    each_path(gzip_is_detected_by_magic);
}

static void multi_member(void)
{
    struct th_buf gz, got;
    th_buf_init(&gz);
    th_buf_init(&got);
    gzip_member(&gz, "{\"a\":1}", 7);
    gzip_member(&gz, "{\"b\":2}", 7);
    gzip_member(&gz, "", 0);
    gzip_member(&gz, "{\"c\":3}", 7);
    struct th_gzr *r = open_mem(gz.data, gz.len);
    TH_CHECK_INT(read_all(r, &got, NULL), TH_E_NONE);
    TH_CHECK_STR(got.data, "{\"a\":1}{\"b\":2}{\"c\":3}");
    th_gzr_close(r);
    th_buf_free(&gz);
    th_buf_free(&got);
}

TH_TEST(test_multi_member_gzip_reads_as_one_stream)
{
    each_path(multi_member);
}

static char *big_text(size_t *n)
{
    struct th_buf b;
    th_buf_init(&b);
    for (int i = 0; i < 20000; i++) {
        th_buf_printf(&b, "{\"n\":%d,\"pad\":\"%08x%08x\"}\n", i, (unsigned)i * 2654435761u, (unsigned)i * 40503u);
    }
    *n = b.len;
    return th_buf_take(&b);
}

static void truncated_keeps_prefix(void)
{
    size_t n;
    char *text = big_text(&n);
    struct th_buf gz, got;
    th_buf_init(&gz);
    th_buf_init(&got);
    gzip_member(&gz, text, n);
    size_t cut = gz.len / 2;
    struct th_gzr *r = open_mem(gz.data, cut);
    const char *msg = NULL;
    TH_CHECK_INT(read_all(r, &got, &msg), TH_E_GZIP);
    TH_CHECK(got.len > n / 4 && got.len < n);
    TH_CHECK(memcmp(got.data, text, got.len) == 0);
    char want[64];
    snprintf(want, sizeof want, "byte %zu", cut);
    TH_CHECK(msg && strstr(msg, want) && strstr(msg, "truncated"));
    th_gzr_close(r);
    th_buf_free(&gz);
    th_buf_free(&got);
    free(text);
}

TH_TEST(test_truncated_gzip_keeps_the_decoded_prefix_and_names_the_offset)
{
    each_path(truncated_keeps_prefix);
}

static void corrupt_reports_offset(void)
{
    struct th_buf gz, got;
    th_buf_init(&gz);
    th_buf_init(&got);
    gzip_member(&gz, "{\"a\":1}", 7);
    size_t first = gz.len;
    gzip_member(&gz, "{\"b\":2}{\"c\":3}", 14);
    gz.data[first + 12] ^= 0x5a; /* damage the second member's deflate data */
    gz.data[first + 13] ^= 0xff;
    struct th_gzr *r = open_mem(gz.data, gz.len);
    const char *msg = NULL;
    TH_CHECK_INT(read_all(r, &got, &msg), TH_E_GZIP);
    TH_CHECK(got.len >= 7 && memcmp(got.data, "{\"a\":1}", 7) == 0);
    TH_CHECK(msg && strstr(msg, "byte "));
    th_gzr_close(r);
    th_buf_free(&gz);
    th_buf_free(&got);
}

TH_TEST(test_corrupt_member_keeps_earlier_members_and_names_the_offset)
{
    each_path(corrupt_reports_offset);
}

static void zero_padding(void)
{
    struct th_buf gz, got;
    th_buf_init(&gz);
    th_buf_init(&got);
    gzip_member(&gz, "{}", 2);
    th_buf_append(&gz, "\0\0\0\0", 4);
    struct th_gzr *r = open_mem(gz.data, gz.len);
    TH_CHECK_INT(read_all(r, &got, NULL), TH_E_NONE);
    TH_CHECK_STR(got.data, "{}");
    th_gzr_close(r);
    th_buf_free(&gz);
    th_buf_free(&got);
}

TH_TEST(test_zero_padding_after_the_last_member_is_ignored)
{
    each_path(zero_padding);
}

static void trailing_garbage(void)
{
    struct th_buf gz, got;
    th_buf_init(&gz);
    th_buf_init(&got);
    gzip_member(&gz, "{}", 2);
    size_t at = gz.len;
    th_buf_append(&gz, "junk", 4);
    struct th_gzr *r = open_mem(gz.data, gz.len);
    const char *msg = NULL;
    TH_CHECK_INT(read_all(r, &got, &msg), TH_E_GZIP);
    TH_CHECK_STR(got.data, "{}");
    char want[32];
    snprintf(want, sizeof want, "byte %zu", at);
    TH_CHECK(msg && strstr(msg, want));
    th_gzr_close(r);
    th_buf_free(&gz);
    th_buf_free(&got);
}

TH_TEST(test_non_gzip_data_after_a_member_is_reported)
{
    each_path(trailing_garbage);
}

TH_TEST(test_gzip_from_a_pipe_streams_with_zlib)
{
    size_t n;
    char *text = big_text(&n);
    struct th_buf gz, got;
    th_buf_init(&gz);
    th_buf_init(&got);
    gzip_member(&gz, text, n / 2);
    gzip_member(&gz, text + n / 2, n - n / 2);
    char path[] = "/tmp/th_gzr_XXXXXX";
    int fd = mkstemp(path);
    TH_CHECK(fd >= 0 && write(fd, gz.data, gz.len) == (ssize_t)gz.len);
    lseek(fd, 0, SEEK_SET);
    struct th_gzr *r = th_gzr_open_fd(fd, 0); /* size unknown: streaming path */
    char *tmp = malloc(70000);
    for (;;) {
        ssize_t k = th_gzr_read(r, tmp, 70000);
        if (k <= 0) {
            TH_CHECK_INT(k, 0);
            break;
        }
        th_buf_append(&got, tmp, (size_t)k);
    }
    TH_CHECK_INT(got.len, n);
    TH_CHECK(got.len == n && memcmp(got.data, text, n) == 0);
    TH_CHECK_INT(th_gzr_in_bytes(r), gz.len);
    th_gzr_close(r);
    close(fd);
    unlink(path);
    free(tmp);
    free(text);
    th_buf_free(&gz);
    th_buf_free(&got);
}

TH_TEST(test_gunzip_mem_decodes_a_whole_buffer)
{
    struct th_buf gz, got;
    char msg[128];
    th_buf_init(&gz);
    th_buf_init(&got);
    gzip_member(&gz, "hello", 5);
    TH_CHECK_INT(th_gunzip_mem(gz.data, gz.len, 100, &got, msg, sizeof msg), 0);
    TH_CHECK_STR(got.data, "hello");
    th_buf_clear(&got);
    TH_CHECK_INT(th_gunzip_mem("plain", 5, 100, &got, msg, sizeof msg), -1);
    th_buf_free(&gz);
    th_buf_free(&got);
}

TH_RUN_TESTS()
