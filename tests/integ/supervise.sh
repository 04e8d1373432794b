#!/bin/sh
# tests/integ/supervise.sh: supervise/smtpd run alone, then under s6 and under daemontools.
#
# (1) run and log/run alone, with stand-in tools on a chosen $PATH: which envdir
#     and logger each picks, the exact tcpserver command, the environment passed on,
#     and every refusal to start.
# (2) a copy under s6-svscan on 127.0.0.1:26410, (3) another under daemontools'
#     svscan on 127.0.0.1:26411: the gate blocks 127.0.0.2 (451) and passes
#     127.0.0.1 to tests/smtpsink, a kill and a SIGHUP bring it back on a new pid,
#     the log gets one stamped line per event, and stopping leaves no process.
# rbldnsd serves rules/sample's test.dnsbl on 127.83.7.54:53. Every process the
# supervisors start has its working directory in the scan directory, which is how
# the test finds them, and kills them on exit whatever happened.
. "$(dirname "$0")/../lib.sh"

GATE=${GATE:-$BIN/rblgate}
SINK=$TOP/tests/smtpsink
SVC=$TOP/supervise/smtpd
DNS=127.83.7.54
NAME=rblgate
LISTED='Listed by test.dnsbl, see http://test.dnsbl.invalid/q?ip=127.0.0.2'
unset RBLSMTPD RELAYCLIENT TCPREMOTEIP PROTO 2>/dev/null

for t in s6-svscan s6-svscanctl s6-supervise s6-svc s6-svstat s6-log s6-envdir \
    svscan supervise svc svstat multilog envdir tcpserver tcpclient tcprules swaks rbldnsd dig \
    timeout readlink; do
  command -v "$t" > /dev/null || { notok "needed program $t is installed"; exit 1; }
done
[ -x "$GATE" ] || { notok "$GATE is built"; exit 1; }
[ "$(id -u)" = 0 ] || { notok "runs as root (rbldnsd on port 53, supervisors)"; exit 1; }
getent -s files hosts "$(hostname)" > /dev/null || {
  notok "host name $(hostname) is in /etc/hosts (swaks would ask the machine's resolver)"; exit 1; }
case $TOP$TMP in *[[:space:]]*) notok "no blanks in $TMP (env/ values are split at blanks)"; exit 1 ;; esac
ME=$(id -un) MYUID=$(id -u) MYGID=$(id -g)
REAL=$(cd "$TMP" && pwd -P)

. "$(dirname "$0")/../svlib.sh"

# the rules as shipped, with localhost narrowed to 127.0.0.1 so that 127.0.0.2 gets the lists
sed 's/^127\.:/127.0.0.1:/' "$TOP/rules/smtp.rules" > "$TMP/smtp.rules"
tcprules "$TMP/smtp.cdb" "$TMP/smtp.tmp" < "$TMP/smtp.rules" || { notok "rules compile"; exit 1; }

# ---------------------------------------------------------------- (1) the scripts alone
C=$TMP/alone/smtpd
mkdir -p "$TMP/alone"
newsvc "$C"
check_eq "shipped env: BACKLOG is the concurrency limit" \
  "$(cat "$SVC/env/BACKLOG")" "$(cat "$SVC/env/CONCURRENCY")"
check "shipped env: DNSCACHEIP is a loopback address" grep -qx '127\.[0-9.]*' "$SVC/env/DNSCACHEIP"
setenv "$C" SMTPD_USER "$ME"
setenv "$C" RULES "$TMP/smtp.cdb"
setenv "$C" DATABYTES 1000000

# stand-ins: the envdirs note their name and run the real one; tcpserver and the
# loggers note how they were called
F=$TMP/fake
mkdir -p "$F"
for e in envdir s6-envdir; do
  printf '#!/bin/sh\necho %s >> %s/tools\nexec %s "$@"\n' "$e" "$TMP" "$(command -v "$e")" > "$F/$e"
done
printf '#!/bin/sh\nprintf "%%s\\n" "tcpserver $*" > %s/args\n/usr/bin/env | /usr/bin/sort > %s/env\n' \
  "$TMP" "$TMP" > "$F/tcpserver"
for l in s6-log multilog; do
  printf '#!/bin/sh\necho "%s $*" >> %s/tools\n' "$l" "$TMP" > "$F/$l"
