/*
 * test_detection_postprocess.c — TFLite_Detection_PostProcess: options parsed from FlexBuffer maps written
 * here, box decoding, fast and regular NMS on hand-computed cases, LiteRT's tie orders (std::partial_sort's
 * heap order for classes, class order for equal scores across classes), uint8 inputs, zero boxes, and the
 * errors for bad options, shapes, types and inverted boxes.
 */
#include "harness.h"
#include "format/flexbuf.h"

extern const sr_op_kind sr_op_detection_postprocess;

/* ---- options: a FlexBuffer map with 8-byte slots (keys sorted here) ---- */

enum { OPT_INT, OPT_FLOAT, OPT_BOOL };
typedef struct opt {
  const char* key;
  int kind;
  double value;
} opt;

typedef struct options {
  opt o[16];
  int n;
  uint8_t bytes[1024];
  size_t size;
} options;

static void put8(options* b, uint64_t v) {
  for (int i = 0; i < 8; i++) b->bytes[b->size++] = (uint8_t)(v >> (8 * i));
}

/* Sets (or adds) key; kind/value as in opt. */
static void set_opt(options* b, const char* key, int kind, double value) {
  for (int i = 0; i < b->n; i++)
    if (strcmp(b->o[i].key, key) == 0) {
      b->o[i].kind = kind;
      b->o[i].value = value;
      return;
    }
  b->o[b->n++] = (opt){key, kind, value};
}

static void drop_opt(options* b, const char* key) {
  for (int i = 0; i < b->n; i++)
    if (strcmp(b->o[i].key, key) == 0) b->o[i] = b->o[--b->n];
}

/* Serializes the map: keys, key vector, map prefix, values, types, root. */
static void encode(options* b) {
  for (int i = 1; i < b->n; i++) /* insertion sort by key */
    for (int j = i; j > 0 && strcmp(b->o[j - 1].key, b->o[j].key) > 0; j--) {
      opt t = b->o[j];
      b->o[j] = b->o[j - 1];
      b->o[j - 1] = t;
    }
  size_t kp[16];
  b->size = 0;
  for (int i = 0; i < b->n; i++) {
    kp[i] = b->size;
    memcpy(b->bytes + b->size, b->o[i].key, strlen(b->o[i].key) + 1);
    b->size += strlen(b->o[i].key) + 1;
  }
  while (b->size % 8) b->bytes[b->size++] = 0;
  put8(b, (uint64_t)b->n);
  const size_t keys = b->size;
  for (int i = 0; i < b->n; i++) put8(b, b->size - kp[i]);
  put8(b, b->size - keys);
  put8(b, 8);
  put8(b, (uint64_t)b->n);
  const size_t map = b->size;
  for (int i = 0; i < b->n; i++) {
    uint64_t bits;
    if (b->o[i].kind == OPT_FLOAT) memcpy(&bits, &b->o[i].value, 8);
    else bits = (uint64_t)(int64_t)b->o[i].value;
    put8(b, bits);
  }
  static const int types[3] = {SR_FLEX_INT, SR_FLEX_FLOAT, SR_FLEX_BOOL};
  for (int i = 0; i < b->n; i++) b->bytes[b->size++] = (uint8_t)((types[b->o[i].kind] << 2) | 3);
  b->bytes[b->size] = (uint8_t)(b->size - map);
  b->size++;
  b->bytes[b->size++] = (uint8_t)((SR_FLEX_MAP << 2) | 3);
  b->bytes[b->size++] = 1;
}

