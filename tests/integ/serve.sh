#!/bin/sh
# serve.sh: rblserve on 127.83.5.53 port 5355, queried with dig and raw
# packets: answers, TCP, truncation, EDNS0, malformed packets, reloads with
# a client querying throughout, refused bad files, privilege drop, stats.
. "$(dirname "$0")/../lib.sh"

A=127.83.5.53 P=5355
D="dig +tries=1 +time=2 +norec -p $P @$A"

# files with a correct "# CKSUM: crc bytes" trailer
withsum() { cat > "$1"; printf '# CKSUM: %s\n' "$(cksum < "$1" | cut -d' ' -f1,2)" >> "$1"; }

withsum "$TMP/ip4" <<'EOF'
$SOA 3600 ns1.bl.test. hostmaster.bl.test. 42 1h 10m 1w 5m
$NS 7200 ns1.bl.test ns2.elsewhere.test
:127.0.0.2:Listed $, see http://bl.test/$
127.0.0.2
127.0.0.3
10.1.0.0/16 :4:Range $
EOF
withsum "$TMP/ip6" <<'EOF'
:127.0.0.6:v6 $
2001:db8::/32
EOF
withsum "$TMP/dn" <<'EOF'
:127.0.1.2:Domain $
.example.com
*.wild.test
spam.test
EOF
withsum "$TMP/gen" <<'EOF'
ns1 A 127.0.0.53
@ TXT bl.test test list
EOF
for c in A B C; do
  t=$(printf '%0200d' 0 | tr 0 "$c")
  withsum "$TMP/big$c" <<EOF
:127.0.0.$(printf %d "'$c"):$t \$
127.0.0.2
EOF
done
mkdir "$TMP/stats" && chmod 777 "$TMP/stats"

SERVE="$BIN/rblserve -n -b $A/$P -w $TMP -c 1 -s stats/statsfile -l +stats/querylog -N 3 bl.test:ip4set:ip4 bl.test:ip6trie:ip6 bl.test:generic:gen dbl.test:dnset:dn big.test:ip4set:bigA big.test:ip4set:bigB big.test:ip4set:bigC"
bg sh -c "exec $SERVE 3>'$TMP/ready' 2>'$TMP/log'"
SPID=$LASTPID
wait_dns $A $P || { notok "rblserve starts"; cat "$TMP/log"; exit 1; }
ok "rblserve starts"
check_eq "readiness newline on the -N fd" "$(od -An -c "$TMP/ready" | tr -d ' ')" '\n'
RPID=$(pgrep -P "$SPID" -x rblserve || echo "$SPID")
check_eq "runs as rbldns after start" "$(awk '/^Uid:/ {print $2 "," $3 "," $4}' /proc/$RPID/status)" \
  "$(id -u rbldns),$(id -u rbldns),$(id -u rbldns)"
check_match "logs the load" "$(cat "$TMP/log")" 'rblserve: info: zones reloaded, time [0-9]+\.[0-9]+e/[0-9]+\.[0-9]+u sec'

ans() { $D +short "$@" 2>&1 | tr '\n' ' ' | sed 's/ $//'; }
status() { $D "$@" 2>&1 | sed -n 's/.*status: \([A-Z]*\).*/\1/p'; }
flags() { $D "$@" 2>&1 | sed -n 's/.*flags: \([a-z ]*\);.*/\1/p'; }

check_eq "listed IPv4: A" "$(ans 2.0.0.127.bl.test)" "127.0.0.2"
check_eq "listed IPv4: TXT with \$" "$(ans 2.0.0.127.bl.test TXT)" '"Listed 127.0.0.2, see http://bl.test/127.0.0.2"'
check_eq "CIDR range" "$(ans 9.8.1.10.bl.test TXT)" '"Range 10.1.8.9"'
check_eq "unlisted IPv4: NXDOMAIN" "$(status 1.0.0.127.bl.test)" NXDOMAIN
check_match "NXDOMAIN carries the SOA with its minimum TTL" "$($D 1.0.0.127.bl.test | grep -A1 'AUTHORITY SECTION' | tail -1)" \
  '^bl\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+SOA[[:space:]]+ns1\.bl\.test\. hostmaster\.bl\.test\. 42 3600 600 604800 300$'
