/* listspec: rblsmtpd's option semantics, recorded instead of acted upon. */

#include <stdint.h>
#include <skalibs/sgetopt.h>
#include "listspec.h"
#include "revname.h"

uint32_t listspec_scan_dialogue (char const *s)
{
  uint64_t v = 0;
  for (; *s >= '0' && *s <= '9'; s++)
  {
    v = v * 10 + (uint64_t)(*s - '0');
    if (v > UINT32_MAX) return UINT32_MAX;
  }
  return (uint32_t)v;
}

int listspec_scan_deadline (char const *s, uint32_t *ms)
{
  uint64_t whole = 0, frac = 0;
  unsigned ndig = 0, nfrac = 0;
  for (; *s >= '0' && *s <= '9'; s++, ndig++)
  {
    whole = whole * 10 + (uint64_t)(*s - '0');
    if (whole > LISTSPEC_DEADLINE_MAX / 1000) return 0;
  }
  if (*s == '.')
  {
    for (s++; *s >= '0' && *s <= '9'; s++, nfrac++)
    {
      if (nfrac >= 3) return 0;
      frac = frac * 10 + (uint64_t)(*s - '0');
    }
    if (!nfrac) return 0;
  }
  if (*s || !ndig) return 0;
  for (; nfrac < 3; nfrac++) frac *= 10;
  whole = whole * 1000 + frac;
  if (!whole || whole > LISTSPEC_DEADLINE_MAX) return 0;
  *ms = (uint32_t)whole;
  return 1;
}

char const *listspec_why (int err)
{
  switch (err)
  {
    case LISTSPEC_ILLEGAL: return "illegal option -- ";
    case LISTSPEC_NOARG: return "option requires an argument -- ";
    case LISTSPEC_TOOMANY: return "too many lists: the limit is 32";
    case LISTSPEC_BADBASE: return "invalid zone name given to -";
    default: return "invalid -T deadline: seconds in (0, 600] expected";
  }
}

static int has_argument (char c)
{
  char const *p = LISTSPEC_OPTIONS;
  for (; *p; p++) if (*p == c) return p[1] == ':';
  return 0;
}

int listspec_parse (int argc, char const *const *argv, gateopts *o, int *err, char *letter)
{
  subgetopt l = SUBGETOPT_ZERO;
  uint8_t b553 = 0, failclosed = 0;
  o->nlists = 0;
  o->dialogue = LISTSPEC_DIALOGUE_DEFAULT;
  o->deadline = LISTSPEC_DEADLINE_DEFAULT;
  *err = LISTSPEC_OK;
  for (;;)
  {
    int opt = subgetopt_r(argc, argv, LISTSPEC_OPTIONS, &l);
    if (opt == -1) break;
    *letter = (char)opt;
    switch (opt)
    {
      case 'b': b553 = 1; break;
      case 'B': b553 = 0; break;
      case 'c': failclosed = 1; break;
      case 'C': failclosed = 0; break;
      case 't': o->dialogue = listspec_scan_dialogue(l.arg); break;
      case 'T':
        if (!listspec_scan_deadline(l.arg, &o->deadline)) { *err = LISTSPEC_BADDEADLINE; return -1; }
        break;
      case 'r':
      case 'a':
      {
        listspec *s;
        if (o->nlists >= LISTSPEC_MAX) { *err = LISTSPEC_TOOMANY; return -1; }
        if (!revname_checkbase(l.arg)) { *err = LISTSPEC_BADBASE; return -1; }
        s = &o->list[o->nlists++];
        s->base = l.arg;
        s->anti = opt == 'a';
        s->b553 = b553;
        s->failclosed = failclosed;
        break;
      }
      default:
        *letter = (char)l.problem;
        *err = has_argument((char)l.problem) ? LISTSPEC_NOARG : LISTSPEC_ILLEGAL;
        return -1;
    }
  }
  return l.ind;
}
