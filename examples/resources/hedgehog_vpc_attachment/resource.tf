resource "hedgehog_vpc" "vpc_1" {
  name = "vpc-1"
  subnets = {
    default = { subnet = "10.0.1.0/24", vlan = 1001, dhcp = { enable = true } }
  }
}

# The subnet default of vpc-1 on the server's connection (created elsewhere,
# see hedgehog_connection), as a tagged VLAN. Writing the subnet from the VPC's
# name makes Terraform create the attachment after the VPC and delete it
# first: Hedgehog refuses to delete a VPC that still has attachments.
resource "hedgehog_vpc_attachment" "server_01" {
  name            = "server-01--unbundled--leaf-01--vpc-1--default"
  subnet          = "${hedgehog_vpc.vpc_1.name}/default"
  connection_name = "server-01--unbundled--leaf-01"

  # Wait until the switches of the connection have applied it.
  wait_for_applied = true
}
