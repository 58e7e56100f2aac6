/* th_opts.c - applies a declarative option table (th_opts.h) to a connector's config struct.
 * Order: every default first, then every key = value in the order given, then the "required" check, so the
 * last setting of a scalar option wins and STRLIST settings append.
 * Units: sizes accept B, K/KiB, M/MiB, G/GiB, T/TiB (all binary, 1K = 1024) and KB/MB/GB/TB (decimal, 1000);
 * durations need a unit (ms, s, m, h, d; combinable as "1m30s"; fractions allowed: "1.5s"); "0" alone is 0.
 * Invariant: on success every field named in the table holds a parsed value or its default; on failure the
 * struct still only holds owned or NULL pointers, so th_opts_free() is always safe. */
#include "th_opts.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "th_buf.h"

static const char *type_name(enum th_opt_type t)
{
    switch (t) {
    case TH_OPT_T_STR:
        return "string";
    case TH_OPT_T_STRLIST:
        return "list";
    case TH_OPT_T_INT:
        return "int";
    case TH_OPT_T_BOOL:
        return "bool";
    case TH_OPT_T_SIZE:
        return "size";
    case TH_OPT_T_DURATION:
        return "duration";
    default:
        return "?";
    }
}

static void *field(void *cfg, const struct th_opt *o)
{
    return (char *)cfg + o->offset;
}

static int parse_int(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || errno != 0) {
        return -1;
    }
    while (isspace((unsigned char)*end)) {
        end++;
    }
    if (*end) {
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = 1;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

/* Reads "123" or "1.5" into an integer part and a fraction scaled to 1e9. */
static const char *parse_decimal(const char *s, uint64_t *ip, uint64_t *frac_e9)
{
    const char *p = s;
    uint64_t v = 0;
    *frac_e9 = 0;
    if (!isdigit((unsigned char)*p)) {
        return NULL;
    }
    while (isdigit((unsigned char)*p)) {
        if (v > (UINT64_MAX - 9) / 10) {
            return NULL;
        }
        v = v * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p)) {
            return NULL;
        }
        uint64_t scale = 100000000;
        while (isdigit((unsigned char)*p)) {
            *frac_e9 += (uint64_t)(*p - '0') * scale;
            scale /= 10;
            p++;
        }
    }
    *ip = v;
    return p;
}

/* v * mult + frac_e9 * mult / 1e9 without overflow; -1 on overflow. */
static int scale_value(uint64_t v, uint64_t frac_e9, uint64_t mult, uint64_t *out)
{
    if (mult != 0 && v > UINT64_MAX / mult) {
        return -1;
    }
    uint64_t r = v * mult;
    uint64_t f = (uint64_t)((double)frac_e9 * (double)mult / 1e9);
    if (r > UINT64_MAX - f) {
        return -1;
    }
    *out = r + f;
    return 0;
}

int th_parse_size(const char *s, uint64_t *out)
{
    static const struct {
        const char *u;
        uint64_t m;
    } units[] = {
        {"", 1},
        {"b", 1},
        {"k", 1ull << 10},
        {"kib", 1ull << 10},
        {"kb", 1000ull},
        {"m", 1ull << 20},
        {"mib", 1ull << 20},
        {"mb", 1000000ull},
        {"g", 1ull << 30},
        {"gib", 1ull << 30},
        {"gb", 1000000000ull},
        {"t", 1ull << 40},
        {"tib", 1ull << 40},
        {"tb", 1000000000000ull},
    };
    uint64_t v, frac;
    if (!s) {
        return -1;
    }
    while (isspace((unsigned char)*s)) {
        s++;
    }
    const char *p = parse_decimal(s, &v, &frac);
    if (!p) {
        return -1;
    }
    while (isspace((unsigned char)*p)) {
        p++;
    }
    size_t ul = strlen(p);
    while (ul > 0 && isspace((unsigned char)p[ul - 1])) {
        ul--;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strlen(units[i].u) == ul && strncasecmp(units[i].u, p, ul) == 0) {
            return scale_value(v, frac, units[i].m, out);
        }
    }
    return -1;
}

static uint64_t duration_unit(const char *p, size_t *ulen)
{
    if (strncmp(p, "ms", 2) == 0) {
        *ulen = 2;
        return 1;
    }
    *ulen = 1;
    switch (*p) {
    case 's':
        return 1000;
    case 'm':
        return 60000;
    case 'h':
        return 3600000;
    case 'd':
        return 86400000;
    default:
        return 0;
    }
}

