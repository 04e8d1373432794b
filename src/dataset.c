/* dataset: loading rbldnsd dataset files (lines, specials, values, CKSUM) and the public dataset API. */

#define _GNU_SOURCE         /* mremap: big arrays grow without a copy */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "cksum.h"
#include "ds.h"

#define DS_READ 1048576     /* bytes per read(); also the longest line */
#define DS_MEMREAD 4096     /* the same for in-memory loads (fuzzing: small, and long lines reachable) */
#define DS_SLACK 32         /* readable bytes after the data, for whole-word scanners */
#define DS_GZIN 65536       /* compressed bytes read at a time from a gzip file */
#define DS_TXTMAX 255       /* longest TXT template; rbldnsd truncates there */
#define DS_OUTMAX 254       /* longest expanded TXT rbldnsd sends */
#define DS_CHUNK 65536      /* arena chunk for small allocations */

/* ---- arena ---- */

typedef struct dschunk_s dschunk;
struct dschunk_s
{
  dschunk *next;
  size_t size;
  void *big;                /* a block mapped on its own (0: the chunk itself is the memory) */
};

struct dsarena_s
{
  dschunk *head;
  char *cur;
  size_t left;
  size_t total;
};

#define DS_BIG 262144       /* from this size, memory is mapped on its own and goes back to the system when freed */

static size_t pageup (size_t n)
{
  size_t pg = 4096;
  return (n + pg - 1) & ~(pg - 1);
}

/* Big arrays of the loaded data ask for huge pages: lookups then miss
   the TLB less, and they are written whole, so that the 2 MB faults do
   not clear more than is used. Temporaries do not: they grow and shrink
   and are given back a piece at a time, and a huge page there clears
   (and holds) memory the load never uses. */
static void huge (void *p, size_t n, int want)
{
#ifdef MADV_HUGEPAGE
  if (want && n >= 2097152) madvise(p, pageup(n), MADV_HUGEPAGE);
#else
  (void)p;
  (void)n;
  (void)want;
#endif
}

