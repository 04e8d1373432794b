/* test_smtpline: the dialogue's command reader against rblsmtpd's line rules, in every way of splitting the input. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "smtpline.h"

#define MAXREPLIES 64

/* Replies as a string, one letter per finished line: O ok, Q quit, E error;
   a trailing '+' means bytes were left in an unfinished line. */
typedef struct { char r[MAXREPLIES + 2]; size_t n; int pending; int badcount; } result;

static char letter (int reply)
{
  switch (reply)
  {
    case SMTPLINE_OK: return 'O';
    case SMTPLINE_QUIT: return 'Q';
    case SMTPLINE_ERROR: return 'E';
    default: return '?';
  }
}

static void addreply (result *res, int reply)
{
  if (res->n < MAXREPLIES) res->r[res->n++] = letter(reply);
  res->r[res->n] = 0;
}

/* Feeds s[0..len) as the chunks given by cuts (ascending offsets), checking
   each call's consumption contract on the way. */
static void feed_cuts (result *res, smtpline *st, char const *s, size_t len, size_t const *cuts, size_t ncuts)
{
  size_t start = 0, k;
  memset(res, 0, sizeof *res);
  for (k = 0; k <= ncuts; k++)
  {
    size_t end = k < ncuts ? cuts[k] : len;
    size_t pos = start;
    while (pos < end)
    {
      int reply = -1;
      size_t used = smtpline_feed(st, s + pos, end - pos, &reply);
      if (used == 0 || used > end - pos) { res->badcount++; break; }
      if (reply == SMTPLINE_MORE)
      {
        if (used != end - pos) res->badcount++;
      }
      else
      {
        if (s[pos + used - 1] != '\n') res->badcount++;
        if (memchr(s + pos, '\n', used - 1)) res->badcount++;
        addreply(res, reply);
      }
      pos += used;
    }
    start = end;
  }
  res->pending = !(st->inverb == 1 && st->verblen == 0 && st->lastcr == 0);
}

static void feed_all (result *res, char const *s, size_t len)
{
  smtpline st = SMTPLINE_ZERO;
  feed_cuts(res, &st, s, len, 0, 0);
}

static void feed_bytewise (result *res, char const *s, size_t len)
{
  smtpline st = SMTPLINE_ZERO;
  size_t i;
  int reply;
  memset(res, 0, sizeof *res);
  for (i = 0; i < len; i++)
  {
    size_t used = smtpline_feed(&st, s + i, 1, &reply);
    if (used != 1) res->badcount++;
    if (reply != SMTPLINE_MORE)
    {
      if (s[i] != '\n') res->badcount++;
      addreply(res, reply);
    }
    else if (s[i] == '\n') res->badcount++;
  }
  res->pending = !(st.inverb == 1 && st.verblen == 0 && st.lastcr == 0);
}

static uint32_t rng = 12345;
static uint32_t rnd (void)
{
  rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5;
  return rng;
}

static void feed_random (result *res, char const *s, size_t len)
{
  size_t cuts[8];
  size_t n = len ? rnd() % 8 : 0, i;
  smtpline st = SMTPLINE_ZERO;
  for (i = 0; i < n; i++) cuts[i] = rnd() % (len + 1);
  /* insertion sort: cuts must ascend */
  for (i = 1; i < n; i++)
  {
    size_t v = cuts[i], j = i;
    while (j && cuts[j - 1] > v) { cuts[j] = cuts[j - 1]; j--; }
    cuts[j] = v;
  }
  feed_cuts(res, &st, s, len, cuts, n);
}

/* One case: input bytes, expected reply letters, expected "line left open". */
static void tcase (char const *name, char const *s, size_t len, char const *want, int wantpending)
{
  result a, b, c;
  char nm[256];
  int i, same = 1;
  feed_all(&a, s, len);
  snprintf(nm, sizeof nm, "%s: replies %s", name, want);
  CHECK(!strcmp(a.r, want) && a.pending == wantpending && !a.badcount, nm);
  feed_bytewise(&b, s, len);
  snprintf(nm, sizeof nm, "%s: byte at a time", name);
  CHECK(!strcmp(b.r, want) && b.pending == wantpending && !b.badcount, nm);
  for (i = 0; i < 50; i++)
  {
    feed_random(&c, s, len);
    if (strcmp(c.r, want) || c.pending != wantpending || c.badcount) same = 0;
  }
  snprintf(nm, sizeof nm, "%s: 50 random splits", name);
  CHECK(same, nm);
}

