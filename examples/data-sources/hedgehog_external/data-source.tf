data "hedgehog_external" "isp" {
  name = "isp"
}

output "isp_inbound_community" {
  value = data.hedgehog_external.isp.inbound_community
}
