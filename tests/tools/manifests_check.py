#!/usr/bin/env python3
"""Every build manifest apconn ships, checked the way its tool would use it.

    python3 tests/tools/manifests_check.py BUILD_DIR [MBEDTLS3_DIR]

CMake runs for real (Debian's cmake): find_package(apconn) from `make install`
trees (PREFIX, and DESTDIR + PREFIX moved elsewhere), from `cmake --install`, and
add_subdirectory(). ESP-IDF, Zephyr, PlatformIO and Arduino cannot run here (they
download toolchains), so each manifest is parsed, every file it names must exist,
the CMake parts (root CMakeLists.txt for IDF, platform/zephyr/CMakeLists.txt) run
under `cmake -P` with the tool's functions stubbed to record their arguments, and
the sources are compiled with exactly the include directories, definitions and
language that the manifest gives. Prints "manifests: N passed, N failed"."""

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = None
MBEDTLS3 = None
TMP = None
WARN = ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-Wshadow"]
PLATFORM_HEADERS = sorted(f for f in os.listdir(os.path.join(ROOT, "platform")) if f.endswith(".h"))


def sh(args, cwd=None, env=None, ok=True):
    p = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if ok:
        check(p.returncode == 0, "%s failed (%d):\n%s%s" % (" ".join(args), p.returncode, p.stdout[-3000:], p.stderr[-3000:]))
    return p


def version():
    with open(os.path.join(ROOT, "apconn.h")) as f:
        return re.search(r'^#define APCONN_VERSION_STRING "([^"]+)"', f.read(), re.M).group(1)


def apconn_h_defaults():
    """APCONN_X -> default text, for every `#ifndef APCONN_X / #define APCONN_X v` pair."""
    with open(os.path.join(ROOT, "apconn.h")) as f:
        text = f.read()
    return {m.group(1): m.group(2).strip() for m in
            re.finditer(r"^#ifndef (APCONN_[A-Z0-9_]+)\n(?:(?!#endif).*\n){0,6}?#define \1 ([^/\n]*)", text, re.M)}


def scratch(name):
    d = os.path.join(TMP, name)
    os.makedirs(d, exist_ok=True)
    return d


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


# A program that uses both the core and the transports; built by every consumer.
CONSUMER_C = r"""
#define APCONN_POSIX_IMPLEMENTATION
#include <apconn_posix.h>
#define APCONN_IMPLEMENTATION
#include <apconn/apconn.h>
#include <apconn.h>
#define APCONN_PROXY_IMPLEMENTATION
#include <apconn_proxy.h>
#define APCONN_MBEDTLS_IMPLEMENTATION
#include <apconn_mbedtls.h>
#include <stdio.h>
#include <string.h>
int main(void) {
    apconn_mbedtls_config cfg;
    apconn_json_writer w;
    char out[64];
    size_t len = 0;
    apconn_mbedtls_config_init(&cfg);
    apconn_json_init(&w, out, sizeof out);
    apconn_json_object_begin(&w);
    apconn_json_key(&w, "v");
    apconn_json_string(&w, APCONN_VERSION_STRING);
    apconn_json_object_end(&w);
    if (apconn_json_finish(&w, &len) != APCONN_OK || cfg.ca != NULL || !apconn_proxy_bypass("*", "x")) return 1;
    printf("%s\n", out);
    return 0;
}
"""

CONSUMER_CMAKE = """cmake_minimum_required(VERSION 3.13)
project(consumer C)
%s
add_executable(core core.c)
target_link_libraries(core PRIVATE apconn::apconn)
add_executable(tls tls.c)
target_link_libraries(tls PRIVATE apconn::mbedtls)
"""

CORE_C = r"""
#define APCONN_IMPLEMENTATION
#include <apconn/apconn.h>
#include <apconn.h>
int main(void) { return apconn_strerror(APCONN_ERR_TIMEOUT)[0] ? 0 : 1; }
"""


def build_consumer(name, find_stanza, cmake_args=(), env=None):
    src = scratch(name + "-src")
    write(os.path.join(src, "CMakeLists.txt"), CONSUMER_CMAKE % find_stanza)
    write(os.path.join(src, "core.c"), CORE_C)
    write(os.path.join(src, "tls.c"), CONSUMER_C)
    out = os.path.join(TMP, name + "-build")
    shutil.rmtree(out, ignore_errors=True)
    sh(["cmake", "-S", src, "-B", out, "-DCMAKE_C_FLAGS=" + " ".join(WARN)] + list(cmake_args), env=env)
    sh(["cmake", "--build", out], env=env)
    check(sh([os.path.join(out, "core")]).returncode == 0, "core runs")
    got = sh([os.path.join(out, "tls")]).stdout.strip()
    check(got == '{"v":"%s"}' % version(), got)
    return out