done
chmod 755 "$F"/*
# one $PATH per kind of host: both suites, s6 only, daemontools only, neither
for p in both s6 dt none; do
  mkdir -p "$TMP/p-$p"
  ln -s "$(command -v id)" "$TMP/p-$p/id"
  ln -s "$F/tcpserver" "$TMP/p-$p/tcpserver"
done
for t in envdir s6-envdir s6-log multilog; do ln -s "$F/$t" "$TMP/p-both/$t"; done
for t in s6-envdir s6-log; do ln -s "$F/$t" "$TMP/p-s6/$t"; done
for t in envdir multilog; do ln -s "$F/$t" "$TMP/p-dt/$t"; done

# alone PATHDIR [log]: ./run (or log/run, input from /dev/null) in $C with a bare environment
alone() {
  rm -f "$TMP/tools" "$TMP/args" "$TMP/env"
  if [ "${2-}" = log ]; then
    (cd "$C/log" && exec env -i PATH="$TMP/p-$1" /bin/sh ./run < /dev/null) > "$TMP/out" 2>&1
  else
    (cd "$C" && exec env -i PATH="$TMP/p-$1" /bin/sh ./run) > "$TMP/out" 2>&1
  fi
  RC=$?
  TOOLS=$(cat "$TMP/tools" 2>/dev/null)
  ARGS=$(cat "$TMP/args" 2>/dev/null)
  OUT=$(cat "$TMP/out")
}
ev() { cat "$C/env/$1"; }
want_args() {
  echo "tcpserver -v -R -l 0 $1-c $(ev CONCURRENCY) -b $2 -u $MYUID -g $MYGID" \
    "$(ev ADDRESS) $(ev PORT) $(ev RBLGATE) $(ev RBLGATE_OPTIONS) $(ev SMTPD)"
}
WANT=$(want_args "-x $TMP/smtp.cdb " "$(ev BACKLOG)")

alone both
check_eq "run: exits as tcpserver does (the stand-in: 0)" "$RC" 0
check_eq "run under daemontools (no ./event), both installed: envdir" "$TOOLS" envdir
check_eq "run: the exact tcpserver command from env/" "$ARGS" "$WANT"
check "run: env/DATABYTES goes on to tcpserver's children" grep -qx 'DATABYTES=1000000' "$TMP/env"
check "run: env/DNSCACHEIP goes on to tcpserver's children" \
  grep -qx "DNSCACHEIP=$(ev DNSCACHEIP)" "$TMP/env"
check_eq "run: its own settings do not go on" "$(grep -E \
  '^(ADDRESS|PORT|CONCURRENCY|BACKLOG|RULES|RBLGATE|RBLGATE_OPTIONS|SMTPD|SMTPD_USER)=' "$TMP/env")" ""
mkdir "$C/event"
alone both
check_eq "run under s6 (./event), both installed: s6-envdir" "$TOOLS" s6-envdir
check_eq "run under s6: the same command" "$ARGS" "$WANT"
alone dt
check_eq "run under s6 on a host without s6-envdir: envdir" "$TOOLS" envdir
rmdir "$C/event"
alone s6
check_eq "run under daemontools on a host without envdir: s6-envdir" "$TOOLS" s6-envdir
check_eq "run without envdir: the same command" "$ARGS" "$WANT"
alone none
check_eq "run with no envdir at all: exit 111" "$RC" 111
check_eq "run with no envdir at all: says so" "$OUT" \
  'smtpd/run: fatal: neither envdir nor s6-envdir is on $PATH'

: > "$C/env/BACKLOG"
alone both
check_eq "run: empty env/BACKLOG means the concurrency limit" "$ARGS" \
  "$(want_args "-x $TMP/smtp.cdb " "$(ev CONCURRENCY)")"
rm "$C/env/BACKLOG"
alone both
check_eq "run: no env/BACKLOG means the concurrency limit" "$ARGS" \
  "$(want_args "-x $TMP/smtp.cdb " "$(ev CONCURRENCY)")"
setenv "$C" BACKLOG 7
alone both
check_eq "run: env/BACKLOG becomes -b" "$ARGS" "$(want_args "-x $TMP/smtp.cdb " 7)"
: > "$C/env/RULES"
alone both
check_eq "run: empty env/RULES means no -x" "$ARGS" "$(want_args '' 7)"
setenv "$C" RULES "$TMP/missing.cdb"
alone both
check_eq "run: a missing rules file stops it (exit 100)" "$RC" 100
check_eq "run: a missing rules file is named" "$OUT" \
  "smtpd/run: fatal: no rules file $TMP/missing.cdb (\$RULES): compile it with tcprules"
check "run: a missing rules file: tcpserver not started" test -z "$ARGS"
setenv "$C" RULES "$TMP/smtp.cdb"
setenv "$C" RBLGATE_OPTIONS '-r * -r test.dnsbl'
alone both
check_eq "run: RBLGATE_OPTIONS split at blanks, never globbed" "$ARGS" \
  "$(want_args "-x $TMP/smtp.cdb " 7)"
check_match "run: the * reaches tcpserver as it is" "$ARGS" ' -r \* -r test\.dnsbl '
setenv "$C" SMTPD_USER no-such-user-rblgate
alone both
check_eq "run: an unknown user stops it (exit 100)" "$RC" 100
check_match "run: an unknown user is named" "$OUT" \
  '^smtpd/run: fatal: unknown user \$SMTPD_USER "no-such-user-rblgate"$'
setenv "$C" SMTPD_USER "$ME"
setenv "$C" PORT 25x
alone both
check_eq "run: a bad number is refused" "$OUT" 'smtpd/run: fatal: $PORT must be a number, not "25x"'
setenv "$C" PORT 25
rm "$C/env/SMTPD"
alone both
check_eq "run: a missing setting is named" "$OUT" \
  'smtpd/run: fatal: $SMTPD is not set: put it in env/SMTPD'
check_eq "run: a missing setting: exit 100" "$RC" 100

alone both log
check_eq "log/run under daemontools, both installed: multilog t ./main" "$TOOLS" "multilog t ./main"
alone s6 log
check_eq "log/run under daemontools, s6 only: s6-log t ./main" "$TOOLS" "s6-log t ./main"
mkdir "$C/log/event"
alone both log
check_eq "log/run under s6, both installed: s6-log t ./main" "$TOOLS" "s6-log t ./main"
alone dt log
check_eq "log/run under s6, daemontools only: multilog t ./main" "$TOOLS" "multilog t ./main"
alone none log
check_eq "log/run with no logger: exit 111 and says so" "$RC $OUT" \
  '111 smtpd/log/run: fatal: neither multilog nor s6-log is on $PATH'

# ---------------------------------------------------------------- servers for (2) and (3)
cp "$TOP/rules/sample/test.dnsbl" "$TMP/"
# tcpserver (no -H in run) asks for each client's host name. A server that
# refuses the question costs djb's resolver its whole timeout (about 11 s), so
# the same rbldnsd answers in-addr.arpa from an empty set: NXDOMAIN at once.
: > "$TMP/empty"
chmod 644 "$TMP/test.dnsbl" "$TMP/empty"
start_dnsbl "$DNS" 53 test.dnsbl:ip4set:test.dnsbl in-addr.arpa:ip4set:empty ||
  { notok "the DNSBL server on $DNS"; exit 1; }
check_eq "rbldnsd: no host name for 127.0.0.1, at once" \
  "$(dig +tries=1 +time=2 @"$DNS" -x 127.0.0.1 | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')" NXDOMAIN
kill -0 "$LASTPID" 2>/dev/null || { notok "our DNSBL server owns $DNS:53"; exit 1; }

# svpid DIR: the service's pid while it is up, else nothing
svpid() {
  if [ "$SUITE" = s6 ]; then
    # shellcheck disable=SC2046
    set -- $(s6-svstat -o up,pid "$1" 2>/dev/null)
    [ "${1-}" = true ] && echo "$2"
  else
    svstat "$1" 2>/dev/null | sed -n 's/^[^:]*: up (pid \([0-9]*\)) .*/\1/p'
  fi
}
# await DIR COMM [OLDPID]: until DIR is up on a pid other than OLDPID that runs COMM
# (the exec chain run -> envdir -> sh -> COMM has finished); the pid in $UPPID
await() {
  _i=0 UPPID=
  while [ $_i -lt 100 ]; do
    _p=$(svpid "$1")
    if [ -n "$_p" ] && [ "$_p" != "${3-}" ] && [ "$(cat "/proc/$_p/comm" 2>/dev/null)" = "$2" ]; then
      UPPID=$_p; return 0
    fi
    sleep 0.1; _i=$((_i + 1))
  done
  return 1
}
port_up() {
  _i=0
  while [ $_i -lt 50 ]; do
    tcpclient -H -R -l 0 -T 1 127.0.0.1 "$1" true > /dev/null 2>&1 && return 0
    sleep 0.1; _i=$((_i + 1))
  done
  return 1
}
# smtp SOURCE: one session to $PORT; transcript in $OUT, its pid (from tcpserver's
# log lines) in $CPID once the logger has written the session's end
smtp() {
  _re=$(printf '%s' "$1" | sed 's/\./\\./g')
  _n=$(grep -c "tcpserver: pid [0-9]* from $_re\$" "$LOGF" 2>/dev/null) || _n=0
  OUT=$(timeout 30 swaks --server 127.0.0.1 --port "$PORT" --local-interface "$1" \
    --helo client.test --from sender@example.org --to rcpt@example.net --timeout 15 2>&1)
  _i=0 CPID=
  while [ $_i -lt 100 ]; do
    if [ "$(grep -c "tcpserver: pid [0-9]* from $_re\$" "$LOGF" 2>/dev/null)" -gt "$_n" ]; then
      CPID=$(sed -n "s/^.* tcpserver: pid \\([0-9]*\\) from $_re\$/\\1/p" "$LOGF" | tail -n 1)
      grep -q " tcpserver: end $CPID " "$LOGF" && return 0
    fi
    sleep 0.1; _i=$((_i + 1))
  done
}
has() { printf '%s\n' "$OUT" | grep -qFx -- "$1"; }
# the session's lines from the gate and from smtpsink, stamps cut off
plog() {
  grep -E "^@[0-9a-f]{24} ($NAME: .* pid ${CPID:-x}: |smtpsink: .* pid ${CPID:-x}\$)" "$LOGF" |
    cut -d ' ' -f 2-
}
# kinds: the session's lines in log order, one word each
kinds() {
  grep -E " ${CPID:-x}( |:)" "$LOGF" | sed -e 's/^@[0-9a-f]* //' \
    -e 's/^tcpserver: \(pid\|ok\|end\) .*/\1/' -e "s/^$NAME: .*/gate/" | paste -sd ' '
}
# age LINE: now minus the line's TAI64N stamp, in seconds (TAI runs 10 to 37 s ahead)
age() {
  _h=$(printf '%s' "$1" | cut -c 2-17)
  echo $(($(date +%s) - (0x$_h - 0x4000000000000000)))
}

