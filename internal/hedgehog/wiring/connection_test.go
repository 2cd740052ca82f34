package wiring

import (
	"context"
	"fmt"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

const (
	unbundled = `unbundled: {link: {server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/1}}}`
	eslag     = `eslag: {links: [{server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/1}},
  {server: {port: server-01/enp2s2}, switch: {port: leaf-02/E1/1}}]}`
	fabric = `fabric: {links: [{spine: {port: spine-01/E1/1, ip: 172.30.128.0/31}, leaf: {port: leaf-01/E1/1, ip: 172.30.128.1/31}}]}`
)

func TestConnectionRules(t *testing.T) {
	runRules(t, Connection, []ruleCase{
		{name: "unbundled", spec: unbundled},
		{name: "eslag over two switches", spec: eslag},
		{name: "fabric link", object: "spine-01--fabric--leaf-01", spec: fabric},
		{name: "unnumbered fabric link", spec: `fabric: {links: [{spine: {port: spine-01/E1/1}, leaf: {port: leaf-01/E1/1}}]}`},
		{name: "external", spec: `external: {link: {switch: {port: leaf-01/E1/2}}}`},
		{name: "no type", spec: "{}", want: "exactly one connection type must be used"},
		{name: "two types: the API takes the first, the plan refuses", spec: unbundled + "\nexternal: {link: {switch: {port: leaf-01/E1/2}}}",
			want: "exactly one connection type must be used", path: []any{"external"}, planOnly: true},
		{name: "mclag is deprecated", spec: `mclag: {links: [{server: {port: s/a}, switch: {port: l/b}}]}`,
			want: "MCLAG is deprecated and no longer supported", path: []any{"mclag"}, warning: true},
		{name: "mclag domain is deprecated", spec: `mclagDomain: {peerLinks: [{switch1: {port: a/b}, switch2: {port: c/d}}]}`,
			want: "MCLAG is deprecated and no longer supported", path: []any{"mclagDomain"}, warning: true},
		{name: "port without a device", spec: `unbundled: {link: {server: {port: server-01}, switch: {port: leaf-01/E1/1}}}`,
			want: "invalid port name server-01", path: []any{"unbundled", "link", "server", "port"}},
		{name: "port with an empty part", spec: `external: {link: {switch: {port: leaf-01/}}}`,
			want: `invalid port name leaf-01/, should be "<device>/<port>" format`, path: []any{"external", "link", "switch", "port"}},
		{name: "bundled over two switches", spec: `bundled: {links: [{server: {port: s-1/a}, switch: {port: l-1/E1/1}},
  {server: {port: s-1/b}, switch: {port: l-2/E1/1}}]}`,
			want: "one switch must be used for bundled connection", path: []any{"bundled", "links"}},
		{name: "bundled port twice", spec: `bundled: {links: [{server: {port: s-1/a}, switch: {port: l-1/E1/1}},
  {server: {port: s-1/a}, switch: {port: l-1/E1/2}}]}`,
			want: "unique ports must be used for bundled connection", path: []any{"bundled", "links"}},
		{name: "eslag over two servers", spec: `eslag: {links: [{server: {port: s-1/a}, switch: {port: l-1/E1/1}},
  {server: {port: s-2/a}, switch: {port: l-2/E1/1}}]}`,
			want: "one server must be used for eslag connection", path: []any{"eslag", "links"}},
		{name: "fabric between three switches", spec: `fabric: {links: [{spine: {port: s-1/E1/1}, leaf: {port: l-1/E1/1}},
  {spine: {port: s-1/E1/2}, leaf: {port: l-2/E1/1}}]}`,
			want: "two switches must be used for fabric connection", path: []any{"fabric", "links"}},
		{name: "fabric link IP on one side", object: "f1", spec: `fabric: {links: [{spine: {port: s-1/E1/1, ip: 172.30.128.0/31}, leaf: {port: l-1/E1/1}}]}`,
			want: "fabric connection f1 link 0 has an IP on only one side, it must be set on both for a numbered link or on neither " +
				"for an unnumbered one", path: []any{"fabric", "links", 0, "leaf", "ip"}},
		{name: "fabric link IP not a /31", object: "f1", spec: `fabric: {links: [{spine: {port: s-1/E1/1, ip: 172.30.128.0/30}, leaf: {port: l-1/E1/1, ip: 172.30.128.1/30}}]}`,
			want: "fabric connection f1 link 0 spine IP 172.30.128.0/30 is not a /31", path: []any{"fabric", "links", 0, "spine", "ip"}},
		{name: "fabric link IP not CIDR", object: "f1", spec: `fabric: {links: [{spine: {port: s-1/E1/1, ip: 172.30.128.0}, leaf: {port: l-1/E1/1, ip: 172.30.128.1/31}}]}`,
			want: `parsing fabric connection f1 link 0 spine IP 172.30.128.0: netip.ParsePrefix("172.30.128.0"): no '/'`,
			path: []any{"fabric", "links", 0, "spine", "ip"}},
		{name: "fabric link sides in two /31s", object: "f1", spec: `fabric: {links: [{spine: {port: s-1/E1/1, ip: 172.30.128.0/31}, leaf: {port: l-1/E1/1, ip: 172.30.128.3/31}}]}`,
			want: "fabric connection f1 link 0 spine IP 172.30.128.0 and leaf IP 172.30.128.3 are not in the same subnet",
			path: []any{"fabric", "links", 0, "leaf", "ip"}},
		{name: "gateway links need both IPs", object: "g", spec: `gateway: {links: [{switch: {port: s-1/E1/1}, gateway: {port: gw-1/enp2s1}}]}`,
			want: "gateway connection g link 0 is missing an IP, it must be set on both sides as unnumbered gateway links are not " +
				"supported yet", path: []any{"gateway", "links", 0, "switch", "ip"}},
		{name: "static external default route twice", spec: `staticExternal: {link: {switch: {port: some/some, ip: 192.168.1.2/24,
  nextHop: 192.168.1.1, subnets: [0.0.0.0/0, 0.0.0.0/0]}}}`,
			want: "default route should be the only subnet", path: []any{"staticExternal", "link", "switch", "subnets", 0}},
		{name: "static external next hop outside", spec: `staticExternal: {link: {switch: {port: l/E1/1, ip: 192.168.1.2/24, nextHop: 192.168.2.1}}}`,
			want: "next hop 192.168.2.1 is not in cidr 192.168.1.0/24", path: []any{"staticExternal", "link", "switch", "nextHop"}},
		{name: "static external host bits", spec: `staticExternal: {link: {switch: {port: l/E1/1, ip: 192.168.1.2/24, nextHop: 192.168.1.1,
  subnets: [10.1.0.1/16]}}}`,
			want: "invalid subnet 10.1.0.1/16: inconsistent IP address and mask", path: []any{"staticExternal", "link", "switch", "subnets", 0}},
		{name: "static external subnets overlap", spec: `staticExternal: {link: {switch: {port: l/E1/1, ip: 192.168.1.2/24, nextHop: 192.168.1.1,
  subnets: [10.1.0.0/16, 10.1.2.0/24]}}}`,
			want: "subnets overlap: subnets 10.1.0.0/16 and 10.1.2.0/24 overlap", path: []any{"staticExternal", "link", "switch", "subnets"}},
		{name: "static external IP not CIDR", spec: `staticExternal: {link: {switch: {port: l/E1/1, ip: 192.168.1.2, nextHop: 192.168.1.1}}}`,
			want: "failed to parse cidr 192.168.1.2: invalid CIDR address: 192.168.1.2", path: []any{"staticExternal", "link", "switch", "ip"}},
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
		e := ConnectionEndpoints(spec(t, c.spec))
		if e.Err != nil || e.Type != c.typ || fmt.Sprint(e.Switches) != c.switches || fmt.Sprint(e.Servers) != c.servers ||
			len(e.Ports) != c.ports {
			t.Errorf("%s: got %+v", c.typ, e)
		}
	}
}

// Changing which member is set replaces the connection; changing within the
// member does not.
func TestConnectionTypeChangeReplaces(t *testing.T) {
	prior := spec(t, unbundled)
	if got := Connection.RequiresReplace(prior, spec(t, unbundled)); len(got) != 0 {
		t.Errorf("same type: %v", got)
	}
	if got := Connection.RequiresReplace(prior, spec(t, `unbundled: {link: {server: {port: s/a}, switch: {port: l/b}}, mtu: 9000}`)); len(got) != 0 {
		t.Errorf("same type, other ports: %v", got)
	}
	bundled := spec(t, `bundled: {links: [{server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/1}}]}`)
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
	l := fakeLookup{"Connection/c1": {Object: map[string]any{"spec": spec(t, eslag)}}}
	got, err := ConnectionSwitches(context.Background(), l, "c1")
	if err != nil || fmt.Sprint(got) != "[leaf-01 leaf-02]" {
		t.Errorf("got %v, %v", got, err)
	}
	if got, err := ConnectionSwitches(context.Background(), l, "gone"); err != nil || len(got) != 0 {
		t.Errorf("a connection that does not exist reaches no switch: %v, %v", got, err)
	}
}
