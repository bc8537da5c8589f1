/*
 * gemm_q8.h — the 8-bit integer GEMM behind the fast CONV_2D (1x1 and im2col), FULLY_CONNECTED and their
 * hybrid kinds: C[m][n] = epilogue(sum_k A[m][k] * B[k][n]) per group of a grouped convolution. VNNI kernels
 * multiply unsigned bytes (activations, flipped to uint8 by +128 when they are int8) by signed bytes (weights,
 * flipped to int8 by -128 when they are uint8); AMX ones multiply int8 activations as they are; all sum in
 * int32 that wraps exactly like LiteRT's. What the flips and offsets add is folded into per-column and per-row
 * terms, so results equal the __ref kernels bit for bit:
 *   sum (a + ioff)(w + foff) = S + beta * rowsum(a_k) + alpha * colsum(w_s) + k * alpha * beta
 * with a_k = a + alpha - ioff and w_s = w + beta - foff the bytes the kernel multiplies (see sr_q8_terms). AVX2
 * kernels without VNNI multiply int16 (a + ioff)(w + foff) directly. Weights are packed once per model
 * (sr_q8_pack_b, sr_q8_pack_b16), and so are each node's per-channel constants (sr_q8_plan_get).
 */
#ifndef SR_OPS_GEMM_Q8_H
#define SR_OPS_GEMM_Q8_H

#include <stddef.h>
#include <stdint.h>

#include "conv.h"

#define SR_Q8_NR 16     /* columns per packed weight group (one zmm of int32 sums) */

/* Prepare-time code (packing, constants, selection): compiled for size, kept away from the kernels. */
#if defined(__GNUC__) || defined(__clang__)
#define SR_Q8_COLD __attribute__((cold))
#else
#define SR_Q8_COLD
#endif
#define SR_Q8_MR_MAX 16 /* most rows a micro-kernel handles (AMX tiles) */

/* ---- packed weights ---- */

/* Weights [groups][n][k] (row-major, k contiguous: CONV_2D's OHWI filter or FULLY_CONNECTED's [units, depth])
 * packed as [groups][ceil(n/16)][ceil(k/4)][16 columns][4 k] signed bytes, zero-padded, followed by the int32
 * sum of each column's signed bytes ([groups][ceil(n/16) * 16]). */
typedef struct sr_q8_pack_arg {
  const uint8_t* w; /* int8 or uint8 weights */
  size_t n, k;      /* per group */
  size_t groups;
  int w_unsigned;   /* uint8 weights are stored minus 128 */
  int transposed;   /* [k][n] (a depthwise filter over one input channel) instead of [n][k]; one group */
} sr_q8_pack_arg;

size_t sr_q8_packed_bytes(size_t n, size_t k, size_t groups);
void sr_q8_pack_b(void* dst, size_t bytes, const void* arg); /* an sr_pack_fn */
/* Offsets inside the packed buffer. */
static inline size_t sr_q8_group_stride(size_t k) { return ((k + 3) / 4) * 4 * SR_Q8_NR; }
static inline size_t sr_q8_conv_group_bytes(size_t n, size_t k) {
  return ((n + SR_Q8_NR - 1) / SR_Q8_NR) * sr_q8_group_stride(k);
}
static inline const int32_t* sr_q8_colsums(const void* packed, size_t n, size_t k, size_t groups) {
  return (const int32_t*)((const uint8_t*)packed + groups * sr_q8_conv_group_bytes(n, k));
}

/* AVX2 without VNNI multiplies int16 pairs (vpmaddwd, exact: |a|, |w| <= 255): weights packed as
 * [groups][ceil(n/16)][ceil(k/2)][16 columns][2 k] int16 of (w + filter_offset), zero-padded; activations
 * likewise enter as (a + input_offset), so the sums need no correction terms. */
typedef struct sr_q8_pack16_arg {
  const uint8_t* w;
  size_t n, k, groups;
  int w_unsigned;
  int32_t filter_offset;
  int transposed;
} sr_q8_pack16_arg;
size_t sr_q8_packed16_bytes(size_t n, size_t k, size_t groups);
void sr_q8_pack_b16(void* dst, size_t bytes, const void* arg); /* an sr_pack_fn */
static inline size_t sr_q8_group16_stride(size_t k) { return (k + 1) / 2 * SR_Q8_NR * 2 * sizeof(int16_t); }

/* ---- per-channel requantization constants ---- */