static void base_options(options* b) {
  memset(b, 0, sizeof *b);
  set_opt(b, "max_detections", OPT_INT, 3);
  set_opt(b, "max_classes_per_detection", OPT_INT, 1);
  set_opt(b, "detections_per_class", OPT_INT, 2);
  set_opt(b, "nms_score_threshold", OPT_FLOAT, 0.3f);
  set_opt(b, "nms_iou_threshold", OPT_FLOAT, 0.5);
  set_opt(b, "num_classes", OPT_INT, 3);
  set_opt(b, "y_scale", OPT_FLOAT, 10.0);
  set_opt(b, "x_scale", OPT_FLOAT, 10.0);
  set_opt(b, "h_scale", OPT_FLOAT, 5.0);
  set_opt(b, "w_scale", OPT_FLOAT, 5.0);
  set_opt(b, "use_regular_nms", OPT_BOOL, 0);
}

static sr_pool pool;
static sigrun_error err;

/* Parses raw custom options as the loader would. */
static sigrun_status parse_raw(const uint8_t* bytes, size_t size, const void** params) {
  static sr_operator op;
  op.name = "TFLite_Detection_PostProcess";
  op.custom_code = op.name;
  op.custom_options = bytes;
  op.custom_options_size = size;
  sr_parse_ctx ctx = {&op, 0, NULL, &pool, &err, 0, 0, NULL};
  return sr_op_detection_postprocess.parse(&ctx, params);
}

static const void* parse_ok(options* b) {
  const void* params = NULL;
  encode(b);
  sigrun_status st = parse_raw(b->bytes, b->size, &params);
  if (st != SIGRUN_STATUS_OK) fprintf(stderr, "parse: %s\n", err.message);
  CHECK(st == SIGRUN_STATUS_OK && params);
  return params;
}

static void parse_fails(options* b, const char* fragment) {
  const void* params = NULL;
  encode(b);
  CHECK(parse_raw(b->bytes, b->size, &params) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, fragment);
}

/* ---- the four test boxes: anchors with zero encodings decode to their corners ---- */

/* A (0,0,1,1); B (0,.25,1,1.25): IoU(A,B) = .6; C (2,2,3,3); D (0,.75,1,1.75): IoU(A,D) = 1/7, IoU(B,D) = 1/3. */
static const float anchors4[4][4] = {{0.5f, 0.5f, 1, 1}, {0.5f, 0.75f, 1, 1}, {2.5f, 2.5f, 1, 1}, {0.5f, 1.25f, 1, 1}};
static const float zeros4[4][4] = {{0}};
/* Background column first, then classes 0..2. */
static const float scores4[4][4] = {
    {0, 0.1f, 0.9f, 0.2f}, {0, 0.8f, 0.3f, 0.1f}, {0, 0.2f, 0.1f, 0.7f}, {0, 0.6f, 0.65f, 0.1f}};
#define BOX_A 0, 0, 1, 1
#define BOX_B 0, 0.25f, 1, 1.25f
#define BOX_C 2, 2, 3, 3
#define BOX_D 0, 0.75f, 1, 1.75f

static void setup4(sr_test_node* tn) {
  static const int32_t bd[3] = {1, 4, 4}, sd[3] = {1, 4, 4}, ad[2] = {4, 4};
  sr_test_node_init(tn, "TFLite_Detection_PostProcess");
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, 3, bd, zeros4);
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, 3, sd, scores4);
  sr_test_input(tn, SIGRUN_TYPE_FLOAT32, 2, ad, anchors4);
  for (int i = 0; i < 4; i++) sr_test_output(tn, SIGRUN_TYPE_FLOAT32);
}

static sigrun_status run(sr_test_node* tn, const void* params) {
  sigrun_status st = sr_test_run(tn, &sr_op_detection_postprocess, params);
  if (st != SIGRUN_STATUS_OK) fprintf(stderr, "run: %s\n", tn->error.message);
  return st;
}

