/*
 * hybrid_q8.c — vectorized run-time quantization of float rows for hybrid kernels, bit-exact with
 * sr_conv_hybrid_quantize_rows (LiteRT's Symmetric/AsymmetricQuantizeFloats): the same float products,
 * roundf's half-away-from-zero rounding rebuilt from truncation (the fraction x - trunc(x) is exact), and
 * cvttps2dq's INT32_MIN for NaN and out-of-range values, which the reference reproduces. The row minimum and
 * maximum follow the reference's scan (a NaN first element poisons both; later NaNs are skipped); the per-row
 * scale and zero point are the reference's scalar arithmetic.
 */
#include "gemm_q8.h"

#include <math.h>
#include <string.h>

#include "../core/cpu.h"

/* The reference's per-row parameters from the row's minimum and maximum: scale, zero point, and the
 * multiplier applied to the values (1 / scale as float, or 127 / range). Returns 0 for an all-zero row. */
static int row_params(float lo, float hi, int asymmetric, float* scale, int32_t* zp, float* inv) {
  *zp = 0;
  if (!asymmetric) {
    const float range = fabsf(lo) > fabsf(hi) ? fabsf(lo) : fabsf(hi);
    if (range == 0.0f) return *scale = 1.0f, 0;
    *scale = range / 127.0f;
    *inv = 127.0f / range;
    return 1;
  }
  const double rmin = fmin(0.0, (double)lo), rmax = fmax(0.0, (double)hi);
  if (rmin == rmax) return *scale = 1.0f, 0;
  const double s = (rmax - rmin) / 255.0;
  const double from_min = -128.0 - rmin / s, from_max = 127.0 - rmax / s;
  const double err_min = 128.0 + fabs(rmin / s), err_max = 127.0 + fabs(rmax / s);
  const double z = err_min < err_max ? from_min : from_max;
  /* An infinite value makes z NaN; the reference converts it as x86 does (INT32_MIN), here without the UB. */
  *zp = z <= -128.0 ? -128 : z >= 127.0 ? 127 : isnan(z) ? INT32_MIN : (int32_t)round(z);
  *scale = (float)s;
  *inv = (float)(1.0 / (double)*scale);
  return 1;
}

#if SR_HAVE_X86_KERNELS
#include <immintrin.h>

#define TGT SR_TARGET_AVX512
#define TGT2 SR_TARGET_AVX2
#define INL2 static inline __attribute__((always_inline)) TGT2

/* ---- AVX-512 ---- */

/* min/max with the reference's scan semantics: lanes start at v[0]; min(v, m) keeps m when v is NaN, so a NaN
 * reaches a lane only from v[0], which is in every lane: either all lanes are NaN (the reference's poisoned scan)
 * or none, and then the order of the final reduction across lanes cannot matter (it can only pick -0 over +0,
 * which nothing downstream tells apart). A vector reduction: the scalar one mispredicted a branch per lane. */
static TGT void minmax16(const float* v, size_t n, float* lo, float* hi) {
  __m512 mn = _mm512_set1_ps(v[0]), mx = mn;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 x = _mm512_loadu_ps(v + i);
    mn = _mm512_min_ps(x, mn);
    mx = _mm512_max_ps(x, mx);
  }
  if (i < n) {
    const __mmask16 k = (__mmask16)((1u << (n - i)) - 1);
    const __m512 x = _mm512_mask_loadu_ps(_mm512_set1_ps(v[0]), k, v + i);
    mn = _mm512_min_ps(x, mn);
    mx = _mm512_max_ps(x, mx);
  }
  /* Halve the lanes four times: 16 -> 8 -> 4 -> 2 -> 1. */
  __m256 mn8 = _mm256_min_ps(_mm512_castps512_ps256(mn), _mm512_extractf32x8_ps(mn, 1));
  __m256 mx8 = _mm256_max_ps(_mm512_castps512_ps256(mx), _mm512_extractf32x8_ps(mx, 1));
  __m128 mn4 = _mm_min_ps(_mm256_castps256_ps128(mn8), _mm256_extractf128_ps(mn8, 1));
  __m128 mx4 = _mm_max_ps(_mm256_castps256_ps128(mx8), _mm256_extractf128_ps(mx8, 1));
  mn4 = _mm_min_ps(mn4, _mm_movehl_ps(mn4, mn4));
  mx4 = _mm_max_ps(mx4, _mm_movehl_ps(mx4, mx4));
  mn4 = _mm_min_ss(mn4, _mm_movehdup_ps(mn4));
  mx4 = _mm_max_ss(mx4, _mm_movehdup_ps(mx4));
  *lo = _mm_cvtss_f32(mn4);
  *hi = _mm_cvtss_f32(mx4);
}