static void *bigmap (size_t n, int hp)
{
  void *p = mmap(0, pageup(n ? n : 1), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 0;
  huge(p, n, hp);
  return p;
}

static void *bigremap (void *p, size_t old, size_t n, int hp)
{
  void *q;
  if (!p) return bigmap(n, hp);
  if (pageup(old) == pageup(n)) return p;
  q = mremap(p, pageup(old ? old : 1), pageup(n ? n : 1), MREMAP_MAYMOVE);
  if (q == MAP_FAILED) return 0;
  huge(q, n, hp);
  return q;
}

void *ds_big_alloc (size_t n)
{
  return bigmap(n, 1);
}

void *ds_big_resize (void *p, size_t old, size_t n)
{
  return bigremap(p, old, n, 1);
}

void *ds_tmp_alloc (size_t n)
{
  return bigmap(n, 0);
}

void *ds_tmp_resize (void *p, size_t old, size_t n)
{
  return bigremap(p, old, n, 0);
}

int ds_big_grow (void **p, size_t *cap, size_t need, size_t size)
{
  size_t ncap;
  void *q;
  if (need <= *cap) return 1;
  ncap = *cap ? *cap : (65536 + size - 1) / size;
  while (ncap < need)
  {
    if (ncap > ((size_t)-1 / 4) / size) { errno = ENOMEM; return 0; }
    ncap *= 2;
  }
  q = bigremap(*p, *cap * size, ncap * size, 0);
  if (!q) return 0;
  *p = q;
  *cap = ncap;
  return 1;
}

void ds_big_release (void *p, size_t cap, size_t size)
{
  if (p) ds_big_free(p, cap * size);
}

void ds_big_free (void *p, size_t n)
{
  if (p) munmap(p, pageup(n ? n : 1));
}

void ds_big_drop (void **p, size_t *n, size_t upto)
{
  size_t cut = upto & ~(size_t)4095;
  if (!*p || !cut) return;
  if (cut >= pageup(*n ? *n : 1))
  {
    ds_big_free(*p, *n);
    *p = 0;
    *n = 0;
    return;
  }
  munmap(*p, cut);
  *p = (char *)*p + cut;
  *n -= cut;
}

dsarena *ds_arena_new (void)
{
  return calloc(1, sizeof(dsarena));
}

void ds_arena_free (dsarena *a)
{
  if (!a) return;
  while (a->head)
  {
    dschunk *c = a->head;
    a->head = c->next;
    if (c->big) ds_big_free(c->big, c->size);
    free(c);
  }
  free(a);
}

size_t ds_arena_bytes (dsarena const *a)
{
  return a ? a->total + sizeof(dsarena) : 0;
}

#define DS_HDR ((sizeof(dschunk) + 15) & ~(size_t)15)

int ds_arena_adopt (dsarena *a, void *p, size_t n)
{
  dschunk *c = calloc(1, sizeof(dschunk));
  if (!c) return 0;
  c->big = p;
  c->size = n;
  c->next = a->head;
  a->head = c;
  a->total += pageup(n);
  return 1;
}

void *ds_alloc (dsarena *a, size_t n)
{
  dschunk *c;
  n = (n + 15) & ~(size_t)15;
  if (!n) n = 16;
  if (n <= a->left)
  {
    void *p = a->cur;
    a->cur += n;
    a->left -= n;
    return p;
  }
  if (n >= DS_BIG)
  {
    void *p = ds_big_alloc(n);
    if (!p) return 0;
    if (!ds_arena_adopt(a, p, n)) { ds_big_free(p, n); return 0; }
    return p;
  }
  /* big arrays get a chunk of their own, so that small allocations that
     follow do not waste the rest of the current chunk */
  if (n > DS_CHUNK / 4)
  {
    c = calloc(1, DS_HDR + n);
    if (!c) return 0;
    c->size = DS_HDR + n;
    c->next = a->head;
    a->head = c;
    a->total += c->size;
    return (char *)c + DS_HDR;
  }
  c = calloc(1, DS_CHUNK);
  if (!c) return 0;
  c->size = DS_CHUNK;
  c->next = a->head;
  a->head = c;
  a->total += DS_CHUNK;
  a->cur = (char *)c + DS_HDR + n;
  a->left = DS_CHUNK - DS_HDR - n;
  return (char *)c + DS_HDR;
}

int ds_grow_slow (void **p, size_t *cap, size_t need, size_t size)
{
  size_t ncap;
  void *q;
  if (need <= *cap) return 1;
  ncap = *cap ? *cap : 16;
  while (ncap < need)
  {
    if (ncap > ((size_t)-1 / 2) / size) { errno = ENOMEM; return 0; }
    ncap *= 2;
  }
  q = realloc(*p, ncap * size);
  if (!q) return 0;
  *p = q;
  *cap = ncap;
  return 1;
}

/* ---- types ---- */

static dstype const *const ds_types[] =
{
  &ds_ip4set, &ds_ip4tset, &ds_ip4trie, &ds_ip6tset, &ds_ip6trie,
  &ds_dnset, &ds_generic, &ds_combined, &ds_acl
};

dstype const *ds_type_find (char const *name, size_t len)
{
  for (size_t i = 0; i < sizeof(ds_types) / sizeof(*ds_types); i++)
    if (strlen(ds_types[i]->name) == len && !memcmp(ds_types[i]->name, name, len))
      return ds_types[i];
  return 0;
}

int dataset_type_known (char const *type)
{
  return type && ds_type_find(type, strlen(type)) != 0;
}

char const *dataset_type (dataset const *d)
{
  return d->type->name;
}

/* ---- problems ---- */

static void warnat (dsload *ld, unsigned fileno, unsigned long line, char const *what)
{
  if (ld->warn) ld->warn(ld->ctx, fileno < ld->nfiles ? ld->files[fileno] : "", line, what);
}

int ds_bad (dsbuild *b, char const *what)
{
  b->ld->bad = 1;
  warnat(b->ld, b->ld->fileno, b->ld->lineno, what);
  return 0;
}

void ds_notice (dsbuild *b, char const *what)
{
  warnat(b->ld, b->ld->fileno, b->ld->lineno, what);
}

void ds_badat (dsbuild *b, unsigned fileno, unsigned long line, char const *what)
{
  warnat(b->ld, fileno, line, what);
  if (b->ld->o->strict && !b->ld->fatal)
  {
    b->ld->fatal = 1;
    b->ld->why = "bad line refused in strict mode";
  }
}

int ds_fatal (dsbuild *b, char const *why)
{
  if (!b->ld->fatal)
  {
    b->ld->fatal = 1;
    b->ld->why = why;
  }
  return -1;
}

/* ---- small formatting helpers (no stdio in src/) ---- */

static size_t fmt_ulong (char *s, unsigned long long u)
{
  char tmp[24];
  size_t n = 0, i = 0;
  do tmp[n++] = (char)('0' + u % 10); while (u /= 10);
  while (n) s[i++] = tmp[--n];
  return i;
}

static void msgput (dsload *ld, size_t *w, char const *s)
{
  size_t l = strlen(s), max = sizeof(ld->msg) - 1;
  if (l > max - *w) l = max - *w;
  memcpy(ld->msg + *w, s, l);
  *w += l;
}

static void msgnum (dsload *ld, size_t *w, unsigned long long n)
{
  if (sizeof(ld->msg) - 1 - *w >= 24) *w += fmt_ulong(ld->msg + *w, n);
}

/* "a<n1>b<n2>c" in ld->msg */
static char const *msgf (dsload *ld, char const *a, unsigned long long n1, char const *b, unsigned long long n2, char const *c)
{
  size_t w = 0;
  msgput(ld, &w, a);
  msgnum(ld, &w, n1);
  msgput(ld, &w, b);
  if (c)
  {
    msgnum(ld, &w, n2);
    msgput(ld, &w, c);
  }
  ld->msg[w] = 0;
  return ld->msg;
}

char const *ds_msg (dsbuild *b, char const *a, unsigned long long n1, char const *b2, unsigned long long n2, char const *c)
{
  return msgf(b->ld, a, n1, b2, n2, c);
}

static int oom (dsbuild *b)
{
  ds_fatal(b, "out of memory");
  return 0;
}

/* ---- numbers, times, names ---- */

static int scan_u32 (char const *s, size_t len, uint32_t *u)
{
  uint64_t v = 0;
  if (!len) return 0;
  for (size_t i = 0; i < len; i++)
  {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (uint64_t)(s[i] - '0');
    if (v > 0xffffffffULL) return 0;
  }
  *u = (uint32_t)v;
  return 1;
}

/* Decimal octets "a[.b[.c[.d]]]", leading zeros allowed, each at most
   255: packed into *ip from the top byte (missing ones 0), their count in
   *noct. Returns the bytes used, stopping before a dot with no digit after
   it; 0 if s starts with no digit or an octet is over 255. Addresses and
   A values both read their octets here. */
static size_t scan_octets (char const *s, size_t len, uint32_t *ip, unsigned *noct)
{
  uint32_t r = 0;
  unsigned n = 0;
  size_t i = 0;
  for (;;)
  {
    unsigned v = 0;
    size_t st = i;
    while (i < len && s[i] >= '0' && s[i] <= '9')
    {
      v = v * 10 + (unsigned)(s[i++] - '0');
      if (v > 255) return 0;
    }
    if (i == st)
    {
      if (!n) return 0;
      i--;   /* "1.2." stops before the dot */
      break;
    }
    r |= (uint32_t)v << (24 - 8 * n);
    n++;
    if (n == 4 || i >= len || s[i] != '.') break;
    i++;
  }
  *ip = r;
  *noct = n;
  return i;
}

/* rbldnsd's time value: a number with at most one unit letter */
static int scan_time (char const *s, size_t len, uint32_t *t)
{
  uint64_t mul = 1, v;
  uint32_t u;
  if (!len) return 0;
  switch (s[len - 1])
  {
    case 's': case 'S': mul = 1; len--; break;
    case 'm': case 'M': mul = 60; len--; break;
    case 'h': case 'H': mul = 3600; len--; break;
    case 'd': case 'D': mul = 86400; len--; break;
    case 'w': case 'W': mul = 604800; len--; break;
    default: break;
  }
  if (!scan_u32(s, len, &u)) return 0;
  v = (uint64_t)u * mul;
  if (v > 0xffffffffULL) return 0;
  *t = (uint32_t)v;
  return 1;
}

static uint32_t clampttl (dsload const *ld, uint32_t t)
{
  if (ld->o->minttl && t < ld->o->minttl) t = ld->o->minttl;
  if (ld->o->maxttl && t > ld->o->maxttl) t = ld->o->maxttl;
  return t;
}

/* A name in a data file to wire form with the root label: labels split
   at dots (empty ones dropped, as rbldnsd does), \X and \DDD escapes.
   Returns the wire length, 0 if invalid. */
static size_t scan_name (char const *s, size_t len, unsigned char *out, int lower)
{
  size_t w = 0, lab = 0, i = 0;
  int inlabel = 0;
  while (i < len)
  {
    unsigned c = (unsigned char)s[i++];
    if (c == '.')
    {
      if (inlabel) { out[lab] = (unsigned char)(w - lab - 1); inlabel = 0; }
      continue;
    }
    if (c == '\\')
    {
      if (i >= len) break;   /* a lone trailing backslash is dropped */
      if (s[i] >= '0' && s[i] <= '9')
      {
        unsigned v = 0, k = 0;
        while (k < 3 && i < len && s[i] >= '0' && s[i] <= '9') { v = v * 10 + (unsigned)(s[i++] - '0'); k++; }
        if (v > 255) return 0;
        c = v;
      }
      else c = (unsigned char)s[i++];
    }
    if (!inlabel)
    {
      if (w + 1 >= DATASET_NAME_MAX) return 0;
      lab = w++;
      inlabel = 1;
    }
    if (w - lab > 63 || w + 1 >= DATASET_NAME_MAX) return 0;
    if (lower && c >= 'A' && c <= 'Z') c += 32;
    out[w++] = (unsigned char)c;
  }
  if (inlabel) out[lab] = (unsigned char)(w - lab - 1);
  out[w++] = 0;
  return w;
}

/* ---- fields of a special line ---- */

typedef struct dsfield_s dsfield;
struct dsfield_s
{
  char const *s;
  size_t len;
};

static unsigned split (char const *s, size_t len, dsfield *f, unsigned max)
{
  unsigned n = 0;
  size_t i = 0;
  while (i < len)
  {
    size_t j;
    while (i < len && ds_space(s[i])) i++;
    if (i >= len) break;
    j = i;
    while (j < len && !ds_space(s[j])) j++;
    if (n == max) return max + 1;
    f[n].s = s + i;
    f[n].len = j - i;
    n++;
    i = j;
  }
  return n;
}

static int fieldis (dsfield const *f, char const *kw)
{
  size_t l = strlen(kw);
  if (f->len != l) return 0;
  for (size_t i = 0; i < l; i++)
  {
    char c = f->s[i];
    if (c >= 'a' && c <= 'z') c -= 32;
    if (c != kw[i]) return 0;
  }
  return 1;
}

/* ---- text pool and values ---- */

static int pool_add (dsbuild *b, char const *s, size_t len, uint32_t *off)
{
  size_t cap = b->txtcap;
  void *p = b->txt;
  /* s may point into the pool itself (a value copied from another) */
  int inside = b->txt && s >= b->txt && s < b->txt + b->txtlen;
  size_t soff = inside ? (size_t)(s - b->txt) : 0;
  if ((uint64_t)b->txtlen + len > 0xffffffffULL) { errno = ENOMEM; return 0; }
  if (!ds_grow(&p, &cap, b->txtlen + len + 1, 1)) return 0;
  b->txt = p;
  if (inside) s = b->txt + soff;
  b->txtcap = (uint32_t)cap;
  memcpy(b->txt + b->txtlen, s, len);
  *off = b->txtlen;
  b->txtlen += (uint32_t)len;
  return 1;
}

int ds_newval (dsbuild *b, uint8_t const *a, char const *txt, size_t txtlen, unsigned flags, unsigned action, uint32_t *v)
{
  dsval x;
  size_t cap = b->valcap;
  void *p = b->val;
  if (txtlen > 0xffff) txtlen = 0xffff;
  memcpy(x.a, a, 4);
  x.flags = (uint8_t)flags;
  x.action = (uint8_t)action;
  x.txtlen = (uint16_t)txtlen;
  x.txtoff = 0;
  /* runs of entries with the same explicit value share it; sharing only
     with the newest value keeps the order rbldnsd gives several hits */
  if (b->lastval >= 0)
  {
    dsval const *l = b->val + b->lastval;
    if (!memcmp(l->a, x.a, 4) && l->flags == x.flags && l->action == x.action && l->txtlen == x.txtlen
        && (!txtlen || !memcmp(b->txt + l->txtoff, txt, txtlen)))
    {
      *v = (uint32_t)b->lastval;
      return 1;
    }
  }
  if (b->nval >= 0x7fffffff) { errno = ENOMEM; return oom(b); }
  if (txtlen && !pool_add(b, txt, txtlen, &x.txtoff)) return oom(b);
  if (!ds_grow(&p, &cap, b->nval + 1, sizeof(dsval))) return oom(b);
  b->val = p;
  b->valcap = (uint32_t)cap;
  b->val[b->nval] = x;
  *v = b->nval;
  b->lastval = (int32_t)b->nval++;
  return 1;
}

int ds_defvalue (dsbuild *b, uint32_t *v)
{
  static uint8_t const a2[4] = { 127, 0, 0, 2 };
  if (b->defval >= 0) { *v = (uint32_t)b->defval; return 1; }
  if (b->implval < 0)
  {
    int32_t keep = b->lastval;
    uint32_t x;
    b->lastval = -1;
    if (!ds_newval(b, a2, "", 0, 0, 0, &x)) return 0;
    b->lastval = keep;
    b->implval = (int32_t)x;
  }
  *v = (uint32_t)b->implval;
  return 1;
}

/* The A of a value: "n" is 127.0.0.n (n 1..255), "a.b" a.0.0.b, "a.b.c"
   a.b.0.c, "a.b.c.d"; octets decimal, leading zeros allowed. Returns the
   bytes used, 0 if invalid. */
static size_t scan_a (char const *s, size_t len, uint8_t *a)
{
  uint32_t ip;
  unsigned n;
  size_t i = scan_octets(s, len, &ip, &n);
  /* unlike an address, an A ending in a dot ("1.2.") is invalid */
  if (!i || (n < 4 && i < len && s[i] == '.')) return 0;
  switch (n)
  {
    case 1: if (!ip) return 0; a[0] = 127; a[1] = 0; a[2] = 0; a[3] = (uint8_t)(ip >> 24); break;
    case 2: a[0] = (uint8_t)(ip >> 24); a[1] = 0; a[2] = 0; a[3] = (uint8_t)(ip >> 16); break;
    case 3: a[0] = (uint8_t)(ip >> 24); a[1] = (uint8_t)(ip >> 16); a[2] = 0; a[3] = (uint8_t)(ip >> 8); break;
    default: a[0] = (uint8_t)(ip >> 24); a[1] = (uint8_t)(ip >> 16); a[2] = (uint8_t)(ip >> 8); a[3] = (uint8_t)ip; break;
  }
  return i;
}

static size_t trimr (char const *s, size_t len)
{
  while (len && ds_space(s[len - 1])) len--;
  return len;
}

/* a text: trailing blanks dropped, cut at 255, '=' marks "no base template" */
static int maketxt (dsbuild *b, uint8_t const *a, char const *t, size_t tl, uint32_t *v)
{
  unsigned flags = 0;
  tl = trimr(t, tl);
  if (tl > DS_TXTMAX)
  {
    ds_notice(b, "TXT RR truncated to 255 bytes");
    tl = DS_TXTMAX;
  }
  if (tl && t[0] == '=') { flags |= DSVAL_NOBASE; t++; tl--; }
  if (tl) flags |= DSVAL_TXT;
  return ds_newval(b, a, t, tl, flags, 0, v);
}

/* The value part of an entry line or of a default line (isdef: s starts
   at the ':'). */
static int parse_value (dsbuild *b, char const *s, size_t len, int isdef, uint32_t *v)
{
  size_t i = 0;
  uint8_t a[4];
  dsval const *dv;
  uint32_t dflt;
  while (i < len && ds_space(s[i])) i++;
  if (!isdef && (i >= len || s[i] == '#' || s[i] == ';'))
    return ds_defvalue(b, v);
  if (!isdef && s[i] != ':')
  {
    /* a text alone: with the default A */
    if (!ds_defvalue(b, &dflt)) return 0;
    memcpy(a, b->val[dflt].a, 4);
    return maketxt(b, a, s + i, len - i, v);
  }
  i++;
  {
    size_t n = scan_a(s + i, len - i, a);
    if (!n) return ds_bad(b, "invalid A RR");
    i += n;
  }
  while (i < len && ds_space(s[i])) i++;
  if (i >= len)
  {
    /* ":A" alone: an entry keeps the default text, a default line has none */
    if (isdef) return ds_newval(b, a, "", 0, 0, 0, v);
    if (!ds_defvalue(b, &dflt)) return 0;
    dv = b->val + dflt;
    return ds_newval(b, a, b->txt + dv->txtoff, dv->txtlen, dv->flags, 0, v);
  }
  if (s[i] != ':') return ds_bad(b, "unrecognized value for an entry");
  i++;
  while (i < len && ds_space(s[i])) i++;
  return maketxt(b, a, s + i, len - i, v);
}

int ds_value (dsbuild *b, char const *s, size_t len, uint32_t *v)
{
  return parse_value(b, s, len, 0, v);
}

static void default_line (dsbuild *b, char const *s, size_t len)
{
  uint32_t v;
  int32_t keep = b->lastval;
  if ((b->type->flags & DSTYPE_ONEVALUE) && b->onevalset) return;
  b->lastval = -1;
  if (parse_value(b, s, len, 1, &v))
  {
    b->defval = (int32_t)v;
    b->onevalset = 1;
  }
  b->lastval = keep;
}

/* ---- address scanners shared by the types ---- */

#ifdef __SSE2__
/* an octet of l (1..3) digits, without branches */
static inline unsigned oct (unsigned char const *d, unsigned l)
{
  unsigned a = d[0] - '0', b = d[1] - '0', c = d[2] - '0';
  return (l == 3) * (a * 100 + b * 10 + c) + (l == 2) * (a * 10 + b) + (l == 1) * a;
}
#endif

size_t ds_scan_ip4 (char const *s, size_t len, uint32_t *ip, unsigned *noct)
{
#ifdef __SSE2__
  if (len >= 7)
  {
    /* the common whole address in a few vector steps (millions of lines
       in an XBL); on anything unusual, the careful scan_octets. The line's
       buffer has 16 readable bytes from s, and s[len] ends digits. */
    __m128i x = _mm_loadu_si128((__m128i const *)s);
    __m128i dig = _mm_sub_epi8(x, _mm_set1_epi8('0'));
    unsigned md = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(dig, _mm_set1_epi8(9)), dig));
    unsigned mdot = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')));
    unsigned other = ~(md | mdot) & 0xffff, t, dots, p1, p2, p3;
    unsigned char const *u = (unsigned char const *)s;
    if (!other) goto slow;
    t = (unsigned)__builtin_ctz(other);
    if (t > len) goto slow;
    dots = mdot & ((1U << t) - 1);
    if (!dots) goto slow;
    p1 = (unsigned)__builtin_ctz(dots);
    dots &= dots - 1;
    if (!dots) goto slow;
    p2 = (unsigned)__builtin_ctz(dots);
    dots &= dots - 1;
    if (!dots) goto slow;
    p3 = (unsigned)__builtin_ctz(dots);
    if (dots & (dots - 1)) goto slow;
    if (p1 - 1 > 2 || p2 - p1 - 2 > 2 || p3 - p2 - 2 > 2 || t - p3 - 2 > 2) goto slow;
    {
      unsigned v0 = oct(u, p1), v1 = oct(u + p1 + 1, p2 - p1 - 1), v2 = oct(u + p2 + 1, p3 - p2 - 1), v3 = oct(u + p3 + 1, t - p3 - 1);
      if ((v0 | v1 | v2 | v3) > 255) goto slow;
      *ip = v0 << 24 | v1 << 16 | v2 << 8 | v3;
      *noct = 4;
      return t;
    }
  }
