/*
 * npy.c — the .npy reader and writer behind npy.h. The header is a Python dict literal; rather than a
 * general Python parser this accepts exactly the grammar numpy writes and reads back (three keys, string,
 * bool and tuple-of-int values, any whitespace, optional trailing commas). Every reported position is an
 * absolute byte offset in the file, so a user can find it with a hex dump. The same dtypes' element text
 * (numpy-like printing, range-checked parsing, half precision) lives at the end.
 */
#include "npy.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
#define NPY_ALIGN 64 /* numpy pads preamble + header to this since 1.x; readers must not rely on it */
#define NPY_MAX_STRING 64

static void npy_fail(char* err, size_t err_size, const char* fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void npy_fail(char* err, size_t err_size, const char* fmt, ...) {
  if (!err || err_size == 0) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, err_size, fmt, ap);
  va_end(ap);
}

/* ---- dtypes ---- */

typedef struct npy_dtype {
  char kind;
  size_t size;
  sigrun_type type;
  const char* descr;
} npy_dtype;

static const npy_dtype npy_dtypes[] = {
    {'f', 2, SIGRUN_TYPE_FLOAT16, "<f2"}, {'f', 4, SIGRUN_TYPE_FLOAT32, "<f4"}, {'f', 8, SIGRUN_TYPE_FLOAT64, "<f8"},
    {'i', 1, SIGRUN_TYPE_INT8, "|i1"},    {'i', 2, SIGRUN_TYPE_INT16, "<i2"},   {'i', 4, SIGRUN_TYPE_INT32, "<i4"},
    {'i', 8, SIGRUN_TYPE_INT64, "<i8"},   {'u', 1, SIGRUN_TYPE_UINT8, "|u1"},   {'u', 2, SIGRUN_TYPE_UINT16, "<u2"},
    {'u', 4, SIGRUN_TYPE_UINT32, "<u4"},  {'u', 8, SIGRUN_TYPE_UINT64, "<u8"},  {'b', 1, SIGRUN_TYPE_BOOL, "|b1"},
};
#define NPY_N_DTYPES (sizeof npy_dtypes / sizeof npy_dtypes[0])

static const npy_dtype* npy_dtype_of_type(sigrun_type type) {
  for (size_t i = 0; i < NPY_N_DTYPES; i++)
    if (npy_dtypes[i].type == type) return &npy_dtypes[i];
  return NULL;
}

const char* sr_npy_descr(sigrun_type type) {
  const npy_dtype* d = npy_dtype_of_type(type);
  return d ? d->descr : NULL;
}

void sr_npy_free(sr_npy_array* array) {
  if (!array) return;
  free(array->data);
  memset(array, 0, sizeof *array);
}

/* ---- header dict parser ---- */

typedef struct npy_cursor {
  const char* s;
  size_t n;
  size_t pos;
  size_t base; /* file offset of s[0] */
  char* err;
  size_t err_size;
} npy_cursor;

/* Describes the character at the cursor for messages: 'x', \xNN or "end of header". */
static const char* npy_found(const npy_cursor* c, char* buf, size_t buf_size) {
  if (c->pos >= c->n) return "the end of the header";
  unsigned char ch = (unsigned char)c->s[c->pos];
  if (ch >= 0x20 && ch < 0x7f)
    snprintf(buf, buf_size, "'%c'", ch);
  else
    snprintf(buf, buf_size, "byte 0x%02x", ch);
  return buf;
}

static int npy_expected(npy_cursor* c, const char* what) {
  char buf[16];
  npy_fail(c->err, c->err_size, "byte %zu (header): expected %s, found %s", c->base + c->pos, what,
           npy_found(c, buf, sizeof buf));
  return -1;
}

static void npy_skip_ws(npy_cursor* c) {
  while (c->pos < c->n) {
    char ch = c->s[c->pos];
    if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r' && ch != '\f' && ch != '\v') break;
    c->pos++;
  }
}

static int npy_peek(const npy_cursor* c) { return c->pos < c->n ? (unsigned char)c->s[c->pos] : -1; }

static int npy_accept(npy_cursor* c, char ch) {
  npy_skip_ws(c);
  if (npy_peek(c) != (unsigned char)ch) return 0;
  c->pos++;
  return 1;
}