def make_install(destdir, prefix):
    env = dict(os.environ)
    env.pop("MAKEFLAGS", None)
    args = ["make", "-s", "--no-print-directory", "install", "PREFIX=" + prefix, "BUILD=" + BUILD]
    if destdir:
        args.append("DESTDIR=" + destdir)
    sh(args, cwd=ROOT, env=env)


# ---- CMake --------------------------------------------------------------------------
def test_cmake_find_package_from_a_make_install_prefix():
    prefix = scratch("prefix")
    make_install(None, prefix)
    check(os.path.isfile(os.path.join(prefix, "lib/cmake/apconn/apconnConfig.cmake")), "config installed")
    build_consumer("find-prefix", "find_package(apconn %s REQUIRED)" % version(), ["-DCMAKE_PREFIX_PATH=" + prefix])


def test_cmake_find_package_from_a_destdir_tree_moved_elsewhere():
    stage = scratch("stage")
    make_install(stage, "/opt/apconn")
    tree = os.path.join(stage, "opt", "apconn")
    moved = os.path.join(TMP, "moved-apconn")
    shutil.rmtree(moved, ignore_errors=True)
    shutil.move(tree, moved)  # the package config must not remember where it was installed
    build_consumer("find-destdir", "find_package(apconn REQUIRED)", ["-DCMAKE_PREFIX_PATH=" + moved])


def test_cmake_find_package_checks_the_version():
    prefix = scratch("prefix")
    make_install(None, prefix)
    major, minor = version().split(".")[:2]
    src = scratch("version-src")
    for want, found in (("%s.%s" % (major, minor), True), ("%s.%s" % (major, int(minor) + 1), False),
                        ("%d.0" % (int(major) + 1), False)):
        write(os.path.join(src, "CMakeLists.txt"),
              "cmake_minimum_required(VERSION 3.13)\nproject(v NONE)\nfind_package(apconn %s QUIET)\n"
              "if(NOT apconn_FOUND)\n  message(FATAL_ERROR \"not found\")\nendif()\n" % want)
        p = sh(["cmake", "-S", src, "-B", os.path.join(TMP, "version-build"), "-DCMAKE_PREFIX_PATH=" + prefix], ok=False)
        shutil.rmtree(os.path.join(TMP, "version-build"), ignore_errors=True)
        check((p.returncode == 0) == found, "find_package(apconn %s): exit %d" % (want, p.returncode))


def test_cmake_find_package_without_jsmn_says_so():
    prefix = scratch("prefix")
    make_install(None, prefix)
    src = scratch("nojsmn-src")
    write(os.path.join(src, "CMakeLists.txt"),
          "cmake_minimum_required(VERSION 3.13)\nproject(n NONE)\nfind_package(apconn REQUIRED)\n")
    p = sh(["cmake", "-S", src, "-B", os.path.join(TMP, "nojsmn-build"), "-DCMAKE_PREFIX_PATH=" + prefix,
            "-DAPCONN_JSMN_INCLUDE_DIR=APCONN_JSMN_INCLUDE_DIR-NOTFOUND", "-DCMAKE_FIND_ROOT_PATH=/nonexistent",
            "-DCMAKE_FIND_ROOT_PATH_MODE_INCLUDE=ONLY"], ok=False)
    check(p.returncode != 0 and "libjsmn-dev" in p.stdout + p.stderr, p.stdout + p.stderr)


def test_cmake_add_subdirectory():
    build_consumer("subdir", "add_subdirectory(%s apconn)" % ROOT)


def test_cmake_install_of_the_project_then_find_package():
    out = os.path.join(TMP, "project-build")
    prefix = scratch("cmake-prefix")
    sh(["cmake", "-S", ROOT, "-B", out, "-DCMAKE_INSTALL_PREFIX=" + prefix])
    sh(["cmake", "--build", out])
    sh(["cmake", "--install", out])
    cfg = [os.path.join(d, f) for d, _, fs in os.walk(prefix) for f in fs if f == "apconnConfig.cmake"]
    check(len(cfg) == 1, cfg)
    pcs = [f for _, _, fs in os.walk(prefix) for f in fs if f.endswith(".pc")]
    check(sorted(pcs) == ["apconn-mbedtls.pc", "apconn.pc"], pcs)
    for h in PLATFORM_HEADERS:
        check(os.path.isfile(os.path.join(prefix, "include/apconn/platform", h)), h)
    build_consumer("cmake-installed", "find_package(apconn REQUIRED)", ["-DCMAKE_PREFIX_PATH=" + prefix])


