# The same objects as Terraform.
resource "hedgehog_vpc" "prod" {
  name = "prod"
  subnets = {
    web = {
      subnet = "10.0.1.0/24"
      vlan   = 1001
      dhcp   = { enable = true, range = { start = "10.0.1.10" } }
    }
    db = {
      subnet = "10.0.2.0/24"
      vlan   = 1002
    }
  }
}

resource "hedgehog_vpc" "shared" {
  name = "shared"
  subnets = {
    dns = {
      subnet = "10.0.10.0/24"
      vlan   = 1010
    }
  }
}

resource "hedgehog_vpc_attachment" "web" {
  name            = "server-07--prod--web"
  connection_name = "server-07--unbundled--leaf-03"
  subnet          = "${hedgehog_vpc.prod.name}/web"
}

resource "hedgehog_vpc_peering" "prod_shared" {
  name   = "prod--shared"
  permit = [{ (hedgehog_vpc.prod.name) = { subnets = null }, (hedgehog_vpc.shared.name) = { subnets = null } }]
}
