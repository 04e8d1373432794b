/* test_revname: list zone validation and reversed query names, with their length limits. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ipaddr.h"
#include "revname.h"
#include "check.h"

/* a name of exactly n bytes made of 63-byte labels ("aaa...a.bbb...") */
static char const *mkname (size_t n, int trailingdot)
{
  static char buf[400];
  size_t i = 0, label = 0;
  char c = 'a';
  while (i < n)
  {
    if (label == 63 && i + 1 < n)
    {
      buf[i++] = '.';
      label = 0;
      c = c == 'z' ? 'a' : (char)(c + 1);
      continue;
    }
    buf[i++] = c;
    label++;
  }
  if (trailingdot) buf[i++] = '.';
  buf[i] = 0;
  return buf;
}

static char const *repeat (char c, size_t n)
{
  static char buf[300];
  memset(buf, c, n);
  buf[n] = 0;
  return buf;
}

struct basecase
{
  char const *base;
  int ok;
};

static struct basecase const bases[] =
{
  { "zen.spamhaus.org", 1 },
  { "zen.spamhaus.org.", 1 },
  { "a", 1 },
  { "a.", 1 },
  { "1.2.3", 1 },
  { "_dnsbl.Example-Net.", 1 },
  { "x!#$%&'*+/=?^`{|}~\\\"", 1 },
  { "", 0 },
  { ".", 0 },
  { "..", 0 },
  { ".a", 0 },
  { "a..", 0 },
  { "a..b", 0 },
  { "a b", 0 },
  { " a", 0 },
  { "a ", 0 },
  { "a\tb", 0 },
  { "a\nb", 0 },
  { "a\x7f", 0 },
  { "a\x80.b", 0 },
  { "\xc3\xa9t\xc3\xa9.fr", 0 },
};

struct buildcase
{
  char const *ip;
  char const *base;
  char const *want;   /* 0: build fails */
};

static struct buildcase const builds[] =
{
  { "1.2.3.4", "zen.spamhaus.org", "4.3.2.1.zen.spamhaus.org" },
  { "1.2.3.4", "zen.spamhaus.org.", "4.3.2.1.zen.spamhaus.org" },
  { "127.0.0.2", "test.dnsbl", "2.0.0.127.test.dnsbl" },
  { "0.0.0.0", "x", "0.0.0.0.x" },
  { "255.255.255.255", "x.y", "255.255.255.255.x.y" },
  { "10.20.100.9", "l", "9.100.20.10.l" },
  { "::ffff:1.2.3.4", "zen.spamhaus.org", "4.3.2.1.zen.spamhaus.org" },
  { "::ffff:7f00:2", "d", "2.0.0.127.d" },
  { "2001:db8:1:2:3:4:567:89ab", "ip6.example",
    "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.example" },
  { "2001:DB8::ABCD", "z.",
    "d.c.b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.z" },
  { "::1", "z",
    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.z" },
  { "::", "z",
    "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.z" },
  { "::1.2.3.4", "z",
    "4.0.3.0.2.0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.z" },
  { "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "z",
    "e.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.z" },
  { "1.2.3.4", "", 0 },
  { "1.2.3.4", ".", 0 },
  { "1.2.3.4", "a..b", 0 },
  { "1.2.3.4", "a b", 0 },
  { "::1", "a..", 0 },
};

int main (void)
{
  char name[400];

  for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++)
  {
    snprintf(name, sizeof name, "checkbase case %zu %s", i, bases[i].ok ? "valid" : "invalid");
    CHECK(revname_checkbase(bases[i].base) == bases[i].ok, name);
  }

  /* label and name length limits */
  CHECK(revname_checkbase(repeat('a', 63)), "checkbase: 63-byte label valid");
  CHECK(!revname_checkbase(repeat('a', 64)), "checkbase: 64-byte label invalid");
  {
    char b[400];
    snprintf(b, sizeof b, "x.%s.y", repeat('q', 63));
    CHECK(revname_checkbase(b), "checkbase: inner 63-byte label valid");
    snprintf(b, sizeof b, "x.%s.y", repeat('q', 64));
    CHECK(!revname_checkbase(b), "checkbase: inner 64-byte label invalid");
    snprintf(b, sizeof b, "%s.", repeat('q', 64));
    CHECK(!revname_checkbase(b), "checkbase: 64-byte label with trailing dot invalid");
  }
  CHECK(strlen(mkname(253, 0)) == 253 && revname_checkbase(mkname(253, 0)), "checkbase: 253-byte name valid");
  CHECK(strlen(mkname(254, 0)) == 254 && !revname_checkbase(mkname(254, 0)), "checkbase: 254-byte name invalid");
  CHECK(revname_checkbase(mkname(252, 1)), "checkbase: 252 bytes plus trailing dot valid");
  CHECK(!revname_checkbase(mkname(253, 1)), "checkbase: 253 bytes plus trailing dot (254 bytes) invalid");
  CHECK(!revname_checkbase(mkname(300, 0)), "checkbase: 300-byte name invalid");

