/*
 * tflite_options.c — the BuiltinOptions tables of the operators the converter writes, and LiteRT's minimum
 * runtime per op version (tools/versioning/runtime_version.cc lists them; only the ops emitted here are kept).
 * Field ids follow schema.fbs declaration order; defaults are omitted as flatbuffers do.
 */
#include "convert/tflite_options.h"

#include <string.h>

static void act_only(sr_fbb* b, int id, int act) { sr_fbb_add_i8(b, id, (int8_t)act, 0); }

static sr_fbo empty_table(sr_fbb* b) {
  sr_fbb_table_start(b);
  return sr_fbb_table_end(b);
}

sr_fbo sr_cv_write_options(sr_fbb* b, const sr_cv_op* op, uint8_t* type) {
  const sr_cv_opts* o = &op->o;
  *type = 0;
  switch (op->code) {
    case SR_BUILTIN_CONV_2D:
      sr_fbb_table_start(b);
      sr_fbb_add_i8(b, 0, (int8_t)o->padding, 0);
      sr_fbb_add_i32(b, 1, o->stride_w, 0);
      sr_fbb_add_i32(b, 2, o->stride_h, 0);
      act_only(b, 3, o->act);
      sr_fbb_add_i32(b, 4, o->dilation_w, 1);
      sr_fbb_add_i32(b, 5, o->dilation_h, 1);
      *type = SR_OPTIONS_CONV2D;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_DEPTHWISE_CONV_2D:
      sr_fbb_table_start(b);
      sr_fbb_add_i8(b, 0, (int8_t)o->padding, 0);
      sr_fbb_add_i32(b, 1, o->stride_w, 0);
      sr_fbb_add_i32(b, 2, o->stride_h, 0);
      sr_fbb_add_i32(b, 3, o->depth_multiplier, 0);
      act_only(b, 4, o->act);
      sr_fbb_add_i32(b, 5, o->dilation_w, 1);
      sr_fbb_add_i32(b, 6, o->dilation_h, 1);
      *type = SR_OPTIONS_DEPTHWISE_CONV2D;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_AVERAGE_POOL_2D:
    case SR_BUILTIN_MAX_POOL_2D:
      sr_fbb_table_start(b);
      sr_fbb_add_i8(b, 0, (int8_t)o->padding, 0);
      sr_fbb_add_i32(b, 1, o->stride_w, 0);
      sr_fbb_add_i32(b, 2, o->stride_h, 0);
      sr_fbb_add_i32(b, 3, o->filter_w, 0);
      sr_fbb_add_i32(b, 4, o->filter_h, 0);
      act_only(b, 5, o->act);
      *type = SR_OPTIONS_POOL2D;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_FULLY_CONNECTED:
      sr_fbb_table_start(b);
      act_only(b, 0, o->act);
      sr_fbb_add_bool(b, 2, o->keep_num_dims, 0);
      sr_fbb_add_bool(b, 3, o->asymmetric_quantize_inputs, 0);
      *type = SR_OPTIONS_FULLY_CONNECTED;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_SOFTMAX:
      sr_fbb_table_start(b);
      sr_fbb_add_f32(b, 0, o->beta, 0.0f);
      *type = SR_OPTIONS_SOFTMAX;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_CONCATENATION:
      sr_fbb_table_start(b);
      sr_fbb_add_i32(b, 0, o->axis, 0);
      act_only(b, 1, o->act);
      *type = SR_OPTIONS_CONCATENATION;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_ADD:
    case SR_BUILTIN_SUB:
      sr_fbb_table_start(b);
      act_only(b, 0, o->act);
      *type = op->code == SR_BUILTIN_ADD ? SR_OPTIONS_ADD : SR_OPTIONS_SUB;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_MUL:
    case SR_BUILTIN_DIV:
      sr_fbb_table_start(b);
      act_only(b, 0, o->act);
      *type = op->code == SR_BUILTIN_MUL ? SR_OPTIONS_MUL : SR_OPTIONS_DIV;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_MEAN:
    case SR_BUILTIN_SUM:
    case SR_BUILTIN_REDUCE_PROD:
    case SR_BUILTIN_REDUCE_MAX:
    case SR_BUILTIN_REDUCE_MIN:
    case SR_BUILTIN_REDUCE_ANY:
    case SR_BUILTIN_REDUCE_ALL:
      sr_fbb_table_start(b);
      sr_fbb_add_bool(b, 0, o->keep_dims, 0);
      *type = SR_OPTIONS_REDUCER;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_STRIDED_SLICE:
      sr_fbb_table_start(b);
      sr_fbb_add_i32(b, 0, o->begin_mask, 0);
      sr_fbb_add_i32(b, 1, o->end_mask, 0);
      sr_fbb_add_i32(b, 2, o->ellipsis_mask, 0);
      sr_fbb_add_i32(b, 3, o->new_axis_mask, 0);
      sr_fbb_add_i32(b, 4, o->shrink_axis_mask, 0);
      sr_fbb_add_bool(b, 5, o->offset, 0);
      *type = SR_OPTIONS_STRIDED_SLICE;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_PACK:
    case SR_BUILTIN_UNPACK:
      sr_fbb_table_start(b);
      sr_fbb_add_i32(b, 0, o->values_count, 0);
      sr_fbb_add_i32(b, 1, o->axis, 0);
      *type = op->code == SR_BUILTIN_PACK ? SR_OPTIONS_PACK : SR_OPTIONS_UNPACK;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_GATHER:
      sr_fbb_table_start(b);
      sr_fbb_add_i32(b, 0, o->axis, 0);
      sr_fbb_add_i32(b, 1, o->batch_dims, 0);
      *type = SR_OPTIONS_GATHER;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_SHAPE:
      sr_fbb_table_start(b);
      sr_fbb_add_i8(b, 0, (int8_t)o->out_type, 0);
      *type = SR_OPTIONS_SHAPE;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_LEAKY_RELU:
      sr_fbb_table_start(b);
      sr_fbb_add_f32(b, 0, o->alpha, 0.0f);
      *type = SR_OPTIONS_LEAKY_RELU;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_GELU:
      sr_fbb_table_start(b);
      sr_fbb_add_bool(b, 0, o->approximate, 0);
      *type = SR_OPTIONS_GELU;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_BATCH_MATMUL:
      sr_fbb_table_start(b);
      sr_fbb_add_bool(b, 0, o->adj_x, 0);
      sr_fbb_add_bool(b, 1, o->adj_y, 0);
      sr_fbb_add_bool(b, 2, o->asymmetric_quantize_inputs, 0);
      *type = SR_OPTIONS_BATCH_MAT_MUL;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_SQUEEZE: {
      sr_fbo dims = sr_fbb_vec_i32(b, o->squeeze_dims, (size_t)o->n_squeeze_dims);
      sr_fbb_table_start(b);
      sr_fbb_add_offset(b, 0, dims);
      *type = SR_OPTIONS_SQUEEZE;
      return sr_fbb_table_end(b);
    }
    case SR_BUILTIN_CALL_ONCE:
      sr_fbb_table_start(b);
      sr_fbb_add_i32(b, 0, o->subgraph, 0);
      *type = SR_OPTIONS_CALL_ONCE;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_VAR_HANDLE: {
      sr_fbo container = sr_fbb_cstring(b, o->container ? o->container : "");
      sr_fbo shared = sr_fbb_cstring(b, o->shared_name ? o->shared_name : "");
      sr_fbb_table_start(b);
      sr_fbb_add_offset(b, 0, container);
      sr_fbb_add_offset(b, 1, shared);
      *type = SR_OPTIONS_VAR_HANDLE;
      return sr_fbb_table_end(b);
    }
    case SR_BUILTIN_CAST:
      sr_fbb_table_start(b);
      sr_fbb_add_i8(b, 0, (int8_t)o->in_type, 0);
      sr_fbb_add_i8(b, 1, (int8_t)o->out_type, 0);
      *type = SR_OPTIONS_CAST;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_SPLIT:
    case SR_BUILTIN_SPLIT_V:
      sr_fbb_table_start(b);
      sr_fbb_add_i32(b, 0, o->num_splits, 0);
      *type = op->code == SR_BUILTIN_SPLIT ? SR_OPTIONS_SPLIT : SR_OPTIONS_SPLIT_V;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_ARG_MAX:
    case SR_BUILTIN_ARG_MIN:
      sr_fbb_table_start(b);
      sr_fbb_add_i8(b, 0, (int8_t)o->out_type, 0);
      *type = op->code == SR_BUILTIN_ARG_MAX ? SR_OPTIONS_ARG_MAX : SR_OPTIONS_ARG_MIN;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_TRANSPOSE_CONV:
      sr_fbb_table_start(b);
      sr_fbb_add_i8(b, 0, (int8_t)o->padding, 0);
      sr_fbb_add_i32(b, 1, o->stride_w, 0);
      sr_fbb_add_i32(b, 2, o->stride_h, 0);
      act_only(b, 3, o->act);
      *type = SR_OPTIONS_TRANSPOSE_CONV;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_RESIZE_BILINEAR: /* align_corners 2, half_pixel_centers 3 (0 and 1 are deprecated) */
      sr_fbb_table_start(b);
      sr_fbb_add_bool(b, 2, o->adj_x, 0);
      sr_fbb_add_bool(b, 3, o->adj_y, 0);
      *type = SR_OPTIONS_RESIZE_BILINEAR;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_RESIZE_NEAREST_NEIGHBOR:
      sr_fbb_table_start(b);
      sr_fbb_add_bool(b, 0, o->adj_x, 0);
      sr_fbb_add_bool(b, 1, o->adj_y, 0);
      *type = SR_OPTIONS_RESIZE_NEAREST_NEIGHBOR;
      return sr_fbb_table_end(b);
    case SR_BUILTIN_MIRROR_PAD:
      sr_fbb_table_start(b);
      sr_fbb_add_i8(b, 0, (int8_t)o->padding, 0); /* MirrorPadMode: REFLECT 0, SYMMETRIC 1 */
      *type = SR_OPTIONS_MIRROR_PAD;
      return sr_fbb_table_end(b);
    /* Options tables without fields, written as LiteRT's converter writes them. */
    case SR_BUILTIN_NEG: *type = SR_OPTIONS_NEG; return empty_table(b);
    case SR_BUILTIN_TRANSPOSE: *type = SR_OPTIONS_TRANSPOSE; return empty_table(b);
    case SR_BUILTIN_EXPAND_DIMS: *type = SR_OPTIONS_EXPAND_DIMS; return empty_table(b);
    case SR_BUILTIN_PAD: *type = SR_OPTIONS_PAD; return empty_table(b);
    case SR_BUILTIN_PADV2: *type = SR_OPTIONS_PAD_V2; return empty_table(b);
    case SR_BUILTIN_TILE: *type = SR_OPTIONS_TILE; return empty_table(b);
    case SR_BUILTIN_SLICE: *type = SR_OPTIONS_SLICE; return empty_table(b);
    case SR_BUILTIN_FILL: *type = SR_OPTIONS_FILL; return empty_table(b);
    case SR_BUILTIN_SELECT_V2: *type = SR_OPTIONS_SELECT_V2; return empty_table(b);
    case SR_BUILTIN_LESS: *type = SR_OPTIONS_LESS; return empty_table(b);
    case SR_BUILTIN_MAXIMUM:
    case SR_BUILTIN_MINIMUM: *type = SR_OPTIONS_MAXIMUM_MINIMUM; return empty_table(b);
    case SR_BUILTIN_EXP: *type = SR_OPTIONS_EXP; return empty_table(b);
    case SR_BUILTIN_LOG_SOFTMAX: *type = SR_OPTIONS_LOG_SOFTMAX; return empty_table(b);
    case SR_BUILTIN_SQUARE: *type = SR_OPTIONS_SQUARE; return empty_table(b);
    case SR_BUILTIN_POW: *type = SR_OPTIONS_POW; return empty_table(b);
    case SR_BUILTIN_ABS: *type = SR_OPTIONS_ABS; return empty_table(b);
    case SR_BUILTIN_BROADCAST_TO: *type = SR_OPTIONS_BROADCAST_TO; return empty_table(b);
    case SR_BUILTIN_SPACE_TO_BATCH_ND: *type = SR_OPTIONS_SPACE_TO_BATCH_ND; return empty_table(b);
    case SR_BUILTIN_BATCH_TO_SPACE_ND: *type = SR_OPTIONS_BATCH_TO_SPACE_ND; return empty_table(b);
    default: return 0;
  }
}

