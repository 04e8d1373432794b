/* dnsbl_lookup: c-ares driven from our own iopause loop, with a hard
   deadline of our own, because c-ares' retries add up to no overall limit. */

#include <sys/select.h>   /* c-ares 1.18's ares.h needs fd_set */
#include <ares.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include "dnsbl_lookup.h"
#include "dnswire.h"

static void sock_state (void *data, ares_socket_t fd, int readable, int writable)
{
  dnsbl_lookup *L = data;
  unsigned i;
  for (i = 0; i < L->nsock; i++) if (L->sock[i] == fd) break;
  if (!readable && !writable)
  {
    if (i < L->nsock)
    {
      L->sock[i] = L->sock[--L->nsock];
      L->sockwrite[i] = L->sockwrite[L->nsock];
    }
    return;
  }
  if (i == L->nsock)
  {
    /* cannot happen with at most 16 servers; an untracked socket would only
       cost us its answers, which then time out */
    if (L->nsock >= DNSBL_LOOKUP_SOCKMAX) return;
    L->sock[L->nsock++] = fd;
  }
  L->sockwrite[i] = !!writable;
}

static uint8_t failure_of (int status)
{
  switch (status)
  {
    case ARES_ETIMEOUT:
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION: return FAILURE_TIMEOUT;
    /* c-ares reports SERVFAIL and REFUSED replies, and ICMP errors, as ECONNREFUSED */
    case ARES_ECONNREFUSED:
    case ARES_ESERVFAIL:
    case ARES_EREFUSED:
    case ARES_ENOTIMP: return FAILURE_SERVER;
    case ARES_EBADRESP:
    case ARES_EFORMERR: return FAILURE_MALFORMED;
    default: return FAILURE_OTHER;
  }
}

static void store_answer (dnsbl_query *q, int status, unsigned char const *abuf, int alen)
{
  listanswer *a = q->ans;
  int isa = q->qtype == DNSWIRE_TYPE_A;
  uint8_t *state = isa ? &a->astate : &a->txtstate;
  uint8_t *failure = isa ? &a->afailure : &a->txtfailure;
  dnswire_answer w;

  switch (status)
  {
    case ARES_SUCCESS: break;
    /* only these two mean "no record"; every other status is a failure */
    case ARES_ENOTFOUND: *state = ANSWER_NXDOMAIN; return;
    case ARES_ENODATA: *state = ANSWER_NODATA; return;
    default: *state = ANSWER_FAILED; *failure = failure_of(status); return;
  }
  if (!abuf || alen <= 0 || !dnswire_parse_answer(abuf, (size_t)alen, &w))
  {
    *state = ANSWER_FAILED;
    *failure = FAILURE_MALFORMED;
    return;
  }
  if (isa)
  {
    unsigned i, n = w.na < DNSWIRE_A_MAX ? w.na : DNSWIRE_A_MAX;
    if (n > LISTANSWER_A_MAX) n = LISTANSWER_A_MAX;
    for (i = 0; i < n; i++) memcpy(a->a[i], w.a[i], 4);
    a->na = (uint8_t)n;
    *state = n ? ANSWER_RECORDS : ANSWER_NODATA;
  }
  else
  {
    size_t len = w.txtlen < LISTANSWER_TXT_MAX ? w.txtlen : LISTANSWER_TXT_MAX;
    memcpy(a->txt, w.txt, len);
    a->txtlen = (uint16_t)len;
    *state = w.ntxt ? ANSWER_RECORDS : ANSWER_NODATA;
  }
}

/* Runs inside ares_process_fd, ares_cancel or ares_query: stores, no more. */
static void on_answer (void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
  dnsbl_query *q = arg;
  dnsbl_lookup *L = q->lookup;
  (void)timeouts;
  if (q->done) return;
  q->done = 1;
  L->pending--;
  if (L->closing && status == ARES_EDESTRUCTION) return;
  store_answer(q, status, abuf, alen);
}

