/* ds_dnset: rbldnsd's dnset (domain names, "*." and "." wildcards), as reversed names sorted and front-coded in blocks. */

#include <stdlib.h>
#include <string.h>
#include "ds.h"

/* A key is a name in wire form with its labels in reverse order
   ("\3com\7example" for example.com), so that a parent's key is a prefix
   of its children's. Keys are sorted by bytes, a shorter key first. */
#define KEYMAX 254
#define BLOCK 16            /* records per block; a block's first key is stored whole */
#define WIN 11              /* key bytes in a sort record's window */
#define GROUP 8             /* block prefixes per cache line */

/* ---- loading ---- */

/* pool entry: [keylen][flags][value, 4 bytes][key] */
#define E_WILD 1
#define E_EXCL 2

/* a sort record holds an 11-byte window of its key and how much of the
   key is left from the window's start (12: more than the window); keys
   that agree on a window are refined with the next one from the pool */
typedef struct rec_s rec;
struct rec_s
{
  uint64_t p0;              /* window bytes 0..7, big-endian, zero-padded */
  uint32_t p1;              /* window bytes 8..10, then min(left, 12) */
  uint32_t off;             /* the entry in the pool; also the order in the files */
};

/* Entries are sorted a chunk at a time and each chunk is kept as a
   sorted run, front-coded (about 10 bytes an entry, where pool and sort
   record take 40); finish merges the runs. A big dnset so needs its runs
   and one chunk, not all its sort records at once. */
#define CHUNK_RECS 262144
#define CHUNK_POOL 8388608

/* a run entry: [hdr] [lengths] [suffix] [value varint if R_VAL]
   hdr: E_WILD/E_EXCL, R_VAL a value follows (else the run's previous
   one), R_SHORT lengths in one byte (shared << 4 | suffix) */
#define R_VAL 4
#define R_SHORT 8

/* a growing byte stream in mapped memory: a run, or the final stream
   (which the arena adopts at the end: no copy) */
typedef struct outb_s outb;
struct outb_s
{
  unsigned char *p;
  size_t n, cap;
};

typedef struct tmp_s tmp;
struct tmp_s
{
  unsigned char *pool;      /* the current chunk */
  size_t pool_n, pool_cap;
  rec *r;
  size_t n, cap;
  rec *r2;                  /* room to sort the chunk */
  size_t r2cap;
  outb *run;                /* the chunks sorted so far */
  size_t nrun, runcap;
};

static int dnset_start (dsbuild *b)
{
  b->tmp = calloc(1, sizeof(tmp));
  return b->tmp != 0;
}

/* text name (no wildcard) to a reversed key; 0 if invalid */
static size_t revkey (char const *s, size_t len, unsigned char *key)
{
  unsigned char wire[KEYMAX + 2];
  size_t lab[128], nl = 0, w = 0, i = 0, k = 0;
  int in = 0;
  if (!memchr(s, '\\', len))
  {
    /* no escapes, the usual case: labels are plain runs between dots */
    size_t ln[128], total = 0;
    while (i < len)
    {
      char const *d = memchr(s + i, '.', len - i);
      size_t e = d ? (size_t)(d - s) : len;
      if (e > i)
      {
        if (nl == 128 || e - i > 63) return 0;
        lab[nl] = i;
        ln[nl++] = e - i;
        total += e - i + 1;
      }
      i = e + 1;
    }
    if (!nl || total > KEYMAX) return 0;
    while (nl--)
    {
      unsigned char const *p = (unsigned char const *)s + lab[nl];
      key[k++] = (unsigned char)ln[nl];
      for (size_t j = 0; j < ln[nl]; j++)
      {
        unsigned c = p[j];
        key[k++] = (unsigned char)(c + ((c - 'A' < 26U) << 5));
      }
    }
    return k;
  }
  while (i < len)
  {
    unsigned c = (unsigned char)s[i++];
    if (c == '.') { in = 0; continue; }
    if (c == '\\')
    {
      if (i >= len) break;
      if (s[i] >= '0' && s[i] <= '9')
      {
        unsigned v = 0, d = 0;
        while (d < 3 && i < len && s[i] >= '0' && s[i] <= '9') { v = v * 10 + (unsigned)(s[i++] - '0'); d++; }
        if (v > 255) return 0;
        c = v;
      }
      else c = (unsigned char)s[i++];
    }
    if (!in)
    {
      if (w >= KEYMAX || nl == 128) return 0;
      lab[nl++] = w;
      wire[w++] = 0;
      in = 1;
    }
    if (wire[lab[nl - 1]] == 63 || w >= KEYMAX) return 0;
    if (c >= 'A' && c <= 'Z') c += 32;
    wire[w++] = (unsigned char)c;
    wire[lab[nl - 1]]++;
  }
  if (!nl) return 0;
  while (nl--)
  {
    size_t l = (size_t)wire[lab[nl]] + 1;
    memcpy(key + k, wire + lab[nl], l);
    k += l;
  }
  return k;
}

#define SLACK 16            /* readable bytes after every key in the pool, for whole-word reads */

/* the window of key[from..]; key is in the pool, from <= kl */
static void window (rec *r, unsigned char const *key, size_t kl, size_t from)
{
  size_t left = kl - from;
  uint64_t a;
  uint32_t c;
  memcpy(&a, key + from, 8);
  memcpy(&c, key + from + 8, 4);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  a = __builtin_bswap64(a);
  c = __builtin_bswap32(c);
#endif
  /* what lies past the key reads as zeros */
  if (left < 8)
  {
    a = left ? a & ~(uint64_t)0 << (8 * (8 - left)) : 0;
    c = 0;
  }
  else if (left == 8) c = 0;
  else if (left < WIN) c &= ~(uint32_t)0 << (8 * (12 - left));
  r->p0 = a;
  r->p1 = (c & 0xffffff00U) | (uint32_t)(left > WIN ? WIN + 1 : left);
}

