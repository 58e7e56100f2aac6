/* cond_parser.h - Falco condition text -> th_cond_node tree (hand-written recursive descent after libsinsp's
 * grammar), plus the diagnostic helper every condition stage uses to point a caret into condition text.
 * Invariant: on success the whole input was consumed and a tree is returned; on failure NULL is returned and
 * exactly one TH_E_COND_PARSE error was appended to err (file:line:col via src->map, snippet, caret). */
#ifndef TH_COND_PARSER_H
#define TH_COND_PARSER_H

#include <stddef.h>
#include <stdint.h>

#include "cond_ast.h"
#include "th_err.h"

#define TH_COND_MAX_DEPTH 1000u /* Falco's limit for rule conditions (libsinsp default is 100) */

struct th_cond_parse_opts {
    uint32_t max_depth; /* 0 = TH_COND_MAX_DEPTH; counts nested parse steps like libsinsp's depth guard */
};

/* Parses src->text[0..src->len). src is borrowed by every node of the result (see cond_ast.h), so it must
 * outlive the tree. opts may be NULL. Returns an owned tree, or NULL with one diagnostic in err. */
struct th_cond_node *th_cond_parse(const struct th_cond_src *src, const struct th_cond_parse_opts *opts,
                                   struct th_err *err);

/* Parses one operand as written in an exception's `fields` (a field with optional [arg], or a transformer
 * such as tolower(ka.user.name)); the whole text must be that operand. Same ownership/error contract. */
struct th_cond_node *th_cond_parse_operand(const struct th_cond_src *src, struct th_err *err);

/* Appends a diagnostic positioned at byte off of src (caret of caret_len bytes; 0 -> 1). With src->map the
 * position comes from the mapper; without it, file "<cond>" and line/col counted inside the text. The line of
 * the condition holding off becomes the snippet. src may be NULL (no position). Returns the diag. */
struct th_diag *th_cond_diag(struct th_err *err, enum th_sev sev, enum th_code code, const struct th_cond_src *src,
                             size_t off, size_t caret_len, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* The same, positioned at a node (its src, off, len). */
struct th_diag *th_cond_diag_node(struct th_err *err, enum th_sev sev, enum th_code code,
                                  const struct th_cond_node *node, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
