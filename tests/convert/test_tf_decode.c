/*
 * test_tf_decode.c — the TF message decoders and view helpers (tf_decode*.c, tf_types.c) on hand-built bytes:
 * TensorProto content vs typed lists (the repeat-last rule, narrow ints, halves, bools, complex pairs) and
 * their checks, shapes, AttrValue's oneof (switching and merging), maps with duplicate keys (last wins, sorted),
 * NodeDef / OpDef / FunctionDef, stripped defaults, OpDef argument lengths and output indices, tensor
 * references, dtype facts, the stable sort.
 */
#include <stdlib.h>
#include <time.h>

#include "convert/tf_decode.h"
#include "harness.h"
#include "pb_writer.h"

static sigrun_error err;

static sigrun_status decode_tensor(const pbw* w, sr_pool* pool, sr_tf_tensor* t) {
  sr_pb_reader r;
  sr_pb_init(&r, w->buf, w->n, "t.pb", "TensorProto", &err);
  memset(t, 0, sizeof *t);
  return sr_tfd_tensor(&r, pool, t);
}

static void shape_msg(pbw* w, const int64_t* dims, int rank) {
  pbw dim;
  for (int i = 0; i < rank; i++) {
    dim.n = 0;
    pbw_int(&dim, 1, dims[i]);
    pbw_msg(w, 2, &dim);
  }
}

static void tensor_header(pbw* w, int dtype, const int64_t* dims, int rank) {
  static pbw shape;
  shape.n = 0;
  shape_msg(&shape, dims, rank);
  pbw_uint(w, 1, (uint64_t)dtype);
  pbw_msg(w, 2, &shape);
}

