/* fuzz_split.c - libFuzzer target: the record splitter on arbitrary bytes, fed whole and in chunks whose size
 * comes from the input. Every record it returns must lie inside the buffer; feeding whole or chunked must give
 * the same number of events for inputs without a raw newline inside a record (chunking may move a bad line's
 * report between the splitter and the later parse, see test_record_split.c). */
#include <stdlib.h>
#include <string.h>

#include "record_split.h"
#include "th_buf.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static size_t run(const char *text, size_t n, size_t chunk)
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
            memmove(buf.data, buf.data + keep, buf.len - keep);
            buf.len -= keep;
            th_split_shift(&s, keep);
            size_t k = n - fed < chunk ? n - fed : chunk;
            th_buf_append(&buf, text + fed, k);
            fed += k;
            continue;
        }
        if (ev == TH_SPLIT_RECORD && (o.off > buf.len || o.len > buf.len - o.off)) {
            abort(); /* a record outside the buffer */
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
    size_t chunk = 1 + data[0] % 17;
    run((const char *)data + 1, size - 1, size);
    run((const char *)data + 1, size - 1, chunk);
    return 0;
}
