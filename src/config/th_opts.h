/* th_opts.h - declarative option tables for connectors and outputs (in the style of Fluent Bit's config_map).
 * A connector declares its options once; the core validates keys and values, applies defaults, reports
 * unknown keys with their position, and prints `trailhound help <connector>` from the same table.
 * Invariant: after th_opts_apply() succeeds, every field named in the table holds a parsed value or its default. */
#ifndef TH_OPTS_H
#define TH_OPTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "th_err.h"

enum th_opt_type {
    TH_OPT_T_END = 0,
    TH_OPT_T_STR,     /* char * (owned by the struct; freed with th_opts_free) */
    TH_OPT_T_STRLIST, /* struct th_strlist */
    TH_OPT_T_INT,     /* int64_t, with min/max */
    TH_OPT_T_BOOL,    /* int (0/1): true/false/yes/no/on/off/1/0 */
    TH_OPT_T_SIZE,    /* uint64_t bytes: "256KiB", "1M", "1048576" */
    TH_OPT_T_DURATION /* int64_t milliseconds: "500ms", "5s", "5m", "1h" */
};

#define TH_OPT_REQUIRED 0x1u

struct th_strlist {
    char **v;
    size_t n;
};

struct th_opt {
    enum th_opt_type type;
    const char *name;
    const char *def; /* default as text, NULL = none */
    unsigned flags;
    int64_t min, max; /* TH_OPT_T_INT only */
    size_t offset;    /* offsetof() into the connector's config struct */
    const char *desc;
};

#define TH_OPT_STR(name, def, flags, off, desc) {TH_OPT_T_STR, name, def, flags, 0, 0, off, desc}
#define TH_OPT_STRLIST(name, flags, off, desc) {TH_OPT_T_STRLIST, name, NULL, flags, 0, 0, off, desc}
#define TH_OPT_INT(name, def, min, max, off, desc) {TH_OPT_T_INT, name, def, 0, min, max, off, desc}
#define TH_OPT_BOOL(name, def, off, desc) {TH_OPT_T_BOOL, name, def, 0, 0, 0, off, desc}
#define TH_OPT_SIZE(name, def, off, desc) {TH_OPT_T_SIZE, name, def, 0, 0, 0, off, desc}
#define TH_OPT_DURATION(name, def, off, desc) {TH_OPT_T_DURATION, name, def, 0, 0, 0, off, desc}
#define TH_OPT_END {TH_OPT_T_END, NULL, NULL, 0, 0, 0, 0, NULL}

/* One key = value setting with its origin (config file position or command line). A STRLIST option may be set
 * several times; each setting appends. */
struct th_kv {
    const char *key;
    const char *value;
    const char *file; /* NULL for the command line */
    uint32_t line, col;
};

/* Applies defaults, then every kv in order. Unknown keys and bad values are errors (TH_E_CONFIG) naming the key,
 * the value and the position. Returns 0 or -1. */
int th_opts_apply(const struct th_opt *table, void *cfg, const struct th_kv *kvs, size_t n, const char *what,
                  struct th_err *err);
void th_opts_free(const struct th_opt *table, void *cfg);
/* Prints the table as help text ("name  type  default  description"). */
void th_opts_help(FILE *f, const struct th_opt *table);

int th_parse_size(const char *s, uint64_t *out);
int th_parse_duration_ms(const char *s, int64_t *out);

#endif
