/*
 * test_fast_elementwise.c — the vector elementwise kernels (vec_f32.c, elementwise_q8_x86.c, lut_x86.c) and the
 * fast reductions (reduce_fast.c) against the reference kernels, node by node at every ISA level of this CPU.
 * Bit-exact: the RELU family, LEAKY_RELU, HARD_SWISH, PRELU, ADD/SUB/MUL/DIV/MAXIMUM/MINIMUM with every clamping
 * activation and float SQUARED_DIFFERENCE on random broadcast shapes, quantized int8/uint8 ADD/SUB/MUL, 8-bit
 * LOGISTIC/TANH tables, float16 and int8 DEQUANTIZE, float MEAN/SUM over random axes, quantized MEAN (H,W and
 * general). Within a tolerance: LOGISTIC and TANH (3e-7 absolute), GELU (1e-6), SOFTMAX (3e-6 relative). Lengths
 * cover the vector widths, the threading chunk and zero-sized dims; inputs include NaN, infinities, signed zeros,
 * huge and subnormal values. (The fused kernels' rows are in test_fast_fused.c.)
 */
#include <float.h>

#include "fast_diff.h"
#include "ops/activations.h"
#include "ops/elementwise.h"
#include "ops/reduce.h"
#include "ops/softmax.h"
#include "ops/vec_f32.h"

extern const sr_op_kind sr_op_relu, sr_op_relu6, sr_op_relu_n1_to_1, sr_op_relu_0_to_1, sr_op_leaky_relu,
    sr_op_hard_swish, sr_op_logistic, sr_op_tanh, sr_op_add, sr_op_sub, sr_op_mul, sr_op_div, sr_op_maximum,
    sr_op_minimum, sr_op_mean, sr_op_sum, sr_op_prelu,
    sr_op_dequantize, sr_op_gelu, sr_op_softmax, sr_op_squared_difference;

static const size_t kLengths[] = {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 8191, 8192, 8193, 20011};

typedef struct unary_case {
  int32_t dims[1];
  const float* x;
} unary_case;

static void build_unary(sr_test_node* tn, const void* ctx) {
  const unary_case* c = ctx;
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, 1, c->dims, c->x);
  sr_test_output(tn, SIGRUN_TYPE_FLOAT32);
}

static void test_unary(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  const struct {
    const sr_op_kind* kind;
    fd_tol tol;
    float scale;
  } ops[] = {{&sr_op_relu, {0, 0}, 10},          {&sr_op_relu6, {0, 0}, 10},    {&sr_op_relu_n1_to_1, {0, 0}, 3},
             {&sr_op_relu_0_to_1, {0, 0}, 3},    {&sr_op_leaky_relu, {0, 0}, 10}, {&sr_op_hard_swish, {0, 0}, 8},
             {&sr_op_logistic, {3e-7, 0}, 20},   {&sr_op_tanh, {3e-7, 0}, 10}};
  for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
    for (size_t l = 0; l < sizeof kLengths / sizeof kLengths[0]; l++) {
      const size_t n = kLengths[l];
      float* x = malloc((n + 1) * sizeof(float));
      fd_fill_special(x, n, ops[o].scale);
      unary_case c = {{(int32_t)n}, x};
      sr_leaky_relu_params leaky = {fd_rndi(0, 1) ? fd_rndf(-2, 2) : 0.2f};
      const void* params = ops[o].kind == &sr_op_leaky_relu ? &leaky : NULL;
      char what[96];
      snprintf(what, sizeof what, "%s n=%zu", ops[o].kind->name, n);
      for (int i = 0; i < levels; i++)
        CHECK(fd_compare(ops[o].kind, params, build_unary, &c, isas[i], ops[o].tol, what));
      free(x);
    }
}

