/*
 * dwconv_f32_x86.c — AVX2 and AVX-512 row kernels of float DEPTHWISE_CONV_2D: dwconv_f32_tmpl.h instantiated
 * once per ISA (8 or 16 channels per vector). AVX-512 masks every channel block (masked loads cost the same);
 * AVX2 runs full blocks with plain loads and masks only the channel tail.
 */
#include "dwconv_f32.h"

#if SR_HAVE_X86_KERNELS
#include <immintrin.h>

#define SR_DW_MAX_KH 5
#define SR_DW_MAX_TAPS 25

/* ---- AVX2: 8 channels per vector, 4 columns in flight (16 ymm registers: 9 weights + 4 sums + temporaries) ---- */
#define SR_DW_TARGET SR_TARGET_AVX2
#define SR_DW_NAME(x) x##__avx2
#define SR_DW_NB 4
#define SR_DW_SPLIT_TAIL 1
#define V __m256
#define VM __m256i
#define VL ((size_t)8)
#define V_MASK(n) _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define V_LOAD(p) _mm256_loadu_ps(p)
#define V_LOADM(p, m) _mm256_maskload_ps((p), (m))
#define V_STOREM(p, m, full, v) \
  ((full) ? _mm256_storeu_ps((p), (v)) : _mm256_maskstore_ps((p), (m), (v)))
#define V_ZERO() _mm256_setzero_ps()
#define V_SET1(x) _mm256_set1_ps(x)
#define V_FMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define V_ADD(a, b) _mm256_add_ps((a), (b))
#define V_MIN(a, b) _mm256_min_ps((a), (b)) /* min(hi, x) and max(lo, x) return x when x is NaN, as the reference */
#define V_MAX(a, b) _mm256_max_ps((a), (b))
#include "dwconv_f32_tmpl.h"
#undef SR_DW_TARGET
#undef SR_DW_NAME
#undef SR_DW_NB
#undef SR_DW_SPLIT_TAIL
#undef V
#undef VM
#undef VL
#undef V_MASK
#undef V_LOAD
#undef V_LOADM
#undef V_STOREM
#undef V_ZERO
#undef V_SET1
#undef V_FMA
#undef V_ADD
#undef V_MIN
#undef V_MAX

/* ---- AVX-512: 16 channels per vector, 8 columns in flight (32 zmm registers) ---- */
#define SR_DW_TARGET SR_TARGET_AVX512
#define SR_DW_NAME(x) x##__avx512
#define SR_DW_NB 8
#define SR_DW_SPLIT_TAIL 0
#define V __m512
#define VM __mmask16
#define VL ((size_t)16)
#define V_MASK(n) ((__mmask16)((1u << (n)) - 1u))
#define V_LOAD(p) _mm512_loadu_ps(p)
#define V_LOADM(p, m) _mm512_maskz_loadu_ps((m), (p))
#define V_STOREM(p, m, full, v) _mm512_mask_storeu_ps((p), (m), (v))
#define V_ZERO() _mm512_setzero_ps()
#define V_SET1(x) _mm512_set1_ps(x)
#define V_FMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define V_ADD(a, b) _mm512_add_ps((a), (b))
#define V_MIN(a, b) _mm512_min_ps((a), (b))
#define V_MAX(a, b) _mm512_max_ps((a), (b))
#include "dwconv_f32_tmpl.h"

#endif /* SR_HAVE_X86_KERNELS */
