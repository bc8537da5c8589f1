/*
 * gemm_f32_avx512.c — AVX-512 micro-kernels of the float GEMM (gemm_f32.h): 14 x 32 (28 zmm accumulators, two
 * B vectors and one broadcast fill the 32 registers; 28 FMAs per 16 loads keep both FMA ports busy) and 4 x 32
 * for short row tails and single-row products (8 independent FMA chains cover the FMA latency). Column tails are
 * masked loads and stores; B panels are zero-padded, so their loads are always whole.
 */
#include "gemm_f32.h"

#include "../core/cpu.h"

#if SR_HAVE_X86_KERNELS
#include <immintrin.h>

#define KC SR_GEMM_F32_KC

static inline __mmask16 cols_mask(size_t nr, size_t first) {
  if (nr <= first) return 0;
  return nr - first >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (nr - first)) - 1);
}

/* The body of both kernels. MR is a constant after inlining; row r's accumulators are named variables (x0_r,
 * x1_r) rather than an array, so they live in registers at every optimization level (GCC keeps arrays of
 * vectors in memory at -O2). */
#define ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13)

static inline __attribute__((always_inline)) SR_TARGET_AVX512 void tile(const size_t MR, size_t kc, const float* a,
                                                                       const float* b, float* c, size_t ldc,
                                                                       size_t mr, size_t nr, const float* bias,
                                                                       float lo, float hi) {
#define DECL(r) __m512 x0_##r = _mm512_setzero_ps(), x1_##r = _mm512_setzero_ps();
  ROWS(DECL)
  const __mmask16 m0 = cols_mask(nr, 0), m1 = cols_mask(nr, 16);
  if (bias) {
    const __m512 b0 = _mm512_loadu_ps(bias), b1 = _mm512_loadu_ps(bias + 16);
#define INIT(r) \
  if (r < MR) x0_##r = b0, x1_##r = b1;
    ROWS(INIT)
  } else {
#define LOAD(r)                                               \
  if (r < MR && r < mr) {                                     \
    x0_##r = _mm512_maskz_loadu_ps(m0, c + r * ldc);          \
    x1_##r = _mm512_maskz_loadu_ps(m1, c + r * ldc + 16);     \
  }
    ROWS(LOAD)
  }
  for (size_t k = 0; k < kc; k++, b += 32) {
    const __m512 w0 = _mm512_loadu_ps(b), w1 = _mm512_loadu_ps(b + 16);
#define STEP(r)                                            \
  if (r < MR) {                                            \
    const __m512 x = _mm512_set1_ps(a[r * KC + k]);        \
    x0_##r = _mm512_fmadd_ps(x, w0, x0_##r);               \
    x1_##r = _mm512_fmadd_ps(x, w1, x1_##r);               \
  }
    ROWS(STEP)
  }
  /* max(lo, v) and min(hi, v) return v when it is NaN, as the reference's comparisons do. */
  const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
#define STORE(r)                                                                                     \
  if (r < MR && r < mr) {                                                                            \
    _mm512_mask_storeu_ps(c + r * ldc, m0, _mm512_min_ps(vhi, _mm512_max_ps(vlo, x0_##r)));          \
    _mm512_mask_storeu_ps(c + r * ldc + 16, m1, _mm512_min_ps(vhi, _mm512_max_ps(vlo, x1_##r)));     \
  }
  ROWS(STORE)
}

static SR_TARGET_AVX512 void sr_f32_gemm_14x32__avx512(size_t kc, const float* a, const float* b, float* c,
                                                       size_t ldc, size_t mr, size_t nr, const float* bias,
                                                       float lo, float hi) {
  tile(14, kc, a, b, c, ldc, mr, nr, bias, lo, hi);
}

static SR_TARGET_AVX512 void sr_f32_gemm_4x32__avx512(size_t kc, const float* a, const float* b, float* c,
                                                      size_t ldc, size_t mr, size_t nr, const float* bias, float lo,
                                                      float hi) {
  tile(4, kc, a, b, c, ldc, mr, nr, bias, lo, hi);
}

static const sr_gemm_f32_arch arch = {"avx512", 14, 4, 32, sr_f32_gemm_14x32__avx512, sr_f32_gemm_4x32__avx512};

const sr_gemm_f32_arch* sr_gemm_f32_avx512(void) { return &arch; }
#else
const sr_gemm_f32_arch* sr_gemm_f32_avx512(void) { return 0; }
#endif
