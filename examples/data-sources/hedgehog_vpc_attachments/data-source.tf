# The attachments of one VPC.
data "hedgehog_vpc_attachments" "vpc_01" {
  vpc = "vpc-01"
}

output "vpc_01_connections" {
  value = [for a in data.hedgehog_vpc_attachments.vpc_01.vpc_attachments : a.connection_name]
}
