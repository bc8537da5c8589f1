/*
 * test_fast_layout.c — TRANSPOSE of 4-byte elements on the AVX2 blocked copy (layout_fast.c) against the
 * reference strided copy, node by node at every ISA level of this CPU: random ranks 1..6 and permutations,
 * sizes below, at and above the 8 x 8 block (odd ones included), dims of 1 that vanish or merge, zero-sized
 * dims, and the shapes of a transformer's attention heads. Bit-exact (int32 and float32 data, NaN payloads).
 */
#include <math.h>
#include <stdlib.h>

#include "fast_diff.h"

extern const sr_op_kind sr_op_transpose;

typedef struct transpose_case {
  sigrun_type type;
  int rank;
  int32_t dims[6], perm[6];
  const void* x;
} transpose_case;

static void build_transpose(sr_test_node* tn, const void* ctx) {
  const transpose_case* c = ctx;
  sr_test_input(tn, c->type, c->rank, c->dims, c->x);
  const int32_t perm_dims[1] = {c->rank};
  sr_test_input(tn, SIGRUN_TYPE_INT32, 1, perm_dims, c->perm);
  sr_test_output(tn, c->type);
}

static int run_case(transpose_case* c) {
  unsigned isas[4];
  const int levels = fd_isa_levels(isas);
  const size_t n = fd_count(c->rank, c->dims);
  uint32_t* x = malloc((n + 1) * sizeof *x);
  for (size_t i = 0; i < n; i++) x[i] = fd_rnd() * 2654435761u;
  if (c->type == SIGRUN_TYPE_FLOAT32 && n) x[0] = 0x7fc01234u; /* a NaN with a payload */
  c->x = x;
  char what[160];
  int len = snprintf(what, sizeof what, "TRANSPOSE dims");
  for (int d = 0; d < c->rank; d++) len += snprintf(what + len, sizeof what - (size_t)len, " %d", c->dims[d]);
  len += snprintf(what + len, sizeof what - (size_t)len, " perm");
  for (int d = 0; d < c->rank; d++) len += snprintf(what + len, sizeof what - (size_t)len, " %d", c->perm[d]);
  int ok = 1;
  for (int i = 0; i < levels; i++)
    ok &= fd_compare(&sr_op_transpose, NULL, build_transpose, c, isas[i], (fd_tol){0, 0}, what);
  free(x);
  return ok;
}

static void test_random(void) {
  static const int sizes[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64};
  for (int iter = 0; iter < 800; iter++) {
    transpose_case c = {iter % 3 ? SIGRUN_TYPE_INT32 : SIGRUN_TYPE_FLOAT32, fd_rndi(1, 6), {0}, {0}, NULL};
    size_t total = 1;
    for (int d = 0; d < c.rank; d++) {
      c.dims[d] = sizes[fd_rndi(iter % 40 ? 1 : 0, 13)];
      if (total * (size_t)(c.dims[d] ? c.dims[d] : 1) > 40000) c.dims[d] = fd_rndi(1, 3);
      total *= (size_t)(c.dims[d] ? c.dims[d] : 1);
    }
    for (int d = 0; d < c.rank; d++) c.perm[d] = d;
    for (int d = c.rank - 1; d > 0; d--) { /* Fisher-Yates */
      const int j = fd_rndi(0, d), t = c.perm[d];
      c.perm[d] = c.perm[j], c.perm[j] = t;
    }
    if (!run_case(&c)) {
      CHECK(0);
      return;
    }
  }
}

static void test_attention_shapes(void) {
  /* [batch, seq, heads, head_dim] to [batch, heads, head_dim, seq] (keys) and [batch, heads, seq, head_dim]. */
  transpose_case keys = {SIGRUN_TYPE_FLOAT32, 4, {1, 64, 4, 32}, {0, 2, 3, 1}, NULL};
  CHECK(run_case(&keys));
  transpose_case heads = {SIGRUN_TYPE_FLOAT32, 4, {1, 64, 4, 32}, {0, 2, 1, 3}, NULL};
  CHECK(run_case(&heads));
  transpose_case odd = {SIGRUN_TYPE_INT32, 4, {2, 37, 3, 19}, {0, 2, 3, 1}, NULL};
  CHECK(run_case(&odd));
  transpose_case matrix = {SIGRUN_TYPE_INT32, 2, {129, 67}, {1, 0}, NULL};
  CHECK(run_case(&matrix));
}

int main(void) {
  RUN(test_attention_shapes);
  RUN(test_random);
  return TEST_SUMMARY();
}
