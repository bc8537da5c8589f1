/*
 * fold.c — constant-folding kernels (see fold.h). Index arithmetic walks the output in row-major order with a
 * counter per dim, so no per-element division is needed and broadcasting is a zero stride.
 */
#include "convert/fold.h"

#include <math.h>
#include <string.h>

int sr_cv_is_float(sigrun_type t) {
  return t == SIGRUN_TYPE_FLOAT32 || t == SIGRUN_TYPE_FLOAT64 || t == SIGRUN_TYPE_FLOAT16;
}

int sr_cv_is_int(sigrun_type t) {
  return t == SIGRUN_TYPE_INT32 || t == SIGRUN_TYPE_INT64 || t == SIGRUN_TYPE_INT16 || t == SIGRUN_TYPE_INT8 ||
         t == SIGRUN_TYPE_UINT8 || t == SIGRUN_TYPE_UINT16 || t == SIGRUN_TYPE_UINT32 || t == SIGRUN_TYPE_BOOL;
}

uint16_t sr_cv_f32_to_f16(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u, exp = (x >> 23) & 0xffu, mant = x & 0x7fffffu;
  if (exp == 0xff) return (uint16_t)(sign | 0x7c00u | (mant ? 0x200u : 0)); /* inf / nan */
  int e = (int)exp - 127 + 15;
  if (e >= 31) return (uint16_t)(sign | 0x7c00u); /* overflow: inf */
  if (e <= 0) {                                   /* subnormal or zero: round to nearest even */
    if (e < -10) return (uint16_t)sign;
    mant |= 0x800000u;
    int shift = 14 - e;
    uint32_t half = mant >> shift, rest = mant & ((1u << shift) - 1), mid = 1u << (shift - 1);
    if (rest > mid || (rest == mid && (half & 1))) half++;
    return (uint16_t)(sign | half);
  }
  uint32_t h = sign | ((uint32_t)e << 10) | (mant >> 13), rest = mant & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1))) h++; /* a carry into the exponent is still right */
  return (uint16_t)h;
}

