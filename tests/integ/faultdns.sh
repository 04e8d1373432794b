#!/bin/sh
# tests/integ/faultdns.sh: the fault-injecting test DNS server does what its
# rules say, checked from outside with dig (and raw packets from python3 where
# dig hides the bytes: garbage, wrong ID, cut replies, the TC bit).
. "$(dirname "$0")/../lib.sh"

FD=$BIN/tests/faultdns
if [ ! -x "$FD" ]; then notok "faultdns is built"; exit 1; fi
A=127.83.1.1
A2=127.83.1.2
PORT=5301
R=$TMP/rules
LOG=$TMP/query.log

cat > "$R" <<'EOF'
# one rule a line; first match wins
a.t            A    a 127.0.0.2 127.0.0.3
first.t        *    a 127.0.0.4
first.t        *    a 127.0.0.5
txt.t          TXT  txt "first record" "second"+"record"
ctl.t          TXT  txt "x\013\010250 ok\000y"
both.t         *    both 127.0.0.2 "both text"
nx.t           *    nxdomain
nodata.t       *    nodata
sf.t           *    servfail
ref.t          *    refused
fe.t           *    formerr
typed.t        TXT  txt "typed"
typed.t        *    nxdomain
*.sfx.t        *    a 127.0.0.9
drop.t         *    drop
garb.t         *    garbage
wid.t          *    wrongid a 127.0.0.2
wq.t           *    wrongquestion a 127.0.0.2
trunc.t        *    truncated
tc.t           *    tc both 127.0.0.2 "over tcp"
big.t          *    big 3000
slow.t         *    delay 600 a 127.0.0.2
slowtc.t       *    delay 300 tc a 127.0.0.7
now.t          *    delay 0 a 127.0.0.2
EOF

# rawq PROTO ADDR PORT NAME QTYPE ID: one query, the reply's header in words
cat > "$TMP/rawq.py" <<'EOF'
import socket, struct, sys
proto, addr, port, name, qtype, qid = sys.argv[1:7]
port, qtype, qid = int(port), int(qtype), int(qid)
q = struct.pack('>HHHHHH', qid, 0x0100, 1, 0, 0, 0)
for l in name.split('.'):
    q += bytes([len(l)]) + l.encode()
q += b'\0' + struct.pack('>HH', qtype, 1)
fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
try:
    if proto == 'udp':
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.settimeout(1.0)
        s.sendto(q, (addr, port))
        r = s.recv(65535)
    else:
        s = socket.create_connection((addr, port), 1.0)
        s.sendall(struct.pack('>H', len(q)) + q)
        b = b''
        while len(b) < 2:
            c = s.recv(2 - len(b))
            if not c: raise EOFError
            b += c
        n = struct.unpack('>H', b)[0]
        r = b''
        while len(r) < n:
            c = s.recv(n - len(r))
            if not c: raise EOFError
            r += c
except (socket.timeout, EOFError):
    print('timeout'); sys.exit(0)
if len(r) < 12:
    print('short len=%d' % len(r)); sys.exit(0)
i, f, qd, an, ns, ar = struct.unpack('>HHHHHH', r[:12])
qn = r[12:12 + len(q) - 12 - 4]
print('id=%d qr=%d aa=%d tc=%d rd=%d ra=%d rcode=%d qd=%d an=%d len=%d qlen=%d sameq=%d' % (
    i, f >> 15, f >> 10 & 1, f >> 9 & 1, f >> 8 & 1, f >> 7 & 1, f & 15, qd, an,
    len(r), len(q), qn == q[12:-4]))
sys.stdout.buffer.write(b'hex=' + r.hex().encode() + b'\n')
EOF
rawq() { python3 "$TMP/rawq.py" "$@" > "$TMP/raw.out"; sed -n 1p "$TMP/raw.out"; }
rawhex() { python3 "$TMP/rawq.py" "$@" > "$TMP/raw.out"; sed -n 's/^hex=//p' "$TMP/raw.out"; }

