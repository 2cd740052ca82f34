package fabricsim

import (
	"encoding/json"
	"fmt"
	"maps"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// The gateway kinds' specs as upstream's Go types read them: the gateway
// webhooks decode the object into these, default them and send back what
// re-encoding gives, so the stand-in does the same. That re-encoding is
// where upstream's quirks come from: durations in Go's form (5m0s),
// `profiling: {}` and `match: {}` always, `action: ""` when absent, and
// zero values dropped.

type gwSpec struct {
	ProtocolIP        string             `json:"protocolIP,omitempty"`
	VTEPIP            string             `json:"vtepIP,omitempty"`
	VTEPMAC           string             `json:"vtepMAC,omitempty"`
	ASN               uint32             `json:"asn,omitempty"`
	VTEPMTU           uint32             `json:"vtepMTU,omitempty"`
	Interfaces        map[string]gwIface `json:"interfaces,omitempty"`
	Neighbors         []gwNeighbor       `json:"neighbors,omitempty"`
	Logs              gwLogs             `json:"logs,omitempty"`
	Profiling         gwProfiling        `json:"profiling,omitempty"`
	Workers           uint8              `json:"workers,omitempty"`
	Groups            []gwMembership     `json:"groups,omitempty"`
	FlowTableCapacity uint32             `json:"flowTableCapacity,omitempty"`
}

type gwProfiling struct {
	Enabled bool `json:"enabled,omitempty"`
}

type gwIface struct {
	PCI    string   `json:"pci,omitempty"`
	Kernel string   `json:"kernel,omitempty"`
	IPs    []string `json:"ips,omitempty"`
	MTU    uint32   `json:"mtu,omitempty"`
}

type gwNeighbor struct {
	Source string `json:"source,omitempty"`
	IP     string `json:"ip,omitempty"`
	ASN    uint32 `json:"asn,omitempty"`
}

type gwLogs struct {
	Default   string            `json:"default,omitempty"`
	Tags      map[string]string `json:"tags,omitempty"`
	RateLimit *struct {
		Burst              uint32 `json:"burst,omitempty"`
		ReplenishPerSecond uint32 `json:"replenishPerSecond,omitempty"`
	} `json:"rateLimit,omitempty"`
}

type gwMembership struct {
	Name     string `json:"name,omitempty"`
	Priority uint32 `json:"priority,omitempty"`
}

type peeringSpec struct {
	GatewayGroup string                   `json:"gatewayGroup,omitempty"`
	Peering      map[string]*peeringEntry `json:"peering,omitempty"`
	ACL          *peeringACL              `json:"acl,omitempty"`
}

type peeringEntry struct {
	Expose []peeringExpose `json:"expose,omitempty"`
}

type peeringExpose struct {
	IPs     []peeringIP `json:"ips,omitempty"`
	As      []peeringIP `json:"as,omitempty"` // without VPCSubnet upstream; the API's schema prunes it
	NAT     *peeringNAT `json:"nat,omitempty"`
	Default bool        `json:"default,omitempty"`
}

type peeringIP struct {
	CIDR      string `json:"cidr,omitempty"`
	Not       string `json:"not,omitempty"`
	VPCSubnet string `json:"vpcSubnet,omitempty"`
}

type peeringNAT struct {
	Masquerade *struct {
		IdleTimeout metav1.Duration `json:"idleTimeout,omitempty"`
	} `json:"masquerade,omitempty"`
	PortForward *struct {
		IdleTimeout metav1.Duration      `json:"idleTimeout,omitempty"`
		Ports       []peeringPortForward `json:"ports,omitempty"`
	} `json:"portForward,omitempty"`
	Static *struct{} `json:"static,omitempty"`
}

type peeringPortForward struct {
	Proto string `json:"proto,omitempty"`
	Port  string `json:"port,omitempty"`
	As    string `json:"as,omitempty"`
}

type peeringACL struct {
	Default string        `json:"default"`
	Rules   []peeringRule `json:"rules,omitempty"`
}

type peeringRule struct {
	Name   string `json:"name,omitempty"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	Action string `json:"action"`
	Match  struct {
		Src   []aclEndpoint `json:"src,omitempty"`
		Dst   []aclEndpoint `json:"dst,omitempty"`
		Proto string        `json:"proto,omitempty"`
	} `json:"match,omitempty"`
	Scope string `json:"scope,omitempty"`
	Log   bool   `json:"log,omitempty"`
}

type aclEndpoint struct {
	CIDR      string   `json:"cidr,omitempty"`
	VPCSubnet string   `json:"vpcSubnet,omitempty"`
	Ports     []string `json:"ports,omitempty"`
}

type vpcInfoSpec struct {
	VNI     uint32 `json:"vni,omitempty"`
	Subnets map[string]*struct {
		CIDR string `json:"cidr,omitempty"`
	} `json:"subnets,omitempty"`
}

// decodeSpec reads a spec into upstream's type; the error is what the
// webhook answers for an object it cannot decode.
func decodeSpec(spec map[string]any, into any) error {
	raw, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, into); err != nil {
		return fmt.Errorf("cannot decode the object: %w", err)
	}
	return nil
}

// encodeSpec replaces spec with what upstream's type encodes to, whole
// numbers as int64 (as the API server decodes them).
func encodeSpec(from any, spec map[string]any) {
	raw, err := json.Marshal(from)
	if err != nil {
		return
	}
	out := map[string]any{}
	if utiljson.Unmarshal(raw, &out) != nil {
		return
	}
	clear(spec)
	maps.Copy(spec, out)
}
