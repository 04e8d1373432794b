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

typedef struct tmp_s tmp;
struct tmp_s
{
  unsigned char *pool;
  size_t pool_n, pool_cap;
  rec *r;
  size_t n, cap;
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

/* the window of key[from..] */
static void window (rec *r, unsigned char const *key, size_t kl, size_t from)
{
  size_t left = kl > from ? kl - from : 0;
  unsigned char w[16];
  uint64_t a;
  uint32_t c;
  memset(w, 0, sizeof(w));
  memcpy(w, key + from, left < WIN ? left : WIN);
  memcpy(&a, w, 8);
  memcpy(&c, w + 8, 4);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  a = __builtin_bswap64(a);
  c = __builtin_bswap32(c);
#endif
  r->p0 = a;
  r->p1 = (c & 0xffffff00U) | (uint32_t)(left > WIN ? WIN + 1 : left);
}

static int addkey (dsbuild *b, unsigned char const *key, size_t kl, unsigned flags, uint32_t v)
{
  tmp *t = b->tmp;
  unsigned char *e;
  rec *r;
  if (t->pool_n + kl + 6 > 0xffffffffU) return ds_fatal(b, "dnset too large");
  if (!ds_big_grow((void **)&t->pool, &t->pool_cap, t->pool_n + kl + 6, 1)) return ds_fatal(b, "out of memory");
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
  window(r, key, kl, 0);
  r->off = (uint32_t)t->pool_n;
  t->pool_n += kl + 6;
  return 1;
}

static int dnset_line (dsbuild *b, char const *s, size_t len)
{
  unsigned char key[KEYMAX + 1];
  size_t n = 0, kl;
  int excl = 0, exact = 1, wild = 0;
  uint32_t v = 0;
  if (s[0] == '!')
  {
    excl = 1;
    s++; len--;
    while (len && ds_space(*s)) { s++; len--; }
  }
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

/* sorts a[0..n) whose keys agree before byte from: by the window at
   from, then runs that fill it are refined with the next window */
static void keysort (rec *a, size_t n, size_t from, unsigned char const *pool)
{
  if (n >= 131072) rsort16(a, n, 0);
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
      keysort(a + i, j - i, from + WIN, pool);
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
  uint64_t const *ixkey;    /* the first 8 bytes of each block's first key: the search mostly stays here */
  uint32_t nblk;
  uint32_t nkeys;
};

typedef struct outb_s outb;
struct outb_s
{
  unsigned char *p;
  size_t n, cap;
};

/* the stream is mapped memory that the arena adopts at the end: no copy */
static int outreserve (outb *o, size_t k)
{
  size_t nc;
  void *q;
  if (o->n + k <= o->cap) return 1;
  nc = o->cap ? 2 * o->cap : 65536;
  while (nc < o->n + k) nc *= 2;
  q = ds_big_resize(o->p, o->cap, nc);
  if (!q) return 0;
  o->p = q;
  o->cap = nc;
  return 1;
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
  unsigned char prev[KEYMAX + 1];
  size_t prevlen = 0;
  uint32_t lastv[2] = { 0xffffffffU, 0xffffffffU };
  kind k[2];
  int ok = 0;
  memset(k, 0, sizeof(k));
  if (!x) return 0;
  keysort(t->r, t->n, 0, t->pool);
  for (size_t i = 0; i < t->n;)
  {
    unsigned char const *e = t->pool + t->r[i].off, *key = e + 6;
    size_t kl = e[0], j = i, shared = 0;
    unsigned flags = 0;
    int same = 1;
    k[0].has = k[1].has = k[0].excl = k[1].excl = 0;
    k[0].nv = k[1].nv = 0;
    /* every entry with this key */
    for (; j < t->n; j++)
    {
      unsigned char const *f = t->pool + t->r[j].off;
      /* sorted order visits the pool at random: ask for entries early */
      if (j + 16 < t->n) __builtin_prefetch(t->pool + t->r[j + 16].off);
      kind *kk = k + (f[1] & E_WILD ? 1 : 0);
      if (j > i && (f[0] != kl || memcmp(f + 6, key, kl))) break;
      kk->has = 1;
      if (f[1] & E_EXCL) kk->excl = 1;
      else
      {
        if (!ds_grow((void **)&kk->v, &kk->cap, kk->nv + 1, sizeof(uint32_t))) goto oom;
        kk->v[kk->nv++] = (uint32_t)f[2] | (uint32_t)f[3] << 8 | (uint32_t)f[4] << 16 | (uint32_t)f[5] << 24;
      }
    }
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
      while (shared < kl && shared < prevlen && shared < 255 && key[shared] == prev[shared]) shared++;
    for (unsigned w = 0; w < 2; w++)
    {
      if (!k[w].has) continue;
      flags |= w ? F_WILD : F_EXACT;
      if (k[w].excl) { flags |= w ? F_WEXCL : F_EEXCL; continue; }
      if (k[w].nv > 1) { flags |= w ? F_WMULTI : F_EMULTI; same = 0; }
      else if (k[w].v[0] != lastv[w]) same = 0;
    }
    if (same && (flags & (F_EXACT | F_WILD)) && !((flags & F_EXACT) && (flags & F_EEXCL) && (flags & F_WILD) && (flags & F_WEXCL))) flags |= F_SAME;
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
    memcpy(prev, key, kl);
    prevlen = kl;
    nkeys++;
    i = j;
  }
  ds_big_release(t->r, t->cap, sizeof(rec));
  t->r = 0;
  t->cap = 0;
  ds_big_release(t->pool, t->pool_cap, 1);
  t->pool = 0;
  t->pool_cap = 0;
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
      uint64_t *ik = ds_alloc(ar, (nix ? nix : 1) * sizeof(uint64_t));
      if (!ik) goto oom;
      for (size_t k = 0; k < nix; k++)
      {
        unsigned char const *q = x->s + ixa[k];
        unsigned fl = q[0];
        size_t sl = fl & F_SHORT ? (q[1] & 15) : q[2];
        ik[k] = prefix8(q + (fl & F_SHORT ? 2 : 3), sl);
      }
      x->ixkey = ik;
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
  free(t);
  b->tmp = 0;
}

/* ---- queries ---- */

typedef struct found_s found;
struct found_s
{
  unsigned flags;
  unsigned char const *v[2];   /* where each kind's values start (0 with F_SAME: use same[]) */
  uint32_t same[2];
};

/* skips a kind's values in a record, noting the single value */
static unsigned char const *kindvals (unsigned char const *p, unsigned flags, unsigned w, uint32_t *last)
{
  unsigned has = w ? F_WILD : F_EXACT, ex = w ? F_WEXCL : F_EEXCL, multi = w ? F_WMULTI : F_EMULTI;
  if (!(flags & has) || (flags & ex)) return p;
  if (flags & multi)
  {
    uint32_t n = getvar(&p);
    while (n--) (void)getvar(&p);
    *last = 0xffffffffU;
    return p;
  }
  if (!(flags & F_SAME)) *last = getvar(&p);
  return p;
}

/* finds key in the set: 1 with *f, or 0 */
static int lookup (dnset const *x, unsigned char const *key, size_t kl, found *f)
{
  uint32_t lo = 0, hi;
  unsigned char cur[KEYMAX + 1];
  size_t cl = 0;
  uint32_t last[2] = { 0xffffffffU, 0xffffffffU };
  unsigned char const *p;
  if (!x->nblk) return 0;
  hi = x->nblk - 1;
  /* the last block whose first key is <= key: on the 8-byte prefixes,
     and on the whole keys only where those tie */
  {
    uint64_t kp = prefix8(key, kl);
    while (lo < hi)
    {
      uint32_t mid = lo + (hi - lo + 1) / 2;
      int c;
      if (x->ixkey[mid] != kp) c = x->ixkey[mid] < kp ? -1 : 1;
      else
      {
        unsigned char const *q = x->s + x->ix[mid];
        unsigned fl = q[0];
        size_t sl = fl & F_SHORT ? (q[1] & 15) : q[2];
        c = keycmp(q + (fl & F_SHORT ? 2 : 3), sl, key, kl);
      }
      if (c <= 0) lo = mid; else hi = mid - 1;
    }
  }
  p = x->s + x->ix[lo];
  for (unsigned r = 0; r < BLOCK; r++)
  {
    unsigned fl;
    size_t sh, sl;
    int c;
    if (lo + 1 < x->nblk ? p >= x->s + x->ix[lo + 1] : (uint32_t)r >= x->nkeys - (uint64_t)lo * BLOCK) return 0;
    fl = *p++;
    if (fl & F_SHORT) { sh = *p >> 4; sl = *p & 15; p++; }
    else { sh = p[0]; sl = p[1]; p += 2; }
    memcpy(cur + sh, p, sl);
    cl = sh + sl;
    p += sl;
    c = keycmp(cur, cl, key, kl);
    if (c > 0) return 0;
    if (!c)
    {
      f->flags = fl;
      for (unsigned w = 0; w < 2; w++)
      {
        f->v[w] = p;
        if (fl & F_SAME) f->same[w] = last[w];
        p = kindvals(p, fl, w, last + w);
        if (!(fl & F_SAME) && !((fl & (w ? F_WMULTI : F_EMULTI)))) f->same[w] = last[w];
      }
      return 1;
    }
    p = kindvals(p, fl, 0, last);
    p = kindvals(p, fl, 1, last + 1);
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

static unsigned dnset_query (dataset const *d, dsquery const *q, dshit *hits, unsigned max)
{
  dnset const *x = d->impl;
  unsigned char key[KEYMAX + 1];
  size_t lab[128], nl = 0, i = 0, kl = 0, klab[129];
  found f;
  if (!q->namelen || q->namelen > KEYMAX) return 0;
  while (i < q->namelen && nl < 128)
  {
    lab[nl++] = i;
    i += (size_t)q->name[i] + 1;
  }
  if (i != q->namelen) return 0;
  /* the reversed key, and where each parent's key ends */
  for (size_t j = nl; j--;)
  {
    size_t l = (size_t)q->name[lab[j]] + 1;
    memcpy(key + kl, q->name + lab[j], l);
    kl += l;
    klab[nl - j] = kl;
  }
  if (lookup(x, key, kl, &f) && (f.flags & F_EXACT))
    return hits_of(d, q, &f, 0, q->name, q->namelen, hits, max);
  /* the closest enclosing wildcard decides */
  for (size_t m = nl - 1; m >= 1; m--)
    if (lookup(x, key, klab[m], &f) && (f.flags & F_WILD))
      return hits_of(d, q, &f, 1, q->name + lab[nl - m], q->namelen - lab[nl - m], hits, max);
  return 0;
}

dstype const ds_dnset =
{
  .name = "dnset",
  .flags = 0,
  .start = &dnset_start,
  .line = &dnset_line,
  .finish = &dnset_finish,
  .discard = &dnset_discard,
  .query = &dnset_query
};
