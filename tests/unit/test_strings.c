/*
 * test_strings.c — LiteRT's packed string layout (src/core/strings.c): the checker against hostile buffers
 * (each rejection names what is wrong), the reader, the writer and the whole-tensor copy; and the string
 * paths of GATHER, RESHAPE, SQUEEZE and EXPAND_DIMS.
 */
#include "../src/core/strings.h"
#include "../src/ops/gather.h"
#include "../src/ops/reshape.h"
#include "harness.h"

extern const sr_op_kind sr_op_gather, sr_op_reshape, sr_op_squeeze, sr_op_expand_dims;

extern long sr_test_alloc_fail_at; /* SIGRUN_TESTING build: fail the Nth allocation */
extern long sr_test_alloc_count;

/* Packs n strings into buf in LiteRT's layout; returns the byte length. */
static size_t pack(const char* const* s, int n, uint8_t* buf) {
  int32_t off = 4 * (n + 2);
  memcpy(buf, &n, 4);
  for (int i = 0; i < n; i++) {
    memcpy(buf + 4 * (i + 1), &off, 4);
    size_t len = strlen(s[i]);
    memcpy(buf + off, s[i], len);
    off += (int32_t)len;
  }
  memcpy(buf + 4 * (n + 1), &off, 4);
  return (size_t)off;
}

static void set_word(uint8_t* buf, int i, int32_t v) { memcpy(buf + 4 * i, &v, 4); }

static int check(const uint8_t* buf, size_t bytes, size_t count, char* msg) {
  msg[0] = '\0';
  return sr_strings_check(buf, bytes, count, msg, 160);
}

static void test_check_accepts_valid(void) {
  const char* s[] = {"a", "", "hello", "\xc3\xa9"};
  uint8_t buf[128];
  char msg[160];
  size_t bytes = pack(s, 4, buf);
  CHECK(bytes == 24 + 8);
  CHECK(check(buf, bytes, 4, msg));
  uint8_t empty[8];
  CHECK(pack(NULL, 0, empty) == 8);
  CHECK(check(empty, 8, 0, msg));
  CHECK(check(NULL, 0, 0, msg)); /* an unset tensor without elements */
  const char* blanks[] = {"", "", ""};
  CHECK(check(buf, pack(blanks, 3, buf), 3, msg));
}

static void test_check_rejects_hostile(void) {
  const char* s[] = {"ab", "cde", "f"};
  uint8_t good[64], buf[64];
  char msg[160];
  const size_t bytes = pack(s, 3, good); /* header 20 bytes, text 6 */
  CHECK(bytes == 26);

  CHECK(!check(good, 3, 3, msg)); /* truncated header: not even the count */
  CHECK_CONTAINS(msg, "too short");
  CHECK(!check(NULL, 8, 3, msg));
  CHECK_CONTAINS(msg, "too short");
  CHECK(!check(good, 12, 3, msg)); /* count present, offsets cut off */
  CHECK_CONTAINS(msg, "truncated");

  CHECK(!check(good, bytes, 2, msg)); /* count mismatch against the element count */
  CHECK_CONTAINS(msg, "holds 3 strings, expected 2");
  memcpy(buf, good, bytes);
  set_word(buf, 0, -1);
  CHECK(!check(buf, bytes, 3, msg));
  CHECK_CONTAINS(msg, "holds -1 strings");
  set_word(buf, 0, 0x3fffffff); /* a huge count whose header cannot fit */
  CHECK(!check(buf, bytes, 0x3fffffff, msg));
  CHECK_CONTAINS(msg, "truncated");

  memcpy(buf, good, bytes);
  set_word(buf, 1, 16); /* first offset inside the header */
  CHECK(!check(buf, bytes, 3, msg));
  CHECK_CONTAINS(msg, "first offset is 16, expected 20");
  set_word(buf, 1, -20);
  CHECK(!check(buf, bytes, 3, msg));
  CHECK_CONTAINS(msg, "first offset is -20");

  memcpy(buf, good, bytes);
  set_word(buf, 3, 21); /* offsets backwards: 22, then 21 */
  CHECK(!check(buf, bytes, 3, msg));
  CHECK_CONTAINS(msg, "offset 2 is 21, before offset 1 (22)");

  memcpy(buf, good, bytes);
  set_word(buf, 3, 1000); /* out of range */
  CHECK(!check(buf, bytes, 3, msg));
  CHECK_CONTAINS(msg, "offset 2 is 1000, past the end of the 26-byte buffer");
  set_word(buf, 3, INT32_MIN);
  CHECK(!check(buf, bytes, 3, msg));
  CHECK_CONTAINS(msg, "before offset 1");

  memcpy(buf, good, bytes);
  CHECK(!check(buf, bytes + 4, 3, msg)); /* trailing bytes: the last offset must end the buffer */
  CHECK_CONTAINS(msg, "last offset is 26 but the buffer holds 30 bytes");
  CHECK(!check(buf, bytes - 1, 3, msg)); /* last offset past a shortened buffer */
  CHECK_CONTAINS(msg, "past the end");

  /* A NULL message buffer is allowed: the caller only wants the verdict. */
  CHECK(!sr_strings_check(good, bytes, 2, NULL, 0));
}

