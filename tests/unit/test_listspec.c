/* test_listspec: rblsmtpd's option rules, recorded per list. */

#include "check.h"
#include "listspec.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof *(a)) - 1)

static void test_parse (void)
{
  gateopts o;
  int err;
  char letter;
  {
    char const *argv[] = { "rblgate", "-r", "A", "-b", "-r", "B", "-c", "-a", "C", "-B", "-C", "-r", "D", "prog", "-b", 0 };
    int i = listspec_parse(ARGC(argv), argv, &o, &err, &letter);
    CHECK(i == 13 && err == LISTSPEC_OK, "first non-option is the program");
    CHECK(o.nlists == 4, "four lists");
    CHECK(!o.list[0].b553 && !o.list[0].failclosed && !o.list[0].anti, "-r A before -b: 451, fail-open");
    CHECK(o.list[1].b553 && !o.list[1].failclosed, "-b -r B: 553");
    CHECK(o.list[2].anti && o.list[2].b553 && o.list[2].failclosed, "-c -a C: allow list, fail-closed");
    CHECK(!o.list[3].b553 && !o.list[3].failclosed, "-B -C -r D: back to defaults");
    CHECK(!strcmp(o.list[1].base, "B"), "base kept");
    CHECK(o.dialogue == 60 && o.deadline == 10000, "defaults: -t 60, -T 10 s");
  }
  {
    char const *argv[] = { "rblgate", "-bcrX", "-t0", "--", "prog", 0 };
    int i = listspec_parse(ARGC(argv), argv, &o, &err, &letter);
    CHECK(i == 4 && o.nlists == 1 && o.list[0].b553 && o.list[0].failclosed && !strcmp(o.list[0].base, "X"), "bundled -bcrX and -- end");
    CHECK(o.dialogue == 0, "-t0");
  }
  {
    char const *argv[] = { "rblgate", "-b", "-", "x", 0 };
    int i = listspec_parse(ARGC(argv), argv, &o, &err, &letter);
    CHECK(i == 2, "a lone - is the program");
  }
  {
    char const *argv[] = { "rblgate", "-r", "A", "-x", "prog", 0 };
    int i = listspec_parse(ARGC(argv), argv, &o, &err, &letter);
    CHECK(i == -1 && err == LISTSPEC_ILLEGAL && letter == 'x', "illegal option");
  }
  {
    char const *argv[] = { "rblgate", "-t", 0 };
    int i = listspec_parse(ARGC(argv), argv, &o, &err, &letter);
    CHECK(i == -1 && err == LISTSPEC_NOARG && letter == 't', "missing argument");
  }
  {
    char const *argv[] = { "rblgate", "-R", "prog", 0 };
    int i = listspec_parse(ARGC(argv), argv, &o, &err, &letter);
    CHECK(i == -1 && err == LISTSPEC_ILLEGAL && letter == 'R', "-R is not an option (as in rblsmtpd)");
  }
  {
    char const *argv[] = { "rblgate", "-r", "bad..zone", "prog", 0 };
    int i = listspec_parse(ARGC(argv), argv, &o, &err, &letter);
    CHECK(i == -1 && err == LISTSPEC_BADBASE && letter == 'r', "empty label in zone refused");
  }
  {
    char const *argv[] = { "rblgate", "-T", "0", "prog", 0 };
    int i = listspec_parse(ARGC(argv), argv, &o, &err, &letter);
    CHECK(i == -1 && err == LISTSPEC_BADDEADLINE, "-T 0 refused");
  }
  {
    char const *argv[] = { "rblgate", "-T", "2.5", "-t", "5", "-t", "1x", "prog", 0 };
    int i = listspec_parse(ARGC(argv), argv, &o, &err, &letter);
    CHECK(i == 7 && o.deadline == 2500 && o.dialogue == 1, "-T 2.5, last -t wins, -t 1x is 1");
  }
  {
    char const *argv[2 * LISTSPEC_MAX + 4];
    int k, i;
    argv[0] = "rblgate";
    for (k = 0; k <= LISTSPEC_MAX; k++) { argv[1 + 2 * k] = "-r"; argv[2 + 2 * k] = "z"; }
    argv[2 * LISTSPEC_MAX + 3] = 0;
    i = listspec_parse(2 * LISTSPEC_MAX + 3, argv, &o, &err, &letter);
    CHECK(i == -1 && err == LISTSPEC_TOOMANY, "more lists than LISTSPEC_MAX refused");
  }
}

static void test_scan (void)
{
  uint32_t ms = 0;
  CHECK(listspec_scan_dialogue("abc") == 0, "-t abc = 0");
  CHECK(listspec_scan_dialogue("-5") == 0, "-t -5 = 0");
  CHECK(listspec_scan_dialogue("12x") == 12, "-t 12x = 12");
  CHECK(listspec_scan_dialogue("4294967295") == 4294967295u, "-t 2^32-1");
  CHECK(listspec_scan_dialogue("4294967296") == 4294967295u, "-t 2^32 saturates");
  CHECK(listspec_scan_dialogue("99999999999999999999999") == 4294967295u, "-t huge saturates");
  CHECK(listspec_scan_deadline("10", &ms) && ms == 10000, "-T 10");
  CHECK(listspec_scan_deadline("0.5", &ms) && ms == 500, "-T 0.5");
  CHECK(listspec_scan_deadline("0.001", &ms) && ms == 1, "-T 0.001");
  CHECK(listspec_scan_deadline("600", &ms) && ms == 600000, "-T 600");
  CHECK(!listspec_scan_deadline("600.001", &ms), "-T over 600 refused");
  CHECK(!listspec_scan_deadline("0.0001", &ms), "-T more than 3 decimals refused");
  CHECK(!listspec_scan_deadline("", &ms), "-T empty refused");
  CHECK(!listspec_scan_deadline(".5", &ms), "-T .5 refused");
  CHECK(!listspec_scan_deadline("5.", &ms), "-T 5. refused");
  CHECK(!listspec_scan_deadline("5s", &ms), "-T 5s refused");
  CHECK(!listspec_scan_deadline("-1", &ms), "-T -1 refused");
  CHECK(!listspec_scan_deadline("99999999999999", &ms), "-T overflow refused");
}

int main (void)
{
  test_parse();
  test_scan();
  CHECK_DONE();
}
