/*
 * pool.c — AVERAGE_POOL_2D, MAX_POOL_2D (float32, int8, uint8, int16) and L2_POOL_2D (float32), NHWC:
 * Pool2DOptions parsing, shape checks and the reference kernels. Windows use LiteRT's padding rules
 * (sr_conv_window); padded positions are skipped, so an average divides by the number of in-bounds
 * elements. The fused activation is LiteRT's float clamp (TANH and SIGN_BIT are no-ops there, as in
 * LiteRT) or, on quantized types, its clamp in the output's quantized domain.
 */
#include "pool.h"

#include <float.h>
#include <math.h>

#include "quant.h"
#include "vec_f32.h"
#include "../core/parallel.h"
#include "../format/schema_enums.h"

static sigrun_status opt_field(sr_parse_ctx* ctx, int field, int is_i8, const char* name, int* out) {
  *out = 0; /* every Pool2DOptions field defaults to 0 */
  if (!ctx->options) return SIGRUN_STATUS_OK;
  int rc;
  if (is_i8) {
    int8_t v;
    rc = sr_fb_i8(ctx->options, field, 0, &v);
    *out = v;
  } else {
    int32_t v;
    rc = sr_fb_i32(ctx->options, field, 0, &v);
    *out = v;
  }
  if (rc != SR_FB_OK) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "option %s: %s", name, sr_fb_strerror(rc));
  return SIGRUN_STATUS_OK;
}

/* Pool2DOptions: padding 0, stride_w 1, stride_h 2, filter_width 3, filter_height 4,
 * fused_activation_function 5. */
static sigrun_status parse_pool2d(sr_parse_ctx* ctx, const void** out_params) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_POOL2D, 1);
  if (st) return st;
  sr_pool2d_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  if ((st = opt_field(ctx, 0, 1, "padding", &p->padding)) || (st = opt_field(ctx, 1, 0, "stride_w", &p->stride_w)) ||
      (st = opt_field(ctx, 2, 0, "stride_h", &p->stride_h)) ||
      (st = opt_field(ctx, 3, 0, "filter_width", &p->filter_w)) ||
      (st = opt_field(ctx, 4, 0, "filter_height", &p->filter_h)) ||
      (st = opt_field(ctx, 5, 1, "fused_activation_function", &p->activation)))
    return st;
  if (p->padding != SR_PADDING_SAME && p->padding != SR_PADDING_VALID)
    return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "padding %d is not SAME (0) or VALID (1)", p->padding);
  if (p->activation < SR_ACT_NONE || p->activation > SR_ACT_SIGN_BIT)
    return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL,
                         "fused activation %d is not a known ActivationFunctionType (0..5)", p->activation);
  const int values[4] = {p->stride_w, p->stride_h, p->filter_w, p->filter_h};
  static const char* const names[4] = {"stride_w", "stride_h", "filter_width", "filter_height"};
  for (int i = 0; i < 4; i++)
    if (values[i] <= 0)
      return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "%s is %d, expected > 0", names[i], values[i]);
  *out_params = p;
  return SIGRUN_STATUS_OK;
}

/* In-bounds filter range [*start, *end) of the window starting at origin on an axis of size n. */
static void window_range(int64_t origin, int32_t filter, int32_t n, size_t* start, size_t* end) {
  int64_t s = origin < 0 ? -origin : 0;
  int64_t e = (int64_t)n - origin;
  if (e > filter) e = filter;
  if (s > filter) s = filter;
  if (e < s) e = s;
  *start = (size_t)s;
  *end = (size_t)e;
}

/* The in-bounds part of output pixel (oy, ox)'s window: its first input element (an offset from the batch's
 * start) and its extent. */
typedef struct pool_window {
  size_t first;
  size_t rows, cols;
} pool_window;

static pool_window window_at(const sr_conv_geom* g, int32_t oy, int32_t ox) {
  size_t y0, y1, x0, x1;
  const int64_t y = (int64_t)oy * g->stride_h - g->pad_top, x = (int64_t)ox * g->stride_w - g->pad_left;
  window_range(y, g->filter_h, g->in_h, &y0, &y1);
  window_range(x, g->filter_w, g->in_w, &x0, &x1);
  pool_window w = {0, y1 - y0, x1 - x0};
  if (w.rows && w.cols) {
    const size_t row = (size_t)(y + (int64_t)y0), col = (size_t)(x + (int64_t)x0);
    w.first = (row * (size_t)g->in_w + col) * (size_t)g->in_c;
  }
  return w;
}

