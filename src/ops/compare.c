/*
 * compare.c — EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, LOGICAL_AND, LOGICAL_OR, SELECT and
 * SELECT_V2, all with NumPy broadcasting (SELECT: LiteRT's rank-1 or scalar condition instead). LiteRT's
 * rules, checked against it:
 *  - comparisons of float32, int32, int64 and unquantized int16 compare raw values (EQUAL/NOT_EQUAL also
 *    take bool);
 *  - int8/uint8 (and quantized int16 in EQUAL/NOT_EQUAL) are compared after rescaling each side on its own:
 *    (q - zero_point) << 8 times the input's scale as a fixed-point multiplier. Values closer than the
 *    rounding of that product compare equal, exactly as in LiteRT. LESS/GREATER on int16 compare raw
 *    values even when quantized (as LiteRT does);
 *  - SELECT/SELECT_V2 copy bits, so every type (and any quantization) works.
 */
#include <stdbool.h>

#include "broadcast.h"
#include "quant.h"
#include "../format/schema_enums.h"

/* ---- comparisons ---- */

typedef enum cmp_op { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_AND, CMP_OR, CMP_COUNT } cmp_op;
enum { CT_F32, CT_S32, CT_S64, CT_S16, CT_B8, CT_QS8, CT_QU8, CT_QS16, CT_COUNT };

typedef struct cmp_params {
  int32_t off1, off2;
  sr_qmul m1, m2;
} cmp_params;

typedef struct cmp_data cmp_data;
typedef void (*cmp_kernel)(const cmp_data* d, const void* a, const void* b, uint8_t* out);

struct cmp_data {
  sr_broadcast_plan plan;
  cmp_kernel kernel;
  cmp_params c;
};

/* LiteRT's left shift of 8 gives the rescaled values headroom below 2^31 for 16-bit inputs too. */
static inline int32_t rescale(int32_t v, int32_t off, sr_qmul m) { return sr_quant_mul((v + off) * 256, m); }

#define CMP_OPS(X) X(eq, ==) X(ne, !=) X(lt, <) X(le, <=) X(gt, >) X(ge, >=)

#define DEF_RAW(T, TAG, NAME, OP) \
  static inline uint8_t TAG##_##NAME(T a, T b, const cmp_params* c) { (void)c; return (uint8_t)(a OP b); }
#define DEF_RAW_F32(NAME, OP) DEF_RAW(float, f32, NAME, OP)
#define DEF_RAW_S32(NAME, OP) DEF_RAW(int32_t, s32, NAME, OP)
#define DEF_RAW_S64(NAME, OP) DEF_RAW(int64_t, s64, NAME, OP)
#define DEF_RAW_S16(NAME, OP) DEF_RAW(int16_t, s16, NAME, OP)
#define DEF_SCALED(NAME, OP)                                                 \
  static inline uint8_t q_##NAME(int32_t a, int32_t b, const cmp_params* c) { \
    return (uint8_t)(rescale(a, c->off1, c->m1) OP rescale(b, c->off2, c->m2)); \
  }
CMP_OPS(DEF_RAW_F32)
CMP_OPS(DEF_RAW_S32)
CMP_OPS(DEF_RAW_S64)
CMP_OPS(DEF_RAW_S16)
CMP_OPS(DEF_SCALED)
DEF_RAW(uint8_t, b8, eq, ==)
DEF_RAW(uint8_t, b8, ne, !=)
static inline uint8_t b8_and(uint8_t a, uint8_t b, const cmp_params* c) { (void)c; return (uint8_t)(a && b); }
static inline uint8_t b8_or(uint8_t a, uint8_t b, const cmp_params* c) { (void)c; return (uint8_t)(a || b); }

#define SR_CMP_KERNEL(NAME, T, F)                                                  \
  static void NAME(const cmp_data* d, const void* a, const void* b, uint8_t* y) {  \
    const cmp_params c = d->c;                                                     \
    SR_BROADCAST_APPLY2(&d->plan, T, a, T, b, uint8_t, y, F, &c);                  \
  }
