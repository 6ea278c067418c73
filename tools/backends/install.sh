#!/usr/bin/env bash
# Installs the real backends the `pnpm test:backends` suite runs against, into a cache outside the repo
# (GLASSBOX_BACKENDS_CACHE, default ~/.cache/glassbox-backends), so a second run starts in seconds:
#   jaeger   Jaeger v2 v1.75.0, built from the Go module proxy      -> $CACHE/go-bin/jaeger-v1.75.0
#   phoenix  arize-phoenix==20.26.1 in a venv (PyPI)                -> $CACHE/phoenix-20.26.1
#   mlflow   mlflow==3.18.0 in a venv (PyPI)                        -> $CACHE/mlflow-3.18.0
# Usage: tools/backends/install.sh [jaeger|phoenix|mlflow|all]...   (default all; `all` runs the three at
# once and prints how long each took). An install that is already complete is skipped; a half-done one
# (killed, failed) is redone from scratch.
set -euo pipefail

CACHE="${GLASSBOX_BACKENDS_CACHE:-$HOME/.cache/glassbox-backends}"
JAEGER_VERSION=v1.75.0
PHOENIX_VERSION=20.26.1
MLFLOW_VERSION=3.18.0
PYTHON="${GLASSBOX_BACKENDS_PYTHON:-python3}"
mkdir -p "$CACHE"

log() { printf '[backends] %s\n' "$*" >&2; }

install_jaeger() {
  local bin="$CACHE/go-bin/jaeger-$JAEGER_VERSION"
  if [ -x "$bin" ]; then log "jaeger $JAEGER_VERSION: cached ($bin)"; return; fi
  command -v go >/dev/null || { log "jaeger: 'go' is not on PATH"; return 1; }
  export GOMODCACHE="$CACHE/go-mod" GOCACHE="$CACHE/go-build" GOFLAGS="${GOFLAGS:--p=2}"
  # `go install github.com/jaegertracing/jaeger/cmd/jaeger@v1.75.0` refuses this module: its go.mod
  # has replace directives, which only apply to a main module. So: fetch the same module from the
  # proxy and build it as the main module (what `go install` would build, with the replaces honoured).
  local dir
  dir=$(go mod download -json "github.com/jaegertracing/jaeger@$JAEGER_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || { log "jaeger: go mod download gave no module directory"; return 1; }
  mkdir -p "$CACHE/go-bin"
  (cd "$dir" && go build -trimpath -ldflags '-s -w' -o "$bin.partial" ./cmd/jaeger)
  mv "$bin.partial" "$bin"
  log "jaeger $JAEGER_VERSION: built ($bin)"
}

# One venv per pinned package; the `.complete` marker is written last, so a killed install is redone.
install_venv() {
  local name=$1 version=$2
  local venv="$CACHE/$name-$version"
  if [ -f "$venv/.complete" ]; then log "$name $version: cached ($venv)"; return; fi
  rm -rf "$venv"
  "$PYTHON" -m venv "$venv"
  local pip=("$venv/bin/python" -m pip install --disable-pip-version-check --no-input --quiet)
  if [ "$name" = mlflow ]; then
    # mlflow 3.18.0 pins mlflow-tracing==3.18.0, which PyPI does not have (its newest is 3.17.2), so a
    # plain `pip install mlflow==3.18.0` fails to resolve. mlflow-tracing's files are all inside
    # mlflow-skinny 3.18.0 (which mlflow also pins), so: mlflow without dependencies, then every
    # dependency mlflow 3.18.0 declares except that one.
    "${pip[@]}" --no-deps "mlflow==$version"
    local requirements
    requirements=$("$venv/bin/python" - <<'PY'
import importlib.metadata as metadata
from pip._vendor.packaging.requirements import Requirement
for line in metadata.requires("mlflow") or []:
    req = Requirement(line)
    if req.name == "mlflow-tracing" or (req.marker and not req.marker.evaluate({"extra": ""})):
        continue
    print(f"{req.name}{req.specifier}")
PY
    )
    # shellcheck disable=SC2086
    "${pip[@]}" $requirements
    log "mlflow: pip's note that mlflow-tracing==3.18.0 is not installed is expected (see above)"
  else
    "${pip[@]}" "arize-phoenix==$version"
  fi
  touch "$venv/.complete"
  log "$name $version: installed ($venv)"
}

install_one() {
  case "$1" in
    jaeger) install_jaeger ;;
    phoenix) install_venv phoenix "$PHOENIX_VERSION" ;;
    mlflow) install_venv mlflow "$MLFLOW_VERSION" ;;
    *) log "unknown backend '$1' (expected jaeger, phoenix, mlflow or all)"; return 2 ;;
  esac
}

timed() {
  local start=$SECONDS rc
  # In a subshell of its own, not in an `if`: there `set -e` would be ignored and a failed step missed.
  set +e
  (
    set -e
    install_one "$1"
  )
  rc=$?
  set -e
  if [ "$rc" -eq 0 ]; then log "$1: done in $((SECONDS - start)) s"; else log "$1: FAILED after $((SECONDS - start)) s"; fi
  return "$rc"
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(all)
if [ "${targets[*]}" = all ]; then
  # The three at once: the Go build is CPU-bound, the pip installs mostly wait on the network and disk.
  pids=()
  for backend in jaeger phoenix mlflow; do
    timed "$backend" &
    pids+=($!)
  done
  status=0
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
  exit "$status"
fi
for backend in "${targets[@]}"; do timed "$backend"; done
