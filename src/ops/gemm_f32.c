/*
 * gemm_f32.c — the ISA-independent half of the float GEMM (gemm_f32.h): packing B into NR-wide panels, copying
 * A panels (strided matrices, im2col of a convolution), the tiling over (row block, column block) tiles with
 * K blocks inside a tile, and the portable micro-kernel. Invariant: for one ISA an output element is bias plus
 * its products accumulated in increasing k by the same operations whatever the tile, the thread, the K blocks
 * (a float accumulator stored between blocks is the same float), whether A was read in place or copied, and
 * the micro-kernel (main or small) that computed it, so every tiling gives bit-identical results. (Products with
 * one row use the `row` kernel's partial sums instead; that depends on the shape only.)
 */
#include "gemm_f32.h"

#include <math.h>
#include <string.h>

#include "../core/cpu.h"
#include "../core/parallel.h"
#include "../core/runner.h"
#include "../format/schema_enums.h"
#include "cast.h"

const float sr_gemm_f32_zeros[SR_GEMM_F32_MAX_NR] = {0};

/* ---- portable micro-kernel: 4 x 8 ----
 * With GCC or Clang the columns are two 4-float vectors (their generic vector extension, SSE2 on baseline x86-64,
 * NEON on Arm); plain loops otherwise. Left to themselves, compilers vectorize this loop nest along k (a
 * reduction) and shuffle on every step. */

#define P_MR 4
#define P_NR 8

#if defined(__GNUC__) || defined(__clang__)
typedef float sr_v4 __attribute__((vector_size(16)));

static inline sr_v4 v4_load(const float* p) {
  sr_v4 v;
  memcpy(&v, p, sizeof v);
  return v;
}

static void sr_f32_gemm_4x8__c(size_t kc, size_t nseg, size_t seg_step, const float* a, size_t a_stride,
                               const float* b, float* c, size_t ldc, size_t mr, size_t nr, const float* bias, float lo,
                               float hi) {
  sr_v4 acc[P_MR][2];
  const float* rows[P_MR];
  float tmp[P_NR];
  for (size_t r = 0; r < P_MR; r++) {
    rows[r] = a + (r < mr ? r : 0) * a_stride;
    for (size_t j = 0; j < P_NR; j++) tmp[j] = bias ? bias[j] : r < mr && j < nr ? c[r * ldc + j] : 0.0f;
    acc[r][0] = v4_load(tmp), acc[r][1] = v4_load(tmp + 4);
  }
  for (size_t s = 0, off = 0; s < nseg; s++, off += seg_step)
    for (size_t k = off; k < off + kc; k++, b += P_NR) {
      const sr_v4 b0 = v4_load(b), b1 = v4_load(b + 4);
      for (size_t r = 0; r < P_MR; r++) {
        const float x = rows[r][k];
        acc[r][0] += x * b0;
        acc[r][1] += x * b1;
      }
    }
  for (size_t r = 0; r < mr; r++) {
    memcpy(tmp, &acc[r][0], sizeof acc[r][0]);
    memcpy(tmp + 4, &acc[r][1], sizeof acc[r][1]);
    for (size_t j = 0; j < nr; j++) c[r * ldc + j] = sr_conv_clamp_f32(tmp[j], lo, hi);
  }
}
#else
static void sr_f32_gemm_4x8__c(size_t kc, size_t nseg, size_t seg_step, const float* a, size_t a_stride,
                               const float* b, float* c, size_t ldc, size_t mr, size_t nr, const float* bias, float lo,
                               float hi) {
  float acc[P_MR][P_NR];
  const float* rows[P_MR];
  for (size_t r = 0; r < P_MR; r++) {
    rows[r] = a + (r < mr ? r : 0) * a_stride;
    for (size_t j = 0; j < P_NR; j++) acc[r][j] = bias ? bias[j] : r < mr && j < nr ? c[r * ldc + j] : 0.0f;
  }
  for (size_t s = 0, off = 0; s < nseg; s++, off += seg_step)
    for (size_t k = off; k < off + kc; k++, b += P_NR)
      for (size_t r = 0; r < P_MR; r++)
        for (size_t j = 0; j < P_NR; j++) acc[r][j] += rows[r][k] * b[j];
  for (size_t r = 0; r < mr; r++)
    for (size_t j = 0; j < nr; j++) c[r * ldc + j] = sr_conv_clamp_f32(acc[r][j], lo, hi);
}
#endif

