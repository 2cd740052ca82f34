package fabricsim

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
)

// The stand-in reads specs as the API server hands them over (JSON decoded
// into maps): these are its own small readers, beside meta's accessors.

// strs reads the strings of the list at path.
func strs(m map[string]any, path ...string) []string {
	l, _ := meta.List(m, path...)
	return meta.Strings(l)
}

// object reads the object at path, an empty one when there is none.
func obj(m map[string]any, path ...string) map[string]any {
	o, _ := meta.Map(m, path...)
	if o == nil {
		return map[string]any{}
	}
	return o
}

// num reads a number at path, 0 when there is none.
func num(m map[string]any, path ...string) int64 {
	n, _ := meta.Int(m, path...)
	return n
}

// text reads a string at path, "" when there is none.
func text(m map[string]any, path ...string) string {
	s, _ := meta.Str(m, path...)
	return s
}

// present tells whether a member is set (not absent, not null).
func present(m map[string]any, key string) bool {
	v, ok := m[key]
	return ok && v != nil
}

// ensureObject makes the member an object when it is absent or null, as
// upstream's re-marshalling of a non-pointer struct does.
func ensureObject(m map[string]any, key string) {
	if m[key] == nil {
		m[key] = map[string]any{}
	}
}

// sortStrings sorts a list of strings in place (a list holding anything
// else is left as it is).
func sortStrings(l []any) {
	s := meta.Strings(l)
	if len(s) != len(l) {
		return
	}
	slices.Sort(s)
	for i := range s {
		l[i] = s[i]
	}
}

// byName orders listed objects by name, as the API server lists them.
func byName(items []unstructured.Unstructured) []unstructured.Unstructured {
	slices.SortFunc(items, func(a, b unstructured.Unstructured) int { return strings.Compare(a.GetName(), b.GetName()) })
	return items
}

// overlapping finds the first two prefixes of the list that overlap, in
// upstream's words ("subnets A and B overlap").
func overlapping(prefixes []netip.Prefix) error {
	for i, a := range prefixes {
		for _, b := range prefixes[i+1:] {
			if a.Overlaps(b) {
				return fmt.Errorf("subnets %s and %s overlap", a, b)
			}
		}
	}
	return nil
}

// within tells whether inner lies inside outer.
func within(inner, outer netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Masked().Contains(inner.Masked().Addr())
}

// broadcast is the last address of an IPv4 prefix.
func broadcast(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := (uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// vlanRanges reads a VLAN namespace's ranges as stored (to filled in).
func vlanRanges(spec map[string]any) []VLANRange {
	l, _ := meta.List(spec, "ranges")
	out := make([]VLANRange, 0, len(l))
	for _, e := range l {
		m, _ := e.(map[string]any)
		r := VLANRange{From: num(m, "from"), To: num(m, "to")}
		if r.To == 0 {
			r.To = r.From
		}
		out = append(out, r)
	}
	return out
}

func inRanges(ranges []VLANRange, vlan int64) bool {
	return slices.ContainsFunc(ranges, func(r VLANRange) bool { return r.From <= vlan && vlan <= r.To })
}

// sortRanges orders ranges by from, then to, as upstream does.
func sortRanges(ranges []VLANRange) {
	slices.SortStableFunc(ranges, func(a, b VLANRange) int {
		if a.From != b.From {
			return int(a.From - b.From)
		}
		return int(a.To - b.To)
	})
}

// rangesOverlap is upstream's check of VLAN ranges, sorted, for two that
// overlap.
func rangesOverlap(ranges []VLANRange) error {
	sorted := slices.Clone(ranges)
	sortRanges(sorted)
	for i := 1; i < len(sorted); i++ {
		if sorted[i-1].To >= sorted[i].From {
			return fmt.Errorf("VLAN ranges overlap: %s and %s", sorted[i-1], sorted[i])
		}
	}
	return nil
}

// badRange is upstream's rule for one range, with its index.
func badRange(idx int, r VLANRange) error {
	switch {
	case r.From > r.To:
		return fmt.Errorf("invalid range %d: from > to", idx)
	case r.From < 1 || r.From > 4094:
		return fmt.Errorf("invalid range %d: from < 1 || from > 4094", idx)
	case r.To < 1 || r.To > 4094:
		return fmt.Errorf("invalid range %d: to < 1 || to > 4094", idx)
	}
	return nil
}
