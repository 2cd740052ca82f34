// Package meta holds what the Hedgehog kinds share: the namespace, the
// reading of spec values in plan-time rules, and the address and VLAN
// arithmetic those rules need. Rule messages are the Hedgehog API's own.
package meta

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Namespace is the only namespace the Hedgehog API accepts for its objects.
const Namespace = "default"

// Str reads a known string at path inside m.
func Str(m map[string]any, path ...string) (string, bool) {
	v, ok := Get(m, path...)
	s, isString := v.(string)
	return s, ok && isString
}

// Int reads a known integer at path inside m.
func Int(m map[string]any, path ...string) (int64, bool) {
	v, ok := Get(m, path...)
	switch n := v.(type) {
	case int64:
		return n, ok
	case float64:
		return int64(n), ok && n == float64(int64(n))
	}
	return 0, false
}

// Bool reads a known boolean at path inside m; absent is false.
func Bool(m map[string]any, path ...string) bool {
	v, _ := Get(m, path...)
	b, _ := v.(bool)
	return b
}

// Map reads an object at path inside m.
func Map(m map[string]any, path ...string) (map[string]any, bool) {
	v, ok := Get(m, path...)
	o, isMap := v.(map[string]any)
	return o, ok && isMap
}

// List reads a list at path inside m.
func List(m map[string]any, path ...string) ([]any, bool) {
	v, ok := Get(m, path...)
	l, isList := v.([]any)
	return l, ok && isList
}

// Get reads the value at path inside m; ok is false when it is absent or
// not known yet (plan time).
func Get(m map[string]any, path ...string) (any, bool) {
	var v any = m
	for _, p := range path {
		o, isMap := v.(map[string]any)
		if !isMap {
			return nil, false
		}
		if v, isMap = o[p]; !isMap {
			return nil, false
		}
	}
	return v, v != nil && v != kinds.Unknown
}

// Known tells whether a value holds nothing unknown.
func Known(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			if !Known(e) {
				return false
			}
		}
	case []any:
		return !slices.ContainsFunc(x, func(e any) bool { return !Known(e) })
	}
	return v != kinds.Unknown
}

// Strings reads the known strings of a list (unknown elements are left out).
func Strings(l []any) []string {
	out := make([]string, 0, len(l))
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// SortedKeys are the keys of m in order.
func SortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Problem is a rule broken at a path inside the spec.
func Problem(message string, path ...any) kinds.Problem {
	return kinds.Problem{Path: path, Message: message}
}

// NameAtMost is the name-length rule of VPCs, Externals and IPv4Namespaces.
func NameAtMost(name string, n int) []kinds.Problem {
	if len(name) > n {
		return []kinds.Problem{Problem(fmt.Sprintf("name %s is too long, must be <= %d characters", name, n), "metadata", "name")}
	}
	return nil
}

// ParsePrefix parses an IPv4 prefix as the Hedgehog API does, with its
// message on failure.
func ParsePrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return p, fmt.Errorf("failed to parse subnet %s: %w", s, err)
	}
	return p, nil
}

// Overlap tells whether two prefixes share an address.
func Overlap(a, b netip.Prefix) bool { return a.Overlaps(b) }

// OverlapProblem checks a list of prefixes for overlaps, naming the first
// overlapping pair in the order of the list.
func OverlapProblem(prefixes []string, message func(a, b string) string) (string, bool) {
	parsed := make([]netip.Prefix, len(prefixes))
	for i, s := range prefixes {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return "", false
		}
		parsed[i] = p.Masked()
	}
	for i := range parsed {
		for j := i + 1; j < len(parsed); j++ {
			if parsed[i].Overlaps(parsed[j]) {
				return message(prefixes[i], prefixes[j]), true
			}
		}
	}
	return "", false
}

// NthIP is the n-th address of a prefix (0 is the network address).
func NthIP(p netip.Prefix, n int) netip.Addr {
	a := p.Masked().Addr()
	for range n {
		a = a.Next()
	}
	return a
}

// LastIP is the broadcast address of an IPv4 prefix.
func LastIP(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// ServerLabel tells a label key that Hedgehog's webhook removes and computes
// itself: any key that contains fabric.githedgehog.com/.
func ServerLabel(key string) bool { return strings.Contains(key, "fabric.githedgehog.com/") }
