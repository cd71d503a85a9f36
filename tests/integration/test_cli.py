#!/usr/bin/env python3
"""Integration tests of the apconn CLI binary against tests/server/ap_server.py,
over real sockets and real TLS on 127.0.0.1 / localhost (ports picked at run time).

    python3 tests/integration/test_cli.py BINARY [SUITE_NAME [CREATE_ONE_BINARY]]

Prints "<SUITE_NAME>: N passed, N failed" (default name cli_integration).
Every CLI run's stdout and stderr are kept; the last test checks that neither
the API key nor any connection value ever appeared in them."""

import json
import os
import re
import select
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SERVER = os.path.join(ROOT, "tests", "server", "ap_server.py")
sys.path.insert(0, os.path.dirname(SERVER))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
import ap_server  # noqa: E402  (project_id(): the ids --projects makes known)
import harness  # noqa: E402
from harness import check, free_port  # noqa: E402
CERTS_SCRIPT = os.path.join(ROOT, "tests", "tools", "make_test_certs.sh")  # shared with the TLS tests

KEY = "sk-" + "K3y" * 20 + "Z"  # 64 chars: sk- + 61 alphanumerics
SECRET = "xoxb-S3cr3tV4lue-9f8e7d"
STDIN_SECRET = "stdin-S3cr3t-42"
P1, P2, P3 = "Kp3Wn8ZrQa1Lm5Tx7Vb2C", "Pr0jectB0000000000000", "Pr0jectC0000000000000"
SLACK = "@activepieces/piece-slack"

BINARY = None
CREATE_ONE = None  # optional third argument: build/examples/create_one
TMP = None
TRANSCRIPT = []  # (test name, stdout, stderr) of every CLI run
SUITE = ["cli_integration"]  # suite name; ..._mbedtls2 = the CLI built against mbedTLS 2.28


class Server(harness.ServerProcess):
    """ap_server.py in a subprocess on a port it picks; stopped when the `with` ends."""

    def __init__(self, cert="server", extra=(), seed=0):
        self.log = tempfile.mktemp(dir=TMP, suffix=".log")
        open(self.log, "w").close()
        args = [sys.executable, SERVER, "--port", "0", "--api-key", KEY, "--log", self.log]
        if cert:
            args += ["--tls-cert", os.path.join(TMP, cert + ".pem"), "--tls-key", os.path.join(TMP, cert + ".key")]
        if seed:
            args += ["--seed", str(seed)]
        super().__init__(args + list(extra))
        scheme = "https" if cert else "http"
        self.url = "%s://localhost:%d/api" % (scheme, self.port)

    def requests(self):
        with open(self.log) as f:
            return [json.loads(line) for line in f]


# Variables that change where apconn connects or what it trusts: never inherited.
PROXY_AND_CA_VARS = ("https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY", "SSL_CERT_FILE", "http_proxy", "HTTP_PROXY")


def clean_env():
    return {k: v for k, v in os.environ.items() if not k.startswith("APCONN_") and k not in PROXY_AND_CA_VARS}


def cli_argv(args, url=None, key=KEY, env_extra=None, ca="ca"):
    env = clean_env()
    if key is not None:
        env["APCONN_API_KEY"] = key
    env.update(env_extra or {})
    argv = [BINARY]
    if url:
        argv += ["--url", url]
    if ca:
        argv += ["--ca", os.path.join(TMP, ca + ".pem")]
    return argv + list(args), env


def run(args, url=None, key=KEY, stdin=None, env_extra=None, ca="ca"):
    argv, env = cli_argv(args, url, key, env_extra, ca)
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=env, timeout=60)
    TRANSCRIPT.append((harness.CURRENT[0], p.stdout, p.stderr))
    return p.returncode, p.stdout, p.stderr


def create_args(name="Acme Slack", ext="acme_slack", value=None, extra=()):
    return (["create", "--type", "SECRET_TEXT", "--name", name, "--piece", SLACK,
             "--value", json.dumps(value or {"secret_text": SECRET}), "--project", P1, "--external-id", ext]
            + list(extra))


def check_rc(got, want, err):
    check(got == want, "exit status %d, expected %d; stderr: %s" % (got, want, err.strip()))


# ---- happy paths -------------------------------------------------------------------
def test_create_prints_the_connection_as_one_json_line():
    with Server() as s:
        rc, out, err = run(create_args(), s.url)
        check_rc(rc, 0, err)
        lines = out.splitlines()
        check(len(lines) == 1, "one line, got %r" % out)
        conn = json.loads(lines[0])
        check(len(conn["id"]) == 21 and conn["displayName"] == "Acme Slack", conn)
        check(conn["projectIds"] == [P1] and conn["externalId"] == "acme_slack", conn)
        check(conn["metadata"] is None, "null metadata printed as null: %r" % conn)
        check("value" not in conn, conn)


def test_create_output_has_every_field_the_server_sent():
    with Server() as s:
        rc, out, err = run(create_args(extra=["--metadata", '{"team":"ops","n":[1,2]}', "--piece-version", "0.9.0"]),
                           s.url)
        check_rc(rc, 0, err)
        check(json.loads(out) == s.requests()[0]["response"], "CLI %s\nserver %s" % (out, s.requests()[0]["response"]))


def test_list_output_has_every_field_the_server_sent():
    with Server(seed=3) as s:
        rc, out, err = run(["list"], s.url)
        check_rc(rc, 0, err)
        check([json.loads(line) for line in out.splitlines()] == s.requests()[0]["response"]["data"], out)


def test_absent_fields_are_omitted_and_nulls_kept():
    with Server(seed=1, extra=["--fault", "old-server"]) as s:
        rc, out, err = run(["list"], s.url)
        check_rc(rc, 0, err)
        item = json.loads(out)
        check("usingSecretManager" not in item and "pieceVersion" not in item, item)
        check("platformId" in item and item["platformId"] is None, item)
        check(item == s.requests()[0]["response"]["data"][0], item)


def test_create_sends_the_value_with_its_type_and_the_bearer_key():
    with Server() as s:
        rc, _, err = run(create_args(), s.url)
        check_rc(rc, 0, err)
        req = s.requests()[0]
        body = json.loads(req["body"])
        check(body["value"] == {"type": "SECRET_TEXT", "secret_text": SECRET}, body)
        check(body["scope"] == "PLATFORM" and body["projectIds"] == [P1], body)
        check(["Authorization", "Bearer " + KEY] in req["headers"], req["headers"])
        check(req["method"] == "POST" and req["path"] == "/api/v1/global-connections", req)


