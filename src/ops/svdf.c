/*
 * svdf.c — SVDF (a fully connected layer factored into feature and time filters, with a sliding memory held in a
 * variable state tensor): float32, hybrid (int8 feature weights with float activations) and full integer (int8
 * input/output, int16 time weights and state, int32 bias) as LiteRT's reference kernels compute them. Each
 * invoke shifts the state one step left, writes the newest feature projection into the last column, then
 * contracts each filter's memory with its time weights, sums `rank` filters per unit, adds the bias and
 * applies the activation (the integer kernel clamps to int8 only, as LiteRT's does).
 */
#include <stdio.h>

#include "lstm.h"

#include "../format/schema_enums.h"
#include "quant.h"

/* SVDFOptions: rank 0 (int32), fused_activation_function 1, asymmetric_quantize_inputs 2. */
static sigrun_status parse_svdf(sr_parse_ctx* ctx, const void** out_params) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_SVDF, 1);
  if (st) return st;
  sr_svdf_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  int32_t rank = 0;
  uint8_t act = 0, asym = 0;
  if (ctx->options) {
    int rc = sr_fb_i32(ctx->options, 0, 0, &rank);
    if (rc == SR_FB_OK) rc = sr_fb_u8(ctx->options, 1, 0, &act);
    if (rc == SR_FB_OK) rc = sr_fb_u8(ctx->options, 2, 0, &asym);
    if (rc != SR_FB_OK) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "options: %s", sr_fb_strerror(rc));
  }
  if (rank <= 0) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "rank %d must be positive", rank);
  if (act > SR_ACT_SIGN_BIT)
    return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "fused activation %d is not a known ActivationFunctionType (0..5)",
                         (int8_t)act);
  p->rank = rank;
  p->activation = act;
  p->asymmetric_quantize_inputs = asym != 0;
  *out_params = p;
  return SIGRUN_STATUS_OK;
}

enum { SVDF_F32 = 1, SVDF_HYBRID, SVDF_INT };

typedef struct svdf_node {
  int kernel;
  int32_t batch, n_input, filters, units, memory;
  sr_qmul scale1, scale2; /* integer: feature -> state, state x time -> output */
  int32_t input_zp, output_zp;
} svdf_node;

/* ---- kernels ---- */

/* Shared tail of the float and hybrid kernels: state x time weights, rank reduction, bias, activation. */
static void time_tail_f32(const svdf_node* n, int rank, int act, const float* wt, const float* bias, const float* state,
                          float* scratch, float* out) {
  const size_t mem = (size_t)n->memory, nf = (size_t)n->filters;
  for (int32_t b = 0; b < n->batch; b++)
    for (size_t f = 0; f < nf; f++) {
      const float* s = state + ((size_t)b * nf + f) * mem;
      float dot = 0.0f;
      for (size_t m = 0; m < mem; m++) dot += wt[f * mem + m] * s[m];
      scratch[(size_t)b * nf + f] = dot;
    }
  for (size_t i = 0; i < (size_t)n->batch * (size_t)n->units; i++) {
    float sum = 0.0f;
    for (int r = 0; r < rank; r++) sum += scratch[i * (size_t)rank + (size_t)r];
    if (bias) sum += bias[i % (size_t)n->units];
    out[i] = sr_rnn_activate(act, sum);
  }
}

static void shift_state(void* state, size_t count, size_t elem) {
  if (count > 1) memmove(state, (uint8_t*)state + elem, (count - 1) * elem);
}

static void svdf_f32(const svdf_node* n, const sr_svdf_params* p, const float* in, const float* wf, const float* wt,
                     const float* bias, float* state, float* out, float* scratch) {
  const size_t nf = (size_t)n->filters, mem = (size_t)n->memory, ni = (size_t)n->n_input;
  shift_state(state, (size_t)n->batch * nf * mem, sizeof(float));
  for (int32_t b = 0; b < n->batch; b++)
    for (size_t f = 0; f < nf; f++) {
      float dot = 0.0f;
      for (size_t c = 0; c < ni; c++) dot += wf[f * ni + c] * in[(size_t)b * ni + c];
      state[((size_t)b * nf + f) * mem + mem - 1] = 0.0f + dot;
    }
  time_tail_f32(n, p->rank, p->activation, wt, bias, state, scratch, out);
}

