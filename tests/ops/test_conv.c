/*
 * test_conv.c — CONV_2D and DEPTHWISE_CONV_2D: hand-computed cases (padding SAME/VALID with odd totals,
 * strides, dilation, groups, batches, every fused activation, absent bias, zero-sized batches), a randomized
 * comparison against an explicit-padding implementation, option parsing and error messages; then the integer
 * kernels (int8, uint8 with a filter zero point, int16 with an int64 bias, LiteRT's rounding of ties), the hybrid
 * kernel and its run-time quantization, and hostile quantization parameters.
 */
#include <float.h>
#include <stdint.h>

#include "harness.h"
#include "ops/conv.h"
#include "format/schema_enums.h"

static sr_conv2d_params conv_params(int padding, int stride_h, int stride_w, int dil_h, int dil_w, int act) {
  sr_conv2d_params p = {padding, stride_w, stride_h, dil_w, dil_h, act};
  return p;
}

static sr_depthwise_conv2d_params dw_params(int padding, int stride, int dm, int act) {
  sr_depthwise_conv2d_params p = {padding, stride, stride, dm, 1, 1, act};
  return p;
}

/* Runs a conv-like op; bias_rank < 0 means the bias input is absent (-1); n_inputs 2 omits it. */
static sigrun_status run3(sr_test_node* tn, const sr_op_kind* kind, const void* params, const int32_t* in_dims,
                          const float* in, const int32_t* f_dims, const float* f, int bias_rank,
                          const int32_t* b_dims, const float* b, int n_inputs) {
  sr_test_node_init(tn, kind->name);
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, 4, in_dims, in);
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, 4, f_dims, f);
  if (n_inputs == 3) sr_test_input(tn, SIGRUN_TYPE_FLOAT32, bias_rank, b_dims, b);
  sr_test_output(tn, SIGRUN_TYPE_FLOAT32);
  return sr_test_run(tn, kind, params);
}

static void check_output(sr_test_node* tn, const int32_t* dims, const float* expected, size_t n) {
  const sr_tensor* out = &tn->outputs[0];
  CHECK(out->rank == 4);
  for (int i = 0; i < 4 && out->rank == 4; i++) CHECK(out->dims[i] == dims[i]);
  CHECK(sr_tensor_count(out) == n);
  if (sr_tensor_count(out) != n) return;
  const float* o = out->data;
  for (size_t i = 0; i < n; i++) CHECK_NEAR(o[i], expected[i], 1e-5 * (1 + fabs(expected[i])));
}

static void test_valid_stride1_bias(void) {
  const int32_t id[4] = {1, 3, 3, 1}, fd[4] = {1, 2, 2, 1}, bd[1] = {1};
  const float in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, f[4] = {1, 2, 3, 4}, b[1] = {1};
  sr_conv2d_params p = conv_params(SR_PADDING_VALID, 1, 1, 1, 1, SR_ACT_NONE);
  sr_test_node tn;
  CHECK(run3(&tn, &sr_op_conv_2d, &p, id, in, fd, f, 1, bd, b, 3) == SIGRUN_STATUS_OK);
  const int32_t od[4] = {1, 2, 2, 1};
  const float e[4] = {38, 48, 68, 78};
  check_output(&tn, od, e, 4);
  sr_test_node_free(&tn);
}

static void test_same_stride2_odd(void) {
  int32_t id[4] = {1, 5, 5, 1};
  const int32_t fd[4] = {1, 3, 3, 1};
  float in[25], f[9];
  for (int i = 0; i < 25; i++) in[i] = (float)(i + 1);
  for (int i = 0; i < 9; i++) f[i] = 1;
  sr_conv2d_params p = conv_params(SR_PADDING_SAME, 2, 2, 1, 1, SR_ACT_NONE);
  sr_test_node tn;
  CHECK(run3(&tn, &sr_op_conv_2d, &p, id, in, fd, f, -1, NULL, NULL, 3) == SIGRUN_STATUS_OK);
  const int32_t od[4] = {1, 3, 3, 1};
  const float e[9] = {16, 33, 28, 69, 117, 87, 76, 123, 88};
  check_output(&tn, od, e, 9);
  sr_test_node_free(&tn);
}

/* SAME with an odd total padding puts the extra element after the data (bottom/right). */
static void test_same_asymmetric(void) {
  const int32_t id[4] = {1, 1, 4, 1}, fd2[4] = {1, 1, 2, 1}, fd3[4] = {1, 1, 3, 1};
  const float in[4] = {1, 2, 3, 4}, f2[2] = {1, 10}, f3[3] = {1, 1, 1};
  sr_conv2d_params p = conv_params(SR_PADDING_SAME, 1, 1, 1, 1, SR_ACT_NONE);
  sr_test_node tn;
  CHECK(run3(&tn, &sr_op_conv_2d, &p, id, in, fd2, f2, 0, NULL, NULL, 2) == SIGRUN_STATUS_OK);
  const int32_t od[4] = {1, 1, 4, 1};
  const float e[4] = {21, 32, 43, 4};
  check_output(&tn, od, e, 4);
  sr_test_node_free(&tn);
  p = conv_params(SR_PADDING_SAME, 1, 2, 1, 1, SR_ACT_NONE);
  CHECK(run3(&tn, &sr_op_conv_2d, &p, id, in, fd3, f3, 0, NULL, NULL, 2) == SIGRUN_STATUS_OK);
  const int32_t od2[4] = {1, 1, 2, 1};
  const float e2[2] = {6, 7};
  check_output(&tn, od2, e2, 2);
  sr_test_node_free(&tn);
}

