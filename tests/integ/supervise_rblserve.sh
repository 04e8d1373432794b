#!/bin/sh
# tests/integ/supervise_rblserve.sh: supervise/rblserve run alone, then under s6 and under daemontools.
#
# (1) run and log/run alone, with stand-in tools on a chosen $PATH: which envdir
#     and logger each picks, the exact rblserve command (-N only under s6 with
#     the notification descriptor open), and every refusal to start.
# (2) a copy under s6-svscan, (3) another under daemontools' svscan, each on
#     127.83.8.53 port 5358 with the shipped env/ZONES and env/OPTIONS (but -c 0,
#     so that only SIGHUP reloads) over small Spamhaus-shaped files written here:
#     s6-svwait -U sees the readiness notification, dig gets the listings, -h
#     after a data file is replaced brings in the new entries and drops the old
#     ones without a gap and without a restart, a killed server comes back, the
#     log gets stamped "rblserve: info: ..." lines, and rblserve runs as rbldns.
# Every process the supervisors start has its working directory in the scan
# directory, which is how the test finds them, and kills them on exit whatever
# happened.
. "$(dirname "$0")/../lib.sh"

SERVE=${SERVE:-$BIN/rblserve}
SVC=$TOP/supervise/rblserve
ADDR=127.83.8.53 DPORT=5358
SERVEUSER=rbldns

for t in s6-svscan s6-svscanctl s6-supervise s6-svc s6-svstat s6-svwait s6-log s6-envdir \
    svscan supervise svc svstat multilog envdir dig cksum timeout readlink; do
  command -v "$t" > /dev/null || { notok "needed program $t is installed"; exit 1; }
done
[ -x "$SERVE" ] || { notok "$SERVE is built"; exit 1; }
[ "$(id -u)" = 0 ] || { notok "runs as root (supervisors, rblserve -u)"; exit 1; }
if ! SUID=$(id -u "$SERVEUSER" 2>/dev/null) || ! SGID=$(id -g "$SERVEUSER"); then
  notok "user $SERVEUSER exists"; exit 1
fi
case $TOP$TMP in *[[:space:]]*) notok "no blanks in $TMP (env/ values are split at blanks)"; exit 1 ;; esac
REAL=$(cd "$TMP" && pwd -P)

. "$(dirname "$0")/../svlib.sh"
ev() { cat "$SVC/env/$1"; }

# ---------------------------------------------------------------- (1) the scripts alone
check "shipped env: ADDRESS is loopback" grep -qx '127\.[0-9.]*' "$SVC/env/ADDRESS"
check_eq "shipped notification-fd: 3" "$(cat "$SVC/notification-fd")" 3
check_eq "shipped env/ZONES: one line" "$(wc -l < "$SVC/env/ZONES")" 1

C=$TMP/alone/rblserve
mkdir -p "$TMP/alone"
newsvc "$C"

# stand-ins: the envdirs note their name and run the real one; rblserve notes how
# it was called, its environment, and whether descriptor 3 is open; the loggers
# note how they were called
F=$TMP/fake
mkdir -p "$F"
for e in envdir s6-envdir; do
  printf '#!/bin/sh\necho %s >> %s/tools\nexec %s "$@"\n' "$e" "$TMP" "$(command -v "$e")" > "$F/$e"
done
cat > "$F/rblserve" << EOF
#!/bin/sh
printf '%s\\n' "rblserve \$*" > $TMP/args
/usr/bin/env | /usr/bin/sort > $TMP/env
if (: >&3) 2> /dev/null; then echo open > $TMP/fd3; else echo closed > $TMP/fd3; fi
EOF
for l in s6-log multilog; do
  printf '#!/bin/sh\necho "%s $*" >> %s/tools\n' "$l" "$TMP" > "$F/$l"
