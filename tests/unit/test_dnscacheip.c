/* test_dnscacheip: $DNSCACHEIP forms, separators, ports, limits, and the c-ares CSV. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ipaddr.h"
#include "dnscacheip.h"
#include "check.h"

struct pcase
{
  char const *in;
  unsigned n;                       /* 0: rejected */
  char const *addr[4];
  unsigned port[4];
};

static struct pcase const cases[] =
{
  { "127.0.0.1", 1, { "127.0.0.1" }, { 53 } },
  { "127.0.0.1.127.0.0.2", 2, { "127.0.0.1", "127.0.0.2" }, { 53, 53 } },
  { "1.2.3.4.5.6.7.8.9.10.11.12", 3, { "1.2.3.4", "5.6.7.8", "9.10.11.12" }, { 53, 53, 53 } },
  { "127.0.0.1:5353", 1, { "127.0.0.1" }, { 5353 } },
  { "127.0.0.1:1", 1, { "127.0.0.1" }, { 1 } },
  { "1.2.3.4:65535", 1, { "1.2.3.4" }, { 65535 } },
  { "::1", 1, { "::1" }, { 53 } },
  { "2001:db8::53", 1, { "2001:db8::53" }, { 53 } },
  { "::1:53", 1, { "::1:53" }, { 53 } },   /* bare IPv6: the colon is part of the address */
  { "[::1]", 1, { "::1" }, { 53 } },
  { "[::1]:5353", 1, { "::1" }, { 5353 } },
  { "[2001:db8::1]:65535", 1, { "2001:db8::1" }, { 65535 } },
  { "::ffff:127.0.0.1", 1, { "127.0.0.1" }, { 53 } },
  { "[::ffff:127.0.0.1]:5300", 1, { "127.0.0.1" }, { 5300 } },
  { "127.0.0.1,::1", 2, { "127.0.0.1", "::1" }, { 53, 53 } },
  { "127.0.0.1 ::1", 2, { "127.0.0.1", "::1" }, { 53, 53 } },
  { "127.0.0.1\t[::1]:54", 2, { "127.0.0.1", "::1" }, { 53, 54 } },
  { "  127.0.0.1 ,, ::1 ,\t[::2]:54  ", 3, { "127.0.0.1", "::1", "::2" }, { 53, 53, 54 } },
  { ",127.0.0.1.127.0.0.2,10.0.0.1:99,", 3, { "127.0.0.1", "127.0.0.2", "10.0.0.1" }, { 53, 53, 99 } },
  { "127.0.0.1,127.0.0.1", 2, { "127.0.0.1", "127.0.0.1" }, { 53, 53 } },
  { "", 0, { 0 }, { 0 } },
  { " ", 0, { 0 }, { 0 } },
  { ",,, \t", 0, { 0 }, { 0 } },
  { "127.0.0.1:0", 0, { 0 }, { 0 } },
  { "127.0.0.1:65536", 0, { 0 }, { 0 } },
  { "127.0.0.1:99999", 0, { 0 }, { 0 } },
  { "127.0.0.1:123456", 0, { 0 }, { 0 } },
  { "127.0.0.1:", 0, { 0 }, { 0 } },
  { "127.0.0.1:053", 0, { 0 }, { 0 } },
  { "127.0.0.1:+53", 0, { 0 }, { 0 } },
  { "127.0.0.1:-1", 0, { 0 }, { 0 } },
  { "127.0.0.1:5x", 0, { 0 }, { 0 } },
  { "127.0.0.1:5 3", 0, { 0 }, { 0 } },
  { "[::1]:", 0, { 0 }, { 0 } },
  { "[::1]:0", 0, { 0 }, { 0 } },
  { "[::1]:65536", 0, { 0 }, { 0 } },
  { "[::1]53", 0, { 0 }, { 0 } },
  { "[::1]x", 0, { 0 }, { 0 } },
  { "[::1]::53", 0, { 0 }, { 0 } },
  { "[::1", 0, { 0 }, { 0 } },
  { "::1]", 0, { 0 }, { 0 } },
  { "[[::1]]", 0, { 0 }, { 0 } },
  { "[]", 0, { 0 }, { 0 } },
  { "[]:53", 0, { 0 }, { 0 } },
  { "[1.2.3.4]", 0, { 0 }, { 0 } },
  { "[1.2.3.4]:53", 0, { 0 }, { 0 } },
  { "[fe80::1%eth0]:53", 0, { 0 }, { 0 } },
  { "fe80::1%eth0", 0, { 0 }, { 0 } },
  { "1.2.3", 0, { 0 }, { 0 } },
  { "1.2.3.4.5", 0, { 0 }, { 0 } },
  { "1.2.3.4.5.6.7", 0, { 0 }, { 0 } },
  { "1.2.3.4.", 0, { 0 }, { 0 } },
  { ".1.2.3.4", 0, { 0 }, { 0 } },
  { "1.2.3.4..5.6.7.8", 0, { 0 }, { 0 } },
  { "01.2.3.4", 0, { 0 }, { 0 } },
  { "127.0.0.1.127.0.0.256", 0, { 0 }, { 0 } },
  { "256.0.0.1", 0, { 0 }, { 0 } },
  { "1.2.3.4.5.6.7.8:53", 0, { 0 }, { 0 } },
  { "1.2.3.4:53:53", 0, { 0 }, { 0 } },
  { "localhost", 0, { 0 }, { 0 } },
  { "garbage", 0, { 0 }, { 0 } },
  { "127.0.0.1;127.0.0.2", 0, { 0 }, { 0 } },
  { "127.0.0.1\n", 0, { 0 }, { 0 } },
  { "127.0.0.1, x", 0, { 0 }, { 0 } },
  { "::1,:::", 0, { 0 }, { 0 } },
  { "1::2::3", 0, { 0 }, { 0 } },
};