/* A quoted string without escapes; out gets at most NPY_MAX_STRING - 1 characters. */
static int npy_parse_string(npy_cursor* c, char out[NPY_MAX_STRING]) {
  npy_skip_ws(c);
  int quote = npy_peek(c);
  if (quote != '\'' && quote != '"') return npy_expected(c, "a quoted string");
  size_t start = c->pos++;
  size_t len = 0;
  for (;;) {
    int ch = npy_peek(c);
    if (ch < 0 || ch == '\n') {
      npy_fail(c->err, c->err_size, "byte %zu (header): string starting here is not closed", c->base + start);
      return -1;
    }
    if (ch == quote) break;
    if (ch == '\\') {
      npy_fail(c->err, c->err_size, "byte %zu (header): escape sequences in strings are not supported",
               c->base + c->pos);
      return -1;
    }
    if (len + 1 >= NPY_MAX_STRING) {
      npy_fail(c->err, c->err_size, "byte %zu (header): string longer than %d characters", c->base + start,
               NPY_MAX_STRING - 1);
      return -1;
    }
    out[len++] = (char)ch;
    c->pos++;
  }
  c->pos++;
  out[len] = '\0';
  return 0;
}

static int npy_is_ident(int ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

static int npy_parse_bool(npy_cursor* c, int* out) {
  npy_skip_ws(c);
  const char* words[2] = {"False", "True"};
  for (int v = 0; v < 2; v++) {
    size_t len = strlen(words[v]);
    if (c->n - c->pos >= len && memcmp(c->s + c->pos, words[v], len) == 0 &&
        (c->pos + len == c->n || !npy_is_ident((unsigned char)c->s[c->pos + len]))) {
      c->pos += len;
      *out = v;
      return 0;
    }
  }
  return npy_expected(c, "True or False");
}

static int npy_parse_dim(npy_cursor* c, int64_t* out) {
  npy_skip_ws(c);
  size_t start = c->pos;
  if (npy_peek(c) == '-') {
    npy_fail(c->err, c->err_size, "byte %zu (header): negative dimension in shape", c->base + start);
    return -1;
  }
  if (npy_peek(c) < '0' || npy_peek(c) > '9') return npy_expected(c, "a dimension (non-negative integer)");
  int64_t v = 0;
  while (npy_peek(c) >= '0' && npy_peek(c) <= '9') {
    int digit = npy_peek(c) - '0';
    if (v > (INT64_MAX - digit) / 10) {
      npy_fail(c->err, c->err_size, "byte %zu (header): dimension does not fit in 64 bits", c->base + start);
      return -1;
    }
    v = v * 10 + digit;
    c->pos++;
  }
  if (npy_is_ident(npy_peek(c))) return npy_expected(c, "',' or ')' after a dimension");
  *out = v;
  return 0;
}

/* A Python tuple of ints: (), (3,), (2, 3) or (2, 3,). "(3)" is an int in Python, not a tuple. */
static int npy_parse_shape(npy_cursor* c, sr_npy_array* a) {
  npy_skip_ws(c);
  size_t start = c->pos;
  if (!npy_accept(c, '(')) return npy_expected(c, "'(' starting the shape tuple");
  a->rank = 0;
  if (npy_accept(c, ')')) return 0;
  for (;;) {
    if (a->rank == SR_NPY_MAX_RANK) {
      npy_fail(c->err, c->err_size, "byte %zu (header): shape has more than %d dimensions", c->base + start,
               SR_NPY_MAX_RANK);
      return -1;
    }
    if (npy_parse_dim(c, &a->dims[a->rank])) return -1;
    a->rank++;
    int comma = npy_accept(c, ',');
    if (npy_accept(c, ')')) {
      if (a->rank == 1 && !comma) {
        npy_fail(c->err, c->err_size, "byte %zu (header): shape (%lld) is not a tuple; a 1-D shape is written (%lld,)",
                 c->base + start, (long long)a->dims[0], (long long)a->dims[0]);
        return -1;
      }
      return 0;
    }
    if (!comma) return npy_expected(c, "',' or ')' in the shape tuple");
  }
}

static int npy_set_descr(npy_cursor* c, size_t at, const char* descr, sr_npy_array* a) {
  char order = descr[0];
  size_t len = strlen(descr);
  const npy_dtype* found = NULL;
  if (len == 3 && descr[2] >= '1' && descr[2] <= '8') {
    for (size_t i = 0; i < NPY_N_DTYPES; i++)
      if (npy_dtypes[i].kind == descr[1] && npy_dtypes[i].size == (size_t)(descr[2] - '0')) found = &npy_dtypes[i];
  }
  if (!found) {
    npy_fail(c->err, c->err_size,
             "byte %zu (header): unsupported dtype '%s' (supported: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1, "
             "little-endian)", c->base + at, descr);
    return -1;
  }
  int ok = order == '<' || (found->size == 1 && (order == '|' || order == '>' || order == '='));
  if (!ok) {
    const char* why = order == '>'   ? "big-endian data is not supported"
                      : order == '|' ? "'|' (no byte order) is only valid for 1-byte types"
                                     : "the byte order must be '<' (or '|' for 1-byte types)";
    npy_fail(c->err, c->err_size, "byte %zu (header): dtype '%s': %s", c->base + at, descr, why);
    return -1;
  }
  a->type = found->type;
  return 0;
}

enum { NPY_KEY_DESCR = 1, NPY_KEY_FORTRAN = 2, NPY_KEY_SHAPE = 4 };

static int npy_parse_entry(npy_cursor* c, sr_npy_array* a, int* seen) {
  char key[NPY_MAX_STRING], descr[NPY_MAX_STRING];
  npy_skip_ws(c);
  size_t key_at = c->pos;
  if (npy_parse_string(c, key)) return -1;
  int bit = strcmp(key, "descr") == 0 ? NPY_KEY_DESCR
            : strcmp(key, "fortran_order") == 0 ? NPY_KEY_FORTRAN
            : strcmp(key, "shape") == 0 ? NPY_KEY_SHAPE : 0;
  if (!bit) {
    npy_fail(c->err, c->err_size, "byte %zu (header): unknown key '%s' (expected descr, fortran_order, shape)",
             c->base + key_at, key);
    return -1;
  }
  if (*seen & bit) {
    npy_fail(c->err, c->err_size, "byte %zu (header): key '%s' appears twice", c->base + key_at, key);
    return -1;
  }
  *seen |= bit;
  if (!npy_accept(c, ':')) return npy_expected(c, "':' after a key");
  npy_skip_ws(c);
  size_t value_at = c->pos;
  if (bit == NPY_KEY_SHAPE) return npy_parse_shape(c, a);
  if (bit == NPY_KEY_FORTRAN) {
    int fortran = 0;
    if (npy_parse_bool(c, &fortran)) return -1;
    if (fortran) {
      npy_fail(c->err, c->err_size,
               "byte %zu (header): fortran_order is True; only C-ordered arrays are supported "
               "(save np.ascontiguousarray(a) instead)", c->base + value_at);
      return -1;
    }
    return 0;
  }
  if (npy_peek(c) == '[') {
    npy_fail(c->err, c->err_size, "byte %zu (header): structured dtypes (a list descr) are not supported",
             c->base + value_at);
    return -1;
  }
  if (npy_parse_string(c, descr)) return -1;
  return npy_set_descr(c, value_at, descr, a);
}

static int npy_parse_header(npy_cursor* c, sr_npy_array* a) {
  int seen = 0;
  if (!npy_accept(c, '{')) return npy_expected(c, "'{' starting the header dictionary");
  while (!npy_accept(c, '}')) {
    if (npy_parse_entry(c, a, &seen)) return -1;
    if (!npy_accept(c, ',')) {
      if (npy_accept(c, '}')) break;
      return npy_expected(c, "',' or '}' after a value");
    }
  }
  npy_skip_ws(c);
  if (c->pos < c->n) return npy_expected(c, "only padding after the header dictionary");
  const char* missing = !(seen & NPY_KEY_DESCR) ? "descr" : !(seen & NPY_KEY_FORTRAN) ? "fortran_order"
                        : !(seen & NPY_KEY_SHAPE) ? "shape" : NULL;
  if (missing) {
    npy_fail(c->err, c->err_size, "header at byte %zu lacks the key '%s'", c->base, missing);
    return -1;
  }
  return 0;
}

/* ---- whole image ---- */

static int npy_count(const sr_npy_array* a, size_t elem_size, size_t* count, size_t* bytes) {
  size_t n = 1;
  int zero = 0;
  for (int i = 0; i < a->rank; i++) zero |= a->dims[i] == 0;
  for (int i = 0; i < a->rank && !zero; i++) {
    if ((uint64_t)a->dims[i] > SIZE_MAX || n > SIZE_MAX / (size_t)a->dims[i]) return -1;
    n *= (size_t)a->dims[i];
  }
  if (zero) n = 0;
  if (n > SIZE_MAX / elem_size) return -1;
  *count = n;
  *bytes = n * elem_size;
  return 0;
}

static int npy_read_preamble(const uint8_t* p, size_t size, size_t* header_at, size_t* header_len, char* err,
                             size_t err_size) {
  if (size < NPY_MAGIC_LEN || memcmp(p, NPY_MAGIC, NPY_MAGIC_LEN) != 0) {
    npy_fail(err, err_size, "not a .npy file: the first 6 bytes are not \\x93NUMPY");
    return -1;
  }
  if (size < 8) {
    npy_fail(err, err_size, "file ends at byte %zu, inside the version field (bytes 6-7)", size);
    return -1;
  }
  int major = p[6], minor = p[7];
  if ((major < 1 || major > 3) || minor != 0) {
    npy_fail(err, err_size, "byte 6: unsupported .npy format version %d.%d (supported: 1.0, 2.0, 3.0)", major,
             minor);
    return -1;
  }
  size_t len_bytes = major == 1 ? 2 : 4;
  if (size < 8 + len_bytes) {
    npy_fail(err, err_size, "file ends at byte %zu, inside the header length field (bytes 8-%zu)", size,
             7 + len_bytes);
    return -1;
  }
  uint32_t len = (uint32_t)p[8] | (uint32_t)p[9] << 8;
  if (len_bytes == 4) len |= (uint32_t)p[10] << 16 | (uint32_t)p[11] << 24;
  *header_at = 8 + len_bytes;
  if ((size_t)len > size - *header_at) {
    npy_fail(err, err_size, "byte 8: header length %u runs past the end of the file (%zu bytes after byte %zu)",
             len, size - *header_at, *header_at);
    return -1;
  }
  *header_len = len;
  return 0;
}

int sr_npy_parse(const void* buf, size_t size, sr_npy_array* out, char* err, size_t err_size) {
  memset(out, 0, sizeof *out);
  if (!buf && size) {
    npy_fail(err, err_size, "no data");
    return -1;
  }
  const uint8_t* p = buf;
  size_t header_at, header_len;
  if (npy_read_preamble(p, size, &header_at, &header_len, err, err_size)) return -1;
  sr_npy_array a;
  memset(&a, 0, sizeof a);
  npy_cursor c = {(const char*)p + header_at, header_len, 0, header_at, err, err_size};
  if (npy_parse_header(&c, &a)) return -1;
  size_t elem = npy_dtype_of_type(a.type)->size;
  size_t data_at = header_at + header_len;
  if (npy_count(&a, elem, &a.count, &a.bytes)) {
    npy_fail(err, err_size, "byte %zu (header): the shape's byte size overflows", header_at);
    return -1;
  }
  size_t avail = size - data_at;
  if (avail != a.bytes) {
    npy_fail(err, err_size, "data at byte %zu: shape and dtype need %zu bytes, file has %zu (%s)", data_at,
             a.bytes, avail, avail < a.bytes ? "truncated" : "trailing bytes");
    return -1;
  }
  if (a.bytes) {
    a.data = malloc(a.bytes);
    if (!a.data) {
      npy_fail(err, err_size, "out of memory for %zu bytes of data", a.bytes);
      return -1;
    }
    memcpy(a.data, p + data_at, a.bytes);
  }
  *out = a;
  return 0;
}

/* ---- writer ---- */

int sr_npy_encode(sigrun_type type, int rank, const int64_t* dims, const void* data, size_t data_bytes,
                  void** out_buf, size_t* out_size, char* err, size_t err_size) {
  *out_buf = NULL;
  *out_size = 0;
  const npy_dtype* d = npy_dtype_of_type(type);
  if (!d) {
    npy_fail(err, err_size, "type %s cannot be stored in a .npy file", sigrun_type_name(type));
    return -1;
  }
  if (rank < 0 || rank > SR_NPY_MAX_RANK || (rank > 0 && !dims)) {
    npy_fail(err, err_size, "invalid rank %d (0..%d)", rank, SR_NPY_MAX_RANK);
    return -1;
  }
  sr_npy_array a;
  memset(&a, 0, sizeof a);
  a.rank = rank;
  for (int i = 0; i < rank; i++) {
    if (dims[i] < 0) {
      npy_fail(err, err_size, "dimension %d is negative (%lld)", i, (long long)dims[i]);
      return -1;
    }
    a.dims[i] = dims[i];
  }
  if (npy_count(&a, d->size, &a.count, &a.bytes) || a.bytes != data_bytes || (data_bytes && !data)) {
    npy_fail(err, err_size, "data has %zu bytes; the shape and type need %zu", data_bytes, a.bytes);
    return -1;
  }
  /* 32 dims of 20 digits plus the fixed text fit easily. */
  char header[1024];
  int len = snprintf(header, sizeof header, "{'descr': '%s', 'fortran_order': False, 'shape': (", d->descr);
  for (int i = 0; i < rank; i++)
    len += snprintf(header + len, sizeof header - (size_t)len, "%s%lld", i ? ", " : "", (long long)dims[i]);
  len += snprintf(header + len, sizeof header - (size_t)len, "%s), }", rank == 1 ? "," : "");
  size_t padded = (size_t)len + 1; /* + '\n' */
  size_t preamble = 10;
  padded = (preamble + padded + NPY_ALIGN - 1) / NPY_ALIGN * NPY_ALIGN - preamble;
  if (data_bytes > SIZE_MAX - preamble - padded) {
    npy_fail(err, err_size, "array too large");
    return -1;
  }
  size_t total = preamble + padded + data_bytes;
  uint8_t* buf = malloc(total);
  if (!buf) {
    npy_fail(err, err_size, "out of memory for %zu bytes", total);
    return -1;
  }
  memcpy(buf, NPY_MAGIC, NPY_MAGIC_LEN);
  buf[6] = 1;
  buf[7] = 0;
  buf[8] = (uint8_t)(padded & 0xff);
  buf[9] = (uint8_t)(padded >> 8);
  memcpy(buf + preamble, header, (size_t)len);
  memset(buf + preamble + len, ' ', padded - (size_t)len - 1);
  buf[preamble + padded - 1] = '\n';
  if (data_bytes) memcpy(buf + preamble + padded, data, data_bytes);
  *out_buf = buf;
  *out_size = total;
  return 0;
}

/* ---- files ---- */

static int npy_slurp(FILE* f, const char* path, uint8_t** out, size_t* out_size, char* err, size_t err_size) {
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    npy_fail(err, err_size, "%s: not a regular file", path);
    return -1;
  }
  if (st.st_size < 0 || (uint64_t)st.st_size > SIZE_MAX - 1) {
    npy_fail(err, err_size, "%s: file too large", path);
    return -1;
  }
  size_t size = (size_t)st.st_size;
  uint8_t* buf = malloc(size ? size : 1);
  if (!buf) {
    npy_fail(err, err_size, "%s: out of memory for %zu bytes", path, size);
    return -1;
  }
  if (fread(buf, 1, size, f) != size) {
    npy_fail(err, err_size, "%s: read error or file shrank while reading", path);
    free(buf);
    return -1;
  }
  *out = buf;
  *out_size = size;
  return 0;
}

