#!/bin/sh
# tests/integ/install.sh: runs every INSTALL command that needs no real mail host, as written.
#
# INSTALL tags each block of commands ([any host], [any host, server],
# [real host], [file PATH], [output], [example]). This test reads the blocks
# out of INSTALL itself, so a changed command is the command that runs here:
# it checks that every indented block carries a known tag, runs every
# [any host] block in order and checks what it did, starts every
# [any host, server] block in the background (stopped at the end), and fails if
# INSTALL has an [any host] block that no step below runs. A step finds its
# block by a string in it; if INSTALL no longer has exactly one such block, the
# step fails and says which.
#
# The blocks run in a scratch directory $T (lib.sh's $TMP), in a copy of the
# source tree $T/rblgate, with these replacements (the only changes made to
# INSTALL's text; applied to [any host] blocks only):
#   cd rblgate                   cd $T/rblgate          the copy of this tree
#   /usr/local                   $T/usr/local           PREFIX
#   /tmp/stage                   $T/stage               DESTDIR
#   /var/lib/rblserve            $T/var/lib/rblserve    rblserve's data
#   /var/qmail                   $T/var/qmail           (absent: a refused client never reaches qmail-smtpd)
#   /etc/                        $T/etc/                where the rules and service copy go
#   127.0.1.53/53                $SIP/$SPORT            rblserve's -b
#   @127.0.1.53                  @$SIP -p $SPORT        dig's server
#   DNSCACHEIP=127.0.1.53        DNSCACHEIP=$SIP:$SPORT
#   DNSCACHEIP=127.0.0.1         DNSCACHEIP=$SIP:$SPORT the host's resolver: there is
#                                                       none here, so rblgate and rblquery
#                                                       ask rblserve directly
#   127.0.0.1 2525               $MIP $MPORT            tcpserver's address and port
#   --server 127.0.0.1 --port 2525  --server $MIP --port $MPORT   swaks's server
# A block that still names a system path (/etc, /var, /usr/local, /run, ...),
# 127.0.1.53 or port 2525 after that is not run. The data that Spamhaus's rsync
# would fetch is generated (gen-datasets --size small, plus small swl and dwl
# files, each with its # CKSUM: line), and rbldnsd on the same files and zones
# is the reference for the answers.
. "$(dirname "$0")/../lib.sh"

T=$TMP
SRC=$T/rblgate
SIP=127.83.8.53 SPORT=26453     # rblserve, started by INSTALL's block
RIP=127.83.8.54 RPORT=26454     # rbldnsd, the reference
MIP=127.83.8.25 MPORT=26455     # tcpserver + rblgate, started by INSTALL's block
GEN=${BENCH:-$TOP/../shared/bench}/gen-datasets   # as diff_rbldnsd.sh finds it
INSTALLF=$TOP/INSTALL
unset RBLSMTPD TCPREMOTEIP 2>/dev/null

for t in make cc tcprules tcprulescheck tcpserver swaks dig rbldnsd cksum tar readlink; do
  command -v "$t" > /dev/null || { notok "needed program $t is installed"; exit 1; }
done
[ -x "$GEN" ] || { notok "the data generator $GEN exists"; exit 1; }
[ "$(id -u)" = 0 ] || { notok "runs as root (rblserve -u rbldns, as INSTALL has it)"; exit 1; }
id rbldns > /dev/null 2>&1 || { notok "user rbldns exists"; exit 1; }
getent -s files hosts "$(hostname)" > /dev/null || {
  notok "host name $(hostname) is in /etc/hosts (swaks would ask the machine's resolver)"; exit 1; }
case $T in *[[:space:]]*|*[\|@]*) notok "no blanks, | or @ in $T"; exit 1 ;; esac

# ---------------------------------------------------------------- cleanup
# every process a block starts works somewhere under $T: find them there
REAL=$(cd "$T" && pwd -P)
inst_cleanup() {
  for _ in 1 2 3; do
    left=$(procs_in "$REAL")
    [ -n "$left" ] || break
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null
    sleep 0.1
  done
  lib_cleanup
}
trap inst_cleanup EXIT

