/* ds_ip4tset: rbldnsd's ip4tset (single IPv4 addresses, one value for all), as sorted 16-bit halves in 65536 buckets. */

#include <stdlib.h>
#include <string.h>
#include "ds.h"

#define CHUNK 1048576       /* addresses read before they are sorted into a run */
#define SMALL 131072        /* below this many, a plain sorted array is smaller than the buckets */
#define GIVEBACK 65536      /* the merge unmaps what it has read of a run by this much */

/* Addresses are read a chunk at a time; each full chunk becomes a run:
   its low halves grouped by /16 (two bytes an address) and the count of
   each group. finish merges the runs group by group into the loaded
   set. A big set so needs its runs and one chunk, about 2 bytes an
   address, instead of 4 for every address. */
typedef struct run_s run;
struct run_s
{
  void *base;               /* what is still mapped of low */
  size_t mapped;
  uint16_t const *low;      /* the next low half to read */
  uint8_t *cnt;             /* addresses in each /16, 255: the count is in big */
  uint32_t *big;            /* (bucket, count) of the buckets with 255 or more, in order */
  size_t nbig, bi;
};

typedef struct tmp_s tmp;
struct tmp_s
{
  uint32_t *buf;            /* the chunk being read */
  size_t nbuf, bufcap;
  uint32_t *pos;            /* 65536 counters, to group a chunk */
  run *run;
  size_t nrun, runcap;
};

/* the loaded set: small, a sorted array; else bucket h holds the low
   halves of the addresses h.x.y, sorted, in low[ix[h] .. ix[h + 1]) */
typedef struct set_s set;
struct set_s
{
  uint32_t const *all;
  size_t n;
  uint32_t const *ix;
  uint16_t const *low;
};

static int ip4tset_start (dsbuild *b)
{
  b->tmp = calloc(1, sizeof(tmp));
  return b->tmp != 0;
}

/* the chunk as a new run; 1, or 0 on ENOMEM */
static int flush (tmp *t)
{
  uint32_t *pos = t->pos;
  uint16_t *low;
  run *r;
  size_t nbig = 0;
  if (!pos && !(pos = t->pos = malloc(65536 * sizeof(uint32_t)))) return 0;
  if (!ds_grow((void **)&t->run, &t->runcap, t->nrun + 1, sizeof(run))) return 0;
  r = t->run + t->nrun++;
  memset(r, 0, sizeof(*r));
  memset(pos, 0, 65536 * sizeof(uint32_t));
  for (size_t i = 0; i < t->nbuf; i++) pos[t->buf[i] >> 16]++;
  for (size_t h = 0; h < 65536; h++) nbig += pos[h] >= 255;
  r->mapped = t->nbuf * sizeof(uint16_t);
  r->base = ds_tmp_alloc(r->mapped);
  r->cnt = ds_tmp_alloc(65536);
  r->big = nbig ? malloc(2 * nbig * sizeof(uint32_t)) : 0;
  if (!r->base || !r->cnt || (nbig && !r->big)) return 0;
  low = r->base;
  r->low = low;
  for (size_t h = 0, s = 0; h < 65536; h++)
  {
    uint32_t c = pos[h];
    r->cnt[h] = c >= 255 ? 255 : (uint8_t)c;
    if (c >= 255)
    {
      r->big[2 * r->nbig] = (uint32_t)h;
      r->big[2 * r->nbig++ + 1] = c;
    }
    pos[h] = (uint32_t)s;
    s += c;
  }
  for (size_t i = 0; i < t->nbuf; i++) low[pos[t->buf[i] >> 16]++] = (uint16_t)t->buf[i];
  t->nbuf = 0;
  return 1;
}

/* room for one more address: a bigger chunk, or the chunk made a run */
static int room (tmp *t)
{
  if (t->bufcap < CHUNK) return ds_big_grow((void **)&t->buf, &t->bufcap, t->nbuf + 1, sizeof(uint32_t));
  return flush(t);
}

static int ip4tset_line (dsbuild *b, char const *s, size_t len)
{
  tmp *t = b->tmp;
  uint32_t ip;
  unsigned noct;
  size_t n = ds_scan_ip4(s, len, &ip, &noct);
  /* only whole addresses; no exclusions; a value after one is ignored */
  if (!n || noct != 4 || !ds_addrend(s + n, len - n)) return ds_bad(b, "invalid address");
  if (t->nbuf == t->bufcap && !room(t)) return ds_fatal(b, "out of memory");
  t->buf[t->nbuf++] = ip;
  return 1;
}

