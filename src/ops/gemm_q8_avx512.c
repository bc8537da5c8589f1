/*
 * gemm_q8_avx512.c — AVX-512 VNNI kernels of the 8-bit GEMM (gemm_q8.h). A block of up to 6 rows of A is
 * packed (im2col, +128 flip) into a panel; micro-kernels of 6 (or 1) rows x 16..64 columns accumulate with
 * vpdpbusd into zmm registers, which never saturates: sums wrap modulo 2^32 as LiteRT's int32 sums do. The
 * epilogue requantizes 16 columns at a time with the constants of sr_q8_rq_lane16 (one 64-bit rounding per
 * lane, equal to LiteRT's two) or scales them to float for hybrid nodes, bit-exact with the __ref kernels.
 */
#include "q8_x86.h"

#if SR_HAVE_X86_KERNELS
#include <math.h>
#include <string.h>

#define TGT SR_TARGET_AVX512_VNNI
#define INL static inline __attribute__((always_inline)) TGT

enum { MR = 6, NV = 4 };

/* ---- packing A ---- */

static inline __mmask64 tail_mask(size_t n) { return n >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1); }

/* Copies len bytes flipped by `flip` into a panel row. The tail is read with a plain load while it stays before
 * `end` (the input's end; masked loads of a few bytes are slow), and written in full: panel rows are written in
 * order and have slack at the end, so bytes past len are overwritten or unused. */
INL void copy_xor(uint8_t* dst, const uint8_t* src, size_t len, const uint8_t* end, __m512i flip) {
  size_t i = 0;
  for (; i + 64 <= len; i += 64)
    _mm512_storeu_si512(dst + i, _mm512_xor_si512(_mm512_loadu_si512(src + i), flip));
  if (i == len) return;
  const size_t n = len - i;
  if (n <= 16) {
    const __m128i v = (size_t)(end - (src + i)) >= 16 ? _mm_loadu_si128((const __m128i*)(src + i))
                                                       : _mm_maskz_loadu_epi8((__mmask16)((1u << n) - 1), src + i);
    _mm_storeu_si128((__m128i*)(dst + i), _mm_xor_si128(v, _mm512_castsi512_si128(flip)));
  } else {
    const __m512i v = (size_t)(end - (src + i)) >= 64 ? _mm512_loadu_si512(src + i)
                                                      : _mm512_maskz_loadu_epi8(tail_mask(n), src + i);
    _mm512_storeu_si512(dst + i, _mm512_xor_si512(v, flip));
  }
}

INL void fill(uint8_t* dst, __m512i v, size_t len) {
  size_t i = 0;
  for (; i + 64 <= len; i += 64) _mm512_storeu_si512(dst + i, v);
  if (i < len) _mm512_mask_storeu_epi8(dst + i, tail_mask(len - i), v);
}

/* One im2col row, of output pixel (b, oy, ox): taps in filter order, the zero point where a tap falls outside
 * the input. */
static TGT void pack_conv_row(const sr_q8_gemm* p, size_t g, size_t b, size_t oy, size_t ox, uint8_t* dst) {
  const sr_conv_geom* cg = p->src.conv;
  const size_t kw = (size_t)cg->filter_w, in_w = (size_t)cg->in_w, in_c = (size_t)cg->in_c;
  const size_t fc = p->k / ((size_t)cg->filter_h * kw); /* channels per tap (a depthwise node over one channel: 1) */
  const __m512i flip = _mm512_set1_epi8((char)p->src.a_xor), pad = _mm512_set1_epi8((char)(p->src.pad ^ p->src.a_xor));
  /* With one group and no horizontal dilation, the taps of a filter row are contiguous in the input. */
  const int contiguous = cg->dilation_w == 1 && fc == in_c;
  const int64_t ix0 = (int64_t)ox * cg->stride_w - cg->pad_left;
  for (int32_t ky = 0; ky < cg->filter_h; ky++) {
    const int64_t iy = (int64_t)oy * cg->stride_h - cg->pad_top + (int64_t)ky * cg->dilation_h;
    if (iy < 0 || iy >= cg->in_h) {
      fill(dst, pad, kw * fc);
      dst += kw * fc;
      continue;
    }
    const uint8_t* row = p->src.a + ((b * (size_t)cg->in_h + (size_t)iy) * in_w) * in_c + g * fc;
    if (contiguous && ix0 >= 0 && ix0 + (int64_t)kw <= (int64_t)in_w) {
      copy_xor(dst, row + (size_t)ix0 * in_c, kw * fc, p->src.a_end, flip);
      dst += kw * fc;
      continue;
    }
    for (size_t kx = 0; kx < kw; kx++, dst += fc) {
      const int64_t ix = ix0 + (int64_t)kx * cg->dilation_w;
      if (ix < 0 || ix >= (int64_t)in_w) fill(dst, pad, fc);
      else copy_xor(dst, row + (size_t)ix * in_c, fc, p->src.a_end, flip);
    }
  }
}

