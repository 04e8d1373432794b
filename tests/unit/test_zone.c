/* test_zone: rblserve's zone table and answers, on small datasets loaded with dataset_load. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>
#include "check.h"
#include "dataset.h"
#include "dnsquery.h"
#include "dnswire.h"
#include "zone.h"

static char dir[64];
static zone_table t;
static unsigned char pkt[DNSQUERY_TCP_MAX];
static uint8_t peer[4] = { 127, 0, 0, 1 };

static void put (char const *name, char const *text)
{
  char path[128];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "w");
  if (!f || fputs(text, f) < 0 || fclose(f)) { perror(path); exit(1); }
}

static int add (zone_table *zt, char const *fmt)
{
  static char specs[64][256];
  static unsigned n;
  char const *why;
  snprintf(specs[n], sizeof specs[n], fmt, dir, dir);
  return zone_table_add(zt, specs[n++], &why);
}

static void warn (void *ctx, char const *file, unsigned long line, char const *what)
{
  (void)ctx;
  printf("# %s:%lu: %s\n", file, line, what);
}

static int loadall (zone_table *zt)
{
  dsload_opts o = { .defttl = 2100 };
  unsigned bad = 0;
  for (unsigned i = 0; i < zt->nslots; i++)
  {
    char const *why = 0;
    if (zt->s[i].d) continue;
    zt->s[i].d = dataset_load(zt->s[i].type, zt->s[i].files, zt->s[i].nfiles, &o, &warn, 0, &why);
    if (!zt->s[i].d) { printf("# %s: %s\n", zt->s[i].files[0], why ? why : "?"); bad++; }
  }
  zone_refresh(zt);
  return !bad;
}

/* sends a query through zone_answer; returns the answer length, the answer in ans */
static size_t ask (char const *name, unsigned type, unsigned cls, int tcp, int edns, dnswire_answer *ans)
{
  size_t w = 12, n;
  memset(pkt, 0, 12);
  pkt[0] = 0x12; pkt[1] = 0x34; pkt[2] = 1; pkt[5] = 1;
  w += dnswire_name_fromtext(pkt + w, 255, name, strlen(name));
  pkt[w++] = (unsigned char)(type >> 8); pkt[w++] = (unsigned char)type;
  pkt[w++] = (unsigned char)(cls >> 8); pkt[w++] = (unsigned char)cls;
  if (edns)
  {
    pkt[11] = 1;
    pkt[w++] = 0; pkt[w++] = 0; pkt[w++] = 41; pkt[w++] = (unsigned char)(edns >> 8); pkt[w++] = (unsigned char)edns;
    memset(pkt + w, 0, 6); w += 6;
  }
  n = zone_answer(&t, pkt, w, tcp ? sizeof pkt : DNSQUERY_EDNS_MAX, tcp, peer, 0);
  if (n && ans && !dnswire_parse_answer(pkt, n, ans)) { printf("# unreadable answer for %s\n", name); return 0; }
  return n;
}

static unsigned count (unsigned section) { return (unsigned)pkt[6 + 2 * section] << 8 | pkt[7 + 2 * section]; }

static void test_table (void)
{
  zone_table zt;
  char s1[] = "bl.test:ip4set:a,b:c", s2[] = "bl.test:ip4set", s3[] = "bl.test:nosuchtype:f", s4[] = ":ip4set:f";
  char s5[] = "other.test:ip4set:a,b:c", s6[] = ":acl:x", s7[] = ":acl:y", s8[] = "Other.Test.:acl:x", s9[] = "other.test:acl:x";
  char s10[] = "acl.only:acl:x", s11[] = "bl.test:ip4set:";
  char const *why;
  unsigned which;
  zone_table_init(&zt);
  CHECK(zone_table_add(&zt, s1, &why), "zone:type:files accepted");
  CHECK(zt.nzones == 1 && zt.nslots == 1 && zt.s[0].nfiles == 3, "files split on ',' and ':'");
  CHECK(!strcmp(zt.s[0].files[2], "c") && !strcmp(zt.s[0].type, "ip4set"), "type and files kept");
  CHECK(!zone_table_add(&zt, s2, &why), "missing files refused");
  CHECK(!zone_table_add(&zt, s3, &why), "unknown type refused");
  CHECK(!zone_table_add(&zt, s4, &why), "empty zone name only for an acl");
  CHECK(!zone_table_add(&zt, s11, &why), "empty file list refused");
  CHECK(zone_table_add(&zt, s5, &why) && zt.nzones == 2 && zt.nslots == 1, "the same dataset in two zones is loaded once");
  CHECK(zone_table_add(&zt, s6, &why) && zt.gacl == 1, "global acl");
  CHECK(!zone_table_add(&zt, s7, &why), "a second global acl refused");
  CHECK(zone_table_add(&zt, s8, &why) && zt.z[1].acl == 1 && zt.nzones == 2, "zone acl; zone names case-insensitive, trailing dot");
  CHECK(!zone_table_add(&zt, s9, &why), "a second acl for one zone refused");
  CHECK(zone_table_check(&zt, &why, &which), "every zone has data");
  CHECK(zone_table_add(&zt, s10, &why) && !zone_table_check(&zt, &why, &which) && which == 2, "a zone with only an acl refused");
}

