/*
 * vec_f32.c — picks the vector elementwise kernels for a CPU and splits their work over threads. Chunks are
 * whole vectors of the output, so results do not depend on the split.
 */
#include "vec_f32.h"

#include "broadcast.h"
#include "../core/parallel.h"

sr_vec_unary_fn sr_vec_unary_kernel(unsigned isa) {
#if SR_HAVE_X86_KERNELS
  if (isa & SR_ISA_AVX512) return sr_f32_vunary__avx512;
  if (isa & SR_ISA_AVX2_FMA) return sr_f32_vunary__avx2;
#endif
  (void)isa;
  return NULL;
}

sr_vec_binary_fn sr_vec_binary_kernel(unsigned isa) {
#if SR_HAVE_X86_KERNELS
  if (isa & SR_ISA_AVX512) return sr_f32_vbinary__avx512;
  if (isa & SR_ISA_AVX2_FMA) return sr_f32_vbinary__avx2;
#endif
  (void)isa;
  return NULL;
}

sr_vec_pool_fn sr_vec_pool_kernel(unsigned isa) {
#if SR_HAVE_X86_KERNELS
  if (isa & SR_ISA_AVX512) return sr_f32_pool_pixel__avx512;
  if (isa & SR_ISA_AVX2_FMA) return sr_f32_pool_pixel__avx2;
#endif
  (void)isa;
  return NULL;
}

sr_vec_softmax_fn sr_vec_softmax_kernel(unsigned isa) {
#if SR_HAVE_X86_KERNELS
  if (isa & SR_ISA_AVX512) return sr_f32_softmax_rows__avx512;
  if (isa & SR_ISA_AVX2_FMA) return sr_f32_softmax_rows__avx2;
#endif
  (void)isa;
  return NULL;
}

sr_vec_softmax_scaled_fn sr_vec_softmax_scaled_kernel(unsigned isa) {
#if SR_HAVE_X86_KERNELS
  if (isa & SR_ISA_AVX512) return sr_f32_softmax_scaled_rows__avx512;
  if (isa & SR_ISA_AVX2_FMA) return sr_f32_softmax_scaled_rows__avx2;
#endif
  (void)isa;
  return NULL;
}

sr_vec_f16_fn sr_vec_f16_kernel(unsigned isa) {
#if SR_HAVE_X86_KERNELS
  if (isa & SR_ISA_AVX512) return sr_f16_f32_convert__avx512;
  if (isa & SR_ISA_AVX2_FMA) return sr_f16_f32_convert__avx2;
#endif
  (void)isa;
  return NULL;
}

sr_vec_layernorm_fn sr_vec_layernorm_kernel(unsigned isa) {
#if SR_HAVE_X86_KERNELS
  if (isa & SR_ISA_AVX512) return sr_f32_layernorm_rows__avx512;
  if (isa & SR_ISA_AVX2_FMA) return sr_f32_layernorm_rows__avx2;
#endif
  (void)isa;
  return NULL;
}

sr_vec_dequant_s8_fn sr_vec_dequant_s8_kernel(unsigned isa) {
#if SR_HAVE_X86_KERNELS
  if (isa & SR_ISA_AVX512) return sr_qs8_f32_dequantize__avx512;
  if (isa & SR_ISA_AVX2_FMA) return sr_qs8_f32_dequantize__avx2;
#endif
  (void)isa;
  return NULL;
}

enum { UNARY_CHUNK = 8192 }; /* elements per work item: 32 KiB in and out, a multiple of every vector width */

typedef struct unary_job {
  sr_vec_unary_fn fn;
  const sr_vec_unary* u;
  const float* x;
  float* y;
  size_t n;
} unary_job;

static void unary_chunks(void* ctx, size_t begin, size_t end) {
  const unary_job* j = ctx;
  const size_t lo = begin * UNARY_CHUNK, hi = end * UNARY_CHUNK < j->n ? end * UNARY_CHUNK : j->n;
  j->fn(j->u, j->x + lo, j->y + lo, hi - lo);
}

void sr_vec_unary_run(const sr_node* node, sr_vec_unary_fn fn, const sr_vec_unary* u, const float* x, float* y,
                      size_t n) {
  unary_job j = {fn, u, x, y, n};
  sr_parallel_for(node, (n + UNARY_CHUNK - 1) / UNARY_CHUNK, 1, unary_chunks, &j);
}

enum { BINARY_CHUNK = 8192 }; /* rows at least twice this long are split into chunks of it */

void sr_vec_f32_row(const void* ctx, const void* a, size_t sa, const void* b, size_t sb, void* y, size_t n) {
  const sr_vec_f32_binary* f = ctx;
  f->fn(f->op, a, sa, b, sb, y, n, f->lo, f->hi);
}

typedef struct binary_job {
  sr_vec_row_fn row;
  const void* ctx;
  size_t size; /* bytes per element */
  const sr_broadcast_plan* p;
  const char *a, *b;
  char* y;
  size_t chunks_per_row;
} binary_job;

/* The outer counters and input offsets of inner row `row`. */
static void row_position(const sr_broadcast_plan* p, size_t row, size_t* idx, size_t* off) {
  off[0] = off[1] = 0;
  for (int ax = p->rank - 2; ax >= 0; ax--) {
    idx[ax] = row % p->dims[ax];
    row /= p->dims[ax];
    off[0] += idx[ax] * p->strides[0][ax];
    off[1] += idx[ax] * p->strides[1][ax];
  }
}

static void binary_items(void* ctx, size_t begin, size_t end) {
  const binary_job* j = ctx;
  const sr_broadcast_plan* p = j->p;
  const size_t n = sr_broadcast_inner(p), sa = sr_broadcast_inner_stride(p, 0), sb = sr_broadcast_inner_stride(p, 1);
  const size_t z = j->size;
  size_t idx[SR_MAX_RANK] = {0}, off[SR_BROADCAST_MAX_INPUTS] = {0};
  if (j->chunks_per_row > 1) { /* items are chunks of long rows */
    for (size_t i = begin; i < end; i++) {
      const size_t row = i / j->chunks_per_row, lo = (i % j->chunks_per_row) * BINARY_CHUNK;
      const size_t len = n - lo < BINARY_CHUNK ? n - lo : BINARY_CHUNK;
      row_position(p, row, idx, off);
      j->row(j->ctx, j->a + (off[0] + lo * sa) * z, sa, j->b + (off[1] + lo * sb) * z, sb, j->y + (row * n + lo) * z,
             len);
    }
    return;
  }
  row_position(p, begin, idx, off);
  for (size_t row = begin; row < end; row++) {
    j->row(j->ctx, j->a + off[0] * z, sa, j->b + off[1] * z, sb, j->y + row * n * z, n);
    sr_broadcast_next(p, idx, off);
  }
}

void sr_vec_binary_run(const sr_node* node, sr_vec_row_fn row, const void* ctx, size_t elem_size,
                       const sr_broadcast_plan* plan, const void* a, const void* b, void* y) {
  const size_t n = sr_broadcast_inner(plan);
  const size_t chunks_per_row = n >= 2 * BINARY_CHUNK ? (n + BINARY_CHUNK - 1) / BINARY_CHUNK : 1;
  binary_job j = {row, ctx, elem_size, plan, a, b, y, chunks_per_row};
  const size_t items = plan->outer * j.chunks_per_row;
  /* short rows are grouped so one item holds about a chunk of output */
  const size_t grain = j.chunks_per_row > 1 || n >= BINARY_CHUNK ? 1 : BINARY_CHUNK / (n ? n : 1);
  sr_parallel_for(node, items, grain, binary_items, &j);
}
