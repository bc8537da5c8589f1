/*
 * softmax.c — SOFTMAX (beta; float32, int8->int8, uint8->uint8, int8/uint8->int16, int16->int16) and
 * LOG_SOFTMAX (float32, int8, uint8), always over the last axis. Float subtracts the row maximum, then
 * (SOFTMAX) scales by beta and multiplies by the reciprocal of the sum as LiteRT's optimized kernel does; a
 * negative beta can still overflow, exactly as in LiteRT. 8-bit inputs follow LiteRT's optimized kernels:
 * a 256-entry float table of exp(-scale * beta * k) built in prepare, a float sum per row, and float
 * rescaling (uint8 outputs truncate p + 0.5 and ignore the zero point, as LiteRT's x86 build does). int16
 * uses LiteRT's reference: 513-entry exp and 1/(1+x) tables with fixed-point normalisation.
 */
#include <math.h>

#include "lut.h"
#include "op.h"
#include "quant.h"
#include "softmax.h"
#include "vec_f32.h"
#include "../core/parallel.h"
#include "../format/schema_enums.h"

typedef struct softmax_data {
  sigrun_type in_type, out_type;
  int log;                 /* LOG_SOFTMAX */
  size_t rows, depth;
  float beta;
  float in_scale, out_scale;
  int32_t out_zp, qmin, qmax;
  sr_qmul in_mult;         /* int16: input difference to the exp table's domain */
  /* Quantized nodes only, in trailing memory, so float nodes of every runner stay small. */
  float* table;            /* 8-bit: table[255 - k] = exp(-in_scale * beta * k); 256 entries */
  int16_t* exp_lut;        /* int16: 513 entries each */
  int16_t* recip_lut;
  sr_vec_softmax_fn vec; /* float SOFTMAX with beta > 0: vector kernel for this CPU, or NULL */
} softmax_data;

enum { SOFTMAX_TABLE_BYTES = 256 * sizeof(float) + 2 * 513 * sizeof(int16_t) };

/* ---- float kernels ---- */

/* Rows of `depth` contiguous values. Safe in place (y == x): each x[i] is read before y[i] is written. */
static void sr_f32_softmax__ref(const float* x, float* y, size_t rows, size_t depth, float beta) {
  for (size_t r = 0; r < rows; r++, x += depth, y += depth) {
    float max = x[0];
    for (size_t i = 1; i < depth; i++) max = x[i] > max ? x[i] : max;
    float sum = 0.0f;
    for (size_t i = 0; i < depth; i++) {
      y[i] = expf((x[i] - max) * beta);
      sum += y[i];
    }
    const float inv = 1.0f / sum;
    for (size_t i = 0; i < depth; i++) y[i] *= inv;
  }
}

static void sr_f32_log_softmax__ref(const float* x, float* y, size_t rows, size_t depth) {
  for (size_t r = 0; r < rows; r++, x += depth, y += depth) {
    float max = x[0];
    for (size_t i = 1; i < depth; i++) max = x[i] > max ? x[i] : max;
    float sum = 0.0f;
    for (size_t i = 0; i < depth; i++) sum += expf(x[i] - max);
    const float log_sum = logf(sum);
    for (size_t i = 0; i < depth; i++) y[i] = x[i] - max - log_sum;
  }
}

/* ---- 8-bit kernels (LiteRT's optimized float-table method) ---- */

static int32_t load8(const void* x, sigrun_type t, size_t i) {
  return t == SIGRUN_TYPE_INT8 ? ((const int8_t*)x)[i] : ((const uint8_t*)x)[i];
}

static void store_out(void* y, sigrun_type t, size_t i, int32_t v) {
  switch (t) {
    case SIGRUN_TYPE_INT8: ((int8_t*)y)[i] = (int8_t)v; break;
    case SIGRUN_TYPE_UINT8: ((uint8_t*)y)[i] = (uint8_t)v; break;
    default: ((int16_t*)y)[i] = (int16_t)v; break;
  }
}