check_eq "flags of an answer" "$(flags 2.0.0.127.bl.test)" "qr aa"
check_match "NS in the authority section of a positive answer" "$($D 2.0.0.127.bl.test | grep -c 'IN[[:space:]]NS')" '^2$'
N6=1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2
check_eq "listed IPv6" "$(ans $N6.bl.test TXT)" '"v6 2001:db8::1"'
check_eq "unlisted IPv6" "$(status 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.9.b.d.0.1.0.0.2.bl.test)" NXDOMAIN
check_eq "dnset name" "$(ans spam.test.dbl.test TXT)" '"Domain spam.test"'
check_eq "dnset .domain covers itself" "$(ans example.com.dbl.test)" "127.0.1.2"
check_eq "dnset .domain covers subdomains" "$(ans a.b.example.com.dbl.test)" "127.0.1.2"
check_eq "dnset *.domain covers subdomains" "$(ans x.wild.test.dbl.test)" "127.0.1.2"
check_eq "dnset *.domain not itself" "$(status wild.test.dbl.test)" NXDOMAIN
check_eq "apex SOA" "$(ans bl.test SOA)" "ns1.bl.test. hostmaster.bl.test. 42 3600 600 604800 300"
check_eq "apex NS" "$(ans bl.test NS | tr ' ' '\n' | sort | tr '\n' ' ')" "ns1.bl.test. ns2.elsewhere.test. "
check_match "glue for ns1.bl.test" "$($D bl.test NS | grep -A3 'ADDITIONAL SECTION')" 'ns1\.bl\.test\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+127\.0\.0\.53'
check_eq "apex without \$SOA: REFUSED" "$(status dbl.test SOA)" REFUSED
check_eq "ANY on a listed name" "$($D +notcp +short 2.0.0.127.bl.test ANY | sort | tr '\n' ' ')" '"Listed 127.0.0.2, see http://bl.test/127.0.0.2" 127.0.0.2 '
check_eq "outside our zones: REFUSED" "$(status 2.0.0.127.zen.example)" REFUSED
check_eq "AAAA of a listed name: NOERROR, no data" "$(status 2.0.0.127.bl.test AAAA)/$(ans 2.0.0.127.bl.test AAAA)" "NOERROR/"
check_eq "TCP" "$($D +tcp +short 2.0.0.127.bl.test)" "127.0.0.2"
check_eq "TCP unlisted" "$(status +tcp 1.0.0.127.bl.test)" NXDOMAIN

cat > "$TMP/tcp2.py" <<'EOF'
import socket, struct, sys
def q(qid, name):
  p = struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0) + b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0\0\1\0\1"
  return struct.pack(">H", len(p)) + p
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
s.sendall(q(1, "2.0.0.127.bl.test") + q(2, "1.0.0.127.bl.test"))
data = b""
def complete(d):
  k = 0
  for i in range(2):
    if len(d) < k + 2 or len(d) < k + 2 + (d[k] << 8 | d[k + 1]): return False
    k += 2 + (d[k] << 8 | d[k + 1])
  return True
while not complete(data):
  r = s.recv(4096)
  if not r: break
  data += r
out = []
while len(data) >= 2:
  n = data[0] << 8 | data[1]
  m = data[2:2 + n]
  out.append("id %d rcode %d" % (m[0] << 8 | m[1], m[3] & 15))
  data = data[2 + n:]
print(", ".join(out))
EOF
check_eq "two queries pipelined on one TCP connection" "$(timeout 10 python3 "$TMP/tcp2.py" $A $P)" "id 1 rcode 0, id 2 rcode 3"

# three 200-byte TXT records: 700 bytes
check_match "too big for 512 bytes: TC over UDP" "$(flags +ignore +noedns 2.0.0.127.big.test TXT)" 'tc'
check_eq "complete over TCP" "$($D +tcp +short 2.0.0.127.big.test TXT | wc -l)" 3
check_eq "dig falls back to TCP by itself" "$($D +noedns +short 2.0.0.127.big.test TXT | wc -l)" 3
check_eq "EDNS0 1232: complete over UDP" "$($D +bufsize=1232 +ignore +short 2.0.0.127.big.test TXT | wc -l)" 3
check_match "EDNS0 600: TC" "$(flags +bufsize=600 +ignore 2.0.0.127.big.test TXT)" 'tc'
check_eq "EDNS0 512 means 512" "$(flags +bufsize=512 +ignore 2.0.0.127.big.test TXT)" "qr tc"
check_match "version.bind CH TXT" "$($D +short version.bind CH TXT)" '^"rblserve'

# malformed packets: no answer, and the server keeps answering
cat > "$TMP/raw.py" <<'EOF'
import socket, sys
addr, port = sys.argv[1], int(sys.argv[2])
q = bytes.fromhex("abcd010000010000000000000132013001300331323702626c047465737400000100 01".replace(" ", ""))
cases = {
  "truncated header": q[:7],
  "qdcount 0": q[:4] + b"\0\0" + q[6:],
  "qdcount 2": q[:4] + b"\0\2" + q[6:],
  "compression loop": q[:12] + b"\xc0\x0c\0\1\0\1",
  "label past the end": q[:12] + b"\x3f" + b"a" * 10,
  "a response": q[:2] + b"\x81" + q[3:],
  "empty": b"",
}
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.3)
for name, pkt in cases.items():
  s.sendto(pkt, (addr, port))
  try:
    s.recvfrom(4096)
    print("answered: " + name)
  except socket.timeout:
    print("dropped: " + name)
