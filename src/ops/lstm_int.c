/*
 * lstm_int.c — the full-integer LSTM (LiteRT's "8x8_16" recipe that post-training quantization emits): int8
 * input, output state and weights, int16 cell state with a power-of-two scale, gates accumulated in int16 at
 * 2^-12 (or at the operator's intermediate scales), gemmlowp's 16-bit fixed-point sigmoid and tanh, and the
 * hidden state requantized through the fifth intermediate tensor's scale. Every rounding step is LiteRT's, so
 * results are bit-exact. The 16-bit fixed-point functions below reproduce gemmlowp's int16 specialisations
 * (non-saturating adds that wrap, constants given in 32-bit and rounded to 16).
 */
#include <math.h>

#include "lstm.h"
#include "quant.h"

struct sr_lstm_int_params {
  sr_qmul in_scale[4], rec_scale[4], cell_scale[4], proj, hidden;
  int32_t hidden_zp, output_state_zp;
  int32_t cell_clip, proj_clip;
  int cell_shift; /* log2 of the cell state's scale */
  int32_t* in_bias[4];
  int32_t* rec_bias[4];
  int32_t* proj_bias;
};

/* ---- gemmlowp's 16-bit fixed point ---- */

static int16_t wrap16(int32_t v) {
  int32_t u = v & 0xFFFF;
  return (int16_t)(u >= 0x8000 ? u - 0x10000 : u);
}

static int16_t srdhm16(int16_t a, int16_t b) {
  if (a == INT16_MIN && b == INT16_MIN) return INT16_MAX;
  int32_t ab = (int32_t)a * (int32_t)b;
  int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return (int16_t)((ab + nudge) / (1 << 15));
}

static int16_t rdivpot16(int16_t x, int e) {
  if (e <= 0) return x;
  int32_t mask = (1 << e) - 1;
  int32_t rem = x & mask;
  int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (int16_t)((x >> e) + (rem > threshold ? 1 : 0));
}

/* SaturatingRoundingMultiplyByPOT: saturating left shift, rounding right shift. */
static int16_t mulpot16(int16_t x, int e) {
  if (e < 0) return rdivpot16(x, -e);
  if (e == 0) return x;
  int32_t threshold = (1 << (15 - e)) - 1;
  if (x > threshold) return INT16_MAX;
  if (x < -threshold) return INT16_MIN;
  return (int16_t)(x * (1 << e));
}

/* A constant written as a 32-bit raw value, rounded to 16 bits as gemmlowp's RescaleConstantInitializer. */
static int16_t const16(int32_t raw32) { return (int16_t)sr_rdivpot(raw32, 16); }

static int16_t sat_add16(int16_t a, int16_t b) {
  int32_t s = (int32_t)a + (int32_t)b;
  return (int16_t)(s > INT16_MAX ? INT16_MAX : (s < INT16_MIN ? INT16_MIN : s));
}

/* exp(x) for x in [-1/4, 0), 0 integer bits. */
static int16_t exp_quarter(int16_t a) {
  const int16_t c = const16(1895147668), third = const16(715827883);
  int16_t x = wrap16(a + (1 << 12));
  int16_t x2 = srdhm16(x, x), x3 = srdhm16(x2, x), x4 = srdhm16(x2, x2);
  int16_t x4_4 = mulpot16(x4, -2);
  int16_t t = mulpot16(wrap16(srdhm16(wrap16(x4_4 + x3), third) + x2), -1);
  return sat_add16(c, srdhm16(c, wrap16(x + t)));
}

