/* ds_ip4trie: rbldnsd's ip4trie (CIDR ranges, longest prefix wins), and the range map builder the IP types share. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ds.h"

/* ---- prefix blocks to a map of intervals ---- */

static int addpos (dsblks *s, dsbuild *b)
{
  if (s->nopos) return 1;
  if (!ds_big_grow((void **)&s->pos, &s->poscap, s->n + 1, sizeof(dsblkpos))) return 0;
  s->pos[s->n].line = (uint32_t)b->ld->lineno;
  s->pos[s->n].fileno = b->ld->fileno;
  return 1;
}

int ds_blks_add4 (dsblks *s, uint32_t lo, uint32_t hi, uint32_t val, int excl, dsbuild *b)
{
  dsblk4 *x;
  s->wide = 0;
  if (!ds_big_grow(&s->b, &s->cap, s->n + 1, sizeof(dsblk4)) || !addpos(s, b))
  {
    ds_fatal(b, "out of memory");
    return 0;
  }
  x = (dsblk4 *)s->b + s->n;
  x->lo = lo;
  x->hi = hi;
  x->val = excl ? DSBLK_EXCL : val;
  x->seq = (uint32_t)s->n++;
  return 1;
}

int ds_blks_add6 (dsblks *s, dsu128 lo, dsu128 hi, uint32_t val, int excl, dsbuild *b)
{
  dsblk6 *x;
  s->wide = 1;
  if (!ds_big_grow(&s->b, &s->cap, s->n + 1, sizeof(dsblk6)) || !addpos(s, b))
  {
    ds_fatal(b, "out of memory");
    return 0;
  }
  x = (dsblk6 *)s->b + s->n;
  x->lo = lo;
  x->hi = hi;
  x->val = excl ? DSBLK_EXCL : val;
  x->seq = (uint32_t)s->n++;
  return 1;
}

void ds_blks_free (dsblks *s)
{
  ds_big_release(s->b, s->cap, s->wide ? sizeof(dsblk6) : sizeof(dsblk4));
  ds_big_release(s->pos, s->poscap, sizeof(dsblkpos));
  s->b = 0;
  s->pos = 0;
  s->n = s->cap = s->poscap = 0;
}

/* by start, the enclosing block first, then file order: a stable radix
   sort on (lo, ~hi) keeps the file order of equal blocks */
