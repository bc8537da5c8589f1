/*
 * fuse_internal.h — what the rewrites of fuse.c and fuse_patterns.c share: the reader index of the subgraph
 * being rewritten and small queries over it. Reader counts are exact right after sr_cv_fuser_index; a rewrite
 * that kills operators leaves them stale only for the tensors it touched, which no later rewrite of the same
 * round queries.
 */
#ifndef SR_CONVERT_FUSE_INTERNAL_H
#define SR_CONVERT_FUSE_INTERNAL_H

#include "convert/graph.h"

typedef struct sr_cv_fuser {
  sr_cv_model* m;
  int gi;
  int* readers; /* per tensor: live operators reading it, +1 when it is a subgraph output */
  int* reader;  /* per tensor: one of them */
  int n;
  sigrun_error* error;
} sr_cv_fuser;

static inline sr_cv_graph* sr_cv_fg(sr_cv_fuser* f) { return &f->m->graphs[f->gi]; }
/* Rebuilds the reader index; 0 when out of memory. */
int sr_cv_fuser_index(sr_cv_fuser* f);
/* The one live operator reading t (t is no subgraph output), or -1. */
int sr_cv_sole(sr_cv_fuser* f, int t);
/* The live operator producing t, or -1; with a code, -1 unless it has that code. */
int sr_cv_producer(sr_cv_fuser* f, int t);
int sr_cv_producer_is(sr_cv_fuser* f, int t, int code);
/* A float32 constant whose every element is within tol of v. */
int sr_cv_is_splat(sr_cv_fuser* f, int t, double v, double tol);
/* Makes op `keep` produce `into`'s output and kills `into`. */
void sr_cv_take_output(sr_cv_fuser* f, int keep, int into);

/* fuse_patterns.c: each returns 1 when it rewrote the graph around op. */
int sr_cv_match_gelu(sr_cv_fuser* f, int op);
int sr_cv_match_gelu_tanh(sr_cv_fuser* f, int op);
int sr_cv_match_hard_swish(sr_cv_fuser* f, int op);
int sr_cv_drop_identity(sr_cv_fuser* f, int op);

#endif /* SR_CONVERT_FUSE_INTERNAL_H */
