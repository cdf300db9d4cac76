#!/bin/sh
# Install the Debian packages collab needs to build and test, if any are
# missing. Uses apt-get directly as root, sudo otherwise.
set -e
pkgs="build-essential autoconf automake pkg-config libncurses-dev libsqlite3-dev
      libyaml-dev libcsv-dev libglpk-dev sqlite3 tmux valgrind clang locales"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq $missing >/dev/null
