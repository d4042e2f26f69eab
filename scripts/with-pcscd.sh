#!/usr/bin/env bash
# Runs a command with pcscd (and so the two vpcd readers of the card lab) available, and stops the
# daemon afterwards if this script started it. Tests may restart pcscd themselves; whatever pcscd runs
# at the end is stopped when we own it.
set -uo pipefail
started=0
if ! pgrep -x pcscd >/dev/null; then
  rm -f /run/pcscd/pcscd.comm
  pcscd --foreground >/tmp/zorgid-pcscd.log 2>&1 &
  started=1
  for _ in $(seq 1 50); do
    opensc-tool -l 2>/dev/null | grep -q "Virtual PCD" && break
    sleep 0.1
  done
fi
cleanup() {
  if [ "$started" = 1 ]; then
    pkill -TERM -x pcscd 2>/dev/null
    for _ in $(seq 1 30); do pgrep -x pcscd >/dev/null || break; sleep 0.1; done
    pkill -KILL -x pcscd 2>/dev/null
  fi
  return 0
}
trap cleanup EXIT INT TERM
"$@"
