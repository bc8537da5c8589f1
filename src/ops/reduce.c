/*
 * reduce.c — MEAN, SUM, REDUCE_MAX/MIN/PROD/ANY/ALL over the axes listed in input 1 (int32 or int64;
 * negative and repeated axes allowed) with ReducerOptions.keep_dims, and SEGMENT_SUM. Each output element
 * combines its inputs in row-major order, starting from the first element, like LiteRT's optimized reduce
 * kernels; quantized MEAN/SUM/PROD follow LiteRT 2.3's arithmetic (see quant_setup). A scalar input ignores
 * the axes. A non-constant axis tensor makes the output dynamic.
 */
#include "reduce.h"

#include <float.h>
#include <math.h>

#include "../format/schema_enums.h"
#include "layout.h"
#include "reduce_fast.h"

/* ---- walking the input ---- */

/* Splits the input dimensions into kept and reduced ones for an output-major walk. */
typedef struct reduce_walk {
  int nk, nr;
  int32_t kdims[SR_MAX_RANK], rdims[SR_MAX_RANK];
  int64_t kstr[SR_MAX_RANK], rstr[SR_MAX_RANK];
  size_t out_count, red_count;
} reduce_walk;

static void walk_init(reduce_walk* w, const int32_t* dims, int rank, uint32_t mask) {
  int64_t strides[SR_MAX_RANK];
  sr_layout_strides(dims, rank, strides);
  w->nk = w->nr = 0;
  w->out_count = w->red_count = 1;
  for (int d = 0; d < rank; d++) {
    if (mask & (1u << d)) {
      w->rdims[w->nr] = dims[d];
      w->rstr[w->nr++] = strides[d];
      w->red_count *= (size_t)dims[d];
    } else {
      w->kdims[w->nk] = dims[d];
      w->kstr[w->nk++] = strides[d];
      w->out_count *= (size_t)dims[d];
    }
  }
}

/* Advances an odometer over dims and returns the updated element offset. */
static int64_t walk_next(int n, const int32_t* dims, const int64_t* strides, int32_t* k, int64_t off) {
  for (int d = n - 1; d >= 0; d--) {
    off += strides[d];
    if (++k[d] < dims[d]) return off;
    off -= strides[d] * dims[d];
    k[d] = 0;
  }
  return off;
}

/* Integer results are computed modulo 2^n in unsigned types; these convert back without relying on
 * implementation-defined conversions. */
static int32_t to_i32(uint32_t v) { return v <= INT32_MAX ? (int32_t)v : (int32_t)(v - 0x80000000u) + INT32_MIN; }
static int64_t to_i64(uint64_t v) {
  return v <= INT64_MAX ? (int64_t)v : (int64_t)(v - 0x8000000000000000u) + INT64_MIN;
}
static int32_t clamp32(int64_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : (int32_t)v; }
/* C++'s float -> int32 cast as x86 executes it: out-of-range values (UB in C) become INT32_MIN. */
static int32_t f32_to_i32(float v) { return v >= -2147483648.0f && v < 2147483648.0f ? (int32_t)v : INT32_MIN; }

/* One output element = FINISH(NEXT(...NEXT(FIRST(x0), x1)..., xn-1)); EMPTY when nothing is reduced. */
#define SR_REDUCE_KERNEL(NAME, T, ACC, FIRST, NEXT, FINISH, EMPTY)                                  \
  SR_REDUCE_DECL(NAME) {                                                                            \
    const T* x = in;                                                                                \
    T* y = out;                                                                                     \
    (void)q;                                                                                        \
    reduce_walk w;                                                                                  \
    walk_init(&w, dims, rank, mask);                                                                \
    int32_t ko[SR_MAX_RANK] = {0};                                                                  \
    int64_t base = 0;                                                                               \
    for (size_t o = 0; o < w.out_count; o++) {                                                      \
      if (w.red_count == 0) {                                                                       \
        y[o] = EMPTY;                                                                               \
        continue;                                                                                   \
      }                                                                                             \
      int32_t kr[SR_MAX_RANK] = {0};                                                                \
      int64_t off = base;                                                                           \
      ACC acc = FIRST(x[off]);                                                                      \
      for (size_t r = 1; r < w.red_count; r++) {                                                    \
        off = walk_next(w.nr, w.rdims, w.rstr, kr, off);                                            \
        acc = NEXT(acc, x[off]);                                                                    \
      }                                                                                             \
      y[o] = FINISH(acc);                                                                           \
      base = walk_next(w.nk, w.kdims, w.kstr, ko, base);                                            \
    }                                                                                               \
  }