int sr_npy_read_file(const char* path, sr_npy_array* out, char* err, size_t err_size) {
  memset(out, 0, sizeof *out);
  FILE* f = fopen(path, "rb");
  if (!f) {
    npy_fail(err, err_size, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  uint8_t* buf = NULL;
  size_t size = 0;
  int rc = npy_slurp(f, path, &buf, &size, err, err_size);
  fclose(f);
  if (rc) return -1;
  char inner[SR_NPY_ERROR_SIZE];
  rc = sr_npy_parse(buf, size, out, inner, sizeof inner);
  free(buf);
  if (rc) npy_fail(err, err_size, "%s: %s", path, inner);
  return rc;
}

int sr_npy_write_file(const char* path, sigrun_type type, int rank, const int64_t* dims, const void* data,
                      size_t data_bytes, char* err, size_t err_size) {
  void* buf;
  size_t size;
  char inner[SR_NPY_ERROR_SIZE];
  if (sr_npy_encode(type, rank, dims, data, data_bytes, &buf, &size, inner, sizeof inner)) {
    npy_fail(err, err_size, "%s: %s", path, inner);
    return -1;
  }
  FILE* f = fopen(path, "wb");
  if (!f) {
    npy_fail(err, err_size, "%s: cannot create: %s", path, strerror(errno));
    free(buf);
    return -1;
  }
  int ok = fwrite(buf, 1, size, f) == size;
  ok &= fclose(f) == 0;
  free(buf);
  if (!ok) {
    npy_fail(err, err_size, "%s: write failed", path);
    remove(path);
    return -1;
  }
  return 0;
}

/* ---- element text: half precision, shortest round-trip formatting, range-checked parsing ---- */

uint16_t sr_npy_f32_to_f16(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u, exp = (x >> 23) & 0xffu, mant = x & 0x7fffffu;
  if (exp == 0xff) return (uint16_t)(sign | 0x7c00u | (mant ? 0x200u | (mant >> 13) : 0));
  int e = (int)exp - 127 + 15;
  if (e >= 31) return (uint16_t)(sign | 0x7c00u);
  if (e <= 0) {
    if (e < -10) return (uint16_t)sign;
    mant |= 0x800000u;
    int shift = 14 - e;
    uint32_t h = mant >> shift, rem = mant & ((1u << shift) - 1), mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (h & 1))) h++;
    return (uint16_t)(sign | h);
  }
  uint32_t h = sign | (uint32_t)e << 10 | mant >> 13, rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1))) h++; /* a carry rolls into the exponent, up to inf */
  return (uint16_t)h;
}

