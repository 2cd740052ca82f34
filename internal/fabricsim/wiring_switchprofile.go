package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// PortsAnnotation is where upstream's webhook writes a profile's port
// summary (such as "48xSFP28-25G, 8xQSFP28-100G").
const PortsAnnotation = "fabric.githedgehog.com/ports"

var errBuiltinProfile = errors.New("default switch profiles are immutable")

// nosTypes are the NOS types upstream knows.
var nosTypes = []string{"sonic-bcm-base", "sonic-bcm-campus", "sonic-bcm-vs", "sonic-cls-plus-broadcom", "sonic-cls-plus-marvell",
	"sonic-cls-plus-vs", "cumulus-vx", "cumulus-mlx"}

var switchProfileBehaviour = Behaviour{
	Kind:     wiring.SwitchProfile,
	Validate: validateSwitchProfile,
	Prefix:   "error validating switchprofile",
	// Upstream leaves a profile's labels alone and writes its port summary.
	Annotations: func(spec map[string]any) map[string]string {
		summary, err := portsSummary(spec)
		if err != nil {
			return nil
		}
		return map[string]string{PortsAnnotation: summary}
	},
	Create: func(f FabricConfig, u *unstructured.Unstructured) error {
		if _, builtin := BuiltinSwitchProfiles()[u.GetName()]; !builtin && !f.AllowExtraSwitchProfiles {
			return errors.New("only default switch profiles are allowed")
		}
		return nil
	},
	Cross: func(_ context.Context, _ *Store, u *unstructured.Unstructured) error {
		if builtin, ok := BuiltinSwitchProfiles()[u.GetName()]; ok && !kinds.Equivalent(builtin, Spec(u)) {
			return Bare(errBuiltinProfile)
		}
		return nil
	},
	DeleteBlocked: func(_ context.Context, _ *Store, u *unstructured.Unstructured) error {
		if _, ok := BuiltinSwitchProfiles()[u.GetName()]; ok {
			return errBuiltinProfile
		}
		return nil
	},
}

// validateSwitchProfile holds upstream's main rules for a profile (those a
// user's extra profile is likeliest to break): its names, silicon, NOS and
// platform, and ports, groups and port profiles that refer to each other.
func validateSwitchProfile(_ FabricConfig, _ string, spec map[string]any) error {
	others := strs(spec, "otherNames")
	switch {
	case text(spec, "displayName") == "":
		return errors.New("displayName is required")
	case len(others) > 5:
		return errors.New("otherNames must not exceed 5 items")
	}
	for i, name := range others {
		if name == "" {
			return errors.New("otherNames must not contain empty strings")
		}
		if slices.Index(others, name) != i {
			return errors.New("otherNames must not contain duplicates")
		}
	}
	switch nos := text(spec, "nosType"); {
	case text(spec, "switchSilicon") == "":
		return errors.New("switchSilicon is required")
	case nos == "":
		return errors.New("nosType is required")
	case !slices.Contains(nosTypes, nos):
		return fmt.Errorf("nosType %q is invalid", nos)
	case text(spec, "platform") == "":
		return errors.New("platform is required")
	}
	ports, profiles, groups := obj(spec, "ports"), obj(spec, "portProfiles"), obj(spec, "portGroups")
	for _, name := range meta.SortedKeys(ports) {
		port := asObject(ports[name])
		pp, g := text(port, "profile"), text(port, "group")
		switch {
		case text(port, "nos") == "":
			return fmt.Errorf("port %q must have a NOS name", name)
		case meta.Bool(port, "management"):
			continue
		case pp == "" && g == "":
			return fmt.Errorf("port %q must have a profile or group", name)
		case pp != "" && g != "":
			return fmt.Errorf("port %q must have either a profile or group, not both", name)
		case pp != "" && profiles[pp] == nil:
			return fmt.Errorf("port %q references non-existent profile %q", name, pp)
		case g != "" && groups[g] == nil:
			return fmt.Errorf("port %q references non-existent group %q", name, g)
		}
	}
	for _, name := range meta.SortedKeys(groups) {
		pp := text(asObject(groups[name]), "profile")
		switch {
		case pp == "":
			return fmt.Errorf("group %q must have a profile", name)
		case profiles[pp] == nil:
			return fmt.Errorf("group %q references non-existent profile %q", name, pp)
		case !present(asObject(profiles[pp]), "speed"):
			return fmt.Errorf("group %q references non-speed profile %q", name, pp)
		}
	}
	for _, name := range meta.SortedKeys(profiles) {
		pp := asObject(profiles[name])
		switch speed, breakout := present(pp, "speed"), present(pp, "breakout"); {
		case !speed && !breakout:
			return fmt.Errorf("profile %q must have a speed or breakout", name)
		case speed && breakout:
			return fmt.Errorf("profile %q must have either a speed or breakout, not both", name)
		}
	}
	return nil
}

// SeedSwitchProfiles creates the built-in profiles that are missing, as
// Hedgehog's controller does at start (through the webhook, which writes
// their port summaries).
func SeedSwitchProfiles(ctx context.Context, dyn dynamic.Interface) error {
	api := dyn.Resource(wiring.SwitchProfile.GVR(nil)).Namespace(meta.Namespace)
	for _, name := range meta.SortedKeys(toAny(BuiltinSwitchProfiles())) {
		u := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": wiring.SwitchProfile.APIVersion(nil), "kind": wiring.SwitchProfile.Kind,
			"metadata": map[string]any{"name": name, "namespace": meta.Namespace}, "spec": BuiltinSwitchProfiles()[name],
		}}
		if _, err := api.Create(ctx, u, metav1.CreateOptions{FieldManager: "hedgehog-stand-in"}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating the built-in switch profile %s: %w", name, err)
		}
	}
	return nil
}
