import {
  to = hedgehog_external_peering.vpc_01_isp
  id = "vpc-01--isp"
}
