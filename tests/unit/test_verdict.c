/* test_verdict: what counts as a listing, and the early decision checked
   against a plain sequential model of rblsmtpd under every arrival order. */

#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "verdict.h"

static listspec spec_r = { "r.test", 0, 0, 0 };
static listspec spec_a = { "a.test", 1, 0, 0 };

static listresult classify (listspec const *s, uint8_t astate, uint8_t a0, uint8_t a1, uint8_t a2, uint8_t a3, uint8_t txtstate, char const *txt)
{
  static listanswer ans;   /* the result's text points into it */
  listresult r;
  memset(&ans, 0, sizeof ans);
  ans.astate = astate;
  if (astate == ANSWER_RECORDS)
  {
    ans.na = 1;
    ans.a[0][0] = a0; ans.a[0][1] = a1; ans.a[0][2] = a2; ans.a[0][3] = a3;
  }
  if (astate == ANSWER_FAILED) ans.afailure = FAILURE_TIMEOUT;
  ans.txtstate = txtstate;
  if (txtstate == ANSWER_FAILED) ans.txtfailure = FAILURE_SERVER;
  if (txt) { ans.txtlen = (uint16_t)strlen(txt); memcpy(ans.txt, txt, ans.txtlen); }
  verdict_classify(s, &ans, &r);
  return r;
}

