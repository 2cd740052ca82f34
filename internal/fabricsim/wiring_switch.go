package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

var switchBehaviour = Behaviour{
	Kind:       wiring.Switch,
	Defaulting: defaultSwitch,
	Validate:   validateSwitch,
	Warnings: func(spec map[string]any) []string {
		if text(spec, "redundancy", "type") == "mclag" {
			return []string{mclagDeprecated}
		}
		return nil
	},
	Prefix: "error validating switch",
	Labels: func(spec map[string]any) map[string]string {
		out := map[string]string{wiring.LabelProfile: text(spec, "profile")}
		for _, g := range strs(spec, "groups") {
			out[wiring.SwitchGroupLabel(g)] = "true"
		}
		for _, ns := range strs(spec, "vlanNamespaces") {
			out[wiring.VLANNamespaceLabel(ns)] = "true"
		}
		return out
	},
	Cross: switchCross,
	AfterUpdate: func(_ context.Context, _ *Store, old, u *unstructured.Unstructured) error {
		before, after := Spec(old), Spec(u)
		if (meta.Bool(before, "roce") || meta.Bool(after, "roce")) && !reflect.DeepEqual(before["portBreakouts"], after["portBreakouts"]) {
			return errors.New("port breakouts cannot be changed when RoCEv2 is enabled")
		}
		return nil
	},
	DeleteBlocked: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		conns, err := s.ListByLabel(ctx, wiring.Connection.Kind, wiring.SwitchLabel(u.GetName()), "true")
		if err != nil {
			return err
		}
		if len(conns) > 0 {
			return errors.New("switch has connections")
		}
		return nil
	},
}

// isLeaf tells the roles upstream treats as leaves.
func isLeaf(role string) bool {
	return role == "server-leaf" || role == "border-leaf" || role == "mixed-leaf"
}

// Port locators: the default and the longest expiry, and the key for every
// port.
const (
	locatorDefault = 5 * time.Minute
	locatorMax     = 20 * time.Minute
	locatorAll     = "*"
)

// normalizeLocator is upstream's reading of a port locator: empty (the
// default expiry), a duration from now or an exact UTC time; live is false
// once it has expired; the expiry is at most locatorMax away.
func normalizeLocator(in string, now time.Time) (live bool, expire string, err error) {
	now = now.UTC()
	var at time.Time
	if in == "" {
		at = now.Add(locatorDefault)
	} else if d, derr := time.ParseDuration(in); derr == nil {
		at = now.Add(d)
	} else if exact, perr := time.ParseInLocation(time.DateTime, in, time.UTC); perr == nil {
		at = exact
	} else {
		return false, "", fmt.Errorf("expected an empty value, a duration such as 10m or an exact UTC time in the %q format: %w",
			time.DateTime, perr)
	}
	if at.Before(now.Add(time.Second)) {
		return false, "", nil
	}
	if latest := now.Add(locatorMax); at.After(latest) {
		at = latest
	}
	return true, at.Format(time.DateTime), nil
}

// defaultSwitch is upstream's Switch Default: SPEED_ prefixes dropped, port
// locators made exact (expired ones and, with "*", every other one
// dropped), the default VLAN namespace, the redundancy group among the
// groups, link-flap defaults, sorted lists, and the empty objects that
// re-marshalling adds.
func defaultSwitch(spec map[string]any) {
	for _, field := range []string{"portGroupSpeeds", "portSpeeds"} {
		speeds, _ := meta.Map(spec, field)
		for k, v := range speeds {
			if s, ok := v.(string); ok {
				speeds[k] = strings.TrimPrefix(s, "SPEED_")
			}
		}
	}
	if locators, ok := meta.Map(spec, "portLocators"); ok {
		if _, all := locators[locatorAll]; all {
			for k := range locators {
				if k != locatorAll {
					delete(locators, k)
				}
			}
		}
		for k, v := range locators {
			s, _ := v.(string)
			switch live, expire, err := normalizeLocator(s, time.Now()); {
			case err != nil: // left for the validation to refuse
			case !live:
				delete(locators, k)
			default:
				locators[k] = expire
			}
		}
	}
	if len(strs(spec, "vlanNamespaces")) == 0 {
		spec["vlanNamespaces"] = []any{"default"}
	}
	if group := text(spec, "redundancy", "group"); group != "" && !slices.Contains(strs(spec, "groups"), group) {
		groups, _ := meta.List(spec, "groups")
		spec["groups"] = append(groups, group)
	}
	if flap, ok := meta.Map(spec, "linkFlapErrDisable"); ok {
		for field, def := range map[string]int64{"flapThreshold": 3, "samplingInterval": 30, "recoveryInterval": 300} {
			if flap[field] == nil {
				flap[field] = def
			}
		}
	}
	for _, field := range []string{"groups", "vlanNamespaces"} {
		l, _ := meta.List(spec, field)
		sortStrings(l)
	}
	for _, field := range []string{"redundancy", "boot", "ecmp"} {
		ensureObject(spec, field)
	}
}

