/*
 * test_gemm_f32.c — the float GEMM paths of CONV_2D, FULLY_CONNECTED and BATCH_MATMUL (src/ops/gemm_f32.h)
 * against their __ref kernels, for every ISA's micro-kernels this CPU can run (the portable C ones always):
 * random shapes below, at and above the tiles (MR 14/6/4, NR 32/16/8, the 256-deep K block), odd primes,
 * zero-sized dims, batches, strides, dilations, SAME/VALID padding, broadcast batch dims, adj_x/adj_y and every
 * clamping activation; NaN and infinity semantics; bit-identical results whatever the tiling (thread count);
 * and whole models with the fast kernels against the same models with reference_kernels_only, checking that
 * packed weights are built once per model and that 1 and 3 threads give the same bits.
 *
 * Tolerance: summation order differs from the reference (blocked, FMA), so an element may differ by at most
 * (K + 2) * FLT_EPSILON * S, where S is the same output computed from |inputs|, |weights| and |bias| (the scale
 * of the sum: the classic bound for float sums in any order). A wrong index or a missed tap is off by O(S).
 */
#include <float.h>
#include <stdint.h>

#include "core/cpu.h"
#include "core/packed.h"
#include "harness.h"
#include "ops/cast.h"
#include "ops/conv.h"
#include "ops/gemm_f32.h"
#include "ops/matmul.h"

static unsigned rng = 12345u;
static unsigned next_u(void) {
  rng = rng * 1103515245u + 12345u;
  return rng >> 8;
}
static int irand(int n) { return (int)(next_u() % (unsigned)n); }
static float frand(void) { return (float)(next_u() & 0xffff) / 32768.0f - 1.0f; }
static int pick(const int* v, int n) { return v[irand(n)]; }
#define PICK(arr) pick(arr, (int)(sizeof arr / sizeof arr[0]))

static float* randv(size_t n) {
  float* p = malloc((n ? n : 1) * sizeof(float));
  for (size_t i = 0; i < n; i++) p[i] = frand();
  return p;
}

static float* absv(const float* v, size_t n) {
  float* p = malloc((n ? n : 1) * sizeof(float));
  for (size_t i = 0; i < n; i++) p[i] = fabsf(v[i]);
  return p;
}

/* Kernels this CPU can run. */
static const sr_gemm_f32_arch* archs[3];
static int n_archs;

static void find_archs(void) {
  const unsigned isa = sr_cpu_isa();
  archs[n_archs++] = &sr_gemm_f32_portable;
  if ((isa & SR_ISA_AVX2_FMA) && sr_gemm_f32_avx2()) archs[n_archs++] = sr_gemm_f32_avx2();
  if ((isa & SR_ISA_AVX512) && sr_gemm_f32_avx512()) archs[n_archs++] = sr_gemm_f32_avx512();
}

static const int activations[] = {SR_ACT_NONE, SR_ACT_RELU, SR_ACT_RELU_N1_TO_1, SR_ACT_RELU6};

/* Compares got with want element by element within the tolerance above; scale is the |.| output. */
static int compare(const char* what, const char* arch, const float* got, const float* want, const float* scale,
                   size_t n, size_t k) {
  for (size_t i = 0; i < n; i++) {
    const double tol = ((double)k + 2) * FLT_EPSILON * (double)scale[i] + 1e-30;
    const int same = (isnan(got[i]) && isnan(want[i])) || got[i] == want[i];
    if (!same && !(fabs((double)got[i] - (double)want[i]) <= tol)) {
      fprintf(stderr, "%s (%s): element %zu is %.9g, reference %.9g (tolerance %.3g)\n", what, arch, i, got[i],
              want[i], tol);
      sr_test_checks_failed++;
      return 0;
    }
  }
  return 1;
}

static float* sentinel_output(size_t n) {
  float* p = sr_aligned_alloc((n ? n : 1) * sizeof(float));
  for (size_t i = 0; i < n; i++) p[i] = 12345.0f;
  return p;
}

