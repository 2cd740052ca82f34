// Package kindtest holds what the unit tests of the kind declarations
// (internal/hedgehog/...) and of the stand-in share: specs written in YAML,
// and tables of a kind's rules and defaults. Only tests import it.
package kindtest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Spec reads a spec written in YAML (tabs count as two spaces), with whole
// numbers as int64, as specs are at plan time and in the API server's
// objects. An empty text is an empty spec.
func Spec(t testing.TB, text string) map[string]any {
	t.Helper()
	raw, err := yaml.YAMLToJSON([]byte(strings.ReplaceAll(text, "\t", "  ")))
	if err != nil {
		t.Fatalf("bad YAML: %v", err)
	}
	out := map[string]any{}
	if string(raw) == "null" {
		return out
	}
	if err := utiljson.Unmarshal(raw, &out); err != nil {
		t.Fatalf("the YAML is not an object: %v", err)
	}
	return out
}

// Object reads a whole object written in YAML, numbers as int64 (as the API
// server decodes them).
func Object(t testing.TB, text string) *unstructured.Unstructured {
	t.Helper()
	return &unstructured.Unstructured{Object: Spec(t, text)}
}

// Rule is an object and what a kind's rules say of it: nothing (Want
// empty), or the first problem, its message, path and marks.
type Rule struct {
	Name     string // the subtest
	Object   string // metadata.name
	Spec     string // YAML
	Want     string
	Path     []any
	PlanOnly bool // a rule the provider adds at plan time; the API accepts the object
	Warning  bool // the API accepts it, with this warning
}

// CheckRules runs the kind's Check on each case, a subtest each.
func CheckRules(t *testing.T, k *kinds.Kind, cases []Rule) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			problems := k.Check(c.Object, Spec(t, c.Spec))
			if c.Want == "" {
				if len(problems) > 0 {
					t.Fatalf("want no problem, got %+v", problems)
				}
				return
			}
			if len(problems) == 0 {
				t.Fatalf("want %q, got no problem", c.Want)
			}
			p := problems[0]
			if p.Message != c.Want || fmt.Sprint(p.Path) != fmt.Sprint(c.Path) || p.PlanOnly != c.PlanOnly || p.Warning != c.Warning {
				t.Fatalf("got %q at %v (plan only %v, warning %v), want %q at %v (plan only %v, warning %v)", p.Message, p.Path,
					p.PlanOnly, p.Warning, c.Want, c.Path, c.PlanOnly, c.Warning)
			}
		})
	}
}

// Default is a request and the spec the API server stores for it.
type Default struct{ Name, Request, Stored string }

// CheckDefaults runs the kind's Default on each request, a subtest each: it
// must give what the API server stores, and give it again when run on its
// own result.
func CheckDefaults(t *testing.T, k *kinds.Kind, cases []Default) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got := Spec(t, c.Request)
			k.Default(got)
			gotJSON, _ := json.Marshal(got)
			wantJSON, _ := json.Marshal(Spec(t, c.Stored))
			if string(gotJSON) != string(wantJSON) {
				t.Fatalf("stored:\n got %s\nwant %s", gotJSON, wantJSON)
			}
			again := Spec(t, string(gotJSON))
			k.Default(again)
			if againJSON, _ := json.Marshal(again); string(againJSON) != string(gotJSON) {
				t.Fatalf("Default is not idempotent:\n once %s\ntwice %s", gotJSON, againJSON)
			}
		})
	}
}
