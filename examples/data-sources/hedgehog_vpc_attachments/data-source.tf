# The attachments of one VPC.
data "hedgehog_vpc_attachments" "vpc_1" {
  vpc = "vpc-1"
}

output "vpc_1_connections" {
  value = [for a in data.hedgehog_vpc_attachments.vpc_1.vpc_attachments : a.connection_name]
}
