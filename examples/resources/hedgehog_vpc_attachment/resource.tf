resource "hedgehog_vpc" "vpc_01" {
  name = "vpc-01"
  subnets = {
    default = { subnet = "10.0.1.0/24", vlan = 1001, dhcp = { enable = true } }
  }
}

# The subnet default of vpc-01 on server-01's connection, as a tagged VLAN.
# The connection is part of the fabric's wiring (server-01 is cabled to the
# ESLAG pair leaf-01 and leaf-02); the attachment is named as Hedgehog names
# them, <connection>--<vpc>--<subnet>. Writing the subnet from the VPC's name
# makes Terraform create the attachment after the VPC and delete it first:
# Hedgehog refuses to delete a VPC that still has attachments.
resource "hedgehog_vpc_attachment" "server_01" {
  name            = "server-01--eslag--leaf-01--leaf-02--vpc-01--default"
  subnet          = "${hedgehog_vpc.vpc_01.name}/default"
  connection_name = "server-01--eslag--leaf-01--leaf-02"

  # Wait until the switches of the connection (leaf-01 and leaf-02) have
  # applied it.
  wait_for_applied = true
}
