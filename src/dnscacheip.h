/* dnscacheip: the $DNSCACHEIP resolver list, in djb's form and ours. Pure. */
#ifndef RBLGATE_DNSCACHEIP_H
#define RBLGATE_DNSCACHEIP_H

#include <stddef.h>
#include <stdint.h>
#include "ipaddr.h"

#define DNSCACHEIP_MAX 16
#define DNSCACHEIP_CSVMAX (DNSCACHEIP_MAX * (IPADDR_FMT + 9))

typedef struct dnsserver_s dnsserver;
struct dnsserver_s
{
  ipaddr addr;
  uint16_t port;
};

/* Parses s: items separated by commas, spaces or tabs (runs of separators
   count as one; leading and trailing ones are ignored). Each item is one of
     a.b.c.d[.e.f.g.h ...]   djb's form: IPv4 addresses joined by dots
     a.b.c.d:port
     IPv6 address (bare)
     [IPv6 address] or [IPv6 address]:port
   Ports are 1..65535, default 53. Addresses follow ipaddr_scan.
   Returns the number of servers stored in out (1..max), or 0 if s is empty,
   any item is malformed, or there are more than max servers. */
extern unsigned dnscacheip_parse (char const *s, dnsserver *out, unsigned max);

/* c-ares server CSV: "a.b.c.d:53,[v6]:5300". NUL-terminated.
   Returns the length without the NUL, or 0 if it does not fit in max. */
extern size_t dnscacheip_csv (char *dst, size_t max, dnsserver const *srv, unsigned n);

#endif
