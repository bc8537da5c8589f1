/*
 * gemm_q8_avx2.c — ymm kernels of the 8-bit GEMM (gemm_q8.h) for CPUs without AVX-512: AVX-VNNI (vpdpbusd on
 * ymm, uint8 x int8 with the terms of gemm_q8.h) and plain AVX2 (vpmaddwd on int16 pairs of activations and
 * weights with their offsets already added: exact, since |a|, |w| <= 255 keep a pair's sum within int32).
 * Micro-tiles are 4 rows x 16 columns (12 of the 16 ymm registers); requantization uses the 8-lane constants
 * (sr_q8_rq_lane8), bit-exact with the __ref kernels like the AVX-512 ones.
 */
#include "q8_x86.h"

#if SR_HAVE_X86_KERNELS
#include <string.h>

#define TGT_AVX2 SR_TARGET_AVX2
#define TGT_VNNI __attribute__((target("avxvnni,avx2,fma,f16c")))
#define INL_AVX2 static inline __attribute__((always_inline)) TGT_AVX2
#define INL_VNNI static inline __attribute__((always_inline)) TGT_VNNI

enum { MR = 4 };

/* ---- micro-kernels: sums of MR rows x 16 columns into out[MR][16], from the column terms at init ---- */

INL_VNNI void tile_vnni(const uint8_t* a, size_t kp, const int8_t* b, const int32_t* init0, const int32_t* init1,
                        int32_t* out) {
  __m256i acc[MR][2];
  const __m256i i0 = _mm256_loadu_si256((const __m256i*)init0), i1 = _mm256_loadu_si256((const __m256i*)init1);
#pragma GCC unroll 4
  for (int i = 0; i < MR; i++) acc[i][0] = i0, acc[i][1] = i1;
  for (size_t q = 0; q < kp / 4; q++, b += 64) {
    const __m256i b0 = _mm256_load_si256((const __m256i*)b), b1 = _mm256_load_si256((const __m256i*)(b + 32));
#pragma GCC unroll 4
    for (int i = 0; i < MR; i++) {
      int32_t w;
      memcpy(&w, a + (size_t)i * kp + 4 * q, 4);
      const __m256i av = _mm256_set1_epi32(w);
      acc[i][0] = _mm256_dpbusd_avx_epi32(acc[i][0], av, b0);
      acc[i][1] = _mm256_dpbusd_avx_epi32(acc[i][1], av, b1);
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < MR; i++) {
    _mm256_store_si256((__m256i*)(out + i * 16), acc[i][0]);
    _mm256_store_si256((__m256i*)(out + i * 16 + 8), acc[i][1]);
  }
}

INL_AVX2 void tile_avx2(const int16_t* a, size_t kp2, const int16_t* b, const int32_t* init0, const int32_t* init1,
                        int32_t* out) {
  __m256i acc[MR][2];
  const __m256i i0 = _mm256_loadu_si256((const __m256i*)init0), i1 = _mm256_loadu_si256((const __m256i*)init1);
#pragma GCC unroll 4
  for (int i = 0; i < MR; i++) acc[i][0] = i0, acc[i][1] = i1;
  for (size_t q = 0; q < kp2 / 2; q++, b += 32) {
    const __m256i b0 = _mm256_load_si256((const __m256i*)b), b1 = _mm256_load_si256((const __m256i*)(b + 16));
#pragma GCC unroll 4
    for (int i = 0; i < MR; i++) {
      int32_t w;
      memcpy(&w, a + (size_t)i * kp2 + 2 * q, 4);
      const __m256i av = _mm256_set1_epi32(w);
      acc[i][0] = _mm256_add_epi32(acc[i][0], _mm256_madd_epi16(av, b0));
      acc[i][1] = _mm256_add_epi32(acc[i][1], _mm256_madd_epi16(av, b1));
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < MR; i++) {
    _mm256_store_si256((__m256i*)(out + i * 16), acc[i][0]);
    _mm256_store_si256((__m256i*)(out + i * 16 + 8), acc[i][1]);
  }
}

static TGT_VNNI void tile_vnni_fn(const uint8_t* a, size_t kp, const int8_t* b, const int32_t* init0,
                                  const int32_t* init1, int32_t* out) {
  tile_vnni(a, kp, b, init0, init1, out);
}
static TGT_AVX2 void tile_avx2_fn(const int16_t* a, size_t kp2, const int16_t* b, const int32_t* init0,
                                  const int32_t* init1, int32_t* out) {
  tile_avx2(a, kp2, b, init0, init1, out);
}

/* ---- epilogues: `rows` x `cols` (<= 16) outputs of a tile ---- */

/* Writes the low n bytes of v (n <= 8). */
INL_AVX2 void store8(uint8_t* dst, __m128i v, size_t n) {
  if (n == 8) {
    _mm_storel_epi64((__m128i*)dst, v);
  } else {
    uint8_t tmp[16];
    _mm_storeu_si128((__m128i*)tmp, v);
    memcpy(dst, tmp, n);
  }
}

static TGT_AVX2 void store_q8(const int32_t* acc, size_t rows, size_t cols, const sr_q8_rq_lane8* q,
                              const sr_q8_epilogue* e, const int32_t* row_term, uint8_t* c, size_t ldc) {
  const __m256i lo = _mm256_set1_epi32(e->lo), hi = _mm256_set1_epi32(e->hi), off = _mm256_set1_epi32(e->out_offset);
  const int ref = e->ref_rounding, lsh = e->has_lshift;
  for (size_t j = 0; j < 2 && j * 8 < cols; j++) {
    sr_q8_rq8 r;
    sr_q8_rq8_load(&r, q + j, ref, lsh);
    const size_t n = cols - j * 8 < 8 ? cols - j * 8 : 8;
    for (size_t i = 0; i < rows; i++) {
      __m256i x = _mm256_load_si256((const __m256i*)(acc + i * 16 + j * 8));
      if (row_term) x = _mm256_add_epi32(x, _mm256_set1_epi32(row_term[i]));
      store8(c + i * ldc + j * 8, sr_q8_finish8(sr_q8_rq8_apply(x, &r, ref, lsh), lo, hi, off), n);
    }
  }
}

/* Hybrid: float(sum + alpha_row * colsum) * (weight scale * row scale) + bias, clamped (NaN passes). */
static TGT_AVX2 void store_f32(const int32_t* acc, size_t rows, size_t cols, const sr_q8_hy_lane16* q,
                               const sr_q8_epilogue* e, size_t m, float* c, size_t ldc) {
  const __m256 lo = _mm256_set1_ps(e->flo), hi = _mm256_set1_ps(e->fhi);
  for (size_t i = 0; i < rows; i++) {
    const size_t scale_row = (m + i) / e->rows_per_scale;
    const __m256 rs = _mm256_set1_ps(e->row_scale[scale_row]);
    /* -(a_shift + zero point), modulo 2^32 (a row with an infinity has zero point INT32_MIN) */
    const uint32_t zp = e->row_zp ? (uint32_t)e->a_shift + (uint32_t)e->row_zp[scale_row] : 0u;
    const __m256i alpha = _mm256_set1_epi32((int32_t)(0u - zp));
    for (size_t j = 0; j < 2 && j * 8 < cols; j++) {
      __m256i x = _mm256_load_si256((const __m256i*)(acc + i * 16 + j * 8));
      if (e->row_zp)
        x = _mm256_add_epi32(x, _mm256_mullo_epi32(alpha, _mm256_loadu_si256((const __m256i*)(q->colsum + j * 8))));
      const __m256 prod = _mm256_mul_ps(_mm256_loadu_ps(q->scale + j * 8), rs);
      __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(x), prod), _mm256_loadu_ps(q->bias + j * 8));
      v = _mm256_min_ps(hi, _mm256_max_ps(lo, v));
      const size_t n = cols - j * 8 < 8 ? cols - j * 8 : 8;
      if (n == 8) _mm256_storeu_ps(c + i * ldc + j * 8, v);
      else {
        float tmp[8];
        _mm256_storeu_ps(tmp, v);
        memcpy(c + i * ldc + j * 8, tmp, n * sizeof(float));
      }
    }
  }
}