/* Hybrid models may carry int8 time weights too; LiteRT dequantizes them (scale x value) before use. */
static void svdf_hybrid(const svdf_node* n, const sr_svdf_params* p, const float* in, const sr_tensor* wf_t,
                        const sr_tensor* wt_t, const float* bias, float* state, float* out, void* scratch) {
  const size_t nf = (size_t)n->filters, mem = (size_t)n->memory, ni = (size_t)n->n_input, nb = (size_t)n->batch;
  float* acc = scratch;
  float* sf = acc + nb * nf;
  int32_t* zp = (int32_t*)(void*)(sf + nb);
  int32_t* rs = zp + nb;
  float* wt_f = (float*)(void*)(rs + nf);
  int8_t* q = (int8_t*)(void*)(wt_f + nf * mem);
  const float* wt = wt_t->data;
  if (wt_t->type == SIGRUN_TYPE_INT8) {
    const int8_t* wq = wt_t->data;
    for (size_t i = 0; i < nf * mem; i++) wt_f[i] = (float)wq[i] * wt_t->def->quant.scales[0];
    wt = wt_f;
  }
  shift_state(state, nb * nf * mem, sizeof(float));
  memset(acc, 0, sizeof(float) * nb * nf);
  if (!sr_all_zero_f32(in, nb * ni)) {
    const int asym = p->asymmetric_quantize_inputs;
    sr_hybrid_quantize_rows(in, n->batch, n->n_input, asym, q, sf, zp);
    for (size_t b = 0; b < nb; b++) sf[b] *= wf_t->def->quant.scales[0];
    if (asym) sr_hybrid_row_sums(wf_t->data, n->filters, n->n_input, rs);
    sr_hybrid_matvec_acc(wf_t->data, n->filters, n->n_input, q, sf, asym ? zp : NULL, asym ? rs : NULL, n->batch, acc);
  }
  for (size_t i = 0; i < nb * nf; i++) state[i * mem + mem - 1] = acc[i];
  time_tail_f32(n, p->rank, p->activation, wt, bias, state, acc, out);
}

static void svdf_int(const svdf_node* n, int rank, const int8_t* in, const int8_t* wf, const int16_t* wt,
                     const int32_t* bias, int16_t* state, int8_t* out, int32_t* scratch) {
  const size_t nf = (size_t)n->filters, mem = (size_t)n->memory, ni = (size_t)n->n_input, nb = (size_t)n->batch;
  shift_state(state, nb * nf * mem, sizeof(int16_t));
  for (size_t b = 0; b < nb; b++)
    for (size_t f = 0; f < nf; f++) {
      uint32_t dot = 0;
      for (size_t c = 0; c < ni; c++) dot += (uint32_t)((int32_t)wf[f * ni + c] * ((int32_t)in[b * ni + c] - n->input_zp));
      state[(b * nf + f) * mem + mem - 1] =
          (int16_t)sr_clamp_i32(sr_quant_mul((int32_t)dot, n->scale1), INT16_MIN, INT16_MAX);
    }
  /* int32 accumulators wrap on overflow as LiteRT's do in practice (int16 x int16 products summed over the
   * memory reach 2^31 with real weights); unsigned arithmetic makes that defined. */
  for (size_t i = 0; i < nb * nf; i++) {
    uint32_t dot = 0;
    for (size_t m = 0; m < mem; m++) dot += (uint32_t)((int32_t)wt[(i % nf) * mem + m] * (int32_t)state[i * mem + m]);
    scratch[i] = (int32_t)dot;
  }
  for (size_t i = 0; i < nb * (size_t)n->units; i++) {
    uint32_t sum = 0;
    for (int r = 0; r < rank; r++) sum += (uint32_t)scratch[i * (size_t)rank + (size_t)r];
    if (bias) sum += (uint32_t)bias[i % (size_t)n->units];
    out[i] = (int8_t)sr_clamp_i32(sr_quant_mul((int32_t)sum, n->scale2) + n->output_zp, -128, 127);
  }
}

/* ---- prepare ---- */

