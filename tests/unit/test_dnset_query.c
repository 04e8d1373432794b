/* test_dnset_query: dnset lookups through the dataset API (blocks of front-coded keys, long shared prefixes, wildcards at every depth, exclusions) against rbldnsd's rules. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dataset.h"
#include "check.h"

static char dir[64];
static char path[128];
static dsload_opts opts;
static unsigned nwarn;

static void warn (void *ctx, char const *file, unsigned long line, char const *what)
{
  (void)ctx;
  nwarn++;
  printf("# %s(%lu): %s\n", file, line, what);
}

static dataset *load (char const *text)
{
  FILE *f;
  char const *files[1], *why = 0;
  dataset *d;
  size_t len = strlen(text);
  snprintf(path, sizeof(path), "%s/dnset", dir);
  f = fopen(path, "wb");
  if (!f || fwrite(text, 1, len, f) != len || fclose(f)) { perror("write"); exit(111); }
  files[0] = path;
  nwarn = 0;
  d = dataset_load("dnset", files, 1, &opts, &warn, 0, &why);
  if (!d) printf("# load: %s\n", why ? why : "?");
  return d;
}

/* a growing text, for the generated sets */
typedef struct text_s text;
struct text_s
{
  char *s;
  size_t n, cap;
};

static void add (text *t, char const *s)
{
  size_t l = strlen(s);
  if (t->n + l + 1 > t->cap)
  {
    t->cap = 2 * (t->n + l + 1);
    t->s = realloc(t->s, t->cap);
    if (!t->s) { perror("realloc"); exit(111); }
  }
  memcpy(t->s + t->n, s, l + 1);
  t->n += l;
}

