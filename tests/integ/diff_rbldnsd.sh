# tests/integ/diff_rbldnsd.sh: differential test, rblserve against Debian's
# rbldnsd. Both get the same command line and the same files: the small
# Spamhaus-shaped set from shared/bench/gen-datasets and hand-written files
# that spell out every syntax corner of rbldnsd(8). tests/diffdns/querygen.py
# makes thousands of queries from the data; tests/diffdns/compare.py asks both
# servers over UDP and compares rcode, flags and every section. One ok/not ok
# line per query area, so a failure names what differs.
#
# Three runs, each a pair of servers on its own port: (1) default options,
# all zones; (2) the hand-written zones again with -e (CIDRs off the network
# boundary), -t with min/max constraints and -a (no NS in the authority
# section); (3) one file whose $TIMESTAMP is in 2099, which rbldnsd reads as
# an invalid special line (a server that refuses the file cannot start, so
# it gets a run of its own).
#
# NEW (default $BIN/rblserve) may be any rbldnsd-compatible server;
# NEW=/usr/sbin/rbldnsd checks that the harness passes against itself, and
# NEW_EXTRA="-t 99" (extra arguments for NEW only) that it fails on a real
# difference. Deliberate differences: tests/diffdns/tolerated.
. "$(dirname "$0")/../lib.sh"

REF=${REF:-/usr/sbin/rbldnsd}
NEW=${NEW:-$BIN/rblserve}
NEW_EXTRA=${NEW_EXTRA:-}
NEWNAME=$(basename "$NEW")
[ "$NEWNAME" = rbldnsd ] && NEWNAME=rbldnsd-new
BENCH=${BENCH:-$TOP/../shared/bench}
DD=$TOP/tests/diffdns
REFIP=127.83.6.53
NEWIP=127.83.6.54
PORT1=5356
PORT2=5357
PORT3=5358

for t in python3 dig "$REF"; do
  if ! command -v "$t" > /dev/null; then notok "$t is installed"; exit 1; fi
done
if [ ! -x "$BENCH/gen-datasets" ]; then notok "gen-datasets found in $BENCH"; exit 1; fi

# ---- data -------------------------------------------------------------------
if ! "$BENCH/gen-datasets" --size small --out "$TMP/small" > "$TMP/gen.log" 2>&1; then
  notok "gen-datasets --size small"; sed 's/^/# /' "$TMP/gen.log"; exit 1
fi
S=$TMP/syn
mkdir -p "$S"

# ip4set: rbldnsd(8)'s ip4set section, A/TXT values, specials, comments
cat > "$S/ip4set" <<'EOF'
# syntax.test ip4set: every spelling of rbldnsd(8)'s ip4set section
; a semicolon comment line

$SOA 0 ns1.syntax.test. hostmaster.syntax.test. 0 1h 10m 1w 5m
$SOA 600 ignored.syntax.test. ignored.syntax.test. 7 1 1 1 1
$NS 0 ns1.syntax.test -ns2.syntax.test ns3.syntax.test.
$NS 600 ignored-ns.syntax.test
$TTL 2h
$1 See http://www.example.com/bl
$2 for details
#$3 hash-dollar special
;$4 semicolon-dollar special
:$5 colon-dollar special
:127.0.0.2:IP address $ is listed
127.0.0.4
127.0.0.5 :5
127.0.0.6 :6:
127.0.0.7 IP address $ running an open relay
127.0.0.8  $1/spammer/$ $2
127.0.0.9  This spammer wants some $$$$.  $1/$
127.0.0.10 :127.0.0.10:Full A and own text for $
127.0.0.11 ; comment after the entry
127.0.0.12 # hash comment after the entry
127.0.0.13 $3 $4 $5 $6 $9 end
127.0.0.14 :127.0.0.14
127.0.0.15 :15:
127.0.0.16 :0.0.16:partial A
127.0.0.17 :1.2.3.4:A outside 127/8
127.0.0.18 $ and $$ and $$$ and $x
127.0.0.19	tab	separated	text

