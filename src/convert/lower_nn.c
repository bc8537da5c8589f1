/*
 * lower_nn.c — the neural-network TF ops, lowered the way LiteRT's converter lowers them: MatMul with a
 * constant right side becomes FULLY_CONNECTED with weights [out, in]; Conv2D becomes CONV_2D with its HWIO
 * filter transposed to OHWI and a zero bias (fuse.c later puts BiasAdd / BatchNorm into it);
 * DepthwiseConv2dNative's [H, W, C, M] filter is read as [1, H, W, C*M]; pools map one to one; inference
 * FusedBatchNormV3 becomes a MUL and an ADD by folded per-channel constants, training-mode (LayerNorm) ones the
 * mean / variance arithmetic. Only NHWC is handled, as Keras writes.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "convert/fold.h"
#include "convert/lower.h"

static int is_nhwc(const sr_tf_node* node) {
  const sr_tf_attr* fmt = sr_tf_node_attr(node, "data_format");
  return !fmt || fmt->kind != SR_TF_ATTR_S || !fmt->s.data || !fmt->s.data[0] || strcmp(fmt->s.data, "NHWC") == 0;
}

/* ---- MatMul ---- */

/* FULLY_CONNECTED(x, W [out, in]) with no bias; keep_num_dims for rank > 2 inputs. */
static sigrun_status emit_fc(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val x, sr_cv_val w, sr_cv_val* out) {
  sr_cv_tensor tx = *sr_cv_tv(c, x), tw = *sr_cv_tv(c, w);
  if (tx.rank < 1) return sr_cv_unsupported(c, node, "an input of unknown rank");
  if (tx.dims[tx.rank - 1] >= 0 && tx.dims[tx.rank - 1] != tw.dims[1])
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "inner dims differ: %lld vs %lld",
                      (long long)tx.dims[tx.rank - 1], (long long)tw.dims[1]);
  int64_t d[SR_MAX_RANK];
  memcpy(d, tx.dims, sizeof d);
  d[tx.rank - 1] = tw.dims[0];
  int t = sr_cv_out_tensor(c, node, NULL, tx.type, tx.rank, d);
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.keep_num_dims = tx.rank > 2;
  int ins[3] = {x.id, w.id, -1};
  if (t < 0 || sr_cv_emit(c, SR_BUILTIN_FULLY_CONNECTED, ins, 3, &t, 1, &o) < 0) return c->error->status;
  *out = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

static sigrun_status emit_batch_matmul(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val x, sr_cv_val y, int adj_x,
                                       int adj_y, sr_cv_val* out) {
  sr_cv_tensor tx = *sr_cv_tv(c, x), ty = *sr_cv_tv(c, y);
  if (tx.rank < 2 || ty.rank < 2) return sr_cv_unsupported(c, node, "matmul operands of rank below 2");
  sr_cv_tensor bx = tx, by = ty;
  bx.rank -= 2;
  by.rank -= 2;
  int rank;
  int64_t d[SR_MAX_RANK];
  sigrun_status st = sr_cv_broadcast(c, node, &bx, &by, &rank, d);
  if (st) return st;
  d[rank] = adj_x ? tx.dims[tx.rank - 1] : tx.dims[tx.rank - 2];
  d[rank + 1] = adj_y ? ty.dims[ty.rank - 2] : ty.dims[ty.rank - 1];
  int t = sr_cv_out_tensor(c, node, NULL, tx.type, rank + 2, d);
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.adj_x = adj_x;
  o.adj_y = adj_y;
  int ins[2] = {x.id, y.id};
  if (t < 0 || sr_cv_emit(c, SR_BUILTIN_BATCH_MATMUL, ins, 2, &t, 1, &o) < 0) return c->error->status;
  *out = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

/* MatMul / BatchMatMul{,V2,V3}: a constant rank-2 right operand makes a FULLY_CONNECTED (its weights are the
 * operand transposed to [out, in] unless already adjoint), anything else a BATCH_MATMUL. */
static sigrun_status lower_matmul(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                  sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 2);
  if (st) return st;
  int plain = strcmp(node->op, "MatMul") == 0;
  int ta = sr_cv_attr_bool_or(node, plain ? "transpose_a" : "adj_x", 0);
  int tb = sr_cv_attr_bool_or(node, plain ? "transpose_b" : "adj_y", 0);
  sr_cv_tensor* x = sr_cv_tv(c, in[0]);
  sr_cv_tensor* y = sr_cv_tv(c, in[1]);
  if (x->type != SIGRUN_TYPE_FLOAT32 || y->type != SIGRUN_TYPE_FLOAT32)
    return sr_cv_unsupported(c, node, "%s operands", sigrun_type_name(x->type));
  if (plain && (x->rank != 2 || y->rank != 2))
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "MatMul operands must have rank 2");
  if (!ta && y->data && y->rank == 2 && x->rank >= 2) {
    sr_cv_val w = in[1];
    if (!tb) {
      static const int swap[2] = {1, 0};
      if ((st = sr_cv_transpose(c, node, in[1], swap, &w))) return st;
    }
    return emit_fc(c, node, in[0], w, &out[0]);
  }
  return emit_batch_matmul(c, node, in[0], in[1], ta, tb, &out[0]);
}

