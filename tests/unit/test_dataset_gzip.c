/* test_dataset_gzip: gzip-compressed dataset files, told by their first bytes as rbldnsd tells them; good, multi-member, corrupt and truncated files, CKSUM on the decompressed text. */

#include <errno.h>
#include <stdint.h>
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
static dsload_opts opts;
static char const *why;
static char warned[8192];
static unsigned nwarn;

static void warn (void *ctx, char const *file, unsigned long line, char const *what)
{
  size_t l = strlen(warned);
  (void)ctx;
  nwarn++;
  snprintf(warned + l, sizeof(warned) - l, "%s(%lu): %s\n", strrchr(file, '/') ? strrchr(file, '/') + 1 : file, line, what);
}

/* ---- building files ---- */

typedef struct buf_s buf;
struct buf_s
{
  unsigned char *p;
  size_t n, cap;
};

static void add (buf *b, void const *s, size_t len)
{
  if (b->n + len > b->cap)
  {
    b->cap = (b->n + len) * 2 + 64;
    b->p = realloc(b->p, b->cap);
    if (!b->p) { perror("realloc"); exit(111); }
  }
  memcpy(b->p + b->n, s, len);
  b->n += len;
}

static void adds (buf *b, char const *s)
{
  add(b, s, strlen(s));
}

static void add32 (buf *b, uint32_t v)
{
  unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24) };
  add(b, x, 4);
}

/* gzip's CRC-32 (reflected 0xedb88320), written out here so that the
   expected side owes nothing to zlib */
static uint32_t crc32of (unsigned char const *p, size_t n)
{
  uint32_t c = 0xffffffffU;
  for (size_t i = 0; i < n; i++)
  {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0xedb88320U : c >> 1;
  }
  return c ^ 0xffffffffU;
}

#define G_EXTRA 4
#define G_NAME 8
#define G_COMMENT 16
#define G_HCRC 2
#define G_BADHCRC 0x100

/* One gzip member holding text in stored (uncompressed) deflate blocks of
   at most blk bytes, so that sizes and offsets are known exactly. */
static void member (buf *b, void const *text, size_t len, unsigned flags, size_t blk)
{
  size_t start = b->n, off = 0;
  unsigned char h[10] = { 0x1f, 0x8b, 8, (unsigned char)(flags & 0xff), 0, 0, 0, 0, 0, 3 };
  add(b, h, 10);
  if (flags & G_EXTRA) { unsigned char x[2] = { 5, 0 }; add(b, x, 2); adds(b, "extra"); }
  if (flags & G_NAME) add(b, "list.txt", 9);
  if (flags & G_COMMENT) add(b, "a comment", 10);
  if (flags & G_HCRC)
  {
    uint32_t c = crc32of(b->p + start, b->n - start) ^ (flags & G_BADHCRC ? 1 : 0);
    unsigned char x[2] = { (unsigned char)c, (unsigned char)(c >> 8) };
    add(b, x, 2);
  }
  if (!blk || blk > 65535) blk = 65535;
  do
  {
    size_t k = len - off < blk ? len - off : blk;
    unsigned char s[5] = { off + k == len, (unsigned char)k, (unsigned char)(k >> 8), (unsigned char)~k, (unsigned char)(~k >> 8) };
    add(b, s, 5);
    add(b, (unsigned char const *)text + off, k);
    off += k;
  } while (off < len);
  add32(b, crc32of(text, len));
  add32(b, (uint32_t)len);
}

static void members (buf *b, char const *s, unsigned flags)
{
  member(b, s, strlen(s), flags, 0);
}

/* text compressed by the real gzip(1), as operators make their files */
static void gzipped (buf *out, char const *text, size_t len)
{
  char in[128], cmd[300];
  FILE *f;
  snprintf(in, sizeof(in), "%s/plain.tmp", dir);
  f = fopen(in, "wb");
  if (!f || fwrite(text, 1, len, f) != len || fclose(f)) { perror("write"); exit(111); }
  snprintf(cmd, sizeof(cmd), "gzip -9 -n -c < %s", in);
  f = popen(cmd, "r");
  if (!f) { perror("popen gzip"); exit(111); }
  for (;;)
  {
    char chunk[4096];
    size_t r = fread(chunk, 1, sizeof(chunk), f);
    if (!r) break;
    add(out, chunk, r);
  }
  if (pclose(f) != 0) { fprintf(stderr, "gzip failed\n"); exit(111); }
  unlink(in);
}