const sr_gemm_f32_arch sr_gemm_f32_portable = {"c",
                                               P_MR,
                                               P_MR,
                                               P_NR,
                                               {sr_f32_gemm_4x8__c, sr_f32_gemm_4x8__c},
                                               {sr_f32_gemm_4x8__c, sr_f32_gemm_4x8__c},
                                               NULL};

const sr_gemm_f32_arch* sr_gemm_f32_select(const sr_node* node) {
  /* Packed weights live in the model's cache: a node outside a runner (a unit test's) has none. */
  if (node->reference_only || !node->runner) return NULL;
  const sr_gemm_f32_arch* arch = NULL;
  if (node->isa & SR_ISA_AVX512) arch = sr_gemm_f32_avx512();
  if (!arch && (node->isa & SR_ISA_AVX2_FMA)) arch = sr_gemm_f32_avx2();
  return arch ? arch : &sr_gemm_f32_portable;
}

/* ---- packed B ---- */

static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

size_t sr_gemm_f32_packed_floats(const sr_gemm_f32_arch* arch, size_t n, size_t k) {
  const size_t np = round_up(n, arch->nr);
  if (np < n || k == SIZE_MAX || np > SIZE_MAX / sizeof(float) / (k + 1)) return 0;
  return np * (k + 1);
}

static inline float value_at(sr_f32_source s, size_t i) {
  return s.f16 ? sr_cast_f16_to_f32(((const uint16_t*)s.data)[i]) : ((const float*)s.data)[i];
}

void sr_gemm_f32_pack_panel(const sr_gemm_f32_arch* arch, size_t n, size_t k, sr_f32_source w, size_t w_col,
                            size_t w_row, size_t panel, float* dst) {
  const size_t nr = arch->nr, j0 = panel * nr, cols = n - j0 < nr ? n - j0 : nr;
  const float* wf = w.data;
#if SR_HAVE_X86_KERNELS
  if (!w.f16 && w_row == 1 && arch != &sr_gemm_f32_portable) { /* AVX2 kernels: the CPU has AVX2 */
    sr_gemm_f32_pack_panel_k1__avx2(nr, cols, k, wf + j0 * w_col, w_col, dst);
    return;
  }
#endif
  if (!w.f16 && w_col == 1) { /* a [k][n] matrix (BATCH_MATMUL's rhs): each panel row is a run of columns */
    if (cols == nr && nr == SR_GEMM_F32_MAX_NR) { /* the usual case, as a fixed-size copy the compiler inlines */
      for (size_t kk = 0; kk < k; kk++, dst += nr)
        memcpy(dst, wf + j0 + kk * w_row, SR_GEMM_F32_MAX_NR * sizeof(float));
      return;
    }
    for (size_t kk = 0; kk < k; kk++, dst += nr) {
      memcpy(dst, wf + j0 + kk * w_row, cols * sizeof(float));
      memset(dst + cols, 0, (nr - cols) * sizeof(float));
    }
    return;
  }
  for (size_t kk = 0; kk < k; kk++, dst += nr) {
    size_t jj = 0;
    if (w.f16)
      for (; jj < cols; jj++) dst[jj] = value_at(w, (j0 + jj) * w_col + kk * w_row);
    else
      for (; jj < cols; jj++) dst[jj] = wf[(j0 + jj) * w_col + kk * w_row];
    for (; jj < nr; jj++) dst[jj] = 0.0f;
  }
}

