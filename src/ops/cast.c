/*
 * cast.c — CAST between float32/float64/float16, int8/16/32/64, uint8/16/32 and bool; DEQUANTIZE of
 * int8/uint8/int16 (per tensor; int8/uint8 also per channel) and float16 to float32; QUANTIZE of float32 to
 * int8/uint8/int16 and requantization between integer types. CAST semantics are LiteRT's, checked against
 * it: float -> integer truncates toward zero and saturates (NaN becomes the type's maximum); integer ->
 * narrower integer wraps; anything -> bool is x != 0; bool -> number is 0 or 1. A cast goes through a wide
 * value (double, int64 or uint64 by source kind) so each of the 11 x 11 type pairs needs only a loader and
 * a storer; each conversion still rounds once (float64 -> float16 excepted: it rounds through float32).
 */
#include <math.h>

#include "cast.h"
#include "op.h"
#include "quant.h"
#include "vec_f32.h"
#include "../format/schema_enums.h"

/* ---- IEEE half ---- */

float sr_cast_f16_to_f32(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu, man = h & 0x3ffu, bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (man << 13); /* inf, or NaN with its payload */
  } else if (exp != 0) {
    bits = sign | ((exp + 112u) << 23) | (man << 13);
  } else if (man == 0) {
    bits = sign;
  } else { /* subnormal: man * 2^-24, renormalised for float */
    uint32_t shift = 0;
    while (!(man & 0x400u)) man <<= 1, shift++;
    bits = sign | ((113u - shift) << 23) | ((man & 0x3ffu) << 13);
  }
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

/* Rounds `value >> shift` to nearest, ties to even. shift in 1..24. */
static uint32_t round_shift(uint32_t value, uint32_t shift) {
  uint32_t q = value >> shift, rem = value & ((1u << shift) - 1u), half = 1u << (shift - 1);
  return q + (rem > half || (rem == half && (q & 1u)));
}

uint16_t sr_cast_f32_to_f16(float f) {
  uint32_t x;
  memcpy(&x, &f, sizeof x);
  uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
  uint32_t exp = (x >> 23) & 0xffu, man = x & 0x7fffffu;
  if (exp == 0xff) /* NaN stays NaN (quiet, top payload bits kept) */
    return (uint16_t)(sign | 0x7c00u | (man ? 0x200u | (man >> 13) : 0u));
  int e = (int)exp - 127 + 15;
  if (e >= 0x1f) return (uint16_t)(sign | 0x7c00u);
  if (e <= 0) { /* half subnormal: (1.man) * 2^(e-15) in units of 2^-24 */
    if (e < -10) return sign;
    return (uint16_t)(sign | round_shift(man | 0x800000u, (uint32_t)(14 - e)));
  }
  /* a carry out of the mantissa correctly bumps the exponent (up to infinity) */
  return (uint16_t)(sign | round_shift(((uint32_t)e << 23) | man, 13));
}

/* ---- CAST ---- */

typedef union wide {
  double d;
  int64_t i;
  uint64_t u;
} wide;

typedef void (*cast_load)(const void* in, size_t n, wide* w);
typedef void (*cast_store)(const wide* w, size_t n, void* out);

static int64_t signed_max(int bits) { return bits == 64 ? INT64_MAX : ((int64_t)1 << (bits - 1)) - 1; }
static uint64_t unsigned_max(int bits) { return bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1; }

/* Low `bits` bits as a two's-complement value, without implementation-defined conversions. */
static int64_t wrap_signed(uint64_t u, int bits) {
  if (bits < 64) u &= unsigned_max(bits);
  if (u <= (uint64_t)signed_max(bits)) return (int64_t)u;
  return -(int64_t)(~u & unsigned_max(bits)) - 1;
}