10.0.0.0/24
10.1.0
10.2/16
10.3-10.3.0
10.4.0.0-10.4.0.255
10.5.0.1-255
10.6.0.10-10.6.0.20 :6:range with own value
10.16.0.0-10.31.255.255
10.32.0-10.47.255
10.48-10.63
10.64-79
10.80.0.0/12
10.96.0/12
10.112/12
11
12.0.0.0/8
13.1.2.3/24
13.2.0.0/15
!10.0.0.5
!10.2.128.0/17
!10.4.0.100-10.4.0.110
14.0.0.1
14.0.0.1 :3:the same address twice
14.0.0.0/30 :4:a range holding it
$TTL 10
15.0.0.1 after a TTL below the minimum
$TTL 4w
15.0.0.2 after a TTL above the maximum
$TTL 0
15.0.0.3 after TTL 0
:127.0.0.3:a new default for the rest of the file: $
16.0.0.1
16.0.0.2 :7
16.0.0.3 own
1.2.3.4/33
1.2.3.4.5
256.1.1.1
1.2.3.4-1.2.3.3
garbage here
EOF
# a TXT over 255 bytes, and one address with answers over 512 bytes
{
  printf '18.0.0.1 :2:long'
  i=0; while [ $i -lt 30 ]; do printf ' text %02d $' $i; i=$((i + 1)); done
  printf '\n'
  i=0
  while [ $i -lt 14 ]; do
    printf '18.0.0.2 :%d:answer %02d for $ padded to make the whole reply larger than one UDP packet of 512 bytes\n' $((i + 2)) $i
    i=$((i + 1))
  done
} >> "$S/ip4set"
cat > "$S/ip4set2" <<'EOF'
# second file of the same dataset: the first file's default line ends there
17.0.0.1
17.0.0.2 :5
!127.0.0.4
EOF
cat > "$S/base" <<'EOF'
$= See http://www.example.com/bl?$= ($) for details
$1 one
127.0.0.2    r123
127.0.0.3
127.0.0.4    =See other blocklists for details about $
127.0.0.5    :5:with A and text $1
127.0.0.6    :6:
127.0.0.7    $$ and $1
EOF
cat > "$S/maxrange" <<'EOF'
$MAXRANGE4 /24
20.0.0.0/16
20.1.0.0/24
20.2.0.0-20.2.1.255
$MAXRANGE4 /16
20.3.0.0/20
$MAXRANGE4 128
20.4.0.0/24
20.4.1.0/25
20.4.2.0/26
EOF
cat > "$S/ip4trie" <<'EOF'
$TTL 1h
:127.0.0.10:trie default $
30.0.0.0/8
30.1.0.0/16 :11:more specific with own text
30.1.2.0/24 :127.0.0.12:
30.1.2.3/32 :13
30.1.2.4
!30.1.2.5
!30.2.0.0/16
30.2.3.0/24 :14:inside an excluded range
30.3.0
31.1.2.3/24
31.2.0.0/15
32.0.0.0-32.0.0.255
33
EOF
cat > "$S/ip4tset" <<'EOF'
:127.0.0.4:tset $
40.0.0.1
40.0.0.2 :127.0.0.7:a value is ignored
40.0.0.3 ; comment
40.0.0.1
40.0.1.0/24
40.0.2
!40.0.0.2
EOF
cat > "$S/ip6trie" <<'EOF'
# Default A and TXT template values
:127.0.1.2: Listed, see http://example.com/lookup?$
2001:21ab:c000/36
2001:21ab:def7:4242 :127.0.1.3: This one smells funny
2605:6001:42::/52
::1               # localhost
!2605:6001:42::bead   # exclusion
2a00:1450:4001:0800::/56
2a00:1450:4001:0801:0000:0000:0000:0001
2a00:1450::/32 :127.0.1.5:
2a00::/16 :6
::ffff:1.2.3.4
2001:db8::/128
2001:db8::1/64
EOF
cat > "$S/ip6tset" <<'EOF'
:127.0.0.4:tset6 $
2001:20fe:23:41ed
abac:adab:ad00:42f
!abac:adab:ad00:42f:face:0f:a:beef
!abac:adab:ad00:42f::2
2001:db8:1::/48
2001:db8:2:3:4:5:6:7
2001:db8:5::
EOF
cat > "$S/dnset" <<'EOF'
$TTL 30m
:127.0.1.2:Domain $ is listed
example.com
*.wild.example.net
.dot.example.org
!good.dot.example.org
!*.good.wild.example.net
UPPER.Example.COM
trailing.example.com.
own.example.com :127.0.1.4:Own text for $
aonly.example.com :5
notxt.example.com :6:
# a wildcard and an exact entry for the same name
both.example.com :7:exact
*.both.example.com :8:wild
deep.a.b.c.example.com
-bad-.example.com
EOF
printf '0.0.0.0/0 :99:everything\n' > "$S/all4"
printf '::/0 :9:all of IPv6\n' > "$S/all6"
printf '*\n.\n*.\n' > "$S/dnall"
cat > "$S/generic" <<'EOF'
$NS 1h ns1.syntax.test ns2.syntax.test
@ A 127.0.0.1
@ TXT "syntax test zone"
@ MX 10 mx.syntax.test
@ 300 MX 20 mx2.syntax.test.
www 3000 A 127.0.0.1
www A 127.0.0.8
about TXT unquoted words of text
quoted TXT "a quoted text with \"quotes\""
multi TXT "first" "second"
mx MX 5 mail.example.com
aaaa AAAA ::1
ns NS ns.example.com
cname CNAME www.syntax.test
UPPERCASE A 127.0.0.9
deep.sub.name A 127.0.0.10
ttl2m 2m A 127.0.0.11
EOF
# the combined example of rbldnsd(8), plus a dnset and an ip6trie
cat > "$S/combined" <<'EOF'
# common section
$NS 1w ns1.ex.com ns2.ex.com
$SOA 1w ns1.ex.com admin.ex.com 0 2h 2h 1w 1h
$DATASET ip4set:proxy proxies @
:2:Open proxy, see http://bl.ex.com/proxy/$
127.0.0.2
127.0.0.10
$DATASET ip4set:relay relays @
:3:Open relay, see http://bl.ex.com/relay/$
127.0.0.2
127.0.2.10
$DATASET ip4set:multihop-relay multihop
:4:Multihop open relay, see http://bl.ex.com/relay/$
127.0.0.2
127.0.9.12
$DATASET dnset names
$TTL 5m
:127.0.1.2:name $
example.com
.dot.example
$DATASET ip6trie v6 @
2001:db8::/32 :127.0.0.6:v6 $
$DATASET generic:common proxies relays multihop @
@ A 127.0.0.8
www A 127.0.0.8
@ MX 10 mx.ex.com
@ TXT "combined base"
EOF
cat > "$S/acl" <<'EOF'
127.0.0.71 :refuse
127.0.0.72 :empty
127.0.0.73 :127.0.0.98:Listed for every client, this one is $
127.0.0.74/31 :ignore
127.0.0.75 :pass
::1 :refuse
EOF
printf '$TIMESTAMP 2020:01:01 0\n60.0.0.1\n' > "$S/ts-past"
printf '$TIMESTAMP 2020:01:01:12:00 2020:06:01\n60.0.0.2\n' > "$S/ts-expired"
printf '$TIMESTAMP 2020-01-01 +1d\n60.0.0.3\n' > "$S/ts-relative"
printf '$TIMESTAMP 2099:01:01\n60.0.0.4\n' > "$S/ts-future"
printf '# gzip-compressed ip4set\n50.0.0.1 :2:from a gzip file $\n' | gzip -9 -n > "$S/gz"
# a CKSUM trailer that matches (rbldnsd reads it as a comment)
printf '$TTL 77\n51.0.0.1 :2:cksum $\n' > "$S/ck"
set -- $(head -n 100 "$S/ck" | cksum)
printf '# CKSUM: %s %s\n' "$1" "$2" >> "$S/ck"
# serial 0 in a $SOA is the newest mtime of the zone's datasets: in
# syntax.test (the $SOA in ip4set) the generic one's, newer than both files
# of the ip4set dataset; in comb.syntax.test the combined file's, its acl
# (newer still) aside
touch -d '2026-01-01 00:00:00' "$S/ip4set"
touch -d '2026-01-02 00:00:00' "$S/ip4set2"
touch -d '2026-01-03 00:00:00' "$S/generic"
touch -d '2030-01-01 00:00:00' "$S/acl"
chmod -R a+rX "$TMP"

