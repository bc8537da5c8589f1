/*
 * common.c — error formatting, the allocator seam, the bump pool and shape helpers.
 * The allocator seam is the only place the library calls malloc; a test build (SIGRUN_TESTING) can make
 * the Nth allocation fail to prove every failure path returns NO_MEMORY and leaks nothing.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>

sigrun_status sr_vfail(sigrun_error* error, sigrun_status status, const char* fmt, va_list args) {
  if (error) {
    error->status = status;
    vsnprintf(error->message, sizeof error->message, fmt, args);
  }
  return status;
}

sigrun_status sr_fail(sigrun_error* error, sigrun_status status, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  sr_vfail(error, status, fmt, args);
  va_end(args);
  return status;
}

sigrun_status sr_null_argument(sigrun_error* error, const char* function, const char* argument) {
  return sr_fail(error, SIGRUN_STATUS_BAD_ARGUMENT, "%s: %s is NULL", function, argument);
}

sigrun_status sr_ok(sigrun_error* error) {
  if (error) {
    error->status = SIGRUN_STATUS_OK;
    error->message[0] = '\0';
  }
  return SIGRUN_STATUS_OK;
}

void sr_error_prefix(sigrun_error* error, const char* fmt, ...) {
  if (!error) return;
  char prefix[SIGRUN_ERROR_MESSAGE_SIZE];
  char old[SIGRUN_ERROR_MESSAGE_SIZE];
  va_list args;
  va_start(args, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, args);
  va_end(args);
  memcpy(old, error->message, sizeof old);
  old[sizeof old - 1] = '\0';
  snprintf(error->message, sizeof error->message, "%s: %s", prefix, old);
}

int sr_shape_count(const int32_t* dims, int rank, size_t* out) {
  size_t n = 1;
  for (int i = 0; i < rank; i++) {
    if (dims[i] < 0 || !sr_mul_size(n, (size_t)dims[i], &n)) return 0;
  }
  if (n > (size_t)INT32_MAX) return 0;
  *out = n;
  return 1;
}

const char* sr_shape_str(const int32_t* dims, int rank, char* buf, size_t size) {
  size_t used = 0;
  if (size == 0) return buf;
  buf[0] = '\0';
  used += (size_t)snprintf(buf + used, size - used, "[");
  for (int i = 0; i < rank && used < size; i++) {
    used += (size_t)snprintf(buf + used, size - used, i ? ",%d" : "%d", (int)dims[i]);
  }
  if (used < size) snprintf(buf + used, size - used, "]");
  return buf;
}

/* ---- allocator seam ---- */

#ifdef SIGRUN_TESTING
/* Test builds only: fail the Nth allocation (1-based); 0 disables. Never compiled into the library proper. */
long sr_test_alloc_fail_at = 0;
long sr_test_alloc_count = 0;
/* Relaxed atomics (GCC/Clang builtins, test builds only) so concurrency tests stay clean under TSan. */
static int sr_test_should_fail(void) {
  long n = __atomic_add_fetch(&sr_test_alloc_count, 1, __ATOMIC_RELAXED);
  long at = __atomic_load_n(&sr_test_alloc_fail_at, __ATOMIC_RELAXED);
  return at > 0 && n == at;
}
#define SR_MAYBE_FAIL() \
  do {                  \
    if (sr_test_should_fail()) return NULL; \
  } while (0)
#else
#define SR_MAYBE_FAIL() ((void)0)
#endif

void* sr_malloc(size_t size) {
  SR_MAYBE_FAIL();
  return malloc(size ? size : 1);
}

void* sr_calloc(size_t count, size_t size) {
  SR_MAYBE_FAIL();
  if (count == 0 || size == 0) return calloc(1, 1);
  return calloc(count, size);
}

void* sr_realloc(void* ptr, size_t size) {
  SR_MAYBE_FAIL();
  return realloc(ptr, size ? size : 1);
}

void sr_free(void* ptr) { free(ptr); }

void* sr_aligned_alloc(size_t size) {
  SR_MAYBE_FAIL();
  size_t rounded = sr_align_up(size ? size : 1, SR_ALIGN);
  if (rounded < size) return NULL;
  return aligned_alloc(SR_ALIGN, rounded);
}

void sr_aligned_free(void* ptr) { free(ptr); }

char* sr_strdup(const char* s) {
  size_t n = strlen(s) + 1;
  char* copy = sr_malloc(n);
  if (copy) memcpy(copy, s, n);
  return copy;
}

/* ---- bump pool ---- */

struct sr_pool_block {
  sr_pool_block* next;
  size_t size;
  /* payload follows, aligned to 16 */
};

#define SR_POOL_HEADER sr_align_up(sizeof(sr_pool_block), 16)
#define SR_POOL_MIN_BLOCK 4096

void sr_pool_init(sr_pool* pool) {
  pool->head = NULL;
  pool->used = 0;
  pool->total = 0;
}

void* sr_pool_alloc(sr_pool* pool, size_t size) {
  size = sr_align_up(size ? size : 1, 16);
  if (size == 0) return NULL; /* wrapped */
  if (!pool->head || pool->head->size - pool->used < size) {
    size_t payload = size > SR_POOL_MIN_BLOCK ? size : SR_POOL_MIN_BLOCK;
    if (payload > SIZE_MAX - SR_POOL_HEADER) return NULL;
    sr_pool_block* block = sr_malloc(SR_POOL_HEADER + payload);
    if (!block) return NULL;
    block->next = pool->head;
    block->size = payload;
    pool->head = block;
    pool->used = 0;
  }
  uint8_t* p = (uint8_t*)pool->head + SR_POOL_HEADER + pool->used;
  pool->used += size;
  pool->total += size;
  memset(p, 0, size);
  return p;
}

void* sr_pool_array(sr_pool* pool, size_t count, size_t size) {
  size_t bytes;
  if (!sr_mul_size(count, size, &bytes)) return NULL;
  return sr_pool_alloc(pool, bytes);
}

char* sr_pool_strdup(sr_pool* pool, const char* s) {
  size_t n = strlen(s) + 1;
  char* copy = sr_pool_alloc(pool, n);
  if (copy) memcpy(copy, s, n);
  return copy;
}

void sr_pool_destroy(sr_pool* pool) {
  sr_pool_block* b = pool->head;
  while (b) {
    sr_pool_block* next = b->next;
    sr_free(b);
    b = next;
  }
  sr_pool_init(pool);
}
