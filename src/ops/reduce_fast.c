/*
 * reduce_fast.c — fast paths of the reductions the benchmark models spend time in, all bit-exact with the
 * reference kernels: float MEAN/SUM over a block of axes followed by kept ones (global average pooling [B, H, W, C]
 * over H, W) as column sums vectorized over the kept block, rows added in the reference's order; float MEAN/SUM of
 * whole rows (the last axes, as layer normalisation does) several rows at once through gathers, each row still
 * summed in order; quantized MEAN (LiteRT's H,W kernel and the general one) in one pass in memory order instead of
 * one pass per output (wrapping integer sums, so the same result). Each kernel splits its outputs (blocks of
 * kept channels, or rows) over the node's threads; every output is summed whole by one thread, so the split never
 * changes a bit.
 */
#include "reduce_fast.h"

#include "../core/parallel.h"
#include "vec_f32.h"

/* Splits dims into [outer, red, inner] when the reduced axes (ignoring size-1 ones) are contiguous. Returns 0
 * when they are not (or nothing is reduced), 1 when some kept axis of size > 1 follows them, 2 when none does
 * (rows reduced to one value each). */
static int outer_red_inner(const int32_t* dims, int rank, uint32_t mask, size_t* outer, size_t* red, size_t* inner) {
  int first = -1, last = -1;
  for (int d = 0; d < rank; d++)
    if ((mask & (1u << d)) && dims[d] != 1) {
      if (first < 0) first = d;
      last = d;
    }
  if (first < 0) return 0; /* nothing reduced: the reference copies */
  *outer = *red = *inner = 1;
  for (int d = 0; d < rank; d++) {
    const size_t n = (size_t)dims[d];
    if (d < first) {
      *outer *= n;
    } else if (d <= last) {
      if (!(mask & (1u << d)) && dims[d] != 1) return 0; /* a kept axis inside the reduced block */
      *red *= n;
    } else {
      *inner *= n;
    }
  }
  return *inner > 1 ? 1 : 2;
}

typedef void (*vsum_fn)(const float* x, size_t red, size_t inner, size_t stride, float* y, float divisor);
typedef void (*vsum_rows_fn)(const float* x, size_t rows, size_t red, float* y, float divisor);

/* Kept channels per work item of the [outer, red, inner] kernels: a whole number of cache lines of every
 * element type, so two threads never write one line of the output. */
enum { CHANNEL_BLOCK = 64 };

typedef struct f32_job {
  const float* x;
  float* y;
  size_t red, inner, width, blocks; /* blocks of `width` channels per outer index (layout [outer, red, inner]) */
  float divisor;
  vsum_fn sum;
  vsum_rows_fn sum_rows; /* rows layout [outer, red]: items are rows */
} f32_job;

static void f32_blocks(void* ctx, size_t begin, size_t end) {
  const f32_job* j = ctx;
  for (size_t i = begin; i < end; i++) {
    const size_t o = i / j->blocks, c0 = i % j->blocks * j->width;
    const size_t nc = j->inner - c0 < j->width ? j->inner - c0 : j->width;
    j->sum(j->x + o * j->red * j->inner + c0, j->red, nc, j->inner, j->y + o * j->inner + c0, j->divisor);
  }
}

static void f32_rows(void* ctx, size_t begin, size_t end) {
  const f32_job* j = ctx;
  j->sum_rows(j->x + begin * j->red, end - begin, j->red, j->y + begin, j->divisor);
}

static void f32_reduce(const sr_node* node, const void* in, const int32_t* dims, int rank, uint32_t mask, float* y,
                       int mean, vsum_fn sum, vsum_rows_fn sum_rows) {
  size_t outer, red, inner;
  const int shape = outer_red_inner(dims, rank, mask, &outer, &red, &inner);
  /* Float sums keep the reference's order down the rows, so only channels can be split. (Blocks of 16 for
   * few channels were measured no faster at 2 threads: the pass is bound by memory, not by the adds.) */
  const size_t width = CHANNEL_BLOCK;
  f32_job j = {in, y, red, inner, width, (inner + width - 1) / width, mean ? (float)red : 1.0f, sum, sum_rows};
  if (shape == 2) /* rows: red >= 1 here (empty reductions keep the reference kernel) */
    sr_parallel_for(node, outer, sr_parallel_grain(red), f32_rows, &j);
  else
    sr_parallel_for(node, outer * j.blocks, sr_parallel_grain((red ? red : 1) * width), f32_blocks, &j);
}

