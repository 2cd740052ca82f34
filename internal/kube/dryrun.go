package kube

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Dry runs: the same requests as Create, Apply and Delete, with dryRun=All.
// The API server runs them through admission (Hedgehog's webhooks declare
// sideEffects None, so they are called) and validation, and stores nothing.
// The snapshot is left alone: nothing changed.

// DryRunCreate sends obj's create as a dry run and returns the object the
// API server would store. It is one POST, never repeated after a lost answer
// (post repeats the real one after a look): a plan does not wait for it.
func (o *Objects) DryRunCreate(ctx context.Context, obj *unstructured.Unstructured, fieldManager string) (*unstructured.Unstructured, error) {
	return o.api(obj.GetNamespace()).Create(ctx, obj, createOptions(fieldManager, dryRunAll))
}

// DryRunApply sends obj's server-side apply as a dry run and returns the
// object the API server would store.
func (o *Objects) DryRunApply(ctx context.Context, obj *unstructured.Unstructured, fieldManager string, force bool) (*unstructured.Unstructured, error) {
	return o.apply(ctx, obj, fieldManager, force, dryRunAll)
}

// DryRunDelete sends the object's DELETE as a dry run. An object that is
// gone already is no error.
func (o *Objects) DryRunDelete(ctx context.Context, namespace, name string) error {
	res, err := o.delete(ctx, namespace, name, dryRunAll)
	if err == nil {
		err = res.Error()
	}
	if IsObjectNotFound(err) {
		return nil
	}
	return err
}

// IsNamespaceNotFound tells a write refused because its namespace does not
// exist (yet).
func IsNamespaceNotFound(err error) bool {
	var status apierrors.APIStatus
	if !errors.As(err, &status) || status.Status().Code != http.StatusNotFound {
		return false
	}
	d := status.Status().Details
	return d != nil && d.Kind == "namespaces"
}

// IsDryRunUnsupported tells a dry run refused because an admission webhook
// that would be called declares side effects.
func IsDryRunUnsupported(err error) bool {
	var status apierrors.APIStatus
	return errors.As(err, &status) && status.Status().Code == http.StatusBadRequest &&
		strings.Contains(status.Status().Message, "does not support dry run")
}

// IsUnanswered tells a request that got no answer from the API server
// itself: no connection, no answer in time, or a gateway in front of it
// that found it unavailable.
func IsUnanswered(err error) bool {
	if err == nil {
		return false
	}
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		code := status.Status().Code
		return code == http.StatusBadGateway || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout
	}
	return true
}

// unknownField matches the fields that strict field validation refused:
// `unknown field "spec.x"` (a create or update of a custom resource) and
// `.spec.x: field not declared in schema` (a server-side apply).
var unknownField = regexp.MustCompile(`unknown field "([^"]+)"|\.([A-Za-z0-9_.\[\]-]+): field not declared in schema`)

// UnknownFields lists the fields (such as spec.portLocators) that the API
// server refused under strict field validation because the served schema
// does not have them; none when err is another error.
func UnknownFields(err error) []string {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return nil
	}
	// A create or update says 400; a server-side apply says 500 (its typed
	// patch cannot be built).
	st := status.Status()
	if st.Code != http.StatusBadRequest && st.Code != http.StatusUnprocessableEntity && st.Code != http.StatusInternalServerError {
		return nil
	}
	texts := []string{st.Message}
	if st.Details != nil {
		for _, c := range st.Details.Causes {
			texts = append(texts, c.Field+": "+c.Message, c.Message)
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, t := range texts {
		for _, m := range unknownField.FindAllStringSubmatch(t, -1) {
			f := m[1] + m[2]
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}
