/* rblquery: rblgate's lookup engine on the command line, for operators. */

#include <stdlib.h>
#include <string.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/types.h>
#include <skalibs/tai.h>
#include "listspec.h"
#include "verdict.h"
#include "ipaddr.h"
#include "dnsbl_check.h"
#include "smtptext.h"

#define USAGE "rblquery [ -b | -B ] [ -c | -C ] [ -T deadline ] [ -r base ] [ -a base ] address ..."
#define dieusage() strerr_dieusage(100, USAGE)
#define ADDR_MAX 256

static void out (char const *s, size_t len)
{
  if (buffer_put(buffer_1, s, len) < 0) strerr_diefu1sys(111, "write to stdout");
}
static void outs (char const *s) { out(s, strlen(s)); }

static void outaddr (uint8_t const a[4])
{
  char buf[IPADDR_FMT];
  ipaddr x = IPADDR_ZERO;
  memcpy(x.ip, a, 4);
  out(buf, ipaddr_fmt(buf, &x));
}

static void outclean (char const *s, size_t len)
{
  char buf[LISTANSWER_TXT_MAX];
  out(buf, smtptext_clean(buf, sizeof buf, s, len));
}

static void print_list (char const *addr, dnsbl_check const *c, gateopts const *o, unsigned i)
{
  listresult const *r = &c->res[i];
  tain d;
  char fmt[UINT_FMT];
  outs(addr);
  outs(o->list[i].anti ? " -a " : " -r ");
  outs(o->list[i].base);
  outs(": ");
  switch (r->state)
  {
    case LISTRESULT_LISTED:
      outs("listed");
      if (r->hasa) { outs(" "); outaddr(r->a); }
      if (r->text) { outs(" \""); outclean(r->text, r->textlen); outs("\""); }
      break;
    case LISTRESULT_NONE: outs("not listed"); break;
    case LISTRESULT_FAILED:
    {
      char why[DNSBL_CHECK_WHYMAX];
      outs("failed: ");
      out(why, dnsbl_check_why(why, r));
      break;
    }
    default: outs("no answer"); break;
  }
  tain_sub(&d, &c->done[i], &c->start);
  outs(" ");
  out(fmt, uint_fmt(fmt, r->state == LISTRESULT_PENDING ? 0 : (unsigned)tain_to_millisecs(&d)));
  outs(" ms\n");
}

int main (int argc, char const *const *argv)
{
  static dnsbl_check c;
  static ipaddr addrs[ADDR_MAX];
  gateopts o;
  int first, err, i, n;
  int listed = 0, failed = 0;
  char letter[2] = { 0, 0 };
  char csv[DNSCACHEIP_CSVMAX];
  char const *servers;

  PROG = "rblquery";
  first = listspec_parse(argc, argv, &o, &err, letter);
  if (first < 0)
  {
    if (err != LISTSPEC_ILLEGAL && err != LISTSPEC_NOARG)
      strerr_dief(100, listspec_why(err), err == LISTSPEC_BADBASE ? letter : "");
    strerr_warn(PROG, ": ", listspec_why(err), letter);
    dieusage();
  }
  n = argc - first;
  if (n <= 0 || !o.nlists) dieusage();
  if (n > ADDR_MAX) strerr_dief(100, "too many addresses: the limit is 256");
  for (i = 0; i < n; i++)
    if (!ipaddr_scan(argv[first + i], strlen(argv[first + i]), &addrs[i]))
      strerr_dief(100, "invalid address: ", argv[first + i]);
  if (!dnsbl_check_servers(getenv("DNSCACHEIP"), csv, sizeof csv, &servers))
    strerr_dieinvalid(100, "DNSCACHEIP");

  tain_now_set_stopwatch_g();
  for (i = 0; i < n; i++)
  {
    char const *addr = argv[first + i];
    unsigned j;
    int r = dnsbl_check_run(&c, &o, &addrs[i], servers, DNSBL_CHECK_ALL);
    if (!r) strerr_diefu(111, "set up DNS lookups: ", c.error);
    if (r < 0) strerr_diefu1sys(111, "wait for DNS answers");
    for (j = 0; j < o.nlists; j++)
    {
      print_list(addr, &c, &o, j);
      if (c.res[j].state == LISTRESULT_FAILED) failed = 1;
    }
    outs(addr);
    if (c.v.kind == VERDICT_BLOCK)
    {
      char textbuf[SMTPTEXT_MAX + 1];
      char msg[SMTPTEXT_REPLYMAX];
      char const *text;
      size_t len = dnsbl_check_text(&c, &o, &addrs[i], textbuf, sizeof textbuf, &text);
      outs(" verdict: block ");
      out(msg, smtptext_reply(msg, c.v.code, text, len));
      outs("\n");
      if (!c.v.tempfail) listed = 1;
    }
    else outs(" verdict: pass\n");
    if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout");
  }
  return listed ? 1 : failed ? 111 : 0;
}
