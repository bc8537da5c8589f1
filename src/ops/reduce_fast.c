/*
 * reduce_fast.c — fast paths of the reductions the benchmark models spend time in, all bit-exact with the
 * reference kernels: float MEAN/SUM over a block of axes followed by kept ones (global average pooling [B, H, W, C]
 * over H, W) as column sums vectorized over the kept block, rows added in the reference's order; float MEAN/SUM of
 * whole rows (the last axes, as layer normalisation does) several rows at once through gathers, each row still
 * summed in order; quantized MEAN (LiteRT's H,W kernel and the general one) in one pass in memory order instead of
 * one pass per output (wrapping integer sums, so the same result).
 */
#include "reduce_fast.h"

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

typedef void (*vsum_fn)(const float* x, size_t red, size_t inner, float* y, float divisor);

typedef void (*vsum_rows_fn)(const float* x, size_t rows, size_t red, float* y, float divisor);

static void f32_reduce(const void* in, const int32_t* dims, int rank, uint32_t mask, float* y, int mean, vsum_fn sum,
                       vsum_rows_fn sum_rows) {
  size_t outer, red, inner;
  const int shape = outer_red_inner(dims, rank, mask, &outer, &red, &inner);
  const float* x = in;
  const float divisor = mean ? (float)red : 1.0f;
  if (shape == 2) { /* rows: red >= 1 here (empty reductions keep the reference kernel) */
    sum_rows(x, outer, red, y, divisor);
    return;
  }
  for (size_t o = 0; o < outer; o++) sum(x + o * red * inner, red, inner, y + o * inner, divisor);
}

