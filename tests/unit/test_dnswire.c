/* test_dnswire: real response packets built here, well formed and hostile, through the parser. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dnswire.h"
#include "check.h"

/* exported by dnswire.c beyond the header (see the report for the header) */

/* ---- a small packet writer ---- */

typedef struct pkt_s pkt;
struct pkt_s
{
  unsigned char b[8192];
  size_t n;
};

static void p8 (pkt *p, unsigned v) { p->b[p->n++] = (unsigned char)v; }
static void p16 (pkt *p, unsigned v) { p8(p, v >> 8 & 0xff); p8(p, v & 0xff); }
static void p32 (pkt *p, uint32_t v) { p16(p, v >> 16); p16(p, v & 0xffff); }
static void pbytes (pkt *p, void const *s, size_t len) { memcpy(p->b + p->n, s, len); p->n += len; }

/* "a.b.c" as labels; with ptr >= 0 the name ends in a pointer instead of the root */
static void pname (pkt *p, char const *s, int ptr)
{
  while (*s)
  {
    char const *dot = strchr(s, '.');
    size_t l = dot ? (size_t)(dot - s) : strlen(s);
    p8(p, (unsigned)l);
    pbytes(p, s, l);
    s += l;
    if (*s == '.') s++;
  }
  if (ptr >= 0) p16(p, 0xc000u | (unsigned)ptr);
  else p8(p, 0);
}

static void pheader (pkt *p, unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns, unsigned ar)
{
  p->n = 0;
  p16(p, id); p16(p, flags); p16(p, qd); p16(p, an); p16(p, ns); p16(p, ar);
}

static void pquestion (pkt *p, char const *name, unsigned type)
{
  pname(p, name, -1);
  p16(p, type);
  p16(p, DNSWIRE_CLASS_IN);
}

/* owner is a pointer to offset 12 (the question), the usual answer shape */
static size_t prr (pkt *p, unsigned type, unsigned cls, uint32_t ttl)
{
  p16(p, 0xc00c);
  p16(p, type); p16(p, cls); p32(p, ttl);
  p16(p, 0);
  return p->n;
}

static void prr_end (pkt *p, size_t rdstart)
{
  size_t l = p->n - rdstart;
  p->b[rdstart - 2] = (unsigned char)(l >> 8);
  p->b[rdstart - 1] = (unsigned char)l;
}

static void pa (pkt *p, unsigned a, unsigned b, unsigned c, unsigned d)
{
  size_t r = prr(p, DNSWIRE_TYPE_A, DNSWIRE_CLASS_IN, 300);
  p8(p, a); p8(p, b); p8(p, c); p8(p, d);
  prr_end(p, r);
}

/* one TXT record made of the given character-strings (NULL-terminated list) */
static void ptxt (pkt *p, char const *const *strs)
{
  size_t r = prr(p, DNSWIRE_TYPE_TXT, DNSWIRE_CLASS_IN, 300);
  for (; *strs; strs++)
  {
    p8(p, (unsigned)strlen(*strs));
    pbytes(p, *strs, strlen(*strs));
  }
  prr_end(p, r);
}

/* parse from an exact-size heap copy so that ASan sees every out-of-bounds read */
static int parse (unsigned char const *b, size_t len, dnswire_answer *out)
{
  unsigned char *copy = malloc(len ? len : 1);
  int r;
  memcpy(copy, b, len);
  r = dnswire_parse_answer(copy, len, out);
  free(copy);
  return r;
}

static int skipexact (unsigned char const *b, size_t len, size_t *pos)
{
  unsigned char *copy = malloc(len ? len : 1);
  int r;
  memcpy(copy, b, len);
  r = dnswire_skipname(copy, len, pos);
  free(copy);
  return r;
}

/* every strict prefix of a packet whose counts cover all its bytes is malformed */
static int alltruncationsfail (pkt const *p)
{
  for (size_t k = 0; k < p->n; k++)
  {
    dnswire_answer *a = malloc(sizeof *a);
    int r = parse(p->b, k, a);
    free(a);
    if (r) return 0;
  }
  return 1;
}

static int hasa (dnswire_answer const *a, unsigned i, unsigned b0, unsigned b1, unsigned b2, unsigned b3)
{
  return i < a->na && a->a[i][0] == b0 && a->a[i][1] == b1 && a->a[i][2] == b2 && a->a[i][3] == b3;
}

