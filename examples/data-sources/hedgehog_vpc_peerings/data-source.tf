# The peerings of one VPC.
data "hedgehog_vpc_peerings" "vpc_01" {
  vpc = "vpc-01"
}

output "vpc_01_peerings" {
  value = data.hedgehog_vpc_peerings.vpc_01.names
}