static void test_classify (void)
{
  listresult r;
  r = classify(&spec_r, ANSWER_RECORDS, 127,0,0,2, ANSWER_RECORDS, "Listed");
  CHECK(r.state == LISTRESULT_LISTED && r.textlen == 6 && !memcmp(r.text, "Listed", 6) && r.hasa && r.a[3] == 2, "A 127.0.0.2 + TXT: listed with text");
  r = classify(&spec_r, ANSWER_RECORDS, 127,0,0,4, ANSWER_NODATA, 0);
  CHECK(r.state == LISTRESULT_LISTED && !r.text && r.a[3] == 4, "A without TXT: listed, no text");
  r = classify(&spec_r, ANSWER_RECORDS, 127,0,0,4, ANSWER_FAILED, 0);
  CHECK(r.state == LISTRESULT_LISTED && !r.text, "A listed, TXT failed: listed, no text");
  r = classify(&spec_r, ANSWER_RECORDS, 127,0,0,2, ANSWER_PENDING, 0);
  CHECK(r.state == LISTRESULT_PENDING, "A listed, TXT pending: wait for the text");
  r = classify(&spec_r, ANSWER_RECORDS, 127,255,255,254, ANSWER_RECORDS, "Error: open resolver");
  CHECK(r.state == LISTRESULT_FAILED && r.failure == FAILURE_ERRORCODE && r.a[3] == 254, "127.255.255.254 is a list error, not a listing");
  r = classify(&spec_r, ANSWER_RECORDS, 127,255,255,252, ANSWER_PENDING, 0);
  CHECK(r.state == LISTRESULT_FAILED && r.failure == FAILURE_ERRORCODE, "error code decides without waiting for TXT");
  r = classify(&spec_r, ANSWER_RECORDS, 10,0,0,1, ANSWER_RECORDS, "ad");
  CHECK(r.state == LISTRESULT_FAILED && r.failure == FAILURE_OUTSIDE && r.a[0] == 10, "A outside 127/8 is a list error");
  r = classify(&spec_r, ANSWER_RECORDS, 128,0,0,2, ANSWER_NODATA, 0);
  CHECK(r.state == LISTRESULT_FAILED && r.failure == FAILURE_OUTSIDE, "128.0.0.2 is outside");
  r = classify(&spec_r, ANSWER_RECORDS, 127,0,0,1, ANSWER_RECORDS, "x");
  CHECK(r.state == LISTRESULT_NONE, "127.0.0.1 is never a listing (RFC 5782)");
  r = classify(&spec_r, ANSWER_RECORDS, 127,1,0,1, ANSWER_NODATA, 0);
  CHECK(r.state == LISTRESULT_LISTED, "127.1.0.1 lists");
  r = classify(&spec_r, ANSWER_RECORDS, 127,255,254,1, ANSWER_NODATA, 0);
  CHECK(r.state == LISTRESULT_LISTED, "127.255.254.1 lists (only 127.255.255/24 is reserved)");
  r = classify(&spec_r, ANSWER_NXDOMAIN, 0,0,0,0, ANSWER_PENDING, 0);
  CHECK(r.state == LISTRESULT_NONE, "NXDOMAIN on A: not listed at once");
  r = classify(&spec_r, ANSWER_PENDING, 0,0,0,0, ANSWER_NXDOMAIN, 0);
  CHECK(r.state == LISTRESULT_NONE, "NXDOMAIN on TXT: not listed at once");
  r = classify(&spec_r, ANSWER_NODATA, 0,0,0,0, ANSWER_RECORDS, "TXT only");
  CHECK(r.state == LISTRESULT_LISTED && r.textlen == 8 && !r.hasa, "TXT-only list: TXT decides");
  r = classify(&spec_r, ANSWER_PENDING, 0,0,0,0, ANSWER_RECORDS, "TXT only");
  CHECK(r.state == LISTRESULT_PENDING, "TXT in, A pending: the A may still be an error code");
  r = classify(&spec_r, ANSWER_NODATA, 0,0,0,0, ANSWER_RECORDS, "");
  CHECK(r.state == LISTRESULT_NONE, "empty TXT strings only: not listed (rblsmtpd)");
  r = classify(&spec_r, ANSWER_NODATA, 0,0,0,0, ANSWER_NODATA, 0);
  CHECK(r.state == LISTRESULT_NONE, "no A, no TXT: not listed");
  r = classify(&spec_r, ANSWER_NODATA, 0,0,0,0, ANSWER_FAILED, 0);
  CHECK(r.state == LISTRESULT_FAILED && r.failure == FAILURE_SERVER, "no A, TXT failed: failed");
  r = classify(&spec_r, ANSWER_FAILED, 0,0,0,0, ANSWER_RECORDS, "text");
  CHECK(r.state == LISTRESULT_LISTED && r.textlen == 4, "A failed, TXT text: listed by TXT as rblsmtpd would");
  r = classify(&spec_r, ANSWER_FAILED, 0,0,0,0, ANSWER_NODATA, 0);
  CHECK(r.state == LISTRESULT_FAILED && r.failure == FAILURE_TIMEOUT, "A failed, TXT empty: failed");
  r = classify(&spec_r, ANSWER_FAILED, 0,0,0,0, ANSWER_FAILED, 0);
  CHECK(r.state == LISTRESULT_FAILED, "both failed: failed");
  r = classify(&spec_a, ANSWER_RECORDS, 127,0,2,3, ANSWER_PENDING, 0);
  CHECK(r.state == LISTRESULT_LISTED, "-a: A 127.0.2.3 allow-lists, TXT not asked");
  r = classify(&spec_a, ANSWER_RECORDS, 10,0,0,1, ANSWER_PENDING, 0);
  CHECK(r.state == LISTRESULT_FAILED && r.failure == FAILURE_OUTSIDE, "-a: A outside 127/8 is a list error, not an allow-listing");
  r = classify(&spec_a, ANSWER_RECORDS, 127,255,255,254, ANSWER_PENDING, 0);
  CHECK(r.state == LISTRESULT_FAILED && r.failure == FAILURE_ERRORCODE, "-a: error code is a list error");
  r = classify(&spec_a, ANSWER_NXDOMAIN, 0,0,0,0, ANSWER_PENDING, 0);
  CHECK(r.state == LISTRESULT_NONE, "-a: NXDOMAIN not listed");
  r = classify(&spec_a, ANSWER_PENDING, 0,0,0,0, ANSWER_PENDING, 0);
  CHECK(r.state == LISTRESULT_PENDING, "-a: pending");
  r = classify(&spec_a, ANSWER_FAILED, 0,0,0,0, ANSWER_PENDING, 0);
  CHECK(r.state == LISTRESULT_FAILED, "-a: failed");
  {
    listanswer ans;
    memset(&ans, 0, sizeof ans);
    ans.astate = ANSWER_RECORDS;
    ans.na = 2;
    ans.a[0][0] = 127; ans.a[0][3] = 2;
    ans.a[1][0] = 127; ans.a[1][1] = 255; ans.a[1][2] = 255; ans.a[1][3] = 254;
    ans.txtstate = ANSWER_NODATA;
    verdict_classify(&spec_r, &ans, &r);
    CHECK(r.state == LISTRESULT_FAILED && r.failure == FAILURE_ERRORCODE, "a valid A beside an error code is still a list error");
    ans.a[1][1] = 0; ans.a[1][2] = 0; ans.a[1][3] = 1;
    ans.a[0][3] = 1; ans.a[1][3] = 10;
    verdict_classify(&spec_r, &ans, &r);
    CHECK(r.state == LISTRESULT_LISTED && r.a[3] == 10, "127.0.0.1 beside 127.0.0.10: the valid one decides");
  }
}