static sr_tensor string_tensor(uint8_t* buf, size_t bytes, int rank, const int32_t* dims) {
  sr_tensor t;
  memset(&t, 0, sizeof t);
  t.type = SIGRUN_TYPE_STRING;
  t.rank = rank;
  for (int i = 0; i < rank; i++) t.dims[i] = dims[i];
  t.data = buf;
  t.bytes = bytes;
  t.alloc = SR_ALLOC_CONST;
  return t;
}

static void test_reader(void) {
  const char* s[] = {"x", "", "yz"};
  uint8_t buf[64];
  const int32_t d3[] = {3};
  sr_tensor t = string_tensor(buf, pack(s, 3, buf), 1, d3);
  CHECK(sr_strings_count(&t) == 3);
  const char* p;
  size_t len;
  sr_strings_get(&t, 0, &p, &len);
  CHECK(len == 1 && p[0] == 'x');
  sr_strings_get(&t, 1, &p, &len);
  CHECK(len == 0);
  sr_strings_get(&t, 2, &p, &len);
  CHECK(len == 2 && memcmp(p, "yz", 2) == 0);
  sr_strings_get(&t, 3, &p, &len); /* past the end reads as empty, never out of bounds */
  CHECK(len == 0);
  sr_tensor none = string_tensor(NULL, 0, 1, d3);
  CHECK(sr_strings_count(&none) == 0);
}

/* A one-output node whose output 0 is a dynamic string tensor. */
static void node_with_output(sr_test_node* tn) {
  sr_test_node_init(tn, "TEST");
  sr_test_output(tn, SIGRUN_TYPE_STRING);
  tn->node.op = &tn->op;
  tn->node.n_outputs = 1;
  tn->node.outputs = tn->out_ptrs;
  tn->node.error = &tn->error;
}

static void test_writer(void) {
  sr_test_node tn;
  node_with_output(&tn);
  const int32_t d22[] = {2, 2};
  sr_strings_writer w;
  CHECK(sr_strings_begin(&tn.node, 0, 2, d22, 6, &w) == SIGRUN_STATUS_OK);
  sr_strings_put(&w, "ab", 2);
  sr_strings_put(&w, "", 0);
  sr_strings_put(&w, "cde", 3);
  sr_strings_put(&w, "f", 1);
  sr_strings_put(&w, "ignored", 7); /* a fifth put on four strings changes nothing */
  sr_tensor* out = &tn.outputs[0];
  char msg[160];
  CHECK_SHAPE(out, 2, 2);
  CHECK(out->bytes == 4 * 6 + 6);
  CHECK(sr_strings_check(out->data, out->bytes, 4, msg, sizeof msg));
  const char* p;
  size_t len;
  sr_strings_get(out, 2, &p, &len);
  CHECK(len == 3 && memcmp(p, "cde", 3) == 0);
  sr_strings_get(out, 3, &p, &len);
  CHECK(len == 1 && p[0] == 'f');

  /* Rewriting with a smaller result reuses the buffer; an empty tensor still gets its header. */
  void* before = out->data;
  const int32_t d0[] = {0};
  CHECK(sr_strings_begin(&tn.node, 0, 1, d0, 0, &w) == SIGRUN_STATUS_OK);
  CHECK(out->data == before && out->bytes == 8);
  CHECK(sr_strings_check(out->data, out->bytes, 0, msg, sizeof msg));

  /* An undercounted payload truncates instead of writing past the buffer, and the buffer stays valid. */
  const int32_t d2[] = {2};
  CHECK(sr_strings_begin(&tn.node, 0, 1, d2, 3, &w) == SIGRUN_STATUS_OK);
  sr_strings_put(&w, "ab", 2);
  sr_strings_put(&w, "cdef", 4);
  CHECK(sr_strings_check(out->data, out->bytes, 2, msg, sizeof msg));
  sr_strings_get(out, 1, &p, &len);
  CHECK(len == 1 && p[0] == 'c');
  sr_test_node_free(&tn);
}

