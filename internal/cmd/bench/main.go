// Command bench measures hedgehog_fabric against its peers on one local
// control plane, with OpenTofu from .tools/bin (make bench):
//
//   - hedgehog_fabric (this provider);
//   - kubectl_manifest from gavinbunney/kubectl v1.19.0, on the same Fabric
//     objects of the same cluster;
//   - time_static from hashicorp/time v0.14.2, the plugin floor: a framework
//     provider that makes no API call, with the SDK's default logging and
//     with it off;
//   - terraform_data, built into the CLI: the CLI floor.
//
// For each N it times apply (create), plan with no change, apply (update
// every object) and destroy, interleaving providers in each run, and reports
// medians with the fabric API requests the API server counted and the
// provider process' peak RSS.
//
//	bench [-n 10,100,1000] [-runs 3] [-out internal/cmd/bench/results]
//	bench shim   (internal: wraps a provider binary to record its peak RSS)
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/testcluster"
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

var peers = []peer{
	{Name: "hedgehog_fabric", Provider: "hedgehog-terraform/hedgehog", Version: "0.1.0", Binary: "terraform-provider-hedgehog",
		Namespace: "bench-hedgehog", config: hedgehogConfig},
	{Name: "kubectl_manifest", Provider: "gavinbunney/kubectl", Version: "1.19.0", Binary: "terraform-provider-kubectl",
		Namespace: "bench-kubectl", config: kubectlConfig},
	{Name: "time_static", Provider: "hashicorp/time", Version: "0.14.2", Binary: "terraform-provider-time", config: timeConfig},
	{Name: "time_static (SDK logs off)", Provider: "hashicorp/time", Version: "0.14.2", Binary: "terraform-provider-time", config: timeConfig,
		Env: []string{"TF_LOG_SDK=off", "TF_LOG_SDK_FRAMEWORK=off", "TF_LOG_SDK_PROTO=off"}},
	{Name: "terraform_data", config: dataConfig},
}

var operations = []string{"apply (create)", "plan (no change)", "apply (update)", "destroy"}

const header = `variable "n" {
  type = number
}

variable "asn" {
  type = number
}
`

func required(source string) string {
	if source == "" {
		return ""
	}
	name := source[strings.Index(source, "/")+1:]
	return fmt.Sprintf("terraform {\n  required_providers {\n    %s = {\n      source = %q\n    }\n  }\n}\n", name, source)
}

func hedgehogConfig(kubeconfig, ns string) string {
	return required("hedgehog-terraform/hedgehog") + header + fmt.Sprintf(`
provider "hedgehog" {
  config_path = %q
}

resource "hedgehog_fabric" "f" {
  count       = var.n
  name        = "fab-${count.index}"
  namespace   = %q
  asn         = var.asn
  spine_count = 2
  leaf_count  = 4
}
`, kubeconfig, ns)
}

func kubectlConfig(kubeconfig, ns string) string {
	return required("gavinbunney/kubectl") + header + fmt.Sprintf(`
provider "kubectl" {
  config_path      = %q
  load_config_file = true
}

resource "kubectl_manifest" "f" {
  count = var.n
  yaml_body = yamlencode({
    apiVersion = "wiring.githedgehog.com/v1alpha2"
    kind       = "Fabric"
    metadata   = { name = "fab-${count.index}", namespace = %q }
    spec       = { name = "fab-${count.index}", asn = var.asn, spine_count = 2, leaf_count = 4 }
  })
}
`, kubeconfig, ns)
}

func timeConfig(string, string) string {
	return required("hashicorp/time") + header + `
resource "time_static" "f" {
  count    = var.n
  triggers = { asn = tostring(var.asn) }
}
`
}

func dataConfig(string, string) string {
	return header + `
resource "terraform_data" "f" {
  count = var.n
  input = var.asn
}
`
}

// A sample is one timed operation.
type sample struct {
	Seconds  float64 `json:"seconds"`
	Requests int     `json:"fabric_requests"`
	RSSMB    float64 `json:"peak_rss_mb"`
}

// Cell is the median of the samples of one provider, operation and N.
type Cell struct {
	Provider  string    `json:"provider"`
	Operation string    `json:"operation"`
	N         int       `json:"n"`
	Median    sample    `json:"median"`
	Samples   []sample  `json:"samples"`
	When      time.Time `json:"-"`
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "shim" {
		os.Exit(shim())
	}
	ns := flag.String("n", "10,100,1000", "comma-separated numbers of objects")
	runs := flag.Int("runs", 3, "runs of every cell (the median is reported)")
	out := flag.String("out", "internal/cmd/bench/results", "where to write results.json, results.md and results.svg")
	flag.Parse()
	var sizes []int
	for _, s := range strings.Split(*ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fatalf("bad -n %q", *ns)
		}
		sizes = append(sizes, n)
	}
	if err := run(sizes, *runs, *out); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}