def test_create_again_with_same_external_id_updates_in_place():
    with Server() as s:
        first = json.loads(run(create_args(), s.url)[1])
        rc, out, err = run(create_args(name="Renamed"), s.url)
        check_rc(rc, 0, err)
        second = json.loads(out)
        check(second["id"] == first["id"] and second["displayName"] == "Renamed", second)


def test_value_file_dash_reads_the_value_from_stdin():
    with Server() as s:
        args = ["create", "--type", "BASIC_AUTH", "--name", "B", "--piece", SLACK, "--value-file", "-"]
        rc, _, err = run(args, s.url, stdin=json.dumps({"username": "u", "password": STDIN_SECRET}))
        check_rc(rc, 0, err)
        body = json.loads(s.requests()[0]["body"])
        check(body["value"] == {"type": "BASIC_AUTH", "username": "u", "password": STDIN_SECRET}, body)


def test_value_file_reads_the_value_from_a_file():
    path = os.path.join(TMP, "value.json")
    with open(path, "w") as f:
        json.dump({"secret_text": SECRET}, f)
    with Server() as s:
        args = ["create", "--type", "SECRET_TEXT", "--name", "F", "--piece", SLACK, "--value-file", path]
        rc, _, err = run(args, s.url)
        check_rc(rc, 0, err)
        check(json.loads(s.requests()[0]["body"])["value"]["secret_text"] == SECRET, "value from file")


def test_no_auth_needs_no_value():
    with Server() as s:
        rc, out, err = run(["create", "--type", "NO_AUTH", "--name", "N", "--piece", SLACK], s.url)
        check_rc(rc, 0, err)
        check(json.loads(s.requests()[0]["body"])["value"] == {"type": "NO_AUTH"}, "value")
        check(json.loads(out)["type"] == "NO_AUTH", out)


def test_list_prints_one_connection_per_line():
    with Server(seed=7) as s:
        rc, out, err = run(["list", "--limit", "5"], s.url)
        check_rc(rc, 0, err)
        names = [json.loads(line)["displayName"] for line in out.splitlines()]
        check(names == ["Seed %d" % i for i in range(5)], names)


def test_list_items_print_owner_and_flow_ids():
    with Server(seed=1) as s:
        rc, out, err = run(["list"], s.url)
        check_rc(rc, 0, err)
        item = json.loads(out)
        check(item["owner"]["email"] == "admin@acme.io" and item["flowIds"] == [], item)
        check(item["owner"]["externalId"] is None, item["owner"])


def test_list_all_follows_next_cursors_to_the_end():
    with Server(seed=23) as s:
        rc, out, err = run(["list", "--all", "--limit", "5"], s.url)
        check_rc(rc, 0, err)
        names = [json.loads(line)["displayName"] for line in out.splitlines()]
        check(names == ["Seed %d" % i for i in range(23)], names)
        check(len(s.requests()) == 5, "5 pages, got %d requests" % len(s.requests()))


def test_a_full_page_of_100_fits_the_cli_buffers():
    with Server(seed=150) as s:
        rc, out, err = run(["list", "--all", "--limit", "100"], s.url)
        check_rc(rc, 0, err)
        check(len(out.splitlines()) == 150 and len(s.requests()) == 2, "150 rows in 2 pages")


def test_list_all_uses_one_tcp_connection():
    with Server(seed=23) as s:
        rc, _, err = run(["list", "--all", "--limit", "5"], s.url)
        check_rc(rc, 0, err)
        conns = {(r["conn"], r["client_port"]) for r in s.requests()}
        check(len(conns) == 1, "keep-alive: one connection, got %r" % conns)


def test_list_all_reconnects_when_the_server_closes_between_pages():
    with Server(seed=12, extra=["--fault", "close-after=1"]) as s:
        rc, out, err = run(["list", "--all", "--limit", "5"], s.url)
        check_rc(rc, 0, err)
        check(len(out.splitlines()) == 12, out)


def test_list_filters_are_sent_encoded():
    with Server(seed=20) as s:
        rc, out, err = run(["list", "--all", "--status", "ERROR", "--status", "MISSING", "--name", "seed 1",
                            "--piece", SLACK], s.url)
        check_rc(rc, 0, err)
        statuses = {json.loads(line)["status"] for line in out.splitlines()}
        check(statuses == {"ERROR", "MISSING"}, statuses)
        q = s.requests()[0]["query"]
        for part in ("status=ERROR", "status=MISSING", "displayName=seed%201", "pieceName=%40activepieces%2Fpiece-slack"):
            check(part in q.split("&"), "%s in %s" % (part, q))


def test_update_changes_name_and_replaces_projects():
    with Server() as s:
        conn = json.loads(run(create_args(), s.url)[1])
        rc, out, err = run(["update", conn["id"], "--name", "New name", "--project", P2, "--project", P3,
                            "--preselect", "true", "--metadata", '{"team":"ops"}'], s.url)
        check_rc(rc, 0, err)
        upd = json.loads(out)
        check(upd["id"] == conn["id"] and upd["displayName"] == "New name", upd)
        check(upd["projectIds"] == [P2, P3] and upd["preSelectForNewProjects"] is True, upd)
        check(upd["metadata"] == {"team": "ops"}, upd)


def test_delete_prints_nothing_and_exits_0():
    with Server() as s:
        conn = json.loads(run(create_args(), s.url)[1])
        rc, out, err = run(["delete", conn["id"]], s.url)
        check_rc(rc, 0, err)
        check(out == "", out)
        req = s.requests()[-1]
        check(req["method"] == "DELETE" and not any(h[0].lower() == "content-type" for h in req["headers"]), req)


def test_plain_http_to_localhost_is_allowed():
    with Server(cert=None) as s:
        rc, _, err = run(["list"], s.url, ca=None)
        check_rc(rc, 0, err)


def test_apconn_url_environment_is_the_default_url():
    with Server(seed=2) as s:
        rc, out, err = run(["list"], None, env_extra={"APCONN_URL": s.url})
        check_rc(rc, 0, err)
        check(len(out.splitlines()) == 2, out)


def test_chunked_responses_are_read():
    with Server(seed=3, extra=["--fault", "chunked"]) as s:
        rc, out, err = run(["list"], s.url)
        check_rc(rc, 0, err)
        check(len(out.splitlines()) == 3, out)


def test_help_prints_usage_and_exits_0():
    rc, out, _ = run(["--help"], None)
    check(rc == 0 and "usage: apconn" in out and "APCONN_API_KEY" in out, out)


def test_verbose_logs_method_path_and_status_only():
    with Server() as s:
        rc, _, err = run(["--verbose"] + create_args(), s.url)
        check_rc(rc, 0, err)
        check("POST" in err and "/v1/global-connections" in err and "201" in err, err)


