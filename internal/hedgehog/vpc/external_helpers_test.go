package vpc

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// extSpec reads a spec written in YAML, with whole numbers as int64 (as
// specs are at plan time and in the API server's objects).
func extSpec(t *testing.T, text string) map[string]any {
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
	m, _ := extInts(out).(map[string]any)
	return m
}

func extInts(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = extInts(e)
		}
	case []any:
		for i, e := range x {
			x[i] = extInts(e)
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

// extRule is one object and what the rules say of it: no problem (want
// empty), or the first problem's message and path.
type extRule struct {
	name   string
	object string // metadata.name
	spec   string
	want   string
	path   []any
}

func runExtRules(t *testing.T, k *kinds.Kind, cases []extRule) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			problems := k.Check(c.object, extSpec(t, c.spec))
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
			if p.Message != c.want || fmt.Sprint(p.Path) != fmt.Sprint(c.path) || p.PlanOnly {
				t.Fatalf("got %q at %v (plan only %v), want %q at %v", p.Message, p.Path, p.PlanOnly, c.want, c.path)
			}
		})
	}
}

// runExtDefaults checks that Default turns each request into what the
// webhook stores, and that it is idempotent.
func runExtDefaults(t *testing.T, k *kinds.Kind, cases [][3]string) {
	t.Helper()
	for _, c := range cases {
		t.Run(c[0], func(t *testing.T) {
			got := extSpec(t, c[1])
			k.Default(got)
			gotJSON, _ := json.Marshal(got)
			wantJSON, _ := json.Marshal(extSpec(t, c[2]))
			if string(gotJSON) != string(wantJSON) {
				t.Fatalf("stored:\n got %s\nwant %s", gotJSON, wantJSON)
			}
			again := extSpec(t, string(gotJSON))
			k.Default(again)
			if againJSON, _ := json.Marshal(again); string(againJSON) != string(gotJSON) {
				t.Fatalf("Default is not idempotent:\n once %s\ntwice %s", gotJSON, againJSON)
			}
		})
	}
}
