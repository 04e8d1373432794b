/* smtpline: the command reader of the limited SMTP dialogue, as a byte-fed
   state machine that keeps only what decides the reply (the verb), so any
   line length costs constant memory. Pure. */
#ifndef RBLGATE_SMTPLINE_H
#define RBLGATE_SMTPLINE_H

#include <stddef.h>

#define SMTPLINE_VERBMAX 8

enum smtpline_reply_e
{
  SMTPLINE_MORE = 0,   /* no complete line yet */
  SMTPLINE_OK,         /* HELO EHLO MAIL RSET NOOP: "250 rblsmtpd.local" */
  SMTPLINE_QUIT,       /* QUIT: "221 rblsmtpd.local", then close */
  SMTPLINE_ERROR       /* anything else: the error line */
};

typedef struct smtpline_s smtpline;
struct smtpline_s
{
  char verb[SMTPLINE_VERBMAX];
  size_t verblen;      /* may exceed SMTPLINE_VERBMAX: then the verb is no known one */
  unsigned char inverb;
  unsigned char lastcr;
};
#define SMTPLINE_ZERO { .verb = { 0 }, .verblen = 0, .inverb = 1, .lastcr = 0 }

/* Reads s[0..len) up to and including the first LF. Returns the number of
   bytes consumed; *reply is SMTPLINE_MORE if all of s was consumed without
   finishing a line, otherwise the reply to the line just finished (and the
   state is reset for the next line). rblsmtpd's rules: the verb is what
   precedes the first space, compared case-insensitively; one CR before the
   LF is dropped; a NUL is an ordinary (non-matching) byte; no length limit. */
extern size_t smtpline_feed (smtpline *st, char const *s, size_t len, int *reply);

#endif
