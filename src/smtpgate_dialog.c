/* smtpgate_dialog: rblsmtpd's limited SMTP dialogue on non-blocking fds, with fixed buffers and a deadline. */

#include <errno.h>
#include <string.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/iopause.h>
#include <skalibs/tai.h>
#include "smtpline.h"
#include "smtpgate_dialog.h"

/* Bytes taken from the client per read; lines are consumed as they come, so
   this bounds nothing but the work done per pass. */
#define SMTPGATE_INMAX 4096
/* Replies waiting for the client. Input is left unread while this cannot take
   one more reply, so a client that never reads holds at most this much. */
#define SMTPGATE_OUTMAX 4096

static char const smtpgate_greeting[] = "220 " SMTPGATE_HOST "\r\n";
static char const smtpgate_ok[] = "250 " SMTPGATE_HOST "\r\n";
static char const smtpgate_bye[] = "221 " SMTPGATE_HOST "\r\n";

typedef struct smtpgate_out_s smtpgate_out;
struct smtpgate_out_s
{
  char buf[SMTPGATE_OUTMAX];
  size_t pos;   /* bytes already written */
  size_t len;   /* bytes queued */
};

static void smtpgate_put (smtpgate_out *o, char const *s, size_t n)
{
  memcpy(o->buf + o->len, s, n);
  o->len += n;
}

static void smtpgate_puterr (smtpgate_out *o, char const *msg, size_t msglen)
{
  smtpgate_put(o, msg, msglen);
  smtpgate_put(o, "\r\n", 2);
}

int smtpgate_dialog_run (int fdin, int fdout, char const *msg, size_t msglen, tain const *deadline)
{
  char in[SMTPGATE_INMAX];
  size_t inpos = 0, inlen = 0;
  smtpgate_out out = { .pos = 0, .len = 0 };
  smtpline st = SMTPLINE_ZERO;
  size_t maxreply;
  int done = 0;   /* nothing more to read: return once the output is out */

  /* the error line is smtptext's (about 200 bytes): a longer one is cut, never overflowed */
  if (msglen > SMTPGATE_OUTMAX - 2) msglen = SMTPGATE_OUTMAX - 2;
  maxreply = msglen + 2;
  if (maxreply < sizeof smtpgate_ok - 1) maxreply = sizeof smtpgate_ok - 1;

  /* Only fails on a bad fd, which the I/O below reports anyway. */
  (void)ndelay_on(fdin);
  if (fdout != fdin) (void)ndelay_on(fdout);

  if (!deadline)
  {
    smtpgate_puterr(&out, msg, msglen);
    done = 1;
  }
  else
  {
    if (!tain_future(deadline)) return 0;
    smtpgate_put(&out, smtpgate_greeting, sizeof smtpgate_greeting - 1);
  }

  for (;;)
  {
    iopause_fd x;
    int r;

    while (!done && inpos < inlen && SMTPGATE_OUTMAX - out.len >= maxreply)
    {
      int reply;
      inpos += smtpline_feed(&st, in + inpos, inlen - inpos, &reply);
      switch (reply)
      {
        case SMTPLINE_OK: smtpgate_put(&out, smtpgate_ok, sizeof smtpgate_ok - 1); break;
        case SMTPLINE_QUIT: smtpgate_put(&out, smtpgate_bye, sizeof smtpgate_bye - 1); done = 1; break;
        case SMTPLINE_ERROR: smtpgate_puterr(&out, msg, msglen); break;
        default: break;
      }
    }
    if (out.pos == out.len)
    {
      if (done) return 0;
      out.pos = out.len = 0;
      if (inpos < inlen) continue;
      inpos = inlen = 0;
      x.fd = fdin;
      x.events = IOPAUSE_READ;
    }
    else
    {
      x.fd = fdout;
      x.events = IOPAUSE_WRITE;
    }

    /* Always wait first, even when the fd is probably ready: it is what
       refreshes STAMP, so a client that keeps us busy still meets the deadline. */
    x.revents = 0;
    r = iopause_g(&x, 1, deadline);
    if (r < 0) return -1;
    if (deadline && !tain_future(deadline)) return 0;
    if (!x.revents) continue;

    if (x.events == IOPAUSE_WRITE)
    {
      ssize_t w = fd_write(fdout, out.buf + out.pos, out.len - out.pos);
      if (w < 0)
      {
        if (errno == EAGAIN || errno == EWOULDBLOCK) continue;
        return 0;   /* EPIPE, ECONNRESET...: the client is gone */
      }
      out.pos += (size_t)w;
    }
    else
    {
      ssize_t n = fd_read(fdin, in, sizeof in);
      if (n < 0)
      {
        if (errno == EAGAIN || errno == EWOULDBLOCK) continue;
        return 0;
      }
      if (!n) return 0;   /* an unterminated last line is dropped, as rblsmtpd does */
      inpos = 0;
      inlen = (size_t)n;
    }
  }
}
