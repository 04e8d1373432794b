/* zone: which zone a query is for, what its datasets say, and the answer rbldnsd would give. */

#include <string.h>
#include "dnsquery.h"
#include "dnswire.h"
#include "zone.h"

#define WANT_A 1
#define WANT_TXT 2
#define WANT_NS 4
#define WANT_SOA 8
#define WANT_MX 16
#define WANT_ANY 31

/* acl results, combined over the global and the zone acl */
#define ACL_IGNORE 1
#define ACL_REFUSE 2
#define ACL_EMPTY 4
#define ACL_ALWAYS 8

/* what asking the datasets gave */
#define FOUND 1
#define ADDPEER 2

void zone_table_init (zone_table *t)
{
  t->nzones = t->nslots = 0;
  t->gacl = -1;
  t->lazy = 0;
  t->versionmode = 0;
  t->version = "rblserve";
  t->versionshort = "rblserve";
  memset(&t->st, 0, sizeof t->st);
}

static unsigned kindof (char const *type)
{
  static struct { char const *name; unsigned kind; } const kinds[] =
  {
    { "ip4set", ZONE_KIND_IP4 }, { "ip4tset", ZONE_KIND_IP4 }, { "ip4trie", ZONE_KIND_IP4 },
    { "ip6tset", ZONE_KIND_IP6 }, { "ip6trie", ZONE_KIND_IP6 }, { "dnset", ZONE_KIND_DN },
    { "generic", ZONE_KIND_GENERIC }, { "combined", ZONE_KIND_COMBINED }, { "acl", ZONE_KIND_ACL },
  };
  for (unsigned i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if (!strcmp(type, kinds[i].name)) return kinds[i].kind;
  /* a type we know nothing about: answers whatever it is asked */
  return ZONE_KIND_IP4 | ZONE_KIND_IP6 | ZONE_KIND_DN;
}

static int sameslot (zone_slot const *s, char const *type, char const *const *files, unsigned nfiles)
{
  if (strcmp(s->type, type) || s->nfiles != nfiles) return 0;
  for (unsigned i = 0; i < nfiles; i++)
    if (strcmp(s->files[i], files[i])) return 0;
  return 1;
}

int zone_table_add (zone_table *t, char *spec, char const **why)
{
  char *type, *p, *name = spec;
  char const *files[ZONE_FILES_MAX];
  unsigned nfiles = 0, si;
  unsigned char wire[DATASET_NAME_MAX];
  size_t wlen = 0;
  zone *z = 0;

  if (!(type = strchr(spec, ':'))) return (*why = "missing dataset type (want zone:type:file,...)", 0);
  *type++ = 0;
  if (!(p = strchr(type, ':'))) return (*why = "missing file names (want zone:type:file,...)", 0);
  *p++ = 0;
  while (*p)
  {
    char *e = p + strcspn(p, ",:");
    if (e > p)
    {
      if (nfiles >= ZONE_FILES_MAX) return (*why = "too many files for one dataset", 0);
      files[nfiles++] = p;
    }
    if (!*e) break;
    *e = 0;
    p = e + 1;
  }
  if (!nfiles) return (*why = "missing file names", 0);
  if (!dataset_type_known(type)) return (*why = "unknown dataset type", 0);

  if (*name)
  {
    wlen = dnswire_name_fromtext(wire, sizeof wire, name, strlen(name));
    if (!wlen) return (*why = "invalid zone name", 0);
    for (size_t k = 0; k < wlen; k++)
      if (wire[k] >= 'A' && wire[k] <= 'Z') wire[k] += 32;
  }
  if (wlen <= 1)
  {
    if (strcmp(type, "acl")) return (*why = "missing zone name", 0);
    if (t->gacl >= 0) return (*why = "global acl given more than once", 0);
  }
  else
  {
    unsigned i;
    for (i = 0; i < t->nzones; i++)
      if (t->z[i].namelen == wlen && !memcmp(t->z[i].name, wire, wlen)) break;
    if (i == t->nzones)
    {
      if (t->nzones >= ZONE_MAX) return (*why = "too many zones", 0);
      z = &t->z[t->nzones++];
      memset(z, 0, sizeof *z);
      memcpy(z->name, wire, wlen);
      z->namelen = wlen;
      for (size_t k = 0; wire[k]; k += wire[k] + 1) z->nlabels++;
      z->acl = -1;
    }
    else z = &t->z[i];
    if (!strcmp(type, "acl") && z->acl >= 0) return (*why = "repeated acl for one zone", 0);
    if (strcmp(type, "acl") && z->nds >= ZONE_DATASETS_MAX) return (*why = "too many datasets for one zone", 0);
  }

  /* the same type and files twice are one dataset, loaded once */
  for (si = 0; si < t->nslots; si++)
    if (sameslot(&t->s[si], type, files, nfiles)) break;
  if (si == t->nslots)
  {
    zone_slot *s;
    if (t->nslots >= ZONE_SLOTS_MAX) return (*why = "too many datasets", 0);
    s = &t->s[t->nslots++];
    s->type = type;
    memcpy(s->files, files, nfiles * sizeof files[0]);
    s->nfiles = nfiles;
    s->kind = kindof(type);
    s->d = 0;
    s->expired = 0;
  }
  if (!z) t->gacl = (int)si;
  else if (t->s[si].kind & ZONE_KIND_ACL) z->acl = (int)si;
  else
  {
    z->ds[z->nds++] = si;
    z->kinds |= t->s[si].kind;
  }
  return 1;
}

int zone_table_check (zone_table const *t, char const **why, unsigned *which)
{
  for (unsigned i = 0; i < t->nzones; i++)
    if (!t->z[i].nds)
    {
      *which = i;
      *why = "zone has no dataset other than an acl";
      return 0;
    }
  if (!t->nzones) return (*why = "no zones given", *which = 0, 0);
  return 1;
}

size_t zone_name_fmt (char *dst, size_t max, zone const *z)
{
  return dnsquery_name_fmt(dst, max, z->name, z->namelen);
}

size_t zone_scan_time (char const *s, uint32_t *v)
{
  uint64_t n = 0, m = 1;
  size_t i = 0;
  while (s[i] >= '0' && s[i] <= '9')
  {
    n = n * 10 + (uint64_t)(s[i++] - '0');
    if (n > 0xffffffffu) return 0;
  }
  if (!i) return 0;
  switch (s[i])
  {
    case 's': case 'S': i++; break;
    case 'm': case 'M': m = 60; i++; break;
    case 'h': case 'H': m = 3600; i++; break;
    case 'd': case 'D': m = 86400; i++; break;
    case 'w': case 'W': m = 604800; i++; break;
  }
  if (n * m > 0xffffffffu) return 0;
  *v = (uint32_t)(n * m);
  return i;
}

/* --- the question below a zone, decoded once --- */

static size_t fmt4 (char *d, uint8_t const *ip)
{
  size_t w = 0;
  for (unsigned i = 0; i < 4; i++)
  {
    unsigned v = ip[i];
    if (i) d[w++] = '.';
    if (v >= 100) d[w++] = (char)('0' + v / 100);
    if (v >= 10) d[w++] = (char)('0' + v / 10 % 10);
    d[w++] = (char)('0' + v % 10);
  }
  return w;
}

/* rbldnsd's form: the longest run of two or more zero groups (the first of
   equals) becomes "::", hex in lower case, no IPv4 tail */
static size_t fmt6 (char *d, uint8_t const *ip)
{
  static char const hex[] = "0123456789abcdef";
  char t[48];
  unsigned zs = 0, zn = 0, w = 0, i;
  for (i = 0; i < 8; i++)
  {
    unsigned n = 0;
    while (i + n < 8 && !ip[2 * (i + n)] && !ip[2 * (i + n) + 1]) n++;
    if (n > 1 && n > zn) { zs = i; zn = n; }
  }
  /* every group as ":x", the run as one more ':', then drop the first ':' */
  for (i = 0; i < 8; i++)
  {
    unsigned v = (unsigned)ip[2 * i] << 8 | ip[2 * i + 1];
    int started = 0;
    if (zn && i == zs)
    {
      t[w++] = ':';
      if (!zs) t[w++] = ':';
      if (zs + zn == 8) t[w++] = ':';
      i += zn - 1;
      continue;
    }
    t[w++] = ':';
    for (int sh = 12; sh >= 0; sh -= 4)
    {
      unsigned n = v >> sh & 15;
      if (n || started || !sh) { t[w++] = hex[n]; started = 1; }
    }
  }
  memcpy(d, t + 1, w - 1);
  return w - 1;
}

static int label4 (unsigned char const *l, unsigned *v)
{
  unsigned n = 0;
  if (!l[0] || l[0] > 3) return 0;
  for (unsigned i = 1; i <= l[0]; i++)
  {
    if (l[i] < '0' || l[i] > '9') return 0;
    n = n * 10 + (unsigned)(l[i] - '0');
  }
  if (n > 255) return 0;
  *v = n;
  return 1;
}

static int nibble (unsigned char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* name[0..namelen): labels below the zone (no root label), nlabels of them */
static void decode (dsquery *dq, unsigned char const *name, size_t namelen, unsigned nlabels, unsigned kinds, int wanttxt, char *subst)
{
  dq->name = name;
  dq->namelen = namelen;
  dq->nlabels = nlabels;
  dq->isip4 = dq->isip6 = 0;
  dq->wanttxt = (uint8_t)wanttxt;
  if (nlabels == 4)
  {
    unsigned v[4];
    size_t p = 0;
    unsigned i;
    for (i = 0; i < 4; i++, p += name[p] + 1)
      if (!label4(name + p, &v[i])) break;
    if (i == 4)
    {
      dq->isip4 = 1;
      for (i = 0; i < 4; i++) dq->ip4[i] = (uint8_t)v[3 - i];
    }
  }
  else if (nlabels == 32 && namelen == 64)
  {
    unsigned i;
    for (i = 0; i < 32; i++)
    {
      int n;
      if (name[2 * i] != 1 || (n = nibble(name[2 * i + 1])) < 0) break;
      if (i & 1) dq->ip6[15 - i / 2] |= (uint8_t)(n << 4);
      else dq->ip6[15 - i / 2] = (uint8_t)n;
    }
    if (i == 32)
    {
      static uint8_t const mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
      dq->isip6 = 1;
      /* rbldnsd looks 6to4 and IPv4-mapped addresses up as IPv4 too */
      if (kinds & (ZONE_KIND_IP4 | ZONE_KIND_COMBINED))
      {
        if (dq->ip6[0] == 0x20 && dq->ip6[1] == 0x02)
        {
          memcpy(dq->ip4, dq->ip6 + 2, 4);
          dq->isip4 = 1;
        }
        else if (!memcmp(dq->ip6, mapped, 12))
        {
          memcpy(dq->ip4, dq->ip6 + 12, 4);
          dq->isip4 = 1;
          dq->isip6 = 0;
        }
      }
    }
  }
  /* the text of "$" is needed only when TXT records are made */
  if (!wanttxt) dq->substlen = 0;
  else if (dq->isip4) dq->substlen = fmt4(subst, dq->ip4);
  else if (dq->isip6) dq->substlen = fmt6(subst, dq->ip6);
  else
  {
    /* a domain name: the labels with dots, written into subst if it fits */
    size_t w = 0, p = 0;
    while (p < namelen && w + name[p] + 1 <= ZONE_SUBST_MAX)
    {
      if (w) subst[w++] = '.';
      memcpy(subst + w, name + p + 1, name[p]);
      w += name[p];
      p += name[p] + 1;
    }
    dq->substlen = p < namelen ? 0 : w;
  }
  dq->subst = subst;
}

/* --- asking the datasets --- */

typedef struct sink_s sink;
struct sink_s
{
  dnsquery_ans *a;         /* the answer, or 0: collect glue into z */
  unsigned want;
  zone *z;
  unsigned ns;
};

static int hasa (dshit const *h)
{
  return h->a[0] | h->a[1] | h->a[2] | h->a[3];
}

static void puthits (sink *s, dshit const *h, unsigned n)
{
  for (unsigned i = 0; i < n; i++, h++)
  {
    if (!s->a)
    {
      if (hasa(h) && s->z->nglue < ZONE_GLUE_MAX)
      {
        zone_glue *g = &s->z->glue[s->z->nglue++];
        g->ns = s->ns;
        memcpy(g->a, h->a, 4);
        g->ttl = h->ttl;
      }
      continue;
    }
    if (s->want & WANT_A && hasa(h)) dnsquery_ans_add_data(s->a, 1, DNSQUERY_CLASS_IN, h->a, 4, h->ttl);
    if (s->want & WANT_TXT && h->hastxt) dnsquery_ans_add_txt(s->a, DNSQUERY_CLASS_IN, h->txt, h->txtlen, h->ttl);
  }
}

/* what an ACL's "always listed" makes of a dataset of this kind */
static int accepts (unsigned kind, dsquery const *dq)
{
  return (kind & ZONE_KIND_IP4 && dq->isip4) || (kind & ZONE_KIND_IP6 && dq->isip6)
    || (kind & ZONE_KIND_DN && dq->namelen);
}

/* generic: the records of the asked type; the name exists if it has any */
static int askgeneric (sink *s, dataset const *d, dsquery const *dq, unsigned acl)
{
  dsrr rr[DATASET_HITS_MAX];
  int exists = 0;
  uint16_t qtype = 0;   /* none: only whether the name exists */
  unsigned n;
  if (!(acl & (ACL_EMPTY | ACL_ALWAYS)))
  {
    if (s->want == WANT_ANY) qtype = 255;
    else if (s->want == WANT_A) qtype = 1;
    else if (s->want == WANT_TXT) qtype = 16;
    else if (s->want == WANT_MX) qtype = 15;
  }
  n = dataset_generic(d, dq, qtype, rr, DATASET_HITS_MAX, &exists);
  for (unsigned i = 0; i < n; i++)
  {
    if (!s->a)
    {
      if (rr[i].type == 1 && rr[i].len == 4 && s->z->nglue < ZONE_GLUE_MAX)
      {
        zone_glue *g = &s->z->glue[s->z->nglue++];
        g->ns = s->ns;
        memcpy(g->a, rr[i].data, 4);
        g->ttl = rr[i].ttl;
      }
    }
    else if (rr[i].type == 16) dnsquery_ans_add_txt(s->a, DNSQUERY_CLASS_IN, (char const *)rr[i].data, rr[i].len, rr[i].ttl);
    else dnsquery_ans_add_data(s->a, rr[i].type, DNSQUERY_CLASS_IN, rr[i].data, rr[i].len, rr[i].ttl);
  }
  return exists ? FOUND : 0;
}

static int ask (sink *s, dataset const *d, unsigned kind, dsquery const *dq, unsigned acl)
{
  dshit hits[DATASET_HITS_MAX];
  unsigned n;
  /* rbldnsd: under an acl's "empty" or "always listed", the names of
     generic datasets still exist, with no records; the other datasets list
     nothing, or (always) everything they could */
  if (kind & ZONE_KIND_GENERIC) return askgeneric(s, d, dq, acl);
  if (acl & (ACL_EMPTY | ACL_ALWAYS)) return acl & ACL_ALWAYS && accepts(kind, dq) ? FOUND | ADDPEER : 0;
  n = dataset_query(d, dq, hits, DATASET_HITS_MAX);
  if (!n) return 0;
  puthits(s, hits, n);
  return FOUND;
}

/* length of a subzone name without its root label */
static size_t sublen (unsigned char const *n, size_t len)
{
  size_t p = 0;
  while (p < len && n[p]) p += n[p] + 1;
  return p < len ? p : len;
}

/* name[0..len) ends with sub[0..slen) at a label boundary */
static int endswith (unsigned char const *name, size_t len, unsigned char const *sub, size_t slen, unsigned *labels)
{
  size_t p = 0;
  unsigned n = 0;
  if (slen > len) return 0;
  while (p < len - slen) { p += name[p] + 1; n++; }
  if (p != len - slen || memcmp(name + p, sub, slen)) return 0;
  *labels = n;
  return 1;
}

/* combined: the longest subzone that holds the name, then each nested
   dataset attached to it, in the file's order */
static int askcombined (sink *s, dataset const *d, dsquery const *dq, unsigned acl)
{
  unsigned nsub = dataset_nsub(d), below = 0, found = 0;
  unsigned char const *best = 0;
  size_t bestlen = 0;
  dsquery sq;
  char subst[ZONE_SUBST_MAX];
  for (unsigned i = 0; i < nsub; i++)
  {
    unsigned char const *const *sz;
    size_t const *szl;
    unsigned nsz, lab;
    if (!dataset_sub(d, i, &sz, &szl, &nsz)) continue;
    for (unsigned j = 0; j < nsz; j++)
    {
      size_t l = sublen(sz[j], szl[j]);
      if ((!best || l > bestlen) && endswith(dq->name, dq->namelen, sz[j], l, &lab))
      {
        best = sz[j];
        bestlen = l;
        below = lab;
      }
    }
  }
  if (!best) return 0;
  decode(&sq, dq->name, dq->namelen - bestlen, below, ZONE_KIND_COMBINED, dq->wanttxt, subst);
  for (unsigned i = 0; i < nsub; i++)
  {
    unsigned char const *const *sz;
    size_t const *szl;
    unsigned nsz;
    dataset const *sub = dataset_sub(d, i, &sz, &szl, &nsz);
    if (!sub) continue;
    for (unsigned j = 0; j < nsz; j++)
      if (sublen(sz[j], szl[j]) == bestlen && !memcmp(sz[j], best, bestlen))
      {
        found |= (unsigned)ask(s, sub, kindof(dataset_type(sub)), &sq, acl);
        break;
      }
  }
  /* the apex of a subzone exists */
  return (int)found | (sq.namelen ? 0 : FOUND);
}

static int askall (zone_table const *t, sink *s, zone const *z, dsquery const *dq, unsigned acl)
{
  int found = 0;
  for (unsigned i = 0; i < z->nds; i++)
  {
    zone_slot const *sl = &t->s[z->ds[i]];
    if (!sl->d) continue;
    if (sl->kind & ZONE_KIND_COMBINED) found |= askcombined(s, sl->d, dq, acl);
    else found |= ask(s, sl->d, sl->kind, dq, acl);
  }
  return found;
}

/* --- zones --- */

/* most zone names differ in their first label: a word settles it */
static int samename (unsigned char const *a, unsigned char const *b, size_t n)
{
  if (n >= 8)
  {
    uint64_t x, y;
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    if (x != y) return 0;
  }
  return !memcmp(a, b, n);
}

/* the zone with the longest name that q's name ends with */
static zone *findzone (zone_table *t, unsigned char const *name, size_t namelen, uint8_t const *lab, unsigned nlabels)
{
  zone *best = 0;
  for (unsigned i = 0; i < t->nzones; i++)
  {
    zone *z = &t->z[i];
    size_t off;
    if (z->nlabels > nlabels || (best && z->nlabels <= best->nlabels)) continue;
    off = lab[nlabels - z->nlabels];
    if (namelen - off == z->namelen && samename(name + off, z->name, z->namelen)) best = z;
  }
  return best;
}

static unsigned labels (unsigned char const *name, size_t len, uint8_t *lab)
{
  unsigned n = 0;
  for (size_t p = 0; p < len && name[p] && n < DNSQUERY_LABELS_MAX; p += name[p] + 1) lab[n++] = (uint8_t)p;
  return n;
}

static void findglue (zone_table *t, zone *z)
{
  z->nglue = 0;
  if (!z->ns) return;
  for (unsigned i = 0; i < z->ns->n; i++)
  {
    unsigned char name[DATASET_NAME_MAX];
    uint8_t lab[DNSQUERY_LABELS_MAX];
    size_t len = z->ns->len[i];
    unsigned n;
    zone *gz;
    dsquery dq;
    char subst[ZONE_SUBST_MAX];
    sink s = { 0, WANT_A, z, i };
    if (len > sizeof name || !len) continue;
    for (size_t k = 0; k < len; k++)
    {
      unsigned char c = z->ns->name[i][k];
      name[k] = c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
    n = labels(name, len, lab);
    gz = findzone(t, name, len, lab, n);
    if (!gz || !gz->loaded) continue;
    n -= gz->nlabels;
    decode(&dq, name, n ? lab[n] : 0, n, gz->kinds, 0, subst);
    askall(t, &s, gz, &dq, 0);
  }
}

static void makefrags (zone *z);

void zone_refresh (zone_table *t)
{
  for (unsigned i = 0; i < t->nzones; i++)
  {
    zone *z = &t->z[i];
    time_t stamp = 0;
    z->loaded = 1;
    z->soa = 0;
    z->ns = 0;
    for (unsigned k = 0; k < z->nds; k++)
    {
      dataset const *d = t->s[z->ds[k]].d;
      if (!d || t->s[z->ds[k]].expired) { z->loaded = 0; continue; }
      if (dataset_mtime(d) > stamp) stamp = dataset_mtime(d);
      /* the first dataset in command-line order that has one gives it */
      if (!z->soa) z->soa = dataset_soa(d);
      if (!z->ns)
      {
        dsns const *ns = dataset_ns(d);
        if (ns && ns->n) z->ns = ns;
      }
    }
    z->serial = z->soa && z->soa->serial ? z->soa->serial : (uint32_t)stamp;
    if (z->ns && z->nsrot >= z->ns->n) z->nsrot = 0;
  }
  /* glue needs every zone's loaded flag first */
  for (unsigned i = 0; i < t->nzones; i++) findglue(t, &t->z[i]);
  for (unsigned i = 0; i < t->nzones; i++) makefrags(&t->z[i]);
}

static int addsoa (dnsquery_ans *a, zone const *z, unsigned section, size_t zoff)
{
  dssoa const *soa = z->soa;
  if (!soa) return 0;
  if (section == DNSQUERY_NS && dnsquery_frag_put(a, &z->soafrag, zoff)) return 1;
  /* a negative answer's SOA takes the minimum TTL as its own, as rbldnsd's does */
  return dnsquery_ans_add_soa(a, section, zoff, section == DNSQUERY_AN ? soa->ttl : soa->minttl,
    soa->mname, soa->mnamelen, soa->rname, soa->rnamelen,
    z->serial, soa->refresh, soa->retry, soa->expire, soa->minttl);
}

/* All NS records or none; in the authority section with their glue if it
   all fits, else without it. The order turns by one each time. */
static int addns (dnsquery_ans *a, zone *z, unsigned section, size_t zoff)
{
  dsns const *ns = z->ns;
  size_t len0 = a->len;
  unsigned ncomp0 = a->ncomp, c0 = a->count[section];
  if (!ns) return 0;
  if (section == DNSQUERY_NS && ns->n <= ZONE_NSFRAG_MAX && dnsquery_frag_put(a, &z->nsfrag[z->nsrot], zoff))
  {
    z->nsrot = (z->nsrot + 1) % ns->n;
    return 1;
  }
  for (unsigned k = 0; k < ns->n; k++)
  {
    unsigned i = (z->nsrot + k) % ns->n;
    if (!dnsquery_ans_add_ns(a, section, zoff, ns->name[i], ns->len[i], ns->ttl))
    {
      a->len = len0;
      a->ncomp = ncomp0;
      a->count[section] = c0;
      return 0;
    }
  }
  z->nsrot = (z->nsrot + 1) % ns->n;
  if (section == DNSQUERY_NS && z->nglue)
  {
    size_t len1 = a->len;
    unsigned ncomp1 = a->ncomp;
    for (unsigned g = 0; g < z->nglue; g++)
    {
      zone_glue const *gl = &z->glue[g];
      if (!dnsquery_ans_add_named_a(a, DNSQUERY_AR, ns->name[gl->ns], ns->len[gl->ns], gl->a, gl->ttl))
      {
        a->len = len1;
        a->ncomp = ncomp1;
        a->count[DNSQUERY_AR] = 0;
        break;
      }
    }
  }
  return 1;
}

/* The fragments of z, written for a model query of the zone's own name
   (the zone's place in a real question differs, the bytes do not). */
static void makefrags (zone *z)
{
  unsigned char buf[DNSQUERY_NAME_MAX + 16 + 2 * DNSQUERY_FRAG_MAX];
  dnsquery q;
  dnsquery_ans a;
  size_t n = 12;
  unsigned rot = z->nsrot;
  z->soafrag.len = 0;
  for (unsigned i = 0; i < ZONE_NSFRAG_MAX; i++) z->nsfrag[i].len = 0;
  memset(buf, 0, 12);
  buf[5] = 1;
  memcpy(buf + n, z->name, z->namelen);
  n += z->namelen;
  memcpy(buf + n, "\0\1\0\1", 4);
  if (!dnsquery_parse(buf, n + 4, &q)) return;
  dnsquery_ans_start(&a, buf, sizeof buf - DNSQUERY_OPT_LEN, &q);
  dnsquery_ans_question_suffix(&a, &q, 0);
  /* a record that is not made leaves nothing written: an empty fragment */
  dnsquery_frag_begin(&a, &z->soafrag);
  addsoa(&a, z, DNSQUERY_NS, 12);
  dnsquery_frag_end(&a, &z->soafrag, 12);
  if (!z->ns || z->ns->n > ZONE_NSFRAG_MAX) return;
  for (unsigned i = 0; i < z->ns->n; i++)
  {
    dnsquery_ans_reset(&a);
    dnsquery_ans_question_suffix(&a, &q, 0);
    z->nsrot = i;
    dnsquery_frag_begin(&a, &z->nsfrag[i]);
    addns(&a, z, DNSQUERY_NS, 12);
    dnsquery_frag_end(&a, &z->nsfrag[i], 12);
  }
  z->nsrot = rot;
}

static unsigned aclflags (int action, unsigned *have, dshit *keep, dshit const *hit)
{
  switch (action)
  {
    case DATASET_ACL_IGNORE: return ACL_IGNORE;
    case DATASET_ACL_REFUSE: return ACL_REFUSE;
    case DATASET_ACL_EMPTY: return ACL_EMPTY;
    case DATASET_ACL_LISTED:
      /* the first acl that lists the client gives the records */
      if (!*have) { *keep = *hit; *have = 1; }
      return ACL_ALWAYS;
  }
  return 0;
}

static int isversion (dnsquery const *q)
{
  return (q->namelen == 14 && !memcmp(q->name, "\7version\4bind", 14))
    || (q->namelen == 16 && !memcmp(q->name, "\7version\6server", 16));
}

/* which records the question's type asks for, -1 for NOTIMP (a meta type) */
static int wanted (uint16_t qtype)
{
  switch (qtype)
  {
    case DNSWIRE_TYPE_A: return WANT_A;
    case DNSWIRE_TYPE_TXT: return WANT_TXT;
    case DNSWIRE_TYPE_NS: return WANT_NS;
    case DNSWIRE_TYPE_SOA: return WANT_SOA;
    case DNSWIRE_TYPE_ANY: return WANT_ANY;
    case 15: return WANT_MX;
    default: return qtype >= 250 ? -1 : 0;   /* TSIG, IXFR, AXFR, MAILB, MAILA */
  }
}

/* a prefetch step for each dataset of the query's zone, once its name is decoded */
static void fetch (zone_table const *t, zone_query const *zq, unsigned step)
{
  zone const *z = zq->z;
  if (!z || !z->loaded) return;
  for (unsigned i = 0; i < z->nds; i++) dataset_prefetch(t->s[z->ds[i]].d, &zq->dq, step);
}

/* Reads what the lookups need; whether the query is answered at all, and
   how, is left to zone_query_answer, which checks in rbldnsd's order. */
void zone_query_start (zone_table *t, zone_query *zq, unsigned char const *buf, size_t len)
{
  dnsquery const *q = &zq->q;
  zone const *z;
  zq->z = 0;
  zq->want = 0;
  zq->ok = dnsquery_parse(buf, len, &zq->q);
  if (!zq->ok) return;
  zq->want = wanted(q->qtype);
  z = zq->z = findzone(t, q->name, q->namelen, q->lab, q->nlabels);
  if (!z || !z->loaded) return;
  {
    unsigned below = q->nlabels - z->nlabels;
    decode(&zq->dq, q->name, dnsquery_labeloff(q, below) - 12, below, z->kinds, zq->want > 0 && zq->want & WANT_TXT, zq->subst);
  }
  fetch(t, zq, 0);
}

void zone_query_fetch (zone_table *t, zone_query const *zq)
{
  fetch(t, zq, 1);
}

size_t zone_answer (zone_table *t, unsigned char *buf, size_t len, size_t cap, int tcp, uint8_t const *ip, int is6)
{
  zone_query zq;
  zone_query_start(t, &zq, buf, len);
  return zone_query_answer(t, &zq, buf, len, cap, tcp, ip, is6);
}

size_t zone_query_answer (zone_table *t, zone_query *zq, unsigned char *buf, size_t len, size_t cap, int tcp, uint8_t const *ip, int is6)
{
  dnsquery const *q = &zq->q;
  dnsquery_ans a;
  dshit aclhit, hit;
  unsigned acl = 0, have = 0, want, below;
  int found;
  zone *z;
  zone_stats *st = &t->st;
  size_t zoff, out;
  sink s;

  if (t->gacl >= 0 && t->s[t->gacl].d)
    acl = aclflags(dataset_acl(t->s[t->gacl].d, ip, is6, &hit), &have, &aclhit, &hit);
  if (acl & ACL_IGNORE || !zq->ok)
  {
    st->nerr++;
    st->bin += len;
    return 0;
  }
  st->bin += len;
  dnsquery_ans_start(&a, buf, tcp ? cap - DNSQUERY_OPT_LEN : q->limit, q);
  if (q->flags1 & 0x7e)   /* an opcode other than QUERY, or AA or TC in a query */
  {
    dnsquery_ans_flags(&a, 0x80, DNSQUERY_RCODE_NOTIMP);
    goto errnz;
  }
  if (q->qclass == DNSQUERY_CLASS_IN) dnsquery_ans_aa(&a, 1);
  else if (q->qclass != DNSQUERY_CLASS_ANY)
  {
    if (q->qclass == DNSQUERY_CLASS_CH && q->qtype == DNSWIRE_TYPE_TXT && isversion(q) && t->versionmode < 2)
    {
      char const *v = t->versionmode ? t->versionshort : t->version;
      dnsquery_ans_add_txt(&a, DNSQUERY_CLASS_CH, v, strlen(v), 0);
      dnsquery_ans_flags(&a, q->flags1 | 0x80, q->flags2);   /* rbldnsd leaves the second flag byte as it came */
      out = dnsquery_ans_finish(&a, q);
      st->nok++;
      st->bout += out;
      return out;
    }
    dnsquery_ans_rcode(&a, DNSQUERY_RCODE_REFUSED);
    goto errnz;
  }
  if (zq->want < 0)
  {
    dnsquery_ans_aa(&a, 0);
    dnsquery_ans_rcode(&a, DNSQUERY_RCODE_NOTIMP);
    goto errnz;
  }
  want = (unsigned)zq->want;
  z = zq->z;
  if (!z)
  {
    dnsquery_ans_aa(&a, 0);
    dnsquery_ans_rcode(&a, DNSQUERY_RCODE_REFUSED);
    goto errnz;
  }
  st->bin -= len;
  st = &z->st;
  st->bin += len;
  if (z->acl >= 0 && t->s[z->acl].d)
  {
    acl |= aclflags(dataset_acl(t->s[z->acl].d, ip, is6, &hit), &have, &aclhit, &hit);
    if (acl & ACL_IGNORE)
    {
      st->nerr++;
      return 0;
    }
  }
  if (!z->loaded || acl & ACL_REFUSE)
  {
    dnsquery_ans_aa(&a, 0);
    dnsquery_ans_rcode(&a, z->loaded ? DNSQUERY_RCODE_REFUSED : DNSQUERY_RCODE_SERVFAIL);
    goto errz;
  }

  below = q->nlabels - z->nlabels;
  zoff = dnsquery_labeloff(q, below);
  dnsquery_ans_question_suffix(&a, q, below);
  if (!below)
  {
    found = FOUND;
    if (want & WANT_SOA && !addsoa(&a, z, DNSQUERY_AN, zoff)) found = 0;
    else if (want & WANT_NS && !addns(&a, z, DNSQUERY_AN, zoff)) found = 0;
    if (!found)
    {
      dnsquery_ans_reset(&a);
      dnsquery_ans_aa(&a, 0);
      dnsquery_ans_rcode(&a, DNSQUERY_RCODE_REFUSED);
      goto errz;
    }
  }
  else found = 0;

  s.a = &a;
  s.want = want;
  s.z = z;
  s.ns = 0;
  found |= askall(t, &s, z, &zq->dq, acl);
  if (found & ADDPEER && have) puthits(&s, &aclhit, 1);

  if (a.tc) dnsquery_ans_truncated(&a);
  else if (!found)
  {
    addsoa(&a, z, DNSQUERY_NS, zoff);
    dnsquery_ans_rcode(&a, DNSQUERY_RCODE_NXDOMAIN);
  }
  else if (!a.count[DNSQUERY_AN]) addsoa(&a, z, DNSQUERY_NS, zoff);
  else if (!t->lazy) addns(&a, z, DNSQUERY_NS, zoff);
  if (found) st->nok++;
  else st->nnxd++;
  out = dnsquery_ans_finish(&a, q);
  st->bout += out;
  return out;

 errz:
 errnz:
  st->nerr++;
  out = dnsquery_ans_finish(&a, q);
  st->bout += out;
  return out;
}
