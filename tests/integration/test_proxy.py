#!/usr/bin/env python3
"""The apconn CLI through an HTTP proxy (CONNECT), against a real proxy from Debian
(tinyproxy) and a byte-recording spy proxy, both on 127.0.0.1 with ports picked at
run time, started and stopped here. The server is tests/server/ap_server.py over TLS.

    python3 tests/integration/test_proxy.py BINARY [SUITE_NAME]

What must hold: the proxy only ever sees CONNECT (never a GET/POST), neither the
API key nor a connection value reaches the proxy or its log, TLS is verified end
to end through the tunnel, proxy credentials are never printed, and a proxy's own
refusal is exit 4 with its status line. Prints "<SUITE_NAME>: N passed, N failed"."""

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_cli as cli  # noqa: E402  (Server, run, the key and the secrets; puts tests/tools on the path)
from test_cli import KEY, SECRET, STDIN_SECRET, SLACK, Server, check_rc  # noqa: E402
import harness  # noqa: E402
from harness import check, free_port  # noqa: E402

PROXY_USER, PROXY_PASS = "alice", "pr0xy-Pa55"


def run(args, url, proxy_env, ca="ca", stdin=None):
    return cli.run(args, url, env_extra=proxy_env, ca=ca, stdin=stdin)


class Tinyproxy:
    """tinyproxy in the foreground (-d) with its config and log in a temp dir."""

    def __init__(self, basic_auth=False, connect_ports=()):
        self.dir = tempfile.mkdtemp(dir=cli.TMP, prefix="tinyproxy-")
        self.log = os.path.join(self.dir, "tinyproxy.log")
        self.port = free_port()
        conf = ["Port %d" % self.port, "Listen 127.0.0.1", "Timeout 20", 'LogFile "%s"' % self.log,
                "LogLevel Info", "MaxClients 20", "Allow 127.0.0.1", 'PidFile "%s/pid"' % self.dir]
        if basic_auth:
            conf.append("BasicAuth %s %s" % (PROXY_USER, PROXY_PASS))
        conf += ["ConnectPort %d" % p for p in connect_ports]  # none: every port allowed
        if os.geteuid() == 0:
            conf.append("User root")  # keeps the temp dir writable; it binds only to 127.0.0.1
        with open(os.path.join(self.dir, "tinyproxy.conf"), "w") as f:
            f.write("\n".join(conf) + "\n")
        self.proc = subprocess.Popen(["tinyproxy", "-d", "-c", os.path.join(self.dir, "tinyproxy.conf")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                break
            except OSError:
                if self.proc.poll() is not None:
                    raise AssertionError("tinyproxy exited with %s" % self.proc.returncode)
                time.sleep(0.05)
        else:
            raise AssertionError("tinyproxy did not start listening")
        self.url = "http://127.0.0.1:%d" % self.port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        harness.stop_process(self.proc)

    def text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def request_lines(self):
        """The method and target of every request tinyproxy received."""
        out = []
        for line in self.text().splitlines():
            if "Request (file descriptor" in line:
                out.append(line.split("):", 1)[1].strip())
        return out


class SpyProxy:
    """A CONNECT proxy that records every byte the client sends it, and can answer
    CONNECT with a scripted status line instead of opening the tunnel."""

    def __init__(self, answer=None):
        self.answer = answer
        self.received = bytearray()
        self.heads = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _record(self, data):
        with self.lock:
            self.received += data

    def _handle(self, conn):
        conn.settimeout(20)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(1)
            if not chunk:
                conn.close()
                return
            head += chunk
        self._record(head)
        self.heads.append(head.decode("latin-1"))
        if self.answer:
            conn.sendall(self.answer.encode() + b"\r\nContent-Length: 0\r\n\r\n")
            conn.close()
            return
        host, port = head.split(b" ")[1].decode().rsplit(":", 1)
        upstream = socket.create_connection((host.strip("[]"), int(port)), 10)
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

        def pump(src, dst, record):
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    if record:
                        self._record(data)
                    dst.sendall(data)
            except OSError:
                pass
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        threading.Thread(target=pump, args=(upstream, conn, False), daemon=True).start()
        pump(conn, upstream, True)


def dead_proxy_url():
    return "http://127.0.0.1:%d" % free_port()


def all_calls(url, proxy_env):
    """create (value on the command line and from stdin), list, update, delete."""
    rc, out, err = run(["--verbose"] + cli.create_args(), url, proxy_env)
    check_rc(rc, 0, err)
    conn = json.loads(out)
    args = ["create", "--type", "BASIC_AUTH", "--name", "B", "--piece", SLACK, "--value-file", "-"]
    rc, _, err = run(args, url, proxy_env, stdin=json.dumps({"username": "u", "password": STDIN_SECRET}))
    check_rc(rc, 0, err)
    rc, out, err = run(["--verbose", "list", "--all", "--limit", "1"], url, proxy_env)
    check(rc == 0 and len(out.splitlines()) == 2, err)
    rc, _, err = run(["update", conn["id"], "--name", "Renamed"], url, proxy_env)
    check_rc(rc, 0, err)
    rc, _, err = run(["delete", conn["id"]], url, proxy_env)
    check_rc(rc, 0, err)


SECRETS = (KEY, KEY[3:], SECRET, STDIN_SECRET, "Bearer")


# ---- a real proxy: tinyproxy -------------------------------------------------------------
def test_every_call_works_through_tinyproxy_and_it_only_sees_connect():
    with Server() as s, Tinyproxy() as p:
        all_calls(s.url, {"https_proxy": p.url})
        check(len(s.requests()) >= 6, "the server got the calls: %d" % len(s.requests()))
        lines = p.request_lines()
        check(lines and all(line.startswith("CONNECT localhost:%d " % s.port) for line in lines), lines)
        log = p.text()
        for secret in SECRETS + ("Renamed", "global-connections", "GET ", "POST ", "DELETE "):
            check(secret not in log, "%r in the proxy's log" % secret)


def test_uppercase_https_proxy_is_used_and_lowercase_wins():
    with Server(seed=1) as s, Tinyproxy() as p:
        rc, _, err = run(["list"], s.url, {"HTTPS_PROXY": p.url})
        check_rc(rc, 0, err)
        check(len(p.request_lines()) == 1, p.request_lines())
        rc, _, err = run(["list"], s.url, {"https_proxy": p.url, "HTTPS_PROXY": dead_proxy_url()})
        check_rc(rc, 0, err)
        check(len(p.request_lines()) == 2, p.request_lines())


def test_verbose_names_the_proxy_but_never_its_credentials():
    with Server(seed=1) as s, Tinyproxy(basic_auth=True) as p:
        url = "http://%s:%s@127.0.0.1:%d" % (PROXY_USER, PROXY_PASS, p.port)
        rc, _, err = run(["--verbose", "list"], s.url, {"https_proxy": url})
        check_rc(rc, 0, err)
        check("via proxy 127.0.0.1:%d (with credentials)" % p.port in err, err)
        check(PROXY_PASS not in err and base64.b64encode(("%s:%s" % (PROXY_USER, PROXY_PASS)).encode()).decode()
              not in err, err)


def test_proxy_credentials_from_the_url_userinfo_are_sent_as_basic():
    with Server(seed=1) as s, Tinyproxy(basic_auth=True) as p:
        rc, out, err = run(["list"], s.url, {"https_proxy": "http://%s:%s@127.0.0.1:%d/" % (PROXY_USER, PROXY_PASS, p.port)})
        check_rc(rc, 0, err)
        check(len(out.splitlines()) == 1, out)


def test_proxy_that_wants_credentials_is_exit_4_with_its_status_line():
    with Server(seed=1) as s, Tinyproxy(basic_auth=True) as p:
        for url in (p.url, "http://%s:wrong@127.0.0.1:%d" % (PROXY_USER, p.port)):
            rc, out, err = run(["--retries", "0", "list"], s.url, {"https_proxy": url})
            check(rc == 4 and out == "", "exit %d: %s" % (rc, err))
            # tinyproxy 1.11 answers 401 (RFC 9110 says 407): either way its own status line is shown
            check("refused the tunnel: HTTP/1.0 401 Unauthorized" in err or "HTTP/1.0 407" in err, err)
            check("wrong" not in err, "the password is never printed: %s" % err)
        check(s.requests() == [], "nothing reached the server")


def test_proxy_refusing_the_port_is_exit_4_with_its_status_line():
    with Server(seed=1) as s, Tinyproxy(connect_ports=(443,)) as p:
        rc, out, err = run(["--retries", "0", "list"], s.url, {"https_proxy": p.url})
        check(rc == 4 and out == "", "exit %d: %s" % (rc, err))
        check("403" in err and "refused the tunnel" in err, err)
        check(s.requests() == [], "nothing reached the server")


def test_tls_is_verified_end_to_end_through_the_tunnel():
    for cert in ("wronghost", "untrusted", "expired"):
        with Server(cert=cert) as s, Tinyproxy() as p:
            rc, out, err = run(["--retries", "0", "list"], s.url, {"https_proxy": p.url})
            check(rc == 4 and out == "", "%s: exit %d: %s" % (cert, rc, err))
            check("TLS:" in err, "%s: the certificate, not the proxy, is the reason: %s" % (cert, err))
            check(len(p.request_lines()) >= 1, "%s went through the proxy" % cert)
            check(s.requests() == [], "%s: nothing reached the server" % cert)


def test_no_proxy_bypasses_the_proxy():
    with Server(seed=1) as s:
        for env in ({"no_proxy": "localhost"}, {"NO_PROXY": "localhost"}, {"no_proxy": "*"},
                    {"no_proxy": "example.com, .localhost,localhost:9"}, {"no_proxy": "LOCALHOST"}):
            env = dict(env, https_proxy=dead_proxy_url())
            rc, _, err = run(["list"], s.url, env)
            check(rc == 0, "%r: exit %d %s" % (env, rc, err))


def test_no_proxy_that_does_not_match_keeps_the_proxy():
    with Server(seed=1) as s:
        for no_proxy in ("example.com", "host", "calhost", "localhost.example", ".example.com"):
            dead = dead_proxy_url()
            rc, _, err = run(["--retries", "0", "list"], s.url, {"https_proxy": dead, "no_proxy": no_proxy})
            check(rc == 4 and "proxy 127.0.0.1:%s" % dead.rsplit(":", 1)[1] in err, "%r: exit %d %s" % (no_proxy, rc, err))
        check(s.requests() == [], "nothing bypassed the proxy")


def test_proxy_that_is_down_is_exit_4_naming_the_proxy():
    with Server(seed=1) as s:
        dead = dead_proxy_url()
        rc, _, err = run(["--retries", "0", "list"], s.url, {"https_proxy": dead})
        check(rc == 4 and "cannot connect to the proxy" in err and "refused" in err.lower(), err)


def test_unusable_proxy_url_is_exit_2_and_not_echoed():
    cases = ["https://%s:%s@127.0.0.1:3128" % (PROXY_USER, PROXY_PASS), "socks5://127.0.0.1:1080",
             "http://%s:%s@127.0.0.1:99999" % (PROXY_USER, PROXY_PASS), "http://%s:%s@" % (PROXY_USER, PROXY_PASS),
             "http://127.0.0.1:3128/some/path", "http://[::1:3128"]
    with Server(seed=1) as s:
        for url in cases:
            rc, out, err = run(["list"], s.url, {"https_proxy": url})
            check(rc == 2 and out == "" and "https_proxy" in err, "%r: exit %d %s" % (url, rc, err))
            check(PROXY_PASS not in err, "%r: credentials echoed: %s" % (url, err))
        check(s.requests() == [], "nothing sent")


def test_plain_http_to_loopback_ignores_https_proxy():
    with Server(cert=None, seed=1) as s:
        rc, _, err = run(["list"], s.url, {"https_proxy": dead_proxy_url()}, ca=None)
        check_rc(rc, 0, err)


# ---- a spy proxy: every byte the client sends it ----------------------------------------
def test_the_proxy_receives_only_a_connect_head_and_then_tls_records():
    with Server() as s, SpyProxy() as p:
        all_calls(s.url, {"https_proxy": p.url})
        data = bytes(p.received)
        check(len(p.heads) >= 1, "the spy saw the connections")
        for head in p.heads:
            lines = head.split("\r\n")
            check(lines[0] == "CONNECT localhost:%d HTTP/1.1" % s.port, lines[0])
            check("Host: localhost:%d" % s.port in lines, lines)
            check(not any(line.lower().startswith(("authorization", "proxy-authorization")) for line in lines), lines)
        rest = data
        for head in p.heads:
            rest = rest.replace(head.encode("latin-1"), b"")
        check(rest[:1] == b"\x16", "after CONNECT the first byte is a TLS handshake record: %r" % rest[:8])
        for secret in SECRETS + ("global-connections", "Acme Slack", "GET ", "POST "):
            check(secret.encode() not in data, "%r crossed the proxy in clear" % secret)


def test_spy_proxy_gets_basic_credentials_percent_decoded():
    with Server(seed=1) as s, SpyProxy() as p:
        rc, _, err = run(["list"], s.url, {"https_proxy": "http://al%%69ce:p%%40ss%%3Aw%%2Frd@127.0.0.1:%d" % p.port})
        check_rc(rc, 0, err)
        want = "Proxy-Authorization: Basic " + base64.b64encode(b"alice:p@ss:w/rd").decode()
        check(want in p.heads[0].split("\r\n"), p.heads[0])
        check("p@ss" not in err and "p%40ss" not in err, err)


def test_a_proxy_error_answer_is_exit_4_with_its_status_line():
    for answer in ("HTTP/1.1 502 Bad Gateway", "HTTP/1.0 403 Forbidden", "HTTP/1.1 503 Service Unavailable"):
        with Server(seed=1) as s, SpyProxy(answer=answer) as p:
            rc, out, err = run(["--retries", "0", "list"], s.url, {"https_proxy": p.url})
            check(rc == 4 and out == "" and answer in err, "%s: exit %d %s" % (answer, rc, err))


def test_a_proxy_that_does_not_speak_http_is_exit_4():
    with Server(seed=1) as s, SpyProxy(answer="SSH-2.0-OpenSSH_9.2") as p:
        rc, _, err = run(["--retries", "0", "list"], s.url, {"https_proxy": p.url})
        check(rc == 4 and "not HTTP" in err, err)


def test_key_and_values_never_appear_in_any_output():
    leaks = [(name, which) for name, out, err in cli.TRANSCRIPT for which, text in (("stdout", out), ("stderr", err))
             if any(secret in text for secret in (KEY, KEY[3:], SECRET, STDIN_SECRET, PROXY_PASS))]
    check(len(cli.TRANSCRIPT) > 30, "ran %d CLI commands" % len(cli.TRANSCRIPT))
    check(leaks == [], "secret printed by: %r" % leaks)


def main():
    harness.usage(sys.argv, 1, "BINARY [SUITE_NAME]")
    cli.BINARY = os.path.abspath(sys.argv[1])
    suite = sys.argv[2] if len(sys.argv) > 2 else "proxy_integration"
    only = os.environ.get("CLI_TEST_ONLY", "")
    if shutil.which("tinyproxy") is None:
        print("  FAIL tinyproxy is not installed (make deps-proxy)")
        print("%s: 0 passed, 1 failed" % suite)
        return 1
    with tempfile.TemporaryDirectory(prefix="apconn-proxy-") as tmp:
        cli.TMP = tmp
        subprocess.run(["sh", cli.CERTS_SCRIPT, tmp], check=True, stdout=subprocess.DEVNULL)
        return harness.run_suite(suite, harness.tests_in(globals(), only))


if __name__ == "__main__":
    sys.exit(main())
