/*
 * broadcast.h — NumPy-style broadcasting for any elementwise family: the output shape of two shapes, and a
 * plan that walks up to SR_BROADCAST_MAX_INPUTS inputs in output order. Shapes align at the right; a dim
 * broadcasts when it is 1 or missing. The plan drops output dims of size 1 and merges neighbouring dims
 * that every input walks the same way, so the innermost loop is as long as possible and its input strides
 * are always 0 (broadcast) or 1 (contiguous): same-shape inputs become one flat loop.
 * Header-only (static inline) so families can share it without a link dependency.
 */
#ifndef SR_BROADCAST_H
#define SR_BROADCAST_H

#include "../core/common.h"
#include "op.h"

#define SR_BROADCAST_MAX_INPUTS 4

/* Output shape of broadcasting (a, ra) against (b, rb) into out (room for SR_MAX_RANK dims). Returns 1 on
 * success; 0 when an aligned pair differs and neither is 1, with *bad_axis set to that output axis. */
static inline int sr_broadcast_shape(const int32_t* a, int ra, const int32_t* b, int rb, int32_t* out,
                                     int* out_rank, int* bad_axis) {
  int r = ra > rb ? ra : rb;
  for (int i = 0; i < r; i++) {
    int ia = i - (r - ra), ib = i - (r - rb);
    int32_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da == db || db == 1) {
      out[i] = da;
    } else if (da == 1) {
      out[i] = db;
    } else {
      *bad_axis = i;
      return 0;
    }
  }
  *out_rank = r;
  return 1;
}

/* The output shape of a two-input elementwise node (a against b), or the node's failure naming both shapes
 * and the axis where they clash. */
static inline sigrun_status sr_broadcast_output_shape(sr_node* node, const sr_tensor* a, const sr_tensor* b,
                                                      int32_t* dims, int* rank) {
  int bad = 0;
  if (sr_broadcast_shape(a->dims, a->rank, b->dims, b->rank, dims, rank, &bad)) return SIGRUN_STATUS_OK;
  char sa[128], sb[128];
  return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL,
                      "input shapes %s (tensor %d) and %s (tensor %d) do not broadcast: at output axis %d the dims "
                      "differ and neither is 1",
                      sr_shape_str(a->dims, a->rank, sa, sizeof sa), a->index,
                      sr_shape_str(b->dims, b->rank, sb, sizeof sb), b->index, bad);
}

/* How to walk the inputs. dims/strides are in elements; strides[k][axis] is 0 where input k broadcasts. */
typedef struct sr_broadcast_plan {
  int rank;        /* >= 1 */
  int n_inputs;
  size_t outer;    /* product of dims[0 .. rank-2]: the number of inner rows */
  size_t dims[SR_MAX_RANK];
  size_t strides[SR_BROADCAST_MAX_INPUTS][SR_MAX_RANK];
} sr_broadcast_plan;

/* Builds the plan for n inputs (shapes dims[k], ranks[k]) broadcast to (out, out_rank). The input shapes
 * must broadcast to out (checked by the caller with sr_broadcast_shape). Returns 0 if n is out of range. */
static inline int sr_broadcast_plan_init(sr_broadcast_plan* p, int n, const int32_t* const* dims,
                                         const int* ranks, const int32_t* out, int out_rank) {
  if (n < 1 || n > SR_BROADCAST_MAX_INPUTS || out_rank < 0 || out_rank > SR_MAX_RANK) return 0;
  memset(p, 0, sizeof *p);
  p->n_inputs = n;
  size_t full[SR_BROADCAST_MAX_INPUTS][SR_MAX_RANK]; /* per-output-axis strides before merging */
  for (int k = 0; k < n; k++) {
    size_t stride = 1;
    for (int i = out_rank - 1; i >= 0; i--) {
      int ik = i - (out_rank - ranks[k]);
      int32_t d = ik >= 0 ? dims[k][ik] : 1;
      full[k][i] = (d == out[i] && d != 1) ? stride : 0;
      stride *= (size_t)(d > 0 ? d : 1);
    }
  }
  int r = 0;
  for (int i = 0; i < out_rank; i++) {
    if (out[i] == 1) continue; /* contributes nothing to the walk */
    int merge = r > 0;
    for (int k = 0; k < n && merge; k++) merge = p->strides[k][r - 1] == full[k][i] * (size_t)out[i];
    if (merge) {
      p->dims[r - 1] *= (size_t)out[i];
      for (int k = 0; k < n; k++) p->strides[k][r - 1] = full[k][i];
    } else {
      p->dims[r] = (size_t)out[i];
      for (int k = 0; k < n; k++) p->strides[k][r] = full[k][i];
      r++;
    }
  }
  if (r == 0) { /* scalar output: one row of one element */
    p->dims[0] = 1;
    r = 1;
  }
  p->rank = r;
  p->outer = 1;
  for (int i = 0; i < r - 1; i++) p->outer *= p->dims[i];
  return 1;
}