/* LOGISTIC and TANH on a dense sweep: the largest error stays far below the 1e-5 allowed. */
static void test_smooth_accuracy(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  const size_t n = 200001;
  float* x = malloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++) x[i] = -100.0f + 200.0f * (float)i / (float)(n - 1);
  unary_case c = {{(int32_t)n}, x};
  const fd_tol tight = {2e-7, 4e-7}; /* about 2-3 ulp of results near 1, and relative near 0 */
  for (int i = 0; i < levels; i++) {
    CHECK(fd_compare(&sr_op_logistic, NULL, build_unary, &c, isas[i], tight, "LOGISTIC sweep"));
    CHECK(fd_compare(&sr_op_tanh, NULL, build_unary, &c, isas[i], tight, "TANH sweep"));
  }
  for (size_t i = 0; i < n; i++) x[i] = -1e-3f + 2e-3f * (float)i / (float)(n - 1); /* tanh near 0: relative */
  const fd_tol relative = {1e-12, 4e-7};
  for (int i = 0; i < levels; i++)
    CHECK(fd_compare(&sr_op_tanh, NULL, build_unary, &c, isas[i], relative, "TANH near 0"));
  free(x);
}

/* GELU (erf and tanh forms): within 1e-6 + 1e-6 |y| (the erf approximation's 1.5e-7 times |x| / 2). */
static void test_gelu(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  const size_t n = 100003;
  float* x = malloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++) x[i] = -12.0f + 24.0f * (float)i / (float)(n - 1);
  fd_fill_special(x, 200, 10); /* specials at the start */
  unary_case c = {{(int32_t)n}, x};
  for (int form = 0; form < 2; form++) {
    sr_gelu_params p = {form};
    for (int i = 0; i < levels; i++)
      CHECK(fd_compare(&sr_op_gelu, &p, build_unary, &c, isas[i], (fd_tol){1e-6, 1e-6}, form ? "GELU tanh" : "GELU"));
  }
  free(x);
}

/* The fused swish kernel (for a graph-level LOGISTIC + MUL fusion) gives the bits of the two vector kernels run
 * one after the other, as the nodes would run them. */
static void test_swish_matches_two_kernels(void) {
  const unsigned have = sr_cpu_isa();
  const sr_vec_unary_fn fn = sr_vec_unary_kernel(have);
  const sr_vec_binary_fn mul = sr_vec_binary_kernel(have);
  if (!fn || !mul) return;
  const size_t n = 20011;
  float *x = malloc(n * sizeof(float)), *s = malloc(n * sizeof(float)), *y = malloc(n * sizeof(float)),
        *z = malloc(n * sizeof(float));
  fd_fill_special(x, n, 20);
  const float ranges[2][2] = {{-FLT_MAX, FLT_MAX}, {0.0f, 6.0f}};
  for (int r = 0; r < 2; r++) {
    const sr_vec_unary logistic = {SR_VU_LOGISTIC, 0, 0, 0}, swish = {SR_VU_SWISH, ranges[r][0], ranges[r][1], 0};
    fn(&logistic, x, s, n);
    mul(SR_VB_MUL, x, 1, s, 1, y, n, ranges[r][0], ranges[r][1]);
    fn(&swish, x, z, n);
    for (size_t i = 0; i < n; i++) CHECK(fd_float_close(y[i], z[i], (fd_tol){0, 0}));
  }
  free(x), free(s), free(y), free(z);
}

typedef struct softmax_case {
  int32_t dims[2];
  const float* x;
} softmax_case;

static void build_softmax(sr_test_node* tn, const void* ctx) {
  const softmax_case* c = ctx;
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, 2, c->dims, c->x);
  sr_test_output(tn, SIGRUN_TYPE_FLOAT32);
}

/* SOFTMAX rows of every length around the vector widths, several betas, wide ranges and special values. */
static void test_softmax(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  for (int iter = 0; iter < 200; iter++) {
    softmax_case c = {{fd_rndi(0, 5), (int32_t)kLengths[fd_rndi(1, 16)]}, NULL};
    const size_t n = fd_count(2, c.dims);
    float* x = malloc((n + 1) * sizeof(float));
    const float range = iter % 3 == 0 ? 100.0f : 8.0f;
    for (size_t i = 0; i < n; i++) x[i] = fd_rndf(-range, range);
    if (iter % 7 == 0 && n > 2) x[fd_rndi(0, (int)n - 1)] = iter % 2 ? NAN : -INFINITY;
    c.x = x;
    sr_softmax_params p = {iter % 4 == 0 ? 0.5f : iter % 4 == 1 ? 2.0f : 1.0f};
    for (int i = 0; i < levels; i++)
      CHECK(fd_compare(&sr_op_softmax, &p, build_softmax, &c, isas[i], (fd_tol){1e-7, 3e-6}, "SOFTMAX"));
    free(x);
  }
}

