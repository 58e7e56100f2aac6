/* th_fieldx.h - helpers shared by the field tables (ct_fields.c, ka_fields.c, json_fields.c, evt_fields.c):
 * setting typed values, turning JSON nodes into string views, copying synthesized text into the event's
 * scratch arena and building string lists there. Internal to src/event (not part of the field API).
 * Invariant: helpers read the event only through the th_json API on ev->doc, and allocate only in ev->scratch
 * (plus one per-thread text buffer that is reused, so the steady state allocates nothing). */
#ifndef TH_FIELDX_H
#define TH_FIELDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "th_event.h"

#define TH_FX_UNUSED(x) ((void)(x))

static inline int th_fx_set_sv(struct th_val *out, struct th_sv s)
{
    out->type = TH_FT_STR;
    out->u.s = s;
    return 1;
}
static inline int th_fx_set_str(struct th_val *out, const char *p, size_t n)
{
    struct th_sv s = {p, n};
    return th_fx_set_sv(out, s);
}
static inline int th_fx_set_lit(struct th_val *out, const char *lit)
{
    size_t n = 0;
    while (lit[n]) {
        n++;
    }
    return th_fx_set_str(out, lit, n);
}
static inline int th_fx_set_u64(struct th_val *out, int64_t v)
{
    out->type = TH_FT_U64;
    out->u.i = v;
    return 1;
}
static inline struct th_sv th_fx_sv(const char *p, size_t n)
{
    struct th_sv s = {p, n};
    return s;
}
static inline bool th_fx_sv_eq(struct th_sv s, const char *lit)
{
    size_t i = 0;
    for (; i < s.n; i++) {
        if (!lit[i] || lit[i] != s.p[i]) {
            return false;
        }
    }
    return lit[i] == 0;
}

/* Node at a dotted path below the event root (TH_JNONE if missing). */
uint32_t th_fx_path(const struct th_event *ev, const char *dotted);
/* Node reached from the event root through a NULL-terminated list of plain keys (keys may hold dots). */
uint32_t th_fx_keys(const struct th_event *ev, const char *const *keys);

/* String view of a STRING node: zero-copy unless escaped (then unescaped into scratch). False otherwise. */
bool th_fx_strview(struct th_event *ev, uint32_t node, struct th_sv *sv);
/* As the json plugin renders a value: strings unquoted, everything else compact JSON (in scratch). */
struct th_sv th_fx_render(struct th_event *ev, uint32_t node);
/* Compact JSON text of any node (in scratch). */
struct th_sv th_fx_compact(struct th_event *ev, uint32_t node);
/* Concatenation of parts, copied into scratch. */
struct th_sv th_fx_concat(struct th_event *ev, const struct th_sv *parts, size_t n);
/* Copies n bytes into scratch. */
struct th_sv th_fx_keep(struct th_event *ev, const char *p, size_t n);

/* The calling thread's reusable text buffer, cleared. Copy out (th_fx_keep) before calling another helper. */
struct th_buf *th_fx_tmpbuf(void);

/* A string list growing in the event's scratch arena. */
struct th_fx_list {
    struct th_sv *v;
    size_t n, cap;
};
void th_fx_list_push(struct th_event *ev, struct th_fx_list *l, struct th_sv s);
/* Sets out to the list; with index >= 0, to the one-element list holding element [index]. Returns 0 (absent)
 * if there is no such element or the list is empty (Falco treats an empty list as not present). */
int th_fx_set_list(int32_t index, const struct th_fx_list *l, struct th_val *out);

#endif
