#!/usr/bin/env bash
# Install what the tests need and run them: the README's test command, and what CI runs (.ci/run).
#
#   bash scripts/test.sh                 # everything, slow end-to-end tests included
#   bash scripts/test.sh -m "not slow"   # extra arguments go to pytest
#
# Installs: the package with its test extras (pip); as root with apt-get also Debian's chromium (headless
# report tests), fonts-noto-cjk (Chinese text in browser and PDF), poppler-utils (pdftotext) and
# postgresql (evidence-store tests on a real server, started here on a free loopback port, stopped at exit)
# and, where Java is missing, openjdk-17-jre-headless (Spark tests, pip extra `spark`), and
# libreoffice-writer-nogui (the Word edition of the review, converted to PDF in tests/unit/publish/test_review_docx.py).
set -euo pipefail
cd "$(dirname "$0")/.."

have_deb() { dpkg -s "$1" >/dev/null 2>&1; }
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
have_deb fonts-noto-cjk || need_apt+=(fonts-noto-cjk)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)  # local Spark (tests/unit/engines/test_engines.py)
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-writer-nogui)  # the review's Word edition to PDF
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages: ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "note: not installing ${need_apt[*]} (needs root and apt-get); tests that need them will skip"
  fi
fi

python -m pip install -q --disable-pip-version-check -e ".[test,spark]"

# A throw-away PostgreSQL server for the evidence-store tests, unless one is given.
if [ -z "${GOVREPORT_TEST_PG_URL:-}" ]; then
  initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$initdb" ]; then
    pgbin=$(dirname "$initdb")
    pgport=$(python -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
    pgdata=$(mktemp -d /tmp/govreport-pg.XXXXXX)
    as_pg=()
    if [ "$(id -u)" = 0 ]; then chown postgres "$pgdata"; as_pg=(runuser -u postgres --); fi
    "${as_pg[@]}" "$pgbin/initdb" -D "$pgdata" -A trust -U postgres >/dev/null
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdata" -o "-k $pgdata -p $pgport -h 127.0.0.1" -l "$pgdata/log" -w start >/dev/null
    trap '"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pgdata"' EXIT
    export GOVREPORT_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$pgport/postgres"
    echo "PostgreSQL test server on 127.0.0.1:$pgport"
  fi
fi

python -m pytest "$@"