static void test_fast_nms(void) {
  options o;
  base_options(&o);
  const void* p = parse_ok(&o);
  sr_test_node tn;
  setup4(&tn);
  CHECK(run(&tn, p) == SIGRUN_STATUS_OK);
  /* Max scores A .9, B .8, C .7, D .65: A wins, suppresses B (IoU .6 > .5); C and D stay. */
  CHECK_SHAPE(&tn.outputs[0], 1, 3, 4);
  CHECK_SHAPE(&tn.outputs[1], 1, 3);
  CHECK_SHAPE(&tn.outputs[3], 1);
  CHECK_VALUES(&tn.outputs[0], BOX_A, BOX_C, BOX_D);
  CHECK_VALUES(&tn.outputs[1], 1, 2, 1);
  CHECK_VALUES(&tn.outputs[2], 0.9f, 0.7f, 0.65f);
  CHECK_VALUES(&tn.outputs[3], 3);
  sr_test_node_free(&tn);
  /* Two classes per box, two boxes: A (classes 1, 2), C (classes 2, then 0). */
  set_opt(&o, "max_classes_per_detection", OPT_INT, 2);
  set_opt(&o, "max_detections", OPT_INT, 2);
  p = parse_ok(&o);
  setup4(&tn);
  CHECK(run(&tn, p) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 1, 4, 4);
  CHECK_VALUES(&tn.outputs[0], BOX_A, BOX_A, BOX_C, BOX_C);
  CHECK_VALUES(&tn.outputs[1], 1, 2, 2, 0);
  CHECK_VALUES(&tn.outputs[2], 0.9f, 0.2f, 0.7f, 0.2f);
  CHECK_VALUES(&tn.outputs[3], 2);
  sr_test_node_free(&tn);
  /* A threshold nobody reaches: nothing detected, every row zero. */
  set_opt(&o, "nms_score_threshold", OPT_FLOAT, 0.95);
  p = parse_ok(&o);
  setup4(&tn);
  CHECK(run(&tn, p) == SIGRUN_STATUS_OK);
  CHECK_VALUES(&tn.outputs[3], 0);
  CHECK_VALUES(&tn.outputs[0], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  CHECK_VALUES(&tn.outputs[2], 0, 0, 0, 0);
  sr_test_node_free(&tn);
}

static void test_regular_nms(void) {
  options o;
  base_options(&o);
  set_opt(&o, "use_regular_nms", OPT_BOOL, 1);
  set_opt(&o, "max_detections", OPT_INT, 4);
  const void* p = parse_ok(&o);
  sr_test_node tn;
  setup4(&tn);
  CHECK(run(&tn, p) == SIGRUN_STATUS_OK);
  /* Class 0: B .8, D .6 (IoU 1/3). Class 1: A .9, D .65 (B .3 suppressed by A). Class 2: C .7.
   * Merged by score, capped at 4: A .9, B .8, C .7, D .65. */
  CHECK_SHAPE(&tn.outputs[0], 1, 4, 4);
  CHECK_VALUES(&tn.outputs[0], BOX_A, BOX_B, BOX_C, BOX_D);
  CHECK_VALUES(&tn.outputs[1], 1, 0, 2, 1);
  CHECK_VALUES(&tn.outputs[2], 0.9f, 0.8f, 0.7f, 0.65f);
  CHECK_VALUES(&tn.outputs[3], 4);
  sr_test_node_free(&tn);
  /* One detection per class: B (c0), A (c1), C (c2) -> sorted A, B, C; the fourth row stays zero. */
  set_opt(&o, "detections_per_class", OPT_INT, 1);
  p = parse_ok(&o);
  setup4(&tn);
  CHECK(run(&tn, p) == SIGRUN_STATUS_OK);
  CHECK_VALUES(&tn.outputs[1], 1, 0, 2, 0);
  CHECK_VALUES(&tn.outputs[2], 0.9f, 0.8f, 0.7f, 0);
  CHECK_VALUES(&tn.outputs[3], 3);
  sr_test_node_free(&tn);
}

/* Equal scores across classes keep class order (stable merges), within a class box order (stable sort). */
static void test_regular_ties(void) {
  static const float s[2][3] = {{0, 0.5f, 0.5f}, {0, 0.5f, 0.5f}};
  static const float far[2][4] = {{0.5f, 0.5f, 1, 1}, {5.5f, 5.5f, 1, 1}};
  static const int32_t bd[3] = {1, 2, 4}, sd[3] = {1, 2, 3}, ad[2] = {2, 4};
  options o;
  base_options(&o);
  set_opt(&o, "use_regular_nms", OPT_BOOL, 1);
  set_opt(&o, "num_classes", OPT_INT, 2);
  set_opt(&o, "max_detections", OPT_INT, 3);
  const void* p = parse_ok(&o);
  sr_test_node tn;
  sr_test_node_init(&tn, "");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 3, bd, zeros4);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 3, sd, s);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, ad, far);
  for (int i = 0; i < 4; i++) sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(run(&tn, p) == SIGRUN_STATUS_OK);
  CHECK_VALUES(&tn.outputs[1], 0, 0, 1);                        /* class 0 boxes 0 and 1, then class 1 box 0 */
  CHECK_VALUES(&tn.outputs[0], 0, 0, 1, 1, 5, 5, 6, 6, 0, 0, 1, 1);
  sr_test_node_free(&tn);
}

