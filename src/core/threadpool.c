/*
 * threadpool.c — see threadpool.h. A job's chunks are dealt out in contiguous shares, one per participant
 * (the caller is participant 0): each takes chunks from the front of its own share and, once it is empty,
 * steals single chunks from the back of the others'. Share p of every job covers the same fraction of its
 * range, so consecutive kernels that split rows alike leave each band of an activation in the cache of the
 * core that wrote it; stealing keeps the load even when a thread is late or slower.
 * Synchronisation in one paragraph: a job is published without a lock, in the manner of a sequence lock.
 * `generation` is odd while the publisher writes the job and even once it is complete. A worker announces
 * itself in `active` before reading `generation` (both sequentially consistent), and the publisher marks the
 * generation odd before waiting for `active` to drain: of the two stores, one is seen by the other side, so
 * either the publisher waits for the worker or the worker sees the odd (or a later, complete) generation and
 * never reads a half-written job. A worker thus never takes one job's chunks with another job's function.
 * Chunks done are counted; the caller works too and then waits for the count. Idle workers spin on the
 * generation for a while (an invoke issues jobs every few microseconds) before sleeping on `wake`; the mutex
 * and condition variable are touched only around sleeping.
 */
#include "threadpool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "common.h"

/* Pause-loop iterations an idle worker keeps polling before it sleeps: about 0.2 ms on a recent x86 core
 * (a pause is ~10 ns there), longer than the gap between two kernels of an invoke, short enough that an idle
 * interpreter stops using the CPU at once. */
#define SR_POOL_SPIN 20000
/* Chunks per participant: fine enough that a thread stealing the last chunks evens out the finish, coarse
 * enough that taking one costs nothing next to running it (callers' grains keep chunks worth a thread). */
#define SR_POOL_CHUNKS_PER_THREAD 16

/* Fields written by different sides live on their own cache lines, so a spinning worker's reads of
 * `generation` are not invalidated by chunk claims, and a participant takes from its own share locally. */
#define SR_CACHE_LINE 64
_Static_assert(SR_ALIGN >= SR_CACHE_LINE, "the pool and its shares are allocated with sr_aligned_alloc");

/* One participant's share of the current job: chunks [front, back) packed as front << 32 | back. */
typedef struct sr_pool_share {
  _Alignas(SR_CACHE_LINE) _Atomic uint64_t range;
  sr_threadpool* pool;
  int index;
} sr_pool_share;

struct sr_threadpool {
  pthread_mutex_t mutex; /* only around sleeping and stopping */
  pthread_cond_t wake;
  int n_workers;
  pthread_t* workers;
  sr_pool_share* shares; /* n_workers + 1; the caller's is shares[0] */
  int stop;              /* under mutex */
  atomic_flag busy;      /* a job is running: taken by the publisher */
  /* The job, written (relaxed) while generation is odd and no worker is active. */
  _Atomic(sr_threadpool_fn) fn;
  void* _Atomic ctx;
  atomic_size_t n, chunk;
  _Alignas(SR_CACHE_LINE) atomic_uint generation; /* odd while a job is being published */
  atomic_int sleeping;                            /* workers in (or about to enter) cond_wait */
  _Alignas(SR_CACHE_LINE) atomic_int active;      /* workers that may be reading the job or taking chunks */
  _Alignas(SR_CACHE_LINE) atomic_size_t chunks_done;
};

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* Takes the front (own share) or the back (stealing) chunk of a share; 0 when it is empty. */
static int take(sr_pool_share* s, int from_back, uint32_t* chunk) {
  uint64_t v = atomic_load_explicit(&s->range, memory_order_relaxed);
  for (;;) {
    const uint32_t front = (uint32_t)(v >> 32), back = (uint32_t)v;
    if (front >= back) return 0;
    const uint64_t next = from_back ? (uint64_t)front << 32 | (back - 1) : (uint64_t)(front + 1) << 32 | back;
    if (atomic_compare_exchange_weak_explicit(&s->range, &v, next, memory_order_relaxed, memory_order_relaxed)) {
      *chunk = from_back ? back - 1 : front;
      return 1;
    }
  }
}