/* sorts a bucket: insertion sort when small; else a counting pass on
   the high byte, and then, if that leaves only a few in each place, an
   insertion sort (a step or two each), or a second pass on the low byte */
static void sort16 (uint16_t *a, size_t n, uint16_t *tmpbuf)
{
  uint32_t h[256], most = 0;
  if (n < 48)
  {
    for (size_t i = 1; i < n; i++)
    {
      uint16_t x = a[i];
      size_t j = i;
      while (j && a[j - 1] > x) { a[j] = a[j - 1]; j--; }
      a[j] = x;
    }
    return;
  }
  memset(h, 0, sizeof(h));
  for (size_t i = 0; i < n; i++) h[a[i] >> 8]++;
  for (size_t i = 0; i < 256; i++) if (h[i] > most) most = h[i];
  if (most <= 8)
  {
    for (uint32_t i = 0, s = 0; i < 256; i++) { uint32_t k = h[i]; h[i] = s; s += k; }
    for (size_t i = 0; i < n; i++) tmpbuf[h[a[i] >> 8]++] = a[i];
    for (size_t i = 0; i < n; i++)
    {
      uint16_t x = tmpbuf[i];
      size_t j = i;
      while (j && a[j - 1] > x) { a[j] = a[j - 1]; j--; }
      a[j] = x;
    }
    return;
  }
  {
    size_t c[256];
    memset(c, 0, sizeof(c));
    for (size_t i = 0; i < n; i++) c[a[i] & 255]++;
    for (size_t i = 0, s = 0; i < 256; i++) { size_t k = c[i]; c[i] = s; s += k; }
    for (size_t i = 0; i < n; i++) tmpbuf[c[a[i] & 255]++] = a[i];
    memset(c, 0, sizeof(c));
    for (size_t i = 0; i < n; i++) c[tmpbuf[i] >> 8]++;
    for (size_t i = 0, s = 0; i < 256; i++) { size_t k = c[i]; c[i] = s; s += k; }
    for (size_t i = 0; i < n; i++) a[c[tmpbuf[i] >> 8]++] = tmpbuf[i];
  }
}

static int cmp32 (void const *pa, void const *pb)
{
  uint32_t a = *(uint32_t const *)pa, b = *(uint32_t const *)pb;
  return a < b ? -1 : a > b;
}

static int finish_small (dsbuild *b, set *x)
{
  tmp *t = b->tmp;
  size_t w = t->nbuf, u = 0;
  uint32_t *all = ds_alloc(ds_barena(b), (w ? w : 1) * sizeof(uint32_t));
  if (!all) return 0;
  if (w)
  {
    memcpy(all, t->buf, w * sizeof(uint32_t));
    qsort(all, w, sizeof(uint32_t), cmp32);
  }
  for (size_t i = 0; i < w; i++) if (!u || all[u - 1] != all[i]) all[u++] = all[i];
  x->all = all;
  x->n = u;
  b->entries = u;
  return 1;
}

/* appends run r's low halves of bucket h at low; returns how many */
static size_t take (run *r, size_t h, uint16_t *low)
{
  size_t c = r->cnt[h];
  if (c == 255) c = r->big[2 * r->bi++ + 1];
  memcpy(low, r->low, c * sizeof(uint16_t));
  r->low += c;
  return c;
}

/* unmaps what the merge has read of r */
static void giveback (run *r)
{
  size_t done;
  if (!r->base) return;
  done = (size_t)((unsigned char const *)r->low - (unsigned char const *)r->base);
  if (done >= GIVEBACK) ds_big_drop(&r->base, &r->mapped, done);
}

static void freeruns (tmp *t)
{
  for (size_t i = 0; i < t->nrun; i++)
  {
    run *r = t->run + i;
    ds_big_free(r->base, r->mapped);
    ds_big_free(r->cnt, 65536);
    free(r->big);
  }
  free(t->run);
  t->run = 0;
  t->nrun = t->runcap = 0;
}

