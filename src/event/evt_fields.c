/* evt_fields.c - generic event fields for outputs and conditions, valid for every source: evt.time,
 * evt.time.iso8601, evt.source, evt.num (names as in Falco's libsinsp) and evt.plugininfo (the plugins' summary).
 * Invariant: these read the decoded event header (time_ns, kind, num); evt.plugininfo reads the record only
 * through other registered fields (or th_json_compact), never raw bytes. */
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

/* A field of the event's own source by name, rendered as text ("" when absent). */
static struct th_sv field_text(struct th_event *ev, const char *name)
{
    size_t n = 0;
    while (name[n]) {
        n++;
    }
    int id = th_field_find(name, n, ev->kind);
    struct th_fieldref ref = {0, TH_NO_SLOT, -1, NULL, 0};
    struct th_val v;
    if (id < 0) {
        return th_fx_sv("", 0);
    }
    ref.id = (uint16_t)id;
    if (!th_field_by_id(ref.id)->extract(ev, &ref, &v) || v.type != TH_FT_STR) {
        return th_fx_sv("", 0);
    }
    return v.u.s;
}

/* The plugins' one-line summary: CloudTrail "<region> <user> <shortsrc> <eventName> <info>", k8s the event JSON. */
static int f_plugininfo(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    if (ev->kind != TH_SRC_CLOUDTRAIL) {
        return th_fx_set_sv(out, th_fx_compact(ev, ev->root));
    }
    static const char *const names[] = {"ct.region", "ct.user", "ct.shortsrc", "ct.name", "ct.info"};
    struct th_sv parts[9];
    size_t np = 0;
    for (size_t i = 0; i < 5; i++) {
        if (i) {
            parts[np++] = th_fx_sv(" ", 1);
        }
        parts[np++] = field_text(ev, names[i]);
    }
    return th_fx_set_sv(out, th_fx_concat(ev, parts, np));
}

const struct th_field_def th_evt_fields[] = {
    {"evt.time", ALL, TH_FT_TIME, 0, "Time", "the event time (eventTime / stageTimestamp), absent when the record has none.", f_time},
    {"evt.time.iso8601", ALL, TH_FT_STR, 0, "Time (ISO 8601)", "the event time as RFC 3339 / ISO 8601 text with nanoseconds, UTC.", f_time_iso},
    {"evt.source", ALL, TH_FT_STR, 0, "Source", "the event source: aws_cloudtrail or k8s_audit.", f_source},
    {"evt.num", ALL, TH_FT_U64, 0, "Number", "the 1-based sequence number of the event in this run.", f_num},
    {"evt.plugininfo", ALL, TH_FT_STR, 0, "Info", "one-line summary as the Falco plugins print it: for CloudTrail '<region> <ct.user> <ct.shortsrc> <eventName> <ct.info>', for k8s audit the event as compact JSON.", f_plugininfo},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};
