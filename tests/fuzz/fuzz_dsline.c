/* fuzz_dsline: arbitrary bytes loaded as a dataset file of every type, then queried; must not crash, leak or read out of bounds. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dataset.h"
#include "ds.h"

static char const *const types[] = { "ip4set", "ip4tset", "ip4trie", "ip6tset", "ip6trie", "dnset", "generic", "combined", "acl" };

static void nowarn (void *ctx, char const *file, unsigned long line, char const *what)
{
  (void)file; (void)line;
  if (!what || !*what) abort();
  ++*(unsigned long *)ctx;
}

static void checkhits (dshit const *h, unsigned n, unsigned max)
{
  if (n > max) abort();
  for (unsigned i = 0; i < n; i++)
    if (h[i].txtlen > DATASET_TXT_MAX - 1 || (!h[i].hastxt && h[i].txtlen)) abort();
}

/* questions made from the input's own bytes, so they hit its entries */
static void ask (dataset const *d, uint8_t const *data, size_t size)
{
  dshit hits[DATASET_HITS_MAX];
  dsquery q;
  unsigned char name[255];
  dsrr rr[4];
  int ex;
  for (size_t off = 0; off + 16 <= size && off < 512; off += 7)
  {
    unsigned n;
    memset(&q, 0, sizeof(q));
    q.isip4 = 1;
    memcpy(q.ip4, data + off, 4);
    q.wanttxt = data[off] & 1;
    q.subst = "1.2.3.4";
    q.substlen = 7;
    n = dataset_query(d, &q, hits, 1 + data[off + 4] % DATASET_HITS_MAX);
    checkhits(hits, n, 1 + data[off + 4] % DATASET_HITS_MAX);
    q.isip4 = 0;
    q.isip6 = 1;
    memcpy(q.ip6, data + off, 16);
    n = dataset_query(d, &q, hits, DATASET_HITS_MAX);
    checkhits(hits, n, DATASET_HITS_MAX);
    (void)dataset_acl(d, data + off, data[off + 5] & 1, hits);
  }
  /* names: each run of letters and dots in the input as a wire name */
  for (size_t i = 0; i < size && i < 4096;)
  {
    size_t j = i, w = 0, lab = 0;
    unsigned nl = 0;
    int in = 0;
    while (j < size && j - i < 200 && ((data[j] >= 'a' && data[j] <= 'z') || data[j] == '.' || data[j] == '-' || (data[j] >= '0' && data[j] <= '9')))
    {
      if (data[j] == '.') in = 0;
      else
      {
        if (!in) { lab = w++; name[lab] = 0; in = 1; nl++; }
        if (name[lab] < 63) { name[w++] = data[j]; name[lab]++; }
      }
      j++;
    }
    if (w)
    {
      unsigned n;
      memset(&q, 0, sizeof(q));
      q.name = name;
      q.namelen = w;
      q.nlabels = nl;
      q.wanttxt = 1;
      q.subst = "x";
      q.substlen = 1;
      n = dataset_query(d, &q, hits, DATASET_HITS_MAX);
      checkhits(hits, n, DATASET_HITS_MAX);
      n = dataset_generic(d, &q, 255, rr, 4, &ex);
      if (n > 4) abort();
    }
    i = j + 1;
  }
  {
    unsigned n;
    memset(&q, 0, sizeof(q));
    n = dataset_generic(d, &q, 255, rr, 4, &ex);
    if (n > 4) abort();
  }
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  dsload_opts o = { .defttl = 60 };
  char const *bufs[2];
  size_t lens[2];
  unsigned nbuf = 1;
  uint8_t const *cut;
  if (!size) return 0;
  /* the first byte picks options; a form feed splits the rest into two files */
  o.accept_in_cidr = data[0] & 1;
  o.strict = (data[0] >> 1) & 1;
  o.require_cksum = (data[0] >> 2) & 1;
  o.minttl = data[0] & 8 ? 20 : 0;
  o.maxttl = data[0] & 16 ? 1000 : 0;
  o.nogzip = (data[0] >> 5) & 1;
  data++;
  size--;
  bufs[0] = (char const *)data;
  lens[0] = size;
  cut = memchr(data, '\f', size);
  if (cut)
  {
    lens[0] = (size_t)(cut - data);
    bufs[1] = (char const *)cut + 1;
    lens[1] = size - lens[0] - 1;
    nbuf = 2;
  }
  for (unsigned t = 0; t < sizeof(types) / sizeof(*types); t++)
  {
    char const *why = 0;
    unsigned long nw = 0;
    dataset *d = ds_load_mem(types[t], bufs, lens, nbuf, &o, &nowarn, &nw, &why);
    if (!d)
    {
      if (!why) abort();
      continue;
    }
    if (why) abort();
    if (o.strict && nw && t != 7 && t != 8) { /* notices (truncation) may come in strict mode too */ }
    if (!dataset_bytes(d)) abort();
    ask(d, data, size);
    for (unsigned i = 0; i < dataset_nsub(d); i++)
    {
      unsigned char const *const *z;
      size_t const *zl;
      unsigned nz;
      dataset const *s = dataset_sub(d, i, &z, &zl, &nz);
      if (!s || !nz) abort();
      for (unsigned k = 0; k < nz; k++) if (zl[k] > DATASET_NAME_MAX) abort();
      ask(s, data, size);
    }
    if (dataset_soa(d) && (dataset_soa(d)->mnamelen > DATASET_NAME_MAX || dataset_soa(d)->rnamelen > DATASET_NAME_MAX)) abort();
    if (dataset_ns(d) && (dataset_ns(d)->n == 0 || dataset_ns(d)->n > DATASET_NS_MAX)) abort();
    dataset_free(d);
  }
  return 0;
}