/* Length of the inner row and input k's stride along it (0 or 1). */
static inline size_t sr_broadcast_inner(const sr_broadcast_plan* p) { return p->dims[p->rank - 1]; }
static inline size_t sr_broadcast_inner_stride(const sr_broadcast_plan* p, int k) {
  return p->strides[k][p->rank - 1];
}

/* Moves the outer counters idx[0 .. rank-2] (start zeroed) and the inputs' element offsets off[k] (start
 * 0) to the next inner row. */
static inline void sr_broadcast_next(const sr_broadcast_plan* p, size_t* idx, size_t* off) {
  for (int ax = p->rank - 2; ax >= 0; ax--) {
    for (int k = 0; k < p->n_inputs; k++) off[k] += p->strides[k][ax];
    if (++idx[ax] < p->dims[ax]) return;
    idx[ax] = 0;
    for (int k = 0; k < p->n_inputs; k++) off[k] -= p->strides[k][ax] * p->dims[ax];
  }
}

/* Evaluates Y[i] = F(A[i], B[i], CTX) over a two-input plan, with A, B, Y pointers to element types TA, TB,
 * TY (Y is written contiguously in output order). F is a function or function-like macro; CTX is passed
 * through (e.g. a pointer to the kernel's constants) and may be ignored. The
 * inner loop is specialised on the inputs' inner strides so same-shape and scalar operands run as flat
 * loops. A statement macro so that each family gets its element operation inlined. */
#define SR_BROADCAST_APPLY2(PLAN, TA, A, TB, B, TY, Y, F, CTX)                                \
  do {                                                                                  \
    const sr_broadcast_plan* p_ = (PLAN);                                               \
    const TA* a_ = (A);                                                                 \
    const TB* b_ = (B);                                                                 \
    TY* y_ = (Y);                                                                       \
    const size_t n_ = sr_broadcast_inner(p_);                                           \
    const size_t sa_ = sr_broadcast_inner_stride(p_, 0), sb_ = sr_broadcast_inner_stride(p_, 1); \
    size_t idx_[SR_MAX_RANK] = {0}, off_[SR_BROADCAST_MAX_INPUTS] = {0};                \
    for (size_t row_ = 0; row_ < p_->outer; row_++, y_ += n_) {                         \
      const TA* ra_ = a_ + off_[0];                                                     \
      const TB* rb_ = b_ + off_[1];                                                     \
      if (sa_ && sb_) {                                                                 \
        for (size_t i_ = 0; i_ < n_; i_++) y_[i_] = F(ra_[i_], rb_[i_], CTX);             \
      } else if (sa_) {                                                                 \
        const TB vb_ = rb_[0];                                                          \
        for (size_t i_ = 0; i_ < n_; i_++) y_[i_] = F(ra_[i_], vb_, CTX);                 \
      } else if (sb_) {                                                                 \
        const TA va_ = ra_[0];                                                          \
        for (size_t i_ = 0; i_ < n_; i_++) y_[i_] = F(va_, rb_[i_], CTX);                 \
      } else {                                                                          \
        const TY v_ = F(ra_[0], rb_[0], CTX);                                             \
        for (size_t i_ = 0; i_ < n_; i_++) y_[i_] = v_;                                 \
      }                                                                                 \
      sr_broadcast_next(p_, idx_, off_);                                                \
    }                                                                                   \
  } while (0)

/* Plans the broadcast of n input tensors' shapes (dims[k], ranks[k]) into out/out_rank. Returns 1 on
 * success; 0 when they do not broadcast, with *bad_input the first input that conflicts and *bad_axis the
 * output axis. */
static inline int sr_broadcast_shape_n(int n, const int32_t* const* dims, const int* ranks, int32_t* out,
                                       int* out_rank, int* bad_input, int* bad_axis) {
  int32_t acc[SR_MAX_RANK];
  int r = 0;
  for (int k = 0; k < n; k++) {
    int32_t next[SR_MAX_RANK];
    int nr = 0;
    if (!sr_broadcast_shape(acc, r, dims[k], ranks[k], next, &nr, bad_axis)) {
      *bad_input = k;
      return 0;
    }
    memcpy(acc, next, sizeof(int32_t) * (size_t)nr);
    r = nr;
  }
  memcpy(out, acc, sizeof(int32_t) * (size_t)r);
  *out_rank = r;
  return 1;
}

#endif /* SR_BROADCAST_H */