  for (size_t i = 0; i < sizeof builds / sizeof builds[0]; i++)
  {
    struct buildcase const *c = &builds[i];
    ipaddr a;
    char dst[REVNAME_MAX];
    size_t n;
    CHECK(ipaddr_scan(c->ip, strlen(c->ip), &a), "test address scans");
    n = revname_build(dst, sizeof dst, &a, c->base);
    snprintf(name, sizeof name, "build %s under \"%s\"", c->ip, c->base);
    if (c->want)
      CHECK(n == strlen(c->want) && !strcmp(dst, c->want), name);
    else
      CHECK(n == 0, name);
  }

  /* an IPv4-mapped address built by hand is still looked up as IPv4 */
  {
    ipaddr m = { .is6 = 1, .ip = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1 } };
    char dst[REVNAME_MAX];
    size_t n = revname_build(dst, sizeof dst, &m, "bl");
    CHECK(n && !strcmp(dst, "1.2.0.192.bl"), "hand-built mapped IPv6 reversed as IPv4");
  }

  /* the 253-byte limit on the whole name, IPv4 prefix "4.3.2.1." is 8 bytes */
  {
    ipaddr a;
    char dst[REVNAME_MAX];
    size_t n;
    ipaddr_scan("1.2.3.4", 7, &a);
    n = revname_build(dst, sizeof dst, &a, mkname(245, 0));
    CHECK(n == 253 && strlen(dst) == 253, "IPv4: 253-byte result built");
    CHECK(!memcmp(dst, "4.3.2.1.", 8) && !strcmp(dst + 8, mkname(245, 0)), "IPv4: 253-byte result content");
    CHECK(revname_build(dst, sizeof dst, &a, mkname(245, 1)) == 253, "IPv4: 253-byte result, base with trailing dot");
    CHECK(!revname_build(dst, sizeof dst, &a, mkname(246, 0)), "IPv4: 254-byte result refused");
    ipaddr_scan("2001:db8::1", 11, &a);
    n = revname_build(dst, sizeof dst, &a, mkname(189, 0));
    CHECK(n == 253 && strlen(dst) == 253, "IPv6: 253-byte result built");
    CHECK(!revname_build(dst, sizeof dst, &a, mkname(190, 0)), "IPv6: 254-byte result refused");
    n = revname_build(dst, sizeof dst, &a, repeat('m', 63));
    CHECK(n == 64 + 63, "IPv6 under a 63-byte label");
    CHECK(!revname_build(dst, sizeof dst, &a, repeat('m', 64)), "IPv6 under a 64-byte label refused");
  }

  /* small buffers: never a byte written at or past max, NUL-terminated when it fits */
  {
    static char const *const ips[] = { "1.2.3.4", "255.255.255.255", "2001:db8::1" };
    unsigned bad = 0, badfit = 0;
    for (size_t k = 0; k < sizeof ips / sizeof ips[0]; k++)
    {
      ipaddr a;
      char full[REVNAME_MAX];
      size_t want;
      ipaddr_scan(ips[k], strlen(ips[k]), &a);
      want = revname_build(full, sizeof full, &a, "list.example.");
      CHECK(want > 0, "reference build succeeds");
      for (size_t max = 0; max <= want + 3; max++)
      {
        char *dst = malloc(max ? max : 1);   /* exact size: ASan sees any overflow */
        size_t n = revname_build(dst, max, &a, "list.example.");
        if (max <= want ? n != 0 : n != want || dst[n] || memcmp(dst, full, n + 1)) badfit++;
        free(dst);
      }
      {
        char guard[REVNAME_MAX + 8];
        for (size_t max = 0; max <= REVNAME_MAX; max++)
        {
          memset(guard, '#', sizeof guard);
          revname_build(guard, max, &a, "list.example.");
          for (size_t j = max; j < sizeof guard; j++) if (guard[j] != '#') { bad++; break; }
        }
      }
    }
    CHECK(!badfit, "build fails when the name and NUL do not fit in max, succeeds from max = len + 1");
    CHECK(!bad, "build never writes at or past max");
  }

  /* a base that is too long alone fails even with a huge buffer */
  {
    ipaddr a;
    char dst[1000];
    ipaddr_scan("1.2.3.4", 7, &a);
    CHECK(!revname_build(dst, sizeof dst, &a, mkname(254, 0)), "254-byte base refused");
  }

  CHECK_DONE();
}
