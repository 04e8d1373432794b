/* smtpline: byte-fed SMTP command reader keeping only the verb, so that a line of any length costs constant memory. */

#include <stddef.h>
#include "smtpline.h"

/* The verbs rblsmtpd answers with 250; all are 4 bytes, as is "quit". */
static char const smtpline_okverbs[][4] = { "helo", "ehlo", "mail", "rset", "noop" };

static void smtpline_reset (smtpline *st)
{
  smtpline z = SMTPLINE_ZERO;
  *st = z;
}

/* Saturates instead of counting on: only "is it exactly 4" matters. */
static void smtpline_verbadd (smtpline *st, char c)
{
  if (st->verblen < SMTPLINE_VERBMAX) st->verb[st->verblen] = c;
  if (st->verblen <= SMTPLINE_VERBMAX) st->verblen++;
}

/* Only A-Z fold, as djb's case_diffs does: 8-bit bytes never match. */
static int smtpline_is (smtpline const *st, char const *w)
{
  size_t i;
  if (st->verblen != 4) return 0;
  for (i = 0; i < 4; i++)
  {
    unsigned char c = (unsigned char)st->verb[i];
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
    if (c != (unsigned char)w[i]) return 0;
  }
  return 1;
}

static int smtpline_decide (smtpline const *st)
{
  size_t i;
  if (smtpline_is(st, "quit")) return SMTPLINE_QUIT;
  for (i = 0; i < sizeof smtpline_okverbs / sizeof smtpline_okverbs[0]; i++)
    if (smtpline_is(st, smtpline_okverbs[i])) return SMTPLINE_OK;
  return SMTPLINE_ERROR;
}

size_t smtpline_feed (smtpline *st, char const *s, size_t len, int *reply)
{
  size_t i;
  for (i = 0; i < len; i++)
  {
    char c = s[i];
    if (c == '\n')
    {
      /* a CR held back just before the LF is the one rblsmtpd strips */
      *reply = smtpline_decide(st);
      smtpline_reset(st);
      return i + 1;
    }
    if (!st->inverb) continue;
    /* A CR is only known to be data once something other than LF follows. */
    if (st->lastcr)
    {
      smtpline_verbadd(st, '\r');
      st->lastcr = 0;
    }
    if (c == '\r') st->lastcr = 1;
    else if (c == ' ') st->inverb = 0;
    else smtpline_verbadd(st, c);
  }
  *reply = SMTPLINE_MORE;
  return len;
}
