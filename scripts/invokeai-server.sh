#!/usr/bin/env bash
# A throwaway, model-free InvokeAI server on 127.0.0.1 for ivk-codegen's tests.
#
#   bash scripts/invokeai-server.sh install   # only make sure the cached venv is complete
#   eval "$(bash scripts/invokeai-server.sh start)"   # prints INVOKEAI_URL=... (and IVK_SERVER_*)
#   bash scripts/invokeai-server.sh status    # exit 0 if the server on IVK_PORT is ours and answers
#   bash scripts/invokeai-server.sh stop      # stops the server on IVK_PORT by its recorded PID
#
# start: installs InvokeAI from PyPI into a cached venv (reused once complete), starts
# `invokeai-web` bound to 127.0.0.1 only, with a fresh throwaway root directory, and waits until
# GET /api/v1/app/version answers. Progress goes to stderr; stdout carries only the eval-able lines.
#
# Environment (all optional):
#   IVK_PORT               port on 127.0.0.1 (default 9391); start refuses if it is taken
#   IVK_INVOKEAI_VERSION   default 6.14.2; 5.15.0 is tested too
#   IVK_VENV               default ${XDG_CACHE_HOME:-$HOME/.cache}/ivk-codegen/invokeai-$IVK_INVOKEAI_VERSION-venv
#   IVK_PYTHON             interpreter for the venv (default python3.11; InvokeAI needs 3.11 or 3.12,
#                          and the machine's local CPU torch wheel is built for 3.11)
#   IVK_STATE_DIR          pid/log files (default ${TMPDIR:-/tmp}/ivk-codegen-server-$UID)
#   IVK_ROOT               InvokeAI root dir (default: a fresh temp dir, deleted by stop)
#   IVK_NODE_PACKS         node pack directories (space-separated) copied into the root's nodes/
#                          folder before the server starts (InvokeAI loads node packs at start)
#   IVK_START_TIMEOUT      seconds to wait for the API (default 180)
#   PIP_FIND_LINKS         handed to uv as --find-links (the CPU torch wheel lives there)
set -euo pipefail

IVK_PORT=${IVK_PORT:-9391}
IVK_INVOKEAI_VERSION=${IVK_INVOKEAI_VERSION:-6.14.2}
TORCH_SPEC="torch==2.13.0+cpu"
TORCHVISION_SPEC="torchvision==0.28.0"
CACHE_HOME=${XDG_CACHE_HOME:-$HOME/.cache}
IVK_VENV=${IVK_VENV:-$CACHE_HOME/ivk-codegen/invokeai-$IVK_INVOKEAI_VERSION-venv}
IVK_PYTHON=${IVK_PYTHON:-python3.11}
IVK_STATE_DIR=${IVK_STATE_DIR:-${TMPDIR:-/tmp}/ivk-codegen-server-$(id -u)}
IVK_START_TIMEOUT=${IVK_START_TIMEOUT:-180}
HOST=127.0.0.1 # never bind anything else
URL="http://$HOST:$IVK_PORT"
PIDFILE="$IVK_STATE_DIR/server-$IVK_PORT.pid"
ROOTFILE="$IVK_STATE_DIR/server-$IVK_PORT.root"
LOGFILE="$IVK_STATE_DIR/server-$IVK_PORT.log"
# What a complete venv was built from; a different recipe means a rebuild.
RECIPE="invokeai==$IVK_INVOKEAI_VERSION $TORCH_SPEC $TORCHVISION_SPEC torchvision-guard=1"

