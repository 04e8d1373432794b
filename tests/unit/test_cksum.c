/* test_cksum: the CRC of POSIX cksum, against known values and against /usr/bin/cksum itself. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cksum.h"
#include "check.h"

/* what /usr/bin/cksum says for buf; 0 and *ok = 0 if it could not run */
static unsigned long ref (unsigned char const *buf, size_t len, unsigned long long *n, int *ok)
{
  char path[] = "/tmp/test_cksum.XXXXXX", cmd[64];
  int fd = mkstemp(path);
  FILE *p;
  unsigned long c = 0;
  *ok = 0;
  if (fd < 0) return 0;
  if (write(fd, buf, len) != (ssize_t)len) { close(fd); unlink(path); return 0; }
  close(fd);
  snprintf(cmd, sizeof(cmd), "/usr/bin/cksum < %s", path);
  p = popen(cmd, "r");
  if (p)
  {
    if (fscanf(p, "%lu %llu", &c, n) == 2) *ok = 1;
    pclose(p);
  }
  unlink(path);
  return c;
}

/* the CRC one bit at a time, as the definition says */
static uint32_t slow (uint32_t crc, unsigned char const *p, size_t len)
{
  while (len--)
  {
    crc ^= (uint32_t)*p++ << 24;
    for (int i = 0; i < 8; i++) crc = crc & 0x80000000U ? (crc << 1) ^ 0x04C11DB7U : crc << 1;
  }
  return crc;
}

int main (void)
{
  static unsigned char big[300000];
  unsigned long x = 12345;
  int all = 1, ok;

  CHECK(cksum_buf("", 0) == 4294967295U, "empty input: 4294967295, as cksum < /dev/null");
  CHECK(cksum_buf("123456789", 9) == 930766865U, "the check string 123456789");
  CHECK(cksum_buf("a", 1) == 1220704766U, "one byte");

  for (size_t i = 0; i < sizeof(big); i++)
  {
    x = x * 1103515245 + 12345;
    big[i] = (unsigned char)(x >> 16);
  }

  /* lengths around the 8-byte stride and the length bytes cksum appends */
  {
    static size_t const lens[] = { 1, 7, 8, 9, 15, 16, 17, 255, 256, 257, 65535, 65536, 65537, 299990 };
    for (size_t i = 0; i < sizeof(lens) / sizeof(*lens); i++)
    {
      unsigned long long n = 0;
      unsigned long r = ref(big + 3, lens[i], &n, &ok);
      if (!ok || n != lens[i] || r != cksum_buf(big + 3, lens[i])) all = 0;
    }
  }
  CHECK(all, "agrees with /usr/bin/cksum on random data of 14 lengths, unaligned");

  /* feeding in pieces gives the same CRC as one call */
  all = 1;
  for (size_t cut = 0; cut < 40; cut++)
  {
    uint32_t c = cksum_update(CKSUM_INIT, big, cut);
    c = cksum_update(c, big + cut, 1000 - cut);
    if (cksum_final(c, 1000) != cksum_buf(big, 1000)) all = 0;
  }
  CHECK(all, "incremental updates split anywhere give the one-call value");

  /* every length around the table/folding switch and the 64-byte stride, with a running CRC */
  all = 1;
  for (size_t n = 0; n < 700; n++)
    for (size_t off = 0; off < 3; off++)
    {
      uint32_t start = (uint32_t)(n * 2654435761U);
      if (cksum_update(start, big + off, n) != slow(start, big + off, n)) all = 0;
    }
  CHECK(all, "cksum_update equals the bit-at-a-time CRC for lengths 0..699, any start value");
  CHECK(cksum_update(0, big, sizeof(big) - 1) == slow(0, big, sizeof(big) - 1), "and on 300 kB");

  CHECK(cksum_buf(big, 1000) != cksum_buf(big, 999), "one byte less changes the value");
  big[500] ^= 1;
  {
    unsigned long long n;
    unsigned long r = ref(big, 1000, &n, &ok);
    CHECK(ok && r == cksum_buf(big, 1000), "a flipped bit: still equal to cksum(1)");
  }
  CHECK_DONE();
}