void sr_gemm_f32_pack(const sr_gemm_f32_arch* arch, size_t n, size_t k, sr_f32_source w, size_t w_col, size_t w_row,
                      sr_f32_source bias, float* dst) {
  const size_t np = round_up(n, arch->nr);
  for (size_t j = 0; j < np; j++) dst[j] = bias.data && j < n ? value_at(bias, j) : 0.0f;
  dst += np;
  for (size_t p = 0; p < np / arch->nr; p++, dst += k * arch->nr)
    sr_gemm_f32_pack_panel(arch, n, k, w, w_col, w_row, p, dst);
}

sr_f32_source sr_f32_fixed_values(const sr_node* node, const sr_tensor* t) {
  sr_f32_source s = {NULL, 0};
  if (!t || t->type != SIGRUN_TYPE_FLOAT32) return s;
  if (sr_tensor_is_const(t)) {
    s.data = t->data;
    return s;
  }
  const sr_runner* r = node->runner;
  for (int i = 0; r && i < r->n_nodes; i++) {
    const sr_node* p = &r->nodes[i];
    if (p->n_outputs != 1 || p->outputs[0] != t) continue;
    /* The one producer (checked at load). */
    const sr_tensor* x = p->n_inputs == 1 ? p->inputs[0] : NULL;
    if (p->op->builtin_code == SR_BUILTIN_DEQUANTIZE && x && x->type == SIGRUN_TYPE_FLOAT16 &&
        sr_tensor_is_const(x) && sr_tensor_count(x) == sr_tensor_count(t)) {
      s.data = x->data;
      s.f16 = 1;
    }
    break;
  }
  return s;
}

uint64_t sr_gemm_f32_pack_format(const sr_gemm_f32_arch* arch, unsigned tag, size_t n, size_t k) {
  /* tag (8 bits) | nr (8) | n (24) | k (24): with `bytes` in the cache key, every parameter of the layout. */
  if (n >= (1u << 24) || k >= (1u << 24)) return 0;
  return (uint64_t)(tag & 0xff) << 56 | (uint64_t)arch->nr << 48 | (uint64_t)n << 24 | (uint64_t)k;
}

/* ---- A panels ---- */

void sr_gemm_f32_pack_a_matrix(const void* src, size_t i0, size_t mr, size_t k0, size_t kc, float* panel) {
  const sr_gemm_f32_matrix* a = src;
  if (a->col == 1) {
    for (size_t r = 0; r < mr; r++)
      memcpy(panel + r * SR_GEMM_F32_KC, a->data + (i0 + r) * a->row + k0, kc * sizeof(float));
    return;
  }
  /* Column-major (a transposed operand): rows are contiguous, so walk them innermost. */
  for (size_t kk = 0; kk < kc; kk++) {
    const float* col = a->data + (k0 + kk) * a->col + i0 * a->row;
    for (size_t r = 0; r < mr; r++) panel[r * SR_GEMM_F32_KC + kk] = col[r * a->row];
  }
}

/* Short runs (a first layer's 3 channels x 3 taps) are cheaper as a plain loop than as a call. */
static inline void copy_floats(float* dst, const float* src, size_t n) {
  if (n >= 32) {
    memcpy(dst, src, n * sizeof(float));
    return;
  }
  for (size_t i = 0; i < n; i++) dst[i] = src[i];
}

/* Offsets [lo, hi) of one filter row (kw taps x ci channels) of one output pixel, whose first tap reads input
 * column ix0 of the input row `row` (NULL: the filter row lies in the padding). */