/* Runs chunks of participant `self`'s share, then steals from the others until every share is empty. Job
 * fields are this participant's copy. */
static void work(sr_threadpool* pool, int self, sr_threadpool_fn fn, void* ctx, size_t n, size_t chunk) {
  const int participants = pool->n_workers + 1;
  for (int k = 0; k < participants; k++) {
    sr_pool_share* s = &pool->shares[(self + k) % participants];
    uint32_t c;
    while (take(s, k != 0, &c)) {
      const size_t begin = (size_t)c * chunk, end = begin + chunk < n ? begin + chunk : n;
      fn(ctx, begin, end);
      atomic_fetch_add_explicit(&pool->chunks_done, 1, memory_order_release);
    }
  }
}

/* A complete job newer than `seen`? */
static int job_ready(const sr_threadpool* pool, unsigned seen) {
  unsigned g = atomic_load_explicit(&pool->generation, memory_order_relaxed);
  return g != seen && !(g & 1u);
}

/* Waits (spinning, then sleeping) until a job newer than `seen` is complete or the pool stops. Returns 0 on
 * stop. */
static int wait_for_job(sr_threadpool* pool, unsigned seen) {
  for (int i = 0; i < SR_POOL_SPIN; i++) {
    if (job_ready(pool, seen)) return 1;
    cpu_relax();
  }
  pthread_mutex_lock(&pool->mutex);
  /* sleeping is raised before the generation is checked again, and the publisher bumps the generation before
   * it reads sleeping (all sequentially consistent): it either sees a sleeper and broadcasts under the mutex,
   * which cannot happen before this thread is inside cond_wait, or this thread sees the new job. */
  atomic_fetch_add(&pool->sleeping, 1);
  while (!pool->stop && atomic_load(&pool->generation) == seen) pthread_cond_wait(&pool->wake, &pool->mutex);
  atomic_fetch_sub(&pool->sleeping, 1);
  const int stop = pool->stop;
  pthread_mutex_unlock(&pool->mutex);
  return !stop;
}

static void* worker_main(void* arg) {
  sr_pool_share* own = arg;
  sr_threadpool* pool = own->pool;
  /* Generation 0 is the pool's state before any job: a worker that starts after the first job was published
   * must still take part in it (reading the generation here would skip it). */
  unsigned seen = 0;
  while (wait_for_job(pool, seen)) {
    atomic_fetch_add(&pool->active, 1);
    const unsigned g = atomic_load(&pool->generation);
    if (g == seen || (g & 1u)) { /* being published (or woken with nothing new): look again */
      atomic_fetch_sub_explicit(&pool->active, 1, memory_order_release);
      continue;
    }
    seen = g;
    sr_threadpool_fn fn = atomic_load_explicit(&pool->fn, memory_order_relaxed);
    void* ctx = atomic_load_explicit(&pool->ctx, memory_order_relaxed);
    const size_t n = atomic_load_explicit(&pool->n, memory_order_relaxed);
    const size_t chunk = atomic_load_explicit(&pool->chunk, memory_order_relaxed);
    work(pool, own->index, fn, ctx, n, chunk);
    atomic_fetch_sub_explicit(&pool->active, 1, memory_order_release);
  }
  return NULL;
}

static void free_pool(sr_threadpool* pool) {
  sr_aligned_free(pool->shares);
  sr_free(pool->workers);
  sr_aligned_free(pool);
}