/* roundf (half away from zero), then the reference's float -> int32 (NaN and out of range: INT32_MIN).
 * |x| + 0.5 rounded toward zero has the exact sum's floor (every integer below 2^24 is a float; above 2^23 x is
 * already an integer), so truncating it rounds |x| half up; the sign goes back on as an integer negation, which
 * leaves INT32_MIN (NaN, |x| >= 2^31) as it is, as the reference's conversion of a rounded -2^31 or beyond. */
static inline __attribute__((always_inline)) TGT __m512i round16(__m512 x) {
  const __m512i sign = _mm512_set1_epi32(INT32_MIN);
  const __m512 ax = _mm512_castsi512_ps(_mm512_andnot_si512(sign, _mm512_castps_si512(x)));
  const __m512 t = _mm512_add_round_ps(ax, _mm512_set1_ps(0.5f), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m512i r = _mm512_cvtt_roundps_epi32(t, _MM_FROUND_NO_EXC);
  return _mm512_mask_sub_epi32(r, _mm512_test_epi32_mask(_mm512_castps_si512(x), sign), _mm512_setzero_si512(), r);
}

static inline __attribute__((always_inline)) TGT __m512i round_clamp16(__m512 x, __m512i qmin, __m512i qmax) {
  return _mm512_min_epi32(_mm512_max_epi32(round16(x), qmin), qmax);
}

/* 64 values at a time with saturating packs instead of clamps, the same bytes: symmetric, int32 -> int16 -> int8
 * saturation then max(-127) is clamp(r, -127, 127); asymmetric, r saturated to int16 plus the zero point
 * saturated to int16 (INT32_MIN, from a row with an infinity, becomes -32768) then saturated to int8 is
 * clamp(clamp(r, -256, 256) + zp, -128, 127): both sides are the same value inside [-256, 256] and pin the same
 * end outside it. Returns how many values it did (a multiple of 64). */
static TGT size_t quantize64(const float* v, size_t n, float inv, int asymmetric, int32_t zp, int8_t* q) {
  const __m512 f = _mm512_set1_ps(inv);
  const __m512i zp16 = _mm512_set1_epi16((int16_t)(zp < INT16_MIN ? INT16_MIN : zp > INT16_MAX ? INT16_MAX : zp));
  const __m512i floor8 = _mm512_set1_epi8(-127);
  /* packs work within 128-bit lanes: lane l holds values 4l..4l+3 of each of the four vectors in turn */
  const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512i r0 = round16(_mm512_mul_ps(_mm512_loadu_ps(v + i), f));
    const __m512i r1 = round16(_mm512_mul_ps(_mm512_loadu_ps(v + i + 16), f));
    const __m512i r2 = round16(_mm512_mul_ps(_mm512_loadu_ps(v + i + 32), f));
    const __m512i r3 = round16(_mm512_mul_ps(_mm512_loadu_ps(v + i + 48), f));
    __m512i w01 = _mm512_packs_epi32(r0, r1), w23 = _mm512_packs_epi32(r2, r3);
    if (asymmetric) w01 = _mm512_adds_epi16(w01, zp16), w23 = _mm512_adds_epi16(w23, zp16);
    __m512i b = _mm512_packs_epi16(w01, w23);
    if (!asymmetric) b = _mm512_max_epi8(b, floor8);
    _mm512_storeu_si512(q + i, _mm512_permutexvar_epi32(order, b));
  }
  return i;
}

/* Symmetric: clamp(round(v * inv), -127, 127). Asymmetric: round(v * inv) clamped to [-256, 256], plus the zero
 * point, clamped to [-128, 127] (LiteRT rounds before adding the zero point). */
static TGT void quantize16(const float* v, size_t n, float inv, int asymmetric, int32_t zp, int8_t* q) {
  const size_t done = quantize64(v, n, inv, asymmetric, zp, q);
  v += done, q += done, n -= done;
  const __m512 f = _mm512_set1_ps(inv);
  const __m512i zero_point = _mm512_set1_epi32(zp);
  const __m512i lo = _mm512_set1_epi32(asymmetric ? -256 : -127), hi = _mm512_set1_epi32(asymmetric ? 256 : 127);
  const __m512i out_lo = _mm512_set1_epi32(-128), out_hi = _mm512_set1_epi32(127);
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 k = n - i >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - i)) - 1);
    __m512i r = round_clamp16(_mm512_mul_ps(_mm512_maskz_loadu_ps(k, v + i), f), lo, hi);
    if (asymmetric) r = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(r, zero_point), out_lo), out_hi);
    /* Plain stores where possible: the GEMM's tile loads read these bytes next and cannot take them from masked
     * stores still in flight. */
    if (k == 0xffff) _mm_storeu_si128((__m128i*)(q + i), _mm512_cvtepi32_epi8(r));
    else _mm_mask_storeu_epi8(q + i, k, _mm512_cvtepi32_epi8(r));
  }
}

