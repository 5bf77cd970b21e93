#!/usr/bin/env bash
# Installs the system packages the end-to-end tests need (Debian): headless
# Chromium for the mediasoup-client browser tests; ffmpeg and GStreamer as the plain-RTP peers
# (senders, recorder, ffprobe); iproute2 (ip, tc) for the constrained-link test's network
# namespaces. Idempotent: a package whose command (or GStreamer element) is
# already present is skipped, and nothing is touched when everything is there. Runs as root,
# or through sudo.
set -euo pipefail

# command name -> Debian package name
declare -A wanted=(
  [chromium]=chromium
  [ffmpeg]=ffmpeg
  [ffprobe]=ffmpeg
  [gst-launch-1.0]=gstreamer1.0-tools
  [ip]=iproute2
  [tc]=iproute2
)
# GStreamer element -> Debian package that ships it (plugins have no command of their own)
declare -A wanted_elements=(
  [vp8enc]=gstreamer1.0-plugins-good
  [rtpvp8pay]=gstreamer1.0-plugins-good
  [rtpopuspay]=gstreamer1.0-plugins-good
  [udpsink]=gstreamer1.0-plugins-good
  [opusenc]=gstreamer1.0-plugins-base
  [videotestsrc]=gstreamer1.0-plugins-base
  [audiotestsrc]=gstreamer1.0-plugins-base
)

missing=()
add_missing() {
  local pkg
  for pkg in "${missing[@]}"; do [ "$pkg" = "$1" ] && return 0; done
  missing+=("$1")
}
for cmd in "${!wanted[@]}"; do
  if ! command -v "$cmd" >/dev/null 2>&1; then
    add_missing "${wanted[$cmd]}"
  fi
done
for element in "${!wanted_elements[@]}"; do
  if ! command -v gst-inspect-1.0 >/dev/null 2>&1 ||
    ! gst-inspect-1.0 --exists "$element" >/dev/null 2>&1; then
    add_missing "${wanted_elements[$element]}"
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-test-deps: chromium, ffmpeg and gstreamer already present"
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
