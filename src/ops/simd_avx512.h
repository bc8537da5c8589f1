/*
 * simd_avx512.h — the vector vocabulary of the kernel templates for AVX-512 (F, BW, DQ, VL): 16 floats per
 * vector, k-register masks (masked loads cost the same as plain ones).
 * Include simd_undef.h before switching to another ISA.
 */
#include <immintrin.h>

#define SR_V_TARGET SR_TARGET_AVX512
#define SR_V_NAME(x) x##__avx512
#define V __m512
#define VI __m512i
#define VM __mmask16
#define VB __mmask16
#define VL ((size_t)16)
#define V_MASK(n) ((__mmask16)((1u << (n)) - 1u))
#define V_LOAD(p) _mm512_loadu_ps(p)
#define V_LOADM(p, m) _mm512_maskz_loadu_ps((m), (p))
#define V_STORE(p, v) _mm512_storeu_ps((p), (v))
#define V_STOREM(p, m, full, v) _mm512_mask_storeu_ps((p), (m), (v))
#define V_ZERO() _mm512_setzero_ps()
#define V_SET1(x) _mm512_set1_ps(x)
#define V_FMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define V_FNMA(a, b, c) _mm512_fnmadd_ps((a), (b), (c))
#define V_ADD(a, b) _mm512_add_ps((a), (b))
#define V_SUB(a, b) _mm512_sub_ps((a), (b))
#define V_MUL(a, b) _mm512_mul_ps((a), (b))
#define V_DIV(a, b) _mm512_div_ps((a), (b))
#define V_MIN(a, b) _mm512_min_ps((a), (b))
#define V_MAX(a, b) _mm512_max_ps((a), (b))
#define V_AND(a, b) _mm512_and_ps((a), (b))
#define V_OR(a, b) _mm512_or_ps((a), (b))
#define V_ANDNOT(a, b) _mm512_andnot_ps((a), (b))
#define V_LT(a, b) _mm512_cmp_ps_mask((a), (b), _CMP_LT_OQ)
#define V_GT(a, b) _mm512_cmp_ps_mask((a), (b), _CMP_GT_OQ)
#define V_SEL(m, if_false, if_true) _mm512_mask_blend_ps((m), (if_false), (if_true))
#define V_ROUND(x) _mm512_roundscale_ps((x), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define V_CVT_I(x) _mm512_cvtps_epi32(x)
#define VI_TO_F(x) _mm512_cvtepi32_ps(x)
#define VI_ADD(a, b) _mm512_add_epi32((a), (b))
#define VI_SET1(x) _mm512_set1_epi32(x)
#define VI_SLLI(a, n) _mm512_slli_epi32((a), (n))
#define V_FROM_BITS(a) _mm512_castsi512_ps(a)
/* int32 lanes (quantized kernels) */
#define VI_LOAD_S8(p) _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i*)(const void*)(p)))
#define VI_LOAD_U8(p) _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i*)(const void*)(p)))
#define VI_STORE_8(p, v) _mm_storeu_si128((__m128i*)(void*)(p), _mm512_cvtepi32_epi8(v)) /* low byte of each lane */
#define VI_SUB(a, b) _mm512_sub_epi32((a), (b))
#define VI_MULLO(a, b) _mm512_mullo_epi32((a), (b))
#define VI_MIN(a, b) _mm512_min_epi32((a), (b))
#define VI_MAX(a, b) _mm512_max_epi32((a), (b))
#define VI_AND(a, b) _mm512_and_si512((a), (b))
#define VI_SLL(a, n) _mm512_sll_epi32((a), _mm_cvtsi32_si128(n))
#define VI_SRA(a, n) _mm512_sra_epi32((a), _mm_cvtsi32_si128(n))
#define VI_SRLI(a, n) _mm512_srli_epi32((a), (n))
#define VI_GT_ONE(a, b) _mm512_maskz_mov_epi32(_mm512_cmpgt_epi32_mask((a), (b)), _mm512_set1_epi32(1))
#define VI_MUL_EVEN(a, b) _mm512_mul_epi32((a), (b))
#define VI_ADD64(a, b) _mm512_add_epi64((a), (b))
#define VI_SET1_64(x) _mm512_set1_epi64(x)
#define VI_SRLI64(a, n) _mm512_srli_epi64((a), (n))
#define VI_SLLI64(a, n) _mm512_slli_epi64((a), (n))
#define VI_BLEND_ODD(even, odd) _mm512_mask_blend_epi32((__mmask16)0xAAAA, (even), (odd))
/* half precision */
#define V_LOAD_F16(p) _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i*)(const void*)(p)))
/* gathers: lanes of m read base[idx], others give 0 */
#define V_GATHERM(base, idx, m) _mm512_mask_i32gather_ps(_mm512_setzero_ps(), (m), (idx), (base), 4)
#define VI_LANES() _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
