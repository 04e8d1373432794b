#!/usr/bin/env python3
"""querygen.py: makes DNS queries that probe every corner of an rbldnsd data
set, for compare.py (python3 stdlib only).

    querygen.py --data DIR [--per-area N] [--random N] [--names N] [--seed S]
                [--prefix P] [--acl-src LIST] [ZONESPEC ...]

ZONESPECs are rbldnsd's zone arguments (zone:type:file,file,...); without
them the non-comment lines of DIR/zones are used. Files are read relative to
DIR (the server's -w directory). Output, on standard output, is one query a
line: AREA, NAME, TYPE, CLASS and options, TAB-separated (see compare.py).
The same arguments always give the same queries.

For each dataset the files are read the way rbldnsd's man page describes
them, only as far as needed to pick names: listed entries, what lies just
outside them, exclusions, and random names that are not listed. Areas (AREA
is P + one of these; TYPE is the dataset type):
  TYPE.listed TYPE.unlisted TYPE.edge TYPE.excluded   addresses / names
  TYPE.many                                            addresses with 3 or more
                                                       entries, with EDNS0 sizes
  TYPE.partial TYPE.extra TYPE.badnum                  fewer / more labels,
                                                       labels that are not numbers
  ip6*.nibbles16 ip6*.oddnibbles                       /64 half names, bad nibbles
  dnset.exact dnset.wild dnset.dot dnset.sub dnset.excluded dnset.parent
  generic.names  combined.subzones  multi.overlap      (zones of several datasets)
  apex  outzone  types  case  longlabel  class  protocol  edns  acl.SRC
Entries are chosen at random (seeded), up to --per-area per dataset, zone
and area, so small hand-written files are covered entirely; --random
unlisted names per dataset and zone; --names listed and unlisted names are
asked again in the zone-wide areas (types, case, longlabel, class, acl).
A summary of the counts per area goes to standard error.
"""

import argparse
import gzip
import ipaddress
import os
import random
import sys

A_TXT = ("A", "TXT")
ODD_TYPES = ("AAAA", "MX", "NS", "SOA", "ANY", "CNAME", "PTR", "SRV", "HINFO", "TYPE65",
             "TYPE0", "AXFR", "IXFR", "MAILB", "TYPE65535")
APEX_TYPES = ("A", "TXT", "NS", "SOA", "MX", "AAAA", "ANY", "CNAME", "PTR", "SRV", "HINFO",
              "TYPE65", "AXFR", "IXFR")
IP4TYPES = ("ip4set", "ip4tset", "ip4trie")
IP6TYPES = ("ip6trie", "ip6tset")
KEEP = 100000          # entries kept per dataset and kind (a random sample beyond)


def warn(msg):
    print(f"querygen: warning: {msg}", file=sys.stderr)


# ------------------------------------------------------------------ reading data


