#!/bin/sh
# Check a course repository with Tadbir's own validator, as `make check STRICT=1` does in Tadbir:
# every error and every warning, each as file:line: reason; exit status 1 if there is any.
#
# Copy this file into your course repository as _ci/check-content.sh (a folder whose name starts
# with "_" is ignored by Tadbir, like any hidden one), then run it from the repository's root:
#
#     TADBIR_REPO=https://…/tadbir.git sh _ci/check-content.sh
#
# Settings (environment variables):
#   TADBIR_REPO  address of the Tadbir repository to clone (needed once, unless TADBIR_DIR exists)
#   TADBIR_REF   its branch or tag (default: main)
#   TADBIR_DIR   where Tadbir is, or is cloned to (default: .tadbir, ignored by the check)
#   CONTENT      the folder holding the course folders (default: the current folder)
#   MSG_LANG     language of the messages: fr (default), ar or en
#   STRICT       1 (default): warnings count as errors; 0: only errors do
set -eu

TADBIR_DIR=${TADBIR_DIR:-.tadbir}
CONTENT=${CONTENT:-.}
MSG_LANG=${MSG_LANG:-fr}
STRICT=${STRICT:-1}

if [ ! -f "$TADBIR_DIR/wsgi.py" ]; then
  : "${TADBIR_REPO:?set TADBIR_REPO to the address of the Tadbir repository}"
  git clone --quiet --depth 1 --branch "${TADBIR_REF:-main}" "$TADBIR_REPO" "$TADBIR_DIR"
fi
if [ ! -x "$TADBIR_DIR/.venv/bin/flask" ]; then
  make -C "$TADBIR_DIR" install
fi
"$TADBIR_DIR/.venv/bin/pybabel" compile -d "$TADBIR_DIR/courses/translations" >/dev/null 2>&1

strict=""
[ "$STRICT" = 1 ] && strict="--strict"
# Run from here, so each file:line is relative to the repository (clickable in editors and CI logs).
exec "$TADBIR_DIR/.venv/bin/flask" --app "$TADBIR_DIR/wsgi.py" content check "$CONTENT" --lang "$MSG_LANG" $strict
