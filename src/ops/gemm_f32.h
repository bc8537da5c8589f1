/*
 * gemm_f32.h — the float GEMM behind the fast CONV_2D, FULLY_CONNECTED and BATCH_MATMUL paths:
 *   C[m x n] = clamp(A[m x k] . B[k x n] + bias, lo, hi)
 * B (weights) is packed once into panels of NR columns ([k][NR], zero-padded). A is read in place where its rows
 * are evenly spaced (a row-major matrix; a convolution's pixels whose windows lie inside the input, one segment
 * per filter row), else copied per MR-row panel and K block into a buffer on the stack (about 15 KB per thread)
 * by a packer that knows where A's rows come from (a column-major matrix, the im2col matrix of a convolution's
 * border pixels). A register-blocked micro-kernel of the chosen ISA computes MR x NR tiles with the bias and
 * clamp fused. Work is split into (row block, column block) tiles through sr_parallel_for; every output element
 * is computed inside one tile with the same operation order whatever the tiling, so results do not depend on
 * the thread count.
 */
#ifndef SR_OPS_GEMM_F32_H
#define SR_OPS_GEMM_F32_H

#include <stddef.h>
#include <stdint.h>

#include "../core/cpu.h"
#include "conv.h"
#include "matmul.h"
#include "op.h"

/* Depth of one K block: copied A panels are [MR][SR_GEMM_F32_KC] floats; larger depths accumulate over blocks. */
#ifndef SR_GEMM_F32_KC
#define SR_GEMM_F32_KC 256
#endif
/* Largest MR of any micro-kernel (sizes the stack panel). */
#define SR_GEMM_F32_MAX_MR 14
/* Largest NR of any micro-kernel. */
#define SR_GEMM_F32_MAX_NR 32

/* C[mr x nr] (row stride ldc) = clamp(init + a . b). Row r of a is nseg segments of kc values: segment s starts at
 * a + r * a_stride + s * seg_step (a convolution's filter rows; nseg 1 for a plain matrix). Rows from mr up to
 * the kernel's MR are not read (the kernel uses row 0 in their place). b is a packed [nseg * kc][NR] panel,
 * init the NR floats at `bias` broadcast to every row, or C itself when bias is NULL (accumulating a later piece
 * of K). lo/hi are the clamp (+-INFINITY leaves values alone); NaN passes. */
typedef void (*sr_f32_gemm_ukernel)(size_t kc, size_t nseg, size_t seg_step, const float* a, size_t a_stride,
                                    const float* b, float* c, size_t ldc, size_t mr, size_t nr, const float* bias,
                                    float lo, float hi);

/* One ISA's micro-kernels: `main` computes MR rows, `small` MR_SMALL rows (short row tails); [0] computes NR
 * columns, [1] only the first NR / 2 (panels whose other half is padding). `row` (or NULL) computes products with
 * a single row (m == 1: FULLY_CONNECTED with one batch, LSTM steps) with several partial sums along k to hide the
 * FMA latency, so its sums are associated differently: it is chosen from the shape alone (m == 1), never from
 * the tiling. */
typedef struct sr_gemm_f32_arch {
  const char* name;
  uint8_t mr, mr_small, nr;
  sr_f32_gemm_ukernel main[2], small[2], row;
} sr_gemm_f32_arch;

extern const sr_gemm_f32_arch sr_gemm_f32_portable;
/* NULL when this build has no kernels for the ISA (not x86-64 with GCC or Clang). */
const sr_gemm_f32_arch* sr_gemm_f32_avx512(void);
const sr_gemm_f32_arch* sr_gemm_f32_avx2(void);

#if SR_HAVE_X86_KERNELS
/* Panel packing of k-contiguous weights with 8 x 8 register transposes (gemm_f32_avx2.c). */
void sr_gemm_f32_pack_panel_k1__avx2(size_t nr, size_t cols, size_t k, const float* w, size_t w_col, float* dst);
#endif