#define DEF_K_F32(NAME, OP) SR_CMP_KERNEL(sr_f32_##NAME##__ref, float, f32_##NAME)
#define DEF_K_S32(NAME, OP) SR_CMP_KERNEL(sr_s32_##NAME##__ref, int32_t, s32_##NAME)
#define DEF_K_S64(NAME, OP) SR_CMP_KERNEL(sr_s64_##NAME##__ref, int64_t, s64_##NAME)
#define DEF_K_S16(NAME, OP) SR_CMP_KERNEL(sr_s16_##NAME##__ref, int16_t, s16_##NAME)
#define DEF_K_QS8(NAME, OP) SR_CMP_KERNEL(sr_qs8_##NAME##__ref, int8_t, q_##NAME)
#define DEF_K_QU8(NAME, OP) SR_CMP_KERNEL(sr_qu8_##NAME##__ref, uint8_t, q_##NAME)
CMP_OPS(DEF_K_F32)
CMP_OPS(DEF_K_S32)
CMP_OPS(DEF_K_S64)
CMP_OPS(DEF_K_S16)
CMP_OPS(DEF_K_QS8)
CMP_OPS(DEF_K_QU8)
SR_CMP_KERNEL(sr_qs16_eq__ref, int16_t, q_eq)
SR_CMP_KERNEL(sr_qs16_ne__ref, int16_t, q_ne)
SR_CMP_KERNEL(sr_b8_eq__ref, uint8_t, b8_eq)
SR_CMP_KERNEL(sr_b8_ne__ref, uint8_t, b8_ne)
SR_CMP_KERNEL(sr_b8_and__ref, uint8_t, b8_and)
SR_CMP_KERNEL(sr_b8_or__ref, uint8_t, b8_or)

#define ROW(TAG) {sr_##TAG##_eq__ref, sr_##TAG##_ne__ref, sr_##TAG##_lt__ref, sr_##TAG##_le__ref, \
                  sr_##TAG##_gt__ref, sr_##TAG##_ge__ref}
/* NULL = not supported for that op (as in LiteRT). */
static const cmp_kernel kernels[CT_COUNT][CMP_COUNT] = {
    [CT_F32] = ROW(f32),
    [CT_S32] = ROW(s32),
    [CT_S64] = ROW(s64),
    [CT_S16] = ROW(s16),
    [CT_B8] = {sr_b8_eq__ref, sr_b8_ne__ref, NULL, NULL, NULL, NULL, sr_b8_and__ref, sr_b8_or__ref},
    [CT_QS8] = ROW(qs8),
    [CT_QU8] = ROW(qu8),
    [CT_QS16] = {sr_qs16_eq__ref, sr_qs16_ne__ref, sr_s16_lt__ref, sr_s16_le__ref, sr_s16_gt__ref, sr_s16_ge__ref},
};
#undef ROW

static const char* const cmp_supported[CMP_COUNT] = {
    "float32, int32, int64, int16, bool, int8, uint8", "float32, int32, int64, int16, bool, int8, uint8",
    "float32, int32, int64, int16, int8, uint8",       "float32, int32, int64, int16, int8, uint8",
    "float32, int32, int64, int16, int8, uint8",       "float32, int32, int64, int16, int8, uint8",
    "bool",                                            "bool",
};

static int cmp_slot(const sr_tensor* t) {
  switch (t->type) {
    case SIGRUN_TYPE_FLOAT32: return CT_F32;
    case SIGRUN_TYPE_INT32: return CT_S32;
    case SIGRUN_TYPE_INT64: return CT_S64;
    case SIGRUN_TYPE_INT16: return t->def->quant.count > 0 ? CT_QS16 : CT_S16;
    case SIGRUN_TYPE_BOOL: return CT_B8;
    case SIGRUN_TYPE_INT8: return CT_QS8;
    case SIGRUN_TYPE_UINT8: return CT_QU8;
    default: return -1;
  }
}

