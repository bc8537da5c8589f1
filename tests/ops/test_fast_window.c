/*
 * test_fast_window.c — fast paths of the windowed and layout ops against their reference kernels at every ISA level
 * of this CPU: float MAX_POOL_2D and AVERAGE_POOL_2D (vector pixel kernel; bit-exact, NaN and infinities included,
 * every padding, stride, window and fused activation, channels around the vector widths, empty batches) and
 * PAD/PADV2 (bulk fill; byte-exact for every element size, zero and non-zero fill values).
 */
#include <float.h>

#include "fast_diff.h"
#include "ops/pool.h"

extern const sr_op_kind sr_op_max_pool_2d, sr_op_average_pool_2d, sr_op_pad, sr_op_padv2;

typedef struct pool_case {
  int32_t dims[4];
  const float* x;
} pool_case;

static void build_pool(sr_test_node* tn, const void* ctx) {
  const pool_case* c = ctx;
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, 4, c->dims, c->x);
  sr_test_output(tn, SIGRUN_TYPE_FLOAT32);
}

static void test_pools(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  static const int channels[] = {1, 3, 8, 15, 16, 17, 32, 33, 42, 64, 88};
  for (int iter = 0; iter < 400; iter++) {
    pool_case c = {{fd_rndi(0, 9) ? fd_rndi(1, 2) : 0, fd_rndi(1, 12), fd_rndi(1, 12), channels[fd_rndi(0, 10)]}, NULL};
    sr_pool2d_params p = {0};
    p.padding = fd_rndi(0, 1);
    p.stride_h = fd_rndi(1, 3), p.stride_w = fd_rndi(1, 3);
    p.filter_h = fd_rndi(1, 4), p.filter_w = fd_rndi(1, 4);
    p.activation = fd_rndi(0, 3);
    if (p.padding == 1) { /* VALID needs the window inside the input */
      if (c.dims[1] < p.filter_h) c.dims[1] = p.filter_h;
      if (c.dims[2] < p.filter_w) c.dims[2] = p.filter_w;
    }
    const size_t n = fd_count(4, c.dims);
    float* x = malloc((n + 1) * sizeof(float));
    for (size_t i = 0; i < n; i++) {
      const int k = fd_rndi(0, 40);
      x[i] = k == 0 ? NAN : k == 1 ? INFINITY : k == 2 ? -INFINITY : k == 3 ? -0.0f : fd_rndf(-8, 8);
    }
    c.x = x;
    for (int i = 0; i < levels; i++) {
      CHECK(fd_compare(&sr_op_max_pool_2d, &p, build_pool, &c, isas[i], (fd_tol){0, 0}, "MAX_POOL_2D"));
      CHECK(fd_compare(&sr_op_average_pool_2d, &p, build_pool, &c, isas[i], (fd_tol){0, 0}, "AVERAGE_POOL_2D"));
    }
    free(x);
  }
}

typedef struct pad_case {
  sigrun_type type;
  int rank;
  int32_t dims[5], pad_dims[2];
  int32_t pads[10];
  const void* x;
  const void* value; /* PADV2 */
} pad_case;

static void build_pad(sr_test_node* tn, const void* ctx) {
  const pad_case* c = ctx;
  sr_test_input(tn, c->type, c->rank, c->dims, c->x);
  sr_test_input(tn, SIGRUN_TYPE_INT32, 2, c->pad_dims, c->pads);
  if (c->value) {
    const int32_t one[1] = {1};
    sr_test_input(tn, c->type, 1, one, c->value);
  }
  sr_test_output(tn, c->type);
}

static void test_pads(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  const sigrun_type types[] = {SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_INT32, SIGRUN_TYPE_INT64, SIGRUN_TYPE_INT16,
                               SIGRUN_TYPE_BOOL};
  for (int iter = 0; iter < 300; iter++) {
    pad_case c = {0};
    c.type = types[iter % 5];
    c.rank = fd_rndi(1, 5);
    for (int i = 0; i < c.rank; i++) c.dims[i] = fd_rndi(0, 9) ? fd_rndi(1, 7) : 0;
    c.pad_dims[0] = c.rank, c.pad_dims[1] = 2;
    for (int i = 0; i < 2 * c.rank; i++) c.pads[i] = fd_rndi(0, 3);
    const size_t esz = sigrun_type_size(c.type), n = fd_count(c.rank, c.dims);
    uint8_t* x = malloc(n * esz + 1);
    for (size_t i = 0; i < n * esz; i++) x[i] = (uint8_t)fd_rnd();
    if (c.type == SIGRUN_TYPE_BOOL)
      for (size_t i = 0; i < n; i++) x[i] &= 1;
    c.x = x;
    uint8_t value[8] = {0};
    for (size_t i = 0; i < esz; i++) value[i] = (uint8_t)fd_rnd();
    if (c.type == SIGRUN_TYPE_BOOL) value[0] = 1;
    if (iter % 3 == 0) memset(value, 0x5a, esz); /* one repeated byte */
    for (int i = 0; i < levels; i++) {
      CHECK(fd_compare(&sr_op_pad, NULL, build_pad, &c, isas[i], (fd_tol){0, 0}, "PAD"));
      c.value = value;
      CHECK(fd_compare(&sr_op_padv2, NULL, build_pad, &c, isas[i], (fd_tol){0, 0}, "PADV2"));
      c.value = NULL;
    }
    free(x);
  }
}

int main(void) {
  RUN(test_pools);
  RUN(test_pads);
  return TEST_SUMMARY();
}
