/*
 * conv_fast_f32.c — fast-path selection for float CONV_2D: a GEMM (gemm_f32.h) of the im2col matrix of the
 * input (one row per output pixel, one column per filter tap and input channel, zeros for taps in the padding)
 * with the filter, packed once per model with its bias. 1x1 stride-1 convolutions read the NHWC input directly
 * as that matrix. Filters and biases must be fixed before the first invoke (constants, or DEQUANTIZE of float16
 * constants); grouped convolutions and filters computed in the graph keep the reference kernel.
 * DEPTHWISE_CONV_2D nodes go to dwconv_fast_f32.c.
 */
#include "fast.h"

#include "../core/packed.h"
#include "../core/runner.h"
#include "gemm_f32.h"

static size_t gemm_depth(const sr_conv_geom* g) {
  return (size_t)g->filter_h * (size_t)g->filter_w * (size_t)g->filter_c;
}

size_t sr_f32_conv2d_packed_floats(const sr_gemm_f32_arch* arch, const sr_conv_geom* g) {
  return sr_gemm_f32_packed_floats(arch, (size_t)g->out_c, gemm_depth(g));
}

void sr_f32_conv2d_pack(const sr_gemm_f32_arch* arch, const sr_conv_geom* g, sr_f32_source filter,
                        sr_f32_source bias, float* dst) {
  /* The filter [out_c][kh][kw][in_c] is B transposed: column j, depth kk at j * k + kk. */
  const size_t k = gemm_depth(g);
  sr_gemm_f32_pack(arch, (size_t)g->out_c, k, filter, k, 1, bias, dst);
}

/* A 1x1 window with stride 1 and no padding reads output pixel p's input from pixel p. */
static int is_pointwise(const sr_conv_geom* g) {
  return g->filter_h == 1 && g->filter_w == 1 && g->stride_h == 1 && g->stride_w == 1 && g->pad_top == 0 &&
         g->pad_left == 0 && g->out_h == g->in_h && g->out_w == g->in_w;
}

void sr_f32_conv2d__gemm(const sr_node* node, const sr_gemm_f32_arch* arch, const sr_conv_geom* g,
                         const float* input, const float* packed, float* output) {
  const size_t n = (size_t)g->out_c, k = gemm_depth(g);
  const size_t np = sr_gemm_f32_packed_floats(arch, n, k) / (k + 1);
  const sr_gemm_f32_matrix rows = {input, (size_t)g->in_c, 1};
  const sr_gemm_f32_im2col im2col = {g, input};
  const int direct = is_pointwise(g);
  sr_gemm_f32_job job = {arch, (size_t)g->batches * (size_t)g->out_h * (size_t)g->out_w, n, k,
                         direct ? sr_gemm_f32_pack_a_matrix : sr_gemm_f32_pack_a_im2col,
                         direct ? (const void*)&rows : (const void*)&im2col, packed + np, packed, output, n,
                         g->act_min, g->act_max, 0, 0};
  sr_gemm_f32_run(node, &job);
}

typedef struct pack_arg {
  const sr_gemm_f32_arch* arch;
  const sr_conv_geom* g;
  sr_f32_source filter, bias;
} pack_arg;

static void pack_filter(void* dst, size_t bytes, const void* arg) {
  const pack_arg* p = arg;
  (void)bytes;
  sr_f32_conv2d_pack(p->arch, p->g, p->filter, p->bias, dst);
}

static void conv_run(const sr_fast_path* fast, sr_node* node) {
  sr_f32_conv2d__gemm(node, (const sr_gemm_f32_arch*)fast->variant, fast->geom, node->inputs[0]->data, fast->packed,
                      node->outputs[0]->data);
}

sigrun_status sr_conv_fast_select_f32(sr_node* node, const sr_conv_geom* g, int depthwise, sr_fast_path* fast) {
  if (depthwise) return sr_dwconv_fast_select_f32(node, g, fast);
  fast->run = NULL;
  const sr_gemm_f32_arch* arch = sr_gemm_f32_select(node);
  if (!arch || g->groups != 1 || g->out_c == 0) return SIGRUN_STATUS_OK;
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  const pack_arg arg = {arch, g, sr_f32_fixed_values(node, node->inputs[1]), sr_f32_fixed_values(node, bias)};
  if (!arg.filter.data || (bias && !arg.bias.data)) return SIGRUN_STATUS_OK; /* values known only at invoke */
  const size_t floats = sr_f32_conv2d_packed_floats(arch, g);
  const unsigned tag = SR_GEMM_F32_PACK_WEIGHTS | (arg.filter.f16 ? SR_GEMM_F32_PACK_FROM_F16 : 0);
  const uint64_t format = sr_gemm_f32_pack_format(arch, tag, (size_t)g->out_c, gemm_depth(g));
  if (!format || !floats) return SIGRUN_STATUS_OK;
  /* The same key as FULLY_CONNECTED weights [out_c][kh * kw * in_c]: the packed bytes are the same too. A bias
   * from float16 sits at another address than a float32 one, so the aux key tells them apart. */
  fast->packed = sr_packed_get(node->runner->model, arg.filter.data, arg.bias.data, format, floats * sizeof(float),
                               pack_filter, &arg);
  if (!fast->packed)
    return sr_node_fail(node, SIGRUN_STATUS_NO_MEMORY, "out of memory packing the filter (%zu bytes)",
                        floats * sizeof(float));
  fast->variant = (intptr_t)(const void*)arch;
  fast->run = conv_run;
  return SIGRUN_STATUS_OK;
}
