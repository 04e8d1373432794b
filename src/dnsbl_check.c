/* dnsbl_check: the lookup of one address in all lists, as rblgate and
   rblquery both need it. */

#include <string.h>
#include <errno.h>
#include <skalibs/tai.h>
#include "dnsbl_check.h"
#include "dnsbl_lookup.h"
#include "dnswire.h"
#include "revname.h"
#include "smtptext.h"

static size_t put (char *dst, size_t len, char const *s)
{
  size_t n = strlen(s);
  memcpy(dst + len, s, n);
  return len + n;
}

size_t dnsbl_check_why (char *dst, listresult const *r)
{
  ipaddr a = IPADDR_ZERO;
  size_t len;
  memcpy(a.ip, r->a, 4);
  switch (r->failure)
  {
    case FAILURE_TIMEOUT: return put(dst, 0, "lookup timed out");
    case FAILURE_SERVER: return put(dst, 0, "server failure");
    case FAILURE_MALFORMED: return put(dst, 0, "malformed answer");
    case FAILURE_ERRORCODE:
      len = put(dst, 0, "error code ");
      return len + ipaddr_fmt(dst + len, &a);
    case FAILURE_OUTSIDE:
      len = put(dst, 0, "answer ");
      len += ipaddr_fmt(dst + len, &a);
      return put(dst, len, " outside 127.0.0.0/8");
    default: return put(dst, 0, "lookup failed");
  }
}

size_t dnsbl_check_text (dnsbl_check const *c, gateopts const *o, ipaddr const *client, char *buf, size_t max, char const **text)
{
  listresult const *r = &c->res[c->v.decider];
  if (c->v.tempfail)
  {
    *text = VERDICT_TEMPFAIL_TEXT;
    return sizeof VERDICT_TEMPFAIL_TEXT - 1;
  }
  if (r->text)
  {
    *text = r->text;
    return r->textlen;
  }
  *text = buf;
  return smtptext_listed(buf, max, o->list[c->v.decider].base, client, r->a);
}

int dnsbl_check_servers (char const *env, char *csv, size_t max, char const **servers)
{
  dnsserver srv[DNSCACHEIP_MAX];
  unsigned n;
  *servers = 0;
  if (!env || !*env) return 1;
  n = dnscacheip_parse(env, srv, DNSCACHEIP_MAX);
  if (!n || !dnscacheip_csv(csv, max, srv, n)) return 0;
  *servers = csv;
  return 1;
}

static int classify_all (dnsbl_check *c, gateopts const *o)
{
  unsigned i, pending = 0;
  for (i = 0; i < o->nlists; i++)
  {
    if (c->res[i].state != LISTRESULT_PENDING) continue;
    verdict_classify(&o->list[i], &c->ans[i], &c->res[i]);
    if (c->res[i].state == LISTRESULT_PENDING) pending++;
    else c->done[i] = STAMP;
  }
  verdict_decide(o->list, c->res, o->nlists, &c->v);
  return (int)pending;
}

int dnsbl_check_run (dnsbl_check *c, gateopts const *o, ipaddr const *client, char const *servers, int mode)
{
  static dnsbl_lookup L;   /* large; one lookup at a time per process */
  char name[REVNAME_MAX];
  tain deadline, tto;
  unsigned i;
  int pending;

  memset(c->ans, 0, o->nlists * sizeof *c->ans);
  memset(c->res, 0, o->nlists * sizeof *c->res);
  c->error = 0;
  c->start = STAMP;
  tain_from_millisecs(&tto, (int)o->deadline);
  tain_add_g(&deadline, &tto);

  if (!dnsbl_lookup_init(&L, servers)) { c->error = L.error; return 0; }
  for (i = 0; i < o->nlists; i++)
  {
    listspec const *s = &o->list[i];
    /* bases were checked when parsed; the address adds at most 72 bytes */
    if (!revname_build(name, sizeof name, client, s->base))
    {
      c->ans[i].astate = ANSWER_FAILED;
      c->ans[i].afailure = FAILURE_OTHER;
      c->ans[i].txtstate = ANSWER_FAILED;
      c->ans[i].txtfailure = FAILURE_OTHER;
      continue;
    }
    dnsbl_lookup_submit(&L, name, DNSWIRE_TYPE_A, &c->ans[i]);
    if (!s->anti) dnsbl_lookup_submit(&L, name, DNSWIRE_TYPE_TXT, &c->ans[i]);
  }

  for (;;)
  {
    int r;
    pending = classify_all(c, o);
    if (!pending) break;
    if (mode == DNSBL_CHECK_EARLY && c->v.kind != VERDICT_UNDECIDED) break;
    r = dnsbl_lookup_step(&L, &deadline);
    if (r < 0)
    {
      int e = errno;
      dnsbl_lookup_free(&L);
      errno = e;
      return -1;
    }
    if (!r)
    {
      /* deadline: whatever is still out becomes a timeout */
      dnsbl_lookup_expire(&L);
      classify_all(c, o);
      break;
    }
  }
  /* The gate execs or exits next: c-ares' memory goes with the process and
     its sockets are close-on-exec, so only the sockets are closed; tearing
     the channel down would cost a quarter of the gate's CPU. */
  if (mode == DNSBL_CHECK_EARLY) dnsbl_lookup_abandon(&L);
  else dnsbl_lookup_free(&L);
  return 1;
}
