data "hedgehog_ipv4_namespaces" "all" {}

output "ipv4_namespaces" {
  value = data.hedgehog_ipv4_namespaces.all.names
}
