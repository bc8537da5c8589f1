/*
 * test_fast_dwconv.c — the float DEPTHWISE_CONV_2D fast path (dwconv_fast_f32.c) against its reference kernel,
 * at every ISA level this CPU has: random shapes (3x3, 5x5 and other filters, strides 1-3, dilation, SAME and
 * VALID, channel counts below, at and above the vector width, one-pixel images, empty batches), every fused
 * activation, absent bias; padding taps must be skipped (an infinite weight only poisons outputs that see it),
 * NaN inputs propagate through the clamp, and nodes the fast path does not handle decline.
 */
#include <float.h>
#include <stdint.h>

#include "harness.h"
#include "core/cpu.h"
#include "ops/conv.h"
#include "ops/fast.h"

static uint32_t rng_state = 2024;
static uint32_t rnd(void) {
  rng_state = rng_state * 1664525u + 1013904223u;
  return rng_state >> 8;
}
static float rndf(void) { return (float)(rnd() % 20001) / 10000.0f - 1.0f; }
static int rndi(int lo, int hi) { return lo + (int)(rnd() % (uint32_t)(hi - lo + 1)); }

/* ISA levels to test: each one the CPU supports, from AVX2 up. */
static int isa_levels(unsigned* out) {
  const unsigned have = sr_cpu_isa();
  int n = 0;
  if (have & SR_ISA_AVX2_FMA) out[n++] = SR_ISA_AVX2_FMA;
  if (have & SR_ISA_AVX512) out[n++] = SR_ISA_AVX2_FMA | SR_ISA_AVX512;
  return n;
}

typedef struct dw_case {
  int32_t id[4], fd[4];
  int padding, stride_h, stride_w, dil, act, has_bias;
} dw_case;

/* Prepares and runs the node at `isa`, checks that the fast path took it (when expect_fast), and compares with
 * the reference kernel over the same geometry. */
static void run_case(const dw_case* k, unsigned isa, const float* in, const float* f, const float* bias,
                     int expect_fast) {
  sr_test_node tn;
  sr_test_node_init(&tn, "DEPTHWISE_CONV_2D");
  tn.node.isa = isa;
  const int32_t bd[1] = {k->fd[3]};
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 4, k->id, in);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 4, k->fd, f);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, k->has_bias ? 1 : -1, bd, k->has_bias ? bias : NULL);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  sr_depthwise_conv2d_params p = {k->padding, k->stride_w, k->stride_h, 1, k->dil, k->dil, k->act};
  sigrun_status st = sr_test_run(&tn, &sr_op_depthwise_conv_2d, &p);
  CHECK(st == SIGRUN_STATUS_OK);
  if (st) {
    fprintf(stderr, "%s\n", tn.error.message);
    sr_test_node_free(&tn);
    return;
  }
  /* The geometry prepare computed is the first member of the node data. */
  const sr_conv_geom* g = tn.node.data;
  sr_fast_path fast = {0};
  CHECK(sr_dwconv_fast_select_f32(&tn.node, g, &fast) == SIGRUN_STATUS_OK);
  CHECK((fast.run != NULL) == expect_fast);
  const size_t n = sr_tensor_count(&tn.outputs[0]);
  float* expected = malloc((n + 1) * sizeof(float));
  sr_f32_depthwise_conv2d__ref(g, in, f, k->has_bias ? bias : NULL, expected);
  const float* got = tn.outputs[0].data;
  int bad = 0;
  for (size_t i = 0; i < n && bad < 3; i++) {
    const double e = expected[i], o = got[i];
    const int same = (isnan(e) && isnan(o)) || e == o || fabs(e - o) <= 1e-5 * (1 + fabs(e));
    if (!same) {
      fprintf(stderr, "isa %u in %dx%dx%dx%d filter %dx%d stride %dx%d dil %d pad %d act %d: [%zu] %g vs %g\n", isa,
              k->id[0], k->id[1], k->id[2], k->id[3], k->fd[1], k->fd[2], k->stride_h, k->stride_w, k->dil,
              k->padding, k->act, i, o, e);
      bad++;
    }
  }
  CHECK(bad == 0);
  free(expected);
  sr_test_node_free(&tn);
}

static void fill(float* p, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] = rndf();
}

static void random_case(dw_case* k) {
  static const int channels[] = {1, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 48, 64, 88};
  static const int filters[][2] = {{3, 3}, {3, 3}, {5, 5}, {5, 5}, {1, 1}, {2, 2}, {3, 1}, {1, 5}, {7, 7}, {4, 3}};
  const int fsel = rndi(0, 9);
  k->id[0] = rndi(0, 9) == 0 ? 0 : rndi(1, 2);
  k->id[1] = rndi(1, 13);
  k->id[2] = rndi(1, 21);
  k->id[3] = channels[rndi(0, 14)];
  k->fd[0] = 1, k->fd[1] = filters[fsel][0], k->fd[2] = filters[fsel][1], k->fd[3] = k->id[3];
  k->padding = rndi(0, 1);
  k->stride_h = rndi(1, 3);
  k->stride_w = rndi(0, 3) ? k->stride_h : rndi(1, 3);
  k->dil = rndi(0, 4) ? 1 : 2;
  k->act = rndi(0, 3); /* NONE, RELU, RELU_N1_TO_1, RELU6 */
  k->has_bias = rndi(0, 3) != 0;
  /* VALID windows larger than the input have no output size: shrink the filter's reach until one exists. */
  if (k->padding == SR_PADDING_VALID) {
    while ((k->fd[1] - 1) * k->dil + 1 > k->id[1]) k->id[1]++;
    while ((k->fd[2] - 1) * k->dil + 1 > k->id[2]) k->id[2]++;
  }
}

