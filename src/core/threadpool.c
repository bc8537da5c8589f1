/*
 * threadpool.c — see threadpool.h. Synchronisation in one paragraph: a job's parameters are written and a
 * worker copies them only while holding `mutex`, and the publisher waits (under the mutex) until no worker is
 * still inside the previous job, so a worker never runs one job's chunks with another job's function.
 * Chunks are claimed with an atomic counter and counted done with another; the caller works too and then
 * waits for the done count. Idle workers spin on the job generation for a while (an invoke issues jobs every
 * few microseconds) before sleeping on `wake`.
 */
#include "threadpool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "common.h"

/* Pause-loop iterations an idle worker keeps polling before it sleeps (tens of microseconds). */
#define SR_POOL_SPIN 20000
/* Chunks per participant: enough for load balance, few enough to keep the claim cost negligible. */
#define SR_POOL_CHUNKS_PER_THREAD 4

struct sr_threadpool {
  pthread_mutex_t mutex;
  pthread_cond_t wake;
  int n_workers;
  pthread_t* workers;
  atomic_flag busy;          /* a job is running */
  atomic_uint generation;    /* bumped (under mutex) when a job is published */
  int stop;                  /* under mutex */
  int sleeping;              /* workers waiting on wake, under mutex */
  atomic_int active;         /* workers inside the current job */
  /* The job, written under mutex while active == 0. */
  sr_threadpool_fn fn;
  void* ctx;
  size_t n, chunk, n_chunks;
  atomic_size_t next_chunk;
  atomic_size_t chunks_done;
};

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* Claims and runs chunks until none is left. Job fields are this participant's copy. */
static void work(sr_threadpool* pool, sr_threadpool_fn fn, void* ctx, size_t n, size_t chunk, size_t n_chunks) {
  for (;;) {
    size_t c = atomic_fetch_add_explicit(&pool->next_chunk, 1, memory_order_relaxed);
    if (c >= n_chunks) return;
    size_t begin = c * chunk, end = begin + chunk < n ? begin + chunk : n;
    fn(ctx, begin, end);
    atomic_fetch_add_explicit(&pool->chunks_done, 1, memory_order_release);
  }
}

static void* worker_main(void* arg) {
  sr_threadpool* pool = arg;
  unsigned seen = atomic_load_explicit(&pool->generation, memory_order_acquire);
  for (;;) {
    for (int i = 0; i < SR_POOL_SPIN && atomic_load_explicit(&pool->generation, memory_order_relaxed) == seen; i++)
      cpu_relax();
    pthread_mutex_lock(&pool->mutex);
    while (!pool->stop && atomic_load_explicit(&pool->generation, memory_order_relaxed) == seen) {
      pool->sleeping++;
      pthread_cond_wait(&pool->wake, &pool->mutex);
      pool->sleeping--;
    }
    if (pool->stop) {
      pthread_mutex_unlock(&pool->mutex);
      return NULL;
    }
    seen = atomic_load_explicit(&pool->generation, memory_order_relaxed);
    sr_threadpool_fn fn = pool->fn;
    void* ctx = pool->ctx;
    size_t n = pool->n, chunk = pool->chunk, n_chunks = pool->n_chunks;
    atomic_fetch_add_explicit(&pool->active, 1, memory_order_relaxed);
    pthread_mutex_unlock(&pool->mutex);
    work(pool, fn, ctx, n, chunk, n_chunks);
    atomic_fetch_sub_explicit(&pool->active, 1, memory_order_release);
  }
}

sr_threadpool* sr_threadpool_create(int threads) {
  if (threads < 2) return NULL;
  sr_threadpool* pool = sr_calloc(1, sizeof *pool);
  if (!pool) return NULL;
  pool->workers = sr_calloc((size_t)threads - 1, sizeof(pthread_t));
  if (!pool->workers || pthread_mutex_init(&pool->mutex, NULL) != 0) {
    sr_free(pool->workers);
    sr_free(pool);
    return NULL;
  }
  if (pthread_cond_init(&pool->wake, NULL) != 0) {
    pthread_mutex_destroy(&pool->mutex);
    sr_free(pool->workers);
    sr_free(pool);
    return NULL;
  }
  atomic_flag_clear(&pool->busy);
  atomic_init(&pool->generation, 0u);
  atomic_init(&pool->active, 0);
  atomic_init(&pool->next_chunk, 0);
  atomic_init(&pool->chunks_done, 0);
  for (int i = 0; i < threads - 1; i++) {
    if (pthread_create(&pool->workers[i], NULL, worker_main, pool) != 0) break;
    pool->n_workers++;
  }
  if (pool->n_workers == 0) {
    sr_threadpool_destroy(pool);
    return NULL;
  }
  return pool;
}

void sr_threadpool_destroy(sr_threadpool* pool) {
  if (!pool) return;
  pthread_mutex_lock(&pool->mutex);
  pool->stop = 1;
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->mutex);
  for (int i = 0; i < pool->n_workers; i++) pthread_join(pool->workers[i], NULL);
  pthread_cond_destroy(&pool->wake);
  pthread_mutex_destroy(&pool->mutex);
  sr_free(pool->workers);
  sr_free(pool);
}

int sr_threadpool_size(const sr_threadpool* pool) { return pool ? pool->n_workers + 1 : 1; }

void sr_threadpool_run(sr_threadpool* pool, size_t n, size_t grain, sr_threadpool_fn fn, void* ctx) {
  if (n == 0) return;
  if (grain == 0) grain = 1;
  if (!pool || n <= grain || atomic_flag_test_and_set_explicit(&pool->busy, memory_order_acquire)) {
    fn(ctx, 0, n);
    return;
  }
  const size_t participants = (size_t)pool->n_workers + 1;
  size_t chunk = (n + participants * SR_POOL_CHUNKS_PER_THREAD - 1) / (participants * SR_POOL_CHUNKS_PER_THREAD);
  if (chunk < grain) chunk = grain;
  const size_t n_chunks = (n + chunk - 1) / chunk;

  pthread_mutex_lock(&pool->mutex);
  /* A worker that joined the previous job after it completed may still be about to claim from its counter. */
  while (atomic_load_explicit(&pool->active, memory_order_acquire) != 0) cpu_relax();
  pool->fn = fn;
  pool->ctx = ctx;
  pool->n = n;
  pool->chunk = chunk;
  pool->n_chunks = n_chunks;
  atomic_store_explicit(&pool->next_chunk, 0, memory_order_relaxed);
  atomic_store_explicit(&pool->chunks_done, 0, memory_order_relaxed);
  atomic_fetch_add_explicit(&pool->generation, 1, memory_order_release);
  if (pool->sleeping) pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->mutex);

  work(pool, fn, ctx, n, chunk, n_chunks);
  for (unsigned spins = 0; atomic_load_explicit(&pool->chunks_done, memory_order_acquire) != n_chunks; spins++) {
    if (spins < 4096) cpu_relax();
    else sched_yield();
  }
  atomic_flag_clear_explicit(&pool->busy, memory_order_release);
}
