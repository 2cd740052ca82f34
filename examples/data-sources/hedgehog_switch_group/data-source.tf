# A redundancy group of the wiring: refer to it from a switch's
# `redundancy.group` without declaring it.
data "hedgehog_switch_group" "eslag_1" {
  name = "eslag-1"
}

output "eslag_1_id" {
  value = data.hedgehog_switch_group.eslag_1.id
}
