/*
 * resize.c — RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR on NHWC tensors, with the arithmetic of the kernels
 * LiteRT's builtin resolver runs (not always its reference ones):
 *   bilinear float32: exact 2x upsampling (no align_corners/half_pixel_centers) averages neighbours; otherwise
 *     each output starts at 0 and accumulates the four corners times their weights, in LiteRT's order;
 *   bilinear uint8: the same float weights summed in one expression, + 0.5 and truncated;
 *   bilinear int8/int16: LiteRT's integer kernel (10-bit fixed-point positions, 20-bit products, round half
 *     away from zero);
 *   nearest: float scale and floor/round per LiteRT's reference, except 1-byte types (uint8, int8, bool)
 *     without align_corners and half_pixel_centers, which use LiteRT's 16.16 fixed-point index (it can pick
 *     a different pixel than the float formula, e.g. 26 -> 22 columns).
 * A non-constant size tensor makes the output dynamic. Float bilinear splits its rows over threads (each output
 * computed whole by one thread: the same bits).
 */
#include "resize.h"

#include <math.h>

#include "../core/parallel.h"
#include "../format/schema_enums.h"
#include "op.h"

static const char* shape_of(const sr_tensor* t, char* buf, size_t size) {
  return sr_shape_str(t->dims, t->rank, buf, size);
}

static sigrun_status parse_flags(sr_parse_ctx* ctx, int options_type, int ac_field, const char* what,
                                 const void** out) {
  sigrun_status st = sr_parse_expect_options(ctx, options_type, 1);
  if (st) return st;
  sr_resize_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  uint8_t ac = 0, hpc = 0;
  if (ctx->options) {
    int rc = sr_fb_u8(ctx->options, ac_field, 0, &ac);
    if (!rc) rc = sr_fb_u8(ctx->options, ac_field + 1, 0, &hpc);
    if (rc) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "%s: %s", what, sr_fb_strerror(rc));
  }
  p->align_corners = ac != 0;
  p->half_pixel_centers = hpc != 0;
  *out = p;
  return SIGRUN_STATUS_OK;
}

/* ResizeBilinearOptions: new_height 0 and new_width 1 (deprecated), align_corners 2, half_pixel_centers 3. */
static sigrun_status bilinear_parse(sr_parse_ctx* ctx, const void** out) {
  return parse_flags(ctx, SR_OPTIONS_RESIZE_BILINEAR, 2, "ResizeBilinearOptions", out);
}
/* ResizeNearestNeighborOptions: align_corners 0, half_pixel_centers 1. */
static sigrun_status nearest_parse(sr_parse_ctx* ctx, const void** out) {
  return parse_flags(ctx, SR_OPTIONS_RESIZE_NEAREST_NEIGHBOR, 0, "ResizeNearestNeighborOptions", out);
}

static const sr_resize_params* params_of(const sr_node* node) {
  static const sr_resize_params none = {0, 0};
  return node->params ? node->params : &none;
}

/* Output shape from the size tensor; fails (with `fail`) on non-positive sizes or an empty input plane. */
static sigrun_status resize_output(sr_node* node, sigrun_status fail) {
  const sr_tensor *in = node->inputs[0], *size = node->inputs[1];
  const int32_t* s = size->data;
  if (s[0] <= 0 || s[1] <= 0)
    return sr_node_fail(node, fail, "input 1 (size, tensor %d) is [%d, %d]; both must be positive", size->index, s[0],
                        s[1]);
  if ((in->dims[1] == 0 || in->dims[2] == 0) && in->dims[0] > 0 && in->dims[3] > 0) {
    char a[128];
    return sr_node_fail(node, fail, "input 0 (tensor %d) of shape %s has no pixels to resize", in->index,
                        shape_of(in, a, sizeof a));
  }
  const int32_t dims[4] = {in->dims[0], s[0], s[1], in->dims[3]};
  return sr_node_resize_output(node, 0, 4, dims);
}