typedef struct lut_case {
  sigrun_type type;
  int32_t dims[1];
  const uint8_t* x;
  float scale[2];
  int64_t zp[2];
} lut_case;

static void build_lut(sr_test_node* tn, const void* ctx) {
  const lut_case* c = ctx;
  sr_tensor* x = sr_test_input(tn, c->type, 1, c->dims, c->x);
  sr_tensor* y = sr_test_output(tn, c->type);
  sr_test_set_quant(x, 1, &c->scale[0], &c->zp[0], 0);
  sr_test_set_quant(y, 1, &c->scale[1], &c->zp[1], 0);
}

/* int8/uint8 LOGISTIC and TANH: the vector table lookup gives the reference's bytes at every length. */
static void test_lut8(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  uint8_t* x = malloc(20011);
  for (size_t i = 0; i < 20011; i++) x[i] = (uint8_t)(i < 256 ? i : fd_rnd());
  for (size_t l = 0; l < sizeof kLengths / sizeof kLengths[0]; l++)
    for (int k = 0; k < 4; k++) {
      const int is_signed = k & 1, tanh = k >> 1;
      lut_case c = {is_signed ? SIGRUN_TYPE_INT8 : SIGRUN_TYPE_UINT8, {(int32_t)kLengths[l]}, x,
                    {fd_rndf(0.01f, 0.2f), tanh ? 1.0f / 128 : 1.0f / 256},
                    {is_signed ? fd_rndi(-10, 10) : 128 + fd_rndi(-10, 10),
                     tanh ? (is_signed ? 0 : 128) : (is_signed ? -128 : 0)}};
      for (int i = 0; i < levels; i++)
        CHECK(fd_compare(tanh ? &sr_op_tanh : &sr_op_logistic, NULL, build_lut, &c, isas[i], (fd_tol){0, 0},
                         "8-bit LUT"));
    }
  free(x);
}

typedef struct binary_case {
  int ra, rb;
  int32_t da[6], db[6];
  const float *a, *b;
} binary_case;

static void build_binary(sr_test_node* tn, const void* ctx) {
  const binary_case* c = ctx;
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, c->ra, c->da, c->a);
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, c->rb, c->db, c->b);
  sr_test_output(tn, SIGRUN_TYPE_FLOAT32);
}

/* Shapes that broadcast: an output shape, then each input drops leading dims and sets some dims to 1. */
static void random_broadcast(binary_case* c) {
  int32_t out[6];
  const int rank = fd_rndi(0, 5);
  const int long_row = fd_rndi(0, 15) == 0;
  for (int i = 0; i < rank; i++) out[i] = fd_rndi(1, i == rank - 1 ? 40 : 6);
  if (rank && long_row) out[rank - 1] = fd_rndi(16380, 17000);
  if (rank && fd_rndi(0, 11) == 0) out[fd_rndi(0, rank - 1)] = 0;
  c->ra = rank - fd_rndi(0, rank);
  c->rb = fd_rndi(0, 1) ? rank : rank - fd_rndi(0, rank);
  if (fd_rndi(0, 1)) c->ra = rank;
  for (int i = 0; i < c->ra; i++) c->da[i] = fd_rndi(0, 3) == 0 ? 1 : out[rank - c->ra + i];
  for (int i = 0; i < c->rb; i++) c->db[i] = fd_rndi(0, 3) == 0 ? 1 : out[rank - c->rb + i];
}

