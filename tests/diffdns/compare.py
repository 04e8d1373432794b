#!/usr/bin/env python3
"""compare.py: asks two DNS servers the same queries over UDP and reports
every difference in their answers (python3 stdlib only, loopback only).

    compare.py [options] SERVER_A SERVER_B [QUERYFILE]

SERVER is ADDR:PORT or ADDR/PORT (rbldnsd's spelling), a loopback address.
QUERYFILE (default: standard input) is what querygen.py writes, one query a
line, fields separated by TABs:

    AREA  NAME  TYPE  CLASS  [key=value ...]

AREA names the query class (e.g. "ip4set.excluded"); NAME is a domain name
in presentation form ("\\." and "\\DDD" escapes; a label may be longer than
63 bytes, which makes a malformed query on purpose); TYPE and CLASS are
mnemonics (A, TXT, CH, ...) or TYPEnnn / CLASSnnn. Keys:
    src=ADDR   send from this loopback source address (acl tests)
    rd=0|1     recursion desired bit (default 0)
    flags=N    extra header flag bits or-ed in (e.g. 0x0010 = CD)
    opcode=N   opcode (default 0)
    qd=N       QDCOUNT to claim (the question is still sent once; 0 = none)
    edns=N     add an OPT record with this UDP payload size
    ednsttl=N  the OPT record's TTL field (extended rcode, version, DO bit)
    hex=BYTES  send these bytes instead (the first two are replaced by the ID)
    cut=N      send only the first N bytes of the packet
Blank lines and lines starting with '#' are ignored.

Every query goes to both servers from the same source address with the same
ID. Each reply is decoded with this file's own decoder and compared: whether
there was a reply, ID, QR, opcode, AA, TC, RD, RA, Z, AD, CD, rcode, the
question section, and the answer, authority and additional sections as
multisets of (name, type, class, TTL, rdata). No reply within --timeout
(one resend) counts as "no reply", which is a valid answer (acl :ignore).

Deliberate differences can be tolerated with --tolerate FILE, one per line:

    AREA-GLOB  NAME-GLOB  TYPE-GLOB  FIELDS  reason text (required)

FIELDS is a comma list of: reply id qr opcode aa tc rd ra z ad cd rcode
question answer authority additional all. A difference in a listed field of
a matching query is counted as tolerated, not as a difference. Names match
case-insensitively, without the final dot.

Output: per area "AREA: N queries, M differ" (or with --tap "ok - AREA (N
queries)" / "not ok - AREA: M of N differ"), then for each difference (at
most --show per area) the query, the header and section counts of both
answers, the names of the fields that differ, and the records found in only
one of them ("-" first server, "+" second).
Exit status: 0 no untolerated difference, 1 some, 100 usage or bad input
file, 111 could not run (no socket, a server answered nothing at all).
"""

import argparse
import errno
import fnmatch
import select
import socket
import struct
import sys
import time

TYPES = {"A": 1, "NS": 2, "MD": 3, "MF": 4, "CNAME": 5, "SOA": 6, "MB": 7, "MG": 8, "MR": 9,
         "NULL": 10, "WKS": 11, "PTR": 12, "HINFO": 13, "MINFO": 14, "MX": 15, "TXT": 16,
         "RP": 17, "AFSDB": 18, "SIG": 24, "KEY": 25, "AAAA": 28, "LOC": 29, "SRV": 33,
         "NAPTR": 35, "KX": 36, "CERT": 37, "A6": 38, "DNAME": 39, "OPT": 41, "DS": 43,
         "SSHFP": 44, "RRSIG": 46, "NSEC": 47, "DNSKEY": 48, "NSEC3": 50, "TLSA": 52,
         "SVCB": 64, "HTTPS": 65, "SPF": 99, "TKEY": 249, "TSIG": 250, "IXFR": 251,
         "AXFR": 252, "MAILB": 253, "MAILA": 254, "ANY": 255, "URI": 256, "CAA": 257}
