package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

var errBuiltinProfile = errors.New("default switch profiles are immutable")

var switchProfileBehaviour = Behaviour{
	Kind:    wiring.SwitchProfile,
	Default: declaredDefault(wiring.SwitchProfile), Validate: declaredValidate(wiring.SwitchProfile),
	Prefix: "error validating switchprofile",
	Cross: func(_ context.Context, s *Store, u *unstructured.Unstructured) error {
		builtin, ok := BuiltinSwitchProfiles()[u.GetName()]
		switch {
		case !ok && !s.Fabric.AllowExtraSwitchProfiles:
			return Bare(errors.New("only default switch profiles are allowed"))
		case ok && !kinds.Equivalent(builtin, Spec(u)):
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

// BuiltinSwitchProfiles are the profiles the stand-in's controller keeps, by
// name: the virtual switch `vs` of Hedgehog's virtual lab (48 ports of 25G
// in 12 groups of 4, no breakouts).
func BuiltinSwitchProfiles() map[string]map[string]any {
	ports := map[string]any{"M1": map[string]any{"nos": "Management0", "management": true, "oniePortName": "eth0"}}
	groups := map[string]any{}
	for i := 1; i <= 48; i++ {
		group := strconv.Itoa((i-1)/4 + 1)
		ports[fmt.Sprintf("E1/%d", i)] = map[string]any{"nos": fmt.Sprintf("Ethernet%d", i-1), "label": strconv.Itoa(i), "group": group}
		groups[group] = map[string]any{"nos": group, "profile": "SFP28-25G"}
	}
	return map[string]map[string]any{"vs": {
		"displayName":   "Virtual Switch",
		"switchSilicon": "vs",
		"features": map[string]any{"subinterfaces": true, "l2vni": true, "l3vni": true, "roce": true, "mclag": true,
			"eslag": true},
		"nosType":    "sonic-bcm-vs",
		"platform":   "x86_64-kvm_x86_64-r0",
		"config":     map[string]any{"maxPathsEBGP": int64(16)},
		"ports":      ports,
		"portGroups": groups,
		"portProfiles": map[string]any{"SFP28-25G": map[string]any{
			"speed": map[string]any{"default": "25G", "supported": []any{"10G", "25G"}}}},
	}}
}

// SeedSwitchProfiles creates the built-in profiles that are missing, as
// Hedgehog's controller does at start.
func SeedSwitchProfiles(ctx context.Context, dyn dynamic.Interface) error {
	api := dyn.Resource(wiring.SwitchProfile.GVR(nil)).Namespace(meta.Namespace)
	for name, spec := range BuiltinSwitchProfiles() {
		u := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": wiring.SwitchProfile.APIVersion(nil), "kind": wiring.SwitchProfile.Kind,
			"metadata": map[string]any{"name": name, "namespace": meta.Namespace}, "spec": spec,
		}}
		if _, err := api.Create(ctx, u, metav1.CreateOptions{FieldManager: "hedgehog-stand-in"}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating the built-in switch profile %s: %w", name, err)
		}
	}
	return nil
}
