/*
 * dwconv_q8.h — 8-bit DEPTHWISE_CONV_2D (depth multiplier 1) vectorized over channels. Weights are packed once
 * per model as int16 pairs of taps ((w + filter_offset) of taps 2p and 2p+1) for 32 channels at a time, in the
 * lane order that byte interleaving of two taps' inputs produces (channels 0-7 and 16-23 in one vector, 8-15
 * and 24-31 in the other), so one vpdpwssd/vpmaddwd adds two taps. The input offset is folded into the bias
 * through the weights' tap sums; taps in the padding read a row of the zero point, which then contributes
 * exactly nothing, as in the reference.
 */
#ifndef SR_OPS_DWCONV_Q8_H
#define SR_OPS_DWCONV_Q8_H

#include "fast.h"
#include "gemm_q8.h"

#define SR_DW_Q8_MAX_TAPS 64 /* windows up to 8x8 */

typedef struct sr_dw_q8_pack_arg {
  const uint8_t* w; /* [taps][channels], int8 or uint8 */
  size_t channels, taps;
  int32_t filter_offset;
  int w_unsigned;
} sr_dw_q8_pack_arg;

size_t sr_dw_q8_packed_bytes(size_t channels, size_t taps);
void sr_dw_q8_pack(void* dst, size_t bytes, const void* arg); /* an sr_pack_fn */
/* Per channel, the sum over taps of (w + filter_offset), after the packed pairs. */
const int32_t* sr_dw_q8_tap_sums(const void* packed, size_t channels, size_t taps);

/* Position of channel c of a 32-channel block: vector 0 or 1 (half) and lane. */
static inline void sr_dw_q8_lane(size_t c, int* half, int* lane) {
  const int p = (int)(c % 32);
  *half = (p / 8) % 2;
  *lane = p % 8 + 8 * (p / 16);
}

typedef struct sr_dw_q8 {
  const sr_conv_geom* g;
  const uint8_t* in;
  uint8_t* out;
  const int16_t* w;            /* packed */
  const void* rq;              /* requantization constants (see the kernels below) */
  const uint8_t* pad;          /* in_c bytes of the input zero point (and 64 more, readable) */
  int a_unsigned;
  sr_q8_epilogue epi;
} sr_dw_q8;

/* Output rows [r0, r1) (row = batch * out_h + oy). The AVX-512 kernel reads constants in the packed lane order
 * (two sr_q8_rq_lane16 per 32 channels), the ymm kernels in channel order (sr_q8_rq_lane8 per 8 channels). */
typedef void (*sr_dw_q8_rows_fn)(const sr_dw_q8* p, size_t r0, size_t r1);
void sr_dw_q8_rows__avx512(const sr_dw_q8* p, size_t r0, size_t r1);
void sr_dw_q8_rows__avxvnni(const sr_dw_q8* p, size_t r0, size_t r1);
void sr_dw_q8_rows__avx2(const sr_dw_q8* p, size_t r0, size_t r1);

/* The output pixels of row oy whose windows lie inside the input, [*x0, *x1) (empty when the row's window
 * leaves the input vertically). */
void sr_dw_q8_interior(const sr_conv_geom* g, int64_t oy, int64_t* x0, int64_t* x1);

/* Byte offsets of the filter taps from an interior window's corner, plus a copy of the last one (the odd tap's
 * partner, whose weight is 0): taps_n + 1 entries. */
void sr_dw_q8_tap_offsets(const sr_conv_geom* g, uintptr_t* offsets);

/* Tap addresses of output pixel (b, oy, ox) at the window's edge: the input pixel, or the zero-point row; an
 * odd count gets a copy of its last address as partner. */
void sr_dw_q8_edge_taps(const sr_dw_q8* p, size_t b, int64_t oy, int64_t ox, uintptr_t* taps);

/* The selector (called by conv_fast_q.c for depthwise nodes); declines like the others (fast.h). */
sigrun_status sr_dwconv_fast_select_q(sr_node* node, const sr_conv_geom* g, const sr_conv_requant* rq,
                                      sr_weights_kind kind, sr_fast_path* fast);

#endif /* SR_OPS_DWCONV_Q8_H */
