/* mitre.c - lookups in the ATT&CK table and the resolution of rule tags to tactics and techniques.
 * Invariant: resolution collects table entries (never copies of tag text), then sorts and deduplicates them, so
 * the output is independent of tag order and every string in it is static table data. */
#include "th_mitre.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "th_buf.h"

#define ID_MAX 16 /* "T1234.001" plus room */

/* Copies s[0..n) upper-cased into out (NUL-terminated); 0 if it does not fit. */
static int upcase_id(const char *s, size_t n, char *out)
{
    if (n == 0 || n >= ID_MAX) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = (char)toupper((unsigned char)s[i]);
    }
    out[n] = 0;
    return 1;
}

const struct th_mitre_tactic *th_mitre_tactic_by_id(const char *id, size_t n)
{
    char up[ID_MAX];
    if (!upcase_id(id, n, up)) {
        return NULL;
    }
    for (int i = 0; i < TH_MITRE_NTACTICS; i++) {
        if (strcmp(th_mitre_tactics[i].id, up) == 0) {
            return &th_mitre_tactics[i];
        }
    }
    return NULL;
}

/* Compares a slug in any spelling with a canonical short name ("defense-impairment"). */
static bool slug_eq(const char *s, size_t n, const char *canon)
{
    size_t i = 0;
    for (; i < n && canon[i]; i++) {
        char c = (char)tolower((unsigned char)s[i]);
        if (c == '_' || c == ' ') {
            c = '-';
        }
        if (c != canon[i]) {
            return false;
        }
    }
    return i == n && canon[i] == 0;
}

const struct th_mitre_tactic *th_mitre_tactic_by_slug(const char *s, size_t n)
{
    for (int i = 0; i < TH_MITRE_NTACTICS; i++) {
        if (slug_eq(s, n, th_mitre_tactics[i].sigma)) {
            return &th_mitre_tactics[i];
        }
    }
    return NULL;
}

static int cmp_tech_key(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const struct th_mitre_technique *)elem)->id);
}

static int cmp_alias_key(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const struct th_mitre_alias *)elem)->old_id);
}

const struct th_mitre_technique *th_mitre_technique_by_id(const char *id, size_t n)
{
    char up[ID_MAX];
    if (!upcase_id(id, n, up)) {
        return NULL;
    }
    return bsearch(up, th_mitre_techniques, th_mitre_ntechniques, sizeof(th_mitre_techniques[0]), cmp_tech_key);
}

const struct th_mitre_alias *th_mitre_alias_by_id(const char *id, size_t n)
{
    char up[ID_MAX];
    if (!upcase_id(id, n, up)) {
        return NULL;
    }
    return bsearch(up, th_mitre_aliases, th_mitre_naliases, sizeof(th_mitre_aliases[0]), cmp_alias_key);
}

int th_mitre_tactic_index(const struct th_mitre_tactic *t)
{
    return (int)(t - th_mitre_tactics);
}

const struct th_mitre_technique *th_mitre_parent(const struct th_mitre_technique *t)
{
    const char *dot = strchr(t->id, '.');
    if (!dot) {
        return NULL;
    }
    return th_mitre_technique_by_id(t->id, (size_t)(dot - t->id));
}

/* ---- tag resolution ---- */

struct collect {
    unsigned tactics;           /* bits of tactics named by tags */
    bool legacy_defense_evasion; /* a tag named the pre-v19 Defense Evasion */
    const struct th_mitre_technique **tech;
    size_t ntech, captech;
    struct th_err *warn;
};

static void add_tech(struct collect *c, const struct th_mitre_technique *t)
{
    if (c->ntech == c->captech) {
        c->captech = c->captech ? c->captech * 2 : 8;
        c->tech = th_xrealloc(c->tech, c->captech * sizeof(*c->tech));
    }
    c->tech[c->ntech++] = t;
}

/* "<what> in tag '<tag>'<tail>" as a TH_W_MITRE warning. */
static void warn_tag(struct collect *c, const char *what, const char *tag, const char *tail)
{
    if (c->warn) {
        th_err_add(c->warn, TH_SEV_WARNING, TH_W_MITRE, NULL, 0, 0, "%s in tag '%s'%s", what, tag, tail);
    }
}

#define NOT_IN_VERSION " (not in " TH_MITRE_VERSION ")"