/* Per-column constants for one vector of `lanes` columns (16 for zmm kernels, 8 for ymm), written by
 * sr_q8_prep_requant. The result is LiteRT's requantization of v = acc << lshift:
 *   (v * mult + round - (ref && v * mult < -2^30 ? dneg : 0)) >> count    (64-bit, arithmetic)
 * with count = 31 + r and round = 2^30 + (r > 0 ? 2^(30 + r) : 0) for a right shift r: one rounding that
 * equals gemmlowp's doubling high multiply followed by the final rounding shift, half up (gemm_rounding) or
 * half away from zero (dneg = 2^31 when r > 0). The even/odd halves match vpmuldq's lanes. Kernels without
 * a 64-bit arithmetic shift (AVX2) get round + 2^63 and subtract sign = 2^63 >> count after a logical shift. */
typedef struct sr_q8_rq_lane8 { /* 8 columns */
  int32_t bias[8], mult[8], lshift[8], pad_[8];
  int64_t round_e[4], round_o[4], count_e[4], count_o[4], dneg_e[4], dneg_o[4], sign_e[4], sign_o[4];
} sr_q8_rq_lane8;
typedef struct sr_q8_rq_lane16 { /* 16 columns */
  int32_t bias[16], mult[16], lshift[16];
  int64_t round_e[8], round_o[8], count_e[8], count_o[8], dneg_e[8], dneg_o[8];
} sr_q8_rq_lane16;

/* Hybrid (float output) constants for 16 columns: the int32 column term, the weight scales, the float bias
 * and the weights' column sums (for inputs quantized with a zero point per row). */
typedef struct sr_q8_hy_lane16 {
  int32_t term[16];
  float scale[16], bias[16];
  int32_t colsum[16];
} sr_q8_hy_lane16;

/* How the accumulated sums become outputs. */
typedef struct sr_q8_epilogue {
  int32_t lo, hi;        /* act_min - output_offset, act_max - output_offset */
  int32_t out_offset;
  int ref_rounding;      /* sr_quant_mul (half away from zero) instead of sr_conv_mul_gemm */
  int has_lshift;        /* some column shifts left */
  int32_t row_coeff;     /* beta: row sums of A are needed when non-zero */
  int out_unsigned;      /* uint8 outputs (else int8) */
  /* hybrid */
  float flo, fhi;        /* float clamp */
  int bias_add_zero;     /* BATCH_MATMUL adds 0.0f instead of a bias */
  const float* row_scale;     /* per A row (hybrid), or NULL */
  const int32_t* row_zp;      /* per A row (hybrid, asymmetric), or NULL */
  int32_t a_shift;            /* hybrid: 128 when the int8 rows were flipped to uint8, else 0 */
  size_t rows_per_scale;      /* A rows sharing one scale / zero point (hybrid conv: one per batch) */
} sr_q8_epilogue;

/* alpha and beta of the identity above, from the offsets and storage types; int8 activations are flipped to
 * uint8 unless the kernel multiplies signed bytes (signed_a, AMX). */
typedef struct sr_q8_terms {
  int32_t alpha, beta;
  uint8_t a_xor; /* 0x80 when int8 activations are flipped */
} sr_q8_terms;
sr_q8_terms sr_q8_terms_of(int a_unsigned, int w_unsigned, int32_t input_offset, int32_t filter_offset, int signed_a);

/* Writes ceil(n/lanes) constant blocks (sr_q8_rq_lane16 or sr_q8_rq_lane8) for columns [0, n) of one group:
 * bias (may be NULL; int32) plus alpha * colsum + k * alpha * beta, and the multipliers. rq->mult and bias
 * start at the group's first channel, which is channel c0 of the node (for rq->gemm_channels). */
void sr_q8_prep_requant(const sr_conv_requant* rq, size_t c0, const int32_t* bias, const int32_t* colsum, size_t n,
                        size_t k, sr_q8_terms t, int lanes, void* dst);