/* ---- convolutions and pools ---- */

/* A [1, a, b, 1] attr (strides, dilations, ksize) in NHWC. */
static sigrun_status hw_attr(sr_cv_ctx* c, const sr_tf_node* node, const char* name, int def, int* h, int* w) {
  const sr_tf_attr* a = sr_tf_node_attr(node, name);
  if (!a || a->kind == SR_TF_ATTR_NONE) {
    *h = *w = def;
    return SIGRUN_STATUS_OK;
  }
  const int64_t* v;
  size_t n;
  sigrun_status st = sr_cv_attr_ints(c, node, name, &v, &n);
  if (st) return st;
  if (n != 4) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "attr '%s' has %zu values, not 4", name, n);
  if (v[0] != 1 || v[3] != 1) return sr_cv_unsupported(c, node, "%s over the batch or channel dim", name);
  if (v[1] < 1 || v[2] < 1 || v[1] > INT32_MAX || v[2] > INT32_MAX)
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "attr '%s' has sizes %lld, %lld", name, (long long)v[1],
                      (long long)v[2]);
  *h = (int)v[1];
  *w = (int)v[2];
  return SIGRUN_STATUS_OK;
}

/* Output size along one axis; -1 stays -1. */
static int64_t window_out(int64_t in, int padding, int64_t filter, int stride, int dilation) {
  if (in < 0) return -1;
  int64_t eff = (filter - 1) * dilation + 1;
  if (padding == SR_CV_PAD_SAME) return (in + stride - 1) / stride;
  return in < eff ? 0 : (in - eff) / stride + 1;
}

/* Padding attr: SAME / VALID, or EXPLICIT (explicit_paddings) which becomes a PAD before a VALID window. */
static sigrun_status padding_attr(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val* x, int* padding) {
  const char* p;
  sigrun_status st = sr_cv_attr_str(c, node, "padding", &p);
  if (st) return st;
  if (strcmp(p, "SAME") == 0) {
    *padding = SR_CV_PAD_SAME;
    return SIGRUN_STATUS_OK;
  }
  *padding = SR_CV_PAD_VALID;
  if (strcmp(p, "VALID") == 0) return SIGRUN_STATUS_OK;
  if (strcmp(p, "EXPLICIT") != 0) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "padding '%s'", p);
  const int64_t* v;
  size_t n;
  if ((st = sr_cv_attr_ints(c, node, "explicit_paddings", &v, &n))) return st;
  if (n != 8) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "explicit_paddings has %zu values", n);
  int32_t pads[8];
  int64_t d[SR_MAX_RANK];
  sr_cv_tensor tx = *sr_cv_tv(c, *x);
  if (tx.rank != 4) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "input rank %d", tx.rank);
  for (int i = 0; i < 8; i++) {
    if (v[i] < 0 || v[i] > INT32_MAX) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "padding %lld", (long long)v[i]);
    pads[i] = (int32_t)v[i];
  }
  for (int i = 0; i < 4; i++) d[i] = tx.dims[i] < 0 ? -1 : tx.dims[i] + pads[2 * i] + pads[2 * i + 1];
  int64_t pd[2] = {4, 2};
  void* data;
  int pt = sr_cv_add_const_alloc(c->m, sr_cv_g(c), "paddings", SIGRUN_TYPE_INT32, 2, pd, &data, c->error);
  int t = sr_cv_out_tensor(c, node, "/pad", tx.type, 4, d);
  if (pt < 0 || t < 0) return c->error->status;
  memcpy(data, pads, sizeof pads);
  int ins[2] = {x->id, pt};
  if (sr_cv_emit(c, SR_BUILTIN_PAD, ins, 2, &t, 1, NULL) < 0) return c->error->status;
  *x = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