static sigrun_status bad_shape(sr_node* node, const sr_tensor* t, const char* what, const char* expected) {
  char s[128];
  return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "%s (tensor %d) has shape %s, expected %s", what, t->index,
                      sr_shape_str(t->dims, t->rank, s, sizeof s), expected);
}

static sigrun_status pick(sr_node* node, const sr_tensor* in, const sr_tensor* wf, const sr_tensor* wt,
                          const sr_tensor* bias, const sr_tensor* state, int* kernel) {
  sigrun_status st;
  if (in->type == SIGRUN_TYPE_FLOAT32 && wf->type == SIGRUN_TYPE_FLOAT32) *kernel = SVDF_F32;
  else if (in->type == SIGRUN_TYPE_FLOAT32 && wf->type == SIGRUN_TYPE_INT8) *kernel = SVDF_HYBRID;
  else if (in->type == SIGRUN_TYPE_INT8 && wf->type == SIGRUN_TYPE_INT8) *kernel = SVDF_INT;
  else
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED,
                        "input %s with feature weights %s is not supported (supported: float32/float32, float32/int8 "
                        "hybrid, int8/int8 integer)", sigrun_type_name(in->type), sigrun_type_name(wf->type));
  const int integer = *kernel == SVDF_INT;
  if (*kernel == SVDF_HYBRID && wt->type == SIGRUN_TYPE_INT8) {
    float s;
    int32_t z;
    if ((st = sr_quant_params(node, wt, "time weights", &s, &z))) return st;
  } else if ((st = sr_node_check_type(node, wt, "time weights", integer ? SIGRUN_TYPE_INT16 : SIGRUN_TYPE_FLOAT32))) {
    return st;
  }
  if (
      (bias && (st = sr_node_check_type(node, bias, "bias", integer ? SIGRUN_TYPE_INT32 : SIGRUN_TYPE_FLOAT32))) ||
      (st = sr_node_check_type(node, state, "state", integer ? SIGRUN_TYPE_INT16 : SIGRUN_TYPE_FLOAT32)) ||
      (st = sr_node_check_type(node, node->outputs[0], "output", integer ? SIGRUN_TYPE_INT8 : SIGRUN_TYPE_FLOAT32)))
    return st;
  return SIGRUN_STATUS_OK;
}

static sigrun_status int_scales(sr_node* node, svdf_node* n, const sr_tensor* in, const sr_tensor* wf,
                                const sr_tensor* wt, const sr_tensor* state) {
  float s_in, s_wf, s_wt, s_state, s_out;
  int32_t zp_in, zp_out, z;
  sigrun_status st;
  if ((st = sr_quant_params(node, in, "input", &s_in, &zp_in)) ||
      (st = sr_quant_params(node, wf, "feature weights", &s_wf, &z)) ||
      (st = sr_quant_params(node, wt, "time weights", &s_wt, &z)) ||
      (st = sr_quant_params(node, state, "state", &s_state, &z)) ||
      (st = sr_quant_params(node, node->outputs[0], "output", &s_out, &zp_out)))
    return st;
  n->scale1 = sr_quant_multiplier((double)(s_in * s_wf / s_state));
  n->scale2 = sr_quant_multiplier((double)(s_state * s_wt / s_out));
  n->input_zp = zp_in;
  n->output_zp = zp_out;
  return SIGRUN_STATUS_OK;
}

