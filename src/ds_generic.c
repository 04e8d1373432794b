/* ds_generic: rbldnsd's generic dataset (A, TXT and MX records by name, bind-like lines). */

#include <stdlib.h>
#include <string.h>
#include "ds.h"

#define T_A 1
#define T_MX 15
#define T_TXT 16

typedef struct grr_s grr;
struct grr_s
{
  uint32_t nameoff;         /* in the blob: the owner, wire form without the root label */
  uint32_t dataoff;
  uint32_t ttl;
  uint32_t seq;
  uint16_t namelen;
  uint16_t datalen;
  uint16_t type;
};

typedef struct tmp_s tmp;
struct tmp_s
{
  grr *r;
  size_t n, cap;
  unsigned char *blob;
  size_t blen, bcap;
};

typedef struct gen_s gen;
struct gen_s
{
  grr const *r;
  size_t n;
  unsigned char const *blob;
};

static int generic_start (dsbuild *b)
{
  b->tmp = calloc(1, sizeof(tmp));
  return b->tmp != 0;
}

static int blob_add (dsbuild *b, void const *p, size_t len, uint32_t *off)
{
  tmp *t = b->tmp;
  if (t->blen + len > 0xffffffffU || !ds_grow((void **)&t->blob, &t->bcap, t->blen + len + 1, 1))
  {
    ds_fatal(b, "out of memory");
    return 0;
  }
  memcpy(t->blob + t->blen, p, len);
  *off = (uint32_t)t->blen;
  t->blen += len;
  return 1;
}

/* a name to wire form: labels at dots, empty ones dropped; "@" is the
   zone itself; lower: owners are compared without case */
static size_t wirename (char const *s, size_t len, unsigned char *out, int lower, int root)
{
  size_t w = 0, lab = 0;
  int in = 0;
  if (len == 1 && s[0] == '@') len = 0;
  for (size_t i = 0; i < len; i++)
  {
    unsigned c = (unsigned char)s[i];
    if (c == '.') { in = 0; continue; }
    if (!in)
    {
      if (w + 2 > DATASET_NAME_MAX - 1) return 0;
      lab = w++;
      out[lab] = 0;
      in = 1;
    }
    if (out[lab] == 63 || w + 2 > DATASET_NAME_MAX) return 0;
    if (lower && c >= 'A' && c <= 'Z') c += 32;
    out[w++] = (unsigned char)c;
    out[lab]++;
  }
  if (root) out[w++] = 0;
  return w;
}

static int fieldis (char const *s, size_t len, char const *w)
{
  size_t l = strlen(w);
  if (len != l) return 0;
  for (size_t i = 0; i < l; i++)
  {
    char c = s[i];
    if (c >= 'a' && c <= 'z') c -= 32;
    if (c != w[i]) return 0;
  }
  return 1;
}

/* the next blank-separated field of s from *i */
static int field (char const *s, size_t len, size_t *i, size_t *st, size_t *fl)
{
  while (*i < len && ds_space(s[*i])) (*i)++;
  if (*i >= len) return 0;
  *st = *i;
  while (*i < len && !ds_space(s[*i])) (*i)++;
  *fl = *i - *st;
  return 1;
}

