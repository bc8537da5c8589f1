/*
 * reduce_fast.h — choosing a fast reduction kernel (reduce_fast.c) in place of a reference one.
 */
#ifndef SR_OPS_REDUCE_FAST_H
#define SR_OPS_REDUCE_FAST_H

#include "reduce.h"

/* The fast kernel computing what `ref` computes for this shape and reduced-axis mask on a CPU with `isa`,
 * or `ref` itself. Results are the reference's bit for bit. */
sr_reduce_fn sr_reduce_fast_pick(sr_reduce_fn ref, const int32_t* dims, int rank, uint32_t mask, unsigned isa);

#endif /* SR_OPS_REDUCE_FAST_H */
