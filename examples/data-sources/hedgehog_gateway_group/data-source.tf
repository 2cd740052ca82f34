# The gateway group that Hedgehog's installer writes on a fabric with the
# gateway: gateways and gateway peerings that name no group are in it. Refer
# to it; never declare it as a resource (it exists already, so creating it
# fails). Reading it fails the plan on a fabric without the gateway.
data "hedgehog_gateway_group" "default" {
  name = "default"
}

output "default_gateway_group" {
  value = data.hedgehog_gateway_group.default.id
}
