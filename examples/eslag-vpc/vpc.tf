# server-01 is cabled to the ESLAG pair leaf-01 and leaf-02: its connection
# is in the fabric's wiring. Reading it fails the plan if it is not there.
data "hedgehog_connection" "server_01" {
  name = "server-01--eslag--leaf-01--leaf-02"
}

# A VPC whose subnet Hedgehog's DHCP server serves. Its prefix and VLAN come
# from the `default` namespaces that every Hedgehog installation has.
resource "hedgehog_vpc" "vpc_01" {
  name = "vpc-01"
  subnets = {
    default = {
      subnet = "10.0.1.0/24"
      vlan   = 1001
      dhcp   = { enable = true }
    }
  }
  wait_for_applied = true
}

# The subnet on server-01's connection: apply returns once leaf-01 and
# leaf-02 have applied it.
resource "hedgehog_vpc_attachment" "server_01" {
  name             = "server-01--eslag--leaf-01--leaf-02--vpc-01--default"
  connection_name  = data.hedgehog_connection.server_01.name
  subnet           = "${hedgehog_vpc.vpc_01.name}/default"
  wait_for_applied = true
}

# A second VPC, and a peering that lets the two reach each other.
resource "hedgehog_vpc" "vpc_02" {
  name = "vpc-02"
  subnets = {
    default = { subnet = "10.0.2.0/24", vlan = 1002 }
  }
  wait_for_applied = true
}

resource "hedgehog_vpc_peering" "vpc_01__vpc_02" {
  name = "vpc-01--vpc-02"
  permit = [{
    (hedgehog_vpc.vpc_01.name) = { subnets = null }
    (hedgehog_vpc.vpc_02.name) = { subnets = null }
  }]
  wait_for_applied = true
}
