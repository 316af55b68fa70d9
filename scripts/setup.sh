#!/usr/bin/env bash
# Set up Madoguchi on a Debian/Ubuntu machine: system packages, then a virtual environment with
# the project and its test tools. Safe to run again: it only does what is still missing.
set -euo pipefail

cd "$(dirname "$0")/.."
VENV="${MADOGUCHI_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"

APT_PACKAGES=(
  # card: PC/SC daemon, headers and swig to build pyscard, the virtual reader driver
  pcscd libpcsclite-dev swig vsmartcard-vpcd
  # Qt on X (and Xvfb for screenshots and tests)
  xvfb xauth libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render-util0 libxcb-xinerama0 libxcb-shape0 libegl1 libgl1
  libfontconfig1 libdbus-1-3
  # Japanese fonts for printing
  fonts-ipaexfont-gothic fonts-ipaexfont-mincho fonts-morisawa-bizud-gothic
  fonts-morisawa-bizud-mincho fonts-ipamj-mincho
  # printing: CUPS with a PDF printer, PDF to PNG, QR decoding
  cups cups-client cups-bsd printer-driver-cups-pdf poppler-utils zbar-tools
  # multi-counter database
  postgresql
  # the residents' pre-entry page: its tests run it in a headless browser
  chromium
  # building Python packages
  gcc python3-dev python3-venv
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${#missing[@]} system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating virtual environment $VENV"
  "$PYTHON" -m venv "$VENV"
fi

# Reinstall only when the project's dependencies changed since the last run.
stamp="$VENV/.madoguchi-setup"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python packages into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".[test]"
  echo "$want" > "$stamp"
fi
echo "setup: ready ($("$VENV/bin/python" --version), $VENV)"
