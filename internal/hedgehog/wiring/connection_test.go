package wiring

import (
	"context"
	"fmt"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds/kindtest"
)

const (
	unbundled = `unbundled: {link: {server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/1}}}`
	eslag     = `eslag: {links: [{server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/1}},
  {server: {port: server-01/enp2s2}, switch: {port: leaf-02/E1/1}}]}`
	fabric = `fabric: {links: [{spine: {port: spine-01/E1/1, ip: 172.30.128.0/31}, leaf: {port: leaf-01/E1/1, ip: 172.30.128.1/31}}]}`
)

func TestConnectionRules(t *testing.T) {
	kindtest.CheckRules(t, Connection, []kindtest.Rule{
		{Name: "unbundled", Spec: unbundled},
		{Name: "eslag over two switches", Spec: eslag},
		{Name: "fabric link", Object: "spine-01--fabric--leaf-01", Spec: fabric},
		{Name: "unnumbered fabric link", Spec: `fabric: {links: [{spine: {port: spine-01/E1/1}, leaf: {port: leaf-01/E1/1}}]}`},
		{Name: "external", Spec: `external: {link: {switch: {port: leaf-01/E1/2}}}`},
		{Name: "no type", Spec: "{}", Want: "exactly one connection type must be used"},
		{Name: "two types: the API takes the first, the plan refuses", Spec: unbundled + "\nexternal: {link: {switch: {port: leaf-01/E1/2}}}",
			Want: "exactly one connection type must be used", Path: []any{"external"}, PlanOnly: true},
		{Name: "mclag is deprecated", Spec: `mclag: {links: [{server: {port: s/a}, switch: {port: l/b}}]}`,
			Want: "MCLAG is deprecated and no longer supported", Path: []any{"mclag"}, Warning: true},
		{Name: "mclag domain is deprecated", Spec: `mclagDomain: {peerLinks: [{switch1: {port: a/b}, switch2: {port: c/d}}]}`,
			Want: "MCLAG is deprecated and no longer supported", Path: []any{"mclagDomain"}, Warning: true},
		{Name: "port without a device", Spec: `unbundled: {link: {server: {port: server-01}, switch: {port: leaf-01/E1/1}}}`,
			Want: "invalid port name server-01", Path: []any{"unbundled", "link", "server", "port"}},
		{Name: "port with an empty part", Spec: `external: {link: {switch: {port: leaf-01/}}}`,
			Want: `invalid port name leaf-01/, should be "<device>/<port>" format`, Path: []any{"external", "link", "switch", "port"}},
		{Name: "bundled over two switches", Spec: `bundled: {links: [{server: {port: s-1/a}, switch: {port: l-1/E1/1}},
  {server: {port: s-1/b}, switch: {port: l-2/E1/1}}]}`,
			Want: "one switch must be used for bundled connection", Path: []any{"bundled", "links"}},
		{Name: "bundled port twice", Spec: `bundled: {links: [{server: {port: s-1/a}, switch: {port: l-1/E1/1}},
  {server: {port: s-1/a}, switch: {port: l-1/E1/2}}]}`,
			Want: "unique ports must be used for bundled connection", Path: []any{"bundled", "links"}},
		{Name: "eslag over two servers", Spec: `eslag: {links: [{server: {port: s-1/a}, switch: {port: l-1/E1/1}},
  {server: {port: s-2/a}, switch: {port: l-2/E1/1}}]}`,
			Want: "one server must be used for eslag connection", Path: []any{"eslag", "links"}},
		{Name: "fabric between three switches", Spec: `fabric: {links: [{spine: {port: s-1/E1/1}, leaf: {port: l-1/E1/1}},
  {spine: {port: s-1/E1/2}, leaf: {port: l-2/E1/1}}]}`,
			Want: "two switches must be used for fabric connection", Path: []any{"fabric", "links"}},
		{Name: "fabric link IP on one side", Object: "f1", Spec: `fabric: {links: [{spine: {port: s-1/E1/1, ip: 172.30.128.0/31}, leaf: {port: l-1/E1/1}}]}`,
			Want: "fabric connection f1 link 0 has an IP on only one side, it must be set on both for a numbered link or on neither " +
				"for an unnumbered one", Path: []any{"fabric", "links", 0, "leaf", "ip"}},
		{Name: "fabric link IP not a /31", Object: "f1", Spec: `fabric: {links: [{spine: {port: s-1/E1/1, ip: 172.30.128.0/30}, leaf: {port: l-1/E1/1, ip: 172.30.128.1/30}}]}`,
			Want: "fabric connection f1 link 0 spine IP 172.30.128.0/30 is not a /31", Path: []any{"fabric", "links", 0, "spine", "ip"}},
		{Name: "fabric link IP not CIDR", Object: "f1", Spec: `fabric: {links: [{spine: {port: s-1/E1/1, ip: 172.30.128.0}, leaf: {port: l-1/E1/1, ip: 172.30.128.1/31}}]}`,
			Want: `parsing fabric connection f1 link 0 spine IP 172.30.128.0: netip.ParsePrefix("172.30.128.0"): no '/'`,
			Path: []any{"fabric", "links", 0, "spine", "ip"}},
		{Name: "fabric link sides in two /31s", Object: "f1", Spec: `fabric: {links: [{spine: {port: s-1/E1/1, ip: 172.30.128.0/31}, leaf: {port: l-1/E1/1, ip: 172.30.128.3/31}}]}`,
			Want: "fabric connection f1 link 0 spine IP 172.30.128.0 and leaf IP 172.30.128.3 are not in the same subnet",
			Path: []any{"fabric", "links", 0, "leaf", "ip"}},
		{Name: "gateway links need both IPs", Object: "g", Spec: `gateway: {links: [{switch: {port: s-1/E1/1}, gateway: {port: gw-1/enp2s1}}]}`,
			Want: "gateway connection g link 0 is missing an IP, it must be set on both sides as unnumbered gateway links are not " +
				"supported yet", Path: []any{"gateway", "links", 0, "switch", "ip"}},
		{Name: "static external default route twice", Spec: `staticExternal: {link: {switch: {port: some/some, ip: 192.168.1.2/24,
  nextHop: 192.168.1.1, subnets: [0.0.0.0/0, 0.0.0.0/0]}}}`,
			Want: "default route should be the only subnet", Path: []any{"staticExternal", "link", "switch", "subnets", 0}},
		{Name: "static external next hop outside", Spec: `staticExternal: {link: {switch: {port: l/E1/1, ip: 192.168.1.2/24, nextHop: 192.168.2.1}}}`,
			Want: "next hop 192.168.2.1 is not in cidr 192.168.1.0/24", Path: []any{"staticExternal", "link", "switch", "nextHop"}},
		{Name: "static external host bits", Spec: `staticExternal: {link: {switch: {port: l/E1/1, ip: 192.168.1.2/24, nextHop: 192.168.1.1,
  subnets: [10.1.0.1/16]}}}`,
			Want: "invalid subnet 10.1.0.1/16: inconsistent IP address and mask", Path: []any{"staticExternal", "link", "switch", "subnets", 0}},
		{Name: "static external subnets overlap", Spec: `staticExternal: {link: {switch: {port: l/E1/1, ip: 192.168.1.2/24, nextHop: 192.168.1.1,
  subnets: [10.1.0.0/16, 10.1.2.0/24]}}}`,
			Want: "subnets overlap: subnets 10.1.0.0/16 and 10.1.2.0/24 overlap", Path: []any{"staticExternal", "link", "switch", "subnets"}},
		{Name: "static external IP not CIDR", Spec: `staticExternal: {link: {switch: {port: l/E1/1, ip: 192.168.1.2, nextHop: 192.168.1.1}}}`,
			Want: "failed to parse cidr 192.168.1.2: invalid CIDR address: 192.168.1.2", Path: []any{"staticExternal", "link", "switch", "ip"}},
	})
	unknownPort := map[string]any{"unbundled": map[string]any{"link": map[string]any{
		"server": map[string]any{"port": kinds.Unknown}, "switch": map[string]any{"port": "leaf-01/E1/1"}}}}
	if p := Connection.Check("c", unknownPort); len(p) > 0 {
		t.Errorf("unknown ports must not be checked: %+v", p)
	}
}

