# A VPC with two subnets: one served by Hedgehog's DHCP server, one isolated
# subnet that only the first may reach. Left out, the gateway is the subnet's
# first address and the DHCP range runs from its third to its last address:
# the plan shows them, and they are never a difference. The prefixes come
# from the installer's `default` IPv4 namespace (10.0.0.0/16) and the VLANs
# from its `default` VLAN namespace (1000-2999), named here for clarity.
resource "hedgehog_vpc" "vpc_01" {
  name           = "vpc-01"
  ipv4_namespace = "default"
  vlan_namespace = "default"

  subnets = {
    default = {
      subnet = "10.0.1.0/24"
      vlan   = 1001
      dhcp = {
        enable = true
        options = {
          dns_servers  = ["1.1.1.1", "1.0.0.1"]
          time_servers = ["10.0.1.2"]
        }
        static = {
          "0c:20:12:fe:01:01" = { ip = "10.0.1.10" }
        }
      }
    }
    backend = {
      subnet   = "10.0.2.0/24"
      vlan     = 1002
      isolated = true
    }
  }
  permit = [["default", "backend"]]

  static_routes = [{
    prefix    = "10.99.0.0/16"
    next_hops = ["10.0.1.254"]
  }]
}