/* Rows [m, m + rows) of group g into the panel (rows of kp bytes, zero beyond k); rows up to `height` past
 * the end are zeroed so the micro-kernel reads defined bytes. */
static TGT void pack_rows(const sr_q8_gemm* p, size_t g, size_t m, size_t rows, size_t height, uint8_t* panel) {
  const size_t k = p->k, kp = (k + 3) / 4 * 4;
  const __m512i flip = _mm512_set1_epi8((char)p->src.a_xor), zero = _mm512_setzero_si512();
  const sr_conv_geom* cg = p->src.conv;
  const size_t out_h = cg ? (size_t)cg->out_h : 1, out_w = cg ? (size_t)cg->out_w : 1;
  size_t b = m / (out_h * out_w), oy = m / out_w % out_h, ox = m % out_w; /* pixel of row m, then stepped */
  for (size_t r = 0; r < rows; r++) {
    uint8_t* dst = panel + r * kp;
    if (cg) {
      pack_conv_row(p, g, b, oy, ox, dst);
      if (++ox == out_w) {
        ox = 0;
        if (++oy == out_h) oy = 0, b++;
      }
    } else {
      copy_xor(dst, p->src.a + (m + r) * p->src.lda + g * k, k, p->src.a_end, flip);
    }
    if (kp > k) fill(dst + k, zero, kp - k);
  }
  if (rows < height) fill(panel + rows * kp, zero, (height - rows) * kp);
}

/* beta * (sum of a row's `len` bytes, signed or unsigned as the kernel multiplies them) for each row: the
 * correction for uint8 weights or a weight offset. */
static TGT void row_terms(const uint8_t* a, size_t stride, size_t len, size_t rows, int32_t beta, int is_signed,
                          int32_t* out) {
  const __m512i ones = _mm512_set1_epi8(1);
  for (size_t r = 0; r < rows; r++, a += stride) {
    __m512i s = _mm512_setzero_si512();
    for (size_t i = 0; i < len; i += 64) {
      const __m512i v = _mm512_maskz_loadu_epi8(tail_mask(len - i), a + i);
      s = is_signed ? _mm512_dpbusd_epi32(s, ones, v) : _mm512_add_epi32(s, _mm512_sad_epu8(v, _mm512_setzero_si512()));
    }
    out[r] = (int32_t)((uint32_t)_mm512_reduce_add_epi32(s) * (uint32_t)beta);
  }
}

/* ---- micro-kernels ---- */

/* Sums of `rows` panel rows times NVxx16 packed columns into acc[MR][NV][16], starting from the column terms
 * at init (16 int32 every init_stride bytes). */
