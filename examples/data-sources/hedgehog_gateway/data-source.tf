# A gateway that the installer wrote, with the values Hedgehog defaulted (its
# workers and groups).
data "hedgehog_gateway" "gateway_1" {
  name = "gateway-1"
}

output "gateway_1" {
  value = {
    vtep_ip = data.hedgehog_gateway.gateway_1.vtep_ip
    groups  = [for g in data.hedgehog_gateway.gateway_1.groups : g.name]
    workers = data.hedgehog_gateway.gateway_1.workers
  }
}
