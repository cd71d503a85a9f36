#!/bin/sh
# Fetches the mbedTLS 3.6 sources from Debian 13 (trixie)'s source package
# into $BUILD/mbedtls3-src/ (git-ignored; never tracked: third-party code),
# so that platform/apconn_mbedtls.h can be tested against 3.x as well as the
# system's 2.28. tests/mk/platform.mk then builds it with
# `make -C $BUILD/mbedtls3-src/mbedtls/library static`.
#
# Usage: tests/tools/fetch_mbedtls3.sh [BUILD [SUITE]]   (build, trixie)
# Result: $BUILD/mbedtls3-src/mbedtls -> the unpacked mbedtls-3.x source tree.
# SUITE=bookworm fetches Debian 12's 2.28 sources into $BUILD/mbedtls2-src
# instead (the cross build of the MCU config needs them: the system package
# has headers and host libraries only).
#
# How: Debian 12 has no 3.x. As root, the script writes ONE new apt source file,
#   /etc/apt/sources.list.d/apconn-mbedtls-src-<suite>.sources
# with `Types: deb-src`, `Suites: trixie`, `Components: main` and the SAME URIs
# (and Signed-By) as the machine's own /etc/apt/sources.list.d/debian.sources
# (its main archive stanza), refreshes only that source's index, and runs
# `apt-get source mbedtls/trixie` (the explicit /trixie matters: otherwise apt
# may pick bookworm's 2.28). Nothing else on the machine is changed. No mirror
# host name is written here: it is read from the machine's configuration.
# Idempotent: does nothing when the source tree is already there.
# Downloading needs no root once apt knows the source package; adding the
# entry does: not root and no index, it prints exactly what to run and fails.
set -eu
BUILD=${1:-build}
suite=${2:-trixie}
case "$suite" in
    trixie)   major=3; version_re='^Version: 3\.6\.' ;;
    bookworm) major=2; version_re='^Version: 2\.28\.' ;;
    *) echo "fetch_mbedtls3.sh: suite must be trixie (3.6) or bookworm (2.28)" >&2; exit 2 ;;
esac
dest="$BUILD/mbedtls$major-src"
link="$dest/mbedtls"
apt_file=/etc/apt/sources.list.d/apconn-mbedtls-src-$suite.sources
system_sources=/etc/apt/sources.list.d/debian.sources

if [ -f "$link/library/ssl_tls.c" ] && [ -f "$link/include/mbedtls/version.h" ]; then
    exit 0 # already fetched
fi

# Does apt already know that suite's mbedtls source package?
have_index() { apt-cache showsrc mbedtls 2>/dev/null | grep -q "$version_re"; }

if ! have_index && [ "$(id -u)" -ne 0 ]; then
    cat >&2 <<EOF
fetch_mbedtls3.sh: mbedTLS sources ($suite) are missing and this needs root. Run:
    sudo sh $0 $BUILD $suite
(it adds $apt_file: a deb-src entry for Debian '$suite' derived from
$system_sources, runs apt-get update for it, and unpacks
'apt-get source mbedtls/$suite' into $dest; needs dpkg-dev)
EOF
    exit 1
fi

# The main archive stanza(s) of debian.sources: those whose Suites has a bare
# release name (no -security / -updates). Prints "URIS<TAB>SIGNED_BY" lines.
main_stanzas() {
    awk '
        function flush() {
            if (uris != "" && bare) printf "%s\t%s\n", uris, signed
            uris = ""; signed = ""; bare = 0
        }
        /^[[:space:]]*$/ { flush(); next }
        /^[[:space:]]*#/ { next }
        /^URIs:/      { sub(/^URIs:[[:space:]]*/, ""); uris = $0 }
        /^Signed-By:/ { sub(/^Signed-By:[[:space:]]*/, ""); signed = $0 }
        /^Suites:/    { for (i = 2; i <= NF; i++) if ($i !~ /-/) bare = 1 }
        END { flush() }
    ' "$1"
}

if ! have_index && [ ! -f "$apt_file" ]; then
    [ -f "$system_sources" ] || { echo "fetch_mbedtls3.sh: $system_sources not found; add a deb-src entry for '$suite' by hand" >&2; exit 1; }
    stanzas=$(main_stanzas "$system_sources")
    [ -n "$stanzas" ] || { echo "fetch_mbedtls3.sh: no main archive entry in $system_sources" >&2; exit 1; }
    tmp="$apt_file.tmp"
    : >"$tmp"
    echo "$stanzas" | while IFS="$(printf '\t')" read -r uris signed; do
        {
            echo "# Added by apconn tests/tools/fetch_mbedtls3.sh: sources only, for mbedTLS."
            echo "Types: deb-src"
            echo "URIs: $uris"
            echo "Suites: $suite"
            echo "Components: main"
            [ -n "$signed" ] && echo "Signed-By: $signed"
            echo
        } >>"$tmp"
    done
    mv "$tmp" "$apt_file"
    echo "fetch_mbedtls3.sh: wrote $apt_file" >&2
fi

# Refresh only the new source's index (fast, leaves the other lists alone).
if ! have_index; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq -o Dir::Etc::sourcelist="$apt_file" -o Dir::Etc::sourceparts=- \
        -o APT::Get::List-Cleanup=0 >&2
    have_index || { echo "fetch_mbedtls3.sh: apt still has no mbedtls source package for $suite" >&2; exit 1; }
fi

command -v dpkg-source >/dev/null || { echo "fetch_mbedtls3.sh: dpkg-dev is needed (apt-get install dpkg-dev)" >&2; exit 1; }
mkdir -p "$dest"
work=$(mktemp -d "$dest/fetch.XXXXXX")
( cd "$work" && apt-get source -qq "mbedtls/$suite" >&2 )
dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name "mbedtls-$major.*" | head -n 1)
[ -n "$dir" ] || { echo "fetch_mbedtls3.sh: apt-get source did not unpack an mbedtls-$major.x tree" >&2; exit 1; }
name=$(basename "$dir")
rm -rf "${dest:?}/$name"
mv "$dir" "$dest/$name"
rm -rf "$work"
ln -sfn "$name" "$link"
echo "fetch_mbedtls3.sh: mbedTLS sources in $dest/$name" >&2
