#!/usr/bin/env bash
# Builds one external program from the Go module proxy, once per version, into
# the user's cache, and links it into .tools/bin. A binary is rebuilt only when
# its version stamp is missing, never because of a timestamp.
#
#   tools/install.sh <tool>...     tools: tofu terraform etcd kube-apiserver
#                                  kube-controller-manager kubectl golangci-lint
#                                  goreleaser tfplugindocs
#                                  terraform-provider-kubectl terraform-provider-time
#                                  and, for the kind node image (tools/kind/node-image.sh):
#                                  kubelet kubeadm kube-scheduler kube-proxy
#                                  containerd runc cni-plugins crictl pause
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${HEDGEHOG_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-hedgehog/tools}
bin=$root/.tools/bin
mkdir -p "$bin"

# The version of a module required by one of the wrapper modules in tools/.
modversion() {
	awk -v m="$2" '{ if ($1 == "require") { $1 = ""; $0 = $0 } } $1 == m { print $2; exit }' "$root/tools/$1/go.mod"
}

# The node image's programs that are not part of Kubernetes (kind v0.33.0's
# choice of versions).
containerd_version=v2.3.7
runc_version=v1.4.3
cni_version=v1.9.1
crictl_version=v1.36.0

kube_ldflags() {
	local v=$1 minor
	minor=$(echo "$v" | cut -d. -f2)
	echo "-s -w -X k8s.io/component-base/version.gitVersion=$v -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
}

install_one() {
	local tool=$1 version minutes
	case $tool in
	tofu) version=$(modversion tofu github.com/opentofu/opentofu); minutes=6 ;;
	terraform) version=v1.5.7; minutes=4 ;;
	etcd) version=$(modversion etcd go.etcd.io/etcd/server/v3); minutes=1 ;;
	kube-apiserver) version=$(modversion kube k8s.io/kubernetes); minutes=10 ;;
	kube-controller-manager) version=$(modversion kube k8s.io/kubernetes); minutes=3 ;;
	kubectl) version=$(modversion kube k8s.io/kubernetes); minutes=1 ;;
	kubelet | kubeadm | kube-scheduler | kube-proxy) version=$(modversion kube k8s.io/kubernetes); minutes=2 ;;
	containerd) version=$containerd_version; minutes=3 ;;
	runc) version=$runc_version; minutes=1 ;;
	cni-plugins) version=$cni_version; minutes=1 ;;
	crictl) version=$crictl_version; minutes=1 ;;
	pause) version=$(modversion kube k8s.io/kubernetes); minutes=1 ;;
	golangci-lint) version=v2.15.0; minutes=4 ;;
	goreleaser) version=v2.14.0; minutes=8 ;;
	tfplugindocs) version=v0.25.0; minutes=1 ;;
	terraform-provider-kubectl) version=v1.19.0; minutes=6 ;;
	terraform-provider-time) version=v0.14.2; minutes=1 ;;
	*) echo "install.sh: unknown tool $tool" >&2; return 2 ;;
	esac

	if [ -z "$version" ]; then
		echo "install.sh: cannot tell which version of $tool to build" >&2
		return 1
	fi
	local dir=$cache/$tool/$version
	if [ ! -f "$dir/.stamp" ] || [ "$(cat "$dir/.stamp")" != "$tool $version" ]; then
		echo "==> building $tool $version from the Go module proxy (first build: about $minutes min on 2 cores)"
		local start=$SECONDS tmp
		mkdir -p "$dir"
		tmp=$(mktemp -d "$dir/.build.XXXXXX")
		build "$tool" "$version" "$tmp"
		mv -f "$tmp"/* "$dir/" # some tools are several programs (containerd, ctr, its shim)
		rm -rf "$tmp"
		echo "$tool $version" >"$dir/.stamp"
		echo "==> built $tool $version in $((SECONDS - start)) s"
	fi
	ln -sfn "$dir/$tool" "$bin/$tool"
}

build() {
	local tool=$1 version=$2 out=$3
	case $tool in
	tofu)
		(cd "$root/tools/tofu" && go build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
			-o "$out/tofu" github.com/opentofu/opentofu/cmd/tofu) ;;
	etcd)
		(cd "$root/tools/etcd" && go build -trimpath -ldflags "-s -w" -o "$out/etcd" .) ;;
	kube-apiserver | kube-controller-manager | kubectl | kubelet | kubeadm | kube-scheduler | kube-proxy)
		(cd "$root/tools/kube" && go build -trimpath -ldflags "$(kube_ldflags "$version")" -o "$out/$tool" "./$tool") ;;
	containerd)
		# Static (no cgo), without the snapshotters that need C libraries.
		CGO_ENABLED=0 GOBIN=$out go install -trimpath -tags "no_btrfs no_devmapper no_zfs" \
			-ldflags "-s -w -X github.com/containerd/containerd/v2/version.Version=$version" \
			"github.com/containerd/containerd/v2/cmd/containerd@$version" \
			"github.com/containerd/containerd/v2/cmd/ctr@$version" \
			"github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2@$version" ;;
	runc)
		# seccomp needs cgo and libseccomp-dev; the node image has libseccomp2.
		CGO_ENABLED=1 GOBIN=$out go install -trimpath -tags seccomp -ldflags "-s -w -X main.version=${version#v}" \
			"github.com/opencontainers/runc@$version" ;;
	cni-plugins)
		CGO_ENABLED=0 GOBIN=$out go install -trimpath -ldflags "-s -w" \
			"github.com/containernetworking/plugins/plugins/main/bridge@$version" \
			"github.com/containernetworking/plugins/plugins/main/loopback@$version" \
			"github.com/containernetworking/plugins/plugins/ipam/host-local@$version" \
			"github.com/containernetworking/plugins/plugins/meta/portmap@$version"
		touch "$out/cni-plugins" ;;
	crictl)
		CGO_ENABLED=0 GOBIN=$out go install -trimpath -ldflags "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$version" \
			"sigs.k8s.io/cri-tools/cmd/crictl@$version" ;;
	pause)
		# The pod sandbox's process, from the kubernetes module's own source.
		local src
		src=$(cd "$root/tools/kube" && go mod download -json k8s.io/kubernetes | jq -r .Dir)/build/pause/linux/pause.c
		gcc -Os -Wall -Werror -static -DVERSION="$version" -o "$out/pause" "$src" ;;
	terraform) GOBIN=$out go install -trimpath -ldflags "-s -w" "github.com/hashicorp/terraform@$version" ;;
	golangci-lint) GOBIN=$out go install -trimpath "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$version" ;;
	goreleaser) GOBIN=$out go install -trimpath "github.com/goreleaser/goreleaser/v2@$version" ;;
	tfplugindocs) GOBIN=$out go install -trimpath "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@$version" ;;
	terraform-provider-kubectl) GOBIN=$out go install -trimpath "github.com/gavinbunney/terraform-provider-kubectl@$version" ;;
	terraform-provider-time) GOBIN=$out go install -trimpath "github.com/hashicorp/terraform-provider-time@$version" ;;
	esac
}

for t in "$@"; do install_one "$t"; done
