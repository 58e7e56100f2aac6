/* registry.c - the table of every source connector and the generic open/close around it.
 * th_source_open() allocates the option struct (ops->cfg_size), fills it from the key = value settings through
 * the connector's option table (th_opts), then calls the connector's open().
 * Invariant: a source returned by th_source_open() is released only by th_source_close(), which frees the
 * connector state (ops->close), the option struct (th_opts_free) and the th_source itself. */
#include <stdlib.h>
#include <string.h>

#include "th_buf.h"
#include "th_connector.h"

const struct th_source_ops *const th_source_registry[] = {
    &th_file_source,
    NULL,
};

const struct th_source_ops *th_source_find(const char *kind)
{
    if (!kind) {
        return NULL;
    }
    for (size_t i = 0; th_source_registry[i]; i++) {
        if (strcmp(th_source_registry[i]->name, kind) == 0) {
            return th_source_registry[i];
        }
    }
    return NULL;
}

static void free_source(struct th_source *src)
{
    if (src->cfg) {
        th_opts_free(src->ops->options, src->cfg);
        free(src->cfg);
    }
    free(src);
}

struct th_source *th_source_open(const char *kind, const struct th_kv *kvs, size_t n, struct th_err *err)
{
    const struct th_source_ops *ops = th_source_find(kind);
    if (!ops) {
        th_err_add(err, TH_SEV_ERROR, TH_E_CONFIG, NULL, 0, 0, "unknown source '%s'", kind ? kind : "(null)");
        return NULL;
    }
    struct th_source *src = th_xcalloc(1, sizeof *src);
    src->ops = ops;
    snprintf(src->name, sizeof src->name, "%s", ops->name);
    src->cfg = th_xcalloc(1, ops->cfg_size ? ops->cfg_size : 1);
    if (th_opts_apply(ops->options, src->cfg, kvs, n, ops->name, err) != 0) {
        free_source(src);
        return NULL;
    }
    if (ops->open(src, src->cfg, err) != 0) {
        free_source(src);
        return NULL;
    }
    return src;
}

void th_source_close(struct th_source *src)
{
    if (!src) {
        return;
    }
    if (src->ops->close) {
        src->ops->close(src);
    }
    free_source(src);
}
