#!/usr/bin/env bash
# System packages for the test suite on Debian 12 (run as root). Idempotent: installs only what is missing.
# pcscd + vpcd + OpenSC + SoftHSM2 make the card lab; chromium runs the E2E tests; build tools compile
# the native modules (pcsclite, pkcs11js, better-sqlite3) during `npm ci`.
set -euo pipefail
packages=(pcscd libpcsclite-dev vsmartcard-vpcd softhsm2 opensc pcsc-tools libccid chromium python3 make g++)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-debian: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "setup-debian: system packages present"