static sigrun_status svdf_prepare(sr_node* node) {
  const sr_svdf_params* p = node->params;
  sigrun_status st;
  if ((st = sr_node_check_io(node, 5, 5, 1)) || (st = sr_rnn_check_activation(node, p->activation))) return st;
  for (int i = 0; i < 5; i++)
    if (i != 3 && !node->inputs[i]) return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input %d is absent", i);
  const sr_tensor *in = node->inputs[0], *wf = node->inputs[1], *wt = node->inputs[2], *bias = node->inputs[3];
  const sr_tensor* state = node->inputs[4];
  if (in->rank != 2) return bad_shape(node, in, "input", "rank 2 [batch, input depth]");
  if (wf->rank != 2 || wf->dims[1] != in->dims[1]) return bad_shape(node, wf, "feature weights", "[filters, input depth]");
  svdf_node* n = sr_node_alloc_data(node, sizeof *n);
  if (!n) return SIGRUN_STATUS_NO_MEMORY;
  n->batch = in->dims[0];
  n->n_input = in->dims[1];
  n->filters = wf->dims[0];
  if (n->filters % p->rank != 0)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "%d filters are not a multiple of rank %d", n->filters, p->rank);
  n->units = n->filters / p->rank;
  char e[64];
  if (wt->rank != 2 || wt->dims[0] != n->filters) {
    snprintf(e, sizeof e, "[%d, memory size]", n->filters);
    return bad_shape(node, wt, "time weights", e);
  }
  n->memory = wt->dims[1];
  if (bias && (bias->rank != 1 || bias->dims[0] != n->units)) {
    snprintf(e, sizeof e, "[%d]", n->units);
    return bad_shape(node, bias, "bias", e);
  }
  if (state->rank != 2 || state->dims[0] != n->batch || (int64_t)state->dims[1] != (int64_t)n->memory * n->filters) {
    snprintf(e, sizeof e, "[%d,%lld]", n->batch, (long long)n->memory * n->filters);
    return bad_shape(node, state, "state", e);
  }
  if (!state->def->is_variable || state->alloc == SR_ALLOC_CONST)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "state (tensor %d) must be a variable tensor", state->index);
  if ((st = pick(node, in, wf, wt, bias, state, &n->kernel))) return st;
  /* LiteRT's integer SVDF only accepts RELU (and then relies on the output range rather than applying it). */
  if (n->kernel == SVDF_INT && p->activation != SR_ACT_RELU)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "the integer SVDF supports only the RELU activation, not %d",
                        p->activation);
  if (n->kernel == SVDF_INT && (st = int_scales(node, n, in, wf, wt, state))) return st;
  if (n->kernel == SVDF_HYBRID) {
    float s;
    int32_t z;
    if ((st = sr_quant_params(node, wf, "feature weights", &s, &z))) return st;
  }
  /* Scratch: filter sums per batch (int32 or float) plus, for hybrid, quantized rows and their parameters. */
  size_t bf, bytes;
  if (!sr_mul_size((size_t)n->batch, (size_t)n->filters, &bf) || !sr_mul_size(bf, 4, &bytes))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "sizes are too large");
  size_t wt_bytes, in_bytes;
  if (!sr_mul_size(bf, 0, &wt_bytes) || !sr_mul_size((size_t)n->filters, (size_t)n->memory * 4, &wt_bytes) ||
      !sr_mul_size((size_t)n->batch, (size_t)n->n_input, &in_bytes) || wt_bytes > ((size_t)1 << 40) ||
      in_bytes > ((size_t)1 << 40))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "sizes are too large");
  bytes += (size_t)n->batch * 8 + (size_t)n->filters * 4 + wt_bytes + in_bytes + 64;
  sr_node_request_scratch(node, bytes);
  int32_t dims[2] = {n->batch, n->units};
  return sr_node_resize_output(node, 0, 2, dims);
}

static sigrun_status svdf_eval(sr_node* node) {
  const svdf_node* n = node->data;
  const sr_svdf_params* p = node->params;
  if (!n->batch || !n->units) return SIGRUN_STATUS_OK;
  const sr_tensor *in = node->inputs[0], *wf = node->inputs[1], *wt = node->inputs[2], *bias = node->inputs[3];
  sr_tensor* state = node->inputs[4];
  void* out = node->outputs[0]->data;
  if (n->kernel == SVDF_F32)
    svdf_f32(n, p, in->data, wf->data, wt->data, bias ? bias->data : NULL, state->data, out, node->scratch);
  else if (n->kernel == SVDF_HYBRID)
    svdf_hybrid(n, p, in->data, wf, wt, bias ? bias->data : NULL, state->data, out, node->scratch);
  else
    svdf_int(n, p->rank, in->data, wf->data, wt->data, bias ? bias->data : NULL, state->data, out, node->scratch);
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_svdf = {"SVDF", SR_BUILTIN_SVDF, parse_svdf, svdf_prepare, svdf_eval};
