/* test_dnsquery: rblserve's query parser and answer builder, checked through dnswire's reader. */

#include <stdio.h>
#include <string.h>
#include "check.h"
#include "dnsquery.h"
#include "dnswire.h"

/* a query for name (dotted) with type, class, flags; OPT with size if edns */
static size_t mkquery (unsigned char *p, char const *name, unsigned type, unsigned cls, unsigned flags, int edns, unsigned size)
{
  size_t w = 12, n;
  memset(p, 0, 12);
  p[0] = 0xab; p[1] = 0xcd;
  p[2] = (unsigned char)(flags >> 8); p[3] = (unsigned char)flags;
  p[5] = 1;
  n = dnswire_name_fromtext(p + w, 255, name, strlen(name));
  w += n;
  p[w++] = (unsigned char)(type >> 8); p[w++] = (unsigned char)type;
  p[w++] = (unsigned char)(cls >> 8); p[w++] = (unsigned char)cls;
  if (edns)
  {
    p[11] = 1;
    p[w++] = 0; p[w++] = 0; p[w++] = 41;
    p[w++] = (unsigned char)(size >> 8); p[w++] = (unsigned char)size;
    memset(p + w, 0, 6); w += 6;
  }
  return w;
}

static void test_parse (void)
{
  unsigned char p[600];
  dnsquery q;
  size_t n = mkquery(p, "2.0.0.127.ZEN.Spamhaus.ORG", 16, 1, 0x0100, 0, 0);
  CHECK(dnsquery_parse(p, n, &q), "a plain query parses");
  CHECK(q.qtype == 16 && q.qclass == 1, "type and class");
  CHECK(q.nlabels == 7 && q.namelen == 28, "labels and name length");
  CHECK(!memcmp(q.name, "\0012\0010\0010\003127\003zen\010spamhaus\003org", 28), "name lower-cased");
  CHECK(!memcmp(p + 12 + 14, "\010Spamhaus", 9), "the packet keeps the client's case");
  CHECK(q.qend == n && q.limit == 512 && !q.edns, "no EDNS: 512 bytes");
  CHECK(q.lab[4] == 10 && dnsquery_labeloff(&q, 4) == 22, "label offsets");
  CHECK(dnsquery_labeloff(&q, 7) == 12 + 27, "offset of the root label");

  n = mkquery(p, "x.test", 1, 1, 0, 1, 1232);
  CHECK(dnsquery_parse(p, n, &q) && q.edns && q.limit == 1232 - 11, "EDNS0 size minus the OPT record");
  n = mkquery(p, "x.test", 1, 1, 0, 1, 100);
  CHECK(dnsquery_parse(p, n, &q) && q.edns && q.limit == 512, "EDNS0 size below 523 means 512");
  n = mkquery(p, "x.test", 1, 1, 0, 1, 65000);
  CHECK(dnsquery_parse(p, n, &q) && q.limit == DNSQUERY_EDNS_MAX - 11, "EDNS0 size capped at 2048");
  n = mkquery(p, "x.test", 1, 1, 0, 1, 4096);
  p[9] = 1;   /* an authority record: rbldnsd ignores the OPT then */
  CHECK(dnsquery_parse(p, n, &q) && !q.edns && q.limit == 512, "OPT ignored with nscount 1");
  n = mkquery(p, ".", 2, 1, 0, 0, 0);
  CHECK(dnsquery_parse(p, n, &q) && q.nlabels == 0 && q.namelen == 1, "the root name");
}

/* every byte value, at every position of a word: only 'A'..'Z' change */
static void test_lower (void)
{
  int bad = 0, parsed = 1;
  for (unsigned v = 0; v < 256; v++)
    for (unsigned len = 1; len <= 63; len += 5)
    {
      unsigned char p[600];
      dnsquery q;
      size_t w = 12;
      memset(p, 0, 12);
      p[5] = 1;
      /* labels of len bytes, value v at each place once, around filler 'Q' */
      for (unsigned at = 0; at < len && w + len + 6 < 12 + 250; at += 7)
      {
        p[w++] = (unsigned char)len;
        for (unsigned i = 0; i < len; i++) p[w++] = i == at ? (unsigned char)v : 'Q';
      }
      p[w++] = 0;
      p[w++] = 0; p[w++] = 1; p[w++] = 0; p[w++] = 1;
      if (!dnsquery_parse(p, w, &q)) { parsed = 0; continue; }
      for (size_t i = 0; i < q.namelen; i++)
      {
        unsigned char c = p[12 + i];
        unsigned char want = c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
        if (q.name[i] != want) bad++;
      }
    }
  CHECK(parsed, "names of any bytes parse");
  CHECK(!bad, "only A..Z are lowered, every byte value at every place");
}

