package provider

import (
	"errors"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// MaxASN is the largest autonomous system number a fabric may use
// (4294967295 is reserved).
const MaxASN = 4294967294

// fabricKind is the Fabric custom resource (group and version come from the
// provider configuration).
var fabricKind = &kinds.Kind{
	TypeName:     "fabric",
	ListTypeName: "fabrics",
	Kind:         "Fabric",
	Plural:       "fabrics",
	Description: "The design-time description of a fabric that the NetBox Hedgehog integration uses: spine and leaf counts " +
		"under one BGP autonomous system and free-form settings, kept as a `Fabric` object (`fabrics." + DefaultGroup + "/" +
		DefaultVersion + "` unless the provider says otherwise). Hedgehog itself neither serves nor reconciles this kind: " +
		"the cluster needs its CRD (`hedgehog_crds` installs it) and a reconciler of its own to report it `Ready`. The " +
		"switches, connections and VPCs of a running Hedgehog fabric are `hedgehog_switch`, `hedgehog_connection`, " +
		"`hedgehog_vpc` and the other resources of the Hedgehog API. The object is written by server-side apply, so only " +
		"the fields set here are managed.",
	NameInSpec: "name",
	OwnCRD:     true,
	Spec: []kinds.Attr{
		{Name: "description", JSON: "description", Type: kinds.String,
			Description: "Free text for people (at most 1024 characters).",
			String:      []validator.String{stringvalidator.LengthAtMost(1024)}},
		{Name: "asn", JSON: "asn", Type: kinds.Int64, Required: true,
			Description: "The fabric's BGP autonomous system number, from 1 to 4294967294 (32-bit ASNs included).",
			Int64:       []validator.Int64{int64validator.Between(1, MaxASN)}},
		{Name: "spine_count", JSON: "spine_count", Type: kinds.Int64, Default: int64(0),
			Description: "The number of spine switches; not negative. Default `0`.",
			Int64:       []validator.Int64{int64validator.AtLeast(0)}},
		{Name: "leaf_count", JSON: "leaf_count", Type: kinds.Int64, Default: int64(0),
			Description: "The number of leaf switches; not negative. Default `0`.",
			Int64:       []validator.Int64{int64validator.AtLeast(0)}},
		{Name: "spine_leaf_links", JSON: "spine_leaf_links", Type: kinds.FreeForm,
			Description: "How spines and leaves are linked, as an object written in HCL with any content (for example " +
				"`{ links_per_pair = 2, speed = \"100G\" }`). Key order, number formats (`2` or `2.0`) and an empty object " +
				"versus none never show as a difference."},
		{Name: "vpc_peering_config", JSON: "vpc_peering_config", Type: kinds.FreeForm,
			Description: "VPC peering settings, as an object written in HCL with any content."},
		{Name: "switch_config", JSON: "switch_config", Type: kinds.FreeForm,
			Description: "Settings for every switch, as an object written in HCL with any content."},
	},
	Status: []kinds.Attr{
		{Name: "phase", JSON: "phase", Type: kinds.String,
			Description: "`Pending` until the fabric operator has reconciled the fabric, then `Ready` or `Failed`."},
		{Name: "conditions", JSON: "conditions", Type: kinds.List, Description: "The operator's conditions.",
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "type", JSON: "type", Type: kinds.String, Description: "The condition, such as `Ready`."},
				{Name: "status", JSON: "status", Type: kinds.String, Description: "`True`, `False` or `Unknown`."},
				{Name: "reason", JSON: "reason", Type: kinds.String, Description: "A CamelCase reason."},
				{Name: "message", JSON: "message", Type: kinds.String, Description: "A message for people."},
				{Name: "last_transition_time", JSON: "lastTransitionTime", Type: kinds.String,
					Description: "When the status last changed (RFC 3339)."},
				{Name: "observed_generation", JSON: "observedGeneration", Type: kinds.Int64,
					Description: "The generation the condition was set for."},
			}}},
		{Name: "spine_status", JSON: "spine_status", Type: kinds.Map, Elem: kinds.StringElem,
			Description: "Each spine switch's state, such as `Ready`, by switch name."},
		{Name: "leaf_status", JSON: "leaf_status", Type: kinds.Map, Elem: kinds.StringElem,
			Description: "Each leaf switch's state, such as `Ready`, by switch name."},
		{Name: "last_sync_time", JSON: "last_sync_time", Type: kinds.String,
			Description: "When the operator last synchronised the fabric (RFC 3339)."},
		{Name: "sync_error", JSON: "sync_error", Type: kinds.String,
			Description: "Why the last synchronisation failed, when it did."},
	},
	Ready: fabricReady,
	ReadyDescription: "the fabric operator reports `status.phase = \"Ready\"` with a `Ready` condition for the object's current " +
		"generation; `Failed` ends the wait at once with `status.sync_error` in the error.",
}

// fabricReady tells whether the operator has finished with the fabric's
// current generation. A Ready condition from an older generation is stale;
// without conditions, the phase alone decides.
func fabricReady(u *unstructured.Unstructured) (bool, error) {
	phase, _, _ := unstructured.NestedString(u.Object, "status", "phase")
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	current := true
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] != "Ready" {
			continue
		}
		observed, _, _ := unstructured.NestedInt64(m, "observedGeneration")
		current = observed == u.GetGeneration()
	}
	if !current {
		return false, nil
	}
	switch phase {
	case "Ready":
		return true, nil
	case "Failed":
		msg, _, _ := unstructured.NestedString(u.Object, "status", "sync_error")
		if msg == "" {
			msg = "no sync_error given"
		}
		return false, errors.New("the fabric operator reports status.phase Failed: " + msg)
	}
	return false, nil
}