/* Every kernel visits output pixels in order and hands each channel's window to REDUCE, which reads
 * in[fy * row_stride + fx * c] for fy < w.rows, fx < w.cols and writes *out++. */
#define SR_POOL_LOOP(T_IN, input, REDUCE)                                             \
  const size_t c = (size_t)g->in_c, row_stride = (size_t)g->in_w * c;               \
  for (int32_t b = 0; b < g->batches; b++) {                                         \
    const T_IN* in_b = (input) + (size_t)b * (size_t)g->in_h * row_stride;           \
    for (int32_t oy = 0; oy < g->out_h; oy++)                                        \
      for (int32_t ox = 0; ox < g->out_w; ox++) {                                    \
        const pool_window w = window_at(g, oy, ox);                                  \
        for (size_t ch = 0; ch < c; ch++) {                                          \
          const T_IN* in = in_b + w.first + ch;                                      \
          REDUCE                                                                     \
        }                                                                            \
      }                                                                              \
  }

int sr_f32_average_pool2d__ref(const sr_conv_geom* g, const float* input, float* output) {
  float* out = output;
  SR_POOL_LOOP(float, input, {
    const size_t count = w.rows * w.cols;
    if (count == 0) return 0;
    float total = 0.0f;
    for (size_t fy = 0; fy < w.rows; fy++)
      for (size_t fx = 0; fx < w.cols; fx++) total += in[fy * row_stride + fx * c];
    *out++ = sr_conv_clamp_f32(total / (float)count, g->act_min, g->act_max);
  })
  return 1;
}

int sr_f32_max_pool2d__ref(const sr_conv_geom* g, const float* input, float* output) {
  float* out = output;
  SR_POOL_LOOP(float, input, {
    /* NaN never wins the comparison, as with LiteRT's std::max from the lowest float. */
    float m = -FLT_MAX;
    for (size_t fy = 0; fy < w.rows; fy++)
      for (size_t fx = 0; fx < w.cols; fx++) {
        const float v = in[fy * row_stride + fx * c];
        if (v > m) m = v;
      }
    *out++ = sr_conv_clamp_f32(m, g->act_min, g->act_max);
  })
  return 1;
}

/* sqrt(sum of squares / count) over the in-bounds window; an empty window gives NaN (0 / 0), as in LiteRT. */
int sr_f32_l2_pool2d__ref(const sr_conv_geom* g, const float* input, float* output) {
  float* out = output;
  SR_POOL_LOOP(float, input, {
    float total = 0.0f;
    for (size_t fy = 0; fy < w.rows; fy++)
      for (size_t fx = 0; fx < w.cols; fx++) {
        const float v = in[fy * row_stride + fx * c];
        total += v * v;
      }
    *out++ = sr_conv_clamp_f32(sqrtf(total / (float)(w.rows * w.cols)), g->act_min, g->act_max);
  })
  return 1;
}

/* Quantized pools work on raw values (LiteRT expects the output to share the input's quantization). The
 * average rounds the int32 sum half away from zero: (sum +- count / 2) / count with C's truncation. The
 * clamp is the fused activation in the output's quantized domain (pool_node.q_lo/q_hi). */
#define SR_QPOOL_KERNELS(TAG, T)                                                                        \
  static int sr_##TAG##_average_pool2d__ref(const sr_conv_geom* g, const T* input, T* output, int32_t lo, \
                                            int32_t hi) {                                               \
    T* out = output;                                                                                    \
    SR_POOL_LOOP(T, input, {                                                                            \
      const int32_t count = (int32_t)(w.rows * w.cols);                                                 \
      if (count == 0) return 0;                                                                         \
      int32_t total = 0;                                                                                \
      for (size_t fy = 0; fy < w.rows; fy++)                                                            \
        for (size_t fx = 0; fx < w.cols; fx++) total += in[fy * row_stride + fx * c];                   \
      int32_t avg = total > 0 ? (total + count / 2) / count : (total - count / 2) / count;              \
      *out++ = (T)(avg < lo ? lo : avg > hi ? hi : avg);                                                \
    })                                                                                                  \
    return 1;                                                                                           \
  }                                                                                                     \
  static int sr_##TAG##_max_pool2d__ref(const sr_conv_geom* g, const T* input, T* output, int32_t lo,     \
                                        int32_t hi) {                                                   \
    T* out = output;                                                                                    \
    SR_POOL_LOOP(T, input, {                                                                            \
      int32_t m = lo; /* LiteRT starts from the activation minimum */                                  \
      for (size_t fy = 0; fy < w.rows; fy++)                                                            \
        for (size_t fx = 0; fx < w.cols; fx++) {                                                        \
          const int32_t v = in[fy * row_stride + fx * c];                                               \
          if (v > m) m = v;                                                                             \
        }                                                                                               \
      *out++ = (T)(m > hi ? hi : m);                                                                    \
    })                                                                                                  \
    return 1;                                                                                           \
  }
