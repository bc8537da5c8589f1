/*
 * test_tflite_write.c — the .tflite writer (src/convert/tflite_write.c) on IR built by hand: the bytes load in
 * sigrun's verifying loader and run; signatures come out in model order with sorted TensorMaps; a weight used
 * by two signatures is stored once; dead operators and unused tensors are left out; dynamic dims become
 * shape 1 / shape_signature -1.
 */
#include "harness.h"

#include "convert/graph.h"
#include "convert/tflite_write.h"
#include "format/flatbuf.h"

/* y = relu(x @ W^T + b) in one signature, z = x @ W^T in another, W shared. x is [-1, 3]. */
static int build(sr_cv_model* m, const float* w, const float* bias) {
  sigrun_error e;
  const char* keys[2] = {"decode", "encode"};
  for (int s = 0; s < 2; s++) {
    int gi = sr_cv_add_graph(m, keys[s], &e);
    sr_cv_graph* g = &m->graphs[gi];
    int64_t in_dims[2] = {-1, 3}, w_dims[2] = {2, 3}, b_dims[1] = {2}, out_dims[2] = {-1, 2};
    int x = sr_cv_add_tensor(m, g, s ? "encode_x:0" : "decode_x:0", SIGRUN_TYPE_FLOAT32, 2, in_dims, &e);
    int wt = sr_cv_add_const(m, g, "W", SIGRUN_TYPE_FLOAT32, 2, w_dims, w, 24, &e);
    int bt = sr_cv_add_const(m, g, "b", SIGRUN_TYPE_FLOAT32, 1, b_dims, bias, 8, &e);
    int unused = sr_cv_add_const(m, g, "unused", SIGRUN_TYPE_FLOAT32, 1, b_dims, bias, 8, &e);
    int y = sr_cv_add_tensor(m, g, "StatefulPartitionedCall:0", SIGRUN_TYPE_FLOAT32, 2, out_dims, &e);
    int dead_out = sr_cv_add_tensor(m, g, "dead", SIGRUN_TYPE_FLOAT32, 2, out_dims, &e);
    sr_cv_opts o;
    memset(&o, 0, sizeof o);
    o.act = s ? SR_CV_ACT_RELU : SR_CV_ACT_NONE;
    int in[3] = {x, wt, s ? bt : -1};
    CHECK(sr_cv_add_op(m, g, SR_BUILTIN_FULLY_CONNECTED, in, 3, &y, 1, &o, "fc", &e) == 0);
    int in2[2] = {x, unused};
    CHECK(sr_cv_add_op(m, g, SR_BUILTIN_ADD, in2, 2, &dead_out, 1, NULL, "dead", &e) == 1);
    g->inputs = sr_pool_array(&m->pool, 1, sizeof(int));
    g->outputs = sr_pool_array(&m->pool, 1, sizeof(int));
    g->inputs[0] = x;
    g->outputs[0] = y;
    g->n_inputs = g->n_outputs = 1;
    sr_cv_remove_dead(g);
    CHECK(g->ops[1].dead && !g->ops[0].dead);
  }
  m->signatures = sr_pool_array(&m->pool, 2, sizeof *m->signatures);
  m->n_signatures = 2;
  for (int s = 0; s < 2; s++) {
    sr_cv_signature* sig = &m->signatures[s];
    sig->key = keys[s];
    sig->subgraph = s;
    sig->inputs = sr_pool_array(&m->pool, 1, sizeof *sig->inputs);
    sig->outputs = sr_pool_array(&m->pool, 1, sizeof *sig->outputs);
    sig->inputs[0].name = "x";
    sig->inputs[0].tensor = 0;
    sig->outputs[0].name = s ? "encoded" : "decoded";
    sig->outputs[0].tensor = 4;
    sig->n_inputs = sig->n_outputs = 1;
  }
  return 1;
}

