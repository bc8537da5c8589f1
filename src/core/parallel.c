/*
 * parallel.c — kernels' view of the interpreter's thread pool (threadpool.h).
 */
#include "parallel.h"

#include "runner.h"

void sr_parallel_for(const sr_node* node, size_t n, size_t grain, sr_parallel_fn fn, void* ctx) {
  sr_threadpool_run(node->runner->interpreter->pool, n, grain, fn, ctx);
}

int sr_node_threads(const sr_node* node) { return sr_threadpool_size(node->runner->interpreter->pool); }
