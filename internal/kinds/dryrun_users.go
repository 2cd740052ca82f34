package kinds

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Who a refusal may be about: the objects this run writes or deletes that a
// refused object names, and the objects that still use an object whose
// delete was refused.

// explains names the objects that this run writes or deletes and that may
// be why the cluster refuses an object: those its spec names (in values or
// map keys, "<name>/<rest>" included), those the refusal's message names (a
// webhook's default may name them: a switch's VLAN namespace "default"),
// and the objects of its own kind that this run deletes (a renamed object's
// predecessor still holds its VLAN). Empty when there are none.
func (p *PlanChecks) explains(kind, namespace, name string, spec map[string]any, message string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	found := map[string]bool{}
	note := func(k, n, what string) {
		if k != kind || n != name {
			found[fmt.Sprintf("%s %q (%s in this run)", k, n, what)] = true
		}
	}
	named := func(n string) {
		for _, k := range p.writes[namespace][n] {
			note(k, n, "created or changed")
		}
		for _, k := range p.deletes[namespace][n] {
			note(k, n, "deleted")
		}
	}
	names(spec, named)
	for _, word := range strings.FieldsFunc(message, func(r rune) bool { return strings.ContainsRune(" \t\n\"'`,;:()[]{}", r) }) {
		names(strings.TrimSuffix(word, "."), named)
	}
	for n, ks := range p.deletes[namespace] {
		for _, k := range ks {
			if k == kind {
				note(k, n, "deleted")
			}
		}
	}
	out := make([]string, 0, len(found))
	for f := range found {
		out = append(out, f)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// names calls fn with every name a spec may use to point at another object:
// its strings and map keys, and the part of each before a "/" (a port
// "leaf-01/E1/1", a subnet "vpc-1/default").
func names(j any, fn func(string)) {
	str := func(s string) {
		fn(s)
		if before, _, ok := strings.Cut(s, "/"); ok {
			fn(before)
		}
	}
	switch x := j.(type) {
	case string:
		str(x)
	case map[string]any:
		for k, v := range x {
			str(k)
			names(v, fn)
		}
	case []any:
		for _, v := range x {
			names(v, fn)
		}
	}
}

// mentions tells whether a spec names name.
func mentions(spec any, name string) bool {
	found := false
	names(spec, func(n string) { found = found || n == name })
	return found
}

// listing is every object of one kind in one namespace, read once per plan
// (only when a delete was refused).
type listing struct {
	once sync.Once
	objs []*unstructured.Unstructured
}

func (p *PlanChecks) list(ctx context.Context, c *Config, k *Kind, namespace string) []*unstructured.Unstructured {
	gvr := k.GVR(c)
	key := gvr.String() + "/" + namespace
	p.mu.Lock()
	l := p.listings[key]
	if l == nil {
		l = &listing{}
		p.listings[key] = l
	}
	p.mu.Unlock()
	l.once.Do(func() {
		// Kinds that are not served or may not be listed have no users to
		// offer.
		l.objs, _ = c.Client.Objects(gvr, k.Kind, "").List(ctx, namespace, metav1.ListOptions{})
	})
	return l.objs
}

// users are the objects that name the object namespace/name in their spec:
// those this provider created (its label) and the others.
func (r *Resource) users(ctx context.Context, p *PlanChecks, namespace, name string) (managed, others []string) {
	for _, k := range r.cfg.Kinds {
		if k.ReadOnly {
			continue
		}
		for _, u := range p.list(ctx, r.cfg, k, namespace) {
			if (k == r.kind && u.GetName() == name) || !mentions(u.Object["spec"], name) {
				continue
			}
			who := fmt.Sprintf("%s %q", k.Kind, u.GetName())
			if u.GetLabels()[ManagedLabel] == "true" {
				managed = append(managed, who)
			} else {
				others = append(others, who)
			}
		}
	}
	return managed, others
}
