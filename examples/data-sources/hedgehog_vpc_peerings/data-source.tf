# The peerings of one VPC.
data "hedgehog_vpc_peerings" "vpc_1" {
  vpc = "vpc-1"
}

output "vpc_1_peerings" {
  value = data.hedgehog_vpc_peerings.vpc_1.names
}