SR_QPOOL_KERNELS(qs8, int8_t)
SR_QPOOL_KERNELS(qu8, uint8_t)
SR_QPOOL_KERNELS(qs16, int16_t)

typedef enum pool_kind { POOL_AVERAGE, POOL_MAX, POOL_L2 } pool_kind;

typedef struct pool_node {
  sr_conv_geom geom;
  pool_kind kind;
  sigrun_type type;
  int32_t q_lo, q_hi; /* quantized activation clamp */
  sr_vec_pool_fn vec;  /* float MAX/AVERAGE: vector pixel kernel for this CPU, or NULL */
} pool_node;

typedef struct pool_job {
  const pool_node* d;
  const float* in;
  float* out;
} pool_job;

/* Output rows [begin, end) of every image (item i is row i % out_h of image i / out_h). */
static void pool_rows(void* ctx, size_t begin, size_t end) {
  const pool_job* j = ctx;
  const sr_conv_geom* g = &j->d->geom;
  const size_t c = (size_t)g->in_c, row_stride = (size_t)g->in_w * c, out_h = (size_t)g->out_h;
  for (size_t i = begin; i < end; i++) {
    const float* in_b = j->in + (i / out_h) * (size_t)g->in_h * row_stride;
    float* out = j->out + i * (size_t)g->out_w * c;
    for (int32_t ox = 0; ox < g->out_w; ox++, out += c) {
      const pool_window w = window_at(g, (int32_t)(i % out_h), ox);
      j->d->vec(in_b + w.first, w.rows, w.cols, row_stride, c, out, j->d->kind == POOL_MAX, g->act_min, g->act_max);
    }
  }
}

/* The float MAX/AVERAGE pools with the vector pixel kernel over the node's threads: the reference's values.
 * Averages check for empty windows first (an error, before any output is written). */
static int pool_run_vec(const sr_node* node, const pool_node* d, const float* input, float* out) {
  const sr_conv_geom* g = &d->geom;
  /* a window is empty when its row range or its column range is: one pass down a column, one along a row */
  for (int32_t oy = 0; d->kind == POOL_AVERAGE && oy < g->out_h; oy++)
    if (window_at(g, oy, 0).rows == 0) return 0;
  for (int32_t ox = 0; d->kind == POOL_AVERAGE && ox < g->out_w; ox++)
    if (window_at(g, 0, ox).cols == 0) return 0;
  pool_job j = {d, input, out};
  const size_t row_work = (size_t)g->out_w * (size_t)g->out_c * (size_t)g->filter_h * (size_t)g->filter_w;
  sr_parallel_for(node, (size_t)g->batches * (size_t)g->out_h, sr_parallel_grain(row_work), pool_rows, &j);
  return 1;
}

/* Runs the node's kernel; 0 when an average window is empty. */
static int pool_run(const sr_node* node, const pool_node* d, const void* in, void* out) {
  const sr_conv_geom* g = &d->geom;
  const int32_t lo = d->q_lo, hi = d->q_hi;
  const int avg = d->kind == POOL_AVERAGE;
  if (d->vec) return pool_run_vec(node, d, in, out);
  switch (d->type) {
    case SIGRUN_TYPE_INT8:
      return avg ? sr_qs8_average_pool2d__ref(g, in, out, lo, hi) : sr_qs8_max_pool2d__ref(g, in, out, lo, hi);
    case SIGRUN_TYPE_UINT8:
      return avg ? sr_qu8_average_pool2d__ref(g, in, out, lo, hi) : sr_qu8_max_pool2d__ref(g, in, out, lo, hi);
    case SIGRUN_TYPE_INT16:
      return avg ? sr_qs16_average_pool2d__ref(g, in, out, lo, hi) : sr_qs16_max_pool2d__ref(g, in, out, lo, hi);
    default:
      return avg ? sr_f32_average_pool2d__ref(g, in, out)
                 : d->kind == POOL_MAX ? sr_f32_max_pool2d__ref(g, in, out) : sr_f32_l2_pool2d__ref(g, in, out);
  }
}