static void test_writer_errors(void) {
  sr_test_node tn;
  node_with_output(&tn);
  sr_strings_writer w;
  const int32_t d2[] = {2}, neg[] = {-1};
  CHECK(sr_strings_begin(&tn.node, 1, 1, d2, 0, &w) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "output 1 does not exist");
  CHECK(sr_strings_begin(&tn.node, 0, 1, neg, 0, &w) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "shape [-1] is invalid");
  CHECK(sr_strings_begin(&tn.node, 0, 1, d2, (size_t)INT32_MAX, &w) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "exceed the 2 GB");
  sr_test_alloc_count = 0;
  sr_test_alloc_fail_at = 1;
  CHECK(sr_strings_begin(&tn.node, 0, 1, d2, 4, &w) == SIGRUN_STATUS_NO_MEMORY);
  sr_test_alloc_fail_at = 0;
  CHECK_CONTAINS(tn.error.message, "out of memory");

  tn.outputs[0].alloc = SR_ALLOC_ARENA; /* every non-constant string tensor must be dynamic */
  CHECK(sr_strings_begin(&tn.node, 0, 1, d2, 4, &w) == SIGRUN_STATUS_BAD_STATE);
  CHECK_CONTAINS(tn.error.message, "without dynamic memory");
  tn.outputs[0].alloc = SR_ALLOC_DYNAMIC;
  tn.outputs[0].type = SIGRUN_TYPE_INT32;
  CHECK(sr_strings_begin(&tn.node, 0, 1, d2, 4, &w) == SIGRUN_STATUS_BAD_MODEL);
  CHECK_CONTAINS(tn.error.message, "has type int32, expected string");
  sr_test_node_free(&tn);
}

