#!/bin/sh
# tests/demo.sh: what `make demo` runs: rblgate in front of an SMTP server on loopback.
#
# rblserve serves rules/sample on 127.83.2.53:53; tcpserver on
# 127.0.0.1:2525 runs `rblgate -r test.dnsbl -a allow.dnsbl tests/smtpsink`; swaks connects
# from three loopback addresses; rblquery asks about two. Needs root (rblserve binds port 53
# and drops to user rbldns). Stops everything it started; exits 0 only if every step
# behaved as expected. Takes a few seconds, never more than about 30.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
GATE=$TOP/build/rblgate
QUERY=$TOP/build/rblquery
SERVE=$TOP/build/rblserve
SINK=$TOP/tests/smtpsink
DNS=127.83.2.53
PORT=2525
TEXT='Listed by test.dnsbl, see http://test.dnsbl.invalid/q?ip=127.0.0.2'
# nothing here may ask the machine's resolver: every DNS client gets our server
export DNSCACHEIP=$DNS

PIDS=
DIR=
cleanup() {
  for p in $PIDS; do kill "$p" 2> /dev/null; done
  for p in $PIDS; do wait "$p" 2> /dev/null; done
  [ -n "$DIR" ] && rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 111' INT TERM
die() { echo "demo: fatal: $*" >&2; exit 111; }

for t in tcpserver swaks dig timeout; do
  command -v "$t" > /dev/null || die "$t is not installed (make deps)"
done
[ -x "$GATE" ] && [ -x "$QUERY" ] && [ -x "$SERVE" ] || die "build/rblgate, rblquery and rblserve are not built (make)"
[ "$(id -u)" = 0 ] || die "run as root: rblserve binds $DNS port 53 and runs as user rbldns"
id rbldns > /dev/null 2>&1 || die "user rbldns is missing (make deps installs rbldnsd, which adds it)"
getent -s files hosts "$(hostname)" > /dev/null || \
  die "add $(hostname) to /etc/hosts first (swaks would look it up in DNS)"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/rblgate-demo.XXXXXX") || die "unable to make a temp dir"
chmod 755 "$DIR"
cp "$TOP"/rules/sample/*.dnsbl "$DIR/" && chmod 644 "$DIR"/*.dnsbl || die "unable to copy rules/sample"

step=0
good=0
RESULTS=
result() { # result OK|FAIL TEXT
  step=$((step + 1))
  [ "$1" = OK ] && good=$((good + 1))
  RESULTS="$RESULTS$(printf '  %-4s %s' "$1" "$2")
"
}
expect() { # expect TEXT COMMAND...: records whether COMMAND succeeded
  _t=$1; shift
  if "$@"; then result OK "$_t"; else result FAIL "$_t"; fi
}

echo "== rblserve on $DNS:53 serving rules/sample (test.dnsbl, test6.dnsbl, allow.dnsbl)"
"$SERVE" -n -u rbldns -b "$DNS/53" -w "$DIR" -t 60 \
  test.dnsbl:ip4set:test.dnsbl test.dnsbl:ip6trie:test6.dnsbl \
  allow.dnsbl:ip4set:allow.dnsbl > "$DIR/rblserve.log" 2>&1 &
PIDS="$PIDS $!"
rbl=$!
i=0
until dig +tries=1 +time=1 @"$DNS" 2.0.0.127.test.dnsbl TXT 2> /dev/null | grep -q 'status: NOERROR'; do
  i=$((i + 1))
  if [ $i -ge 30 ] || ! kill -0 "$rbl" 2> /dev/null; then
    sed 's/^/  /' "$DIR/rblserve.log"; die "rblserve did not start on $DNS:53"
  fi
  sleep 0.1
done

echo "== tcpserver on 127.0.0.1:$PORT: rblgate -r test.dnsbl -a allow.dnsbl tests/smtpsink"
tcpserver -v -H -R -l 0 127.0.0.1 "$PORT" \
  "$GATE" -r test.dnsbl -a allow.dnsbl "$SINK" > /dev/null 2> "$DIR/gate.log" &
PIDS="$PIDS $!"
ts=$!
i=0
until grep -q '^tcpserver: status: 0/' "$DIR/gate.log"; do
  i=$((i + 1))
  if [ $i -ge 30 ] || ! kill -0 "$ts" 2> /dev/null; then
    sed 's/^/  /' "$DIR/gate.log"; die "tcpserver did not start on 127.0.0.1:$PORT"
  fi
  sleep 0.1
done

session() { # session CLIENT: swaks from CLIENT, transcript shown and kept in $OUT
  OUT=$(timeout 8 swaks --server 127.0.0.1 --port "$PORT" --local-interface "$1" \
    --helo client.example --from sender@example.org --to postmaster@example.net \
    --timeout 5 2>&1)
  printf '%s\n' "$OUT" | sed 's/^/  /'
}
said() { printf '%s\n' "$OUT" | grep -qFx -- "$1"; }

echo
echo "== 127.0.0.2 is listed in test.dnsbl: the gate answers, 451 at RCPT"
session 127.0.0.2
expect "127.0.0.2 refused: 451 $TEXT" said "<** 451 $TEXT"

echo
echo "== 127.0.0.1 is in no list: the gate execs smtpsink, which takes the mail"
session 127.0.0.1
expect "127.0.0.1 accepted by smtpsink" said "<-  250 2.0.0 accepted by smtpsink"

echo
echo "== 127.0.0.3 is in allow.dnsbl: passed to smtpsink"
session 127.0.0.3
expect "127.0.0.3 (allow-listed) accepted by smtpsink" said "<-  250 2.0.0 accepted by smtpsink"

echo
echo "== rblquery -r test.dnsbl -a allow.dnsbl 127.0.0.2 127.0.0.1 127.0.0.3"
QOUT=$(timeout 8 "$QUERY" -T 5 -r test.dnsbl -a allow.dnsbl 127.0.0.2 127.0.0.1 127.0.0.3 2>&1)
qrc=$?
printf '%s\n' "$QOUT" | sed 's/^/  /'
echo "  (exit status $qrc)"
qsaid() { printf '%s\n' "$QOUT" | grep -qFx -- "$1"; }
verdicts() {
  qsaid "127.0.0.2 verdict: block 451 $TEXT" && qsaid "127.0.0.1 verdict: pass" &&
    qsaid "127.0.0.3 verdict: pass" &&
    printf '%s\n' "$QOUT" | grep -Eq '^127\.0\.0\.3 -a allow\.dnsbl: listed '
}
expect "rblquery: 127.0.0.2 blocked, 127.0.0.1 passes, 127.0.0.3 allow-listed, exit 1" \
  eval 'verdicts && [ "$qrc" = 1 ]'

echo
echo "== the log (tcpserver's stderr: rblgate's and smtpsink's lines)"
sleep 0.2   # tcpserver writes its "end" line after the last session closed
grep -v -e '^tcpserver: status: ' -e '^tcpserver: pid ' "$DIR/gate.log" | sed 's/^/  /'
logline() {
  grep -Eq "^rblgate: 127\\.0\\.0\\.2 pid [0-9]+: 451 Listed by test\\.dnsbl, see http://test\\.dnsbl\\.invalid/q\\?ip=127\\.0\\.0\\.2\$" "$DIR/gate.log" &&
    [ "$(grep -c '^rblgate: ' "$DIR/gate.log")" = 1 ]
}
expect "one log line: rblgate: 127.0.0.2 pid N: 451 Listed by test.dnsbl ..." logline

echo
echo "== summary"
printf '%s' "$RESULTS"
if [ "$good" = "$step" ]; then
  echo "demo: all $step steps behaved as expected"
  exit 0
fi
echo "demo: $((step - good)) of $step steps did NOT behave as expected"
exit 1
