package acctest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// MirrorVersion is the version the test build of the provider carries in
// the filesystem mirror.
const MirrorVersion = "0.1.0"

// goBuild builds the package pkg of this repository into a new temporary
// directory (one per test binary: it outlives any one test, and goes when the
// tests are done) and returns the program's path.
func goBuild(name, pkg string, flags ...string) (string, error) {
	dir, err := os.MkdirTemp("", "hedgehog-"+name+"-") //nolint:usetesting // shared by every test of the binary
	if err != nil {
		return "", err
	}
	addScratch(dir)
	bin := filepath.Join(dir, name)
	cmd := exec.Command("go", append(append([]string{"build"}, flags...), "-o", bin, pkg)...)
	cmd.Dir = Root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s: %v\n%s", pkg, err, out)
	}
	return bin, nil
}

// mirror builds the real provider binary and installs it into a filesystem
// mirror laid out as `make install` does; it returns a CLI configuration
// file that uses the mirror for this provider only.
var mirror = sync.OnceValues(func() (string, error) {
	bin, err := goBuild("terraform-provider-hedgehog", ".", "-ldflags", "-X main.version="+MirrorVersion)
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(bin)
	target := runtime.GOOS + "_" + runtime.GOARCH
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		d := filepath.Join(dir, "mirror", host, "hedgehog-terraform", "hedgehog", MirrorVersion, target)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", err
		}
		if err := os.Link(bin, filepath.Join(d, "terraform-provider-hedgehog_v"+MirrorVersion)); err != nil {
			return "", err
		}
	}
	rc := filepath.Join(dir, "cli.tfrc")
	content := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path = %q\n  }\n}\n", filepath.Join(dir, "mirror"))
	return rc, os.WriteFile(rc, []byte(content), 0o600)
})

// Mirror is the CLI configuration file of the filesystem mirror that holds
// the real provider binary, built once per test binary.
func Mirror(t *testing.T) string {
	t.Helper()
	rc, err := mirror()
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

// CLI runs the CLI of this acceptance pass (TF_ACC_TERRAFORM_PATH) with the
// real provider binary from the mirror.
type CLI struct {
	Path string
	Env  []string
}

// NewCLI prepares the CLI; extra are environment variables (NAME=value).
func NewCLI(t *testing.T, extra ...string) *CLI {
	t.Helper()
	env := []string{"TF_CLI_CONFIG_FILE=" + Mirror(t), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "TF_CLI_CONFIG_FILE" || strings.HasPrefix(name, "TF_LOG") || strings.HasPrefix(name, "TF_ACC") {
			continue
		}
		env = append(env, kv)
	}
	return &CLI{Path: os.Getenv("TF_ACC_TERRAFORM_PATH"), Env: append(env, extra...)}
}

// Run runs the CLI in dir and returns what it printed (stdout and stderr).
func (c *CLI) Run(dir string, args ...string) (string, error) {
	// -no-color follows the command (for state, its subcommand).
	at := 1
	if len(args) > 1 && args[0] == "state" {
		at = 2
	}
	if len(args) > 0 && args[0] != "fmt" && args[0] != "version" {
		args = append(append(append([]string{}, args[:at]...), "-no-color"), args[at:]...)
	}
	cmd := exec.Command(c.Path, args...)
	cmd.Dir = dir
	cmd.Env = c.Env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// MustRun runs the CLI and fails the test when it fails.
func (c *CLI) MustRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := c.Run(dir, args...)
	if err != nil {
		t.Fatalf("%s %s in %s: %v\n%s", filepath.Base(c.Path), strings.Join(args, " "), dir, err, out)
	}
	return out
}

// CopyDir copies a directory of configuration files, its subdirectories
// (local modules) included, into a fresh one.
func CopyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	if err := copyTree(src, dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

func copyTree(src, dst string) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		from, to := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		if e.IsDir() {
			if e.Name() == ".terraform" {
				continue
			}
			if err := os.Mkdir(to, 0o700); err != nil {
				return err
			}
			if err := copyTree(from, to); err != nil {
				return err
			}
			continue
		}
		raw, err := os.ReadFile(from) //nolint:gosec // the repository's own files
		if err != nil {
			return err
		}
		if err := os.WriteFile(to, raw, 0o600); err != nil {
			return err
		}
	}
	return nil
}
