/* smtptext: reply and log text hygiene, so that list text can never inject
   SMTP replies or log lines. Pure. */
#ifndef RBLGATE_SMTPTEXT_H
#define RBLGATE_SMTPTEXT_H

#include <stddef.h>
#include <stdint.h>
#include "ipaddr.h"

#define SMTPTEXT_MAX 200                      /* bytes of text, as rblsmtpd caps it */
#define SMTPTEXT_REPLYMAX (SMTPTEXT_MAX + 4)  /* "451 " and the text */

/* The error line M without CRLF: the three-digit code, a space, then text
   cut at SMTPTEXT_MAX bytes; every byte outside 32..126 replaced by '?'.
   dst holds SMTPTEXT_REPLYMAX bytes. Returns the length. */
extern size_t smtptext_reply (char *dst, unsigned code, char const *text, size_t len);

/* Copies s[0..len) into dst (max bytes), every byte outside 32..126
   replaced by '?', cut at max. Returns the length. For log lines. */
extern size_t smtptext_clean (char *dst, size_t max, char const *s, size_t len);

/* The text used when a list lists by A record and gives no TXT:
   "CLIENT is listed by BASE (A)". Returns the length, 0 if it does not fit. */
extern size_t smtptext_listed (char *dst, size_t max, char const *base, ipaddr const *client, uint8_t const a[4]);

#endif
