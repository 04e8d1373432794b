#!/bin/sh
# tests/integ/rules.sh: rules/smtp.rules compiled by tcprules, checked with tcprulescheck and with real sessions.
#
# First the shipped file as it is: it compiles, the compile is all-or-nothing,
# and tcprulescheck shows what each kind of client gets. Then a copy whose
# example networks are rewritten to 127/8 sources goes in front of the gate:
# tcpserver on 127.0.0.1:26400 with -x that cdb, rblgate -r test.dnsbl, then
# tests/smtpsink; rbldnsd serves rules/sample on 127.83.7.53:53 and logs every
# query, so "no list was asked" is checked, not assumed.
. "$(dirname "$0")/../lib.sh"

GATE=${GATE:-$BIN/rblgate}
SINK=$TOP/tests/smtpsink
SRC=$TOP/rules/smtp.rules
DNS=127.83.7.53
PORT=26400
NAME=${GATENAME:-rblgate}
unset RBLSMTPD RELAYCLIENT TCPREMOTEIP TCPREMOTEHOST TCPREMOTEINFO PROTO 2>/dev/null

for t in tcprules tcprulescheck tcpserver tcpclient swaks rbldnsd dig timeout; do
  command -v "$t" > /dev/null || { notok "needed program $t is installed"; exit 1; }
done
[ -x "$GATE" ] || { notok "$GATE is built"; exit 1; }
[ -f "$SRC" ] || { notok "$SRC exists"; exit 1; }
# swaks looks up this host's own name; it must come from /etc/hosts, never from the resolver
getent -s files hosts "$(hostname)" > /dev/null || {
  notok "host name $(hostname) is in /etc/hosts (swaks would ask the machine's resolver)"; exit 1; }

# ---------------------------------------------------------------- the shipped source
# tcprules skips a line without a colon silently: a typo there would vanish
check_eq "smtp.rules: every rule line has a colon" \
  "$(grep -v -e '^#' -e '^[[:space:]]*$' "$SRC" | grep -v ':')" ""

# what `make rules` runs: tcprules writes the temp file, then renames it
tcprules "$TMP/smtp.cdb" "$TMP/smtp.tmp" < "$SRC"
check_eq "tcprules compiles smtp.rules" "$?" 0
check "the cdb is written" test -s "$TMP/smtp.cdb"
check "no temp file is left" test ! -e "$TMP/smtp.tmp"

# a broken source leaves the last good cdb as it was
cp "$TMP/smtp.cdb" "$TMP/good.cdb"
{ cat "$SRC"; echo '198.18.0.1:allow,RBLSMTPD'; } > "$TMP/broken.rules"
tcprules "$TMP/smtp.cdb" "$TMP/smtp.tmp" < "$TMP/broken.rules" 2> "$TMP/broken.err"
check_eq "tcprules refuses a broken line with exit 100" "$?" 100
check "a failed compile leaves the cdb unchanged" cmp -s "$TMP/smtp.cdb" "$TMP/good.cdb"
rm -f "$TMP/smtp.tmp"

# the texts the rules give, taken from the source so that these checks follow it
text_of() { sed -n "s/^$1:allow,RBLSMTPD=\"\\(.*\\)\"\$/\\1/p" "$SRC"; }
REFUSED=$(text_of '203\.0\.113\.')
TEMPTEXT=$(text_of '192\.0\.2\.')
case $REFUSED in -?*) REFUSED=${REFUSED#-}; ok "refused network: its text starts with -" ;;
  *) notok "refused network 203.0.113.: RBLSMTPD=\"-text\" in smtp.rules (got '$REFUSED')" ;; esac
case $TEMPTEXT in -*|'') notok "temporary block 192.0.2.: RBLSMTPD=\"text\" (got '$TEMPTEXT')" ;;
  *) ok "temporary block: its text has no -" ;; esac

# rulecheck CDB IP: what tcpserver -x would do for a client at IP, on one line
rulecheck() {
  env -u TCPREMOTEHOST -u TCPREMOTEINFO TCPREMOTEIP="$2" tcprulescheck "$1" 2>&1 |
    sed 's/^set environment variable //' | paste -sd '|'
}
RELAY='RELAYCLIENT=|RBLSMTPD=|allow connection'
C=$TMP/smtp.cdb
check_eq "localhost relays, lists skipped" "$(rulecheck "$C" 127.0.0.1)" "rule 127.:|$RELAY"
check_eq "all of 127/8 relays" "$(rulecheck "$C" 127.200.0.9)" "rule 127.:|$RELAY"
check_eq "10/8 relays" "$(rulecheck "$C" 10.20.30.40)" "rule 10.:|$RELAY"
check_eq "172.16/12 relays (first /16)" "$(rulecheck "$C" 172.16.0.1)" "rule 172.16.:|$RELAY"
check_eq "172.16/12 relays (last /16)" "$(rulecheck "$C" 172.31.255.254)" "rule 172.31.:|$RELAY"
check_eq "172.15.x is outside 172.16/12" "$(rulecheck "$C" 172.15.0.1)" "rule :|allow connection"
check_eq "172.32.x is outside 172.16/12" "$(rulecheck "$C" 172.32.0.1)" "rule :|allow connection"
check_eq "192.168/16 relays" "$(rulecheck "$C" 192.168.44.5)" "rule 192.168.:|$RELAY"
check_eq "100.x does not match the 10. rule" "$(rulecheck "$C" 100.1.2.3)" "rule :|allow connection"
check_eq "partner network: lists skipped, no relay" "$(rulecheck "$C" 198.51.100.25)" \
  "rule 198.51.100.:|RBLSMTPD=|allow connection"