static void im2col_filter_row(const sr_conv_geom* g, const float* row, int64_t ix0, size_t lo, size_t hi, float* dst) {
  const size_t ci = (size_t)g->in_c, kw = (size_t)g->filter_w;
  if (!row) {
    memset(dst, 0, (hi - lo) * sizeof(float));
    return;
  }
  if (g->dilation_w == 1 && ix0 >= 0 && ix0 + (int64_t)kw <= g->in_w) {
    /* The whole window row is inside the input, taps side by side in memory: one copy. */
    copy_floats(dst, row + (size_t)ix0 * ci + lo, hi - lo);
    return;
  }
  for (size_t kx = lo / ci; kx < kw && kx * ci < hi; kx++) {
    const size_t a = kx * ci > lo ? kx * ci : lo, b = (kx + 1) * ci < hi ? (kx + 1) * ci : hi;
    const int64_t ix = ix0 + (int64_t)kx * g->dilation_w;
    if (ix >= 0 && ix < g->in_w) copy_floats(dst, row + (size_t)ix * ci + (a - kx * ci), b - a);
    else memset(dst, 0, (b - a) * sizeof(float));
    dst += b - a;
  }
}

void sr_gemm_f32_pack_a_im2col(const void* src, size_t i0, size_t mr, size_t k0, size_t kc, float* panel) {
  const sr_gemm_f32_im2col* a = src;
  const sr_conv_geom* g = a->g;
  const size_t ci = (size_t)g->in_c, kh = (size_t)g->filter_h, row_len = (size_t)g->filter_w * ci, k1 = k0 + kc;
  const size_t ow = (size_t)g->out_w, oh = (size_t)g->out_h, in_w = (size_t)g->in_w;
  const size_t image = (size_t)g->in_h * in_w * ci, row_step = (size_t)g->dilation_h * in_w * ci;
  const size_t ky0 = k0 / row_len, ky1 = (k1 + row_len - 1) / row_len;
  /* Window extent beyond its first tap. */
  const int64_t span_y = ((int64_t)kh - 1) * g->dilation_h, span_x = ((int64_t)g->filter_w - 1) * g->dilation_w;
  const int whole_rows = g->dilation_w == 1 && k0 == 0 && k1 == kh * row_len;
  /* Output pixel of row i0; the following rows step through x, then y, then the batch. */
  size_t b = i0 / (oh * ow), oy = i0 % (oh * ow) / ow, ox = i0 % ow;
  for (size_t r = 0; r < mr; r++) {
    float* dst = panel + r * SR_GEMM_F32_KC;
    const float* img = a->input + b * image;
    const int64_t iy0 = (int64_t)oy * g->stride_h - g->pad_top, ix0 = (int64_t)ox * g->stride_w - g->pad_left;
    if (whole_rows && iy0 >= 0 && iy0 + span_y < g->in_h && ix0 >= 0 && ix0 + span_x < g->in_w) {
      /* Inside the input (most pixels): kh copies of a window row each. */
      const float* p = img + ((size_t)iy0 * in_w + (size_t)ix0) * ci;
      for (size_t ky = 0; ky < kh; ky++, p += row_step, dst += row_len) copy_floats(dst, p, row_len);
    } else {
      for (size_t ky = ky0; ky < ky1; ky++) {
        const size_t lo = ky * row_len > k0 ? 0 : k0 - ky * row_len;
        const size_t hi = (ky + 1) * row_len < k1 ? row_len : k1 - ky * row_len;
        const int64_t iy = iy0 + (int64_t)ky * g->dilation_h;
        const float* row = iy >= 0 && iy < g->in_h ? img + (size_t)iy * in_w * ci : NULL;
        im2col_filter_row(g, row, ix0, lo, hi, dst);
        dst += hi - lo;
      }
    }
    if (++ox == ow) {
      ox = 0;
      if (++oy == oh) oy = 0, b++;
    }
  }
}

/* ---- tiles ---- */

