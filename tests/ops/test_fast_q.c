/*
 * test_fast_q.c — the integer fast paths (conv_fast_q.c, matmul_fast_q.c on gemm_q8 and dwconv_q8) against the
 * reference kernels, bit for bit: every node runs twice through the real prepare/eval, once with isa = 0
 * (reference) and once with one ISA level this machine has, on random shapes (odd channel counts, depths
 * around the 4/16/64 tiles, rows around the 6-row tile, batches, strides, dilation, SAME padding with non-zero
 * input zero points, groups), random per-channel multipliers from flushed-to-zero to saturated left shifts,
 * full-range biases (so sums wrap as int32), and every fused activation.
 */
#include <stdint.h>

#include "harness.h"
#include "core/cpu.h"
#include "core/packed.h"
#include "core/runner.h"
#include "core/threadpool.h"
#include "ops/conv.h"
#include "ops/gemm_q8.h"
#include "ops/matmul.h"

/* ---- a runner just real enough for selectors: a model with a pack cache, an interpreter's thread count ---- */

typedef struct fast_env {
  sigrun_model model;
  sigrun_interpreter interp;
  sr_runner runner;
} fast_env;

static void env_init(fast_env* e, int threads) {
  memset(e, 0, sizeof *e);
  e->model.packs = sr_pack_cache_create();
  e->interp.options.num_threads = threads;
  e->interp.pool = threads > 1 ? sr_threadpool_create(threads) : NULL; /* real workers: items run concurrently */
  e->runner.interpreter = &e->interp;
  e->runner.model = &e->model;
  e->runner.root = &e->runner; /* no memory account: no limit */
}

static void env_free(fast_env* e) {
  sr_threadpool_destroy(e->interp.pool);
  sr_pack_cache_destroy(e->model.packs);
}

/* ---- random numbers ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
static int rnd_int(int lo, int hi) { return lo + (int)(rnd() % (uint64_t)(hi - lo + 1)); }
static float rnd_scale(int lo_exp, int hi_exp) {
  return ldexpf(1.0f + (float)(rnd() % 1000) / 1000.0f, rnd_int(lo_exp, hi_exp));
}

/* The ISA levels to test: each one this CPU has, alone with what it implies. */
static int isa_levels(unsigned* out) {
  const unsigned have = sr_cpu_isa();
  int n = 0;
  if (have & SR_ISA_AMX_INT8) out[n++] = SR_ISA_AVX2_FMA | SR_ISA_AVX512 | SR_ISA_AVX512_VNNI | SR_ISA_AMX_INT8;
  if (have & SR_ISA_AVX512_VNNI) out[n++] = SR_ISA_AVX2_FMA | SR_ISA_AVX512 | SR_ISA_AVX512_VNNI;
  if (have & SR_ISA_AVX_VNNI) out[n++] = SR_ISA_AVX2_FMA | SR_ISA_AVX_VNNI;
  if (have & SR_ISA_AVX2_FMA) out[n++] = SR_ISA_AVX2_FMA;
  return n;
}

/* Whether a fast kernel exists at this level (AVX2 and up). */
static int has_kernel(int depthwise, unsigned level) {
  (void)depthwise;
  return (level & SR_ISA_AVX2_FMA) != 0;
}

/* ---- convolutions ---- */

typedef struct conv_case {
  int depthwise;
  sigrun_type type; /* INT8 or UINT8 */
  int batches, in_h, in_w, in_c, out_c, kh, kw, stride_h, stride_w, dil_h, dil_w, padding, act;
  int fc;           /* filter depth (conv); in_c / fc groups */
  int per_channel;  /* int8 only */
  int has_bias;
  int scale_lo, scale_hi; /* exponent range of the multipliers */
} conv_case;

typedef struct conv_data {
  int32_t in_dims[4], f_dims[4], b_dims[1];
  uint8_t *in, *f;
  int32_t* bias;
  float in_s, out_s, *f_s;
  int64_t in_zp, out_zp, f_zp;
} conv_data;