def data_lines(path):
    """Lines of a data file without comments and blank lines; the special
    lines that start with #$ ;$ :$ are given without their first character.
    A gzip-compressed file is read uncompressed, as rbldnsd does."""
    with open(path, "rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
    with (gzip.open(path, "rb") if gz else open(path, "rb")) as f:
        for raw in f:
            line = raw.decode("latin-1").rstrip("\r\n")
            s = line.strip()
            if not s:
                continue
            if s.startswith(("#$", ";$", ":$")):
                yield s[1:]
                continue
            if s[0] in "#;":
                continue
            yield s


def ip4_prefix(text):
    """'a.b.c' -> (value padded with zeros, number of octets), or None."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 4 or not all(p.isdigit() and len(p) <= 3 for p in parts):
        return None
    v = 0
    for p in parts:
        if int(p) > 255:
            return None
        v = (v << 8) | int(p)
    return v << (8 * (4 - len(parts))), len(parts)


def ip4_range(key):
    """An ip4set key -> (lo, hi, on_boundary) or None."""
    if "/" in key:
        a, _, bits = key.partition("/")
        p = ip4_prefix(a)
        if p is None or not bits.isdigit() or not 0 <= int(bits) <= 32:
            return None
        bits = int(bits)
        m = (0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF if bits else 0
        return p[0] & m, (p[0] & m) | (~m & 0xFFFFFFFF), p[0] & m == p[0]
    if "-" in key:
        a, _, b = key.partition("-")
        pa, pb = ip4_prefix(a), ip4_prefix(b)
        if pa is None or pb is None:
            return None
        if pb[1] == 1 and pa[1] > 1:
            # a one-octet end replaces the last octet the start gave
            shift = 8 * (4 - pa[1])
            hi = (pa[0] & ~(0xFF << shift) & 0xFFFFFFFF) | (int(b) << shift)
            hi |= (1 << shift) - 1
        else:
            hi = pb[0] | ((1 << (8 * (4 - pb[1]))) - 1)
        return pa[0], hi, True
    p = ip4_prefix(key)
    if p is None:
        return None
    return p[0], p[0] | ((1 << (8 * (4 - p[1]))) - 1), True


def ip6_net(key):
    """An ip6 key (full, compressed, or 'a:b:c:d' partial, optional /len) ->
    (network int, prefix length) or None."""
    addr, _, bits = key.partition("/")
    if "::" not in addr:
        words = addr.split(":")
        if not 1 <= len(words) <= 8:
            return None
        plen = 16 * len(words)
        addr = ":".join(words + ["0"] * (8 - len(words)))
    else:
        plen = 128
    try:
        n = int(ipaddress.IPv6Address(addr))
    except ValueError:
        return None
    if bits:
        if not bits.isdigit() or int(bits) > 128:
            return None
        plen = int(bits)
    m = ((1 << 128) - 1) ^ ((1 << (128 - plen)) - 1)
    return n & m, plen


class Dataset:
    """What querygen needs of a dataset: entries and exclusions, by kind."""

    def __init__(self, dstype, name):
        self.type = dstype
        self.name = name
        self.seen = {}
        self.rng = random.Random(name)
        self.ranges = []      # ip4: (lo, hi, boundary_ok); ip6: (net, plen)
        self.excl = []        # same shapes
        self.names = []       # dnset: (kind, name) kind in exact/wild/dot
        self.nexcl = []       # dnset exclusions (kind, name)
        self.generic = []     # (name, type)
        self.acl = []         # (lo, hi, action) for ip4 entries
        self.subs = []        # combined: (Dataset, [subzone names, '' = @])

    def keep(self, lst, item):
        """Appends, but keeps at most KEEP items per list as a uniform
        random sample (reservoir), so a 10-million-line file costs little."""
        n = self.seen.get(id(lst), 0) + 1
        self.seen[id(lst)] = n
        if len(lst) < KEEP:
            lst.append(item)
        else:
            j = self.rng.randrange(n)
            if j < KEEP:
                lst[j] = item

    def add_line(self, line, file):
        if line.startswith("$"):
            return
        t = self.type
        if t == "generic":
            p = line.split()
            if len(p) >= 2:
                i = 1
                if p[1].isdigit() or (p[1][:-1].isdigit() and p[1][-1:] in "smhdw"):
                    i = 2
                if i < len(p):
                    self.generic.append(("" if p[0] == "@" else p[0].lower().rstrip("."),
                                         p[i].upper()))
            return
        if line.startswith(":") and t != "acl":
            return   # a default A/TXT line
        key = line.split()[0]
        excl = key.startswith("!")
        if excl:
            key = key[1:]
        for c in "#;":
            key = key.split(c)[0]
        if not key:
            return
        if t in IP4TYPES or (t == "acl" and ":" not in key):
            r = ip4_range(key)
            if r is None:
                return
            if t == "acl":
                rest = line.split(None, 1)[1] if len(line.split(None, 1)) > 1 else ":ignore"
                self.acl.append((r[0], r[1], rest.strip()))
            else:
                self.keep(self.excl if excl else self.ranges, r)
        elif t in IP6TYPES:
            r = ip6_net(key)
            if r is not None:
                self.keep(self.excl if excl else self.ranges, r)
        elif t == "dnset":
            k = key.lower().rstrip(".")
            if k.startswith("*."):
                e = ("wild", k[2:])
            elif k.startswith("."):
                e = ("dot", k[1:])
            else:
                e = ("exact", k)
            if e[1]:
                self.keep(self.nexcl if excl else self.names, e)


def load_dataset(dstype, files, datadir):
    top = Dataset(dstype, ",".join(files))
    cur = top
    for fn in files:
        path = os.path.join(datadir, fn)
        try:
            lines = list(data_lines(path))
        except OSError as e:
            warn(f"{path}: {e.strerror}")
            continue
        for line in lines:
            if dstype == "combined" and line.startswith("$DATASET"):
                p = line.split()
                if len(p) < 2:
                    continue
                sub = Dataset(p[1].split(":")[0], p[1])
                top.subs.append((sub, ["" if z == "@" else z.lower().rstrip(".") for z in p[2:]]))
                cur = sub
                continue
            if cur is top and dstype == "combined":
                continue
            cur.add_line(line, fn)
        cur = top
    return top


# ------------------------------------------------------------------ names


def ip4_text(n):
    return f"{n >> 24 & 255}.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def ip4_rev(n):
    return f"{n & 255}.{n >> 8 & 255}.{n >> 16 & 255}.{n >> 24 & 255}"


def ip6_rev(n, nibbles=32):
    h = f"{n:032x}"[:nibbles]
    return ".".join(reversed(h))


def under(name, zone):
    if not name:
        return zone
    return f"{name}.{zone}" if zone else name


class Out:
    def __init__(self, prefix, per_area, nrandom, nnames, rng):
        self.prefix = prefix
        self.per = per_area
        self.random = nrandom
        self.names = nnames
        self.rng = rng
        self.rows = []
        self.seen = set()
        self.counts = {}

    def q(self, area, name, qtype="A", qclass="IN", **opts):
        area = self.prefix + area
        key = (area, name, qtype, qclass, tuple(sorted(opts.items())))
        if key in self.seen:
            return
        self.seen.add(key)
        o = "".join(f"\t{k}={v}" for k, v in sorted(opts.items()))
        self.rows.append(f"{area}\t{name}\t{qtype}\t{qclass}{o}")
        self.counts[area] = self.counts.get(area, 0) + 1

    def sample(self, items, k=None):
        k = self.per if k is None else k
        items = list(items)
        if len(items) <= k:
            return items
        return self.rng.sample(items, k)


# ------------------------------------------------------------------ per type


def gen_ip4(o, ds, zones, listed_all):
    t = ds.type
    rng = o.rng
    rs = ds.ranges
    good = [r for r in rs if r[2] and r[0] <= r[1]]
    for zone in zones:
        for lo, hi, ok in o.sample(rs):
            pts = {lo, hi, rng.randint(min(lo, hi), max(lo, hi))}
            for a in pts:
                listed_all.setdefault(zone, set()).add(a)
                for qt in A_TXT:
                    o.q(f"{t}.listed", under(ip4_rev(a), zone), qt)
            for a in (lo - 1, hi + 1):
                if 0 <= a <= 0xFFFFFFFF:
                    for qt in A_TXT:
                        o.q(f"{t}.edge", under(ip4_rev(a), zone), qt)
        # addresses with several entries: answers that may not fit in 512 bytes
        count = {}
        for lo, hi, ok in rs:
            if lo == hi:
                count[lo] = count.get(lo, 0) + 1
        for a in o.sample(sorted(x for x, c in count.items() if c >= 3)):
            n = under(ip4_rev(a), zone)
            for qt in ("A", "TXT", "ANY"):
                o.q(f"{t}.many", n, qt)
                for size in ("100", "512", "700", "1232", "4096"):
                    o.q(f"{t}.many", n, qt, edns=size)
        for lo, hi, ok in o.sample(ds.excl):
            for a in {lo, hi, lo - 1, hi + 1, rng.randint(min(lo, hi), max(lo, hi))}:
                if 0 <= a <= 0xFFFFFFFF:
                    for qt in A_TXT:
                        o.q(f"{t}.excluded", under(ip4_rev(a), zone), qt)
        for _ in range(o.random):
            a = rng.getrandbits(32)
            for qt in A_TXT:
                o.q(f"{t}.unlisted", under(ip4_rev(a), zone), qt)
        for lo, hi, ok in o.sample(good, max(4, o.per // 4)):
            a = rng.randint(lo, hi)
            r = ip4_rev(a).split(".")
            for k in (1, 2, 3):
                o.q(f"{t}.partial", under(".".join(r[4 - k:]), zone), "A")
                o.q(f"{t}.partial", under(".".join(r[4 - k:]), zone), "TXT")
            for extra in ("1", "www", "0", "x.y"):
                o.q(f"{t}.extra", under(extra + "." + ip4_rev(a), zone), "A")
            o.q(f"{t}.extra", under(ip4_rev(a) + ".1", zone), "A")
            rr = list(r)
            rr[0] = "0" + rr[0]                                 # leading zero
            o.q(f"{t}.badnum", under(".".join(rr), zone), "A")
            rr = list(r)
            rr[3] = str(int(rr[3]) + 256)                       # over 255
            o.q(f"{t}.badnum", under(".".join(rr), zone), "A")
            rr = list(r)
            rr[1] = "x"
            o.q(f"{t}.badnum", under(".".join(rr), zone), "A")
            rr = list(r)
            rr[2] = "-1"
            o.q(f"{t}.badnum", under(".".join(rr), zone), "A")
            rr = list(r)
            rr[0] = "0x" + format(int(rr[0]), "x")
            o.q(f"{t}.badnum", under(".".join(rr), zone), "A")
            o.q(f"{t}.badnum", under(".".join(r[:3]) + ".0000" + r[3], zone), "A")


def gen_ip6(o, ds, zones):
    t = ds.type
    rng = o.rng
    for zone in zones:
        for net, plen in o.sample(ds.ranges):
            span = (1 << (128 - plen)) - 1
            for a in {net, net | span, net | (rng.getrandbits(128) & span)}:
                for qt in A_TXT:
                    o.q(f"{t}.listed", under(ip6_rev(a), zone), qt)
            if net:
                o.q(f"{t}.edge", under(ip6_rev(net - 1), zone), "A")
            if (net | span) < (1 << 128) - 1:
                o.q(f"{t}.edge", under(ip6_rev((net | span) + 1), zone), "A")
            o.q(f"{t}.nibbles16", under(ip6_rev(net, 16), zone), "A")
            o.q(f"{t}.nibbles16", under(ip6_rev(net, 16), zone), "TXT")
            a = net | (rng.getrandbits(128) & span)
            nib = ip6_rev(a).split(".")
            for k in (1, 8, 15, 17, 24, 31):
                o.q(f"{t}.oddnibbles", under(".".join(nib[32 - k:]), zone), "A")
            o.q(f"{t}.oddnibbles", under("0." + ".".join(nib), zone), "A")
            o.q(f"{t}.oddnibbles", under(".".join(nib).upper(), zone), "A")
            bad = list(nib)
            bad[5] = "g"
            o.q(f"{t}.oddnibbles", under(".".join(bad), zone), "A")
            bad = list(nib)
            bad[7] = "00"
            o.q(f"{t}.oddnibbles", under(".".join(bad), zone), "A")
        for net, plen in o.sample(ds.excl):
            span = (1 << (128 - plen)) - 1
            for a in {net, net | span}:
                for qt in A_TXT:
                    o.q(f"{t}.excluded", under(ip6_rev(a), zone), qt)
                for d in (-1, 1):
                    if 0 <= a + d < 1 << 128:
                        o.q(f"{t}.excluded", under(ip6_rev(a + d), zone), "A")
        for _ in range(o.random):
            a = rng.getrandbits(128)
            o.q(f"{t}.unlisted", under(ip6_rev(a), zone), "A")
            o.q(f"{t}.unlisted", under(ip6_rev(a), zone), "TXT")
            o.q(f"{t}.unlisted", under(ip6_rev(a, 16), zone), "A")


def rand_label(rng, n=None):
    n = n or rng.randint(3, 12)
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


def gen_dnset(o, ds, zones):
    rng = o.rng
    for zone in zones:
        for kind, name in o.sample(ds.names):
            area = {"exact": "dnset.exact", "wild": "dnset.wild", "dot": "dnset.dot"}[kind]
            sub = rand_label(rng) + "." + name
            deep = rand_label(rng) + "." + sub
            for n in (name, sub, deep):
                for qt in A_TXT:
                    o.q(area, under(n, zone), qt)
            for qt in A_TXT:
                o.q("dnset.sub", under("www." + name, zone), qt)
            parent = name.split(".", 1)[1] if "." in name else ""
            if parent:
                o.q("dnset.parent", under(parent, zone), "A")
                o.q("dnset.parent", under(parent, zone), "TXT")
                o.q("dnset.parent", under(rand_label(rng) + "." + parent, zone), "A")
        for kind, name in o.sample(ds.nexcl):
            for n in (name, "x." + name):
                for qt in A_TXT:
                    o.q("dnset.excluded", under(n, zone), qt)
            parent = name.split(".", 1)[1] if "." in name else ""
            if parent:
                o.q("dnset.excluded", under(parent, zone), "A")
                o.q("dnset.excluded", under(rand_label(rng) + "." + parent, zone), "A")
        for _ in range(o.random):
            n = rand_label(rng) + "." + rng.choice(("com", "net", "org", "test"))
            o.q("dnset.unlisted", under(n, zone), "A")
            o.q("dnset.unlisted", under(n, zone), "TXT")


def gen_generic(o, ds, zones):
    for zone in zones:
        for name, rtype in o.sample(ds.generic, 4 * o.per):
            for qt in {rtype, "A", "TXT", "MX", "ANY", "AAAA", "NS"}:
                o.q("generic.names", under(name, zone), qt)
            o.q("generic.names", under("nosuch." + name if name else "nosuch", zone), "A")
            o.q("generic.names", under(name.upper(), zone), rtype)


def gen_for(o, ds, zones, listed_all):
    if ds.type in IP4TYPES:
        gen_ip4(o, ds, zones, listed_all)
    elif ds.type in IP6TYPES:
        gen_ip6(o, ds, zones)
    elif ds.type == "dnset":
        gen_dnset(o, ds, zones)
    elif ds.type == "generic":
        gen_generic(o, ds, zones)
    elif ds.type == "combined":
        for sub, subzones in ds.subs:
            szones = [under(s, z) for z in zones for s in subzones]
            gen_for(o, sub, szones, listed_all)
            for z in szones:
                for qt in APEX_TYPES:
                    o.q("combined.subzones", z, qt)
                o.q("combined.subzones", under("nosuch", z), "A")
            # the same dataset's entries asked in a zone it does not serve
            others = [under(s, z) for z in zones for s2, ss in ds.subs if s2 is not sub
                      for s in ss if s not in subzones]
            for z in others[:3]:
                if sub.type in IP4TYPES:
                    for lo, hi, ok in o.sample(sub.ranges, 3):
                        o.q("combined.subzones", under(ip4_rev(lo), z), "A")
                elif sub.type == "dnset":
                    for kind, n in o.sample(sub.names, 3):
                        o.q("combined.subzones", under(n, z), "A")


# ------------------------------------------------------------------ zone-wide


def gen_zone_wide(o, zones, some_names, acls, acl_src):
    rng = o.rng
    for z in zones:
        for qt in APEX_TYPES:
            o.q("apex", z, qt)
            o.q("apex", z.upper(), qt)
        o.q("apex", "www." + z, "A")
        o.q("apex", z, "A", rd="1")
        o.q("apex", z, "SOA", rd="1")
        labels = z.split(".")
        for k in range(1, len(labels)):
            o.q("outzone", ".".join(labels[k:]), "A")
            o.q("outzone", ".".join(labels[k:]), "SOA")
        o.q("outzone", "x" + z, "A")                  # suffix without a label boundary
        o.q("outzone", z + ".invalid", "A")
        o.q("outzone", z[:-1] if len(z) > 1 else "x", "A")
        o.q("outzone", z.replace(".", "-"), "A")
    for n in (".", "example.com", "2.0.0.127.example.com", "localhost", "arpa",
              "2.0.0.127.in-addr.arpa", "invalid"):
        o.q("outzone", n, "A")
        o.q("outzone", n, "SOA")
    for name, zone in o.sample(some_names, o.names):
        for qt in ODD_TYPES:
            o.q("types", name, qt)
        o.q("case", name.upper(), "A")
        o.q("case", name.upper(), "TXT")
        o.q("case", "".join(c.upper() if rng.random() < 0.5 else c for c in name), "TXT")
        o.q("case", name[:-len(zone)] + zone.upper() if zone else name.upper(), "A")
    for name, zone in o.sample(some_names, max(3, o.names // 4)):
        rest = name[:-len(zone) - 1] if zone and name != zone else ""
        for n in (63, 64, 100, 191, 255):
            lab = "a" * n
            o.q("longlabel", f"{lab}.{name}", "A")
            o.q("longlabel", f"{rest}.{lab}.{zone}" if rest else f"{lab}.{zone}", "A")
            o.q("longlabel", f"{name}.{lab}", "A")            # trailing label
            zl = zone.split(".")
            zl[-1] = zl[-1] + "x" * max(0, n - len(zl[-1]))   # the zone's own last label
            o.q("longlabel", ".".join([rest] + zl) if rest else ".".join(zl), "A")
        # a name of exactly 255 bytes on the wire, and one over
        for total in (255, 256):
            pad = total - (len(name) + 2) - 1
            parts = []
            while pad > 0:
                k = min(63, pad - 1)
                if k <= 0:
                    break
                parts.append("b" * k)
                pad -= k + 1
            if pad == 0 and parts:
                o.q("longlabel", ".".join(parts) + "." + name, "A")
    for name, zone in o.sample(some_names, max(3, o.names // 4)):
        for c in ("CH", "HS", "ANY", "NONE", "CLASS42"):
            o.q("class", name, "A", c)
            o.q("class", name, "TXT", c)
        o.q("class", zone, "SOA", "CH")
    for n in ("version.bind", "version.server", "hostname.bind", "id.server", "authors.bind"):
        o.q("class", n, "TXT", "CH")
        o.q("class", n, "A", "CH")
        o.q("class", n, "ANY", "CH")
        o.q("class", n.upper(), "TXT", "CH")
        o.q("class", n, "TXT", "IN")
    for name, zone in o.sample(some_names, 2):
        for op in ("1", "2", "4", "5", "15"):
            o.q("protocol", name, "A", opcode=op)
        o.q("protocol", name, "A", qd="0")
        o.q("protocol", name, "A", qd="2")
        o.q("protocol", name, "A", flags="0x8000")      # a reply, not a query
        o.q("protocol", name, "A", flags="0x0200")      # TC set in the query
        o.q("protocol", name, "A", flags="0x0040")      # Z bit
        o.q("protocol", name, "A", flags="0x0020")      # AD
        o.q("protocol", name, "A", flags="0x0010")      # CD
        o.q("protocol", name, "A", rd="1")
        o.q("protocol", name, "A", cut="12")
        o.q("protocol", name, "A", cut="5")
        o.q("protocol", name, "A", cut=str(12 + len(name) + 2 + 2))
        o.q("edns", name, "A", edns="1232")
        o.q("edns", name, "TXT", edns="512")
        o.q("edns", name, "ANY", edns="4096")
        o.q("edns", zone, "SOA", edns="1232")
        o.q("edns", name, "TXT", edns="1232", ednsttl="0x8000")     # DO bit
        o.q("edns", name, "A", edns="1232", ednsttl="0x10000")      # version 1
        o.q("edns", name, "TXT", edns="100")                        # below 512
    # a compression pointer in the question, and bytes after it
    o.q("protocol", "pointer.loop", "A", hex="000000000001000000000000" + "c00c" + "00010001")
    for name, zone in o.sample(some_names, 1):
        from_wire = "".join(f"{len(l):02x}" + l.encode().hex() for l in name.split(".")) + "00"
        o.q("protocol", name, "A", hex="000000000001000000000000" + from_wire + "00010001" + "deadbeef")
    # acl: the same questions from each source address
    if acls:
        picked = o.sample([x for x in some_names if x[1] in acls], 2 * o.names)
        for src in acl_src:
            for name, zone in picked:
                o.q(f"acl.{src}", name, "A", src=src)
                o.q(f"acl.{src}", name, "TXT", src=src)
            for zone in acls:
                for qt in ("SOA", "NS", "A", "TXT", "MX", "ANY"):
                    o.q(f"acl.{src}", zone, qt, src=src)
                o.q(f"acl.{src}", "nosuch." + zone, "A", src=src)
                o.q(f"acl.{src}", "2.0.0.127." + zone, "TXT", src=src)


# ------------------------------------------------------------------ main


def parse_specs(specs):
    out = []
    for s in specs:
        p = s.split(":", 2)
        if len(p) != 3:
            raise SystemExit(f"querygen: fatal: bad zone spec {s!r}")
        out.append((p[0].lower().rstrip("."), p[1], p[2].split(",")))
    return out


def main():
    ap = argparse.ArgumentParser(usage=__doc__.split("\n\n")[1].strip(),
                                 description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 2)[2])
    ap.add_argument("--data", required=True)
    ap.add_argument("--per-area", type=int, default=25)
    ap.add_argument("--random", type=int, default=25,
                    help="random unlisted names per dataset and zone (default 25)")
    ap.add_argument("--names", type=int, default=25,
                    help="names sampled for the zone-wide areas (default 25)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prefix", default="")
    ap.add_argument("--acl-src", default="127.0.0.1,127.0.0.63,127.0.0.64,127.0.0.65,"
                    "127.0.0.66,127.0.0.67,127.0.0.68,127.0.0.69,127.0.0.70")
    ap.add_argument("specs", nargs="*")
    args = ap.parse_args()
    specs = args.specs
    if not specs:
        with open(os.path.join(args.data, "zones")) as f:
            specs = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    specs = parse_specs(specs)
    rng = random.Random(args.seed)
    o = Out(args.prefix, args.per_area, args.random, args.names, rng)

    # one dataset per (type, file list), like rbldnsd; zones it serves
    dsets, dszones, zones, acls, global_acl = {}, {}, [], [], False
    for zone, t, files in specs:
        if t == "acl":
            if zone:
                acls.append(zone)
            else:
                global_acl = True
            continue
        key = (t, tuple(files))
        if key not in dsets:
            dsets[key] = load_dataset(t, files, args.data)
            dszones[key] = []
        if zone not in dszones[key]:
            dszones[key].append(zone)
        if zone not in zones:
            zones.append(zone)
    if global_acl:
        acls = list(zones)

    listed_all = {}
    for key, ds in dsets.items():
        gen_for(o, ds, dszones[key], listed_all)

    # zones made of several datasets: addresses listed in one, asked of all
    multi = [z for z in zones if sum(z in v for v in dszones.values()) > 1]
    for z in multi:
        for a in o.sample(sorted(listed_all.get(z, ())), 4 * o.per):
            for qt in ("A", "TXT", "ANY"):
                o.q("multi.overlap", under(ip4_rev(a), z), qt)

    some = []
    for row in o.rows:
        area, name = row.split("\t")[:2]
        if area.endswith((".listed", ".exact", ".wild", ".dot", ".unlisted", "generic.names")):
            zone = next((z for z in sorted(zones, key=len, reverse=True)
                         if name == z or name.endswith("." + z)), "")
            some.append((name, zone))
    for z in zones:
        some.append((z, z))
    gen_zone_wide(o, zones, sorted(set(some)), acls,
                  [s for s in args.acl_src.split(",") if s])

    sys.stdout.write("\n".join(o.rows) + "\n")
    for area in sorted(o.counts):
        print(f"querygen: {area}: {o.counts[area]}", file=sys.stderr)
    print(f"querygen: {len(o.rows)} queries in {len(o.counts)} areas", file=sys.stderr)


if __name__ == "__main__":
    main()