/* Truncation toward zero, saturating; NaN maps to the maximum, as LiteRT's cast does. */
static int64_t saturate_signed(double v, int bits) {
  int64_t hi = signed_max(bits), lo = -hi - 1;
  if (isnan(v) || v >= (double)hi) return hi; /* (double)INT64_MAX rounds up to 2^63: still out of range */
  if (v <= (double)lo) return lo;
  return (int64_t)v;
}
static uint64_t saturate_unsigned(double v, int bits) {
  uint64_t hi = unsigned_max(bits);
  if (isnan(v) || v >= (double)hi) return hi;
  if (v <= 0.0) return 0;
  return (uint64_t)v;
}

#define BITS(T) ((int)(8 * sizeof(T)))
#define LOAD_FLOAT(T, v) ((double)(v))
#define LOAD_HALF(T, v) ((double)sr_cast_f16_to_f32(v))
#define LOAD_SIGNED(T, v) ((int64_t)(v))
#define LOAD_UNSIGNED(T, v) ((uint64_t)(v))
#define LOAD_BOOL(T, v) ((int64_t)((v) != 0))
#define STORE_FLOAT(T, v, W) ((T)(v))
#define STORE_HALF(T, v, W) sr_cast_f32_to_f16((float)(v))
#define STORE_BOOL(T, v, W) ((T)((v) != 0))
#define STORE_SIGNED(T, v, W) ((T)STORE_SIGNED_##W(v, BITS(T)))
#define STORE_SIGNED_d(v, bits) saturate_signed(v, bits)
#define STORE_SIGNED_i(v, bits) wrap_signed((uint64_t)(v), bits)
#define STORE_SIGNED_u(v, bits) wrap_signed(v, bits)
#define STORE_UNSIGNED(T, v, W) ((T)STORE_UNSIGNED_##W(v, BITS(T)))
#define STORE_UNSIGNED_d(v, bits) saturate_unsigned(v, bits)
#define STORE_UNSIGNED_i(v, bits) ((uint64_t)(v)) /* modular, well defined for unsigned targets */
#define STORE_UNSIGNED_u(v, bits) (v)

/* X(tag, C type, SIGRUN_TYPE_ suffix, wide field of its values, kind) */
#define SR_CAST_TYPES(X)                 \
  X(f32, float, FLOAT32, d, FLOAT)       \
  X(f64, double, FLOAT64, d, FLOAT)      \
  X(f16, uint16_t, FLOAT16, d, HALF)     \
  X(s8, int8_t, INT8, i, SIGNED)         \
  X(s16, int16_t, INT16, i, SIGNED)      \
  X(s32, int32_t, INT32, i, SIGNED)      \
  X(s64, int64_t, INT64, i, SIGNED)      \
  X(u8, uint8_t, UINT8, u, UNSIGNED)     \
  X(u16, uint16_t, UINT16, u, UNSIGNED)  \
  X(u32, uint32_t, UINT32, u, UNSIGNED)  \
  X(b8, uint8_t, BOOL, i, BOOL)

#define SR_CAST_STORER(TAG, T, KIND, W)                                 \
  static void store_##TAG##_##W(const wide* w, size_t n, void* out) {   \
    T* y = out;                                                         \
    for (size_t i = 0; i < n; i++) y[i] = STORE_##KIND(T, w[i].W, W);  \
  }
#define SR_CAST_FUNCS(TAG, T, TYPE, WF, KIND)                          \
  static void load_##TAG(const void* in, size_t n, wide* w) {          \
    const T* x = in;                                                   \
    for (size_t i = 0; i < n; i++) w[i].WF = LOAD_##KIND(T, x[i]);     \
  }                                                                    \
  SR_CAST_STORER(TAG, T, KIND, d)                                      \
  SR_CAST_STORER(TAG, T, KIND, i)                                      \
  SR_CAST_STORER(TAG, T, KIND, u)
SR_CAST_TYPES(SR_CAST_FUNCS)
#undef SR_CAST_FUNCS
#undef SR_CAST_STORER

enum { WIDE_d, WIDE_i, WIDE_u };

typedef struct cast_type {
  sigrun_type type;
  int wide_field; /* WIDE_d, WIDE_i or WIDE_u: how its values are loaded */
  cast_load load;
  cast_store store_d, store_i, store_u;
} cast_type;