static void test_dilation(void) {
  const int32_t id[4] = {1, 1, 5, 1}, fd[4] = {1, 1, 2, 1};
  const float in[5] = {1, 2, 3, 4, 5}, f[2] = {1, 1};
  sr_conv2d_params p = conv_params(SR_PADDING_VALID, 1, 1, 1, 2, SR_ACT_NONE);
  sr_test_node tn;
  CHECK(run3(&tn, &sr_op_conv_2d, &p, id, in, fd, f, 0, NULL, NULL, 2) == SIGRUN_STATUS_OK);
  const int32_t od[4] = {1, 1, 3, 1};
  const float e[3] = {4, 6, 8};
  check_output(&tn, od, e, 3);
  sr_test_node_free(&tn);
  p.padding = SR_PADDING_SAME;
  CHECK(run3(&tn, &sr_op_conv_2d, &p, id, in, fd, f, 0, NULL, NULL, 2) == SIGRUN_STATUS_OK);
  const int32_t od2[4] = {1, 1, 5, 1};
  const float e2[5] = {2, 4, 6, 8, 4};
  check_output(&tn, od2, e2, 5);
  sr_test_node_free(&tn);
}

static void test_activations_batches(void) {
  const int32_t id[4] = {2, 1, 2, 2}, fd[4] = {2, 1, 1, 2}, bd[1] = {2};
  const float in[8] = {1, 2, 3, 4, -1, -2, 5, -6}, f[4] = {1, -1, 0.5f, 2}, b[2] = {0.5f, -1};
  static const float e[6][8] = {
      {-0.5f, 3.5f, -0.5f, 8.5f, 1.5f, -5.5f, 11.5f, -10.5f}, /* NONE */
      {0, 3.5f, 0, 8.5f, 1.5f, 0, 11.5f, 0},                  /* RELU */
      {-0.5f, 1, -0.5f, 1, 1, -1, 1, -1},                     /* RELU_N1_TO_1 */
      {0, 3.5f, 0, 6, 1.5f, 0, 6, 0},                         /* RELU6 */
      {-0.5f, 3.5f, -0.5f, 8.5f, 1.5f, -5.5f, 11.5f, -10.5f}, /* TANH: not applied by LiteRT's conv */
      {-0.5f, 3.5f, -0.5f, 8.5f, 1.5f, -5.5f, 11.5f, -10.5f}, /* SIGN_BIT: likewise */
  };
  const int32_t od[4] = {2, 1, 2, 2};
  for (int act = 0; act <= 5; act++) {
    sr_conv2d_params p = conv_params(SR_PADDING_VALID, 1, 1, 1, 1, act);
    sr_test_node tn;
    CHECK(run3(&tn, &sr_op_conv_2d, &p, id, in, fd, f, 1, bd, b, 3) == SIGRUN_STATUS_OK);
    check_output(&tn, od, e[act], 8);
    sr_test_node_free(&tn);
  }
}

/* LiteRT clamps to the largest finite float even without an activation; NaN passes through. */
static void test_inf_nan(void) {
  const int32_t id[4] = {1, 1, 3, 1}, fd[4] = {1, 1, 1, 1};
  const float in[3] = {INFINITY, -INFINITY, NAN}, f[1] = {1};
  sr_conv2d_params p = conv_params(SR_PADDING_VALID, 1, 1, 1, 1, SR_ACT_NONE);
  sr_test_node tn;
  CHECK(run3(&tn, &sr_op_conv_2d, &p, id, in, fd, f, 0, NULL, NULL, 2) == SIGRUN_STATUS_OK);
  const float* o = tn.outputs[0].data;
  CHECK(o[0] == FLT_MAX && o[1] == -FLT_MAX && isnan(o[2]));
  sr_test_node_free(&tn);
}

static void test_groups(void) {
  const int32_t id[4] = {1, 1, 1, 4}, fd[4] = {4, 1, 1, 2};
  const float in[4] = {1, 2, 3, 4}, f[8] = {1, 1, 1, -1, 2, 0, 0, 3};
  sr_conv2d_params p = conv_params(SR_PADDING_VALID, 1, 1, 1, 1, SR_ACT_NONE);
  sr_test_node tn;
  CHECK(run3(&tn, &sr_op_conv_2d, &p, id, in, fd, f, 0, NULL, NULL, 2) == SIGRUN_STATUS_OK);
  const int32_t od[4] = {1, 1, 1, 4};
  const float e[4] = {3, -1, 6, 12};
  check_output(&tn, od, e, 4);
  sr_test_node_free(&tn);
}