#define SR_ID(a) (a)
#define SR_ADD(a, x) ((a) + (x))
#define SR_MAXOP(a, x) ((a) > (x) ? (a) : (x))
#define SR_MINOP(a, x) ((a) < (x) ? (a) : (x))
#define SR_MUL(a, x) ((a) * (x))
#define SR_U32(x) ((uint32_t)(int32_t)(x))
#define SR_U64(x) ((uint64_t)(x))
#define SR_ADD_U32(a, x) ((a) + SR_U32(x))
#define SR_ADD_U64(a, x) ((a) + SR_U64(x))
#define SR_MUL_U32(a, x) ((a) * SR_U32(x))
#define SR_MUL_U64(a, x) ((a) * SR_U64(x))
#define SR_I8(a) ((int8_t)((int32_t)((a) & 0xFFu) - ((a) & 0x80u ? 256 : 0)))
#define SR_I16(a) ((int16_t)((int32_t)((a) & 0xFFFFu) - ((a) & 0x8000u ? 65536 : 0)))
#define SR_U8(a) ((uint8_t)((a) & 0xFFu))
#define SR_BOOL(x) ((x) != 0)
#define SR_OR(a, x) ((a) || (x) != 0)
#define SR_AND(a, x) ((a) && (x) != 0)

/* 0/0 gives the NaN LiteRT writes for an empty float mean. */
#define SR_F32_MEAN(a) ((a) / (float)w.red_count)
#define SR_I32_MEAN(a) ((int32_t)((a) / (int64_t)w.red_count))
#define SR_I64_MEAN(a) (to_i64(a) / (int64_t)w.red_count)
SR_REDUCE_KERNEL(sr_f32_mean__ref, float, float, SR_ID, SR_ADD, SR_F32_MEAN, NAN)
SR_REDUCE_KERNEL(sr_i32_mean__ref, int32_t, int64_t, (int64_t), SR_ADD, SR_I32_MEAN, 0)
SR_REDUCE_KERNEL(sr_i64_mean__ref, int64_t, uint64_t, SR_U64, SR_ADD_U64, SR_I64_MEAN, 0)

SR_REDUCE_KERNEL(sr_f32_sum__ref, float, float, SR_ID, SR_ADD, SR_ID, 0.0f)
SR_REDUCE_KERNEL(sr_i32_sum__ref, int32_t, uint32_t, SR_U32, SR_ADD_U32, to_i32, 0)
SR_REDUCE_KERNEL(sr_i64_sum__ref, int64_t, uint64_t, SR_U64, SR_ADD_U64, to_i64, 0)

SR_REDUCE_KERNEL(sr_f32_max__ref, float, float, SR_ID, SR_MAXOP, SR_ID, -FLT_MAX)
SR_REDUCE_KERNEL(sr_i8_max__ref, int8_t, int8_t, SR_ID, SR_MAXOP, SR_ID, INT8_MIN)
SR_REDUCE_KERNEL(sr_u8_max__ref, uint8_t, uint8_t, SR_ID, SR_MAXOP, SR_ID, 0)
SR_REDUCE_KERNEL(sr_i16_max__ref, int16_t, int16_t, SR_ID, SR_MAXOP, SR_ID, INT16_MIN)
SR_REDUCE_KERNEL(sr_i32_max__ref, int32_t, int32_t, SR_ID, SR_MAXOP, SR_ID, INT32_MIN)
SR_REDUCE_KERNEL(sr_i64_max__ref, int64_t, int64_t, SR_ID, SR_MAXOP, SR_ID, INT64_MIN)
SR_REDUCE_KERNEL(sr_f32_min__ref, float, float, SR_ID, SR_MINOP, SR_ID, FLT_MAX)
SR_REDUCE_KERNEL(sr_i8_min__ref, int8_t, int8_t, SR_ID, SR_MINOP, SR_ID, INT8_MAX)
SR_REDUCE_KERNEL(sr_u8_min__ref, uint8_t, uint8_t, SR_ID, SR_MINOP, SR_ID, UINT8_MAX)
SR_REDUCE_KERNEL(sr_i16_min__ref, int16_t, int16_t, SR_ID, SR_MINOP, SR_ID, INT16_MAX)
SR_REDUCE_KERNEL(sr_i32_min__ref, int32_t, int32_t, SR_ID, SR_MINOP, SR_ID, INT32_MAX)
SR_REDUCE_KERNEL(sr_i64_min__ref, int64_t, int64_t, SR_ID, SR_MINOP, SR_ID, INT64_MAX)

