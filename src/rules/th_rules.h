/* th_rules.h - the collected ruleset: lists, macros, rules and exceptions as read from rules files,
 * after append/override/redefinition, with the file:line:col of everything (front-end neutral: the Falco
 * YAML reader fills it today, a Sigma reader can fill the same structs).
 * Conditions and outputs are NOT parsed here: they stay th_text (final text + segments mapping every byte back
 * to its file position). Exceptions stay structured.
 * Invariants: arrays hold items in first-definition order (a redefinition replaces in place and keeps its
 * index); every string is owned by the set; every th_rpos.file points into set->files (valid until
 * th_rules_free). Loaders never print: diagnostics go into the caller's th_err. */
#ifndef TH_RULES_H
#define TH_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "th_err.h"

/* ---- positions ------------------------------------------------------------------------------------------ */

/* A position in a rules file. line/col 1-based (0 = unknown); file borrowed (owned by the set). */
struct th_rpos {
    const char *file;
    uint32_t line, col;
};

/* From value offset `off` (relative to its segment) on, value bytes sit at line:col, col + 1, ... */
struct th_text_anchor {
    uint32_t off;
    uint32_t line, col;
};

/* One piece of a th_text that came from one scalar of one file. */
struct th_text_seg {
    size_t off, len;                /* byte range in th_text.str */
    const char *file;               /* borrowed */
    struct th_text_anchor *anchors; /* owned; sorted by off, anchors[0].off == 0; n_anchors >= 1 */
    size_t n_anchors;
};

/* Final text of a condition/output/desc plus where each byte came from. Appends join pieces with one space
 * (Falco: prev + " " + new); the separator belongs to no segment and maps to the end of the previous one. */
struct th_text {
    char *str; /* owned, NUL-terminated; NULL when never set */
    size_t len;
    struct th_text_seg *segs; /* owned; ordered by off */
    size_t n_segs;
};

/* How a YAML scalar was written; lets th_text_set_scalar map value offsets back to the source bytes. */
enum th_scalar_style {
    TH_SCALAR_PLAIN = 0,
    TH_SCALAR_SINGLE, /* 'single quoted' */
    TH_SCALAR_DOUBLE, /* "double quoted", escapes */
    TH_SCALAR_LITERAL, /* | block */
    TH_SCALAR_FOLDED, /* > block */
};

/* The source span of a scalar (libyaml start/end marks). line/col are 1-based, start/end are byte indexes
 * into src (start at the first byte of the token: the quote or the | / > indicator). */
struct th_scalar_src {
    const char *src;
    size_t src_len;
    size_t start, end;
    uint32_t line, col;
    enum th_scalar_style style;
};

void th_text_init(struct th_text *t);
void th_text_free(struct th_text *t); /* accepts NULL; leaves t initialised */
/* Sets t to value[0..len) from one place: byte k sits at line:col+k (synthesised text, Sigma values). */
void th_text_set_plain(struct th_text *t, const char *value, size_t len, const char *file, uint32_t line,
                       uint32_t col);
/* Sets t to the scalar value[0..len) whose source is *s: offsets map through the scalar's lines, escapes and
 * folding (block scalars: line = indicator line + 1 + k, col = indent + offset). When the source cannot be
 * re-derived (unusual escapes), falls back to the brief's formula (start mark + offset / line per newline). */
void th_text_set_scalar(struct th_text *t, const char *file, const char *value, size_t len,
                        const struct th_scalar_src *s);
/* dst = dst + sep + src (sep skipped when dst is empty or unset, or sep is 0); segments are copied. */
void th_text_append(struct th_text *dst, char sep, const struct th_text *src);
void th_text_copy(struct th_text *dst, const struct th_text *src); /* dst is replaced */
/* Removes leading and trailing blanks (space, tab, CR, LF), keeping the mapping of the remaining bytes. */
void th_text_trim(struct th_text *t);
/* Maps byte offset off (0..len; len = just past the end) of t->str to file:line:col. Returns 0, or -1 if t
 * is empty (out is then zeroed). */
int th_text_locate(const struct th_text *t, size_t off, struct th_rpos *out);

/* ---- the model ------------------------------------------------------------------------------------------ */

enum th_priority {
    TH_PRIO_EMERGENCY = 0,
    TH_PRIO_ALERT,
    TH_PRIO_CRITICAL,
    TH_PRIO_ERROR,
    TH_PRIO_WARNING,
    TH_PRIO_NOTICE,
    TH_PRIO_INFORMATIONAL,
    TH_PRIO_DEBUG,
};
/* Case-insensitive; "info" is an alias of informational. Returns 0, or -1 if unknown. */
int th_priority_parse(const char *s, size_t n, enum th_priority *out);
const char *th_priority_name(enum th_priority p); /* Falco's long form: "Emergency" ... "Informational", "Debug" */

struct th_rstr {
    char *s; /* owned */
    struct th_rpos pos;
};

struct th_rlist {
    char *name;
    struct th_rpos pos; /* the `- list:` item (of the latest full definition) */
    struct th_rstr *items; /* in order, appends at the end; items may name earlier lists (not expanded here) */
    size_t n_items;
    uint32_t index;      /* global order of first definition (shared counter with macros and rules) */
    uint32_t visibility; /* global order of the latest define/append: sees lists/macros with index < this */
};

struct th_rmacro {
    char *name;
    struct th_rpos pos;
    struct th_text cond;
    uint32_t index, visibility;
};

