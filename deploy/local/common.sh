# Shared settings for the scripts behind `make setup/up/down`; sourced, not run.
set -euo pipefail
NJIA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NJIA_STATE="${NJIA_STATE_DIR:-$NJIA_ROOT/.njia}"
NJIA_BIN="$NJIA_STATE/bin"
NJIA_RUN="${NJIA_RUN_DIR:-$NJIA_STATE/run}"
NJIA_LOGS="${NJIA_LOG_DIR:-$NJIA_STATE/log}"
NJIA_DATA="$NJIA_STATE/data"
NJIA_VENV="$NJIA_ROOT/.venv"
FERRETDB_VERSION="v1.24.2"
NJIA_FERRETDB_BACKEND="${NJIA_FERRETDB_BACKEND:-postgresql}"
NJIA_FERRETDB_ADDR="${NJIA_FERRETDB_ADDR:-127.0.0.1:27017}"
NJIA_POSTGRES_PORT="${NJIA_POSTGRES_PORT:-5433}"
mkdir -p "$NJIA_BIN" "$NJIA_RUN" "$NJIA_LOGS" "$NJIA_DATA"

say() { printf '\033[1m[njia]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[njia] error:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=""
apt_install() {
  # apt-get update once per run, only when something is missing.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  say "installing ${missing[*]} from Debian"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# pid_alive FILE: true when FILE names a running process.
pid_alive() {
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# wait_port HOST PORT SECONDS: until something accepts connections there.
wait_port() {
  local host=$1 port=$2 limit=$3 i=0
  while ! (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; do
    i=$((i + 1)); [ "$i" -gt $((limit * 5)) ] && return 1; sleep 0.2
  done
}