/* ---- FULLY_CONNECTED ---- */

static void fc_case(int batches, int depth, int units, int act, int with_bias) {
  sr_fc_geom g = {batches, depth, units, 0, 0};
  (void)sr_activation_range_f32(act, &g.act_min, &g.act_max);
  const size_t in_n = (size_t)batches * (size_t)depth, w_n = (size_t)units * (size_t)depth;
  const size_t out_n = (size_t)batches * (size_t)units;
  float *in = randv(in_n), *w = randv(w_n), *bias = with_bias ? randv((size_t)units) : NULL;
  float *ain = absv(in, in_n), *aw = absv(w, w_n), *abias = with_bias ? absv(bias, (size_t)units) : NULL;
  float *want = malloc((out_n ? out_n : 1) * sizeof(float)), *scale = malloc((out_n ? out_n : 1) * sizeof(float));
  sr_f32_fully_connected__ref(&g, in, w, bias, want);
  sr_fc_geom gs = g;
  gs.act_min = -INFINITY, gs.act_max = INFINITY;
  sr_f32_fully_connected__ref(&gs, ain, aw, abias, scale);
  for (int a = 0; a < n_archs; a++) {
    float* packed = sr_aligned_alloc(sr_f32_fully_connected_packed_floats(archs[a], &g) * sizeof(float));
    float* got = sentinel_output(out_n);
    sr_f32_fully_connected_pack(NULL, archs[a], &g, sr_f32_source_of(w), sr_f32_source_of(bias), packed);
    sr_f32_fully_connected__gemm(NULL, archs[a], &g, in, packed, got);
    char what[96];
    snprintf(what, sizeof what, "fc %dx%dx%d act %d bias %d", batches, depth, units, act, with_bias);
    compare(what, archs[a]->name, got, want, scale, out_n, (size_t)depth);
    sr_aligned_free(packed);
    sr_aligned_free(got);
  }
  free(in), free(w), free(bias), free(ain), free(aw), free(abias), free(want), free(scale);
}

static void test_fc_random(void) {
  static const int ms[] = {1, 2, 3, 4, 5, 7, 8, 9, 13, 14, 15, 17, 28, 29, 31, 64, 113};
  static const int ns[] = {1, 2, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100};
  static const int ks[] = {1, 2, 3, 4, 7, 16, 31, 64, 127, 255, 256, 257, 300, 513};
  for (int i = 0; i < 160; i++) fc_case(PICK(ms), PICK(ks), PICK(ns), PICK(activations), irand(4) != 0);
}

/* Zero depth gives bias (clamped); zero rows write nothing. */
static void test_fc_zero_sized(void) {
  fc_case(3, 0, 17, SR_ACT_RELU, 1);
  fc_case(3, 0, 5, SR_ACT_NONE, 0);
  for (int a = 0; a < n_archs; a++) {
    const sr_fc_geom g = {0, 8, 8, -FLT_MAX, FLT_MAX};
    float w[64] = {0}, out[1] = {7.0f};
    float* packed = sr_aligned_alloc(sr_f32_fully_connected_packed_floats(archs[a], &g) * sizeof(float));
    sr_f32_fully_connected_pack(NULL, archs[a], &g, sr_f32_source_of(w), sr_f32_source_of(NULL), packed);
    sr_f32_fully_connected__gemm(NULL, archs[a], &g, NULL, packed, out);
    CHECK(out[0] == 7.0f);
    sr_aligned_free(packed);
  }
}

/* A NaN input stays NaN through every clamp (as in the reference's comparisons); an infinite sum is clamped
 * to +-FLT_MAX without an activation, and inf * 0 gives NaN. */