done
chmod 755 "$F"/*
setenv "$C" RBLSERVE "$F/rblserve"
# one $PATH per kind of host: both suites, s6 only, daemontools only, neither
for p in both s6 dt none; do mkdir -p "$TMP/p-$p"; done
for t in envdir s6-envdir s6-log multilog; do ln -s "$F/$t" "$TMP/p-both/$t"; done
for t in s6-envdir s6-log; do ln -s "$F/$t" "$TMP/p-s6/$t"; done
for t in envdir multilog; do ln -s "$F/$t" "$TMP/p-dt/$t"; done

# alone PATHDIR [log|fd3]: ./run (or log/run) in $C with a bare environment;
# fd3: with descriptor 3 open, as s6-supervise leaves it for ./notification-fd
alone() {
  rm -f "$TMP/tools" "$TMP/args" "$TMP/env" "$TMP/fd3"
  case ${2-} in
    log) (cd "$C/log" && exec env -i PATH="$TMP/p-$1" /bin/sh ./run < /dev/null 3>&-) > "$TMP/out" 2>&1 ;;
    fd3) (cd "$C" && exec env -i PATH="$TMP/p-$1" /bin/sh ./run 3> "$TMP/notified") > "$TMP/out" 2>&1 ;;
    *) (cd "$C" && exec env -i PATH="$TMP/p-$1" /bin/sh ./run 3>&-) > "$TMP/out" 2>&1 ;;
  esac
  RC=$?
  TOOLS=$(cat "$TMP/tools" 2>/dev/null)
  ARGS=$(cat "$TMP/args" 2>/dev/null)
  FD3=$(cat "$TMP/fd3" 2>/dev/null)
  OUT=$(cat "$TMP/out")
}
# want_args [-N FD]: the command that env/ in $C should give
want_args() {
  _u=$(cat "$C/env/USER" 2>/dev/null) _o=$(cat "$C/env/OPTIONS" 2>/dev/null)
  echo "rblserve -b $(cat "$C/env/ADDRESS")/$(cat "$C/env/PORT")${_u:+ -u $_u}" \
    "-w $(cat "$C/env/DATADIR")${1:+ $1 $2}${_o:+ $_o} $(cat "$C/env/ZONES")"
}
WANT=$(want_args)
check_eq "the shipped settings give rbldnsd's usual command line" "$WANT" \
  "rblserve -b $(ev ADDRESS)/$(ev PORT) -u $(ev USER) -w $(ev DATADIR) $(ev OPTIONS) $(ev ZONES)"

alone both fd3
check_eq "run: exits as rblserve does (the stand-in: 0)" "$RC" 0
check_eq "run under daemontools (no ./event), both installed: envdir" "$TOOLS" envdir
check_eq "run under daemontools: the exact command, no -N even with fd 3 open" "$ARGS" "$WANT"
check_eq "run: its own settings do not go on to rblserve" "$(grep -E \
  '^(RBLSERVE|ADDRESS|PORT|DATADIR|USER|OPTIONS|ZONES)=' "$TMP/env")" ""
check_eq "run: nothing was written to fd 3" "$(wc -c < "$TMP/notified")" 0
mkdir "$C/event"
alone both fd3
check_eq "run under s6 (./event), both installed: s6-envdir" "$TOOLS" s6-envdir
check_eq "run under s6 with the notification fd open: -N 3" "$ARGS" "$(want_args -N 3)"
check_eq "run under s6: fd 3 reaches rblserve open" "$FD3" open
alone both
check_eq "run under s6, fd 3 not open (not started by s6-supervise): no -N" "$ARGS" "$WANT"
printf '5\n' > "$C/notification-fd"
( exec 5> "$TMP/notified5" 3>&-; cd "$C" && exec env -i PATH="$TMP/p-both" /bin/sh ./run ) > "$TMP/out" 2>&1
check_eq "run under s6: -N takes the number in ./notification-fd" "$(cat "$TMP/args")" "$(want_args -N 5)"
rm "$C/notification-fd"
alone both fd3
check_eq "run under s6 without ./notification-fd: no -N" "$ARGS" "$WANT"
printf 'x3\n' > "$C/notification-fd"
alone both fd3
check_eq "run: a bad ./notification-fd is refused (exit 100)" "$RC $OUT" \
  '100 rblserve/run: fatal: ./notification-fd must hold a descriptor number, not "x3"'
cp "$SVC/notification-fd" "$C/notification-fd"
alone dt fd3
check_eq "run under s6 on a host without s6-envdir: envdir, still -N 3" "$TOOLS $ARGS" \
  "envdir $(want_args -N 3)"
rmdir "$C/event"
alone s6
check_eq "run under daemontools on a host without envdir: s6-envdir" "$TOOLS" s6-envdir
check_eq "run without envdir: the same command" "$ARGS" "$WANT"
alone none
check_eq "run with no envdir at all: exit 111 and says so" "$RC $OUT" \
  '111 rblserve/run: fatal: neither envdir nor s6-envdir is on $PATH'

setenv "$C" ADDRESS '127.0.0.1 ::1'
setenv "$C" ZONES 'zen.example:ip4set:* zen.example:ip4tset:xbl'
alone both
check_match "run: one -b per word of ADDRESS, the same PORT" "$ARGS" \
  "^rblserve -b 127\\.0\\.0\\.1/$(ev PORT) -b ::1/$(ev PORT) -u "
check_match "run: ZONES split at blanks, never globbed" "$ARGS" \
  ' zen\.example:ip4set:\* zen\.example:ip4tset:xbl$'
cp "$SVC/env/ADDRESS" "$SVC/env/ZONES" "$C/env/"
: > "$C/env/USER"
alone both
check_eq "run: empty env/USER means no -u" "$ARGS" "$(want_args)"
check_match "run: empty env/USER: really no -u" "$ARGS" '^rblserve -b [^ ]* -w '
: > "$C/env/OPTIONS"
alone both
check_eq "run: empty env/OPTIONS means none" "$ARGS" "$(want_args)"
cp "$SVC/env/USER" "$SVC/env/OPTIONS" "$C/env/"
setenv "$C" PORT 53x
alone both
check_eq "run: a bad PORT is refused (exit 100)" "$RC $OUT" \
  '100 rblserve/run: fatal: $PORT must be a number, not "53x"'
check "run: a bad PORT: rblserve not started" test -z "$ARGS"
cp "$SVC/env/PORT" "$C/env/"
for v in RBLSERVE ADDRESS PORT DATADIR ZONES; do
  mv "$C/env/$v" "$TMP/saved"
  alone both
  check_eq "run: no env/$v is refused (exit 100) and named" "$RC $OUT" \
    "100 rblserve/run: fatal: \$$v is not set: put it in env/$v"
  mv "$TMP/saved" "$C/env/$v"
done

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
  '111 rblserve/log/run: fatal: neither multilog nor s6-log is on $PATH'

# ---------------------------------------------------------------- data for (2) and (3)
# putdata FILE: stdin plus Spamhaus's "# CKSUM: crc bytes" trailer (env/OPTIONS
# has -K), written beside FILE and renamed over it, as rsync does
putdata() {
  cat > "$1.new"
  printf '# CKSUM: %s %s\n' $(cksum < "$1.new") >> "$1.new"
  chmod 644 "$1.new"
  mv "$1.new" "$1"
}
head_soa() {
  printf '%s\n' '$SOA 2100 need.to.know.only. hostmaster.spamhaus.org. 2501010001 3600 600 432000 10' \
    '$NS 2100 need.to.know.only.'
}
# sblfile ADDR: the SBL with the test point and ADDR
sbl() {
  { head_soa; printf '%s\n' ':127.0.0.2:https://www.spamhaus.org/query/ip/$' 127.0.0.2 "$1"; } |
    putdata "$2/sbl"
}
mkdata() {
  mkdir -p "$1"
  chmod 755 "$1"
  sbl 192.0.2.1 "$1"
  { head_soa; printf '%s\n' ':127.0.0.4:https://www.spamhaus.org/query/ip/$' 127.0.0.2; } | putdata "$1/xbl"
  { head_soa; printf '%s\n' ':127.0.0.10:https://www.spamhaus.org/query/ip/$' 127.0.0.2/32; } | putdata "$1/pbl"
  { head_soa; printf '%s\n' ':127.0.1.2:https://www.spamhaus.org/query/domain/$' dbltest.com; } | putdata "$1/dbl"
  { head_soa; printf '%s\n' ':127.0.2.2:' 192.0.2.200; } | putdata "$1/swl"
  { head_soa; printf '%s\n' ':127.0.2.2:' dwltest.com; } | putdata "$1/dwl"
}

# every file the shipped ZONES names must be among those written here
mkdata "$TMP/probe"
missing=
set -f
for z in $(ev ZONES); do
  f=${z##*:}
  [ -f "$TMP/probe/$f" ] || missing="$missing $f"
done
set +f
check_eq "every file named in the shipped env/ZONES has test data" "$missing" ""

# q NAME [TYPE] [+tcp]: rblserve's answer, records sorted and on one line (or dig's error)
q() {
  dig +tries=1 +time=2 ${3-} -p "$DPORT" @"$ADDR" "$1" "${2:-A}" +short 2>&1 | sort | paste -sd ' ' -
}
# status NAME: the rcode
status() {
  dig +tries=1 +time=2 -p "$DPORT" @"$ADDR" "$1" A 2>&1 | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}
TP=2.0.0.127.zen.spamhaus.org
TPWANT='127.0.0.10 127.0.0.2 127.0.0.4'

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
# until_eq WANT CMD...: until CMD prints WANT (at most ~5 s)
until_eq() {
  _w=$1; shift
  _i=0
  while [ $_i -lt 50 ]; do
    [ "$("$@")" = "$_w" ] && return 0
    sleep 0.1; _i=$((_i + 1))
  done
  return 1
}
# nlines PATTERN: lines of the log matching the grep -E pattern after the stamp
nlines() { grep -cE "^@[0-9a-f]{24} $1" "$LOGF" 2>/dev/null; }
# age LINE: now minus the line's TAI64N stamp, in seconds (TAI runs 10 to 37 s ahead)
age() {
  _h=$(printf '%s' "$1" | cut -c 2-17)
  echo $(($(date +%s) - (0x$_h - 0x4000000000000000)))
}
ids() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '[:space:]' ' ' | sed 's/ $//'; }

# supervised SUITE: the whole exercise under one supervisor
supervised() {
  SUITE=$1
  if [ "$SUITE" = s6 ]; then LOGGER=s6-log SVSCAN=s6-svscan; else LOGGER=multilog SVSCAN=svscan; fi
  SCAN=$REAL/$SUITE
  # not in the scan directory, where svscan would take it for a service
  D=$SCAN/rblserve LOGF=$D/log/main/current DATA=$REAL/$SUITE-data
  mkdir -p "$SCAN"
  SCANS="$SCANS $SCAN $DATA"
  newsvc "$D"
  mkdata "$DATA"
  setenv "$D" RBLSERVE "$SERVE"
  setenv "$D" ADDRESS "$ADDR"
  setenv "$D" PORT "$DPORT"
  setenv "$D" DATADIR "$DATA"
  setenv "$D" USER "$SERVEUSER"
  # the shipped options, but no periodic check: only SIGHUP may reload here
  setenv "$D" OPTIONS "$(ev OPTIONS | sed 's/-c [0-9a-z]*/-c 0/')"
  check_match "$SUITE: the shipped options with -c 0" "$(cat "$D/env/OPTIONS")" '(^| )-c 0( |$)'

  # a bare environment, as at boot
  bg env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" \
    "$SVSCAN" "$SCAN" > "$TMP/$SUITE.scan.log" 2>&1
  SCANPID=$LASTPID SVSCANPIDS="$SVSCANPIDS $LASTPID"

  if ! await "$D" rblserve; then
    notok "$SUITE: service up, its supervised pid is rblserve"
    sed 's/^/# /' "$TMP/$SUITE.scan.log"; tail -n 5 "$LOGF" 2>/dev/null | sed 's/^/# /'
    return 1
  fi
  ok "$SUITE: service up, its supervised pid is rblserve (every step execs)"
  PID1=$UPPID
  if [ "$SUITE" = s6 ]; then
    # s6 marks the service ready only when rblserve writes to the notification-fd pipe
    check "s6: s6-svwait -U: up and ready (rblserve -N 3 notified s6)" s6-svwait -U -t 10000 "$D"
    check_eq "s6: s6-svstat: ready, same pid" "$(s6-svstat -o ready,pid "$D")" "true $PID1"
    NOPT="-N 3 "
  else
    # no readiness under daemontools: answers come once the data is loaded,
    # which is after rblserve has read its arguments and dropped privileges
    if until_eq "$TPWANT" q $TP; then ok "dt: rblserve answers"; else notok "dt: rblserve answers"; fi
    NOPT=
  fi
  check_eq "$SUITE: rblserve's command line" "$(tr '\0' ' ' < "/proc/$PID1/cmdline" | sed 's/ $//')" \
    "$SERVE -b $ADDR/$DPORT -u $SERVEUSER -w $DATA $NOPT$(cat "$D/env/OPTIONS") $(ev ZONES)"
  check_eq "$SUITE: rblserve runs as $SERVEUSER (Uid)" "$(ids "$PID1" Uid)" "$SUID $SUID $SUID $SUID"
  check_eq "$SUITE: rblserve runs as $SERVEUSER (Gid)" "$(ids "$PID1" Gid)" "$SGID $SGID $SGID $SGID"
  if await "$D/log" "$LOGGER"; then ok "$SUITE: the log service runs $LOGGER"
  else notok "$SUITE: the log service runs $LOGGER (svstat: $(svpid "$D/log"))"; fi
  LOGPID=$UPPID

  check_eq "$SUITE: the test point in zen: SBL, XBL and PBL codes" "$(q $TP)" "$TPWANT"
  check_eq "$SUITE: its TXT (identical texts sent once)" "$(q $TP TXT)" \
    '"https://www.spamhaus.org/query/ip/127.0.0.2"'
  check_eq "$SUITE: the same over TCP" "$(q $TP A +tcp)" "$TPWANT"
  check_eq "$SUITE: sbl alone" "$(q 2.0.0.127.sbl.spamhaus.org)" 127.0.0.2
  check_eq "$SUITE: a dnset name (dbl)" "$(q dbltest.com.dbl.spamhaus.org)" 127.0.1.2
  check_eq "$SUITE: an allow-list name (dwl)" "$(q dwltest.com.dwl.spamhaus.org)" 127.0.2.2
  check_eq "$SUITE: 192.0.2.1 listed by zen (sbl)" "$(q 1.2.0.192.zen.spamhaus.org)" 127.0.0.2
  check_eq "$SUITE: 192.0.2.99 not listed yet" "$(status 99.2.0.192.zen.spamhaus.org)" NXDOMAIN

  # the lines rblserve logged at start, stamped by the logger
  if until_eq 1 nlines 'rblserve: info: zones reloaded, '; then
    ok "$SUITE: the first load is logged"
  else notok "$SUITE: the first load is logged"; sed 's/^/# /' "$LOGF" 2>/dev/null; fi
  check_eq "$SUITE: the listening line" "$(nlines "rblserve: info: listening on $ADDR/$DPORT\$")" 1
  line=$(grep -E "^@[0-9a-f]{24} rblserve: info: rblserve .* started " "$LOGF" | head -n 1)
  a=$(age "$line")
  if [ "$a" -ge -60 ] && [ "$a" -le 60 ]; then ok "$SUITE: $LOGGER stamped the start line (TAI64N, now)"
  else notok "$SUITE: $LOGGER stamped the start line with the time ($a s off: $line)"; fi

  # replace the SBL (192.0.2.1 out, 192.0.2.99 in) while a client keeps asking
  # about the test point, which both versions list; then -h
  : > "$TMP/during"
  bg sh -c 'i=0; while [ $i -lt 40 ]; do
      dig +tries=1 +time=2 -p "$1" @"$2" "$3" A +short 2>&1 | sort | paste -sd " " - >> "$4"
      sleep 0.05; i=$((i + 1)); done' during "$DPORT" "$ADDR" "$TP" "$TMP/during"
  QPID=$LASTPID
  sleep 0.5
  sbl 192.0.2.99 "$DATA"
  check_eq "$SUITE: a replaced file alone changes nothing (-c 0: no periodic check)" \
    "$(status 99.2.0.192.zen.spamhaus.org)" NXDOMAIN
  if [ "$SUITE" = s6 ]; then s6-svc -h "$D"; else svc -h "$D"; fi
  if until_eq 127.0.0.2 q 99.2.0.192.zen.spamhaus.org; then ok "$SUITE: after -h, the new entry is served"
  else notok "$SUITE: after -h, the new entry is served"; fi
  check_eq "$SUITE: after -h, the old entry is gone" "$(status 1.2.0.192.zen.spamhaus.org)" NXDOMAIN
  check_eq "$SUITE: after -h, the other lists are still there" "$(q $TP)" "$TPWANT"
  check_eq "$SUITE: -h reloaded in place (same pid)" "$(svpid "$D")" "$PID1"
  if until_eq 2 nlines 'rblserve: info: zones reloaded, '; then ok "$SUITE: the reload is logged"
  else notok "$SUITE: the reload is logged (lines: $(nlines 'rblserve: info: zones reloaded'))"; fi
  _i=0
  while kill -0 "$QPID" 2>/dev/null && [ $_i -lt 200 ]; do sleep 0.1; _i=$((_i + 1)); done
  check_eq "$SUITE: queries during the reload: 40 sent" "$(wc -l < "$TMP/during")" 40
  check_eq "$SUITE: queries during the reload: every one answered in full" \
    "$(grep -cvx "$TPWANT" "$TMP/during")" 0

  if [ "$SUITE" = s6 ]; then s6-svc -k "$D"; else svc -k "$D"; fi
  if await "$D" rblserve "$PID1"; then ok "$SUITE: killed (-k), back on a new pid"
  else notok "$SUITE: killed (-k), back on a new pid"; fi
  PID2=$UPPID
  if [ "$SUITE" = s6 ]; then
    check "s6: after the kill, ready again (s6-svwait -U)" s6-svwait -U -t 10000 "$D"
  fi
  if until_eq "$TPWANT" q $TP; then ok "$SUITE: after the kill, the test point is answered"
  else notok "$SUITE: after the kill, the test point is answered"; fi
  check_eq "$SUITE: after the kill, the new data (loaded from the files)" \
    "$(q 99.2.0.192.zen.spamhaus.org)" 127.0.0.2
  check_eq "$SUITE: after the kill, still $SERVEUSER" "$(ids "$PID2" Uid)" "$SUID $SUID $SUID $SUID"
  check_eq "$SUITE: the logger kept running through the restart" "$(svpid "$D/log")" "$LOGPID"

  # a clean stop (-d: SIGTERM) is logged before the logger goes
  if [ "$SUITE" = s6 ]; then
    s6-svc -d "$D"
    check "s6: -d: down (s6-svwait -D)" s6-svwait -D -t 10000 "$D"
  else
    svc -d "$D"
    if until_eq "" svpid "$D"; then ok "dt: -d: down"; else notok "dt: -d: down"; fi
  fi
  if until_eq 1 nlines 'rblserve: info: stopped$'; then ok "$SUITE: the stop is logged"
  else notok "$SUITE: the stop is logged"; fi
  check_eq "$SUITE: every line in the log is stamped" "$(grep -cvE '^@[0-9a-f]{24} ' "$LOGF")" 0
  check_eq "$SUITE: every line in the log is rblserve's info" \
    "$(grep -cvE '^@[0-9a-f]{24} rblserve: info: ' "$LOGF")" 0

  if [ "$SUITE" = s6 ]; then
    s6-svscanctl -t "$SCAN"
  else
    # svscan has no stop command: end it first so that nothing restarts, then the services
    kill "$SCANPID"
    svc -dx "$D" "$D/log"
  fi
  if gone "$SCAN" && gone "$DATA"; then ok "$SUITE: stopped, no process left"
  else notok "$SUITE: stopped, no process left (still: $(procs_in "$SCAN") $(procs_in "$DATA"))"; fi
  check_eq "$SUITE: the supervisors reported no error" \
    "$(grep -ci -e fatal -e warning "$TMP/$SUITE.scan.log")" 0
}

supervised s6
supervised dt
