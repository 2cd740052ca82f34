package rbac

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// ForeignObjectsError: the namespace to delete holds objects the setup did
// not create; nothing was deleted.
type ForeignObjectsError struct {
	Namespace string
	Objects   []string // "<Kind> <name>", sorted
}

func (e *ForeignObjectsError) Error() string {
	return fmt.Sprintf("the namespace %q holds objects this setup did not create: %s", e.Namespace, strings.Join(e.Objects, ", "))
}

// ForeignCheckError: the check for foreign objects failed; nothing was
// deleted.
type ForeignCheckError struct{ Err error }

func (e *ForeignCheckError) Error() string {
	return "cannot list what the namespace holds: " + e.Err.Error()
}
func (e *ForeignCheckError) Unwrap() error { return e.Err }

// NamespaceNotGoneError: the namespace was deleted but still terminates
// after Timeout.
type NamespaceNotGoneError struct{ Err error }

func (e *NamespaceNotGoneError) Error() string {
	return "the namespace is still terminating: " + e.Err.Error()
}
func (e *NamespaceNotGoneError) Unwrap() error { return e.Err }

// Destroy deletes the parts, the binding first. With deleteNamespace it
// deletes the namespace too and waits until it is gone — after checking,
// unless force, that it holds nothing but the objects whose UIDs are ours and
// what Kubernetes puts in every namespace.
func (s *Setup) Destroy(ctx context.Context, ours []string, deleteNamespace, force bool) error {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	if deleteNamespace && !force {
		others, err := s.foreignObjects(ctx, ours)
		if err != nil {
			return &ForeignCheckError{Err: err}
		}
		if len(others) > 0 {
			return &ForeignObjectsError{Namespace: s.Namespace, Objects: others}
		}
	}
	core, rbac := s.Client.Typed.CoreV1(), s.Client.Typed.RbacV1()
	opts := metav1.DeleteOptions{}
	type step struct {
		kind, resource, namespace, name string
		del                             func() error
	}
	var steps []step
	add := func(kind, resource, namespace, name string, del func() error) {
		steps = append(steps, step{kind, resource, namespace, name, del})
	}
	if s.Scope == ScopeCluster {
		add("ClusterRoleBinding", "clusterrolebindings.rbac.authorization.k8s.io", "", s.Role,
			func() error { return rbac.ClusterRoleBindings().Delete(ctx, s.Role, opts) })
		add("ClusterRole", "clusterroles.rbac.authorization.k8s.io", "", s.Role,
			func() error { return rbac.ClusterRoles().Delete(ctx, s.Role, opts) })
	} else {
		ns := s.RoleNS()
		add("RoleBinding", "rolebindings.rbac.authorization.k8s.io", ns, s.Role,
			func() error { return rbac.RoleBindings(ns).Delete(ctx, s.Role, opts) })
		add("Role", "roles.rbac.authorization.k8s.io", ns, s.Role,
			func() error { return rbac.Roles(ns).Delete(ctx, s.Role, opts) })
	}
	if s.TokenType == TokenSecret {
		add("Secret", "secrets", s.Namespace, s.SecretName(),
			func() error { return core.Secrets(s.Namespace).Delete(ctx, s.SecretName(), opts) })
	}
	add("ServiceAccount", "serviceaccounts", s.Namespace, s.ServiceAccount,
		func() error { return core.ServiceAccounts(s.Namespace).Delete(ctx, s.ServiceAccount, opts) })
	if deleteNamespace {
		add("Namespace", "namespaces", "", s.Namespace, func() error { return core.Namespaces().Delete(ctx, s.Namespace, opts) })
	}
	for _, st := range steps {
		if err := st.del(); err != nil && !apierrors.IsNotFound(err) {
			return apiError(err, "delete", st.kind, st.resource, st.namespace, st.name)
		}
	}
	if !deleteNamespace {
		return nil
	}
	api := s.Client.Objects(schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}, "Namespace", "")
	if _, err := api.WaitFor(ctx, "", s.Namespace, func(u *unstructured.Unstructured) (bool, error) { return u == nil, nil }); err != nil {
		return &NamespaceNotGoneError{Err: err}
	}
	return nil
}

// foreignObjects lists what lives in the namespace besides the objects whose
// UIDs are ours and what Kubernetes puts in every namespace.
func (s *Setup) foreignObjects(ctx context.Context, ours []string) ([]string, error) {
	lists, err := s.Client.Typed.Discovery().ServerPreferredNamespacedResources()
	if err != nil && len(lists) == 0 {
		return nil, err
	}
	var out []string
	for _, list := range lists {
		gv, err := schema.ParseGroupVersion(list.GroupVersion)
		if err != nil {
			continue
		}
		for _, res := range list.APIResources {
			if !slices.Contains(res.Verbs, "list") || res.Name == "events" || strings.Contains(res.Name, "/") {
				continue
			}
			items, err := s.Client.Metadata.Resource(gv.WithResource(res.Name)).Namespace(s.Namespace).List(ctx, metav1.ListOptions{})
			if err != nil {
				return nil, fmt.Errorf("listing %s: %w", res.Name, err)
			}
			for _, it := range items.Items {
				if !slices.Contains(ours, string(it.UID)) && !builtIn(res.Name, it.Name) {
					out = append(out, fmt.Sprintf("%s %s", res.Kind, it.Name))
				}
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// builtIn tells the objects Kubernetes puts in every namespace.
func builtIn(resource, name string) bool {
	return resource == "serviceaccounts" && name == "default" || resource == "configmaps" && name == "kube-root-ca.crt"
}