static void conv_data_make(const conv_case* c, conv_data* d) {
  const int is_u8 = c->type == SIGRUN_TYPE_UINT8;
  d->in_dims[0] = c->batches, d->in_dims[1] = c->in_h, d->in_dims[2] = c->in_w, d->in_dims[3] = c->in_c;
  if (c->depthwise) d->f_dims[0] = 1, d->f_dims[1] = c->kh, d->f_dims[2] = c->kw, d->f_dims[3] = c->out_c;
  else d->f_dims[0] = c->out_c, d->f_dims[1] = c->kh, d->f_dims[2] = c->kw, d->f_dims[3] = c->fc;
  d->b_dims[0] = c->out_c;
  const size_t in_n = (size_t)c->batches * c->in_h * c->in_w * c->in_c;
  const size_t f_n = (size_t)d->f_dims[0] * d->f_dims[1] * d->f_dims[2] * d->f_dims[3];
  d->in = malloc(in_n + 1);
  d->f = malloc(f_n + 1);
  d->bias = malloc(sizeof(int32_t) * ((size_t)c->out_c + 1));
  d->f_s = malloc(sizeof(float) * ((size_t)c->out_c + 1));
  for (size_t i = 0; i < in_n; i++) d->in[i] = (uint8_t)rnd();
  for (size_t i = 0; i < f_n; i++) d->f[i] = (uint8_t)rnd();
  /* Mostly small biases (realistic), sometimes full range so the int32 sum wraps. */
  const int wild = rnd() % 4 == 0;
  for (int i = 0; i < c->out_c; i++) d->bias[i] = wild ? (int32_t)(uint32_t)rnd() : rnd_int(-3000, 3000);
  d->in_s = 1.0f;
  d->out_s = 1.0f;
  const int per_channel = c->per_channel && !is_u8;
  for (int i = 0; i < (per_channel ? c->out_c : 1); i++) d->f_s[i] = rnd_scale(c->scale_lo, c->scale_hi);
  d->in_zp = is_u8 ? rnd_int(0, 255) : rnd_int(-128, 127);
  d->out_zp = is_u8 ? rnd_int(0, 255) : rnd_int(-128, 127);
  d->f_zp = is_u8 ? rnd_int(0, 255) : 0;
}

static void conv_data_free(conv_data* d) {
  free(d->in), free(d->f), free(d->bias), free(d->f_s);
}

/* One run of the node; returns the status and copies the output into *out (malloc'ed). */
static sigrun_status conv_run(const conv_case* c, const conv_data* d, fast_env* env, unsigned isa, uint8_t** out,
                              size_t* out_n, char* msg) {
  sr_test_node tn;
  const sr_op_kind* kind = c->depthwise ? &sr_op_depthwise_conv_2d : &sr_op_conv_2d;
  sr_test_node_init(&tn, kind->name);
  sr_tensor* t = sr_test_input(&tn, c->type, 4, d->in_dims, d->in);
  sr_test_set_quant(t, 1, &d->in_s, &d->in_zp, 0);
  t = sr_test_input(&tn, c->type, 4, d->f_dims, d->f);
  const int per_channel = c->per_channel && c->type == SIGRUN_TYPE_INT8;
  sr_test_set_quant(t, per_channel ? c->out_c : 1, d->f_s, &d->f_zp, c->depthwise ? 3 : 0);
  if (c->has_bias) sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, d->b_dims, d->bias);
  t = sr_test_output(&tn, c->type);
  sr_test_set_quant(t, 1, &d->out_s, &d->out_zp, 0);
  tn.node.isa = isa;
  tn.node.runner = &env->runner;
  sr_conv2d_params cp = {c->padding, c->stride_w, c->stride_h, c->dil_w, c->dil_h, c->act};
  sr_depthwise_conv2d_params dp = {c->padding, c->stride_w, c->stride_h, 0, c->dil_w, c->dil_h, c->act};
  const sigrun_status st = sr_test_run(&tn, kind, c->depthwise ? (const void*)&dp : (const void*)&cp);
  *out = NULL;
  *out_n = 0;
  if (st == SIGRUN_STATUS_OK) {
    *out_n = sr_tensor_count(&tn.outputs[0]);
    *out = malloc(*out_n + 1);
    memcpy(*out, tn.outputs[0].data, *out_n);
  } else {
    snprintf(msg, 256, "%s", tn.error.message);
  }
  sr_test_node_free(&tn);
  return st;
}

static void describe(const conv_case* c) {
  fprintf(stderr, "  %s %s b%d %dx%dx%d -> %d, k %dx%d fc %d, s %dx%d d %dx%d %s act %d pc %d bias %d\n",
          c->depthwise ? "dw" : "conv", c->type == SIGRUN_TYPE_UINT8 ? "u8" : "i8", c->batches, c->in_h, c->in_w,
          c->in_c, c->out_c, c->kh, c->kw, c->fc, c->stride_h, c->stride_w, c->dil_h, c->dil_w,
          c->padding == SR_PADDING_SAME ? "SAME" : "VALID", c->act, c->per_channel, c->has_bias);
}