static void test_zero_batch(void) {
  const int32_t id[4] = {0, 3, 3, 2}, fd[4] = {4, 3, 3, 2};
  float f[72] = {0};
  sr_conv2d_params p = conv_params(SR_PADDING_SAME, 1, 1, 1, 1, SR_ACT_RELU);
  sr_test_node tn;
  CHECK(run3(&tn, &sr_op_conv_2d, &p, id, NULL, fd, f, 0, NULL, NULL, 2) == SIGRUN_STATUS_OK);
  const int32_t od[4] = {0, 3, 3, 4};
  check_output(&tn, od, NULL, 0);
  sr_test_node_free(&tn);
  /* A VALID window just over the input size gives an empty output, as LiteRT's truncating division does. */
  const int32_t id2[4] = {1, 2, 2, 2};
  float in2[8] = {0};
  p = conv_params(SR_PADDING_VALID, 2, 2, 1, 1, SR_ACT_NONE);
  CHECK(run3(&tn, &sr_op_conv_2d, &p, id2, in2, fd, f, 0, NULL, NULL, 2) == SIGRUN_STATUS_OK);
  const int32_t od2[4] = {1, 0, 0, 4};
  check_output(&tn, od2, NULL, 0);
  sr_test_node_free(&tn);
}

static void test_depthwise_multiplier(void) {
  const int32_t id[4] = {1, 2, 2, 2}, fd[4] = {1, 2, 2, 4}, bd[1] = {4};
  const float in[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  const float f[16] = {1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 1, 2, 0, 0, 2}, b[4] = {1, 2, 3, 4};
  /* The file's depth_multiplier (7 here) is ignored, as LiteRT does; the shapes say 2. */
  sr_depthwise_conv2d_params p = dw_params(SR_PADDING_VALID, 1, 7, SR_ACT_NONE);
  sr_test_node tn;
  CHECK(run3(&tn, &sr_op_depthwise_conv_2d, &p, id, in, fd, f, 1, bd, b, 3) == SIGRUN_STATUS_OK);
  const int32_t od[4] = {1, 1, 1, 4};
  const float e[4] = {21, 10, 11, 30};
  check_output(&tn, od, e, 4);
  sr_test_node_free(&tn);
}

static void test_depthwise_same_relu6(void) {
  const int32_t id[4] = {1, 3, 3, 1}, fd[4] = {1, 3, 3, 1};
  const float in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, f[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  sr_depthwise_conv2d_params p = dw_params(SR_PADDING_SAME, 1, 1, SR_ACT_NONE);
  sr_test_node tn;
  CHECK(run3(&tn, &sr_op_depthwise_conv_2d, &p, id, in, fd, f, -1, NULL, NULL, 3) == SIGRUN_STATUS_OK);
  const int32_t od[4] = {1, 3, 3, 1};
  const float e[9] = {12, 21, 16, 27, 45, 33, 24, 39, 28};
  check_output(&tn, od, e, 9);
  sr_test_node_free(&tn);
  p.activation = SR_ACT_RELU6;
  CHECK(run3(&tn, &sr_op_depthwise_conv_2d, &p, id, in, fd, f, -1, NULL, NULL, 3) == SIGRUN_STATUS_OK);
  const float e6[9] = {6, 6, 6, 6, 6, 6, 6, 6, 6};
  check_output(&tn, od, e6, 9);
  sr_test_node_free(&tn);
}

/* ---- randomized comparison with an explicit-padding implementation ---- */

static uint32_t rng_state = 12345;
static uint32_t rnd(void) {
  rng_state = rng_state * 1664525u + 1013904223u;
  return rng_state >> 8;
}
static float rndf(void) { return (float)(rnd() % 2001) / 1000.0f - 1.0f; }
static int rndi(int lo, int hi) { return lo + (int)(rnd() % (uint32_t)(hi - lo + 1)); }

static int32_t naive_out(int padding, int in, int k, int s, int d, int* pad) {
  const int eff = (k - 1) * d + 1;
  int out = padding == SR_PADDING_SAME ? (in + s - 1) / s : (in >= eff ? (in - eff) / s + 1 : 0);
  int total = (out - 1) * s + eff - in;
  *pad = total > 0 ? total / 2 : 0;
  return out;
}

/* depthwise != 0: filter [1, kh, kw, out_c], out channel oc reads input channel oc / dm. */
static void naive_conv(int depthwise, const int32_t* id, const float* in, const int32_t* fd, const float* f,
                       const float* bias, int padding, int s, int d, float* out, int32_t* od) {
  int ph, pw;
  const int kh = fd[1], kw = fd[2];
  const int oh = naive_out(padding, id[1], kh, s, d, &ph), ow = naive_out(padding, id[2], kw, s, d, &pw);
  const int out_c = depthwise ? fd[3] : fd[0], fc = depthwise ? 1 : fd[3];
  const int hp = id[1] + (oh * s + (kh - 1) * d + 1), wp = id[2] + (ow * s + (kw - 1) * d + 1);
  float* padded = calloc((size_t)id[0] * hp * wp * id[3], sizeof(float));
  for (int b = 0; b < id[0]; b++)
    for (int y = 0; y < id[1]; y++)
      for (int x = 0; x < id[2]; x++)
        for (int c = 0; c < id[3]; c++)
          padded[((b * hp + y + ph) * wp + x + pw) * id[3] + c] = in[((b * id[1] + y) * id[2] + x) * id[3] + c];
  for (int b = 0; b < id[0]; b++)
    for (int y = 0; y < oh; y++)
      for (int x = 0; x < ow; x++)
        for (int oc = 0; oc < out_c; oc++) {
          double acc = bias ? bias[oc] : 0;
          const int groups = id[3] / fc;
          const int cbase = depthwise ? oc / (out_c / id[3]) : (oc / (out_c / groups)) * fc;
          for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
              for (int c = 0; c < fc; c++) {
                const float v = padded[((b * hp + y * s + ky * d) * wp + x * s + kx * d) * id[3] + cbase + c];
                const float w = depthwise ? f[(ky * kw + kx) * out_c + oc] : f[((oc * kh + ky) * kw + kx) * fc + c];
                acc += (double)v * w;
              }
          out[((b * oh + y) * ow + x) * out_c + oc] = (float)acc;
        }
  od[0] = id[0], od[1] = oh, od[2] = ow, od[3] = out_c;
  free(padded);
}

static void test_random_against_naive(void) {
  for (int iter = 0; iter < 300; iter++) {
    const int depthwise = iter % 2;
    const int padding = rndi(0, 1), s = rndi(1, 3), d = rndi(1, 2);
    const int in_c = rndi(1, 6);
    int groups = depthwise ? 1 : rndi(1, in_c);
    while (in_c % groups) groups--; /* a random divisor: 1, in_c and the ones between */
    const int32_t id[4] = {rndi(1, 2), rndi(1, 7), rndi(1, 7), in_c};
    const int kh = rndi(1, 3), kw = rndi(1, 3);
    int32_t fd[4];
    if (depthwise) {
      fd[0] = 1, fd[1] = kh, fd[2] = kw, fd[3] = in_c * rndi(1, 3);
    } else {
      fd[0] = groups * rndi(1, 3), fd[1] = kh, fd[2] = kw, fd[3] = in_c / groups;
    }
    const int out_c = depthwise ? fd[3] : fd[0];
    const size_t nin = (size_t)id[0] * id[1] * id[2] * id[3], nf = (size_t)fd[0] * fd[1] * fd[2] * fd[3];
    float* in = malloc(nin * sizeof(float));
    float* f = malloc(nf * sizeof(float));
    float bias[24];
    for (size_t i = 0; i < nin; i++) in[i] = rndf();
    for (size_t i = 0; i < nf; i++) f[i] = rndf();
    for (int i = 0; i < out_c; i++) bias[i] = rndf();
    int ph, pw;
    const int oh = naive_out(padding, id[1], kh, s, d, &ph), ow = naive_out(padding, id[2], kw, s, d, &pw);
    float* expected = malloc(((size_t)id[0] * oh * ow * out_c + 1) * sizeof(float));
    int32_t od[4];
    naive_conv(depthwise, id, in, fd, f, bias, padding, s, d, expected, od);
    const int32_t bd[1] = {out_c};
    sr_test_node tn;
    sigrun_status st;
    if (depthwise) {
      sr_depthwise_conv2d_params p = {padding, s, s, 0, d, d, SR_ACT_NONE};
      st = run3(&tn, &sr_op_depthwise_conv_2d, &p, id, in, fd, f, 1, bd, bias, 3);
    } else {
      sr_conv2d_params p = conv_params(padding, s, s, d, d, SR_ACT_NONE);
      st = run3(&tn, &sr_op_conv_2d, &p, id, in, fd, f, 1, bd, bias, 3);
    }
    /* LiteRT's truncating VALID size goes negative once the window exceeds the input by a stride. */
    const int eh = (kh - 1) * d + 1, ew = (kw - 1) * d + 1;
    if (padding == SR_PADDING_VALID && ((id[1] + s - eh) / s < 0 || (id[2] + s - ew) / s < 0)) {
      CHECK(st == SIGRUN_STATUS_BAD_MODEL);
      CHECK_CONTAINS(tn.error.message, "gives no valid output size");
    } else if (st == SIGRUN_STATUS_OK) {
      check_output(&tn, od, expected, (size_t)od[0] * od[1] * od[2] * od[3]);
    } else {
      CHECK(st == SIGRUN_STATUS_OK);
      fprintf(stderr, "iteration %d: %s\n", iter, tn.error.message);
    }
    sr_test_node_free(&tn);
    free(in), free(f), free(expected);
  }
}

/* ---- errors ---- */

static void test_errors(void) {
  const int32_t id[4] = {1, 3, 3, 2}, fd[4] = {2, 3, 3, 2}, bd[1] = {3};
  float in[18] = {0}, f[36] = {0}, b[3] = {0};
  sr_conv2d_params p = conv_params(SR_PADDING_VALID, 1, 1, 1, 1, SR_ACT_NONE);
  sr_test_node tn;

  sr_test_node_init(&tn, "CONV_2D");
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 4, id, in);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 4, fd, f);
  sr_test_output(&tn, SIGRUN_TYPE_INT32);
  CHECK(sr_test_run(&tn, &sr_op_conv_2d, &p) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "CONV_2D");
  CHECK_CONTAINS(tn.error.message, "input (tensor 0) int32 with filter (tensor 1) float32 is not supported");
  CHECK_CONTAINS(tn.error.message, "int16/int8");
  sr_test_node_free(&tn);

  /* A hybrid filter without quantization parameters. */
  sr_test_node_init(&tn, "CONV_2D");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 4, id, in);
  sr_test_input(&tn, SIGRUN_TYPE_INT8, 4, fd, f);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_conv_2d, &p) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "filter (tensor 1) has no quantization parameters");
  sr_test_node_free(&tn);

  const int32_t id3[3] = {3, 3, 2};
  sr_test_node_init(&tn, "CONV_2D");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 3, id3, in);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 4, fd, f);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_conv_2d, &p) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input (tensor 0) has shape [3,3,2], expected rank 4");
  sr_test_node_free(&tn);

  CHECK(run3(&tn, &sr_op_conv_2d, &p, id, in, fd, f, 1, bd, b, 3) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "bias (tensor 2) has shape [3], expected 2 elements");
  sr_test_node_free(&tn);

  const int32_t fd_bad[4] = {2, 3, 3, 3};
  CHECK(run3(&tn, &sr_op_conv_2d, &p, id, in, fd_bad, f, 0, NULL, NULL, 2) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "multiple");
  sr_test_node_free(&tn);

  const int32_t fd_groups[4] = {3, 3, 3, 1}; /* 2 groups, 3 filters */
  CHECK(run3(&tn, &sr_op_conv_2d, &p, id, in, fd_groups, f, 0, NULL, NULL, 2) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "output channels a multiple of groups");
  sr_test_node_free(&tn);

  const int32_t fd_big[4] = {2, 5, 5, 2};
  float fbig[100] = {0};
  CHECK(run3(&tn, &sr_op_conv_2d, &p, id, in, fd_big, fbig, 0, NULL, NULL, 2) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input 3x3 with filter 5x5, stride 1x1, dilation 1x1 and VALID padding");
  sr_test_node_free(&tn);

  sr_test_node_init(&tn, "CONV_2D");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 4, id, in);
  sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_conv_2d, &p) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "has 1 inputs, expected 2 to 3");
  sr_test_node_free(&tn);

  sr_depthwise_conv2d_params dp = dw_params(SR_PADDING_VALID, 1, 1, SR_ACT_NONE);
  const int32_t dwf_bad0[4] = {2, 3, 3, 2};
  CHECK(run3(&tn, &sr_op_depthwise_conv_2d, &dp, id, in, dwf_bad0, f, 0, NULL, NULL, 2) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "expected filter [1, h, w, in_channels * depth_multiplier]");
  sr_test_node_free(&tn);
  const int32_t dwf_bad3[4] = {1, 3, 3, 3};
  CHECK(run3(&tn, &sr_op_depthwise_conv_2d, &dp, id, in, dwf_bad3, f, 0, NULL, NULL, 2) == SIGRUN_STATUS_BAD_MODEL);
  sr_test_node_free(&tn);
  const int32_t dwf[4] = {1, 3, 3, 2}, bd2[2] = {1, 2};
  CHECK(run3(&tn, &sr_op_depthwise_conv_2d, &dp, id, in, dwf, f, 2, bd2, b, 3) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "bias (tensor 2) has shape [1,2], expected rank 1 with 2 elements");
  sr_test_node_free(&tn);
}