/* round(), half away from zero, of doubles (x - trunc(x) is exact). */
static inline __attribute__((always_inline)) TGT __m512d round_away8(__m512d x) {
  const __m512d t = _mm512_roundscale_pd(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC), f = _mm512_sub_pd(x, t);
  __m512d r = _mm512_mask_add_pd(t, _mm512_cmp_pd_mask(f, _mm512_set1_pd(0.5), _CMP_GE_OQ), t, _mm512_set1_pd(1.0));
  return _mm512_mask_sub_pd(r, _mm512_cmp_pd_mask(f, _mm512_set1_pd(-0.5), _CMP_LE_OQ), r, _mm512_set1_pd(1.0));
}

/* row_params' asymmetric case for n <= 8 rows at once: the same IEEE double operations, lane by lane (the
 * divisions dominate when done one row at a time). live[i] = 0 for an all-zero row. */
static TGT void asym_params8(const float* lo, const float* hi, size_t n, float* scale, int32_t* zp, float* inv,
                             uint8_t* live) {
  const __mmask8 k = (__mmask8)((1u << n) - 1);
  const __m512d zero = _mm512_setzero_pd();
  /* fmin(0, lo) and fmax(0, hi): a NaN gives 0, as min/max with the NaN first give their second operand. */
  const __m512d rmin = _mm512_min_pd(_mm512_cvtps_pd(_mm256_maskz_loadu_ps(k, lo)), zero);
  const __m512d rmax = _mm512_max_pd(_mm512_cvtps_pd(_mm256_maskz_loadu_ps(k, hi)), zero);
  const __mmask8 same = _mm512_cmp_pd_mask(rmin, rmax, _CMP_EQ_OQ);
  const __m512d s = _mm512_div_pd(_mm512_sub_pd(rmax, rmin), _mm512_set1_pd(255.0));
  const __m512d a = _mm512_div_pd(rmin, s), b = _mm512_div_pd(rmax, s);
  const __m512d abs_mask = _mm512_castsi512_pd(_mm512_set1_epi64(0x7fffffffffffffffll));
  const __m512d err_min = _mm512_add_pd(_mm512_set1_pd(128.0), _mm512_and_pd(a, abs_mask));
  const __m512d err_max = _mm512_add_pd(_mm512_set1_pd(127.0), _mm512_and_pd(b, abs_mask));
  const __m512d z = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(err_min, err_max, _CMP_LT_OQ),
                                         _mm512_sub_pd(_mm512_set1_pd(127.0), b),
                                         _mm512_sub_pd(_mm512_set1_pd(-128.0), a));
  __m256i nudged = _mm512_cvttpd_epi32(round_away8(z));
  const __mmask8 nan = _mm512_cmp_pd_mask(z, z, _CMP_UNORD_Q);
  const __mmask8 low = _mm512_cmp_pd_mask(z, _mm512_set1_pd(-128.0), _CMP_LE_OQ);
  const __mmask8 high = _mm512_cmp_pd_mask(z, _mm512_set1_pd(127.0), _CMP_GE_OQ);
  nudged = _mm256_mask_mov_epi32(nudged, nan, _mm256_set1_epi32(INT32_MIN));
  nudged = _mm256_mask_mov_epi32(nudged, low, _mm256_set1_epi32(-128));
  nudged = _mm256_mask_mov_epi32(nudged, high, _mm256_set1_epi32(127));
  const __m256 sc = _mm512_cvtpd_ps(s);
  const __m256 iv = _mm512_cvtpd_ps(_mm512_div_pd(_mm512_set1_pd(1.0), _mm512_cvtps_pd(sc)));
  int32_t zz[8];
  float ss[8], ii[8];
  _mm256_storeu_si256((__m256i*)zz, nudged);
  _mm256_storeu_ps(ss, sc);
  _mm256_storeu_ps(ii, iv);
  for (size_t i = 0; i < n; i++) {
    live[i] = !((same >> i) & 1);
    zp[i] = live[i] ? zz[i] : 0;
    scale[i] = live[i] ? ss[i] : 1.0f;
    inv[i] = ii[i];
  }
}

void sr_q8_quantize_rows__avx512(const float* in, size_t rows, size_t depth, int asymmetric, int8_t* q, float* scale,
                                 int32_t* zp) {
  if (depth == 0) {
    for (size_t r = 0; r < rows; r++) zp[r] = 0, scale[r] = 1.0f;
    return;
  }
  for (size_t r0 = 0; r0 < rows; r0 += 8) {
    const size_t n = rows - r0 < 8 ? rows - r0 : 8;
    float lo[8], hi[8], inv[8];
    uint8_t live[8];
    for (size_t i = 0; i < n; i++) minmax16(in + (r0 + i) * depth, depth, &lo[i], &hi[i]);
    if (asymmetric) asym_params8(lo, hi, n, scale + r0, zp + r0, inv, live);
    else
      for (size_t i = 0; i < n; i++)
        live[i] = (uint8_t)row_params(lo[i], hi[i], 0, &scale[r0 + i], &zp[r0 + i], &inv[i]);
    for (size_t i = 0; i < n; i++) {
      int8_t* qr = q + (r0 + i) * depth;
      if (live[i]) quantize16(in + (r0 + i) * depth, depth, inv[i], asymmetric, zp[r0 + i], qr);
      else memset(qr, 0, depth);
    }
  }
}

