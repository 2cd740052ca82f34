# The VLAN namespace that the Hedgehog installer creates: VPC subnets take
# their VLANs from its ranges unless the VPC names another. Refer to it;
# never declare it as a resource (it exists already, so creating it fails).
data "hedgehog_vlan_namespace" "default" {
  name = "default"
}

output "default_vlan_ranges" {
  value = [for r in data.hedgehog_vlan_namespace.default.ranges : "${r.from}-${r.to}"]
}
