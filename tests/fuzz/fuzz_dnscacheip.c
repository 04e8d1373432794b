/* fuzz_dnscacheip: whatever $DNSCACHEIP parses to survives the c-ares CSV and parses back the same. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "ipaddr.h"
#include "dnscacheip.h"

static int samelist (dnsserver const *x, unsigned nx, dnsserver const *y, unsigned ny)
{
  if (nx != ny) return 0;
  for (unsigned i = 0; i < nx; i++)
    if (x[i].port != y[i].port || x[i].addr.is6 != y[i].addr.is6 || memcmp(x[i].addr.ip, y[i].addr.ip, 16))
      return 0;
  return 1;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char *s;
  dnsserver full[DNSCACHEIP_MAX];
  unsigned n, max;

  if (!size || size > 4096) return 0;
  /* first byte: a smaller max to try; the rest, NUL-terminated, is the variable */
  max = data[0] % (DNSCACHEIP_MAX + 1);
  s = malloc(size);
  memcpy(s, data + 1, size - 1);
  s[size - 1] = 0;

  n = dnscacheip_parse(s, full, DNSCACHEIP_MAX);
  if (n > DNSCACHEIP_MAX) abort();
  for (unsigned i = 0; i < n; i++)
  {
    if (!full[i].port) abort();
    if (full[i].addr.is6 && !memcmp(full[i].addr.ip, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)) abort();
  }

  {
    /* exact-size array: ASan catches a write past max */
    dnsserver *few = malloc((max ? max : 1) * sizeof *few);
    unsigned m = dnscacheip_parse(s, few, max);
    if (m != (n && n <= max ? n : 0)) abort();
    if (m && !samelist(few, m, full, n)) abort();
    free(few);
  }

  if (n)
  {
    char csv[DNSCACHEIP_CSVMAX];
    dnsserver back[DNSCACHEIP_MAX];
    size_t len = dnscacheip_csv(csv, sizeof csv, full, n);
    char *tight;
    if (!len || csv[len] || strlen(csv) != len) abort();
    if (!samelist(full, n, back, dnscacheip_parse(csv, back, DNSCACHEIP_MAX))) abort();
    tight = malloc(len + 1);
    if (dnscacheip_csv(tight, len, full, n) != 0) abort();
    if (dnscacheip_csv(tight, len + 1, full, n) != len || memcmp(tight, csv, len + 1)) abort();
    free(tight);
  }
  free(s);
  return 0;
}
