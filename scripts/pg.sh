#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for tests and benchmarks, listening on 127.0.0.1 only.
#
#   scripts/pg.sh start DIR   # prints the SQLAlchemy URL (also written to DIR/url)
#   scripts/pg.sh stop DIR    # stops the server and removes DIR
#
# Installs PostgreSQL with apt-get when missing. PostgreSQL refuses to run as root,
# so as root the cluster is created and run by the `postgres` user. Authentication is
# `trust`: the server only listens on 127.0.0.1 and lives as long as one test run.
# PG_FAST=1 turns off fsync (quicker tests; keep it off for honest benchmarks).
set -euo pipefail

DB_NAME=migracoop_test
DB_USER=migracoop
PG_VERSION=15

log() { echo "pg.sh: $*" >&2; }
die() { log "$*"; exit 1; }

usage() { die "usage: $0 start|stop|status DIR"; }

find_bindir() {
  local dir
  if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ]; then echo "$PG_BINDIR"; return 0; fi
  if [ -x "/usr/lib/postgresql/$PG_VERSION/bin/initdb" ]; then
    echo "/usr/lib/postgresql/$PG_VERSION/bin"; return 0
  fi
  # Another major version from the distribution will do (newest first).
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    if [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
  done
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}

install_postgres() {
  [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed; install postgresql-$PG_VERSION (needs root)"
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is unavailable"
  log "installing PostgreSQL with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "postgresql-$PG_VERSION" >&2 \
    || apt-get install -y -qq postgresql >&2
}

# Run a PostgreSQL binary as the server's owner, from a directory it can read.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && LC_ALL=C runuser -u postgres -- "$@")
  else
    (cd / && LC_ALL=C "$@")
  fi
}

free_port() {
  local py
  for py in python3 python3.11 python; do
    if command -v "$py" >/dev/null 2>&1; then
      "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
      return 0
    fi
  done
  echo $((20000 + RANDOM % 20000))
}

pid_alive() {  # PID; a zombie (killed, never reaped) does not count
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
  [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || echo R)" != Z ]
}

is_running() {  # DIR; true when the server there accepts connections
  [ -f "$1/data/postmaster.pid" ] && [ -f "$1/port" ] || return 1
  pid_alive "$(head -n1 "$1/data/postmaster.pid")" || return 1
  "$(cat "$1/bindir")/pg_isready" -q -h 127.0.0.1 -p "$(cat "$1/port")" -t 5
}

url_for() {  # PORT
  echo "postgresql+asyncpg://$DB_USER@127.0.0.1:$1/$DB_NAME"
}

start() {
  local dir="$1" bindir port url attempt
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"

  if is_running "$dir" && [ -f "$dir/url" ]; then
    log "already running"
    cat "$dir/url"
    return 0
  fi
  # Anything left from an earlier run that is not serving is thrown away.
  if [ -e "$dir/data" ]; then
    stop_server "$dir" || true
    rm -rf "$dir/data" "$dir/url" "$dir/port" "$dir/server.log"
  fi

  bindir="$(find_bindir)" || { install_postgres; bindir="$(find_bindir)" \
    || die "initdb not found after installing PostgreSQL"; }
  echo "$bindir" > "$dir/bindir"

  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 \
      || useradd --system --user-group --no-create-home --home-dir /var/lib/postgresql postgres
    chown postgres: "$dir"
    chmod 700 "$dir"
    # The postgres user must be able to reach DIR through its parents.
    runuser -u postgres -- test -w "$dir" \
      || die "user postgres cannot write to $dir; choose a directory under /tmp"
  fi

  as_owner "$bindir/initdb" -D "$dir/data" --auth=trust --username=postgres \
    --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  mkdir -p "$dir/socket"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/socket"

  # Clients use TCP; the socket only needs a private directory (paths over ~100 bytes
  # cannot be sockets, so a long DIR goes without one).
  local socket_dir="$dir/socket"
  [ "${#socket_dir}" -lt 90 ] || socket_dir="''"
  local opts="-c listen_addresses=127.0.0.1 -c unix_socket_directories=$socket_dir"
  opts="$opts -c max_connections=200 -c shared_buffers=128MB"
  if [ "${PG_FAST:-0}" = 1 ]; then
    opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi

  for attempt in 1 2 3 4 5; do
    port="$(free_port)"
    if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "$opts -p $port" start >/dev/null 2>&1; then
      break
    fi
    log "start on port $port failed (attempt $attempt)"
    tail -n 5 "$dir/server.log" >&2 || true
    port=""
  done
  [ -n "$port" ] || die "could not start PostgreSQL; see $dir/server.log"
  echo "$port" > "$dir/port"

  as_owner "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt \
    -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE $DB_USER LOGIN SUPERUSER" \
    -c "CREATE DATABASE $DB_NAME OWNER $DB_USER" >&2 \
    || die "could not create database $DB_NAME"

  url="$(url_for "$port")"
  echo "$url" > "$dir/url"
  log "PostgreSQL $("$bindir/pg_ctl" --version | awk "{print \$3}") on 127.0.0.1:$port"
  echo "$url"
}

stop_server() {  # DIR; stops the server if one runs there
  local dir="$1" bindir pid
  [ -f "$dir/data/postmaster.pid" ] || return 0
  bindir="$(cat "$dir/bindir" 2>/dev/null || find_bindir || true)"
  if [ -n "$bindir" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 20 stop >/dev/null 2>&1 \
      || as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 10 stop >/dev/null 2>&1 \
      || true
  fi
  pid="$(head -n1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
  if pid_alive "$pid"; then
    log "killing postmaster $pid"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

stop() {
  local dir="$1"
  [ -d "$dir" ] || return 0
  dir="$(cd "$dir" && pwd)"
  [ "$dir" != "/" ] || die "refusing to remove /"
  stop_server "$dir"
  rm -rf "$dir"
  log "stopped and removed $dir"
}

status() {
  local dir="$1"
  if is_running "$dir"; then cat "$dir/url"; else log "not running"; return 1; fi
}

[ $# -eq 2 ] || usage
case "$1" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  status) status "$2" ;;
  *) usage ;;
esac