static void test_binary(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  const sr_op_kind* kinds[] = {&sr_op_add, &sr_op_sub, &sr_op_mul, &sr_op_div, &sr_op_maximum, &sr_op_minimum};
  for (int iter = 0; iter < 600; iter++) {
    binary_case c;
    random_broadcast(&c);
    const size_t na = fd_count(c.ra, c.da), nb = fd_count(c.rb, c.db);
    float* a = malloc((na + 1) * sizeof(float));
    float* b = malloc((nb + 1) * sizeof(float));
    fd_fill_special(a, na, 10);
    fd_fill_special(b, nb, 10);
    c.a = a, c.b = b;
    const sr_op_kind* kind = kinds[iter % 6];
    sr_binary_params p = {iter % 6 < 4 ? fd_rndi(0, 3) : 0, 1};
    char what[128];
    snprintf(what, sizeof what, "%s act %d ranks %d/%d (%zu, %zu elements)", kind->name, p.activation, c.ra, c.rb, na,
             nb);
    for (int i = 0; i < levels; i++) CHECK(fd_compare(kind, &p, build_binary, &c, isas[i], (fd_tol){0, 0}, what));
    free(a), free(b);
  }
}

/* Float SQUARED_DIFFERENCE (binary.c) on the vector kernels: bit-exact on random broadcast shapes. */
static void test_squared_difference(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  for (int iter = 0; iter < 300; iter++) {
    binary_case c;
    random_broadcast(&c);
    const size_t na = fd_count(c.ra, c.da), nb = fd_count(c.rb, c.db);
    float* a = malloc((na + 1) * sizeof(float));
    float* b = malloc((nb + 1) * sizeof(float));
    fd_fill_special(a, na, 10);
    fd_fill_special(b, nb, 10);
    c.a = a, c.b = b;
    char what[128];
    snprintf(what, sizeof what, "SQUARED_DIFFERENCE ranks %d/%d (%zu, %zu elements)", c.ra, c.rb, na, nb);
    for (int i = 0; i < levels; i++)
      CHECK(fd_compare(&sr_op_squared_difference, NULL, build_binary, &c, isas[i], (fd_tol){0, 0}, what));
    free(a), free(b);
  }
}

/* PRELU: alpha broadcast against the input (whose shape is the output's). */
static void test_prelu(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  for (int iter = 0; iter < 300; iter++) {
    binary_case c;
    c.ra = fd_rndi(0, 5);
    for (int i = 0; i < c.ra; i++) c.da[i] = fd_rndi(1, i == c.ra - 1 ? 40 : 6);
    if (c.ra && fd_rndi(0, 11) == 0) c.da[fd_rndi(0, c.ra - 1)] = 0;
    if (c.ra && fd_rndi(0, 15) == 0) c.da[c.ra - 1] = fd_rndi(16380, 17000);
    c.rb = fd_rndi(0, c.ra);
    for (int i = 0; i < c.rb; i++) c.db[i] = fd_rndi(0, 2) == 0 ? 1 : c.da[c.ra - c.rb + i];
    const size_t na = fd_count(c.ra, c.da), nb = fd_count(c.rb, c.db);
    float* a = malloc((na + 1) * sizeof(float));
    float* b = malloc((nb + 1) * sizeof(float));
    fd_fill_special(a, na, 10);
    fd_fill_special(b, nb, 2);
    c.a = a, c.b = b;
    for (int i = 0; i < levels; i++)
      CHECK(fd_compare(&sr_op_prelu, NULL, build_binary, &c, isas[i], (fd_tol){0, 0}, "PRELU"));
    free(a), free(b);
  }
}