/* beta * (sum of a panel row's kp bytes) for each row (uint8 weights or a weight offset). */
static TGT_AVX2 void row_terms(const uint8_t* panel, size_t kp, size_t rows, int32_t beta, int32_t* out) {
  for (size_t r = 0; r < rows; r++) {
    uint32_t sum = 0;
    for (size_t i = 0; i < kp; i++) sum += panel[r * kp + i];
    out[r] = (int32_t)(sum * (uint32_t)beta);
  }
}

/* ---- drivers ---- */

static void finish(const sr_q8_gemm* p, const int32_t* acc, size_t g, size_t m, size_t rows, size_t cg,
                   const int32_t* row_term) {
  const size_t n = p->n, cols = n - cg * 16 < 16 ? n - cg * 16 : 16;
  const uint8_t* consts = (const uint8_t*)p->rq + g * p->rq_group_bytes;
  if (p->float_out)
    store_f32(acc, rows, cols, (const sr_q8_hy_lane16*)consts + cg, &p->epi, m,
              (float*)p->c + m * p->ldc + g * n + cg * 16, p->ldc);
  else
    store_q8(acc, rows, cols, (const sr_q8_rq_lane8*)consts + 2 * cg, &p->epi, row_term,
             (uint8_t*)p->c + m * p->ldc + g * n + cg * 16, p->ldc);
}

