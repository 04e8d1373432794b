/* ds_ip6trie: rbldnsd's ip6trie (IPv6 CIDR ranges, longest prefix wins). */

#include <stdlib.h>
#include "ds.h"

/* "words[/n]": without "::" and without "/n" the prefix is 16 bits per
   word given; with "::" a whole address. Shared with acl. */
int ds_ip6cidr (dsbuild *b, char const *s, size_t len, size_t *used, dsu128 *lo, dsu128 *hi)
{
  uint8_t ip[16];
  unsigned nw, bits;
  int dc;
  dsu128 a = 0, mask;
  size_t n = ds_scan_ip6(s, len, ip, &nw, &dc);
  if (!n) return ds_bad(b, "invalid address");
  bits = dc ? 128 : 16 * nw;
  if (n < len && s[n] == '/')
  {
    size_t k = ds_scan_bits(s + n, len - n, 128, &bits);
    if (!k) return ds_bad(b, "invalid address");
    n += k;
  }
  if (!ds_addrend(s + n, len - n)) return ds_bad(b, "invalid address");
  for (unsigned i = 0; i < 16; i++) a = a << 8 | ip[i];
  mask = bits ? ~(dsu128)0 << (128 - bits) : 0;
  if (a & ~mask)
  {
    if (!b->ld->o->accept_in_cidr) return ds_bad(b, "invalid range (non-zero host part)");
    a &= mask;
  }
  *lo = a;
  *hi = a | ~mask;
  *used = n;
  return 1;
}

static int ip6trie_start (dsbuild *b)
{
  b->tmp = calloc(1, sizeof(dsblks));
  return b->tmp != 0;
}

static int ip6trie_line (dsbuild *b, char const *s, size_t len)
{
  int excl = ds_excl(&s, &len);
  size_t n;
  dsu128 lo, hi;
  uint32_t v = 0;
  if (!ds_ip6cidr(b, s, len, &n, &lo, &hi)) return 0;
  if (!excl && !ds_value(b, s + n, len - n, &v)) return 0;
  return ds_blks_add6(b->tmp, lo, hi, v, excl, b) ? 1 : -1;
}

typedef struct ip6map_s ip6map;
struct ip6map_s
{
  dsmap m;
};

static int ip6trie_finish (dsbuild *b)
{
  ip6map *x = ds_alloc(ds_barena(b), sizeof(ip6map));
  if (!x) return 0;
  if (!ds_map_build(b, b->tmp, 128, DSMAP_FIRST, &x->m)) return b->ld->fatal ? 1 : 0;
  b->d->impl = x;
  return 1;
}

static void ip6trie_discard (dsbuild *b)
{
  if (b->tmp) ds_blks_free(b->tmp);
  free(b->tmp);
  b->tmp = 0;
}

static unsigned ip6trie_query (dataset const *d, dsquery const *q, dshit *hits, unsigned max)
{
  ip6map const *x = d->impl;
  if (!q->isip6) return 0;
  return ds_map_hits(d, &x->m, ds_map_find6(&x->m, q->ip6), q, hits, max);
}

dstype const ds_ip6trie =
{
  .name = "ip6trie",
  .flags = DSTYPE_V6,
  .start = &ip6trie_start,
  .line = &ip6trie_line,
  .finish = &ip6trie_finish,
  .discard = &ip6trie_discard,
  .query = &ip6trie_query
};
