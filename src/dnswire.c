/* dnswire: reads DNS messages without trusting a single byte of them. */

#include <string.h>
#include "dnswire.h"

#define NAMEMAX 255   /* wire length of a name, root label included (RFC 1035 3.1) */
#define HOPSMAX 64    /* compression pointers followed in one name; real names use one or two */

static uint16_t get16 (unsigned char const *p)
{
  return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32 (unsigned char const *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Each pointer must land before every byte read so far for this name, not
   merely before itself: a pointer just behind itself re-reads its own labels
   forever. With strictly decreasing targets the walk always ends; the hop and
   length caps bound the work on top of that. */
static int getname (unsigned char const *msg, size_t len, size_t *pos, unsigned char *name, size_t *namelen)
{
  size_t p = *pos;
  size_t floor = p;   /* lowest offset read so far */
  size_t after = 0;   /* where the name ends in the message, once a pointer was taken */
  size_t total = 0;
  unsigned hops = 0;
  for (;;)
  {
    unsigned c;
    if (p >= len) return 0;
    c = msg[p];
    if ((c & 0xc0) == 0xc0)
    {
      size_t target;
      if (p + 1 >= len) return 0;
      target = (size_t)(c & 0x3f) << 8 | msg[p + 1];
      if (target >= floor || ++hops > HOPSMAX) return 0;
      if (hops == 1) after = p + 2;
      p = floor = target;
      continue;
    }
    if (c & 0xc0) return 0;   /* 0x40 and 0x80 label types are obsolete or unassigned */
    if (total + c + 1 > NAMEMAX) return 0;
    if (!c) break;
    if (c + 1 > len - p) return 0;
    if (name) memcpy(name + total, msg + p, c + 1);
    total += c + 1;
    p += c + 1;
  }
  if (name) name[total] = 0;
  if (namelen) *namelen = total + 1;
  *pos = hops ? after : p + 1;
  return 1;
}

int dnswire_skipname (unsigned char const *msg, size_t len, size_t *pos)
{
  return getname(msg, len, pos, 0, 0);
}

/* Copies the name at msg[*pos] into name (at least 255 bytes) in plain,
   uncompressed wire form and sets *namelen to its length, root label
   included. Same rules and return value as dnswire_skipname. */
int dnswire_getname (unsigned char const *msg, size_t len, size_t *pos, unsigned char *name, size_t *namelen)
{
  return getname(msg, len, pos, name, namelen);
}

/* Reads the resource record at msg[*pos]: owner name (skipped), type, class,
   TTL, and where its data lies (msg[*rdpos .. *rdpos + *rdlen), checked to
   be inside len). *pos moves past the record. Returns 1, or 0 if the record
   is malformed or truncated. */
int dnswire_getrr (unsigned char const *msg, size_t len, size_t *pos, uint16_t *type, uint16_t *cls, uint32_t *ttl, size_t *rdpos, uint16_t *rdlen)
{
  size_t p = *pos;
  uint16_t n;
  if (!getname(msg, len, &p, 0, 0) || len - p < 10) return 0;
  n = get16(msg + p + 8);
  if (n > len - p - 10) return 0;
  *type = get16(msg + p);
  *cls = get16(msg + p + 2);
  *ttl = get32(msg + p + 4);
  *rdpos = p + 10;
  *rdlen = n;
  *pos = p + 10 + n;
  return 1;
}

/* Presentation name s[0..len) to wire form in dst: labels of 1..63 bytes
   separated by dots, an optional trailing dot, "." alone for the root. No
   escapes: every byte but the dot is taken as it is. Returns the wire
   length (at most 255), or 0 if the name is invalid or does not fit in max. */
size_t dnswire_name_fromtext (unsigned char *dst, size_t max, char const *s, size_t len)
{
  size_t w = 0;
  size_t i = 0;
  if (len == 1 && s[0] == '.') len = 0;
  else if (!len) return 0;
  else if (s[len - 1] == '.') len--;
  while (i < len)
  {
    char const *dot = memchr(s + i, '.', len - i);
    size_t l = dot ? (size_t)(dot - s) - i : len - i;
    if (!l || l > 63 || w + l + 2 > NAMEMAX || w + l + 2 > max) return 0;
    dst[w] = (unsigned char)l;
    memcpy(dst + w + 1, s + i, l);
    w += l + 1;
    i += l + 1;
    if (dot && i == len) return 0;   /* "a..": an empty label before the trailing dot */
  }
  if (w + 1 > max) return 0;
  dst[w++] = 0;
  return w;
}

static int addtxt (dnswire_answer *out, unsigned char const *msg, size_t p, size_t end)
{
  while (p < end)
  {
    size_t l = msg[p++];
    size_t keep = DNSWIRE_TXT_MAX - out->txtlen;
    if (l > end - p) return 0;
    if (l > keep) out->txttrunc = 1;
    else keep = l;
    memcpy(out->txt + out->txtlen, msg + p, keep);
    out->txtlen += keep;
    p += l;
  }
  return 1;
}

int dnswire_parse_answer (unsigned char const *msg, size_t len, dnswire_answer *out)
{
  size_t pos = 12;
  unsigned qd, an;
  out->na = 0;
  out->ntxt = 0;
  out->txtlen = 0;
  out->txttrunc = 0;
  if (len < 12) return 0;
  out->id = get16(msg);
  out->tc = (msg[2] >> 1) & 1;
  out->rcode = msg[3] & 15;
  qd = get16(msg + 4);
  an = get16(msg + 6);
  while (qd--)
  {
    if (!getname(msg, len, &pos, 0, 0) || len - pos < 4) return 0;
    pos += 4;
  }
  while (an--)
  {
    uint16_t type, cls, rdlen;
    uint32_t ttl;
    size_t rdpos;
    if (!dnswire_getrr(msg, len, &pos, &type, &cls, &ttl, &rdpos, &rdlen)) return 0;
    if (cls != DNSWIRE_CLASS_IN) continue;
    if (type == DNSWIRE_TYPE_A && rdlen == 4)
    {
      if (out->na < DNSWIRE_A_MAX) memcpy(out->a[out->na++], msg + rdpos, 4);
    }
    else if (type == DNSWIRE_TYPE_TXT)
    {
      if (!addtxt(out, msg, rdpos, rdpos + rdlen)) return 0;
      out->ntxt++;
    }
  }
  return 1;
}
