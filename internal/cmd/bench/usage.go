package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Who spends what. The CLI starts each provider process through the shim
// (mirror.go), which waits for it and appends the process' own CPU time and
// peak RSS, and its own CPU time, to BENCH_USAGE_FILE: a line per provider
// process (an operation may start several). The CLI's CPU time is its
// process tree's (wait4's rusage counts the children it reaped) less the
// shims' and the providers'. Its peak RSS cannot come from wait4, which
// reports the largest of the tree; it is read from /proc (VmHWM, the
// kernel's own high-water mark) while it runs.

// usage is what one operation cost, beyond its wall time.
type usage struct {
	ProviderCPU float64 // seconds, user + system, every provider process
	ProviderRSS float64 // MB, the largest provider process
	CLICPU      float64 // seconds, user + system, the CLI process alone
	CLIRSS      float64 // MB, the CLI process alone
}

func cpuSeconds(ru *syscall.Rusage) float64 {
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// runMeasured runs cmd and returns its output and what it and its provider
// processes used.
func runMeasured(cmd *exec.Cmd, usageFile string) ([]byte, usage, error) {
	_ = os.Remove(usageFile)
	var out strings.Builder
	var mu sync.Mutex
	w := writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return out.Write(p)
	})
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		return nil, usage{}, err
	}
	hwm := make(chan float64, 1)
	stop := make(chan struct{})
	go func() { hwm <- pollHWM(cmd.Process.Pid, stop) }()
	err := cmd.Wait()
	close(stop)
	u := usage{CLIRSS: <-hwm}
	tree := 0.0
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		tree = cpuSeconds(ru)
		if u.CLIRSS == 0 { // too short to be read: then the tree's peak
			u.CLIRSS = float64(ru.Maxrss) / 1024
		}
	}
	shims := 0.0
	for _, p := range readUsageFile(usageFile) {
		u.ProviderCPU += p.cpu
		u.ProviderRSS = max(u.ProviderRSS, p.rssMB)
		shims += p.shimCPU
	}
	u.CLICPU = max(0, tree-u.ProviderCPU-shims)
	return []byte(out.String()), u, err
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// pollHWM reads the process' VmHWM every 50 ms until stop, and returns the
// last value read, in MB. The high-water mark only grows, so the last read
// misses at most what the process added in its last 50 ms.
func pollHWM(pid int, stop <-chan struct{}) float64 {
	last := 0.0
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		if kb := vmHWM(pid); kb > 0 {
			last = float64(kb) / 1024
		}
		select {
		case <-stop:
			return last
		case <-t.C:
		}
	}
}

func vmHWM(pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return kb
		}
	}
	return 0
}

type providerUsage struct{ cpu, rssMB, shimCPU float64 }

func readUsageFile(file string) []providerUsage {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var out []providerUsage
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		var p providerUsage
		var kb float64
		if _, err := fmt.Sscan(strings.Join(f, " "), &p.cpu, &kb, &p.shimCPU); err != nil {
			continue
		}
		p.rssMB = kb / 1024
		out = append(out, p)
	}
	return out
}

// shim runs the provider binary named by BENCH_SHIM_TARGET as a child, with
// the same standard streams (go-plugin's handshake passes through), and
// when it ends appends to BENCH_USAGE_FILE its CPU seconds, its peak RSS in
// kB and the shim's own CPU seconds.
func shim() int {
	cmd := exec.Command(os.Getenv("BENCH_SHIM_TARGET"), os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "bench shim:", err)
		return 1
	}
	_ = cmd.Wait()
	child, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var self syscall.Rusage
	if ok && os.Getenv("BENCH_USAGE_FILE") != "" && syscall.Getrusage(syscall.RUSAGE_SELF, &self) == nil {
		if f, err := os.OpenFile(os.Getenv("BENCH_USAGE_FILE"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); err == nil {
			// Maxrss is in kilobytes on Linux.
			_, _ = fmt.Fprintf(f, "%.3f %d %.3f\n", cpuSeconds(child), child.Maxrss, cpuSeconds(&self))
			_ = f.Close()
		}
	}
	return cmd.ProcessState.ExitCode()
}