static char const *put (unsigned i, void const *p, size_t n)
{
  static char paths[4][128];
  FILE *f;
  snprintf(paths[i], sizeof(paths[i]), "%s/f%u", dir, i);
  f = fopen(paths[i], "wb");
  if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f)) { perror("write"); exit(111); }
  return paths[i];
}

static dataset *loadfiles (char const *type, unsigned n, char const *const *files)
{
  warned[0] = 0;
  nwarn = 0;
  why = 0;
  return dataset_load(type, files, n, &opts, &warn, 0, &why);
}

static dataset *loadbuf (char const *type, void const *p, size_t n)
{
  char const *f = put(0, p, n);
  return loadfiles(type, 1, &f);
}

/* ---- questions ---- */

static char const *a4 (dataset const *d, char const *addr)
{
  static char out[2048];
  static char subst[32];
  dshit hits[DATASET_HITS_MAX];
  dsquery q;
  unsigned a, b, c, e, n;
  size_t w = 0;
  memset(&q, 0, sizeof(q));
  sscanf(addr, "%u.%u.%u.%u", &a, &b, &c, &e);
  q.isip4 = 1;
  q.nlabels = 4;
  q.ip4[0] = (uint8_t)a; q.ip4[1] = (uint8_t)b; q.ip4[2] = (uint8_t)c; q.ip4[3] = (uint8_t)e;
  q.wanttxt = 1;
  snprintf(subst, sizeof(subst), "%s", addr);
  q.subst = subst;
  q.substlen = strlen(subst);
  n = dataset_query(d, &q, hits, DATASET_HITS_MAX);
  out[0] = 0;
  for (unsigned i = 0; i < n; i++)
  {
    w += (size_t)snprintf(out + w, sizeof(out) - w, "%s%u.%u.%u.%u", w ? " " : "", hits[i].a[0], hits[i].a[1], hits[i].a[2], hits[i].a[3]);
    if (hits[i].hastxt) w += (size_t)snprintf(out + w, sizeof(out) - w, " '%.*s'", hits[i].txtlen, hits[i].txt);
  }
  return out;
}

#define EQ(got, want, name) do { char const *g_ = (got); int ok_ = !strcmp(g_, (want)); CHECK(ok_, name); if (!ok_) printf("#   got [%s]\n#  want [%s]\n", g_, (want)); } while (0)

/* a load that must fail, with why containing reason */
#define REFUSED(d, reason, name) do { \
  dataset *d_ = (d); \
  int ok_ = !d_ && why && strstr(why, (reason)); \
  CHECK(ok_, name); \
  if (!ok_) printf("#   why [%s], warnings [%s]\n", why ? why : "(none)", warned); \
  dataset_free(d_); \
} while (0)

static char const text[] =
  "# a list\n"
  ":127.0.0.2:listed $\n"
  "50.0.0.1\n"
  "50.0.0.2 :3:own text for $\n"
  "50.1.0.0/16 :4\n"
  "!50.1.2.3\n";

static void t_good (void)
{
  buf g = { 0, 0, 0 };
  dataset *d;
  gzipped(&g, text, sizeof(text) - 1);
  d = loadbuf("ip4set", g.p, g.n);
  /* (linked without zlib, the loader reads the compressed bytes as text) */
  CHECK(d && nwarn == 0 && dataset_entries(d) == 4, "gzip: a file made by gzip -9 is decompressed (the programs must be linked with -lz)");
  if (d)
  {
    EQ(a4(d, "50.0.0.1"), "127.0.0.2 'listed 50.0.0.1'", "gzip: the default value applies");
    EQ(a4(d, "50.0.0.2"), "127.0.0.3 'own text for 50.0.0.2'", "gzip: an entry's own value");
    EQ(a4(d, "50.1.9.9"), "127.0.0.4 'listed 50.1.9.9'", "gzip: a CIDR");
    EQ(a4(d, "50.1.2.3"), "", "gzip: an exclusion");
    CHECK(dataset_entries(d) == 4, "gzip: 4 entries, as from the plain file");
  }
  dataset_free(d);

  /* the same loader reads a plain file: the first bytes decide, not the name */
  d = loadbuf("ip4set", text, sizeof(text) - 1);
  CHECK(d && dataset_entries(d) == 4 && !strcmp(a4(d, "50.0.0.2"), "127.0.0.3 'own text for 50.0.0.2'"),
    "gzip: the plain file gives the same");
  dataset_free(d);

  /* a plain file and a gzip file in one dataset: read as one, each with its own default line */
  {
    char const *files[2];
    files[0] = put(1, "60.0.0.1\n", 9);
    files[1] = put(2, g.p, g.n);
    d = loadfiles("ip4set", 2, files);
    CHECK(d && dataset_entries(d) == 5, "gzip: a plain and a gzip file in one dataset");
    if (d)
    {
      EQ(a4(d, "60.0.0.1"), "127.0.0.2", "gzip: the plain file's entry");
      EQ(a4(d, "50.0.0.1"), "127.0.0.2 'listed 50.0.0.1'", "gzip: the gzip file's entry");
    }
    dataset_free(d);
  }

  /* the fuzz target's in-memory loads see gzip data as files do */
  d = ds_load_mem("ip4set", (char const *const[]){ (char const *)g.p }, (size_t const[]){ g.n }, 1, &opts, &warn, 0, &why);
  CHECK(d && dataset_entries(d) == 4, "gzip: an in-memory load of gzip data");
  dataset_free(d);
  free(g.p);
}

