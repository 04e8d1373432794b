#!/bin/sh
# dialog: rblgate's limited SMTP dialogue under the real tcpserver, byte for
# byte against the real rblsmtpd ($RBLSMTPD set, so no DNS), then hostile
# clients against rblgate alone. Ports 127.0.0.1:26025..26049.
. "$(dirname "$0")/../lib.sh"

RAW="python3 $TOP/tests/rawclient.py"
GATE=$BIN/rblgate
[ -x "$GATE" ] || { notok "dialog: $GATE not built"; exit 1; }
command -v rblsmtpd > /dev/null || { notok "dialog: rblsmtpd not installed"; exit 1; }

# up PORT: until tcpserver accepts there (at most ~5 s). Not lib.sh's wait_tcp:
# its tcpclient looks up the peer's name, which costs 22 s per call here.
up() {
  _i=0
  while [ $_i -lt 50 ]; do
    tcpclient -HRl0 -T 1 127.0.0.1 "$1" sh -c 'exit 0' > /dev/null 2>&1 && return 0
    sleep 0.1; _i=$((_i + 1))
  done
  echo "# nothing listens on 127.0.0.1 port $1" >&2
  return 1
}

# serve PORT PROG TEXT SECS: tcpserver running PROG with $RBLSMTPD=TEXT, -t SECS;
# its stderr (tcpserver's -v lines and PROG's log lines) goes to $TMP/log.PORT
serve() {
  bg env RBLSMTPD="$3" tcpserver -v -HRl0 -c 20 127.0.0.1 "$1" "$2" -t "$4" cat 2> "$TMP/log.$1"
  up "$1" || return 1
  kill -0 "$LASTPID" 2> /dev/null
}

# the program's last log line, with its name and pid made neutral
lastlog() {
  grep -E '^(rblsmtpd|rblgate): ' "$TMP/log.$1" | tail -n 1 | sed -E 's/^(rblsmtpd|rblgate): //; s/ pid [0-9]+: / pid N: /'
}

hexof() { od -An -c "$1" | sed 's/  */ /g' | tr -d '\n'; }

# same NAME SPORT GPORT RAWCLIENT-ARGS...: one connection to rblsmtpd and one
# to rblgate with the same client; the bytes received and the log lines must match
same() {
  _n=$1 _sp=$2 _gp=$3; shift 3
  $RAW -t 15 "$@" -o "$TMP/s.out" 127.0.0.1 "$_sp" 2> "$TMP/s.err"
  $RAW -t 15 "$@" -o "$TMP/g.out" 127.0.0.1 "$_gp" 2> "$TMP/g.err"
  if [ -s "$TMP/s.out" ] && cmp -s "$TMP/s.out" "$TMP/g.out"; then ok "$_n: same bytes as rblsmtpd"
  else
    notok "$_n: same bytes as rblsmtpd"
    printf '#   rblsmtpd: %s\n#   rblgate:  %s\n' "$(hexof "$TMP/s.out")" "$(hexof "$TMP/g.out")" | cut -c1-600
    sed 's/^/#   /' "$TMP/s.err" "$TMP/g.err"
  fi
  _sl=$(lastlog "$_sp") _gl=$(lastlog "$_gp")
  if [ -n "$_sl" ]; then check_eq "$_n: same log line" "$_gl" "$_sl"
  else notok "$_n: rblsmtpd logged nothing"; fi
}

# secs FILE: the time rawclient saw the connection end, in milliseconds
msecs() { sed -n 's/.* secs=\([0-9]*\)\.\([0-9]*\).*/\1\2/p' "$1" | sed 's/^0*//;s/^$/0/'; }
endhow() { sed -n 's/.* end=\([a-z]*\) .*/\1/p' "$1"; }

LONG=$(python3 -c 'print("x" * 300)')
CTRL=$(printf 'tab\there cr\rlf\nsoh\001del\177 e-acute \303\251 end')

serve 26025 rblsmtpd "Go away" 5 && serve 26026 "$GATE" "Go away" 5 && \
serve 26027 rblsmtpd "Go away" 0 && serve 26028 "$GATE" "Go away" 0 && \
serve 26029 rblsmtpd "-Go away now" 5 && serve 26030 "$GATE" "-Go away now" 5 && \
serve 26031 rblsmtpd "$LONG" 5 && serve 26032 "$GATE" "$LONG" 5 && \
serve 26033 rblsmtpd "$CTRL" 5 && serve 26034 "$GATE" "$CTRL" 5 && \
serve 26035 "$GATE" "Go away" 3 && serve 26036 rblsmtpd "Go away" 3 || { notok "dialog: servers did not start"; exit 1; }

STD='HELO client.example\r\nMAIL FROM:<sender@example.org>\r\nRCPT TO:<rcpt@example.net>\r\nDATA\r\nQUIT\r\n'

