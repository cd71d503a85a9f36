"""The one harness of the Python suites (the C suites have tests/harness.h).

    from harness import check, run_suite, tests_in
    def test_something():
        check(1 + 1 == 2, "arithmetic")
    sys.exit(run_suite("my_suite", tests_in(globals())))

- check(cond, what) counts one check and fails the running test when cond is false.
- A test is a function named test_* or a test_* method of a harness.Case (a
  unittest.TestCase whose assert* calls count as checks; setUp, tearDown and
  addCleanup work as in unittest). Tests run in the order they are defined.
- A test fails when a check fails, when it raises, or when it made no check.
- run_suite() prints "  FAIL <test>: <why>" per failure, then the summary line
  "<suite>: N passed, N failed" that tests/tools/run_tests.sh sums, and returns
  the exit status (1 when anything failed).
- ServerProcess starts a server subprocess that prints its port (picked by the
  server: --port 0) as its first line, waits for it with a timeout and stops it.
"""

import inspect
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import traceback
import unittest

CURRENT = ["?"]  # name of the running test (suites tag their transcripts with it)
_checks = [0]


def check(cond, what=""):
    """One check: fails the running test with `what` unless cond holds."""
    _checks[0] += 1
    if not cond:
        raise AssertionError(what)


class Case(unittest.TestCase):
    """unittest.TestCase whose assert* methods count as harness checks."""

    def __getattribute__(self, name):
        attr = super().__getattribute__(name)
        if name.startswith("assert") and callable(attr):
            _checks[0] += 1
        return attr


def free_port():
    """A port that was free a moment ago (for programs that cannot report the one they bind)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def stop_process(proc, timeout=5):
    """SIGTERM, then SIGKILL after `timeout` seconds; always reaps."""
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class ServerProcess:
    """A server subprocess that prints the port it bound as its first stdout line
    (read_port=False: it reports no port). Stops on exit from `with` or stop()."""

    def __init__(self, argv, read_port=True, timeout=30, stderr=subprocess.DEVNULL):
        self.proc = subprocess.Popen(list(argv), stdout=subprocess.PIPE, stderr=stderr, text=True)
        self.port = None
        if read_port:
            ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
            line = self.proc.stdout.readline() if ready else ""
            if not line.strip().isdigit():
                self.stop()
                raise AssertionError("%s printed no port within %d s (got %r)" % (argv[1] if len(argv) > 1 else argv[0],
                                                                                  timeout, line))
            self.port = int(line)

    def stop(self):
        stop_process(self.proc)
        self.proc.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def tests_in(namespace, only="", keep=None):
    """The tests defined in a module's globals() as (name, callable) pairs: test_* functions in
    definition order, and the test_* methods of each harness.Case subclass (as unittest finds
    them). `only` keeps the names containing it; keep(name) may drop more."""
    found = []
    for name, obj in list(namespace.items()):
        if inspect.isfunction(obj) and name.startswith("test_"):
            found.append((name, obj))
        elif inspect.isclass(obj) and issubclass(obj, Case) and obj is not Case:
            found += [("%s.%s" % (name, m), _case_runner(obj, m))
                      for m in unittest.defaultTestLoader.getTestCaseNames(obj)]
    return [(n, f) for n, f in found if only in n and (keep is None or keep(n))]


def _case_runner(cls, method):
    def run():
        result = unittest.TestResult()
        cls(method).run(result)
        problems = result.errors + result.failures
        if problems:
            raise AssertionError(problems[0][1].strip())
    return run


def _why(exc_info):
    """One line for a failed check; the whole traceback for anything unexpected."""
    kind, exc, tb = exc_info
    if kind is AssertionError:
        text = str(exc)
        if not text:  # check(cond) with no text: the failing line, from the test's own file
            frames = [f for f in traceback.extract_tb(tb) if f.filename != __file__]
            text = "%s:%d: %s" % (os.path.basename(frames[-1].filename), frames[-1].lineno, frames[-1].line)
    else:
        text = traceback.format_exc().strip()
    return text if len(text) <= 3000 else text[:1500] + "\n[...]\n" + text[-1500:]


def run_suite(suite, tests):
    """Runs (name, fn) pairs; prints failures and "<suite>: N passed, N failed"; returns 0 or 1."""
    # SIGTERM (a timeout, ^C from make) unwinds every `with` so servers stop.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    passed = failed = 0
    for name, fn in tests:
        CURRENT[0] = name
        _checks[0] = 0
        try:
            fn()
            if _checks[0] == 0:
                raise AssertionError("made no check (a test that cannot fail is a defect)")
            passed += 1
        except Exception:  # noqa: BLE001 - every failure is reported, none stops the suite
            failed += 1
            print("  FAIL %s: %s" % (name, _why(sys.exc_info())))
        sys.stdout.flush()
    print("%s: %d passed, %d failed" % (suite, passed, failed))
    sys.stdout.flush()
    return 1 if failed else 0


def build_dir_main(suite, namespace, argv, only=""):
    """main() of a suite run as `prog BUILD_DIR [MBEDTLS3_INCLUDE_DIR]`: sets
    the module's BUILD, MBEDTLS3 and TMP (a temporary directory under
    BUILD, removed afterwards) and runs its tests; the exit status."""
    usage(argv, 1, "BUILD_DIR [MBEDTLS3_INCLUDE_DIR]")
    namespace["BUILD"] = os.path.abspath(argv[1])
    namespace["MBEDTLS3"] = argv[2] if len(argv) > 2 else None
    os.makedirs(namespace["BUILD"], exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=suite + "-", dir=namespace["BUILD"]) as tmp:
        namespace["TMP"] = tmp
        return run_suite(suite, tests_in(namespace, only))


def usage(argv, nargs, text):
    """Exits 2 with `usage: text` unless argv has at least nargs arguments."""
    if len(argv) - 1 < nargs:
        print("usage: %s %s" % (os.path.basename(argv[0]), text), file=sys.stderr)
        sys.exit(2)
