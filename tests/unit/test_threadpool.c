/*
 * test_threadpool.c — the interpreter's worker pool (src/core/threadpool.c): every item of every job runs
 * exactly once whatever the range, grain and thread count; jobs issued back to back (the invoke pattern) and
 * after workers went to sleep; two callers at once (one runs alone); a job issued from inside a job; the
 * one-thread case without a pool; a range of at most one grain runs in one call on the caller; a worker done
 * with its share steals from the caller's. Also run under ThreadSanitizer by scripts/test.sh.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "core/threadpool.h"
#include "harness.h"

typedef struct count_job {
  atomic_int* hits;
  size_t n;
  atomic_int bad_range;
} count_job;

static void count_items(void* ctx, size_t begin, size_t end) {
  count_job* job = ctx;
  if (begin >= end || end > job->n) atomic_fetch_add(&job->bad_range, 1);
  for (size_t i = begin; i < end && i < job->n; i++) atomic_fetch_add(&job->hits[i], 1);
}

/* Runs one job over n items and checks each ran once. */
static int run_and_check(sr_threadpool* pool, size_t n, size_t grain) {
  static atomic_int hits[5000];
  count_job job = {hits, n, 0};
  for (size_t i = 0; i < n; i++) atomic_init(&hits[i], 0);
  atomic_init(&job.bad_range, 0);
  sr_threadpool_run(pool, n, grain, count_items, &job);
  if (atomic_load(&job.bad_range)) return 0;
  for (size_t i = 0; i < n; i++)
    if (atomic_load(&hits[i]) != 1) return 0;
  return 1;
}

static void test_every_item_once(void) {
  const int threads[] = {2, 3, 4};
  const size_t sizes[] = {0, 1, 2, 3, 7, 8, 63, 64, 65, 1000, 4999};
  const size_t grains[] = {0, 1, 3, 16, 5000};
  for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
    sr_threadpool* pool = sr_threadpool_create(threads[t]);
    CHECK(pool != NULL);
    CHECK(sr_threadpool_size(pool) == threads[t]);
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
      for (size_t g = 0; g < sizeof grains / sizeof *grains; g++) CHECK(run_and_check(pool, sizes[s], grains[g]));
    sr_threadpool_destroy(pool);
  }
}

static void test_back_to_back_and_after_sleep(void) {
  sr_threadpool* pool = sr_threadpool_create(2);
  CHECK(pool != NULL);
  int ok = 1;
  for (int i = 0; i < 2000; i++) ok &= run_and_check(pool, 97, 1);
  CHECK(ok);
  struct timespec pause = {0, 30 * 1000 * 1000}; /* long enough for the workers to stop spinning and sleep */
  nanosleep(&pause, NULL);
  CHECK(run_and_check(pool, 1000, 1));
  sr_threadpool_destroy(pool);
}

static void test_no_pool_runs_on_caller(void) {
  CHECK(sr_threadpool_create(1) == NULL);
  CHECK(sr_threadpool_size(NULL) == 1);
  CHECK(run_and_check(NULL, 100, 1));
  sr_threadpool_destroy(NULL);
}

/* A kernel that asks the pool again from inside a job gets its range run in place. */
typedef struct nested_job {
  sr_threadpool* pool;
  atomic_int inner_items;
} nested_job;

static void inner(void* ctx, size_t begin, size_t end) {
  nested_job* job = ctx;
  atomic_fetch_add(&job->inner_items, (int)(end - begin));
}

static void outer(void* ctx, size_t begin, size_t end) {
  nested_job* job = ctx;
  for (size_t i = begin; i < end; i++) sr_threadpool_run(job->pool, 10, 1, inner, job);
}

static void test_nested(void) {
  nested_job job;
  job.pool = sr_threadpool_create(2);
  atomic_init(&job.inner_items, 0);
  CHECK(job.pool != NULL);
  sr_threadpool_run(job.pool, 50, 1, outer, &job);
  CHECK(atomic_load(&job.inner_items) == 500);
  sr_threadpool_destroy(job.pool);
}

/* Two application threads share one pool (two runners of one interpreter invoking at once). */
typedef struct caller_arg {
  sr_threadpool* pool;
  atomic_int hits[300];
  int ok;
} caller_arg;

static void* caller(void* arg) {
  caller_arg* a = arg;
  a->ok = 1;
  for (int round = 0; round < 300; round++) {
    count_job job = {a->hits, 300, 0};
    for (size_t i = 0; i < 300; i++) atomic_init(&a->hits[i], 0);
    atomic_init(&job.bad_range, 0);
    sr_threadpool_run(a->pool, 300, 4, count_items, &job);
    for (size_t i = 0; i < 300; i++) a->ok &= atomic_load(&a->hits[i]) == 1;
    a->ok &= atomic_load(&job.bad_range) == 0;
  }
  return NULL;
}

static void test_concurrent_callers(void) {
  sr_threadpool* pool = sr_threadpool_create(3);
  CHECK(pool != NULL);
  static caller_arg args[2];
  pthread_t t[2];
  for (int i = 0; i < 2; i++) {
    args[i].pool = pool;
    CHECK(pthread_create(&t[i], NULL, caller, &args[i]) == 0);
  }
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  CHECK(args[0].ok && args[1].ok);
  sr_threadpool_destroy(pool);
}

/* Records which thread ran each item and how many calls were made. */
typedef struct who_job {
  pthread_t who[64];
  atomic_int calls;
  size_t slow_below; /* items below this take 2 ms each */
} who_job;

static void record_thread(void* ctx, size_t begin, size_t end) {
  who_job* job = ctx;
  atomic_fetch_add(&job->calls, 1);
  for (size_t i = begin; i < end; i++) {
    job->who[i] = pthread_self();
    if (i < job->slow_below) {
      struct timespec pause = {0, 2 * 1000 * 1000};
      nanosleep(&pause, NULL);
    }
  }
}

/* A range no longer than the grain (below the work worth a thread) is one call on the calling thread. */
static void test_one_grain_runs_on_caller(void) {
  sr_threadpool* pool = sr_threadpool_create(3);
  CHECK(pool != NULL);
  for (size_t n = 1; n <= 40; n += 13) {
    who_job job;
    memset(&job, 0, sizeof job);
    atomic_init(&job.calls, 0);
    sr_threadpool_run(pool, n, 40, record_thread, &job);
    CHECK(atomic_load(&job.calls) == 1);
    for (size_t i = 0; i < n; i++) CHECK(pthread_equal(job.who[i], pthread_self()));
  }
  sr_threadpool_destroy(pool);
}

/* The caller's share (the first half with 2 threads) is slow: the worker finishes its own share and takes
 * chunks from the back of the caller's, so the job ends well before the caller could do it alone. */
static void test_worker_steals(void) {
  sr_threadpool* pool = sr_threadpool_create(2);
  CHECK(pool != NULL);
  who_job job;
  memset(&job, 0, sizeof job);
  atomic_init(&job.calls, 0);
  job.slow_below = 32;
  sr_threadpool_run(pool, 64, 1, record_thread, &job);
  int stolen = 0;
  for (size_t i = 0; i < 32; i++) stolen += !pthread_equal(job.who[i], pthread_self());
  CHECK(stolen > 0);
  sr_threadpool_destroy(pool);
}

int main(void) {
  RUN(test_every_item_once);
  RUN(test_back_to_back_and_after_sleep);
  RUN(test_no_pool_runs_on_caller);
  RUN(test_nested);
  RUN(test_concurrent_callers);
  RUN(test_one_grain_runs_on_caller);
  RUN(test_worker_steals);
  return TEST_SUMMARY();
}
