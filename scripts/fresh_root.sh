#!/usr/bin/env bash
# Makes DIR a fresh Debian 12 root (debootstrap --variant=minbase bookworm) that has never seen
# hallmark, ready for `chroot DIR apt-get install ...`: /proc mounted (unmount it with
# `umount DIR/proc`), the host's resolv.conf.
# debootstrap takes minutes on a loaded 2-core machine, so its pristine result is kept as a
# tarball in ~/.cache/hallmark-debootstrap (remade after a week) and unpacked into each new root.
# Usage: scripts/fresh_root.sh DIR   ($DEBIAN_MIRROR, default http://deb.debian.org/debian)
set -euo pipefail
root=$1
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/hallmark-debootstrap
tarball=$cache/bookworm-minbase.tar.gz
mkdir -p "$cache" "$root"
if [ -z "$(find "$tarball" -mtime -7 2>/dev/null)" ]; then
  new=$cache/root.$$
  rm -rf "$new"
  debootstrap --variant=minbase bookworm "$new" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -n 20 "$cache/debootstrap.log" >&2; rm -rf "$new"; echo "fresh_root.sh: debootstrap failed" >&2; exit 2; }
  tar -C "$new" -cf - . | gzip -1 >"$tarball.$$" && mv "$tarball.$$" "$tarball"
  rm -rf "$new"
fi
tar -C "$root" -xzf "$tarball"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