func TestConnectionEndpoints(t *testing.T) {
	for _, c := range []struct {
		spec               string
		typ                string
		switches, servers  string
		ports              int
		switchFieldPresent bool
	}{
		{unbundled, "unbundled", "[leaf-01]", "[server-01]", 2, true},
		{eslag, "eslag", "[leaf-01 leaf-02]", "[server-01]", 4, true},
		{fabric, "fabric", "[leaf-01 spine-01]", "[]", 2, true},
		{`gateway: {links: [{switch: {port: s-1/E1/1, ip: 172.30.128.0/31}, gateway: {port: gw-1/e1, ip: 172.30.128.1/31}}]}`,
			"gateway", "[s-1]", "[]", 2, true},
		{`vpcLoopback: {links: [{switch1: {port: l-1/E1/3}, switch2: {port: l-1/E1/4}}]}`, "vpc-loopback", "[l-1]", "[]", 2, true},
	} {
		e := ConnectionEndpoints(kindtest.Spec(t, c.spec))
		if e.Err != nil || e.Type != c.typ || fmt.Sprint(e.Switches) != c.switches || fmt.Sprint(e.Servers) != c.servers ||
			len(e.Ports) != c.ports {
			t.Errorf("%s: got %+v", c.typ, e)
		}
	}
}

