# What the gateways know of a VPC (written by Hedgehog's controller).
data "hedgehog_vpc_info" "vpc_1" {
  name = "vpc-1"
}

output "vpc_1" {
  value = {
    vni = data.hedgehog_vpc_info.vpc_1.vni
    # Set once the VPC info is ready.
    internal_id = data.hedgehog_vpc_info.vpc_1.status.internal_id
  }
}
