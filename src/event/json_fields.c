/* json_fields.c - the fields of Falco's json plugin for both sources: json.value[/json/pointer] (RFC 6901 over
 * the audit record), json.obj (the whole record), json.rawtime (event time in ns as text), and their jevt.*
 * aliases used by the k8s rules.
 * Invariant: values render as the json plugin does (strings unquoted, everything else compact JSON); a pointer
 * that resolves to nothing, or a missing argument, is absent. */
#include <inttypes.h>
#include <stdio.h>

#include "th_fieldx.h"

#define BOTH TH_SRC_ALL

static int f_value(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    if (!ref->key) {
        return 0;
    }
    uint32_t n = th_json_pointer(ev->doc, ev->root, ref->key, ref->keylen);
    if (n == TH_JNONE) {
        return 0;
    }
    return th_fx_set_sv(out, th_fx_render(ev, n));
}

static int f_obj(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    return th_fx_set_sv(out, th_fx_compact(ev, ev->root));
}

static int f_rawtime(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    char num[32];
    int n = snprintf(num, sizeof num, "%" PRId64, ev->time_ns);
    return th_fx_set_sv(out, th_fx_keep(ev, num, (size_t)n));
}

#define KEYREQ (TH_FF_ARG_KEY | TH_FF_ARG_REQUIRED)

const struct th_field_def th_json_fields[] = {
    {"json.value", BOTH, TH_FT_STR, KEYREQ, "JSON Value", "the value at a JSON pointer (RFC 6901) in the audit record, e.g. json.value[/requestParameters/bucketName]; strings unquoted, other values as compact JSON.", f_value},
    {"json.obj", BOTH, TH_FT_STR, 0, "JSON Object", "the whole audit record as compact JSON.", f_obj},
    {"json.rawtime", BOTH, TH_FT_STR, 0, "Raw Time", "the event time in nanoseconds since the epoch, as text.", f_rawtime},
    {"jevt.value", BOTH, TH_FT_STR, KEYREQ, "JSON Value", "alias of json.value.", f_value},
    {"jevt.obj", BOTH, TH_FT_STR, 0, "JSON Object", "alias of json.obj.", f_obj},
    {"jevt.rawtime", BOTH, TH_FT_STR, 0, "Raw Time", "alias of json.rawtime.", f_rawtime},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};