TYPENAME = {v: k for k, v in TYPES.items()}
CLASSES = {"IN": 1, "CH": 3, "HS": 4, "NONE": 254, "ANY": 255}
CLASSNAME = {v: k for k, v in CLASSES.items()}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED",
          6: "YXDOMAIN", 7: "YXRRSET", 8: "NXRRSET", 9: "NOTAUTH", 10: "NOTZONE"}
FIELDS = ("reply", "id", "qr", "opcode", "aa", "tc", "rd", "ra", "z", "ad", "cd", "rcode",
          "question", "answer", "authority", "additional")
SECTIONS = ("answer", "authority", "additional")
SECTAG = {"answer": "AN", "authority": "NS", "additional": "AR"}


class BadInput(Exception):
    pass


# ------------------------------------------------------------------ encoding


def parse_name(text):
    """Presentation form -> list of label bytes. Escapes: \\. \\\\ \\DDD.
    No length limits: over-long labels are wanted for malformed queries."""
    if text in (".", ""):
        return []
    labels, cur, i = [], bytearray(), 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            if len(text[i + 1:i + 4]) == 3 and text[i + 1:i + 4].isdigit():
                cur.append(int(text[i + 1:i + 4]) & 255)
                i += 4
                continue
            if i + 1 >= len(text):
                raise BadInput(f"name ends in a backslash: {text!r}")
            cur += text[i + 1].encode("latin-1")
            i += 2
            continue
        if c == ".":
            if not cur:
                raise BadInput(f"empty label in {text!r}")
            labels.append(bytes(cur))
            cur = bytearray()
        else:
            cur += c.encode("latin-1")
        i += 1
    if cur:
        labels.append(bytes(cur))
    return labels


def wire_name(labels):
    return b"".join(bytes([len(l) & 255]) + l for l in labels) + b"\0"


def rrtype(text):
    t = text.upper()
    if t in TYPES:
        return TYPES[t]
    if t.startswith("TYPE") and t[4:].isdigit():
        return int(t[4:]) & 0xFFFF
    raise BadInput(f"unknown type {text!r}")


def rrclass(text):
    c = text.upper()
    if c in CLASSES:
        return CLASSES[c]
    if c.startswith("CLASS") and c[5:].isdigit():
        return int(c[5:]) & 0xFFFF
    raise BadInput(f"unknown class {text!r}")


class Query:
    __slots__ = ("line", "area", "name", "qtype", "qclass", "src", "opts", "packet", "qid",
                 "sent", "tries", "replies", "done")

    def __init__(self, line, area, name, qtype, qclass, src, opts):
        self.line, self.area, self.name = line, area, name
        self.qtype, self.qclass, self.src, self.opts = qtype, qclass, src, opts
        self.replies = [None, None]
        self.tries = 0
        self.done = False

    def build(self, qid):
        o = self.opts
        self.qid = qid
        if "hex" in o:
            raw = bytes.fromhex(o["hex"])
            pkt = struct.pack(">H", qid) + raw[2:]
        else:
            flags = (int(o.get("opcode", "0"), 0) & 15) << 11
            if o.get("rd", "0") == "1":
                flags |= 0x0100
            flags |= int(o.get("flags", "0"), 0) & 0xFFFF
            qd = int(o.get("qd", "1"), 0)
            edns = o.get("edns")
            pkt = struct.pack(">HHHHHH", qid, flags, qd, 0, 0, 1 if edns else 0)
            if qd:
                pkt += wire_name(parse_name(self.name)) + struct.pack(">HH", self.qtype, self.qclass)
            if edns:
                pkt += b"\0" + struct.pack(">HHIH", 41, int(edns, 0),
                                            int(o.get("ednsttl", "0"), 0) & 0xFFFFFFFF, 0)
        if "cut" in o:
            pkt = pkt[:int(o["cut"], 0)]
        self.packet = pkt
        return pkt

    def describe(self):
        extra = " ".join(f"{k}={v}" for k, v in self.opts.items())
        src = f" from {self.src}" if self.src else ""
        t = TYPENAME.get(self.qtype, f"TYPE{self.qtype}")
        c = CLASSNAME.get(self.qclass, f"CLASS{self.qclass}")
        return f"{self.name} {t} {c}{src}" + (f" [{extra}]" if extra else "")


