/* dnsbl_check: one client address against every list of a command line:
   names built, all queries sent at once, results classified and the verdict
   taken, either as soon as it is certain (rblgate) or with every answer in
   (rblquery). I/O through dnsbl_lookup. */
#ifndef RBLGATE_DNSBL_CHECK_H
#define RBLGATE_DNSBL_CHECK_H

#include <skalibs/tai.h>
#include "ipaddr.h"
#include "listspec.h"
#include "verdict.h"
#include "dnscacheip.h"

typedef struct dnsbl_check_s dnsbl_check;
struct dnsbl_check_s
{
  listanswer ans[LISTSPEC_MAX];
  listresult res[LISTSPEC_MAX];
  tain done[LISTSPEC_MAX];     /* when each list's result became known */
  tain start;
  verdict v;
  char const *error;           /* why setup failed */
};

enum dnsbl_check_mode_e
{
  DNSBL_CHECK_EARLY = 0,       /* stop as soon as the verdict is certain; the caller execs or exits next */
  DNSBL_CHECK_ALL              /* wait for every answer or the deadline */
};

/* servers: c-ares CSV or 0 for /etc/resolv.conf. Sends every query, runs the
   event loop until the verdict (mode) or the -T deadline, and closes every
   socket before returning (in EARLY mode the channel's memory is left to the
   process's end, so no further lookup may follow). Returns 1 with c->v and c->res filled (results
   still pending when the verdict was certain stay PENDING), 0 if the lookup
   could not be set up (c->error), -1 if the event loop failed (errno). */
extern int dnsbl_check_run (dnsbl_check *c, gateopts const *o, ipaddr const *client, char const *servers, int mode);

/* Why list result r failed, as logged: "lookup timed out", "server failure",
   "malformed answer", "error code 127.255.255.254",
   "answer 10.1.2.3 outside 127.0.0.0/8". dst holds DNSBL_CHECK_WHYMAX bytes.
   Returns the length; no NUL. */
#define DNSBL_CHECK_WHYMAX 64
extern size_t dnsbl_check_why (char *dst, listresult const *r);

/* The text of a BLOCK verdict: the -c failure text, the deciding list's TXT,
   or, for a listing by A alone, "CLIENT is listed by BASE (A)" built in
   buf[0..max). *text points at it; returns its length (raw, not cleaned). */
extern size_t dnsbl_check_text (dnsbl_check const *c, gateopts const *o, ipaddr const *client, char *buf, size_t max, char const **text);

/* The servers to ask, from $DNSCACHEIP's value (env may be null). Returns 1
   with *servers set to c-ares CSV in csv (or 0 for /etc/resolv.conf when env
   is unset or empty), 0 if env is malformed. */
extern int dnsbl_check_servers (char const *env, char *csv, size_t max, char const **servers);

#endif
