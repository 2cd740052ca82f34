# What vpc-01 takes from the External "isp".
data "hedgehog_external_peering" "vpc_01_isp" {
  name = "vpc-01--isp"
}

output "vpc_01_isp_prefixes" {
  value = [for p in data.hedgehog_external_peering.vpc_01_isp.permit.external.prefixes : p.prefix]
}
