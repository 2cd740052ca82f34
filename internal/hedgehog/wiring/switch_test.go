package wiring

import (
	"strings"
	"testing"
	"time"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds/kindtest"
)

const leaf = `role: server-leaf
profile: vs
asn: 65101
ip: 172.30.0.8/21
vtepIP: 172.30.12.0/32
protocolIP: 172.30.8.2/32
`

func TestSwitchRules(t *testing.T) {
	kindtest.CheckRules(t, Switch, []kindtest.Rule{
		{Name: "hydrated leaf", Object: "leaf-01", Spec: leaf},
		{Name: "leaf with ESLAG, SPEED_ port speed, empty link-flap settings", Object: "leaf-01",
			Spec: leaf + "redundancy: {group: eslag-1, type: eslag}\nportSpeeds: {E1/1: SPEED_25GB}\nlinkFlapErrDisable: {}"},
		{Name: "spine with a VTEP IP", Object: "spine-01",
			Spec: "role: spine\nprofile: vs\nasn: 65101\nip: 172.30.0.8/21\nvtepIP: 172.30.12.0/32\nprotocolIP: 172.30.8.2/32",
			Want: "VTEP IP is not allowed for spine switches", Path: []any{"vtepIP"}},
		{Name: "redundancy group without type", Object: "leaf-01", Spec: leaf + "redundancy: {group: eslag-1}",
			Want: "redundancy group specified without type", Path: []any{"redundancy", "group"}},
		{Name: "redundancy type without group", Object: "leaf-01", Spec: leaf + "redundancy: {type: eslag}",
			Want: "redundancy type specified without group", Path: []any{"redundancy", "type"}},
		{Name: "mclag is deprecated", Object: "leaf-01", Spec: leaf + "redundancy: {group: m, type: mclag}",
			Want: "MCLAG is deprecated and no longer supported", Path: []any{"redundancy", "type"}, Warning: true},
		{Name: "management IP without prefix length", Object: "leaf-01", Spec: strings.Replace(leaf, "172.30.0.8/21", "172.30.0.8", 1),
			Want: `failed hydration validation: parsing switch leaf-01 IP 172.30.0.8: netip.ParsePrefix("172.30.0.8"): no '/'`,
			Path: []any{"ip"}},
		{Name: "protocol IP not a /32", Object: "leaf-01", Spec: strings.Replace(leaf, "172.30.8.2/32", "172.30.8.2/24", 1),
			Want: "failed hydration validation: switch leaf-01 protocol IP 172.30.8.2/24 must be a /32", Path: []any{"protocolIP"}},
		{Name: "VTEP IP not a /32", Object: "leaf-01", Spec: strings.Replace(leaf, "172.30.12.0/32", "172.30.12.0/22", 1),
			Want: "failed hydration validation: switch leaf-01 VTEP IP 172.30.12.0/22 must be a /32", Path: []any{"vtepIP"}},
		{Name: "bad port locator", Object: "leaf-01", Spec: leaf + "portLocators: {E1/1: soon}",
			Want: `invalid port locator expire "soon" for port E1/1: expected an empty value, a duration such as 10m or an exact ` +
				`UTC time in the "2006-01-02 15:04:05" format: parsing time "soon" as "2006-01-02 15:04:05": cannot parse "soon" as "2006"`,
			Path: []any{"portLocators", "E1/1"}},
	})
}

func TestSwitchDefaults(t *testing.T) {
	kindtest.CheckDefaults(t, Switch, []kindtest.Default{
		{Name: "hydrated leaf, nothing optional given", Request: leaf,
			Stored: leaf + "boot: {}\necmp: {}\nredundancy: {}\nvlanNamespaces: [default]"},
		{Name: "groups and namespaces sorted, redundancy group added, SPEED_ dropped, link-flap defaults",
			Request: leaf + `groups: [zz, aa]
vlanNamespaces: [ns-b, ns-a]
redundancy: {group: eslag-1, type: eslag}
portSpeeds: {E1/1: SPEED_25GB}
portGroupSpeeds: {"1": SPEED_10GB}
linkFlapErrDisable: {flapThreshold: 5}`,
			Stored: leaf + `boot: {}
ecmp: {}
groups: [aa, eslag-1, zz]
vlanNamespaces: [ns-a, ns-b]
redundancy: {group: eslag-1, type: eslag}
portSpeeds: {E1/1: 25GB}
portGroupSpeeds: {"1": 10GB}
linkFlapErrDisable: {flapThreshold: 5, samplingInterval: 30, recoveryInterval: 300}`},
		{Name: "empty link-flap settings", Request: leaf + "linkFlapErrDisable: {}",
			Stored: leaf + "boot: {}\necmp: {}\nredundancy: {}\nvlanNamespaces: [default]\n" +
				"linkFlapErrDisable: {flapThreshold: 3, samplingInterval: 30, recoveryInterval: 300}"},
	})
}

func TestPortLocators(t *testing.T) {
	now := time.Date(2026, 8, 5, 18, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in, want string
		live     bool
	}{
		{"", "2026-08-05 18:05:00", true},
		{"10m", "2026-08-05 18:10:00", true},
		{"1h", "2026-08-05 18:20:00", true}, // at most 20 minutes
		{"2026-08-05 18:12:30", "2026-08-05 18:12:30", true},
		{"2026-08-05 17:00:00", "", false}, // expired
	} {
		live, got, err := NormalizePortLocator(c.in, now)
		if err != nil || live != c.live || got != c.want {
			t.Errorf("%q: got %v %q %v, want %v %q", c.in, live, got, err, c.live, c.want)
		}
	}
	// "*" stands for every port and replaces the others.
	s := kindtest.Spec(t, leaf+`portLocators: {"*": "", E1/1: 10m}`)
	Switch.Default(s)
	locators, _ := s["portLocators"].(map[string]any)
	if _, ok := locators["*"]; !ok || len(locators) != 1 {
		t.Errorf("port locators: %v", locators)
	}
}