check_eq "refused network: RBLSMTPD=-text" "$(rulecheck "$C" 203.0.113.9)" \
  "rule 203.0.113.:|RBLSMTPD=-$REFUSED|allow connection"
check_eq "temporary block: RBLSMTPD=text" "$(rulecheck "$C" 192.0.2.77)" \
  "rule 192.0.2.:|RBLSMTPD=$TEMPTEXT|allow connection"
check_eq "anyone else: allowed, nothing set (the lists decide)" \
  "$(rulecheck "$C" 198.18.0.1)" "rule :|allow connection"

# ---------------------------------------------------------------- a copy on loopback sources
# Each example network moves to a 127/8 source a client here can bind to. The
# internal network, the partner and the refused network get addresses that
# test.dnsbl lists, so a rule that failed to skip the lists would show.
#   127.        -> 127.0.0.1   (so the rest of 127/8 falls to the default rule)
#   192.168.    -> 127.0.1.    (listed: 127.0.1.0/24 except 127.0.1.1)
#   198.51.100. -> 127.0.0.12  (listed)
#   203.0.113.  -> 127.0.0.13  (listed)
#   192.0.2.    -> 127.0.0.3   (not listed)
sed -e 's/^127\.:/127.0.0.1:/' -e 's/^192\.168\.:/127.0.1.:/' -e 's/^198\.51\.100\.:/127.0.0.12:/' \
  -e 's/^203\.0\.113\.:/127.0.0.13:/' -e 's/^192\.0\.2\.:/127.0.0.3:/' "$SRC" > "$TMP/test.rules"
check_eq "test copy: exactly five rule lines rewritten" \
  "$(diff "$SRC" "$TMP/test.rules" | grep -c '^> ')" 5
tcprules "$TMP/test.cdb" "$TMP/test.tmp" < "$TMP/test.rules" || { notok "test rules compile"; exit 1; }
T=$TMP/test.cdb
check_eq "test copy: 127.0.0.2 falls to the default rule" "$(rulecheck "$T" 127.0.0.2)" \
  "rule :|allow connection"
check_eq "test copy: 127.0.0.12 is the partner" "$(rulecheck "$T" 127.0.0.12)" \
  "rule 127.0.0.12:|RBLSMTPD=|allow connection"

cp "$TOP"/rules/sample/test.dnsbl "$TMP/"
chmod 644 "$TMP/test.dnsbl"
: > "$TMP/q.log"; chmod 666 "$TMP/q.log"
start_dnsbl "$DNS" 53 -l +q.log test.dnsbl:ip4set:test.dnsbl ||
  { notok "the DNSBL server serves test.dnsbl on $DNS"; exit 1; }
kill -0 "$LASTPID" 2>/dev/null || { notok "our DNSBL server owns $DNS:53"; exit 1; }
for ip in 12.0.0.127 13.0.0.127 2.1.0.127 2.0.0.127; do
  check_eq "test.dnsbl lists $ip (so skipping the lists shows)" \
    "$(dig +short +tries=1 +time=2 @"$DNS" "$ip.test.dnsbl" A)" 127.0.0.2
done
check_eq "test.dnsbl does not list 127.0.0.3" \
  "$(dig +short +tries=1 +time=2 @"$DNS" 3.0.0.127.test.dnsbl A)" ""
# the query log from here on holds the gate's queries only; rbldnsd answers in
# order, so once a marker query is logged, every earlier one is too
dig +short +tries=1 +time=2 @"$DNS" logmark.test.dnsbl TXT > /dev/null
_i=0
until grep -q ' logmark\.test\.dnsbl ' "$TMP/q.log"; do
  _i=$((_i + 1)); [ $_i -lt 50 ] || { notok "the DNSBL server logs queries to q.log"; exit 1; }
  sleep 0.1
done
QSTART=$(($(wc -l < "$TMP/q.log") + 1))

# -H: tcpserver's own host-name lookups would go to the same server and blur the query log
DNSCACHEIP=$DNS bg tcpserver -v -H -R -l 0 -x "$T" 127.0.0.1 "$PORT" \
  "$GATE" -r test.dnsbl "$SINK" > /dev/null 2> "$TMP/ts.log"
