/* test_smtpgate_dialog: the limited dialogue run in-process against a forked client over a socketpair, byte for byte and against the clock. */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <skalibs/tai.h>
#include "check.h"
#include "smtpgate_dialog.h"

#define G "220 rblsmtpd.local\r\n"
#define OK "250 rblsmtpd.local\r\n"
#define BYE "221 rblsmtpd.local\r\n"
#define MSG "451 Go away"
#define E MSG "\r\n"

#define GOTMAX (1024 * 1024)

typedef struct
{
  char const *data;
  size_t len;
  size_t chunk;        /* 0: everything in one write */
  int delay_ms;        /* between chunks */
  size_t flood;        /* then this many bytes of "NOOP\r\n" lines */
  int shut;            /* shutdown(SHUT_WR) after sending */
  int closeafter;      /* close the socket right after sending, reading nothing */
  int noread;          /* never read; wait for the server to go away */
  int hold_ms;         /* after sending, wait this long before reading */
} client;

typedef struct
{
  char got[GOTMAX];
  size_t gotlen;
  int rc;
  int err;
  double secs;
  int childstatus;
} outcome;

static double now (void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void msleep (int ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR) ;
}

static int writeall (int fd, char const *s, size_t len)
{
  while (len)
  {
    ssize_t w = write(fd, s, len);
    if (w < 0) { if (errno == EINTR) continue; return -1; }
    s += w; len -= (size_t)w;
  }
  return 0;
}

/* The client side, in the child. Reports what it received through rep. */
static void runclient (int fd, client const *c, int rep)
{
  static char buf[GOTMAX];
  size_t n = 0;
  size_t off = 0;
  signal(SIGPIPE, SIG_IGN);
  while (off < c->len)
  {
    size_t k = c->chunk && c->chunk < c->len - off ? c->chunk : c->len - off;
    if (writeall(fd, c->data + off, k) < 0) break;
    off += k;
    if (c->delay_ms && off < c->len) msleep(c->delay_ms);
  }
  if (c->flood)
  {
    static char lines[6 * 4096];
    size_t i, sent = 0;
    for (i = 0; i < sizeof lines; i += 6) memcpy(lines + i, "NOOP\r\n", 6);
    while (sent < c->flood)
    {
      size_t k = c->flood - sent < sizeof lines ? c->flood - sent : sizeof lines;
      if (writeall(fd, lines, k) < 0) break;
      sent += k;
    }
  }
  if (c->closeafter) { close(fd); _exit(0); }
  if (c->shut) shutdown(fd, SHUT_WR);
  if (c->hold_ms) msleep(c->hold_ms);
  if (c->noread)
  {
    struct pollfd p = { .fd = fd, .events = 0, .revents = 0 };
    poll(&p, 1, 10000);
    _exit(0);
  }
  for (;;)
  {
    struct pollfd p = { .fd = fd, .events = POLLIN, .revents = 0 };
    ssize_t r;
    if (poll(&p, 1, 10000) <= 0) break;
    r = read(fd, buf + n, sizeof buf - n);
    if (r <= 0) break;
    n += (size_t)r;
    if (n == sizeof buf) break;
  }
  writeall(rep, buf, n);
  _exit(0);
}

static long vmhwm_kb (void)
{
  char b[4096];
  int fd = open("/proc/self/status", O_RDONLY);
  ssize_t n;
  char *p;
  if (fd < 0) return -1;
  n = read(fd, b, sizeof b - 1);
  close(fd);
  if (n <= 0) return -1;
  b[n] = 0;
  p = strstr(b, "VmHWM:");
  return p ? strtol(p + 6, 0, 10) : -1;
}

/* Runs the dialogue on one end of a socketpair (or on two pipes) with the
   client in a child. deadline_ms < 0 means NULL deadline. */
