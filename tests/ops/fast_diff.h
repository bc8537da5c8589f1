/*
 * fast_diff.h — differential testing of fast paths: build the same one-node graph twice, prepare and run it with
 * node->isa 0 (the reference kernels) and with an ISA level of this CPU, and compare the outputs (floats
 * bit-exact or within a tolerance, integers bit-exact). With fd_threads > 1 the fast side runs under a runner
 * whose interpreter has a real pool of that many threads, so kernels that split work over threads do.
 * Shared by the tests/ops/test_fast_*.c files.
 */
#ifndef SR_TEST_FAST_DIFF_H
#define SR_TEST_FAST_DIFF_H

#include <float.h>
#include <math.h>
#include <stdint.h>

#include "harness.h"
#include "core/cpu.h"
#include "core/packed.h"
#include "core/runner.h"
#include "core/threadpool.h"

/* Threads of the fast side's interpreter (1: no runner, everything on the calling thread). */
static int fd_threads = 1;

static uint32_t fd_rng = 77;
static inline uint32_t fd_rnd(void) {
  fd_rng = fd_rng * 1664525u + 1013904223u;
  return fd_rng >> 8;
}
static inline int fd_rndi(int lo, int hi) { return lo + (int)(fd_rnd() % (uint32_t)(hi - lo + 1)); }
static inline float fd_rndf(float lo, float hi) { return lo + (hi - lo) * (float)(fd_rnd() % 100001) / 100000.0f; }

/* ISA levels to test: AVX2 alone, then AVX-512, then all the CPU has, as far as it goes (at most 3). */
static inline int fd_isa_levels(unsigned* out) {
  const unsigned have = sr_cpu_isa();
  int n = 0;
  if (have & SR_ISA_AVX2_FMA) out[n++] = SR_ISA_AVX2_FMA;
  if (have & SR_ISA_AVX512) out[n++] = SR_ISA_AVX2_FMA | SR_ISA_AVX512;
  /* Everything the CPU has (VNNI, VBMI), when that is more than the levels above. */
  if (n && have != out[n - 1]) out[n++] = have;
  return n;
}

/* Adds the node's inputs and outputs; called once per run. */
typedef void (*fd_build_fn)(sr_test_node* tn, const void* ctx);

/* Tolerance of float outputs: |fast - ref| <= abs_tol + rel_tol * |ref| (0, 0 = bit-exact; NaN must match NaN). */
typedef struct fd_tol {
  double abs_tol, rel_tol;
} fd_tol;

static inline int fd_float_close(float ref, float fast, fd_tol t) {
  if (isnan(ref) || isnan(fast)) return isnan(ref) && isnan(fast);
  if (t.abs_tol == 0 && t.rel_tol == 0) return memcmp(&ref, &fast, sizeof ref) == 0;
  if (ref == fast) return 1;
  return fabs((double)fast - (double)ref) <= t.abs_tol + t.rel_tol * fabs((double)ref);
}

/* Runs kind with params at isa 0 and at `isa`; both must succeed (or both fail the same way) and agree on every
 * output element. `what` names the case in failure messages. Returns 1 when they agree. */
static inline int fd_compare(const sr_op_kind* kind, const void* params, fd_build_fn build, const void* ctx,
                             unsigned isa, fd_tol tol, const char* what) {
  sr_test_node ref, fast;
  sr_test_node_init(&ref, kind->name);
  sr_test_node_init(&fast, kind->name);
  build(&ref, ctx);
  build(&fast, ctx);
  fast.node.isa = isa;
  /* a runner just real enough for kernels: a model with a pack cache, an interpreter with a pool */
  sigrun_model model;
  sigrun_interpreter interp;
  sr_runner runner;
  memset(&model, 0, sizeof model), memset(&interp, 0, sizeof interp), memset(&runner, 0, sizeof runner);
  if (fd_threads > 1) {
    model.packs = sr_pack_cache_create();
    interp.options.num_threads = fd_threads;
    interp.pool = sr_threadpool_create(fd_threads);
    runner.interpreter = &interp, runner.model = &model, runner.root = &runner;
    fast.node.runner = &runner;
  }
  const sigrun_status s1 = sr_test_run(&ref, kind, params), s2 = sr_test_run(&fast, kind, params);
  int ok = s1 == s2;
  if (!ok) fprintf(stderr, "%s: status %d (reference) vs %d (isa %u): %s\n", what, s1, s2, isa, fast.error.message);
  for (int o = 0; ok && s1 == SIGRUN_STATUS_OK && o < ref.n_outputs; o++) {
    const sr_tensor *a = &ref.outputs[o], *b = &fast.outputs[o];
    ok = a->rank == b->rank && sr_tensor_count(a) == sr_tensor_count(b) && a->type == b->type;
    const size_t n = ok ? sr_tensor_count(a) : 0;
    for (size_t i = 0; ok && i < n; i++) {
      if (a->type == SIGRUN_TYPE_FLOAT32) {
        const float x = ((const float*)a->data)[i], y = ((const float*)b->data)[i];
        if (!fd_float_close(x, y, tol)) {
          fprintf(stderr, "%s (isa %u): output %d element %zu: fast %.9g, reference %.9g\n", what, isa, o, i, y, x);
          ok = 0;
        }
      } else {
        const size_t sz = sigrun_type_size(a->type);
        if (memcmp((const char*)a->data + i * sz, (const char*)b->data + i * sz, sz) != 0) {
          fprintf(stderr, "%s (isa %u): output %d element %zu differs\n", what, isa, o, i);
          ok = 0;
        }
      }
    }
  }
  sr_test_node_free(&ref);
  sr_test_node_free(&fast);
  if (fd_threads > 1) sr_threadpool_destroy(interp.pool), sr_pack_cache_destroy(model.packs);
  return ok;
}

/* A random shape of `rank` dims in [lo, hi]; with probability 1/8 one dim is 0. */
static inline void fd_random_dims(int rank, int lo, int hi, int32_t* dims) {
  for (int i = 0; i < rank; i++) dims[i] = fd_rndi(lo, hi);
  if (rank > 0 && fd_rndi(0, 7) == 0) dims[fd_rndi(0, rank - 1)] = 0;
}

static inline size_t fd_count(int rank, const int32_t* dims) {
  size_t n = 1;
  for (int i = 0; i < rank; i++) n *= (size_t)dims[i];
  return n;
}

/* Random values in [-scale, scale] with a sprinkling of special ones. */
static inline void fd_fill_special(float* x, size_t n, float scale) {
  static const float special[] = {0.0f, -0.0f, 1.0f, -1.0f, 3.0f, -3.0f, 6.0f, 1e-30f, -1e-40f, 88.0f, -88.0f,
                                  -104.0f, 1e30f, -1e30f, FLT_MAX, -FLT_MAX, 0.5f, -9.5f};
  for (size_t i = 0; i < n; i++) {
    const int k = fd_rndi(0, 29);
    if (k < 18) x[i] = special[k];
    else if (k == 18) x[i] = NAN;
    else if (k == 19) x[i] = k & 1 ? INFINITY : -INFINITY;
    else x[i] = fd_rndf(-scale, scale);
  }
  for (size_t i = 0; i < n; i += 2) x[i] = fd_rndf(-scale, scale); /* mostly ordinary values */
}

#endif /* SR_TEST_FAST_DIFF_H */
