#!/bin/sh
# tests/integ/faults.sh: rblgate against a misbehaving DNS server (faultdns):
# every failure case under fail-closed -c and fail-open -C, the -T deadline,
# answers that are not listings, text sanitising, and the ordered verdict.
# rblgate runs directly (no tcpserver) with -t 0, so a block is just the
# error line on stdout, and prog prints a marker when it runs.
. "$(dirname "$0")/../lib.sh"

GATE=$BIN/rblgate
for p in "$GATE" "$BIN/tests/faultdns"; do
  if [ ! -x "$p" ]; then notok "$p is built"; exit 1; fi
done
NS=127.83.1.53
PORT=5301
export DNSCACHEIP=$NS:$PORT
unset RBLSMTPD
CLIENT=127.0.0.2
QLOG=$TMP/query.log
PRG=$TMP/prog
printf '#!/bin/sh\necho PROG-RAN\nexit 7\n' > "$PRG"
chmod 755 "$PRG"

# each zone name says what its server does for 2.0.0.127.ZONE
cat > "$TMP/rules" <<'EOF'
*.listed.f        A    a 127.0.0.2
*.listed.f        TXT  txt "Listed by listed.f"
*.slow.f          *    delay 3000 both 127.0.0.2 "slow text"
*.drop.f          *    drop
*.servfail.f      *    servfail
*.refused.f       *    refused
*.garbage.f       *    garbage both 127.0.0.2 "garbage text"
*.wrongid.f       *    wrongid both 127.0.0.2 "wrongid text"
*.truncated.f     *    truncated both 127.0.0.2 "truncated text"
*.tc.f            *    tc both 127.0.0.2 "Listed via TCP"
*.errcode.f       *    both 127.255.255.254 "Spamhaus error: excessive queries"
*.hijack.f        A    a 10.0.0.1
*.hijack.f        TXT  nodata
*.hijacktxt.f     *    both 10.0.0.1 "hijacked with text"
*.aonly.f         A    a 127.0.0.4
*.aonly.f         TXT  nodata
*.txtonly.f       A    nodata
*.txtonly.f       TXT  txt "TXT-only listing"
*.ctl.f           *    both 127.0.0.2 "bad\013\010250 ok\013\010x\000y\009z\127\200end"
*.late.f          *    delay 500 both 127.0.0.2 "first list, late"
*.quick.f         *    both 127.0.0.2 "second list, at once"
*.allow.f         A    a 127.0.0.2
*.allowhijack.f   A    a 10.0.0.1
*.nx.f            *    nxdomain
EOF
start_faultdns $NS $PORT "$TMP/rules" "$QLOG" || { notok "faultdns starts"; exit 1; }

nowms() { echo $(($(date +%s%N) / 1000000)); }

# gate ARGS...: rblgate -t 0 ARGS prog; sets OUT (CR shown as ^M), ERR, RC, MS
gate() {
  _t0=$(nowms)
  TCPREMOTEIP=$CLIENT "$GATE" -t 0 "$@" "$PRG" < /dev/null > "$TMP/out" 2> "$TMP/err"
  RC=$?
  _t1=$(nowms)
  MS=$((_t1 - _t0))
  OUT=$(cat -v "$TMP/out")
  ERR=$(cat -v "$TMP/err")
}
# what the last run did, in one word and the reply line
verdict() {
  if [ "$OUT" = PROG-RAN ] && [ $RC = 7 ]; then echo pass
  else echo "rc=$RC $OUT"; fi
}
TEMP='rc=0 451 temporary RBL lookup error^M'
# a warning line for list $1 with reason $2 (an ERE)
warned() { printf '%s\n' "$ERR" | grep -Eq "^rblgate: warning: 127\.0\.0\.2 pid [0-9]+: $1: ($2)\$"; }
blocklog() { printf '%s\n' "$ERR" | grep -Eq "^rblgate: 127\.0\.0\.2 pid [0-9]+: $1\$"; }

