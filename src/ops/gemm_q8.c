/*
 * gemm_q8.c — the portable half of the 8-bit GEMM (gemm_q8.h): weight packing, the per-column constants
 * that fold the +-128 flips, offsets and bias into one int32 per column and lay out LiteRT's requantization for
 * vector lanes, and a plain-C packing of A rows (the definition the vector packers follow). Everything here
 * works modulo 2^32 (unsigned arithmetic), as the int32 sums of LiteRT and of the kernels do.
 */
#include "gemm_q8.h"

#include <string.h>

#include "../core/cpu.h"
#include "../core/packed.h"
#include "../core/parallel.h"
#include "../core/runner.h"

SR_Q8_COLD
sr_q8_terms sr_q8_terms_of(int a_unsigned, int w_unsigned, int32_t input_offset, int32_t filter_offset, int signed_a) {
  sr_q8_terms t;
  const int flip = !a_unsigned && !signed_a;
  t.alpha = flip ? input_offset - 128 : input_offset;
  t.beta = w_unsigned ? filter_offset + 128 : filter_offset;
  t.a_xor = flip ? 0x80 : 0;
  return t;
}

SR_Q8_COLD size_t sr_q8_packed_bytes(size_t n, size_t k, size_t groups) {
  const size_t col_groups = (n + SR_Q8_NR - 1) / SR_Q8_NR;
  return groups * sr_q8_conv_group_bytes(n, k) + groups * col_groups * SR_Q8_NR * sizeof(int32_t);
}

SR_Q8_COLD void sr_q8_pack_b(void* dst, size_t bytes, const void* arg) {
  const sr_q8_pack_arg* a = arg;
  const size_t n = a->n, k = a->k, kq = (k + 3) / 4, col_groups = (n + SR_Q8_NR - 1) / SR_Q8_NR;
  const uint8_t flip = a->w_unsigned ? 0x80 : 0;
  memset(dst, 0, bytes);
  int8_t* out = dst;
  int32_t* sums = (int32_t*)((uint8_t*)dst + a->groups * sr_q8_conv_group_bytes(n, k));
  for (size_t g = 0; g < a->groups; g++) {
    for (size_t c = 0; c < n; c++) {
      const uint8_t* w = a->transposed ? a->w + c : a->w + (g * n + c) * k;
      const size_t step = a->transposed ? n : 1;
      int8_t* col = out + (g * col_groups + c / SR_Q8_NR) * kq * 4 * SR_Q8_NR + (c % SR_Q8_NR) * 4;
      uint32_t sum = 0;
      for (size_t i = 0; i < k; i++) {
        const int8_t v = (int8_t)(w[i * step] ^ flip);
        col[(i / 4) * 4 * SR_Q8_NR + i % 4] = v;
        sum += (uint32_t)(int32_t)v;
      }
      sums[g * col_groups * SR_Q8_NR + c] = (int32_t)sum;
    }
  }
}

SR_Q8_COLD size_t sr_q8_packed16_bytes(size_t n, size_t k, size_t groups) {
  return groups * ((n + SR_Q8_NR - 1) / SR_Q8_NR) * sr_q8_group16_stride(k);
}

SR_Q8_COLD void sr_q8_pack_b16(void* dst, size_t bytes, const void* arg) {
  const sr_q8_pack16_arg* a = arg;
  const size_t n = a->n, k = a->k, col_groups = (n + SR_Q8_NR - 1) / SR_Q8_NR;
  const size_t group_elems = sr_q8_group16_stride(k) / sizeof(int16_t);
  int16_t* out = dst;
  memset(dst, 0, bytes);
  for (size_t g = 0; g < a->groups; g++)
    for (size_t c = 0; c < n; c++) {
      const uint8_t* w = a->transposed ? a->w + c : a->w + (g * n + c) * k;
      const size_t step = a->transposed ? n : 1;
      int16_t* col = out + (g * col_groups + c / SR_Q8_NR) * group_elems + (c % SR_Q8_NR) * 2;
      for (size_t i = 0; i < k; i++)
        col[(i / 2) * 2 * SR_Q8_NR + i % 2] =
            (int16_t)((a->w_unsigned ? (int32_t)w[i * step] : (int32_t)(int8_t)w[i * step]) + a->filter_offset);
    }
}

SR_Q8_COLD size_t sr_q8_requant_bytes(size_t n, int lanes) {
  const size_t blocks = (n + 15) / 16 * (16 / (size_t)lanes); /* whole 16-column groups */
  return blocks * (lanes == 16 ? sizeof(sr_q8_rq_lane16) : sizeof(sr_q8_rq_lane8));
}