static void test_tensor_typed_lists(void) {
  sr_pool pool;
  sr_pool_init(&pool);
  sr_tf_tensor t;
  static pbw w;
  static const int64_t dims23[] = {2, 3};
  /* Floats packed: a single value repeats over all six elements. */
  w.n = 0;
  tensor_header(&w, SR_TF_FLOAT, dims23, 2);
  pbw_float(&w, 5, 2.5f);
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_OK && t.num_elements == 6);
  float f[6];
  CHECK(sr_tf_tensor_read(&t, f, sizeof f, &err) == SIGRUN_STATUS_OK);
  CHECK(f[0] == 2.5f && f[5] == 2.5f);
  /* Two values: the last one repeats. */
  pbw_float(&w, 5, -1.0f);
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_OK);
  CHECK(sr_tf_tensor_read(&t, f, sizeof f, &err) == SIGRUN_STATUS_OK);
  CHECK(f[0] == 2.5f && f[1] == -1.0f && f[2] == -1.0f && f[5] == -1.0f);
  /* No values at all: zeros. */
  w.n = 0;
  tensor_header(&w, SR_TF_FLOAT, dims23, 2);
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_OK);
  f[3] = 9;
  CHECK(sr_tf_tensor_read(&t, f, sizeof f, &err) == SIGRUN_STATUS_OK && f[3] == 0.0f);
  /* More values than elements: TF copies the first num_elements and ignores the rest. */
  for (int i = 0; i < 8; i++) pbw_float(&w, 5, (float)i);
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_OK);
  CHECK(sr_tf_tensor_read(&t, f, sizeof f, &err) == SIGRUN_STATUS_OK && f[5] == 5.0f);
  /* int8 from int_val keeps the low byte; int16 the low two. TF's tf.io.parse_tensor of int_val [-2, 300] as
   * int8 [3] gives [-2, 44, 44] (checked with TF 2.21). */
  static const int64_t dims3[] = {3};
  w.n = 0;
  tensor_header(&w, SR_TF_INT8, dims3, 1);
  pbw_int(&w, 7, -2);
  pbw_int(&w, 7, 300);
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_OK);
  int8_t i8[3];
  CHECK(sr_tf_tensor_read(&t, i8, 3, &err) == SIGRUN_STATUS_OK && i8[0] == -2 && i8[1] == 44 && i8[2] == 44);
  w.n = 0;
  tensor_header(&w, SR_TF_INT16, dims3, 1);
  pbw_int(&w, 7, -300);
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_OK);
  int16_t i16[3];
  CHECK(sr_tf_tensor_read(&t, i16, 6, &err) == SIGRUN_STATUS_OK && i16[0] == -300 && i16[2] == -300);
  /* float16 bit patterns from half_val; bools; int64; complex64 pairs. */
  w.n = 0;
  tensor_header(&w, SR_TF_HALF, dims3, 1);
  pbw_uint(&w, 13, 0x3c00);
  pbw_uint(&w, 13, 0xc000);
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_OK);
  uint16_t h[3];
  CHECK(sr_tf_tensor_read(&t, h, 6, &err) == SIGRUN_STATUS_OK && h[0] == 0x3c00 && h[1] == 0xc000 && h[2] == 0xc000);
  w.n = 0;
  tensor_header(&w, SR_TF_BOOL, dims3, 1);
  pbw_len(&w, 11, "\x01\x00", 2);
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_OK);
  uint8_t b[3];
  CHECK(sr_tf_tensor_read(&t, b, 3, &err) == SIGRUN_STATUS_OK && b[0] == 1 && b[1] == 0 && b[2] == 0);
  w.n = 0;
  tensor_header(&w, SR_TF_INT64, dims3, 1);
  pbw_int(&w, 10, INT64_MIN);
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_OK);
  int64_t i64[3];
  CHECK(sr_tf_tensor_read(&t, i64, 24, &err) == SIGRUN_STATUS_OK && i64[2] == INT64_MIN);
  static const int64_t dims2[] = {2};
  w.n = 0;
  tensor_header(&w, SR_TF_COMPLEX64, dims2, 1);
  pbw_float(&w, 9, 1.0f);
  pbw_float(&w, 9, -1.0f);
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_OK);
  float c[4];
  CHECK(sr_tf_tensor_read(&t, c, 16, &err) == SIGRUN_STATUS_OK && c[0] == 1 && c[1] == -1 && c[2] == 1 && c[3] == -1);
  /* An odd trailing value is not a pair: TF reads scomplex_val [1, 2, 3] for complex64 [2] as [1+2j, 1+2j]. */
  pbw_float(&w, 9, 5.0f);
  pbw_float(&w, 9, 6.0f);
  pbw_float(&w, 9, 7.0f);
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_OK && t.n_scomplex_val == 5);
  CHECK(sr_tf_tensor_read(&t, c, 16, &err) == SIGRUN_STATUS_OK && c[0] == 1 && c[1] == -1 && c[2] == 5 && c[3] == 6);
  /* Strings have no dense form. */
  w.n = 0;
  tensor_header(&w, SR_TF_STRING, dims2, 1);
  pbw_str(&w, 8, "ab");
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_OK && t.n_string_val == 1 && t.string_val[0].size == 2);
  size_t nbytes;
  CHECK(sr_tf_tensor_nbytes(&t, &nbytes, &err) == SIGRUN_STATUS_UNSUPPORTED);
  sr_pool_destroy(&pool);
}

