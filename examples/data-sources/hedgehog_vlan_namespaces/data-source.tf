data "hedgehog_vlan_namespaces" "all" {}

output "vlan_namespaces" {
  value = data.hedgehog_vlan_namespaces.all.names
}
