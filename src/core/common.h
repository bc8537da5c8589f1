/*
 * common.h — what every sigrun source file needs: errors as values, checked size arithmetic, the
 * allocator seam and the rank limit. No global mutable state lives here.
 */
#ifndef SR_COMMON_H
#define SR_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sigrun.h"

/* Highest tensor rank sigrun handles; models with higher ranks are rejected at load with a message. */
#define SR_MAX_RANK 8

/* Arena and tensor alignment in bytes (cache line; enough for any SIMD load). */
#define SR_ALIGN 64

#if defined(__GNUC__)
#define SR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define SR_UNUSED __attribute__((unused))
#else
#define SR_PRINTF(f, a)
#define SR_UNUSED
#endif

/* Fills *error (if not NULL) and returns status, so failures read `return sr_fail(err, ...)`. */
sigrun_status sr_fail(sigrun_error* error, sigrun_status status, const char* fmt, ...) SR_PRINTF(3, 4);
sigrun_status sr_vfail(sigrun_error* error, sigrun_status status, const char* fmt, va_list args);
/* BAD_ARGUMENT with "function: argument is NULL", for the public functions' argument checks. */
sigrun_status sr_null_argument(sigrun_error* error, const char* function, const char* argument);
/* Marks *error as OK with an empty message (if not NULL); returns SIGRUN_STATUS_OK. */
sigrun_status sr_ok(sigrun_error* error);
/* Prepends "prefix: " to the message already in *error (used to add where-context on the way up). */
void sr_error_prefix(sigrun_error* error, const char* fmt, ...) SR_PRINTF(2, 3);

/* Checked arithmetic: return 1 and store the result, or return 0 on overflow. */
static inline int sr_mul_size(size_t a, size_t b, size_t* out) {
  if (a != 0 && b > SIZE_MAX / a) return 0;
  *out = a * b;
  return 1;
}
static inline int sr_add_size(size_t a, size_t b, size_t* out) {
  if (b > SIZE_MAX - a) return 0;
  *out = a + b;
  return 1;
}
static inline size_t sr_align_up(size_t n, size_t align) { return (n + align - 1) & ~(align - 1); }

/* Element count of a shape; 0 on overflow of size_t or of the int32 element limit LiteRT keeps. Returns 1
 * on success. Negative dims fail. */
int sr_shape_count(const int32_t* dims, int rank, size_t* out);
/* Formats a shape as "[2,3,4]" into buf; returns buf. */
const char* sr_shape_str(const int32_t* dims, int rank, char* buf, size_t size);

/* The allocator seam. Every allocation of the library goes through these, so tests can inject failures. */
void* sr_malloc(size_t size);
void* sr_calloc(size_t count, size_t size);
void* sr_realloc(void* ptr, size_t size);
void sr_free(void* ptr);
/* size bytes aligned to SR_ALIGN; free with sr_aligned_free. */
void* sr_aligned_alloc(size_t size);
void sr_aligned_free(void* ptr);

/* Duplicates a string with sr_malloc. */
char* sr_strdup(const char* s);

/* A bump allocator for objects that live exactly as long as their owner (model metadata, runner tables).
 * Freed all at once. Blocks are SR_ALIGN aligned. */
typedef struct sr_pool_block sr_pool_block;
typedef struct sr_pool {
  sr_pool_block* head;
  size_t used; /* bytes used in head */
  size_t total; /* bytes handed out, for accounting */
} sr_pool;

void sr_pool_init(sr_pool* pool);
/* Zeroed memory of size bytes aligned to 16, or NULL if out of memory. */
void* sr_pool_alloc(sr_pool* pool, size_t size);
/* count * size with an overflow check. */
void* sr_pool_array(sr_pool* pool, size_t count, size_t size);
char* sr_pool_strdup(sr_pool* pool, const char* s);
void sr_pool_destroy(sr_pool* pool);

#endif /* SR_COMMON_H */
