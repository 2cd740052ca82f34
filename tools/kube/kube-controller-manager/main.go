// Command kube-controller-manager is the upstream controller manager, built
// from the Go module proxy for the project's local test control plane. The
// tests need its service-account token and namespace controllers.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	os.Exit(cli.Run(app.NewControllerManagerCommand()))
}