def read_queries(f):
    out = []
    for n, raw in enumerate(f, 1):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        p = line.split("\t")
        if len(p) < 4:
            raise BadInput(f"query line {n}: want AREA NAME TYPE CLASS: {line!r}")
        opts = {}
        for kv in p[4:]:
            if "=" not in kv:
                raise BadInput(f"query line {n}: option without '=': {kv!r}")
            k, v = kv.split("=", 1)
            if k not in ("src", "rd", "flags", "opcode", "qd", "edns", "ednsttl", "hex", "cut"):
                raise BadInput(f"query line {n}: unknown option {k!r}")
            opts[k] = v
        src = opts.pop("src", None)
        if src and not src.startswith("127."):
            raise BadInput(f"query line {n}: source {src} is not a loopback address")
        try:
            q = Query(n, p[0], p[1], rrtype(p[2]), rrclass(p[3]), src, opts)
            q.build(0)   # reject bad names and options now, not mid-run
        except (ValueError, BadInput) as e:
            raise BadInput(f"query line {n}: {e}")
        out.append(q)
    return out


# ------------------------------------------------------------------ decoding


class Malformed(Exception):
    pass


def show_label(l):
    out = []
    for b in l:
        c = chr(b)
        if c in ".\\":
            out.append("\\" + c)
        elif 33 <= b <= 126:
            out.append(c)
        else:
            out.append(f"\\{b:03d}")
    return "".join(out)


def get_name(msg, off):
    """(name text with final dot, offset after the name in place)."""
    labels, end, jumps, total = [], None, 0, 0
    while True:
        if off >= len(msg):
            raise Malformed("name runs past the end")
        b = msg[off]
        if b & 0xC0 == 0xC0:
            if off + 1 >= len(msg):
                raise Malformed("pointer runs past the end")
            if end is None:
                end = off + 2
            jumps += 1
            if jumps > 64:
                raise Malformed("compression loop")
            off = ((b & 0x3F) << 8) | msg[off + 1]
            continue
        if b & 0xC0:
            raise Malformed(f"label type 0x{b & 0xC0:02x}")
        off += 1
        if b == 0:
            break
        if off + b > len(msg):
            raise Malformed("label runs past the end")
        labels.append(msg[off:off + b])
        total += b + 1
        off += b
    if total + 1 > 255:
        raise Malformed("name longer than 255")
    return ".".join(show_label(l) for l in labels) + ".", (end if end is not None else off)


def txt_strings(rd):
    out, i = [], 0
    while i < len(rd):
        n = rd[i]
        if i + 1 + n > len(rd):
            raise Malformed("TXT string runs past rdata")
        s = rd[i + 1:i + 1 + n]
        out.append('"' + "".join(chr(b) if 32 <= b <= 126 and b not in (34, 92) else
                                 ("\\" + chr(b) if b in (34, 92) else f"\\{b:03d}") for b in s) + '"')
        i += 1 + n
    return " ".join(out)


def rdata_text(msg, off, rdlen, t):
    rd = msg[off:off + rdlen]
    end = off + rdlen

    def names(o, k):
        res = []
        for _ in range(k):
            n, o = get_name(msg, o)
            res.append(n)
        return res, o

    if t == 1:
        if rdlen != 4:
            raise Malformed("A rdata not 4 bytes")
        return ".".join(str(b) for b in rd)
    if t == 28:
        if rdlen != 16:
            raise Malformed("AAAA rdata not 16 bytes")
        return socket.inet_ntop(socket.AF_INET6, rd)
    if t in (2, 5, 12, 39):
        (n,), o = names(off, 1)
        if o != end:
            raise Malformed("name rdata length mismatch")
        return n
    if t == 15:
        if rdlen < 3:
            raise Malformed("short MX")
        (n,), o = names(off + 2, 1)
        if o != end:
            raise Malformed("MX rdata length mismatch")
        return f"{struct.unpack('>H', rd[:2])[0]} {n}"
    if t == 6:
        (m, r), o = names(off, 2)
        if o + 20 != end:
            raise Malformed("SOA rdata length mismatch")
        return f"{m} {r} " + " ".join(str(x) for x in struct.unpack(">IIIII", msg[o:o + 20]))
    if t in (16, 99):
        return txt_strings(rd)
    return "\\# %d %s" % (rdlen, rd.hex())