static void t_members (void)
{
  buf b = { 0, 0, 0 };
  dataset *d;
  /* every header field rbldnsd skips: extra, name, comment, header CRC */
  member(&b, text, sizeof(text) - 1, G_EXTRA | G_NAME | G_COMMENT | G_HCRC, 0);
  d = loadbuf("ip4set", b.p, b.n);
  CHECK(d && dataset_entries(d) == 4, "gzip: a header with extra field, name, comment and header CRC");
  dataset_free(d);
  b.n = 0;
  member(&b, text, sizeof(text) - 1, G_NAME | G_HCRC | G_BADHCRC, 0);
  REFUSED(loadbuf("ip4set", b.p, b.n), "corrupt gzip data", "gzip: a wrong header CRC is refused");

  /* several members, as cat a.gz b.gz makes: all are read (rbldnsd reads the first only) */
  b.n = 0;
  members(&b, "70.0.0.1 :2:one\n", 0);
  members(&b, "", 0);
  members(&b, "70.0.0.2 :3:two\n70.0.", G_NAME);
  members(&b, "0.3 :4:a line across members\n", 0);
  d = loadbuf("ip4set", b.p, b.n);
  CHECK(d && nwarn == 0 && dataset_entries(d) == 3, "gzip: four members (one empty) are read as one text");
  if (d)
  {
    EQ(a4(d, "70.0.0.1"), "127.0.0.2 'one'", "gzip: the first member");
    EQ(a4(d, "70.0.0.2"), "127.0.0.3 'two'", "gzip: a later member");
    EQ(a4(d, "70.0.0.3"), "127.0.0.4 'a line across members'", "gzip: a line split between members");
  }
  dataset_free(d);

  /* zero bytes after the last member are padding, as gzip has it */
  {
    static unsigned char const zeros[300];
    add(&b, zeros, sizeof(zeros));
    d = loadbuf("ip4set", b.p, b.n);
    CHECK(d && dataset_entries(d) == 3, "gzip: zero padding after the last member is ignored");
    dataset_free(d);
  }
  free(b.p);
}

/* Members laid so that a member's end, the next one's magic, or the zero
   padding falls on each side of the loader's 64 KiB reads. */
