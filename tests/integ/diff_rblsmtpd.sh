# tests/integ/diff_rblsmtpd.sh: differential test, rblgate against the real
# rblsmtpd: both run under the real tcpserver with the same options and
# environment, against the same rbldnsd, for the same scripted client, and
# must give the same bytes to the client, the same exit status, the same log
# line (program name and pid normalised) and the same exec of prog.
#
# REF (default /usr/bin/rblsmtpd) and NEW (default $BIN/rblgate) may be set;
# NEW=/usr/bin/rblsmtpd checks that the harness itself is deterministic.
# Cases where rblgate deliberately differs (list errors, IPv6, lookup timing,
# bad $TCPREMOTEIP) are left out on purpose.
. "$(dirname "$0")/../lib.sh"

REF=${REF:-/usr/bin/rblsmtpd}
NEW=${NEW:-$BIN/rblgate}
REFNAME=$(basename "$REF")
NEWNAME=$(basename "$NEW")
for p in "$REF" "$NEW"; do
  if [ ! -x "$p" ]; then notok "$p is built and executable"; exit 1; fi
done

DIFF=$TOP/tests/diff
P=$DIFF/prog.sh            # the stand-in SMTP server
M=$TMP/marker              # where prog.sh records that it ran
DNSIP=127.83.0.53          # rblsmtpd always asks port 53
SRVIP=127.0.0.1
PORT_REF=26200
PORT_NEW=26201
export DNSCACHEIP=$DNSIP
unset RBLSMTPD RELAYCLIENT

# ---- the lists --------------------------------------------------------------
# client addresses: .1 nowhere; .2 test, second, txt; .3 test and allow;
# .4 test (own text); .5 second, odd; .6 long; .7 txt; .8/.9 test's range
cat > "$TMP/test.zone" <<'EOF'
:127.0.0.2:Listed by test.dnsbl, see http://test.dnsbl.invalid/q?ip=$
127.0.0.2
127.0.0.3 :127.0.0.3:Three is listed by test.dnsbl
127.0.0.4 :127.0.0.4:Four is listed by test.dnsbl ($)
127.0.0.8/29 :127.0.0.10:Range 127.0.0.8/29 listed by test.dnsbl: $
EOF
cat > "$TMP/allow.zone" <<'EOF'
127.0.0.3 :127.0.0.2:allow-listed
EOF
cat > "$TMP/second.zone" <<'EOF'
127.0.0.2 :127.0.0.2:Second list lists 127.0.0.2 too
127.0.0.5 :127.0.0.5:Five is listed by second.dnsbl only, see $
EOF
# generic dataset: TXT records without any A record
cat > "$TMP/txt.zone" <<'EOF'
2.0.0.127 TXT "TXT-only listing of two"
7.0.0.127 TXT "TXT-only listing of seven"
EOF
# one text well over 200 bytes once $ is expanded, cut by both to 200
{
  printf '127.0.0.6 :127.0.0.2:Long text for $ from long.dnsbl'
  i=0
  while [ $i -lt 19 ]; do printf ' block %02d $' $i; i=$((i + 1)); done
  printf ' end\n'
} > "$TMP/long.zone"
# 8-bit, TAB and DEL must become '?', %IP% stays literal
printf '127.0.0.5 :127.0.0.2:Odd text: 8-bit \351\350 bytes, a tab\there, %%IP%% stays, DEL\177 end $\n' \
  > "$TMP/odd.zone"
