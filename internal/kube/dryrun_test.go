package kube

import (
	"context"
	"errors"
	"reflect"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func apiStatus(code int32, reason metav1.StatusReason, message string) error {
	return &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Code: code, Reason: reason,
		Message: message}}
}

// The fields strict field validation refused, in the API server's two
// forms (a create or update, and a server-side apply).
func TestUnknownFields(t *testing.T) {
	create := apiStatus(400, metav1.StatusReasonBadRequest,
		`Sprocket in version "v1" cannot be handled as a Sprocket: strict decoding error: unknown field "spec.color", unknown field "spec.ports.e1.mtu"`)
	if got := UnknownFields(create); !reflect.DeepEqual(got, []string{"spec.color", "spec.ports.e1.mtu"}) {
		t.Errorf("create: %v", got)
	}
	apply := apiStatus(500, "",
		`failed to create typed patch object (default/s; sprockets.example.com/v1, Kind=Sprocket): .spec.color: field not declared in schema`)
	if got := UnknownFields(apply); !reflect.DeepEqual(got, []string{"spec.color"}) {
		t.Errorf("apply: %v", got)
	}
	for _, err := range []error{
		apiStatus(422, metav1.StatusReasonInvalid, `Sprocket "s" is invalid: spec.size: Invalid value: 11`),
		errors.New(`unknown field "spec.color"`),
		nil,
	} {
		if got := UnknownFields(err); got != nil {
			t.Errorf("%v: %v", err, got)
		}
	}
}

// A missing namespace is not a missing kind nor a missing object; a webhook
// with side effects refuses dry runs; only answers the API server did not
// give are unanswered.
func TestDryRunRefusals(t *testing.T) {
	ns := apierrors.NewNotFound(schema.GroupResource{Resource: "namespaces"}, "acc-x")
	kind := apiStatus(404, metav1.StatusReasonNotFound, "the server could not find the requested resource")
	if !IsNamespaceNotFound(ns) || IsNamespaceNotFound(kind) || IsKindNotFound(ns) {
		t.Error("a missing namespace is not told apart")
	}
	sideEffects := apiStatus(400, metav1.StatusReasonBadRequest, `admission webhook "x.example.com" does not support dry run`)
	if !IsDryRunUnsupported(sideEffects) || IsDryRunUnsupported(kind) {
		t.Error("a webhook without dry run is not told")
	}
	for err, want := range map[error]bool{
		errors.New("dial tcp 127.0.0.1:1: connect: connection refused"): true,
		context.DeadlineExceeded:                                                   true,
		apiStatus(503, metav1.StatusReasonServiceUnavailable, ""):                  true,
		apiStatus(500, metav1.StatusReasonInternalError, "failed calling webhook"): false,
		apiStatus(403, metav1.StatusReasonForbidden, "forbidden"):                  false,
	} {
		if IsUnanswered(err) != want {
			t.Errorf("IsUnanswered(%v) != %v", err, want)
		}
	}
	if IsUnanswered(nil) {
		t.Error("no error is unanswered")
	}
	who, why, ok := AdmissionRefusal(apiStatus(403, metav1.StatusReasonForbidden,
		`admission webhook "validate.example.com" denied the request: failed to validate vpc: vlan 100 is already used by other VPC`))
	if !ok || who != `the admission webhook "validate.example.com"` || why != "failed to validate vpc: vlan 100 is already used by other VPC" {
		t.Errorf("AdmissionRefusal = %q %q %v", who, why, ok)
	}
}
