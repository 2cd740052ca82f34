# An IPv4 namespace beside the installer's `default` (10.0.0.0/16): VPCs and
# Externals that name it take their subnets from its prefixes, and may reuse
# addresses of other namespaces. Names have at most 11 characters.
resource "hedgehog_ipv4_namespace" "lab" {
  name    = "lab"
  subnets = ["10.100.0.0/16", "10.101.0.0/16"]
}
