/* smtptext: makes list text safe to send as an SMTP reply or write as a log line. */

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <skalibs/types.h>
#include <skalibs/fmtscan.h>
#include "ipaddr.h"
#include "smtptext.h"

/* rblsmtpd cuts the text at 200 bytes and puts "451 " in front: a 300-byte
   $RBLSMTPD gives a 204-byte line. */

static char smtptext_safe (char c)
{
  unsigned char u = (unsigned char)c;
  return u >= 32 && u <= 126 ? c : '?';
}

size_t smtptext_clean (char *dst, size_t max, char const *s, size_t len)
{
  size_t i;
  if (len > max) len = max;
  for (i = 0; i < len; i++) dst[i] = smtptext_safe(s[i]);
  return len;
}

size_t smtptext_reply (char *dst, unsigned code, char const *text, size_t len)
{
  char num[UINT_FMT];
  size_t n = uint_fmt(num, code);
  size_t w;
  if (n > SMTPTEXT_REPLYMAX) n = SMTPTEXT_REPLYMAX;
  w = smtptext_clean(dst, SMTPTEXT_REPLYMAX, num, n);
  if (w < SMTPTEXT_REPLYMAX) dst[w++] = ' ';
  if (len > SMTPTEXT_MAX) len = SMTPTEXT_MAX;
  w += smtptext_clean(dst + w, SMTPTEXT_REPLYMAX - w, text, len);
  return w;
}

size_t smtptext_listed (char *dst, size_t max, char const *base, ipaddr const *client, uint8_t const a[4])
{
  static char const mid[] = " is listed by ";
  char ip[IPADDR_FMT];
  char ans[IP4_FMT];
  size_t iplen = ipaddr_fmt(ip, client);
  size_t anslen = ip4_fmt(ans, (char const *)a);
  size_t baselen = strlen(base);
  size_t need = iplen + (sizeof mid - 1) + baselen + 2 + anslen + 1;
  size_t w = 0;
  if (need > max) return 0;
  memcpy(dst + w, ip, iplen); w += iplen;
  memcpy(dst + w, mid, sizeof mid - 1); w += sizeof mid - 1;
  memcpy(dst + w, base, baselen); w += baselen;
  dst[w++] = ' ';
  dst[w++] = '(';
  memcpy(dst + w, ans, anslen); w += anslen;
  dst[w++] = ')';
  return w;
}