/* One column's constants (see sr_q8_rq_lane8 in gemm_q8.h). */
typedef struct col_consts {
  int32_t bias, mult, lshift;
  int64_t round, count, dneg, sign;
} col_consts;

SR_Q8_COLD static col_consts column(int gemm_rounding, sr_qmul m, uint32_t bias, int avx2) {
  col_consts c;
  const int r = m.shift > 0 ? 0 : -m.shift;
  c.bias = (int32_t)bias;
  c.mult = m.mult;
  c.lshift = m.shift > 0 ? m.shift : 0;
  c.count = 31 + r;
  uint64_t round = ((uint64_t)1 << 30) + (r > 0 ? (uint64_t)1 << (30 + r) : 0);
  if (avx2) round += (uint64_t)1 << 63; /* logical shift of y + 2^63, then minus 2^63 >> count */
  c.round = (int64_t)round;
  c.dneg = !gemm_rounding && r > 0 ? (int64_t)1 << 31 : 0;
  c.sign = (int64_t)(((uint64_t)1 << 63) >> c.count);
  return c;
}

SR_Q8_COLD void sr_q8_rq16_set(sr_q8_rq_lane16* q, int lane, int gemm_rounding, sr_qmul m, uint32_t bias) {
  const col_consts cc = column(gemm_rounding, m, bias, 0);
  const int h = lane / 2, odd = lane % 2;
  q->bias[lane] = cc.bias, q->mult[lane] = cc.mult, q->lshift[lane] = cc.lshift;
  *(odd ? &q->round_o[h] : &q->round_e[h]) = cc.round;
  *(odd ? &q->count_o[h] : &q->count_e[h]) = cc.count;
  *(odd ? &q->dneg_o[h] : &q->dneg_e[h]) = cc.dneg;
}

SR_Q8_COLD void sr_q8_rq8_set(sr_q8_rq_lane8* q, int lane, int gemm_rounding, sr_qmul m, uint32_t bias) {
  const col_consts cc = column(gemm_rounding, m, bias, 1);
  const int h = lane / 2, odd = lane % 2;
  q->bias[lane] = cc.bias, q->mult[lane] = cc.mult, q->lshift[lane] = cc.lshift;
  *(odd ? &q->round_o[h] : &q->round_e[h]) = cc.round;
  *(odd ? &q->count_o[h] : &q->count_e[h]) = cc.count;
  *(odd ? &q->dneg_o[h] : &q->dneg_e[h]) = cc.dneg;
  *(odd ? &q->sign_o[h] : &q->sign_e[h]) = cc.sign;
}

SR_Q8_COLD
void sr_q8_prep_requant(const sr_conv_requant* rq, size_t c0, const int32_t* bias, const int32_t* colsum, size_t n,
                        size_t k, sr_q8_terms t, int lanes, void* dst) {
  const uint32_t kab = (uint32_t)k * (uint32_t)t.alpha * (uint32_t)t.beta;
  memset(dst, 0, sr_q8_requant_bytes(n, lanes));
  for (size_t c = 0; c < n; c++) {
    const uint32_t sum = colsum ? (uint32_t)colsum[c] : 0;
    const uint32_t term = (bias ? (uint32_t)bias[c] : 0) + (uint32_t)t.alpha * sum + kab;
    const size_t b = c / (size_t)lanes;
    const int l = (int)(c % (size_t)lanes);
    const int gemm = sr_q8_gemm_rounds(rq, c0 + c);
    if (lanes == 16) sr_q8_rq16_set((sr_q8_rq_lane16*)dst + b, l, gemm, rq->mult[c], term);
    else sr_q8_rq8_set((sr_q8_rq_lane8*)dst + b, l, gemm, rq->mult[c], term);
  }
}

SR_Q8_COLD
void sr_q8_prep_hybrid(const float* scales, const float* bias, const int32_t* colsum, size_t n, int asymmetric,
                       int32_t a_shift, sr_q8_hy_lane16* dst) {
  const size_t blocks = (n + 15) / 16;
  memset(dst, 0, blocks * sizeof *dst);
  for (size_t c = 0; c < n; c++) {
    sr_q8_hy_lane16* q = dst + c / 16;
    const size_t l = c % 16;
    /* int8 inputs flipped by +128: sum w * (q - zp) = S - (128 + zp) * colsum (zp applied per row). */
    const int32_t sum = colsum ? colsum[c] : 0;
    q->term[l] = asymmetric ? 0 : (int32_t)((uint32_t)sum * (uint32_t)-a_shift);
    q->colsum[l] = sum;
    q->scale[l] = scales[c];
    q->bias[l] = bias ? bias[c] : -0.0f; /* x + -0 == x for every x, so "no bias" is an addition too */
  }
}