/* ---- option parsing ---- */

static void test_parse(void) {
  sr_pool pool;
  sr_pool_init(&pool);
  sigrun_error err;
  const void* out = NULL;
  test_fb t;
  const int32_t conv[6] = {1, 2, 3, 3, FB_ABSENT, 2};
  fb_make(&t, 6, conv);
  CHECK(sr_test_parse(&sr_op_conv_2d, SR_OPTIONS_CONV2D, &t.table, &out, &err, &pool) == SIGRUN_STATUS_OK);
  const sr_conv2d_params* cp = out;
  CHECK(cp && cp->padding == SR_PADDING_VALID && cp->stride_w == 2 && cp->stride_h == 3 && cp->activation == 3 &&
        cp->dilation_w == 1 && cp->dilation_h == 2);

  const int32_t bad_stride[2] = {0, 0};
  fb_make(&t, 2, bad_stride);
  CHECK(sr_test_parse(&sr_op_conv_2d, SR_OPTIONS_CONV2D, &t.table, &out, &err, &pool) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "stride_w is 0, expected > 0");
  CHECK(sr_test_parse(&sr_op_conv_2d, SR_OPTIONS_CONV2D, NULL, &out, &err, &pool) == SIGRUN_STATUS_BAD_MODEL);
  CHECK(sr_test_parse(&sr_op_conv_2d, SR_OPTIONS_POOL2D, &t.table, &out, &err, &pool) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "union type 5, expected 1");

  const int32_t bad_pad[4] = {2, 1, 1, 0};
  fb_make(&t, 4, bad_pad);
  CHECK(sr_test_parse(&sr_op_conv_2d, SR_OPTIONS_CONV2D, &t.table, &out, &err, &pool) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "padding 2 is not SAME (0) or VALID (1)");
  const int32_t bad_act[4] = {0, 1, 1, 6};
  fb_make(&t, 4, bad_act);
  CHECK(sr_test_parse(&sr_op_conv_2d, SR_OPTIONS_CONV2D, &t.table, &out, &err, &pool) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "fused activation 6");
  const int32_t bad_dil[6] = {0, 1, 1, 0, -1, 1};
  fb_make(&t, 6, bad_dil);
  CHECK(sr_test_parse(&sr_op_conv_2d, SR_OPTIONS_CONV2D, &t.table, &out, &err, &pool) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "dilation_w_factor is -1");

  const int32_t dw[7] = {0, 1, 2, 4, 1, 3, FB_ABSENT};
  fb_make(&t, 7, dw);
  CHECK(sr_test_parse(&sr_op_depthwise_conv_2d, SR_OPTIONS_DEPTHWISE_CONV2D, &t.table, &out, &err, &pool) ==
        SIGRUN_STATUS_OK);
  const sr_depthwise_conv2d_params* dp = out;
  CHECK(dp && dp->padding == 0 && dp->stride_w == 1 && dp->stride_h == 2 && dp->depth_multiplier == 4 &&
        dp->activation == 1 && dp->dilation_w == 3 && dp->dilation_h == 1);
  sr_pool_destroy(&pool);
}

