data "hedgehog_switch_groups" "all" {}

output "switch_groups" {
  value = data.hedgehog_switch_groups.all.names
}