chmod 644 "$TMP"/*.zone

if ! start_dnsbl "$DNSIP" 53 test.dnsbl:ip4set:test.zone \
    allow.dnsbl:ip4set:allow.zone second.dnsbl:ip4set:second.zone \
    txt.dnsbl:generic:txt.zone long.dnsbl:ip4set:long.zone \
    odd.dnsbl:ip4set:odd.zone > "$TMP/rbldnsd.log" 2>&1; then
  notok "the DNSBL server serves the test lists on $DNSIP"; sed 's/^/# /' "$TMP/rbldnsd.log"
  exit 1
fi
got=$(dig +short +tries=1 +time=2 @"$DNSIP" 6.0.0.127.long.dnsbl TXT | wc -c)
if [ "$got" -le 230 ]; then notok "long.dnsbl has a TXT longer than 200 bytes ($got)"; fi

# per-client settings through tcprules, as deployed
cat > "$TMP/rules" <<'EOF'
127.0.0.2:allow,RBLSMTPD=""
127.0.0.4:allow,RBLSMTPD="-Blocked by tcprules"
127.0.0.5:allow,RBLSMTPD="Try later, says tcprules",RELAYCLIENT=""
:allow
EOF
tcprules "$TMP/rules.cdb" "$TMP/rules.tmp" < "$TMP/rules" || { notok "tcprules"; exit 1; }

# ---- client scripts (see tests/diff/client.py) ---------------------------
cat > "$TMP/full" <<'EOF'
r
c HELO client.example
c MAIL FROM:<sender@example.org>
c RCPT TO:<rcpt@example.net>
c DATA
c QUIT
EOF
: > "$TMP/none"
cat > "$TMP/ehlo" <<'EOF'
r
c EHLO client.example
c mail from:<sender@example.org>
c rcpt to:<rcpt@example.net>
c Rset
c noop
c vrfy postmaster
c help
c data
c hElO again
c quit
EOF
# line handling: one CR removed, bare LF, NUL inside a line, TAB is no
# separator, leading space, glued verbs, long lines, commands after DATA
cat > "$TMP/edge" <<'EOF'
r
s NOOP\r\r\n
r
s HELO bare-lf\n
r
s MAIL FROM:<a\x00b>\r\n
r
c HELO\tx
c  HELO
c HELOx
c QUITX
c
c STARTTLS
c AUTH PLAIN AGFhAGI=
l 2000 x
l 3000 NOOP 
c mail after.long@example
c quit trailing words
EOF
# everything at once, QUIT last so no unread input is left
cat > "$TMP/pipe" <<'EOF'
s HELO early\r\nMAIL FROM:<s@example.org>\r\nRCPT TO:<r@example.net>\r\nDATA\r\nNOOP\r\nQUIT\r\n
EOF
# EOF from the client without QUIT; an unterminated last line is dropped
cat > "$TMP/eof" <<'EOF'
r
c HELO client.example
s NOOP
w
EOF
# commands keep coming: the limit is for the whole dialogue, not idle time
cat > "$TMP/tick" <<'EOF'
r
p 0.3
c NOOP
p 0.4
c NOOP
p 0.4
c NOOP
p 0.4
c NOOP
EOF

# ---- running one side -------------------------------------------------------
# side LABEL PROGRAM PORT SRC SCRIPT [VAR=VALUE | @rules ...] -- ARG...
# leaves $TMP/LABEL.{out,res,status,log,prog,raw}
side() {
  _l=$1 _prog=$2 _port=$3 _src=$4 _script=$5
  shift 5
  rm -f "$M" "$TMP/$_l".*
  : > "$TMP/$_l.raw"     # exists before the poll below looks at it
  (
    _rules=
    while [ "$1" != -- ]; do
      case $1 in
        @rules) _rules=$TMP/rules.cdb ;;
        @*) ;;
        *) export "$1" ;;
      esac
      shift
    done
    shift
    if [ -n "$_rules" ]; then
      exec tcpserver -v -R -H -l0 -x "$_rules" "$SRVIP" "$_port" "$_prog" "$@"
    fi
    exec tcpserver -v -R -H -l0 "$SRVIP" "$_port" "$_prog" "$@"
  ) 2>> "$TMP/$_l.raw" &
  _spid=$!
  BGPIDS="$BGPIDS $_spid"
  _i=0
  until grep -q '^tcpserver: status: 0/' "$TMP/$_l.raw"; do
    _i=$((_i + 1)); [ $_i -le 100 ] || break; sleep 0.05
  done
  python3 -I -S "$DIFF/client.py" 127.0.0."$_src" "$SRVIP" "$_port" "$TMP/$_script" \
    "$TMP/$_l.out" "$TMP/$_l.res" || echo "end=client-failed" > "$TMP/$_l.res"
  _i=0
  until grep -q '^tcpserver: end [0-9]* status ' "$TMP/$_l.raw"; do
    _i=$((_i + 1)); [ $_i -le 100 ] || break; sleep 0.05
  done
  kill "$_spid" 2>/dev/null
  wait "$_spid" 2>/dev/null
  BGPIDS=${BGPIDS% "$_spid"}
  # a child that never ended is stopped too, by its own pid
  _cpid=$(sed -n 's/^tcpserver: pid \([0-9]*\) from .*/\1/p' "$TMP/$_l.raw")
  [ -z "$_cpid" ] || grep -q "^tcpserver: end $_cpid " "$TMP/$_l.raw" || kill "$_cpid" 2>/dev/null
  # tcpserver reports the raw wait status: 256 * exit code, or the signal
  _ws=$(sed -n 's/^tcpserver: end [0-9]* status \([0-9]*\)$/\1/p' "$TMP/$_l.raw")
  if [ -z "$_ws" ]; then echo "no end line" > "$TMP/$_l.status"
  elif [ $((_ws % 256)) = 0 ]; then echo "exit $((_ws / 256))" > "$TMP/$_l.status"
  else echo "signal $((_ws % 128))" > "$TMP/$_l.status"; fi
  grep -v '^tcpserver: ' "$TMP/$_l.raw" |
    sed -e "s/^$REFNAME: /PROG: /" -e "s/^$NEWNAME: /PROG: /" \
        -e 's/ pid [0-9][0-9]*: / pid PID: /' > "$TMP/$_l.log"
  if [ -f "$M" ]; then mv "$M" "$TMP/$_l.prog"; else echo "prog did not run" > "$TMP/$_l.prog"; fi
  [ -f "$TMP/$_l.out" ] || : > "$TMP/$_l.out"
}

