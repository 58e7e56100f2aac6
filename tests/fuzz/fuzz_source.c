/* fuzz_source.c - libFuzzer target: arbitrary bytes as an input file, read by the "file" source end to end (gzip
 * detection and inflation, CloudWatch Logs / awslogs unwrapping, record splitting, batching) and every record
 * decoded as an event. The first input byte picks the read size (1 byte to 4 KiB steps) and whether gzip takes
 * the whole-member or the streaming path, so buffer and member boundaries fall everywhere.
 * Checks besides sanitizers: the source ends with EOF, never FAIL, for any content (bad bytes are problems, not
 * failures); every record is non-empty and lies in memory the source still owns; every problem has a place and a
 * message; batches are acknowledged as the engine does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "th_connector.h"
#include "th_event.h"
#include "th_json.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static struct th_json doc;
static struct th_arena scratch;

static void decode_all(const struct th_batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        const struct th_record *rec = &b->recs[i];
        if (!rec->data || rec->len == 0) {
            abort(); /* an empty record */
        }
        volatile unsigned char sink = (unsigned char)(rec->data[0] ^ rec->data[rec->len - 1]);
        (void)sink;
        struct th_event ev;
        memset(&ev, 0, sizeof ev);
        ev.doc = &doc;
        ev.scratch = &scratch;
        struct th_decode_opts opts = {TH_SRC_UNKNOWN, 1 << 16};
        char msg[256];
        th_arena_reset(&scratch);
        th_event_decode(&ev, rec, &opts, msg, sizeof msg);
    }
    for (size_t i = 0; i < b->nprobs; i++) {
        if (!b->probs[i].where || !b->probs[i].msg || !b->probs[i].msg[0]) {
            abort(); /* a problem nobody can locate or read */
        }
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static int init;
    if (!init) {
        th_json_init(&doc);
        th_arena_init(&scratch);
        init = 1;
    }
    if (size < 1) {
        return 0;
    }
    static const char *const read_sizes[] = {"1", "7", "64", "4096"};
    const char *read_size = read_sizes[data[0] & 3];
    const char *gzip_whole_max = data[0] & 4 ? "0" : "32MiB"; /* zlib streaming, or libdeflate whole member */
    int fd = memfd_create("fuzz-input", 0);
    if (fd < 0 || write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) {
        abort();
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct th_kv kv[] = {{"path", path, NULL, 0, 0}, {"read_size", read_size, NULL, 0, 0},
                         {"max_record_size", "65536", NULL, 0, 0}, {"gzip_whole_max", gzip_whole_max, NULL, 0, 0}};
    struct th_err err;
    th_err_init(&err);
    struct th_source *src = th_source_open("file", kv, 4, &err);
    if (!src) {
        abort(); /* the options are valid: opening must work */
    }
    for (int guard = 0;; guard++) {
        if (guard > 1 << 20) {
            abort(); /* the source never ends */
        }
        struct th_batch b;
        th_batch_init(&b);
        int rc = src->ops->next_batch(src, &b, -1, &err);
        if (rc == TH_SRC_FAIL) {
            abort(); /* bad content must be a problem in the batch, not a source failure */
        }
        decode_all(&b);
        src->ops->ack(src, &b, TH_DELIVERED);
        th_batch_free(&b);
        if (rc == TH_SRC_EOF) {
            break;
        }
    }
    th_source_close(src);
    th_err_free(&err);
    close(fd);
    return 0;
}