slow:
#endif
  return scan_octets(s, len, ip, noct);
}

size_t ds_scan_bits (char const *s, size_t len, unsigned max, unsigned *bits)
{
  unsigned v = 0;
  size_t i = 1;
  if (!len || s[0] != '/') return 0;
  while (i < len && s[i] >= '0' && s[i] <= '9')
  {
    v = v * 10 + (unsigned)(s[i++] - '0');
    if (v > max) return 0;
  }
  if (i == 1) return 0;
  *bits = v;
  return i;
}

static int hexdig (char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

size_t ds_scan_ip6 (char const *s, size_t len, uint8_t *ip, unsigned *nwords, int *dc)
{
  unsigned w[8], n = 0;
  int dcpos = -1;
  size_t i = 0;
  if (len >= 2 && s[0] == ':' && s[1] == ':')
  {
    dcpos = 0;
    i = 2;
  }
  if (dcpos < 0 || (i < len && hexdig(s[i]) >= 0))
    for (;;)
    {
      unsigned v = 0;
      size_t st = i;
      while (i < len && hexdig(s[i]) >= 0)
      {
        v = v * 16 + (unsigned)hexdig(s[i++]);
        if (v > 0xffff) return 0;
      }
      if (i == st) return 0;
      w[n++] = v;
      if (n == 8 || i >= len || s[i] != ':') break;
      i++;
      if (i < len && s[i] == ':')
      {
        if (dcpos >= 0) break;   /* a second "::" ends the address before it */
        dcpos = (int)n;
        i++;
      }
      if (i >= len || hexdig(s[i]) < 0) break;
    }
  if (dcpos >= 0 && n > 7) return 0;
  memset(ip, 0, 16);
  if (dcpos < 0)
    for (unsigned k = 0; k < n; k++) { ip[2 * k] = (uint8_t)(w[k] >> 8); ip[2 * k + 1] = (uint8_t)w[k]; }
  else
  {
    unsigned tail = n - (unsigned)dcpos;
    for (unsigned k = 0; k < (unsigned)dcpos; k++) { ip[2 * k] = (uint8_t)(w[k] >> 8); ip[2 * k + 1] = (uint8_t)w[k]; }
    for (unsigned k = 0; k < tail; k++)
    {
      unsigned pos = 8 - tail + k;
      ip[2 * pos] = (uint8_t)(w[dcpos + k] >> 8);
      ip[2 * pos + 1] = (uint8_t)w[dcpos + k];
    }
  }
  *nwords = n;
  *dc = dcpos >= 0;
  return i;
}

int ds_addrend (char const *s, size_t len)
{
  return !len || ds_space(s[0]) || s[0] == ':' || s[0] == '#' || s[0] == ';';
}

/* ---- $TIMESTAMP ---- */

static int64_t days_from_civil (int64_t y, unsigned m, unsigned d)
{
  int64_t era;
  unsigned yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned)(y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

/* yyyy[:mm[:dd...]]: year 4 digits, then mm dd [hh [mi [ss]]] of 2 digits
   each, with optional ':' or '-' between; the last field may be 1 digit */
static int scan_stamp (char const *s, size_t len, int64_t *t)
{
  unsigned f[6] = { 0, 0, 0, 0, 0, 0 }, nf = 0;
  size_t i = 0;
  static unsigned char const mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  while (i < len && nf < 6)
  {
    unsigned want = nf ? 2 : 4, k = 0, v = 0;
    if (nf && (s[i] == ':' || s[i] == '-')) i++;
    while (k < want && i < len && s[i] >= '0' && s[i] <= '9') { v = v * 10 + (unsigned)(s[i++] - '0'); k++; }
    if (!k || (k < want && i < len)) return 0;
    f[nf++] = v;
  }
  if (i < len || nf < 3) return 0;
  /* rbldnsd takes years 1970..2038 only; later ones make the line invalid */
  if (f[0] < 1970 || f[0] > 2038) return 0;
  if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[3] > 23 || f[4] > 59 || f[5] > 59) return 0;
  {
    unsigned md = mdays[f[1] - 1];
    if (f[1] == 2 && ((f[0] % 4 == 0 && f[0] % 100) || f[0] % 400 == 0)) md = 29;
    if (f[2] > md) return 0;
  }
  *t = days_from_civil(f[0], f[1], f[2]) * 86400 + f[3] * 3600 + f[4] * 60 + f[5];
  return 1;
}

/* ---- special lines ---- */

static dsbuild *topof (dsbuild *b)
{
  while (b->parent) b = b->parent;
  return b;
}

static int setvar (dsbuild *b, unsigned i, char const *s, size_t len)
{
  uint32_t off;
  if (b->varset & (1U << i)) return 1;   /* the first definition stays */
  if (len > DS_TXTMAX) len = DS_TXTMAX;
  if (!pool_add(b, s, len, &off)) return oom(b);
  b->varoff[i] = off;
  b->varlen[i] = (uint16_t)len;
  b->varset |= (uint16_t)(1U << i);
  return 1;
}

static int special_soa (dsbuild *b, dsfield const *f, unsigned n)
{
  dsbuild *top = topof(b);
  dssoa soa;
  uint32_t ttl;
  if (n != 9) return 0;
  if (!scan_time(f[1].s, f[1].len, &ttl)) return 0;
  soa.mnamelen = scan_name(f[2].s, f[2].len, soa.mname, 0);
  soa.rnamelen = scan_name(f[3].s, f[3].len, soa.rname, 0);
  if (!soa.mnamelen || !soa.rnamelen) return 0;
  if (!scan_u32(f[4].s, f[4].len, &soa.serial)) return 0;
  if (!scan_time(f[5].s, f[5].len, &soa.refresh) || !scan_time(f[6].s, f[6].len, &soa.retry)
      || !scan_time(f[7].s, f[7].len, &soa.expire) || !scan_time(f[8].s, f[8].len, &soa.minttl)) return 0;
  if (top->d->soa) return 1;
  /* ttl 0: the TTL in force when the line is read */
  soa.ttl = clampttl(b->ld, ttl ? ttl : b->ttl ? b->ttl : b->ld->o->defttl);
  top->d->soa = ds_alloc(b->ld->arena, sizeof(dssoa));
  if (!top->d->soa) return oom(b);
  *top->d->soa = soa;
  return 1;
}

static int special_ns (dsbuild *b, dsfield const *f, unsigned n)
{
  dsbuild *top = topof(b);
  dsns *ns;
  uint32_t ttl;
  unsigned k = 0;
  if (n < 2 || !scan_time(f[1].s, f[1].len, &ttl)) return 0;
  if (top->d->ns) return 1;
  ns = ds_alloc(b->ld->arena, sizeof(dsns));
  if (!ns) return oom(b);
  for (unsigned i = 2; i < n; i++)
  {
    if (f[i].s[0] == '-') continue;   /* a name commented out */
    if (k == DATASET_NS_MAX)
    {
      ds_notice(b, "too many NS records specified, only first 32 will be used");
      break;
    }
    ns->len[k] = scan_name(f[i].s, f[i].len, ns->name[k], 0);
    if (!ns->len[k]) return 0;
    k++;
  }
  if (!k) return 0;
  ns->n = k;
  ns->ttl = clampttl(b->ld, ttl ? ttl : b->ttl ? b->ttl : b->ld->o->defttl);
  top->d->ns = ns;
  return 1;
}

static int special_timestamp (dsbuild *b, dsfield const *f, unsigned n)
{
  dsbuild *top = topof(b);
  int64_t stamp = 0, exp = 0;
  int hasstamp = 0;
  if (n < 2 || n > 3) return 0;
  if (!((f[1].len == 1 && (f[1].s[0] == '0' || f[1].s[0] == '-'))))
  {
    if (!scan_stamp(f[1].s, f[1].len, &stamp)) return 0;
    hasstamp = 1;
  }
  if (n == 3 && !(f[2].len == 1 && (f[2].s[0] == '0' || f[2].s[0] == '-')))
  {
    if (f[2].s[0] == '+')
    {
      uint32_t rel;
      if (!hasstamp || !scan_time(f[2].s + 1, f[2].len - 1, &rel)) return 0;
      exp = stamp + rel;
    }
    else if (!scan_stamp(f[2].s, f[2].len, &exp)) return 0;
  }
  if (hasstamp && stamp > (int64_t)b->ld->now)
  {
    ds_notice(b, msgf(b->ld, "data timestamp is ", (unsigned long long)(stamp - b->ld->now), " sec in the future, aborting loading", 0, 0));
    ds_fatal(b, "data timestamp is in the future");
    return 1;
  }
  if (exp && (!top->d->expires || (time_t)exp < top->d->expires)) top->d->expires = (time_t)exp;
  return 1;
}

static int special_maxrange (dsbuild *b, dsfield const *f, unsigned n)
{
  uint32_t v;
  uint64_t r;
  if (n != 2) return 0;
  if (f[1].s[0] == '/')
  {
    unsigned bits;
    if (ds_scan_bits(f[1].s, f[1].len, 32, &bits) != f[1].len) return 0;
    r = (uint64_t)1 << (32 - bits);
  }
  else
  {
    if (!scan_u32(f[1].s, f[1].len, &v) || !v) return 0;
    r = v;
  }
  if (r > 0xffffffffULL) r = 0xffffffffULL;
  if (b->maxrange4 && r > b->maxrange4)
  {
    ds_notice(b, msgf(b->ld, "ignoring attempt to increase $MAXRANGE4 from ", b->maxrange4, " to ", r, ""));
    return 1;
  }
  b->maxrange4 = (uint32_t)r;
  return 1;
}

#define DSFIELDS (DATASET_NS_MAX + 8)

/* s[0..len) follows the '$'. Returns 1, or 0 after a warning. */
static int special (dsbuild *b, dsbuild *top, char const *s, size_t len)
{
  dsfield f[DSFIELDS];
  unsigned n;
  size_t kl = 0;
  while (kl < len && !ds_space(s[kl])) kl++;
  if (kl == 1 && ((s[0] >= '0' && s[0] <= '9') || s[0] == '='))
  {
    size_t i = 1, tl;
    while (i < len && ds_space(s[i])) i++;
    tl = trimr(s + i, len - i);
    if (i == 1 || !tl) return ds_bad(b, "invalid or unrecognized special entry");
    return setvar(b, s[0] == '=' ? DS_VARBASE : (unsigned)(s[0] - '0'), s + i, tl);
  }
  n = split(s, len, f, DSFIELDS - 1);
  if (!n) return ds_bad(b, "invalid or unrecognized special entry");
  if (fieldis(f, "DATASET") && (top->type->flags & DSTYPE_COMBINED))
    return ds_combined_section(top, s + kl, len - kl);
  if (fieldis(f, "TTL"))
  {
    uint32_t t;
    if (n != 2 || !scan_time(f[1].s, f[1].len, &t)) return ds_bad(b, "invalid or unrecognized special entry");
    b->ttl = t ? clampttl(b->ld, t) : 0;
    return 1;
  }
  if (fieldis(f, "MAXRANGE4"))
    return special_maxrange(b, f, n) ? 1 : ds_bad(b, "invalid or unrecognized special entry");
  if (fieldis(f, "TIMESTAMP"))
    return special_timestamp(b, f, n) ? 1 : ds_bad(b, "invalid or unrecognized special entry");
  if (!(top->type->flags & DSTYPE_NOMETA))
  {
    /* split() says max + 1 for more fields than f holds: NS names past
       the 32nd are dropped anyway */
    if (n > DSFIELDS) n = DSFIELDS;
    if (fieldis(f, "SOA"))
      return special_soa(b, f, n) ? 1 : ds_bad(b, "invalid or unrecognized special entry");
    if (fieldis(f, "NS"))
      return special_ns(b, f, n) ? 1 : ds_bad(b, "invalid or unrecognized special entry");
  }
  return ds_bad(b, "invalid or unrecognized special entry");
}

/* ---- the line dispatcher ---- */

static void dispatch (dsbuild *top, char const *s, size_t len)
{
  dsload *ld = top->ld;
  dsbuild *b = top;
  size_t i = 0;
  char c;
  if (ld->nul)
  {
    char const *nul = memchr(s, 0, len);   /* rbldnsd reads C strings */
    if (nul) len = (size_t)(nul - s);
  }
  while (i < len && ds_space(s[i])) i++;
  if (i >= len) return;
  s += i;
  len -= i;
  if (top->type->flags & DSTYPE_COMBINED)
  {
    b = ds_combined_current(top);
    if (!b) b = top;
  }
  c = s[0];
  if (c == '$') { special(b, top, s + 1, len - 1); return; }
  if ((c == '#' || c == ';' || c == ':') && len > 1 && s[1] == '$') { special(b, top, s + 2, len - 2); return; }
  if (c == '#' || c == ';') return;
  if (b == top && (top->type->flags & DSTYPE_COMBINED))
  {
    ds_notice(b, "invalid/unrecognized entry - specify $DATASET line");
    ds_fatal(b, "entry before any $DATASET line in a combined dataset");
    return;
  }
  if (c == ':' && !(b->type->flags & DSTYPE_RAWLINES) && !(len > 1 && s[1] == ':' && (b->type->flags & DSTYPE_V6)))
  {
    default_line(b, s, len);
    return;
  }
  if (b->type->line(b, s, len) > 0) b->entries++;
}

/* ---- reading files ---- */

/* A file is plain text, or gzip-compressed: rbldnsd tells them apart by
   the first two bytes (1f 8b), whatever the name, and so do we. */
enum { SRC_FIRST, SRC_PLAIN, SRC_GZ, SRC_GZEND, SRC_GZPAD };

typedef struct dssrc_s dssrc;
struct dssrc_s
{
  int fd;
  int ismem;
  char const *mem;
  size_t memlen, mempos;
  int state;                /* SRC_* */
  int nogzip;               /* -C: a gzip file is refused, not decompressed */
  char const *err;          /* why reading failed, when errno does not say */
  char const *detail;       /* zlib's words for corrupt data, or 0 */
  unsigned char *in;        /* compressed bytes, DS_GZIN of them */
  int zinit;
  z_stream z;
};

static ssize_t raw_read (dssrc *src, char *buf, size_t max)
{
  if (!src->ismem)
  {
    ssize_t r;
    do r = read(src->fd, buf, max); while (r < 0 && errno == EINTR);
    return r;
  }
  if (max > src->memlen - src->mempos) max = src->memlen - src->mempos;
  if (max) memcpy(buf, src->mem + src->mempos, max);
  src->mempos += max;
  return (ssize_t)max;
}

/* the file is bad, not the system: no errno for the log line */
static ssize_t src_bad (dssrc *src, char const *err, char const *detail)
{
  src->err = err;
  src->detail = detail;
  errno = 0;
  return -1;
}

/* Inflates into buf until something comes out, or the data ends. Every
   member is read in turn, as gzip -d reads them (rbldnsd stops after the
   first); zero bytes after the last member are padding, as gzip has it;
   anything else there refuses the file. Memory stays bounded: DS_GZIN
   bytes of input and zlib's window, whatever the file's size. */
static ssize_t gz_read (dssrc *src, char *buf, size_t max)
{
  z_stream *z = &src->z;
  if (max > 0x40000000) max = 0x40000000;   /* avail_out has 32 bits */
  z->next_out = (Bytef *)buf;
  z->avail_out = (uInt)max;
  while (z->avail_out == max)
  {
    int r;
    if (!z->avail_in)
    {
      ssize_t n = raw_read(src, (char *)src->in, DS_GZIN);
      if (n < 0) return -1;
      if (!n)
      {
        if (src->state == SRC_GZ) return src_bad(src, "gzip data truncated", 0);
        break;
      }
      z->next_in = src->in;
      z->avail_in = (uInt)n;
    }
    if (src->state == SRC_GZEND)
    {
      if (*z->next_in == 0x1f)
      {
        /* another member; zlib checks the rest of its header */
        if (inflateReset(z) != Z_OK) return src_bad(src, "corrupt gzip data", z->msg);
        src->state = SRC_GZ;
      }
      else if (!*z->next_in) src->state = SRC_GZPAD;
      else return src_bad(src, "data after the end of the gzip data", 0);
    }
    if (src->state == SRC_GZPAD)
    {
      while (z->avail_in && !*z->next_in) { z->next_in++; z->avail_in--; }
      if (z->avail_in) return src_bad(src, "data after the end of the gzip data", 0);
      continue;
    }
    r = inflate(z, Z_NO_FLUSH);
    if (r == Z_STREAM_END) src->state = SRC_GZEND;
    else if (r == Z_MEM_ERROR) { errno = ENOMEM; src->err = "out of memory"; return -1; }
    /* with input and room for output, inflate always gets on or fails */
    else if (r != Z_OK) return src_bad(src, "corrupt gzip data", z->msg);
  }
  return (ssize_t)(max - z->avail_out);
}

/* The first read: a plain file's first bytes go to buf as they are; a
   gzip file's go to the inflater. */
static ssize_t src_first (dssrc *src, char *buf, size_t max)
{
  size_t n = 0, want = max < DS_GZIN ? max : DS_GZIN;
  while (n < 2)
  {
    ssize_t r = raw_read(src, buf + n, want - n);
    if (r < 0) return -1;
    if (!r) break;
    n += (size_t)r;
  }
  if (n < 2 || (unsigned char)buf[0] != 0x1f || (unsigned char)buf[1] != 0x8b)
  {
    src->state = SRC_PLAIN;
    return (ssize_t)n;
  }
  if (src->nogzip) return src_bad(src, "file is gzip-compressed, and decompression is disabled (-C)", 0);
  src->in = malloc(DS_GZIN);
  if (!src->in) { src->err = "out of memory"; return -1; }
  memcpy(src->in, buf, n);
  memset(&src->z, 0, sizeof(src->z));
  /* 16 + window bits: gzip members only, header and trailer (CRC-32 and
     length) checked by zlib */
  switch (inflateInit2(&src->z, 16 + MAX_WBITS))
  {
    case Z_OK: break;
    case Z_MEM_ERROR: errno = ENOMEM; src->err = "out of memory"; return -1;
    default: return src_bad(src, "zlib refuses to start (another version than built with?)", src->z.msg);
  }
  src->zinit = 1;
  src->z.next_in = src->in;
  src->z.avail_in = (uInt)n;
  src->state = SRC_GZ;
  return gz_read(src, buf, max);
}

static ssize_t src_read (dssrc *src, char *buf, size_t max)
{
  switch (src->state)
  {
    case SRC_PLAIN: return raw_read(src, buf, max);
    case SRC_FIRST: return src_first(src, buf, max);
    default: return gz_read(src, buf, max);
  }
}

static void src_end (dssrc *src)
{
  int e = errno;
  if (src->zinit) inflateEnd(&src->z);
  free(src->in);
  if (src->fd >= 0) close(src->fd);
  src->zinit = 0;
  src->in = 0;
  src->fd = -1;
  errno = e;
}

static int iscksumline (char const *s, size_t len)
{
  return len >= 8 && !memcmp(s, "# CKSUM:", 8);
}

/* "# CKSUM: crc bytes" */
static int scan_cksumline (char const *s, size_t len, uint32_t *crc, uint64_t *bytes)
{
  dsfield f[4];
  uint64_t v = 0;
  if (split(s + 8, len - 8, f, 3) != 2) return 0;
  if (!scan_u32(f[0].s, f[0].len, crc)) return 0;
  if (f[1].len > 19) return 0;
  for (size_t i = 0; i < f[1].len; i++)
  {
    if (f[1].s[i] < '0' || f[1].s[i] > '9') return 0;
    v = v * 10 + (uint64_t)(f[1].s[i] - '0');
  }
  *bytes = v;
  return 1;
}

/* Reads one file (or buffer) through dispatch, checking a final "# CKSUM:"
   line against the bytes before it as it goes. Returns 1, or 0 with
   ld->why set. */
static int read_source (dsbuild *top, dssrc *src, char *buf, size_t cap)
{
  dsload *ld = top->ld;
  size_t have = 0, start = 0;
  uint64_t offset = 0;          /* file offset of buf[0] */
  uint64_t crcpos = 0;          /* bytes fed to the CRC so far */
  uint32_t crc = CKSUM_INIT;
  int eof = 0, sawck = 0, skipping = 0;
  ld->lineno = 0;
  while (!ld->fatal)
  {
    char *nl;
    if (start >= have || !(nl = memchr(buf + start, '\n', have - start)))
    {
      ssize_t r;
      if (eof)
      {
        if (start < have) { nl = buf + have; goto line; }
        break;
      }
      /* keep the partial line; the CRC must have seen everything dropped */
      if (!sawck && offset + start > crcpos)
      {
        crc = cksum_update(crc, buf + (crcpos - offset), (size_t)(offset + start - crcpos));
        crcpos = offset + start;
      }
      if (start)
      {
        memmove(buf, buf + start, have - start);
        have -= start;
        offset += start;
        start = 0;
      }
      if (have == cap)
      {
        /* a line longer than the buffer: refuse it, skip to its end */
        if (sawck)
        {
          ds_notice(top, "data after the # CKSUM line");
          ds_fatal(top, "data after the # CKSUM line");
          break;
        }
        if (!skipping) { ld->lineno++; ld->bad = 0; ds_bad(top, "line too long"); }
        skipping = 1;
        if (!sawck) { crc = cksum_update(crc, buf + (crcpos - offset), (size_t)(offset + have - crcpos)); crcpos = offset + have; }
        offset += have;
        have = 0;
        if (ld->o->strict) { ds_fatal(top, "bad line refused in strict mode"); break; }
      }
      r = src_read(src, buf + have, cap - have);
      if (r < 0)
      {
        if (src->detail)
        {
          size_t w = 0;
          msgput(ld, &w, src->err);
          msgput(ld, &w, ": ");
          msgput(ld, &w, src->detail);
          ld->msg[w] = 0;
          ld->lineno = 0;
          ds_notice(top, ld->msg);
        }
        ld->why = src->err ? src->err : "unable to read";
        ld->fatal = 1;
        return 0;
      }
      if (!r) eof = 1;
      have += (size_t)r;
      /* a line never runs into stale bytes; and most buffers have no NUL,
         so lines need not look for one */
      memset(buf + have, '\n', DS_SLACK);
      ld->nul = memchr(buf, 0, have) != 0;
      continue;
    }
  line:
    {
      char *s = buf + start;
      size_t len = (size_t)(nl - s);
      size_t next = nl < buf + have ? (size_t)(nl - buf) + 1 : have;
      if (skipping)
      {
        skipping = 0;
        start = next;
        continue;
      }
      if (sawck)
      {
        ld->lineno++;
        ds_notice(top, "data after the # CKSUM line");
        ds_fatal(top, "data after the # CKSUM line");
        break;
      }
      if (iscksumline(s, len))
      {
        uint32_t want;
        uint64_t wantbytes, got = offset + start;
        ld->lineno++;
        if (!scan_cksumline(s, len, &want, &wantbytes))
        {
          ds_notice(top, "malformed # CKSUM line");
          ds_fatal(top, "malformed # CKSUM line");
          break;
        }
        crc = cksum_update(crc, buf + (crcpos - offset), (size_t)(got - crcpos));
        crcpos = got;
        if (got < wantbytes)
        {
          ds_notice(top, msgf(ld, "file truncated: # CKSUM counts ", wantbytes, " bytes, only ", got, " before it"));
          ds_fatal(top, "file truncated (shorter than its # CKSUM line says)");
          break;
        }
        if (got != wantbytes)
        {
          ds_notice(top, msgf(ld, "# CKSUM counts ", wantbytes, " bytes, but ", got, " precede it"));
          ds_fatal(top, "# CKSUM byte count does not match the file");
          break;
        }
        if (cksum_final(crc, got) != want)
        {
          ds_notice(top, msgf(ld, "# CKSUM mismatch: the line says ", want, ", the data gives ", cksum_final(crc, got), ""));
          ds_fatal(top, "# CKSUM does not match the file");
          break;
        }
        sawck = 1;
        start = next;
        continue;
      }
      ld->lineno++;
      ld->bad = 0;
      dispatch(top, s, len);
      if (ld->bad && ld->o->strict) ds_fatal(top, "bad line refused in strict mode");
      start = next;
    }
  }
  if (ld->fatal) return 0;
  if (!sawck && ld->o->require_cksum)
  {
    ld->lineno = 0;
    ds_notice(top, "no # CKSUM line");
    ds_fatal(top, "no # CKSUM line (required)");
    return 0;
  }
  return 1;
}

/* ---- building ---- */

static int build_start (dsbuild *b, dsload *ld, dstype const *t, dataset *d, dsbuild *parent)
{
  memset(b, 0, sizeof(*b));
  b->ld = ld;
  b->type = t;
  b->d = d;
  b->defval = -1;
  b->implval = -1;
  b->lastval = -1;
  b->parent = parent;
  d->type = t;
  /* the text pool always exists, so that offsets into it are valid */
  b->txt = malloc(64);
  if (!b->txt) return oom(b);
  b->txtcap = 64;
  if (parent)
  {
    /* a nested dataset starts with the common section's variables and limits */
    for (unsigned i = 0; i < DS_NVARS; i++)
      if (parent->varset & (1U << i))
        if (!setvar(b, i, parent->txt + parent->varoff[i], parent->varlen[i])) return 0;
    b->maxrange4 = parent->maxrange4;
  }
  if (!t->start(b)) return oom(b);
  /* rbldnsd's implicit value comes before every value from the files
     when an address has several */
  if (!(t->flags & DSTYPE_ONEVALUE))
  {
    uint32_t v;
    if (!ds_defvalue(b, &v)) return 0;
  }
  return 1;
}

/* Moves values and text into the arena and fills the dataset's fields. */
static int build_finish (dsbuild *b)
{
  dataset *d = b->d;
  dsload *ld = b->ld;
  if ((b->type->flags & DSTYPE_ONEVALUE) && !b->onevalset)
  {
    uint32_t v;
    if (!ds_defvalue(b, &v)) return 0;
  }
  if (!b->type->finish(b)) return oom(b);
  if (ld->fatal) return 0;
  if (b->nval)
  {
    dsval *v = ds_alloc(ld->arena, (size_t)b->nval * sizeof(dsval));
    if (!v) return oom(b);
    memcpy(v, b->val, (size_t)b->nval * sizeof(dsval));
    d->val = v;
    d->nval = b->nval;
  }
  {
    char *t = ds_alloc(ld->arena, b->txtlen + 1);
    if (!t) return oom(b);
    memcpy(t, b->txt, b->txtlen);
    d->txt = t;
  }
  memcpy(d->varoff, b->varoff, sizeof(d->varoff));
  memcpy(d->varlen, b->varlen, sizeof(d->varlen));
  d->varset = b->varset;
  {
    uint32_t ttl = b->ttl;
    if (!ttl && b->parent) ttl = b->parent->ttl;
    d->ttl = ttl ? ttl : ld->o->defttl;
  }
  d->entries = b->entries;
  return 1;
}

static void build_discard (dsbuild *b)
{
  if (b->type && b->type->discard) b->type->discard(b);
  free(b->val);
  free(b->txt);
  b->val = 0;
  b->txt = 0;
}

int ds_build_start (dsbuild *b, dstype const *t, dataset *d, dsbuild *parent)
{
  return build_start(b, parent->ld, t, d, parent);
}

int ds_build_finish (dsbuild *b)
{
  return build_finish(b);
}

void ds_build_discard (dsbuild *b)
{
  build_discard(b);
}

/* The temporary arrays of a big load are freed by now, but malloc keeps
   what it got from the system with brk: give it back, or a server that
   loaded once stays at its peak size. Not under AddressSanitizer, whose
   allocator replaces glibc's: there malloc_trim walks arenas that were
   never set up and crashes the loader thread. */
static void trim (void)
{
#if defined __GLIBC__ && !defined __SANITIZE_ADDRESS__
  malloc_trim(0);
#endif
}

static dataset *load (char const *type, char const *const *names, char const *const *bufs, size_t const *lens,
  unsigned n, dsload_opts const *o, dsload_warn_fn *warn, void *ctx, char const **why)
{
  static dsload_opts const defopts = { .defttl = 2100 };
  dstype const *t = type ? ds_type_find(type, strlen(type)) : 0;
  dsload ld;
  dsbuild top;
  dataset *d;
  char *buf;
  size_t cap = bufs ? DS_MEMREAD : DS_READ;
  time_t mtime = 0;
  char const *fail = 0;
  *why = 0;
  if (!t) { errno = EINVAL; *why = "unknown dataset type"; return 0; }
  if (!o) o = &defopts;
  memset(&ld, 0, sizeof(ld));
  ld.o = o;
  ld.warn = warn;
  ld.ctx = ctx;
  ld.files = names;
  ld.nfiles = n;
  ld.now = time(0);
  ld.arena = ds_arena_new();
  if (!ld.arena) { *why = "out of memory"; return 0; }
  buf = malloc(cap + DS_SLACK);
  d = ds_alloc(ld.arena, sizeof(dataset));
  if (!buf || !d) { free(buf); ds_arena_free(ld.arena); errno = ENOMEM; *why = "out of memory"; return 0; }
  if (!build_start(&top, &ld, t, d, 0)) { fail = ld.why; goto err; }
  for (unsigned i = 0; i < n && !ld.fatal; i++)
  {
    dssrc src;
    memset(&src, 0, sizeof(src));
    ld.fileno = i;
    top.defval = -1;     /* a default line lasts to the end of its file */
    if (t->flags & DSTYPE_COMBINED) ds_combined_newfile(&top);
    if (bufs)
    {
      src.ismem = 1;
      src.mem = bufs[i];
      src.memlen = lens[i];
      src.fd = -1;
    }
    else
    {
      struct stat st;
      src.fd = open(names[i], O_RDONLY | O_CLOEXEC);
      if (src.fd < 0) { fail = "unable to open"; ld.fatal = 1; break; }
      if (fstat(src.fd, &st) < 0) { int e = errno; close(src.fd); errno = e; fail = "unable to stat"; ld.fatal = 1; break; }
      if (st.st_mtime > mtime) mtime = st.st_mtime;
#ifdef POSIX_FADV_SEQUENTIAL
      posix_fadvise(src.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    }
    src.nogzip = o->nogzip;
    if (!read_source(&top, &src, buf, cap))
    {
      src_end(&src);
      fail = ld.why;
      break;
    }
    src_end(&src);
  }
  free(buf);
  buf = 0;
  if (ld.fatal) { if (!fail) fail = ld.why; goto err; }
  d->mtime = mtime;
  ld.fileno = n;
  ld.lineno = 0;
  if (!build_finish(&top)) { fail = ld.why ? ld.why : "out of memory"; goto err; }
  build_discard(&top);
  d->arena = ld.arena;
  d->bytes = ds_arena_bytes(ld.arena);
  trim();
  return d;
err:
  free(buf);
  build_discard(&top);
  ds_arena_free(ld.arena);
  trim();
  *why = fail ? fail : "unable to load";
  return 0;
}

dataset *dataset_load (char const *type, char const *const *files, unsigned nfiles,
  dsload_opts const *o, dsload_warn_fn *warn, void *ctx, char const **why)
{
  char const *w;
  dataset *d = load(type, files, 0, 0, nfiles, o, warn, ctx, &w);
  if (why) *why = w;
  return d;
}

dataset *ds_load_mem (char const *type, char const *const *bufs, size_t const *lens, unsigned n,
  dsload_opts const *o, dsload_warn_fn *warn, void *ctx, char const **why)
{
  static char const *const names[] = { "mem0", "mem1", "mem2", "mem3", "mem4", "mem5", "mem6", "mem7" };
  char const *w;
  dataset *d;
  if (n > 8) n = 8;
  d = load(type, names, bufs, lens, n, o, warn, ctx, &w);
  if (why) *why = w;
  return d;
}

void dataset_free (dataset *d)
{
  if (d) ds_arena_free(d->arena);
}

/* ---- queries ---- */

typedef struct dsout_s dsout;
struct dsout_s
{
  char *s;
  size_t n;
};

static void put (dsout *o, char const *s, size_t len)
{
  if (len > DS_OUTMAX - o->n) len = DS_OUTMAX - o->n;
  memcpy(o->s + o->n, s, len);
  o->n += len;
}

/* rbldnsd's expansion: "$$" is "$", "$n" a variable (or itself if
   undefined), "$=" the entry's own text unexpanded (the subst if it has
   none), any other "$" the subst. At most 254 bytes. */
static void expand (dataset const *d, dsout *o, char const *t, size_t tl, char const *ent, size_t entlen,
  char const *subst, size_t substlen)
{
  size_t i = 0;
  while (i < tl && o->n < DS_OUTMAX)
  {
    char const *dollar = memchr(t + i, '$', tl - i);
    size_t run = dollar ? (size_t)(dollar - (t + i)) : tl - i;
    put(o, t + i, run);
    i += run;
    if (i >= tl) break;
    if (i + 1 < tl)
    {
      char c = t[i + 1];
      if (c == '$') { put(o, "$", 1); i += 2; continue; }
      if (c == '=')
      {
        if (entlen) put(o, ent, entlen);
        else put(o, subst, substlen);
        i += 2;
        continue;
      }
      if (c >= '0' && c <= '9')
      {
        unsigned k = (unsigned)(c - '0');
        if (d->varset & (1U << k)) put(o, d->txt + d->varoff[k], d->varlen[k]);
        else put(o, t + i, 2);
        i += 2;
        continue;
      }
    }
    put(o, subst, substlen);
    i++;
  }
}

void ds_hit (dataset const *d, dsquery const *q, uint32_t v, char const *subst, size_t substlen, dshit *h)
{
  dsval const *x = d->val + v;
  memcpy(h->a, x->a, 4);
  h->ttl = d->ttl;
  h->hastxt = 0;
  h->txtlen = 0;
  if (!q->wanttxt) return;
  {
    dsout o = { h->txt, 0 };
    char const *ent = d->txt + x->txtoff;
    if ((d->varset & (1U << DS_VARBASE)) && !(x->flags & DSVAL_NOBASE))
      expand(d, &o, d->txt + d->varoff[DS_VARBASE], d->varlen[DS_VARBASE], ent, x->txtlen, subst, substlen);
    else if (x->txtlen)
      expand(d, &o, ent, x->txtlen, ent, x->txtlen, subst, substlen);
    else return;
    h->hastxt = 1;
    h->txtlen = (uint16_t)o.n;
  }
}

unsigned dataset_query (dataset const *d, dsquery const *q, dshit *hits, unsigned max)
{
  if (!d || !d->impl || !d->type->query || !max) return 0;
  return d->type->query(d, q, hits, max);
}

void dataset_prefetch (dataset const *d, dsquery const *q, unsigned step)
{
  if (d && d->impl && d->type->prefetch) d->type->prefetch(d, q, step);
}

dssoa const *dataset_soa (dataset const *d)
{
  return d ? d->soa : 0;
}

dsns const *dataset_ns (dataset const *d)
{
  return d ? d->ns : 0;
}

uint32_t dataset_ttl (dataset const *d)
{
  return d ? d->ttl : 0;
}

time_t dataset_mtime (dataset const *d)
{
  return d ? d->mtime : 0;
}

time_t dataset_expires (dataset const *d)
{
  return d ? d->expires : 0;
}

size_t dataset_entries (dataset const *d)
{
  size_t n;
  if (!d) return 0;
  n = d->entries;
  for (unsigned i = 0; i < d->nsub; i++) n += d->sub[i].entries;
  return n;
}

size_t dataset_bytes (dataset const *d)
{
  return d ? d->bytes : 0;
}

unsigned dataset_nsub (dataset const *d)
{
  return d ? d->nsub : 0;
}

dataset const *dataset_sub (dataset const *d, unsigned i, unsigned char const *const **subzones, size_t const **sublens, unsigned *nsubzones)
{
  dataset const *s;
  if (!d || i >= d->nsub) return 0;
  s = d->sub + i;
  if (subzones) *subzones = s->zone;
  if (sublens) *sublens = s->zonelen;
  if (nsubzones) *nsubzones = s->nzone;
  return s;
}

