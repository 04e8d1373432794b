#!/bin/sh
# serve_options.sh: rblserve's command line against rbldnsd's, side by side
# on 127.83.10.1 (ours) and 127.83.10.2 (rbldnsd): the command line left as
# typed, -b (ports, names, the resolver's message; in private network and
# mount namespaces so no query ever leaves), -t, the statsfile (format and
# timing, absolute and +delta), -u with numbers, -r with -w, -c, -l, -p.
. "$(dirname "$0")/../lib.sh"

O=127.83.10.1 R=127.83.10.2
DIG="dig +tries=1 +time=2 +norec +notcp"

cat > "$TMP/ip4" <<'EOF'
$SOA 3600 ns1.bl.test. hostmaster.bl.test. 42 1h 10m 1w 5m
:127.0.0.2:Listed $
127.0.0.2
10.0.0.0/8
EOF
printf '$TTL 7200\n:127.0.0.2:Listed $\n127.0.0.3\n' > "$TMP/ttl7200"
printf '$TTL 5\n127.0.0.4\n' > "$TMP/ttl5"
printf 'srv A 127.83.10.2\n' > "$TMP/names"
mkdir -p "$TMP/jail/data" "$TMP/data" "$TMP/stats" "$TMP/piddir"
printf ':127.0.0.2:inside the jail\n127.0.0.2\n' > "$TMP/jail/data/f"
printf ':127.0.0.2:outside the jail\n127.0.0.2\n' > "$TMP/data/f"
chmod 755 "$TMP/jail" "$TMP/jail/data" "$TMP/data"
chmod 777 "$TMP/stats"
chmod 700 "$TMP/piddir"
chmod 644 "$TMP/ip4" "$TMP/ttl7200" "$TMP/ttl5" "$TMP/names" "$TMP/jail/data/f" "$TMP/data/f"
ZONES="bl.test:ip4set:ip4 t7200.test:ip4set:ttl7200 t5.test:ip4set:ttl5"

# serve o|r ADDR PORT ARG...: rblserve (o) or rbldnsd (r) in the foreground
# on ADDR/PORT, stdout to $TMP/out.ADDR.PORT, stderr to $TMP/log.ADDR.PORT;
# its pid in SPID
serve() {
  _w=$1 _a=$2 _p=$3; shift 3
  if [ "$_w" = r ]; then _prog=rbldnsd; else _prog=$BIN/rblserve; fi
  : > "$TMP/log.$_a.$_p"
  bg sh -c 'o=$1 l=$2; shift 2; exec "$@" > "$o" 2> "$l"' serve "$TMP/out.$_a.$_p" "$TMP/log.$_a.$_p" \
    "$_prog" -n -b "$_a/$_p" "$@"
  SPID=$LASTPID
}

# loaded ADDR PORT: until the server there logged its first load (at most
# ~5 s; rbldnsd logs it on stdout); unlike wait_dns, sends no query, so the
# counters stay untouched
loaded() {
  _i=0
  while [ $_i -lt 50 ]; do
    cat "$TMP/log.$1.$2" "$TMP/out.$1.$2" 2> /dev/null | grep -q 'zones reloaded' && return 0
    sleep 0.1; _i=$((_i + 1))
  done
  echo "# no load logged by the server on $1/$2" >&2
  return 1
}

# stop PID: SIGTERM, then wait for it at most ~5 s
stop() {
  kill "$1" 2>/dev/null
  _i=0
  while kill -0 "$1" 2>/dev/null && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
  wait "$1" 2>/dev/null
}

# lines FILE N: until FILE has at least N lines (at most ~5 s)
lines() {
  _i=0
  while [ $_i -lt 50 ]; do
    [ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ] && return 0
    sleep 0.1; _i=$((_i + 1))
  done
  return 1
}

