/* fuzz_smtpline: the command reader must give the same replies however the bytes are split, and agree with a line-at-a-time model of rblsmtpd's rules. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "smtpline.h"

#define MAXR 4096   /* replies remembered per input; more are counted only */

typedef struct { unsigned char r[MAXR]; size_t n; } seq;

static void push (seq *q, int reply)
{
  if (q->n < MAXR) q->r[q->n] = (unsigned char)reply;
  q->n++;
}

static void state_ok (smtpline const *st)
{
  if (st->verblen > SMTPLINE_VERBMAX + 1) abort();
  if (st->inverb > 1 || st->lastcr > 1) abort();
}

/* Feeds [s, s+len) in chunks ending at the cut points, checking each call. */
static void run (seq *q, uint8_t const *s, size_t len, size_t const *cuts, size_t ncuts)
{
  smtpline st = SMTPLINE_ZERO;
  size_t start = 0, k;
  q->n = 0;
  for (k = 0; k <= ncuts; k++)
  {
    size_t end = k < ncuts ? cuts[k] : len;
    while (start < end)
    {
      int reply = -1;
      size_t used = smtpline_feed(&st, (char const *)s + start, end - start, &reply);
      void const *lf;
      if (!used || used > end - start) abort();
      lf = memchr(s + start, '\n', end - start);
      if (reply == SMTPLINE_MORE)
      {
        if (lf || used != end - start) abort();
      }
      else
      {
        if (reply != SMTPLINE_OK && reply != SMTPLINE_QUIT && reply != SMTPLINE_ERROR) abort();
        if (!lf || (uint8_t const *)lf != s + start + used - 1) abort();
        push(q, reply);
        /* a finished line leaves the state as new */
        if (st.verblen || !st.inverb || st.lastcr) abort();
      }
      state_ok(&st);
      start += used;
    }
  }
}

/* The model: whole lines, as rblsmtpd reads them. */
static int model_line (uint8_t const *l, size_t n)
{
  static char const *const ok[] = { "helo", "ehlo", "mail", "rset", "noop" };
  size_t v = 0, i, j;
  if (n && l[n - 1] == '\r') n--;
  while (v < n && l[v] != ' ') v++;
  if (v != 4) return SMTPLINE_ERROR;
  for (j = 0; j < 6; j++)
  {
    char const *w = j < 5 ? ok[j] : "quit";
    for (i = 0; i < 4; i++)
    {
      unsigned c = l[i];
      if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
      if (c != (unsigned char)w[i]) break;
    }
    if (i == 4) return j < 5 ? SMTPLINE_OK : SMTPLINE_QUIT;
  }
  return SMTPLINE_ERROR;
}

static void model (seq *q, uint8_t const *s, size_t len)
{
  size_t start = 0, i;
  q->n = 0;
  for (i = 0; i < len; i++)
    if (s[i] == '\n')
    {
      push(q, model_line(s + start, i - start));
      start = i + 1;
    }
}

static void same (seq const *a, seq const *b)
{
  if (a->n != b->n) abort();
  if (memcmp(a->r, b->r, a->n < MAXR ? a->n : MAXR)) abort();
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static seq whole, split, bytes, want;
  size_t cuts[4], i, ncuts;
  uint8_t const *s;
  size_t len;
  uint32_t sel = 0;

  /* the first 4 bytes choose the cut points, the rest is the stream */
  if (size < 4) return 0;
  for (i = 0; i < 4; i++) sel = sel << 8 | data[i];
  s = data + 4;
  len = size - 4;

  run(&whole, s, len, 0, 0);
  model(&want, s, len);
  same(&whole, &want);

  cuts[0] = len ? sel % (len + 1) : 0;
  run(&split, s, len, cuts, 1);
  same(&whole, &split);

  ncuts = 3;
  cuts[0] = len ? (sel & 0xff) % (len + 1) : 0;
  cuts[1] = len ? ((sel >> 8) & 0xfff) % (len + 1) : 0;
  cuts[2] = len ? (sel >> 20) % (len + 1) : 0;
  /* ascending */
  if (cuts[0] > cuts[1]) { size_t t = cuts[0]; cuts[0] = cuts[1]; cuts[1] = t; }
  if (cuts[1] > cuts[2]) { size_t t = cuts[1]; cuts[1] = cuts[2]; cuts[2] = t; }
  if (cuts[0] > cuts[1]) { size_t t = cuts[0]; cuts[0] = cuts[1]; cuts[1] = t; }
  run(&split, s, len, cuts, ncuts);
  same(&whole, &split);

  if (len <= 4096)
  {
    static size_t every[4096];
    for (i = 0; i < len; i++) every[i] = i + 1;
    run(&bytes, s, len, every, len);
    same(&whole, &bytes);
  }
  return 0;
}