SR_REDUCE_KERNEL(sr_f32_prod__ref, float, float, SR_ID, SR_MUL, SR_ID, 1.0f)
SR_REDUCE_KERNEL(sr_i8_prod__ref, int8_t, uint32_t, SR_U32, SR_MUL_U32, SR_I8, 1)
SR_REDUCE_KERNEL(sr_u8_prod__ref, uint8_t, uint32_t, SR_U32, SR_MUL_U32, SR_U8, 1)
SR_REDUCE_KERNEL(sr_i16_prod__ref, int16_t, uint32_t, SR_U32, SR_MUL_U32, SR_I16, 1)
SR_REDUCE_KERNEL(sr_i32_prod__ref, int32_t, uint32_t, SR_U32, SR_MUL_U32, to_i32, 1)
SR_REDUCE_KERNEL(sr_i64_prod__ref, int64_t, uint64_t, SR_U64, SR_MUL_U64, to_i64, 1)

SR_REDUCE_KERNEL(sr_b8_any__ref, uint8_t, int, SR_BOOL, SR_OR, (uint8_t), 0)
SR_REDUCE_KERNEL(sr_b8_all__ref, uint8_t, int, SR_BOOL, SR_AND, (uint8_t), 1)

/* Quantized MEAN (LiteRT's reference QuantizedMeanOrSum): the int32 sum wraps; in_zp * n is removed in
 * int64 and the difference truncated to int32 before the single requantization. */
#define SR_QMEAN(a) \
  clamp32((int64_t)sr_quant_mul(to_i32((uint32_t)((int64_t)to_i32(a) - (int64_t)q->in_zp * q->n)), q->mul) + q->out_zp, \
          q->lo, q->hi)
/* Quantized SUM (LiteRT's optimized QuantizedMeanOrSum): float rescale, round half away from zero. */
#define SR_QSUM(a) \
  clamp32(to_i32((uint32_t)f32_to_i32(roundf((float)to_i32(a) * q->scale + q->fbias)) + (uint32_t)q->out_zp), \
          q->lo, q->hi)
SR_REDUCE_KERNEL(sr_i8_mean__ref, int8_t, uint32_t, SR_U32, SR_ADD_U32, SR_QMEAN, 0)
SR_REDUCE_KERNEL(sr_u8_mean__ref, uint8_t, uint32_t, SR_U32, SR_ADD_U32, SR_QMEAN, 0)
SR_REDUCE_KERNEL(sr_i16_mean__ref, int16_t, uint32_t, SR_U32, SR_ADD_U32, SR_QMEAN, 0)

/* NEON's requantization (vqrdmulh, then a rounding right shift; both round halves up), which LiteRT's x86
 * build runs through its SSE emulation of NEON. Intermediates are kept in 64 bits so nothing overflows. */
static int32_t neon_quant_mul(int32_t x, sr_qmul m) {
  const int left = m.shift > 0 ? m.shift : 0, right = m.shift > 0 ? 0 : -m.shift;
  const int64_t a = (int32_t)((uint32_t)x << left);
  const int64_t v = a == INT32_MIN && m.mult == INT32_MIN ? INT32_MAX : (a * m.mult + (1ll << 30)) >> 31;
  return right ? (int32_t)((v + (1ll << (right - 1))) >> right) : (int32_t)v;
}

/* Quantized MEAN over H,W of [B,H,W,C] with keep_dims (LiteRT's int8/uint8 Mean4D): the raw int32 sum
 * requantized by in/(n*out), plus a bias in the output domain. LiteRT handles channels in blocks of 16
 * with NEON arithmetic and the remaining C % 16 with the scalar one; both are reproduced (single-threaded
 * LiteRT; with several threads its blocks start at each thread's first channel). */
#define SR_MEAN_HW_KERNEL(NAME, T)                                                                  \
  SR_REDUCE_DECL(NAME) {                                                                            \
    const T* x = in;                                                                                \
    T* y = out;                                                                                     \
    (void)rank;                                                                                     \
    (void)mask;                                                                                     \
    const int64_t batches = dims[0], hw = (int64_t)dims[1] * dims[2], depth = dims[3];              \
    const int64_t vec_end = depth / 16 * 16;                                                        \
    for (int64_t b = 0; b < batches; b++)                                                           \
      for (int64_t c = 0; c < depth; c++) {                                                         \
        if (hw == 0) {                                                                              \
          y[b * depth + c] = 0;                                                                     \
          continue;                                                                                 \
        }                                                                                           \
        uint32_t acc = 0;                                                                           \
        for (int64_t i = 0; i < hw; i++) acc += SR_U32(x[(b * hw + i) * depth + c]);               \
        const int32_t v = c < vec_end ? neon_quant_mul(to_i32(acc), q->mul) : sr_quant_mul(to_i32(acc), q->mul); \
        y[b * depth + c] = (T)clamp32((int64_t)v + q->bias, q->lo, q->hi);                          \
      }                                                                                             \
  }
