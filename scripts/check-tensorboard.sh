#!/usr/bin/env bash
# Reads a folder of sqlrl runs with a real TensorBoard, both its Python event loader and the Rust data
# server that `tensorboard --logdir` serves the browser from, and checks that every run's scalars equal its
# metrics.jsonl (names, steps, float32 values, each step once across resumed runs' files) and that its
# samples text is there. TensorBoard is installed with pip into a virtual environment under build/, never
# into the system; extra pip arguments (e.g. --no-index --find-links DIR for wheels on disk) come from
# SQLRL_PIP_ARGS. Exit 0: all match; 1: a mismatch; 3: TensorBoard could not be installed.
# Usage: scripts/check-tensorboard.sh LOGDIR   (e.g. runs, or runs/demo-X)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
logdir=${1:?usage: scripts/check-tensorboard.sh LOGDIR}
venv=${SQLRL_TENSORBOARD_VENV:-$src/build/tensorboard-venv}
if [ ! -x "$venv/bin/tensorboard" ]; then
  python3 -m venv "$venv" || exit 3
  # shellcheck disable=SC2086 # SQLRL_PIP_ARGS is a list of arguments
  "$venv/bin/pip" install -q ${SQLRL_PIP_ARGS:-} tensorboard || exit 3
fi
exec "$venv/bin/python" "$src/scripts/check_tensorboard.py" "$logdir"
