package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

var externalAttachmentBehaviour = Behaviour{
	Kind: vpc.ExternalAttachment,
	// The switch and neighbor members are always there (re-marshalling),
	// empty for static attachments.
	Defaulting: func(spec map[string]any) {
		ensureObject(spec, "switch")
		ensureObject(spec, "neighbor")
	},
	Validate: validateExternalAttachment,
	Prefix:   "failed to validate external attachment",
	Labels: func(spec map[string]any) map[string]string {
		return map[string]string{vpc.LabelExternal: text(spec, "external"), vpc.LabelConnection: text(spec, "connection")}
	},
	Cross: externalAttachmentCross,
}

// validateExternalAttachment is upstream's: a BGP attachment has the
// switch's address and the neighbor's ASN and address; a static one has the
// remote address and either its own address or proxy ARP, and no BGP
// settings; the inbound ACL is well formed.
func validateExternalAttachment(_ FabricConfig, _ string, spec map[string]any) error {
	switch {
	case text(spec, "external") == "":
		return errors.New("external is required")
	case text(spec, "connection") == "":
		return errors.New("connection is required")
	}
	swIP, nbIP := text(spec, "switch", "ip"), text(spec, "neighbor", "ip")
	if !present(spec, "static") {
		_, _, cidrErr := net.ParseCIDR(swIP)
		switch {
		case swIP == "":
			return errors.New("switch.ip is required")
		case cidrErr != nil:
			return errors.New("switch.ip is not a valid IP CIDR")
		case num(spec, "neighbor", "asn") == 0:
			return errors.New("neighbor.asn is required")
		case nbIP == "":
			return errors.New("neighbor.ip is required")
		case net.ParseIP(nbIP) == nil:
			return errors.New("neighbor.ip is not a valid IP address")
		}
	} else {
		remote, ip := text(spec, "static", "remoteIP"), text(spec, "static", "ip")
		proxy := meta.Bool(spec, "static", "proxy")
		_, remoteErr := netip.ParseAddr(remote)
		switch {
		case swIP != "" || num(spec, "switch", "vlan") != 0:
			return errors.New("switch parameters must not be set for static external attachment")
		case num(spec, "neighbor", "asn") != 0 || nbIP != "":
			return errors.New("neighbor parameters must not be set for static external attachment")
		case remote == "":
			return errors.New("static.remoteIP is required for static external attachment")
		case remoteErr != nil:
			return errors.New("static.remoteIP is not a valid IP address")
		case (ip == "") == !proxy:
			return errors.New("either static.ip or static.proxy must be set for static external attachment")
		}
		if _, _, err := net.ParseCIDR(ip); ip != "" && err != nil {
			return errors.New("static.ip is not a valid IP CIDR")
		}
	}
	if err := validateACL(spec); err != nil {
		return fmt.Errorf("invalid inboundACL: %w", err)
	}
	return nil
}

// attachmentVLAN is the VLAN an attachment uses on its port (0: none).
func attachmentVLAN(spec map[string]any) int64 {
	if present(spec, "static") {
		return num(spec, "static", "vlan")
	}
	return num(spec, "switch", "vlan")
}

// externalAttachmentCross is upstream's attachment validation with the
// cluster: the External exists and is static exactly when the attachment
// is, the connection exists and is an external one, and no other attachment
// of the connection uses the same VLAN.
func externalAttachmentCross(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
	spec := Spec(u)
	extName := text(spec, "external")
	ext, err := s.Get(ctx, vpc.External, extName)
	if err != nil {
		return err
	}
	if ext == nil {
		return fmt.Errorf("external %s not found", extName)
	}
	switch static, externalStatic := present(spec, "static"), present(Spec(ext), "static"); {
	case static && !externalStatic:
		return fmt.Errorf("external attachment is static but external %s is not", extName)
	case !static && externalStatic:
		return fmt.Errorf("external attachment is not static but external %s is", extName)
	}
	connName := text(spec, "connection")
	conn, err := s.Get(ctx, wiring.Connection, connName)
	if err != nil {
		return err
	}
	if conn == nil {
		return fmt.Errorf("connection %s not found", connName)
	}
	if !present(Spec(conn), "external") {
		return fmt.Errorf("connection %s is not external", connName)
	}
	others, err := s.ListByLabel(ctx, vpc.ExternalAttachment.Kind, vpc.LabelConnection, connName)
	if err != nil {
		return err
	}
	vlan := attachmentVLAN(spec)
	for _, o := range byName(others) {
		if o.GetName() != u.GetName() && attachmentVLAN(Spec(&o)) == vlan {
			return fmt.Errorf("connection %s already has an external attachment with VLAN %d", connName, vlan)
		}
	}
	return nil
}