static void test_tensor_content_and_checks(void) {
  sr_pool pool;
  sr_pool_init(&pool);
  sr_tf_tensor t;
  static pbw w;
  static const int64_t dims2[] = {2};
  static const float vals[2] = {1.25f, -8.0f};
  w.n = 0;
  tensor_header(&w, SR_TF_FLOAT, dims2, 1);
  pbw_len(&w, 4, vals, 8);
  pbw_float(&w, 5, 99.0f); /* ignored: tensor_content wins */
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_OK && t.content_size == 8);
  float f[2];
  CHECK(sr_tf_tensor_read(&t, f, 8, &err) == SIGRUN_STATUS_OK && f[0] == 1.25f && f[1] == -8.0f);
  CHECK(sr_tf_tensor_read(&t, f, 4, &err) == SIGRUN_STATUS_BAD_ARGUMENT);
  /* tensor_content of the wrong size. */
  w.n = 0;
  tensor_header(&w, SR_TF_FLOAT, dims2, 1);
  pbw_len(&w, 4, vals, 7);
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "t.pb: TensorProto at offset 0: tensor_content has 7 bytes");
  /* A scalar (no dims) has one element. */
  w.n = 0;
  pbw_uint(&w, 1, SR_TF_INT32);
  pbw_int(&w, 7, -7);
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_OK && t.num_elements == 1 && t.shape.rank == 0);
  /* Unknown dims, unknown rank, negative dims and overflowing element counts are rejected. */
  static const int64_t unknown[] = {-1, 2};
  w.n = 0;
  tensor_header(&w, SR_TF_FLOAT, unknown, 2);
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_BAD_MODEL);
  static const int64_t negative[] = {-5};
  w.n = 0;
  tensor_header(&w, SR_TF_FLOAT, negative, 1);
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "dim 0 is -5");
  static const int64_t huge[] = {INT64_MAX, INT64_MAX};
  w.n = 0;
  tensor_header(&w, SR_TF_FLOAT, huge, 2);
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "overflow");
  static const int64_t big[] = {(int64_t)1 << 62};
  w.n = 0;
  tensor_header(&w, SR_TF_DOUBLE, big, 1); /* elements fit, bytes do not */
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_BAD_MODEL);
  static pbw shape;
  shape.n = 0;
  pbw_uint(&shape, 3, 1);
  w.n = 0;
  pbw_uint(&w, 1, SR_TF_FLOAT);
  pbw_msg(&w, 2, &shape);
  CHECK(decode_tensor(&w, &pool, &t) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "unknown rank");
  /* unknown_rank together with dims is inconsistent even in a plain shape. */
  shape_msg(&shape, dims2, 1);
  sr_pb_reader r;
  sr_pb_init(&r, shape.buf, shape.n, "t.pb", "TensorShapeProto", &err);
  sr_tf_shape s = {0};
  CHECK(sr_tfd_shape(&r, &pool, &s) == SIGRUN_STATUS_BAD_MODEL);
  sr_pool_destroy(&pool);
}

static sigrun_status decode_node(const pbw* w, sr_pool* pool, sr_tf_node* n) {
  sr_pb_reader r;
  sr_pb_init(&r, w->buf, w->n, "t.pb", "NodeDef", &err);
  memset(n, 0, sizeof *n);
  return sr_tfd_node(&r, pool, n);
}

static void attr_entry(pbw* w, const char* key, const pbw* value) {
  static pbw e;
  e.n = 0;
  pbw_str(&e, 1, key);
  pbw_msg(&e, 2, value);
  pbw_msg(w, 5, &e);
}