# ---- platforms of any size: streamed lists, any number of projects --------------------
def listed(s):
    """Every item the server sent in its list responses, in order."""
    return [item for r in s.requests() if r["method"] == "GET" for item in r["response"]["data"]]


def project_args(ids):
    """--project ID and --project=ID alternately: both forms are gathered in place."""
    out = []
    for i, pid in enumerate(ids):
        out += ["--project", pid] if i % 2 else ["--project=" + pid]
    return out


def test_create_takes_a_9th_and_a_100th_project():
    with Server(extra=["--projects", "100"]) as s:
        for n in (9, 100):
            ids = [ap_server.project_id(i) for i in range(n)]
            rc, out, err = run(create_args(ext="many_%d" % n) + project_args(ids), s.url)
            check_rc(rc, 0, err)
            check(json.loads(out)["projectIds"] == [P1] + ids, "%d projects: %s" % (n, out[:200]))
            check(json.loads(s.requests()[-1]["body"])["projectIds"] == [P1] + ids, "sent in order")


def test_update_replaces_projects_with_100():
    with Server(extra=["--projects", "100"]) as s:
        conn = json.loads(run(create_args(), s.url)[1])
        ids = [ap_server.project_id(i) for i in range(99, -1, -1)]
        rc, out, err = run(["update", conn["id"], "--name", "Shared"] + project_args(ids), s.url)
        check_rc(rc, 0, err)
        check(json.loads(out)["projectIds"] == ids, out[:200])


def test_a_connection_shared_with_10000_projects_round_trips():
    ids = [ap_server.project_id(i) for i in range(10000)]
    with Server(extra=["--projects", "10000"]) as s:
        rc, out, err = run(["create", "--type", "NO_AUTH", "--name", "Everyone", "--piece", SLACK,
                            "--external-id", "everyone"] + project_args(ids), s.url)
        check_rc(rc, 0, err)
        created = json.loads(out)
        check(json.loads(s.requests()[0]["body"])["projectIds"] == ids, "10,000 ids sent in order")
        check(created["projectIds"] == ids, "create printed %d ids" % len(created["projectIds"]))
        check(created == s.requests()[0]["response"], "create printed what the server sent")
        rc, out, err = run(["list"], s.url)
        check_rc(rc, 0, err)
        item = json.loads(out)
        check(item["id"] == created["id"] and item["projectIds"] == ids, "list: %d ids" % len(item["projectIds"]))
        check(item == listed(s)[0], "list printed what the server sent")


def test_list_all_prints_every_connection_of_a_busy_platform():
    with Server(extra=["--seed-busy", "1000"]) as s:
        rc, out, err = run(["list", "--all", "--limit", "100"], s.url)
        check_rc(rc, 0, err)
        printed = [json.loads(line) for line in out.splitlines()]
        served = listed(s)
        check(len(printed) == 1000 and len(s.requests()) == 10, "%d items, %d pages" % (len(printed), len(s.requests())))
        check(len({c["id"] for c in printed}) == 1000, "every connection once")
        bad = [i for i, (a, b) in enumerate(zip(printed, served)) if a != b]
        check(not bad, "items differ from what was served: %r" % bad[:5])
        busy = printed[0]
        check(len(busy["projectIds"]) == 50 and len(busy["flowIds"]) == 20, "busy shape")
        check(len(json.dumps(busy["metadata"])) > 255 and len(busy["displayName"].encode()) > 127, "large fields")
        check(len({(r["conn"], r["client_port"]) for r in s.requests()}) == 1, "one keep-alive connection")


def test_a_page_larger_than_the_cli_buffer_is_streamed():
    # 100 items of ~40 KB: one 4 MB page, four times the CLI's 1 MiB work buffer.
    big = [a for i in range(100) for a in ("--big-metadata", "%d=40000" % i)]
    with Server(extra=["--seed-busy", "100"] + big) as s:
        rc, out, err = run(["list", "--limit", "100"], s.url)
        check_rc(rc, 0, err)
        check(len(s.requests()[0]["response"]["data"]) == 100, "one page")
        check([json.loads(line) for line in out.splitlines()] == listed(s), "every item as served")


def test_list_prints_each_connection_as_it_arrives():
    # The server sends half the body, then waits: the first lines are out before the rest arrives.
    # Eight small items (~3 KB before the stall) stay below stdio's pipe buffer: only a flush per
    # line gets the first one out early.
    with Server(seed=8, extra=["--fault", "stall-ms=2000"]) as s:
        argv, env = cli_argv(["--timeout-ms", "20000", "list", "--limit", "8"], s.url)  # the reads below block
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        first = p.stdout.readline()
        t_first = time.monotonic() - t0
        rest = p.stdout.read()  # not communicate(): it reads the fd and would miss what readline buffered
        err = p.stderr.read()   # a few lines at most: cannot fill the pipe while stdout is read
        p.wait(60)
        t_all = time.monotonic() - t0
        TRANSCRIPT.append((harness.CURRENT[0], first + rest, err))
        check_rc(p.returncode, 0, err)
        lines = (first + rest).splitlines()
        check(len(lines) == 8 and json.loads(first) == listed(s)[0], "all 8: %d lines, first %r" % (len(lines), first[:200]))
        check(t_all >= 2.0 and t_first < t_all - 1.5, "first line after %.2f s of %.2f s" % (t_first, t_all))


def jsmn_tokens(v):
    """jsmn's token count of a value: one per value and one per object key."""
    if isinstance(v, dict):
        return 1 + sum(1 + jsmn_tokens(x) for x in v.values())
    if isinstance(v, list):
        return 1 + sum(jsmn_tokens(x) for x in v)
    return 1


def needed_from(err, unit):
    """The number in 'needs ... N <unit>' of the CLI's message."""
    m = re.search(r"needs (?:a work buffer of )?(\d+) %s" % unit, err)
    check(m, "names the size needed: %s" % err)
    return int(m.group(1))


def test_a_connection_larger_than_the_cli_buffer_exits_5_naming_the_size_and_the_rest_is_printed():
    with Server(extra=["--seed-busy", "5", "--big-metadata", "2=1200000"]) as s:
        rc, out, err = run(["list", "--all", "--limit", "2"], s.url)
        check_rc(rc, 5, err)
        served = listed(s)
        printed = [json.loads(line) for line in out.splitlines()]
        check(len(served) == 5 and printed == served[:2] + served[3:], "the other four: %d" % len(printed))
        check("data[0]" in err and "work buffer" in err, err)
        size = len(ap_server.compact(served[2]))
        need = needed_from(err, "bytes")
        check(size <= need < size + 65536, "needs %d bytes for a %d-byte item" % (need, size))
        check(len(s.requests()) == 3, "went on to the last page")