static void test_time (void)
{
  uint32_t v = 0;
  CHECK(zone_scan_time("35m", &v) == 3 && v == 2100, "35m");
  CHECK(zone_scan_time("2w", &v) == 2 && v == 1209600, "2w");
  CHECK(zone_scan_time("30", &v) == 2 && v == 30, "plain seconds");
  CHECK(zone_scan_time("1h:", &v) == 2 && v == 3600, "stops at what follows");
  CHECK(!zone_scan_time("x", &v), "no digits");
  CHECK(!zone_scan_time("5000000000", &v), "overflow refused");
  CHECK(!zone_scan_time("100000w", &v), "overflow with a unit refused");
}

static void setup (void)
{
  put("ip4", "$SOA 3600 ns1.bl.test. hostmaster.bl.test. 42 1h 10m 1w 5m\n$NS 7200 ns1.bl.test ns2.elsewhere.test\n"
    ":127.0.0.2:Listed $ see http://bl.test/$\n127.0.0.2\n127.0.0.3 :3:\n10.0.0.0/8 :4:Range $\n");
  put("ip4b", "$TTL 300\n:127.0.0.10:Second list\n127.0.0.2\n127.0.0.4\n");
  put("sub", ":127.0.0.20:sub $\n127.0.0.2\n");
  put("ip6", ":127.0.0.6:v6 $\n2001:db8::/32\n");
  put("dn", "$SOA 60 ns.dbl.test. hm.dbl.test. 0 1h 10m 1w 30\n:127.0.1.2:name $\n.example.com\nspam.test\n");
  put("gen", "ns1 A 127.0.0.53\n@ TXT apex text\nwww A 127.0.0.1\n");
  put("comb", "$SOA 60 ns.c.test. hm.c.test. 1 1h 10m 1w 60\n$DATASET ip4set:traps traps @\n:5:combined $\n127.0.0.2\n"
    "$DATASET dnset:names names\n:127.0.1.5:\nfoo.test\n");
  put("big", ":127.0.0.5:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA $\n127.0.0.2\n");
  put("big2", ":127.0.0.6:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB $\n127.0.0.2\n");
  put("big3", ":127.0.0.7:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC $\n127.0.0.2\n");
  put("acl", "127.0.0.66 :refuse\n127.0.0.67 :empty\n127.0.0.68 :ignore\n127.0.0.69 :127.0.0.99:always $\n");
  zone_table_init(&t);
  CHECK(add(&t, "bl.test:ip4set:%s/ip4") && add(&t, "bl.test:ip4set:%s/ip4b") && add(&t, "bl.test:ip6trie:%s/ip6")
    && add(&t, "bl.test:generic:%s/gen") && add(&t, "bl.test:acl:%s/acl") && add(&t, "sub.bl.test:ip4set:%s/sub")
    && add(&t, "dbl.test:dnset:%s/dn") && add(&t, "c.test:combined:%s/comb")
    && add(&t, "big.test:ip4set:%s/big") && add(&t, "big.test:ip4set:%s/big2") && add(&t, "big.test:ip4set:%s/big3"),
    "zones for the answer tests");
  /* big enough for the indexed forms (ip4tset above its plain-array size,
     maps above 256 intervals, dnset with many blocks), with the address
     space's edges listed, for the batch test */
  {
    char path[128];
    FILE *f4, *ft, *fr, *fd;
    uint32_t x = 12345;
    snprintf(path, sizeof path, "%s/many4", dir); f4 = fopen(path, "w");
    snprintf(path, sizeof path, "%s/tset", dir); ft = fopen(path, "w");
    snprintf(path, sizeof path, "%s/trie", dir); fr = fopen(path, "w");
    snprintf(path, sizeof path, "%s/names", dir); fd = fopen(path, "w");
    if (!f4 || !ft || !fr || !fd) { perror("batch data"); exit(1); }
    fputs(":127.0.0.2:sbl $\n0.0.0.0\n255.255.255.255\n", f4);
    fputs(":127.0.0.4:xbl $\n0.0.0.1\n255.255.255.254\n", ft);
    fputs(":127.0.0.10:pbl $\n0.0.0.0/24\n255.255.255.0/24\n", fr);
    fputs(":127.0.1.2:dbl $\n", fd);
    for (unsigned i = 0; i < 140000; i++)
    {
      x = x * 1103515245u + 12345u;
      if (i < 600) fprintf(f4, "%u.%u.%u.%u\n", x >> 24, x >> 16 & 255, x >> 8 & 255, i & 255);
      if (i < 600) fprintf(fr, "%u.%u.%u.0/%u\n", x >> 24, x >> 16 & 255, (x >> 8 & 255) & ~15u, 20 + (i & 3) * 2);
      if (i < 3000) fprintf(fd, "%sd%u.t%u\n", i % 7 ? "" : "*.", i, i % 5);
      fprintf(ft, "%u.%u.%u.%u\n", i & 255, x >> 16 & 255, x >> 8 & 255, x >> 24);
    }
    if (fclose(f4) || fclose(ft) || fclose(fr) || fclose(fd)) { perror("batch data"); exit(1); }
  }
  /* serial 0: the newest mtime among the zone's datasets, as rbldnsd */
  put("s1", "$SOA 60 ns.s.test. hm.s.test. 0 1h 10m 1w 5m\n127.0.0.2\n");
  put("s2", "127.0.0.3\n");
  put("sacl", "127.0.0.66 :refuse\n");
  {
    static char const *const f[3] = { "s1", "s2", "sacl" };
    time_t const when[3] = { 1000000000, 1100000000, 1200000000 };
    for (unsigned i = 0; i < 3; i++)
    {
      char path[128];
      struct utimbuf u = { when[i], when[i] };
      snprintf(path, sizeof path, "%s/%s", dir, f[i]);
      if (utime(path, &u)) { perror(path); exit(1); }
    }
  }
  CHECK(add(&t, "s.test:ip4set:%s/s1") && add(&t, "s.test:ip4set:%s/s2") && add(&t, "s.test:acl:%s/sacl"), "zones for the serial test");
  CHECK(add(&t, "zen.test:ip4set:%s/many4") && add(&t, "zen.test:ip4tset:%s/tset") && add(&t, "zen.test:ip4trie:%s/trie")
    && add(&t, "dn.test:dnset:%s/names"), "zones for the batch test");
}