static int generic_line (dsbuild *b, char const *s, size_t len)
{
  tmp *t = b->tmp;
  unsigned char name[DATASET_NAME_MAX], data[DATASET_NAME_MAX + 2];
  size_t i = 0, st, fl, nl, dl = 0;
  uint32_t ttl = 0;
  uint16_t type;
  grr *r;
  if (!field(s, len, &i, &st, &fl)) return ds_bad(b, "invalid/unrecognized entry");
  nl = wirename(s + st, fl, name, 1, 0);
  if (!nl && !(fl == 1 && s[st] == '@')) return ds_bad(b, "invalid/unrecognized entry");
  if (!field(s, len, &i, &st, &fl)) return ds_bad(b, "invalid/unrecognized entry");
  if (s[st] >= '0' && s[st] <= '9')
  {
    /* a TTL, in rbldnsd's time units */
    uint64_t v = 0, mul = 1;
    size_t k = 0, e = fl;
    switch (s[st + fl - 1] | 32)
    {
      case 's': mul = 1; e--; break;
      case 'm': mul = 60; e--; break;
      case 'h': mul = 3600; e--; break;
      case 'd': mul = 86400; e--; break;
      case 'w': mul = 604800; e--; break;
      default: break;
    }
    if (!e) return ds_bad(b, "invalid/unrecognized entry");
    for (; k < e; k++)
    {
      if (s[st + k] < '0' || s[st + k] > '9') return ds_bad(b, "invalid/unrecognized entry");
      v = v * 10 + (uint64_t)(s[st + k] - '0');
      if (v > 0xffffffffULL) return ds_bad(b, "invalid/unrecognized entry");
    }
    v *= mul;
    if (v > 0xffffffffULL) return ds_bad(b, "invalid/unrecognized entry");
    ttl = (uint32_t)v;
    if (!field(s, len, &i, &st, &fl)) return ds_bad(b, "invalid/unrecognized entry");
  }
  if (fieldis(s + st, fl, "IN") && !field(s, len, &i, &st, &fl)) return ds_bad(b, "invalid/unrecognized entry");
  if (fieldis(s + st, fl, "A"))
  {
    /* 1..4 octets: "x" is 0.0.0.x, "a.b" a.0.0.b, "a.b.c" a.b.0.c; what follows is ignored */
    uint32_t ip;
    unsigned n;
    size_t k;
    while (i < len && ds_space(s[i])) i++;
    k = ds_scan_ip4(s + i, len - i, &ip, &n);
    if (!k) return ds_bad(b, "invalid/unrecognized entry");
    if (n == 1) ip >>= 24;
    else if (n == 2) ip = (ip & 0xff000000U) | (ip >> 16 & 0xff);
    else if (n == 3) ip = (ip & 0xffff0000U) | (ip >> 8 & 0xff);
    data[0] = (unsigned char)(ip >> 24);
    data[1] = (unsigned char)(ip >> 16);
    data[2] = (unsigned char)(ip >> 8);
    data[3] = (unsigned char)ip;
    dl = 4;
    type = T_A;
  }
  else if (fieldis(s + st, fl, "TXT"))
  {
    size_t e = len;
    while (i < len && ds_space(s[i])) i++;
    while (e > i && ds_space(s[e - 1])) e--;
    if (e - i >= 2 && s[i] == '"' && s[e - 1] == '"') { i++; e--; }
    if (e - i > 255)
    {
      ds_notice(b, "TXT RR truncated to 255 bytes");
      e = i + 255;
    }
    memcpy(data, s + i, e - i);
    dl = e - i;
    type = T_TXT;
  }
  else if (fieldis(s + st, fl, "MX"))
  {
    uint32_t pref = 0;
    size_t k, m;
    /* rbldnsd gives up on the whole file for a broken MX */
    if (!field(s, len, &i, &st, &fl)) return ds_fatal(b, "invalid MX record");
    for (k = 0; k < fl; k++)
    {
      if (s[st + k] < '0' || s[st + k] > '9') return ds_bad(b, "invalid/unrecognized entry");
      pref = pref * 10 + (uint32_t)(s[st + k] - '0');
      if (pref > 65535) return ds_bad(b, "invalid/unrecognized entry");
    }
    if (!field(s, len, &i, &st, &fl)) { ds_notice(b, "invalid MX record"); return ds_fatal(b, "invalid MX record"); }
    m = i;
    if (field(s, len, &m, &k, &k)) { ds_notice(b, "invalid MX record"); return ds_fatal(b, "invalid MX record"); }
    data[0] = (unsigned char)(pref >> 8);
    data[1] = (unsigned char)pref;
    dl = wirename(s + st, fl, data + 2, 0, 1);
    if (!dl) return ds_bad(b, "invalid/unrecognized entry");
    dl += 2;
    type = T_MX;
  }
  else return ds_bad(b, "invalid/unrecognized entry");
  if (!ds_grow((void **)&t->r, &t->cap, t->n + 1, sizeof(grr))) return ds_fatal(b, "out of memory");
  r = t->r + t->n;
  if (!blob_add(b, name, nl, &r->nameoff) || !blob_add(b, data, dl, &r->dataoff)) return -1;
  r->namelen = (uint16_t)nl;
  r->datalen = (uint16_t)dl;
  r->type = type;
  r->ttl = ttl;
  r->seq = (uint32_t)t->n++;
  return 1;
}

static int keycmp (unsigned char const *a, size_t al, unsigned char const *b, size_t bl)
{
  int c = al && bl ? memcmp(a, b, al < bl ? al : bl) : 0;
  if (c) return c;
  return al < bl ? -1 : al > bl;
}

