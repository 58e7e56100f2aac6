/* rule_items.h - internal contract between rule_reader.c (YAML -> decoded items with positions) and
 * rule_collector.c (items -> th_rule_set with Falco's append/override/redefinition semantics).
 * Not part of the public API: only files in src/rules include it.
 * Invariant: an item handed to th_collect_item has passed the schema checks (types, required keys); the
 * collector owns the semantic checks and takes ownership of nothing (it copies what it keeps). */
#ifndef TH_RULE_ITEMS_H
#define TH_RULE_ITEMS_H

#include "th_buf.h"
#include "th_rules.h"

/* ---- YAML tree built from libyaml events (rule_reader.c) ---- */

enum th_ykind { TH_Y_NULL = 0, TH_Y_SCALAR, TH_Y_SEQ, TH_Y_MAP };

struct th_ynode {
    enum th_ykind kind;
    uint32_t line, col;    /* 1-based start mark */
    size_t start, end;     /* byte span in the source */
    enum th_scalar_style style;
    const char *str;       /* scalar value (NUL-terminated, arena) */
    size_t len;
    struct th_ynode **kids; /* SEQ: items; MAP: key, value, key, value ... */
    size_t n;              /* number of kids */
};

/* ---- decoded items (rule_reader.c -> rule_collector.c) ---- */

enum th_item_kind {
    TH_ITEM_ENGINE_VERSION,
    TH_ITEM_PLUGIN_VERSIONS,
    TH_ITEM_LIST,
    TH_ITEM_MACRO,
    TH_ITEM_RULE,
};

enum th_item_op {
    TH_OP_DEFINE,   /* full (re)definition */
    TH_OP_APPEND,   /* deprecated `append: true` (rules: condition and exceptions only) */
    TH_OP_OVERRIDE, /* `override:` map (keys in ovr_append / ovr_replace) */
    TH_OP_ENABLE,   /* deprecated standalone `enabled:` */
};

/* Key bits for `has`, `ovr_append`, `ovr_replace`. */
enum {
    TH_K_CONDITION = 1u << 0,
    TH_K_OUTPUT = 1u << 1,
    TH_K_DESC = 1u << 2,
    TH_K_PRIORITY = 1u << 3,
    TH_K_TAGS = 1u << 4,
    TH_K_EXCEPTIONS = 1u << 5,
    TH_K_ENABLED = 1u << 6,
    TH_K_WARN_EVTTYPES = 1u << 7,
    TH_K_SKIP_UNKNOWN = 1u << 8,
    TH_K_CAPTURE = 1u << 9,
    TH_K_CAPTURE_DURATION = 1u << 10,
    TH_K_SOURCE = 1u << 11,
    TH_K_ITEMS = 1u << 12,
};

/* An exception as read: which parts were present matters for appends. */
struct th_rexc_in {
    struct th_rexception ex; /* comps not defaulted yet */
    bool has_fields, has_comps, has_values;
};

struct th_ritem {
    enum th_item_kind kind;
    enum th_item_op op;
    struct th_rpos pos;
    const char *name;
    unsigned has;
    unsigned ovr_append, ovr_replace;
    /* list */
    struct th_rstr *items;
    size_t n_items;
    /* macro / rule */
    struct th_text cond, output, desc;
    const char *priority;
    struct th_rpos priority_pos;
    const char *source;
    struct th_rpos source_pos;
    struct th_rstr *tags;
    size_t n_tags;
    bool enabled, warn_evttypes, skip_if_unknown_filter;
    struct th_rexc_in *exceptions;
    size_t n_exceptions;
    /* required_engine_version */
    struct th_semver engine;
    /* required_plugin_versions: one item per entry */
    struct th_plugin_req plugin;
};

/* Frees what the reader allocated inside an item (not the item itself). */
void th_ritem_clear(struct th_ritem *it);

/* rule_collector.c: applies one item. Returns 0, or -1 after adding an error to err. */
int th_collect_item(struct th_rule_set *set, const struct th_ritem *it, struct th_err *err);
/* rule_collector.c: remembers that the definition of name failed (its appends are then skipped silently). */
void th_collect_mark_failed(struct th_rule_set *set, enum th_item_kind kind, const char *name);
/* rule_collector.c: interns a file name, returning the set-owned copy. */
const char *th_rules_intern_file(struct th_rule_set *set, const char *file);
/* rule_collector.c: keeps a copy of the text of file (interned) for diagnostics (th_rules_source_line). */
void th_rules_keep_source(struct th_rule_set *set, const char *file, const char *text, size_t len);
/* rule_collector.c: parses "x.y.z" (extra "-..."/"+..." suffix ignored). Returns 0 or -1. */
int th_semver_parse(const char *s, struct th_semver *out);

void th_rexception_clear(struct th_rexception *ex);

#endif