static const cast_type cast_types[] = {
#define SR_CAST_ENTRY(TAG, T, TYPE, WF, KIND) \
  {SIGRUN_TYPE_##TYPE, WIDE_##WF, load_##TAG, store_##TAG##_d, store_##TAG##_i, store_##TAG##_u},
    SR_CAST_TYPES(SR_CAST_ENTRY)
#undef SR_CAST_ENTRY
};

static const cast_type* find_cast_type(sigrun_type type) {
  for (size_t i = 0; i < sizeof cast_types / sizeof cast_types[0]; i++)
    if (cast_types[i].type == type) return &cast_types[i];
  return NULL;
}

typedef void (*cast_direct)(const void* in, void* out, size_t n);

typedef struct cast_data {
  cast_direct direct; /* a pair with its own loop, or NULL */
  cast_load load;     /* both NULL: same type, plain copy */
  cast_store store;
} cast_data;

/* Direct, so that NaN payloads survive bit for bit (a pass through double would quiet signalling NaNs). */
static void sr_f16_f32_cast__ref(const void* in, void* out, size_t n) {
  const uint16_t* x = in;
  float* y = out;
  for (size_t i = 0; i < n; i++) y[i] = sr_cast_f16_to_f32(x[i]);
}

#define SR_CAST_CHUNK 256

/* Converts in chunks through a small stack buffer of wide values. */
static void sr_cast__ref(const cast_data* d, const void* in, size_t in_size, void* out, size_t out_size, size_t n) {
  wide buf[SR_CAST_CHUNK];
  for (size_t at = 0; at < n; at += SR_CAST_CHUNK) {
    size_t m = n - at < SR_CAST_CHUNK ? n - at : SR_CAST_CHUNK;
    d->load((const uint8_t*)in + at * in_size, m, buf);
    d->store(buf, m, (uint8_t*)out + at * out_size);
  }
}

static const char cast_supported[] = "float32, float64, float16, int8, int16, int32, int64, uint8, uint16, uint32, bool";

/* CastOptions (in/out data types) only repeat the tensor types; LiteRT ignores them and so do we. */
static sigrun_status parse_cast(sr_parse_ctx* ctx, const void** out_params) {
  *out_params = NULL;
  return sr_parse_expect_options(ctx, SR_OPTIONS_CAST, 1);
}

static sigrun_status prepare_cast(sr_node* node) {
  sr_tensor* x;
  sigrun_status st = sr_node_check_io(node, 1, 1, 1);
  if (st || (st = sr_node_input(node, 0, &x))) return st;
  sr_tensor* y = node->outputs[0];
  const cast_type* from = find_cast_type(x->type);
  const cast_type* to = find_cast_type(y->type);
  if (!from || !to) {
    const sr_tensor* bad = from ? y : x;
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "%s (tensor %d) has type %s; supported: %s",
                        from ? "output 0" : "input 0", bad->index, sigrun_type_name(bad->type), cast_supported);
  }
  if ((st = sr_node_resize_output(node, 0, x->rank, x->dims))) return st;
  cast_data* d = sr_node_alloc_data(node, sizeof *d);
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  if (from->type == SIGRUN_TYPE_FLOAT16 && to->type == SIGRUN_TYPE_FLOAT32) {
    d->direct = sr_f16_f32_cast__ref;
  } else if (from != to) {
    d->load = from->load;
    d->store = from->wide_field == WIDE_d ? to->store_d : from->wide_field == WIDE_i ? to->store_i : to->store_u;
  }
  return SIGRUN_STATUS_OK;
}

static sigrun_status eval_cast(sr_node* node) {
  const cast_data* d = node->data;
  const sr_tensor* x = node->inputs[0];
  sr_tensor* y = node->outputs[0];
  size_t n = sr_tensor_count(x);
  if (n == 0) return SIGRUN_STATUS_OK;
  if (d->direct) {
    d->direct(x->data, y->data, n);
  } else if (!d->load) {
    memmove(y->data, x->data, n * sigrun_type_size(x->type));
  } else {
    sr_cast__ref(d, x->data, sigrun_type_size(x->type), y->data, sigrun_type_size(y->type), n);
  }
  return SIGRUN_STATUS_OK;
}