int dnsbl_lookup_init (dnsbl_lookup *L, char const *servers)
{
  struct ares_options opts;
  ares_channel ch;
  int optmask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_DOMAINS
              | ARES_OPT_LOOKUPS | ARES_OPT_SOCK_STATE_CB;
  int r;

  memset(L, 0, sizeof *L);
  memset(&opts, 0, sizeof opts);
  /* everything explicit, so neither RES_OPTIONS, LOCALDOMAIN nor the
     options of resolv.conf shape a lookup: only its nameserver lines count */
  opts.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
  opts.timeout = DNSBL_LOOKUP_TRYMS;
  opts.tries = DNSBL_LOOKUP_TRIES;
  opts.domains = 0;
  opts.ndomains = 0;
  opts.lookups = (char *)"b";
  opts.sock_state_cb = &sock_state;
  opts.sock_state_cb_data = L;

  r = ares_library_init(ARES_LIB_INIT_ALL);
  if (r != ARES_SUCCESS) { L->error = ares_strerror(r); return 0; }
  r = ares_init_options(&ch, &opts, optmask);
  if (r != ARES_SUCCESS)
  {
    L->error = ares_strerror(r);
    ares_library_cleanup();
    return 0;
  }
  if (servers)
  {
    r = ares_set_servers_ports_csv(ch, servers);
    if (r != ARES_SUCCESS)
    {
      L->error = ares_strerror(r);
      ares_destroy(ch);
      ares_library_cleanup();
      return 0;
    }
  }
  L->channel = ch;
  return 1;
}

int dnsbl_lookup_submit (dnsbl_lookup *L, char const *name, uint16_t qtype, listanswer *ans)
{
  dnsbl_query *q;
  if (L->nq >= DNSBL_LOOKUP_QMAX) { L->error = "too many queries"; return 0; }
  q = &L->q[L->nq++];
  q->lookup = L;
  q->ans = ans;
  q->qtype = qtype;
  q->done = 0;
  /* counted before the call: the callback may run inside ares_query */
  L->pending++;
  ares_query((ares_channel)L->channel, name, DNSWIRE_CLASS_IN, qtype, &on_answer, q);
  return 1;
}

int dnsbl_lookup_step (dnsbl_lookup *L, tain const *deadline)
{
  ares_channel ch = L->channel;
  iopause_fd x[DNSBL_LOOKUP_SOCKMAX];
  unsigned n = L->nsock, i;
  struct timeval tv, *tvp;
  tain wake = *deadline;
  int r;

  if (!L->pending || !tain_future(deadline)) return 0;
  for (i = 0; i < n; i++)
  {
    x[i].fd = L->sock[i];
    x[i].events = IOPAUSE_READ | (L->sockwrite[i] ? IOPAUSE_WRITE : 0);
    x[i].revents = 0;
  }
  tvp = ares_timeout(ch, 0, &tv);
  if (tvp)
  {
    tain rel, t;
    if (tain_relative_from_timeval(&rel, tvp) && tain_add_g(&t, &rel) && tain_less(&t, &wake)) wake = t;
  }
  r = iopause_g(x, n, &wake);
  if (r < 0) return -1;
  if (!r) ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  else
    for (i = 0; i < n; i++)
    {
      if (!x[i].revents) continue;
      /* EXCEPT too, so that c-ares reads the ICMP error of a dead server */
      ares_process_fd(ch,
        x[i].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT) ? x[i].fd : ARES_SOCKET_BAD,
        x[i].revents & IOPAUSE_WRITE ? x[i].fd : ARES_SOCKET_BAD);
    }
  return 1;
}

void dnsbl_lookup_expire (dnsbl_lookup *L)
{
  if (L->pending) ares_cancel((ares_channel)L->channel);
}

void dnsbl_lookup_abandon (dnsbl_lookup *L)
{
  unsigned i;
  for (i = 0; i < L->nsock; i++) close(L->sock[i]);
  L->nsock = 0;
  L->closing = 1;
  /* L->channel stays set: the memory is left to the process's end, and stays
     reachable until then (leak checkers see it so too) */
}

void dnsbl_lookup_free (dnsbl_lookup *L)
{
  if (!L->channel) return;
  L->closing = 1;
  ares_destroy((ares_channel)L->channel);
  L->channel = 0;
  ares_library_cleanup();
}
