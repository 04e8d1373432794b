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

static int ip6trie_finish (dsbuild *b)
{
  return ds_mapset_finish(b, 128, DSMAP_FIRST);
}

dstype const ds_ip6trie =
{
  .name = "ip6trie",
  .flags = DSTYPE_V6,
  .start = &ds_mapset_start,
  .line = &ip6trie_line,
  .finish = &ip6trie_finish,
  .discard = &ds_mapset_discard,
  .query = &ds_mapset_query6
};
