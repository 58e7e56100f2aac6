/* th_mitre.h - the built-in MITRE ATT&CK Enterprise table (v19: 15 tactics, every technique and sub-technique)
 * and the resolution of rule tags (Falco `mitre_*`, bare `TA0005`/`T1078.004`, Sigma `attack.*`) to it.
 * Invariants: the tables are immutable and sorted (techniques and aliases by id, tactics in matrix order);
 * every string a th_mitre_set points to is static table data, so a set never dangles; resolution output is
 * sorted by id and deduplicated, so it is deterministic for any tag order. */
#ifndef TH_MITRE_H
#define TH_MITRE_H

#include <stddef.h>
#include <stdint.h>

#include "th_err.h"

#define TH_MITRE_VERSION "ATT&CK Enterprise v19"
#define TH_MITRE_NTACTICS 15

struct th_mitre_tactic {
    const char *id;    /* "TA0005" */
    const char *name;  /* "Stealth" */
    const char *falco; /* "mitre_stealth" (Falco rules' tag style) */
    const char *sigma; /* "stealth" (ATT&CK short name, Sigma's `attack.<sigma>`) */
};

struct th_mitre_technique {
    const char *id;   /* "T1078" or "T1078.004" */
    const char *name; /* ATT&CK's own name; for a sub-technique without its parent ("Cloud Accounts") */
    uint16_t tactics; /* bit i set = belongs to th_mitre_tactics[i] */
};

/* An id that ATT&CK revoked, deprecated or renumbered, and the id that replaces it. */
struct th_mitre_alias {
    const char *old_id; /* "T1562.008" */
    const char *new_id; /* "T1685.002" */
    const char *why;    /* "revoked in v19" */
};

extern const struct th_mitre_tactic th_mitre_tactics[TH_MITRE_NTACTICS]; /* matrix order */
extern const struct th_mitre_technique th_mitre_techniques[];           /* sorted by id (strcmp) */
extern const size_t th_mitre_ntechniques;
extern const struct th_mitre_alias th_mitre_aliases[]; /* sorted by old_id (strcmp) */
extern const size_t th_mitre_naliases;

/* Lookups. Ids are matched case-insensitively ("ta0005", "t1078.004"); NULL when unknown. */
const struct th_mitre_tactic *th_mitre_tactic_by_id(const char *id, size_t n);
/* By short name in any spelling: "defense-impairment", "defense_impairment", "Defense Impairment". */
const struct th_mitre_tactic *th_mitre_tactic_by_slug(const char *s, size_t n);
const struct th_mitre_technique *th_mitre_technique_by_id(const char *id, size_t n); /* current ids only */
const struct th_mitre_alias *th_mitre_alias_by_id(const char *id, size_t n);
/* Index of a tactic in th_mitre_tactics. */
int th_mitre_tactic_index(const struct th_mitre_tactic *t);
/* The parent of a sub-technique ("T1078" for "T1078.004"); NULL for a technique. */
const struct th_mitre_technique *th_mitre_parent(const struct th_mitre_technique *t);

/* One resolved entry. All pointers are static table strings. */
struct th_mitre_ref {
    const char *id;     /* "T1078.004" / "TA0001" */
    const char *name;   /* "Cloud Accounts" / "Initial Access" */
    const char *parent; /* sub-techniques: parent's name ("Valid Accounts"); NULL otherwise */
};

struct th_mitre_set {
    struct th_mitre_ref *tactics; /* sorted by id, unique */
    size_t ntactics;
    struct th_mitre_ref *techniques; /* sorted by id, unique */
    size_t ntechniques;
};

/* Derives tactics and techniques from a rule's tags. Accepted forms (any case, surrounding blanks ignored):
 *   mitre_<tactic>               Falco: mitre_credential_access, mitre_stealth
 *   mitre_TA0002_<words>, mitre_T1609_<words>   the style of falcosecurity/falco#1689
 *   TA0005, T1234, T1234.001     bare ids
 *   attack.ta0005, attack.t1234, attack.t1234.001, attack.<tactic short name> (`-` or `_`)   Sigma
 * Other tags are ignored (so are Sigma's attack.gNNNN / sNNNN / mNNNN group, software, mitigation tags).
 * Techniques add their own tactics only when the tags name no tactic at all.
 * The pre-v19 tactic Defense Evasion (mitre_defense_evasion, attack.defense-evasion) became Stealth (TA0005) and
 * Defense Impairment (TA0112): it resolves to whichever of the two the rule's techniques belong to (both if
 * both), else to Stealth, which kept the id TA0005; a TH_W_DEPRECATED warning says so.
 * Revoked or renumbered technique ids resolve to their replacement with a TH_W_DEPRECATED warning naming it;
 * unknown ATT&CK-looking ids (T9999, TA0099, mitre_foo, attack.foo) give a TH_W_MITRE warning naming the tag.
 * Warnings are appended to warn (may be NULL) without a location: the caller adds item/location.
 * out must be zeroed or freed before; returns the number of entries (tactics + techniques) in out. */
int th_mitre_from_tags(const char *const *tags, size_t n, struct th_mitre_set *out, struct th_err *warn);
void th_mitre_set_free(struct th_mitre_set *s);

/* ASFF `Types` for a set (AWS_FORMATS.md §7.3): "TTPs/<category>/<technique>" per technique and tactic, where the
 * category is the ASFF TTP category of the tactic (Stealth and Defense Impairment -> "Defense Evasion",
 * Reconnaissance -> "Discovery"); Exfiltration -> "Effects/Data Exfiltration"; Impact -> "Effects/Data
 * Destruction", "Effects/Denial of Service", "Effects/Resource Consumption" or "Effects" by technique;
 * Resource Development -> "Unusual Behaviors/User". A technique uses the set's tactics that it belongs to (all
 * its tactics if none); a set tactic no technique uses gives "TTPs/<category>". Sub-techniques are named
 * "Parent: Sub". Result: sorted, unique, at most 50 (ASFF's limit), NULL-terminated; free with
 * th_mitre_strv_free. *n (may be NULL) gets the count. */
char **th_mitre_asff_types(const struct th_mitre_set *s, size_t *n);
void th_mitre_strv_free(char **v);

#endif