static void test_random_shapes(void) {
  unsigned isas[4];
  const int levels = isa_levels(isas);
  for (int iter = 0; iter < 400; iter++) {
    dw_case k;
    random_case(&k);
    const size_t nin = (size_t)k.id[0] * k.id[1] * k.id[2] * k.id[3];
    const size_t nf = (size_t)k.fd[1] * k.fd[2] * k.fd[3];
    float* in = malloc((nin + 1) * sizeof(float));
    float* f = malloc(nf * sizeof(float));
    float* bias = malloc((size_t)k.fd[3] * sizeof(float));
    fill(in, nin), fill(f, nf), fill(bias, (size_t)k.fd[3]);
    for (int l = 0; l < levels; l++) run_case(&k, isas[l], in, f, bias, 1);
    free(in), free(f), free(bias);
  }
}

/* MobileNet-sized layers: long rows where the multi-column interior loop dominates. */
static void test_large_layers(void) {
  unsigned isas[4];
  const int levels = isa_levels(isas);
  const int32_t shapes[][4] = {{1, 30, 30, 32}, {1, 29, 31, 96}, {1, 14, 14, 88}, {1, 9, 9, 144}};
  for (int s = 0; s < 4; s++)
    for (int kk = 3; kk <= 5; kk += 2)
      for (int stride = 1; stride <= 2; stride++)
        for (int padding = 0; padding <= 1; padding++) {
          dw_case k = {{shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3]}, {1, kk, kk, shapes[s][3]},
                       padding, stride, stride, 1, SR_ACT_RELU6, 1};
          const size_t nin = (size_t)k.id[1] * k.id[2] * k.id[3], nf = (size_t)kk * kk * k.id[3];
          float* in = malloc(nin * sizeof(float));
          float* f = malloc(nf * sizeof(float));
          float* bias = malloc((size_t)k.id[3] * sizeof(float));
          fill(in, nin), fill(f, nf), fill(bias, (size_t)k.id[3]);
          for (int l = 0; l < levels; l++) run_case(&k, isas[l], in, f, bias, 1);
          free(in), free(f), free(bias);
        }
}

/* An infinite weight on a tap that only ever lands in the padding must not touch any output (0 * inf is NaN);
 * NaN inputs reach the output through the activation clamp, as in the reference. */
static void test_padding_taps_and_nan(void) {
  unsigned isas[4];
  const int levels = isa_levels(isas);
  dw_case k = {{1, 1, 20, 19}, {1, 3, 3, 19}, SR_PADDING_SAME, 1, 1, 1, SR_ACT_RELU6, 1};
  float in[20 * 19], f[9 * 19], bias[19];
  fill(in, 20 * 19), fill(f, 9 * 19), fill(bias, 19);
  for (int c = 0; c < 19; c++) f[0 * 19 + c] = INFINITY; /* top-left tap: the row above is padding */
  in[5 * 19 + 3] = NAN;
  for (int l = 0; l < levels; l++) {
    run_case(&k, isas[l], in, f, bias, 1);
  }
  /* And directly: no output is NaN except the ones that read the NaN input. */
  for (int l = 0; l < levels; l++) {
    sr_test_node tn;
    sr_test_node_init(&tn, "DEPTHWISE_CONV_2D");
    tn.node.isa = isas[l];
    const int32_t bd[1] = {19};
    sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 4, k.id, in);
    sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 4, k.fd, f);
    sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 1, bd, bias);
    sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
    sr_depthwise_conv2d_params p = {SR_PADDING_SAME, 1, 1, 1, 1, 1, SR_ACT_RELU6};
    CHECK(sr_test_run(&tn, &sr_op_depthwise_conv_2d, &p) == SIGRUN_STATUS_OK);
    const float* o = tn.outputs[0].data;
    for (int x = 0; x < 20; x++)
      for (int c = 0; c < 19; c++) {
        const int reads_nan = c == 3 && x >= 4 && x <= 6;
        CHECK((isnan(o[x * 19 + c]) != 0) == reads_nan);
        if (!reads_nan) CHECK(o[x * 19 + c] >= 0 && o[x * 19 + c] <= 6);
      }
    sr_test_node_free(&tn);
  }
}

/* Depth multiplier > 1 and the reference-only mode (isa 0) decline; the node still computes the reference. */
static void test_declines(void) {
  float in[2 * 5 * 5 * 3], f[3 * 3 * 6], bias[6];
  fill(in, 2 * 5 * 5 * 3), fill(f, 3 * 3 * 6), fill(bias, 6);
  const unsigned have = sr_cpu_isa();
  dw_case dm2 = {{2, 5, 5, 3}, {1, 3, 3, 6}, SR_PADDING_SAME, 1, 1, 1, SR_ACT_NONE, 1};
  run_case(&dm2, have, in, f, bias, 0);
  dw_case dm1 = {{2, 5, 5, 3}, {1, 3, 3, 3}, SR_PADDING_SAME, 1, 1, 1, SR_ACT_NONE, 1};
  run_case(&dm1, 0, in, f, bias, 0);
}

int main(void) {
  RUN(test_random_shapes);
  RUN(test_large_layers);
  RUN(test_padding_taps_and_nan);
  RUN(test_declines);
  return TEST_SUMMARY();
}
