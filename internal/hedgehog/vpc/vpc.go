// Package vpc declares the kinds of Hedgehog's vpc.githedgehog.com/v1beta1
// API: one declaration per kind (its attributes, the webhook's plan-time
// rules in the API's own words, and the webhook's defaults).
package vpc

import "github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"

// Group and Version of the API.
const (
	Group   = "vpc.githedgehog.com"
	Version = "v1beta1"
)

// Kinds are the kinds of the API, in the order that creates need.
var Kinds = []*kinds.Kind{IPv4Namespace, VPC, External, VPCAttachment, VPCPeering, ExternalAttachment, ExternalPeering}