static int32_t row_max8(const softmax_data* d, const void* x, size_t base) {
  int32_t max = d->in_type == SIGRUN_TYPE_INT8 ? INT8_MIN : 0;
  for (size_t j = 0; j < d->depth; j++) {
    int32_t v = load8(x, d->in_type, base + j);
    max = v > max ? v : max;
  }
  return max;
}

static void sr_q8_softmax__ref(const softmax_data* d, const void* x, void* y) {
  for (size_t r = 0; r < d->rows; r++) {
    const size_t base = r * d->depth;
    /* table + 255 - max indexed by x gives exp(in_scale * beta * (x - max)) */
    const float* t = d->table + 255 - row_max8(d, x, base);
    float sum = 0.0f;
    for (size_t j = 0; j < d->depth; j++) sum += t[load8(x, d->in_type, base + j)];
    const float inv = 1.0f / (sum * d->out_scale);
    for (size_t j = 0; j < d->depth; j++) {
      const float p = t[load8(x, d->in_type, base + j)] * inv;
      int64_t q = d->out_type == SIGRUN_TYPE_UINT8 ? (int64_t)sr_f32_to_i32_sat(p + 0.5f)
                                                   : (int64_t)sr_f32_to_i32_sat(roundf(p)) + d->out_zp;
      store_out(y, d->out_type, base + j, q < d->qmin ? d->qmin : q > d->qmax ? d->qmax : (int32_t)q);
    }
  }
}

static void sr_q8_log_softmax__ref(const softmax_data* d, const void* x, void* y) {
  const float scale = d->in_scale / d->out_scale;
  for (size_t r = 0; r < d->rows; r++) {
    const size_t base = r * d->depth;
    const int32_t max = row_max8(d, x, base);
    const float* t = d->table + 255 - max;
    float sum = 0.0f;
    for (size_t j = 0; j < d->depth; j++) sum += t[load8(x, d->in_type, base + j)];
    const float precomputed = (d->in_scale * (float)max + logf(sum)) / d->out_scale;
    for (size_t j = 0; j < d->depth; j++) {
      const float lp = scale * (float)load8(x, d->in_type, base + j) - precomputed;
      int32_t q = sr_f32_to_i32_sat(rintf(lp) + (float)d->out_zp);
      store_out(y, d->out_type, base + j, q < d->qmin ? d->qmin : q > d->qmax ? d->qmax : q);
    }
  }
}

/* ---- int16 kernel (LiteRT's reference SoftmaxInt16) ---- */

static void sr_i16_softmax__ref(const softmax_data* d, const int16_t* x, int16_t* y) {
  for (size_t r = 0; r < d->rows; r++) {
    const int16_t* xr = x + r * d->depth;
    int16_t* yr = y + r * d->depth;
    int16_t max = INT16_MIN;
    for (size_t c = 0; c < d->depth; c++) max = xr[c] > max ? xr[c] : max;
    /* exp(x - max) in Q0.15 into the output row (read-before-write keeps it safe in place) */
    int64_t sum = 0;
    for (size_t c = 0; c < d->depth; c++) {
      int32_t scaled = sr_quant_mul(xr[c] - max, d->in_mult) + 32767;
      int16_t sym = (int16_t)(scaled < -32768 ? -32768 : scaled > 32767 ? 32767 : scaled);
      yr[c] = sr_lut16_lookup(sym, d->exp_lut);
      sum += yr[c];
    }
    const int32_t sum32 = sum > INT32_MAX ? INT32_MAX : (int32_t)sum; /* LiteRT sums in int32 */
    if (sum32 <= 0) continue; /* unreachable: the maximum contributes exp(0) */
    const int headroom = __builtin_clz((uint32_t)sum32);
    const int32_t shifted = (int32_t)((((int64_t)sum32 << (headroom - 1)) + (1 << 13)) >> 14);
    int32_t sym = shifted - ((1 << 15) + (1 << 16));
    const int16_t recip = sr_lut16_lookup((int16_t)(sym < -32768 ? -32768 : sym > 32767 ? 32767 : sym), d->recip_lut);
    const int right = 31 - headroom;
    for (size_t c = 0; c < d->depth; c++) {
      int64_t v = (int64_t)yr[c] * recip;
      int32_t res = (int32_t)(right > 0 ? (v + ((int64_t)1 << (right - 1))) >> right : v);
      yr[c] = (int16_t)(res < 0 ? 0 : res > 32767 ? 32767 : res);
    }
  }
}

