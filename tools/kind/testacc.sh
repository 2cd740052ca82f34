#!/usr/bin/env bash
# make testacc-kind: the whole acceptance suite, with OpenTofu, against a kind
# cluster that the test binary creates from the project's node image and
# deletes afterwards — also when tests fail or the run is interrupted.
#
# 1. tools/kind/docker-setup.sh: a Docker engine (installed and started as
#    root on Debian when there is none) and the egress guard;
# 2. tools/kind/node-image.sh: the node image (built once per version);
# 3. go test ./... with HEDGEHOG_ACC_CLUSTER=kind (the harness in
#    internal/acctest refuses to create a cluster without the guard);
# 4. prints the node as `kubectl get nodes` saw it, and removes what a killed
#    test binary may have left: clusters and networks named hedgehog-acc-<pid>
#    whose process is gone.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

cleanup() {
	local name pid
	for name in $(docker ps -a --format '{{.Label "io.x-k8s.kind.cluster"}}' 2>/dev/null | grep '^hedgehog-acc-[0-9]*$' | sort -u) \
		$(docker network ls --format '{{.Name}}' 2>/dev/null | grep '^hedgehog-acc-[0-9]*$'); do
		pid=${name#hedgehog-acc-}
		kill -0 "$pid" 2>/dev/null && continue
		echo "==> removing $name, left behind by test process $pid"
		docker ps -aq --filter "label=io.x-k8s.kind.cluster=$name" | xargs -r docker rm -f -v >/dev/null
		docker network rm "$name" >/dev/null 2>&1 || true
	done
}

tools/kind/docker-setup.sh
image=$(tools/kind/node-image.sh --name)
tools/kind/node-image.sh
cleanup
trap cleanup EXIT

rm -f .tools/kind/nodes.txt
mkdir -p .tools/kind
log=.tools/kind/test.log
rc=0
# -v, into a log: which tests ran and which skipped (and why) is part of the
# result; the summary below prints go test's own closing lines.
HEDGEHOG_ACC_CLUSTER=kind HEDGEHOG_KIND_IMAGE=$image TF_ACC=1 TF_ACC_TERRAFORM_PATH=$root/.tools/bin/tofu \
	go test -v -count=1 -timeout "${ACC_TIMEOUT:-60m}" -parallel "${ACC_PARALLEL:-4}" ./... >"$log" 2>&1 || rc=$?
if [ "$rc" != 0 ]; then
	cat "$log"
else
	grep -E '^(ok|FAIL|\?) ' "$log" | grep -v 'no test files' || true
fi
echo "==> top-level tests on kind (full log: $log):"
echo "kind: $(grep -c -- '^--- PASS' "$log" || true) passed, $(grep -c -- '^--- FAIL' "$log" || true) failed, $(grep -c -- '^--- SKIP' "$log" || true) skipped"
awk '/^--- SKIP: / { sub(/^[[:space:]]*[a-z_]+\.go:[0-9]+: /, "", prev); print "    skipped " $3 ": " prev } { prev = $0 }' "$log"
if [ -f .tools/kind/nodes.txt ]; then
	echo "==> the cluster's node, as kubectl get nodes saw it while the tests ran:"
	cat .tools/kind/nodes.txt
fi
exit $rc
