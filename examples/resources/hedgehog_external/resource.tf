# A BGP External: routes from it carry the inbound community, routes to it
# get the outbound one. Left out, the IPv4 namespace is `default`.
resource "hedgehog_external" "isp" {
  name               = "isp"
  inbound_community  = "65102:5000"
  outbound_community = "5000:65102"
}

# A static External: reached through static routes to its prefixes.
resource "hedgehog_external" "dc_core" {
  name           = "dc-core"
  ipv4_namespace = "default"
  static = {
    prefixes = ["10.200.0.0/16", "10.201.0.0/16"]
  }
}
