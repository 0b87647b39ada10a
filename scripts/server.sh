#!/usr/bin/env bash
# Lokal SPARQL-server / a local SPARQL server for trying out `arkitektur publish` and for the tests
# (docs/server.md). Only on loopback; a persistent store in DIR; stopped cleanly.
#
#   bash scripts/server.sh virtuoso start [DIR]   – Virtuoso Open Source 7 (Debian: virtuoso-opensource)
#   bash scripts/server.sh virtuoso stop  [DIR]
#   bash scripts/server.sh oxigraph start [DIR]   – Oxigraph server (PyPI: oxigraph, `pip install -e '.[server]'`)
#   bash scripts/server.sh oxigraph stop  [DIR]
#
# Ports (environment): VIRTUOSO_HTTP_PORT (8890), VIRTUOSO_SQL_PORT (1111), OXIGRAPH_PORT (7878).
# DIR defaults to .server/<kind> in the checkout. `start` prints the endpoint and, for Virtuoso, where
# the account the tool uses is written (DIR/konto: ARKITEKTUR_SPARQL_USER/PASSWORD, mode 600).
# Exit 0: running (or stopped); 2: cannot start/stop, with the reason and the server's log.
set -euo pipefail
cd "$(dirname "$0")/.."

kind="${1:-}"; action="${2:-}"
dir="${3:-.server/${kind}}"
die() { echo "server.sh: $1" >&2; [ -n "${2:-}" ] && echo "           ($2)" >&2; exit 2; }
case "$kind/$action" in
  virtuoso/start|virtuoso/stop|oxigraph/start|oxigraph/stop) ;;
  *) die "brug: server.sh virtuoso|oxigraph start|stop [MAPPE]" "usage: server.sh virtuoso|oxigraph start|stop [DIR]" ;;
esac
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

wait_http() {  # url seconds: until the SPARQL endpoint answers a query
  local i=0
  while [ "$i" -lt $(( $2 * 10 )) ]; do
    if curl -fsS -o /dev/null --max-time 2 -H 'Accept: application/sparql-results+json' \
        --data-urlencode 'query=ASK {}' "$1" 2>/dev/null; then return 0; fi
    sleep 0.1; i=$((i + 1))
  done
  return 1
}

# --- Virtuoso ---------------------------------------------------------------------------------
v_http="${VIRTUOSO_HTTP_PORT:-8890}"; v_sql="${VIRTUOSO_SQL_PORT:-1111}"
isql() {  # isql-vt exits 0 after an SQL error: read its output for "*** Error"
  local out
  out="$(isql-vt "127.0.0.1:${v_sql}" dba "$(cat "$dir/dba")" "exec=$1" 2>&1)" || { echo "$out" >&2; return 1; }
  if grep -q '\*\*\* Error' <<<"$out"; then echo "$out" >&2; return 1; fi
}