/* Strict id forms: TA + 4 digits, T + 4 digits [. 3 digits]. Returns 2 tactic, 1 technique, 0 neither. */
static int id_kind(const char *s, size_t n)
{
    if (n == 6 && (s[0] == 'T' || s[0] == 't') && (s[1] == 'A' || s[1] == 'a')) {
        for (size_t i = 2; i < 6; i++) {
            if (!isdigit((unsigned char)s[i])) {
                return 0;
            }
        }
        return 2;
    }
    if ((n != 5 && n != 9) || (s[0] != 'T' && s[0] != 't')) {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        bool want_dot = (i == 5);
        if (want_dot ? s[i] != '.' : !isdigit((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}

/* Looks like an attempt at an ATT&CK id ("T12345", "t1059.1"), for the malformed-id warning. */
static bool id_like(const char *s, size_t n)
{
    size_t i = 1;
    if (n < 2 || (s[0] != 'T' && s[0] != 't')) {
        return false;
    }
    if (s[1] == 'A' || s[1] == 'a') {
        i = 2;
    }
    if (i >= n || !isdigit((unsigned char)s[i])) {
        return false;
    }
    for (; i < n; i++) {
        if (!isdigit((unsigned char)s[i]) && s[i] != '.') {
            return false;
        }
    }
    return true;
}

static void resolve_tactic_id(struct collect *c, const char *id, size_t n, const char *tag)
{
    const struct th_mitre_tactic *t = th_mitre_tactic_by_id(id, n);
    if (!t) {
        warn_tag(c, "unknown ATT&CK tactic", tag, NOT_IN_VERSION);
        return;
    }
    c->tactics |= 1u << th_mitre_tactic_index(t);
}

static void resolve_technique_id(struct collect *c, const char *id, size_t n, const char *tag)
{
    const struct th_mitre_technique *t = th_mitre_technique_by_id(id, n);
    if (t) {
        add_tech(c, t);
        return;
    }
    const struct th_mitre_alias *a = th_mitre_alias_by_id(id, n);
    if (a) {
        t = th_mitre_technique_by_id(a->new_id, strlen(a->new_id));
    }
    if (!t) {
        warn_tag(c, "unknown ATT&CK technique", tag, NOT_IN_VERSION);
        return;
    }
    add_tech(c, t);
    if (c->warn) {
        th_err_add(c->warn, TH_SEV_WARNING, TH_W_DEPRECATED, NULL, 0, 0,
                   "ATT&CK id in tag '%s' is deprecated: %s %s; use %s (%s)", tag, a->old_id, a->why, t->id,
                   t->name);
    }
}

/* A tactic named by its short name (Falco slug without "mitre_", or Sigma's). */
static void resolve_tactic_slug(struct collect *c, const char *s, size_t n, const char *tag)
{
    const struct th_mitre_tactic *t = th_mitre_tactic_by_slug(s, n);
    if (t) {
        c->tactics |= 1u << th_mitre_tactic_index(t);
        return;
    }
    if (slug_eq(s, n, "defense-evasion")) {
        c->legacy_defense_evasion = true;
        return;
    }
    warn_tag(c, "unknown ATT&CK tactic", tag, NOT_IN_VERSION);
}

/* Falco: mitre_<tactic> or mitre_<id>[_<words>]. */
static void resolve_falco(struct collect *c, const char *s, size_t n, const char *tag)
{
    size_t idn = 0;
    while (idn < n && s[idn] != '_') {
        idn++;
    }
    int kind = id_kind(s, idn);
    bool legacy = kind == 2 && idn < n && strncasecmp(s, "TA0005", 6) == 0 &&
                  slug_eq(s + idn + 1, n - idn - 1, "defense-evasion");
    if (legacy) {
        c->legacy_defense_evasion = true; /* mitre_TA0005_defense_evasion names the pre-v19 tactic */
        return;
    }
    if (kind == 2) {
        resolve_tactic_id(c, s, idn, tag);
        return;
    }
    if (kind == 1) {
        resolve_technique_id(c, s, idn, tag);
        return;
    }
    resolve_tactic_slug(c, s, n, tag);
}

/* Sigma: attack.<id> or attack.<tactic>; group/software/mitigation/data-source tags are not ours. */
static void resolve_sigma(struct collect *c, const char *s, size_t n, const char *tag)
{
    int kind = id_kind(s, n);
    if (kind == 2) {
        resolve_tactic_id(c, s, n, tag);
        return;
    }
    if (kind == 1) {
        resolve_technique_id(c, s, n, tag);
        return;
    }
    if (id_like(s, n)) {
        warn_tag(c, "malformed ATT&CK id", tag, "");
        return;
    }
    size_t i = 0;
    while (i < n && isalpha((unsigned char)s[i])) {
        i++;
    }
    if (i > 0 && i <= 2 && i < n && isdigit((unsigned char)s[i])) {
        return; /* attack.g0016, attack.s0002, attack.m1047, attack.ds0002 */
    }
    resolve_tactic_slug(c, s, n, tag);
}

static bool has_prefix_ci(const char *s, size_t n, const char *p)
{
    size_t pn = strlen(p);
    return n > pn && strncasecmp(s, p, pn) == 0;
}

static void resolve_tag(struct collect *c, const char *tag)
{
    const char *s = tag;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)*s)) {
        s++, n--;
    }
    while (n && isspace((unsigned char)s[n - 1])) {
        n--;
    }
    if (has_prefix_ci(s, n, "mitre_")) {
        resolve_falco(c, s + 6, n - 6, tag);
        return;
    }
    if (has_prefix_ci(s, n, "attack.")) {
        resolve_sigma(c, s + 7, n - 7, tag);
        return;
    }
    int kind = id_kind(s, n);
    if (kind == 2) {
        resolve_tactic_id(c, s, n, tag);
    } else if (kind == 1) {
        resolve_technique_id(c, s, n, tag);
    } else if (id_like(s, n)) {
        warn_tag(c, "malformed ATT&CK id", tag, "");
    }
}

static int cmp_tech_ptr(const void *a, const void *b)
{
    const struct th_mitre_technique *x = *(const struct th_mitre_technique *const *)a;
    const struct th_mitre_technique *y = *(const struct th_mitre_technique *const *)b;
    return strcmp(x->id, y->id);
}

static int cmp_ref(const void *a, const void *b)
{
    return strcmp(((const struct th_mitre_ref *)a)->id, ((const struct th_mitre_ref *)b)->id);
}

/* Legacy Defense Evasion: Stealth and/or Defense Impairment, chosen by the rule's techniques. */
static void settle_defense_evasion(struct collect *c)
{
    const unsigned stl = 1u << 6, dim = 1u << 7;
    unsigned pick = 0;
    if (!c->legacy_defense_evasion) {
        return;
    }
    for (size_t i = 0; i < c->ntech; i++) {
        pick |= c->tech[i]->tactics & (stl | dim);
    }
    if (!pick) {
        pick = stl;
    }
    c->tactics |= pick;
    if (c->warn) {
        th_err_add(c->warn, TH_SEV_WARNING, TH_W_DEPRECATED, NULL, 0, 0,
                   "ATT&CK tactic Defense Evasion (TA0005) was split in ATT&CK v19 into Stealth (TA0005) and "
                   "Defense Impairment (TA0112); tag it as %s",
                   pick == (stl | dim) ? "mitre_stealth and mitre_defense_impairment"
                   : pick == dim       ? "mitre_defense_impairment"
                                       : "mitre_stealth");
    }
}

static void fill_set(struct collect *c, struct th_mitre_set *out)
{
    unsigned tactics = c->tactics;
    if (!tactics) {
        for (size_t i = 0; i < c->ntech; i++) {
            tactics |= c->tech[i]->tactics;
        }
    }
    out->tactics = th_xcalloc(TH_MITRE_NTACTICS, sizeof(*out->tactics));
    for (int i = 0; i < TH_MITRE_NTACTICS; i++) {
        if (tactics & (1u << i)) {
            out->tactics[out->ntactics++] = (struct th_mitre_ref){th_mitre_tactics[i].id, th_mitre_tactics[i].name,
                                                                  NULL};
        }
    }
    qsort(out->tactics, out->ntactics, sizeof(*out->tactics), cmp_ref);
    if (c->ntech > 1) {
        qsort(c->tech, c->ntech, sizeof(*c->tech), cmp_tech_ptr);
    }
    out->techniques = th_xcalloc(c->ntech ? c->ntech : 1, sizeof(*out->techniques));
    for (size_t i = 0; i < c->ntech; i++) {
        if (i > 0 && c->tech[i] == c->tech[i - 1]) {
            continue;
        }
        const struct th_mitre_technique *p = th_mitre_parent(c->tech[i]);
        out->techniques[out->ntechniques++] = (struct th_mitre_ref){c->tech[i]->id, c->tech[i]->name,
                                                                    p ? p->name : NULL};
    }
}

int th_mitre_from_tags(const char *const *tags, size_t n, struct th_mitre_set *out, struct th_err *warnings)
{
    struct collect c = {0};
    c.warn = warnings;
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        if (tags[i]) {
            resolve_tag(&c, tags[i]);
        }
    }
    settle_defense_evasion(&c);
    fill_set(&c, out);
    free(c.tech);
    return (int)(out->ntactics + out->ntechniques);
}

