/* revname: DNSBL query names, the reversed client address under a list's zone. Pure. */
#ifndef RBLGATE_REVNAME_H
#define RBLGATE_REVNAME_H

#include <stddef.h>
#include "ipaddr.h"

#define REVNAME_MAX 256   /* 255-byte presentation name + NUL */

/* 1 if base is usable as a list zone: labels of 1..63 bytes of printable
   ASCII other than space, separated by single dots, at most one trailing dot,
   at most 253 bytes. The empty string is invalid. */
extern int revname_checkbase (char const *base);

/* Writes "d.c.b.a.BASE" (IPv4) or the 32 reversed nibbles "x.x....x.BASE"
   (IPv6, lower-case hex) into dst, NUL-terminated, without a trailing dot
   (a trailing dot on base is dropped). Returns the length without the NUL,
   or 0 if base is invalid or the name does not fit in max or in 253 bytes. */
extern size_t revname_build (char *dst, size_t max, ipaddr const *a, char const *base);

#endif
