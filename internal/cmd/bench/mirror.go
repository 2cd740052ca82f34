package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// mirror builds this provider, and puts it and the peers (each wrapped by
// the shim that measures it, usage.go) into a filesystem mirror; it returns the CLI configuration.
func mirror(sc *scenario, root, bin, work string) (string, error) {
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version=0.1.0", "-o",
		filepath.Join(bin, "terraform-provider-hedgehog"), ".")
	build.Dir, build.Stdout, build.Stderr = root, os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return "", err
	}
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	platform := runtime.GOOS + "_" + runtime.GOARCH
	for _, p := range sc.Peers {
		if p.Provider == "" {
			continue
		}
		target := filepath.Join(bin, p.Binary)
		if _, err := os.Stat(target); err != nil {
			return "", fmt.Errorf("%s is missing: run tools/install.sh %s (make bench does)", target, p.Binary)
		}
		dir := filepath.Join(work, "mirror", "registry.opentofu.org", p.Provider, p.Version, platform)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		name := filepath.Base(p.Provider)
		script := fmt.Sprintf("#!/bin/sh\nBENCH_SHIM_TARGET=%q exec %q shim \"$@\"\n", target, self)
		if err := os.WriteFile(filepath.Join(dir, "terraform-provider-"+name+"_v"+p.Version), []byte(script), 0o755); err != nil {
			return "", err
		}
	}
	rc := filepath.Join(work, "cli.tfrc")
	content := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path = %q\n  }\n}\n", filepath.Join(work, "mirror"))
	return rc, os.WriteFile(rc, []byte(content), 0o600)
}