size_t sr_gemm_f32_plan(sr_gemm_f32_job* job, int threads) {
  const size_t mr = job->arch->mr, nr = job->arch->nr;
  if (job->m == 0 || job->n == 0) return 0;
  /* Tiles run column block by column block, so the B block of a tile (k x tile_n, at most ~2 MiB: half the
   * L2 of recent x86 cores, measured best for 1024^3) is mostly still in L2 for the next tile down; inside a
   * tile, an A panel stays in L1 while the tile's column panels pass (up to 16 of them). */
  const size_t b_budget = (size_t)2 << 20;
  size_t tile_n = b_budget / (sizeof(float) * nr * (job->k ? job->k : 1)) * nr;
  if (tile_n < nr) tile_n = nr;
  if (tile_n > 16 * nr) tile_n = 16 * nr;
  if (tile_n > round_up(job->n, nr)) tile_n = round_up(job->n, nr);
  size_t tile_m = 8 * mr;
  if (tile_m > round_up(job->m, mr)) tile_m = round_up(job->m, mr);
  /* Enough tiles for dynamic load balance (4 per thread), but none smaller than a range worth a thread. */
  const size_t work = job->m * job->n * (job->k ? job->k : 1);
  size_t target = threads > 1 ? 4 * (size_t)threads : 1;
  if (target > work / SR_PARALLEL_MIN_WORK) target = work / SR_PARALLEL_MIN_WORK;
  for (;;) {
    const size_t tiles = ((job->m + tile_m - 1) / tile_m) * ((job->n + tile_n - 1) / tile_n);
    if (tiles >= target) break;
    if (tile_m > mr) tile_m = round_up(tile_m / 2, mr);
    else if (tile_n > nr) tile_n = round_up(tile_n / 2, nr);
    else break;
  }
  job->tile_m = tile_m;
  job->tile_n = tile_n;
  return ((job->m + tile_m - 1) / tile_m) * ((job->n + tile_n - 1) / tile_n);
}

/* Where a piece of K of one row panel is read: row r, segment s at a + r * a_stride + s * seg_step. */
typedef struct sr_gemm_f32_piece {
  const float* a;
  size_t a_stride, kc, nseg, seg_step;
} sr_gemm_f32_piece;

/* Rows of one panel: the main kernel, or the small one over groups of mr_small rows when that does less
 * wasted work on a short tail; the half-width forms when the panel's valid columns fit in half of it. */
static void panel_rows(const sr_gemm_f32_arch* arch, const sr_gemm_f32_piece* p, const float* b, float* c,
                       size_t ldc, size_t rows, size_t cols, const float* init, float lo, float hi, int single) {
  const int half = cols <= (size_t)arch->nr / 2;
  if (single) {
    arch->row(p->kc, p->nseg, p->seg_step, p->a, p->a_stride, b, c, ldc, rows, cols, init, lo, hi);
    return;
  }
  if (rows == arch->mr || rows > 3 * (size_t)arch->mr_small) {
    arch->main[half](p->kc, p->nseg, p->seg_step, p->a, p->a_stride, b, c, ldc, rows, cols, init, lo, hi);
    return;
  }
  for (size_t r = 0; r < rows; r += arch->mr_small) {
    const size_t n = rows - r < arch->mr_small ? rows - r : arch->mr_small;
    arch->small[half](p->kc, p->nseg, p->seg_step, p->a + r * p->a_stride, p->a_stride, b, c + r * ldc, ldc, n, cols,
                      init, lo, hi);
  }
}

/* A row-major A the kernels can read in place, or NULL when panels must be copied. Rows 4 KiB apart (or a
 * multiple) would all fall into one L1 set, so those are copied too (a single row has no such problem). */
static const sr_gemm_f32_matrix* in_place(const sr_gemm_f32_job* job) {
  const sr_gemm_f32_matrix* a = job->a;
  if (job->pack_a != sr_gemm_f32_pack_a_matrix || a->col != 1) return NULL;
  return job->m > 1 && a->row * sizeof(float) % 4096 == 0 ? NULL : a;
}

/* Depths [k0, k0 + nseg * kc) of rows [i, i + rows) times columns [j0, j1): the first piece of K starts from
 * the bias, later ones from C; only the last one clamps. */
