/*
 * gemm.c — bench_gemm: GFLOP/s of sigrun's float GEMM (src/ops/gemm_f32.h) on one core against the core's FMA
 * peak, measured here with a loop of independent register-only FMAs (16 chains, more than latency x ports).
 *
 *   bench_gemm [M N K] [--isa avx512|avx2|c] [--reps N]      default 1024 1024 1024, the best ISA, 10 reps
 *   bench_gemm --conv H W CI CO KH KW SH SW [...]            CONV_2D, batch 1, SAME padding
 *
 * Both numbers are the best of the repetitions in thread CPU time (other processes only ever make a run slower;
 * the wall-clock best is printed beside it). The GEMM is the
 * whole product as FULLY_CONNECTED runs it: B packed once (not timed), A panels copied per tile, bias and clamp
 * fused. A few output elements are checked against a double-precision dot product (a convolution: every element
 * against the reference kernel).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/common.h"
#include "core/cpu.h"
#include "ops/gemm_f32.h"

/* Thread CPU time: on a shared machine, time spent descheduled is not the kernel's. */
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double wall(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

#if SR_HAVE_X86_KERNELS
#define FMA16(r)                                                                                                 \
  "vfmadd231ps %%" r "30, %%" r "31, %%" r "0\n\t vfmadd231ps %%" r "30, %%" r "31, %%" r "1\n\t"               \
  "vfmadd231ps %%" r "30, %%" r "31, %%" r "2\n\t vfmadd231ps %%" r "30, %%" r "31, %%" r "3\n\t"               \
  "vfmadd231ps %%" r "30, %%" r "31, %%" r "4\n\t vfmadd231ps %%" r "30, %%" r "31, %%" r "5\n\t"               \
  "vfmadd231ps %%" r "30, %%" r "31, %%" r "6\n\t vfmadd231ps %%" r "30, %%" r "31, %%" r "7\n\t"               \
  "vfmadd231ps %%" r "30, %%" r "31, %%" r "8\n\t vfmadd231ps %%" r "30, %%" r "31, %%" r "9\n\t"               \
  "vfmadd231ps %%" r "30, %%" r "31, %%" r "10\n\t vfmadd231ps %%" r "30, %%" r "31, %%" r "11\n\t"             \
  "vfmadd231ps %%" r "30, %%" r "31, %%" r "12\n\t vfmadd231ps %%" r "30, %%" r "31, %%" r "13\n\t"             \
  "vfmadd231ps %%" r "30, %%" r "31, %%" r "14\n\t vfmadd231ps %%" r "30, %%" r "31, %%" r "15\n\t"
#define CLOBBER16                                                                                                \
  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",     \
      "xmm13", "xmm14", "xmm15", "xmm30", "xmm31"

/* 16 FMAs per iteration into 16 independent accumulators; operands are zeros so values stay finite. */
static SR_TARGET_AVX512 void fma_loop_zmm(long n) {
  __asm__ volatile("vpxord %%zmm30, %%zmm30, %%zmm30\n\t vpxord %%zmm31, %%zmm31, %%zmm31\n"
                   "1:\n\t" FMA16("zmm") "dec %0\n\t jnz 1b\n"
                   : "+r"(n)::CLOBBER16);
}

static SR_TARGET_AVX512 void fma_loop_ymm(long n) {
  __asm__ volatile("vpxord %%ymm30, %%ymm30, %%ymm30\n\t vpxord %%ymm31, %%ymm31, %%ymm31\n"
                   "1:\n\t" FMA16("ymm") "dec %0\n\t jnz 1b\n"
                   : "+r"(n)::CLOBBER16);
}

/* Best-of-reps GFLOP/s of the FMA loop with `lanes` floats per register. */
static double fma_peak(int lanes, int reps) {
  const long iters = 20 * 1000 * 1000;
  double best = 1e30;
  for (int r = 0; r < reps; r++) {
    const double t = now();
    if (lanes == 16) fma_loop_zmm(iters);
    else fma_loop_ymm(iters);
    const double d = now() - t;
    if (d < best) best = d;
  }
  return (double)iters * 16 * lanes * 2 / best * 1e-9;
}
#endif

static float frand(unsigned* s) {
  *s = *s * 1664525u + 1013904223u;
  return (float)((*s >> 8) & 0xffff) / 32768.0f - 1.0f;
}

/* Best thread-CPU and wall-clock seconds of `reps` runs after one warm-up run. */
typedef void (*bench_fn)(void* ctx);
static void time_runs(bench_fn fn, void* ctx, int reps, double* best, double* best_wall) {
  *best = *best_wall = 1e30;
  for (int r = 0; r < reps + 1; r++) {
    const double t = now(), tw = wall();
    fn(ctx);
    const double d = now() - t, dw = wall() - tw;
    if (r > 0 && d < *best) *best = d; /* the first run warms caches and pages */
    if (r > 0 && dw < *best_wall) *best_wall = dw;
  }
}

static void run_job(void* job) { sr_gemm_f32_run(NULL, job); }

/* C = A . W^T + bias for A [m][k], W [n][k], as FULLY_CONNECTED runs it. Returns GFLOP/s; -1 on failure. */
static double bench_matrix(const sr_gemm_f32_arch* arch, size_t m, size_t n, size_t k, int reps) {
  float* a = sr_aligned_alloc(m * k * sizeof(float) + 64);
  float* w = sr_aligned_alloc(n * k * sizeof(float) + 64);
  float* bias = sr_aligned_alloc(n * sizeof(float) + 64);
  float* c = sr_aligned_alloc(m * n * sizeof(float) + 64);
  const size_t packed_floats = sr_gemm_f32_packed_floats(arch, n, k);
  float* packed = sr_aligned_alloc(packed_floats * sizeof(float) + 64);
  double gflops = -1;
  if (a && w && bias && c && packed) {
    unsigned seed = 1;
    for (size_t i = 0; i < m * k; i++) a[i] = frand(&seed);
    for (size_t i = 0; i < n * k; i++) w[i] = frand(&seed);
    for (size_t i = 0; i < n; i++) bias[i] = frand(&seed);
    sr_gemm_f32_pack(arch, n, k, sr_f32_source_of(w), k, 1, sr_f32_source_of(bias), packed);
    const size_t np = packed_floats / (k + 1);
    sr_gemm_f32_matrix am = {a, k, 1};
    sr_gemm_f32_job job = {arch, m, n, k, sr_gemm_f32_pack_a_matrix, &am, packed + np, packed, c, n,
                           -INFINITY, INFINITY, 0, 0};
    double best, best_wall;
    time_runs(run_job, &job, reps, &best, &best_wall);
    double worst_err = 0;
    for (int s = 0; s < 64 && m && n; s++) {
      const size_t i = (size_t)s * 7919 % m, j = (size_t)s * 104729 % n;
      double ref = bias[j];
      for (size_t kk = 0; kk < k; kk++) ref += (double)a[i * k + kk] * w[j * k + kk];
      const double err = fabs(ref - c[i * n + j]) / (1.0 + sqrt((double)k));
      if (err > worst_err) worst_err = err;
    }
    gflops = 2.0 * (double)m * (double)n * (double)k / best * 1e-9;
    printf("gemm %zux%zux%zu f32 (%s, %dx%d tiles, 1 thread): %.3f ms, %.1f GFLOP/s (thread CPU time; wall clock "
           "%.3f ms), max error %.2g\n",
           m, n, k, arch->name, arch->mr, arch->nr, best * 1e3, gflops, best_wall * 1e3, worst_err);
    if (!(worst_err < 1e-3)) gflops = -1;
  }
  sr_aligned_free(a), sr_aligned_free(w), sr_aligned_free(bias), sr_aligned_free(c), sr_aligned_free(packed);
  return gflops;
}

typedef struct conv_run_ctx {
  const sr_gemm_f32_arch* arch;
  const sr_conv_geom* g;
  const float *input, *packed;
  float* output;
} conv_run_ctx;

static void run_conv(void* ctx) {
  const conv_run_ctx* x = ctx;
  sr_f32_conv2d__gemm(NULL, x->arch, x->g, x->input, x->packed, x->output);
}

/* CONV_2D (batch 1, SAME padding) against its reference kernel. Returns GFLOP/s; -1 on failure. */
static double bench_conv(const sr_gemm_f32_arch* arch, const int* d, int reps) {
  sr_conv_geom g = {0};
  g.batches = 1, g.in_h = d[0], g.in_w = d[1], g.in_c = d[2], g.out_c = d[3], g.filter_h = d[4], g.filter_w = d[5];
  g.filter_c = g.in_c, g.groups = 1, g.depth_multiplier = 1, g.stride_h = d[6], g.stride_w = d[7];
  g.dilation_h = g.dilation_w = 1, g.act_min = -FLT_MAX, g.act_max = FLT_MAX;
  if (!sr_conv_window(SR_PADDING_SAME, g.in_h, g.filter_h, g.stride_h, 1, &g.out_h, &g.pad_top) ||
      !sr_conv_window(SR_PADDING_SAME, g.in_w, g.filter_w, g.stride_w, 1, &g.out_w, &g.pad_left))
    return -1;
  const size_t in_n = (size_t)g.in_h * g.in_w * g.in_c, f_n = (size_t)g.out_c * g.filter_h * g.filter_w * g.in_c;
  const size_t out_n = (size_t)g.out_h * g.out_w * g.out_c, k = (size_t)g.filter_h * g.filter_w * g.in_c;
  float* in = sr_aligned_alloc(in_n * 4 + 64);
  float* f = sr_aligned_alloc(f_n * 4 + 64);
  float* bias = sr_aligned_alloc((size_t)g.out_c * 4 + 64);
  float *out = sr_aligned_alloc(out_n * 4 + 64), *ref = sr_aligned_alloc(out_n * 4 + 64);
  float* packed = sr_aligned_alloc(sr_f32_conv2d_packed_floats(arch, &g) * 4 + 64);
  double gflops = -1;
  if (in && f && bias && out && ref && packed) {
    unsigned seed = 1;
    for (size_t i = 0; i < in_n; i++) in[i] = frand(&seed);
    for (size_t i = 0; i < f_n; i++) f[i] = frand(&seed);
    for (int i = 0; i < g.out_c; i++) bias[i] = frand(&seed);
    sr_f32_conv2d_pack(arch, &g, sr_f32_source_of(f), sr_f32_source_of(bias), packed);
    conv_run_ctx x = {arch, &g, in, packed, out};
    double best, best_wall;
    time_runs(run_conv, &x, reps, &best, &best_wall);
    sr_f32_conv2d__ref(&g, in, f, bias, ref);
    double worst_err = 0;
    for (size_t i = 0; i < out_n; i++) worst_err = fmax(worst_err, fabs(ref[i] - out[i]) / (1.0 + sqrt((double)k)));
    gflops = 2.0 * (double)out_n * (double)k / best * 1e-9;
    printf("conv %dx%dx%d -> %d, %dx%d filter, stride %dx%d, SAME (%s, 1 thread): %.3f ms, %.1f GFLOP/s (thread CPU "
           "time; wall clock %.3f ms), max error %.2g\n",
           g.in_h, g.in_w, g.in_c, g.out_c, g.filter_h, g.filter_w, g.stride_h, g.stride_w, arch->name, best * 1e3,
           gflops, best_wall * 1e3, worst_err);
    if (!(worst_err < 1e-3)) gflops = -1;
  }
  sr_aligned_free(in), sr_aligned_free(f), sr_aligned_free(bias), sr_aligned_free(out), sr_aligned_free(ref);
  sr_aligned_free(packed);
  return gflops;
}

static int usage(void) {
  fprintf(stderr,
          "usage: bench_gemm [M N K] [--isa avx512|avx2|c] [--reps N]\n"
          "       bench_gemm --conv H W CI CO KH KW SH SW [--isa ...] [--reps N]\n");
  return 2;
}

int main(int argc, char** argv) {
  size_t dims[3] = {1024, 1024, 1024};
  int nd = 0, reps = 10, conv = 0, cd[8];
  const char* isa_name = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--isa") && i + 1 < argc) isa_name = argv[++i];
    else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--conv") && i + 8 < argc) {
      for (int j = 0; j < 8; j++) cd[j] = atoi(argv[++i]);
      conv = 1;
    } else if (nd < 3) dims[nd++] = (size_t)strtoull(argv[i], NULL, 10);
    else return usage();
  }
  const unsigned isa = sr_cpu_isa();
  const sr_gemm_f32_arch* arch = NULL;
  if (!isa_name)
    arch = (isa & SR_ISA_AVX512) ? sr_gemm_f32_avx512() : (isa & SR_ISA_AVX2_FMA) ? sr_gemm_f32_avx2() : NULL;
  else if (!strcmp(isa_name, "avx512") && (isa & SR_ISA_AVX512)) arch = sr_gemm_f32_avx512();
  else if (!strcmp(isa_name, "avx2") && (isa & SR_ISA_AVX2_FMA)) arch = sr_gemm_f32_avx2();
  if (!arch && (!isa_name || !strcmp(isa_name, "c"))) arch = &sr_gemm_f32_portable;
  if (!arch) {
    fprintf(stderr, "bench_gemm: ISA %s is not available on this CPU\n", isa_name);
    return 2;
  }
  const double gflops = conv ? bench_conv(arch, cd, reps) : bench_matrix(arch, dims[0], dims[1], dims[2], reps);
  if (gflops < 0) {
    fprintf(stderr, "bench_gemm: failed (out of memory, bad shape or wrong results)\n");
    return 1;
  }
#if SR_HAVE_X86_KERNELS
  if (isa & SR_ISA_AVX512) {
    const double zmm = fma_peak(16, 5), ymm = fma_peak(8, 5);
    printf("fma peak (measured, 1 core): zmm %.1f GFLOP/s, ymm %.1f GFLOP/s\n", zmm, ymm);
    printf("gemm / zmm peak: %.1f%%\n", 100.0 * gflops / zmm);
  }
#endif
  return 0;
}