static sigrun_status zero_bias(sr_cv_ctx* c, const sr_tf_node* node, int64_t n, int* out) {
  void* data;
  int t = sr_cv_add_const_alloc(c->m, sr_cv_g(c), "bias", SIGRUN_TYPE_FLOAT32, 1, &n, &data, c->error);
  if (t < 0) return c->error->status;
  *out = t;
  return SIGRUN_STATUS_OK;
}

static sigrun_status lower_conv(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in, sr_cv_val* out,
                                int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 2);
  if (st) return st;
  if (!is_nhwc(node)) return sr_cv_unsupported(c, node, "data_format NCHW (only NHWC)");
  int depthwise = strcmp(node->op, "DepthwiseConv2dNative") == 0;
  int sh = 1, sw = 1, dh = 1, dw = 1, padding = 0;
  sr_cv_val x = in[0];
  if ((st = hw_attr(c, node, "strides", 1, &sh, &sw)) || (st = hw_attr(c, node, "dilations", 1, &dh, &dw)) ||
      (st = padding_attr(c, node, &x, &padding)))
    return st;
  sr_cv_tensor tx = *sr_cv_tv(c, x), tf = *sr_cv_tv(c, in[1]);
  if (tx.type != SIGRUN_TYPE_FLOAT32 || tf.type != SIGRUN_TYPE_FLOAT32)
    return sr_cv_unsupported(c, node, "%s convolution", sigrun_type_name(tx.type));
  if (tx.rank != 4 || tf.rank != 4 || !sr_cv_static(&tf))
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "needs a rank-4 input and a rank-4 filter of known shape");
  int64_t kh = tf.dims[0], kw = tf.dims[1], cin = tf.dims[2], cout = depthwise ? tf.dims[2] * tf.dims[3] : tf.dims[3];
  if (tx.dims[3] >= 0 && (depthwise ? tx.dims[3] != cin : cin == 0 || tx.dims[3] % cin != 0))
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "input has %lld channels, the filter expects %lld",
                      (long long)tx.dims[3], (long long)cin);
  sr_cv_val w;
  if (depthwise) {
    int64_t wd[4] = {1, kh, kw, cout};
    st = sr_cv_reshape(c, node, in[1], 4, wd, &w);
  } else {
    static const int hwio_to_ohwi[4] = {3, 0, 1, 2};
    st = sr_cv_transpose(c, node, in[1], hwio_to_ohwi, &w);
  }
  int bias = -1;
  if (st || (st = zero_bias(c, node, cout, &bias))) return st;
  int64_t d[4] = {tx.dims[0], window_out(tx.dims[1], padding, kh, sh, dh), window_out(tx.dims[2], padding, kw, sw, dw),
                  cout};
  int t = sr_cv_out_tensor(c, node, NULL, tx.type, 4, d);
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.padding = padding;
  o.stride_h = sh;
  o.stride_w = sw;
  o.dilation_h = dh;
  o.dilation_w = dw;
  o.depth_multiplier = depthwise ? (int)tf.dims[3] : 0;
  int ins[3] = {x.id, w.id, bias};
  if (t < 0 || sr_cv_emit(c, depthwise ? SR_BUILTIN_DEPTHWISE_CONV_2D : SR_BUILTIN_CONV_2D, ins, 3, &t, 1, &o) < 0)
    return c->error->status;
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