#if SR_HAVE_X86_KERNELS
static SR_REDUCE_FAST_DECL(sr_f32_mean__avx2) {
  (void)q, f32_reduce(node, in, dims, rank, mask, out, 1, sr_f32_vsum_outer__avx2, sr_f32_vsum_rows__avx2);
}
static SR_REDUCE_FAST_DECL(sr_f32_sum__avx2) {
  (void)q, f32_reduce(node, in, dims, rank, mask, out, 0, sr_f32_vsum_outer__avx2, sr_f32_vsum_rows__avx2);
}
static SR_REDUCE_FAST_DECL(sr_f32_mean__avx512) {
  (void)q, f32_reduce(node, in, dims, rank, mask, out, 1, sr_f32_vsum_outer__avx512, sr_f32_vsum_rows__avx512);
}
static SR_REDUCE_FAST_DECL(sr_f32_sum__avx512) {
  (void)q, f32_reduce(node, in, dims, rank, mask, out, 0, sr_f32_vsum_outer__avx512, sr_f32_vsum_rows__avx512);
}
#endif

/* NEON-emulation requantization of the H,W mean (the reference's rule for whole blocks of 16 channels). */
static int32_t neon_quant_mul(int32_t x, sr_qmul m) {
  const int left = m.shift > 0 ? m.shift : 0, right = m.shift > 0 ? 0 : -m.shift;
  const int64_t a = (int32_t)((uint32_t)x << left);
  const int64_t v = a == INT32_MIN && m.mult == INT32_MIN ? INT32_MAX : (a * m.mult + (1ll << 30)) >> 31;
  return right ? (int32_t)((v + (1ll << (right - 1))) >> right) : (int32_t)v;
}

static int32_t u32_to_i32(uint32_t v) { return v <= INT32_MAX ? (int32_t)v : (int32_t)(v - 0x80000000u) + INT32_MIN; }

/* 8- and 16-bit element access by type tag (the sums wrap in uint32, so their order does not matter). */
typedef enum q_type { Q_S8, Q_U8, Q_S16 } q_type;

/* acc[c] += x[r * stride + c] over r < red, c < n: one loop per type, with a constant width for whole blocks so
 * the compiler vectorizes it (local sums: no aliasing with x). */
#define SR_SUM_COLUMNS(NAME, T)                                                                            \
  static void NAME(const T* x, size_t red, size_t stride, size_t nc, uint32_t* acc) {                      \
    uint32_t a[CHANNEL_BLOCK] = {0};                                                                       \
    if (nc == CHANNEL_BLOCK)                                                                               \
      for (size_t r = 0; r < red; r++, x += stride)                                                        \
        for (size_t c = 0; c < CHANNEL_BLOCK; c++) a[c] += (uint32_t)(int32_t)x[c];                        \
    else                                                                                                   \
      for (size_t r = 0; r < red; r++, x += stride)                                                        \
        for (size_t c = 0; c < nc; c++) a[c] += (uint32_t)(int32_t)x[c];                                   \
    for (size_t c = 0; c < nc; c++) acc[c] = a[c];                                                         \
  }
SR_SUM_COLUMNS(sum_columns_s8, int8_t)
SR_SUM_COLUMNS(sum_columns_u8, uint8_t)
SR_SUM_COLUMNS(sum_columns_s16, int16_t)
#undef SR_SUM_COLUMNS

/* acc[c] = sum over r < red of x[r * stride + c] for c < nc (nc <= CHANNEL_BLOCK), x at element offset `at`. */
static void sum_columns(const void* x, q_type t, size_t at, size_t red, size_t stride, size_t nc, uint32_t* acc) {
  if (t == Q_S8) sum_columns_s8((const int8_t*)x + at, red, stride, nc, acc);
  else if (t == Q_U8) sum_columns_u8((const uint8_t*)x + at, red, stride, nc, acc);
  else sum_columns_s16((const int16_t*)x + at, red, stride, nc, acc);
}