/* ---- DEQUANTIZE ---- */

typedef struct dequant_data dequant_data;
typedef void (*dequant_kernel)(const dequant_data* d, const void* in, float* out);

/* The input seen as [outer, channels, inner]; per-tensor quantization is one channel. */
struct dequant_data {
  dequant_kernel kernel;
  sr_vec_f16_fn f16; /* float16 input: F16C conversion for this CPU, or NULL */
  sr_vec_dequant_s8_fn s8; /* per-tensor int8 input with a small zero point: vector kernel, or NULL */
  size_t outer, channels, inner;
  const float* scales;       /* channels entries */
  const int64_t* zero_points; /* channels entries, or NULL for all zero */
};

/* scale * (q - zero_point), rounded once to float (LiteRT computes it in double or exactly in float). */
#define SR_DEQUANT_KERNEL(NAME, T)                                                     \
  static void NAME(const dequant_data* d, const void* in, float* y) {                  \
    const T* x = in;                                                                   \
    for (size_t o = 0; o < d->outer; o++) {                                            \
      for (size_t c = 0; c < d->channels; c++) {                                       \
        const double scale = d->scales[c];                                             \
        const int64_t zp = d->zero_points ? d->zero_points[c] : 0;                     \
        for (size_t k = 0; k < d->inner; k++) *y++ = (float)(scale * (double)(*x++ - zp)); \
      }                                                                                \
    }                                                                                  \
  }
SR_DEQUANT_KERNEL(sr_qs8_f32_dequantize__ref, int8_t)
SR_DEQUANT_KERNEL(sr_qu8_f32_dequantize__ref, uint8_t)
SR_DEQUANT_KERNEL(sr_qs16_f32_dequantize__ref, int16_t)
#undef SR_DEQUANT_KERNEL

static void sr_f16_f32_dequantize__ref(const dequant_data* d, const void* in, float* y) {
  const uint16_t* x = in;
  size_t n = d->outer * d->channels * d->inner;
  for (size_t i = 0; i < n; i++) y[i] = sr_cast_f16_to_f32(x[i]);
}

static sigrun_status parse_dequantize(sr_parse_ctx* ctx, const void** out_params) {
  *out_params = NULL;
  return sr_parse_expect_options(ctx, SR_OPTIONS_DEQUANTIZE, 1);
}

/* Checks the input's quantization and lays out the channels (LiteRT's rules: int16 is per-tensor with zero
 * point 0; per-channel needs one scale per entry of the quantized dimension). */
static sigrun_status prepare_quant_layout(sr_node* node, const sr_tensor* x, dequant_data* d) {
  const sr_quant* q = &x->def->quant;
  const char* type = sigrun_type_name(x->type);
  if (q->count < 1 || !q->scales)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 0 (tensor %d) is %s but has no quantization scale",
                        x->index, type);
  for (int c = 0; q->zero_points && c < q->count; c++)
    if (q->zero_points[c] < INT32_MIN || q->zero_points[c] > INT32_MAX)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 0 (tensor %d): zero point %lld is outside int32",
                          x->index, (long long)q->zero_points[c]);
  d->scales = q->scales;
  d->zero_points = q->zero_points;
  if (q->count == 1) {
    if (x->type == SIGRUN_TYPE_INT16 && d->zero_points && d->zero_points[0] != 0)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "input 0 (tensor %d) is int16 with zero point %lld; expected 0",
                          x->index, (long long)d->zero_points[0]);
    d->outer = 1, d->channels = 1, d->inner = sr_tensor_count(x);
    return SIGRUN_STATUS_OK;
  }
  if (x->type == SIGRUN_TYPE_INT16)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED,
                        "input 0 (tensor %d) is int16 with %d scales; per-channel dequantization supports int8, uint8",
                        x->index, q->count);
  int axis = q->quantized_dimension;
  if (axis < 0 || axis >= x->rank || x->dims[axis] != q->count) {
    char shape[128];
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "input 0 (tensor %d) of shape %s has %d scales on quantized dimension %d; expected a "
                        "dimension of that size",
                        x->index, sr_shape_str(x->dims, x->rank, shape, sizeof shape), q->count, axis);
  }
  d->outer = 1, d->inner = 1, d->channels = (size_t)q->count;
  for (int i = 0; i < axis; i++) d->outer *= (size_t)x->dims[i];
  for (int i = axis + 1; i < x->rank; i++) d->inner *= (size_t)x->dims[i];
  return SIGRUN_STATUS_OK;
}

