/* revname: builds the DNSBL query name for a client address under a list's zone. */

#include <string.h>
#include "revname.h"

#define NAMEMAX 253   /* longest presentation name without its trailing dot */

/* Returns the length of base without its trailing dot, or 0 if invalid. */
static size_t checkbase (char const *base)
{
  size_t n = strlen(base);
  size_t label = 0;
  if (!n || n > NAMEMAX) return 0;
  if (base[n - 1] == '.') n--;
  if (!n) return 0;
  for (size_t i = 0; i < n; i++)
  {
    unsigned char c = (unsigned char)base[i];
    if (c == '.')
    {
      if (!label) return 0;
      label = 0;
    }
    else if (c < 33 || c > 126 || ++label > 63) return 0;
  }
  return label ? n : 0;
}

int revname_checkbase (char const *base)
{
  return checkbase(base) > 0;
}

static size_t fmtbyte (char *dst, uint8_t b)
{
  size_t n = 0;
  if (b >= 100) dst[n++] = (char)('0' + b / 100);
  if (b >= 10) dst[n++] = (char)('0' + b / 10 % 10);
  dst[n++] = (char)('0' + b % 10);
  return n;
}

size_t revname_build (char *dst, size_t max, ipaddr const *a, char const *base)
{
  static char const hex[16] = "0123456789abcdef";
  static uint8_t const mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  char rev[64];   /* 32 nibbles and their dots, or at most "255." four times */
  size_t r = 0;
  size_t blen = checkbase(base);
  if (!blen) return 0;
  /* the project looks IPv4-mapped addresses up as IPv4, whoever built them */
  if (a->is6 && memcmp(a->ip, mapped, 12))
    for (unsigned i = 16; i--;)
    {
      rev[r++] = hex[a->ip[i] & 15];
      rev[r++] = '.';
      rev[r++] = hex[a->ip[i] >> 4];
      rev[r++] = '.';
    }
  else
  {
    uint8_t const *ip = a->is6 ? a->ip + 12 : a->ip;
    for (unsigned i = 4; i--;)
    {
      r += fmtbyte(rev + r, ip[i]);
      rev[r++] = '.';
    }
  }
  if (r + blen > NAMEMAX || r + blen >= max) return 0;
  memcpy(dst, rev, r);
  memcpy(dst + r, base, blen);
  dst[r + blen] = 0;
  return r + blen;
}