static int cmp4 (void const *pa, void const *pb)
{
  dsblk4 const *a = pa, *b = pb;
  if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
  if (a->hi != b->hi) return a->hi > b->hi ? -1 : 1;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int sort4 (dsblk4 *a, size_t n)
{
  dsblk4 *t, *src = a, *dst;
  if (n < 65536)
  {
    if (n) qsort(a, n, sizeof(dsblk4), cmp4);
    return 1;
  }
  t = ds_big_alloc(n * sizeof(dsblk4));
  dst = t;
  if (!t) return 0;
  for (unsigned pass = 0; pass < 4; pass++)
  {
    size_t *cnt = calloc(65536, sizeof(size_t));
    unsigned sh = 16 * pass;
    if (!cnt) { free(t); return 0; }
    for (size_t i = 0; i < n; i++)
    {
      uint64_t k = (uint64_t)src[i].lo << 32 | (uint32_t)~src[i].hi;
      cnt[(k >> sh) & 0xffff]++;
    }
    for (size_t i = 0, sum = 0; i < 65536; i++) { size_t c = cnt[i]; cnt[i] = sum; sum += c; }
    for (size_t i = 0; i < n; i++)
    {
      uint64_t k = (uint64_t)src[i].lo << 32 | (uint32_t)~src[i].hi;
      dst[cnt[(k >> sh) & 0xffff]++] = src[i];
    }
    free(cnt);
    { dsblk4 *x = src; src = dst; dst = x; }
  }
  ds_big_free(t, n * sizeof(dsblk4));   /* four passes: the result is back in a */
  return 1;
}

static int cmp6 (void const *pa, void const *pb)
{
  dsblk6 const *a = pa, *b = pb;
  if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
  if (a->hi != b->hi) return a->hi > b->hi ? -1 : 1;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int u32cmp (void const *pa, void const *pb)
{
  uint32_t a = *(uint32_t const *)pa, b = *(uint32_t const *)pb;
  return a < b ? -1 : a > b;
}

typedef struct mapw_s mapw;
struct mapw_s
{
  int wide;
  uint32_t *s4;
  dsu128 *s6;
  uint32_t *res;
  size_t n, cap;
};

static int emit (mapw *w, dsu128 s, uint32_t r)
{
  if (w->n && w->res[w->n - 1] == r) return 1;
  if (w->n == w->cap)
  {
    size_t nc = w->cap ? 2 * w->cap : 64;
    void *p = w->wide ? realloc(w->s6, nc * sizeof(dsu128)) : realloc(w->s4, nc * sizeof(uint32_t));
    if (!p) return 0;
    if (w->wide) w->s6 = p; else w->s4 = p;
    p = realloc(w->res, nc * sizeof(uint32_t));
    if (!p) return 0;
    w->res = p;
    w->cap = nc;
  }
  if (w->wide) w->s6[w->n] = s; else w->s4[w->n] = (uint32_t)s;
  w->res[w->n] = r;
  w->n++;
  return 1;
}

typedef struct grp_s grp;
struct grp_s
{
  dsu128 lo, hi;
  uint32_t res;
};

static unsigned bitlen (size_t n)
{
  unsigned k = 0;
  while (n) { k++; n >>= 1; }
  return k;
}

int ds_map_build (dsbuild *b, dsblks *s, unsigned width, int mode, dsmap *m)
{
  dsarena *ar = ds_barena(b);
  int wide = width == 128;
  dsu128 max = wide ? ~(dsu128)0 : (((dsu128)1 << width) - 1);
  dsblk4 *b4 = s->b;
  dsblk6 *b6 = s->b;
  grp stk[130];
  size_t nlist = 0, nlv = 0, lvcap = 0, loffcap = 0;
  uint32_t *lv = 0, *loff = 0;
  mapw w;
  unsigned depth = 0;
  dsu128 pos = 0;
  int done = 0, ok = 0;

  memset(m, 0, sizeof(*m));
  memset(&w, 0, sizeof(w));
  w.wide = wide;
  if (wide) { if (s->n) qsort(b6, s->n, sizeof(dsblk6), cmp6); }
  else if (!sort4(b4, s->n)) goto oom;

  /* blocks with the same bounds make one group with one result; groups
     nest or are disjoint, so a walk in order with a stack of the groups
     that enclose the current point gives each address the result of the
     innermost group holding it */
  for (size_t i = 0; i < s->n;)
  {
    size_t j = i + 1;
    uint32_t res;
    grp g;
#define LO(k) (wide ? b6[k].lo : (dsu128)b4[k].lo)
#define HI(k) (wide ? b6[k].hi : (dsu128)b4[k].hi)
#define VAL(k) (wide ? b6[k].val : b4[k].val)
#define SEQ(k) (wide ? b6[k].seq : b4[k].seq)
    while (j < s->n && LO(j) == LO(i) && HI(j) == HI(i)) j++;
    if (mode == DSMAP_FIRST)
    {
      for (size_t k = i + 1; k < j; k++)
      {
        dsblkpos const *p = s->pos + SEQ(k);
        ds_badat(b, p->fileno, p->line, "duplicated entry");
      }
      res = VAL(i) & DSBLK_EXCL ? 0 : VAL(i) + 1;
    }
    else
    {
      int ex = 0;
      for (size_t k = i; k < j; k++) if (VAL(k) & DSBLK_EXCL) ex = 1;
      if (ex) res = 0;
      else if (j - i == 1) res = VAL(i) + 1;
      else
      {
        /* several listings: every value, in the order the values were made */
        size_t st = nlv, nv = 0, u = 1;
        if (!ds_grow((void **)&lv, &lvcap, nlv + (j - i), sizeof(uint32_t))) goto oom;
        for (size_t k = i; k < j; k++) lv[st + nv++] = VAL(k);
        qsort(lv + st, nv, sizeof(uint32_t), u32cmp);
        for (size_t k = 1; k < nv; k++) if (lv[st + k] != lv[st + u - 1]) lv[st + u++] = lv[st + k];
        if (u == 1) res = lv[st] + 1;
        else
        {
          if (!ds_grow((void **)&loff, &loffcap, nlist + 2, sizeof(uint32_t))) goto oom;
          loff[nlist] = (uint32_t)st;
          res = DSRES_LIST | (uint32_t)nlist++;
          nlv = st + u;
        }
      }
    }
    g.lo = LO(i);
    g.hi = HI(i);
    g.res = res;
#undef LO
#undef HI
#undef VAL
#undef SEQ
    i = j;
    while (depth && stk[depth - 1].hi < g.lo)
    {
      grp t = stk[--depth];
      if (!done && pos <= t.hi)
      {
        if (!emit(&w, pos, t.res)) goto oom;
        if (t.hi == max) done = 1; else pos = t.hi + 1;
      }
    }
    if (!done && pos < g.lo)
    {
      if (!emit(&w, pos, depth ? stk[depth - 1].res : 0)) goto oom;
      pos = g.lo;
    }
    if (depth == sizeof(stk) / sizeof(*stk)) { ds_fatal(b, "ranges nest too deep"); goto fail; }
    stk[depth++] = g;
  }
  while (depth)
  {
    grp t = stk[--depth];
    if (!done && pos <= t.hi)
    {
      if (!emit(&w, pos, t.res)) goto oom;
      if (t.hi == max) done = 1; else pos = t.hi + 1;
    }
  }
  if (!done && !emit(&w, pos, 0)) goto oom;
  ds_blks_free(s);
  if (b->ld->fatal) goto fail;

  /* into the arena */
  m->n = (uint32_t)w.n;
  m->wide = (uint8_t)wide;
  {
    uint32_t *res = ds_alloc(ar, w.n * sizeof(uint32_t));
    if (!res) goto oom;
    memcpy(res, w.res, w.n * sizeof(uint32_t));
    m->res = res;
  }
  if (wide)
  {
    uint64_t *st = ds_alloc(ar, w.n * 2 * sizeof(uint64_t));
    if (!st) goto oom;
    for (size_t i = 0; i < w.n; i++)
    {
      st[2 * i] = (uint64_t)(w.s6[i] >> 64);
      st[2 * i + 1] = (uint64_t)w.s6[i];
    }
    m->start6 = st;
  }
  else
  {
    uint32_t *st = ds_alloc(ar, w.n * sizeof(uint32_t));
    if (!st) goto oom;
    memcpy(st, w.s4, w.n * sizeof(uint32_t));
    m->start4 = st;
    if (w.n >= 256)
    {
      /* a first step on the top bits, about four intervals per slot */
      unsigned bits = bitlen(w.n) - 2;
      uint32_t *ix;
      size_t j = 0;
      if (bits > 16) bits = 16;
      ix = ds_alloc(ar, (((size_t)1 << bits) + 1) * sizeof(uint32_t));
      if (!ix) goto oom;
      for (size_t k = 0; k < ((size_t)1 << bits); k++)
      {
        uint32_t a = (uint32_t)(k << (32 - bits));
        while (j + 1 < w.n && st[j + 1] <= a) j++;
        ix[k] = (uint32_t)j;
      }
      ix[(size_t)1 << bits] = (uint32_t)(w.n - 1);
      m->ix = ix;
      m->ixbits = (uint8_t)bits;
    }
  }
  if (nlist)
  {
    uint32_t *lo = ds_alloc(ar, (nlist + 1) * sizeof(uint32_t));
    uint32_t *lvv = ds_alloc(ar, nlv * sizeof(uint32_t));
    if (!lo || !lvv) goto oom;
    memcpy(lo, loff, nlist * sizeof(uint32_t));
    lo[nlist] = (uint32_t)nlv;
    memcpy(lvv, lv, nlv * sizeof(uint32_t));
    m->listoff = lo;
    m->listval = lvv;
  }
  ok = 1;
  goto fail;
oom:
  ds_fatal(b, "out of memory");
fail:
  free(lv);
  free(loff);
  free(w.s4);
  free(w.s6);
  free(w.res);
  ds_blks_free(s);
  return ok;
}

uint32_t ds_map_find4 (dsmap const *m, uint32_t ip)
{
  uint32_t lo = 0, hi = m->n - 1;
  if (!m->n) return 0;
  if (m->ix)
  {
    uint32_t k = m->ixbits ? ip >> (32 - m->ixbits) : 0;
    lo = m->ix[k];
    hi = m->ix[k + 1];
  }
  /* the last interval starting at or before ip; start4[lo] <= ip */
  while (lo < hi)
  {
    uint32_t mid = lo + (hi - lo + 1) / 2;
    if (m->start4[mid] <= ip) lo = mid; else hi = mid - 1;
  }
  return m->res[lo];
}

uint32_t ds_map_find6 (dsmap const *m, uint8_t const *ip)
{
  uint64_t h = 0, l = 0;
  uint32_t lo = 0, hi;
  if (!m->n) return 0;
  for (unsigned i = 0; i < 8; i++) { h = h << 8 | ip[i]; l = l << 8 | ip[8 + i]; }
  hi = m->n - 1;
  while (lo < hi)
  {
    uint32_t mid = lo + (hi - lo + 1) / 2;
    uint64_t sh = m->start6[2 * mid], sl = m->start6[2 * mid + 1];
    if (sh < h || (sh == h && sl <= l)) lo = mid; else hi = mid - 1;
  }
  return m->res[lo];
}

unsigned ds_map_hits (dataset const *d, dsmap const *m, uint32_t res, dsquery const *q, dshit *hits, unsigned max)
{
  if (!res) return 0;
  if (!(res & DSRES_LIST))
  {
    ds_hit(d, q, res - 1, q->subst, q->substlen, hits);
    return 1;
  }
  {
    uint32_t j = res & ~DSRES_LIST, k = m->listoff[j], e = m->listoff[j + 1];
    unsigned n = 0;
    for (; k < e && n < max; k++) ds_hit(d, q, m->listval[k], q->subst, q->substlen, hits + n++);
    return n;
  }
}

/* ---- the ip4trie type ---- */

static int ip4trie_start (dsbuild *b)
{
  b->tmp = calloc(1, sizeof(dsblks));
  return b->tmp != 0;
}

/* "[!]a.b.c.d[/n]" with 2..4 octets (missing ones 0, length 8 per
   octet given); shared with acl */
int ds_ip4cidr (dsbuild *b, char const *s, size_t len, size_t *used, uint32_t *lo, uint32_t *hi)
{
  uint32_t ip, mask;
  unsigned noct, bits;
  size_t n = ds_scan_ip4(s, len, &ip, &noct);
  if (!n) return ds_bad(b, "invalid address");
  bits = 8 * noct;
  if (n < len && s[n] == '/')
  {
    size_t k = ds_scan_bits(s + n, len - n, 32, &bits);
    if (!k) return ds_bad(b, "invalid address");
    n += k;
  }
  else if (noct == 1) return ds_bad(b, "invalid address");
  if (!ds_addrend(s + n, len - n)) return ds_bad(b, "invalid address");
  mask = bits ? 0xffffffffU << (32 - bits) : 0;
  if (ip & ~mask)
  {
    if (!b->ld->o->accept_in_cidr) return ds_bad(b, "invalid range (non-zero host part)");
    ip &= mask;
  }
  if (b->maxrange4 && (uint64_t)(~mask) + 1 > b->maxrange4)
    return ds_bad(b, ds_msg(b, "too large range (", (uint64_t)(~mask) + 1, ") ignored (", b->maxrange4, " max)"));
  *lo = ip;
  *hi = ip | ~mask;
  *used = n;
  return 1;
}

static int ip4trie_line (dsbuild *b, char const *s, size_t len)
{
  int excl = 0;
  size_t n;
  uint32_t lo, hi, v = 0;
  if (s[0] == '!')
  {
    excl = 1;
    s++; len--;
    while (len && ds_space(*s)) { s++; len--; }
  }
  if (!ds_ip4cidr(b, s, len, &n, &lo, &hi)) return 0;
  if (!excl && !ds_value(b, s + n, len - n, &v)) return 0;
  return ds_blks_add4(b->tmp, lo, hi, v, excl, b) ? 1 : -1;
}

typedef struct ip4map_s ip4map;
struct ip4map_s
{
  dsmap m;
};

static int ip4trie_finish (dsbuild *b)
{
  ip4map *x = ds_alloc(ds_barena(b), sizeof(ip4map));
  if (!x) return 0;
  if (!ds_map_build(b, b->tmp, 32, DSMAP_FIRST, &x->m)) return b->ld->fatal ? 1 : 0;
  b->d->impl = x;
  return 1;
}

static void ip4trie_discard (dsbuild *b)
{
  if (b->tmp) ds_blks_free(b->tmp);
  free(b->tmp);
  b->tmp = 0;
}

static unsigned ip4trie_query (dataset const *d, dsquery const *q, dshit *hits, unsigned max)
{
  ip4map const *x = d->impl;
  uint32_t ip;
  if (!q->isip4) return 0;
  ip = (uint32_t)q->ip4[0] << 24 | (uint32_t)q->ip4[1] << 16 | (uint32_t)q->ip4[2] << 8 | q->ip4[3];
  return ds_map_hits(d, &x->m, ds_map_find4(&x->m, ip), q, hits, max);
}

dstype const ds_ip4trie =
{
  .name = "ip4trie",
  .flags = 0,
  .start = &ip4trie_start,
  .line = &ip4trie_line,
  .finish = &ip4trie_finish,
  .discard = &ip4trie_discard,
  .query = &ip4trie_query
};