#if SR_HAVE_X86_KERNELS
static SR_REDUCE_DECL(sr_f32_mean__avx2) {
  (void)q, f32_reduce(in, dims, rank, mask, out, 1, sr_f32_vsum_outer__avx2, sr_f32_vsum_rows__avx2);
}
static SR_REDUCE_DECL(sr_f32_sum__avx2) {
  (void)q, f32_reduce(in, dims, rank, mask, out, 0, sr_f32_vsum_outer__avx2, sr_f32_vsum_rows__avx2);
}
static SR_REDUCE_DECL(sr_f32_mean__avx512) {
  (void)q, f32_reduce(in, dims, rank, mask, out, 1, sr_f32_vsum_outer__avx512, sr_f32_vsum_rows__avx512);
}
static SR_REDUCE_DECL(sr_f32_sum__avx512) {
  (void)q, f32_reduce(in, dims, rank, mask, out, 0, sr_f32_vsum_outer__avx512, sr_f32_vsum_rows__avx512);
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

enum { MEAN_HW_BLOCK = 256 }; /* channels summed per pass: the sums stay in L1 */

/* sr_i8_mean_hw__ref / sr_u8_mean_hw__ref with the pixel loop outside the channel loop. */
#define SR_MEAN_HW_BLOCKED(NAME, T)                                                                          \
  static SR_REDUCE_DECL(NAME) {                                                                              \
    const T* x = in;                                                                                         \
    T* y = out;                                                                                              \
    (void)rank, (void)mask;                                                                                  \
    const size_t batches = (size_t)dims[0], hw = (size_t)dims[1] * (size_t)dims[2], depth = (size_t)dims[3]; \
    const size_t vec_end = depth / 16 * 16;                                                                  \
    uint32_t acc[MEAN_HW_BLOCK];                                                                             \
    for (size_t b = 0; b < batches; b++)                                                                     \
      for (size_t c0 = 0; c0 < depth; c0 += MEAN_HW_BLOCK) {                                                 \
        const size_t nc = depth - c0 < MEAN_HW_BLOCK ? depth - c0 : MEAN_HW_BLOCK;                           \
        for (size_t c = 0; c < nc; c++) acc[c] = 0;                                                          \
        const T* px = x + b * hw * depth + c0;                                                               \
        for (size_t i = 0; i < hw; i++, px += depth)                                                         \
          for (size_t c = 0; c < nc; c++) acc[c] += (uint32_t)(int32_t)px[c];                                \
        for (size_t c = 0; c < nc; c++) {                                                                    \
          const size_t ch = c0 + c;                                                                          \
          if (hw == 0) {                                                                                     \
            y[b * depth + ch] = 0;                                                                           \
            continue;                                                                                        \
          }                                                                                                  \
          const int32_t s = u32_to_i32(acc[c]);                                                              \
          const int32_t v = ch < vec_end ? neon_quant_mul(s, q->mul) : sr_quant_mul(s, q->mul);              \
          const int64_t o = (int64_t)v + q->bias;                                                            \
          y[b * depth + ch] = (T)(o < q->lo ? q->lo : o > q->hi ? q->hi : o);                                \
        }                                                                                                    \
      }                                                                                                      \
  }
SR_MEAN_HW_BLOCKED(sr_i8_mean_hw__blocked, int8_t)
SR_MEAN_HW_BLOCKED(sr_u8_mean_hw__blocked, uint8_t)

/* sr_i8/u8/i16_mean__ref (the general quantized MEAN) over [outer, red, inner]: wrapping int32 sums gathered
 * row by row, then the reference's single requantization. */
#define SR_QMEAN_BLOCKED(NAME, T)                                                                              \
  static SR_REDUCE_DECL(NAME) {                                                                                \
    const T* x = in;                                                                                           \
    T* y = out;                                                                                                \
    size_t outer, red, inner;                                                                                  \
    (void)outer_red_inner(dims, rank, mask, &outer, &red, &inner);                                             \
    uint32_t acc[MEAN_HW_BLOCK];                                                                               \
    for (size_t o = 0; o < outer; o++)                                                                         \
      for (size_t c0 = 0; c0 < inner; c0 += MEAN_HW_BLOCK) {                                                   \
        const size_t nc = inner - c0 < MEAN_HW_BLOCK ? inner - c0 : MEAN_HW_BLOCK;                             \
        for (size_t c = 0; c < nc; c++) acc[c] = 0;                                                            \
        const T* px = x + o * red * inner + c0;                                                                \
        for (size_t r = 0; r < red; r++, px += inner)                                                          \
          for (size_t c = 0; c < nc; c++) acc[c] += (uint32_t)(int32_t)px[c];                                  \
        for (size_t c = 0; c < nc; c++) {                                                                      \
          T* dst = y + o * inner + c0 + c;                                                                     \
          if (red == 0) {                                                                                      \
            *dst = 0;                                                                                          \
            continue;                                                                                          \
          }                                                                                                    \
          const int32_t s = u32_to_i32((uint32_t)((int64_t)u32_to_i32(acc[c]) - (int64_t)q->in_zp * q->n));  \
          const int64_t v = (int64_t)sr_quant_mul(s, q->mul) + q->out_zp;                                     \
          *dst = (T)(v < q->lo ? q->lo : v > q->hi ? q->hi : v);                                               \
        }                                                                                                      \
      }                                                                                                        \
  }
SR_QMEAN_BLOCKED(sr_i8_mean__blocked, int8_t)
SR_QMEAN_BLOCKED(sr_u8_mean__blocked, uint8_t)
SR_QMEAN_BLOCKED(sr_i16_mean__blocked, int16_t)

sr_reduce_fn sr_reduce_fast_pick(sr_reduce_fn ref, const int32_t* dims, int rank, uint32_t mask, unsigned isa) {
  if (!isa) return ref;
  if (ref == sr_i8_mean_hw__ref) return sr_i8_mean_hw__blocked;
  if (ref == sr_u8_mean_hw__ref) return sr_u8_mean_hw__blocked;
  size_t outer, red, inner;
  const int shape = outer_red_inner(dims, rank, mask, &outer, &red, &inner);
  if (shape == 1 && ref == sr_i8_mean__ref) return sr_i8_mean__blocked;
  if (shape == 1 && ref == sr_u8_mean__ref) return sr_u8_mean__blocked;
  if (shape == 1 && ref == sr_i16_mean__ref) return sr_i16_mean__blocked;
  /* rows: gathers need every lane offset (15 red) in int32 and something to sum */
  const int rows_ok = shape == 2 && red >= 1 && red < ((size_t)1 << 27);
  if ((ref != sr_f32_mean__ref && ref != sr_f32_sum__ref) || !(shape == 1 || rows_ok)) return ref;
#if SR_HAVE_X86_KERNELS
  const int mean = ref == sr_f32_mean__ref;
  if (isa & SR_ISA_AVX512) return mean ? sr_f32_mean__avx512 : sr_f32_sum__avx512;
  if (isa & SR_ISA_AVX2_FMA) return mean ? sr_f32_mean__avx2 : sr_f32_sum__avx2;
#endif
  return ref;
}
