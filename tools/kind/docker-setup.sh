#!/usr/bin/env bash
# Gives this machine a Docker engine for the kind acceptance pass, with the
# egress guard in place before any container can start.
#
# - Where a Docker engine already answers, it changes nothing but adding the
#   egress guard (tools/kind/egress-guard.sh), which needs root; without root
#   it only says whether the guard is there.
# - Where none answers, it needs root on Debian: it installs Debian's docker.io
#   (with iptables and jq), installs the runc wrapper (tools/kind/runc-wrapper,
#   as /usr/local/libexec/hedgehog/runc) only when this machine's bounding set
#   lacks CAP_SYS_RESOURCE, adds the egress guard, and starts dockerd in the
#   background with its log in .tools/dockerd.log. It writes no daemon.json and
#   enables no service: dockerd's options are on its command line.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/tools/kind
log=$root/.tools/dockerd.log

answers() { docker info >/dev/null 2>&1; }

if answers; then
	if [ "$(uname -s)" = Linux ] && [ "$(id -u)" = 0 ]; then
		"$here/egress-guard.sh" install
	elif "$here/egress-guard.sh" check 2>/dev/null; then
		echo "docker-setup: Docker answers and the egress guard is in place"
	else
		echo "docker-setup: Docker answers; adding the egress guard needs root on the engine's host (sudo $0)," \
			"or HEDGEHOG_KIND_ALLOW_EGRESS=1 where containers may reach the network (see the README)"
	fi
	exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
	echo "docker-setup: no Docker engine answers for this user; install one (Docker Desktop, or your distribution's Docker), or run this script as root on Debian" >&2
	exit 1
fi

if ! command -v dockerd >/dev/null || ! command -v iptables >/dev/null || ! command -v jq >/dev/null; then
	echo "==> installing docker.io, iptables and jq (Debian packages)"
	start=$SECONDS
	# The packages' own service start-up is not wanted: this script starts
	# dockerd with its options below. A policy-rc.d of our own, only if none.
	own_policy=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
		own_policy=1
	fi
	trap '[ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d' EXIT
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io iptables jq >/dev/null
	echo "==> installed in $((SECONDS - start)) s"
fi

runtime_opts=()
# CAP_SYS_RESOURCE is capability 24; CapBnd is the bounding set in hex.
if (((0x$(awk '/^CapBnd/ { print $2 }' /proc/self/status) >> 24 & 1) == 0)); then
	install -D -m 0755 "$here/runc-wrapper" /usr/local/libexec/hedgehog/runc
	runtime_opts=(--add-runtime hedgehog-runc=/usr/local/libexec/hedgehog/runc --default-runtime hedgehog-runc)
	echo "==> this machine withholds CAP_SYS_RESOURCE: dockerd runs containers through /usr/local/libexec/hedgehog/runc"
fi

# The guard before dockerd exists, so no container can ever start without it.
"$here/egress-guard.sh" install

mkdir -p "$(dirname "$log")"
echo "==> starting dockerd (log: $log)"
setsid dockerd "${runtime_opts[@]}" </dev/null >>"$log" 2>&1 &
for _ in $(seq 60); do
	answers && break
	sleep 0.5
done
if ! answers; then
	echo "docker-setup: dockerd did not answer within 30 s; its log is $log:" >&2
	tail -20 "$log" >&2
	exit 1
fi
# dockerd rearranges FORWARD at start; the guard goes back first if needed.
"$here/egress-guard.sh" install
echo "==> Docker $(docker version --format '{{.Server.Version}}') answers"
