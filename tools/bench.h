/*
 * bench.h — `sigrun bench` (tools/bench.c): load, first-invoke and steady-state timing of one signature,
 * peak memory and an optional per-operator profile, for the CLI's dispatcher in tools/sigrun.c.
 */
#ifndef SIGRUN_TOOLS_BENCH_H
#define SIGRUN_TOOLS_BENCH_H

extern const char* const SR_BENCH_HELP;

/* argv holds the arguments after `bench`. Returns the process exit code (0 ok, 1 model error, 2 usage). */
int sr_bench_main(int argc, char** argv);

#endif
