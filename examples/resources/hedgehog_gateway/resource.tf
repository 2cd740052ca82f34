resource "hedgehog_gateway_group" "default" {
  name = "default"
}

resource "hedgehog_gateway_group" "edge" {
  name = "edge"
}

# One gateway node, with two uplinks to a leaf (a `gateway` connection links
# them) and a BGP session over each, serving both groups.
resource "hedgehog_gateway" "gw_01" {
  name        = "gw-01"
  protocol_ip = "172.30.8.6/32"
  vtep_ip     = "172.30.12.6/32"
  vtep_mac    = "ca:fe:ba:be:00:01"
  asn         = 65534
  vtep_mtu    = 9100
  interfaces = {
    enp2s1 = { ips = ["172.30.128.1/31"], mtu = 9100 }
    enp2s2 = { ips = ["172.30.128.3/31"], mtu = 9100 }
  }
  neighbors = [
    { source = "enp2s1", ip = "172.30.128.0", asn = 65100 },
    { source = "enp2s2", ip = "172.30.128.2", asn = 65100 },
  ]
  groups = [
    { name = hedgehog_gateway_group.default.name },
    { name = hedgehog_gateway_group.edge.name, priority = 10 },
  ]
  # Left out: workers = 4, logs at level info; profiling off.
}