INL void tile(const uint8_t* a, size_t kp, const int8_t* b, size_t bstride, const uint8_t* init, size_t init_stride,
              int32_t* out, const int mr, const int nv) {
  __m512i acc[MR][NV];
#pragma GCC unroll 4
  for (int j = 0; j < nv; j++) {
    const __m512i v = _mm512_loadu_si512(init + (size_t)j * init_stride);
#pragma GCC unroll 6
    for (int i = 0; i < mr; i++) acc[i][j] = v;
  }
  const size_t kq = kp / 4;
  for (size_t q = 0; q < kq; q++, b += 64) {
    __m512i bv[NV];
#pragma GCC unroll 4
    for (int j = 0; j < nv; j++) bv[j] = _mm512_load_si512(b + (size_t)j * bstride);
#pragma GCC unroll 6
    for (int i = 0; i < mr; i++) {
      int32_t w;
      memcpy(&w, a + (size_t)i * kp + 4 * q, 4);
      const __m512i av = _mm512_set1_epi32(w);
#pragma GCC unroll 4
      for (int j = 0; j < nv; j++) acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], av, bv[j]);
    }
  }
#pragma GCC unroll 6
  for (int i = 0; i < mr; i++)
#pragma GCC unroll 4
    for (int j = 0; j < nv; j++) _mm512_store_si512(out + (i * NV + j) * 16, acc[i][j]);
}

typedef void (*tile_fn)(const uint8_t* a, size_t kp, const int8_t* b, size_t bstride, const uint8_t* init,
                        size_t init_stride, int32_t* out);
#define DEFINE_TILE(R, V)                                                                                      \
  static TGT void tile_##R##x##V(const uint8_t* a, size_t kp, const int8_t* b, size_t bstride,                 \
                                 const uint8_t* init, size_t init_stride, int32_t* out) {                      \
    tile(a, kp, b, bstride, init, init_stride, out, R, V);                                                     \
  }
DEFINE_TILE(6, 1)
DEFINE_TILE(6, 2)
DEFINE_TILE(6, 3)
DEFINE_TILE(6, 4)
DEFINE_TILE(1, 1)
DEFINE_TILE(1, 2)
DEFINE_TILE(1, 3)
DEFINE_TILE(1, 4)
static const tile_fn tiles6[NV] = {tile_6x1, tile_6x2, tile_6x3, tile_6x4};
static const tile_fn tiles1[NV] = {tile_1x1, tile_1x2, tile_1x3, tile_1x4};

/* ---- epilogues ---- */

/* Writes `rows` x (nv x 16, the last group `last` wide) outputs of a tile at c (bytes); sums of row i, group j at
 * acc + i * stride + j * 16. Constants stay in registers across the rows of a group. */
INL void store_q8_body(const int32_t* acc, size_t stride, size_t rows, size_t nv, size_t last,
                       const sr_q8_rq_lane16* q, const sr_q8_epilogue* e, const int32_t* row_term, uint8_t* c,
                       size_t ldc, const int ref, const int lsh) {
  const __m512i lo = _mm512_set1_epi32(e->lo), hi = _mm512_set1_epi32(e->hi), off = _mm512_set1_epi32(e->out_offset);
  /* Two column groups at a time, narrowed together by two packs (values already fit the output type) and one
   * dword permutation into 32 ordered bytes: cheaper than vpmovdb, whose store form is slow. */
  const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 0, 0, 0, 0, 0, 0, 0, 0);
  const int out_unsigned = e->out_unsigned;
  for (size_t j = 0; j < nv; j += 2) {
    const int two = j + 1 < nv;
    sr_q8_rq16 r0, r1;
    sr_q8_rq16_load(&r0, q + j, ref, lsh);
    if (two) sr_q8_rq16_load(&r1, q + j + 1, ref, lsh);
    const size_t width = (two ? 16 : 0) + (j + (size_t)two + 1 < nv || last == 16 ? 16 : last);
    const __mmask32 mask = width == 32 ? ~(__mmask32)0 : (((__mmask32)1 << width) - 1);
    for (size_t i = 0; i < rows; i++) {
      const __m512i rt = _mm512_set1_epi32(row_term ? row_term[i] : 0);
      const __m512i x0 = _mm512_add_epi32(_mm512_load_si512(acc + i * stride + j * 16), rt);
      const __m512i y0 = sr_q8_rq16_apply(x0, &r0, ref, lsh);
      const __m512i v0 = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(y0, lo), hi), off);
      __m512i v1 = v0;
      if (two) {
        const __m512i x1 = _mm512_add_epi32(_mm512_load_si512(acc + i * stride + j * 16 + 16), rt);
        const __m512i y1 = sr_q8_rq16_apply(x1, &r1, ref, lsh);
        v1 = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(y1, lo), hi), off);
      }
      const __m512i w16 = _mm512_packs_epi32(v0, v1);
      const __m512i w8 = out_unsigned ? _mm512_packus_epi16(w16, w16) : _mm512_packs_epi16(w16, w16);
      const __m256i bytes = _mm512_castsi512_si256(_mm512_permutexvar_epi32(order, w8));
      _mm256_mask_storeu_epi8(c + i * ldc + j * 16, mask, bytes);
    }
  }
}