class Reply:
    """A decoded reply, or one that could not be decoded (self.error)."""

    def __init__(self, msg):
        self.raw = msg
        self.error = None
        self.sections = {s: [] for s in SECTIONS}
        self.question = []
        try:
            self._decode(msg)
        except (Malformed, struct.error, IndexError, ValueError) as e:
            self.error = str(e)

    def _decode(self, msg):
        if len(msg) < 12:
            raise Malformed(f"reply of {len(msg)} bytes")
        self.id, fl, qd, an, ns, ar = struct.unpack(">HHHHHH", msg[:12])
        self.flags = fl
        self.hdr = dict(id=self.id, qr=fl >> 15, opcode=(fl >> 11) & 15, aa=(fl >> 10) & 1,
                        tc=(fl >> 9) & 1, rd=(fl >> 8) & 1, ra=(fl >> 7) & 1, z=(fl >> 6) & 1,
                        ad=(fl >> 5) & 1, cd=(fl >> 4) & 1, rcode=fl & 15)
        off = 12
        for _ in range(qd):
            n, off = get_name(msg, off)
            if off + 4 > len(msg):
                raise Malformed("question runs past the end")
            t, c = struct.unpack(">HH", msg[off:off + 4])
            off += 4
            self.question.append(f"{n} {CLASSNAME.get(c, f'CLASS{c}')} {TYPENAME.get(t, f'TYPE{t}')}")
        for sec, cnt in zip(SECTIONS, (an, ns, ar)):
            for _ in range(cnt):
                n, off = get_name(msg, off)
                if off + 10 > len(msg):
                    raise Malformed("RR header runs past the end")
                t, c, ttl, rdlen = struct.unpack(">HHIH", msg[off:off + 10])
                off += 10
                if off + rdlen > len(msg):
                    raise Malformed("rdata runs past the end")
                if t == 41:
                    rr = f"{n} OPT payload={c} ext-rcode/flags={ttl:08x} " + rd_hex(msg[off:off + rdlen])
                else:
                    rr = (f"{n} {ttl} {CLASSNAME.get(c, f'CLASS{c}')} "
                          f"{TYPENAME.get(t, f'TYPE{t}')} {rdata_text(msg, off, rdlen, t)}")
                self.sections[sec].append(rr)
                off += rdlen
        if off != len(msg):
            raise Malformed(f"{len(msg) - off} bytes after the last record")

    def head(self):
        """Header flags, rcode and section counts, in one short line."""
        if self.error:
            return f"undecodable ({self.error}): {self.raw[:48].hex()}"
        h = self.hdr
        bits = [k for k in ("qr", "aa", "tc", "rd", "ra", "z", "ad", "cd") if h[k]]
        s = f"{RCODES.get(h['rcode'], h['rcode'])} {' '.join(bits)}".rstrip()
        if h["opcode"]:
            s += f" opcode={h['opcode']}"
        return s + ", " + ", ".join(f"{SECTAG[x]} {len(self.sections[x])}" for x in SECTIONS)

    def records(self):
        return [(x, r) for x in SECTIONS for r in sorted(self.sections[x])]


def rd_hex(b):
    return b.hex() if b else ""


def short(rr, limit=110):
    return rr if len(rr) <= limit else rr[:limit - 3] + "..."


# ------------------------------------------------------------------ comparing


