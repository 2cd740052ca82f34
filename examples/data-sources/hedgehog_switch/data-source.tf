data "hedgehog_switch" "leaf_01" {
  name = "leaf-01"
}

output "leaf_01_vtep_ip" {
  value = data.hedgehog_switch.leaf_01.vtep_ip
}