static void test_fc_nan_inf(void) {
  const int batches = 16, depth = 5, units = 33;
  float in[16 * 5], w[33 * 5], bias[33], want[16 * 33], got[16 * 33], scale[16 * 33];
  for (int i = 0; i < batches * depth; i++) in[i] = frand();
  for (int i = 0; i < units * depth; i++) w[i] = frand();
  for (int i = 0; i < units; i++) bias[i] = frand();
  in[0] = NAN;
  in[7] = INFINITY;
  in[13] = -INFINITY;
  w[3 * depth + 2] = 0.0f; /* inf * 0 in row 1, unit 3 */
  for (size_t i = 0; i < sizeof scale / sizeof scale[0]; i++) scale[i] = 0;
  for (int act = 0; act < 4; act++) {
    sr_fc_geom g = {batches, depth, units, 0, 0};
    (void)sr_activation_range_f32(activations[act], &g.act_min, &g.act_max);
    sr_f32_fully_connected__ref(&g, in, w, bias, want);
    CHECK(isnan(want[0]));                                     /* row 0 has the NaN */
    if (activations[act] == SR_ACT_NONE) CHECK(fabsf(want[units + 0]) == FLT_MAX); /* row 1: +-inf clamped */
    for (int a = 0; a < n_archs; a++) {
      float* packed = sr_aligned_alloc(sr_f32_fully_connected_packed_floats(archs[a], &g) * sizeof(float));
      sr_f32_fully_connected_pack(NULL, archs[a], &g, sr_f32_source_of(w), sr_f32_source_of(bias), packed);
      sr_f32_fully_connected__gemm(NULL, archs[a], &g, in, packed, got);
      /* Rows 0-2 hold the non-finite values (exact comparison); the rest are finite. */
      for (int i = 0; i < 3 * units; i++) {
        const int ok = (isnan(got[i]) && isnan(want[i])) || got[i] == want[i] ||
                       (isfinite(want[i]) && isfinite(got[i]));
        if (!ok) fprintf(stderr, "nan/inf (%s) act %d element %d: %g vs %g\n", archs[a]->name, act, i, got[i], want[i]);
        CHECK(ok);
      }
      sr_aligned_free(packed);
    }
  }
}

/* The same GEMM split into tiles for 1 and for 7 threads, with the tiles run in reverse order one at a time,
 * gives bit-identical results: an element never depends on the tiling. */
static void test_tiling_is_invisible(void) {
  const size_t m = 301, n = 203, k = 530;
  float *a = randv(m * k), *w = randv(n * k), *bias = randv(n);
  for (int ai = 0; ai < n_archs; ai++) {
    const sr_gemm_f32_arch* arch = archs[ai];
    float* packed = sr_aligned_alloc(sr_gemm_f32_packed_floats(arch, n, k) * sizeof(float));
    sr_gemm_f32_pack(arch, n, k, sr_f32_source_of(w), k, 1, sr_f32_source_of(bias), packed);
    const size_t np = sr_gemm_f32_packed_floats(arch, n, k) / (k + 1);
    const sr_gemm_f32_matrix am = {a, k, 1};
    float *one = sentinel_output(m * n), *many = sentinel_output(m * n);
    sr_gemm_f32_job job = {arch, m, n, k, sr_gemm_f32_pack_a_matrix, &am, packed + np, packed, one, n, -1.5f, 2.5f,
                           0, 0};
    const size_t t1 = sr_gemm_f32_plan(&job, 1);
    sr_gemm_f32_tiles(&job, 0, t1);
    job.c = many;
    const size_t t7 = sr_gemm_f32_plan(&job, 7);
    CHECK(t7 > t1);
    for (size_t t = t7; t-- > 0;) sr_gemm_f32_tiles(&job, t, t + 1);
    CHECK(memcmp(one, many, m * n * sizeof(float)) == 0);
    sr_aligned_free(packed), sr_aligned_free(one), sr_aligned_free(many);
  }
  free(a), free(w), free(bias);
}

