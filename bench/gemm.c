/*
 * gemm.c — bench_gemm: GFLOP/s of sigrun's float GEMM (src/ops/gemm_f32.h) on one core against the core's FMA
 * peak, measured here with a loop of independent register-only FMAs (16 chains, more than latency x ports).
 *
 *   bench_gemm [M N K] [--isa avx512|avx2|c] [--reps N]      default 1024 1024 1024, the best ISA, 10 reps
 *
 * Both numbers are the best of the repetitions in thread CPU time (other processes only ever make a run slower;
 * the wall-clock best is printed beside it). The GEMM is the
 * whole product as FULLY_CONNECTED runs it: B packed once (not timed), A panels copied per tile, bias and clamp
 * fused. A few output elements are checked against a double-precision dot product.
 */
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

int main(int argc, char** argv) {
  size_t dims[3] = {1024, 1024, 1024};
  int nd = 0, reps = 10;
  const char* isa_name = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--isa") && i + 1 < argc) isa_name = argv[++i];
    else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
    else if (nd < 3) dims[nd++] = (size_t)strtoull(argv[i], NULL, 10);
    else {
      fprintf(stderr, "usage: bench_gemm [M N K] [--isa avx512|avx2|c] [--reps N]\n");
      return 2;
    }
  }
  const unsigned isa = sr_cpu_isa();
  const sr_gemm_f32_arch* arch = NULL;
  if (!isa_name) arch = (isa & SR_ISA_AVX512) ? sr_gemm_f32_avx512() : (isa & SR_ISA_AVX2_FMA) ? sr_gemm_f32_avx2() : NULL;
  else if (!strcmp(isa_name, "avx512") && (isa & SR_ISA_AVX512)) arch = sr_gemm_f32_avx512();
  else if (!strcmp(isa_name, "avx2") && (isa & SR_ISA_AVX2_FMA)) arch = sr_gemm_f32_avx2();
  if (!arch && (!isa_name || !strcmp(isa_name, "c"))) arch = &sr_gemm_f32_portable;
  if (!arch) {
    fprintf(stderr, "bench_gemm: ISA %s is not available on this CPU\n", isa_name);
    return 2;
  }
  const size_t m = dims[0], n = dims[1], k = dims[2];
  float* a = sr_aligned_alloc(m * k * sizeof(float) + 64);
  float* w = sr_aligned_alloc(n * k * sizeof(float) + 64);
  float* bias = sr_aligned_alloc(n * sizeof(float) + 64);
  float* c = sr_aligned_alloc(m * n * sizeof(float) + 64);
  const size_t packed_floats = sr_gemm_f32_packed_floats(arch, n, k);
  float* packed = sr_aligned_alloc(packed_floats * sizeof(float) + 64);
  if (!a || !w || !bias || !c || !packed) {
    fprintf(stderr, "bench_gemm: out of memory\n");
    return 1;
  }
  unsigned seed = 1;
  for (size_t i = 0; i < m * k; i++) a[i] = frand(&seed);
  for (size_t i = 0; i < n * k; i++) w[i] = frand(&seed);
  for (size_t i = 0; i < n; i++) bias[i] = frand(&seed);
  sr_gemm_f32_pack(arch, n, k, sr_f32_source_of(w), k, 1, sr_f32_source_of(bias), packed);
  const size_t np = packed_floats / (k + 1);
  sr_gemm_f32_matrix am = {a, k, 1};
  sr_gemm_f32_job job = {arch, m, n, k, sr_gemm_f32_pack_a_matrix, &am, packed + np, packed, c, n,
                         -INFINITY, INFINITY, 0, 0};
  double best = 1e30, best_wall = 1e30;
  for (int r = 0; r < reps + 1; r++) {
    const double t = now(), tw = wall();
    sr_gemm_f32_run(NULL, &job);
    const double d = now() - t, dw = wall() - tw;
    if (r > 0 && d < best) best = d; /* the first run warms caches and pages */
    if (r > 0 && dw < best_wall) best_wall = dw;
  }
  double worst_err = 0;
  for (int s = 0; s < 64 && m && n; s++) {
    const size_t i = (size_t)s * 7919 % m, j = (size_t)s * 104729 % n;
    double ref = bias[j];
    for (size_t kk = 0; kk < k; kk++) ref += (double)a[i * k + kk] * w[j * k + kk];
    const double err = fabs(ref - c[i * n + j]) / (1.0 + sqrt((double)k));
    if (err > worst_err) worst_err = err;
  }
  const double gflops = 2.0 * (double)m * (double)n * (double)k / best * 1e-9;
  printf("gemm %zux%zux%zu f32 (%s, %dx%d tiles, 1 thread): %.3f ms, %.1f GFLOP/s (thread CPU time; wall clock "
         "%.3f ms), max error %.2g\n",
         m, n, k, arch->name, arch->mr, arch->nr, best * 1e3, gflops, best_wall * 1e3, worst_err);
#if SR_HAVE_X86_KERNELS
  if (isa & SR_ISA_AVX512) {
    const double zmm = fma_peak(16, 5), ymm = fma_peak(8, 5);
    printf("fma peak (measured, 1 core): zmm %.1f GFLOP/s, ymm %.1f GFLOP/s\n", zmm, ymm);
    printf("gemm / zmm peak: %.1f%%\n", 100.0 * gflops / zmm);
  }
#endif
  sr_aligned_free(a);
  sr_aligned_free(w);
  sr_aligned_free(bias);
  sr_aligned_free(c);
  sr_aligned_free(packed);
  return worst_err < 1e-3 ? 0 : 1;
}