# dg NAME TYPE [OPTIONS]: dig at the server, answer lines only
dg() { _n=$1 _t=$2; shift 2; dig +time=2 +tries=1 -p $PORT @$A "$@" "$_n" "$_t" 2>&1; }
ans() { dg "$@" | grep -v '^;' | grep -v '^$'; }
# the A address / the TXT rdata / "TYPE RDATA" of answer lines on stdin
ip() { awk '{ print $5 }'; }
txt() { sed 's/^[^"]*//'; }
typ() { awk '{ print $4, $5 }'; }
status() { dg "$@" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'; }
nowms() { echo $(($(date +%s%N) / 1000000)); }

start_faultdns $A $PORT "$R" "$LOG" || { notok "faultdns starts"; exit 1; }
FDPID=$LASTPID

# ---- answers --------------------------------------------------------------
check_eq "a: two A records, TTL 60, in order" "$(ans a.t A | tr -s '\t ' ' ')" \
"a.t. 60 IN A 127.0.0.2
a.t. 60 IN A 127.0.0.3"
check_match "a: flags qr aa rd ra" "$(dg a.t A | grep '^;; flags')" '^;; flags: qr aa rd ra;'
check_match "a: RD not set when not asked" "$(dg a.t A +norec | grep '^;; flags')" '^;; flags: qr aa ra;'
check_eq "a (type *): a TXT query gets nodata" "$(status first.t TXT)/$(ans first.t TXT)" "NOERROR/"
check_eq "a (type A): a TXT query falls through to NXDOMAIN" "$(status a.t TXT)" NXDOMAIN
check_eq "first rule wins" "$(ans first.t A | ip)" "127.0.0.4"
check_eq "txt: one record per quoted string, + joins strings" "$(ans txt.t TXT | txt)" \
'"first record"
"second" "record"'
check_eq "txt: control bytes kept as given" "$(ans ctl.t TXT | txt)" '"x\013\010250 ok\000y"'
check_eq "both: A query gets A only" "$(ans both.t A | typ)" "A 127.0.0.2"
check_eq "both: TXT query gets TXT only" "$(ans both.t TXT | awk '{ print $4 }') $(ans both.t TXT | txt)" 'TXT "both text"'
check_eq "both: ANY gets both" "$(ans both.t ANY | awk '{ print $4 }' | sort | tr '\n' ' ')" "A TXT "
check_eq "nxdomain" "$(status nx.t A)" NXDOMAIN
check_eq "nodata: NOERROR with no answer" "$(status nodata.t A)/$(ans nodata.t A)" "NOERROR/"
check_eq "servfail" "$(status sf.t A)" SERVFAIL
check_eq "refused" "$(status ref.t A)" REFUSED
check_eq "formerr" "$(status fe.t A +noedns)" FORMERR
check_eq "unmatched name: NXDOMAIN" "$(status nowhere.t A)" NXDOMAIN
check_eq "type rule: TXT matches its rule" "$(ans typed.t TXT | txt)" '"typed"'
check_eq "type rule: A falls through to the next rule" "$(status typed.t A)" NXDOMAIN
check_eq "names match case-insensitively" "$(ans A.T A | wc -l | tr -d ' ')" 2
check_eq "*.suffix matches a name under it" "$(ans x.y.sfx.t A | ip)" 127.0.0.9
check_eq "*.suffix does not match the suffix itself" "$(status sfx.t A)" NXDOMAIN
check_eq "*.suffix does not match a name merely ending in it" "$(status xsfx.t A)" NXDOMAIN

# ---- faults -----------------------------------------------------------------
check_eq "drop: never answered (udp)" "$(rawq udp $A $PORT drop.t 1 4660)" timeout
check_eq "drop: never answered (tcp)" "$(rawq tcp $A $PORT drop.t 1 4660)" timeout
check_match "drop: dig times out" "$(dg drop.t A)" 'timed out'

normal=$(rawq udp $A $PORT both.t 1 4661)
check_match "reference: a plausible answer" "$normal" '^id=4661 qr=1 aa=1 tc=0 rd=1 ra=1 rcode=0 qd=1 an=1 len=40 qlen=24 sameq=1$'
g1=$(rawhex udp $A $PORT garb.t 1 4662)
g2=$(rawhex udp $A $PORT garb.t 1 4662)
check_eq "garbage: keeps the ID, length of a plausible answer" \
  "$(printf %.4s "$g1") ${#g1}" "1236 80"
check "garbage: random bytes (two replies differ)" [ "$g1" != "$g2" ]
check "garbage: the question is not echoed" [ "$(printf %s "$g1" | cut -c 25-48)" != 046761726201740000010001 ]
check_match "wrongid: ID + 1, otherwise a good answer" "$(rawq udp $A $PORT wid.t 1 4663)" \
  '^id=4664 qr=1 aa=1 tc=0 rd=1 ra=1 rcode=0 qd=1 an=1 len=39 qlen=23 sameq=1$'
check_match "wrongid: dig sees the mismatch" "$(dg wid.t A)" 'ID mismatch'
check_match "wrongquestion: other question, same ID" "$(rawq udp $A $PORT wq.t 1 4665)" \
  '^id=4665 qr=1 aa=1 tc=0 rd=1 ra=1 rcode=0 qd=1 an=1 len=38 qlen=22 sameq=0$'
check_match "wrongquestion: dig sees the mismatch" "$(dg wq.t A)" 'Question section mismatch: got xq.t'
t=$(rawq udp $A $PORT trunc.t 1 4666)
check_match "truncated: cut in the middle of the answer (33 of 41 bytes, an=1)" "$t" \
  '^id=4666 qr=1 aa=1 tc=0 rd=1 ra=1 rcode=0 qd=1 an=1 len=33 qlen=25 sameq=1$'
check_match "truncated: dig reports it malformed" "$(dg trunc.t A)" 'malformed|unexpected end|extra bytes'
check_match "tc over UDP: TC set, no answer records" "$(rawq udp $A $PORT tc.t 16 4667)" \
  '^id=4667 qr=1 aa=1 tc=1 rd=1 ra=1 rcode=0 qd=1 an=0 len=22 qlen=22 sameq=1$'
check_match "tc over TCP: the full answer" "$(rawq tcp $A $PORT tc.t 16 4668)" \
  '^id=4668 qr=1 aa=1 tc=0 rd=1 ra=1 rcode=0 qd=1 an=1 len=43 qlen=22 sameq=1$'
: > "$LOG"
out=$(dg tc.t TXT +noedns)
check_eq "tc: dig retries over TCP and gets the text" "$(printf '%s\n' "$out" | grep -v '^;' | grep -v '^$' | txt)" '"over tcp"'
check_match "tc: dig says it went over TCP" "$out" 'Truncated, retrying in TCP mode'
check_eq "tc: the log shows the UDP then the TCP query" "$(cut -d ' ' -f 1,4,5 "$LOG" | tr '\n' ' ')" \
  "udp tc.t 16 tcp tc.t 16 "
big=$(ans big.t TXT | txt)
check_eq "big 3000: one record" "$(printf '%s\n' "$big" | wc -l | tr -d ' ')" 1
check_eq "big 3000: 3000 bytes of text in 12 strings" \
  "$(printf %s "$big" | tr -d '" ' | wc -c | tr -d ' ') $(printf %s "$big" | tr -cd '"' | wc -c | tr -d ' ')" "3000 24"
check_match "big 3000: over UDP, no TC, more than 512 bytes" "$(rawq udp $A $PORT big.t 16 4669)" \
  '^id=4669 qr=1 aa=1 tc=0 rd=1 ra=1 rcode=0 qd=1 an=1 len=3047 qlen=23 sameq=1$'
check_eq "big: A query gets nodata" "$(status big.t A)/$(ans big.t A)" "NOERROR/"

# ---- delays -----------------------------------------------------------------
t0=$(nowms)
ans slow.t A > "$TMP/slow.out" &
slowpid=$!
sleep 0.1
t1=$(nowms)
quick=$(ans a.t A | wc -l | tr -d ' ')
t2=$(nowms)
wait $slowpid
t3=$(nowms)
check_eq "delay: the delayed answer arrives" "$(ip < "$TMP/slow.out")" 127.0.0.2
check "delay 600: answered after 550..1500 ms (took $((t3 - t0)) ms)" test $((t3 - t0)) -ge 550 -a $((t3 - t0)) -le 1500
check "delay: other queries answered meanwhile ($((t2 - t1)) ms)" test "$quick" = 2 -a $((t2 - t1)) -lt 300
t0=$(nowms)
out=$(ans slow.t A +tcp | ip)
t1=$(nowms)
check "delay over TCP: 550..1500 ms (took $((t1 - t0)) ms)" test "$out" = 127.0.0.2 -a $((t1 - t0)) -ge 550 -a $((t1 - t0)) -le 1500
t0=$(nowms)
out=$(ans slowtc.t A +noedns | ip)
t1=$(nowms)
check "delay + tc: both legs delayed, TCP answer (took $((t1 - t0)) ms)" test "$out" = 127.0.0.7 -a $((t1 - t0)) -ge 550 -a $((t1 - t0)) -le 1800

bg "$FD" -b $A2:$PORT -f "$R" -d 200
D2PID=$LASTPID
wait_dns $A2 $PORT || notok "faultdns -d starts"
t0=$(nowms)
out=$(dig +time=2 +tries=1 -p $PORT @$A2 +short a.t A | head -n 1)
t1=$(nowms)
check "-d 200: a plain answer is delayed 180..1000 ms (took $((t1 - t0)) ms)" test "$out" = 127.0.0.2 -a $((t1 - t0)) -ge 180 -a $((t1 - t0)) -le 1000
t0=$(nowms)
out=$(dig +time=2 +tries=1 -p $PORT @$A2 +short now.t A)
t1=$(nowms)
check "-d 200: a rule's own 'delay 0' wins (took $((t1 - t0)) ms)" test "$out" = 127.0.0.2 -a $((t1 - t0)) -lt 150
# a burst held in the delay queue at once: every query answered, with its own ID
cat > "$TMP/burst.py" <<'EOF'
import socket, struct, sys, time
addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.settimeout(3.0)
def q(i):
    return struct.pack('>HHHHHH', i, 0x0100, 1, 0, 0, 0) + b'\x01a\x01t\x00' + struct.pack('>HH', 1, 1)
for i in range(n):
    s.sendto(q(i), (addr, port))
    if i % 50 == 49: time.sleep(0.002)
seen = set()
try:
    while len(seen) < n:
        r = s.recv(512)
        seen.add(struct.unpack('>H', r[:2])[0])
except socket.timeout:
    pass
print(len(seen), len(seen - set(range(n))))
EOF
check_eq "-d 200: a burst of 2000 delayed queries all answered" "$(python3 "$TMP/burst.py" $A2 $PORT 2000)" "2000 0"
kill -TERM $D2PID; wait $D2PID; rc=$?
check_eq "SIGTERM: clean exit 0" "$rc" 0

# ---- query log --------------------------------------------------------------
: > "$LOG"
id=$(dg MiXeD.a.t TXT | sed -n 's/.*status: [A-Z]*, id: \([0-9]*\)$/\1/p')
check_match "log: PROTO SRC:PORT ID QNAME QTYPE, name as sent" "$(cat "$LOG")" \
  "^udp 127\.0\.0\.1:[0-9]+ $id MiXeD\.a\.t 16$"
dg a.t A +tcp > /dev/null
check_match "log: TCP queries too, qtype as a number" "$(sed -n 2p "$LOG")" '^tcp 127\.0\.0\.1:[0-9]+ [0-9]+ a\.t 1$'
rawq udp $A $PORT drop.t 28 777 > /dev/null
check_match "log: dropped queries are logged" "$(sed -n 3p "$LOG")" '^udp 127\.0\.0\.1:[0-9]+ 777 drop\.t 28$'
check_eq "log: one line per query" "$(wc -l < "$LOG" | tr -d ' ')" 3

# ---- IPv6, signals, bad setup -------------------------------------------
: > "$TMP/log6"
P6PORT=5383
bg "$FD" -b "[::1]:$P6PORT" -f "$R" -l "$TMP/log6"
P6=$LASTPID
wait_dns ::1 $P6PORT || notok "faultdns on [::1] starts"
check_eq "IPv6: answers on [::1]" "$(dig +time=2 +tries=1 -p $P6PORT @::1 +short both.t TXT)" '"both text"'
check_match "IPv6: logged as [::1]:port" "$(tail -n 1 "$TMP/log6")" '^udp \[::1\]:[0-9]+ [0-9]+ both\.t 16$'
kill -INT $P6; wait $P6; rc=$?
check_eq "SIGINT: clean exit 0" "$rc" 0

printf 'x.t A bogus 1.2.3.4\n' > "$TMP/bad1"
printf '# fine\nx.t A a 1.2.3.4\ny.t A txt "unterminated\n' > "$TMP/bad2"
printf 'x.t A a 1.2.3.4 "extra"\n' > "$TMP/bad3"
printf 'x.t A big 70000\n' > "$TMP/bad4"
printf 'x.t MX a 1.2.3.4\n' > "$TMP/bad5"
for b in bad1:1 bad2:3 bad3:1 bad4:1 bad5:1; do
  f=${b%:*} l=${b#*:}
  err=$("$FD" -b 127.83.1.3:$PORT -f "$TMP/$f" 2>&1); rc=$?
  check_match "bad rules $f: exit 100 naming file:line" "$rc $err" "^100 faultdns: fatal: .*$f:$l: "
done
"$FD" -b 10.0.0.1:$PORT -f "$R" 2> /dev/null; rc=$?
check_eq "non-loopback address refused (100)" "$rc" 100
"$FD" -b 127.83.1.3 -f "$R" 2> /dev/null; rc=$?
check_eq "address without port: usage (100)" "$rc" 100
"$FD" -b 127.83.1.3:$PORT 2> /dev/null; rc=$?
check_eq "no rules file: usage (100)" "$rc" 100

check "the main server is still running" kill -0 $FDPID