/* ---- quantized and hybrid kernels ---- */

static const float k_one[1] = {1.0f};
static const int64_t k_zero[1] = {0};

/* One conv-like node with quantized tensors; in_q/f_q/out_q are {scale, zero point} (per-tensor). */
static sigrun_status run_q(sr_test_node* tn, const sr_op_kind* kind, const void* params, sigrun_type it,
                           sigrun_type ft, const int32_t* id, const void* in, const float* in_s,
                           const int64_t* in_zp, const int32_t* fd, const void* f, int f_count, const float* f_s,
                           const int64_t* f_zp, sigrun_type bt, const void* bias, int32_t bias_n, const float* out_s,
                           const int64_t* out_zp) {
  sr_test_node_init(tn, kind->name);
  sr_tensor* t = sr_test_input(tn, it, 4, id, in);
  if (in_s) sr_test_set_quant(t, 1, in_s, in_zp, 0);
  t = sr_test_input(tn, ft, 4, fd, f);
  if (f_s) sr_test_set_quant(t, f_count, f_s, f_zp, kind == &sr_op_depthwise_conv_2d ? 3 : 0);
  if (bias) {
    const int32_t bd[1] = {bias_n};
    sr_test_input(tn, bt, 1, bd, bias);
  }
  t = sr_test_output(tn, it);
  if (out_s) sr_test_set_quant(t, 1, out_s, out_zp, 0);
  return sr_test_run(tn, kind, params);
}

