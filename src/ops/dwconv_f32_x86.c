/*
 * dwconv_f32_x86.c — AVX2 and AVX-512 row kernels of float DEPTHWISE_CONV_2D: dwconv_f32_tmpl.h instantiated
 * once per ISA (8 or 16 channels per vector). Every channel block is masked (free with AVX-512 k-masks, a little
 * slower with AVX2's vmaskmov), so each filter size has one copy of its unrolled code.
 */
#include "dwconv_f32.h"

#if SR_HAVE_X86_KERNELS
#define SR_DW_MAX_KH 5
#define SR_DW_MAX_TAPS 25

/* AVX2: 4 columns in flight (16 ymm registers: 9 weights + 4 sums + temporaries). */
#include "simd_avx2.h"
#define SR_DW_NB 4
#include "dwconv_f32_tmpl.h"
#undef SR_DW_NB
#include "simd_undef.h"

/* AVX-512: 8 columns in flight (32 zmm registers). */
#include "simd_avx512.h"
#define SR_DW_NB 8
#include "dwconv_f32_tmpl.h"
#undef SR_DW_NB
#include "simd_undef.h"

#endif /* SR_HAVE_X86_KERNELS */
