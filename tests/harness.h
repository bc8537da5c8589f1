/*
 * harness.h — a tiny C test framework and a one-node kernel runner for tests/ops and tests/unit.
 * Each test file is one executable: define test functions, call them from main through RUN, end with
 * TEST_SUMMARY(), which prints "N passed, N failed" and returns the exit status.
 */
#ifndef SR_TEST_HARNESS_H
#define SR_TEST_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/ops/op.h"

static int sr_test_checks_failed = 0;
static int sr_test_passed = 0;
static int sr_test_failed = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      sr_test_checks_failed++;                                                 \
    }                                                                          \
  } while (0)

#define CHECK_NEAR(a, b, tol)                                                                      \
  do {                                                                                             \
    double a_ = (double)(a), b_ = (double)(b);                                                     \
    if (!(fabs(a_ - b_) <= (tol))) {                                                               \
      fprintf(stderr, "%s:%d: CHECK_NEAR failed: %s=%g %s=%g tol=%g\n", __FILE__, __LINE__, #a, a_, \
              #b, b_, (double)(tol));                                                              \
      sr_test_checks_failed++;                                                                     \
    }                                                                                              \
  } while (0)

/* Checks that a message contains a fragment. */
#define CHECK_CONTAINS(msg, fragment)                                                                 \
  do {                                                                                                \
    if (!strstr((msg), (fragment))) {                                                                 \
      fprintf(stderr, "%s:%d: message \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, (msg), (fragment)); \
      sr_test_checks_failed++;                                                                        \
    }                                                                                                 \
  } while (0)

#define RUN(test)                                                  \
  do {                                                             \
    int before_ = sr_test_checks_failed;                           \
    test();                                                        \
    if (sr_test_checks_failed == before_) {                        \
      sr_test_passed++;                                            \
    } else {                                                       \
      sr_test_failed++;                                            \
      fprintf(stderr, "FAILED: %s\n", #test);                      \
    }                                                              \
  } while (0)

#define TEST_SUMMARY()                                             \
  (printf("%d passed, %d failed\n", sr_test_passed, sr_test_failed), sr_test_failed ? 1 : 0)

/* ---- one-node kernel runner ---- */

#define SR_TEST_MAX_IO 20

typedef struct sr_test_node {
  sr_tensor inputs[SR_TEST_MAX_IO];
  sr_tensor outputs[SR_TEST_MAX_IO];
  sr_tensor_def defs[2 * SR_TEST_MAX_IO];
  sr_tensor* in_ptrs[SR_TEST_MAX_IO];
  sr_tensor* out_ptrs[SR_TEST_MAX_IO];
  int n_inputs, n_outputs;
  sr_operator op;
  sr_node node;
  sigrun_error error;
} sr_test_node;

static inline void sr_test_node_init(sr_test_node* tn, const char* op_name) {
  memset(tn, 0, sizeof *tn);
  tn->op.name = op_name;
}

/* Adds an input with borrowed data (treated as constant data). data NULL = absent optional input. */
static inline sr_tensor* sr_test_input(sr_test_node* tn, sigrun_type type, int rank, const int32_t* dims,
                                       const void* data) {
  int i = tn->n_inputs++;
  if (!data && rank < 0) {
    tn->in_ptrs[i] = NULL;
    return NULL;
  }
  sr_tensor* t = &tn->inputs[i];
  sr_tensor_def* d = &tn->defs[i];
  d->name = "";
  d->type = type;
  d->rank = rank;
  for (int k = 0; k < rank; k++) d->dims[k] = d->signature[k] = dims[k];
  t->def = d;
  t->index = i;
  t->type = type;
  t->rank = rank;
  for (int k = 0; k < rank; k++) t->dims[k] = dims[k];
  t->data = (void*)data;
  t->bytes = sr_tensor_count(t) * sigrun_type_size(type);
  t->alloc = SR_ALLOC_CONST;
  tn->in_ptrs[i] = t;
  return t;
}

/* Adds an output of the given type; its shape and memory come from the kernel's prepare. */
static inline sr_tensor* sr_test_output(sr_test_node* tn, sigrun_type type) {
  int i = tn->n_outputs++;
  sr_tensor* t = &tn->outputs[i];
  sr_tensor_def* d = &tn->defs[SR_TEST_MAX_IO + i];
  d->name = "";
  d->type = type;
  t->def = d;
  t->index = 100 + i;
  t->type = type;
  t->alloc = SR_ALLOC_DYNAMIC; /* so prepare's resize allocates it */
  tn->out_ptrs[i] = t;
  return t;
}

/* Gives a test tensor (input or output) quantization parameters; the arrays are borrowed. */
static inline void sr_test_set_quant(sr_tensor* t, int count, const float* scales, const int64_t* zero_points,
                                     int quantized_dimension) {
  sr_tensor_def* d = (sr_tensor_def*)t->def;
  d->quant.count = count;
  d->quant.scales = scales;
  d->quant.zero_points = zero_points;
  d->quant.quantized_dimension = quantized_dimension;
}

/* prepare + eval of `kind` with `params`. Returns the first failing status; the message is in tn->error. */
static inline sigrun_status sr_test_run(sr_test_node* tn, const sr_op_kind* kind, const void* params) {
  tn->op.params = params;
  tn->op.kind = kind;
  tn->op.name = kind->name;
  tn->op.n_inputs = tn->n_inputs;
  tn->op.n_outputs = tn->n_outputs;
  sr_node* n = &tn->node;
  n->op = &tn->op;
  n->kind = kind;
  n->params = params;
  n->n_inputs = tn->n_inputs;
  n->inputs = tn->in_ptrs;
  n->n_outputs = tn->n_outputs;
  n->outputs = tn->out_ptrs;
  n->error = &tn->error;
  n->scratch_bytes = 0;
  sigrun_status st = kind->prepare(n);
  if (st != SIGRUN_STATUS_OK) return st;
  void* scratch = NULL;
  if (n->scratch_bytes) {
    scratch = sr_aligned_alloc(n->scratch_bytes);
    if (!scratch) return SIGRUN_STATUS_NO_MEMORY;
  }
  n->scratch = scratch;
  st = kind->eval(n);
  sr_aligned_free(scratch);
  n->scratch = NULL;
  return st;
}

/* Frees what sr_test_run allocated (outputs, node data). */
static inline void sr_test_node_free(sr_test_node* tn) {
  for (int i = 0; i < tn->n_outputs; i++) {
    sr_aligned_free(tn->outputs[i].data);
    tn->outputs[i].data = NULL;
    tn->outputs[i].capacity = 0;
  }
  sr_free(tn->node.data);
  tn->node.data = NULL;
}

/* ---- shape/value checks for kernel outputs ---- */

static inline void check_shape_(const char* file, int line, const sr_tensor* t, int rank, const int32_t* dims) {
  int ok = t->rank == rank;
  for (int i = 0; ok && i < rank; i++) ok = t->dims[i] == dims[i];
  if (!ok) {
    char a[64], b[64];
    fprintf(stderr, "%s:%d: shape %s, expected %s\n", file, line, sr_shape_str(t->dims, t->rank, a, sizeof a),
            sr_shape_str(dims, rank, b, sizeof b));
    sr_test_checks_failed++;
  }
}
#define CHECK_SHAPE(t, ...)                                                      \
  do {                                                                           \
    const int32_t e_[] = {__VA_ARGS__};                                          \
    check_shape_(__FILE__, __LINE__, (t), (int)(sizeof e_ / sizeof e_[0]), e_); \
  } while (0)

static inline void check_values_(const char* file, int line, const sr_tensor* t, int n, const float* v) {
  const float* got = t->data;
  for (int i = 0; i < n; i++)
    if (got[i] != v[i]) {
      fprintf(stderr, "%s:%d: element %d is %g, expected %g\n", file, line, i, got[i], v[i]);
      sr_test_checks_failed++;
      return;
    }
}
#define CHECK_VALUES(t, ...)                                                      \
  do {                                                                            \
    const float v_[] = {__VA_ARGS__};                                             \
    check_values_(__FILE__, __LINE__, (t), (int)(sizeof v_ / sizeof v_[0]), v_); \
  } while (0)

/* ---- option parsing: a one-table flatbuffer and a parse call ---- */

#define FB_ABSENT INT32_MIN

typedef struct test_fb {
  uint8_t bytes[128];
  sr_fb fb;
  sr_fb_table table;
} test_fb;

/* A one-table flatbuffer whose field i (when not FB_ABSENT) holds values[i] in a 4-byte little-endian slot. */
static inline void fb_make(test_fb* t, int n, const int32_t* values) {
  memset(t, 0, sizeof *t);
  const uint16_t vt_size = (uint16_t)(4 + 2 * n), inline_size = (uint16_t)(4 + 4 * n);
  const size_t pos = ((size_t)vt_size + 3) & ~(size_t)3;
  memcpy(t->bytes, &vt_size, 2);
  memcpy(t->bytes + 2, &inline_size, 2);
  for (int i = 0; i < n; i++) {
    uint16_t off = values[i] == FB_ABSENT ? 0 : (uint16_t)(4 + 4 * i);
    memcpy(t->bytes + 4 + 2 * i, &off, 2);
    if (off) memcpy(t->bytes + pos + off, &values[i], 4);
  }
  const int32_t soff = (int32_t)pos;
  memcpy(t->bytes + pos, &soff, 4);
  t->fb.data = t->bytes;
  t->fb.size = pos + inline_size;
  CHECK(sr_fb_table_at(&t->fb, pos, &t->table) == SR_FB_OK);
}

/* Runs kind->parse on an options table (NULL = absent) as the loader would. */
static inline sigrun_status sr_test_parse(const sr_op_kind* kind, int options_type, const sr_fb_table* options,
                                          const void** out, sigrun_error* err, sr_pool* pool) {
  static sr_operator op;
  op.name = kind->name;
  sr_parse_ctx ctx = {&op, options_type, options, pool, err, 0, 0, NULL};
  return kind->parse(&ctx, out);
}

#endif /* SR_TEST_HARNESS_H */
