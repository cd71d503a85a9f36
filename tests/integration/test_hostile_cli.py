#!/usr/bin/env python3
"""The apconn CLI against a hostile HTTP server on 127.0.0.1 (port picked at run
time, stopped by each test): escape sequences in error text, framing attacks,
interim-response floods, a server that echoes the request.

    python3 tests/integration/test_hostile_cli.py BINARY

Prints "hostile_cli: N passed, N failed"."""

import os
import socket
import subprocess
import sys
import threading

KEY = "sk-" + "H0st1le" * 8 + "Abcde"  # 64 chars, like a real key
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tests", "tools"))
import harness  # noqa: E402
from harness import check  # noqa: E402

BINARY = None


class HostileServer:
    """Answers every request on 127.0.0.1 with answer(request_bytes) -> bytes, then closes."""

    def __init__(self, answer):
        self.answer = answer
        self.requests = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                req = b""
                try:
                    while b"\r\n\r\n" not in req:
                        chunk = conn.recv(4096)
                        if not chunk:
                            break
                        req += chunk
                    self.requests.append(req)
                    conn.sendall(self.answer(req))
                except OSError:
                    pass

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() in serve(); close() alone does not
        except OSError:
            pass
        self.sock.close()
        self.thread.join(5)


def run_cli(url, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("APCONN_")}
    env["APCONN_API_KEY"] = KEY
    p = subprocess.run([BINARY, "--url", url, "--timeout-ms", "5000", "--retries", "0"] + list(args),
                       capture_output=True, env=env, timeout=30)
    check(KEY.encode() not in p.stdout + p.stderr, "the key was printed")
    return p.returncode, p.stdout, p.stderr


def json_answer(status, body):
    data = body.encode()
    return lambda req: (b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                        % (status.encode(), len(data)) + data)


# ---- passing: the library is right --------------------------------------------------------------
def test_escape_sequences_in_a_server_message_never_reach_the_terminal():
    body = '{"statusCode":400,"error":"Bad Request","message":"\\u001b]0;pwned\\u0007\\u001b[2Jbad"}'
    with HostileServer(json_answer("400 Bad Request", body)) as s:
        rc, out, err = run_cli("http://127.0.0.1:%d/api" % s.port, "list")
    check(rc != 0)
    check(b"HTTP 400" in err, err)
    for ctl in (b"\x1b", b"\x07"):
        check(ctl not in out + err, (ctl, err))


def test_interim_response_flood_is_a_head_error_not_a_hang():
    flood = b"HTTP/1.1 100 Continue\r\n\r\n" * 60000  # 1.5 MB: more than the CLI's 1 MiB work buffer
    with HostileServer(lambda req: flood) as s:
        rc, out, err = run_cli("http://127.0.0.1:%d/api" % s.port, "list")
    check(rc != 0)
    check(b"head larger than the work buffer" in err, err)


def test_content_length_plus_chunked_is_refused():
    smuggle = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 47\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n"
               b"0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
    with HostileServer(lambda req: smuggle) as s:
        rc, out, err = run_cli("http://127.0.0.1:%d/api" % s.port, "list")
    check(rc != 0)
    check(b"both Content-Length and Transfer-Encoding" in err, err)
    check(out == b"", out)


def test_html_error_page_excerpt_is_one_printable_line():
    page = b"<html>\r\n<body>\x00\x1b[5m 502 \r\n</body></html>"
    with HostileServer(lambda req: b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n"
                       % len(page) + page) as s:
        rc, out, err = run_cli("http://127.0.0.1:%d/api" % s.port, "delete", "AbCdEfGhIjKlMnOpQrStU")
    check(rc != 0)
    check(b"HTTP 502" in err, err)
    check(b"\x1b" not in err and b"\x00" not in err, err)


def test_c1_control_characters_in_a_server_message_never_reach_the_terminal():
    # U+009B is CSI for terminals that honour C1 controls in UTF-8 (xterm does)
    body = '{"statusCode":400,"error":"Bad Request","message":"bad \\u009b2J \\u009d0;pwned\\u009c"}'
    with HostileServer(json_answer("400 Bad Request", body)) as s:
        rc, out, err = run_cli("http://127.0.0.1:%d/api" % s.port, "list")
    check(rc != 0)
    check(b"\xc2\x9b" not in err and b"\xc2\x9d" not in err, err)


def test_key_echoed_by_a_proxy_error_page_is_never_printed():
    def echo(req):
        auth = [h for h in req.split(b"\r\n") if h.lower().startswith(b"authorization:")]
        page = b"<h1>400</h1><pre>rejected header: " + b"".join(auth) + b"</pre>"
        return b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(page) + page
    with HostileServer(echo) as s:
        env = {k: v for k, v in os.environ.items() if not k.startswith("APCONN_")}
        env["APCONN_API_KEY"] = KEY
        p = subprocess.run([BINARY, "--url", "http://127.0.0.1:%d" % s.port, "--retries", "0", "list"],
                           capture_output=True, env=env, timeout=30)
    check(p.returncode != 0)
    check(KEY[:16].encode() not in p.stdout + p.stderr, p.stderr)


def test_leading_zero_octet_url_is_not_loopback():
    # "127.0.0.08" is no number to getaddrinfo: it would be looked up in DNS
    env = {k: v for k, v in os.environ.items() if not k.startswith("APCONN_")}
    env["APCONN_API_KEY"] = KEY
    p = subprocess.run([BINARY, "--url", "http://127.0.0.08:9/api", "--timeout-ms", "2000", "--retries", "0", "list"],
                       capture_output=True, env=env, timeout=30)
    check(b"only allowed to a loopback host" in p.stderr, p.stderr)


def main():
    global BINARY
    harness.usage(sys.argv, 1, "BINARY")
    BINARY = sys.argv[1]
    return harness.run_suite("hostile_cli", harness.tests_in(globals()))


if __name__ == "__main__":
    sys.exit(main())
