/*
 * cpu.h — which instruction sets the fast kernels may use. Detected once per interpreter (a value, not a
 * global) from CPUID and the OS's saved-register mask (XGETBV), so one binary runs on a baseline x86-64 CPU
 * and uses AVX2/AVX-512 where both the CPU and the OS support them. Per-ISA kernel files compile their
 * functions with target attributes (see SR_TARGET_* below) instead of per-file compiler flags, so every build
 * (CMake, setup.py, a user's own makefile) gets them without extra configuration.
 */
#ifndef SR_CPU_H
#define SR_CPU_H

enum {
  SR_ISA_AVX2_FMA = 1u << 0,    /* AVX2 + FMA3 (+ F16C) */
  SR_ISA_AVX512 = 1u << 1,      /* AVX-512 F, BW, DQ, VL */
  SR_ISA_AVX512_VNNI = 1u << 2, /* AVX-512 VNNI (vpdpbusd on zmm) */
  SR_ISA_AVX_VNNI = 1u << 3,    /* AVX-VNNI (vpdpbusd on ymm, VEX encoded) */
  SR_ISA_AVX512_VBMI = 1u << 4, /* AVX-512 VBMI (vpermi2b: 128-entry byte tables) */
};

/* Bitmask of SR_ISA_* usable on this CPU and OS; 0 on other architectures. */
unsigned sr_cpu_isa(void);

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SR_HAVE_X86_KERNELS 1
#define SR_TARGET_AVX2 __attribute__((target("avx2,fma,f16c")))
#define SR_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,f16c")))
#define SR_TARGET_AVX512_VBMI \
  __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vbmi,avx2,fma,f16c")))
#define SR_TARGET_AVX512_VNNI \
  __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,avx2,fma,f16c")))
#else
#define SR_HAVE_X86_KERNELS 0
#endif

#endif /* SR_CPU_H */