SR_MEAN_HW_KERNEL(sr_i8_mean_hw__ref, int8_t)
SR_MEAN_HW_KERNEL(sr_u8_mean_hw__ref, uint8_t)

/* LiteRT leaves an empty quantized sum unwritten; sigrun writes the zero point (0.0). */
SR_REDUCE_KERNEL(sr_i8_sum__ref, int8_t, uint32_t, SR_U32, SR_ADD_U32, SR_QSUM, (int8_t)q->out_zp)
SR_REDUCE_KERNEL(sr_u8_sum__ref, uint8_t, uint32_t, SR_U32, SR_ADD_U32, SR_QSUM, (uint8_t)q->out_zp)
SR_REDUCE_KERNEL(sr_i16_sum__ref, int16_t, uint32_t, SR_U32, SR_ADD_U32, SR_QSUM, (int16_t)q->out_zp)

/* Quantized PROD: each step multiplies in int64 and rescales with the 64-bit MultiplyByQuantizedMultiplier;
 * the final product is rescaled once more. n == 1 is LiteRT's plain copy. Empty: the zero point. */
#define SR_QPROD_FIRST(x) ((int32_t)(x) - q->in_zp)
#define SR_QPROD_NEXT(a, x) sr_quant_mul64((int64_t)(a) * ((int32_t)(x) - q->in_zp), q->mul)
#define SR_QPROD_FINISH(a) \
  (q->n == 1 ? (a) + q->in_zp : clamp32((int64_t)sr_quant_mul64((int64_t)(a), q->mul) + q->out_zp, q->lo, q->hi))
SR_REDUCE_KERNEL(sr_i8_prod_q__ref, int8_t, int32_t, SR_QPROD_FIRST, SR_QPROD_NEXT, SR_QPROD_FINISH,
                 (int8_t)q->out_zp)
SR_REDUCE_KERNEL(sr_i16_prod_q__ref, int16_t, int32_t, SR_QPROD_FIRST, SR_QPROD_NEXT, SR_QPROD_FINISH,
                 (int16_t)q->out_zp)

/* ---- operators ---- */

enum { R_MEAN, R_SUM, R_MAX, R_MIN, R_PROD, R_ANY, R_ALL };
enum { Q_NONE, Q_MEAN, Q_SUM, Q_PROD };

static const char* const supported_types[] = {
    "float32, int32, int64, int8, uint8, int16 (quantized)",
    "float32, int32, int64, int8, uint8, int16 (quantized)",
    "float32, int32, int64, int8, uint8, int16",
    "float32, int32, int64, int8, uint8, int16",
    "float32, int32, int64, int8, int16, uint8 (not quantized)",
    "bool",
    "bool",
};

static const sr_reducer_params reducer_defaults = {0};

static sigrun_status reducer_parse(sr_parse_ctx* ctx, const void** out) {
  sigrun_status st = sr_parse_expect_options(ctx, SR_OPTIONS_REDUCER, 1);
  if (st) return st;
  sr_reducer_params* p = sr_pool_alloc(ctx->pool, sizeof *p);
  if (!p) return sr_parse_fail(ctx, SIGRUN_STATUS_NO_MEMORY, "out of memory for options");
  *p = reducer_defaults;
  if (ctx->options) {
    uint8_t keep = 0;
    int rc = sr_fb_u8(ctx->options, 0, 0, &keep);
    if (rc) return sr_parse_fail(ctx, SIGRUN_STATUS_BAD_MODEL, "ReducerOptions: %s", sr_fb_strerror(rc));
    p->keep_dims = keep != 0;
  }
  *out = p;
  return SIGRUN_STATUS_OK;
}

typedef struct reduce_data {
  int op, dynamic, qmode;
  uint32_t mask; /* reduced dimensions */
  float in_scale, out_scale;
  sr_qmul base; /* MEAN: in_scale / out_scale before 1/n is folded in */
  sr_reduce_fn fn;
  sr_reduce_fast_fn fast; /* or NULL: fn */
  sr_reduce_qparams q;
} reduce_data;