float sr_npy_f16_to_f32(uint16_t h) {
  int exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float v = exp == 0 ? ldexpf((float)mant, -24)
            : exp == 31 ? (mant ? NAN : INFINITY)
                        : ldexpf((float)(mant | 0x400), exp - 25);
  return (h & 0x8000) ? -v : v;
}

static uint16_t npy_f32_to_bf16(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  if (isnan(f)) return (uint16_t)((x >> 16) | 0x40);
  return (uint16_t)((x + 0x7fffu + ((x >> 16) & 1)) >> 16);
}

static float npy_bf16_to_f32(uint16_t h) {
  uint32_t x = (uint32_t)h << 16;
  float f;
  memcpy(&f, &x, 4);
  return f;
}

/* Does the decimal text give back the same value in the element's own precision? */
static int npy_round_trips(const char* text, double v, sigrun_type type) {
  double back = strtod(text, NULL);
  switch (type) {
    case SIGRUN_TYPE_FLOAT64: return back == v;
    case SIGRUN_TYPE_FLOAT16: return sr_npy_f32_to_f16((float)back) == sr_npy_f32_to_f16((float)v);
    case SIGRUN_TYPE_BFLOAT16: return npy_f32_to_bf16((float)back) == npy_f32_to_bf16((float)v);
    default: return (float)back == (float)v;
  }
}

