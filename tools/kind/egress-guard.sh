#!/usr/bin/env bash
# The host's egress guard for the project's containers: nothing a container
# sends may leave this machine. These machines may send traffic only to
# loopback and to the project's own containers; a kind node once sent a
# packet for a Service address out through the host's default route before
# kube-proxy had rewritten it.
#
#   tools/kind/egress-guard.sh install   add the rules (idempotent; root)
#   tools/kind/egress-guard.sh check     exit 0 when every rule is in place
#
# The rules, for IPv4 and IPv6 (Docker's container networks are the bridges
# docker0 and br-*):
#   FORWARD → DOCKER-USER → HEDGEHOG-EGRESS: a packet that comes in on a
#     container bridge is rejected unless it goes out on a container bridge.
#     DOCKER-USER is the chain Docker keeps for its users and evaluates before
#     its own rules; Docker creates it at start and keeps what is in it.
#   INPUT → HEDGEHOG-EGRESS-IN: a container may reach the host itself (an
#     address of the host, such as its network's gateway, where the test
#     process listens for the API server's webhook calls). This is local
#     delivery and never leaves the machine.
set -euo pipefail

chain=HEDGEHOG-EGRESS
inchain=HEDGEHOG-EGRESS-IN

# The rules of the guard's own chains, as `iptables -S <chain>` prints them.
egress_rules() {
	local reject=$1
	printf '%s\n' \
		"-A $chain -o docker0 -j RETURN" \
		"-A $chain -o br-+ -j RETURN" \
		"-A $chain -j REJECT --reject-with $reject"
}
input_rules() {
	printf '%s\n' \
		"-A $inchain -i docker0 -m addrtype --dst-type LOCAL -j ACCEPT" \
		"-A $inchain -i br-+ -m addrtype --dst-type LOCAL -j ACCEPT"
}
# The jumps into them.
jump_rules() {
	printf '%s\n' \
		"DOCKER-USER -i docker0 -j $chain" \
		"DOCKER-USER -i br-+ -j $chain" \
		"INPUT -i docker0 -j $inchain" \
		"INPUT -i br-+ -j $inchain"
}

ipt() { "$@" -w 10; }

install_family() {
	local cmd=$1 reject=$2 c rule
	for c in DOCKER-USER $chain $inchain; do
		ipt "$cmd" -N "$c" 2>/dev/null || true
	done
	# Docker jumps to DOCKER-USER from FORWARD at start; before Docker ever
	# ran (and for IPv6, which Docker 20.10 leaves alone) the jump is ours.
	ipt "$cmd" -C FORWARD -j DOCKER-USER 2>/dev/null || ipt "$cmd" -I FORWARD 1 -j DOCKER-USER
	# Rewritten fail-closed: a catch-all REJECT goes first while the old
	# rules go and the guard's are appended, so that no packet slips through
	# while the chain is being changed (a cluster may be running).
	if ! diff <(egress_rules "$reject") <(ipt "$cmd" -S "$chain" | grep -v '^-N') >/dev/null; then
		ipt "$cmd" -I "$chain" 1 -j REJECT --reject-with "$reject"
		while [ "$(ipt "$cmd" -S "$chain" | grep -c '^-A')" -gt 1 ]; do ipt "$cmd" -D "$chain" 2; done
		while read -r rule; do ipt "$cmd" $rule; done < <(egress_rules "$reject")
		ipt "$cmd" -D "$chain" 1
	fi
	ipt "$cmd" -F "$inchain"
	while read -r rule; do ipt "$cmd" $rule; done < <(input_rules)
	# Jumps first in their chains, so that no ACCEPT or RETURN comes before them.
	while read -r c rule; do
		ipt "$cmd" -C "$c" $rule 2>/dev/null || ipt "$cmd" -I "$c" 1 $rule
	done < <(jump_rules | tac)
}

# check_family prints what is missing and fails when anything is.
check_family() {
	local cmd=$1 reject=$2 missing=0 c rule first
	if ! command -v "$cmd" >/dev/null; then
		echo "egress guard: $cmd is not installed" >&2
		return 1
	fi
	if ! diff <(egress_rules "$reject") <(ipt "$cmd" -S "$chain" 2>/dev/null | grep -v '^-N') >/dev/null; then
		echo "egress guard: $cmd chain $chain is missing or differs from the guard's rules" >&2
		missing=1
	fi
	if ! diff <(input_rules) <(ipt "$cmd" -S "$inchain" 2>/dev/null | grep -v '^-N') >/dev/null; then
		echo "egress guard: $cmd chain $inchain is missing or differs from the guard's rules" >&2
		missing=1
	fi
	# FORWARD must jump to DOCKER-USER before anything else, and DOCKER-USER
	# and INPUT must send container traffic into the guard before any other rule.
	first=$(ipt "$cmd" -S FORWARD 2>/dev/null | grep -v '^-P' | sed -n 1p)
	if [ "$first" != "-A FORWARD -j DOCKER-USER" ]; then
		echo "egress guard: $cmd FORWARD does not start with -j DOCKER-USER (it starts with: ${first:-nothing})" >&2
		missing=1
	fi
	for c in DOCKER-USER INPUT; do
		if ! diff <(jump_rules | awk -v c="$c" '$1 == c { $1 = "-A " c; print }') \
			<(ipt "$cmd" -S "$c" 2>/dev/null | grep -v '^-[PN]' | sed -n 1,2p) >/dev/null; then
			echo "egress guard: $cmd chain $c does not start with the guard's jumps" >&2
			missing=1
		fi
	done
	return $missing
}

case ${1:-} in
install)
	if [ "$(id -u)" != 0 ]; then echo "egress guard: installing it needs root" >&2; exit 1; fi
	install_family iptables icmp-port-unreachable
	install_family ip6tables icmp6-port-unreachable
	check_family iptables icmp-port-unreachable
	check_family ip6tables icmp6-port-unreachable
	echo "egress guard: installed (iptables and ip6tables: DOCKER-USER → $chain, INPUT → $inchain)"
	;;
check)
	rc=0
	check_family iptables icmp-port-unreachable || rc=1
	check_family ip6tables icmp6-port-unreachable || rc=1
	exit $rc
	;;
*)
	echo "usage: $0 install|check" >&2
	exit 2
	;;
esac
