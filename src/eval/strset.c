/* strset.c - read-mostly hash containers for compiled rules: a string set (operands of `in`) and a
 * string -> rule-list map (the candidate index). Open addressing, power-of-two tables, FNV-1a hashing.
 * Invariant: tables are at most half full, so probes always end at an empty slot. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "program.h"

static uint32_t hash(const char *p, size_t n, bool icase)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (icase && c >= 'A' && c <= 'Z') {
            c = (unsigned char)(c + 32);
        }
        h = (h ^ c) * 16777619u;
    }
    return h;
}

static bool sv_eq(const struct th_sv *a, const char *p, size_t n, bool icase)
{
    if (a->n != n) {
        return false;
    }
    return icase ? strncasecmp(a->p, p, n) == 0 : memcmp(a->p, p, n) == 0;
}

void th_strset_init(struct th_strset *s, size_t expected, bool icase)
{
    uint32_t cap = 8;
    while (cap < expected * 2 + 2) {
        cap *= 2;
    }
    s->slots = th_xcalloc(cap, sizeof *s->slots);
    s->mask = cap - 1;
    s->n = 0;
    s->icase = icase;
}

void th_strset_add(struct th_strset *s, const char *p, size_t n)
{
    uint32_t i = hash(p, n, s->icase) & s->mask;
    while (s->slots[i].p) {
        if (sv_eq(&s->slots[i], p, n, s->icase)) {
            return;
        }
        i = (i + 1) & s->mask;
    }
    s->slots[i].p = p;
    s->slots[i].n = n;
    s->n++;
}

bool th_strset_has(const struct th_strset *s, const char *p, size_t n)
{
    uint32_t i = hash(p, n, s->icase) & s->mask;
    while (s->slots[i].p) {
        if (sv_eq(&s->slots[i], p, n, s->icase)) {
            return true;
        }
        i = (i + 1) & s->mask;
    }
    return false;
}

void th_strset_free(struct th_strset *s)
{
    free(s->slots);
    memset(s, 0, sizeof *s);
}

static void idxmap_grow(struct th_idxmap *m)
{
    uint32_t cap = m->slots ? (m->mask + 1) * 2 : 64;
    struct th_idxmap_entry *old = m->slots;
    uint32_t oldcap = m->slots ? m->mask + 1 : 0;
    m->slots = th_xcalloc(cap, sizeof *m->slots);
    m->mask = cap - 1;
    for (uint32_t i = 0; i < oldcap; i++) {
        if (!old[i].key.p) {
            continue;
        }
        uint32_t j = hash(old[i].key.p, old[i].key.n, false) & m->mask;
        while (m->slots[j].key.p) {
            j = (j + 1) & m->mask;
        }
        m->slots[j] = old[i];
    }
    free(old);
}

void th_idxmap_add(struct th_idxmap *m, const char *key, size_t n, uint32_t rule)
{
    if (!m->slots || (m->n + 1) * 2 > m->mask + 1) {
        idxmap_grow(m);
    }
    uint32_t i = hash(key, n, false) & m->mask;
    while (m->slots[i].key.p && !sv_eq(&m->slots[i].key, key, n, false)) {
        i = (i + 1) & m->mask;
    }
    struct th_idxmap_entry *e = &m->slots[i];
    if (!e->key.p) {
        e->key.p = th_xstrndup(key, n);
        e->key.n = n;
        m->n++;
    }
    if (e->n && e->rules[e->n - 1] == rule) {
        return;
    }
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 4;
        e->rules = th_xrealloc(e->rules, e->cap * sizeof *e->rules);
    }
    e->rules[e->n++] = rule;
}

const struct th_idxmap_entry *th_idxmap_get(const struct th_idxmap *m, const char *key, size_t n)
{
    if (!m->slots) {
        return NULL;
    }
    uint32_t i = hash(key, n, false) & m->mask;
    while (m->slots[i].key.p) {
        if (sv_eq(&m->slots[i].key, key, n, false)) {
            return &m->slots[i];
        }
        i = (i + 1) & m->mask;
    }
    return NULL;
}

void th_idxmap_free(struct th_idxmap *m)
{
    for (uint32_t i = 0; m->slots && i <= m->mask; i++) {
        free((char *)m->slots[i].key.p);
        free(m->slots[i].rules);
    }
    free(m->slots);
    memset(m, 0, sizeof *m);
}