/* acc = (10-2)*3 + (-20-2)*(-1) + 7 = 53; 53 * 0.5 * 0.25 = 6.625 -> 7; + zero point -1 = 6. */
static void test_int8_conv(void) {
  const int32_t id[4] = {1, 1, 2, 1}, fd[4] = {1, 1, 2, 1};
  const int8_t in[2] = {10, -20}, f[2] = {3, -1};
  const int32_t b[1] = {7};
  const float in_s[1] = {0.5f}, f_s[1] = {0.25f};
  const int64_t in_zp[1] = {2}, out_zp[1] = {-1};
  sr_conv2d_params p = conv_params(SR_PADDING_VALID, 1, 1, 1, 1, SR_ACT_NONE);
  sr_test_node tn;
  CHECK(run_q(&tn, &sr_op_conv_2d, &p, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT8, id, in, in_s, in_zp, fd, f, 1, f_s, k_zero,
              SIGRUN_TYPE_INT32, b, 1, k_one, out_zp) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 1, 1, 1, 1);
  CHECK(((int8_t*)tn.outputs[0].data)[0] == 6);
  sr_test_node_free(&tn);
  /* RELU clamps at the output zero point. */
  const int8_t neg[2] = {-100, 100};
  p.activation = SR_ACT_RELU;
  CHECK(run_q(&tn, &sr_op_conv_2d, &p, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT8, id, neg, in_s, in_zp, fd, f, 1, f_s,
              k_zero, SIGRUN_TYPE_INT32, b, 1, k_one, out_zp) == SIGRUN_STATUS_OK);
  CHECK(((int8_t*)tn.outputs[0].data)[0] == -1);
  sr_test_node_free(&tn);
}

/* -62 * 5 * 0.25 = -77.5, a tie at the final shift: LiteRT's GEMM-based int8 conv rounds it up to -77; its int8
 * depthwise kernel rounds channels 0..7 of every 8 up (-77) and the out_c % 8 leftover ones away from zero
 * (-78), as tests/oracle/test_ops_quant_conv.py measures. */