/* The fastest kernels for node->isa; NULL with reference_kernels_only. */
const sr_gemm_f32_arch* sr_gemm_f32_select(const sr_node* node);

/* ---- weights known at prepare time ---- */

/* Float values read from float32 or float16 (IEEE half) storage. */
typedef struct sr_f32_source {
  const void* data;
  int f16;
} sr_f32_source;

static inline sr_f32_source sr_f32_source_of(const float* data) {
  const sr_f32_source s = {data, 0};
  return s;
}

/* The values of float tensor t when they are fixed before the first invoke: t's constant data, or the constant
 * float16 input of the DEQUANTIZE node that produces t (MediaPipe's float16 models), which yields the same
 * floats at every invoke. data is NULL otherwise. (That DEQUANTIZE node still runs at every invoke; a node
 * packing from its input just no longer reads its output.) */
sr_f32_source sr_f32_fixed_values(const sr_node* node, const sr_tensor* t);

/* ---- packed B ---- */

/* Floats of a packed B with its bias section: round_up(n, nr) bias values, then ceil(n / nr) panels of
 * [k][nr]. 0 when the size overflows. */
size_t sr_gemm_f32_packed_floats(const sr_gemm_f32_arch* arch, size_t n, size_t k);
/* Packs B given as w[j * w_col + kk * w_row] for column j, depth kk (weights [n][k]: w_col = k, w_row = 1;
 * a [k][n] matrix: w_col = 1, w_row = n) and bias (n values, or data NULL: zeros) into dst. */
void sr_gemm_f32_pack(const sr_gemm_f32_arch* arch, size_t n, size_t k, sr_f32_source w, size_t w_col, size_t w_row,
                      sr_f32_source bias, float* dst);
/* Panel `panel` (columns [panel * nr, ...)) alone, without a bias section: used per panel in parallel. */
void sr_gemm_f32_pack_panel(const sr_gemm_f32_arch* arch, size_t n, size_t k, sr_f32_source w, size_t w_col,
                            size_t w_row, size_t panel, float* dst);

/* Layout tags of the packed forms in the model's cache. */
enum {
  SR_GEMM_F32_PACK_WEIGHTS = 1, /* bias section + panels of weights [n][k] (FULLY_CONNECTED, CONV_2D) */
  SR_GEMM_F32_PACK_RHS = 2,     /* panels of every [k][n] matrix of a BATCH_MATMUL rhs */
  SR_GEMM_F32_PACK_RHS_ADJ = 3, /* the same from [n][k] matrices (adj_y) */
  SR_GEMM_F32_PACK_FROM_F16 = 4 /* flag: the source was float16 */
};

/* Format key for sr_packed_get: layout tag (the caller's: what the bytes hold and the source's element type), NR,
 * n and k. 0 when n or k is 2^24 or more (the caller then declines). */
uint64_t sr_gemm_f32_pack_format(const sr_gemm_f32_arch* arch, unsigned tag, size_t n, size_t k);

/* ---- where A's rows come from ---- */

/* Copies rows [i0, i0 + mr) and depths [k0, k0 + kc) of A into panel rows (stride SR_GEMM_F32_KC). */
typedef void (*sr_gemm_f32_pack_a)(const void* src, size_t i0, size_t mr, size_t k0, size_t kc, float* panel);

/* A as a strided matrix: element (i, kk) at data[i * row + kk * col]. */
typedef struct sr_gemm_f32_matrix {
  const float* data;
  size_t row, col;
} sr_gemm_f32_matrix;
void sr_gemm_f32_pack_a_matrix(const void* src, size_t i0, size_t mr, size_t k0, size_t kc, float* panel);

/* A as the im2col matrix of an NHWC convolution: row = output pixel (batch, y, x), depth = (ky, kx, ic);
 * taps in the padding read zeros. groups must be 1. */