static sigrun_status resize_prepare(sr_node* node, unsigned types, const char* list) {
  char a[128];
  sr_tensor *in, *size;
  sigrun_status st = sr_node_check_io(node, 2, 2, 1);
  if (st || (st = sr_node_input(node, 0, &in)) || (st = sr_node_input(node, 1, &size))) return st;
  if ((unsigned)in->type >= 32 || !(types & (1u << (unsigned)in->type)))
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "input 0 (tensor %d) has type %s; supported: %s", in->index,
                        sigrun_type_name(in->type), list);
  if ((st = sr_node_check_type(node, node->outputs[0], "output 0", in->type)) ||
      (st = sr_node_check_type(node, size, "input 1 (size)", SIGRUN_TYPE_INT32)))
    return st;
  if (in->rank != 4)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 0 (tensor %d) has shape %s, expected rank 4 (NHWC)",
                        in->index, shape_of(in, a, sizeof a));
  if (size->rank != 1 || size->dims[0] != 2)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 1 (size, tensor %d) has shape %s, expected [2]",
                        size->index, shape_of(size, a, sizeof a));
  if (!sr_tensor_is_const(size)) {
    sr_node_set_output_dynamic(node, 0);
    return SIGRUN_STATUS_OK;
  }
  return resize_output(node, SIGRUN_STATUS_BAD_MODEL);
}

/* ---- bilinear ---- */

static float axis_scale(int32_t in, int32_t out, int align_corners) {
  if (align_corners && out > 1) return (float)(in - 1) / (float)(out - 1);
  return (float)in / (float)out;
}

/* LiteRT's ComputeInterpolationValues: source position and its clamped lower/upper neighbours. */
static void interp(int v, float scale, int hpc, int32_t size, float* pos, int32_t* lo, int32_t* hi) {
  float s = hpc ? ((float)v + 0.5f) * scale - 0.5f : (float)v * scale;
  int32_t l = (int32_t)floorf(s), h = (int32_t)ceilf(s);
  *pos = s;
  *lo = l > 0 ? l : 0;
  *hi = h < size - 1 ? h : size - 1;
}

#define AT(b, y, x) ((((size_t)(b) * (size_t)ih + (size_t)(y)) * (size_t)iw + (size_t)(x)) * (size_t)c_n)

/* Input rows [r0, r1) (over batches: row r is row r % ih of image r / ih) of an exact 2x upsampling: output rows
 * 2y and 2y + 1 of each. */
static void f32_upsample2x(const float* in, const int32_t* d, float* out, size_t r0, size_t r1) {
  const int32_t ih = d[1], iw = d[2], c_n = d[3];
  const size_t orow = (size_t)(2 * iw) * (size_t)c_n;
  for (size_t r = r0; r < r1; r++) {
    const int32_t b = (int32_t)(r / (size_t)ih), y0 = (int32_t)(r % (size_t)ih);
    for (int32_t x0 = 0; x0 < iw; x0++) {
      const int32_t y1 = y0 + 1 < ih ? y0 + 1 : ih - 1, x1 = x0 + 1 < iw ? x0 + 1 : iw - 1;
      float* o = out + ((size_t)b * (size_t)(2 * ih) + (size_t)(2 * y0)) * orow + (size_t)(2 * x0) * (size_t)c_n;
      for (int32_t c = 0; c < c_n; c++) {
        const float v00 = in[AT(b, y0, x0) + c], v01 = in[AT(b, y0, x1) + c];
        const float v10 = in[AT(b, y1, x0) + c], v11 = in[AT(b, y1, x1) + c];
        const float left = (v00 + v10) / 2;
        o[c] = v00;
        o[c_n + c] = (v00 + v01) / 2;
        o[orow + c] = left;
        o[orow + c_n + c] = (left + (v01 + v11) / 2) / 2;
      }
    }
  }
}

static int f32_is_upsample2x(const int32_t* d, int oh, int ow, const sr_resize_params* p) {
  return !p->align_corners && !p->half_pixel_centers && oh == 2 * d[1] && ow == 2 * d[2];
}

