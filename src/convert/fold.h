/*
 * fold.h — evaluating operators on constants at conversion time (constant folding): element access for every
 * numeric type, float16 conversion, elementwise binary ops with broadcasting and unary ops. Floats are computed
 * in double and rounded once to the element type; integers in int64 and truncated to their width, as TF's
 * kernels wrap. Integer division by zero yields 0 instead of trapping (a hostile model cannot crash the
 * converter; TF would fail at run time).
 */
#ifndef SR_CONVERT_FOLD_H
#define SR_CONVERT_FOLD_H

#include <stddef.h>
#include <stdint.h>

#include "convert/graph.h"

/* Folded results larger than this many bytes are emitted as operators instead. */
#define SR_CV_FOLD_MAX_BYTES ((size_t)256 << 20)

int sr_cv_is_float(sigrun_type t);
int sr_cv_is_int(sigrun_type t); /* integers and bool */
double sr_cv_elem_f(const void* data, sigrun_type t, size_t i);
int64_t sr_cv_elem_i(const void* data, sigrun_type t, size_t i);
void sr_cv_set_f(void* data, sigrun_type t, size_t i, double v);
void sr_cv_set_i(void* data, sigrun_type t, size_t i, int64_t v);

uint16_t sr_cv_f32_to_f16(float f);
float sr_cv_f16_to_f32(uint16_t h);

/* Whether fold kernels exist for these builtin codes. */
int sr_cv_foldable_binary(int code);
int sr_cv_foldable_unary(int code);
/* out (rank/dims, out_type elements) = a <code> b, broadcasting a and b (both static constants). */
void sr_cv_fold_binary(int code, const sr_cv_tensor* a, const sr_cv_tensor* b, sigrun_type out_type, int rank,
                       const int64_t* dims, void* out);
/* The same on partially known small integer values (SR_CV_UNKNOWN propagates). */
void sr_cv_fold_binary_known(int code, const int64_t* a, size_t na, const int64_t* b, size_t nb, int64_t* out,
                             size_t n);
/* out = <code>(a) elementwise; opts carries LEAKY_RELU's alpha. */
void sr_cv_fold_unary(int code, const sr_cv_opts* opts, const sr_cv_tensor* a, sigrun_type out_type, void* out);
/* out = transpose of in (rank dims, elem bytes per element) by perm. */
void sr_cv_fold_transpose(const void* in, size_t elem, int rank, const int64_t* dims, const int* perm, void* out);

#endif /* SR_CONVERT_FOLD_H */
