#!/usr/bin/env bash
# Opsætning / set-up: system packages pip cannot install (Graphviz, Java for HermiT), then a
# virtual environment in .venv with arkitektur installed. Safe to run again.
#   bash scripts/opsaet.sh          – til at bruge værktøjet / to use the tool
#   bash scripts/opsaet.sh --test   – også testafhængigheder / with the test dependencies
#   bash scripts/opsaet.sh --server – også SPARQL-serverne (Virtuoso fra Debian, Oxigraph fra PyPI) til
#                                     scripts/server.sh og servertestene / the SPARQL servers (docs/server.md)
# (--test og --server kan gives sammen / may be given together; CI gives both: .ci/run.)
set -euo pipefail
cd "$(dirname "$0")/.."

test=0; server=0
for arg in "$@"; do
  case "$arg" in
    --test) test=1 ;;
    --server) server=1 ;;
    *) echo "opsaet: ukendt valg $arg / unknown option $arg (--test, --server)" >&2; exit 2 ;;
  esac
done
wanted=()
[ "$test" = 1 ] && wanted+=(test)
[ "$server" = 1 ] && wanted+=(server)
extras=""
[ "${#wanted[@]}" -gt 0 ] && extras="[$(IFS=,; echo "${wanted[*]}")]"

need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
# Mødepakkens browsertest / the meeting pack's browser test (tests/test_report_browser.py).
if [ "$test" = 1 ]; then command -v chromium >/dev/null 2>&1 || need+=(chromium); fi
# Virtuoso Open Source 7 og isql-vt (scripts/server.sh); curl venter på serverne / waits for the servers.
if [ "$server" = 1 ]; then
  command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)
  command -v curl >/dev/null 2>&1 || need+=(curl)
fi
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
