#!/usr/bin/env bash
# Debian packages flashcoop needs beyond Python: WeasyPrint's Pango and HarfBuzz subsetting,
# Chromium for the browser tests and screenshots, poppler-utils for looking at PDFs, wrk as
# the load generator of `make bench`.
# Installs only what is missing, and only when it can (root or sudo).
set -euo pipefail
# Noto covers the names people bring (Arabic, Cyrillic, ...) and emoji on certificates.
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core
  fonts-noto-color-emoji)
[ "${1:-}" = "--with-browser" ] && packages+=(chromium poppler-utils wrk)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
# The tests also need a Java runtime (the Nu HTML Checker) and pg_dump/pg_restore (backup and
# restore): any version will do, so a command already present is enough.
if [ "${1:-}" = "--with-browser" ]; then
  command -v java >/dev/null || missing+=(default-jre-headless)
  command -v pg_dump >/dev/null || missing+=(postgresql-client)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
command -v apt-get >/dev/null || { echo "Please install: ${missing[*]}" >&2; exit 0; }
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "Installing Debian packages: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
