/* test_smtptext: the error line's cap and byte hygiene, log-text cleaning, and the "listed by A" text. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "ipaddr.h"
#include "smtptext.h"

/* The buffer a caller must give smtptext_reply. rblsmtpd cuts the TEXT at
   200 bytes: a 300-byte $RBLSMTPD gives "451 " + 200 bytes. */
#define LINEMAX SMTPTEXT_REPLYMAX
#define TEXTCAP(codelen) (SMTPTEXT_MAX)

/* an exactly-sized heap buffer, so ASan sees any byte written past it */
static char *exact (size_t n)
{
  char *p = malloc(n ? n : 1);
  if (!p) { printf("not ok - malloc\n"); exit(1); }
  memset(p, '#', n);
  return p;
}

static void reply_is (unsigned code, char const *text, size_t len, char const *want, char const *name)
{
  char *d = exact(LINEMAX);
  size_t n = smtptext_reply(d, code, text, len);
  CHECK_MEM(d, n, want, name);
  free(d);
}

static void test_reply (void)
{
  char text[400], want[LINEMAX + 1];
  char *d;
  size_t n, i;
  int allok;

  reply_is(451, "Go away", 7, "451 Go away", "451 with plain text");
  reply_is(553, "Go away now", 11, "553 Go away now", "553 with plain text");
  reply_is(553, "", 0, "553 ", "empty text: code and space");
  reply_is(451, " ", 1, "451  ", "one space of text kept");
  reply_is(451, "-x", 2, "451 -x", "a leading hyphen is text here (the caller strips $RBLSMTPD's)");
  reply_is(451, "temporary RBL lookup error", 26, "451 temporary RBL lookup error", "temporary failure text");
  reply_is(451, "%IP% and $ stay", 15, "451 %IP% and $ stay", "no substitution");
  reply_is(451, "a\r\n250 ok", 9, "451 a??250 ok", "CRLF cannot inject a reply line");
  reply_is(451, "a\0b", 3, "451 a?b", "NUL replaced");
  reply_is(451, "tab\there", 8, "451 tab?here", "TAB replaced");
  reply_is(451, "del\x7f", 4, "451 del?", "DEL replaced");
  reply_is(451, "a\xe2\x82\xac" "b", 5, "451 a???b", "UTF-8 euro: three ?");
  reply_is(451, "\x80\xff\x1f\x01", 4, "451 ????", "8-bit and control bytes");
  reply_is(451, " ~", 2, "451  ~", "32 and 126 kept");
  reply_is(4294967295u, "x", 1, "4294967295 x", "any code is formatted in decimal");
  reply_is(0, "x", 1, "0 x", "code 0");

  /* every byte value, one at a time */
  allok = 1;
  d = exact(LINEMAX);
  for (i = 0; i < 256; i++)
  {
    char c = (char)i;
    n = smtptext_reply(d, 451, &c, 1);
    if (n != 5 || memcmp(d, "451 ", 4) || d[4] != (i >= 32 && i <= 126 ? c : '?')) allok = 0;
  }
  free(d);
  CHECK(allok, "each of the 256 byte values: kept iff 32..126");

  /* the cap */
  memset(text, 'x', sizeof text);
  d = exact(LINEMAX);
  n = smtptext_reply(d, 451, text, 300);
  CHECK(n == 4 + TEXTCAP(3) && n <= LINEMAX, "300-byte text is cut at the cap");
  memcpy(want, "451 ", 4);
  memset(want + 4, 'x', LINEMAX - 4);
  CHECK(!memcmp(d, want, n), "cut text keeps its first bytes");
  free(d);
  CHECK(n == 204, "300-byte text gives rblsmtpd's 204-byte line");

  for (i = TEXTCAP(3) - 2; i <= TEXTCAP(3) + 2; i++)
  {
    char nm[80];
    d = exact(LINEMAX);
    n = smtptext_reply(d, 553, text, i);
    snprintf(nm, sizeof nm, "text of %zu bytes: line of %zu", i, 4 + (i < TEXTCAP(3) ? i : TEXTCAP(3)));
    CHECK(n == 4 + (i < TEXTCAP(3) ? i : TEXTCAP(3)), nm);
    free(d);
  }

  /* a 1 MiB hostile text: capped, clean, nothing written past the buffer */
  {
    size_t big = 1024 * 1024;
    char *t = malloc(big);
    if (!t) { CHECK(0, "malloc"); return; }
    for (i = 0; i < big; i++) t[i] = (char)(i * 7 + 3);
    d = exact(LINEMAX);
    n = smtptext_reply(d, 451, t, big);
    allok = n <= LINEMAX && n <= 204;
    for (i = 0; i < n; i++) if ((unsigned char)d[i] < 32 || (unsigned char)d[i] > 126) allok = 0;
    CHECK(allok, "1 MiB of mixed bytes: capped and printable");
    free(d);
    free(t);
  }
}

