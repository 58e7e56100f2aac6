/* th_field.h - the field registry: every field trailhound can extract, declared once in tables
 * (ct_fields.c, ka_fields.c, json_fields.c, evt_fields.c) with name, type, argument kind, description and extractor.
 * `trailhound fields`, the rule compiler's type checks and the output formatter all read these same tables.
 * Invariants: field ids are indexes into one immutable global table, resolved by name only at rule-compile
 * time; extractors are pure functions of the event (plus the event's scratch arena) and never print. */
#ifndef TH_FIELD_H
#define TH_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum th_srckind {
    TH_SRC_UNKNOWN = 0,
    TH_SRC_CLOUDTRAIL = 1, /* "aws_cloudtrail" */
    TH_SRC_K8S_AUDIT = 2,  /* "k8s_audit" */
};
#define TH_SRC_MASK(k) (1u << (k))
#define TH_SRC_ALL (TH_SRC_MASK(TH_SRC_CLOUDTRAIL) | TH_SRC_MASK(TH_SRC_K8S_AUDIT))

const char *th_srckind_name(enum th_srckind k); /* "aws_cloudtrail", "k8s_audit", "unknown" */
enum th_srckind th_srckind_parse(const char *name, size_t n); /* TH_SRC_UNKNOWN if not known */

enum th_ftype {
    TH_FT_STR = 0, /* string (Falco "string") */
    TH_FT_U64,     /* unsigned integer (Falco "uint64"), held in th_val.u.i */
    TH_FT_BOOL,    /* boolean */
    TH_FT_TIME,    /* absolute time, ns since the epoch (Falco "abstime") */
    TH_FT_IP,      /* IP address, held as text */
    TH_FT_STRLIST, /* list of strings (Falco list fields) */
};
const char *th_ftype_name(enum th_ftype t); /* "string", "uint64", "bool", "abstime", "ipaddr", "list" */

/* Field flags. */
#define TH_FF_HIDDEN 0x01u    /* not listed by default (as in the Falco plugin) */
#define TH_FF_ARG_INDEX 0x02u /* takes [N] (optional unless TH_FF_ARG_REQUIRED) */
#define TH_FF_ARG_KEY 0x04u   /* takes [text] */
#define TH_FF_ARG_REQUIRED 0x08u
#define TH_FF_DEPRECATED 0x10u
#define TH_FF_TRAILHOUND 0x20u /* our extension: not in the Falco plugin */

/* A string view. Not NUL-terminated in general. */
struct th_sv {
    const char *p;
    size_t n;
};

struct th_val {
    enum th_ftype type;
    union {
        struct th_sv s; /* TH_FT_STR, TH_FT_IP */
        int64_t i;      /* TH_FT_U64, TH_FT_TIME (ns) */
        bool b;         /* TH_FT_BOOL */
        struct {
            const struct th_sv *v;
            size_t n;
        } list; /* TH_FT_STRLIST; elements and the array live in the event's scratch or the source text */
    } u;
};

/* A field as used by a compiled rule: resolved once, then handed to every extraction. */
struct th_fieldref {
    uint16_t id;      /* index into the registry */
    uint16_t slot;    /* per-event cache slot (unique per distinct id+argument in a ruleset), or TH_NO_SLOT */
    int32_t index;    /* [N] argument, -1 if none */
    const char *key;  /* [text] argument, NUL-terminated, NULL if none; owned by whoever built the ref */
    uint32_t keylen;
};
#define TH_NO_SLOT UINT16_MAX

struct th_event;

/* Returns 1 and fills *out when the field is present, 0 when absent (Falco's "<NA>"). */
typedef int (*th_extract_fn)(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out);

struct th_field_def {
    const char *name;    /* "ct.user" */
    unsigned sources;    /* TH_SRC_MASK bits */
    enum th_ftype type;
    unsigned flags;      /* TH_FF_* */
    const char *display; /* short display name, "User" */
    const char *desc;    /* one sentence, as shown by `trailhound fields` */
    th_extract_fn extract;
};

/* The registry: all tables concatenated, in a fixed order (ct, s3/ec2/ecr/iam, ka, json/jevt, evt). */
size_t th_field_count(void);
const struct th_field_def *th_field_by_id(uint16_t id);
/* Finds a field by exact name for a source (TH_SRC_UNKNOWN = any source). Returns its id or -1. */
int th_field_find(const char *name, size_t n, enum th_srckind src);
/* Closest known name for "did you mean" hints (edit distance <= 3), or NULL. */
const char *th_field_suggest(const char *name, size_t n, enum th_srckind src);

/* Per-source tables, each ending with a {NULL} entry. Defined in ct_fields.c, ka_fields.c, json_fields.c, evt_fields.c. */
extern const struct th_field_def th_ct_fields[];
extern const struct th_field_def th_ka_fields[];
extern const struct th_field_def th_json_fields[];
extern const struct th_field_def th_evt_fields[];

#endif