static sigrun_status prepare_dequantize(sr_node* node) {
  sr_tensor* x;
  sigrun_status st = sr_node_check_io(node, 1, 1, 1);
  if (st || (st = sr_node_input(node, 0, &x))) return st;
  if ((st = sr_node_check_type(node, node->outputs[0], "output 0", SIGRUN_TYPE_FLOAT32))) return st;
  dequant_kernel kernel;
  switch (x->type) {
    case SIGRUN_TYPE_INT8: kernel = sr_qs8_f32_dequantize__ref; break;
    case SIGRUN_TYPE_UINT8: kernel = sr_qu8_f32_dequantize__ref; break;
    case SIGRUN_TYPE_INT16: kernel = sr_qs16_f32_dequantize__ref; break;
    case SIGRUN_TYPE_FLOAT16: kernel = sr_f16_f32_dequantize__ref; break;
    default:
      return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED,
                          "input type %s (tensor %d) is not supported; supported: int8, uint8, int16, float16",
                          sigrun_type_name(x->type), x->index);
  }
  if ((st = sr_node_resize_output(node, 0, x->rank, x->dims))) return st;
  dequant_data* d = sr_node_alloc_data(node, sizeof *d);
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  d->kernel = kernel;
  if (x->type == SIGRUN_TYPE_FLOAT16) {
    d->outer = 1, d->channels = 1, d->inner = sr_tensor_count(x);
    d->f16 = sr_vec_f16_kernel(node->isa);
    return SIGRUN_STATUS_OK;
  }
  if ((st = prepare_quant_layout(node, x, d))) return st;
  const int64_t zp = d->zero_points ? d->zero_points[0] : 0;
  if (x->type == SIGRUN_TYPE_INT8 && d->channels == 1 && zp >= -(1 << 23) + 256 && zp <= (1 << 23) - 256)
    d->s8 = sr_vec_dequant_s8_kernel(node->isa);
  return SIGRUN_STATUS_OK;
}

