# The External "isp" meets the fabric on the port of the external connection
# of leaf-03: a BGP session on VLAN 10 between the switch (100.1.10.1/24)
# and the external router (100.1.10.6, AS 64102). In a configuration that
# also holds the External and the connection, refer to them
# (hedgehog_external.isp.name) so that Terraform creates them first and
# deletes them last.
resource "hedgehog_external_attachment" "leaf_03_isp" {
  name            = "leaf-03--isp"
  external        = "isp"
  connection_name = "leaf-03--external"
  switch = {
    vlan = 10
    ip   = "100.1.10.1/24"
  }
  neighbor = {
    asn = 64102
    ip  = "100.1.10.6"
  }
  wait_for_applied = true
}

# A static External on VLAN 20 of the same port, with proxy ARP, and an
# access list on what comes in.
resource "hedgehog_external_attachment" "leaf_03_dc_core" {
  name            = "leaf-03--dc-core"
  external        = "dc-core"
  connection_name = "leaf-03--external"
  static = {
    remote_ip = "100.1.20.1"
    vlan      = 20
    proxy     = true
  }
  inbound_acl = {
    statements = [
      { seq = 10, action = "permit", protocol = "tcp", src_prefix = "10.200.0.0/16", dst_prefix = "any", port_range_begin = 443, port_range_end = 443 },
      { seq = 20, action = "deny", protocol = "ip", src_prefix = "any", dst_prefix = "any" },
    ]
  }
}
