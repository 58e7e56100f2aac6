/* th_err.h - diagnostics: one accumulator, one rendering style for the whole project.
 * Loaders and decoders never print: they append a th_diag to a th_err and keep going.
 * The CLI renders them as "file:line:col: severity: message [code]" with context and a caret.
 * Invariant: every diag owns its strings (copied in), so a th_err outlives its inputs. */
#ifndef TH_ERR_H
#define TH_ERR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum th_sev { TH_SEV_ERROR = 0, TH_SEV_WARNING = 1, TH_SEV_NOTE = 2 };

/* Diagnostic codes. X(enum, "slug", "description"). Keep the slug stable: tests and --diagnostics json use it. */
#define TH_CODE_LIST(X)                                                                   \
    X(TH_E_NONE, "none", "no error")                                                    \
    X(TH_E_IO, "io", "file or stream could not be read")                                \
    X(TH_E_USAGE, "usage", "bad command-line usage")                                    \
    X(TH_E_JSON_SYNTAX, "json-syntax", "malformed JSON")                                \
    X(TH_E_JSON_UTF8, "json-utf8", "invalid UTF-8 in JSON text")                        \
    X(TH_E_JSON_DEPTH, "json-depth", "JSON nesting deeper than the limit")              \
    X(TH_E_TOO_LARGE, "too-large", "record larger than the size limit")                 \
    X(TH_E_NOT_OBJECT, "not-object", "record is not a JSON object")                     \
    X(TH_E_UNKNOWN_FORMAT, "unknown-format", "input is not a known log format")         \
    X(TH_E_UNKNOWN_SOURCE, "unknown-source", "record is neither CloudTrail nor k8s audit") \
    X(TH_E_EMPTY, "empty", "input holds no records")                                    \
    X(TH_E_GZIP, "gzip", "corrupt or truncated gzip data")                              \
    X(TH_E_BASE64, "base64", "invalid base64 data")                                     \
    X(TH_E_TRUNCATED, "truncated", "input ends in the middle of a record")              \
    X(TH_E_YAML_PARSE, "yaml-parse", "rules file is not valid YAML")                    \
    X(TH_E_SCHEMA, "schema", "rules file item has the wrong shape")                     \
    X(TH_E_COND_PARSE, "cond-parse", "condition does not parse")                        \
    X(TH_E_UNKNOWN_FIELD, "cond-unknown-field", "unknown field")                        \
    X(TH_E_TYPE, "cond-type", "operator or value invalid for the field type")           \
    X(TH_E_BAD_REGEX, "cond-regex", "regular expression does not compile")              \
    X(TH_E_UNKNOWN_MACRO, "cond-unknown-macro", "undefined macro")                      \
    X(TH_E_UNKNOWN_LIST, "cond-unknown-list", "undefined list")                         \
    X(TH_E_MACRO_LOOP, "macro-loop", "macro or list refers to itself")                  \
    X(TH_E_OUTPUT_FORMAT, "output-format", "output format is invalid")                  \
    X(TH_E_VALIDATE, "validate", "rules file is semantically invalid")                  \
    X(TH_E_ENGINE_VERSION, "engine-version", "rules need a newer engine")               \
    X(TH_E_CONFIG, "config", "configuration is invalid")                                \
    X(TH_W_UNUSED_MACRO, "unused-macro", "macro not used by any rule")                  \
    X(TH_W_UNUSED_LIST, "unused-list", "list not used by any rule or macro")            \
    X(TH_W_UNKNOWN_KEY, "unknown-key", "unknown key ignored")                           \
    X(TH_W_UNKNOWN_ITEM, "unknown-item", "unknown top-level item ignored")              \
    X(TH_W_UNKNOWN_SOURCE, "unknown-rule-source", "rule for an unknown source skipped") \
    X(TH_W_DEPRECATED, "deprecated", "deprecated construct")                            \
    X(TH_W_UNSAFE_NA, "unsafe-na-check", "comparison with <NA> is unsafe")              \
    X(TH_W_MITRE, "mitre-unknown", "unknown ATT&CK id in tags")                         \
    X(TH_N_SKIPPED_FILE, "skipped-file", "file skipped (digest or Insights file)")

enum th_code {
#define TH_X_ENUM(e, s, d) e,
    TH_CODE_LIST(TH_X_ENUM)
#undef TH_X_ENUM
        TH_CODE_COUNT
};

const char *th_code_str(enum th_code c);  /* stable slug, e.g. "json-syntax" */
const char *th_code_desc(enum th_code c); /* one-line human description */
const char *th_sev_str(enum th_sev s);    /* "error", "warning", "note" */

/* A position in a text file (rules, config) or a record locator (events). line/col are 1-based; 0 = unknown. */
struct th_loc {
    char *file;    /* owned; NULL when unknown */
    uint32_t line; /* 1-based, 0 = none */
    uint32_t col;  /* 1-based, 0 = none */
};

struct th_diag {
    enum th_sev sev;
    enum th_code code;
    struct th_loc loc;
    char *where;   /* owned; optional record locator ("x.json#record=3") when loc.file is not a text position */
    char *item;    /* owned; optional context such as "rule 'Foo' (file:3:3)" */
    char *msg;     /* owned; the message */
    char *snippet; /* owned; optional source line shown under the message */
    uint32_t caret_col, caret_len; /* 1-based column inside snippet; 0 = no caret */
};

struct th_err {
    struct th_diag *v;
    size_t n, cap;
    unsigned errors, warnings;
};

void th_err_init(struct th_err *e);
void th_err_free(struct th_err *e);
void th_err_clear(struct th_err *e);
/* Appends a diagnostic and returns it so callers can add item/snippet/caret. file may be NULL. */
struct th_diag *th_err_add(struct th_err *e, enum th_sev sev, enum th_code code, const char *file, uint32_t line,
                           uint32_t col, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
struct th_diag *th_err_addv(struct th_err *e, enum th_sev sev, enum th_code code, const char *file, uint32_t line,
                            uint32_t col, const char *fmt, va_list ap) __attribute__((format(printf, 7, 0)));
void th_diag_set_item(struct th_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void th_diag_set_where(struct th_diag *d, const char *where);
void th_diag_set_snippet(struct th_diag *d, const char *line, size_t len, uint32_t caret_col, uint32_t caret_len);
/* Moves every diagnostic of src to the end of dst; src is left empty. */
void th_err_move(struct th_err *dst, struct th_err *src);

/* Renders one diagnostic in the compiler style (plus item and caret lines). */
void th_diag_print(FILE *f, const struct th_diag *d);
void th_err_print(FILE *f, const struct th_err *e);
/* One JSON object per diagnostic, as a JSON array. */
void th_err_print_json(FILE *f, const struct th_err *e);

#endif