s.sendto(q, (addr, port))
s.settimeout(2)
r = s.recvfrom(4096)[0]
print("then answered: id %02x%02x rcode %d an %d" % (r[0], r[1], r[3] & 15, r[7]))
EOF
out=$(timeout 20 python3 "$TMP/raw.py" $A $P)
check_eq "malformed packets are dropped" "$(printf '%s\n' "$out" | grep -c '^dropped: ')" 7
check_eq "the server keeps answering" "$(printf '%s\n' "$out" | tail -1)" "then answered: id abcd rcode 0 an 1"

# reloads with a client querying throughout: no query lost, no wrong answer
cat > "$TMP/loop.py" <<'EOF'
import socket, struct, sys, time
addr, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
def q(qid, name):
  return struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0) + b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0\0\1\0\1"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1.0)
sent = lost = wrong = 0
end = time.time() + secs
while time.time() < end:
  sent += 1
  qid = sent & 0xffff
  s.sendto(q(qid, "2.0.0.127.bl.test"), (addr, port))
  try:
    while True:
      r = s.recvfrom(4096)[0]
      if r[0] << 8 | r[1] == qid: break
    n = len(q(qid, "2.0.0.127.bl.test"))
    if r[3] & 15 != 0 or r[7] != 1 or r[n + 10:n + 16] != bytes([0, 4, 127, 0, 0, 2]): wrong += 1
  except socket.timeout:
    lost += 1
  time.sleep(0.002)
print("sent %d lost %d wrong %d" % (sent, lost, wrong))
EOF
check_eq "before the reload: not listed" "$(status 4.0.0.127.bl.test)" NXDOMAIN
timeout 30 python3 "$TMP/loop.py" $A $P 4 > "$TMP/loop1" &
LOOP=$!
sleep 0.5
sed 's/^127\.0\.0\.3$/127.0.0.4/' "$TMP/ip4" | grep -v CKSUM | withsum "$TMP/ip4.new"
mv "$TMP/ip4.new" "$TMP/ip4"
kill -HUP "$SPID"
sleep 1
check_eq "after SIGHUP: the new entry" "$(ans 4.0.0.127.bl.test TXT)" '"Listed 127.0.0.4, see http://bl.test/127.0.0.4"' 
check_eq "after SIGHUP: the removed entry" "$(status 3.0.0.127.bl.test)" NXDOMAIN
sed 's/^127\.0\.0\.4$/127.0.0.5/' "$TMP/ip4" | grep -v CKSUM | withsum "$TMP/ip4.new"
mv "$TMP/ip4.new" "$TMP/ip4"
touch "$TMP/ip4"
sleep 2.5
check_eq "after -c 1: the new entry" "$(ans 5.0.0.127.bl.test)" "127.0.0.2"
wait $LOOP
check_match "no query lost or wrong during the reloads" "$(cat "$TMP/loop1")" '^sent [1-9][0-9]+ lost 0 wrong 0$'
check_match "reloads logged" "$(grep -c 'zones reloaded' "$TMP/log")" '^[3-9]$'