/* Each input's own scale as LiteRT's fixed-point multiplier. */
static sigrun_status prepare_scaling(sr_node* node, const sr_tensor* a, const sr_tensor* b, cmp_params* c) {
  float sa, sb;
  int32_t za, zb;
  sigrun_status st = sr_quant_params(node, a, "input 0", &sa, &za);
  if (st || (st = sr_quant_params(node, b, "input 1", &sb, &zb))) return st;
  c->off1 = -za, c->off2 = -zb;
  c->m1 = sr_quant_multiplier((double)sa);
  c->m2 = sr_quant_multiplier((double)sb);
  return SIGRUN_STATUS_OK;
}

static sigrun_status prepare_compare(sr_node* node, cmp_op op) {
  sr_tensor *a, *b;
  sigrun_status st = sr_node_check_io(node, 2, 2, 1);
  if (st || (st = sr_node_input(node, 0, &a)) || (st = sr_node_input(node, 1, &b))) return st;
  if (a->type != b->type)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "input 0 (tensor %d) has type %s but input 1 (tensor %d) has type %s; expected equal types",
                        a->index, sigrun_type_name(a->type), b->index, sigrun_type_name(b->type));
  int slot = cmp_slot(a);
  cmp_kernel kernel = slot >= 0 ? kernels[slot][op] : NULL;
  if (!kernel)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "input type %s (tensor %d) is not supported; supported: %s",
                        sigrun_type_name(a->type), a->index, cmp_supported[op]);
  if ((st = sr_node_check_type(node, node->outputs[0], "output 0", SIGRUN_TYPE_BOOL))) return st;
  int32_t dims[SR_MAX_RANK];
  int rank = 0;
  if ((st = sr_broadcast_output_shape(node, a, b, dims, &rank)) || (st = sr_node_resize_output(node, 0, rank, dims)))
    return st;
  cmp_data* d = sr_node_alloc_data(node, sizeof *d);
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  const int32_t* in_dims[2] = {a->dims, b->dims};
  const int in_ranks[2] = {a->rank, b->rank};
  sr_broadcast_plan_init(&d->plan, 2, in_dims, in_ranks, dims, rank);
  d->kernel = kernel;
  if (slot == CT_QS8 || slot == CT_QU8 || (slot == CT_QS16 && op <= CMP_NE)) return prepare_scaling(node, a, b, &d->c);
  return SIGRUN_STATUS_OK;
}

static sigrun_status eval_compare(sr_node* node) {
  const cmp_data* d = node->data;
  sr_tensor* y = node->outputs[0];
  if (sr_tensor_count(y) == 0) return SIGRUN_STATUS_OK;
  d->kernel(d, node->inputs[0]->data, node->inputs[1]->data, y->data);
  return SIGRUN_STATUS_OK;
}

#define SR_CMP_OP(FN, op)                                                           \
  static sigrun_status prepare_##FN(sr_node* node) { return prepare_compare(node, op); }
SR_CMP_OP(equal, CMP_EQ)
SR_CMP_OP(not_equal, CMP_NE)
SR_CMP_OP(less, CMP_LT)
SR_CMP_OP(less_equal, CMP_LE)
SR_CMP_OP(greater, CMP_GT)
SR_CMP_OP(greater_equal, CMP_GE)
SR_CMP_OP(logical_and, CMP_AND)
SR_CMP_OP(logical_or, CMP_OR)
#undef SR_CMP_OP

/* Every comparison's options table is empty; only its union type is checked. */
#define SR_CMP_PARSE(FN, TYPE)                                                        \
  static sigrun_status parse_##FN(sr_parse_ctx* ctx, const void** out_params) {       \
    *out_params = NULL;                                                               \
    return sr_parse_expect_options(ctx, TYPE, 1);                                     \
  }
