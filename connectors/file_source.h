/* file_source.h - what the engine may ask the file source beyond the generic th_source_ops vtable.
 * Invariant: only valid for a source opened as "file" (returns the default otherwise). */
#ifndef TH_FILE_SOURCE_H
#define TH_FILE_SOURCE_H

#include <stdint.h>

#include "th_connector.h"

/* The max_record_size option in bytes. */
uint64_t th_file_source_max_record_size(const struct th_source *src);

#endif