/* The fast path ranks a box's classes with std::partial_sort, whose heap leaves equal scores in an order
 * a stable sort would not give: scores (.2, .5, .5, .5), top 2 -> classes 2, 1 (as LiteRT outputs). */
static void test_fast_class_tie_order(void) {
  static const float s[1][5] = {{0, 0.2f, 0.5f, 0.5f, 0.5f}};
  static const float s5[1][6] = {{0, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}};
  static const int32_t bd[3] = {1, 1, 4}, sd[3] = {1, 1, 5}, ad[2] = {1, 4};
  options o;
  base_options(&o);
  set_opt(&o, "num_classes", OPT_INT, 4);
  set_opt(&o, "max_classes_per_detection", OPT_INT, 2);
  const void* p = parse_ok(&o);
  sr_test_node tn;
  sr_test_node_init(&tn, "");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 3, bd, zeros4);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 3, sd, s);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, ad, anchors4);
  for (int i = 0; i < 4; i++) sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(run(&tn, p) == SIGRUN_STATUS_OK);
  CHECK_VALUES(&tn.outputs[1], 2, 1);
  CHECK_VALUES(&tn.outputs[2], 0.5f, 0.5f);
  sr_test_node_free(&tn);
  /* Five equal scores, top 3 -> 0, 1, 2; more classes per box than classes -> unused columns are zero. */
  set_opt(&o, "num_classes", OPT_INT, 5);
  set_opt(&o, "max_classes_per_detection", OPT_INT, 3);
  p = parse_ok(&o);
  tn.inputs[1].dims[2] = 6;
  tn.inputs[1].data = (void*)s5;
  tn.inputs[1].bytes = 6 * sizeof(float);
  CHECK(run(&tn, p) == SIGRUN_STATUS_OK);
  CHECK_VALUES(&tn.outputs[1], 0, 1, 2);
  sr_test_node_free(&tn);
  set_opt(&o, "max_classes_per_detection", OPT_INT, 7);
  p = parse_ok(&o);
  CHECK(run(&tn, p) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[1], 1, 21);
  CHECK_VALUES(&tn.outputs[2], 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0, 0, 0);
  sr_test_node_free(&tn);
}

/* NaN class scores: the best class follows LiteRT's ArgMaxVector on x86 (outputs measured on
 * ai_edge_litert 2.3.0), not a plain first maximum. */