static void test_answers (void)
{
  dnswire_answer a;
  size_t n;

  n = ask("x.bl.test", 1, 1, 0, 0, &a);
  CHECK(n && a.rcode == DNSQUERY_RCODE_SERVFAIL, "SERVFAIL before the data is loaded");
  CHECK(loadall(&t), "datasets load");
  for (unsigned i = 0; i < t.nzones; i++)
    if (t.z[i].namelen == 8 && !memcmp(t.z[i].name, "\1s\4test", 8))
      CHECK(t.z[i].serial == 1100000000, "serial 0: the newest mtime of the zone's datasets, its acl aside");

  n = ask("2.0.0.127.bl.test", 1, 1, 0, 0, &a);
  CHECK(n && a.id == 0x1234 && a.rcode == 0 && a.na == 2, "listed in two datasets: two A records");
  CHECK(a.na == 2 && a.a[0][3] == 2 && a.a[1][3] == 10, "command-line order");
  CHECK(pkt[2] == 0x85 && pkt[3] == 0, "QR AA RD");
  CHECK(count(1) == 2, "NS records in the authority section");
  n = ask("2.0.0.127.bl.test", 16, 1, 0, 0, &a);
  CHECK(n && a.ntxt == 2, "two TXT records");
  CHECK(a.txtlen > 30 && !memcmp(a.txt, "Listed 127.0.0.2 see http://bl.test/127.0.0.2", 45), "$ is the address");
  n = ask("3.0.0.127.bl.test", 16, 1, 0, 0, &a);
  CHECK(n && a.rcode == 0 && !count(0) && count(1) == 1, "listed without TXT: NODATA with the SOA");
  n = ask("9.8.7.10.bl.test", 1, 1, 0, 0, &a);
  CHECK(n && a.na == 1 && a.a[0][3] == 4, "CIDR range");
  n = ask("1.0.0.127.bl.test", 1, 1, 0, 0, &a);
  CHECK(n && a.rcode == DNSQUERY_RCODE_NXDOMAIN && count(1) == 1 && !count(0), "unlisted: NXDOMAIN with the SOA");
  {
    size_t pos = 12, rd;
    uint16_t type, cls, rdlen;
    uint32_t ttl;
    dnswire_skipname(pkt, n, &pos);
    pos += 4;
    CHECK(dnswire_getrr(pkt, n, &pos, &type, &cls, &ttl, &rd, &rdlen) && type == 6 && ttl == 300, "negative SOA TTL is its minimum");
  }
  n = ask("bl.test", 6, 1, 0, 0, &a);
  CHECK(n && a.rcode == 0 && count(0) == 1 && count(1) == 2, "apex SOA, NS in authority");
  n = ask("bl.test", 2, 1, 0, 0, &a);
  CHECK(n && a.rcode == 0 && count(0) == 2 && count(1) == 2 && count(2) == 1, "apex NS, with glue for ns1.bl.test");
  n = ask("bl.test", 255, 1, 0, 0, &a);
  CHECK(n && a.rcode == 0 && count(0) == 4 && a.ntxt == 1, "apex ANY: SOA, NS and the generic TXT");
  n = ask("bl.test", 1, 1, 0, 0, &a);
  CHECK(n && a.rcode == 0 && !count(0) && count(1) == 1, "apex A: NODATA");
  n = ask("dbl.test", 2, 1, 0, 0, &a);
  CHECK(n && a.rcode == DNSQUERY_RCODE_REFUSED && !count(0) && !(pkt[2] & 4), "apex NS without $NS: REFUSED");
  n = ask("www.bl.test", 1, 1, 0, 0, &a);
  CHECK(n && a.na == 1 && a.a[0][3] == 1, "generic A");
  n = ask("2.0.0.127.bl.test", 255, 1, 0, 0, &a);
  CHECK(n && a.na == 2 && a.ntxt == 2, "ANY: A and TXT");
  n = ask("2.0.0.127.bl.test", 28, 1, 0, 0, &a);
  CHECK(n && a.rcode == 0 && !count(0) && count(1) == 1, "AAAA of a listed name: NODATA");
  n = ask("2.0.0.127.sub.bl.test", 1, 1, 0, 0, &a);
  CHECK(n && a.na == 1 && a.a[0][3] == 20, "longest zone wins");
  n = ask("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.test", 16, 1, 0, 0, &a);
  CHECK(n && a.ntxt == 1 && a.txtlen == 14 && !memcmp(a.txt, "v6 2001:db8::1", 14), "IPv6 nibbles, $ in rbldnsd's form");
  n = ask("a.b.example.com.dbl.test", 1, 1, 0, 0, &a);
  CHECK(n && a.na == 1 && a.a[0][2] == 1, "dnset wildcard");
  n = ask("example.org.dbl.test", 1, 1, 0, 0, &a);
  CHECK(n && a.rcode == DNSQUERY_RCODE_NXDOMAIN, "dnset unlisted");
  n = ask("2.0.0.127.traps.c.test", 1, 1, 0, 0, &a);
  CHECK(n && a.na == 1 && a.a[0][3] == 5, "combined subzone");
  n = ask("2.0.0.127.c.test", 1, 1, 0, 0, &a);
  CHECK(n && a.na == 1 && a.a[0][3] == 5, "combined @");
  n = ask("foo.test.names.c.test", 1, 1, 0, 0, &a);
  CHECK(n && a.na == 1 && a.a[0][2] == 1 && a.a[0][3] == 5, "combined dnset subzone");
  n = ask("traps.c.test", 1, 1, 0, 0, &a);
  CHECK(n && a.rcode == 0 && !count(0), "a subzone's apex exists");
  n = ask("2.0.0.127.example.org", 1, 1, 0, 0, &a);
  CHECK(n && a.rcode == DNSQUERY_RCODE_REFUSED && !(pkt[2] & 4), "outside our zones: REFUSED");
  n = ask("2.0.0.127.bl.test", 252, 1, 0, 0, &a);
  CHECK(n && a.rcode == DNSQUERY_RCODE_NOTIMP, "AXFR: NOTIMP");
  n = ask("version.bind", 16, 3, 0, 0, &a);
  CHECK(n && a.rcode == 0 && a.ntxt == 0 && count(0) == 1, "version.bind CH TXT answered");
  t.versionmode = 2;
  n = ask("version.bind", 16, 3, 0, 0, &a);
  CHECK(n && a.rcode == DNSQUERY_RCODE_REFUSED, "version.bind refused with -vv");
  n = ask("2.0.0.127.bl.test", 1, 4, 0, 0, &a);
  CHECK(n && a.rcode == DNSQUERY_RCODE_REFUSED, "class HS: REFUSED");
  n = ask("2.0.0.127.bl.test", 1, 255, 0, 0, &a);
  CHECK(n && a.na == 2 && !(pkt[2] & 4), "class ANY answered, not authoritative");
  pkt[2] = 0x10;   /* opcode STATUS */
  n = zone_answer(&t, pkt, 12 + 19 + 4, DNSQUERY_EDNS_MAX, 0, peer, 0);
  CHECK(n && pkt[2] == 0x80 && (pkt[3] & 15) == DNSQUERY_RCODE_NOTIMP, "other opcodes: NOTIMP");

  t.lazy = 1;
  n = ask("2.0.0.127.bl.test", 1, 1, 0, 0, &a);
  CHECK(n && a.na == 2 && !count(1), "-a: no NS in authority");
  t.lazy = 0;

  /* three 200-byte TXT records */
  n = ask("2.0.0.127.big.test", 16, 1, 0, 0, &a);
  CHECK(n && n <= 512 && a.tc && (pkt[2] & 2) && a.ntxt < 3, "over 512 bytes: TC");
  n = ask("2.0.0.127.big.test", 16, 1, 1, 0, &a);
  CHECK(n > 512 && !a.tc && a.ntxt == 3, "over TCP: complete");
  n = ask("2.0.0.127.big.test", 16, 1, 0, 1232, &a);
  CHECK(n > 512 && n <= 1232 && !a.tc && a.ntxt == 3 && count(2) == 1, "EDNS0 1232: complete, with an OPT");

  peer[3] = 66;
  n = ask("2.0.0.127.bl.test", 1, 1, 0, 0, &a);
  CHECK(n && a.rcode == DNSQUERY_RCODE_REFUSED, "acl refuse");
  peer[3] = 68;
  CHECK(!ask("2.0.0.127.bl.test", 1, 1, 0, 0, &a), "acl ignore: no answer");
  peer[3] = 67;
  n = ask("2.0.0.127.bl.test", 1, 1, 0, 0, &a);
  CHECK(n && a.rcode == DNSQUERY_RCODE_NXDOMAIN, "acl empty: nothing listed");
  n = ask("www.bl.test", 1, 1, 0, 0, &a);
  CHECK(n && a.rcode == 0 && !count(0), "acl empty: generic names exist, without records");
  peer[3] = 69;
  n = ask("1.0.0.127.bl.test", 16, 1, 0, 0, &a);
  CHECK(n && a.ntxt == 1 && a.txtlen == 17 && !memcmp(a.txt, "always 127.0.0.69", 17), "acl always listed, $ is the client");
  n = ask("1.0.0.127.sub.bl.test", 1, 1, 0, 0, &a);
  CHECK(n && a.rcode == DNSQUERY_RCODE_NXDOMAIN, "a zone acl does not reach other zones");
  peer[3] = 1;
}

