# Helpers for the container image tests (source after lib.sh): a Debian root built from real .debs
# of the apt cache with a real dpkg status file, packed into an OCI layout by umoci, and a
# docker-registry (distribution) started on 127.0.0.1 from a config file.
command -v umoci >/dev/null || { echo "SKIP: umoci not installed (scripts/deps.sh)"; exit 77; }

# The small .debs the test images are made of (all present in Debian 12's apt cache here; the
# test downloads nothing).
IMAGE_DEBS=(mysql-common python3-iniconfig libnumber-compare-perl bats-support rubygems-integration)

# make_debian_root ROOT: unpacks the .debs with dpkg-deb -x and writes var/lib/dpkg/status from
# their control files (plus one removed package left as config-files, which is not installed).
make_debian_root() {
  local root=$1 deb name
  mkdir -p "$root/var/lib/dpkg/info" "$root/etc" "$root/usr/lib"
  : >"$root/var/lib/dpkg/status"
  for name in "${IMAGE_DEBS[@]}"; do
    deb=$(ls /var/cache/apt/archives/"${name}"_*.deb 2>/dev/null | head -1)
    [ -n "$deb" ] || { echo "SKIP: $name .deb not in the apt cache"; exit 77; }
    dpkg-deb -x "$deb" "$root"
    { dpkg-deb -f "$deb" | awk '/^Package:/ {print; print "Status: install ok installed"; next} 1'; echo; } \
      >>"$root/var/lib/dpkg/status"
  done
  printf 'Package: oldpkg\nStatus: deinstall ok config-files\nVersion: 1.0\nArchitecture: all\n\n' >>"$root/var/lib/dpkg/status"
  printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n' >"$root/usr/lib/os-release"
  ln -s ../usr/lib/os-release "$root/etc/os-release"
}

# The truth: what dpkg itself says is installed in ROOT, "name version" sorted.
dpkg_truth() {
  dpkg-query --admindir="$1/var/lib/dpkg" -W -f '${db:Status-Status} ${Package} ${Version}\n' |
    awk '$1 == "installed" {print $2, $3}' | sort
}

# pack_layout ROOT LAYOUT TAG: one layer with ROOT's content (umoci, rootless).
pack_layout() {
  local root=$1 layout=$2 tag=$3
  [ -d "$layout" ] || umoci init --layout "$layout"
  umoci new --image "$layout:$tag"
  umoci unpack --rootless --image "$layout:$tag" "$T/bundle.$tag" >/dev/null
  cp -a "$root/." "$T/bundle.$tag/rootfs/"
  umoci repack --image "$layout:$tag" "$T/bundle.$tag"
  rm -rf "$T/bundle.$tag"
}

# start_registry DIR [EXTRA_CONFIG]: docker-registry on a free loopback port; sets REG (host:port).
start_registry() {
  command -v docker-registry >/dev/null || { echo "SKIP: docker-registry not installed"; exit 77; }
  local dir=$1 extra=${2:-} port
  port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$dir/data"
  cat >"$dir/config.yml" <<CFG
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
$extra
CFG
  docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  local pid=$!
  on_exit "kill $pid"
  REG=127.0.0.1:$port
  for _ in $(seq 100); do
    if $PY -c "import socket,sys; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  cat "$dir/registry.log" >&2
  fail "docker-registry did not start"
}