#define T(name, lit, want) tcase(name, lit, sizeof lit - 1, want, 0)
#define TOPEN(name, lit, want) tcase(name, lit, sizeof lit - 1, want, 1)

static void casevariants (char const *verb, char want)
{
  /* upper, lower, mixed; with and without argument; CRLF and bare LF */
  char buf[64], nm[128], w[2] = { want, 0 };
  char v[3][5];
  int k, arg, lf;
  for (k = 0; k < 4; k++) { v[0][k] = (char)(verb[k] - 'a' + 'A'); v[1][k] = verb[k]; v[2][k] = k & 1 ? verb[k] : (char)(verb[k] - 'a' + 'A'); }
  v[0][4] = v[1][4] = v[2][4] = 0;
  for (k = 0; k < 3; k++)
    for (arg = 0; arg < 2; arg++)
      for (lf = 0; lf < 2; lf++)
      {
        int n = snprintf(buf, sizeof buf, "%s%s%s", v[k], arg ? " some argument" : "", lf ? "\n" : "\r\n");
        snprintf(nm, sizeof nm, "verb %s%s%s", v[k], arg ? " +arg" : "", lf ? " bare LF" : "");
        tcase(nm, buf, (size_t)n, w, 0);
      }
}

static void bigline (void)
{
  size_t const big = 1024 * 1024;
  size_t len = big + 16;
  char *s = malloc(len);
  result r;
  smtpline st = SMTPLINE_ZERO;
  int reply;
  size_t used;
  if (!s) { CHECK(0, "malloc"); return; }

  /* HELO + 1 MiB argument */
  memcpy(s, "HELO ", 5);
  memset(s + 5, 'x', big);
  memcpy(s + 5 + big, "\r\nQUIT\r\n", 8);
  feed_all(&r, s, 5 + big + 8);
  CHECK(!strcmp(r.r, "OQ") && !r.badcount, "1 MiB argument to HELO: 250 then 221");
  feed_random(&r, s, 5 + big + 8);
  CHECK(!strcmp(r.r, "OQ") && !r.badcount, "1 MiB argument, random split");

  /* 1 MiB verb: error, and verblen saturates (constant memory) */
  memset(s, 'A', big);
  memcpy(s + big, "\r\n", 2);
  used = smtpline_feed(&st, s, big, &reply);
  CHECK(used == big && reply == SMTPLINE_MORE, "1 MiB verb: all consumed, no reply yet");
  CHECK(st.verblen > SMTPLINE_VERBMAX && st.verblen <= SMTPLINE_VERBMAX + 1, "1 MiB verb: verblen saturates just past VERBMAX");
  used = smtpline_feed(&st, s + big, 2, &reply);
  CHECK(used == 2 && reply == SMTPLINE_ERROR, "1 MiB verb: error line");
  used = smtpline_feed(&st, "quit\r\n", 6, &reply);
  CHECK(used == 6 && reply == SMTPLINE_QUIT, "state reset after 1 MiB verb");

  /* 1 MiB of spaces, then QUIT on its own line; a verb-sized prefix that
     matches followed by a long tail must not match */
  memset(s, ' ', big);
  memcpy(s + big, "\r\nnoopnoop\r\n", 12);
  feed_all(&r, s, big + 12);
  CHECK(!strcmp(r.r, "EE") && !r.badcount, "1 MiB of spaces: empty verb error; NOOPNOOP error");

  /* 1 MiB of bare CRs: none is the stripped one except the last */
  memcpy(s, "NOOP", 4);
  memset(s + 4, '\r', big);
  s[4 + big] = '\n';
  feed_all(&r, s, big + 5);
  CHECK(!strcmp(r.r, "E") && !r.badcount, "NOOP + 1 MiB of CRs: error");
  feed_all(&r, s + big - 1, 6);   /* "\r\r\r\r\r\n" from the tail: empty-ish verb */
  CHECK(!strcmp(r.r, "E"), "only CRs: error");
  free(s);
}