virtuoso_start() {
  command -v virtuoso-t >/dev/null || die "virtuoso-t findes ikke: kør 'bash scripts/opsaet.sh --server' (Debian: apt-get install virtuoso-opensource)" \
    "virtuoso-t not found: run 'bash scripts/opsaet.sh --server'"
  [ -f "$dir/virtuoso.lck" ] && wait_http "http://127.0.0.1:${v_http}/sparql" 1 && {
    echo "virtuoso kører allerede / already running: http://127.0.0.1:${v_http}/sparql"; return 0; }
  rm -f "$dir/virtuoso.lck"
  local vsp=/var/lib/virtuoso-opensource-7/vsp
  # Own ini: every file in DIR, both ports on loopback, DirsAllowed only DIR and the VAD folder.
  cat >"$dir/virtuoso.ini" <<EOF
[Database]
DatabaseFile = $dir/virtuoso.db
ErrorLogFile = $dir/virtuoso.log
LockFile = $dir/virtuoso.lck
TransactionFile = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = $dir/virtuoso-temp.db
TransactionFile = $dir/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:${v_sql}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = $dir, /usr/share/virtuoso-opensource-7/vad
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
MaxQueryMem = 1G
[HTTPServer]
ServerPort = 127.0.0.1:${v_http}
ServerRoot = $vsp
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledGzipContent = 1
[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 120
MaxSortedTopRows = 1000000
EOF
  local first=0
  [ -f "$dir/virtuoso.db" ] || first=1
  [ -f "$dir/dba" ] || { echo dba >"$dir/dba"; chmod 600 "$dir/dba"; }
  (cd "$dir" && virtuoso-t -c "$dir/virtuoso.ini" +wait) >"$dir/start.log" 2>&1 || {
    tail -5 "$dir/virtuoso.log" >&2 2>/dev/null || true
    die "Virtuoso startede ikke; se $dir/virtuoso.log" "Virtuoso did not start; see $dir/virtuoso.log"; }
  wait_http "http://127.0.0.1:${v_http}/sparql" 60 || die "Virtuoso svarer ikke på /sparql; se $dir/virtuoso.log" \
    "Virtuoso does not answer on /sparql; see $dir/virtuoso.log"
  if [ "$first" = 1 ]; then
    # The tool's account: SPARQL update (the SPARQL_UPDATE role) for it and for nobody else – the
    # anonymous user "SPARQL" of /sparql may only read. dba gets a new random password (DIR/dba).
    local pw dbapw
    pw="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
    dbapw="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
    isql "DB.DBA.USER_CREATE('arkitektur', '${pw}'); GRANT SPARQL_UPDATE TO \"arkitektur\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 1); DB.DBA.RDF_DEFAULT_USER_PERMS_SET('arkitektur', 3);" \
      || die "kunne ikke oprette kontoen arkitektur" "could not create the account arkitektur"
    # Basic authentication on /sparql-auth (Virtuoso's default there is Digest): the tool sends
    # the account's name and password from ARKITEKTUR_SPARQL_USER/PASSWORD, over loopback or TLS.
    isql "DB.DBA.VHOST_REMOVE(lhost=>'*ini*', vhost=>'*ini*', lpath=>'/sparql-auth'); DB.DBA.VHOST_DEFINE(lhost=>'*ini*', vhost=>'*ini*', lpath=>'/sparql-auth', ppath=>'/!sparql/', is_dav=>1, vsp_user=>'dba', realm=>'SPARQL', auth_fn=>'DB.DBA.HP_AUTH_SQL_USER', sec=>'basic', opts=>vector('noinherit', 1));" \
      || die "kunne ikke sætte /sparql-auth op" "could not set up /sparql-auth"
    # The same for the Graph Store Protocol, which publish uses to load its staging graphs in bulk.
    isql "DB.DBA.VHOST_REMOVE(lhost=>'*ini*', vhost=>'*ini*', lpath=>'/sparql-graph-crud-auth'); DB.DBA.VHOST_DEFINE(lhost=>'*ini*', vhost=>'*ini*', lpath=>'/sparql-graph-crud-auth', ppath=>'/!sparql-graph-crud/', is_dav=>1, vsp_user=>'dba', realm=>'SPARQL', auth_fn=>'DB.DBA.HP_AUTH_SQL_USER', sec=>'basic', opts=>vector('noinherit', 1));" \
      || die "kunne ikke sætte /sparql-graph-crud-auth op" "could not set up /sparql-graph-crud-auth"
    isql "USER_CHANGE_PASSWORD('dba', 'dba', '${dbapw}');" || die "kunne ikke skifte dba's adgangskode" "could not change dba's password"
    echo "$dbapw" >"$dir/dba"
    printf 'ARKITEKTUR_SPARQL_USER=arkitektur\nARKITEKTUR_SPARQL_PASSWORD=%s\n' "$pw" >"$dir/konto"
    chmod 600 "$dir/konto" "$dir/dba"
  fi
  echo "virtuoso kører / running: læs / read http://127.0.0.1:${v_http}/sparql, skriv / update http://127.0.0.1:${v_http}/sparql-auth (konto / account: $dir/konto)"
}

virtuoso_stop() {
  [ -f "$dir/virtuoso.lck" ] || { echo "virtuoso kører ikke / not running ($dir)"; return 0; }
  isql 'shutdown;' 2>/dev/null || true  # the connection ends as the server stops
  local i=0
  while [ -f "$dir/virtuoso.lck" ] && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
  [ -f "$dir/virtuoso.lck" ] && die "Virtuoso stoppede ikke inden 30 s; se $dir/virtuoso.log" "Virtuoso did not stop within 30 s"
  echo "virtuoso stoppet / stopped"
}

# --- Oxigraph ---------------------------------------------------------------------------------
o_port="${OXIGRAPH_PORT:-7878}"
oxigraph_bin() {
  if [ -x .venv/bin/oxigraph ]; then echo .venv/bin/oxigraph
  elif command -v oxigraph >/dev/null; then command -v oxigraph
  else die "oxigraph findes ikke: kør 'bash scripts/opsaet.sh --server' (pip install oxigraph)" \
    "oxigraph not found: run 'bash scripts/opsaet.sh --server'"; fi
}

oxigraph_start() {
  local bin; bin="$(oxigraph_bin)"
  if [ -f "$dir/oxigraph.pid" ] && kill -0 "$(cat "$dir/oxigraph.pid")" 2>/dev/null; then
    echo "oxigraph kører allerede / already running: http://127.0.0.1:${o_port}/query"; return 0; fi
  mkdir -p "$dir/data"
  nohup "$bin" serve --location "$dir/data" --bind "127.0.0.1:${o_port}" >"$dir/oxigraph.log" 2>&1 &
  echo $! >"$dir/oxigraph.pid"
  wait_http "http://127.0.0.1:${o_port}/query" 30 || {
    tail -5 "$dir/oxigraph.log" >&2 || true
    die "Oxigraph startede ikke; se $dir/oxigraph.log" "Oxigraph did not start; see $dir/oxigraph.log"; }
  echo "oxigraph kører / running: læs / read http://127.0.0.1:${o_port}/query, skriv / update http://127.0.0.1:${o_port}/update"
}

oxigraph_stop() {
  [ -f "$dir/oxigraph.pid" ] || { echo "oxigraph kører ikke / not running ($dir)"; return 0; }
  local pid; pid="$(cat "$dir/oxigraph.pid")"
  # SIGTERM: the server finishes the request it is serving and closes its RocksDB store cleanly.
  kill -TERM "$pid" 2>/dev/null || true
  local i=0
  while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
  kill -0 "$pid" 2>/dev/null && die "Oxigraph stoppede ikke inden 30 s (pid $pid)" "Oxigraph did not stop within 30 s"
  rm -f "$dir/oxigraph.pid"
  echo "oxigraph stoppet / stopped"
}

"${kind}_${action}"
