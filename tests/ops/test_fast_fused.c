/*
 * test_fast_fused.c — the rows kernels of the runner's float fusions (vec_f32.h), at every ISA level of this CPU:
 * the layer norm's rows bit-exact with the literal op sequence written out as the reference kernels compute it,
 * the MUL+SOFTMAX rows bit-exact with a MUL then the vector softmax, and the vector softmax's grouping of rows
 * invisible in its bits. Depths around the vector widths, 0 rows included, special values (NaN, infinities,
 * signed zeros, huge and subnormal). The fusions themselves are checked on converted Keras models against the
 * literal graph and LiteRT in tests/oracle/test_fusion.py.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "fast_diff.h"
#include "ops/vec_f32.h"

/* The vector softmax forms the sums of a group of rows side by side: every row must come out with the bits it
 * gets alone (a group of one), whatever its place in the group. */
static void test_softmax_groups_invisible(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  for (int iter = 0; iter < 60; iter++) {
    const size_t depth = (size_t)fd_rndi(1, 70), rows = (size_t)fd_rndi(0, 40), n = rows * depth;
    float* x = malloc((n + 1) * sizeof(float));
    float* all = malloc((n + 1) * sizeof(float));
    float* one = malloc((n + 1) * sizeof(float));
    for (size_t i = 0; i < n; i++) x[i] = fd_rndf(-20, 20);
    if (iter % 5 == 0) fd_fill_special(x, n, 20);
    for (int l = 0; l < levels; l++) {
      const sr_vec_softmax_fn fn = sr_vec_softmax_kernel(isas[l]);
      fn(x, all, rows, depth, 1.0f);
      for (size_t r = 0; r < rows; r++) fn(x + r * depth, one + r * depth, 1, depth, 1.0f);
      CHECK(memcmp(all, one, n * sizeof(float)) == 0);
    }
    free(x), free(all), free(one);
  }
}

/* The fused MUL+SOFTMAX rows kernel against a MUL by the scalar written out, then the vector softmax of the same
 * ISA: bit-exact, depths around the vector widths, special values, several scales. */
static void test_softmax_scaled_rows(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  static const float scales[] = {0.17677669f, 1.0f, -0.5f, 3.0f, 1e-3f};
  for (int iter = 0; iter < 120; iter++) {
    const size_t depth = (size_t)fd_rndi(1, 80), rows = (size_t)fd_rndi(0, 9), n = rows * depth;
    float* x = malloc((n + 1) * sizeof(float));
    float* z = malloc((n + 1) * sizeof(float));
    float* want = malloc((n + 1) * sizeof(float));
    float* got = malloc((n + 1) * sizeof(float));
    for (size_t i = 0; i < n; i++) x[i] = fd_rndf(-30, 30);
    if (iter % 4 == 0) fd_fill_special(x, n, 30);
    const float scale = scales[iter % 5], beta = iter % 3 ? 1.0f : 0.7f;
    for (size_t i = 0; i < n; i++) z[i] = x[i] * scale;
    for (int l = 0; l < levels; l++) {
      sr_vec_softmax_kernel(isas[l])(z, want, rows, depth, beta);
      sr_vec_softmax_scaled_kernel(isas[l])(x, got, rows, depth, beta, scale);
      for (size_t i = 0; i < n; i++)
        if (!fd_float_close(want[i], got[i], (fd_tol){0, 0})) {
          fprintf(stderr, "scaled softmax rows %zu depth %zu scale %g isa %u: element %zu got %.9g want %.9g\n",
                  rows, depth, (double)scale, isas[l], i, (double)got[i], (double)want[i]);
          CHECK(0);
          break;
        }
    }
    free(x), free(z), free(want), free(got);
  }
}

/* The fused layer norm's rows kernel (fused_layernorm.c) against the literal op sequence written out in scalar
 * code as the reference kernels compute it (MEAN: in-order sum / count; SQUARED_DIFFERENCE; ADD; 1 / sqrtf;
 * NEG; MUL; ADD): bit-exact, random depths around the vector widths, 0 to 40 rows, with and without beta, with
 * special values (NaN, infinities, signed zeros) in some rows. */
static void layernorm_literal(const float* x, size_t rows, size_t depth, const float* gamma, const float* beta,
                              float eps, float* y) {
  for (size_t r = 0; r < rows; r++) {
    const float* xr = x + r * depth;
    float s = xr[0];
    for (size_t i = 1; i < depth; i++) s += xr[i];
    const float mu = s / (float)depth;
    float d0 = (xr[0] - mu) * (xr[0] - mu);
    for (size_t i = 1; i < depth; i++) d0 += (xr[i] - mu) * (xr[i] - mu);
    const float var = d0 / (float)depth, rs = 1.0f / sqrtf(var + eps), neg_mu = -mu;
    for (size_t i = 0; i < depth; i++) {
      const float rg = rs * gamma[i], t1 = neg_mu * rg, t2 = xr[i] * rg;
      const float res = beta ? t1 + beta[i] : t1;
      y[r * depth + i] = t2 + res;
    }
  }
}

static void test_layernorm_rows(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  static const size_t depths[] = {1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 127, 128, 129, 200};
  for (int iter = 0; iter < 160; iter++) {
    const size_t depth = depths[iter % 16], rows = (size_t)fd_rndi(0, 40), n = rows * depth;
    float* x = malloc((n + 1) * sizeof(float));
    float* gamma = malloc(depth * sizeof(float));
    float* beta = malloc(depth * sizeof(float));
    float* want = malloc((n + 1) * sizeof(float));
    float* got = malloc((n + 1) * sizeof(float));
    float* stats = malloc((2 * rows + 1) * sizeof(float));
    for (size_t i = 0; i < n; i++) x[i] = fd_rndf(-4, 4) + (float)(iter % 5);
    if (iter % 7 == 0 && n) fd_fill_special(x, depth, 10); /* the first row */
    for (size_t i = 0; i < depth; i++) gamma[i] = fd_rndf(0.5f, 1.5f), beta[i] = fd_rndf(-1, 1);
    const float* b = iter % 2 ? beta : NULL;
    const float eps = iter % 3 ? 1e-3f : 1e-6f;
    layernorm_literal(x, rows, depth, gamma, b, eps, want);
    for (int l = 0; l < levels; l++) {
      memset(got, 0, (n + 1) * sizeof(float));
      sr_vec_layernorm_kernel(isas[l])(x, rows, depth, gamma, b, eps, stats, got);
      for (size_t i = 0; i < n; i++)
        if (!fd_float_close(want[i], got[i], (fd_tol){0, 0})) {
          fprintf(stderr, "layer norm rows %zu depth %zu beta %d isa %u: element %zu got %.9g want %.9g\n", rows,
                  depth, b != NULL, isas[l], i, (double)got[i], (double)want[i]);
          CHECK(0);
          break;
        }
    }
    free(x), free(gamma), free(beta), free(want), free(got), free(stats);
  }
}

int main(void) {
  RUN(test_layernorm_rows);
  RUN(test_softmax_scaled_rows);
  RUN(test_softmax_groups_invisible);
  return TEST_SUMMARY();
}