# same NAME ASPECT FILE-SUFFIX: the two sides' files must be identical
# (long files, such as prog's environment, are shown as a diff)
same() {
  if cmp -s "$TMP/ref.$3" "$TMP/new.$3"; then ok "$1: $2"; return; fi
  notok "$1: $2"
  if [ "$(wc -l < "$TMP/ref.$3")" -gt 12 ]; then
    echo "# diff: < $REFNAME, > $NEWNAME"
    diff "$TMP/ref.$3" "$TMP/new.$3" | cat -v | sed 's/^/#   /'
  else
    echo "# $REFNAME:"; cat -v "$TMP/ref.$3" | sed 's/^/#   /'
    echo "# $NEWNAME:"; cat -v "$TMP/new.$3" | sed 's/^/#   /'
  fi
}

# both NAME ASPECT PATTERN: each side's log has a line matching PATTERN
both() {
  if grep -Eq -- "$3" "$TMP/ref.log" && grep -Eq -- "$3" "$TMP/new.log"; then
    ok "$1: $2"
  else
    notok "$1: $2"
    echo "# want a line matching /$3/ on both sides"
    echo "# $REFNAME:"; cat -v "$TMP/ref.log" | sed 's/^/#   /'
    echo "# $NEWNAME:"; cat -v "$TMP/new.log" | sed 's/^/#   /'
  fi
}

# what the reference did: 451 / 553 (blocked), pass (prog ran), or its status
verdict() {
  _v=$(sed -n 's/^PROG: [0-9.]* pid PID: \([45][05][13]\) .*/\1/p; s/^PROG: [0-9.]* pid PID: \([45][05][13]\)$/\1/p' "$TMP/ref.log" | head -n 1)
  if [ -n "$_v" ]; then echo "$_v"
  elif [ "$(cat "$TMP/ref.prog")" != "prog did not run" ]; then echo pass
  else cat "$TMP/ref.status"; fi
}