def test_a_connection_with_more_ids_than_the_cli_tokens_exits_5_naming_the_tokens():
    with Server(extra=["--seed-busy", "3", "--many-flow-ids", "1=20000"]) as s:
        rc, out, err = run(["list"], s.url)
        check_rc(rc, 5, err)
        served = listed(s)
        check([json.loads(line) for line in out.splitlines()] == [served[0], served[2]], out[:300])
        check("data[1]" in err, err)
        need = needed_from(err, "JSON tokens")
        check(need == jsmn_tokens(served[1]), "needs %d tokens, the item has %d" % (need, jsmn_tokens(served[1])))


def test_a_malformed_connection_is_reported_and_the_others_printed():
    with Server(seed=5, extra=["--fault", "bad-item=2"]) as s:
        rc, out, err = run(["list", "--all", "--limit", "3"], s.url)
        check_rc(rc, 5, err)
        served = listed(s)
        check([json.loads(line) for line in out.splitlines()] == served[:1] + served[2:4] + served[5:], out)
        check(err.count("wrong type") == 2 and "data[1].projectIds" in err, err)


def test_verbose_shows_the_whole_path_and_query_and_no_secret():
    with Server(seed=3) as s:
        rc, _, err = run(["--verbose", "list", "--limit", "2", "--status", "ERROR", "--name", "a b"], s.url)
        check_rc(rc, 0, err)
        check("> GET /api/v1/global-connections?limit=2&status=ERROR&displayName=a%20b HTTP/1.1" in err
              or ("> GET /api/v1/global-connections?" in err and "limit=2" in err and "status=ERROR" in err), err)
        q = s.requests()[0]
        check("> GET %s?%s HTTP/1.1" % (q["path"], q["query"]) in err, "the request line as the server got it: %s" % err)
        check(KEY not in err and "Bearer" not in err and "Authorization" not in err, err)
    with Server() as s:
        rc, _, err = run(["--verbose"] + create_args(), s.url)
        check_rc(rc, 0, err)
        check("> POST /api/v1/global-connections HTTP/1.1" in err, err)
        check(SECRET not in err and KEY not in err, err)


# ---- --version, help, "--", usage errors ----------------------------------------------
def apconn_h_version():
    with open(os.path.join(ROOT, "apconn.h")) as f:
        for line in f:
            if line.startswith("#define APCONN_VERSION_STRING"):
                return line.split('"')[1]
    raise AssertionError("no APCONN_VERSION_STRING")


def test_version_prints_apconn_and_the_tls_library_and_needs_no_key():
    rc, out, err = run(["--version"], key=None, ca=None)
    check_rc(rc, 0, err)
    lines = out.splitlines()
    check(len(lines) == 1 and lines[0].startswith("apconn " + apconn_h_version() + " (mbedTLS "), out)


def test_help_command_and_command_help_print_the_same_page():
    for cmd in ("create", "list", "update", "delete"):
        rc1, out1, err1 = run(["help", cmd], key=None, ca=None)
        rc2, out2, err2 = run([cmd, "--help"], key=None, ca=None)
        rc3, out3, _ = run([cmd, "-h"], key=None, ca=None)
        check(rc1 == rc2 == rc3 == 0 and out1 == out2 == out3, "%s: %r / %r" % (cmd, err1, err2))
        check(out1.startswith("usage: apconn " + cmd), out1)
    rc, out, _ = run(["help"], key=None, ca=None)
    check(rc == 0 and "usage: apconn" in out and "Commands" in out, out)


def test_help_warns_that_value_is_visible_and_recommends_value_file():
    rc, out, _ = run(["create", "--help"], key=None, ca=None)
    check(rc == 0 and "visible to other local users" in out and "prefer --value-file" in out, out)
    rc, out, _ = run(["--help"], key=None, ca=None)
    check(rc == 0 and "visible to other local users" in out and "--value-file" in out, out)


def test_help_for_an_unknown_command_is_a_usage_error():
    rc, out, err = run(["help", "frobnicate"], key=None, ca=None)
    check(rc == 2 and out == "" and "frobnicate" in err, err)


def test_help_after_an_option_value_is_still_help():
    rc, out, err = run(["list", "--limit", "5", "--help"], key=None, ca=None)
    check(rc == 0 and out.startswith("usage: apconn list"), err)


def test_double_dash_ends_the_options():
    with Server() as s:
        conn = json.loads(run(create_args(), s.url)[1])
        rc, out, err = run(["delete", "--", conn["id"]], s.url)
        check_rc(rc, 0, err)
        check(s.requests()[-1]["method"] == "DELETE", s.requests()[-1])
        # after "--" an option-looking word is an argument: here a bad ID, not an unknown option
        rc, out, err = run(["delete", "--", "--all"], s.url)
        check(rc == 2 and "ID must be" in err and "unknown option" not in err, err)
        rc, out, err = run(["list", "--", "--all"], s.url)
        check(rc == 2 and "unexpected argument" in err, err)


HINT_CASES = [
    (["list", "--limit", "abc"], "try 'apconn list --help'"),
    (["create", "--bogus"], "try 'apconn create --help'"),
    (["create", "--type", "NO_AUTH", "--piece", SLACK], "try 'apconn create --help'"),
    (["update", "A" * 21, "--preselect", "yes"], "try 'apconn update --help'"),
    (["delete"], "try 'apconn delete --help'"),
    (["--bogus", "list"], "try 'apconn --help'"),
    (["frobnicate"], "try 'apconn --help'"),
    ([], "try 'apconn --help'"),
]


def test_a_usage_error_is_one_line_and_a_hint():
    for args, hint in HINT_CASES:
        rc, out, err = run(args, None, ca=None)
        lines = err.splitlines()
        check(rc == 2 and out == "", "%r: exit %d" % (args, rc))
        check(len(lines) == 2 and lines[0].startswith("apconn: ") and lines[1] == hint, "%r: %r" % (args, err))


def test_no_usage_error_dumps_the_usage_block():
    with Server() as s:
        for name, args in USAGE_CASES:
            _, _, err = run(args, s.url)
            check("usage:" not in err and len(err.splitlines()) <= 2, "%s: %r" % (name, err))


def test_an_unknown_inline_option_does_not_echo_its_value():
    rc, _, err = run(["list", "--token=" + KEY], None, ca=None)
    check(rc == 2 and "--token" in err and KEY not in err, err)


