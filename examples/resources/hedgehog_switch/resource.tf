# A leaf of an ESLAG pair, with the addresses `hhfab build` would hydrate: the
# API refuses a switch without its ASN, management IP and protocol IP (and, for
# a leaf of a spine-leaf fabric, its VTEP IP). It takes its VLANs from the
# `default` VLAN namespace, which every Hedgehog installation has.
resource "hedgehog_switch_group" "eslag_1" {
  name = "eslag-1"
}

resource "hedgehog_switch" "leaf_01" {
  name        = "leaf-01"
  role        = "server-leaf"
  description = "leaf 1, ESLAG 1"
  profile     = "vs"
  redundancy = {
    group = hedgehog_switch_group.eslag_1.name
    type  = "eslag"
  }
  vlan_namespaces = ["default"]
  asn             = 65101
  ip              = "172.30.0.11/21"
  vtep_ip         = "172.30.12.1/32"
  protocol_ip     = "172.30.8.11/32"
  boot = {
    mac = "0c:20:12:ff:00:00"
  }
  port_group_speeds = { "1" = "10G" }

  # Wait until the switch's agent reports the change applied.
  wait_for_applied = true
}
