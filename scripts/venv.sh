# shellcheck shell=bash
# Sourced by scripts/test.sh and scripts/demo.sh: `ensure_venv` makes .venv in the repo with the
# project installed (editable, strict) and the test extras, reusing it while it is current.
# Needs REPO, VENV, PY and the functions log and die from the script that sources it.
# What the strict editable install depends on: pyproject.toml and the set of package files (its
# link tree in build/ links each file present at install time; new or deleted files need a
# reinstall). Where the tree holds copies or hard links instead of symlinks, every file's
# identity and content matter too.
fingerprint() {
  local format='%p\n'
  if [[ -n "$(find build -path '*__editable__*' -type f -name '*.py' -print -quit 2>/dev/null)" ]]; then
    format='%p %i %s %T@\n'
  fi
  {
    sha256sum pyproject.toml
    find codegen runtime templates -type f ! -path '*/__pycache__/*' ! -name '*.pyc' \
      -printf "$format" 2>/dev/null | LC_ALL=C sort
  } | sha256sum | cut -d' ' -f1
}

venv_ok() {
  [[ -x "$VENV/bin/python" && -x "$VENV/bin/uv" && -f "$VENV/.ivk-installed" ]] &&
    [[ "$(cat "$VENV/.ivk-installed")" == "$(fingerprint)" ]]
}

ensure_venv() {
  local t0=$SECONDS
  venv_ok && return 0
  # Two test runs at once must not install together (the lock lives outside the work tree).
  exec 9>"${TMPDIR:-/tmp}/ivk-codegen-venv-$(echo "$REPO" | sha256sum | cut -c1-12).lock"
  flock 9
  if ! venv_ok; then
    if ! "$VENV/bin/python" -c '' 2>/dev/null; then
      log "creating $VENV"
      rm -rf "$VENV"
      "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
        die "$PY is older than 3.10; set IVK_TEST_PYTHON"
      "$PY" -m venv "$VENV"
    fi
    if [[ ! -x "$VENV/bin/uv" ]]; then
      "$VENV/bin/python" -m pip install -q --disable-pip-version-check uv </dev/null >&2
    fi
    log "installing the project into $VENV (editable, strict)"
    rm -f "$VENV/.ivk-installed"
    "$VENV/bin/uv" pip install --quiet --compile-bytecode --python "$VENV/bin/python" \
      --config-setting editable_mode=strict -e '.[test]' </dev/null >&2
    fingerprint >"$VENV/.ivk-installed"
    log "project installed in $((SECONDS - t0)) s"
  fi
  exec 9>&-
}
