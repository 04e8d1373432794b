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

int ds_blks_addcls4 (dsblks *s, uint32_t lo, uint32_t hi, uint32_t val, int excl, dsbuild *b)
{
  uint32_t v = excl ? DSBLK_EXCL : val, size = hi - lo;
  unsigned cls = size >= 0xffffff ? 0 : size >= 0xffff ? 1 : size >= 0xff ? 2 : 3;
  dsblk4 *x;
  s->wide = 0;
  if (s->n)
  {
    /* the next piece of a run: the run grows */
    x = (dsblk4 *)s->b + s->n - 1;
    if (x->val == v && x->seq == cls && x->hi != 0xffffffffU && x->hi + 1 == lo)
    {
      x->hi = hi;
      return 1;
    }
  }
  if (!ds_big_grow(&s->b, &s->cap, s->n + 1, sizeof(dsblk4)))
  {
    ds_fatal(b, "out of memory");
    return 0;
  }
  x = (dsblk4 *)s->b + s->n++;
  x->lo = lo;
  x->hi = hi;
  x->val = v;
  x->seq = cls;
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

static uint64_t key4 (dsblk4 const *x)
{
  return (uint64_t)x->lo << 32 | (uint32_t)~x->hi;
}

/* in place (a copy would double the blocks' memory): by key4 a byte at
   a time from the top, each bucket on its own, and small ones or ties on
   the whole key by cmp4 */
static void msort4 (dsblk4 *a, size_t n, unsigned d)
{
  while (n > 32 && d < 8)
  {
    size_t cnt[256], start[256], next[256];
    unsigned sh = 56 - 8 * d;
    memset(cnt, 0, sizeof(cnt));
    for (size_t i = 0; i < n; i++) cnt[key4(a + i) >> sh & 255]++;
    if (cnt[key4(a) >> sh & 255] == n) { d++; continue; }
    for (size_t i = 0, sum = 0; i < 256; i++) { start[i] = next[i] = sum; sum += cnt[i]; }
    for (unsigned k = 0; k < 256; k++)
      while (next[k] < start[k] + cnt[k])
      {
        dsblk4 x = a[next[k]];
        unsigned y = key4(&x) >> sh & 255;
        while (y != k)
        {
          dsblk4 t = a[next[y]];
          a[next[y]++] = x;
          x = t;
          y = key4(&x) >> sh & 255;
        }
        a[next[k]++] = x;
      }
    for (unsigned k = 0; k < 256; k++)
      if (cnt[k] > 1) msort4(a + start[k], cnt[k], d + 1);
    return;
  }
  if (n > 1) qsort(a, n, sizeof(dsblk4), cmp4);
}

static int sort4 (dsblk4 *a, size_t n)
{
  msort4(a, n, 0);
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

/* the intervals, in mapped memory: a big map's arrays go to the arena
   as they are */
typedef struct mapw_s mapw;
struct mapw_s
{
  int wide;
  uint32_t *s4;
  dsu128 *s6;
  uint32_t *res;
  size_t n, cap, rcap;
};

static int emit (mapw *w, dsu128 s, uint32_t r)
{
  if (w->n && w->res[w->n - 1] == r) return 1;
  if (w->n >= w->rcap || w->n >= w->cap)
  {
    if (!(w->wide ? ds_big_grow((void **)&w->s6, &w->cap, w->n + 1, sizeof(dsu128))
          : ds_big_grow((void **)&w->s4, &w->cap, w->n + 1, sizeof(uint32_t)))
        || !ds_big_grow((void **)&w->res, &w->rcap, w->n + 1, sizeof(uint32_t))) return 0;
  }
  if (w->wide) w->s6[w->n] = s; else w->s4[w->n] = (uint32_t)s;
  w->res[w->n] = r;
  w->n++;
  return 1;
}

/* an array of the map into the arena: a big one as it is (then p is 0),
   a small one copied. 0 on ENOMEM. */
static void *toarena (dsarena *ar, void **p, size_t *cap, size_t size, size_t n)
{
  void *q;
  if (n * size >= 65536)
  {
    q = ds_tmp_resize(*p, *cap * size, n * size);
    if (!q || !ds_arena_adopt(ar, q, n * size)) return 0;
    *p = 0;
    *cap = 0;
    return q;
  }
  q = ds_alloc(ar, n * size);
  if (q && n) memcpy(q, *p, n * size);
  return q;
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

/* ---- DSMAP_CLASS: a walk along the runs ---- */

typedef struct vcnt_s vcnt;
struct vcnt_s
{
  uint32_t val, n;          /* a value, and how many runs here give it */
};

/* the runs of one class that hold the current point */
typedef struct actv_s actv;
struct actv_s
{
  vcnt *v;                  /* by value */
  size_t nv, cap;
  size_t nexcl;             /* exclusions */
};

static size_t actfind (actv const *a, uint32_t val)
{
  size_t lo = 0, hi = a->nv;
  while (lo < hi)
  {
    size_t mid = lo + (hi - lo) / 2;
    if (a->v[mid].val < val) lo = mid + 1; else hi = mid;
  }
  return lo;
}

static int actadd (actv *a, uint32_t val)
{
  size_t k;
  if (val & DSBLK_EXCL) { a->nexcl++; return 1; }
  k = actfind(a, val);
  if (k < a->nv && a->v[k].val == val) { a->v[k].n++; return 1; }
  if (!ds_grow((void **)&a->v, &a->cap, a->nv + 1, sizeof(vcnt))) return 0;
  memmove(a->v + k + 1, a->v + k, (a->nv - k) * sizeof(vcnt));
  a->v[k].val = val;
  a->v[k].n = 1;
  a->nv++;
  return 1;
}

static void actdel (actv *a, uint32_t val)
{
  size_t k;
  if (val & DSBLK_EXCL) { a->nexcl--; return; }
  k = actfind(a, val);
  if (--a->v[k].n) return;
  memmove(a->v + k, a->v + k + 1, (a->nv - k - 1) * sizeof(vcnt));
  a->nv--;
}

typedef struct lists_s lists;
struct lists_s
{
  uint32_t **lv, **loff;
  size_t *nlv, *lvcap, *nlist, *loffcap;
};

/* the result at a point: the finest class there decides. 1, or 0 on ENOMEM */
static int classres (actv const *a, lists const *l, uint32_t *res)
{
  int c = 3;
  actv const *f;
  size_t st = *l->nlv;
  while (c >= 0 && !a[c].nv && !a[c].nexcl) c--;
  if (c < 0 || a[c].nexcl) { *res = 0; return 1; }
  f = a + c;
  if (f->nv == 1) { *res = f->v[0].val + 1; return 1; }
  /* several: a list, the one before if it is the same */
  if (*l->nlist)
  {
    size_t pst = (*l->loff)[*l->nlist - 1], k = 0;
    if (st - pst == f->nv)
      while (k < f->nv && (*l->lv)[pst + k] == f->v[k].val) k++;
    if (k == f->nv) { *res = DSRES_LIST | (uint32_t)(*l->nlist - 1); return 1; }
  }
  if (!ds_grow((void **)l->lv, l->lvcap, st + f->nv, sizeof(uint32_t))
      || !ds_grow((void **)l->loff, l->loffcap, *l->nlist + 2, sizeof(uint32_t))) return 0;
  for (size_t k = 0; k < f->nv; k++) (*l->lv)[st + k] = f->v[k].val;
  *l->nlv = st + f->nv;
  (*l->loff)[*l->nlist] = (uint32_t)st;
  *res = DSRES_LIST | (uint32_t)(*l->nlist)++;
  return 1;
}

static void heapdown (uint64_t *h, size_t n, size_t i)
{
  uint64_t x = h[i];
  for (;;)
  {
    size_t c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && h[c + 1] < h[c]) c++;
    if (h[c] >= x) break;
    h[i] = h[c];
    i = c;
  }
  h[i] = x;
}

/* The walk for DSMAP_CLASS: r[0..n) sorted by start. From each point
   where a run starts or ends to the next, the result of the runs that
   hold it. 1, or 0 on ENOMEM. */
static int classwalk (mapw *w, dsblk4 const *r, size_t n, lists const *l)
{
  actv a[4];
  uint64_t *heap = 0;       /* the runs holding the point: end << 32 | index, the first to end on top */
  size_t nh = 0, hcap = 0, i = 0;
  int ok = 0;
  memset(a, 0, sizeof(a));
  if (!emit(w, 0, 0)) goto done;
  for (;;)
  {
    uint64_t p = i < n ? r[i].lo : (uint64_t)1 << 32;
    uint32_t res;
    if (nh && (heap[0] >> 32) + 1 < p) p = (heap[0] >> 32) + 1;
    if (p > 0xffffffffU) break;
    while (nh && (heap[0] >> 32) + 1 == p)
    {
      dsblk4 const *x = r + (uint32_t)heap[0];
      actdel(a + x->seq, x->val);
      heap[0] = heap[--nh];
      if (nh) heapdown(heap, nh, 0);
    }
    for (; i < n && r[i].lo == p; i++)
    {
      size_t k = nh++;
      if (!actadd(a + r[i].seq, r[i].val) || !ds_grow((void **)&heap, &hcap, nh, sizeof(uint64_t))) goto done;
      heap[k] = (uint64_t)r[i].hi << 32 | i;
      while (k && heap[(k - 1) / 2] > heap[k])
      {
        uint64_t t = heap[k];
        heap[k] = heap[(k - 1) / 2];
        heap[(k - 1) / 2] = t;
        k = (k - 1) / 2;
      }
    }
    if (!classres(a, l, &res)) goto done;
    if (!p) w->res[0] = res;
    else if (!emit(w, p, res)) goto done;
  }
  ok = 1;
done:
  free(heap);
  for (unsigned c = 0; c < 4; c++) free(a[c].v);
  return ok;
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
  void *blkmap = 0;         /* the blocks' memory, once the walk owns it */
  size_t blkmapped = 0;

  memset(m, 0, sizeof(*m));
  memset(&w, 0, sizeof(w));
  w.wide = wide;
  if (wide) { if (s->n) qsort(b6, s->n, sizeof(dsblk6), cmp6); }
  else if (!sort4(b4, s->n)) goto oom;
  /* the walk owns the blocks' memory now */
  blkmap = s->b;
  blkmapped = s->cap * (wide ? sizeof(dsblk6) : sizeof(dsblk4));
  s->b = 0;
  s->cap = 0;
  if (mode == DSMAP_CLASS)
  {
    lists l = { &lv, &loff, &nlv, &lvcap, &nlist, &loffcap };
    if (s->n > 0xffffffffU || !classwalk(&w, b4, s->n, &l)) goto oom;
    goto walked;
  }

  /* blocks with the same bounds make one group with one result; groups
     nest or are disjoint, so a walk in order with a stack of the groups
     that enclose the current point gives each address the result of the
     innermost group holding it. The blocks are read once: what has been
     read goes back as the walk goes. */
  for (size_t i = 0; i < s->n;)
  {
    if (!(i & 65535) && i)
      ds_big_drop(&blkmap, &blkmapped, (size_t)((wide ? (char *)(b6 + i) : (char *)(b4 + i)) - (char *)blkmap));
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
walked:
  ds_big_free(blkmap, blkmapped);
  blkmap = 0;
  blkmapped = 0;
  ds_blks_free(s);
  if (b->ld->fatal) goto fail;

  /* into the arena */
  m->n = (uint32_t)w.n;
  m->wide = (uint8_t)wide;
  if (!(m->res = toarena(ar, (void **)&w.res, &w.rcap, sizeof(uint32_t), w.n))) goto oom;
  if (wide)
  {
    uint64_t *st;
    /* each start as two words, high first, where it is */
    for (size_t i = 0; i < w.n; i++)
    {
      dsu128 v = w.s6[i];
      uint64_t q[2] = { (uint64_t)(v >> 64), (uint64_t)v };
      memcpy(w.s6 + i, q, sizeof(q));
    }
    if (!(st = toarena(ar, (void **)&w.s6, &w.cap, sizeof(dsu128), w.n))) goto oom;
    m->start6 = st;
  }
  else
  {
    uint32_t *st = toarena(ar, (void **)&w.s4, &w.cap, sizeof(uint32_t), w.n);
    if (!st) goto oom;
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
  ds_big_release(w.s4, w.cap, sizeof(uint32_t));
  ds_big_release(w.s6, w.cap, sizeof(dsu128));
  ds_big_release(w.res, w.rcap, sizeof(uint32_t));
  ds_big_free(blkmap, blkmapped);
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

int ds_mapset_start (dsbuild *b)
{
  b->tmp = calloc(1, sizeof(dsblks));
  return b->tmp != 0;
}

int ds_mapset_finish (dsbuild *b, unsigned width, int mode)
{
  dsmap *m = ds_alloc(ds_barena(b), sizeof(dsmap));
  if (!m) return 0;
  if (!ds_map_build(b, b->tmp, width, mode, m)) return b->ld->fatal ? 1 : 0;
  b->d->impl = m;
  return 1;
}

void ds_mapset_discard (dsbuild *b)
{
  if (b->tmp) ds_blks_free(b->tmp);
  free(b->tmp);
  b->tmp = 0;
}

unsigned ds_mapset_query4 (dataset const *d, dsquery const *q, dshit *hits, unsigned max)
{
  dsmap const *m = d->impl;
  uint32_t ip;
  if (!q->isip4) return 0;
  ip = ds_ip4num(q->ip4);
  return ds_map_hits(d, m, ds_map_find4(m, ip), q, hits, max);
}

/* step 0: the index slot; step 1: the slot's first intervals and their
   results, where the search ends (about four intervals a slot) */
void ds_mapset_prefetch4 (dataset const *d, dsquery const *q, unsigned step)
{
  dsmap const *m = d->impl;
  uint32_t ip, k;
  if (!q->isip4 || !m->ix) return;
  ip = ds_ip4num(q->ip4);
  k = m->ixbits ? ip >> (32 - m->ixbits) : 0;
  if (!step) { __builtin_prefetch(m->ix + k); return; }
  k = m->ix[k];
  __builtin_prefetch(m->start4 + k);
  __builtin_prefetch(m->res + k);
}

unsigned ds_mapset_query6 (dataset const *d, dsquery const *q, dshit *hits, unsigned max)
{
  dsmap const *m = d->impl;
  if (!q->isip6) return 0;
  return ds_map_hits(d, m, ds_map_find6(m, q->ip6), q, hits, max);
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
  int excl = ds_excl(&s, &len);
  size_t n;
  uint32_t lo, hi, v = 0;
  if (!ds_ip4cidr(b, s, len, &n, &lo, &hi)) return 0;
  if (!excl && !ds_value(b, s + n, len - n, &v)) return 0;
  return ds_blks_add4(b->tmp, lo, hi, v, excl, b) ? 1 : -1;
}

static int ip4trie_finish (dsbuild *b)
{
  return ds_mapset_finish(b, 32, DSMAP_FIRST);
}

dstype const ds_ip4trie =
{
  .name = "ip4trie",
  .flags = 0,
  .start = &ds_mapset_start,
  .line = &ip4trie_line,
  .finish = &ip4trie_finish,
  .discard = &ds_mapset_discard,
  .query = &ds_mapset_query4,
  .prefetch = &ds_mapset_prefetch4
};
