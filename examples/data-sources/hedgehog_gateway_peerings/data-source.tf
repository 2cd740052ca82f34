# The gateway peerings of a VPC, and those of an External (side "ext.<name>").
data "hedgehog_gateway_peerings" "vpc_1" {
  vpc = "vpc-1"
}

data "hedgehog_gateway_peerings" "internet" {
  vpc = "ext.internet"
}

output "peerings" {
  value = {
    vpc_1    = data.hedgehog_gateway_peerings.vpc_1.names
    internet = data.hedgehog_gateway_peerings.internet.names
  }
}
