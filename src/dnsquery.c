/* dnsquery: parses rblserve's queries and builds answers in the query's own buffer, as rbldnsd does. */

#include <string.h>
#include "dnsquery.h"

#define HDR 12

static uint16_t get16 (unsigned char const *p)
{
  return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16 (unsigned char *p, unsigned v)
{
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}

static void put32 (unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

static uint32_t get32 (unsigned char const *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ASCII upper case to lower case, eight bytes at a time: a byte gets 0x20
   where its value is 'A'..'Z' (a length byte, at most 63, never is) */
static void lower (unsigned char *d, unsigned char const *s, size_t n)
{
  uint64_t const low7 = 0x7f7f7f7f7f7f7f7fULL, hi = 0x8080808080808080ULL;
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
  {
    uint64_t x, a;
    memcpy(&x, s + i, 8);
    a = x & low7;
    /* high bit: a >= 'A', and not a > 'Z', and not a byte above 127 */
    x |= ((a + 0x3f3f3f3f3f3f3f3fULL) & ~(a + 0x2525252525252525ULL) & ~x & hi) >> 2;
    memcpy(d + i, &x, 8);
  }
  for (; i < n; i++) d[i] = s[i] | ((unsigned char)(s[i] - 'A') < 26) << 5;
}

int dnsquery_parse (unsigned char const *pkt, size_t len, dnsquery *q)
{
  size_t p = HDR, w, x, end;
  unsigned n = 0;
  if (len < HDR + 5) return 0;
  if (pkt[2] & 0x80) return 0;               /* a response: never answer it */
  if (pkt[4] || pkt[5] != 1) return 0;
  /* the next label must start by here: the name at most 255 bytes with its
     root label, and the root label, type and class in the packet */
  end = len - 5 < HDR + DNSQUERY_NAME_MAX - 1 ? len - 5 : HDR + DNSQUERY_NAME_MAX - 1;
  for (;;)
  {
    unsigned c = pkt[p];
    if (!c) break;
    /* > 63 also catches compression pointers, which a question has no use for */
    if (c > 63 || p + c + 1 > end) return 0;
    q->lab[n++] = (uint8_t)(p - HDR);
    p += c + 1;
  }
  w = p - HDR;
  lower(q->name, pkt + HDR, w);
  q->name[w++] = 0;
  q->namelen = w;
  q->nlabels = n;
  q->flags1 = pkt[2];
  q->flags2 = pkt[3];
  q->qtype = get16(pkt + p + 1);
  q->qclass = get16(pkt + p + 3);
  q->qend = p + 5;
  q->edns = 0;
  q->limit = DNSQUERY_UDP_MAX;
  /* rbldnsd's rule: the OPT must follow the question directly, be the only
     additional record, with no authority records, and start within the
     first 266 bytes */
  x = len - 5;
  if (x >= HDR + DNSQUERY_NAME_MAX) x = HDR + DNSQUERY_NAME_MAX - 1;
  if (q->qend < x && !pkt[8] && !pkt[9] && !pkt[10] && pkt[11] == 1
      && !pkt[q->qend] && get16(pkt + q->qend + 1) == DNSQUERY_TYPE_OPT)
  {
    size_t size = get16(pkt + q->qend + 3);
    q->edns = 1;
    if (size < DNSQUERY_UDP_MAX + DNSQUERY_OPT_LEN) size = DNSQUERY_UDP_MAX;
    else if (size > DNSQUERY_EDNS_MAX - DNSQUERY_OPT_LEN) size = DNSQUERY_EDNS_MAX - DNSQUERY_OPT_LEN;
    else size -= DNSQUERY_OPT_LEN;
    q->limit = size;
  }
  return 1;
}

size_t dnsquery_labeloff (dnsquery const *q, unsigned i)
{
  return HDR + (i < q->nlabels ? q->lab[i] : q->namelen - 1);
}

void dnsquery_ans_start (dnsquery_ans *a, unsigned char *buf, size_t limit, dnsquery const *q)
{
  a->buf = buf;
  a->ansstart = a->len = q->qend;
  a->limit = limit;
  a->count[0] = a->count[1] = a->count[2] = 0;
  a->tc = 0;
  a->ncomp = 0;
  a->rec = 0;
  memset(a->lens, 0, sizeof a->lens);
  buf[2] = q->flags1 | 0x80;
  buf[3] = 0;
  memset(buf + 6, 0, 6);
}

void dnsquery_ans_reset (dnsquery_ans *a)
{
  a->len = a->ansstart;
  a->count[0] = a->count[1] = a->count[2] = 0;
  a->ncomp = 0;
  memset(a->lens, 0, sizeof a->lens);
}

void dnsquery_ans_aa (dnsquery_ans *a, int on)
{
  if (on) a->buf[2] |= 4;
  else a->buf[2] &= ~4;
}

void dnsquery_ans_rcode (dnsquery_ans *a, unsigned rcode)
{
  a->buf[3] = (unsigned char)rcode;
}

void dnsquery_ans_flags (dnsquery_ans *a, uint8_t flags1, uint8_t flags2)
{
  a->buf[2] = flags1;
  a->buf[3] = flags2;
}

static void remember (dnsquery_ans *a, unsigned char const *dn, size_t len, size_t off)
{
  if (a->ncomp >= DNSQUERY_COMPRESS_MAX || off >= 0x4000 || len <= 1) return;
  a->comp[a->ncomp].dn = dn;
  a->comp[a->ncomp].len = (uint16_t)len;
  a->comp[a->ncomp].off = (uint16_t)off;
  a->ncomp++;
  a->lens[len >> 6] |= (uint64_t)1 << (len & 63);
}

void dnsquery_ans_question_suffix (dnsquery_ans *a, dnsquery const *q, unsigned i)
{
  for (; i < q->nlabels; i++)
    remember(a, q->name + q->lab[i], q->namelen - q->lab[i], HDR + q->lab[i]);
}

/* a pointer to off about to be written at a->len: where a fragment must
   set it (an undo drops the pointers noted past the new end) */
static void noteptr (dnsquery_ans *a, unsigned off)
{
  dnsquery_frag *f = a->rec;
  if (!f) return;
  while (f->nptr && f->ptr[f->nptr - 1].at >= a->len) f->nptr--;
  if (f->nptr >= DNSQUERY_FRAG_PTRS) { f->full = 1; return; }
  f->ptr[f->nptr].at = (uint16_t)a->len;
  f->ptr[f->nptr].rel = (uint16_t)off;
  f->nptr++;
}

/* Writes dn at a->len, compressed against the names remembered so far.
   Returns 1, or 0 if it does not fit before limit. */
static int putname (dnsquery_ans *a, unsigned char const *dn, size_t dnlen)
{
  size_t o = 0;
  int ptr = -1;
  while (o < dnlen && dn[o])
  {
    size_t sl = dnlen - o;
    if (sl < 256 && a->lens[sl >> 6] >> (sl & 63) & 1)
      for (unsigned i = 0; i < a->ncomp; i++)
        if (a->comp[i].len == sl && !memcmp(a->comp[i].dn, dn + o, sl))
        {
          ptr = a->comp[i].off;
          break;
        }
    if (ptr >= 0) break;
    o += dn[o] + 1;
  }
  if (ptr < 0) o = dnlen;   /* no suffix known: the whole name, root label included */
  if (a->len + o + (ptr >= 0 ? 2 : 0) > a->limit) return 0;
  for (size_t k = 0; k < o && dn[k]; k += dn[k] + 1)
    remember(a, dn + k, dnlen - k, a->len + k);
  memcpy(a->buf + a->len, dn, o);
  a->len += o;
  if (ptr >= 0)
  {
    noteptr(a, (unsigned)ptr);
    put16(a->buf + a->len, 0xc000 | (unsigned)ptr);
    a->len += 2;
  }
  return 1;
}

/* type, class, TTL and a zero rdlength; returns where rdlength is, or 0 */
static size_t rrhead (dnsquery_ans *a, uint16_t type, uint16_t cls, uint32_t ttl)
{
  unsigned char *p = a->buf + a->len;
  if (a->len + 10 > a->limit) return 0;
  put16(p, type);
  put16(p + 2, cls);
  put32(p + 4, ttl);
  put16(p + 8, 0);
  a->len += 10;
  return a->len - 2;
}

static int putowner (dnsquery_ans *a, size_t owner)
{
  if (a->len + 2 > a->limit) return 0;
  noteptr(a, (unsigned)owner);
  put16(a->buf + a->len, 0xc000 | (unsigned)owner);
  a->len += 2;
  return 1;
}

/* pre: a length byte to put before rdata (TXT), or -1 */
static int adddata (dnsquery_ans *a, uint16_t type, uint16_t cls, int pre, unsigned char const *rdata, size_t rdlen, uint32_t ttl)
{
  size_t c = a->ansstart;
  size_t full = rdlen + (pre >= 0);
  int same = 0;
  unsigned char *rr;
  /* every answer record here is owned by a 2-byte pointer to the question;
     records of one type share the lowest TTL, duplicates included */
  for (unsigned i = 0; i < a->count[DNSQUERY_AN]; i++)
  {
    unsigned char const *r = a->buf + c;
    size_t l = get16(r + 10);
    if (get16(r + 2) == type)
    {
      if (get32(r + 6) < ttl) ttl = get32(r + 6);
      if (l == full && (pre < 0 || r[12] == pre) && !memcmp(r + 12 + (pre >= 0), rdata, rdlen)) same = 1;
    }
    c += 12 + l;
  }
  c = a->ansstart;
  for (unsigned i = 0; i < a->count[DNSQUERY_AN]; i++)
  {
    unsigned char *r = a->buf + c;
    if (get16(r + 2) == type) put32(r + 6, ttl);
    c += 12 + get16(r + 10);
  }
  if (same) return 1;
  if (a->len + 12 + full > a->limit || a->count[DNSQUERY_AN] >= 0xffff)
  {
    a->tc = 1;
    return 0;
  }
  rr = a->buf + a->len;
  put16(rr, 0xc000 | HDR);
  put16(rr + 2, type);
  put16(rr + 4, cls);
  put32(rr + 6, ttl);
  put16(rr + 10, (unsigned)full);
  if (pre >= 0) rr[12] = (unsigned char)pre;
  memcpy(rr + 12 + (pre >= 0), rdata, rdlen);
  a->len += 12 + full;
  a->count[DNSQUERY_AN]++;
  return 1;
}

int dnsquery_ans_add_data (dnsquery_ans *a, uint16_t type, uint16_t cls, unsigned char const *rdata, size_t rdlen, uint32_t ttl)
{
  return adddata(a, type, cls, -1, rdata, rdlen, ttl);
}

int dnsquery_ans_add_txt (dnsquery_ans *a, uint16_t cls, char const *txt, size_t len, uint32_t ttl)
{
  if (len > 255) len = 255;
  return adddata(a, 16, cls, (int)len, (unsigned char const *)txt, len, ttl);
}

void dnsquery_ans_truncated (dnsquery_ans *a)
{
  a->buf[2] = (a->buf[2] | 2) & ~4;
}

static int undo (dnsquery_ans *a, size_t len, unsigned ncomp)
{
  a->len = len;
  a->ncomp = ncomp;
  return 0;
}

int dnsquery_ans_add_ns (dnsquery_ans *a, unsigned section, size_t owner, unsigned char const *ns, size_t nslen, uint32_t ttl)
{
  size_t len0 = a->len, rdl;
  unsigned ncomp0 = a->ncomp;
  if (!putowner(a, owner) || !(rdl = rrhead(a, 2, DNSQUERY_CLASS_IN, ttl))) return undo(a, len0, ncomp0);
  if (!putname(a, ns, nslen)) return undo(a, len0, ncomp0);
  put16(a->buf + rdl, (unsigned)(a->len - rdl - 2));
  a->count[section]++;
  return 1;
}

int dnsquery_ans_add_soa (dnsquery_ans *a, unsigned section, size_t owner, uint32_t ttl,
  unsigned char const *mname, size_t mnamelen, unsigned char const *rname, size_t rnamelen,
  uint32_t serial, uint32_t refresh, uint32_t retry, uint32_t expire, uint32_t minimum)
{
  size_t len0 = a->len, rdl;
  unsigned ncomp0 = a->ncomp;
  unsigned char *p;
  if (!putowner(a, owner) || !(rdl = rrhead(a, 6, DNSQUERY_CLASS_IN, ttl))) return undo(a, len0, ncomp0);
  if (!putname(a, mname, mnamelen) || !putname(a, rname, rnamelen) || a->len + 20 > a->limit)
    return undo(a, len0, ncomp0);
  p = a->buf + a->len;
  put32(p, serial);
  put32(p + 4, refresh);
  put32(p + 8, retry);
  put32(p + 12, expire);
  put32(p + 16, minimum);
  a->len += 20;
  put16(a->buf + rdl, (unsigned)(a->len - rdl - 2));
  a->count[section]++;
  return 1;
}

int dnsquery_ans_add_named_a (dnsquery_ans *a, unsigned section, unsigned char const *owner, size_t ownerlen, uint8_t const ip[4], uint32_t ttl)
{
  size_t len0 = a->len, rdl;
  unsigned ncomp0 = a->ncomp;
  if (!putname(a, owner, ownerlen) || !(rdl = rrhead(a, 1, DNSQUERY_CLASS_IN, ttl)) || a->len + 4 > a->limit)
    return undo(a, len0, ncomp0);
  memcpy(a->buf + a->len, ip, 4);
  a->len += 4;
  put16(a->buf + rdl, 4);
  a->count[section]++;
  return 1;
}

void dnsquery_frag_begin (dnsquery_ans *a, dnsquery_frag *f)
{
  f->len = 0;
  f->start = (uint16_t)a->len;
  f->ncomp0 = a->ncomp;
  for (unsigned i = 0; i < 3; i++) f->count[i] = a->count[i];
  f->nptr = f->nrem = 0;
  f->full = 0;
  a->rec = f;
}

void dnsquery_frag_end (dnsquery_ans *a, dnsquery_frag *f, size_t zoff)
{
  size_t start = f->start, len = a->len - start;
  a->rec = 0;
  while (f->nptr && f->ptr[f->nptr - 1].at >= a->len) f->nptr--;
  if (!len || len > DNSQUERY_FRAG_MAX || f->full || a->ncomp < f->ncomp0) return;
  for (unsigned i = 0; i < f->nptr; i++)
  {
    unsigned at = f->ptr[i].at, to = f->ptr[i].rel;
    f->ptr[i].at = (uint16_t)(at - start);
    f->ptr[i].self = to >= start;
    if (to >= start) f->ptr[i].rel = (uint16_t)(to - start);
    else if (to >= zoff) f->ptr[i].rel = (uint16_t)(to - zoff);
    else return;   /* into the question above the zone: not a model's pointer */
  }
  memset(f->lens, 0, sizeof f->lens);
  for (unsigned i = f->ncomp0; i < a->ncomp; i++)
  {
    if (a->comp[i].off < start) return;
    f->rem[f->nrem].dn = a->comp[i].dn;
    f->rem[f->nrem].len = a->comp[i].len;
    f->rem[f->nrem].rel = (uint16_t)(a->comp[i].off - start);
    f->lens[a->comp[i].len >> 6] |= (uint64_t)1 << (a->comp[i].len & 63);
    f->nrem++;
  }
  for (unsigned i = 0; i < 3; i++) f->count[i] = a->count[i] - f->count[i];
  memcpy(f->bytes, a->buf + start, len);
  f->len = (uint16_t)len;
}

int dnsquery_frag_put (dnsquery_ans *a, dnsquery_frag const *f, size_t zoff)
{
  unsigned char *p = a->buf + a->len;
  /* past 0x4000 a name written the long way is not remembered: no pointers to it */
  if (!f->len || a->ncomp != f->ncomp0 || a->len + f->len > a->limit || a->len + f->len >= 0x4000) return 0;
  memcpy(p, f->bytes, f->len);
  for (unsigned i = 0; i < f->nptr; i++)
    put16(p + f->ptr[i].at, 0xc000 | (unsigned)((f->ptr[i].self ? a->len : zoff) + f->ptr[i].rel));
  /* the same compression state had room for them when f was recorded */
  for (unsigned i = 0; i < f->nrem; i++)
  {
    a->comp[a->ncomp + i].dn = f->rem[i].dn;
    a->comp[a->ncomp + i].len = f->rem[i].len;
    a->comp[a->ncomp + i].off = (uint16_t)(a->len + f->rem[i].rel);
  }
  a->ncomp += f->nrem;
  for (unsigned i = 0; i < 4; i++) a->lens[i] |= f->lens[i];
  for (unsigned i = 0; i < 3; i++) a->count[i] += f->count[i];
  a->len += f->len;
  return 1;
}

size_t dnsquery_ans_finish (dnsquery_ans *a, dnsquery const *q)
{
  unsigned char *h = a->buf;
  if (a->len > DNSQUERY_UDP_MAX && q->edns)
  {
    /* room for it was kept: limits are set DNSQUERY_OPT_LEN below the buffer's end */
    unsigned char *p = h + a->len;
    p[0] = 0;
    put16(p + 1, DNSQUERY_TYPE_OPT);
    put16(p + 3, DNSQUERY_EDNS_MAX);
    memset(p + 5, 0, 6);
    a->len += DNSQUERY_OPT_LEN;
    a->count[DNSQUERY_AR]++;
  }
  put16(h + 6, a->count[DNSQUERY_AN]);
  put16(h + 8, a->count[DNSQUERY_NS]);
  put16(h + 10, a->count[DNSQUERY_AR]);
  return a->len;
}

size_t dnsquery_name_fmt (char *dst, size_t max, unsigned char const *name, size_t namelen)
{
  size_t w = 0, p = 0;
  if (!namelen) return 0;
  if (!name[0])
  {
    if (!max) return 0;
    dst[0] = '.';
    return 1;
  }
  while (p < namelen && name[p])
  {
    unsigned l = name[p++];
    if (w)
    {
      if (w >= max) return 0;
      dst[w++] = '.';
    }
    for (unsigned i = 0; i < l && p < namelen; i++, p++)
    {
      unsigned char c = name[p];
      if (c > 32 && c < 127 && c != '.' && c != '\\')
      {
        if (w >= max) return 0;
        dst[w++] = (char)c;
      }
      else
      {
        if (w + 4 > max) return 0;
        dst[w++] = '\\';
        dst[w++] = (char)('0' + c / 100);
        dst[w++] = (char)('0' + c / 10 % 10);
        dst[w++] = (char)('0' + c % 10);
      }
    }
  }
  return w;
}

static size_t putstr (char *dst, size_t max, size_t w, char const *s)
{
  size_t l = strlen(s);
  if (!w || w + l > max) return 0;
  memcpy(dst + w, s, l);
  return w + l;
}

static size_t putuint (char *dst, size_t max, size_t w, unsigned long v)
{
  char t[24];
  size_t n = 0;
  do t[n++] = (char)('0' + v % 10); while (v /= 10);
  if (!w || w + n > max) return 0;
  while (n) dst[w++] = t[--n];
  return w;
}

static char const *typename (unsigned t)
{
  switch (t)
  {
    case 1: return "A";
    case 2: return "NS";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 12: return "PTR";
    case 15: return "MX";
    case 16: return "TXT";
    case 28: return "AAAA";
    case 33: return "SRV";
    case 252: return "AXFR";
    case 255: return "ANY";
  }
  return 0;
}

static char const *rcodename (unsigned r)
{
  static char const *const names[6] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };
  return r < 6 ? names[r] : 0;
}

size_t dnsquery_log_fmt (char *dst, size_t max, unsigned char const *ans, size_t len)
{
  size_t p = HDR, w;
  unsigned t, c;
  char const *s;
  if (len < HDR + 5 || get16(ans + 4) != 1) return 0;
  while (p < len && ans[p] && ans[p] < 64) p += ans[p] + 1;
  if (p + 5 > len || ans[p]) return 0;
  w = dnsquery_name_fmt(dst, max, ans + HDR, p + 1 - HDR);
  t = get16(ans + p + 1);
  c = get16(ans + p + 3);
  w = putstr(dst, max, w, " ");
  if ((s = typename(t))) w = putstr(dst, max, w, s);
  else w = putuint(dst, max, putstr(dst, max, w, "TYPE"), t);
  w = putstr(dst, max, w, " ");
  s = c == 1 ? "IN" : c == 3 ? "CH" : c == 255 ? "ANY" : 0;
  if (s) w = putstr(dst, max, w, s);
  else w = putuint(dst, max, putstr(dst, max, w, "CLASS"), c);
  w = putstr(dst, max, w, ": ");
  if ((s = rcodename(ans[3] & 15))) w = putstr(dst, max, w, s);
  else w = putuint(dst, max, putstr(dst, max, w, "RCODE"), ans[3] & 15);
  w = putuint(dst, max, putstr(dst, max, w, "/"), get16(ans + 6));
  w = putuint(dst, max, putstr(dst, max, w, "/"), len);
  return putstr(dst, max, w, "\n");
}
