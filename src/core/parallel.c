/*
 * parallel.c — kernels' view of the interpreter's thread pool (threadpool.h).
 */
#include "parallel.h"

#include "runner.h"

/* A node outside any runner (the one-node kernel tests of tests/harness.h) has no pool: it runs serially. */
static sr_threadpool* node_pool(const sr_node* node) {
  return node->runner ? node->runner->interpreter->pool : NULL;
}

void sr_parallel_for(const sr_node* node, size_t n, size_t grain, sr_parallel_fn fn, void* ctx) {
  sr_threadpool_run(node_pool(node), n, grain, fn, ctx);
}

int sr_node_threads(const sr_node* node) { return sr_threadpool_size(node_pool(node)); }