static void dialog (outcome *o, client const *c, char const *msg, size_t msglen, int deadline_ms, int usepipes, int preread)
{
  int sv[2], rep[2], in[2], out[2];
  int fdin, fdout, cfdr = -1, cfdw = -1;
  pid_t pid;
  tain deadline, tto;
  double t0;

  memset(o, 0, sizeof *o);
  o->gotlen = 0;
  if (pipe(rep) < 0) { perror("pipe"); exit(111); }
  if (usepipes)
  {
    if (pipe(in) < 0 || pipe(out) < 0) { perror("pipe"); exit(111); }
    fdin = in[0]; cfdw = in[1]; fdout = out[1]; cfdr = out[0];
  }
  else
  {
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) { perror("socketpair"); exit(111); }
    fdin = fdout = sv[0];
  }
  fflush(stdout);
  pid = fork();
  if (pid < 0) { perror("fork"); exit(111); }
  if (!pid)
  {
    close(rep[0]);
    if (usepipes)
    {
      /* the client code wants one fd for both ways: give it a socketpair
         bridged by this child's own two directions */
      close(fdin); close(fdout);
      if (c->noread || c->closeafter)
      {
        client cc = *c;
        runclient(cfdw, &cc, rep[1]);
      }
      else
      {
        /* send, then read the other pipe */
        client cc = *c;
        size_t off = 0;
        signal(SIGPIPE, SIG_IGN);
        while (off < cc.len)
        {
          size_t k = cc.chunk && cc.chunk < cc.len - off ? cc.chunk : cc.len - off;
          if (writeall(cfdw, cc.data + off, k) < 0) break;
          off += k;
          if (cc.delay_ms) msleep(cc.delay_ms);
        }
        if (cc.shut) close(cfdw);
        cc.data = 0; cc.len = 0; cc.shut = 0; cc.flood = 0;
        runclient(cfdr, &cc, rep[1]);
      }
    }
    else
    {
      close(sv[0]);
      runclient(sv[1], c, rep[1]);
    }
  }
  close(rep[1]);
  if (usepipes) { close(cfdr); close(cfdw); } else close(sv[1]);

  if (preread)
  {
    struct pollfd p = { .fd = fdin, .events = POLLIN, .revents = 0 };
    poll(&p, 1, 5000);
  }
  tain_now_set_stopwatch_g();
  if (deadline_ms >= 0)
  {
    tain_from_millisecs(&tto, deadline_ms);
    tain_add_g(&deadline, &tto);
  }
  t0 = now();
  errno = 0;
  o->rc = smtpgate_dialog_run(fdin, fdout, msg, msglen, deadline_ms >= 0 ? &deadline : 0);
  o->err = errno;
  o->secs = now() - t0;

  if (preread)
  {
    /* the NULL-deadline mode must not have touched the input */
    char b[64];
    ssize_t r = read(fdin, b, sizeof b);
    CHECK(r == 6 && !memcmp(b, "HELO\r\n", 6), "deadline NULL: input left unread");
  }
  CHECK(fcntl(fdin, F_GETFL) & O_NONBLOCK, "fdin switched to non-blocking");
  CHECK(fcntl(fdout, F_GETFL) & O_NONBLOCK, "fdout switched to non-blocking");
  close(fdin);
  if (fdout != fdin) close(fdout);

  for (;;)
  {
    struct pollfd p = { .fd = rep[0], .events = POLLIN, .revents = 0 };
    ssize_t r;
    if (poll(&p, 1, 15000) <= 0) break;
    r = read(rep[0], o->got + o->gotlen, sizeof o->got - o->gotlen);
    if (r <= 0) break;
    o->gotlen += (size_t)r;
    if (o->gotlen == sizeof o->got) break;
  }
  close(rep[0]);
  waitpid(pid, &o->childstatus, 0);
}

static outcome o;

#define GOT(want, name) CHECK_MEM(o.got, o.gotlen, want, name)

static void t_transcript (void)
{
  static char const in[] = "HELO client.example\r\nMAIL FROM:<sender@example.org>\r\nRCPT TO:<rcpt@example.net>\r\nDATA\r\nQUIT\r\n";
  static char const want[] = G OK OK E E BYE;
  client c = { .data = in, .len = sizeof in - 1 };
  dialog(&o, &c, MSG, sizeof MSG - 1, 5000, 0, 0);
  GOT(want, "standard transcript, pipelined in one write");
  CHECK(o.rc == 0 && o.secs < 2, "returns 0 at QUIT, long before the deadline");

  c.chunk = 1; c.delay_ms = 1;
  dialog(&o, &c, MSG, sizeof MSG - 1, 10000, 0, 0);
  GOT(want, "standard transcript, one byte per write");
  CHECK(o.rc == 0, "one byte per write: 0");

  c.chunk = 7; c.delay_ms = 2;
  dialog(&o, &c, MSG, sizeof MSG - 1, 10000, 1, 0);
  GOT(want, "standard transcript over two pipes, 7-byte chunks");
  CHECK(o.rc == 0, "two pipes: 0");
}