typedef void (*store_fn)(const int32_t* acc, size_t stride, size_t rows, size_t nv, size_t last,
                         const sr_q8_rq_lane16* q, const sr_q8_epilogue* e, const int32_t* row_term, uint8_t* c,
                         size_t ldc);
#define DEFINE_STORE(NAME, REF, LSH)                                                                            \
  static TGT void NAME(const int32_t* acc, size_t stride, size_t rows, size_t nv, size_t last,                   \
                       const sr_q8_rq_lane16* q, const sr_q8_epilogue* e, const int32_t* row_term, uint8_t* c,   \
                       size_t ldc) {                                                                             \
    store_q8_body(acc, stride, rows, nv, last, q, e, row_term, c, ldc, REF, LSH);                                \
  }
DEFINE_STORE(store_gemm, 0, 0)
DEFINE_STORE(store_gemm_lsh, 0, 1)
DEFINE_STORE(store_ref, 1, 0)
DEFINE_STORE(store_ref_lsh, 1, 1)

static store_fn store_q8_for(const sr_q8_epilogue* e) {
  static const store_fn fns[2][2] = {{store_gemm, store_gemm_lsh}, {store_ref, store_ref_lsh}};
  return fns[e->ref_rounding != 0][e->has_lshift != 0];
}

/* Hybrid: float(sum - (128 + zp) * colsum) * (weight scale * row scale) + bias, clamped (NaN passes). Column
 * constants stay in registers across the rows (rows <= SR_Q8_MR_MAX); without an activation the clamp to
 * [-inf, inf] is the identity (NaN included) and is left out. */
static TGT void store_f32(const int32_t* acc, size_t stride, size_t rows, size_t nv, size_t last,
                          const sr_q8_hy_lane16* q, const sr_q8_epilogue* e, size_t m, float* c, size_t ldc) {
  const __m512 lo = _mm512_set1_ps(e->flo), hi = _mm512_set1_ps(e->fhi);
  const int clamp = !(e->flo == -INFINITY && e->fhi == INFINITY);
  float row_scale[SR_Q8_MR_MAX];
  int32_t alpha[SR_Q8_MR_MAX];
  for (size_t i = 0; i < rows; i++) {
    const size_t scale_row = (m + i) / e->rows_per_scale;
    row_scale[i] = e->row_scale[scale_row];
    /* -(a_shift + zero point), modulo 2^32 (a row with an infinity has zero point INT32_MIN) */
    const uint32_t zp = e->row_zp ? (uint32_t)e->a_shift + (uint32_t)e->row_zp[scale_row] : 0u;
    alpha[i] = (int32_t)(0u - zp);
  }
  for (size_t j = 0; j < nv; j++) {
    const __m512 scale = _mm512_loadu_ps(q[j].scale), bias = _mm512_loadu_ps(q[j].bias);
    const __m512i colsum = _mm512_loadu_si512(q[j].colsum);
    const __mmask16 mask = j + 1 < nv || last == 16 ? (__mmask16)0xffff : (__mmask16)((1u << last) - 1);
    for (size_t i = 0; i < rows; i++) {
      __m512i x = _mm512_load_si512(acc + i * stride + j * 16);
      if (e->row_zp) x = _mm512_add_epi32(x, _mm512_mullo_epi32(_mm512_set1_epi32(alpha[i]), colsum));
      const __m512 prod = _mm512_mul_ps(scale, _mm512_set1_ps(row_scale[i]));
      __m512 v = _mm512_add_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(x), prod), bias);
      if (clamp) v = _mm512_min_ps(hi, _mm512_max_ps(lo, v));
      _mm512_mask_storeu_ps(c + i * ldc + j * 16, mask, v);
    }
  }
}