static int flush (tmp *t);

static int addkey (dsbuild *b, unsigned char const *key, size_t kl, unsigned flags, uint32_t v)
{
  tmp *t = b->tmp;
  unsigned char *e;
  rec *r;
  if ((t->n == CHUNK_RECS || t->pool_n + kl + 6 > CHUNK_POOL) && !flush(t)) return ds_fatal(b, "out of memory");
  if (t->pool_n + kl + 6 > 0xffffffffU) return ds_fatal(b, "dnset too large");
  if (!ds_big_grow((void **)&t->pool, &t->pool_cap, t->pool_n + kl + 6 + SLACK, 1)) return ds_fatal(b, "out of memory");
  if (!ds_big_grow((void **)&t->r, &t->cap, t->n + 1, sizeof(rec))) return ds_fatal(b, "out of memory");
  e = t->pool + t->pool_n;
  e[0] = (unsigned char)kl;
  e[1] = (unsigned char)flags;
  e[2] = (unsigned char)v;
  e[3] = (unsigned char)(v >> 8);
  e[4] = (unsigned char)(v >> 16);
  e[5] = (unsigned char)(v >> 24);
  memcpy(e + 6, key, kl);
  r = t->r + t->n++;
  window(r, e + 6, kl, 0);
  r->off = (uint32_t)t->pool_n;
  t->pool_n += kl + 6;
  return 1;
}

static int dnset_line (dsbuild *b, char const *s, size_t len)
{
  unsigned char key[KEYMAX + 1];
  size_t n = 0, kl;
  int excl = ds_excl(&s, &len), exact = 1, wild = 0;
  uint32_t v = 0;
  while (n < len && !ds_space(s[n])) n++;
  if (n >= 2 && s[0] == '*' && s[1] == '.') { exact = 0; wild = 1; s += 2; len -= 2; n -= 2; }
  else if (n >= 1 && s[0] == '.') { wild = 1; s++; len--; n--; }
  kl = revkey(s, n, key);
  if (!kl) return ds_bad(b, "invalid domain name");
  if (!excl && !ds_value(b, s + n, len - n, &v)) return 0;
  if (exact && !addkey(b, key, kl, excl ? E_EXCL : 0, v)) return -1;
  if (wild && !addkey(b, key, kl, E_WILD | (excl ? E_EXCL : 0), v)) return -1;
  return 1;
}

static int keycmp (unsigned char const *a, size_t al, unsigned char const *b, size_t bl)
{
  int c = memcmp(a, b, al < bl ? al : bl);
  if (c) return c;
  return al < bl ? -1 : al > bl;
}

/* the bytes a and b share, from "from" on (which they share before);
   8 bytes past the shorter one are readable */
static size_t lcp (unsigned char const *a, size_t al, unsigned char const *b, size_t bl, size_t from)
{
  size_t m = al < bl ? al : bl, i = from;
  while (i < m)
  {
    uint64_t x, y;
    memcpy(&x, a + i, 8);
    memcpy(&y, b + i, 8);
    if (x != y)
    {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      i += (size_t)__builtin_ctzll(x ^ y) / 8;
#else
      i += (size_t)__builtin_clzll(x ^ y) / 8;
#endif
      break;
    }
    i += 8;
  }
  return i < m ? i : m;
}

/* a key's first 8 bytes as a number that orders like the key */
static uint64_t prefix8 (unsigned char const *k, size_t kl)
{
  uint64_t v = 0;
  for (size_t i = 0; i < 8; i++) v = v << 8 | (i < kl ? k[i] : 0);
  return v;
}

/* order within a window: its bytes, what is left, then file order */
static int reccmp (rec const *a, rec const *b)
{
  if (a->p0 != b->p0) return a->p0 < b->p0 ? -1 : 1;
  if (a->p1 != b->p1) return a->p1 < b->p1 ? -1 : 1;
  return a->off < b->off ? -1 : a->off > b->off;
}

static unsigned recbyte (rec const *r, unsigned d)
{
  return d < 8 ? (unsigned)(r->p0 >> (56 - 8 * d)) & 255 : (unsigned)(r->p1 >> (24 - 8 * (d - 8))) & 255;
}

static void isort (rec *a, size_t n)
{
  for (size_t i = 1; i < n; i++)
  {
    rec x = a[i];
    size_t j = i;
    while (j && reccmp(a + j - 1, &x) > 0) { a[j] = a[j - 1]; j--; }
    a[j] = x;
  }
}

/* for runs that share the whole window: O(n log n) whatever the input */
static void hsort (rec *a, size_t n)
{
  for (size_t st = n / 2; st-- > 0;)
    for (size_t r = st;;)
    {
      size_t c = 2 * r + 1;
      if (c >= n) break;
      if (c + 1 < n && reccmp(a + c, a + c + 1) < 0) c++;
      if (reccmp(a + r, a + c) >= 0) break;
      { rec t = a[r]; a[r] = a[c]; a[c] = t; }
      r = c;
    }
  for (size_t end = n; end > 1;)
  {
    end--;
    { rec t = a[0]; a[0] = a[end]; a[end] = t; }
    for (size_t r = 0;;)
    {
      size_t c = 2 * r + 1;
      if (c >= end) break;
      if (c + 1 < end && reccmp(a + c, a + c + 1) < 0) c++;
      if (reccmp(a + r, a + c) >= 0) break;
      { rec t = a[r]; a[r] = a[c]; a[c] = t; }
      r = c;
    }
  }
}