SR_CMP_PARSE(equal, SR_OPTIONS_EQUAL)
SR_CMP_PARSE(not_equal, SR_OPTIONS_NOT_EQUAL)
SR_CMP_PARSE(less, SR_OPTIONS_LESS)
SR_CMP_PARSE(less_equal, SR_OPTIONS_LESS_EQUAL)
SR_CMP_PARSE(greater, SR_OPTIONS_GREATER)
SR_CMP_PARSE(greater_equal, SR_OPTIONS_GREATER_EQUAL)
SR_CMP_PARSE(logical_and, SR_OPTIONS_LOGICAL_AND)
SR_CMP_PARSE(logical_or, SR_OPTIONS_LOGICAL_OR)
SR_CMP_PARSE(select, SR_OPTIONS_SELECT)
SR_CMP_PARSE(select_v2, SR_OPTIONS_SELECT_V2)
#undef SR_CMP_PARSE

/* ---- SELECT / SELECT_V2 ---- */

typedef enum select_mode { SEL_SAME, SEL_ROWS, SEL_BROADCAST } select_mode;

typedef struct select_data {
  sr_broadcast_plan plan; /* SEL_BROADCAST: inputs condition, x, y */
  select_mode mode;
  size_t elem_size;       /* 1, 2, 4 or 8: the copy is by bits */
  size_t rows, inner;     /* SEL_ROWS: condition element r chooses row r of x or y */
} select_data;

#define SR_SELECT_KERNEL(NAME, T)                                                                      \
  static void NAME(const select_data* d, const uint8_t* c, const void* x_, const void* y_, void* out_, \
                   size_t n) {                                                                         \
    const T* x = x_;                                                                                   \
    const T* y = y_;                                                                                   \
    T* out = out_;                                                                                     \
    if (d->mode == SEL_SAME) {                                                                         \
      for (size_t i = 0; i < n; i++) out[i] = c[i] ? x[i] : y[i];                                      \
    } else if (d->mode == SEL_ROWS) {                                                                  \
      for (size_t r = 0, i = 0; r < d->rows; r++)                                                      \
        for (size_t k = 0; k < d->inner; k++, i++) out[i] = c[r] ? x[i] : y[i];                        \
    } else {                                                                                           \
      const sr_broadcast_plan* p = &d->plan;                                                           \
      const size_t m = sr_broadcast_inner(p);                                                          \
      const size_t sc = sr_broadcast_inner_stride(p, 0), sx = sr_broadcast_inner_stride(p, 1);          \
      const size_t sy = sr_broadcast_inner_stride(p, 2);                                               \
      size_t idx[SR_MAX_RANK] = {0}, off[SR_BROADCAST_MAX_INPUTS] = {0};                               \
      for (size_t row = 0; row < p->outer; row++, out += m) {                                          \
        const uint8_t* rc = c + off[0];                                                                \
        const T* rx = x + off[1];                                                                      \
        const T* ry = y + off[2];                                                                      \
        for (size_t i = 0; i < m; i++) out[i] = rc[i * sc] ? rx[i * sx] : ry[i * sy];                  \
        sr_broadcast_next(p, idx, off);                                                                \
      }                                                                                                \
    }                                                                                                  \
  }
SR_SELECT_KERNEL(sr_x8_select__ref, uint8_t)
SR_SELECT_KERNEL(sr_x16_select__ref, uint16_t)
SR_SELECT_KERNEL(sr_x32_select__ref, uint32_t)
SR_SELECT_KERNEL(sr_x64_select__ref, uint64_t)

static int same_shape(const sr_tensor* a, const sr_tensor* b) {
  if (a->rank != b->rank) return 0;
  for (int i = 0; i < a->rank; i++)
    if (a->dims[i] != b->dims[i]) return 0;
  return 1;
}