SYNZONES="syntax.test:ip4set:syn/ip4set,syn/ip4set2 syntax.test:generic:syn/generic
base.syntax.test:ip4set:syn/base max.syntax.test:ip4set:syn/maxrange
trie.syntax.test:ip4trie:syn/ip4trie tset.syntax.test:ip4tset:syn/ip4tset
v6.syntax.test:ip6trie:syn/ip6trie v6t.syntax.test:ip6tset:syn/ip6tset
dn.syntax.test:dnset:syn/dnset all.syntax.test:ip4trie:syn/all4
all.syntax.test:ip6trie:syn/all6 alldn.syntax.test:dnset:syn/dnall
comb.syntax.test:combined:syn/combined comb.syntax.test:acl:syn/acl
gz.syntax.test:ip4set:syn/gz ck.syntax.test:ip4set:syn/ck
ts.syntax.test:ip4set:syn/ts-past tsx.syntax.test:ip4set:syn/ts-expired
tsr.syntax.test:ip4set:syn/ts-relative
agg.syntax.test:ip4set:syn/ip4set2 agg.syntax.test:ip4trie:syn/ip4trie
agg.syntax.test:ip4tset:syn/ip4tset agg.syntax.test:dnset:syn/dnset"
GENZONES=$(grep -v '^#' "$TMP/small/zones" | sed 's|:\([^:]*\)$|:small/\1|')
TSFZONE=tsf.syntax.test:ip4set:syn/ts-future
SYNSRC=127.0.0.1,127.0.0.70,127.0.0.71,127.0.0.72,127.0.0.73,127.0.0.74,127.0.0.75,127.0.0.76

