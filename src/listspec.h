/* listspec: rblsmtpd's command line (-r -a -b -B -c -C -t) and rblgate's own
   options, into an ordered list of lists, each with the flags in force where
   it appeared. Pure. */
#ifndef RBLGATE_LISTSPEC_H
#define RBLGATE_LISTSPEC_H

#include <stdint.h>

#define LISTSPEC_MAX 32
#define LISTSPEC_DIALOGUE_DEFAULT 60      /* -t, seconds */
#define LISTSPEC_DEADLINE_DEFAULT 10000   /* -T, milliseconds */
#define LISTSPEC_DEADLINE_MAX 600000
#define LISTSPEC_OPTIONS "bBcCt:T:r:a:"

typedef struct listspec_s listspec;
struct listspec_s
{
  char const *base;      /* zone, as given */
  uint8_t anti;          /* 1: -a (allow list), 0: -r (block list) */
  uint8_t b553;          /* -b was in force: a listing answers 553 */
  uint8_t failclosed;    /* -c was in force */
};

typedef struct gateopts_s gateopts;
struct gateopts_s
{
  listspec list[LISTSPEC_MAX];
  unsigned nlists;
  uint32_t dialogue;     /* -t seconds; 0 = send the error line only */
  uint32_t deadline;     /* -T milliseconds for all lookups together */
};

enum listspec_error_e
{
  LISTSPEC_OK = 0,
  LISTSPEC_ILLEGAL,      /* unknown option letter */
  LISTSPEC_NOARG,        /* option needs an argument */
  LISTSPEC_TOOMANY,      /* more than LISTSPEC_MAX lists */
  LISTSPEC_BADBASE,      /* -r/-a zone is not a valid domain name */
  LISTSPEC_BADDEADLINE   /* -T is not a number of seconds in (0, 600] */
};

/* Parses argv. On success returns the index of the first argument that is
   not an option (the program to run; it may equal argc). On error returns -1,
   sets *err to a LISTSPEC_* code and *letter to the option concerned. */
extern int listspec_parse (int argc, char const *const *argv, gateopts *o, int *err, char *letter);

/* The message for a listspec_parse error, to be followed by the option
   letter (ILLEGAL, NOARG, BADBASE) or by nothing. ILLEGAL and NOARG are
   usage errors: the usage line follows them. */
extern char const *listspec_why (int err);

/* rblsmtpd's -t: the value of the leading decimal digits (none = 0),
   saturated at UINT32_MAX instead of wrapping. */
extern uint32_t listspec_scan_dialogue (char const *s);

/* -T: seconds with up to three decimals ("2", "0.5", "2.25") into
   milliseconds. Returns 1 and sets *ms if valid and within
   (0, LISTSPEC_DEADLINE_MAX], 0 otherwise. */
extern int listspec_scan_deadline (char const *s, uint32_t *ms);

#endif