static void test_drop (void)
{
  unsigned char p[600];
  dnsquery q;
  size_t n = mkquery(p, "a.test", 1, 1, 0, 0, 0);
  CHECK(!dnsquery_parse(p, 11, &q), "dropped: shorter than a header");
  CHECK(!dnsquery_parse(p, n - 1, &q), "dropped: class cut off");
  p[2] |= 0x80;
  CHECK(!dnsquery_parse(p, n, &q), "dropped: a response");
  p[2] &= 0x7f;
  p[5] = 0;
  CHECK(!dnsquery_parse(p, n, &q), "dropped: qdcount 0");
  p[5] = 2;
  CHECK(!dnsquery_parse(p, n, &q), "dropped: qdcount 2");
  p[4] = 1; p[5] = 1;
  CHECK(!dnsquery_parse(p, n, &q), "dropped: qdcount 257");
  p[4] = 0;
  CHECK(dnsquery_parse(p, n, &q), "the same packet repaired parses");
  p[12] = 0xc0; p[13] = 12;
  CHECK(!dnsquery_parse(p, n, &q), "dropped: a compression pointer (loop) in the question");
  p[12] = 64;
  CHECK(!dnsquery_parse(p, n, &q), "dropped: label longer than 63");
  p[12] = 50;
  CHECK(!dnsquery_parse(p, n, &q), "dropped: label past the end");
  {
    /* 5 labels of 63 bytes: 320 bytes of name */
    size_t w = 12;
    for (int i = 0; i < 5; i++) { p[w++] = 63; memset(p + w, 'a', 63); w += 63; }
    p[w++] = 0;
    memset(p + w, 0, 4); p[w + 1] = 1; p[w + 3] = 1; w += 4;
    CHECK(!dnsquery_parse(p, w, &q), "dropped: name longer than 255");
  }
  for (unsigned last = 61; last <= 62; last++)
  {
    /* three labels of 63 and one of 61 (or 62): 255 (256) bytes with the root label */
    size_t w = 12;
    for (int i = 0; i < 3; i++) { p[w++] = 63; memset(p + w, 'a', 63); w += 63; }
    p[w++] = (unsigned char)last; memset(p + w, 'b', last); w += last;
    p[w++] = 0;
    memset(p + w, 0, 4); p[w + 1] = 1; p[w + 3] = 1; w += 4;
    if (last == 61)
    {
      CHECK(dnsquery_parse(p, w, &q) && q.namelen == 255 && q.nlabels == 4, "a name of exactly 255 bytes parses");
      CHECK(!dnsquery_parse(p, w - 1, &q), "dropped: the class cut short");
    }
    else CHECK(!dnsquery_parse(p, w, &q), "dropped: a name of 256 bytes");
  }
  n = mkquery(p, "a.b", 1, 1, 0, 0, 0);
  CHECK(dnsquery_parse(p, n, &q) && !dnsquery_parse(p, n - 1, &q) && !dnsquery_parse(p, 12 + 4, &q), "dropped: type and class not all there");
}