def diff_fields(a, b):
    """Names of the fields in which two replies (or None for no reply) differ,
    with a readable line for each."""
    out = []
    if a is None or b is None:
        if (a is None) != (b is None):
            out.append(("reply", "no reply from " + ("A" if a is None else "B")))
        return out
    if a.error or b.error:
        if a.raw != b.raw:
            out.append(("reply", "undecodable reply"))
        return out
    for k in ("id", "qr", "opcode", "aa", "tc", "rd", "ra", "z", "ad", "cd", "rcode"):
        if a.hdr[k] != b.hdr[k]:
            va, vb = a.hdr[k], b.hdr[k]
            if k == "rcode":
                va, vb = RCODES.get(va, va), RCODES.get(vb, vb)
            out.append((k, f"{k}: {va} vs {vb}"))
    if a.question != b.question:
        out.append(("question", f"question: {a.question} vs {b.question}"))
    for sec in SECTIONS:
        la, lb = sorted(a.sections[sec]), sorted(b.sections[sec])
        if la != lb:
            ca, cb = {}, {}
            for r in la:
                ca[r] = ca.get(r, 0) + 1
            for r in lb:
                cb[r] = cb.get(r, 0) + 1
            onlya = [f"{r} (x{ca[r] - cb.get(r, 0)})" if ca[r] - cb.get(r, 0) > 1 else r
                     for r in ca if ca[r] > cb.get(r, 0)]
            onlyb = [f"{r} (x{cb[r] - ca.get(r, 0)})" if cb[r] - ca.get(r, 0) > 1 else r
                     for r in cb if cb[r] > ca.get(r, 0)]
            out.append((sec, (sec, onlya, onlyb)))
    return out


class Tolerance:
    def __init__(self, line, area, name, qtype, fields, reason):
        self.line, self.area, self.name, self.qtype = line, area, name, qtype
        self.fields, self.reason, self.used = fields, reason, 0

    def matches(self, q):
        t = TYPENAME.get(q.qtype, f"TYPE{q.qtype}")
        return (fnmatch.fnmatchcase(q.area, self.area)
                and fnmatch.fnmatchcase(q.name.lower().rstrip("."), self.name.lower().rstrip("."))
                and fnmatch.fnmatchcase(t, self.qtype.upper()))


def read_tolerances(path):
    out = []
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            p = line.split(None, 4)
            if len(p) < 5 or not p[4].strip():
                raise BadInput(f"{path}:{n}: want AREA NAME TYPE FIELDS REASON")
            fields = set(p[3].split(","))
            bad = fields - set(FIELDS) - {"all"}
            if bad:
                raise BadInput(f"{path}:{n}: unknown field(s) {','.join(sorted(bad))}")
            if "all" in fields:
                fields = set(FIELDS)
            out.append(Tolerance(n, p[0], p[1], p[2], fields, p[4].strip()))
    return out


# ------------------------------------------------------------------ sending


def parse_server(s):
    for sep in ("/", ":"):
        if sep in s:
            a, p = s.rsplit(sep, 1)
            break
    else:
        a, p = s, "53"
    if not a.startswith("127."):
        raise BadInput(f"server {s}: only loopback (127.0.0.0/8) servers are allowed")
    socket.inet_aton(a)
    return a, int(p)


