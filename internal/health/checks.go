package health

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/pager"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// reviews bounds the access reviews in flight at once: seven per kind.
const reviews = 16

func apiServer(ctx context.Context, c *kube.Client, timeout time.Duration, out *APIServer) []string {
	start := time.Now()
	v, err := c.Typed.Discovery().ServerVersionWithContext(ctx)
	out.Latency = time.Since(start)
	if err != nil {
		return []string{fmt.Sprintf("the API server at %s did not answer within %s: %v", c.Host, timeout, err)}
	}
	*out = APIServer{Healthy: true, GitVersion: v.GitVersion, Major: v.Major, Minor: v.Minor, Platform: v.Platform, Latency: out.Latency}
	return nil
}

func nodes(ctx context.Context, c *kube.Client, minReady int64, out *Nodes) []string {
	list, err := c.Typed.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return []string{fmt.Sprintf("cannot list nodes: %v", err)}
	}
	out.Total = int64(len(list.Items))
	for _, n := range list.Items {
		for _, cond := range n.Status.Conditions {
			if cond.Type == corev1.NodeReady && cond.Status == corev1.ConditionTrue {
				out.Ready++
			}
		}
	}
	out.Healthy = out.Ready >= minReady
	if !out.Healthy {
		return []string{fmt.Sprintf("%d of %d nodes are Ready, fewer than min_ready_nodes (%d)", out.Ready, out.Total, minReady)}
	}
	return nil
}

// crd checks that the kind's CRD serves the version asked for, and counts
// its objects.
func crd(ctx context.Context, c *kube.Client, namespace string, out *KindReport) []string {
	name, version := out.CRD(), out.GVR.Version
	u, err := c.Dynamic.Resource(crdGVR).Get(ctx, name, metav1.GetOptions{})
	out.ServedVersions = []string{}
	switch {
	case apierrors.IsNotFound(err):
		out.Absent = true
		if out.Installer != "" {
			return []string{fmt.Sprintf("the CRD %s is not installed (%s installs it)", name, out.Installer)}
		}
		return []string{fmt.Sprintf("the CRD %s is not installed", name)}
	case err == nil:
		out.Installed = true
		versions, _, _ := unstructured.NestedSlice(u.Object, "spec", "versions")
		for _, v := range versions {
			m, _ := v.(map[string]any)
			if served, _ := m["served"].(bool); served {
				out.ServedVersions = append(out.ServedVersions, fmt.Sprint(m["name"]))
			}
		}
		if !slices.Contains(out.ServedVersions, version) {
			return []string{fmt.Sprintf("the CRD %s does not serve %s (it serves %s)", name, version, strings.Join(out.ServedVersions, ", "))}
		}
	case !apierrors.IsForbidden(err):
		return []string{fmt.Sprintf("cannot read the CRD %s: %v", name, err)}
	}
	// Counting also tells, without the right to read CRDs, whether the kind
	// is served.
	count, err := countObjects(ctx, c, out.GVR, "")
	if apierrors.IsForbidden(err) {
		count, err = countObjects(ctx, c, out.GVR, namespace)
	}
	if apierrors.IsNotFound(err) {
		out.Absent = true
		return []string{fmt.Sprintf("the cluster does not serve %s (%s/%s)", out.GVR.Resource, out.GVR.Group, out.GVR.Version)}
	}
	if err != nil {
		return []string{fmt.Sprintf("cannot list %s: %v", out.GVR.Resource, err)}
	}
	out.Installed = true
	out.Count = count
	if len(out.ServedVersions) == 0 {
		out.ServedVersions = []string{version}
	}
	out.CRDHealthy = true
	return nil
}

// countObjects counts the objects of a resource page by page, reading only
// their metadata; an empty namespace counts in all namespaces.
func countObjects(ctx context.Context, c *kube.Client, gvr schema.GroupVersionResource, namespace string) (int64, error) {
	p := pager.New(func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		return c.Metadata.Resource(gvr).Namespace(namespace).List(ctx, opts)
	})
	p.PageSize = 500
	var n int64
	err := p.EachListItem(ctx, metav1.ListOptions{}, func(runtime.Object) error { n++; return nil })
	return n, err
}

// permissions asks, for each kind and verb, whether the subject may do it
// in the namespace: through a SelfSubjectAccessReview, or a
// SubjectAccessReview for a service account.
func permissions(ctx context.Context, c *kube.Client, kinds []Kind, opts Options, out []KindReport) (string, []kindProblem) {
	subject := "the provider's identity (" + c.Identity + ")"
	if opts.ServiceAccount != "" {
		subject = "system:serviceaccount:" + strings.Replace(opts.ServiceAccount, "/", ":", 1)
	}
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	slots := make(chan struct{}, reviews)
	for i, k := range kinds {
		out[i].Allowed = make([]bool, len(Verbs))
		for j, verb := range Verbs {
			wg.Go(func() {
				slots <- struct{}{}
				defer func() { <-slots }()
				ok, err := review(ctx, c, opts, &authorizationv1.ResourceAttributes{Namespace: k.namespace(opts), Verb: verb,
					Group: k.GVR.Group, Resource: k.GVR.Resource})
				mu.Lock()
				defer mu.Unlock()
				out[i].Allowed[j] = ok
				if err != nil && firstErr == nil {
					firstErr = err
				}
			})
		}
	}
	wg.Wait()
	if firstErr != nil {
		return subject, []kindProblem{{-1, fmt.Sprintf("cannot review the rights of %s: %v", subject, firstErr)}}
	}
	var problems []kindProblem
	for i, k := range out {
		if denied := k.Denied(); len(denied) > 0 {
			problems = append(problems, kindProblem{i, fmt.Sprintf("%s may not %s %s in namespace %q", subject,
				strings.Join(denied, ", "), k.CRD(), k.namespace(opts))})
		}
	}
	return subject, problems
}

func review(ctx context.Context, c *kube.Client, opts Options, attrs *authorizationv1.ResourceAttributes) (bool, error) {
	auth := c.Typed.AuthorizationV1()
	if opts.ServiceAccount != "" {
		ns, name, _ := strings.Cut(opts.ServiceAccount, "/")
		r, err := auth.SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{
			Spec: authorizationv1.SubjectAccessReviewSpec{ResourceAttributes: attrs,
				User:   "system:serviceaccount:" + ns + ":" + name,
				Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}},
		}, metav1.CreateOptions{})
		return err == nil && r.Status.Allowed, err
	}
	r, err := auth.SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
		Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: attrs},
	}, metav1.CreateOptions{})
	return err == nil && r.Status.Allowed, err
}
