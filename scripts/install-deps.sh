#!/usr/bin/env bash
# install-deps.sh - installs the Debian 12 packages trailhound needs to build and test, only those missing.
# Safe to run repeatedly; does nothing when everything is present. Needs root (or sudo) when something is missing.
set -euo pipefail

PKGS=(
  cmake make gcc pkg-config        # build
  libjansson-dev                   # JSON for configs, outputs and the test oracle
  libyaml-dev                      # rules files (libyaml events keep exact positions)
  libpcre2-dev                     # regex operator, JIT-compiled
  libdeflate-dev zlib1g-dev        # gzip: libdeflate whole-member fast path, zlib streaming for huge members
  clang libclang-rt-14-dev         # libFuzzer target and sanitizer runtime
  jq python3                       # tests and benchmark comparisons
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
