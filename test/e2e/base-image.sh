#!/usr/bin/env bash
# Makes the end-to-end suite's base image once: Debian bookworm (minbase) with python3 and pip,
# debootstrapped from Debian's servers into a root filesystem tarball, cached OUTSIDE the repository
# so CI and later runs reuse it. Prints the tarball's path. Re-running with the tarball present does
# nothing. Needs root and debootstrap.
#
#   GROUP_IMAGES_TEST_CACHE   where the tarball is kept (default /var/cache/group-images-test)
set -euo pipefail
cache="${GROUP_IMAGES_TEST_CACHE:-/var/cache/group-images-test}"
tarball="$cache/bookworm-minbase-python3.tar"
if [ -s "$tarball" ]; then echo "$tarball"; exit 0; fi
command -v debootstrap >/dev/null || { echo "debootstrap is not installed" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "debootstrap needs root" >&2; exit 1; }
mkdir -p "$cache"
root=$(mktemp -d "$cache/rootfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mirror=http://deb.debian.org/debian
debootstrap --variant=minbase --include=python3,python3-pip bookworm "$root" "$mirror" >&2
# Updates and security, so "the version Debian serves" inside a build is the current one.
cat > "$root/etc/apt/sources.list" <<LIST
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
LIST
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
# Written under a temporary name and renamed: a run killed half-way leaves no partial cache behind.
tar -C "$root" -cf "$tarball.partial" .
mv "$tarball.partial" "$tarball"
echo "$tarball"