/* Reference and each ISA level agree byte for byte; `expect_fast` asserts the selector took the node. */
static int conv_check(const conv_case* c, int expect_fast) {
  conv_data d;
  conv_data_make(c, &d);
  unsigned levels[5];
  const int n_levels = isa_levels(levels);
  int failures = 0;
  uint8_t* ref;
  size_t ref_n;
  char msg[256] = "";
  fast_env env;
  env_init(&env, 1);
  const sigrun_status ref_st = conv_run(c, &d, &env, 0, &ref, &ref_n, msg);
  env_free(&env);
  for (int l = 0; l < n_levels; l++) {
    for (int threads = 1; threads <= 3; threads++) {
      env_init(&env, threads);
      uint8_t* got;
      size_t got_n;
      const sigrun_status st = conv_run(c, &d, &env, levels[l], &got, &got_n, msg);
      int bad = st != ref_st || got_n != ref_n;
      size_t first = 0;
      for (size_t i = 0; !bad && i < ref_n; i++)
        if (got[i] != ref[i]) bad = 1, first = i;
      /* A selector that takes a node packs its weights. */
      const int fast = sr_packed_bytes(&env.model) > 0;
      if (expect_fast && st == SIGRUN_STATUS_OK && ref_n > 0 && !fast && has_kernel(c->depthwise, levels[l])) bad = 2;
      if (bad) {
        fprintf(stderr, "isa %#x threads %d: %s (status %d/%d, n %zu/%zu, first diff at %zu: %d vs %d) %s\n",
                levels[l], threads, bad == 2 ? "fast path not taken" : "mismatch", st, ref_st, got_n, ref_n, first,
                got && first < got_n ? got[first] : -1, ref && first < ref_n ? ref[first] : -1, msg);
        describe(c);
        failures++;
      }
      free(got);
      env_free(&env);
    }
  }
  free(ref);
  conv_data_free(&d);
  CHECK(failures == 0);
  return failures;
}

static conv_case random_conv(int depthwise, sigrun_type type) {
  conv_case c = {0};
  c.depthwise = depthwise;
  c.type = type;
  c.batches = rnd_int(1, 2);
  c.in_h = rnd_int(1, 9);
  c.in_w = rnd_int(1, 9);
  c.kh = rnd_int(1, 4);
  c.kw = rnd_int(1, 4);
  c.stride_h = rnd_int(1, 3);
  c.stride_w = rnd_int(1, 3);
  c.dil_h = rnd() % 4 == 0 ? 2 : 1;
  c.dil_w = rnd() % 4 == 0 ? 2 : 1;
  c.padding = rnd() % 3 == 0 ? SR_PADDING_VALID : SR_PADDING_SAME;
  c.act = (int)(rnd() % 4); /* NONE, RELU, RELU_N1_TO_1, RELU6 */
  c.per_channel = rnd() % 4 != 0;
  c.has_bias = rnd() % 5 != 0;
  c.scale_lo = -12;
  c.scale_hi = -2;
  if (depthwise) {
    c.in_c = rnd_int(1, 70);
    c.out_c = c.in_c * (rnd() % 5 == 0 ? rnd_int(2, 3) : 1);
  } else {
    c.fc = rnd_int(1, 40);
    const int groups = rnd() % 5 == 0 ? rnd_int(2, 3) : 1;
    c.in_c = c.fc * groups;
    c.out_c = groups * rnd_int(1, 45);
  }
  return c;
}

static void test_conv_random(void) {
  for (int i = 0; i < 150; i++) {
    conv_case c = random_conv(0, rnd() % 4 == 0 ? SIGRUN_TYPE_UINT8 : SIGRUN_TYPE_INT8);
    if (conv_check(&c, 1)) break;
  }
}

/* 1x1 stride-1 convolutions read the input as a matrix: rows around the 6-row tile, columns around 16/64, depths
 * around 4/16/64. */
