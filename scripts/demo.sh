#!/usr/bin/env bash
# The main job on a bundled example:   bash scripts/demo.sh [WORKFLOW.json]
#
# Sets up .venv (as scripts/test.sh does), generates a typed module from a workflow shipped
# with the project (tests/workflows/blur_image.json unless one is given) into .ivk/demo/,
# shows it, imports it, shows mypy --strict rejecting a wrong assignment, and shows the
# module's own command line (--help). No server needed.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
VENV="$REPO/.venv"
PY=${IVK_TEST_PYTHON:-python3}
log() { echo "[demo.sh] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# shellcheck source=scripts/venv.sh
source "$REPO/scripts/venv.sh"
ensure_venv

WORKFLOW=${1:-tests/workflows/blur_image.json}
OUT="$REPO/.ivk/demo"
mkdir -p "$OUT"
MODULE="$OUT/$(basename "${WORKFLOW%.json}" | tr -c 'A-Za-z0-9_\n' '_').py"

log "ivk-codegen $WORKFLOW -o ${MODULE#"$REPO"/}"
"$VENV/bin/ivk-codegen" "$WORKFLOW" -o "$MODULE"
echo
# The embedded workflow is long; show the code and the first lines of the data.
awk '/^_WORKFLOW_JSON = \(/ { data = 1; print; next }
     data == 0 { print; next }
     data == 1 { print; print "    ... (the rest of the workflow, embedded)"; data = 2; next }
     /^\)$/ { print }' "$MODULE"
echo
log "importing it and making an instance with the workflow's values:"
cd "$OUT"
"$VENV/bin/python" - "$MODULE" <<'PY'
import importlib.util, sys, pathlib
path = pathlib.Path(sys.argv[1])
spec = importlib.util.spec_from_file_location(path.stem, path)
module = importlib.util.module_from_spec(spec)
sys.modules[path.stem] = module
spec.loader.exec_module(module)
cls = getattr(module, module.__all__[0])
try:
    params = cls()
    print(params)
    print("to_values():", params.to_values())
except Exception as exc:  # a workflow with required inputs
    print(f"{cls.__name__} needs values for its required inputs: {exc}".splitlines()[0])
PY
CLASS=$("$VENV/bin/python" -c "import ast,sys; print(next(n.name for n in ast.parse(open(sys.argv[1]).read()).body if isinstance(n, ast.ClassDef)))" "$MODULE")
FIRST=$("$VENV/bin/python" -c "import ast,sys; c=next(n for n in ast.parse(open(sys.argv[1]).read()).body if isinstance(n, ast.ClassDef)); print(next(s.target.id for s in c.body if isinstance(s, ast.AnnAssign) and not s.target.id.startswith('_')))" "$MODULE")
cat >"$OUT/use_it.py" <<PY
from $(basename "$MODULE" .py) import $CLASS


def wrong($FIRST: $CLASS) -> None:
    $FIRST.$FIRST = object()  # mypy --strict must reject this line
PY
log "mypy --strict on a use of it with a wrong assignment (an error is the expected result):"
"$VENV/bin/mypy" --strict --config-file "$REPO/pyproject.toml" --no-error-summary use_it.py || true
NAME=$(basename "$MODULE" .py)
log "the module is a command line too: python -m $NAME --help (with a server: --out DIR runs it)"
HELP=$(PYTHONPATH="$OUT" "$VENV/bin/python" -m "$NAME" --help)
sed -n '1,/^running:/{/^running:/!p;}' <<<"$HELP"
sed -n '/^workflow inputs:/,$p' <<<"$HELP"
log "done: $MODULE"
