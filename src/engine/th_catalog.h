/* th_catalog.h - the rule catalogue behind `trailhound rules` and docs/DETECTIONS.md: every compiled rule with
 * its ATT&CK tactics and techniques, counts per source, per-tactic coverage, and the techniques of ATT&CK's
 * cloud (IaaS, Identity Provider) and Containers matrices that no enabled rule covers.
 * Invariants: entries are sorted by source, then first tactic in matrix order (rules without a tactic last),
 * then name (strcmp), so every output is deterministic for a given ruleset; coverage counts enabled rules only;
 * the catalogue borrows the ruleset (valid while the ruleset lives) and owns only its arrays and summaries. */
#ifndef TH_CATALOG_H
#define TH_CATALOG_H

#include <stddef.h>
#include <stdio.h>

#include "th_eval.h"
#include "th_mitre.h"

#define TH_CATALOG_NSOURCES 3 /* indexed by enum th_srckind */

/* Matrices of the gap list (bits of th_catalog_gap.matrices). */
enum {
    TH_MATRIX_IAAS = 1u << 0,
    TH_MATRIX_IDP = 1u << 1,
    TH_MATRIX_CONTAINERS = 1u << 2,
};

struct th_catalog_entry {
    const struct th_rule_info *ri; /* borrowed from the ruleset */
    size_t rule;                   /* index in the ruleset */
    int tactic;                    /* first tactic's matrix index; TH_MITRE_NTACTICS when none */
    char *summary;                 /* first sentence of desc, whitespace collapsed (owned) */
};

/* One technique of the table, with who covers it. */
struct th_catalog_tech {
    const struct th_mitre_technique *t;
    size_t rules[TH_CATALOG_NSOURCES]; /* enabled rules naming it (or, for a technique, one of its subs) */
    int named;                         /* some rule names this very id (not only a sub-technique) */
    unsigned tactics; /* bit k: a rule naming this id carries tactic k and (when it can) the table puts it there */
};

struct th_catalog_gap {
    const struct th_mitre_technique *t;
    unsigned matrices; /* TH_MATRIX_* */
};

struct th_catalog {
    struct th_catalog_entry *entries;
    size_t n;
    size_t rules[TH_CATALOG_NSOURCES], enabled[TH_CATALOG_NSOURCES];
    size_t tactic_rules[TH_MITRE_NTACTICS][TH_CATALOG_NSOURCES]; /* enabled rules per tactic and source */
    struct th_catalog_tech *covered; /* techniques named by an enabled rule, and their parents; sorted by id */
    size_t ncovered;
    struct th_catalog_gap *gaps; /* cloud/container techniques nobody covers, tactic order then id */
    size_t ngaps;
    size_t nmatrix; /* techniques in the cloud/container list (covered or not) */
};

/* Builds the catalogue of rs (which must outlive it). Never fails (allocation failure aborts). */
void th_catalog_build(const struct th_ruleset *rs, struct th_catalog *out);
void th_catalog_free(struct th_catalog *c);

/* The first sentence of a description: whitespace runs collapsed to one space, cut after the first '.', '!' or
 * '?' that ends a sentence (followed by a blank or the end; "e.g." "i.e." "etc." "vs." do not end one).
 * Returns a malloc'ed string ("" for NULL). */
char *th_catalog_summary(const char *desc);

/* The hand-maintained ATT&CK cloud/container technique list (ids as written, possibly pre-v19) and matrices;
 * exposed for the test that checks every id resolves in the built-in table. */
struct th_catalog_matrix_id {
    const char *id;
    unsigned matrices;
};
extern const struct th_catalog_matrix_id th_catalog_matrix_ids[];
extern const size_t th_catalog_nmatrix_ids;
/* The table entry of a listed id: the technique, or the replacement of a revoked/renumbered id; NULL if unknown. */
const struct th_mitre_technique *th_catalog_resolve_id(const char *id);

/* "Parent: Sub" for a sub-technique, the name for a technique, into buf. */
void th_catalog_tech_name(const struct th_mitre_technique *t, char *buf, size_t size);

/* docs/DETECTIONS.md: header, counts, one table per source, ATT&CK coverage, gaps, then `include` verbatim (the
 * hand-written cross-check section; NULL or "" for none). */
void th_catalog_write_markdown(FILE *f, const struct th_catalog *c, const char *include);

#endif
