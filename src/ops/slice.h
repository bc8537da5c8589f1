/*
 * slice.h — params of STRIDED_SLICE (the mask bits and offset flag of StridedSliceOptions). SLICE has no
 * options. Both ops resolve to one strided copy (layout.h).
 */
#ifndef SR_OPS_SLICE_H
#define SR_OPS_SLICE_H

#include <stdint.h>

typedef struct sr_strided_slice_params {
  uint32_t begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask;
  int offset; /* end holds sizes relative to begin */
} sr_strided_slice_params;

#endif /* SR_OPS_SLICE_H */
