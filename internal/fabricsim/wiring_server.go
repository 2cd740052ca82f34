package fabricsim

import (
	"context"
	"errors"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

// Upstream's Server webhook defaults the namespace, cleans the fabric labels
// and checks the metadata; it refuses a delete while connections use the
// server.
var serverBehaviour = Behaviour{
	Kind:   wiring.Server,
	Prefix: "error validating server",
	Labels: func(map[string]any) map[string]string { return map[string]string{} },
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