# ---------------------------------------------------------------- INSTALL's blocks
# A tag is a line "[TAG]" alone at the left margin; its block is the lines
# right below it. B/NNN holds block NNN's text (the 4-space indent removed),
# B/NNN.tag its tag; B/errors the lines that break the convention
B=$T/blocks
mkdir -p "$B"
: > "$B/errors"
awk -v dir="$B" '
  function endblock() { if (inblock && file != "") close(file); inblock = 0; file = "" }
  /^\[[^]]+\]$/ {
    endblock()
    if (pending) print "line " tagline ": tag [" tag "] has no block below it" >> (dir "/errors")
    tag = substr($0, 2, length($0) - 2); pending = 1; tagline = NR; next
  }
  # a block starts with a line indented by exactly four blanks; its further
  # lines are indented by at least four (a drawing indented deeper is text)
  /^    / && inblock { if (file != "") print substr($0, 5) >> file; next }
  /^    [^ ]/ {
    inblock = 1
    if (!pending) { print "line " NR ": a block without a tag: " $0 >> (dir "/errors"); file = ""; next }
    n++; file = sprintf("%s/%03d", dir, n)
    print tag > (file ".tag"); close(file ".tag")
    print substr($0, 5) > file
    pending = 0; next
  }
  { endblock(); if (pending) { print "line " tagline ": tag [" tag "] has no block below it" >> (dir "/errors"); pending = 0 } }
  END { endblock(); if (pending) print "line " tagline ": tag [" tag "] has no block below it" >> (dir "/errors") }
' "$INSTALLF"
check_eq "INSTALL: every indented block has a tag line above it, every tag a block" "$(cat "$B/errors")" ""
badtags=$(cat "$B"/*.tag 2>/dev/null | grep -vxE 'any host|any host, server|real host|file /[^ ]+|output|example' | sort -u)
check_eq "INSTALL: only the tags it explains" "$badtags" ""
check "INSTALL: has [any host] blocks" grep -qx 'any host' "$B"/*.tag
check "INSTALL: has [real host] blocks" grep -qx 'real host' "$B"/*.tag

# find_block TAG STRING: the number of the one TAG block containing STRING
find_block() {
  _found=
  for _t in "$B"/*.tag; do
    _n=${_t%.tag}
    [ "$(cat "$_t")" = "$1" ] && grep -qF -- "$2" "$_n" && _found="$_found ${_n##*/}"
  done
  # shellcheck disable=SC2086
  set -- $_found
  [ $# = 1 ] && echo "$1"
}
SUBST="s|cd rblgate|cd @T@/rblgate|g
s|/usr/local|@T@/usr/local|g
s|/tmp/stage|@T@/stage|g
s|/var/lib/rblserve|@T@/var/lib/rblserve|g
s|/var/qmail|@T@/var/qmail|g
s|/etc/|@T@/etc/|g
s|127\\.0\\.1\\.53/53|$SIP/$SPORT|g
s|@127\\.0\\.1\\.53|@$SIP -p $SPORT|g
s|DNSCACHEIP=127\\.0\\.1\\.53|DNSCACHEIP=$SIP:$SPORT|g
s|DNSCACHEIP=127\\.0\\.0\\.1|DNSCACHEIP=$SIP:$SPORT|g
s|127\\.0\\.0\\.1 2525|$MIP $MPORT|g
s|--server 127\\.0\\.0\\.1 --port 2525|--server $MIP --port $MPORT|g"
RAN=
# prep TAG STRING: the block's text after the replacements in $CMD, its number in $N;
# 1 (after saying why) if there is no such block or it reaches outside $T
prep() {
  N=$(find_block "$1" "$2")
  if [ -z "$N" ]; then
    notok "INSTALL has exactly one [$1] block with: $2"; CMD=; return 1
  fi
  _s=$(sed "$SUBST" "$B/$N")
  if printf '%s\n' "$_s" | grep -Eq '(^|[^@])/(etc|var|usr/local|tmp|run|service|home|root|srv|opt)(/|[[:space:]]|$)|127\.0\.1\.53|2525'; then
    notok "INSTALL block $N ($2) stays inside the scratch directory after the replacements"
    printf '%s\n' "$_s" | sed 's/^/#   /'
    CMD=; return 1
  fi
  CMD=$(printf '%s\n' "$_s" | sed "s|@T@|$T|g")
  RAN="$RAN $N"
}
# run TAG STRING: runs the block in the source copy; $OUT (stdout and stderr), $RC
run() {
  OUT='' RC=''
  prep "$1" "$2" || return 1
  OUT=$(cd "$SRC" && sh -c "$CMD" 2>&1)
  RC=$?
}
# serve STRING LOG: starts the [any host, server] block in the background
serve() {
  prep "any host, server" "$1" || return 1
  bg sh -c "cd '$SRC' && exec sh -c \"\$1\" > '$2' 2>&1" serve "$CMD"
}
# output_after N: the text of the [output] block right after block N
output_after() {
  _o=$(printf '%03d' $((1$1 - 999)))
  [ "$(cat "$B/$_o.tag" 2>/dev/null)" = output ] && cat "$B/$_o"
}
lines() { printf '%s\n' "$1" | sort | paste -sd ' ' -; }

