# A gateway the installer wrote, with the values Hedgehog defaulted.
data "hedgehog_gateway" "gw_01" {
  name = "gw-01"
}

output "gw_01" {
  value = {
    vtep_ip = data.hedgehog_gateway.gw_01.vtep_ip
    groups  = [for g in data.hedgehog_gateway.gw_01.groups : g.name]
    workers = data.hedgehog_gateway.gw_01.workers
  }
}