/* in-place radix sort on the window's twelve bytes */
static void rsort (rec *a, size_t n, unsigned d)
{
  while (n > 32 && d < WIN + 1)
  {
    size_t cnt[256], start[256], next[256];
    memset(cnt, 0, sizeof(cnt));
    for (size_t i = 0; i < n; i++) cnt[recbyte(a + i, d)]++;
    if (cnt[recbyte(a, d)] == n) { d++; continue; }   /* nothing to split at this byte */
    for (size_t i = 0, s = 0; i < 256; i++) { start[i] = next[i] = s; s += cnt[i]; }
    for (unsigned k = 0; k < 256; k++)
      while (next[k] < start[k] + cnt[k])
      {
        rec x = a[next[k]];
        unsigned y = recbyte(&x, d);
        while (y != k)
        {
          rec t = a[next[y]];
          a[next[y]++] = x;
          x = t;
          y = recbyte(&x, d);
        }
        a[next[k]++] = x;
      }
    for (unsigned k = 0; k < 256; k++)
      if (cnt[k] > 1) rsort(a + start[k], cnt[k], d + 1);
    return;
  }
  if (n <= 32) isort(a, n);
  else hsort(a, n);
}

/* a first step on two bytes at once for big arrays: one pass over
   memory instead of two */
static void rsort16 (rec *a, size_t n, unsigned d)
{
  size_t *cnt = calloc(65536, sizeof(size_t)), *start, *next;
  if (!cnt) { rsort(a, n, d); return; }
  start = malloc(2 * 65536 * sizeof(size_t));
  if (!start) { free(cnt); rsort(a, n, d); return; }
  next = start + 65536;
  for (size_t i = 0; i < n; i++) cnt[recbyte(a + i, d) << 8 | recbyte(a + i, d + 1)]++;
  for (size_t i = 0, s = 0; i < 65536; i++) { start[i] = next[i] = s; s += cnt[i]; }
  for (unsigned k = 0; k < 65536; k++)
    while (next[k] < start[k] + cnt[k])
    {
      rec x = a[next[k]];
      unsigned y = recbyte(&x, d) << 8 | recbyte(&x, d + 1);
      while (y != k)
      {
        rec t = a[next[y]];
        a[next[y]++] = x;
        x = t;
        y = recbyte(&x, d) << 8 | recbyte(&x, d + 1);
      }
      a[next[k]++] = x;
    }
  for (unsigned k = 0; k < 65536; k++)
    if (cnt[k] > 1) rsort(a + start[k], cnt[k], d + 2);
  free(cnt);
  free(start);
}

/* a stable sort on the window, a byte at a time from the last, through
   t[0..n): one pass counts every byte, and only bytes that differ
   somewhere take a pass of their own. For chunks, where it beats the
   in-place sorts above by a few times. */
static void lsdsort (rec *a, rec *t, size_t n)
{
  uint32_t cnt[12][256];
  rec *src = a, *dst = t;
  memset(cnt, 0, sizeof(cnt));
  for (size_t i = 0; i < n; i++)
  {
    uint64_t p0 = a[i].p0;
    uint32_t p1 = a[i].p1;
    for (unsigned d = 0; d < 4; d++) cnt[d][(p1 >> (8 * d)) & 255]++;
    for (unsigned d = 0; d < 8; d++) cnt[4 + d][(p0 >> (8 * d)) & 255]++;
  }
  for (unsigned d = 0; d < 12; d++)
  {
    uint32_t pos[256];
    unsigned sh = d < 4 ? 8 * d : 8 * (d - 4);
    if (cnt[d][(d < 4 ? (uint64_t)src[0].p1 : src[0].p0) >> sh & 255] == n) continue;
    for (unsigned k = 0, sum = 0; k < 256; k++) { pos[k] = sum; sum += cnt[d][k]; }
    if (d < 4)
      for (size_t i = 0; i < n; i++) dst[pos[src[i].p1 >> sh & 255]++] = src[i];
    else
      for (size_t i = 0; i < n; i++) dst[pos[src[i].p0 >> sh & 255]++] = src[i];
    { rec *x = src; src = dst; dst = x; }
  }
  if (src != a) memcpy(a, src, n * sizeof(rec));
}

/* sorts a[0..n) whose keys agree before byte from: by the window at
   from, then runs that fill it are refined with the next window; t, if
   not 0, has room for n records */
static void keysort (rec *a, size_t n, size_t from, unsigned char const *pool, rec *t)
{
  if (t && n >= 1024 && n <= 0xffffffffU) lsdsort(a, t, n);
  else if (n >= 131072) rsort16(a, n, 0);
  else rsort(a, n, 0);
  for (size_t i = 0; i < n;)
  {
    size_t j = i + 1;
    while (j < n && a[j].p0 == a[i].p0 && a[j].p1 == a[i].p1) j++;
    if (j - i > 1 && (a[i].p1 & 255) > WIN)
    {
      /* the keys go on past this window: read the next one */
      for (size_t k = i; k < j; k++)
      {
        unsigned char const *e;
        if (k + 8 < j) __builtin_prefetch(pool + a[k + 8].off);
        e = pool + a[k].off;
        window(a + k, e + 6, e[0], from + WIN);
      }
      keysort(a + i, j - i, from + WIN, pool, t);
    }
    i = j;
  }
}

/* ---- the front-coded stream ----
   record: [flags] [lengths] [suffix] [exact values] [wild values]
   flags: F_EXACT/F_WILD the key has exact / wildcard entries, F_*EXCL
   excluded, F_*MULTI several values (count then values), F_*SAME the
   value is the one the previous record gave that kind, F_SHORT lengths
   in one byte (shared << 4 | suffix) */
#define F_EXACT 1
#define F_WILD 2
#define F_EEXCL 4
#define F_WEXCL 8
#define F_EMULTI 16
#define F_WMULTI 32
#define F_SAME 64           /* every single value is the same as the previous record's, per kind */
#define F_SHORT 128