# ---------------------------------------------------------------- the source tree, a Debian root
# a copy without build products, as unpacked: make builds everything in it
mkdir -p "$SRC" "$T/etc" "$T/var/lib" "$T/usr/local"
chmod 755 "$T/var" "$T/var/lib"
(cd "$TOP" && tar --exclude=./build --exclude=./build-san --exclude=./build-fuzz --exclude=./.git \
  --exclude=./tests/tmp --exclude=./bench/data --exclude=./rules/smtp.cdb --exclude=./rules/smtp.tmp \
  --exclude='./supervise/*/supervise' --exclude='./supervise/*/event' --exclude='./supervise/*/log/main' \
  --exclude='./supervise/*/log/supervise' --exclude='./supervise/*/log/event' -cf - .) | tar -C "$SRC" -xf -
check "the copy of the tree has no build products" test ! -e "$SRC/build" -a ! -e "$SRC/rules/smtp.cdb"

# ---------------------------------------------------------------- 2. build
run "any host" "cd rblgate"
if [ -n "$N" ] && [ "$(sed -n 2p "$B/$N")" = make ]; then
  check_eq "2. cd rblgate; make: exit 0" "$RC" 0
  [ "$RC" = 0 ] || printf '%s\n' "$OUT" | tail -n 5 | sed 's/^/#   /'
  for p in rblgate rblquery rblserve; do check "2. make built $p" test -x "$SRC/build/$p"; done
else
  notok "2. INSTALL's build block is: cd rblgate, then make"
fi

# ---------------------------------------------------------------- 3. install
# what make install must put in place, under PREFIX
WANT_FILES="bin/rblgate bin/rblquery bin/rblserve
share/man/man1/rblquery.1 share/man/man5/rblgate-datasets.5 share/man/man8/rblgate.8 share/man/man8/rblserve.8
share/rblgate/rules/rblserve.acl share/rblgate/rules/smtp.rules share/rblgate/supervise/README
share/rblgate/supervise/rblserve/run share/rblgate/supervise/rblserve/log/run
share/rblgate/supervise/rblserve/notification-fd
share/rblgate/supervise/rblserve/env/ADDRESS share/rblgate/supervise/rblserve/env/DATADIR
share/rblgate/supervise/rblserve/env/OPTIONS share/rblgate/supervise/rblserve/env/PORT
share/rblgate/supervise/rblserve/env/RBLSERVE share/rblgate/supervise/rblserve/env/USER
share/rblgate/supervise/rblserve/env/ZONES
share/rblgate/supervise/smtpd/run share/rblgate/supervise/smtpd/log/run
share/rblgate/supervise/smtpd/env/ADDRESS share/rblgate/supervise/smtpd/env/BACKLOG
share/rblgate/supervise/smtpd/env/CONCURRENCY share/rblgate/supervise/smtpd/env/DNSCACHEIP
share/rblgate/supervise/smtpd/env/PORT share/rblgate/supervise/smtpd/env/RBLGATE
share/rblgate/supervise/smtpd/env/RBLGATE_OPTIONS share/rblgate/supervise/smtpd/env/RULES
share/rblgate/supervise/smtpd/env/SMTPD share/rblgate/supervise/smtpd/env/SMTPD_USER"
WANT_FILES=$(printf '%s\n' $WANT_FILES | sort | paste -sd ' ' -)
files_under() { (cd "$1" && find . -type f | sed 's|^\./||' | sort | paste -sd ' ' -); }

run "any host" "make install PREFIX=/usr/local"
check_eq "3. make install PREFIX=/usr/local: exit 0" "$RC" 0
check_eq "3. what lands under PREFIX: the programs, man pages, rules, service directories" \
  "$(files_under "$T/usr/local")" "$WANT_FILES"
check_eq "3. programs installed executable" \
  "$(cd "$T/usr/local/bin" && stat -c '%a %n' rblgate rblquery rblserve 2>&1 | paste -sd ' ' -)" \
  "755 rblgate 755 rblquery 755 rblserve"
