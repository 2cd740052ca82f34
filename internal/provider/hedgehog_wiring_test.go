package provider_test

import (
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

// The whole suite shares one cluster, and Hedgehog wants every switch's
// ASN, management, protocol and VTEP IPs and every fabric link address
// unique across the fabric: each test switch takes the next of a range that
// the fixed fabrics of the examples (172.30.0.x, 172.30.8.x, 172.30.12.x,
// 172.30.128.x, ASNs up to 65199) stay out of.
var switchSeq, linkSeq atomic.Int64

// labSwitch is a hydrated switch with addresses of its own.
type labSwitch struct {
	res, name, role    string
	asn                int64
	ip, protocol, vtep string
	vlanNamespaceRef   string // the hedgehog_vlan_namespace it uses
}

// newLeaf and newSpine allocate a switch that uses the test's own VLAN
// namespace, hedgehog_vlan_namespace.ns (vlanNamespaceHCL).
func newLeaf(res string) labSwitch {
	return newSwitch(res, "server-leaf", "hedgehog_vlan_namespace.ns")
}
func newSpine(res string) labSwitch { return newSwitch(res, "spine", "hedgehog_vlan_namespace.ns") }

func newSwitch(res, role, ns string) labSwitch {
	n := switchSeq.Add(1)
	s := labSwitch{res: res, name: acctest.HedgehogName("sw"), role: role, asn: 65200 + n, vlanNamespaceRef: ns,
		ip:       fmt.Sprintf("172.30.%d.%d/21", 1+n/256, n%256),
		protocol: fmt.Sprintf("172.30.%d.%d/32", 9+n/256, n%256)}
	if role == "spine" {
		s.asn = 65100
	} else {
		s.vtep = fmt.Sprintf("172.30.%d.%d/32", 13+n/256, n%256)
	}
	return s
}

// hcl is the switch's resource block, with more attribute lines.
func (s labSwitch) hcl(extra ...string) string {
	vtep := ""
	if s.vtep != "" {
		vtep = fmt.Sprintf("  vtep_ip         = %q\n", s.vtep)
	}
	return fmt.Sprintf(`
resource "hedgehog_switch" %q {
  name            = %q
  role            = %q
  profile         = "vs"
  asn             = %d
  ip              = %q
  protocol_ip     = %q
%s  vlan_namespaces = [%s.name]
%s}
`, s.res, s.name, s.role, s.asn, s.ip, s.protocol, vtep, s.vlanNamespaceRef, indentLines(extra))
}

func (s labSwitch) addr() string { return "hedgehog_switch." + s.res }

func indentLines(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

// linkPair is a /31 of the fabric subnet of its own: the spine's and the
// leaf's address.
func linkPair() (string, string) {
	n := linkSeq.Add(1)
	base := 2 * n
	return fmt.Sprintf("172.30.%d.%d/31", 160+base/256, base%256), fmt.Sprintf("172.30.%d.%d/31", 160+base/256, base%256+1)
}

// vlanNamespaceHCL is the VLAN namespace of one test, hedgehog_vlan_namespace.ns.
func vlanNamespaceHCL(name string) string {
	return fmt.Sprintf(`
resource "hedgehog_vlan_namespace" "ns" {
  name   = %q
  ranges = [{ from = 1000, to = 2999 }]
}
`, name)
}