/* The epilogue of one tile: sums at acc (row stride `stride` int32) for rows [m, m + rows) and column groups
 * [cg, cg + nv) of group g. */
static TGT void finish_tile(const sr_q8_gemm* p, store_fn store, const int32_t* acc, size_t stride, size_t g,
                            size_t m, size_t rows, size_t cg, size_t nv, const int32_t* row_term) {
  const size_t n = p->n, col_groups = (n + 15) / 16;
  const size_t last = cg + nv == col_groups && n % 16 ? n % 16 : 16;
  const uint8_t* consts = (const uint8_t*)p->rq + g * p->rq_group_bytes;
  if (p->float_out) {
    float* c = (float*)p->c + m * p->ldc + g * n + cg * 16;
    store_f32(acc, stride, rows, nv, last, (const sr_q8_hy_lane16*)consts + cg, &p->epi, m, c, p->ldc);
  } else {
    uint8_t* c = (uint8_t*)p->c + m * p->ldc + g * n + cg * 16;
    store(acc, stride, rows, nv, last, (const sr_q8_rq_lane16*)consts + cg, &p->epi, row_term, c, p->ldc);
  }
}

/* ---- drivers ---- */

static size_t init_stride(const sr_q8_gemm* p) {
  return p->float_out ? sizeof(sr_q8_hy_lane16) : sizeof(sr_q8_rq_lane16);
}

void sr_q8_gemm_rows__avx512vnni(const sr_q8_gemm* p, size_t m0, size_t m1, size_t cg0, size_t cg1,
                                 uint8_t* panel) {
  const size_t k = p->k, kp = (k + 3) / 4 * 4, n = p->n, bstride = sr_q8_group_stride(k), istride = init_stride(p);
  const store_fn store = store_q8_for(&p->epi);
  _Alignas(64) int32_t acc[MR * NV * 16];
  int32_t row_term[MR];
  for (size_t g = 0; g < p->groups; g++) {
    const int8_t* bg = p->b + g * sr_q8_conv_group_bytes(n, k);
    const uint8_t* consts = (const uint8_t*)p->rq + g * p->rq_group_bytes;
    for (size_t m = m0; m < m1;) {
      /* Blocks of 6 rows; a remainder of 1 or 2 rows runs row by row rather than computing 6. */
      const size_t left = m1 - m, height = left >= 3 ? MR : 1, rows = left < height ? left : height;
      pack_rows(p, g, m, rows, height, panel);
      if (p->epi.row_coeff) row_terms(panel, kp, kp, rows, p->epi.row_coeff, 0, row_term);
      const tile_fn* fns = height == MR ? tiles6 : tiles1;
      for (size_t cg = cg0; cg < cg1; cg += NV) {
        const size_t nv = cg1 - cg < NV ? cg1 - cg : NV;
        fns[nv - 1](panel, kp, bg + cg * bstride, bstride, consts + cg * istride, istride, acc);
        finish_tile(p, store, acc, NV * 16, g, m, rows, cg, nv, p->epi.row_coeff ? row_term : NULL);
      }
      m += rows;
    }
  }
}

/* ---- AMX ---- */

/* Tile configuration (palette 1): C in tiles 0-1 (16 rows x 16 int32), A in 2 (16 rows x 64 bytes), B in 3-4
 * (16 k-quads x 16 columns), and for a depth that is not a multiple of 64 the last A and B slices in 5 and 6-7. */
typedef struct tile_config {
  uint8_t palette, start_row, reserved[14];
  uint16_t colsb[16];
  uint8_t rows[16];
} tile_config;

static void amx_config(tile_config* cfg, size_t tail) {
  memset(cfg, 0, sizeof *cfg);
  cfg->palette = 1;
  for (int t = 0; t < 5; t++) cfg->rows[t] = 16, cfg->colsb[t] = 64;
  if (tail) {
    cfg->rows[5] = 16, cfg->colsb[5] = (uint16_t)tail;
    for (int t = 6; t < 8; t++) cfg->rows[t] = (uint8_t)(tail / 4), cfg->colsb[t] = 64;
  }
}