typedef struct dnset_s dnset;
struct dnset_s
{
  unsigned char const *s;   /* the stream */
  uint32_t const *ix;       /* offset of each block */
  uint64_t const *ixkey;    /* the first 8 bytes of each block's first key: the search mostly stays here;
                               cache-line aligned, so that a group of GROUP is one line */
  uint64_t const *ixtop;    /* ixkey of every GROUP-th block: small enough to stay in the cache, it
                               leaves one line of ixkey to read where a plain search would miss on each step */
  uint32_t ntop;
  uint32_t nblk;
  uint32_t nkeys;
  uint64_t exactlabs;       /* bit n: some key of n labels (63: 63 or more) has exact entries */
  uint64_t wildlabs;        /*  ... has wildcard entries, excluded ones too: they decide */
};

/* a key's bit in exactlabs/wildlabs */
static uint64_t labbit (size_t nlabels)
{
  return (uint64_t)1 << (nlabels < 63 ? nlabels : 63);
}

/* room for k more bytes; tmp: a run, in small pages */
static int outgrow (outb *o, size_t k, int tmp)
{
  size_t nc;
  void *q;
  nc = o->cap ? 2 * o->cap : 65536;
  while (nc < o->n + k) nc *= 2;
  q = tmp ? ds_tmp_resize(o->p, o->cap, nc) : ds_big_resize(o->p, o->cap, nc);
  if (!q) return 0;
  o->p = q;
  o->cap = nc;
  return 1;
}

static inline int outreserve (outb *o, size_t k)
{
  return o->n + k <= o->cap || outgrow(o, k, 0);
}

static size_t putvar (unsigned char *p, uint32_t v)
{
  size_t n = 0;
  while (v >= 128) { p[n++] = (unsigned char)(v | 128); v >>= 7; }
  p[n++] = (unsigned char)v;
  return n;
}

static uint32_t getvar (unsigned char const **pp)
{
  unsigned char const *p = *pp;
  uint32_t v = 0;
  unsigned sh = 0;
  while (*p & 128) { v |= (uint32_t)(*p++ & 127) << sh; sh += 7; }
  v |= (uint32_t)*p++ << sh;
  *pp = p;
  return v;
}

static int u32cmp (void const *pa, void const *pb)
{
  uint32_t a = *(uint32_t const *)pa, b = *(uint32_t const *)pb;
  return a < b ? -1 : a > b;
}

/* ---- runs ---- */

/* Sorts the chunk and appends it to the runs. 1, or 0 on ENOMEM. */
static int flush (tmp *t)
{
  outb *r;
  unsigned char const *pk = 0;
  size_t pkl = 0;
  uint32_t lastv = 0xffffffffU;
  if (!t->n) return 1;
  if (!ds_grow((void **)&t->run, &t->runcap, t->nrun + 1, sizeof(outb))) return 0;
  r = t->run + t->nrun++;
  memset(r, 0, sizeof(*r));
  /* without the room, a slower sort in place */
  keysort(t->r, t->n, 0, t->pool, ds_big_grow((void **)&t->r2, &t->r2cap, t->n, sizeof(rec)) ? t->r2 : 0);
  for (size_t i = 0; i < t->n; i++)
  {
    unsigned char const *e = t->pool + t->r[i].off, *key = e + 6;
    size_t kl = e[0], sh = 0;
    unsigned hdr = e[1];
    uint32_t v = (uint32_t)e[2] | (uint32_t)e[3] << 8 | (uint32_t)e[4] << 16 | (uint32_t)e[5] << 24;
    /* sorted order visits the pool at random: ask for entries early */
    if (i + 16 < t->n) __builtin_prefetch(t->pool + t->r[i + 16].off);
    if (pk) sh = lcp(key, kl, pk, pkl, 0);
    if (!(hdr & E_EXCL) && v != lastv) { hdr |= R_VAL; lastv = v; }
    if (sh < 16 && kl - sh < 16) hdr |= R_SHORT;
    if (r->n + 3 + (kl - sh) + 5 > r->cap && !outgrow(r, 3 + (kl - sh) + 5, 1)) return 0;
    r->p[r->n++] = (unsigned char)hdr;
    if (hdr & R_SHORT) r->p[r->n++] = (unsigned char)(sh << 4 | (kl - sh));
    else { r->p[r->n++] = (unsigned char)sh; r->p[r->n++] = (unsigned char)(kl - sh); }
    memcpy(r->p + r->n, key + sh, kl - sh);
    r->n += kl - sh;
    if (hdr & R_VAL) r->n += putvar(r->p + r->n, v);
    pk = key;
    pkl = kl;
  }
  {
    void *q = ds_tmp_resize(r->p, r->cap, r->n);
    if (q) { r->p = q; r->cap = r->n; }
  }
  t->n = 0;
  t->pool_n = 0;
  return 1;
}

/* A run being read by the merge. The merge is a tree of losers with
   offset-value codes: a key's code against a smaller key is where they
   first differ and its byte there, so that keys coded against the same
   key compare as integers; front coding gives each key's code against
   the one before it for free. A node of the tree is a code and a run
   (code << 32 | run), so that most matches are one comparison. */
typedef struct cur_s cur;
struct cur_s
{
  unsigned char const *p, *end;
  void *base;               /* what is still mapped of the run */
  size_t mapped;
  unsigned char key[KEYMAX + 1 + 8];   /* 8: read by words */
  size_t kl;
  unsigned flags;           /* E_WILD, E_EXCL */
  uint32_t v;
};

#define GIVEBACK 131072     /* the merge unmaps what it has read of a run by this much */
#define CODE_END 0xffffffffU

/* the code of key[0..kl) against a smaller key it shares off bytes
   with: more shared is smaller, then the next byte, the end first */