static void t_boundaries (void)
{
  char *big;
  size_t bl;
  unsigned nlines = 0;
  /* 3700 lines of 18 bytes: 66600 bytes */
  bl = 3700 * 18;
  big = malloc(bl + 1);
  for (unsigned i = 0; i < 3700; i++) { snprintf(big + 18 * i, 19, "80.%03u.%03u.%03u :2\n", i / 256 % 256, i % 256, 7); nlines++; }
  for (long shift = -3; shift <= 3; shift++)
  {
    buf b = { 0, 0, 0 };
    dataset *d;
    char name[128];
    /* the first member ends at 65536 + shift: header 10, one stored block 5, trailer 8 */
    size_t first = (size_t)(65536 + shift - 23);
    first -= first % 18;   /* whole lines, the rest of the 65536 + shift in a padding comment */
    {
      char *t = malloc(65536 + 10);
      size_t tl = (size_t)(65536 + shift - 23);
      memcpy(t, big, first);
      memset(t + first, '#', tl - first);
      if (tl > first) { t[first] = '#'; t[tl - 1] = '\n'; }
      member(&b, t, tl, 0, 0);
      free(t);
    }
    member(&b, big + first, bl - first, 0, 1000);
    snprintf(name, sizeof(name), "gzip: members meeting at byte 65536%+ld of the file: every line read", shift);
    d = loadbuf("ip4set", b.p, b.n);
    CHECK(d && dataset_entries(d) == nlines && nwarn == 0, name);
    if (d) EQ(a4(d, "80.14.115.7"), "127.0.0.2", "gzip: the last line of the second member");
    dataset_free(d);
    /* and padding that starts right there */
    b.n = 0;
    {
      char *t = malloc(65536 + 10);
      size_t tl = (size_t)(65536 + shift - 23);
      memset(t, '#', tl);
      t[tl - 1] = '\n';
      memcpy(t, "81.0.0.1\n", 9);
      member(&b, t, tl, 0, 0);
      free(t);
      memset(t = malloc(5000), 0, 5000);
      add(&b, t, 5000);
      free(t);
    }
    snprintf(name, sizeof(name), "gzip: zero padding from byte 65536%+ld", shift);
    d = loadbuf("ip4set", b.p, b.n);
    CHECK(d && dataset_entries(d) == 1, name);
    dataset_free(d);
    free(b.p);
  }
  free(big);
}

static void t_corrupt (void)
{
  buf g = { 0, 0, 0 }, b = { 0, 0, 0 };
  unsigned bad = 0, badbit = 0;
  size_t hdr = 10;
  gzipped(&g, text, sizeof(text) - 1);

  /* every cut short is refused, from the bare magic to one byte short */
  for (size_t n = 2; n < g.n; n++)
  {
    dataset *d = loadbuf("ip4set", g.p, n);
    if (d || !why || !strstr(why, "truncated")) { bad++; if (bad < 4) printf("#   cut at %zu of %zu: why [%s]\n", n, g.n, why ? why : "(loaded)"); }
    dataset_free(d);
  }
  CHECK(bad == 0, "gzip: a file cut anywhere after the magic is refused as truncated");

  /* any byte of the compressed data or trailer changed: refused, mostly
     as corrupt; a change that hides the last block's end reads on into the
     trailer and runs out of data, as if truncated */
  bad = 0;
  for (size_t i = hdr; i < g.n; i++)
  {
    dataset *d;
    g.p[i] ^= 0xff;
    d = loadbuf("ip4set", g.p, g.n);
    g.p[i] ^= 0xff;
    if (d || !why || !(strstr(why, "corrupt gzip data") || strstr(why, "truncated")))
    {
      bad++;
      if (bad < 4) printf("#   byte %zu: why [%s]\n", i, why ? why : "(loaded)");
    }
    else if (strstr(why, "corrupt gzip data") && !strstr(warned, "(0): corrupt gzip data: ")) { badbit++; printf("#   byte %zu: [%s]\n", i, warned); }
    dataset_free(d);
  }
  CHECK(bad == 0, "gzip: a change to any byte of the deflate data or trailer is refused");
  /* (text inflated before the CRC-32 at the end shows the damage may be
     warned about line by line first: the file is refused all the same) */
  CHECK(badbit == 0, "gzip: corrupt data is warned with zlib's reason, for the whole file (line 0)");
  g.p[g.n - 8] ^= 1;
  REFUSED(loadbuf("ip4set", g.p, g.n), "corrupt gzip data", "gzip: a wrong CRC-32 in the trailer");
  CHECK(strstr(warned, "f0(0): corrupt gzip data: incorrect data check") != 0, "gzip: the warning names the CRC check");
  g.p[g.n - 8] ^= 1;
  g.p[g.n - 1] ^= 1;
  REFUSED(loadbuf("ip4set", g.p, g.n), "corrupt gzip data", "gzip: a wrong length in the trailer");
  g.p[g.n - 1] ^= 1;

  /* the header: method, reserved flags */
  g.p[2] = 7;
  REFUSED(loadbuf("ip4set", g.p, g.n), "corrupt gzip data", "gzip: a compression method other than deflate");
  g.p[2] = 8;
  g.p[3] = 0x20;
  REFUSED(loadbuf("ip4set", g.p, g.n), "corrupt gzip data", "gzip: a reserved header flag");
  g.p[3] = 0;
  REFUSED(loadbuf("ip4set", "\x1f\x8bgarbage after the magic\n50.0.0.9\n", 35), "corrupt gzip data", "gzip: garbage after the magic");
  REFUSED(loadbuf("ip4set", "\x1f\x8b", 2), "truncated", "gzip: the magic alone is truncated");

  /* what follows the last member: another member or zeros, nothing else */
  add(&b, g.p, g.n);
  adds(&b, "trailing junk\n50.0.0.7\n");
  REFUSED(loadbuf("ip4set", b.p, b.n), "data after the end of the gzip data", "gzip: text after the last member is refused");
  b.n = g.n;
  add(&b, "\x1f\x8b", 2);
  REFUSED(loadbuf("ip4set", b.p, b.n), "truncated", "gzip: a second member cut after its magic");
  b.n = g.n;
  add(&b, "\x1f\x8c", 2);
  REFUSED(loadbuf("ip4set", b.p, b.n), "corrupt gzip data", "gzip: a second member with a wrong magic");
  b.n = g.n;
  add(&b, "\0\0\0x", 4);
  REFUSED(loadbuf("ip4set", b.p, b.n), "data after the end of the gzip data", "gzip: zeros then something else");
  b.n = g.n;
  add(&b, g.p, g.n - 1);
  REFUSED(loadbuf("ip4set", b.p, b.n), "truncated", "gzip: a second member one byte short");

  /* a refused file refuses the dataset, even beside good ones */
  {
    char const *files[2];
    files[0] = put(1, text, sizeof(text) - 1);
    files[1] = put(2, g.p, g.n - 3);
    REFUSED(loadfiles("ip4set", 2, files), "truncated", "gzip: a truncated file refuses the whole dataset");
  }
  free(g.p);
  free(b.p);
}

