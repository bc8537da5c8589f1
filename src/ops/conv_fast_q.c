/*
 * conv_fast_q.c — fast paths for 8-bit CONV_2D (int8 and uint8, any window, stride, dilation, padding and
 * groups) on the 8-bit GEMM of gemm_q8.h: 1x1 stride-1 convolutions read the input as a matrix, others
 * through an im2col panel. Weights (and bias) must be constant; int16 and hybrid nodes, and CPUs without
 * AVX-512 VNNI, keep the reference kernels. Depthwise nodes go to dwconv_fast_q.c.
 */
#include "../core/cpu.h"
#include "../core/packed.h"
#include "../core/parallel.h"
#include "../core/runner.h"
#include "dwconv_q8.h"
#include "fast.h"
#include "gemm_q8.h"

enum { V_A_UNSIGNED = 1, V_W_UNSIGNED = 2 };

static size_t align64(size_t n) { return (n + 63) & ~(size_t)63; }

/* Scratch: the per-column constants of every group, then one A panel per thread. */
typedef struct conv_scratch {
  size_t rq_group_bytes, rq_bytes, panel_bytes;
} conv_scratch;

static conv_scratch scratch_layout(const sr_conv_geom* g, int threads) {
  conv_scratch s;
  const size_t n = (size_t)(g->out_c / g->groups), k = (size_t)g->filter_h * (size_t)g->filter_w * (size_t)g->filter_c;
  s.rq_group_bytes = align64(sr_q8_requant_bytes(n, 16));
  s.rq_bytes = s.rq_group_bytes * (size_t)g->groups;
  s.panel_bytes = align64(sr_q8_panel_bytes(k));
  (void)threads;
  return s;
}

static void run_conv(const sr_fast_path* fast, sr_node* node) {
  const sr_conv_geom* g = fast->geom;
  const sr_conv_requant* rq = fast->rq;
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  const size_t n = (size_t)(g->out_c / g->groups), k = (size_t)g->filter_h * (size_t)g->filter_w * (size_t)g->filter_c;
  const int a_unsigned = (fast->variant & V_A_UNSIGNED) != 0, w_unsigned = (fast->variant & V_W_UNSIGNED) != 0;
  const conv_scratch s = scratch_layout(g, sr_node_threads(node));
  uint8_t* scratch = node->scratch;
  const size_t m = (size_t)g->batches * (size_t)g->out_h * (size_t)g->out_w;
  const sr_q8_kernel kernel = sr_q8_kernel_for(node->isa, m, n, k);
  const sr_q8_terms t = sr_q8_terms_of(a_unsigned, w_unsigned, rq->input_offset, rq->filter_offset, kernel.signed_a);
  const int32_t* colsum = sr_q8_colsums(fast->packed, n, k, (size_t)g->groups);
  const size_t col_pad = (n + SR_Q8_NR - 1) / SR_Q8_NR * SR_Q8_NR;
  int has_lshift = 0;
  for (size_t c = 0; c < (size_t)g->out_c; c++) has_lshift |= rq->mult[c].shift > 0;
  for (size_t grp = 0; grp < (size_t)g->groups; grp++) {
    const sr_conv_requant sub = {rq->input_offset, rq->filter_offset, rq->output_offset, rq->act_min, rq->act_max,
                                 0, rq->gemm_rounding, 0, rq->mult + grp * n};
    sr_q8_prep_requant(&sub, bias ? (const int32_t*)bias->data + grp * n : NULL, colsum + grp * col_pad, n, k, t, 16,
                       scratch + grp * s.rq_group_bytes);
  }
  const int pointwise = g->filter_h == 1 && g->filter_w == 1 && g->stride_h == 1 && g->stride_w == 1;
  sr_q8_gemm p = {0};
  p.m = m;
  p.n = n;
  p.k = k;
  p.groups = (size_t)g->groups;
  p.src.a = node->inputs[0]->data;
  p.src.a_end = p.src.a + sr_tensor_count(node->inputs[0]);
  p.src.lda = (size_t)g->in_c;
  p.src.conv = pointwise ? NULL : g;
  p.src.pad = (uint8_t)-rq->input_offset;
  p.src.a_xor = t.a_xor;
  p.src.a_signed = !a_unsigned && !t.a_xor;
  p.b = fast->packed;
  p.rq = scratch;
  p.rq_group_bytes = s.rq_group_bytes;
  p.c = node->outputs[0]->data;
  p.ldc = (size_t)g->out_c;
  p.epi.lo = rq->act_min - rq->output_offset;
  p.epi.hi = rq->act_max - rq->output_offset;
  p.epi.out_offset = rq->output_offset;
  p.epi.ref_rounding = !rq->gemm_rounding;
  p.epi.has_lshift = has_lshift;
  p.epi.row_coeff = t.beta;
  sr_q8_gemm_run(node, &p, kernel, scratch + s.rq_bytes, s.panel_bytes);
}

static sigrun_status select_conv(sr_node* node, const sr_conv_geom* g, const sr_conv_requant* rq, sr_weights_kind kind,
                                 sr_fast_path* fast) {
  const sr_tensor* filter = node->inputs[1];
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  if (!(node->isa & SR_ISA_AVX512_VNNI) || (kind != SR_WK_I8 && kind != SR_WK_U8) || rq->wide) return SIGRUN_STATUS_OK;
  if (!sr_tensor_is_const(filter) || (bias && !sr_tensor_is_const(bias)) || !node->runner) return SIGRUN_STATUS_OK;
  const size_t n = (size_t)(g->out_c / g->groups), k = (size_t)g->filter_h * (size_t)g->filter_w * (size_t)g->filter_c;
  if (n == 0 || k == 0) return SIGRUN_STATUS_OK;
  const sr_q8_pack_arg arg = {filter->data, n, k, (size_t)g->groups, kind == SR_WK_U8};
  const size_t bytes = sr_q8_packed_bytes(n, k, (size_t)g->groups);
  fast->packed = sr_packed_get(node->runner->model, filter->data, NULL, sr_q8_pack_format(&arg), bytes, sr_q8_pack_b, &arg);
  if (!fast->packed)
    return sr_node_fail(node, SIGRUN_STATUS_NO_MEMORY, "out of memory packing filter (tensor %d, %zu bytes)",
                        filter->index, bytes);
  const int threads = sr_node_threads(node);
  const conv_scratch s = scratch_layout(g, threads);
  sr_node_request_scratch(node, s.rq_bytes + (size_t)threads * s.panel_bytes);
  fast->variant = (kind == SR_WK_U8 ? V_A_UNSIGNED | V_W_UNSIGNED : 0);
  fast->run = run_conv;
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_conv_fast_select_q(sr_node* node, const sr_conv_geom* g, const sr_conv_requant* rq,
                                    sr_weights_kind kind, int depthwise, sr_fast_path* fast) {
  fast->run = NULL;
  fast->packed = NULL;
  if (depthwise) return sr_dwconv_fast_select_q(node, g, rq, kind, fast);
  return select_conv(node, g, rq, kind, fast);
}