/* Whether channel c rounds as LiteRT's GEMM/vector kernels (half up), and whether any of n does not. */
static inline int sr_q8_gemm_rounds(const sr_conv_requant* rq, size_t c) {
  return rq->gemm_rounding && c < rq->gemm_channels;
}
static inline int sr_q8_any_ref_rounding(const sr_conv_requant* rq, size_t n) {
  return !rq->gemm_rounding || rq->gemm_channels < n;
}
size_t sr_q8_requant_bytes(size_t n, int lanes);
/* The constants of one lane: multiplier m applied to acc + bias (modulo 2^32). */
void sr_q8_rq16_set(sr_q8_rq_lane16* q, int lane, int gemm_rounding, sr_qmul m, uint32_t bias);
void sr_q8_rq8_set(sr_q8_rq_lane8* q, int lane, int gemm_rounding, sr_qmul m, uint32_t bias);
/* Hybrid blocks for 16 columns: bias may be NULL; term = -a_shift * colsum for symmetric inputs (a_shift = 128
 * when the int8 inputs are flipped to uint8), 0 otherwise. */
void sr_q8_prep_hybrid(const float* scales, const float* bias, const int32_t* colsum, size_t n, int asymmetric,
                       int32_t a_shift, sr_q8_hy_lane16* dst);

/* ---- one problem ---- */

/* Where rows of A come from: row m of a plain matrix (FULLY_CONNECTED, 1x1 stride-1 convolutions), or the
 * im2col row of output pixel m of a convolution (window taps in filter order, padding = the input zero
 * point, which contributes nothing). */
typedef struct sr_q8_source {
  const uint8_t* a;  /* input (int8 or uint8 bytes) */
  const uint8_t* a_end; /* one past its last byte */
  size_t lda;        /* plain: bytes between rows */
  const sr_conv_geom* conv; /* NULL for a plain matrix */
  uint8_t pad;       /* the input zero point's byte */
  uint8_t a_xor;
  int a_signed;      /* the kernel multiplies A's bytes as int8 (not flipped) */
  /* int16 kernels (sr_q8_pack_rows16__c) enter a + a_offset - row_zp[m / rows_per_zp] (row_zp may be NULL) */
  int32_t a_offset;
  const int32_t* row_zp;
  size_t rows_per_zp;
} sr_q8_source;

typedef struct sr_q8_gemm {
  size_t m, n, k, groups; /* n and k per group */
  sr_q8_source src;
  const int8_t* b;        /* packed weights */
  const void* rq;         /* constant blocks per group: ceil(n / lanes) of them, group after group */
  size_t rq_group_bytes;
  const int32_t* colsum;  /* hybrid asymmetric: packed column sums */
  void* c;                /* output, row m of group g at c + m * ldc + g * n (elements) */
  size_t ldc;
  sr_q8_epilogue epi;
  int float_out;          /* hybrid: float outputs */
} sr_q8_gemm;

/* Rows [m0, m1) and 16-column groups [cg0, cg1) of every group; `panel` holds sr_q8_panel_bytes(k) bytes
 * (two panels of SR_Q8_MR_MAX rows, so one can be packed while the other is used). */
typedef void (*sr_q8_rows_fn)(const sr_q8_gemm* p, size_t m0, size_t m1, size_t cg0, size_t cg1, uint8_t* panel);
size_t sr_q8_panel_bytes(size_t k);

void sr_q8_gemm_rows__avx512vnni(const sr_q8_gemm* p, size_t m0, size_t m1, size_t cg0, size_t cg1,
                                 uint8_t* panel);
void sr_q8_gemm_rows__amx(const sr_q8_gemm* p, size_t m0, size_t m1, size_t cg0, size_t cg1, uint8_t* panel);
void sr_q8_gemm_rows__avxvnni(const sr_q8_gemm* p, size_t m0, size_t m1, size_t cg0, size_t cg1, uint8_t* panel);
void sr_q8_gemm_rows__avx2(const sr_q8_gemm* p, size_t m0, size_t m1, size_t cg0, size_t cg1, uint8_t* panel);

/* A kernel and the rows of its blocks (work is split between threads in whole blocks). */
typedef struct sr_q8_kernel {
  sr_q8_rows_fn rows;
  size_t block;
  int signed_a; /* multiplies int8 activations as they are (no +128 flip) */
  int int16;    /* int16 pairs: weights packed by sr_q8_pack_b16, offsets added to A and B (no terms) */
  int lanes;    /* vector width of the requantization constants: 16 (sr_q8_rq_lane16) or 8 (sr_q8_rq_lane8) */
} sr_q8_kernel;
/* The best kernel for `isa` (SR_ISA_* bits) and this shape; rows NULL when none applies. */
sr_q8_kernel sr_q8_kernel_for(unsigned isa, size_t m, size_t n, size_t k);