static void test_node_and_attrs(void) {
  sr_pool pool;
  sr_pool_init(&pool);
  static pbw w, v, list;
  w.n = 0;
  pbw_str(&w, 1, "conv");
  pbw_str(&w, 2, "Conv2D");
  pbw_str(&w, 3, "x");
  pbw_str(&w, 3, "w/read:value:0");
  pbw_str(&w, 3, "^init");
  v.n = 0;
  pbw_str(&v, 2, "SAME");
  attr_entry(&w, "padding", &v);
  v.n = 0;
  pbw_str(&v, 2, "VALID");
  attr_entry(&w, "padding", &v); /* a later duplicate key wins */
  list.n = 0;
  pbw_len(&list, 3, "\x01\x02\x02\x01", 4); /* packed int64 list */
  v.n = 0;
  pbw_msg(&v, 1, &list);
  attr_entry(&w, "strides", &v);
  v.n = 0;
  pbw_uint(&v, 6, SR_TF_FLOAT);
  attr_entry(&w, "T", &v);
  pbw_str(&w, 4, "/cpu:0");
  sr_tf_node n;
  CHECK(decode_node(&w, &pool, &n) == SIGRUN_STATUS_OK);
  CHECK(strcmp(n.name, "conv") == 0 && strcmp(n.op, "Conv2D") == 0 && n.n_input == 3);
  CHECK(strcmp(n.device, "/cpu:0") == 0);
  CHECK(n.attr.count == 3);
  CHECK(strcmp(n.attr.items[0].key, "T") == 0 && strcmp(n.attr.items[1].key, "padding") == 0);
  const sr_tf_attr* pad = sr_tf_attr_find(&n.attr, "padding");
  CHECK(pad && pad->kind == SR_TF_ATTR_S && strcmp(pad->s.data, "VALID") == 0);
  const sr_tf_attr* strides = sr_tf_attr_find(&n.attr, "strides");
  CHECK(strides && strides->kind == SR_TF_ATTR_LIST && strides->list->n_i == 4 && strides->list->i[1] == 2);
  CHECK(sr_tf_attr_find(&n.attr, "missing") == NULL);
  /* AttrValue's oneof: a list that arrives twice merges; another member replaces it. */
  v.n = 0;
  list.n = 0;
  pbw_int(&list, 3, 1);
  pbw_msg(&v, 1, &list);
  list.n = 0;
  pbw_int(&list, 3, 2);
  pbw_msg(&v, 1, &list);
  sr_tf_attr a = {0};
  sr_pb_reader r;
  sr_pb_init(&r, v.buf, v.n, "t.pb", "AttrValue", &err);
  CHECK(sr_tfd_attr(&r, &pool, &a) == SIGRUN_STATUS_OK && a.kind == SR_TF_ATTR_LIST && a.list->n_i == 2);
  pbw_int(&v, 3, 42);
  memset(&a, 0, sizeof a);
  sr_pb_init(&r, v.buf, v.n, "t.pb", "AttrValue", &err);
  CHECK(sr_tfd_attr(&r, &pool, &a) == SIGRUN_STATUS_OK && a.kind == SR_TF_ATTR_I && a.i == 42);
  /* A name with a NUL byte is refused. */
  w.n = 0;
  pbw_len(&w, 1, "a\0b", 3);
  CHECK(decode_node(&w, &pool, &n) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "NUL");
  /* A map entry with a missing value is the default AttrValue (kind NONE). */
  w.n = 0;
  static pbw e;
  e.n = 0;
  pbw_str(&e, 1, "empty");
  pbw_msg(&w, 5, &e);
  CHECK(decode_node(&w, &pool, &n) == SIGRUN_STATUS_OK && n.attr.count == 1);
  CHECK(n.attr.items[0].value.kind == SR_TF_ATTR_NONE);
  CHECK(strcmp(n.name, "") == 0 && strcmp(n.op, "") == 0);
  sr_pool_destroy(&pool);
}

/* An OpDef like Split: attr num_split (int, min 1) and T, output "output" a list of num_split T. */
static void split_op_def(pbw* w) {
  static pbw arg, attr, defv;
  w->n = 0;
  pbw_str(w, 1, "Split");
  arg.n = 0;
  pbw_str(&arg, 1, "split_dim");
  pbw_uint(&arg, 3, SR_TF_INT32);
  pbw_msg(w, 2, &arg);
  arg.n = 0;
  pbw_str(&arg, 1, "value");
  pbw_str(&arg, 4, "T");
  pbw_msg(w, 2, &arg);
  arg.n = 0;
  pbw_str(&arg, 1, "output");
  pbw_str(&arg, 4, "T");
  pbw_str(&arg, 5, "num_split");
  pbw_msg(w, 3, &arg);
  arg.n = 0;
  pbw_str(&arg, 1, "extra");
  pbw_str(&arg, 6, "Tout");
  pbw_msg(w, 3, &arg);
  attr.n = 0;
  pbw_str(&attr, 1, "num_split");
  pbw_str(&attr, 2, "int");
  pbw_uint(&attr, 5, 1);
  pbw_int(&attr, 6, 1);
  pbw_msg(w, 4, &attr);
  attr.n = 0;
  pbw_str(&attr, 1, "T");
  pbw_str(&attr, 2, "type");
  pbw_msg(w, 4, &attr);
  attr.n = 0;
  pbw_str(&attr, 1, "Tout");
  pbw_str(&attr, 2, "list(type)");
  defv.n = 0;
  static pbw types;
  types.n = 0;
  pbw_len(&types, 6, "\x01\x03", 2); /* [float, int32] */
  pbw_msg(&defv, 1, &types);
  pbw_msg(&attr, 3, &defv);
  pbw_msg(w, 4, &attr);
  pbw_uint(w, 17, 1);
}

