package fabricsim

import (
	"context"
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
)

var ipv4NamespaceBehaviour = Behaviour{
	Kind:    vpc.IPv4Namespace,
	Default: declaredDefault(vpc.IPv4Namespace), Validate: declaredValidate(vpc.IPv4Namespace),
	Prefix: "failed to validate ipv4namespace",
	Cross: func(_ context.Context, s *Store, u *unstructured.Unstructured) error {
		l, _ := meta.List(Spec(u), "subnets")
		for _, subnet := range meta.Strings(l) {
			if msg, ok := meta.OverlapProblem(append([]string{subnet}, s.Fabric.ReservedSubnets...), func(a, b string) string {
				return fmt.Sprintf("subnets overlap with reserved subnets: subnets %s and %s overlap", a, b)
			}); ok {
				return errors.New(msg)
			}
		}
		return nil
	},
	DeleteBlocked: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		for _, k := range []struct {
			kind  string
			label string
		}{{"VPC", "VPCs"}, {"External", "externals"}} {
			users, err := s.ListByLabel(ctx, k.kind, "fabric.githedgehog.com/ipv4ns", u.GetName())
			if err != nil {
				return err
			}
			if len(users) > 0 {
				return fmt.Errorf("IPv4Namespace has %s", k.label)
			}
		}
		return nil
	},
}
