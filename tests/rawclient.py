#!/usr/bin/env python3
"""rawclient: a raw TCP client for hostile-client tests (python3 stdlib only).

Connects to HOST PORT, sends the given bytes as told, reads until the server
closes or the time limit, writes exactly the bytes received to stdout, and one
summary line to stderr:

  rawclient: sent=N received=M end=closed|reset|timeout secs=S

Exit status: 0 when the server closed (or reset) the connection, 2 at the
time limit, 111 when it could not connect, 100 for usage. Every wait is bounded
by the time limit (-t, default 10 s).

Data (concatenated in order given):
  -e STR    bytes with escapes: \\r \\n \\t \\0 \\\\ \\xHH
  -f FILE   bytes from a file
  -g N      send the data N times in a row (streamed, not built in memory)
Sending:
  -c N      send in chunks of N bytes ...
  -d SECS   ... with this pause between chunks
  -i        interactive: wait for the greeting line, then send one line at a
            time and wait for one reply line after each (default: pipeline
            everything at once)
  -w        half-close (shutdown SHUT_WR) after sending
  -n        never read: only watch for the close (the server's replies pile
            up unread)
  -H SECS   wait this long after sending before reading
Connection:
  -b ADDR   bind this source address (e.g. 127.0.0.2) before connecting
  -t SECS   time limit for the whole run (default 10)
  -o FILE   write the received bytes there instead of stdout
"""

import getopt
import os
import select
import socket
import sys
import time


def unescape(s):
    out = bytearray()
    i = 0
    b = os.fsencode(s)
    while i < len(b):
        c = b[i]
        if c != 0x5c or i + 1 >= len(b):
            out.append(c)
            i += 1
            continue
        n = b[i + 1]
        i += 2
        if n == ord('r'):
            out.append(13)
        elif n == ord('n'):
            out.append(10)
        elif n == ord('t'):
            out.append(9)
        elif n == ord('0'):
            out.append(0)
        elif n == ord('\\'):
            out.append(0x5c)
        elif n == ord('x') and i + 2 <= len(b):
            out.append(int(b[i:i + 2], 16))
            i += 2
        else:
            out.append(0x5c)
            out.append(n)
    return bytes(out)


