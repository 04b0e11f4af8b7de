#!/usr/bin/env bash
# Installs the Debian packages recruitd needs, only those missing.
# Runs apt-get directly as root, through sudo otherwise.
set -euo pipefail

packages=(
	build-essential pkg-config
	libmicrohttpd-dev libjansson-dev libpq-dev libarchive-dev libssl-dev zlib1g-dev libunistring-dev
	postgresql postgresql-client
	libcmocka-dev libcurl4-openssl-dev libcjose-dev clang-format python3-aiosmtpd unzip libarchive-tools
	curl util-linux procps man-db bsdextrautils tzdata
	chromium
)
# The browser test runs on Node: Debian's when the machine has none.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
[ $# -gt 0 ] && packages+=("$@")

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
	sudo="sudo"
fi
echo "deps: installing ${missing[*]}" >&2
# recruitd runs its own cluster under var/; keep Debian from creating and
# starting a system-wide one on port 5432 when it installs PostgreSQL.
if [[ " ${missing[*]} " == *" postgresql "* ]] && [ ! -e /etc/postgresql-common/createcluster.conf ]; then
	$sudo mkdir -p /etc/postgresql-common
	echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.conf >/dev/null
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
