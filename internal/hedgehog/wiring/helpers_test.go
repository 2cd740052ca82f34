package wiring

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// spec reads a spec written in YAML, with whole numbers as int64 (as specs
// are at plan time and in the API server's objects).
func spec(t *testing.T, text string) map[string]any {
	t.Helper()
	raw, err := yaml.YAMLToJSON([]byte(strings.ReplaceAll(text, "\t", "  ")))
	if err != nil {
		t.Fatalf("bad YAML: %v", err)
	}
	d := json.NewDecoder(strings.NewReader(string(raw)))
	d.UseNumber()
	var out map[string]any
	if err := d.Decode(&out); err != nil {
		t.Fatal(err)
	}
	m, _ := ints(out).(map[string]any)
	return m
}

func ints(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = ints(e)
		}
	case []any:
		for i, e := range x {
			x[i] = ints(e)
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	}
	return v
}

// ruleCase is one object and what the rules say of it: no problem (want
// empty), or the first problem's message and path.
type ruleCase struct {
	name     string
	object   string // metadata.name
	spec     string
	want     string
	path     []any
	planOnly bool
	warning  bool // the API accepts it, with this warning
}

func runRules(t *testing.T, k *kinds.Kind, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			problems := k.Check(c.object, spec(t, c.spec))
			if c.want == "" {
				if len(problems) > 0 {
					t.Fatalf("want no problem, got %+v", problems)
				}
				return
			}
			if len(problems) == 0 {
				t.Fatalf("want %q, got no problem", c.want)
			}
			p := problems[0]
			if p.Message != c.want || fmt.Sprint(p.Path) != fmt.Sprint(c.path) || p.PlanOnly != c.planOnly || p.Warning != c.warning {
				t.Fatalf("got %q at %v (plan only %v, warning %v), want %q at %v (plan only %v, warning %v)", p.Message, p.Path,
					p.PlanOnly, p.Warning, c.want, c.path, c.planOnly, c.warning)
			}
		})
	}
}

// defaultCase is a request and what the webhook stores for it.
type defaultCase struct{ name, request, stored string }

func runDefaults(t *testing.T, k *kinds.Kind, cases []defaultCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := spec(t, c.request)
			k.Default(got)
			want := spec(t, c.stored)
			gotJSON, _ := json.Marshal(got)
			wantJSON, _ := json.Marshal(want)
			if string(gotJSON) != string(wantJSON) {
				t.Fatalf("stored:\n got %s\nwant %s", gotJSON, wantJSON)
			}
			again := spec(t, string(gotJSON))
			k.Default(again)
			if againJSON, _ := json.Marshal(again); string(againJSON) != string(gotJSON) {
				t.Fatalf("Default is not idempotent:\n once %s\ntwice %s", gotJSON, againJSON)
			}
		})
	}
}
