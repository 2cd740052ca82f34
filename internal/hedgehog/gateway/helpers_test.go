package gateway

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// spec reads a spec written in YAML, whole numbers as int64 (as specs are
// at plan time and in the API server's objects).
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
	if out == nil {
		out = map[string]any{}
	}
	m, _ := wholeNumbers(out).(map[string]any)
	return m
}

func wholeNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = wholeNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = wholeNumbers(e)
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

// rule is an object and what the rules say of it: nothing (want empty), or
// the first problem's message and path.
type rule struct {
	name, object, spec, want string
	path                     []any
}

func checkRules(t *testing.T, k *kinds.Kind, cases []rule) {
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
			if p := problems[0]; p.Message != c.want || fmt.Sprint(p.Path) != fmt.Sprint(c.path) {
				t.Fatalf("got %q at %v, want %q at %v", p.Message, p.Path, c.want, c.path)
			}
		})
	}
}

// stored is a request and the spec the webhook stores for it.
type stored struct{ name, request, want string }

func checkDefaults(t *testing.T, k *kinds.Kind, cases []stored) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := spec(t, c.request)
			k.Default(got)
			gotJSON, _ := json.Marshal(got)
			wantJSON, _ := json.Marshal(spec(t, c.want))
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