_i=0
until tcpclient -H -R -l 0 -T 1 127.0.0.1 "$PORT" true > /dev/null 2>&1; do
  _i=$((_i + 1)); [ $_i -lt 50 ] || { notok "tcpserver listens on $PORT"; exit 1; }
  sleep 0.1
done

# smtp SOURCE: one SMTP session from SOURCE; transcript in $OUT, swaks' status in $RC,
# the session's pid in $CPID once tcpserver has logged its end
smtp() {
  _src=$1; _re=$(printf '%s' "$1" | sed 's/\./\\./g')
  OUT=$(timeout 30 swaks --server 127.0.0.1 --port "$PORT" --local-interface "$_src" \
    --helo client.test --from sender@example.org --to rcpt@example.net --timeout 15 2>&1)
  RC=$?
  CPID=$(sed -n "s/^tcpserver: pid \\([0-9]*\\) from $_re\$/\\1/p" "$TMP/ts.log" | tail -n 1)
  _i=0
  while [ $_i -lt 50 ] && ! grep -q "^tcpserver: end ${CPID:-x} " "$TMP/ts.log"; do
    sleep 0.1; _i=$((_i + 1))
  done
}
has() { printf '%s\n' "$OUT" | grep -qFx -- "$1"; }
# the gate's and smtpsink's lines for the last session (both carry its pid)
plog() { grep -E "^($NAME: .* pid ${CPID:-x}: |smtpsink: .* pid ${CPID:-x}\$)" "$TMP/ts.log"; }
queries() {
  tail -n "+$QSTART" "$TMP/q.log" | grep -c " $(printf '%s' "$1" | sed 's/\./\\./g')\\.test\\.dnsbl "
}
# sinkline IP RELAYCLIENT RBLSMTPD: smtpsink's line for one accepted message in the last session
sinkline() { echo "smtpsink: TCPREMOTEIP=$1 RELAYCLIENT=$2 RBLSMTPD=$3 accepted 1 pid $CPID"; }

smtp 127.0.0.1
check "localhost: accepted by smtpsink" has "<-  250 2.0.0 accepted by smtpsink"
check_eq "localhost: smtpsink got RELAYCLIENT and RBLSMTPD from the rules" "$(plog)" \
  "$(sinkline 127.0.0.1 '""' '""')"

smtp 127.0.1.2
check "internal network, listed: accepted by smtpsink" has "<-  250 2.0.0 accepted by smtpsink"
check_eq "internal network: relay client, the gate passed it without lists" "$(plog)" \
  "$(sinkline 127.0.1.2 '""' '""')"

smtp 127.0.0.12
check "partner, listed: accepted by smtpsink" has "<-  250 2.0.0 accepted by smtpsink"
check_eq "partner: RBLSMTPD empty, no RELAYCLIENT" "$(plog)" \
  "$(sinkline 127.0.0.12 unset '""')"

smtp 127.0.0.13
check "refused network, listed: 553 with the rule's text, not the list's" has "<** 553 $REFUSED"
check_eq "refused network: swaks reports the refused recipient" "$RC" 24
check_eq "refused network: one log line, smtpsink never ran" "$(plog)" \
  "$NAME: 127.0.0.13 pid $CPID: 553 $REFUSED"

smtp 127.0.0.3
check "temporary block: 451 with the rule's text" has "<** 451 $TEMPTEXT"
check_eq "temporary block: one log line, smtpsink never ran" "$(plog)" \
  "$NAME: 127.0.0.3 pid $CPID: 451 $TEMPTEXT"

smtp 127.0.0.2
LISTED='Listed by test.dnsbl, see http://test.dnsbl.invalid/q?ip=127.0.0.2'
check "default rule, listed 127.0.0.2: 451 with the list's text" has "<** 451 $LISTED"
check_eq "default rule, listed: the gate's log line" "$(plog)" "$NAME: 127.0.0.2 pid $CPID: 451 $LISTED"

smtp 127.0.0.4
check "default rule, not listed 127.0.0.4: accepted by smtpsink" \
  has "<-  250 2.0.0 accepted by smtpsink"
check_eq "default rule: neither variable set" "$(plog)" \
  "$(sinkline 127.0.0.4 unset unset)"

# the default-rule clients were asked about (the log works), the others never
check "default rule: the list was asked about 127.0.0.2" test "$(queries 2.0.0.127)" -ge 1
check "default rule: the list was asked about 127.0.0.4" test "$(queries 4.0.0.127)" -ge 1
for ip in 127.0.0.1 127.0.1.2 127.0.0.12 127.0.0.13 127.0.0.3; do
  rev=$(printf '%s\n' "$ip" | awk -F. '{ print $4 "." $3 "." $2 "." $1 }')
  check_eq "no DNS query for $ip (its rule decided)" "$(queries "$rev")" 0
done
