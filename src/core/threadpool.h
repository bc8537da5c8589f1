/*
 * threadpool.h — the interpreter's intra-op worker threads. A pool of `threads` participants is the calling
 * thread plus threads - 1 workers created with the interpreter. One job runs at a time: a job is a range
 * [0, n) cut into chunks, dealt out as one contiguous share per participant; a participant out of work steals
 * chunks from the others' shares, so how the chunks fall on threads never changes what is computed (each item
 * is computed entirely by whoever takes its chunk).
 * A caller that finds the pool busy (another runner of the interpreter is using it, or a kernel inside a job
 * asks again) runs its range itself. Workers spin briefly after a job, then sleep on a condition variable.
 */
#ifndef SR_THREADPOOL_H
#define SR_THREADPOOL_H

#include <stddef.h>

#include "sigrun.h"

typedef struct sr_threadpool sr_threadpool;

/* Most threads an interpreter uses (num_threads above it is clamped): kernels gain nothing from more, and a
 * huge value must not make interpreter creation start thousands of threads. */
#define SR_MAX_THREADS 256

typedef void (*sr_threadpool_fn)(void* ctx, size_t begin, size_t end);

/* A pool with threads - 1 workers (threads >= 2). Returns NULL when out of memory or when no worker thread
 * could be started; fewer workers than asked may run when the system refuses some threads. */
sr_threadpool* sr_threadpool_create(int threads);
/* Stops and joins the workers. NULL is a no-op. No job may be running. */
void sr_threadpool_destroy(sr_threadpool* pool);
/* Participants (workers + the caller). */
int sr_threadpool_size(const sr_threadpool* pool);

/* Runs fn over [0, n) in chunks of at least `grain` items on the pool and the calling thread; returns when
 * every chunk is done. Runs fn(ctx, 0, n) on the caller when pool is NULL, the range is one chunk, or the
 * pool is busy. Never allocates. */
void sr_threadpool_run(sr_threadpool* pool, size_t n, size_t grain, sr_threadpool_fn fn, void* ctx);

#endif /* SR_THREADPOOL_H */