def test_pkg_config_cflags_give_both_include_forms():
    prefix = scratch("prefix")
    make_install(None, prefix)
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(prefix, "lib", "pkgconfig"))
    flags = sh(["pkg-config", "--cflags", "--libs", "apconn-mbedtls"], env=env).stdout.split()
    src = write(os.path.join(TMP, "pc", "use.c"), CONSUMER_C)
    exe = os.path.join(TMP, "pc", "use")
    sh(["cc"] + WARN + [src, "-o", exe] + flags)
    check(sh([exe]).stdout.strip() == '{"v":"%s"}' % version(), "runs")


def test_make_install_installs_the_cli_man_page_and_completion():
    prefix = scratch("prefix")
    make_install(None, prefix)
    exe = os.path.join(prefix, "bin", "apconn")
    check(os.access(exe, os.X_OK), "bin/apconn")
    check(sh([exe, "--version"]).stdout.startswith("apconn " + version() + " (mbedTLS "), "installed CLI runs")
    man = os.path.join(prefix, "share/man/man1/apconn.1")
    text = open(man).read()
    check("@VERSION@" not in text and "apconn " + version() in text, "version filled in")
    p = sh(["groff", "-man", "-Tutf8", "-ww", "-z", man])
    check(p.stderr.strip() == "", "groff warnings: %s" % p.stderr)
    rendered = sh(["groff", "-man", "-Tascii", "-rHY=0", man]).stdout  # no hyphenation
    rendered = " ".join(re.sub(r".\x08", "", rendered).split())
    for words in ("APCONN_API_KEY", "https_proxy", "no_proxy", "--cursor-file", "next-cursor:",
                  "visible to other local users", "EXIT STATUS"):
        check(words in rendered, "man page mentions %s" % words)
    comp = os.path.join(prefix, "share/bash-completion/completions/apconn")
    script = ("source %s; COMP_WORDS=(apconn list --st); COMP_CWORD=2; _apconn; echo \"${COMPREPLY[*]}\"; "
              "COMP_WORDS=(apconn create --type S); COMP_CWORD=3; _apconn; echo \"${COMPREPLY[*]}\"; complete -p apconn"
              % comp)
    lines = sh(["bash", "-c", script]).stdout.splitlines()
    check(lines[0] == "--status" and lines[1] == "SECRET_TEXT" and "_apconn" in lines[2], lines)
    env = dict(os.environ)
    env.pop("MAKEFLAGS", None)
    sh(["make", "-s", "--no-print-directory", "uninstall", "PREFIX=" + prefix, "BUILD=" + BUILD], cwd=ROOT, env=env)
    left = [os.path.join(d, f) for d, _, fs in os.walk(prefix) for f in fs]
    check(left == [], "uninstall leaves %r" % left)


def test_every_cli_option_is_in_the_man_page_and_the_completion():
    with open(os.path.join(ROOT, "examples", "apconn_cli.c")) as f:
        cli = f.read()
    options = set(re.findall(r'"(--[a-z][a-z-]+)', cli)) - {"--help"}
    man = open(os.path.join(ROOT, "examples", "apconn.1")).read().replace("\\-", "-")
    comp = open(os.path.join(ROOT, "examples", "apconn-completion.bash")).read()
    missing = sorted(o for o in options if o not in man or o not in comp)
    check(len(options) > 20 and missing == [], "not documented or not completed: %r" % missing)