static void test_op_def_and_outputs(void) {
  sr_pool pool;
  sr_pool_init(&pool);
  static pbw w, nw, v;
  split_op_def(&w);
  sr_tf_op_def op = {0};
  sr_pb_reader r;
  sr_pb_init(&r, w.buf, w.n, "t.pb", "OpDef", &err);
  CHECK(sr_tfd_op_def(&r, &pool, &op) == SIGRUN_STATUS_OK);
  CHECK(strcmp(op.name, "Split") == 0 && op.n_input_arg == 2 && op.n_output_arg == 2 && op.n_attr == 3);
  CHECK(op.is_stateful && op.input_arg[0].type == SR_TF_INT32 && strcmp(op.input_arg[1].type_attr, "T") == 0);
  CHECK(strcmp(op.input_arg[0].number_attr, "") == 0);
  const sr_tf_attr_def* ns = sr_tf_op_def_attr(&op, "num_split");
  CHECK(ns && ns->has_minimum && ns->minimum == 1 && !ns->has_default);
  /* A node using it: num_split 3; Tout comes back from the OpDef default (stripped). */
  nw.n = 0;
  pbw_str(&nw, 1, "split");
  pbw_str(&nw, 2, "Split");
  v.n = 0;
  pbw_int(&v, 3, 3);
  attr_entry(&nw, "num_split", &v);
  v.n = 0;
  pbw_uint(&v, 6, SR_TF_FLOAT);
  attr_entry(&nw, "T", &v);
  sr_tf_node n;
  CHECK(decode_node(&nw, &pool, &n) == SIGRUN_STATUS_OK);
  n.op_def = &op;
  const sr_tf_attr* tout = sr_tf_node_attr(&n, "Tout");
  CHECK(tout && tout->kind == SR_TF_ATTR_LIST && tout->list->n_type == 2);
  size_t count = 0, flat = 0;
  CHECK(sr_tf_node_output_count(&n, &count, &err) == SIGRUN_STATUS_OK && count == 5);
  CHECK(sr_tf_node_output_index(&n, "output", 6, 2, &flat, &err) == SIGRUN_STATUS_OK && flat == 2);
  CHECK(sr_tf_node_output_index(&n, "extra", 5, 1, &flat, &err) == SIGRUN_STATUS_OK && flat == 4);
  CHECK(sr_tf_node_output_index(&n, "output", 6, 3, &flat, &err) == SIGRUN_STATUS_NOT_FOUND);
  CHECK_CONTAINS(err.message, "node 'split' (Split): output 'output' has 3 tensors, index 3");
  CHECK(sr_tf_node_output_index(&n, "outputs", 7, 0, &flat, &err) == SIGRUN_STATUS_NOT_FOUND);
  CHECK(sr_tf_node_output_index(&n, "", 0, 4, &flat, &err) == SIGRUN_STATUS_OK && flat == 4);
  CHECK(sr_tf_node_output_index(&n, "", 0, 5, &flat, &err) == SIGRUN_STATUS_NOT_FOUND);
  int32_t dtype = 0;
  CHECK(sr_tf_arg_dtype(&n, &op.output_arg[0], 2, &dtype, &err) == SIGRUN_STATUS_OK && dtype == SR_TF_FLOAT);
  CHECK(sr_tf_arg_dtype(&n, &op.output_arg[1], 1, &dtype, &err) == SIGRUN_STATUS_OK && dtype == SR_TF_INT32);
  CHECK(sr_tf_arg_dtype(&n, &op.output_arg[1], 2, &dtype, &err) == SIGRUN_STATUS_BAD_MODEL);
  CHECK(sr_tf_arg_dtype(&n, &op.input_arg[0], 0, &dtype, &err) == SIGRUN_STATUS_OK && dtype == SR_TF_INT32);
  /* A negative or missing number attr is an error naming node and attr. */
  v.n = 0;
  pbw_int(&v, 3, -1);
  attr_entry(&nw, "num_split", &v);
  CHECK(decode_node(&nw, &pool, &n) == SIGRUN_STATUS_OK);
  n.op_def = &op;
  CHECK(sr_tf_node_output_count(&n, &count, &err) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "num_split");
  n.op_def = NULL;
  CHECK(sr_tf_node_output_count(&n, &count, &err) == SIGRUN_STATUS_NOT_FOUND);
  CHECK(sr_tf_node_output_index(&n, "output", 6, 0, &flat, &err) == SIGRUN_STATUS_NOT_FOUND);
  CHECK(sr_tf_node_output_index(&n, "", 0, 7, &flat, &err) == SIGRUN_STATUS_OK && flat == 7);
  sr_pool_destroy(&pool);
}

