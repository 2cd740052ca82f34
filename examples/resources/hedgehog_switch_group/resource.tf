# The redundancy group of an ESLAG pair of leaves.
resource "hedgehog_switch_group" "eslag_1" {
  name = "eslag-1"
}