# bad files keep the old data, with a client querying throughout
timeout 30 python3 "$TMP/loop.py" $A $P 6 > "$TMP/loop2" &
LOOP=$!
sleep 0.3
cp "$TMP/ip4" "$TMP/ip4.good"
grep -v CKSUM "$TMP/ip4.good" | sed 's/^127\.0\.0\.5$/127.0.0.6/' > "$TMP/ip4.new"
echo '# CKSUM: 1234 56' >> "$TMP/ip4.new"
mv "$TMP/ip4.new" "$TMP/ip4"
kill -HUP "$SPID"
sleep 1
check_eq "bad CKSUM: the old data still served" "$(ans 5.0.0.127.bl.test)/$(status 6.0.0.127.bl.test)" "127.0.0.2/NXDOMAIN"
check_match "bad CKSUM: logged with the file" "$(grep warning "$TMP/log" | tail -3)" 'rblserve: warning: ip4.*(CKSUM|cksum|checksum)'
# cut short before its CKSUM line: the byte count no longer matches
{ grep -v CKSUM "$TMP/ip4.good" | head -c 100; echo; grep CKSUM "$TMP/ip4.good"; } > "$TMP/ip4.new"
mv "$TMP/ip4.new" "$TMP/ip4"
kill -HUP "$SPID"
sleep 1
check_eq "truncated file: the old data still served" "$(ans 5.0.0.127.bl.test)" "127.0.0.2"
check_eq "one 'unable to load' line per failed load" "$(grep -c 'rblserve: warning: ip4: unable to load ip4set dataset: .*; still serving the data loaded before$' "$TMP/log")" 2
cp "$TMP/ip4.good" "$TMP/ip4"
kill -HUP "$SPID"
sleep 1
check_eq "the good file back" "$(ans 5.0.0.127.bl.test TXT)" '"Listed 127.0.0.5, see http://bl.test/127.0.0.5"' 
# a bad line in an intact file: skipped with file and line, the rest loads
{ grep -v CKSUM "$TMP/ip4.good"; echo '127.0.0.300'; echo '127.0.0.7'; } | withsum "$TMP/ip4.new"
mv "$TMP/ip4.new" "$TMP/ip4"
kill -HUP "$SPID"
sleep 1
check_eq "bad line: the lines around it load" "$(ans 7.0.0.127.bl.test)/$(ans 5.0.0.127.bl.test)" "127.0.0.2/127.0.0.2"
check_match "bad line: warned with file and line number" "$(grep 'warning: ip4:[0-9]*: ' "$TMP/log" | tail -1)" \
  '^rblserve: warning: ip4:[0-9]+: '
mv "$TMP/ip4.good" "$TMP/ip4"
kill -HUP "$SPID"
sleep 1
check_eq "restored: the bad line's neighbour gone again" "$(status 7.0.0.127.bl.test)" NXDOMAIN
wait $LOOP
check_match "no query lost or wrong while bad files came and went" "$(cat "$TMP/loop2")" '^sent [1-9][0-9]+ lost 0 wrong 0$'

check_match "query log in rbldnsd's format" "$(grep ' 2.0.0.127.bl.test A IN: ' "$TMP/stats/querylog" | head -1)" \
  '^[0-9]+ 127\.0\.0\.1 2\.0\.0\.127\.bl\.test A IN: NOERROR/1/[0-9]+$'

# statistics
kill -USR1 "$SPID"
sleep 0.3
check_match "SIGUSR1: per-zone statistics" "$(grep 'stats: bl.test:' "$TMP/log" | tail -1)" \
  '^rblserve: info: stats: bl\.test: queries [1-9][0-9]* hits [1-9][0-9]* misses [1-9][0-9]* errors [0-9]+$'
check_match "statsfile in rbldnsd's format" "$(tail -1 "$TMP/stats/statsfile")" \
  '^[0-9]+ bl\.test:[0-9]+:[0-9]+:[0-9]+:[0-9]+:[0-9]+ dbl\.test:[0-9:]+ big\.test:[0-9:]+ \*:[0-9]+:[0-9]+:[0-9]+:[0-9]+:[0-9]+$'

kill -TERM "$SPID"
i=0; while kill -0 "$SPID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "stops on SIGTERM" sh -c "! kill -0 $SPID 2>/dev/null"
check_eq "no sanitizer reports" "$(grep -c 'Sanitizer\|runtime error' "$TMP/log")" 0

# command line
out=$("$BIN/rblserve" -b $A/$P -d bl.test:ip4set:ip4 2>&1); rc=$?
check_eq "-d: not supported, exit 100" "$rc: $out" "100: rblserve: fatal: -d (dump zones in BIND format) is not supported"
out=$("$BIN/rblserve" -b $A/$P -u root bl.test:ip4set:ip4 2>&1); rc=$?
check_match "refuses to run as root" "$rc: $out" '^100: rblserve: fatal: refusing to run as root'
out=$("$BIN/rblserve" -b $A/$P bl.test:nosuch:ip4 2>&1); rc=$?
check_match "unknown dataset type" "$rc: $out" '^100: rblserve: fatal: invalid zone specification bl\.test:nosuch:ip4: unknown dataset type'
out=$("$BIN/rblserve" -b $A/$P -x foo.so bl.test:ip4set:ip4 2>&1); rc=$?
check_match "-x refused" "$rc: $out" '^100: rblserve: fatal: -x and -X'
out=$(cd "$TMP" && "$BIN/rblserve" -b $A/$P -w "$TMP" bl.test:ip4set:nosuchfile 2>&1); rc=$?
check_eq "initial load failure is fatal" "$rc: $(printf '%s\n' "$out" | tail -1)" "111: rblserve: fatal: initial load failed"
check_match "initial load failure names the file" "$out" '^rblserve: warning: nosuchfile: unable to load ip4set dataset: '