# failcase NAME ZONE REASON T: a failing list is a temporary failure:
# -C runs prog, -c blocks with 451; both log the reason, neither blocks for it alone
failcase() {
  fc_n=$1 fc_z=$2 fc_why=$3 fc_T=$4
  gate -T "$fc_T" -C -r "$fc_z"
  check_eq "$fc_n -C: fail-open, prog runs" "$(verdict)" pass
  check "$fc_n -C: warning '$fc_z: $fc_why' on stderr" warned "$fc_z" "$fc_why"
  check "$fc_n -C: no block line logged" test -z "$(printf '%s\n' "$ERR" | grep -v ': warning: ')"
  check_eq "$fc_n -C: one warning line for the list" "$(printf '%s\n' "$ERR" | grep -c ': warning: ')" 1
  MS_C=$MS
  gate -T "$fc_T" -c -r "$fc_z"
  check_eq "$fc_n -c: fail-closed, 451 temporary error" "$(verdict)" "$TEMP"
  check "$fc_n -c: warning '$fc_z: $fc_why' on stderr" warned "$fc_z" "$fc_why"
  check "$fc_n -c: block line logged" blocklog '451 temporary RBL lookup error'
}
# timed NAME LOW HIGH: the last two runs (-C, -c) took between LOW and HIGH ms
timed() {
  check "$1 -C: decided in $2..$3 ms (took $MS_C ms)" test $MS_C -ge $2 -a $MS_C -le $3
  check "$1 -c: decided in $2..$3 ms (took $MS ms)" test $MS -ge $2 -a $MS -le $3
}

# ---- a listing ------------------------------------------------------------
for m in -C -c; do
  gate $m -r listed.f
  check_eq "listed $m: 451 with the TXT text" "$(verdict)" 'rc=0 451 Listed by listed.f^M'
  check "listed $m: block line on stderr" blocklog '451 Listed by listed\.f'
  check "listed $m: decided at once ($MS ms)" test $MS -lt 1000
done
gate -b -r listed.f
check_eq "listed -b: 553" "$(verdict)" 'rc=0 553 Listed by listed.f^M'

# ---- lookups that fail ------------------------------------------------------
failcase "delay beyond -T 1" slow.f 'lookup timed out' 1
timed "delay beyond -T 1" 1000 2000
failcase "delay beyond -T 0.5" slow.f 'lookup timed out' 0.5
timed "delay beyond -T 0.5" 500 1500
failcase "drop" drop.f 'lookup timed out' 1
timed "drop, -T 1" 1000 2000
failcase "servfail" servfail.f 'server failure' 2
timed "servfail" 0 3000
failcase "refused" refused.f 'server failure' 2
timed "refused" 0 3000
failcase "garbage" garbage.f 'malformed answer|lookup timed out' 1
timed "garbage" 0 2000
failcase "wrong ID" wrongid.f 'lookup timed out' 1
timed "wrong ID (ignored, so the deadline)" 1000 2000
failcase "truncated reply" truncated.f 'malformed answer' 2
timed "truncated reply" 0 3000
failcase "error code 127.255.255.254 with TXT" errcode.f 'error code 127\.255\.255\.254' 2
timed "error code" 0 1000
failcase "A 10.0.0.1 (hijacked NXDOMAIN)" hijack.f 'answer 10\.0\.0\.1 outside 127\.0\.0\.0/8' 2
failcase "A 10.0.0.1 with a TXT" hijacktxt.f 'answer 10\.0\.0\.1 outside 127\.0\.0\.0/8' 2
timed "A 10.0.0.1 with a TXT" 0 1000

# ---- TC: the answer comes over TCP ----------------------------------------
: > "$QLOG"
for m in -C -c; do
  gate $m -T 3 -r tc.f
  check_eq "tc $m: retried over TCP, listed" "$(verdict)" 'rc=0 451 Listed via TCP^M'
done
check "tc: the query log shows TCP queries" grep -Eq '^tcp .* 2\.0\.0\.127\.tc\.f (1|16)$' "$QLOG"

# ---- what the answers say -------------------------------------------------
for m in -C -c; do
  gate $m -r aonly.f
  check_eq "A-only listing $m: default text" "$(verdict)" 'rc=0 451 127.0.0.2 is listed by aonly.f (127.0.0.4)^M'
  gate $m -r txtonly.f
  check_eq "TXT-only listing $m: the TXT decides" "$(verdict)" 'rc=0 451 TXT-only listing^M'
  gate $m -r nx.f
  check_eq "NXDOMAIN $m: not listed, prog runs, nothing logged" "$(verdict) $ERR" 'pass '