static sigrun_status lower_pool(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in, sr_cv_val* out,
                                int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 1);
  if (st) return st;
  if (!is_nhwc(node)) return sr_cv_unsupported(c, node, "data_format NCHW (only NHWC)");
  int kh = 1, kw = 1, sh = 1, sw = 1, padding = 0;
  sr_cv_val x = in[0];
  if ((st = hw_attr(c, node, "ksize", 1, &kh, &kw)) || (st = hw_attr(c, node, "strides", 1, &sh, &sw)) ||
      (st = padding_attr(c, node, &x, &padding)))
    return st;
  sr_cv_tensor tx = *sr_cv_tv(c, x);
  if (tx.rank != 4) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "input rank %d, not 4", tx.rank);
  if (tx.type != SIGRUN_TYPE_FLOAT32) return sr_cv_unsupported(c, node, "%s pooling", sigrun_type_name(tx.type));
  int64_t d[4] = {tx.dims[0], window_out(tx.dims[1], padding, kh, sh, 1), window_out(tx.dims[2], padding, kw, sw, 1),
                  tx.dims[3]};
  int t = sr_cv_out_tensor(c, node, NULL, tx.type, 4, d);
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.padding = padding;
  o.stride_h = sh;
  o.stride_w = sw;
  o.filter_h = kh;
  o.filter_w = kw;
  int code = strcmp(node->op, "MaxPool") == 0 ? SR_BUILTIN_MAX_POOL_2D : SR_BUILTIN_AVERAGE_POOL_2D;
  if (t < 0 || sr_cv_emit(c, code, &x.id, 1, &t, 1, &o) < 0) return c->error->status;
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

/* Conv2DBackpropInput (Keras Conv2DTranspose): TRANSPOSE_CONV(output_shape, weights, input), the TF filter
 * [H, W, out_channels, in_channels] transposed to [out_channels, H, W, in_channels]. The output shape comes from
 * input_sizes (partially known values give the static dims); a bias stays an ADD. */