check_eq "3. the run scripts installed executable" \
  "$(cd "$T/usr/local/share/rblgate/supervise" && stat -c '%a' smtpd/run smtpd/log/run \
      rblserve/run rblserve/log/run 2>&1 | paste -sd ' ' -)" "755 755 755 755"
SV=$T/usr/local/share/rblgate/supervise
check_eq "3. the installed smtpd/env/RBLGATE names the installed rblgate" \
  "$(cat "$SV/smtpd/env/RBLGATE" 2>&1)" "$T/usr/local/bin/rblgate"
check_eq "3. the installed rblserve/env/RBLSERVE names the installed rblserve" \
  "$(cat "$SV/rblserve/env/RBLSERVE" 2>&1)" "$T/usr/local/bin/rblserve"
for f in ADDRESS PORT DATADIR USER OPTIONS ZONES; do
  check_eq "3. installed rblserve/env/$f as in the tree" "$(cat "$SV/rblserve/env/$f" 2>&1)" \
    "$(cat "$TOP/supervise/rblserve/env/$f")"
done

run "any host" "find bin/rbl*"
check_eq "3. INSTALL's listing command: exit 0" "$RC" 0
if [ -n "$N" ]; then
  check_eq "3. the installed files are INSTALL's [output] list, in order" "$OUT" "$(output_after "$N")"
fi

run "any host" "make install PREFIX=/usr DESTDIR=/tmp/stage"
check_eq "3. make install PREFIX=/usr DESTDIR=...: exit 0" "$RC" 0
check_eq "3. DESTDIR: the same files, under DESTDIR/usr" "$(files_under "$T/stage")" \
  "$(printf '%s\n' $WANT_FILES | sed 's|^|usr/|' | paste -sd ' ' -)"
check_eq "3. DESTDIR: env/RBLGATE names the program as installed on the target" \
  "$(cat "$T/stage/usr/share/rblgate/supervise/smtpd/env/RBLGATE" 2>&1)" /usr/bin/rblgate
check_eq "3. DESTDIR: env/RBLSERVE names the program as installed on the target" \
  "$(cat "$T/stage/usr/share/rblgate/supervise/rblserve/env/RBLSERVE" 2>&1)" /usr/bin/rblserve

run "any host" "/usr/local/bin/rblgate; echo \$?"
check_match "3. rblgate without arguments: the usage line, exit 100" "$(printf '%s\n' "$OUT" | paste -sd ' ' -)" \
  '^rblgate: usage: rblgate .* 100 '
check_match "3. rblserve -h: the usage line, exit 0" "$(printf '%s\n' "$OUT" | paste -sd ' ' -)" \
  ' usage: rblserve .* 0$'