/* SELECT: the condition has x's shape, is a scalar, or is rank 1 over x's first dimension; x and y agree. */
static sigrun_status select_v1_shape(sr_node* node, const sr_tensor* c, const sr_tensor* x, const sr_tensor* y,
                                     select_data* d) {
  char sc[128], sx[128], sy[128];
  if (!same_shape(x, y))
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "x (tensor %d) has shape %s but y (tensor %d) has shape %s",
                        x->index, sr_shape_str(x->dims, x->rank, sx, sizeof sx), y->index,
                        sr_shape_str(y->dims, y->rank, sy, sizeof sy));
  if (same_shape(c, x)) return SIGRUN_STATUS_OK;
  size_t n = sr_tensor_count(x);
  if (c->rank == 0 || (c->rank == 1 && x->rank >= 1 && c->dims[0] == x->dims[0])) {
    d->mode = SEL_ROWS;
    d->rows = c->rank == 0 ? 1 : (size_t)c->dims[0];
    d->inner = d->rows ? n / d->rows : 0;
    return SIGRUN_STATUS_OK;
  }
  return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                      "condition (tensor %d) has shape %s; SELECT needs x's shape %s, a scalar, or rank 1 of x's "
                      "first dimension",
                      c->index, sr_shape_str(c->dims, c->rank, sc, sizeof sc),
                      sr_shape_str(x->dims, x->rank, sx, sizeof sx));
}

static sigrun_status select_v2_shape(sr_node* node, const sr_tensor* const* in, int32_t* dims, int* rank,
                                     select_data* d) {
  const int32_t* in_dims[3] = {in[0]->dims, in[1]->dims, in[2]->dims};
  const int in_ranks[3] = {in[0]->rank, in[1]->rank, in[2]->rank};
  int bad_input = 0, bad_axis = 0;
  if (!sr_broadcast_shape_n(3, in_dims, in_ranks, dims, rank, &bad_input, &bad_axis)) {
    char s0[128], s1[128], s2[128];
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                        "condition %s (tensor %d), x %s (tensor %d) and y %s (tensor %d) do not broadcast (input %d "
                        "conflicts)",
                        sr_shape_str(in[0]->dims, in[0]->rank, s0, sizeof s0), in[0]->index,
                        sr_shape_str(in[1]->dims, in[1]->rank, s1, sizeof s1), in[1]->index,
                        sr_shape_str(in[2]->dims, in[2]->rank, s2, sizeof s2), in[2]->index, bad_input);
  }
  d->mode = SEL_BROADCAST;
  sr_broadcast_plan_init(&d->plan, 3, in_dims, in_ranks, dims, *rank);
  return SIGRUN_STATUS_OK;
}

static sigrun_status prepare_select_common(sr_node* node, int v2) {
  sr_tensor *c, *x, *y;
  sigrun_status st = sr_node_check_io(node, 3, 3, 1);
  if (st || (st = sr_node_input(node, 0, &c)) || (st = sr_node_input(node, 1, &x)) || (st = sr_node_input(node, 2, &y)))
    return st;
  if ((st = sr_node_check_type(node, c, "condition (input 0)", SIGRUN_TYPE_BOOL))) return st;
  if (x->type != y->type)
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "x (tensor %d) has type %s but y (tensor %d) has type %s",
                        x->index, sigrun_type_name(x->type), y->index, sigrun_type_name(y->type));
  if ((st = sr_node_check_type(node, node->outputs[0], "output 0", x->type))) return st;
  size_t size = sigrun_type_size(x->type);
  if (size != 1 && size != 2 && size != 4 && size != 8)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "type %s (tensor %d) is not supported: not a fixed-size type",
                        sigrun_type_name(x->type), x->index);
  select_data* d = sr_node_alloc_data(node, sizeof *d);
  if (!d) return SIGRUN_STATUS_NO_MEMORY;
  d->elem_size = size;
  d->mode = SEL_SAME;
  const sr_tensor* out_def = node->outputs[0];
  /* LiteRT keeps the model's output shape when everything holds one element (scalar vs [1] mixes). */
  if (sr_tensor_count(c) == 1 && sr_tensor_count(x) == 1 && sr_tensor_count(y) == 1) {
    int32_t one[SR_MAX_RANK];
    int r = out_def->def->rank;
    size_t count = 1;
    for (int i = 0; i < r; i++) count *= (size_t)(one[i] = out_def->def->dims[i] < 0 ? 1 : out_def->def->dims[i]);
    if (count == 1) return sr_node_resize_output(node, 0, r, one);
  }
  if (same_shape(c, x) && same_shape(x, y)) return sr_node_resize_output(node, 0, x->rank, x->dims);
  if (!v2) {
    if ((st = select_v1_shape(node, c, x, y, d))) return st;
    return sr_node_resize_output(node, 0, x->rank, x->dims);
  }
  const sr_tensor* in[3] = {c, x, y};
  int32_t dims[SR_MAX_RANK];
  int rank = 0;
  if ((st = select_v2_shape(node, in, dims, &rank, d))) return st;
  return sr_node_resize_output(node, 0, rank, dims);
}