static sigrun_status lower_conv_transpose(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                          sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 3);
  if (st) return st;
  if (!is_nhwc(node)) return sr_cv_unsupported(c, node, "data_format NCHW (only NHWC)");
  int sh = 1, sw = 1, dh = 1, dw = 1, padding = 0;
  sr_cv_val x = in[2];
  if ((st = hw_attr(c, node, "strides", 1, &sh, &sw)) || (st = hw_attr(c, node, "dilations", 1, &dh, &dw))) return st;
  const char* p;
  if ((st = sr_cv_attr_str(c, node, "padding", &p))) return st;
  if (strcmp(p, "SAME") && strcmp(p, "VALID")) return sr_cv_unsupported(c, node, "padding %s", p);
  padding = strcmp(p, "SAME") == 0 ? SR_CV_PAD_SAME : SR_CV_PAD_VALID;
  if (dh != 1 || dw != 1) return sr_cv_unsupported(c, node, "dilations above 1");
  sr_cv_tensor ts = *sr_cv_tv(c, in[0]), tf = *sr_cv_tv(c, in[1]), tx = *sr_cv_tv(c, x);
  if (tx.type != SIGRUN_TYPE_FLOAT32 || tf.type != SIGRUN_TYPE_FLOAT32)
    return sr_cv_unsupported(c, node, "%s transposed convolution", sigrun_type_name(tx.type));
  if (tx.rank != 4 || tf.rank != 4 || !sr_cv_static(&tf) || ts.rank != 1 || ts.dims[0] != 4)
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "needs rank-4 input and filter and 4 input_sizes");
  if (tx.dims[3] >= 0 && tx.dims[3] != tf.dims[3])
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "input has %lld channels, the filter %lld", (long long)tx.dims[3],
                      (long long)tf.dims[3]);
  int64_t d[4];
  for (int i = 0; i < 4; i++) {
    int64_t v = sr_cv_n_values(&ts) == 4 ? sr_cv_value(&ts, (size_t)i) : SR_CV_UNKNOWN;
    if (v != SR_CV_UNKNOWN && (v < 0 || v > INT32_MAX))
      return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "output size %lld", (long long)v);
    d[i] = v == SR_CV_UNKNOWN ? -1 : v;
  }
  if (d[3] >= 0 && d[3] != tf.dims[2])
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "output channels %lld, the filter %lld", (long long)d[3],
                      (long long)tf.dims[2]);
  static const int hwoi_to_ohwi[4] = {2, 0, 1, 3};
  sr_cv_val w, shape = in[0];
  if ((st = sr_cv_transpose(c, node, in[1], hwoi_to_ohwi, &w))) return st;
  if (ts.type != SIGRUN_TYPE_INT32 && (st = sr_cv_cast(c, node, in[0], SIGRUN_TYPE_INT32, &shape))) return st;
  int t = sr_cv_out_tensor(c, node, NULL, tx.type, 4, d);
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.padding = padding;
  o.stride_h = sh;
  o.stride_w = sw;
  int ins[3] = {shape.id, w.id, x.id};
  if (t < 0 || sr_cv_emit(c, SR_BUILTIN_TRANSPOSE_CONV, ins, 3, &t, 1, &o) < 0) return c->error->status;
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

/* ResizeBilinear / ResizeNearestNeighbor (Keras UpSampling2D with interpolation, Resizing): one builtin each. */
static sigrun_status lower_resize(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                  sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 2);
  if (st) return st;
  sr_cv_tensor tx = *sr_cv_tv(c, in[0]), ts = *sr_cv_tv(c, in[1]);
  if (tx.rank != 4 || ts.rank != 1 || ts.dims[0] != 2)
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "needs a rank-4 input and a size of 2");
  if (tx.type != SIGRUN_TYPE_FLOAT32) return sr_cv_unsupported(c, node, "%s images", sigrun_type_name(tx.type));
  int64_t d[4] = {tx.dims[0], -1, -1, tx.dims[3]};
  for (int i = 0; i < 2; i++) {
    int64_t v = sr_cv_n_values(&ts) == 2 ? sr_cv_value(&ts, (size_t)i) : SR_CV_UNKNOWN;
    if (v != SR_CV_UNKNOWN && (v < 0 || v > INT32_MAX)) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "size %lld", (long long)v);
    d[1 + i] = v == SR_CV_UNKNOWN ? -1 : v;
  }
  sr_cv_opts o;
  memset(&o, 0, sizeof o);
  o.adj_x = sr_cv_attr_bool_or(node, "align_corners", 0);      /* align_corners */
  o.adj_y = sr_cv_attr_bool_or(node, "half_pixel_centers", 0); /* half_pixel_centers */
  int bilinear = strcmp(node->op, "ResizeBilinear") == 0;
  int t = sr_cv_out_tensor(c, node, NULL, tx.type, 4, d);
  int ins[2] = {in[0].id, in[1].id};
  if (t < 0 || sr_cv_emit(c, bilinear ? SR_BUILTIN_RESIZE_BILINEAR : SR_BUILTIN_RESIZE_NEAREST_NEIGHBOR, ins, 2, &t,
                          1, &o) < 0)
    return c->error->status;
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

/* SpaceToBatchND / BatchToSpaceND over the spatial dims of an NHWC tensor (TF writes a dilated convolution as
 * SpaceToBatchND -> Conv2D -> BatchToSpaceND; fuse.c turns the trio back into one dilated CONV_2D). */