/* The weights [groups][n][k] (int8 or uint8) packed for kernel kr into dst (sr_q8_weights_bytes). */
size_t sr_q8_weights_bytes(size_t n, size_t k, size_t groups, sr_q8_kernel kr);
void sr_q8_pack_weights(void* dst, const uint8_t* w, size_t n, size_t k, size_t groups, int w_unsigned,
                        int32_t filter_offset, int transposed, sr_q8_kernel kr);
/* Requantization constants of every group for kernel kr into dst (groups blocks of group_bytes each): the
 * identity's terms for 8-bit kernels, none for int16 ones (offsets enter the data). Returns has_lshift. */
int sr_q8_prep_groups(const sr_conv_requant* rq, const int32_t* bias, const void* packed, size_t n, size_t k,
                      size_t groups, int a_unsigned, int w_unsigned, sr_q8_kernel kr, void* dst, size_t group_bytes,
                      sr_q8_terms* terms);

/* sr_conv_hybrid_quantize_rows, vectorized (hybrid_q8.c), bit for bit. */
void sr_q8_quantize_rows__avx512(const float* in, size_t rows, size_t depth, int asymmetric, int8_t* q, float* scale,
                                 int32_t* zp);
void sr_q8_quantize_rows__avx2(const float* in, size_t rows, size_t depth, int asymmetric, int8_t* q, float* scale,
                               int32_t* zp);

/* ---- plans: a node's packed weights and constants, prepared once per model ----
 * A plan (the packed weights, then the requantization or hybrid constants derived from them and the node's
 * parameters) lives in the model's pack cache, found by one lookup of the weights' data, the bias and a hash of
 * every other input. The entry keeps those inputs and lookups compare them, so a hash collision can only cost
 * the fast path (the selector then declines), never a wrong result. Nodes whose prepare runs at every invoke
 * (shapes that depend on data) pay one lookup and one hash. */
typedef struct sr_q8_plan_key {
  const void* source;  /* the weights' constant data */
  const void* bias;    /* bias data, or NULL */
  int32_t ints[8];     /* offsets, activation range, rounding, kernel, layout: whatever the filler reads */
  uint64_t dims[4];
} sr_q8_plan_key;

typedef struct sr_q8_plan {
  sr_q8_plan_key key;
  size_t blob_bytes;     /* per-channel inputs (multipliers, scales) copied after the header */
  size_t consts_offset;  /* from the start of the entry, 64-byte aligned */
  size_t weights_offset; /* likewise */
  int has_lshift;
} sr_q8_plan;

/* Packs the weights at `weights`, then writes the constants (which may read the packed weights) at `consts`;
 * returns has_lshift. */
typedef int (*sr_q8_fill_fn)(void* consts, void* weights, const void* arg);
/* The node's plan: built on first request, NULL when out of memory (*status NO_MEMORY, node message) or when a
 * different plan owns the hash (*status OK: decline). */
const sr_q8_plan* sr_q8_plan_get(sr_node* node, const sr_q8_plan_key* key, const void* blob, size_t blob_bytes,
                                 size_t consts_bytes, size_t weights_bytes, sr_q8_fill_fn fill, const void* arg,
                                 sigrun_status* status);
static inline const void* sr_q8_plan_consts(const sr_q8_plan* p) { return (const uint8_t*)p + p->consts_offset; }
static inline const void* sr_q8_plan_weights(const sr_q8_plan* p) { return (const uint8_t*)p + p->weights_offset; }

/* Runs p over the node's threads: one panel of `panel_bytes` per thread at panels. */
void sr_q8_gemm_run(const sr_node* node, const sr_q8_gemm* p, sr_q8_kernel kernel, uint8_t* panels, size_t panel_bytes);

/* Packs A rows [m0, m0 + rows) of group g into a panel of rows of kp = ceil(k/4)*4 bytes, flipped by a_xor,
 * zero beyond k, and zero rows up to `height`. Portable (the AVX-512 kernels have their own vector copy). */
void sr_q8_pack_rows__c(const sr_q8_gemm* p, size_t g, size_t m0, size_t rows, size_t height, uint8_t* panel);
/* The same as int16 (a + offset) in rows of ceil(k/2)*2 (AVX2 without VNNI); tmp holds k bytes. */
void sr_q8_pack_rows16__c(const sr_q8_gemm* p, size_t g, size_t m0, size_t rows, size_t height, int16_t* panel,
                          uint8_t* tmp);

#endif /* SR_OPS_GEMM_Q8_H */