# ---- ESP-IDF ------------------------------------------------------------------------------
IDF_STUB = """
function(idf_component_register)
  cmake_parse_arguments(A "" "" "SRCS;SRC_DIRS;INCLUDE_DIRS;PRIV_INCLUDE_DIRS;REQUIRES;PRIV_REQUIRES" ${ARGN})
  if(A_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "idf_component_register: unknown arguments ${A_UNPARSED_ARGUMENTS}")
  endif()
  foreach(k SRCS SRC_DIRS INCLUDE_DIRS PRIV_INCLUDE_DIRS REQUIRES PRIV_REQUIRES)
    file(APPEND "${OUT}" "${k}=${A_${k}}\\n")
  endforeach()
endfunction()
function(target_compile_definitions target scope)
  file(APPEND "${OUT}" "TARGET_DEFINITIONS=${target} ${scope} ${ARGN}\n")
endfunction()
set(COMPONENT_LIB __idf_apconn)
set(ESP_PLATFORM 1)
set(CMAKE_CURRENT_SOURCE_DIR "${COMPONENT_DIR}")
include("${COMPONENT_DIR}/CMakeLists.txt")
file(APPEND "${OUT}" "AFTER_RETURN=not-reached-means-ok\\n")
"""


def run_stubbed(stub, defs):
    d = scratch("stub")
    script = write(os.path.join(d, "run.cmake"), stub)
    out = os.path.join(d, "out.txt")
    if os.path.exists(out):
        os.remove(out)
    sh(["cmake"] + ["-D%s=%s" % kv for kv in defs] + ["-DOUT=" + out, "-P", script])
    rec = {}
    if not os.path.exists(out):
        return rec  # the stubs were never called
    with open(out) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            rec.setdefault(k, []).append(v)
    return rec


def mbedtls_include_dirs():
    dirs = [None]  # Debian's mbedTLS 2.28 in /usr/include
    if MBEDTLS3 and os.path.isdir(MBEDTLS3):
        dirs.append(MBEDTLS3)  # ESP-IDF 5 and Zephyr ship mbedTLS 3.x
    return dirs


def compile_c(name, text, flags, cxx=False):
    src = write(os.path.join(TMP, "cc", name + (".cpp" if cxx else ".c")), text)
    cmd = (["g++", "-std=gnu++11", "-Wall", "-Wextra", "-Werror", "-x", "c++"] if cxx else ["cc"] + WARN)
    sh(cmd + flags + ["-c", src, "-o", src + ".o"])


def jsmn_as(layout_dir):
    """Debian's jsmn 1.1.0 header placed where a registry would put it."""
    os.makedirs(layout_dir, exist_ok=True)
    shutil.copy("/usr/include/jsmn.h", os.path.join(layout_dir, "jsmn.h"))
    return layout_dir


def test_esp_idf_manifest_names_jsmn_and_idf():
    with open(os.path.join(ROOT, "idf_component.yml")) as f:
        m = yaml.safe_load(f)
    check(m["version"] == version(), "idf_component.yml version %s != apconn.h %s" % (m["version"], version()))
    deps = m["dependencies"]
    check(set(deps) == {"idf", "espressif/jsmn"}, deps)
    jsmn = deps["espressif/jsmn"]
    check(jsmn["version"].lstrip("^~>=") .startswith("1.1") and jsmn.get("require") == "public", jsmn)
    check(re.match(r"^>=\s*4\.[4-9]|^>=\s*5", str(deps["idf"])), deps["idf"])
    check(m["license"] == "MIT" and m["description"] and m["url"], m)
    for pattern in m["files"]["exclude"]:  # the registry archive must keep what the build needs
        for kept in ["apconn.h", "CMakeLists.txt", "idf_component.yml", "LICENSE"] + ["platform/" + h for h in PLATFORM_HEADERS]:
            check(not fnmatch.fnmatch(kept, pattern), "%s excluded by %s" % (kept, pattern))


def test_esp_idf_component_registers_and_compiles_as_declared():
    rec = run_stubbed(IDF_STUB, [("COMPONENT_DIR", ROOT)])
    check("AFTER_RETURN" in rec and rec["INCLUDE_DIRS"][0], rec)  # the ESP branch ends in return()
    check(rec["SRCS"] == [""] and rec["SRC_DIRS"] == [""], "header-only component: %r" % rec)
    requires = rec["REQUIRES"][0].split(";")
    check("mbedtls" in requires, "IDF's mbedtls is required: %r" % requires)
    incs = [os.path.join(ROOT, d) for d in rec["INCLUDE_DIRS"][0].split(";")]
    for d in incs:
        check(os.path.isdir(d), d)
    check("TARGET_DEFINITIONS" not in rec, rec)
    linked = run_stubbed(IDF_STUB, [("COMPONENT_DIR", ROOT), ("CONFIG_JSMN_PARENT_LINKS", "y")])
    check(linked.get("TARGET_DEFINITIONS") == ["__idf_apconn INTERFACE JSMN_PARENT_LINKS"],
          "espressif/jsmn's parent links reach apconn's users: %r" % linked)
    # espressif/jsmn puts jsmn.h in its include/ (managed_components/espressif__jsmn/include)
    jsmn = jsmn_as(os.path.join(TMP, "managed_components", "espressif__jsmn", "include"))
    for mbed in mbedtls_include_dirs():
        flags = ["-I" + d for d in incs] + ["-I" + jsmn] + (["-isystem", mbed] if mbed else [])
        compile_c("idf_main", CONSUMER_C.replace("<apconn/apconn.h>", "<apconn.h>"), flags)
        compile_c("idf_main_links", CONSUMER_C.replace("<apconn/apconn.h>", "<apconn.h>"), flags + ["-DJSMN_PARENT_LINKS"])


