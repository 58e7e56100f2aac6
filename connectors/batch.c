/* batch.c - the th_batch container shared by every source: records (borrowed bytes + locator) and
 * input problems (owned strings).
 * Invariant: recs[0..n) and probs[0..nprobs) are initialised; th_batch_clear() frees every problem string and
 * keeps both arrays' capacity, so a reused batch allocates nothing in steady state. src_token and seq belong to
 * the source and the engine and are left alone by clear. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "th_buf.h"
#include "th_connector.h"

void th_batch_init(struct th_batch *b)
{
    memset(b, 0, sizeof *b);
}

static void free_problems(struct th_batch *b)
{
    for (size_t i = 0; i < b->nprobs; i++) {
        free(b->probs[i].where);
        free(b->probs[i].msg);
    }
    b->nprobs = 0;
}

void th_batch_free(struct th_batch *b)
{
    free_problems(b);
    free(b->recs);
    free(b->probs);
    memset(b, 0, sizeof *b);
}

void th_batch_clear(struct th_batch *b)
{
    free_problems(b);
    b->n = 0;
}

struct th_record *th_batch_push(struct th_batch *b)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 256;
        b->recs = th_xrealloc(b->recs, b->cap * sizeof *b->recs);
    }
    struct th_record *r = &b->recs[b->n++];
    memset(r, 0, sizeof *r);
    return r;
}

void th_batch_problem(struct th_batch *b, enum th_sev sev, enum th_code code, const char *where, const char *fmt, ...)
{
    if (b->nprobs == b->capprobs) {
        b->capprobs = b->capprobs ? b->capprobs * 2 : 16;
        b->probs = th_xrealloc(b->probs, b->capprobs * sizeof *b->probs);
    }
    struct th_input_problem *p = &b->probs[b->nprobs++];
    struct th_buf msg;
    va_list ap;
    th_buf_init(&msg);
    va_start(ap, fmt);
    th_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    p->code = code;
    p->sev = sev;
    p->where = where ? th_xstrdup(where) : NULL;
    p->msg = th_buf_take(&msg);
}
