resource "hedgehog_vpc" "vpc_01" {
  name = "vpc-01"
  subnets = {
    default = { subnet = "10.0.1.0/24", vlan = 1001 }
    web     = { subnet = "10.0.2.0/24", vlan = 1002 }
  }
}

resource "hedgehog_vpc" "vpc_02" {
  name = "vpc-02"
  subnets = {
    default = { subnet = "10.0.3.0/24", vlan = 1003 }
  }
}

# vpc-01's subnet web and all of vpc-02 (subnets = null) may reach each
# other. The peering is named <vpc>--<vpc>, as Hedgehog names them. The keys
# written as references make Terraform create the peering after both VPCs
# and delete it first.
resource "hedgehog_vpc_peering" "vpc_01__vpc_02" {
  name = "vpc-01--vpc-02"
  permit = [{
    (hedgehog_vpc.vpc_01.name) = { subnets = ["web"] }
    (hedgehog_vpc.vpc_02.name) = { subnets = null }
  }]
}