# ---- Zephyr -------------------------------------------------------------------------------
ZEPHYR_STUB = """
function(zephyr_include_directories)
  foreach(d ${ARGN})
    file(APPEND "${OUT}" "INCLUDE=${d}\\n")
  endforeach()
endfunction()
function(zephyr_compile_definitions)
  foreach(d ${ARGN})
    file(APPEND "${OUT}" "DEFINE=${d}\\n")
  endforeach()
endfunction()
function(zephyr_library_sources) # a header-only module has none: recorded if used
  file(APPEND "${OUT}" "SOURCES=${ARGN}\\n")
endfunction()
file(STRINGS "${CONFIG_FILE}" _lines)
foreach(_l ${_lines})
  if(_l MATCHES "^(CONFIG_[A-Z0-9_]+)=(.*)$")
    set(${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
  endif()
endforeach()
include("${MODULE_CMAKE}/CMakeLists.txt")
"""


def parse_kconfig(path):
    """{NAME: {"type": int|bool, "default": str|None, "range": (lo, hi)}} of `config NAME` blocks."""
    opts, cur = {}, None
    with open(path) as f:
        for raw in f:
            line = raw.strip()
            m = re.match(r"^(?:menu)?config (\w+)$", line)
            if m:
                cur = opts.setdefault(m.group(1), {"type": None, "default": None, "range": None})
                continue
            if cur is None:
                continue
            if re.match(r"^(int|bool|string|hex)\b", line):
                cur["type"] = line.split()[0]
            elif line.startswith("default "):
                cur["default"] = line.split(None, 1)[1]
            elif line.startswith("range "):
                lo, hi = line.split()[1:3]
                cur["range"] = (int(lo), int(hi))
    return opts


def zephyr_paths():
    with open(os.path.join(ROOT, "zephyr", "module.yml")) as f:
        m = yaml.safe_load(f)
    return m, os.path.join(ROOT, m["build"]["cmake"]), os.path.join(ROOT, m["build"]["kconfig"])


def test_zephyr_module_points_into_platform():
    m, cmake_dir, kconfig = zephyr_paths()
    check(m["name"] == "apconn", m)
    check(m["build"]["cmake"].startswith("platform/") and m["build"]["kconfig"].startswith("platform/"), m)
    check(os.path.isfile(os.path.join(cmake_dir, "CMakeLists.txt")) and os.path.isfile(kconfig), m)


def test_zephyr_kconfig_options_are_apconn_macros_with_the_same_defaults():
    _, _, kconfig = zephyr_paths()
    opts = parse_kconfig(kconfig)
    check(opts.get("APCONN", {}).get("type") == "bool", "menuconfig APCONN")
    defaults = apconn_h_defaults()
    sizes = [n for n in opts if n != "APCONN"]
    check(len(sizes) >= 8, sizes)
    for name in sizes:
        o = opts[name]
        check(name.startswith("APCONN_"), name)
        if o["type"] == "bool":
            with open(os.path.join(ROOT, "apconn.h")) as f:
                text = f.read()
            check(re.search(r"defined\(%s\)|#ifn?def %s\b" % (name, name), text) is not None,
                  "%s is not used by apconn.h" % name)
            continue
        check(o["type"] == "int" and name in defaults, "%s: no #ifndef %s in apconn.h" % (name, name))
        check(o["default"] == defaults[name].rstrip("uUlL"), "%s: Kconfig %s, apconn.h %s" % (name, o["default"], defaults[name]))
        check(o["range"] and o["range"][0] <= int(o["default"]) <= o["range"][1], "%s range" % name)