/* In place: output buffer == input 0 (the planner may share them); same values as the reference. */
static void test_binary_in_place(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  for (int l = 0; l < levels; l++) {
    const size_t n = 1001;
    float* a = malloc(n * sizeof(float));
    float b[1] = {2.5f};
    fd_fill_special(a, n, 10);
    float* expect = malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++) expect[i] = a[i] * b[0];
    sr_test_node tn;
    sr_test_node_init(&tn, "MUL");
    const int32_t da[1] = {(int32_t)n}, db[1] = {1};
    sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, da, a);
    sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, db, b);
    sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
    tn.node.isa = isas[l];
    sr_binary_params p = {SR_ACT_NONE, 1};
    CHECK(sr_test_run(&tn, &sr_op_mul, &p) == SIGRUN_STATUS_OK); /* prepares the node */
    void* own = tn.outputs[0].data;
    tn.outputs[0].data = a; /* alias */
    CHECK(sr_op_mul.eval(&tn.node) == SIGRUN_STATUS_OK);
    tn.outputs[0].data = own;
    for (size_t i = 0; i < n; i++) {
      const float e = fminf(fmaxf(expect[i], -FLT_MAX), FLT_MAX);
      CHECK(fd_float_close(isnan(expect[i]) ? expect[i] : e, a[i], (fd_tol){0, 0}));
    }
    sr_test_node_free(&tn);
    free(a), free(expect);
  }
}

typedef struct qbinary_case {
  binary_case shape;
  sigrun_type type;
  float scale[3];
  int64_t zp[3];
} qbinary_case;

static void build_qbinary(sr_test_node* tn, const void* ctx) {
  const qbinary_case* c = ctx;
  sr_tensor* a = sr_test_input(tn, c->type, c->shape.ra, c->shape.da, c->shape.a);
  sr_tensor* b = sr_test_input(tn, c->type, c->shape.rb, c->shape.db, c->shape.b);
  sr_tensor* y = sr_test_output(tn, c->type);
  sr_test_set_quant(a, 1, &c->scale[0], &c->zp[0], 0);
  sr_test_set_quant(b, 1, &c->scale[1], &c->zp[1], 0);
  sr_test_set_quant(y, 1, &c->scale[2], &c->zp[2], 0);
}

/* int8/uint8 ADD, SUB, MUL: random broadcast shapes, scales over several octaves (so the multipliers' shifts
 * vary in sign), zero points across the range, every clamping activation. */
static void test_quantized_binary(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  const sr_op_kind* kinds[] = {&sr_op_add, &sr_op_sub, &sr_op_mul};
  for (int iter = 0; iter < 900; iter++) {
    qbinary_case c;
    random_broadcast(&c.shape);
    c.type = iter % 2 ? SIGRUN_TYPE_INT8 : SIGRUN_TYPE_UINT8;
    const int64_t base = c.type == SIGRUN_TYPE_UINT8 ? 128 : 0;
    for (int k = 0; k < 3; k++) {
      c.scale[k] = fd_rndf(0.5f, 1.0f) * powf(2.0f, (float)fd_rndi(-9, 3));
      c.zp[k] = base + fd_rndi(-128, 127) / (fd_rndi(0, 2) ? 4 : 1);
    }
    const size_t na = fd_count(c.shape.ra, c.shape.da), nb = fd_count(c.shape.rb, c.shape.db);
    uint8_t* a = malloc(na + 1);
    uint8_t* b = malloc(nb + 1);
    for (size_t i = 0; i < na; i++) a[i] = (uint8_t)fd_rnd();
    for (size_t i = 0; i < nb; i++) b[i] = (uint8_t)fd_rnd();
    c.shape.a = (const float*)(const void*)a, c.shape.b = (const float*)(const void*)b;
    const sr_op_kind* kind = kinds[iter % 3];
    sr_binary_params p = {fd_rndi(0, 3), 1};
    char what[160];
    snprintf(what, sizeof what, "quantized %s %s act %d ranks %d/%d (%zu, %zu elements)", sigrun_type_name(c.type),
             kind->name, p.activation, c.shape.ra, c.shape.rb, na, nb);
    for (int i = 0; i < levels; i++) CHECK(fd_compare(kind, &p, build_qbinary, &c, isas[i], (fd_tol){0, 0}, what));
    free(a), free(b);
  }
}

/* int8 DEQUANTIZE per tensor: zero points up to the vector kernel's limit (and one past it, which declines),
 * scales whose products are subnormal, ordinary or overflow. */
typedef struct s8_case {
  int32_t dims[1];
  const int8_t* x;
  float scale;
  int64_t zp;
} s8_case;

