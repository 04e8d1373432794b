/* check: the unit tests' assertions; each prints "ok - name" or "not ok - name". */
#ifndef RBLGATE_TESTS_CHECK_H
#define RBLGATE_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

static unsigned check_failures;

#define CHECK(cond, name) do { \
  if (cond) printf("ok - %s\n", (name)); \
  else { printf("not ok - %s (%s:%d: %s)\n", (name), __FILE__, __LINE__, #cond); check_failures++; } \
} while (0)

/* compare a buffer of known length with a C string */
#define CHECK_MEM(buf, len, str, name) \
  CHECK((len) == strlen(str) && !memcmp((buf), (str), (len)), (name))

#define CHECK_DONE() return check_failures ? 1 : 0

#endif
