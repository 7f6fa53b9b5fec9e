#!/usr/bin/env bash
# THE test command:   bash scripts/test.sh [pytest args...]      e.g.  bash scripts/test.sh -k blur -x
#
# Does all the set-up a fresh machine needs, then runs pytest and exits with pytest's code:
#   1. .venv in the repo (reused while complete): the project installed with
#      `pip install -e '.[test]' --config-settings editable_mode=strict` (through uv, for speed).
#      A strict editable install sees only the files present when it was made, so it is redone
#      (a few seconds) whenever pyproject.toml or the set of package files changes.
#   2. unless INVOKEAI_URL is set: a throwaway InvokeAI server (scripts/invokeai-server.sh; the
#      first time it installs InvokeAI into a cached venv) on a free port (IVK_PORT to choose),
#      started in the background so that set-up and the tests that need no server go on
#      meanwhile; the `invokeai_url` fixture (tests/conftest.py) waits for it through
#      IVK_SERVER_STARTING. It is stopped when this script ends, however it ends.
#   3. pytest with the arguments given here.
#
# Environment: INVOKEAI_URL (use that server), IVK_PORT, IVK_TEST_PYTHON (default python3,
# >= 3.10), IVK_FAULTHANDLER_TIMEOUT, and everything scripts/invokeai-server.sh reads.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
VENV="$REPO/.venv"
PY=${IVK_TEST_PYTHON:-python3}
SERVER_SCRIPT="$REPO/scripts/invokeai-server.sh"

log() { echo "[test.sh] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ------------------------------------------------------------------ server (in the background)
start_pid=""   # the background job running `invokeai-server.sh start`
start_out=""   # its stdout, then `IVK_START_EXIT=<code>`; appears whole once the start is over
port=""
# shellcheck disable=SC2317 # (called through the EXIT trap)
cleanup() {
  local rc=$?
  if [[ -n "$start_pid" ]] && kill -0 "$start_pid" 2>/dev/null; then
    # Still starting: the job passes this on, and the start script stops what it has started.
    kill -TERM "$start_pid" 2>/dev/null || true
    wait "$start_pid" 2>/dev/null || true
  fi
  # Stop only a server that this run did start (never one already running on a chosen port).
  if [[ -n "$start_out" ]] && grep -qx 'IVK_START_EXIT=0' "$start_out" 2>/dev/null; then
    IVK_PORT=$port bash "$SERVER_SCRIPT" stop || true
  fi
  [[ -z "$start_out" ]] || rm -f "$start_out" "$start_out.part"
  return "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_server() { # the background job
  local child rc=0
  trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 143' TERM
  IVK_PORT=$port bash "$SERVER_SCRIPT" start </dev/null >"$start_out.part" &
  child=$!
  wait "$child" || rc=$?
  echo "IVK_START_EXIT=$rc" >>"$start_out.part"
  mv "$start_out.part" "$start_out"
}

if [[ -n "${INVOKEAI_URL:-}" ]]; then
  log "using the InvokeAI server at $INVOKEAI_URL"
else
  port=${IVK_PORT:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  start_out="${TMPDIR:-/tmp}/ivk-test-start.$$.$port"
  rm -f "$start_out" "$start_out.part"
  start_server &
  start_pid=$!
  export IVK_SERVER_STARTING="$start_out"
fi

# ------------------------------------------------------------------ project venv
# shellcheck source=scripts/venv.sh
source "$REPO/scripts/venv.sh"
ensure_venv

# ------------------------------------------------------------------ pytest
set +e
# faulthandler_timeout: a test that hangs prints every thread's traceback after that many seconds.
"$VENV/bin/python" -m pytest -o "faulthandler_timeout=${IVK_FAULTHANDLER_TIMEOUT:-600}" "$@"
rc=$?
set -e
if ((rc == 5)); then log "pytest collected no tests (exit 5)"; fi
exit "$rc"