static sigrun_status lower_space_batch(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                       sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 3);
  if (st) return st;
  int to_batch = strcmp(node->op, "SpaceToBatchND") == 0;
  int64_t block[SR_MAX_RANK], pads[2 * SR_MAX_RANK];
  size_t nb, np;
  if ((st = sr_cv_known_ints(c, node, in[1], "block_shape", block, SR_MAX_RANK, &nb))) return st;
  sr_cv_tensor tp = *sr_cv_tv(c, in[2]), tx = *sr_cv_tv(c, in[0]);
  if (!tp.data || tp.rank != 2 || tp.dims[1] != 2 || !sr_cv_count(&tp, &np) || np > 2 * SR_MAX_RANK)
    return sr_cv_unsupported(c, node, "paddings / crops known only at run time");
  for (size_t i = 0; i < np; i++) pads[i] = sr_cv_elem_i(tp.data, tp.type, i);
  if (tx.rank < 0 || (size_t)tx.rank < nb + 1 || np != 2 * nb)
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "%zu block dims for rank %d", nb, tx.rank);
  int64_t d[SR_MAX_RANK], prod = 1;
  memcpy(d, tx.dims, sizeof d);
  for (size_t i = 0; i < nb; i++) {
    if (block[i] < 1 || block[i] > INT32_MAX || pads[2 * i] < 0 || pads[2 * i + 1] < 0 || pads[2 * i] > INT32_MAX ||
        pads[2 * i + 1] > INT32_MAX)
      return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "block %lld, padding %lld, %lld", (long long)block[i],
                        (long long)pads[2 * i], (long long)pads[2 * i + 1]);
    prod *= block[i];
    if (prod > INT32_MAX) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "block product too large");
    int64_t h = tx.dims[1 + i];
    if (h < 0) {
      d[1 + i] = -1;
    } else if (to_batch) {
      if ((h + pads[2 * i] + pads[2 * i + 1]) % block[i])
        return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "padded dim %zu is not a multiple of %lld", i + 1,
                          (long long)block[i]);
      d[1 + i] = (h + pads[2 * i] + pads[2 * i + 1]) / block[i];
    } else {
      d[1 + i] = h * block[i] - pads[2 * i] - pads[2 * i + 1];
      if (d[1 + i] < 0) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "crops exceed dim %zu", i + 1);
    }
  }
  if (tx.dims[0] >= 0) {
    if (!to_batch && tx.dims[0] % prod)
      return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "batch %lld is not a multiple of %lld", (long long)tx.dims[0],
                        (long long)prod);
    d[0] = to_batch ? tx.dims[0] * prod : tx.dims[0] / prod;
  }
  int32_t b32[SR_MAX_RANK];
  for (size_t i = 0; i < nb; i++) b32[i] = (int32_t)block[i];
  int bt = sr_cv_const_i32(c->m, sr_cv_g(c), "block_shape", b32, (int)nb, 0, c->error);
  int64_t pd[2] = {(int64_t)nb, 2};
  void* pdata;
  int pt = sr_cv_add_const_alloc(c->m, sr_cv_g(c), to_batch ? "paddings" : "crops", SIGRUN_TYPE_INT32, 2, pd, &pdata,
                                 c->error);
  int t = sr_cv_out_tensor(c, node, NULL, tx.type, tx.rank, d);
  if (bt < 0 || pt < 0 || t < 0) return c->error->status;
  for (size_t i = 0; i < np; i++) ((int32_t*)pdata)[i] = (int32_t)pads[i];
  int ins[3] = {in[0].id, bt, pt};
  if (sr_cv_emit(c, to_batch ? SR_BUILTIN_SPACE_TO_BATCH_ND : SR_BUILTIN_BATCH_TO_SPACE_ND, ins, 3, &t, 1, NULL) < 0)
    return c->error->status;
  out[0] = sr_cv_tensor_val(t);
  return SIGRUN_STATUS_OK;
}

/* ---- batch normalization ---- */

