/*
 * gemm_f32_avx2.c — AVX2 + FMA micro-kernels of the float GEMM (gemm_f32.h): 6 x 16 (12 ymm accumulators, two
 * B vectors and one broadcast in the 16 registers) and 2 x 16 for short row tails, each also in an 8-column form
 * for panels whose last 8 columns are padding. Column tails use masked loads and stores; B panels are
 * zero-padded to 16 columns, so their loads are always whole.
 */
#include "gemm_f32.h"

#include "../core/cpu.h"

#if SR_HAVE_X86_KERNELS
#include <immintrin.h>

#include "transpose8_avx2.h"

/* Lane i of the mask is set when column first + i < nr. */
static inline SR_TARGET_AVX2 __m256i cols_mask(size_t nr, size_t first) {
  const int32_t left = nr <= first ? 0 : nr - first >= 8 ? 8 : (int32_t)(nr - first);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(left), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* Row r's accumulators are named variables (x0_r, x1_r), not an array: GCC keeps an array of ymm values in
 * memory when 15 of the 16 registers are live, and stores it on every iteration. */
#define ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5)

static inline __attribute__((always_inline)) SR_TARGET_AVX2 void tile(const size_t MR, const int NV, size_t kc,
                                                                     size_t nseg, size_t seg_step, const float* a,
                                                                     size_t a_stride, const float* b, float* c,
                                                                     size_t ldc, size_t mr, size_t nr,
                                                                     const float* bias, float lo, float hi) {
#define DECL(r)                                                     \
  __m256 x0_##r = _mm256_setzero_ps(), x1_##r = _mm256_setzero_ps(); \
  const float* a_##r = a + (r < mr ? r : 0) * a_stride;
  ROWS(DECL)
  if (bias) {
    const __m256 b0 = _mm256_loadu_ps(bias), b1 = NV > 1 ? _mm256_loadu_ps(bias + 8) : b0;
#define INIT(r) \
  if (r < MR) x0_##r = b0, x1_##r = b1;
    ROWS(INIT)
  } else {
    const __m256i m0 = cols_mask(nr, 0), m1 = cols_mask(nr, 8);
#define LOAD(r)                                        \
  if (r < MR && r < mr) {                              \
    x0_##r = _mm256_maskload_ps(c + r * ldc, m0);     \
    if (NV > 1) x1_##r = _mm256_maskload_ps(c + r * ldc + 8, m1); \
  }
    ROWS(LOAD)
  }
  for (size_t s = 0, off = 0; s < nseg; s++, off += seg_step)
    for (size_t k = off; k < off + kc; k++, b += 16) {
      const __m256 w0 = _mm256_loadu_ps(b), w1 = NV > 1 ? _mm256_loadu_ps(b + 8) : w0;
#define STEP(r)                                          \
  if (r < MR) {                                          \
    const __m256 x = _mm256_broadcast_ss(a_##r + k);     \
    x0_##r = _mm256_fmadd_ps(x, w0, x0_##r);             \
    if (NV > 1) x1_##r = _mm256_fmadd_ps(x, w1, x1_##r); \
  }
      ROWS(STEP)
    }
  /* max(lo, v) and min(hi, v) return v when it is NaN, as the reference's comparisons do. */
  const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  const __m256i m0 = cols_mask(nr, 0), m1 = cols_mask(nr, 8);
#define STORE(r)                                                                              \
  if (r < MR && r < mr) {                                                                     \
    _mm256_maskstore_ps(c + r * ldc, m0, _mm256_min_ps(vhi, _mm256_max_ps(vlo, x0_##r)));     \
    if (NV > 1) _mm256_maskstore_ps(c + r * ldc + 8, m1, _mm256_min_ps(vhi, _mm256_max_ps(vlo, x1_##r))); \
  }
  ROWS(STORE)
}

#define KERNEL(MR, NC, NV)                                                                                     \
  static SR_TARGET_AVX2 void sr_f32_gemm_##MR##x##NC##__avx2(size_t kc, size_t nseg, size_t seg_step,         \
                                                             const float* a, size_t a_stride, const float* b,    \
                                                             float* c, size_t ldc, size_t mr, size_t nr,         \
                                                             const float* bias, float lo, float hi) {            \
    tile(MR, NV, kc, nseg, seg_step, a, a_stride, b, c, ldc, mr, nr, bias, lo, hi);                              \
  }
KERNEL(6, 16, 2)
KERNEL(6, 8, 1)
KERNEL(2, 16, 2)
KERNEL(2, 8, 1)

/* One row: four pairs of partial sums over k (k mod 4), added at the end, keep 8 FMAs in flight where one row
 * alone has 2. */
static SR_TARGET_AVX2 void sr_f32_gemm_1x16__avx2(size_t kc, size_t nseg, size_t seg_step, const float* a,
                                                  size_t a_stride, const float* b, float* c, size_t ldc, size_t mr,
                                                  size_t nr, const float* bias, float lo, float hi) {
  (void)a_stride, (void)ldc, (void)mr;
  const __m256i m0 = cols_mask(nr, 0), m1 = cols_mask(nr, 8);
  __m256 p0 = bias ? _mm256_loadu_ps(bias) : _mm256_maskload_ps(c, m0);
  __m256 q0 = bias ? _mm256_loadu_ps(bias + 8) : _mm256_maskload_ps(c + 8, m1);
  __m256 p1 = _mm256_setzero_ps(), q1 = p1, p2 = p1, q2 = p1, p3 = p1, q3 = p1;
  for (size_t s = 0, off = 0; s < nseg; s++, off += seg_step) {
    size_t k = off;
    for (; k + 4 <= off + kc; k += 4, b += 64) {
      const __m256 x0 = _mm256_broadcast_ss(a + k), x1 = _mm256_broadcast_ss(a + k + 1);
      const __m256 x2 = _mm256_broadcast_ss(a + k + 2), x3 = _mm256_broadcast_ss(a + k + 3);
      p0 = _mm256_fmadd_ps(x0, _mm256_loadu_ps(b), p0);
      q0 = _mm256_fmadd_ps(x0, _mm256_loadu_ps(b + 8), q0);
      p1 = _mm256_fmadd_ps(x1, _mm256_loadu_ps(b + 16), p1);
      q1 = _mm256_fmadd_ps(x1, _mm256_loadu_ps(b + 24), q1);
      p2 = _mm256_fmadd_ps(x2, _mm256_loadu_ps(b + 32), p2);
      q2 = _mm256_fmadd_ps(x2, _mm256_loadu_ps(b + 40), q2);
      p3 = _mm256_fmadd_ps(x3, _mm256_loadu_ps(b + 48), p3);
      q3 = _mm256_fmadd_ps(x3, _mm256_loadu_ps(b + 56), q3);
    }
    for (; k < off + kc; k++, b += 16) {
      const __m256 x = _mm256_broadcast_ss(a + k);
      p0 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b), p0);
      q0 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b + 8), q0);
    }
  }
  p0 = _mm256_add_ps(_mm256_add_ps(p0, p1), _mm256_add_ps(p2, p3));
  q0 = _mm256_add_ps(_mm256_add_ps(q0, q1), _mm256_add_ps(q2, q3));
  const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  _mm256_maskstore_ps(c, m0, _mm256_min_ps(vhi, _mm256_max_ps(vlo, p0)));
  _mm256_maskstore_ps(c + 8, m1, _mm256_min_ps(vhi, _mm256_max_ps(vlo, q0)));
}

static const sr_gemm_f32_arch arch = {"avx2",
                                      6,
                                      2,
                                      16,
                                      {sr_f32_gemm_6x16__avx2, sr_f32_gemm_6x8__avx2},
                                      {sr_f32_gemm_2x16__avx2, sr_f32_gemm_2x8__avx2},
                                      sr_f32_gemm_1x16__avx2};

const sr_gemm_f32_arch* sr_gemm_f32_avx2(void) { return &arch; }

/* Packing a panel from weights whose k runs contiguously (w_row == 1: OHWI filters, [N, K] FC weights): 8 x 8
 * blocks transposed in registers instead of one strided load per value (MobileNetV2's 3.5 M weights: packing
 * was a quarter of allocate). Columns past `cols` and k past the last whole block of 8 go value by value. */

SR_TARGET_AVX2 void sr_gemm_f32_pack_panel_k1__avx2(size_t nr, size_t cols, size_t k, const float* w, size_t w_col,
                                                   float* dst) {
  const size_t whole = cols / 8 * 8, kb = k / 8 * 8;
  for (size_t kk = 0; kk < kb; kk += 8)
    for (size_t jb = 0; jb < whole; jb += 8) {
      __m256 r[8];
      for (int t = 0; t < 8; t++) r[t] = _mm256_loadu_ps(w + (jb + (size_t)t) * w_col + kk);
      sr_f32_transpose8x8__avx2(r);
      for (int t = 0; t < 8; t++) _mm256_storeu_ps(dst + (kk + (size_t)t) * nr + jb, r[t]);
    }
  for (size_t kk = 0; kk < k; kk++) {
    float* row = dst + kk * nr;
    for (size_t jj = kk < kb ? whole : 0; jj < cols; jj++) row[jj] = w[jj * w_col + kk];
    for (size_t jj = cols; jj < nr; jj++) row[jj] = 0.0f;
  }
}
#else
const sr_gemm_f32_arch* sr_gemm_f32_avx2(void) { return 0; }
#endif
