import {
  to = hedgehog_fabric.dc1
  id = "hedgehog-system/dc1"
}
