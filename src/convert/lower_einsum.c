/*
 * lower_einsum.c — two-operand Einsum (the forms Keras' MultiHeadAttention and EinsumDense write, such as
 * "BTNH,BSNH->BNTS") as TRANSPOSE + RESHAPE + BATCH_MATMUL + RESHAPE + TRANSPOSE, the way LiteRT's converter
 * lowers it. Labels are sorted into batch (in both operands and the output), contracted (both operands, not the
 * output) and free (one operand and the output); each operand is transposed to [batch, free, contracted] /
 * [batch, contracted, free], groups of several labels are merged by a reshape, one BATCH_MATMUL does the
 * product, and the result is split and permuted into the output's order. Ellipses, repeated labels and labels
 * summed out of a single operand are reported as unsupported forms.
 */
#include <string.h>

#include "convert/lower.h"

typedef struct operand {
  char labels[SR_MAX_RANK];
  int n;
} operand;

static int parse_operand(const char** p, const char* end, operand* op) {
  op->n = 0;
  for (; *p < end && **p != ',' && **p != '-'; (*p)++) {
    char ch = **p;
    if (ch == ' ') continue;
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) || op->n >= SR_MAX_RANK) return 0;
    for (int i = 0; i < op->n; i++)
      if (op->labels[i] == ch) return 0;
    op->labels[op->n++] = ch;
  }
  return 1;
}

static int find(const operand* op, char ch) {
  for (int i = 0; i < op->n; i++)
    if (op->labels[i] == ch) return i;
  return -1;
}

/* Transposes x so that its dims follow `order` (labels of op), skipping identity permutations. */
static sigrun_status permute(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val x, const operand* from,
                             const char* order, int n, sr_cv_val* out) {
  int perm[SR_MAX_RANK], identity = 1;
  for (int i = 0; i < n; i++) {
    perm[i] = find(from, order[i]);
    identity &= perm[i] == i;
  }
  if (identity) {
    *out = x;
    return SIGRUN_STATUS_OK;
  }
  return sr_cv_transpose(c, node, x, perm, out);
}

/* Product of the dims of x at [from, to), -1 when one is unknown or the product leaves LiteRT's int32 dims
 * (then the reshape refuses it). */
static int64_t group_size(const sr_cv_tensor* x, int from, int to) {
  int64_t p = 1;
  for (int i = from; i < to; i++) {
    if (x->dims[i] < 0) return -1;
    p *= x->dims[i];
    if (p > INT32_MAX) return -1;
  }
  return p;
}

/* Reshapes x (batch dims, then groups of n1 and n2 dims) to [batch..., g1, g2]; an empty group becomes a dim of
 * 1. A no-op when both groups have one dim. */
static sigrun_status merge_groups(sr_cv_ctx* c, const sr_tf_node* node, sr_cv_val x, int nbatch, int n1, int n2,
                                  sr_cv_val* out) {
  if (n1 == 1 && n2 == 1) {
    *out = x;
    return SIGRUN_STATUS_OK;
  }
  sr_cv_tensor t = *sr_cv_tv(c, x);
  int64_t d[SR_MAX_RANK];
  int unknown = 0;
  for (int i = 0; i < nbatch; i++) unknown += (d[i] = t.dims[i]) < 0;
  d[nbatch] = n1 ? group_size(&t, nbatch, nbatch + n1) : 1;
  d[nbatch + 1] = n2 ? group_size(&t, nbatch + n1, nbatch + n1 + n2) : 1;
  unknown += (d[nbatch] < 0) + (d[nbatch + 1] < 0);
  if (unknown > 1) return sr_cv_unsupported(c, node, "merging several dims of run-time size");
  return sr_cv_reshape(c, node, x, nbatch + 2, d, out);
}

