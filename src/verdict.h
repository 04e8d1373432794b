/* verdict: from each list's answers to the decision, under rblsmtpd's ordered
   semantics, as soon as it is certain. Also what counts as a listing. Pure. */
#ifndef RBLGATE_VERDICT_H
#define RBLGATE_VERDICT_H

#include <stddef.h>
#include <stdint.h>
#include "listspec.h"

#define LISTANSWER_A_MAX 8
#define LISTANSWER_TXT_MAX 512

enum answer_state_e
{
  ANSWER_PENDING = 0,
  ANSWER_RECORDS,      /* NOERROR with records of the asked type */
  ANSWER_NXDOMAIN,
  ANSWER_NODATA,       /* NOERROR, no record of the asked type */
  ANSWER_FAILED        /* see failure */
};

enum answer_failure_e
{
  FAILURE_NONE = 0,
  FAILURE_TIMEOUT,     /* no answer before the deadline */
  FAILURE_SERVER,      /* SERVFAIL, REFUSED, no server reachable */
  FAILURE_MALFORMED,   /* answer could not be parsed */
  FAILURE_ERRORCODE,   /* A in 127.255.255.0/24: the list refuses to answer */
  FAILURE_OUTSIDE,     /* A outside 127.0.0.0/8: not a DNSBL answer */
  FAILURE_OTHER
};

/* What the lookup engine stores for one list: an A query and, for -r lists,
   a TXT query, asked at once. */
typedef struct listanswer_s listanswer;
struct listanswer_s
{
  uint8_t astate;                       /* ANSWER_* of the A query */
  uint8_t afailure;                     /* FAILURE_* when astate is FAILED */
  uint8_t txtstate;                     /* ANSWER_* of the TXT query (-r only) */
  uint8_t txtfailure;
  uint8_t na;                           /* A records kept */
  uint8_t a[LISTANSWER_A_MAX][4];
  uint16_t txtlen;
  char txt[LISTANSWER_TXT_MAX];         /* joined TXT strings, raw */
};

enum listresult_state_e
{
  LISTRESULT_PENDING = 0,
  LISTRESULT_NONE,     /* not listed */
  LISTRESULT_LISTED,   /* listed (-r) or allow-listed (-a) */
  LISTRESULT_FAILED    /* temporary failure or list error */
};

typedef struct listresult_s listresult;
struct listresult_s
{
  uint8_t state;
  uint8_t failure;     /* FAILURE_* when FAILED */
  uint8_t a[4];        /* the deciding A record (LISTED), or the bad one (ERRORCODE, OUTSIDE) */
  uint8_t hasa;
  char const *text;    /* LISTED by -r: the TXT text, 0 if the list gave none */
  size_t textlen;
};

/* One list's result from its answers. A valid listing A is in 127.0.0.0/8,
   not 127.0.0.1 and not in 127.255.255.0/24. Any A outside 127/8 or in
   127.255.255.0/24 makes the answer a list error. If the list gives valid
   A records, they decide (TXT only supplies the text); if it gives none, TXT
   alone decides, as with rblsmtpd. -a lists use the A query only. */
extern void verdict_classify (listspec const *spec, listanswer const *ans, listresult *r);

enum verdict_kind_e
{
  VERDICT_UNDECIDED = 0,
  VERDICT_PASS,
  VERDICT_BLOCK
};

typedef struct verdict_s verdict;
struct verdict_s
{
  uint8_t kind;
  uint8_t tempfail;    /* BLOCK because a -c list failed: text is rblsmtpd's "temporary RBL lookup error" */
  uint16_t code;       /* 451 or 553 when BLOCK */
  int decider;         /* index of the deciding list, -1 if none */
};

#define VERDICT_TEMPFAIL_TEXT "temporary RBL lookup error"

/* The decision rblsmtpd would take after asking the lists one by one in
   order, taken from results that may arrive in any order: BLOCK or PASS as
   soon as no pending result can change it, UNDECIDED otherwise. With every
   result known it is never UNDECIDED. */
extern void verdict_decide (listspec const *specs, listresult const *res, unsigned n, verdict *v);

/* $RBLSMTPD, if set (s non-null): empty means PASS; "-text" means BLOCK 553
   with text after the hyphen; other text means BLOCK 451. *text and *len
   give the text. */
extern void verdict_from_env (char const *s, verdict *v, char const **text, size_t *len);

#endif
