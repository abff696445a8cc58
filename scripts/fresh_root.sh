#!/usr/bin/env bash
# Makes DIR a fresh Debian 12 root (debootstrap --variant=minbase bookworm) that has never seen
# hallmark, ready for `chroot DIR apt-get install ...`: /proc mounted (unmount with
# `umount DIR/proc`), the host's resolv.conf. Downloaded packages are kept in
# ~/.cache/hallmark-debootstrap for the next root; the root itself is always new.
# Usage: scripts/fresh_root.sh DIR   ($DEBIAN_MIRROR, default http://deb.debian.org/debian)
set -euo pipefail
root=$1
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/hallmark-debootstrap
mkdir -p "$cache" "$root"
debootstrap --variant=minbase --cache-dir="$cache" bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
  { tail -n 20 "$root.debootstrap.log" >&2; echo "fresh_root.sh: debootstrap failed" >&2; exit 2; }
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
