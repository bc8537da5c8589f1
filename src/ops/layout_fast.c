/*
 * layout_fast.c — a faster 4-byte strided copy for TRANSPOSE (AVX2). A transpose that moves the input's
 * innermost dimension away from the output's innermost one is, for every index of the other dimensions, a 2-D
 * transpose of a block whose rows are contiguous in the input and whose columns are contiguous in the output;
 * those blocks go through 8 x 8 register transposes instead of one element at a time. When the innermost step is
 * already 1 (a transpose of whole rows, such as attention's [seq, heads, dim] -> [heads, seq, dim]) rows are
 * copied with vector moves. Anything else (no input-contiguous dimension, tiny blocks) is left to
 * sr_x32_strided_copy__ref.
 * Invariant: the output bytes equal the reference's (a copy: no arithmetic).
 */
#include "layout.h"

#include <string.h>

#include "../core/cpu.h"

#if SR_HAVE_X86_KERNELS
#include <immintrin.h>

#include "transpose8_avx2.h"

#define TGT SR_TARGET_AVX2

/* Dimensions after dropping counts of 1 and merging neighbours that stay neighbours in the input. */
typedef struct copy_shape {
  int n;
  int32_t counts[SR_MAX_RANK];
  int64_t steps[SR_MAX_RANK];
} copy_shape;

static void normalize(int n, const int32_t* counts, const int64_t* steps, copy_shape* s) {
  s->n = 0;
  for (int d = 0; d < n; d++) {
    if (counts[d] == 1) continue;
    if (s->n && s->steps[s->n - 1] == steps[d] * counts[d]) { /* outer dim d-1 steps over all of d: merge */
      s->counts[s->n - 1] *= counts[d];
      s->steps[s->n - 1] = steps[d];
      continue;
    }
    s->counts[s->n] = counts[d];
    s->steps[s->n] = steps[d];
    s->n++;
  }
}


/* out[i * ld_out + j] = in[i + j * ld_in] for i < rows, j < cols: 4-byte elements moved as bits (the vector
 * loads, shuffles and stores do no arithmetic). */
static TGT void block(const uint32_t* in, size_t ld_in, size_t rows, size_t cols, uint32_t* out, size_t ld_out) {
  const size_t r8 = rows / 8 * 8, c8 = cols / 8 * 8;
  for (size_t j = 0; j < c8; j += 8) {
    for (size_t i = 0; i < r8; i += 8) {
      __m256 r[8];
      for (int t = 0; t < 8; t++) r[t] = _mm256_loadu_ps((const float*)(in + i + (j + (size_t)t) * ld_in));
      sr_f32_transpose8x8__avx2(r);
      for (int t = 0; t < 8; t++) _mm256_storeu_ps((float*)(out + (i + (size_t)t) * ld_out + j), r[t]);
    }
    for (size_t i = r8; i < rows; i++)
      for (size_t t = j; t < j + 8; t++) out[i * ld_out + t] = in[i + t * ld_in];
  }
  for (size_t i = 0; i < rows; i++)
    for (size_t t = c8; t < cols; t++) out[i * ld_out + t] = in[i + t * ld_in];
}

/* Rows of `inner` contiguous elements (the innermost step is 1): the odometer walks the other dims and each row
 * is copied with vector moves (a library memcpy per short row costs more than the copy). */
static TGT void rows(const uint32_t* in, uint32_t* out, int64_t base, const copy_shape* s) {
  const int last = s->n - 1;
  const size_t inner = (size_t)s->counts[last];
  int32_t k[SR_MAX_RANK] = {0};
  int64_t off = base;
  for (;;) {
    const uint32_t* src = in + off;
    size_t i = 0;
    for (; i + 8 <= inner; i += 8)
      _mm256_storeu_si256((__m256i*)(out + i), _mm256_loadu_si256((const __m256i*)(src + i)));
    for (; i < inner; i++) out[i] = src[i];
    out += inner;
    int d = last - 1;
    for (; d >= 0; d--) {
      off += s->steps[d];
      if (++k[d] < s->counts[d]) break;
      off -= s->steps[d] * s->counts[d];
      k[d] = 0;
    }
    if (d < 0) return;
  }
}

TGT void sr_x32_strided_copy__avx2(const void* in_v, void* out_v, int64_t base, int n, const int32_t* counts,
                                   const int64_t* steps) {
  if (n <= 0 || n > SR_MAX_RANK) {
    sr_x32_strided_copy__ref(in_v, out_v, base, n, counts, steps);
    return;
  }
  for (int d = 0; d < n; d++)
    if (counts[d] <= 0) return;
  copy_shape s;
  normalize(n, counts, steps, &s);
  /* r: the dimension that walks the input contiguously, when it is not the innermost one. */
  int r = -1;
  for (int d = 0; s.n >= 2 && d < s.n - 1; d++)
    if (s.steps[d] == 1) r = d;
  const int last = s.n - 1;
  if (s.n >= 1 && s.steps[last] == 1) {
    rows(in_v, out_v, base, &s);
    return;
  }
  if (r < 0 || s.counts[r] < 8 || s.counts[last] < 8) {
    sr_x32_strided_copy__ref(in_v, out_v, base, n, counts, steps);
    return;
  }
  /* Output strides of the normalized dims (the output is dense, in their row-major order). */
  int64_t out_step[SR_MAX_RANK];
  int64_t o = 1;
  for (int d = last; d >= 0; d--) out_step[d] = o, o *= s.counts[d];
  /* Odometer over every dimension but r and the last: each position is one block. */
  int32_t k[SR_MAX_RANK] = {0};
  const uint32_t* in = in_v;
  uint32_t* out = out_v;
  int64_t in_off = base, out_off = 0;
  for (;;) {
    block(in + in_off, (size_t)s.steps[last], (size_t)s.counts[r], (size_t)s.counts[last], out + out_off,
          (size_t)out_step[r]);
    int d = last - 1;
    for (; d >= 0; d--) {
      if (d == r) continue;
      in_off += s.steps[d], out_off += out_step[d];
      if (++k[d] < s.counts[d]) break;
      in_off -= s.steps[d] * s.counts[d], out_off -= out_step[d] * s.counts[d];
      k[d] = 0;
    }
    if (d < 0) return;
  }
}

#else
void sr_x32_strided_copy__avx2(const void* in_v, void* out_v, int64_t base, int n, const int32_t* counts,
                               const int64_t* steps) {
  sr_x32_strided_copy__ref(in_v, out_v, base, n, counts, steps);
}
#endif