# scen NAME SRC SCRIPT WANT [VAR=VALUE | @rules | @usage | @exec | @time=LO-HI ...] -- ARG...
# WANT is what the reference must do (a check of the harness itself).
scen() {
  _n=$1 _src=$2 _sc=$3 _want=$4
  shift 4
  _mode=full _time=
  for _a; do
    case $_a in
      --) break ;;
      @usage) _mode=usage ;;
      @exec) _mode=exec ;;
      @time=*) _time=${_a#@time=} ;;
    esac
  done
  side ref "$REF" "$PORT_REF" "$_src" "$_sc" "$@"
  side new "$NEW" "$PORT_NEW" "$_src" "$_sc" "$@"
  NCASE=$((NCASE + 1))
  if [ -n "${KEEPTMP:-}" ]; then     # keep every case's files for a look
    mkdir -p "$TMP/case.$NCASE" && cp "$TMP"/ref.* "$TMP"/new.* "$TMP/case.$NCASE/"
    echo "$_n" > "$TMP/case.$NCASE/name"
  fi
  _v=$(verdict)
  check_eq "$_n: $REFNAME does $_want (harness check)" "$_v" "$_want"
  same "$_n" "bytes to the client" out
  same "$_n" "exit status" status
  same "$_n" "prog run and its environment" prog
  case $_mode in
    full)
      sed 's/^elapsed=.*//' "$TMP/ref.res" > "$TMP/ref.end"
      sed 's/^elapsed=.*//' "$TMP/new.res" > "$TMP/new.end"
      same "$_n" "how the connection ended" end
      same "$_n" "log line" log ;;
    usage) both "$_n" "usage line" '^PROG: usage: ' ;;
    exec) both "$_n" "exec failure message" '^PROG: fatal: unable to run' ;;
  esac
  if [ -n "$_time" ]; then
    for _s in ref new; do
      _e=$(sed -n 's/^elapsed=//p' "$TMP/$_s.res")
      if awk -v e="$_e" -v r="$_time" \
          'BEGIN { split(r, a, "-"); exit !(e != "" && e + 0 >= a[1] + 0 && e + 0 <= a[2] + 0) }'; then
        ok "$_n: $_s closes after $_time s"
      else
        notok "$_n: $_s closes after $_time s"; echo "#   took ${_e:-?} s"
      fi
    done
  fi
}

# ---- the scenarios ------------------------------------------------------------
NCASE=0
scen "listed, full transcript" 2 full 451 -- -r test.dnsbl "$P" "$M"
ref=$(printf '220 rblsmtpd.local\r\n250 rblsmtpd.local\r\n250 rblsmtpd.local\r\n%s\r\n%s\r\n221 rblsmtpd.local\r\n' \
  '451 Listed by test.dnsbl, see http://test.dnsbl.invalid/q?ip=127.0.0.2' \
  '451 Listed by test.dnsbl, see http://test.dnsbl.invalid/q?ip=127.0.0.2' | od -c)