#define TGT_AMX SR_TARGET_AMX_INT8

/* 16 rows x 1 or 2 column groups: A rows at a with stride lda, kp bytes each (a multiple of 4); the C tiles
 * start from the column terms (a 16 x 64-byte load with stride 0 repeats one row). Signed A multiplies int8 by
 * int8 (tdpbssd), otherwise uint8 by int8 (tdpbusd). */
static TGT_AMX void amx_tile(const uint8_t* a, size_t lda, size_t kp, const int8_t* b, size_t bstride,
                             const uint8_t* init, size_t istride, int two, int32_t* out, int is_signed) {
  const size_t full = kp / 64, tail = kp % 64;
  _tile_loadd(0, init, 0);
  if (two) _tile_loadd(1, init + istride, 0);
  for (size_t s = 0; s < full; s++) {
    _tile_loadd(2, a + 64 * s, (long)lda);
    _tile_loadd(3, b + 1024 * s, 64);
    if (is_signed) _tile_dpbssd(0, 2, 3);
    else _tile_dpbusd(0, 2, 3);
    if (two) {
      _tile_loadd(4, b + bstride + 1024 * s, 64);
      if (is_signed) _tile_dpbssd(1, 2, 4);
      else _tile_dpbusd(1, 2, 4);
    }
  }
  if (tail) {
    _tile_loadd(5, a + 64 * full, (long)lda);
    _tile_loadd(6, b + 1024 * full, 64);
    if (is_signed) _tile_dpbssd(0, 5, 6);
    else _tile_dpbusd(0, 5, 6);
    if (two) {
      _tile_loadd(7, b + bstride + 1024 * full, 64);
      if (is_signed) _tile_dpbssd(1, 5, 7);
      else _tile_dpbusd(1, 5, 7);
    }
  }
  _tile_stored(0, out, 128);
  if (two) _tile_stored(1, out + 16, 128);
}

/* A block of up to 16 rows: either read in place (rows of a plain matrix whose depth is a multiple of 4), or
 * packed into a panel one block ahead, so the panel's stores have drained before the tile loads read them. */
typedef struct amx_block {
  const uint8_t* a;
  size_t lda, rows;
  int32_t row_term[16];
} amx_block;

static TGT void amx_prepare(const sr_q8_gemm* p, size_t g, size_t m, size_t m1, uint8_t* panel, amx_block* blk) {
  const size_t k = p->k, kp = (k + 3) / 4 * 4;
  blk->rows = m1 - m < 16 ? m1 - m : 16;
  if (!p->src.conv && k == kp && blk->rows == 16) {
    blk->a = p->src.a + m * p->src.lda + g * k;
    blk->lda = p->src.lda;
  } else {
    pack_rows(p, g, m, blk->rows, 16, panel);
    blk->a = panel;
    blk->lda = kp;
  }
  if (p->epi.row_coeff) row_terms(blk->a, blk->lda, k, blk->rows, p->epi.row_coeff, p->src.a_signed, blk->row_term);
}

