/* smtpgate_dialog: the limited SMTP dialogue with a blocked client. I/O. */
#ifndef RBLGATE_SMTPGATE_DIALOG_H
#define RBLGATE_SMTPGATE_DIALOG_H

#include <stddef.h>
#include <skalibs/tai.h>

#define SMTPGATE_HOST "rblsmtpd.local"

/* Speaks to the client on fdin/fdout (they may be the same socket) and
   switches them to non-blocking: greeting "220 rblsmtpd.local", 250 to
   HELO EHLO MAIL RSET NOOP, 221 to QUIT (then returns), msg (the error line,
   without CRLF) to anything else. Returns at QUIT, EOF, a read or write
   error, or when the absolute deadline (STAMP-based) passes, sending nothing
   more. With deadline NULL, writes msg CRLF once, reads nothing, and returns.
   Output waiting for a client that does not read is bounded: input is not
   read while replies are queued. Returns 0, or -1 if iopause failed (errno). */
extern int smtpgate_dialog_run (int fdin, int fdout, char const *msg, size_t msglen, tain const *deadline);

#endif