static void test_rounding_ties(void) {
  const int32_t id1[4] = {1, 1, 1, 1}, id2[4] = {1, 1, 1, 2}, fd1[4] = {1, 1, 1, 1}, fd2[4] = {1, 1, 1, 2};
  const int32_t id9[4] = {1, 1, 1, 9}, fd9[4] = {1, 1, 1, 9};
  const int8_t in[9] = {-62, -62, -62, -62, -62, -62, -62, -62, -62}, f[9] = {5, 5, 5, 5, 5, 5, 5, 5, 5};
  const float half[1] = {0.25f};
  sr_conv2d_params p = conv_params(SR_PADDING_VALID, 1, 1, 1, 1, SR_ACT_NONE);
  sr_depthwise_conv2d_params dp = dw_params(SR_PADDING_VALID, 1, 1, SR_ACT_NONE);
  sr_test_node tn;
  CHECK(run_q(&tn, &sr_op_conv_2d, &p, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT8, id1, in, k_one, k_zero, fd1, f, 1, half,
              k_zero, SIGRUN_TYPE_INT32, NULL, 0, k_one, k_zero) == SIGRUN_STATUS_OK);
  CHECK(((int8_t*)tn.outputs[0].data)[0] == -77);
  sr_test_node_free(&tn);
  CHECK(run_q(&tn, &sr_op_depthwise_conv_2d, &dp, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT8, id1, in, k_one, k_zero, fd1, f,
              1, half, k_zero, SIGRUN_TYPE_INT32, NULL, 0, k_one, k_zero) == SIGRUN_STATUS_OK);
  CHECK(((int8_t*)tn.outputs[0].data)[0] == -78);
  sr_test_node_free(&tn);
  const float half9[9] = {0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f};
  const int64_t zero9[9] = {0};
  CHECK(run_q(&tn, &sr_op_depthwise_conv_2d, &dp, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT8, id9, in, k_one, k_zero, fd9, f,
              9, half9, zero9, SIGRUN_TYPE_INT32, NULL, 0, k_one, k_zero) == SIGRUN_STATUS_OK);
  for (int c = 0; c < 9; c++) CHECK(((int8_t*)tn.outputs[0].data)[c] == (c < 8 ? -77 : -78));
  sr_test_node_free(&tn);
  CHECK(run_q(&tn, &sr_op_depthwise_conv_2d, &dp, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT8, id2, in, k_one, k_zero, fd2, f,
              1, half, k_zero, SIGRUN_TYPE_INT32, NULL, 0, k_one, k_zero) == SIGRUN_STATUS_OK);
  CHECK(((int8_t*)tn.outputs[0].data)[0] == -78 && ((int8_t*)tn.outputs[0].data)[1] == -78);
  sr_test_node_free(&tn);
}

/* uint8 honours the filter zero point: (130-128)*(100-98) + 1 = 5. int16 with an int64 bias: (1000*3 + 2000)
 * / 1000 = 5. */
static void test_uint8_int16_conv(void) {
  const int32_t id[4] = {1, 1, 1, 1}, fd[4] = {1, 1, 1, 1};
  const uint8_t in_u[1] = {130}, f_u[1] = {100};
  const int64_t zp128[1] = {128}, zp98[1] = {98};
  const int32_t b32[1] = {1};
  sr_conv2d_params p = conv_params(SR_PADDING_VALID, 1, 1, 1, 1, SR_ACT_NONE);
  sr_test_node tn;
  CHECK(run_q(&tn, &sr_op_conv_2d, &p, SIGRUN_TYPE_UINT8, SIGRUN_TYPE_UINT8, id, in_u, k_one, zp128, fd, f_u, 1, k_one,
              zp98, SIGRUN_TYPE_INT32, b32, 1, k_one, k_zero) == SIGRUN_STATUS_OK);
  CHECK(((uint8_t*)tn.outputs[0].data)[0] == 5);
  sr_test_node_free(&tn);
  const int16_t in16[1] = {1000};
  const int8_t f8[1] = {3};
  const int64_t b64[1] = {2000};
  const float out_s[1] = {1000.0f};
  CHECK(run_q(&tn, &sr_op_conv_2d, &p, SIGRUN_TYPE_INT16, SIGRUN_TYPE_INT8, id, in16, k_one, k_zero, fd, f8, 1, k_one,
              k_zero, SIGRUN_TYPE_INT64, b64, 1, out_s, k_zero) == SIGRUN_STATUS_OK);
  CHECK(((int16_t*)tn.outputs[0].data)[0] == 5);
  sr_test_node_free(&tn);
  /* int16 activations need zero points 0. */
  const int64_t zp3[1] = {3};
  CHECK(run_q(&tn, &sr_op_conv_2d, &p, SIGRUN_TYPE_INT16, SIGRUN_TYPE_INT8, id, in16, k_one, zp3, fd, f8, 1, k_one,
              k_zero, SIGRUN_TYPE_INT64, b64, 1, out_s, k_zero) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "need zero points 0");
  sr_test_node_free(&tn);
}

