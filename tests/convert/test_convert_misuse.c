/*
 * test_convert_misuse.c — the converter's public functions (sigrun.h, "Converter") called the wrong way
 * (issue 5): NULL for every pointer, signature keys that are NULL or unknown, weights out of range, a
 * directory that is missing, a file, or holds a FIFO where saved_model.pb should be (it must not block).
 * Each case asserts the status and a fragment of the message, and that nothing is returned on failure.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define DENSE "tests/data/saved_models/dense"

static int cases_run;

static void expect(sigrun_status got, const sigrun_error* e, sigrun_status want, const char* fragment, int line) {
  cases_run++;
  if (got != want || e->status != got || !strstr(e->message, fragment)) {
    fprintf(stderr, "line %d: status %d (record %d), expected %d \"%s\"; message: %s\n", line, (int)got,
            (int)e->status, (int)want, fragment, e->message);
    sr_test_checks_failed++;
  }
}

#define EXPECT_STATUS(call, want, fragment)                       \
  do {                                                            \
    sigrun_error e_;                                              \
    memset(&e_, 0x55, sizeof e_);                                 \
    e_.message[sizeof e_.message - 1] = '\0';                     \
    sigrun_error* e = &e_;                                        \
    expect((call), e, SIGRUN_STATUS_##want, fragment, __LINE__);  \
  } while (0)

static void test_arguments(void) {
  void* data = (void*)&data;
  size_t size = 7;
  sigrun_convert_options o;
  sigrun_convert_options_init(NULL); /* no-op */
  sigrun_convert_options_init(&o);
  EXPECT_STATUS(sigrun_convert_saved_model(NULL, NULL, &data, &size, e), BAD_ARGUMENT,
                "sigrun_convert_saved_model: saved_model_dir is NULL");
  EXPECT_STATUS(sigrun_convert_saved_model(DENSE, NULL, NULL, &size, e), BAD_ARGUMENT,
                "sigrun_convert_saved_model: out_data is NULL");
  EXPECT_STATUS(sigrun_convert_saved_model(DENSE, NULL, &data, NULL, e), BAD_ARGUMENT,
                "sigrun_convert_saved_model: out_size is NULL");
  o.n_signature_keys = 2;
  EXPECT_STATUS(sigrun_convert_saved_model(DENSE, &o, &data, &size, e), BAD_ARGUMENT,
                "signature_keys is NULL with n_signature_keys 2");
  CHECK(data == NULL && size == 0); /* cleared on failure */
  const char* keys[2] = {NULL, "serving_default"};
  o.signature_keys = keys;
  EXPECT_STATUS(sigrun_convert_saved_model(DENSE, &o, &data, &size, e), NOT_FOUND, "(null)");
  keys[0] = "nope";
  EXPECT_STATUS(sigrun_convert_saved_model(DENSE, &o, &data, &size, e), NOT_FOUND, "nope");
  sigrun_convert_options_init(&o);
  o.weights = (sigrun_convert_weights)7;
  EXPECT_STATUS(sigrun_convert_saved_model(DENSE, &o, &data, &size, e), BAD_ARGUMENT, "unknown weights option 7");
  o.weights = (sigrun_convert_weights)-1;
  EXPECT_STATUS(sigrun_convert_saved_model(DENSE, &o, &data, &size, e), BAD_ARGUMENT, "unknown weights option -1");
  CHECK(data == NULL && size == 0);
  sigrun_convert_free(NULL); /* no-op */
  cases_run++;
}

static void test_paths(void) {
  void* data = NULL;
  size_t size = 0;
  EXPECT_STATUS(sigrun_convert_saved_model("tests/data/saved_models/nope", NULL, &data, &size, e), IO, "nope");
  EXPECT_STATUS(sigrun_convert_saved_model(DENSE "/saved_model.pb", NULL, &data, &size, e), IO, "saved_model.pb");
  /* A FIFO where saved_model.pb should be: refused at once, not waited on. */
  char dir[64], pb[96];
  snprintf(dir, sizeof dir, "/tmp/sigrun_convert_misuse_%d", (int)getpid());
  snprintf(pb, sizeof pb, "%s/saved_model.pb", dir);
  CHECK(mkdir(dir, 0700) == 0 && mkfifo(pb, 0600) == 0);
  EXPECT_STATUS(sigrun_convert_saved_model(dir, NULL, &data, &size, e), IO, "is not a regular file");
  unlink(pb);
  rmdir(dir);
  CHECK(data == NULL);
}

static void test_error_details_and_null_record(void) {
  void* data = NULL;
  size_t size = 0;
  char* details = (char*)"stale";
  sigrun_convert_options o;
  sigrun_convert_options_init(&o);
  const char* keys[1] = {"nope"};
  o.signature_keys = keys;
  o.n_signature_keys = 1;
  o.error_details = &details;
  cases_run++;
  CHECK(sigrun_convert_saved_model(DENSE, &o, &data, &size, NULL) == SIGRUN_STATUS_NOT_FOUND);
  CHECK(details != NULL && strstr(details, "nope") != NULL);
  sigrun_convert_free(details);
  o.n_signature_keys = 0;
  cases_run++;
  CHECK(sigrun_convert_saved_model(DENSE, &o, &data, &size, NULL) == SIGRUN_STATUS_OK && data && size > 0);
  CHECK(details == NULL); /* success leaves no details */
  sigrun_convert_free(data);
}

int main(void) {
  RUN(test_arguments);
  RUN(test_paths);
  RUN(test_error_details_and_null_record);
  printf("%d converter misuse cases\n", cases_run);
  return TEST_SUMMARY();
}
