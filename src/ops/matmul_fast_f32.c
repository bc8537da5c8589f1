/*
 * matmul_fast_f32.c — fast paths for float FULLY_CONNECTED and BATCH_MATMUL on the GEMM of gemm_f32.h.
 * Constant weights (FC weights with their bias, a constant BATCH_MATMUL rhs) are packed once per model; others
 * (attention's keys and values, weights computed in the graph) are packed into node scratch at every invoke,
 * in parallel over panels. BATCH_MATMUL splits its work over (batch, tile) items; broadcast batch dimensions
 * only change which lhs and packed rhs a batch reads.
 */
#include "fast.h"

#include <math.h>

#include "../core/packed.h"
#include "../core/parallel.h"
#include "../core/runner.h"
#include "gemm_f32.h"

/* B given as `mats` matrices of mat_elems values, each with element (kk, j) at w[j * w_col + kk * w_row]. */
typedef struct b_source {
  const sr_gemm_f32_arch* arch;
  size_t n, k;
  sr_f32_source w;
  size_t w_col, w_row, mat_elems, mats;
  sr_f32_source bias; /* FC: n values, or data NULL */
  int with_bias;      /* FC layout: a bias section in front of the panels */
} b_source;

static size_t panel_count(const b_source* s) { return (s->n + s->arch->nr - 1) / s->arch->nr; }

/* Floats of the packed form (0 on overflow). */
static size_t packed_floats(const b_source* s) {
  if (s->with_bias) return sr_gemm_f32_packed_floats(s->arch, s->n, s->k);
  const size_t np = panel_count(s) * s->arch->nr;
  if (s->k && np > SIZE_MAX / sizeof(float) / s->k) return 0;
  const size_t per = np * s->k;
  if (s->mats && per > SIZE_MAX / sizeof(float) / s->mats) return 0;
  return per * s->mats;
}

typedef struct pack_ctx {
  const b_source* s;
  float* panels; /* first panel of the first matrix */
} pack_ctx;

/* Items are (matrix, panel) pairs. */
static void pack_items(void* ctx, size_t begin, size_t end) {
  const pack_ctx* c = ctx;
  const b_source* s = c->s;
  const size_t panels = panel_count(s), panel_floats = s->k * s->arch->nr;
  if (!panel_floats) return; /* zero depth: nothing to copy, and the weights may have no memory */
  for (size_t t = begin; t < end; t++) {
    const size_t mat = t / panels, p = t % panels;
    const sr_f32_source w = {(const char*)s->w.data + mat * s->mat_elems * (s->w.f16 ? 2 : 4), s->w.f16};
    float* dst = c->panels + (mat * panels + p) * panel_floats;
    sr_gemm_f32_pack_panel(s->arch, s->n, s->k, w, s->w_col, s->w_row, p, dst);
  }
}

/* Packs into dst through the node's threads (node NULL: on the calling thread). */
static void pack_b(const sr_node* node, const b_source* s, float* dst) {
  const size_t np = panel_count(s) * s->arch->nr;
  if (s->with_bias) {
    sr_gemm_f32_pack(s->arch, s->n, 0, s->w, 0, 0, s->bias, dst); /* the bias section alone */
    dst += np;
  }
  pack_ctx c = {s, dst};
  const size_t items = s->mats * panel_count(s);
  if (node) sr_parallel_for(node, items, sr_parallel_grain(s->k * s->arch->nr), pack_items, &c);
  else pack_items(&c, 0, items);
}

static void pack_once(void* dst, size_t bytes, const void* arg) {
  (void)bytes;
  pack_b(NULL, arg, dst);
}

/* The packed B of a node: once per model when the weights are constant, else scratch filled at every invoke.
 * Sets fast->run to `run` unless it declines (sizes beyond the packed format). */
static sigrun_status setup_b(sr_node* node, const b_source* s, int constant, unsigned tag,
                             void (*run)(const sr_fast_path*, sr_node*), sr_fast_path* fast) {
  const size_t floats = packed_floats(s);
  const uint64_t format = sr_gemm_f32_pack_format(s->arch, tag, s->n, s->k);
  if (!floats || !format) return SIGRUN_STATUS_OK;
  if (constant) {
    fast->packed =
        sr_packed_get(node->runner->model, s->w.data, s->bias.data, format, floats * sizeof(float), pack_once, s);
    if (!fast->packed)
      return sr_node_fail(node, SIGRUN_STATUS_NO_MEMORY, "out of memory packing the weights (%zu bytes)",
                          floats * sizeof(float));
  } else {
    fast->packed = NULL;
    sr_node_request_scratch(node, floats * sizeof(float));
  }
  fast->variant = (intptr_t)(const void*)s->arch;
  fast->run = run;
  return SIGRUN_STATUS_OK;
}

