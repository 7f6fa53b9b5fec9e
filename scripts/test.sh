#!/usr/bin/env bash
# THE test command:   bash scripts/test.sh [pytest args...]      e.g.  bash scripts/test.sh -k blur -x
#
# Does all the set-up a fresh machine needs, then runs pytest and exits with pytest's code:
#   1. .venv in the repo (reused while complete): the project installed with
#      `pip install -e '.[test]' --config-settings editable_mode=strict` (through uv, for speed).
#      A strict editable install sees only the files present when it was made, so it is redone
#      (a few seconds) whenever pyproject.toml or the set of package files changes.
#   2. unless INVOKEAI_URL is set: a throwaway InvokeAI 6.14.2 server (scripts/invokeai-server.sh;
#      the first time it installs InvokeAI into a cached venv) on a free port (IVK_PORT to
#      choose), started in the background so that set-up and the tests that need no server go on
#      meanwhile; the `invokeai_url` fixture (tests/conftest.py) waits for it through
#      IVK_SERVER_STARTING. It loads the project's own node pack (tests/node_pack/ivk_test_nodes).
#      Likewise InvokeAI 5.15.0 and 4.2.9 servers, for the end-to-end tests that run on every
#      supported version (unless INVOKEAI5_URL / INVOKEAI4_URL name running ones). They are
#      stopped when this script ends, however it ends.
#   3. pytest with the arguments given here.
#
# Environment: INVOKEAI_URL / INVOKEAI5_URL / INVOKEAI4_URL (use those servers), IVK_PORT, IVK_TEST_PYTHON (default python3,
# >= 3.10), IVK_FAULTHANDLER_TIMEOUT, and everything scripts/invokeai-server.sh reads.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
VENV="$REPO/.venv"
PY=${IVK_TEST_PYTHON:-python3}
SERVER_SCRIPT="$REPO/scripts/invokeai-server.sh"

log() { echo "[test.sh] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ------------------------------------------------------------------ servers (in the background)
# One entry per server this run starts: "version port report-file pid".
starts=()
# shellcheck disable=SC2317 # (called through the EXIT trap)
cleanup() {
  local rc=$? entry version port report pid
  for entry in "${starts[@]}"; do
    read -r version port report pid <<<"$entry"
    if kill -0 "$pid" 2>/dev/null; then
      # Still starting: the job passes this on, and the start script stops what it has started.
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
    # Stop only a server that this run did start (never one already running on a chosen port).
    if grep -qx 'IVK_START_EXIT=0' "$report" 2>/dev/null; then
      IVK_INVOKEAI_VERSION=$version IVK_PORT=$port bash "$SERVER_SCRIPT" stop || true
    fi
    rm -f "$report" "$report.part"
  done
  return "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_server() { # the background job: VERSION PORT REPORT [NODE_PACKS]
  local child rc=0
  trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 143' TERM
  IVK_NODE_PACKS=${4:-} IVK_INVOKEAI_VERSION=$1 IVK_PORT=$2 bash "$SERVER_SCRIPT" start </dev/null >"$3.part" &
  child=$!
  wait "$child" || rc=$?
  echo "IVK_START_EXIT=$rc" >>"$3.part"
  mv "$3.part" "$3"
}

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

background_server() { # VERSION PORT [NODE_PACKS]: starts it, prints the report file to wait on
  local report="${TMPDIR:-/tmp}/ivk-test-start.$$.$2"
  rm -f "$report" "$report.part"
  start_server "$1" "$2" "$report" "${3:-}" &
  starts+=("$1 $2 $report $!")
}

if [[ -n "${INVOKEAI_URL:-}" ]]; then
  log "using the InvokeAI server at $INVOKEAI_URL"
else
  port=${IVK_PORT:-$(free_port)}
  # with the project's own node pack (custom field types; tests/e2e/test_e2e_custom_types.py)
  background_server 6.14.2 "$port" "$REPO/tests/node_pack/ivk_test_nodes"
  IVK_SERVER_STARTING=$(awk '{print $3}' <<<"${starts[-1]}")
  export IVK_SERVER_STARTING
fi
# The older versions the end-to-end tests also run on: INVOKEAI5_URL/INVOKEAI4_URL name servers
# already running; else they start here too (IVK_SERVER5_STARTING/IVK_SERVER4_STARTING).
if [[ -n "${INVOKEAI_B_URL:-}" ]]; then
  log "using the second InvokeAI server at $INVOKEAI_B_URL"
else  # the pool tests' second server
  background_server 6.14.2 "$(free_port)"
  export "IVK_SERVER_B_STARTING=$(awk '{print $3}' <<<"${starts[-1]}")"
fi
for major_version in 5:5.15.0 4:4.2.9; do
  major=${major_version%%:*}
  url_var=INVOKEAI${major}_URL
  if [[ -n "${!url_var:-}" ]]; then
    log "using the InvokeAI $major server at ${!url_var}"
  else
    background_server "${major_version#*:}" "$(free_port)"
    export "IVK_SERVER${major}_STARTING=$(awk '{print $3}' <<<"${starts[-1]}")"
  fi
done

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
