resource "hedgehog_vpc" "vpc_1" {
  name = "vpc-1"
  subnets = {
    default = { subnet = "10.0.1.0/24", vlan = 1001 }
    web     = { subnet = "10.0.2.0/24", vlan = 1002 }
  }
}

resource "hedgehog_vpc" "vpc_2" {
  name = "vpc-2"
  subnets = {
    default = { subnet = "10.0.3.0/24", vlan = 1003 }
  }
}

# vpc-1's subnet web and all of vpc-2 (subnets = null) may reach each other. The keys written
# as references make Terraform create the peering after both VPCs and delete it
# first.
resource "hedgehog_vpc_peering" "vpc_1__vpc_2" {
  name = "vpc-1--vpc-2"
  permit = [{
    (hedgehog_vpc.vpc_1.name) = { subnets = ["web"] }
    (hedgehog_vpc.vpc_2.name) = { subnets = null }
  }]
}
