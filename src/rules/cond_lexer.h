/* cond_lexer.h - token recognizers for the Falco condition language (libsinsp lexing facts), internal to
 * src/rules (parser, resolver, printer). Each th_cond_span_* returns the length of the longest match of one
 * grammar terminal at the start of s[0..n) (0 = no match); none of them allocates or looks past n. */
#ifndef TH_COND_LEXER_H
#define TH_COND_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "th_buf.h"

bool th_cond_is_blank(char c);                          /* ' ' \t \b \r \n */
size_t th_cond_span_blank(const char *s, size_t n);
size_t th_cond_span_ident(const char *s, size_t n);     /* [a-zA-Z]+[a-zA-Z0-9_]* */
size_t th_cond_span_field(const char *s, size_t n);     /* Identifier ('.' Identifier)+ */
size_t th_cond_span_barestr(const char *s, size_t n);   /* [^ \b\t\n\r(),="']+ */
size_t th_cond_span_argbare(const char *s, size_t n);   /* [^ \b\t\n\r\[\]"']+ */
size_t th_cond_span_number(const char *s, size_t n);    /* 0[xX][0-9a-zA-Z]+ | [+-]?[0-9]+\.?[0-9]*([eE][+-][0-9]+)? */
/* A whole-string test: s[0..n) is exactly one identifier / one bare string / one number. */
bool th_cond_is_ident(const char *s, size_t n);
bool th_cond_is_barestr(const char *s, size_t n);
bool th_cond_is_number(const char *s, size_t n);

/* Lexes a quoted string starting at s[0] (which must be ' or "), unescaping \b \f \n \r \t \\ \/ \" \' into out
 * (appended). Returns 1 and sets *used (bytes including both quotes); 0 if s[0] is not a quote;
 * -1 on error with *err_off (offset of the problem) and the message in errbuf[0..errlen) set. */
int th_cond_lex_quoted(const char *s, size_t n, struct th_buf *out, size_t *used, size_t *err_off, char *errbuf,
                       size_t errlen);

#endif
