/*
 * vec_f32_x86.c — the AVX2 and AVX-512 instances of the vector elementwise kernels (vec_f32_tmpl.h).
 * AVX-512 refines its 14-bit reciprocal estimate with one Newton step, AVX2 its 12-bit one with two.
 */
#include "vec_f32.h"

#include <float.h>
#include <math.h>
#include <string.h>

#if SR_HAVE_X86_KERNELS
#include "simd_avx2.h"
#define V_RCP(x) _mm256_rcp_ps(x)
#define V_RCP_STEPS 2
#include "vec_f32_tmpl.h"
#undef V_RCP
#undef V_RCP_STEPS
#include "simd_undef.h"

#include "simd_avx512.h"
#define V_RCP(x) _mm512_rcp14_ps(x)
#define V_RCP_STEPS 1
#include "vec_f32_tmpl.h"
#undef V_RCP
#undef V_RCP_STEPS
#include "simd_undef.h"
#endif
