/* support_fieldtest.h - helpers for field tests: load a fixture record into a th_event (parsed with th_json,
 * root found by th_event_detect) and extract a field by its rule-syntax name ("ka.uri.param[command]").
 * Invariant: returned strings live in the fixture's arena until ft_free(). */
#ifndef SUPPORT_FIELDTEST_H
#define SUPPORT_FIELDTEST_H

#include <stdbool.h>

#include "th_event.h"

struct ft_event {
    struct th_json doc;
    struct th_arena scratch;
    struct th_arena keep; /* rendered results handed to tests */
    struct th_event ev;
    char *text;
    size_t len;
};

/* Loads tests/fixtures/<rel> (one JSON record). False (and a test failure) if it cannot be read or parsed. */
bool ft_load(struct ft_event *fe, const char *rel);
/* Same from text (copied). */
bool ft_load_text(struct ft_event *fe, const char *text);
void ft_free(struct ft_event *fe);
/* Builds a reference for "name" or "name[arg]" (index for index fields, key otherwise). -1 if unknown. */
int ft_ref(const char *spec, struct th_fieldref *ref, char *keybuf, size_t keylen);
/* Extracts and renders (th_val_format: lists as "(a,b)"); NULL when absent. */
const char *ft_get(struct ft_event *fe, const char *spec);
/* Extracts into *out; returns 1 present / 0 absent / -1 unknown field. */
int ft_val(struct ft_event *fe, const char *spec, struct th_val *out);

#endif