int main (void)
{
  static char const *okverbs[] = { "helo", "ehlo", "mail", "rset", "noop" };
  static char const *errverbs[] = { "RCPT TO:<a@b>", "DATA", "VRFY x", "EXPN x", "HELP", "STARTTLS", "AUTH PLAIN x", "BDAT 10 LAST", "ETRN x", "TURN", "XYZZY", "HEL", "HELOO", "QUI", "QUITT" };
  size_t i;
  smtpline st = SMTPLINE_ZERO;
  int reply = -1;

  for (i = 0; i < sizeof okverbs / sizeof okverbs[0]; i++) casevariants(okverbs[i], 'O');
  casevariants("quit", 'Q');
  for (i = 0; i < sizeof errverbs / sizeof errverbs[0]; i++)
  {
    char buf[64], nm[96];
    int n = snprintf(buf, sizeof buf, "%s\r\n", errverbs[i]);
    snprintf(nm, sizeof nm, "other verb %s", errverbs[i]);
    tcase(nm, buf, (size_t)n, "E", 0);
  }

  T("HELOx", "HELOx\r\n", "E");
  T("QUITX", "QUITX\r\n", "E");
  T("quitx lower", "quitx\r\n", "E");
  T("leading space", " HELO x\r\n", "E");
  T("TAB after verb", "HELO\tx\r\n", "E");
  T("TAB after QUIT", "QUIT\t\r\n", "E");
  T("NOOP CR CR LF", "NOOP\r\r\n", "E");
  T("NOOP arg CR CR LF", "NOOP x\r\r\n", "O");
  T("CR in the verb", "NO\rOP\r\n", "E");
  T("CR then space", "NOOP\r x\r\n", "E");
  T("CR in the argument", "MAIL a\rb\r\n", "O");
  T("NUL after verb", "NOOP\0\r\n", "E");
  T("NUL in verb", "NO\0OP\r\n", "E");
  T("NUL in argument", "NOOP x\0y\r\n", "O");
  T("NUL before space", "HELO\0 x\r\n", "E");
  T("8-bit verb", "H\xc9LO\r\n", "E");
  T("8-bit that folds nowhere", "\xe8\xe5\xec\xef\r\n", "E");
  T("bare LF", "HELO\nQUIT\n", "OQ");
  T("empty CRLF line", "\r\n", "E");
  T("empty LF line", "\n", "E");
  T("CR CR LF alone", "\r\r\n", "E");
  T("two spaces", "HELO  x\r\n", "O");
  T("space only", " \r\n", "E");
  T("pipelined", "HELO a\r\nMAIL FROM:<a>\r\nRCPT TO:<b>\r\nDATA\r\nQUIT\r\n", "OOEEQ");
  T("several empty lines", "\r\n\n\r\n", "EEE");
  T("after QUIT more lines are still parsed", "QUIT\r\nNOOP\r\n", "QO");
  TOPEN("unterminated line", "NOOP\r\nQUIT", "O");
  TOPEN("unterminated CR", "NOOP\r", "");
  TOPEN("unterminated after space", "HELO x", "");
  T("nothing", "", "");

  /* exact consumption: stops right after the first LF */
  CHECK(smtpline_feed(&st, "NOOP\r\nQUIT\r\n", 12, &reply) == 6 && reply == SMTPLINE_OK, "consumes through the first LF only");
  CHECK(smtpline_feed(&st, "QUIT\r\n", 6, &reply) == 6 && reply == SMTPLINE_QUIT, "then the next line");
  CHECK(smtpline_feed(&st, "x", 0, &reply) == 0 && reply == SMTPLINE_MORE, "empty feed: 0 consumed, MORE");

  bigline();
  CHECK_DONE();
}