func run(sizes []int, runs int, out string) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	bin := filepath.Join(root, ".tools", "bin")
	work, err := os.MkdirTemp("", "hedgehog-bench-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()

	fmt.Println("==> building the provider and the mirror")
	cliRC, err := mirror(root, bin, work)
	if err != nil {
		return err
	}
	fmt.Println("==> starting the local control plane")
	cluster, err := testcluster.Start(context.Background(), testcluster.Options{BinDir: bin, Dir: filepath.Join(work, "cluster")})
	if err != nil {
		return err
	}
	defer func() { _ = cluster.Stop() }()
	cfg, err := clientcmd.BuildConfigFromFlags("", cluster.KubeconfigPath())
	if err != nil {
		return err
	}
	client := kubernetes.NewForConfigOrDie(cfg)
	for _, p := range peers {
		if p.Namespace != "" {
			_, err := client.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: p.Namespace}}, metav1.CreateOptions{})
			if err != nil {
				return err
			}
		}
	}

	b := &bench{tofu: filepath.Join(bin, "tofu"), rc: cliRC, work: work, kubeconfig: cluster.KubeconfigPath(), client: client,
		cells: map[string]*Cell{}}
	for r := 1; r <= runs; r++ {
		for _, n := range sizes {
			for _, p := range peers {
				fmt.Printf("==> run %d/%d, N=%d, %s\n", r, runs, n, p.Name)
				if err := b.measure(p, n); err != nil {
					return fmt.Errorf("%s, N=%d: %w", p.Name, n, err)
				}
			}
		}
	}
	return b.report(sizes, runs, out)
}

// mirror builds this provider, and puts it and the peers (each wrapped by
// the RSS shim) into a filesystem mirror; it returns the CLI configuration.
func mirror(root, bin, work string) (string, error) {
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
	for _, p := range peers {
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

type bench struct {
	tofu, rc, work, kubeconfig string
	client                     kubernetes.Interface
	cells                      map[string]*Cell
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
		before, err := b.fabricRequests()
		if err != nil {
			return err
		}
		start := time.Now()
		if err := tofu(args...); err != nil {
			return err
		}
		elapsed := time.Since(start).Seconds()
		after, err := b.fabricRequests()
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
	if p.Namespace != "" {
		left, err := b.client.CoreV1().RESTClient().Get().AbsPath("/apis/wiring.githedgehog.com/v1alpha2/namespaces/" + p.Namespace + "/fabrics").DoRaw(context.Background())
		if err != nil {
			return err
		}
		if strings.Contains(string(left), `"kind":"Fabric"`) {
			return fmt.Errorf("fabrics are left in %s after destroy", p.Namespace)
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

// fabricRequests is the API server's own count of requests on fabrics.
func (b *bench) fabricRequests() (int, error) {
	raw, err := b.client.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(context.Background())
	if err != nil {
		return 0, err
	}
	total := 0
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "apiserver_request_total{") || !strings.Contains(line, `resource="fabrics"`) {
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

// Results is what results.json holds.
type Results struct {
	Date     string   `json:"date"`
	Machine  string   `json:"machine"`
	Command  string   `json:"command"`
	Runs     int      `json:"runs"`
	Cells    []*Cell  `json:"cells"`
	Ratios   []Ratio  `json:"ratios"`
	Scaling  []Ratio  `json:"scaling"`
	Problems []string `json:"targets_missed"`
}

func (b *bench) report(sizes []int, runs int, out string) error {
	res := &Results{Date: time.Now().UTC().Format("2006-01-02"), Runs: runs,
		Machine: fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version()),
		Command: "make bench N=" + joinInts(sizes)}
	for _, n := range sizes {
		for _, op := range operations {
			for _, p := range peers {
				if c := b.cells[fmt.Sprintf("%s|%s|%d", p.Name, op, n)]; c != nil {
					c.Median = median(c.Samples)
					res.Cells = append(res.Cells, c)
				}
			}
		}
	}
	res.Ratios, res.Scaling, res.Problems = ratios(res.Cells, sizes)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	md := markdown(res, sizes)
	fmt.Println()
	fmt.Println(md)
	for name, data := range map[string][]byte{"results.json": raw, "results.md": []byte(md), "results.svg": []byte(chart(res, sizes))} {
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("wrote %s/results.{md,json,svg}\n", out)
	return nil
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}
