#!/usr/bin/env python3
"""Loopback TLS servers for tests/platform/test_tls.c (127.0.0.1 only).

Every mode listens on its own port, chosen by the kernel (bind to port 0);
once all listen, "<mode> <port>" lines are written to --ready (atomically).
Modes (certificates from tests/tools/make_test_certs.sh):
  good        server.pem (localhost), TLS 1.2 or 1.3; answers one HTTP GET with
              "mode=good version=TLSv1.x reused=0|1 path=/..." and closes with
              close_notify
  good12      the same, TLS 1.2 at most
  abrupt      server.pem; answers, then closes the TCP connection WITHOUT
              close_notify
  wronghost, expired, selfsigned, untrusted, notyet, weakrsa, sha1, chainmissing,
  notca, weakcurve, nc, ncsoft   the matching bad certificate (chain)
  ip, ipdns, ipwrong, nosan, nosanip   host name cases (IP SANs, no SAN)
  chain       a good leaf sent with its intermediate CA
  stall       plain TCP: accepts and never says anything
  s_server    `openssl s_server -www` with server.pem (its status page says
              "Reused" for a resumed session): an independent TLS stack
The --log file gets one line per event, flushed at once:
  SNI <mode> <server name, or - when the client sent none>
  HANDSHAKE <mode> <version> reused=<0|1>
  HANDSHAKE_FAILED <mode> <reason>
  REQUEST <mode> <request line>
so a test can prove that no application data reached a server.
Stops on SIGTERM/SIGINT (and stops s_server with it), or after --lifetime s.
"""
import argparse
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time

LOCK = threading.Lock()
WEAK = ("weakrsa", "sha1", "weakcurve")  # certificates OpenSSL's default security level refuses


def log(path, line):
    with LOCK:
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()


def listener():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    return s


def context(certs, name, tls12_only=False, logfile=None, mode=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if name in WEAK:
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")  # OpenSSL would refuse to serve them at all
    ctx.load_cert_chain(os.path.join(certs, name + ".pem"), os.path.join(certs, name + ".key"))
    if logfile:
        def sni(_sock, server_name, _ctx):
            log(logfile, "SNI %s %s" % (mode, server_name if server_name is not None else "-"))
        ctx.sni_callback = sni
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if tls12_only:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def read_request(tls):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 16384:
        chunk = tls.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def serve_tls(conn, mode, ctx, logfile, orderly):
    conn.settimeout(10)
    try:
        tls = ctx.wrap_socket(conn, server_side=True)
    except (ssl.SSLError, OSError) as e:
        log(logfile, "HANDSHAKE_FAILED %s %s" % (mode, type(e).__name__))
        conn.close()
        return
    reused = 1 if tls.session_reused else 0
    log(logfile, "HANDSHAKE %s %s reused=%d" % (mode, tls.version(), reused))
    try:
        request = read_request(tls)
        if not request:
            tls.close()
            return
        line = request.split(b"\r\n", 1)[0].decode("latin-1")
        log(logfile, "REQUEST %s %s" % (mode, line))
        path = line.split(" ")[1] if line.count(" ") >= 2 else "?"
        body = ("mode=%s version=%s reused=%d path=%s\n" % (mode, tls.version(), reused, path)).encode()
        head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
        tls.sendall(head.encode() + body)
        if orderly:
            tls.unwrap()  # close_notify, then wait for the client's
        # else: close() below ends the TCP connection without close_notify
    except (ssl.SSLError, OSError, ValueError):
        pass
    finally:
        try:
            tls.close()
        except OSError:
            pass
        conn.close()


def serve_stall(conn):
    conn.settimeout(30)
    try:
        while conn.recv(4096):
            pass  # read and never answer
    except OSError:
        pass
    conn.close()


def accept_loop(sock, handler):
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        threading.Thread(target=handler, args=(conn,), daemon=True).start()


def free_port():
    s = listener()
    port = s.getsockname()[1]
    s.close()
    return port


def stop_group(proc):
    """Stops `timeout` and the s_server under it (a KILL of `timeout` alone would orphan it)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=2)
            return
        except subprocess.TimeoutExpired:
            pass


def start_s_server(certs):
    """openssl s_server on a kernel-chosen port, retried if the port got taken."""
    for _ in range(5):
        port = free_port()
        # `timeout`: s_server never outlives a test server that was killed hard.
        proc = subprocess.Popen(
            ["timeout", "150", "openssl", "s_server", "-quiet", "-www", "-accept", "127.0.0.1:%d" % port,
             "-cert", os.path.join(certs, "server.pem"), "-key", os.path.join(certs, "server.key")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)  # its own process group: stopped as a whole
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return proc, port
            except OSError:
                time.sleep(0.05)
        stop_group(proc)
    raise RuntimeError("openssl s_server did not start")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--certs", required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--lifetime", type=float, default=120.0)
    args = ap.parse_args()
    open(args.log, "w").close()

    def ctx(mode, name=None, **kw):
        return context(args.certs, name or mode, logfile=args.log, mode=mode, **kw)
    modes = {
        "good": (ctx("good", "server"), True),
        "good12": (ctx("good12", "server", tls12_only=True), True),
        "abrupt": (ctx("abrupt", "server"), False),
    }
    for mode in ("wronghost", "expired", "selfsigned", "untrusted", "ip", "ipdns", "ipwrong", "nosan", "nosanip",
                 "notyet", "weakrsa", "sha1", "chain", "chainmissing", "notca", "weakcurve", "nc", "ncsoft"):
        modes[mode] = (ctx(mode), True)
    ports = {}
    for mode, (ctx, orderly) in modes.items():
        sock = listener()
        ports[mode] = sock.getsockname()[1]

        def handler(conn, mode=mode, ctx=ctx, orderly=orderly):
            serve_tls(conn, mode, ctx, args.log, orderly)
        threading.Thread(target=accept_loop, args=(sock, handler), daemon=True).start()
    stall = listener()
    ports["stall"] = stall.getsockname()[1]
    threading.Thread(target=accept_loop, args=(stall, serve_stall), daemon=True).start()

    s_server, ports["s_server"] = start_s_server(args.certs)

    def stop(*_):
        stop_group(s_server)
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    tmp = args.ready + ".tmp"
    with open(tmp, "w") as f:
        for mode, port in ports.items():
            f.write("%s %d\n" % (mode, port))
    os.rename(tmp, args.ready)
    time.sleep(args.lifetime)
    stop()


if __name__ == "__main__":
    sys.exit(main())