# ttls ADDR PORT: the TTLs of an answer with the default TTL, one from a
# $TTL 7200 file and one from a $TTL 5 file
ttls() {
  _d=$($DIG -p "$2" @"$1" 2.0.0.127.bl.test A +noall +answer | awk '{print $2}')
  _l=$($DIG -p "$2" @"$1" 3.0.0.127.t7200.test A +noall +answer | awk '{print $2}')
  _s=$($DIG -p "$2" @"$1" 4.0.0.127.t5.test A +noall +answer | awk '{print $2}')
  echo "default $_d, \$TTL 7200: $_l, \$TTL 5: $_s"
}

# --- 1. the command line stays as typed (ps, /proc/PID/cmdline)

serve o $O 5310 -u rbldns -w "$TMP" -l - $ZONES t.test:ip4set:ttl7200,ttl5 u.test:ip4tset:ttl7200:ttl5
OPID=$SPID
serve r $R 5310 -u rbldns -w "$TMP" -l - $ZONES
RPID=$SPID
wait_dns $O 5310 && wait_dns $R 5310
check_eq "cmdline: zone arguments not cut up" "$(tr '\0' ' ' < /proc/$OPID/cmdline)" \
  "$BIN/rblserve -n -b $O/5310 -u rbldns -w $TMP -l - $ZONES t.test:ip4set:ttl7200,ttl5 u.test:ip4tset:ttl7200:ttl5 "
check_eq "cmdline: the zones still work" "$($DIG -p 5310 @$O +short 3.0.0.127.t.test TXT)/$($DIG -p 5310 @$O +short 4.0.0.127.u.test A)" \
  '"Listed 127.0.0.3"/127.0.0.2'

# -l -: buffered, flushed on SIGHUP, in rbldnsd's format
for a in $O $R; do $DIG -p 5310 @$a 2.0.0.127.bl.test A > /dev/null; done
kill -HUP $OPID $RPID
lines "$TMP/out.$O.5310" 1; lines "$TMP/out.$R.5310" 1
ql() { grep ' 2\.0\.0\.127\.bl\.test A IN' "$1" | cut -d' ' -f3-; }
check_eq "-l -: query log on stdout, flushed by SIGHUP, as rbldnsd's" "$(ql "$TMP/out.$O.5310")" "$(ql "$TMP/out.$R.5310")"
check_match "-l -: the line" "$(ql "$TMP/out.$O.5310")" '^2\.0\.0\.127\.bl\.test A IN: NOERROR/1/[0-9]+$'
stop $OPID; stop $RPID

# --- 2. -b

# refused NAME RC MESSAGE COMMAND...: COMMAND exits RC at once, saying MESSAGE
refused() {
  _n=$1 _rc=$2 _msg=$3; shift 3
  _out=$(timeout 10 "$@" 2>&1); _r=$?
  check_eq "$_n" "$_r: $_out" "$_rc: $_msg"
}
if unshare -n true 2> /dev/null; then
  # under unshare -n: should a case reach the resolver, nothing can leave
  for p in 70000 0 0x35 -1 +5310 65536; do
    refused "-b $O/$p refused" 100 "rblserve: fatal: invalid -b value $O/$p: the port must be a number from 1 to 65535 or a service name" \
      unshare -n "$BIN/rblserve" -n -b "$O/$p" -w "$TMP" $ZONES
  done
  refused "-b $O/ (empty port) refused" 100 "rblserve: fatal: invalid -b value $O/: no port after the slash" \
    unshare -n "$BIN/rblserve" -n -b "$O/" -w "$TMP" $ZONES
  refused "-b /5310 (no address) refused" 100 "rblserve: fatal: invalid -b value /5310: no address before the slash" \
    unshare -n "$BIN/rblserve" -n -b /5310 -w "$TMP" $ZONES
  refused "-b $O:5310 refused, not resolved" 100 "rblserve: fatal: invalid -b value $O:5310: not an IPv4 or IPv6 address (the port goes after a slash: address/port)" \
    unshare -n "$BIN/rblserve" -n -b "$O:5310" -w "$TMP" $ZONES
  refused "-b $O/nosuchservice refused" 100 "rblserve: fatal: invalid -b value $O/nosuchservice: unknown service name" \
    unshare -n "$BIN/rblserve" -n -b "$O/nosuchservice" -w "$TMP" $ZONES
  # rbldnsd takes what glibc reads: 70000 wraps to 4464 (why we refuse it)
  out=$(timeout 2 unshare -n rbldnsd -n -q -u rbldns -b "$O/70000" -w "$TMP" $ZONES 2>&1)
  check_match "rbldnsd: -b $O/70000 listens on port 4464" "$out" "listening on $O/4464"
  refused "rbldnsd: -b $O/0x35 refused too" 1 "rbldnsd: $O/0x35: Servname not supported for ai_socktype" \
    unshare -n rbldnsd -n -q -u rbldns -b "$O/0x35" -w "$TMP" $ZONES