size_t sr_q8_panel_bytes(size_t k) { return 2 * (SR_Q8_MR_MAX * ((k + 3) / 4) * 4 + 64); }

/* The k bytes of A's row m in group g, as stored (no flip): a row of the matrix, or the im2col row of output
 * pixel m with the zero point for taps in the padding. */
static void gather_row(const sr_q8_source* s, size_t k, size_t g, size_t m, uint8_t* dst) {
  if (!s->conv) {
    memcpy(dst, s->a + m * s->lda + g * k, k);
    return;
  }
  const sr_conv_geom* cg = s->conv;
  const size_t fc = k / ((size_t)cg->filter_h * (size_t)cg->filter_w), in_c = (size_t)cg->in_c;
  const size_t b = m / ((size_t)cg->out_h * (size_t)cg->out_w);
  const size_t oy = m / (size_t)cg->out_w % (size_t)cg->out_h, ox = m % (size_t)cg->out_w;
  for (int32_t ky = 0; ky < cg->filter_h; ky++) {
    const int64_t iy = (int64_t)oy * cg->stride_h - cg->pad_top + (int64_t)ky * cg->dilation_h;
    for (int32_t kx = 0; kx < cg->filter_w; kx++, dst += fc) {
      const int64_t ix = (int64_t)ox * cg->stride_w - cg->pad_left + (int64_t)kx * cg->dilation_w;
      if (iy < 0 || iy >= cg->in_h || ix < 0 || ix >= cg->in_w) memset(dst, s->pad, fc);
      else
        memcpy(dst, s->a + ((b * (size_t)cg->in_h + (size_t)iy) * (size_t)cg->in_w + (size_t)ix) * in_c + g * fc, fc);
    }
  }
}

void sr_q8_pack_rows__c(const sr_q8_gemm* p, size_t g, size_t m0, size_t rows, size_t height, uint8_t* panel) {
  const size_t k = p->k, kp = (k + 3) / 4 * 4;
  for (size_t r = 0; r < rows; r++) {
    uint8_t* dst = panel + r * kp;
    gather_row(&p->src, k, g, m0 + r, dst);
    for (size_t i = 0; i < k; i++) dst[i] ^= p->src.a_xor;
    memset(dst + k, 0, kp - k);
  }
  if (rows < height) memset(panel + rows * kp, 0, (height - rows) * kp);
}

void sr_q8_pack_rows16__c(const sr_q8_gemm* p, size_t g, size_t m0, size_t rows, size_t height, int16_t* panel,
                          uint8_t* tmp) {
  const size_t k = p->k, kp2 = (k + 1) / 2 * 2;
  for (size_t r = 0; r < rows; r++) {
    int16_t* dst = panel + r * kp2;
    const size_t m = m0 + r;
    /* Modulo 2^32: a hostile row (an infinity) gives the zero point INT32_MIN, as in the reference. */
    const uint32_t zp = p->src.row_zp ? (uint32_t)p->src.row_zp[m / p->src.rows_per_zp] : 0u;
    const uint32_t off = (uint32_t)p->src.a_offset - zp;
    gather_row(&p->src, k, g, m, tmp);
    if (p->src.a_signed)
      for (size_t i = 0; i < k; i++) dst[i] = (int16_t)(uint16_t)((uint32_t)(int32_t)(int8_t)tmp[i] + off);
    else
      for (size_t i = 0; i < k; i++) dst[i] = (int16_t)(uint16_t)(tmp[i] + off);
    if (kp2 > k) dst[k] = 0;
  }
  if (rows < height) memset(panel + rows * kp2, 0, (height - rows) * kp2 * sizeof(int16_t));
}

/* ---- running over threads ---- */

typedef struct run_ctx {
  const sr_q8_gemm* p;
  sr_q8_kernel kernel;
  uint8_t* panels;
  size_t panel_bytes, items, blocks, col_groups;
  int split_rows;
} run_ctx;

/* Item i computes a contiguous share of the row blocks (or of the column groups when rows are too few to
 * share) with panel i, so concurrent items never share a panel. */
