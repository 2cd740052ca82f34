package fabricsim

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

var externalAttachmentBehaviour = Behaviour{
	Kind:    vpc.ExternalAttachment,
	Default: declaredDefault(vpc.ExternalAttachment), Validate: declaredValidate(vpc.ExternalAttachment),
	Prefix: "failed to validate external attachment",
	Labels: func(spec map[string]any) map[string]string {
		ext, _ := meta.Str(spec, "external")
		conn, _ := meta.Str(spec, "connection")
		return map[string]string{vpc.LabelExternal: ext, vpc.LabelConnection: conn}
	},
	Cross: externalAttachmentCross,
}

// externalAttachmentCross is what upstream checks against other objects:
// the External exists and is static exactly when the attachment is, the
// connection exists and is an external one, and no other attachment of the
// connection uses the same VLAN.
func externalAttachmentCross(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
	spec := Spec(u)
	extName, _ := meta.Str(spec, "external")
	ext, err := s.Get(ctx, vpc.External, extName)
	if err != nil {
		return err
	}
	if ext == nil {
		return fmt.Errorf("external %s not found", extName)
	}
	attachmentStatic, _ := vpc.IsStatic(spec)
	externalStatic, _ := vpc.IsStatic(Spec(ext))
	switch {
	case attachmentStatic && !externalStatic:
		return fmt.Errorf("external attachment is static but external %s is not", extName)
	case !attachmentStatic && externalStatic:
		return fmt.Errorf("external attachment is not static but external %s is", extName)
	}
	connName, _ := meta.Str(spec, "connection")
	conn, err := s.Get(ctx, wiring.Connection, connName)
	if err != nil {
		return err
	}
	if conn == nil {
		return fmt.Errorf("connection %s not found", connName)
	}
	if v, ok := Spec(conn)["external"]; !ok || v == nil {
		return fmt.Errorf("connection %s is not external", connName)
	}
	others, err := s.ListByLabel(ctx, "ExternalAttachment", vpc.LabelConnection, connName)
	if err != nil {
		return err
	}
	vlan := vpc.AttachmentVLAN(spec)
	for _, o := range others {
		if o.GetName() != u.GetName() && vpc.AttachmentVLAN(Spec(&o)) == vlan {
			return fmt.Errorf("connection %s already has an external attachment with VLAN %d", connName, vlan)
		}
	}
	return nil
}
