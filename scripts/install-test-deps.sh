#!/usr/bin/env bash
# Installs the system packages the end-to-end tests need (Debian): headless
# Chromium for the mediasoup-client browser tests. Idempotent: a package whose command is already present is skipped, and
# nothing is touched when everything is there. Runs as root, or through sudo.
set -euo pipefail

# command name -> Debian package name
declare -A wanted=(
  [chromium]=chromium
)

missing=()
for cmd in "${!wanted[@]}"; do
  if ! command -v "$cmd" >/dev/null 2>&1; then
    missing+=("${wanted[$cmd]}")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-test-deps: chromium already present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-test-deps: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: apt-get not found; install by hand: ${missing[*]}" >&2
  exit 1
fi

echo "install-test-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing[@]}"
