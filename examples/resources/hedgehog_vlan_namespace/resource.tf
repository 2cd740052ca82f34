# The VLANs that VPC subnets of this namespace, and the switches that use it,
# take theirs from. The API server keeps the ranges sorted; a range without
# `to` is the one VLAN `from`.
resource "hedgehog_vlan_namespace" "default" {
  name = "default"
  ranges = [
    { from = 1000, to = 2999 },
  ]
}