static void t_small (void)
{
  dataset *d = loadbuf("ip4set", "", 0);
  CHECK(d && dataset_entries(d) == 0, "gzip: an empty file is an empty plain file");
  dataset_free(d);
  d = loadbuf("ip4set", "\x1f", 1);
  CHECK(d && dataset_entries(d) == 0 && nwarn == 1, "gzip: a lone 1f byte is a plain (bad) line");
  dataset_free(d);
  d = loadbuf("ip4set", "\x8b\x1f\n", 3);
  CHECK(d != 0, "gzip: the magic bytes the other way round are plain text");
  dataset_free(d);
  {
    buf g = { 0, 0, 0 };
    gzipped(&g, "", 0);
    d = loadbuf("ip4set", g.p, g.n);
    CHECK(d && dataset_entries(d) == 0 && nwarn == 0, "gzip: gzip of nothing is an empty dataset");
    dataset_free(d);
    free(g.p);
  }
}

/* # CKSUM is checked on the decompressed text, as Spamhaus computes it */
static void t_cksum (void)
{
  char body[] = "$TTL 77\n51.0.0.1 :2:cksum $\n51.0.0.2\n";
  char withck[256];
  size_t bl = strlen(body);
  buf g = { 0, 0, 0 };
  dataset *d;
  snprintf(withck, sizeof(withck), "%s# CKSUM: %lu %zu\n", body, (unsigned long)cksum_buf(body, bl), bl);
  gzipped(&g, withck, strlen(withck));
  d = loadbuf("ip4set", g.p, g.n);
  CHECK(d && nwarn == 0 && dataset_entries(d) == 2, "gzip cksum: a matching # CKSUM line in a gzip file");
  dataset_free(d);
  opts.require_cksum = 1;
  d = loadbuf("ip4set", g.p, g.n);
  CHECK(d != 0, "gzip cksum: required (-K) and present");
  dataset_free(d);
  g.n = 0;
  gzipped(&g, body, bl);
  REFUSED(loadbuf("ip4set", g.p, g.n), "no # CKSUM line", "gzip cksum: required (-K) and missing: refused");
  opts.require_cksum = 0;

  snprintf(withck, sizeof(withck), "%s# CKSUM: %lu %zu\n", body, (unsigned long)cksum_buf(body, bl) ^ 1, bl);
  g.n = 0;
  gzipped(&g, withck, strlen(withck));
  REFUSED(loadbuf("ip4set", g.p, g.n), "does not match", "gzip cksum: a wrong CRC is refused (rbldnsd reads the line as a comment)");
  /* the text cut before it was compressed: a whole gzip file of a truncated list */
  snprintf(withck, sizeof(withck), "%.8s# CKSUM: %lu %zu\n", body, (unsigned long)cksum_buf(body, bl), bl);
  g.n = 0;
  gzipped(&g, withck, strlen(withck));
  REFUSED(loadbuf("ip4set", g.p, g.n), "truncated", "gzip cksum: a text shorter than its # CKSUM count");
  free(g.p);
}