static void test_fast_nan_scores(void) {
  static const struct {
    int n;
    float v[8];
    float cls, score;
  } cases[] = {
      {4, {1, 2, NAN, 3}, 1, 2},                 /* the NaN lane absorbs 3 in the pairwise reduction */
      {4, {1, 2, 3, NAN}, 2, 3},
      {3, {NAN, 1, 2}, 2, 2},                    /* a number beats a NaN best */
      {3, {1, 2, NAN}, 1, 2},
      {8, {1, NAN, 3, 4, 5, 9, 7, 8}, 5, 9},     /* a NaN lane takes the next block's number */
      {8, {9, 2, 3, 4, NAN, 5, 6, 7}, 0, 9},
      {8, {1, 2, 3, 4, 0, 0, NAN, 9}, 7, 9},
  };
  static const int32_t bd[3] = {1, 1, 4}, ad[2] = {1, 4};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    float row[9] = {0};
    memcpy(row + 1, cases[c].v, (size_t)cases[c].n * sizeof(float));
    const int32_t sd[3] = {1, 1, cases[c].n + 1};
    options o;
    base_options(&o);
    set_opt(&o, "num_classes", OPT_INT, cases[c].n);
    set_opt(&o, "nms_score_threshold", OPT_FLOAT, -1e30);
    const void* p = parse_ok(&o);
    sr_test_node tn;
    sr_test_node_init(&tn, "");
    sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 3, bd, zeros4);
    sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 3, sd, row);
    sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, ad, anchors4);
    for (int i = 0; i < 4; i++) sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
    CHECK(run(&tn, p) == SIGRUN_STATUS_OK);
    CHECK_VALUES(&tn.outputs[3], 1);
    CHECK_VALUES(&tn.outputs[1], cases[c].cls);
    CHECK_VALUES(&tn.outputs[2], cases[c].score);
    sr_test_node_free(&tn);
  }
}

/* Encodings are offsets scaled by the anchor: yc = y/y_scale*ah + ay, half_h = .5*exp(h/h_scale)*ah. */
static void test_decoding(void) {
  static const float enc[1][6] = {{5, -2.5f, 0, 5, 99, 99}}; /* stride 6: the last two are ignored */
  static const float anc[1][4] = {{1, 3, 2, 4}};
  static const float s[1][3] = {{0, 0.9f, 0.1f}};
  static const int32_t bd[3] = {1, 1, 6}, sd[3] = {1, 1, 3}, ad[2] = {1, 4};
  options o;
  base_options(&o);
  set_opt(&o, "num_classes", OPT_INT, 2);
  const void* p = parse_ok(&o);
  sr_test_node tn;
  sr_test_node_init(&tn, "");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 3, bd, enc);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 3, sd, s);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, ad, anc);
  for (int i = 0; i < 4; i++) sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(run(&tn, p) == SIGRUN_STATUS_OK);
  /* yc = .5*2+1 = 2, xc = -.25*4+3 = 2, half_h = .5*1*2 = 1, half_w = .5*e*4 = 2e. */
  const float hw = (float)(0.5 * exp(1.0) * 4.0);
  const float* box = tn.outputs[0].data;
  CHECK(box[0] == 1 && box[2] == 3);
  CHECK(box[1] == 2 - hw && box[3] == 2 + hw);
  CHECK_VALUES(&tn.outputs[3], 1);
  sr_test_node_free(&tn);
}

/* uint8 boxes/anchors (dequantized as (q - zp) * scale) and uint8 scores (LiteRT's blocked dequantization:
 * q*scale + bias for blocks of 8, the exact product for the rest). */