static uint32_t ovc (unsigned char const *key, size_t kl, size_t off)
{
  return (uint32_t)(KEYMAX + 1 - off) << 9 | (off < kl ? key[off] + 1U : 0);
}

/* the next entry of c's run; returns its code against the one before */
static uint32_t curnext (cur *c)
{
  unsigned char const *p = c->p;
  unsigned hdr;
  size_t sh, sl;
  if (p >= c->end)
  {
    ds_big_free(c->base, c->mapped);
    c->base = 0;
    c->mapped = 0;
    return CODE_END;
  }
  hdr = *p++;
  if (hdr & R_SHORT) { sh = *p >> 4; sl = *p & 15; p++; }
  else { sh = p[0]; sl = p[1]; p += 2; }
  memcpy(c->key + sh, p, sl);
  p += sl;
  c->kl = sh + sl;
  if (hdr & R_VAL) c->v = getvar(&p);
  c->flags = hdr & (E_WILD | E_EXCL);
  c->p = p;
  if ((size_t)(p - (unsigned char const *)c->base) >= GIVEBACK)
    ds_big_drop(&c->base, &c->mapped, (size_t)(p - (unsigned char const *)c->base));
  return ovc(c->key, c->kl, sh);
}

#define NODE(code, run) ((uint64_t)(code) << 32 | (run))
#define NODE_CODE(n) ((uint32_t)((n) >> 32))
#define NODE_RUN(n) ((uint32_t)(n))

/* match() on equal codes: the keys agree one byte past the offset */
static uint64_t tie (cur *c, uint64_t a, uint64_t b, uint64_t *lose)
{
  uint32_t code = NODE_CODE(a);
  cur const *x = c + NODE_RUN(a), *y = c + NODE_RUN(b);
  size_t i;
  *lose = b;
  if (code == CODE_END || !(code & 511)) return a;   /* both done, or both equal to the key */
  i = lcp(x->key, x->kl, y->key, y->kl, KEYMAX + 2 - (code >> 9));
  if (i == y->kl || (i < x->kl && x->key[i] > y->key[i]))
  {
    *lose = NODE(ovc(x->key, x->kl, i), NODE_RUN(a));
    return b;
  }
  *lose = NODE(ovc(y->key, y->kl, i), NODE_RUN(b));   /* y is bigger, or the same key */
  return a;
}

/* a and b coded against the same key: returns the smaller and sets
   *lose to the other, coded against the winner */
static inline uint64_t match (cur *c, uint64_t a, uint64_t b, uint64_t *lose)
{
  if ((a ^ b) >> 32)
  {
    uint64_t w = a < b ? a : b;
    *lose = a ^ b ^ w;
    return w;
  }
  return tie(c, a, b, lose);
}

/* plays the matches below node x of the tree (leaves k..2k-1 are the runs) */
static uint64_t build (uint64_t *tree, cur *c, uint64_t const *leaf, size_t k, size_t x)
{
  if (x >= k) return leaf[x - k];
  return match(c, build(tree, c, leaf, k, 2 * x), build(tree, c, leaf, k, 2 * x + 1), tree + x);
}

typedef struct kind_s kind;
struct kind_s
{
  int has, excl;
  uint32_t *v;
  size_t nv, cap;
};