float sr_cv_f16_to_f32(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu, x;
  if (exp == 0) {
    if (!mant) {
      x = sign;
    } else {
      int e = -1;
      do {
        e++;
        mant <<= 1;
      } while (!(mant & 0x400u));
      x = sign | ((uint32_t)(127 - 15 - e) << 23) | ((mant & 0x3ffu) << 13);
    }
  } else if (exp == 31) {
    x = sign | 0x7f800000u | (mant << 13);
  } else {
    x = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  memcpy(&f, &x, 4);
  return f;
}

static void load(const void* p, size_t i, void* v, size_t n) { memcpy(v, (const uint8_t*)p + i * n, n); }
static void store(void* p, size_t i, const void* v, size_t n) { memcpy((uint8_t*)p + i * n, v, n); }

double sr_cv_elem_f(const void* data, sigrun_type t, size_t i) {
  switch (t) {
    case SIGRUN_TYPE_FLOAT32: {
      float v;
      load(data, i, &v, 4);
      return v;
    }
    case SIGRUN_TYPE_FLOAT64: {
      double v;
      load(data, i, &v, 8);
      return v;
    }
    case SIGRUN_TYPE_FLOAT16: {
      uint16_t v;
      load(data, i, &v, 2);
      return sr_cv_f16_to_f32(v);
    }
    default: return (double)sr_cv_elem_i(data, t, i);
  }
}

int64_t sr_cv_elem_i(const void* data, sigrun_type t, size_t i) {
  switch (t) {
    case SIGRUN_TYPE_INT32: {
      int32_t v;
      load(data, i, &v, 4);
      return v;
    }
    case SIGRUN_TYPE_INT64: {
      int64_t v;
      load(data, i, &v, 8);
      return v;
    }
    case SIGRUN_TYPE_INT16: {
      int16_t v;
      load(data, i, &v, 2);
      return v;
    }
    case SIGRUN_TYPE_UINT16: {
      uint16_t v;
      load(data, i, &v, 2);
      return v;
    }
    case SIGRUN_TYPE_UINT32: {
      uint32_t v;
      load(data, i, &v, 4);
      return v;
    }
    case SIGRUN_TYPE_INT8: return ((const int8_t*)data)[i];
    case SIGRUN_TYPE_UINT8: return ((const uint8_t*)data)[i];
    case SIGRUN_TYPE_BOOL: return ((const uint8_t*)data)[i] != 0;
    default: {
      double d = sr_cv_elem_f(data, t, i);
      /* Float to int conversion truncates toward zero (TF's Cast); out-of-range values saturate here instead
       * of being undefined behaviour. */
      if (!(d == d)) return 0;
      if (d >= 9.2e18) return INT64_MAX;
      if (d <= -9.2e18) return INT64_MIN;
      return (int64_t)d;
    }
  }
}

void sr_cv_set_i(void* data, sigrun_type t, size_t i, int64_t v) {
  switch (t) {
    case SIGRUN_TYPE_INT32: {
      int32_t x = (int32_t)(uint32_t)(uint64_t)v;
      store(data, i, &x, 4);
      return;
    }
    case SIGRUN_TYPE_INT64: store(data, i, &v, 8); return;
    case SIGRUN_TYPE_INT16: {
      int16_t x = (int16_t)(uint16_t)(uint64_t)v;
      store(data, i, &x, 2);
      return;
    }
    case SIGRUN_TYPE_UINT16: {
      uint16_t x = (uint16_t)(uint64_t)v;
      store(data, i, &x, 2);
      return;
    }
    case SIGRUN_TYPE_UINT32: {
      uint32_t x = (uint32_t)(uint64_t)v;
      store(data, i, &x, 4);
      return;
    }
    case SIGRUN_TYPE_INT8: ((int8_t*)data)[i] = (int8_t)(uint8_t)(uint64_t)v; return;
    case SIGRUN_TYPE_UINT8: ((uint8_t*)data)[i] = (uint8_t)(uint64_t)v; return;
    case SIGRUN_TYPE_BOOL: ((uint8_t*)data)[i] = v != 0; return;
    default: sr_cv_set_f(data, t, i, (double)v); return;
  }
}

void sr_cv_set_f(void* data, sigrun_type t, size_t i, double v) {
  switch (t) {
    case SIGRUN_TYPE_FLOAT32: {
      float x = (float)v;
      store(data, i, &x, 4);
      return;
    }
    case SIGRUN_TYPE_FLOAT64: store(data, i, &v, 8); return;
    case SIGRUN_TYPE_FLOAT16: {
      uint16_t x = sr_cv_f32_to_f16((float)v);
      store(data, i, &x, 2);
      return;
    }
    case SIGRUN_TYPE_BOOL: ((uint8_t*)data)[i] = v != 0; return;
    default: {
      int64_t x = 0;
      if (v == v) x = v >= 9.2e18 ? INT64_MAX : v <= -9.2e18 ? INT64_MIN : (int64_t)v;
      sr_cv_set_i(data, t, i, x);
      return;
    }
  }
}

/* ---- binary ---- */

int sr_cv_foldable_binary(int code) {
  switch (code) {
    case SR_BUILTIN_ADD:
    case SR_BUILTIN_SUB:
    case SR_BUILTIN_MUL:
    case SR_BUILTIN_DIV:
    case SR_BUILTIN_FLOOR_DIV:
    case SR_BUILTIN_FLOOR_MOD:
    case SR_BUILTIN_MAXIMUM:
    case SR_BUILTIN_MINIMUM:
    case SR_BUILTIN_POW:
    case SR_BUILTIN_SQUARED_DIFFERENCE:
    case SR_BUILTIN_LESS:
    case SR_BUILTIN_LESS_EQUAL:
    case SR_BUILTIN_GREATER:
    case SR_BUILTIN_GREATER_EQUAL:
    case SR_BUILTIN_EQUAL:
    case SR_BUILTIN_NOT_EQUAL:
    case SR_BUILTIN_LOGICAL_AND:
    case SR_BUILTIN_LOGICAL_OR: return 1;
    default: return 0;
  }
}

static int is_compare(int code) {
  return code == SR_BUILTIN_LESS || code == SR_BUILTIN_LESS_EQUAL || code == SR_BUILTIN_GREATER ||
         code == SR_BUILTIN_GREATER_EQUAL || code == SR_BUILTIN_EQUAL || code == SR_BUILTIN_NOT_EQUAL;
}

static double binary_f(int code, double a, double b) {
  switch (code) {
    case SR_BUILTIN_ADD: return a + b;
    case SR_BUILTIN_SUB: return a - b;
    case SR_BUILTIN_MUL: return a * b;
    case SR_BUILTIN_DIV: return a / b;
    case SR_BUILTIN_FLOOR_DIV: return floor(a / b);
    case SR_BUILTIN_FLOOR_MOD: {
      double m = fmod(a, b);
      return (m != 0 && ((m < 0) != (b < 0))) ? m + b : m;
    }
    case SR_BUILTIN_MAXIMUM: return a > b || a != a ? a : b;
    case SR_BUILTIN_MINIMUM: return a < b || a != a ? a : b;
    case SR_BUILTIN_POW: return pow(a, b);
    case SR_BUILTIN_SQUARED_DIFFERENCE: return (a - b) * (a - b);
    case SR_BUILTIN_LESS: return a < b;
    case SR_BUILTIN_LESS_EQUAL: return a <= b;
    case SR_BUILTIN_GREATER: return a > b;
    case SR_BUILTIN_GREATER_EQUAL: return a >= b;
    case SR_BUILTIN_EQUAL: return a == b;
    case SR_BUILTIN_NOT_EQUAL: return a != b;
    case SR_BUILTIN_LOGICAL_AND: return (a != 0) && (b != 0);
    case SR_BUILTIN_LOGICAL_OR: return (a != 0) || (b != 0);
    default: return 0;
  }
}

/* Two's-complement wrapping arithmetic without signed-overflow undefined behaviour. */
static int64_t wrap_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static int64_t wrap_sub(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }
static int64_t wrap_mul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }

static int64_t floor_div_i(int64_t a, int64_t b) {
  if (b == 0) return 0;
  if (b == -1) return (int64_t)(0 - (uint64_t)a);
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

static int64_t binary_i(int code, int64_t a, int64_t b) {
  switch (code) {
    case SR_BUILTIN_ADD: return wrap_add(a, b);
    case SR_BUILTIN_SUB: return wrap_sub(a, b);
    case SR_BUILTIN_MUL: return wrap_mul(a, b);
    case SR_BUILTIN_DIV: /* TF's integer Div truncates toward zero */
      if (b == 0) return 0;
      if (b == -1) return (int64_t)(0 - (uint64_t)a);
      return a / b;
    case SR_BUILTIN_FLOOR_DIV: return floor_div_i(a, b);
    case SR_BUILTIN_FLOOR_MOD:
      if (b == 0 || b == -1) return 0;
      return wrap_sub(a, wrap_mul(floor_div_i(a, b), b));
    case SR_BUILTIN_MAXIMUM: return a > b ? a : b;
    case SR_BUILTIN_MINIMUM: return a < b ? a : b;
    case SR_BUILTIN_POW: {
      if (b < 0) return a == 1 ? 1 : 0;
      int64_t r = 1;
      for (int64_t k = 0; k < b && k < 64; k++) r = wrap_mul(r, a);
      return r;
    }
    case SR_BUILTIN_SQUARED_DIFFERENCE: {
      int64_t d = wrap_sub(a, b);
      return wrap_mul(d, d);
    }
    default: return (int64_t)binary_f(code, (double)a, (double)b);
  }
}

/* Row-major walk over dims: calls back with the linear offsets into a and b given their (broadcast) strides. */
typedef struct walker {
  int rank;
  int64_t dims[SR_MAX_RANK];
  size_t sa[SR_MAX_RANK], sb[SR_MAX_RANK];
  int64_t idx[SR_MAX_RANK];
  size_t oa, ob;
} walker;

static void strides_for(const sr_cv_tensor* t, int rank, const int64_t* dims, size_t* s) {
  size_t stride = 1;
  for (int i = rank - 1; i >= 0; i--) {
    int ti = i - (rank - t->rank);
    if (ti < 0 || (t->dims[ti] == 1 && dims[i] != 1)) {
      s[i] = 0;
    } else {
      s[i] = stride;
    }
    if (ti >= 0) stride *= (size_t)t->dims[ti];
  }
}

static void walker_next(walker* w) {
  for (int d = w->rank - 1; d >= 0; d--) {
    w->idx[d]++;
    w->oa += w->sa[d];
    w->ob += w->sb[d];
    if (w->idx[d] < w->dims[d]) return;
    w->oa -= w->sa[d] * (size_t)w->dims[d];
    w->ob -= w->sb[d] * (size_t)w->dims[d];
    w->idx[d] = 0;
  }
}

void sr_cv_fold_binary(int code, const sr_cv_tensor* a, const sr_cv_tensor* b, sigrun_type out_type, int rank,
                       const int64_t* dims, void* out) {
  walker w;
  memset(&w, 0, sizeof w);
  w.rank = rank;
  size_t count = 1;
  for (int i = 0; i < rank; i++) {
    w.dims[i] = dims[i];
    count *= (size_t)dims[i];
  }
  strides_for(a, rank, dims, w.sa);
  strides_for(b, rank, dims, w.sb);
  int as_float = sr_cv_is_float(a->type) || sr_cv_is_float(b->type);
  for (size_t i = 0; i < count; i++, walker_next(&w)) {
    if (as_float) {
      double r = binary_f(code, sr_cv_elem_f(a->data, a->type, w.oa), sr_cv_elem_f(b->data, b->type, w.ob));
      if (is_compare(code) || code == SR_BUILTIN_LOGICAL_AND || code == SR_BUILTIN_LOGICAL_OR)
        sr_cv_set_i(out, out_type, i, r != 0);
      else
        sr_cv_set_f(out, out_type, i, r);
    } else {
      sr_cv_set_i(out, out_type, i,
                  binary_i(code, sr_cv_elem_i(a->data, a->type, w.oa), sr_cv_elem_i(b->data, b->type, w.ob)));
    }
  }
}

void sr_cv_fold_binary_known(int code, const int64_t* a, size_t na, const int64_t* b, size_t nb, int64_t* out,
                             size_t n) {
  for (size_t i = 0; i < n; i++) {
    int64_t x = a[na == 1 ? 0 : i], y = b[nb == 1 ? 0 : i];
    out[i] = x == SR_CV_UNKNOWN || y == SR_CV_UNKNOWN ? SR_CV_UNKNOWN : binary_i(code, x, y);
  }
}

/* ---- unary ---- */

int sr_cv_foldable_unary(int code) {
  switch (code) {
    case SR_BUILTIN_NEG:
    case SR_BUILTIN_RSQRT:
    case SR_BUILTIN_SQRT:
    case SR_BUILTIN_EXP:
    case SR_BUILTIN_LOG:
    case SR_BUILTIN_ABS:
    case SR_BUILTIN_SQUARE:
    case SR_BUILTIN_LOGISTIC:
    case SR_BUILTIN_TANH:
    case SR_BUILTIN_RELU:
    case SR_BUILTIN_RELU6:
    case SR_BUILTIN_RELU_N1_TO_1:
    case SR_BUILTIN_FLOOR:
    case SR_BUILTIN_CEIL:
    case SR_BUILTIN_ROUND:
    case SR_BUILTIN_SIN:
    case SR_BUILTIN_COS:
    case SR_BUILTIN_LOGICAL_NOT:
    case SR_BUILTIN_LEAKY_RELU:
    case SR_BUILTIN_ELU:
    case SR_BUILTIN_SIGN: return 1;
    default: return 0;
  }
}

static double unary_f(int code, const sr_cv_opts* o, double x) {
  switch (code) {
    case SR_BUILTIN_NEG: return -x;
    case SR_BUILTIN_RSQRT: return 1.0 / sqrt(x);
    case SR_BUILTIN_SQRT: return sqrt(x);
    case SR_BUILTIN_EXP: return exp(x);
    case SR_BUILTIN_LOG: return log(x);
    case SR_BUILTIN_ABS: return fabs(x);
    case SR_BUILTIN_SQUARE: return x * x;
    case SR_BUILTIN_LOGISTIC: return 1.0 / (1.0 + exp(-x));
    case SR_BUILTIN_TANH: return tanh(x);
    case SR_BUILTIN_RELU: return x > 0 ? x : 0;
    case SR_BUILTIN_RELU6: return x < 0 ? 0 : x > 6 ? 6 : x;
    case SR_BUILTIN_RELU_N1_TO_1: return x < -1 ? -1 : x > 1 ? 1 : x;
    case SR_BUILTIN_FLOOR: return floor(x);
    case SR_BUILTIN_CEIL: return ceil(x);
    case SR_BUILTIN_ROUND: return nearbyint(x); /* half to even, as TF's Round */
    case SR_BUILTIN_SIN: return sin(x);
    case SR_BUILTIN_COS: return cos(x);
    case SR_BUILTIN_LOGICAL_NOT: return x == 0;
    case SR_BUILTIN_LEAKY_RELU: return x > 0 ? x : x * (o ? o->alpha : 0.2f);
    case SR_BUILTIN_ELU: return x > 0 ? x : expm1(x);
    case SR_BUILTIN_SIGN: return (x > 0) - (x < 0);
    default: return 0;
  }
}

void sr_cv_fold_unary(int code, const sr_cv_opts* opts, const sr_cv_tensor* a, sigrun_type out_type, void* out) {
  size_t count;
  sr_cv_count(a, &count);
  for (size_t i = 0; i < count; i++) {
    if (code == SR_BUILTIN_RSQRT && a->type == SIGRUN_TYPE_FLOAT32 && out_type == SIGRUN_TYPE_FLOAT32) {
      /* TF's float Rsqrt is 1 / sqrt in float, two roundings; doing the same keeps folded batch-norm scales
       * (and the weights they scale) bit-identical to TensorFlow's and LiteRT's converter's. */
      float x = (float)sr_cv_elem_f(a->data, a->type, i);
      sr_cv_set_f(out, out_type, i, 1.0f / sqrtf(x));
    } else if (sr_cv_is_float(a->type)) {
      sr_cv_set_f(out, out_type, i, unary_f(code, opts, sr_cv_elem_f(a->data, a->type, i)));
    } else {
      int64_t x = sr_cv_elem_i(a->data, a->type, i), r;
      switch (code) {
        case SR_BUILTIN_NEG: r = (int64_t)(0 - (uint64_t)x); break;
        case SR_BUILTIN_ABS: r = x < 0 ? (int64_t)(0 - (uint64_t)x) : x; break;
        case SR_BUILTIN_SQUARE: r = wrap_mul(x, x); break;
        case SR_BUILTIN_SIGN: r = (x > 0) - (x < 0); break;
        case SR_BUILTIN_LOGICAL_NOT: r = x == 0; break;
        default: r = (int64_t)unary_f(code, opts, (double)x); break;
      }
      sr_cv_set_i(out, out_type, i, r);
    }
  }
}

void sr_cv_fold_transpose(const void* in, size_t elem, int rank, const int64_t* dims, const int* perm, void* out) {
  size_t in_strides[SR_MAX_RANK], count = 1;
  for (int i = rank - 1; i >= 0; i--) {
    in_strides[i] = count;
    count *= (size_t)dims[i];
  }
  int64_t odims[SR_MAX_RANK], idx[SR_MAX_RANK] = {0};
  size_t step[SR_MAX_RANK];
  for (int i = 0; i < rank; i++) {
    odims[i] = dims[perm[i]];
    step[i] = in_strides[perm[i]];
  }
  size_t src = 0;
  for (size_t o = 0; o < count; o++) {
    memcpy((uint8_t*)out + o * elem, (const uint8_t*)in + src * elem, elem);
    for (int d = rank - 1; d >= 0; d--) {
      idx[d]++;
      src += step[d];
      if (idx[d] < odims[d]) break;
      src -= step[d] * (size_t)odims[d];
      idx[d] = 0;
    }
  }
}