static sigrun_status check_pool_type(sr_node* node, pool_kind kind, const sr_tensor* input) {
  const sigrun_type t = input->type;
  if (t == SIGRUN_TYPE_FLOAT32) return SIGRUN_STATUS_OK;
  if (kind != POOL_L2 && (t == SIGRUN_TYPE_INT8 || t == SIGRUN_TYPE_UINT8 || t == SIGRUN_TYPE_INT16))
    return SIGRUN_STATUS_OK;
  return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "input (tensor %d) has type %s; supported: %s", input->index,
                      sigrun_type_name(t), kind == POOL_L2 ? "float32" : "float32, int8, uint8, int16");
}

static sigrun_status pool_prepare(sr_node* node, pool_kind kind) {
  const sr_pool2d_params* p = node->params;
  sigrun_status st = sr_node_check_io(node, 1, 1, 1);
  sr_tensor* input;
  if (st || (st = sr_node_input(node, 0, &input))) return st;
  sr_tensor* output = node->outputs[0];
  if ((st = check_pool_type(node, kind, input))) return st;
  if ((st = sr_node_check_type(node, output, "output", input->type))) return st;
  char shape[128];
  if (input->rank != 4)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input (tensor %d) has shape %s, expected rank 4 (NHWC)",
                        input->index, sr_shape_str(input->dims, input->rank, shape, sizeof shape));
  pool_node* d = sr_node_alloc_data(node, sizeof *d);
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  sr_conv_geom* g = &d->geom;
  g->batches = input->dims[0];
  g->in_h = input->dims[1];
  g->in_w = input->dims[2];
  g->in_c = g->out_c = g->filter_c = input->dims[3];
  g->filter_h = p->filter_h;
  g->filter_w = p->filter_w;
  g->stride_h = p->stride_h;
  g->stride_w = p->stride_w;
  g->dilation_h = g->dilation_w = 1;
  g->groups = g->depth_multiplier = 1;
  if (!sr_conv_window(p->padding, g->in_h, g->filter_h, g->stride_h, 1, &g->out_h, &g->pad_top) ||
      !sr_conv_window(p->padding, g->in_w, g->filter_w, g->stride_w, 1, &g->out_w, &g->pad_left))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "input %dx%d with filter %dx%d, stride %dx%d and %s padding gives no valid output size",
                        g->in_h, g->in_w, g->filter_h, g->filter_w, g->stride_h, g->stride_w,
                        p->padding == SR_PADDING_SAME ? "SAME" : "VALID");
  d->kind = kind;
  d->type = input->type;
  if (input->type == SIGRUN_TYPE_FLOAT32) {
    (void)sr_activation_range_f32(p->activation, &g->act_min, &g->act_max);
    if (kind != POOL_L2) d->vec = sr_vec_pool_kernel(node->isa);
  } else if ((st = sr_quant_activation_range(node, p->activation, output, &d->q_lo, &d->q_hi))) {
    return st;
  }
  const int32_t dims[4] = {g->batches, g->out_h, g->out_w, g->out_c};
  return sr_node_resize_output(node, 0, 4, dims);
}

static sigrun_status average_prepare(sr_node* node) { return pool_prepare(node, POOL_AVERAGE); }
static sigrun_status max_prepare(sr_node* node) { return pool_prepare(node, POOL_MAX); }
static sigrun_status l2_prepare(sr_node* node) { return pool_prepare(node, POOL_L2); }

static sigrun_status pool_eval(sr_node* node) {
  const pool_node* d = node->data;
  sr_tensor* output = node->outputs[0];
  if (sr_tensor_count(output) == 0) return SIGRUN_STATUS_OK;
  if (!pool_run(node, d, node->inputs[0]->data, output->data))
    return sr_node_fail(node, SIGRUN_STATUS_RUNTIME, "a pooling window covers no input element");
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_average_pool_2d = {"AVERAGE_POOL_2D", 1, parse_pool2d, average_prepare, pool_eval};
const sr_op_kind sr_op_max_pool_2d = {"MAX_POOL_2D", 17, parse_pool2d, max_prepare, pool_eval};
const sr_op_kind sr_op_l2_pool_2d = {"L2_POOL_2D", SR_BUILTIN_L2_POOL_2D, parse_pool2d, l2_prepare, pool_eval};
