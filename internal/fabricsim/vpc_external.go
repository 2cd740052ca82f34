package fabricsim

import (
	"context"
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
)

var externalBehaviour = Behaviour{
	Kind:    vpc.External,
	Default: declaredDefault(vpc.External), Validate: declaredValidate(vpc.External),
	Prefix: "error validating external",
	Labels: func(spec map[string]any) map[string]string {
		ns, _ := meta.Str(spec, "ipv4Namespace")
		return map[string]string{vpc.LabelIPv4Namespace: ns}
	},
	Cross: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		ns, _ := meta.Str(Spec(u), "ipv4Namespace")
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
