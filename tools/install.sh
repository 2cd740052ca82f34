#!/usr/bin/env bash
# Builds one external program from the Go module proxy, once per version, into
# the user's cache, and links it into .tools/bin. A binary is rebuilt only when
# its version stamp is missing, never because of a timestamp.
#
#   tools/install.sh <tool>...     tools: tofu terraform etcd kube-apiserver
#                                  kube-controller-manager kubectl golangci-lint
#                                  goreleaser tfplugindocs
#                                  terraform-provider-kubectl terraform-provider-time
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${HEDGEHOG_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-hedgehog/tools}
bin=$root/.tools/bin
mkdir -p "$bin"

# The version of a module required by one of the wrapper modules in tools/.
modversion() {
	awk -v m="$2" '{ if ($1 == "require") { $1 = ""; $0 = $0 } } $1 == m { print $2; exit }' "$root/tools/$1/go.mod"
}

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
		mv -f "$tmp/$tool" "$dir/$tool"
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
	kube-apiserver | kube-controller-manager | kubectl)
		(cd "$root/tools/kube" && go build -trimpath -ldflags "$(kube_ldflags "$version")" -o "$out/$tool" "./$tool") ;;
	terraform) GOBIN=$out go install -trimpath -ldflags "-s -w" "github.com/hashicorp/terraform@$version" ;;
	golangci-lint) GOBIN=$out go install -trimpath "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$version" ;;
	goreleaser) GOBIN=$out go install -trimpath "github.com/goreleaser/goreleaser/v2@$version" ;;
	tfplugindocs) GOBIN=$out go install -trimpath "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@$version" ;;
	terraform-provider-kubectl) GOBIN=$out go install -trimpath "github.com/gavinbunney/terraform-provider-kubectl@$version" ;;
	terraform-provider-time) GOBIN=$out go install -trimpath "github.com/hashicorp/terraform-provider-time@$version" ;;
	esac
}

for t in "$@"; do install_one "$t"; done