def zephyr_compile(config):
    _, cmake_dir, kconfig = zephyr_paths()
    cfg = write(os.path.join(TMP, "zephyr", ".config"), "".join("CONFIG_%s=%s\n" % kv for kv in config.items()))
    rec = run_stubbed(ZEPHYR_STUB, [("CONFIG_FILE", cfg), ("MODULE_CMAKE", cmake_dir)])
    return rec


def test_zephyr_module_maps_kconfig_to_definitions_and_compiles():
    _, _, kconfig = zephyr_paths()
    opts = parse_kconfig(kconfig)
    check(zephyr_compile({"APCONN": "n"}) == {}, "CONFIG_APCONN=n adds nothing")
    config = {"APCONN": "y"}
    changed = {}
    for name, o in opts.items():  # every int option off its default, inside its range
        if name != "APCONN" and o["type"] == "int":
            config[name] = changed[name] = str(min(int(o["default"]) + 8, o["range"][1]))
    config["APCONN_NO_STATUS_TEXT"] = "y"
    rec = zephyr_compile(config)
    incs = rec.get("INCLUDE", [])
    check(sorted(os.path.realpath(d) for d in incs) == sorted([ROOT, os.path.join(ROOT, "platform")]), incs)
    check("SOURCES" not in rec, "header-only: %r" % rec.get("SOURCES"))
    defines = dict(d.split("=", 1) for d in rec["DEFINE"])
    check(defines == dict(changed, APCONN_NO_STATUS_TEXT="1"), defines)
    checks = "".join("typedef char check_%s[(%s == %s) ? 1 : -1];\n" % (n, n, v) for n, v in changed.items())
    text = ("#define APCONN_IMPLEMENTATION\n#include <apconn.h>\n#include <apconn_mbedtls.h>\n%s"
            "int zephyr_main(void);\nint zephyr_main(void) { return apconn_strerror(APCONN_OK)[0] == 'A' ? 0 : 1; }\n" % checks)
    jsmn = jsmn_as(os.path.join(TMP, "zephyr-app", "jsmn"))  # the application adds jsmn.h's directory
    for mbed in mbedtls_include_dirs():
        flags = ["-I" + d for d in incs] + ["-D" + d for d in rec["DEFINE"]] + ["-I" + jsmn] + (["-isystem", mbed] if mbed else [])
        compile_c("zephyr_main", text, flags)


# ---- PlatformIO -----------------------------------------------------------------------------
def pio_selected(src_dir, filters):
    """The files PlatformIO's srcFilter picks under src_dir (ordered +<glob> / -<glob>)."""
    files = [os.path.relpath(os.path.join(d, f), src_dir) for d, _, fs in os.walk(src_dir) for f in fs
             if ".git" not in d and "/build" not in d + "/"]
    chosen = set()
    for flt in filters:
        for sign, glob in re.findall(r"([+-])<([^>]*)>", flt):
            hit = {f for f in files if fnmatch.fnmatch(f, glob) or fnmatch.fnmatch(f, glob.rstrip("/") + "/*")}
            chosen = chosen | hit if sign == "+" else chosen - hit
    return sorted(f for f in chosen if f.endswith((".c", ".cpp", ".cc", ".S")))


def test_platformio_manifest_declares_frameworks_and_jsmn():
    with open(os.path.join(ROOT, "library.json")) as f:
        m = json.load(f)
    check(m["name"] == "apconn" and m["version"] == version(), "library.json version %s" % m["version"])
    check(m["frameworks"] == "*" and m["platforms"] == "*", "every framework and platform")
    deps = m["dependencies"]
    check(len(deps) == 1 and deps[0]["name"] == "jsmn" and deps[0]["version"].endswith("#v1.1.0"), deps)
    for h in m["headers"]:
        check(os.path.isfile(os.path.join(ROOT, h)), h)
    check(sorted(m["headers"]) == sorted(["apconn.h"] + ["platform/" + h for h in PLATFORM_HEADERS if h.startswith("apconn_")]),
          "every public header listed: %r" % m["headers"])
    exported = m["export"]["include"]
    for need in ["apconn.h", "library.json", "LICENSE"] + ["platform/" + h for h in PLATFORM_HEADERS]:
        check(any(fnmatch.fnmatch(need, p) for p in exported), "%s not exported" % need)
    for listed in exported:
        check(any(fnmatch.fnmatch(os.path.relpath(os.path.join(d, f), ROOT), listed)
                   for d, _, fs in os.walk(ROOT) for f in fs), "%s matches no file" % listed)


