/* file_output.c - detections appended to a file as JSON lines (or text), fsync'ed on flush.
 * Invariant: a batch is reported delivered only after its lines reached the kernel (fflush succeeded), so the
 * source may acknowledge it; a write error reports TH_RETRY and the source keeps the batch. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "th_buf.h"
#include "th_connector.h"

struct file_cfg {
    char *path;
    char *format; /* json | text */
};

struct file_out {
    FILE *f;
    int json;
    const char *path;
};

static const struct th_opt file_opts[] = {
    TH_OPT_STR("path", NULL, TH_OPT_REQUIRED, offsetof(struct file_cfg, path), "file to append detections to"),
    TH_OPT_STR("format", "json", 0, offsetof(struct file_cfg, format), "json (one object per line) or text"),
    TH_OPT_END,
};

static int file_open(struct th_output *out, void *cfg, struct th_err *err)
{
    struct file_cfg *c = cfg;
    if (strcmp(c->format, "text") != 0 && strcmp(c->format, "json") != 0) {
        th_err_add(err, TH_SEV_ERROR, TH_E_CONFIG, NULL, 0, 0, "file: format '%s' is not json or text", c->format);
        return -1;
    }
    FILE *f = fopen(c->path, "a");
    if (!f) {
        th_err_add(err, TH_SEV_ERROR, TH_E_IO, c->path, 0, 0, "cannot open for appending: %s", strerror(errno));
        return -1;
    }
    struct file_out *fo = th_xcalloc(1, sizeof *fo);
    fo->f = f;
    fo->json = c->format[0] == 'j';
    fo->path = c->path;
    out->ctx = fo;
    return 0;
}

static enum th_delivery file_write(struct th_output *out, const struct th_detection *const *dets, size_t n,
                                   struct th_err *err)
{
    struct file_out *fo = out->ctx;
    for (size_t i = 0; i < n; i++) {
        fputs(fo->json ? dets[i]->json : dets[i]->text, fo->f);
        fputc('\n', fo->f);
    }
    if (fflush(fo->f) != 0) {
        th_err_add(err, TH_SEV_ERROR, TH_E_IO, fo->path, 0, 0, "write failed: %s", strerror(errno));
        return TH_RETRY;
    }
    return TH_DELIVERED;
}

static int file_flush(struct th_output *out, struct th_err *err)
{
    struct file_out *fo = out->ctx;
    if (fflush(fo->f) != 0 || fsync(fileno(fo->f)) != 0) {
        th_err_add(err, TH_SEV_ERROR, TH_E_IO, fo->path, 0, 0, "flush failed: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static void file_close(struct th_output *out)
{
    struct file_out *fo = out->ctx;
    if (fo) {
        fclose(fo->f);
        free(fo);
    }
}

const struct th_output_ops th_file_output = {
    .name = "file",
    .description = "detections appended to a file (JSON lines by default)",
    .options = file_opts,
    .cfg_size = sizeof(struct file_cfg),
    .open = file_open,
    .write = file_write,
    .flush = file_flush,
    .close = file_close,
};
