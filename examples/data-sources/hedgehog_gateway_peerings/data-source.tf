# The gateway peerings of a VPC, and those of an External (the side
# "ext.<external>").
data "hedgehog_gateway_peerings" "vpc_02" {
  vpc = "vpc-02"
}

data "hedgehog_gateway_peerings" "isp" {
  vpc = "ext.isp"
}

output "gateway_peerings" {
  value = {
    vpc_02 = data.hedgehog_gateway_peerings.vpc_02.names
    isp    = data.hedgehog_gateway_peerings.isp.names
  }
}
