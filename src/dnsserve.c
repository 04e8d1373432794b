/* dnsserve: rblserve's UDP and TCP sockets, batched on UDP, bounded on TCP. */

#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include "dnsserve.h"

void dnsserve_init (dnsserve *s)
{
  s->nudp = s->ntcp = s->nconn = 0;
  s->udpdropped = 0;
  s->lastread = 0;
  s->qn = s->qdt = 0;
  for (unsigned i = 0; i < DNSSERVE_TCP_MAX; i++)
  {
    s->conn[i].fd = -1;
    s->conn[i].x = -1;
  }
  for (unsigned i = 0; i < DNSSERVE_BATCH; i++)
  {
    s->iov[i].iov_base = s->ubuf[i];
    s->iov[i].iov_len = sizeof s->ubuf[i];
    memset(&s->in[i], 0, sizeof s->in[i]);
    s->in[i].msg_hdr.msg_iov = &s->iov[i];
    s->in[i].msg_hdr.msg_iovlen = 1;
    s->in[i].msg_hdr.msg_name = &s->peer[i];
    s->in[i].msg_hdr.msg_namelen = sizeof s->peer[i];
    s->oiov[i].iov_base = s->ubuf[i];
    memset(&s->out[i], 0, sizeof s->out[i]);
    s->out[i].msg_hdr.msg_iov = &s->oiov[i];
    s->out[i].msg_hdr.msg_iovlen = 1;
  }
}

static int sock (int family, int type, struct sockaddr const *sa, socklen_t salen, char const **why)
{
  int one = 1;
  int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return (*why = "create a socket", -1);
  /* each family on its own socket, as rbldnsd binds them */
  if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) goto err;
  if (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) goto err;
  if (type == SOCK_DGRAM)
  {
    int size = 1 << 20;   /* absorbs bursts; the kernel caps it at rmem_max */
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }
  if (bind(fd, sa, salen) < 0) { *why = ""; goto errkeep; }
  if (type == SOCK_STREAM && listen(fd, 64) < 0) { *why = "listen"; goto errkeep; }
  return fd;
 err:
  *why = "set socket options";
 errkeep:
  {
    int e = errno;
    close(fd);
    errno = e;
  }
  return -1;
}

/* The port of a -b spec: digits for 1..65535, or a service name. A name
   must start with a letter: glibc would read "+70000" or "-1" as a number
   and wrap it, as rbldnsd lets it. Returns 1 with the number in *num (0
   for a name), or 0. */
