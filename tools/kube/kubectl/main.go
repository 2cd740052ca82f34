// Command kubectl is the upstream kubectl, built from the Go module proxy so
// that the local control plane can be inspected by hand.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
)

func main() {
	os.Exit(cli.Run(cmd.NewDefaultKubectlCommand()))
}