static void build_dequant_s8(sr_test_node* tn, const void* ctx) {
  const s8_case* c = ctx;
  sr_tensor* x = sr_test_input(tn, SIGRUN_TYPE_INT8, 1, c->dims, c->x);
  sr_test_set_quant(x, 1, &c->scale, &c->zp, 0);
  sr_test_output(tn, SIGRUN_TYPE_FLOAT32);
}

static void test_dequantize_s8(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  static const int64_t zps[] = {0, -128, 127, 5, -77, (1 << 23) - 256, -(1 << 23) + 256, (1 << 23) - 255, 1 << 30};
  static const float scales[] = {0.0123f, 1.0f, 3.0e-39f, 1.0e-45f, 2.5e37f, 0.1f, 7.0e-3f, 1.0e38f, 0.5f};
  int8_t* x = malloc(20011);
  for (size_t i = 0; i < 20011; i++) x[i] = (int8_t)fd_rnd();
  for (size_t l = 0; l < sizeof kLengths / sizeof kLengths[0]; l++)
    for (int k = 0; k < 9; k++) {
      s8_case c = {{(int32_t)kLengths[l]}, x + (20011 - kLengths[l]), scales[(k + l) % 9], zps[k]};
      char what[96];
      snprintf(what, sizeof what, "DEQUANTIZE int8 n %zu scale %g zp %lld", kLengths[l], (double)c.scale,
               (long long)c.zp);
      for (int i = 0; i < levels; i++)
        CHECK(fd_compare(&sr_op_dequantize, NULL, build_dequant_s8, &c, isas[i], (fd_tol){0, 0}, what));
    }
  free(x);
}

/* float16 DEQUANTIZE: every half value (normals, subnormals, zeros, infinities, NaNs) converts exactly. */
typedef struct f16_case {
  int32_t dims[1];
  const uint16_t* x;
} f16_case;

static void build_f16(sr_test_node* tn, const void* ctx) {
  const f16_case* c = ctx;
  sr_test_input(tn, SIGRUN_TYPE_FLOAT16, 1, c->dims, c->x);
  sr_test_output(tn, SIGRUN_TYPE_FLOAT32);
}

static void test_dequantize_f16(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  uint16_t* all = malloc(65536 * sizeof(uint16_t));
  for (size_t i = 0; i < 65536; i++) all[i] = (uint16_t)i;
  for (size_t l = 0; l < sizeof kLengths / sizeof kLengths[0]; l++) {
    f16_case c = {{(int32_t)kLengths[l]}, all + 65536 - kLengths[l]};
    for (int i = 0; i < levels; i++)
      CHECK(fd_compare(&sr_op_dequantize, NULL, build_f16, &c, isas[i], (fd_tol){0, 0}, "DEQUANTIZE float16"));
  }
  f16_case every = {{65536}, all};
  for (int i = 0; i < levels; i++)
    CHECK(fd_compare(&sr_op_dequantize, NULL, build_f16, &every, isas[i], (fd_tol){0, 0}, "DEQUANTIZE every half"));
  free(all);
}

typedef struct reduce_case {
  int rank;
  int32_t dims[6];
  int32_t axes[6];
  int32_t n_axes[1];
  sigrun_type type;
  const void* x;
  const float* scale;
  const int64_t* zp;
} reduce_case;

static void build_reduce(sr_test_node* tn, const void* ctx) {
  const reduce_case* c = ctx;
  sr_tensor* in = sr_test_input(tn, c->type, c->rank, c->dims, c->x);
  sr_test_input(tn, SIGRUN_TYPE_INT32, 1, c->n_axes, c->axes);
  sr_tensor* out = sr_test_output(tn, c->type);
  if (c->type != SIGRUN_TYPE_FLOAT32) {
    sr_test_set_quant(in, 1, &c->scale[0], &c->zp[0], 0);
    sr_test_set_quant(out, 1, &c->scale[1], &c->zp[1], 0);
  }
}

