/* th_event.h - one audit record, parsed once, with lazily extracted and cached typed fields.
 * A th_record is raw bytes plus where they came from; th_event_decode() validates and indexes the bytes
 * (th_json), finds the source kind and the root object (unwrapping EventBridge "detail"), and reads the event time.
 * th_event_get() serves fields: extracted on first use, cached per event by slot, zero-copy where the
 * JSON text already holds the value.
 * Invariants: an event borrows its record bytes, its doc and its scratch arena; all three must outlive
 * the event's use. Re-decoding into the same struct invalidates previous field values in O(1). */
#ifndef TH_EVENT_H
#define TH_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "th_buf.h"
#include "th_err.h"
#include "th_field.h"
#include "th_json.h"
#include "th_time.h"

/* Where a record came from. Printed as "origin:line" (one record per line), "origin#record=N",
 * or "origin:line#record=N" (several records on one line). */
struct th_locator {
    const char *origin; /* path or URI; borrowed from the source, valid for the batch */
    uint64_t line;      /* 1-based, 0 = not line based */
    uint64_t record;    /* 1-based index within origin (or within the line), 0 = none */
};
/* Writes the printed form into out (always NUL-terminated). Returns the length it needed. */
size_t th_locator_format(const struct th_locator *loc, char *out, size_t outlen);

struct th_record {
    const char *data; /* borrowed: valid until the batch is acknowledged */
    size_t len;
    struct th_locator loc;
    enum th_srckind hint; /* set by the source when it knows (webhook = k8s), else TH_SRC_UNKNOWN */
};

/* Field cache: one slot per distinct field reference of the ruleset, invalidated by bumping gen. */
struct th_fcache {
    uint32_t gen;
    uint32_t nslots;
    uint32_t *slot_gen;   /* slot_gen[s] == gen means vals[s]/present[s] are valid for this event */
    uint8_t *present;
    struct th_val *vals;
};
void th_fcache_init(struct th_fcache *c, uint32_t nslots);
/* Starts a new event: every slot becomes stale. Handles the 2^32 wrap (slots are cleared then). */
void th_fcache_next(struct th_fcache *c);
void th_fcache_free(struct th_fcache *c);

struct th_event {
    enum th_srckind kind;
    const struct th_record *rec;
    struct th_json *doc;      /* parsed record */
    uint32_t root;            /* the audit record object inside doc (0, or EventBridge's "detail") */
    struct th_arena *scratch; /* for unescaped strings, synthesized values; reset by th_event_decode */
    struct th_fcache *cache;  /* may be NULL: no caching */
    int64_t time_ns;          /* eventTime / stageTimestamp in ns since the epoch, 0 if missing or unparsable */
    uint64_t num;             /* 1-based sequence number in this run */
};

struct th_decode_opts {
    enum th_srckind force;  /* TH_SRC_UNKNOWN = detect per record */
    size_t max_record_size; /* 0 = no limit */
};

/* Parses rec into ev (using doc, scratch and cache given by the caller). Returns TH_E_NONE, or the reason the
 * record was rejected (TH_E_JSON_SYNTAX, TH_E_JSON_UTF8, TH_E_JSON_DEPTH, TH_E_TOO_LARGE, TH_E_NOT_OBJECT,
 * TH_E_UNKNOWN_SOURCE); then msg (if not NULL) holds a one-line explanation with the position inside the record. */
enum th_code th_event_decode(struct th_event *ev, const struct th_record *rec, const struct th_decode_opts *opts,
                             char *msg, size_t msglen);

/* Kind of an already parsed object, from its keys: CloudTrail (eventVersion / eventSource+eventName),
 * k8s audit (auditID, or kind "Event" with an audit.k8s.io apiVersion). Sets *root for EventBridge wrappers. */
enum th_srckind th_event_detect(const struct th_json *doc, uint32_t obj, uint32_t *root);

/* Extracts a field (cached when ev->cache is set and ref->slot is valid). 1 = present, 0 = absent. */
int th_event_get(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out);

/* Renders a value as text: strings as is, numbers in decimal, bools true/false, time as RFC 3339 with ns,
 * lists as "(a,b,c)" (Falco's form). Absent values are rendered by the caller ("<NA>"). */
void th_val_format(const struct th_val *v, struct th_buf *out);

#endif
