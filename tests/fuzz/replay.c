/*
 * replay.c — a main() for a fuzz target built without libFuzzer (any C compiler, e.g. gcc in CI): runs the
 * target's LLVMFuzzerTestOneInput over every file named on the command line or found (recursively) in the
 * directories named there, in sorted order. A crash or sanitizer report ends the run like any failing test;
 * a missing path or an empty run is an error too, so a mistyped corpus directory cannot pass silently.
 * Files whose names start with '.' or "README" are skipped (placeholders and notes).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

typedef struct replay_stats {
  size_t files;
  double slowest_seconds;
  char slowest[1024];
} replay_stats;

static double replay_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int replay_file(const char* path, replay_stats* stats) {
  FILE* f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return -1;
  }
  size_t cap = 1 << 16, size = 0, got;
  uint8_t* data = malloc(cap);
  while (data && (got = fread(data + size, 1, cap - size, f)) > 0) {
    size += got;
    if (size == cap) {
      uint8_t* grown = realloc(data, cap *= 2);
      if (!grown) free(data);
      data = grown;
    }
  }
  fclose(f);
  if (!data) {
    fprintf(stderr, "replay: out of memory reading %s\n", path);
    return -1;
  }
  /* An exact-size copy, so reading one byte past the input is caught by ASan as it is under libFuzzer. */
  uint8_t* exact = malloc(size ? size : 1);
  if (!exact) {
    free(data);
    return -1;
  }
  memcpy(exact, data, size);
  free(data);
  /* Named before it runs, so the log of a crashing replay ends with the culprit. */
  printf("%s\n", path);
  fflush(stdout);
  double start = replay_now();
  LLVMFuzzerTestOneInput(exact, size);
  double seconds = replay_now() - start;
  free(exact);
  stats->files++;
  if (seconds > stats->slowest_seconds) {
    stats->slowest_seconds = seconds;
    snprintf(stats->slowest, sizeof stats->slowest, "%s", path);
  }
  return 0;
}

static int replay_compare(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

static int replay_path(const char* path, replay_stats* stats);

static int replay_dir(const char* path, replay_stats* stats) {
  DIR* d = opendir(path);
  if (!d) {
    fprintf(stderr, "replay: cannot open directory %s\n", path);
    return -1;
  }
  char** names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  struct dirent* entry;
  while ((entry = readdir(d)) != NULL) {
    if (entry->d_name[0] == '.' || strncmp(entry->d_name, "README", 6) == 0) continue;
    if (n == cap) {
      char** grown = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names);
      if (!grown) {
        rc = -1;
        break;
      }
      names = grown;
    }
    size_t len = strlen(path) + strlen(entry->d_name) + 2;
    if (!(names[n] = malloc(len))) {
      rc = -1;
      break;
    }
    snprintf(names[n++], len, "%s/%s", path, entry->d_name);
  }
  closedir(d);
  if (names) qsort(names, n, sizeof *names, replay_compare);
  for (size_t i = 0; i < n; i++) {
    if (rc == 0) rc = replay_path(names[i], stats);
    free(names[i]);
  }
  free(names);
  return rc;
}

static int replay_path(const char* path, replay_stats* stats) {
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "replay: %s does not exist\n", path);
    return -1;
  }
  return S_ISDIR(st.st_mode) ? replay_dir(path, stats) : replay_file(path, stats);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  replay_stats stats;
  memset(&stats, 0, sizeof stats);
  for (int i = 1; i < argc; i++)
    if (replay_path(argv[i], &stats) != 0) return 1;
  if (stats.files == 0) {
    fprintf(stderr, "replay: no input files found\n");
    return 1;
  }
  printf("replayed %zu inputs; slowest %.3f s (%s)\n", stats.files, stats.slowest_seconds, stats.slowest);
  return 0;
}
