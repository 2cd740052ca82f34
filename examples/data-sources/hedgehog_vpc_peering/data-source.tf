data "hedgehog_vpc_peering" "vpc_01__vpc_02" {
  name = "vpc-01--vpc-02"
}

# The VPCs the peering joins.
output "vpc_01__vpc_02_vpcs" {
  value = sort(keys(data.hedgehog_vpc_peering.vpc_01__vpc_02.permit[0]))
}
