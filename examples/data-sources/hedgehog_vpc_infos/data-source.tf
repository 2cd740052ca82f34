# Every VPC info: one per VPC and one per External ("ext.<external>").
data "hedgehog_vpc_infos" "all" {}

output "vpc_infos" {
  value = data.hedgehog_vpc_infos.all.names
}