/* Weights read from float16 pack to exactly their float32 values. */
static void test_pack_from_f16(void) {
  const size_t n = 37, k = 11;
  uint16_t wh[37 * 11], bh[37];
  float wf[37 * 11], bf[37];
  for (size_t i = 0; i < n * k; i++) wh[i] = sr_cast_f32_to_f16(frand() * 4), wf[i] = sr_cast_f16_to_f32(wh[i]);
  for (size_t i = 0; i < n; i++) bh[i] = sr_cast_f32_to_f16(frand()), bf[i] = sr_cast_f16_to_f32(bh[i]);
  for (int a = 0; a < n_archs; a++) {
    const size_t floats = sr_gemm_f32_packed_floats(archs[a], n, k);
    float *p16 = malloc(floats * sizeof(float)), *p32 = malloc(floats * sizeof(float));
    const sr_f32_source w16 = {wh, 1}, b16 = {bh, 1};
    sr_gemm_f32_pack(archs[a], n, k, w16, k, 1, b16, p16);
    sr_gemm_f32_pack(archs[a], n, k, sr_f32_source_of(wf), k, 1, sr_f32_source_of(bf), p32);
    CHECK(memcmp(p16, p32, floats * sizeof(float)) == 0);
    free(p16), free(p32);
  }
}

/* The same packer under another name: the driver then copies panels instead of reading A in place. */
static void copy_rows(const void* src, size_t i0, size_t mr, size_t k0, size_t kc, float* panel) {
  sr_gemm_f32_pack_a_matrix(src, i0, mr, k0, kc, panel);
}

/* A read in place and A copied into panels give the same bits, with and without K blocks. */
static void test_in_place_equals_copied(void) {
  static const size_t ks[] = {40, 1000};
  for (int ki = 0; ki < 2; ki++) {
    const size_t m = 45, n = 70, k = ks[ki];
    float *a = randv(m * k), *w = randv(n * k);
    for (int ai = 0; ai < n_archs; ai++) {
      const sr_gemm_f32_arch* arch = archs[ai];
      float* packed = sr_aligned_alloc(sr_gemm_f32_packed_floats(arch, n, k) * sizeof(float));
      sr_gemm_f32_pack(arch, n, k, sr_f32_source_of(w), k, 1, sr_f32_source_of(NULL), packed);
      const size_t np = sr_gemm_f32_packed_floats(arch, n, k) / (k + 1);
      const sr_gemm_f32_matrix am = {a, k, 1};
      float *direct = sentinel_output(m * n), *copied = sentinel_output(m * n);
      sr_gemm_f32_job job = {arch, m, n, k, sr_gemm_f32_pack_a_matrix, &am, packed + np, NULL, direct, n,
                             -FLT_MAX, FLT_MAX, 0, 0};
      sr_gemm_f32_run(NULL, &job);
      job.pack_a = copy_rows;
      job.c = copied;
      sr_gemm_f32_run(NULL, &job);
      CHECK(memcmp(direct, copied, m * n * sizeof(float)) == 0);
      sr_aligned_free(packed), sr_aligned_free(direct), sr_aligned_free(copied);
    }
    free(a), free(w);
  }
}

/* ---- CONV_2D ---- */

