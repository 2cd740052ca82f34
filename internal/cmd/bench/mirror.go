package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
)

// mirror builds this provider, and puts it and the peers (each wrapped by
// the RSS shim) into a filesystem mirror; it returns the CLI configuration.
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

// shim runs the provider binary named by BENCH_SHIM_TARGET as a child, with
// the same standard streams (go-plugin's handshake passes through), and
// appends the child's peak RSS to BENCH_RSS_FILE when it ends.
func shim() int {
	cmd := exec.Command(os.Getenv("BENCH_SHIM_TARGET"), os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "bench shim:", err)
		return 1
	}
	_ = cmd.Wait()
	if usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && os.Getenv("BENCH_RSS_FILE") != "" {
		if f, err := os.OpenFile(os.Getenv("BENCH_RSS_FILE"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); err == nil {
			_, _ = fmt.Fprintln(f, usage.Maxrss) // kilobytes on Linux
			_ = f.Close()
		}
	}
	return cmd.ProcessState.ExitCode()
}
