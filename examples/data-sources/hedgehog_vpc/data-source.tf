data "hedgehog_vpc" "vpc_01" {
  name = "vpc-01"
}

output "vpc_01_gateways" {
  value = { for name, s in data.hedgehog_vpc.vpc_01.subnets : name => s.gateway }
}
