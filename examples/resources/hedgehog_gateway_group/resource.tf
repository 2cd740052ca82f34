# A gateway group: the gateways that are its members carry the gateway
# peerings that name it. A fabric installed with the gateway has the group
# `default` already (Hedgehog's installer writes it with the gateways of the
# wiring): refer to it by name, never declare it. A second group lets a
# separate set of gateways carry some of the peerings.
resource "hedgehog_gateway_group" "edge" {
  name = "edge"
}
