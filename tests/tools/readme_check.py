#!/usr/bin/env python3
"""The README's C programs compile and run, and what it says about packages is true.

    python3 tests/tools/readme_check.py BUILD_DIR [MBEDTLS3_INCLUDE_DIR]

Every ```c block of README.md is a complete program. Each is built against an
installed copy (`make install` into a scratch prefix, flags from
`pkg-config --cflags --libs apconn-mbedtls`, as the README says), against the
checkout (`-I. -Iplatform`, as the README says), as C99 with -Werror, and with
mbedTLS 3.6's headers when given; the gateway program is run against the local
TLS test server. Prints "readme: N passed, N failed"."""

import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WARN = ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-Wshadow"]
MBEDTLS_LIBS = ["-lmbedtls", "-lmbedx509", "-lmbedcrypto"]
KEY = "sk-" + "R3adme" * 10 + "Z"
SECRET = "xoxb-readme-S3cret"
BUILD = MBEDTLS3 = TMP = None


def sh(args, env=None, cwd=None, ok=True, timeout=300):
    p = subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)
    if ok:
        check(p.returncode == 0, "%s failed (%d):\n%s%s" % (" ".join(args), p.returncode, p.stdout[-3000:], p.stderr[-3000:]))
    return p


def readme():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        return f.read()


def blocks(lang):
    return re.findall(r"^```%s\n(.*?)^```" % lang, readme(), re.S | re.M)


def programs():
    """(name, source) of each C block that is a whole program: the name is the
    file its first comment gives."""
    out = []
    for text in blocks("c"):
        m = re.match(r"/\* (\w+)\.c ", text)
        if m:
            out.append((m.group(1), text))
    return out


def fragments():
    """The other C blocks: statements, shown in the README's prose."""
    return [text for text in blocks("c") if not re.match(r"/\* (\w+)\.c ", text)]


# What a fragment may use without declaring it: a client, a connection, an
# error and two callbacks of the reader's own.
FRAGMENT_PRELUDE = """#define APCONN_IMPLEMENTATION
#include "apconn.h"
#include <stdio.h>
static void use(const apconn_connection *conn) { (void)conn; }
static void log_error(const apconn_error *err) { (void)err; }
void fragment(void);
void fragment(void) {
    static apconn_client c;
    static apconn_connection conn;
    static apconn_error err;
    (void)use; (void)log_error; (void)conn; (void)err; (void)c;
"""


def prefix():
    p = os.path.join(TMP, "prefix")
    if not os.path.isdir(p):
        env = dict(os.environ)
        env.pop("MAKEFLAGS", None)
        sh(["make", "-s", "--no-print-directory", "install", "PREFIX=" + p, "BUILD=" + BUILD], env=env, cwd=ROOT)
    return p


def build(name, text, flags, link=True):
    src = os.path.join(TMP, name + ".c")
    with open(src, "w") as f:
        f.write(text)
    exe = os.path.join(TMP, name)
    if link:
        sh(["cc"] + WARN + [src, "-o", exe] + flags)
    else:
        sh(["cc"] + WARN + ["-c", src, "-o", exe + ".o"] + flags)
    return exe


def pkg_flags():
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(prefix(), "lib", "pkgconfig"))
    return sh(["pkg-config", "--cflags", "--libs", "apconn-mbedtls"], env=env).stdout.split()


# ---- tests --------------------------------------------------------------------------------
def test_the_readme_has_a_firmware_program_and_a_gateway_program():
    names = [n for n, _ in programs()]
    check(names == ["device", "gateway"], names)
    for name, text in programs():
        check("int main(void)" in text, "%s is a complete program" % name)
        check(re.search(r"st = apconn_client_init\(.*?\n\s*if \(st != APCONN_OK\)", text, re.S),
              "%s checks apconn_client_init's result" % name)
        check("apconn_mbedtls_transport(" in text and "apconn_posix_transport(" in text, "%s sets up TLS" % name)
        includes = re.findall(r"^#(?:define|include) (\S+)", text, re.M)
        check(includes[:2] == ["APCONN_POSIX_IMPLEMENTATION", "<apconn_posix.h>"], "%s: POSIX first: %r" % (name, includes[:4]))


def test_the_readme_fragments_compile_as_statements():
    frags = fragments()
    check(len(frags) >= 2, "the projectIds loop and the page loop: %d fragments" % len(frags))
    for i, text in enumerate(frags):
        build("fragment%d" % i, FRAGMENT_PRELUDE + text + "}\n", ["-I" + ROOT], link=False)


def test_the_programs_build_against_an_installed_copy_through_pkg_config():
    for name, text in programs():
        build("pc_" + name, text, pkg_flags())


def test_the_programs_build_from_a_checkout_as_the_readme_says():
    check("cc -I. -Iplatform app.c -lmbedtls -lmbedx509 -lmbedcrypto" in readme(), "the README's checkout command")
    for name, text in programs():
        build("co_" + name, text, ["-I" + ROOT, "-I" + os.path.join(ROOT, "platform")] + MBEDTLS_LIBS)


def test_the_programs_compile_with_mbedtls_3():
    if not MBEDTLS3 or not os.path.isdir(MBEDTLS3):
        raise AssertionError("mbedTLS 3.6 headers not built: %r" % MBEDTLS3)
    for name, text in programs():
        build("m3_" + name, text, ["-I" + ROOT, "-I" + os.path.join(ROOT, "platform"), "-isystem", MBEDTLS3], link=False)


