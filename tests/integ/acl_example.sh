#!/bin/sh
# acl_example.sh: the shipped rules/rblserve.acl loads cleanly in rblserve
# and in rbldnsd, and does what its comments say for loopback clients; a
# test copy moves the refused, ignored and monitor lines onto loopback
# sources so real queries from those addresses exercise each action.
. "$(dirname "$0")/../lib.sh"
A=127.83.9.53 P=5391
printf '127.0.0.2\n' > "$TMP/bl"
cp "$TOP/rules/rblserve.acl" "$TMP/shipped.acl"
sed -e 's|^198\.51\.100\.7 |127.0.0.67 |' -e 's|^203\.0\.113\.9 |127.0.0.69 |' \
    -e 's|^127\.0\.0\.0/8 |127.0.0.0/26 |' "$TOP/rules/rblserve.acl" > "$TMP/test.acl"
chmod 644 "$TMP"/*

# the shipped file: no warning from either server
for srv in "$BIN/rblserve" rbldnsd; do
  "$srv" -n -u rbldns -b "$A/$P" -w "$TMP" -t 60 :acl:shipped.acl bl.test:ip4set:bl > "$TMP/out" 2>&1 &
  pid=$!
  wait_dns "$A" "$P" > /dev/null 2>&1
  kill "$pid"; wait "$pid" 2> /dev/null
  check_eq "$(basename "$srv") loads the shipped acl without a warning" \
    "$(grep -v ': stats: ' "$TMP/out" | grep -ci 'warning\|invalid\|error')" 0
done

bg "$BIN/rblserve" -n -q -u rbldns -b "$A/$P" -w "$TMP" -t 60 :acl:test.acl bl.test:ip4set:bl
check "rblserve answers with the test acl" wait_dns "$A" "$P"
q() { dig +tries=1 +time=1 -b "$1" -p "$P" @"$A" "$2" A 2>&1; }
check_match "a loopback client passes: listed"     "$(q 127.0.0.1 2.0.0.127.bl.test)"  'status: NOERROR'
check_match "a loopback client passes: unlisted"   "$(q 127.0.0.1 3.0.0.127.bl.test)"  'status: NXDOMAIN'
check_match "outside the passed prefixes: REFUSED" "$(q 127.0.0.200 2.0.0.127.bl.test)" 'status: REFUSED'
check_match ":ignore drops the query"               "$(q 127.0.0.67 2.0.0.127.bl.test)" 'timed out|no servers could be reached'
check_match "the monitor sees every address listed" "$(q 127.0.0.69 9.9.9.9.bl.test)"   '127\.0\.0\.2'