def test_platformio_build_compiles_as_declared():
    with open(os.path.join(ROOT, "library.json")) as f:
        b = json.load(f)["build"]
    inc = os.path.join(ROOT, b["includeDir"])
    selected = pio_selected(os.path.join(ROOT, b["srcDir"]), b["srcFilter"])
    check(selected == [], "header-only: the filter must not pick tests or examples with main(): %r" % selected[:5])
    jsmn = jsmn_as(os.path.join(TMP, ".pio", "libdeps", "env", "jsmn"))  # the dependency's root is on the path
    flags = ["-I" + inc, "-I" + jsmn] + b.get("flags", [])
    text = CONSUMER_C.replace("<apconn_posix.h>", '"platform/apconn_posix.h"').replace(
        "<apconn_proxy.h>", '"platform/apconn_proxy.h"').replace("<apconn_mbedtls.h>", '"platform/apconn_mbedtls.h"').replace(
        "#include <apconn/apconn.h>\n", "")
    compile_c("pio_main", text, flags)
    compile_c("pio_main_cpp", text, flags, cxx=True)  # the Arduino framework compiles .cpp


# ---- Arduino ----------------------------------------------------------------------------------
ARDUINO_CATEGORIES = {"Display", "Communication", "Signal Input/Output", "Sensors", "Device Control", "Timing",
                      "Data Storage", "Data Processing", "Other"}


def arduino_properties():
    props = {}
    with open(os.path.join(ROOT, "library.properties"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            check("=" in line, "not key=value: %r" % line)
            k, v = line.split("=", 1)
            check(k not in props, "duplicate %s" % k)
            props[k] = v
    return props


def test_arduino_library_properties_are_complete():
    p = arduino_properties()
    for k in ("name", "version", "author", "maintainer", "sentence", "paragraph", "category", "url", "architectures"):
        check(p.get(k), "library.properties lacks %s" % k)
    check(p["version"] == version(), "library.properties version %s" % p["version"])
    check(p["category"] in ARDUINO_CATEGORIES, p["category"])
    check(re.match(r"^[A-Za-z0-9][A-Za-z0-9 _.-]*$", p["name"]), p["name"])
    for h in p["includes"].split(","):
        check(os.path.isfile(os.path.join(ROOT, h.strip())), h)


def test_arduino_flat_layout_compiles_as_a_sketch():
    # No src/: the Arduino IDE compiles the root's and utility/'s .c/.cpp files (none may
    # carry a main()), and puts the root on the include path; jsmn.h comes from a library.
    check(not os.path.isdir(os.path.join(ROOT, "src")), "a src/ folder would switch to the 1.5 layout")
    compiled = [f for f in os.listdir(ROOT) if f.endswith((".c", ".cpp", ".S"))]
    if os.path.isdir(os.path.join(ROOT, "utility")):
        compiled += ["utility/" + f for f in os.listdir(os.path.join(ROOT, "utility"))]
    check(compiled == [], "would be compiled into every sketch: %r" % compiled)
    jsmn = jsmn_as(os.path.join(TMP, "Arduino", "libraries", "jsmn"))
    sketch = ("#define APCONN_IMPLEMENTATION\n#include <apconn.h>\n"
              "static unsigned char work[APCONN_WORK_BUFFER_SIZE];\n"
              "void setup() { (void)work; (void)apconn_strerror(APCONN_OK); }\nvoid loop() {}\n")
    compile_c("sketch", sketch, ["-I" + ROOT, "-I" + jsmn], cxx=True)


def test_manifests_agree_on_url_license_and_description():
    with open(os.path.join(ROOT, "idf_component.yml")) as f:
        idf = yaml.safe_load(f)
    with open(os.path.join(ROOT, "library.json")) as f:
        pio = json.load(f)
    ard = arduino_properties()
    check(idf["url"] == pio["homepage"] == ard["url"], (idf["url"], pio["homepage"], ard["url"]))
    check(idf["license"] == pio["license"] == "MIT" and "MIT License" in open(os.path.join(ROOT, "LICENSE")).read(), "MIT")


def main():
    return harness.build_dir_main("manifests", globals(), sys.argv, os.environ.get("MANIFESTS_ONLY", ""))


if __name__ == "__main__":
    sys.exit(main())
