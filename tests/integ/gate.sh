#!/bin/sh
# tests/integ/gate.sh: rblgate and rblquery end to end: real tcpserver/tcprules, swaks, rbldnsd.
#
# rbldnsd serves rules/sample (plus small lists made here) on 127.83.2.53:53; tcpserver runs
# the gate on 127.0.0.1:26100-26199 in front of tests/smtpsink; swaks connects from chosen
# 127/8 source addresses. IPv6 goes through tcpserver only when an IPv6-capable one exists
# (Debian 12's ucspi-tcp has none; ucspi-tcp-ipv6 conflicts with it): set TCPSERVER6 or
# unpack that package under build/ucspi-tcp-ipv6. Otherwise IPv6 is tested by running the
# gate directly with $TCPREMOTEIP set, as tcpserver would.
# GATE=/usr/bin/rblsmtpd runs the rblsmtpd-compatible part against the reference.
. "$(dirname "$0")/../lib.sh"

GATE=${GATE:-$BIN/rblgate}
QUERY=${QUERY:-$BIN/rblquery}
SINK=$TOP/tests/smtpsink
DNS=127.83.2.53        # rbldnsd with the sample data
SILENT=127.83.2.98     # a UDP socket that never answers
DEAD=127.83.2.99       # nothing there: port unreachable at once
NAME=${GATENAME:-rblgate}
TEXT2='Listed by test.dnsbl, see http://test.dnsbl.invalid/q?ip=127.0.0.2'
SINKDIR=$TMP/sink
export SINKDIR SINKIDLE=20
mkdir -p "$SINKDIR"
unset RBLSMTPD RELAYCLIENT TCPREMOTEIP PROTO 2>/dev/null

for t in tcpserver tcprules swaks rbldnsd dig python3 timeout; do
  command -v "$t" > /dev/null || { notok "needed program $t is installed"; exit 1; }
done
[ -x "$GATE" ] && [ -x "$QUERY" ] || { notok "$GATE and $QUERY are built"; exit 1; }
# swaks looks up this host's own name; it must come from /etc/hosts, never from the resolver
getent -s files hosts "$(hostname)" > /dev/null || {
  notok "host name $(hostname) is in /etc/hosts (swaks would ask the machine's resolver)"; exit 1; }

ms() { echo $(($(date +%s%N) / 1000000)); }