static void test_copy(void) {
  sr_test_node tn;
  node_with_output(&tn);
  const char* s[] = {"one", "two", "three", ""};
  uint8_t buf[64];
  const int32_t d22[] = {2, 2};
  sr_tensor src = string_tensor(buf, pack(s, 4, buf), 2, d22);
  sr_tensor* dst = &tn.outputs[0];
  CHECK(sr_strings_copy(&tn.node, dst, &src) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(dst, 2, 2);
  CHECK(dst->bytes == src.bytes && memcmp(dst->data, buf, src.bytes) == 0);

  const int32_t d0[] = {0};
  sr_tensor unset = string_tensor(NULL, 0, 1, d0); /* no elements, never written */
  CHECK(sr_strings_copy(&tn.node, dst, &unset) == SIGRUN_STATUS_OK);
  char msg[160];
  CHECK(dst->bytes == 8 && sr_strings_check(dst->data, dst->bytes, 0, msg, sizeof msg));
  CHECK_SHAPE(dst, 0);

  set_word(buf, 2, 2); /* a hostile source is refused, not copied */
  CHECK(sr_strings_copy(&tn.node, dst, &src) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "not a valid string tensor: string buffer: offset 1 is 2");
  src.type = SIGRUN_TYPE_INT8;
  CHECK(sr_strings_copy(&tn.node, dst, &src) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "its type is not string");
  sr_test_node_free(&tn);
}

/* Checks that t holds exactly the strings want[0..n). */
static void check_strings_(int line, const sr_tensor* t, const char* const* want, size_t n) {
  char msg[160];
  if (!sr_strings_check(t->data, t->bytes, n, msg, sizeof msg)) {
    fprintf(stderr, "%s:%d: %s\n", __FILE__, line, msg);
    sr_test_checks_failed++;
    return;
  }
  for (size_t i = 0; i < n; i++) {
    const char* s;
    size_t len;
    sr_strings_get(t, i, &s, &len);
    if (len != strlen(want[i]) || memcmp(s, want[i], len) != 0) {
      fprintf(stderr, "%s:%d: string %zu is \"%.*s\", expected \"%s\"\n", __FILE__, line, i, (int)len, s, want[i]);
      sr_test_checks_failed++;
    }
  }
}
#define CHECK_STRINGS(t, ...)                                                \
  do {                                                                       \
    const char* const w_[] = {__VA_ARGS__};                                  \
    check_strings_(__LINE__, (t), w_, sizeof w_ / sizeof w_[0]);             \
  } while (0)

static sr_tensor* strings_input(sr_test_node* tn, int rank, const int32_t* dims, const char* const* s, int n,
                                uint8_t* buf) {
  sr_tensor* t = sr_test_input(tn, SIGRUN_TYPE_STRING, rank, dims, buf);
  t->bytes = pack(s, n, buf);
  return t;
}

static const char* const words[] = {"a", "bc", "", "def"};

static void test_gather_strings(void) {
  sr_test_node tn;
  uint8_t buf[128];
  const int32_t d4[] = {4}, d22[] = {2, 2}, d3[] = {3};
  const int32_t idx[] = {3, 0, 0, 2};
  const int64_t idx64[] = {1, 3, 2};
  sr_test_node_init(&tn, "GATHER");
  strings_input(&tn, 1, d4, words, 4, buf);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 2, d22, idx);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_STRING);
  CHECK(sr_test_run(&tn, &sr_op_gather, NULL) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 2, 2);
  CHECK_STRINGS(out, "def", "a", "a", "");
  sr_test_node_free(&tn);

  const sr_gather_params neg_axis = {-1, 0};
  sr_test_node_init(&tn, "GATHER");
  strings_input(&tn, 1, d4, words, 4, buf);
  sr_test_input(&tn, SIGRUN_TYPE_INT64, 1, d3, idx64);
  out = sr_test_output(&tn, SIGRUN_TYPE_STRING);
  CHECK(sr_test_run(&tn, &sr_op_gather, &neg_axis) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 3);
  CHECK_STRINGS(out, "bc", "def", "");
  sr_test_node_free(&tn);

  const int32_t bad[] = {1, 4}, negative[] = {-1, 0}, d2[] = {2};
  const int32_t* cases[] = {bad, negative};
  const char* why[] = {"index 4 at position 1 is out of range [0, 4)", "index -1 at position 0 is out of range"};
  for (int k = 0; k < 2; k++) {
    sr_test_node_init(&tn, "GATHER");
    strings_input(&tn, 1, d4, words, 4, buf);
    sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, d2, cases[k]);
    sr_test_output(&tn, SIGRUN_TYPE_STRING);
    CHECK(sr_test_run(&tn, &sr_op_gather, NULL) == SIGRUN_STATUS_RUNTIME);
    CHECK_CONTAINS(tn.error.message, why[k]);
    sr_test_node_free(&tn);
  }

  sr_test_node_init(&tn, "GATHER"); /* LiteRT gathers strings from 1-D tensors only */
  strings_input(&tn, 2, d22, words, 4, buf);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, d2, idx);
  sr_test_output(&tn, SIGRUN_TYPE_STRING);
  CHECK(sr_test_run(&tn, &sr_op_gather, NULL) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "string tensor of rank 2; LiteRT gathers strings from 1-D tensors only");
  sr_test_node_free(&tn);

  sr_test_node_init(&tn, "GATHER"); /* a hostile params buffer */
  strings_input(&tn, 1, d4, words, 4, buf);
  tn.inputs[0].bytes -= 1;
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, d2, idx);
  sr_test_output(&tn, SIGRUN_TYPE_STRING);
  CHECK(sr_test_run(&tn, &sr_op_gather, NULL) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "input 0 (tensor 0): string buffer: offset 4 is 30, past the end");
  sr_test_node_free(&tn);

  sr_test_node_init(&tn, "GATHER"); /* output type must follow */
  strings_input(&tn, 1, d4, words, 4, buf);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, d2, idx);
  sr_test_output(&tn, SIGRUN_TYPE_INT32);
  CHECK(sr_test_run(&tn, &sr_op_gather, NULL) == SIGRUN_STATUS_UNSUPPORTED);
  CHECK_CONTAINS(tn.error.message, "expected string");
  sr_test_node_free(&tn);
}