# ---- the next cursor without --all ----------------------------------------------------------
def next_cursor_lines(err):
    return [line[len("next-cursor: "):] for line in err.splitlines() if line.startswith("next-cursor: ")]


def test_list_without_all_gives_the_next_cursor_on_stderr_and_stdout_stays_ndjson():
    with Server(seed=12) as s:
        seen, cursor, pages = [], None, 0
        while True:
            args = ["list", "--limit", "5"] + (["--cursor", cursor] if cursor else [])
            rc, out, err = run(args, s.url)
            check_rc(rc, 0, err)
            seen += [json.loads(line)["displayName"] for line in out.splitlines()]  # every line is JSON
            pages += 1
            cursors = next_cursor_lines(err)
            check(len(cursors) <= 1, err)
            if not cursors:
                break
            cursor = cursors[0]
            check(cursor and " " not in cursor, cursor)
            check(pages < 10, "the cursor must lead to the end")
        check(seen == ["Seed %d" % i for i in range(12)] and pages == 3, (pages, seen))


def test_cursor_file_holds_the_next_cursor_and_is_empty_after_the_last_page():
    path = os.path.join(TMP, "cursor")
    with Server(seed=7) as s:
        rc, out, err = run(["list", "--limit", "5", "--cursor-file", path], s.url)
        check_rc(rc, 0, err)
        with open(path) as f:
            first = f.read()
        check(first.endswith("\n") and first.strip() == next_cursor_lines(err)[0], (first, err))
        rc, out, err = run(["list", "--limit", "5", "--cursor", first.strip(), "--cursor-file", path], s.url)
        check_rc(rc, 0, err)
        check(len(out.splitlines()) == 2 and next_cursor_lines(err) == [], (out, err))
        with open(path) as f:
            check(f.read() == "", "empty at the last page")


def test_list_all_prints_no_cursor():
    with Server(seed=12) as s:
        rc, out, err = run(["list", "--all", "--limit", "5"], s.url)
        check(rc == 0 and len(out.splitlines()) == 12 and next_cursor_lines(err) == [], err)


def test_unwritable_cursor_file_exits_2():
    with Server(seed=12) as s:
        rc, _, err = run(["list", "--limit", "5", "--cursor-file", os.path.join(TMP, "no", "such", "dir")], s.url)
        check(rc == 2 and "--cursor-file" in err, err)


# ---- the key and the value: what exactly is wrong ---------------------------------------------
KEY_CASES = [
    (KEY + " ", "ends with a space"),
    (KEY + "\r", "ends with a carriage return"),
    (KEY + "\n", "ends with a newline"),
    (KEY[:10] + " " + KEY[10:], "contains a space"),
    ('"' + KEY + '"', "quote"),
    (KEY[:10] + "\x01" + KEY[10:], "control character"),
    (KEY[:10] + "\u00e9" + KEY[10:], "non-ASCII"),
    ("=" + KEY, "starts with '='"),
    (KEY[:10] + "=" + KEY[10:], "'=' before its end"),
    ("", "APCONN_API_KEY is empty"),
]


def test_a_bad_key_names_apconn_api_key_and_says_what_is_wrong():
    with Server() as s:
        for key, why in KEY_CASES:
            rc, out, err = run(["list"], s.url, key=key)
            check(rc == 2 and out == "", "%r: exit %d" % (why, rc))
            check("APCONN_API_KEY" in err and why in err, "%r: %r" % (why, err))
            check(KEY not in err and KEY[3:13] not in err, "the key is never printed: %r" % err)
        check(s.requests() == [], "nothing sent")


def test_a_key_with_padding_at_the_end_is_accepted():
    with Server() as s:
        rc, _, err = run(["list"], s.url, key=KEY + "==")
        check(rc == 3 and "401" in err, "sent (and refused by the server, which knows another key): %s" % err)


VALUE_SHAPE_CASES = [
    ("SECRET_TEXT", {"secret_text": 1}, "\"secret_text\" must be a JSON string, not a number"),
    ("BASIC_AUTH", {"username": "u", "password": ["p"]}, "\"password\" must be a JSON string, not an array"),
    ("BASIC_AUTH", {"username": None, "password": "p"}, "\"username\" must be a JSON string, not null"),
    ("CUSTOM_AUTH", {"props": "x"}, "\"props\" must be a JSON object, not a string"),
    ("OAUTH2", {"client_id": "c", "client_secret": "s", "code": "x", "redirect_url": "r", "scope": True},
     "\"scope\" must be a JSON string, not a boolean"),
    ("SECRET_TEXT", {"other": {"secret_text": "nested is fine"}, "secret_text": {"a": 1}},
     "\"secret_text\" must be a JSON string, not an object"),
    ("SECRET_TEXT", {"secrettext": "typo"}, "needs the member \"secret_text\" (a non-empty JSON string)"),
    ("SECRET_TEXT", {"secret_text": ""}, "needs the member \"secret_text\""),
    ("CUSTOM_AUTH", {}, "needs the member \"props\" (a JSON object)"),
]


def test_a_value_of_the_wrong_shape_names_the_member_and_the_expected_type():
    with Server() as s:
        for typ, value, want in VALUE_SHAPE_CASES:
            rc, out, err = run(["create", "--type", typ, "--name", "x", "--piece", SLACK, "--value", json.dumps(value)],
                               s.url)
            check(rc == 2 and want in err, "%s %r: exit %d, %r" % (typ, value, rc, err))
        check(s.requests() == [], "nothing sent")


def test_a_value_with_strings_and_nested_members_passes_the_shape_check():
    with Server() as s:
        rc, _, err = run(["create", "--type", "CUSTOM_AUTH", "--name", "x", "--piece", SLACK,
                          "--value", '{ "props" : {"secret_text": 1, "s": "}\\"{"} }'], s.url)
        check_rc(rc, 0, err)


