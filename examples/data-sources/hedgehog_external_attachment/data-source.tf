# Where the External "isp" meets the fabric, and who is at the other end.
data "hedgehog_external_attachment" "leaf_03_isp" {
  name = "leaf-03--isp"
}

output "isp_neighbor" {
  value = "AS${data.hedgehog_external_attachment.leaf_03_isp.neighbor.asn} at ${data.hedgehog_external_attachment.leaf_03_isp.neighbor.ip}"
}