/* Output rows [r0, r1) (over batches) of the general float kernel. */
static void f32_bilinear_rows(const float* in, const int32_t* d, int oh, int ow, const sr_resize_params* p,
                              float* out, size_t r0, size_t r1) {
  const int32_t ih = d[1], iw = d[2], c_n = d[3];
  const float hs = axis_scale(ih, oh, p->align_corners), ws = axis_scale(iw, ow, p->align_corners);
  out += r0 * (size_t)ow * (size_t)c_n;
  for (size_t r = r0; r < r1; r++) {
    const int32_t b = (int32_t)(r / (size_t)oh);
    const int y = (int)(r % (size_t)oh);
    float fy;
    int32_t y0, y1;
    interp(y, hs, p->half_pixel_centers, ih, &fy, &y0, &y1);
    for (int x = 0; x < ow; x++, out += c_n) {
      float fx;
      int32_t x0, x1;
      interp(x, ws, p->half_pixel_centers, iw, &fx, &x0, &x1);
      const float dy = fy - (float)y0, dx = fx - (float)x0;
      const float w[4] = {(1 - dy) * (1 - dx), (1 - dy) * dx, dy * (1 - dx), dy * dx};
      const float* src[4] = {in + AT(b, y0, x0), in + AT(b, y0, x1), in + AT(b, y1, x0), in + AT(b, y1, x1)};
      for (int32_t c = 0; c < c_n; c++) out[c] = 0.0f;
      for (int k = 0; k < 4; k++)
        for (int32_t c = 0; c < c_n; c++) out[c] += src[k][c] * w[k];
    }
  }
}

/* Rows of the float kernel: input rows of a 2x upsampling, else output rows. */
static size_t f32_rows(const int32_t* d, int oh, int ow, const sr_resize_params* p) {
  return (size_t)d[0] * (size_t)(f32_is_upsample2x(d, oh, ow, p) ? d[1] : oh);
}

static void f32_bilinear_range(const float* in, const int32_t* d, int oh, int ow, const sr_resize_params* p,
                               float* out, size_t r0, size_t r1) {
  if (f32_is_upsample2x(d, oh, ow, p)) f32_upsample2x(in, d, out, r0, r1);
  else f32_bilinear_rows(in, d, oh, ow, p, out, r0, r1);
}

void sr_f32_resize_bilinear__ref(const float* in, const int32_t* d, int oh, int ow, const sr_resize_params* p,
                                 float* out) {
  f32_bilinear_range(in, d, oh, ow, p, out, 0, f32_rows(d, oh, ow, p));
}

typedef struct f32_bilinear_job {
  const float* in;
  const int32_t* d;
  int oh, ow;
  const sr_resize_params* p;
  float* out;
} f32_bilinear_job;

static void f32_bilinear_items(void* ctx, size_t begin, size_t end) {
  const f32_bilinear_job* j = ctx;
  f32_bilinear_range(j->in, j->d, j->oh, j->ow, j->p, j->out, begin, end);
}

/* sr_f32_resize_bilinear__ref with its rows split over the node's threads: each output is computed whole by one
 * thread, so the same bits. */
static void f32_bilinear_run(const sr_node* node, const float* in, const int32_t* d, int oh, int ow,
                             const sr_resize_params* p, float* out) {
  f32_bilinear_job j = {in, d, oh, ow, p, out};
  const size_t row_outputs = (size_t)ow * (size_t)d[3] * (f32_is_upsample2x(d, oh, ow, p) ? 2 : 1);
  /* an output: four multiply-adds */
  sr_parallel_for(node, f32_rows(d, oh, ow, p), sr_parallel_grain(4 * row_outputs), f32_bilinear_items, &j);
}

void sr_u8_resize_bilinear__ref(const uint8_t* in, const int32_t* d, int oh, int ow, const sr_resize_params* p,
                                uint8_t* out) {
  const int32_t b_n = d[0], ih = d[1], iw = d[2], c_n = d[3];
  const float hs = axis_scale(ih, oh, p->align_corners), ws = axis_scale(iw, ow, p->align_corners);
  for (int32_t b = 0; b < b_n; b++)
    for (int y = 0; y < oh; y++) {
      float fy;
      int32_t y0, y1;
      interp(y, hs, p->half_pixel_centers, ih, &fy, &y0, &y1);
      for (int x = 0; x < ow; x++, out += c_n) {
        float fx;
        int32_t x0, x1;
        interp(x, ws, p->half_pixel_centers, iw, &fx, &x0, &x1);
        const float dy = fy - (float)y0, dx = fx - (float)x0;
        const float w0 = (1 - dy) * (1 - dx), w1 = (1 - dy) * dx, w2 = dy * (1 - dx), w3 = dy * dx;
        const uint8_t *s0 = in + AT(b, y0, x0), *s1 = in + AT(b, y0, x1), *s2 = in + AT(b, y1, x0),
                      *s3 = in + AT(b, y1, x1);
        for (int32_t c = 0; c < c_n; c++) {
          float v = (float)s0[c] * w0 + (float)s1[c] * w1 + (float)s2[c] * w2 + (float)s3[c] * w3 + 0.5f;
          out[c] = v <= 0.0f ? 0 : v >= 255.0f ? 255 : (uint8_t)v; /* truncation, as LiteRT's cast */
        }
      }
    }
}

