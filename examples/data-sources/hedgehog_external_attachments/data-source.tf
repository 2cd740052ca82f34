# Where the External "isp" meets the fabric, and every External attachment on
# the external connection of leaf-03.
data "hedgehog_external_attachments" "isp" {
  external = "isp"
}

data "hedgehog_external_attachments" "leaf_03" {
  connection_name = "leaf-03--external"
}

output "isp_attachments" {
  value = data.hedgehog_external_attachments.isp.names
}