static void test_function_def(void) {
  sr_pool pool;
  sr_pool_init(&pool);
  static pbw w, sig, arg, node, entry, aa, attrs, v;
  w.n = sig.n = 0;
  pbw_str(&sig, 1, "__inference_f_1");
  arg.n = 0;
  pbw_str(&arg, 1, "x");
  pbw_uint(&arg, 3, SR_TF_FLOAT);
  pbw_msg(&sig, 2, &arg);
  arg.n = 0;
  pbw_str(&arg, 1, "identity");
  pbw_uint(&arg, 3, SR_TF_FLOAT);
  pbw_msg(&sig, 3, &arg);
  pbw_msg(&w, 1, &sig);
  for (int i = 0; i < 2; i++) {
    node.n = 0;
    pbw_str(&node, 1, i ? "Identity" : "Relu");
    pbw_str(&node, 2, i ? "Identity" : "Relu");
    pbw_str(&node, 3, i ? "Relu:activations:0" : "x");
    pbw_msg(&w, 3, &node);
  }
  const char* rets[][2] = {{"identity", "Relu:activations:0"}, {"identity", "Identity:output:0"}};
  for (int i = 0; i < 2; i++) { /* duplicate ret key: the later wins */
    entry.n = 0;
    pbw_str(&entry, 1, rets[i][0]);
    pbw_str(&entry, 2, rets[i][1]);
    pbw_msg(&w, 4, &entry);
  }
  for (int idx = 1; idx >= 0; idx--) { /* arg_attr map keyed by uint32, given out of order */
    attrs.n = 0;
    v.n = 0;
    pbw_str(&v, 2, idx ? "second" : "x");
    entry.n = 0;
    pbw_str(&entry, 1, "_user_specified_name");
    pbw_msg(&entry, 2, &v);
    pbw_msg(&attrs, 1, &entry);
    aa.n = 0;
    pbw_uint(&aa, 1, (uint64_t)idx);
    pbw_msg(&aa, 2, &attrs);
    pbw_msg(&w, 7, &aa);
  }
  sr_tf_function f = {0};
  sr_pb_reader r;
  sr_pb_init(&r, w.buf, w.n, "t.pb", "FunctionDef", &err);
  CHECK(sr_tfd_function(&r, &pool, &f) == SIGRUN_STATUS_OK);
  CHECK(strcmp(f.signature.name, "__inference_f_1") == 0 && f.node_def.count == 2 && f.n_ret == 1);
  CHECK(strcmp(sr_tf_str_map_find(f.ret, f.n_ret, "identity"), "Identity:output:0") == 0);
  CHECK(f.n_arg_attr == 2 && f.arg_attr[0].index == 0 && f.arg_attr[1].index == 1);
  const sr_tf_attr_map* a0 = sr_tf_function_arg_attrs(&f, 0);
  const sr_tf_attr* name = a0 ? sr_tf_attr_find(a0, "_user_specified_name") : NULL;
  CHECK(name && strcmp(name->s.data, "x") == 0);
  CHECK(sr_tf_function_arg_attrs(&f, 5) == NULL);
  CHECK(sr_tfd_index_nodes("t.pb", "function 'f'", &pool, &f.node_def, &err) == SIGRUN_STATUS_OK);
  CHECK(sr_tf_nodes_find(&f.node_def, "Relu") == &f.node_def.items[0]);
  CHECK(sr_tf_nodes_find_n(&f.node_def, "Identity:output:0", 8) == &f.node_def.items[1]);
  CHECK(sr_tf_nodes_find(&f.node_def, "Reluu") == NULL && sr_tf_nodes_find(&f.node_def, "Rel") == NULL);
  /* A duplicated node name is refused. */
  pbw_msg(&w, 3, &node);
  memset(&f, 0, sizeof f);
  sr_pb_init(&r, w.buf, w.n, "t.pb", "FunctionDef", &err);
  CHECK(sr_tfd_function(&r, &pool, &f) == SIGRUN_STATUS_OK);
  CHECK(sr_tfd_index_nodes("t.pb", "function 'f'", &pool, &f.node_def, &err) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "t.pb: function 'f': node 'Identity' is defined twice");
  sr_pool_destroy(&pool);
}

