/* rule_catalog.c - builds the rule catalogue (th_catalog.h): sorted entries with one-sentence summaries, counts
 * per source, per-tactic rule counts, the techniques rules cover, and the cloud/container techniques they miss.
 * Invariant: the result depends only on the ruleset (no clock, no environment), and ordering ties are broken by
 * strcmp on names and ids, so outputs built from it are byte-for-byte reproducible. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "th_buf.h"
#include "th_catalog.h"

#define IAAS TH_MATRIX_IAAS
#define IDP TH_MATRIX_IDP
#define CTR TH_MATRIX_CONTAINERS

/* The techniques, and the cloud- or container-specific sub-techniques, that ATT&CK lists under the IaaS,
 * Identity Provider and Containers platforms, minus Reconnaissance and Resource Development (they happen before
 * anything reaches the victim's audit logs). Generic sub-techniques of multi-platform techniques (Brute Force's
 * four, for instance) are left out: the parent stands for them. The built-in table has ids, names and tactics but
 * no platforms, hence this list; ids go through th_catalog_resolve_id, so a revoked id follows its replacement. */
const struct th_catalog_matrix_id th_catalog_matrix_ids[] = {
    /* Initial Access */
    {"T1078", IAAS | IDP | CTR}, {"T1078.001", IAAS | CTR}, {"T1078.004", IAAS | IDP}, {"T1190", IAAS | CTR},
    {"T1133", CTR}, {"T1199", IAAS | IDP},
    /* Execution */
    {"T1651", IAAS}, {"T1648", IAAS}, {"T1059.009", IAAS | IDP}, {"T1059.013", CTR}, {"T1204.003", IAAS | CTR},
    {"T1609", CTR}, {"T1610", CTR}, {"T1053.007", CTR},
    /* Persistence */
    {"T1098", IAAS | IDP | CTR}, {"T1098.001", IAAS | IDP}, {"T1098.003", IAAS | IDP}, {"T1098.004", IAAS},
    {"T1098.005", IDP}, {"T1098.006", CTR}, {"T1136", IAAS | IDP}, {"T1136.003", IAAS | IDP},
    {"T1525", IAAS | CTR}, {"T1543.005", CTR}, {"T1556", IAAS | IDP}, {"T1556.006", IAAS | IDP},
    {"T1556.007", IDP}, {"T1556.009", IDP},
    /* Privilege Escalation */
    {"T1548.005", IAAS | IDP}, {"T1611", CTR}, {"T1068", CTR}, {"T1484", IDP}, {"T1484.002", IDP},
    /* Stealth, Defense Impairment */
    {"T1535", IAAS}, {"T1578", IAAS}, {"T1578.001", IAAS}, {"T1578.002", IAAS}, {"T1578.003", IAAS},
    {"T1578.004", IAAS}, {"T1578.005", IAAS}, {"T1666", IAAS}, {"T1685", IAAS | IDP | CTR},
    {"T1685.002", IAAS | IDP}, {"T1686.001", IAAS}, {"T1036.005", CTR}, {"T1612", CTR},
    /* Credential Access */
    {"T1110", IAAS | IDP | CTR}, {"T1528", IDP | CTR}, {"T1552", IAAS | CTR}, {"T1552.001", IAAS | CTR},
    {"T1552.005", IAAS}, {"T1552.007", CTR}, {"T1555.006", IAAS}, {"T1606", IAAS | IDP},
    {"T1606.002", IAAS | IDP}, {"T1621", IAAS | IDP},
    /* Discovery */
    {"T1087", IAAS | IDP}, {"T1087.004", IAAS | IDP}, {"T1069", IAAS | IDP}, {"T1069.003", IAAS | IDP},
    {"T1201", IAAS | IDP}, {"T1526", IAAS | IDP}, {"T1538", IAAS | IDP}, {"T1580", IAAS}, {"T1619", IAAS},
    {"T1654", IAAS}, {"T1613", CTR}, {"T1046", IAAS | CTR}, {"T1082", IAAS}, {"T1049", IAAS}, {"T1040", IAAS},
    {"T1518.001", IAAS},
    /* Lateral Movement */
    {"T1021.007", IDP}, {"T1021.008", IAAS}, {"T1550", IDP | CTR}, {"T1550.001", IDP | CTR},
    /* Collection, Exfiltration */
    {"T1530", IAAS}, {"T1119", IAAS}, {"T1074.002", IAAS}, {"T1537", IAAS},
    /* Impact */
    {"T1485", IAAS}, {"T1485.001", IAAS}, {"T1486", IAAS}, {"T1490", IAAS}, {"T1491.002", IAAS},
    {"T1496", IAAS | CTR}, {"T1496.001", IAAS | CTR}, {"T1496.004", IAAS}, {"T1498", IAAS | CTR},
    {"T1499", IAAS | CTR}, {"T1531", IAAS | IDP},
};
const size_t th_catalog_nmatrix_ids = sizeof(th_catalog_matrix_ids) / sizeof(th_catalog_matrix_ids[0]);

