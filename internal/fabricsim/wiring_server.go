package fabricsim

import (
	"context"
	"errors"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

var serverBehaviour = Behaviour{
	Kind:    wiring.Server,
	Default: declaredDefault(wiring.Server), Validate: declaredValidate(wiring.Server),
	Prefix: "error validating server",
	DeleteBlocked: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		conns, err := s.ListByLabel(ctx, wiring.Connection.Kind, wiring.ServerLabel(u.GetName()), "true")
		if err != nil {
			return err
		}
		if len(conns) > 0 {
			return errors.New("server has connections")
		}
		return nil
	},
}

// Hedgehog registers no webhook for switch groups.
var switchGroupBehaviour = Behaviour{Kind: wiring.SwitchGroup, NoWebhook: true}
