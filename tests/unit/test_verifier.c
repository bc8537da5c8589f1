/*
 * test_verifier.c — the loader rejects each malformed structure in tests/data/broken with a message naming
 * the place, accepts the valid model, and survives every truncation and many byte flips of real models.
 */
#include "harness.h"

#define MAX_FILE (8u << 20)

static unsigned char* read_file(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  unsigned char* buf = malloc(MAX_FILE);
  *size = fread(buf, 1, MAX_FILE, f);
  fclose(f);
  return buf;
}

static void test_expected_messages(void) {
  FILE* f = fopen("tests/data/broken/EXPECTED.txt", "r");
  CHECK(f != NULL);
  if (!f) return;
  char line[1024];
  int cases = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#') continue;
    line[strcspn(line, "\n")] = '\0';
    char* tab = strchr(line, '\t');
    if (!tab) continue;
    *tab = '\0';
    const char* expected = tab + 1;
    char path[512];
    snprintf(path, sizeof path, "tests/data/broken/%s", line);
    sigrun_model* m = NULL;
    sigrun_error e;
    sigrun_status st = sigrun_model_load_file(path, &m, &e);
    cases++;
    if (strcmp(line, "valid.tflite") == 0) {
      CHECK(st == SIGRUN_STATUS_OK);
      if (st) fprintf(stderr, "valid model failed: %s\n", e.message);
    } else {
      CHECK(st != SIGRUN_STATUS_OK);
      CHECK(m == NULL);
      CHECK(e.status == st);
      if (st) CHECK_CONTAINS(e.message, expected);
      else fprintf(stderr, "%s loaded but should not\n", line);
    }
    sigrun_model_destroy(m);
  }
  fclose(f);
  CHECK(cases >= 25);
}

/* Loads a buffer, and when it loads, runs every signature once with zeroed inputs. Must never crash. */
static void load_and_run(const unsigned char* data, size_t size) {
  sigrun_model* m = NULL;
  sigrun_error e;
  if (sigrun_model_load_buffer(data, size, 1, &m, &e) != SIGRUN_STATUS_OK) {
    CHECK(e.message[0] != '\0');
    return;
  }
  sigrun_interpreter* in = NULL;
  if (sigrun_interpreter_create(m, NULL, &in, &e) == SIGRUN_STATUS_OK) {
    sigrun_runner* r;
    if (sigrun_interpreter_get_runner(in, NULL, &r, &e) == SIGRUN_STATUS_OK &&
        sigrun_runner_allocate(r, &e) == SIGRUN_STATUS_OK)
      sigrun_runner_invoke(r, &e);
  }
  sigrun_interpreter_destroy(in);
  sigrun_model_destroy(m);
}

static void test_truncations_and_flips(void) {
  const char* models[] = {"tests/data/broken/valid.tflite", "tests/data/models/multi_signatures.bin"};
  for (size_t k = 0; k < sizeof models / sizeof *models; k++) {
    size_t size;
    unsigned char* buf = read_file(models[k], &size);
    CHECK(buf != NULL);
    if (!buf) continue;
    for (size_t n = 0; n < size; n++) load_and_run(buf, n);
    /* Every byte set to a few hostile values, one at a time. */
    const unsigned char values[] = {0x00, 0xff, 0x7f, 0x80};
    for (size_t i = 0; i < size; i++) {
      unsigned char saved = buf[i];
      for (size_t v = 0; v < sizeof values; v++) {
        buf[i] = values[v];
        load_and_run(buf, size);
      }
      buf[i] = saved;
    }
    free(buf);
  }
}

static void test_null_arguments(void) {
  sigrun_model* m;
  sigrun_error e;
  CHECK(sigrun_model_load_file(NULL, &m, &e) == SIGRUN_STATUS_BAD_ARGUMENT);
  CHECK(sigrun_model_load_buffer(NULL, 0, 0, &m, &e) == SIGRUN_STATUS_BAD_ARGUMENT);
  CHECK(sigrun_model_load_file("/nonexistent/model.tflite", &m, &e) == SIGRUN_STATUS_IO);
  CHECK_CONTAINS(e.message, "/nonexistent/model.tflite");
  CHECK(sigrun_model_load_file("tests/data/broken/valid.tflite", &m, NULL) == SIGRUN_STATUS_OK);
  sigrun_model_destroy(m);
  sigrun_model_destroy(NULL);
}

int main(void) {
  RUN(test_expected_messages);
  RUN(test_null_arguments);
  RUN(test_truncations_and_flips);
  return TEST_SUMMARY();
}