# ---- servers ------------------------------------------------------------------
# serve NAME PROG ADDR PORT ARGS...: starts it, output to $TMP/NAME.log; sets SPID
serve() {
  _name=$1 _prog=$2 _addr=$3 _port=$4; shift 4
  SPID=
  if [ ! -x "$_prog" ]; then
    echo "# $_prog: not built" > "$TMP/$_name.log"; return 1
  fi
  bg "$_prog" -n -u rbldns -b "$_addr/$_port" -w "$TMP" -c 0 "$@" > "$TMP/$_name.log" 2>&1
  SPID=$LASTPID
  wait_dns "$_addr" "$_port" 2>> "$TMP/$_name.log" && kill -0 "$SPID" 2> /dev/null
}

# started NAME RC: ok/not ok line, the end of the log on failure
started() {
  if [ "$2" = 0 ]; then ok "$1 started"; else
    notok "$1 started"; tail -n 25 "$TMP/$1.log" | sed 's/^/#   /'; return 1
  fi
}

# compare TAG PORT QUERYFILE: both servers on PORT; ok/not ok per area
compare() {
  tol=
  [ -f "$DD/tolerated" ] && tol="--tolerate $DD/tolerated"
  # shellcheck disable=SC2086
  python3 "$DD/compare.py" --tap --show 4 --names "rbldnsd,$NEWNAME" $tol \
    "$REFIP:$2" "$NEWIP:$2" "$3" > "$TMP/$1.out" 2> "$TMP/$1.err"
  rc=$?
  cat "$TMP/$1.out"
  case $rc in
    0|1) ok "$1: compare ran ($(grep -c '^' "$3") queries)" ;;
    *) notok "$1: compare ran (exit $rc)"; sed 's/^/#   /' "$TMP/$1.err" ;;
  esac
}