static int conv_case(int batches, int in_h, int in_w, int in_c, int out_c, int fh, int fw, int stride_h,
                     int stride_w, int dil_h, int dil_w, int padding, int act, int with_bias) {
  sr_conv_geom g = {0};
  g.batches = batches, g.in_h = in_h, g.in_w = in_w, g.in_c = in_c, g.out_c = out_c;
  g.filter_h = fh, g.filter_w = fw, g.filter_c = in_c, g.groups = 1, g.depth_multiplier = 1;
  g.stride_h = stride_h, g.stride_w = stride_w, g.dilation_h = dil_h, g.dilation_w = dil_w;
  if (!sr_conv_window(padding, in_h, fh, stride_h, dil_h, &g.out_h, &g.pad_top) ||
      !sr_conv_window(padding, in_w, fw, stride_w, dil_w, &g.out_w, &g.pad_left))
    return 0;
  (void)sr_activation_range_f32(act, &g.act_min, &g.act_max);
  const size_t in_n = (size_t)batches * in_h * in_w * in_c, f_n = (size_t)out_c * fh * fw * in_c;
  const size_t out_n = (size_t)batches * g.out_h * g.out_w * out_c;
  float *in = randv(in_n), *f = randv(f_n), *bias = with_bias ? randv((size_t)out_c) : NULL;
  float *ain = absv(in, in_n), *af = absv(f, f_n), *abias = with_bias ? absv(bias, (size_t)out_c) : NULL;
  float *want = malloc((out_n ? out_n : 1) * sizeof(float)), *scale = malloc((out_n ? out_n : 1) * sizeof(float));
  sr_f32_conv2d__ref(&g, in, f, bias, want);
  sr_conv_geom gs = g;
  gs.act_min = -INFINITY, gs.act_max = INFINITY;
  sr_f32_conv2d__ref(&gs, ain, af, abias, scale);
  for (int a = 0; a < n_archs; a++) {
    float* packed = sr_aligned_alloc(sr_f32_conv2d_packed_floats(archs[a], &g) * sizeof(float));
    float* got = sentinel_output(out_n);
    sr_f32_conv2d_pack(archs[a], &g, sr_f32_source_of(f), sr_f32_source_of(bias), packed);
    sr_f32_conv2d__gemm(NULL, archs[a], &g, in, packed, got);
    char what[160];
    snprintf(what, sizeof what, "conv b%d %dx%dx%d -> %d, filter %dx%d, stride %dx%d, dilation %dx%d, %s, act %d",
             batches, in_h, in_w, in_c, out_c, fh, fw, stride_h, stride_w, dil_h, dil_w,
             padding == SR_PADDING_SAME ? "SAME" : "VALID", act);
    compare(what, archs[a]->name, got, want, scale, out_n, (size_t)fh * fw * in_c);
    sr_aligned_free(packed);
    sr_aligned_free(got);
  }
  free(in), free(f), free(bias), free(ain), free(af), free(abias), free(want), free(scale);
  return 1;
}

static void test_conv_random(void) {
  static const int sizes[] = {1, 2, 3, 4, 5, 7, 8, 9, 12};
  static const int in_cs[] = {1, 2, 3, 4, 5, 8, 16, 17, 33};
  static const int out_cs[] = {1, 3, 8, 16, 17, 24, 32, 33, 40};
  static const int filters[] = {1, 1, 2, 3, 3, 5};
  static const int strides[] = {1, 1, 2, 3};
  static const int dils[] = {1, 1, 1, 2, 3};
  int ran = 0;
  for (int i = 0; i < 220; i++)
    ran += conv_case(1 + irand(2), PICK(sizes), PICK(sizes), PICK(in_cs), PICK(out_cs), PICK(filters),
                     PICK(filters), PICK(strides), PICK(strides), PICK(dils), PICK(dils), irand(2), PICK(activations),
                     irand(4) != 0);
  CHECK(ran > 150);
}

/* Shapes the models have: 1x1 (direct rows), first layers over 3 channels, K beyond one 256-deep block, output
 * channels that are not multiples of NR, rows beyond several tiles. */