# ---- the CA bundle from the environment -----------------------------------------------------
def test_ca_bundle_from_apconn_ca_bundle_then_ssl_cert_file():
    good, bad = os.path.join(TMP, "ca.pem"), os.path.join(TMP, "other_ca.pem")
    check(os.path.exists(bad), "make_test_certs.sh writes other_ca.pem (a CA that signed none of the server certificates)")
    with Server(seed=1) as s:
        rc, _, err = run(["list"], s.url, ca=None, env_extra={"APCONN_CA_BUNDLE": good})
        check_rc(rc, 0, err)
        rc, _, err = run(["list"], s.url, ca=None, env_extra={"SSL_CERT_FILE": good})
        check_rc(rc, 0, err)
        rc, _, err = run(["list"], s.url, ca=None, env_extra={"APCONN_CA_BUNDLE": good, "SSL_CERT_FILE": bad})
        check_rc(rc, 0, err)
        rc, _, err = run(["--retries", "0", "list"], s.url, ca=None, env_extra={"APCONN_CA_BUNDLE": bad, "SSL_CERT_FILE": good})
        check_rc(rc, 4, err)
        rc, _, err = run(["list"], s.url, ca="ca", env_extra={"APCONN_CA_BUNDLE": bad, "SSL_CERT_FILE": bad})
        check_rc(rc, 0, err)  # --ca wins
    rc, _, err = run(["list"], "https://localhost:1/api", ca=None, env_extra={"APCONN_CA_BUNDLE": "/nonexistent.pem"})
    check(rc == 2 and "APCONN_CA_BUNDLE" in err and "/nonexistent.pem" in err, err)
    rc, _, err = run(["list"], "https://localhost:1/api", ca=None, env_extra={"SSL_CERT_FILE": "/nonexistent.pem"})
    check(rc == 2 and "SSL_CERT_FILE" in err, err)


# ---- exit 2: usage and invalid input, nothing sent ------------------------------------
USAGE_CASES = [
    ("no_command", []),
    ("unknown_command", ["frobnicate"]),
    ("unknown_global_option", ["--bogus", "list"]),
    ("api_key_option_does_not_exist", ["--api-key", KEY, "list"]),
    ("api_key_inline_option_does_not_exist", ["--api-key=" + KEY, "list"]),
    ("key_as_a_stray_argument", ["list", KEY]),
    ("limit_not_digits", ["list", "--limit", "abc"]),
    ("limit_negative", ["list", "--limit", "-1"]),
    ("limit_missing_value", ["list", "--limit"]),
    ("limit_above_a_page_of_100", ["list", "--limit", "101"]),
    ("status_not_an_allowed_value", ["list", "--status", "active"]),
    ("type_not_one_of_the_8", ["create", "--type", "PLACEHOLDER", "--name", "x", "--piece", SLACK]),
    ("create_without_name", ["create", "--type", "NO_AUTH", "--piece", SLACK]),
    ("value_not_json", ["create", "--type", "SECRET_TEXT", "--name", "x", "--piece", SLACK, "--value", "{nope"]),
    ("value_not_an_object", ["create", "--type", "SECRET_TEXT", "--name", "x", "--piece", SLACK, "--value", "[1]"]),
    ("value_and_value_file", ["create", "--type", "NO_AUTH", "--name", "x", "--piece", SLACK, "--value", "{}",
                              "--value-file", "-"]),
    ("metadata_not_an_object", ["create", "--type", "NO_AUTH", "--name", "x", "--piece", SLACK, "--metadata", "3"]),
    ("duplicate_project", ["create", "--type", "NO_AUTH", "--name", "x", "--piece", SLACK, "--project", P1,
                           "--project", P1]),
    ("duplicate_project_far_apart", ["update", "A" * 21, "--name", "x", "--project", P1, "--project", P2,
                                     "--project=" + P3, "--project=" + P1]),
    ("empty_project", ["create", "--type", "NO_AUTH", "--name", "x", "--piece", SLACK, "--project", ""]),
    ("update_without_name", ["update", "A" * 21]),
    ("update_preselect_not_boolean", ["update", "A" * 21, "--name", "x", "--preselect", "yes"]),
    ("update_bad_id", ["update", "short", "--name", "x"]),
    ("delete_without_id", ["delete"]),
    ("delete_bad_id", ["delete", "A" * 20 + "-"]),
    ("delete_two_ids", ["delete", "A" * 21, "B" * 21]),
    ("option_of_another_command", ["list", "--value", "{}"]),
    ("timeout_not_a_number", ["--timeout-ms", "1s", "list"]),
    ("retries_too_many", ["--retries", "99", "list"]),
]


def test_bad_usage_exits_2_and_sends_nothing():
    with Server() as s:
        for name, args in USAGE_CASES:
            rc, out, err = run(args, s.url)
            check(rc == 2, "%s: exit %d, expected 2 (stderr %r)" % (name, rc, err))
            check(err.startswith("apconn: ") and out == "", "%s: diagnostics on stderr only" % name)
        check(s.requests() == [], "nothing may reach the server: %r" % s.requests())


def test_missing_api_key_exits_2_and_sends_nothing():
    with Server() as s:
        rc, _, err = run(["list"], s.url, key=None)
        check_rc(rc, 2, err)
        check("APCONN_API_KEY" in err and s.requests() == [], err)


def test_value_file_too_large_exits_2_and_sends_nothing():
    with Server() as s:
        big = json.dumps({"secret_text": "x" * 100000})
        args = ["create", "--type", "SECRET_TEXT", "--name", "x", "--piece", SLACK, "--value-file", "-"]
        rc, _, err = run(args, s.url, stdin=big)
        check_rc(rc, 2, err)
        check(s.requests() == [], "nothing sent")


def test_plain_http_to_a_non_loopback_host_exits_2():
    for url in ("http://example.com/api", "http://127.0.0.1.example.com/api", "ftp://localhost/api"):
        rc, out, err = run(["list"], url, ca=None)
        check(rc == 2 and out == "", "%s: exit %d (%s)" % (url, rc, err))


def other_name_for_loopback():
    """A host name other than localhost that /etc/hosts maps to 127.0.0.1, if any."""
    try:
        with open("/etc/hosts") as f:
            for line in f:
                fields = line.split("#")[0].split()
                if fields and fields[0] == "127.0.0.1":
                    names = [n for n in fields[1:] if n != "localhost" and "localhost" not in n]
                    if names:
                        return names[0]
    except OSError:
        pass
    return None


def test_plain_http_to_a_non_loopback_name_sends_nothing_even_when_it_resolves_to_loopback():
    # The rule is about the NAME in the URL (DNS can be spoofed), so a name that happens to
    # resolve to 127.0.0.1 is refused too; the server's log proves nothing reached it.
    name = other_name_for_loopback()
    with Server(cert=None) as s:
        url = s.url.replace("localhost", name) if name else s.url.replace("http://localhost", "http://example.com")
        rc, out, err = run(["list"], url, ca=None)
        check_rc(rc, 2, err)
        check(s.requests() == [], "nothing may reach the server: %r" % s.requests())


def test_missing_ca_file_exits_2():
    with Server() as s:
        rc, _, err = run(["list"], s.url, ca="does-not-exist")
        check_rc(rc, 2, err)
        check(s.requests() == [], "nothing sent")