typedef struct runtime_entry {
  int code, version;
  const char* runtime;
} runtime_entry;

/* From LiteRT's runtime_version.cc, for the ops and versions this converter emits. */
static const runtime_entry k_runtime[] = {
    {SR_BUILTIN_ABS, 1, "1.13.0"},
    {SR_BUILTIN_ADD, 1, "1.5.0"},
    {SR_BUILTIN_ARG_MAX, 1, "1.9.0"},
    {SR_BUILTIN_ARG_MIN, 1, "1.9.0"},
    {SR_BUILTIN_ASSIGN_VARIABLE, 1, "2.6.0"},
    {SR_BUILTIN_AVERAGE_POOL_2D, 1, "1.5.0"},
    {SR_BUILTIN_BATCH_MATMUL, 1, "2.3.0"},
    {SR_BUILTIN_BATCH_MATMUL, 4, "2.5.0"},
    {SR_BUILTIN_BATCH_TO_SPACE_ND, 1, "1.6.0"},
    {SR_BUILTIN_BROADCAST_TO, 2, "2.5.0"},
    {SR_BUILTIN_CALL_ONCE, 1, "2.5.0"},
    {SR_BUILTIN_CAST, 1, "1.5.0"},
    {SR_BUILTIN_CONCATENATION, 1, "1.5.0"},
    {SR_BUILTIN_CONV_2D, 1, "1.5.0"},
    {SR_BUILTIN_CONV_2D, 2, "1.14.0"},
    {SR_BUILTIN_CONV_2D, 3, "1.14.0"},
    {SR_BUILTIN_CONV_2D, 5, "2.4.0"},
    {SR_BUILTIN_DEPTHWISE_CONV_2D, 1, "1.5.0"},
    {SR_BUILTIN_DEPTHWISE_CONV_2D, 2, "1.12.0"},
    {SR_BUILTIN_DEPTHWISE_CONV_2D, 4, "2.2.0"},
    {SR_BUILTIN_DEPTHWISE_CONV_2D, 6, "2.3.0"},
    {SR_BUILTIN_DEQUANTIZE, 1, "1.13.1"},
    {SR_BUILTIN_DEQUANTIZE, 2, "1.14.0"},
    {SR_BUILTIN_DEQUANTIZE, 3, "1.15.0"},
    {SR_BUILTIN_DIV, 1, "1.6.0"},
    {SR_BUILTIN_ELU, 1, "1.14.0"},
    {SR_BUILTIN_EXP, 1, "1.7.0"},
    {SR_BUILTIN_EXPAND_DIMS, 1, "1.10.0"},
    {SR_BUILTIN_FILL, 1, "1.13.0"},
    {SR_BUILTIN_FULLY_CONNECTED, 1, "1.5.0"},
    {SR_BUILTIN_FULLY_CONNECTED, 3, "1.14.0"},
    {SR_BUILTIN_FULLY_CONNECTED, 9, "2.3.0"},
    {SR_BUILTIN_FULLY_CONNECTED, 12, "2.17.0"},
    {SR_BUILTIN_GATHER, 1, "1.6.0"},
    {SR_BUILTIN_GELU, 1, "2.9.0"},
    {SR_BUILTIN_HARD_SWISH, 1, "1.15.0"},
    {SR_BUILTIN_LEAKY_RELU, 1, "1.13.1"},
    {SR_BUILTIN_LESS, 1, "1.14.0"},
    {SR_BUILTIN_LOG, 1, "1.14.0"},
    {SR_BUILTIN_LOG_SOFTMAX, 1, "1.14.0"},
    {SR_BUILTIN_LOGISTIC, 1, "1.14.0"},
    {SR_BUILTIN_MAX_POOL_2D, 1, "1.5.0"},
    {SR_BUILTIN_MAXIMUM, 1, "1.14.0"},
    {SR_BUILTIN_MEAN, 1, "1.6.0"},
    {SR_BUILTIN_MINIMUM, 1, "1.14.0"},
    {SR_BUILTIN_MIRROR_PAD, 1, "1.13.1"},
    {SR_BUILTIN_MUL, 1, "1.5.0"},
    {SR_BUILTIN_NEG, 1, "1.9.0"},
    {SR_BUILTIN_PACK, 1, "1.11.0"},
    {SR_BUILTIN_PADV2, 1, "1.9.0"},
    {SR_BUILTIN_PAD, 1, "1.5.0"},
    {SR_BUILTIN_POW, 1, "1.10.0"},
    {SR_BUILTIN_READ_VARIABLE, 1, "2.6.0"},
    {SR_BUILTIN_REDUCE_ALL, 1, "2.6.0"},
    {SR_BUILTIN_REDUCE_ANY, 1, "1.11.0"},
    {SR_BUILTIN_REDUCE_MAX, 1, "1.11.0"},
    {SR_BUILTIN_REDUCE_MIN, 1, "1.11.0"},
    {SR_BUILTIN_REDUCE_PROD, 1, "1.11.0"},
    {SR_BUILTIN_RELU, 1, "1.5.0"},
    {SR_BUILTIN_RESIZE_BILINEAR, 1, "1.7.0"},
    {SR_BUILTIN_RESIZE_BILINEAR, 3, "2.2.0"},
    {SR_BUILTIN_RESIZE_NEAREST_NEIGHBOR, 1, "1.13.1"},
    {SR_BUILTIN_RESIZE_NEAREST_NEIGHBOR, 3, "2.3.0"},
    {SR_BUILTIN_RELU6, 1, "1.5.0"},
    {SR_BUILTIN_RESHAPE, 1, "1.5.0"},
    {SR_BUILTIN_RSQRT, 1, "1.10.0"},
    {SR_BUILTIN_SELECT_V2, 1, "2.2.0"},
    {SR_BUILTIN_SHAPE, 1, "1.10.0"},
    {SR_BUILTIN_SLICE, 1, "1.14.0"},
    {SR_BUILTIN_SOFTMAX, 1, "1.5.0"},
    {SR_BUILTIN_SPACE_TO_BATCH_ND, 1, "1.6.0"},
    {SR_BUILTIN_SPLIT, 1, "1.5.0"},
    {SR_BUILTIN_SPLIT_V, 1, "1.13.1"},
    {SR_BUILTIN_SQRT, 1, "1.10.0"},
    {SR_BUILTIN_SQUARE, 1, "1.12.0"},
    {SR_BUILTIN_SQUARED_DIFFERENCE, 1, "1.13.1"},
    {SR_BUILTIN_SQUEEZE, 1, "1.6.0"},
    {SR_BUILTIN_STRIDED_SLICE, 1, "1.6.0"},
    {SR_BUILTIN_SUB, 1, "1.6.0"},
    {SR_BUILTIN_SUM, 1, "1.10.0"},
    {SR_BUILTIN_TANH, 1, "1.14.0"},
    {SR_BUILTIN_TILE, 1, "1.10.1"},
    {SR_BUILTIN_TRANSPOSE, 1, "1.6.0"},
    {SR_BUILTIN_TRANSPOSE_CONV, 1, "1.9.0"},
    {SR_BUILTIN_TRANSPOSE_CONV, 3, "2.3.0"},
    {SR_BUILTIN_UNPACK, 1, "1.11.0"},
    {SR_BUILTIN_VAR_HANDLE, 1, "2.6.0"},
};

const char* sr_cv_min_runtime(int code, int version) {
  for (size_t i = 0; i < sizeof k_runtime / sizeof k_runtime[0]; i++)
    if (k_runtime[i].code == code && k_runtime[i].version == version) return k_runtime[i].runtime;
  return NULL;
}
