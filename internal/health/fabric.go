package health

import (
	"context"
	"fmt"
	"sort"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/pager"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// FabricOptions say where a Hedgehog fabric keeps its switches and their
// agents, and when an agent counts as alive.
type FabricOptions struct {
	Switches, Agents schema.GroupVersionResource
	Namespace        string
	// HeartbeatTimeout: an agent whose last heartbeat is older is silent
	// (Hedgehog's own readiness check uses one minute).
	HeartbeatTimeout time.Duration
	Now              time.Time
}

// Fabric is what the switches' agents report.
type Fabric struct {
	Switches, Agents, Applied, Heartbeating int64
	// Pending are the switches whose agent is missing, has not applied its
	// current generation, or is silent, sorted.
	Pending []string
	// Problems say why, one sentence per switch.
	Problems []string
}

// CheckFabric counts the switches and their agents as Hedgehog's own
// readiness check reads them: an agent has applied when its generation is
// above 0 and its last applied generation is its generation, and
// heartbeats when its last heartbeat is within the timeout. A switch is
// healthy when its agent does both.
func CheckFabric(ctx context.Context, c *kube.Client, opts FabricOptions) (Fabric, error) {
	var f Fabric
	switches, err := listAll(ctx, c, opts.Switches, opts.Namespace)
	if err != nil {
		return f, fmt.Errorf("cannot list switches: %w", err)
	}
	agents, err := listAll(ctx, c, opts.Agents, opts.Namespace)
	if err != nil {
		return f, fmt.Errorf("cannot list agents: %w", err)
	}
	f.Switches, f.Agents = int64(len(switches)), int64(len(agents))
	byName := map[string]*unstructured.Unstructured{}
	for _, a := range agents {
		byName[a.GetName()] = a
	}
	names := make([]string, 0, len(switches))
	for _, sw := range switches {
		names = append(names, sw.GetName())
	}
	sort.Strings(names)
	for _, name := range names {
		a := byName[name]
		if a == nil {
			f.Pending = append(f.Pending, name)
			f.Problems = append(f.Problems, fmt.Sprintf("switch %s has no agent", name))
			continue
		}
		s := readAgent(a)
		applied := a.GetGeneration() > 0 && s.lastApplied == a.GetGeneration()
		alive := !s.heartbeat.IsZero() && opts.Now.Sub(s.heartbeat) < opts.HeartbeatTimeout
		if applied {
			f.Applied++
		}
		if alive {
			f.Heartbeating++
		}
		if applied && alive {
			continue
		}
		f.Pending = append(f.Pending, name)
		if !applied {
			f.Problems = append(f.Problems, fmt.Sprintf("switch %s has applied generation %d of %d", name, s.lastApplied, a.GetGeneration()))
		}
		switch {
		case s.heartbeat.IsZero():
			f.Problems = append(f.Problems, fmt.Sprintf("switch %s has never sent a heartbeat", name))
		case !alive:
			f.Problems = append(f.Problems, fmt.Sprintf("switch %s sent its last heartbeat %s ago (more than %s)", name,
				opts.Now.Sub(s.heartbeat).Round(time.Second), opts.HeartbeatTimeout))
		}
	}
	return f, nil
}

type agentReport struct {
	lastApplied int64
	heartbeat   time.Time
}

func readAgent(a *unstructured.Unstructured) agentReport {
	var r agentReport
	r.lastApplied, _, _ = unstructured.NestedInt64(a.Object, "status", "lastAppliedGen")
	if hb, _, _ := unstructured.NestedString(a.Object, "status", "lastHeartbeat"); hb != "" {
		r.heartbeat, _ = time.Parse(time.RFC3339, hb)
	}
	return r
}

func listAll(ctx context.Context, c *kube.Client, gvr schema.GroupVersionResource, namespace string) ([]*unstructured.Unstructured, error) {
	p := pager.New(func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		return c.Dynamic.Resource(gvr).Namespace(namespace).List(ctx, opts)
	})
	p.PageSize = 500
	var out []*unstructured.Unstructured
	err := p.EachListItem(ctx, metav1.ListOptions{}, func(obj runtime.Object) error {
		if u, ok := obj.(*unstructured.Unstructured); ok {
			out = append(out, u)
		}
		return nil
	})
	return out, err
}
