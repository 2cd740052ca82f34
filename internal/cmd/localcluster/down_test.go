package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/fabricsim"
)

// TestDownStopsTheStandIn is make cluster-up with the Hedgehog stand-in (as
// make demo runs it), then make cluster-down: down stops the stand-in before
// the API server, so that it unregisters its webhooks, and leaves no
// process of the cluster behind.
func TestDownStopsTheStandIn(t *testing.T) {
	run, dir, _ := upLocal(t, "-hedgehog", "-crds=false")

	var state struct{ PIDs map[string]int }
	raw, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	standIn := state.PIDs["hedgehog-stand-in"]
	if standIn == 0 || !running(standIn) {
		t.Fatalf("the stand-in is not running: %v", state.PIDs)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", filepath.Join(dir, "kubeconfig"))
	if err != nil {
		t.Fatal(err)
	}
	admission := kubernetes.NewForConfigOrDie(cfg).AdmissionregistrationV1()
	ctx := context.Background()
	webhooks := map[string]bool{} // kind/name → deleted
	validating, err := admission.ValidatingWebhookConfigurations().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mutating, err := admission.MutatingWebhookConfigurations().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range validating.Items {
		if strings.HasPrefix(w.Name, fabricsim.WebhookPrefix) {
			webhooks["validating/"+w.Name] = false
		}
	}
	for _, w := range mutating.Items {
		if strings.HasPrefix(w.Name, fabricsim.WebhookPrefix) {
			webhooks["mutating/"+w.Name] = false
		}
	}
	if len(webhooks) < 2 {
		t.Fatalf("the stand-in's webhooks: %v", webhooks)
	}
	// The deletes are seen as they happen; the watches end when the API
	// server stops.
	vw, err := admission.ValidatingWebhookConfigurations().Watch(ctx, metav1.ListOptions{ResourceVersion: validating.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	mw, err := admission.MutatingWebhookConfigurations().Watch(ctx, metav1.ListOptions{ResourceVersion: mutating.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	seen := make(chan string, 16)
	for kind, w := range map[string]watch.Interface{"validating": vw, "mutating": mw} {
		go func() {
			defer w.Stop()
			for e := range w.ResultChan() {
				if m, err := meta.Accessor(e.Object); err == nil && e.Type == watch.Deleted {
					seen <- kind + "/" + m.GetName()
				}
			}
		}()
	}

	// Right after up, as a script might: the stand-in may still be starting.
	out := run("down")
	deadline := time.After(10 * time.Second)
	for missing := len(webhooks); missing > 0; {
		select {
		case name := <-seen:
			if deleted, ok := webhooks[name]; ok && !deleted {
				webhooks[name] = true
				missing--
			}
		case <-deadline:
			t.Fatalf("down left the stand-in's webhooks registered (deleted: %v):\n%s", webhooks, out)
		}
	}
	if !strings.Contains(out, "hedgehog-stand-in ("+strconv.Itoa(standIn)+")") {
		t.Errorf("down should name the stand-in it stopped:\n%s", out)
	}
	for name, pid := range state.PIDs {
		if running(pid) {
			t.Errorf("%s (pid %d) still runs after down", name, pid)
		}
	}
	if left := processesIn(t, dir); len(left) > 0 {
		t.Errorf("processes of the cluster left after down: %v", left)
	}
}

// upLocal builds localcluster and runs up with args on a control plane of the
// test's own, which the test's end takes down, and returns what up printed;
// run runs it again on that control plane. It needs the toolchain: TF_ACC=1,
// as the acceptance tests.
func upLocal(t *testing.T, args ...string) (run func(args ...string) string, dir, out string) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("starts etcd, kube-apiserver, kube-controller-manager and the stand-in: runs with TF_ACC=1 (make testacc)")
	}
	wd, _ := os.Getwd()
	root := filepath.Join(wd, "..", "..", "..")
	self := filepath.Join(t.TempDir(), "localcluster")
	if out, err := exec.Command("go", "build", "-o", self, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir = filepath.Join(t.TempDir(), "cluster")
	run = func(args ...string) string {
		t.Helper()
		cmd := exec.Command(self, append(args, "-dir", dir)...)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("localcluster %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	t.Cleanup(func() {
		if _, err := os.Stat(dir); err == nil {
			_ = exec.Command(self, "down", "-dir", dir).Run()
		}
	})
	out = run(append([]string{"up", "-bin", filepath.Join(root, ".tools", "bin")}, args...)...)
	return run, dir, out
}

// running tells whether a process runs (and is not a zombie).
func running(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

// processesIn lists the running processes whose command line names dir.
func processesIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err == nil && bytes.Contains(cmdline, []byte(dir)) && running(pid) {
			out = append(out, strings.ReplaceAll(string(cmdline), "\x00", " "))
		}
	}
	return out
}