/* exp(a) for a < 0 with `ib` integer bits; result has 0 integer bits. */
static int16_t exp_negative(int16_t a, int ib) {
  static const int32_t mults[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  const int frac = 15 - ib;
  const int16_t quarter = (int16_t)(1 << (frac - 2));
  const int16_t a_mod = wrap16((a & (quarter - 1)) - quarter);
  int16_t result = exp_quarter(mulpot16(a_mod, ib));
  const int16_t remainder = wrap16(a_mod - a);
  for (int e = -2; e <= 4; e++)
    if (ib > e && (remainder & (1 << (frac + e)))) result = srdhm16(result, const16(mults[e + 2]));
  if (ib > 5 && a < const16(-(1 << (36 - ib)))) result = 0;
  if (a == 0) result = INT16_MAX;
  return result;
}

/* Newton-Raphson 1/(1+x) (or (1-x)/(1+x)) for x in (0, 1), as gemmlowp with 3 iterations in Q2.13. */
static int16_t nr_reciprocal(int16_t a, int one_minus) {
  int32_t sum = (int32_t)a + INT16_MAX;
  const int16_t half_den = (int16_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
  const int16_t c48 = const16(1515870810), c32 = const16(-1010580540), one2 = 1 << 13;
  int16_t x = wrap16(c48 + srdhm16(half_den, c32));
  for (int i = 0; i < 3; i++) {
    int16_t hx = srdhm16(half_den, x);
    int16_t om = wrap16(one2 - hx);
    x = wrap16(x + mulpot16(srdhm16(x, om), 2));
  }
  return one_minus ? mulpot16(wrap16(x - one2), 2) : mulpot16(x, 1);
}

static int16_t logistic16(int16_t a, int ib) {
  if (a == 0) return const16(1 << 30);
  const int16_t abs_a = a > 0 ? a : wrap16(-a);
  const int16_t pos = nr_reciprocal(exp_negative(wrap16(-abs_a), ib), 0);
  return a > 0 ? pos : wrap16(INT16_MAX - pos);
}

static int16_t tanh16(int16_t a, int ib) {
  if (a == 0) return 0;
  const int16_t n = a < 0 ? a : wrap16(-a);
  const int16_t t = nr_reciprocal(exp_negative(n, ib + 1), 1);
  return a < 0 ? wrap16(-t) : t;
}

/* ---- LiteRT's integer tensor utils ---- */

static int32_t clamp64(int64_t v, int32_t lo, int32_t hi) { return (int32_t)(v < lo ? lo : v > hi ? hi : v); }

/* bias + sum x[c] * w[c] in int32 as LiteRT computes it, wrapping instead of overflowing: real models never
 * reach 2^31, a hostile bias can, and signed overflow would be undefined. */
static int32_t dot_wrapped(const int8_t* x, const int8_t* w, int32_t cols, int32_t bias) {
  uint32_t acc = (uint32_t)bias;
  for (int32_t c = 0; c < cols; c++) acc += (uint32_t)((int32_t)x[c] * (int32_t)w[c]);
  return (int32_t)acc;
}

/* out[b][r] = clamp(out + zp + mbqm(bias[r] + sum_c x[b][c] * w[r][c])) for int16 or int8 outputs; the
 * additions after the multiplier are done in 64 bits for the same reason. */
static void matmul_acc16(const int8_t* x, const int32_t* bias, const int8_t* w, sr_qmul m, int32_t nb, int32_t cols,
                         int32_t rows, int16_t* out) {
  for (int32_t b = 0; b < nb; b++)
    for (int32_t r = 0; r < rows; r++) {
      const int32_t acc = dot_wrapped(x + (size_t)b * (size_t)cols, w + (size_t)r * (size_t)cols, cols, bias[r]);
      const int64_t v = (int64_t)sr_quant_mul(acc, m) + out[(size_t)b * (size_t)rows + (size_t)r];
      out[(size_t)b * (size_t)rows + (size_t)r] = (int16_t)clamp64(v, INT16_MIN, INT16_MAX);
    }
}

static void matmul_acc8(const int8_t* x, const int32_t* bias, const int8_t* w, sr_qmul m, int32_t nb, int32_t cols,
                        int32_t rows, int32_t zp, int8_t* out) {
  for (int32_t b = 0; b < nb; b++)
    for (int32_t r = 0; r < rows; r++) {
      const int32_t acc = dot_wrapped(x + (size_t)b * (size_t)cols, w + (size_t)r * (size_t)cols, cols, bias[r]);
      const int64_t v = (int64_t)sr_quant_mul(acc, m) + zp + out[(size_t)b * (size_t)rows + (size_t)r];
      out[(size_t)b * (size_t)rows + (size_t)r] = (int8_t)clamp64(v, -128, 127);
    }
}

static void cwise_mul8(const int16_t* a, const int16_t* b, sr_qmul m, int32_t zp, size_t n, int8_t* out) {
  for (size_t i = 0; i < n; i++)
    out[i] = (int8_t)clamp64((int64_t)sr_quant_mul((int32_t)a[i] * (int32_t)b[i], m) + zp, -128, 127);
}

/* ---- one step ---- */

typedef struct int_data {
  const int8_t* w_in[4];
  const int8_t* w_rec[4];
  const int16_t* peep[4];
  const int8_t* proj_w;
} int_data;

static void gate_int(const sr_lstm_geom* g, const sr_lstm_int_params* ip, const int_data* x, int k, int32_t nb,
                     const int8_t* in, const int8_t* os, const int16_t* cs, int16_t* gate) {
  const int32_t nc = g->n_cell;
  const size_t n = (size_t)nb * (size_t)nc;
  memset(gate, 0, n * sizeof *gate);
  matmul_acc16(in, ip->in_bias[k], x->w_in[k], ip->in_scale[k], nb, g->n_input, nc, gate);
  matmul_acc16(os, ip->rec_bias[k], x->w_rec[k], ip->rec_scale[k], nb, g->n_output, nc, gate);
  /* LiteRT walks the peephole product with n_output as the vector length and row stride; with a projection
   * (n_output < n_cell) it therefore touches only the first n_batch * n_output entries. Kept for bit-exactness. */
  if (x->peep[k])
    for (size_t i = 0; i < (size_t)nb * (size_t)g->n_output; i++) {
      const size_t v = i % (size_t)g->n_output;
      int32_t prod = sr_quant_mul((int32_t)x->peep[k][v] * (int32_t)cs[i], ip->cell_scale[k]);
      gate[i] = (int16_t)clamp64((int64_t)prod + gate[i], INT16_MIN, INT16_MAX);
    }
  for (size_t i = 0; i < n; i++) gate[i] = k == SR_GATE_C ? tanh16(gate[i], 3) : logistic16(gate[i], 3);
}

static void step_int(const sr_lstm_geom* g, const sr_lstm_int_params* ip, const int_data* x, int32_t nb,
                     const int8_t* in, int8_t* os, int16_t* cs, int8_t* out, int16_t* s16, int8_t* s8) {
  const size_t n = (size_t)nb * (size_t)g->n_cell;
  int16_t* gate[4] = {s16, s16 + n, s16 + 2 * n, s16 + 3 * n};
  int16_t* tmp = s16 + 4 * n;
  for (int k = g->use_cifg ? 1 : 0; k < 3; k++) gate_int(g, ip, x, k, nb, in, os, cs, gate[k]);
  for (size_t i = 0; i < n; i++) {
    int16_t c = wrap16(sr_rdivpot((int32_t)gate[1][i] * (int32_t)cs[i], 15));
    int16_t ig = g->use_cifg ? (int16_t)(INT16_MAX - gate[1][i]) : gate[0][i];
    int16_t add = wrap16(sr_rdivpot((int32_t)ig * (int32_t)gate[2][i], 30 + ip->cell_shift));
    int32_t s = sr_clamp_i32((int32_t)c + (int32_t)add, INT16_MIN, INT16_MAX);
    if (ip->cell_clip > 0) s = sr_clamp_i32(s, -ip->cell_clip, ip->cell_clip);
    cs[i] = (int16_t)s;
  }
  gate_int(g, ip, x, SR_GATE_O, nb, in, os, cs, gate[3]);
  for (size_t i = 0; i < n; i++) tmp[i] = tanh16(cs[i], 15 + ip->cell_shift);
  const size_t no = (size_t)nb * (size_t)g->n_output;
  if (x->proj_w) {
    /* LiteRT folds the hidden zero point into the projection bias and negates it here. */
    cwise_mul8(gate[3], tmp, ip->hidden, -ip->hidden_zp, n, s8);
    memset(os, 0, no);
    matmul_acc8(s8, ip->proj_bias, x->proj_w, ip->proj, nb, g->n_cell, g->n_output, ip->output_state_zp, os);
    if (ip->proj_clip > 0)
      for (size_t i = 0; i < no; i++) os[i] = (int8_t)sr_clamp_i32(os[i], -ip->proj_clip, ip->proj_clip);
  } else {
    cwise_mul8(gate[3], tmp, ip->hidden, ip->hidden_zp, n, os);
  }
  memcpy(out, os, no);
}

size_t sr_lstm_int_scratch_bytes(const sr_lstm_geom* g) {
  const size_t n = (size_t)g->n_batch * (size_t)g->n_cell;
  return sr_align_up(5 * n * sizeof(int16_t), 16) + n;
}

void sr_i8_lstm__ref(const sr_lstm_geom* g, const sr_lstm_int_params* ip, const sr_lstm_dir* d, void* scratch) {
  int_data x;
  memset(&x, 0, sizeof x);
  for (int k = 0; k < 4; k++) {
    x.w_in[k] = d->t[SR_LSTM_I2I + k] ? d->t[SR_LSTM_I2I + k]->data : NULL;
    x.w_rec[k] = d->t[SR_LSTM_R2I + k] ? d->t[SR_LSTM_R2I + k]->data : NULL;
  }
  x.peep[SR_GATE_I] = d->t[SR_LSTM_C2I] ? d->t[SR_LSTM_C2I]->data : NULL;
  x.peep[SR_GATE_F] = d->t[SR_LSTM_C2F] ? d->t[SR_LSTM_C2F]->data : NULL;
  x.peep[SR_GATE_O] = d->t[SR_LSTM_C2O] ? d->t[SR_LSTM_C2O]->data : NULL;
  x.proj_w = d->t[SR_LSTM_PROJ_W] ? d->t[SR_LSTM_PROJ_W]->data : NULL;
  int16_t* s16 = scratch;
  int8_t* s8 = (int8_t*)scratch + sr_align_up(5 * (size_t)g->n_batch * (size_t)g->n_cell * sizeof(int16_t), 16);
  const int8_t* in = d->t[SR_LSTM_INPUT]->data;
  int8_t* os = d->t[SR_LSTM_OUTPUT_STATE]->data;
  int16_t* cs = d->t[SR_LSTM_CELL_STATE]->data;
  int8_t* out = d->output->data;
  const int32_t T = g->max_time, B = g->n_batch;
  const size_t ni = (size_t)g->n_input, no = (size_t)g->n_output, nc = (size_t)g->n_cell;
  if (g->time_major) {
    for (int32_t t = 0; t < T; t++)
      step_int(g, ip, &x, B, in + (size_t)t * B * ni, os, cs, out + (size_t)t * B * no, s16, s8);
  } else {
    for (int32_t b = 0; b < B; b++)
      for (int32_t t = 0; t < T; t++) {
        const size_t to = (size_t)b * (size_t)T + (size_t)t;
        step_int(g, ip, &x, 1, in + to * ni, os + (size_t)b * no, cs + (size_t)b * nc, out + to * no, s16, s8);
      }
  }
}

/* ---- prepare: LiteRT's PopulateQuantizedLstmParams8x8_16 and zero-point-folded biases ---- */

size_t sr_lstm_int_params_bytes(const sr_lstm_geom* g) {
  return sr_align_up(sizeof(sr_lstm_int_params), 16) + (8 * (size_t)g->n_cell + (size_t)g->n_output) * sizeof(int32_t);
}

static sigrun_status scale_of(sr_node* node, const sr_tensor* t, const char* what, float* s, int32_t* zp) {
  int32_t z = 0;
  sigrun_status st = sr_quant_params(node, t, what, s, &z);
  if (zp) *zp = z;
  return st;
}

/* bias (or 0) + zp * row sums of w, in wrapping 32-bit arithmetic as LiteRT's int32 sums. */
static void fold_bias(const sr_tensor* w, const sr_tensor* bias, int32_t zp, int32_t rows, int32_t cols, int32_t* out) {
  const int8_t* wd = w->data;
  const int32_t* bd = bias ? bias->data : NULL;
  for (int32_t r = 0; r < rows; r++) {
    uint32_t sum = 0;
    for (int32_t c = 0; c < cols; c++) sum += (uint32_t)(int32_t)wd[(size_t)r * (size_t)cols + (size_t)c];
    uint32_t v = (uint32_t)(bd ? bd[r] : 0) + sum * (uint32_t)zp;
    out[r] = (int32_t)v;
  }
}

static sigrun_status check_log2(sr_node* node, float scale, int* out) {
  const float l = logf(scale) * (1.0f / logf(2.0f));
  const float r = roundf(l);
  if (fabsf(l - r) >= 1e-3f || r < -15.0f || r > -9.0f)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED,
                        "cell state scale %g is not a power of two between 2^-15 and 2^-9 (LiteRT's integer LSTM)",
                        (double)scale);
  *out = (int)r;
  return SIGRUN_STATUS_OK;
}

sigrun_status sr_lstm_int_prepare(sr_node* node, const sr_lstm_geom* g, const sr_lstm_params* p, const sr_lstm_dir* d,
                                  sr_tensor* const* inter, int n_inter, sr_lstm_int_params* ip) {
  sigrun_status st;
  if (g->use_layer_norm)
    return sr_node_fail(node, SIGRUN_STATUS_UNSUPPORTED, "the integer LSTM with layer normalisation is not supported");
  if (n_inter != 5 || !inter[4])
    return sr_node_fail(node, SIGRUN_STATUS_BAD_MODEL, "the integer LSTM needs 5 intermediate tensors, found %d",
                        n_inter);
  float s_in, s_os, s_cs, s_out, s_hidden;
  int32_t zp_in, zp_os, zp_hidden;
  if ((st = scale_of(node, d->t[SR_LSTM_INPUT], "input", &s_in, &zp_in)) ||
      (st = scale_of(node, d->t[SR_LSTM_OUTPUT_STATE], "output state", &s_os, &zp_os)) ||
      (st = scale_of(node, d->t[SR_LSTM_CELL_STATE], "cell state", &s_cs, NULL)) ||
      (st = scale_of(node, d->output, "output", &s_out, NULL)) ||
      (st = scale_of(node, inter[4], "intermediate 4 (hidden)", &s_hidden, &zp_hidden)) ||
      (st = check_log2(node, s_cs, &ip->cell_shift)))
    return st;
  const float inter_scale = (float)pow(2.0, -12); /* Q3.12 gates without layer norm */
  uint8_t* tail = (uint8_t*)ip + sr_align_up(sizeof *ip, 16);
  int32_t* arrays = (int32_t*)(void*)tail;
  for (int k = 0; k < 4; k++) {
    ip->in_bias[k] = arrays + (size_t)(2 * k) * (size_t)g->n_cell;
    ip->rec_bias[k] = arrays + (size_t)(2 * k + 1) * (size_t)g->n_cell;
    const sr_tensor* wi = d->t[SR_LSTM_I2I + k];
    const sr_tensor* wr = d->t[SR_LSTM_R2I + k];
    if (!wi) continue;
    float swi, swr;
    if ((st = scale_of(node, wi, "input weights", &swi, NULL)) || (st = scale_of(node, wr, "recurrent weights", &swr, NULL)))
      return st;
    ip->in_scale[k] = sr_quant_multiplier((double)(swi * s_in / inter_scale));
    ip->rec_scale[k] = sr_quant_multiplier((double)(swr * s_os / inter_scale));
    fold_bias(wi, d->t[SR_LSTM_BIAS_I + k], -zp_in, g->n_cell, g->n_input, ip->in_bias[k]);
    fold_bias(wr, NULL, -zp_os, g->n_cell, g->n_output, ip->rec_bias[k]);
    const sr_tensor* pw = k == SR_GATE_C ? NULL : d->t[SR_LSTM_C2I + (k == SR_GATE_O ? 2 : k)];
    if (pw) {
      float sp;
      if ((st = scale_of(node, pw, "peephole weights", &sp, NULL))) return st;
      ip->cell_scale[k] = sr_quant_multiplier((double)(float)(pow(2.0, ip->cell_shift) * (double)sp / (double)inter_scale));
    }
  }
  ip->hidden = sr_quant_multiplier((double)(float)(pow(2.0, -15) / (double)s_hidden * pow(2.0, -15)));
  ip->hidden_zp = zp_hidden;
  ip->output_state_zp = zp_os;
  ip->proj_bias = arrays + 8 * (size_t)g->n_cell;
  const sr_tensor* proj = d->t[SR_LSTM_PROJ_W];
  if (proj) {
    float sp;
    if ((st = scale_of(node, proj, "projection weights", &sp, NULL))) return st;
    ip->proj = sr_quant_multiplier((double)(sp * s_hidden / s_os));
    fold_bias(proj, d->t[SR_LSTM_PROJ_B], zp_hidden, g->n_output, g->n_cell, ip->proj_bias);
  }
  ip->cell_clip = p->cell_clip > 0.0f ? (int32_t)(int16_t)fminf(fmaxf(p->cell_clip / s_cs, -32768.0f), 32767.0f) : 0;
  ip->proj_clip = p->proj_clip > 0.0f ? (int32_t)(int8_t)fminf(fmaxf(p->proj_clip / s_out, -128.0f), 127.0f) : 0;
  return SIGRUN_STATUS_OK;
}