/* ---- AVX2 ---- */

static TGT2 void minmax8(const float* v, size_t n, float* lo, float* hi) {
  __m256 mn = _mm256_set1_ps(v[0]), mx = mn;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 x = _mm256_loadu_ps(v + i);
    mn = _mm256_min_ps(x, mn);
    mx = _mm256_max_ps(x, mx);
  }
  float a[8], b[8];
  _mm256_storeu_ps(a, mn);
  _mm256_storeu_ps(b, mx);
  *lo = a[0], *hi = b[0];
  for (int l = 1; l < 8; l++) {
    if (a[l] < *lo) *lo = a[l];
    if (b[l] > *hi) *hi = b[l];
  }
  for (; i < n; i++) {
    if (v[i] < *lo) *lo = v[i];
    if (v[i] > *hi) *hi = v[i];
  }
}

static inline __attribute__((always_inline)) TGT2 __m256i round_clamp8(__m256 x, __m256i qmin, __m256i qmax) {
  __m256 r = _mm256_round_ps(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m256 frac = _mm256_sub_ps(x, r), one = _mm256_set1_ps(1.0f);
  r = _mm256_add_ps(r, _mm256_and_ps(_mm256_cmp_ps(frac, _mm256_set1_ps(0.5f), _CMP_GE_OQ), one));
  r = _mm256_sub_ps(r, _mm256_and_ps(_mm256_cmp_ps(frac, _mm256_set1_ps(-0.5f), _CMP_LE_OQ), one));
  return _mm256_min_epi32(_mm256_max_epi32(_mm256_cvttps_epi32(r), qmin), qmax);
}

/* As quantize16; the packs saturate only values already in range. */
INL2 __m128i quantize8_step(__m256 v, __m256 f, int asymmetric, __m256i zero_point) {
  const __m256i lo = _mm256_set1_epi32(asymmetric ? -256 : -127), hi = _mm256_set1_epi32(asymmetric ? 256 : 127);
  __m256i r = round_clamp8(_mm256_mul_ps(v, f), lo, hi);
  if (asymmetric)
    r = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(r, zero_point), _mm256_set1_epi32(-128)),
                         _mm256_set1_epi32(127));
  const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
  return _mm_packs_epi16(w, w);
}

static TGT2 void quantize8(const float* v, size_t n, float inv, int asymmetric, int32_t zp, int8_t* q) {
  const __m256 f = _mm256_set1_ps(inv);
  const __m256i zero_point = _mm256_set1_epi32(zp);
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storel_epi64((__m128i*)(q + i), quantize8_step(_mm256_loadu_ps(v + i), f, asymmetric, zero_point));
  if (i < n) {
    float tail[8] = {0};
    memcpy(tail, v + i, (n - i) * sizeof(float));
    int8_t out[16];
    _mm_storeu_si128((__m128i*)out, quantize8_step(_mm256_loadu_ps(tail), f, asymmetric, zero_point));
    memcpy(q + i, out, n - i);
  }
}

void sr_q8_quantize_rows__avx2(const float* in, size_t rows, size_t depth, int asymmetric, int8_t* q, float* scale,
                               int32_t* zp) {
  for (size_t r = 0; r < rows; r++) {
    const float* v = in + r * depth;
    float lo = 0, hi = 0, inv = 0;
    zp[r] = 0;
    scale[r] = 1.0f;
    if (depth == 0) continue;
    minmax8(v, depth, &lo, &hi);
    if (!row_params(lo, hi, asymmetric, &scale[r], &zp[r], &inv)) {
      memset(q + r * depth, 0, depth);
      continue;
    }
    quantize8(v, depth, inv, asymmetric, zp[r], q + r * depth);
  }
}

#else
void sr_q8_quantize_rows__avx512(const float* in, size_t rows, size_t depth, int asymmetric, int8_t* q, float* scale,
                                 int32_t* zp) {
  sr_conv_hybrid_quantize_rows(in, rows, depth, asymmetric, q, scale, zp);
}
void sr_q8_quantize_rows__avx2(const float* in, size_t rows, size_t depth, int asymmetric, int8_t* q, float* scale,
                               int32_t* zp) {
  sr_conv_hybrid_quantize_rows(in, rows, depth, asymmetric, q, scale, zp);
}
#endif