# supervised SUITE PORT: the whole exercise under one supervisor
supervised() {
  SUITE=$1 PORT=$2
  if [ "$SUITE" = s6 ]; then LOGGER=s6-log; else LOGGER=multilog; fi
  SCAN=$REAL/$SUITE
  D=$SCAN/smtpd LOGF=$D/log/main/current
  mkdir -p "$SCAN"
  SCANS="$SCANS $SCAN"
  newsvc "$D"
  setenv "$D" ADDRESS 127.0.0.1
  setenv "$D" PORT "$PORT"
  setenv "$D" RULES "$TMP/smtp.cdb"
  setenv "$D" RBLGATE "$GATE"
  setenv "$D" RBLGATE_OPTIONS "-T 5 -r test.dnsbl"
  setenv "$D" DNSCACHEIP "$DNS"
  setenv "$D" SMTPD "$SINK"
  setenv "$D" SMTPD_USER "$ME"
  setenv "$D" SINKIDLE 20
  if [ "$SUITE" = s6 ]; then
    # test only: s6-supervise runs ./finish with how the service ended (256 SIGNUM)
    printf '#!/bin/sh\necho "$1 $2" >> %s/finish.s6\n' "$TMP" > "$D/finish"
    chmod 755 "$D/finish"
  fi

  # a bare environment, as at boot; DNSCACHEIP stays a harmless loopback in case
  # env/ failed to set it, so nothing can reach the machine's resolver
  if [ "$SUITE" = s6 ]; then SVSCAN=s6-svscan; else SVSCAN=svscan; fi
  bg env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DNSCACHEIP=127.0.0.254 \
    ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" \
    "$SVSCAN" "$SCAN" > "$TMP/$SUITE.scan.log" 2>&1
  SCANPID=$LASTPID SVSCANPIDS="$SVSCANPIDS $LASTPID"

  if ! await "$D" tcpserver; then
    notok "$SUITE: service up, its supervised pid is tcpserver"
    sed 's/^/# /' "$TMP/$SUITE.scan.log"; tail -n 5 "$LOGF" 2>/dev/null | sed 's/^/# /'
    return 1
  fi
  ok "$SUITE: service up, its supervised pid is tcpserver (every step execs)"
  PID1=$UPPID
  check_eq "$SUITE: tcpserver's command line" "$(tr '\0' ' ' < "/proc/$PID1/cmdline" | sed 's/ $//')" \
    "tcpserver -v -R -l 0 -x $TMP/smtp.cdb -c 100 -b 100 -u $MYUID -g $MYGID 127.0.0.1 $PORT $GATE -T 5 -r test.dnsbl $SINK"
  if await "$D/log" "$LOGGER"; then ok "$SUITE: the log service runs $LOGGER"
  else notok "$SUITE: the log service runs $LOGGER (svstat: $(svpid "$D/log"))"; fi
  LOGPID=$UPPID
  check "$SUITE: port $PORT answers" port_up "$PORT"

  smtp 127.0.0.2
  check "$SUITE: listed 127.0.0.2 refused with 451" has "<** 451 $LISTED"
  check_eq "$SUITE: the gate's line reached log/main/current" "$(plog)" \
    "$NAME: 127.0.0.2 pid $CPID: 451 $LISTED"
  check_eq "$SUITE: the session's events, one line each, in order" "$(kinds)" "pid ok gate end"
  line=$(grep -E "^@[0-9a-f]{24} $NAME: 127\\.0\\.0\\.2 pid $CPID: " "$LOGF")
  a=$(age "$line")
  if [ "$a" -ge -60 ] && [ "$a" -le 60 ]; then ok "$SUITE: $LOGGER stamped it (TAI64N, now)"
  else notok "$SUITE: $LOGGER stamped it with the time (stamp is $a s off: $line)"; fi

  smtp 127.0.0.1
  check "$SUITE: 127.0.0.1 reaches smtpsink" has "<-  250 2.0.0 accepted by smtpsink"
  check_eq "$SUITE: smtpsink's line in the log, with the rules' variables" "$(plog)" \
    "smtpsink: TCPREMOTEIP=127.0.0.1 RELAYCLIENT=\"\" RBLSMTPD=\"\" accepted 1 pid $CPID"

  if [ "$SUITE" = s6 ]; then s6-svc -k "$D"; else svc -k "$D"; fi
  if await "$D" tcpserver "$PID1"; then ok "$SUITE: killed (-k), back on a new pid"
  else notok "$SUITE: killed (-k), back on a new pid"; fi
  PID2=$UPPID
  check "$SUITE: after the kill, port $PORT answers" port_up "$PORT"
  smtp 127.0.0.2
  check "$SUITE: after the kill, 127.0.0.2 still refused with 451" has "<** 451 $LISTED"
  check_eq "$SUITE: after the kill, the gate's line is logged" "$(plog)" \
    "$NAME: 127.0.0.2 pid $CPID: 451 $LISTED"

  if [ "$SUITE" = s6 ]; then s6-svc -h "$D"; else svc -h "$D"; fi
  # tcpserver has no SIGHUP handler: it ends, and the supervisor starts it again
  if await "$D" tcpserver "$PID2"; then ok "$SUITE: SIGHUP (-h) delivered: tcpserver restarted"
  else notok "$SUITE: SIGHUP (-h) delivered: tcpserver restarted"; fi
  check "$SUITE: after SIGHUP, port $PORT answers" port_up "$PORT"
  if [ "$SUITE" = s6 ]; then
    check_eq "s6: ./finish saw SIGKILL, then SIGHUP" "$(paste -sd ' ' "$TMP/finish.s6")" "256 9 256 1"
  fi
  check_eq "$SUITE: the logger kept running through both restarts" "$(svpid "$D/log")" "$LOGPID"
  check_eq "$SUITE: every line in the log is stamped" \
    "$(grep -cvE '^@[0-9a-f]{24} ' "$LOGF")" 0

  if [ "$SUITE" = s6 ]; then
    s6-svscanctl -t "$SCAN"
  else
    # svscan has no stop command: end it first so that nothing restarts, then the services
    kill "$SCANPID"
    svc -dx "$D" "$D/log"
  fi
  if gone "$SCAN"; then ok "$SUITE: stopped, no process left"
  else notok "$SUITE: stopped, no process left (still: $(procs_in "$SCAN"))"; fi
  check_eq "$SUITE: the supervisors reported no error" \
    "$(grep -ci -e fatal -e warning "$TMP/$SUITE.scan.log")" 0
}

supervised s6 26410
supervised dt 26411
