#!/bin/sh
# Our global symbols must not collide with what the libraries export: a clash
# links silently and then overrides the library's own internal calls (libcdb
# and libskarnet already clash with each other on cdb_*).
. "$(dirname "$0")/../lib.sh"
libs=
for l in libskarnet.so libcares.so libcdb.so libc.so.6; do
  p=$(for d in /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu; do ls "$d/$l"* 2>/dev/null; done | head -n 1)
  [ -n "$p" ] && libs="$libs $(readlink -f "$p")"
done
check "found the four libraries to compare with" [ "$(echo $libs | wc -w)" = 4 ]
nm -D --defined-only $libs 2>/dev/null | awk 'NF >= 3 { print $3 }' | sed 's/@.*//' | sort -u > "$TMP/theirs"
nm -g --defined-only "$BIN"/*.o | awk 'NF >= 3 { print $3 }' | sort -u > "$TMP/ours"
check "our objects define global symbols" [ -s "$TMP/ours" ]
comm -12 "$TMP/ours" "$TMP/theirs" | grep -v '^main$' > "$TMP/clash"
if [ -s "$TMP/clash" ]; then notok "no global symbol of ours is exported by skalibs, c-ares, tinycdb or libc"; sed 's/^/# clash: /' "$TMP/clash"
else ok "no global symbol of ours is exported by skalibs, c-ares, tinycdb or libc"; fi
# the guard itself must notice a clash
printf 'int ip6_scan (void) { return 0; }\nint timestamp (void) { return 0; }\n' > "$TMP/bad.c"
cc -c -o "$TMP/bad.o" "$TMP/bad.c"
n=$(nm -g --defined-only "$TMP/bad.o" | awk '{ print $3 }' | sort -u | comm -12 - "$TMP/theirs" | wc -l)
check_eq "the guard catches ip6_scan and timestamp" "$n" 2
# only one file may include tinycdb or c-ares
check_eq "only dnsbl_lookup.c includes ares.h" "$(grep -l '#include <ares.h>' "$TOP"/src/*.c | xargs -n1 basename | tr '\n' ' ')" "dnsbl_lookup.c "
check_eq "nothing includes skalibs' cdb or umbrella headers" "$(grep -lE '#include <skalibs/(cdb|cdbmake|stddjb|skalibs)\.h>' "$TOP"/src/* | wc -l)" 0
