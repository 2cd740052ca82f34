// Command kubeadm is the upstream cluster bootstrapper, built from the Go
// module proxy for the kind node image (tools/kind/node-image.sh).
package main

import (
	"k8s.io/kubernetes/cmd/kubeadm/app"
	utilerrors "k8s.io/kubernetes/cmd/kubeadm/app/util/errors"
)

func main() {
	utilerrors.HandleError(app.Run())
}
