import {
  to = hedgehog_external_attachment.leaf_03_isp
  id = "leaf-03--isp"
}