else
  notok "unshare -n works (the -b cases need it)"
fi

# an address in use
serve o $O 5311 -q -u rbldns -w "$TMP" $ZONES
OPID=$SPID
wait_dns $O 5311
refused "-b: address in use" 111 "rblserve: fatal: unable to bind $O/5311: Address already in use" \
  "$BIN/rblserve" -n -q -u rbldns -b "$O/5311" -w "$TMP" $ZONES
stop $OPID

# host names and service names, in namespaces of their own: a loopback of
# their own, /etc/resolv.conf bind-mounted to name a resolver on it (an
# rbldnsd serving names.test); nothing can reach the real resolver
printf 'nameserver 127.83.10.9\noptions timeout:1 attempts:1\n' > "$TMP/resolv.conf"
chmod 644 "$TMP/resolv.conf"
cat > "$TMP/ns.sh" <<'EOF'
set -u
T=$1 BIN=$2 ZONES=$3
ip link set lo up || { echo "netns=no loopback"; exit 1; }
mount --bind "$T/resolv.conf" /etc/resolv.conf || { echo "netns=no mount"; exit 1; }
echo "netns=ok"
rbldnsd -n -q -u rbldns -b 127.83.10.9/53 -w "$T" names.test:generic:names > "$T/ns.resolver.log" 2>&1 &
RP=$!
i=0
while [ $i -lt 50 ] && ! dig +tries=1 +time=1 @127.83.10.9 srv.names.test A 2>/dev/null | grep -q 'status: NOERROR'; do
  sleep 0.1; i=$((i + 1))
done
out=$(timeout 10 "$BIN/rblserve" -n -b no.such.names.test/5314 -w "$T" $ZONES 2>&1); echo "ours=$?: $out"
out=$(timeout 10 rbldnsd -n -b no.such.names.test/5314 -w "$T" $ZONES 2>&1); echo "ref=$?: $out"
"$BIN/rblserve" -n -q -u rbldns -b srv.names.test/5315 -b 127.83.10.3/domain -w "$T" $ZONES > "$T/ns.serve.log" 2>&1 &
SP=$!
i=0
while [ $i -lt 50 ] && ! dig +tries=1 +time=1 -p 5315 @127.83.10.2 ready.invalid 2>/dev/null | grep -q status:; do
  sleep 0.1; i=$((i + 1))
done
echo "byname=$(dig +tries=1 +time=1 +short -p 5315 @127.83.10.2 2.0.0.127.bl.test A)"
echo "byservice=$(dig +tries=1 +time=1 +short -p 53 @127.83.10.3 2.0.0.127.bl.test A)"
kill $SP $RP
i=0
while { kill -0 $SP || kill -0 $RP; } 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
EOF
if command -v ip > /dev/null && unshare -n -m true 2> /dev/null; then
  ns=$(timeout 60 unshare -n -m sh "$TMP/ns.sh" "$TMP" "$BIN" "$ZONES" 2>&1)
  check_eq "namespaces for the name cases" "$(printf '%s\n' "$ns" | sed -n 's/^netns=//p')" ok
  check_eq "-b: an unknown host name: the resolver's message, exit 111" "$(printf '%s\n' "$ns" | sed -n 's/^ours=//p')" \
    "111: rblserve: fatal: unable to bind no.such.names.test/5314: Name or service not known"
  check_eq "rbldnsd: the same resolver's message" "$(printf '%s\n' "$ns" | sed -n 's/^ref=//p')" \
    "1: rbldnsd: no.such.names.test/5314: Name or service not known"
  check_eq "-b: a host name is resolved and served" "$(printf '%s\n' "$ns" | sed -n 's/^byname=//p')" 127.0.0.2
  check_eq "-b: a service name (domain) for the port" "$(printf '%s\n' "$ns" | sed -n 's/^byservice=//p')" 127.0.0.2
