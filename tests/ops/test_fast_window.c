/*
 * test_fast_window.c — fast paths of the windowed and layout ops against their reference kernels at every ISA level
 * of this CPU: float MAX_POOL_2D and AVERAGE_POOL_2D (vector pixel kernel; bit-exact, NaN and infinities included,
 * every padding, stride, window and fused activation, channels around the vector widths, empty batches) and
 * PAD/PADV2 (one pass over output rows; byte-exact for every element size, zero and non-zero fill values); both
 * again, and float RESIZE_BILINEAR, with their rows split over 2-3 real threads.
 */
#include <float.h>

#include "fast_diff.h"
#include "ops/pool.h"
#include "ops/resize.h"

extern const sr_op_kind sr_op_max_pool_2d, sr_op_average_pool_2d, sr_op_pad, sr_op_padv2, sr_op_resize_bilinear;

typedef struct pool_case {
  int32_t dims[4];
  const float* x;
} pool_case;

static void build_pool(sr_test_node* tn, const void* ctx) {
  const pool_case* c = ctx;
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, 4, c->dims, c->x);
  sr_test_output(tn, SIGRUN_TYPE_FLOAT32);
}

/* iters random pools of up to max_hw x max_hw pixels, the fast side on `threads` threads. */
static void pools(int iters, int max_hw, int threads) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  static const int channels[] = {1, 3, 8, 15, 16, 17, 32, 33, 42, 64, 88};
  fd_threads = threads;
  for (int iter = 0; iter < iters; iter++) {
    pool_case c = {{fd_rndi(0, 9) ? fd_rndi(1, 2) : 0, fd_rndi(1, max_hw), fd_rndi(1, max_hw), channels[fd_rndi(0, 10)]},
                   NULL};
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
  fd_threads = 1;
}

static void test_pools(void) { pools(400, 12, 1); }

/* Output rows split over 3 real threads (when worth it: the larger of these shapes) give the same bits. */
static void test_pools_threaded(void) { pools(40, 80, 3); }

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

/* PAD and PADV2 with the output rows split over 2 and 3 real threads: byte-exact with the reference, from
 * outputs too small to be worth a thread (one range) to thousands of rows, channel padding (short rows) and
 * padding of the leading dimensions (whole rows of fill). */
static void test_pads_threaded(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  const sigrun_type types[] = {SIGRUN_TYPE_FLOAT32, SIGRUN_TYPE_INT16, SIGRUN_TYPE_INT8, SIGRUN_TYPE_INT64};
  for (fd_threads = 2; fd_threads <= 3; fd_threads++)
    for (int iter = 0; iter < 24; iter++) {
      pad_case c = {0};
      c.type = types[iter % 4];
      c.rank = 4;
      c.dims[0] = fd_rndi(1, 2), c.dims[1] = fd_rndi(1, 70), c.dims[2] = fd_rndi(1, 70), c.dims[3] = fd_rndi(1, 48);
      c.pad_dims[0] = c.rank, c.pad_dims[1] = 2;
      for (int i = 0; i < 2 * c.rank; i++) c.pads[i] = fd_rndi(0, 2) ? 0 : fd_rndi(1, 9);
      if (iter % 3 == 0) c.pads[6] = 0, c.pads[7] = fd_rndi(1, 24); /* channel padding, as BlazeFace's */
      const size_t esz = sigrun_type_size(c.type), n = fd_count(c.rank, c.dims);
      uint8_t* x = malloc(n * esz + 1);
      for (size_t i = 0; i < n * esz; i++) x[i] = (uint8_t)fd_rnd();
      c.x = x;
      uint8_t value[8];
      for (size_t i = 0; i < 8; i++) value[i] = (uint8_t)fd_rnd();
      for (int i = 0; i < levels; i++) {
        CHECK(fd_compare(&sr_op_pad, NULL, build_pad, &c, isas[i], (fd_tol){0, 0}, "threaded PAD"));
        c.value = value;
        CHECK(fd_compare(&sr_op_padv2, NULL, build_pad, &c, isas[i], (fd_tol){0, 0}, "threaded PADV2"));
        c.value = NULL;
      }
      free(x);
    }
  fd_threads = 1;
}

typedef struct resize_case {
  int32_t dims[4], size[2];
  const float* x;
} resize_case;

static void build_resize(sr_test_node* tn, const void* ctx) {
  const resize_case* c = ctx;
  const int32_t two[1] = {2};
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, 4, c->dims, c->x);
  sr_test_input(tn, SIGRUN_TYPE_INT32, 1, two, c->size);
  sr_test_output(tn, SIGRUN_TYPE_FLOAT32);
}

/* Float RESIZE_BILINEAR with its rows split over 2 and 3 real threads gives the bits of the one-thread run: the
 * exact 2x kernel (input rows) and the general one (output rows) under every corner mode, from images too small to
 * split to large ones. */
static void test_resize_bilinear_threaded(void) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  for (fd_threads = 2; fd_threads <= 3; fd_threads++)
    for (int iter = 0; iter < 24; iter++) {
      resize_case c = {{fd_rndi(1, 2), fd_rndi(1, 40), fd_rndi(1, 40), fd_rndi(1, 40)}, {0, 0}, NULL};
      const int mode = iter % 4; /* 0: exact 2x; 1: plain; 2: align_corners; 3: half_pixel_centers */
      c.size[0] = mode == 0 ? 2 * c.dims[1] : fd_rndi(1, 90), c.size[1] = mode == 0 ? 2 * c.dims[2] : fd_rndi(1, 90);
      sr_resize_params p = {mode == 2, mode == 3};
      const size_t n = fd_count(4, c.dims);
      float* x = malloc((n + 1) * sizeof(float));
      for (size_t i = 0; i < n; i++) x[i] = fd_rndf(-8, 8);
      c.x = x;
      for (int i = 0; i < levels; i++)
        CHECK(fd_compare(&sr_op_resize_bilinear, &p, build_resize, &c, isas[i], (fd_tol){0, 0},
                         "threaded RESIZE_BILINEAR"));
      free(x);
    }
  fd_threads = 1;
}

int main(void) {
  RUN(test_pools);
  RUN(test_pads);
  RUN(test_pools_threaded);
  RUN(test_pads_threaded);
  RUN(test_resize_bilinear_threaded);
  return TEST_SUMMARY();
}
