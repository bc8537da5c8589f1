/*
 * matmul_fast_q.c — fast paths for int8, uint8 and hybrid FULLY_CONNECTED on the 8-bit GEMM (gemm_q8.h). The
 * input is A (batches x depth), the weights B (constant, packed once per model). Hybrid nodes quantize their
 * float rows at run time exactly as the reference does, then scale the int32 sums back to float in its order.
 * int16 nodes, non-constant weights and CPUs without AVX2 keep the reference kernels.
 */
#include <string.h>

#include "../core/cpu.h"
#include "../core/parallel.h"
#include "fast.h"
#include "gemm_q8.h"

enum { V_UNSIGNED = 1, V_HYBRID = 2 };

static size_t align64(size_t n) { return (n + 63) & ~(size_t)63; }

/* Scratch: [hybrid: quantized rows, scales, zero points] [one A panel per thread]; constants are in the plan. */
typedef struct fc_scratch {
  size_t quant_bytes, panel_bytes;
} fc_scratch;

static fc_scratch scratch_layout(const sr_fc_geom* g, int hybrid) {
  const size_t rows = (size_t)g->batches, depth = (size_t)g->depth;
  fc_scratch s;
  s.quant_bytes = hybrid ? align64(sr_conv_hybrid_scratch_bytes(rows * depth, rows)) : 0;
  s.panel_bytes = align64(sr_q8_panel_bytes(depth));
  return s;
}

static size_t consts_bytes(const sr_fc_geom* g, int hybrid, sr_q8_kernel kr) {
  const size_t units = (size_t)g->units;
  return align64(hybrid ? (units + 15) / 16 * sizeof(sr_q8_hy_lane16) : sr_q8_requant_bytes(units, kr.lanes));
}

typedef struct fc_fill {
  const sr_fc_geom* g;
  const sr_conv_requant* rq;
  const sr_conv_hybrid* h;
  const void* bias;
  const uint8_t* weights;
  int is_unsigned, hybrid;
  sr_q8_kernel kr;
} fc_fill;

SR_Q8_COLD static int fill_fc(void* consts, void* packed, const void* arg) {
  const fc_fill* f = arg;
  const size_t units = (size_t)f->g->units, depth = (size_t)f->g->depth;
  sr_q8_pack_weights(packed, f->weights, units, depth, 1, f->is_unsigned, f->hybrid ? 0 : f->rq->filter_offset, 0,
                     f->kr);
  if (f->hybrid) {
    const int32_t* colsum = f->kr.int16 ? NULL : sr_q8_colsums(packed, units, depth, 1);
    sr_q8_prep_hybrid(f->h->filter_scales, f->bias, colsum, units, f->h->asymmetric && !f->kr.int16,
                      f->kr.signed_a ? 0 : 128, consts);
    return 0;
  }
  sr_q8_terms t;
  return sr_q8_prep_groups(f->rq, f->bias, packed, units, depth, 1, f->is_unsigned, f->is_unsigned, f->kr, consts,
                           consts_bytes(f->g, 0, f->kr), &t);
}

/* Hybrid rows: quantized as the reference does, then multiplied as int8 (or flipped to uint8); a zero point
 * per row enters the int16 kernels' data, the others' epilogue. */
static void setup_hybrid(const sr_fast_path* fast, sr_node* node, sr_q8_kernel kr, void* quant, sr_q8_gemm* p) {
  const sr_fc_geom* g = fast->geom;
  const sr_conv_hybrid* h = fast->hybrid;
  const size_t rows = (size_t)g->batches, depth = (size_t)g->depth;
  int8_t* q;
  float* scale;
  int32_t* zp;
  sr_conv_hybrid_scratch_split(quant, rows * depth, rows, &q, &scale, &zp);
  const float* in = node->inputs[0]->data;
  if (node->isa & SR_ISA_AVX512) sr_q8_quantize_rows__avx512(in, rows, depth, h->asymmetric, q, scale, zp);
  else sr_q8_quantize_rows__avx2(in, rows, depth, h->asymmetric, q, scale, zp);
  p->src.a = (const uint8_t*)q;
  p->src.a_end = p->src.a + rows * depth;
  p->src.a_xor = kr.signed_a ? 0 : 0x80;
  p->src.a_signed = 1;
  p->src.row_zp = kr.int16 && h->asymmetric ? zp : NULL;
  p->src.rows_per_zp = 1;
  p->float_out = 1;
  p->epi.a_shift = kr.signed_a ? 0 : 128;
  p->epi.flo = g->act_min;
  p->epi.fhi = g->act_max;
  p->epi.row_scale = scale;
  p->epi.row_zp = h->asymmetric && !kr.int16 ? zp : NULL;
  p->epi.rows_per_scale = 1;
}