/* LiteRT's ComputeInterpolationValuesInteger: positions in 1/1024 pixel. */
static void interp10(int64_t v, int64_t scale10, int hpc, int32_t size, int64_t* pos, int64_t* lo, int64_t* hi) {
  int64_t s = hpc ? v * scale10 + scale10 / 2 - (1 << 9) : v * scale10;
  int64_t l = s / 1024, h = (s + 1023) / 1024;
  *pos = s;
  *lo = l > 0 ? l : 0;
  *hi = h < size - 1 ? h : size - 1;
}

static int64_t scale10(int32_t in, int32_t out, int align_corners) {
  if (align_corners && out > 1) return ((int64_t)1024 * (in - 1) + (out - 1) / 2) / (out - 1);
  return ((int64_t)1024 * in + out / 2) / out;
}

#define SR_RESIZE_BILINEAR_INT(NAME, T, LO, HI)                                                                   \
  void NAME(const T* in, const int32_t* d, int oh, int ow, const sr_resize_params* p, T* out) {                  \
    const int32_t b_n = d[0], ih = d[1], iw = d[2], c_n = d[3];                                                   \
    const int64_t hs = scale10(ih, oh, p->align_corners), ws = scale10(iw, ow, p->align_corners);                 \
    for (int32_t b = 0; b < b_n; b++)                                                                             \
      for (int y = 0; y < oh; y++) {                                                                              \
        int64_t fy, y0, y1;                                                                                       \
        interp10(y, hs, p->half_pixel_centers, ih, &fy, &y0, &y1);                                                \
        for (int x = 0; x < ow; x++, out += c_n) {                                                                \
          int64_t fx, x0, x1;                                                                                     \
          interp10(x, ws, p->half_pixel_centers, iw, &fx, &x0, &x1);                                              \
          const int64_t dy = fy - 1024 * y0, dx = fx - 1024 * x0;                                                 \
          const T *s0 = in + AT(b, y0, x0), *s1 = in + AT(b, y1, x0), *s2 = in + AT(b, y0, x1),                   \
                  *s3 = in + AT(b, y1, x1);                                                                       \
          for (int32_t c = 0; c < c_n; c++) {                                                                     \
            const int64_t v = (int64_t)s0[c] * (1024 - dy) * (1024 - dx) + (int64_t)s1[c] * dy * (1024 - dx) +  \
                              (int64_t)s2[c] * (1024 - dy) * dx + (int64_t)s3[c] * dy * dx;                       \
            const int64_t r = (v + (v > 0 ? (1 << 19) : -(1 << 19))) / (1 << 20);                                 \
            out[c] = (T)(r < LO ? LO : r > HI ? HI : r);                                                          \
          }                                                                                                       \
        }                                                                                                         \
      }                                                                                                           \
  }

SR_RESIZE_BILINEAR_INT(sr_i8_resize_bilinear__ref, int8_t, INT8_MIN, INT8_MAX)
SR_RESIZE_BILINEAR_INT(sr_i16_resize_bilinear__ref, int16_t, INT16_MIN, INT16_MAX)

#define BIT(t) (1u << (unsigned)(SIGRUN_TYPE_##t))

static sigrun_status bilinear_prepare(sr_node* node) {
  const sr_resize_params* p = params_of(node);
  if (p->align_corners && p->half_pixel_centers)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "half_pixel_centers requires align_corners to be false");
  return resize_prepare(node, BIT(FLOAT32) | BIT(UINT8) | BIT(INT8) | BIT(INT16), "float32, uint8, int8, int16");
}

