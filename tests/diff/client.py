#!/usr/bin/env python3
# tests/diff/client.py: scripted SMTP client for the differential test; binds a
# chosen loopback source address so the server sees it as $TCPREMOTEIP.
#
# usage: client.py SRCIP DSTIP PORT SCRIPT OUT RESULT
# SCRIPT has one step per line:
#   r          read one reply line (waits at most 5 s; nothing if the server closed)
#   c TEXT     send TEXT + CRLF, then read one reply line
#   s TEXT     send TEXT as is (Python escapes: \r \n \t \x00 \\)
#   l N TEXT   send a line of N copies of TEXT + CRLF, then read one reply line
#   p SECS     pause
#   w          shut down the write side
# After the last step it reads until the server closes (at most 8 s).
# OUT gets every byte received; RESULT gets "end=eof|reset|timeout" and
# "elapsed=SECONDS" (from connect to the end of the connection).
import codecs
import socket
import sys
import time

LINE_WAIT = 5.0
DRAIN_WAIT = 8.0


def unescape(text):
    return codecs.decode(text, "unicode_escape").encode("latin-1")


class Conn:
    def __init__(self, src, dst, port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((src, 0))
        self.sock.settimeout(5.0)
        self.sock.connect((dst, port))
        self.t0 = time.monotonic()
        self.data = b""
        self.used = 0        # bytes of self.data already handed to a read step
        self.end = None      # how the server ended the connection
        self.t_end = None

    def _recv(self, deadline):
        if self.end is not None:
            return False
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            return False
        except ConnectionResetError:
            self._ended("reset")
            return False
        if not chunk:
            self._ended("eof")
            return False
        self.data += chunk
        return True

    def _ended(self, how):
        self.end = how
        self.t_end = time.monotonic()

    def readline(self):
        deadline = time.monotonic() + LINE_WAIT
        while True:
            nl = self.data.find(b"\n", self.used)
            if nl >= 0:
                self.used = nl + 1
                return
            if not self._recv(deadline):
                if self.end is not None or time.monotonic() >= deadline:
                    return

    def send(self, data):
        if self.end is not None:
            return
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            self._ended("reset")

    def drain(self):
        deadline = time.monotonic() + DRAIN_WAIT
        while self.end is None and time.monotonic() < deadline:
            self._recv(deadline)
        if self.end is None:
            self._ended("timeout")


def main():
    if len(sys.argv) != 7:
        sys.stderr.write("usage: client.py SRCIP DSTIP PORT SCRIPT OUT RESULT\n")
        return 100
    src, dst, port, script, out, result = sys.argv[1:]
    with open(script, encoding="latin-1") as f:
        steps = [line.rstrip("\n") for line in f if line.strip()]
    conn = Conn(src, dst, int(port))
    for step in steps:
        op, _, arg = step.partition(" ")
        if op == "r":
            conn.readline()
        elif op == "c":
            conn.send(unescape(arg) + b"\r\n")
            conn.readline()
        elif op == "s":
            conn.send(unescape(arg))
        elif op == "l":
            n, _, text = arg.partition(" ")
            conn.send(unescape(text) * int(n) + b"\r\n")
            conn.readline()
        elif op == "p":
            time.sleep(float(arg))
        elif op == "w":
            if conn.end is None:
                conn.sock.shutdown(socket.SHUT_WR)
        else:
            sys.stderr.write("client.py: bad step: %s\n" % step)
            return 100
    conn.drain()
    conn.sock.close()
    with open(out, "wb") as f:
        f.write(conn.data)
    with open(result, "w") as f:
        f.write("end=%s\nelapsed=%.2f\n" % (conn.end, conn.t_end - conn.t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
