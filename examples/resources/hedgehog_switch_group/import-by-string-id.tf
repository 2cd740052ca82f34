import {
  to = hedgehog_switch_group.eslag_1
  id = "eslag-1"
}
