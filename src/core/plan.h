/*
 * plan.h — lifetime-based arena packing. Given buffers with sizes and [first, last] step intervals, assigns
 * offsets so that no two buffers whose intervals intersect overlap in memory, greedily, largest first.
 */
#ifndef SR_PLAN_H
#define SR_PLAN_H

#include "common.h"

typedef struct sr_plan_item {
  size_t size;   /* bytes; 0 = needs no memory */
  int first;     /* first step the buffer is live */
  int last;      /* last step the buffer is live (inclusive) */
  size_t offset; /* output */
} sr_plan_item;

/* Assigns offsets (multiples of SR_ALIGN). *arena_size receives the total. order is caller scratch of n ints.
 * Returns 0 on size overflow. */
int sr_plan_arena(sr_plan_item* items, int n, int* order, size_t* arena_size);

#endif
