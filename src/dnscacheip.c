/* dnscacheip: parses $DNSCACHEIP into resolver addresses and formats them for c-ares. */

#include <string.h>
#include <skalibs/fmtscan.h>
#include <skalibs/types.h>
#include "dnscacheip.h"

static int issep (char c)
{
  return c == ',' || c == ' ' || c == '\t';
}

/* 1..65535 in plain decimal; leading zeros are refused like in addresses */
static int scanport (char const *s, size_t len, uint16_t *port)
{
  uint32_t v = 0;
  if (!len || len > 5 || s[0] == '0') return 0;
  for (size_t i = 0; i < len; i++)
  {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (uint32_t)(s[i] - '0');
  }
  if (v > 65535) return 0;
  *port = (uint16_t)v;
  return 1;
}

static int add (dnsserver *out, unsigned max, unsigned *n, ipaddr const *a, uint16_t port)
{
  if (*n >= max) return 0;
  out[*n].addr = *a;
  out[*n].port = port;
  (*n)++;
  return 1;
}

/* djb's form: the item is 4k dot-separated parts, each run of four an IPv4 address */
static int scandjb (char const *s, size_t len, dnsserver *out, unsigned max, unsigned *n)
{
  size_t p = 0;
  for (;;)
  {
    size_t e = p;
    ipaddr a;
    for (unsigned dots = 0; dots < 3; dots++)
    {
      char const *d = memchr(s + e, '.', len - e);
      if (!d) return 0;
      e = (size_t)(d - s) + 1;
    }
    while (e < len && s[e] != '.') e++;
    if (!ipaddr_scan(s + p, e - p, &a) || !add(out, max, n, &a, 53)) return 0;
    if (e == len) return 1;
    p = e + 1;
  }
}

static int scanitem (char const *s, size_t len, dnsserver *out, unsigned max, unsigned *n)
{
  ipaddr a;
  uint16_t port = 53;
  char const *c;
  if (s[0] == '[')
  {
    char const *close = memchr(s, ']', len);
    size_t alen;
    if (!close) return 0;
    alen = (size_t)(close - s) - 1;
    /* brackets hold IPv6 text only, as in URLs; "[1.2.3.4]" is a typo */
    if (!memchr(s + 1, ':', alen) || !ipaddr_scan(s + 1, alen, &a)) return 0;
    s = close + 1;
    len -= alen + 2;
    if (len && (s[0] != ':' || !scanport(s + 1, len - 1, &port))) return 0;
    return add(out, max, n, &a, port);
  }
  c = memchr(s, ':', len);
  if (!c) return scandjb(s, len, out, max, n);
  if (memchr(c + 1, ':', len - (size_t)(c - s) - 1))
    return ipaddr_scan(s, len, &a) && add(out, max, n, &a, 53);
  /* one colon: a.b.c.d:port */
  return ipaddr_scan(s, (size_t)(c - s), &a)
    && scanport(c + 1, len - (size_t)(c - s) - 1, &port)
    && add(out, max, n, &a, port);
}

unsigned dnscacheip_parse (char const *s, dnsserver *out, unsigned max)
{
  unsigned n = 0;
  size_t i = 0;
  for (;;)
  {
    size_t start;
    while (s[i] && issep(s[i])) i++;
    if (!s[i]) break;
    start = i;
    while (s[i] && !issep(s[i])) i++;
    if (!scanitem(s + start, i - start, out, max, &n)) return 0;
  }
  return n;
}

size_t dnscacheip_csv (char *dst, size_t max, dnsserver const *srv, unsigned n)
{
  size_t w = 0;
  for (unsigned k = 0; k < n; k++)
  {
    char item[IPADDR_FMT + 9];
    size_t m = 0;
    if (k) item[m++] = ',';
    if (srv[k].addr.is6) item[m++] = '[';
    m += ipaddr_fmt(item + m, &srv[k].addr);
    if (srv[k].addr.is6) item[m++] = ']';
    item[m++] = ':';
    m += uint16_fmt(item + m, srv[k].port);
    if (w + m >= max) return 0;
    memcpy(dst + w, item, m);
    w += m;
  }
  if (w >= max) return 0;
  dst[w] = 0;
  return w;
}