else
  notok "ip and unshare -n -m work (the host name cases need them)"
fi

# --- 3. -t: what rbldnsd refuses, refused; what it takes, the same TTLs

for t in '' 0 0s 5:60 :3000 ::10 60::30 1:2:3:4 60:10:100:: 1x 1h30m 4294967296 71582789m 5:x 60:10:x -5 ' 5'; do
  out=$(timeout 5 "$BIN/rblserve" -n -u rbldns -b $O/5319 -w "$TMP" -t "$t" $ZONES 2>&1); rc=$?
  check_match "-t '$t' refused, exit 100" "$rc: $out" '^100: rblserve: fatal: invalid -t value'
  out=$(timeout 5 rbldnsd -n -u rbldns -b $R/5319 -w "$TMP" -t "$t" $ZONES 2>&1); rc=$?
  check_match "rbldnsd: -t '$t' refused" "$rc: $out" '^1: .*(invalid|inconsistent)'
done
out=$(timeout 5 "$BIN/rblserve" -n -u rbldns -b $O/5319 -w "$TMP" -t 3600:10:100 $ZONES 2>&1)
check_eq "-t: the message says what is wrong" "$out" "rblserve: fatal: invalid -t value 3600:10:100: defttl 3600 is above maxttl 100"
n=0
for t in 30 :10 60:10 10:0:100 10:10:10 6:5:7 60:10:100: ::2h 1h : 4294967295:4294967295:4294967295 "60:10:100 -t 50"; do
  n=$((n + 1))
  # shellcheck disable=SC2086
  serve o $O 5312 -q -u rbldns -w "$TMP" -t $t $ZONES; OPID=$SPID
  # shellcheck disable=SC2086
  serve r $R 5312 -q -u rbldns -w "$TMP" -t $t $ZONES; RPID=$SPID
  if wait_dns $O 5312 && wait_dns $R 5312; then
    o=$(ttls $O 5312); r=$(ttls $R 5312)
    check_eq "-t '$t': TTLs as rbldnsd's ($r)" "$o" "$r"
  else
    notok "-t '$t': both servers start"
  fi
  stop $OPID; stop $RPID
done

# --- 4. the statsfile: the same lines at the same moments as rbldnsd's

# queries ADDR PORT: the same UDP queries to a server: answers, NXDOMAIN,
# refused, outside every zone
queries() {
  for q in 2.0.0.127.bl.test 1.0.0.127.bl.test "3.0.0.127.t7200.test TXT" "bl.test SOA" "t5.test SOA" \
    "2.0.0.127.bl.test ANY" "x.y.example" "version.bind TXT" "4.0.0.127.t5.test MX"; do
    # shellcheck disable=SC2086
    $DIG -p "$2" @"$1" $q > /dev/null
  done
}
q2() { for q in 2.0.0.127.bl.test "9.9.9.9.bl.test TXT" no.where.example; do $DIG -p "$2" @"$1" $q > /dev/null; done; }
serve o $O 5313 -u rbldns -w "$TMP" -c 0 -s stats/o.abs $ZONES; OA=$SPID
serve r $R 5313 -u rbldns -w "$TMP" -c 0 -s stats/r.abs $ZONES; RA=$SPID
serve o $O 5314 -u rbldns -w "$TMP" -c 0 -s +stats/o.delta $ZONES; OD=$SPID
serve r $R 5314 -u rbldns -w "$TMP" -c 0 -s +stats/r.delta $ZONES; RD=$SPID
for p in 5313 5314; do loaded $O $p; loaded $R $p; done
for a in $O $R; do queries $a 5313; queries $a 5314; done
kill -USR1 $OA $RA $OD $RD
for f in o.abs r.abs o.delta r.delta; do lines "$TMP/stats/$f" 2; done
for a in $O $R; do q2 $a 5313; q2 $a 5314; done
kill -USR2 $OA $RA $OD $RD
for f in o.abs r.abs o.delta r.delta; do lines "$TMP/stats/$f" 4; done
for a in $O $R; do q2 $a 5313; q2 $a 5314; done
kill -USR1 $OA $RA $OD $RD
for f in o.abs r.abs o.delta r.delta; do lines "$TMP/stats/$f" 5; done
for a in $O $R; do q2 $a 5313; q2 $a 5314; done
stop $OA; stop $RA; stop $OD; stop $RD
notime() { sed 's/^[0-9]*/T/' "$1"; }
check_eq "statsfile: rbldnsd's lines (start, USR1, USR2, reset, USR1, exit)" "$(notime "$TMP/stats/o.abs")" "$(notime "$TMP/stats/r.abs")"
check_eq "+statsfile: rbldnsd's delta lines" "$(notime "$TMP/stats/o.delta")" "$(notime "$TMP/stats/r.delta")"
check_match "statsfile: bare time, counters, counters, bare, counters, counters, bare" \
  "$(notime "$TMP/stats/o.abs" | sed 's/ bl\.test:.*/ C/' | tr '\n' ' ')" '^T T C T C T T C T C T $'