static void columns(const sr_gemm_f32_job* job, const sr_gemm_f32_piece* p, size_t i, size_t rows, size_t k0,
                    int first, int last, size_t j0, size_t j1) {
  const sr_gemm_f32_arch* arch = job->arch;
  const size_t nr = arch->nr;
  const float lo = last ? job->lo : -INFINITY, hi = last ? job->hi : INFINITY;
  const int single = job->m == 1 && arch->row; /* the shape, not the tile, picks the one-row kernel */
  for (size_t j = j0; j < j1; j += nr) {
    const size_t cols = j1 - j < nr ? j1 - j : nr;
    const float* b = job->b + (j / nr) * job->k * nr + k0 * nr;
    const float* init = !first ? NULL : job->bias ? job->bias + j : sr_gemm_f32_zeros;
    panel_rows(arch, p, b, job->c + i * job->ldc + j, job->ldc, rows, cols, init, lo, hi, single);
  }
}

/* K split into `blocks` nearly equal blocks of at most SR_GEMM_F32_KC (one block when k is 0). */
static size_t block_depth(size_t k, size_t* blocks) {
  *blocks = k > SR_GEMM_F32_KC ? (k + SR_GEMM_F32_KC - 1) / SR_GEMM_F32_KC : 1;
  return (k + *blocks - 1) / *blocks;
}

/* A matrix tile: K blocks outermost, so a block of B stays in L2 while the tile's row panels pass. */
static void matrix_tile(const sr_gemm_f32_job* job, size_t i0, size_t i1, size_t j0, size_t j1, float* panel) {
  const size_t mr = job->arch->mr, k = job->k;
  const sr_gemm_f32_matrix* direct = in_place(job);
  /* One row panel read in place needs no K blocks: it reads each B panel front to back once. */
  size_t blocks = 1;
  const size_t kc_each = direct && job->m <= mr ? k : block_depth(k, &blocks);
  for (size_t kb = 0; kb < blocks; kb++) {
    const size_t k0 = kb * kc_each, kc = k - k0 < kc_each ? k - k0 : kc_each;
    for (size_t i = i0; i < i1; i += mr) {
      const size_t rows = i1 - i < mr ? i1 - i : mr;
      /* With k == 0 nothing is read, and A may have no memory. */
      sr_gemm_f32_piece p = {panel, SR_GEMM_F32_KC, kc, 1, 0};
      if (kc && direct) p.a = direct->data + i * direct->row + k0, p.a_stride = direct->row;
      else if (kc) job->pack_a(job->a, i, rows, k0, kc, panel);
      columns(job, &p, i, rows, k0, kb == 0, kb + 1 == blocks, j0, j1);
    }
  }
}

/* Where a convolution panel can be read in place: its pixels lie in one output row, every window inside the
 * input, window rows contiguous (dilation_w 1). Then filter row ky of every pixel is kw * in_c consecutive
 * floats, and pixels are stride_w * in_c floats apart. Returns the first pixel's window, or NULL. */
static const float* conv_in_place(const sr_gemm_f32_im2col* a, size_t i, size_t rows) {
  const sr_conv_geom* g = a->g;
  const size_t ow = (size_t)g->out_w, plane = (size_t)g->out_h * ow, ox = i % ow;
  if (g->dilation_w != 1 || ox + rows > ow) return NULL;
  const int64_t iy = (int64_t)(i % plane / ow) * g->stride_h - g->pad_top;
  const int64_t ix = (int64_t)ox * g->stride_w - g->pad_left;
  const int64_t ix_end = ix + (int64_t)(rows - 1) * g->stride_w + g->filter_w;
  if (iy < 0 || iy + (int64_t)(g->filter_h - 1) * g->dilation_h >= g->in_h || ix < 0 || ix_end > g->in_w)
    return NULL;
  return a->input + ((i / plane * (size_t)g->in_h + (size_t)iy) * (size_t)g->in_w + (size_t)ix) * (size_t)g->in_c;
}