static void test_answer (void)
{
  unsigned char p[DNSQUERY_EDNS_MAX];
  dnsquery q;
  dnsquery_ans a;
  dnswire_answer ans;
  size_t n = mkquery(p, "2.0.0.127.zen.test", 255, 1, 0x0100, 0, 0), len;
  uint8_t ip2[4] = { 127, 0, 0, 2 }, ip4[4] = { 127, 0, 0, 4 };
  CHECK(dnsquery_parse(p, n, &q), "query for the answer tests");
  dnsquery_ans_start(&a, p, q.limit, &q);
  dnsquery_ans_aa(&a, 1);
  CHECK(p[2] == 0x85 && p[3] == 0, "QR, AA and RD; rcode 0");
  CHECK(dnsquery_ans_add_data(&a, 1, 1, ip2, 4, 900), "A added");
  CHECK(dnsquery_ans_add_data(&a, 1, 1, ip4, 4, 3600), "second A added");
  CHECK(dnsquery_ans_add_data(&a, 1, 1, ip2, 4, 300) && a.count[0] == 2, "duplicate A not added twice");
  CHECK(dnsquery_ans_add_txt(&a, 1, "listed", 6, 2100), "TXT added");
  CHECK(dnsquery_ans_add_txt(&a, 1, "listed", 6, 100) && a.count[0] == 3, "duplicate TXT not added twice");
  len = dnsquery_ans_finish(&a, &q);
  CHECK(dnswire_parse_answer(p, len, &ans), "the answer reads back");
  CHECK(ans.id == 0xabcd && ans.rcode == 0 && !ans.tc, "id echoed, NOERROR");
  CHECK(ans.na == 2 && !memcmp(ans.a[0], ip2, 4) && !memcmp(ans.a[1], ip4, 4), "both A records, in order");
  CHECK_MEM(ans.txt, ans.txtlen, "listed", "the TXT text");
  {
    /* TTLs: each type takes the lowest seen, duplicates included */
    size_t pos = q.qend;
    uint16_t type, cls, rdlen;
    uint32_t ttl, ttls[3];
    size_t rd;
    for (int i = 0; i < 3; i++)
    {
      CHECK(dnswire_getrr(p, len, &pos, &type, &cls, &ttl, &rd, &rdlen), "record reads");
      ttls[i] = ttl;
    }
    CHECK(ttls[0] == 300 && ttls[1] == 300, "A records share the lowest A TTL");
    CHECK(ttls[2] == 100, "TXT record has the lowest TXT TTL");
  }

  /* too big for 512 bytes: TC, and what fits stays */
  n = mkquery(p, "2.0.0.127.zen.test", 16, 1, 0, 0, 0);
  dnsquery_parse(p, n, &q);
  dnsquery_ans_start(&a, p, q.limit, &q);
  {
    char t[255];
    int added = 0;
    for (int i = 0; i < 3; i++)
    {
      memset(t, 'a' + i, sizeof t);
      added += dnsquery_ans_add_txt(&a, 1, t, sizeof t, 60);
    }
    CHECK(added == 1 && a.tc, "the second 255-byte TXT does not fit in 512");
    dnsquery_ans_truncated(&a);
    len = dnsquery_ans_finish(&a, &q);
    CHECK(len <= 512 && dnswire_parse_answer(p, len, &ans) && ans.tc && ans.ntxt == 1, "TC set, one TXT kept");
    CHECK(!(p[2] & 4), "AA cleared on a truncated answer");
  }

  /* the same with EDNS0 2048: all fit, and an OPT record is added */
  n = mkquery(p, "2.0.0.127.zen.test", 16, 1, 0, 1, 4096);
  dnsquery_parse(p, n, &q);
  dnsquery_ans_start(&a, p, q.limit, &q);
  {
    char t[255];
    for (int i = 0; i < 3; i++)
    {
      memset(t, 'a' + i, sizeof t);
      dnsquery_ans_add_txt(&a, 1, t, sizeof t, 60);
    }
    len = dnsquery_ans_finish(&a, &q);
    CHECK(!a.tc && a.count[0] == 3, "three TXT fit in the EDNS0 size");
    CHECK(len > 512 && p[11] == 1 && p[len - 11] == 0 && p[len - 9] == 41 && p[len - 8] == 8 && p[len - 7] == 0,
      "OPT record advertising 2048 at the end");
  }
}

