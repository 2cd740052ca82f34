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
log=.tools/kind/test.json
rc=0
# The report prints go test's closing lines, every failed test's output, the
# counts, and every skip with its reason; it fails the run on a skip whose
# reason is not one of acctest.SkipReasons. The raw stream is kept in $log.
# The tests run with a temporary directory of their own, which must be empty
# when they pass: a test binary removes what it made there.
go build -o .tools/bin/testreport ./internal/cmd/testreport
tmp=$(mktemp -d)
TMPDIR=$tmp HEDGEHOG_ACC_CLUSTER=kind HEDGEHOG_KIND_IMAGE=$image TF_ACC=1 TF_ACC_TERRAFORM_PATH=$root/.tools/bin/tofu \
	go test -json -count=1 -timeout "${ACC_TIMEOUT:-60m}" -parallel "${ACC_PARALLEL:-4}" ./... 2>&1 |
	.tools/bin/testreport -label kind -log "$log" || rc=$?
left=$(ls -A "$tmp")
rm -rf "$tmp"
if [ "$rc" = 0 ] && [ -n "$left" ]; then
	echo "acceptance tests left in their temporary directory:" $left
	rc=1
fi
if [ -f .tools/kind/nodes.txt ]; then
	echo "==> the cluster's node, as kubectl get nodes saw it while the tests ran:"
	cat .tools/kind/nodes.txt
fi
exit $rc