static void test_conv_model_shapes(void) {
  CHECK(conv_case(1, 16, 16, 16, 24, 1, 1, 1, 1, 1, 1, SR_PADDING_SAME, SR_ACT_NONE, 1));   /* pointwise */
  CHECK(conv_case(2, 9, 11, 40, 33, 1, 1, 1, 1, 1, 1, SR_PADDING_VALID, SR_ACT_RELU6, 1));   /* pointwise, batches */
  CHECK(conv_case(1, 17, 17, 300, 20, 1, 1, 1, 1, 1, 1, SR_PADDING_SAME, SR_ACT_RELU, 1));   /* K > 256 */
  CHECK(conv_case(1, 8, 8, 8, 16, 1, 1, 2, 2, 1, 1, SR_PADDING_SAME, SR_ACT_NONE, 1));       /* 1x1 stride 2 */
  CHECK(conv_case(1, 33, 31, 3, 32, 3, 3, 2, 2, 1, 1, SR_PADDING_SAME, SR_ACT_RELU6, 1));    /* first layer */
  CHECK(conv_case(1, 32, 32, 3, 16, 3, 3, 2, 2, 1, 1, SR_PADDING_VALID, SR_ACT_RELU, 0));
  CHECK(conv_case(1, 10, 10, 64, 70, 3, 3, 1, 1, 1, 1, SR_PADDING_SAME, SR_ACT_NONE, 1));    /* K = 576 */
  CHECK(conv_case(1, 12, 12, 29, 31, 3, 3, 1, 1, 2, 2, SR_PADDING_SAME, SR_ACT_RELU_N1_TO_1, 1)); /* dilation */
  CHECK(conv_case(3, 5, 6, 7, 9, 5, 2, 1, 3, 1, 1, SR_PADDING_SAME, SR_ACT_RELU, 1));
  CHECK(conv_case(1, 1, 1, 5, 7, 3, 3, 1, 1, 1, 1, SR_PADDING_SAME, SR_ACT_NONE, 1)); /* every tap but one is padding */
  CHECK(conv_case(1, 6, 2, 4, 4, 1, 7, 1, 1, 1, 1, SR_PADDING_SAME, SR_ACT_NONE, 1)); /* window wider than the input */
  CHECK(conv_case(0, 5, 5, 3, 8, 3, 3, 1, 1, 1, 1, SR_PADDING_SAME, SR_ACT_NONE, 1)); /* no batches */
  /* Output rows wider than a 14-row panel, so interior panels are read in place (one K piece per filter row),
   * beside border panels copied as im2col: strides, dilation_h, batches, filter rows longer than a K block. */
  CHECK(conv_case(2, 7, 40, 5, 20, 3, 3, 1, 1, 1, 1, SR_PADDING_SAME, SR_ACT_RELU6, 1));
  CHECK(conv_case(1, 9, 61, 3, 17, 3, 3, 2, 2, 1, 1, SR_PADDING_SAME, SR_ACT_NONE, 1));
  CHECK(conv_case(1, 8, 50, 6, 33, 2, 5, 1, 3, 2, 1, SR_PADDING_VALID, SR_ACT_RELU, 1));
  CHECK(conv_case(1, 5, 44, 100, 40, 3, 3, 1, 1, 1, 1, SR_PADDING_SAME, SR_ACT_NONE, 1)); /* 300-float rows */
  CHECK(conv_case(1, 4, 60, 8, 16, 1, 1, 1, 2, 1, 1, SR_PADDING_VALID, SR_ACT_NONE, 0));  /* 1x1, stride 2 */
}

/* ---- BATCH_MATMUL ---- */