const struct th_mitre_technique *th_catalog_resolve_id(const char *id)
{
    const struct th_mitre_technique *t = th_mitre_technique_by_id(id, strlen(id));
    const struct th_mitre_alias *a;
    if (t) {
        return t;
    }
    a = th_mitre_alias_by_id(id, strlen(id));
    return a ? th_mitre_technique_by_id(a->new_id, strlen(a->new_id)) : NULL;
}

void th_catalog_tech_name(const struct th_mitre_technique *t, char *buf, size_t size)
{
    const struct th_mitre_technique *p = th_mitre_parent(t);
    if (p) {
        snprintf(buf, size, "%s: %s", p->name, t->name);
    } else {
        snprintf(buf, size, "%s", t->name);
    }
}

/* True when the '.' at s[i] closes an abbreviation that does not end a sentence. */
static int is_abbrev(const char *s, size_t i)
{
    static const char *const abbrevs[] = {"e.g.", "i.e.", "etc.", "vs.", NULL};
    for (size_t k = 0; abbrevs[k]; k++) {
        size_t n = strlen(abbrevs[k]);
        if (i + 1 >= n && strncasecmp(s + i + 1 - n, abbrevs[k], n) == 0 &&
            (i + 1 == n || !isalpha((unsigned char)s[i - n]))) {
            return 1;
        }
    }
    return 0;
}

char *th_catalog_summary(const char *desc)
{
    struct th_buf b;
    int blank = 0;
    th_buf_init(&b);
    for (const char *p = desc ? desc : ""; *p; p++) {
        if (isspace((unsigned char)*p)) {
            blank = b.len > 0;
            continue;
        }
        if (blank) {
            th_buf_putc(&b, ' ');
            blank = 0;
        }
        th_buf_putc(&b, *p);
        if ((*p == '.' || *p == '!' || *p == '?') && (p[1] == '\0' || isspace((unsigned char)p[1])) &&
            !(*p == '.' && is_abbrev(b.data, b.len - 1))) {
            break;
        }
    }
    return th_buf_take(&b);
}

/* Matrix index of tactic id; -1 when unknown. */
static int tactic_idx(const char *id)
{
    const struct th_mitre_tactic *t = th_mitre_tactic_by_id(id, strlen(id));
    return t ? th_mitre_tactic_index(t) : -1;
}

/* Matrix index of the rule's first tactic; TH_MITRE_NTACTICS when it has none. */
static int first_tactic(const struct th_rule_info *ri)
{
    int best = TH_MITRE_NTACTICS;
    for (size_t i = 0; ri->mitre && i < ri->mitre->ntactics; i++) {
        int k = tactic_idx(ri->mitre->tactics[i].id);
        if (k >= 0 && k < best) {
            best = k;
        }
    }
    return best;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct th_catalog_entry *x = a, *y = b;
    if (x->ri->source != y->ri->source) {
        return x->ri->source < y->ri->source ? -1 : 1;
    }
    if (x->tactic != y->tactic) {
        return x->tactic < y->tactic ? -1 : 1;
    }
    int c = strcmp(x->ri->name, y->ri->name);
    return c ? c : (x->rule < y->rule ? -1 : x->rule > y->rule);
}

static int cmp_tech(const void *a, const void *b)
{
    return strcmp(((const struct th_catalog_tech *)a)->t->id, ((const struct th_catalog_tech *)b)->t->id);
}

static size_t src_index(enum th_srckind k)
{
    return (size_t)k < TH_CATALOG_NSOURCES ? (size_t)k : 0;
}

/* The covered-technique slot of t, appended when new (covered is kept unsorted while building). */
static struct th_catalog_tech *tech_slot(struct th_catalog *c, const struct th_mitre_technique *t, size_t *cap)
{
    for (size_t i = 0; i < c->ncovered; i++) {
        if (c->covered[i].t == t) {
            return &c->covered[i];
        }
    }
    if (c->ncovered == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        c->covered = th_xrealloc(c->covered, *cap * sizeof *c->covered);
    }
    memset(&c->covered[c->ncovered], 0, sizeof c->covered[0]);
    c->covered[c->ncovered].t = t;
    return &c->covered[c->ncovered++];
}

/* Bits of the rule's tactics (th_mitre_tactics order). */
static unsigned rule_tactic_bits(const struct th_rule_info *ri)
{
    unsigned bits = 0;
    for (size_t i = 0; ri->mitre && i < ri->mitre->ntactics; i++) {
        int k = tactic_idx(ri->mitre->tactics[i].id);
        bits |= k >= 0 ? 1u << k : 0;
    }
    return bits;
}

