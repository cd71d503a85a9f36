#!/bin/sh
# Fetches the mbedTLS 3.6 sources from Debian 13 (trixie)'s source package
# into $BUILD/mbedtls3-src/ (git-ignored; never tracked: third-party code),
# so that platform/apconn_mbedtls.h can be tested against 3.x as well as the
# system's 2.28. tests/mk/platform.mk then builds it with
# `make -C $BUILD/mbedtls3-src/mbedtls/library static`.
#
# Usage: tests/tools/fetch_mbedtls3.sh [BUILD [SUITE]]   (build, trixie)
#        tests/tools/fetch_mbedtls3.sh --apt-sources [SUITE...]     (as root)
#        tests/tools/fetch_mbedtls3.sh --missing BUILD [SUITE...]
#        tests/tools/fetch_mbedtls3.sh --show-entry SUITE
# Result: $BUILD/mbedtls3-src/mbedtls -> the unpacked mbedtls-3.x source tree.
# SUITE=bookworm fetches Debian 12's 2.28 sources into $BUILD/mbedtls2-src
# instead (the cross build of the MCU config needs them: the system package
# has headers and host libraries only).
# --apt-sources only adds the apt entries below (default: trixie bookworm) and
# refreshes their indexes; --missing prints the suites whose sources are
# neither in BUILD nor known to apt (what --apt-sources must add, as root);
# --show-entry prints the file --apt-sources would write (path, then content).
#
# How: Debian 12 has no 3.x. As root, the script writes ONE new apt source file
# per suite, named after this project and script, in /etc/apt/sources.list.d/:
#   apconn-mbedtls-src-<suite>.sources  (deb822)   or   .list  (one-line)
# a `deb-src` entry for <suite>, component main, with the SAME URI (and
# signed-by) as the machine's own Debian main archive entry, in the same
# layout: apt itself names that entry (`apt-get indextargets`), so the classic
# /etc/apt/sources.list (as debootstrap writes it, or as upgrades from Debian
# 11 keep it) and deb822 /etc/apt/sources.list.d/debian.sources both work.
# It refreshes only that file's index and runs `apt-get source mbedtls/<suite>`
# (the explicit suite matters: otherwise apt may pick bookworm's 2.28). Nothing
# else on the machine is changed. No mirror host name is written here: it is
# read from the machine's configuration.
# Idempotent: does nothing when the source tree is already there.
# Downloading needs no root once apt knows the source package; adding the
# entry does, and only --apt-sources (make deps-tls) adds it: without an index
# the fetch prints what to run and fails.
set -eu
# apt's own source parts directory (/etc/apt/sources.list.d unless APT_CONFIG says otherwise).
apt_dir=/etc/apt/sources.list.d
eval "$(apt-config shell apt_dir Dir::Etc::sourceparts/d 2>/dev/null)" || true
apt_dir=${apt_dir%/}
lock="-o DPkg::Lock::Timeout=600"

suite_info() { # suite -> sets major, version_re
    case "$1" in
        trixie)   major=3; version_re='^Version: 3\.6\.' ;;
        bookworm) major=2; version_re='^Version: 2\.28\.' ;;
        *) echo "fetch_mbedtls3.sh: suite must be trixie (3.6) or bookworm (2.28)" >&2; exit 2 ;;
    esac
}
fetched() { [ -f "$1/mbedtls$major-src/mbedtls/library/ssl_tls.c" ] && [ -f "$1/mbedtls$major-src/mbedtls/include/mbedtls/version.h" ]; }
# Does apt already know that suite's mbedtls source package?
have_index() { apt-cache showsrc mbedtls 2>/dev/null | grep -q "$version_re"; }
apt_file_of() { # suite -> the file this script writes for it (either layout), if present
    for f in "$apt_dir/apconn-mbedtls-src-$1.sources" "$apt_dir/apconn-mbedtls-src-$1.list"; do
        [ -f "$f" ] && { echo "$f"; return 0; }
    done
    return 1
}

