/* support_fieldtest.c - fixture events and field extraction by name for the field tests (support_fieldtest.h).
 * Invariant: every extraction goes through the registered extractor of the named field. */
#include "support_fieldtest.h"

#include <stdlib.h>
#include <string.h>

#include "th_test.h"

bool ft_load_text(struct ft_event *fe, const char *text)
{
    memset(fe, 0, sizeof *fe);
    th_json_init(&fe->doc);
    th_arena_init(&fe->scratch);
    th_arena_init(&fe->keep);
    fe->len = strlen(text);
    fe->text = th_xstrndup(text, fe->len);
    if (th_json_parse(&fe->doc, fe->text, fe->len) != 0) {
        char msg[256];
        th_json_errstr(&fe->doc, msg, sizeof msg);
        th_test_fail(__FILE__, __LINE__, "fixture does not parse: %s", msg);
        return false;
    }
    fe->ev.doc = &fe->doc;
    fe->ev.scratch = &fe->scratch;
    fe->ev.kind = th_event_detect(&fe->doc, 0, &fe->ev.root);
    fe->ev.num = 1;
    uint32_t t = th_json_getz(&fe->doc, fe->ev.root, fe->ev.kind == TH_SRC_K8S_AUDIT ? "stageTimestamp" : "eventTime");
    const char *p;
    size_t n;
    if (th_json_str(&fe->doc, t, &fe->scratch, &p, &n)) {
        th_time_parse_rfc3339(p, n, &fe->ev.time_ns);
    }
    return true;
}

bool ft_load(struct ft_event *fe, const char *rel)
{
    size_t len;
    char *text = th_test_read_file(th_fixture(rel), &len);
    if (!text) {
        memset(fe, 0, sizeof *fe);
        th_json_init(&fe->doc);
        th_test_fail(__FILE__, __LINE__, "cannot read fixture %s", rel);
        return false;
    }
    bool ok = ft_load_text(fe, text);
    free(text);
    return ok;
}

void ft_free(struct ft_event *fe)
{
    th_json_free(&fe->doc);
    th_arena_free(&fe->scratch);
    th_arena_free(&fe->keep);
    free(fe->text);
    memset(fe, 0, sizeof *fe);
}

int ft_ref(const char *spec, struct th_fieldref *ref, char *keybuf, size_t keylen)
{
    const char *br = strchr(spec, '[');
    size_t n = br ? (size_t)(br - spec) : strlen(spec);
    int id = th_field_find(spec, n, TH_SRC_UNKNOWN);
    memset(ref, 0, sizeof *ref);
    ref->slot = TH_NO_SLOT;
    ref->index = -1;
    if (id < 0) {
        return -1;
    }
    ref->id = (uint16_t)id;
    if (!br) {
        return id;
    }
    size_t alen = strlen(br + 1);
    if (alen == 0 || br[alen] != ']' || alen > keylen) {
        return -1;
    }
    alen--;
    memcpy(keybuf, br + 1, alen);
    keybuf[alen] = 0;
    if (th_field_by_id(ref->id)->flags & TH_FF_ARG_INDEX) {
        ref->index = atoi(keybuf);
    } else {
        ref->key = keybuf;
        ref->keylen = (uint32_t)alen;
    }
    return id;
}

int ft_val(struct ft_event *fe, const char *spec, struct th_val *out)
{
    struct th_fieldref ref;
    char *key = th_arena_alloc(&fe->keep, 512);
    if (ft_ref(spec, &ref, key, 512) < 0) {
        th_test_fail(__FILE__, __LINE__, "unknown field spec %s", spec);
        return -1;
    }
    return th_field_by_id(ref.id)->extract(&fe->ev, &ref, out);
}

const char *ft_get(struct ft_event *fe, const char *spec)
{
    struct th_val v;
    if (ft_val(fe, spec, &v) != 1) {
        return NULL;
    }
    struct th_buf b;
    th_buf_init(&b);
    th_val_format(&v, &b);
    char *r = th_arena_strndup(&fe->keep, b.data ? b.data : "", b.len);
    th_buf_free(&b);
    return r;
}