check_eq "reference transcript as documented ($REFNAME)" "$(od -c < "$TMP/ref.out")" "$ref"
scen "unlisted" 1 full pass -- -r test.dnsbl "$P" "$M"
scen "own text" 4 full 451 -- -r test.dnsbl "$P" "$M"
scen "range, low end" 8 full 451 -- -r test.dnsbl "$P" "$M"
scen "range" 9 full 451 -- -r test.dnsbl "$P" "$M"
scen "-b" 2 full 553 -- -b -r test.dnsbl "$P" "$M"
scen "-b after -r" 2 full 451 -- -r test.dnsbl -b "$P" "$M"
scen "-B" 2 full 451 -- -B -r test.dnsbl "$P" "$M"
scen "-b -B" 2 full 451 -- -b -B -r test.dnsbl "$P" "$M"
scen "-B -b" 2 full 553 -- -B -b -r test.dnsbl "$P" "$M"
scen "-b between lists" 5 full 553 -- -r test.dnsbl -b -r second.dnsbl "$P" "$M"
scen "-c listed" 2 full 451 -- -c -r test.dnsbl "$P" "$M"
scen "-c unlisted" 1 full pass -- -c -r test.dnsbl "$P" "$M"
scen "-r -c" 2 full 451 -- -r test.dnsbl -c "$P" "$M"
scen "-C -c -b" 4 full 553 -- -C -c -b -r test.dnsbl "$P" "$M"
scen "-c -C" 9 full 451 -- -c -C -r test.dnsbl "$P" "$M"
scen "-c with -a" 3 full pass -- -c -a allow.dnsbl -r test.dnsbl "$P" "$M"
scen "-c two lists, second lists" 5 full 451 -- -c -r test.dnsbl -C -r second.dnsbl "$P" "$M"
scen "two lists, first lists" 2 full 451 -- -r test.dnsbl -r second.dnsbl "$P" "$M"
scen "two lists, second lists" 5 full 451 -- -r test.dnsbl -r second.dnsbl "$P" "$M"
scen "two lists, both list, order" 2 full 451 -- -r second.dnsbl -r test.dnsbl "$P" "$M"
scen "two lists, none lists" 1 full pass -- -r test.dnsbl -r second.dnsbl "$P" "$M"
scen "-a before -r" 3 full pass -- -a allow.dnsbl -r test.dnsbl "$P" "$M"
scen "-r before -a" 3 full 451 -- -r test.dnsbl -a allow.dnsbl "$P" "$M"
scen "-a, not allow-listed" 2 full 451 -- -a allow.dnsbl -r test.dnsbl "$P" "$M"
scen "-a only, allow-listed" 3 full pass -- -a allow.dnsbl "$P" "$M"
scen "-a only, not allow-listed" 2 full pass -- -a allow.dnsbl "$P" "$M"
scen "TXT-only list" 7 full 451 -- -r txt.dnsbl "$P" "$M"
scen "long text cut at 200" 6 full 553 -- -b -r long.dnsbl "$P" "$M"
scen "8-bit, TAB, DEL and %IP% in text" 5 full 451 -- -r odd.dnsbl "$P" "$M"
scen "four lists, allow-listed" 3 full pass -- -r long.dnsbl -a allow.dnsbl -r second.dnsbl -r test.dnsbl "$P" "$M"
scen "four lists, third lists" 5 full 451 -- -r long.dnsbl -a allow.dnsbl -r second.dnsbl -r test.dnsbl "$P" "$M"
scen "four lists, first lists" 6 full 451 -- -r long.dnsbl -a allow.dnsbl -r second.dnsbl -r test.dnsbl "$P" "$M"
scen "four lists, last lists" 9 full 553 -- -b -r long.dnsbl -a allow.dnsbl -r second.dnsbl -r test.dnsbl "$P" "$M"
scen "four lists, none" 1 full pass -- -r long.dnsbl -a allow.dnsbl -r second.dnsbl -r test.dnsbl "$P" "$M"
scen "RBLSMTPD empty" 2 full pass RBLSMTPD= -- -r test.dnsbl "$P" "$M"
scen "RBLSMTPD -text" 1 full 553 "RBLSMTPD=-Go away now" -- -r test.dnsbl "$P" "$M"
scen "RBLSMTPD text" 1 full 451 "RBLSMTPD=Try again later" -- -r test.dnsbl "$P" "$M"
scen "RBLSMTPD text with -b" 1 full 451 "RBLSMTPD=Try again later" -- -b -r test.dnsbl "$P" "$M"
scen "RBLSMTPD space" 1 full 451 "RBLSMTPD= " -- -r test.dnsbl "$P" "$M"
scen "RBLSMTPD -" 1 full 553 "RBLSMTPD=-" -- -r test.dnsbl "$P" "$M"
scen "RBLSMTPD --x" 1 full 553 "RBLSMTPD=--x" -- -r test.dnsbl "$P" "$M"
scen "RBLSMTPD text, no lists" 1 full 451 "RBLSMTPD=no lists needed" -- "$P" "$M"
scen "RBLSMTPD long 8-bit text" 1 full 451 \
  "RBLSMTPD=$(printf 'caf\351 %0250d end' 7)" -- -r test.dnsbl "$P" "$M"