check_match "statsfile: counters of every zone and the total" "$(sed -n 2p "$TMP/stats/o.abs")" \
  '^[0-9]+ bl\.test:[1-9][0-9]*:[0-9]+:[1-9][0-9]*:[0-9]+:[0-9]+ t7200\.test:[0-9:]+ t5\.test:[0-9:]+ \*:[0-9]+:[0-9]+:[0-9]+:[0-9]+:[0-9]+$'
check "statsfile: +delta line is not the running total" \
  sh -c "[ \"\$(sed -n 3p '$TMP/stats/o.abs' | cut -d' ' -f2-)\" != \"\$(sed -n 3p '$TMP/stats/o.delta' | cut -d' ' -f2-)\" ]"
check_eq "counters logged on USR1, USR2, USR1 and at exit" \
  "$(grep -c '^rblserve: info: stats: \*: queries [0-9]* hits [0-9]* misses [0-9]* errors [0-9]*$' "$TMP/log.$O.5313")" 4

# -c: a line of counters every interval; a statsfile that cannot be written: one warning
serve o $O 5315 -q -u rbldns -w "$TMP" -c 1 -s stats/o.every $ZONES; OPID=$SPID
serve o $O 5316 -q -u rbldns -w "$TMP" -c 1 -s nosuchdir/stats $ZONES; OPID2=$SPID
wait_dns $O 5315
lines "$TMP/stats/o.every" 3
check_match "-c 1: counters every second" "$(sed -n 3p "$TMP/stats/o.every")" '^[0-9]+ bl\.test:[0-9:]+ t7200\.test:[0-9:]+ t5\.test:[0-9:]+ \*:[0-9:]+$'
sleep 1
stop $OPID; stop $OPID2
check_eq "unwritable statsfile: warned once, not every check" "$(grep -c 'unable to open nosuchdir/stats' "$TMP/log.$O.5316")" 1

# --- 5. -c, -u, -p, -r and -w

out=$(timeout 5 "$BIN/rblserve" -n -b $O/5319 -w "$TMP" -c '' $ZONES 2>&1); rc=$?
check_eq "-c '' refused" "$rc: $out" "100: rblserve: fatal: invalid -c value: "
out=$(timeout 5 rbldnsd -n -b $R/5319 -w "$TMP" -c '' $ZONES 2>&1); rc=$?
check_eq "rbldnsd: -c '' refused" "$rc: $out" "1: rbldnsd: invalid check interval (-c) value \`'"
serve o $O 5317 -q -u rbldns -w "$TMP" -c 4294967295 $ZONES; OPID=$SPID
wait_dns $O 5317
t0=$(awk '{print $14 + $15}' /proc/$OPID/stat)
sleep 1
t1=$(awk '{print $14 + $15}' /proc/$OPID/stat)
stop $OPID
check "-c 4294967295: idle, not spinning (CPU ticks in 1 s: $((t1 - t0)))" [ $((t1 - t0)) -lt 30 ]

