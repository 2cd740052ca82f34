# The built-in virtual switch profile: its ports and what it supports.
data "hedgehog_switch_profile" "vs" {
  name = "vs"
}

output "vs_supports_eslag" {
  value = data.hedgehog_switch_profile.vs.features.eslag
}

output "vs_data_ports" {
  value = sort([for name, p in data.hedgehog_switch_profile.vs.ports : name if p.management != true])
}
