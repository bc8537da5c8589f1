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

/* Scratch: [hybrid: quantized rows, scales, zero points] [column constants] [one A panel per thread]. */
typedef struct fc_scratch {
  size_t quant_bytes, consts_bytes, panel_bytes;
} fc_scratch;

static fc_scratch scratch_layout(const sr_fc_geom* g, int hybrid, sr_q8_kernel kr) {
  const size_t rows = (size_t)g->batches, depth = (size_t)g->depth, units = (size_t)g->units;
  fc_scratch s;
  s.quant_bytes = hybrid ? align64(sr_conv_hybrid_scratch_bytes(rows * depth, rows)) : 0;
  s.consts_bytes =
      align64(hybrid ? (units + 15) / 16 * sizeof(sr_q8_hy_lane16) : sr_q8_requant_bytes(units, kr.lanes));
  s.panel_bytes = align64(sr_q8_panel_bytes(depth));
  return s;
}

/* Hybrid rows: quantized as the reference does, then multiplied as int8 (or flipped to uint8); a zero point
 * per row enters the int16 kernels' data, the others' epilogue. */
static void setup_hybrid(const sr_fast_path* fast, sr_node* node, sr_q8_kernel kr, void* quant, void* consts,
                         sr_q8_gemm* p) {
  const sr_fc_geom* g = fast->geom;
  const sr_conv_hybrid* h = fast->hybrid;
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  const size_t rows = (size_t)g->batches, depth = (size_t)g->depth, units = (size_t)g->units;
  int8_t* q;
  float* scale;
  int32_t* zp;
  sr_conv_hybrid_scratch_split(quant, rows * depth, rows, &q, &scale, &zp);
  const float* in = node->inputs[0]->data;
  if (node->isa & SR_ISA_AVX512) sr_q8_quantize_rows__avx512(in, rows, depth, h->asymmetric, q, scale, zp);
  else sr_q8_quantize_rows__avx2(in, rows, depth, h->asymmetric, q, scale, zp);
  const int32_t a_shift = kr.signed_a ? 0 : 128;
  const int32_t* colsum = kr.int16 ? NULL : sr_q8_colsums(fast->packed, units, depth, 1);
  sr_q8_prep_hybrid(h->filter_scales, bias ? bias->data : NULL, colsum, units, h->asymmetric && !kr.int16, a_shift,
                    consts);
  p->src.a = (const uint8_t*)q;
  p->src.a_end = p->src.a + rows * depth;
  p->src.a_xor = kr.signed_a ? 0 : 0x80;
  p->src.a_signed = 1;
  p->src.row_zp = kr.int16 && h->asymmetric ? zp : NULL;
  p->src.rows_per_zp = 1;
  p->float_out = 1;
  p->epi.a_shift = a_shift;
  p->epi.flo = g->act_min;
  p->epi.fhi = g->act_max;
  p->epi.row_scale = scale;
  p->epi.row_zp = h->asymmetric && !kr.int16 ? zp : NULL;
  p->epi.rows_per_scale = 1;
}

static void run_fc(const sr_fast_path* fast, sr_node* node) {
  const sr_fc_geom* g = fast->geom;
  const sr_conv_requant* rq = fast->rq;
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  const int hybrid = (fast->variant & V_HYBRID) != 0, is_unsigned = (fast->variant & V_UNSIGNED) != 0;
  const size_t rows = (size_t)g->batches, depth = (size_t)g->depth, units = (size_t)g->units;
  const sr_q8_kernel kr = sr_q8_kernel_for(node->isa, rows, units, depth);
  const fc_scratch s = scratch_layout(g, hybrid, kr);
  uint8_t* scratch = node->scratch;
  void* consts = scratch + s.quant_bytes;
  sr_q8_gemm p = {0};
  p.m = rows, p.n = units, p.k = depth, p.groups = 1;
  p.src.lda = depth;
  p.b = fast->packed;
  p.rq = consts;
  p.rq_group_bytes = s.consts_bytes;
  p.c = node->outputs[0]->data;
  p.ldc = units;
  if (hybrid) {
    setup_hybrid(fast, node, kr, scratch, consts, &p);
  } else {
    sr_q8_terms t;
    p.epi.has_lshift = sr_q8_prep_groups(rq, bias ? bias->data : NULL, fast->packed, units, depth, 1, is_unsigned,
                                         is_unsigned, kr, consts, s.consts_bytes, &t);
    p.src.a = node->inputs[0]->data;
    p.src.a_end = p.src.a + rows * depth;
    p.src.a_xor = t.a_xor;
    p.src.a_signed = !is_unsigned && !t.a_xor;
    p.src.a_offset = kr.int16 ? rq->input_offset : 0;
    p.epi.lo = rq->act_min - rq->output_offset;
    p.epi.hi = rq->act_max - rq->output_offset;
    p.epi.out_offset = rq->output_offset;
    p.epi.ref_rounding = !rq->gemm_rounding;
    p.epi.row_coeff = t.beta;
  }
  sr_q8_gemm_run(node, &p, kr, scratch + s.quant_bytes + s.consts_bytes, s.panel_bytes);
}

sigrun_status sr_fc_fast_select_q(sr_node* node, const sr_fc_geom* g, const sr_conv_requant* rq, sr_weights_kind kind,
                                  sr_fast_path* fast) {
  const sr_tensor* weights = node->inputs[1];
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  fast->run = NULL;
  fast->packed = NULL;
  const int hybrid = kind == SR_WK_HYBRID;
  if ((kind != SR_WK_I8 && kind != SR_WK_U8 && !hybrid) || (!hybrid && rq->wide) || !node->runner)
    return SIGRUN_STATUS_OK;
  if (!sr_tensor_is_const(weights) || (bias && !sr_tensor_is_const(bias))) return SIGRUN_STATUS_OK;
  const size_t rows = (size_t)g->batches, depth = (size_t)g->depth, units = (size_t)g->units;
  const sr_q8_kernel kr = sr_q8_kernel_for(node->isa, rows, units, depth);
  if (!kr.rows || depth == 0 || units == 0 || rows == 0) return SIGRUN_STATUS_OK;
  const int32_t filter_offset = hybrid ? 0 : rq->filter_offset;
  fast->packed = sr_q8_pack_weights(node, weights, units, depth, 1, kind == SR_WK_U8, filter_offset, kr);
  if (!fast->packed) return SIGRUN_STATUS_NO_MEMORY;
  const fc_scratch s = scratch_layout(g, hybrid, kr);
  sr_node_request_scratch(node, s.quant_bytes + s.consts_bytes + (size_t)sr_node_threads(node) * s.panel_bytes);
  fast->variant = (kind == SR_WK_U8 ? V_UNSIGNED : 0) | (hybrid ? V_HYBRID : 0);
  fast->run = run_fc;
  return SIGRUN_STATUS_OK;
}
