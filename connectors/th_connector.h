/* th_connector.h - the only interface between the engine and sources/outputs.
 * A source hands the engine batches of raw records (bytes + locator) and per-record problems it found
 * while reading (truncated gzip, a line that is not JSON, ...). The engine calls ack() exactly once per batch,
 * after every output resolved it, and only then may the source release the batch's memory or acknowledge
 * upstream (SQS delete, Kafka commit, replay checkpoint): this is the at-least-once contract.
 * Invariants: records of a batch stay valid until that batch's ack(); a source never prints, it reports
 * problems as diagnostics in the batch (with a locator) or in the th_err passed to it. */
#ifndef TH_CONNECTOR_H
#define TH_CONNECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "th_err.h"
#include "th_event.h"
#include "th_opts.h"

enum th_delivery { TH_DELIVERED = 0, TH_RETRY = 1, TH_REJECTED = 2 }; /* worst wins when merged */

/* A problem with one record or one stretch of input: counted by code, reported with its locator, never fatal. */
struct th_input_problem {
    enum th_code code;
    enum th_sev sev; /* TH_SEV_ERROR: data lost (counted as rejected); TH_SEV_NOTE: skipped on purpose (digest files) */
    char *where;     /* owned: "path:12", "path#record=3", "path" */
    char *msg;       /* owned */
};

struct th_batch {
    struct th_record *recs;
    size_t n, cap;
    struct th_input_problem *probs;
    size_t nprobs, capprobs;
    uint64_t seq;     /* set by the engine */
    void *src_token;  /* source-private: what to acknowledge */
};
void th_batch_init(struct th_batch *b);
void th_batch_free(struct th_batch *b);
void th_batch_clear(struct th_batch *b); /* frees problems, keeps capacity */
struct th_record *th_batch_push(struct th_batch *b);
void th_batch_problem(struct th_batch *b, enum th_sev sev, enum th_code code, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

struct th_progress {
    uint64_t units_done, units_total; /* files, objects, ...; total 0 = unknown */
    uint64_t bytes_done, bytes_total; /* input bytes consumed / known total (0 = unknown) */
    const char *unit;                 /* "files" */
};

#define TH_SRC_ACKS 0x1u       /* ack() acknowledges upstream */
#define TH_SRC_REPLAYABLE 0x2u /* finite: next_batch() eventually returns TH_SRC_EOF */

enum { TH_SRC_OK = 0, TH_SRC_IDLE = 1, TH_SRC_EOF = 2, TH_SRC_FAIL = -1 };

struct th_source;

struct th_source_ops {
    const char *name;        /* "file", "s3", "sqs", "kafka", "webhook" */
    const char *description; /* one line for `trailhound help` */
    const struct th_opt *options;
    size_t cfg_size;         /* sizeof the struct the options fill; allocated and freed by the core */
    unsigned caps;           /* TH_SRC_* */
    /* cfg is the filled option struct (owned by the core). */
    int (*open)(struct th_source *src, void *cfg, struct th_err *err);
    /* Fills batch with records and problems. TH_SRC_OK, TH_SRC_IDLE (nothing now), TH_SRC_EOF (finite source done),
     * TH_SRC_FAIL (err set; the source cannot go on). */
    int (*next_batch)(struct th_source *src, struct th_batch *batch, int timeout_ms, struct th_err *err);
    /* Exactly once per batch, after every output resolved it. */
    void (*ack)(struct th_source *src, struct th_batch *batch, enum th_delivery worst);
    void (*progress)(struct th_source *src, struct th_progress *p); /* optional */
    void (*close)(struct th_source *src);
};

struct th_source {
    const struct th_source_ops *ops;
    void *ctx; /* the connector's state */
    void *cfg; /* the option struct */
    char name[32];
};

/* ---- outputs ---- */

/* One detection as outputs see it: rendered once by the engine in both forms. */
struct th_detection {
    const char *rule;     /* rule name */
    int priority;         /* enum th_priority (0 = Emergency ... 7 = Debug) */
    const char *text;     /* human line: "<time>: <Priority> <output> (rule ...)" */
    const char *json;     /* one JSON object (Falco alert keys + trailhound's), no trailing newline */
    const char *locator;  /* where the event came from */
};

struct th_output;

struct th_output_ops {
    const char *name;        /* "stdout", "file", ... */
    const char *description;
    const struct th_opt *options;
    size_t cfg_size;
    int (*open)(struct th_output *out, void *cfg, struct th_err *err);
    /* Takes n detections. Returns how they fared: TH_DELIVERED, TH_RETRY (try again later), TH_REJECTED. Outputs that
     * deliver asynchronously (Kafka, HTTP) will resolve later through the engine's completion; stdout and file are
     * synchronous. */
    enum th_delivery (*write)(struct th_output *out, const struct th_detection *const *dets, size_t n, struct th_err *err);
    int (*flush)(struct th_output *out, struct th_err *err);
    void (*close)(struct th_output *out);
};

struct th_output {
    const struct th_output_ops *ops;
    void *ctx;
    void *cfg;
    char name[32];
};

struct th_output *th_output_open(const char *kind, const struct th_kv *kvs, size_t n, struct th_err *err);
void th_output_close(struct th_output *out);
const struct th_output_ops *th_output_find(const char *kind);
extern const struct th_output_ops *const th_output_registry[];
extern const struct th_output_ops th_stdout_output;
extern const struct th_output_ops th_file_output;

/* Opens a source of the given kind with settings; on failure returns NULL with err set. */
struct th_source *th_source_open(const char *kind, const struct th_kv *kvs, size_t n, struct th_err *err);
void th_source_close(struct th_source *src);
const struct th_source_ops *th_source_find(const char *kind);

/* Registry of every connector, in connectors/registry.c. NULL-terminated. */
extern const struct th_source_ops *const th_source_registry[];
extern const struct th_source_ops th_file_source;

#endif
