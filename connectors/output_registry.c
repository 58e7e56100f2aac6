/* output_registry.c - the table of every output connector and the generic open/close around it.
 * Same contract as registry.c for sources: options parsed through the output's table, then ops->open().
 * Invariant: an output returned by th_output_open() is released only by th_output_close(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th_buf.h"
#include "th_connector.h"

const struct th_output_ops *const th_output_registry[] = {
    &th_stdout_output,
    &th_file_output,
    NULL,
};

const struct th_output_ops *th_output_find(const char *kind)
{
    for (size_t i = 0; kind && th_output_registry[i]; i++) {
        if (strcmp(th_output_registry[i]->name, kind) == 0) {
            return th_output_registry[i];
        }
    }
    return NULL;
}

static void free_output(struct th_output *out)
{
    if (out->cfg) {
        th_opts_free(out->ops->options, out->cfg);
        free(out->cfg);
    }
    free(out);
}

struct th_output *th_output_open(const char *kind, const struct th_kv *kvs, size_t n, struct th_err *err)
{
    const struct th_output_ops *ops = th_output_find(kind);
    if (!ops) {
        th_err_add(err, TH_SEV_ERROR, TH_E_CONFIG, NULL, 0, 0, "unknown output '%s'", kind ? kind : "(null)");
        return NULL;
    }
    struct th_output *out = th_xcalloc(1, sizeof *out);
    out->ops = ops;
    snprintf(out->name, sizeof out->name, "%s", ops->name);
    out->cfg = th_xcalloc(1, ops->cfg_size ? ops->cfg_size : 1);
    if (th_opts_apply(ops->options, out->cfg, kvs, n, ops->name, err) != 0 || ops->open(out, out->cfg, err) != 0) {
        free_output(out);
        return NULL;
    }
    return out;
}

void th_output_close(struct th_output *out)
{
    if (!out) {
        return;
    }
    if (out->ops->close) {
        out->ops->close(out);
    }
    free_output(out);
}
