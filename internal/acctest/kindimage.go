package acctest

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// LoadImage makes an image named tag from host files (path in the image →
// path on the host) and the shared libraries they load, and loads it into
// the node's containerd, as `kind load docker-image` does; pods use it with
// imagePullPolicy Never. Nothing is pulled or pushed anywhere.
func (k *KindCluster) LoadImage(tag string, files map[string]string, entrypoint []string, env ...string) error {
	layer, err := imageLayer(files)
	if err != nil {
		return err
	}
	entry, _ := json.Marshal(entrypoint)
	args := []string{"import", "--change", "ENTRYPOINT " + string(entry)}
	for _, e := range env {
		args = append(args, "--change", "ENV "+e)
	}
	imp := exec.Command("docker", append(args, "-", tag)...)
	imp.Stdin = layer
	if out, err := imp.CombinedOutput(); err != nil {
		return fmt.Errorf("docker import %s: %w: %s", tag, err, out)
	}
	defer func() { _, _ = docker("image", "rm", tag) }()
	save := exec.Command("docker", "save", tag)
	load := exec.Command("docker", "exec", "-i", k.Node, "ctr", "--namespace=k8s.io", "images", "import",
		"--all-platforms", "--digests", "--snapshotter=overlayfs", "-")
	pipe, err := save.StdoutPipe()
	if err != nil {
		return err
	}
	load.Stdin = pipe
	if err := save.Start(); err != nil {
		return err
	}
	out, loadErr := load.CombinedOutput()
	saveErr := save.Wait()
	if loadErr != nil || saveErr != nil {
		return fmt.Errorf("loading %s into %s: %v %v: %s", tag, k.Node, saveErr, loadErr, out)
	}
	return nil
}

// imageLayer is a tar of the files and of every shared library that ldd says
// they load (cgo-built Go programs need the loader and libc).
func imageLayer(files map[string]string) (io.Reader, error) {
	all := map[string]string{}
	for dst, src := range files {
		all[dst] = src
		out, err := exec.Command("ldd", src).Output()
		if err != nil {
			continue // a static program: ldd says so and fails
		}
		for _, line := range strings.Split(string(out), "\n") {
			f := strings.Fields(line)
			switch {
			case len(f) >= 3 && f[1] == "=>" && strings.HasPrefix(f[2], "/"):
				all[f[2]] = f[2]
			case len(f) >= 1 && strings.HasPrefix(f[0], "/"):
				all[f[0]] = f[0]
			}
		}
	}
	names := make([]string, 0, len(all))
	for dst := range all {
		names = append(names, dst)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dirs := map[string]bool{}
	for _, dst := range names {
		raw, err := os.ReadFile(all[dst]) // follows symbolic links
		if err != nil {
			return nil, err
		}
		parts := strings.Split(strings.TrimPrefix(dst, "/"), "/")
		for i := 1; i < len(parts); i++ {
			d := strings.Join(parts[:i], "/") + "/"
			if !dirs[d] {
				dirs[d] = true
				if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d, Mode: 0o755}); err != nil {
					return nil, err
				}
			}
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: strings.Join(parts, "/"), Mode: 0o755, Size: int64(len(raw))}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(raw); err != nil {
			return nil, err
		}
	}
	return &buf, tw.Close()
}

var agent = sync.OnceValues(func() (string, error) { return goBuild("agent", "./internal/acctest/agent") })

// Agent builds the in-cluster test's pod program (once per test binary).
func Agent(t *testing.T) string {
	t.Helper()
	path, err := agent()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// ProviderBinary is the real provider binary that the filesystem mirror
// holds (built once per test binary).
func ProviderBinary(t *testing.T) string {
	t.Helper()
	return filepath.Join(filepath.Dir(Mirror(t)), "terraform-provider-hedgehog")
}