static void test_float_reductions(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  for (int iter = 0; iter < 400; iter++) {
    reduce_case c = {0};
    c.type = SIGRUN_TYPE_FLOAT32;
    c.rank = fd_rndi(1, 5);
    for (int i = 0; i < c.rank; i++) c.dims[i] = fd_rndi(1, i == c.rank - 1 ? 70 : 9);
    if (fd_rndi(0, 9) == 0) c.dims[fd_rndi(0, c.rank - 1)] = 0;
    if (iter % 4 == 0 && c.rank == 4) c.axes[0] = 1, c.axes[1] = 2, c.n_axes[0] = 2; /* global pooling */
    else {
      const int first = fd_rndi(0, c.rank - 1), count = fd_rndi(1, c.rank - first);
      for (int i = 0; i < count; i++) c.axes[c.n_axes[0]++] = first + i - (fd_rndi(0, 3) == 0 ? c.rank : 0);
      if (fd_rndi(0, 4) == 0) c.axes[c.n_axes[0]++] = fd_rndi(0, c.rank - 1); /* maybe a gap or a repeat */
    }
    const size_t n = fd_count(c.rank, c.dims);
    float* x = malloc((n + 1) * sizeof(float));
    fd_fill_special(x, n, 100);
    if (iter % 2) /* finite values mostly */
      for (size_t i = 0; i < n; i++) x[i] = fd_rndf(-100, 100);
    c.x = x;
    sr_reducer_params p = {fd_rndi(0, 1)};
    for (int k = 0; k < 2; k++)
      for (int i = 0; i < levels; i++)
        CHECK(fd_compare(k ? &sr_op_sum : &sr_op_mean, &p, build_reduce, &c, isas[i], (fd_tol){0, 0}, "float reduce"));
    free(x);
  }
}

static void test_quantized_mean_hw(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  for (int iter = 0; iter < 120; iter++) {
    reduce_case c = {0};
    c.type = iter % 2 ? SIGRUN_TYPE_INT8 : SIGRUN_TYPE_UINT8;
    c.rank = 4;
    c.dims[0] = fd_rndi(1, 2), c.dims[1] = fd_rndi(0, 15), c.dims[2] = fd_rndi(1, 15), c.dims[3] = fd_rndi(1, 600);
    c.axes[0] = 1, c.axes[1] = 2, c.n_axes[0] = 2;
    const size_t n = fd_count(4, c.dims);
    uint8_t* x = malloc(n + 1);
    for (size_t i = 0; i < n; i++) x[i] = (uint8_t)fd_rnd();
    const float scale[2] = {fd_rndf(0.001f, 0.2f), fd_rndf(0.001f, 0.2f)};
    const int64_t zp[2] = {fd_rndi(-20, 20) + (c.type == SIGRUN_TYPE_UINT8 ? 128 : 0),
                           fd_rndi(-20, 20) + (c.type == SIGRUN_TYPE_UINT8 ? 128 : 0)};
    c.x = x, c.scale = scale, c.zp = zp;
    sr_reducer_params p = {1};
    for (int i = 0; i < levels; i++)
      CHECK(fd_compare(&sr_op_mean, &p, build_reduce, &c, isas[i], (fd_tol){0, 0}, "quantized MEAN over H, W"));
    free(x);
  }
}

/* The general quantized MEAN (any axes, keep_dims or not; int8, uint8 and int16 with zero points 0). */
static void test_quantized_mean_general(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  const sigrun_type types[] = {SIGRUN_TYPE_INT8, SIGRUN_TYPE_UINT8, SIGRUN_TYPE_INT16};
  for (int iter = 0; iter < 300; iter++) {
    reduce_case c = {0};
    c.type = types[iter % 3];
    c.rank = fd_rndi(1, 4);
    for (int i = 0; i < c.rank; i++) c.dims[i] = fd_rndi(1, i == c.rank - 1 ? 300 : 12);
    if (fd_rndi(0, 9) == 0) c.dims[fd_rndi(0, c.rank - 1)] = 0;
    const int first = fd_rndi(0, c.rank - 1), count = fd_rndi(1, c.rank - first);
    for (int i = 0; i < count; i++) c.axes[c.n_axes[0]++] = first + i;
    const size_t n = fd_count(c.rank, c.dims), size = sigrun_type_size(c.type);
    uint8_t* x = malloc(n * size + 1);
    for (size_t i = 0; i < n * size; i++) x[i] = (uint8_t)fd_rnd();
    const float scale[2] = {fd_rndf(0.001f, 0.2f), fd_rndf(0.001f, 0.2f)};
    const int64_t base = c.type == SIGRUN_TYPE_UINT8 ? 128 : 0, spread = c.type == SIGRUN_TYPE_INT16 ? 0 : 20;
    const int64_t zp[2] = {base + fd_rndi(-(int)spread, (int)spread), base + fd_rndi(-(int)spread, (int)spread)};
    c.x = x, c.scale = scale, c.zp = zp;
    sr_reducer_params p = {fd_rndi(0, 1)};
    for (int i = 0; i < levels; i++)
      CHECK(fd_compare(&sr_op_mean, &p, build_reduce, &c, isas[i], (fd_tol){0, 0}, "quantized MEAN"));
    free(x);
  }
}

