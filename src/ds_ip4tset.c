/* ds_ip4tset: rbldnsd's ip4tset (single IPv4 addresses, one value for all), as sorted 16-bit halves in 65536 buckets. */

#include <stdlib.h>
#include <string.h>
#include "ds.h"

#define CHUNK 1048576       /* addresses per temporary chunk, at most */
#define SMALL 131072        /* below this many, a plain sorted array is smaller than the buckets */

typedef struct tmp_s tmp;
struct tmp_s
{
  uint32_t **chunk;         /* chunk i holds up to 1024 << i addresses, at most CHUNK */
  size_t *used;
  size_t nchunk, chunkcap, usedcap;
  size_t n;
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

static size_t chunksize (size_t i)
{
  return i >= 10 ? CHUNK : (size_t)1024 << i;
}

static int ip4tset_start (dsbuild *b)
{
  b->tmp = calloc(1, sizeof(tmp));
  return b->tmp != 0;
}

static int ip4tset_line (dsbuild *b, char const *s, size_t len)
{
  tmp *t = b->tmp;
  uint32_t ip;
  unsigned noct;
  size_t n = ds_scan_ip4(s, len, &ip, &noct);
  /* only whole addresses; no exclusions; a value after one is ignored */
  if (!n || noct != 4 || !ds_addrend(s + n, len - n)) return ds_bad(b, "invalid address");
  if (!t->nchunk || t->used[t->nchunk - 1] == chunksize(t->nchunk - 1))
  {
    uint32_t *c;
    if (!ds_grow((void **)&t->chunk, &t->chunkcap, t->nchunk + 1, sizeof(uint32_t *))
        || !ds_grow((void **)&t->used, &t->usedcap, t->nchunk + 1, sizeof(size_t)))
      return ds_fatal(b, "out of memory");
    c = ds_big_alloc(chunksize(t->nchunk) * sizeof(uint32_t));
    if (!c) return ds_fatal(b, "out of memory");
    t->chunk[t->nchunk] = c;
    t->used[t->nchunk++] = 0;
  }
  t->chunk[t->nchunk - 1][t->used[t->nchunk - 1]++] = ip;
  t->n++;
  return 1;
}

/* sorts a bucket: insertion sort when small, else two counting passes */
static void sort16 (uint16_t *a, size_t n, uint16_t *tmpbuf)
{
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
  uint32_t *all = ds_alloc(ds_barena(b), (t->n ? t->n : 1) * sizeof(uint32_t));
  size_t w = 0, u = 0;
  if (!all) return 0;
  for (size_t c = 0; c < t->nchunk; c++)
  {
    memcpy(all + w, t->chunk[c], t->used[c] * sizeof(uint32_t));
    w += t->used[c];
  }
  if (w) qsort(all, w, sizeof(uint32_t), cmp32);
  for (size_t i = 0; i < w; i++) if (!u || all[u - 1] != all[i]) all[u++] = all[i];
  x->all = all;
  x->n = u;
  b->entries = u;
  return 1;
}

static int ip4tset_finish (dsbuild *b)
{
  tmp *t = b->tmp;
  dsarena *ar = ds_barena(b);
  set *x = ds_alloc(ar, sizeof(set));
  uint32_t *ix, *pos;
  uint16_t *low, *buf;
  size_t maxb = 0, w = 0;
  if (!x) return 0;
  b->d->impl = x;
  if (t->n < SMALL) return finish_small(b, x);
  ix = ds_alloc(ar, 65537 * sizeof(uint32_t));
  low = ds_alloc(ar, t->n * sizeof(uint16_t));
  pos = calloc(65536, sizeof(uint32_t));
  if (!ix || !low || !pos) { free(pos); return 0; }
  for (size_t c = 0; c < t->nchunk; c++)
    for (size_t i = 0; i < t->used[c]; i++) pos[t->chunk[c][i] >> 16]++;
  for (size_t h = 0, s = 0; h < 65536; h++)
  {
    size_t k = pos[h];
    ix[h] = (uint32_t)s;
    pos[h] = (uint32_t)s;
    s += k;
    if (k > maxb) maxb = k;
  }
  ix[65536] = (uint32_t)t->n;
  /* scatter chunk by chunk, giving each chunk back as soon as it is done */
  for (size_t c = 0; c < t->nchunk; c++)
  {
    uint32_t const *p = t->chunk[c];
    for (size_t i = 0; i < t->used[c]; i++) low[pos[p[i] >> 16]++] = (uint16_t)p[i];
    ds_big_free(t->chunk[c], chunksize(c) * sizeof(uint32_t));
    t->chunk[c] = 0;
  }
  free(pos);
  buf = malloc((maxb ? maxb : 1) * sizeof(uint16_t));
  if (!buf) return 0;
  /* sort each bucket, drop repeats, close the gaps they leave */
  for (size_t h = 0; h < 65536; h++)
  {
    size_t st = ix[h], e = ix[h + 1], nw = w;
    sort16(low + st, e - st, buf);
    for (size_t i = st; i < e; i++)
      if (nw == w || low[nw - 1] != low[i]) low[nw++] = low[i];
    ix[h] = (uint32_t)w;
    w = nw;
  }
  ix[65536] = (uint32_t)w;
  free(buf);
  x->ix = ix;
  x->low = low;
  b->entries = w;
  return 1;
}

static void ip4tset_discard (dsbuild *b)
{
  tmp *t = b->tmp;
  if (!t) return;
  for (size_t c = 0; c < t->nchunk; c++) ds_big_free(t->chunk[c], chunksize(c) * sizeof(uint32_t));
  free(t->chunk);
  free(t->used);
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
    uint32_t ip = (uint32_t)q->ip4[0] << 24 | (uint32_t)q->ip4[1] << 16 | (uint32_t)q->ip4[2] << 8 | q->ip4[3];
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

dstype const ds_ip4tset =
{
  .name = "ip4tset",
  .flags = DSTYPE_ONEVALUE,
  .start = &ip4tset_start,
  .line = &ip4tset_line,
  .finish = &ip4tset_finish,
  .discard = &ip4tset_discard,
  .query = &ip4tset_query
};
