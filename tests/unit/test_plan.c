/*
 * test_plan.c — planner invariant: items live at the same time never share bytes; offsets are aligned;
 * the arena is no larger than the sum of the items.
 */
#include "harness.h"
#include "../src/core/plan.h"

static unsigned long long rng_state = 12345;
static unsigned rnd(unsigned n) {
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (unsigned)((rng_state >> 33) % n);
}

static void test_random_plans(void) {
  for (int round = 0; round < 300; round++) {
    int n = 1 + (int)rnd(60);
    sr_plan_item items[64];
    int order[64];
    size_t sum = 0;
    for (int i = 0; i < n; i++) {
      items[i].size = rnd(5) == 0 ? 0 : 1 + rnd(5000);
      items[i].first = (int)rnd(30);
      items[i].last = items[i].first + (int)rnd(10);
      sum += sr_align_up(items[i].size, SR_ALIGN);
    }
    size_t total;
    CHECK(sr_plan_arena(items, n, order, &total));
    CHECK(total <= sum);
    for (int i = 0; i < n; i++) {
      CHECK(items[i].offset % SR_ALIGN == 0);
      CHECK(items[i].offset + items[i].size <= total || items[i].size == 0);
      for (int j = i + 1; j < n; j++) {
        if (!items[i].size || !items[j].size) continue;
        int live_together = items[i].first <= items[j].last && items[j].first <= items[i].last;
        int share = items[i].offset < items[j].offset + items[j].size && items[j].offset < items[i].offset + items[i].size;
        CHECK(!(live_together && share));
      }
    }
  }
}

static void test_reuse(void) {
  /* Three buffers in sequence (a dies before c is born) need only two slots. */
  sr_plan_item items[3] = {{1000, 0, 1, 0}, {1000, 1, 2, 0}, {1000, 2, 3, 0}};
  int order[3];
  size_t total;
  CHECK(sr_plan_arena(items, 3, order, &total));
  CHECK(total == 2 * sr_align_up(1000, SR_ALIGN));
  CHECK(items[0].offset == items[2].offset);
}

int main(void) {
  RUN(test_random_plans);
  RUN(test_reuse);
  return TEST_SUMMARY();
}
