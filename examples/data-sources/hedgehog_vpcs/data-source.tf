# The VPCs of one IPv4 namespace.
data "hedgehog_vpcs" "default" {
  ipv4_namespace = "default"
}

output "vpcs" {
  value = data.hedgehog_vpcs.default.names
}