static int bindport (char const *p, unsigned *num)
{
  unsigned v = 0;
  size_t i = 0;
  if ((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z'))
  {
    *num = 0;
    return 1;
  }
  for (; p[i] >= '0' && p[i] <= '9'; i++)
    if ((v = v * 10 + (unsigned)(p[i] - '0')) > 65535) return 0;
  if (!i || p[i] || !v) return 0;
  *num = v;
  return 1;
}

static int isip6 (char const *host)
{
  struct addrinfo hints, *res;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_INET6;
  hints.ai_flags = AI_NUMERICHOST;
  if (getaddrinfo(host, 0, &hints, &res)) return 0;
  freeaddrinfo(res);
  return 1;
}

/* On failure, errno says which kind: EINVAL with a non-empty *why, the
   spec itself is wrong (*why says how); 0, *why says it all (the
   resolver's message, too many addresses); anything else, a system call
   failed (*why names the step, empty for bind itself). */
int dnsserve_bind (dnsserve *s, char const *spec, int v4only, int v6only, char const **why)
{
  char host[256];
  char const *port = "53";
  char const *slash = strrchr(spec, '/');
  size_t hl = slash ? (size_t)(slash - spec) : strlen(spec);
  unsigned pnum = 53;
  struct addrinfo hints, *res, *ai;
  int r;
  errno = EINVAL;
  if (!hl) return (*why = "no address before the slash", 0);
  if (hl >= sizeof host) return (*why = "address too long", 0);
  if (memchr(spec, '/', hl)) return (*why = "more than one slash", 0);
  if (slash)
  {
    port = slash + 1;
    if (!*port) return (*why = "no port after the slash", 0);
    if (!bindport(port, &pnum)) return (*why = "the port must be a number from 1 to 65535 or a service name", 0);
  }
  memcpy(host, spec, hl);
  host[hl] = 0;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = v4only ? AF_INET : v6only ? AF_INET6 : AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | (pnum ? AI_NUMERICSERV : 0);
  r = getaddrinfo(host, port, &hints, &res);
  if (r == EAI_NONAME)
  {
    /* a name has no colon: "127.0.0.1:53" is a typing error, not a name
       to send to the resolver */
    if (memchr(host, ':', hl) && !isip6(host))
    {
      errno = EINVAL;
      return (*why = "not an IPv4 or IPv6 address (the port goes after a slash: address/port)", 0);
    }
    hints.ai_flags &= ~AI_NUMERICHOST;
    r = getaddrinfo(host, port, &hints, &res);
  }
  if (r == EAI_SERVICE)
  {
    errno = EINVAL;
    return (*why = "unknown service name", 0);
  }
  if (r)
  {
    if (r != EAI_SYSTEM || !errno || errno == EINVAL) errno = 0;
    *why = r == EAI_SYSTEM && errno ? "resolve the address" : gai_strerror(r);
    return 0;
  }
  for (ai = res; ai; ai = ai->ai_next)
  {
    int u, t;
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    if (s->nudp >= DNSSERVE_LISTEN_MAX)
    {
      freeaddrinfo(res);
      errno = 0;
      *why = "too many addresses to listen on";
      return 0;
    }
    if ((u = sock(ai->ai_family, SOCK_DGRAM, ai->ai_addr, ai->ai_addrlen, why)) < 0) goto fail;
    if ((t = sock(ai->ai_family, SOCK_STREAM, ai->ai_addr, ai->ai_addrlen, why)) < 0)
    {
      int e = errno;
      close(u);
      errno = e;
      goto fail;
    }
    s->udp[s->nudp++] = u;
    s->tcp[s->ntcp++] = t;
  }
  freeaddrinfo(res);
  if (!s->nudp)
  {
    errno = 0;
    *why = "no address of the family wanted";
    return 0;
  }
  return 1;
 fail:
  {
    int e = errno;
    freeaddrinfo(res);
    errno = e;
  }
  return 0;
}

static void closeconn (dnsserve *s, dnsserve_conn *c)
{
  close(c->fd);
  c->fd = -1;
  c->x = -1;
  s->nconn--;
}

unsigned dnsserve_fds (dnsserve *s, iopause_fd *x, int udp, tain *deadline)
{
  unsigned n = 0;
  for (unsigned i = 0; i < s->nudp; i++)
  {
    s->xudp[i] = -1;
    if (!udp) continue;
    x[n].fd = s->udp[i];
    x[n].events = IOPAUSE_READ;
    s->xudp[i] = (int)n++;
  }
  for (unsigned i = 0; i < s->ntcp; i++)
  {
    s->xtcp[i] = -1;
    if (!udp || s->nconn >= DNSSERVE_TCP_MAX) continue;   /* the rest wait in the backlog */
    x[n].fd = s->tcp[i];
    x[n].events = IOPAUSE_READ;
    s->xtcp[i] = (int)n++;
  }
  for (unsigned i = 0; s->nconn && i < DNSSERVE_TCP_MAX; i++)
  {
    dnsserve_conn *c = &s->conn[i];
    if (c->fd < 0) continue;
    if (tain_less(&c->deadline, deadline)) *deadline = c->deadline;
    x[n].fd = c->fd;
    x[n].events = c->outlen ? IOPAUSE_WRITE : IOPAUSE_READ;
    c->x = (int)n++;
  }
  return n;
}

static void udpsend (dnsserve *s, int fd, unsigned m)
{
  unsigned off = 0;
  while (off < m)
  {
    int w = sendmmsg(fd, s->out + off, m - off, MSG_DONTWAIT);
    if (w < 0)
    {
      if (errno == EINTR) continue;
      /* a full send buffer or an unreachable client: that answer is lost,
         the next ones may go */
      s->udpdropped++;
      off++;
      continue;
    }
    off += (unsigned)w;
  }
}

static uint64_t nsnow (void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A batch's answers go out in one sendmmsg: a client waiting for them is
   woken once, not once per answer. When queries come fast, a batch that
   empties the socket but held several says more are on their way, and a
   short wait gathers them into the next batch instead of a wake-up for
   each one or two: about a tenth less CPU per query under full load
   (bench/README.md). Slower, the wait would gather little and only add to
   the answers' latency, so it is made only while the rate of the last few
   batches would bring DNSSERVE_GATHER_WANT queries in it. */
static void udpread (dnsserve *s, int fd, dnsserve_answer_fn *fn, void *ctx)
{
  for (unsigned round = 0; round < DNSSERVE_ROUNDS; round++)
  {
    uint64_t t0 = nsnow();
    int n = recvmmsg(fd, s->in, DNSSERVE_BATCH, MSG_DONTWAIT, 0);
    unsigned m = 0;
    if (n <= 0) return;
    for (int k = 0; k < n; k++)
    {
      struct sockaddr_storage const *p = &s->peer[k];
      dnsserve_query *q = &s->q[k];
      q->buf = s->ubuf[k];
      q->len = s->in[k].msg_len;
      q->cap = sizeof s->ubuf[k];
      q->is6 = p->ss_family == AF_INET6;
      q->ip = q->is6 ? ((struct sockaddr_in6 const *)p)->sin6_addr.s6_addr
        : (uint8_t const *)&((struct sockaddr_in const *)p)->sin_addr.s_addr;
    }
    fn(ctx, s->q, (unsigned)n, 0);
    for (int k = 0; k < n; k++)
    {
      struct msghdr *h = &s->in[k].msg_hdr;
      if (s->q[k].out)
      {
        s->oiov[m].iov_base = s->ubuf[k];
        s->oiov[m].iov_len = s->q[k].out;
        s->out[m].msg_hdr.msg_name = &s->peer[k];
        s->out[m].msg_hdr.msg_namelen = h->msg_namelen;
        m++;
      }
      h->msg_namelen = sizeof s->peer[k];
    }
    udpsend(s, fd, m);
    /* the queries of this batch came in since the last one was read:
       the rate is the sum of the one over the sum of the other */
    {
      uint64_t dt = t0 - s->lastread;
      if (dt > 1000000000u) dt = 1000000000u;
      s->qn = (7 * s->qn + 256 * (uint64_t)n) / 8;
      s->qdt = (7 * s->qdt + dt) / 8;
    }
    s->lastread = t0;
    if (n == DNSSERVE_BATCH) continue;
    /* queries per ns times the wait, against the number wanted */
    if (n < DNSSERVE_GATHER_MIN || s->qn * DNSSERVE_GATHER_US * 1000 < s->qdt * 256 * DNSSERVE_GATHER_WANT) return;
    {
      struct timespec ts = { 0, DNSSERVE_GATHER_US * 1000 };
      nanosleep(&ts, 0);
    }
  }
}

static void tcpaccept (dnsserve *s, int lfd, tain const *deadline)
{
  while (s->nconn < DNSSERVE_TCP_MAX)
  {
    struct sockaddr_storage sa;
    socklen_t salen = sizeof sa;
    dnsserve_conn *c = 0;
    int fd = accept4(lfd, (struct sockaddr *)&sa, &salen, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    for (unsigned i = 0; i < DNSSERVE_TCP_MAX; i++)
      if (s->conn[i].fd < 0) { c = &s->conn[i]; break; }
    if (!c) { close(fd); return; }
    c->fd = fd;
    c->x = -1;
    c->have = c->sent = c->outlen = 0;
    c->want = 2;
    c->deadline = *deadline;
    if (sa.ss_family == AF_INET6)
    {
      memcpy(c->ip, ((struct sockaddr_in6 *)&sa)->sin6_addr.s6_addr, 16);
      c->is6 = 1;
    }
    else
    {
      memcpy(c->ip, &((struct sockaddr_in *)&sa)->sin_addr.s_addr, 4);
      c->is6 = 0;
    }
    s->nconn++;
  }
}

/* Reads exactly what the current query needs, so a second query sent right
   behind it stays in the socket until the first is answered in place. */
static void tcpio (dnsserve *s, dnsserve_conn *c, dnsserve_answer_fn *fn, void *ctx)
{
  for (;;)
  {
    if (c->outlen)
    {
      ssize_t w = write(c->fd, c->buf + c->sent, c->outlen - c->sent);
      if (w < 0)
      {
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) closeconn(s, c);
        return;
      }
      c->sent += (size_t)w;
      if (c->sent < c->outlen) continue;
      c->outlen = c->sent = c->have = 0;
      c->want = 2;
    }
    else
    {
      ssize_t r = read(c->fd, c->buf + c->have, c->want - c->have);
      size_t n;
      if (r < 0)
      {
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) closeconn(s, c);
        return;
      }
      if (!r) { closeconn(s, c); return; }
      c->have += (size_t)r;
      if (c->have < c->want) continue;
      if (c->want == 2)
      {
        c->want = 2 + ((size_t)c->buf[0] << 8 | c->buf[1]);
        if (c->want == 2) { closeconn(s, c); return; }
        continue;
      }
      {
        dnsserve_query q = { .buf = c->buf + 2, .len = c->want - 2, .cap = sizeof c->buf - 2, .ip = c->ip, .is6 = c->is6 };
        fn(ctx, &q, 1, 1);
        n = q.out;
      }
      if (!n) { closeconn(s, c); return; }
      c->buf[0] = (unsigned char)(n >> 8);
      c->buf[1] = (unsigned char)n;
      c->outlen = n + 2;
      c->sent = 0;
    }
  }
}

void dnsserve_io (dnsserve *s, iopause_fd const *x, dnsserve_answer_fn *fn, void *ctx)
{
  tain deadline;
  tain_addsec_g(&deadline, DNSSERVE_TCP_SECS);
  for (unsigned i = 0; i < s->nudp; i++)
    if (s->xudp[i] >= 0 && x[s->xudp[i]].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT))
      udpread(s, s->udp[i], fn, ctx);
  for (unsigned i = 0; s->nconn && i < DNSSERVE_TCP_MAX; i++)
  {
    dnsserve_conn *c = &s->conn[i];
    if (c->fd < 0) continue;
    if (c->x >= 0 && x[c->x].revents) tcpio(s, c, fn, ctx);
    if (c->fd >= 0 && !tain_future(&c->deadline)) closeconn(s, c);
  }
  for (unsigned i = 0; i < s->ntcp; i++)
    if (s->xtcp[i] >= 0 && x[s->xtcp[i]].revents & IOPAUSE_READ)
      tcpaccept(s, s->tcp[i], &deadline);
}

void dnsserve_close (dnsserve *s)
{
  for (unsigned i = 0; i < DNSSERVE_TCP_MAX; i++)
    if (s->conn[i].fd >= 0) closeconn(s, &s->conn[i]);
  for (unsigned i = 0; i < s->nudp; i++) close(s->udp[i]);
  for (unsigned i = 0; i < s->ntcp; i++) close(s->tcp[i]);
  s->nudp = s->ntcp = 0;
}