/* ---- parse ---- */

/* SoftmaxOptions: beta is field 0 (float, default 0.0). */
static sigrun_status parse_softmax(sr_parse_ctx* ctx, const void** out_params) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_SOFTMAX, 1);
  if (st) return st;
  sr_softmax_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  p->beta = 0.0f;
  if (ctx->options) {
    int rc = sr_fb_f32(ctx->options, 0, 0.0f, &p->beta);
    if (rc != SR_FB_OK) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "option beta: %s", sr_fb_strerror(rc));
  }
  *out_params = p;
  return SIGRUN_STATUS_OK;
}

/* ---- prepare ---- */

static double f64_exp(double v) { return exp(v); }
static double f64_recip(double v) { return 1.0 / (1.0 + v); }

static int valid_pair(int log, sigrun_type in, sigrun_type out) {
  if (in == SIGRUN_TYPE_FLOAT32 || (log && in != SIGRUN_TYPE_INT16)) return out == in;
  if (in == SIGRUN_TYPE_INT16) return !log && out == in;
  return out == in || out == SIGRUN_TYPE_INT16;
}

static sigrun_status check_output_params(sr_node* node, const softmax_data* d, int32_t zp) {
  const float s = d->out_scale;
  if (d->log) {
    const int32_t want = d->in_type == SIGRUN_TYPE_INT8 ? 127 : 255;
    if ((double)s != 16.0 / 256 || zp != want)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "LOG_SOFTMAX output must have scale 1/16 and zero point %d, has %g and %d",
                          (int)want, (double)s, (int)zp);
  } else if (d->in_type == SIGRUN_TYPE_INT8 && d->out_type == SIGRUN_TYPE_INT8) {
    if (zp != -128 || fabsf(s - 1.0f / 256) > 0.001f / 256)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "int8 SOFTMAX output must have scale 1/256 and zero point -128, has %g and %d",
                          (double)s, (int)zp);
  } else if (d->in_type == SIGRUN_TYPE_INT16) {
    if (zp != 0 || fabsf(s - 1.0f / 32768) > 0.001f / 32768)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "int16 SOFTMAX output must have scale 1/32768 and zero point 0, has %g and %d",
                          (double)s, (int)zp);
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status prepare_quantized(sr_node* node, softmax_data* d, const sr_tensor* x, const sr_tensor* y) {
  int32_t in_zp;
  sigrun_status st = sr_quant_params(node, x, "input 0", &d->in_scale, &in_zp);
  if (st || (st = sr_quant_params(node, y, "output 0", &d->out_scale, &d->out_zp))) return st;
  sr_quant_type_range(d->out_type, &d->qmin, &d->qmax);
  if ((st = check_output_params(node, d, d->out_zp))) return st;
  if (d->in_type != SIGRUN_TYPE_INT16) {
    const float scale = -d->in_scale * (d->log ? 1.0f : d->beta);
    for (int k = 0; k <= 255; k++) d->table[255 - k] = expf(scale * (float)k);
    return SIGRUN_STATUS_OK;
  }
  if (in_zp != 0) return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "int16 input zero point %d must be 0", (int)in_zp);
  const double range = 65535.0;
  sr_lut16_populate_f64(10.0 / range, INT16_MAX, 2.0 / range, 0, f64_exp, d->exp_lut);
  sr_lut16_populate_f64(1.0 / range, INT16_MIN, 2.0 / range, 0, f64_recip, d->recip_lut);
  /* maps input differences so that [-65535, 0] covers exp's [-10, 0] */
  d->in_mult = sr_quant_multiplier((double)(d->in_scale * d->beta) / (10.0 / 65535.0));
  return SIGRUN_STATUS_OK;
}