int th_parse_duration_ms(const char *s, int64_t *out)
{
    uint64_t total = 0;
    if (!s) {
        return -1;
    }
    while (isspace((unsigned char)*s)) {
        s++;
    }
    if (strcmp(s, "0") == 0) {
        *out = 0;
        return 0;
    }
    const char *p = s;
    int parts = 0;
    while (*p && !isspace((unsigned char)*p)) {
        uint64_t v, frac, ms;
        size_t ulen;
        p = parse_decimal(p, &v, &frac);
        if (!p) {
            return -1;
        }
        uint64_t mult = duration_unit(p, &ulen);
        if (mult == 0 || scale_value(v, frac, mult, &ms) != 0 || total > (uint64_t)INT64_MAX - ms) {
            return -1;
        }
        total += ms;
        p += ulen;
        parts++;
    }
    while (isspace((unsigned char)*p)) {
        p++;
    }
    if (parts == 0 || *p) {
        return -1;
    }
    *out = (int64_t)total;
    return 0;
}

static void free_field(const struct th_opt *o, void *cfg)
{
    if (o->type == TH_OPT_T_STR) {
        char **sp = field(cfg, o);
        free(*sp);
        *sp = NULL;
    } else if (o->type == TH_OPT_T_STRLIST) {
        struct th_strlist *l = field(cfg, o);
        for (size_t i = 0; i < l->n; i++) {
            free(l->v[i]);
        }
        free(l->v);
        l->v = NULL;
        l->n = 0;
    }
}

/* Sets one option from text. Returns NULL or a static description of what is wrong. */
static const char *set_value(const struct th_opt *o, void *cfg, const char *v, int64_t *bad_int)
{
    switch (o->type) {
    case TH_OPT_T_STR: {
        char **sp = field(cfg, o);
        free(*sp);
        *sp = th_xstrdup(v);
        return NULL;
    }
    case TH_OPT_T_STRLIST: {
        struct th_strlist *l = field(cfg, o);
        l->v = th_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
        l->v[l->n++] = th_xstrdup(v);
        return NULL;
    }
    case TH_OPT_T_INT: {
        int64_t x;
        if (parse_int(v, &x) != 0) {
            return "is not an integer";
        }
        if (x < o->min || x > o->max) {
            *bad_int = x;
            return "range";
        }
        *(int64_t *)field(cfg, o) = x;
        return NULL;
    }
    case TH_OPT_T_BOOL:
        return parse_bool(v, field(cfg, o)) == 0 ? NULL : "is not a boolean (true/false/yes/no/on/off/1/0)";
    case TH_OPT_T_SIZE:
        return th_parse_size(v, field(cfg, o)) == 0 ? NULL : "is not a size (e.g. 512KiB, 1MiB, 1048576)";
    case TH_OPT_T_DURATION:
        return th_parse_duration_ms(v, field(cfg, o)) == 0 ? NULL : "is not a duration (e.g. 500ms, 5s, 1m30s)";
    default:
        return "has an unsupported type";
    }
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) {
        return SIZE_MAX;
    }
    size_t row[64];
    for (size_t j = 0; j <= lb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best) {
                best = up + 1;
            }
            if (row[j - 1] + 1 < best) {
                best = row[j - 1] + 1;
            }
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static const struct th_opt *find_opt(const struct th_opt *table, const char *key)
{
    for (const struct th_opt *o = table; o->type != TH_OPT_T_END; o++) {
        if (strcmp(o->name, key) == 0) {
            return o;
        }
    }
    return NULL;
}

static const char *suggest(const struct th_opt *table, const char *key)
{
    const char *best = NULL;
    size_t bestd = SIZE_MAX;
    for (const struct th_opt *o = table; o->type != TH_OPT_T_END; o++) {
        size_t d = edit_distance(key, o->name);
        if (d < bestd) {
            bestd = d;
            best = o->name;
        }
    }
    size_t limit = strlen(key) <= 4 ? 1 : 2;
    return bestd <= limit ? best : NULL;
}

static int apply_defaults(const struct th_opt *table, void *cfg, const char *what, struct th_err *err)
{
    int rc = 0;
    for (const struct th_opt *o = table; o->type != TH_OPT_T_END; o++) {
        if (!o->def) {
            continue;
        }
        int64_t bad = 0;
        if (set_value(o, cfg, o->def, &bad) != NULL) {
            th_err_add(err, TH_SEV_ERROR, TH_E_CONFIG, NULL, 0, 0, "%s: option '%s': built-in default '%s' is invalid",
                       what, o->name, o->def);
            rc = -1;
        }
    }
    return rc;
}