static void test_authority (void)
{
  unsigned char p[DNSQUERY_EDNS_MAX];
  dnsquery q;
  dnsquery_ans a;
  dnswire_answer ans;
  unsigned char mname[] = "\004need\002to\004know\004only";
  unsigned char rname[] = "\012hostmaster\010spamhaus\003org";
  unsigned char ns1[] = "\003ns1\003zen\004test";
  size_t n = mkquery(p, "1.0.0.127.zen.test", 1, 1, 0, 0, 0), len, pos, rd, zoff;
  uint16_t type, cls, rdlen;
  uint32_t ttl;
  uint8_t glue[4] = { 127, 0, 0, 53 };
  dnsquery_parse(p, n, &q);
  dnsquery_ans_start(&a, p, q.limit, &q);
  dnsquery_ans_question_suffix(&a, &q, 4);
  zoff = dnsquery_labeloff(&q, 4);
  CHECK(zoff == 12 + 10, "zone apex offset in the question");
  CHECK(dnsquery_ans_add_soa(&a, DNSQUERY_NS, zoff, 10, mname, sizeof mname, rname, sizeof rname, 7, 3600, 600, 432000, 10), "SOA added");
  dnsquery_ans_rcode(&a, DNSQUERY_RCODE_NXDOMAIN);
  len = dnsquery_ans_finish(&a, &q);
  CHECK(p[3] == 3 && p[8] == 0 && p[9] == 1, "NXDOMAIN with one authority record");
  pos = q.qend;
  CHECK(p[pos] == 0xc0 && p[pos + 1] == zoff, "SOA owner points at the zone in the question");
  CHECK(dnswire_getrr(p, len, &pos, &type, &cls, &ttl, &rd, &rdlen) && type == 6 && ttl == 10 && pos == len, "SOA record reads");
  {
    unsigned char nm[255];
    size_t nl, np = rd;
    CHECK(dnswire_getname(p, len, &np, nm, &nl) && nl == sizeof mname && !memcmp(nm, mname, nl), "mname");
    CHECK(dnswire_getname(p, len, &np, nm, &nl) && nl == sizeof rname && !memcmp(nm, rname, nl), "rname");
    CHECK(np + 20 == rd + rdlen && p[np + 3] == 7, "serial and the four times");
  }

  /* NS with a name inside the zone compresses to the question */
  n = mkquery(p, "2.0.0.127.zen.test", 1, 1, 0, 0, 0);
  dnsquery_parse(p, n, &q);
  dnsquery_ans_start(&a, p, q.limit, &q);
  dnsquery_ans_question_suffix(&a, &q, 4);
  dnsquery_ans_add_data(&a, 1, 1, glue, 4, 60);
  CHECK(dnsquery_ans_add_ns(&a, DNSQUERY_NS, zoff, ns1, sizeof ns1, 7200), "NS added");
  CHECK(p[a.len - 2] == 0xc0 && p[a.len - 1] == zoff && p[a.len - 6] == 3, "NS name: one label, then a pointer to the zone");
  CHECK(dnsquery_ans_add_named_a(&a, DNSQUERY_AR, ns1, sizeof ns1, glue, 300), "glue added");
  len = dnsquery_ans_finish(&a, &q);
  CHECK(p[7] == 1 && p[9] == 1 && p[11] == 1, "one record in each section");
  CHECK(p[len - 16] == 0xc0, "glue owner compressed to the NS name");
  CHECK(dnswire_parse_answer(p, len, &ans) && ans.na == 1, "reads back");

  /* a record that does not fit leaves nothing behind */
  n = mkquery(p, "2.0.0.127.zen.test", 1, 1, 0, 0, 0);
  dnsquery_parse(p, n, &q);
  dnsquery_ans_start(&a, p, q.qend + 20, &q);
  CHECK(!dnsquery_ans_add_soa(&a, DNSQUERY_NS, zoff, 10, mname, sizeof mname, rname, sizeof rname, 7, 1, 2, 3, 4), "SOA does not fit");
  CHECK(a.len == q.qend && a.count[1] == 0 && !a.tc, "nothing written, no TC for authority");
  dnsquery_ans_reset(&a);
  CHECK(a.len == q.qend, "reset back to the question");
}

/* the records for the zone "zen.test": a SOA, or (ns) an A answer, two NS
   and their glue; written the long way (frag 0), recorded into f (1), or
   copied from f (2); with ns, one more A record after them whose name
   compresses against them. Returns the answer's length, 0 if f was refused. */
static size_t authority (unsigned char *p, char const *qname, unsigned zlab, int ns, int frag, dnsquery_frag *f, size_t limit)
{
  unsigned char mname[] = "\003ns0\003out\004side";
  unsigned char rname[] = "\012hostmaster\003out\004side";
  unsigned char ns1[] = "\003ns1\003zen\004test";
  unsigned char ns2[] = "\002ns\003out\004side";
  unsigned char ns3[] = "\003ns3\003out\004side";
  uint8_t glue[4] = { 127, 0, 0, 53 };
  dnsquery q;
  dnsquery_ans a;
  size_t n = mkquery(p, qname, 1, 1, 0, 0, 0), zoff;
  dnsquery_parse(p, n, &q);
  dnsquery_ans_start(&a, p, limit ? limit : q.limit, &q);
  dnsquery_ans_question_suffix(&a, &q, zlab);
  zoff = dnsquery_labeloff(&q, zlab);
  if (ns) dnsquery_ans_add_data(&a, 1, 1, glue, 4, 60);
  if (frag == 2)
  {
    if (!dnsquery_frag_put(&a, f, zoff)) return 0;
  }
  else
  {
    if (frag == 1) dnsquery_frag_begin(&a, f);
    if (!ns) dnsquery_ans_add_soa(&a, DNSQUERY_NS, zoff, 10, mname, sizeof mname, rname, sizeof rname, 7, 3600, 600, 432000, 10);
    else
    {
      dnsquery_ans_add_ns(&a, DNSQUERY_NS, zoff, ns1, sizeof ns1, 7200);
      dnsquery_ans_add_ns(&a, DNSQUERY_NS, zoff, ns2, sizeof ns2, 7200);
      dnsquery_ans_add_named_a(&a, DNSQUERY_AR, ns1, sizeof ns1, glue, 300);
      dnsquery_ans_add_named_a(&a, DNSQUERY_AR, ns2, sizeof ns2, glue, 300);
    }
    if (frag == 1) dnsquery_frag_end(&a, f, zoff);
  }
  if (ns) dnsquery_ans_add_named_a(&a, DNSQUERY_AR, ns3, sizeof ns3, glue, 300);
  return dnsquery_ans_finish(&a, &q);
}

