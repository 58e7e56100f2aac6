/* evt_fields.c - generic event fields for outputs and conditions, valid for every source: evt.time,
 * evt.time.iso8601, evt.source, evt.num (names as in Falco's libsinsp).
 * Invariant: these read only the decoded event header (time_ns, kind, num), never the JSON. */
#include "th_fieldx.h"

#define ALL TH_SRC_ALL

static int f_time(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    if (ev->time_ns == 0) {
        return 0;
    }
    out->type = TH_FT_TIME;
    out->u.i = ev->time_ns;
    return 1;
}

static int f_time_iso(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    char buf[48];
    if (ev->time_ns == 0) {
        return 0;
    }
    th_time_format_rfc3339(ev->time_ns, buf, sizeof buf);
    size_t n = 0;
    while (buf[n]) {
        n++;
    }
    return th_fx_set_sv(out, th_fx_keep(ev, buf, n));
}

static int f_source(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    return th_fx_set_lit(out, th_srckind_name(ev->kind));
}

static int f_num(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    return th_fx_set_u64(out, (int64_t)ev->num);
}

const struct th_field_def th_evt_fields[] = {
    {"evt.time", ALL, TH_FT_TIME, 0, "Time", "the event time (eventTime / stageTimestamp), absent when the record has none.", f_time},
    {"evt.time.iso8601", ALL, TH_FT_STR, 0, "Time (ISO 8601)", "the event time as RFC 3339 / ISO 8601 text with nanoseconds, UTC.", f_time_iso},
    {"evt.source", ALL, TH_FT_STR, 0, "Source", "the event source: aws_cloudtrail or k8s_audit.", f_source},
    {"evt.num", ALL, TH_FT_U64, 0, "Number", "the 1-based sequence number of the event in this run.", f_num},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};