class Runner:
    """Keeps up to `window` queries in flight to both servers, per source
    address one socket; replies are matched by (server, ID)."""

    def __init__(self, servers, window, timeout, resends):
        self.servers = servers
        self.window = window
        self.timeout = timeout
        self.resends = resends
        self.socks = {}
        self.inflight = {}   # (src, id) -> query
        self.free_ids = {}

    def sock(self, src):
        key = src or ""
        if key not in self.socks:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            s.bind((src or "127.0.0.1", 0))
            s.setblocking(False)
            self.socks[key] = s
            self.free_ids[key] = list(range(65535, 0, -1))
        return self.socks[key]

    def send(self, q):
        s = self.sock(q.src)
        pkt = q.packet
        for addr in self.servers:
            if q.replies[self.servers.index(addr)] is None:
                try:
                    s.sendto(pkt, addr)
                except OSError as e:
                    if e.errno not in (errno.ECONNREFUSED, errno.EAGAIN):
                        raise
        q.sent = time.monotonic()
        q.tries += 1

    def run(self, queries, progress=None):
        pending = list(reversed(queries))
        byfd = {}
        t_end_all = time.monotonic() + max(60.0, len(queries) * 0.05)
        while pending or self.inflight:
            if time.monotonic() > t_end_all:
                raise RuntimeError("run took too long; giving up")
            while pending and len(self.inflight) < self.window:
                q = pending.pop()
                key = q.src or ""
                self.sock(q.src)
                qid = self.free_ids[key].pop()
                q.build(qid)
                self.inflight[(key, qid)] = q
                self.send(q)
            for k, s in self.socks.items():
                byfd[s.fileno()] = (k, s)
            now = time.monotonic()
            nearest = min((q.sent + self.timeout for q in self.inflight.values()), default=now)
            r, _, _ = select.select([s for _, s in byfd.values()], [], [], max(0.0, min(0.2, nearest - now)))
            for s in r:
                key, _ = byfd[s.fileno()]
                for _ in range(256):
                    try:
                        data, addr = s.recvfrom(65535)
                    except (BlockingIOError, InterruptedError):
                        break
                    except ConnectionRefusedError:
                        continue
                    if len(data) < 2 or addr not in self.servers:
                        continue
                    qid = struct.unpack(">H", data[:2])[0]
                    q = self.inflight.get((key, qid))
                    if q is None:
                        continue
                    i = self.servers.index(addr)
                    if q.replies[i] is None:
                        q.replies[i] = Reply(data)
                    if q.replies[0] is not None and q.replies[1] is not None:
                        self.finish(key, q)
            now = time.monotonic()
            for (key, qid), q in list(self.inflight.items()):
                if now - q.sent >= self.timeout:
                    if q.tries <= self.resends:
                        self.send(q)
                    else:
                        self.finish(key, q)
            if progress:
                progress(len(queries) - len(pending) - len(self.inflight))

    def finish(self, key, q):
        q.done = True
        del self.inflight[(key, q.qid)]
        self.free_ids[key].insert(0, q.qid)


# ------------------------------------------------------------------ main


