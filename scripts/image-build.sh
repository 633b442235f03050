#!/usr/bin/env bash
# Builds the container image from the Dockerfile as it is, with podman (no Docker engine needed):
#   scripts/image-build.sh [TAG]            (default ers-bridge:latest)
# Where a container registry answers, the real node:22-bookworm-slim base is pulled; where none
# does, a local stand-in is built once and cached (scripts/image-lib.sh; ERS_IMAGE_BASE=standin or
# registry forces one). npm's registry setting and the host's CA bundle are mounted for the build
# only, never baked into a layer. Installs podman & co. from Debian's packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/image-lib.sh

tag=${1:-ers-bridge:latest}
ensure_tools
t0=$(date +%s)
ensure_base
t1=$(date +%s)
say "base image ready ($BASE_KIND) in $((t1 - t0)) s"
npm_dir=$(npm_build_config)
log=$(mktemp /tmp/ers-image-build.XXXXXX.log)
trap 'rm -rf "$npm_dir" "$log"' EXIT
say "building $tag (podman build --format docker: the OCI format would drop the HEALTHCHECK)"
podman build --format docker --network host -v "$npm_dir:/usr/local/etc:ro" -t "$tag" . \
  >"$log" 2>&1 || {
  tail -40 "$log"
  die "podman build failed"
}
t2=$(date +%s)
size=$(podman image inspect --format '{{.Size}}' "$tag")
say "built $tag in $((t2 - t1)) s: $((size / 1000000)) MB"
