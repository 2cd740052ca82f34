# The group that gateways and peerings belong to unless they name another.
# Hedgehog's controller creates it only after it admitted a gateway or a
# peering, and admitting one needs it: declare it, and refer to its name.
resource "hedgehog_gateway_group" "default" {
  name = "default"
}

# A second group, for peerings that a separate set of gateways carries.
resource "hedgehog_gateway_group" "edge" {
  name = "edge"
}
