/* ipaddr: strict parsing and canonical formatting of client addresses. */

#include <string.h>
#include <skalibs/fmtscan.h>
#include "ipaddr.h"

static int hexval (char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Written here rather than taken from skalibs: its ip4_scan accepts leading
   zeros (an octal trap in other parsers) and values above 255. */
static int scan4 (char const *s, size_t len, uint8_t *ip)
{
  size_t i = 0;
  for (unsigned part = 0; part < 4; part++)
  {
    size_t start = i;
    unsigned v = 0;
    if (part)
    {
      if (i >= len || s[i] != '.') return 0;
      start = ++i;
    }
    while (i < len && i - start < 3 && s[i] >= '0' && s[i] <= '9')
      v = v * 10 + (unsigned)(s[i++] - '0');
    if (i == start || v > 255) return 0;
    if (s[start] == '0' && i - start > 1) return 0;
    ip[part] = (uint8_t)v;
  }
  return i == len;
}

static int scan6 (char const *s, size_t len, uint8_t *ip)
{
  uint16_t g[8];
  unsigned n = 0;
  int dc = -1;   /* index in g where "::" stands, or -1 */
  size_t i = 0;

  if (len < 2) return 0;
  if (s[0] == ':')
  {
    if (s[1] != ':') return 0;
    dc = 0;
    i = 2;
  }
  while (i < len)
  {
    size_t j = i;
    unsigned v = 0;
    while (j < len && j - i < 5 && hexval(s[j]) >= 0)
      v = (v << 4) | (unsigned)hexval(s[j++]);
    if (j < len && s[j] == '.')
    {
      uint8_t v4[4];
      if (n > 6 || !scan4(s + i, len - i, v4)) return 0;
      g[n++] = (uint16_t)(v4[0] << 8 | v4[1]);
      g[n++] = (uint16_t)(v4[2] << 8 | v4[3]);
      i = len;
      break;
    }
    if (j == i || j - i > 4 || n == 8) return 0;
    g[n++] = (uint16_t)v;
    i = j;
    if (i == len) break;
    if (s[i++] != ':' || i == len) return 0;
    if (s[i] == ':')
    {
      if (dc >= 0) return 0;
      dc = (int)n;
      i++;
    }
  }
  /* RFC 4291: "::" stands for one or more groups, never zero */
  if (dc < 0 ? n != 8 : n > 7) return 0;
  memset(ip, 0, 16);
  for (unsigned k = 0; k < n; k++)
  {
    unsigned slot = dc >= 0 && k >= (unsigned)dc ? k + 8 - n : k;
    ip[2 * slot] = (uint8_t)(g[k] >> 8);
    ip[2 * slot + 1] = (uint8_t)g[k];
  }
  return 1;
}

static int ismapped (uint8_t const *ip)
{
  static uint8_t const prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  return !memcmp(ip, prefix, 12);
}

int ipaddr_scan (char const *s, size_t len, ipaddr *a)
{
  uint8_t ip[16];
  if (!len) return 0;
  if (!memchr(s, ':', len))
  {
    if (!scan4(s, len, ip)) return 0;
    memset(a->ip, 0, 16);
    memcpy(a->ip, ip, 4);
    a->is6 = 0;
    return 1;
  }
  if (!scan6(s, len, ip)) return 0;
  if (ismapped(ip))
  {
    memset(a->ip, 0, 16);
    memcpy(a->ip, ip + 12, 4);
    a->is6 = 0;
  }
  else
  {
    memcpy(a->ip, ip, 16);
    a->is6 = 1;
  }
  return 1;
}

size_t ipaddr_fmt (char *dst, ipaddr const *a)
{
  if (!a->is6) return ip4_fmt(dst, (char const *)a->ip);
  /* RFC 5952 section 5; ipaddr_scan never yields this, but a caller might */
  if (ismapped(a->ip))
  {
    memcpy(dst, "::ffff:", 7);
    return 7 + ip4_fmt(dst + 7, (char const *)a->ip + 12);
  }
  return ip6_fmt(dst, (char const *)a->ip);
}
