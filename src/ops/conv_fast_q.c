/*
 * conv_fast_q.c — fast paths for 8-bit CONV_2D (int8 and uint8, any window, stride, dilation, padding and
 * groups) on the 8-bit GEMM of gemm_q8.h: 1x1 stride-1 convolutions read the input as a matrix, others
 * through im2col panels; so does DEPTHWISE_CONV_2D over a single input channel (a convolution with a transposed
 * filter). Weights (and bias) must be constant; int16 and hybrid nodes, and CPUs without AVX2, keep the
 * reference kernels. Other depthwise nodes go to dwconv_q8.c.
 */
#include <string.h>

#include "../core/parallel.h"
#include "dwconv_q8.h"
#include "fast.h"
#include "gemm_q8.h"

static size_t align64(size_t n) { return (n + 63) & ~(size_t)63; }

typedef struct conv_shape {
  size_t m, n, k, groups; /* n and k per group */
} conv_shape;

/* A depthwise node over one input channel (depth multiplier = output channels) is a convolution with one channel
 * per tap and a transposed filter. */
static int one_channel_depthwise(const sr_conv_geom* g) { return g->depth_multiplier > 1 && g->in_c == 1; }

static conv_shape shape_of(const sr_conv_geom* g) {
  conv_shape s;
  const int dw = one_channel_depthwise(g);
  s.m = (size_t)g->batches * (size_t)g->out_h * (size_t)g->out_w;
  s.n = dw ? (size_t)g->out_c : (size_t)(g->out_c / g->groups);
  s.k = (size_t)g->filter_h * (size_t)g->filter_w * (dw ? 1 : (size_t)g->filter_c);
  s.groups = dw ? 1 : (size_t)g->groups;
  return s;
}

typedef struct conv_fill {
  const sr_conv_requant* rq;
  const uint8_t* filter;
  const int32_t* bias;
  conv_shape s;
  int is_unsigned, transposed;
  sr_q8_kernel kr;
} conv_fill;

static size_t group_bytes(const conv_shape* s, sr_q8_kernel kr) { return align64(sr_q8_requant_bytes(s->n, kr.lanes)); }

SR_Q8_COLD static int fill_conv(void* consts, void* weights, const void* arg) {
  const conv_fill* f = arg;
  sr_q8_terms t;
  sr_q8_pack_weights(weights, f->filter, f->s.n, f->s.k, f->s.groups, f->is_unsigned, f->rq->filter_offset,
                     f->transposed, f->kr);
  return sr_q8_prep_groups(f->rq, f->bias, weights, f->s.n, f->s.k, f->s.groups, f->is_unsigned, f->is_unsigned,
                           f->kr, consts, group_bytes(&f->s, f->kr), &t);
}

static void run_conv(const sr_fast_path* fast, sr_node* node) {
  const sr_conv_geom* g = fast->geom;
  const sr_conv_requant* rq = fast->rq;
  const sr_q8_plan* plan = fast->packed;
  const int is_unsigned = node->inputs[0]->type == SIGRUN_TYPE_UINT8;
  const conv_shape s = shape_of(g);
  const sr_q8_kernel kr = sr_q8_kernel_for(node->isa, s.m, s.n, s.k);
  sr_q8_terms t = sr_q8_terms_of(is_unsigned, is_unsigned, rq->input_offset, rq->filter_offset, kr.signed_a);
  if (kr.int16) t.alpha = t.beta = 0;
  const int pointwise = g->filter_h == 1 && g->filter_w == 1 && g->stride_h == 1 && g->stride_w == 1;
  sr_q8_gemm p = {0};
  p.m = s.m, p.n = s.n, p.k = s.k, p.groups = s.groups;
  p.src.a = node->inputs[0]->data;
  p.src.a_end = p.src.a + sr_tensor_count(node->inputs[0]);
  p.src.lda = (size_t)g->in_c;
  p.src.conv = pointwise ? NULL : g;
  p.src.pad = (uint8_t)-rq->input_offset;
  p.src.a_xor = t.a_xor;
  p.src.a_signed = !is_unsigned && !t.a_xor;
  p.src.a_offset = kr.int16 ? rq->input_offset : 0;
  p.b = sr_q8_plan_weights(plan);
  p.rq = sr_q8_plan_consts(plan);
  p.rq_group_bytes = group_bytes(&s, kr);
  p.c = node->outputs[0]->data;
  p.ldc = (size_t)g->out_c;
  p.epi.lo = rq->act_min - rq->output_offset;
  p.epi.hi = rq->act_max - rq->output_offset;
  p.epi.out_offset = rq->output_offset;
  p.epi.ref_rounding = sr_q8_any_ref_rounding(rq, (size_t)g->out_c);
  p.epi.has_lshift = plan->has_lshift;
  p.epi.row_coeff = t.beta;
  p.epi.out_unsigned = is_unsigned;
  sr_q8_gemm_run(node, &p, kr, node->scratch, align64(sr_q8_panel_bytes(s.k)));
}

