/* ds_ip6tset: rbldnsd's ip6tset (IPv6 /64s written as four words, /128 exclusions, one value for all). */

#include <stdlib.h>
#include <string.h>
#include "ds.h"

typedef struct tmp_s tmp;
struct tmp_s
{
  uint64_t *net;            /* listed /64s */
  size_t nnet, netcap;
  uint64_t *ex;             /* excluded addresses, two words each */
  size_t nex, excap;
};

typedef struct set_s set;
struct set_s
{
  uint64_t const *net;
  size_t nnet;
  uint64_t const *ex;
  size_t nex;
};

static int ip6tset_start (dsbuild *b)
{
  b->tmp = calloc(1, sizeof(tmp));
  return b->tmp != 0;
}

static uint64_t word64 (uint8_t const *p)
{
  uint64_t v = 0;
  for (unsigned i = 0; i < 8; i++) v = v << 8 | p[i];
  return v;
}

static int ip6tset_line (dsbuild *b, char const *s, size_t len)
{
  tmp *t = b->tmp;
  uint8_t ip[16];
  unsigned nw;
  int dc, excl = ds_excl(&s, &len);
  size_t n;
  n = ds_scan_ip6(s, len, ip, &nw, &dc);
  if (!n || !ds_addrend(s + n, len - n)) return ds_bad(b, "invalid address");
  if (!excl)
  {
    void *p = t->net;
    if (nw != 4 || dc || s[n - 1] == ':') return ds_bad(b, "invalid address for regular entry (should be 64 bits)");
    if (!ds_grow(&p, &t->netcap, t->nnet + 1, sizeof(uint64_t))) return ds_fatal(b, "out of memory");
    t->net = p;
    t->net[t->nnet++] = word64(ip);
  }
  else
  {
    void *p = t->ex;
    if (!(nw == 8 || dc)) return ds_bad(b, "invalid address for exclusion (should be 128 bits)");
    if (!ds_grow(&p, &t->excap, 2 * (t->nex + 1), sizeof(uint64_t))) return ds_fatal(b, "out of memory");
    t->ex = p;
    t->ex[2 * t->nex] = word64(ip);
    t->ex[2 * t->nex + 1] = word64(ip + 8);
    t->nex++;
  }
  return 1;
}

static int cmp64 (void const *pa, void const *pb)
{
  uint64_t a = *(uint64_t const *)pa, b = *(uint64_t const *)pb;
  return a < b ? -1 : a > b;
}

static int cmp128 (void const *pa, void const *pb)
{
  uint64_t const *a = pa, *b = pb;
  if (a[0] != b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1];
}

static int ip6tset_finish (dsbuild *b)
{
  tmp *t = b->tmp;
  dsarena *ar = ds_barena(b);
  set *x = ds_alloc(ar, sizeof(set));
  size_t u;
  if (!x) return 0;
  if (t->nnet)
  {
    uint64_t *net;
    qsort(t->net, t->nnet, sizeof(uint64_t), cmp64);
    u = 1;
    for (size_t i = 1; i < t->nnet; i++) if (t->net[i] != t->net[u - 1]) t->net[u++] = t->net[i];
    net = ds_alloc(ar, u * sizeof(uint64_t));
    if (!net) return 0;
    memcpy(net, t->net, u * sizeof(uint64_t));
    x->net = net;
    x->nnet = u;
  }
  if (t->nex)
  {
    uint64_t *ex;
    qsort(t->ex, t->nex, 2 * sizeof(uint64_t), cmp128);
    u = 1;
    for (size_t i = 1; i < t->nex; i++)
      if (cmp128(t->ex + 2 * i, t->ex + 2 * (u - 1)))
      {
        t->ex[2 * u] = t->ex[2 * i];
        t->ex[2 * u + 1] = t->ex[2 * i + 1];
        u++;
      }
    ex = ds_alloc(ar, u * 2 * sizeof(uint64_t));
    if (!ex) return 0;
    memcpy(ex, t->ex, u * 2 * sizeof(uint64_t));
    x->ex = ex;
    x->nex = u;
  }
  b->entries = x->nnet + x->nex;
  b->d->impl = x;
  return 1;
}

static void ip6tset_discard (dsbuild *b)
{
  tmp *t = b->tmp;
  if (!t) return;
  free(t->net);
  free(t->ex);
  free(t);
  b->tmp = 0;
}

static unsigned ip6tset_query (dataset const *d, dsquery const *q, dshit *hits, unsigned max)
{
  set const *x = d->impl;
  uint64_t h, l;
  size_t lo = 0, hi;
  (void)max;
  if (!q->isip6 || !x->nnet) return 0;
  h = word64(q->ip6);
  l = word64(q->ip6 + 8);
  hi = x->nnet;
  while (lo < hi)
  {
    size_t mid = lo + (hi - lo) / 2;
    if (x->net[mid] < h) lo = mid + 1; else hi = mid;
  }
  if (lo >= x->nnet || x->net[lo] != h) return 0;
  lo = 0;
  hi = x->nex;
  while (lo < hi)
  {
    size_t mid = lo + (hi - lo) / 2;
    uint64_t eh = x->ex[2 * mid], el = x->ex[2 * mid + 1];
    if (eh < h || (eh == h && el < l)) lo = mid + 1; else hi = mid;
  }
  if (lo < x->nex && x->ex[2 * lo] == h && x->ex[2 * lo + 1] == l) return 0;
  ds_hit(d, q, 0, q->subst, q->substlen, hits);
  return 1;
}

dstype const ds_ip6tset =
{
  .name = "ip6tset",
  .flags = DSTYPE_ONEVALUE | DSTYPE_V6,
  .start = &ip6tset_start,
  .line = &ip6tset_line,
  .finish = &ip6tset_finish,
  .discard = &ip6tset_discard,
  .query = &ip6tset_query
};