/* Inference: y = x * s + (offset - mean * s) with s = scale / sqrt(variance + epsilon), both folded. */
static sigrun_status batchnorm_inference(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, float eps,
                                         sr_cv_val* y) {
  for (int i = 1; i < 5; i++)
    if (!sr_cv_is_const(c, in[i])) return sr_cv_unsupported(c, node, "batch-norm parameters known only at run time");
  sr_cv_tensor ts = *sr_cv_tv(c, in[1]);
  size_t n;
  if (ts.rank != 1 || !sr_cv_count(&ts, &n)) return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "scale is not a vector");
  for (int i = 2; i < 5; i++) {
    sr_cv_tensor* t = sr_cv_tv(c, in[i]);
    size_t m;
    if (t->rank != 1 || !sr_cv_count(t, &m) || m != n || t->type != SIGRUN_TYPE_FLOAT32)
      return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "parameter %d is not a float vector of %zu", i, n);
  }
  if (ts.type != SIGRUN_TYPE_FLOAT32) return sr_cv_unsupported(c, node, "%s batch norm", sigrun_type_name(ts.type));
  int64_t dims[1] = {(int64_t)n};
  void *mul_data, *add_data;
  int mul = sr_cv_add_const_alloc(c->m, sr_cv_g(c), "batchnorm/mul", SIGRUN_TYPE_FLOAT32, 1, dims, &mul_data, c->error);
  int add = sr_cv_add_const_alloc(c->m, sr_cv_g(c), "batchnorm/add", SIGRUN_TYPE_FLOAT32, 1, dims, &add_data, c->error);
  if (mul < 0 || add < 0) return c->error->status;
  const sr_cv_tensor *scale = sr_cv_tv(c, in[1]), *offset = sr_cv_tv(c, in[2]), *mean = sr_cv_tv(c, in[3]),
                     *var = sr_cv_tv(c, in[4]);
  for (size_t i = 0; i < n; i++) {
    /* TF computes the inverse square root in float; so does this. */
    float inv = 1.0f / sqrtf((float)sr_cv_elem_f(var->data, var->type, i) + eps);
    float s = (float)sr_cv_elem_f(scale->data, scale->type, i) * inv;
    float b = (float)sr_cv_elem_f(offset->data, offset->type, i) - (float)sr_cv_elem_f(mean->data, mean->type, i) * s;
    sr_cv_set_f(mul_data, SIGRUN_TYPE_FLOAT32, i, s);
    sr_cv_set_f(add_data, SIGRUN_TYPE_FLOAT32, i, b);
  }
  sr_cv_val scaled;
  sigrun_status st = sr_cv_binary(c, node, SR_BUILTIN_MUL, in[0], sr_cv_tensor_val(mul), &scaled);
  if (!st) st = sr_cv_binary(c, node, SR_BUILTIN_ADD, scaled, sr_cv_tensor_val(add), y);
  return st;
}

