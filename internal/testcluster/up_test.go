package testcluster

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// TestUpRestartsWhatDied is make cluster-up after a component of a running
// control plane died: each of etcd, kube-apiserver and kube-controller-manager
// is killed in turn (SIGKILL), and Up brings it back on the same port and
// data. The kubeconfig written at the start keeps working and every object
// keeps its UID. When a port is taken, Up refuses and leaves the data alone.
func TestUpRestartsWhatDied(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip(SkipStartsControlPlane)
	}
	ctx := context.Background()
	opts := Options{BinDir: filepath.Join(root(t), ".tools", "bin"), Dir: filepath.Join(t.TempDir(), "cluster"), Detach: true}
	c, did, err := Up(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c, err := Attach(opts); err == nil {
			_ = c.Stop()
		}
	})
	if did != "started" {
		t.Fatalf("Up in an empty directory: %q, want started", did)
	}
	host := c.Host()

	// Clients from the kubeconfig written at the start, used throughout.
	cfg, err := clientcmd.BuildConfigFromFlags("", c.KubeconfigPath())
	if err != nil {
		t.Fatal(err)
	}
	typed := kubernetes.NewForConfigOrDie(cfg)
	fabrics := dynamic.NewForConfigOrDie(cfg).Resource(schema.GroupVersionResource{Group: DefaultGroup, Version: DefaultVersion, Resource: "fabrics"})
	ns, err := typed.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "keep"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cm, err := typed.CoreV1().ConfigMaps("keep").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm"}, Data: map[string]string{"k": "v"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fabric := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": DefaultGroup + "/" + DefaultVersion, "kind": "Fabric",
		"metadata": map[string]any{"name": "dc1", "namespace": "keep"},
		"spec":     map[string]any{"name": "dc1", "asn": int64(65000), "spine_count": int64(2), "leaf_count": int64(4)},
	}}
	fab, err := fabrics.Namespace("keep").Create(ctx, fabric, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]types.UID{"namespace": ns.UID, "configmap": cm.UID, "fabric": fab.GetUID()}
	sameObjects := func(after string) {
		t.Helper()
		got := map[string]types.UID{}
		var errs []error
		if n, err := typed.CoreV1().Namespaces().Get(ctx, "keep", metav1.GetOptions{}); err == nil {
			got["namespace"] = n.UID
		} else {
			errs = append(errs, err)
		}
		if m, err := typed.CoreV1().ConfigMaps("keep").Get(ctx, "cm", metav1.GetOptions{}); err == nil {
			got["configmap"] = m.UID
		} else {
			errs = append(errs, err)
		}
		if f, err := fabrics.Namespace("keep").Get(ctx, "dc1", metav1.GetOptions{}); err == nil {
			got["fabric"] = f.GetUID()
		} else {
			errs = append(errs, err)
		}
		for kind, uid := range want {
			if got[kind] != uid {
				t.Fatalf("after %s: %s has UID %q, want %q (the objects of before); errors: %v", after, kind, got[kind], uid, errs)
			}
		}
	}

	for _, name := range components {
		pid := kill(t, opts, name)
		c, did, err := Up(ctx, opts)
		if err != nil {
			t.Fatalf("Up after %s was killed: %v", name, err)
		}
		if did != "restarted "+name+" on the same ports and data" {
			t.Fatalf("Up after %s was killed: %q", name, did)
		}
		if c.Host() != host || !c.Alive(name) || c.PIDs()[name] == pid {
			t.Fatalf("after Up: host %s (was %s), %s alive %v with pid %d (was %d)", c.Host(), host, name, c.Alive(name), c.PIDs()[name], pid)
		}
		sameObjects("killing " + name)
	}
	if _, did, err := Up(ctx, opts); err != nil || did != "already running" {
		t.Fatalf("Up with everything running: %q, %v", did, err)
	}

	// etcd dies and its data is gone: Up refuses, says how to start
	// afresh, and starts no empty etcd in its place.
	kill(t, opts, "etcd")
	data, aside := filepath.Join(opts.Dir, "etcd", "member"), filepath.Join(opts.Dir, "etcd-member-aside")
	if err := os.Rename(data, aside); err != nil {
		t.Fatal(err)
	}
	_, _, err = Up(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "etcd died and cannot be restarted: its data is gone") ||
		!strings.Contains(err.Error(), "make cluster-down") {
		t.Fatalf("Up without etcd's data: %v, want a refusal that says so and names make cluster-down", err)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Fatalf("Up created a new etcd data directory: %v", err)
	}
	if err := os.Rename(aside, data); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Up(ctx, opts); err != nil {
		t.Fatalf("Up once the data is back: %v", err)
	}
	sameObjects("a refused Up and a second one")
}

// A port that another program holds is named in the refusal.
func TestPortsFree(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port //nolint:forcetypeassert // a TCP listener
	err = portsFree(context.Background(), 300*time.Millisecond, port)
	if err == nil || !strings.Contains(err.Error(), "port "+strconv.Itoa(port)+" is taken") {
		t.Fatalf("a port with a listener: %v", err)
	}
	_ = l.Close()
	if err := portsFree(context.Background(), 300*time.Millisecond, port); err != nil {
		t.Fatalf("a free port: %v", err)
	}
}

// kill sends SIGKILL to a component of the cluster in opts.Dir and waits
// until it is gone. It returns the pid.
func kill(t *testing.T, opts Options, name string) int {
	t.Helper()
	c, err := Attach(opts)
	if err != nil {
		t.Fatal(err)
	}
	pid := c.PIDs()[name]
	if pid == 0 || !c.Alive(name) {
		t.Fatalf("%s is not running before the kill", name)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, time.Minute, true,
		func(context.Context) (bool, error) { return !c.Alive(name), nil })
	if err != nil {
		t.Fatal(errors.Join(err, errors.New(name+" survived SIGKILL")))
	}
	return pid
}
