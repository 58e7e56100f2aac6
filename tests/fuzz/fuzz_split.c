/* fuzz_split.c - libFuzzer target: the record splitter on arbitrary bytes, fed whole and in chunks whose size
 * comes from the input. Every record it returns must lie inside the buffer, the splitter must end at the end of the
 * input, and a valid input (no problem, every record valid JSON) must split into the same records whole or
 * chunked (for broken input, recovery may depend on where chunks end: see test_record_split.c). */
#include <stdlib.h>
#include <string.h>

#include "record_split.h"
#include "th_buf.h"
#include "th_json.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

struct outcome {
    size_t records, problems, invalid;
    uint64_t hash; /* of every record's bytes and line, in order */
};

static struct th_json doc;

static size_t run(const char *text, size_t n, size_t chunk, struct outcome *oc)
{
    struct th_split s;
    struct th_split_out o;
    struct th_buf buf;
    size_t fed = 0, events = 0;
    th_buf_init(&buf);
    th_split_init(&s, 4096, 1 << 16);
    for (int guard = 0; guard < 1 << 20; guard++) {
        bool eof = fed == n;
        enum th_split_ev ev = th_split_next(&s, buf.data ? buf.data : "", buf.len, eof, &o);
        if (ev == TH_SPLIT_END) {
            break;
        }
        if (ev == TH_SPLIT_MORE) {
            if (eof) {
                abort(); /* must end at eof */
            }
            size_t keep = th_split_keep(&s);
            if (keep > 0) {
                memmove(buf.data, buf.data + keep, buf.len - keep);
                buf.len -= keep;
            }
            th_split_shift(&s, keep);
            size_t k = n - fed < chunk ? n - fed : chunk;
            th_buf_append(&buf, text + fed, k);
            fed += k;
            continue;
        }
        if (ev == TH_SPLIT_RECORD && (o.off > buf.len || o.len > buf.len - o.off)) {
            abort(); /* a record outside the buffer */
        }
        if (ev == TH_SPLIT_RECORD) {
            oc->records++;
            oc->invalid += o.kind == TH_SPLIT_R_OBJECT && th_json_parse(&doc, buf.data + o.off, o.len) != 0;
            for (size_t i = 0; i < o.len; i++) {
                oc->hash = (oc->hash ^ (unsigned char)buf.data[o.off + i]) * 1099511628211ull;
            }
            oc->hash = (oc->hash ^ o.line) * 1099511628211ull;
        } else {
            oc->problems++;
        }
        events++;
    }
    th_buf_free(&buf);
    return events;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    static int init;
    if (!init) {
        th_json_init(&doc);
        init = 1;
    }
    size_t chunk = 1 + data[0] % 17;
    struct outcome whole = {0, 0, 0, 1469598103934665603ull}, part = whole;
    run((const char *)data + 1, size - 1, size, &whole);
    run((const char *)data + 1, size - 1, chunk, &part);
    if (whole.problems == 0 && whole.invalid == 0 &&
        (part.records != whole.records || part.problems != 0 || part.hash != whole.hash)) {
        abort(); /* valid input split differently when chunked */
    }
    return 0;
}
