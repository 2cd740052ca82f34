package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
)

// A peer is one column of the benchmark.
type peer struct {
	Name      string   // column name
	Provider  string   // registry source, empty for terraform_data
	Version   string   // version in the mirror
	Binary    string   // in .tools/bin
	Namespace string   // for the objects it creates, if any
	Env       []string // extra environment for the CLI (and so the plugin)
	config    func(kubeconfig, namespace string) string
}

var operations = []string{"apply (create)", "plan (no change)", "apply (update)", "destroy"}

func required(source string) string {
	if source == "" {
		return ""
	}
	name := source[strings.Index(source, "/")+1:]
	return fmt.Sprintf("terraform {\n  required_providers {\n    %s = {\n      source = %q\n    }\n  }\n}\n", name, source)
}

// A sample is one timed operation.
type sample struct {
	Seconds  float64 `json:"seconds"`
	Requests int     `json:"requests"`
	RSSMB    float64 `json:"peak_rss_mb"`     // the provider process
	CPU      float64 `json:"provider_cpu_s"`  // the provider processes
	CLICPU   float64 `json:"cli_cpu_s"`       // the CLI process alone
	CLIRSSMB float64 `json:"cli_peak_rss_mb"` // the CLI process alone
}

// Cell is the median of the samples of one provider, operation and N, with
// their smallest and largest values (each field on its own).
type Cell struct {
	Provider  string   `json:"provider"`
	Operation string   `json:"operation"`
	N         int      `json:"n"`
	Median    sample   `json:"median"`
	Min       sample   `json:"min"`
	Max       sample   `json:"max"`
	Samples   []sample `json:"samples"`
}

type bench struct {
	sc                         *scenario
	tofu, rc, work, kubeconfig string
	client                     kubernetes.Interface
	dyn                        dynamic.Interface
	cells                      map[string]*Cell
	cleanup                    []func()
	// profile, when set, is where the hedgehog provider writes a CPU
	// profile of every operation (HEDGEHOG_CPUPROFILE).
	profile string
}

func (b *bench) measure(p peer, n, run int) error {
	dir, err := os.MkdirTemp(b.work, "cfg-")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(p.config(b.kubeconfig, p.Namespace)), 0o600); err != nil {
		return err
	}
	usageFile := filepath.Join(dir, "usage")
	env := append(cleanEnv(), "TF_CLI_CONFIG_FILE="+b.rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "BENCH_USAGE_FILE="+usageFile)
	env = append(env, p.Env...)
	tofu := func(extra []string, args ...string) (usage, error) {
		cmd := exec.Command(b.tofu, args...)
		cmd.Dir, cmd.Env = dir, append(env, extra...)
		out, u, err := runMeasured(cmd, usageFile)
		if err != nil {
			return u, fmt.Errorf("tofu %s: %w\n%s", strings.Join(args, " "), err, tail(out))
		}
		return u, nil
	}
	if _, err := tofu(nil, "init", "-input=false", "-no-color"); err != nil {
		return err
	}
	vars := func(asn int) []string {
		return []string{"-input=false", "-no-color", "-var", "n=" + strconv.Itoa(n), "-var", "asn=" + strconv.Itoa(asn)}
	}
	steps := [][]string{
		append([]string{"apply", "-auto-approve"}, vars(65000)...),
		append([]string{"plan", "-detailed-exitcode"}, vars(65000)...),
		append([]string{"apply", "-auto-approve"}, vars(65001)...),
		append([]string{"destroy", "-auto-approve"}, vars(65001)...),
	}
	for i, args := range steps {
		extra, err := b.profileEnv(p, n, run, operations[i])
		if err != nil {
			return err
		}
		before, err := b.requests()
		if err != nil {
			return err
		}
		start := time.Now()
		u, err := tofu(extra, args...)
		if err != nil {
			return err
		}
		elapsed := time.Since(start).Seconds()
		after, err := b.requests()
		if err != nil {
			return err
		}
		s := sample{Seconds: elapsed, Requests: after - before, RSSMB: u.ProviderRSS, CPU: u.ProviderCPU, CLICPU: u.CLICPU,
			CLIRSSMB: u.CLIRSS}
		key := fmt.Sprintf("%s|%s|%d", p.Name, operations[i], n)
		c, ok := b.cells[key]
		if !ok {
			c = &Cell{Provider: p.Name, Operation: operations[i], N: n}
			b.cells[key] = c
		}
		c.Samples = append(c.Samples, s)
	}
	if p.Namespace != "" && b.sc.Leftover != nil {
		if err := b.sc.Leftover(b, p); err != nil {
			return err
		}
	}
	return os.RemoveAll(dir)
}

func tail(out []byte) string {
	if len(out) > 3000 {
		out = out[len(out)-3000:]
	}
	return string(out)
}

// cleanEnv is the environment without any TF_LOG* setting (and without a CLI
// configuration of the user's), so every provider runs as users run it.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "BENCH_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// profileEnv asks this provider for a CPU profile of the operation, in
// <profile>/<peer>-n<N>-r<run>/<operation>/cpu-<pid>.pprof.
func (b *bench) profileEnv(p peer, n, run int, op string) ([]string, error) {
	if b.profile == "" || p.Binary != "terraform-provider-hedgehog" {
		return nil, nil
	}
	dir := filepath.Join(b.profile, fmt.Sprintf("%s-n%d-r%d", slug(p.Name), n, run), slug(op))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return []string{"HEDGEHOG_CPUPROFILE=" + dir}, nil
}

func slug(s string) string {
	return strings.Trim(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '-'
	}, strings.ToLower(s)), "-")
}

// requests is the API server's own count of requests on the scenario's
// resources.
func (b *bench) requests() (int, error) {
	raw, err := b.client.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(context.Background())
	if err != nil {
		return 0, err
	}
	total := 0
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "apiserver_request_total{") || !b.counted(line) {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err == nil {
			total += int(v)
		}
	}
	return total, nil
}

func (b *bench) counted(line string) bool {
	for _, r := range b.sc.Resources {
		if strings.Contains(line, `resource="`+r+`"`) {
			return true
		}
	}
	return false
}

// summary is the median, the smallest and the largest of the samples, each
// field on its own.
func summary(samples []sample) (med, lo, hi sample) {
	pick := func(get func(sample) float64) (m, l, h float64) {
		v := make([]float64, len(samples))
		for i, s := range samples {
			v[i] = get(s)
		}
		sort.Float64s(v)
		m = v[len(v)/2]
		if len(v)%2 == 0 {
			m = (v[len(v)/2-1] + v[len(v)/2]) / 2
		}
		return m, v[0], v[len(v)-1]
	}
	fields := []func(*sample) *float64{
		func(s *sample) *float64 { return &s.Seconds },
		func(s *sample) *float64 { return &s.RSSMB },
		func(s *sample) *float64 { return &s.CPU },
		func(s *sample) *float64 { return &s.CLICPU },
		func(s *sample) *float64 { return &s.CLIRSSMB },
	}
	for _, f := range fields {
		*f(&med), *f(&lo), *f(&hi) = pick(func(s sample) float64 { return *f(&s) })
	}
	m, l, h := pick(func(s sample) float64 { return float64(s.Requests) })
	med.Requests, lo.Requests, hi.Requests = int(m), int(l), int(h)
	return med, lo, hi
}
