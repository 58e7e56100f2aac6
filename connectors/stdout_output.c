/* stdout_output.c - detections to standard output, as text lines for people or JSON lines for tools.
 * Invariant: one detection is one line; the stream is flushed at every batch so a pipe reader sees it at once. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "th_connector.h"

struct stdout_cfg {
    char *format; /* text | json */
};

static const struct th_opt stdout_opts[] = {
    TH_OPT_STR("format", "text", 0, offsetof(struct stdout_cfg, format), "text (one line for people) or json (one object per line)"),
    TH_OPT_END,
};

static int stdout_open(struct th_output *out, void *cfg, struct th_err *err)
{
    struct stdout_cfg *c = cfg;
    if (strcmp(c->format, "text") != 0 && strcmp(c->format, "json") != 0) {
        th_err_add(err, TH_SEV_ERROR, TH_E_CONFIG, NULL, 0, 0, "stdout: format '%s' is not text or json", c->format);
        return -1;
    }
    out->ctx = c;
    return 0;
}

static enum th_delivery stdout_write(struct th_output *out, const struct th_detection *const *dets, size_t n,
                                     struct th_err *err)
{
    const struct stdout_cfg *c = out->ctx;
    int json = c->format[0] == 'j';
    for (size_t i = 0; i < n; i++) {
        fputs(json ? dets[i]->json : dets[i]->text, stdout);
        fputc('\n', stdout);
    }
    if (fflush(stdout) != 0) {
        th_err_add(err, TH_SEV_ERROR, TH_E_IO, NULL, 0, 0, "stdout: write failed");
        return TH_RETRY;
    }
    return TH_DELIVERED;
}

static int stdout_flush(struct th_output *out, struct th_err *err)
{
    (void)out;
    (void)err;
    return fflush(stdout) == 0 ? 0 : -1;
}

const struct th_output_ops th_stdout_output = {
    .name = "stdout",
    .description = "detections on standard output (text or JSON lines)",
    .options = stdout_opts,
    .cfg_size = sizeof(struct stdout_cfg),
    .open = stdout_open,
    .write = stdout_write,
    .flush = stdout_flush,
};