static int ip4tset_finish (dsbuild *b)
{
  tmp *t = b->tmp;
  dsarena *ar = ds_barena(b);
  set *x = ds_alloc(ar, sizeof(set));
  uint32_t *ix;
  uint16_t *low, *buf = 0;
  size_t w = 0, bufcap = 0, lowsize = 0;
  if (!x) return 0;
  b->d->impl = x;
  if (!t->nrun && t->nbuf < SMALL) return finish_small(b, x);
  if (t->nbuf && !flush(t)) return 0;
  ds_big_release(t->buf, t->bufcap, sizeof(uint32_t));
  t->buf = 0;
  t->bufcap = 0;
  free(t->pos);
  t->pos = 0;
  for (size_t r = 0; r < t->nrun; r++) lowsize += t->run[r].mapped;
  ix = ds_alloc(ar, 65537 * sizeof(uint32_t));
  low = ds_big_alloc(lowsize);
  if (!ix || !low) { ds_big_free(low, lowsize); return 0; }
  /* each bucket from every run, sorted, repeats dropped */
  for (size_t h = 0; h < 65536; h++)
  {
    size_t st = w, nw = w;
    for (size_t r = 0; r < t->nrun; r++) w += take(t->run + r, h, low + w);
    if (!ds_grow((void **)&buf, &bufcap, w - st, sizeof(uint16_t))) { free(buf); ds_big_free(low, lowsize); return 0; }
    sort16(low + st, w - st, buf);
    for (size_t i = st; i < w; i++)
      if (nw == st || low[nw - 1] != low[i]) low[nw++] = low[i];
    ix[h] = (uint32_t)st;
    w = nw;
    if ((h & 1023) == 1023)
      for (size_t r = 0; r < t->nrun; r++) giveback(t->run + r);
  }
  ix[65536] = (uint32_t)w;
  free(buf);
  freeruns(t);
  {
    void *q = ds_big_resize(low, lowsize, w * sizeof(uint16_t));
    if (q) { low = q; lowsize = w * sizeof(uint16_t); }
  }
  if (!ds_arena_adopt(ar, low, lowsize)) { ds_big_free(low, lowsize); return 0; }
  x->ix = ix;
  x->low = low;
  b->entries = w;
  return 1;
}

static void ip4tset_discard (dsbuild *b)
{
  tmp *t = b->tmp;
  if (!t) return;
  ds_big_release(t->buf, t->bufcap, sizeof(uint32_t));
  free(t->pos);
  freeruns(t);
  free(t);
  b->tmp = 0;
}

static unsigned ip4tset_query (dataset const *d, dsquery const *q, dshit *hits, unsigned max)
{
  set const *x = d->impl;
  uint32_t h, lo, hi;
  uint16_t l;
  (void)max;
  if (!q->isip4) return 0;
  if (!x->ix)
  {
    uint32_t ip = ds_ip4num(q->ip4);
    size_t a = 0, z = x->n;
    while (a < z)
    {
      size_t mid = a + (z - a) / 2;
      if (x->all[mid] < ip) a = mid + 1; else z = mid;
    }
    if (a >= x->n || x->all[a] != ip) return 0;
    ds_hit(d, q, 0, q->subst, q->substlen, hits);
    return 1;
  }
  h = (uint32_t)q->ip4[0] << 8 | q->ip4[1];
  l = (uint16_t)(q->ip4[2] << 8 | q->ip4[3]);
  lo = x->ix[h];
  hi = x->ix[h + 1];
  while (lo < hi)
  {
    uint32_t mid = lo + (hi - lo) / 2;
    if (x->low[mid] < l) lo = mid + 1; else hi = mid;
  }
  if (lo >= x->ix[h + 1] || x->low[lo] != l) return 0;
  ds_hit(d, q, 0, q->subst, q->substlen, hits);
  return 1;
}

/* step 0: the bucket's bounds; step 1: its first addresses, where the
   search ends (about a line of them a bucket at Spamhaus's sizes) */
static void ip4tset_prefetch (dataset const *d, dsquery const *q, unsigned step)
{
  set const *x = d->impl;
  uint32_t h;
  if (!q->isip4 || !x->ix) return;
  h = (uint32_t)q->ip4[0] << 8 | q->ip4[1];
  if (!step) __builtin_prefetch(x->ix + h);
  else __builtin_prefetch(x->low + x->ix[h]);
}

dstype const ds_ip4tset =
{
  .name = "ip4tset",
  .flags = DSTYPE_ONEVALUE,
  .start = &ip4tset_start,
  .line = &ip4tset_line,
  .finish = &ip4tset_finish,
  .discard = &ip4tset_discard,
  .query = &ip4tset_query,
  .prefetch = &ip4tset_prefetch
};
