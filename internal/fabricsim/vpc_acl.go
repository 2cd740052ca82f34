package fabricsim

import (
	"errors"
	"fmt"
	"net"
	"slices"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
)

// The inbound ACL of an external attachment, as upstream's ACLSpec.Validate
// reads it: user statements from sequence number 10, each once, with a known
// action and protocol, prefixes in CIDR notation or "any", and TCP flags,
// ICMP fields and port ranges only for the protocols they belong to.

var (
	aclActions   = []string{"deny", "discard", "permit", "transit"}
	aclProtocols = []string{"ip", "tcp", "udp", "icmp"}
	tcpFlagPairs = [][2]string{{"fin", "notFin"}, {"syn", "notSyn"}, {"rst", "notRst"}, {"psh", "notPsh"}, {"ack", "notAck"},
		{"urg", "notUrg"}}
)

func validateACL(spec map[string]any) error {
	statements, _ := meta.List(spec, "inboundACL", "statements")
	seqs := map[int64]bool{}
	for _, e := range statements {
		st := asObject(e)
		seq, protocol := num(st, "seq"), text(st, "protocol")
		switch {
		case seq < 10:
			return fmt.Errorf("sequence number %d is reserved for security rules (user-defined rules must use seq >= %d)", seq, 10)
		case seqs[seq]:
			return fmt.Errorf("duplicate sequence number %d", seq)
		}
		seqs[seq] = true
		switch {
		case !slices.Contains(aclActions, text(st, "action")):
			return fmt.Errorf("invalid action %q in statement %d", text(st, "action"), seq)
		case !slices.Contains(aclProtocols, protocol):
			return fmt.Errorf("invalid protocol %q in statement %d", protocol, seq)
		}
		for _, field := range []string{"srcPrefix", "dstPrefix"} {
			v := text(st, field)
			if v == "" {
				return fmt.Errorf("%s is required in statement %d", field, seq)
			}
			if _, _, err := net.ParseCIDR(v); v != "any" && err != nil {
				return fmt.Errorf("invalid %s %q in statement %d", field, v, seq)
			}
		}
		if filters, ok := meta.Map(st, "tcpFilters"); ok {
			if err := tcpFilters(filters, protocol, seq); err != nil {
				return err
			}
		}
		if (present(st, "icmpType") || present(st, "icmpCode")) && protocol != "icmp" {
			return fmt.Errorf("icmpType/icmpCode can only be used with icmp protocol in statement %d", seq)
		}
		begin, end := num(st, "portRangeBegin"), num(st, "portRangeEnd")
		if begin > 0 || end > 0 {
			switch {
			case protocol != "tcp" && protocol != "udp":
				return fmt.Errorf("portRange can only be used with tcp or udp protocol in statement %d", seq)
			case begin == 0:
				return fmt.Errorf("portRangeBegin must be >= 1 in statement %d", seq)
			case begin > end:
				return fmt.Errorf("portRangeBegin must be <= portRangeEnd in statement %d", seq)
			}
		}
	}
	return nil
}

func tcpFilters(filters map[string]any, protocol string, seq int64) error {
	if protocol != "tcp" {
		return fmt.Errorf("tcpFilters can only be used with tcp protocol in statement %d", seq)
	}
	anyFlag, contradiction := false, false
	for _, pair := range tcpFlagPairs {
		on, off := meta.Bool(filters, pair[0]), meta.Bool(filters, pair[1])
		anyFlag = anyFlag || on || off
		contradiction = contradiction || on && off
	}
	if meta.Bool(filters, "established") && anyFlag {
		return fmt.Errorf("established is mutually exclusive with individual TCP flags in statement %d", seq)
	}
	if contradiction {
		return errors.New("contradictory TCP flags (flag and its negation) in statement " + fmt.Sprint(seq))
	}
	return nil
}