static sigrun_status lower_einsum(sr_cv_ctx* c, const sr_tf_node* node, const sr_cv_val* in, int n_in, sr_cv_val* out,
                                  int n_out) {
  const char* eq;
  sigrun_status st = sr_cv_attr_str(c, node, "equation", &eq);
  if (st) return st;
  if (n_in != 2) return sr_cv_unsupported(c, node, "%d operands (only 2)", n_in);
  if ((st = sr_cv_need_inputs(c, node, in, n_in, 2))) return st;
  const char* arrow = strstr(eq, "->");
  const char* comma = strchr(eq, ',');
  operand a, b, o;
  int parsed = arrow && comma && comma < arrow && !strstr(eq, "...");
  const char* p = eq;
  parsed = parsed && parse_operand(&p, comma, &a);
  p = comma ? comma + 1 : eq;
  parsed = parsed && parse_operand(&p, arrow, &b);
  p = arrow ? arrow + 2 : eq;
  parsed = parsed && parse_operand(&p, eq + strlen(eq), &o);
  if (!parsed)
    return sr_cv_unsupported(c, node, "equation '%s' (two operands without ellipsis or repeated labels only)", eq);
  sr_cv_tensor ta = *sr_cv_tv(c, in[0]), tb = *sr_cv_tv(c, in[1]);
  if (ta.rank != a.n || tb.rank != b.n)
    return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "equation '%s' does not match operand ranks %d and %d", eq,
                      ta.rank, tb.rank);
  if (ta.type != SIGRUN_TYPE_FLOAT32 || tb.type != SIGRUN_TYPE_FLOAT32)
    return sr_cv_unsupported(c, node, "%s operands", sigrun_type_name(ta.type));
  char batch[SR_MAX_RANK], contract[SR_MAX_RANK], free_a[SR_MAX_RANK], free_b[SR_MAX_RANK];
  int nb = 0, nc = 0, nfa = 0, nfb = 0;
  for (int i = 0; i < a.n; i++) {
    char l = a.labels[i];
    int in_b = find(&b, l) >= 0, in_o = find(&o, l) >= 0;
    if (in_b && in_o) batch[nb++] = l;
    else if (in_b) contract[nc++] = l;
    else if (in_o) free_a[nfa++] = l;
    else return sr_cv_unsupported(c, node, "label '%c' summed out of one operand", l);
  }
  for (int i = 0; i < b.n; i++) {
    char l = b.labels[i];
    if (find(&a, l) >= 0) continue;
    if (find(&o, l) < 0) return sr_cv_unsupported(c, node, "label '%c' summed out of one operand", l);
    free_b[nfb++] = l;
  }
  for (int i = 0; i < o.n; i++)
    if (find(&a, o.labels[i]) < 0 && find(&b, o.labels[i]) < 0)
      return sr_cv_fail(c, node, SIGRUN_STATUS_BAD_MODEL, "output label '%c' is in no operand", o.labels[i]);
  if (nb + 2 > 5) return sr_cv_unsupported(c, node, "more than 3 batch labels");
  /* a -> [batch, free_a, contract], b -> [batch, contract, free_b] */
  char oa[SR_MAX_RANK], ob[SR_MAX_RANK];
  memcpy(oa, batch, (size_t)nb);
  memcpy(oa + nb, free_a, (size_t)nfa);
  memcpy(oa + nb + nfa, contract, (size_t)nc);
  memcpy(ob, batch, (size_t)nb);
  memcpy(ob + nb, contract, (size_t)nc);
  memcpy(ob + nb + nc, free_b, (size_t)nfb);
  sr_cv_val pa, pb, ma, mb, prod;
  if ((st = permute(c, node, in[0], &a, oa, a.n, &pa)) || (st = permute(c, node, in[1], &b, ob, b.n, &pb)) ||
      (st = merge_groups(c, node, pa, nb, nfa, nc, &ma)) || (st = merge_groups(c, node, pb, nb, nc, nfb, &mb)))
    return st;
  sr_cv_tensor tma = *sr_cv_tv(c, ma), tmb = *sr_cv_tv(c, mb);
  if (tma.rank != nb + 2 || tmb.rank != nb + 2)
    return sr_cv_unsupported(c, node, "equation '%s' with empty label groups", eq);
  int64_t pd[SR_MAX_RANK];
  for (int i = 0; i < nb; i++) pd[i] = tma.dims[i] >= 0 ? tma.dims[i] : tmb.dims[i];
  pd[nb] = tma.dims[nb];
  pd[nb + 1] = tmb.dims[nb + 1];
  int t = sr_cv_out_tensor(c, node, "/matmul", SIGRUN_TYPE_FLOAT32, nb + 2, pd);
  sr_cv_opts opt;
  memset(&opt, 0, sizeof opt);
  int ins[2] = {ma.id, mb.id};
  if (t < 0 || sr_cv_emit(c, SR_BUILTIN_BATCH_MATMUL, ins, 2, &t, 1, &opt) < 0) return c->error->status;
  prod = sr_cv_tensor_val(t);
  /* Split the groups back: [batch, free_a..., free_b...]. */
  operand r;
  r.n = 0;
  int64_t rd[SR_MAX_RANK];
  for (int i = 0; i < nb; i++) r.labels[r.n] = batch[i], rd[r.n++] = pd[i];
  for (int i = 0; i < nfa; i++) r.labels[r.n] = free_a[i], rd[r.n++] = ta.dims[find(&a, free_a[i])];
  for (int i = 0; i < nfb; i++) r.labels[r.n] = free_b[i], rd[r.n++] = tb.dims[find(&b, free_b[i])];
  if (r.n != nb + 2 || nfa != 1 || nfb != 1) {
    int unknown = 0;
    for (int i = 0; i < r.n; i++) unknown += rd[i] < 0;
    if (unknown > 1) return sr_cv_unsupported(c, node, "splitting several dims of run-time size");
    if ((st = sr_cv_reshape(c, node, prod, r.n, rd, &prod))) return st;
  }
  return permute(c, node, prod, &r, o.labels, o.n, &out[0]);
}

const sr_cv_lowering sr_cv_einsum_lowerings[] = {
    {"Einsum", lower_einsum},
    {NULL, NULL},
};
