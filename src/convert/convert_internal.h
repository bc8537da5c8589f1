/*
 * convert_internal.h — the converter's entry point below the public API, for tests and fuzzing: converts a
 * SavedModel already decoded (from memory, by sr_saved_model_load_buffer) instead of a directory.
 */
#ifndef SR_CONVERT_INTERNAL_H
#define SR_CONVERT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "convert/saved_model.h"
#include "sigrun.h"

/* As sigrun_convert_saved_model after reading; *out is from sr_malloc (sigrun_convert_free). options != NULL. */
sigrun_status sr_cv_convert_loaded(const sr_saved_model* sm, const sigrun_convert_options* options, uint8_t** out,
                                   size_t* size, sigrun_error* error);

#endif /* SR_CONVERT_INTERNAL_H */
