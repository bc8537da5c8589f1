/*
 * parallel.h — intra-op parallelism for kernels. The interpreter owns a pool of num_threads - 1 workers; the
 * calling thread is the last worker. A kernel splits its output into `n` independent items and hands a range
 * function; every output element must be computed entirely inside one item, so results do not depend on how
 * items are split (and are the same at every thread count).
 */
#ifndef SR_PARALLEL_H
#define SR_PARALLEL_H

#include <stddef.h>

#include "../ops/op.h"

/* Computes items [begin, end). */
typedef void (*sr_parallel_fn)(void* ctx, size_t begin, size_t end);

/* Runs fn over [0, n) in contiguous ranges of at least `grain` items (0 means 1), spread over the node's
 * interpreter's threads. Returns when all ranges are done. Falls back to fn(ctx, 0, n) on the calling thread
 * when the interpreter has one thread or its pool is busy with another runner. Never allocates. */
void sr_parallel_for(const sr_node* node, size_t n, size_t grain, sr_parallel_fn fn, void* ctx);

/* Work below which a range is not worth handing to another thread, in multiply-adds (or element steps of
 * comparable cost): publishing a job to a spinning worker, claiming chunks and moving the range's output between
 * cores costs around a microsecond, in which one core does a few tens of thousands of vector multiply-adds.
 * Below twice this, an op runs on the calling thread (lstm and transformer steps are made of such ops). */
#define SR_PARALLEL_MIN_WORK ((size_t)32768)

/* The grain for items of `work_per_item` units each: enough items that a range holds SR_PARALLEL_MIN_WORK. */
static inline size_t sr_parallel_grain(size_t work_per_item) {
  if (work_per_item == 0) work_per_item = 1;
  return work_per_item >= SR_PARALLEL_MIN_WORK ? 1 : (SR_PARALLEL_MIN_WORK + work_per_item - 1) / work_per_item;
}

/* Threads a kernel can expect to run on (num_threads of the interpreter, at least 1). */
int sr_node_threads(const sr_node* node);

#endif /* SR_PARALLEL_H */
