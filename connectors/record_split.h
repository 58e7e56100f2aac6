/* record_split.h - streaming structural splitter: finds record boundaries in a byte stream of JSON without
 * building any tree. It tracks strings/escapes, nesting and a light grammar (key/colon/value/comma order, bracket
 * types), which is enough to recognise every input shape the file source accepts:
 *   - a single JSON object, NDJSON (one object per line), concatenated objects ("}{", Firehose);
 *   - a JSON array of records (each element is a record);
 *   - envelopes: a top-level object with "Records":[...] (CloudTrail), "items":[...] (k8s EventList) or
 *     "logEvents":[...] (CloudWatch Logs DATA_MESSAGE), other keys before/after allowed;
 *   - {"awslogs":{"data":...}} (CloudWatch Logs via Lambda), returned whole for the caller to decode;
 *   - CloudTrail digest files (keys digestStartTime/digestS3Object) are reported as skipped.
 * Line mode: when the first value fits on one line, the input is taken as one value per line; a line that does
 * not close its value is reported (truncated) and the next line starts fresh. Otherwise (pretty-printed), a broken
 * structure is reported with its record number and the input is abandoned (fatal), except for a truncated
 * top-level object followed by a "{" at the start of a line, where scanning resumes in line mode.
 * Invariant: offsets are absolute positions in the caller's buffer; the caller may drop the bytes before
 * th_split_keep() and must then call th_split_shift() with the number of bytes dropped. */
#ifndef TH_RECORD_SPLIT_H
#define TH_RECORD_SPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "th_err.h"

#define TH_SPLIT_STACK 4096 /* nesting levels whose bracket type is checked; deeper levels are counted only */

enum th_split_ev {
    TH_SPLIT_MORE = 0,   /* feed more bytes (or call again with eof set) */
    TH_SPLIT_END = 1,    /* input finished (or abandoned after a fatal problem) */
    TH_SPLIT_RECORD = 2, /* out describes one record */
    TH_SPLIT_PROBLEM = 3 /* out describes one problem */
};

enum th_split_rkind {
    TH_SPLIT_R_OBJECT = 0,    /* a JSON object: the record itself */
    TH_SPLIT_R_CWL_EVENT = 1, /* a CloudWatch Logs logEvents element: the record is its "message" string */
    TH_SPLIT_R_AWSLOGS = 2    /* {"awslogs":{"data":"<base64 gzip>"}} to unwrap */
};

struct th_split_out {
    enum th_split_rkind kind;
    size_t off, len;   /* record bytes in the caller's buffer */
    uint64_t line;     /* line where the record / problem starts (1-based) */
    uint64_t recno;    /* 1-based position of the record within the input */
    uint64_t in_line;  /* 1-based index of a top-level value within its line */
    bool by_line;      /* locate as "origin:line" (+ "#record=in_line" if in_line > 1), else "origin#record=recno" */
    /* problems */
    enum th_code code;
    enum th_sev sev;
    bool fatal; /* the rest of this input is abandoned */
    char msg[256];
};

struct th_split {
    size_t max_record;  /* 0 = no limit */
    size_t max_wrapper; /* size limit of an awslogs wrapper object */
    /* position */
    int64_t pos, line_start;
    uint64_t base; /* bytes dropped so far (absolute offset of buffer[0]) */
    uint64_t line;
    int mode;      /* undecided / line / stream */
    int lex;       /* normal / string / escape / scalar / skip line / done */
    int expect;
    uint32_t depth;
    uint8_t objbits[TH_SPLIT_STACK / 8];
    bool bom_checked;
    /* where records are */
    int ctx;            /* top / array / envelope / envelope tail */
    uint32_t rec_depth; /* depth at which record values open */
    int env_kind;
    bool env_skip;      /* CONTROL_MESSAGE: skip elements */
    uint64_t top_line;
    uint64_t ncontainers;
    /* current record */
    bool in_rec, rec_object, rec_skip, rec_oversize;
    int64_t rec_start;
    uint64_t rec_start_abs, rec_line, rec_in_line;
    uint64_t recno, values_in_line;
    /* keys of a top-level object */
    int64_t str_start;
    bool str_is_key;
    int last_key;
    bool control_msg, awslogs;
    bool saw_value;
    bool fast_ok; /* the input has shown plain one-object lines: later lines may take the fast path */
    uint32_t skip_open;          /* L_SKIPREC: brackets of the broken record still open */
    bool skip_in_str, skip_esc; /* L_SKIPREC: string state while skipping */
    char tok[8]; /* first bytes of a top-level scalar, to tell `true` from `title:` */
    uint8_t toklen;
};

void th_split_init(struct th_split *s, size_t max_record, size_t max_wrapper);
/* The input starts at buf[off] (earlier bytes belong to someone else). Call right after th_split_init(). */
void th_split_start_at(struct th_split *s, size_t off);
/* Scans buf[0..len) from where it stopped; eof = no more bytes will come. */
enum th_split_ev th_split_next(struct th_split *s, const char *buf, size_t len, bool eof, struct th_split_out *out);
/* First byte the splitter still needs. */
size_t th_split_keep(const struct th_split *s);
/* The caller dropped the first n bytes of its buffer (n <= th_split_keep()). */
void th_split_shift(struct th_split *s, size_t n);
/* True once any JSON value has been seen (false for empty / whitespace-only input). */
bool th_split_saw_value(const struct th_split *s);

#endif