/* Training mode (the fused form of LayerNormalization): statistics over every dim but the channel one. */
static sigrun_status batchnorm_training(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, float eps,
                                        sr_cv_val* y) {
  sr_cv_tensor tx = *sr_cv_tv(c, in[0]);
  if (tx.rank != 4 || tx.type != SIGRUN_TYPE_FLOAT32)
    return sr_cv_unsupported(c, node, "training-mode batch norm of a %s rank-%d input", sigrun_type_name(tx.type),
                             tx.rank);
  int nchw = !is_nhwc(node);
  int32_t axes[3] = {0, nchw ? 2 : 1, nchw ? 3 : 2};
  int ax = sr_cv_const_i32(c->m, sr_cv_g(c), "axes", axes, 3, 0, c->error);
  if (ax < 0) return c->error->status;
  int64_t kd[4] = {1, 1, 1, 1};
  kd[nchw ? 1 : 3] = tx.dims[nchw ? 1 : 3];
  sr_cv_opts keep;
  memset(&keep, 0, sizeof keep);
  keep.keep_dims = 1;
  int mean = sr_cv_out_tensor(c, node, "/mean", tx.type, 4, kd);
  int ins[2] = {in[0].id, ax};
  if (mean < 0 || sr_cv_emit(c, SR_BUILTIN_MEAN, ins, 2, &mean, 1, &keep) < 0) return c->error->status;
  sr_cv_val diff, var_in, inv, centered, normed, scaled, pshape[2];
  sigrun_status st = sr_cv_binary(c, node, SR_BUILTIN_SQUARED_DIFFERENCE, in[0], sr_cv_tensor_val(mean), &diff);
  if (st) return st;
  int var = sr_cv_out_tensor(c, node, "/variance", tx.type, 4, kd);
  int ins2[2] = {diff.id, ax};
  if (var < 0 || sr_cv_emit(c, SR_BUILTIN_MEAN, ins2, 2, &var, 1, &keep) < 0) return c->error->status;
  int e = sr_cv_const_f32(c->m, sr_cv_g(c), "epsilon", &eps, 1, 1, c->error);
  if (e < 0) return c->error->status;
  for (int i = 0; i < 2; i++)
    if ((st = sr_cv_reshape(c, node, in[1 + i], 4, kd, &pshape[i]))) return st;
  if ((st = sr_cv_binary(c, node, SR_BUILTIN_ADD, sr_cv_tensor_val(var), sr_cv_tensor_val(e), &var_in)) ||
      (st = sr_cv_unary(c, node, SR_BUILTIN_RSQRT, var_in, NULL, &inv)) ||
      (st = sr_cv_binary(c, node, SR_BUILTIN_SUB, in[0], sr_cv_tensor_val(mean), &centered)) ||
      (st = sr_cv_binary(c, node, SR_BUILTIN_MUL, centered, inv, &normed)) ||
      (st = sr_cv_binary(c, node, SR_BUILTIN_MUL, normed, pshape[0], &scaled)))
    return st;
  return sr_cv_binary(c, node, SR_BUILTIN_ADD, scaled, pshape[1], y);
}

static sigrun_status lower_fused_batch_norm(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in,
                                            sr_cv_val* out, int n_out) {
  sigrun_status st = sr_cv_need_inputs(c, node, in, n_in, 5);
  if (st) return st;
  float eps = 1e-4f;
  const sr_tf_attr* a = sr_tf_node_attr(node, "epsilon");
  if (a && a->kind == SR_TF_ATTR_F) eps = a->f;
  int training = sr_cv_attr_bool_or(node, "is_training", 1);
  if (!training && !is_nhwc(node)) return sr_cv_unsupported(c, node, "data_format NCHW in inference mode");
  st = training ? batchnorm_training(c, node, in, eps, &out[0]) : batchnorm_inference(c, node, in, eps, &out[0]);
  if (st) return st;
  /* batch_mean, batch_variance and the reserve spaces only matter for training graphs: give them the moving
   * statistics so anything reading them still has a tensor. */
  for (int i = 1; i < n_out; i++) out[i] = in[i == 1 || i == 3 ? 3 : 4];
  return SIGRUN_STATUS_OK;
}

const sr_cv_lowering sr_cv_nn_lowerings[] = {
    {"AvgPool", lower_pool},
    {"BatchMatMul", lower_matmul},
    {"BatchToSpaceND", lower_space_batch},
    {"BatchMatMulV2", lower_matmul},
    {"BatchMatMulV3", lower_matmul},
    {"Conv2D", lower_conv},
    {"Conv2DBackpropInput", lower_conv_transpose},
    {"DepthwiseConv2dNative", lower_conv},
    {"FusedBatchNorm", lower_fused_batch_norm},
    {"FusedBatchNormV2", lower_fused_batch_norm},
    {"FusedBatchNormV3", lower_fused_batch_norm},
    {"MatMul", lower_matmul},
    {"MaxPool", lower_pool},
    {"ResizeBilinear", lower_resize},
    {"ResizeNearestNeighbor", lower_resize},
    {"SpaceToBatchND", lower_space_batch},
    {NULL, NULL},
};
