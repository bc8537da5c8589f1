/*
 * convert.h — `sigrun convert` (tools/convert.c): TensorFlow SavedModel -> .tflite with the C converter, for the
 * CLI's dispatcher in tools/sigrun.c.
 */
#ifndef SIGRUN_TOOLS_CONVERT_H
#define SIGRUN_TOOLS_CONVERT_H

extern const char* const SR_CONVERT_HELP;

/* argv holds the arguments after `convert`. Returns the process exit code (0 ok, 1 conversion error, 2 usage). */
int sr_convert_main(int argc, char** argv);

#endif
