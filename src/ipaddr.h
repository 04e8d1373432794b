/* ipaddr: strict text <-> binary for client addresses (IPv4, IPv6, IPv4-mapped). Pure. */
#ifndef RBLGATE_IPADDR_H
#define RBLGATE_IPADDR_H

#include <stddef.h>
#include <stdint.h>

#define IPADDR_FMT 46   /* longest text form, without NUL */

typedef struct ipaddr_s ipaddr;
struct ipaddr_s
{
  uint8_t is6;          /* 0: IPv4 in ip[0..4), 1: IPv6 in ip[0..16) */
  uint8_t ip[16];
};
#define IPADDR_ZERO { .is6 = 0, .ip = { 0 } }

/* Parses exactly s[0..len). IPv4: dotted quad, four decimal parts 0..255,
   no leading zeros, nothing else. IPv6: RFC 4291 text (with :: and an
   embedded dotted-quad tail), no brackets, no zone id. An IPv4-mapped
   address (::ffff:0:0/96) comes back as IPv4. Returns 1 if valid, 0 if not. */
extern int ipaddr_scan (char const *s, size_t len, ipaddr *a);

/* Canonical text (RFC 5952 for IPv6) into dst, which holds IPADDR_FMT bytes.
   Returns the length; no NUL is written. */
extern size_t ipaddr_fmt (char *dst, ipaddr const *a);

#endif