static TGT_AMX void amx_rows(const sr_q8_gemm* p, size_t m0, size_t m1, size_t cg0, size_t cg1, uint8_t* panel) {
  const int is_signed = p->src.a_signed;
  const size_t k = p->k, kp = (k + 3) / 4 * 4, n = p->n, bstride = sr_q8_group_stride(k), istride = init_stride(p);
  const size_t panel_bytes = sr_q8_panel_bytes(k) / 2;
  const store_fn store = store_q8_for(&p->epi);
  /* Sums of two tiles alternate between two buffers: the epilogue of one pair of column groups reads its
   * buffer while the tile unit computes the next pair into the other. */
  _Alignas(64) int32_t acc[2][16 * 32];
  amx_block blk[4];
  /* Few rows of a plain matrix (the depth a multiple of 4): every block's A is in place (the last one packed),
   * so sweep the columns once with the row blocks inside, reading the weights once instead of once per block. */
  const size_t blocks = (m1 - m0 + 15) / 16;
  if (!p->src.conv && k == kp && blocks <= 4) {
    for (size_t g = 0; g < p->groups; g++) {
      const int8_t* bg = p->b + g * sr_q8_conv_group_bytes(n, k);
      const uint8_t* consts = (const uint8_t*)p->rq + g * p->rq_group_bytes;
      for (size_t i = 0; i < blocks; i++) amx_prepare(p, g, m0 + 16 * i, m1, panel, &blk[i]);
      size_t prev_cg = cg1, prev_i = 0, j = 0;
      for (size_t cg = cg0; cg < cg1; cg += 2)
        for (size_t i = 0; i < blocks; i++, j ^= 1) {
          const int two = cg + 1 < cg1;
          amx_tile(blk[i].a, blk[i].lda, kp, bg + cg * bstride, bstride, consts + cg * istride, istride, two, acc[j],
                   is_signed);
          if (prev_cg < cg1)
            finish_tile(p, store, acc[j ^ 1], 32, g, m0 + 16 * prev_i, blk[prev_i].rows, prev_cg,
                        cg1 - prev_cg < 2 ? 1 : 2, p->epi.row_coeff ? blk[prev_i].row_term : NULL);
          prev_cg = cg, prev_i = i;
        }
      finish_tile(p, store, acc[j ^ 1], 32, g, m0 + 16 * prev_i, blk[prev_i].rows, prev_cg, cg1 - prev_cg < 2 ? 1 : 2,
                  p->epi.row_coeff ? blk[prev_i].row_term : NULL);
    }
    return;
  }
  for (size_t g = 0; g < p->groups; g++) {
    const int8_t* bg = p->b + g * sr_q8_conv_group_bytes(n, k);
    const uint8_t* consts = (const uint8_t*)p->rq + g * p->rq_group_bytes;
    amx_prepare(p, g, m0, m1, panel, &blk[0]);
    for (size_t m = m0, i = 0; m < m1; m += 16, i ^= 1) {
      if (m + 16 < m1) amx_prepare(p, g, m + 16, m1, panel + (i ^ 1) * panel_bytes, &blk[i ^ 1]);
      const amx_block* b = &blk[i];
      const int32_t* row_term = p->epi.row_coeff ? b->row_term : NULL;
      size_t prev = cg1, j = 0;
      for (size_t cg = cg0; cg < cg1; cg += 2, j ^= 1) {
        const int two = cg + 1 < cg1;
        amx_tile(b->a, b->lda, kp, bg + cg * bstride, bstride, consts + cg * istride, istride, two, acc[j], is_signed);
        if (prev < cg1) finish_tile(p, store, acc[j ^ 1], 32, g, m, b->rows, prev, 2, row_term);
        prev = cg;
      }
      if (prev < cg1) finish_tile(p, store, acc[j ^ 1], 32, g, m, b->rows, prev, cg1 - prev < 2 ? 1 : 2, row_term);
    }
  }
}


TGT_AMX void sr_q8_gemm_rows__amx(const sr_q8_gemm* p, size_t m0, size_t m1, size_t cg0, size_t cg1,
                                  uint8_t* panel) {
  tile_config cfg;
  amx_config(&cfg, (p->k + 3) / 4 * 4 % 64);
  _tile_loadconfig(&cfg);
  amx_rows(p, m0, m1, cg0, cg1, panel);
  _tile_release();
}

#else
void sr_q8_gemm_rows__avx512vnni(const sr_q8_gemm* p, size_t m0, size_t m1, size_t cg0, size_t cg1,
                                 uint8_t* panel) {
  (void)p, (void)m0, (void)m1, (void)cg0, (void)cg1, (void)panel;
}
void sr_q8_gemm_rows__amx(const sr_q8_gemm* p, size_t m0, size_t m1, size_t cg0, size_t cg1, uint8_t* panel) {
  (void)p, (void)m0, (void)m1, (void)cg0, (void)cg1, (void)panel;
}
#endif
