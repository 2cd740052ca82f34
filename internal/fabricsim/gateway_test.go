// Tests of the stand-in's gateway webhooks and VPCInfo controller against
// the gateway vectors (longer than most files: one table per kind).

package fabricsim

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/tools/cache"
	"sigs.k8s.io/yaml"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/gateway"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// The cluster of the gateway vectors: the group default with gateway gw-01,
// VPCs vpc-01 (subnet-01 10.0.1.0/24, subnet-02 10.0.11.0/24), vpc-02
// (10.0.2.0/24), vpc-03 (10.0.3.0/24) and the External internet.
const (
	gwAPI       = "apiVersion: gateway.githedgehog.com/v1alpha1\nkind: "
	gwGroupDflt = gwAPI + "GatewayGroup\nmetadata: {name: default}\nspec: {}"
	gwSpec01    = `{protocolIP: 172.30.8.6/32, vtepIP: 172.30.12.6/32, vtepMAC: 'ca:fe:ba:be:00:01', asn: 65534,
  interfaces: {enp2s1: {ips: [172.30.128.1/31]}, enp2s2: {ips: [172.30.128.3/31]}},
  neighbors: [{source: enp2s1, ip: 172.30.128.0, asn: 65100}, {source: enp2s2, ip: 172.30.128.2, asn: 65100}]}`
	gwVPC01 = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-01}\n" +
		"spec: {subnets: {subnet-01: {subnet: 10.0.1.0/24}, subnet-02: {subnet: 10.0.11.0/24}}}"
	gwVPC02    = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-02}\nspec: {subnets: {subnet-01: {subnet: 10.0.2.0/24}}}"
	gwVPC03    = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-03}\nspec: {subnets: {subnet-01: {subnet: 10.0.3.0/24}}}"
	gwInternet = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: External\nmetadata: {name: internet}\n" +
		"spec: {ipv4Namespace: default, inboundCommunity: '65102:5000', outboundCommunity: '5000:65102'}"
)

func gwObject(kind, name, spec string) string {
	return gwAPI + kind + "\nmetadata: {name: " + name + "}\nspec: " + spec
}

var gwLab = []string{gwGroupDflt, gwObject("Gateway", "gw-01", gwSpec01), gwVPC01, gwVPC02, gwVPC03, gwInternet}

