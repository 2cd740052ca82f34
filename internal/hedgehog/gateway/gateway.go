// Package gateway declares the kinds of Hedgehog's gateway.githedgehog.com/
// v1alpha1 API: gateway groups, gateways, gateway peerings (with NAT and
// ACLs) and the controller's VPCInfo. One declaration per kind: its
// attributes, the webhook's plan-time rules in the API's own words (these
// webhooks add no prefix to their messages), and the webhook's defaults.
package gateway

import (
	"strings"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Group and Version of the API.
const (
	Group   = "gateway.githedgehog.com"
	Version = "v1alpha1"
)

// Kinds are the kinds of the API, in the order that creates need: a
// Gateway's groups and a peering's group must exist first.
var Kinds = []*kinds.Kind{GatewayGroup, Gateway, GatewayPeering, VPCInfo}

// DefaultGroup is the GatewayGroup that gateways and peerings belong to
// when they name none. The controller creates it only once a Gateway or a
// peering has been admitted, and their admission needs it: create it first.
const DefaultGroup = "default"

// ExtPrefix starts a peering side (and a VPCInfo name) that is an External:
// "ext.<external>". VPC names may not start with it.
const ExtPrefix = "ext."

// labelPrefix starts the labels the peering webhook keeps, one per side.
const labelPrefix = "vpc.gateway.githedgehog.com/"

// VPCLabel is the "vpc.gateway.githedgehog.com/<side>: true" label of the
// peerings of a VPC (or, for "ext.<name>", of an External).
func VPCLabel(side string) string { return labelPrefix + side }

// serverLabel tells the labels the peering webhook computes from the spec.
func serverLabel(key string) bool { return strings.HasPrefix(key, labelPrefix) }

// maxInt32 bounds the API's integers: its CRDs declare them int32, and the
// API server refuses larger values before any webhook sees them.
const maxInt32 = 1<<31 - 1
