/*
 * dwconv_q8.c — selection, weight packing and eval of the 8-bit depthwise fast path (dwconv_q8.h): int8 and
 * uint8 DEPTHWISE_CONV_2D with depth multiplier 1, any window up to 8x8, stride, dilation and padding, constant
 * weights and bias, on AVX-512 VNNI, AVX-VNNI or AVX2. Rows of the output are independent work items for the
 * thread pool.
 */
#include "dwconv_q8.h"

#include <string.h>

#include "../core/cpu.h"
#include "../core/packed.h"
#include "../core/parallel.h"
#include "../core/runner.h"
#include "fast.h"

static size_t align64(size_t n) { return (n + 63) & ~(size_t)63; }

static size_t pair_bytes(size_t channels, size_t taps) {
  return (channels + 31) / 32 * ((taps + 1) / 2) * 64 * sizeof(int16_t);
}

size_t sr_dw_q8_packed_bytes(size_t channels, size_t taps) { return pair_bytes(channels, taps) + channels * 4; }

const int32_t* sr_dw_q8_tap_sums(const void* packed, size_t channels, size_t taps) {
  return (const int32_t*)((const uint8_t*)packed + pair_bytes(channels, taps));
}

SR_Q8_COLD void sr_dw_q8_pack(void* dst, size_t bytes, const void* arg) {
  const sr_dw_q8_pack_arg* a = arg;
  const size_t pairs = (a->taps + 1) / 2;
  int16_t* w = dst;
  int32_t* sums = (int32_t*)((uint8_t*)dst + pair_bytes(a->channels, a->taps));
  memset(dst, 0, bytes);
  for (size_t c = 0; c < a->channels; c++) {
    int half, lane;
    sr_dw_q8_lane(c, &half, &lane);
    int32_t sum = 0;
    for (size_t t = 0; t < a->taps; t++) {
      const uint8_t raw = a->w[t * a->channels + c];
      const int32_t v = (a->w_unsigned ? (int32_t)raw : (int32_t)(int8_t)raw) + a->filter_offset;
      w[((c / 32 * pairs + t / 2) * 2 + (size_t)half) * 32 + (size_t)lane * 2 + t % 2] = (int16_t)v;
      sum += v; /* |sum| <= 64 * 255 */
    }
    sums[c] = sum;
  }
}

/* The output pixels of one row whose windows lie inside the input horizontally, when the row's window does
 * vertically: [*x0, *x1). */
void sr_dw_q8_interior(const sr_conv_geom* g, int64_t oy, int64_t* x0, int64_t* x1) {
  const int64_t iy0 = oy * g->stride_h - g->pad_top, span_h = (int64_t)(g->filter_h - 1) * g->dilation_h;
  const int64_t span_w = (int64_t)(g->filter_w - 1) * g->dilation_w;
  *x0 = *x1 = 0;
  if (iy0 < 0 || iy0 + span_h >= g->in_h) return;
  /* ox * stride - pad >= 0 and ox * stride - pad + span_w < in_w */
  int64_t lo = (g->pad_left + g->stride_w - 1) / g->stride_w;
  int64_t hi = g->in_w - 1 - span_w + g->pad_left < 0 ? 0 : (g->in_w - 1 - span_w + g->pad_left) / g->stride_w + 1;
  if (hi > g->out_w) hi = g->out_w;
  if (lo < hi) *x0 = lo, *x1 = hi;
}

/* ---- eval ---- */

/* The kernel for `isa`; *wide when it is the AVX-512 one (16-lane constants in the packed lane order). */
static sr_dw_q8_rows_fn kernel_for(unsigned isa, int* wide) {
  *wide = (isa & SR_ISA_AVX512_VNNI) != 0;
  if (*wide) return sr_dw_q8_rows__avx512;
  if (isa & SR_ISA_AVX_VNNI) return sr_dw_q8_rows__avxvnni;
  if (isa & SR_ISA_AVX2_FMA) return sr_dw_q8_rows__avx2;
  return NULL;
}