static void run_items(void* arg, size_t begin, size_t end) {
  const run_ctx* x = arg;
  for (size_t i = begin; i < end; i++) {
    uint8_t* panel = x->panels + i * x->panel_bytes;
    if (x->split_rows) {
      const size_t b0 = i * x->blocks / x->items, b1 = (i + 1) * x->blocks / x->items;
      const size_t mr = x->kernel.block, m0 = b0 * mr, m1 = b1 * mr < x->p->m ? b1 * mr : x->p->m;
      if (m0 < m1) x->kernel.rows(x->p, m0, m1, 0, x->col_groups, panel);
    } else {
      const size_t c0 = i * x->col_groups / x->items, c1 = (i + 1) * x->col_groups / x->items;
      if (c0 < c1) x->kernel.rows(x->p, 0, x->p->m, c0, c1, panel);
    }
  }
}

sr_q8_kernel sr_q8_kernel_for(unsigned isa, size_t m, size_t n, size_t k) {
  sr_q8_kernel kr = {NULL, 1, 0, 0, 16}; /* int16 kernels take int8 as it is too */
  (void)n, (void)k;
  /* AMX tiles hold 16 rows: worth it from a few rows up, where the tile's 16 x 64 products beat vpdpbusd. */
  if ((isa & SR_ISA_AMX_INT8) && m >= 8) kr.rows = sr_q8_gemm_rows__amx, kr.block = 16, kr.signed_a = 1;
  else if (isa & SR_ISA_AVX512_VNNI) kr.rows = sr_q8_gemm_rows__avx512vnni, kr.block = 6;
  else if (isa & SR_ISA_AVX_VNNI) kr.rows = sr_q8_gemm_rows__avxvnni, kr.block = 4, kr.lanes = 8;
  else if (isa & SR_ISA_AVX2_FMA)
    kr.rows = sr_q8_gemm_rows__avx2, kr.block = 4, kr.lanes = 8, kr.int16 = 1, kr.signed_a = 1;
  return kr;
}

void sr_q8_gemm_run(const sr_node* node, const sr_q8_gemm* p, sr_q8_kernel kernel, uint8_t* panels,
                    size_t panel_bytes) {
  run_ctx x = {p, kernel, panels, panel_bytes, (size_t)sr_node_threads(node), (p->m + kernel.block - 1) / kernel.block,
               (p->n + SR_Q8_NR - 1) / SR_Q8_NR, 1};
  /* No more shares than ranges worth a thread each (the split never changes a result, only who computes it).
   * An 8-bit multiply-add costs about a quarter of a float one (vpdpbusd does four per lane). */
  const size_t groups = p->groups ? p->groups : 1;
  const size_t worth = p->m * p->n * (p->k ? p->k : 1) * groups / 4 / SR_PARALLEL_MIN_WORK;
  if (x.items > worth) x.items = worth ? worth : 1;
  x.split_rows = x.blocks >= x.items || x.col_groups < x.blocks;
  if (x.items > 1) sr_parallel_for(node, x.items, 1, run_items, &x);
  else run_items(&x, 0, 1);
}

/* ---- what the selectors share ---- */

SR_Q8_COLD size_t sr_q8_weights_bytes(size_t n, size_t k, size_t groups, sr_q8_kernel kr) {
  return kr.int16 ? sr_q8_packed16_bytes(n, k, groups) : sr_q8_packed_bytes(n, k, groups);
}

SR_Q8_COLD void sr_q8_pack_weights(void* dst, const uint8_t* w, size_t n, size_t k, size_t groups, int w_unsigned,
                                   int32_t filter_offset, int transposed, sr_q8_kernel kr) {
  const size_t bytes = sr_q8_weights_bytes(n, k, groups, kr);
  if (kr.int16) {
    const sr_q8_pack16_arg arg = {w, n, k, groups, w_unsigned, filter_offset, transposed};
    sr_q8_pack_b16(dst, bytes, &arg);
  } else {
    const sr_q8_pack_arg arg = {w, n, k, groups, w_unsigned, transposed};
    sr_q8_pack_b(dst, bytes, &arg);
  }
}