typedef struct sr_gemm_f32_im2col {
  const sr_conv_geom* g;
  const float* input;
} sr_gemm_f32_im2col;
void sr_gemm_f32_pack_a_im2col(const void* src, size_t i0, size_t mr, size_t k0, size_t kc, float* panel);

/* ---- running ---- */

typedef struct sr_gemm_f32_job {
  const sr_gemm_f32_arch* arch;
  size_t m, n, k;
  sr_gemm_f32_pack_a pack_a;
  const void* a;
  const float* b;    /* packed panels */
  const float* bias; /* round_up(n, nr) floats, or NULL for none */
  float* c;
  size_t ldc;
  float lo, hi;
  size_t tile_m, tile_n; /* set by sr_gemm_f32_plan */
} sr_gemm_f32_job;

/* Chooses the tiles for `threads` threads; returns the number of tiles. Tiles are not cut below what is worth
 * a thread (SR_PARALLEL_MIN_WORK), so a small GEMM stays one tile. */
size_t sr_gemm_f32_plan(sr_gemm_f32_job* job, int threads);
/* The sr_parallel_for grain for a planned job's tiles: tiles per range worth handing to a thread. */
size_t sr_gemm_f32_grain(const sr_gemm_f32_job* job);
/* Computes tiles [begin, end) (an sr_parallel_fn over a planned job). */
void sr_gemm_f32_tiles(void* job, size_t begin, size_t end);
/* Plans and runs the whole job, through the node's thread pool (node NULL: on the calling thread). */
void sr_gemm_f32_run(const sr_node* node, sr_gemm_f32_job* job);

/* ---- the ops on the GEMM (conv_fast_f32.c, matmul_fast_f32.c) ----
 * Each runs one node's product with the given kernels; node supplies the threads (NULL: the calling thread).
 * Weights are packed beforehand by the matching *_pack function into *_packed_floats(...) floats. */

/* CONV_2D with groups == 1; filter [out_c][kh][kw][in_c]. */
size_t sr_f32_conv2d_packed_floats(const sr_gemm_f32_arch* arch, const sr_conv_geom* g);
void sr_f32_conv2d_pack(const sr_gemm_f32_arch* arch, const sr_conv_geom* g, sr_f32_source filter,
                        sr_f32_source bias, float* dst);
void sr_f32_conv2d__gemm(const sr_node* node, const sr_gemm_f32_arch* arch, const sr_conv_geom* g,
                         const float* input, const float* packed, float* output);

/* FULLY_CONNECTED; weights [units][depth]. */
size_t sr_f32_fully_connected_packed_floats(const sr_gemm_f32_arch* arch, const sr_fc_geom* g);
void sr_f32_fully_connected_pack(const sr_node* node, const sr_gemm_f32_arch* arch, const sr_fc_geom* g,
                                 sr_f32_source weights, sr_f32_source bias, float* dst);
void sr_f32_fully_connected__gemm(const sr_node* node, const sr_gemm_f32_arch* arch, const sr_fc_geom* g,
                                  const float* input, const float* packed, float* output);

/* BATCH_MATMUL; depth and cols > 0. rhs holds rhs_count floats (every rhs matrix, batch dims included). */
size_t sr_f32_batch_matmul_packed_floats(const sr_gemm_f32_arch* arch, const sr_bmm_geom* g, size_t rhs_count);
void sr_f32_batch_matmul_pack(const sr_node* node, const sr_gemm_f32_arch* arch, const sr_bmm_geom* g,
                              const float* rhs, size_t rhs_count, float* dst);
void sr_f32_batch_matmul__gemm(const sr_node* node, const sr_gemm_f32_arch* arch, const sr_bmm_geom* g,
                               const float* lhs, const float* packed, float* output);

/* NR zeros: the bias of a GEMM without one. */
extern const float sr_gemm_f32_zeros[SR_GEMM_F32_MAX_NR];

#endif /* SR_OPS_GEMM_F32_H */