/* The node's constants (in its plan): two requantization blocks per 32 channels either way, then a row of the
 * input zero point for taps in the padding (with 64 bytes to spare for the ymm kernel's loads). */
static size_t rq_bytes(size_t channels, int wide) {
  return wide ? (channels + 31) / 32 * 2 * sizeof(sr_q8_rq_lane16) : (channels + 15) / 16 * 2 * sizeof(sr_q8_rq_lane8);
}
static size_t consts_bytes(size_t channels, int wide) {
  return align64(rq_bytes(channels, wide)) + align64(channels + 64);
}

typedef struct dw_fill {
  const sr_conv_requant* rq;
  const int32_t* bias;
  sr_dw_q8_pack_arg pack;
  int wide;
} dw_fill;

/* bias + input_offset * (tap sum) for each channel, requantized by its multiplier; returns has_lshift. */
SR_Q8_COLD static int fill_dw(void* dst, void* weights, const void* arg) {
  const dw_fill* f = arg;
  const sr_conv_requant* rq = f->rq;
  const size_t channels = f->pack.channels;
  sr_dw_q8_pack(weights, sr_dw_q8_packed_bytes(channels, f->pack.taps), &f->pack);
  const int32_t* sums = sr_dw_q8_tap_sums(weights, channels, f->pack.taps);
  int has_lshift = 0;
  for (size_t c = 0; c < channels; c++) {
    const uint32_t term = (f->bias ? (uint32_t)f->bias[c] : 0) + (uint32_t)rq->input_offset * (uint32_t)sums[c];
    if (f->wide) {
      int half, lane;
      sr_dw_q8_lane(c, &half, &lane);
      sr_q8_rq16_set((sr_q8_rq_lane16*)dst + c / 32 * 2 + (size_t)half, lane, sr_q8_gemm_rounds(rq, c), rq->mult[c],
                     term);
    } else {
      sr_q8_rq8_set((sr_q8_rq_lane8*)dst + c / 8, (int)(c % 8), sr_q8_gemm_rounds(rq, c), rq->mult[c], term);
    }
    has_lshift |= rq->mult[c].shift > 0;
  }
  memset((uint8_t*)dst + align64(rq_bytes(channels, f->wide)), (uint8_t)-rq->input_offset, channels);
  return has_lshift;
}

typedef struct rows_ctx {
  const sr_dw_q8* p;
  sr_dw_q8_rows_fn fn;
} rows_ctx;

static void run_rows(void* arg, size_t r0, size_t r1) {
  const rows_ctx* x = arg;
  x->fn(x->p, r0, r1);
}

static void run_dw(const sr_fast_path* fast, sr_node* node) {
  const sr_conv_geom* g = fast->geom;
  const sr_conv_requant* rq = fast->rq;
  const sr_q8_plan* plan = fast->packed;
  const size_t channels = (size_t)g->in_c;
  int wide;
  const sr_dw_q8_rows_fn fn = kernel_for(node->isa, &wide);
  const uint8_t* consts = sr_q8_plan_consts(plan);
  sr_dw_q8 p = {g, node->inputs[0]->data, node->outputs[0]->data, sr_q8_plan_weights(plan), consts,
                consts + align64(rq_bytes(channels, wide)), node->inputs[0]->type == SIGRUN_TYPE_UINT8, {0}};
  p.epi.lo = rq->act_min - rq->output_offset;
  p.epi.hi = rq->act_max - rq->output_offset;
  p.epi.out_offset = rq->output_offset;
  p.epi.ref_rounding = sr_q8_any_ref_rounding(rq, channels);
  p.epi.has_lshift = plan->has_lshift;
  rows_ctx x = {&p, fn};
  /* 8-bit lanes: four times the products of a float vector per instruction */
  const size_t row_work = (size_t)g->out_w * channels * (size_t)g->filter_h * (size_t)g->filter_w / 4;
  sr_parallel_for(node, (size_t)g->batches * (size_t)g->out_h, sr_parallel_grain(row_work), run_rows, &x);
}