/* The column terms of group cg: two 8-lane blocks, or the first half of a hybrid 16-lane block. */
static void inits(const sr_q8_gemm* p, size_t g, size_t cg, const int32_t** i0, const int32_t** i1) {
  const uint8_t* consts = (const uint8_t*)p->rq + g * p->rq_group_bytes;
  if (p->float_out) {
    const sr_q8_hy_lane16* h = (const sr_q8_hy_lane16*)consts + cg;
    *i0 = h->term, *i1 = h->term + 8;
  } else {
    const sr_q8_rq_lane8* q = (const sr_q8_rq_lane8*)consts + 2 * cg;
    *i0 = q[0].bias, *i1 = q[1].bias;
  }
}

TGT_VNNI void sr_q8_gemm_rows__avxvnni(const sr_q8_gemm* p, size_t m0, size_t m1, size_t cg0, size_t cg1,
                                       uint8_t* panel) {
  const size_t k = p->k, kp = (k + 3) / 4 * 4, n = p->n, bstride = sr_q8_group_stride(k);
  _Alignas(32) int32_t acc[MR * 16];
  int32_t row_term[MR];
  for (size_t g = 0; g < p->groups; g++) {
    const int8_t* bg = p->b + g * sr_q8_conv_group_bytes(n, k);
    for (size_t m = m0; m < m1; m += MR) {
      const size_t rows = m1 - m < MR ? m1 - m : MR;
      sr_q8_pack_rows__c(p, g, m, rows, MR, panel);
      if (p->epi.row_coeff) row_terms(panel, kp, rows, p->epi.row_coeff, row_term);
      for (size_t cg = cg0; cg < cg1; cg++) {
        const int32_t *i0, *i1;
        inits(p, g, cg, &i0, &i1);
        tile_vnni_fn(panel, kp, bg + cg * bstride, i0, i1, acc);
        finish(p, acc, g, m, rows, cg, p->epi.row_coeff ? row_term : NULL);
      }
    }
  }
}

TGT_AVX2 void sr_q8_gemm_rows__avx2(const sr_q8_gemm* p, size_t m0, size_t m1, size_t cg0, size_t cg1,
                                    uint8_t* panel) {
  const size_t k = p->k, kp2 = (k + 1) / 2 * 2, n = p->n, bstride = sr_q8_group16_stride(k) / sizeof(int16_t);
  _Alignas(32) int32_t acc[MR * 16];
  int16_t* a16 = (int16_t*)panel;
  uint8_t* tmp = panel + MR * kp2 * sizeof(int16_t);
  const int16_t* b16 = (const int16_t*)p->b;
  for (size_t g = 0; g < p->groups; g++) {
    const int16_t* bg = b16 + g * ((n + 15) / 16) * bstride;
    for (size_t m = m0; m < m1; m += MR) {
      const size_t rows = m1 - m < MR ? m1 - m : MR;
      sr_q8_pack_rows16__c(p, g, m, rows, MR, a16, tmp);
      for (size_t cg = cg0; cg < cg1; cg++) {
        const int32_t *i0, *i1;
        inits(p, g, cg, &i0, &i1);
        tile_avx2_fn(a16, kp2, bg + cg * bstride, i0, i1, acc);
        finish(p, acc, g, m, rows, cg, NULL);
      }
    }
  }
}

#else
void sr_q8_gemm_rows__avxvnni(const sr_q8_gemm* p, size_t m0, size_t m1, size_t cg0, size_t cg1, uint8_t* panel) {
  (void)p, (void)m0, (void)m1, (void)cg0, (void)cg1, (void)panel;
}
void sr_q8_gemm_rows__avx2(const sr_q8_gemm* p, size_t m0, size_t m1, size_t cg0, size_t cg1, uint8_t* panel) {
  (void)p, (void)m0, (void)m1, (void)cg0, (void)cg1, (void)panel;
}
#endif