#define SR_BY_TYPE(F32, I32, I64, I8, U8, I16)  \
  switch (t) {                                  \
    case SIGRUN_TYPE_FLOAT32: return F32;       \
    case SIGRUN_TYPE_INT32: return I32;         \
    case SIGRUN_TYPE_INT64: return I64;         \
    case SIGRUN_TYPE_INT8: return I8;           \
    case SIGRUN_TYPE_UINT8: return U8;          \
    case SIGRUN_TYPE_INT16: return I16;         \
    default: return NULL;                       \
  }

/* The kernel for an op and input type (NULL = unsupported). qprod: quantized PROD; hw: 4-D MEAN over H,W. */
static sr_reduce_fn pick_kernel(int op, sigrun_type t, int qprod, int hw) {
  switch (op) {
    case R_MEAN:
      SR_BY_TYPE(sr_f32_mean__ref, sr_i32_mean__ref, sr_i64_mean__ref, hw ? sr_i8_mean_hw__ref : sr_i8_mean__ref,
                 hw ? sr_u8_mean_hw__ref : sr_u8_mean__ref, sr_i16_mean__ref)
    case R_SUM:
      SR_BY_TYPE(sr_f32_sum__ref, sr_i32_sum__ref, sr_i64_sum__ref, sr_i8_sum__ref, sr_u8_sum__ref, sr_i16_sum__ref)
    case R_MAX:
      SR_BY_TYPE(sr_f32_max__ref, sr_i32_max__ref, sr_i64_max__ref, sr_i8_max__ref, sr_u8_max__ref, sr_i16_max__ref)
    case R_MIN:
      SR_BY_TYPE(sr_f32_min__ref, sr_i32_min__ref, sr_i64_min__ref, sr_i8_min__ref, sr_u8_min__ref, sr_i16_min__ref)
    case R_PROD:
      SR_BY_TYPE(sr_f32_prod__ref, sr_i32_prod__ref, sr_i64_prod__ref, qprod ? sr_i8_prod_q__ref : sr_i8_prod__ref,
                 sr_u8_prod__ref, qprod ? sr_i16_prod_q__ref : sr_i16_prod__ref)
    case R_ANY: return t == SIGRUN_TYPE_BOOL ? sr_b8_any__ref : NULL;
    default: return t == SIGRUN_TYPE_BOOL ? sr_b8_all__ref : NULL;
  }
}

/* First scale and zero point as LiteRT's tensor params hold them (0 without quantization). */
static void raw_quant(const sr_tensor* t, float* scale, int64_t* zp) {
  const sr_quant* qt = &t->def->quant;
  *scale = qt->count > 0 && qt->scales ? qt->scales[0] : 0.0f;
  *zp = qt->count > 0 && qt->zero_points ? qt->zero_points[0] : 0;
}

/* Quantization checks of prepare. MAX/MIN (and unquantized PROD) work on raw values, so LiteRT only asks
 * the input and output parameters to agree; MEAN/SUM/quantized PROD rescale. int16 needs zero points 0. */
static sigrun_status quant_prepare(sr_node* node, reduce_data* d, const sr_tensor* in, const sr_tensor* out) {
  if (in->type != SIGRUN_TYPE_INT8 && in->type != SIGRUN_TYPE_UINT8 && in->type != SIGRUN_TYPE_INT16)
    return SIGRUN_STATUS_OK;
  if (d->op == R_MAX || d->op == R_MIN || (d->op == R_PROD && in->def->quant.count == 0)) {
    float si, so;
    int64_t zi, zo;
    raw_quant(in, &si, &zi);
    raw_quant(out, &so, &zo);
    if (d->op != R_PROD && (si != so || zi != zo))
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 0 (tensor %d) has scale %g, zero point %lld but output "
                          "0 (tensor %d) has scale %g, zero point %lld; they must be equal", in->index, (double)si,
                          (long long)zi, out->index, (double)so, (long long)zo);
    if (in->type == SIGRUN_TYPE_INT16 && zi != 0)
      return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "int16 input 0 (tensor %d) has zero point %lld, expected 0",
                          in->index, (long long)zi);
    return SIGRUN_STATUS_OK;
  }
  if (d->op == R_PROD && in->type == SIGRUN_TYPE_UINT8)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "input 0 (tensor %d) is quantized uint8; quantized "
                        "REDUCE_PROD supports int8 and int16", in->index);
  int32_t zi, zo;
  sigrun_status st = sr_quant_params(node, in, "input 0", &d->in_scale, &zi);
  if (st || (st = sr_quant_params(node, out, "output 0", &d->out_scale, &zo))) return st;
  if (in->type == SIGRUN_TYPE_INT16 && (zi != 0 || zo != 0))
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "int16 input 0 (tensor %d) and output 0 (tensor %d) need "
                        "zero point 0, found %d and %d", in->index, out->index, (int)zi, (int)zo);
  d->qmode = d->op == R_MEAN ? Q_MEAN : d->op == R_SUM ? Q_SUM : Q_PROD;
  d->q.in_zp = zi;
  d->q.out_zp = zo;
  sr_quant_type_range(in->type, &d->q.lo, &d->q.hi);
  d->base = sr_quant_multiplier((double)d->in_scale / (double)d->out_scale);
  return SIGRUN_STATUS_OK;
}