log() { echo "[invokeai-server] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if ! [[ "$IVK_PORT" =~ ^[0-9]+$ ]] || ((IVK_PORT < 1 || IVK_PORT > 65535)); then
  die "IVK_PORT must be a port number, got '$IVK_PORT'"
fi

venv_complete() {
  [[ -x "$IVK_VENV/bin/invokeai-web" && -f "$IVK_VENV/.ivk-complete" ]] &&
    [[ "$(cat "$IVK_VENV/.ivk-complete")" == "$RECIPE" ]]
}

install_venv() {
  local t0=$SECONDS constraints fl
  log "installing InvokeAI $IVK_INVOKEAI_VERSION into $IVK_VENV (once; reused afterwards)"
  command -v "$IVK_PYTHON" >/dev/null || die "no $IVK_PYTHON on PATH (set IVK_PYTHON to a Python 3.11)"
  rm -rf "$IVK_VENV"
  mkdir -p "$(dirname "$IVK_VENV")"
  "$IVK_PYTHON" -m venv "$IVK_VENV"
  # uv (from PyPI) installs about 10x faster than pip here.
  "$IVK_VENV/bin/python" -m pip install -q --disable-pip-version-check uv </dev/null >&2
  # Pin CPU torch and the torchvision built against it: otherwise the resolver takes the newest
  # CUDA torch and gigabytes of nvidia-* packages.
  constraints="$IVK_VENV/ivk-constraints.txt"
  printf '%s\n%s\n' "$TORCH_SPEC" "$TORCHVISION_SPEC" >"$constraints"
  # InvokeAI before 6 pins an older torch (5.15: torch~=2.7): override the pin with the CPU
  # torch on this machine, which runs it (tested with 5.15.0).
  local pin=--constraint
  [[ "$IVK_INVOKEAI_VERSION" == [45].* ]] && pin=--override
  local -a cmd=("$IVK_VENV/bin/uv" pip install --quiet --compile-bytecode
    --python "$IVK_VENV/bin/python" "$pin" "$constraints")
  # uv ignores pip's configuration: hand it the local wheel directory (CPU torch) explicitly.
  for fl in ${PIP_FIND_LINKS:-}; do cmd+=(--find-links "$fl"); done
  # --compile-bytecode matters: PYTHONDONTWRITEBYTECODE=1 is common here, and without .pyc
  # files every server start takes about 25 s instead of about 11 s.
  "${cmd[@]}" "$TORCH_SPEC" "invokeai==$IVK_INVOKEAI_VERSION" </dev/null >&2
  if compgen -G "$IVK_VENV/lib/python3*/site-packages/nvidia*" >/dev/null; then
    die "CUDA packages were installed into $IVK_VENV; check the torch pin"
  fi
  # PyPI's Linux torchvision is a CUDA build; on CPU torch its ops library fails to load and
  # `import torchvision` dies in _meta_registrations.py ("operator torchvision::nms does not
  # exist"). Register those two fake kernels only when the ops exist (a no-op on a CPU build).
  if ! "$IVK_VENV/bin/python" -c 'import torchvision' >/dev/null 2>&1; then
    log "guarding torchvision's nms/qnms fake registrations (CUDA build on CPU torch)"
    "$IVK_VENV/bin/python" - <<'PY'
import pathlib, sysconfig
path = pathlib.Path(sysconfig.get_paths()["purelib"]) / "torchvision" / "_meta_registrations.py"
text = path.read_text()
for op in ("nms", "qnms"):
    old = f'@torch.library.register_fake("torchvision::{op}")'
    if old not in text:
        raise SystemExit(f"torchvision guard: {old!r} not found in {path}")
    text = text.replace(
        old,
        f'@(torch.library.register_fake("torchvision::{op}") '
        f"if torchvision.extension._has_ops() else (lambda f: f))",
    )
# Write a new file rather than in place: uv hard-links files from its cache into the venv, and
# an in-place write would change the cached copy too.
tmp = path.with_suffix(".py.ivk-tmp")
tmp.write_text(text)
tmp.replace(path)
import py_compile
py_compile.compile(str(path), doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
PY
    "$IVK_VENV/bin/python" -c 'import torchvision.transforms.functional' >&2 ||
      die "torchvision still fails to import after the guard"
  fi
  printf '%s' "$RECIPE" >"$IVK_VENV/.ivk-complete"
  log "installed in $((SECONDS - t0)) s ($(du -sh "$IVK_VENV" | cut -f1))"
}

ensure_venv() {
  venv_complete && return 0
  mkdir -p "$(dirname "$IVK_VENV")"
  # Several starts at once (parallel test sessions) must not build the same venv together.
  exec 8>"$IVK_VENV.lock"
  flock 8
  venv_complete || install_venv
  exec 8>&-
}

port_in_use() { # true if anything accepts connections or holds a bind on $HOST:$IVK_PORT
  "$IVK_VENV/bin/python" - "$HOST" "$IVK_PORT" <<'PY'
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
s = socket.socket()
try:
    s.bind((host, port))
except OSError:
    sys.exit(0)
finally:
    s.close()
c = socket.socket()
c.settimeout(1)
sys.exit(0 if c.connect_ex((host, port)) == 0 else 1)
PY
}

our_pid() { # the recorded PID, if it is alive and is an invokeai-web
  local pid
  [[ -f "$PIDFILE" ]] || return 1
  pid=$(cat "$PIDFILE")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q invokeai-web || return 1
  echo "$pid"
}

answers() { curl -sf --max-time 5 "$URL/api/v1/app/version" 2>/dev/null; }

cleanup_state() {
  local root
  root=$(cat "$ROOTFILE" 2>/dev/null || true)
  # Only ever delete a root this script created (mktemp name below).
  if [[ -n "$root" && "$(basename "$root")" == ivk-codegen-root.* && -d "$root" ]]; then
    rm -rf "$root"
  fi
  rm -f "$PIDFILE" "$ROOTFILE"
}

prune_old_logs() { # logs of servers stopped more than a day ago (test runs use random ports)
  local old
  while IFS= read -r old; do
    [[ -e "${old%.log}.pid" ]] || rm -f "$old"
  done < <(find "$IVK_STATE_DIR" -maxdepth 1 -name 'server-*.log' -mmin +1440 2>/dev/null)
}

cmd_start() {
  local pid root t0 version pack
  ensure_venv
  mkdir -p "$IVK_STATE_DIR"
  prune_old_logs
  if pid=$(our_pid); then
    die "a server from $PIDFILE (pid $pid) is still running on port $IVK_PORT; stop it first"
  fi
  cleanup_state
  # invokeai-web silently moves to the next free port when its port is taken: refuse instead.
  if port_in_use; then die "port $IVK_PORT on $HOST is taken; choose another with IVK_PORT"; fi
  for pack in ${IVK_NODE_PACKS:-}; do
    [[ -f "$pack/__init__.py" ]] || die "IVK_NODE_PACKS: $pack is not a node pack (no __init__.py)"
  done
  if [[ -n "${IVK_ROOT:-}" ]]; then
    root=$IVK_ROOT
    mkdir -p "$root"
  else
    root=$(mktemp -d "${TMPDIR:-/tmp}/ivk-codegen-root.XXXXXX")
    echo "$root" >"$ROOTFILE"
  fi
  for pack in ${IVK_NODE_PACKS:-}; do
    mkdir -p "$root/nodes"
    rm -rf "${root:?}/nodes/$(basename "$pack")"
    cp -R "$pack" "$root/nodes/"
  done
  t0=$SECONDS
  # Configuration through the environment (pydantic-settings, prefix INVOKEAI_). No compression:
  # with gzip on, socket.io's long-polling answers 500 to clients sending Accept-Encoding: gzip.
  # The HF_* variables keep the huggingface libraries off the network.
  env INVOKEAI_HOST="$HOST" INVOKEAI_PORT="$IVK_PORT" INVOKEAI_LOG_FORMAT=plain \
    INVOKEAI_HTTP_COMPRESSION_LEVEL=0 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 DO_NOT_TRACK=1 \
    setsid "$IVK_VENV/bin/invokeai-web" --root "$root" </dev/null >"$LOGFILE" 2>&1 &
  pid=$!
  echo "$pid" >"$PIDFILE"
  # Interrupted before the server answers: take it down again rather than leave it behind.
  trap 'log "interrupted; stopping the server just started"; cmd_stop; exit 143' TERM INT HUP
  until version=$(answers); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "server exited during start-up; last lines of $LOGFILE:"
      tail -n 30 "$LOGFILE" >&2
      cleanup_state
      exit 1
    fi
    if ((SECONDS - t0 > IVK_START_TIMEOUT)); then
      log "no answer from $URL within $IVK_START_TIMEOUT s; last lines of $LOGFILE:"
      tail -n 30 "$LOGFILE" >&2
      cmd_stop
      exit 1
    fi
    sleep 0.25
  done
  # Someone could have taken the port between the check and the bind: make sure the server that
  # answers is ours.
  if ! grep -q "running on $URL" "$LOGFILE"; then
    log "the server answering at $URL is not the one just started; last lines of $LOGFILE:"
    tail -n 10 "$LOGFILE" >&2
    cmd_stop
    exit 1
  fi
  trap - TERM INT HUP
  log "InvokeAI $version at $URL after $((SECONDS - t0)) s (pid $pid, root $root, log $LOGFILE)"
  printf 'INVOKEAI_URL=%q\n' "$URL"
  printf 'IVK_SERVER_PID=%q\n' "$pid"
  printf 'IVK_SERVER_LOG=%q\n' "$LOGFILE"
}

cmd_stop() {
  local pid
  if pid=$(our_pid); then
    kill -TERM "$pid" # uvicorn shuts down gracefully on SIGTERM (about 3 s)
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid ignored SIGTERM for 20 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped the server on port $IVK_PORT (pid $pid)"
  elif [[ -f "$PIDFILE" ]]; then
    log "the server recorded in $PIDFILE is no longer running; cleaning up"
  else
    log "no server recorded for port $IVK_PORT; nothing to stop"
  fi
  cleanup_state
}

cmd_status() {
  local pid version
  if pid=$(our_pid) && version=$(answers); then
    log "running: InvokeAI $version at $URL (pid $pid, log $LOGFILE)"
    printf 'INVOKEAI_URL=%q\n' "$URL"
    printf 'IVK_SERVER_PID=%q\n' "$pid"
    return 0
  fi
  if [[ -n "${pid:-}" ]]; then log "pid $pid is alive but $URL does not answer"; else log "not running on port $IVK_PORT"; fi
  return 3
}

case "${1:-}" in
  install) ensure_venv; log "venv ready: $IVK_VENV" ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 install|start|stop|status   (port: IVK_PORT, default 9391)" >&2
    exit 2
    ;;
esac
