/* fuzz_dnsquery: one hostile packet in, the answer built against a small fixed zone table; invariants checked. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dataset.h"
#include "dnsquery.h"
#include "dnswire.h"
#include "zone.h"

static zone_table table;
static char dir[64];

static void put (char const *name, char const *text)
{
  char path[128];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  if (!(f = fopen(path, "w")) || fputs(text, f) < 0 || fclose(f)) abort();
}

static void add (char const *spec)
{
  static char specs[16][256];
  static unsigned n;
  char const *why;
  snprintf(specs[n], sizeof specs[n], spec, dir, dir);
  if (!zone_table_add(&table, specs[n++], &why)) { fprintf(stderr, "%s: %s\n", spec, why); abort(); }
}

static void warn (void *ctx, char const *file, unsigned long line, char const *what)
{
  (void)ctx; (void)file; (void)line; (void)what;
}

int LLVMFuzzerInitialize (int *argc, char ***argv)
{
  dsload_opts o = { .defttl = 2100 };
  (void)argc; (void)argv;
  snprintf(dir, sizeof dir, "%s/fuzzdnsq.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!mkdtemp(dir)) abort();
  put("ip4", "$SOA 3600 ns1.bl.test. hm.bl.test. 0 1h 10m 1w 5m\n$NS 7200 ns1.bl.test ns2.elsewhere.test\n"
    ":127.0.0.2:Listed $, see http://bl.test/$\n127.0.0.2\n10.0.0.0/8 :3:Range $\n");
  put("ip6", ":127.0.0.4:v6 $\n2001:db8::/32\n");
  put("dn", ":127.0.1.2:name $\n.example.com\nspam.test\n");
  put("gen", "ns1 A 127.0.0.53\n@ TXT apex text\nwww A 127.0.0.1\n");
  put("comb", "$SOA 60 ns.c.test. hm.c.test. 1 1h 10m 1w 60\n$DATASET ip4set sub @\n:5:combined $\n127.0.0.2\n$DATASET dnset names\nfoo.test\n");
  put("acl", "127.0.0.66 :refuse\n127.0.0.67 :empty\n127.0.0.68 :ignore\n127.0.0.69 :127.0.0.99:always $\n");
  zone_table_init(&table);
  add("bl.test:ip4set:%s/ip4");
  add("bl.test:ip6trie:%s/ip6");
  add("bl.test:generic:%s/gen");
  add("dbl.test:dnset:%s/dn");
  add("c.test:combined:%s/comb");
  add("bl.test:acl:%s/acl");
  for (unsigned i = 0; i < table.nslots; i++)
  {
    char const *why;
    table.s[i].d = dataset_load(table.s[i].type, table.s[i].files, table.s[i].nfiles, &o, &warn, 0, &why);
    if (!table.s[i].d) { fprintf(stderr, "%s: %s\n", table.s[i].files[0], why); abort(); }
  }
  zone_refresh(&table);
  return 0;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static unsigned char buf[DNSQUERY_TCP_MAX];
  uint8_t peer[4] = { 127, 0, 0, 1 };
  dnsquery q;
  int tcp, parsed;
  size_t cap, n;
  if (size < 1) return 0;
  /* the first byte picks the transport and the client address */
  tcp = data[0] & 1;
  peer[3] = (uint8_t)(64 + (data[0] >> 1 & 7));
  data++, size--;
  cap = tcp ? sizeof buf : DNSQUERY_EDNS_MAX;
  if (size > cap) return 0;
  memcpy(buf, data, size);
  parsed = dnsquery_parse(buf, size, &q);
  if (parsed && (q.qend > size || q.namelen > DNSQUERY_NAME_MAX || q.limit < 512 || q.limit > DNSQUERY_EDNS_MAX - 11)) abort();
  /* the steps rblserve takes for a UDP batch, prefetches included */
  {
    static zone_query zq;
    zone_query_start(&table, &zq, buf, size);
    zone_query_fetch(&table, &zq);
    n = zone_query_answer(&table, &zq, buf, size, cap, tcp, peer, 0);
  }
  if (!n) return 0;
  if (!parsed || n < 12 || n > cap) abort();
  if (!tcp && n > (q.edns ? q.limit + DNSQUERY_OPT_LEN : 512)) abort();
  if (buf[0] != data[0] || buf[1] != data[1]) abort();          /* ID echoed */
  if (!(buf[2] & 0x80) || buf[4] || buf[5] != 1) abort();        /* a response with the one question */
  if (memcmp(buf + 12, data + 12, q.qend - 12)) abort();         /* the question as it came */
  {
    dnswire_answer a;
    if (!dnswire_parse_answer(buf, n, &a)) abort();
  }
  return 0;
}
