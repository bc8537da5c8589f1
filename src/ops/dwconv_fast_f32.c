/*
 * dwconv_fast_f32.c — fast path of float DEPTHWISE_CONV_2D with depth multiplier 1 (the MobileNet/EfficientNet
 * case): picks a row kernel in prepare (AVX-512 or AVX2; 3x3, 5x5 or any size) and runs it over the output
 * rows, which sr_parallel_for may spread over threads (rows are independent). Other depth multipliers, and CPUs
 * without AVX2 (node->isa 0), decline to the reference kernel. The filter is used in the file's [1, kh, kw, C] layout,
 * which already has channels innermost, so nothing is packed.
 */
#include "dwconv_f32.h"
#include "fast.h"

#include "../core/parallel.h"

typedef struct dw_job {
  const sr_conv_geom* g;
  sr_dw_row_fn row;
  const float *input, *filter, *bias;
  float* output;
} dw_job;

/* Items are output rows of every image: item i is row i % out_h of image i / out_h. */
static void dw_rows(void* ctx, size_t begin, size_t end) {
  const dw_job* j = ctx;
  const sr_conv_geom* g = j->g;
  const size_t out_h = (size_t)g->out_h, out_row = (size_t)g->out_w * (size_t)g->out_c;
  const size_t in_image = (size_t)g->in_h * (size_t)g->in_w * (size_t)g->in_c;
  for (size_t i = begin; i < end; i++)
    j->row(g, j->input + (i / out_h) * in_image, j->filter, j->bias, j->output + i * out_row, (int32_t)(i % out_h));
}

static void dw_run(const sr_fast_path* fast, sr_node* node) {
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  dw_job j = {fast->geom, (sr_dw_row_fn)fast->variant, node->inputs[0]->data, node->inputs[1]->data,
              bias ? bias->data : NULL, node->outputs[0]->data};
  const size_t rows = (size_t)j.g->batches * (size_t)j.g->out_h;
  const size_t row_work = (size_t)j.g->out_w * (size_t)j.g->out_c * (size_t)j.g->filter_h * (size_t)j.g->filter_w;
  sr_parallel_for(node, rows, sr_parallel_grain(row_work), dw_rows, &j);
}

/* The row kernel for this node and CPU, or NULL to decline. */
static sr_dw_row_fn pick_row(unsigned isa, const sr_conv_geom* g) {
  const int k3 = g->filter_h == 3 && g->filter_w == 3, k5 = g->filter_h == 5 && g->filter_w == 5;
#if SR_HAVE_X86_KERNELS
  if (isa & SR_ISA_AVX512)
    return k3 ? sr_f32_dwconv3x3_row__avx512 : k5 ? sr_f32_dwconv5x5_row__avx512 : sr_f32_dwconv_row__avx512;
  if (isa & SR_ISA_AVX2_FMA)
    return k3 ? sr_f32_dwconv3x3_row__avx2 : k5 ? sr_f32_dwconv5x5_row__avx2 : sr_f32_dwconv_row__avx2;
#endif
  (void)isa, (void)k3, (void)k5;
  return NULL;
}

sigrun_status sr_dwconv_fast_select_f32(sr_node* node, const sr_conv_geom* g, sr_fast_path* fast) {
  fast->run = NULL;
  if (g->depth_multiplier != 1) return SIGRUN_STATUS_OK;
  sr_dw_row_fn row = pick_row(node->isa, g);
  if (!row) return SIGRUN_STATUS_OK;
  fast->variant = (intptr_t)row;
  fast->run = dw_run;
  return SIGRUN_STATUS_OK;
}