/* One item of an exception values tuple: a string, or a list of strings (rendered `(a, b)` by Falco). */
struct th_rexc_val {
    bool is_list;
    char *s;              /* when !is_list */
    struct th_rstr *list; /* when is_list */
    size_t n_list;
    struct th_rpos pos;
};

/* One entry of `values:`. List form (fields is a list): a tuple with one item per field. Single-field form:
 * one string per entry (is_list false, n == 1). */
struct th_rexc_tuple {
    bool is_list; /* the entry was a YAML sequence */
    struct th_rexc_val *items;
    size_t n;
    struct th_rpos pos;
};

struct th_rexception {
    char *name;
    struct th_rpos pos;
    bool fields_is_list;   /* false: single-field form `fields: f` */
    struct th_rstr *fields; /* n_fields >= 1 */
    size_t n_fields;
    bool comps_is_list;
    struct th_rstr *comps; /* always filled: defaults `=` per field (list form) or `in` (single-field form) */
    size_t n_comps;
    struct th_rexc_tuple *values;
    size_t n_values;
};

struct th_rule {
    char *name;
    struct th_rpos pos; /* the `- rule:` item of the latest full definition */
    struct th_text cond;
    struct th_text output; /* trimmed, as Falco does */
    struct th_text desc;
    enum th_priority priority;
    char *source;      /* "aws_cloudtrail", "k8s_audit", or what the file said (default "syscall") */
    bool unknown_source; /* source not known: warned, kept for appends, must not be compiled */
    struct th_rstr *tags; /* sorted (strcmp), deduplicated */
    size_t n_tags;
    bool enabled;
    bool skip_if_unknown_filter;
    bool warn_evttypes;
    struct th_rexception *exceptions;
    size_t n_exceptions;
    uint32_t index, visibility;
};

struct th_semver {
    uint32_t major, minor, patch;
};

/* One required_plugin_versions entry: satisfied when any alternative is provided in a compatible version. */
struct th_plugin_alt {
    char *name;
    struct th_semver version;
};
struct th_plugin_req {
    struct th_plugin_alt *alts; /* alts[0] is `name`/`version`, then `alternatives` */
    size_t n_alts;
    struct th_rpos pos;
};

struct th_rule_set {
    struct th_rlist *lists;
    size_t n_lists;
    struct th_rmacro *macros;
    size_t n_macros;
    struct th_rule *rules;
    size_t n_rules;
    struct th_plugin_req *plugin_reqs;
    size_t n_plugin_reqs;
    struct th_semver required_engine; /* max required_engine_version seen (0.0.0 if none) */
    char **files;                     /* every file name loaded (positions point here) */
    size_t n_files;
    uint32_t next_index;              /* Falco's shared item counter */
    void *priv;                       /* collector bookkeeping (known sources, failed names) */
};

/* Engine version we report to rules files (Falco's engine 0.63.0), and plugin versions we provide. */
#define TH_ENGINE_VERSION_MAJOR 0
#define TH_ENGINE_VERSION_MINOR 63
#define TH_ENGINE_VERSION_PATCH 0
/* NULL-terminated table: {"cloudtrail","0.17.1"}, {"k8saudit","0.18.0"}, {"k8saudit-eks","0.12.0"},
 * {"json","0.7.3"}. */
struct th_provided_plugin {
    const char *name;
    const char *version;
};
extern const struct th_provided_plugin th_provided_plugins[];

struct th_rule_set *th_rules_new(void);
void th_rules_free(struct th_rule_set *set); /* accepts NULL */
/* Adds a known event source (aws_cloudtrail and k8s_audit are known from the start). */
void th_rules_add_source(struct th_rule_set *set, const char *name);

/* Loading accumulates into one set, in call order: later files append to / override / redefine earlier
 * items. Each returns 0 when it added no error (warnings allowed) and -1 otherwise.
 * Error policy: a YAML syntax error drops the whole file (as Falco); any other error drops only the offending
 * item and loading goes on with the next item, so every error of a file/directory is reported (Falco stops at
 * the first). Appends/overrides targeting an item whose own definition failed are skipped silently. */
int th_rules_load_file(struct th_rule_set *set, const char *path, struct th_err *err);
int th_rules_load_string(struct th_rule_set *set, const char *name, const char *text, struct th_err *err);
int th_rules_load_mem(struct th_rule_set *set, const char *name, const char *text, size_t len, struct th_err *err);
/* A file, or a directory: its *.yaml / *.yml regular files (not recursive), sorted by name (strcmp). */
int th_rules_load_path(struct th_rule_set *set, const char *path, struct th_err *err);

/* Diagnostics quoting the rules files: every loaded file's text is kept with the set. th_rules_source_line
 * gives line `line` (1-based, without its newline) of `file`: 0, or -1 if unknown. th_rules_diag_snippet sets
 * d's snippet to the source line at d->loc with a caret at d->loc.col, caret_len bytes long (0 = the word
 * there), clipped to the line; it leaves d unchanged when the line is not available. */
int th_rules_source_line(const struct th_rule_set *set, const char *file, uint32_t line, const char **text,
                         size_t *len);
void th_rules_diag_snippet(const struct th_rule_set *set, struct th_diag *d, uint32_t caret_len);

/* Lookups by exact name; NULL if absent. Pointers are valid until the next load or th_rules_free. */
const struct th_rule *th_rules_find_rule(const struct th_rule_set *set, const char *name);
const struct th_rmacro *th_rules_find_macro(const struct th_rule_set *set, const char *name);
const struct th_rlist *th_rules_find_list(const struct th_rule_set *set, const char *name);

#endif
