terraform import hedgehog_external_attachment.leaf_03_isp leaf-03--isp
