# The switches of one ESLAG redundancy group.
data "hedgehog_switches" "eslag_1" {
  group = "eslag-1"
}

output "eslag_1_switches" {
  value = data.hedgehog_switches.eslag_1.names
}
