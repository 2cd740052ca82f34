data "hedgehog_vpc" "vpc_1" {
  name = "vpc-1"
}

output "vpc_1_gateways" {
  value = { for name, s in data.hedgehog_vpc.vpc_1.subnets : name => s.gateway }
}