static int dnset_finish (dsbuild *b)
{
  tmp *t = b->tmp;
  dsarena *ar = ds_barena(b);
  dnset *x = ds_alloc(ar, sizeof(dnset));
  outb o = { 0, 0, 0 };
  uint32_t *ix = 0;
  size_t nix = 0, ixcap = 0, nkeys = 0;
  unsigned char key[KEYMAX + 1];
  size_t nr;
  uint32_t lastv[2] = { 0xffffffffU, 0xffffffffU };
  kind k[2];
  cur *c = 0, *wc;
  uint64_t *tree = 0, win = NODE(CODE_END, 0);
  int ok = 0;
  memset(k, 0, sizeof(k));
  if (!x) return 0;
  /* the last chunk becomes a run too; the chunk's memory goes before the
     merge starts */
  if (!flush(t)) goto oom;
  nr = t->nrun;
  ds_big_release(t->r, t->cap, sizeof(rec));
  t->r = 0;
  t->cap = 0;
  ds_big_release(t->r2, t->r2cap, sizeof(rec));
  t->r2 = 0;
  t->r2cap = 0;
  ds_big_release(t->pool, t->pool_cap, 1);
  t->pool = 0;
  t->pool_cap = 0;
  if (nr)
  {
    c = calloc(nr, sizeof(cur));
    tree = calloc(2 * nr, sizeof(uint64_t));
    if (!c || !tree) goto oom;
    for (size_t i = 0; i < nr; i++)
    {
      cur *ci = c + i;
      ci->p = ci->base = t->run[i].p;
      ci->end = ci->p + t->run[i].n;
      ci->mapped = t->run[i].cap;
      /* the cursor owns the mapping now */
      t->run[i].p = 0;
      t->run[i].cap = 0;
      tree[nr + i] = NODE(curnext(ci), i);
    }
    win = build(tree, c, tree + nr, nr, 1);
  }
  while (NODE_CODE(win) != CODE_END)
  {
    /* the winner's code says what it shares with the key before */
    size_t kl = c[NODE_RUN(win)].kl, off = KEYMAX + 1 - (NODE_CODE(win) >> 9), shared = 0;
    unsigned flags = 0;
    int same = 1;
    uint32_t eq = ovc(0, 0, kl);
    memcpy(key, c[NODE_RUN(win)].key, kl);
    k[0].has = k[1].has = k[0].excl = k[1].excl = 0;
    k[0].nv = k[1].nv = 0;
    /* every entry with this key, from whichever runs have it */
    do
    {
      kind *kk;
      wc = c + NODE_RUN(win);
      kk = k + (wc->flags & E_WILD ? 1 : 0);
      kk->has = 1;
      if (wc->flags & E_EXCL) kk->excl = 1;
      else
      {
        if (!ds_grow((void **)&kk->v, &kk->cap, kk->nv + 1, sizeof(uint32_t))) goto oom;
        kk->v[kk->nv++] = wc->v;
      }
      /* the winner's run moves on; replay its way to the top, where
         every key is then coded against the key just taken */
      win = NODE(curnext(wc), NODE_RUN(win));
      for (size_t x = (nr + NODE_RUN(win)) / 2; x >= 1; x /= 2)
        win = match(c, win, tree[x], tree + x);
    } while (NODE_CODE(win) == eq);
    for (unsigned w = 0; w < 2; w++)
      if (k[w].nv > 1)
      {
        size_t u = 1;
        qsort(k[w].v, k[w].nv, sizeof(uint32_t), u32cmp);
        for (size_t q = 1; q < k[w].nv; q++) if (k[w].v[q] != k[w].v[u - 1]) k[w].v[u++] = k[w].v[q];
        k[w].nv = u;
      }
    if (nkeys % BLOCK == 0)
    {
      if (!ds_grow((void **)&ix, &ixcap, nix + 1, sizeof(uint32_t))) goto oom;
      if (o.n > 0xffffffffU) { ds_fatal(b, "dnset too large"); goto fail; }
      ix[nix++] = (uint32_t)o.n;
      lastv[0] = lastv[1] = 0xffffffffU;
    }
    else
      shared = off;
    for (unsigned w = 0; w < 2; w++)
    {
      if (!k[w].has) continue;
      flags |= w ? F_WILD : F_EXACT;
      if (k[w].excl) { flags |= w ? F_WEXCL : F_EEXCL; continue; }
      if (k[w].nv > 1) { flags |= w ? F_WMULTI : F_EMULTI; same = 0; }
      else if (k[w].v[0] != lastv[w]) same = 0;
    }
    if (same && (flags & (F_EXACT | F_WILD)) && !((flags & F_EXACT) && (flags & F_EEXCL) && (flags & F_WILD) && (flags & F_WEXCL))) flags |= F_SAME;
    {
      size_t nlab = 0;
      for (size_t q = 0; q < kl; q += (size_t)key[q] + 1) nlab++;
      if (flags & F_EXACT) x->exactlabs |= labbit(nlab);
      if (flags & F_WILD) x->wildlabs |= labbit(nlab);
    }
    if (shared < 16 && kl - shared < 16) flags |= F_SHORT;
    if (!outreserve(&o, 3 + (kl - shared) + 2 * 5 * (1 + k[0].nv + k[1].nv))) goto oom;
    o.p[o.n++] = (unsigned char)flags;
    if (flags & F_SHORT) o.p[o.n++] = (unsigned char)(shared << 4 | (kl - shared));
    else { o.p[o.n++] = (unsigned char)shared; o.p[o.n++] = (unsigned char)(kl - shared); }
    memcpy(o.p + o.n, key + shared, kl - shared);
    o.n += kl - shared;
    for (unsigned w = 0; w < 2; w++)
    {
      if (!k[w].has || k[w].excl) continue;
      if (k[w].nv > 1)
      {
        o.n += putvar(o.p + o.n, (uint32_t)k[w].nv);
        for (size_t q = 0; q < k[w].nv; q++) o.n += putvar(o.p + o.n, k[w].v[q]);
        lastv[w] = 0xffffffffU;
      }
      else
      {
        if (!(flags & F_SAME)) o.n += putvar(o.p + o.n, k[w].v[0]);
        lastv[w] = k[w].v[0];
      }
    }
    nkeys++;
  }
  {
    uint32_t *ixa = ds_alloc(ar, (nix ? nix : 1) * sizeof(uint32_t));
    if (!ixa || !outreserve(&o, 1)) goto oom;
    {
      void *q = ds_big_resize(o.p, o.cap, o.n);
      if (q) { o.p = q; o.cap = o.n; }
    }
    if (!ds_arena_adopt(ar, o.p, o.cap)) goto oom;
    x->s = o.p;
    o.p = 0;
    o.cap = 0;
    if (nix) memcpy(ixa, ix, nix * sizeof(uint32_t));
    {
      size_t ntop = (nix + GROUP - 1) / GROUP;
      char *raw = ds_alloc(ar, (nix ? nix : 1) * sizeof(uint64_t) + 64);
      uint64_t *ik = raw ? (uint64_t *)(raw + (-(uintptr_t)raw & 63)) : 0;
      uint64_t *top = ds_alloc(ar, (ntop ? ntop : 1) * sizeof(uint64_t));
      if (!ik || !top) goto oom;
      for (size_t k = 0; k < nix; k++)
      {
        unsigned char const *q = x->s + ixa[k];
        unsigned fl = q[0];
        size_t sl = fl & F_SHORT ? (q[1] & 15) : q[2];
        ik[k] = prefix8(q + (fl & F_SHORT ? 2 : 3), sl);
      }
      for (size_t j = 0; j < ntop; j++) top[j] = ik[j * GROUP];
      x->ixkey = ik;
      x->ixtop = top;
      x->ntop = (uint32_t)ntop;
    }
    x->ix = ixa;
    x->nblk = (uint32_t)nix;
    x->nkeys = (uint32_t)nkeys;
  }
  b->d->impl = x;
  ok = 1;
  goto fail;
oom:
  ds_fatal(b, "out of memory");
fail:
  if (c)
    for (size_t i = 0; i < t->nrun; i++) ds_big_free(c[i].base, c[i].mapped);
  free(c);
  free(tree);
  ds_big_free(o.p, o.cap);
  free(ix);
  free(k[0].v);
  free(k[1].v);
  return ok || b->ld->fatal;
}