SR_Q8_COLD
static sigrun_status select_conv(sr_node* node, const sr_conv_geom* g, const sr_conv_requant* rq, sr_weights_kind kind,
                                 sr_fast_path* fast) {
  const sr_tensor* filter = node->inputs[1];
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  if ((kind != SR_WK_I8 && kind != SR_WK_U8) || rq->wide || !node->runner) return SIGRUN_STATUS_OK;
  if (!sr_tensor_is_const(filter) || (bias && !sr_tensor_is_const(bias))) return SIGRUN_STATUS_OK;
  const conv_shape s = shape_of(g);
  const sr_q8_kernel kr = sr_q8_kernel_for(node->isa, s.m, s.n, s.k);
  if (!kr.rows || s.n == 0 || s.k == 0) return SIGRUN_STATUS_OK;
  const int is_unsigned = kind == SR_WK_U8;
  const int transposed = one_channel_depthwise(g);
  sr_q8_plan_key key;
  memset(&key, 0, sizeof key);
  key.source = filter->data;
  key.bias = bias ? bias->data : NULL;
  const int32_t kernel = kr.lanes | kr.signed_a << 8 | kr.int16 << 9 | transposed << 10 | is_unsigned << 11;
  const int32_t ints[8] = {rq->input_offset, rq->filter_offset, rq->output_offset, rq->act_min, rq->act_max,
                           rq->gemm_rounding, kernel, 0x6376 /* "cv" */};
  memcpy(key.ints, ints, sizeof ints);
  key.dims[0] = s.n, key.dims[1] = s.k, key.dims[2] = s.groups, key.dims[3] = rq->gemm_channels;
  const conv_fill f = {rq, filter->data, key.bias, s, is_unsigned, transposed, kr};
  sigrun_status st;
  const size_t mult_bytes = (size_t)g->out_c * sizeof(sr_qmul);
  fast->packed = sr_q8_plan_get(node, &key, rq->mult, mult_bytes, group_bytes(&s, kr) * s.groups,
                                sr_q8_weights_bytes(s.n, s.k, s.groups, kr), fill_conv, &f, &st);
  if (!fast->packed) return st;
  const size_t threads = (size_t)sr_node_threads(node);
  sr_node_request_scratch(node, threads * align64(sr_q8_panel_bytes(s.k)));
  fast->run = run_conv;
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_conv_fast_select_q(sr_node* node, const sr_conv_geom* g, const sr_conv_requant* rq,
                                    sr_weights_kind kind, int depthwise, sr_fast_path* fast) {
  fast->run = NULL;
  fast->packed = NULL;
  if (depthwise && !one_channel_depthwise(g)) return sr_dwconv_fast_select_q(node, g, rq, kind, fast);
  return select_conv(node, g, rq, kind, fast);
}