/* lhs [lb..., rows or depth, depth or rows], rhs [rb..., ...]; batch dims right-aligned and broadcast. */
static void bmm_case(int lrank, const int32_t* lb, int rrank, const int32_t* rb, int rows, int depth, int cols,
                     int adj_x, int adj_y) {
  sr_bmm_geom g = {0};
  const int br = lrank > rrank ? lrank : rrank;
  g.batch_rank = br;
  size_t ls = (size_t)rows * depth, rs = (size_t)depth * cols, batches = 1;
  for (int d = br - 1; d >= 0; d--) {
    const int li = d - (br - lrank), ri = d - (br - rrank);
    const int32_t l = li >= 0 ? lb[li] : 1, r = ri >= 0 ? rb[ri] : 1;
    g.batch_dims[d] = l == 1 ? r : l;
    g.lhs_stride[d] = l == 1 ? 0 : ls;
    g.rhs_stride[d] = r == 1 ? 0 : rs;
    ls *= (size_t)l, rs *= (size_t)r;
    batches *= (size_t)g.batch_dims[d];
  }
  g.rows = rows, g.depth = depth, g.cols = cols, g.adj_x = adj_x, g.adj_y = adj_y;
  const size_t out_n = batches * (size_t)rows * cols;
  float *lhs = randv(ls), *rhs = randv(rs), *alhs = absv(lhs, ls), *arhs = absv(rhs, rs);
  float *want = malloc((out_n ? out_n : 1) * sizeof(float)), *scale = malloc((out_n ? out_n : 1) * sizeof(float));
  sr_f32_batch_matmul__ref(&g, lhs, rhs, want);
  sr_f32_batch_matmul__ref(&g, alhs, arhs, scale);
  for (int a = 0; a < n_archs; a++) {
    float* packed = sr_aligned_alloc(sr_f32_batch_matmul_packed_floats(archs[a], &g, rs) * sizeof(float));
    float* got = sentinel_output(out_n);
    sr_f32_batch_matmul_pack(NULL, archs[a], &g, rhs, rs, packed);
    sr_f32_batch_matmul__gemm(NULL, archs[a], &g, lhs, packed, got);
    char what[128];
    snprintf(what, sizeof what, "bmm rank %d/%d %dx%dx%d adj %d/%d", lrank, rrank, rows, depth, cols, adj_x, adj_y);
    compare(what, archs[a]->name, got, want, scale, out_n, (size_t)depth);
    sr_aligned_free(packed);
    sr_aligned_free(got);
  }
  free(lhs), free(rhs), free(alhs), free(arhs), free(want), free(scale);
}

static void test_bmm_random(void) {
  static const int dims[] = {1, 2, 3, 5, 13, 14, 15, 16, 17, 32, 33, 64, 70};
  static const int bdims[] = {1, 1, 2, 3};
  for (int i = 0; i < 120; i++) {
    int32_t lb[3], rb[3];
    const int lrank = irand(3), rrank = irand(3);
    for (int d = 0; d < 3; d++) lb[d] = PICK(bdims), rb[d] = PICK(bdims);
    /* Where both sides have a dim, it must broadcast. */
    const int br = lrank > rrank ? lrank : rrank;
    for (int d = 0; d < br; d++) {
      const int li = d - (br - lrank), ri = d - (br - rrank);
      if (li >= 0 && ri >= 0 && lb[li] != rb[ri] && lb[li] != 1 && rb[ri] != 1) rb[ri] = 1;
    }
    bmm_case(lrank, lb, rrank, rb, PICK(dims), PICK(dims), PICK(dims), irand(2), irand(2));
  }
  /* Attention's shapes, and K beyond one block. */
  const int32_t heads[2] = {1, 4};
  bmm_case(2, heads, 2, heads, 64, 32, 64, 0, 0);
  bmm_case(2, heads, 2, heads, 64, 64, 32, 0, 1);
  bmm_case(2, heads, 2, heads, 20, 300, 9, 1, 1);
}

/* ---- whole models: fast kernels against reference_kernels_only ---- */

static sigrun_runner* open_runner(sigrun_model* model, int reference, int threads, sigrun_interpreter** interp) {
  sigrun_interpreter_options o;
  sigrun_interpreter_options_init(&o);
  o.reference_kernels_only = reference;
  o.num_threads = threads;
  sigrun_error e;
  sigrun_runner* r = NULL;
  if (sigrun_interpreter_create(model, &o, interp, &e) || sigrun_interpreter_get_runner(*interp, NULL, &r, &e) ||
      sigrun_runner_allocate(r, &e)) {
    fprintf(stderr, "%s\n", e.message);
    return NULL;
  }
  return r;
}

static void run_with_inputs(sigrun_runner* r) {
  unsigned saved = rng;
  rng = 99;
  for (int i = 0; i < sigrun_runner_input_count(r); i++) {
    sigrun_tensor* t = sigrun_runner_input_at(r, i);
    if (sigrun_tensor_type(t) != SIGRUN_TYPE_FLOAT32) continue;
    float* d = sigrun_tensor_data(t);
    for (size_t j = 0; j < sigrun_tensor_element_count(t); j++) d[j] = frand();
  }
  rng = saved;
  sigrun_error e;
  CHECK(sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_OK);
}