scen "tcprules RBLSMTPD empty, listed" 2 full pass @rules -- -r test.dnsbl "$P" "$M"
scen "tcprules RBLSMTPD -text" 4 full 553 @rules -- -r test.dnsbl "$P" "$M"
scen "tcprules RBLSMTPD text" 5 full 451 @rules -- -a allow.dnsbl "$P" "$M"
scen "tcprules no setting" 9 full 451 @rules -- -r test.dnsbl "$P" "$M"
scen "RELAYCLIENT passed on" 1 full pass RELAYCLIENT= -- -r test.dnsbl "$P" "$M"
scen "-t 0" 2 none 451 -- -t 0 -r test.dnsbl "$P" "$M"
scen "-t 0 -b" 4 none 553 -- -b -t 0 -r test.dnsbl "$P" "$M"
scen "-t abc is 0" 2 none 451 -- -t abc -r test.dnsbl "$P" "$M"
scen "-t 5 -t 0" 2 none 451 -- -t 5 -r test.dnsbl -t 0 "$P" "$M"
scen "-t -5 is 0" 2 none 451 -- -r test.dnsbl -t -5 "$P" "$M"
scen "-t 2, silent client" 2 none 451 @time=1.7-2.6 -- -t 2 -r test.dnsbl "$P" "$M"
scen "-t 1x, silent client" 2 none 451 @time=0.7-2.0 -- -t 1x -r test.dnsbl "$P" "$M"
scen "-t 2, whole dialogue" 2 tick 451 @time=1.7-2.6 -- -t 2 -r test.dnsbl "$P" "$M"
scen "EHLO and lowercase" 2 ehlo 451 -- -r test.dnsbl "$P" "$M"
scen "line handling" 2 edge 451 -- -r test.dnsbl "$P" "$M"
scen "pipelined, early talker" 2 pipe 451 -- -r test.dnsbl "$P" "$M"
scen "pipelined, early talker, pass" 1 pipe pass -- -r test.dnsbl "$P" "$M"
scen "client EOF" 2 eof 451 -- -r test.dnsbl "$P" "$M"
scen "client EOF, pass" 1 eof pass -- -r test.dnsbl "$P" "$M"
scen "no -r at all" 2 full pass -- "$P" "$M"
scen "-bcr bundled" 2 full 553 -- -bcr test.dnsbl "$P" "$M"
scen "-rtest.dnsbl" 2 full 451 -- -rtest.dnsbl "$P" "$M"
scen "-t0 bundled" 2 none 451 -- -t0 -r test.dnsbl "$P" "$M"
scen "-- before prog, listed" 2 full 451 -- -r test.dnsbl -- "$P" "$M"
scen "-- before prog, unlisted" 1 full pass -- -r test.dnsbl -- "$P" "$M"
scen "options after prog are prog's" 1 full pass -- -r test.dnsbl "$P" "$M" -b -t 0 -- x
scen "unknown option" 2 none "exit 100" @usage -- -x -r test.dnsbl "$P" "$M"
scen "-R is not an option" 1 none "exit 100" @usage -- -R -r test.dnsbl "$P" "$M"
scen "missing option argument" 1 none "exit 100" @usage -- -r test.dnsbl -t
scen "missing prog" 1 none "exit 100" @usage -- -r test.dnsbl
scen "missing prog, listed" 2 none "exit 100" @usage -- -r test.dnsbl
scen "missing prog, no options" 1 none "exit 100" @usage --
scen "prog not found" 1 none "exit 111" @exec -- -r test.dnsbl "$TMP/no/such/prog" x
scen "prog not found, no lists" 2 none "exit 111" @exec -- "$TMP/no/such/prog"
scen "prog not executable" 1 none "exit 111" @exec -- -r test.dnsbl "$TMP/test.zone"
scen "lone - is prog" 1 none "exit 111" @exec -- -r test.dnsbl - x
scen "prog found through PATH" 1 full pass "PATH=$DIFF:/usr/bin:/bin" -- -r test.dnsbl prog.sh "$M" y
scen "prog not found, listed" 2 full 451 -- -r test.dnsbl "$TMP/no/such/prog"
