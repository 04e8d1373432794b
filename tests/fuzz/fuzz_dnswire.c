/* fuzz_dnswire: hostile DNS packets; ASan checks every read, the invariants below the rest. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dnswire.h"


/* a plain (uncompressed) wire name of exactly len bytes */
static int plainname (unsigned char const *name, size_t len)
{
  size_t p = 0;
  if (!len || len > 255) return 0;
  while (p < len && name[p])
  {
    if (name[p] > 63) return 0;
    p += 1 + name[p];
  }
  return p + 1 == len;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  dnswire_answer ans;

  if (dnswire_parse_answer(data, size, &ans))
  {
    if (size < 12) abort();
    if (ans.na > DNSWIRE_A_MAX) abort();
    if (ans.txtlen > DNSWIRE_TXT_MAX) abort();
    if (ans.txttrunc && ans.txtlen != DNSWIRE_TXT_MAX) abort();
    if (ans.ntxt > (unsigned)(data[6] << 8 | data[7])) abort();
    if (ans.na > (unsigned)(data[6] << 8 | data[7])) abort();
    if (ans.rcode != (data[3] & 15) || ans.id != (data[0] << 8 | data[1])) abort();
  }

  /* names from the first few offsets: skip and get agree, stay in bounds */
  for (size_t start = 0; start < size && start < 48; start++)
  {
    unsigned char name[255];
    size_t p1 = start, p2 = start, nl = 0;
    int r1 = dnswire_skipname(data, size, &p1);
    int r2 = dnswire_getname(data, size, &p2, name, &nl);
    if (r1 != r2) abort();
    if (!r1) continue;
    if (p1 != p2 || p1 <= start || p1 > size) abort();
    if (!plainname(name, nl)) abort();
  }

  /* records from offset 12 on, as far as they go */
  {
    size_t pos = 12;
    for (unsigned k = 0; k < 64 && pos < size; k++)
    {
      uint16_t type, cls, rdlen;
      uint32_t ttl;
      size_t rdpos, before = pos;
      if (!dnswire_getrr(data, size, &pos, &type, &cls, &ttl, &rdpos, &rdlen)) break;
      if (pos <= before || pos > size || rdpos + rdlen != pos) abort();
    }
  }

  /* the input as presentation text: valid names come out as plain wire names */
  if (size <= 300)
  {
    unsigned char w[300];
    size_t n = dnswire_name_fromtext(w, sizeof w, (char const *)data, size);
    if (n)
    {
      size_t p = 0;
      if (!plainname(w, n)) abort();
      if (!dnswire_skipname(w, n, &p) || p != n) abort();
    }
  }
  return 0;
}
