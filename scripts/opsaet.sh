#!/usr/bin/env bash
# Opsætning / set-up: system packages pip cannot install (Graphviz, Java for HermiT), then a
# virtual environment in .venv with arkitektur installed. Safe to run again.
#   bash scripts/opsaet.sh          – til at bruge værktøjet / to use the tool
#   bash scripts/opsaet.sh --test   – også testafhængigheder / with the test dependencies
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
# Mødepakkens browsertest / the meeting pack's browser test (tests/test_report_browser.py).
if [ "${1:-}" = "--test" ]; then command -v chromium >/dev/null 2>&1 || need+=(chromium); fi
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "opsaet: installerer ${need[*]} / installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "opsaet: mangler ${need[*]}: installér dem med din pakkehåndtering (fx 'sudo apt-get install ${need[*]}')." >&2
    echo "        missing ${need[*]}: install them with your package manager." >&2
  fi
fi

python="${PYTHON:-python3}"
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "opsaet: kræver Python 3.11 eller nyere / needs Python 3.11 or newer" >&2; exit 2; }
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}"