/* a query packet into p; its length */
static size_t mkquery (unsigned char *p, char const *name, unsigned type, unsigned cls, unsigned id)
{
  size_t w = 12;
  memset(p, 0, 12);
  p[0] = (unsigned char)(id >> 8); p[1] = (unsigned char)id; p[2] = 1; p[5] = 1;
  w += dnswire_name_fromtext(p + w, 255, name, strlen(name));
  p[w++] = (unsigned char)(type >> 8); p[w++] = (unsigned char)type;
  p[w++] = (unsigned char)(cls >> 8); p[w++] = (unsigned char)cls;
  return w;
}

/* zone_query_start on a whole batch, then zone_query_fetch, then the
   answers: byte for byte what zone_answer gives for each alone */
static void test_batch (void)
{
  static char const *const fixed[] = {
    "2.0.0.127.bl.test", "1.0.0.127.bl.test", "bl.test", "x.bl.test", "www.bl.test", "a.b.example.com.dbl.test",
    "example.org.dbl.test", "2.0.0.127.traps.c.test", "foo.test.names.c.test", "2.0.0.127.example.org",
    "version.bind", "2.0.0.127.big.test", "0.0.0.0.zen.test", "255.255.255.255.zen.test", "1.0.0.0.zen.test",
    "254.255.255.255.zen.test", "7.0.0.0.zen.test", "9.255.255.255.zen.test", "zen.test", "a.b.c.d.zen.test",
    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.test", "d7.t2.dn.test", "x.d7.t2.dn.test",
    "d8.t3.dn.test", "nope.t3.dn.test", "t0.dn.test", "dn.test", "zz.zz.zz.zz.zz.zz.zz.zz.zz.zz.dn.test",
    "1.0.0.127.sub.bl.test", "256.1.1.1.zen.test", "001.0.0.127.bl.test",
  };
  static unsigned char one[64][DNSQUERY_EDNS_MAX], many[64][DNSQUERY_EDNS_MAX];
  static zone_query zq[64];
  unsigned rot[ZONE_MAX];
  size_t len[64], out[64], diff = 0, answered = 0, total = 0;
  uint32_t x = 777;
  for (unsigned round = 0; round < 12; round++)
  {
    unsigned n = round == 11 ? 1 : 20 + round * 4;
    for (unsigned i = 0; i < n; i++)
    {
      char name[300];
      unsigned type = (i % 5 == 4) ? 16 : (i % 11 == 10) ? 255 : (i % 17 == 16) ? 252 : 1, cls = i % 13 == 12 ? 3 : 1;
      unsigned k = round * 64 + i;
      x = x * 1103515245u + 12345u;
      if (k < sizeof fixed / sizeof *fixed) snprintf(name, sizeof name, "%s", fixed[k]);
      else if (i & 1) snprintf(name, sizeof name, "%u.%u.%u.%u.zen.test", x >> 24, x >> 8 & 255, x >> 16 & 255, i & 255);
      else snprintf(name, sizeof name, "%sd%u.t%u.dn.test", i % 3 ? "" : "w.", x % 3500, x % 3500 % 5);
      len[i] = mkquery(one[i], name, type, cls, k);
      if (i == 3) len[i] -= 3;       /* cut short: dropped */
      if (i == 5) one[i][2] = 0x10;  /* opcode STATUS */
      memcpy(many[i], one[i], len[i]);
    }
    /* NS records rotate from one answer to the next: both passes start
       from the same turn */
    for (unsigned z = 0; z < t.nzones; z++) rot[z] = t.z[z].nsrot;
    for (unsigned i = 0; i < n; i++)
    {
      out[i] = zone_answer(&t, one[i], len[i], sizeof one[i], 0, peer, 0);
      answered += out[i] != 0;
    }
    for (unsigned z = 0; z < t.nzones; z++) t.z[z].nsrot = rot[z];
    for (unsigned i = 0; i < n; i++) zone_query_start(&t, &zq[i], many[i], len[i]);
    for (unsigned i = 0; i < n; i++) zone_query_fetch(&t, &zq[i]);
    for (unsigned i = 0; i < n; i++)
    {
      size_t m = zone_query_answer(&t, &zq[i], many[i], len[i], sizeof many[i], 0, peer, 0);
      if (m != out[i] || memcmp(many[i], one[i], m)) { diff++; printf("# round %u query %u differs\n", round, i); }
    }
    total += n;
  }
  CHECK(!diff, "a batch answered in steps gives zone_answer's bytes");
  CHECK(answered > total * 3 / 4 && answered < total, "the batches held answered and dropped queries");
  {
    unsigned char p[DNSQUERY_EDNS_MAX];
    dnswire_answer a;
    size_t n = mkquery(p, "0.0.0.0.zen.test", 1, 1, 1);
    n = zone_answer(&t, p, n, sizeof p, 0, peer, 0);
    CHECK(n && dnswire_parse_answer(p, n, &a) && a.na == 2, "the lowest address: listed in sbl and pbl");
    n = mkquery(p, "254.255.255.255.zen.test", 1, 1, 1);
    n = zone_answer(&t, p, n, sizeof p, 0, peer, 0);
    CHECK(n && dnswire_parse_answer(p, n, &a) && a.na == 2 && a.a[0][3] == 4, "next to the highest: xbl and pbl");
  }
}

int main (void)
{
  snprintf(dir, sizeof dir, "%s/testzone.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
  test_table();
  test_time();
  setup();
  test_answers();
  test_batch();
  for (unsigned i = 0; i < t.nslots; i++) dataset_free(t.s[i].d);
  {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) return 1;
  }
  CHECK_DONE();
}