static void run_fc(const sr_fast_path* fast, sr_node* node) {
  const sr_fc_geom* g = fast->geom;
  const sr_conv_requant* rq = fast->rq;
  const sr_q8_plan* plan = fast->packed;
  const int hybrid = (fast->variant & V_HYBRID) != 0, is_unsigned = (fast->variant & V_UNSIGNED) != 0;
  const size_t rows = (size_t)g->batches, depth = (size_t)g->depth, units = (size_t)g->units;
  const sr_q8_kernel kr = sr_q8_kernel_for(node->isa, rows, units, depth);
  const fc_scratch s = scratch_layout(g, hybrid);
  uint8_t* scratch = node->scratch;
  sr_q8_gemm p = {0};
  p.m = rows, p.n = units, p.k = depth, p.groups = 1;
  p.src.lda = depth;
  p.b = sr_q8_plan_weights(plan);
  p.rq = sr_q8_plan_consts(plan);
  p.rq_group_bytes = consts_bytes(g, hybrid, kr);
  p.c = node->outputs[0]->data;
  p.ldc = units;
  if (hybrid) {
    setup_hybrid(fast, node, kr, scratch, &p);
  } else {
    sr_q8_terms t = sr_q8_terms_of(is_unsigned, is_unsigned, rq->input_offset, rq->filter_offset, kr.signed_a);
    if (kr.int16) t.alpha = t.beta = 0;
    p.src.a = node->inputs[0]->data;
    p.src.a_end = p.src.a + rows * depth;
    p.src.a_xor = t.a_xor;
    p.src.a_signed = !is_unsigned && !t.a_xor;
    p.src.a_offset = kr.int16 ? rq->input_offset : 0;
    p.epi.lo = rq->act_min - rq->output_offset;
    p.epi.hi = rq->act_max - rq->output_offset;
    p.epi.out_offset = rq->output_offset;
    p.epi.ref_rounding = sr_q8_any_ref_rounding(rq, units);
    p.epi.has_lshift = plan->has_lshift;
    p.epi.row_coeff = t.beta;
    p.epi.out_unsigned = is_unsigned;
  }
  sr_q8_gemm_run(node, &p, kr, scratch + s.quant_bytes, s.panel_bytes);
}

SR_Q8_COLD
sigrun_status sr_fc_fast_select_q(sr_node* node, const sr_fc_geom* g, const sr_conv_requant* rq, sr_weights_kind kind,
                                  sr_fast_path* fast) {
  const sr_tensor* weights = node->inputs[1];
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  fast->run = NULL;
  fast->packed = NULL;
  const int hybrid = kind == SR_WK_HYBRID, is_unsigned = kind == SR_WK_U8;
  if ((kind != SR_WK_I8 && kind != SR_WK_U8 && !hybrid) || (!hybrid && rq->wide) || !node->runner)
    return SIGRUN_STATUS_OK;
  if (!sr_tensor_is_const(weights) || (bias && !sr_tensor_is_const(bias))) return SIGRUN_STATUS_OK;
  const size_t rows = (size_t)g->batches, depth = (size_t)g->depth, units = (size_t)g->units;
  const sr_q8_kernel kr = sr_q8_kernel_for(node->isa, rows, units, depth);
  if (!kr.rows || depth == 0 || units == 0 || rows == 0) return SIGRUN_STATUS_OK;
  sr_q8_plan_key key;
  memset(&key, 0, sizeof key);
  key.source = weights->data;
  key.bias = bias ? bias->data : NULL;
  const int32_t kernel = kr.lanes | kr.signed_a << 8 | kr.int16 << 9 | is_unsigned << 11;
  if (hybrid) {
    const int32_t ints[8] = {fast->hybrid->asymmetric, kernel, 0x6879 /* "hy" */};
    memcpy(key.ints, ints, sizeof ints);
  } else {
    const int32_t ints[8] = {rq->input_offset, rq->filter_offset, rq->output_offset, rq->act_min, rq->act_max,
                             rq->gemm_rounding, kernel, 0x6663 /* "fc" */};
    memcpy(key.ints, ints, sizeof ints);
  }
  key.dims[0] = units, key.dims[1] = depth, key.dims[2] = hybrid ? 0 : rq->gemm_channels;
  const fc_fill f = {g, rq, fast->hybrid, key.bias, weights->data, is_unsigned, hybrid, kr};
  const void* blob = hybrid ? (const void*)fast->hybrid->filter_scales : (const void*)rq->mult;
  const size_t blob_bytes = units * (hybrid ? sizeof(float) : sizeof(sr_qmul));
  sigrun_status st;
  fast->packed = sr_q8_plan_get(node, &key, blob, blob_bytes, consts_bytes(g, hybrid, kr),
                                sr_q8_weights_bytes(units, depth, 1, kr), fill_fc, &f, &st);
  if (!fast->packed) return st;
  const fc_scratch s = scratch_layout(g, hybrid);
  sr_node_request_scratch(node, s.quant_bytes + (size_t)sr_node_threads(node) * s.panel_bytes);
  fast->variant = (is_unsigned ? V_UNSIGNED : 0) | (hybrid ? V_HYBRID : 0);
  fast->run = run_fc;
  return SIGRUN_STATUS_OK;
}
