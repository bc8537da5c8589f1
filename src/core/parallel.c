/*
 * parallel.c — kernels' view of the interpreter's thread pool (threadpool.h). A node outside any runner (the
 * one-node harness of the kernel tests) runs its ranges on the calling thread.
 */
#include "parallel.h"

#include "runner.h"

static sr_threadpool* pool_of(const sr_node* node) {
  return node->runner && node->runner->interpreter ? node->runner->interpreter->pool : NULL;
}

void sr_parallel_for(const sr_node* node, size_t n, size_t grain, sr_parallel_fn fn, void* ctx) {
  sr_threadpool_run(pool_of(node), n, grain, fn, ctx);
}

int sr_node_threads(const sr_node* node) { return sr_threadpool_size(pool_of(node)); }