SR_Q8_COLD int sr_q8_prep_groups(const sr_conv_requant* rq, const int32_t* bias, const void* packed, size_t n, size_t k,
                      size_t groups, int a_unsigned, int w_unsigned, sr_q8_kernel kr, void* dst, size_t group_bytes,
                      sr_q8_terms* terms) {
  sr_q8_terms t = sr_q8_terms_of(a_unsigned, w_unsigned, rq->input_offset, rq->filter_offset, kr.signed_a);
  if (kr.int16) t.alpha = t.beta = 0;
  const int32_t* colsum = kr.int16 ? NULL : sr_q8_colsums(packed, n, k, groups);
  const size_t col_pad = (n + SR_Q8_NR - 1) / SR_Q8_NR * SR_Q8_NR;
  int has_lshift = 0;
  for (size_t grp = 0; grp < groups; grp++) {
    sr_conv_requant sub = *rq;
    sub.mult = rq->mult + grp * n;
    sr_q8_prep_requant(&sub, grp * n, bias ? bias + grp * n : NULL, colsum ? colsum + grp * col_pad : NULL, n, k, t,
                       kr.lanes,
                       (uint8_t*)dst + grp * group_bytes);
    for (size_t c = 0; c < n; c++) has_lshift |= sub.mult[c].shift > 0;
  }
  *terms = t;
  return has_lshift;
}

/* ---- plans ---- */

typedef struct plan_arg {
  const sr_q8_plan_key* key;
  const void* blob;
  size_t blob_bytes, consts_offset, weights_offset;
  sr_q8_fill_fn fill;
  const void* arg;
} plan_arg;

SR_Q8_COLD static void pack_plan(void* dst, size_t bytes, const void* arg) {
  const plan_arg* a = arg;
  sr_q8_plan* p = dst;
  memset(dst, 0, bytes);
  p->key = *a->key;
  p->blob_bytes = a->blob_bytes;
  p->consts_offset = a->consts_offset;
  p->weights_offset = a->weights_offset;
  if (a->blob_bytes) memcpy(p + 1, a->blob, a->blob_bytes);
  p->has_lshift = a->fill((uint8_t*)dst + a->consts_offset, (uint8_t*)dst + a->weights_offset, a->arg);
}

/* A 64-bit hash of n bytes, 32 at a time in four independent lanes (prepare runs at every invoke for nodes
 * whose shapes depend on data, and the multipliers of a node are a few KB); the tail is read as zeros. */
static uint64_t mix(uint64_t h, uint64_t w) {
  h = (h ^ w) * 0x100000001b3ull;
  return h ^ (h >> 29);
}

SR_Q8_COLD static uint64_t hash_words(uint64_t h, const void* data, size_t n) {
  const uint8_t* b = data;
  uint64_t lane[4] = {h, h ^ 1, h ^ 2, h ^ 3};
  size_t i = 0;
  for (; i + 32 <= n; i += 32)
    for (int l = 0; l < 4; l++) {
      uint64_t w;
      memcpy(&w, b + i + 8 * (size_t)l, 8);
      lane[l] = mix(lane[l], w);
    }
  uint8_t tail[32] = {0};
  memcpy(tail, b + i, n - i);
  for (int l = 0; l < 4; l++) {
    uint64_t w;
    memcpy(&w, tail + 8 * l, 8);
    lane[l] = mix(lane[l], w);
  }
  return mix(mix(mix(lane[0], lane[1]), lane[2]), lane[3]);
}

static size_t align64(size_t n) { return (n + 63) & ~(size_t)63; }

SR_Q8_COLD
const sr_q8_plan* sr_q8_plan_get(sr_node* node, const sr_q8_plan_key* key, const void* blob, size_t blob_bytes,
                                 size_t consts_bytes, size_t weights_bytes, sr_q8_fill_fn fill, const void* arg,
                                 sigrun_status* status) {
  const size_t consts_offset = align64(sizeof(sr_q8_plan) + blob_bytes);
  const size_t weights_offset = consts_offset + align64(consts_bytes), bytes = weights_offset + weights_bytes;
  /* The key has no padding (pointers, int32s, uint64s), so its bytes identify it. */
  const uint64_t h = hash_words(hash_words(0xcbf29ce484222325ull, key, sizeof *key), blob, blob_bytes);
  const plan_arg a = {key, blob, blob_bytes, consts_offset, weights_offset, fill, arg};
  const sr_q8_plan* p = sr_packed_get(node->runner->model, key->source, key->bias, h, bytes, pack_plan, &a);
  *status = SIGRUN_STATUS_OK;
  if (!p) {
    *status = sr_node_fail(node, SIGRUN_STATUS_NO_MEMORY, "out of memory for %zu bytes of packed weights", bytes);
    return NULL;
  }
  if (memcmp(&p->key, key, sizeof *key) != 0 || p->blob_bytes != blob_bytes ||
      (blob_bytes && memcmp(p + 1, blob, blob_bytes) != 0))
    return NULL;
  return p;
}
