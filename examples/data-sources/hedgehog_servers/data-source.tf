data "hedgehog_servers" "all" {}

output "servers" {
  value = data.hedgehog_servers.all.names
}
