/*
 * parallel.c — placeholder for the interpreter's thread pool: runs every range on the calling thread.
 */
#include "parallel.h"

#include "runner.h"

void sr_parallel_for(const sr_node* node, size_t n, size_t grain, sr_parallel_fn fn, void* ctx) {
  (void)node;
  (void)grain;
  if (n) fn(ctx, 0, n);
}

int sr_node_threads(const sr_node* node) {
  const int threads = node->runner->interpreter->options.num_threads;
  return threads > 1 ? threads : 1;
}
