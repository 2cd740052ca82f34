data "hedgehog_fabric" "dc1" {
  name      = "dc1"
  namespace = "hedgehog-system"
}

output "dc1_phase" {
  value = data.hedgehog_fabric.dc1.status.phase
}
