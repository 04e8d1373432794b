/* test_dataset: loading rbldnsd dataset files of every type and asking them questions; the expected answers are what rbldnsd gives for the same files. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cksum.h"
#include "dataset.h"
#include "ds.h"
#include "check.h"

static char dir[64];
static char paths[8][128];

/* warnings seen by the last load */
static char warned[4096];
static unsigned nwarn;
static unsigned long lastline;

static void warn (void *ctx, char const *file, unsigned long line, char const *what)
{
  size_t l = strlen(warned);
  (void)ctx;
  nwarn++;
  lastline = line;
  snprintf(warned + l, sizeof(warned) - l, "%s(%lu): %s\n", strrchr(file, '/') ? strrchr(file, '/') + 1 : file, line, what);
}

static char const *put (unsigned i, char const *name, char const *text, size_t len)
{
  FILE *f;
  snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir, name);
  f = fopen(paths[i], "wb");
  if (!f || fwrite(text, 1, len, f) != len) { perror("write"); exit(111); }
  fclose(f);
  return paths[i];
}

static dsload_opts opts;
static char const *why;

/* loads one or more texts as the files of one dataset */
static dataset *loadn (char const *type, unsigned n, char const *const *texts)
{
  char const *files[8];
  char name[16];
  if (n > 8) n = 8;
  for (unsigned i = 0; i < n; i++)
  {
    snprintf(name, sizeof(name), "f%u", i);
    files[i] = put(i, name, texts[i], strlen(texts[i]));
  }
  warned[0] = 0;
  nwarn = 0;
  return dataset_load(type, files, n, &opts, &warn, 0, &why);
}

static dataset *load (char const *type, char const *text)
{
  return loadn(type, 1, &text);
}

/* questions */

static unsigned char qwire[300];
static char qsubst[300];

static void qip4 (dsquery *q, char const *addr, int txt)
{
  unsigned a, b, c, d;
  memset(q, 0, sizeof(*q));
  sscanf(addr, "%u.%u.%u.%u", &a, &b, &c, &d);
  q->namelen = (size_t)snprintf((char *)qwire, sizeof(qwire), "_%u_%u_%u_%u", d, c, b, a);
  for (size_t i = 0, l = 0; i <= q->namelen; i++)
    if (i == q->namelen || qwire[i] == '_') { if (i > l) qwire[l] = (unsigned char)(i - l - 1); l = i; }
  q->name = qwire;
  q->nlabels = 4;
  q->isip4 = 1;
  q->ip4[0] = (uint8_t)a; q->ip4[1] = (uint8_t)b; q->ip4[2] = (uint8_t)c; q->ip4[3] = (uint8_t)d;
  q->wanttxt = (uint8_t)txt;
  snprintf(qsubst, sizeof(qsubst), "%s", addr);
  q->subst = qsubst;
  q->substlen = strlen(qsubst);
}

