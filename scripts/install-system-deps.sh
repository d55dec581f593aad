#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only when they are missing.
# Usage: scripts/install-system-deps.sh [package...]   (default: everything the suites use)
set -euo pipefail

# binary -> Debian package
declare -A PACKAGE_OF=(
  [chromium]=chromium
  [turnserver]=coturn
  [transmission-cli]=transmission-cli
  [qbittorrent-nox]=qbittorrent-nox
  [rtorrent]=rtorrent
  [aria2c]=aria2
  [ffmpeg]=ffmpeg
  [iptables]=iptables
  [redis-server]=redis-server
  [firefox-esr]=firefox-esr
)

wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=("${!PACKAGE_OF[@]}")

missing=()
for bin in "${wanted[@]}"; do
  pkg=${PACKAGE_OF[$bin]:-$bin}
  command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || [ -x "/usr/bin/$bin" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with your package manager (Debian: apt-get install -y ${missing[*]}) and run again." >&2
  exit 1
fi

echo "Installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# coturn's Debian package enables a system service; the project runs its own instance.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now coturn >/dev/null 2>&1 || true; fi