/* Outputs within `rel` of the output's largest magnitude (errors of the GEMMs propagate through the graph). */
static void check_model(const char* path, double rel, int expect_packed) {
  sigrun_model* model = NULL;
  sigrun_error e;
  if (sigrun_model_load_file(path, &model, &e)) {
    fprintf(stderr, "%s: %s\n", path, e.message);
    CHECK(0);
    return;
  }
  sigrun_interpreter *fast_i = NULL, *ref_i = NULL, *again_i = NULL;
  sigrun_runner* ref = open_runner(model, 1, 1, &ref_i);
  CHECK(ref && sr_packed_bytes(model) == 0); /* reference kernels pack nothing */
  sigrun_runner* fast = open_runner(model, 0, 1, &fast_i);
  const size_t packed = sr_packed_bytes(model);
  CHECK(expect_packed ? packed > 0 : packed == 0);
  /* A second interpreter, with 3 threads: its tiles run on a pool. */
  sigrun_runner* again = open_runner(model, 0, 3, &again_i);
  CHECK(sr_packed_bytes(model) == packed); /* a second interpreter shares the packed weights */
  if (ref && fast && again) {
    run_with_inputs(ref);
    run_with_inputs(fast);
    run_with_inputs(again);
    for (int i = 0; i < sigrun_runner_output_count(ref); i++) {
      const sigrun_tensor *tr = sigrun_runner_output_at(ref, i), *tf = sigrun_runner_output_at(fast, i),
                          *ta = sigrun_runner_output_at(again, i);
      if (sigrun_tensor_type(tr) != SIGRUN_TYPE_FLOAT32) continue;
      const size_t n = sigrun_tensor_element_count(tr);
      CHECK(n == sigrun_tensor_element_count(tf));
      const float* a = sigrun_tensor_data_const(tr);
      const float* b = sigrun_tensor_data_const(tf);
      const float* c = sigrun_tensor_data_const(ta);
      double big = 0, worst = 0;
      for (size_t j = 0; j < n; j++) big = fmax(big, fabs(a[j]));
      for (size_t j = 0; j < n; j++) worst = fmax(worst, fabs((double)a[j] - b[j]));
      if (!(worst <= rel * big))
        fprintf(stderr, "%s output %d: max difference %g, largest |value| %g\n", path, i, worst, big);
      CHECK(worst <= rel * big);
      CHECK(memcmp(b, c, n * sizeof(float)) == 0); /* same kernels, same bits at every thread count */
    }
  }
  sigrun_interpreter_destroy(fast_i);
  sigrun_interpreter_destroy(ref_i);
  sigrun_interpreter_destroy(again_i);
  sigrun_model_destroy(model);
}

static void test_models(void) {
  /* CONV_2D with float16 weights behind DEQUANTIZE */
  check_model("tests/data/models/face_detection_short_range.tflite", 1e-4, 1);
  /* CONV_2D and FULLY_CONNECTED with float16 weights */
  check_model("tests/data/models/hand_landmark_lite.tflite", 1e-4, 1);
  /* FULLY_CONNECTED with float32 weights */
  check_model("tests/data/models/hello_world_float.tflite", 1e-5, 1);
  /* BATCH_MATMUL of two activations (rhs packed into scratch at every invoke) */
  check_model("tests/data/models/odml_sdpa_composite_mha.tflite.bin", 1e-4, 0);
}

int main(void) {
  find_archs();
  printf("kernels:");
  for (int a = 0; a < n_archs; a++) printf(" %s", archs[a]->name);
  printf("\n");
  RUN(test_fc_random);
  RUN(test_fc_zero_sized);
  RUN(test_fc_nan_inf);
  RUN(test_tiling_is_invisible);
  RUN(test_pack_from_f16);
  RUN(test_in_place_equals_copied);
  RUN(test_conv_random);
  RUN(test_conv_model_shapes);
  RUN(test_bmm_random);
  RUN(test_models);
  return TEST_SUMMARY();
}