/* A convolution tile, panel by panel: inside the input, read in place, every filter row in one kernel call (or,
 * when a filter row is longer than a K block, one piece per block of it); at the borders, im2col panels. */
static void conv_tile(const sr_gemm_f32_job* job, size_t i0, size_t i1, size_t j0, size_t j1, float* panel) {
  const sr_gemm_f32_im2col* src = job->a;
  const sr_conv_geom* g = src->g;
  const size_t mr = job->arch->mr, k = job->k, ci = (size_t)g->in_c, kh = (size_t)g->filter_h;
  const size_t seg = (size_t)g->filter_w * ci, row_step = (size_t)g->dilation_h * (size_t)g->in_w * ci;
  const size_t pixel_step = (size_t)g->stride_w * ci;
  size_t blocks, pieces;
  const size_t kc_each = block_depth(k, &blocks), piece = block_depth(seg, &pieces);
  for (size_t i = i0; i < i1; i += mr) {
    const size_t rows = i1 - i < mr ? i1 - i : mr;
    const float* base = conv_in_place(src, i, rows);
    if (base && pieces == 1) {
      const sr_gemm_f32_piece p = {base, pixel_step, seg, kh, row_step};
      columns(job, &p, i, rows, 0, 1, 1, j0, j1);
    } else if (base) {
      for (size_t ky = 0; ky < kh; ky++)
        for (size_t q = 0; q < pieces; q++) {
          const size_t off = q * piece;
          const sr_gemm_f32_piece p = {base + ky * row_step + off, pixel_step, seg - off < piece ? seg - off : piece,
                                       1, 0};
          columns(job, &p, i, rows, ky * seg + off, ky == 0 && q == 0, ky + 1 == kh && q + 1 == pieces, j0, j1);
        }
    } else {
      for (size_t kb = 0; kb < blocks; kb++) {
        const size_t k0 = kb * kc_each, kc = k - k0 < kc_each ? k - k0 : kc_each;
        sr_gemm_f32_pack_a_im2col(src, i, rows, k0, kc, panel);
        const sr_gemm_f32_piece p = {panel, SR_GEMM_F32_KC, kc, 1, 0};
        columns(job, &p, i, rows, k0, kb == 0, kb + 1 == blocks, j0, j1);
      }
    }
  }
}

size_t sr_gemm_f32_grain(const sr_gemm_f32_job* job) {
  return sr_parallel_grain(job->tile_m * job->tile_n * (job->k ? job->k : 1));
}

void sr_gemm_f32_tiles(void* ctx, size_t begin, size_t end) {
  const sr_gemm_f32_job* job = ctx;
  const size_t tiles_m = (job->m + job->tile_m - 1) / job->tile_m;
  _Alignas(64) float panel[SR_GEMM_F32_MAX_MR * SR_GEMM_F32_KC];
  for (size_t t = begin; t < end; t++) {
    const size_t i0 = t % tiles_m * job->tile_m, j0 = t / tiles_m * job->tile_n;
    const size_t i1 = job->m - i0 < job->tile_m ? job->m : i0 + job->tile_m;
    const size_t j1 = job->n - j0 < job->tile_n ? job->n : j0 + job->tile_n;
    if (job->pack_a == sr_gemm_f32_pack_a_im2col) conv_tile(job, i0, i1, j0, j1, panel);
    else matrix_tile(job, i0, i1, j0, j1, panel);
  }
}

void sr_gemm_f32_run(const sr_node* node, sr_gemm_f32_job* job) {
  const size_t tiles = sr_gemm_f32_plan(job, node ? sr_node_threads(node) : 1);
  if (!tiles) return;
  if (node) sr_parallel_for(node, tiles, sr_gemm_f32_grain(job), sr_gemm_f32_tiles, job);
  else sr_gemm_f32_tiles(job, 0, tiles);
}