static void test_conv_pointwise(void) {
  static const int rows[] = {1, 2, 3, 5, 6, 7, 12, 13, 37};
  static const int cols[] = {1, 15, 16, 17, 33, 63, 64, 65, 130};
  static const int depths[] = {1, 3, 4, 5, 16, 63, 64, 65, 200};
  int failed = 0;
  for (int r = 0; r < 9 && !failed; r++)
    for (int n = 0; n < 9 && !failed; n++) {
      conv_case c = {0};
      c.type = (r + n) % 3 == 0 ? SIGRUN_TYPE_UINT8 : SIGRUN_TYPE_INT8;
      c.batches = 1, c.in_h = 1, c.in_w = rows[r], c.fc = c.in_c = depths[(r * 9 + n) % 9], c.out_c = cols[n];
      c.kh = c.kw = c.stride_h = c.stride_w = c.dil_h = c.dil_w = 1;
      c.act = (r + n) % 4, c.per_channel = 1, c.has_bias = 1, c.scale_lo = -12, c.scale_hi = -2;
      failed = conv_check(&c, 1);
    }
}

/* Multipliers across their whole range: flushed to zero (< 2^-31), tiny, around one, and left shifts up to the
 * saturated 2^30; both roundings (uint8 conv uses one per-tensor multiplier). */
static void test_conv_extreme_multipliers(void) {
  static const int ranges[][2] = {{-45, -33}, {-31, -20}, {-3, 3}, {5, 20}, {25, 35}};
  for (int r = 0; r < 5; r++)
    for (int i = 0; i < 6; i++) {
      conv_case c = random_conv(0, i % 3 == 0 ? SIGRUN_TYPE_UINT8 : SIGRUN_TYPE_INT8);
      c.scale_lo = ranges[r][0], c.scale_hi = ranges[r][1];
      if (conv_check(&c, 1)) return;
    }
}


/* ---- FULLY_CONNECTED ---- */

typedef struct fc_case {
  sigrun_type type; /* INT8, UINT8, or FLOAT32 (hybrid: int8 weights) */
  int batches, depth, units, act, per_channel, has_bias, w_zp, asymmetric;
  int scale_lo, scale_hi;
} fc_case;

/* Runs the node once; output bytes copied to *out. */
static sigrun_status fc_run(const fc_case* c, const void* in, const void* w, const void* bias, const float* scales,
                            const float* io_s, const int64_t* zps, fast_env* env, unsigned isa, uint8_t** out,
                            size_t* out_bytes) {
  sr_test_node tn;
  sr_test_node_init(&tn, sr_op_fully_connected.name);
  const int32_t in_dims[2] = {c->batches, c->depth}, w_dims[2] = {c->units, c->depth}, b_dims[1] = {c->units};
  const int hybrid = c->type == SIGRUN_TYPE_FLOAT32;
  const sigrun_type wt = hybrid ? SIGRUN_TYPE_INT8 : c->type;
  sr_tensor* t = sr_test_input(&tn, c->type, 2, in_dims, in);
  if (!hybrid) sr_test_set_quant(t, 1, &io_s[0], &zps[0], 0);
  t = sr_test_input(&tn, wt, 2, w_dims, w);
  sr_test_set_quant(t, c->per_channel ? c->units : 1, scales, &zps[2], 0);
  if (c->has_bias) sr_test_input(&tn, hybrid ? SIGRUN_TYPE_FLOAT32 : SIGRUN_TYPE_INT32, 1, b_dims, bias);
  t = sr_test_output(&tn, c->type);
  if (!hybrid) sr_test_set_quant(t, 1, &io_s[1], &zps[1], 0);
  tn.node.isa = isa;
  tn.node.runner = &env->runner;
  sr_fully_connected_params fp = {c->act, 0, 0, c->asymmetric};
  const sigrun_status st = sr_test_run(&tn, &sr_op_fully_connected, &fp);
  *out = NULL;
  *out_bytes = 0;
  if (st == SIGRUN_STATUS_OK) {
    *out_bytes = tn.outputs[0].bytes;
    *out = malloc(*out_bytes + 1);
    memcpy(*out, tn.outputs[0].data, *out_bytes);
  } else {
    fprintf(stderr, "fc: %s\n", tn.error.message);
  }
  sr_test_node_free(&tn);
  return st;
}

/* Equal bytes, except that NaNs compare equal whatever their payload (the reference's scalar code and the
 * vector code may pick different operands' NaNs). */
