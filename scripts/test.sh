#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine: installs Debian's Chromium (for the
# browser tests) and a virtualenv with the pinned packages, then runs pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Chromium, and Japanese fonts so that screenshots of the Japanese pages show text, not boxes.
if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ]; then
  echo "Installing Debian's chromium and fonts-noto-cjk for the browser tests…"
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo "sudo")
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
# The screenshots of tests/browser/test_screens.py (artifacts/screens/) show Japanese and emoji.
if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || ! fc-list 2>/dev/null | grep -qi "Noto Color Emoji"; then
  echo "Installing Debian's Noto CJK and emoji fonts for the screenshots…"
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo "sudo")
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-noto-cjk fonts-noto-color-emoji >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
exec .venv/bin/python -m pytest "$@"