static void run(sigrun_interpreter* interp, const char* key, const float* x, float* y) {
  sigrun_runner* r;
  sigrun_error e;
  CHECK(sigrun_interpreter_get_runner(interp, key, &r, &e) == SIGRUN_STATUS_OK);
  int32_t dims[2] = {1, 3};
  CHECK(sigrun_runner_resize_input(r, "x", dims, 2, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_allocate(r, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_set_input(r, "x", x, 12, &e) == SIGRUN_STATUS_OK);
  CHECK(sigrun_runner_invoke(r, &e) == SIGRUN_STATUS_OK);
  const char* out = strcmp(key, "encode") == 0 ? "encoded" : "decoded";
  CHECK(sigrun_runner_get_output(r, out, y, 8, &e) == SIGRUN_STATUS_OK);
}

static void test_write_and_run(void) {
  static const float w[6] = {1, 2, 3, -4, -5, -6}, bias[2] = {0.5f, 0.25f};
  sr_cv_model m;
  sr_cv_model_init(&m);
  build(&m, w, bias);
  uint8_t* bytes;
  size_t size;
  sigrun_error e;
  CHECK(sr_cv_write_tflite(&m, &bytes, &size, &e) == SIGRUN_STATUS_OK);
  sr_cv_model_free(&m);
  sigrun_model* model = NULL;
  CHECK(sigrun_model_load_buffer(bytes, size, 1, &model, &e) == SIGRUN_STATUS_OK);
  if (!model) {
    fprintf(stderr, "%s\n", e.message);
    sr_free(bytes);
    return;
  }
  CHECK(strcmp(sigrun_model_description(model), "MLIR Converted.") == 0);
  CHECK(sigrun_model_signature_count(model) == 2);
  CHECK(strcmp(sigrun_model_signature_key(model, 0), "decode") == 0);
  CHECK(strcmp(sigrun_model_subgraph_name(model, 1), "encode") == 0);
  CHECK(sigrun_model_operator_count(model, 0) == 1);
  sigrun_interpreter* interp;
  CHECK(sigrun_interpreter_create(model, NULL, &interp, &e) == SIGRUN_STATUS_OK);
  float x[3] = {1, 1, 1}, y[2];
  run(interp, "decode", x, y);
  CHECK_NEAR(y[0], 6, 0);
  CHECK_NEAR(y[1], -15, 0);
  run(interp, "encode", x, y);
  CHECK_NEAR(y[0], 6.5, 0);
  CHECK_NEAR(y[1], 0, 0);
  sigrun_interpreter_destroy(interp);
  sigrun_model_destroy(model);

  /* The raw layout: W stored once, b once; "unused" (same bytes as b) never written as a tensor; buffers =
   * sentinel + W + b + min_runtime_version; input tensor shape [1,3] with shape_signature [-1,3]. */
  sr_fb fb = {bytes, size};
  sr_fb_table root, sg, t;
  sr_fb_vec v, tensors, subgraphs;
  CHECK(sr_fb_root(&fb, &root) == SR_FB_OK);
  CHECK(sr_fb_vector(&root, 4, 4, &v) == SR_FB_OK && v.len == 4);
  CHECK(sr_fb_vector(&root, 2, 4, &subgraphs) == SR_FB_OK && subgraphs.len == 2);
  CHECK(sr_fb_vec_table(&subgraphs, 0, &sg) == SR_FB_OK);
  CHECK(sr_fb_vector(&sg, 0, 4, &tensors) == SR_FB_OK && tensors.len == 3); /* x, W, y */
  CHECK(sr_fb_vec_table(&tensors, 0, &t) == SR_FB_OK);
  CHECK(sr_fb_vector(&t, 0, 4, &v) == SR_FB_OK && v.len == 2 && sr_fb_vec_i32(&v, 0) == 1);
  CHECK(sr_fb_vector(&t, 7, 4, &v) == SR_FB_OK && v.len == 2 && sr_fb_vec_i32(&v, 0) == -1);
  CHECK(sr_fb_vec_table(&tensors, 1, &t) == SR_FB_OK && !sr_fb_has(&t, 7)); /* static: no signature */
  sr_free(bytes);
}

int main(void) {
  RUN(test_write_and_run);
  return TEST_SUMMARY();
}
