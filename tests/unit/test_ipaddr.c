/* test_ipaddr: strict IPv4/IPv6 parsing, IPv4-mapped folding, RFC 5952 output. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "ipaddr.h"
#include "check.h"

struct scancase
{
  char const *in;
  int ok;
  int is6;            /* expected family when ok */
  char const *fmt;    /* expected canonical text when ok */
};

static struct scancase const cases[] =
{
  /* IPv4 */
  { "0.0.0.0", 1, 0, "0.0.0.0" },
  { "1.2.3.4", 1, 0, "1.2.3.4" },
  { "127.0.0.1", 1, 0, "127.0.0.1" },
  { "10.0.0.255", 1, 0, "10.0.0.255" },
  { "255.255.255.255", 1, 0, "255.255.255.255" },
  { "192.168.100.10", 1, 0, "192.168.100.10" },
  { "", 0, 0, 0 },
  { "1", 0, 0, 0 },
  { "1.2", 0, 0, 0 },
  { "1.2.3", 0, 0, 0 },
  { "1.2.3.4.5", 0, 0, 0 },
  { "01.2.3.4", 0, 0, 0 },
  { "1.2.3.04", 0, 0, 0 },
  { "1.2.3.00", 0, 0, 0 },
  { "00.0.0.0", 0, 0, 0 },
  { "1.02.3.4", 0, 0, 0 },
  { "256.0.0.0", 0, 0, 0 },
  { "1.2.3.256", 0, 0, 0 },
  { "999.1.1.1", 0, 0, 0 },
  { "1.2.3.1000", 0, 0, 0 },
  { "1.2.3.0400", 0, 0, 0 },
  { "1.2.3.4.", 0, 0, 0 },
  { ".1.2.3.4", 0, 0, 0 },
  { "1..2.3", 0, 0, 0 },
  { "1.2..3.4", 0, 0, 0 },
  { "1.2.3.4 ", 0, 0, 0 },
  { " 1.2.3.4", 0, 0, 0 },
  { "1.2.3.4\n", 0, 0, 0 },
  { "1.2.3.-4", 0, 0, 0 },
  { "+1.2.3.4", 0, 0, 0 },
  { "1.2.3.4a", 0, 0, 0 },
  { "0x1.2.3.4", 0, 0, 0 },
  { "a.b.c.d", 0, 0, 0 },
  { "1,2,3,4", 0, 0, 0 },
  { "1.2.3.4/24", 0, 0, 0 },
  { "...", 0, 0, 0 },
  /* IPv6 */
  { "::", 1, 1, "::" },
  { "::1", 1, 1, "::1" },
  { "1::", 1, 1, "1::" },
  { "2001:db8::1", 1, 1, "2001:db8::1" },
  { "2001:0db8:0000:0000:0000:0000:0000:0001", 1, 1, "2001:db8::1" },
  { "2001:DB8::ABCD", 1, 1, "2001:db8::abcd" },
  { "1:2:3:4:5:6:7:8", 1, 1, "1:2:3:4:5:6:7:8" },
  { "0:0:0:0:0:0:0:0", 1, 1, "::" },
  { "1:0:0:0:0:0:0:0", 1, 1, "1::" },
  { "0:0:0:0:0:0:0:1", 1, 1, "::1" },
  { "1:0:1:1:1:1:1:1", 1, 1, "1:0:1:1:1:1:1:1" },
  { "1:0:0:2:0:0:0:3", 1, 1, "1:0:0:2::3" },
  { "1:0:0:2:0:0:3:4", 1, 1, "1::2:0:0:3:4" },
  { "2001:db8:0:0:1:0:0:1", 1, 1, "2001:db8::1:0:0:1" },
  { "::1:2:3:4:5:6:7", 1, 1, "0:1:2:3:4:5:6:7" },
  { "1:2:3:4:5:6:7::", 1, 1, "1:2:3:4:5:6:7:0" },
  { "1:2:3:4:5:6::7", 1, 1, "1:2:3:4:5:6:0:7" },
  { "fe80::1", 1, 1, "fe80::1" },
  { "0001:0002::", 1, 1, "1:2::" },
  { "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1, 1, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
  { "2001:db8:1:2:3:4:567:89ab", 1, 1, "2001:db8:1:2:3:4:567:89ab" },
  { "::1.2.3.4", 1, 1, "::102:304" },
  { "1::1.2.3.4", 1, 1, "1::102:304" },
  { "1:2:3:4:5:6:1.2.3.4", 1, 1, "1:2:3:4:5:6:102:304" },
  { "64:ff9b::192.0.2.33", 1, 1, "64:ff9b::c000:221" },
  { "::fffe:1.2.3.4", 1, 1, "::fffe:102:304" },
  { "::1:ffff:1.2.3.4", 1, 1, "::1:ffff:102:304" },
  { "ffff::1.2.3.4", 1, 1, "ffff::102:304" },
  /* IPv4-mapped comes back as IPv4 */
  { "::ffff:1.2.3.4", 1, 0, "1.2.3.4" },
  { "::FFFF:1.2.3.4", 1, 0, "1.2.3.4" },
  { "::ffff:102:304", 1, 0, "1.2.3.4" },
  { "0:0:0:0:0:ffff:7f00:1", 1, 0, "127.0.0.1" },
  { "0000:0000:0000:0000:0000:ffff:127.0.0.2", 1, 0, "127.0.0.2" },
  { "::ffff:0.0.0.0", 1, 0, "0.0.0.0" },
  { "::ffff:255.255.255.255", 1, 0, "255.255.255.255" },
  { ":", 0, 0, 0 },
  { ":::", 0, 0, 0 },
  { "::::", 0, 0, 0 },
  { "1:2:3:4:5:6:7", 0, 0, 0 },
  { "1:2:3:4:5:6:7:8:9", 0, 0, 0 },
  { "1:2:3:4:5:6:7:8:", 0, 0, 0 },
  { ":1:2:3:4:5:6:7:8", 0, 0, 0 },
  { "1::2::3", 0, 0, 0 },
  { "::1::", 0, 0, 0 },
  { "1:::2", 0, 0, 0 },
  { "1:2:3:4:5:6:7::8", 0, 0, 0 },
  { "1::2:3:4:5:6:7:8", 0, 0, 0 },
  { "::1:2:3:4:5:6:7:8", 0, 0, 0 },
  { ":1::", 0, 0, 0 },
  { "1::2:", 0, 0, 0 },
  { "1:", 0, 0, 0 },
  { "::1:", 0, 0, 0 },
  { "12345::", 0, 0, 0 },
  { "00001::", 0, 0, 0 },
  { "g::", 0, 0, 0 },
  { "0x1::", 0, 0, 0 },
  { "::-1", 0, 0, 0 },
  { "::1%eth0", 0, 0, 0 },
  { "fe80::1%1", 0, 0, 0 },
  { "[::1]", 0, 0, 0 },
  { "[::1]:53", 0, 0, 0 },
  { " ::1", 0, 0, 0 },
  { "::1 ", 0, 0, 0 },
  { ":: ", 0, 0, 0 },
  { "::1.2.3", 0, 0, 0 },
  { "::1.2.3.4.5", 0, 0, 0 },
  { "::01.2.3.4", 0, 0, 0 },
  { "::1.2.3.04", 0, 0, 0 },
  { "::1.2.3.256", 0, 0, 0 },
  { "::ffff:01.2.3.4", 0, 0, 0 },
  { "::ffff:1.2.3.4.", 0, 0, 0 },
  { "1:2:3:4:5:6:7:1.2.3.4", 0, 0, 0 },
  { "1:2:3:4:5:6:7:8:1.2.3.4", 0, 0, 0 },
  { "::1.2.3.4:5", 0, 0, 0 },
  { "::1.2.3.4::", 0, 0, 0 },
  { "1.2.3.4::", 0, 0, 0 },
  { "1.2.3.4:", 0, 0, 0 },
  { "::abc.1.2.3", 0, 0, 0 },
  { "::12345.1.1.1", 0, 0, 0 },
  { "1:2:3:4:5:6:7:8::", 0, 0, 0 },
};

/* independent RFC 5952 formatter: lower case, no leading zeros, the longest
   run (two groups or more, the first on a tie) of zero groups as "::" */
static size_t ref5952 (char *out, uint8_t const *ip)
{
  unsigned g[8], best = 8, bestlen = 1, w = 0;
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
    if (i == best)
    {
      w += (unsigned)snprintf(out + w, 64 - w, "::");
      i += bestlen - 1;
      continue;
    }
    if (i && i != best + bestlen) out[w++] = ':';
    w += (unsigned)snprintf(out + w, 64 - w, "%x", g[i]);
  }
  out[w] = 0;
  return w;
}

