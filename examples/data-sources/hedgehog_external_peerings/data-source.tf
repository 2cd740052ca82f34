# The External peerings of vpc-01.
data "hedgehog_external_peerings" "vpc_01" {
  vpc = "vpc-01"
}

output "vpc_01_external_peerings" {
  value = data.hedgehog_external_peerings.vpc_01.names
}
