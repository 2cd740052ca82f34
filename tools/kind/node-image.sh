#!/usr/bin/env bash
# Builds the kind node image offline (make kind-image), once per version:
# a second run with the same inputs finds the image and does nothing.
#
#   tools/kind/node-image.sh          build (if needed) and print the image's name
#   tools/kind/node-image.sh --name   print the name only
#
# What goes in (the README has the table):
#   - a Debian bookworm rootfs by debootstrap (systemd 252: newer systemd
#     refuses cgroup v1), cached by its package list;
#   - kind's entrypoint and base files from the sigs.k8s.io/kind module;
#   - Kubernetes, containerd, runc, the CNI plugins, crictl and pause, built by
#     tools/install.sh from the Go module proxy (the control-plane programs are
#     the toolchain's own builds);
#   - the control-plane, kube-proxy and pause images, made with docker import
#     from staged directories and preloaded, pinned, into the node's containerd
#     under the tags kubeadm asks for;
#   - the node's egress guard (tools/kind/node/).
# The image is named hedgehog-kind-node:<kubernetes version>-<key>, where the
# key hashes every input; its label io.hedgehog-terraform.kind-node carries
# the same name, so that the acceptance harness can refuse a foreign image.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/tools/kind
cache=${HEDGEHOG_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-hedgehog/tools}/kind-node
label=io.hedgehog-terraform.kind-node

modversion() {
	awk -v m="$2" '{ if ($1 == "require") { $1 = ""; $0 = $0 } } $1 == m { print $2; exit }' "$root/$1/go.mod"
}
kube_version=$(modversion tools/kube k8s.io/kubernetes)
kind_version=$(modversion . sigs.k8s.io/kind)
suite=bookworm
packages=systemd,systemd-sysv,dbus,iptables,nftables,conntrack,iproute2,ethtool,kmod,mount,libseccomp2,jq,procps,ca-certificates,util-linux
programs=(kube-apiserver kube-controller-manager kubectl etcd kubelet kubeadm kube-scheduler kube-proxy containerd runc cni-plugins crictl pause)

