/* dnsbl_lookup: the lookup engine. Every query of every list in flight at
   once through c-ares, driven by our iopause loop, under one hard deadline.
   The only user of <ares.h>. I/O. */
#ifndef RBLGATE_DNSBL_LOOKUP_H
#define RBLGATE_DNSBL_LOOKUP_H

#include <stdint.h>
#include <skalibs/tai.h>
#include "verdict.h"

#define DNSBL_LOOKUP_QMAX (2 * LISTSPEC_MAX)
#define DNSBL_LOOKUP_SOCKMAX 40   /* UDP and TCP to each of up to 16 servers, with room */
#define DNSBL_LOOKUP_TRYMS 1500   /* c-ares' first-try wait; it doubles per round */
#define DNSBL_LOOKUP_TRIES 4

typedef struct dnsbl_query_s dnsbl_query;
struct dnsbl_query_s
{
  void *lookup;         /* back pointer for the c-ares callback */
  listanswer *ans;
  uint16_t qtype;
  uint8_t done;
};

typedef struct dnsbl_lookup_s dnsbl_lookup;
struct dnsbl_lookup_s
{
  void *channel;        /* ares_channel */
  unsigned pending;
  unsigned nq;
  dnsbl_query q[DNSBL_LOOKUP_QMAX];
  int sock[DNSBL_LOOKUP_SOCKMAX];
  uint8_t sockwrite[DNSBL_LOOKUP_SOCKMAX];
  unsigned nsock;
  uint8_t closing;      /* answers after a cancel or destroy are not stored */
  char const *error;    /* static text for the last failure of init or submit */
};

/* Sets up a channel with explicit options (no search domains, no hosts
   file). servers is c-ares' CSV (from dnscacheip_csv), or 0 for the
   nameserver lines of /etc/resolv.conf. Returns 1, or 0 with L->error set. */
extern int dnsbl_lookup_init (dnsbl_lookup *L, char const *servers);

/* Sends one query (qtype DNSWIRE_TYPE_A or DNSWIRE_TYPE_TXT) for name, whose
   result goes into ans (astate or txtstate). ans must be zeroed first, once.
   Returns 1, or 0 with L->error set if the query table is full. */
extern int dnsbl_lookup_submit (dnsbl_lookup *L, char const *name, uint16_t qtype, listanswer *ans);

/* One turn of the event loop: waits for c-ares' sockets until the earlier of
   deadline and c-ares' own retry timer, then lets c-ares process. Returns 1
   after progress or a retry tick, 0 if the deadline has passed or nothing is
   pending, -1 if iopause failed (errno set). */
extern int dnsbl_lookup_step (dnsbl_lookup *L, tain const *deadline);

/* Ends every pending query: their answers become FAILED/TIMEOUT. */
extern void dnsbl_lookup_expire (dnsbl_lookup *L);

/* Closes the channel and its sockets, and frees it. */
extern void dnsbl_lookup_free (dnsbl_lookup *L);

/* Closes the sockets only, for a process about to exec or exit: no c-ares
   call may follow. */
extern void dnsbl_lookup_abandon (dnsbl_lookup *L);

#endif