static int floor_log2(int64_t n) {
  int s = 0;
  while (n > 1) {
    n >>= 1;
    s++;
  }
  return s;
}

/* Folds the reduced element count n into the quantized arithmetic, as LiteRT does per invoke. */
static sigrun_status quant_setup(sr_node* node, reduce_data* d, int64_t n, int hw, sigrun_status fail) {
  sr_reduce_qparams* q = &d->q;
  const float si = d->in_scale, so = d->out_scale;
  q->n = n;
  if (d->qmode == Q_NONE || n == 0) return SIGRUN_STATUS_OK;
  if (d->qmode == Q_MEAN && hw) {
    /* LiteRT computes this multiplier and the zero-point bias in float. */
    const float real = si / ((float)n * so);
    q->mul = sr_quant_multiplier((double)real);
    float t = (float)q->in_zp * si / so;
    t = t > 0 ? t + 0.5f : t - 0.5f;
    q->bias = to_i32((uint32_t)q->out_zp - (uint32_t)f32_to_i32(t));
  } else if (d->qmode == Q_MEAN) {
    /* 1/n folded into the multiplier: shift by floor(log2 n) bits first to keep precision. */
    int s = floor_log2(n);
    if (s > 32) s = 32;
    if (s > 31 + d->base.shift) s = 31 + d->base.shift;
    q->mul.mult = (int32_t)(((int64_t)d->base.mult << s) / n);
    q->mul.shift = d->base.shift - s;
  } else if (d->qmode == Q_SUM) {
    q->scale = si / so;
    q->fbias = (float)(-q->in_zp) * q->scale * (float)n;
  } else {
    /* Each of the n factors carries in_scale / out_scale^(1/n), so the product lands in the output scale. */
    q->mul = sr_quant_multiplier((double)si / pow((double)so, 1.0 / (double)n));
    if (q->mul.shift > 14)
      return sr_node_fail(node, fail, "input 0 scale %g and output 0 scale %g give a REDUCE_PROD rescale factor "
                          "beyond LiteRT's range", (double)si, (double)so);
  }
  return SIGRUN_STATUS_OK;
}

/* Resolves the axis values into a mask, sets the output shape and picks the kernel. */
static sigrun_status reduce_resize(sr_node* node, reduce_data* d, sigrun_status fail) {
  const sr_reducer_params* p = node->params ? node->params : &reducer_defaults;
  const sr_tensor *in = node->inputs[0], *axis = node->inputs[1];
  uint32_t mask = 0;
  size_t n = in->rank > 0 ? sr_tensor_count(axis) : 0;
  for (size_t i = 0; i < n; i++) {
    int64_t v = sr_layout_index(axis, i);
    int64_t a = v < 0 ? v + in->rank : v;
    if (a < 0 || a >= in->rank)
      return sr_node_fail(node, fail, "input 1 (tensor %d): axis[%zu] = %lld is out of range [%d, %d)",
                          axis->index, i, (long long)v, -in->rank, in->rank);
    mask |= 1u << a;
  }
  d->mask = mask;
  int32_t dims[SR_MAX_RANK];
  int rank = 0;
  int64_t count = 1;
  for (int k = 0; k < in->rank; k++) {
    if (mask & (1u << k)) count *= in->dims[k];
    if (!(mask & (1u << k)))
      dims[rank++] = in->dims[k];
    else if (p->keep_dims)
      dims[rank++] = 1;
  }
  sigrun_status st = sr_node_resize_output(node, 0, rank, dims);
  if (st) return st;
  const int hw = d->op == R_MEAN && (in->type == SIGRUN_TYPE_INT8 || in->type == SIGRUN_TYPE_UINT8) &&
                 p->keep_dims && in->rank == 4 && mask == 6u;
  d->fn = pick_kernel(d->op, in->type, d->qmode == Q_PROD, hw);
  d->fast = sr_reduce_fast_pick(d->fn, in->dims, in->rank, mask, node->isa);
  return quant_setup(node, d, count, hw, fail);
}