def pieces_of(data, repeat, size):
    """data repeated `repeat` times, cut into pieces of `size` bytes."""
    if not data or repeat <= 0:
        return
    total = len(data) * repeat
    block = data * (size // len(data) + 2)
    pos = 0
    while pos < total:
        n = min(size, total - pos)
        off = pos % len(data)
        yield block[off:off + n]
        pos += n


class Run:
    def __init__(self, sock, deadline, noread):
        self.sock = sock
        self.deadline = deadline
        self.noread = noread
        self.got = bytearray()
        self.sent = 0
        self.end = None          # 'closed', 'reset', 'timeout'
        self.t_end = None

    def left(self):
        return self.deadline - time.monotonic()

    def finish(self, how):
        if self.end is None:
            self.end = how
            self.t_end = time.monotonic()

    def pump_read(self, wait):
        """Reads what is there (waiting up to `wait` s); notes a close."""
        if self.end or self.noread:
            return
        r, _, _ = select.select([self.sock], [], [], max(0.0, min(wait, self.left())))
        if not r:
            return
        try:
            d = self.sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            self.finish('reset')
            return
        except BlockingIOError:
            return
        if not d:
            self.finish('closed')
        else:
            self.got += d

    def peer_gone(self):
        """Without reading: has the server closed or reset?"""
        p = select.poll()
        p.register(self.sock, select.POLLRDHUP | select.POLLHUP | select.POLLERR)
        ev = p.poll(0)
        if not ev:
            return False
        e = ev[0][1]
        if e & select.POLLERR:
            self.finish('reset')
        else:
            self.finish('closed')
        return True

    def send(self, data):
        """Sends all of data before the deadline, reading replies meanwhile."""
        view = memoryview(data)
        while view and not self.end:
            if self.left() <= 0:
                return False
            rl = [] if self.noread else [self.sock]
            r, w, _ = select.select(rl, [self.sock], [], max(0.0, min(0.2, self.left())))
            if r:
                self.pump_read(0)
            if self.noread and self.peer_gone():
                return False
            if w:
                try:
                    n = self.sock.send(view[:65536])
                except BlockingIOError:
                    continue
                except (BrokenPipeError, ConnectionResetError):
                    self.finish('reset')
                    return False
                self.sent += n
                view = view[n:]
        return not self.end

    def wait_line(self):
        """Interactive mode: until one more CRLF-terminated line arrives."""
        start = self.got.count(b'\n')
        while not self.end and self.left() > 0 and self.got.count(b'\n') <= start:
            self.pump_read(0.2)
        return self.got.count(b'\n') > start

    def drain(self):
        while not self.end and self.left() > 0:
            if self.noread:
                if self.peer_gone():
                    return
                time.sleep(0.01)
            else:
                self.pump_read(0.2)


def main(argv):
    try:
        opts, args = getopt.getopt(argv, 'e:f:g:c:d:iwnH:b:t:o:')
    except getopt.GetoptError as e:
        sys.stderr.write('rawclient: usage: %s\n' % e)
        return 100
    pieces = []
    repeat = 1
    chunk = 0
    delay = 0.0
    interactive = False
    halfclose = False
    noread = False
    hold = 0.0
    bindaddr = None
    limit = 10.0
    outfile = None
    for o, v in opts:
        if o == '-e':
            pieces.append(unescape(v))
        elif o == '-f':
            with open(v, 'rb') as f:
                pieces.append(f.read())
        elif o == '-g':
            repeat = int(v)
        elif o == '-c':
            chunk = int(v)
        elif o == '-d':
            delay = float(v)
        elif o == '-i':
            interactive = True
        elif o == '-w':
            halfclose = True
        elif o == '-n':
            noread = True
        elif o == '-H':
            hold = float(v)
        elif o == '-b':
            bindaddr = v
        elif o == '-t':
            limit = float(v)
        elif o == '-o':
            outfile = v
    if len(args) != 2:
        sys.stderr.write('rawclient: usage: rawclient.py [options] host port\n')
        return 100
    host, port = args[0], int(args[1])
    data = b''.join(pieces)

    t0 = time.monotonic()
    deadline = t0 + limit
    fam = socket.AF_INET6 if ':' in host else socket.AF_INET
    sock = socket.socket(fam, socket.SOCK_STREAM)
    try:
        if bindaddr:
            sock.bind((bindaddr, 0))
        sock.settimeout(max(0.1, limit))
        sock.connect((host, port))
    except OSError as e:
        sys.stderr.write('rawclient: unable to connect to %s port %d: %s\n' % (host, port, e))
        return 111
    sock.setblocking(False)
    run = Run(sock, deadline, noread)

    if interactive:
        run.wait_line()
        lines = data.splitlines(keepends=True)
        for _ in range(repeat):
            for line in lines:
                if not run.send(line) or not run.wait_line():
                    break
            else:
                continue
            break
    else:
        first = True
        for piece in pieces_of(data, repeat, chunk if chunk > 0 else 65536):
            if chunk > 0 and delay > 0 and not first:
                end = time.monotonic() + delay
                while time.monotonic() < end and not run.end and run.left() > 0:
                    if noread:
                        run.peer_gone()
                        time.sleep(0.005)
                    else:
                        run.pump_read(end - time.monotonic())
            first = False
            if not run.send(piece):
                break
    if halfclose and not run.end:
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
    if hold > 0:
        end = min(deadline, time.monotonic() + hold)
        while time.monotonic() < end and not run.end:
            time.sleep(0.01)
    run.drain()
    run.finish('timeout')
    sock.close()

    out = open(outfile, 'wb') if outfile else sys.stdout.buffer
    out.write(bytes(run.got))
    out.flush()
    if outfile:
        out.close()
    sys.stderr.write('rawclient: sent=%d received=%d end=%s secs=%.3f\n'
                     % (run.sent, len(run.got), run.end, run.t_end - t0))
    return 2 if run.end == 'timeout' else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
