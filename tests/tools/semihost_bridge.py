#!/usr/bin/env python3
"""Carries examples/firmware's transport calls from QEMU to a real TCP socket.

The firmware has no network: it opens two FIFOs through semihosting and sends
framed calls (see the top of examples/firmware/firmware.c). This bridge owns
the socket on the host, honours each call's timeout with select(), and answers
with the apconn status codes a socket layer would return. It only ever
connects to loopback addresses.

TLS runs in the firmware: this bridge only moves the bytes. Provisioning:
op 'U' gives URL, 'K' the key, 'W' (index in the first argument) the
REFUSED_URLs one by one: servers whose certificate the firmware must refuse.

usage: semihost_bridge.py DIR URL [REFUSED_URL...]   (the key comes from $APCONN_API_KEY)
"""
import os
import select
import socket
import struct
import sys
import time

# apconn_status values the transport contract uses (apconn.h)
WOULD_BLOCK, DNS, CONNECT, SEND, RECV = -40, -42, -43, -44, -45


def read_exact(fd, n):
    out = b''
    while len(out) < n:
        chunk = os.read(fd, n - len(out))
        if not chunk:
            raise EOFError
        out += chunk
    return out


class Bridge:
    def __init__(self, url, key, refused=()):
        self.url, self.key = url.encode(), key.encode()
        self.refused = [u.encode() for u in refused]
        self.sock = None
        self.start = time.monotonic()

    def reply(self, value, data=b''):
        return struct.pack('<i', value) + data

    def op_connect(self, port, hostlen, rx):
        host = read_exact(rx, hostlen).decode('ascii', 'replace')
        self.op_close()
        try:
            addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        except OSError:
            return self.reply(DNS)
        if not (addr[4][0].startswith('127.') or addr[4][0] == '::1'):
            return self.reply(CONNECT)  # loopback only, whatever the firmware asks
        try:
            self.sock = socket.create_connection((host, port), timeout=5)
        except OSError:
            return self.reply(CONNECT)
        return self.reply(0)

    def op_send(self, timeout_ms, length, rx):
        data = read_exact(rx, length)
        if self.sock is None:
            return self.reply(SEND)
        _, writable, _ = select.select([], [self.sock], [], timeout_ms / 1000.0)
        if not writable:
            return self.reply(WOULD_BLOCK)
        try:
            return self.reply(self.sock.send(data))
        except OSError:
            return self.reply(SEND)

    def op_recv(self, timeout_ms, maxlen):
        if self.sock is None:
            return self.reply(RECV)
        readable, _, _ = select.select([self.sock], [], [], timeout_ms / 1000.0)
        if not readable:
            return self.reply(WOULD_BLOCK)
        try:
            data = self.sock.recv(min(maxlen, 65536))
        except OSError:
            return self.reply(RECV)
        return self.reply(len(data), data)

    def op_close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def serve(self, tx, rx_out):
        while True:
            try:
                head = read_exact(tx, 9)
            except EOFError:
                return 0
            op, a, b = chr(head[0]), *struct.unpack('<II', head[1:])
            if op == 'C':
                out = self.op_connect(a, b, tx)
            elif op == 'S':
                out = self.op_send(a, b, tx)
            elif op == 'R':
                out = self.op_recv(a, b)
            elif op == 'X':
                self.op_close()
                out = self.reply(0)
            elif op == 'T':
                out = self.reply(int((time.monotonic() - self.start) * 1000) & 0x7FFFFFFF)
            elif op == 'P':
                time.sleep(a / 1000.0)
                out = self.reply(0)
            elif op in 'UK' or (op == 'W' and b < len(self.refused)):
                text = self.url if op == 'U' else self.key if op == 'K' else self.refused[b]
                out = self.reply(len(text), text) if len(text) <= a else self.reply(-1)
            elif op == 'W':
                out = self.reply(0)  # no more
            elif op == 'Q':
                os.write(rx_out, self.reply(0))
                return 0
            else:
                print('bridge: unknown op %r' % op, file=sys.stderr)
                return 1
            os.write(rx_out, out)


def main():
    directory, url, refused = sys.argv[1], sys.argv[2], sys.argv[3:]
    tx_path = os.path.join(directory, 'apconn-tx.fifo')
    rx_path = os.path.join(directory, 'apconn-rx.fifo')
    for p in (tx_path, rx_path):
        if os.path.exists(p):
            os.unlink(p)
        os.mkfifo(p)
    # Same order as the firmware opens them, or both ends wait forever.
    tx = os.open(tx_path, os.O_RDONLY)
    rx = os.open(rx_path, os.O_WRONLY)
    return Bridge(url, os.environ['APCONN_API_KEY'], refused).serve(tx, rx)


if __name__ == '__main__':
    sys.exit(main())