/* a domain name (dots between labels, no escapes), lower-cased as the zone code does */
static void qname (dsquery *q, char const *name, int txt)
{
  size_t w = 0;
  unsigned n = 0;
  memset(q, 0, sizeof(*q));
  {
    char const *p = name;
    while (*p)
    {
      char const *e = strchr(p, '.');
      size_t len = e ? (size_t)(e - p) : strlen(p);
      qwire[w++] = (unsigned char)len;
      for (size_t i = 0; i < len; i++) qwire[w++] = (unsigned char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
      n++;
      p += len;
      if (*p) p++;
    }
  }
  q->name = qwire;
  q->namelen = w;
  q->nlabels = n;
  q->wanttxt = (uint8_t)txt;
  snprintf(qsubst, sizeof(qsubst), "%s", name);
  q->subst = qsubst;
  q->substlen = strlen(qsubst);
}

static void qip6 (dsquery *q, char const *hex32, char const *text, int txt)
{
  memset(q, 0, sizeof(*q));
  for (unsigned i = 0; i < 16; i++)
  {
    unsigned v;
    sscanf(hex32 + 2 * i, "%2x", &v);
    q->ip6[i] = (uint8_t)v;
  }
  q->isip6 = 1;
  q->nlabels = 32;
  q->wanttxt = (uint8_t)txt;
  snprintf(qsubst, sizeof(qsubst), "%s", text);
  q->subst = qsubst;
  q->substlen = strlen(qsubst);
}

static dshit hits[DATASET_HITS_MAX];

/* the answer as text: "127.0.0.2 'txt' 127.0.0.3" (TXT only when asked and present) */
static char const *ans (dataset const *d, dsquery const *q)
{
  static char out[4096];
  unsigned n = dataset_query(d, q, hits, DATASET_HITS_MAX);
  size_t w = 0;
  out[0] = 0;
  for (unsigned i = 0; i < n; i++)
  {
    w += (size_t)snprintf(out + w, sizeof(out) - w, "%s%u.%u.%u.%u", w ? " " : "", hits[i].a[0], hits[i].a[1], hits[i].a[2], hits[i].a[3]);
    if (hits[i].hastxt) w += (size_t)snprintf(out + w, sizeof(out) - w, " '%.*s'", hits[i].txtlen, hits[i].txt);
  }
  return out;
}

static char const *a4 (dataset const *d, char const *addr)
{
  dsquery q;
  qip4(&q, addr, 1);
  return ans(d, &q);
}

static char const *dn (dataset const *d, char const *name)
{
  dsquery q;
  qname(&q, name, 1);
  return ans(d, &q);
}

#define EQ(got, want, name) do { char const *g_ = (got); int ok_ = !strcmp(g_, (want)); CHECK(ok_, name); if (!ok_) printf("#   got [%s]\n#  want [%s]\n", g_, (want)); } while (0)

static void t_ip4set (void)
{
  dataset *d = load("ip4set",
    ":127.0.0.2:txt $\n"
    "1.2.3.4\n"
    "10.0.0.0/8 :3:big\n"
    "10.1.0.0/16 :4:mid\n"
    "10.1.1.0/24 :5:small\n"
    "10.1.1.1 :6:single\n"
    "!10.1.1.2\n"
    "!10.2.0.0/16\n"
    "10.2.3.4 :7:inside excl\n"
    "11.0.0.0/9 :8:nine\n"
    "11.1.0.0/16 :9:sixteen\n"
    "12.16-31 :2:suffix range\n"
    "13.0.0.1-255\n"
    "14.1.2\n"
    "15.1.1.1:3:no space\n"
    "16.1.1.1 # comment :5:x\n");
  CHECK(d != 0, "ip4set: loads");
  if (!d) return;
  EQ(a4(d, "1.2.3.4"), "127.0.0.2 'txt 1.2.3.4'", "ip4set: default value, $ is the address");
  EQ(a4(d, "10.1.1.1"), "127.0.0.6 'single'", "ip4set: a /32 beats the /24 around it");
  EQ(a4(d, "10.1.1.3"), "127.0.0.5 'small'", "ip4set: /24 beats /16");
  EQ(a4(d, "10.1.2.3"), "127.0.0.4 'mid'", "ip4set: /16 beats /8");
  EQ(a4(d, "10.3.3.3"), "127.0.0.3 'big'", "ip4set: /8");
  EQ(a4(d, "10.1.1.2"), "", "ip4set: a /32 exclusion");
  EQ(a4(d, "10.2.3.5"), "", "ip4set: a /16 exclusion hides the /8");
  EQ(a4(d, "10.2.3.4"), "127.0.0.7 'inside excl'", "ip4set: but a /32 inside the excluded /16 is listed");
  /* a /9 is kept as 128 /16 pieces: the /16 entry is in the same class, both apply */
  EQ(a4(d, "11.1.2.3"), "127.0.0.8 'nine' 127.0.0.9 'sixteen'", "ip4set: two entries of one class both answer, in file order");
  EQ(a4(d, "11.2.2.3"), "127.0.0.8 'nine'", "ip4set: the rest of the /9");
  EQ(a4(d, "11.128.0.0"), "", "ip4set: outside the /9");
  EQ(a4(d, "12.31.255.255"), "127.0.0.2 'suffix range'", "ip4set: 12.16-31 ends at 12.31.255.255");
  EQ(a4(d, "12.32.0.0"), "", "ip4set: and not after");
  EQ(a4(d, "13.0.0.0"), "", "ip4set: 13.0.0.1-255 starts at .1");
  EQ(a4(d, "13.0.0.255"), "127.0.0.2 'txt 13.0.0.255'", "ip4set: and ends at .255");
  EQ(a4(d, "14.1.2.200"), "127.0.0.2 'txt 14.1.2.200'", "ip4set: a 3-octet prefix is a /24");
  EQ(a4(d, "15.1.1.1"), "127.0.0.3 'no space'", "ip4set: a value right after the address");
  EQ(a4(d, "16.1.1.1"), "127.0.0.2 'txt 16.1.1.1'", "ip4set: a comment after the address means the default");
  CHECK(dataset_entries(d) == 15, "ip4set: 15 entries");
  CHECK(dataset_bytes(d) > 0, "ip4set: dataset_bytes counts the arena");
  {
    dsquery q;
    qip4(&q, "1.2.3.4", 0);
    dataset_query(d, &q, hits, DATASET_HITS_MAX);
    CHECK(!hits[0].hastxt && hits[0].a[3] == 2 && hits[0].ttl == 60, "ip4set: no TXT expanded for an A question; TTL is -t's");
    qname(&q, "4.3.2", 1);
    CHECK(dataset_query(d, &q, hits, DATASET_HITS_MAX) == 0, "ip4set: a name that is no address answers nothing");
  }
  dataset_free(d);

  /* several entries for one address: all of them, the implicit value first */
  d = load("ip4set",
    "1.2.3.4 :4:second\n1.2.3.4 :3:first\n1.2.3.4 :3:first\n1.2.3.4 :5:\n1.2.3.4\n"
    "1.2.3.5 :3:a\n!1.2.3.5\n!1.2.3.6\n1.2.3.6 :3:b\n");
  CHECK(d != 0, "ip4set: duplicates load");
  if (!d) return;
  /* rbldnsd sends a repeated record once; the repeated line is one value here */
  EQ(a4(d, "1.2.3.4"), "127.0.0.2 127.0.0.4 'second' 127.0.0.3 'first' 127.0.0.5",
    "ip4set: every value for one address, the implicit 127.0.0.2 first, then file order");
  EQ(a4(d, "1.2.3.5"), "", "ip4set: an exclusion after a listing of the same entry wins");
  EQ(a4(d, "1.2.3.6"), "", "ip4set: and before it too");
  dataset_free(d);

  /* bad lines are skipped with a warning that names file and line */
  d = load("ip4set", "1.1.1.1\n10.1.2.3/24\n11\n3-3.0.0\n12.0.0.5-12.0.0.3\n0.0.0.0/0\n2.2.2.2\n55.1.1.1\r\n40.1.1.1x\n");
  CHECK(d != 0, "ip4set: a file with bad lines still loads");
  if (!d) return;
  CHECK(strstr(warned, "f0(2): invalid range (non-zero host part)") != 0, "ip4set: host bits without -e: warned with file and line");
  CHECK(strstr(warned, "f0(3): invalid address") && strstr(warned, "f0(4): invalid address") && strstr(warned, "f0(5): invalid address")
    && strstr(warned, "f0(6): invalid address") && strstr(warned, "f0(8): invalid address") && strstr(warned, "f0(9): invalid address"),
    "ip4set: a lone octet, a-b with a longer end, a reversed range, /0, CR, junk: invalid address");
  EQ(a4(d, "2.2.2.2"), "127.0.0.2", "ip4set: lines after bad ones still load");
  EQ(a4(d, "10.1.2.9"), "", "ip4set: the bad CIDR lists nothing");
  dataset_free(d);
  opts.accept_in_cidr = 1;
  d = load("ip4set", "10.1.2.3/24\n");
  opts.accept_in_cidr = 0;
  CHECK(d && nwarn == 0, "ip4set: -e takes 10.1.2.3/24 without a warning");
  if (d) EQ(a4(d, "10.1.2.9"), "127.0.0.2", "ip4set: -e lists the whole /24");
  dataset_free(d);
  opts.strict = 1;
  d = load("ip4set", "1.1.1.1\n1.1.1.1/8\n");
  opts.strict = 0;
  CHECK(!d && why && nwarn == 1, "ip4set: strict mode refuses a file with a bad line");
}

/* A values and addresses read their octets with one scanner; answers and
   warnings as rbldnsd gives them for the same file */
static void t_octets (void)
{
  static struct { char const *in; size_t used; unsigned noct; uint32_t ip; } const sc[] =
  {
    { "1.2.3.4", 7, 4, 0x01020304 }, { "1.2.", 3, 2, 0x01020000 }, { "1.2.3.", 5, 3, 0x01020300 },
    { "007.0255.0.1", 12, 4, 0x07ff0001 }, { "1..2", 1, 1, 0x01000000 }, { "1.2.3.4.5", 7, 4, 0x01020304 },
    { "10/8", 2, 1, 0x0a000000 }, { "256.1.1.1", 0, 0, 0 }, { "1.256", 0, 0, 0 }, { ".1", 0, 0, 0 }
  };
  dataset *d;
  for (unsigned i = 0; i < sizeof(sc) / sizeof(*sc); i++)
  {
    char line[64], name[96];
    uint32_t ip = 0xdeadbeef;
    unsigned noct = 99;
    size_t used;
    /* as the loader gives lines: a newline after, readable bytes beyond */
    memset(line, '\n', sizeof(line));
    memcpy(line, sc[i].in, strlen(sc[i].in));
    used = ds_scan_ip4(line, strlen(sc[i].in), &ip, &noct);
    snprintf(name, sizeof(name), "octets: ds_scan_ip4 \"%s\" uses %zu bytes", sc[i].in, sc[i].used);
    CHECK(used == sc[i].used && (!used || (noct == sc[i].noct && ip == sc[i].ip)), name);
  }
  d = load("ip4set",
    ":127.0.0.2:txt $\n"
    "1.0.0.20 :1.2.:dot after two\n"
    "1.0.0.21 :007:leading zeros\n"
    "1.0.0.22 :127.000.000.010:zeros\n"
    "1.0.0.23 :1.2.3.:dot after three\n"
    "1.0.0.24 :0255:four digits\n"
    "1.0.0.25 :1..2:double dot\n"
    "2.0.0.1.\n"
    "3.0.\n"
    "004.005.006.007\n"
    "8.9.10/24\n");
  CHECK(d != 0, "octets: loads");
  if (!d) return;
  EQ(a4(d, "1.0.0.20"), "", "octets: an A ending in a dot after two octets is refused");
  EQ(a4(d, "1.0.0.21"), "127.0.0.7 'leading zeros'", "octets: A 007 is 127.0.0.7");
  EQ(a4(d, "1.0.0.22"), "127.0.0.10 'zeros'", "octets: A 127.000.000.010");
  EQ(a4(d, "1.0.0.23"), "", "octets: an A ending in a dot after three octets is refused");
  EQ(a4(d, "1.0.0.24"), "127.0.0.255 'four digits'", "octets: A 0255 is 127.0.0.255");
  EQ(a4(d, "1.0.0.25"), "", "octets: an A with two dots in a row is refused");
  EQ(a4(d, "2.0.0.1"), "", "octets: an address ending in a dot is refused");
  EQ(a4(d, "3.0.0.0"), "", "octets: a prefix ending in a dot is refused");
  EQ(a4(d, "4.5.6.7"), "127.0.0.2 'txt 4.5.6.7'", "octets: an address with leading zeros");
  EQ(a4(d, "8.9.10.1"), "127.0.0.2 'txt 8.9.10.1'", "octets: a 3-octet CIDR");
  CHECK(dataset_entries(d) == 5, "octets: 5 entries");
  CHECK(strstr(warned, "f0(2): invalid A RR") && strstr(warned, "f0(5): invalid A RR") && strstr(warned, "f0(7): invalid A RR")
    && strstr(warned, "f0(8): invalid address") && strstr(warned, "f0(9): invalid address") && nwarn == 5,
    "octets: the refused lines are warned as rbldnsd warns them");
  dataset_free(d);
}

static void t_values (void)
{
  dataset *d = load("ip4set",
    ":127.0.0.2:txt $\n"
    "1.0.0.1 :2:a\n"
    "1.0.0.2 :0.3:a\n"
    "1.0.0.3 :1.4:a\n"
    "1.0.0.4 :1.2.3:a\n"
    "1.0.0.5 :10.0.0.1:a\n"
    "1.0.0.6 :256:a\n"
    "1.0.0.7 ::empty a\n"
    "1.0.0.8 :127.0.0.9\n"
    "1.0.0.9 :0:zero\n"
    "1.0.0.11 :3:a$$b$ $1 $x $9 $= end$\n"
    "$1 one\n"
    "1.0.0.12 :3:$1-$2\n"
    "$2 two\n"
    "$1 uno\n"
    "1.0.0.13 :3:\n"
    "1.0.0.14 :3\n"
    "1.0.0.15 : 4 : spaced\n"
    "1.0.0.16 :4:  leading space  \n"
    "1.0.0.17 :127.0.0.2 :t\n"
    "1.0.0.18 :1.2.3.4.:w\n");
  CHECK(d != 0, "values: loads");
  if (!d) return;
  EQ(a4(d, "1.0.0.1"), "127.0.0.2 'a'", "A '2' is 127.0.0.2");
  EQ(a4(d, "1.0.0.2"), "0.0.0.3 'a'", "A '0.3' is 0.0.0.3");
  EQ(a4(d, "1.0.0.3"), "1.0.0.4 'a'", "A 'a.b' is a.0.0.b");
  EQ(a4(d, "1.0.0.4"), "1.2.0.3 'a'", "A 'a.b.c' is a.b.0.c");
  EQ(a4(d, "1.0.0.5"), "10.0.0.1 'a'", "any A is taken");
  EQ(a4(d, "1.0.0.6"), "", "A 256: the line is refused");
  EQ(a4(d, "1.0.0.7"), "", "an empty A: refused");
  EQ(a4(d, "1.0.0.8"), "127.0.0.9 'txt 1.0.0.8'", "':A' alone keeps the default text");
  EQ(a4(d, "1.0.0.9"), "", "A '0': refused");
  EQ(a4(d, "1.0.0.11"), "127.0.0.3 'a$b1.0.0.11 one 1.0.0.11x $9 a$$b$ $1 $x $9 $= end$ end1.0.0.11'",
    "templates: $$, $, $n defined later, undefined $n kept, $= is the raw entry text");
  EQ(a4(d, "1.0.0.12"), "127.0.0.3 'one-two'", "the first definition of a variable stays");
  EQ(a4(d, "1.0.0.13"), "127.0.0.3", "':A:' has no TXT");
  EQ(a4(d, "1.0.0.14"), "127.0.0.3 'txt 1.0.0.14'", "':A' has the default TXT");
  EQ(a4(d, "1.0.0.15"), "", "no blanks before an A");
  EQ(a4(d, "1.0.0.16"), "127.0.0.4 'leading space'", "blanks around the text are dropped");
  EQ(a4(d, "1.0.0.17"), "127.0.0.2 't'", "blanks between the A and the second colon");
  EQ(a4(d, "1.0.0.18"), "", "a dot after four octets: refused");
  CHECK(strstr(warned, "f0(7): invalid A RR") && strstr(warned, "f0(21): unrecognized value for an entry"), "values: the two kinds of bad value are warned");
  dataset_free(d);

  /* base template, '=' escape, and the 254-byte limit */
  {
    char text[2000];
    char y250[251], z270[271];
    memset(y250, 'y', 250); y250[250] = 0;
    memset(z270, 'z', 270); z270[270] = 0;
    snprintf(text, sizeof(text),
      "$= B[$=]($)\n:127.0.0.2:\n1.0.0.1 r1\n1.0.0.2\n1.0.0.3 :3:\n1.0.0.5 =own $ text\n1.0.0.7 :7:r7 $$ $1\n"
      ":127.0.0.8:deftxt $\n1.0.0.8\n1.0.0.9 =\n1.0.0.11 %s$\n1.0.0.13 %s\n", y250, z270);
    d = load("ip4set", text);
  }
  CHECK(d != 0, "base template: loads");
  if (!d) return;
  EQ(a4(d, "1.0.0.1"), "127.0.0.2 'B[r1](1.0.0.1)'", "$= wraps the entry's text");
  EQ(a4(d, "1.0.0.2"), "127.0.0.2 'B[1.0.0.2](1.0.0.2)'", "an entry without text: $= is the address");
  EQ(a4(d, "1.0.0.3"), "127.0.0.3 'B[1.0.0.3](1.0.0.3)'", "even ':A:' gets the base template");
  EQ(a4(d, "1.0.0.5"), "127.0.0.2 'own 1.0.0.5 text'", "'=' escapes the base template");
  EQ(a4(d, "1.0.0.7"), "127.0.0.7 'B[r7 $$ $1](1.0.0.7)'", "the entry's text goes into $= unexpanded");
  EQ(a4(d, "1.0.0.8"), "127.0.0.8 'B[deftxt $](1.0.0.8)'", "so does a default text");
  EQ(a4(d, "1.0.0.9"), "127.0.0.8", "a lone '=' means no TXT at all");
  {
    dsquery q;
    qip4(&q, "1.0.0.11", 1);
    CHECK(dataset_query(d, &q, hits, 4) == 1 && hits[0].txtlen == 254 && !memcmp(hits[0].txt + 252, "$]", 2),
      "an expanded TXT stops at 254 bytes, as rbldnsd's");
    qip4(&q, "1.0.0.13", 1);
    CHECK(dataset_query(d, &q, hits, 4) == 1 && hits[0].txtlen == 254, "a 270-byte text: cut to 255 at load, 254 when sent");
  }
  CHECK(strstr(warned, "f0(12): TXT RR truncated to 255 bytes") != 0, "the cut is warned");
  dataset_free(d);

  /* default lines: per file; a bad one keeps the previous */
  {
    char const *t[2] = { ":3:a\n:bad:b\n1.1.1.1\n:4\n1.1.1.2\n", "1.1.1.3\n" };
    d = loadn("ip4set", 2, t);
  }
  CHECK(d != 0, "defaults: loads");
  if (!d) return;
  EQ(a4(d, "1.1.1.1"), "127.0.0.3 'a'", "a bad default line keeps the previous default");
  EQ(a4(d, "1.1.1.2"), "127.0.0.4", "a default ':A' has no TXT");
  EQ(a4(d, "1.1.1.3"), "127.0.0.2", "a default lasts to the end of its file");
  dataset_free(d);
}

static void t_ip4tset (void)
{
  dataset *d = load("ip4tset",
    "1.1.1.1\n1.1.1.1\n1.1.1.2 :127.0.0.7:ignored\n!1.1.1.4\n1.1.1.0/24\n1.1.2\n"
    ":127.0.0.5:T2 $\n1.1.1.6#c\n1.1.1.8:3:x\n:127.0.0.6:T3\n250.3.2.1\n");
  CHECK(d != 0, "ip4tset: loads");
  if (!d) return;
  EQ(a4(d, "1.1.1.1"), "127.0.0.5 'T2 1.1.1.1'", "ip4tset: the first default line applies to entries before it too");
  EQ(a4(d, "1.1.1.2"), "127.0.0.5 'T2 1.1.1.2'", "ip4tset: a value after an entry is ignored");
  EQ(a4(d, "250.3.2.1"), "127.0.0.5 'T2 250.3.2.1'", "ip4tset: later default lines are ignored");
  EQ(a4(d, "1.1.1.4"), "", "ip4tset: no exclusions");
  EQ(a4(d, "1.1.1.9"), "", "ip4tset: no CIDRs");
  EQ(a4(d, "1.1.1.8"), "127.0.0.5 'T2 1.1.1.8'", "ip4tset: a colon right after the address");
  CHECK(dataset_entries(d) == 5, "ip4tset: 5 distinct addresses");
  CHECK(strstr(warned, "f0(4): invalid address") && strstr(warned, "f0(5): invalid address") && strstr(warned, "f0(6): invalid address"),
    "ip4tset: exclusion, CIDR and prefix are invalid addresses");
  dataset_free(d);
  d = load("ip4tset", "1.1.1.1\n");
  if (d) EQ(a4(d, "1.1.1.1"), "127.0.0.2", "ip4tset: no default line: 127.0.0.2 without TXT");
  dataset_free(d);

  /* enough addresses for every bucket path: sorting, repeats, neighbours */
  {
    size_t cap = 3000000, w = 0;
    char *big = malloc(cap);
    unsigned long x = 7;
    int ok = 1;
    /* more than 131072 lines: the bucketed form */
    for (unsigned i = 0; i < 140000; i++)
    {
      x = x * 6364136223846793005UL + 1442695040888963407UL;
      w += (size_t)snprintf(big + w, cap - w, "10.%lu.%lu.%lu\n", (x >> 33) % 3, (x >> 40) % 256, (x >> 50) % 256);
    }
    d = load("ip4tset", big);
    CHECK(d != 0, "ip4tset: 140000 lines load");
    if (d)
    {
      /* every address in the file answers, its neighbours only if listed */
      char *p = big, *e;
      while (ok && (e = strchr(p, '\n')))
      {
        *e = 0;
        if (!*a4(d, p)) ok = 0;
        p = e + 1;
      }
      CHECK(ok, "ip4tset: every listed address answers");
      CHECK(dataset_entries(d) < 140000 && dataset_entries(d) > 100000, "ip4tset: repeats are counted once");
      CHECK(!*a4(d, "10.3.0.0") && !*a4(d, "9.255.255.255"), "ip4tset: unlisted addresses do not");
    }
    dataset_free(d);
    free(big);
  }
}

static void t_ip4trie (void)
{
  dataset *d = load("ip4trie",
    ":127.0.0.4:T $\n"
    "1.0.0.0/8 :2:a8\n1.1.0.0/16 :3:a16\n1.1.1.0/24 :4:a24\n1.1.1.0/24 :5:a24b\n!1.1.1.128/25\n"
    "1.1.1.200/29 :6:a29\n1.1.1.200 :7:a32\n1.1.2.0-1.1.2.255\n1.1.3\n!1.1.4.0/24\n1.1.4.0/24 :8:after\n"
    "0.0.0.0/0 :9:all\n");
  CHECK(d != 0, "ip4trie: loads");
  if (!d) return;
  EQ(a4(d, "1.2.3.4"), "127.0.0.2 'a8'", "ip4trie: /8");
  EQ(a4(d, "1.1.1.1"), "127.0.0.4 'a24'", "ip4trie: the longest prefix; the first of two equal entries");
  EQ(a4(d, "1.1.1.129"), "", "ip4trie: an excluded /25");
  EQ(a4(d, "1.1.1.201"), "127.0.0.6 'a29'", "ip4trie: /29 inside the excluded /25");
  EQ(a4(d, "1.1.1.200"), "127.0.0.7 'a32'", "ip4trie: /32");
  EQ(a4(d, "1.1.2.1"), "127.0.0.3 'a16'", "ip4trie: no a-b ranges");
  EQ(a4(d, "1.1.3.1"), "127.0.0.4 'T 1.1.3.1'", "ip4trie: a 3-octet prefix");
  EQ(a4(d, "1.1.4.1"), "", "ip4trie: the first of an exclusion and a listing wins");
  EQ(a4(d, "9.9.9.9"), "127.0.0.9 'all'", "ip4trie: 0/0 is allowed here");
  CHECK(strstr(warned, "f0(5): duplicated entry") && strstr(warned, "f0(9): invalid address") && strstr(warned, "f0(12): duplicated entry"),
    "ip4trie: duplicates and ranges are warned");
  dataset_free(d);
  opts.strict = 1;
  d = load("ip4trie", "1.0.0.0/8\n1.0.0.0/8\n");
  opts.strict = 0;
  CHECK(!d, "ip4trie: strict mode refuses a duplicate");
}

static void t_maxrange (void)
{
  char const *t[2] = { "10.0.0.0/8\n$MAXRANGE4 /24\n11.0.0.0/16\n12.0.0.0/24\n13.0.0.0-13.0.1.0\n$MAXRANGE4 65536\n14.0.0.0/16\n", "18.0.0.0/16\n" };
  dataset *d = loadn("ip4set", 2, t);
  CHECK(d != 0, "maxrange: loads");
  if (!d) return;
  EQ(a4(d, "10.0.0.1"), "127.0.0.2", "$MAXRANGE4 does not apply to lines before it");
  EQ(a4(d, "11.0.0.1"), "", "$MAXRANGE4 /24 refuses a /16");
  EQ(a4(d, "12.0.0.1"), "127.0.0.2", "and takes a /24");
  EQ(a4(d, "13.0.0.1"), "", "257 addresses are too many");
  EQ(a4(d, "14.0.0.1"), "", "the limit cannot be raised");
  EQ(a4(d, "18.0.0.1"), "", "it lasts into the next file");
  CHECK(strstr(warned, "f0(3): too large range (65536) ignored (256 max)") != 0, "maxrange: warned as rbldnsd does");
  dataset_free(d);
}

static void t_dnset (void)
{
  dataset *d = load("dnset",
    ":127.0.0.2:D $\n"
    "plain.com :3:plain\n*.star.com :4:star\n.dot.com :5:dot\ndup.com :3:d1\ndup.com :4:d2\n"
    "*.both.com :6:wild\nboth.com :7:exact\n*.nest.com :3:n1\n*.a.nest.com :4:n2\n!x.a.nest.com\n!*.b.nest.com\n"
    "*.ex.com\n!*.ex3.com\n*.ex3.com\nUPPER.COM :3:upper\ntrail.org. :3:trail\n*.\n.\nfoo..bar\n\\065bc.com :3:dec\n"
    "sp ace.net :3:sp\n");
  CHECK(d != 0, "dnset: loads");
  if (!d) return;
  EQ(dn(d, "plain.com"), "127.0.0.3 'plain'", "dnset: a plain name");
  EQ(dn(d, "a.plain.com"), "", "dnset: not its subdomains");
  EQ(dn(d, "star.com"), "", "dnset: *. is not the name itself");
  EQ(dn(d, "b.a.star.com"), "127.0.0.4 'star'", "dnset: *. is every subdomain");
  EQ(dn(d, "dot.com"), "127.0.0.5 'dot'", "dnset: . is the name");
  EQ(dn(d, "a.dot.com"), "127.0.0.5 'dot'", "dnset: and its subdomains");
  EQ(dn(d, "dup.com"), "127.0.0.3 'd1' 127.0.0.4 'd2'", "dnset: two entries, two answers");
  EQ(dn(d, "both.com"), "127.0.0.7 'exact'", "dnset: the exact entry for the name");
  EQ(dn(d, "a.both.com"), "127.0.0.6 'wild'", "dnset: the wildcard for subdomains");
  EQ(dn(d, "b.a.nest.com"), "127.0.0.4 'n2'", "dnset: the closest wildcard");
  EQ(dn(d, "x.a.nest.com"), "", "dnset: an excluded name");
  EQ(dn(d, "y.x.a.nest.com"), "127.0.0.4 'n2'", "dnset: the exclusion of a name leaves its subdomains");
  EQ(dn(d, "c.b.nest.com"), "", "dnset: an excluded wildcard");
  EQ(dn(d, "b.nest.com"), "127.0.0.3 'n1'", "dnset: which leaves the name itself");
  EQ(dn(d, "a.ex.com"), "127.0.0.2 'D ex.com'", "dnset: $ is the entry's name, not the question");
  EQ(dn(d, "a.ex3.com"), "", "dnset: an exclusion wins whatever the order");
  EQ(dn(d, "UPPER.com"), "127.0.0.3 'upper'", "dnset: names are lower-cased");
  EQ(dn(d, "trail.org"), "127.0.0.3 'trail'", "dnset: a trailing dot is dropped");
  EQ(dn(d, "foo.bar"), "127.0.0.2 'D foo.bar'", "dnset: empty labels are dropped");
  EQ(dn(d, "abc.com"), "127.0.0.3 'dec'", "dnset: \\DDD escapes");
  EQ(dn(d, "sp"), "127.0.0.2 'ace.net :3:sp'", "dnset: the name ends at a blank");
  EQ(dn(d, "com"), "", "dnset: parents are not listed");
  CHECK(strstr(warned, "f0(18): invalid domain name") && strstr(warned, "f0(19): invalid domain name"), "dnset: '*.' and '.' alone are invalid");
  dataset_free(d);

  /* $ for odd bytes: escaped as rbldnsd writes them */
  d = load("dnset", ":127.0.0.2:[$]\n*.a\\.b.c\n*.q\\032\\\"x\n");
  if (d)
  {
    dsquery q;
    static unsigned char const w1[] = "\1x\3a.b\1c";
    static unsigned char const w2[] = "\1y\4q \"x";
    memset(&q, 0, sizeof(q));
    q.name = w1; q.namelen = sizeof(w1) - 1; q.nlabels = 3; q.wanttxt = 1;
    EQ(ans(d, &q), "127.0.0.2 '[a\\.b.c]'", "dnset: a dot inside a label is \\.");
    q.name = w2; q.namelen = sizeof(w2) - 1; q.nlabels = 2;
    EQ(ans(d, &q), "127.0.0.2 '[q\\032\\\"x]'", "dnset: space is \\032, a quote \\\"");
  }
  else CHECK(0, "dnset: escapes load");
  dataset_free(d);

  /* many names (past 131072: the two-byte radix step too): blocks of the
     front coding, sort, repeated values */
  {
    size_t cap = 8000000, w = 0;
    char *big = malloc(cap);
    int ok = 1;
    w += (size_t)snprintf(big + w, cap - w, ":127.0.1.2:dbl $\n");
    for (unsigned i = 0; i < 140000; i++)
      w += (size_t)snprintf(big + w, cap - w, "%sn%u%s.%s%s\n", i % 7 == 0 ? "*." : "", i * 7919 % 1000003, i % 3 ? "x" : "",
        i % 5 == 0 ? "net" : i % 5 == 1 ? "co.uk" : "com", i % 11 == 0 ? " :5:other" : "");
    d = load("dnset", big);
    CHECK(d != 0, "dnset: 140000 names load");
    if (d)
    {
      for (unsigned i = 0; i < 140000 && ok; i++)
      {
        char name[64], want[160];
        snprintf(name, sizeof(name), "%sn%u%s.%s", i % 7 == 0 ? "w." : "", i * 7919 % 1000003, i % 3 ? "x" : "",
          i % 5 == 0 ? "net" : i % 5 == 1 ? "co.uk" : "com");
        if (i % 11 == 0) snprintf(want, sizeof(want), "127.0.0.5 'other'");
        else snprintf(want, sizeof(want), "127.0.1.2 'dbl %s'", i % 7 == 0 ? name + 2 : name);
        if (strcmp(dn(d, name), want)) { ok = 0; printf("# %s: %s\n", name, dn(d, name)); }
        if (i % 7 == 0 && *dn(d, name + 2)) ok = 0;
      }
      CHECK(ok, "dnset: every name answers with its own value, wildcards only below");
      CHECK(!*dn(d, "n1.org") && !*dn(d, "zzz.com") && !*dn(d, "n0x.com.extra"), "dnset: other names do not");
    }
    dataset_free(d);
    free(big);
  }
}

static void t_ip6 (void)
{
  dsquery q;
  dataset *d = load("ip6trie",
    ":127.0.0.2:[$]\n"
    "2001:db8::/32 :3:a32\n2001:db8:1::/48 :4:a48\n2001:db8:1::/48 :5:dup\n2001:db8:2:3:4:5:6:7 :6:single\n"
    "!2001:db8:1::bead\n2001:db8:3 :7:trunc3\n::ffff:1.2.3.4 :10:mapped\n2001:db8:5::1/64 :11:hostbits\n"
    "1:2:3:4:5:6:7:8:9\n");
  CHECK(d != 0, "ip6trie: loads");
  if (!d) return;
  qip6(&q, "20010db800ff00000000000000000001", "2001:db8:ff::1", 1);
  EQ(ans(d, &q), "127.0.0.3 'a32'", "ip6trie: /32");
  qip6(&q, "20010db8000100000000000000000001", "2001:db8:1::1", 1);
  EQ(ans(d, &q), "127.0.0.4 'a48'", "ip6trie: the longest prefix, the first duplicate");
  qip6(&q, "20010db800010000000000000000bead", "2001:db8:1::bead", 1);
  EQ(ans(d, &q), "", "ip6trie: an exclusion");
  qip6(&q, "20010db8000300000000000000000001", "2001:db8:3::1", 1);
  EQ(ans(d, &q), "127.0.0.7 'trunc3'", "ip6trie: three words without :: are a /48");
  qip6(&q, "00010002000300040005000600070008", "1:2:3:4:5:6:7:8", 1);
  EQ(ans(d, &q), "127.0.0.9 '[1:2:3:4:5:6:7:8]'", "ip6trie: after eight words a colon starts the value");
  CHECK(strstr(warned, "f0(4): duplicated entry") && strstr(warned, "f0(8): invalid address") && strstr(warned, "f0(9): invalid range (non-zero host part)"),
    "ip6trie: duplicate, dotted quad, host bits warned");
  dataset_free(d);

  d = load("ip6tset",
    ":127.0.0.4:[$]\n2001:db8:1:2\n2001:db8:1:3 :5:ignored\n2001:db8:1:4::/64\n2001:db8:1:5::\n"
    "!2001:db8:1:2::5\n!2001:db8:1:2\n");
  CHECK(d != 0, "ip6tset: loads");
  if (!d) return;
  qip6(&q, "20010db8000100020000000000000001", "2001:db8:1:2::1", 1);
  EQ(ans(d, &q), "127.0.0.4 '[2001:db8:1:2::1]'", "ip6tset: a /64 as four words");
  qip6(&q, "20010db8000100020000000000000005", "2001:db8:1:2::5", 1);
  EQ(ans(d, &q), "", "ip6tset: a /128 exclusion");
  qip6(&q, "20010db8000100030000000000000000", "2001:db8:1:3::", 1);
  EQ(ans(d, &q), "127.0.0.4 '[2001:db8:1:3::]'", "ip6tset: values after entries are ignored");
  qip6(&q, "20010db8000100050000000000000001", "2001:db8:1:5::1", 1);
  EQ(ans(d, &q), "", "ip6tset: '::' is not a /64 entry");
  CHECK(strstr(warned, "f0(4): invalid address\n") && strstr(warned, "f0(5): invalid address for regular entry (should be 64 bits)")
    && strstr(warned, "f0(7): invalid address for exclusion (should be 128 bits)"), "ip6tset: rbldnsd's three warnings");
  qip4(&q, "1.2.3.4", 1);
  CHECK(dataset_query(d, &q, hits, 4) == 0, "ip6tset: an IPv4 question answers nothing");
  dataset_free(d);
}

static void t_specials (void)
{
  dataset *d;
  dssoa const *soa;
  dsns const *ns;
  struct stat st;
  opts.defttl = 30;
  d = load("ip4set",
    "$TTL 100\n1.1.1.1\n$SOA 0 ns.example. admin.example. 0 2h 10m 1w 5m\n$NS 0 ns1.example. -ns2.example ns3.example\n"
    "$TTL 1h\n$TTL 2d\n$SOA 77 other. other. 1 1 1 1 1\n$NS 99 nsX.\n$TTL 2d3h\n$ttl\t3w\n$TTL 10 # c\n"
    "#$1 hash\n;$2 semi\n:$3 colon\n1.1.1.2 :3:$1$2$3\n$12 twelve\n$TIMESTAMP 2020:01:01 2021:01:01\n");
  CHECK(d != 0, "specials: load");
  if (!d) return;
  soa = dataset_soa(d);
  ns = dataset_ns(d);
  stat(paths[0], &st);
  CHECK(soa && soa->ttl == 100 && soa->serial == 0 && dataset_mtime(d) == st.st_mtime && soa->refresh == 7200 && soa->retry == 600
    && soa->expire == 604800 && soa->minttl == 300, "$SOA: the first one; ttl 0 is the $TTL then; serial 0 kept for the zone; units");
  CHECK(soa && soa->mnamelen == 12 && !memcmp(soa->mname, "\2ns\7example", 12) && soa->rnamelen == 15, "$SOA: names in wire form with the root label");
  CHECK(ns && ns->n == 2 && ns->ttl == 100 && !memcmp(ns->name[0], "\3ns1\7example", 13) && !memcmp(ns->name[1], "\3ns3", 4),
    "$NS: names after '-' are skipped");
  CHECK(dataset_ttl(d) == 3 * 604800, "$TTL: the last valid one, case-insensitive keyword");
  CHECK(strstr(warned, "f0(9): invalid or unrecognized special entry") && strstr(warned, "f0(11): invalid or unrecognized special entry")
    && strstr(warned, "f0(16): invalid or unrecognized special entry"), "specials: 2d3h, a trailing comment, $12 refused");
  EQ(a4(d, "1.1.1.2"), "127.0.0.3 'hashsemicolon'", "specials: #$, ;$ and :$ lines are specials");
  CHECK(dataset_expires(d) > 1577836800 && dataset_expires(d) == 1609459200, "$TIMESTAMP: the expiry time");
  CHECK(dataset_mtime(d) == st.st_mtime, "dataset_mtime: the file's");
  dataset_free(d);

  opts.minttl = 20;
  opts.maxttl = 1000;
  d = load("ip4set", "$TTL 5\n$SOA 10 n. a. 5 7 8 9 10000\n$NS 100000 ns1.\n1.1.1.1\n");
  opts.minttl = opts.maxttl = 0;
  CHECK(d && dataset_ttl(d) == 20 && dataset_soa(d)->ttl == 20 && dataset_ns(d)->ttl == 1000 && dataset_soa(d)->minttl == 10000,
    "-t min:max bound $TTL and the SOA and NS TTLs, not the SOA's fields");
  dataset_free(d);
  d = load("ip4set", "$TIMESTAMP 2038:12:31\n1.1.1.1\n");
  CHECK(!d && why && strstr(warned, "sec in the future"), "$TIMESTAMP in the future: refused");
  d = load("ip4set", "$TIMESTAMP 2099:01:01\n1.1.1.1\n");
  CHECK(d && nwarn == 1 && dataset_expires(d) == 0, "$TIMESTAMP after 2038: an invalid line, as rbldnsd reads it");
  dataset_free(d);
  d = load("acl", "$SOA 0 n. a. 1 2 3 4 5\n127.0.0.1 :refuse\n");
  CHECK(d && !dataset_soa(d) && nwarn == 1, "acl: $SOA is not allowed");
  dataset_free(d);
  {
    char const *t[2] = { "$SOA 1 first. a. 1 2 3 4 5\n#$1 one\n", "$SOA 1 second. a. 1 2 3 4 5\n$1 uno\n1.1.1.1 $1\n" };
    d = loadn("ip4set", 2, t);
    CHECK(d && dataset_soa(d)->mname[1] == 'f', "$SOA: the first file's wins");
    if (d) EQ(a4(d, "1.1.1.1"), "127.0.0.2 'one'", "variables are the dataset's, across files");
    dataset_free(d);
  }
  opts.defttl = 60;
}

static void t_cksum (void)
{
  char buf[512], text[600];
  char const *body = ":127.0.0.4:x\n1.2.3.4\n5.6.7.8\n";
  size_t bl = strlen(body);
  char const *files[1];
  dataset *d;
  snprintf(buf, sizeof(buf), "%s# CKSUM: %lu %zu\n", body, (unsigned long)cksum_buf(body, bl), bl);
  d = load("ip4tset", buf);
  CHECK(d && nwarn == 0, "cksum: a matching # CKSUM line loads");
  if (d) EQ(a4(d, "5.6.7.8"), "127.0.0.4 'x'", "cksum: with its data");
  dataset_free(d);
  opts.require_cksum = 1;
  d = load("ip4tset", buf);
  CHECK(d != 0, "cksum: required and present");
  dataset_free(d);
  d = load("ip4tset", body);
  CHECK(!d && why && strstr(why, "CKSUM"), "cksum: required and missing: refused");
  opts.require_cksum = 0;

  snprintf(text, sizeof(text), "%s# CKSUM: %lu %zu\n", body, (unsigned long)cksum_buf(body, bl) ^ 1, bl);
  d = load("ip4tset", text);
  CHECK(!d && why && strstr(why, "does not match") && strstr(warned, "mismatch"), "cksum: a wrong CRC is refused with a reason");
  /* the generator's CKSUM for the whole file, then the file cut short */
  memcpy(text, buf, strlen(buf) + 1);
  memmove(text + 13, text + bl, strlen(text + bl) + 1);
  d = load("ip4tset", text);
  CHECK(!d && why && strstr(why, "truncated"), "cksum: a file shorter than its count is refused as truncated");
  snprintf(text, sizeof(text), "%s9.9.9.9\n", buf);
  d = load("ip4tset", text);
  CHECK(!d && why && strstr(why, "after the # CKSUM"), "cksum: lines after the # CKSUM line are refused");
  snprintf(text, sizeof(text), "%s# CKSUM: 12x 5\n", body);
  d = load("ip4tset", text);
  CHECK(!d && why && strstr(why, "malformed"), "cksum: a malformed # CKSUM line is refused");
  /* each file of a dataset is checked on its own */
  files[0] = put(0, "a", buf, strlen(buf));
  {
    char const *two[2] = { files[0], put(1, "b", text, strlen(text)) };
    d = dataset_load("ip4tset", two, 2, &opts, &warn, 0, &why);
    CHECK(!d, "cksum: one bad file refuses the dataset");
    d = dataset_load("ip4tset", two, 1, &opts, &warn, 0, &why);
    CHECK(d != 0, "cksum: the good file alone loads");
    dataset_free(d);
  }
  d = dataset_load("ip4tset", (char const *[]){ "/nonexistent/x" }, 1, &opts, &warn, 0, &why);
  CHECK(!d && why && errno == ENOENT, "a missing file: refused, errno kept");
  d = dataset_load("nosuchtype", files, 1, &opts, &warn, 0, &why);
  CHECK(!d && why, "an unknown type is refused");
  CHECK(dataset_type_known("ip4set") && dataset_type_known("combined") && !dataset_type_known("ip4") && !dataset_type_known(""),
    "dataset_type_known");
}

static void t_acl (void)
{
  dshit h;
  uint8_t ip[16];
  dataset *d = load("acl",
    "127.0.0.66 :refuse\n127.0.0.67 :empty\n127.0.0.68 :ignore\n127.0.0.69 :127.0.0.99:Always listed for client $\n"
    "127.0.0.64/30 :pass\n127.0.0.70\n127.0.0.71 :3\n127.0.0.73 txt only\n127.0.0.74 :REFUSE\n127.0.0.75 : refuse\n"
    "127.0.0.76 :refuse junk\n!127.0.0.79\n127.0.0.80 :empty\n127.0.0.80 :refuse\n2001:db8::/32 :refuse\n2001:db8:1::/48 $ says hi\n");
  CHECK(d != 0, "acl: loads");
  if (!d) return;
#define ACL4(last) (ip[0] = 127, ip[1] = 0, ip[2] = 0, ip[3] = (last), dataset_acl(d, ip, 0, &h))
  CHECK(ACL4(66) == DATASET_ACL_REFUSE && ACL4(67) == DATASET_ACL_EMPTY && ACL4(68) == DATASET_ACL_IGNORE, "acl: refuse, empty, ignore");
  CHECK(ACL4(65) == DATASET_ACL_PASS && ACL4(64) == DATASET_ACL_PASS, "acl: pass; longest prefix");
  CHECK(ACL4(70) == DATASET_ACL_IGNORE, "acl: no action means ignore");
  CHECK(ACL4(69) == DATASET_ACL_LISTED && h.a[3] == 99 && h.hastxt && h.txtlen == 35 && !memcmp(h.txt, "Always listed for client 127.0.0.69", 35),
    "acl: always listed, $ is the client");
  CHECK(ACL4(71) == DATASET_ACL_LISTED && h.a[3] == 3 && !h.hastxt, "acl: ':3' is listed without TXT");
  CHECK(ACL4(73) == DATASET_ACL_LISTED && h.a[3] == 2 && h.txtlen == 8, "acl: a text alone is listed as 127.0.0.2");
  CHECK(ACL4(74) == DATASET_ACL_REFUSE && ACL4(76) == DATASET_ACL_REFUSE, "acl: keywords in any case, words after them ignored");
  CHECK(ACL4(75) == DATASET_ACL_NONE && ACL4(79) == DATASET_ACL_NONE, "acl: ': refuse' and exclusions are refused lines");
  CHECK(ACL4(80) == DATASET_ACL_EMPTY, "acl: the first of two equal entries");
  CHECK(ACL4(1) == DATASET_ACL_NONE, "acl: clients not in it");
  memset(ip, 0, 16);
  ip[0] = 0x20; ip[1] = 0x01; ip[2] = 0x0d; ip[3] = 0xb8; ip[15] = 1;
  CHECK(dataset_acl(d, ip, 1, &h) == DATASET_ACL_REFUSE, "acl: IPv6 ranges");
  ip[5] = 1;
  CHECK(dataset_acl(d, ip, 1, &h) == DATASET_ACL_LISTED && h.txtlen == 21 && !memcmp(h.txt, "2001:db8:1::1 says hi", 21),
    "acl: IPv6 client text for $");
  CHECK(strstr(warned, "f0(10): invalid A RR") && strstr(warned, "f0(12): invalid address") && strstr(warned, "f0(14): duplicated entry"),
    "acl: the refused lines are warned");
  dataset_free(d);
}

static void t_combined (void)
{
  unsigned char const *const *zones;
  size_t const *lens;
  unsigned nz;
  dataset const *s;
  dataset *d = load("combined",
    "$TTL 300\n$1 common1\n$SOA 0 ns.x. a.x. 1 2 3 4 5\n$NS 0 ns.x.\n"
    "$DATASET ip4set:one one @\n1.1.1.2 :3:$1\n$TTL 50\n"
    "$DATASET ip4set two\n1.1.1.3 :3:$1 $2\n$2 two2\n$1 local1\n$SOA 0 ns.y. a.y. 9 9 9 9 9\n"
    "$DATASET dnset:d dom sub.DOM\nexample.com :4:$\n"
    "$DATASET ip4trie:t @\n1.1.1.4 :5:trie\n"
    "$DATASET ip4set\n1.1.1.6\n"
    "$DATASET generic:g @ one\n@ A 127.0.0.8\nwww 600 A 127.0.0.1\n");
  CHECK(d != 0, "combined: loads");
  if (!d) return;
  CHECK(dataset_nsub(d) == 5, "combined: five sections with subzones (one without is dropped)");
  CHECK(strstr(warned, "no subzone(s) specified") != 0, "combined: a section without subzones is warned");
  CHECK(dataset_soa(d) && dataset_soa(d)->mname[1] == 'n' && dataset_soa(d)->mname[4] == 'x' && dataset_soa(d)->ttl == 300,
    "combined: the first $SOA, for the base zone");
  s = dataset_sub(d, 0, &zones, &lens, &nz);
  CHECK(s && nz == 2 && lens[0] == 4 && !memcmp(zones[0], "\3one", 4) && lens[1] == 0, "combined: subzones in wire form, @ is empty");
  if (s) EQ(a4(s, "1.1.1.2"), "127.0.0.3 'common1'", "combined: a section sees the common variables");
  CHECK(s && dataset_ttl(s) == 50, "combined: a section's own $TTL");
  s = dataset_sub(d, 1, &zones, &lens, &nz);
  if (s) EQ(a4(s, "1.1.1.3"), "127.0.0.3 'common1 two2'", "combined: a common variable is not redefined by a section");
  CHECK(s && dataset_ttl(s) == 300 && !dataset_soa(s), "combined: the common $TTL; no SOA in a section");
  s = dataset_sub(d, 2, &zones, &lens, &nz);
  CHECK(s && nz == 2 && lens[1] == 8 && !memcmp(zones[1], "\3sub\3dom", 8), "combined: subzones lower-cased");
  if (s) EQ(dn(s, "example.com"), "127.0.0.4 'example.com'", "combined: a dnset section");
  s = dataset_sub(d, 4, &zones, &lens, &nz);
  {
    dsquery q;
    dsrr rr[4];
    int ex;
    memset(&q, 0, sizeof(q));
    CHECK(s && !strcmp(dataset_type(s), "generic") && nz == 2 && dataset_generic(s, &q, 1, rr, 4, &ex) == 1 && rr[0].ttl == 300,
      "combined: a generic section; its records take the common $TTL");
  }
  CHECK(dataset_sub(d, 5, 0, 0, 0) == 0, "combined: no sixth section");
  CHECK(dataset_entries(d) == 6, "combined: entries of the sections kept");
  dataset_free(d);

  d = load("combined", "$TTL 300\n:127.0.0.9:glob\n");
  CHECK(!d && why && strstr(warned, "specify $DATASET line"), "combined: an entry before any $DATASET refuses the file");
  d = load("combined", "$DATASET bogus:b bb\n1.1.1.5\n");
  CHECK(!d && why, "combined: an unknown type refuses the file");
  d = load("combined", "$DATASET combined:c cc\n");
  CHECK(!d && why, "combined: combined inside combined refuses the file");
  {
    char const *t[2] = { "$DATASET ip4set x\n1.1.1.1\n", "2.2.2.2\n" };
    d = loadn("combined", 2, t);
    CHECK(!d, "combined: a section ends with its file");
  }
}

static void t_generic (void)
{
  dataset *d = load("generic", "@ A 127.0.0.8\n@ TXT hello world\n@ MX 10 mx.x.\nwww 600 A 127.0.0.1\nt TXT \"a\" \"b\"\nc IN 100 A 1.2.3.4\n");
  CHECK(d != 0 && !strcmp(dataset_type(d), "generic"), "generic: loads");
  if (d)
  {
    dsquery q;
    dsrr rr[8];
    int ex;
    memset(&q, 0, sizeof(q));
    CHECK(dataset_generic(d, &q, 1, rr, 8, &ex) == 1 && ex && rr[0].len == 4 && rr[0].data[0] == 127 && rr[0].data[3] == 8, "generic: A at the apex");
    CHECK(dataset_generic(d, &q, 255, rr, 8, &ex) == 3, "generic: every record for ANY");
    CHECK(dataset_generic(d, &q, 15, rr, 8, &ex) == 1 && rr[0].len == 2 + 6 && rr[0].data[1] == 10 && !memcmp(rr[0].data + 2, "\2mx\1x", 6), "generic: MX in wire form");
    qname(&q, "www", 0);
    CHECK(dataset_generic(d, &q, 1, rr, 8, &ex) == 1 && rr[0].ttl == 600, "generic: a TTL before the type");
    CHECK(dataset_generic(d, &q, 16, rr, 8, &ex) == 0 && ex, "generic: the name exists without TXT");
    qname(&q, "t", 0);
    CHECK(dataset_generic(d, &q, 16, rr, 8, &ex) == 1 && rr[0].len == 5 && !memcmp(rr[0].data, "a\" \"b", 5), "generic: outer quotes dropped");
    qname(&q, "c", 0);
    CHECK(dataset_generic(d, &q, 1, rr, 8, &ex) == 0 && !ex, "generic: 'IN 100' in that order is refused");
  }
  dataset_free(d);
}

int main (void)
{
  char const *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof(dir), "%s/test_dataset.XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
  if (!mkdtemp(dir)) { perror("mkdtemp"); return 111; }
  opts.defttl = 60;
  t_ip4set();
  t_values();
  t_octets();
  t_ip4tset();
  t_ip4trie();
  t_maxrange();
  t_dnset();
  t_ip6();
  t_specials();
  t_cksum();
  t_acl();
  t_combined();
  t_generic();
  for (unsigned i = 0; i < 8; i++) if (paths[i][0]) unlink(paths[i]);
  rmdir(dir);
  CHECK_DONE();
}