done
gate -r ctl.f
check_eq "control bytes and '250 ok' injection: one line, all '?'" "$(verdict)" \
  'rc=0 451 bad??250 ok??x?y?z??end^M'
check_eq "control bytes: stdout is exactly one CRLF line" "$(od -An -c "$TMP/out" | tr -s ' ' | tr -d '\n')" \
  ' 4 5 1 b a d ? ? 2 5 0 o k ? ? x ? y ? z ? ? e n d \r \n'
check "control bytes: the log line is sanitised too" blocklog '451 bad\?\?250 ok\?\?x\?y\?z\?\?end'

# ---- order of the lists ---------------------------------------------------
for m in -C -c; do
  gate $m -T 3 -r late.f -r quick.f
  check_eq "-r LATE -r QUICK $m: waits for the first list's text" "$(verdict)" 'rc=0 451 first list, late^M'
  check "-r LATE -r QUICK $m: about 500 ms ($MS ms)" test $MS -ge 480 -a $MS -lt 2000
  gate $m -T 5 -r quick.f -r drop.f
  check_eq "-r QUICK -r DROPPED $m: the first list decides" "$(verdict)" 'rc=0 451 second list, at once^M'
  check "-r QUICK -r DROPPED $m: decided at once, well before -T 5 ($MS ms)" test $MS -lt 1000
  gate $m -T 5 -a allow.f -r listed.f
  check_eq "-a ALLOW -r LISTED $m: allow-listed, prog runs" "$(verdict)" pass
  check_eq "-a ALLOW -r LISTED $m: nothing logged" "$ERR" ""
done
gate -b -r nx.f -r listed.f
check_eq "-b -r NX -r LISTED: 553" "$(verdict)" 'rc=0 553 Listed by listed.f^M'
gate -b -r servfail.f -r listed.f
check_eq "-b -r FAILED -r LISTED: 451, not 553 (rblsmtpd's rule)" "$(verdict)" 'rc=0 451 Listed by listed.f^M'
check "-b -r FAILED -r LISTED: the failure is logged" warned servfail.f 'server failure'
gate -b -T 1 -r drop.f -r listed.f
check_eq "-b -r TIMEDOUT -r LISTED: 451, not 553" "$(verdict)" 'rc=0 451 Listed by listed.f^M'
gate -c -a allowhijack.f -r listed.f
check_eq "-c -a (answer 10.0.0.1) -r LISTED: not an allow-listing, blocked" "$(verdict)" 'rc=0 451 Listed by listed.f^M'
check "-c -a (answer 10.0.0.1): warned" warned allowhijack.f 'answer 10\.0\.0\.1 outside 127\.0\.0\.0/8'
gate -c -b -a allowhijack.f -r listed.f
check_eq "-c -b -a (answer 10.0.0.1) -r LISTED: 451 (a failure came first)" "$(verdict)" 'rc=0 451 Listed by listed.f^M'
gate -C -a allowhijack.f -r listed.f
check_eq "-C -a (answer 10.0.0.1) -r LISTED: a failed -a passes under -C" "$(verdict)" pass
check "-C -a (answer 10.0.0.1): warned, so not taken for a listing" warned allowhijack.f 'answer 10\.0\.0\.1 outside 127\.0\.0\.0/8'

# ---- query IDs and source ports are not predictable -------------------------
: > "$QLOG"
gate -r listed.f
gate -r listed.f
q=$(grep ' 2\.0\.0\.127\.listed\.f 1$' "$QLOG" | awk '{ print $2, $3 }')
check_eq "two runs sent one A query each" "$(printf '%s\n' "$q" | wc -l | tr -d ' ')" 2
check "two runs differ in query ID or source port" test "$(printf '%s\n' "$q" | sort -u | wc -l)" -eq 2
ids=$(printf '%s\n' "$q" | awk '{ print $2 }' | sort -u | wc -l)
check "two runs use different query IDs" test "$ids" -eq 2
