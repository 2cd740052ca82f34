package testcluster

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/keyutil"
)

const stopTimeout = 15 * time.Second

// process is one program of the control plane. cmd is nil when the process
// was started by an earlier invocation (cluster-up) and found in state.json.
type process struct {
	name    string
	program string // base name of the executable
	pid     int
	cmd     *exec.Cmd
	done    chan struct{}
	logPath string
}

func (c *Cluster) spawn(name string, args ...string) error {
	return c.spawnPath(name, filepath.Join(c.opts.BinDir, name), args...)
}

func (c *Cluster) spawnPath(name, path string, args ...string) error {
	logPath := filepath.Join(c.opts.Dir, "logs", name+".log")
	if err := os.MkdirAll(filepath.Dir(logPath), 0o700); err != nil {
		return err
	}
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer func() { _ = logFile.Close() }()

	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if c.opts.Detach {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	} else {
		// The kernel kills the process when this program dies, however it
		// dies (a test binary killed by its timeout included).
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w (run `make tools` to build it)", name, err)
	}
	p := &process{name: name, program: filepath.Base(path), pid: cmd.Process.Pid, cmd: cmd, done: make(chan struct{}), logPath: logPath}
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	c.procs[name] = p
	c.state.PIDs[name] = p.pid
	c.state.Programs[name] = p.program
	// Recorded at once, so that cluster-down finds every process even if
	// this program dies before the cluster is up.
	return c.saveState()
}

func (p *process) exited() bool {
	if p.cmd != nil {
		select {
		case <-p.done:
			return true
		default:
			return false
		}
	}
	return !alive(p.pid, p.program)
}

// alive tells whether pid is a running (not zombie) process of that program.
func alive(pid int, name string) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
		return false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return err == nil && strings.Contains(string(bytes.SplitN(cmdline, []byte{0}, 2)[0]), name)
}

// stop sends SIGTERM, waits, and kills what is left.
func (c *Cluster) stop(name string) error {
	p, ok := c.procs[name]
	if !ok {
		return nil
	}
	delete(c.procs, name)
	delete(c.state.PIDs, name)
	delete(c.state.Programs, name)
	if p.exited() {
		return nil
	}
	_ = syscall.Kill(-p.pid, syscall.SIGTERM)
	_ = syscall.Kill(p.pid, syscall.SIGTERM)
	if waitExit(p, stopTimeout) {
		return nil
	}
	_ = syscall.Kill(-p.pid, syscall.SIGKILL)
	_ = syscall.Kill(p.pid, syscall.SIGKILL)
	if waitExit(p, stopTimeout) {
		return nil
	}
	return fmt.Errorf("%s (pid %d) did not stop", name, p.pid)
}

func waitExit(p *process, timeout time.Duration) bool {
	if p.cmd != nil {
		select {
		case <-p.done:
			return true
		case <-time.After(timeout):
			return false
		}
	}
	err := wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, timeout, true,
		func(context.Context) (bool, error) { return !alive(p.pid, p.program), nil })
	return err == nil
}

// Attach finds the cluster that an earlier Start with Detach left in dir.
func Attach(opts Options) (*Cluster, error) {
	raw, err := os.ReadFile(filepath.Join(opts.Dir, "state.json"))
	if err != nil {
		return nil, err
	}
	c := &Cluster{opts: opts, procs: map[string]*process{}}
	if err := json.Unmarshal(raw, &c.state); err != nil {
		return nil, fmt.Errorf("%s/state.json: %w", opts.Dir, err)
	}
	if c.ca, err = loadAuthority(c.pki()); err != nil {
		return nil, err
	}
	for name, pid := range c.state.PIDs {
		program := c.state.Programs[name]
		if program == "" {
			program = name
		}
		c.procs[name] = &process{name: name, program: program, pid: pid, logPath: filepath.Join(opts.Dir, "logs", name+".log")}
	}
	return c, nil
}

// Running tells whether every process of the cluster is alive.
func (c *Cluster) Running() bool {
	for _, name := range []string{"etcd", "kube-apiserver", "kube-controller-manager"} {
		p, ok := c.procs[name]
		if !ok || p.exited() {
			return false
		}
	}
	return true
}

// Alive tells whether the named process of the cluster runs.
func (c *Cluster) Alive(name string) bool {
	p, ok := c.procs[name]
	return ok && !p.exited()
}

// PIDs lists the processes of the cluster by name.
func (c *Cluster) PIDs() map[string]int {
	out := map[string]int{}
	for name, p := range c.procs {
		out[name] = p.pid
	}
	return out
}

// SaveState records the processes (after a process was added).
func (c *Cluster) SaveState() error { return c.saveState() }

// StartProcess runs another program alongside the cluster (the fabric
// simulator for the demo); it is stopped with the cluster.
func (c *Cluster) StartProcess(name, path string, args ...string) error {
	if err := c.spawnPath(name, path, args...); err != nil {
		return err
	}
	return c.saveState()
}

func encodeKeyPair(key *ecdsa.PrivateKey) (priv, pub []byte, err error) {
	if priv, err = keyutil.MarshalPrivateKeyToPEM(key); err != nil {
		return nil, nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return nil, nil, err
	}
	return priv, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// insecureTLS is for the readiness probes of processes whose serving
// certificates are self-signed by the process itself; nothing is sent.
func insecureTLS() *tls.Config {
	return &tls.Config{InsecureSkipVerify: true} //nolint:gosec // readiness probe of a local process only
}
