/*
 * matmul_fast_q.c — fast paths for int8, uint8 and hybrid FULLY_CONNECTED on the 8-bit GEMM (gemm_q8.h). The
 * input is A (batches x depth), the weights B (constant, packed once per model). Hybrid nodes quantize their
 * float rows at run time exactly as the reference does, then scale the int32 sums back to float in its order.
 * int16 nodes, non-constant weights and CPUs without AVX-512 VNNI keep the reference kernels.
 */
#include <string.h>

#include "../core/cpu.h"
#include "../core/packed.h"
#include "../core/parallel.h"
#include "../core/runner.h"
#include "fast.h"
#include "gemm_q8.h"

enum { V_UNSIGNED = 1, V_HYBRID = 2 };

static size_t align64(size_t n) { return (n + 63) & ~(size_t)63; }

/* Scratch: [hybrid: quantized rows, scales, zero points] [column constants] [one A panel per thread]. */
typedef struct fc_scratch {
  size_t quant_bytes, consts_bytes, panel_bytes;
} fc_scratch;

static fc_scratch scratch_layout(const sr_fc_geom* g, int hybrid) {
  const size_t rows = (size_t)g->batches, depth = (size_t)g->depth, units = (size_t)g->units;
  fc_scratch s;
  s.quant_bytes = hybrid ? align64(sr_conv_hybrid_scratch_bytes(rows * depth, rows)) : 0;
  s.consts_bytes = align64(hybrid ? (units + 15) / 16 * sizeof(sr_q8_hy_lane16) : sr_q8_requant_bytes(units, 16));
  s.panel_bytes = align64(sr_q8_panel_bytes(depth));
  return s;
}

static void run_fc(const sr_fast_path* fast, sr_node* node) {
  const sr_fc_geom* g = fast->geom;
  const sr_conv_requant* rq = fast->rq;
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  const int hybrid = (fast->variant & V_HYBRID) != 0, is_unsigned = (fast->variant & V_UNSIGNED) != 0;
  const size_t rows = (size_t)g->batches, depth = (size_t)g->depth, units = (size_t)g->units;
  const fc_scratch s = scratch_layout(g, hybrid);
  uint8_t* scratch = node->scratch;
  void* consts = scratch + s.quant_bytes;
  const int32_t* colsum = sr_q8_colsums(fast->packed, units, depth, 1);
  const sr_q8_kernel kernel = sr_q8_kernel_for(node->isa, rows, units, depth);
  sr_q8_gemm p = {0};
  p.m = rows, p.n = units, p.k = depth, p.groups = 1;
  p.src.lda = depth;
  p.b = fast->packed;
  p.rq = consts;
  p.c = node->outputs[0]->data;
  p.ldc = units;
  if (hybrid) {
    const sr_conv_hybrid* h = fast->hybrid;
    int8_t* q;
    float* scale;
    int32_t* zp;
    sr_conv_hybrid_scratch_split(scratch, rows * depth, rows, &q, &scale, &zp);
    sr_conv_hybrid_quantize_rows(node->inputs[0]->data, rows, depth, h->asymmetric, q, scale, zp);
    const int32_t a_shift = kernel.signed_a ? 0 : 128;
    sr_q8_prep_hybrid(h->filter_scales, bias ? bias->data : NULL, colsum, units, h->asymmetric, a_shift, consts);
    p.src.a = (const uint8_t*)q;
    p.src.a_end = p.src.a + rows * depth;
    p.src.a_xor = kernel.signed_a ? 0 : 0x80;
    p.src.a_signed = kernel.signed_a;
    p.epi.a_shift = a_shift;
    p.float_out = 1;
    p.epi.flo = g->act_min;
    p.epi.fhi = g->act_max;
    p.epi.row_scale = scale;
    p.epi.row_zp = h->asymmetric ? zp : NULL;
    p.epi.rows_per_scale = 1;
  } else {
    const sr_q8_terms t =
        sr_q8_terms_of(is_unsigned, is_unsigned, rq->input_offset, rq->filter_offset, kernel.signed_a);
    sr_q8_prep_requant(rq, bias ? bias->data : NULL, colsum, units, depth, t, 16, consts);
    int has_lshift = 0;
    for (size_t u = 0; u < units; u++) has_lshift |= rq->mult[u].shift > 0;
    p.src.a = node->inputs[0]->data;
    p.src.a_end = p.src.a + rows * depth;
    p.src.a_xor = t.a_xor;
    p.src.a_signed = !is_unsigned && !t.a_xor;
    p.epi.lo = rq->act_min - rq->output_offset;
    p.epi.hi = rq->act_max - rq->output_offset;
    p.epi.out_offset = rq->output_offset;
    p.epi.ref_rounding = !rq->gemm_rounding;
    p.epi.has_lshift = has_lshift;
    p.epi.row_coeff = t.beta;
  }
  sr_q8_gemm_run(node, &p, kernel, scratch + s.quant_bytes + s.consts_bytes, s.panel_bytes);
}

sigrun_status sr_fc_fast_select_q(sr_node* node, const sr_fc_geom* g, const sr_conv_requant* rq, sr_weights_kind kind,
                                  sr_fast_path* fast) {
  const sr_tensor* weights = node->inputs[1];
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  fast->run = NULL;
  fast->packed = NULL;
  if (!(node->isa & SR_ISA_AVX512_VNNI) || (kind != SR_WK_I8 && kind != SR_WK_U8 && kind != SR_WK_HYBRID))
    return SIGRUN_STATUS_OK;
  if (kind != SR_WK_HYBRID && rq->wide) return SIGRUN_STATUS_OK;
  if (!sr_tensor_is_const(weights) || (bias && !sr_tensor_is_const(bias)) || !node->runner) return SIGRUN_STATUS_OK;
  const size_t depth = (size_t)g->depth, units = (size_t)g->units;
  if (depth == 0 || units == 0 || g->batches == 0) return SIGRUN_STATUS_OK;
  const sr_q8_pack_arg arg = {weights->data, units, depth, 1, kind == SR_WK_U8};
  const size_t bytes = sr_q8_packed_bytes(units, depth, 1);
  fast->packed = sr_packed_get(node->runner->model, weights->data, NULL, sr_q8_pack_format(&arg), bytes, sr_q8_pack_b,
                               &arg);
  if (!fast->packed)
    return sr_node_fail(node, SIGRUN_STATUS_NO_MEMORY, "out of memory packing weights (tensor %d, %zu bytes)",
                        weights->index, bytes);
  const int hybrid = kind == SR_WK_HYBRID;
  const fc_scratch s = scratch_layout(g, hybrid);
  sr_node_request_scratch(node, s.quant_bytes + s.consts_bytes + (size_t)sr_node_threads(node) * s.panel_bytes);
  fast->variant = (kind == SR_WK_U8 ? V_UNSIGNED : 0) | (hybrid ? V_HYBRID : 0);
  fast->run = run_fc;
  return SIGRUN_STATUS_OK;
}