/* numpy-like: the fewest digits that round-trip, positional unless the exponent is extreme. */
static void npy_format_float(char* buf, size_t size, double v, sigrun_type type) {
  if (isnan(v)) {
    snprintf(buf, size, "nan");
    return;
  }
  if (isinf(v)) {
    snprintf(buf, size, v < 0 ? "-inf" : "inf");
    return;
  }
  char sci[40];
  int digits = 1;
  for (; digits < 17; digits++) {
    snprintf(sci, sizeof sci, "%.*e", digits - 1, v);
    if (npy_round_trips(sci, v, type)) break;
  }
  snprintf(sci, sizeof sci, "%.*e", digits - 1, v);
  int exp10 = atoi(strchr(sci, 'e') + 1);
  if (v != 0 && (exp10 < -4 || exp10 >= 16)) {
    snprintf(buf, size, "%s", sci);
    return;
  }
  int decimals = digits - 1 - exp10;
  if (decimals > 0) snprintf(buf, size, "%.*f", decimals, v);
  else snprintf(buf, size, "%.0f.", strtod(sci, NULL)); /* 65504 in half precision prints as 65500. */
}

int sr_npy_format_element(char* buf, size_t size, sigrun_type type, const void* data, size_t i) {
  const uint8_t* p = (const uint8_t*)data + i * sigrun_type_size(type);
  union {
    float f; double d; int8_t i8; int16_t i16; int32_t i32; int64_t i64;
    uint8_t u8; uint16_t u16; uint32_t u32; uint64_t u64;
  } u;
  memcpy(&u, p, sigrun_type_size(type));
  switch (type) {
    case SIGRUN_TYPE_FLOAT32: npy_format_float(buf, size, u.f, type); return 1;
    case SIGRUN_TYPE_FLOAT64: npy_format_float(buf, size, u.d, type); return 1;
    case SIGRUN_TYPE_FLOAT16: npy_format_float(buf, size, sr_npy_f16_to_f32(u.u16), type); return 1;
    case SIGRUN_TYPE_BFLOAT16: npy_format_float(buf, size, npy_bf16_to_f32(u.u16), type); return 1;
    case SIGRUN_TYPE_INT8: snprintf(buf, size, "%d", u.i8); return 1;
    case SIGRUN_TYPE_INT16: snprintf(buf, size, "%d", u.i16); return 1;
    case SIGRUN_TYPE_INT32: snprintf(buf, size, "%" PRId32, u.i32); return 1;
    case SIGRUN_TYPE_INT64: snprintf(buf, size, "%" PRId64, u.i64); return 1;
    case SIGRUN_TYPE_UINT8: snprintf(buf, size, "%u", u.u8); return 1;
    case SIGRUN_TYPE_UINT16: snprintf(buf, size, "%u", u.u16); return 1;
    case SIGRUN_TYPE_UINT32: snprintf(buf, size, "%" PRIu32, u.u32); return 1;
    case SIGRUN_TYPE_UINT64: snprintf(buf, size, "%" PRIu64, u.u64); return 1;
    case SIGRUN_TYPE_BOOL: snprintf(buf, size, "%s", u.u8 ? "True" : "False"); return 1;
    default: return 0;
  }
}

