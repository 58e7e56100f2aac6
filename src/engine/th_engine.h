/* th_engine.h - the pipelines: source -> decode -> evaluate -> outputs -> acknowledge.
 * th_replay_run() drives one finite source to its end (batch replay of files today; S3 later) on the calling
 * thread: each batch is decoded, evaluated, its detections written to every output, and only then acknowledged.
 * Invariant: every record read ends up counted exactly once, as decoded or as rejected by reason; every
 * input problem reaches on_problem; the engine itself never prints except the optional progress line. */
#ifndef TH_ENGINE_H
#define TH_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "th_connector.h"
#include "th_err.h"
#include "th_eval.h"

typedef void (*th_problem_fn)(void *ctx, enum th_sev sev, enum th_code code, const char *where, const char *msg);

struct th_replay_opts {
    const char *const *inputs; /* files, directories, globs, "-" */
    size_t ninputs;
    const char *source_kind;   /* "auto", "aws_cloudtrail", "k8s_audit" */
    uint64_t max_record_size;  /* bytes, 0 = the file source's default */
    uint32_t max_depth;        /* JSON nesting limit, 0 = default */
    const struct th_ruleset *rules; /* NULL: decode and count only */
    enum th_match_mode match;
    struct th_output *const *outputs;
    size_t noutputs;
    bool progress;     /* progress line on stderr (the CLI sets it when stderr is a TTY) */
    bool stats;        /* per-rule statistics */
    th_problem_fn on_problem;
    void *problem_ctx;
};

struct th_replay_summary {
    uint64_t records;   /* records seen (decoded + rejected) */
    uint64_t decoded;
    uint64_t rejected;
    uint64_t rejected_by[TH_CODE_COUNT];
    uint64_t input_errors; /* problems with an input as a whole (unreadable, unknown format, corrupt gzip) */
    uint64_t input_errors_by[TH_CODE_COUNT];
    uint64_t notes;     /* skipped files (digest, Insights) and other notes */
    uint64_t by_kind[3];/* decoded, by enum th_srckind */
    uint64_t detections;
    uint64_t detections_by_priority[8];
    uint64_t output_failures;
    uint64_t files, bytes;
    int64_t elapsed_ns;
};

/* Returns 0 when the run completed (even with rejected records), -1 when a source or output failed (err set). */
int th_replay_run(const struct th_replay_opts *o, struct th_replay_summary *s, struct th_eval_ctx **ctx_out,
                  struct th_err *err);

/* Renders one detection (text line and JSON object) for rule `rule` on ev. */
void th_detection_render(struct th_eval_ctx *ctx, const struct th_ruleset *rs, size_t rule, struct th_event *ev,
                         const char *hostname, struct th_buf *text, struct th_buf *json);

#endif
