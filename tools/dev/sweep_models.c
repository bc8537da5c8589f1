/*
 * sweep_models.c — loads each model given on the command line, creates an interpreter, and allocates and
 * invokes its default runner (NULL key) once with the inputs as allocated. Prints one line per stage that
 * failed, or "ran ok". Used to count how many real models sigrun runs end to end:
 *   gcc -std=c11 -O1 -Iinclude tools/dev/sweep_models.c build/libsigrun.a -lm -lpthread -o build/sweep_models
 *   build/sweep_models $(find ../shared/models -name '*.bin' -o -name '*.tflite' | sort) > sweep.txt
 *   grep -c 'ran ok' sweep.txt; grep -c 'LOAD FAIL' sweep.txt; grep -c 'INTERP FAIL' sweep.txt
 */
#include <stdio.h>

#include "sigrun.h"

static void sweep(const char* path) {
  sigrun_error e;
  sigrun_model* m;
  if (sigrun_model_load_file(path, &m, &e)) {
    printf("%s: LOAD FAIL [%s] %s\n", path, sigrun_status_string(e.status), e.message);
    return;
  }
  sigrun_interpreter* in;
  sigrun_runner* r;
  if (sigrun_interpreter_create(m, NULL, &in, &e)) {
    printf("%s: INTERP FAIL %s\n", path, e.message);
  } else {
    if (sigrun_interpreter_get_runner(in, NULL, &r, &e)) printf("%s: RUNNER FAIL %s\n", path, e.message);
    else if (sigrun_runner_allocate(r, &e)) printf("%s: ALLOC FAIL %s\n", path, e.message);
    else if (sigrun_runner_invoke(r, &e)) printf("%s: INVOKE FAIL %s\n", path, e.message);
    else printf("%s: ran ok (signature '%s')\n", path, sigrun_runner_signature_key(r));
    sigrun_interpreter_destroy(in);
  }
  sigrun_model_destroy(m);
}

int main(int argc, char** argv) {
  for (int i = 1; i < argc; i++) sweep(argv[i]);
  return 0;
}
