/*
 * packed.h — weights rearranged for a fast kernel, built once per model and shared by every interpreter,
 * runner and signature that uses them (two signatures sharing a weight buffer share its packed form too).
 * The cache lives with the model and is freed with it; lookups happen in prepare, never on the invoke path.
 */
#ifndef SR_PACKED_H
#define SR_PACKED_H

#include <stddef.h>
#include <stdint.h>

#include "sigrun.h"

typedef struct sr_pack_cache sr_pack_cache;

sr_pack_cache* sr_pack_cache_create(void);
void sr_pack_cache_destroy(sr_pack_cache* cache);

/* Writes the packed form (exactly `bytes` bytes, 64-byte aligned) of `arg`'s weights into dst. */
typedef void (*sr_pack_fn)(void* dst, size_t bytes, const void* arg);

/* The packed form identified by (source, aux, format), built with pack(dst, bytes, arg) on first request.
 * source is the weights' constant data inside the model; aux a second constant folded in (bias) or NULL;
 * format names the layout and every parameter that changes its bytes (kernel, tile sizes, shapes, offsets) —
 * a different format means a different entry. Thread-safe. NULL when out of memory or bytes == 0. After packing,
 * the source's pages of a file-mapped model are given back to the OS (sr_model_release_constant), so the
 * weights are not resident twice. */
const void* sr_packed_get(const sigrun_model* model, const void* source, const void* aux, uint64_t format,
                          size_t bytes, sr_pack_fn pack, const void* arg);

/* Total bytes held by the model's packed weights (for reports and tests). */
size_t sr_packed_bytes(const sigrun_model* model);

#endif /* SR_PACKED_H */