static void test_uint8(void) {
  static const uint8_t enc[3][4] = {{128, 128, 128, 128}, {128, 128, 128, 128}, {128, 128, 128, 128}};
  static const uint8_t anc[3][4] = {{2, 2, 4, 4}, {10, 10, 4, 4}, {20, 20, 4, 4}}; /* x0.25 */
  static const uint8_t sc[3][3] = {{3, 3, 3}, {3, 3, 3}, {3, 3, 3}};
  static const int32_t bd[3] = {1, 3, 4}, sd[3] = {1, 3, 3}, ad[2] = {3, 4};
  static const float box_scale = 0.5f, anchor_scale = 0.25f, score_scale = 0.1f;
  static const int64_t box_zp = 128, anchor_zp = 0, score_zp = 1;
  options o;
  base_options(&o);
  set_opt(&o, "use_regular_nms", OPT_BOOL, 1);
  set_opt(&o, "max_detections", OPT_INT, 9);
  set_opt(&o, "detections_per_class", OPT_INT, 3);
  set_opt(&o, "nms_score_threshold", OPT_FLOAT, 0.0);
  const void* p = parse_ok(&o);
  sr_test_node tn;
  sr_test_node_init(&tn, "");
  sr_test_set_quant(sr_test_input(&tn, SIGRUN_TYPE_UINT8, 3, bd, enc), 1, &box_scale, &box_zp, 0);
  sr_test_set_quant(sr_test_input(&tn, SIGRUN_TYPE_UINT8, 3, sd, sc), 1, &score_scale, &score_zp, 0);
  sr_test_set_quant(sr_test_input(&tn, SIGRUN_TYPE_UINT8, 2, ad, anc), 1, &anchor_scale, &anchor_zp, 0);
  for (int i = 0; i < 4; i++) sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(run(&tn, p) == SIGRUN_STATUS_OK);
  /* 0.3f - 0.1f rounds up to 0.20000002 in the 8-block; the ninth score (box 2, class 2) is 0.2f exactly,
   * so it sorts last. Classes follow class order, then box order. */
  const float hi = 0.3f - 0.1f;
  CHECK(hi > 0.2f);
  CHECK_VALUES(&tn.outputs[2], hi, hi, hi, hi, hi, hi, hi, hi, 0.2f);
  CHECK_VALUES(&tn.outputs[1], 0, 0, 0, 1, 1, 1, 2, 2, 2);
  CHECK_VALUES(&tn.outputs[0], 0, 0, 1, 1, 2, 2, 3, 3, 4.5f, 4.5f, 5.5f, 5.5f);
  CHECK_VALUES(&tn.outputs[3], 9);
  sr_test_node_free(&tn);
  /* uint8 boxes need uint8 anchors, and every uint8 input needs quantization. */
  tn.inputs[2].type = SIGRUN_TYPE_FLOAT32;
  CHECK(sr_test_run(&tn, &sr_op_detection_postprocess, p) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "anchors (tensor 2) has type float32, expected uint8");
  tn.inputs[2].type = SIGRUN_TYPE_UINT8;
  sr_test_set_quant(&tn.inputs[1], 0, NULL, NULL, 0);
  CHECK(sr_test_run(&tn, &sr_op_detection_postprocess, p) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "class predictions (tensor 1, uint8) has no quantization parameters");
  sr_test_node_free(&tn);
}

static void test_no_boxes(void) {
  static const int32_t bd[3] = {1, 0, 4}, sd[3] = {1, 0, 4}, ad[2] = {0, 4};
  for (int regular = 0; regular < 2; regular++) {
    options o;
    base_options(&o);
    set_opt(&o, "use_regular_nms", OPT_BOOL, regular);
    const void* p = parse_ok(&o);
    sr_test_node tn;
    sr_test_node_init(&tn, "");
    sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 3, bd, zeros4);
    sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 3, sd, scores4);
    sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, ad, anchors4);
    for (int i = 0; i < 4; i++) sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
    CHECK(run(&tn, p) == SIGRUN_STATUS_OK);
    CHECK_SHAPE(&tn.outputs[0], 1, 3, 4);
    CHECK_VALUES(&tn.outputs[3], 0);
    CHECK_VALUES(&tn.outputs[2], 0, 0, 0);
    sr_test_node_free(&tn);
  }
  /* max_detections 0 (fast NMS): empty outputs. */
  options o;
  base_options(&o);
  set_opt(&o, "max_detections", OPT_INT, 0);
  const void* p = parse_ok(&o);
  sr_test_node tn;
  setup4(&tn);
  CHECK(run(&tn, p) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(&tn.outputs[0], 1, 0, 4);
  CHECK_VALUES(&tn.outputs[3], 0);
  sr_test_node_free(&tn);
}