static int same_output(const uint8_t* a, const uint8_t* b, size_t bytes, int is_float, size_t* first) {
  if (!is_float) {
    for (size_t i = 0; i < bytes; i++)
      if (a[i] != b[i]) return *first = i, 0;
    return 1;
  }
  for (size_t i = 0; i + 4 <= bytes; i += 4) {
    float x, y;
    memcpy(&x, a + i, 4), memcpy(&y, b + i, 4);
    if (memcmp(&x, &y, 4) != 0 && !(isnan(x) && isnan(y))) return *first = i / 4, 0;
  }
  return 1;
}

static int fc_check(const fc_case* c) {
  const int hybrid = c->type == SIGRUN_TYPE_FLOAT32, is_u8 = c->type == SIGRUN_TYPE_UINT8;
  const size_t in_n = (size_t)c->batches * c->depth, w_n = (size_t)c->units * c->depth;
  void* in = malloc(in_n * 4 + 4);
  uint8_t* w = malloc(w_n + 1);
  void* bias = malloc((size_t)c->units * 4 + 4);
  float* scales = malloc((size_t)c->units * 4 + 4);
  for (size_t i = 0; i < w_n; i++) w[i] = (uint8_t)rnd();
  if (hybrid) {
    float* f = in;
    for (size_t i = 0; i < in_n; i++) f[i] = (float)((int)(rnd() % 20001) - 10000) / (float)rnd_int(1, 3000);
    /* Rows of zeros, a NaN, an infinity: the run-time quantization's special cases. */
    if (c->batches > 2) memset(f + (size_t)c->depth, 0, (size_t)c->depth * 4);
    if (c->batches > 3 && rnd() % 2) f[3 * (size_t)c->depth] = NAN;
    /* (Not with asymmetric rows: see test_hybrid_quantize.) */
    if (c->batches > 4 && rnd() % 2 && !c->asymmetric) f[4 * (size_t)c->depth + (size_t)c->depth / 2] = -INFINITY;
    for (int i = 0; i < c->units; i++) ((float*)bias)[i] = (float)((int)(rnd() % 2001) - 1000) / 100.0f;
  } else {
    for (size_t i = 0; i < in_n; i++) ((uint8_t*)in)[i] = (uint8_t)rnd();
    const int wild = rnd() % 4 == 0;
    for (int i = 0; i < c->units; i++) ((int32_t*)bias)[i] = wild ? (int32_t)(uint32_t)rnd() : rnd_int(-5000, 5000);
  }
  for (int i = 0; i < (c->per_channel ? c->units : 1); i++)
    scales[i] = hybrid ? rnd_scale(-10, -4) : rnd_scale(c->scale_lo, c->scale_hi);
  const float io_s[2] = {1.0f, 1.0f};
  const int64_t zps[3] = {is_u8 ? rnd_int(0, 255) : rnd_int(-128, 127), is_u8 ? rnd_int(0, 255) : rnd_int(-128, 127),
                          is_u8 ? rnd_int(0, 255) : c->w_zp};
  unsigned levels[5];
  const int n_levels = isa_levels(levels);
  fast_env env;
  env_init(&env, 1);
  uint8_t* ref;
  size_t ref_bytes;
  const sigrun_status ref_st =
      fc_run(c, in, w, c->has_bias ? bias : NULL, scales, io_s, zps, &env, 0, &ref, &ref_bytes);
  env_free(&env);
  int failures = ref_st != SIGRUN_STATUS_OK;
  for (int l = 0; l < n_levels; l++)
    for (int threads = 1; threads <= 3; threads++) {
      env_init(&env, threads);
      uint8_t* got;
      size_t got_bytes, first = 0;
      const sigrun_status st =
          fc_run(c, in, w, c->has_bias ? bias : NULL, scales, io_s, zps, &env, levels[l], &got, &got_bytes);
      int bad = st != ref_st || got_bytes != ref_bytes || !same_output(got, ref, ref_bytes, hybrid, &first);
      if (!bad && has_kernel(0, levels[l]) && sr_packed_bytes(&env.model) == 0) bad = 2;
      if (bad) {
        fprintf(stderr,
                "fc isa %#x threads %d: %s at %zu; %s b%d depth %d units %d act %d pc %d bias %d wzp %d asym %d\n",
                levels[l], threads, bad == 2 ? "fast path not taken" : "mismatch", first,
                hybrid ? "hybrid" : is_u8 ? "u8" : "i8", c->batches, c->depth, c->units, c->act, c->per_channel,
                c->has_bias, c->w_zp, c->asymmetric);
        failures++;
      }
      free(got);
      env_free(&env);
    }
  free(ref), free(in), free(w), free(bias), free(scales);
  CHECK(failures == 0);
  return failures;
}