# The machine's Debian main archive entry, as apt reads it: "URI<TAB>FILE:N"
# (N is the line of a one-line file, the stanza of a deb822 file). The entry
# for this release's codename (bookworm), else the first suite without a dash
# (not -updates / -security).
main_entry() {
    codename=$( (. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}") || true)
    apt-get indextargets --no-release-info --format '$(TARGET_OF)	$(RELEASE)	$(COMPONENT)	$(REPO_URI)	$(SOURCESENTRY)' \
            'Identifier: Packages' 2>/dev/null |
        awk -F'\t' -v c="$codename" '
            $1 == "deb" && $3 == "main" && $2 == c && !exact { exact = $4 "\t" $5 }
            $1 == "deb" && $3 == "main" && $2 !~ /-/ && !bare { bare = $4 "\t" $5 }
            END { if (exact != "") print exact; else if (bare != "") print bare }'
}

# Signed-By of stanza N of a deb822 file, continuation lines included.
deb822_signed_by() {
    awk -v want="$2" '
        /^[[:space:]]*#/ { next }
        /^[[:space:]]*$/ { if (seen) { n++; seen = 0 } in_sb = 0; next }
        { if (!seen) seen = 1 }
        n + 1 == want && tolower($0) ~ /^signed-by:/ { in_sb = 1; print; next }
        n + 1 == want && in_sb && /^[[:space:]]/ { print; next }
        { in_sb = 0 }' "$1"
}
# The signed-by= option of line N of a one-line file ([ ... signed-by=X ... ]).
list_signed_by() {
    sed -n "$2p" "$1" | sed -n 's/^[^#]*\[\([^]]*\)\].*/\1/p' | tr ' \t' '\n\n' | sed -n 's/^signed-by=//p'
}

# The deb-src entry for suite $1 in the machine's layout: its path on the
# first line, then the file's content.
show_entry() {
    entry=$(main_entry)
    [ -n "$entry" ] || { echo "fetch_mbedtls3.sh: apt has no Debian main archive entry (apt-get indextargets); add a deb-src line for '$1' main by hand" >&2; return 1; }
    uri=${entry%%"	"*}; where=${entry#*"	"}
    file=${where%:*}; n=${where##*:}
    case "$file" in
        *.sources)
            signed=$(deb822_signed_by "$file" "$n")
            echo "$apt_dir/apconn-mbedtls-src-$1.sources"
            echo "# Added by apconn tests/tools/fetch_mbedtls3.sh: mbedTLS sources only, from $where."
            echo "Types: deb-src"
            echo "URIs: $uri"
            echo "Suites: $1"
            echo "Components: main"
            [ -z "$signed" ] || echo "$signed" ;;
        *)
            signed=$(list_signed_by "$file" "$n")
            echo "$apt_dir/apconn-mbedtls-src-$1.list"
            echo "# Added by apconn tests/tools/fetch_mbedtls3.sh: mbedTLS sources only, from $where."
            echo "deb-src ${signed:+[signed-by=$signed] }$uri $1 main" ;;
    esac
}

# Writes the deb-src entry for suite $1; prints its path.
add_entry() {
    text=$(show_entry "$1") || exit 1
    out=$(echo "$text" | head -n 1)
    echo "$text" | tail -n +2 >"$out.tmp"
    mv "$out.tmp" "$out"
    echo "fetch_mbedtls3.sh: wrote $out" >&2
    echo "$out"
}

# Adds (when missing) and indexes the deb-src entry for each suite; root only.
apt_sources() {
    for s in "$@"; do
        suite_info "$s"
        have_index && continue
        f=$(apt_file_of "$s") || f=$(add_entry "$s")
        # Refresh only this file's index (fast, leaves the other lists alone).
        apt-get $lock update -qq -o Dir::Etc::sourcelist="$f" -o Dir::Etc::sourceparts=- \
            -o APT::Get::List-Cleanup=0 >&2
        have_index || { echo "fetch_mbedtls3.sh: apt still has no mbedtls source package for $s ($f)" >&2; exit 1; }
    done
}

case "${1:-}" in
    --apt-sources)
        shift
        [ $# -gt 0 ] || set -- trixie bookworm
        [ "$(id -u)" -eq 0 ] || { echo "fetch_mbedtls3.sh: --apt-sources writes to $apt_dir: run it as root" >&2; exit 1; }
        apt_sources "$@"
        exit 0 ;;
    --show-entry)
        suite_info "${2:-trixie}"
        show_entry "${2:-trixie}"
        exit ;;
    --missing)
        b=${2:-build}; shift; [ $# -eq 0 ] || shift
        [ $# -gt 0 ] || set -- trixie bookworm
        for s in "$@"; do suite_info "$s"; fetched "$b" || have_index || echo "$s"; done
        exit 0 ;;
esac

BUILD=${1:-build}
suite=${2:-trixie}
suite_info "$suite"
dest="$BUILD/mbedtls$major-src"
link="$dest/mbedtls"

fetched "$BUILD" && exit 0 # already fetched

# Adding the deb-src entry is set-up, done only by `make deps-tls` (deps.sh,
# which calls --apt-sources as root), never by a build rule.
if ! have_index; then
    cat >&2 <<EOF
fetch_mbedtls3.sh: apt does not know the mbedTLS source package of Debian '$suite'. As root, run:
    make deps-tls
(it adds $apt_dir/apconn-mbedtls-src-$suite.sources or .list, derived from the
machine's Debian entry, and refreshes its index); then run make again.
EOF
    exit 1
fi

command -v dpkg-source >/dev/null || { echo "fetch_mbedtls3.sh: dpkg-dev is needed (apt-get install dpkg-dev)" >&2; exit 1; }
mkdir -p "$dest"
work=$(mktemp -d "$dest/fetch.XXXXXX")
# As root, apt would drop to its _apt user, which cannot write into a private
# work tree: say so up front instead of letting apt warn about it.
sandbox=""; [ "$(id -u)" -ne 0 ] || sandbox="-o APT::Sandbox::User=root"
( cd "$work" && apt-get source -qq $sandbox "mbedtls/$suite" >&2 )
dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name "mbedtls-$major.*" | head -n 1)
[ -n "$dir" ] || { echo "fetch_mbedtls3.sh: apt-get source did not unpack an mbedtls-$major.x tree" >&2; exit 1; }
name=$(basename "$dir")
rm -rf "${dest:?}/$name"
mv "$dir" "$dest/$name"
rm -rf "$work"
ln -sfn "$name" "$link"
echo "fetch_mbedtls3.sh: mbedTLS sources in $dest/$name" >&2