static void test_tensor_refs(void) {
  sr_tf_tensor_ref r;
  CHECK(sr_tf_parse_tensor_ref("x", &r) && r.name_len == 1 && r.index == 0 && !r.arg_len && !r.is_control);
  CHECK(sr_tf_parse_tensor_ref("a/b:3", &r) && r.name_len == 3 && r.index == 3 && !r.arg_len);
  CHECK(sr_tf_parse_tensor_ref("dense/MatMul:product:0", &r) && r.name_len == 12 && r.arg_len == 7 &&
        strncmp(r.arg, "product", 7) == 0 && r.index == 0);
  CHECK(sr_tf_parse_tensor_ref("^NoOp", &r) && r.is_control && r.name_len == 4);
  CHECK(sr_tf_parse_tensor_ref("s:2147483647", &r) && r.index == 2147483647);
  static const char* bad[] = {"", ":1", "a:", "a:b:", "a::1", "a:-1", "a:1x", "a:2147483648", "a:b:c:1", "^", "^a:1",
                              "a:99999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int ok = sr_tf_parse_tensor_ref(bad[i], &r);
    CHECK(!ok);
    if (ok) fprintf(stderr, "  accepted '%s'\n", bad[i]);
  }
}

static void test_dtypes(void) {
  CHECK(sr_tf_dtype_size(SR_TF_FLOAT) == 4 && sr_tf_dtype_size(SR_TF_COMPLEX128) == 16);
  CHECK(sr_tf_dtype_size(SR_TF_HALF) == 2 && sr_tf_dtype_size(SR_TF_BOOL) == 1 && sr_tf_dtype_size(SR_TF_UINT64) == 8);
  CHECK(sr_tf_dtype_size(SR_TF_STRING) == 0 && sr_tf_dtype_size(SR_TF_RESOURCE) == 0);
  CHECK(sr_tf_dtype_size(0) == 0 && sr_tf_dtype_size(24) == 0);
  CHECK(sr_tf_dtype_size(-3) == 0 && sr_tf_dtype_size(101) == 0);
  CHECK(strcmp(sr_tf_dtype_name(SR_TF_FLOAT), "float32") == 0 && strcmp(sr_tf_dtype_name(SR_TF_HALF), "float16") == 0);
  CHECK(strcmp(sr_tf_dtype_name(101), "float32_ref") == 0 && strcmp(sr_tf_dtype_name(123), "uint64_ref") == 0);
  CHECK(strcmp(sr_tf_dtype_name(0), "invalid") == 0 && strcmp(sr_tf_dtype_name(124), "invalid") == 0);
}

typedef struct keyed {
  const char* key;
  int seq;
} keyed;

/* The merge sort is stable, and map_finish keeps the last of equal keys: checked against a brute force. */
static void test_sort_and_map_rules(void) {
  static const char* names[] = {"b", "a", "c", "a", "b", "", "a"};
  enum { N = 2000 };
  static keyed items[N];
  for (int i = 0; i < N; i++) items[i] = (keyed){names[(i * 7 + i / 3) % 7], i};
  CHECK(sr_tfd_sort(items, N, sizeof *items, sr_tfd_cmp_key) == SIGRUN_STATUS_OK);
  int ok = 1;
  for (int i = 1; i < N; i++) {
    int c = strcmp(items[i - 1].key, items[i].key);
    ok &= c < 0 || (c == 0 && items[i - 1].seq < items[i].seq);
  }
  CHECK(ok);
  sr_pb_reader r;
  sr_pb_init(&r, NULL, 0, "t.pb", "Map", &err);
  size_t count = N;
  CHECK(sr_tfd_map_finish(&r, items, &count, sizeof *items) == SIGRUN_STATUS_OK);
  CHECK(count == 4 && strcmp(items[0].key, "") == 0 && strcmp(items[3].key, "c") == 0);
  for (size_t k = 0; k < count; k++) {
    int last = -1;
    for (int i = 0; i < N; i++)
      if (strcmp(names[(i * 7 + i / 3) % 7], items[k].key) == 0) last = i;
    CHECK(items[k].seq == last);
  }
  size_t dup;
  CHECK(sr_tfd_sort_unique(items, count, sizeof *items, &dup) == SIGRUN_STATUS_OK && dup == count);
  items[2].key = items[1].key;
  CHECK(sr_tfd_sort_unique(items, count, sizeof *items, &dup) == SIGRUN_STATUS_OK && dup == 2);
}