void th_mitre_set_free(struct th_mitre_set *s)
{
    free(s->tactics);
    free(s->techniques);
    memset(s, 0, sizeof(*s));
}

/* ---- ASFF Types ---- */

#define ASFF_MAX_TYPES 50

/* ASFF TTP category for a tactic index, or NULL when the tactic maps outside TTPs. */
static const char *asff_ttp_category(int ti)
{
    static const char *const cat[TH_MITRE_NTACTICS] = {
        "Discovery",            /* Reconnaissance */
        NULL,                   /* Resource Development */
        "Initial Access",       "Execution", "Persistence", "Privilege Escalation",
        "Defense Evasion",      /* Stealth */
        "Defense Evasion",      /* Defense Impairment */
        "Credential Access",    "Discovery", "Lateral Movement", "Collection", "Command and Control",
        NULL,                   /* Exfiltration */
        NULL,                   /* Impact */
    };
    return cat[ti];
}

static bool id_in(const char *id, const char *const *list)
{
    size_t n = strlen(id);
    for (; *list; list++) {
        size_t m = strlen(*list);
        if (strncmp(id, *list, m) == 0 && (n == m || id[m] == '.')) {
            return true;
        }
    }
    return false;
}

/* Non-TTP Types for Exfiltration, Impact, Resource Development (AWS_FORMATS.md §7.3). */
static const char *asff_effect(int ti, const char *tech_id)
{
    static const char *const dos[] = {"T1489", "T1498", "T1499", "T1529", "T1531", "T1667", NULL};
    static const char *const destroy[] = {"T1485", "T1486", "T1490", "T1491", "T1495", "T1561", "T1565", NULL};
    if (ti == 13) {
        return "Effects/Data Exfiltration";
    }
    if (ti == 1) {
        return "Unusual Behaviors/User";
    }
    if (!tech_id) {
        return "Effects";
    }
    if (id_in(tech_id, (const char *const[]){"T1496", NULL})) {
        return "Effects/Resource Consumption";
    }
    if (id_in(tech_id, dos)) {
        return "Effects/Denial of Service";
    }
    if (id_in(tech_id, destroy)) {
        return "Effects/Data Destruction";
    }
    return "Effects";
}