/* -C: a gzip file is refused, as rbldnsd -C refuses it; plain files load as ever */
static void t_nogzip (void)
{
  buf g = { 0, 0, 0 };
  dataset *d;
  gzipped(&g, text, sizeof(text) - 1);
  opts.nogzip = 1;
  REFUSED(loadbuf("ip4set", g.p, g.n), "decompression is disabled (-C)", "gzip -C: a gzip file is refused");
  REFUSED(loadbuf("ip4set", "\x1f\x8b", 2), "decompression is disabled (-C)", "gzip -C: its first two bytes are enough");
  d = loadbuf("ip4set", text, sizeof(text) - 1);
  CHECK(d && dataset_entries(d) == 4, "gzip -C: a plain file loads");
  dataset_free(d);
  {
    char const *files[2];
    files[0] = put(1, text, sizeof(text) - 1);
    files[1] = put(2, g.p, g.n);
    REFUSED(loadfiles("ip4set", 2, files), "decompression is disabled (-C)", "gzip -C: a gzip file among plain ones refuses the dataset");
  }
  opts.nogzip = 0;
  d = loadbuf("ip4set", g.p, g.n);
  CHECK(d && dataset_entries(d) == 4, "gzip -C: without it the same file loads");
  dataset_free(d);
  free(g.p);
}

/* a big file: many reads of compressed input and of text, lines across both */
static void t_big (void)
{
  size_t n = 300000, cap = n * 40, w = 0;
  char *t = malloc(cap + 64);
  buf g = { 0, 0, 0 };
  dataset *d;
  w += (size_t)snprintf(t + w, cap - w, ":127.0.0.2:big $\n");
  for (size_t i = 0; i < n; i++)
    w += (size_t)snprintf(t + w, cap - w, "%zu.%zu.%zu.%zu\n", 1 + i / 65536 % 200, i / 256 % 256, i % 256, i % 7);
  {
    uint32_t c = cksum_buf(t, w);
    w += (size_t)snprintf(t + w, cap + 64 - w, "# CKSUM: %lu %zu\n", (unsigned long)c, w);
  }
  gzipped(&g, t, w);
  d = loadbuf("ip4set", g.p, g.n);
  CHECK(d && nwarn == 0 && dataset_entries(d) == n, "gzip big: 300000 lines and a # CKSUM line through the inflater");
  if (d)
  {
    EQ(a4(d, "1.0.0.0"), "127.0.0.2 'big 1.0.0.0'", "gzip big: the first line");
    EQ(a4(d, "5.147.223.0"), "127.0.0.2 'big 5.147.223.0'", "gzip big: the last line");
  }
  dataset_free(d);
  /* a line over the 1 MiB limit inside the compressed text */
  {
    size_t ll = 1100000;
    char *l = malloc(ll + 100);
    memcpy(l, "90.0.0.1\n", 9);
    memset(l + 9, 'x', ll);
    memcpy(l + 9 + ll, "\n90.0.0.2\n", 10);
    g.n = 0;
    gzipped(&g, l, ll + 19);
    d = loadbuf("ip4set", g.p, g.n);
    CHECK(d && dataset_entries(d) == 2 && strstr(warned, "f0(2): line too long"), "gzip big: a line over 1 MiB is refused, the lines around it load");
    dataset_free(d);
    free(l);
  }
  free(t);
  free(g.p);
}

int main (void)
{
  char const *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof(dir), "%s/test_dsgz.XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
  if (!mkdtemp(dir)) { perror("mkdtemp"); return 111; }
  opts.defttl = 60;
  t_good();
  t_members();
  t_boundaries();
  t_corrupt();
  t_small();
  t_cksum();
  t_nogzip();
  t_big();
  for (unsigned i = 0; i < 4; i++)
  {
    char p[128];
    snprintf(p, sizeof(p), "%s/f%u", dir, i);
    unlink(p);
  }
  rmdir(dir);
  CHECK_DONE();
}