/* A singular sub-message may occur any number of times (protobuf merges the occurrences). Checking or sorting
 * after every occurrence would be quadratic: these inputs take well under a second when the work is done once,
 * and minutes otherwise, which the CPU-time bound turns into a failure. */
static void test_repeated_singular_fields_are_linear(void) {
  enum { K = 1000000 };
  /* shape { dim { size: 1 } } and tensor { shape { dim { size: 1 } } } */
  static const uint8_t shape_once[] = {0x3a, 0x04, 0x12, 0x02, 0x08, 0x01};
  static const uint8_t tensor_once[] = {0x42, 0x06, 0x12, 0x04, 0x12, 0x02, 0x08, 0x01};
  /* func { attr { "kNNNNNN": i 1 } } with a different key each time, so the merged map keeps growing. */
  static const uint8_t func_once[] = {0x52, 0x0f, 0x12, 0x0d, 0x0a, 0x07, 'k', '0', '0', '0', '0', '0', '0',
                                      0x12, 0x02, 0x18, 0x01};
  const uint8_t* patterns[] = {shape_once, tensor_once, func_once};
  const size_t sizes[] = {sizeof shape_once, sizeof tensor_once, sizeof func_once};
  for (int p = 0; p < 3; p++) {
    size_t k = p == 2 ? K / 4 : K;
    uint8_t* buf = malloc(k * sizes[p]);
    for (size_t i = 0; i < k; i++) {
      memcpy(buf + i * sizes[p], patterns[p], sizes[p]);
      if (p == 2) {
        char digits[8];
        snprintf(digits, sizeof digits, "%06zu", (i * 7919) % k); /* keys in scrambled order */
        memcpy(buf + i * sizes[p] + 7, digits, 6);
      }
    }
    sr_pool pool;
    sr_pool_init(&pool);
    sr_tf_attr a = {0};
    sr_pb_reader r;
    sr_pb_init(&r, buf, k * sizes[p], "t.pb", "AttrValue", &err);
    clock_t start = clock();
    sigrun_status st = sr_tfd_attr(&r, &pool, &a);
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    CHECK(seconds < 10.0);
    if (p == 0) CHECK(st == SIGRUN_STATUS_OK && a.kind == SR_TF_ATTR_SHAPE && a.shape->rank == k);
    if (p == 1) CHECK(st == SIGRUN_STATUS_OK && a.kind == SR_TF_ATTR_TENSOR && a.tensor->shape.rank == k &&
                      a.tensor->num_elements == 1);
    if (p == 2) {
      CHECK(st == SIGRUN_STATUS_OK && a.kind == SR_TF_ATTR_FUNC && a.func->attr.count == k);
      CHECK(st == SIGRUN_STATUS_OK && strcmp(a.func->attr.items[k - 1].key, "k249999") == 0);
    }
    sr_pool_destroy(&pool);
    free(buf);
  }
}

int main(void) {
  RUN(test_tensor_typed_lists);
  RUN(test_tensor_content_and_checks);
  RUN(test_node_and_attrs);
  RUN(test_op_def_and_outputs);
  RUN(test_function_def);
  RUN(test_tensor_refs);
  RUN(test_dtypes);
  RUN(test_sort_and_map_rules);
  RUN(test_repeated_singular_fields_are_linear);
  return TEST_SUMMARY();
}
