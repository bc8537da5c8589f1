/*
 * types.c — the library-level tables generated from the X-lists in sigrun.h: statuses, types, version.
 */
#include "common.h"

const char* sigrun_version(void) { return "0.1.0"; }

const char* sigrun_status_string(sigrun_status status) {
  switch (status) {
#define SR_X(name, value, desc) \
  case SIGRUN_STATUS_##name:    \
    return desc;
    SIGRUN_STATUS_LIST(SR_X)
#undef SR_X
  }
  return "unknown status";
}

const char* sigrun_type_name(sigrun_type type) {
  switch (type) {
#define SR_X(name, value, str, bytes) \
  case SIGRUN_TYPE_##name:            \
    return str;
    SIGRUN_TYPE_LIST(SR_X)
#undef SR_X
  }
  return "unknown";
}

size_t sigrun_type_size(sigrun_type type) {
  switch (type) {
#define SR_X(name, value, str, bytes) \
  case SIGRUN_TYPE_##name:            \
    return bytes;
    SIGRUN_TYPE_LIST(SR_X)
#undef SR_X
  }
  return 0;
}
