/* fuzz_revname: query names stay within max and 253 bytes, NUL-terminated, and spell the address. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ipaddr.h"
#include "revname.h"

/* the expected reversed prefix, written independently with snprintf */
static size_t refprefix (char *out, ipaddr const *a)
{
  size_t w = 0;
  int mapped = a->is6 && !memcmp(a->ip, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12);
  if (a->is6 && !mapped)
    for (int i = 15; i >= 0; i--)
      w += (size_t)snprintf(out + w, 80 - w, "%x.%x.", a->ip[i] & 15, a->ip[i] >> 4);
  else
  {
    uint8_t const *ip = a->is6 ? a->ip + 12 : a->ip;
    w = (size_t)snprintf(out, 80, "%u.%u.%u.%u.", ip[3], ip[2], ip[1], ip[0]);
  }
  return w;
}

/* input: flags byte, 16 address bytes, max byte pair, then the base text */
int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  ipaddr a;
  char base[600], pre[80];
  size_t max, blen, n, plen;
  char *dst;
  int valid;

  if (size < 19 || size - 19 >= sizeof base) return 0;
  a.is6 = data[0] & 1;
  memcpy(a.ip, data + 1, 16);
  if (data[0] & 2) memcpy(a.ip, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12);
  max = ((size_t)data[17] << 8 | data[18]) % 300;
  memcpy(base, data + 19, size - 19);
  base[size - 19] = 0;
  blen = strlen(base);

  valid = revname_checkbase(base);
  dst = malloc(max ? max : 1);   /* exact size: ASan catches any write at or past max */
  n = revname_build(dst, max, &a, base);
  plen = refprefix(pre, &a);

  if (n)
  {
    size_t bl = blen;
    if (!valid) abort();
    if (n > 253 || n >= max || dst[n] || strlen(dst) != n) abort();
    if (base[bl - 1] == '.') bl--;
    if (n != plen + bl || memcmp(dst, pre, plen) || memcmp(dst + plen, base, bl)) abort();
  }
  else if (valid)
  {
    size_t bl = blen - (base[blen - 1] == '.');
    if (plen + bl <= 253 && plen + bl < max) abort();   /* it fitted and was refused */
  }

  /* checkbase agrees with a direct reading of its rule */
  {
    size_t bl = blen, label = 0;
    int ok = blen >= 1 && blen <= 253;
    if (ok && base[bl - 1] == '.') bl--;
    if (!bl) ok = 0;
    for (size_t i = 0; ok && i < bl; i++)
    {
      unsigned char c = (unsigned char)base[i];
      if (c == '.') { if (!label) ok = 0; label = 0; }
      else if (c <= ' ' || c >= 127 || ++label > 63) ok = 0;
    }
    if (ok && !label) ok = 0;
    if (ok != valid) abort();
  }
  free(dst);
  return 0;
}