/* Symmetric per-tensor hybrid: {1, -0.5} -> q {127, -64} with scale 1/127; sum 127*64 + 64*127 = 16256. */
static void test_hybrid_conv(void) {
  const int32_t id[4] = {1, 1, 2, 1}, fd[4] = {1, 1, 2, 1};
  const float in[2] = {1.0f, -0.5f}, b[1] = {0.5f}, f_s[1] = {0.01f};
  const int8_t f[2] = {64, -127};
  sr_conv2d_params p = conv_params(SR_PADDING_VALID, 1, 1, 1, 1, SR_ACT_NONE);
  sr_test_node tn;
  CHECK(run_q(&tn, &sr_op_conv_2d, &p, SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_INT8, id, in, NULL, NULL, fd, f, 1, f_s,
              k_zero, SIGRUN_TYPE_FLOAT32, b, 1, NULL, NULL) == SIGRUN_STATUS_OK);
  const float expected = 16256.0f * (0.01f * (1.0f / 127.0f)) + 0.5f;
  CHECK(((float*)tn.outputs[0].data)[0] == expected);
  sr_test_node_free(&tn);
  /* Zero-sized batch: nothing to quantize or compute. */
  const int32_t id0[4] = {0, 1, 2, 1};
  CHECK(run_q(&tn, &sr_op_conv_2d, &p, SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_INT8, id0, in, NULL, NULL, fd, f, 1, f_s,
              k_zero, SIGRUN_TYPE_FLOAT32, b, 1, NULL, NULL) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 0, 1, 1, 1);
  sr_test_node_free(&tn);
}

/* LiteRT's asymmetric run-time quantization: {-1, 0, 3} -> scale 4/255, zero point -64, q {-128, -64, 127}. */
static void test_hybrid_quantize_rows(void) {
  const float v[6] = {-1.0f, 0.0f, 3.0f, 0.0f, 0.0f, 0.0f};
  int8_t q[6];
  float scale[2];
  int32_t zp[2];
  sr_conv_hybrid_quantize_rows(v, 2, 3, 1, q, scale, zp);
  CHECK(zp[0] == -64 && q[0] == -128 && q[1] == -64 && q[2] == 127);
  CHECK(scale[0] == (float)(4.0 / 255.0));
  CHECK(zp[1] == 0 && scale[1] == 1.0f && q[3] == 0); /* an all-zero row */
  sr_conv_hybrid_quantize_rows(v, 1, 3, 0, q, scale, zp);
  CHECK(q[0] == -42 && q[1] == 0 && q[2] == 127 && scale[0] == 3.0f / 127.0f);
}

static void test_quant_errors(void) {
  const int32_t id[4] = {1, 1, 1, 2}, fd[4] = {2, 1, 1, 2};
  const int8_t in[2] = {1, 2}, f[4] = {1, 2, 3, 4};
  const float bad_s[1] = {0.0f}, three[3] = {1, 1, 1};
  sr_conv2d_params p = conv_params(SR_PADDING_VALID, 1, 1, 1, 1, SR_ACT_NONE);
  sr_test_node tn;
  CHECK(run_q(&tn, &sr_op_conv_2d, &p, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT8, id, in, k_one, k_zero, fd, f, 1, bad_s,
              k_zero, SIGRUN_TYPE_INT32, NULL, 0, k_one, k_zero) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "filter (tensor 1): scale 0 is 0, not a positive finite number");
  sr_test_node_free(&tn);
  CHECK(run_q(&tn, &sr_op_conv_2d, &p, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT8, id, in, k_one, k_zero, fd, f, 3, three,
              NULL, SIGRUN_TYPE_INT32, NULL, 0, k_one, k_zero) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "3 scales along dimension 0, expected 1 or 2 along dimension 0");
  sr_test_node_free(&tn);
  const int64_t b64[2] = {0, 0};
  CHECK(run_q(&tn, &sr_op_conv_2d, &p, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT8, id, in, k_one, k_zero, fd, f, 1, k_one,
              k_zero, SIGRUN_TYPE_INT64, b64, 2, k_one, k_zero) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "bias (tensor 2) has type int64, expected int32");
  sr_test_node_free(&tn);
  CHECK(run_q(&tn, &sr_op_conv_2d, &p, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT8, id, in, NULL, NULL, fd, f, 1, k_one,
              k_zero, SIGRUN_TYPE_INT32, NULL, 0, k_one, k_zero) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "input (tensor 0, int8) has no quantization parameters");
  sr_test_node_free(&tn);
  /* TANH is not fused into quantized kernels. */
  p.activation = SR_ACT_TANH;
  CHECK(run_q(&tn, &sr_op_conv_2d, &p, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT8, id, in, k_one, k_zero, fd, f, 1, k_one,
              k_zero, SIGRUN_TYPE_INT32, NULL, 0, k_one, k_zero) == SIGRUN_STATUS_UNSUPPORTED);
  sr_test_node_free(&tn);
}

int main(void) {
  RUN(test_valid_stride1_bias);
  RUN(test_same_stride2_odd);
  RUN(test_same_asymmetric);
  RUN(test_dilation);
  RUN(test_activations_batches);
  RUN(test_inf_nan);
  RUN(test_groups);
  RUN(test_zero_batch);
  RUN(test_depthwise_multiplier);
  RUN(test_depthwise_same_relu6);
  RUN(test_random_against_naive);
  RUN(test_errors);
  RUN(test_parse);
  RUN(test_int8_conv);
  RUN(test_rounding_ties);
  RUN(test_uint8_int16_conv);
  RUN(test_hybrid_conv);
  RUN(test_hybrid_quantize_rows);
  RUN(test_quant_errors);
  return TEST_SUMMARY();
}
