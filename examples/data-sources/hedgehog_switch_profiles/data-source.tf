data "hedgehog_switch_profiles" "all" {}

output "switch_profiles" {
  value = data.hedgehog_switch_profiles.all.names
}
