/*
 * lut_x86.c — 256-entry byte table lookups (sr_lut8_apply) with byte shuffles: the table is sixteen 16-byte
 * pieces; each piece is shuffled by the low nibble of every input byte and kept where the high nibble selects
 * it. Exact (a table lookup by other means). AVX-512 BW does 64 bytes per step, AVX2 32. With AVX-512 VBMI
 * two two-register permutes cover the table's halves and the byte's top bit picks one: 3 instructions per 64.
 */
#include "lut.h"

#include <string.h>

#include "../core/cpu.h"

#if SR_HAVE_X86_KERNELS
#include <immintrin.h>

SR_TARGET_AVX512_VBMI static void sr_u8_lut__avx512vbmi(const uint8_t table[256], const uint8_t* x, uint8_t* y,
                                                         size_t n) {
  const __m512i t0 = _mm512_loadu_si512(table), t1 = _mm512_loadu_si512(table + 64);
  const __m512i t2 = _mm512_loadu_si512(table + 128), t3 = _mm512_loadu_si512(table + 192);
  for (size_t i = 0; i < n; i += 64) {
    const size_t left = n - i;
    const __mmask64 m = left >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1);
    const __m512i v = _mm512_maskz_loadu_epi8(m, x + i);
    const __m512i low = _mm512_permutex2var_epi8(t0, v, t1), high = _mm512_permutex2var_epi8(t2, v, t3);
    _mm512_mask_storeu_epi8(y + i, m, _mm512_mask_blend_epi8(_mm512_movepi8_mask(v), low, high));
  }
}

SR_TARGET_AVX512 static void sr_u8_lut__avx512(const uint8_t table[256], const uint8_t* x, uint8_t* y, size_t n) {
  __m512i piece[16];
  for (int t = 0; t < 16; t++)
    piece[t] = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i*)(const void*)(table + 16 * t)));
  const __m512i nibble = _mm512_set1_epi8(0x0F);
  size_t i = 0;
  for (; i < n; i += 64) {
    const size_t left = n - i;
    const __mmask64 m = left >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1);
    const __m512i v = _mm512_maskz_loadu_epi8(m, x + i);
    const __m512i lo = _mm512_and_si512(v, nibble), hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), nibble);
    __m512i r = _mm512_setzero_si512();
    for (int t = 0; t < 16; t++)
      r = _mm512_mask_shuffle_epi8(r, _mm512_cmpeq_epi8_mask(hi, _mm512_set1_epi8((char)t)), piece[t], lo);
    _mm512_mask_storeu_epi8(y + i, m, r);
  }
}

SR_TARGET_AVX2 static void sr_u8_lut__avx2(const uint8_t table[256], const uint8_t* x, uint8_t* y, size_t n) {
  __m256i piece[16];
  for (int t = 0; t < 16; t++)
    piece[t] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i*)(const void*)(table + 16 * t)));
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i v = _mm256_loadu_si256((const __m256i*)(const void*)(x + i));
    const __m256i lo = _mm256_and_si256(v, nibble), hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
    __m256i r = _mm256_setzero_si256();
    for (int t = 0; t < 16; t++) {
      const __m256i sel = _mm256_cmpeq_epi8(hi, _mm256_set1_epi8((char)t));
      r = _mm256_or_si256(r, _mm256_and_si256(sel, _mm256_shuffle_epi8(piece[t], lo)));
    }
    _mm256_storeu_si256((__m256i*)(void*)(y + i), r);
  }
  for (; i < n; i++) y[i] = table[x[i]];
}
#endif

sr_lut8_fn sr_lut8_kernel(unsigned isa) {
#if SR_HAVE_X86_KERNELS
  if (isa & SR_ISA_AVX512_VBMI) return sr_u8_lut__avx512vbmi;
  if (isa & SR_ISA_AVX512) return sr_u8_lut__avx512;
  if (isa & SR_ISA_AVX2_FMA) return sr_u8_lut__avx2;
#endif
  (void)isa;
  return sr_lut8_apply;
}
