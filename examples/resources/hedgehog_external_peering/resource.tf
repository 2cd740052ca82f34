# vpc-01 reaches the Internet through the External "isp": its subnet
# "default" is advertised to the External, and every route of the External
# (the default route included) is let into the VPC. In a configuration that
# also holds the VPC and the External, refer to them (hedgehog_vpc.vpc_01.name)
# so that Terraform deletes the peering first.
resource "hedgehog_external_peering" "vpc_01_isp" {
  name = "vpc-01--isp"
  permit = {
    vpc      = { name = "vpc-01", subnets = ["default"] }
    external = { name = "isp", prefixes = [{ prefix = "0.0.0.0/0" }] }
  }
  wait_for_applied = true
}