sr_threadpool* sr_threadpool_create(int threads) {
  if (threads < 2) return NULL;
  sr_threadpool* pool = sr_aligned_alloc(sizeof *pool);
  if (!pool) return NULL;
  memset(pool, 0, sizeof *pool);
  pool->workers = sr_calloc((size_t)threads - 1, sizeof(pthread_t));
  pool->shares = sr_aligned_alloc((size_t)threads * sizeof(sr_pool_share));
  if (!pool->workers || !pool->shares || pthread_mutex_init(&pool->mutex, NULL) != 0) {
    free_pool(pool);
    return NULL;
  }
  if (pthread_cond_init(&pool->wake, NULL) != 0) {
    pthread_mutex_destroy(&pool->mutex);
    free_pool(pool);
    return NULL;
  }
  for (int i = 0; i < threads; i++) {
    atomic_init(&pool->shares[i].range, 0);
    pool->shares[i].pool = pool;
    pool->shares[i].index = i;
  }
  atomic_flag_clear(&pool->busy);
  atomic_init(&pool->fn, NULL);
  atomic_init(&pool->ctx, NULL);
  atomic_init(&pool->n, 0);
  atomic_init(&pool->chunk, 0);
  atomic_init(&pool->generation, 0u);
  atomic_init(&pool->sleeping, 0);
  atomic_init(&pool->active, 0);
  atomic_init(&pool->chunks_done, 0);
  for (int i = 0; i < threads - 1; i++) {
    if (pthread_create(&pool->workers[i], NULL, worker_main, &pool->shares[i + 1]) != 0) break;
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
  free_pool(pool);
}

int sr_threadpool_size(const sr_threadpool* pool) { return pool ? pool->n_workers + 1 : 1; }

/* Writes a job for the workers; the caller holds `busy` and the previous job is complete. */
static void publish(sr_threadpool* pool, sr_threadpool_fn fn, void* ctx, size_t n, size_t chunk, size_t n_chunks) {
  const unsigned g = atomic_load_explicit(&pool->generation, memory_order_relaxed);
  atomic_store(&pool->generation, g + 1); /* odd: workers arriving now back off */
  /* A worker that joined the previous job after it completed may still be about to take from its shares. */
  while (atomic_load(&pool->active) != 0) cpu_relax();
  atomic_store_explicit(&pool->fn, fn, memory_order_relaxed);
  atomic_store_explicit(&pool->ctx, ctx, memory_order_relaxed);
  atomic_store_explicit(&pool->n, n, memory_order_relaxed);
  atomic_store_explicit(&pool->chunk, chunk, memory_order_relaxed);
  const size_t participants = (size_t)pool->n_workers + 1;
  for (size_t p = 0; p < participants; p++) {
    const uint64_t front = p * n_chunks / participants, back = (p + 1) * n_chunks / participants;
    atomic_store_explicit(&pool->shares[p].range, front << 32 | back, memory_order_relaxed);
  }
  atomic_store_explicit(&pool->chunks_done, 0, memory_order_relaxed);
  atomic_store(&pool->generation, g + 2); /* even: complete, and released to every worker that reads it */
  if (atomic_load(&pool->sleeping)) {
    pthread_mutex_lock(&pool->mutex);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mutex);
  }
}

void sr_threadpool_run(sr_threadpool* pool, size_t n, size_t grain, sr_threadpool_fn fn, void* ctx) {
  if (n == 0) return;
  if (grain == 0) grain = 1;
  if (!pool || n <= grain || atomic_flag_test_and_set_explicit(&pool->busy, memory_order_acquire)) {
    fn(ctx, 0, n);
    return;
  }
  /* At most participants * SR_POOL_CHUNKS_PER_THREAD chunks (so chunk numbers fit the shares' 32 bits). */
  const size_t participants = (size_t)pool->n_workers + 1, most = participants * SR_POOL_CHUNKS_PER_THREAD;
  size_t chunk = n / most + (n % most != 0);
  if (chunk < grain) chunk = grain;
  const size_t n_chunks = n / chunk + (n % chunk != 0);
  publish(pool, fn, ctx, n, chunk, n_chunks);
  work(pool, 0, fn, ctx, n, chunk);
  for (unsigned spins = 0; atomic_load_explicit(&pool->chunks_done, memory_order_acquire) != n_chunks; spins++) {
    if (spins < 4096) cpu_relax();
    else sched_yield();
  }
  atomic_flag_clear_explicit(&pool->busy, memory_order_release);
}
