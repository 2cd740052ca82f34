# Every gateway of the fabric, and the groups each serves.
data "hedgehog_gateways" "all" {}

output "gateways" {
  value = { for g in data.hedgehog_gateways.all.gateways : g.name => [for m in g.groups : m.name] }
}
