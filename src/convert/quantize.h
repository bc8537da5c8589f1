/*
 * quantize.h — post-training weight quantization of a converted model, as LiteRT's converter does it:
 * float16 (every float32 constant stored as float16 and DEQUANTIZE'd to float32 at the start of its subgraph)
 * and dynamic range (weights of FULLY_CONNECTED, CONV_2D and DEPTHWISE_CONV_2D with at least 1024 elements
 * stored as per-channel symmetric int8, read by LiteRT's hybrid kernels; activations stay float).
 */
#ifndef SR_CONVERT_QUANTIZE_H
#define SR_CONVERT_QUANTIZE_H

#include "convert/graph.h"

typedef enum sr_cv_quant_mode { SR_CV_QUANT_FLOAT16 = 1, SR_CV_QUANT_DYNAMIC_INT8 = 2 } sr_cv_quant_mode;

/* Weights with fewer elements stay float in dynamic-range mode (LiteRT's default threshold). */
#define SR_CV_DRQ_MIN_ELEMENTS 1024

sigrun_status sr_cv_quantize(sr_cv_model* m, sr_cv_quant_mode mode, sigrun_error* error);

#endif /* SR_CONVERT_QUANTIZE_H */