/* scan from an exact-size heap copy, so ASan catches any read past len */
static int scanexact (char const *s, size_t len, ipaddr *a)
{
  char *copy = malloc(len ? len : 1);
  int r;
  memcpy(copy, s, len);
  r = ipaddr_scan(copy, len, a);
  free(copy);
  return r;
}

/* test names stay on one line whatever the input holds */
static char const *show (char const *s)
{
  static char buf[128];
  size_t w = 0;
  for (; *s && w < sizeof buf - 5; s++)
    if (*s >= 32 && *s < 127) buf[w++] = *s;
    else w += (size_t)snprintf(buf + w, 5, "\\x%02x", (unsigned char)*s);
  buf[w] = 0;
  return buf;
}

static uint32_t rng = 12345;
static uint32_t next (void)
{
  rng = rng * 1103515245u + 12345u;
  return rng >> 8;
}

int main (void)
{
  char name[200];

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
  {
    struct scancase const *c = &cases[i];
    ipaddr a = IPADDR_ZERO;
    int r = scanexact(c->in, strlen(c->in), &a);
    snprintf(name, sizeof name, "scan \"%s\" %s", show(c->in), c->ok ? "valid" : "rejected");
    CHECK(r == c->ok, name);

    /* glibc's inet_pton is as strict as we mean to be: use it as an oracle */
    {
      uint8_t b4[4], b6[16];
      int p4 = inet_pton(AF_INET, c->in, b4) == 1;
      int p6 = inet_pton(AF_INET6, c->in, b6) == 1;
      snprintf(name, sizeof name, "scan \"%s\" agrees with inet_pton", show(c->in));
      CHECK(r == (p4 || p6), name);
      if (r && p4)
        CHECK(!a.is6 && !memcmp(a.ip, b4, 4), "same bytes as inet_pton (IPv4)");
      if (r && p6)
        CHECK(a.is6 ? !memcmp(a.ip, b6, 16) : !memcmp(a.ip, b6 + 12, 4), "same bytes as inet_pton (IPv6)");
    }
    if (!r || !c->ok) continue;

    snprintf(name, sizeof name, "scan \"%s\" family", c->in);
    CHECK(a.is6 == c->is6, name);
    if (!a.is6)
    {
      static uint8_t const zero[12] = { 0 };
      CHECK(!memcmp(a.ip + 4, zero, 12), "IPv4 leaves the rest of ip[] zero");
    }
    {
      char out[IPADDR_FMT + 1];
      ipaddr b = IPADDR_ZERO;
      size_t n;
      out[IPADDR_FMT] = '#';
      n = ipaddr_fmt(out, &a);
      snprintf(name, sizeof name, "fmt \"%s\" = \"%s\"", c->in, c->fmt);
      CHECK_MEM(out, n, c->fmt, name);
      CHECK(n <= IPADDR_FMT && out[IPADDR_FMT] == '#', "fmt stays within IPADDR_FMT");
      snprintf(name, sizeof name, "scan(fmt(\"%s\")) round trip", c->in);
      CHECK(scanexact(out, n, &b) && !memcmp(&a, &b, sizeof a), name);
    }
  }

  /* exactly s[0..len): what follows len is never looked at */
  {
    ipaddr a;
    CHECK(ipaddr_scan("1.2.3.45", 7, &a) && !a.is6 && a.ip[3] == 4, "scan stops at len (IPv4)");
    CHECK(ipaddr_scan("::1234", 5, &a) && a.is6 && a.ip[14] == 0x01 && a.ip[15] == 0x23, "scan stops at len (IPv6)");
    CHECK(!ipaddr_scan("1.2.3.4", 0, &a), "len 0 is invalid");
    CHECK(!ipaddr_scan("1.2.3.4\0", 8, &a), "embedded NUL rejected (IPv4)");
    CHECK(!ipaddr_scan("::1\0", 4, &a), "embedded NUL rejected (IPv6)");
    CHECK(!ipaddr_scan("1.2\0.3.4", 8, &a), "NUL inside rejected");
  }

  /* formatting of values scan never produces */
  {
    ipaddr m = { .is6 = 1, .ip = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1 } };
    char out[IPADDR_FMT];
    size_t n = ipaddr_fmt(out, &m);
    CHECK_MEM(out, n, "::ffff:10.0.0.1", "hand-built IPv6 mapped formats as ::ffff:a.b.c.d (RFC 5952 section 5)");
  }

  /* random addresses, weighted towards zero groups: fmt agrees with the
     independent RFC 5952 formatter and scans back to the same address */
  {
    unsigned bad5952 = 0, badtrip = 0, bad4 = 0;
    for (unsigned k = 0; k < 20000; k++)
    {
      ipaddr a = { .is6 = 1 }, b;
      char out[IPADDR_FMT], ref[64];
      size_t n;
      for (unsigned i = 0; i < 8; i++)
      {
        uint32_t r = next();
        unsigned v = r % 4 ? 0 : (r >> 4) & 0xffff;
        if (r % 16 == 1) v = 1;
        a.ip[2 * i] = (uint8_t)(v >> 8);
        a.ip[2 * i + 1] = (uint8_t)v;
      }
      n = ipaddr_fmt(out, &a);
      if (!memcmp(a.ip, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)) continue;
      ref5952(ref, a.ip);
      if (n != strlen(ref) || memcmp(out, ref, n)) bad5952++;
      if (!ipaddr_scan(out, n, &b) || memcmp(&a, &b, sizeof a)) badtrip++;
    }
    CHECK(!bad5952, "20000 random IPv6: fmt matches the reference RFC 5952 formatter");
    CHECK(!badtrip, "20000 random IPv6: scan(fmt(x)) == x");
    for (unsigned k = 0; k < 20000; k++)
    {
      ipaddr a = IPADDR_ZERO, b;
      char out[IPADDR_FMT];
      uint32_t r = next() ^ next() << 12;
      size_t n;
      for (unsigned i = 0; i < 4; i++) a.ip[i] = (uint8_t)(r >> (8 * i));
      if (k & 1) a.ip[k % 4] = 0;
      n = ipaddr_fmt(out, &a);
      if (!ipaddr_scan(out, n, &b) || memcmp(&a, &b, sizeof a)) bad4++;
    }
    CHECK(!bad4, "20000 random IPv4: scan(fmt(x)) == x");
  }

  CHECK_DONE();
}
