// Command agent is the entry point of the in-cluster test's pod: it runs
// OpenTofu there as a Terraform agent inside a cluster does. It copies the
// configuration from /config (a ConfigMap) into a working directory, runs
// `tofu init` and `tofu apply`, and exits with the first failure's status;
// everything OpenTofu prints goes to the pod's log.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

func main() {
	if err := run(); err != nil {
		fmt.Println("agent:", err)
		os.Exit(1)
	}
	fmt.Println("agent: done")
}

func run() error {
	work, err := os.MkdirTemp("", "work-")
	if err != nil {
		return err
	}
	files, err := filepath.Glob("/config/*.tf")
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no configuration in /config (%v)", err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(work, filepath.Base(f)), raw, 0o600); err != nil {
			return err
		}
	}
	for _, args := range [][]string{{"init", "-input=false", "-no-color"}, {"apply", "-input=false", "-auto-approve", "-no-color"}} {
		cmd := exec.Command("/usr/local/bin/tofu", args...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = work, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("tofu %s: %w", args[0], err)
		}
	}
	return nil
}