static fc_case random_fc(sigrun_type type) {
  fc_case c = {0};
  c.type = type;
  c.batches = rnd() % 3 == 0 ? 1 : rnd_int(1, 20);
  c.depth = rnd() % 3 == 0 ? rnd_int(1, 20) : rnd_int(1, 300);
  c.units = rnd_int(1, 150);
  c.act = (int)(rnd() % 4);
  c.per_channel = type != SIGRUN_TYPE_UINT8 && rnd() % 2;
  c.has_bias = rnd() % 4 != 0;
  c.w_zp = type == SIGRUN_TYPE_INT8 && !c.per_channel && rnd() % 3 == 0 ? rnd_int(-128, 127) : 0;
  c.asymmetric = (int)(rnd() % 2);
  c.scale_lo = -14, c.scale_hi = -4;
  return c;
}

static void test_fc_random(void) {
  static const sigrun_type types[3] = {SIGRUN_TYPE_INT8, SIGRUN_TYPE_UINT8, SIGRUN_TYPE_FLOAT32};
  for (int i = 0; i < 240; i++) {
    fc_case c = random_fc(types[i % 3]);
    if (i % 40 == 39) c.scale_lo = 10, c.scale_hi = 35; /* left shifts up to the saturated multiplier */
    if (fc_check(&c)) break;
  }
}

/* AMX tiles: depths that are multiples of 64 (no depth tail) and one that is not, 8 to 64 rows (one to four
 * blocks of 16, the last one partial or whole: the column sweep with the blocks inside), every kind. */
static void test_fc_amx_blocks(void) {
  static const int depths[] = {64, 128, 256, 100}, batches[] = {8, 16, 17, 31, 32, 33, 48, 64};
  static const sigrun_type types[3] = {SIGRUN_TYPE_INT8, SIGRUN_TYPE_UINT8, SIGRUN_TYPE_FLOAT32};
  for (int i = 0; i < 4 * 8; i++) {
    fc_case c = random_fc(types[i % 3]);
    c.depth = depths[i % 4], c.batches = batches[i / 4], c.units = i % 5 == 0 ? 128 : rnd_int(1, 70);
    if (fc_check(&c)) break;
  }
}

static void test_depthwise_random(void) {
  for (int i = 0; i < 150; i++) {
    conv_case c = random_conv(1, rnd() % 4 == 0 ? SIGRUN_TYPE_UINT8 : SIGRUN_TYPE_INT8);
    if (conv_check(&c, c.out_c == c.in_c)) break;
  }
}

/* MobileNet-like depthwise layers: 3x3 and 5x5, stride 1 and 2, channel counts around the 32-channel step. */
static void test_depthwise_shapes(void) {
  static const int channels[] = {1, 8, 16, 31, 32, 33, 48, 96, 144};
  for (int i = 0; i < 9; i++)
    for (int k = 3; k <= 5; k += 2)
      for (int s = 1; s <= 2; s++) {
        conv_case c = {0};
        c.depthwise = 1, c.type = (i + k + s) % 4 == 0 ? SIGRUN_TYPE_UINT8 : SIGRUN_TYPE_INT8;
        c.batches = 1, c.in_h = 7 + s, c.in_w = 9, c.in_c = c.out_c = channels[i];
        c.kh = c.kw = k, c.stride_h = c.stride_w = s, c.dil_h = c.dil_w = 1, c.padding = SR_PADDING_SAME;
        c.act = (i + s) % 4, c.per_channel = 1, c.has_bias = 1, c.scale_lo = -12, c.scale_hi = -2;
        if (conv_check(&c, 1)) return;
      }
}

/* ---- run-time quantization of hybrid rows ---- */

/* Rows of special values: NaN first (poisons the range), NaN later (skipped), infinities, signed zeros, ties at
 * .5 after scaling, values one ulp either side of a tie, huge and tiny magnitudes; lengths around the 8/16 lanes
 * and a transformer's 128. */