/* ---- FULLY_CONNECTED ---- */

static b_source fc_source(const sr_gemm_f32_arch* arch, const sr_fc_geom* g, sr_f32_source weights,
                          sr_f32_source bias) {
  /* Weights [units][depth]: column j of B, depth kk at j * depth + kk. */
  const b_source s = {arch, (size_t)g->units, (size_t)g->depth, weights, (size_t)g->depth, 1, 0, 1, bias, 1};
  return s;
}

size_t sr_f32_fully_connected_packed_floats(const sr_gemm_f32_arch* arch, const sr_fc_geom* g) {
  const sr_f32_source none = {NULL, 0};
  const b_source s = fc_source(arch, g, none, none);
  return packed_floats(&s);
}

void sr_f32_fully_connected_pack(const sr_node* node, const sr_gemm_f32_arch* arch, const sr_fc_geom* g,
                                 sr_f32_source weights, sr_f32_source bias, float* dst) {
  const b_source s = fc_source(arch, g, weights, bias);
  pack_b(node, &s, dst);
}

void sr_f32_fully_connected__gemm(const sr_node* node, const sr_gemm_f32_arch* arch, const sr_fc_geom* g,
                                  const float* input, const float* packed, float* output) {
  const size_t n = (size_t)g->units, k = (size_t)g->depth;
  const size_t np = sr_gemm_f32_packed_floats(arch, n, k) / (k + 1);
  const sr_gemm_f32_matrix a = {input, k, 1};
  sr_gemm_f32_job job = {arch, (size_t)g->batches, n, k, sr_gemm_f32_pack_a_matrix, &a, packed + np, packed, output,
                         n, g->act_min, g->act_max, 0, 0};
  sr_gemm_f32_run(node, &job);
}

static const float* input_data(const sr_node* node, int i) {
  return node->n_inputs > i && node->inputs[i] ? node->inputs[i]->data : NULL;
}

static void fc_run(const sr_fast_path* fast, sr_node* node) {
  const sr_gemm_f32_arch* arch = (const sr_gemm_f32_arch*)fast->variant;
  const float* packed = fast->packed;
  if (!packed) {
    sr_f32_fully_connected_pack(node, arch, fast->geom, sr_f32_source_of(input_data(node, 1)),
                                sr_f32_source_of(input_data(node, 2)), node->scratch);
    packed = node->scratch;
  }
  sr_f32_fully_connected__gemm(node, arch, fast->geom, node->inputs[0]->data, packed, node->outputs[0]->data);
}

sigrun_status sr_fc_fast_select_f32(sr_node* node, const sr_fc_geom* g, sr_fast_path* fast) {
  fast->run = NULL;
  const sr_gemm_f32_arch* arch = sr_gemm_f32_select(node);
  if (!arch || g->units == 0) return SIGRUN_STATUS_OK;
  const sr_tensor* bias = node->n_inputs == 3 ? node->inputs[2] : NULL;
  const sr_f32_source w = sr_f32_fixed_values(node, node->inputs[1]), b = sr_f32_fixed_values(node, bias);
  const int fixed = w.data && (!bias || b.data);
  const b_source s = fc_source(arch, g, w, b);
  const unsigned tag = SR_GEMM_F32_PACK_WEIGHTS | (w.f16 ? SR_GEMM_F32_PACK_FROM_F16 : 0);
  return setup_b(node, &s, fixed, tag, fc_run, fast);
}

/* ---- BATCH_MATMUL ---- */

static b_source bmm_source(const sr_gemm_f32_arch* arch, const sr_bmm_geom* g, const float* rhs, size_t rhs_count) {
  const size_t k = (size_t)g->depth, n = (size_t)g->cols;
  /* rhs [..., depth, cols], or [..., cols, depth] with adj_y. */
  const b_source s = {arch, n, k, sr_f32_source_of(rhs), g->adj_y ? k : 1, g->adj_y ? 1 : n, k * n,
                      k && n ? rhs_count / (k * n) : 0, sr_f32_source_of(NULL), 0};
  return s;
}

size_t sr_f32_batch_matmul_packed_floats(const sr_gemm_f32_arch* arch, const sr_bmm_geom* g, size_t rhs_count) {
  const b_source s = bmm_source(arch, g, NULL, rhs_count);
  return packed_floats(&s);
}

void sr_f32_batch_matmul_pack(const sr_node* node, const sr_gemm_f32_arch* arch, const sr_bmm_geom* g,
                              const float* rhs, size_t rhs_count, float* dst) {
  const b_source s = bmm_source(arch, g, rhs, rhs_count);
  pack_b(node, &s, dst);
}