# pair TAG PORT QUERYFILE ARGS...: rbldnsd and the new server with ARGS on
# PORT, then compare; TAG:pid of the new server goes to NEWPIDS
NEWPIDS=
pair() {
  _tag=$1 _port=$2 _q=$3; shift 3
  serve "rbldnsd-$_tag" "$REF" "$REFIP" "$_port" "$@"; r=$?
  started "rbldnsd-$_tag" $r || return 1
  # shellcheck disable=SC2086
  serve "$NEWNAME-$_tag" "$NEW" "$NEWIP" "$_port" $NEW_EXTRA "$@"; r=$?
  started "$NEWNAME-$_tag" $r || return 1
  NEWPIDS="$NEWPIDS $_tag:$SPID"
  compare "$_tag" "$_port" "$_q"
}

# ---- queries ------------------------------------------------------------------
# shellcheck disable=SC2086
python3 "$DD/querygen.py" --data "$TMP" --per-area 25 --random 25 --names 25 \
  $GENZONES > "$TMP/q.gen" 2> "$TMP/qgen.log" || notok "querygen on the generated data"
# shellcheck disable=SC2086
python3 "$DD/querygen.py" --data "$TMP" --prefix syntax. --per-area 200 --random 10 \
  --names 40 --acl-src "$SYNSRC" $SYNZONES > "$TMP/q.syn" 2>> "$TMP/qgen.log" ||
  notok "querygen on the hand-written data"
python3 "$DD/querygen.py" --data "$TMP" --prefix tsfuture. --per-area 10 --random 5 \
  --names 5 "$TSFZONE" > "$TMP/q.3" 2>> "$TMP/qgen.log" || notok "querygen on ts-future"
n=$(cat "$TMP/q.gen" "$TMP/q.syn" | wc -l)
if [ "$n" -gt 5000 ]; then ok "querygen made $n queries"; else notok "querygen made $n queries"; fi
cat "$TMP/q.gen" "$TMP/q.syn" > "$TMP/q.1"
sed 's/^syntax\./opts./' "$TMP/q.syn" > "$TMP/q.2"

# the reference must serve the data, or the comparison means nothing
# shellcheck disable=SC2086
serve rbldnsd-check "$REF" "$REFIP" "$PORT3" $GENZONES; r=$?
started rbldnsd-check $r || exit 1
got=$(dig +short +norec +tries=1 +time=2 -p "$PORT3" @"$REFIP" 2.0.0.127.zen.spamhaus.org A | sort | tr '\n' ' ')
check_eq "rbldnsd lists 127.0.0.2 in zen three times" "$got" "127.0.0.10 127.0.0.2 127.0.0.4 "
kill "$SPID"; wait "$SPID" 2> /dev/null

# 1: default options, every zone
# shellcheck disable=SC2086
pair default "$PORT1" "$TMP/q.1" $GENZONES $SYNZONES
# 2: -e (CIDRs off the boundary), -t with constraints, -a (no NS in authority)
# shellcheck disable=SC2086
pair "options" "$PORT2" "$TMP/q.2" -e -t 5m:20:1d -a $SYNZONES
# 3: a $TIMESTAMP in 2099 (rbldnsd: an invalid special line, the file loads)
pair tsfuture "$PORT3" "$TMP/q.3" "$TSFZONE"

# ---- the new server survived it all, and stops cleanly --------------------------
for tp in $NEWPIDS; do
  t=${tp%%:*} p=${tp#*:}
  if kill -0 "$p" 2> /dev/null; then ok "$NEWNAME-$t still running after the queries"
  else notok "$NEWNAME-$t still running after the queries"; fi
  kill -TERM "$p" 2> /dev/null
done
for tp in $NEWPIDS; do
  t=${tp%%:*} p=${tp#*:}
  wait "$p" 2> /dev/null
  check_eq "$NEWNAME-$t exits 0 on SIGTERM" "$?" 0
done
san=$(cat "$TMP/$NEWNAME"-*.log 2> /dev/null |
  grep -E 'AddressSanitizer|LeakSanitizer|runtime error:' | head -n 5)
check_eq "$NEWNAME: no sanitizer report in its logs" "$san" ""
