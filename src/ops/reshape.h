/*
 * reshape.h — params of RESHAPE (ReshapeOptions.new_shape) and SQUEEZE (SqueezeOptions.squeeze_dims).
 * EXPAND_DIMS has no options.
 */
#ifndef SR_OPS_RESHAPE_H
#define SR_OPS_RESHAPE_H

#include <stdint.h>

#include "../core/common.h"

typedef struct sr_reshape_params {
  int rank; /* 0 when new_shape is absent; LiteRT reads [0] as a scalar too */
  int32_t dims[SR_MAX_RANK];
} sr_reshape_params;

typedef struct sr_squeeze_params {
  int count; /* 0 = squeeze every dimension of size 1 */
  int32_t dims[SR_MAX_RANK];
} sr_squeeze_params;

#endif /* SR_OPS_RESHAPE_H */