static void test_option_defaults_and_errors(void) {
  options o;
  base_options(&o);
  drop_opt(&o, "detections_per_class"); /* 100 */
  drop_opt(&o, "use_regular_nms");      /* false */
  CHECK(parse_ok(&o) != NULL);
  static const struct {
    const char* key;
    int kind;
    double value;
    const char* fragment;
  } bad[] = {
      {"num_classes", OPT_INT, 0, "num_classes is 0, expected > 0"},
      {"max_detections", OPT_INT, -1, "max_detections is -1, expected >= 0"},
      {"detections_per_class", OPT_INT, -5, "detections_per_class is -5"},
      {"max_classes_per_detection", OPT_INT, 0, "max_classes_per_detection is 0, expected >= 1"},
      {"max_detections", OPT_INT, 2000000000, "2 x max_detections 2000000000 overflows int32"},
      {"max_classes_per_detection", OPT_INT, 1000000000, "overflows int32"},
      {"nms_iou_threshold", OPT_FLOAT, 0.0, "nms_iou_threshold is 0, expected in (0, 1]"},
      {"nms_iou_threshold", OPT_FLOAT, 1.5, "nms_iou_threshold is 1.5"},
      {"y_scale", OPT_FLOAT, 0.0, "y_scale is 0, expected a finite nonzero number"},
      {"w_scale", OPT_FLOAT, INFINITY, "w_scale is inf"},
      {"num_classes", OPT_INT, 5e9, "custom option num_classes: FlexBuffer value is out of range"},
      {"nms_score_threshold", OPT_FLOAT, 1e300, "custom option nms_score_threshold: FlexBuffer value is out of range"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    base_options(&o);
    set_opt(&o, bad[i].key, bad[i].kind, bad[i].value);
    parse_fails(&o, bad[i].fragment);
  }
  base_options(&o);
  drop_opt(&o, "nms_iou_threshold"); /* LiteRT reads 0 and refuses it */
  parse_fails(&o, "nms_iou_threshold is 0");
  base_options(&o);
  set_opt(&o, "use_regular_nms", OPT_BOOL, 1);
  set_opt(&o, "max_detections", OPT_INT, 0);
  parse_fails(&o, "regular NMS needs max_detections > 0");
  /* Not a map, truncated, absent. */
  const void* params;
  static const uint8_t int_root[] = {7, (uint8_t)(SR_FLEX_INT << 2), 1};
  CHECK(parse_raw(int_root, sizeof int_root, &params) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "custom options hold a FlexBuffer int, expected a map");
  CHECK(parse_raw(int_root, 2, &params) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "custom options: FlexBuffer is too short");
  CHECK(parse_raw(NULL, 0, &params) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "(TFLite_Detection_PostProcess): has no custom options");
  /* A hostile map whose length runs past the buffer. */
  base_options(&o);
  encode(&o);
  const size_t map = (o.size - 3) - o.bytes[o.size - 3];
  o.bytes[map - 1] = 0x7f;
  CHECK(parse_raw(o.bytes, o.size, &params) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(err.message, "custom option max_detections: FlexBuffer offset or length reaches outside the buffer");
}

static void test_shape_and_type_errors(void) {
  options o;
  base_options(&o);
  const void* p = parse_ok(&o);
  sr_test_node tn;
  setup4(&tn);
  tn.inputs[0].dims[2] = 3; /* fewer than 4 coordinates */
  CHECK(sr_test_run(&tn, &sr_op_detection_postprocess, p) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "box encodings (tensor 0) [1,4,3], class predictions (tensor 1) [1,4,4] and "
                                   "anchors (tensor 2) [4,4]: expected [1,N,>=4], [1,N,C] and [>=N,4]");
  tn.inputs[0].dims[2] = 4;
  tn.inputs[2].dims[0] = 3; /* fewer anchors than boxes */
  CHECK(sr_test_run(&tn, &sr_op_detection_postprocess, p) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "anchors (tensor 2) [3,4]");
  tn.inputs[2].dims[0] = 4;
  tn.inputs[1].dims[1] = 3; /* scores for another number of boxes */
  CHECK(sr_test_run(&tn, &sr_op_detection_postprocess, p) == SIGRUN_STATUS_BAD_MODEL);
  tn.inputs[1].dims[1] = 4;
  tn.inputs[0].dims[0] = 2; /* batch 2 */
  CHECK(sr_test_run(&tn, &sr_op_detection_postprocess, p) == SIGRUN_STATUS_BAD_MODEL);
  tn.inputs[0].dims[0] = 1;
  tn.inputs[1].dims[2] = 2; /* 2 columns for 3 classes */
  CHECK(sr_test_run(&tn, &sr_op_detection_postprocess, p) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "class predictions (tensor 1) have 2 classes, expected num_classes 3 (or 4");
  tn.inputs[1].dims[2] = 4;
  tn.inputs[1].type = SIGRUN_TYPE_INT8;
  CHECK(sr_test_run(&tn, &sr_op_detection_postprocess, p) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "class predictions (tensor 1) have type int8, expected float32 or uint8");
  tn.inputs[1].type = SIGRUN_TYPE_FLOAT32;
  tn.inputs[0].type = SIGRUN_TYPE_INT16;
  CHECK(sr_test_run(&tn, &sr_op_detection_postprocess, p) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "box encodings (tensor 0) have type int16, expected float32 or uint8");
  tn.inputs[0].type = SIGRUN_TYPE_FLOAT32;
  tn.outputs[2].type = SIGRUN_TYPE_UINT8;
  CHECK(sr_test_run(&tn, &sr_op_detection_postprocess, p) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "detection scores (tensor 102) has type uint8, expected float32");
  tn.outputs[2].type = SIGRUN_TYPE_FLOAT32;
  tn.n_outputs = 3;
  CHECK(sr_test_run(&tn, &sr_op_detection_postprocess, p) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "has 3 outputs, expected 4");
  tn.n_outputs = 4;
  /* num_classes at INT32_MAX: no overflow while checking the background column. */
  set_opt(&o, "num_classes", OPT_INT, INT32_MAX);
  p = parse_ok(&o);
  CHECK(sr_test_run(&tn, &sr_op_detection_postprocess, p) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "expected num_classes 2147483647 (or 2147483648 with a background class)");
  sr_test_node_free(&tn);
}

static void test_inverted_box(void) {
  static const float anc[2][4] = {{0.5f, 0.5f, 1, 1}, {0.5f, 0.5f, -1, 1}};
  static const int32_t bd[3] = {1, 2, 4}, sd[3] = {1, 2, 4}, ad[2] = {2, 4};
  options o;
  base_options(&o);
  const void* p = parse_ok(&o);
  sr_test_node tn;
  sr_test_node_init(&tn, "");
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 3, bd, zeros4);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 3, sd, scores4);
  sr_test_input(&tn, SIGRUN_TYPE_FLOAT32, 2, ad, anc);
  for (int i = 0; i < 4; i++) sr_test_output(&tn, SIGRUN_TYPE_FLOAT32);
  CHECK(sr_test_run(&tn, &sr_op_detection_postprocess, p) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "decoded box 1 is inverted (ymin 1, xmin 0, ymax 0, xmax 1)");
  sr_test_node_free(&tn);
}

int main(void) {
  sr_pool_init(&pool);
  RUN(test_fast_nms);
  RUN(test_regular_nms);
  RUN(test_regular_ties);
  RUN(test_fast_class_tie_order);
  RUN(test_fast_nan_scores);
  RUN(test_decoding);
  RUN(test_uint8);
  RUN(test_no_boxes);
  RUN(test_option_defaults_and_errors);
  RUN(test_shape_and_type_errors);
  RUN(test_inverted_box);
  sr_pool_destroy(&pool);
  return TEST_SUMMARY();
}
