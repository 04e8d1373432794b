/* ds_ip4set: rbldnsd's ip4set (addresses, prefixes, CIDRs and a-b ranges; the most specific /8 /16 /24 /32 class decides). */

#include <stdlib.h>
#include "ds.h"

static int ip4set_start (dsbuild *b)
{
  dsblks *s = calloc(1, sizeof(dsblks));
  if (!s) return 0;
  s->nopos = 1;   /* no duplicate warnings here: no need to know lines */
  b->tmp = s;
  return 1;
}

/* "a.b.c.d", a prefix of 2..3 octets, "prefix/n", "a-b" (b of one octet
   replaces a's last given octet; or as many octets as a). The range in
   *lo..*hi; 1, or 0 after ds_bad. */
static int range (dsbuild *b, char const *s, size_t len, size_t *used, uint32_t *lo, uint32_t *hi)
{
  uint32_t a, e;
  unsigned na, ne, bits;
  size_t n = ds_scan_ip4(s, len, &a, &na);
  if (!n) return ds_bad(b, "invalid address");
  if (n < len && s[n] == '/')
  {
    uint32_t mask;
    size_t k = ds_scan_bits(s + n, len - n, 32, &bits);
    if (!k || !bits) return ds_bad(b, "invalid address");
    n += k;
    if (!ds_addrend(s + n, len - n)) return ds_bad(b, "invalid address");
    mask = 0xffffffffU << (32 - bits);
    if (a & ~mask)
    {
      if (!b->ld->o->accept_in_cidr) return ds_bad(b, "invalid range (non-zero host part)");
      a &= mask;
    }
    *lo = a;
    *hi = a | ~mask;
  }
  else if (n < len && s[n] == '-')
  {
    size_t k = ds_scan_ip4(s + n + 1, len - n - 1, &e, &ne);
    if (!k) return ds_bad(b, "invalid address");
    n += 1 + k;
    if (!ds_addrend(s + n, len - n)) return ds_bad(b, "invalid address");
    if (ne == 1 && na > 1)
    {
      unsigned sh = 32 - 8 * na;
      e = (a & ~(0xffU << sh)) | (e >> 24) << sh;
      ne = na;
    }
    else if (ne != na) return ds_bad(b, "invalid address");
    if (ne < 4) e |= 0xffffffffU >> (8 * ne);
    if (e < a) return ds_bad(b, "invalid address");
    *lo = a;
    *hi = e;
  }
  else
  {
    if (na == 1 || !ds_addrend(s + n, len - n)) return ds_bad(b, "invalid address");
    *lo = a;
    *hi = na < 4 ? a | 0xffffffffU >> (8 * na) : a;
  }
  if (b->maxrange4 && (uint64_t)*hi - *lo + 1 > b->maxrange4)
    return ds_bad(b, ds_msg(b, "too large range (", (uint64_t)*hi - *lo + 1, ") ignored (", b->maxrange4, " max)"));
  *used = n;
  return 1;
}

static int ip4set_line (dsbuild *b, char const *s, size_t len)
{
  int excl = ds_excl(&s, &len);
  size_t n = 0;
  uint32_t lo = 0, hi = 0, v = 0;
  uint64_t p, end;
  if (!range(b, s, len, &n, &lo, &hi)) return 0;
  if (!excl && !ds_value(b, s + n, len - n, &v)) return 0;
  /* rbldnsd keeps a range as whole /8, /16, /24 and /32 pieces, the
     largest that fit, and a piece of a finer class overrides a coarser
     one whatever the order in the file */
  p = lo;
  end = (uint64_t)hi + 1;
  while (p < end)
  {
    uint64_t size = 1;
    if (!(p & 0xffffff) && p + 0x1000000 <= end) size = 0x1000000;
    else if (!(p & 0xffff) && p + 0x10000 <= end) size = 0x10000;
    else if (!(p & 0xff) && p + 0x100 <= end) size = 0x100;
    if (!ds_blks_addcls4(b->tmp, (uint32_t)p, (uint32_t)(p + size - 1), v, excl, b)) return -1;
    p += size;
  }
  return 1;
}

static int ip4set_finish (dsbuild *b)
{
  return ds_mapset_finish(b, 32, DSMAP_CLASS);
}

dstype const ds_ip4set =
{
  .name = "ip4set",
  .flags = 0,
  .start = &ip4set_start,
  .line = &ip4set_line,
  .finish = &ip4set_finish,
  .discard = &ds_mapset_discard,
  .query = &ds_mapset_query4,
  .prefetch = &ds_mapset_prefetch4
};