/* rblsmtpd, one list after another (ucspi-tcp's behaviour, as documented) */
static void model (listspec const *s, listresult const *r, unsigned n, verdict *v)
{
  unsigned i;
  int hadfailure = 0;
  v->kind = VERDICT_PASS; v->code = 0; v->decider = -1; v->tempfail = 0;
  for (i = 0; i < n; i++)
  {
    if (!s[i].anti)
    {
      if (r[i].state == LISTRESULT_LISTED) { v->kind = VERDICT_BLOCK; v->code = s[i].b553 ? 553 : 451; v->decider = (int)i; break; }
      if (r[i].state == LISTRESULT_FAILED)
      {
        hadfailure = 1;
        if (s[i].failclosed) { v->kind = VERDICT_BLOCK; v->code = 451; v->tempfail = 1; v->decider = (int)i; break; }
      }
    }
    else
    {
      if (r[i].state == LISTRESULT_LISTED) { v->decider = (int)i; break; }
      if (r[i].state == LISTRESULT_FAILED)
      {
        hadfailure = 1;
        if (!s[i].failclosed) { v->decider = (int)i; break; }
      }
    }
  }
  if (v->kind == VERDICT_BLOCK && hadfailure) v->code = 451;
}

static int same (verdict const *x, verdict const *y)
{
  if (x->kind != y->kind) return 0;
  if (x->kind == VERDICT_PASS) return 1;
  return x->code == y->code && x->decider == y->decider && x->tempfail == y->tempfail;
}

static unsigned rnd (unsigned n) { return (unsigned)rand() % n; }

static void test_orders (void)
{
  unsigned trial, early = 0, mismatches = 0, undecided_at_end = 0, premature = 0, late = 0;
  srand(12345);
  for (trial = 0; trial < 200000; trial++)
  {
    listspec s[8];
    listresult final[8], cur[8];
    unsigned order[8];
    unsigned n = 1 + rnd(6), i, k;
    verdict want, v;
    int decided = 0;
    for (i = 0; i < n; i++)
    {
      s[i].base = "x";
      s[i].anti = rnd(3) == 0;
      s[i].b553 = rnd(2);
      s[i].failclosed = rnd(2);
      memset(&final[i], 0, sizeof final[i]);
      final[i].state = 1 + rnd(3);
      if (final[i].state == LISTRESULT_FAILED) final[i].failure = FAILURE_TIMEOUT;
      order[i] = i;
    }
    for (i = n; i > 1; i--) { unsigned j = rnd(i), t = order[i - 1]; order[i - 1] = order[j]; order[j] = t; }
    model(s, final, n, &want);
    memset(cur, 0, sizeof cur);
    for (k = 0; k <= n; k++)
    {
      if (k) cur[order[k - 1]] = final[order[k - 1]];
      verdict_decide(s, cur, n, &v);
      if (v.kind != VERDICT_UNDECIDED)
      {
        if (!same(&v, &want)) mismatches++;
        if (!decided && k < n) early++;
        decided = 1;
        /* would the model, with the still pending results at any value, agree? */
        if (k < n)
        {
          unsigned trials2;
          for (trials2 = 0; trials2 < 4; trials2++)
          {
            listresult alt[8];
            verdict w;
            for (i = 0; i < n; i++)
            {
              alt[i] = cur[i];
              if (alt[i].state == LISTRESULT_PENDING) alt[i].state = 1 + rnd(3);
            }
            model(s, alt, n, &w);
            if (!same(&w, &v)) premature++;
          }
        }
      }
      else if (k == n) undecided_at_end++;
    }
    /* certain-as-soon-as-possible: once every result the model consults up
       to its deciding list is in, the verdict must be taken */
    {
      unsigned need = want.decider < 0 ? n : (unsigned)want.decider + 1;
      memset(cur, 0, sizeof cur);
      for (i = 0; i < need; i++) cur[i] = final[i];
      verdict_decide(s, cur, n, &v);
      if (want.decider >= 0 && v.kind == VERDICT_UNDECIDED) late++;
    }
  }
  CHECK(mismatches == 0, "early verdicts always equal rblsmtpd's sequential verdict");
  CHECK(premature == 0, "no verdict is taken that a pending result could still change");
  CHECK(undecided_at_end == 0, "with every result in, the verdict is never undecided");
  CHECK(late == 0, "the verdict is taken once the lists before the decider have answered");
  CHECK(early > 1000, "verdicts are often taken before every answer is in");
}

