#!/usr/bin/env bash
# Installs what bootgate needs on a fresh Debian 12 machine, and does nothing when it is all there:
# Debian packages (emulators, BIOS files, the real images the bundled scenarios boot, image build
# tools), npm packages, and the compiled CLI. Both README commands start with it.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  qemu-system-x86 qemu-utils seabios                     # the QEMU backend; SeaBIOS files for v86 too
  grub-rescue-pc memtest86+ debian-installer-12-netboot-i386  # real images for the bundled scenarios
  xorriso cpio                                           # building reference presets (the rest comes as .debs)
  gcc libc6-dev                                          # the QEMU guest-clock plugin (docs/guest-time.md)
  chromium                                               # the HTML report's browser test (playwright-core drives it; no browser download)
  tesseract-ocr-eng                                      # the OCR engine's English model (tesseract.js runs it; docs/ocr.md)
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: need root to install ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
    exit 3
  fi
  export DEBIAN_FRONTEND=noninteractive
  # A mirror mid-sync makes apt-get update fail for one list; the packages we need may still be there.
  apt-get update -q >/dev/null || echo "setup: apt-get update reported errors; installing with the lists it has" >&2
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# When bootgate runs as root, QEMU becomes this user (chrooted into its work folder) before the
# guest runs: an unprivileged account of its own, with no home and no shell (docs/security.md).
if [ "$(id -u)" -eq 0 ] && ! id -u bootgate-qemu >/dev/null 2>&1; then
  echo "setup: creating the system user bootgate-qemu (QEMU runs as it when bootgate runs as root)"
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin bootgate-qemu
fi

# npm ci only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# tsc is incremental (tsBuildInfo), so an unchanged tree builds in about a second.
npm run --silent build
