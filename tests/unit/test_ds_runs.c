/* test_ds_runs: datasets big enough that the builders sort them a chunk at a time and merge the chunks (dnset, ip4tset), and ip4set's runs of pieces; answers as rbldnsd gives them. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dataset.h"
#include "check.h"

static char dir[64];
static char path[128];
static char const *why;
static unsigned nwarn;

static void warn (void *ctx, char const *file, unsigned long line, char const *what)
{
  (void)ctx; (void)file; (void)line; (void)what;
  nwarn++;
}

/* a growing text */
static char *txt;
static size_t tlen, tcap;

static void add (char const *s)
{
  size_t l = strlen(s);
  if (tlen + l + 1 > tcap)
  {
    tcap = (tlen + l + 1) * 2;
    txt = realloc(txt, tcap);
    if (!txt) { perror("realloc"); exit(111); }
  }
  memcpy(txt + tlen, s, l + 1);
  tlen += l;
}

static dataset *loadtxt (char const *type)
{
  FILE *f;
  char const *files[1];
  dsload_opts o;
  memset(&o, 0, sizeof(o));
  o.defttl = 60;
  snprintf(path, sizeof(path), "%s/data", dir);
  f = fopen(path, "wb");
  if (!f || fwrite(txt, 1, tlen, f) != tlen) { perror("write"); exit(111); }
  fclose(f);
  files[0] = path;
  nwarn = 0;
  return dataset_load(type, files, 1, &o, &warn, 0, &why);
}

static dshit hits[DATASET_HITS_MAX];
static unsigned char qwire[300];

