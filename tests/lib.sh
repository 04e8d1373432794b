# tests/lib.sh: sourced by every integration test (POSIX sh).
# Gives: $TOP $BIN $TMP, ok/notok/check/check_eq, background processes that
# are always stopped, and starters for rbldnsd and tcpserver on loopback.
# Everything listens on 127.0.0.0/8 only; every wait is bounded.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${BIN:-$TOP/build-san}
mkdir -p "$TOP/tests/tmp"
TMP=$(mktemp -d "$TOP/tests/tmp/$(basename "$0" .sh).XXXXXX")
chmod 755 "$TMP"   # rbldnsd drops to user rbldns and must read its zones
BGPIDS=
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# no test may ever reach the machine's configured resolver
export DNSCACHEIP=127.0.0.254

lib_cleanup() {
  for p in $BGPIDS; do kill "$p" 2>/dev/null; done
  for p in $BGPIDS; do wait "$p" 2>/dev/null; done
  [ -n "${KEEPTMP:-}" ] || rm -rf "$TMP"
}
trap lib_cleanup EXIT
trap 'exit 111' INT TERM

# procs_in DIR: pids of live processes working in DIR or below (zombies
# have no cwd): how the service and install tests find what they started
procs_in() {
  for _p in /proc/[0-9]*; do
    _c=$(readlink "$_p/cwd" 2>/dev/null) || continue
    case $_c in "$1"|"$1"/*) [ "${_p#/proc/}" = $$ ] || printf '%s ' "${_p#/proc/}" ;; esac
  done
}

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }

# check NAME COMMAND...: passes if COMMAND exits 0
check() {
  _n=$1; shift
  if "$@"; then ok "$_n"; else notok "$_n"; fi
}

# check_eq NAME GOT WANT: passes if the two strings are equal; shows both otherwise
check_eq() {
  if [ "$2" = "$3" ]; then ok "$1"; else
    notok "$1"
    printf '#   got:  %s\n' "$2" | cat -v
    printf '#   want: %s\n' "$3" | cat -v
  fi
}

# check_match NAME GOT PATTERN: passes if GOT matches the grep -E pattern
check_match() {
  if printf '%s\n' "$2" | grep -Eq -- "$3"; then ok "$1"; else
    notok "$1"; printf '#   got:  %s\n#   want /%s/\n' "$2" "$3" | cat -v
  fi
}

# bg COMMAND...: starts COMMAND in the background, stopped at exit
bg() {
  "$@" &
  BGPIDS="$BGPIDS $!"
  LASTPID=$!
}

# wait_dns ADDR PORT: until a DNS server answers there (at most ~5 s)
wait_dns() {
  _i=0
  while [ $_i -lt 50 ]; do
    dig +tries=1 +time=1 -p "$2" @"$1" ready.invalid A > /dev/null 2>&1 && \
      dig +tries=1 +time=1 -p "$2" @"$1" ready.invalid A 2>/dev/null | grep -q 'status:' && return 0
    sleep 0.1; _i=$((_i + 1))
  done
  echo "# DNS server on $1 port $2 did not come up" >&2
  return 1
}

# wait_tcp ADDR PORT: until something accepts connections there (at most ~5 s)
wait_tcp() {
  _i=0
  while [ $_i -lt 50 ]; do
    tcpclient -HRl0 -T 1 "$1" "$2" sh -c 'exit 0' > /dev/null 2>&1 && return 0
    sleep 0.1; _i=$((_i + 1))
  done
  echo "# nothing listens on $1 port $2" >&2
  return 1
}

# start_dnsbl ADDR PORT ZONESPEC...: the DNSBL server on ADDR/PORT serving
# files in $TMP, with rbldnsd's command line: our rblserve, or whatever
# $DNSBLD names (DNSBLD=rbldnsd runs a test against the reference).
DNSBLD=${DNSBLD:-$BIN/rblserve}
start_dnsbl() {
  _a=$1 _p=$2; shift 2
  bg sh -c 'exec "$@" >&2' dnsbl "$DNSBLD" -n -q -u rbldns -b "$_a/$_p" -w "$TMP" -t 60 "$@"
  wait_dns "$_a" "$_p"
}

# start_rbldnsd ADDR PORT ZONESPEC...: Debian's rbldnsd, the reference
start_rbldnsd() {
  _a=$1 _p=$2; shift 2
  bg sh -c 'exec "$@" >&2' rbldnsd rbldnsd -n -q -u rbldns -b "$_a/$_p" -w "$TMP" -t 60 "$@"
  wait_dns "$_a" "$_p"
}

# start_faultdns ADDR PORT RULESFILE [QUERYLOG]: the fault-injecting server
start_faultdns() {
  if [ $# -ge 4 ]; then bg "$BIN/tests/faultdns" -b "$1:$2" -f "$3" -l "$4"
  else bg "$BIN/tests/faultdns" -b "$1:$2" -f "$3"; fi
  wait_dns "$1" "$2"
}
