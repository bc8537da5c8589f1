/*
 * reduce_fast.h — choosing a fast reduction kernel (reduce_fast.c) in place of a reference one.
 */
#ifndef SR_OPS_REDUCE_FAST_H
#define SR_OPS_REDUCE_FAST_H

#include "op.h"
#include "reduce.h"

/* A fast reduction: an sr_reduce_fn that splits its outputs over the node's threads. */
typedef void (*sr_reduce_fast_fn)(const sr_node* node, const void* in, const int32_t* dims, int rank, uint32_t mask,
                                  const sr_reduce_qparams* q, void* out);
#define SR_REDUCE_FAST_DECL(name)                                                                       \
  void name(const sr_node* node, const void* in, const int32_t* dims, int rank, uint32_t mask, \
            const sr_reduce_qparams* q, void* out)

/* The fast kernel computing what `ref` computes for this shape and reduced-axis mask on a CPU with `isa`, or
 * NULL when there is none. Results are the reference's bit for bit at every thread count. */
sr_reduce_fast_fn sr_reduce_fast_pick(sr_reduce_fn ref, const int32_t* dims, int rank, uint32_t mask, unsigned isa);

#endif /* SR_OPS_REDUCE_FAST_H */