static void store_q(void* y, q_type t, size_t i, int64_t v) {
  if (t == Q_S8) ((int8_t*)y)[i] = (int8_t)v;
  else if (t == Q_U8) ((uint8_t*)y)[i] = (uint8_t)v;
  else ((int16_t*)y)[i] = (int16_t)v;
}

/* The reference's finish of one output from its wrapped sum: the H,W kernel (hw, NEON rounding below vec_end) or
 * the general one (zero point times n removed, one requantization). */
static int64_t finish_mean(const sr_reduce_qparams* q, uint32_t sum, int hw, int neon) {
  if (hw) {
    const int32_t s = u32_to_i32(sum);
    return (int64_t)(neon ? neon_quant_mul(s, q->mul) : sr_quant_mul(s, q->mul)) + q->bias;
  }
  const int32_t s = u32_to_i32((uint32_t)((int64_t)u32_to_i32(sum) - (int64_t)q->in_zp * q->n));
  return (int64_t)sr_quant_mul(s, q->mul) + q->out_zp;
}

/* When a quantized MEAN has at most FEW_BLOCKS channel blocks, threads split the reduced rows instead, in
 * ROW_PARTS parts per block: integer sums wrap, so partial sums added afterwards give the same result. */
enum { FEW_BLOCKS = 4, ROW_PARTS = 8 };

typedef struct q_job {
  const void* x;
  void* y;
  q_type t;
  size_t red, inner, blocks, vec_end;
  const sr_reduce_qparams* q;
  int hw;
  uint32_t (*partial)[ROW_PARTS][CHANNEL_BLOCK]; /* row parts: [outer * blocks] */
} q_job;

/* Output channels [c0, c0 + nc) of outer index o from their wrapped sums. */
static void q_finish(const q_job* j, size_t o, size_t c0, size_t nc, const uint32_t* acc) {
  const sr_reduce_qparams* q = j->q;
  for (size_t c = 0; c < nc; c++) {
    const int64_t v = j->red ? finish_mean(q, acc[c], j->hw, c0 + c < j->vec_end) : 0;
    store_q(j->y, j->t, o * j->inner + c0 + c, v < q->lo ? q->lo : v > q->hi ? q->hi : v);
  }
}

/* Items of a quantized MEAN over [outer, red, inner]: blocks of CHANNEL_BLOCK kept channels, each summed in one
 * pass down the reduced rows. hw: LiteRT's H,W kernel, whose whole blocks of 16 channels round as NEON does. An
 * empty reduction gives 0, as the references. */
static void q_blocks(void* ctx, size_t begin, size_t end) {
  const q_job* j = ctx;
  uint32_t acc[CHANNEL_BLOCK];
  for (size_t i = begin; i < end; i++) {
    const size_t o = i / j->blocks, c0 = i % j->blocks * CHANNEL_BLOCK;
    const size_t nc = j->inner - c0 < CHANNEL_BLOCK ? j->inner - c0 : CHANNEL_BLOCK;
    sum_columns(j->x, j->t, o * j->red * j->inner + c0, j->red, j->inner, nc, acc);
    q_finish(j, o, c0, nc, acc);
  }
}

/* Items (block, part of the rows) of the row-split form: partial sums only. */
static void q_parts(void* ctx, size_t begin, size_t end) {
  const q_job* j = ctx;
  for (size_t i = begin; i < end; i++) {
    const size_t ob = i / ROW_PARTS, part = i % ROW_PARTS, o = ob / j->blocks, c0 = ob % j->blocks * CHANNEL_BLOCK;
    const size_t nc = j->inner - c0 < CHANNEL_BLOCK ? j->inner - c0 : CHANNEL_BLOCK;
    const size_t r0 = part * j->red / ROW_PARTS, r1 = (part + 1) * j->red / ROW_PARTS;
    sum_columns(j->x, j->t, (o * j->red + r0) * j->inner + c0, r1 - r0, j->inner, nc, j->partial[ob][part]);
  }
}

