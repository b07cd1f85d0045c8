#!/bin/sh
# Generate ./configure from configure.ac (needs autoconf, automake,
# autoconf-archive and pkg-config).
set -e
cd "$(dirname "$0")"
mkdir -p m4
exec autoreconf --install --force
