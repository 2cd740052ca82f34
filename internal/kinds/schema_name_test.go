package kinds

import (
	"strings"
	"testing"
)

// The name's description states the API's own limit when the kind declares
// one, and Kubernetes' otherwise.
func TestNameDocStatesTheKindsLimit(t *testing.T) {
	plain := &Kind{Kind: "Switch", Namespace: "default"}
	if doc := plain.nameDoc(); !strings.Contains(doc, "at most 253 characters") {
		t.Errorf("without a limit of its own: %s", doc)
	}
	short := &Kind{Kind: "VPC", Namespace: "default", NameMaxLength: 11}
	doc := short.nameDoc()
	if !strings.Contains(doc, "at most 11 characters (the VPC API's limit)") || strings.Contains(doc, "253") {
		t.Errorf("with a limit of 11: %s", doc)
	}
}