SR_Q8_COLD sigrun_status sr_dwconv_fast_select_q(sr_node* node, const sr_conv_geom* g, const sr_conv_requant* rq,
                                      sr_weights_kind kind, sr_fast_path* fast) {
  const sr_tensor* filter = node->inputs[1];
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  int wide;
  if (!kernel_for(node->isa, &wide) || (kind != SR_WK_I8 && kind != SR_WK_U8) || rq->wide) return SIGRUN_STATUS_OK;
  if (!sr_tensor_is_const(filter) || (bias && !sr_tensor_is_const(bias)) || !node->runner) return SIGRUN_STATUS_OK;
  const size_t channels = (size_t)g->in_c, taps = (size_t)g->filter_h * (size_t)g->filter_w;
  if (g->depth_multiplier != 1 || channels == 0 || taps > SR_DW_Q8_MAX_TAPS) return SIGRUN_STATUS_OK;
  const int is_unsigned = kind == SR_WK_U8;
  sr_q8_plan_key key;
  memset(&key, 0, sizeof key);
  key.source = filter->data;
  key.bias = bias ? bias->data : NULL;
  const int32_t ints[8] = {rq->input_offset, rq->filter_offset, rq->output_offset, rq->act_min, rq->act_max,
                           rq->gemm_rounding, wide | is_unsigned << 1, 0x6477 /* "dw" */};
  memcpy(key.ints, ints, sizeof ints);
  key.dims[0] = channels, key.dims[1] = taps, key.dims[2] = rq->gemm_channels;
  const dw_fill f = {rq, key.bias, {filter->data, channels, taps, rq->filter_offset, is_unsigned}, wide};
  sigrun_status st;
  fast->packed = sr_q8_plan_get(node, &key, rq->mult, channels * sizeof(sr_qmul), consts_bytes(channels, wide),
                                sr_dw_q8_packed_bytes(channels, taps), fill_dw, &f, &st);
  if (!fast->packed) return st;
  fast->run = run_dw;
  return SIGRUN_STATUS_OK;
}

void sr_dw_q8_tap_offsets(const sr_conv_geom* g, uintptr_t* offsets) {
  const size_t channels = (size_t)g->in_c, taps_n = (size_t)g->filter_h * (size_t)g->filter_w;
  for (size_t t = 0; t < taps_n; t++)
    offsets[t] = ((t / (size_t)g->filter_w) * (size_t)g->dilation_h * (size_t)g->in_w +
                  (t % (size_t)g->filter_w) * (size_t)g->dilation_w) * channels;
  offsets[taps_n] = offsets[taps_n - 1];
}

void sr_dw_q8_edge_taps(const sr_dw_q8* p, size_t b, int64_t oy, int64_t ox, uintptr_t* taps) {
  const sr_conv_geom* g = p->g;
  const size_t c = (size_t)g->in_c;
  size_t t = 0;
  for (int32_t ky = 0; ky < g->filter_h; ky++) {
    const int64_t iy = oy * g->stride_h - g->pad_top + (int64_t)ky * g->dilation_h;
    const int row_ok = iy >= 0 && iy < g->in_h;
    const uint8_t* row = p->in + (b * (size_t)g->in_h + (size_t)(row_ok ? iy : 0)) * (size_t)g->in_w * c;
    for (int32_t kx = 0; kx < g->filter_w; kx++) {
      const int64_t ix = ox * g->stride_w - g->pad_left + (int64_t)kx * g->dilation_w;
      taps[t++] = (uintptr_t)(row_ok && ix >= 0 && ix < g->in_w ? row + (size_t)ix * c : p->pad);
    }
  }
  if (t % 2) taps[t] = taps[t - 1]; /* the odd tap's partner has weight 0 */
}