static sigrun_status bilinear_eval(sr_node* node) {
  const sr_tensor* in = node->inputs[0];
  sr_tensor* out = node->outputs[0];
  if (!sr_tensor_is_const(node->inputs[1])) {
    sigrun_status st = resize_output(node, SIGRUN_STATUS_RUNTIME);
    if (st) return st;
  }
  if (sr_tensor_count(out) == 0) return SIGRUN_STATUS_OK;
  const sr_resize_params* p = params_of(node);
  const int oh = out->dims[1], ow = out->dims[2];
  switch (in->type) {
    case SIGRUN_TYPE_FLOAT32: f32_bilinear_run(node, in->data, in->dims, oh, ow, p, out->data); break;
    case SIGRUN_TYPE_UINT8: sr_u8_resize_bilinear__ref(in->data, in->dims, oh, ow, p, out->data); break;
    case SIGRUN_TYPE_INT8: sr_i8_resize_bilinear__ref(in->data, in->dims, oh, ow, p, out->data); break;
    default: sr_i16_resize_bilinear__ref(in->data, in->dims, oh, ow, p, out->data); break;
  }
  return SIGRUN_STATUS_OK;
}

/* ---- nearest neighbour ---- */

/* LiteRT's GetNearestNeighbor (float scale) or its uint8/int8 fast path (16.16 fixed point, +1 bias). */
static int32_t nearest_index(int v, int32_t in, int32_t out, const sr_resize_params* p, int fixed_point) {
  int64_t r;
  if (fixed_point) {
    const int64_t scale = ((int64_t)in * 65536) / out + 1;
    r = ((int64_t)v * scale) >> 16;
  } else {
    const float f = ((float)v + (p->half_pixel_centers ? 0.5f : 0.0f)) * axis_scale(in, out, p->align_corners);
    r = (int64_t)(p->align_corners ? roundf(f) : floorf(f));
  }
  if (r > in - 1) r = in - 1;
  if (r < 0) r = 0; /* LiteRT clamps only with half_pixel_centers; without, r cannot be negative */
  return (int32_t)r;
}

void sr_bytes_resize_nearest__ref(size_t esz, const uint8_t* in, const int32_t* d, int oh, int ow,
                                  const sr_resize_params* p, int fixed_point, uint8_t* out) {
  const int32_t b_n = d[0], ih = d[1], iw = d[2];
  const size_t run = (size_t)d[3] * esz;
  for (int32_t b = 0; b < b_n; b++)
    for (int y = 0; y < oh; y++) {
      const int32_t sy = nearest_index(y, ih, oh, p, fixed_point);
      const uint8_t* row = in + ((size_t)b * (size_t)ih + (size_t)sy) * (size_t)iw * run;
      for (int x = 0; x < ow; x++, out += run) memcpy(out, row + (size_t)nearest_index(x, iw, ow, p, fixed_point) * run, run);
    }
}

static sigrun_status nearest_prepare(sr_node* node) {
  return resize_prepare(node, BIT(FLOAT32) | BIT(UINT8) | BIT(INT8) | BIT(INT16) | BIT(INT32) | BIT(BOOL),
                        "float32, uint8, int8, int16, int32, bool");
}

static sigrun_status nearest_eval(sr_node* node) {
  const sr_tensor* in = node->inputs[0];
  sr_tensor* out = node->outputs[0];
  if (!sr_tensor_is_const(node->inputs[1])) {
    sigrun_status st = resize_output(node, SIGRUN_STATUS_RUNTIME);
    if (st) return st;
  }
  if (sr_tensor_count(out) == 0) return SIGRUN_STATUS_OK;
  const sr_resize_params* p = params_of(node);
  /* LiteRT runs its 1-byte fast path for bool too. */
  const int fixed = sigrun_type_size(in->type) == 1 && !p->align_corners && !p->half_pixel_centers;
  sr_bytes_resize_nearest__ref(sigrun_type_size(in->type), in->data, in->dims, out->dims[1], out->dims[2], p, fixed,
                               out->data);
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_resize_bilinear = {"RESIZE_BILINEAR", SR_BUILTIN_RESIZE_BILINEAR, bilinear_parse,
                                          bilinear_prepare, bilinear_eval};
const sr_op_kind sr_op_resize_nearest_neighbor = {"RESIZE_NEAREST_NEIGHBOR", SR_BUILTIN_RESIZE_NEAREST_NEIGHBOR,
                                                  nearest_parse, nearest_prepare, nearest_eval};