static sigrun_status eval_dequantize(sr_node* node) {
  const dequant_data* d = node->data;
  if (sr_tensor_count(node->inputs[0]) == 0) return SIGRUN_STATUS_OK;
  if (d->f16)
    d->f16(node->inputs[0]->data, node->outputs[0]->data, d->inner);
  else if (d->s8)
    d->s8(node->inputs[0]->data, node->outputs[0]->data, d->outer * d->inner, d->scales[0],
          d->zero_points ? (int32_t)d->zero_points[0] : 0);
  else
    d->kernel(d, node->inputs[0]->data, node->outputs[0]->data);
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_cast = {"CAST", SR_BUILTIN_CAST, parse_cast, prepare_cast, eval_cast};
const sr_op_kind sr_op_dequantize = {"DEQUANTIZE", SR_BUILTIN_DEQUANTIZE, parse_dequantize, prepare_dequantize,
                                     eval_dequantize};

/* ---- QUANTIZE ----
 * float32 -> int8/uint8/int16, as LiteRT's kernels compute it (measured against ai_edge_litert 2.3.0):
 * per tensor x * (1 / scale) in float rounded to nearest even, per channel x / scale rounded half away
 * from zero; then + zero point and clamp. A value that does not fit int32 (and NaN) becomes INT32_MIN
 * before the zero point is added, as LiteRT's conversion does on x86, so +inf quantizes to the minimum.
 * Requantization (int8/uint8 -> int8/uint8, int16 -> int8/int16/int32, int32 -> int8/int16) multiplies
 * (q - in_zp) by in_scale / out_scale in fixed point. */

typedef struct quant_data quant_data;
typedef void (*quant_kernel)(const quant_data* d, const void* in, void* out);

struct quant_data {
  quant_kernel kernel;
  size_t outer, channels, inner; /* float input: the output's channels; requantize: one channel */
  const float* scales;
  const int64_t* zero_points; /* per channel (the loader gives as many as scales), or NULL for 0 */
  int32_t lo, hi;             /* the output type's range */
  int32_t in_zp, out_zp;      /* requantize */
  sr_qmul m;
};

static int32_t zero_point_at(const quant_data* d, size_t c) {
  return d->zero_points ? (int32_t)d->zero_points[c] : 0;
}

static int32_t wrap_s32_u(uint32_t u) { return u <= INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1; }

/* To int32 the way LiteRT's x86 build converts: to nearest, ties to even, and out-of-range or NaN give
 * INT32_MIN. */
static int32_t round_to_i32_x86(float q) {
  float r = nearbyintf(q);
  if (!(r >= -2147483648.0f && r < 2147483648.0f)) return INT32_MIN;
  return (int32_t)r;
}
/* LiteRT's kernel multiplies by the inverse scale in float (measured: ties go to even and x * (1 / s)
 * differs from x / s exactly where LiteRT does). */
#define SCALE_BY_INVERSE(x, s) ((x) * (1.0f / (s)))
/* Per channel LiteRT runs its reference kernel: float division, ties away from zero. */
#define DIVIDE_ROUND_AWAY(x, s) roundf((x) / (s))

#define SR_QUANTIZE_KERNEL(NAME, T, SCALE)                                            \
  static void NAME(const quant_data* d, const void* in, void* out) {                  \
    const float* x = in;                                                              \
    T* y = out;                                                                       \
    for (size_t o = 0; o < d->outer; o++)                                             \
      for (size_t c = 0; c < d->channels; c++) {                                      \
        const float scale = d->scales[c];                                             \
        const uint32_t zp = (uint32_t)zero_point_at(d, c);                            \
        for (size_t k = 0; k < d->inner; k++) {                                       \
          int32_t q = wrap_s32_u((uint32_t)round_to_i32_x86(SCALE(*x++, scale)) + zp); \
          *y++ = (T)(q < d->lo ? d->lo : q > d->hi ? d->hi : q);                      \
        }                                                                             \
      }                                                                               \
  }

SR_QUANTIZE_KERNEL(sr_f32_qs8_quantize__ref, int8_t, SCALE_BY_INVERSE)
SR_QUANTIZE_KERNEL(sr_f32_qu8_quantize__ref, uint8_t, SCALE_BY_INVERSE)
SR_QUANTIZE_KERNEL(sr_f32_qs16_quantize__ref, int16_t, SCALE_BY_INVERSE)
SR_QUANTIZE_KERNEL(sr_f32_qs8_quantize_channels__ref, int8_t, DIVIDE_ROUND_AWAY)
SR_QUANTIZE_KERNEL(sr_f32_qu8_quantize_channels__ref, uint8_t, DIVIDE_ROUND_AWAY)
SR_QUANTIZE_KERNEL(sr_f32_qs16_quantize_channels__ref, int16_t, DIVIDE_ROUND_AWAY)

#define SR_REQUANTIZE_KERNEL(NAME, TI, TO)                                               \
  static void NAME(const quant_data* d, const void* in, void* out) {                     \
    const TI* x = in;                                                                    \
    TO* y = out;                                                                         \
    const size_t n = d->inner;                                                           \
    for (size_t i = 0; i < n; i++) {                                                     \
      int32_t v = wrap_s32_u((uint32_t)(int32_t)x[i] - (uint32_t)d->in_zp);              \
      int64_t q = (int64_t)sr_quant_mul(v, d->m) + d->out_zp;                            \
      y[i] = (TO)(q < d->lo ? d->lo : q > d->hi ? d->hi : q);                            \
    }                                                                                    \
  }
SR_REQUANTIZE_KERNEL(sr_qs8_qs8_requantize__ref, int8_t, int8_t)
SR_REQUANTIZE_KERNEL(sr_qs8_qu8_requantize__ref, int8_t, uint8_t)
SR_REQUANTIZE_KERNEL(sr_qu8_qs8_requantize__ref, uint8_t, int8_t)
SR_REQUANTIZE_KERNEL(sr_qu8_qu8_requantize__ref, uint8_t, uint8_t)
SR_REQUANTIZE_KERNEL(sr_qs16_qs8_requantize__ref, int16_t, int8_t)
SR_REQUANTIZE_KERNEL(sr_qs16_qs16_requantize__ref, int16_t, int16_t)
SR_REQUANTIZE_KERNEL(sr_qs16_qs32_requantize__ref, int16_t, int32_t)
SR_REQUANTIZE_KERNEL(sr_qs32_qs8_requantize__ref, int32_t, int8_t)
SR_REQUANTIZE_KERNEL(sr_qs32_qs16_requantize__ref, int32_t, int16_t)

static sigrun_status parse_quantize(sr_parse_ctx* ctx, const void** out_params) {
  *out_params = NULL;
  return sr_parse_expect_options(ctx, SR_OPTIONS_QUANTIZE, 1);
}

typedef struct requant_pair {
  sigrun_type from, to;
  quant_kernel kernel;
} requant_pair;

static const requant_pair requant_pairs[] = {
    {SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT8, sr_qs8_qs8_requantize__ref},
    {SIGRUN_TYPE_INT8, SIGRUN_TYPE_UINT8, sr_qs8_qu8_requantize__ref},
    {SIGRUN_TYPE_UINT8, SIGRUN_TYPE_INT8, sr_qu8_qs8_requantize__ref},
    {SIGRUN_TYPE_UINT8, SIGRUN_TYPE_UINT8, sr_qu8_qu8_requantize__ref},
    {SIGRUN_TYPE_INT16, SIGRUN_TYPE_INT8, sr_qs16_qs8_requantize__ref},
    {SIGRUN_TYPE_INT16, SIGRUN_TYPE_INT16, sr_qs16_qs16_requantize__ref},
    {SIGRUN_TYPE_INT16, SIGRUN_TYPE_INT32, sr_qs16_qs32_requantize__ref},
    {SIGRUN_TYPE_INT32, SIGRUN_TYPE_INT8, sr_qs32_qs8_requantize__ref},
    {SIGRUN_TYPE_INT32, SIGRUN_TYPE_INT16, sr_qs32_qs16_requantize__ref},
};

static const char quantize_supported[] =
    "float32 -> int8, uint8, int16; int8/uint8 -> int8, uint8; int16 -> int8, int16, int32; int32 -> int8, int16";

static sigrun_status prepare_requantize(sr_node* node, const sr_tensor* x, const sr_tensor* y, quant_data* d) {
  for (size_t i = 0; i < sizeof requant_pairs / sizeof requant_pairs[0]; i++)
    if (requant_pairs[i].from == x->type && requant_pairs[i].to == y->type) d->kernel = requant_pairs[i].kernel;
  if (!d->kernel)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "%s (tensor %d) -> %s (tensor %d) is not supported; supported: %s",
                        sigrun_type_name(x->type), x->index, sigrun_type_name(y->type), y->index, quantize_supported);
  float si, so;
  sigrun_status st = sr_quant_params(node, x, "input 0", &si, &d->in_zp);
  if (st || (st = sr_quant_params(node, y, "output 0", &so, &d->out_zp))) return st;
  if (x->type == SIGRUN_TYPE_INT16 && y->type == SIGRUN_TYPE_INT16 && (d->in_zp || d->out_zp))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "int16 -> int16 needs zero points 0; found %d and %d", d->in_zp,
                        d->out_zp);
  d->m = sr_quant_multiplier((double)si / (double)so);
  d->outer = d->channels = 1;
  d->inner = sr_tensor_count(x);
  return SIGRUN_STATUS_OK;
}