static int sameserver (dnsserver const *s, char const *addr, unsigned port)
{
  ipaddr a;
  return ipaddr_scan(addr, strlen(addr), &a) && s->port == port
    && s->addr.is6 == a.is6 && !memcmp(s->addr.ip, a.ip, 16);
}

static int samelist (dnsserver const *x, unsigned nx, dnsserver const *y, unsigned ny)
{
  if (nx != ny) return 0;
  for (unsigned i = 0; i < nx; i++)
    if (x[i].port != y[i].port || x[i].addr.is6 != y[i].addr.is6 || memcmp(x[i].addr.ip, y[i].addr.ip, 16))
      return 0;
  return 1;
}

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

int main (void)
{
  char name[300];

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
  {
    struct pcase const *c = &cases[i];
    dnsserver *out = malloc(DNSCACHEIP_MAX * sizeof *out);   /* heap: ASan sees overflow */
    unsigned n = dnscacheip_parse(c->in, out, DNSCACHEIP_MAX);
    int same = n == c->n;
    for (unsigned k = 0; same && k < n; k++) same = sameserver(&out[k], c->addr[k], c->port[k]);
    snprintf(name, sizeof name, "parse \"%s\" -> %u server(s)", show(c->in), c->n);
    CHECK(same, name);
    if (n)
    {
      char csv[DNSCACHEIP_CSVMAX];
      dnsserver back[DNSCACHEIP_MAX];
      size_t len = dnscacheip_csv(csv, sizeof csv, out, n);
      snprintf(name, sizeof name, "csv of \"%s\" parses back to the same servers", show(c->in));
      CHECK(len && strlen(csv) == len && samelist(out, n, back, dnscacheip_parse(csv, back, DNSCACHEIP_MAX)), name);
    }
    free(out);
  }

  /* the limit on the number of servers */
  {
    char s[2000];
    size_t w = 0;
    dnsserver out[DNSCACHEIP_MAX + 1];
    for (unsigned i = 0; i < DNSCACHEIP_MAX; i++)
      w += (size_t)snprintf(s + w, sizeof s - w, "%s127.0.0.%u", i ? "," : "", i + 1);
    CHECK(dnscacheip_parse(s, out, DNSCACHEIP_MAX) == DNSCACHEIP_MAX, "DNSCACHEIP_MAX servers accepted");
    CHECK(sameserver(&out[DNSCACHEIP_MAX - 1], "127.0.0.16", 53), "last of DNSCACHEIP_MAX servers stored");
    snprintf(s + w, sizeof s - w, ",127.0.0.99");
    CHECK(dnscacheip_parse(s, out, DNSCACHEIP_MAX) == 0, "DNSCACHEIP_MAX + 1 servers refused");

    w = 0;
    for (unsigned i = 0; i <= DNSCACHEIP_MAX; i++)
      w += (size_t)snprintf(s + w, sizeof s - w, "%s10.0.0.%u", i ? "." : "", i + 1);
    CHECK(dnscacheip_parse(s, out, DNSCACHEIP_MAX) == 0, "DNSCACHEIP_MAX + 1 servers in djb's dotted form refused");
    CHECK(dnscacheip_parse(s, out, DNSCACHEIP_MAX + 1) == DNSCACHEIP_MAX + 1, "same list fits a larger max");
  }
  {
    dnsserver *one = malloc(sizeof *one);
    dnsserver two[2];
    CHECK(dnscacheip_parse("1.2.3.4", one, 1) == 1, "max 1: one server");
    CHECK(dnscacheip_parse("1.2.3.4,5.6.7.8", one, 1) == 0, "max 1: two servers refused (and no overflow)");
    CHECK(dnscacheip_parse("1.2.3.4.5.6.7.8", one, 1) == 0, "max 1: two dotted servers refused");
    CHECK(dnscacheip_parse("1.2.3.4", one, 0) == 0, "max 0: nothing fits");
    CHECK(dnscacheip_parse("1.2.3.4,[::1]:5", two, 2) == 2 && sameserver(&two[1], "::1", 5), "max 2: two servers");
    free(one);
  }

  /* csv */
  {
    dnsserver s[3];
    char dst[DNSCACHEIP_CSVMAX];
    size_t n;
    ipaddr_scan("127.0.0.1", 9, &s[0].addr); s[0].port = 53;
    ipaddr_scan("::1", 3, &s[1].addr); s[1].port = 5300;
    ipaddr_scan("2001:db8::a:b", 13, &s[2].addr); s[2].port = 65535;
    n = dnscacheip_csv(dst, sizeof dst, s, 1);
    CHECK(n == 12 && !strcmp(dst, "127.0.0.1:53"), "csv: one IPv4 server");
    n = dnscacheip_csv(dst, sizeof dst, s, 3);
    CHECK(n == strlen(dst) && !strcmp(dst, "127.0.0.1:53,[::1]:5300,[2001:db8::a:b]:65535"), "csv: IPv4 and bracketed IPv6 with ports");
    memset(dst, '#', sizeof dst);
    CHECK(dnscacheip_csv(dst, sizeof dst, s, 0) == 0 && dst[0] == 0, "csv: no servers gives the empty string");

    {
      static char const want[] = "127.0.0.1:53,[::1]:5300,[2001:db8::a:b]:65535";
      size_t wl = sizeof want - 1;
      unsigned bad = 0;
      for (size_t max = 0; max <= wl + 2; max++)
      {
        char *d = malloc(max ? max : 1);   /* exact size: ASan sees any overflow */
        size_t r = dnscacheip_csv(d, max, s, 3);
        if (max <= wl ? r != 0 : r != wl || strcmp(d, want)) bad++;
        free(d);
      }
      CHECK(!bad, "csv: 0 when the text and NUL do not fit, full text from max = len + 1");
    }
  }

  /* the largest list fits DNSCACHEIP_CSVMAX */
  {
    dnsserver s[DNSCACHEIP_MAX];
    dnsserver back[DNSCACHEIP_MAX];
    char dst[DNSCACHEIP_CSVMAX];
    size_t n;
    for (unsigned i = 0; i < DNSCACHEIP_MAX; i++)
    {
      ipaddr_scan("ffff:eeee:dddd:cccc:bbbb:aaaa:9999:8888", 39, &s[i].addr);
      s[i].port = 65535;
    }
    n = dnscacheip_csv(dst, sizeof dst, s, DNSCACHEIP_MAX);
    CHECK(n == DNSCACHEIP_MAX * 48 - 1, "csv: DNSCACHEIP_MAX long IPv6 servers fit DNSCACHEIP_CSVMAX");
    CHECK(dnscacheip_parse(dst, back, DNSCACHEIP_MAX) == DNSCACHEIP_MAX && samelist(s, DNSCACHEIP_MAX, back, DNSCACHEIP_MAX), "csv: long list parses back");
  }

  CHECK_DONE();
}