static int grrcmp (void const *pa, void const *pb, void *blob)
{
  grr const *a = pa, *b = pb;
  unsigned char const *bl = blob;
  int c = keycmp(bl + a->nameoff, a->namelen, bl + b->nameoff, b->namelen);
  if (c) return c;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* a merge sort: qsort_r is not in C11 and the set is small */
static void msort (grr *a, grr *t, size_t n, unsigned char const *blob)
{
  size_t h;
  if (n < 2) return;
  h = n / 2;
  msort(a, t, h, blob);
  msort(a + h, t, n - h, blob);
  for (size_t i = 0, j = h, k = 0; k < n; k++)
    t[k] = (j >= n || (i < h && grrcmp(a + i, a + j, (void *)blob) <= 0)) ? a[i++] : a[j++];
  memcpy(a, t, n * sizeof(grr));
}

static int generic_finish (dsbuild *b)
{
  tmp *t = b->tmp;
  dsarena *ar = ds_barena(b);
  gen *x = ds_alloc(ar, sizeof(gen));
  grr *r, *tt;
  unsigned char *blob;
  if (!x) return 0;
  r = ds_alloc(ar, (t->n ? t->n : 1) * sizeof(grr));
  blob = ds_alloc(ar, t->blen ? t->blen : 1);
  tt = malloc((t->n ? t->n : 1) * sizeof(grr));
  if (!r || !blob || !tt) { free(tt); return 0; }
  if (t->n) memcpy(r, t->r, t->n * sizeof(grr));
  if (t->blen) memcpy(blob, t->blob, t->blen);
  msort(r, tt, t->n, blob);
  free(tt);
  /* records without their own TTL take the dataset's; -t bounds both */
  {
    uint32_t dflt = b->ttl ? b->ttl : b->parent && b->parent->ttl ? b->parent->ttl : b->ld->o->defttl;
    for (size_t i = 0; i < t->n; i++)
    {
      uint32_t v = r[i].ttl ? r[i].ttl : dflt;
      if (b->ld->o->minttl && v < b->ld->o->minttl) v = b->ld->o->minttl;
      if (b->ld->o->maxttl && v > b->ld->o->maxttl) v = b->ld->o->maxttl;
      r[i].ttl = v;
    }
  }
  x->r = r;
  x->n = t->n;
  x->blob = blob;
  b->d->impl = x;
  return 1;
}

static void generic_discard (dsbuild *b)
{
  tmp *t = b->tmp;
  if (!t) return;
  free(t->r);
  free(t->blob);
  free(t);
  b->tmp = 0;
}

static unsigned generic_query (dataset const *d, dsquery const *q, dshit *hits, unsigned max)
{
  /* generic records are not DNSBL answers: see dataset_generic */
  (void)d; (void)q; (void)hits; (void)max;
  return 0;
}

unsigned dataset_generic (dataset const *d, dsquery const *q, uint16_t qtype, dsrr *rr, unsigned max, int *exists)
{
  gen const *x;
  size_t lo = 0, hi;
  unsigned n = 0;
  if (exists) *exists = 0;
  if (!d || d->type != &ds_generic || !d->impl) return 0;
  x = d->impl;
  hi = x->n;
  while (lo < hi)
  {
    size_t mid = lo + (hi - lo) / 2;
    if (keycmp(x->blob + x->r[mid].nameoff, x->r[mid].namelen, q->name, q->namelen) < 0) lo = mid + 1; else hi = mid;
  }
  for (; lo < x->n && !keycmp(x->blob + x->r[lo].nameoff, x->r[lo].namelen, q->name, q->namelen); lo++)
  {
    grr const *r = x->r + lo;
    if (exists) *exists = 1;
    if (qtype != 255 && qtype != r->type) continue;
    if (n >= max) continue;
    rr[n].type = r->type;
    rr[n].ttl = r->ttl;
    rr[n].len = r->datalen;
    memcpy(rr[n].data, x->blob + r->dataoff, r->datalen);
    n++;
  }
  return n;
}

dstype const ds_generic =
{
  .name = "generic",
  .flags = DSTYPE_RAWLINES,
  .start = &generic_start,
  .line = &generic_line,
  .finish = &generic_finish,
  .discard = &generic_discard,
  .query = &generic_query
};
