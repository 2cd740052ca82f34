# The same gateway objects as Terraform.
resource "hedgehog_gateway_group" "default" {
  name = "default"
}

resource "hedgehog_gateway" "gw_01" {
  name        = "gw-01"
  protocol_ip = "172.30.8.6/32"
  vtep_ip     = "172.30.12.6/32"
  vtep_mac    = "ca:fe:ba:be:00:01"
  asn         = 65534
  interfaces = {
    enp2s1 = { ips = ["172.30.128.1/31"] }
  }
  neighbors = [{ source = "enp2s1", ip = "172.30.128.0", asn = 65100 }]
  groups    = [{ name = hedgehog_gateway_group.default.name }]
}

resource "hedgehog_gateway_peering" "prod_internet" {
  name = "prod--internet"
  peering = {
    (hedgehog_vpc.prod.name) = {
      expose = [{
        ips = [{ vpc_subnet = "web" }]
        as  = [{ cidr = "203.0.113.10/32" }]
        nat = { masquerade = { idle_timeout = "5m0s" } }
      }]
    }
    # The External external-01, which the fabric's wiring holds.
    "ext.external-01" = { expose = [{ default = true }] }
  }
  depends_on = [hedgehog_gateway.gw_01]
}

resource "hedgehog_gateway_peering" "shared_prod_ssh" {
  name = "shared--prod-ssh"
  peering = {
    (hedgehog_vpc.shared.name) = { expose = [{ ips = [{ cidr = "10.0.10.0/24" }] }] }
    (hedgehog_vpc.prod.name) = {
      expose = [{
        ips = [{ cidr = "10.0.1.10/32" }]
        as  = [{ cidr = "192.168.1.10/32" }]
        nat = { port_forward = { ports = [{ proto = "tcp", port = "22", as = "2222" }] } }
      }]
    }
  }
  depends_on = [hedgehog_gateway.gw_01]
}