def test_the_wrong_include_order_is_caught_with_a_message():
    # What the README warns about: apconn.h's implementation before the POSIX layer.
    name, text = programs()[1]
    moved = text.replace("#define APCONN_POSIX_IMPLEMENTATION\n#include <apconn_posix.h>\n", "")
    moved = moved.replace("#define APCONN_PROXY_IMPLEMENTATION", "#define APCONN_POSIX_IMPLEMENTATION\n"
                          "#include <apconn_posix.h>\n#define APCONN_PROXY_IMPLEMENTATION")
    check(moved != text, "reordered")
    src = os.path.join(TMP, "wrong_order.c")
    with open(src, "w") as f:
        f.write(moved)
    p = sh(["cc"] + WARN + ["-c", src, "-o", src + ".o", "-I" + ROOT, "-I" + os.path.join(ROOT, "platform")], ok=False)
    check(p.returncode != 0 and "before every other #include" in p.stderr, p.stderr[-500:])


def test_the_gateway_program_creates_a_connection_on_the_test_server():
    exe = build("run_gateway", dict(programs())["gateway"], pkg_flags())
    certs = os.path.join(TMP, "certs")
    sh(["sh", os.path.join(ROOT, "tests", "tools", "make_test_certs.sh"), certs])
    log = os.path.join(TMP, "server.log")
    with harness.ServerProcess([sys.executable, os.path.join(ROOT, "tests", "server", "ap_server.py"), "--port", "0",
                                "--api-key", KEY, "--log", log, "--tls-cert", os.path.join(certs, "server.pem"),
                                "--tls-key", os.path.join(certs, "server.key")]) as server:
        port = server.port
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy") and not k.startswith("APCONN_")}
        env.update(APCONN_URL="https://localhost:%d/api" % port, APCONN_API_KEY=KEY, SLACK_BOT_TOKEN=SECRET,
                   APCONN_CA_BUNDLE=os.path.join(certs, "ca.pem"))
        p = sh([exe], env=env, ok=False, timeout=60)
        check(p.returncode == 0 and re.match(r"^created [0-9A-Za-z]{21} \(Acme Slack\)\n$", p.stdout),
              "exit %d: %r %r" % (p.returncode, p.stdout, p.stderr))
        with open(log) as f:
            req = json.loads(f.readline())
        body = json.loads(req["body"])
        check(body["value"] == {"type": "SECRET_TEXT", "secret_text": SECRET} and body["externalId"] == "acme_slack", body)
        # a wrong key is refused by the server (exit 1, the error formatted), nothing printed on stdout
        env["APCONN_API_KEY"] = "sk-" + "w" * 61
        p = sh([exe], env=env, ok=False, timeout=60)
        check(p.returncode == 1 and p.stdout == "" and "401" in p.stderr, (p.returncode, p.stderr))
        # an unverifiable server: TLS says why
        env["APCONN_CA_BUNDLE"] = os.path.join(certs, "other_ca.pem")
        env["APCONN_API_KEY"] = KEY
        p = sh([exe], env=env, ok=False, timeout=60)
        check(p.returncode == 1 and "upsert failed" in p.stderr, (p.returncode, p.stderr))


def test_the_readme_names_the_packages_and_where_jsmn_comes_from():
    text = readme()
    for pc in re.findall(r"pkg-config --cflags(?: --libs)? ([a-z-]+)", text):
        check(os.path.isfile(os.path.join(ROOT, "platform", "pkgconfig", pc + ".pc.in")), "no package %s" % pc)
    for words in ("`apconn`", "`apconn-mbedtls`", "#include <apconn/apconn.h>", "libjsmn-dev", "espressif/jsmn",
                  "PlatformIO", "jsmn 1.1.0's `jsmn.h`", "apconn::apconn", "apconn::mbedtls", "CONFIG_APCONN=y"):
        check(words in text, "README mentions %s" % words)
    check("inlined\" while" not in text and "jsmn is inlined" not in text, "jsmn is not bundled")
    with open(os.path.join(ROOT, "apconn.h")) as f:
        major_minor = ".".join(re.search(r'APCONN_VERSION_STRING "([^"]+)"', f.read()).group(1).split(".")[:2])
    asked = re.findall(r"find_package\(apconn ([0-9.]+)", text)
    check(asked and all(v == major_minor for v in asked), "find_package versions %r, apconn.h is %s" % (asked, major_minor))


def test_every_make_target_the_readme_names_exists():
    # make's own database (-p; -q runs nothing): every rule, a rule for several targets too
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    db = subprocess.run(["make", "-C", ROOT, "-pq", "BUILD=" + os.path.join(TMP, "make-db"), "help"],
                        capture_output=True, text=True, env=env).stdout.splitlines()
    targets = set(m.group(1) for prev, line in zip([""] + db, db) if prev != "# Not a target:"
                  for m in [re.match(r"^([a-z][a-z0-9-]*):", line)] if m)
    check("deps-test" in targets and "unit" in targets, "make -pq lists the targets: %r" % sorted(targets))
    named = set(re.findall(r"`make ([a-z][a-z0-9-]*)", readme())) | set(
        t for b in blocks("sh") for t in re.findall(r"^make ([a-z][a-z0-9-]*)", b, re.M))
    check(named and named <= targets, "README names missing targets: %r" % sorted(named - targets))


def main():
    return harness.build_dir_main("readme", globals(), sys.argv)


if __name__ == "__main__":
    sys.exit(main())