static unsigned q4 (dataset const *d, uint32_t ip)
{
  dsquery q;
  static char s[20];
  memset(&q, 0, sizeof(q));
  q.isip4 = 1;
  q.ip4[0] = (uint8_t)(ip >> 24); q.ip4[1] = (uint8_t)(ip >> 16); q.ip4[2] = (uint8_t)(ip >> 8); q.ip4[3] = (uint8_t)ip;
  snprintf(s, sizeof(s), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
  q.subst = s;
  q.substlen = strlen(s);
  q.wanttxt = 1;
  return dataset_query(d, &q, hits, DATASET_HITS_MAX);
}

static uint32_t ip4 (char const *s)
{
  unsigned a, b, c, e;
  if (sscanf(s, "%u.%u.%u.%u", &a, &b, &c, &e) != 4) return 0;
  return (uint32_t)a << 24 | b << 16 | c << 8 | e;
}

/* the answer for a dotted name: "A:txt A:txt" */
static char const *ans4 (dataset const *d, char const *addr)
{
  static char out[1024];
  unsigned n = q4(d, ip4(addr));
  size_t w = 0;
  out[0] = 0;
  for (unsigned i = 0; i < n && w < sizeof(out) - 300; i++)
    w += (size_t)snprintf(out + w, sizeof(out) - w, "%s%u:%.*s", i ? " " : "", hits[i].a[3], hits[i].hastxt ? (int)hits[i].txtlen : 0, hits[i].txt);
  return out;
}

static unsigned qn (dataset const *d, char const *name)
{
  dsquery q;
  size_t w = 0;
  unsigned n = 0;
  char const *p = name;
  memset(&q, 0, sizeof(q));
  while (*p)
  {
    char const *e = strchr(p, '.');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    qwire[w++] = (unsigned char)len;
    memcpy(qwire + w, p, len);
    w += len;
    n++;
    p += len;
    if (*p) p++;
  }
  q.name = qwire;
  q.namelen = w;
  q.nlabels = n;
  q.wanttxt = 1;
  q.subst = name;
  q.substlen = strlen(name);
  return dataset_query(d, &q, hits, DATASET_HITS_MAX);
}

/* 3 x 150000 names and wildcards: well over one chunk of the dnset
   builder, with the entries of some names in different chunks */
static void t_dnset (void)
{
  char line[128];
  dataset *d;
  unsigned bad = 0, badw = 0, badx = 0, badl = 0, badn = 0;
  tlen = 0;
  add(":127.0.0.2:D $\n");
  for (unsigned i = 0; i < 150000; i++)
  {
    snprintf(line, sizeof(line), "n%u.example.com :%u:v%u\n.w%u.example.org :5:w\n*.s%u.example.net\n", i, 2 + i % 3, i % 3, i, i);
    add(line);
  }
  /* late entries, in another chunk: a second value, and exclusions */
  for (unsigned i = 0; i < 150000; i += 1000)
  {
    snprintf(line, sizeof(line), "n%u.example.com :6:late\n!n%u.example.com\n!*.s%u.example.net\n", i, i + 1, i + 2);
    add(line);
  }
  d = loadtxt("dnset");
  CHECK(d != 0, "dnset in chunks: loads");
  if (!d) return;
  CHECK(nwarn == 0, "dnset in chunks: no warnings");
  for (unsigned i = 0; i < 150000; i += 7)
  {
    unsigned n;
    char want[16];
    snprintf(line, sizeof(line), "n%u.example.com", i);
    n = qn(d, line);
    snprintf(want, sizeof(want), "v%u", i % 3);
    if (i % 1000 == 1) { if (n) badx++; }
    else if (i % 1000 == 0)
    {
      /* both values, in the order they were made */
      if (n != 2 || hits[0].a[3] != 2 + i % 3 || hits[1].a[3] != 6 || !hits[1].hastxt || memcmp(hits[1].txt, "late", 4)) badl++;
    }
    else if (n != 1 || hits[0].a[3] != 2 + i % 3 || hits[0].txtlen != strlen(want) || memcmp(hits[0].txt, want, hits[0].txtlen)) bad++;
    snprintf(line, sizeof(line), "a.b.w%u.example.org", i);
    if (qn(d, line) != 1 || hits[0].a[3] != 5) badw++;
    snprintf(line, sizeof(line), "w%u.example.org", i);
    if (qn(d, line) != 1 || hits[0].a[3] != 5) badw++;
    snprintf(line, sizeof(line), "x.s%u.example.net", i);
    n = qn(d, line);
    if (i % 1000 == 2 ? n != 0 : (n != 1 || hits[0].a[3] != 2)) badx++;
    snprintf(line, sizeof(line), "s%u.example.net", i);
    if (qn(d, line)) badn++;
    snprintf(line, sizeof(line), "n%ux.example.com", i);
    if (qn(d, line)) badn++;
  }
  CHECK(!bad, "dnset in chunks: every name has its value");
  CHECK(!badl, "dnset in chunks: a name listed again in a later chunk has both values");
  CHECK(!badx, "dnset in chunks: exclusions in a later chunk hide names and wildcards");
  CHECK(!badw, "dnset in chunks: '.name' lists the name and what is below");
  CHECK(!badn, "dnset in chunks: '*.' is not the name itself, unlisted names are not listed");
  CHECK(dataset_entries(d) == 3 * 150000 + 3 * 150, "dnset in chunks: every line counted");
  dataset_free(d);
}

/* 1.2 million addresses, some again in a later chunk, and a whole /16
   (far more than 255 addresses of one /16 in a chunk) */
static void t_ip4tset (void)
{
  char line[64];
  dataset *d;
  unsigned bad = 0, badn = 0, bad16 = 0;
  uint32_t const step = 3000;   /* 11.0.0.0 + i * step stays below 2^32: all different */
  tlen = 0;
  add(":127.0.0.4:X $\n");
  for (uint32_t i = 0; i < 1200000; i++)
  {
    uint32_t a = 0x0b000000U + i * step;
    snprintf(line, sizeof(line), "%u.%u.%u.%u\n", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
    add(line);
    if (i == 600000)
      for (unsigned k = 0; k < 65536; k++)
      {
        snprintf(line, sizeof(line), "10.7.%u.%u\n", k >> 8, k & 255);
        add(line);
      }
  }
  for (uint32_t i = 0; i < 1200000; i += 97)
  {
    uint32_t a = 0x0b000000U + i * step;
    snprintf(line, sizeof(line), "%u.%u.%u.%u\n10.7.%u.%u\n", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, (i >> 8) & 255, i & 255);
    add(line);
  }
  d = loadtxt("ip4tset");
  CHECK(d != 0, "ip4tset in chunks: loads");
  if (!d) return;
  for (uint32_t i = 0; i < 1200000; i++)
  {
    uint32_t a = 0x0b000000U + i * step;
    if (q4(d, a) != 1 || hits[0].a[3] != 4) bad++;
    if (q4(d, a + 1) || q4(d, a - 1)) badn++;
  }
  for (unsigned k = 0; k < 65536; k++)
    if (q4(d, 0x0a070000U + k) != 1) bad16++;
  CHECK(!bad, "ip4tset in chunks: every address is listed");
  CHECK(!badn, "ip4tset in chunks: their neighbours are not");
  CHECK(!bad16, "ip4tset in chunks: a whole /16 is listed");
  CHECK(!q4(d, 0x0a060000U) && !q4(d, 0x0a07ffffU + 1), "ip4tset in chunks: not beyond it");
  CHECK(dataset_entries(d) == 1200000 + 65536, "ip4tset in chunks: repeats counted once");
  snprintf(line, sizeof(line), "%s", ans4(d, "10.7.1.2"));
  CHECK(!strcmp(line, "4:X 10.7.1.2"), "ip4tset in chunks: the value and its text");
  dataset_free(d);
}

/* ip4set: a range is rbldnsd's /8, /16, /24 and /32 pieces, the finest
   piece holding an address decides; expected answers are rbldnsd's */
static void t_ip4set (void)
{
  static char const *const want[][2] =
  {
    { "10.0.1.5", "4:c" }, { "10.0.1.6", "2:a 3:b" }, { "10.0.2.5", "2:a" }, { "10.0.2.7", "" },
    { "10.0.2.8", "2:a" }, { "10.0.4.1", "8:g" }, { "10.1.0.249", "8:g" }, { "10.1.0.250", "5:d" },
    { "10.1.1.77", "6:e" }, { "10.1.1.78", "5:d 7:f" }, { "10.1.2.5", "5:d" }, { "10.1.2.6", "8:g" },
    { "10.200.0.1", "8:g" }, { "10.2.0.1", "2:D 10.2.0.1" }, { "10.2.0.3", "3:x" }, { "10.2.0.4", "2:D 10.2.0.4" },
    { "10.2.0.5", "8:g" }, { "10.3.0.9", "9:n" }, { "10.3.0.10", "3:m" }, { "10.3.1.1", "" },
    { "10.4.0.5", "4:q" }, { "10.4.0.200", "3:p" }, { "11.0.0.1", "" }
  };
  dataset *d;
  tlen = 0;
  add(":127.0.0.2:D $\n10.0.0.0-10.0.3.255 :2:a\n10.0.1.0/24 :3:b\n10.0.1.5 :4:c\n!10.0.2.7\n"
    "10.1.0.250-10.1.2.5 :5:d\n10.1.1.77 :6:e\n10.1.1.0/24 :7:f\n10/8 :8:g\n"
    "10.2.0.1\n10.2.0.2\n10.2.0.3 :3:x\n10.2.0.4\n!10.3.0.0/16\n10.3.0.9 :9:n\n10.3.0.0/24 :3:m\n"
    "10.4.0.0-10.4.0.255 :3:p\n10.4.0.0-10.4.0.127 :4:q\n");
  d = loadtxt("ip4set");
  CHECK(d != 0, "ip4set pieces: loads");
  if (!d) return;
  for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++)
  {
    char name[128];
    char const *got = ans4(d, want[i][0]);
    snprintf(name, sizeof(name), "ip4set pieces: %s is '%s' (got '%s')", want[i][0], want[i][1], got);
    CHECK(!strcmp(got, want[i][1]), name);
  }
  dataset_free(d);
}

int main (void)
{
  char const *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof(dir), "%s/test_ds_runs.XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
  if (!mkdtemp(dir)) { perror("mkdtemp"); return 111; }
  t_ip4set();
  t_dnset();
  t_ip4tset();
  unlink(path);
  rmdir(dir);
  free(txt);
  CHECK_DONE();
}
