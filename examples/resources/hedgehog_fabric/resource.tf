resource "hedgehog_fabric" "dc1" {
  name        = "dc1"
  namespace   = "hedgehog-system"
  description = "Amsterdam DC1, hall 3"
  asn         = 65100
  spine_count = 2
  leaf_count  = 8

  labels = {
    site = "ams1"
  }

  # Free-form objects, written in HCL.
  spine_leaf_links = {
    links_per_pair = 2
    speed          = "100G"
  }
  switch_config = {
    mtu = 9100
    ntp = ["10.10.0.1", "10.10.0.2"]
  }

  # Return only once the fabric operator reports the fabric Ready.
  wait_for_ready = true
  timeouts = {
    create = "15m"
    update = "15m"
  }
}