static int hitcmp (void const *a, void const *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the answer for a name (dots between labels, no escapes): each record
   as "127.0.0.3" or "127.0.0.3 'txt'", sorted, joined by "|" */
static char const *ask (dataset const *d, char const *name, int txt)
{
  static char out[4096];
  static char one[DATASET_HITS_MAX][DATASET_TXT_MAX + 32];
  static unsigned char wire[300];
  char *sorted[DATASET_HITS_MAX];
  dshit hits[DATASET_HITS_MAX];
  dsquery q;
  size_t w = 0;
  unsigned n = 0, k;
  memset(&q, 0, sizeof(q));
  for (char const *p = name; *p;)
  {
    char const *e = strchr(p, '.');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (w + len + 1 > sizeof(wire)) return "(name too long)";
    wire[w++] = (unsigned char)len;
    for (size_t i = 0; i < len; i++) wire[w++] = (unsigned char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
    n++;
    p += len;
    if (*p) p++;
  }
  q.name = wire;
  q.namelen = w;
  q.nlabels = n;
  q.wanttxt = (uint8_t)txt;
  q.subst = name;
  q.substlen = strlen(name);
  n = dataset_query(d, &q, hits, DATASET_HITS_MAX);
  for (k = 0; k < n; k++)
  {
    int l = snprintf(one[k], sizeof(one[k]), "%u.%u.%u.%u", hits[k].a[0], hits[k].a[1], hits[k].a[2], hits[k].a[3]);
    if (hits[k].hastxt) snprintf(one[k] + l, sizeof(one[k]) - (size_t)l, " '%.*s'", hits[k].txtlen, hits[k].txt);
    sorted[k] = one[k];
  }
  qsort(sorted, n, sizeof(char *), hitcmp);
  w = 0;
  out[0] = 0;
  for (k = 0; k < n; k++) w += (size_t)snprintf(out + w, sizeof(out) - w, "%s%s", k ? "|" : "", sorted[k]);
  return out;
}

#define EQ(got, want, name) do { char const *g_ = (got); int ok_ = !strcmp(g_, (want)); CHECK(ok_, name); if (!ok_) printf("#   got [%s]\n#  want [%s]\n", g_, (want)); } while (0)

/* ---- hand-written sets: the answers are rbldnsd's for the same file ---- */

/* no wildcards; 50 names under one long domain, so that keys share 41
   bytes and several blocks tie on their first 8 bytes */
static void t_prefixes (void)
{
  static char const dom[] = "averyveryverylongdomainlabel.example.com";
  text t = { 0, 0, 0 };
  char line[256], name[256], want[64];
  dataset *d;
  int ok = 1;
  add(&t, ":127.0.0.2:$\n");
  for (unsigned i = 0; i < 50; i++)
  {
    /* h00..h49, each listed with its own value */
    snprintf(line, sizeof(line), "h%02u.%s :127.0.1.%u:\n", i, dom, i);
    add(&t, line);
  }
  snprintf(line, sizeof(line), "h.%s :127.0.2.1:\nh0.%s :127.0.2.2:\nsub.h10.%s :127.0.2.3:$\n%s :127.0.2.4:$\n", dom, dom, dom, dom);
  add(&t, line);
  add(&t, "a.com :127.0.3.1:\nb.com :127.0.3.2:\n");
  d = load(t.s);
  CHECK(d != 0 && !nwarn, "prefixes: loads");
  if (!d) { free(t.s); return; }
  for (unsigned i = 0; i < 50; i++)
  {
    snprintf(name, sizeof(name), "h%02u.%s", i, dom);
    snprintf(want, sizeof(want), "127.0.1.%u", i);
    if (strcmp(ask(d, name, 0), want)) { ok = 0; printf("# %s: [%s]\n", name, ask(d, name, 0)); }
  }
  CHECK(ok, "prefixes: each of 50 names sharing 41 key bytes, first, middle and last of their blocks");
  snprintf(name, sizeof(name), "h.%s", dom);
  EQ(ask(d, name, 0), "127.0.2.1", "prefixes: a one-byte label, before the two-byte ones");
  snprintf(name, sizeof(name), "h0.%s", dom);
  EQ(ask(d, name, 0), "127.0.2.2", "prefixes: h0, a label shorter than h00's");
  snprintf(name, sizeof(name), "sub.h10.%s", dom);
  EQ(ask(d, name, 1), "127.0.2.3 'sub.h10.averyveryverylongdomainlabel.example.com'", "prefixes: a name whose key extends a listed one");
  EQ(ask(d, dom, 1), "127.0.2.4 'averyveryverylongdomainlabel.example.com'", "prefixes: the parent, a prefix of every key in the blocks");
  ok = 1;
  {
    /* names around the listed ones in key order, none listed */
    static char const *const around[] = {
      "g", "h1", "h5", "h000", "h0a", "h00a", "h09a", "h1", "h10a", "h49a", "h50", "h99", "i", "zzz",
      "a.h00", "a.h49", "h10.h10", "x.sub.h10", "sub.h11", "sub.h09", "su.h10", "subb.h10", "a.h", "a.h0"
    };
    for (unsigned i = 0; i < sizeof(around) / sizeof(*around); i++)
    {
      snprintf(name, sizeof(name), "%s.%s", around[i], dom);
      if (*ask(d, name, 0)) { ok = 0; printf("# %s: [%s]\n", name, ask(d, name, 0)); }
    }
  }
  CHECK(ok, "prefixes: names just before and after listed ones are not listed");
  EQ(ask(d, "example.com", 0), "", "prefixes: a shorter parent");
  EQ(ask(d, "averyveryverylongdomainlabel.example.co", 0), "", "prefixes: a key that sorts before every block");
  EQ(ask(d, "averyveryverylongdomainlabel.example.comm", 0), "", "prefixes: a key that sorts after every block");
  EQ(ask(d, "averyveryverylongdomainlabel.examplf.com", 0), "", "prefixes: a key between ties and the next block");
  EQ(ask(d, "a.com", 0), "127.0.3.1", "prefixes: the first key of the set");
  EQ(ask(d, "b.com", 0), "127.0.3.2", "prefixes: the second");
  EQ(ask(d, "c.com", 0), "", "prefixes: between them and the long ones");
  EQ(ask(d, "com", 0), "", "prefixes: the top label");
  EQ(ask(d, "a", 0), "", "prefixes: a key smaller than the first block's");
  dataset_free(d);
  free(t.s);
}

/* wildcards at depths 1, 2, 3 and 4, listed and excluded, and values
   shared or several for a name */
static void t_wildcards (void)
{
  dataset *d = load(
    ":127.0.0.2:$\n"
    "*.com :3:com\n"
    "!*.x.com\n"
    "*.y.com :4:y\n"
    "!.z.com\n"
    "*.q.z.com :5:q\n"
    "!a.w.com\n"
    "*.w.com :6:w\n"
    ".d.c.b.org :7:deep\n"
    "dup.com :3:d1\n"
    "dup.com :4:d2\n"
    "*.dup.com :5:dw\n"
    "*.e.d.c.b.org\n");
  CHECK(d != 0 && !nwarn, "wildcards: loads");
  if (!d) return;
  EQ(ask(d, "com", 1), "", "wildcards: *.com is not com itself");
  EQ(ask(d, "a.com", 1), "127.0.0.3 'com'", "wildcards: *.com at depth 1");
  EQ(ask(d, "a.b.c.d.e.com", 1), "127.0.0.3 'com'", "wildcards: *.com six labels down");
  EQ(ask(d, "x.com", 1), "127.0.0.3 'com'", "wildcards: !*.x.com leaves x.com to *.com");
  EQ(ask(d, "a.x.com", 1), "", "wildcards: !*.x.com excludes its subdomains");
  EQ(ask(d, "b.a.x.com", 1), "", "wildcards: all of them");
  EQ(ask(d, "y.com", 1), "127.0.0.3 'com'", "wildcards: *.y.com is not y.com");
  EQ(ask(d, "a.y.com", 1), "127.0.0.4 'y'", "wildcards: the closest wildcard decides");
  EQ(ask(d, "z.com", 1), "", "wildcards: !.z.com excludes z.com");
  EQ(ask(d, "a.z.com", 1), "", "wildcards: and its subdomains");
  EQ(ask(d, "q.z.com", 1), "", "wildcards: *.q.z.com is not q.z.com, which !.z.com excludes");
  EQ(ask(d, "r.q.z.com", 1), "127.0.0.5 'q'", "wildcards: a listed wildcard below an excluded one");
  EQ(ask(d, "w.com", 1), "127.0.0.3 'com'", "wildcards: w.com by *.com");
  EQ(ask(d, "a.w.com", 1), "", "wildcards: !a.w.com excludes the name");
  EQ(ask(d, "b.w.com", 1), "127.0.0.6 'w'", "wildcards: its sibling is listed");
  EQ(ask(d, "c.a.w.com", 1), "127.0.0.6 'w'", "wildcards: !a.w.com leaves its subdomains");
  EQ(ask(d, "org", 1), "", "wildcards: org");
  EQ(ask(d, "b.org", 1), "", "wildcards: b.org");
  EQ(ask(d, "c.b.org", 1), "", "wildcards: c.b.org, above the depth-4 entry");
  EQ(ask(d, "d.c.b.org", 1), "127.0.0.7 'deep'", "wildcards: .d.c.b.org lists the name");
  EQ(ask(d, "x.d.c.b.org", 1), "127.0.0.7 'deep'", "wildcards: and its subdomains, $ is the entry");
  EQ(ask(d, "e.d.c.b.org", 1), "127.0.0.7 'deep'", "wildcards: *.e.d.c.b.org is not e.d.c.b.org");
  EQ(ask(d, "f.e.d.c.b.org", 1), "127.0.0.2 'e.d.c.b.org'", "wildcards: depth 5 is closer than depth 4");
  EQ(ask(d, "f.e.d.c.b.org", 0), "127.0.0.2", "wildcards: no TXT unless asked");
  EQ(ask(d, "dup.com", 1), "127.0.0.3 'd1'|127.0.0.4 'd2'", "wildcards: two values for a name");
  EQ(ask(d, "a.dup.com", 1), "127.0.0.5 'dw'", "wildcards: and a wildcard under it");
  EQ(ask(d, "a.net", 1), "", "wildcards: other top labels");
  EQ(ask(d, "com.net", 1), "", "wildcards: com below another top label");
  dataset_free(d);
}

/* sets with one wildcard depth only, or none: the depths without
   entries are skipped, and must be skipped right */
static void t_depths (void)
{
  dataset *d = load(":127.0.0.2:$\na.b.com :3:\nb.com :4:\nx.y.z.w.com :5:\n");
  CHECK(d != 0, "no wildcards: loads");
  if (d)
  {
    EQ(ask(d, "a.b.com", 0), "127.0.0.3", "no wildcards: a listed name at depth 3");
    EQ(ask(d, "b.com", 0), "127.0.0.4", "no wildcards: at depth 2");
    EQ(ask(d, "x.y.z.w.com", 0), "127.0.0.5", "no wildcards: at depth 5");
    EQ(ask(d, "c.a.b.com", 0), "", "no wildcards: a subdomain of a listed name");
    EQ(ask(d, "a.b.com.x", 0), "", "no wildcards: a name that ends in a listed one");
    EQ(ask(d, "com", 0), "", "no wildcards: a parent");
    EQ(ask(d, "q.x.y.z.w.com", 0), "", "no wildcards: depth 6");
    dataset_free(d);
  }
  d = load(":127.0.0.2:$\n*.com :3:$\nexact.net :4:\na.b.c.d.net :5:\n");
  CHECK(d != 0, "depth 1: loads");
  if (d)
  {
    EQ(ask(d, "com", 0), "", "depth 1: *.com is not com");
    EQ(ask(d, "a.com", 1), "127.0.0.3 'com'", "depth 1: a.com, $ is com");
    EQ(ask(d, "a.b.c.d.e.f.g.com", 0), "127.0.0.3", "depth 1: eight labels down");
    EQ(ask(d, "exact.net", 0), "127.0.0.4", "depth 1: an exact name elsewhere");
    EQ(ask(d, "a.b.c.d.net", 0), "127.0.0.5", "depth 1: one at depth 5");
    EQ(ask(d, "x.exact.net", 0), "", "depth 1: other tops are not wildcards");
    EQ(ask(d, "a.net", 0), "", "depth 1: a.net");
    EQ(ask(d, "com.net", 0), "", "depth 1: com below net");
    dataset_free(d);
  }
  d = load(":127.0.0.2:$\n*.a.b.c.com :3:$\nb.c.com :4:\nz.a.b.c.com :5:\n!y.a.b.c.com\n");
  CHECK(d != 0, "depth 4: loads");
  if (d)
  {
    EQ(ask(d, "a.b.c.com", 0), "", "depth 4: the name of *.a.b.c.com");
    EQ(ask(d, "x.a.b.c.com", 1), "127.0.0.3 'a.b.c.com'", "depth 4: a subdomain, $ is the entry");
    EQ(ask(d, "w.x.a.b.c.com", 0), "127.0.0.3", "depth 4: two levels down");
    EQ(ask(d, "z.a.b.c.com", 0), "127.0.0.5", "depth 4: an exact entry beats the wildcard");
    EQ(ask(d, "y.a.b.c.com", 0), "", "depth 4: an excluded name under it");
    EQ(ask(d, "v.y.a.b.c.com", 0), "127.0.0.3", "depth 4: and that name's subdomains");
    EQ(ask(d, "b.c.com", 0), "127.0.0.4", "depth 4: an exact name above it");
    EQ(ask(d, "x.b.c.com", 0), "", "depth 4: a sibling branch");
    EQ(ask(d, "x.a.b.c.net", 0), "", "depth 4: the same labels under another top");
    EQ(ask(d, "x.a.b.d.com", 0), "", "depth 4: a name sorting next to it");
    dataset_free(d);
  }
  /* exclusions alone at their depth: they decide all the same */
  d = load(":127.0.0.2:$\n*.com :3:\n!*.x.com\n!.z.com\n*.net :4:\n!*.a.b.c.net\n!a.b.c.d.e.net\n");
  CHECK(d != 0, "lone exclusions: loads");
  if (d)
  {
    EQ(ask(d, "x.com", 0), "127.0.0.3", "lone exclusions: x.com by *.com");
    EQ(ask(d, "a.x.com", 0), "", "lone exclusions: !*.x.com at depth 2, no listed wildcard there");
    EQ(ask(d, "b.a.x.com", 0), "", "lone exclusions: and deeper");
    EQ(ask(d, "z.com", 0), "", "lone exclusions: !.z.com, the name");
    EQ(ask(d, "a.z.com", 0), "", "lone exclusions: !.z.com, a subdomain");
    EQ(ask(d, "y.com", 0), "127.0.0.3", "lone exclusions: a sibling is listed");
    EQ(ask(d, "a.b.c.net", 0), "127.0.0.4", "lone exclusions: !*.a.b.c.net leaves the name");
    EQ(ask(d, "d.a.b.c.net", 0), "", "lone exclusions: !*.a.b.c.net at depth 4");
    EQ(ask(d, "e.d.a.b.c.net", 0), "", "lone exclusions: and at depth 6");
    EQ(ask(d, "a.b.c.d.e.net", 0), "", "lone exclusions: an excluded name at depth 6");
    EQ(ask(d, "f.a.b.c.d.e.net", 0), "127.0.0.4", "lone exclusions: its subdomain");
    dataset_free(d);
  }
  /* 70 labels: depths of 63 and more share one bit of the skip mask */
  {
    char deep[160], q[200];
    size_t w = 0;
    for (unsigned i = 0; i < 69; i++) { deep[w++] = (char)('a' + i % 26); deep[w++] = '.'; }
    memcpy(deep + w, "com", 4);
    {
      text t = { 0, 0, 0 };
      add(&t, ":127.0.0.2:$\n*.");
      add(&t, deep);
      add(&t, " :3:\n");
      add(&t, deep + 4);           /* 68 labels, exact */
      add(&t, " :4:\n*.");
      add(&t, deep + 2 * 64);      /* 6 labels */
      add(&t, " :5:\n");
      d = load(t.s);
      free(t.s);
    }
    CHECK(d != 0 && !nwarn, "70 labels: loads");
    if (d)
    {
      EQ(ask(d, deep, 0), "127.0.0.5", "70 labels: the name of *.<70 labels> has the depth-6 wildcard");
      snprintf(q, sizeof(q), "x.%s", deep);
      EQ(ask(d, q, 0), "127.0.0.3", "70 labels: 71 labels under it are listed");
      snprintf(q, sizeof(q), "y.x.%s", deep);
      EQ(ask(d, q, 0), "127.0.0.3", "70 labels: and 72");
      EQ(ask(d, deep + 4, 0), "127.0.0.4", "70 labels: an exact name of 68 labels");
      EQ(ask(d, deep + 2, 0), "127.0.0.5", "70 labels: 69 labels fall to the depth-6 wildcard");
      snprintf(q, sizeof(q), "x.%s", deep + 6);
      EQ(ask(d, q, 0), "127.0.0.5", "70 labels: 68 labels in another branch too");
      EQ(ask(d, deep + 2 * 64, 0), "", "70 labels: not the depth-6 name itself");
      dataset_free(d);
    }
  }
}

/* ---- generated sets, checked against the rules applied one entry at a time ---- */

typedef struct ent_s ent;
struct ent_s
{
  char name[96];
  unsigned exact, wild, excl;
  unsigned v;                 /* the A's last two bytes; 0: excluded */
};

static uint64_t rng = 88172645463325252ULL;

static unsigned rnd (unsigned n)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

static char const *const lab_words[] = {
  "a", "b", "aa", "ab", "ba", "a-b", "b0", "x", "xx", "mail", "www",
  "averyveryverylonglabel", "averyveryverylonglabel2", "averyveryverylonglabe", "z"
};
static char const *const tops[] = { "com", "co", "net", "org", "comm" };

static void randname (char *s, size_t max, unsigned depth)
{
  size_t w = (size_t)snprintf(s, max, "%s", tops[rnd(sizeof(tops) / sizeof(*tops))]);
  for (unsigned i = 1; i < depth; i++)
  {
    char t[128];
    snprintf(t, sizeof(t), "%s.%s", lab_words[rnd(sizeof(lab_words) / sizeof(*lab_words))], s);
    w = (size_t)snprintf(s, max, "%s", t);
  }
  (void)w;
}

/* what rbldnsd answers for name: the exact entries of the name, an
   exclusion among them hiding it; else the closest parent with wildcard
   entries, likewise. Sorted as ask() gives it. */
static void rule (ent const *e, size_t n, char const *name, int txt, char *out, size_t max)
{
  char const *at = name;
  out[0] = 0;
  for (int wild = 0;; wild = 1)
  {
    char one[64][160];
    char *sorted[64];
    unsigned nh = 0, excl = 0;
    if (wild)
    {
      at = strchr(at, '.');
      if (!at) return;
      at++;
    }
    for (size_t i = 0; i < n; i++)
    {
      if (!(wild ? e[i].wild : e[i].exact) || strcmp(e[i].name, at)) continue;
      if (e[i].excl) { excl = 1; continue; }
      if (nh < 64)
      {
        unsigned k;
        snprintf(one[nh], sizeof(one[nh]), "127.0.%u.%u", e[i].v >> 8, e[i].v & 255);
        if (txt) snprintf(one[nh] + strlen(one[nh]), sizeof(one[nh]) - strlen(one[nh]), " '%s'", at);
        /* one record per value */
        for (k = 0; k < nh && strcmp(one[k], one[nh]); k++) ;
        if (k == nh) nh++;
      }
    }
    if (excl) return;
    if (nh)
    {
      size_t w = 0;
      for (unsigned k = 0; k < nh; k++) sorted[k] = one[k];
      qsort(sorted, nh, sizeof(char *), hitcmp);
      for (unsigned k = 0; k < nh; k++) w += (size_t)snprintf(out + w, max - w, "%s%s", k ? "|" : "", sorted[k]);
      return;
    }
  }
}

/* n entries; wildmin..wildmax: the depths wildcards may have (0: none);
   the default value changes now and then (never back to an earlier
   one), so that runs of records share it */
static void t_generated (char const *what, size_t n, unsigned wildmin, unsigned wildmax, unsigned nq)
{
  ent *e = calloc(n, sizeof(ent));
  text t = { 0, 0, 0 };
  char line[256], name[256], want[4096], got[4096];
  unsigned def = 2, bad = 0, asked = 0, listed = 0;
  dataset *d;
  if (!e) { perror("calloc"); exit(111); }
  snprintf(line, sizeof(line), ":127.0.0.%u:$\n", def);
  add(&t, line);
  for (size_t i = 0; i < n; i++)
  {
    unsigned depth = 1 + rnd(5), kind = rnd(20);
    int wildok = wildmin && depth >= wildmin && depth <= wildmax;
    if (rnd(50) == 0 && def < 255)
    {
      def++;
      snprintf(line, sizeof(line), ":127.0.0.%u:$\n", def);
      add(&t, line);
    }
    randname(e[i].name, sizeof(e[i].name), depth);
    if (!wildok) kind = kind < 17 ? 0 : 17;
    /* 0..9 exact, 10..12 *., 13..15 ., 16 !, 17 !, 18 !*., 19 !. */
    e[i].exact = kind <= 9 || (kind >= 13 && kind <= 17) || kind == 19;
    e[i].wild = (kind >= 10 && kind <= 15) || kind >= 18;
    e[i].excl = kind >= 16;
    if (e[i].excl) snprintf(line, sizeof(line), "!%s%s\n", kind == 18 ? "*." : kind == 19 ? "." : "", e[i].name);
    else
    {
      char const *pre = kind >= 13 ? "." : kind >= 10 ? "*." : "";
      if (rnd(3))
      {
        e[i].v = def;
        snprintf(line, sizeof(line), "%s%s\n", pre, e[i].name);
      }
      else
      {
        /* values above 255 are the A's third byte: never a default */
        e[i].v = 256 + (unsigned)i;
        snprintf(line, sizeof(line), "%s%s :127.0.%u.%u:$\n", pre, e[i].name, e[i].v >> 8, e[i].v & 255);
      }
    }
    add(&t, line);
  }
  d = load(t.s);
  snprintf(line, sizeof(line), "%s: %zu entries load", what, n);
  CHECK(d != 0 && !nwarn, line);
  if (d)
  {
    for (unsigned k = 0; k < nq; k++)
    {
      int txt = (int)(k & 1);
      unsigned how = rnd(6);
      if (how < 4)
      {
        /* an entry's name, a parent, a child, or a sibling of it */
        char const *base = e[rnd((unsigned)n)].name;
        if (how == 0) snprintf(name, sizeof(name), "%s", base);
        else if (how == 1) snprintf(name, sizeof(name), "%s", strchr(base, '.') ? strchr(base, '.') + 1 : base);
        else if (how == 2) snprintf(name, sizeof(name), "%s.%s", lab_words[rnd(sizeof(lab_words) / sizeof(*lab_words))], base);
        else
        {
          char const *dot = strchr(base, '.');
          snprintf(name, sizeof(name), "%s%s", lab_words[rnd(sizeof(lab_words) / sizeof(*lab_words))], dot ? dot : "");
        }
      }
      else randname(name, sizeof(name), 1 + rnd(7));
      rule(e, n, name, txt, want, sizeof(want));
      snprintf(got, sizeof(got), "%s", ask(d, name, txt));
      asked++;
      if (*want) listed++;
      if (strcmp(got, want))
      {
        if (bad++ < 5) printf("# %s %s: got [%s] want [%s]\n", what, name, got, want);
      }
    }
    snprintf(line, sizeof(line), "%s: %u names answer by the rules (%u listed)", what, asked, listed);
    CHECK(!bad && listed > nq / 10 && listed < nq - nq / 10, line);
    dataset_free(d);
  }
  free(t.s);
  free(e);
}

int main (void)
{
  char const *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof(dir), "%s/test_dnset_query.XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
  if (!mkdtemp(dir)) { perror("mkdtemp"); return 111; }
  opts.defttl = 60;
  t_prefixes();
  t_wildcards();
  t_depths();
  t_generated("mixed", 3000, 1, 5, 20000);
  t_generated("no wildcards", 2000, 0, 0, 8000);
  t_generated("wildcards at depth 1", 2000, 1, 1, 8000);
  t_generated("wildcards at depth 4", 2000, 4, 4, 8000);
  t_generated("wildcards at depths 2-3", 2000, 2, 3, 8000);
  unlink(path);
  rmdir(dir);
  CHECK_DONE();
}