int main (void)
{
  pkt p;
  dnswire_answer ans;

  /* one A answer */
  pheader(&p, 0x1234, 0x8180, 1, 1, 0, 0);
  pquestion(&p, "2.0.0.127.zen.example", DNSWIRE_TYPE_A);
  pa(&p, 127, 0, 0, 2);
  CHECK(parse(p.b, p.n, &ans), "A answer parses");
  CHECK(ans.id == 0x1234 && ans.rcode == 0 && ans.tc == 0, "A answer: id, rcode, tc");
  CHECK(ans.na == 1 && hasa(&ans, 0, 127, 0, 0, 2), "A answer: 127.0.0.2");
  CHECK(ans.ntxt == 0 && ans.txtlen == 0 && !ans.txttrunc, "A answer: no TXT");
  CHECK(alltruncationsfail(&p), "A answer: every truncation rejected");

  /* several A records, and ones that must not count */
  pheader(&p, 1, 0x8180, 1, 7, 0, 0);
  pquestion(&p, "2.0.0.127.zen.example", DNSWIRE_TYPE_A);
  pa(&p, 127, 0, 0, 2);
  { size_t r = prr(&p, DNSWIRE_TYPE_A, DNSWIRE_CLASS_IN, 1); pbytes(&p, "\x7f\0\0\x09\x01", 5); prr_end(&p, r); }
  { size_t r = prr(&p, DNSWIRE_TYPE_A, DNSWIRE_CLASS_IN, 1); pbytes(&p, "\x7f\0\0", 3); prr_end(&p, r); }
  { size_t r = prr(&p, DNSWIRE_TYPE_A, DNSWIRE_CLASS_IN, 1); prr_end(&p, r); }
  { size_t r = prr(&p, DNSWIRE_TYPE_A, 3, 1); pbytes(&p, "\x7f\0\0\x08", 4); prr_end(&p, r); }
  { size_t r = prr(&p, DNSWIRE_TYPE_AAAA, DNSWIRE_CLASS_IN, 1); pbytes(&p, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16); prr_end(&p, r); }
  pa(&p, 127, 0, 0, 4);
  CHECK(parse(p.b, p.n, &ans), "mixed A records parse");
  CHECK(ans.na == 2 && hasa(&ans, 0, 127, 0, 0, 2) && hasa(&ans, 1, 127, 0, 0, 4), "A with rdlength 5, 3, 0, class CH and AAAA not counted");
  CHECK(alltruncationsfail(&p), "mixed A records: every truncation rejected");

  /* more A records than kept */
  pheader(&p, 2, 0x8180, 1, DNSWIRE_A_MAX + 5, 0, 0);
  pquestion(&p, "x.example", DNSWIRE_TYPE_A);
  for (unsigned i = 0; i < DNSWIRE_A_MAX + 5; i++) pa(&p, 127, 0, 1, i);
  CHECK(parse(p.b, p.n, &ans) && ans.na == DNSWIRE_A_MAX, "more than DNSWIRE_A_MAX A records: na == DNSWIRE_A_MAX");
  CHECK(hasa(&ans, 0, 127, 0, 1, 0) && hasa(&ans, DNSWIRE_A_MAX - 1, 127, 0, 1, DNSWIRE_A_MAX - 1), "the first DNSWIRE_A_MAX are kept in order");

  /* several TXT records with several strings */
  pheader(&p, 3, 0x8180, 1, 3, 0, 0);
  pquestion(&p, "2.0.0.127.zen.example", DNSWIRE_TYPE_TXT);
  { static char const *const s[] = { "Listed by ", "zen: ", 0 }; ptxt(&p, s); }
  { static char const *const s[] = { "", "see http://x/", "?ip=127.0.0.2", 0 }; ptxt(&p, s); }
  { static char const *const s[] = { 0 }; ptxt(&p, s); }
  CHECK(parse(p.b, p.n, &ans), "TXT answers parse");
  CHECK(ans.ntxt == 3 && ans.na == 0, "TXT: three records counted, no A");
  CHECK_MEM(ans.txt, ans.txtlen, "Listed by zen: see http://x/?ip=127.0.0.2", "TXT: strings joined with nothing between");
  CHECK(!ans.txttrunc, "TXT: not truncated");
  CHECK(alltruncationsfail(&p), "TXT answers: every truncation rejected");

  /* TXT of another class is skipped */
  pheader(&p, 3, 0x8180, 1, 1, 0, 0);
  pquestion(&p, "version.bind", DNSWIRE_TYPE_TXT);
  { size_t r = prr(&p, DNSWIRE_TYPE_TXT, 3, 0); pbytes(&p, "\x03" "abc", 4); prr_end(&p, r); }
  CHECK(parse(p.b, p.n, &ans) && ans.ntxt == 0 && ans.txtlen == 0, "TXT class CH not counted");

  /* a character-string that runs past its record is malformed, even inside the packet */
  pheader(&p, 4, 0x8180, 1, 2, 0, 0);
  pquestion(&p, "t.example", DNSWIRE_TYPE_TXT);
  { size_t r = prr(&p, DNSWIRE_TYPE_TXT, DNSWIRE_CLASS_IN, 0); pbytes(&p, "\x05" "abc", 4); prr_end(&p, r); }
  { static char const *const s[] = { "padding here", 0 }; ptxt(&p, s); }
  CHECK(!parse(p.b, p.n, &ans), "TXT string longer than its rdata rejected");

  /* TXT text beyond DNSWIRE_TXT_MAX */
  {
    char big[256];
    static unsigned const totals[] = { DNSWIRE_TXT_MAX - 1, DNSWIRE_TXT_MAX, DNSWIRE_TXT_MAX + 1, 5 * 255 };
    for (unsigned t = 0; t < sizeof totals / sizeof totals[0]; t++)
    {
      unsigned left = totals[t], k = 0, mismatch = 0;
      pheader(&p, 5, 0x8180, 1, 0, 0, 0);
      pquestion(&p, "big.example", DNSWIRE_TYPE_TXT);
      while (left)
      {
        unsigned l = left > 255 ? 255 : left;
        const char *s[2] = { big, 0 };
        for (unsigned i = 0; i < l; i++) big[i] = (char)('A' + (k + i) % 26);
        big[l] = 0;
        ptxt(&p, s);
        p.b[7]++;
        k += l;
        left -= l;
      }
      CHECK(parse(p.b, p.n, &ans), "long TXT parses");
      for (unsigned i = 0; i < ans.txtlen; i++) if (ans.txt[i] != (char)('A' + i % 26)) mismatch++;
      if (totals[t] > DNSWIRE_TXT_MAX)
        CHECK(ans.txtlen == DNSWIRE_TXT_MAX && ans.txttrunc == 1 && !mismatch, "TXT longer than DNSWIRE_TXT_MAX: cut there, txttrunc set");
      else
        CHECK(ans.txtlen == totals[t] && ans.txttrunc == 0 && !mismatch, "TXT up to DNSWIRE_TXT_MAX: kept whole, txttrunc clear");
    }
  }

  /* CNAME then A */
  pheader(&p, 6, 0x8180, 1, 2, 0, 0);
  pquestion(&p, "2.0.0.127.alias.example", DNSWIRE_TYPE_A);
  {
    size_t r = prr(&p, DNSWIRE_TYPE_CNAME, DNSWIRE_CLASS_IN, 60);
    size_t target = p.n;
    pname(&p, "2.0.0.127.real", 12 + 10 + 6);   /* "real" + the question's "example" */
    prr_end(&p, r);
    p16(&p, 0xc000u | (unsigned)target);
    p16(&p, DNSWIRE_TYPE_A); p16(&p, DNSWIRE_CLASS_IN); p32(&p, 60); p16(&p, 4);
    pbytes(&p, "\x7f\0\0\x03", 4);
  }
  CHECK(parse(p.b, p.n, &ans) && ans.na == 1 && hasa(&ans, 0, 127, 0, 0, 3), "CNAME then A: the A is counted");
  CHECK(alltruncationsfail(&p), "CNAME then A: every truncation rejected");
  {
    unsigned char name[255];
    size_t pos = 12 + 25 + 4 + 12, nl = 0;   /* the CNAME's rdata */
    static unsigned char const want[] = "\x01" "2" "\x01" "0" "\x01" "0" "\x03" "127" "\x04" "real" "\x07" "example";
    CHECK(dnswire_getname(p.b, p.n, &pos, name, &nl) && nl == sizeof want && !memcmp(name, want, nl), "getname expands a compressed name");
    CHECK(pos == 12 + 25 + 4 + 12 + 15 + 2, "getname leaves pos after the pointer");
  }

  /* compression: owner names pointing into the question, chained pointers */
  pheader(&p, 7, 0x8180, 1, 2, 0, 0);
  pquestion(&p, "a.b.example", DNSWIRE_TYPE_A);
  {
    size_t own;
    p16(&p, 0xc000 | 14);   /* "b.example" inside the question */
    p16(&p, DNSWIRE_TYPE_A); p16(&p, DNSWIRE_CLASS_IN); p32(&p, 1); p16(&p, 4); pbytes(&p, "\x7f\0\0\x05", 4);
    own = p.n;
    pname(&p, "c", 12 + 13 + 4);   /* "c" + the first answer's owner, itself a pointer */
    p16(&p, DNSWIRE_TYPE_A); p16(&p, DNSWIRE_CLASS_IN); p32(&p, 1); p16(&p, 4); pbytes(&p, "\x7f\0\0\x06", 4);
    CHECK(parse(p.b, p.n, &ans) && ans.na == 2 && hasa(&ans, 1, 127, 0, 0, 6), "pointer to a suffix and pointer to a pointer");
    {
      unsigned char name[255];
      size_t pos = own, nl;
      CHECK(dnswire_getname(p.b, p.n, &pos, name, &nl) && nl == 2 + 2 + 8 + 1 && !memcmp(name, "\x01" "c" "\x01" "b" "\x07" "example", nl), "getname follows two pointers");
      CHECK(pos == own + 4, "after a chain, pos is just past the first pointer");
    }
    CHECK(alltruncationsfail(&p), "compressed answers: every truncation rejected");
  }

  /* loops and forward pointers */
  pheader(&p, 8, 0x8180, 1, 0, 0, 0);
  p16(&p, 0xc00c);   /* question name pointing at itself */
  p16(&p, 1); p16(&p, 1);
  CHECK(!parse(p.b, p.n, &ans), "pointer to itself rejected");

  pheader(&p, 8, 0x8180, 1, 0, 0, 0);
  p8(&p, 1); p8(&p, 'x'); p16(&p, 0xc00c);   /* label, then back to that label: points backwards, loops */
  p16(&p, 1); p16(&p, 1);
  CHECK(!parse(p.b, p.n, &ans), "backward pointer into the same name (a loop) rejected");

  pheader(&p, 8, 0x8180, 1, 1, 0, 0);
  pquestion(&p, "q.example", DNSWIRE_TYPE_A);
  p16(&p, 0xc000u | (unsigned)(p.n + 12));   /* forward: to the A data below */
  p16(&p, 1); p16(&p, 1); p32(&p, 1); p16(&p, 4); pbytes(&p, "\0\0\0\0", 4);
  CHECK(!parse(p.b, p.n, &ans), "forward pointer rejected");

  pheader(&p, 8, 0x8180, 1, 1, 0, 0);
  pquestion(&p, "q.example", DNSWIRE_TYPE_A);
  p16(&p, 0xc000u | 0x3fff);
  p16(&p, 1); p16(&p, 1); p32(&p, 1); p16(&p, 4); pbytes(&p, "\0\0\0\0", 4);
  CHECK(!parse(p.b, p.n, &ans), "pointer past the end rejected");

  /* a pointer behind itself but inside its own name: it would end here (on the
     0 byte inside the label), yet re-reading the name's own bytes is refused */
  {
    unsigned char m[] = { 2, 'a', 0, 0xc0, 2 };
    size_t pos = 0;
    CHECK(!skipexact(m, sizeof m, &pos), "pointer into the name's own earlier bytes rejected");
    pos = 3;
    CHECK(skipexact(m, sizeof m, &pos) && pos == 5, "same pointer from a later name accepted");
  }

  /* two names pointing at each other: A -> B is backwards, B -> A forwards */
  {
    unsigned char m[] = { 1, 'a', 0xc0, 4, 1, 'b', 0xc0, 0 };
    size_t pos = 4;
    CHECK(!skipexact(m, sizeof m, &pos), "two-pointer loop rejected");
    pos = 0;
    CHECK(!skipexact(m, sizeof m, &pos), "two-pointer loop rejected from the other end");
  }

  /* long pointer chains: each pointer to the one before it */
  {
    static unsigned const hops[] = { 1, 8, 40, 200, 2000 };
    for (unsigned h = 0; h < sizeof hops / sizeof hops[0]; h++)
    {
      unsigned char *m = malloc(2 * hops[h] + 2);
      size_t pos = 2 * hops[h];
      int r;
      m[0] = 0; m[1] = 0;
      for (unsigned k = 1; k <= hops[h]; k++) { m[2 * k] = (unsigned char)(0xc0 | (2 * (k - 1)) >> 8); m[2 * k + 1] = (unsigned char)(2 * (k - 1)); }
      r = dnswire_skipname(m, 2 * hops[h] + 2, &pos);
      snprintf((char *)p.b, 100, "pointer chain of %u hops %s", hops[h], hops[h] <= 40 ? "accepted" : "rejected");
      CHECK(hops[h] <= 40 ? r && pos == 2 * hops[h] + 2 : !r, (char *)p.b);
      free(m);
    }
  }

  /* names: label types, length limits */
  {
    unsigned char m[600];
    size_t n = 0, pos;
    for (unsigned i = 0; i < 3; i++) { m[n++] = 63; memset(m + n, 'a', 63); n += 63; }
    m[n++] = 61; memset(m + n, 'b', 61); n += 61; m[n++] = 0;
    pos = 0;
    CHECK(n == 255 && skipexact(m, n, &pos) && pos == 255, "255-byte name accepted");
    m[192] = 62; m[254] = 'b'; m[255] = 0; n = 256;
    pos = 0;
    CHECK(!skipexact(m, n, &pos), "256-byte name rejected");
    {
      /* enough bytes follow that a 64- or 128-byte label would fit */
      unsigned char lt[200];
      memset(lt, 0, sizeof lt);
      lt[0] = 0x40;
      pos = 0;
      CHECK(!skipexact(lt, sizeof lt, &pos), "label type 0x40 rejected");
      lt[0] = 0x80;
      pos = 0;
      CHECK(!skipexact(lt, sizeof lt, &pos), "label type 0x80 rejected");
      lt[0] = 63;
      pos = 0;
      CHECK(skipexact(lt, sizeof lt, &pos) && pos == 65, "63-byte label accepted");
    }
    {
      unsigned char root[] = { 0 };
      pos = 0;
      CHECK(skipexact(root, 1, &pos) && pos == 1, "root name accepted");
      pos = 1;
      CHECK(!skipexact(root, 1, &pos), "name starting at len rejected");
      pos = 0;
      CHECK(!skipexact(root, 0, &pos), "empty buffer rejected");
    }
    {
      unsigned char half[] = { 0, 0xc0 };
      pos = 1;
      CHECK(!skipexact(half, 2, &pos), "pointer cut in half rejected");
    }
  }

  /* counts larger than the packet */
  pheader(&p, 9, 0x8180, 1, 5, 0, 0);
  pquestion(&p, "x.example", DNSWIRE_TYPE_A);
  pa(&p, 127, 0, 0, 2);
  CHECK(!parse(p.b, p.n, &ans), "ancount 5 with one answer rejected");
  pheader(&p, 9, 0x8180, 0xffff, 0, 0, 0);
  pquestion(&p, "x.example", DNSWIRE_TYPE_A);
  CHECK(!parse(p.b, p.n, &ans), "qdcount 65535 with one question rejected");
  pheader(&p, 9, 0x8180, 1, 1, 0, 0);
  pquestion(&p, "x.example", DNSWIRE_TYPE_A);
  { size_t r = prr(&p, DNSWIRE_TYPE_A, DNSWIRE_CLASS_IN, 1); pbytes(&p, "\x7f\0\0\x02", 4); prr_end(&p, r); p.b[r - 1] = 200; }
  CHECK(!parse(p.b, p.n, &ans), "rdlength past the end rejected");

  /* header only, and the NXDOMAIN / TC shapes */
  for (size_t k = 0; k < 12; k++)
  {
    unsigned char h[12] = { 0 };
    snprintf((char *)p.b, 100, "%zu-byte packet rejected", k);
    CHECK(!parse(h, k, &ans), (char *)p.b);
  }
  pheader(&p, 0xbeef, 0x8183, 1, 0, 0, 0);
  pquestion(&p, "9.9.9.9.zen.example", DNSWIRE_TYPE_A);
  CHECK(parse(p.b, p.n, &ans) && ans.rcode == 3 && ans.id == 0xbeef && ans.na == 0 && ans.ntxt == 0, "NXDOMAIN: rcode 3, no records");
  CHECK(alltruncationsfail(&p), "NXDOMAIN: every truncation rejected");
  pheader(&p, 1, 0x8182, 1, 0, 0, 0);
  pquestion(&p, "x.example", DNSWIRE_TYPE_A);
  CHECK(parse(p.b, p.n, &ans) && ans.rcode == 2 && ans.tc == 0, "SERVFAIL: rcode 2");
  pheader(&p, 1, 0x8380, 1, 0, 0, 0);
  pquestion(&p, "x.example", DNSWIRE_TYPE_A);
  CHECK(parse(p.b, p.n, &ans) && ans.tc == 1 && ans.rcode == 0, "TC bit reported");
  pheader(&p, 1, 0x8180, 0, 0, 0, 0);
  CHECK(parse(p.b, p.n, &ans) && ans.na == 0, "bare 12-byte header with zero counts parses");

  /* authority and additional sections are not read */
  pheader(&p, 10, 0x8180, 1, 1, 1, 1);
  pquestion(&p, "x.example", DNSWIRE_TYPE_A);
  pa(&p, 127, 0, 0, 2);
  pbytes(&p, "\xc0\xff garbage", 10);
  CHECK(parse(p.b, p.n, &ans) && ans.na == 1, "bytes after the answer section are ignored");

  /* the result fields are reset on every call */
  pheader(&p, 11, 0x8180, 1, 0, 0, 0);
  pquestion(&p, "x.example", DNSWIRE_TYPE_A);
  memset(&ans, 0x55, sizeof ans);
  CHECK(parse(p.b, p.n, &ans) && ans.na == 0 && ans.ntxt == 0 && ans.txtlen == 0 && ans.txttrunc == 0, "counts start at zero");

  /* getrr */
  pheader(&p, 12, 0x8180, 1, 1, 0, 0);
  pquestion(&p, "x.example", DNSWIRE_TYPE_TXT);
  { static char const *const s[] = { "hi", 0 }; ptxt(&p, s); }
  {
    size_t pos = 12 + 11 + 4, rdpos = 0;
    uint16_t type = 0, cls = 0, rdlen = 0;
    uint32_t ttl = 0;
    CHECK(dnswire_getrr(p.b, p.n, &pos, &type, &cls, &ttl, &rdpos, &rdlen), "getrr reads a TXT record");
    CHECK(type == DNSWIRE_TYPE_TXT && cls == DNSWIRE_CLASS_IN && ttl == 300 && rdlen == 3 && rdpos == 12 + 11 + 4 + 12 && pos == p.n, "getrr fields");
    pos = 12 + 11 + 4;
    CHECK(!dnswire_getrr(p.b, p.n - 1, &pos, &type, &cls, &ttl, &rdpos, &rdlen), "getrr refuses a cut record");
  }

  /* name_fromtext */
  {
    struct { char const *s; char const *wire; size_t wl; } const ft[] =
    {
      { "zen.example", "\x03" "zen" "\x07" "example", 13 },
      { "zen.example.", "\x03" "zen" "\x07" "example", 13 },
      { ".", "", 1 },
      { "a", "\x01" "a", 3 },
      { "", 0, 0 },
      { "..", 0, 0 },
      { ".a", 0, 0 },
      { "a..", 0, 0 },
      { "a..b", 0, 0 },
    };
    unsigned char w[300];
    for (size_t i = 0; i < sizeof ft / sizeof ft[0]; i++)
    {
      size_t n = dnswire_name_fromtext(w, sizeof w, ft[i].s, strlen(ft[i].s));
      snprintf((char *)p.b, 100, "name_fromtext \"%s\"", ft[i].s);
      CHECK(ft[i].wire ? n == ft[i].wl && !memcmp(w, ft[i].wire, n) : n == 0, (char *)p.b);
    }
    {
      char t[300];
      memset(t, 'a', 63); t[63] = 0;
      CHECK(dnswire_name_fromtext(w, sizeof w, t, 63) == 65, "name_fromtext: 63-byte label");
      memset(t, 'a', 64);
      CHECK(!dnswire_name_fromtext(w, sizeof w, t, 64), "name_fromtext: 64-byte label refused");
      /* 3 x 63 + 61 with dots: 253 text bytes, 255 wire bytes */
      memset(t, 'a', 253); t[63] = t[127] = t[191] = '.';
      CHECK(dnswire_name_fromtext(w, sizeof w, t, 253) == 255, "name_fromtext: 253-byte name gives 255 wire bytes");
      t[253] = 'a';
      CHECK(!dnswire_name_fromtext(w, sizeof w, t, 254), "name_fromtext: 254-byte name refused");
      CHECK(dnswire_name_fromtext(w, 13, "zen.example", 11) == 13, "name_fromtext: exact max");
      CHECK(!dnswire_name_fromtext(w, 12, "zen.example", 11), "name_fromtext: max one short refused");
    }
  }

  CHECK_DONE();
}
