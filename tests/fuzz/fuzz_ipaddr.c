/* fuzz_ipaddr: ipaddr_scan against glibc's inet_pton, and fmt/scan round trips in RFC 5952 form. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "ipaddr.h"

static int ismapped (uint8_t const *ip)
{
  return !memcmp(ip, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12);
}

/* independent RFC 5952 text for a non-mapped IPv6 address */
static size_t ref5952 (char *out, uint8_t const *ip)
{
  unsigned g[8], best = 8, bestlen = 1;
  size_t w = 0;
  for (unsigned i = 0; i < 8; i++) g[i] = (unsigned)ip[2 * i] << 8 | ip[2 * i + 1];
  for (unsigned i = 0; i < 8; i++)
  {
    unsigned j = i;
    while (j < 8 && !g[j]) j++;
    if (j - i > bestlen) { best = i; bestlen = j - i; }
    if (j > i) i = j - 1;
  }
  for (unsigned i = 0; i < 8; i++)
  {
    if (i == best) { memcpy(out + w, "::", 2); w += 2; i += bestlen - 1; continue; }
    if (i && i != best + bestlen) out[w++] = ':';
    w += (size_t)snprintf(out + w, 80 - w, "%x", g[i]);
  }
  out[w] = 0;
  return w;
}

static size_t reftext (char *out, ipaddr const *a)
{
  if (!a->is6) return (size_t)snprintf(out, 80, "%u.%u.%u.%u", a->ip[0], a->ip[1], a->ip[2], a->ip[3]);
  if (ismapped(a->ip)) return (size_t)snprintf(out, 80, "::ffff:%u.%u.%u.%u", a->ip[12], a->ip[13], a->ip[14], a->ip[15]);
  return ref5952(out, a->ip);
}

/* fmt gives the reference text, within IPADDR_FMT, and scans back to a */
static void checkfmt (ipaddr const *a)
{
  char out[IPADDR_FMT + 1], ref[80];
  ipaddr b;
  size_t n, rn;
  out[IPADDR_FMT] = '#';
  n = ipaddr_fmt(out, a);
  if (n > IPADDR_FMT || out[IPADDR_FMT] != '#') abort();
  rn = reftext(ref, a);
  if (n != rn || memcmp(out, ref, n)) abort();
  if (!ipaddr_scan(out, n, &b)) abort();
  if (a->is6 && ismapped(a->ip))
  {
    if (b.is6 || memcmp(b.ip, a->ip + 12, 4)) abort();
  }
  else if (b.is6 != a->is6 || memcmp(b.ip, a->ip, a->is6 ? 16 : 4)) abort();
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  ipaddr a;
  int r = ipaddr_scan((char const *)data, size, &a);

  if (r)
  {
    if (a.is6 && ismapped(a.ip)) abort();   /* mapped always folds to IPv4 */
    if (!a.is6)
      for (unsigned i = 4; i < 16; i++) if (a.ip[i]) abort();
    checkfmt(&a);
  }

  /* glibc's inet_pton is exactly as strict: the two must agree */
  if (size < 100 && !memchr(data, 0, size))
  {
    char s[100];
    uint8_t b4[4], b6[16];
    int p4, p6;
    memcpy(s, data, size);
    s[size] = 0;
    p4 = inet_pton(AF_INET, s, b4) == 1;
    p6 = inet_pton(AF_INET6, s, b6) == 1;
    if (r != (p4 || p6)) abort();
    if (r && p4 && (a.is6 || memcmp(a.ip, b4, 4))) abort();
    if (r && p6 && (a.is6 ? memcmp(a.ip, b6, 16) : memcmp(a.ip, b6 + 12, 4))) abort();
  }

  /* the input as a raw address, for fmt over every value */
  if (size >= 17)
  {
    ipaddr raw;
    raw.is6 = data[0] & 1;
    memcpy(raw.ip, data + 1, 16);
    if (!raw.is6) memset(raw.ip + 4, 0, 12);
    checkfmt(&raw);
  }
  return 0;
}
