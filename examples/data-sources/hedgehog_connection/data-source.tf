# A cable of the fabric's wiring: the switch ports server-01 is on.
data "hedgehog_connection" "server_01" {
  name = "server-01--eslag--leaf-01--leaf-02"
}

output "server_01_switch_ports" {
  value = [for l in data.hedgehog_connection.server_01.eslag.links : l.switch.port]
}