# ---------------------------------------------------------------- 4. data directory, 5. data
DATA=$T/var/lib/rblserve
run "any host" "install -d -m 755 /var/lib/rblserve"
check_eq "4. the data directory: made, mode 755" "$RC $(stat -c %a "$DATA" 2>&1)" "0 755"
mkdir -p "$DATA"
# what the rsync of step 5 would fetch: Spamhaus-shaped files, each with its CKSUM line
"$GEN" --size small --out "$T/gen" > /dev/null 2>&1 || notok "gen-datasets --size small"
for f in sbl xbl pbl dbl; do cp "$T/gen/$f" "$DATA/$f"; done
putdata() {
  cat > "$DATA/$1.new"
  printf '# CKSUM: %s %s\n' $(cksum < "$DATA/$1.new") >> "$DATA/$1.new"
  mv "$DATA/$1.new" "$DATA/$1"
}
SOA='$SOA 2100 need.to.know.only. hostmaster.spamhaus.org. 2501010001 3600 600 432000 10'
printf '%s\n' "$SOA" '$NS 2100 need.to.know.only.' ':127.0.2.2:' 192.0.2.200 | putdata swl
printf '%s\n' "$SOA" '$NS 2100 need.to.know.only.' ':127.0.2.2:' dwltest.com | putdata dwl
chmod 644 "$DATA"/*

run "any host" "do echo \"\$f: \$(head -n -1 \$f | cksum) / \$(tail -n 1 \$f)\""
check_eq "5. the CKSUM check: one line per file" "$(printf '%s\n' "$OUT" | cut -d: -f1 | paste -sd ' ' -)" \
  "sbl xbl pbl dbl swl dwl"
check_eq "5. the CKSUM check: both halves agree on every file" \
  "$(printf '%s\n' "$OUT" | grep -cvE '^[a-z]+: ([0-9]+ [0-9]+) / # CKSUM: \1$')" 0

# ---------------------------------------------------------------- 6. rblserve by hand
N_SERVE=$(find_block "any host, server" "rblserve -b")
if [ -n "$N_SERVE" ]; then
  # INSTALL's command and the service's env/ must say the same
  words=$(sed 's/\\$//' "$B/$N_SERVE" | tr -s ' \n' '\n\n' | grep -v '^$')
  ev() { cat "$TOP/supervise/rblserve/env/$1"; }
  check_eq "6. INSTALL's zones are the service's env/ZONES" \
    "$(printf '%s\n' "$words" | grep -E '^[^-/][^:]*:[a-z0-9]+:' | paste -sd ' ' -)" "$(ev ZONES)"
  check_eq "6. INSTALL's options are -b ADDRESS/PORT -u USER -w DATADIR and env/OPTIONS" \
    "$(printf '%s\n' "$words" | sed -n '2,$p' | grep -vE '^[^-/][^:]*:[a-z0-9]+:' | paste -sd ' ' -)" \
    "-b $(ev ADDRESS)/$(ev PORT) -u $(ev USER) -w $(ev DATADIR) $(ev OPTIONS)"
fi
serve "rblserve -b" "$T/rblserve.log"
check "6. rblserve answers on $SIP port $SPORT" wait_dns "$SIP" "$SPORT"
check "6. rblserve logged its load" grep -q '^rblserve: info: zones reloaded, ' "$T/rblserve.log"
# the reference: rbldnsd on the same files and zones
# shellcheck disable=SC2046
bg sh -c 'cd "$1" && shift && exec "$@" >&2' ref "$DATA" rbldnsd -n -q -u rbldns -b "$RIP/$RPORT" \
  -w "$DATA" $(cat "$TOP/supervise/rblserve/env/ZONES")
check "6. rbldnsd (the reference) answers on $RIP port $RPORT" wait_dns "$RIP" "$RPORT"

run "any host" "dig @127.0.1.53 +short 2.0.0.127.zen.spamhaus.org"
GOT=$(lines "$OUT")
refdig() { dig +tries=1 +time=2 -p "$RPORT" @"$RIP" +short "$@" 2>&1; }
WANT=$(lines "$(refdig 2.0.0.127.zen.spamhaus.org; refdig dbltest.com.dbl.spamhaus.org)")
check_eq "6. dig: rblserve's answers are rbldnsd's" "$GOT" "$WANT"
check_match "6. dig: the test point is listed (at least one A record)" "$WANT" '^127\.0\.[0-9]+\.[0-9]+( |$)'

run "any host" "/usr/local/bin/rblquery -r zen.spamhaus.org 127.0.0.2 127.0.0.1"
check_eq "6. rblquery: exit status 1 (listed), echoed last" "$(printf '%s\n' "$OUT" | tail -n 1)" 1
TXTS=$(dig +tries=1 +time=2 -p "$RPORT" @"$RIP" +short 2.0.0.127.zen.spamhaus.org TXT | sed 's/^"//; s/"$//')
# alltxt TEXT: TEXT is every TXT record rbldnsd gives, run together, as
# rblsmtpd (and so rblgate) joins them, in whatever order the server sent them
alltxt() {
  [ -n "$1" ] && [ -n "$TXTS" ] || return 1
  _len=0
  while IFS= read -r _t; do
    case $1 in *"$_t"*) ;; *) return 1 ;; esac
    _len=$((_len + ${#_t}))
  done <<EOF
$TXTS
EOF
  [ ${#1} = $_len ] || { [ $_len -gt 200 ] && [ ${#1} = 200 ]; }
}
V2=$(printf '%s\n' "$OUT" | sed -n 's/^127\.0\.0\.2 verdict: block 451 //p')
check "6. rblquery: 127.0.0.2 blocked (451) with zen's TXT texts from rbldnsd" alltxt "$V2"
check "6. rblquery: 127.0.0.1 passes" sh -c 'printf "%s\n" "$1" | grep -qx "127\.0\.0\.1 verdict: pass"' - "$OUT"

# ---------------------------------------------------------------- 7. the service directory
run "any host" "cp -Rp /usr/local/share/rblgate/supervise/rblserve /etc/rblserve"
check_eq "7. the copy of the service directory; cat env/ZONES" "$RC $OUT" \
  "0 $(cat "$TOP/supervise/rblserve/env/ZONES")"
check "7. the copy's run is executable" test -x "$T/etc/rblserve/run"
check "7. the copy's log/run is executable" test -x "$T/etc/rblserve/log/run"
check_eq "7. the copy's notification-fd" "$(cat "$T/etc/rblserve/notification-fd" 2>&1)" 3

# ---------------------------------------------------------------- 9. rules
run "any host" "make rules"
check_eq "9. make rules, tcprulescheck: exit 0" "$RC" 0
check "9. make rules compiled rules/smtp.cdb in the tree" test -s "$SRC/rules/smtp.cdb"
check_match "9. tcprulescheck: 127.0.0.2 gets the 127. rule, no lists" "$(printf '%s\n' "$OUT" | paste -sd '|' -)" \
  '(^|\|)rule 127\.:\|set environment variable RELAYCLIENT=\|set environment variable RBLSMTPD=\|allow connection\|'
check_match "9. tcprulescheck: 192.0.2.7 gets the 192.0.2. rule" "$(printf '%s\n' "$OUT" | paste -sd '|' -)" \
  '\|rule 192\.0\.2\.:\|set environment variable RBLSMTPD=[^|]+\|allow connection$'
RULES_OUT=$(env TCPREMOTEIP=127.0.0.2 tcprulescheck "$SRC/rules/smtp.cdb" 2>&1)

run "any host" "tcprules /etc/tcp.smtp.cdb /etc/tcp.smtp.tmp < /etc/tcp.smtp"
check_eq "9. the rules installed and compiled: exit 0" "$RC" 0
check "9. /etc/tcp.smtp is the tree's rules" cmp -s "$T/etc/tcp.smtp" "$SRC/rules/smtp.rules"
check_eq "9. /etc/tcp.smtp.cdb gives 127.0.0.2 what rules/smtp.cdb does" \
  "$(env TCPREMOTEIP=127.0.0.2 tcprulescheck "$T/etc/tcp.smtp.cdb" 2>&1)" "$RULES_OUT"
check "9. tcprules left no .tmp" test ! -e "$T/etc/tcp.smtp.tmp"

# ---------------------------------------------------------------- 11. an SMTP session from a listed address
serve "tcpserver -v" "$T/tcpserver.log"
check "11. tcpserver + rblgate listen on $MIP port $MPORT" wait_tcp "$MIP" "$MPORT"
run "any host" "swaks --server 127.0.0.1 --port 2525"
check_eq "11. swaks exits 24 (recipient refused), echoed last" "$(printf '%s\n' "$OUT" | tail -n 1)" 24
check_eq "11. the greeting is rblgate's limited dialogue" \
  "$(printf '%s\n' "$OUT" | grep -m 1 '^<-  220 ')" '<-  220 rblsmtpd.local'
REFUSED=$(printf '%s\n' "$OUT" | sed -n 's/^<\*\* 451 //p')
check "11. the recipient is refused with 451 and zen's text for 127.0.0.2" alltxt "$REFUSED"
# the session's pid from tcpserver's log, once it has ended
i=0 CPID=
while [ $i -lt 50 ]; do
  CPID=$(sed -n 's/^tcpserver: pid \([0-9]*\) from 127\.0\.0\.2$/\1/p' "$T/tcpserver.log" 2>/dev/null)
  [ -n "$CPID" ] && grep -q "^tcpserver: end $CPID " "$T/tcpserver.log" && break
  sleep 0.1; i=$((i + 1))
done
check_eq "11. rblgate's log line for 127.0.0.2" "$(grep "^rblgate: 127\.0\.0\.2 pid ${CPID:-x}: " "$T/tcpserver.log")" \
  "rblgate: 127.0.0.2 pid $CPID: 451 $REFUSED"
# rblgate exits 0 after its own dialogue; had it run qmail-smtpd (absent here) it would have exited 111
check_eq "11. qmail-smtpd was never run: rblgate ended the session itself" \
  "$(grep "^tcpserver: end ${CPID:-x} " "$T/tcpserver.log")" "tcpserver: end $CPID status 0"

# ---------------------------------------------------------------- every runnable block ran
notrun=
for t in "$B"/*.tag; do
  n=${t%.tag}; n=${n##*/}
  case $(cat "$t") in "any host"|"any host, server") ;; *) continue ;; esac
  case " $RAN " in *" $n "*) ;; *) notrun="$notrun $n:$(head -n 1 "$B/$n")" ;; esac
done
check_eq "every [any host] block of INSTALL was run by this test" "$notrun" ""
