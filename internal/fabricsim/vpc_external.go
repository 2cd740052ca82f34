package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"regexp"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
)

// communityPart is one half of a BGP community: 0 to 65535 without leading
// zeros.
const communityPart = `(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{1,3}|[0-9])`

var community = regexp.MustCompile("^" + communityPart + ":" + communityPart + "$")

var externalBehaviour = Behaviour{
	Kind: vpc.External,
	Defaulting: func(spec map[string]any) {
		if text(spec, "ipv4Namespace") == "" {
			spec["ipv4Namespace"] = "default"
		}
	},
	Validate: validateExternal,
	Prefix:   "error validating external",
	Labels: func(spec map[string]any) map[string]string {
		return map[string]string{vpc.LabelIPv4Namespace: text(spec, "ipv4Namespace")}
	},
	Cross: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		ns := text(Spec(u), "ipv4Namespace")
		found, err := s.Get(ctx, vpc.IPv4Namespace, ns)
		if err != nil {
			return err
		}
		if found == nil {
			return fmt.Errorf("IPv4Namespace %s not found", ns)
		}
		return nil
	},
	DeleteBlocked: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		for _, k := range []struct{ kind, msg string }{
			{"ExternalAttachment", "external has attachments"}, {"ExternalPeering", "external has peerings"},
		} {
			users, err := s.ListByLabel(ctx, k.kind, vpc.LabelExternal, u.GetName())
			if err != nil {
				return err
			}
			if len(users) > 0 {
				return errors.New(k.msg)
			}
		}
		return nil
	},
}

// validateExternal is upstream's: a short name; a BGP External's
// communities (optional) well formed; a static one without communities and
// with at least one prefix, none overlapping another.
func validateExternal(_ FabricConfig, name string, spec map[string]any) error {
	switch {
	case len(name) > 11:
		return fmt.Errorf("name %s is too long, must be <= 11 characters", name)
	case text(spec, "ipv4Namespace") == "":
		return errors.New("IPv4Namespace is required")
	}
	in, out := text(spec, "inboundCommunity"), text(spec, "outboundCommunity")
	if !present(spec, "static") {
		switch {
		case in != "" && !community.MatchString(in):
			return fmt.Errorf("inboundCommunity %s is not a valid community, example 50000:50001", in)
		case out != "" && !community.MatchString(out):
			return fmt.Errorf("outboundCommunity %s is not a valid community, example 50000:50001", out)
		}
		return nil
	}
	if in != "" || out != "" {
		return errors.New("inboundCommunity and outboundCommunity must be empty when static configuration is present")
	}
	prefixes := strs(spec, "static", "prefixes")
	if len(prefixes) == 0 {
		return errors.New("at least one prefix must be specified for static externals")
	}
	parsed := make([]netip.Prefix, 0, len(prefixes))
	for _, s := range prefixes {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return fmt.Errorf("invalid prefix %s in static external configuration: %w", s, err)
		}
		parsed = append(parsed, p)
	}
	for i, a := range parsed {
		for _, b := range parsed[i+1:] {
			if a.Overlaps(b) {
				return fmt.Errorf("static prefixes %s and %s overlap with each other", a, b)
			}
		}
	}
	return nil
}