static void test_examples (void)
{
  listspec s[3] = { { "A", 0, 0, 0 }, { "B", 0, 0, 0 }, { "C", 1, 0, 0 } };
  listresult r[3];
  verdict v;
  memset(r, 0, sizeof r);
  r[0].state = LISTRESULT_LISTED;
  verdict_decide(s, r, 3, &v);
  CHECK(v.kind == VERDICT_BLOCK && v.decider == 0 && v.code == 451, "-r A -r B -a C: A lists, decided at once");
  memset(r, 0, sizeof r);
  r[1].state = LISTRESULT_LISTED;
  verdict_decide(s, r, 3, &v);
  CHECK(v.kind == VERDICT_UNDECIDED, "B lists but A has not answered: wait");
  r[0].state = LISTRESULT_NONE;
  verdict_decide(s, r, 3, &v);
  CHECK(v.kind == VERDICT_BLOCK && v.decider == 1, "A not listed: B decides");
  memset(r, 0, sizeof r);
  r[0].state = LISTRESULT_FAILED;
  r[1].state = LISTRESULT_LISTED;
  s[1].b553 = 1;
  verdict_decide(s, r, 3, &v);
  CHECK(v.kind == VERDICT_BLOCK && v.decider == 1 && v.code == 451, "a failure before a -b listing turns 553 into 451");
  r[0].state = LISTRESULT_NONE;
  verdict_decide(s, r, 3, &v);
  CHECK(v.kind == VERDICT_BLOCK && v.code == 553, "-b listing without failure: 553");
  s[0].failclosed = 1;
  r[0].state = LISTRESULT_FAILED;
  verdict_decide(s, r, 3, &v);
  CHECK(v.kind == VERDICT_BLOCK && v.tempfail && v.code == 451 && v.decider == 0, "-c: a failed -r blocks with the failure text");
  {
    listspec a[2] = { { "allow", 1, 0, 0 }, { "block", 0, 0, 0 } };
    listresult ra[2];
    memset(ra, 0, sizeof ra);
    ra[0].state = LISTRESULT_FAILED;
    verdict_decide(a, ra, 2, &v);
    CHECK(v.kind == VERDICT_PASS, "-C: a failed -a counts as allow-listed, at once");
    a[0].failclosed = 1;
    verdict_decide(a, ra, 2, &v);
    CHECK(v.kind == VERDICT_UNDECIDED, "-c: a failed -a does not pass; the -r still counts");
    memset(ra, 0, sizeof ra);
    ra[1].state = LISTRESULT_NONE;
    a[0].failclosed = 0;
    verdict_decide(a, ra, 2, &v);
    CHECK(v.kind == VERDICT_PASS, "-a pending but the -r behind it is clean: pass at once");
  }
  {
    listspec e[1] = { { "x", 0, 0, 0 } };
    listresult re[1];
    memset(re, 0, sizeof re);
    re[0].state = LISTRESULT_FAILED;
    verdict_decide(e, re, 1, &v);
    CHECK(v.kind == VERDICT_PASS, "-C: a failed -r is not listed");
    verdict_decide(e, re, 0, &v);
    CHECK(v.kind == VERDICT_PASS, "no lists: pass");
  }
}

static void test_env (void)
{
  verdict v;
  char const *t;
  size_t len;
  verdict_from_env("", &v, &t, &len);
  CHECK(v.kind == VERDICT_PASS, "RBLSMTPD empty: pass");
  verdict_from_env("-Go away", &v, &t, &len);
  CHECK(v.kind == VERDICT_BLOCK && v.code == 553 && len == 7 && !memcmp(t, "Go away", 7), "RBLSMTPD -text: 553 text");
  verdict_from_env("--x", &v, &t, &len);
  CHECK(v.code == 553 && len == 2 && !memcmp(t, "-x", 2), "RBLSMTPD --x: one hyphen removed");
  verdict_from_env("-", &v, &t, &len);
  CHECK(v.kind == VERDICT_BLOCK && v.code == 553 && len == 0, "RBLSMTPD -: 553 with empty text");
  verdict_from_env(" ", &v, &t, &len);
  CHECK(v.kind == VERDICT_BLOCK && v.code == 451 && len == 1, "RBLSMTPD space: 451");
  verdict_from_env("Later", &v, &t, &len);
  CHECK(v.kind == VERDICT_BLOCK && v.code == 451 && len == 5, "RBLSMTPD text: 451 text");
}

int main (void)
{
  test_classify();
  test_examples();
  test_orders();
  test_env();
  CHECK_DONE();
}