static sigrun_status reduce_prepare(sr_node* node, int op) {
  sigrun_status st = sr_node_check_io(node, 2, 2, 1);
  sr_tensor *in, *axis;
  if (st || (st = sr_node_input(node, 0, &in)) || (st = sr_node_input(node, 1, &axis))) return st;
  if (!pick_kernel(op, in->type, 0, 0))
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "input 0 (tensor %d) has type %s; supported: %s",
                        in->index, sigrun_type_name(in->type), supported_types[op]);
  if ((st = sr_node_check_type(node, node->outputs[0], "output 0", in->type)) ||
      (st = sr_layout_check_index_type(node, axis, "input 1 (axis)", SR_IDX_I32 | SR_IDX_I64)))
    return st;
  reduce_data* d = sr_node_alloc_data(node, sizeof *d);
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  d->op = op;
  if ((st = quant_prepare(node, d, in, node->outputs[0]))) return st;
  d->dynamic = !sr_tensor_is_const(axis);
  if (d->dynamic) {
    sr_node_set_output_dynamic(node, 0);
    return SIGRUN_STATUS_OK;
  }
  return reduce_resize(node, d, SIGRUN_STATUS_BAD_MODEL);
}

static sigrun_status reduce_eval(sr_node* node) {
  reduce_data* d = node->data;
  if (d->dynamic) {
    sigrun_status st = reduce_resize(node, d, SIGRUN_STATUS_RUNTIME);
    if (st) return st;
  }
  const sr_tensor* in = node->inputs[0];
  if (d->fast) d->fast(node, in->data, in->dims, in->rank, d->mask, &d->q, node->outputs[0]->data);
  else d->fn(in->data, in->dims, in->rank, d->mask, &d->q, node->outputs[0]->data);
  return SIGRUN_STATUS_OK;
}

static sigrun_status mean_prepare(sr_node* node) { return reduce_prepare(node, R_MEAN); }
static sigrun_status sum_prepare(sr_node* node) { return reduce_prepare(node, R_SUM); }
static sigrun_status max_prepare(sr_node* node) { return reduce_prepare(node, R_MAX); }
static sigrun_status min_prepare(sr_node* node) { return reduce_prepare(node, R_MIN); }
static sigrun_status prod_prepare(sr_node* node) { return reduce_prepare(node, R_PROD); }
static sigrun_status any_prepare(sr_node* node) { return reduce_prepare(node, R_ANY); }
static sigrun_status all_prepare(sr_node* node) { return reduce_prepare(node, R_ALL); }

const sr_op_kind sr_op_mean = {"MEAN", SR_BUILTIN_MEAN, reducer_parse, mean_prepare, reduce_eval};
const sr_op_kind sr_op_sum = {"SUM", SR_BUILTIN_SUM, reducer_parse, sum_prepare, reduce_eval};
const sr_op_kind sr_op_reduce_max = {"REDUCE_MAX", SR_BUILTIN_REDUCE_MAX, reducer_parse, max_prepare, reduce_eval};
const sr_op_kind sr_op_reduce_min = {"REDUCE_MIN", SR_BUILTIN_REDUCE_MIN, reducer_parse, min_prepare, reduce_eval};
const sr_op_kind sr_op_reduce_prod = {"REDUCE_PROD", SR_BUILTIN_REDUCE_PROD, reducer_parse, prod_prepare,
                                      reduce_eval};
const sr_op_kind sr_op_reduce_any = {"REDUCE_ANY", SR_BUILTIN_REDUCE_ANY, reducer_parse, any_prepare, reduce_eval};
const sr_op_kind sr_op_reduce_all = {"REDUCE_ALL", SR_BUILTIN_REDUCE_ALL, reducer_parse, all_prepare, reduce_eval};

/* ---- SEGMENT_SUM ---- */

#define SR_SEGMENT_SUM_KERNEL(NAME, T, U)                                                                   \
  void NAME(const T* data, const int32_t* ids, int64_t rows, int64_t row_size, int64_t out_rows, T* out) {  \
    for (int64_t i = 0; i < out_rows * row_size; i++) out[i] = 0;                                          \
    for (int64_t r = 0; r < rows; r++) {                                                                    \
      T* o = out + (int64_t)ids[r] * row_size;                                                              \
      const T* x = data + r * row_size;                                                                     \
      for (int64_t j = 0; j < row_size; j++) o[j] = (T)((U)o[j] + (U)x[j]);                                 \
    }                                                                                                       \
  }