// Changing which member is set replaces the connection; changing within the
// member does not.
func TestConnectionTypeChangeReplaces(t *testing.T) {
	prior := kindtest.Spec(t, unbundled)
	if got := Connection.RequiresReplace(prior, kindtest.Spec(t, unbundled)); len(got) != 0 {
		t.Errorf("same type: %v", got)
	}
	if got := Connection.RequiresReplace(prior, kindtest.Spec(t, `unbundled: {link: {server: {port: s/a}, switch: {port: l/b}}, mtu: 9000}`)); len(got) != 0 {
		t.Errorf("same type, other ports: %v", got)
	}
	bundled := kindtest.Spec(t, `bundled: {links: [{server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/1}}]}`)
	if got := Connection.RequiresReplace(prior, bundled); fmt.Sprint(got) != "[unbundled bundled]" {
		t.Errorf("type change: %v", got)
	}
}

// fakeLookup serves objects by kind and name.
type fakeLookup map[string]*unstructured.Unstructured

func (f fakeLookup) Get(_ context.Context, k *kinds.Kind, name string) (*unstructured.Unstructured, error) {
	if u, ok := f[k.Kind+"/"+name]; ok {
		return u, nil
	}
	return nil, apierrors.NewNotFound(schema.GroupResource{Group: k.Group, Resource: k.Plural}, name)
}

func (f fakeLookup) List(context.Context, *kinds.Kind) ([]*unstructured.Unstructured, error) {
	return nil, nil
}

func TestConnectionSwitches(t *testing.T) {
	l := fakeLookup{"Connection/c1": {Object: map[string]any{"spec": kindtest.Spec(t, eslag)}}}
	got, err := ConnectionSwitches(context.Background(), l, "c1")
	if err != nil || fmt.Sprint(got) != "[leaf-01 leaf-02]" {
		t.Errorf("got %v, %v", got, err)
	}
	if got, err := ConnectionSwitches(context.Background(), l, "gone"); err != nil || len(got) != 0 {
		t.Errorf("a connection that does not exist reaches no switch: %v, %v", got, err)
	}
}