# --- byte for byte against rblsmtpd -------------------------------------
same "standard transcript" 26025 26026 -i -e "$STD"
check_eq "standard transcript: exact bytes" "$(hexof "$TMP/g.out")" \
  "$(printf '220 rblsmtpd.local\r\n250 rblsmtpd.local\r\n250 rblsmtpd.local\r\n451 Go away\r\n451 Go away\r\n221 rblsmtpd.local\r\n' > "$TMP/want"; hexof "$TMP/want")"
same "EHLO" 26025 26026 -i -e 'EHLO client.example\r\nQUIT\r\n'
same "lowercase" 26025 26026 -i -e 'helo x\r\nmail from:<a@b>\r\nrcpt to:<c@d>\r\ndata\r\nrset\r\nnoop\r\nvrfy x\r\nquit\r\n'
same "pipelined" 26025 26026 -e "$STD"
same "pipelined, mixed case, arguments" 26025 26026 -e 'eHlO x\r\nMaIl FROM:<>\r\nnoop a b c\r\nRSET x\r\nHELP\r\nStartTLS\r\nAUTH PLAIN x\r\nQuIt now\r\n'
same "NUL bytes" 26025 26026 -e 'NO\0OP\r\nNOOP x\0y\r\nHELO\0\r\n\0\r\nQUIT\r\n'
same "NOOP CR CR LF" 26025 26026 -e 'NOOP\r\r\nNO\rOP\r\nNOOP x\r\r\nQUIT\r\n'
same "bare LF" 26025 26026 -e 'HELO x\nRCPT TO:<a>\nNOOP\nQUIT\n'
same "odd verbs" 26025 26026 -e 'HELO\tx\r\n HELO\r\nHELOx\r\nQUITX\r\n\r\n\n\xc8ELO\r\nVRFY x\r\nQUIT x\r\n'
same "one byte at a time" 26025 26026 -c 1 -d 0.005 -e "$STD"
same "EOF without QUIT" 26025 26026 -w -e 'HELO x\r\nRCPT TO:<a@b>\r\n'
same "unterminated last line" 26025 26026 -w -e 'HELO x\r\nNOOP\r\nQUI'
same "client sends nothing, half-closes" 26025 26026 -w
same "-t 0: only the error line" 26027 26028
check_eq "-t 0: exact bytes" "$(hexof "$TMP/g.out")" "$(printf '451 Go away\r\n' > "$TMP/want"; hexof "$TMP/want")"
same "553 via -text" 26029 26030 -i -e "$STD"
same "553 via -text, pipelined" 26029 26030 -e 'RCPT TO:<a>\r\nQUIT\r\n'
same "300-byte text" 26031 26032 -e 'RCPT TO:<a>\r\nQUIT\r\n'
same "control bytes in text" 26033 26034 -e 'RCPT TO:<a>\r\nQUIT\r\n'

# a 1 MiB line: same replies as rblsmtpd gives
python3 -c 'import sys; sys.stdout.buffer.write(b"HELO " + b"x" * 1048576 + b"\r\nRCPT\r\nQUIT\r\n")' > "$TMP/bigarg"
python3 -c 'import sys; sys.stdout.buffer.write(b"X" * 1048576 + b"\r\nNOOP\r\nQUIT\r\n")' > "$TMP/bigverb"
same "1 MiB argument, then QUIT" 26025 26026 -f "$TMP/bigarg"
same "1 MiB verb, then QUIT" 26025 26026 -f "$TMP/bigverb"

# --- rblgate alone: hostile clients --------------------------------------
# a client from another loopback address, and the log line on tcpserver's stderr
$RAW -t 10 -b 127.0.0.2 -e 'QUIT\r\n' -o "$TMP/q.out" 127.0.0.1 26026 2> "$TMP/q.err"
check_eq "from 127.0.0.2: greeting and 221" "$(hexof "$TMP/q.out")" \
  "$(printf '220 rblsmtpd.local\r\n221 rblsmtpd.local\r\n' > "$TMP/want"; hexof "$TMP/want")"
_i=0
while [ $_i -lt 30 ] && ! grep -q '^tcpserver: end .* status' "$TMP/log.26026"; do sleep 0.1; _i=$((_i + 1)); done
pid=$(sed -n 's/^tcpserver: pid \([0-9]*\) from 127\.0\.0\.2$/\1/p' "$TMP/log.26026" | tail -n 1)
check_match "log line from 127.0.0.2 with tcpserver's pid" "$(grep '^rblgate: 127\.0\.0\.2 ' "$TMP/log.26026" | tail -n 1)" \
  "^rblgate: 127\.0\.0\.2 pid ${pid:-none}: 451 Go away\$"
check_match "log line for 127.0.0.1" "$(grep '^rblgate: 127\.0\.0\.1 ' "$TMP/log.26026" | tail -n 1)" \
  '^rblgate: 127\.0\.0\.1 pid [0-9]+: 451 Go away$'
