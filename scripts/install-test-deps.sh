#!/usr/bin/env bash
# Installs the system packages ketch's tests use, when they are missing. Safe to run repeatedly.
# Needs root (or sudo) only when something is actually missing.
set -euo pipefail

# package:command pairs: etcdctl drives the store tests; etcd is the reference they compare against;
# nft (nftables) makes the packet drops of the Jepsen-style suite's netns mode (its tests run as root).
NEEDED=("etcd-client:etcdctl" "etcd-server:etcd" "nftables:nft")

missing=()
for pair in "${NEEDED[@]+"${NEEDED[@]}"}"; do
  pkg="${pair%%:*}"; cmd="${pair##*:}"
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-test-deps: nothing to install"
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-test-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