# ---------------------------------------------------------------- data and servers
cp "$TOP"/rules/sample/*.dnsbl "$TMP/"
# three more lists for the ordered four-list gate
cat > "$TMP/two.dnsbl" <<'EOF'
:127.0.0.2:Listed by two.dnsbl ($)
127.0.0.2
127.0.0.4
EOF
cat > "$TMP/ok.dnsbl" <<'EOF'
:127.0.0.2:allowed
127.0.0.5
127.0.0.6
EOF
cat > "$TMP/three.dnsbl" <<'EOF'
:127.0.0.2:Listed by three.dnsbl ($)
127.0.0.4
127.0.0.5
127.0.0.7
127.0.0.30
EOF
# answers the project treats as list errors or as listings without text
cat > "$TMP/odd.dnsbl" <<'EOF'
127.0.0.30 :127.255.255.254:Query refused: error code
127.0.0.31 :10.1.2.3:Listed with an A outside 127/8
127.0.0.32 :127.0.0.2:
EOF
printf '127.0.0.34 :127.0.0.2:%0250d\n' 0 >> "$TMP/odd.dnsbl"
chmod 644 "$TMP"/*.dnsbl
: > "$TMP/q.log"; chmod 666 "$TMP/q.log"
ZONES="test.dnsbl:ip4set:test.dnsbl test.dnsbl:ip6trie:test6.dnsbl allow.dnsbl:ip4set:allow.dnsbl
  two.dnsbl:ip4set:two.dnsbl ok.dnsbl:ip4set:ok.dnsbl three.dnsbl:ip4set:three.dnsbl
  odd.dnsbl:ip4set:odd.dnsbl"
# shellcheck disable=SC2086
start_dnsbl "$DNS" 53 -l +q.log $ZONES || { notok "the DNSBL server serves the sample lists"; exit 1; }
kill -0 "$LASTPID" 2>/dev/null || { notok "our DNSBL server owns $DNS:53"; exit 1; }
check_eq "sample data: 127.0.0.2 listed with rblsmtpd's reference text" \
  "$(dig +short +tries=1 +time=2 @"$DNS" 2.0.0.127.test.dnsbl TXT)" "\"$TEXT2\""
# the same data on ::1, to reach a server by $DNSCACHEIP's [ipv6]:port form
start_dnsbl ::1 26153 test.dnsbl:ip4set:test.dnsbl || notok "the DNSBL server on [::1]:26153"
bg python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("'"$SILENT"'", 53))
time.sleep(120)'

qlog_count() { grep -c -- "$1" "$TMP/q.log"; }

cat > "$TMP/rules" <<'EOF'
127.0.0.1:allow,RELAYCLIENT=""
127.0.0.10:allow,RBLSMTPD=""
127.0.0.11:allow,RBLSMTPD="-Blocked locally"
127.0.0.12:allow,RBLSMTPD="Try again later"
:allow
EOF
tcprules "$TMP/rules.cdb" "$TMP/rules.tmp" < "$TMP/rules" || { notok "tcprules compiles"; exit 1; }

# wait until ADDR PORT accepts; tcpclient must not look names up (lib.sh's wait_tcp does)
port_up() {
  _i=0
  while [ $_i -lt 50 ]; do
    tcpclient -H -R -l 0 -T 1 "$1" "$2" true > /dev/null 2>&1 && return 0
    sleep 0.1; _i=$((_i + 1))
  done
  return 1
}

# serve PORT TCPSERVER-ARGS...: tcpserver -v -H -R -l 0 ARGS, listening on 127.0.0.1:PORT;
# its stderr in $TMP/ts.PORT
serve() {
  _p=$1; shift
  bg tcpserver -v -H -R -l 0 "$@" > /dev/null 2> "$TMP/ts.$_p"
  # the program is exec'd per connection, so the probe connection is logged too
  port_up 127.0.0.1 "$_p" || notok "tcpserver listens on port $_p"
}
DNSCACHEIP=$DNS serve 26100 -x "$TMP/rules.cdb" 127.0.0.1 26100 \
  "$GATE" -r test.dnsbl -a allow.dnsbl "$SINK"
DNSCACHEIP=$DNS serve 26101 127.0.0.1 26101 "$GATE" -b -r test.dnsbl "$SINK"
DNSCACHEIP=$DNS serve 26102 127.0.0.1 26102 \
  "$GATE" -r test.dnsbl -r two.dnsbl -a ok.dnsbl -b -r three.dnsbl "$SINK"
DNSCACHEIP=$DEAD serve 26103 -x "$TMP/rules.cdb" 127.0.0.1 26103 "$GATE" -r test.dnsbl "$SINK"
DNSCACHEIP=$DNS serve 26104 127.0.0.1 26104 "$GATE" -r test.dnsbl /nonexistent/smtpd
DNSCACHEIP=$DNS serve 26105 -x "$TMP/rules.cdb" 127.0.0.1 26105 "$SINK"
DNSCACHEIP=$DNS serve 26106 127.0.0.1 26106 "$GATE" -r odd.dnsbl "$SINK"
DNSCACHEIP=$DNS serve 26107 127.0.0.1 26107 "$GATE" -c -r odd.dnsbl "$SINK"

# smtp PORT SOURCE [swaks args]: one SMTP session; transcript in $OUT, swaks' status in $RC,
# the tcpserver child's pid in $CPID once tcpserver logged the end of the connection
smtp() {
  _p=$1 _src=$2; shift 2
  OUT=$(timeout 30 swaks --server 127.0.0.1 --port "$_p" --local-interface "$_src" \
    --helo client.test --from sender@example.org --to rcpt@example.net --timeout 15 "$@" 2>&1)
  RC=$?
  # an IPv6 tcpserver bound to ::ffff:127.0.0.1 shows IPv4 clients as ::ffff:a.b.c.d
  CPID=$(sed -n "s/^tcpserver: pid \([0-9]*\) from \(::ffff:\)\{0,1\}$_src\$/\1/p" \
    "$TMP/ts.$_p" | tail -n 1)
  _i=0
  while [ $_i -lt 50 ] && ! grep -q "^tcpserver: end ${CPID:-x} " "$TMP/ts.$_p"; do
    sleep 0.1; _i=$((_i + 1))
  done
}
has() { printf '%s\n' "$OUT" | grep -qFx -- "$1"; }
# what the connection's process wrote to tcpserver's stderr (sessions here run one at a time)
childlog() {
  awk -v p="${CPID:-x}" '$0 ~ "^tcpserver: pid " p " from " { on = 1; next }
    $0 ~ "^tcpserver: end " p " " { on = 0 }
    on && !/^tcpserver: / { print }' "$TMP/ts.$1"
}

# ---------------------------------------------------------------- blocks under tcpserver
smtp 26100 127.0.0.2
check "listed 127.0.0.2: greeted by the gate's dialogue" has "<-  220 rblsmtpd.local"
check "listed 127.0.0.2: RCPT refused with 451 and the list's text" has "<** 451 $TEXT2"
check "listed 127.0.0.2: QUIT answered 221" has "<-  221 rblsmtpd.local"
check_eq "listed 127.0.0.2: swaks reports the RCPT failure" "$RC" 24
check_eq "listed 127.0.0.2: log line on tcpserver's stderr" "$(childlog 26100)" \
  "$NAME: 127.0.0.2 pid $CPID: 451 $TEXT2"
check_eq "listed 127.0.0.2: session ended with status 0" \
  "$(grep -c "^tcpserver: end $CPID status 0\$" "$TMP/ts.26100")" 1
check "listed 127.0.0.2: smtpsink never ran" test ! -e "$SINKDIR/env.$CPID"

smtp 26100 127.0.0.2 --quit-after rcpt --pipeline
check "listed 127.0.0.2, pipelined: still 451" has "<** 451 $TEXT2"

smtp 26101 127.0.0.2
check "-b: listed 127.0.0.2 refused with 553" has "<** 553 $TEXT2"
check_eq "-b: log line says 553" "$(childlog 26101)" "$NAME: 127.0.0.2 pid $CPID: 553 $TEXT2"

smtp 26100 127.0.0.15
check "range entry 127.0.0.15 refused, rbldnsd's \$ gives its address" \
  has "<** 451 Listed by test.dnsbl, see http://test.dnsbl.invalid/q?ip=127.0.0.15"
smtp 26100 127.0.1.1
check "excluded 127.0.1.1 (! entry) reaches smtpsink" has "<-  250 2.0.0 accepted by smtpsink"
smtp 26100 127.0.0.20
check "entry with its own A and text: that text" \
  has "<** 451 Open relay at 127.0.0.20, see http://test.dnsbl.invalid/q?ip=127.0.0.20"

# ---------------------------------------------------------------- passes: exec'd unchanged
smtp 26100 127.0.0.1
check "unlisted 127.0.0.1: greeted by smtpsink" has "<-  220 smtpsink ESMTP"
check "unlisted 127.0.0.1: message accepted by smtpsink" has "<-  250 2.0.0 accepted by smtpsink"
check_eq "unlisted 127.0.0.1: swaks succeeded" "$RC" 0
check_eq "unlisted 127.0.0.1: smtpsink ran in the gate's process with tcprules' env" \
  "$(childlog 26100)" \
  "smtpsink: TCPREMOTEIP=127.0.0.1 RELAYCLIENT=\"\" RBLSMTPD=unset accepted 1 pid $CPID"
check "unlisted 127.0.0.1: the message is in the sink" test -s "$SINKDIR/msg.$CPID.1"
gatepid=$CPID
smtp 26105 127.0.0.1
refpid=$CPID
# the same tcpserver and rules without the gate give the reference environment
noports() { grep -v -e '^TCPREMOTEPORT=' -e '^TCPLOCALPORT=' "$1"; }
if [ -f "$SINKDIR/env.$gatepid" ] && [ -f "$SINKDIR/env.$refpid" ]; then
  check_eq "unlisted 127.0.0.1: the whole environment is exactly tcpserver's" \
    "$(noports "$SINKDIR/env.$gatepid")" "$(noports "$SINKDIR/env.$refpid")"
else notok "unlisted 127.0.0.1: environment dumps exist ($gatepid, $refpid)"; fi

# what else prog inherits: open fds, fd 0/1/2 flags (O_NONBLOCK), the signal mask
if [ -f "$SINKDIR/proc.$gatepid" ] && [ -f "$SINKDIR/proc.$refpid" ]; then
  check_eq "unlisted 127.0.0.1: prog's fds, fd flags and signals are tcpserver's" \
    "$(cat "$SINKDIR/proc.$gatepid")" "$(cat "$SINKDIR/proc.$refpid")"
else notok "unlisted 127.0.0.1: inheritance reports exist ($gatepid, $refpid)"; fi
# tcpserver ignores SIGPIPE for its children; started with default dispositions, prog
# must still have them after the gate (the gate may ignore SIGPIPE for itself only)
sigs() {
  python3 -c 'import os, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$@" < /dev/null 2> /dev/null | grep '^Sig'
}
check_eq "unlisted (lookups done): prog's signal dispositions as they were" \
  "$(TCPREMOTEIP=127.0.0.1 DNSCACHEIP=$DNS \
    sigs "$GATE" -r test.dnsbl -a allow.dnsbl grep '^Sig' /proc/self/status)" \
  "$(sigs /bin/grep '^Sig' /proc/self/status)"

smtp 26100 127.0.0.3
check "allow-listed 127.0.0.3 reaches smtpsink" has "<-  250 2.0.0 accepted by smtpsink"
check_eq "allow-listed 127.0.0.3: nothing logged but smtpsink's line" "$(childlog 26100)" \
  "smtpsink: TCPREMOTEIP=127.0.0.3 RELAYCLIENT=unset RBLSMTPD=unset accepted 1 pid $CPID"
check_eq "allow-listed 127.0.0.3: the allow list was asked" \
  "$(qlog_count ' 3\.0\.0\.127\.allow\.dnsbl A ')" 1

# ---------------------------------------------------------------- $RBLSMTPD from tcprules
smtp 26100 127.0.0.10
check "RBLSMTPD=\"\": listed 127.0.0.10 reaches smtpsink" has "<-  250 2.0.0 accepted by smtpsink"
check_eq "RBLSMTPD=\"\": smtpsink sees RBLSMTPD set and empty" "$(childlog 26100)" \
  "smtpsink: TCPREMOTEIP=127.0.0.10 RELAYCLIENT=unset RBLSMTPD=\"\" accepted 1 pid $CPID"
check_eq "RBLSMTPD=\"\": no DNS query for 127.0.0.10" "$(qlog_count ' 10\.0\.0\.127\.')" 0

smtp 26100 127.0.0.11
check "RBLSMTPD=\"-Blocked locally\": 553 Blocked locally" has "<** 553 Blocked locally"
check_eq "RBLSMTPD=\"-Blocked locally\": log line" "$(childlog 26100)" \
  "$NAME: 127.0.0.11 pid $CPID: 553 Blocked locally"
check_eq "RBLSMTPD=\"-Blocked locally\": no DNS query" "$(qlog_count ' 11\.0\.0\.127\.')" 0
t0=$(ms); smtp 26103 127.0.0.11; t1=$(ms)
check "RBLSMTPD=\"-Blocked locally\", dead DNS: still 553 Blocked locally" \
  has "<** 553 Blocked locally"
check "RBLSMTPD=\"-Blocked locally\", dead DNS: within 3 s ($((t1 - t0)) ms)" \
  test $((t1 - t0)) -lt 3000
smtp 26103 127.0.0.2
check "dead DNS: listed 127.0.0.2 fails open (-C) and reaches smtpsink" \
  has "<-  250 2.0.0 accepted by smtpsink"
smtp 26100 127.0.0.12
check "RBLSMTPD=\"Try again later\": 451 Try again later" has "<** 451 Try again later"

# ---------------------------------------------------------------- four lists at once
# -r test.dnsbl -r two.dnsbl -a ok.dnsbl -b -r three.dnsbl: the first list, in command-line
# order, that lists or allows decides; -b applies to three.dnsbl only
four() { # four CLIENT WANT: WANT is "pass" or the refusal line
  smtp 26102 "$1"
  if [ "$2" = pass ]; then
    check "four lists: $1 passes" has "<-  250 2.0.0 accepted by smtpsink"
  else
    check "four lists: $1 gets $2" has "<** $2"
    check_eq "four lists: $1 logged" "$(childlog 26102)" "$NAME: $1 pid $CPID: $2"
  fi
}
four 127.0.0.1 pass
four 127.0.0.2 "451 $TEXT2"
four 127.0.0.4 "451 Listed by two.dnsbl (127.0.0.4)"
four 127.0.0.5 pass
four 127.0.0.6 pass
four 127.0.0.7 "553 Listed by three.dnsbl (127.0.0.7)"
four 127.0.0.8 pass
# several clients at the same time, each with its own right answer
for c in 1 2 4 5 6 7 8; do
  timeout 30 swaks --server 127.0.0.1 --port 26102 --local-interface 127.0.0.$c \
    --helo client.test --from sender@example.org --to rcpt@example.net --timeout 15 \
    > "$TMP/par.$c" 2>&1 &
  pp="${pp:-} $!"
done
for p in $pp; do wait "$p"; done   # each is bounded by its timeout
par() { grep -qFx -- "$2" "$TMP/par.$1"; }
for c in 1 5 6 8; do
  check "seven clients at once: 127.0.0.$c passes" par $c "<-  250 2.0.0 accepted by smtpsink"
done
check "seven clients at once: 127.0.0.2 gets 451 from test.dnsbl" par 2 "<** 451 $TEXT2"
check "seven clients at once: 127.0.0.4 gets 451 from two.dnsbl" \
  par 4 "<** 451 Listed by two.dnsbl (127.0.0.4)"
check "seven clients at once: 127.0.0.7 gets 553 from three.dnsbl" \
  par 7 "<** 553 Listed by three.dnsbl (127.0.0.7)"
# sent at once: the lists after the deciding first one were asked all the same
for z in two ok three; do
  check "four lists: 127.0.0.2's query to $z.dnsbl was sent" \
    test "$(qlog_count " 2\.0\.0\.127\.$z\.dnsbl A ")" -ge 1
done

# ---------------------------------------------------------------- list errors
smtp 26106 127.0.0.30
check "A 127.255.255.254 is no listing (-C): passes" has "<-  250 2.0.0 accepted by smtpsink"
check_eq "A 127.255.255.254: warning logged" \
  "$(childlog 26106 | grep -v '^smtpsink: ')" \
  "$NAME: warning: 127.0.0.30 pid $CPID: odd.dnsbl: error code 127.255.255.254"
smtp 26107 127.0.0.30
check "A 127.255.255.254 with -c: 451 temporary RBL lookup error" \
  has "<** 451 temporary RBL lookup error"
smtp 26106 127.0.0.31
check "A outside 127/8 is no listing (-C): passes" has "<-  250 2.0.0 accepted by smtpsink"
check_eq "A outside 127/8: warning logged" "$(childlog 26106 | grep -v '^smtpsink: ')" \
  "$NAME: warning: 127.0.0.31 pid $CPID: odd.dnsbl: answer 10.1.2.3 outside 127.0.0.0/8"
smtp 26106 127.0.0.32
check "A without TXT: refused with the made-up text" \
  has "<** 451 127.0.0.32 is listed by odd.dnsbl (127.0.0.2)"

# ---------------------------------------------------------------- exec failure
smtp 26104 127.0.0.1
check_match "exec failure under tcpserver: logged" "$(childlog 26104)" \
  "^$NAME: fatal: unable to run /nonexistent/smtpd: "
check_eq "exec failure under tcpserver: status 111" \
  "$(grep -c "^tcpserver: end $CPID status 28416\$" "$TMP/ts.26104")" 1

# ---------------------------------------------------------------- direct runs
# withenv [-u NAME | NAME=VALUE]... -- ARGS...: $PROGRAM ARGS with that environment
withenv() {
  while [ "$1" != -- ]; do
    if [ "$1" = -u ]; then unset "$2"; shift 2; else export "${1%%=*}=${1#*=}"; shift; fi
  done
  shift
  # shellcheck disable=SC2086
  exec $WRAP timeout 20 "$PROGRAM" "$@"
}
WRAP=
# gate ENV... -- ARGS...: the gate run directly, stdin /dev/null; $GOUT (stdout, visible),
# $GERR, $GRC
gate() {
  (PROGRAM=$GATE; withenv "$@" < /dev/null > "$TMP/gout" 2> "$TMP/gerr"); GRC=$?
  GOUT=$(visible < "$TMP/gout")
  GERR=$(cat "$TMP/gerr")
}
# visible: bytes as cat -v shows them, each LF as \n, all on one line
visible() { cat -v | sed 's/$/\\n/' | tr -d '\n'; }
crlf() { printf '%s\r\n' "$1" | visible; }

gate -u TCPREMOTEIP DNSCACHEIP=$DNS -- -r test.dnsbl "$SINK"
check_eq "TCPREMOTEIP unset: exit 100" "$GRC" 100
check_eq "TCPREMOTEIP unset: message" "$GERR" "$NAME: fatal: TCPREMOTEIP not set"
check_eq "TCPREMOTEIP unset: nothing to the client" "$GOUT" ""
for bad in 256.1.1.1 abc "127.0.0.2x" "1.2.3" "2001:db8::g" "" "127.0.0.1 "; do
  gate "TCPREMOTEIP=$bad" DNSCACHEIP=$DNS -- -r test.dnsbl "$SINK"
  check_eq "TCPREMOTEIP='$bad': exit 100" "$GRC" 100
  check_eq "TCPREMOTEIP='$bad': message" "$GERR" "$NAME: fatal: invalid \$TCPREMOTEIP"
done
gate -u TCPREMOTEIP DNSCACHEIP=$DEAD -- "$SINK"
check_match "no lists, TCPREMOTEIP unset: prog runs" "$GERR" \
  "^smtpsink: TCPREMOTEIP=unset RELAYCLIENT=unset RBLSMTPD=unset accepted 0 pid [0-9]+\$"
n0=$(wc -l < "$TMP/q.log")
gate TCPREMOTEIP=127.0.0.2 DNSCACHEIP=$DNS -- "$SINK"
check_match "no lists, listed address: prog runs" "$GERR" "^smtpsink: TCPREMOTEIP=127.0.0.2 "
check_eq "no lists: no DNS query at all" "$(wc -l < "$TMP/q.log")" "$n0"
gate TCPREMOTEIP=abc RBLSMTPD= DNSCACHEIP=$DNS -- -r test.dnsbl "$SINK"
check_match "RBLSMTPD empty: a malformed address does not matter" "$GERR" "^smtpsink: "

# A gate that misread these could fall back to /etc/resolv.conf or take a prefix as a
# server; rblsmtpd does both. So they run without any network (unshare -n), where nothing
# can leave the process.
if unshare -n true 2> /dev/null; then
  WRAP="unshare -n"
  for bad in nonsense 127.83.2.53:99999 "[::1" "127.83.2.53:" "127.83.2.53.5" \
      "127.83.2.53:53x" "::1:53:" "127.83.2.53;127.83.2.54"; do
    gate TCPREMOTEIP=127.0.0.2 "DNSCACHEIP=$bad" -- -r test.dnsbl "$SINK"
    check_eq "DNSCACHEIP='$bad': exit 100" "$GRC" 100
    check_eq "DNSCACHEIP='$bad': message" "$GERR" "$NAME: fatal: invalid \$DNSCACHEIP"
  done
  WRAP=
else
  notok "unshare -n works (needed to try malformed \$DNSCACHEIP values safely)"
fi
for good in "$DNS" "$DNS:53" "$DEAD.$DNS" "$DEAD,$DNS" "$DEAD $DNS" "[::1]:26153" \
    "$DEAD:53,[::1]:26153"; do
  gate TCPREMOTEIP=127.0.0.2 "DNSCACHEIP=$good" -- -t 0 -r test.dnsbl "$SINK"
  check_eq "DNSCACHEIP='$good': the list is reached" "$GOUT" "$(crlf "451 $TEXT2")"
done

# a temporary failure before the deciding list turns -b's 553 into 451, as in rblsmtpd
gate TCPREMOTEIP=127.0.0.30 DNSCACHEIP=$DNS -- -t 0 -b -r odd.dnsbl -r three.dnsbl "$SINK"
check_eq "-b, list error then a listing: 451" "$GOUT" \
  "$(crlf "451 Listed by three.dnsbl (127.0.0.30)")"
gate TCPREMOTEIP=127.0.0.30 DNSCACHEIP=$DNS -- -t 0 -b -r three.dnsbl -r odd.dnsbl "$SINK"
check_eq "-b, a listing then a list error: 553" "$GOUT" \
  "$(crlf "553 Listed by three.dnsbl (127.0.0.30)")"
gate TCPREMOTEIP=127.0.0.30 DNSCACHEIP=$DNS -- -t 0 -c -r odd.dnsbl -a allow.dnsbl "$SINK"
check_eq "-c: a list error blocks 451 temporary RBL lookup error" "$GOUT" \
  "$(crlf "451 temporary RBL lookup error")"
# an -a list that fails (its A is an error code) allow-lists under -C, as in rblsmtpd,
# so the listing that follows does not count; under -c it is passed over
gate TCPREMOTEIP=127.0.0.30 DNSCACHEIP=$DNS -- -t 0 -a odd.dnsbl -r three.dnsbl "$SINK"
check_match "-C: a failing -a list allow-lists" "$GERR" "^smtpsink: TCPREMOTEIP=127.0.0.30 "
gate TCPREMOTEIP=127.0.0.30 DNSCACHEIP=$DNS -- -t 0 -c -a odd.dnsbl -r three.dnsbl "$SINK"
check_eq "-c: a failing -a list is passed over, the listing blocks" "$GOUT" \
  "$(crlf "451 Listed by three.dnsbl (127.0.0.30)")"

# the text is cut to 200 bytes after the code (rblsmtpd 0.88: a 204-byte reply line)
# and made printable
long=$(printf '%0250d' 0)
gate TCPREMOTEIP=127.0.0.1 "RBLSMTPD=-$long" -- -t 0 -r test.dnsbl "$SINK"
check_eq "RBLSMTPD with 250 bytes: text cut to 200 as rblsmtpd does" "$GOUT" \
  "$(crlf "553 $(printf '%0200d' 0)")"
gate TCPREMOTEIP=127.0.0.34 DNSCACHEIP=$DNS -- -t 0 -r odd.dnsbl "$SINK"
check_eq "TXT of 250 bytes: text cut to 200 as rblsmtpd does" "$GOUT" \
  "$(crlf "451 $(printf '%0200d' 0)")"
gate TCPREMOTEIP=127.0.0.1 "RBLSMTPD=$(printf 'a\tb\001c')" -- -t 0 -r test.dnsbl "$SINK"
check_eq "RBLSMTPD with control bytes: made '?'" "$GOUT" "$(crlf "451 a?b?c")"
check_match "RBLSMTPD with control bytes: log line sanitised too" "$GERR" \
  "^$NAME: 127\\.0\\.0\\.1 pid [0-9]+: 451 a\\?b\\?c\$"

gate TCPREMOTEIP=127.0.0.1 DNSCACHEIP=$DNS -- -r test.dnsbl /nonexistent/smtpd
check_eq "exec failure: exit 111" "$GRC" 111
check_eq "exec failure: message" "$GERR" \
  "$NAME: fatal: unable to run /nonexistent/smtpd: No such file or directory"
gate TCPREMOTEIP=127.0.0.2 DNSCACHEIP=$DNS -- -t 0 -r test.dnsbl /nonexistent/smtpd
check_eq "listed client, missing prog: prog never tried, the error line, exit 0" \
  "$GRC $GOUT" "0 $(crlf "451 $TEXT2")"
gate TCPREMOTEIP=127.0.0.1 DNSCACHEIP=$DNS "PATH=/nonexistent:$TOP/tests:/usr/bin:/bin" \
  -- -r test.dnsbl smtpsink
check_match "prog without a slash is found in \$PATH" "$GERR" "^smtpsink: TCPREMOTEIP=127.0.0.1 "
gate TCPREMOTEIP=127.0.0.1 DNSCACHEIP=$DNS -- -r test.dnsbl "$TMP/rules"
check_eq "not executable: exit 111" "$GRC" 111
check_match "not executable: message" "$GERR" "^$NAME: fatal: unable to run $TMP/rules: "

usage() { # usage NAME ARGS...: exit 100 and a usage line, nothing on stdout
  gate TCPREMOTEIP=127.0.0.1 DNSCACHEIP=$DNS -- "$@"
  check_eq "usage: $*: exit 100" "$GRC" 100
  check_match "usage: $*: usage line" "$GERR" "^$NAME: usage: $NAME "
  check_eq "usage: $*: nothing to the client" "$GOUT" ""
}
usage
usage -r test.dnsbl
usage -x "$SINK"
usage -r
usage -R "$SINK"
badval() {
  gate TCPREMOTEIP=127.0.0.1 DNSCACHEIP=$DNS -- "$@"
  check_eq "bad value: $*: exit 100" "$GRC" 100
  check_match "bad value: $*: one line naming $NAME" "$GERR" "^$NAME: "
}
badval -T 0 -r test.dnsbl "$SINK"
badval -T 601 -r test.dnsbl "$SINK"
badval -T abc -r test.dnsbl "$SINK"
badval -T -1 -r test.dnsbl "$SINK"
badval -T 0.5x -r test.dnsbl "$SINK"
gate TCPREMOTEIP=127.0.0.2 DNSCACHEIP=$DNS -- -T 0.5 -t 0 -r test.dnsbl "$SINK"
check_eq "-T 0.5 is accepted" "$GOUT" "$(crlf "451 $TEXT2")"
gate TCPREMOTEIP=127.0.0.2 DNSCACHEIP=$DNS -- -T 600 -t abc -r test.dnsbl "$SINK"
check_eq "-T 600 accepted; -t abc means 0: only the error line" "$GOUT" "$(crlf "451 $TEXT2")"
check_eq "-t 0: exit 0" "$GRC" 0
t0=$(ms)
gate TCPREMOTEIP=127.0.0.2 DNSCACHEIP=$SILENT -- -T 1 -c -t 0 -r test.dnsbl "$SINK"
t1=$(ms)
check_eq "silent server, -T 1 -c: 451 temporary RBL lookup error" "$GOUT" \
  "$(crlf "451 temporary RBL lookup error")"
check "silent server, -T 1: decided in 0.9-2.5 s ($((t1 - t0)) ms)" \
  test $((t1 - t0)) -ge 900 -a $((t1 - t0)) -le 2500
check_eq "silent server: warning logged" \
  "$(grep -c "^$NAME: warning: 127.0.0.2 pid [0-9]*: test.dnsbl: lookup timed out\$" "$TMP/gerr")" 1

# ---------------------------------------------------------------- IPv6 (direct)
nib() { # reversed nibbles of an IPv6 address
  python3 -c 'import ipaddress, sys
print(".".join(reversed(ipaddress.ip_address(sys.argv[1]).exploded.replace(":", ""))))' "$1"
}
for a in ::1 2001:db8::2 2001:db8:1:6::1; do
  gate "TCPREMOTEIP=$a" DNSCACHEIP=$DNS -- -t 0 -r test.dnsbl "$SINK"
  check_eq "IPv6 $a (direct): listed by the ip6trie data" "$GOUT" \
    "$(crlf "451 Listed by test.dnsbl, see http://test.dnsbl.invalid/q?ip=$a")"
  check_match "IPv6 $a (direct): log line" "$GERR" \
    "^$NAME: $a pid [0-9]+: 451 Listed by test.dnsbl, see http://test.dnsbl.invalid/q\\?ip=$a\$"
done
check_eq "IPv6: nibble name asked" \
  "$(qlog_count " $(nib 2001:db8::2 | sed 's/\./\\./g')\\.test\\.dnsbl ")" 2
for a in 2001:db8::3 2001:db8:1:5::1; do
  gate "TCPREMOTEIP=$a" DNSCACHEIP=$DNS -- -t 0 -r test.dnsbl "$SINK"
  check_match "IPv6 $a (direct): unlisted, prog runs" "$GERR" "^smtpsink: TCPREMOTEIP=$a "
done
gate TCPREMOTEIP=::ffff:127.0.0.2 DNSCACHEIP=$DNS -- -t 0 -r test.dnsbl "$SINK"
check_eq "IPv4-mapped ::ffff:127.0.0.2 (direct): looked up as 127.0.0.2" "$GOUT" \
  "$(crlf "451 $TEXT2")"
check_match "IPv4-mapped (direct): log shows the address as given" "$GERR" \
  "^$NAME: ::ffff:127.0.0.2 pid [0-9]+: 451 "
gate TCPREMOTEIP=2001:db8::2 DNSCACHEIP=$DNS -- -t 0 -a allow.dnsbl -r test.dnsbl "$SINK"
check_eq "IPv6 2001:db8::2 with an IPv4-only allow list first: still refused" \
  "$GOUT" "$(crlf "451 Listed by test.dnsbl, see http://test.dnsbl.invalid/q?ip=2001:db8::2")"

# ---------------------------------------------------------------- IPv6 under tcpserver
TS6=${TCPSERVER6:-}
[ -z "$TS6" ] && [ -x "$TOP/build/ucspi-tcp-ipv6/usr/bin/tcpserver" ] && \
  TS6=$TOP/build/ucspi-tcp-ipv6/usr/bin/tcpserver
if [ -z "$TS6" ] && tcpserver -6 2>&1 | grep -q -- '\[ -46'; then TS6=tcpserver; fi
if [ -n "$TS6" ]; then
  DNSCACHEIP=$DNS bg "$TS6" -6 -v -H -R -l 0 ::1 26110 "$GATE" -r test.dnsbl "$SINK" \
    2> "$TMP/ts.26110"
  DNSCACHEIP=$DNS bg "$TS6" -6 -v -H -R -l 0 ::ffff:127.0.0.1 26111 \
    "$GATE" -r test.dnsbl "$SINK" 2> "$TMP/ts.26111"
  for p in 26110 26111; do
    python3 -c 'import socket, sys, time
for i in range(50):
    try:
        socket.create_connection(("::1" if sys.argv[1] == "26110" else "127.0.0.1", int(sys.argv[1])), 1).close(); sys.exit(0)
    except OSError: time.sleep(0.1)
sys.exit(1)' $p || notok "IPv6 tcpserver listens on port $p"
  done
  OUT=$(timeout 30 swaks --server ::1 --port 26110 --helo client.test \
    --from sender@example.org --to rcpt@example.net --timeout 15 2>&1)
  check "IPv6 ::1 under $TS6: 451 with the ip6trie text" \
    has "<** 451 Listed by test.dnsbl, see http://test.dnsbl.invalid/q?ip=::1"
  check_match "IPv6 ::1 under tcpserver: log line" "$(grep -v '^tcpserver: ' "$TMP/ts.26110")" \
    "^$NAME: ::1 pid [0-9]+: 451 Listed by test.dnsbl"
  smtp 26111 127.0.0.2
  check "mapped ::ffff:127.0.0.2 under IPv6 tcpserver: 451" has "<** 451 $TEXT2"
  smtp 26111 127.0.0.1
  check_eq "mapped ::ffff:127.0.0.1 under IPv6 tcpserver: exec'd unchanged" \
    "$(childlog 26111)" \
    "smtpsink: TCPREMOTEIP=::ffff:127.0.0.1 RELAYCLIENT=unset RBLSMTPD=unset accepted 1 pid $CPID"
else
  echo "# no IPv6-capable tcpserver (TCPSERVER6 unset, build/ucspi-tcp-ipv6 absent):"
  echo "# IPv6 tested by running the gate directly only"
fi

# ---------------------------------------------------------------- rblquery
# query ENV... -- ARGS...: $QOUT $QRC
query() {
  QOUT=$(PROGRAM=$QUERY; withenv "$@" < /dev/null 2> "$TMP/qerr"); QRC=$?
}
line() { printf '%s\n' "$QOUT" | grep -E -- "$1"; }
query DNSCACHEIP=$DNS -- -r test.dnsbl -a allow.dnsbl 127.0.0.2
check_eq "rblquery 127.0.0.2: exit 1" "$QRC" 1
check_match "rblquery 127.0.0.2: -r line" "$(line '^127\.0\.0\.2 -r ')" \
  "^127\\.0\\.0\\.2 -r test\\.dnsbl: listed 127\\.0\\.0\\.2 \"Listed by test\\.dnsbl, see http://test\\.dnsbl\\.invalid/q\\?ip=127\\.0\\.0\\.2\" [0-9]+ ms\$"
check_eq "rblquery 127.0.0.2: one -a line" "$(line '^127\.0\.0\.2 -a allow\.dnsbl: ' | wc -l)" 1
check_eq "rblquery 127.0.0.2: verdict" "$(line ' verdict: ')" \
  "127.0.0.2 verdict: block 451 $TEXT2"
query DNSCACHEIP=$DNS -- -r test.dnsbl -a allow.dnsbl 127.0.0.1
check_eq "rblquery 127.0.0.1: exit 0" "$QRC" 0
check_match "rblquery 127.0.0.1: -r not listed" "$(line ' -r ')" \
  '^127\.0\.0\.1 -r test\.dnsbl: not listed [0-9]+ ms$'
check_match "rblquery 127.0.0.1: -a not listed" "$(line ' -a ')" \
  '^127\.0\.0\.1 -a allow\.dnsbl: not listed [0-9]+ ms$'
check_eq "rblquery 127.0.0.1: verdict pass" "$(line ' verdict: ')" "127.0.0.1 verdict: pass"
check_eq "rblquery 127.0.0.1: three lines" "$(printf '%s\n' "$QOUT" | wc -l)" 3
query DNSCACHEIP=$DNS -- -r test.dnsbl -a allow.dnsbl 127.0.0.3
check_eq "rblquery 127.0.0.3 (allow-listed): exit 0" "$QRC" 0
check_match "rblquery 127.0.0.3: -a listed" "$(line ' -a ')" \
  '^127\.0\.0\.3 -a allow\.dnsbl: listed 127\.0\.0\.2( |$)'
check_eq "rblquery 127.0.0.3: verdict pass" "$(line ' verdict: ')" "127.0.0.3 verdict: pass"
query DNSCACHEIP=$DNS -- -r test.dnsbl -a allow.dnsbl 127.0.0.1 127.0.0.2
check_eq "rblquery 127.0.0.1 127.0.0.2: exit 1" "$QRC" 1
check_eq "rblquery two addresses: two verdicts, in order" "$(line ' verdict: ')" \
  "127.0.0.1 verdict: pass
127.0.0.2 verdict: block 451 $TEXT2"
query DNSCACHEIP=$DNS -- -b -r test.dnsbl 127.0.0.2
check_eq "rblquery -b: verdict 553" "$(line ' verdict: ')" "127.0.0.2 verdict: block 553 $TEXT2"
query DNSCACHEIP=$DNS -- -r test.dnsbl 2001:db8::2
check_eq "rblquery IPv6 2001:db8::2: exit 1" "$QRC" 1
check_match "rblquery IPv6 2001:db8::2: verdict" "$(line ' verdict: ')" \
  '^2001:db8::2 verdict: block 451 Listed by test\.dnsbl, see http://test\.dnsbl\.invalid/q\?ip=2001:db8::2$'
query DNSCACHEIP=$DNS -- -r test.dnsbl -r two.dnsbl -a ok.dnsbl -b -r three.dnsbl 127.0.0.7
check_eq "rblquery four lists: four list lines" "$(line '^127\.0\.0\.7 -[ra] ' | wc -l)" 4
check_eq "rblquery four lists: verdict" "$(line ' verdict: ')" \
  "127.0.0.7 verdict: block 553 Listed by three.dnsbl (127.0.0.7)"
t0=$(ms); query DNSCACHEIP=$SILENT -- -T 1 -r test.dnsbl 127.0.0.2; t1=$(ms)
check_eq "rblquery, silent server, -T 1: exit 111" "$QRC" 111
check_match "rblquery, silent server: failed line" "$(line ' -r ')" \
  '^127\.0\.0\.2 -r test\.dnsbl: failed: lookup timed out [0-9]+ ms$'
check "rblquery, silent server: gave up in 0.9-2.5 s ($((t1 - t0)) ms)" \
  test $((t1 - t0)) -ge 900 -a $((t1 - t0)) -le 2500
t0=$(ms); query DNSCACHEIP=$DEAD -- -T 1 -r test.dnsbl 127.0.0.2; t1=$(ms)
check_eq "rblquery, dead server: exit 111" "$QRC" 111
check_match "rblquery, dead server: failed line" "$(line ' -r ')" \
  '^127\.0\.0\.2 -r test\.dnsbl: failed: '
check "rblquery, dead server: within 2.5 s ($((t1 - t0)) ms)" test $((t1 - t0)) -le 2500
t0=$(ms); query DNSCACHEIP=$DEAD -- -T 1 -c -r test.dnsbl 127.0.0.2; t1=$(ms)
check_eq "rblquery -c, dead server: verdict 451 temporary RBL lookup error" \
  "$(line ' verdict: ')" "127.0.0.2 verdict: block 451 temporary RBL lookup error"
check_eq "rblquery -c, dead server: exit 111 (blocked, but not by a listing)" "$QRC" 111
query DNSCACHEIP=$DNS -- -r test.dnsbl ::ffff:127.0.0.2
check_eq "rblquery ::ffff:127.0.0.2: looked up as 127.0.0.2" "$(line ' verdict: ')" \
  "::ffff:127.0.0.2 verdict: block 451 $TEXT2"
query DNSCACHEIP=$DNS -- -r test.dnsbl 256.1.1.1
check_eq "rblquery bad address: exit 100" "$QRC" 100
query DNSCACHEIP=$DNS -- -r test.dnsbl
check_eq "rblquery no address: exit 100" "$QRC" 100
query DNSCACHEIP=$DNS -- -x -r test.dnsbl 127.0.0.2
check_eq "rblquery bad option: exit 100" "$QRC" 100
check_match "rblquery bad option: usage line" "$(cat "$TMP/qerr")" "rblquery: usage: rblquery "