/* Counts rule ri toward each technique it names and toward their parents (once per technique and rule). */
static void add_rule_techniques(struct th_catalog *c, const struct th_rule_info *ri, size_t *cap)
{
    const struct th_mitre_technique *seen[64];
    size_t nseen = 0, s = src_index(ri->source);
    unsigned tactics = rule_tactic_bits(ri);
    for (size_t i = 0; ri->mitre && i < ri->mitre->ntechniques; i++) {
        const char *id = ri->mitre->techniques[i].id;
        const struct th_mitre_technique *t = th_mitre_technique_by_id(id, strlen(id));
        const struct th_mitre_technique *cand[2] = {t, t ? th_mitre_parent(t) : NULL};
        if (t) {
            struct th_catalog_tech *slot = tech_slot(c, t, cap);
            slot->named = 1;
            /* under the rule's tactics the technique belongs to; all of them when it belongs to none */
            slot->tactics |= (tactics & t->tactics) ? (tactics & t->tactics) : tactics;
        }
        for (size_t k = 0; k < 2; k++) {
            int dup = cand[k] == NULL;
            for (size_t j = 0; !dup && j < nseen; j++) {
                dup = seen[j] == cand[k];
            }
            if (dup || nseen == 64) {
                continue;
            }
            seen[nseen++] = cand[k];
            tech_slot(c, cand[k], cap)->rules[s]++;
        }
    }
}

static const struct th_catalog_tech *find_covered(const struct th_catalog *c, const struct th_mitre_technique *t)
{
    struct th_catalog_tech key = {.t = t};
    return bsearch(&key, c->covered, c->ncovered, sizeof *c->covered, cmp_tech);
}

static int gap_tactic(const struct th_mitre_technique *t)
{
    for (int i = 0; i < TH_MITRE_NTACTICS; i++) {
        if (t->tactics & (1u << i)) {
            return i;
        }
    }
    return TH_MITRE_NTACTICS;
}

static int cmp_gap(const void *a, const void *b)
{
    const struct th_catalog_gap *x = a, *y = b;
    int tx = gap_tactic(x->t), ty = gap_tactic(y->t);
    return tx != ty ? (tx < ty ? -1 : 1) : strcmp(x->t->id, y->t->id);
}

/* Merges the matrix list by resolved technique (two old ids may map to one), then keeps the uncovered ones. */
static void build_gaps(struct th_catalog *c)
{
    struct th_catalog_gap *all = th_xcalloc(th_catalog_nmatrix_ids ? th_catalog_nmatrix_ids : 1, sizeof *all);
    size_t n = 0;
    for (size_t i = 0; i < th_catalog_nmatrix_ids; i++) {
        const struct th_mitre_technique *t = th_catalog_resolve_id(th_catalog_matrix_ids[i].id);
        size_t j = 0;
        if (!t) {
            continue;
        }
        while (j < n && all[j].t != t) {
            j++;
        }
        if (j == n) {
            all[n++].t = t;
        }
        all[j].matrices |= th_catalog_matrix_ids[i].matrices;
    }
    c->nmatrix = n;
    c->gaps = th_xcalloc(n ? n : 1, sizeof *c->gaps);
    for (size_t i = 0; i < n; i++) {
        if (!find_covered(c, all[i].t)) {
            c->gaps[c->ngaps++] = all[i];
        }
    }
    qsort(c->gaps, c->ngaps, sizeof *c->gaps, cmp_gap);
    free(all);
}

void th_catalog_build(const struct th_ruleset *rs, struct th_catalog *out)
{
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    out->n = th_ruleset_count(rs);
    out->entries = th_xcalloc(out->n ? out->n : 1, sizeof *out->entries);
    for (size_t i = 0; i < out->n; i++) {
        const struct th_rule_info *ri = th_ruleset_rule(rs, i);
        struct th_catalog_entry *e = &out->entries[i];
        size_t s = src_index(ri->source);
        e->ri = ri;
        e->rule = i;
        e->tactic = first_tactic(ri);
        e->summary = th_catalog_summary(ri->desc);
        out->rules[s]++;
        if (!ri->enabled) {
            continue;
        }
        out->enabled[s]++;
        for (size_t k = 0; ri->mitre && k < ri->mitre->ntactics; k++) {
            int t = tactic_idx(ri->mitre->tactics[k].id);
            if (t >= 0 && t < TH_MITRE_NTACTICS) {
                out->tactic_rules[t][s]++;
            }
        }
        add_rule_techniques(out, ri, &cap);
    }
    qsort(out->entries, out->n, sizeof *out->entries, cmp_entry);
    if (out->ncovered) {
        qsort(out->covered, out->ncovered, sizeof *out->covered, cmp_tech);
    }
    build_gaps(out);
}

void th_catalog_free(struct th_catalog *c)
{
    if (!c) {
        return;
    }
    for (size_t i = 0; i < c->n; i++) {
        free(c->entries[i].summary);
    }
    free(c->entries);
    free(c->covered);
    free(c->gaps);
    memset(c, 0, sizeof *c);
}
