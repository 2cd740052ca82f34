# The IPv4 namespace that the Hedgehog installer creates: VPCs and Externals
# take their subnets from it unless they name another. Refer to it; never
# declare it as a resource (it exists already, so creating it fails).
data "hedgehog_ipv4_namespace" "default" {
  name = "default"
}

output "default_ipv4_subnets" {
  value = data.hedgehog_ipv4_namespace.default.subnets
}