struct strv {
    char **v;
    size_t n, cap;
};

static void strv_push(struct strv *s, char *str)
{
    if (s->n + 1 >= s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = th_xrealloc(s->v, s->cap * sizeof(*s->v));
    }
    s->v[s->n++] = str;
    s->v[s->n] = NULL;
}

static void add_type(struct strv *out, int ti, const struct th_mitre_ref *tech)
{
    const char *cat = asff_ttp_category(ti);
    if (!cat) {
        strv_push(out, th_xstrdup(asff_effect(ti, tech ? tech->id : NULL)));
    } else if (!tech) {
        strv_push(out, th_xasprintf("TTPs/%s", cat));
    } else if (tech->parent) {
        strv_push(out, th_xasprintf("TTPs/%s/%s: %s", cat, tech->parent, tech->name));
    } else {
        strv_push(out, th_xasprintf("TTPs/%s/%s", cat, tech->name));
    }
}

static unsigned set_tactic_bits(const struct th_mitre_set *s)
{
    unsigned bits = 0;
    for (size_t i = 0; i < s->ntactics; i++) {
        const struct th_mitre_tactic *t = th_mitre_tactic_by_id(s->tactics[i].id, strlen(s->tactics[i].id));
        if (t) {
            bits |= 1u << th_mitre_tactic_index(t);
        }
    }
    return bits;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_unique_cap(struct strv *out)
{
    size_t w = 0;
    if (!out->v) {
        return;
    }
    if (out->n > 1) {
        qsort(out->v, out->n, sizeof(*out->v), cmp_str);
    }
    for (size_t r = 0; r < out->n; r++) {
        if ((w > 0 && strcmp(out->v[r], out->v[w - 1]) == 0) || w >= ASFF_MAX_TYPES) {
            free(out->v[r]);
            continue;
        }
        out->v[w++] = out->v[r];
    }
    out->n = w;
    out->v[w] = NULL;
}

char **th_mitre_asff_types(const struct th_mitre_set *s, size_t *n)
{
    struct strv out = {0};
    unsigned set_bits = set_tactic_bits(s), used = 0;
    for (size_t i = 0; i < s->ntechniques; i++) {
        const struct th_mitre_technique *t = th_mitre_technique_by_id(s->techniques[i].id,
                                                                      strlen(s->techniques[i].id));
        unsigned bits = t ? t->tactics : 0;
        if (bits & set_bits) {
            bits &= set_bits;
        }
        used |= bits;
        for (int ti = 0; ti < TH_MITRE_NTACTICS; ti++) {
            if (bits & (1u << ti)) {
                add_type(&out, ti, &s->techniques[i]);
            }
        }
    }
    for (int ti = 0; ti < TH_MITRE_NTACTICS; ti++) {
        if ((set_bits & (1u << ti)) && !(used & (1u << ti))) {
            add_type(&out, ti, NULL);
        }
    }
    if (!out.v) {
        out.v = th_xcalloc(1, sizeof(*out.v));
    }
    sort_unique_cap(&out);
    if (n) {
        *n = out.n;
    }
    return out.v;
}

void th_mitre_strv_free(char **v)
{
    if (!v) {
        return;
    }
    for (char **p = v; *p; p++) {
        free(*p);
    }
    free(v);
}