typedef struct bmm_ctx {
  const sr_bmm_geom* g;
  const float* lhs;
  const float* packed; /* panels of every rhs matrix */
  size_t packed_per_matrix;
  size_t tiles_per_batch;
  sr_gemm_f32_job job; /* planned; a, b and c are set per batch */
} bmm_ctx;

static void bmm_items(void* ctx, size_t begin, size_t end) {
  const bmm_ctx* x = ctx;
  const sr_bmm_geom* g = x->g;
  const size_t rows = (size_t)g->rows, depth = (size_t)g->depth, cols = (size_t)g->cols;
  for (size_t t = begin; t < end; t++) {
    size_t batch = t / x->tiles_per_batch, rest = batch, lo = 0, ro = 0;
    for (int d = g->batch_rank - 1; d >= 0; d--) {
      const size_t i = rest % (size_t)g->batch_dims[d];
      rest /= (size_t)g->batch_dims[d];
      lo += i * g->lhs_stride[d];
      ro += i * g->rhs_stride[d];
    }
    const sr_gemm_f32_matrix a = {x->lhs + lo, g->adj_x ? 1 : depth, g->adj_x ? rows : 1};
    sr_gemm_f32_job job = x->job;
    job.a = &a;
    job.b = x->packed + ro / (depth * cols) * x->packed_per_matrix;
    job.c += batch * rows * cols;
    const size_t tile = t % x->tiles_per_batch;
    sr_gemm_f32_tiles(&job, tile, tile + 1);
  }
}

void sr_f32_batch_matmul__gemm(const sr_node* node, const sr_gemm_f32_arch* arch, const sr_bmm_geom* g,
                               const float* lhs, const float* packed, float* output) {
  const size_t n = (size_t)g->cols, k = (size_t)g->depth, nr = arch->nr;
  size_t batches = 1;
  for (int d = 0; d < g->batch_rank; d++) batches *= (size_t)g->batch_dims[d];
  bmm_ctx x = {g, lhs, packed, (n + nr - 1) / nr * nr * k, 0,
               {arch, (size_t)g->rows, n, k, sr_gemm_f32_pack_a_matrix, NULL, NULL, NULL, output, n, -INFINITY,
                INFINITY, 0, 0}};
  /* Batches already give the threads work: split each one further only when they are few. */
  const int threads = node ? sr_node_threads(node) : 1;
  x.tiles_per_batch = sr_gemm_f32_plan(&x.job, batches >= 4 * (size_t)threads ? 1 : threads);
  const size_t items = batches * x.tiles_per_batch;
  if (node) sr_parallel_for(node, items, sr_gemm_f32_grain(&x.job), bmm_items, &x);
  else bmm_items(&x, 0, items);
}

static void bmm_run(const sr_fast_path* fast, sr_node* node) {
  const sr_gemm_f32_arch* arch = (const sr_gemm_f32_arch*)fast->variant;
  const float* packed = fast->packed;
  if (!packed) {
    const sr_tensor* rhs = node->inputs[1];
    const sr_bmm_geom* g = fast->geom;
    /* [k][n] matrices exactly one panel wide (attention's values with a head size of NR) are their own packed
     * form: read them in place (the kernels load B unaligned). */
    if (!g->adj_y && (size_t)g->cols == arch->nr) {
      packed = rhs->data;
    } else {
      sr_f32_batch_matmul_pack(node, arch, g, rhs->data, sr_tensor_count(rhs), node->scratch);
      packed = node->scratch;
    }
  }
  sr_f32_batch_matmul__gemm(node, arch, fast->geom, node->inputs[0]->data, packed, node->outputs[0]->data);
}

sigrun_status sr_bmm_fast_select_f32(sr_node* node, const sr_bmm_geom* g, sr_fast_path* fast) {
  fast->run = NULL;
  const sr_gemm_f32_arch* arch = sr_gemm_f32_select(node);
  /* A zero depth never reaches the kernel (the op writes zeros); nothing to do without rows or columns. */
  if (!arch || g->rows == 0 || g->cols == 0 || g->depth == 0) return SIGRUN_STATUS_OK;
  const sr_tensor* rhs = node->inputs[1];
  b_source s = bmm_source(arch, g, NULL, sr_tensor_count(rhs));
  s.w = sr_f32_fixed_values(node, rhs);
  const unsigned tag = (g->adj_y ? SR_GEMM_F32_PACK_RHS_ADJ : SR_GEMM_F32_PACK_RHS) |
                       (s.w.f16 ? SR_GEMM_F32_PACK_FROM_F16 : 0);
  return setup_b(node, &s, s.w.data != NULL, tag, bmm_run, fast);
}
