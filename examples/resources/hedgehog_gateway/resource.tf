# A gateway node added to a running fabric (the installer writes the gateways
# of the wiring it installed): its loopback and VTEP, two uplinks to spine-01
# with a BGP session over each, and the groups it serves: the installer's
# `default` and a group of its own. Its addresses are the fabric's: a /32 of
# the protocol subnet and one of the VTEP subnet, and a /31 of the fabric
# subnet for each link, used by no switch and no other gateway.
resource "hedgehog_gateway_group" "edge" {
  name = "edge"
}

resource "hedgehog_gateway" "gateway_2" {
  name        = "gateway-2"
  protocol_ip = "172.30.8.7/32"
  vtep_ip     = "172.30.12.7/32"
  vtep_mac    = "ca:fe:ba:be:00:02"
  asn         = 65534
  vtep_mtu    = 9100
  interfaces = {
    enp2s1 = { ips = ["172.30.128.9/31"], mtu = 9100 }
    enp2s2 = { ips = ["172.30.128.11/31"], mtu = 9100 }
  }
  neighbors = [
    { source = "enp2s1", ip = "172.30.128.8", asn = 65100 },
    { source = "enp2s2", ip = "172.30.128.10", asn = 65100 },
  ]
  groups = [
    { name = "default" },
    { name = hedgehog_gateway_group.edge.name, priority = 10 },
  ]
  # Left out: workers = 4, logs at level info; profiling off.
}

# Its uplinks, named <switch>--gateway--<gateway> as Hedgehog names them: the
# gateway's ends are the interfaces above, the spine's ends its neighbours.
resource "hedgehog_connection" "spine_01__gateway_2" {
  name = "spine-01--gateway--gateway-2"
  gateway = {
    links = [
      {
        switch  = { port = "spine-01/E1/6", ip = "172.30.128.8/31" }
        gateway = { port = "${hedgehog_gateway.gateway_2.name}/enp2s1", ip = "172.30.128.9/31" }
      },
      {
        switch  = { port = "spine-01/E1/7", ip = "172.30.128.10/31" }
        gateway = { port = "${hedgehog_gateway.gateway_2.name}/enp2s2", ip = "172.30.128.11/31" }
      },
    ]
  }
}