static sigrun_status prepare_any(sr_node* node, int log) {
  sr_tensor* x;
  sigrun_status st = sr_node_check_io(node, 1, 1, 1);
  if (st || (st = sr_node_input(node, 0, &x))) return st;
  sr_tensor* y = node->outputs[0];
  const int in_ok = x->type == SIGRUN_TYPE_FLOAT32 || x->type == SIGRUN_TYPE_INT8 || x->type == SIGRUN_TYPE_UINT8 ||
                    (!log && x->type == SIGRUN_TYPE_INT16);
  if (!in_ok)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "input type %s (tensor %d) is not supported; supported: %s",
                        sigrun_type_name(x->type), x->index,
                        log ? "float32, int8, uint8" : "float32, int8, uint8, int16");
  if (!valid_pair(log, x->type, y->type))
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "output 0 (tensor %d) has type %s, which is not supported for a %s input",
                        y->index, sigrun_type_name(y->type), sigrun_type_name(x->type));
  if (x->rank < 1)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 0 (tensor %d) has rank 0; expected rank >= 1", x->index);
  if ((st = sr_node_resize_output(node, 0, x->rank, x->dims))) return st;
  const int quantized = x->type != SIGRUN_TYPE_FLOAT32;
  softmax_data* d = sr_node_alloc_data(node, sizeof *d + (quantized ? SOFTMAX_TABLE_BYTES : 0));
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  if (quantized) {
    d->table = (float*)(d + 1);
    d->exp_lut = (int16_t*)(d->table + 256);
    d->recip_lut = d->exp_lut + 513;
  }
  d->in_type = x->type;
  d->out_type = y->type;
  d->log = log;
  d->depth = (size_t)x->dims[x->rank - 1];
  d->rows = d->depth ? sr_tensor_count(x) / d->depth : 0;
  const sr_softmax_params* p = log ? NULL : node->params;
  d->beta = p ? p->beta : 0.0f;
  if (x->type == SIGRUN_TYPE_FLOAT32 && !log && d->beta > 0.0f && isfinite(d->beta))
    d->vec = sr_vec_softmax_kernel(node->isa);
  return x->type == SIGRUN_TYPE_FLOAT32 ? SIGRUN_STATUS_OK : prepare_quantized(node, d, x, y);
}

static sigrun_status prepare_softmax(sr_node* node) { return prepare_any(node, 0); }
static sigrun_status prepare_log_softmax(sr_node* node) { return prepare_any(node, 1); }

/* ---- eval ---- */

typedef struct softmax_job {
  const softmax_data* d;
  const float* x;
  float* y;
} softmax_job;

static void softmax_rows(void* ctx, size_t begin, size_t end) {
  const softmax_job* j = ctx;
  const size_t depth = j->d->depth;
  j->d->vec(j->x + begin * depth, j->y + begin * depth, end - begin, depth, j->d->beta);
}

/* The vector kernel over the node's threads, rows grouped to about 4096 values per item. */
static void softmax_vec(const sr_node* node, const softmax_data* d, const float* x, float* y) {
  softmax_job j = {d, x, y};
  sr_parallel_for(node, d->rows, d->depth >= 4096 ? 1 : 4096 / d->depth, softmax_rows, &j);
}

static sigrun_status eval_softmax(sr_node* node) {
  const softmax_data* d = node->data;
  const void* x = node->inputs[0]->data;
  void* y = node->outputs[0]->data;
  if (!d->rows || !d->depth) return SIGRUN_STATUS_OK;
  switch (d->in_type) {
    case SIGRUN_TYPE_FLOAT32:
      if (d->log)
        sr_f32_log_softmax__ref(x, y, d->rows, d->depth);
      else if (d->vec)
        softmax_vec(node, d, x, y);
      else
        sr_f32_softmax__ref(x, y, d->rows, d->depth, d->beta);
      break;
    case SIGRUN_TYPE_INT16: sr_i16_softmax__ref(d, x, y); break;
    default:
      if (d->log)
        sr_q8_log_softmax__ref(d, x, y);
      else
        sr_q8_softmax__ref(d, x, y);
      break;
  }
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_softmax = {"SOFTMAX", SR_BUILTIN_SOFTMAX, parse_softmax, prepare_softmax, eval_softmax};
const sr_op_kind sr_op_log_softmax = {"LOG_SOFTMAX", SR_BUILTIN_LOG_SOFTMAX, NULL, prepare_log_softmax, eval_softmax};