static void dnset_discard (dsbuild *b)
{
  tmp *t = b->tmp;
  if (!t) return;
  ds_big_release(t->pool, t->pool_cap, 1);
  ds_big_release(t->r, t->cap, sizeof(rec));
  ds_big_release(t->r2, t->r2cap, sizeof(rec));
  for (size_t i = 0; i < t->nrun; i++) ds_big_free(t->run[i].p, t->run[i].cap);
  free(t->run);
  free(t);
  b->tmp = 0;
}

/* ---- queries ---- */

typedef struct found_s found;
struct found_s
{
  unsigned flags;
  unsigned char const *v[2];   /* where each kind's values start (for F_*MULTI) */
  uint32_t same[2];            /* each kind's single value */
};

/* past one varint */
static inline unsigned char const *skipvar (unsigned char const *p)
{
  while (*p++ & 128) ;
  return p;
}

/* past a kind's values in a record (which has it, not excluded). The
   single value is not decoded on the way: *last keeps where it is, 0
   after a list (where the stream's own "previous value" is reset) */
static inline unsigned char const *skipkind (unsigned char const *p, unsigned multi, unsigned char const **last)
{
  if (multi)
  {
    uint32_t n = getvar(&p);
    while (n--) p = skipvar(p);
    *last = 0;
    return p;
  }
  *last = p;
  return skipvar(p);
}

static inline uint32_t lastval (unsigned char const *last)
{
  return last ? getvar(&last) : 0xffffffffU;
}

/* a key's first 8 bytes as a number that orders like the key, as
   prefix8 gives it; k: 8 readable bytes, zeros past the key's end */
