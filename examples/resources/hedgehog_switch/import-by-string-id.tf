import {
  to = hedgehog_switch.leaf_01
  id = "leaf-01"
}
