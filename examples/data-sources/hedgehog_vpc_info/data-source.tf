# What the gateways know of vpc-01 (Hedgehog's controller writes it for every
# VPC when the fabric runs the gateway). It is ready, and gateway peerings
# are admitted, once the controller has given it an internal ID.
data "hedgehog_vpc_info" "vpc_01" {
  name = "vpc-01"
}

output "vpc_01_info" {
  value = {
    subnets = { for name, s in data.hedgehog_vpc_info.vpc_01.subnets : name => s.cidr }
    ready   = data.hedgehog_vpc_info.vpc_01.status.internal_id != ""
  }
}