/* a fragment recorded for one question gives the same bytes as the long way for others */
static void test_frag (void)
{
  static char const *const names[] = { "zen.test", "2.0.0.127.zen.TEST", "a.b.c.d.e.f.g.h.i.j.zen.test", "x.ZEN.test" };
  static unsigned const zlab[] = { 0, 4, 10, 1 };
  static dnsquery_frag f;
  unsigned char p1[DNSQUERY_EDNS_MAX], p2[DNSQUERY_EDNS_MAX];
  for (int ns = 0; ns < 2; ns++)
  {
    int same = 1;
    authority(p1, "zen.test", 0, ns, 1, &f, 0);
    CHECK(f.len > 0, ns ? "an NS fragment is made" : "a SOA fragment is made");
    for (unsigned i = 0; i < 4; i++)
    {
      size_t l1 = authority(p1, names[i], zlab[i], ns, 0, 0, 0);
      size_t l2 = authority(p2, names[i], zlab[i], ns, 2, &f, 0);
      if (!l2 || l1 != l2 || memcmp(p1, p2, l1)) same = 0;
    }
    CHECK(same, ns ? "NS records and glue copied: the bytes of the long way" : "SOA copied: the bytes of the long way");
  }
  {
    dnsquery q;
    dnsquery_ans a;
    size_t n;
    authority(p1, "zen.test", 0, 0, 1, &f, 0);
    CHECK(!authority(p2, "2.0.0.127.zen.test", 4, 0, 2, &f, 12 + 20 + 4 + 20), "a fragment that does not fit is refused");
    n = mkquery(p2, "2.0.0.127.zen.test", 1, 1, 0, 0, 0);
    dnsquery_parse(p2, n, &q);
    dnsquery_ans_start(&a, p2, q.limit, &q);
    dnsquery_ans_question_suffix(&a, &q, 3);
    CHECK(!dnsquery_frag_put(&a, &f, dnsquery_labeloff(&q, 4)), "another compression state is refused");
  }
}

static void test_fmt (void)
{
  unsigned char p[600];
  char buf[DNSQUERY_LOG_MAX];
  dnsquery q;
  dnsquery_ans a;
  size_t n = mkquery(p, "2.0.0.127.zen.test", 16, 1, 0, 0, 0), l;
  unsigned char odd[] = "\003a.b\002\001z";
  l = dnsquery_name_fmt(buf, sizeof buf, odd, sizeof odd);
  CHECK_MEM(buf, l, "a\\046b.\\001z", "dots and control bytes escaped");
  l = dnsquery_name_fmt(buf, sizeof buf, (unsigned char const *)"", 1);
  CHECK_MEM(buf, l, ".", "the root");
  CHECK(!dnsquery_name_fmt(buf, 3, odd, sizeof odd), "too small a buffer");
  dnsquery_parse(p, n, &q);
  dnsquery_ans_start(&a, p, q.limit, &q);
  dnsquery_ans_rcode(&a, DNSQUERY_RCODE_NXDOMAIN);
  n = dnsquery_ans_finish(&a, &q);
  l = dnsquery_log_fmt(buf, sizeof buf, p, n);
  CHECK_MEM(buf, l, "2.0.0.127.zen.test TXT IN: NXDOMAIN/0/36\n", "rbldnsd's query log line");
  p[n - 3] = 99;
  l = dnsquery_log_fmt(buf, sizeof buf, p, n);
  CHECK_MEM(buf, l, "2.0.0.127.zen.test TYPE99 IN: NXDOMAIN/0/36\n", "unknown types by number");
}

int main (void)
{
  test_parse();
  test_lower();
  test_drop();
  test_answer();
  test_authority();
  test_frag();
  test_fmt();
  CHECK_DONE();
}
