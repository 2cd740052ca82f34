package rbac

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

var testFabric = schema.GroupResource{Group: "fabric.example.com", Resource: "fabrics"}

// TestPresetsStayNarrow: no preset names a whole group, every resource,
// every verb, Secrets, or deletecollection; viewers only read; status is
// only ever read.
func TestPresetsStayNarrow(t *testing.T) {
	for _, p := range Presets {
		for _, r := range p.Rules(testFabric) {
			for _, v := range slices.Concat(r.APIGroups, r.Resources, r.Verbs) {
				if strings.Contains(v, "*") {
					t.Errorf("%s: a wildcard in %+v", p.Name, r)
				}
			}
			if slices.Contains(r.APIGroups, "") || slices.ContainsFunc(r.Resources, func(s string) bool { return strings.HasPrefix(s, "secrets") }) {
				t.Errorf("%s: the core group or Secrets in %+v", p.Name, r)
			}
			if slices.Contains(r.Verbs, "deletecollection") || slices.Contains(r.Verbs, "escalate") || slices.Contains(r.Verbs, "bind") {
				t.Errorf("%s: a verb no preset needs in %+v", p.Name, r)
			}
			for _, res := range r.Resources {
				if strings.HasSuffix(res, "/status") && !slices.Equal(r.Verbs, []string{"get"}) {
					t.Errorf("%s: status with %v, want only get", p.Name, r.Verbs)
				}
			}
			if p.Name == PresetViewer && !strings.HasSuffix(r.Resources[0], "/status") && !slices.Equal(r.Verbs, ViewVerbs) {
				t.Errorf("viewer: %v on %v", r.Verbs, r.Resources)
			}
		}
	}
}

// TestPresetFabricDesign: the design's Fabric kind as configured, and
// nothing of Hedgehog's.
func TestPresetFabricDesign(t *testing.T) {
	p, ok := PresetNamed(PresetFabricDesign)
	if !ok || p.Name != DefaultPreset {
		t.Fatalf("fabric-design is not the default preset")
	}
	rules := p.Rules(testFabric)
	if len(rules) != 2 || rules[0].APIGroups[0] != "fabric.example.com" || !slices.Equal(rules[0].Resources, []string{"fabrics"}) ||
		!slices.Equal(rules[0].Verbs, EditVerbs) || !slices.Equal(rules[1].Resources, []string{"fabrics/status"}) {
		t.Fatalf("rules: %+v", rules)
	}
	if p.ObjectsNamespace("netbox") != "netbox" {
		t.Fatal("fabric-design's objects live in the setup's namespace")
	}
	if v, _ := PresetNamed(PresetVPCEditor); v.ObjectsNamespace("netbox") != "default" {
		t.Fatal("Hedgehog's objects live in default")
	}
}

func TestPresetsMarkdown(t *testing.T) {
	md := PresetsMarkdown(testFabric)
	for _, want := range []string{
		"| `fabric-design` | `fabric.example.com` | `fabrics` | `create`, `delete`, `get`, `list`, `patch`, `update`, `watch` |",
		"|  | `fabric.example.com` | `fabrics/status` | `get` |",
		"| `viewer` | `wiring.githedgehog.com` |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the table lacks %q:\n%s", want, md)
		}
	}
	rows := 0
	for _, p := range Presets {
		rows += len(p.Rules(testFabric))
	}
	if got := strings.Count(md, "\n") - 2; got != rows {
		t.Errorf("%d rows, want one per rule (%d)", got, rows)
	}
}

func jwt(t *testing.T, claims map[string]any) string {
	t.Helper()
	raw, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc(raw) + ".c2ln"
}

func TestReadClaims(t *testing.T) {
	bound := jwt(t, map[string]any{"sub": "system:serviceaccount:ns:sa", "aud": []string{"https://kubernetes.default.svc"},
		"iat": 1700000000, "exp": 1700003600, "kubernetes.io": map[string]any{"serviceaccount": map[string]any{"uid": "u-1"}}})
	c, err := ReadClaims(bound)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "system:serviceaccount:ns:sa" || c.ServiceAccountUID != "u-1" || c.Expires.Sub(c.IssuedAt) != time.Hour ||
		!slices.Equal(c.Audiences, []string{"https://kubernetes.default.svc"}) {
		t.Fatalf("%+v", c)
	}
	legacy := jwt(t, map[string]any{"sub": "system:serviceaccount:ns:sa", "aud": "api",
		"kubernetes.io/serviceaccount/service-account.uid": "u-2"})
	c, err = ReadClaims(legacy)
	if err != nil || c.ServiceAccountUID != "u-2" || !c.Expires.IsZero() || !slices.Equal(c.Audiences, []string{"api"}) {
		t.Fatalf("legacy: %+v, %v", c, err)
	}
	for _, bad := range []string{"", "a.b", "a.!!.c", "a." + base64.RawURLEncoding.EncodeToString([]byte("[")) + ".c"} {
		if _, err := ReadClaims(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
