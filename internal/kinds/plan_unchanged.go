package kinds

import "github.com/hashicorp/terraform-plugin-go/tftypes"

// serverMeta are the attributes that only the server changes, on every
// write: a plan marks them unknown whenever it plans an update.
var serverMeta = []string{"generation", "resource_version", "status"}

// unchanged tells whether a plan, its server defaults predicted, holds the
// prior state's values everywhere but in serverMeta. Terraform proposes a
// Computed nested attribute that the configuration leaves out as null when
// the prior value holds attributes that are not Computed (it takes them for
// a configuration's): the framework then plans an update, and only the
// prediction shows that nothing changes.
func unchanged(prior, plan map[string]tftypes.Value) bool {
	for name, v := range plan {
		if isServerMeta(name) {
			continue
		}
		if p, ok := prior[name]; !ok || !p.Equal(v) {
			return false
		}
	}
	return true
}

func isServerMeta(name string) bool {
	for _, m := range serverMeta {
		if m == name {
			return true
		}
	}
	return false
}

// keepServerMeta takes the server's attributes from the prior state: the
// plan changes nothing.
func keepServerMeta(prior, plan map[string]tftypes.Value) {
	for _, name := range serverMeta {
		if v, ok := prior[name]; ok {
			plan[name] = v
		}
	}
}
