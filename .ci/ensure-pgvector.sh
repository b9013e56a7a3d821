#!/usr/bin/env bash
# Installs the pgvector extension into the local PostgreSQL server when it is missing.
# Debian bookworm ships no pgvector package, so we build Debian trixie's source package
# against the running server (PGXS via its pg_config) without LLVM bitcode.
set -euo pipefail

PGHOST_ADDR="${PGHOST_ADDR:-127.0.0.1}"
PGPORT_NUM="${PGPORT_NUM:-5432}"

available() {
  psql -h "$PGHOST_ADDR" -p "$PGPORT_NUM" -U postgres -d postgres -tAc \
    "select 1 from pg_available_extensions where name = 'vector'" 2>/dev/null | grep -q 1
}

if available; then
  echo "[ci] pgvector already available"
  exit 0
fi

PG_MAJOR="$(psql -h "$PGHOST_ADDR" -p "$PGPORT_NUM" -U postgres -d postgres -tAc 'show server_version_num' | cut -c1-2)"
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
echo "[ci] building pgvector for PostgreSQL ${PG_MAJOR} (${PG_CONFIG})"

export DEBIAN_FRONTEND=noninteractive
SRC_LIST=/etc/apt/sources.list.d/docintel-trixie-src.sources
if [ ! -f "$SRC_LIST" ]; then
  cat > "$SRC_LIST" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "postgresql-server-dev-${PG_MAJOR}" build-essential dpkg-dev >/dev/null

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
apt-get source -qq --download-only pgvector >/dev/null 2>&1 || apt-get source --download-only pgvector
dpkg-source -x --no-check ./pgvector_*.dsc src >/dev/null
cd src
make -s PG_CONFIG="$PG_CONFIG" with_llvm=no OPTFLAGS="" >/dev/null
make -s PG_CONFIG="$PG_CONFIG" with_llvm=no install >/dev/null

if available; then
  echo "[ci] pgvector installed"
else
  echo "[ci] pgvector build finished but the extension is still not available" >&2
  exit 1
fi
