/* dnsserve: rblserve's sockets: UDP and TCP on each -b address, UDP read
   and answered in batches (recvmmsg/sendmmsg), TCP with a few
   length-prefixed connections, each with a time limit. Knows nothing of
   zones: every query goes to the caller's answer function. */
#ifndef RBLGATE_DNSSERVE_H
#define RBLGATE_DNSSERVE_H

#ifndef _GNU_SOURCE
#error "define _GNU_SOURCE before any include: struct mmsghdr needs it"
#endif
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include "dnsquery.h"

#define DNSSERVE_LISTEN_MAX 32     /* sockets of each kind */
#ifndef DNSSERVE_BATCH
#define DNSSERVE_BATCH 32          /* datagrams per recvmmsg, answers per sendmmsg */
#endif
#define DNSSERVE_ROUNDS 16         /* batches from one socket before looking at the others */
#ifndef DNSSERVE_GATHER_MIN
#define DNSSERVE_GATHER_MIN 2      /* a batch at least this big (but not full), when busy, ... */
#endif
#ifndef DNSSERVE_GATHER_US
#define DNSSERVE_GATHER_US 25      /* ... waits at least this long for more before the next one */
#endif
/* The wait is a nanosleep: the kernel's timer slack (50 us by default) and
   the wake-up stretch it, to about 100 us on average on the bench host.
   The busy test below reckons with the 25 us asked for. Measured and tuned
   as it is: bench/README.md. */
#ifndef DNSSERVE_GATHER_WANT
#define DNSSERVE_GATHER_WANT 4     /* busy: queries have been coming fast enough to bring this many in the wait */
#endif
#define DNSSERVE_TCP_MAX 16        /* TCP connections at once; more wait in the backlog */
#define DNSSERVE_TCP_SECS 10       /* a TCP connection's whole life */
#define DNSSERVE_FDS (2 * DNSSERVE_LISTEN_MAX + DNSSERVE_TCP_MAX)

/* One query for the answer function: buf[0..len) is answered in place
   (cap bytes available), out set to the answer's length, or 0 for none. */
typedef struct dnsserve_query_s dnsserve_query;
struct dnsserve_query_s
{
  unsigned char *buf;
  size_t len, cap;
  uint8_t const *ip;           /* the client, 4 or 16 bytes */
  int is6;
  size_t out;
};

/* Answers q[0..n): a UDP batch as it came in (so that the answers can be
   worked out together), or one TCP query. */
typedef void dnsserve_answer_fn (void *ctx, dnsserve_query *q, unsigned n, int tcp);

typedef struct dnsserve_conn_s dnsserve_conn;
struct dnsserve_conn_s
{
  int fd;                      /* -1: free */
  tain deadline;
  size_t have;                 /* bytes read of the current query, length prefix included */
  size_t want;                 /* bytes to read: 2, then 2 + the query's length */
  size_t sent, outlen;         /* an answer being written */
  uint8_t ip[16];
  uint8_t is6;
  int x;                       /* slot in the iopause array, or -1 */
  unsigned char buf[2 + DNSQUERY_TCP_MAX];
};

typedef struct dnsserve_s dnsserve;
struct dnsserve_s
{
  unsigned nudp, ntcp;
  int udp[DNSSERVE_LISTEN_MAX], tcp[DNSSERVE_LISTEN_MAX];
  int xudp[DNSSERVE_LISTEN_MAX], xtcp[DNSSERVE_LISTEN_MAX];
  unsigned nconn;
  uint64_t udpdropped;         /* answers that could not be sent */
  uint64_t lastread;           /* ns: when the last UDP batch was read */
  uint64_t qn, qdt;            /* queries per batch (x 256) and ns between batches, lately */
  dnsserve_conn conn[DNSSERVE_TCP_MAX];
  struct mmsghdr in[DNSSERVE_BATCH], out[DNSSERVE_BATCH];
  struct iovec iov[DNSSERVE_BATCH], oiov[DNSSERVE_BATCH];
  struct sockaddr_storage peer[DNSSERVE_BATCH];
  dnsserve_query q[DNSSERVE_BATCH];
  unsigned char ubuf[DNSSERVE_BATCH][DNSQUERY_EDNS_MAX];
};

extern void dnsserve_init (dnsserve *s);

/* Binds UDP and TCP sockets to "address[/port]" (rbldnsd's -b: numeric
   address or host name, port number or service name, default 53; every
   address of a name). v4only/v6only: rbldnsd's -4 and -6. Returns 1, or 0
   with: errno EINVAL and *why saying what is wrong with spec; errno 0 and
   *why the whole message (a resolver's answer); any other errno, a system
   error, with *why naming the step (empty for bind itself). */
extern int dnsserve_bind (dnsserve *s, char const *spec, int v4only, int v6only, char const **why);

/* Adds the sockets to wait on to x (room for DNSSERVE_FDS), lowering
   *deadline for TCP connections' time limits. udp: whether to take new
   queries now (UDP datagrams and TCP connections wait in the kernel if not).
   Returns the number added. */
extern unsigned dnsserve_fds (dnsserve *s, iopause_fd *x, int udp, tain *deadline);

/* After iopause_g: reads, answers and writes what is ready, closes TCP
   connections whose time is up. */
extern void dnsserve_io (dnsserve *s, iopause_fd const *x, dnsserve_answer_fn *fn, void *ctx);

extern void dnsserve_close (dnsserve *s);

#endif