# -u by number: that uid, the same number as gid unless a group is given (rbldnsd's way)
ids() { awk '/^(Uid|Gid|Groups):/ {printf "%s %s %s ", $1, $2, $3}' "/proc/$1/status"; }
for u in 4000 "$(id -u rbldns)" 4000:nogroup rbldns:0; do
  serve o $O 5318 -q -u "$u" -w "$TMP" -p "$TMP/piddir/o.pid" $ZONES; OPID=$SPID
  serve r $R 5318 -q -u "$u" -w "$TMP" -p "$TMP/piddir/r.pid" $ZONES; RPID=$SPID
  if wait_dns $O 5318 && wait_dns $R 5318; then
    check_eq "-u $u: the ids rbldnsd takes ($(ids $RPID))" "$(ids $OPID)" "$(ids $RPID)"
  else
    notok "-u $u: both servers start"
  fi
  [ "$u" = 4000 ] && check_eq "-p: written before dropping root (root-only directory)" "$(cat "$TMP/piddir/o.pid")" "$OPID"
  stop $OPID; stop $RPID
done
check "-p: left in place at exit, as rbldnsd leaves it" test -f "$TMP/piddir/o.pid" -a -f "$TMP/piddir/r.pid"
out=$(timeout 5 "$BIN/rblserve" -n -b $O/5319 -u rbldns: -w "$TMP" $ZONES 2>&1); rc=$?
check_eq "-u rbldns: (empty group) refused" "$rc: $out" "100: rblserve: fatal: unknown group: "

# -r with a relative -w: the workdir is inside the jail, as with rbldnsd
# (LeakSanitizer cannot read /proc inside the jail)
for w in data /data; do
  (cd "$TMP" && ASAN_OPTIONS=detect_leaks=0 exec "$BIN/rblserve" -n -q -u rbldns -b $O/5318 -r "$TMP/jail" -w $w bl.test:ip4set:f) > /dev/null 2> "$TMP/log.jail" &
  OPID=$!; BGPIDS="$BGPIDS $OPID"
  (cd "$TMP" && exec rbldnsd -n -q -u rbldns -b $R/5318 -r "$TMP/jail" -w $w bl.test:ip4set:f) > /dev/null 2>&1 &
  RPID=$!; BGPIDS="$BGPIDS $RPID"
  if wait_dns $O 5318 && wait_dns $R 5318; then
    o=$($DIG -p 5318 @$O +short 2.0.0.127.bl.test TXT); r=$($DIG -p 5318 @$R +short 2.0.0.127.bl.test TXT)
    check_eq "-r jail -w $w: the file inside the jail, as rbldnsd ($r)" "$o" '"inside the jail"'
    check_eq "-r jail -w $w: rbldnsd reads the same file" "$r" '"inside the jail"'
    check_eq "-r jail -w $w: working directory" "$(readlink /proc/$OPID/cwd)" "$TMP/jail/data"
  else
    notok "-r jail -w $w: both servers start"
  fi
  stop $OPID; stop $RPID
done
(cd "$TMP" && ASAN_OPTIONS=detect_leaks=0 exec "$BIN/rblserve" -n -q -u rbldns -b $O/5318 -r jail -w data bl.test:ip4set:f) > /dev/null 2>&1 &
OPID=$!; BGPIDS="$BGPIDS $OPID"
if wait_dns $O 5318; then
  check_eq "-r relative: a jail relative to the directory started in" "$($DIG -p 5318 @$O +short 2.0.0.127.bl.test TXT)" '"inside the jail"'
  check_eq "-r relative: root is the jail" "$(readlink /proc/$OPID/root)" "$TMP/jail"
else
  notok "-r relative: starts"
fi
stop $OPID

check_eq "no sanitizer reports" "$(cat "$TMP"/log.127.83.10.1.* | grep -c 'Sanitizer\|runtime error')" 0
