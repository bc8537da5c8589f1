/*
 * gemm_f32_avx512.c — AVX-512 micro-kernels of the float GEMM (gemm_f32.h): 14 x 32 (28 zmm accumulators, two
 * B vectors and one broadcast fill the 32 registers; 28 FMAs per 16 loads keep both FMA ports busy) and 4 x 32
 * for short row tails and single-row products (8 independent FMA chains cover the FMA latency), each also in a
 * 16-column form for panels whose last 16 columns are padding. Column tails are masked loads and stores; B panels
 * are zero-padded to 32 columns, so their loads are always whole.
 */
#include "gemm_f32.h"

#include "../core/cpu.h"

#if SR_HAVE_X86_KERNELS
#include <immintrin.h>

static inline __mmask16 cols_mask(size_t nr, size_t first) {
  if (nr <= first) return 0;
  return nr - first >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (nr - first)) - 1);
}

/* The body of every kernel: MR rows, NV vectors of 16 columns. Both are constants after inlining; row r's
 * accumulators are named variables (x0_r, x1_r) rather than an array, so they live in registers at every
 * optimization level (GCC keeps arrays of vectors in memory at -O2). Rows from mr on read row 0 and are not
 * stored. */
#define ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13)

static inline __attribute__((always_inline)) SR_TARGET_AVX512 void tile(const size_t MR, const int NV, size_t kc,
                                                                       size_t nseg, size_t seg_step, const float* a,
                                                                       size_t a_stride, const float* b, float* c,
                                                                       size_t ldc, size_t mr, size_t nr,
                                                                       const float* bias, float lo, float hi) {
#define DECL(r)                                                     \
  __m512 x0_##r = _mm512_setzero_ps(), x1_##r = _mm512_setzero_ps(); \
  const float* a_##r = a + (r < mr ? r : 0) * a_stride;
  ROWS(DECL)
  const __mmask16 m0 = cols_mask(nr, 0), m1 = cols_mask(nr, 16);
  if (bias) {
    const __m512 b0 = _mm512_loadu_ps(bias), b1 = NV > 1 ? _mm512_loadu_ps(bias + 16) : b0;
#define INIT(r) \
  if (r < MR) x0_##r = b0, x1_##r = b1;
    ROWS(INIT)
  } else {
#define LOAD(r)                                                          \
  if (r < MR && r < mr) {                                                \
    x0_##r = _mm512_maskz_loadu_ps(m0, c + r * ldc);                     \
    if (NV > 1) x1_##r = _mm512_maskz_loadu_ps(m1, c + r * ldc + 16);    \
  }
    ROWS(LOAD)
  }
  for (size_t s = 0, off = 0; s < nseg; s++, off += seg_step)
    for (size_t k = off; k < off + kc; k++, b += 32) {
      const __m512 w0 = _mm512_loadu_ps(b), w1 = NV > 1 ? _mm512_loadu_ps(b + 16) : w0;
      /* 16 k steps ahead: in a model, weights come from L3 or memory more often than not (whole MobileNetV2 and
       * hand landmarks ~5% faster; L1-resident products like a transformer's ~1% slower). */
      _mm_prefetch((const char*)(b + 512), _MM_HINT_T0);
      if (NV > 1) _mm_prefetch((const char*)(b + 512 + 16), _MM_HINT_T0);
#define STEP(r)                                          \
  if (r < MR) {                                          \
    const __m512 x = _mm512_set1_ps(a_##r[k]);           \
    x0_##r = _mm512_fmadd_ps(x, w0, x0_##r);             \
    if (NV > 1) x1_##r = _mm512_fmadd_ps(x, w1, x1_##r); \
  }
      ROWS(STEP)
    }
  /* max(lo, v) and min(hi, v) return v when it is NaN, as the reference's comparisons do. */
  const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
#define STORE(r)                                                                                                \
  if (r < MR && r < mr) {                                                                                       \
    _mm512_mask_storeu_ps(c + r * ldc, m0, _mm512_min_ps(vhi, _mm512_max_ps(vlo, x0_##r)));                     \
    if (NV > 1) _mm512_mask_storeu_ps(c + r * ldc + 16, m1, _mm512_min_ps(vhi, _mm512_max_ps(vlo, x1_##r)));    \
  }
  ROWS(STORE)
}

#define KERNEL(MR, NC, NV)                                                                                        \
  static SR_TARGET_AVX512 void sr_f32_gemm_##MR##x##NC##__avx512(                                                \
      size_t kc, size_t nseg, size_t seg_step, const float* a, size_t a_stride, const float* b, float* c, size_t ldc, \
      size_t mr, size_t nr, const float* bias, float lo, float hi) {                                              \
    tile(MR, NV, kc, nseg, seg_step, a, a_stride, b, c, ldc, mr, nr, bias, lo, hi);                               \
  }
KERNEL(14, 32, 2)
KERNEL(14, 16, 1)
KERNEL(4, 32, 2)
KERNEL(4, 16, 1)

/* One row: four pairs of partial sums over k (k mod 4), added at the end, keep 8 FMAs in flight where one row
 * alone has 2; the B panel then streams at two vectors per FMA pair, as fast as L2 delivers it. */
static SR_TARGET_AVX512 void sr_f32_gemm_1x32__avx512(size_t kc, size_t nseg, size_t seg_step, const float* a,
                                                      size_t a_stride, const float* b, float* c, size_t ldc,
                                                      size_t mr, size_t nr, const float* bias, float lo, float hi) {
  (void)a_stride, (void)ldc, (void)mr;
  const __mmask16 m0 = cols_mask(nr, 0), m1 = cols_mask(nr, 16);
  __m512 p0 = bias ? _mm512_loadu_ps(bias) : _mm512_maskz_loadu_ps(m0, c);
  __m512 q0 = bias ? _mm512_loadu_ps(bias + 16) : _mm512_maskz_loadu_ps(m1, c + 16);
  __m512 p1 = _mm512_setzero_ps(), q1 = p1, p2 = p1, q2 = p1, p3 = p1, q3 = p1;
  for (size_t s = 0, off = 0; s < nseg; s++, off += seg_step) {
    size_t k = off;
    for (; k + 4 <= off + kc; k += 4, b += 128) {
      const __m512 x0 = _mm512_set1_ps(a[k]), x1 = _mm512_set1_ps(a[k + 1]);
      const __m512 x2 = _mm512_set1_ps(a[k + 2]), x3 = _mm512_set1_ps(a[k + 3]);
      p0 = _mm512_fmadd_ps(x0, _mm512_loadu_ps(b), p0);
      q0 = _mm512_fmadd_ps(x0, _mm512_loadu_ps(b + 16), q0);
      p1 = _mm512_fmadd_ps(x1, _mm512_loadu_ps(b + 32), p1);
      q1 = _mm512_fmadd_ps(x1, _mm512_loadu_ps(b + 48), q1);
      p2 = _mm512_fmadd_ps(x2, _mm512_loadu_ps(b + 64), p2);
      q2 = _mm512_fmadd_ps(x2, _mm512_loadu_ps(b + 80), q2);
      p3 = _mm512_fmadd_ps(x3, _mm512_loadu_ps(b + 96), p3);
      q3 = _mm512_fmadd_ps(x3, _mm512_loadu_ps(b + 112), q3);
    }
    for (; k < off + kc; k++, b += 32) {
      const __m512 x = _mm512_set1_ps(a[k]);
      p0 = _mm512_fmadd_ps(x, _mm512_loadu_ps(b), p0);
      q0 = _mm512_fmadd_ps(x, _mm512_loadu_ps(b + 16), q0);
    }
  }
  p0 = _mm512_add_ps(_mm512_add_ps(p0, p1), _mm512_add_ps(p2, p3));
  q0 = _mm512_add_ps(_mm512_add_ps(q0, q1), _mm512_add_ps(q2, q3));
  const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
  _mm512_mask_storeu_ps(c, m0, _mm512_min_ps(vhi, _mm512_max_ps(vlo, p0)));
  _mm512_mask_storeu_ps(c + 16, m1, _mm512_min_ps(vhi, _mm512_max_ps(vlo, q0)));
}

static const sr_gemm_f32_arch arch = {"avx512",
                                      14,
                                      4,
                                      32,
                                      {sr_f32_gemm_14x32__avx512, sr_f32_gemm_14x16__avx512},
                                      {sr_f32_gemm_4x32__avx512, sr_f32_gemm_4x16__avx512},
                                      sr_f32_gemm_1x32__avx512};

const sr_gemm_f32_arch* sr_gemm_f32_avx512(void) { return &arch; }
#else
const sr_gemm_f32_arch* sr_gemm_f32_avx512(void) { return 0; }
#endif