_i=0
while [ $_i -lt 30 ] && ! grep -q "^tcpserver: end ${pid:-none} status" "$TMP/log.26026"; do sleep 0.1; _i=$((_i + 1)); done
check_match "rblgate exits 0 after QUIT" "$(grep "^tcpserver: end ${pid:-none} " "$TMP/log.26026")" ' status 0$'

# a client that sends nothing is dropped at -t 3, with nothing after the greeting
$RAW -t 10 -o "$TMP/n.out" 127.0.0.1 26035 2> "$TMP/n.err"
ms=$(msecs "$TMP/n.err")
check_eq "silent client: greeting only" "$(hexof "$TMP/n.out")" "$(printf '220 rblsmtpd.local\r\n' > "$TMP/want"; hexof "$TMP/want")"
check_eq "silent client: the server closed" "$(endhow "$TMP/n.err")" "closed"
check "silent client: closed at -t 3 (2.9 .. 4.0 s, got ${ms:-?} ms)" [ "${ms:-0}" -ge 2900 -a "${ms:-0}" -le 4000 ]

# for comparison: rblsmtpd does the same
$RAW -t 10 -o "$TMP/ns.out" 127.0.0.1 26036 2> "$TMP/ns.err"
ms2=$(msecs "$TMP/ns.err")
check "silent client: rblsmtpd also closes at 3 s (got ${ms2:-?} ms)" [ "${ms2:-0}" -ge 2900 -a "${ms2:-0}" -le 4000 ]
check "silent client: same bytes as rblsmtpd" cmp -s "$TMP/n.out" "$TMP/ns.out"

# peak memory of a dialogue with a client that sends nothing, as a baseline
hwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2> /dev/null; }
gatepid() { sed -n 's/^rblgate: 127\.0\.0\.1 pid \([0-9]*\): .*/\1/p' "$TMP/log.26035" | tail -n 1; }
$RAW -t 10 -H 1.5 -o /dev/null 127.0.0.1 26035 2> /dev/null &
rawpid=$!
sleep 1
p=$(gatepid); base=$(hwm "${p:-0}")
wait $rawpid

# ~20 MB of NOOP lines, never reading: rblgate must end by its deadline with
# its memory as small as in the idle dialogue
$RAW -t 15 -n -e 'NOOP\r\n' -g 3500000 -o /dev/null 127.0.0.1 26035 2> "$TMP/f.err" &
rawpid=$!
sleep 2
p2=$(gatepid); peak=$(hwm "${p2:-0}")
wait $rawpid
ms=$(msecs "$TMP/f.err")
sent=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$TMP/f.err")
check "flood: a new rblgate served it (pid ${p2:-?} after ${p:-?})" [ -n "$p2" -a "${p2:-0}" != "${p:-0}" ]
check "flood: rblgate ended by its 3 s deadline (got ${ms:-?} ms, $(endhow "$TMP/f.err"))" [ "${ms:-0}" -ge 2900 -a "${ms:-0}" -le 4000 ]
check "flood: the client could not push all 21 MB (sent ${sent:-?})" [ "${sent:-0}" -gt 0 -a "${sent:-0}" -lt 21000000 ]
check "flood: peak memory ${peak:-?} kB vs idle ${base:-?} kB (< +2048 kB)" [ -n "$base" -a -n "$peak" -a "$((${peak:-999999} - ${base:-0}))" -lt 2048 ]
_i=0
while [ $_i -lt 30 ] && ! grep -q "^tcpserver: end ${p2:-none} status" "$TMP/log.26035"; do sleep 0.1; _i=$((_i + 1)); done
check_match "flood: rblgate exits 0 (client gone is not a crash)" "$(grep "^tcpserver: end ${p2:-none} " "$TMP/log.26035")" ' status 0$'

# an active client that keeps sending and reading is still cut at 3 s
$RAW -t 10 -c 6 -d 0.05 -e 'NOOP\r\n' -g 200 -o "$TMP/a.out" 127.0.0.1 26035 2> "$TMP/a.err"
ms=$(msecs "$TMP/a.err")
check "active client: closed at the 3 s whole-dialogue limit (got ${ms:-?} ms)" [ "${ms:-0}" -ge 2900 -a "${ms:-0}" -le 4000 ]

# no sanitizer report and no other exit status from any rblgate
sleep 0.5
for port in 26026 26028 26030 26032 26034 26035; do
  if grep -Eq 'Sanitizer|runtime error|LeakSanitizer' "$TMP/log.$port"; then
    notok "no sanitizer report (port $port)"; grep -E -A5 'Sanitizer|runtime error' "$TMP/log.$port" | head -n 20 | sed 's/^/#   /'
  else ok "no sanitizer report (port $port)"; fi
  bad=$(grep '^tcpserver: end ' "$TMP/log.$port" | grep -v ' status 0$')
  check_eq "every rblgate exited 0 (port $port)" "$bad" ""
done
