/*
 * cpu.c — instruction-set detection for the fast kernels. AVX state must be enabled by the OS (XCR0), not just
 * advertised by CPUID, or the first ymm/zmm instruction faults.
 */
#include "cpu.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <stdint.h>

static uint64_t read_xcr0(void) {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}

unsigned sr_cpu_isa(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  const int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, f16c = (c >> 29) & 1;
  if (!osxsave || !avx) return 0;
  const uint64_t xcr0 = read_xcr0();
  const int ymm_state = (xcr0 & 0x6) == 0x6;    /* SSE and AVX registers saved */
  const int zmm_state = (xcr0 & 0xe6) == 0xe6;  /* plus opmask and both zmm halves */
  if (!ymm_state || __get_cpuid_max(0, 0) < 7) return 0;
  unsigned b7, c7, d7, a7;
  __cpuid_count(7, 0, a7, b7, c7, d7);
  unsigned a71 = 0, b71, c71, d71;
  if (a7 >= 1) __cpuid_count(7, 1, a71, b71, c71, d71);
  unsigned isa = 0;
  const int avx2 = (b7 >> 5) & 1;
  if (avx2 && fma && f16c) isa |= SR_ISA_AVX2_FMA;
  const int f = (b7 >> 16) & 1, dq = (b7 >> 17) & 1, bw = (b7 >> 30) & 1, vl = (b7 >> 31) & 1;
  if ((isa & SR_ISA_AVX2_FMA) && zmm_state && f && dq && bw && vl) isa |= SR_ISA_AVX512;
  if ((isa & SR_ISA_AVX512) && ((c7 >> 11) & 1)) isa |= SR_ISA_AVX512_VNNI;
  if ((isa & SR_ISA_AVX512) && ((c7 >> 1) & 1)) isa |= SR_ISA_AVX512_VBMI;
  if ((isa & SR_ISA_AVX2_FMA) && ((a71 >> 4) & 1)) isa |= SR_ISA_AVX_VNNI;
  return isa;
}
#else
unsigned sr_cpu_isa(void) { return 0; }
#endif