int sr_npy_parse_element(const char* tok, sigrun_type type, void* out, size_t i) {
  char* end;
  errno = 0;
  uint8_t* p = (uint8_t*)out + i * sigrun_type_size(type);
  if (type == SIGRUN_TYPE_BOOL) {
    int v = !strcmp(tok, "true") || !strcmp(tok, "True") || !strcmp(tok, "1");
    if (!v && strcmp(tok, "false") && strcmp(tok, "False") && strcmp(tok, "0")) return -1;
    *p = (uint8_t)v;
    return 0;
  }
  if (type == SIGRUN_TYPE_FLOAT32 || type == SIGRUN_TYPE_FLOAT64 || type == SIGRUN_TYPE_FLOAT16 ||
      type == SIGRUN_TYPE_BFLOAT16) {
    double d = strtod(tok, &end);
    if (end == tok || *end) return -1;
    float f = (float)d;
    uint16_t h = type == SIGRUN_TYPE_FLOAT16 ? sr_npy_f32_to_f16(f) : npy_f32_to_bf16(f);
    if (type == SIGRUN_TYPE_FLOAT64) memcpy(p, &d, 8);
    else if (type == SIGRUN_TYPE_FLOAT32) memcpy(p, &f, 4);
    else memcpy(p, &h, 2);
    return 0;
  }
  int is_signed = type == SIGRUN_TYPE_INT8 || type == SIGRUN_TYPE_INT16 || type == SIGRUN_TYPE_INT32 ||
                  type == SIGRUN_TYPE_INT64;
  size_t bytes = sigrun_type_size(type);
  if (is_signed) {
    long long v = strtoll(tok, &end, 10);
    long long lim = bytes == 8 ? INT64_MAX : (1LL << (8 * bytes - 1)) - 1;
    if (end == tok || *end || errno || v > lim || v < -lim - 1) return -1;
    int64_t w = v;
    int8_t a = (int8_t)w; int16_t b = (int16_t)w; int32_t c = (int32_t)w;
    memcpy(p, bytes == 1 ? (void*)&a : bytes == 2 ? (void*)&b : bytes == 4 ? (void*)&c : (void*)&w, bytes);
    return 0;
  }
  if (*tok == '-') return -1;
  unsigned long long v = strtoull(tok, &end, 10);
  unsigned long long lim = bytes == 8 ? UINT64_MAX : (1ULL << (8 * bytes)) - 1;
  if (end == tok || *end || errno || v > lim) return -1;
  uint64_t w = v;
  uint8_t a = (uint8_t)w; uint16_t b = (uint16_t)w; uint32_t c = (uint32_t)w;
  memcpy(p, bytes == 1 ? (void*)&a : bytes == 2 ? (void*)&b : bytes == 4 ? (void*)&c : (void*)&w, bytes);
  return 0;
}
