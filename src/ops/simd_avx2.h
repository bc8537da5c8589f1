/*
 * simd_avx2.h — the vector vocabulary of the per-ISA kernel templates (dwconv_f32_tmpl.h, vec_f32_tmpl.h) for
 * AVX2 + FMA: 8 floats per vector, masks as vectors. Include simd_undef.h before switching to another ISA.
 * Every operation keeps the IEEE semantics the templates rely on (V_MAX(lo, x) and V_MIN(hi, x) return x when
 * x is NaN; V_SEL picks per lane).
 */
#include <immintrin.h>

#define SR_V_TARGET SR_TARGET_AVX2
#define SR_V_NAME(x) x##__avx2
#define V __m256
#define VI __m256i
#define VM __m256i /* lane mask for loads/stores */
#define VB __m256  /* comparison result */
#define VL ((size_t)8)
#define V_MASK(n) _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define V_LOAD(p) _mm256_loadu_ps(p)
#define V_LOADM(p, m) _mm256_maskload_ps((p), (m))
#define V_STORE(p, v) _mm256_storeu_ps((p), (v))
#define V_STOREM(p, m, full, v) ((full) ? _mm256_storeu_ps((p), (v)) : _mm256_maskstore_ps((p), (m), (v)))
#define V_ZERO() _mm256_setzero_ps()
#define V_SET1(x) _mm256_set1_ps(x)
#define V_FMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define V_FNMA(a, b, c) _mm256_fnmadd_ps((a), (b), (c))
#define V_ADD(a, b) _mm256_add_ps((a), (b))
#define V_SUB(a, b) _mm256_sub_ps((a), (b))
#define V_MUL(a, b) _mm256_mul_ps((a), (b))
#define V_DIV(a, b) _mm256_div_ps((a), (b))
#define V_MIN(a, b) _mm256_min_ps((a), (b))
#define V_MAX(a, b) _mm256_max_ps((a), (b))
#define V_AND(a, b) _mm256_and_ps((a), (b))
#define V_OR(a, b) _mm256_or_ps((a), (b))
#define V_ANDNOT(a, b) _mm256_andnot_ps((a), (b)) /* ~a & b */
#define V_LT(a, b) _mm256_cmp_ps((a), (b), _CMP_LT_OQ)
#define V_GT(a, b) _mm256_cmp_ps((a), (b), _CMP_GT_OQ)
#define V_SEL(m, if_false, if_true) _mm256_blendv_ps((if_false), (if_true), (m))
#define V_ROUND(x) _mm256_round_ps((x), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define V_CVT_I(x) _mm256_cvtps_epi32(x)
#define VI_TO_F(x) _mm256_cvtepi32_ps(x)
#define VI_ADD(a, b) _mm256_add_epi32((a), (b))
#define VI_SET1(x) _mm256_set1_epi32(x)
#define VI_SLLI(a, n) _mm256_slli_epi32((a), (n))
#define V_FROM_BITS(a) _mm256_castsi256_ps(a)
/* int32 lanes (quantized kernels) */
#define VI_LOAD_S8(p) _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i*)(const void*)(p)))
#define VI_LOAD_U8(p) _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i*)(const void*)(p)))
/* the low byte of each lane (values already inside the 8-bit range) */
#define VI_STORE_8(p, v)                                                                                    \
  _mm_storel_epi64((__m128i*)(void*)(p),                                                                   \
                   _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(                                     \
                       _mm256_shuffle_epi8((v), _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, \
                                                                 -1, -1, -1, -1, 0, 4, 8, 12, -1, -1, -1, -1, \
                                                                 -1, -1, -1, -1, -1, -1, -1, -1)),          \
                       _mm256_setr_epi32(0, 4, 0, 0, 0, 0, 0, 0))))
#define VI_SUB(a, b) _mm256_sub_epi32((a), (b))
#define VI_MULLO(a, b) _mm256_mullo_epi32((a), (b))
#define VI_MIN(a, b) _mm256_min_epi32((a), (b))
#define VI_MAX(a, b) _mm256_max_epi32((a), (b))
#define VI_AND(a, b) _mm256_and_si256((a), (b))
#define VI_SLL(a, n) _mm256_sll_epi32((a), _mm_cvtsi32_si128(n))
#define VI_SRA(a, n) _mm256_sra_epi32((a), _mm_cvtsi32_si128(n))
#define VI_SRLI(a, n) _mm256_srli_epi32((a), (n))
#define VI_GT_ONE(a, b) _mm256_srli_epi32(_mm256_cmpgt_epi32((a), (b)), 31) /* 1 where a > b, else 0 */
#define VI_MUL_EVEN(a, b) _mm256_mul_epi32((a), (b)) /* signed 32 x 32 -> 64 of the even lanes */
#define VI_ADD64(a, b) _mm256_add_epi64((a), (b))
#define VI_SET1_64(x) _mm256_set1_epi64x(x)
#define VI_SRLI64(a, n) _mm256_srli_epi64((a), (n))
#define VI_SLLI64(a, n) _mm256_slli_epi64((a), (n))
#define VI_BLEND_ODD(even, odd) _mm256_blend_epi32((even), (odd), 0xAA)
/* half precision (F16C) */
#define V_LOAD_F16(p) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i*)(const void*)(p)))
/* gathers: lanes of m (all-ones lanes) read base[idx], others give 0 */
#define V_GATHERM(base, idx, m) \
  _mm256_mask_i32gather_ps(_mm256_setzero_ps(), (base), (idx), _mm256_castsi256_ps(m), 4)
#define VI_LANES() _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)
