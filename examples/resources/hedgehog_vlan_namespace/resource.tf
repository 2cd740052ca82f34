# A VLAN namespace beside the installer's `default` (1000-2999): VPCs that
# name it take their subnets' VLANs from its ranges, and only switches that
# list it in `vlan_namespaces` carry them. The API server keeps the ranges
# sorted; a range without `to` is the one VLAN `from`. Hedgehog reserves
# VLANs 3000-3999 for itself.
resource "hedgehog_vlan_namespace" "lab" {
  name = "lab"
  ranges = [
    { from = 2000, to = 2099 },
    { from = 2500 },
  ]
}