def main():
    ap = argparse.ArgumentParser(usage="compare.py [options] SERVER_A SERVER_B [QUERYFILE]",
                                 description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("server_a")
    ap.add_argument("server_b")
    ap.add_argument("queries", nargs="?", default="-")
    ap.add_argument("--names", default="A,B", help="names of the two servers in the output")
    ap.add_argument("--tolerate", help="file of deliberate differences")
    ap.add_argument("--timeout", type=float, default=0.4, help="seconds before a resend (default 0.4)")
    ap.add_argument("--resends", type=int, default=1)
    ap.add_argument("--window", type=int, default=64, help="queries in flight (default 64)")
    ap.add_argument("--show", type=int, default=5, help="differences shown per area (default 5)")
    ap.add_argument("--tap", action="store_true", help="one ok / not ok line per area")
    ap.add_argument("--only", default="*", help="only areas matching this glob")
    ap.add_argument("--stats", action="store_true",
                    help="per area, how the first server answered (rcode, +data if any answer)")
    ap.add_argument("--verbose", "-v", action="store_true", help="also show tolerated differences")
    args = ap.parse_args()
    na, nb = (args.names.split(",") + ["B"])[:2]
    w = max(len(na), len(nb)) + 1
    try:
        servers = [parse_server(args.server_a), parse_server(args.server_b)]
        if servers[0] == servers[1]:
            raise BadInput("the two servers are the same address and port")
        if args.queries == "-":
            queries = read_queries(sys.stdin)
        else:
            with open(args.queries) as f:
                queries = read_queries(f)
        tolerances = read_tolerances(args.tolerate) if args.tolerate else []
    except (BadInput, OSError) as e:
        print(f"compare: fatal: {e}", file=sys.stderr)
        return 100
    queries = [q for q in queries if fnmatch.fnmatchcase(q.area, args.only)]
    if not queries:
        print("compare: fatal: no queries", file=sys.stderr)
        return 100
    t0 = time.monotonic()
    try:
        Runner(servers, args.window, args.timeout, args.resends).run(queries)
    except (OSError, RuntimeError) as e:
        print(f"compare: fatal: {e}", file=sys.stderr)
        return 111
    secs = time.monotonic() - t0

    areas = {}
    for q in queries:
        areas.setdefault(q.area, []).append(q)
    total_bad = total_tol = 0
    answered = [0, 0]
    lines = []
    for area, qs in areas.items():
        bad, tol_shown, ntol = [], [], 0
        for q in qs:
            for i in (0, 1):
                answered[i] += q.replies[i] is not None
            d = diff_fields(q.replies[0], q.replies[1])
            if not d:
                continue
            tols = [t for t in tolerances if t.matches(q)]
            left = []
            for f, detail in d:
                t = next((t for t in tols if f in t.fields), None)
                if t:
                    t.used += 1
                else:
                    left.append((f, detail))
            if left:
                bad.append((q, d))
            else:
                ntol += 1
                tol_shown.append((q, d))
        stats = {}
        for q in qs:
            r = q.replies[0]
            k = ("noreply" if r is None else "bad" if r.error else
                 RCODES.get(r.hdr["rcode"], str(r.hdr["rcode"])) +
                 ("+data" if r.sections["answer"] else ""))
            stats[k] = stats.get(k, 0) + 1
        stat = " ".join(f"{k}={v}" for k, v in sorted(stats.items()))
        total_bad += len(bad)
        total_tol += ntol
        tnote = f", {ntol} tolerated" if ntol else ""
        if args.tap:
            if bad:
                lines.append(f"not ok - {area}: {len(bad)} of {len(qs)} differ{tnote}")
            else:
                lines.append(f"ok - {area} ({len(qs)} queries{tnote})")
        else:
            lines.append(f"{area}: {len(qs)} queries, {len(bad)} differ{tnote}")
        if args.stats:
            lines.append(f"#  {na} answers: {stat}")
        show = bad[:args.show] + (tol_shown[:args.show] if args.verbose else [])
        for q, d in show:
            tag = "  (tolerated)" if (q, d) in tol_shown else ""
            lines.append(f"#  {q.describe()}   (line {q.line}){tag}")
            ra, rb = q.replies
            lines.append(f"#    {na + ':':<{w}} " + (ra.head() if ra else "no reply"))
            lines.append(f"#    {nb + ':':<{w}} " + (rb.head() if rb else "no reply"))
            lines.append("#    differ: " + ", ".join(f for f, _ in d))
            for f, detail in d:
                if isinstance(detail, tuple):
                    sec, oa, ob = detail
                    lines += [f"#    - {sec}: {short(r, 150)}" for r in oa]
                    lines += [f"#    + {sec}: {short(r, 150)}" for r in ob]
            if (ra is None) != (rb is None):
                sign, r = ("-", ra) if ra else ("+", rb)
                if not r.error:
                    lines += [f"#    {sign} {sec}: {short(x, 150)}" for sec, x in r.records()]
        if len(bad) > args.show:
            lines.append(f"#  ... and {len(bad) - args.show} more in {area}")
    try:
        print("\n".join(lines))
    except BrokenPipeError:
        return 1 if total_bad else 0
    for t in tolerances:
        if not t.used:
            print(f"# tolerance line {t.line} ({t.area} {t.name} {t.qtype}) matched nothing")
    print(f"# {len(queries)} queries in {secs:.1f} s; {na} answered {answered[0]}, {nb} answered "
          f"{answered[1]}; {total_bad} differ, {total_tol} tolerated")
    if answered[0] == 0 or answered[1] == 0:
        print(f"compare: fatal: {na if answered[0] == 0 else nb} answered no query at all",
              file=sys.stderr)
        return 111
    return 1 if total_bad else 0


if __name__ == "__main__":
    sys.exit(main())
