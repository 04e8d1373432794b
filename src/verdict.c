/* verdict: what counts as a listing, and rblsmtpd's ordered decision taken
   from answers that arrive in any order. */

#include <string.h>
#include "verdict.h"

enum a_class_e { A_NONE, A_VALID, A_IGNORED, A_ERRORCODE, A_OUTSIDE };

/* RFC 5782: 127.0.0.2 and up list; 127.0.0.1 must never be a listing;
   Spamhaus answers 127.255.255.0/24 for refused or rate-limited resolvers;
   anything outside 127/8 is a resolver that rewrites NXDOMAIN. */
static int a_class (uint8_t const a[4])
{
  if (a[0] != 127) return A_OUTSIDE;
  if (a[1] == 255 && a[2] == 255) return A_ERRORCODE;
  if (a[1] == 0 && a[2] == 0 && a[3] == 1) return A_IGNORED;
  return A_VALID;
}

/* The A answer on its own: A_VALID (first valid record in *deciding),
   an error class (offending record in *deciding), or A_NONE. */
static int a_answer (listanswer const *ans, uint8_t deciding[4])
{
  int valid = -1;
  unsigned i;
  for (i = 0; i < ans->na && i < LISTANSWER_A_MAX; i++)
  {
    int c = a_class(ans->a[i]);
    if (c == A_ERRORCODE || c == A_OUTSIDE)
    {
      memcpy(deciding, ans->a[i], 4);
      return c;
    }
    if (c == A_VALID && valid < 0) valid = (int)i;
  }
  if (valid < 0) return A_NONE;
  memcpy(deciding, ans->a[valid], 4);
  return A_VALID;
}

static void set_failed (listresult *r, uint8_t failure)
{
  r->state = LISTRESULT_FAILED;
  r->failure = failure ? failure : FAILURE_OTHER;
}

void verdict_classify (listspec const *spec, listanswer const *ans, listresult *r)
{
  int ac = A_NONE;
  memset(r, 0, sizeof *r);
  if (ans->astate == ANSWER_RECORDS)
  {
    ac = a_answer(ans, r->a);
    if (ac == A_ERRORCODE || ac == A_OUTSIDE)
    {
      r->hasa = 1;
      set_failed(r, ac == A_ERRORCODE ? FAILURE_ERRORCODE : FAILURE_OUTSIDE);
      return;
    }
  }

  if (spec->anti)
  {
    if (ans->astate == ANSWER_PENDING) r->state = LISTRESULT_PENDING;
    else if (ans->astate == ANSWER_FAILED) set_failed(r, ans->afailure);
    else if (ac == A_VALID) { r->state = LISTRESULT_LISTED; r->hasa = 1; }
    else r->state = LISTRESULT_NONE;
    return;
  }

  /* -r list. A name that does not exist answers both questions. */
  if (ans->astate == ANSWER_NXDOMAIN || ans->txtstate == ANSWER_NXDOMAIN)
  {
    r->state = LISTRESULT_NONE;
    return;
  }
  /* Until the A is in, it may yet be an error code or decide alone. */
  if (ans->astate == ANSWER_PENDING || ans->txtstate == ANSWER_PENDING)
  {
    r->state = LISTRESULT_PENDING;
    return;
  }
  if (ans->txtstate == ANSWER_RECORDS && ans->txtlen)
  {
    r->text = ans->txt;
    r->textlen = ans->txtlen;
  }
  if (ans->astate == ANSWER_RECORDS)
  {
    /* valid A records decide; only 127.0.0.1 means not listed */
    r->hasa = ac == A_VALID;
    r->state = ac == A_VALID ? LISTRESULT_LISTED : LISTRESULT_NONE;
    return;
  }
  /* no usable A: TXT decides, as in rblsmtpd */
  if (r->text) r->state = LISTRESULT_LISTED;
  else if (ans->txtstate == ANSWER_FAILED) set_failed(r, ans->txtfailure);
  else if (ans->astate == ANSWER_FAILED) set_failed(r, ans->afailure);
  else r->state = LISTRESULT_NONE;
}

/* Outcome of the lists from i on, given whether a failure came before.
   Computed back to front for both values of hadfailure, so the whole
   decision is O(n) however the pending results are spread. */
typedef struct outcome_s outcome;
struct outcome_s
{
  uint8_t kind;     /* VERDICT_* (UNDECIDED = depends on a pending result) */
  uint8_t tempfail;
  uint16_t code;
  int decider;
};

void verdict_decide (listspec const *specs, listresult const *res, unsigned n, verdict *v)
{
  outcome next[2] = { { VERDICT_PASS, 0, 0, -1 }, { VERDICT_PASS, 0, 0, -1 } };
  unsigned i = n;
  while (i--)
  {
    outcome cur[2];
    unsigned hf;
    for (hf = 0; hf < 2; hf++)
    {
      outcome *o = &cur[hf];
      listspec const *s = &specs[i];
      o->tempfail = 0;
      o->code = 0;
      o->decider = (int)i;
      switch (res[i].state)
      {
        case LISTRESULT_NONE:
          *o = next[hf];
          break;
        case LISTRESULT_LISTED:
          if (s->anti) o->kind = VERDICT_PASS;
          else
          {
            o->kind = VERDICT_BLOCK;
            o->code = (hf || !s->b553) ? 451 : 553;
          }
          break;
        case LISTRESULT_FAILED:
          if (s->anti) *o = s->failclosed ? next[1] : (outcome){ VERDICT_PASS, 0, 0, (int)i };
          else if (s->failclosed) { o->kind = VERDICT_BLOCK; o->code = 451; o->tempfail = 1; }
          else *o = next[1];
          break;
        default:  /* pending */
          if (s->anti)
          {
            /* allow-listed passes; fail-open passes; so the only question
               is whether what follows passes whatever this answers */
            outcome failbranch = s->failclosed ? next[1] : (outcome){ VERDICT_PASS, 0, 0, (int)i };
            if (next[hf].kind == VERDICT_PASS && failbranch.kind == VERDICT_PASS)
              o->kind = VERDICT_PASS, o->decider = -1;
            else o->kind = VERDICT_UNDECIDED;
          }
          else o->kind = VERDICT_UNDECIDED;  /* a listing here would decide with its own text */
          break;
      }
    }
    next[0] = cur[0];
    next[1] = cur[1];
  }
  v->kind = next[0].kind;
  v->code = next[0].code;
  v->tempfail = next[0].tempfail;
  v->decider = next[0].kind == VERDICT_UNDECIDED ? -1 : next[0].decider;
}

void verdict_from_env (char const *s, verdict *v, char const **text, size_t *len)
{
  v->decider = -1;
  v->tempfail = 0;
  if (!*s)
  {
    v->kind = VERDICT_PASS;
    v->code = 0;
    *text = s;
    *len = 0;
    return;
  }
  v->kind = VERDICT_BLOCK;
  v->code = 451;
  if (*s == '-') { v->code = 553; s++; }
  *text = s;
  *len = strlen(s);
}