# The key: this script, the node's files, the versions of kind, of every
# program (tools/install.sh's version logic, through its go.mod files) and of
# the rootfs.
key=$(
	{
		cat "$0" "$here"/node/* "$root/tools/install.sh" "$root/tools/kube/go.mod" "$root/tools/etcd/go.mod"
		echo "$kind_version $suite $packages"
	} | sha256sum | cut -c1-12
)
image=hedgehog-kind-node:$kube_version-$key
if [ "${1:-}" = --name ]; then
	echo "$image"
	exit 0
fi

if ! docker info >/dev/null 2>&1; then
	echo "kind-image: no Docker engine answers (tools/kind/docker-setup.sh as root installs one)" >&2
	exit 1
fi
if [ "$(docker image inspect --format "{{ index .Config.Labels \"$label\" }}" "$image" 2>/dev/null)" = "$image" ]; then
	echo "kind-image: $image is up to date"
	exit 0
fi
if docker image inspect "$image" >/dev/null 2>&1; then
	echo "kind-image: $image exists but was not built by this script (no $label label); rebuilding it" >&2
fi
if [ "$(id -u)" != 0 ]; then
	echo "kind-image: building the node image needs root (debootstrap, and a containerd that preloads the images)" >&2
	exit 1
fi
start=$SECONDS

# Debian packages the build needs: debootstrap for the rootfs, libseccomp-dev
# for runc's seccomp support (cgo).
missing=()
command -v debootstrap >/dev/null || missing+=(debootstrap)
dpkg -s libseccomp-dev >/dev/null 2>&1 || missing+=(libseccomp-dev)
if [ ${#missing[@]} -gt 0 ]; then
	echo "==> installing ${missing[*]} (Debian packages)"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
"$root/tools/install.sh" "${programs[@]}"
bin() { readlink -f "$root/.tools/bin/$1"; }
bindir() { dirname "$(bin "$1")"; }

# The rootfs, once per suite and package list.
rootfs=$cache/rootfs-$suite-$(echo "$packages" | sha256sum | cut -c1-12)
if [ ! -f "$rootfs/.complete" ]; then
	# The machine's own apt source (the first one it lists); without one,
	# debootstrap's default.
	mirror=$(awk '/^URIs:/ { print $2; exit } /^deb / { print $2; exit }' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -1)
	echo "==> debootstrap $suite ($packages) from ${mirror:-the default mirror of debootstrap}"
	rm -rf "$rootfs" && mkdir -p "$cache"
	debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs.tmp" ${mirror:+"$mirror"} >"$cache/debootstrap.log" 2>&1 ||
		{ tail -20 "$cache/debootstrap.log" >&2; exit 1; }
	rm -rf "$rootfs.tmp"/var/cache/apt/archives/*.deb "$rootfs.tmp"/var/lib/apt/lists/*
	mv "$rootfs.tmp" "$rootfs"
	touch "$rootfs/.complete"
fi

work=$(mktemp -d "$cache/build.XXXXXX")
containerd_pid=""
cleanup() {
	[ -z "$containerd_pid" ] || kill "$containerd_pid" 2>/dev/null || true
	[ -z "$containerd_pid" ] || wait "$containerd_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
node=$work/rootfs
echo "==> assembling the node's rootfs"
cp -a "$rootfs" "$node"
rm -f "$node/.complete"

# libs <dir> <root> <file>...: copies the shared libraries that files (paths
# inside root) load into dir, keeping their paths: cgo-built Go programs need
# the glibc loader and libc.
libs() {
	local dir=$1 from=$2 lib
	shift 2
	for lib in $(chroot "$from" ldd "$@" 2>/dev/null | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }' | sort -u); do
		# Keeping the mode: the loader must stay executable.
		[ -e "$dir$lib" ] || { mkdir -p "$dir$(dirname "$lib")" && cp -L --preserve=mode "$from$lib" "$dir$lib"; }
	done
}

# kind's base image, as its Dockerfile (images/base) makes it.
kindsrc=$(cd "$root" && go mod download -json "sigs.k8s.io/kind@$kind_version" | jq -r .Dir)/images/base/files
install -m 0755 "$kindsrc"/usr/local/bin/entrypoint "$node/usr/local/bin/entrypoint"
mkdir -p "$node/kind/bin" "$node/etc/containerd" "$node/etc/systemd/system/kubelet.service.d" "$node/etc/kubernetes/manifests" "$node/opt/cni/bin" "$node/etc/cni/net.d"
install -m 0755 "$kindsrc"/kind/bin/* "$node/kind/bin/"
install -m 0644 "$kindsrc"/etc/crictl.yaml "$node/etc/"
install -m 0644 "$kindsrc"/etc/default/kubelet "$node/etc/default/"
install -m 0644 "$kindsrc"/etc/sysctl.d/* "$node/etc/sysctl.d/"
install -m 0644 "$kindsrc"/etc/systemd/system/{containerd.service,kubelet.service,kubelet.slice,undo-mount-hacks.service} "$node/etc/systemd/system/"
install -m 0644 "$kindsrc"/etc/systemd/system/kubelet.service.d/* "$node/etc/systemd/system/kubelet.service.d/"
find "$node/lib/systemd/system/sysinit.target.wants/" -name systemd-tmpfiles-setup.service -delete
rm -f "$node"/lib/systemd/system/multi-user.target.wants/* "$node"/etc/systemd/system/*.wants/* \
	"$node"/lib/systemd/system/local-fs.target.wants/* "$node"/lib/systemd/system/sockets.target.wants/*udev* \
	"$node"/lib/systemd/system/sockets.target.wants/*initctl* "$node"/lib/systemd/system/basic.target.wants/*
echo "ReadKMsg=no" >>"$node/etc/systemd/journald.conf"

# The programs.
install -m 0755 "$(bin kubelet)" "$(bin kubeadm)" "$(bin kubectl)" "$node/usr/bin/"
install -m 0755 "$(bindir containerd)"/{containerd,ctr,containerd-shim-runc-v2} "$(bin crictl)" "$node/usr/local/bin/"
install -m 0755 "$(bin runc)" "$node/usr/local/sbin/runc"
install -m 0755 "$(bindir cni-plugins)"/{bridge,loopback,host-local,portmap} "$node/opt/cni/bin/"
echo "$kube_version" >"$node/kind/version"
"$(bindir containerd)/ctr" oci spec |
	jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' |
	jq 'del(.process.rlimits)' >"$node/etc/containerd/cri-base.json"

# The node's own configuration and guard.
images=$("$(bin kubeadm)" config images list --kubernetes-version "$kube_version" 2>/dev/null)
pause=$(echo "$images" | grep /pause:)
sed "s|@PAUSE@|$pause|" "$here/node/containerd.toml" >"$node/etc/containerd/config.toml"
install -m 0644 "$here/node/cni.conflist" "$node/etc/cni/net.d/10-hedgehog-bridge.conflist"
install -m 0755 "$here/node/node-guard" "$node/usr/local/sbin/hedgehog-node-guard"
install -m 0644 "$here/node/hedgehog-node-guard.service" "$node/etc/systemd/system/"
install -D -m 0644 "$here/node/resolv.conf" "$node/etc/hedgehog/resolv.conf"
chroot "$node" systemctl enable kubelet.service containerd.service undo-mount-hacks.service hedgehog-node-guard.service >/dev/null 2>&1
chroot "$node" systemctl mask systemd-binfmt.service >/dev/null 2>&1

# The images the node runs, preloaded: each a staged directory, imported into
# Docker and saved, then imported into the rootfs's containerd store by a
# throwaway containerd of the node's own version.
echo "==> preloading images: $(echo "$images" | grep -v coredns | tr '\n' ' ')"
archive=$work/images.tar
tags=()
for ref in $(echo "$images" | grep -v coredns); do
	name=${ref##*/}
	name=${name%%:*}
	dir=$work/img-$name
	case $name in
	pause)
		install -D -m 0755 "$(bin pause)" "$dir/pause"
		entry='["/pause"]' ;;
	*)
		install -D -m 0755 "$(bin "$name")" "$dir/usr/local/bin/$name"
		cp "$(bin "$name")" "$node/tmp/$name" # for ldd, in the node's root
		libs "$dir" "$node" "/tmp/$name"
		rm -f "$node/tmp/$name"
		entry='["/usr/local/bin/'$name'"]' ;;
	esac
	if [ "$name" = kube-proxy ]; then
		# kube-proxy runs iptables-restore and friends: the node's nft build.
		install -D -m 0755 "$node/usr/sbin/xtables-nft-multi" "$dir/usr/sbin/xtables-nft-multi"
		for t in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
			ln -sf xtables-nft-multi "$dir/usr/sbin/$t"
		done
		mkdir -p "$dir/usr/lib/x86_64-linux-gnu"
		cp -a "$node/usr/lib/x86_64-linux-gnu/xtables" "$dir/usr/lib/x86_64-linux-gnu/"
		libs "$dir" "$node" /usr/sbin/xtables-nft-multi $(cd "$node" && echo /usr/lib/x86_64-linux-gnu/xtables/*.so)
	fi
	tar -C "$dir" -c . | docker import --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		--change "ENTRYPOINT $entry" - "$ref" >/dev/null
	tags+=("$ref")
done
docker save "${tags[@]}" -o "$archive"
docker image rm "${tags[@]}" >/dev/null

state=$work/containerd-state
mkdir -p "$state"
printf '%s\n' 'version = 3' 'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime", "io.containerd.cri.v1.images"]' >"$work/containerd.toml"
"$(bindir containerd)/containerd" --config "$work/containerd.toml" --root "$node/var/lib/containerd" --state "$state" \
	--address "$state/c.sock" >"$work/containerd.log" 2>&1 &
containerd_pid=$!
for _ in $(seq 50); do [ -S "$state/c.sock" ] && break; sleep 0.2; done
"$(bindir containerd)/ctr" --address "$state/c.sock" -n k8s.io images import --label=io.cri-containerd.pinned=pinned \
	--all-platforms --no-unpack --digests "$archive" >/dev/null
"$(bindir containerd)/ctr" --address "$state/c.sock" -n k8s.io images list -q | grep -v '^sha256:' | sed 's/^/    /'
kill "$containerd_pid" && wait "$containerd_pid" 2>/dev/null || true
containerd_pid=""
rm -f "$archive"

echo "==> importing $image"
tar -C "$node" -c . | docker import \
	--change 'ENV container=docker' \
	--change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' \
	--change "LABEL $label=$image" - "$image" >/dev/null
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' "$image"
# Earlier builds of this script (other keys) are stale: remove them.
for old in $(docker image ls --filter "label=$label" --format '{{.Repository}}:{{.Tag}}' | grep -vxF "$image"); do
	docker image rm "$old" >/dev/null && echo "==> removed the stale node image $old"
done
echo "==> built $image in $((SECONDS - start)) s"