static void test_hybrid_quantize(void) {
  static const int depths[] = {1, 2, 7, 8, 9, 15, 16, 17, 33, 100, 128};
  int failures = 0;
  for (int di = 0; di < 11; di++)
    for (int kind = 0; kind < 10; kind++)
      for (int asym = 0; asym < 2; asym++) {
        const size_t depth = (size_t)depths[di], rows = (size_t)(1 + (di + kind) % 11); /* 1..11: chunks of 8 */
        float in[11 * 128];
        for (size_t i = 0; i < rows * depth; i++) {
          float v = (float)((int)(rnd() % 2001) - 1000) / (float)rnd_int(1, 50);
          if (kind == 1 && i % depth == 0) v = NAN;
          if (kind == 2 && i % depth == depth / 2) v = NAN;
          /* Infinities only in symmetric rows: an asymmetric row with one makes the reference convert a NaN zero point
           * to int32 and overflow adding it (undefined behaviour in conv_quant.c, reported; x86 gives INT32_MIN). */
          if (kind == 3 && i % 5 == 1 && !asym) v = INFINITY;
          if (kind == 4) v = (i % 2) ? 0.0f : -0.0f;
          if (kind == 5) v = (float)((int)(rnd() % 21) - 10) * 0.5f; /* many exact halves */
          if (kind == 6) v = ldexpf(v, 100);
          if (kind == 7) v = ldexpf(v, -140); /* subnormal */
          if (kind == 8 && i % 3 == 0 && !asym) v = -INFINITY;
          if (kind == 9) { /* symmetric rows scale by 127 / 127 = 1: k + 0.5 exactly, or one ulp either side */
            const float tie = (float)((int)(rnd() % 254) - 127) + 0.5f;
            const int way = (int)(rnd() % 4);
            v = i % depth == 0 ? 127.0f : way == 0 ? tie : way == 1 ? nextafterf(tie, INFINITY)
                : way == 2 ? nextafterf(tie, -INFINITY) : (i % 2 ? 0.49999997f : -0.49999997f);
          }
          in[i] = v;
        }
        int8_t q_ref[11 * 128], q_got[11 * 128];
        float s_ref[11], s_got[11];
        int32_t z_ref[11], z_got[11];
        sr_conv_hybrid_quantize_rows(in, rows, depth, asym, q_ref, s_ref, z_ref);
        for (int isa = 0; isa < 2; isa++) {
          if (!(sr_cpu_isa() & (isa ? SR_ISA_AVX2_FMA : SR_ISA_AVX512))) continue;
          memset(q_got, 0x55, sizeof q_got);
          if (isa) sr_q8_quantize_rows__avx2(in, rows, depth, asym, q_got, s_got, z_got);
          else sr_q8_quantize_rows__avx512(in, rows, depth, asym, q_got, s_got, z_got);
          int bad = memcmp(q_ref, q_got, rows * depth) != 0 || memcmp(z_ref, z_got, rows * sizeof *z_ref) != 0;
          for (size_t r = 0; r < rows; r++) bad |= memcmp(&s_ref[r], &s_got[r], 4) != 0;
          if (bad) {
            fprintf(stderr, "quantize %s depth %zu kind %d asym %d differs\n", isa ? "avx2" : "avx512", depth, kind,
                    asym);
            failures++;
          }
        }
      }
  CHECK(failures == 0);
}

/* Depthwise over one input channel with a depth multiplier (person_detect's first layer) runs as a convolution. */
static void test_depthwise_one_channel(void) {
  static const int mults[] = {2, 8, 17, 32};
  for (int i = 0; i < 4; i++)
    for (int s = 1; s <= 2; s++) {
      conv_case c = {0};
      c.depthwise = 1, c.type = (i + s) % 3 == 0 ? SIGRUN_TYPE_UINT8 : SIGRUN_TYPE_INT8;
      c.batches = 1 + (i == 3), c.in_h = 11, c.in_w = 9 + s, c.in_c = 1, c.out_c = mults[i];
      c.kh = c.kw = 3, c.stride_h = c.stride_w = s, c.dil_h = c.dil_w = 1;
      c.padding = i % 2 ? SR_PADDING_VALID : SR_PADDING_SAME;
      c.act = (i + s) % 4, c.per_channel = 1, c.has_bias = i != 1, c.scale_lo = -12, c.scale_hi = -2;
      if (conv_check(&c, 1)) return;
    }
}

int main(void) {
  RUN(test_depthwise_one_channel);
  RUN(test_hybrid_quantize);
  RUN(test_fc_random);
  RUN(test_fc_amx_blocks);
  RUN(test_depthwise_shapes);
  RUN(test_depthwise_random);
  RUN(test_conv_pointwise);
  RUN(test_conv_random);
  RUN(test_conv_extreme_multipliers);
  return TEST_SUMMARY();
}
