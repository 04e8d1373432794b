#!/bin/sh
# Every source compiles warning-free with -Wall -Wextra (with gcc, and with clang as a second opinion).
. "$(dirname "$0")/../lib.sh"
for cc in gcc clang-14; do
  command -v $cc > /dev/null || { notok "$cc present"; continue; }
  out=$(for f in "$TOP"/src/*.c "$TOP"/tests/faultdns.c; do
    [ -f "$f" ] && $cc -std=gnu11 -O2 -Wall -Wextra -I"$TOP/src" -c "$f" -o /dev/null 2>&1
  done)
  check_eq "$cc -Wall -Wextra: no warnings" "$out" ""
done
