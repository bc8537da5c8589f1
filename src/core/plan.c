/*
 * plan.c — greedy by-size arena planning (the strategy LiteRT's and most runtimes' planners use):
 * place the largest buffer first at the lowest offset where it does not collide with any already placed
 * buffer that is live at the same time. Invariant checked by tests: live-overlapping items never share bytes.
 */
#include "plan.h"

#include <stdlib.h>

static int overlaps_in_time(const sr_plan_item* a, const sr_plan_item* b) {
  return a->first <= b->last && b->first <= a->last;
}

/* Insertion sort keeps this dependency-free and deterministic; plans have at most a few thousand items. */
static void sort_by_size(const sr_plan_item* items, int* order, int n) {
  for (int i = 0; i < n; i++) order[i] = i;
  for (int i = 1; i < n; i++) {
    int v = order[i], j = i - 1;
    while (j >= 0) {
      const sr_plan_item* a = &items[order[j]];
      const sr_plan_item* b = &items[v];
      int b_first = b->size > a->size || (b->size == a->size && b->first < a->first);
      if (!b_first) break;
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = v;
  }
}

int sr_plan_arena(sr_plan_item* items, int n, int* order, size_t* arena_size) {
  size_t total = 0;
  sort_by_size(items, order, n);
  for (int k = 0; k < n; k++) {
    sr_plan_item* it = &items[order[k]];
    it->offset = 0;
    if (it->size == 0) continue;
    size_t need = sr_align_up(it->size, SR_ALIGN);
    if (need < it->size) return 0;
    size_t candidate = 0;
    /* Repeat until a full pass over the placed items finds no collision; each move goes strictly upward. */
    for (int moved = 1; moved;) {
      moved = 0;
      for (int j = 0; j < k; j++) {
        const sr_plan_item* p = &items[order[j]];
        if (p->size == 0 || !overlaps_in_time(it, p)) continue;
        size_t p_end = p->offset + sr_align_up(p->size, SR_ALIGN);
        if (candidate < p_end && p->offset < candidate + need) {
          candidate = p_end;
          moved = 1;
        }
      }
    }
    it->offset = candidate;
    size_t end;
    if (!sr_add_size(candidate, need, &end)) return 0;
    if (end > total) total = end;
  }
  *arena_size = total;
  return 1;
}