static uint64_t keyprefix (unsigned char const *k)
{
  uint64_t v;
  memcpy(&v, k, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

/* the group of GROUP blocks where a key of prefix kp is, from the top index */
static inline uint32_t group (dnset const *x, uint64_t kp)
{
  uint32_t g = 0;
  for (uint32_t n = x->ntop; n > 1;)
  {
    uint32_t half = n / 2;
    g = x->ixtop[g + half] <= kp ? g + half : g;
    n -= half;
  }
  return g;
}

/* in group g's one line of ixkey: the last block whose prefix is <= kp */
static inline uint32_t group_block (dnset const *x, uint32_t g, uint64_t kp)
{
  uint32_t lo = g * GROUP, e = x->nblk - lo < GROUP ? x->nblk : lo + GROUP;
  for (uint32_t i = lo + 1; i < e; i++) lo += x->ixkey[i] <= kp;
  return lo;
}

/* finds key (kp: its keyprefix) in the set: 1 with *f, or 0.
   A block is read keeping m, what the record just read shares with the
   key, the record being smaller: a record that shares more than m with
   the one before is smaller too, one that shares less is bigger (the
   order puts shorter keys first), and only one that shares exactly m
   needs its bytes compared, from m on. No key is rebuilt. */
static int lookup (dnset const *x, unsigned char const *key, size_t kl, uint64_t kp, found *f)
{
  uint32_t lo = 0, n = x->nblk;
  size_t m = 0, from;
  unsigned char const *p, *last[2] = { 0, 0 };
  if (!n) return 0;
  /* the last block whose first key is <= key (or block 0): on the
     8-byte prefixes, then on whole keys among blocks whose prefixes tie */
  lo = group_block(x, group(x, kp), kp);
  if (x->ixkey[lo] == kp && lo)
  {
    uint32_t hi = lo, a = lo, step = 1;
    /* a: the last block with a smaller prefix, or 0; ties are few, so
       step back from lo before searching */
    while (a && x->ixkey[a] == kp)
    {
      a = a > step ? a - step : 0;
      step *= 2;
    }
    if (x->ixkey[a] < kp)
      for (n = hi - a; n > 1;)
      {
        uint32_t half = n / 2;
        a = x->ixkey[a + half] < kp ? a + half : a;
        n -= half;
      }
    lo = a;
    while (lo < hi)
    {
      uint32_t mid = lo + (hi - lo + 1) / 2;
      unsigned char const *q = x->s + x->ix[mid];
      unsigned fl = q[0];
      size_t sl = fl & F_SHORT ? (q[1] & 15) : q[2];
      if (keycmp(q + (fl & F_SHORT ? 2 : 3), sl, key, kl) <= 0) lo = mid; else hi = mid - 1;
    }
  }
  /* what the block's first key shares with the key, as far as the
     prefixes tell */
  from = x->ixkey[lo] == kp ? 8 : (size_t)__builtin_clzll(x->ixkey[lo] ^ kp) / 8;
  p = x->s + x->ix[lo];
  n = x->nkeys - lo * BLOCK;
  if (n > BLOCK) n = BLOCK;
  while (n--)
  {
    unsigned fl = *p++;
    size_t sh, sl;
    if (fl & F_SHORT) { sh = *p >> 4; sl = *p & 15; p++; }
    else { sh = p[0]; sl = p[1]; p += 2; }
    if (sh < m) return 0;
    if (sh == m)
    {
      /* the record's bytes from sh are p[0..sl); compared from m on,
         or, for the block's first key, from what the prefix tells */
      size_t rl = sh + sl, e = rl < kl ? rl : kl, i = m + from;
      from = 0;
      while (i < e && p[i - sh] == key[i]) i++;
      if (i < e)
      {
        if (p[i - sh] > key[i]) return 0;
        m = i;
      }
      else if (rl < kl) m = rl;        /* a prefix of the key */
      else if (rl > kl) return 0;      /* the key is a prefix of it */
      else
      {
        p += sl;
        f->flags = fl;
        f->v[0] = p;
        if ((fl & (F_EXACT | F_EEXCL | F_SAME)) == F_EXACT) p = skipkind(p, fl & F_EMULTI, last);
        f->v[1] = p;
        if ((fl & (F_WILD | F_WEXCL | F_SAME)) == F_WILD) (void)skipkind(p, fl & F_WMULTI, last + 1);
        f->same[0] = lastval(last[0]);
        f->same[1] = lastval(last[1]);
        return 1;
      }
    }
    p += sl;
    if (!(fl & F_SAME))
    {
      if ((fl & (F_EXACT | F_EEXCL)) == F_EXACT) p = skipkind(p, fl & F_EMULTI, last);
      if ((fl & (F_WILD | F_WEXCL)) == F_WILD) p = skipkind(p, fl & F_WMULTI, last + 1);
    }
  }
  return 0;
}

size_t ds_name_text (unsigned char const *name, size_t len, char *out, size_t max)
{
  size_t i = 0, w = 0;
  while (i < len && w < max)
  {
    size_t l = name[i++];
    if (w && w < max) out[w++] = '.';
    for (size_t k = 0; k < l && i < len && w < max; k++)
    {
      unsigned c = name[i++];
      if (c <= 32 || c >= 127)
      {
        char d[4] = { '\\', (char)('0' + c / 100), (char)('0' + c / 10 % 10), (char)('0' + c % 10) };
        for (unsigned j = 0; j < 4 && w < max; j++) out[w++] = d[j];
      }
      else
      {
        if (c == '.' || c == '"' || c == '$' || c == ';' || c == '@' || c == '\\')
        {
          out[w++] = '\\';
          if (w >= max) break;
        }
        out[w++] = (char)c;
      }
    }
  }
  return w;
}

static unsigned hits_of (dataset const *d, dsquery const *q, found const *f, unsigned w,
  unsigned char const *name, size_t namelen, dshit *hits, unsigned max)
{
  char subst[256];
  size_t sl = 0;
  unsigned char const *p = f->v[w];
  unsigned n = 0;
  if (f->flags & (w ? F_WEXCL : F_EEXCL)) return 0;
  if (q->wanttxt) sl = ds_name_text(name, namelen, subst, sizeof(subst));
  if (f->flags & (w ? F_WMULTI : F_EMULTI))
  {
    uint32_t c = getvar(&p);
    while (c-- && n < max) ds_hit(d, q, getvar(&p), subst, sl, hits + n++);
    return n;
  }
  ds_hit(d, q, f->same[w], subst, sl, hits);
  return 1;
}

/* the query's name as a key (kl: its length), 8 zeros after it, and
   where each label starts in the name; 0 for a name no key can be */
static size_t querykey (dsquery const *q, unsigned char *key, size_t *lab, size_t *nl)
{
  size_t i = 0, kl = q->namelen;
  *nl = 0;
  if (!kl || kl > KEYMAX) return 0;
  /* one pass: the label at i goes to where it ends counted from the end.
     A parent of m labels is the key's first kl - lab[nl - m] bytes. */
  while (i < kl && *nl < 128)
  {
    size_t l = (size_t)q->name[i] + 1;
    if (l > kl - i) return 0;
    lab[(*nl)++] = i;
    memcpy(key + kl - i - l, q->name + i, l);
    i += l;
  }
  if (i != kl) return 0;
  memset(key + kl, 0, 8);
  return kl;
}

static unsigned dnset_query (dataset const *d, dsquery const *q, dshit *hits, unsigned max)
{
  dnset const *x = d->impl;
  unsigned char key[KEYMAX + 1 + 8];   /* 8: zeros after the key, for keyprefix */
  size_t lab[128], nl, kl = querykey(q, key, lab, &nl);
  uint64_t kp;
  found f;
  if (!kl) return 0;
  kp = keyprefix(key);
  /* names of a label count no key has are answered without a search */
  if ((x->exactlabs & labbit(nl)) && lookup(x, key, kl, kp, &f) && (f.flags & F_EXACT))
    return hits_of(d, q, &f, 0, q->name, kl, hits, max);
  /* the closest enclosing wildcard decides; a parent's prefix is the
     key's, cut to its length */
  for (size_t m = nl - 1; m >= 1; m--)
  {
    size_t pl = kl - lab[nl - m];
    if ((x->wildlabs & labbit(m))
      && lookup(x, key, pl, pl >= 8 ? kp : kp & ~(~(uint64_t)0 >> (8 * pl)), &f)
      && (f.flags & F_WILD))
      return hits_of(d, q, &f, 1, q->name + lab[nl - m], pl, hits, max);
  }
  return 0;
}

/* for the name's own key: step 0, its group's line of prefixes and
   block offsets; step 1, the start of its block (the hardware follows
   the block's next lines) */
static void dnset_prefetch (dataset const *d, dsquery const *q, unsigned step)
{
  dnset const *x = d->impl;
  unsigned char key[KEYMAX + 1 + 8];
  size_t lab[128], nl;
  uint64_t kp;
  uint32_t g;
  if (!x->nblk || !querykey(q, key, lab, &nl) || !(x->exactlabs & labbit(nl))) return;
  kp = keyprefix(key);
  g = group(x, kp);
  if (!step)
  {
    __builtin_prefetch(x->ixkey + g * GROUP);
    __builtin_prefetch(x->ix + g * GROUP);
    return;
  }
  __builtin_prefetch(x->s + x->ix[group_block(x, g, kp)]);
}

dstype const ds_dnset =
{
  .name = "dnset",
  .flags = 0,
  .start = &dnset_start,
  .line = &dnset_line,
  .finish = &dnset_finish,
  .discard = &dnset_discard,
  .query = &dnset_query,
  .prefetch = &dnset_prefetch
};