static int apply_kv(const struct th_opt *table, void *cfg, const struct th_kv *kv, const char *what,
                    struct th_err *err)
{
    const struct th_opt *o = find_opt(table, kv->key);
    if (!o) {
        const char *s = suggest(table, kv->key);
        if (s) {
            th_err_add(err, TH_SEV_ERROR, TH_E_CONFIG, kv->file, kv->line, kv->col,
                       "%s: option '%s' is unknown (did you mean '%s'?)", what, kv->key, s);
        } else {
            th_err_add(err, TH_SEV_ERROR, TH_E_CONFIG, kv->file, kv->line, kv->col, "%s: option '%s' is unknown",
                       what, kv->key);
        }
        return -1;
    }
    int64_t bad = 0;
    const char *why = set_value(o, cfg, kv->value ? kv->value : "", &bad);
    if (!why) {
        return 0;
    }
    if (strcmp(why, "range") == 0) {
        th_err_add(err, TH_SEV_ERROR, TH_E_CONFIG, kv->file, kv->line, kv->col,
                   "%s: option '%s': '%s' is out of range %lld..%lld", what, o->name, kv->value,
                   (long long)o->min, (long long)o->max);
    } else {
        th_err_add(err, TH_SEV_ERROR, TH_E_CONFIG, kv->file, kv->line, kv->col, "%s: option '%s': '%s' %s", what,
                   o->name, kv->value ? kv->value : "", why);
    }
    return -1;
}

int th_opts_apply(const struct th_opt *table, void *cfg, const struct th_kv *kvs, size_t n, const char *what,
                  struct th_err *err)
{
    int rc = apply_defaults(table, cfg, what, err);
    size_t nopts = 0;
    for (const struct th_opt *o = table; o->type != TH_OPT_T_END; o++) {
        nopts++;
    }
    unsigned char *seen = th_xcalloc(nopts + 1, 1);
    for (size_t i = 0; i < n; i++) {
        const struct th_opt *o = find_opt(table, kvs[i].key);
        if (o) {
            seen[o - table] = 1; /* a bad value is reported once, not again as "required" */
        }
        if (apply_kv(table, cfg, &kvs[i], what, err) != 0) {
            rc = -1;
        }
    }
    for (size_t i = 0; i < nopts; i++) {
        if ((table[i].flags & TH_OPT_REQUIRED) && !seen[i] && !table[i].def) {
            th_err_add(err, TH_SEV_ERROR, TH_E_CONFIG, NULL, 0, 0, "%s: option '%s' is required (%s)", what,
                       table[i].name, table[i].desc ? table[i].desc : type_name(table[i].type));
            rc = -1;
        }
    }
    free(seen);
    return rc;
}

void th_opts_free(const struct th_opt *table, void *cfg)
{
    if (!table || !cfg) {
        return;
    }
    for (const struct th_opt *o = table; o->type != TH_OPT_T_END; o++) {
        free_field(o, cfg);
    }
}

void th_opts_help(FILE *f, const struct th_opt *table)
{
    int wname = 4, wtype = 4, wdef = 7;
    for (const struct th_opt *o = table; o->type != TH_OPT_T_END; o++) {
        int l = (int)strlen(o->name);
        wname = l > wname ? l : wname;
        l = (int)strlen(type_name(o->type));
        wtype = l > wtype ? l : wtype;
        l = o->def ? (int)strlen(o->def) : (o->flags & TH_OPT_REQUIRED) ? 8 : 1;
        wdef = l > wdef ? l : wdef;
    }
    fprintf(f, "  %-*s  %-*s  %-*s  %s\n", wname, "name", wtype, "type", wdef, "default", "description");
    for (const struct th_opt *o = table; o->type != TH_OPT_T_END; o++) {
        const char *def = o->def ? o->def : (o->flags & TH_OPT_REQUIRED) ? "required" : "-";
        fprintf(f, "  %-*s  %-*s  %-*s  %s", wname, o->name, wtype, type_name(o->type), wdef, def,
                o->desc ? o->desc : "");
        if (o->type == TH_OPT_T_INT) {
            fprintf(f, " [%lld..%lld]", (long long)o->min, (long long)o->max);
        }
        fputc('\n', f);
    }
}
