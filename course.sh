#!/usr/bin/env bash
# One entry point for learners, instructors and CI.
#
#   bash course.sh lab     set up (first time) and open the course in JupyterLab at its index
#   bash course.sh test    set up (first time) and run every test: unit tests, course checks, every notebook
#   bash course.sh test --colab   build Colab's stack (Python 3.13, torch 2.11.0 and the rest of
#                          requirements-colab.txt, in a Debian 13 root; needs root) and run every notebook
#                          alone in it, comparing every text output with the stored one
#   bash course.sh bench   time every notebook and write BENCHMARK.md
#   bash course.sh site    build the course website into _build/html (from the executed notebooks)
#   bash course.sh env     print an environment report (versions, device, threads) for bug reports
#
# Setup makes ./.venv with the versions in requirements-lock.txt (Python 3.11, as CI uses);
# on another Python it installs the lower bounds of requirements-dev.txt instead.
# PyTorch: on Linux, PyPI's torch is the CUDA build (several GB, with NVIDIA's libraries). Without an NVIDIA
# GPU, run with DUDL_TORCH=cpu (e.g. `DUDL_TORCH=cpu bash course.sh lab`): setup then installs torch from
# PyTorch's CPU-only index first (about 200 MB). macOS and Windows get a CPU build from PyPI anyway.
set -euo pipefail
cd "$(dirname "$0")"
cmd=${1:-}
[ $# -gt 0 ] && shift

PYTHON=${PYTHON:-python3}
if [ "$cmd" = test ] && [ "${1:-}" = --colab ]; then
  shift
  # Colab's real stack: Python 3.13 and torch 2.11.0 (requirements-colab.txt) in a Debian 13 root, built once
  # (needs root: debootstrap and chroot). The course package is NOT installed there: as in Colab, each
  # notebook's setup cell fetches it.
  croot=${DUDL_COLAB_ROOT:-/var/tmp/dudl-colab-root}
  bash tools/colab_root.sh build "$croot"
  export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} DUDL_THREADS=${DUDL_THREADS:-1} DUDL_STACK=colab
  exec bash tools/colab_root.sh run "$croot" python -m pytest -n 2 --dist worksteal tests/test_alone.py "$@"
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
VPY=.venv/bin/python
TORCH_CPU_INDEX=https://download.pytorch.org/whl/cpu
stamp=".venv/.installed-$(cat requirements-lock.txt requirements-dev.txt requirements.txt pyproject.toml | cksum | cut -d' ' -f1)-${DUDL_TORCH:-pypi}"
if [ ! -f "$stamp" ]; then
  if "$VPY" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
    reqs=requirements-lock.txt torch_req=$(grep '^torch==' requirements-lock.txt)
  else
    reqs=requirements-dev.txt torch_req=$(grep '^torch>=' requirements.txt)
  fi
  if [ "${DUDL_TORCH:-}" = cpu ]; then  # the same torch requirement, from the CPU-only index
    "$VPY" -m pip install --quiet --disable-pip-version-check --index-url "$TORCH_CPU_INDEX" "$torch_req"
  fi
  "$VPY" -m pip install --quiet --disable-pip-version-check -r "$reqs"
  # the course's own package `utils`, editable: notebooks import it wherever they sit
  "$VPY" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
  touch "$stamp"
fi
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
# JupyterLab's defaults for the course: no "get notified about official Jupyter news?" toast over every
# page, no update check (tools/lab_overrides.json, in this environment's JupyterLab settings folder)
mkdir -p .venv/share/jupyter/lab/settings
cp tools/lab_overrides.json .venv/share/jupyter/lab/settings/overrides.json

case "$cmd" in
  lab)
    # --allow-root only when run as root (containers, CI); a learner's own account needs nothing extra
    [ "$(id -u)" = 0 ] && set -- --allow-root "$@"
    exec .venv/bin/jupyter lab --ServerApp.root_dir="$PWD" --LabApp.default_url=/lab/tree/index.ipynb --config=tools/lab_config.py "$@" ;;
  test)
    # the browser tests drive Debian's Chromium; install it when we can (root with apt), else they skip
    if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
    fi
    # two test workers run two notebooks at once: each gets one core (utils.train_batched reads DUDL_THREADS)
    export DUDL_THREADS=${DUDL_THREADS:-1}
    exec "$VPY" -m pytest -n 2 --dist worksteal "$@" ;;
  site)
    exec "$VPY" -m tools.build_site "$@" ;;
  bench)
    exec "$VPY" -m tools.benchmark "$@" ;;
  env)
    exec "$VPY" -m tools.envreport ;;
  *)
    sed -n '2,14p' "$0"; exit 2 ;;
esac