// validateSwitch is upstream's Switch validation without the cluster: its
// hydrated addresses are there (a VTEP IP exactly for leaves of a
// spine-leaf fabric), a profile, a consistent redundancy group.
func validateSwitch(f FabricConfig, _ string, spec map[string]any) error {
	role, vtep := text(spec, "role"), text(spec, "vtepIP")
	group, typ := text(spec, "redundancy", "group"), text(spec, "redundancy", "type")
	switch {
	case len(strs(spec, "vlanNamespaces")) == 0:
		return errors.New("at least one VLAN namespace required")
	case num(spec, "asn") == 0:
		return errors.New("ASN is required")
	case text(spec, "ip") == "":
		return errors.New("IP is required")
	case text(spec, "protocolIP") == "":
		return errors.New("protocol IP is required")
	case isLeaf(role) && f.FabricMode == "spine-leaf" && vtep == "":
		return errors.New("VTEP IP is required for leaf switches in spine-leaf mode")
	case role == "spine" && vtep != "":
		return errors.New("VTEP IP is not allowed for spine switches")
	case text(spec, "profile") == "":
		return errors.New("profile is required")
	case typ != "" && typ != "eslag" && typ != "mclag":
		return errors.New("invalid redundancy type")
	case group != "" && typ == "":
		return errors.New("redundancy group specified without type")
	case group == "" && typ != "":
		return errors.New("redundancy type specified without group")
	}
	if flap, ok := meta.Map(spec, "linkFlapErrDisable"); ok {
		for _, field := range []struct{ json, what string }{{"flapThreshold", "flap threshold"},
			{"samplingInterval", "sampling interval"}, {"recoveryInterval", "recovery interval"}} {
			if flap[field.json] == nil {
				return fmt.Errorf("link-flap error-disable is enabled but no %s provided", field.what)
			}
		}
	}
	return nil
}

// switchCross is upstream's Switch validation with the cluster: its VLAN
// namespaces (not overlapping) and groups exist, its port settings and
// features fit its profile, and its hydrated addresses and ASN fit the
// fabric and no other switch's.
func switchCross(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
	spec := Spec(u)
	var ranges []VLANRange
	for _, name := range strs(spec, "vlanNamespaces") {
		ns, err := s.Get(ctx, wiring.VLANNamespace, name)
		if err != nil {
			return err
		}
		if ns == nil {
			return fmt.Errorf("specified VLANNamespace %s does not exist", name)
		}
		ranges = append(ranges, vlanRanges(Spec(ns))...)
	}
	if err := rangesOverlap(ranges); err != nil {
		return fmt.Errorf("invalid VLANNamespaces: %w", err)
	}
	for _, name := range strs(spec, "groups") {
		if name == "" {
			return errors.New("group name cannot be empty")
		}
		g, err := s.Get(ctx, wiring.SwitchGroup, name)
		if err != nil {
			return err
		}
		if g == nil {
			return fmt.Errorf("switch group %s does not exist", name)
		}
	}
	profileName := text(spec, "profile")
	profile, err := s.Get(ctx, wiring.SwitchProfile, profileName)
	if err != nil {
		return err
	}
	if profile == nil {
		return fmt.Errorf("switch profile %s does not exist", profileName)
	}
	if err := switchFitsProfile(profileName, Spec(profile), spec); err != nil {
		return err
	}
	if err := hydration(ctx, s, u.GetName(), spec); err != nil {
		return fmt.Errorf("failed hydration validation: %w", err)
	}
	return nil
}