static void test_clean (void)
{
  char d[16];
  size_t n;
  memset(d, '#', sizeof d);
  n = smtptext_clean(d, 10, "abc\ndef", 7);
  CHECK_MEM(d, n, "abc?def", "clean: LF replaced");
  n = smtptext_clean(d, 4, "abcdefgh", 8);
  CHECK_MEM(d, n, "abcd", "clean: cut at max");
  memset(d, '#', sizeof d);
  n = smtptext_clean(d, 4, "abcdefgh", 8);
  CHECK(n == 4 && d[4] == '#', "clean: nothing written past max");
  memset(d, '#', sizeof d);
  n = smtptext_clean(d, 0, "abc", 3);
  CHECK(n == 0 && d[0] == '#', "clean: max 0 writes nothing");
  n = smtptext_clean(d, 16, "", 0);
  CHECK(n == 0, "clean: empty input");
  n = smtptext_clean(d, 16, "\x7f\x80\x1b[31m", 7);
  CHECK_MEM(d, n, "???[31m", "clean: escape sequence defused");
}

static void listed_is (char const *ip, char const *base, uint8_t a0, uint8_t a1, uint8_t a2, uint8_t a3, char const *want, char const *name)
{
  ipaddr c = IPADDR_ZERO;
  uint8_t a[4] = { a0, a1, a2, a3 };
  char *d;
  size_t n, wl = strlen(want);
  char nm[160];
  if (!ipaddr_scan(ip, strlen(ip), &c)) { printf("not ok - %s (scan %s)\n", name, ip); check_failures++; return; }
  d = exact(wl);
  n = smtptext_listed(d, wl, base, &c, a);
  CHECK_MEM(d, n, want, name);
  free(d);
  /* one byte short: refused, and nothing written beyond */
  d = exact(wl - 1);
  n = smtptext_listed(d, wl - 1, base, &c, a);
  snprintf(nm, sizeof nm, "%s: one byte short gives 0", name);
  CHECK(n == 0, nm);
  free(d);
}

static void test_listed (void)
{
  ipaddr c = IPADDR_ZERO;
  uint8_t a[4] = { 127, 0, 0, 2 };
  char big[400], d[SMTPTEXT_MAX];
  size_t n;

  listed_is("127.0.0.2", "zen.dnsbl", 127, 0, 0, 4, "127.0.0.2 is listed by zen.dnsbl (127.0.0.4)", "listed IPv4");
  listed_is("192.0.2.255", "x", 127, 255, 255, 255, "192.0.2.255 is listed by x (127.255.255.255)", "listed IPv4, long A");
  listed_is("2001:db8::2", "test.dnsbl", 127, 0, 0, 2, "2001:db8::2 is listed by test.dnsbl (127.0.0.2)", "listed IPv6");
  listed_is("2001:DB8:0:0:0:0:0:2", "test.dnsbl", 127, 0, 0, 10, "2001:db8::2 is listed by test.dnsbl (127.0.0.10)", "listed IPv6, canonical form");
  listed_is("::ffff:127.0.0.3", "b", 127, 0, 0, 2, "127.0.0.3 is listed by b (127.0.0.2)", "IPv4-mapped shown as IPv4");
  listed_is("2001:db8:1111:2222:3333:4444:5555:6666", "some.long.list.example", 127, 0, 0, 2,
    "2001:db8:1111:2222:3333:4444:5555:6666 is listed by some.long.list.example (127.0.0.2)", "listed IPv6, full length");

  /* a base too long for the caller's buffer */
  memset(big, 'b', sizeof big - 1);
  big[sizeof big - 1] = 0;
  ipaddr_scan("127.0.0.2", 9, &c);
  n = smtptext_listed(d, sizeof d, big, &c, a);
  CHECK(n == 0, "listed: 399-byte base overflows a 200-byte buffer: 0");
  n = smtptext_listed(d, 0, "x", &c, a);
  CHECK(n == 0, "listed: max 0 gives 0");
  n = smtptext_listed(d, sizeof d, "", &c, a);
  CHECK_MEM(d, n, "127.0.0.2 is listed by  (127.0.0.2)", "listed: empty base");
}

int main (void)
{
  test_reply();
  test_clean();
  test_listed();
  CHECK_DONE();
}
