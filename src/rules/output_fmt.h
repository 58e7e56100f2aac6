/* output_fmt.h - Falco output templates: "%field", "%field[arg]", "%<N>field", "%transformer(field)", parsed once
 * at rule load into literal and field segments, then rendered per alert as text (missing -> <NA>, lists as
 * (a,b)) or as the JSON `output_fields` object (missing -> null, lists -> arrays, numbers as numbers).
 * Invariants: a parsed template owns a copy of its text and never changes after parsing except for the
 * slots a compiler assigns through th_ofmt_ref(); rendering never fails and always emits valid UTF-8
 * (invalid bytes become U+FFFD).
 *
 * Syntax notes (compatible with libsinsp's eventformatter unless stated):
 *  - a leading '*' is accepted and ignored: missing values always render as <NA> / null (Falco prepends '*'
 *    to every rule output, so this is what Falco does for rules);
 *  - the field name after '%' is the longest registered field name (for the rule's source) that prefixes the
 *    text, as libsinsp does: "%ct.user." is ct.user followed by "."; "%ct.userx" is ct.user then "x";
 *  - "%N" pads with spaces / truncates the rendered value to N bytes (never splitting a UTF-8 character);
 *  - transformers toupper, tolower, b64 (base64 decode), basename, len may be nested: %tolower(b64(x));
 *    their output_fields key is the token as written ("toupper(ct.user)") and they are left out of
 *    output_fields unless TH_OFMT_JSON_TRANSFORMED is given (Falco's default);
 *  - "%%" is a literal '%' (trailhound extension: libsinsp rejects it as "invalid formatting token %...",
 *    so no Falco rule contains it); any other '%' must start a field. */
#ifndef TH_OUTPUT_FMT_H
#define TH_OUTPUT_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "th_buf.h"
#include "th_err.h"
#include "th_event.h"
#include "th_field.h"

enum th_ofmt_xf {
    TH_OFMT_XF_NONE = 0,
    TH_OFMT_XF_TOUPPER,
    TH_OFMT_XF_TOLOWER,
    TH_OFMT_XF_B64,
    TH_OFMT_XF_BASENAME,
    TH_OFMT_XF_LEN,
};
#define TH_OFMT_MAX_XF 4

struct th_ofmt_seg {
    bool is_field;
    uint32_t off, len; /* literal: bytes of th_ofmt.text; field: the token as written (after the width) */
    uint32_t width;    /* %N: 0 = none */
    uint8_t nxf;
    uint8_t xf[TH_OFMT_MAX_XF]; /* outermost first: %toupper(b64(x)) = {TOUPPER, B64} */
    struct th_fieldref ref;     /* ref.key points into key (owned) */
    char *key; /* output_fields key: "ct.user", "json.value[/a]", "toupper(ct.user)"; NULL for literals */
};

struct th_ofmt {
    char *text; /* the template as given (owned, NUL-terminated) */
    size_t len;
    struct th_ofmt_seg *segs;
    size_t nsegs;
    size_t nfields; /* field segments */
    enum th_srckind src;
};

/* Where the template sits in its file, for diagnostics: the 1-based line and column of its first character
 * (col 0 = unknown). A template spanning several lines reports the line of the error. */
struct th_ofmt_pos {
    const char *file;
    uint32_t line, col;
};

/* Parses fmt[0..n) for fields of src (TH_SRC_UNKNOWN = any source). On error appends a TH_E_OUTPUT_FORMAT
 * diagnostic (message, snippet of the template line, caret at the offending token, "did you mean" hint for
 * unknown fields) to err and returns TH_E_OUTPUT_FORMAT with f left empty; *err_off (may be NULL) gets the
 * 0-based byte offset of the error in fmt. Every field ref gets slot TH_NO_SLOT. */
enum th_code th_ofmt_parse(struct th_ofmt *f, const char *fmt, size_t n, enum th_srckind src,
                           const struct th_ofmt_pos *pos, struct th_err *err, size_t *err_off);
void th_ofmt_free(struct th_ofmt *f);

/* Field references in template order (duplicates included), for the compiler to assign cache slots. */
size_t th_ofmt_nrefs(const struct th_ofmt *f);
struct th_fieldref *th_ofmt_ref(struct th_ofmt *f, size_t i);
const char *th_ofmt_ref_key(const struct th_ofmt *f, size_t i);

/* Value source: 1 and *out filled when present, 0 when absent. th_ofmt_render_* use th_event_get. */
typedef int (*th_ofmt_get_fn)(void *ctx, const struct th_fieldref *ref, struct th_val *out);

/* Appends the rendered message to out. */
void th_ofmt_render_text(const struct th_ofmt *f, struct th_event *ev, struct th_buf *out);
void th_ofmt_render_text_with(const struct th_ofmt *f, th_ofmt_get_fn get, void *ctx, struct th_buf *out);

#define TH_OFMT_JSON_TRANSFORMED 0x1u /* include transformer tokens in output_fields */
/* Appends the output_fields JSON object ({"key":value,...}, keys sorted and unique) to out. */
void th_ofmt_render_fields_json(const struct th_ofmt *f, struct th_event *ev, unsigned flags, struct th_buf *out);
void th_ofmt_render_fields_json_with(const struct th_ofmt *f, th_ofmt_get_fn get, void *ctx, unsigned flags,
                                     struct th_buf *out);

/* Appends s[0..n) to out with invalid UTF-8 sequences replaced by U+FFFD. */
void th_ofmt_utf8_sanitize(struct th_buf *out, const char *s, size_t n);

#endif
