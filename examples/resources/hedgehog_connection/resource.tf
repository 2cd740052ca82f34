# Cables between devices of the fabric's wiring, named as Hedgehog names
# them: <spine>--fabric--<leaf>, <server>--<type>--<switch>[--<switch>]. Ports
# are "<device>/<port>". In a configuration that also holds the devices,
# write the device through its resource, such as
# "${hedgehog_switch.leaf_01.name}/E1/2": Terraform then creates the devices
# first and deletes the connection first (see the virtual-lab example).

# A spine-to-leaf link, numbered with a /31 of the fabric subnet.
resource "hedgehog_connection" "spine_01__leaf_01" {
  name = "spine-01--fabric--leaf-01"
  fabric = {
    links = [{
      spine = { port = "spine-01/E1/1", ip = "172.30.128.0/31" }
      leaf  = { port = "leaf-01/E1/8", ip = "172.30.128.1/31" }
    }]
  }
}

# A server on one port of one leaf.
resource "hedgehog_connection" "server_02" {
  name = "server-02--unbundled--leaf-01"
  unbundled = {
    link = {
      server = { port = "server-02/enp2s1" }
      switch = { port = "leaf-01/E1/2" }
    }
  }
  wait_for_applied = true
}

# A server multi-homed to an ESLAG pair of leaves.
resource "hedgehog_connection" "server_01" {
  name = "server-01--eslag--leaf-01--leaf-02"
  eslag = {
    links = [
      { server = { port = "server-01/enp2s1" }, switch = { port = "leaf-01/E1/1" } },
      { server = { port = "server-01/enp2s2" }, switch = { port = "leaf-02/E1/1" } },
    ]
  }
}