/* [B, H, W, C] over H, W (sr_i8/u8_mean_hw__ref) and the general [outer, red, inner] (sr_i8/u8/i16_mean__ref). */
static void q_mean_dims(const sr_node* node, const void* in, const int32_t* dims, int rank, uint32_t mask,
                        const sr_reduce_qparams* q, void* out, q_type t, int hw) {
  size_t outer, red, inner;
  if (hw) outer = (size_t)dims[0], red = (size_t)dims[1] * (size_t)dims[2], inner = (size_t)dims[3];
  else (void)outer_red_inner(dims, rank, mask, &outer, &red, &inner);
  q_job j = {in, out, t, red, inner, (inner + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK, inner / 16 * 16, q, hw, NULL};
  const size_t items = outer * j.blocks, part_work = (red / ROW_PARTS + 1) * CHANNEL_BLOCK;
  if (items > FEW_BLOCKS || sr_node_threads(node) < 2 || items * ROW_PARTS * part_work < 2 * SR_PARALLEL_MIN_WORK) {
    sr_parallel_for(node, items, sr_parallel_grain((red ? red : 1) * CHANNEL_BLOCK), q_blocks, &j);
    return;
  }
  uint32_t partial[FEW_BLOCKS][ROW_PARTS][CHANNEL_BLOCK];
  j.partial = partial;
  sr_parallel_for(node, items * ROW_PARTS, sr_parallel_grain(part_work), q_parts, &j);
  for (size_t ob = 0; ob < items; ob++) {
    const size_t c0 = ob % j.blocks * CHANNEL_BLOCK, nc = inner - c0 < CHANNEL_BLOCK ? inner - c0 : CHANNEL_BLOCK;
    uint32_t acc[CHANNEL_BLOCK] = {0};
    for (size_t part = 0; part < ROW_PARTS; part++)
      for (size_t c = 0; c < nc; c++) acc[c] += partial[ob][part][c];
    q_finish(&j, ob / j.blocks, c0, nc, acc);
  }
}
static SR_REDUCE_FAST_DECL(sr_i8_mean_hw__blocked) { q_mean_dims(node, in, dims, rank, mask, q, out, Q_S8, 1); }
static SR_REDUCE_FAST_DECL(sr_u8_mean_hw__blocked) { q_mean_dims(node, in, dims, rank, mask, q, out, Q_U8, 1); }
static SR_REDUCE_FAST_DECL(sr_i8_mean__blocked) { q_mean_dims(node, in, dims, rank, mask, q, out, Q_S8, 0); }
static SR_REDUCE_FAST_DECL(sr_u8_mean__blocked) { q_mean_dims(node, in, dims, rank, mask, q, out, Q_U8, 0); }
static SR_REDUCE_FAST_DECL(sr_i16_mean__blocked) { q_mean_dims(node, in, dims, rank, mask, q, out, Q_S16, 0); }

sr_reduce_fast_fn sr_reduce_fast_pick(sr_reduce_fn ref, const int32_t* dims, int rank, uint32_t mask, unsigned isa) {
  if (!isa) return NULL;
  if (ref == sr_i8_mean_hw__ref) return sr_i8_mean_hw__blocked;
  if (ref == sr_u8_mean_hw__ref) return sr_u8_mean_hw__blocked;
  size_t outer, red, inner;
  const int shape = outer_red_inner(dims, rank, mask, &outer, &red, &inner);
  if (shape == 1 && ref == sr_i8_mean__ref) return sr_i8_mean__blocked;
  if (shape == 1 && ref == sr_u8_mean__ref) return sr_u8_mean__blocked;
  if (shape == 1 && ref == sr_i16_mean__ref) return sr_i16_mean__blocked;
  /* rows: gathers need every lane offset (15 red) in int32 and something to sum */
  const int rows_ok = shape == 2 && red >= 1 && red < ((size_t)1 << 27);
  if ((ref != sr_f32_mean__ref && ref != sr_f32_sum__ref) || !(shape == 1 || rows_ok)) return NULL;
#if SR_HAVE_X86_KERNELS
  const int mean = ref == sr_f32_mean__ref;
  if (isa & SR_ISA_AVX512) return mean ? sr_f32_mean__avx512 : sr_f32_sum__avx512;
  if (isa & SR_ISA_AVX2_FMA) return mean ? sr_f32_mean__avx2 : sr_f32_sum__avx2;
#endif
  return NULL;
}
