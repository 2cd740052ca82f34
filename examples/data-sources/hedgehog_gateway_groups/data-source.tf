data "hedgehog_gateway_groups" "all" {}

output "gateway_groups" {
  value = data.hedgehog_gateway_groups.all.names
}
