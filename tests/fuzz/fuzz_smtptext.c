/* fuzz_smtptext: reply and log text must stay within their caps, printable, and a faithful prefix of the input; the "listed" text must match a reference or refuse. */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ipaddr.h"
#include "smtptext.h"

#define LINEMAX SMTPTEXT_REPLYMAX

static int printable (unsigned char c) { return c >= 32 && c <= 126; }

/* every output byte is the input byte if printable, else '?' */
static void faithful (char const *out, char const *in, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
  {
    unsigned char c = (unsigned char)in[i];
    if ((unsigned char)out[i] != (printable(c) ? c : '?')) abort();
  }
}

static void check_reply (unsigned code, char const *t, size_t len)
{
  char *d = malloc(LINEMAX);   /* exact size: ASan catches any overrun */
  char num[16];
  int nl;
  size_t n, i, want;
  if (!d) abort();
  n = smtptext_reply(d, code, t, len);
  if (n > LINEMAX || n > 204) abort();
  for (i = 0; i < n; i++) if (!printable((unsigned char)d[i])) abort();
  nl = snprintf(num, sizeof num, "%u ", code);
  if (memcmp(d, num, (size_t)nl < n ? (size_t)nl : n)) abort();
  /* nothing is dropped before the cap: short texts come out whole */
  want = (size_t)nl + len;
  if (want > LINEMAX) want = LINEMAX;
  if ((size_t)nl + (len < SMTPTEXT_MAX ? len : SMTPTEXT_MAX) < want) want = (size_t)nl + (len < SMTPTEXT_MAX ? len : SMTPTEXT_MAX);
  if (n != want) abort();
  if (n > (size_t)nl) faithful(d + nl, t, n - (size_t)nl);
  free(d);
}

static void check_clean (size_t max, char const *t, size_t len)
{
  char *d = malloc(max ? max : 1);
  size_t n;
  if (!d) abort();
  n = smtptext_clean(d, max, t, len);
  if (n != (len < max ? len : max)) abort();
  faithful(d, t, n);
  free(d);
}

static void check_listed (size_t max, uint8_t const *addr, int is6, uint8_t const a[4], char const *base)
{
  ipaddr c = IPADDR_ZERO;
  char ip[IPADDR_FMT + 1];
  char ref[600];
  size_t iplen, n;
  int rl;
  char *d = malloc(max ? max : 1);
  if (!d) abort();
  c.is6 = (uint8_t)is6;
  memcpy(c.ip, addr, is6 ? 16 : 4);
  iplen = ipaddr_fmt(ip, &c);
  if (iplen > IPADDR_FMT) abort();
  ip[iplen] = 0;
  rl = snprintf(ref, sizeof ref, "%s is listed by %s (%u.%u.%u.%u)", ip, base, a[0], a[1], a[2], a[3]);
  n = smtptext_listed(d, max, base, &c, a);
  if ((size_t)rl <= max)
  {
    if (n != (size_t)rl || memcmp(d, ref, n)) abort();
  }
  else if (n) abort();
  free(d);
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  unsigned code;
  char const *t;
  size_t len;
  /* layout: code (4), max (2), flags (1), address (16), A (4), then text */
  if (size < 27) return 0;
  code = (unsigned)data[0] << 24 | (unsigned)data[1] << 16 | (unsigned)data[2] << 8 | data[3];
  t = (char const *)data + 27;
  len = size - 27;

  check_reply(code, t, len);
  check_reply(code % 1000, t, len);
  check_reply(data[6] & 1 ? 553 : 451, t, len);
  check_clean((size_t)data[4] << 8 | data[5], t, len);

  {
    /* the base is a C string: the text up to its first NUL, at most 500 */
    char base[501];
    size_t bl = len < 500 ? len : 500;
    char const *z = memchr(t, 0, bl);
    if (z) bl = (size_t)(z - t);
    memcpy(base, t, bl);
    base[bl] = 0;
    check_listed(((size_t)data[4] << 8 | data[5]) % 600, data + 7, data[6] & 2 ? 1 : 0, data + 23, base);
  }
  return 0;
}
