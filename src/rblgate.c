/* rblgate: the SMTP front door. Looks up the client in every list at once,
   then execs the SMTP server or holds rblsmtpd's limited dialogue. */

#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <skalibs/tai.h>
#include <skalibs/sig.h>
#include <skalibs/exec.h>
#include "listspec.h"
#include "verdict.h"
#include "ipaddr.h"
#include "dnsbl_check.h"
#include "smtptext.h"
#include "smtpgate_dialog.h"

#define USAGE "rblgate [ -b | -B ] [ -c | -C ] [ -t timeout ] [ -T deadline ] [ -r base ] [ -a base ] smtpd [ arg ... ]"
#define dieusage() strerr_dieusage(100, USAGE)

#define LOGIP_MAX 100

static char logip[LOGIP_MAX];
static size_t logiplen;
static char pidstr[PID_FMT];

static void parse_options (int argc, char const *const *argv, gateopts *o, int *first)
{
  int err;
  char letter[2] = { 0, 0 };
  *first = listspec_parse(argc, argv, o, &err, letter);
  if (*first >= 0) return;
  if (err == LISTSPEC_ILLEGAL || err == LISTSPEC_NOARG)
  {
    strerr_warn(PROG, ": ", listspec_why(err), letter);
    dieusage();
  }
  strerr_dief(100, listspec_why(err), err == LISTSPEC_BADBASE ? letter : "");
}

static void warn_failures (dnsbl_check const *c, gateopts const *o)
{
  unsigned i;
  for (i = 0; i < o->nlists; i++)
  {
    char why[DNSBL_CHECK_WHYMAX + 1];
    if (c->res[i].state != LISTRESULT_FAILED) continue;
    why[dnsbl_check_why(why, &c->res[i])] = 0;
    strerr_warnw(logip, " pid ", pidstr, ": ", o->list[i].base, ": ", why);
  }
}

int main (int argc, char const *const *argv)
{
  static dnsbl_check c;
  gateopts o;
  int first;
  char const *env;
  char const *text = "";
  size_t textlen = 0;
  char textbuf[SMTPTEXT_MAX + 1];
  char msg[SMTPTEXT_REPLYMAX];
  size_t msglen;
  char const *ip;
  verdict v;

  PROG = "rblgate";
  parse_options(argc, argv, &o, &first);
  if (first >= argc) dieusage();
  argv += first;

  pidstr[pid_fmt(pidstr, getpid())] = 0;
  ip = getenv("TCPREMOTEIP");
  logiplen = smtptext_clean(logip, LOGIP_MAX - 1, ip ? ip : "", ip ? strlen(ip) : 0);
  logip[logiplen] = 0;
  tain_now_set_stopwatch_g();

  env = getenv("RBLSMTPD");
  if (env) verdict_from_env(env, &v, &text, &textlen);
  else if (!o.nlists) v.kind = VERDICT_PASS;
  else
  {
    char csv[DNSCACHEIP_CSVMAX];
    char const *servers;
    ipaddr client;
    int r;
    if (!ip) strerr_dienotset(100, "TCPREMOTEIP");
    if (!ipaddr_scan(ip, strlen(ip), &client)) strerr_dieinvalid(100, "TCPREMOTEIP");
    if (!dnsbl_check_servers(getenv("DNSCACHEIP"), csv, sizeof csv, &servers))
      strerr_dieinvalid(100, "DNSCACHEIP");
    r = dnsbl_check_run(&c, &o, &client, servers, DNSBL_CHECK_EARLY);
    if (!r) strerr_diefu(111, "set up DNS lookups: ", c.error);
    if (r < 0) strerr_diefu1sys(111, "wait for DNS answers");
    warn_failures(&c, &o);
    v = c.v;
    if (v.kind == VERDICT_BLOCK) textlen = dnsbl_check_text(&c, &o, &client, textbuf, sizeof textbuf, &text);
  }

  if (v.kind != VERDICT_BLOCK)
  {
    /* an empty $PATH makes exec_ae return without trying anything */
    errno = ENOENT;
    exec_ae(argv[0], argv, (char const *const *)environ);
    strerr_diefu2sys(111, "run ", argv[0]);
  }

  msglen = smtptext_reply(msg, v.code, text, textlen);
  {
    char line[SMTPTEXT_REPLYMAX + 1];
    memcpy(line, msg, msglen);
    line[msglen] = 0;
    strerr_warn(PROG, ": ", logip, " pid ", pidstr, ": ", line);
  }
  /* a client that goes away is the end of the dialogue, not a crash */
  if (!sig_ignore(SIGPIPE)) strerr_diefu1sys(111, "ignore SIGPIPE");
  if (!o.dialogue) smtpgate_dialog_run(0, 1, msg, msglen, 0);
  else
  {
    tain tto, deadline;
    tain_uint(&tto, o.dialogue);
    tain_add_g(&deadline, &tto);
    if (smtpgate_dialog_run(0, 1, msg, msglen, &deadline) < 0)
      strerr_diefu1sys(111, "wait for the client");
  }
  return 0;
}