/* Float input: the output's scales (one, or one per entry of its quantized dimension) and zero points. */
static sigrun_status prepare_float_quantize(sr_node* node, const sr_tensor* y, quant_data* d) {
  const sr_quant* q = &y->def->quant;
  d->kernel = y->type == SIGRUN_TYPE_INT8    ? sr_f32_qs8_quantize__ref
              : y->type == SIGRUN_TYPE_UINT8 ? sr_f32_qu8_quantize__ref
              : y->type == SIGRUN_TYPE_INT16 ? sr_f32_qs16_quantize__ref
                                             : NULL;
  if (!d->kernel)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "float32 -> %s (tensor %d) is not supported; supported: %s",
                        sigrun_type_name(y->type), y->index, quantize_supported);
  if (q->count < 1 || !q->scales)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "output 0 (tensor %d) has no quantization parameters", y->index);
  int axis = q->count > 1 ? q->quantized_dimension : 0;
  if (q->count > 1 && (axis < 0 || axis >= y->rank || y->dims[axis] != q->count)) {
    char shape[128];
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "output 0 (tensor %d) of shape %s has %d scales on quantized dimension %d; expected a "
                        "dimension of that size",
                        y->index, sr_shape_str(y->dims, y->rank, shape, sizeof shape), q->count, axis);
  }
  for (int c = 0; c < q->count; c++)
    if (!(q->scales[c] > 0.0f) || !isfinite(q->scales[c]))
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "output 0 (tensor %d): scale %d is %g, not a positive finite number",
                          y->index, c, (double)q->scales[c]);
  for (int c = 0; q->zero_points && c < q->count; c++)
    if (q->zero_points[c] < d->lo || q->zero_points[c] > d->hi)
      return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "output 0 (tensor %d): zero point %lld is outside the %s range",
                          y->index, (long long)q->zero_points[c], sigrun_type_name(y->type));
  d->scales = q->scales;
  d->zero_points = q->zero_points;
  d->channels = (size_t)q->count;
  d->outer = d->inner = 1;
  if (q->count == 1) {
    d->inner = sr_tensor_count(y);
    return SIGRUN_STATUS_OK;
  }
  d->kernel = y->type == SIGRUN_TYPE_INT8    ? sr_f32_qs8_quantize_channels__ref
              : y->type == SIGRUN_TYPE_UINT8 ? sr_f32_qu8_quantize_channels__ref
                                             : sr_f32_qs16_quantize_channels__ref;
  for (int i = 0; i < axis; i++) d->outer *= (size_t)y->dims[i];
  for (int i = axis + 1; i < y->rank; i++) d->inner *= (size_t)y->dims[i];
  return SIGRUN_STATUS_OK;
}

static sigrun_status prepare_quantize(sr_node* node) {
  sr_tensor* x;
  sigrun_status st = sr_node_check_io(node, 1, 1, 1);
  if (st || (st = sr_node_input(node, 0, &x))) return st;
  sr_tensor* y = node->outputs[0];
  if ((st = sr_node_resize_output(node, 0, x->rank, x->dims))) return st;
  quant_data* d = sr_node_alloc_data(node, sizeof *d);
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  if (!sr_quant_type_range(y->type, &d->lo, &d->hi))
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "%s -> %s (tensor %d) is not supported; supported: %s",
                        sigrun_type_name(x->type), sigrun_type_name(y->type), y->index, quantize_supported);
  if (x->type == SIGRUN_TYPE_FLOAT32) return prepare_float_quantize(node, y, d);
  return prepare_requantize(node, x, y, d);
}

static sigrun_status eval_quantize(sr_node* node) {
  const quant_data* d = node->data;
  if (sr_tensor_count(node->inputs[0]) == 0) return SIGRUN_STATUS_OK;
  d->kernel(d, node->inputs[0]->data, node->outputs[0]->data);
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_quantize = {"QUANTIZE", SR_BUILTIN_QUANTIZE, parse_quantize, prepare_quantize, eval_quantize};