static void test_reshape_strings(void) {
  sr_test_node tn;
  uint8_t buf[128];
  const int32_t d4[] = {4}, d2[] = {2}, shape[] = {-1, 2}, d141[] = {1, 4, 1};
  sr_test_node_init(&tn, "RESHAPE");
  strings_input(&tn, 1, d4, words, 4, buf);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, d2, shape);
  sr_tensor* out = sr_test_output(&tn, SIGRUN_TYPE_STRING);
  CHECK(sr_test_run(&tn, &sr_op_reshape, NULL) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 2, 2);
  CHECK_STRINGS(out, "a", "bc", "", "def");
  sr_test_node_free(&tn);

  /* A shape computed at run time (non-constant shape tensor). */
  sr_test_node_init(&tn, "RESHAPE");
  strings_input(&tn, 1, d4, words, 4, buf);
  sr_tensor* s = sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, d2, shape);
  s->alloc = SR_ALLOC_ARENA;
  out = sr_test_output(&tn, SIGRUN_TYPE_STRING);
  CHECK(sr_test_run(&tn, &sr_op_reshape, NULL) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 2, 2);
  CHECK_STRINGS(out, "a", "bc", "", "def");
  sr_test_node_free(&tn);

  sr_test_node_init(&tn, "SQUEEZE");
  strings_input(&tn, 3, d141, words, 4, buf);
  out = sr_test_output(&tn, SIGRUN_TYPE_STRING);
  CHECK(sr_test_run(&tn, &sr_op_squeeze, NULL) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 4);
  CHECK_STRINGS(out, "a", "bc", "", "def");
  sr_test_node_free(&tn);

  const int32_t axis = 0;
  sr_test_node_init(&tn, "EXPAND_DIMS");
  strings_input(&tn, 1, d4, words, 4, buf);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 0, NULL, &axis);
  out = sr_test_output(&tn, SIGRUN_TYPE_STRING);
  CHECK(sr_test_run(&tn, &sr_op_expand_dims, NULL) == SIGRUN_STATUS_OK);
  CHECK_SHAPE(out, 1, 4);
  CHECK_STRINGS(out, "a", "bc", "", "def");
  sr_test_node_free(&tn);

  sr_test_node_init(&tn, "RESHAPE"); /* a hostile buffer is refused */
  strings_input(&tn, 1, d4, words, 4, buf);
  int32_t five = 5;
  memcpy(buf, &five, 4);
  sr_test_input(&tn, SIGRUN_TYPE_INT32, 1, d2, shape);
  sr_test_output(&tn, SIGRUN_TYPE_STRING);
  CHECK(sr_test_run(&tn, &sr_op_reshape, NULL) == SIGRUN_STATUS_RUNTIME);
  CHECK_CONTAINS(tn.error.message, "string buffer holds 5 strings, expected 4");
  sr_test_node_free(&tn);
}

int main(void) {
  RUN(test_check_accepts_valid);
  RUN(test_check_rejects_hostile);
  RUN(test_reader);
  RUN(test_writer);
  RUN(test_writer_errors);
  RUN(test_copy);
  RUN(test_gather_strings);
  RUN(test_reshape_strings);
  return TEST_SUMMARY();
}