static sigrun_status prepare_select(sr_node* node) { return prepare_select_common(node, 0); }
static sigrun_status prepare_select_v2(sr_node* node) { return prepare_select_common(node, 1); }

static sigrun_status eval_select(sr_node* node) {
  const select_data* d = node->data;
  sr_tensor* out = node->outputs[0];
  size_t n = sr_tensor_count(out);
  if (n == 0) return SIGRUN_STATUS_OK;
  const uint8_t* c = node->inputs[0]->data;
  const void* x = node->inputs[1]->data;
  const void* y = node->inputs[2]->data;
  switch (d->elem_size) {
    case 1: sr_x8_select__ref(d, c, x, y, out->data, n); break;
    case 2: sr_x16_select__ref(d, c, x, y, out->data, n); break;
    case 4: sr_x32_select__ref(d, c, x, y, out->data, n); break;
    default: sr_x64_select__ref(d, c, x, y, out->data, n); break;
  }
  return SIGRUN_STATUS_OK;
}

const sr_op_kind sr_op_equal = {"EQUAL", SR_BUILTIN_EQUAL, parse_equal, prepare_equal, eval_compare};
const sr_op_kind sr_op_not_equal = {"NOT_EQUAL", SR_BUILTIN_NOT_EQUAL, parse_not_equal, prepare_not_equal,
                                    eval_compare};
const sr_op_kind sr_op_less = {"LESS", SR_BUILTIN_LESS, parse_less, prepare_less, eval_compare};
const sr_op_kind sr_op_less_equal = {"LESS_EQUAL", SR_BUILTIN_LESS_EQUAL, parse_less_equal, prepare_less_equal,
                                     eval_compare};
const sr_op_kind sr_op_greater = {"GREATER", SR_BUILTIN_GREATER, parse_greater, prepare_greater, eval_compare};
const sr_op_kind sr_op_greater_equal = {"GREATER_EQUAL", SR_BUILTIN_GREATER_EQUAL, parse_greater_equal,
                                        prepare_greater_equal, eval_compare};
const sr_op_kind sr_op_logical_and = {"LOGICAL_AND", SR_BUILTIN_LOGICAL_AND, parse_logical_and, prepare_logical_and,
                                      eval_compare};
const sr_op_kind sr_op_logical_or = {"LOGICAL_OR", SR_BUILTIN_LOGICAL_OR, parse_logical_or, prepare_logical_or,
                                     eval_compare};
const sr_op_kind sr_op_select = {"SELECT", SR_BUILTIN_SELECT, parse_select, prepare_select, eval_select};
const sr_op_kind sr_op_select_v2 = {"SELECT_V2", SR_BUILTIN_SELECT_V2, parse_select_v2, prepare_select_v2,
                                    eval_select};