# ---- exit 3: the server said no ------------------------------------------------------
def test_delete_of_an_unknown_id_exits_3_with_404():
    with Server() as s:
        rc, _, err = run(["delete", "A" * 21], s.url)
        check_rc(rc, 3, err)
        check("404" in err and "ENTITY_NOT_FOUND" in err, err)


def test_server_validation_error_exits_3_with_its_message():
    value = {"client_id": "c", "client_secret": "s", "code": "x", "redirect_url": "r", "scope": "",
             "grant_type": "password"}
    with Server() as s:
        rc, _, err = run(["create", "--type", "OAUTH2", "--name", "O", "--piece", SLACK,
                          "--value", json.dumps(value)], s.url)
        check_rc(rc, 3, err)
        check("400" in err and "FST_ERR_VALIDATION" in err and "body/ Invalid input" in err, err)


def test_unknown_project_exits_3_with_404():
    with Server() as s:
        rc, _, err = run(create_args(extra=["--project", "Zz" * 10 + "Z"]), s.url)
        check_rc(rc, 3, err)
        check("404" in err and "ENTITY_NOT_FOUND" in err, err)


def test_unknown_api_key_exits_3_with_401():
    with Server() as s:
        rc, _, err = run(["list"], s.url, key="sk-" + "w" * 61)
        check_rc(rc, 3, err)
        check("401" in err and "AUTHENTICATION" in err, err)
        check("does not accept the key in APCONN_API_KEY" in err and "w" * 20 not in err, err)


def test_update_of_an_unknown_id_exits_3_with_500():
    with Server() as s:
        rc, _, err = run(["update", "A" * 21, "--name", "x"], s.url)
        check_rc(rc, 3, err)
        check("500" in err, err)


def test_html_502_exits_3():
    with Server(extra=["--fault", "html-502"]) as s:
        rc, _, err = run(["--retries", "0", "list"], s.url)
        check_rc(rc, 3, err)
        check("502" in err, err)


# ---- exit 4: network, TLS, certificates, timeouts --------------------------------------
def test_retries_option_allows_that_many_extra_attempts():
    with Server(seed=1, extra=["--fault", "unavailable-first=2"]) as s:
        rc, _, err = run(["--retries", "1", "list"], s.url)
        check_rc(rc, 3, err)
        check("503" in err and len(s.requests()) == 2, "1 + 1 attempts, got %d" % len(s.requests()))
    with Server(seed=1, extra=["--fault", "unavailable-first=2"]) as s:
        rc, out, err = run(["--retries", "2", "list"], s.url)
        check_rc(rc, 0, err)
        check(len(out.splitlines()) == 1 and len(s.requests()) == 3, "third attempt answered")


def test_refused_connection_exits_4():
    rc, _, err = run(["--retries", "0", "list"], "https://localhost:%d/api" % free_port())
    check_rc(rc, 4, err)


def test_silent_server_times_out_with_exit_4():
    with Server(extra=["--fault", "silent-tcp"]) as s:
        t0 = time.monotonic()
        rc, _, err = run(["--timeout-ms", "1500", "list"], s.url)
        check_rc(rc, 4, err)
        check(time.monotonic() - t0 < 20, "the deadline bounds the command")


def test_server_that_never_answers_times_out_with_exit_4():
    with Server(extra=["--fault", "silent"]) as s:
        rc, _, err = run(["--timeout-ms", "1500", "list"], s.url)
        check_rc(rc, 4, err)


def test_timeout_bounds_list_all_across_pages():
    # Each page takes 300 ms, well inside the deadline; ten of them do not fit in 1.5 s.
    with Server(seed=10, extra=["--fault", "delay-ms=300"]) as s:
        rc, out, err = run(["--timeout-ms", "1500", "list", "--all", "--limit", "1"], s.url)
        check_rc(rc, 4, err)
        check(0 < len(out.splitlines()) < 10, "stopped part way: %r" % out)


def cert_refused(cert):
    with Server(cert=cert) as s:
        rc, out, err = run(["--retries", "0", "list"], s.url)
        check_rc(rc, 4, err)
        check(out == "", out)
        check(s.requests() == [], "nothing may reach the server: %r" % s.requests())


def test_wrong_host_name_certificate_is_refused():
    cert_refused("wronghost")


def test_untrusted_ca_certificate_is_refused():
    cert_refused("untrusted")


def test_expired_certificate_is_refused():
    cert_refused("expired")


def test_self_signed_certificate_is_refused():
    cert_refused("selfsigned")


def test_not_yet_valid_certificate_is_refused():
    cert_refused("notyet")


def test_missing_intermediate_is_refused():
    cert_refused("chainmissing")


def test_non_ca_intermediate_is_refused():
    cert_refused("notca")


def test_name_constrained_intermediate_is_refused():
    cert_refused("nc")
    cert_refused("ncsoft")


def test_chain_with_its_intermediate_is_accepted():
    with Server(cert="chain") as s:
        rc, _, err = run(["list"], s.url)
        check_rc(rc, 0, err)


def test_certificate_without_san_is_refused_and_says_so():
    with Server(cert="nosan") as s:  # CN=localhost, no subjectAltName
        rc, out, err = run(["--retries", "0", "list"], s.url)
        check_rc(rc, 4, err)
        check("no subjectAltName" in err, err)
        check(out == "" and s.requests() == [], "nothing may reach the server: %r" % s.requests())


# ---- IP-address hosts: iPAddress SANs only ---------------------------------------------
def ip_url(s):
    return "https://127.0.0.1:%d/api" % s.port


def test_ip_address_url_matches_the_ip_san():
    with Server(cert="ip") as s:  # IP:127.0.0.1, IP:::1
        rc, _, err = run(["list"], ip_url(s))
        check_rc(rc, 0, err)
        check(len(s.requests()) == 1, s.requests())


def test_ip_address_url_is_not_matched_by_a_dns_san_spelling_it():
    with Server(cert="ipdns") as s:  # DNS:127.0.0.1
        rc, out, err = run(["--retries", "0", "list"], ip_url(s))
        check_rc(rc, 4, err)
        check("iPAddress" in err, err)
        check(out == "" and s.requests() == [], "nothing may reach the server: %r" % s.requests())


def test_dns_url_is_not_matched_by_an_ip_san():
    with Server(cert="ip") as s:
        rc, _, err = run(["--retries", "0", "list"], s.url)  # https://localhost:...
        check_rc(rc, 4, err)
        check(s.requests() == [], s.requests())


# ---- TLS 1.3 and the linked mbedTLS ------------------------------------------------------
def expected_mbedtls():
    return "2.28." if SUITE[0].endswith("mbedtls2") else "3.6."