static void t_lines (void)
{
  static char const in[] = "ehlo x\r\nHeLo\r\nHELOx\r\n HELO\r\nNOOP\r\r\nNO\rOP\r\nNOOP\nHELO\tx\r\nrset\r\n\r\nNO\0OP\r\nnoop x\0y\r\nquit now\r\nNOOP\r\n";
  static char const want[] = G OK OK E E E E OK E OK E E OK BYE;
  client c = { .data = in, .len = sizeof in - 1 };
  dialog(&o, &c, MSG, sizeof MSG - 1, 5000, 0, 0);
  GOT(want, "rblsmtpd's line rules; nothing after QUIT");
}

static void t_eof (void)
{
  static char const in[] = "HELO x\r\nQUI";
  client c = { .data = in, .len = sizeof in - 1, .shut = 1 };
  dialog(&o, &c, MSG, sizeof MSG - 1, 5000, 0, 0);
  GOT(G OK, "EOF mid-line: unterminated line dropped");
  CHECK(o.rc == 0 && o.secs < 2, "EOF mid-line: returns 0 at once");

  c.data = ""; c.len = 0;
  dialog(&o, &c, MSG, sizeof MSG - 1, 5000, 0, 0);
  GOT(G, "EOF at once: greeting only");
  CHECK(o.rc == 0 && o.secs < 2, "EOF at once: returns 0 at once");

  c.data = "DATA\r\n"; c.len = 6; c.chunk = 0;
  dialog(&o, &c, MSG, sizeof MSG - 1, 5000, 1, 0);
  GOT(G E, "pipes: EOF after a line: reply then return");
  CHECK(o.rc == 0 && o.secs < 2, "pipes: EOF: returns 0 at once");
}

static void t_deadline (void)
{
  client c = { .data = "HELO x\r\n", .len = 8, .hold_ms = 3000 };
  dialog(&o, &c, MSG, sizeof MSG - 1, 500, 0, 0);
  GOT(G OK, "deadline: nothing more sent (no 421)");
  CHECK(o.rc == 0, "deadline: returns 0");
  CHECK(o.secs >= 0.45 && o.secs < 1.2, "deadline 500 ms: returns at about 0.5 s");

  /* a whole-dialogue limit: an active client does not extend it */
  {
    static char lines[6 * 200];
    size_t i;
    for (i = 0; i < sizeof lines; i += 6) memcpy(lines + i, "NOOP\r\n", 6);
    c.data = lines; c.len = sizeof lines; c.chunk = 6; c.delay_ms = 10; c.hold_ms = 0;
    dialog(&o, &c, MSG, sizeof MSG - 1, 600, 0, 0);
    CHECK(o.rc == 0 && o.secs >= 0.55 && o.secs < 1.3, "active client: still ends at the 600 ms deadline");
    CHECK(o.gotlen > 20 && o.gotlen < sizeof G - 1 + 200 * (sizeof OK - 1) && !memcmp(o.got, G, sizeof G - 1), "active client: got some 250s, not all");
  }

  /* deadline already past */
  c.data = "NOOP\r\n"; c.len = 6; c.chunk = 0; c.delay_ms = 0; c.hold_ms = 300;
  dialog(&o, &c, MSG, sizeof MSG - 1, 0, 0, 0);
  GOT("", "deadline already past: nothing sent");
  CHECK(o.rc == 0 && o.secs < 0.2, "deadline already past: returns 0 at once");
}

static void t_null (void)
{
  client c = { .data = "HELO\r\n", .len = 6 };
  dialog(&o, &c, MSG, sizeof MSG - 1, -1, 0, 1);
  GOT(E, "deadline NULL: only the error line");
  CHECK(o.rc == 0 && o.secs < 1, "deadline NULL: returns 0 at once");

  c.data = ""; c.len = 0; c.noread = 1;
  dialog(&o, &c, "553 ", 4, -1, 0, 0);
  CHECK(o.rc == 0 && o.secs < 1, "deadline NULL, client not reading: returns 0 at once");
}