/* The reductions split over 2 and 3 real threads give the reference's bits: shapes from below the size worth a
 * thread (run serially) to many channel blocks and rows, odd channel counts leaving a partial block. */
static void test_threaded_reductions(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  static const int32_t shapes[][4] = {{1, 4, 4, 8},    {1, 16, 16, 64},  {1, 56, 56, 144}, {2, 28, 28, 200},
                                      {1, 7, 7, 1281}, {1, 30, 30, 65},  {3, 10, 1, 33},   {1, 1, 1, 5000}};
  const sigrun_type types[] = {SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_INT8, SIGRUN_TYPE_UINT8, SIGRUN_TYPE_INT16};
  for (fd_threads = 2; fd_threads <= 3; fd_threads++)
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
      for (int ti = 0; ti < 4; ti++)
        for (int rows = 0; rows < 2; rows++) { /* over H, W (kept channels) or over the last axis (rows) */
          reduce_case c = {0};
          c.type = types[ti];
          c.rank = 4;
          memcpy(c.dims, shapes[s], sizeof shapes[s]);
          if (rows) c.axes[0] = 3, c.n_axes[0] = 1;
          else c.axes[0] = 1, c.axes[1] = 2, c.n_axes[0] = 2;
          if (rows && c.type != SIGRUN_TYPE_FLOAT32) continue; /* quantized rows: the reference kernel */
          const size_t n = fd_count(c.rank, c.dims), size = sigrun_type_size(c.type);
          uint8_t* x = malloc(n * size + 1);
          if (c.type == SIGRUN_TYPE_FLOAT32)
            for (size_t i = 0; i < n; i++) ((float*)x)[i] = fd_rndf(-100, 100);
          else
            for (size_t i = 0; i < n * size; i++) x[i] = (uint8_t)fd_rnd();
          const int64_t base = c.type == SIGRUN_TYPE_UINT8 ? 128 : 0;
          const float scale[2] = {0.05f, 0.07f};
          const int64_t zp[2] = {base + (c.type == SIGRUN_TYPE_INT16 ? 0 : 3), base};
          c.x = x, c.scale = scale, c.zp = zp;
          sr_reducer_params p = {1};
          for (int i = 0; i < levels; i++)
            CHECK(fd_compare(&sr_op_mean, &p, build_reduce, &c, isas[i], (fd_tol){0, 0}, "threaded MEAN"));
          free(x);
        }
  fd_threads = 1;
}

int main(void) {
  RUN(test_unary);
  RUN(test_smooth_accuracy);
  RUN(test_gelu);
  RUN(test_lut8);
  RUN(test_softmax);
  RUN(test_swish_matches_two_kernels);
  RUN(test_binary);
  RUN(test_squared_difference);
  RUN(test_prelu);
  RUN(test_binary_in_place);
  RUN(test_quantized_binary);
  RUN(test_dequantize_f16);
  RUN(test_dequantize_s8);
  RUN(test_float_reductions);
  RUN(test_quantized_mean_hw);
  RUN(test_quantized_mean_general);
  RUN(test_threaded_reductions);
  return TEST_SUMMARY();
}