// gwStandIn is the stand-in's webhook on a fake cluster that holds objects,
// each stored as written (no webhook runs for them: they are the cluster).
func gwStandIn(t *testing.T, enabled bool, objects ...string) (*Hedgehog, *dynamicfake.FakeDynamicClient) {
	t.Helper()
	lists := map[schema.GroupVersionResource]string{}
	for _, k := range hedgehog.Kinds() {
		lists[k.GVR(nil)] = k.Kind + "List"
	}
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), lists)
	fabric := DefaultFabricConfig
	fabric.GatewayEnabled = enabled
	h := NewHedgehog(client, fabric)
	for _, text := range objects {
		u := object(t, text)
		if h.store.kinds[u.GetKind()] == gateway.GatewayPeering || h.store.kinds[u.GetKind()] == gateway.Gateway {
			if err := h.Mutate(context.Background(), admissionv1.Create, u); err != nil { // labels and defaults
				t.Fatal(err)
			}
		}
		k := h.store.kinds[u.GetKind()]
		if _, err := client.Resource(k.GVR(nil)).Namespace(meta.Namespace).Create(context.Background(), u, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return h, client
}

// gwAdmit runs the mutating and the validating webhook on a create: the
// denial ("" when allowed) and the object as stored.
func gwAdmit(t *testing.T, h *Hedgehog, text string) (string, *unstructured.Unstructured) {
	t.Helper()
	u := object(t, text)
	if err := h.Mutate(context.Background(), admissionv1.Create, u); err != nil {
		t.Fatal(err)
	}
	if err := h.Validate(context.Background(), admissionv1.Create, u, nil); err != nil {
		return err.Error(), u
	}
	return "", u
}

func specJSON(t *testing.T, u *unstructured.Unstructured) string {
	t.Helper()
	raw, err := json.Marshal(Spec(u))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// yamlJSON is the JSON of a YAML spec, keys sorted as encoding/json does.
func yamlJSON(t *testing.T, text string) string {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(text), &v); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}

func gwPeering(name, spec string) string { return gwObject("GatewayPeering", name, spec) }

// The vectors' valid peerings: admitted, stored as upstream stores them.
func TestGatewayPeeringStandInValid(t *testing.T) {
	h, _ := gwStandIn(t, true, gwLab...)
	vpc1 := "vpc-01: {expose: [{ips: [{cidr: 10.0.1.0/24}]}]}"
	vpc2 := "vpc-02: {expose: [{ips: [{cidr: 10.0.2.0/24}]}]}"
	for _, c := range []struct{ name, spec, stored string }{
		{"GWPEER-01", "{peering: {" + vpc1 + ", " + vpc2 + "}}", "{gatewayGroup: default, peering: {" + vpc1 + ", " + vpc2 + "}}"},
		{"GWPEER-02", "{peering: {vpc-01: {expose: [{ips: [{vpcSubnet: subnet-01}, {vpcSubnet: subnet-02}]}]}, " +
			"vpc-02: {expose: [{ips: [{vpcSubnet: subnet-01}]}]}}}", ""},
		{"GWPEER-03", "{peering: {vpc-01: {expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24}], nat: {static: {}}}]}, " + vpc2 + "}}",
			"{gatewayGroup: default, peering: {vpc-01: {expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24}], " +
				"nat: {static: {}}}]}, " + vpc2 + "}}"},
		{"GWPEER-04", "{peering: {vpc-01: {expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.100.1/32}], nat: {masquerade: {}}}]}, " +
			vpc2 + "}}", "{gatewayGroup: default, peering: {vpc-01: {expose: [{ips: [{cidr: 10.0.1.0/24}], " +
			"as: [{cidr: 192.168.100.1/32}], nat: {masquerade: {idleTimeout: 2m0s}}}]}, " + vpc2 + "}}"},
		{"GWPEER-05", "{peering: {" + vpc1 + ", vpc-02: {expose: [{ips: [{cidr: 10.0.2.10/32}], as: [{cidr: 192.168.200.10/32}], " +
			"nat: {portForward: {ports: [{proto: tcp, port: '22', as: '2222'}]}}}]}}}", "{gatewayGroup: default, peering: {" + vpc1 +
			", vpc-02: {expose: [{ips: [{cidr: 10.0.2.10/32}], as: [{cidr: 192.168.200.10/32}], nat: {portForward: " +
			"{idleTimeout: 2m0s, ports: [{proto: tcp, port: '22', as: '2222'}]}}}]}}}"},
		{"GWPEER-06", "{peering: {" + vpc1 + ", ext.internet: {expose: [{default: true}]}}}", ""},
		{"GWPEER-07", "{acl: {rules: [{name: allow-https, from: vpc-01, action: allow, match: {proto: tcp, dst: [{cidr: 10.0.2.0/24, " +
			"ports: ['443']}]}}]}, peering: {" + vpc1 + ", " + vpc2 + "}}", "{acl: {default: deny-unless-exposed, rules: " +
			"[{name: allow-https, from: vpc-01, action: allow, match: {proto: tcp, dst: [{cidr: 10.0.2.0/24, ports: ['443']}]}, " +
			"scope: flow}]}, gatewayGroup: default, peering: {" + vpc1 + ", " + vpc2 + "}}"},
		{"GWPEER-08", "{peering: {vpc-01: {expose: [{ips: [{cidr: 10.0.1.0/24}, {not: 10.0.1.128/25}]}]}, " + vpc2 + "}}", ""},
		{"GWPEER-09", "{peering: {vpc-01: {expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.100.1/32}], " +
			"nat: {masquerade: {idleTimeout: 5m}}}]}, " + vpc2 + "}}", "{gatewayGroup: default, peering: {vpc-01: {expose: " +
			"[{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.100.1/32}], nat: {masquerade: {idleTimeout: 5m0s}}}]}, " + vpc2 + "}}"},
		{"GWPEER-10", "{peering: {vpc-01: {expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.100.1/32}], nat: {masquerade: {}}}, " +
			"{ips: [{cidr: 10.0.1.10/32}], as: [{cidr: 192.168.100.2/32}], nat: {portForward: {ports: [{proto: tcp, port: '80', as: '8080'}]}}}]}, " +
			vpc2 + "}}", ""},
	} {
		got, u := gwAdmit(t, h, gwPeering("p-"+strings.ToLower(c.name), c.spec))
		if got != "" {
			t.Errorf("%s: refused: %s", c.name, got)
			continue
		}
		if c.stored != "" {
			if s, want := specJSON(t, u), yamlJSON(t, c.stored); s != want {
				t.Errorf("%s: stored\n got %s\nwant %s", c.name, s, want)
			}
		}
		sides, _ := meta.Map(Spec(u), "peering")
		for side := range sides {
			if u.GetLabels()["vpc.gateway.githedgehog.com/"+side] != "true" {
				t.Errorf("%s: labels %v lack %s", c.name, u.GetLabels(), side)
			}
		}
	}
}

// The vectors' invalid peerings, with upstream's messages.
func TestGatewayPeeringStandInRefusals(t *testing.T) {
	vpc1 := "vpc-01: {expose: [{ips: [{cidr: 10.0.1.0/24}]}]}"
	vpc2 := "vpc-02: {expose: [{ips: [{cidr: 10.0.2.0/24}]}]}"
	two := "{peering: {" + vpc1 + ", " + vpc2 + "}}"
	acl := func(rule string) string {
		return "{acl: {rules: [" + rule + "]}, peering: {" + vpc1 + ", " + vpc2 + "}}"
	}
	existing := gwPeering("vpc-01--vpc-02", two)
	for _, c := range []struct {
		name    string
		enabled bool
		cluster []string
		spec    string
		want    string
	}{
		{"GWPEER-11 gateway off", false, gwLab, two, "gateway support is not enabled"},
		{"GWPEER-13", true, gwLab, "{gatewayGroup: default, peering: {" + vpc1 + "}}", "peering must have exactly 2 VPCs, got 1"},
		{"GWPEER-14", true, gwLab, "{peering: {" + vpc1 + "}}", "gateway group must be specified p"},
		{"GWPEER-15", true, gwLab, "{peering: {" + vpc1 + ", ext.internet: {expose: [{default: true, ips: [{cidr: 0.0.0.0/0}]}]}}}",
			"default flag should be the only thing set in expose of VPC ext.internet"},
		{"GWPEER-16", true, gwLab, "{peering: {" + vpc1 + ", vpc-02: {expose: [{}]}}}",
			"at least one IP block must be specified in peering expose of VPC vpc-02"},
		{"GWPEER-17", true, gwLab, "{peering: {vpc-01: {expose: [{ips: [{cidr: 10.0.1.0}]}]}, " + vpc2 + "}}",
			`invalid CIDR 10.0.1.0 in peering expose IPs of VPC vpc-01: netip.ParsePrefix("10.0.1.0"): no '/'`},
		{"GWPEER-18", true, gwLab, "{peering: {vpc-01: {expose: [{ips: [{cidr: 10.0.1.0/24, not: 10.0.1.1/32}]}]}, " + vpc2 + "}}",
			"exactly one of cidr, not or vpcSubnet must be set in peering expose IPs of VPC vpc-01"},
		{"GWPEER-19", true, gwLab, "{peering: {" + vpc1 + ", ext.internet: {expose: [{ips: [{vpcSubnet: subnet-01}]}]}}}",
			"external internet cannot have an IP block with VPC Subnets specified"},
		{"GWPEER-20", true, gwLab, "{peering: {vpc-01: {expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24}]}]}, " + vpc2 + "}}",
			"expose.As and expose.NAT must both be set or both be empty in peering expose of VPC vpc-01"},
		{"GWPEER-21", true, gwLab, "{peering: {vpc-01: {expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24}], " +
			"nat: {static: {}, masquerade: {}}}]}, " + vpc2 + "}}",
			"exactly one of masquerade, static, or portForward must be set in NAT section for peering expose of VPC vpc-01"},
		{"GWPEER-22", true, gwLab, "{peering: {" + vpc1 + ", vpc-02: {expose: [{ips: [{cidr: 10.0.2.10/32}], as: [{cidr: 192.168.200.10/32}], " +
			"nat: {portForward: {}}}]}}}", "at least one port forwarding rule must be set in NAT section for peering expose of VPC vpc-02"},
		{"GWPEER-23", true, gwLab, "{peering: {" + vpc1 + ", vpc-02: {expose: [{ips: [{cidr: 10.0.2.10/32}], as: [{cidr: 192.168.200.10/32}], " +
			"nat: {portForward: {ports: [{proto: tcp, port: '0', as: '2222'}]}}}]}}}", `invalid port "0" in port forwarding rule 0 in NAT ` +
			"section for peering expose of VPC vpc-02: invalid port 0: port should be between 1 and 65535"},
		{"GWPEER-24", true, gwLab, "{peering: {vpc-01: {expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.100.1/32}], nat: {masquerade: {}}}]}, " +
			"vpc-02: {expose: [{ips: [{cidr: 10.0.2.0/24}], as: [{cidr: 192.168.100.2/32}], nat: {masquerade: {}}}]}}}",
			"unsupported configuration, only one side of a peering can use stateful NAT (i.e. masquerade or portForward)"},
		{"GWPEER-25", true, gwLab, "{peering: {vpc-01: {expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24}], nat: {static: {}}}]}, " +
			"vpc-02: {expose: [{ips: [{cidr: 10.0.2.10/32}], as: [{cidr: 192.168.200.10/32}], nat: {portForward: {ports: [{proto: udp, port: '53', as: '53'}]}}}]}}}",
			"unsupported configuration, one side of a peering using static NAT cannot peer with a side using stateful NAT"},
		{"GWPEER-26", true, gwLab, acl("{name: web, action: allow}"), "at least one of from and to must be specified in ACL rule 0 (web)"},
		{"GWPEER-27", true, gwLab, acl("{from: vpc-03, action: allow}"),
			`invalid from "vpc-03" in ACL rule 0, it has to match one of the two VPCs of the peering: ["vpc-01" "vpc-02"]`},
		{"GWPEER-28", true, gwLab, acl("{name: Web_Traffic, from: vpc-01, action: allow}"), `invalid rule name "Web_Traffic" in ACL rule 0`},
		{"GWPEER-29", true, gwLab, acl("{from: vpc-01, action: deny, match: {proto: icmp}}"),
			`invalid protocol "icmp" in ACL rule 0: strconv.Atoi: parsing "icmp": invalid syntax`},
		{"GWPEER-30 no group default yet", true, gwLab[1:], two, "gateway group default not found"},
		{"GWPEER-31", true, gwLab, "{gatewayGroup: edge, peering: {" + vpc1 + ", " + vpc2 + "}}", "gateway group edge not found"},
		{"GWPEER-32", true, gwLab, "{peering: {" + vpc1 + ", vpc-09: {expose: [{ips: [{cidr: 10.0.9.0/24}]}]}}}", "VPC vpc-09 not found"},
		{"GWPEER-33", true, gwLab, "{peering: {" + vpc1 + ", ext.nope: {expose: [{default: true}]}}}", "external nope not found"},
		{"GWPEER-34", true, gwLab, "{peering: {vpc-01: {expose: [{ips: [{cidr: 192.168.1.0/24}]}]}, " + vpc2 + "}}",
			"CIDR 192.168.1.0/24 is not part of VPC vpc-01"},
		{"GWPEER-35", true, gwLab, "{peering: {vpc-01: {expose: [{ips: [{vpcSubnet: subnet-09}]}]}, " + vpc2 + "}}",
			"VPC subnet subnet-09 referenced in peering expose does not exist in VPC vpc-01"},
		{"GWPEER-36", true, append(append([]string{}, gwLab...), existing),
			"{peering: {" + vpc1 + ", vpc-03: {expose: [{ips: [{cidr: 10.0.3.0/24}], as: [{cidr: 10.0.2.128/25}], nat: {static: {}}}]}}}",
			"overlap between existing exposed CIDR 10.0.2.0/24 and new exposed CIDR 10.0.2.128/25"},
		{"GWPEER-37 no gateway in the group", true, []string{gwGroupDflt, gwVPC01, gwVPC02}, two,
			"building gateway agent: gateway not found for gateway group: default"},
		{"GWPEER-38", true, gwLab, acl("{from: vpc-01, action: allow, match: {src: [{vpcSubnet: subnet-09}]}}"),
			"source VPC subnet subnet-09 referenced in ACL rule 0 does not exist in VPC vpc-01"},
		{"ACL subnet on the external side", true, gwLab, "{acl: {rules: [{from: vpc-01, action: allow, match: {dst: [{vpcSubnet: subnet-01}]}}]}, " +
			"peering: {" + vpc1 + ", ext.internet: {expose: [{default: true}]}}}",
			`destination VPC subnet subnet-01 referenced in ACL rule 0 but the corresponding peering entry "ext.internet" is not a VPC`},
		{"overlap quirk: a vpcSubnet item is an empty CIDR", true, append(append([]string{}, gwLab...), existing),
			"{peering: {" + vpc2 + ", vpc-03: {expose: [{ips: [{vpcSubnet: subnet-01}]}]}}}",
			`failed to parse exposed CIDR : netip.ParsePrefix(""): no '/'`},
	} {
		h, _ := gwStandIn(t, c.enabled, c.cluster...)
		got, _ := gwAdmit(t, h, gwPeering("p", c.spec))
		if got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

// The Gateway and GatewayGroup vectors.
func TestGatewayStandIn(t *testing.T) {
	leaf := "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata: {name: leaf-01}\n" +
		"spec: {role: server-leaf, profile: vs, asn: 65101, protocolIP: 172.30.8.1/32, vtepIP: 172.30.12.1/32, ip: 172.30.0.8/21}"
	other := gwObject("Gateway", "gw-02", strings.NewReplacer("172.30.8.6", "172.30.8.7", "172.30.12.6", "172.30.12.7").Replace(gwSpec01))
	for _, c := range []struct {
		name    string
		enabled bool
		cluster []string
		obj     string
		want    string
	}{
		{"GW-01", true, []string{gwGroupDflt}, gwObject("Gateway", "gw-01", gwSpec01), ""},
		{"GW-02 gateway off", false, []string{gwGroupDflt}, gwObject("Gateway", "gw-01", gwSpec01), "gateway support is not enabled: invalid gateway"},
		{"GW-03", true, []string{gwGroupDflt}, gwObject("Gateway", "gw-01", strings.Replace(gwSpec01, "172.30.8.6/32", "172.30.8.6/24", 1)),
			"ProtocolIP 172.30.8.6/24 must be a /32 prefix: invalid gateway"},
		{"GW-04", true, []string{gwGroupDflt}, gwObject("Gateway", "gw-01",
			strings.Replace(gwSpec01, "{enp2s1: {ips: [172.30.128.1/31]}, enp2s2: {ips: [172.30.128.3/31]}}", "{enp2s1: {}}", 1)),
			"interface enp2s1 must have at least one IP address: invalid gateway"},
		{"GW-05 VTEP IP of a switch", true, []string{gwGroupDflt, leaf},
			gwObject("Gateway", "gw-01", strings.Replace(gwSpec01, "172.30.12.6/32", "172.30.12.1/32", 1)),
			"gateway gw-01 VTEP IP 172.30.12.1/32 is already in use: invalid gateway"},
		{"GW-06", true, []string{gwGroupDflt}, gwObject("Gateway", "gw-01", strings.Replace(gwSpec01, "asn: 65534,",
			"asn: 65534, groups: [{name: edge, priority: 10}],", 1)), "gateway group edge not found: invalid gateway"},
		{"GW-07", true, []string{gwGroupDflt}, gwObject("Gateway", "gw-01", strings.Replace(gwSpec01,
			"[{source: enp2s1, ip: 172.30.128.0, asn: 65100}, {source: enp2s2, ip: 172.30.128.2, asn: 65100}]", "[]", 1)),
			"at least one BGP neighbor must be defined: invalid gateway"},
		{"protocol IP of another gateway", true, []string{gwGroupDflt, other},
			gwObject("Gateway", "gw-01", strings.Replace(gwSpec01, "172.30.8.6/32", "172.30.8.7/32", 1)),
			"gateway gw-01 protocol IP 172.30.8.7/32 is already in use: invalid gateway"},
		{"VTEP MAC of another gateway, other case", true, []string{gwGroupDflt, other},
			gwObject("Gateway", "gw-01", strings.Replace(gwSpec01, "ca:fe:ba:be:00:01", "CA:FE:BA:BE:00:01", 1)),
			"gateway gw-01 VTEP MAC CA:FE:BA:BE:00:01 is already in use: invalid gateway"},
		{"updating itself", true, []string{gwGroupDflt, gwObject("Gateway", "gw-01", gwSpec01)}, gwObject("Gateway", "gw-01", gwSpec01), ""},
		{"interface IP without length", true, []string{gwGroupDflt}, gwObject("Gateway", "gw-01",
			strings.Replace(gwSpec01, "[172.30.128.1/31]", "[172.30.128.1]", 1)),
			"invalid interface enp2s1 IP invalid Prefix: netip.ParsePrefix(\"172.30.128.1\"): no '/'\ninvalid gateway"},
		{"PCI function 8", true, []string{gwGroupDflt}, gwObject("Gateway", "gw-01",
			strings.Replace(gwSpec01, "{ips: [172.30.128.1/31]}", "{ips: [172.30.128.1/31], pci: '0000:02:00.8'}", 1)),
			"invalid interface enp2s1 PCI address 0000:02:00.8 function (0-7): invalid gateway"},
		{"GWGR-01", true, nil, gwObject("GatewayGroup", "edge", "{}"), ""},
		{"GWGR-02 gateway off", false, nil, gwObject("GatewayGroup", "edge", "{}"), "gateway support is not enabled"},
		{"VPCInfo without VNI", true, nil, gwObject("VPCInfo", "vpc-01", "{subnets: {subnet-01: {cidr: 10.0.1.0/24}}}"),
			"VPCInfo VNI must be set and non-zero"},
		{"VPCInfo subnet without length", true, nil, gwObject("VPCInfo", "vpc-01", "{vni: 100, subnets: {subnet-01: {cidr: 10.0.5.0}}}"),
			`invalid CIDR 10.0.5.0 for subnet subnet-01: netip.ParsePrefix("10.0.5.0"): no '/'`},
	} {
		h, _ := gwStandIn(t, c.enabled, c.cluster...)
		if got, _ := gwAdmit(t, h, c.obj); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
	// GW-01 as stored: defaults, groups sorted by name, durations and
	// empty objects as upstream re-encodes them.
	h, _ := gwStandIn(t, true, gwGroupDflt)
	_, u := gwAdmit(t, h, gwObject("Gateway", "gw-01", gwSpec01))
	want := strings.Replace(gwSpec01, "asn: 65534,", "asn: 65534, groups: [{name: default}], workers: 4, "+
		"logs: {default: info, tags: {all: info}}, profiling: {},", 1)
	if got := specJSON(t, u); got != yamlJSON(t, want) {
		t.Errorf("GW-01 stored:\n got %s\nwant %s", got, yamlJSON(t, want))
	}
	_, u = gwAdmit(t, h, gwObject("Gateway", "gw-01", strings.Replace(gwSpec01, "asn: 65534,",
		"asn: 65534, groups: [{name: edge, priority: 10}, {name: default}], logs: {rateLimit: {}},", 1)))
	if got := specJSON(t, u); !strings.Contains(got, `"groups":[{"name":"default"},{"name":"edge","priority":10}]`) ||
		!strings.Contains(got, `"rateLimit":{"burst":50,"replenishPerSecond":5}`) {
		t.Errorf("groups sorted and rate limit defaulted: %s", got)
	}
}

// The simulated controller writes a VPCInfo per VPC and per External, owned
// by it, with a VNI and an internal ID.
func TestVPCInfos(t *testing.T) {
	_, client := gwStandIn(t, true, gwVPC01, gwInternet)
	stores := map[*kinds.Kind]cache.Store{}
	for _, k := range []*kinds.Kind{vpc.VPC, vpc.External, gateway.VPCInfo} {
		stores[k] = cache.NewStore(cache.MetaNamespaceKeyFunc)
		l, err := client.Resource(k.GVR(nil)).Namespace(meta.Namespace).List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range l.Items {
			_ = stores[k].Add(&l.Items[i])
		}
	}
	api := client.Resource(gateway.VPCInfo.GVR(nil)).Namespace(meta.Namespace)
	if err := syncVPCInfos(context.Background(), api, stores); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"vpc-01":       `{"subnets":{"subnet-01":{"cidr":"10.0.1.0/24"},"subnet-02":{"cidr":"10.0.11.0/24"}},"vni":`,
		"ext.internet": `{"subnets":{"external":{"cidr":"0.0.0.0/0"}},"vni":`,
	} {
		u, err := api.Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("VPCInfo %s: %v", name, err)
		}
		if got := specJSON(t, u); !strings.HasPrefix(got, want) {
			t.Errorf("VPCInfo %s: spec %s", name, got)
		}
		if id, _, _ := unstructured.NestedString(u.Object, "status", "internalID"); id == "" {
			t.Errorf("VPCInfo %s is not ready", name)
		}
		if refs := u.GetOwnerReferences(); len(refs) != 1 || refs[0].Controller == nil || !*refs[0].Controller ||
			refs[0].Name != strings.TrimPrefix(name, "ext.") {
			t.Errorf("VPCInfo %s: owners %+v", name, refs)
		}
	}
}

// Upstream protects nothing on delete: a group its gateway and peerings
// use, a VPC or an External a peering names go.
func TestGatewayStandInDeletes(t *testing.T) {
	h, _ := gwStandIn(t, true, append(append([]string{}, gwLab...),
		gwPeering("vpc-01--internet", "{peering: {vpc-01: {expose: [{ips: [{cidr: 10.0.1.0/24}]}]}, ext.internet: {expose: [{default: true}]}}}"))...)
	for _, obj := range []string{gwGroupDflt, gwObject("Gateway", "gw-01", gwSpec01), gwVPC01, gwInternet} {
		if err := h.Validate(context.Background(), admissionv1.Delete, nil, object(t, obj)); err != nil {
			t.Errorf("delete %s: %v", object(t, obj).GetName(), err)
		}
	}
}