SR_SEGMENT_SUM_KERNEL(sr_f32_segment_sum__ref, float, float)
/* int32 wraps around: the sum is formed in uint32, and converting back is the usual two's complement. */
#define SR_SEGMENT_I32(NAME)                                                                                \
  void NAME(const int32_t* data, const int32_t* ids, int64_t rows, int64_t row_size, int64_t out_rows,     \
            int32_t* out) {                                                                                 \
    for (int64_t i = 0; i < out_rows * row_size; i++) out[i] = 0;                                          \
    for (int64_t r = 0; r < rows; r++) {                                                                    \
      int32_t* o = out + (int64_t)ids[r] * row_size;                                                        \
      const int32_t* x = data + r * row_size;                                                               \
      for (int64_t j = 0; j < row_size; j++) o[j] = to_i32((uint32_t)o[j] + (uint32_t)x[j]);                \
    }                                                                                                       \
  }
SR_SEGMENT_I32(sr_i32_segment_sum__ref)

/* LiteRT accepts only ids that start at 0 and grow by 0 or 1; the output has last id + 1 rows. */
static sigrun_status segment_resize(sr_node* node, sigrun_status fail) {
  const sr_tensor *data = node->inputs[0], *ids = node->inputs[1];
  if (ids->dims[0] != data->dims[0])
    return sr_node_fail(node, fail, "input 1 (segment ids, tensor %d) has %d entries but input 0 (tensor %d) has "
                        "%d rows", ids->index, ids->dims[0], data->index, data->dims[0]);
  const int32_t* v = ids->data;
  int32_t prev = -1;
  for (int32_t i = 0; i < ids->dims[0]; i++) {
    if (i == 0 ? v[i] != 0 : (v[i] != prev && (int64_t)v[i] != (int64_t)prev + 1))
      return sr_node_fail(node, fail, "input 1 (segment ids, tensor %d): ids[%d] = %d after %d; ids must start at 0 "
                          "and grow by 0 or 1", ids->index, i, v[i], i == 0 ? -1 : prev);
    prev = v[i];
  }
  int32_t dims[SR_MAX_RANK];
  memcpy(dims, data->dims, sizeof(int32_t) * (size_t)data->rank);
  dims[0] = prev + 1;
  return sr_node_resize_output(node, 0, data->rank, dims);
}

static sigrun_status segment_prepare(sr_node* node) {
  sigrun_status st = sr_node_check_io(node, 2, 2, 1);
  sr_tensor *data, *ids;
  if (st || (st = sr_node_input(node, 0, &data)) || (st = sr_node_input(node, 1, &ids))) return st;
  if (data->type != SIGRUN_TYPE_FLOAT32 && data->type != SIGRUN_TYPE_INT32)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "input 0 (tensor %d) has type %s; supported: float32, int32",
                        data->index, sigrun_type_name(data->type));
  if ((st = sr_node_check_type(node, ids, "input 1 (segment ids)", SIGRUN_TYPE_INT32)) ||
      (st = sr_node_check_type(node, node->outputs[0], "output 0", data->type)))
    return st;
  if (data->rank < 1 || ids->rank != 1)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 0 (tensor %d) has rank %d and input 1 (tensor %d) rank "
                        "%d; expected rank >= 1 and rank 1", data->index, data->rank, ids->index, ids->rank);
  int* dynamic = sr_node_alloc_data(node, sizeof *dynamic);
  if (!dynamic) return SIGRUN_STATUS_NO_MEMORY;
  /* As in LiteRT, the shape is fixed at prepare only when both inputs are constant. */
  *dynamic = !sr_tensor_is_const(data) || !sr_tensor_is_const(ids);
  if (*dynamic) {
    sr_node_set_output_dynamic(node, 0);
    return SIGRUN_STATUS_OK;
  }
  return segment_resize(node, SIGRUN_STATUS_BAD_MODEL);
}

static sigrun_status segment_eval(sr_node* node) {
  if (*(int*)node->data) {
    sigrun_status st = segment_resize(node, SIGRUN_STATUS_RUNTIME);
    if (st) return st;
  }
  const sr_tensor *data = node->inputs[0], *ids = node->inputs[1];
  sr_tensor* out = node->outputs[0];
  const int64_t rows = data->dims[0], out_rows = out->dims[0];
  const int64_t row_size = rows ? (int64_t)(sr_tensor_count(data) / (size_t)rows) : 0;
  if (data->type == SIGRUN_TYPE_FLOAT32)
    sr_f32_segment_sum__ref(data->data, ids->data, rows, row_size, out_rows, out->data);
  else
    sr_i32_segment_sum__ref(data->data, ids->data, rows, row_size, out_rows, out->data);
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_segment_sum = {"SEGMENT_SUM", SR_BUILTIN_SEGMENT_SUM, NULL, segment_prepare, segment_eval};
