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
	RSSMB    float64 `json:"peak_rss_mb"`
}

// Cell is the median of the samples of one provider, operation and N.
type Cell struct {
	Provider  string   `json:"provider"`
	Operation string   `json:"operation"`
	N         int      `json:"n"`
	Median    sample   `json:"median"`
	Samples   []sample `json:"samples"`
}

type bench struct {
	sc                         *scenario
	tofu, rc, work, kubeconfig string
	client                     kubernetes.Interface
	dyn                        dynamic.Interface
	cells                      map[string]*Cell
	cleanup                    []func()
}

func (b *bench) measure(p peer, n int) error {
	dir, err := os.MkdirTemp(b.work, "cfg-")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(p.config(b.kubeconfig, p.Namespace)), 0o600); err != nil {
		return err
	}
	rss := filepath.Join(dir, "rss")
	env := append(cleanEnv(), "TF_CLI_CONFIG_FILE="+b.rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "BENCH_RSS_FILE="+rss)
	env = append(env, p.Env...)
	tofu := func(args ...string) error {
		cmd := exec.Command(b.tofu, args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("tofu %s: %w\n%s", strings.Join(args, " "), err, tail(out))
		}
		return nil
	}
	if err := tofu("init", "-input=false", "-no-color"); err != nil {
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
		_ = os.Remove(rss)
		before, err := b.requests()
		if err != nil {
			return err
		}
		start := time.Now()
		if err := tofu(args...); err != nil {
			return err
		}
		elapsed := time.Since(start).Seconds()
		after, err := b.requests()
		if err != nil {
			return err
		}
		s := sample{Seconds: elapsed, Requests: after - before, RSSMB: peakRSS(rss)}
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

func peakRSS(file string) float64 {
	raw, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	peak := 0
	for _, line := range strings.Fields(string(raw)) {
		if kb, err := strconv.Atoi(line); err == nil && kb > peak {
			peak = kb
		}
	}
	return float64(peak) / 1024
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

func median(samples []sample) sample {
	pick := func(get func(sample) float64) float64 {
		v := make([]float64, len(samples))
		for i, s := range samples {
			v[i] = get(s)
		}
		sort.Float64s(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return sample{
		Seconds:  pick(func(s sample) float64 { return s.Seconds }),
		Requests: int(pick(func(s sample) float64 { return float64(s.Requests) })),
		RSSMB:    pick(func(s sample) float64 { return s.RSSMB }),
	}
}