def test_version_names_the_linked_mbedtls():
    rc, out, err = run(["--version"], key=None, ca=None)
    check_rc(rc, 0, err)
    m = re.match(r"^apconn \d+\.\d+\.\d+ \(mbedTLS (\d+\.\d+\.\d+)\)\n$", out)
    check(m is not None, "version line: %r" % out)
    check(m.group(1).startswith(expected_mbedtls()), "linked %s, expected %s" % (m.group(1), expected_mbedtls()))


class Tls13OnlyProxy:
    """A TLS 1.3-only front (Python's OpenSSL) for a plain-HTTP ap_server: what a
    modern reverse proxy configured with TLS 1.3 only looks like to the CLI."""

    def __init__(self, backend_port):
        self.backend_port = backend_port
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        self.ctx.load_cert_chain(os.path.join(TMP, "server.pem"), os.path.join(TMP, "server.key"))
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.versions = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        conn.settimeout(10)
        try:
            tls = self.ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            self.versions.append("failed")
            conn.close()
            return
        self.versions.append(tls.version())
        plain = socket.create_connection(("127.0.0.1", self.backend_port), timeout=10)
        try:
            while True:
                ready = [tls] if tls.pending() else select.select([tls, plain], [], [], 10)[0]
                if not ready:
                    return
                for src in ready:
                    data = src.recv(65536)
                    if not data:
                        return
                    (plain if src is tls else tls).sendall(data)
        except (ssl.SSLError, OSError):
            pass
        finally:
            for sock in (tls, plain):
                try:
                    sock.close()
                except OSError:
                    pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sock.close()


def test_tls13_only_server():
    with Server(cert=None) as backend, Tls13OnlyProxy(backend.port) as proxy:
        rc, out, err = run(["--retries", "0", "list"], "https://localhost:%d/api" % proxy.port)
        if expected_mbedtls() == "2.28.":  # no TLS 1.3 in 2.28: refused, nothing sent
            check_rc(rc, 4, err)
            check(backend.requests() == [], backend.requests())
        else:
            check_rc(rc, 0, err)
            check(proxy.versions == ["TLSv1.3"], proxy.versions)
            check(len(backend.requests()) == 1, backend.requests())


# ---- exit 5: the response is not what the contract says --------------------------------
def test_malformed_json_response_exits_5():
    with Server(seed=2, extra=["--fault", "malformed"]) as s:
        rc, _, err = run(["list"], s.url)
        check_rc(rc, 5, err)


def test_oversized_response_exits_5_naming_the_size():
    with Server(extra=["--fault", "oversized"]) as s:
        rc, out, err = run(create_args(), s.url)
        check_rc(rc, 5, err)
        size = len(ap_server.compact(dict(s.requests()[0]["response"], padding="x" * ap_server.OVERSIZED_PADDING)))
        need = needed_from(err, "bytes")
        check(size <= need < size + 65536, "needs %d bytes for a %d-byte body" % (need, size))
        check("did apply the change" in err and out == "", err)


def test_non_json_success_response_exits_5():
    with Server(seed=1, extra=["--fault", "text-plain"]) as s:
        rc, _, err = run(["list"], s.url)
        check_rc(rc, 5, err)


def test_truncated_response_exits_5():
    with Server(seed=1, extra=["--fault", "truncate"]) as s:
        rc, _, err = run(["--retries", "0", "list"], s.url)
        check_rc(rc, 5, err)


def test_body_cut_without_close_notify_exits_5():
    with Server(seed=1, extra=["--fault", "cut"]) as s:
        rc, _, err = run(["--retries", "0", "list"], s.url)
        check_rc(rc, 5, err)
        check("ended before its body was complete" in err, err)


def test_close_delimited_body_ended_by_close_notify_is_read():
    with Server(seed=1, extra=["--fault", "unframed"]) as s:
        rc, out, err = run(["list"], s.url)
        check_rc(rc, 0, err)
        check(len(out.splitlines()) == 1, out)


def test_close_delimited_body_cut_without_close_notify_is_not_believed():
    # The whole JSON arrived, but only close_notify proves it was all (RFC 8446 6.1). list
    # streams, so the item that arrived is printed; the exit status says the list is not whole.
    with Server(seed=1, extra=["--fault", "cut-unframed"]) as s:
        rc, out, err = run(["--retries", "0", "list"], s.url)
        check_rc(rc, 5, err)
        check("ended before its body was complete" in err, err)
        check([json.loads(line) for line in out.splitlines()] == listed(s), out)


# ---- examples/create_one.c, so that the first program a reader sees cannot rot ----------
def test_create_one_example_creates_a_connection():
    with Server() as s:
        env = clean_env()
        env["APCONN_API_KEY"] = KEY
        p = subprocess.run([CREATE_ONE, s.url, os.path.join(TMP, "ca.pem")], capture_output=True, text=True,
                           env=env, timeout=60)
        TRANSCRIPT.append((harness.CURRENT[0], p.stdout, p.stderr))
        check_rc(p.returncode, 0, p.stderr)
        check(p.stdout.startswith("created ") and "(Acme Slack)" in p.stdout, p.stdout)
        check(json.loads(s.requests()[0]["body"])["externalId"] == "acme_slack", "upsert sent")


# ---- secrets --------------------------------------------------------------------------
def test_key_and_values_never_appear_in_any_output():
    with Server() as s:
        run(["--verbose"] + create_args(), s.url)
        run(["--verbose", "list"], s.url)
    leaks = [(name, which) for name, out, err in TRANSCRIPT for which, text in (("stdout", out), ("stderr", err))
             if KEY in text or SECRET in text or STDIN_SECRET in text or KEY[3:] in text]
    check(len(TRANSCRIPT) > 40, "ran %d CLI commands" % len(TRANSCRIPT))
    check(leaks == [], "secret printed by: %r" % leaks)


def main():
    global BINARY, TMP, CREATE_ONE
    harness.usage(sys.argv, 1, "BINARY [SUITE_NAME [CREATE_ONE_BINARY]]")
    BINARY = os.path.abspath(sys.argv[1])
    SUITE[0] = sys.argv[2] if len(sys.argv) > 2 else "cli_integration"
    CREATE_ONE = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None
    only = os.environ.get("CLI_TEST_ONLY", "")  # run only tests whose name contains this
    with tempfile.TemporaryDirectory(prefix="apconn-cli-") as tmp:
        TMP = tmp
        subprocess.run(["sh", CERTS_SCRIPT, tmp], check=True, stdout=subprocess.DEVNULL)
        return harness.run_suite(SUITE[0], harness.tests_in(globals(), only, lambda n: CREATE_ONE or "create_one" not in n))


if __name__ == "__main__":
    sys.exit(main())