static void t_flood (void)
{
  long before = vmhwm_kb(), after;
  client c = { .flood = 20 * 1024 * 1024, .noread = 1 };
  dialog(&o, &c, MSG, sizeof MSG - 1, 1000, 0, 0);
  after = vmhwm_kb();
  CHECK(o.rc == 0, "flood without reading: returns 0");
  CHECK(o.secs >= 0.95 && o.secs < 2.0, "flood without reading: returns at the 1 s deadline");
  CHECK(before > 0 && after - before < 1024, "flood without reading: peak memory grew < 1 MiB");
  CHECK(WIFEXITED(o.childstatus), "flood client ended (its writes failed once we closed)");

  /* same flood over pipes */
  dialog(&o, &c, MSG, sizeof MSG - 1, 1000, 1, 0);
  CHECK(o.rc == 0 && o.secs >= 0.95 && o.secs < 2.0, "pipes: flood without reading: returns at the deadline");

  /* a reader gets every reply, in order, for a flood it pipelines */
  {
    client s = { .flood = 6 * 3000, .shut = 1 };
    size_t i;
    int allok;
    dialog(&o, &s, MSG, sizeof MSG - 1, 10000, 0, 0);
    allok = o.gotlen == sizeof G - 1 + 3000 * (sizeof OK - 1) && !memcmp(o.got, G, sizeof G - 1);
    for (i = sizeof G - 1; allok && i < o.gotlen; i += sizeof OK - 1)
      if (memcmp(o.got + i, OK, sizeof OK - 1)) allok = 0;
    CHECK(allok, "3000 pipelined NOOPs: exactly 3000 250s");
    CHECK(o.rc == 0 && o.secs < 5, "3000 pipelined NOOPs: returns 0 at EOF");
  }
}

static void t_gone (void)
{
  /* the client pipelines commands and closes without reading: the replies
     fail (EPIPE or ECONNRESET), which is "client gone", not an error. Small
     enough to fit the buffers, so the client gets to close. */
  client c = { .flood = 6 * 2000, .closeafter = 1 };
  dialog(&o, &c, MSG, sizeof MSG - 1, 5000, 0, 0);
  CHECK(o.rc == 0 && o.secs < 2, "client gone mid-dialogue: returns 0 at once");
  dialog(&o, &c, MSG, sizeof MSG - 1, 5000, 1, 0);
  CHECK(o.rc == 0 && o.secs < 2, "pipes: client gone: returns 0 at once");
}

static void t_bigline (void)
{
  size_t big = 1024 * 1024;
  char *s = malloc(big + 32);
  client c;
  if (!s) { CHECK(0, "malloc"); return; }
  memcpy(s, "HELO ", 5);
  memset(s + 5, 'x', big);
  memcpy(s + 5 + big, "\r\nQUIT\r\n", 8);
  memset(&c, 0, sizeof c);
  c.data = s; c.len = big + 13;
  dialog(&o, &c, MSG, sizeof MSG - 1, 10000, 0, 0);
  GOT(G OK BYE, "1 MiB HELO argument, then QUIT");
  memset(s, 'X', big);
  memcpy(s + big, "\r\nQUIT\r\n", 8);
  c.len = big + 8;
  dialog(&o, &c, MSG, sizeof MSG - 1, 10000, 0, 0);
  GOT(G E BYE, "1 MiB verb, then QUIT");
  free(s);
}

static void t_msg (void)
{
  /* the message is whatever the caller gives, sent verbatim */
  static char const m[] = "553 sorry";
  client c = { .data = "RCPT TO:<a>\r\nQUIT\r\n", .len = 19 };
  dialog(&o, &c, m, sizeof m - 1, 5000, 0, 0);
  GOT(G "553 sorry\r\n" BYE, "553 message sent as given");

  /* an absurdly long message is cut, never overflows */
  {
    static char longmsg[10000];
    memset(longmsg, 'm', sizeof longmsg);
    dialog(&o, &c, longmsg, sizeof longmsg, 5000, 0, 0);
    CHECK(o.gotlen > sizeof G - 1 + 200 && o.gotlen < sizeof G - 1 + sizeof longmsg + sizeof BYE
      && !memcmp(o.got + o.gotlen - (sizeof BYE - 1) - 3, "m\r\n" BYE, sizeof BYE + 2), "10000-byte message: cut, CRLF, then 221");
  }
}

int main (void)
{
  signal(SIGPIPE, SIG_IGN);   /* as rblgate's main does */
  t_transcript();
  t_lines();
  t_eof();
  t_deadline();
  t_null();
  t_msg();
  t_bigline();
  t_gone();
  t_flood();
  CHECK_DONE();
}
